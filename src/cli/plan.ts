import { readFileSync } from 'fs';
import { Cloud, PolicyPlanEntry, PolicyPlanText, RegistrySpec } from '../spec';
import { parseArgs, ParsedArgs, UsageError } from './args';
import { Command } from './command';
import { loadLazily } from './lazy';
import { optionsForClouds, readProblem, writeOutput } from './spec-file';
import { parseClouds, readValidSpec } from './validate';
import { AZURE_LOCATION, GCP_LOCATION, GCP_PROJECT_ID } from '../spec/grammars';

/**
 * `container-registry plan <spec>`: renders every policy the spec produces on
 * each cloud (lifecycle policies, cleanup policies, purge commands and retention
 * days, tag mutability, IAM statements, role bindings and assignments, trust
 * conditions), built by the real constructs, in a stable text made for review
 * and snapshot tests. The cloud libraries load only when this command runs.
 */
export const planCommand: Command = {
  usage: 'plan <spec file> [--cloud aws,gcp,azure,harbor] [--out FILE] [--check]',
  summary: 'render every policy the spec produces, per cloud and repository (stable, for review and snapshots)',
  fullUsage: 'plan <spec file> [--cloud aws,gcp,azure,harbor] [--out FILE] [--check] [--gcp-project P] [--gcp-location L] [--azure-resource-group G] [--azure-location L]',
  run(args, io) {
    const { positionals, options } = parseArgs(args, ['cloud', 'out', 'gcp-project', 'gcp-location', 'azure-resource-group', 'azure-location'], ['check']);
    if (positionals.length !== 1) {
      io.err(`usage: container-registry ${this.usage}`);
      return 2;
    }
    const file = positionals[0];
    const clouds = parseClouds(options.cloud) ?? [Cloud.AWS, Cloud.GCP, Cloud.AZURE];
    checkPlanOptions(options, clouds);
    const spec = readValidSpec(file, io.err, clouds);
    if (!spec) return 1;
    const entries: PolicyPlanEntry[] = [];
    if (clouds.includes(Cloud.AWS)) {
      entries.push(...awsPlan(spec));
    }
    if (clouds.includes(Cloud.GCP)) {
      const { GarPolicyPlan } = loadLazily<typeof import('../gcp/gar-policy-plan')>('../gcp/gar-policy-plan');
      entries.push(...GarPolicyPlan.fromSpec(spec, { project: str(options['gcp-project']), location: str(options['gcp-location']) }));
    }
    if (clouds.includes(Cloud.AZURE)) {
      const { AcrPolicyPlan } = loadLazily<typeof import('../azure/acr-policy-plan')>('../azure/acr-policy-plan');
      entries.push(...AcrPolicyPlan.fromSpec(spec, { resourceGroupName: str(options['azure-resource-group']), location: str(options['azure-location']) }));
    }
    if (clouds.includes(Cloud.HARBOR)) {
      const { HarborPolicyPlan } = loadLazily<typeof import('../harbor/harbor-policy-plan')>('../harbor/harbor-policy-plan');
      entries.push(...HarborPolicyPlan.fromSpec(spec));
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
      } catch (e: any) {
        // A missing file is stale; a folder is a mistake in --out, not a stale plan.
        if (e?.code !== 'ENOENT') throw new Error(`--out: cannot read ${out}: ${readProblem(e)}`);
      }
      if (current !== rendered) {
        io.err(`${out} is out of date with ${file}: run \`container-registry plan ${file} --out ${out}\` and review the diff`);
        return 1;
      }
      io.out(`${out} is up to date`);
      return 0;
    }
    writeOutput(out, rendered);
    io.out(`wrote ${out}: ${entries.length} policies`);
    return 0;
  },
};

/**
 * The AWS plan: every policy of an `EcrRegistry` built in one rendering stack that
 * is never deployed, as `EcrPolicyPlan.fromSpec` does, but without CloudFormation's
 * 500-resource limit on that stack. Deployments split a large spec over several
 * stacks (`EcrRegistryStacks`, each checked against the limits), and the policies
 * are the same in one stack or several, so a spec of any size has a plan.
 * CDK's `@aws-cdk/core:stackResourceLimit` context set to 0 turns the check off
 * (aws-cdk-lib core/lib/stack.ts: `if (this.maxResources > 0) { ... }`).
 *
 * The rendering app turns aws-cdk-lib's built-in CloudFormation template
 * validation off (`builtinCloudFormationValidation: false`): the stack is never
 * deployed, its findings are about that (500 resources, and from about 3,000
 * repositories "Template exceeds maximum size of 10MB", printed as a warning),
 * and validating one template that holds every repository was more than half
 * of the plan's time (issue 20). The stacks users deploy are validated when
 * they synthesize them.
 */
function awsPlan(spec: RegistrySpec): PolicyPlanEntry[] {
  const { App, Stack } = loadLazily<typeof import('aws-cdk-lib')>('aws-cdk-lib');
  const { EcrRegistry } = loadLazily<typeof import('../aws/ecr-registry')>('../aws/ecr-registry');
  const { EcrPolicyPlan } = loadLazily<typeof import('../aws/ecr-policy-plan')>('../aws/ecr-policy-plan');
  const app = new App({ context: { '@aws-cdk/core:stackResourceLimit': 0 }, builtinCloudFormationValidation: false });
  const stack = new Stack(app, 'Plan');
  // Private access needs the app's VPC, which a spec file cannot give: the placeholder EcrPolicyPlan.fromSpec uses.
  new EcrRegistry(stack, 'Registry', { spec, privateNetwork: EcrPolicyPlan._placeholderNetwork(stack, spec) });
  return EcrPolicyPlan.fromStack(stack);
}


/**
 * The plan's options, checked before anything is read: each against the grammar of
 * what it becomes in the plan (a GCP project id and location, an Azure resource group
 * and location), and none ignored: `--check` compares with `--out`, and a cloud's
 * options need that cloud in `--cloud`.
 */
function checkPlanOptions(options: ParsedArgs['options'], clouds: Cloud[]): void {
  if (options.check && typeof options.out !== 'string') {
    throw new UsageError('--check compares the plan with the file given by --out: give --out FILE (without --out, the plan is printed)');
  }
  optionsForClouds(options, clouds, { 'gcp-project': Cloud.GCP, 'gcp-location': Cloud.GCP, 'azure-resource-group': Cloud.AZURE, 'azure-location': Cloud.AZURE });
  const grammars: Array<[string, RegExp, string]> = [
    ['gcp-project', GCP_PROJECT_ID, 'a GCP project id (6-30 lower-case letters, digits and hyphens, starting with a letter)'],
    ['gcp-location', GCP_LOCATION, 'a GCP location (such as europe-west1, or the multi-region us)'],
    ['azure-resource-group', AZURE_RESOURCE_GROUP, 'an Azure resource group name (1-90 letters, digits, _ ( ) - and ., not ending with .)'],
    ['azure-location', AZURE_LOCATION, 'an Azure location as ARM spells it (such as westeurope)'],
  ];
  const problems = grammars
    .filter(([key, grammar]) => typeof options[key] === 'string' && !grammar.test(options[key] as string))
    .map(([key, , what]) => `--${key}: ${JSON.stringify(options[key])} is not ${what}`);
  if (problems.length) throw new UsageError(problems.join('\n'));
}

/**
 * Azure resource group names: "Underscores, hyphens, periods, parentheses, and letters or
 * digits", 1-90 characters, "Can't end with period" (Azure docs, "Naming rules and
 * restrictions for Azure resources", Microsoft.Resources/resourcegroups).
 */
const AZURE_RESOURCE_GROUP = /^[\p{L}\p{N}_().-]{0,89}[\p{L}\p{N}_()-]$/u;

function str(v: string | true | undefined): string | undefined {
  return typeof v === 'string' ? v : undefined;
}
