import { RetentionTagCheck } from '../retention/environment-tag-check';
import { RetentionTranslationCheck } from '../retention/translation-check';
import { Cloud, SpecLoader, SpecSummary, SpecValidator } from '../spec';
import { parseArgs } from './args';
import { Command } from './command';
import { readSpecFileText } from './spec-file';

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
  fullUsage: 'validate <spec file> [--cloud aws,gcp,azure] [--quiet]',
  run(args, io) {
    const { positionals, options } = parseArgs(args, ['cloud'], ['quiet']);
    if (positionals.length !== 1) {
      io.err('usage: container-registry validate <spec file> [--cloud aws,gcp,azure]');
      return 2;
    }
    const file = positionals[0];
    const clouds = parseClouds(options.cloud);
    const read = readSpecFileText(file, io.err, clouds);
    if (!read) return 1;
    const spec = read.spec;
    // A retention that could expire an environment tag's image is an error on every cloud,
    // and so is one a target cloud cannot express (the translations the constructs will run).
    const retention = [...RetentionTagCheck.check(spec), ...RetentionTranslationCheck.check(spec, clouds)];
    if (retention.length) {
      io.err(SpecValidator.formatProblems(SpecLoader.locate(read.text, retention), `${file} is invalid`));
      return 1;
    }
    io.out(`${file}: valid${clouds ? ` for ${clouds.join(', ')}` : ''}`);
    if (!options.quiet) io.out(SpecSummary.describe(spec, clouds));
    return 0;
  },
};
