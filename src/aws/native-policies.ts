import { AwsWarnings } from './warnings';
import { EcrLifecycleTranslation, TranslationFidelity } from '../retention';
import { EffectiveTagPolicy, RetentionPolicySpec } from '../spec';
import { TagPolicyDecision } from '../tagging';

/** A warning with its stable id (`AwsWarnings`). */
export interface NativeWarning {
  readonly id: string;
  readonly message: string;
}

/**
 * The one place where the AWS constructs get their native policies from the
 * neutral ones (internal): the ECR lifecycle policy text from
 * `EcrLifecycleTranslation` (byte for byte), and the tag mutability from
 * `TagPolicyDecision.ecr`. Both throw a clear error when ECR cannot express the policy.
 */
export interface NativeLifecycle {
  /** The lifecycle policy text, exactly the translation's, or undefined (deletes nothing). */
  readonly policyText?: string;
  /** Whether the translation deletes only a subset of what the neutral policy deletes. */
  readonly conservative: boolean;
  /** Warnings to surface, with their ids. */
  readonly warnings: NativeWarning[];
}

export interface NativeTagMutability {
  readonly mutability: string;
  readonly exclusionFilters: string[];
  readonly warnings: NativeWarning[];
}

export function lifecycleFor(policy: RetentionPolicySpec, repositoryName: string): NativeLifecycle {
  if ((policy.rules ?? []).length === 0) return { policyText: undefined, conservative: false, warnings: [] };
  const result = EcrLifecycleTranslation.translate(policy, { repositoryName });
  const conservative = result.report.fidelity === TranslationFidelity.CONSERVATIVE;
  const reasons = result.report.rules.filter((r) => r.reason).map((r) => `${r.ruleIndex < 0 ? 'protectedTags' : `rules[${r.ruleIndex}]`}: ${r.reason}`);
  return {
    policyText: result.policyText,
    conservative,
    warnings: [
      ...result.report.warnings.map((message) => ({
        id: message.startsWith('ECR has no dry run') ? AwsWarnings.RETENTION_DRY_RUN : AwsWarnings.LIFECYCLE_TRANSLATION,
        message,
      })),
      ...(conservative
        ? [{ id: AwsWarnings.LIFECYCLE_CONSERVATIVE, message: `the ECR lifecycle policy is conservative (keeps more than the spec's retention): ${reasons.join('; ')}` }]
        : []),
    ],
  };
}

export function tagMutabilityFor(policy: EffectiveTagPolicy): NativeTagMutability {
  const decision = TagPolicyDecision.ecr(policy);
  return {
    mutability: decision.mutability,
    exclusionFilters: decision.exclusionFilters,
    warnings: decision.warnings.map((message) => ({ id: AwsWarnings.TAG_MUTABILITY, message })),
  };
}
