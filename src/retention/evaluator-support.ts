import { Glob } from '../spec/glob';

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

/** Throws one error listing every problem, when there are any. */
export function throwProblems(what: string, problems: string[]): void {
  if (problems.length === 0) return;
  throw new Error(`${what}: ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n${problems.map((p) => `- ${p}`).join('\n')}`);
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

/** A compiled test of one string. */
export type StringTest = (value: string) => boolean;

/**
 * A fast matcher equivalent to `Glob.matches(pattern, value)` (`*` matches any run
 * of characters, the whole value must match): plain strings compare for equality,
 * `p*`, `*s` and `*x*` use string methods, anything else the anchored regular
 * expression of `Glob`. Internal (not exported from the index).
 */
export function globTest(pattern: string): StringTest {
  const stars = Glob.wildcards(pattern);
  if (stars === 0) return (v) => v === pattern;
  if (/^\*+$/.test(pattern)) return () => true;
  const inner = pattern.slice(1, -1);
  if (stars === 1 && pattern.endsWith('*')) {
    const prefix = pattern.slice(0, -1);
    return (v) => v.startsWith(prefix);
  }
  if (stars === 1 && pattern.startsWith('*')) {
    const suffix = pattern.slice(1);
    return (v) => v.endsWith(suffix);
  }
  if (stars === 2 && pattern.startsWith('*') && pattern.endsWith('*') && !inner.includes('*')) {
    return (v) => v.includes(inner);
  }
  const re = Glob.toRegExp(pattern);
  return (v) => re.test(v);
}

/** Whether any of the tags satisfies the test. */
export function anyTag(tags: readonly string[], test: StringTest): boolean {
  for (const t of tags) if (test(t)) return true;
  return false;
}
