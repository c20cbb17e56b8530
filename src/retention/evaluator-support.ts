import { Glob } from '../spec/glob';
import { globRegExp } from '../spec/glob-regexp';
import { Problems } from '../spec/problems';

/**
 * Internal helpers shared by the evaluators (not exported from the index).
 *
 * Every evaluator orders images "most recent first": by time descending, ties
 * broken by the digest (or another identity string) ascending, so that results
 * never depend on the order of the input.
 */

/** Milliseconds in one day (86,400 s). */
export const MS_PER_DAY = 86_400_000;

/** Item indexes sorted most recent first (time descending, then key ascending). O(n log n). */
export function mostRecentFirst(times: number[], keys: string[]): number[] {
  const order = times.map((_, i) => i);
  order.sort((a, b) => (times[b] - times[a]) || compareStrings(keys[a], keys[b]));
  return order;
}

/** Code-unit string comparison (stable across locales). */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The time of a `Date` in milliseconds, or undefined when it is not a valid `Date`. */
export function timeOf(value: unknown): number | undefined {
  if (value instanceof Date && !Number.isNaN(value.getTime())) return value.getTime();
  return undefined;
}

/** `now` from the options: a valid `Date`, or the current time. */
export function nowOf(now: Date | undefined, what: string): number {
  if (now === undefined) return Date.now();
  const t = timeOf(now);
  if (t === undefined) throw new Error(`${what}: options.now ${String(now)} is not a valid Date`);
  return t;
}

/** Whether `time` is strictly more than `days` days (of 86,400 s) before `now`. */
export function olderThanDays(time: number, days: number, now: number): boolean {
  return now - time > days * MS_PER_DAY;
}

/** The most problems one error message lists (the count always covers all of them). */
const MAX_LISTED = 50;

/** Throws one `ProblemsError` listing every problem (the first 50 of a long list, and how many more), when there are any. */
export function throwProblems(what: string, problems: string[]): void {
  if (problems.length === 0) return;
  new Problems().addAll(Problems._fromMessages(problems)).throwIfAny(what, MAX_LISTED);
}

/** A JSON rendering of a value for messages. */
export function show(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}

/** How a compiled test matches a string. */
const enum TestKind { EQUALS, PREFIX, SUFFIX, CONTAINS, ALL, REGEX }

/**
 * A compiled test of one string, as data (not a closure) so that the hot loop
 * calls one monomorphic function whatever the mix of patterns.
 */
export interface StringTest {
  readonly kind: TestKind;
  readonly text: string;
  readonly re?: RegExp;
}

/** Whether the string passes the test. */
export function passes(test: StringTest, value: string): boolean {
  switch (test.kind) {
    case TestKind.EQUALS: return value === test.text;
    case TestKind.PREFIX: return value.startsWith(test.text);
    case TestKind.SUFFIX: return value.endsWith(test.text);
    case TestKind.CONTAINS: return value.includes(test.text);
    case TestKind.ALL: return true;
    default: return test.re!.test(value);
  }
}

/** A test of "starts with" (ECR `tagPrefixList`). */
export function prefixTest(prefix: string): StringTest {
  return { kind: TestKind.PREFIX, text: prefix };
}

/**
 * A fast matcher equivalent to `Glob.matches(pattern, value)` (`*` matches any run
 * of characters, the whole value must match): plain strings compare for equality,
 * `p*`, `*s` and `*x*` use string methods, anything else the anchored regular
 * expression of `Glob`. Internal (not exported from the index).
 */
export function globTest(pattern: string): StringTest {
  const stars = Glob.wildcards(pattern);
  if (stars === 0) return { kind: TestKind.EQUALS, text: pattern };
  if (/^\*+$/.test(pattern)) return { kind: TestKind.ALL, text: '' };
  const inner = pattern.slice(1, -1);
  if (stars === 1 && pattern.endsWith('*')) return { kind: TestKind.PREFIX, text: pattern.slice(0, -1) };
  if (stars === 1 && pattern.startsWith('*')) return { kind: TestKind.SUFFIX, text: pattern.slice(1) };
  if (stars === 2 && pattern.startsWith('*') && pattern.endsWith('*') && !inner.includes('*')) return { kind: TestKind.CONTAINS, text: inner };
  return { kind: TestKind.REGEX, text: pattern, re: globRegExp(pattern) };
}

/**
 * Marks in `sel` (1 or 0 per image) the images a rule's tag selection contains:
 * every image (`any`), the untagged ones (`untagged`), or (`tagged`) the images
 * with at least one tag where every test (`requireAll`, ECR's AND of list entries)
 * or some test (the neutral OR of patterns) matches one of the tags. A tight
 * indexed loop: this is the hot path of the evaluators (rules x images).
 */
export function selectByTags(sel: Uint8Array, status: string, tests: StringTest[], tags: string[][], requireAll: boolean): void {
  const n = tags.length;
  if (status === 'any') {
    sel.fill(1);
    return;
  }
  if (status === 'untagged') {
    for (let i = 0; i < n; i++) sel[i] = tags[i].length === 0 ? 1 : 0;
    return;
  }
  for (let i = 0; i < n; i++) {
    const ts = tags[i];
    let result = 0;
    if (ts.length > 0) {
      result = requireAll ? 1 : 0;
      for (let k = 0; k < tests.length; k++) {
        const test = tests[k];
        let hit = 0;
        for (let j = 0; j < ts.length; j++) {
          if (passes(test, ts[j])) {
            hit = 1;
            break;
          }
        }
        if (requireAll && hit === 0) {
          result = 0;
          break;
        }
        if (!requireAll && hit === 1) {
          result = 1;
          break;
        }
      }
    }
    sel[i] = result;
  }
}

/** `pos[i]`: the rank of item i in `order`. */
export function positions(order: number[]): Int32Array {
  const pos = new Int32Array(order.length);
  for (let k = 0; k < order.length; k++) pos[order[k]] = k;
  return pos;
}

/**
 * The selected items (`sel[i] === 1`) in `order`. A small selection (under
 * 1/16 of the items, as tag-filtered rules often are) is collected by a
 * sequential scan and sorted by position (O(n + k log k)); a larger one by one
 * walk of the order (O(n), no comparator calls).
 */
export function selectedInOrder(sel: Uint8Array, order: number[], pos: Int32Array): number[] {
  const n = sel.length;
  let count = 0;
  for (let i = 0; i < n; i++) count += sel[i];
  if (count === n) return order;
  const picked: number[] = [];
  if (count * 16 < n) {
    for (let i = 0; i < n; i++) if (sel[i] === 1) picked.push(i);
    picked.sort((a, b) => pos[a] - pos[b]);
  } else {
    for (let j = 0; j < n; j++) if (sel[order[j]] === 1) picked.push(order[j]);
  }
  return picked;
}

/** A cosign tag of a subject digest: `sha256-<64 hex>.sig` (signature), `.att` (attestation) or `.sbom`. */
const ATTACHMENT_TAG = /^sha256-([0-9a-f]{64})\.(sig|att|sbom)$/;

/**
 * The subject digest (`sha256:<hex>`) whose attachment an image with these tags is,
 * or undefined: every tag must be a cosign tag of that one subject.
 */
export function attachmentSubject(tags: string[]): string | undefined {
  let hex: string | undefined;
  for (const t of tags) {
    const m = ATTACHMENT_TAG.exec(t);
    if (!m || (hex !== undefined && hex !== m[1])) return undefined;
    hex = m[1];
  }
  return hex === undefined ? undefined : `sha256:${hex}`;
}

/**
 * A set of prefixes that answers "does one of them start this string" with one
 * hash lookup per distinct prefix length (the prefixes grouped by length, each
 * group a `Set`), instead of a scan of the whole list: Artifact Registry
 * policies list hundreds of `package_name_prefixes`. Equivalent to
 * `prefixes.some((p) => value.startsWith(p))` (property-tested against it).
 * Prefixes that a shorter one already covers are dropped. Internal (not
 * exported from the index).
 */
export class PrefixSet {
  /** Whether the empty prefix is in the set (it starts every string). */
  private readonly all: boolean;
  /** The distinct prefix lengths, ascending. */
  private readonly lengths: number[] = [];
  /** `groups[k]`: the prefixes of length `lengths[k]`. */
  private readonly groups: Array<Set<string>> = [];

  constructor(prefixes: readonly string[]) {
    this.all = prefixes.includes('');
    if (this.all) return;
    const byLength = [...new Set(prefixes)].sort((a, b) => a.length - b.length);
    for (const p of byLength) {
      if (this.matches(p)) continue; // covered by a shorter prefix
      let k = this.lengths.indexOf(p.length);
      if (k < 0) {
        k = this.lengths.push(p.length) - 1;
        this.groups.push(new Set());
      }
      this.groups[k].add(p);
    }
  }

  /** Whether some prefix of the set starts `value`. */
  public matches(value: string): boolean {
    if (this.all) return true;
    const lengths = this.lengths;
    for (let k = 0; k < lengths.length; k++) {
      const len = lengths[k];
      if (len > value.length) return false;
      if (this.groups[k].has(len === value.length ? value : value.slice(0, len))) return true;
    }
    return false;
  }

  /** Whether some prefix of the set starts one of the strings. */
  public matchesAny(values: readonly string[]): boolean {
    for (let j = 0; j < values.length; j++) if (this.matches(values[j])) return true;
    return false;
  }
}
