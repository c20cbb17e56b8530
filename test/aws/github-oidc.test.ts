import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { ENV, snapshotOf, stackIn, strictApp, warningsOf } from './helpers';
import { AwsWarnings, ContainerRegistry, EcrRegistryStacks, GithubOidcProvider } from '../../src/aws';
import { RegistrySpec } from '../../src/spec';

// The role trusts built from these conditions are tested with the roles (registry-identities.test.ts).
describe('GitHub OIDC trust', () => {
  test('conditions: StringEquals on aud and sub; StringLike only for a tag glob', () => {
    expect(GithubOidcProvider.conditions([{ repository: 'o/r', tag: 'v1.0.0' }])).toEqual({
      StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com', 'token.actions.githubusercontent.com:sub': 'repo:o/r:ref:refs/tags/v1.0.0' },
    });
    expect(GithubOidcProvider.conditions([{ repository: 'o/r', tag: 'v*' }])).toEqual({
      StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' },
      StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:o/r:ref:refs/tags/v*' },
    });
  });

  test('a trust without exactly one of branch, environment or tag is an error', () => {
    expect(() => GithubOidcProvider.subject({ repository: 'o/r', branch: 'main', environment: 'prod' }))
      .toThrow('github trust for o/r: give exactly one of branch, environment or tag (got 2), so that pull requests cannot assume the identity');
  });

  test('GithubOidcProvider snapshot', () => {
    const s = stackIn(strictApp(), 'Oidc');
    new GithubOidcProvider(s, 'GithubOidc');
    expect(snapshotOf(Template.fromStack(s))).toMatchSnapshot();
  });
});

/** A registry with one GitHub-trusted pusher and nothing account-wide (no scanning configuration, replication or caches). */
function ciSpec(name: string): RegistrySpec {
  return {
    version: 1,
    name,
    repositories: [{ name: 'api' }],
    environments: { chain: [{ name: 'dev' }, { name: 'prod' }] },
    access: { pushers: [{ name: 'ci', github: { repository: `example/${name}`, branch: 'main' } }] },
  };
}

const providers = (template: Template) => Object.keys(template.findResources('AWS::IAM::OIDCProvider'));
/** The logical ids of the providers each role's trust names (`Principal.Federated.Ref`). */
const trustedBy = (template: Template) => Object.values(template.findResources('AWS::IAM::Role'))
  .map((r: any) => r.Properties.AssumeRolePolicyDocument.Statement[0].Principal.Federated.Ref);
const oidcWarnings = (stack: Stack) => warningsOf(stack).filter((w) => w.includes(AwsWarnings.GITHUB_OIDC_PROVIDER_PER_ACCOUNT));

// IAM CreateOpenIDConnectProvider, Url: "You cannot register the same provider multiple times in a single Amazon Web
// Services account. If you try to submit a URL that has already been used for an OpenID Connect provider in the
// Amazon Web Services account, you will get an error." So two providers in one stack (one account) never deploy.
describe('one GitHub OIDC provider per stack', () => {
  test('two registries with GitHub identities in one stack: one provider, at the first registry\'s path, trusted by both roles', () => {
    const stack = stackIn(strictApp());
    const alpha = new ContainerRegistry(stack, 'Alpha', { spec: ciSpec('alpha') });
    const beta = new ContainerRegistry(stack, 'Beta', { spec: ciSpec('beta') });
    const template = Template.fromStack(stack);
    // Before the fix: two, AlphaIdentitiesGithubOidc... and BetaIdentitiesGithubOidc...
    expect(providers(template)).toEqual([expect.stringMatching(/^AlphaIdentitiesGithubOidc/)]);
    expect(trustedBy(template)).toEqual([providers(template)[0], providers(template)[0]]);
    expect(beta.identities!.githubOidcProvider).toBe(alpha.identities!.githubOidcProvider);
  });

  test('the first registry keeps the logical id a single registry has', () => {
    const single = stackIn(strictApp());
    new ContainerRegistry(single, 'Alpha', { spec: ciSpec('alpha') });
    const shared = stackIn(strictApp());
    new ContainerRegistry(shared, 'Alpha', { spec: ciSpec('alpha') });
    new ContainerRegistry(shared, 'Beta', { spec: ciSpec('beta') });
    expect(providers(Template.fromStack(shared))).toEqual(providers(Template.fromStack(single)));
  });

  test('an EcrRegistryStacks registry stack plus another registry there: one provider', () => {
    const app = new App();
    const stacks = EcrRegistryStacks.create(app, { spec: ciSpec('alpha'), env: ENV, stackCount: 1 });
    new ContainerRegistry(stacks.registryStack!, 'Beta', { spec: ciSpec('beta') });
    const template = Template.fromStack(stacks.registryStack!);
    expect(providers(template)).toHaveLength(1);
    expect(new Set(trustedBy(template))).toEqual(new Set(providers(template)));
    expect(trustedBy(template)).toHaveLength(2);
  });

  test('a GithubOidcProvider created before the registries is the one they trust', () => {
    const stack = stackIn(strictApp());
    new GithubOidcProvider(stack, 'GithubOidc');
    new ContainerRegistry(stack, 'Alpha', { spec: ciSpec('alpha') });
    const template = Template.fromStack(stack);
    expect(providers(template)).toEqual([expect.stringMatching(/^GithubOidc/)]);
    expect(trustedBy(template)).toEqual(providers(template));
  });

  test('a second GithubOidcProvider in a stack is a synth-time error naming the first', () => {
    const stack = stackIn(strictApp());
    new ContainerRegistry(stack, 'Alpha', { spec: ciSpec('alpha') });
    expect(() => new GithubOidcProvider(stack, 'Mine')).toThrow(
      'aws.GithubOidcProvider Platform/Mine: 1 problem\n  - a second GitHub Actions OIDC provider in the stack Platform, already created by Platform/Alpha/Identities/GithubOidc; '
      + 'IAM has one provider per URL (https://token.actions.githubusercontent.com) per account.');
  });

  test('negative controls: a registry given githubOidcProvider creates none; separate stacks each get their own', () => {
    const stack = stackIn(strictApp());
    const existing = iam.OpenIdConnectProvider.fromOpenIdConnectProviderArn(stack, 'Existing', 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com');
    new ContainerRegistry(stack, 'Alpha', { spec: ciSpec('alpha'), githubOidcProvider: existing });
    expect(providers(Template.fromStack(stack))).toEqual([]);

    const app = strictApp();
    const one = stackIn(app, 'One', { env: ENV });
    const two = stackIn(app, 'Two', { env: { ...ENV, account: '444455556666' } });
    new ContainerRegistry(one, 'Alpha', { spec: ciSpec('alpha') });
    new ContainerRegistry(two, 'Beta', { spec: ciSpec('beta') });
    expect([providers(Template.fromStack(one)).length, providers(Template.fromStack(two)).length]).toEqual([1, 1]);
    expect([...oidcWarnings(one), ...oidcWarnings(two)]).toEqual([]);
  });

  test('two stacks of one app creating a provider for the same account: a warning on the second', () => {
    const app = strictApp();
    const one = stackIn(app, 'One', { env: ENV });
    const two = stackIn(app, 'Two', { env: { ...ENV, region: 'us-east-1' } });
    new ContainerRegistry(one, 'Alpha', { spec: ciSpec('alpha') });
    new ContainerRegistry(two, 'Beta', { spec: ciSpec('beta') });
    expect(oidcWarnings(one)).toEqual([]);
    expect(oidcWarnings(two)).toEqual([expect.stringContaining('the stack One of this app also creates a GitHub Actions OIDC provider for account 123456789012')]);
  });

  test('stacks without an explicit account count as one default account', () => {
    const app = strictApp();
    const one = stackIn(app, 'One', {});
    const two = stackIn(app, 'Two', {});
    new ContainerRegistry(one, 'Alpha', { spec: ciSpec('alpha') });
    new ContainerRegistry(two, 'Beta', { spec: ciSpec('beta') });
    expect(oidcWarnings(two)).toEqual([expect.stringContaining('for account <default account>')]);
  });
});
