/** Splits arguments into positionals and `--flag value` / `--flag` options. */
export interface ParsedArgs {
  readonly positionals: string[];
  readonly options: Record<string, string | true>;
}

/**
 * Parses `args`; `valued` lists the options that take a value. Unknown options
 * are an error that names the allowed ones.
 */
export function parseArgs(args: string[], valued: string[], flags: string[] = []): ParsedArgs {
  const positionals: string[] = [];
  const options: Record<string, string | true> = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (!arg.startsWith('--') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    const body = arg.slice(2);
    const eq = body.indexOf('=');
    const key = eq < 0 ? body : body.slice(0, eq);
    const inline = eq < 0 ? undefined : body.slice(eq + 1);
    if (valued.includes(key)) {
      const value = inline ?? args[++i];
      if (value === undefined) throw new Error(`option --${key} needs a value`);
      options[key] = value;
    } else if (flags.includes(key)) {
      options[key] = true;
    } else {
      const known = [...valued, ...flags].map((k) => `--${k}`).join(', ');
      throw new Error(`unknown option --${key}${known ? ` (options: ${known})` : ''}`);
    }
  }
  return { positionals, options };
}
