import { RuleTranslation, TranslationFidelity, TranslationReport } from './translation-report';
import {
  ATTACHMENT_TAG_GLOB, actionWords, attachmentsCountedReason, countsAttachmentsNatively, liveRuleIndexes, mayMatchAttachmentTag, policyProblems,
  selectionWords, throwTranslationProblems, widenToWildcards, withAttachmentsProtected, worstFidelity,
} from './translation-support';
import { Glob } from '../spec/glob';
import { RetentionPolicySpec, RetentionRuleSpec, TagState } from '../spec/registry-spec';
import { archives, criterionOf } from '../spec/retention-rules';

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
    storageClass?: string;
    countType: string;
    countUnit?: string;
    countNumber: number;
  };
  action: { type: string; targetStorageClass?: string };
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
 * - Pull time and archive (ECR User Guide, lifecycle policies): `notPulledForDays`
 *   with `action: archive` is a `sinceImagePulled` transition to the archive
 *   storage class (exact: ECR reads the last recorded pull, or the push time for
 *   an image never pulled, as the neutral meaning does). `notPulledForDays` that
 *   expires cannot be expressed ("The `sinceImagePulled` count type must be used
 *   with the `transition` action"): the images are archived instead (kept, not
 *   deleted: conservative, with a warning that names the rule).
 *   `keepMostRecent` / `expireAfterDays` with `action: archive` are the same
 *   rules with a `transition` action. `keepMostRecentlyPulled` has no ECR count
 *   type: the rule claims its whole selection (`imageCountMoreThan`
 *   `CLAIM_COUNT`), conservative, with a warning.
 * - Rules over archived images (`storageClass: archive`, `archivedForDays`)
 *   follow the standard rules, with their own claim rules for protected tags
 *   (`sinceImageTransitioned` `CLAIM_COUNT` days, which never expires anything);
 *   each is a `sinceImageTransitioned` expire rule of the archive storage class.
 *   ECR deletes nothing archived for less than 90 days: fewer days become 90
 *   (conservative, with a warning).
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
    // Protected tags, and cosign's attachment tags (never deleted natively: translation-support).
    const protectedPatterns = [...new Set(withAttachmentsProtected(policy).protectedTags)];
    const userProtected = (policy.protectedTags ?? []).length > 0;
    let widened = false;

    // One pass per storage class: standard rules first, then the rules over archived images.
    for (const archived of [false, true]) {
      const storageClass = archived ? 'archive' : undefined;
      const liveRules = liveRuleIndexes(rules, warnings, archived);
      claimed.clear();
      // Protected tags: claim rules first (only useful when a live rule of the class can select tagged images).
      const selectsTagged = liveRules.some((i) => rules[i].tagState !== TagState.UNTAGGED);
      if (protectedPatterns.length > 0 && selectsTagged) {
        for (const p of protectedPatterns) {
          const pattern = widenToWildcards(p, EcrLifecycleTranslation.MAX_WILDCARDS);
          widened = widened || pattern !== p;
          if (claimed.has(pattern)) continue;
          claimed.add(pattern);
          const claimWords = pattern === ATTACHMENT_TAG_GLOB && !(policy.protectedTags ?? []).includes(p) ? 'Signatures and attestations' : 'Protected';
          docs.push(archived
            ? ruleDoc(`${claimWords}: never expire archived images tagged ${pattern}`, TagState.TAGGED, [pattern], 'sinceImageTransitioned',
              EcrLifecycleTranslation.CLAIM_COUNT, { storageClass })
            : ruleDoc(`${claimWords}: never expire images tagged ${pattern}`, TagState.TAGGED, [pattern], 'imageCountMoreThan',
              EcrLifecycleTranslation.CLAIM_COUNT));
        }
      }

      rules.forEach((rule, i) => {
        if (!liveRules.includes(i)) return;
        const description = rule.description ?? `${actionWords(rule)} (${selectionWords(rule)})`;
        const native = ecrCount(rule, i);
        const { transition } = native;
        let { count, reason } = native;
        // A count whose selection can hold cosign attachments counts them on ECR, which the spec does not: claim instead.
        const claimCount = { type: 'imageCountMoreThan', n: EcrLifecycleTranslation.CLAIM_COUNT, claim: true };
        const attachmentsCounted = !count.claim && count.type === 'imageCountMoreThan' && countsAttachmentsNatively(policy, rule);
        const attachmentsReason = attachmentsCountedReason('ECR\'s imageCountMoreThan');
        if (attachmentsCounted && rule.tagState !== TagState.TAGGED) {
          count = claimCount;
          reason = attachmentsReason;
        }
        if (reason) warnings.push(`rules[${i}] (${actionWords(rule)}): ${reason}`);
        const ruleOptions = { storageClass, transition };
        const fidelity = (extra?: string): RuleTranslation => (reason || extra
          ? { ruleIndex: i, fidelity: TranslationFidelity.CONSERVATIVE, reason: [reason, extra].filter((x) => x).join('; ') }
          : { ruleIndex: i, fidelity: TranslationFidelity.EXACT });
        if (rule.tagState !== TagState.TAGGED) {
          if (!(count.claim && rule.tagState === TagState.ANY)) {
            docs.push(ruleDoc(`${description} (rules[${i}])`, rule.tagState, undefined, count.type, count.n, ruleOptions));
          }
          reports.push(fidelity());
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
          const own = attachmentsCounted && mayMatchAttachmentTag(p) ? claimCount : count;
          if (own !== count) reason = attachmentsReason.replace('the rule keeps', `pattern ${p} keeps`);
          docs.push(ruleDoc(`${description} (rules[${i}]${patterns.length > 1 ? `, pattern ${p}` : ''})`, TagState.TAGGED, [p], own.type, own.n, ruleOptions));
        }
        const leftOut = patterns.filter((p) => !live.includes(p));
        if (leftOut.length > 0) {
          warnings.push(`rules[${i}]: pattern${leftOut.length > 1 ? 's' : ''} ${leftOut.join(', ')} already selected by protected tags or an earlier rule; those images are decided earlier and ${leftOut.length > 1 ? 'are' : 'is'} left out of the ECR rules`);
        }
        if (rule.keepMostRecent !== undefined && live.length > 0 && (live.length > 1 || leftOut.length > 0)) {
          reports.push(fidelity(live.length > 1
            ? `ECR ANDs the patterns of one rule, so each of ${live.join(', ')} is its own rule keeping its own ${rule.keepMostRecent} most recent images: up to ${live.length} x ${rule.keepMostRecent} images are kept, not ${rule.keepMostRecent}`
            : `images tagged ${leftOut.join(', ')} are claimed earlier and no longer count towards the ${rule.keepMostRecent} most recent, so more images are kept`));
        } else {
          reports.push(fidelity());
        }
      });

      const anyIndex = docs.findIndex((d) => d.selection.tagStatus === TagState.ANY && (d.selection.storageClass === storageClass));
      if (anyIndex >= 0 && docs.some((d, k) => k > anyIndex && d.selection.storageClass === storageClass)) {
        // Cannot happen: rules after `any` are dead and left out. Kept as a guard against aggressive output.
        problems.push(`internal: the "any" rule is not the last ECR rule of the ${storageClass ?? 'standard'} storage class`);
      }
    }
    // Rules of no live class (dead rules) are exact: they decide nothing.
    rules.forEach((_, i) => {
      if (!reports.some((r) => r.ruleIndex === i)) reports.push({ ruleIndex: i, fidelity: TranslationFidelity.EXACT });
    });
    if (userProtected) {
      reports.push(widened
        ? {
          ruleIndex: -1,
          fidelity: TranslationFidelity.CONSERVATIVE,
          reason: `protected patterns with more than ${EcrLifecycleTranslation.MAX_WILDCARDS} wildcards were widened to their first ${EcrLifecycleTranslation.MAX_WILDCARDS} (ECR's limit), which protects more images`,
        }
        : { ruleIndex: -1, fidelity: TranslationFidelity.EXACT });
    }
    docs.forEach((d, k) => { d.rulePriority = k + 1; });
    if (docs.length > EcrLifecycleTranslation.MAX_RULES) {
      problems.push(`the policy needs ${docs.length} ECR rules (each tag pattern is its own rule, protected ones and the signature tags sha256-* included, per storage class); ECR allows ${EcrLifecycleTranslation.MAX_RULES}: use fewer protected patterns or rule patterns (a common prefix like "pr-*" instead of several exact tags)`);
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
  return doc.selection.countNumber === EcrLifecycleTranslation.CLAIM_COUNT && doc.action.type === 'expire';
}

/**
 * The ECR count of a neutral rule, whether it archives (transition), and why it
 * is conservative when it is. A `claim` count keeps the whole selection.
 */
function ecrCount(rule: RetentionRuleSpec, i: number): { count: { type: string; n: number; claim?: boolean }; transition: boolean; reason?: string } {
  const transition = archives(rule);
  switch (criterionOf(rule)) {
    case 'keepMostRecent': return { count: { type: 'imageCountMoreThan', n: rule.keepMostRecent! }, transition };
    case 'notPulledForDays':
      return {
        count: { type: 'sinceImagePulled', n: rule.notPulledForDays! },
        transition: true,
        reason: transition ? undefined : 'ECR can only archive by last pull ("The sinceImagePulled count type must be used with the transition action"): ' +
          `images not pulled for ${rule.notPulledForDays} days are archived (kept in the archive storage class), not deleted; to delete them later, ` +
          'add a rule over archived images (storageClass: archive, archivedForDays: 90 or more)',
      };
    case 'keepMostRecentlyPulled':
      return {
        count: { type: 'imageCountMoreThan', n: EcrLifecycleTranslation.CLAIM_COUNT, claim: true },
        transition: false,
        reason: `ECR has no count by last pull (imageCountMoreThan counts by push time): rules[${i}] keeps its whole selection, nothing is ` +
          `${transition ? 'archived' : 'deleted'} by it`,
      };
    case 'archivedForDays': {
      const days = rule.archivedForDays!;
      return {
        count: { type: 'sinceImageTransitioned', n: Math.max(days, 90) },
        transition: false,
        reason: days < 90 ? `ECR deletes nothing archived for less than 90 days: archived images are expired after 90 days, not ${days}` : undefined,
      };
    }
    default: return { count: { type: 'sinceImagePushed', n: rule.expireAfterDays! }, transition };
  }
}

function ruleDoc(description: string, tagStatus: string, patterns: string[] | undefined, countType: string, countNumber: number,
  options: { storageClass?: string; transition?: boolean } = {}): EcrRuleDoc {
  // Fixed key order, so the text is stable for snapshots.
  const selection: EcrRuleDoc['selection'] = {
    tagStatus,
    ...(patterns ? { tagPatternList: patterns } : {}),
    ...(options.storageClass ? { storageClass: options.storageClass } : {}),
    countType,
    ...(countType !== 'imageCountMoreThan' ? { countUnit: 'days' } : {}),
    countNumber,
  };
  const action = options.transition ? { type: 'transition', targetStorageClass: 'archive' } : { type: 'expire' };
  return { rulePriority: 0, description, selection, action };
}
