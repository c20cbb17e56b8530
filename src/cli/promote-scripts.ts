import { accessSync, chmodSync, constants, existsSync, mkdirSync, readFileSync, writeFileSync } from 'fs';
import { dirname, join } from 'path';
import { GeneratedWorkflow, PromotionPlanner, PromotionPlanOptions, PromotionWorkflow } from '../promotion';
import { Cloud, RegistrySpec } from '../spec';
import { parseArgs, ParsedArgs, UsageError } from './args';
import { Command, Io } from './command';
import { readSpecFile } from './spec-file';
import { parseClouds } from './validate';

const VALUED = [
  'cloud', 'out', 'image', 'branch', 'pusher', 'aws-account-id', 'aws-region', 'gcp-project-id', 'gcp-location',
  'acr-registry-suffix', 'harbor-host', 'scripts-dir', 'workflow-path', 'build-context', 'runs-on',
];
const OPTIONS_USAGE = '--cloud aws|gcp|azure|harbor [--aws-account-id ID --aws-region R | --gcp-project-id P --gcp-location L | '
  + '--acr-registry-suffix S | --harbor-host HOST] [--image a,b] [--branch main] [--pusher NAME] [--scripts-dir DIR] [--build-context DIR]';

function generate(spec: RegistrySpec, cloud: Cloud, options: ParsedArgs['options'], io: Io): GeneratedWorkflow {
  const str = (key: string) => (typeof options[key] === 'string' ? options[key] as string : undefined);
  const planOptions: PromotionPlanOptions = {
    cloud,
    awsAccountId: str('aws-account-id'),
    awsRegion: str('aws-region'),
    gcpProjectId: str('gcp-project-id'),
    gcpLocation: str('gcp-location'),
    acrRegistrySuffix: str('acr-registry-suffix'),
    harborHost: str('harbor-host'),
    images: str('image')?.split(','),
    branch: str('branch'),
    pusher: str('pusher'),
  };
  const plan = PromotionPlanner.plan(spec, planOptions);
  const workflow = PromotionWorkflow.generate(plan, {
    // With several clouds, each gets its own folder under --scripts-dir (their scripts differ); the files they
    // share are written once, to <scripts-dir>/lib (default .github/promotion/lib).
    scriptsDir: str('scripts-dir') && clouds(options).length > 1 ? `${str('scripts-dir')}/${cloud}` : str('scripts-dir'),
    libraryDir: str('scripts-dir') ? `${str('scripts-dir')!.replace(/\/+$/, '')}/lib` : undefined,
    workflowPath: clouds(options).length > 1 ? undefined : str('workflow-path'),
    buildContext: str('build-context'),
    runsOn: str('runs-on'),
  });
  for (const w of workflow.warnings) io.err(`warning (${cloud}): ${w}`);
  return workflow;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function clouds(options: ParsedArgs['options']): Cloud[] {
  const list = parseClouds(options.cloud);
  if (!list || list.length === 0) throw new UsageError(`--cloud is required (${Object.values(Cloud).join(', ')}; comma-separated for several)`);
  return list;
}

/**
 * `promote-scripts`: writes the GitHub Actions workflow and the POSIX promotion
 * scripts of a spec, per cloud, under `--out` (default: the current folder), as
 * files to commit. `--check` writes nothing and fails when a file differs.
 */
export const promoteScriptsCommand: Command = {
  usage: 'promote-scripts <spec file> --cloud aws [--out DIR] [--check]',
  summary: 'write the promotion workflow and scripts (.github/workflows, .github/promotion) to commit',
  fullUsage: `promote-scripts <spec file> ${OPTIONS_USAGE} [--out DIR] [--check]`,
  run(args, io) {
    const { positionals, options } = parseArgs(args, VALUED, ['check']);
    if (positionals.length !== 1) {
      io.err(`usage: container-registry promote-scripts <spec file> ${OPTIONS_USAGE} [--out DIR] [--check]`);
      return 2;
    }
    const list = clouds(options);
    const spec = readSpecFile(positionals[0], io.err, list);
    if (!spec) return 1;
    const out = typeof options.out === 'string' ? options.out : '.';
    const stale: string[] = [];
    // The shared files (promote-image.sh, scan-gate.sh, build-tags.sh) are the same for every cloud: written once.
    const done = new Set<string>();
    for (const cloud of list) {
      const workflow = generate(spec, cloud, options, io);
      for (const file of workflow.files) {
        const path = join(out, file.path);
        if (done.has(path)) continue;
        done.add(path);
        const current = existsSync(path) ? readFileSync(path, 'utf8') : undefined;
        if (options.check) {
          const mode = current !== undefined && file.executable && !isExecutable(path) ? ' (not executable)' : '';
          if (current !== file.content || mode) stale.push(`${path}${current === undefined ? ' (missing)' : mode || ' (differs)'}`);
          continue;
        }
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(path, file.content);
        if (file.executable) chmodSync(path, 0o755);
        io.out(`${current === file.content ? 'unchanged' : current === undefined ? 'created' : 'updated'} ${path}`);
      }
      io.out(`${cloud}: set these GitHub variables: ${workflow.variables.join(', ')}`);
      if (workflow.secrets.length) io.out(`${cloud}: set these GitHub secrets: ${workflow.secrets.join(', ')}`);
    }
    if (options.check) {
      if (stale.length > 0) {
        io.err(`promotion files are out of date; regenerate them with container-registry promote-scripts:\n${stale.map((s) => `  - ${s}`).join('\n')}`);
        return 1;
      }
      io.out('promotion files are up to date');
    }
    return 0;
  },
};

/** `workflow`: prints one cloud's promotion workflow to standard output. */
export const workflowCommand: Command = {
  usage: 'workflow <spec file> --cloud aws',
  summary: 'print the generated GitHub Actions promotion workflow',
  fullUsage: `workflow <spec file> ${OPTIONS_USAGE}`,
  run(args, io) {
    const { positionals, options } = parseArgs(args, VALUED.filter((k) => k !== 'out'));
    if (positionals.length !== 1) {
      io.err(`usage: container-registry workflow <spec file> ${OPTIONS_USAGE}`);
      return 2;
    }
    const list = clouds(options);
    if (list.length !== 1) throw new UsageError('--cloud: give exactly one cloud (the workflow is per cloud)');
    const spec = readSpecFile(positionals[0], io.err, list);
    if (!spec) return 1;
    io.out(generate(spec, list[0], options, io).text.replace(/\n$/, ''));
    return 0;
  },
};
