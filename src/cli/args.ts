/** Splits arguments into positionals and `--flag value` / `--flag` options. */
export interface ParsedArgs {
  readonly positionals: string[];
  readonly options: Record<string, string | true>;
}

/**
 * A mistake in how a command was called (an unknown, repeated or incomplete
 * option, options that contradict each other): the CLI exits 2 for it, as for a
 * missing argument, and 1 for problems of the input files.
 */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
    Object.setPrototypeOf(this, UsageError.prototype);
  }
}

/**
 * Parses `args`; `valued` lists the options that take a value, `flags` those
 * that take none. Every mistake is a `UsageError` naming the option:
 * - an unknown option (`--colour`, or a single-dash `-q`: this CLI has long
 *   options only, besides `-h`), with the allowed ones;
 * - an option given twice (the second would silently win);
 * - a valued option without its value; the next argument is not taken as the
 *   value when it is an option itself (`--out --check` would write a file named
 *   `--check`): a value that starts with `-` is written `--out=-x`;
 * - a flag given a value (`--check=false` would turn the check on).
 * `--` ends the options: what follows is positional (a file named `-x`). A lone
 * `-` is positional (standard input, where a command documents it).
 */
export function parseArgs(args: string[], valued: string[], flags: string[] = []): ParsedArgs {
  const positionals: string[] = [];
  const options: Record<string, string | true> = {};
  const known = () => [...valued, ...flags].map((k) => `--${k}`).join(', ');
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--') {
      positionals.push(...args.slice(i + 1));
      break;
    }
    if (arg === '-' || !arg.startsWith('-')) {
      positionals.push(arg);
      continue;
    }
    if (!arg.startsWith('--')) {
      throw new UsageError(`unknown option ${arg}: options are long (--name)${known() ? `; options: ${known()}` : ''} (write -- before a file name that starts with -)`);
    }
    const body = arg.slice(2);
    const eq = body.indexOf('=');
    const key = eq < 0 ? body : body.slice(0, eq);
    const inline = eq < 0 ? undefined : body.slice(eq + 1);
    if (!valued.includes(key) && !flags.includes(key)) {
      throw new UsageError(`unknown option --${key}${known() ? ` (options: ${known()})` : ''}`);
    }
    if (options[key] !== undefined) {
      throw new UsageError(`option --${key} is given twice; give it once${valued.includes(key) ? ' (a list is comma-separated: --cloud aws,gcp)' : ''}`);
    }
    if (valued.includes(key)) {
      if (inline !== undefined) {
        options[key] = inline;
        continue;
      }
      const next = args[i + 1];
      if (next === undefined) throw new UsageError(`option --${key} needs a value`);
      if (next.startsWith('-') && next !== '-') {
        throw new UsageError(`option --${key} needs a value, not the option ${next} (write --${key}=${next} for a value that starts with -)`);
      }
      options[key] = next;
      i++;
    } else {
      if (inline !== undefined) throw new UsageError(`option --${key} takes no value (got "${inline}"); give --${key} alone, or leave it out`);
      options[key] = true;
    }
  }
  return { positionals, options };
}
