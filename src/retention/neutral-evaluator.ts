import { MS_PER_DAY, attachmentSubject, compareStrings, globTest, mostRecentFirst, nowOf, positions, selectByTags, selectedInOrder, show, throwProblems, timeOf } from './evaluator-support';
import { Cloud, RetentionPolicySpec, TagState } from '../spec/registry-spec';
import { archives, criterionOf, overArchived, policyFor, ruleCriterionProblems } from '../spec/retention-rules';

/** Options of every evaluator. */
export interface EvaluateOptions {
  /**
   * The time the policy is evaluated at ("now" of "older than N days").
   *
   * @default - the current time
   */
  readonly now?: Date;
}

/** Options of the neutral evaluator. */
export interface RetentionEvaluateOptions extends EvaluateOptions {
  /**
   * Evaluate the rules that cloud applies: its per-cloud override
   * (`gcpRules`, `azureRules`) when the policy has one.
   *
   * @default - the policy's `rules`
   */
  readonly cloud?: Cloud;
}

/** One image of a repository, as the neutral evaluator sees it. */
export interface RetentionImage {
  /** The image's manifest digest (`sha256:...`), unique within the repository. */
  readonly digest: string;
  /**
   * The image's tags.
   *
   * @default - none (an untagged image)
   */
  readonly tags?: string[];
  /** When the image was pushed. */
  readonly pushedAt: Date;
  /**
   * When a pull of the image was last recorded.
   *
   * @default - never pulled: the image counts as pulled when it was pushed (or restored)
   */
  readonly lastPulledAt?: Date;
  /**
   * When the image was moved to the archive storage class; set for archived images only.
   *
   * @default - not archived (standard storage)
   */
  readonly archivedAt?: Date;
  /**
   * When the image was last restored from the archive (ECR's `lastActivatedAt`):
   * it then counts as pushed at that time (ECR uses it "instead of
   * `pushed_at_time`" for a restored image).
   *
   * @default - never restored
   */
  readonly restoredAt?: Date;
}

/** An image a policy expires, and the rule that expires it. */
export interface ExpiredImage {
  /** The image's digest. */
  readonly digest: string;
  /** The index (0-based) in the policy's `rules` of the rule that expires the image. */
  readonly ruleIndex: number;
}

/** What a neutral retention policy keeps, archives and expires. */
export interface RetentionEvaluationResult {
  /** The digests of the images kept (not expired; archived images included), sorted. */
  readonly kept: string[];
  /** The images expired, sorted by digest. */
  readonly expired: ExpiredImage[];
  /** The standard images moved to the archive storage class (kept), sorted by digest. */
  readonly archived: ExpiredImage[];
}

/**
 * The neutral meaning of a retention policy, as an evaluator: the oracle every
 * translation to a cloud's native policy is checked against.
 *
 * The meaning (normative):
 * - The policy applies to the images of one repository (one image name in one
 *   environment).
 * - Tag patterns are globs: `*` matches any run of characters (including none),
 *   every other character itself, and the pattern must match the whole tag.
 * - A rule selects by tag state: `tagged` selects the images with at least one tag
 *   matching at least one of its patterns (ORed), `untagged` the images with no
 *   tag, `any` every image.
 * - A rule selects images of one storage class: standard images (the default),
 *   or archived ones (`storageClass: archive`, images with `archivedAt`).
 * - `keepMostRecent: N` marks every image of the selection except the N most
 *   recently pushed; `expireAfterDays: N` marks the images of the selection pushed
 *   strictly more than N x 86,400 s before `now`. `keepMostRecentlyPulled` and
 *   `notPulledForDays` do the same with the last pull time instead of the push
 *   time; `archivedForDays` with the time the image was archived.
 * - An image's push time is its `restoredAt` when it was restored from the
 *   archive, else its `pushedAt`; its last pull time is the latest of its
 *   `lastPulledAt` and its push time (an image never pulled counts as pulled when
 *   pushed, as ECR's `sinceImagePulled` counts it).
 * - A marked image is expired, or archived when the rule's action is `archive`
 *   (an archived image is kept: only its storage class changes).
 * - Protection is a claim: an image with a tag matching a protected pattern is
 *   never expired nor archived.
 * - Every rule evaluates over its whole selection: protected images, and images
 *   claimed by earlier rules, count towards "the N most recent".
 * - An image is decided by the first rule (in order) whose selection contains it:
 *   expired if that rule marks it, kept otherwise. Images no rule selects are kept.
 * - Push-time (and pull-time) order breaks ties by digest, ascending: of two
 *   images pushed at the same instant, the one with the smaller digest counts as
 *   the more recent.
 * - Attachments follow their subject (issue 17): an image whose tags are all
 *   cosign tags of one subject (`sha256-<64 hex>.sig`, `.att` or `.sbom`, the
 *   tag-based signature and attestation scheme) is an attachment of the image
 *   with digest `sha256:<hex>` when that image is in the listing (an attachment
 *   of an attachment follows the root subject). It is expired iff its subject
 *   is expired (with the subject's rule), and kept, in its own storage class,
 *   otherwise. It takes no place among "the N most recent" (of push or pull
 *   time), unless the policy sets `countAttachments`: then it takes its place
 *   in the counts of the rules that select it, as the clouds' counts do. An
 *   attachment whose subject is not listed is an ordinary image.
 *
 * Runs in O(n log n + rules x n) for n images. Throws one error listing every
 * problem for an invalid policy (no tag state, a tagged rule without patterns, not
 * exactly one criterion, a count below 1, a rule over archived images without
 * `archivedForDays`) or invalid images (a missing or duplicate digest, a time
 * that is not a valid `Date`).
 */
export class RetentionEvaluator {
  /** Evaluates the policy over the images of one repository. */
  public static evaluate(policy: RetentionPolicySpec, images: RetentionImage[], options: RetentionEvaluateOptions = {}): RetentionEvaluationResult {
    const what = 'RetentionEvaluator';
    const now = nowOf(options.now, what);
    const problems = [...checkPolicy(policy), ...checkImages(images)];
    throwProblems(`${what}: cannot evaluate`, problems);
    policy = policyFor(policy, options.cloud);

    const n = images.length;
    const tags = images.map((im) => im.tags ?? []);
    const digests = images.map((im) => im.digest);
    const pushed = images.map((im) => (im.restoredAt ?? im.pushedAt).getTime());
    const pulled = images.map((im, i) => Math.max(pushed[i], im.lastPulledAt?.getTime() ?? -Infinity));
    const archivedAt = images.map((im) => im.archivedAt?.getTime());
    const byPush = mostRecentFirst(pushed, digests);
    const byPull = mostRecentFirst(pulled, digests);
    const posPush = positions(byPush);
    const posPull = positions(byPull);

    // decided[i]: -1 undecided, -2 kept (protected or by a rule), r >= 0 marked by rule r.
    const UNDECIDED = -1;
    const KEPT = -2;
    const decided = new Array<number>(n).fill(UNDECIDED);
    const protectedTests = (policy.protectedTags ?? []).map(globTest);
    if (protectedTests.length > 0) {
      const prot = new Uint8Array(n);
      selectByTags(prot, TagState.TAGGED, protectedTests, tags, false);
      for (let i = 0; i < n; i++) if (prot[i] === 1) decided[i] = KEPT;
    }

    // subjects[i]: the listed root subject image i is an attachment of, or -1.
    const subjects = attachmentSubjects(digests, tags);
    const countAttachments = policy.countAttachments === true;
    const sel = new Uint8Array(n);
    const rules = policy.rules ?? [];
    for (let r = 0; r < rules.length; r++) {
      const rule = rules[r];
      selectByTags(sel, rule.tagState, (rule.tagPatterns ?? []).map(globTest), tags, false);
      // A rule selects the images of its storage class only.
      const archivedClass = overArchived(rule);
      for (let i = 0; i < n; i++) if ((archivedAt[i] !== undefined) !== archivedClass) sel[i] = 0;
      const criterion = criterionOf(rule);
      if (criterion === 'keepMostRecent' || criterion === 'keepMostRecentlyPulled') {
        // Walk the whole selection most recent first: every selected image takes a place,
        // whether it is protected, claimed by an earlier rule or still undecided.
        const keep = criterion === 'keepMostRecent' ? rule.keepMostRecent! : rule.keepMostRecentlyPulled!;
        const [order, pos] = criterion === 'keepMostRecent' ? [byPush, posPush] : [byPull, posPull];
        let rank = 0;
        for (const i of selectedInOrder(sel, order, pos)) {
          // An attachment takes no place unless the policy counts attachments; either way its subject decides it below.
          if (subjects[i] >= 0 && !countAttachments) continue;
          if (decided[i] === UNDECIDED) decided[i] = rank >= keep ? r : KEPT;
          rank++;
        }
      } else {
        const days = criterion === 'expireAfterDays' ? rule.expireAfterDays! : criterion === 'notPulledForDays' ? rule.notPulledForDays! : rule.archivedForDays!;
        const times = criterion === 'expireAfterDays' ? pushed : criterion === 'notPulledForDays' ? pulled : archivedAt as number[];
        const limit = days * MS_PER_DAY;
        for (let i = 0; i < n; i++) {
          if (sel[i] === 0 || decided[i] !== UNDECIDED) continue;
          decided[i] = now - times[i] > limit ? r : KEPT;
        }
      }
    }

    // Attachments follow their subject: expired with it, kept (not archived) otherwise.
    for (let i = 0; i < n; i++) {
      const s = subjects[i];
      if (s < 0) continue;
      const r = decided[s];
      decided[i] = r >= 0 && !archives(rules[r]) ? r : KEPT;
    }

    const kept: string[] = [];
    const expired: ExpiredImage[] = [];
    const archived: ExpiredImage[] = [];
    for (let i = 0; i < n; i++) {
      const r = decided[i];
      if (r >= 0 && !archives(rules[r])) {
        expired.push({ digest: digests[i], ruleIndex: r });
        continue;
      }
      kept.push(digests[i]);
      if (r >= 0) archived.push({ digest: digests[i], ruleIndex: r });
    }
    kept.sort(compareStrings);
    expired.sort((a, b) => compareStrings(a.digest, b.digest));
    archived.sort((a, b) => compareStrings(a.digest, b.digest));
    return { kept, expired, archived };
  }
}

/** For each image, the index of the root subject it is an attachment of, or -1 (not an attachment, subject not listed, or a cycle). */
function attachmentSubjects(digests: string[], tags: string[][]): number[] {
  const index = new Map<string, number>();
  digests.forEach((d, i) => index.set(d, i));
  const direct = tags.map((t) => {
    const subject = attachmentSubject(t);
    return subject === undefined ? -1 : index.get(subject) ?? -1;
  });
  return direct.map((s, i) => {
    const seen = new Set<number>([i]);
    let root = s;
    while (root >= 0 && direct[root] >= 0) {
      if (seen.has(root)) return -1;
      seen.add(root);
      root = direct[root];
    }
    return root === i ? -1 : root;
  });
}

function checkPolicy(policy: RetentionPolicySpec): string[] {
  const problems: string[] = [];
  if (policy === null || typeof policy !== 'object') return [`policy: ${show(policy)} is not a retention policy object`];
  const prot = policy.protectedTags;
  if (prot !== undefined && (!Array.isArray(prot) || prot.some((p) => typeof p !== 'string'))) {
    problems.push(`protectedTags: ${show(prot)} must be a list of tag patterns (strings)`);
  }
  const states = Object.values(TagState) as string[];
  for (const field of ['rules', 'gcpRules', 'azureRules'] as const) {
    const rules = field === 'rules' ? policy.rules ?? [] : policy[field];
    if (rules === undefined) continue;
    if (!Array.isArray(rules)) {
      problems.push(`${field}: ${show(rules)} must be a list of rules`);
      continue;
    }
    rules.forEach((rule, r) => {
      const p = `${field}[${r}]`;
      if (rule === null || typeof rule !== 'object') {
        problems.push(`${p}: ${show(rule)} is not a rule object`);
        return;
      }
      if (!states.includes(rule.tagState)) problems.push(`${p}.tagState: ${show(rule.tagState)} is not a tag state (allowed: ${states.join(', ')})`);
      const pats = rule.tagPatterns;
      if (rule.tagState === TagState.TAGGED) {
        if (!Array.isArray(pats) || pats.length === 0 || pats.some((x) => typeof x !== 'string')) {
          problems.push(`${p}.tagPatterns: ${show(pats)} is required with tagState "tagged": a non-empty list of tag patterns`);
        }
      } else if (pats !== undefined) {
        problems.push(`${p}.tagPatterns: ${show(pats)} is only allowed with tagState "tagged"`);
      }
      for (const [path, value, message] of ruleCriterionProblems(rule, p)) problems.push(`${path}: ${show(value)} ${message}`);
    });
  }
  return problems;
}

function checkImages(images: RetentionImage[]): string[] {
  if (!Array.isArray(images)) return [`images: ${show(images)} must be a list of images`];
  const problems: string[] = [];
  const seen = new Set<string>();
  images.forEach((im, i) => {
    const p = `images[${i}]`;
    if (im === null || typeof im !== 'object') {
      problems.push(`${p}: ${show(im)} is not an image`);
      return;
    }
    if (typeof im.digest !== 'string' || im.digest === '') problems.push(`${p}.digest: ${show(im.digest)} must be a non-empty string`);
    else if (seen.has(im.digest)) problems.push(`${p}.digest: ${show(im.digest)} is listed twice (digests are unique in a repository)`);
    else seen.add(im.digest);
    if (timeOf(im.pushedAt) === undefined) problems.push(`${p}.pushedAt: ${show(im.pushedAt)} is not a valid Date`);
    for (const field of ['lastPulledAt', 'archivedAt', 'restoredAt'] as const) {
      if (im[field] !== undefined && timeOf(im[field]) === undefined) problems.push(`${p}.${field}: ${show(im[field])} is not a valid Date`);
    }
    if (im.tags !== undefined && (!Array.isArray(im.tags) || im.tags.some((t) => typeof t !== 'string'))) {
      problems.push(`${p}.tags: ${show(im.tags)} must be a list of strings`);
    }
  });
  return problems;
}
