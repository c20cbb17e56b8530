/**
 * Internal helpers about the shapes of tags and of tag patterns (globs where
 * `*` matches any run of characters and the whole tag must match, as in
 * `src/spec/glob.ts`). Not exported from the package.
 */
import { TagStrategy } from '../spec';

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

/**
 * A deterministic automaton over characters: `step` returns the next state, or
 * undefined when the character cannot continue a match.
 */
interface Automaton {
  readonly start: number;
  accepts(state: number): boolean;
  step(state: number, c: string): number | undefined;
}

const isDigit = (c: string) => c >= '0' && c <= '9';
const isHex = (c: string) => isDigit(c) || (c >= 'a' && c <= 'f');
const isSuffixChar = (c: string) => /^[0-9A-Za-z._-]$/.test(c);

/**
 * `VERSION_LIKE` as an automaton. States: 0 start, 1 after `v`, then for each
 * of the three numbers k = 0, 1, 2: 2+3k at its start, 3+3k after a leading `0`,
 * 4+3k after a leading 1-9; 11 after the `-`/`_` of a suffix, 12 in the suffix.
 */
const VERSION_AUTOMATON: Automaton = {
  start: 0,
  accepts: (s) => s === 9 || s === 10 || s === 12,
  step: (s, c) => {
    if (s === 0 && c === 'v') return 1;
    const numberStart = s === 0 || s === 1 ? 2 : s;
    if (numberStart === 2 || numberStart === 5 || numberStart === 8) {
      if (c === '0') return numberStart + 1;
      return isDigit(c) ? numberStart + 2 : undefined;
    }
    const k = Math.floor((s - 2) / 3);
    if (s >= 3 && s <= 10 && (s - 2) % 3 !== 0) {
      if (s % 3 === 1 && isDigit(c)) return s; // more digits after 1-9 (states 4, 7, 10)
      if (c === '.' && k < 2) return 2 + 3 * (k + 1);
      if ((c === '-' || c === '_') && k === 2) return 11;
      return undefined;
    }
    if (s === 11 || s === 12) return isSuffixChar(c) ? 12 : undefined;
    return undefined;
  },
};

/** `SHA_LIKE` as an automaton: the state counts hex characters, up to 40. */
const SHA_AUTOMATON: Automaton = {
  start: 0,
  accepts: (s) => s >= 7 && s <= 40,
  step: (s, c) => (isHex(c) && s < 40 ? s + 1 : undefined),
};

/** One character of each class the automata tell apart, for what a `*` can stand for. */
const REPRESENTATIVES = ['1', '0', 'v', 'a', 'g', 'A', '.', '-', '_'];

/**
 * The shortest release tag of the strategy that a glob matches (`*` gives
 * `0.0.0`, `v*` gives `v0.0.0`, `a*` with git-sha gives `a000000`), or
 * undefined when the glob matches no release tag. Exact: a breadth-first search
 * over the product of the glob's positions and the release-tag automaton.
 */
export function releaseWitness(pattern: string, strategy: TagStrategy): string | undefined {
  const automaton = strategy === TagStrategy.GIT_SHA ? SHA_AUTOMATON : VERSION_AUTOMATON;
  const alphabet = [...new Set([...REPRESENTATIVES, ...pattern.replace(/\*/g, '')])];
  // Positions reachable by skipping stars (a star may match nothing).
  const closure = (i: number): number[] => {
    const out = [i];
    while (i < pattern.length && pattern[i] === '*') out.push(++i);
    return out;
  };
  const key = (i: number, s: number) => `${i}:${s}`;
  const seen = new Set<string>();
  let frontier: Array<{ i: number; s: number; text: string }> = [];
  for (const i of closure(0)) {
    seen.add(key(i, automaton.start));
    frontier.push({ i, s: automaton.start, text: '' });
  }
  while (frontier.length > 0) {
    for (const f of frontier) if (f.i === pattern.length && automaton.accepts(f.s)) return f.text;
    const next: typeof frontier = [];
    for (const f of frontier) {
      if (f.i >= pattern.length) continue;
      const star = pattern[f.i] === '*';
      for (const c of star ? alphabet : [pattern[f.i]]) {
        const s = automaton.step(f.s, c);
        if (s === undefined) continue;
        for (const i of closure(star ? f.i : f.i + 1)) {
          if (seen.has(key(i, s))) continue;
          seen.add(key(i, s));
          next.push({ i, s, text: f.text + c });
        }
      }
    }
    frontier = next;
  }
  return undefined;
}

/** A date in a tag or pattern: `2025-10-18`, `2025.10.18`, `20251018`, `2025-10`. */
const DATE = /(?:^|[^0-9])((?:19|20)\d{2}([-._]?)(?:0[1-9]|1[0-2])(?:\2(?:0[1-9]|[12]\d|3[01]))?)(?![0-9])/;

/** The date-like part of a tag or pattern, or undefined. */
export function dateLike(value: string): string | undefined {
  const m = DATE.exec(value);
  return m ? m[1] : undefined;
}
