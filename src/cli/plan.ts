import { readFileSync, writeFileSync } from 'fs';
import { Cloud, PolicyPlanEntry, PolicyPlanText } from '../spec';
import { parseArgs } from './args';
import { Command } from './command';
import { readSpecFile } from './spec-file';
import { parseClouds } from './validate';

/**
 * `container-registry plan <spec>`: renders every policy the spec produces on
 * each cloud (lifecycle policies, cleanup policies, purge commands and retention
 * days, tag mutability, IAM statements, role bindings and assignments, trust
 * conditions), built by the real constructs, in a stable text made for review
 * and snapshot tests. The cloud libraries load only when this command runs.
 */
export const planCommand: Command = {
  usage: 'plan <spec file> [--cloud aws,gcp,azure] [--out FILE] [--check]',
  summary: 'render every policy the spec produces, per cloud and repository (stable, for review and snapshots)',
  run(args, io) {
    const { positionals, options } = parseArgs(args, ['cloud', 'out', 'gcp-project', 'gcp-location', 'azure-resource-group', 'azure-location'], ['check']);
    if (positionals.length !== 1) {
      io.err(`usage: container-registry ${this.usage}`);
      return 2;
    }
    const file = positionals[0];
    const clouds = parseClouds(options.cloud) ?? [Cloud.AWS, Cloud.GCP, Cloud.AZURE];
    const spec = readSpecFile(file, io.err, clouds);
    if (!spec) return 1;
    const entries: PolicyPlanEntry[] = [];
    if (clouds.includes(Cloud.AWS)) {
      const { EcrPolicyPlan } = load<typeof import('../aws/ecr-policy-plan')>('../aws/ecr-policy-plan');
      entries.push(...EcrPolicyPlan.fromSpec(spec));
    }
    if (clouds.includes(Cloud.GCP)) {
      const { GarPolicyPlan } = load<typeof import('../gcp/gar-policy-plan')>('../gcp/gar-policy-plan');
      entries.push(...GarPolicyPlan.fromSpec(spec, { project: str(options['gcp-project']), location: str(options['gcp-location']) }));
    }
    if (clouds.includes(Cloud.AZURE)) {
      const { AcrPolicyPlan } = load<typeof import('../azure/acr-policy-plan')>('../azure/acr-policy-plan');
      entries.push(...AcrPolicyPlan.fromSpec(spec, { resourceGroupName: str(options['azure-resource-group']), location: str(options['azure-location']) }));
    }
    const rendered = PolicyPlanText.render(entries);
    const out = str(options.out);
    if (!out) {
      io.out(rendered.trimEnd());
      return 0;
    }
    if (options.check) {
      let current = '';
      try {
        current = readFileSync(out, 'utf8');
      } catch {
        // a missing file is stale
      }
      if (current !== rendered) {
        io.err(`${out} is out of date with ${file}: run \`container-registry plan ${file} --out ${out}\` and review the diff`);
        return 1;
      }
      io.out(`${out} is up to date`);
      return 0;
    }
    writeFileSync(out, rendered);
    io.out(`wrote ${out}: ${entries.length} policies`);
    return 0;
  },
};

/** Loads a cloud's module only when its plan is asked for (each pulls in a cloud library). */
function load<T>(path: string): T {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(path) as T;
}

function str(v: string | true | undefined): string | undefined {
  return typeof v === 'string' ? v : undefined;
}
