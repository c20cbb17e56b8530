/**
 * GitHub's immutable subject claims on every cloud (GithubOidc): a trust with
 * `ownerId` and `repositoryId` accepts `repo:<owner>@<ownerId>/<repo>@<repositoryId>:...`
 * and refuses the name-only subject and a recycled name (same names, other ids), as
 * each cloud's independent evaluator decides over the synthesized output.
 */
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { App, Stack } from 'aws-cdk-lib';
import { TerraformStack, Testing } from 'cdktf';
import { EcrRegistry } from '../../src/aws';
import { ContainerRegistry as AcrRegistry } from '../../src/azure';
import { ContainerRegistry as GarRegistry } from '../../src/gcp/artifact-registry';
import { WorkflowVariables } from '../../src/promotion/workflow-variables';
import { Cloud, EnvironmentLayout, GithubOidc, RegistrySpec } from '../../src/spec';
import { ACCOUNT, GITHUB_ISSUER, TemplateIam } from '../aws/iam-access';
import { AzureAccess } from '../azure/azure-access';
import { testStack } from '../azure/helpers';
import { GcpAccess, GithubClaims } from '../gcp/gcp-access';

const ids = { ownerId: 123456, repositoryId: 456789 };
const spec: RegistrySpec = {
  name: 'platform',
  repositories: [{ name: 'api' }],
  environments: { layout: EnvironmentLayout.REPOSITORIES, chain: [{ name: 'dev' }, { name: 'prod' }] },
  access: {
    pushers: [{ name: 'ci', github: { repository: 'octocat/my-repo', branch: 'main', ...ids } }],
    promoters: [{ name: 'promoter', github: { repository: 'octocat/my-repo', environment: 'prod', ...ids } }],
  },
};
const good = 'repo:octocat@123456/my-repo@456789:ref:refs/heads/main';
const bad = {
  'the name-only subject': 'repo:octocat/my-repo:ref:refs/heads/main',
  'a recycled repository name (another repository id)': 'repo:octocat@123456/my-repo@999999:ref:refs/heads/main',
  'a recycled owner name (another owner id)': 'repo:octocat@777777/my-repo@456789:ref:refs/heads/main',
};

test('the subject the trusts expect', () => {
  expect(GithubOidc.subject(spec.access!.pushers![0].github!)).toBe(good);
});

test('AWS: the role trust accepts the immutable subject only', () => {
  const app = new App();
  const stack = new Stack(app, 'Registry', { env: { account: ACCOUNT, region: 'eu-west-1' } });
  new EcrRegistry(stack, 'Registry', { spec });
  const iam = TemplateIam.fromStacks([stack]);
  const role = iam.role('RegistryIdentitiesci');
  const token = (sub: string) => ({ issuer: GITHUB_ISSUER, aud: 'sts.amazonaws.com', sub });
  expect(iam.canAssume(role, token(good))).toBe(true);
  for (const sub of Object.values(bad)) expect([sub, iam.canAssume(role, token(sub))]).toEqual([sub, false]);
});

test('Azure: the federated credential matches the immutable subject only', () => {
  const stack = testStack();
  new AcrRegistry(stack, 'Registry', { spec, resourceGroupName: 'rg', location: 'westeurope' });
  const access = new AzureAccess(JSON.parse(Testing.synth(stack)));
  const token = (sub: string) => ({ iss: GithubOidc.ISSUER_URL, aud: 'api://AzureADTokenExchange', sub });
  expect(access.tokenMatches('platform-ci', token(good))).toBe(true);
  for (const sub of Object.values(bad)) expect([sub, access.tokenMatches('platform-ci', token(sub))]).toEqual([sub, false]);
});

test('Google Cloud: only a job with the immutable subject and ids impersonates the service account', () => {
  const app = Testing.app({ stackTraces: false });
  const stack = new TerraformStack(app, 'stack');
  new GoogleProvider(stack, 'google', { project: 'acme-registry' });
  new GarRegistry(stack, 'Registry', { spec, project: 'acme-registry', location: 'us' });
  const access = new GcpAccess(JSON.parse(Testing.synth(stack)));
  const serviceAccount = access.output(WorkflowVariables.identity(Cloud.GCP, 'ci'));
  const provider = access.providers()[0];
  const claims = (sub: string, repositoryId: string, ownerId: string): GithubClaims => ({
    iss: GithubOidc.ISSUER_URL,
    aud: `https://iam.googleapis.com/${provider.name}`,
    sub,
    repository: 'octocat/my-repo',
    repository_owner: 'octocat',
    ref: 'refs/heads/main',
    ref_type: 'branch',
    event_name: 'push',
    // GitHub's token carries the ids as strings (OIDC reference, example token).
    ...({ repository_id: repositoryId, repository_owner_id: ownerId } as object),
  });
  expect(access.serviceAccountsFor(claims(good, '456789', '123456'))).toEqual([serviceAccount]);
  expect(access.serviceAccountsFor(claims(bad['the name-only subject'], '456789', '123456'))).toEqual([]);
  expect(access.serviceAccountsFor(claims(bad['a recycled repository name (another repository id)'], '999999', '123456'))).toEqual([]);
  expect(access.serviceAccountsFor(claims(bad['a recycled owner name (another owner id)'], '456789', '777777'))).toEqual([]);
});

test('Google Cloud: a tag trust (a principal set, not a subject) checks the ids too, so a recycled name cannot enter', () => {
  const tagged: RegistrySpec = { ...spec, access: { pushers: [{ name: 'release', github: { repository: 'octocat/my-repo', tag: 'v*', ...ids } }] } };
  const app = Testing.app({ stackTraces: false });
  const stack = new TerraformStack(app, 'stack');
  new GoogleProvider(stack, 'google', { project: 'acme-registry' });
  new GarRegistry(stack, 'Registry', { spec: tagged, project: 'acme-registry', location: 'us' });
  const access = new GcpAccess(JSON.parse(Testing.synth(stack)));
  const serviceAccount = access.output(WorkflowVariables.identity(Cloud.GCP, 'release'));
  const provider = access.providers()[0];
  const claims = (repositoryId: string, ownerId: string): GithubClaims => ({
    iss: GithubOidc.ISSUER_URL,
    aud: `https://iam.googleapis.com/${provider.name}`,
    sub: `repo:octocat@${ownerId}/my-repo@${repositoryId}:ref:refs/tags/v1.0.0`,
    repository: 'octocat/my-repo',
    repository_owner: 'octocat',
    ref: 'refs/tags/v1.0.0',
    ref_type: 'tag',
    event_name: 'push',
    ...({ repository_id: repositoryId, repository_owner_id: ownerId } as object),
  });
  expect(access.serviceAccountsFor(claims('456789', '123456'))).toEqual([serviceAccount]);
  expect(access.serviceAccountsFor(claims('999999', '123456'))).toEqual([]);
  expect(access.serviceAccountsFor(claims('456789', '777777'))).toEqual([]);
});
