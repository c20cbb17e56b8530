import { RuleTranslation, TranslationFidelity, TranslationReport } from './translation-report';
import {
  actionWords, liveRuleIndexes, policyProblems, selectionWords, throwTranslationProblems, widenToWildcards, worstFidelity,
} from './translation-support';
import { Glob } from '../spec/glob';
import { RetentionPolicySpec, TagState } from '../spec/registry-spec';

/** Options of `EcrLifecycleTranslation.translate`. */
export interface EcrTranslationOptions {
  /**
   * The ECR repository the policy is for, used in messages.
   *
   * @default - messages name no repository
   */
  readonly repositoryName?: string;
}

/** An ECR lifecycle policy translated from a neutral retention policy. */
export interface EcrLifecycleResult {
  /**
   * The lifecycle policy JSON text, or undefined when the policy deletes nothing (no rules).
   *
   * @default - no lifecycle policy
   */
  readonly policyText?: string;
  /** How faithfully each rule was translated, and warnings. */
  readonly report: TranslationReport;
}

interface EcrRuleDoc {
  rulePriority: number;
  description: string;
  selection: {
    tagStatus: string;
    tagPatternList?: string[];
    countType: string;
    countUnit?: string;
    countNumber: number;
  };
  action: { type: string };
}

/**
 * Translates a neutral retention policy into an Amazon ECR lifecycle policy.
 *
 * - Protected tags become the first rules: one per pattern, `tagStatus: tagged`,
 *   `imageCountMoreThan` with `CLAIM_COUNT`. ECR never lets a lower-priority rule
 *   expire an image that matches a higher rule's tag selection, so these rules
 *   claim (keep) every protected image; the count is so large that the claim
 *   rules themselves never expire anything.
 * - The neutral rules follow in order. ECR ANDs the entries of one
 *   `tagPatternList` while the neutral patterns are ORed, so each pattern becomes
 *   its own rule, in the order given: exact for `expireAfterDays` (the union of
 *   the per-pattern selections is the neutral selection, each decided by the same
 *   age test), conservative for `keepMostRecent` with several patterns (each
 *   pattern keeps its own N most recent, a superset of the N most recent of the
 *   union, because an image's rank within one pattern's images is never worse
 *   than its rank within the union).
 * - A pattern already used by an earlier rule (or protected) selects nothing new
 *   (the earlier rule claims those images) and is left out (ECR also rejects two
 *   rules with the same tag patterns). For `expireAfterDays` that is exact; for
 *   `keepMostRecent` the left-out images no longer count towards the N most
 *   recent, so the rule keeps more: conservative.
 * - A `tagStatus: any` rule must be ECR's last rule; a neutral `any` rule selects
 *   every image, so the rules after it can never decide an image: they are left
 *   out with a warning. Likewise a second `untagged` rule (ECR allows one).
 * - Never emits `null` fields; priorities are consecutive from 1; the JSON text is
 *   deterministic (fixed key order, two-space indentation, compact when the
 *   indented form is longer than ECR's 30,720-character limit).
 *
 * Throws one error listing every problem when ECR cannot express the policy
 * safely: more than 50 rules, a text over 30,720 characters, a rule pattern with
 * more than 4 wildcards (protected patterns with more are widened, which only
 * protects more), or an invalid policy.
 */
export class EcrLifecycleTranslation {
  /**
   * The `countNumber` of the claim rules of protected tags: the largest value of
   * ECR's `integer` type (32-bit), far above the 100,000 images a repository holds
   * by default, so a claim rule never expires an image.
   */
  public static readonly CLAIM_COUNT = 2147483647;
  /** ECR's limit on rules per lifecycle policy. */
  public static readonly MAX_RULES = 50;
  /** ECR's limit on the lifecycle policy text, in characters. */
  public static readonly MAX_TEXT_LENGTH = 30720;
  /** ECR's limit on wildcards per tag pattern. */
  public static readonly MAX_WILDCARDS = 4;

  /** Translates the policy; throws one Error listing every problem when ECR cannot express it safely. */
  public static translate(policy: RetentionPolicySpec, options: EcrTranslationOptions = {}): EcrLifecycleResult {
    const where = options.repositoryName ? ` for ECR repository "${options.repositoryName}"` : '';
    const what = `Cannot translate the retention policy to an ECR lifecycle policy${where}`;
    const problems = policyProblems(policy, 'retention');
    throwTranslationProblems(what, problems);

    const rules = policy.rules ?? [];
    const warnings: string[] = [];
    const reports: RuleTranslation[] = [];
    const docs: EcrRuleDoc[] = [];
    const claimed = new Set<string>();

    // Protected tags: claim rules first (only useful when a live rule can select tagged images).
    const protectedPatterns = [...new Set(policy.protectedTags ?? [])];
    const liveRules = liveRuleIndexes(rules, warnings);
    const selectsTagged = liveRules.some((i) => rules[i].tagState !== TagState.UNTAGGED);
    if (protectedPatterns.length > 0) {
      let widened = false;
      if (selectsTagged) {
        for (const p of protectedPatterns) {
          const pattern = widenToWildcards(p, EcrLifecycleTranslation.MAX_WILDCARDS);
          widened = widened || pattern !== p;
          if (claimed.has(pattern)) continue;
          claimed.add(pattern);
          docs.push(ruleDoc(`Protected: never expire images tagged ${pattern}`, TagState.TAGGED, [pattern], 'imageCountMoreThan', EcrLifecycleTranslation.CLAIM_COUNT));
        }
      }
      reports.push(widened
        ? {
          ruleIndex: -1,
          fidelity: TranslationFidelity.CONSERVATIVE,
          reason: `protected patterns with more than ${EcrLifecycleTranslation.MAX_WILDCARDS} wildcards were widened to their first ${EcrLifecycleTranslation.MAX_WILDCARDS} (ECR's limit), which protects more images`,
        }
        : { ruleIndex: -1, fidelity: TranslationFidelity.EXACT });
    }

    rules.forEach((rule, i) => {
      if (!liveRules.includes(i)) {
        reports.push({ ruleIndex: i, fidelity: TranslationFidelity.EXACT });
        return;
      }
      const description = rule.description ?? `${actionWords(rule)} (${selectionWords(rule)})`;
      const count = rule.keepMostRecent !== undefined
        ? { type: 'imageCountMoreThan', n: rule.keepMostRecent }
        : { type: 'sinceImagePushed', n: rule.expireAfterDays! };
      if (rule.tagState !== TagState.TAGGED) {
        docs.push(ruleDoc(`${description} (rules[${i}])`, rule.tagState, undefined, count.type, count.n));
        reports.push({ ruleIndex: i, fidelity: TranslationFidelity.EXACT });
        return;
      }
      const patterns = [...new Set(rule.tagPatterns ?? [])];
      patterns.forEach((p, j) => {
        const w = Glob.wildcards(p);
        if (w > EcrLifecycleTranslation.MAX_WILDCARDS) {
          problems.push(`retention.rules[${i}].tagPatterns[${j}]: "${p}" has ${w} wildcards; ECR allows at most ${EcrLifecycleTranslation.MAX_WILDCARDS} per pattern (write it with fewer "*")`);
        }
      });
      const live = patterns.filter((p) => !claimed.has(p));
      for (const p of live) {
        claimed.add(p);
        docs.push(ruleDoc(`${description} (rules[${i}]${patterns.length > 1 ? `, pattern ${p}` : ''})`, TagState.TAGGED, [p], count.type, count.n));
      }
      const leftOut = patterns.filter((p) => !live.includes(p));
      if (leftOut.length > 0) {
        warnings.push(`rules[${i}]: pattern${leftOut.length > 1 ? 's' : ''} ${leftOut.join(', ')} already selected by protected tags or an earlier rule; those images are decided earlier and ${leftOut.length > 1 ? 'are' : 'is'} left out of the ECR rules`);
      }
      if (rule.keepMostRecent !== undefined && live.length > 0 && (live.length > 1 || leftOut.length > 0)) {
        reports.push({
          ruleIndex: i,
          fidelity: TranslationFidelity.CONSERVATIVE,
          reason: live.length > 1
            ? `ECR ANDs the patterns of one rule, so each of ${live.join(', ')} is its own rule keeping its own ${rule.keepMostRecent} most recent images: up to ${live.length} x ${rule.keepMostRecent} images are kept, not ${rule.keepMostRecent}`
            : `images tagged ${leftOut.join(', ')} are claimed earlier and no longer count towards the ${rule.keepMostRecent} most recent, so more images are kept`,
        });
      } else {
        reports.push({ ruleIndex: i, fidelity: TranslationFidelity.EXACT });
      }
    });

    const anyIndex = docs.findIndex((d) => d.selection.tagStatus === TagState.ANY);
    if (anyIndex >= 0 && anyIndex !== docs.length - 1) {
      // Cannot happen: rules after `any` are dead and left out. Kept as a guard against aggressive output.
      problems.push('internal: the "any" rule is not the last ECR rule');
    }
    docs.forEach((d, k) => { d.rulePriority = k + 1; });
    if (docs.length > EcrLifecycleTranslation.MAX_RULES) {
      problems.push(`the policy needs ${docs.length} ECR rules (${claimed.size} tag patterns, each its own rule, protected ones included); ECR allows ${EcrLifecycleTranslation.MAX_RULES}: use fewer protected patterns or rule patterns (a common prefix like "pr-*" instead of several exact tags)`);
    }
    let policyText: string | undefined;
    if (docs.some((d) => !isClaim(d))) {
      const doc = { rules: docs };
      policyText = JSON.stringify(doc, undefined, 2);
      if (policyText.length > EcrLifecycleTranslation.MAX_TEXT_LENGTH) policyText = JSON.stringify(doc);
      if (policyText.length > EcrLifecycleTranslation.MAX_TEXT_LENGTH) {
        problems.push(`the lifecycle policy text is ${policyText.length} characters; ECR allows ${EcrLifecycleTranslation.MAX_TEXT_LENGTH}: shorten rule descriptions or use fewer patterns`);
      }
    }
    throwTranslationProblems(what, problems);
    if (policy.dryRun) {
      warnings.push('ECR has no dry run for lifecycle policies (retention.dryRun is set): preview with `aws ecr start-lifecycle-policy-preview` '
        + 'or `container-registry preview` before relying on it');
    }
    reports.sort((a, b) => a.ruleIndex - b.ruleIndex);
    return { policyText, report: { fidelity: worstFidelity(reports), rules: reports, warnings } };
  }
}

function isClaim(doc: EcrRuleDoc): boolean {
  return doc.selection.countNumber === EcrLifecycleTranslation.CLAIM_COUNT && doc.description.startsWith('Protected:');
}

function ruleDoc(description: string, tagStatus: string, patterns: string[] | undefined, countType: string, countNumber: number): EcrRuleDoc {
  const selection: EcrRuleDoc['selection'] = { tagStatus, countType, countNumber };
  if (patterns) selection.tagPatternList = patterns;
  if (countType === 'sinceImagePushed') selection.countUnit = 'days';
  // Fixed key order, so the text is stable for snapshots.
  const ordered: EcrRuleDoc['selection'] = {
    tagStatus: selection.tagStatus,
    ...(selection.tagPatternList ? { tagPatternList: selection.tagPatternList } : {}),
    countType: selection.countType,
    ...(selection.countUnit ? { countUnit: selection.countUnit } : {}),
    countNumber: selection.countNumber,
  };
  return { rulePriority: 0, description, selection: ordered, action: { type: 'expire' } };
}
