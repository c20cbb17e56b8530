import { accessSync, chmodSync, constants, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'fs';
import { dirname, join } from 'path';
import { GeneratedWorkflow, PromotionPlan, PromotionPlanner, PromotionPlanOptions, PromotionWorkflow, PromotionWorkflowOptions } from '../promotion';
import { Cloud, RegistrySpec } from '../spec';
import { parseArgs, ParsedArgs, UsageError } from './args';
import { Command, Io } from './command';
import { optionsForClouds, outputProblem } from './spec-file';
import { parseClouds, readValidSpec } from './validate';
import { Problems, ProblemsError } from '../spec/problems';

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
  const workflowOptions: PromotionWorkflowOptions = {
    // With several clouds, each gets its own folder under --scripts-dir (their scripts differ); the files they
    // share are written once, to <scripts-dir>/lib (default .github/promotion/lib).
    scriptsDir: str('scripts-dir') && clouds(options).length > 1 ? `${str('scripts-dir')}/${cloud}` : str('scripts-dir'),
    libraryDir: str('scripts-dir') ? `${str('scripts-dir')!.replace(/\/+$/, '')}/lib` : undefined,
    workflowPath: clouds(options).length > 1 ? undefined : str('workflow-path'),
    buildContext: str('build-context'),
    runsOn: str('runs-on'),
  };
  // The plan's options and the workflow's are reported together.
  let plan: PromotionPlan;
  try {
    plan = PromotionPlanner.plan(spec, planOptions);
  } catch (e) {
    const more = Problems._fromMessages(PromotionWorkflow._optionProblems(workflowOptions));
    if (e instanceof ProblemsError && more.length) throw new ProblemsError(e.heading, [...e.problems, ...more]);
    throw e;
  }
  const workflow = PromotionWorkflow.generate(plan, workflowOptions);
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

/**
 * No option is silently ignored: each cloud's options need that cloud in `--cloud`,
 * and `--workflow-path` names one file, so it needs exactly one cloud.
 */
function checkCloudOptions(options: ParsedArgs['options'], list: Cloud[]): void {
  optionsForClouds(options, list, {
    'aws-account-id': Cloud.AWS,
    'aws-region': Cloud.AWS,
    'gcp-project-id': Cloud.GCP,
    'gcp-location': Cloud.GCP,
    'acr-registry-suffix': Cloud.AZURE,
    'harbor-host': Cloud.HARBOR,
  });
  if (options['workflow-path'] !== undefined && list.length > 1) {
    throw new UsageError(`--workflow-path names one workflow file, but --cloud ${list.join(',')} writes one per cloud (.github/workflows/promote-<cloud>.yml): give one cloud, or leave it out`);
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
    checkCloudOptions(options, list);
    const spec = readValidSpec(positionals[0], io.err, list);
    if (!spec) return 1;
    const out = typeof options.out === 'string' ? options.out : '.';
    if (existsSync(out) && !statSync(out).isDirectory()) throw new Error(`--out: ${out} is a file; give the folder to write .github/ into`);
    const stale: string[] = [];
    // The shared files (promote-image.sh, scan-gate.sh, build-tags.sh) are the same for every cloud: written once.
    const done = new Set<string>();
    // Every cloud's files are generated (and every target path checked) before any is written.
    const workflows = list.map((cloud) => ({ cloud, workflow: generate(spec, cloud, options, io) }));
    if (!options.check) {
      const blocked = workflows.flatMap(({ workflow }) => workflow.files)
        .map((file) => ({ path: join(out, file.path), problem: outputProblem(join(out, file.path), true) }))
        .filter((f) => f.problem !== undefined);
      if (blocked.length) throw new Error(`--out: cannot write ${blocked.map((b) => `${b.path} (${b.problem})`).join(', ')}; nothing was written`);
    }
    for (const { cloud, workflow } of workflows) {
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
    checkCloudOptions(options, list);
    const spec = readValidSpec(positionals[0], io.err, list);
    if (!spec) return 1;
    io.out(generate(spec, list[0], options, io).text.replace(/\n$/, ''));
    return 0;
  },
};
