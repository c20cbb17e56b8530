import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { ENV, richSpec, snapshotOf, stackIn, strictApp } from './helpers';
import { ContainerRegistry, EcrValidator, RegistryReplication } from '../../src/aws';
import { Cloud } from '../../src/spec';

const spec = richSpec();
const app = strictApp();
const stack = stackIn(app);
new ContainerRegistry(stack, 'Registry', { spec, createOnPush: true });
const template = Template.fromStack(stack);

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
    const replicas = [{ region: 'eu-west-1' }, ...Array.from({ length: 10 }, (_, i) => ({ region: 'us-east-1', repositoryPrefixes: [`platform/p${i}/`] }))];
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

describe('replication filters stay inside the spec (hostile sweep: grants and copies broader than the repositories)', () => {
  const withPrefixes = (repositoryPrefixes: any, awsAccountId?: string) =>
    richSpec({ replication: { replicas: [{ region: 'us-east-1', awsAccountId, repositoryPrefixes }] } });
  const refusal = (repositoryPrefixes: any) => EcrValidator.problems(withPrefixes(repositoryPrefixes)).map((p) => `${p.path}: ${p.message}`);

  test.each([
    // CloudFormation, AWS::ECR::ReplicationConfiguration RepositoryFilter: "If no filters are added, the contents of all repositories are replicated."
    ['an empty list (ECR would replicate every repository of the account)', [], /^replication\.replicas\[0\]\.repositoryPrefixes: is empty: an ECR replication rule without filters replicates every repository of the account and region/],
    // The same page: Filter pattern ^(?:[a-z0-9]+(?:[._-][a-z0-9]*)*/)*[a-z0-9]*(?:[._-][a-z0-9]*)*$; aws-cdk-lib's schema validation: length 0 is below minimum 2.
    ['an empty prefix (before: a CloudFormation schema failure at synth)', [''], /^replication\.replicas\[0\]\.repositoryPrefixes\[0\]: is not an ECR replication filter \(2-256 characters/],
    ['an upper-case prefix', ['Platform/'], /repositoryPrefixes\[0\]: is not an ECR replication filter/],
    ['a prefix without the separator ("platform" also selects "platformx/...")', ['platform'], /repositoryPrefixes\[0\]: reaches beyond the spec: ECR replicates every repository whose name starts with it, other registries' included; start each with "platform\/"/],
    ['a prefix of another registry', ['other/'], /repositoryPrefixes\[0\]: reaches beyond the spec/],
    ['a one-letter prefix', ['pl'], /repositoryPrefixes\[0\]: reaches beyond the spec/],
  ])('%s is refused by the validator and by synthesis', (_, prefixes, message) => {
    expect(refusal(prefixes)).toEqual([expect.stringMatching(message)]);
    expect(() => new ContainerRegistry(stackIn(new App()), 'R', { spec: withPrefixes(prefixes) })).toThrow(/aws\.ContainerRegistry Platform\/R: 1 problem/);
  });

  test('cross-account: a prefix outside the spec is reported once (not also as "selects nothing")', () => {
    expect(EcrValidator.problems(withPrefixes(['other/'], '444455556666')).map((p) => p.path)).toEqual(['replication.replicas[0].repositoryPrefixes[0]']);
  });

  test('negative controls: prefixes inside the namespace (narrower than the spec) and the default are accepted', () => {
    for (const prefixes of [['platform/'], ['platform/api', 'platform/jobs/'], undefined]) expect(refusal(prefixes)).toEqual([]);
    const s = stackIn(strictApp());
    new ContainerRegistry(s, 'R', { spec: withPrefixes(['platform/api']) });
    Template.fromStack(s).hasResourceProperties('AWS::ECR::ReplicationConfiguration', {
      ReplicationConfiguration: { Rules: [{ Destinations: [{ Region: 'us-east-1', RegistryId: '123456789012' }], RepositoryFilters: [{ Filter: 'platform/api', FilterType: 'PREFIX_MATCH' }] }] },
    });
  });

  test('the registries layout: each environment registry is a namespace of its own', () => {
    const layered = richSpec({
      environments: { layout: 'registries' as any, chain: [{ name: 'dev' }, { name: 'prod' }] },
      replication: { replicas: [{ region: 'us-east-1', repositoryPrefixes: ['platform-prod/', 'platform/'] }] },
    });
    expect(EcrValidator.problems(layered).map((p) => `${p.path}: ${p.message}`)).toEqual([
      expect.stringMatching(/^replication\.replicas\[0\]\.repositoryPrefixes\[1\]: reaches beyond the spec.*start each with "platform-dev\/" or "platform-prod\/"/),
    ]);
  });

  test('the same destination listed twice with the same prefixes is one destination of the rule', () => {
    const s = stackIn(strictApp());
    new RegistryReplication(s, 'R', { spec: richSpec({ replication: { replicas: [{ region: 'us-east-1' }, { region: 'us-east-1' }] } }) });
    Template.fromStack(s).hasResourceProperties('AWS::ECR::ReplicationConfiguration', {
      ReplicationConfiguration: { Rules: [{ Destinations: [{ Region: 'us-east-1', RegistryId: '123456789012' }], RepositoryFilters: [{ Filter: 'platform/', FilterType: 'PREFIX_MATCH' }] }] },
    });
  });
});
