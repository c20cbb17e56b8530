import { IamWorkloadIdentityPool } from '@cdktf/provider-google/lib/iam-workload-identity-pool';
import { IamWorkloadIdentityPoolProvider } from '@cdktf/provider-google/lib/iam-workload-identity-pool-provider';
import { ServiceAccountIamMember } from '@cdktf/provider-google/lib/service-account-iam-member';
import { Testing } from 'cdktf';
import { GcpAccess } from './gcp-access';
import { annotations, resources, synthJson, testStack } from './helpers';
import { GithubWorkloadIdentity } from '../../src/gcp/github-workload-identity';

const POOL = 'projects/123456789012/locations/global/workloadIdentityPools/github-actions';
const TOOLS_TAG = GithubWorkloadIdentity.tagAttribute({ repository: 'acme/tools', tag: 'v*' });

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
        [`attribute.${TOOLS_TAG}`]: '(assertion.repository == "acme/tools" && !has(assertion.environment) && assertion.ref.startsWith("refs/tags/v")) ? "acme/tools" : "none"',
      },
      attribute_condition: '(assertion.repository == "acme/platform" && !has(assertion.environment) && assertion.ref == "refs/heads/main") || '
        + '(assertion.repository == "acme/platform" && has(assertion.environment) && assertion.environment == "prod") || '
        + `(attribute.${TOOLS_TAG} == "acme/tools")`,
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
    [{ repository: 'o/r', tag: 'v*' }, `principalSet://iam.googleapis.com/${POOL}/attribute.${GithubWorkloadIdentity.tagAttribute({ repository: 'o/r', tag: 'v*' })}/o/r`],
  ])('principal of %j', (trust, principal) => {
    expect(GithubWorkloadIdentity.principalFor(POOL, trust)).toBe(principal);
  });

  test.each([
    [{ repository: 'o/r', tag: 'v1.0.0' }, 'assertion.repository == "o/r" && !has(assertion.environment) && assertion.ref == "refs/tags/v1.0.0"'],
    [{ repository: 'o/r', tag: 'release-*-final' }, 'assertion.repository == "o/r" && !has(assertion.environment) && assertion.ref.matches("^refs/tags/release-.*-final$")'],
    [{ repository: 'o/r', tag: 'v*.*' }, 'assertion.repository == "o/r" && !has(assertion.environment) && assertion.ref.matches("^refs/tags/v.*\\\\..*$")'],
  ])('tag predicate of %j, in the attribute mapping; the condition tests the attribute', (trust, predicate) => {
    const attribute = GithubWorkloadIdentity.tagAttribute(trust);
    expect(GithubWorkloadIdentity.attributeMapping([trust])[`attribute.${attribute}`]).toBe(`(${predicate}) ? "o/r" : "none"`);
    expect(GithubWorkloadIdentity.attributeCondition([trust])).toBe(`attribute.${attribute} == "o/r"`);
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
    expect(annotations(w)).toEqual([expect.stringMatching(/^The existing workload identity provider .*\/providers\/gh is used as is: its attribute condition is not managed here\. Make sure it admits only assertion\.repository == "o\/r" && !has\(assertion\.environment\) && assertion\.ref == "refs\/heads\/main"/)]);
  });

  describe('a job reaches only the service accounts of the trusts it satisfies (CEL-evaluated)', () => {
    // Issue 13, item 2: one identity trusted on tags v*, another on environment prod of the same repository.
    const s = testStack();
    const w = new GithubWorkloadIdentity(s, 'T', {
      project: 'p',
      trusts: [{ repository: 'o/r', tag: 'v*' }, { repository: 'o/r', environment: 'prod' }, { repository: 'o/r', tag: 'rc-*' }],
    });
    w.allowImpersonation('projects/p/serviceAccounts/release@p.iam.gserviceaccount.com', { repository: 'o/r', tag: 'v*' }, 'Release');
    w.allowImpersonation('projects/p/serviceAccounts/deploy@p.iam.gserviceaccount.com', { repository: 'o/r', environment: 'prod' }, 'Deploy');
    w.allowImpersonation('projects/p/serviceAccounts/rc@p.iam.gserviceaccount.com', { repository: 'o/r', tag: 'rc-*' }, 'Rc');
    const access = new GcpAccess(synthJson(s));
    const provider = access.providers()[0].name;
    const token = (ref: string, environment?: string) => ({
      iss: 'https://token.actions.githubusercontent.com',
      aud: `https://iam.googleapis.com/${provider}`,
      sub: environment ? `repo:o/r:environment:${environment}` : `repo:o/r:ref:${ref}`,
      repository: 'o/r',
      repository_owner: 'o',
      ref,
      ref_type: ref.startsWith('refs/tags/') ? 'tag' : 'branch',
      environment,
    });

    test('a tag run matching v* reaches the tag identity only', () => {
      expect(access.serviceAccountsFor(token('refs/tags/v1.2.3'))).toEqual(['release@p.iam.gserviceaccount.com']);
      expect(access.serviceAccountsFor(token('refs/tags/rc-1'))).toEqual(['rc@p.iam.gserviceaccount.com']);
    });

    test('a job in the prod environment on any tag reaches the environment identity only, never the tag identities', () => {
      expect(access.exchange(token('refs/tags/anything', 'prod')).admitted).toBe(true);
      expect(access.serviceAccountsFor(token('refs/tags/anything', 'prod'))).toEqual(['deploy@p.iam.gserviceaccount.com']);
      expect(access.serviceAccountsFor(token('refs/tags/v9', 'prod'))).toEqual(['deploy@p.iam.gserviceaccount.com']);
    });

    test('a tag run outside the patterns is not admitted', () => {
      expect(access.exchange(token('refs/tags/x1')).admitted).toBe(false);
      expect(access.serviceAccountsFor(token('refs/tags/x1'))).toEqual([]);
    });

    test('negative control: the former mapping (repository + ref type) lets the prod job in as the tag identity', () => {
      const json = synthJson(s);
      const [key, provider0] = Object.entries<any>(json.resource.google_iam_workload_identity_pool_provider)[0];
      provider0.attribute_mapping['attribute.repository_ref_type'] = 'assertion.repository + ":" + assertion.ref_type';
      const member = Object.values<any>(json.resource.google_service_account_iam_member).find((m) => m.service_account_id.includes('release@'));
      member.member = member.member.replace(/attribute\.tag_[a-z0-9_]+\/o\/r$/, 'attribute.repository_ref_type/o/r:tag');
      expect(key).toBeDefined();
      expect(new GcpAccess(json).serviceAccountsFor(token('refs/tags/anything', 'prod'))).toEqual(['deploy@p.iam.gserviceaccount.com', 'release@p.iam.gserviceaccount.com']);
    });

    test('no warning: the escape is not expressible', () => {
      expect(annotations(w)).toEqual([]);
    });
  });

  test('tag attributes are distinct per repository and pattern, within the key grammar and length', () => {
    const names = [
      { repository: 'o/r', tag: 'v*' }, { repository: 'o/r', tag: 'v.*' }, { repository: 'o/r-', tag: 'v*' }, { repository: 'O/R', tag: 'v*' },
      { repository: `o/${'r'.repeat(100)}`, tag: `${'v'.repeat(120)}*` },
    ].map((t) => GithubWorkloadIdentity.tagAttribute(t));
    expect(new Set(names).size).toBe(names.length);
    for (const n of names) expect(n).toMatch(/^[a-z0-9_]{1,100}$/);
  });

  test('refuses trusts beyond the provider\'s limits (50 custom attributes)', () => {
    const trusts = Array.from({ length: 46 }, (_, i) => ({ repository: 'o/r', tag: `t${i}-*` }));
    expect(() => new GithubWorkloadIdentity(testStack(), 'T', { project: 'p', trusts }))
      .toThrow(/the trusts need 51 custom attributes \(5 claims and one per distinct tag trust\), but a workload identity pool provider maps at most 50: use at most 45 distinct tag trusts/);
    expect(() => new GithubWorkloadIdentity(testStack(), 'T', { project: 'p', trusts: trusts.slice(0, 45) })).not.toThrow();
    const many = Array.from({ length: 60 }, (_, i) => ({ repository: 'o/r', branch: `release/branch-number-${i}` }));
    expect(() => new GithubWorkloadIdentity(testStack(), 'T', { project: 'p', trusts: many }))
      .toThrow(/the attribute condition of the 60 trusts is \d+ characters long; the provider allows 4096/);
  });

  test('reports every bad id at once', () => {
    expect(() => new GithubWorkloadIdentity(testStack(), 'T', { project: 'p', trusts: [], poolId: 'gcp-pool', providerId: 'GH' }))
      .toThrow(/^gcp\.GithubWorkloadIdentity stack\/T: 3 problems\n {2}- props\.poolId: "gcp-pool" starts with "gcp-", a prefix Google reserves\n {2}- props\.providerId: "GH" is not a valid workload identity pool or provider id \(4-32 characters: lower-case letters, digits and hyphens\)\n {2}- props\.trusts: \[\] is empty/);
    expect(() => new GithubWorkloadIdentity(testStack(), 'T', { project: 'p', trusts: [{ repository: 'o/r', branch: 'm' }], existingPool: { poolName: 'github-actions' } }))
      .toThrow('props.existingPool.poolName: "github-actions" is not a pool name (projects/<project number>/locations/global/workloadIdentityPools/<pool id>)');
    expect(() => GithubWorkloadIdentity.attributeCondition([])).toThrow('no GitHub trust given');
    expect(() => GithubWorkloadIdentity.attributeCondition([{ repository: 'o/r' }])).toThrow('GitHub trust for o/r must name exactly one of branch, environment or tag');
    expect(() => GithubWorkloadIdentity.principalFor(POOL, { repository: 'o/r' })).toThrow('must name exactly one of branch, environment or tag');
  });

  test('snapshot', () => {
    expect(synthesized).toMatchSnapshot();
    expect(ServiceAccountIamMember.tfResourceType).toBe('google_service_account_iam_member');
  });
});
