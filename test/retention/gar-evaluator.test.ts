import * as fc from 'fast-check';
import { GarCleanupEvaluator, GarVersion } from '../../src/retention';

// Sources: Artifact Registry docs, "Cleanup policy overview"
// (https://cloud.google.com/artifact-registry/docs/repositories/cleanup-policy-overview) and "Configure cleanup
// policies" (.../cleanup-policy); the google provider schema of google_artifact_registry_repository.cleanup_policies.

const DAY = 86_400_000;
const NOW = new Date('2026-06-01T00:00:00Z');
const v = (packageName: string, version: string, tags: string[], days: number, extraMs = 0): GarVersion =>
  ({ packageName, version, tags, createTime: new Date(NOW.getTime() - days * DAY - extraMs) });
const deleted = (policies: object[], versions: GarVersion[], immutableTags = false) =>
  GarCleanupEvaluator.evaluate(JSON.stringify(policies), versions, { now: NOW, immutableTags }).deleted
    .map((d) => `${d.packageName}@${d.version}:${d.policyId}`);

describe('GarCleanupEvaluator: the documented example', () => {
  test('"Image A is deleted and image C is kept. Image B matches the delete conditions ... but is kept because there is a keep policy matching the image version"', () => {
    // Policies: 1. Delete images older than 100 days. 2. Keep images with a version prefix of 2.0.6. 3. Delete images tagged default.
    const policies = [
      { id: 'delete-old', action: 'DELETE', condition: { older_than: `${100 * 86400}s` } },
      { id: 'keep-206', action: 'KEEP', condition: [{ version_name_prefixes: ['2.0.6'] }] },
      { id: 'delete-default', action: 'DELETE', condition: { tag_state: 'TAGGED', tag_prefixes: ['default'] } },
    ];
    const versions = [v('image', '2.0.1', ['default'], 120), v('image', '2.0.6', ['default'], 150), v('image', '1.9.2', ['patch'], 20)];
    expect(deleted(policies, versions)).toEqual(['image@2.0.1:delete-old']);
  });
});

describe('GarCleanupEvaluator: semantics', () => {
  test('"When an artifact matches the criteria for both a delete policy and a keep policy, the artifact is kept"; KEEP policies alone delete nothing', () => {
    const versions = [v('api', 'a', ['prod'], 50), v('api', 'b', ['dev'], 50), v('api', 'c', [], 50)];
    expect(deleted([{ id: 'k', action: 'KEEP', condition: { tag_prefixes: ['prod'] } }], versions)).toEqual([]);
    expect(deleted([
      { id: 'd', action: 'DELETE', condition: { older_than: '86400s' } },
      { id: 'k', action: 'KEEP', condition: { tag_state: 'TAGGED', tag_prefixes: ['prod'] } },
    ], versions)).toEqual(['api@b:d', 'api@c:d']);
  });

  test('condition fields are ANDed; items of one prefix list are ORed ("Applied on any prefix match"); prefixes are prefixes, not globs', () => {
    const versions = [v('api', '1', ['pr-1'], 10), v('api-gateway', '2', ['pr-2'], 10), v('web', '3', ['feat-x'], 10), v('web', '4', ['main'], 10),
      v('api', '5', ['pr-3'], 1)];
    const policies = [{ id: 'd', action: 'DELETE', condition: { package_name_prefixes: ['api', 'web'], tag_prefixes: ['pr-', 'feat'], older_than: '432000s' } }];
    // api-gateway is reached by the prefix "api" (the DESIGN trap); version 5 is too new; version 4's tag matches no prefix.
    expect(deleted(policies, versions)).toEqual(['api@1:d', 'api-gateway@2:d', 'web@3:d']);
  });

  test('tag_state TAGGED / UNTAGGED / ANY (the default)', () => {
    const versions = [v('api', 't', ['x'], 10), v('api', 'u', [], 10)];
    expect(deleted([{ id: 'd', action: 'DELETE', condition: { tag_state: 'UNTAGGED' } }], versions)).toEqual(['api@u:d']);
    expect(deleted([{ id: 'd', action: 'DELETE', condition: { tag_state: 'TAGGED' } }], versions)).toEqual(['api@t:d']);
    expect(deleted([{ id: 'd', action: 'DELETE', condition: {} }], versions)).toEqual(['api@t:d', 'api@u:d']);
  });

  test('older_than and newer_than are strict comparisons with the create time', () => {
    const versions = [v('p', 'exact', [], 7), v('p', 'older', [], 7, 1), v('p', 'newer', [], 7, -1)];
    expect(deleted([{ id: 'd', action: 'DELETE', condition: { older_than: '604800s' } }], versions)).toEqual(['p@older:d']);
    expect(deleted([{ id: 'd', action: 'DELETE', condition: { newer_than: '604800s' } }], versions)).toEqual(['p@newer:d']);
  });

  test('most_recent_versions counts every version of each package, newest first (the DESIGN trap: it is not a tag-filtered count)', () => {
    // Newest first: main-a, main-b, pr-3, pr-2, pr-1. DELETE(tagged pr-) + KEEP(most recent 2) deletes all three pr versions.
    const versions = [v('api', 'a', ['main-a'], 1), v('api', 'b', ['main-b'], 2), v('api', 'c', ['pr-3'], 3), v('api', 'd', ['pr-2'], 4),
      v('api', 'e', ['pr-1'], 5), v('web', 'w1', ['pr-9'], 9)];
    const policies = [
      { id: 'del-pr', action: 'DELETE', condition: { tag_state: 'TAGGED', tag_prefixes: ['pr-'] } },
      { id: 'keep-2', action: 'KEEP', most_recent_versions: { keep_count: 2 } },
    ];
    // web has one version: it is within its package's 2 most recent, so it is kept.
    expect(deleted(policies, versions)).toEqual(['api@c:del-pr', 'api@d:del-pr', 'api@e:del-pr']);
    const scoped = [policies[0], { id: 'keep-2', action: 'KEEP', most_recent_versions: [{ package_name_prefixes: ['api'], keep_count: 2 }] }];
    expect(deleted(scoped, versions)).toEqual(['api@c:del-pr', 'api@d:del-pr', 'api@e:del-pr', 'web@w1:del-pr']);
  });

  test('most_recent_versions ties break by version name ascending', () => {
    const versions = [v('p', 'sha256:b', [], 3), v('p', 'sha256:a', [], 3), v('p', 'sha256:c', [], 3)];
    const policies = [{ id: 'd', action: 'DELETE', condition: { tag_state: 'ANY' } }, { id: 'k', action: 'KEEP', most_recent_versions: { keep_count: 1 } }];
    expect(deleted(policies, versions)).toEqual(['p@sha256:b:d', 'p@sha256:c:d']);
  });

  test('the first matching DELETE policy (in list order) is reported; null means unset; immutable tags protect tagged versions', () => {
    const versions = [v('p', '1', ['x'], 10), v('p', '2', [], 10)];
    const policies = [
      { id: 'first', action: 'DELETE', condition: { tag_state: 'TAGGED', older_than: null, newer_than: null }, most_recent_versions: null },
      { id: 'second', action: 'DELETE', condition: { older_than: '1s' } },
    ];
    expect(deleted(policies, versions)).toEqual(['p@1:first', 'p@2:second']);
    expect(deleted(policies, versions, true)).toEqual(['p@2:second']);
  });
});

describe('GarCleanupEvaluator: policies Artifact Registry rejects', () => {
  test('one error lists every problem in words', () => {
    const policies = [
      { id: 'a', action: 'KEEP', condition: { tag_state: 'TAGGED' }, most_recent_versions: { keep_count: 3 } },
      { id: 'a', action: 'DELETE', most_recent_versions: { keep_count: 3 } },
      { id: 'x'.repeat(128), action: 'REMOVE', condition: { older_than: '604800.000000001s', tag_state: 'SOME' } },
      { action: 'DELETE' },
      { id: 'b', action: 'KEEP', condition: [{}, {}], extra: true },
    ];
    expect(() => GarCleanupEvaluator.evaluate(JSON.stringify(policies), [], { now: NOW })).toThrow(new RegExp([
      'GarCleanupEvaluator: cannot evaluate the cleanup policies: 12 problems',
      '  - cleanup_policies\\[0\\]: has both condition and most_recent_versions; a policy takes one of them',
      '  - cleanup_policies\\[1\\]\\.id: "a" is also the id of cleanup_policies\\[0\\]; ids must be unique',
      '  - cleanup_policies\\[1\\]\\.most_recent_versions: only allowed on a KEEP policy \\(this one is DELETE\\)',
      '  - cleanup_policies\\[2\\]\\.id: "x+" has 128 characters; ids must be under 128',
      '  - cleanup_policies\\[2\\]\\.action: "REMOVE" is not an action \\(allowed: DELETE, KEEP\\)',
      '  - cleanup_policies\\[2\\]\\.condition\\.tag_state: "SOME" is not a tag state \\(allowed: TAGGED, UNTAGGED, ANY\\)',
      '  - cleanup_policies\\[2\\]\\.condition\\.older_than: "604800\\.000000001s" is not a duration the google provider accepts \\(whole digits and one unit[^\\n]*',
      '  - cleanup_policies\\[3\\]\\.id: undefined is required: a non-empty string',
      '  - cleanup_policies\\[3\\]: a DELETE policy needs a condition',
      '  - cleanup_policies\\[4\\]\\.extra: is not a cleanup policy field[^\\n]*',
      '  - cleanup_policies\\[4\\]\\.condition: 2 blocks; at most one is allowed',
      '  - cleanup_policies\\[4\\]: a KEEP policy needs a condition or most_recent_versions',
    ].join('\\n')));
  });

  test('more than 10 policies are rejected; an empty list deletes nothing', () => {
    const eleven = Array.from({ length: 11 }, (_, i) => ({ id: `p${i}`, action: 'DELETE', condition: { older_than: '1s' } }));
    expect(GarCleanupEvaluator.problems(JSON.stringify(eleven))).toEqual(['cleanup_policies: 11 policies; Artifact Registry allows at most 10 per repository']);
    expect(deleted([], [v('p', '1', [], 100)])).toEqual([]);
  });
});

// ---- properties ----

const versionsArb = fc.uniqueArray(fc.record({
  pkg: fc.constantFrom('api', 'api-gateway', 'web'),
  n: fc.integer({ min: 0, max: 60 }),
  tags: fc.uniqueArray(fc.constantFrom('prod', 'pr-1', 'pr-2', 'main', 'v1'), { maxLength: 2 }),
  age: fc.integer({ min: 0, max: 20 }),
}), { maxLength: 30, selector: (r) => `${r.pkg}@${r.n}` }).map((rs) => rs.map((r) => v(r.pkg, `sha256:${String(r.n).padStart(2, '0')}`, r.tags, r.age)));

const conditionArb = fc.record({
  tag_state: fc.constantFrom('TAGGED', 'UNTAGGED', 'ANY'),
  tag_prefixes: fc.option(fc.uniqueArray(fc.constantFrom('pr-', 'prod', 'v', 'm'), { minLength: 1, maxLength: 2 }), { nil: undefined }),
  package_name_prefixes: fc.option(fc.uniqueArray(fc.constantFrom('api', 'web'), { minLength: 1, maxLength: 2 }), { nil: undefined }),
  older_than: fc.option(fc.integer({ min: 0, max: 15 }).map((d) => `${d * 86400}s`), { nil: undefined }),
}, { requiredKeys: ['tag_state'] });
const policiesArb = fc.tuple(
  fc.array(conditionArb, { minLength: 1, maxLength: 3 }),
  fc.array(conditionArb, { maxLength: 2 }),
  fc.option(fc.integer({ min: 0, max: 4 }), { nil: undefined }),
).map(([dels, keeps, recent]) => [
  ...dels.map((condition, i) => ({ id: `del-${i}`, action: 'DELETE', condition })),
  ...keeps.map((condition, i) => ({ id: `keep-${i}`, action: 'KEEP', condition })),
  ...(recent === undefined ? [] : [{ id: 'recent', action: 'KEEP', most_recent_versions: { keep_count: recent } }]),
]);

describe('GarCleanupEvaluator properties (fast-check, seeded)', () => {
  const params = { seed: 1337, numRuns: 200 };

  test('the result does not depend on the order of the versions', () => {
    fc.assert(fc.property(policiesArb, versionsArb.chain((vs) => fc.tuple(fc.constant(vs), fc.shuffledSubarray(vs, { minLength: vs.length }))),
      (policies, [versions, shuffled]) => {
        expect(deleted(policies, shuffled)).toEqual(deleted(policies, versions));
      }), params);
  });

  test('adding a KEEP policy never deletes more; a version matched by a KEEP condition is never deleted', () => {
    fc.assert(fc.property(policiesArb, conditionArb, versionsArb, (policies, keep, versions) => {
      const before = new Set(deleted(policies, versions).map((d) => d.split(':')[0]));
      const after = deleted([...policies, { id: 'extra-keep', action: 'KEEP', condition: keep }], versions).map((d) => d.split(':')[0]);
      for (const d of after) expect(before.has(d)).toBe(true);
      const keepOnly = deleted([{ id: 'd', action: 'DELETE', condition: {} }, { id: 'k', action: 'KEEP', condition: keep }], versions);
      const kept = deleted([{ id: 'd', action: 'KEEP', condition: keep }, { id: 'all', action: 'DELETE', condition: {} }], versions);
      expect(keepOnly.map((d) => d.split(':')[0])).toEqual(kept.map((d) => d.split(':')[0]));
    }), params);
  });

  test('under most_recent_versions, adding a newer version never un-deletes an older one', () => {
    fc.assert(fc.property(policiesArb, versionsArb, fc.constantFrom('api', 'web'), (policies, versions, pkg) => {
      const before = deleted(policies, versions).map((d) => d.split(':')[0]);
      const after = new Set(deleted(policies, [...versions, v(pkg, 'sha256:new', ['fresh'], -1)]).map((d) => d.split(':')[0]));
      for (const d of before) expect(after.has(d)).toBe(true);
    }), params);
  });
});
