import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { richSpec, snapshotOf, stackIn, strictApp } from './helpers';
import { EcrActions, ContainerRegistry, PullThroughCache } from '../../src/aws';
import { EcrLifecycleTranslation } from '../../src/retention';
import { EffectiveSpec, UpstreamRegistry } from '../../src/spec';
import { TagPolicyDecision } from '../../src/tagging';

const spec = richSpec();
const app = strictApp();
const stack = stackIn(app);
const registry = new ContainerRegistry(stack, 'Registry', { spec, createOnPush: true });
const template = Template.fromStack(stack);

describe('PullThroughCache', () => {
  test('an ECR Public cache under platform/ecr-public, with its creation template', () => {
    template.hasResourceProperties('AWS::ECR::PullThroughCacheRule', {
      EcrRepositoryPrefix: 'platform/ecr-public', UpstreamRegistry: 'ecr-public', UpstreamRegistryUrl: 'public.ecr.aws', CredentialArn: Match.absent(),
    });
  });

  test('the creation template applies the same lifecycle text, tag mutability and encryption', () => {
    const policy = EcrLifecycleTranslation.translate(EffectiveSpec.retention(spec), { repositoryName: 'platform/ecr-public/*' }).policyText;
    const decision = TagPolicyDecision.ecr(EffectiveSpec.tagPolicy(spec));
    template.hasResourceProperties('AWS::ECR::RepositoryCreationTemplate', {
      Prefix: 'platform/ecr-public',
      AppliedFor: ['PULL_THROUGH_CACHE'],
      LifecyclePolicy: policy,
      ImageTagMutability: decision.mutability,
      ImageTagMutabilityExclusionFilters: decision.exclusionFilters.map((v) => ({ ImageTagMutabilityExclusionFilterType: 'WILDCARD', ImageTagMutabilityExclusionFilterValue: v })),
      EncryptionConfiguration: { EncryptionType: 'AES256' },
      ResourceTags: [{ Key: 'team', Value: 'platform' }],
      CustomRoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('CreationRole'), 'Arn'] },
    });
    expect(registry.pullThroughCaches['ecr-public'].template.lifecyclePolicyText).toBe(policy);
  });

  test('Docker Hub with credentials from an ecr-pullthroughcache/ secret', () => {
    const s = stackIn(strictApp());
    new PullThroughCache(s, 'Hub', { spec, cache: { name: 'docker-hub', upstream: UpstreamRegistry.DOCKER_HUB, awsSecretName: 'ecr-pullthroughcache/docker-hub' } });
    Template.fromStack(s).hasResourceProperties('AWS::ECR::PullThroughCacheRule', {
      EcrRepositoryPrefix: 'platform/docker-hub',
      UpstreamRegistry: 'docker-hub',
      UpstreamRegistryUrl: 'registry-1.docker.io',
      CredentialArn: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':secretsmanager:eu-west-1:123456789012:secret:ecr-pullthroughcache/docker-hub']] },
    });
  });

  test('a bad secret name, missing credentials, an unsupported upstream and a long prefix are one clear error', () => {
    const s = stackIn(new App(), 'S');
    expect(() => new PullThroughCache(s, 'C', { spec, cache: { name: 'ghcr-mirror-with-a-very-long-name', upstream: UpstreamRegistry.GITHUB, awsSecretName: 'ghcr-token' } }))
      .toThrow(new RegExp([
        'aws.PullThroughCache S/C: 2 problems',
        '  - cache.awsSecretName: "ghcr-token" must start with "ecr-pullthroughcache/" \\(ECR reads pull-through cache credentials only from such secrets\\)',
        '  - cache.name: "ghcr-mirror-with-a-very-long-name" gives the ECR repository prefix "platform/ghcr-mirror-with-a-very-long-name", longer than 30 characters',
      ].join('\n')));
    expect(() => new PullThroughCache(s, 'D', { spec, cache: { name: 'hub', upstream: UpstreamRegistry.DOCKER_HUB } }))
      .toThrow(/cache\.awsSecretName: is required for upstream "docker-hub"/);
    expect(() => new PullThroughCache(s, 'E', { spec, cache: { name: 'custom', upstream: UpstreamRegistry.CUSTOM, url: 'https://r.example.com' } }))
      .toThrow(/cache\.upstream: "custom" is not supported by ECR pull-through caches \(supported: docker-hub, ghcr, quay, ecr-public\)/);
  });

  test('grantPull: pull plus BatchImportUpstreamImage and CreateRepository on the cache prefix only', () => {
    const s = stackIn(strictApp());
    const cache = new PullThroughCache(s, 'Quay', { spec, cache: { name: 'quay', upstream: UpstreamRegistry.QUAY } });
    cache.grantPull(new iam.Role(s, 'Runtime', { assumedBy: new iam.AccountRootPrincipal() }));
    Template.fromStack(s).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [
          {
            Action: [...EcrActions.PULL, 'ecr:BatchImportUpstreamImage', 'ecr:CreateRepository'],
            Effect: 'Allow',
            Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ecr:eu-west-1:123456789012:repository/platform/quay/*']] },
          },
          { Action: 'ecr:GetAuthorizationToken', Effect: 'Allow', Resource: '*' },
        ],
      },
    });
  });

  test('snapshot', () => {
    const s = stackIn(strictApp());
    new PullThroughCache(s, 'Cache', { spec, cache: { name: 'ecr-public', upstream: UpstreamRegistry.ECR_PUBLIC } });
    expect(snapshotOf(Template.fromStack(s))).toMatchSnapshot();
  });
});
