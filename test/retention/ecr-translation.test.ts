import { EcrLifecycleEvaluator, EcrLifecycleTranslation, RetentionEvaluator, TranslationFidelity } from '../../src/retention';
import { RetentionPolicySpec, TagState } from '../../src/spec';

const DAY = 86_400_000;
const NOW = new Date('2026-06-01T00:00:00Z');
const daysAgo = (d: number) => new Date(NOW.getTime() - d * DAY);

function ecrExpired(policy: RetentionPolicySpec, images: Array<{ digest: string; tags?: string[]; age: number }>): string[] {
  const { policyText } = EcrLifecycleTranslation.translate(policy);
  if (!policyText) return [];
  const ecrImages = images.map((i) => ({ imageDigest: i.digest, imageTags: i.tags, imagePushedAt: daysAgo(i.age) }));
  return EcrLifecycleEvaluator.evaluate(policyText, ecrImages, { now: NOW })
    .expired.map((e) => e.imageDigest);
}
function neutralExpired(policy: RetentionPolicySpec, images: Array<{ digest: string; tags?: string[]; age: number }>): string[] {
  return RetentionEvaluator.evaluate(policy, images.map((i) => ({ digest: i.digest, tags: i.tags, pushedAt: daysAgo(i.age) })), { now: NOW })
    .expired.map((e) => e.digest);
}

describe('EcrLifecycleTranslation', () => {
  test('protected tags become claim rules first, neutral rules follow in order, one ECR rule per pattern, any last', () => {
    const policy: RetentionPolicySpec = {
      protectedTags: ['prod', 'v*'],
      rules: [
        { tagState: TagState.UNTAGGED, expireAfterDays: 7 },
        { tagState: TagState.TAGGED, tagPatterns: ['pr-*', 'feature-*'], expireAfterDays: 14 },
        { tagState: TagState.ANY, keepMostRecent: 100 },
      ],
      // Signatures take places among the 100 as ECR counts them, so the `any` count translates exactly.
      countAttachments: true,
    };
    const { policyText, report } = EcrLifecycleTranslation.translate(policy);
    const doc = JSON.parse(policyText!);
    const summary = doc.rules.map((r: any) => [
      r.rulePriority, r.selection.tagStatus, r.selection.tagPatternList, r.selection.countType, r.selection.countNumber,
    ]);
    expect(summary).toEqual([
      [1, 'tagged', ['prod'], 'imageCountMoreThan', 2147483647],
      [2, 'tagged', ['v*'], 'imageCountMoreThan', 2147483647],
      // cosign's signatures and attestations (sha256-<hex>.sig/.att) are claimed like protected tags (issue 17).
      [3, 'tagged', ['sha256-*'], 'imageCountMoreThan', 2147483647],
      [4, 'untagged', undefined, 'sinceImagePushed', 7],
      [5, 'tagged', ['pr-*'], 'sinceImagePushed', 14],
      [6, 'tagged', ['feature-*'], 'sinceImagePushed', 14],
      [7, 'any', undefined, 'imageCountMoreThan', 100],
    ]);
    expect(report.fidelity).toBe(TranslationFidelity.EXACT);
    expect(report.rules.map((r) => r.ruleIndex)).toEqual([-1, 0, 1, 2]);
    // ECR would accept it (the evaluator checks every rule ECR enforces), and no field is null.
    expect(EcrLifecycleEvaluator.problems(policyText!)).toEqual([]);
    expect(policyText).not.toMatch(/null/);
    expect(policyText).toMatchSnapshot();
  });

  test('never emits the seed document\'s mistake: an "any" rule before other rules; later rules are dead and dropped with a warning', () => {
    // The seed doc put `any` (keep last 10) at priority 1 and an untagged rule after it; ECR rejects that.
    const seed: RetentionPolicySpec = {
      rules: [
        { tagState: TagState.ANY, keepMostRecent: 10 },
        { tagState: TagState.UNTAGGED, expireAfterDays: 7 },
      ],
      countAttachments: true,
    };
    const { policyText, report } = EcrLifecycleTranslation.translate(seed);
    const doc = JSON.parse(policyText!);
    // The claim of the signature tags, then the `any` rule.
    expect(doc.rules).toHaveLength(2);
    expect(doc.rules[0].selection.tagPatternList).toEqual(['sha256-*']);
    expect(doc.rules[1].selection.tagStatus).toBe('any');
    expect(report.warnings.join('\n')).toMatch(/rules\[1\] is never reached: rules\[0\] \(tagState any\) selects every image/);
    expect(report.fidelity).toBe(TranslationFidelity.EXACT);
    const images = Array.from({ length: 14 }, (_, i) => ({ digest: `d${String(i).padStart(2, '0')}`, tags: i % 2 ? [`t${i}`] : undefined, age: i + 1 }));
    expect(ecrExpired(seed, images)).toEqual(neutralExpired(seed, images));
  });

  test('signatures do not count towards keep N (the default): a count that would count them on ECR claims its selection instead', () => {
    // aws/containers-roadmap#2613: with signed images, "Only keep 1 images total" also counts the signature artifacts.
    const subject = (i: number) => `sha256:${String(i).padStart(64, '0')}`;
    const images = [
      ...Array.from({ length: 6 }, (_, i) => ({ digest: subject(i), tags: [`main-${i}`], age: 10 - i })),
      // Each image's signature, pushed with it.
      ...Array.from({ length: 6 }, (_, i) => ({ digest: `sha256:f${String(i).padStart(63, '0')}`, tags: [`sha256-${String(i).padStart(64, '0')}.sig`], age: 10 - i })),
    ];
    const keep3: RetentionPolicySpec = { rules: [{ tagState: TagState.ANY, keepMostRecent: 3 }] };
    // The spec keeps the 3 most recent images and their signatures: 0, 1, 2 go, with their signatures.
    expect(neutralExpired(keep3, images).sort()).toEqual([subject(0), subject(1), subject(2),
      ...[0, 1, 2].map((i) => `sha256:f${String(i).padStart(63, '0')}`)].sort());
    // Natively ECR would count the signatures (3 places = 1.5 images); the rule claims its selection instead.
    const { policyText, report } = EcrLifecycleTranslation.translate(keep3);
    expect(policyText).toBeUndefined();
    expect(report.fidelity).toBe(TranslationFidelity.CONSERVATIVE);
    expect(report.rules[0].reason).toMatch(/counts cosign's signature and attestation images .* countAttachments/);
    // A tagged count whose patterns cannot match sha256-* still counts natively, exactly.
    const mainOnly: RetentionPolicySpec = { rules: [{ tagState: TagState.TAGGED, tagPatterns: ['main-*'], keepMostRecent: 3 }] };
    const exact = EcrLifecycleTranslation.translate(mainOnly);
    expect(exact.report.fidelity).toBe(TranslationFidelity.EXACT);
    expect(ecrExpired(mainOnly, images).sort()).toEqual([subject(0), subject(1), subject(2)]);
    // With countAttachments the spec counts them as ECR does: 3 places, exact.
    const counted: RetentionPolicySpec = { ...keep3, countAttachments: true };
    expect(EcrLifecycleTranslation.translate(counted).report.fidelity).toBe(TranslationFidelity.EXACT);
    const nativeCounted = ecrExpired(counted, images);
    const neutralCounted = neutralExpired(counted, images);
    // ECR leaves the signatures of expired images (protected natively); every other decision is the same.
    expect(nativeCounted.every((d) => neutralCounted.includes(d))).toBe(true);
    expect(nativeCounted.filter((d) => d.startsWith('sha256:0'))).toEqual(neutralCounted.filter((d) => d.startsWith('sha256:0')));
  });

  test('keep N with several patterns is conservative: each pattern keeps its own N (ECR ANDs patterns within one rule)', () => {
    const policy: RetentionPolicySpec = { rules: [{ tagState: TagState.TAGGED, tagPatterns: ['pr-*', 'main-*'], keepMostRecent: 1 }] };
    const { report } = EcrLifecycleTranslation.translate(policy);
    expect(report.rules[0]).toMatchObject({ fidelity: TranslationFidelity.CONSERVATIVE, reason: expect.stringMatching(/ECR ANDs the patterns of one rule/) });
    const images = [{ digest: 'a', tags: ['pr-1'], age: 1 }, { digest: 'b', tags: ['main-1'], age: 2 }, { digest: 'c', tags: ['pr-0'], age: 3 }];
    // Neutral: keep only a (the most recent of pr-* OR main-*); ECR keeps a and b (the most recent of each).
    expect(neutralExpired(policy, images)).toEqual(['b', 'c']);
    expect(ecrExpired(policy, images)).toEqual(['c']);
  });

  test('a pattern used earlier is left out (ECR rejects duplicate tag lists); keep N then counts fewer images: conservative', () => {
    const policy: RetentionPolicySpec = { protectedTags: ['prod'], rules: [{ tagState: TagState.TAGGED, tagPatterns: ['prod', 'pr-*'], keepMostRecent: 1 }] };
    const { policyText, report } = EcrLifecycleTranslation.translate(policy);
    // No rule can select a cosign tag (pr-*), so the signature tags need no claim.
    expect(JSON.parse(policyText!).rules.map((r: any) => r.selection.tagPatternList)).toEqual([['prod'], ['pr-*']]);
    expect(report.rules[1]).toMatchObject({ ruleIndex: 0, fidelity: TranslationFidelity.CONSERVATIVE });
    expect(report.warnings.join('\n')).toMatch(/pattern prod already selected by protected tags or an earlier rule/);
  });

  test('no rules, or only protected tags: no policy text (nothing is deleted)', () => {
    expect(EcrLifecycleTranslation.translate({}).policyText).toBeUndefined();
    expect(EcrLifecycleTranslation.translate({ protectedTags: ['prod'] }).policyText).toBeUndefined();
  });

  test('protected patterns with more than 4 wildcards are widened (protects more: conservative); rule patterns are an error', () => {
    const widened = EcrLifecycleTranslation.translate({ protectedTags: ['a*b*c*d*e*f'], rules: [{ tagState: TagState.ANY, expireAfterDays: 30 }] });
    expect(JSON.parse(widened.policyText!).rules[0].selection.tagPatternList).toEqual(['a*b*c*d*']);
    expect(widened.report.rules[0]).toMatchObject({ ruleIndex: -1, fidelity: TranslationFidelity.CONSERVATIVE });
    expect(() => EcrLifecycleTranslation.translate({
      rules: [{ tagState: TagState.TAGGED, tagPatterns: ['a*b*c*d*e*'], expireAfterDays: 3 }, { tagState: TagState.TAGGED, tagPatterns: ['*1*2*3*4*5'], keepMostRecent: 3 }],
    }, { repositoryName: 'platform/api' })).toThrow(/ECR repository "platform\/api": 2 problems\n.*rules\[0\]\.tagPatterns\[0\]: "a\*b\*c\*d\*e\*" has 5 wildcards; ECR allows at most 4[\s\S]*rules\[1\]\.tagPatterns\[0\]/);
  });

  test('more than 50 ECR rules is an error that says what to change', () => {
    // 50 rule patterns fit; 51 do not. With a pattern that can match a cosign tag (t*), the claim of sha256-* takes a place too.
    const patterns = (n: number) => Array.from({ length: n }, (_, i) => `t${i}`);
    expect(() => EcrLifecycleTranslation.translate({ rules: [{ tagState: TagState.TAGGED, tagPatterns: patterns(50), expireAfterDays: 1 }] }))
      .not.toThrow();
    expect(() => EcrLifecycleTranslation.translate({ rules: [{ tagState: TagState.TAGGED, tagPatterns: patterns(51), expireAfterDays: 1 }] }))
      .toThrow(/needs 51 ECR rules \(each tag pattern is its own rule, protected ones and the signature tags sha256-\* included, .*ECR allows 50: use fewer/);
    expect(() => EcrLifecycleTranslation.translate({ rules: [{ tagState: TagState.TAGGED, tagPatterns: [...patterns(49), '*.sig'], expireAfterDays: 1 }] }))
      .toThrow(/needs 51 ECR rules/);
  });

  test('a text over 30,720 characters is an error', () => {
    const long = 'x'.repeat(700);
    const rules = Array.from({ length: 45 }, (_, i) => ({ tagState: TagState.TAGGED, tagPatterns: [`t${i}-*`], expireAfterDays: 1, description: long }));
    expect(() => EcrLifecycleTranslation.translate({ rules })).toThrow(/the lifecycle policy text is \d+ characters; ECR allows 30720/);
  });

  test('an invalid policy lists every problem', () => {
    expect(() => EcrLifecycleTranslation.translate({ rules: [{ tagState: TagState.TAGGED, keepMostRecent: 0 }, { tagState: 'some' as TagState, expireAfterDays: 3 }] }))
      .toThrow(/3 problems[\s\S]*rules\[0\]\.tagPatterns[\s\S]*rules\[0\]\.keepMostRecent: 0[\s\S]*rules\[1\]\.tagState: "some"/);
  });

  test('the report warns that ECR has no dry run', () => {
    const r = EcrLifecycleTranslation.translate({ dryRun: true, rules: [{ tagState: TagState.UNTAGGED, expireAfterDays: 1 }] });
    expect(r.report.warnings.join('\n')).toMatch(/ECR has no dry run .*retention\.dryRun is set.*start-lifecycle-policy-preview/);
    // Without dryRun there is nothing to warn about.
    expect(EcrLifecycleTranslation.translate({ rules: [{ tagState: TagState.UNTAGGED, expireAfterDays: 1 }] }).report.warnings).toEqual([]);
  });
});
