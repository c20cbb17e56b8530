import { createHash } from 'crypto';
import { Problems } from '../spec/problems';

/** The longest tag the OCI distribution spec allows. */
const MAX_TAG_LENGTH = 128;

/** The OCI distribution spec's tag grammar. */
const TAG = /^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}$/;

/** Characters a tag may contain (after its first one). */
const TAG_CHAR = /[a-zA-Z0-9._-]/;

/**
 * The OCI image tag grammar, `[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}` (OCI
 * distribution spec: "a tag MUST be at most 128 characters in length and MUST
 * match the following regular expression"), and the normalization of git branch
 * names into tags.
 */
export class OciTag {
  /** The longest tag allowed. */
  public static readonly MAX_LENGTH = MAX_TAG_LENGTH;

  /** Whether a string is a valid tag. */
  public static isValid(tag: string): boolean {
    return typeof tag === 'string' && TAG.test(tag);
  }

  /**
   * What is wrong with a tag, one sentence per problem (empty when valid). Each
   * names the tag, what is wrong, and what is allowed.
   */
  public static problems(tag: string): string[] {
    const quoted = JSON.stringify(tag);
    const shown = typeof quoted === 'string' && quoted.length > 60 ? `${quoted.slice(0, 40)}..."` : quoted;
    return OciTag._problemsOf(tag).map((p) => `tag ${shown} ${p}`);
  }

  /**
   * What is wrong with a tag, each problem without the tag itself (`starts with "-"; the
   * first character must be a letter, a digit or _`): for a problems collector, which
   * shows the value beside the field.
   *
   * @internal
   */
  public static _problemsOf(tag: string): string[] {
    if (typeof tag !== 'string') return ['is not a string'];
    if (tag.length === 0) return ['is empty; a tag has 1 to 128 characters'];
    const problems: string[] = [];
    if (tag.length > MAX_TAG_LENGTH) {
      problems.push(`is ${tag.length} characters long; a tag has at most ${MAX_TAG_LENGTH}`);
    }
    if (!/^[a-zA-Z0-9_]/.test(tag)) {
      problems.push(`starts with ${JSON.stringify(tag[0])}; the first character must be a letter, a digit or _`);
    }
    const bad = [...new Set([...tag.slice(1)].filter((c) => !TAG_CHAR.test(c)))];
    if (bad.length > 0) {
      const at = tag.slice(1).search(/[^a-zA-Z0-9._-]/) + 1;
      problems.push(`contains ${bad.map((c) => JSON.stringify(c)).join(', ')} (first at position ${at + 1}); allowed: letters, digits, _ . -`);
    }
    return problems;
  }

  /**
   * Throws when a tag is not valid: one `ProblemsError` listing every problem, each
   * naming the field (`tag`), the value and what is allowed.
   *
   * @param tag the tag
   * @param what what the tag is, the heading of the message (`the branch tag`)
   */
  public static assertValid(tag: string, what?: string): void {
    const problems = new Problems();
    for (const p of OciTag._problemsOf(tag)) problems.add('tag', tag, p);
    problems.throwIfAny(what ?? 'Invalid tag');
  }

  /**
   * Why a branch name cannot be made into a tag (`OciTag.fromBranch`), without the
   * branch itself; undefined when it can.
   *
   * @internal
   */
  public static _branchProblem(branch: string): string | undefined {
    if (typeof branch !== 'string') return 'is not a string';
    if (trimEnds(normalize(branch)).length === 0) {
      return 'cannot be made into a tag: it has no letter, digit or _ (a tag starts with one of those)';
    }
    return undefined;
  }

  /**
   * Normalizes a git branch name into a tag: a `refs/heads/` prefix is dropped,
   * letters are lower-cased, every character outside `a-z 0-9 _ . -` (such as
   * `/`) becomes `-`, runs of `-` collapse, leading and trailing `.` and `-` are
   * dropped. A name longer than `maxLength` is cut, and ends with `-` and 8 hex
   * characters of its SHA-256 so that two long branches sharing a prefix get
   * different tags. `feature/Foo_bar` gives `feature-foo_bar`.
   *
   * The result is always a valid tag, never empty, and normalizing it again
   * returns it unchanged. Throws when the branch has no letter, digit or `_`
   * (nothing is left to make a tag of).
   *
   * @param branch the branch name (`feature/Foo_bar`, `refs/heads/main`)
   * @param maxLength the longest tag wanted, from 10 to 128 (to leave room for a suffix)
   */
  public static fromBranch(branch: string, maxLength: number = MAX_TAG_LENGTH): string {
    const problems = new Problems();
    const problem = OciTag._branchProblem(branch);
    if (problem) problems.add('branch', branch, problem);
    if (!Number.isInteger(maxLength) || maxLength < 10 || maxLength > MAX_TAG_LENGTH) {
      problems.add('maxLength', maxLength, `is not allowed: a branch tag is 10 to ${MAX_TAG_LENGTH} characters long`);
    }
    problems.throwIfAny('Cannot make a tag of the branch');
    const name = branch.replace(/^refs\/heads\//, '');
    const clean = trimEnds(normalize(branch));
    if (clean.length <= maxLength) return clean;
    const hash = createHash('sha256').update(name).digest('hex').slice(0, 8);
    const head = trimEnds(clean.slice(0, maxLength - hash.length - 1));
    return `${head}-${hash}`;
  }
}

/** A branch name lower-cased, with every character outside `a-z 0-9 _ . -` as `-` and runs of `-` collapsed. */
function normalize(branch: string): string {
  return branch.replace(/^refs\/heads\//, '').toLowerCase().replace(/[^a-z0-9._-]/g, '-').replace(/-{2,}/g, '-');
}

function trimEnds(s: string): string {
  return s.replace(/^[.-]+/, '').replace(/[.-]+$/, '');
}
