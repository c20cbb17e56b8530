import {
  AcrPurgeTranslation, EcrLifecycleEvaluator, EcrLifecycleTranslation, GarCleanupTranslation, TranslationFidelity,
} from '../../src/retention';
import { RetentionAction, RetentionPolicySpec, StorageClass, TagState } from '../../src/spec';

// Pull-time and archive rules on each cloud (issue 18): ECR exact where it can be, Artifact
// Registry and ACR keep the rule's selection with a warning that names the rule.

const DAY = 86_400_000;
const NOW = new Date('2026-06-01T00:00:00Z');
const ago = (d: number) => new Date(NOW.getTime() - d * DAY);

/** The README's worked example: keep what prod pulled in the last 90 days, archive the rest, delete after a year in the archive. */
const prodPulls: RetentionPolicySpec = {
  protectedTags: ['prod'],
  rules: [
    { tagState: TagState.ANY, notPulledForDays: 90, action: RetentionAction.ARCHIVE },
    { tagState: TagState.ANY, storageClass: StorageClass.ARCHIVE, archivedForDays: 365 },
  ],
};

describe('ECR: pull-time and archive rules', () => {
  test('archive when not pulled for N days is an exact sinceImagePulled transition; archived images expire by sinceImageTransitioned', () => {
    const result = EcrLifecycleTranslation.translate(prodPulls);
    expect(result.report.fidelity).toBe(TranslationFidelity.EXACT);
    // After the protected tags, in each storage class: the claim of cosign's signatures and attestations (issue 17).
    const signatures = (rulePriority: number, archived: boolean) => ({
      rulePriority,
      description: `Signatures and attestations: never expire ${archived ? 'archived ' : ''}images tagged sha256-*`,
      selection: archived
        ? { tagStatus: 'tagged', tagPatternList: ['sha256-*'], storageClass: 'archive', countType: 'sinceImageTransitioned', countUnit: 'days', countNumber: EcrLifecycleTranslation.CLAIM_COUNT }
        : { tagStatus: 'tagged', tagPatternList: ['sha256-*'], countType: 'imageCountMoreThan', countNumber: EcrLifecycleTranslation.CLAIM_COUNT },
      action: { type: 'expire' },
    });
    expect(JSON.parse(result.policyText!).rules).toEqual([
      {
        rulePriority: 1,
        description: 'Protected: never expire images tagged prod',
        selection: { tagStatus: 'tagged', tagPatternList: ['prod'], countType: 'imageCountMoreThan', countNumber: EcrLifecycleTranslation.CLAIM_COUNT },
        action: { type: 'expire' },
      },
      signatures(2, false),
      {
        rulePriority: 3,
        description: 'archive when not pulled for 90 days (any) (rules[0])',
        selection: { tagStatus: 'any', countType: 'sinceImagePulled', countUnit: 'days', countNumber: 90 },
        action: { type: 'transition', targetStorageClass: 'archive' },
      },
      {
        rulePriority: 4,
        description: 'Protected: never expire archived images tagged prod',
        selection: {
          tagStatus: 'tagged',
          tagPatternList: ['prod'],
          storageClass: 'archive',
          countType: 'sinceImageTransitioned',
          countUnit: 'days',
          countNumber: EcrLifecycleTranslation.CLAIM_COUNT,
        },
        action: { type: 'expire' },
      },
      signatures(5, true),
      {
        rulePriority: 6,
        description: 'expire when archived for more than 365 days (any) (rules[1])',
        selection: { tagStatus: 'any', storageClass: 'archive', countType: 'sinceImageTransitioned', countUnit: 'days', countNumber: 365 },
        action: { type: 'expire' },
      },
    ]);
    expect(EcrLifecycleEvaluator.problems(result.policyText!)).toEqual([]);
    const evaluated = EcrLifecycleEvaluator.evaluate(result.policyText!, [
      { imageDigest: 'prod-idle', imageTags: ['prod'], imagePushedAt: ago(300) },
      { imageDigest: 'pulled-last-week', imageTags: ['v1'], imagePushedAt: ago(300), lastRecordedPullTime: ago(7) },
      { imageDigest: 'never-pulled-old', imageTags: ['v2'], imagePushedAt: ago(100) },
      { imageDigest: 'archived-long-ago', imageTags: ['v0'], imagePushedAt: ago(900), imageStatus: 'ARCHIVED', lastArchivedAt: ago(400) },
      { imageDigest: 'prod-archived', imageTags: ['prod'], imagePushedAt: ago(900), imageStatus: 'ARCHIVED', lastArchivedAt: ago(400) },
    ], { now: NOW });
    expect(evaluated.archived.map((e) => e.imageDigest)).toEqual(['never-pulled-old']);
    expect(evaluated.expired.map((e) => e.imageDigest)).toEqual(['archived-long-ago']);
  });

  test('expire when not pulled: ECR can only archive by pull time, so the images are archived instead (conservative, with a warning naming the rule)', () => {
    const result = EcrLifecycleTranslation.translate({ rules: [{ tagState: TagState.TAGGED, tagPatterns: ['pr-*'], notPulledForDays: 30 }] });
    // No claim of the signature tags: pr-* cannot select one.
    expect(JSON.parse(result.policyText!).rules[0]).toMatchObject({
      selection: { countType: 'sinceImagePulled', countNumber: 30 }, action: { type: 'transition', targetStorageClass: 'archive' },
    });
    expect(result.report.rules).toEqual([{ ruleIndex: 0, fidelity: TranslationFidelity.CONSERVATIVE, reason: expect.stringMatching(/ECR can only archive by last pull/) }]);
    expect(result.report.warnings).toEqual([expect.stringMatching(/^rules\[0\] \(expire when not pulled for 30 days\): ECR can only archive by last pull/)]);
  });

  test('keep the N most recently pulled: no ECR count by pull time, the selection is claimed (kept) and later rules cannot reach it', () => {
    const result = EcrLifecycleTranslation.translate({
      rules: [{ tagState: TagState.TAGGED, tagPatterns: ['v*'], keepMostRecentlyPulled: 3 }, { tagState: TagState.ANY, expireAfterDays: 10 }],
    });
    const rules = JSON.parse(result.policyText!).rules;
    // rules[0] is the claim of the signature tags (sha256-*).
    expect(rules[1].selection).toEqual({ tagStatus: 'tagged', tagPatternList: ['v*'], countType: 'imageCountMoreThan', countNumber: EcrLifecycleTranslation.CLAIM_COUNT });
    expect(result.report.rules[0]).toMatchObject({ fidelity: TranslationFidelity.CONSERVATIVE, reason: expect.stringMatching(/ECR has no count by last pull/) });
    const expired = EcrLifecycleEvaluator.evaluate(result.policyText!, [
      { imageDigest: 'v-old', imageTags: ['v1'], imagePushedAt: ago(50) }, { imageDigest: 'x-old', imageTags: ['x'], imagePushedAt: ago(50) },
    ], { now: NOW }).expired;
    expect(expired.map((e) => e.imageDigest)).toEqual(['x-old']);
  });

  test('archived for fewer than 90 days: ECR deletes nothing archived for less than 90 days, so 90 (conservative)', () => {
    const rule = { tagState: TagState.UNTAGGED, storageClass: StorageClass.ARCHIVE, archivedForDays: 30 };
    const result = EcrLifecycleTranslation.translate({ rules: [rule] });
    expect(JSON.parse(result.policyText!).rules[0].selection).toEqual({
      tagStatus: 'untagged', storageClass: 'archive', countType: 'sinceImageTransitioned', countUnit: 'days', countNumber: 90,
    });
    expect(result.report.fidelity).toBe(TranslationFidelity.CONSERVATIVE);
  });
});

describe('Artifact Registry and ACR: no pull time, no archive', () => {
  const policy: RetentionPolicySpec = {
    rules: [
      { tagState: TagState.TAGGED, tagPatterns: ['pr-*'], notPulledForDays: 30 },
      { tagState: TagState.ANY, expireAfterDays: 60 },
    ],
  };

  test('Artifact Registry keeps a pull-time rule\'s selection (a KEEP shield), says so, and uses gcpRules when given', () => {
    const result = GarCleanupTranslation.translate([{ packageName: 'api', policy }]);
    expect(GarCleanupTranslation.toTerraformJson(result.policies)).toContain('"id": "r0-keep-selection"');
    expect(result.policies.filter((p) => p.action === 'DELETE').map((p) => p.id)).toEqual(['r1-delete-older']);
    expect(result.report.rules[0]).toMatchObject({ fidelity: TranslationFidelity.CONSERVATIVE, reason: expect.stringMatching(/records no pull time/) });
    expect(result.report.warnings).toEqual([expect.stringMatching(/^rules\[0\] \(expire when not pulled for 30 days\): Artifact Registry records no pull time.*gcpRules/)]);

    const withOverride = GarCleanupTranslation.translate([{
      packageName: 'api', policy: { ...policy, gcpRules: [{ tagState: TagState.TAGGED, tagPatterns: ['pr-*'], expireAfterDays: 30 }] },
    }]);
    // No KEEP of cosign's signature tags: the DELETE of pr-* cannot reach one.
    expect(withOverride.policies.map((p) => p.id)).toEqual(['r0-delete-older']);
    expect(withOverride.report.fidelity).toBe(TranslationFidelity.EXACT);
    expect(withOverride.report.warnings).toEqual([]);
  });

  test('ACR keeps a pull-time rule\'s selection (later filters exclude its tags), says so, and uses azureRules when given', () => {
    const result = AcrPurgeTranslation.translate([{ repository: 'api', policy }]);
    expect(result.commands).toEqual(['acr purge --filter "^(api)$:^(?!(pr-.*|sha256-.*)$)(.*)$" --ago 60d']);
    expect(result.report.rules[0]).toMatchObject({ fidelity: TranslationFidelity.CONSERVATIVE, reason: expect.stringMatching(/acr purge has no pull time/) });
    expect(result.report.warnings).toEqual(expect.arrayContaining([expect.stringMatching(/^rules\[0\] \(expire when not pulled for 30 days\): acr purge has no pull time.*azureRules/)]));
    const archiving = AcrPurgeTranslation.translate([{ repository: 'api', policy: { rules: [{ tagState: TagState.ANY, expireAfterDays: 5, action: RetentionAction.ARCHIVE }] } }]);
    expect(archiving.commands).toEqual([]);
    expect(archiving.retentionDays).toBeUndefined();
    expect(archiving.report.rules[0].reason).toMatch(/ACR has no archive storage class/);

    const withOverride = AcrPurgeTranslation.translate([{ repository: 'api', policy: { ...policy, azureRules: [{ tagState: TagState.ANY, expireAfterDays: 60 }] } }]);
    expect(withOverride.commands).toEqual(['acr purge --filter "^(api)$:^(?!(sha256-.*)$)(.*)$" --ago 60d']);
  });
});
