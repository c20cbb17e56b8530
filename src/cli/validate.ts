import { Cloud, RegistrySpec, SpecLoader, SpecProblem, SpecSummary, SpecValidator } from '../spec';
import { parseArgs, UsageError } from './args';
import { Command } from './command';
import { loadLazily } from './lazy';
import { readSpecFileText } from './spec-file';

/**
 * Parses `--cloud aws,gcp` into clouds: a usage error for an unknown cloud and
 * for a cloud listed twice (with several clouds, promote-scripts writes each
 * cloud's scripts in a folder of its own, so `aws,aws` would change the layout).
 */
export function parseClouds(value: string | true | undefined): Cloud[] | undefined {
  if (value === undefined || value === true) return undefined;
  const all = Object.values(Cloud) as string[];
  const seen = new Set<string>();
  return value.split(',').map((c) => {
    if (!all.includes(c)) throw new UsageError(`--cloud: "${c}" is not a cloud (allowed: ${all.join(', ')}; comma-separated, lower case)`);
    if (seen.has(c)) throw new UsageError(`--cloud: "${c}" is listed twice in "${value}"; list each cloud once`);
    seen.add(c);
    return c as Cloud;
  });
}

/**
 * The problems a cloud's constructs would raise from the spec alone: that cloud's
 * validator (`EcrValidator`, `GarValidator`, `AcrValidator`, `HarborValidator`), loaded only when asked
 * for (each pulls in its cloud library).
 */
function cloudProblems(cloud: Cloud, spec: RegistrySpec): SpecProblem[] {
  switch (cloud) {
    case Cloud.AWS: return loadLazily<typeof import('../aws/ecr-validator')>('../aws/ecr-validator').EcrValidator.problems(spec);
    case Cloud.GCP: return loadLazily<typeof import('../gcp/gcp-validator')>('../gcp/gcp-validator').GarValidator.problems(spec);
    case Cloud.AZURE: return loadLazily<typeof import('../azure/azure-validator')>('../azure/azure-validator').AcrValidator.problems(spec);
    case Cloud.HARBOR: return loadLazily<typeof import('../harbor/harbor-validator')>('../harbor/harbor-validator').HarborValidator.problems(spec);
    default: return [];
  }
}


/**
 * The problems every target cloud's validator finds in a spec (all three clouds
 * when none is given), a problem several clouds raise listed once with the clouds
 * named. The one pipeline of `validate`, `plan`, `promote-scripts` and `workflow`:
 * what one of them refuses for a spec, the others refuse too.
 */
export function cloudValidation(spec: RegistrySpec, clouds: Cloud[] | undefined): SpecProblem[] {
  const found = new Map<string, { problem: SpecProblem; clouds: Cloud[] }>();
  for (const cloud of clouds ?? [Cloud.AWS, Cloud.GCP, Cloud.AZURE]) {
    for (const p of cloudProblems(cloud, spec)) {
      const key = `${p.path}\u0000${p.value}\u0000${p.message}`;
      const entry = found.get(key) ?? { problem: p, clouds: [] };
      entry.clouds.push(cloud);
      found.set(key, entry);
    }
  }
  return [...found.values()].map(({ problem, clouds: on }) => ({ ...problem, message: `${problem.message} (${on.join(', ')})` }));
}

/**
 * Reads a spec file and runs the whole validation pipeline for `clouds` (the
 * loader's checks, then each cloud's validator): the spec, or undefined after
 * writing every problem with its line.
 */
export function readValidSpec(file: string, err: (line: string) => void, clouds: Cloud[] | undefined): RegistrySpec | undefined {
  const read = readSpecFileText(file, err, clouds);
  if (!read) return undefined;
  const problems = cloudValidation(read.spec, clouds);
  if (problems.length) {
    err(SpecValidator.formatProblems(SpecLoader.locate(read.text, problems), `${file} is invalid`));
    return undefined;
  }
  return read.spec;
}

export const validateCommand: Command = {
  usage: 'validate <spec file> [--cloud aws,gcp,azure,harbor]',
  summary: 'check a spec file and list every problem; prints a summary when valid',
  fullUsage: 'validate <spec file> [--cloud aws,gcp,azure,harbor] [--quiet]',
  run(args, io) {
    const { positionals, options } = parseArgs(args, ['cloud'], ['quiet']);
    if (positionals.length !== 1) {
      io.err('usage: container-registry validate <spec file> [--cloud aws,gcp,azure,harbor]');
      return 2;
    }
    const file = positionals[0];
    const clouds = parseClouds(options.cloud);
    // Each target cloud's own validator: the one its constructs call, so that a spec valid
    // here synthesizes there (translations, tag policy decisions, trusts, derived names).
    const spec = readValidSpec(file, io.err, clouds);
    if (!spec) return 1;
    io.out(`${file}: valid${clouds ? ` for ${clouds.join(', ')}` : ''}`);
    if (!options.quiet) io.out(SpecSummary.describe(spec, clouds));
    return 0;
  },
};
