import { globRegExp } from './glob-regexp';

/**
 * The globs of the spec: `*` matches any run of characters (including none and
 * including `/` and `.`), every other character matches itself, and the pattern
 * must match the whole value. Used for tag patterns and repository filters.
 */
export class Glob {
  /** Whether a glob matches the whole value. */
  public static matches(pattern: string, value: string): boolean {
    return globRegExp(pattern).test(value);
  }

  /** Whether any of the globs matches the value. */
  public static matchesAny(patterns: string[], value: string): boolean {
    return patterns.some((p) => Glob.matches(p, value));
  }

  /** The number of `*` wildcards in a glob. */
  public static wildcards(pattern: string): number {
    return pattern.split('*').length - 1;
  }
}
