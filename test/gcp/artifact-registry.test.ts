import { ArtifactRegistryRepository } from '@cdktf/provider-google/lib/artifact-registry-repository';
import { ProjectService } from '@cdktf/provider-google/lib/project-service';
import { Testing } from 'cdktf';
import { annotations, resources, synthJson, testStack, warningIds } from './helpers';
import { ContainerRegistry, ContainerRegistryProps } from '../../src/gcp/artifact-registry';
import { GarCleanupTranslation } from '../../src/retention/gar-translation';
import {
  EffectiveSpec, EncryptionType, EnvironmentLayout, RegistrySpec, ScanMode, Severity, TagState, UpstreamRegistry,
} from '../../src/spec';
import { ProblemsError } from '../../src/spec/problems';
import { validSpec } from '../spec/fixtures';

const KEY = 'projects/acme-kms/locations/europe/keyRings/registry/cryptoKeys/images';

/** The fixture spec (3 environments, repositories layout) with GCP identities. */
const spec: RegistrySpec = validSpec({
  access: {
    pushers: [{ name: 'ci', github: { repository: 'acme/platform', branch: 'main' } }],
    pullers: [{ name: 'runtime', gcpMembers: ['serviceAccount:gke@acme-registry.iam.gserviceaccount.com'], environments: ['prod'] }],
    promoters: [{ name: 'promoter', github: { repository: 'acme/platform', environment: 'prod' } }],
  },
  encryption: { type: EncryptionType.CUSTOMER_MANAGED, gcpKmsKeyName: KEY },
  labels: { team: 'platform' },
  upstreamCaches: [{ name: 'docker-hub', upstream: UpstreamRegistry.DOCKER_HUB, username: 'acmebot', gcpSecretVersion: 'projects/acme-registry/secrets/hub/versions/1' }],
});

function build(s: RegistrySpec, props: Partial<ContainerRegistryProps> = {}) {
  const stack = testStack();
  const registry = new ContainerRegistry(stack, 'Registry', { spec: s, project: 'acme-registry', location: 'europe', ...props });
  return { stack, registry };
}

describe('ContainerRegistry (GCP)', () => {
  const { stack, registry } = build(spec, { enableScanningApi: true, virtualRepository: {}, repoAdminMembers: ['group:registry-admins@acme.example'] });
  const synthesized = Testing.synth(stack, true);
  const json = JSON.parse(synthesized);
  const repos = resources(json, 'google_artifact_registry_repository');
  const standard = repos.filter((r) => r.mode === 'STANDARD_REPOSITORY');

  test('one DOCKER repository per environment, named by Naming.garRepositoryId, in a multi-region', () => {
    expect(standard.map((r) => r.repository_id).sort()).toEqual(['platform-dev', 'platform-prod', 'platform-staging']);
    for (const r of standard) {
      expect(r).toMatchObject({ format: 'DOCKER', location: 'europe', project: 'acme-registry', kms_key_name: KEY, labels: { team: 'platform' } });
    }
    expect(registry.repositories.map((r) => r.registryUrl)).toEqual([
      'europe-docker.pkg.dev/acme-registry/platform-dev', 'europe-docker.pkg.dev/acme-registry/platform-staging', 'europe-docker.pkg.dev/acme-registry/platform-prod',
    ]);
    expect(registry.repository('prod').repositoryId).toBe('platform-prod');
  });

  test('cleanup policies are exactly the GAR translation of the retention; dry run from the spec', () => {
    const expected = GarCleanupTranslation.translate(
      spec.repositories.map((r) => ({ packageName: r.name, policy: EffectiveSpec.retention(spec, r) })),
      { allPackageNames: spec.repositories.map((r) => r.name) },
    );
    for (const r of standard) {
      // Testing.synth sorts keys; the example test compares the unsorted cdk.tf.json byte for byte.
      expect(r.cleanup_policies).toEqual(JSON.parse(GarCleanupTranslation.toTerraformJson(expected.policies)));
      expect(r.cleanup_policy_dry_run).toBe(false);
    }
    const dry = build(validSpec({ retention: { ...validSpec().retention, dryRun: true } }));
    expect(resources(synthJson(dry.stack), 'google_artifact_registry_repository').map((r) => r.cleanup_policy_dry_run)).toEqual([true, true, true]);
  });

  test('the default tag policy keeps release tags immutable (all or nothing), with the tag decision\'s warning', () => {
    for (const r of standard) expect(r.docker_config).toEqual({ immutable_tags: true });
    expect(annotations(registry)).toContainEqual(expect.stringContaining('Artifact Registry\'s immutable_tags is all or nothing'));
  });

  test('immutable tags and retention of tagged images: a warning that tagged versions are never deleted', () => {
    expect(annotations(registry)).toContainEqual(
      'docker_config.immutable_tags is on, so Artifact Registry never deletes a tagged version: the cleanup policies r2-delete-rest delete untagged versions only '
      + '(conservative: tagged images the retention expires are kept). To expire tagged images on GCP, set tagPolicy.immutable to false.',
    );
  });

  test('scanning INHERITED and the Container Scanning API enabled when asked', () => {
    for (const r of standard) expect(r.vulnerability_scanning_config).toEqual({ enablement_config: 'INHERITED' });
    expect(synthesized).toHaveResourceWithProperties(ProjectService, { service: 'containerscanning.googleapis.com', project: 'acme-registry', disable_on_destroy: false });
  });

  test('prevent_destroy on the standard repositories by default', () => {
    for (const r of standard) expect(r.lifecycle).toEqual({ prevent_destroy: true });
  });

  test('a remote Docker Hub repository and a virtual repository fronting prod and the cache', () => {
    expect(synthesized).toHaveResourceWithProperties(ArtifactRegistryRepository, { repository_id: 'platform-docker-hub', mode: 'REMOTE_REPOSITORY' });
    const v = repos.find((r) => r.mode === 'VIRTUAL_REPOSITORY');
    expect(v.repository_id).toBe('platform-virtual');
    expect(v.virtual_repository_config.upstream_policies.map((p: any) => `${p.id}:${p.priority}`)).toEqual(['platform-prod:20', 'platform-docker-hub:10']);
  });

  test('identities: service accounts, WIF, repository-scoped roles; repoAdmin only for the members asked', () => {
    const members = resources(json, 'google_artifact_registry_repository_iam_member');
    const roles = members.map((m) => m.role.replace('roles/artifactregistry.', ''));
    expect(roles.filter((r) => r === 'repoAdmin')).toHaveLength(3);
    expect(members.filter((m) => m.role.endsWith('repoAdmin')).every((m) => m.member === 'group:registry-admins@acme.example')).toBe(true);
    // The prod puller may pull through the virtual repository and the cache.
    const runtime = members.filter((m) => m.member === 'serviceAccount:gke@acme-registry.iam.gserviceaccount.com');
    expect(runtime.map((m) => m.role)).toEqual(['roles/artifactregistry.reader', 'roles/artifactregistry.reader', 'roles/artifactregistry.reader']);
    expect(resources(json, 'google_service_account').map((s) => s.account_id).sort()).toEqual(['platform-ci', 'platform-promoter']);
    expect(resources(json, 'google_iam_workload_identity_pool')[0].workload_identity_pool_id).toBe('platform-github');
  });

  test('outputs named for the promotion workflow', () => {
    expect(Object.keys(json.output).sort()).toEqual([
      'GCP_LOCATION', 'GCP_PROJECT_ID', 'GCP_REPOSITORY_URL_DEV', 'GCP_REPOSITORY_URL_PROD', 'GCP_REPOSITORY_URL_STAGING',
      'GCP_SERVICE_ACCOUNT_CI', 'GCP_SERVICE_ACCOUNT_PROMOTER', 'GCP_WORKLOAD_IDENTITY_PROVIDER',
    ]);
    expect(json.output.GCP_WORKLOAD_IDENTITY_PROVIDER.value).toMatch(/^\$\{google_iam_workload_identity_pool_provider\..*\.name\}$/);
    expect(json.output.GCP_REPOSITORY_URL_DEV.value).toBe('europe-docker.pkg.dev/acme-registry/platform-dev');
  });

  test('registry-wide grants: pull everywhere, push to standard repositories only', () => {
    const { stack: s, registry: r } = build(validSpec({ access: undefined }), { virtualRepository: { environment: 'staging' } });
    r.grantPull('group:readers@acme.example');
    r.grantPush('group:writers@acme.example');
    r.grantPullPush('group:both@acme.example');
    const members = resources(synthJson(s), 'google_artifact_registry_repository_iam_member').map((m) => `${m.member} ${m.role.split('.').pop()}`);
    const count = (x: string) => members.filter((m) => m === x).length;
    expect(count('group:readers@acme.example reader')).toBe(4); // 3 standard + virtual
    expect(count('group:writers@acme.example writer')).toBe(3);
    expect(count('group:both@acme.example writer')).toBe(3);
    expect(count('group:both@acme.example reader')).toBe(1);
    const v = resources(synthJson(s), 'google_artifact_registry_repository').find((x) => x.mode === 'VIRTUAL_REPOSITORY');
    expect(v.virtual_repository_config.upstream_policies.map((p: any) => p.id)).toEqual(['platform-staging']);
  });

  describe('grants with GrantOptions (images, environments)', () => {
    const withCache = validSpec({ access: undefined, upstreamCaches: [{ name: 'docker-hub', upstream: UpstreamRegistry.DOCKER_HUB }] });
    const bindings = (st: any) => resources(synthJson(st), 'google_artifact_registry_repository_iam_member')
      .map((m) => `${m.repository.replace(/^\$\{google_artifact_registry_repository\.(\w+?)_[A-F0-9]+\.repository_id\}$/, '$1')} ${m.role.split('.').pop()} ${m.member}`).sort();

    test('environments scope the standard repositories; pulls also cover the caches, and the virtual repository when it serves one of them', () => {
      const { stack: s, registry: r } = build(withCache, { virtualRepository: {}, outputs: false });
      const pull = r.grantPull('group:prod-readers@acme.example', { environments: ['prod'] });
      const push = r.grantPush('group:dev-writers@acme.example', { environments: ['dev'] });
      const both = r.grantPullPush('group:staging@acme.example', { environments: ['staging'] });
      expect(pull.map((b) => `${b.node.scope!.node.id} ${b.node.id}`)).toEqual([
        'Repository-prod reader-group-prod-readers-acme-example',
        'Remote-docker-hub-Access reader-group-prod-readers-acme-example',
        'Virtual-Access reader-group-prod-readers-acme-example',
      ]);
      expect(push.map((b) => b.node.scope!.node.id)).toEqual(['Repository-dev']);
      expect(both.map((b) => `${b.node.scope!.node.id} ${b.node.id.split('-')[0]}`)).toEqual(['Repository-staging writer', 'Remote-docker-hub-Access reader']);
      expect(bindings(s)).toHaveLength(6);
    });

    test('a repeated grant returns the bindings of the first and creates nothing; the ids do not depend on call order', () => {
      const first = build(withCache, { outputs: false });
      const a = first.registry.grantPull('group:a@acme.example');
      first.registry.grantPush('group:b@acme.example', { environments: ['dev'] });
      const again = first.registry.grantPull('group:a@acme.example');
      expect(again).toHaveLength(a.length);
      again.forEach((b, i) => expect(b).toBe(a[i]));
      const second = build(withCache, { outputs: false });
      second.registry.grantPush('group:b@acme.example', { environments: ['dev'] });
      second.registry.grantPull('group:a@acme.example');
      expect(Testing.synth(second.stack)).toEqual(Testing.synth(first.stack));
      expect(bindings(first.stack)).toHaveLength(5); // reader on 3 repositories and the cache, writer on dev
    });

    test('images narrower than a repository get the whole repository, with a warning', () => {
      const { registry: r } = build(validSpec({ access: undefined }), { outputs: false });
      const granted = r.grantPull('group:api@acme.example', { images: ['api'], environments: ['prod'] });
      expect(granted.map((b) => b.node.scope!.node.id)).toEqual(['Repository-prod']);
      expect(annotations(r)).toContainEqual('grantPull(group:api@acme.example) asks for the images api in prod, but Artifact Registry grants roles per repository: '
        + 'it covers every image of platform-prod (also web, jobs/worker). Use separate registries (spec files) to keep images apart.');
      expect(warningIds(r)).toContain('container-registry-constructs:gcp-image-scope');
      r.grantPull('group:all@acme.example', { images: ['*'] });
      expect(annotations(r).filter((m) => m.includes('group:all@'))).toEqual([]);
    });

    test('with the tags layout an environment is a tag: the grant covers the one repository, with a warning', () => {
      const s = validSpec({ access: undefined, retention: undefined, environments: { layout: EnvironmentLayout.TAGS, chain: [{ name: 'dev' }, { name: 'prod' }] } });
      const { registry: r } = build(s, { outputs: false });
      expect(r.grantPush('group:dev@acme.example', { environments: ['dev'] }).map((b) => b.node.scope!.node.id)).toEqual(['Repository']);
      expect(annotations(r)).toContainEqual(expect.stringMatching(/^grantPush\(group:dev@acme\.example\) asks for every image in dev, .* every image and every environment tag of platform\./));
    });

    test('bad grants are one error naming the member and the options', () => {
      const { registry: r } = build(validSpec({ access: undefined }), { outputs: false });
      expect(() => r.grantPull('allUsers', { environments: ['qa'], images: ['nothing*'] })).toThrow(new RegExp('^gcp\\.ContainerRegistry stack/Registry grantPull: 3 problems\n'
        + ' {2}- member: "allUsers" is a public member.*\n'
        + ' {2}- options\\.environments\\[0\\]: "qa" is not an environment of the chain \\(dev, staging, prod\\)\n'
        + ' {2}- options\\.images\\[0\\]: "nothing\\*" matches no image of the spec \\(api, web, jobs/worker\\)$'));
      expect(() => r.grantPush('group:x@acme.example', { environments: 'prod' as any })).toThrow('options.environments: "prod" is not a list of strings');
    });
  });

  test('tags layout: one repository; scanning off; no KMS; prevent_destroy opted out with a warning', () => {
    const s = validSpec({
      environments: { layout: EnvironmentLayout.TAGS, chain: [{ name: 'dev' }, { name: 'prod' }] },
      scanning: { mode: ScanMode.OFF },
      retention: undefined,
      tagPolicy: { immutable: false },
      access: undefined,
    });
    const built = build(s, { preventDestroy: false, outputs: false });
    const [r] = resources(synthJson(built.stack), 'google_artifact_registry_repository');
    expect(r.repository_id).toBe('platform');
    expect(r.vulnerability_scanning_config).toEqual({ enablement_config: 'DISABLED' });
    expect(r.kms_key_name).toBeUndefined();
    expect(r.lifecycle).toBeUndefined();
    expect(r.cleanup_policies).toBeUndefined();
    expect(r.docker_config).toEqual({ immutable_tags: false });
    expect(synthJson(built.stack).output).toBeUndefined();
    expect(annotations(built.registry)).toEqual(['preventDestroy is false: a Terraform plan may delete the repositories and every image in them.']);
    expect(built.registry.repository().repositoryId).toBe('platform');
  });

  test('existing repositories are referenced, granted, not created; a warning says the spec is not applied to them', () => {
    const built = build(spec, { existingRepositories: [{ repositoryId: 'legacy-prod', environment: 'prod' }], outputs: false });
    const j = synthJson(built.stack);
    expect(resources(j, 'google_artifact_registry_repository').filter((r) => r.mode === 'STANDARD_REPOSITORY').map((r) => r.repository_id))
      .toEqual(['platform-dev', 'platform-staging']);
    expect(resources(j, 'google_artifact_registry_repository_iam_member').filter((m) => m.repository === 'legacy-prod').map((m) => m.role).sort())
      .toEqual(['roles/artifactregistry.reader', 'roles/artifactregistry.writer']); // runtime pulls prod, promoter pushes it
    expect(annotations(built.registry)).toContainEqual(expect.stringMatching(/^Repository legacy-prod \(environment "prod"\) exists already and is only referenced/));
  });

  test('warnings: mixed immutability, mixed scanning, severity gate, replication', () => {
    const s = validSpec({
      repositories: [
        { name: 'api', tagPolicy: { immutable: false } },
        { name: 'web', scanning: { mode: ScanMode.OFF } },
      ],
      tagPolicy: { immutable: true, mutableTags: [], strategy: undefined, semverAliases: false },
      scanning: { severityThreshold: Severity.HIGH },
      replication: { replicas: [{ region: 'us-east1' }] },
      access: undefined,
    });
    const messages = annotations(build(s, { createOutputs: false }).registry);
    expect(messages).toEqual(expect.arrayContaining([
      'Images web ask for immutable tags and api do not, but docker_config.immutable_tags applies to a whole repository: tags stay mutable in every repository '
      + '(the nearest safe setting, since immutable tags would break the images that move theirs). Give them the same tag policy.',
      'Scanning is off for web but on for api; Artifact Registry scans per repository, so every image is scanned.',
      expect.stringMatching(/^Artifact Registry has no severity gate \(severityThreshold high\)/),
      'Artifact Registry does not replicate repositories (replicas: us-east1); the repositories are in "europe" only. Use a multi-region location (us, europe, asia) for redundancy.',
    ]));
  });

  test('the translation\'s 10-policy error is surfaced, naming the repository and what to merge', () => {
    const rules = Array.from({ length: 12 }, (_, i) => ({ tagState: TagState.TAGGED, tagPatterns: [`t${i}-*`], expireAfterDays: i + 1 }));
    const s = validSpec({ retention: { rules, allowExpiringEnvironmentTags: true }, access: undefined });
    expect(() => build(s)).toThrow(new RegExp('^gcp\\.ContainerRegistry stack/Registry: 1 problem\n {2}- retention: cannot be expressed as Artifact Registry cleanup policies '
      + '\\(repositories platform-dev, platform-staging, platform-prod\\): the policies need 12 cleanup policies; Artifact Registry allows 10 per repository[\\s\\S]*Merge rules'));
  });

  test('bad props are reported at once, naming the field', () => {
    expect(() => build(validSpec({ encryption: { type: EncryptionType.CUSTOMER_MANAGED } }), {
      location: 'Europe West', kmsKeyName: 'my-key', existingRepositories: [{ repositoryId: 'Legacy', environment: 'qa' }], virtualRepository: { environment: 'qa' },
    })).toThrow(new RegExp('^gcp\\.ContainerRegistry stack/Registry: 5 problems\n'
      + ' {2}- props\\.location: "Europe West" is not a GCP location.*\n'
      + ' {2}- props\\.existingRepositories\\[0\\]\\.repositoryId: "Legacy" is not a valid.*\n'
      + ' {2}- props\\.existingRepositories\\[0\\]\\.environment: "qa" is not a physical environment of the spec \\("dev", "staging", "prod"\\)\n'
      + ' {2}- props\\.kmsKeyName: "my-key" is not a Cloud KMS key name.*\n'
      + ' {2}- props\\.virtualRepository\\.environment: "qa" is not an environment of the chain \\(dev, staging, prod\\)$'));
    expect(() => build(validSpec({ encryption: { type: EncryptionType.CUSTOMER_MANAGED } })))
      .toThrow('encryption.gcpKmsKeyName: is required with encryption.type "customer-managed" on GCP');
    expect(() => registry.repository('qa')).toThrow('environment: "qa" has no repository (environments: "dev", "staging", "prod")');
  });

  test('the translation\'s warnings become annotations, and so does a conservative translation, with its reasons', () => {
    const s = validSpec({
      repositories: [{ name: 'api', retention: { ...validSpec().retention, dryRun: true } }, { name: 'web' }],
      access: undefined,
    });
    const built = build(s, { outputs: false });
    expect(annotations(built.registry)).toContainEqual(expect.stringMatching(
      /^Repositories platform-dev, platform-staging, platform-prod: retention\.dryRun is set for api only; Artifact Registry's cleanup_policy_dry_run applies to the whole repository/,
    ));
    expect(annotations(built.registry).filter((m) => m.includes('retention.dryRun is set'))).toHaveLength(1); // once, not per repository
    for (const r of resources(synthJson(built.stack), 'google_artifact_registry_repository')) expect(r.cleanup_policy_dry_run).toBe(true);
    // The fixture's "keep the last 10 pr-* images" cannot be expressed by most_recent_versions (it counts every version): conservative.
    expect(annotations(registry)).toContainEqual(expect.stringMatching(new RegExp(
      '^Repositories platform-dev, platform-staging, platform-prod: Artifact Registry cannot express the retention exactly; the cleanup policies are conservative '
      + '\\(they delete less than the spec\'s retention, the nearest safe behaviour\\): protected tags: .*; rules\\[1\\] \\(keep the 10 most recent, tagged pr-\\*\\): ',
    )));
  });

  test('grantKeyAccess: the Artifact Registry service agent may use the key, before the repositories are created', () => {
    const built = build(spec, { grantKeyAccess: true, outputs: false });
    const j = synthJson(built.stack);
    const [grant] = resources(j, 'google_kms_crypto_key_iam_member');
    expect(grant).toMatchObject({ crypto_key_id: KEY, role: 'roles/cloudkms.cryptoKeyEncrypterDecrypter' });
    expect(grant.member).toMatch(/^serviceAccount:service-\$\{data\.google_project\..*\.number\}@gcp-sa-artifactregistry\.iam\.gserviceaccount\.com$/);
    const standardRepos = resources(j, 'google_artifact_registry_repository').filter((r) => r.mode === 'STANDARD_REPOSITORY');
    for (const r of standardRepos) expect(r.depends_on).toEqual([expect.stringMatching(/^\$\{google_kms_crypto_key_iam_member\./)]);
    expect(resources(json, 'google_kms_crypto_key_iam_member')).toEqual([]); // off by default
  });

  test('a retention rule that could expire an environment tag\'s image is an error (RetentionTagCheck)', () => {
    const s = validSpec({
      environments: { layout: EnvironmentLayout.TAGS, chain: [{ name: 'dev' }, { name: 'prod' }] },
      retention: { rules: [{ tagState: TagState.ANY, keepMostRecent: 5 }] },
      access: undefined,
    });
    expect(() => build(s)).toThrow(/retention\.rules\[0\]: "dev" could expire the image the environment tag "dev" points to/);
    expect(() => build({ ...s, retention: { ...s.retention, allowExpiringEnvironmentTags: true } }, { createOutputs: false })).not.toThrow();
  });

  // Props given from JavaScript (no type checker): a wrong shape is a ProblemsError naming the prop, never a TypeError.
  test.each<[string, any, string]>([
    ['a number for a string', { location: 42 }, 'props.location: 42 is not a string'],
    ['a missing required prop', { project: undefined }, 'props.project: is required (a string)'],
    ['a string for a list', { repoAdminMembers: 'group:x@acme.example' }, 'props.repoAdminMembers: "group:x@acme.example" is not a list of strings'],
    ['a number in a label map', { labels: { team: 1 } }, 'props.labels: {"team":1} is not an object of string values'],
    ['a string for a boolean', { createOutputs: 'yes' }, 'props.createOutputs: "yes" is not a boolean'],
    ['numbers for objects', { existingRepositories: [42] }, 'props.existingRepositories: [42] is not a list of objects'],
    ['no spec', { spec: undefined }, 'props.spec: is required (an object)'],
    ['a spec of the wrong shape', { spec: { name: 'platform', repositories: 'api' } }, 'repositories: "api" must list at least one repository'],
  ])('props of the wrong shape: %s', (_, override, message) => {
    let error: unknown;
    try {
      new ContainerRegistry(testStack(), 'Registry', { spec: validSpec({ access: undefined }), project: 'acme-registry', location: 'europe', ...override });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ProblemsError);
    expect((error as Error).message).toMatch(/^gcp\.ContainerRegistry stack\/Registry: 1 problem\n/);
    expect((error as Error).message).toContain(`  - ${message}`);
  });

  test('no props at all is a ProblemsError too', () => {
    expect(() => new ContainerRegistry(testStack(), 'Registry', undefined as any)).toThrow('gcp.ContainerRegistry stack/Registry: 1 problem\n  - props: is required: an object of props');
  });

  test('the spec\'s problems, the children\'s derived ids and the props\' own come in one error (one round)', () => {
    const s = validSpec({
      name: 'Platform',
      access: {
        pushers: [{ name: 'ci', github: { repository: 'acme/platform', branch: 'main' } }],
        pullers: [{ name: 'ci-sa', github: { repository: 'acme/platform', environment: 'prod' } }],
      },
    });
    expect(() => build(s, { location: 'Europe West' })).toThrow(new RegExp('^gcp\\.ContainerRegistry stack/Registry: 2 problems\n'
      + ' {2}- name: "Platform" is not a valid registry name.*\n'
      + ' {2}- props\\.location: "Europe West" is not a GCP location'));
    // With a valid name, the ids the children derive from it (service accounts, the pool) are checked in the same round as the props.
    expect(() => build({ ...s, name: 'p' + 'l'.repeat(1) }, { location: 'Europe West', workloadIdentityPoolId: 'gcp-pool' })).toThrow(new RegExp(
      '^gcp\\.ContainerRegistry stack/Registry: 3 problems\n'
      + ' {2}- access: "ci-sa" and identity "ci" both give the service account id "pl-ci-sa"; rename one\n'
      + ' {2}- props\\.workloadIdentityPoolId: "gcp-pool" starts with "gcp-", a prefix Google reserves\n'
      + ' {2}- props\\.location: "Europe West" is not a GCP location'));
  });

  test('project is required', () => {
    expect(() => build(validSpec({ access: undefined }), { project: '' })).toThrow('props.project: "" is required: the Google Cloud project id');
  });

  test('the spec is validated for GCP at construction', () => {
    expect(() => build(validSpec({ name: 'Platform' }))).toThrow(/^gcp\.ContainerRegistry stack\/Registry: 1 problem\n {2}- name: "Platform" is not a valid registry name/);
  });

  test('the synthesized JSON passes the Terraform checks (they run as a validation at synth)', () => {
    // Testing.synth(stack, true) above ran the registry's validation; a bad resource in its scope fails it.
    const { stack: s, registry: r } = build(validSpec({ access: undefined }), { outputs: false });
    new ArtifactRegistryRepository(r, 'Bad', { repositoryId: 'bad-', format: 'DOCKER', location: 'us' });
    expect(() => Testing.synth(s, true)).toThrow(/repository_id: "bad-" is not a valid Artifact Registry repository id/);
  });

  test('snapshot', () => {
    expect(synthesized).toMatchSnapshot();
  });
});
