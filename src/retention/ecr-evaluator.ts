import { MS_PER_DAY, StringTest, compareStrings, globTest, mostRecentFirst, nowOf, positions, prefixTest, selectByTags, selectedInOrder, show, throwProblems, timeOf } from './evaluator-support';
import { EvaluateOptions } from './neutral-evaluator';
import { Glob } from '../spec/glob';

/** One image of an ECR repository: the fields of an `aws ecr describe-images` entry the lifecycle policy reads. */
export interface EcrImage {
  /** The image manifest digest (`sha256:...`), unique within the repository. */
  readonly imageDigest: string;
  /**
   * The image's tags.
   *
   * @default - none (an untagged image)
   */
  readonly imageTags?: string[];
  /** When the image was pushed (`imagePushedAt`). */
  readonly imagePushedAt: Date;
  /**
   * When ECR last recorded a pull of the image (`lastRecordedPullTime`; "Amazon
   * ECR refreshes the last image pull timestamp at least once every 24 hours",
   * API reference, ImageDetail).
   *
   * @default - never pulled
   */
  readonly lastRecordedPullTime?: Date;
  /**
   * `ACTIVE` or `ARCHIVED` (`imageStatus`; `ACTIVATING`, an image being
   * restored, is not modelled).
   *
   * @default ACTIVE
   */
  readonly imageStatus?: string;
  /**
   * When the image was last moved to the archive (`lastArchivedAt`); required for an `ARCHIVED` image.
   *
   * @default - never archived
   */
  readonly lastArchivedAt?: Date;
  /**
   * When the image was last restored from the archive (`lastActivatedAt`).
   *
   * @default - never restored
   */
  readonly lastActivatedAt?: Date;
}

/** An image the lifecycle policy expires (the fields of a `GetLifecyclePolicyPreview` result). */
export interface EcrExpiredImage {
  /** The image's digest. */
  readonly imageDigest: string;
  /** The `rulePriority` of the rule that expires it. */
  readonly appliedRulePriority: number;
}

/** What an ECR lifecycle policy expires and archives. */
export interface EcrLifecycleEvaluationResult {
  /** The expired images, sorted by digest. */
  readonly expired: EcrExpiredImage[];
  /** The images a `transition` rule moves to the archive storage class, sorted by digest. */
  readonly archived: EcrExpiredImage[];
}

interface EcrRule {
  readonly priority: number;
  readonly tagStatus: 'tagged' | 'untagged' | 'any';
  /** For tagged rules: one test per list entry; an image matches when every entry matches one of its tags (AND). */
  readonly tests: StringTest[];
  readonly countType: 'imageCountMoreThan' | 'sinceImagePushed' | 'sinceImagePulled' | 'sinceImageTransitioned';
  readonly countNumber: number;
  readonly storageClass: 'standard' | 'archive';
  readonly transition: boolean;
}

const RULE_KEYS = ['rulePriority', 'description', 'selection', 'action'];
const SELECTION_KEYS = ['tagStatus', 'tagPrefixList', 'tagPatternList', 'storageClass', 'countType', 'countUnit', 'countNumber'];
const ACTION_KEYS = ['type', 'targetStorageClass'];

/**
 * An exact evaluator of Amazon ECR lifecycle policies: which images a policy
 * expires, as `GetLifecyclePolicyPreview` reports them.
 *
 * Semantics (AWS ECR User Guide, "Lifecycle policy evaluation rules"):
 * - All rules are evaluated at once, then applied by `rulePriority`, lowest first.
 *   An image is expired by exactly one or zero rules.
 * - An image that matches the *tag selection* of a rule can never be expired by a
 *   lower-priority rule, even when that rule's count criterion did not mark it.
 * - Lower-priority rules still count images claimed by higher-priority ones
 *   ("can still identify them as if they haven't been expired").
 * - `tagPrefixList` / `tagPatternList` entries are ANDed: each entry must match one
 *   of the image's tags (different entries may match different tags). Prefixes
 *   match the start of a tag; patterns are anchored globs with `*`.
 * - `imageCountMoreThan`: the rule's selection is sorted youngest first by push
 *   time (ties by digest, ascending) and every image beyond `countNumber` is
 *   marked. `sinceImagePushed` (days): images pushed strictly more than
 *   `countNumber` x 86,400 s before `now` are marked. "If an image was archived
 *   and then restored at any point in the past, the image's `last_activated_at`
 *   is used instead of `pushed_at_time`" (read here for both count types).
 * - Storage classes: a rule selects the images of its `storageClass` (`standard`
 *   by default, the `ACTIVE` images; `archive`, the `ARCHIVED` ones). The rules
 *   of each class are checked on their own: "The set of all rules selecting a
 *   specific storage class must contain a unique set of prefixes", "Only one
 *   rule selecting a specific storage class is allowed to select untagged
 *   images", and the `any` rule has the highest priority among the rules of its
 *   class (the User Guide's "Combining archive and expire rules" example has an
 *   `any` standard rule at priority 1 and an `any` archive rule at 2).
 * - `action.type: "transition"` with `targetStorageClass: "archive"` archives the
 *   images it marks instead of expiring them ("An image is expired or archived
 *   by exactly one or zero rules").
 * - `sinceImagePulled` (days): "all images whose `last_recorded_pulltime` is
 *   older than the specified number of days ... are archived. If an image was
 *   never pulled, the image's `pushed_at_time` is used instead ... If an image
 *   was archived and then restored ..., but never pulled since the image was
 *   restored, the image's `last_activated_at` is used". It "must be used with the
 *   `transition` action. It cannot be used with the `expire` action."
 * - `sinceImageTransitioned` (days): "all archived images whose
 *   `last_archived_at` is older than the specified number of days ... are
 *   expired"; it "must be used with the `expire` action and the `archive`
 *   storage class", and "You cannot configure lifecycle policies that delete
 *   images that have been in archive for less than 90 days" (countNumber >= 90).
 *
 * Not modelled, rejected with a clear error: `imageCountMoreThan` and
 * `sinceImagePushed` in rules over archived images (the docs say expiration is
 * then "ordered by ... `transitioned_at_time`" without saying how counts work),
 * `ACTIVATING` images. Not modelled, documented: an image referenced by a
 * manifest list is not expired before the list (ECR protects it); `EcrImage` has
 * no references, so every image is treated as standalone (preview results for
 * multi-architecture images may keep more than this evaluator reports).
 *
 * A policy ECR would reject throws one error listing every problem (see `problems`).
 * Runs in O(n log n + rules x n).
 */
export class EcrLifecycleEvaluator {
  /** The expired images (with the priority of the rule that expires each), sorted by digest. */
  public static evaluate(policyText: string, images: EcrImage[], options: EvaluateOptions = {}): EcrLifecycleEvaluationResult {
    const what = 'EcrLifecycleEvaluator';
    const now = nowOf(options.now, what);
    const { rules, problems } = parse(policyText);
    problems.push(...checkImages(images));
    throwProblems(`${what}: cannot evaluate the lifecycle policy`, problems);

    const n = images.length;
    const tags = images.map((im) => im.imageTags ?? []);
    const pushed = images.map((im) => (im.lastActivatedAt ?? im.imagePushedAt).getTime());
    const pulled = images.map((im) => lastPullTime(im));
    const archivedAt = images.map((im) => im.lastArchivedAt?.getTime() ?? NaN);
    const archived = images.map((im) => im.imageStatus === 'ARCHIVED');
    const anyArchived = archived.includes(true);
    const digests = images.map((im) => im.imageDigest);
    const order = mostRecentFirst(pushed, digests);
    const UNDECIDED = -1;
    const KEPT = -2;
    const decided = new Int32Array(n).fill(UNDECIDED);

    const sel = new Uint8Array(n);
    const pos = positions(order);
    for (let r = 0; r < rules.length; r++) {
      const rule = rules[r];
      selectByTags(sel, rule.tagStatus, rule.tests, tags, true);
      const overArchived = rule.storageClass === 'archive';
      // Without archived images (the usual case), a standard rule keeps its selection and an archive rule selects nothing.
      if (anyArchived) for (let i = 0; i < n; i++) if (archived[i] !== overArchived) sel[i] = 0;
      if (!anyArchived && overArchived) sel.fill(0);
      if (rule.countType === 'imageCountMoreThan') {
        let rank = 0;
        for (const i of selectedInOrder(sel, order, pos)) {
          if (decided[i] === UNDECIDED) decided[i] = rank >= rule.countNumber ? r : KEPT;
          rank++;
        }
      } else {
        const times = rule.countType === 'sinceImagePushed' ? pushed : rule.countType === 'sinceImagePulled' ? pulled : archivedAt;
        const limit = rule.countNumber * MS_PER_DAY;
        for (let i = 0; i < n; i++) {
          if (sel[i] === 0 || decided[i] !== UNDECIDED) continue;
          decided[i] = now - times[i] > limit ? r : KEPT;
        }
      }
    }

    const expired: EcrExpiredImage[] = [];
    const transitioned: EcrExpiredImage[] = [];
    for (let i = 0; i < n; i++) {
      if (decided[i] < 0) continue;
      const rule = rules[decided[i]];
      (rule.transition ? transitioned : expired).push({ imageDigest: digests[i], appliedRulePriority: rule.priority });
    }
    expired.sort((a, b) => compareStrings(a.imageDigest, b.imageDigest));
    transitioned.sort((a, b) => compareStrings(a.imageDigest, b.imageDigest));
    return { expired, archived: transitioned };
  }

  /**
   * Every problem for which ECR would reject the policy text (or this evaluator
   * cannot judge it), in words; empty when the policy is valid.
   */
  public static problems(policyText: string): string[] {
    return parse(policyText).problems;
  }
}

function parse(policyText: string): { rules: EcrRule[]; problems: string[] } {
  const problems: string[] = [];
  if (typeof policyText !== 'string') return { rules: [], problems: [`policy text: ${show(policyText)} is not a string`] };
  if (policyText.length < 100 || policyText.length > 30720) {
    problems.push(`policy text: ${policyText.length} characters; ECR accepts 100 to 30,720`);
  }
  let doc: any;
  try {
    doc = JSON.parse(policyText);
  } catch (e) {
    return { rules: [], problems: [...problems, `policy text: not valid JSON (${(e as Error).message})`] };
  }
  findNulls(doc, '', problems);
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    return { rules: [], problems: [...problems, `policy: ${show(doc)} must be an object with "rules"`] };
  }
  unknownKeys(doc, ['rules'], '', problems);
  if (!Array.isArray(doc.rules) || doc.rules.length === 0) {
    return { rules: [], problems: [...problems, `rules: ${show(doc.rules)} must be a non-empty list of rules`] };
  }
  if (doc.rules.length > 50) problems.push(`rules: ${doc.rules.length} rules; ECR allows at most 50`);

  const rules: EcrRule[] = [];
  const priorities = new Map<number, number>();
  const tagLists = new Map<string, number>();
  const untaggedRule = new Map<string, number>();
  doc.rules.forEach((rule: any, i: number) => {
    const p = `rules[${i}]`;
    if (rule === null || typeof rule !== 'object' || Array.isArray(rule)) {
      problems.push(`${p}: ${show(rule)} is not a rule object`);
      return;
    }
    unknownKeys(rule, RULE_KEYS, p, problems);
    const priority = rule.rulePriority;
    if (!Number.isInteger(priority) || priority < 1) {
      problems.push(`${p}.rulePriority: ${show(priority)} must be a positive whole number`);
    } else if (priorities.has(priority)) {
      problems.push(`${p}.rulePriority: ${priority} is also the priority of rules[${priorities.get(priority)}]; priorities must be unique`);
    } else {
      priorities.set(priority, i);
    }
    if (rule.description !== undefined && rule.description !== null && typeof rule.description !== 'string') {
      problems.push(`${p}.description: ${show(rule.description)} must be a string`);
    }
    const sel = rule.selection;
    const act = rule.action;
    if (sel === null || typeof sel !== 'object' || Array.isArray(sel)) {
      problems.push(`${p}.selection: ${show(sel)} is required: an object with tagStatus, countType and countNumber`);
      return;
    }
    unknownKeys(sel, SELECTION_KEYS, `${p}.selection`, problems);
    if (act === null || typeof act !== 'object' || Array.isArray(act)) {
      problems.push(`${p}.action: ${show(act)} is required: {"type": "expire"}`);
    } else {
      unknownKeys(act, ACTION_KEYS, `${p}.action`, problems);
      if (act.type === 'transition') {
        if (act.targetStorageClass !== 'archive') problems.push(`${p}.action.targetStorageClass: ${show(act.targetStorageClass)} must be "archive" with type "transition"`);
      } else if (act.type === 'expire') {
        if (act.targetStorageClass !== undefined) problems.push(`${p}.action.targetStorageClass: ${show(act.targetStorageClass)} is only allowed with type "transition"`);
      } else {
        problems.push(`${p}.action.type: ${show(act.type)} is not an action (allowed: expire, transition)`);
      }
    }
    const storageClass = sel.storageClass ?? 'standard';
    const transition = act?.type === 'transition';
    if (storageClass !== 'standard' && storageClass !== 'archive') {
      problems.push(`${p}.selection.storageClass: ${show(sel.storageClass)} is not a storage class (allowed: standard, archive)`);
    } else if (storageClass === 'archive' && transition) {
      problems.push(`${p}: a transition to the archive storage class selects standard images; this rule selects archived ones (not modelled)`);
    }
    const status = sel.tagStatus;
    const prefixes = sel.tagPrefixList;
    const patterns = sel.tagPatternList;
    let tests: StringTest[] = [];
    let listKey: string | undefined;
    if (!['tagged', 'untagged', 'any'].includes(status)) {
      problems.push(`${p}.selection.tagStatus: ${show(status)} is not a tag status (allowed: tagged, untagged, any)`);
    } else if (status === 'tagged') {
      if (prefixes !== undefined && patterns !== undefined) {
        problems.push(`${p}.selection: has both tagPrefixList and tagPatternList; a rule takes exactly one`);
      } else if (prefixes === undefined && patterns === undefined) {
        problems.push(`${p}.selection: tagStatus "tagged" needs a tagPrefixList or a tagPatternList`);
      } else {
        const field = prefixes !== undefined ? 'tagPrefixList' : 'tagPatternList';
        const list = prefixes ?? patterns;
        if (!Array.isArray(list) || list.length === 0 || list.some((x: unknown) => typeof x !== 'string' || x === '')) {
          problems.push(`${p}.selection.${field}: ${show(list)} must be a non-empty list of non-empty strings`);
        } else {
          if (field === 'tagPatternList') {
            list.forEach((pat: string, j: number) => {
              const w = Glob.wildcards(pat);
              if (w > 4) problems.push(`${p}.selection.tagPatternList[${j}]: ${show(pat)} has ${w} wildcards; ECR allows at most 4 per pattern`);
            });
            tests = list.map(globTest);
          } else {
            tests = list.map(prefixTest);
          }
          listKey = `${field}:${JSON.stringify([...new Set(list as string[])].sort())}`;
        }
      }
    } else if (prefixes !== undefined || patterns !== undefined) {
      problems.push(`${p}.selection: tagStatus ${show(status)} must omit tagPrefixList and tagPatternList`);
    }
    if (listKey !== undefined) listKey = `${storageClass}:${listKey}`;
    if (listKey !== undefined) {
      if (tagLists.has(listKey)) {
        problems.push(`${p}.selection: selects the same tags as rules[${tagLists.get(listKey)}]; the rules must use a unique set of tag prefixes/patterns`);
      } else {
        tagLists.set(listKey, i);
      }
    }
    if (status === 'untagged') {
      const other = untaggedRule.get(storageClass);
      if (other !== undefined) problems.push(`${p}.selection: rules[${other}] already selects untagged ${storageClass} images; only one rule per storage class may`);
      else untaggedRule.set(storageClass, i);
    }
    const countType = sel.countType;
    const since = ['sinceImagePushed', 'sinceImagePulled', 'sinceImageTransitioned'];
    if (countType !== 'imageCountMoreThan' && !since.includes(countType)) {
      problems.push(`${p}.selection.countType: ${show(countType)} is not a count type (allowed: imageCountMoreThan, ${since.join(', ')})`);
    }
    if (countType === 'sinceImagePulled' && !transition) {
      problems.push(`${p}.selection.countType: "sinceImagePulled" must be used with the transition action; it cannot be used with the expire action`);
    }
    if (countType === 'sinceImageTransitioned') {
      if (transition || storageClass !== 'archive') {
        problems.push(`${p}.selection.countType: "sinceImageTransitioned" must be used with the expire action and the archive storage class`);
      }
      if (Number.isInteger(sel.countNumber) && sel.countNumber < 90) {
        problems.push(`${p}.selection.countNumber: ${sel.countNumber}; ECR does not delete images archived for less than 90 days (at least 90)`);
      }
    }
    if (storageClass === 'archive' && (countType === 'imageCountMoreThan' || countType === 'sinceImagePushed')) {
      problems.push(`${p}.selection.countType: ${show(countType)} over archived images is not modelled (only sinceImageTransitioned)`);
    }
    if (since.includes(countType) && sel.countUnit !== 'days') {
      problems.push(`${p}.selection.countUnit: ${show(sel.countUnit)} must be "days" with countType ${show(countType)}`);
    }
    if (countType === 'imageCountMoreThan' && sel.countUnit !== undefined) {
      problems.push(`${p}.selection.countUnit: ${show(sel.countUnit)} is only allowed with the since* count types`);
    }
    if (!Number.isInteger(sel.countNumber) || sel.countNumber < 1) {
      problems.push(`${p}.selection.countNumber: ${show(sel.countNumber)} must be a positive whole number (0 is not accepted)`);
    }
    rules.push({ priority, tagStatus: status, tests, countType, countNumber: sel.countNumber, storageClass, transition });
  });

  // A rule with tagStatus "any" must have the highest rulePriority (be evaluated last) among the rules of its storage class.
  const classOf = (rule: any) => rule?.selection?.storageClass ?? 'standard';
  doc.rules.forEach((rule: any, i: number) => {
    if (rule?.selection?.tagStatus !== 'any' || !Number.isInteger(rule.rulePriority)) return;
    const sameClass = doc.rules.filter((x: any) => classOf(x) === classOf(rule) && Number.isInteger(x?.rulePriority));
    const maxPriority = Math.max(...sameClass.map((x: any) => x.rulePriority));
    if (rule.rulePriority !== maxPriority) {
      problems.push(`rules[${i}]: tagStatus "any" with rulePriority ${rule.rulePriority}, but rule priority ${maxPriority} of the same storage class (${classOf(rule)}) is higher; ` +
        'an "any" rule must have the highest rulePriority');
    }
  });
  rules.sort((a, b) => a.priority - b.priority);
  return { rules, problems };
}

function findNulls(value: unknown, path: string, problems: string[]): void {
  if (value === null) {
    problems.push(`${path || 'policy'}: null is not accepted by ECR; omit the field instead`);
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => findNulls(v, `${path}[${i}]`, problems));
  } else if (typeof value === 'object') {
    for (const [k, v] of Object.entries(value as object)) findNulls(v, path ? `${path}.${k}` : k, problems);
  }
}

function unknownKeys(obj: object, allowed: string[], path: string, problems: string[]): void {
  for (const k of Object.keys(obj)) {
    if (!allowed.includes(k)) problems.push(`${path ? `${path}.` : ''}${k}: is not a lifecycle policy field (allowed here: ${allowed.join(', ')})`);
  }
}

const DATE_FIELDS = ['lastRecordedPullTime', 'lastArchivedAt', 'lastActivatedAt'] as const;

function checkImages(images: EcrImage[]): string[] {
  if (!Array.isArray(images)) return [`images: ${show(images)} must be a list of images`];
  const problems: string[] = [];
  const seen = new Set<string>();
  images.forEach((im, i) => {
    const p = `images[${i}]`;
    if (im === null || typeof im !== 'object') {
      problems.push(`${p}: ${show(im)} is not an image`);
      return;
    }
    if (typeof im.imageDigest !== 'string' || im.imageDigest === '') problems.push(`${p}.imageDigest: ${show(im.imageDigest)} must be a non-empty string`);
    else if (seen.has(im.imageDigest)) problems.push(`${p}.imageDigest: ${show(im.imageDigest)} is listed twice`);
    else seen.add(im.imageDigest);
    if (timeOf(im.imagePushedAt) === undefined) problems.push(`${p}.imagePushedAt: ${show(im.imagePushedAt)} is not a valid Date`);
    for (const field of DATE_FIELDS) {
      if (im[field] !== undefined && timeOf(im[field]) === undefined) problems.push(`${p}.${field}: ${show(im[field])} is not a valid Date`);
    }
    if (im.imageStatus !== undefined && im.imageStatus !== 'ACTIVE' && im.imageStatus !== 'ARCHIVED') {
      problems.push(`${p}.imageStatus: ${show(im.imageStatus)} is not modelled (ACTIVE or ARCHIVED)`);
    }
    if (im.imageStatus === 'ARCHIVED' && im.lastArchivedAt === undefined) problems.push(`${p}.lastArchivedAt: required for an ARCHIVED image`);
    if (im.imageTags !== undefined && (!Array.isArray(im.imageTags) || im.imageTags.some((t) => typeof t !== 'string'))) {
      problems.push(`${p}.imageTags: ${show(im.imageTags)} must be a list of strings`);
    }
  });
  return problems;
}

/**
 * The time `sinceImagePulled` reads: the last recorded pull; the push time for
 * an image never pulled; the restore time (`lastActivatedAt`) for an image
 * restored and not pulled since.
 */
function lastPullTime(im: EcrImage): number {
  const pull = im.lastRecordedPullTime?.getTime();
  const activated = im.lastActivatedAt?.getTime();
  if (activated !== undefined && (pull === undefined || pull < activated)) return activated;
  return pull ?? im.imagePushedAt.getTime();
}
