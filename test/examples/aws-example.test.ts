import { spawnSync } from 'child_process';
import { readFileSync } from 'fs';
import { join } from 'path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import { buildPlatform } from '../../examples/aws/lib/platform';
import { EcrActions, EcrRegistryStacks } from '../../src/aws';
import { EcrLifecycleTranslation } from '../../src/retention';
import { EffectiveSpec, Naming, SpecLoader } from '../../src/spec';
import { TagPolicyDecision } from '../../src/tagging';
import { statementsOf } from '../aws/fixtures';

// The README's main command for the AWS example: the real `cdk synth` (aws-cdk CLI, offline), with the
// strict CloudFormation schema validation (cdk.json context) and cdk-nag's AwsSolutions pack in the app.
describe('examples/aws', () => {
  const root = join(__dirname, '../..');
  const dir = join(root, 'examples/aws');
  const res = spawnSync(join(root, 'node_modules/.bin/tsx'), [join(root, 'scripts/synth-examples.ts'), '--only', 'aws'], { cwd: root, encoding: 'utf8' });
  const read = (name: string) => (res.status === 0 ? JSON.parse(readFileSync(join(dir, 'cdk.out', `${name}.template.json`), 'utf8')) : { Resources: {} });
  const registry = read('platform-ecr-registry');
  const repositories = read('platform-ecr-repositories-1');
  const spec = SpecLoader.fromFile(join(dir, 'registry.yaml'));
  const of = (t: any, type: string) => Object.values<any>(t.Resources).filter((r) => r.Type === type);

  test('cdk synth succeeds: schema-valid templates, no unacknowledged cdk-nag error', () => {
    expect(res.stderr).toBe('');
    expect(res.stdout).toMatch(/== examples\/aws\n[\s\S]*output: examples\/aws\/cdk\.out\/platform-ecr-registry\.template\.json, examples\/aws\/cdk\.out\/platform-ecr-repositories-1\.template\.json\n\n1 example, 0 failures\n$/);
    expect(res.status).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'cdk.json'), 'utf8'))).toMatchObject({
      app: 'npx tsx bin/app.ts', context: { '@aws-cdk/core:validateAgainstDefaultRules': true },
    });
  });

  test('nine repositories with the translated lifecycle policies, KMS, tag decision, retained', () => {
    const repos = of(repositories, 'AWS::ECR::Repository');
    expect(repos.map((r) => r.Properties.RepositoryName).sort()).toEqual(
      EffectiveSpec.repositories(spec).map((r) => Naming.ecrRepositoryName(spec, r.image, r.environment)).sort());
    for (const r of repos) {
      const name = r.Properties.RepositoryName;
      const eff = EffectiveSpec.repositories(spec).find((e) => Naming.ecrRepositoryName(spec, e.image, e.environment) === name)!;
      const expected = EcrLifecycleTranslation.translate(eff.retention, { repositoryName: name }).policyText;
      expect(r.Properties.LifecyclePolicy.LifecyclePolicyText).toBe(expected);
      expect(r.Properties.ImageTagMutability).toBe(TagPolicyDecision.ecr(eff.tagPolicy).mutability);
      expect(r.Properties.EncryptionConfiguration.EncryptionType).toBe('KMS');
      expect(r.DeletionPolicy).toBe('Retain');
    }
  });

  test('GitHub OIDC pusher and promoter roles, with their outputs', () => {
    expect(Object.keys(registry.Outputs)).toEqual(expect.arrayContaining(['AWSROLEARNCI', 'AWSROLEARNPROMOTER']));
    const subjects = of(registry, 'AWS::IAM::Role').map((r) => r.Properties.AssumeRolePolicyDocument.Statement[0].Condition?.StringEquals?.['token.actions.githubusercontent.com:sub']);
    expect(subjects).toEqual(expect.arrayContaining(['repo:example/platform:ref:refs/heads/main', 'repo:example/platform:environment:prod']));
    expect(of(registry, 'AWS::IAM::OIDCProvider')).toHaveLength(1);
  });

  test('scanning (ENHANCED, continuous for web), replication, the ECR Public cache and its template', () => {
    expect(of(registry, 'AWS::ECR::RegistryScanningConfiguration')[0].Properties).toMatchObject({ ScanType: 'ENHANCED', Rules: [{ ScanFrequency: 'CONTINUOUS_SCAN' }, { ScanFrequency: 'SCAN_ON_PUSH' }] });
    expect(of(registry, 'AWS::ECR::ReplicationConfiguration')[0].Properties.ReplicationConfiguration.Rules[0].Destinations[0].Region).toBe('eu-central-1');
    expect(of(registry, 'AWS::ECR::PullThroughCacheRule')[0].Properties).toEqual({ EcrRepositoryPrefix: 'platform/ecr-public', UpstreamRegistry: 'ecr-public', UpstreamRegistryUrl: 'public.ecr.aws' });
    expect(of(registry, 'AWS::ECR::RepositoryCreationTemplate')[0].Properties.Prefix).toBe('platform/ecr-public');
  });

  test('no * principal anywhere; Resource * only for ecr:GetAuthorizationToken', () => {
    const statements = [...statementsOf(registry), ...statementsOf(repositories)];
    expect(statements.length).toBeGreaterThan(5);
    for (const { where, statement } of statements) {
      expect([where, JSON.stringify(statement.Principal ?? {})]).not.toEqual([where, expect.stringContaining('"*"')]);
      // A KMS key policy's Resource "*" means the key itself (KMS: "the resource is the KMS key"); its principal is this account.
      if (where.endsWith('.KeyPolicy')) continue;
      if ([statement.Resource].flat().includes('*')) expect([where, statement.Action]).toEqual([where, EcrActions.AUTH_TOKEN]);
    }
  });

  test('cdk-nag runs in the app: without the acknowledgements, the same stacks fail synth', () => {
    const app = new App();
    EcrRegistryStacks.create(app, { spec, env: { region: 'eu-west-1' }, stackCount: 1 });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    expect(() => app.synth()).toThrow(/AwsSolutions-IAM5\[Resource::\*\][^]*AwsSolutions-IAM5\[Resource::arn:<AWS::Partition>:ecr:eu-west-1:<AWS::AccountId>:repository\/platform\/ecr-public\/\*\]/);
    // And with them (the example's own builder), in-process as well.
    const ok = new App();
    buildPlatform(ok);
    expect(() => ok.synth()).not.toThrow();
    expect(ok.node.children.filter((c) => c instanceof Stack).length).toBe(2);
  });

  test('each acknowledgement covers only the policy that has the finding: a new wildcard elsewhere in the same stacks fails (issue 13, item 9)', () => {
    const app = new App();
    const stacks = buildPlatform(app);
    const extra = new iam.Role(stacks.registryStack!, 'Extra', { assumedBy: new iam.AccountRootPrincipal() });
    extra.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['ecr:DescribeRepositories'], resources: ['*'] }));
    expect(() => app.synth()).toThrow(/platform-ecr-registry\/Extra\/DefaultPolicy\/Resource[^]*AwsSolutions-IAM5\[Resource::\*\]/);
  });
});
