import { IamWorkloadIdentityPool } from '@cdktf/provider-google/lib/iam-workload-identity-pool';
import { IamWorkloadIdentityPoolProvider } from '@cdktf/provider-google/lib/iam-workload-identity-pool-provider';
import { ServiceAccountIamMember } from '@cdktf/provider-google/lib/service-account-iam-member';
import { Testing } from 'cdktf';
import { annotations, resources, synthJson, testStack } from './helpers';
import { GithubWorkloadIdentity } from '../../src/gcp/github-workload-identity';

const POOL = 'projects/123456789012/locations/global/workloadIdentityPools/github-actions';

describe('GithubWorkloadIdentity', () => {
  const stack = testStack();
  const wif = new GithubWorkloadIdentity(stack, 'Trust', {
    project: 'acme-registry',
    trusts: [
      { repository: 'acme/platform', branch: 'main' },
      { repository: 'acme/platform', environment: 'prod' },
      { repository: 'acme/tools', tag: 'v*' },
    ],
  });
  wif.allowImpersonation('projects/acme-registry/serviceAccounts/ci@acme-registry.iam.gserviceaccount.com', { repository: 'acme/platform', branch: 'main' });
  const synthesized = Testing.synth(stack);

  // "Warning: GitHub use a single issuer URL across all organizations ... you must use an attribute condition that
  // restricts access to tokens issued by your GitHub organization." (terraform-google-wif-github README)
  test('creates a pool and a GitHub OIDC provider whose condition admits only the spec\'s workflows', () => {
    expect(synthesized).toHaveResourceWithProperties(IamWorkloadIdentityPool, { workload_identity_pool_id: 'github-actions', project: 'acme-registry' });
    expect(synthesized).toHaveResourceWithProperties(IamWorkloadIdentityPoolProvider, {
      workload_identity_pool_provider_id: 'github',
      oidc: { issuer_uri: 'https://token.actions.githubusercontent.com' },
      attribute_mapping: {
        'google.subject': 'assertion.sub',
        'attribute.repository': 'assertion.repository',
        'attribute.repository_owner': 'assertion.repository_owner',
        'attribute.ref': 'assertion.ref',
        'attribute.ref_type': 'assertion.ref_type',
        'attribute.environment': 'assertion.environment',
        'attribute.repository_ref_type': 'assertion.repository + ":" + assertion.ref_type',
      },
      attribute_condition: '(assertion.repository == "acme/platform" && assertion.ref == "refs/heads/main") || '
        + '(assertion.repository == "acme/platform" && has(assertion.environment) && assertion.environment == "prod") || '
        + '(assertion.repository == "acme/tools" && assertion.ref.startsWith("refs/tags/v"))',
    });
  });

  test('the provider is created in the pool it creates', () => {
    const provider = resources(synthJson(stack), 'google_iam_workload_identity_pool_provider')[0];
    expect(provider.workload_identity_pool_id).toMatch(/^\$\{google_iam_workload_identity_pool\..*\.workload_identity_pool_id\}$/);
  });

  test('impersonation: roles/iam.workloadIdentityUser for the subject of the trusted branch', () => {
    const member = resources(synthJson(stack), 'google_service_account_iam_member')[0];
    expect(member.role).toBe('roles/iam.workloadIdentityUser');
    expect(member.service_account_id).toBe('projects/acme-registry/serviceAccounts/ci@acme-registry.iam.gserviceaccount.com');
    expect(member.member).toMatch(/^principal:\/\/iam\.googleapis\.com\/\$\{google_iam_workload_identity_pool\..*\.name\}\/subject\/repo:acme\/platform:ref:refs\/heads\/main$/);
  });

  test.each([
    [{ repository: 'o/r', branch: 'main' }, `principal://iam.googleapis.com/${POOL}/subject/repo:o/r:ref:refs/heads/main`],
    [{ repository: 'o/r', environment: 'prod' }, `principal://iam.googleapis.com/${POOL}/subject/repo:o/r:environment:prod`],
    [{ repository: 'o/r', tag: 'v*' }, `principalSet://iam.googleapis.com/${POOL}/attribute.repository_ref_type/o/r:tag`],
  ])('principal of %j', (trust, principal) => {
    expect(GithubWorkloadIdentity.principalFor(POOL, trust)).toBe(principal);
  });

  test.each([
    [{ repository: 'o/r', tag: 'v1.0.0' }, 'assertion.repository == "o/r" && assertion.ref == "refs/tags/v1.0.0"'],
    [{ repository: 'o/r', tag: 'release-*-final' }, 'assertion.repository == "o/r" && assertion.ref.matches("^refs/tags/release-.*-final$")'],
    [{ repository: 'o/r', tag: 'v*.*' }, 'assertion.repository == "o/r" && assertion.ref.matches("^refs/tags/v.*\\\\..*$")'],
  ])('tag condition of %j', (trust, condition) => {
    expect(GithubWorkloadIdentity.attributeCondition([trust])).toBe(condition);
  });

  test('an existing pool: the provider is created in it, by pool id', () => {
    const s = testStack();
    const w = new GithubWorkloadIdentity(s, 'T', { project: 'p', trusts: [{ repository: 'o/r', branch: 'main' }], existingPool: { poolName: POOL } });
    const json = synthJson(s);
    expect(resources(json, 'google_iam_workload_identity_pool')).toEqual([]);
    expect(resources(json, 'google_iam_workload_identity_pool_provider')[0].workload_identity_pool_id).toBe('github-actions');
    expect(w.poolName).toBe(POOL);
  });

  test('an existing pool and provider: nothing is created, and a warning says the condition is the owner\'s', () => {
    const s = testStack();
    const w = new GithubWorkloadIdentity(s, 'T', {
      project: 'p',
      trusts: [{ repository: 'o/r', branch: 'main' }],
      existingPool: { poolName: POOL, providerName: `${POOL}/providers/gh` },
    });
    const json = synthJson(s);
    expect(resources(json, 'google_iam_workload_identity_pool_provider')).toEqual([]);
    expect(w.providerName).toBe(`${POOL}/providers/gh`);
    expect(annotations(w)).toEqual([expect.stringMatching(/^The existing workload identity provider .*\/providers\/gh is used as is: its attribute condition is not managed here\. Make sure it admits only assertion\.repository == "o\/r" && assertion\.ref == "refs\/heads\/main"/)]);
  });

  test('warns when one repository is trusted on several tag patterns', () => {
    const s = testStack();
    const w = new GithubWorkloadIdentity(s, 'T', { project: 'p', trusts: [{ repository: 'o/r', tag: 'v*' }, { repository: 'o/r', tag: 'rc-*' }] });
    expect(annotations(w)).toEqual([expect.stringContaining('GitHub repository o/r is trusted on several tag patterns (rc-*, v*): a principal set cannot tell tags apart')]);
  });

  test('warns when one repository is trusted on tags and on an environment (a tag run in that environment matches the tag principal set)', () => {
    const s = testStack();
    const w = new GithubWorkloadIdentity(s, 'T', { project: 'p', trusts: [{ repository: 'o/r', tag: 'v*' }, { repository: 'o/r', environment: 'prod' }] });
    expect(annotations(w)).toEqual([expect.stringMatching(/^GitHub repository o\/r is trusted on tags \(v\*\) and on environment prod: a job in such an environment running on any tag/)]);
    const other = new GithubWorkloadIdentity(testStack(), 'U', { project: 'p', trusts: [{ repository: 'o/r', tag: 'v*' }, { repository: 'o/r', branch: 'main' }] });
    expect(annotations(other)).toEqual([]);
  });

  test('reports every bad id at once', () => {
    expect(() => new GithubWorkloadIdentity(testStack(), 'T', { project: 'p', trusts: [], poolId: 'gcp-pool', providerId: 'GH' }))
      .toThrow(/3 problems\n {2}- poolId "gcp-pool" starts with "gcp-", a prefix Google reserves\n {2}- providerId "GH" is not a valid workload identity pool or provider id \(4-32 characters: lower-case letters, digits and hyphens\)\n {2}- trusts is empty/);
    expect(() => new GithubWorkloadIdentity(testStack(), 'T', { project: 'p', trusts: [{ repository: 'o/r', branch: 'm' }], existingPool: { poolName: 'github-actions' } }))
      .toThrow('existingPool.poolName "github-actions" is not a pool name (projects/<project number>/locations/global/workloadIdentityPools/<pool id>)');
    expect(() => GithubWorkloadIdentity.attributeCondition([])).toThrow('no GitHub trust given');
    expect(() => GithubWorkloadIdentity.attributeCondition([{ repository: 'o/r' }])).toThrow('GitHub trust for o/r must name exactly one of branch, environment or tag');
    expect(() => GithubWorkloadIdentity.principalFor(POOL, { repository: 'o/r' })).toThrow('must name exactly one of branch, environment or tag');
  });

  test('snapshot', () => {
    expect(synthesized).toMatchSnapshot();
    expect(ServiceAccountIamMember.tfResourceType).toBe('google_service_account_iam_member');
  });
});
