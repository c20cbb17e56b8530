import { TerraformChecks } from '../../src/gcp/terraform-checks';

/** A configuration with one repository of the given body. */
function repo(body: any): any {
  return { resource: { google_artifact_registry_repository: { r: { repository_id: 'platform', format: 'DOCKER', ...body } } } };
}
const KEEP = { id: 'keep', action: 'KEEP', most_recent_versions: { keep_count: 5 } };
const messages = (config: any) => TerraformChecks.check(config).map((p) => TerraformChecks.format(p));

describe('TerraformChecks', () => {
  test('a valid configuration has no problem', () => {
    expect(TerraformChecks.check(repo({
      cleanup_policies: [KEEP, { id: 'del', action: 'DELETE', condition: { tag_state: 'UNTAGGED', older_than: '604800s' } }],
      vulnerability_scanning_config: { enablement_config: 'INHERITED' },
    }))).toEqual([]);
    expect(() => TerraformChecks.assertValid('{"resource":{}}')).not.toThrow();
  });

  // Repository id rules (reference/cloud-limits.md): 1-63 chars; lower-case letters, digits, hyphens; starts with a letter, no trailing hyphen.
  test.each([
    ['Platform', 'is not a valid Artifact Registry repository id'],
    ['platform-', 'is not a valid Artifact Registry repository id'],
    ['1platform', 'is not a valid Artifact Registry repository id'],
    ['p'.repeat(64), 'is 64 characters long; Artifact Registry repository ids have 1-63 characters'],
  ])('repository id %s', (id, message) => {
    expect(messages(repo({ repository_id: id }))).toEqual([expect.stringContaining(`google_artifact_registry_repository.r.repository_id: ${JSON.stringify(id)} ${message}`)]);
  });

  test('Terraform expressions are not checked', () => {
    expect(TerraformChecks.check(repo({ repository_id: '${var.id}', cleanup_policies: '${local.p}' }))).toEqual([]);
  });

  // "Per repository, at most 10 policies" (reference/retention-semantics.md, from the cleanup policy docs).
  test('more than 10 policies', () => {
    const policies = Array.from({ length: 11 }, (_, i) => ({ ...KEEP, id: `k${i}` }));
    expect(messages(repo({ cleanup_policies: policies }))).toEqual([
      expect.stringContaining('.cleanup_policies: ["k0","k1","k2","k3","k4","k5","k6","k7","k8","k9","k10"] has 11 policies; Artifact Registry allows at most 10 per repository'),
    ]);
  });

  test('policy ids unique and under 128 characters', () => {
    const long = 'x'.repeat(128);
    expect(messages(repo({ cleanup_policies: [KEEP, KEEP, { ...KEEP, id: long }, { ...KEEP, id: '' }] }))).toEqual([
      'google_artifact_registry_repository.r.cleanup_policies[1].id: "keep" is used twice; policy ids are unique within a repository',
      `google_artifact_registry_repository.r.cleanup_policies[2].id: "${long}" is 128 characters long; policy ids are under 128 characters`,
      'google_artifact_registry_repository.r.cleanup_policies[3].id: "" is required',
    ]);
  });

  // "The following fields are mutually exclusive: condition, most_recent_versions" (CleanupPolicy API reference).
  test('condition XOR most_recent_versions', () => {
    expect(messages(repo({
      cleanup_policies: [
        { id: 'both', action: 'KEEP', condition: { tag_state: 'ANY' }, most_recent_versions: { keep_count: 1 } },
        { id: 'none', action: 'DELETE' },
      ],
    }))).toEqual([
      'google_artifact_registry_repository.r.cleanup_policies[0]: {"condition":{"tag_state":"ANY"},"most_recent_versions":{"keep_count":1}} needs exactly one of condition and most_recent_versions',
      'google_artifact_registry_repository.r.cleanup_policies[1]: {} needs exactly one of condition and most_recent_versions',
    ]);
  });

  // "Keep most recent versions ... You can't use Conditional keep and Keep most recent versions criteria in the same cleanup policy";
  // most recent versions is a kind of keep policy (Cleanup policy overview).
  test('most_recent_versions only on KEEP; keep_count positive', () => {
    expect(messages(repo({ cleanup_policies: [{ id: 'd', action: 'DELETE', most_recent_versions: { keep_count: 0 } }] }))).toEqual([
      'google_artifact_registry_repository.r.cleanup_policies[0].most_recent_versions: {"keep_count":0} is only allowed on KEEP policies (action is DELETE)',
      'google_artifact_registry_repository.r.cleanup_policies[0].most_recent_versions.keep_count: 0 must be a positive whole number',
    ]);
  });

  test('durations in seconds; actions and tag states from their enums', () => {
    expect(messages(repo({
      cleanup_policies: [
        { id: 'a', action: 'EXPIRE', condition: { tag_state: 'tagged', older_than: '604800.000000001s', newer_than: 86400 } },
      ],
    }))).toEqual([
      'google_artifact_registry_repository.r.cleanup_policies[0].action: "EXPIRE" is not DELETE or KEEP',
      'google_artifact_registry_repository.r.cleanup_policies[0].condition.tag_state: "tagged" is not TAGGED, UNTAGGED, ANY',
      'google_artifact_registry_repository.r.cleanup_policies[0].condition.older_than: "604800.000000001s" must be a duration in whole seconds ("604800s"): the google provider rejects fractions ("unexpected value is not duration")',
      'google_artifact_registry_repository.r.cleanup_policies[0].condition.newer_than: 86400 must be a duration in whole seconds ("604800s"): the google provider rejects fractions ("unexpected value is not duration")',
    ]);
    expect(messages(repo({ cleanup_policies: { id: 'x' } }))).toEqual(['google_artifact_registry_repository.r.cleanup_policies: {"id":"x"} must be a list']);
  });

  test('modes and their configuration blocks; scanning enablement values; virtual upstream ids', () => {
    expect(messages(repo({ mode: 'REMOTE_REPOSITORY', vulnerability_scanning_config: { enablement_config: 'ENABLED' } }))).toEqual([
      'google_artifact_registry_repository.r.remote_repository_config: undefined is required with mode REMOTE_REPOSITORY',
      'google_artifact_registry_repository.r.vulnerability_scanning_config.enablement_config: "ENABLED" is not INHERITED or DISABLED',
    ]);
    expect(messages(repo({ mode: 'VIRTUAL_REPOSITORY' }))).toEqual([
      'google_artifact_registry_repository.r.virtual_repository_config: undefined is required with mode VIRTUAL_REPOSITORY',
    ]);
    expect(messages(repo({ mode: 'MIRROR', remote_repository_config: {} }))).toEqual([
      'google_artifact_registry_repository.r.mode: "MIRROR" is not a repository mode (STANDARD_REPOSITORY, REMOTE_REPOSITORY, VIRTUAL_REPOSITORY)',
      'google_artifact_registry_repository.r.remote_repository_config: "..." is only allowed with mode REMOTE_REPOSITORY (mode is MIRROR)',
    ]);
    expect(messages(repo({ virtual_repository_config: { upstream_policies: [{ id: 'a' }, { id: 'a' }] }, mode: 'VIRTUAL_REPOSITORY' }))).toEqual([
      'google_artifact_registry_repository.r.virtual_repository_config.upstream_policies[1].id: "a" is used twice; upstream policy ids are unique',
    ]);
    expect(messages(repo({ virtual_repository_config: { upstream_policies: [] } }))).toEqual([
      'google_artifact_registry_repository.r.virtual_repository_config: "..." is only allowed with mode VIRTUAL_REPOSITORY (mode is STANDARD_REPOSITORY)',
    ]);
  });

  // account_id "must be 6-30 characters long, and match the regular expression [a-z]([-a-z0-9]*[a-z0-9])" (IAM CreateServiceAccountRequest);
  // pool id "should be 4-32 characters, and may contain the characters [a-z0-9-]. The prefix gcp- is reserved" (IAM workloadIdentityPools.create).
  test('service account, pool and provider ids; GitHub provider condition; public members', () => {
    const config = {
      resource: {
        google_service_account: { short: { account_id: 'ci' }, upper: { account_id: 'Platform-CI' }, ok: { account_id: 'platform-ci' }, none: {} },
        google_iam_workload_identity_pool: { p: { workload_identity_pool_id: 'gcp-github' } },
        google_iam_workload_identity_pool_provider: { g: { workload_identity_pool_provider_id: 'gh', oidc: { issuer_uri: 'https://token.actions.githubusercontent.com' } } },
        google_artifact_registry_repository_iam_member: { pub: { member: 'allUsers', role: 'roles/artifactregistry.reader', repository: 'r' } },
      },
    };
    expect(messages(config)).toEqual([
      'google_service_account.short.account_id: "ci" is not a valid service account id (6-30 characters: lower-case letters, digits and hyphens, starting with a letter, not ending with a hyphen)',
      'google_service_account.upper.account_id: "Platform-CI" is not a valid service account id (6-30 characters: lower-case letters, digits and hyphens, starting with a letter, not ending with a hyphen)',
      'google_service_account.none.account_id: undefined is required (a string)',
      'google_iam_workload_identity_pool.p.workload_identity_pool_id: "gcp-github" starts with "gcp-", a prefix Google reserves',
      'google_iam_workload_identity_pool_provider.g.workload_identity_pool_provider_id: "gh" is not a valid workload identity pool or provider id (4-32 characters: lower-case letters, digits and hyphens)',
      'google_iam_workload_identity_pool_provider.g.attribute_condition: undefined is required for GitHub: GitHub uses one issuer for every repository, so a provider without a condition admits any workflow on github.com',
      'google_artifact_registry_repository_iam_member.pub.member: "allUsers" makes the repository public; grant named principals only',
    ]);
    expect(() => TerraformChecks.assertValid(JSON.stringify(config))).toThrow(/^gcp\.TerraformChecks: the Terraform configuration breaks provider constraints: 7 problems\n {2}- google_service_account\.short/);
  });

  test('pathPrefix limits the check to one construct\'s resources', () => {
    const config = {
      resource: {
        google_service_account: {
          mine: { 'account_id': 'x', '//': { metadata: { path: 'stack/registry/Identities/ServiceAccount-ci' } } },
          other: { 'account_id': 'y', '//': { metadata: { path: 'stack/other/sa' } } },
          registry2: { 'account_id': 'z', '//': { metadata: { path: 'stack/registry2/sa' } } },
        },
      },
    };
    expect(TerraformChecks.check(config, { pathPrefix: 'stack/registry' }).map((p) => p.address)).toEqual(['google_service_account.mine']);
  });
});
