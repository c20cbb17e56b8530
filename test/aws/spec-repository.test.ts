/**
 * The repositories of aws.ContainerRegistry are ecr.IRepository (issue 20): the CfnRepository that
 * ecr.Repository would create, at the same construct path, with the same logical id and properties,
 * without the L2 class. This file checks that against ecr.Repository itself, and that the
 * IRepository behaviour users rely on (grants, resource policy, cross-stack name) still works.
 */
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { ENV, stackIn } from './helpers';
import { ContainerRegistry } from '../../src/aws';
import { RegistrySpec } from '../../src/spec';

const spec: RegistrySpec = {
  version: 1,
  name: 'platform',
  repositories: [{ name: 'api' }],
  retention: { rules: [{ tagState: 'untagged' as any, expireAfterDays: 7 }] },
};

test.each([['AES256', false], ['KMS', true]] as const)('%s: the same resource as ecr.Repository with the same props (properties, policies, logical id)', (_, withKey) => {
  const ours = stackIn(new App(), 'S');
  const registry = new ContainerRegistry(ours, 'Registry', { spec, kmsKey: withKey ? new kms.Key(ours, 'Key') : undefined });
  const text = registry.lifecyclePolicies['platform/api'];

  // ecr.Repository at the same path, set up as the registry did before (L2 plus the same L1 overrides).
  const l2 = stackIn(new App(), 'S');
  const key = withKey ? new kms.Key(l2, 'Key') : undefined;
  const holder = new (class extends ecr.RepositoryBase {
    public readonly repositoryName = 'x';
    public readonly repositoryArn = 'x';
    public addToResourcePolicy() {
      return { statementAdded: false };
    }
  })(l2, 'Registry');
  const repo = new ecr.Repository(holder, 'platform:api', {
    repositoryName: 'platform/api',
    removalPolicy: RemovalPolicy.RETAIN,
    imageScanOnPush: true,
    encryption: key ? ecr.RepositoryEncryption.KMS : ecr.RepositoryEncryption.AES_256,
    encryptionKey: key,
  });
  const cfn = repo.node.defaultChild as ecr.CfnRepository;
  if (!key) cfn.encryptionConfiguration = { encryptionType: 'AES256' };
  // The tag decision the registry made (TagPolicyDecision.ecr), applied as the registry applied it to ecr.Repository's L1.
  const [mine] = Object.values<any>(Template.fromStack(ours).findResources('AWS::ECR::Repository')).map((r) => r.Properties);
  expect(mine.ImageTagMutabilityExclusionFilters.length).toBeGreaterThan(0);
  cfn.imageTagMutability = mine.ImageTagMutability;
  cfn.imageTagMutabilityExclusionFilters = mine.ImageTagMutabilityExclusionFilters.map((f: any) => ({
    imageTagMutabilityExclusionFilterType: f.ImageTagMutabilityExclusionFilterType,
    imageTagMutabilityExclusionFilterValue: f.ImageTagMutabilityExclusionFilterValue,
  }));
  cfn.lifecyclePolicy = { lifecyclePolicyText: text };

  const resourcesOf = (s: Stack) => Object.entries<any>(Template.fromStack(s).findResources('AWS::ECR::Repository'))
    .map(([id, r]) => [id, { ...r, Metadata: undefined }]);
  expect(resourcesOf(ours)).toEqual(resourcesOf(l2));
  expect(registry.repositories['platform/api'].node.path).toBe('S/Registry/platform:api');
  expect(registry.repositories['platform/api'].node.defaultChild).toBeInstanceOf(ecr.CfnRepository);
});

test('IRepository: grants, the resource policy (validated as one) and the name across stacks behave as ecr.Repository\'s', () => {
  const app = new App();
  const stack = stackIn(app, 'Registry');
  const registry = new ContainerRegistry(stack, 'Registry', { spec });
  const repo = registry.repositories['platform/api'];

  const role = new iam.Role(stack, 'Reader', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
  repo.grantPull(role);
  // Another account's principal goes to the repository policy.
  repo.grantPull(new iam.AccountPrincipal('210987654321'));
  // The name is a reference (an export) in another stack of the same environment, as ecr.Repository's.
  const other = new Stack(app, 'Consumer', { env: ENV });
  new iam.Role(other, 'R', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'), description: repo.repositoryName });
  const template = Template.fromStack(stack);
  template.hasResourceProperties('AWS::IAM::Policy', {
    PolicyDocument: {
      Statement: Match.arrayWith([Match.objectLike({
        Action: ['ecr:BatchCheckLayerAvailability', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage'],
        Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Registryplatformapi[0-9A-F]{8}$'), 'Arn'] },
      })]),
    },
  });
  const [policy] = Object.values<any>(template.findResources('AWS::ECR::Repository')).map((r) => r.Properties.RepositoryPolicyText);
  expect(JSON.stringify(policy)).toContain('210987654321');

  expect(JSON.stringify(Template.fromStack(other).toJSON())).toContain('Fn::ImportValue');

  // A statement without a principal fails synth, as ecr.Repository's resource policy validation does.
  const bad = new App();
  const badStack = stackIn(bad, 'Bad');
  const badRegistry = new ContainerRegistry(badStack, 'Registry', { spec });
  badRegistry.repositories['platform/api'].addToResourcePolicy(new iam.PolicyStatement({ actions: ['ecr:BatchGetImage'] }));
  expect(() => bad.synth()).toThrow(/A PolicyStatement used in a resource-based policy must specify at least one IAM principal/);
});
