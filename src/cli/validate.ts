import { readFileSync } from 'fs';
import { Cloud, SpecLoader, SpecSummary, SpecValidator } from '../spec';
import { parseArgs } from './args';
import { Command } from './command';

/** Parses `--cloud aws,gcp` into clouds, with a clear error for an unknown one. */
export function parseClouds(value: string | true | undefined): Cloud[] | undefined {
  if (value === undefined || value === true) return undefined;
  const all = Object.values(Cloud) as string[];
  return value.split(',').map((c) => {
    if (!all.includes(c)) throw new Error(`--cloud: "${c}" is not a cloud (allowed: ${all.join(', ')})`);
    return c as Cloud;
  });
}

export const validateCommand: Command = {
  usage: 'validate <spec file> [--cloud aws,gcp,azure]',
  summary: 'check a spec file and list every problem; prints a summary when valid',
  run(args, io) {
    const { positionals, options } = parseArgs(args, ['cloud'], ['quiet']);
    if (positionals.length !== 1) {
      io.err('usage: container-registry validate <spec file> [--cloud aws,gcp,azure]');
      return 2;
    }
    const file = positionals[0];
    const clouds = parseClouds(options.cloud);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e: any) {
      io.err(`cannot read ${file}: ${e.code === 'ENOENT' ? 'no such file' : e.message}`);
      return 1;
    }
    const result = SpecLoader.load(text, { sourceName: file, clouds });
    if (!result.spec) {
      io.err(SpecValidator.formatProblems(result.problems, `${file} is invalid`));
      return 1;
    }
    io.out(`${file}: valid${clouds ? ` for ${clouds.join(', ')}` : ''}`);
    if (!options.quiet) io.out(SpecSummary.describe(result.spec, clouds));
    return 0;
  },
};
