// The registry-wide constructs (one file, so that the first synthesis of the process is paid once):
// RegistryScanning, RegistryReplication, ReplicationDestinationPolicy, PullThroughCache, RepositoryCreationTemplate.
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { ENV, richSpec, snapshotOf, stackIn, strictApp, warningsOf } from './fixtures';
import {
  EcrActions, ContainerRegistry, EcrScanFrequency, EcrScanType, PullThroughCache, RegistryReplication, RegistryScanning,
  ReplicationDestinationPolicy, RepositoryCreationScenario, RepositoryCreationTemplate,
} from '../../src/aws';
import { EcrLifecycleTranslation } from '../../src/retention';
import { Cloud, EffectiveSpec, ScanMode, UpstreamRegistry } from '../../src/spec';
import { TagPolicyDecision } from '../../src/tagging';

const spec = richSpec();
const app = strictApp();
const stack = stackIn(app);
const registry = new ContainerRegistry(stack, 'Registry', { spec, createOnPush: true });
const template = Template.fromStack(stack);

describe('RegistryScanning', () => {
  test('a continuous repository makes the registry ENHANCED: CONTINUOUS_SCAN for it, SCAN_ON_PUSH for the rest, compacted filters', () => {
    template.resourceCountIs('AWS::ECR::RegistryScanningConfiguration', 1);
    template.hasResourceProperties('AWS::ECR::RegistryScanningConfiguration', {
      ScanType: 'ENHANCED',
      Rules: [
        {
          ScanFrequency: 'CONTINUOUS_SCAN',
          RepositoryFilters: ['platform/dev/web', 'platform/prod/web', 'platform/staging/web'].map((filter) => ({ Filter: filter, FilterType: 'WILDCARD' })),
        },
        {
          ScanFrequency: 'SCAN_ON_PUSH',
          // ECR User Guide: "Filters with no wildcard will match all repository names that contain the filter":
          // exact names are the narrowest filter ECR has (README, known gaps).
          RepositoryFilters: ['platform/dev/jobs/*', 'platform/prod/jobs/*', 'platform/staging/jobs/*', 'platform/dev/api', 'platform/prod/api', 'platform/staging/api']
            .map((filter) => ({ Filter: filter, FilterType: 'WILDCARD' })),
        },
      ],
    });
  });

  test('warns that the configuration is registry-wide', () => {
    expect(warningsOf(stack)).toEqual(expect.arrayContaining([
      expect.stringMatching(/^The ECR registry scanning configuration \(ENHANCED\) applies to the whole registry of this account and region, not only to this spec/),
    ]));
  });

  test('without continuous repositories: no registry configuration (repository-level scan on push)', () => {
    const a = strictApp();
    const s = stackIn(a);
    new ContainerRegistry(s, 'Registry', { spec: richSpec({ repositories: [{ name: 'api' }] }) });
    Template.fromStack(s).resourceCountIs('AWS::ECR::RegistryScanningConfiguration', 0);
  });

  test('BASIC on request: continuous repositories fall back to SCAN_ON_PUSH', () => {
    expect(RegistryScanning.rulesFromSpec(spec, EcrScanType.BASIC)).toEqual([
      { frequency: EcrScanFrequency.SCAN_ON_PUSH, repositoryFilters: ['platform/dev/*', 'platform/prod/*', 'platform/staging/*'] },
    ]);
    expect(RegistryScanning.rulesFromSpec(richSpec({ scanning: { mode: ScanMode.OFF }, repositories: [{ name: 'api' }] }), EcrScanType.ENHANCED)).toEqual([]);
  });

  test('invalid rules are one clear error listing every problem', () => {
    const s = stackIn(new App(), 'S');
    expect(() => new RegistryScanning(s, 'Scan', {
      scanType: EcrScanType.BASIC,
      rules: [
        { frequency: EcrScanFrequency.CONTINUOUS_SCAN, repositoryFilters: ['Bad Filter'] },
        { frequency: EcrScanFrequency.CONTINUOUS_SCAN, repositoryFilters: [] },
      ],
    })).toThrow(new RegExp([
      'aws.RegistryScanning S/Scan: 5 problems',
      '  - rules\\[0\\]\\.frequency: "CONTINUOUS_SCAN" needs scanType ENHANCED \\(BASIC scanning supports SCAN_ON_PUSH only\\)',
      '  - rules\\[0\\]\\.repositoryFilters\\[0\\]: "Bad Filter" is not a repository filter[^\n]*',
      '[^]*rules\\[1\\]\\.frequency: "CONTINUOUS_SCAN" is used by two rules[^\n]*',
      '[^]*rules\\[1\\]\\.repositoryFilters: 0 filters; ECR takes 1-100 per rule',
    ].join('\n')));
    expect(() => new RegistryScanning(s, 'NoRules', { scanType: EcrScanType.BASIC })).toThrow('aws.RegistryScanning S/NoRules: 1 problem\n  - props.rules: give `rules` or a `spec` to derive them from');
  });

  test('snapshot', () => {
    const s = stackIn(strictApp());
    new RegistryScanning(s, 'Scanning', { scanType: EcrScanType.ENHANCED, spec });
    expect(snapshotOf(Template.fromStack(s))).toMatchSnapshot();
  });

  test('a second scanning configuration for the same account and region in the app is an error', () => {
    const other = new Stack(app, 'Other', { env: ENV });
    expect(() => new RegistryScanning(other, 'Scan', { scanType: EcrScanType.BASIC, spec })).toThrow(
      'Other/Scan: a second ECR registry scanning configuration for account 123456789012, region eu-west-1; ECR has one registry scanning configuration '
      + 'per registry (account and region), already defined by Platform/Registry/Scanning. Define it once (merge the rules) or target another account or region.');
    const elsewhere = new Stack(app, 'Elsewhere', { env: { ...ENV, region: 'us-east-1' } });
    new RegistryScanning(elsewhere, 'Scan', { scanType: EcrScanType.BASIC, spec });
  });
});

describe('RegistryReplication', () => {
  test('cross-region replica of every repository of the registry (prefix platform/)', () => {
    template.hasResourceProperties('AWS::ECR::ReplicationConfiguration', {
      ReplicationConfiguration: {
        Rules: [{ Destinations: [{ Region: 'us-east-1', RegistryId: '123456789012' }], RepositoryFilters: [{ Filter: 'platform/', FilterType: 'PREFIX_MATCH' }] }],
      },
    });
  });

  test('cross-account replicas, prefix filters, shared rules for equal prefixes; replicas for other clouds ignored', () => {
    const s = stackIn(strictApp());
    const r = new RegistryReplication(s, 'Replication', {
      spec: richSpec({
        replication: {
          replicas: [
            { region: 'us-east-1', awsAccountId: '444455556666', repositoryPrefixes: ['platform/prod/'] },
            { region: 'eu-central-1', repositoryPrefixes: ['platform/prod/'] },
            { region: 'ap-southeast-2' },
            { region: 'westeurope', cloud: Cloud.AZURE },
          ],
        },
      }),
    });
    expect(r.rules).toEqual([
      { destinations: [{ region: 'us-east-1', registryId: '444455556666' }, { region: 'eu-central-1', registryId: '123456789012' }], repositoryFilters: [{ filter: 'platform/prod/', filterType: 'PREFIX_MATCH' }] },
      { destinations: [{ region: 'ap-southeast-2', registryId: '123456789012' }], repositoryFilters: [{ filter: 'platform/', filterType: 'PREFIX_MATCH' }] },
    ]);
    Template.fromStack(s).resourceCountIs('AWS::ECR::ReplicationConfiguration', 1);
  });

  test('the registries layout replicates each environment registry prefix', () => {
    expect(RegistryReplication.defaultPrefixes(richSpec({ environments: { layout: 'registries' as any, chain: [{ name: 'dev' }, { name: 'prod' }] } })))
      .toEqual(['platform-dev/', 'platform-prod/']);
  });

  test('a replica in the registry itself, or more than 10 rules, is a clear error', () => {
    const s = stackIn(new App(), 'S');
    const replicas = [{ region: 'eu-west-1' }, ...Array.from({ length: 10 }, (_, i) => ({ region: 'us-east-1', repositoryPrefixes: [`p${i}/`] }))];
    expect(() => new RegistryReplication(s, 'R', { spec: richSpec({ replication: { replicas } }) })).toThrow(new RegExp([
      'aws.RegistryReplication S/R: 2 problems',
      '  - replication.replicas\\[0\\]\\.region: "eu-west-1" in account 123456789012 is the registry itself; a replica needs another region or account',
      '  - replication.replicas: 11 distinct prefix sets need as many rules; ECR allows 10',
    ].join('\n')));
  });

  test('snapshot', () => {
    const s = stackIn(strictApp());
    new RegistryReplication(s, 'Replication', { spec: richSpec({ replication: { replicas: [{ region: 'us-east-1' }, { region: 'eu-central-1', awsAccountId: '444455556666' }] } }) });
    expect(snapshotOf(Template.fromStack(s))).toMatchSnapshot();
  });

  test('a second replication configuration for the same account and region is an error', () => {
    expect(() => new RegistryReplication(new Stack(app, 'Other2', { env: ENV }), 'R', { spec })).toThrow(
      /a second ECR replication configuration for account 123456789012, region eu-west-1[^]*already defined by Platform\/Registry\/Replication/);
  });
});

describe('ReplicationDestinationPolicy', () => {
  const s = stackIn(strictApp(), 'Destination', { env: { account: '444455556666', region: 'us-east-1' } });
  new ReplicationDestinationPolicy(s, 'Policy', { sourceAccountIds: ['123456789012'], repositoryPrefixes: ['platform/'] });
  const t = Template.fromStack(s);

  test('lets the source account (an account principal, never *) replicate and create repositories under the prefix', () => {
    // ECR User Guide: "A registry policy must grant permission for the ecr:ReplicateImage API action ...
    // You can also grant permission for the ecr:CreateRepository permission".
    t.hasResourceProperties('AWS::ECR::RegistryPolicy', {
      PolicyText: {
        Version: '2012-10-17',
        Statement: [{
          Sid: 'ReplicationFromSourceAccounts',
          Effect: 'Allow',
          Principal: { AWS: [{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::123456789012:root']] }] },
          Action: ['ecr:CreateRepository', 'ecr:ReplicateImage'],
          Resource: [{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ecr:us-east-1:444455556666:repository/platform/*']] }],
        }],
      },
    });
  });

  test('a second registry policy for the same account and region is an error', () => {
    expect(() => new ReplicationDestinationPolicy(s, 'Again', { sourceAccountIds: ['123456789012'] })).toThrow(
      /Destination\/Again: a second ECR registry policy for account 444455556666, region us-east-1[^]*already defined by Destination\/Policy/);
  });

  test('bad account ids are an error', () => {
    expect(() => new ReplicationDestinationPolicy(stackIn(new App(), 'X'), 'P', { sourceAccountIds: ['12345'] }))
      .toThrow('X/P: sourceAccountIds ["12345"] must list 12-digit AWS account ids (at least one)');
  });

  test('snapshot', () => {
    expect(snapshotOf(t)).toMatchSnapshot();
  });
});

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

describe('RepositoryCreationTemplate', () => {
  test('create-on-push under the registry prefix', () => {
    template.hasResourceProperties('AWS::ECR::RepositoryCreationTemplate', { Prefix: 'platform', AppliedFor: ['CREATE_ON_PUSH'] });
  });

  test('with a KMS key: a creation role scoped to the prefix and the key', () => {
    const s = stackIn(strictApp());
    const key = new kms.Key(s, 'Key', { enableKeyRotation: true });
    new RepositoryCreationTemplate(s, 'T', { prefix: 'team/app', appliedFor: [RepositoryCreationScenario.REPLICATION], kmsKey: key });
    const t = Template.fromStack(s);
    t.hasResourceProperties('AWS::ECR::RepositoryCreationTemplate', {
      Prefix: 'team/app',
      AppliedFor: ['REPLICATION'],
      LifecyclePolicy: Match.absent(),
      ImageTagMutability: Match.absent(),
      EncryptionConfiguration: { EncryptionType: 'KMS', KmsKey: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Key'), 'Arn'] } },
    });
    // Issue 13, item 8: ECR may assume the role only for this account, and create KMS grants only for AWS resources.
    t.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [{ Principal: { Service: 'ecr.amazonaws.com' }, Condition: { StringEqualsIfExists: { 'aws:SourceAccount': '123456789012' } } }] },
    });
    const keyArn = { 'Fn::GetAtt': [Match.stringLikeRegexp('^Key'), 'Arn'] };
    t.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [
          { Action: ['ecr:CreateRepository', 'ecr:ReplicateImage', 'ecr:TagResource'], Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ecr:eu-west-1:123456789012:repository/team/app/*']] } },
          { Sid: 'GrantsForEcr', Action: 'kms:CreateGrant', Resource: keyArn, Condition: { Bool: { 'kms:GrantIsForAWSResource': true } } },
          { Action: ['kms:RetireGrant', 'kms:DescribeKey'], Resource: keyArn },
        ],
      },
    });
    expect(snapshotOf(t)).toMatchSnapshot();
  });

  test('the translation\'s warnings are surfaced on the template, naming the prefix', () => {
    const s = stackIn(strictApp());
    new RepositoryCreationTemplate(s, 'T', { prefix: 'team', appliedFor: [RepositoryCreationScenario.CREATE_ON_PUSH], retention: EffectiveSpec.retention(spec) });
    expect(warningsOf(s)).toEqual([
      expect.stringMatching(/^repositories created under team\/: the ECR lifecycle policy is conservative \(keeps more than the spec's retention\): rules\[1\]: ECR ANDs/),
    ]);
  });

  test('a bad prefix or no scenario is an error', () => {
    const s = stackIn(new App(), 'S');
    expect(() => new RepositoryCreationTemplate(s, 'A', { prefix: 'Team/App', appliedFor: [RepositoryCreationScenario.CREATE_ON_PUSH] }))
      .toThrow('S/A: prefix "Team/App" is not a repository namespace (lower-case path segments, or ROOT)');
    expect(() => new RepositoryCreationTemplate(s, 'B', { prefix: 'ROOT', appliedFor: [] })).toThrow('S/B: appliedFor must list at least one scenario');
  });
});
