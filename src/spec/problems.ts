import type { SpecProblem } from './validate';

/**
 * A field path at the start of a message: names, `[n]` indexes and `(label)`
 * notes joined by dots (`repositories[0] (api).retention.rules[1].keepMostRecent`),
 * then `: `.
 */
const MESSAGE_PATH = /^((?:[A-Za-z_$][\w$-]*|\[\d+\])(?:\[\d+\])*(?: \([^()\n]*\))?(?:\.(?:[A-Za-z_$][\w$-]*)(?:\[\d+\])*(?: \([^()\n]*\))?)*): ([^]*)$/;

/**
 * The one error every layer throws for bad input: a heading (what was checked:
 * `Invalid registry spec "platform"`, `aws.ContainerRegistry Stack/Registry`), and
 * every problem found, each with its field path, the value received, what is
 * allowed and, for specs loaded from a file, the line. Its message is rendered by
 * `Problems.render`, the only renderer of problem lists.
 */
export class ProblemsError extends Error {
  /** Every problem, in the order found. */
  public readonly problems: SpecProblem[];
  /** The heading of the message. */
  public readonly heading: string;

  /**
   * @param maxListed list at most this many problems (the count covers all of them)
   */
  constructor(heading: string, problems: SpecProblem[], maxListed?: number) {
    super(Problems.render(heading, problems, maxListed));
    this.name = 'ProblemsError';
    this.heading = heading;
    this.problems = problems;
    Object.setPrototypeOf(this, ProblemsError.prototype);
  }
}

/**
 * A collector of problems: every check adds what it finds, and the caller throws
 * once, listing them all (`throwIfAny`). Problems of another collector or of a
 * caught `ProblemsError` join with `addAll`, so a construct reports the spec's
 * problems, its retention checks and its own props in one error.
 */
export class Problems {
  /**
   * Renders problems as one message: `<heading>: N problem(s)` and one line per
   * problem, `  - line 12: repositories[2].name: "My_App" is not ...` (the only
   * renderer of problem lists; `SpecValidator.formatProblems` is this). With
   * `maxListed`, a long list shows its first problems and `  - ... and K more`.
   *
   * @param maxListed the most problems listed
   * @default - every problem is listed
   */
  public static render(heading: string, problems: SpecProblem[], maxListed?: number): string {
    const cap = maxListed !== undefined && maxListed >= 0 && problems.length > maxListed ? maxListed : problems.length;
    const lines = problems.slice(0, cap).map((p) => `  - ${Problems._line(p)}`);
    if (cap < problems.length) lines.push(`  - ... and ${problems.length - cap} more`);
    return `${heading}: ${problems.length} problem${problems.length === 1 ? '' : 's'}\n${lines.join('\n')}`;
  }

  /**
   * One problem as a line of the list, without the bullet: `line 12: path: value message`.
   *
   * @internal
   */
  public static _line(p: SpecProblem): string {
    const where = p.line !== undefined ? `line ${p.line}${p.column !== undefined ? `, column ${p.column}` : ''}: ` : '';
    const value = p.value === 'undefined' || p.value === '' ? '' : `${p.value} `;
    return `${where}${p.path ? `${p.path}: ` : ''}${value}${p.message}`;
  }

  /**
   * Problems from messages that carry their own field path (`rules[0].keepMostRecent: 0 must be ...`):
   * the path is split off where the message starts with one, the value stays in
   * the message, so a rendered line reads exactly as the message.
   *
   * @internal
   */
  public static _fromMessages(messages: string[]): SpecProblem[] {
    return messages.map((m) => {
      const match = MESSAGE_PATH.exec(m);
      return match ? { path: match[1], value: 'undefined', message: match[2] } : { path: '', value: 'undefined', message: m };
    });
  }

  /** A value as problems show it: JSON, shortened past 80 characters; `undefined` for a missing value. */
  public static show(value: unknown): string {
    if (value === undefined) return 'undefined';
    // JSON has no NaN or Infinity (JSON.stringify gives "null"): show the number a JavaScript caller gave.
    if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
    const json = JSON.stringify(value);
    return json === undefined ? String(value) : json.length > 80 ? `${json.slice(0, 77)}...` : json;
  }

  private readonly found: SpecProblem[] = [];

  /** The problems collected so far. */
  public get list(): SpecProblem[] {
    return [...this.found];
  }

  /** Whether nothing was found. */
  public get isEmpty(): boolean {
    return this.found.length === 0;
  }

  /**
   * Adds a problem.
   *
   * @param path the field or prop path (`repositories[2].name`, `props.location`); empty for the whole input
   * @param value the value received (rendered with `Problems.show`)
   * @param message what is wrong and what is allowed
   */
  public add(path: string, value: unknown, message: string): this {
    this.found.push({ path, value: Problems.show(value), message });
    return this;
  }

  /** Adds problems found elsewhere (a validator's report, another collector's list). */
  public addAll(problems: SpecProblem[]): this {
    this.found.push(...problems);
    return this;
  }

  /**
   * Runs a check that may throw a `ProblemsError` (or any error) and adds what it
   * reports instead of stopping, so the next checks still run. Returns the check's
   * result, or `undefined` when it threw. (Internal: jsii has no callbacks.)
   *
   * @internal
   */
  public _collect<T>(path: string, check: () => T): T | undefined {
    try {
      return check();
    } catch (e) {
      if (e instanceof ProblemsError) this.addAll(e.problems);
      else this.found.push({ path, value: 'undefined', message: (e as Error).message });
      return undefined;
    }
  }

  /**
   * Throws one `ProblemsError` listing every problem, if there is any.
   *
   * @param maxListed the most problems the message lists
   * @default - every problem is listed
   */
  public throwIfAny(heading: string, maxListed?: number): void {
    if (this.found.length > 0) throw new ProblemsError(heading, this.list, maxListed);
  }
}
