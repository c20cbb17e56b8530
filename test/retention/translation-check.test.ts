import { RetentionTranslationCheck } from '../../src/retention';
import { Cloud, RegistrySpec, TagState } from '../../src/spec';

// Twelve tagged rules and a protected pattern: fine for ECR (13 rules of its 50), more than
// Artifact Registry's "maximum of 10 cleanup policies per repository".
const twelve: RegistrySpec = {
  name: 'platform',
  repositories: [{ name: 'api' }, { name: 'web' }],
  retention: {
    protectedTags: ['v*'],
    rules: Array.from({ length: 12 }, (_, i) => ({ tagState: TagState.TAGGED, tagPatterns: [`team${i}-*`], expireAfterDays: 7 + i })),
  },
};

describe('RetentionTranslationCheck', () => {
  test('reports, per cloud, a retention the cloud cannot express, with the translation\'s own message', () => {
    expect(RetentionTranslationCheck.check(twelve, [Cloud.AWS])).toEqual([]);
    const gcp = RetentionTranslationCheck.check(twelve, [Cloud.GCP]);
    expect(gcp).toEqual([{ path: 'retention', value: 'undefined', message: expect.stringMatching(/^cannot be expressed on Artifact Registry: .*10/s) }]);
  });

  test('an ECR policy over 50 rules is reported at the repository that overrides the retention', () => {
    const patterns = Array.from({ length: 51 }, (_, i) => `p${i}-*`);
    const web = { name: 'web', retention: { rules: [{ tagState: TagState.TAGGED, tagPatterns: patterns, expireAfterDays: 1 }] } };
    const spec: RegistrySpec = { ...twelve, retention: undefined, repositories: [{ name: 'api' }, web] };
    expect(RetentionTranslationCheck.check(spec, [Cloud.AWS])).toEqual([
      { path: 'repositories[1].retention', value: 'undefined', message: expect.stringMatching(/^cannot be expressed on ECR: .*50/s) },
    ]);
  });

  test('a spec every cloud can express has no problem', () => {
    const rules = [{ tagState: TagState.UNTAGGED, expireAfterDays: 7 }, { tagState: TagState.ANY, keepMostRecent: 100 }];
    const ok: RegistrySpec = { ...twelve, retention: { rules } };
    expect(RetentionTranslationCheck.check(ok)).toEqual([]);
  });
});
