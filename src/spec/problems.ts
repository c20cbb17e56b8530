import type { SpecProblem } from './validate';

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

  constructor(heading: string, problems: SpecProblem[]) {
    super(Problems.render(heading, problems));
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
   * renderer of problem lists; `SpecValidator.formatProblems` is this).
   */
  public static render(heading: string, problems: SpecProblem[]): string {
    const lines = problems.map((p) => {
      const where = p.line !== undefined ? `line ${p.line}${p.column !== undefined ? `, column ${p.column}` : ''}: ` : '';
      const value = p.value === 'undefined' || p.value === '' ? '' : `${p.value} `;
      return `  - ${where}${p.path ? `${p.path}: ` : ''}${value}${p.message}`;
    });
    return `${heading}: ${problems.length} problem${problems.length === 1 ? '' : 's'}\n${lines.join('\n')}`;
  }

  /** A value as problems show it: JSON, shortened past 80 characters; `undefined` for a missing value. */
  public static show(value: unknown): string {
    if (value === undefined) return 'undefined';
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

  /** Throws one `ProblemsError` listing every problem, if there is any. */
  public throwIfAny(heading: string): void {
    if (this.found.length > 0) throw new ProblemsError(heading, this.list);
  }
}
