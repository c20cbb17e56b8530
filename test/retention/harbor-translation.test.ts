import { HarborRetentionEvaluator, HarborRetentionTranslation, TranslationFidelity } from '../../src/retention';
import { EnvironmentLayout, RetentionAction, RetentionPolicySpec, TagState } from '../../src/spec';

const DAY = 86_400_000;
const NOW = new Date('2026-06-01T00:00:00Z');
const ago = (d: number) => new Date(NOW.getTime() - d * DAY);

describe('HarborRetentionTranslation', () => {
  const policy: RetentionPolicySpec = {
    protectedTags: ['prod', 'v*'],
    rules: [
      { tagState: TagState.TAGGED, tagPatterns: ['pr-*'], keepMostRecent: 2 },
      { tagState: TagState.UNTAGGED, expireAfterDays: 7 },
    ],
  };

  test('protected tags, each rule with its own selection, and a catch-all for what no rule selects; every rule names its repositories', () => {
    const result = HarborRetentionTranslation.translate([{ repository: 'api', policy }, { repository: 'jobs/worker', policy }]);
    const rules = JSON.parse(result.policyJson).rules;
    const repo = { kind: 'doublestar', decoration: 'repoMatches', pattern: '{api,jobs/worker}' };
    expect(rules).toEqual([
      { disabled: false, action: 'retain', template: 'always', params: {}, tag_selectors: [{ kind: 'doublestar', decoration: 'matches', pattern: '{prod,v*}', extras: '{"untagged":false}' }], scope_selectors: { repository: [repo] } },
      // No rule for cosign's tags: no rule here can select sha256-<hex>.sig/.att/.sbom.
      { disabled: false, action: 'retain', template: 'latestPushedK', params: { latestPushedK: 2 }, tag_selectors: [{ kind: 'doublestar', decoration: 'matches', pattern: 'pr-*', extras: '{"untagged":false}' }], scope_selectors: { repository: [repo] } },
      { disabled: false, action: 'retain', template: 'nDaysSinceLastPush', params: { nDaysSinceLastPush: 7 }, tag_selectors: [{ kind: 'doublestar', decoration: 'excludes', pattern: '**', extras: '{"untagged":false}' }], scope_selectors: { repository: [repo] } },
      { disabled: false, action: 'retain', template: 'always', params: {}, tag_selectors: [{ kind: 'doublestar', decoration: 'excludes', pattern: 'pr-*', extras: '{"untagged":true}' }], scope_selectors: { repository: [repo] } },
    ]);
    expect(HarborRetentionEvaluator.problems(result.policyJson)).toEqual([]);
    expect(result.report.rules.map((r) => [r.ruleIndex, r.fidelity])).toEqual([[-1, 'exact'], [0, 'conservative'], [1, 'exact']]);
    expect(result.report.rules[1].reason).toMatch(/"no tag matches" has no form/);
    const run = HarborRetentionEvaluator.evaluate(result.policyJson, [
      { repository: 'p/api', digest: 'pr3', tags: ['pr-3'], pushedAt: ago(1) },
      { repository: 'p/api', digest: 'pr2', tags: ['pr-2'], pushedAt: ago(2) },
      { repository: 'p/api', digest: 'pr1', tags: ['pr-1'], pushedAt: ago(3) },
      { repository: 'p/api', digest: 'pr0-main', tags: ['pr-0', 'main'], pushedAt: ago(4) },
      { repository: 'p/api', digest: 'v1', tags: ['v1', 'pr-9'], pushedAt: ago(5) },
      { repository: 'p/api', digest: 'old-untagged', tags: [], pushedAt: ago(8) },
      { repository: 'p/web', digest: 'untouched', tags: [], pushedAt: ago(80) },
    ], { now: NOW });
    // pr-1 is the third most recent pr-* image: deleted; pr0-main is kept because of its unselected "main" tag (the conservative part).
    expect(run.deleted).toEqual(['p/api@old-untagged', 'p/api@pr1']);
  });

  test('not pulled for N days: a pull rule and a push rule, so a fresh image never pulled (pull time year 1 on Harbor) is kept', () => {
    const result = HarborRetentionTranslation.translate([{ repository: 'api', policy: { rules: [{ tagState: TagState.ANY, notPulledForDays: 30 }] } }]);
    expect(JSON.parse(result.policyJson).rules.map((r: any) => [r.template, r.params])).toEqual([
      ['always', {}], // the signature tags sha256-*
      ['nDaysSinceLastPull', { nDaysSinceLastPull: 30 }], ['nDaysSinceLastPush', { nDaysSinceLastPush: 30 }],
    ]);
    expect(result.report.fidelity).toBe(TranslationFidelity.EXACT);
    const run = HarborRetentionEvaluator.evaluate(result.policyJson, [
      { repository: 'p/api', digest: 'fresh', tags: ['a'], pushedAt: ago(2) },
      { repository: 'p/api', digest: 'used', tags: ['b'], pushedAt: ago(200), pulledAt: ago(3) },
      { repository: 'p/api', digest: 'idle', tags: ['c'], pushedAt: ago(200), pulledAt: ago(31) },
    ], { now: NOW });
    expect(run.deleted).toEqual(['p/api@idle']);
    // The pull rule alone (the naive translation) deletes the fresh image the spec keeps.
    const naive = JSON.parse(result.policyJson);
    naive.rules = naive.rules.slice(0, 1);
    expect(HarborRetentionEvaluator.evaluate(JSON.stringify(naive), [{ repository: 'p/api', digest: 'fresh', tags: ['a'], pushedAt: ago(2) }], { now: NOW }).deleted)
      .toEqual(['p/api@fresh']);
  });

  test('keep the N most recently pulled: latestPulledN and latestPushedK (conservative); archive: always (conservative, warned)', () => {
    const result = HarborRetentionTranslation.translate([{
      repository: 'api',
      policy: { rules: [{ tagState: TagState.TAGGED, tagPatterns: ['v*'], keepMostRecentlyPulled: 3 }, { tagState: TagState.ANY, expireAfterDays: 5, action: RetentionAction.ARCHIVE }] },
    }]);
    expect(JSON.parse(result.policyJson).rules.map((r: any) => r.template)).toEqual(['always', 'latestPulledN', 'latestPushedK', 'always']);
    expect(result.report.rules[0].reason).toMatch(/cannot emit latestActiveK/);
    expect(result.report.rules[1].reason).toMatch(/no archive storage class/);
    expect(result.report.warnings).toEqual(expect.arrayContaining([expect.stringMatching(/^rules\[1\] \(archive after 5 days\): Harbor has no archive storage class/)]));
  });

  test('a later "within N days" rule never retains what an earlier "older than M >= N days" rule expires: both exact', () => {
    const result = HarborRetentionTranslation.translate([{ repository: 'api', policy: { rules: [{ tagState: TagState.ANY, expireAfterDays: 30 }] } }]);
    expect(result.report.fidelity).toBe(TranslationFidelity.EXACT);
    const two = HarborRetentionTranslation.translate([{
      repository: 'api', policy: { rules: [{ tagState: TagState.TAGGED, tagPatterns: ['*'], expireAfterDays: 30 }, { tagState: TagState.ANY, expireAfterDays: 10 }] },
    }]);
    expect(two.report.rules.map((r) => r.fidelity)).toEqual(['exact', 'exact']);
    const keepLater = HarborRetentionTranslation.translate([{
      repository: 'api', policy: { rules: [{ tagState: TagState.TAGGED, tagPatterns: ['*'], expireAfterDays: 30 }, { tagState: TagState.ANY, keepMostRecent: 3 }] },
    }]);
    expect(keepLater.report.rules[0]).toMatchObject({ fidelity: 'conservative', reason: expect.stringMatching(/Harbor has no rule order: rules\[1\]/) });
  });

  test('a policy that deletes nothing gets no rule (no repository is reached); identical rules of several groups are merged', () => {
    expect(HarborRetentionTranslation.translate([{ repository: 'api', policy: { protectedTags: ['prod'] } }]).ruleCount).toBe(0);
    const a: RetentionPolicySpec = { rules: [{ tagState: TagState.ANY, expireAfterDays: 30 }] };
    const b: RetentionPolicySpec = { protectedTags: ['prod'], rules: [{ tagState: TagState.ANY, expireAfterDays: 30 }] };
    const result = HarborRetentionTranslation.translate([{ repository: 'api', policy: a }, { repository: 'web', policy: b }]);
    expect(JSON.parse(result.policyJson).rules.map((r: any) => [r.template, r.scope_selectors.repository[0].pattern]))
      .toEqual([['always', '{api,web}'], ['nDaysSinceLastPush', '{api,web}'], ['always', 'web']]);
  });

  test('more than 15 Harbor rules: one error saying how many each group needs', () => {
    const many = (n: number): RetentionPolicySpec => ({ rules: Array.from({ length: 8 }, (_, i) => ({ tagState: TagState.TAGGED, tagPatterns: [`t${n}-${i}*`], expireAfterDays: i + n + 1 })) });
    // Each group: 8 rules and a catch-all (none of the rules can select a cosign tag, so no signature rule).
    expect(() => HarborRetentionTranslation.translate([{ repository: 'api', policy: many(1) }, { repository: 'web', policy: many(2) }]))
      .toThrow(/need 18 Harbor retention rules; Harbor allows 15 per project \(api: 9 rules; web: 9 rules\)/);
  });

  test('dryRun: a warning (no schedule); bad input lists every problem', () => {
    expect(HarborRetentionTranslation.translate([{ repository: 'api', policy: { dryRun: true, rules: [{ tagState: TagState.ANY, expireAfterDays: 3 }] } }]).report.warnings)
      .toEqual(expect.arrayContaining([expect.stringMatching(/Harbor has no dry-run setting/)]));
    expect(() => HarborRetentionTranslation.translate([{ repository: 'API', policy: { rules: [{ tagState: TagState.ANY }] } }]))
      .toThrow(/2 problems[\s\S]*"API" is not a repository name[\s\S]*needs exactly one criterion/);
  });

  test('projects per layout: tags -> <name> / <image>; repositories -> <name> / <env>/<image>; registries -> <name>-<env> / <image>', () => {
    const base = { name: 'platform', repositories: [{ name: 'api' }, { name: 'jobs/worker' }], retention: { rules: [{ tagState: TagState.ANY, keepMostRecent: 5 }] } };
    const chain = [{ name: 'dev' }, { name: 'prod' }];
    const spec = (layout?: EnvironmentLayout) => (layout ? { ...base, environments: { layout, chain } } as any : base);
    const names = (layout?: EnvironmentLayout) => HarborRetentionTranslation.projects(spec(layout))
      .map((p) => `${p.project}: ${p.repositories.map((r) => r.repository).join(' ')}`);
    expect(names()).toEqual(['platform: api jobs/worker']);
    expect(names(EnvironmentLayout.TAGS)).toEqual(['platform: api jobs/worker']);
    expect(names(EnvironmentLayout.REPOSITORIES)).toEqual(['platform: dev/api dev/jobs/worker prod/api prod/jobs/worker']);
    expect(names(EnvironmentLayout.REGISTRIES)).toEqual(['platform-dev: api jobs/worker', 'platform-prod: api jobs/worker']);
  });
});
