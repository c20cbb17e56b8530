import * as fc from 'fast-check';
import { Cloud, PolicyPlanEntry, PolicyPlanText } from '../../src/spec';

describe('PolicyPlanText', () => {
  test('render: one section per entry, sorted by cloud, resource, kind and document; documents keep their text', () => {
    const entries: PolicyPlanEntry[] = [
      { cloud: Cloud.GCP, resource: 'platform-dev', kind: 'cleanup-policies', document: '[]\n\n' },
      { cloud: Cloud.AWS, resource: 'platform/dev/web', kind: 'lifecycle-policy', document: '{}' },
      { cloud: Cloud.AWS, resource: 'platform/dev/api', kind: 'tag-mutability', document: 'IMMUTABLE' },
      { cloud: Cloud.AWS, resource: 'platform/dev/api', kind: 'lifecycle-policy', document: '{\n  "rules": []\n}' },
    ];
    expect(PolicyPlanText.render(entries)).toBe([
      '## aws platform/dev/api lifecycle-policy', '{', '  "rules": []', '}', '',
      '## aws platform/dev/api tag-mutability', 'IMMUTABLE', '',
      '## aws platform/dev/web lifecycle-policy', '{}', '',
      '## gcp platform-dev cleanup-policies', '[]', '',
    ].join('\n'));
    expect(PolicyPlanText.render([])).toBe('');
  });

  test('property: the text does not depend on the order of the entries or of object keys (the same spec, the same plan)', () => {
    const entry = fc.record({
      cloud: fc.constantFrom(Cloud.AWS, Cloud.GCP, Cloud.AZURE),
      resource: fc.constantFrom('a', 'b', 'c'),
      kind: fc.constantFrom('iam-policy', 'trust-policy'),
      document: fc.dictionary(fc.constantFrom('x', 'y', 'z'), fc.integer()).map((d) => PolicyPlanText.stableJson(d)),
    });
    const lists = fc.array(entry, { maxLength: 8 })
      .chain((list) => fc.tuple(fc.constant(list), fc.shuffledSubarray(list, { minLength: list.length })));
    fc.assert(fc.property(lists, ([list, shuffled]) => {
      expect(PolicyPlanText.render(shuffled)).toBe(PolicyPlanText.render(list));
    }), { seed: 14, numRuns: 200 });
  });

  test('stableJson: keys sorted at every level, arrays kept in order, two-space indentation', () => {
    expect(PolicyPlanText.stableJson({ b: 1, a: { d: [{ z: 1, y: 2 }], c: null } }))
      .toBe(JSON.stringify({ a: { c: null, d: [{ y: 2, z: 1 }] }, b: 1 }, null, 2));
    expect(PolicyPlanText.stableJson({ x: 1, y: 2 })).toBe(PolicyPlanText.stableJson({ y: 2, x: 1 }));
  });
});
