import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { ENV, richSpec, snapshotOf, stackIn, strictApp } from './helpers';
import { ContainerRegistry, RegistryReplication } from '../../src/aws';
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
