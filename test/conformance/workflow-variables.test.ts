/**
 * One fact, three clouds: for every valid identity name, the output each cloud's
 * construct writes for the identity is exactly the GitHub variable the generated
 * workflow reads (issue 14: `ci--bot` once gave GCP_SERVICE_ACCOUNT_CI_BOT while the
 * workflow read GCP_SERVICE_ACCOUNT_CI__BOT).
 */
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { TerraformStack, Testing } from 'cdktf';
import * as fc from 'fast-check';
import { ContainerRegistry as AwsRegistry } from '../../src/aws';
import { ContainerRegistry as AcrRegistry } from '../../src/azure';
import { ContainerRegistry as GarRegistry } from '../../src/gcp/artifact-registry';
import { ContainerRegistry as HarborRegistry } from '../../src/harbor';
import { PromotionPlanner, PromotionWorkflow, WorkflowVariables } from '../../src/promotion';
import { Cloud, EnvironmentLayout, RegistrySpec, SpecValidator } from '../../src/spec';
import { testStack } from '../azure/helpers';

/** Identity names the validator accepts: a letter, then letters, digits and single hyphens. */
const identityName = fc.stringMatching(/^[a-z](?:-?[a-z0-9]){0,12}$/);

const specOf = (pusher: string, promoter: string): RegistrySpec => ({
  name: 'platform',
  repositories: [{ name: 'api' }],
  environments: { layout: EnvironmentLayout.REPOSITORIES, chain: [{ name: 'dev' }, { name: 'prod' }] },
  access: {
    pushers: [{ name: pusher, github: { repository: 'o/r', branch: 'main' } }],
    promoters: [{ name: promoter, github: { repository: 'o/r', environment: 'prod' } }],
  },
});

function outputsOf(cloud: Cloud, spec: RegistrySpec): Set<string> {
  if (cloud === Cloud.AWS) {
    const stack = new Stack(new App(), 'Registry', { env: { account: '123456789012', region: 'eu-west-1' } });
    new AwsRegistry(stack, 'Registry', { spec });
    // AWS output logical ids cannot hold "_": the description starts with the variable name.
    return new Set(Object.values<any>(Template.fromStack(stack).toJSON().Outputs ?? {}).map((o) => String(o.Description).split(':')[0]));
  }
  if (cloud === Cloud.GCP) {
    const stack = new TerraformStack(Testing.app({ stackTraces: false }), 'stack');
    new GoogleProvider(stack, 'google', { project: 'acme-registry' });
    new GarRegistry(stack, 'Registry', { spec, project: 'acme-registry', location: 'us' });
    return new Set(Object.keys(JSON.parse(Testing.synth(stack)).output ?? {}));
  }
  const stack = testStack();
  new AcrRegistry(stack, 'Registry', { spec, resourceGroupName: 'rg', location: 'westeurope' });
  return new Set(Object.keys(JSON.parse(Testing.synth(stack)).output ?? {}));
}

test.each([Cloud.AWS, Cloud.GCP, Cloud.AZURE])('%s: every identity variable the workflow reads is an output of the construct', (cloud) => {
  let checked = 0;
  fc.assert(fc.property(identityName, identityName, (pusher, promoter) => {
    fc.pre(pusher !== promoter);
    const spec = specOf(pusher, promoter);
    fc.pre(SpecValidator.validate(spec).problems.length === 0);
    const workflow = PromotionWorkflow.generate(PromotionPlanner.plan(spec, { cloud }));
    const identityVariables = [pusher, promoter].map((n) => WorkflowVariables.identity(cloud, n));
    for (const v of identityVariables) expect(workflow.variables).toContain(v);
    const outputs = outputsOf(cloud, spec);
    for (const v of identityVariables) expect([v, outputs.has(v)]).toEqual([v, true]);
    checked++;
  }), { seed: 14, numRuns: 12 });
  expect(checked).toBeGreaterThan(8);
});

/**
 * Harbor: no OIDC, so the workflow reads a robot's login name (a variable) and its
 * secret (a GitHub secret) per identity and project: `WorkflowVariables.harborRobotName`
 * and `harborRobotSecret`, the one pair of functions the Harbor construct's outputs
 * are named by (`HARBOR_ROBOT_NAME_<IDENTITY>_<PROJECT>`, sensitive
 * `HARBOR_ROBOT_SECRET_<IDENTITY>_<PROJECT>`).
 */
describe('harbor: the robot credentials the workflow reads', () => {
  const harborSpec = (pusher: string, promoter: string): RegistrySpec => ({
    ...specOf(pusher, promoter),
    environments: { layout: EnvironmentLayout.REGISTRIES, chain: [{ name: 'dev' }, { name: 'prod' }] },
  });
  /** The (identity, project) pairs a workflow of the spec logs in as: the pusher in dev's project, the promoter in dev's and prod's. */
  const pairs = (pusher: string, promoter: string) => [[pusher, 'platform-dev'], [promoter, 'platform-dev'], [promoter, 'platform-prod']];

  test('exactly the name variable and the secret of each identity\'s robot in each project its jobs touch', () => {
    let checked = 0;
    fc.assert(fc.property(identityName, identityName, (pusher, promoter) => {
      fc.pre(pusher !== promoter);
      const spec = harborSpec(pusher, promoter);
      fc.pre(SpecValidator.validate(spec).problems.length === 0);
      const workflow = PromotionWorkflow.generate(PromotionPlanner.plan(spec, { cloud: Cloud.HARBOR }));
      const expected = pairs(pusher, promoter);
      expect(workflow.variables).toEqual(['HARBOR_HOST', ...expected.map(([i, p]) => WorkflowVariables.harborRobotName(i, p))].sort());
      expect(workflow.secrets).toEqual(expected.map(([i, p]) => WorkflowVariables.harborRobotSecret(i, p)).sort());
      checked++;
    }), { seed: 16, numRuns: 12 });
    expect(checked).toBeGreaterThan(8);
  });

  test('every robot variable and secret the workflow reads is an output of the Harbor construct (secrets sensitive)', () => {
    let checked = 0;
    fc.assert(fc.property(identityName, identityName, (pusher, promoter) => {
      fc.pre(pusher !== promoter);
      const spec = harborSpec(pusher, promoter);
      fc.pre(SpecValidator.validate(spec).problems.length === 0);
      const workflow = PromotionWorkflow.generate(PromotionPlanner.plan(spec, { cloud: Cloud.HARBOR }));
      const stack = new TerraformStack(Testing.app({ stackTraces: false }), 'stack');
      new HarborRegistry(stack, 'Registry', { spec, url: 'https://harbor.example.com' });
      const outputs = JSON.parse(Testing.synth(stack)).output ?? {};
      for (const v of workflow.variables.filter((n) => n !== 'HARBOR_HOST')) expect([v, v in outputs]).toEqual([v, true]);
      for (const s of workflow.secrets) expect([s, outputs[s]?.sensitive]).toEqual([s, true]);
      checked++;
    }), { seed: 16, numRuns: 8 });
    expect(checked).toBeGreaterThan(5);
  });
});
