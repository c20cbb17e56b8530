import { createHash } from 'crypto';

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
    if (typeof tag !== 'string') return [`tag ${JSON.stringify(tag)} is not a string`];
    const quoted = JSON.stringify(tag);
    if (tag.length === 0) return ['tag "" is empty; a tag has 1 to 128 characters'];
    const problems: string[] = [];
    if (tag.length > MAX_TAG_LENGTH) {
      problems.push(`tag ${quoted.length > 60 ? `${quoted.slice(0, 40)}..."` : quoted} is ${tag.length} characters long; a tag has at most ${MAX_TAG_LENGTH}`);
    }
    if (!/^[a-zA-Z0-9_]/.test(tag)) {
      problems.push(`tag ${quoted} starts with ${JSON.stringify(tag[0])}; the first character must be a letter, a digit or _`);
    }
    const bad = [...new Set([...tag.slice(1)].filter((c) => !TAG_CHAR.test(c)))];
    if (bad.length > 0) {
      const at = tag.slice(1).search(/[^a-zA-Z0-9._-]/) + 1;
      problems.push(`tag ${quoted} contains ${bad.map((c) => JSON.stringify(c)).join(', ')} (first at position ${at + 1}); allowed: letters, digits, _ . -`);
    }
    return problems;
  }

  /**
   * Throws when a tag is not valid, with every problem in one message.
   *
   * @param tag the tag
   * @param what what the tag is, for the message (`the build tag`)
   */
  public static assertValid(tag: string, what?: string): void {
    const problems = OciTag.problems(tag);
    if (problems.length > 0) {
      throw new Error(`${what ? `${what}: ` : ''}${problems.join('; ')}`);
    }
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
    if (typeof branch !== 'string') {
      throw new Error(`branch ${JSON.stringify(branch)} is not a string`);
    }
    if (!Number.isInteger(maxLength) || maxLength < 10 || maxLength > MAX_TAG_LENGTH) {
      throw new Error(`maxLength ${maxLength} is not allowed: a branch tag is 10 to ${MAX_TAG_LENGTH} characters long`);
    }
    const name = branch.replace(/^refs\/heads\//, '');
    const clean = trimEnds(name.toLowerCase().replace(/[^a-z0-9._-]/g, '-').replace(/-{2,}/g, '-'));
    if (clean.length === 0) {
      throw new Error(`branch ${JSON.stringify(branch)} cannot be made into a tag: it has no letter, digit or _ (a tag starts with one of those)`);
    }
    if (clean.length <= maxLength) return clean;
    const hash = createHash('sha256').update(name).digest('hex').slice(0, 8);
    const head = trimEnds(clean.slice(0, maxLength - hash.length - 1));
    return `${head}-${hash}`;
  }
}

function trimEnds(s: string): string {
  return s.replace(/^[.-]+/, '').replace(/[.-]+$/, '');
}
