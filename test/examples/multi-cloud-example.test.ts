import { spawnSync } from 'child_process';
import { existsSync, readFileSync } from 'fs';
import { join } from 'path';
import { EcrPolicyPlan } from '../../src/aws/ecr-policy-plan';
import { AcrPolicyPlan } from '../../src/azure/acr-policy-plan';
import { GarPolicyPlan } from '../../src/gcp/gar-policy-plan';
import { PolicyPlanText, SpecLoader } from '../../src/spec';

const root = join(__dirname, '../..');
const dir = join(root, 'examples/multi-cloud');

describe('examples/multi-cloud: one YAML spec, three clouds', () => {
  const res = spawnSync(join(root, 'node_modules/.bin/tsx'), [join(root, 'scripts/synth-examples.ts'), '--only', 'multi-cloud'], { cwd: root, encoding: 'utf8' });

  test('the main command validates the spec and synthesizes the CDK app and the CDKTF app', () => {
    expect(res.stdout).toMatch(/platform\.yaml: valid/);
    expect(res.stdout).toMatch(/\n1 example, 0 failures\n$/);
    expect(res.status).toBe(0);
  });

  test('each cloud gets one registry per environment from the same spec', () => {
    const cfn = JSON.parse(readFileSync(join(dir, 'cdk.out/shop-registry-aws.template.json'), 'utf8'));
    const ecr = Object.values<any>(cfn.Resources).filter((r) => r.Type === 'AWS::ECR::Repository').map((r) => r.Properties.RepositoryName).sort();
    expect(ecr).toEqual(['shop-dev/catalog', 'shop-dev/checkout', 'shop-dev/jobs/indexer', 'shop-prod/catalog', 'shop-prod/checkout',
      'shop-prod/jobs/indexer', 'shop-staging/catalog', 'shop-staging/checkout', 'shop-staging/jobs/indexer']);
    const gcp = JSON.parse(readFileSync(join(dir, 'cdktf.out/stacks/shop-registry-gcp/cdk.tf.json'), 'utf8'));
    expect(Object.values<any>(gcp.resource.google_artifact_registry_repository).map((r) => r.repository_id).sort()).toEqual(['shop-dev', 'shop-prod', 'shop-staging']);
    const azure = JSON.parse(readFileSync(join(dir, 'cdktf.out/stacks/shop-registry-azure/cdk.tf.json'), 'utf8'));
    expect(Object.values<any>(azure.resource.azurerm_container_registry).map((r) => r.name).sort()).toEqual(['shopdevexample', 'shopprodexample', 'shopstagingexample']);
    const harbor = JSON.parse(readFileSync(join(dir, 'cdktf.out/stacks/shop-registry-harbor/cdk.tf.json'), 'utf8'));
    expect(Object.values<any>(harbor.resource.harbor_project).map((r) => r.name).sort()).toEqual(['shop-dev', 'shop-prod', 'shop-staging']);
  });

  // The snapshot-test recipe of the README, applied to the project's own example:
  // a change of retention or access in platform.yaml shows up as a readable diff.
  const spec = SpecLoader.fromFile(join(dir, 'platform.yaml'));
  const plan = PolicyPlanText.render([...EcrPolicyPlan.fromSpec(spec), ...GarPolicyPlan.fromSpec(spec), ...AcrPolicyPlan.fromSpec(spec)]);

  test('the policy plan matches its snapshot', () => {
    expect(plan).toMatchSnapshot();
  });

  test('the committed plan.txt is what `container-registry plan platform.yaml --out plan.txt` writes today', () => {
    expect(existsSync(join(dir, 'plan.txt'))).toBe(true);
    expect(readFileSync(join(dir, 'plan.txt'), 'utf8')).toBe(plan);
  });

  test('the plan shows the same retention meaning in each cloud\'s own terms', () => {
    // ECR: protected claims, then the rules; GAR: KEEP shields and DELETEs; ACR: purge commands.
    expect(plan).toMatch(/## aws shop-prod\/checkout lifecycle-policy\n[\s\S]*"tagPatternList": \[\n\s+"prod"/);
    expect(plan).toMatch(/## gcp repository shop-prod cleanup-policies\n[\s\S]*"action": "DELETE"/);
    expect(plan).toMatch(/## azure registry shopprod purge-task\n# retention-purge: timer .*\n[\s\S]*acr-cli:0\.19 purge --registry \{\{\.Run\.Registry\}\} --filter/);
    // The prod promoter is trusted only in the prod GitHub environment, on every cloud.
    expect(plan).toContain('"token.actions.githubusercontent.com:sub": "repo:example/shop:environment:prod"');
    expect(plan).toContain('/subject/repo:example/shop:environment:prod');
    expect(plan).toContain('"subject": "repo:example/shop:environment:prod"');
  });
});
