import { Template } from 'aws-cdk-lib/assertions';
import { snapshotOf, stackIn, strictApp } from './helpers';
import { GithubOidcProvider } from '../../src/aws';

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
