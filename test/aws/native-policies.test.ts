import { lifecycleFor, tagMutabilityFor } from '../../src/aws/native-policies';
import { AwsWarnings } from '../../src/aws/warnings';
import { EcrLifecycleEvaluator, EcrLifecycleTranslation, RetentionEvaluator } from '../../src/retention';
import { EffectiveSpec, RegistrySpec, RetentionPolicySpec, TagState } from '../../src/spec';
import { EcrTagMutability, TagPolicyDecision } from '../../src/tagging';

const NOW = new Date('2026-06-01T00:00:00Z');
const day = (n: number) => new Date(NOW.getTime() - n * 86_400_000);

describe('lifecycleFor', () => {
  test('no rules: no lifecycle policy (ECR deletes nothing), no warning', () => {
    expect(lifecycleFor({ protectedTags: ['prod'], rules: [] }, 'platform/api')).toEqual({ policyText: undefined, conservative: false, warnings: [] });
  });

  test('an exact translation: the translation\'s text byte for byte, not conservative, no warning', () => {
    const policy: RetentionPolicySpec = { rules: [{ tagState: TagState.UNTAGGED, expireAfterDays: 7 }] };
    const native = lifecycleFor(policy, 'platform/api');
    expect(native.policyText).toBe(EcrLifecycleTranslation.translate(policy, { repositoryName: 'platform/api' }).policyText);
    expect(native).toMatchObject({ conservative: false, warnings: [] });
  });

  test('a conservative translation (keep N of several patterns: ECR ANDs patterns) says so with its id and the rule, and keeps more', () => {
    const policy: RetentionPolicySpec = { rules: [{ tagState: TagState.TAGGED, tagPatterns: ['pr-*', 'feature-*'], keepMostRecent: 1 }] };
    const native = lifecycleFor(policy, 'platform/api');
    expect(native.conservative).toBe(true);
    expect(native.warnings).toEqual([{ id: AwsWarnings.LIFECYCLE_CONSERVATIVE, message: expect.stringMatching(/^the ECR lifecycle policy is conservative \(keeps more than the spec's retention\): rules\[0\]: /) }]);
    // Keeps more, never less: the neutral policy expires pr-1 (only the newest of pr-*/feature-* is kept); ECR keeps it.
    const images = [
      { digest: 'sha256:a', tags: ['pr-1'], pushedAt: day(3) },
      { digest: 'sha256:b', tags: ['feature-x'], pushedAt: day(2) },
    ];
    const neutral = RetentionEvaluator.evaluate(policy, images, { now: NOW });
    const listed = images.map((i) => ({ imageDigest: i.digest, imageTags: i.tags, imagePushedAt: i.pushedAt }));
    const ecr = EcrLifecycleEvaluator.evaluate(native.policyText!, listed, { now: NOW });
    expect(neutral.expired.map((i) => i.digest)).toEqual(['sha256:a']);
    expect(ecr.expired.every((i: any) => neutral.expired.some((n) => n.digest === (i.imageDigest ?? i.digest)))).toBe(true);
    expect(ecr.expired.length).toBeLessThan(neutral.expired.length);
  });

  test('a translation that cannot be expressed throws (the construct reports it with the other problems)', () => {
    const rules = Array.from({ length: 60 }, (_, i) => ({ tagState: TagState.TAGGED, tagPatterns: [`t${i}-*`], expireAfterDays: i + 1 }));
    expect(() => lifecycleFor({ rules }, 'platform/api')).toThrow(/ECR allows 50/);
  });
});

describe('tagMutabilityFor', () => {
  const tagPolicy = (over: RegistrySpec['tagPolicy']) => EffectiveSpec.tagPolicy({ name: 'p', repositories: [{ name: 'api' }], tagPolicy: over });

  test('mutable tags: MUTABLE, no filter, no warning', () => {
    expect(tagMutabilityFor(tagPolicy({ immutable: false }))).toEqual({ mutability: EcrTagMutability.MUTABLE, exclusionFilters: [], warnings: [] });
  });

  test.each<[string, RegistrySpec['tagPolicy']]>([
    ['immutable with mutable exceptions', { immutable: true, mutableTags: ['latest', 'dev'] }],
    ['immutable, git sha tags only', { immutable: true, mutableTags: ['latest'], strategy: 'git-sha' as any }],
  ])('%s: the tagging layer\'s ECR decision, as it is', (_what, over) => {
    const native = tagMutabilityFor(tagPolicy(over));
    const decision = TagPolicyDecision.ecr(tagPolicy(over));
    expect([native.mutability, native.exclusionFilters]).toEqual([decision.mutability, decision.exclusionFilters]);
    expect(native.mutability).not.toBe(EcrTagMutability.MUTABLE);
    expect(native.exclusionFilters.length).toBeGreaterThan(0);
  });

  test('every warning of the decision carries the tag-mutability id', () => {
    // Semver aliases (1.2, 1) must move: ECR has no filter for them, so the decision warns.
    const native = tagMutabilityFor(tagPolicy({ immutable: true, mutableTags: ['latest'], strategy: 'semver' as any }));
    expect(native.warnings.length).toBeGreaterThan(0);
    for (const w of native.warnings) expect(w.id).toBe(AwsWarnings.TAG_MUTABILITY);
  });
});
