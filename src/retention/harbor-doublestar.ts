/**
 * Internal (not exported from the index): a port of `doublestar.Match` from
 * github.com/bmatcuk/doublestar v1.3.4 (`doublestar.go`), the matcher Harbor's
 * retention and immutable-tag selectors use (goharbor/harbor `src/go.mod`
 * pins v1.3.4; `src/lib/selector/selectors/doublestar/selector.go` calls
 * `doublestar.Match`). Same syntax and the same quirks:
 * - `*` any run of characters except `/`; `**` as a whole path component any
 *   number of components; `?` one character except `/`;
 * - `[abc]`, `[a-z]`, `[^a-z]` character classes; `{a,b}` alternatives
 *   (nested, may contain `/`); `\c` the character c;
 * - the whole name must match;
 * - a malformed pattern throws `DoublestarBadPattern`, lazily, only when the
 *   matcher reaches the bad part (as Go returns `ErrBadPattern`).
 *
 * Go works on UTF-8 runes; this port on UTF-16 code units, which is the same
 * for every character outside the astral planes (tags and repository names
 * are ASCII).
 */

/** Thrown for a malformed pattern (Go's `path.ErrBadPattern`). */
export class DoublestarBadPattern extends Error {
  constructor() {
    super('syntax error in pattern');
  }
}

const DOUBLESTAR_META = /[\\*?[\]{},]/g;

/** A literal (a repository path, a tag's fixed part) as a doublestar pattern that matches exactly it: every metacharacter escaped. */
export function escapeDoublestar(s: string): string {
  return s.replace(DOUBLESTAR_META, '\\$&');
}

/** `doublestar.Match(pattern, name)` with `/` as the separator. */
export function doublestarMatch(pattern: string, name: string): boolean {
  return doMatching(pattern, splitPathOnSeparator(name, '/'));
}

/** Characters of a literal option that may contain `/` (repository names). */
const LITERAL_PATH = /^[A-Za-z0-9._/-]+$/;
/** A literal option without `/`, optionally ending in one `*` (tag patterns: `prod`, `pr-*`). */
const SIMPLE_COMPONENT = /^[A-Za-z0-9._-]*\*?$/;
/**
 * `(name) => doublestarMatch(pattern, name)`, compiled once (compile each
 * pattern once per evaluation, not per name), with the same results and the
 * same `DoublestarBadPattern` failures. Internal. The shapes translated
 * policies use get a fast path; every other pattern, and every name the fast
 * path does not cover, goes to the port:
 * - `**`: every name (`doMatching` returns true on a last `**` component).
 * - `{o1,o2,...}` (or one option without braces) of literal options with `/`
 *   (`repoMatches {dev/api,prod/api}`, thousands of names): the name is one of
 *   the options, and when the name has no `/`, no option continues it with `/`.
 *   The port matches the first name component against every option at once and
 *   joins what is left of each; a whole-name match of a one-component name
 *   counts only when nothing is left of any option (`len(matches) == 0 &&
 *   nameLen == 1`), so `{a,a/b}` does not match `a`. A name with an empty
 *   first component goes to the port.
 * - `{o1,o2,...}` of options that are literals or literals ending in `*`
 *   (`{prod,staging,v*}`, `pr-*`), for names without `/`: a pattern without `/`
 *   matches a one-component name when some option matches it (`matchComponent`
 *   of each option, with nothing after the braces), the option `lit*` when the
 *   name starts with `lit`.
 * Property-tested against `doublestarMatch` on random patterns and names.
 */
export function doublestarMatcher(pattern: string): (name: string) => boolean {
  const slow = (name: string) => doublestarMatch(pattern, name);
  if (pattern === '**') return () => true;
  const options = simpleAlternatives(pattern);
  if (options === undefined) return slow;
  if (options.every((o) => LITERAL_PATH.test(o))) {
    const names = new Set(options);
    // One-component names that some option continues with "/" never match (see above).
    const continued = new Set<string>();
    for (const o of options) {
      const slash = o.indexOf('/');
      if (slash >= 0) continued.add(o.slice(0, slash));
    }
    // A name whose first component is empty ("", "/x") goes to the port: it reads the pattern up to its first "/",
    // an unclosed "{", and fails with ErrBadPattern when an option has a "/".
    return (name) => (name === '' || name[0] === '/' ? slow(name) : names.has(name) && (name.includes('/') || !continued.has(name)));
  }
  if (options.every((o) => SIMPLE_COMPONENT.test(o))) {
    const literals = new Set(options.filter((o) => !o.endsWith('*')));
    const prefixes = options.filter((o) => o.endsWith('*')).map((o) => o.slice(0, -1));
    const anyPrefix = (name: string) => {
      for (const p of prefixes) if (name.startsWith(p)) return true;
      return false;
    };
    return (name) => (name.includes('/') ? slow(name) : literals.has(name) || anyPrefix(name));
  }
  return slow;
}

/**
 * The options of a pattern that is one brace group of plain options
 * (`{a,b*,c/d}`: no nested braces, classes, escapes or `?`), or of a pattern
 * without braces (one option); undefined for any other pattern.
 */
function simpleAlternatives(pattern: string): string[] | undefined {
  if (pattern.startsWith('{') && pattern.endsWith('}') && pattern.length >= 2) {
    const inner = pattern.slice(1, -1);
    return /[{}[\]\\?]/.test(inner) ? undefined : inner.split(',');
  }
  return /[{}[\]\\?,]/.test(pattern) ? undefined : [pattern];
}

/**
 * Whether the pattern is well formed: it is matched against a few names that
 * drive the matcher through the whole pattern. Catches unclosed classes and
 * alternatives, bad ranges and a trailing backslash. Internal.
 */
export function doublestarProblem(pattern: string): string | undefined {
  // Every bracket and brace must close, every class be non-empty with well-formed ranges.
  let i = 0;
  let braces = 0;
  while (i < pattern.length) {
    const c = pattern[i];
    if (c === '\\') {
      if (i + 1 >= pattern.length) return 'ends with an escaping backslash';
      i += 2;
      continue;
    }
    if (c === '[') {
      const end = indexRuneWithEscaping(pattern.slice(i + 1), ']');
      if (end === -1) return 'has a "[" without its "]"';
      const cls = pattern.slice(i + 1, i + 1 + end);
      if (classProblem(cls)) return `has a malformed character class [${cls}]`;
      i += end + 2;
      continue;
    }
    if (c === '{') braces++;
    if (c === '}') braces--;
    if (braces < 0) braces = 0; // a stray "}" is a literal
    i++;
  }
  if (braces > 0) return 'has a "{" without its "}"';
  return undefined;
}

function classProblem(cls: string): boolean {
  const runes = [...cls];
  if (runes.length === 0) return true;
  let k = runes[0] === '^' ? 1 : 0;
  while (k < runes.length) {
    let low = runes[k];
    if (low === '-') return true;
    k++;
    if (low === '\\') {
      if (k >= runes.length) return true;
      low = runes[k++];
    }
    if (k < runes.length && runes[k] === '-') {
      if (++k >= runes.length) return true;
      const high = runes[k];
      if (high === '-') return true;
      k++;
      if (high === '\\') {
        if (k >= runes.length) return true;
        k++;
      }
    }
  }
  return false;
}

function splitPathOnSeparator(path: string, separator: string): string[] {
  if (!path.includes(separator)) return [path];
  const ret: string[] = [];
  let start = 0;
  let emptyEnd = false;
  while (start < path.length) {
    let end = indexRuneWithEscaping(path.slice(start), separator);
    if (end === -1) {
      emptyEnd = false;
      end = path.length;
    } else {
      emptyEnd = true;
      end += start;
    }
    ret.push(path.slice(start, end));
    start = end + 1;
  }
  if (emptyEnd) ret.push('');
  return ret;
}

function indexRuneWithEscaping(s: string, r: string): number {
  let end = s.indexOf(r);
  if (end === -1) return -1;
  if (end > 0 && s[end - 1] === '\\') {
    const start = end + 1;
    end = indexRuneWithEscaping(s.slice(start), r);
    if (end !== -1) end += start;
  }
  return end;
}

function splitAlternatives(s: string): [string[] | undefined, number] {
  const ret: string[] = [];
  let idx = 0;
  let braceCnt = 1;
  let esc = false;
  let start = 0;
  while (braceCnt > 0) {
    if (idx >= s.length) return [undefined, -1];
    const c = s[idx];
    if (esc) {esc = false;} else if (c === '\\') {esc = true;} else if (c === '{') {braceCnt++;} else if (c === '}') {braceCnt--;} else if (c === ',' && braceCnt === 1) {
      ret.push(s.slice(start, idx));
      start = idx + 1;
    }
    idx++;
  }
  ret.push(s.slice(start, idx - 1));
  return [ret, idx];
}

function isZeroLengthPattern(pattern: string): boolean {
  if (pattern === '' || pattern === '*' || pattern === '**') return true;
  if (pattern[0] === '{') {
    const [options, endOptions] = splitAlternatives(pattern.slice(1));
    if (endOptions === -1) throw new DoublestarBadPattern();
    if (!isZeroLengthPattern(pattern.slice(1 + endOptions))) return false;
    for (const o of options!) if (isZeroLengthPattern(o)) return true;
  }
  return false;
}

function doMatching(pattern: string, nameComponents: string[]): boolean {
  const patternLen = pattern.length;
  const nameLen = nameComponents.length;
  if (patternLen === 0 && nameLen === 0) return true;
  if (patternLen === 0) {
    if (nameLen === 1 && nameComponents[0] === '') return true;
    else if (nameLen === 0) return false;
  }
  let slashIdx = indexRuneWithEscaping(pattern, '/');
  const lastComponent = slashIdx === -1;
  if (lastComponent) slashIdx = pattern.length;
  if (pattern.slice(0, slashIdx) === '**') {
    if (lastComponent) return true;
    for (let nameIdx = 0; nameIdx < nameLen; nameIdx++) {
      let m = false;
      try {
        m = doMatching(pattern.slice(slashIdx + 1), nameComponents.slice(nameIdx));
      } catch {
        // Go ignores the error here (`if m, _ := doMatching(...)`).
      }
      if (m) return true;
    }
    return false;
  }
  const matches = matchComponent(pattern, nameComponents[0] ?? '');
  if (matches === undefined) return false;
  if (matches.length === 0 && nameLen === 1) return true;
  if (nameLen > 1) {
    for (const alt of matches) {
      if (doMatching(alt, nameComponents.slice(1))) return true;
    }
  }
  return false;
}

/** Go's matchComponent: undefined for "no match" (Go's nil), else the patterns left for the next components. */
function matchComponent(pattern: string, name: string): string[] | undefined {
  const patternLen = pattern.length;
  const nameLen = name.length;
  let patIdx = 0;
  let nameIdx = 0;
  while (patIdx < patternLen && nameIdx < nameLen) {
    let patRune = pattern[patIdx];
    const nameRune = name[nameIdx];
    if (patRune === '/') {
      patIdx++;
      break;
    } else if (patRune === '\\') {
      patIdx++;
      patRune = pattern[patIdx];
      if (patRune === undefined) throw new DoublestarBadPattern();
      if (patRune === nameRune) {
        patIdx++;
        nameIdx++;
      } else {
        return undefined;
      }
    } else if (patRune === '*') {
      if (++patIdx >= patternLen) return [];
      if (pattern[patIdx] === '/') return [pattern.slice(patIdx + 1)];
      for (; nameIdx < nameLen; nameIdx++) {
        const m = matchComponent(pattern.slice(patIdx), name.slice(nameIdx));
        if (m !== undefined) return m;
      }
      return undefined;
    } else if (patRune === '[') {
      patIdx++;
      let endClass = indexRuneWithEscaping(pattern.slice(patIdx), ']');
      if (endClass === -1) throw new DoublestarBadPattern();
      endClass += patIdx;
      const classRunes = [...pattern.slice(patIdx, endClass)];
      const n = classRunes.length;
      if (n === 0) throw new DoublestarBadPattern();
      let classIdx = 0;
      let matchClass = false;
      if (classRunes[0] === '^') classIdx++;
      while (classIdx < n) {
        let low = classRunes[classIdx];
        if (low === '-') throw new DoublestarBadPattern();
        classIdx++;
        if (low === '\\') {
          if (classIdx < n) low = classRunes[classIdx++];
          else throw new DoublestarBadPattern();
        }
        let high = low;
        if (classIdx < n && classRunes[classIdx] === '-') {
          if (++classIdx >= n) throw new DoublestarBadPattern();
          high = classRunes[classIdx];
          if (high === '-') throw new DoublestarBadPattern();
          classIdx++;
          if (high === '\\') {
            if (classIdx < n) high = classRunes[classIdx++];
            else throw new DoublestarBadPattern();
          }
        }
        if (low <= nameRune && nameRune <= high) matchClass = true;
      }
      if (matchClass === (classRunes[0] === '^')) return undefined;
      patIdx = endClass + 1;
      nameIdx++;
    } else if (patRune === '{') {
      patIdx++;
      const [options, endOptions] = splitAlternatives(pattern.slice(patIdx));
      if (endOptions === -1) throw new DoublestarBadPattern();
      patIdx += endOptions;
      const results: string[] = [];
      let any = false;
      for (const o of options!) {
        const m = matchComponent(o + pattern.slice(patIdx), name.slice(nameIdx));
        if (m !== undefined) {
          any = true;
          results.push(...m);
        }
      }
      return any ? results : undefined;
    } else if (patRune === '?' || patRune === nameRune) {
      patIdx++;
      nameIdx++;
    } else {
      return undefined;
    }
  }
  if (nameIdx >= nameLen) {
    if (patIdx >= patternLen) return [];
    pattern = pattern.slice(patIdx);
    const slashIdx = indexRuneWithEscaping(pattern, '/');
    const testPattern = slashIdx >= 0 ? pattern.slice(0, slashIdx) : pattern;
    if (isZeroLengthPattern(testPattern)) {
      return slashIdx === -1 ? [] : [pattern.slice(slashIdx + 1)];
    }
  }
  return undefined;
}
