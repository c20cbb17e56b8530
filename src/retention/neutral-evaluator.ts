import { MS_PER_DAY, compareStrings, globTest, mostRecentFirst, nowOf, positions, selectByTags, selectedInOrder, show, throwProblems, timeOf } from './evaluator-support';
import { RetentionPolicySpec, TagState } from '../spec/registry-spec';

/** Options of every evaluator. */
export interface EvaluateOptions {
  /**
   * The time the policy is evaluated at ("now" of "older than N days").
   *
   * @default - the current time
   */
  readonly now?: Date;
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
}

/** An image a policy expires, and the rule that expires it. */
export interface ExpiredImage {
  /** The image's digest. */
  readonly digest: string;
  /** The index (0-based) in the policy's `rules` of the rule that expires the image. */
  readonly ruleIndex: number;
}

/** What a neutral retention policy keeps and expires. */
export interface RetentionEvaluationResult {
  /** The digests of the images kept, sorted. */
  readonly kept: string[];
  /** The images expired, sorted by digest. */
  readonly expired: ExpiredImage[];
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
 * - `keepMostRecent: N` marks every image of the selection except the N most
 *   recently pushed; `expireAfterDays: N` marks the images of the selection pushed
 *   strictly more than N x 86,400 s before `now`.
 * - Protection is a claim: an image with a tag matching a protected pattern is
 *   never expired.
 * - Every rule evaluates over its whole selection: protected images, and images
 *   claimed by earlier rules, count towards "the N most recent".
 * - An image is decided by the first rule (in order) whose selection contains it:
 *   expired if that rule marks it, kept otherwise. Images no rule selects are kept.
 * - Push-time order breaks ties by digest, ascending: of two images pushed at the
 *   same instant, the one with the smaller digest counts as the more recent.
 *
 * Runs in O(n log n + rules x n) for n images. Throws one error listing every
 * problem for an invalid policy (no tag state, a tagged rule without patterns, not
 * exactly one action, a count below 1) or invalid images (a missing or duplicate
 * digest, a `pushedAt` that is not a valid `Date`).
 */
export class RetentionEvaluator {
  /** Evaluates the policy over the images of one repository. */
  public static evaluate(policy: RetentionPolicySpec, images: RetentionImage[], options: EvaluateOptions = {}): RetentionEvaluationResult {
    const what = 'RetentionEvaluator';
    const now = nowOf(options.now, what);
    const problems = [...checkPolicy(policy), ...checkImages(images)];
    throwProblems(`${what}: cannot evaluate`, problems);

    const n = images.length;
    const tags = images.map((im) => im.tags ?? []);
    const times = images.map((im) => im.pushedAt.getTime());
    const digests = images.map((im) => im.digest);
    const order = mostRecentFirst(times, digests);

    // decided[i]: -1 undecided, -2 kept (protected or by a rule), r >= 0 expired by rule r.
    const UNDECIDED = -1;
    const KEPT = -2;
    const decided = new Array<number>(n).fill(UNDECIDED);
    const protectedTests = (policy.protectedTags ?? []).map(globTest);
    if (protectedTests.length > 0) {
      const prot = new Uint8Array(n);
      selectByTags(prot, TagState.TAGGED, protectedTests, tags, false);
      for (let i = 0; i < n; i++) if (prot[i] === 1) decided[i] = KEPT;
    }

    const sel = new Uint8Array(n);
    const pos = positions(order);
    const rules = policy.rules ?? [];
    for (let r = 0; r < rules.length; r++) {
      const rule = rules[r];
      selectByTags(sel, rule.tagState, (rule.tagPatterns ?? []).map(globTest), tags, false);
      if (rule.keepMostRecent !== undefined) {
        // Walk the whole selection most recent first: every selected image takes a place,
        // whether it is protected, claimed by an earlier rule or still undecided.
        const keep = rule.keepMostRecent;
        let rank = 0;
        for (const i of selectedInOrder(sel, order, pos)) {
          if (decided[i] === UNDECIDED) decided[i] = rank >= keep ? r : KEPT;
          rank++;
        }
      } else {
        const limit = (rule.expireAfterDays ?? 0) * MS_PER_DAY;
        for (let i = 0; i < n; i++) {
          if (sel[i] === 0 || decided[i] !== UNDECIDED) continue;
          decided[i] = now - times[i] > limit ? r : KEPT;
        }
      }
    }

    const kept: string[] = [];
    const expired: ExpiredImage[] = [];
    for (let i = 0; i < n; i++) {
      if (decided[i] >= 0) expired.push({ digest: digests[i], ruleIndex: decided[i] });
      else kept.push(digests[i]);
    }
    kept.sort(compareStrings);
    expired.sort((a, b) => compareStrings(a.digest, b.digest));
    return { kept, expired };
  }
}

function checkPolicy(policy: RetentionPolicySpec): string[] {
  const problems: string[] = [];
  if (policy === null || typeof policy !== 'object') return [`policy: ${show(policy)} is not a retention policy object`];
  const prot = policy.protectedTags;
  if (prot !== undefined && (!Array.isArray(prot) || prot.some((p) => typeof p !== 'string'))) {
    problems.push(`protectedTags: ${show(prot)} must be a list of tag patterns (strings)`);
  }
  const rules = policy.rules ?? [];
  if (!Array.isArray(rules)) return [...problems, `rules: ${show(rules)} must be a list of rules`];
  const states = Object.values(TagState) as string[];
  rules.forEach((rule, r) => {
    const p = `rules[${r}]`;
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
    const keep = rule.keepMostRecent;
    const days = rule.expireAfterDays;
    if ((keep === undefined) === (days === undefined)) {
      problems.push(`${p}: needs exactly one action, keepMostRecent or expireAfterDays (got ${show({ keepMostRecent: keep, expireAfterDays: days })})`);
    }
    if (keep !== undefined && (typeof keep !== 'number' || !Number.isInteger(keep) || keep < 1)) {
      problems.push(`${p}.keepMostRecent: ${show(keep)} must be a whole number of images, at least 1`);
    }
    if (days !== undefined && (typeof days !== 'number' || !Number.isInteger(days) || days < 1)) {
      problems.push(`${p}.expireAfterDays: ${show(days)} must be a whole number of days, at least 1`);
    }
  });
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
    if (im.tags !== undefined && (!Array.isArray(im.tags) || im.tags.some((t) => typeof t !== 'string'))) {
      problems.push(`${p}.tags: ${show(im.tags)} must be a list of strings`);
    }
  });
  return problems;
}
