/**
 * Internal helpers about the shapes of tags and of tag patterns (globs where
 * `*` matches any run of characters and the whole tag must match, as in
 * `src/spec/glob.ts`). Not exported from the package.
 */
import { Glob, TagStrategy } from '../spec';

/** A semver release, pre-release or version-sha tag (an optional `v` prefix included, as users write them). */
const VERSION_LIKE = /^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)([-_][0-9A-Za-z._-]+)?$/;
/** A git sha tag, as the git-sha strategy writes it (7 hex) or as people write it (up to 40). */
const SHA_LIKE = /^[0-9a-f]{7,40}$/;
/** A `1.2` or `1` semver alias. */
const ALIAS = /^(0|[1-9]\d*)(\.(0|[1-9]\d*))?$/;

/** Whether a tag is a semver alias (`1.2`, `1`). */
export function isSemverAlias(tag: string): boolean {
  return ALIAS.test(tag);
}

/** Whether a tag is a release tag the strategy writes once: a version, a version-sha, or a sha. */
export function isReleaseTag(tag: string, strategy: TagStrategy): boolean {
  return strategy === TagStrategy.GIT_SHA ? SHA_LIKE.test(tag) : VERSION_LIKE.test(tag);
}

/** Whether a pattern is only wildcards (matches every tag). */
export function matchesEverything(pattern: string): boolean {
  return /^\*+$/.test(pattern);
}

/**
 * Whether two globs match at least one common string (over any characters).
 * Exact for globs made of literals and `*`.
 */
export function globsIntersect(a: string, b: string): boolean {
  const memo = new Map<number, boolean>();
  const n = a.length;
  const m = b.length;
  const go = (i: number, j: number): boolean => {
    const key = i * (m + 1) + j;
    const cached = memo.get(key);
    if (cached !== undefined) return cached;
    let r = false;
    if (i === n && j === m) r = true;
    else if (i < n && a[i] === '*') r = go(i + 1, j) || (j < m && go(i, j + 1));
    else if (j < m && b[j] === '*') r = go(i, j + 1) || (i < n && go(i + 1, j));
    else if (i < n && j < m && a[i] === b[j]) r = go(i + 1, j + 1);
    memo.set(key, r);
    return r;
  };
  return go(0, 0);
}

/** Strings a `*` is tried with when looking for a release tag a pattern matches. */
const FILLERS = ['', '0', '1', '2', '3', '10', '1.2.3', '.2.3', '2.3', '.3', '.0', '0.0', '.0.0', 'v1.2.3', '-rc.1', '-abc1234', '1.2.3-abc1234',
  '.2.3-abc1234', '.3-abc1234', 'bc1234', 'c1234', '1234', 'abc1234', 'abc', '0a1b2c3', '234', 'c'];
const MAX_STARS = 4;

/**
 * A release tag of the strategy that the pattern matches (`*` gives `1.2.3`,
 * `v*` gives `v1.2.3`), found by filling each `*` from a list of version and sha
 * fragments, or undefined when none is found. A tag found is a real match; a
 * pattern with more than 4 wildcards is only tried with its first 4 filled.
 */
export function releaseWitness(pattern: string, strategy: TagStrategy): string | undefined {
  const parts = pattern.split('*');
  const stars = parts.length - 1;
  if (stars === 0) return isReleaseTag(pattern, strategy) ? pattern : undefined;
  const tried = Math.min(stars, MAX_STARS);
  const idx = new Array<number>(tried).fill(0);
  for (;;) {
    let s = parts[0];
    for (let k = 0; k < stars; k++) s += (k < tried ? FILLERS[idx[k]] : '') + parts[k + 1];
    if (isReleaseTag(s, strategy) && Glob.matches(pattern, s)) return s;
    let k = 0;
    while (k < tried && ++idx[k] === FILLERS.length) idx[k++] = 0;
    if (k === tried) return undefined;
  }
}

/** A date in a tag or pattern: `2025-10-18`, `2025.10.18`, `20251018`, `2025-10`. */
const DATE = /(?:^|[^0-9])((?:19|20)\d{2}([-._]?)(?:0[1-9]|1[0-2])(?:\2(?:0[1-9]|[12]\d|3[01]))?)(?![0-9])/;

/** The date-like part of a tag or pattern, or undefined. */
export function dateLike(value: string): string | undefined {
  const m = DATE.exec(value);
  return m ? m[1] : undefined;
}
