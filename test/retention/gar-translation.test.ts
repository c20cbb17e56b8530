import { GarCleanupEvaluator, GarCleanupTranslation, RetentionEvaluator, TranslationFidelity } from '../../src/retention';
import { RetentionPolicySpec, TagState } from '../../src/spec';

const DAY = 86_400_000;
const NOW = new Date('2026-06-01T00:00:00Z');
const v = (packageName: string, version: string, tags: string[], ageDays: number) =>
  ({ packageName, version, tags, createTime: new Date(NOW.getTime() - ageDays * DAY) });

describe('GarCleanupTranslation', () => {
  test('DESIGN trap: "keep the last 2 pr-*" is never DELETE(tag pr-) + KEEP(most recent 2), which deletes images the spec keeps', () => {
    const policy: RetentionPolicySpec = { rules: [{ tagState: TagState.TAGGED, tagPatterns: ['pr-*'], keepMostRecent: 2 }] };
    const versions = [v('api', 'a', ['main-a'], 1), v('api', 'b', ['main-b'], 2), v('api', 'c', ['pr-3'], 3), v('api', 'd', ['pr-2'], 4), v('api', 'e', ['pr-1'], 5)];
    // The naive translation deletes pr-3, pr-2 and pr-1 (most_recent_versions counts main-a and main-b).
    const naive = JSON.stringify([
      { id: 'del', action: 'DELETE', condition: { tag_state: 'TAGGED', tag_prefixes: ['pr-'] } },
      { id: 'keep', action: 'KEEP', most_recent_versions: { keep_count: 2 } },
    ]);
    expect(GarCleanupEvaluator.evaluate(naive, versions, { now: NOW }).deleted.map((d) => d.version)).toEqual(['c', 'd', 'e']);
    const result = GarCleanupTranslation.translate([{ packageName: 'api', policy }]);
    expect(result.policies).toEqual([]);
    expect(result.report.rules[0]).toMatchObject({ fidelity: TranslationFidelity.CONSERVATIVE, reason: expect.stringMatching(/most_recent_versions counts every version/) });
  });

  test('first-match claims become KEEP shields: "newer than N days" plus 1 s (whole seconds: the provider rejects fractions), and the Terraform JSON shape', () => {
    const policy: RetentionPolicySpec = {
      protectedTags: ['v*'],
      rules: [{ tagState: TagState.TAGGED, tagPatterns: ['pr-*'], expireAfterDays: 30 }, { tagState: TagState.ANY, expireAfterDays: 7 }],
    };
    const result = GarCleanupTranslation.translate([{ packageName: 'api', policy }]);
    expect(JSON.parse(GarCleanupTranslation.toTerraformJson(result.policies))).toEqual([
      // Protected tags and cosign's signature and attestation tags (sha256-<hex>.sig/.att, issue 17) share one KEEP.
      { id: 'protected-keep', action: 'KEEP', condition: { tag_state: 'TAGGED', tag_prefixes: ['sha256-', 'v'] } },
      { id: 'r0-keep-newer', action: 'KEEP', condition: { tag_state: 'TAGGED', tag_prefixes: ['pr-'], newer_than: '2592001s' } },
      { id: 'r0-delete-older', action: 'DELETE', condition: { tag_state: 'TAGGED', tag_prefixes: ['pr-'], older_than: '2592000s' } },
      { id: 'r1-delete-older', action: 'DELETE', condition: { tag_state: 'ANY', older_than: '604800s' } },
    ]);
    // The shield is one second wider than "not older than 30 days": conservative, and the report says why.
    expect(result.report.rules.find((r) => r.ruleIndex === 0)).toMatchObject({
      fidelity: TranslationFidelity.CONSERVATIVE, reason: expect.stringMatching(/newer_than 2592001s \(Artifact Registry durations are whole seconds\)/),
    });
    // A pr- image 10 days old: the neutral policy keeps it (rule 0 decides); the shield stops rule 1's DELETE.
    const json = GarCleanupTranslation.toTerraformJson(result.policies);
    expect(GarCleanupEvaluator.problems(json)).toEqual([]);
    const versions = [v('api', 'p', ['pr-9'], 10), v('api', 'x', ['x'], 10), v('api', 'o', ['pr-1'], 31), v('api', 'edge', ['pr-2'], 30),
      { ...v('api', 'window', ['pr-3'], 30), createTime: new Date(NOW.getTime() - 30 * 86_400_000 - 500) }];
    const deleted = GarCleanupEvaluator.evaluate(json, versions, { now: NOW }).deleted;
    expect(deleted.map((d) => d.version)).toEqual(['o', 'x']);
    // Exactly 30 days old: kept by both. 30 days and 0.5 s: the neutral policy expires it, the one-second-wider shield keeps it.
    const images = versions.map((x) => ({ digest: x.version, tags: x.tags, pushedAt: x.createTime }));
    const neutral = RetentionEvaluator.evaluate(policy, images, { now: NOW });
    expect(neutral.expired.map((e) => e.digest)).toEqual(['o', 'window', 'x']);
  });

  test('an image name that is a prefix of another image with another policy gets no DELETE (package_name_prefixes are prefixes)', () => {
    const result = GarCleanupTranslation.translate([
      { packageName: 'api', policy: { rules: [{ tagState: TagState.UNTAGGED, expireAfterDays: 7 }] } },
      { packageName: 'api-gateway', policy: { rules: [{ tagState: TagState.UNTAGGED, expireAfterDays: 30 }] } },
    ]);
    expect(result.policies).toEqual([
      { id: 'api-gateway-r0-delete-older', action: 'DELETE', condition: { tagState: 'UNTAGGED', packageNamePrefixes: ['api-gateway'], olderThan: '2592000s' } },
    ]);
    expect(result.report.warnings.join('\n')).toMatch(/"api" also matches api-gateway \(a different policy\); nothing is deleted from api/);
  });

  test('prefix clashes: only names that another policy\'s image extends lose their DELETE, and the warning names every such image once', () => {
    const week = { rules: [{ tagState: TagState.UNTAGGED, expireAfterDays: 7 }] };
    const month = { rules: [{ tagState: TagState.UNTAGGED, expireAfterDays: 30 }] };
    // Group "week": api (extended by api-gateway of "month", and by api-v2 of its own group), api-v2, web (extended by web-admin and
    // web-ui of "month"), worker (extended by nothing). Group "month": api-gateway, web-admin, web-ui, we (extended by web, web-admin, ...).
    const result = GarCleanupTranslation.translate([
      { packageName: 'web', policy: week },
      { packageName: 'api', policy: week },
      { packageName: 'api-v2', policy: week },
      { packageName: 'worker', policy: week },
      { packageName: 'web-ui', policy: month },
      { packageName: 'api-gateway', policy: month },
      { packageName: 'web-admin', policy: month },
      { packageName: 'we', policy: month },
    ]);
    const deleted = (id: string) => result.policies.find((p) => p.id === id)?.condition?.packageNamePrefixes;
    expect(deleted('api-r0-delete-older')).toEqual(['api-v2', 'worker']);
    expect(deleted('api-gateway-r0-delete-older')).toEqual(['api-gateway', 'web-admin', 'web-ui']);
    const text = result.report.warnings.join('\n');
    expect(text).toContain('"api", "web": Artifact Registry selects images by name prefix, and "api", "web" also matches api-gateway, web-admin, web-ui (a different policy); nothing is deleted from api, web');
    expect(text).toContain('"we": Artifact Registry selects images by name prefix, and "we" also matches web (a different policy); nothing is deleted from we');
  });

  test('tag globs that are not prefix* are not deleted (tag_prefixes would reach further) and are shielded by their prefix', () => {
    const result = GarCleanupTranslation.translate([{
      packageName: 'api',
      policy: {
        rules: [{ tagState: TagState.TAGGED, tagPatterns: ['v1'], expireAfterDays: 30 }, { tagState: TagState.ANY, expireAfterDays: 7 }],
      },
    }]);
    expect(result.policies.map((p) => p.id)).toEqual(['protected-keep', 'r0-keep-newer', 'r1-delete-older']);
    expect(result.report.rules[0]).toMatchObject({ fidelity: TranslationFidelity.CONSERVATIVE, reason: expect.stringMatching(/prefixes, not globs: v1 cannot be selected exactly/) });
  });

  test('images with the same policy share policies; every image: no package_name_prefixes; dry run from the policy', () => {
    const policy: RetentionPolicySpec = { dryRun: true, rules: [{ tagState: TagState.UNTAGGED, expireAfterDays: 7 }] };
    const all = GarCleanupTranslation.translate([{ packageName: 'api', policy }, { packageName: 'web', policy }]);
    expect(all.policies).toEqual([{ id: 'r0-delete-older', action: 'DELETE', condition: { tagState: 'UNTAGGED', olderThan: '604800s' } }]);
    expect(all.dryRun).toBe(true);
    const some = GarCleanupTranslation.translate([{ packageName: 'api', policy }], { allPackageNames: ['api', 'web'] });
    expect(some.policies[0].condition!.packageNamePrefixes).toEqual(['api']);
  });

  test('more than 10 cleanup policies is an error that lists them and what to merge', () => {
    const packages = ['a1', 'b2', 'c3', 'd4', 'e5', 'f6'].map((packageName, k) => ({
      packageName, policy: { rules: [{ tagState: TagState.TAGGED, tagPatterns: ['pr-*'], expireAfterDays: k + 2 }, { tagState: TagState.ANY, expireAfterDays: 1 }] },
    }));
    expect(() => GarCleanupTranslation.translate(packages)).toThrow(/need 1\d cleanup policies; Artifact Registry allows 10 per repository[\s\S]*a1-r0-delete-older \(DELETE\) from rules\[0\] \(a1\)[\s\S]*Merge rules: give images the same retention policy/);
  });
});
