import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { App, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { TerraformStack, Testing } from 'cdktf';
import * as aws from '../../src/aws';
import * as azure from '../../src/azure';
import * as gcp from '../../src/gcp';
import * as harbor from '../../src/harbor';
import { RegistrySpec } from '../../src/spec';

/** One spec for the four clouds: two images, dev and prod registries. */
const spec = (): RegistrySpec => ({
  name: 'shop',
  repositories: [{ name: 'checkout' }, { name: 'jobs/indexer' }],
  environments: { layout: 'registries' as any, chain: [{ name: 'dev' }, { name: 'prod' }] },
});
const UUID = 'a1b2c3d4-0000-4000-8000-000000000001';

/** Each cloud's grant, called with the grantee it takes (a kind of grantee for AWS) and options; '' when it succeeds, else the error. */
const grants: { [cloud: string]: (method: 'grantPull' | 'grantPush', grantee: string, options?: object) => string } = {
  aws: (method, grantee, options) => run(() => {
    const stack = new Stack(new App(), 'S', { env: { account: '123456789012', region: 'eu-west-1' } });
    const registry = new aws.ContainerRegistry(stack, 'R', { spec: spec() });
    const principal = grantee === 'any' ? new iam.AnyPrincipal() : grantee === 'account' ? new iam.AccountRootPrincipal()
      : new iam.Role(stack, 'Role', { assumedBy: new iam.AccountRootPrincipal() });
    registry[method](principal, options);
  }),
  gcp: (method, member, options) => run(() => {
    const stack = new TerraformStack(Testing.app(), 'stack');
    new GoogleProvider(stack, 'google', { project: 'acme-registry' });
    new gcp.ContainerRegistry(stack, 'R', { spec: spec(), project: 'acme-registry', location: 'europe-west1' })[method](member, options);
  }),
  azure: (method, principalId, options) => run(() => {
    const stack = new TerraformStack(Testing.app(), 'stack');
    new AzurermProvider(stack, 'azurerm', { features: [{}] });
    new azure.ContainerRegistry(stack, 'R', { spec: spec(), resourceGroupName: 'rg', location: 'westeurope' })[method](principalId, options);
  }),
  harbor: (method, robot, options) => run(() => {
    new harbor.ContainerRegistry(new TerraformStack(Testing.app(), 'stack'), 'R', { spec: spec(), url: 'https://harbor.example.com' })[method](robot, options);
  }),
};

function run(f: () => void): string {
  try {
    f();
    return '';
  } catch (e) {
    return (e as Error).message;
  }
}

const GRANTEE: { [cloud: string]: string } = { aws: 'role', gcp: 'group:ci@example.com', azure: UUID, harbor: 'ci' };

describe('grant arguments from a hostile user (hostile sweep: grants that silently grant nothing, or more than asked)', () => {
  // Before: an empty list granted nothing in silence (GCP with one repository for every environment: all of it), an AWS grant to
  // a principal without an identity policy added nothing (aws-cdk-lib's Grant.addToPrincipal returns an unsuccessful grant), an
  // Azure principal "bob" became a role assignment Azure refuses at apply, and a GCP domain could be granted push.
  test.each(['aws', 'gcp', 'azure', 'harbor'])('%s: empty images or environments are refused, naming the option', (cloud) => {
    expect(grants[cloud]('grantPull', GRANTEE[cloud], { environments: [] })).toMatch(/- options\.environments: \[\] is empty, which grants nothing/);
    if (cloud !== 'aws') expect(grants[cloud]('grantPull', GRANTEE[cloud], { images: [] })).toMatch(/- options\.images: \[\] is empty, which grants nothing/);
    else expect(grants[cloud]('grantPull', GRANTEE[cloud], { images: [] })).toMatch(/- options\.images: \[\] match no repository of the spec/);
    // Negative controls: no options, and a narrower grant.
    expect(grants[cloud]('grantPull', GRANTEE[cloud])).toBe('');
    expect(grants[cloud]('grantPush', GRANTEE[cloud], { images: ['checkout'], environments: ['dev'] })).toBe('');
  });

  test.each<[string, string, 'grantPull' | 'grantPush', RegExp]>([
    ['aws', 'any', 'grantPull', /- grantee: "AnyPrincipal\(\)" has no identity policy to add the grant to/],
    ['aws', 'account', 'grantPush', /- grantee: "AccountRootPrincipal\(\)" has no identity policy to add the grant to/],
    ['azure', 'bob', 'grantPull', /- principalId: "bob" is not an Entra principal \(object\) id, a UUID/],
    ['azure', 'ci@example.com', 'grantPush', /- principalId: "ci@example\.com" is not an Entra principal \(object\) id/],
    ['gcp', 'domain:example.com', 'grantPush', /- member: "domain:example\.com" is every principal of a domain; a whole domain may pull, never push/],
  ])('%s: %s as the grantee of %s is refused', (cloud, grantee, method, message) => {
    expect(grants[cloud](method, grantee)).toMatch(message);
  });

  test('an imported Azure registry checks the principal id the same way', () => {
    const stack = new TerraformStack(Testing.app(), 'stack');
    new AzurermProvider(stack, 'azurerm', { features: [{}] });
    const imported = azure.AcrRegistry.fromRegistryId(stack, 'Imported', '/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/shopprod');
    expect(() => imported.grantPull('bob', { images: ['checkout'] })).toThrow(/- principalId: "bob" is not an Entra principal \(object\) id, a UUID/);
    expect(() => imported.grantPull(UUID, { images: ['checkout'] })).not.toThrow();
  });

  test('negative control: a GCP domain may be granted pull', () => {
    expect(grants.gcp('grantPull', 'domain:example.com')).toBe('');
  });
});
