import { spawnSync } from 'child_process';
import { readFileSync } from 'fs';
import { join } from 'path';
import { PROJECT, spec } from '../../examples/gcp/spec';
import { TerraformChecks } from '../../src/gcp/terraform-checks';
import { GarCleanupEvaluator } from '../../src/retention/gar-evaluator';
import { GarCleanupTranslation } from '../../src/retention/gar-translation';
import { RetentionEvaluator } from '../../src/retention/neutral-evaluator';
import { EffectiveSpec } from '../../src/spec';

/** JSON with object keys sorted (cdktf writes sorted keys), to compare documents byte for byte. */
function canonical(value: any): string {
  const sort = (v: any): any => (Array.isArray(v) ? v.map(sort)
    : v && typeof v === 'object' ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sort(v[k])])) : v);
  return JSON.stringify(sort(value));
}

// The README's main command for the GCP example, then the output folder it writes
// (cdktf's own synth path: the app's `app.synth()`, what `cdktf synth` runs).
describe('examples/gcp', () => {
  const root = join(__dirname, '../..');
  const res = spawnSync(join(root, 'node_modules/.bin/tsx'), [join(root, 'scripts/synth-examples.ts'), '--only', 'gcp'], { cwd: root, encoding: 'utf8' });
  const out = join(root, 'examples/gcp/cdktf.out/stacks/platform-registry-gcp/cdk.tf.json');
  const text = res.status === 0 ? readFileSync(out, 'utf8') : '{}';
  const tf = JSON.parse(text);
  const repos = Object.values<any>(tf.resource?.google_artifact_registry_repository ?? {});
  const standard = repos.filter((r) => r.mode === 'STANDARD_REPOSITORY');

  test('synthesizes with no failure', () => {
    expect(res.stderr).toBe('');
    expect(res.stdout).toMatch(/== examples\/gcp\n[\s\S]*output: examples\/gcp\/cdktf\.out\/stacks\/platform-registry-gcp\/cdk\.tf\.json\n\n1 example, 0 failures\n$/);
    expect(res.status).toBe(0);
  });

  test('passes the Terraform provider-constraint checks', () => {
    expect(TerraformChecks.check(tf)).toEqual([]);
    expect(tf.provider.google).toEqual([{ project: PROJECT }]);
  });

  test('three repositories in the europe multi-region, protected from destroy, scanned, immutable', () => {
    expect(standard.map((r) => r.repository_id).sort()).toEqual(['platform-dev', 'platform-prod', 'platform-staging']);
    for (const r of standard) {
      expect(r).toMatchObject({
        location: 'europe',
        format: 'DOCKER',
        lifecycle: { prevent_destroy: true },
        docker_config: { immutable_tags: true },
        vulnerability_scanning_config: { enablement_config: 'INHERITED' },
        labels: { 'team': 'platform', 'cost-center': 'eng-42' },
      });
    }
    expect(Object.values<any>(tf.resource.google_project_service)[0].service).toBe('containerscanning.googleapis.com');
  });

  test('cleanup policies are the GAR translation, byte for byte (canonical key order)', () => {
    const expected = GarCleanupTranslation.translate(
      spec.repositories.map((r) => ({ packageName: r.name, policy: EffectiveSpec.retention(spec, r) })),
      { allPackageNames: spec.repositories.map((r) => r.name) },
    );
    for (const r of standard) {
      expect(canonical(r.cleanup_policies)).toBe(canonical(JSON.parse(GarCleanupTranslation.toTerraformJson(expected.policies))));
      expect(r.cleanup_policy_dry_run).toBe(false);
    }
  });

  test('the synthesized cleanup policies, with the repository\'s immutable tags, delete a subset of what the spec deletes', () => {
    const now = new Date('2026-06-01T00:00:00Z');
    const daysAgo = (d: number) => new Date(now.getTime() - d * 86_400_000);
    const api = [
      { digest: 'sha256:a1', tags: ['v1.0.0'], pushedAt: daysAgo(400) }, // protected v*
      { digest: 'sha256:a2', tags: [], pushedAt: daysAgo(8) }, // untagged, older than 7 days
      { digest: 'sha256:a3', tags: [], pushedAt: daysAgo(6) }, // untagged, recent
      { digest: 'sha256:a4', tags: ['pr-17'], pushedAt: daysAgo(15) }, // pr-*, older than 14 days
      { digest: 'sha256:a5', tags: ['pr-18'], pushedAt: daysAgo(2) }, // pr-*, recent
    ];
    // 203 untagged layers of web, all older than 7 days.
    const web = Array.from({ length: 203 }, (_, i) => ({ digest: `sha256:w${String(i).padStart(3, '0')}`, tags: [] as string[], pushedAt: daysAgo(i + 8) }));
    const versions = [
      ...api.map((v) => ({ packageName: 'api', version: v.digest, tags: v.tags, createTime: v.pushedAt })),
      ...web.map((v) => ({ packageName: 'web', version: v.digest, tags: v.tags, createTime: v.pushedAt })),
    ];
    const repo = standard[0];
    const options = { now, immutableTags: repo.docker_config.immutable_tags };
    const gar = GarCleanupEvaluator.evaluate(JSON.stringify(repo.cleanup_policies), versions, options).deleted.map((d) => `${d.packageName}@${d.version}`);
    const neutral = [
      ...RetentionEvaluator.evaluate(EffectiveSpec.retention(spec, spec.repositories[0]), api, { now }).expired.map((e) => `api@${e.digest}`),
      ...RetentionEvaluator.evaluate(EffectiveSpec.retention(spec, spec.repositories[1]), web, { now }).expired.map((e) => `web@${e.digest}`),
    ].sort();
    expect(neutral).toEqual(['api@sha256:a2', 'api@sha256:a4', ...web.map((w) => `web@${w.digest}`)]);
    // The `any` keep-200 rule has no cleanup policy: most_recent_versions would count cosign's signatures, which the spec
    // does not (retention.countAttachments), so it keeps its selection and shields nothing. Immutable tags keep every tagged
    // version (a4). Both are reported as conservative warnings; every untagged version the spec expires goes.
    expect(gar).toEqual(neutral.filter((d) => d !== 'api@sha256:a4'));
    expect(gar.every((d) => neutral.includes(d))).toBe(true);
  });

  test('GitHub trust: a pool, a provider restricted to the spec\'s workflows, impersonation per identity', () => {
    const provider = Object.values<any>(tf.resource.google_iam_workload_identity_pool_provider)[0];
    expect(provider.oidc.issuer_uri).toBe('https://token.actions.githubusercontent.com');
    expect(provider.attribute_condition).toBe('(assertion.repository == "acme/platform" && !has(assertion.environment) && assertion.ref == "refs/heads/main") || '
      + '(assertion.repository == "acme/platform" && has(assertion.environment) && assertion.environment == "prod")');
    const impersonation = Object.values<any>(tf.resource.google_service_account_iam_member).map((m) => m.member.replace(/\$\{[^}]+\}/, '<pool>')).sort();
    expect(impersonation).toEqual([
      'principal://iam.googleapis.com/<pool>/subject/repo:acme/platform:environment:prod',
      'principal://iam.googleapis.com/<pool>/subject/repo:acme/platform:ref:refs/heads/main',
    ]);
    expect(Object.keys(tf.output).sort()).toEqual([
      'GCP_LOCATION', 'GCP_PROJECT_ID', 'GCP_REPOSITORY_URL_DEV', 'GCP_REPOSITORY_URL_PROD', 'GCP_REPOSITORY_URL_STAGING',
      'GCP_SERVICE_ACCOUNT_CI', 'GCP_SERVICE_ACCOUNT_PROMOTER', 'GCP_WORKLOAD_IDENTITY_PROVIDER',
    ]);
  });

  test('a Docker Hub remote repository with Secret Manager credentials, and a virtual repository over prod and the cache', () => {
    const remote = repos.find((r) => r.mode === 'REMOTE_REPOSITORY');
    expect(remote.remote_repository_config.docker_repository).toEqual({ public_repository: 'DOCKER_HUB' });
    expect(remote.remote_repository_config.upstream_credentials.username_password_credentials.password_secret_version)
      .toBe('projects/acme-registry/secrets/dockerhub-token/versions/1');
    const virtual = repos.find((r) => r.mode === 'VIRTUAL_REPOSITORY');
    expect(virtual.virtual_repository_config.upstream_policies.map((p: any) => `${p.id}:${p.priority}`)).toEqual(['platform-prod:20', 'platform-docker-hub:10']);
  });
});
