/** A command: its one-line usage and its implementation, which returns the exit code. */
export interface Command {
  readonly usage: string;
  readonly summary: string;
  /** The full usage with every option, shown by `--help` (defaults to `usage`). */
  readonly fullUsage?: string;
  run(args: string[], io: Io): Promise<number> | number;
}

/** Where a command writes (replaceable in tests). */
export interface Io {
  out(line: string): void;
  err(line: string): void;
  /** Reads standard input to the end. */
  stdin(): Promise<string>;
}
