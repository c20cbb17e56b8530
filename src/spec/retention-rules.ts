/**
 * Internal helpers about the retention vocabulary (not exported from the
 * index): which criterion a rule uses, what it does, and the structural rules
 * every reader of a policy checks (the validator, the neutral evaluator, the
 * translations). One place, so that the layers cannot disagree.
 */
import { Cloud, RetentionAction, RetentionPolicySpec, RetentionRuleSpec, StorageClass } from './registry-spec';

/** The criteria of a rule; exactly one is set. */
export const RETENTION_CRITERIA = ['keepMostRecent', 'expireAfterDays', 'keepMostRecentlyPulled', 'notPulledForDays', 'archivedForDays'] as const;
export type RetentionCriterion = typeof RETENTION_CRITERIA[number];

/** The criteria a rule sets (one for a valid rule). */
export function criteriaOf(rule: RetentionRuleSpec): RetentionCriterion[] {
  return RETENTION_CRITERIA.filter((c) => (rule as any)?.[c] !== undefined);
}

/** The criterion of a valid rule. */
export function criterionOf(rule: RetentionRuleSpec): RetentionCriterion {
  return criteriaOf(rule)[0];
}

/** Whether the rule selects archived images (`storageClass: archive`). */
export function overArchived(rule: RetentionRuleSpec): boolean {
  return rule.storageClass === StorageClass.ARCHIVE;
}

/** Whether the rule archives what it marks (instead of expiring it). */
export function archives(rule: RetentionRuleSpec): boolean {
  return rule.action === RetentionAction.ARCHIVE;
}

/** Whether the rule's criterion reads the last pull time. */
export function byPullTime(rule: RetentionRuleSpec): boolean {
  return rule.keepMostRecentlyPulled !== undefined || rule.notPulledForDays !== undefined;
}

/**
 * Whether the rule deletes standard images by push time alone (`keepMostRecent`
 * or `expireAfterDays`, action expire): the only rules a cloud without pull
 * time and archive can translate into deletions.
 */
export function deletesByPushTime(rule: RetentionRuleSpec): boolean {
  return !overArchived(rule) && !archives(rule) && (rule.keepMostRecent !== undefined || rule.expireAfterDays !== undefined);
}

/** The rules of a policy as a cloud applies them: its per-cloud override (`gcpRules`, `azureRules`) when set. */
export function rulesFor(policy: RetentionPolicySpec, cloud?: Cloud | string): RetentionRuleSpec[] {
  if (cloud === Cloud.GCP && policy.gcpRules !== undefined) return policy.gcpRules;
  if (cloud === Cloud.AZURE && policy.azureRules !== undefined) return policy.azureRules;
  return policy.rules ?? [];
}

/** The policy with the rules a cloud applies (the same object when there is no override). */
export function policyFor(policy: RetentionPolicySpec, cloud?: Cloud | string): RetentionPolicySpec {
  const rules = rulesFor(policy, cloud);
  return rules === (policy.rules ?? []) ? policy : { ...policy, rules };
}

/** The rule's criterion and action in words (`keep the 10 most recently pulled`, `archive when not pulled for 90 days`). */
export function criterionWords(rule: RetentionRuleSpec): string {
  const verb = archives(rule) ? 'archive' : 'expire';
  const days = (n: number | undefined) => `${n} day${n === 1 ? '' : 's'}`;
  switch (criterionOf(rule)) {
    case 'keepMostRecent': return `keep the ${rule.keepMostRecent} most recent${archives(rule) ? ' (archive the rest)' : ''}`;
    case 'keepMostRecentlyPulled': return `keep the ${rule.keepMostRecentlyPulled} most recently pulled${archives(rule) ? ' (archive the rest)' : ''}`;
    case 'notPulledForDays': return `${verb} when not pulled for ${days(rule.notPulledForDays)}`;
    case 'archivedForDays': return `expire when archived for more than ${days(rule.archivedForDays)}`;
    default: return `${verb} after ${days(rule.expireAfterDays)}`;
  }
}

/**
 * Structural problems of one rule's criterion, storage class and action, as
 * `[field path, value, message]` (the tag selection is checked by the callers).
 * `maxDays` bounds the day counts when given.
 */
export function ruleCriterionProblems(rule: RetentionRuleSpec, path: string, maxDays?: number): Array<[string, unknown, string]> {
  const problems: Array<[string, unknown, string]> = [];
  const set = criteriaOf(rule);
  if (set.length !== 1) {
    const got = Object.fromEntries(RETENTION_CRITERIA.map((c) => [c, (rule as any)?.[c]]).filter(([, v]) => v !== undefined));
    problems.push([path, got, `needs exactly one criterion: ${RETENTION_CRITERIA.join(', ')} (got ${set.length === 0 ? 'none' : set.join(' and ')})`]);
  }
  for (const c of set) {
    const v = (rule as any)[c];
    const images = c === 'keepMostRecent' || c === 'keepMostRecentlyPulled';
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || (!images && maxDays !== undefined && v > maxDays)) {
      problems.push([`${path}.${c}`, v, images ? 'must be a whole number of images, at least 1'
        : `must be a whole number of days${maxDays !== undefined ? ` from 1 to ${maxDays}` : ', at least 1'}`]);
    }
  }
  const classes = Object.values(StorageClass) as string[];
  const actions = Object.values(RetentionAction) as string[];
  if (rule.storageClass !== undefined && !classes.includes(rule.storageClass)) {
    problems.push([`${path}.storageClass`, rule.storageClass, `is not a storage class (allowed: ${classes.join(', ')})`]);
  }
  if (rule.action !== undefined && !actions.includes(rule.action)) {
    problems.push([`${path}.action`, rule.action, `is not a retention action (allowed: ${actions.join(', ')})`]);
  }
  if (overArchived(rule)) {
    if (set.length === 1 && set[0] !== 'archivedForDays') {
      problems.push([`${path}.${set[0]}`, (rule as any)[set[0]], 'is not allowed in a rule over archived images (storageClass: archive): use archivedForDays']);
    }
    if (archives(rule)) problems.push([`${path}.action`, rule.action, 'archived images cannot be archived again: a rule over archived images expires them']);
  } else if (rule.archivedForDays !== undefined) {
    problems.push([`${path}.archivedForDays`, rule.archivedForDays, 'is only allowed with storageClass: archive (it selects archived images)']);
  }
  return problems;
}
