import { GarPolicyPlan } from '../../src/gcp/gar-policy-plan';
import { Cloud, EnvironmentLayout, PolicyPlanText, RegistrySpec, TagState } from '../../src/spec';

const spec: RegistrySpec = {
  name: 'platform',
  repositories: [{ name: 'api' }],
  environments: { layout: EnvironmentLayout.REPOSITORIES, chain: [{ name: 'dev' }, { name: 'prod' }] },
  retention: { protectedTags: ['prod'], rules: [{ tagState: TagState.UNTAGGED, expireAfterDays: 7 }] },
  access: {
    pushers: [{ name: 'ci', github: { repository: 'example/platform', branch: 'main' } }],
    pullers: [{ name: 'runtime', gcpMembers: ['serviceAccount:gke@example.iam.gserviceaccount.com'], environments: ['prod'] }],
  },
};

describe('GarPolicyPlan', () => {
  const entries = GarPolicyPlan.fromSpec(spec, { project: 'acme-registry', location: 'europe' });
  const text = PolicyPlanText.render(entries);
  const doc = (resource: string, kind: string) => JSON.parse(entries.find((e) => e.resource === resource && e.kind === kind)!.document);

  test('per repository: the cleanup policies and settings the construct synthesizes', () => {
    expect(entries.every((e) => e.cloud === Cloud.GCP)).toBe(true);
    const cleanup = doc('repository platform-dev', 'cleanup-policies');
    expect(cleanup.cleanup_policy_dry_run).toBe(false);
    expect(cleanup.cleanup_policies.map((p: any) => p.action)).toContain('DELETE');
    expect(cleanup.cleanup_policies.find((p: any) => p.action === 'DELETE').condition).toMatchObject({ tag_state: 'UNTAGGED', older_than: '604800s' });
    expect(doc('repository platform-prod', 'settings')).toMatchObject({ format: 'DOCKER', location: 'europe', prevent_destroy: true });
  });

  test('IAM members per repository, with created service accounts as placeholders and existing members as given', () => {
    expect(doc('repository platform-dev', 'iam-members')).toEqual([
      { role: 'roles/artifactregistry.writer', member: expect.stringMatching(/^<gcp:service-account:Registry\/Identities\/[^>]*ci[^>]*:member>$/) },
    ]);
    expect(doc('repository platform-prod', 'iam-members')).toEqual([
      { role: 'roles/artifactregistry.reader', member: 'serviceAccount:gke@example.iam.gserviceaccount.com' },
    ]);
  });

  test('trust: the impersonation binding of the CI service account and the provider condition', () => {
    const [binding] = doc('service-account platform-ci', 'trust-bindings');
    expect(binding.role).toBe('roles/iam.workloadIdentityUser');
    expect(binding.member).toMatch(/^principal:\/\/iam\.googleapis\.com\/<gcp:iam-workload-identity-pool:.*:name>\/subject\/repo:example\/platform:ref:refs\/heads\/main$/);
    expect(text).toContain('"attribute_condition": "assertion.repository == \\"example/platform\\" && !has(assertion.environment) && assertion.ref == \\"refs/heads/main\\""');
    expect(text).not.toMatch(/\$\{|_[0-9A-F]{8}\b/);
  });

  test('stable: the same spec renders the same text', () => {
    expect(PolicyPlanText.render(GarPolicyPlan.fromSpec(spec, { project: 'acme-registry', location: 'europe' }))).toBe(text);
  });
});
