import { AcrPurgeEvaluator, AcrPurgeTranslation, TranslationFidelity } from '../../src/retention';
import { RetentionPolicySpec, TagState } from '../../src/spec';

const DAY = 86_400_000;
const NOW = new Date('2026-06-01T00:00:00Z');
const m = (digest: string, tags: string[], ageDays: number, repository = 'api') => {
  const t = new Date(NOW.getTime() - ageDays * DAY);
  return { repository, digest, lastUpdateTime: t, tags: tags.map((name) => ({ name, lastUpdateTime: t })) };
};

describe('AcrPurgeTranslation', () => {
  const policy: RetentionPolicySpec = {
    protectedTags: ['prod', 'v*'],
    rules: [
      { tagState: TagState.UNTAGGED, expireAfterDays: 7 },
      { tagState: TagState.TAGGED, tagPatterns: ['pr-*'], expireAfterDays: 14 },
      { tagState: TagState.ANY, expireAfterDays: 90 },
    ],
  };

  test('filters with anchored repository regexes, lookahead exclusions of protected and earlier patterns, then the untagged pass', () => {
    const result = AcrPurgeTranslation.translate([{ repository: 'api', policy }, { repository: 'jobs/worker', policy }], { allRepositories: ['api', 'jobs/worker', 'web'] });
    expect(result.commands).toEqual([
      // Every filter leaves cosign's signature and attestation tags (sha256-<hex>.sig/.att) alone (issue 17).
      'acr purge --filter "^(api|jobs/worker)$:^(?!(prod|v.*)$)(pr-.*)$" --ago 14d',
      'acr purge --filter "^(api|jobs/worker)$:^(?!(prod|v.*|pr-.*|sha256-.*)$)(.*)$" --ago 90d',
      'acr purge --filter "^(api|jobs/worker)$:^$" --ago 7d --untagged',
    ]);
    expect(result.retentionDays).toBeUndefined(); // web has no policy: the registry-wide retention would reach it
    expect(AcrPurgeEvaluator.problems(result.commands)).toEqual([]);
    expect(result.report.rules.map((r) => [r.ruleIndex, r.fidelity])).toEqual([[-1, 'exact'], [0, 'exact'], [1, 'conservative'], [2, 'exact']]);
    const run = AcrPurgeEvaluator.evaluate(result.commands, [
      m('old-prod', ['prod', 'pr-1'], 100), m('old-pr', ['pr-2'], 20), m('young-pr', ['pr-3'], 10), m('untagged', [], 8), m('old', ['x'], 91),
    ], { now: NOW });
    expect(run.deletedManifests).toEqual(['api@old', 'api@old-pr', 'api@untagged']);
    // The protected image loses its old pr-1 tag (reported), never its prod tag.
    expect(run.deletedTags).toEqual(['api:pr-1', 'api:pr-2', 'api:x']);
    expect(result.report.warnings.join('\n')).toMatch(/acr purge deletes tags: an image kept by protection or by an earlier rule can lose an old tag/);
  });

  test('--keep counts tags, not images: keep-N rules get no command (the naive one is aggressive)', () => {
    const keep: RetentionPolicySpec = { rules: [{ tagState: TagState.TAGGED, tagPatterns: ['pr-*'], keepMostRecent: 2 }, { tagState: TagState.UNTAGGED, expireAfterDays: 1 }] };
    // A (two pr tags) is newer than B (one): the neutral policy keeps both; purge --keep 2 keeps A's two tags and untags B, then deletes it.
    const naive = ['acr purge --filter "api:^pr-.*$" --ago 0d --keep 2', 'acr purge --filter "api:^$" --ago 0d --untagged'];
    expect(AcrPurgeEvaluator.evaluate(naive, [m('A', ['pr-3', 'pr-4'], 1), m('B', ['pr-1'], 2)], { now: NOW }).deletedManifests).toEqual(['api@B']);
    const result = AcrPurgeTranslation.translate([{ repository: 'api', policy: keep }]);
    expect(result.commands.some((c) => c.includes('--keep'))).toBe(false);
    expect(result.report.rules[0]).toMatchObject({ fidelity: TranslationFidelity.CONSERVATIVE, reason: expect.stringMatching(/--keep counts tags, not images/) });
  });

  test('the native retention policy when every repository expires untagged manifests after the same days; --dry-run from the policy', () => {
    const u: RetentionPolicySpec = { rules: [{ tagState: TagState.UNTAGGED, expireAfterDays: 7 }] };
    const native = AcrPurgeTranslation.translate([{ repository: 'api', policy: u }, { repository: 'web', policy: u }]);
    expect(native).toMatchObject({ retentionDays: 7, commands: [] });
    expect(native.report.warnings.join('\n')).toMatch(/only deletes manifests that become untagged after it is enabled/);
    const dry = AcrPurgeTranslation.translate([{ repository: 'api', policy: { ...u, dryRun: true } }]);
    expect(dry).toMatchObject({ retentionDays: undefined, commands: ['acr purge --filter "^(api)$:^$" --ago 7d --untagged --dry-run'] });
  });

  test('bad input lists every problem', () => {
    expect(() => AcrPurgeTranslation.translate([{ repository: 'API', policy: { rules: [{ tagState: TagState.ANY }] } }]))
      .toThrow(/2 problems[\s\S]*repositories\[0\]\.repository: "API" is not a repository path[\s\S]*needs exactly one criterion/);
  });
});
