import { ArtifactRegistryRepository } from '@cdktf/provider-google/lib/artifact-registry-repository';
import { SecretManagerSecretIamMember } from '@cdktf/provider-google/lib/secret-manager-secret-iam-member';
import { Testing } from 'cdktf';
import { annotations, resources, synthJson, testStack } from './helpers';
import { DockerRepository } from '../../src/gcp/docker-repository';
import { UpstreamRepositories } from '../../src/gcp/upstream-repositories';
import { UpstreamRegistry } from '../../src/spec';

describe('UpstreamRepositories', () => {
  const stack = testStack();
  const prod = new DockerRepository(stack, 'Prod', { repositoryId: 'platform-prod', location: 'europe', project: 'acme' });
  const upstreams = new UpstreamRepositories(stack, 'Upstreams', {
    registryName: 'platform',
    project: 'acme',
    location: 'europe',
    labels: { team: 'platform' },
    caches: [
      { name: 'docker-hub', upstream: UpstreamRegistry.DOCKER_HUB, username: 'acmebot', gcpSecretVersion: 'projects/acme/secrets/dockerhub-token/versions/3' },
      { name: 'ghcr', upstream: UpstreamRegistry.GITHUB },
      { name: 'internal', upstream: UpstreamRegistry.CUSTOM, url: 'https://registry.acme.example' },
    ],
    virtualRepositoryId: 'platform-virtual',
    virtualUpstreams: [prod],
  });
  const pullBindings = upstreams.grantPull('group:runtime@acme.example');
  const synthesized = Testing.synth(stack);
  const json = JSON.parse(synthesized);
  const byId = (id: string) => resources(json, 'google_artifact_registry_repository').find((r) => r.repository_id === id);

  // Remote repositories: "Docker Hub" is a preset upstream (public_repository DOCKER_HUB); GHCR and other
  // registries are custom upstreams (custom_repository.uri) ("Create remote repositories", Artifact Registry docs).
  test('Docker Hub as a preset upstream, with a user name and a Secret Manager secret version', () => {
    expect(synthesized).toHaveResourceWithProperties(ArtifactRegistryRepository, {
      repository_id: 'platform-docker-hub',
      format: 'DOCKER',
      mode: 'REMOTE_REPOSITORY',
      labels: { team: 'platform' },
      remote_repository_config: {
        description: 'Docker Hub (pull-through cache)',
        docker_repository: { public_repository: 'DOCKER_HUB' },
        upstream_credentials: { username_password_credentials: { username: 'acmebot', password_secret_version: 'projects/acme/secrets/dockerhub-token/versions/3' } },
      },
    });
  });

  test('the Artifact Registry service agent may read the secret', () => {
    expect(synthesized).toHaveResourceWithProperties(SecretManagerSecretIamMember, {
      secret_id: 'projects/acme/secrets/dockerhub-token',
      role: 'roles/secretmanager.secretAccessor',
    });
    const member = resources(json, 'google_secret_manager_secret_iam_member')[0].member;
    expect(member).toMatch(/^serviceAccount:service-\$\{data\.google_project\..*\.number\}@gcp-sa-artifactregistry\.iam\.gserviceaccount\.com$/);
  });

  test('GHCR and custom registries as custom upstreams', () => {
    expect(byId('platform-ghcr').remote_repository_config.docker_repository).toEqual({ custom_repository: { uri: 'https://ghcr.io' } });
    expect(byId('platform-internal').remote_repository_config.docker_repository).toEqual({ custom_repository: { uri: 'https://registry.acme.example' } });
    expect(byId('platform-ghcr').remote_repository_config.upstream_credentials).toBeUndefined();
  });

  // "Entries with a greater priority value take precedence in the pull order." (provider docs, upstream_policies.priority)
  test('a virtual repository serves the standard repository first, then the caches in spec order', () => {
    const v = byId('platform-virtual');
    expect(v.mode).toBe('VIRTUAL_REPOSITORY');
    const policies = v.virtual_repository_config.upstream_policies;
    expect(policies.map((p: any) => [p.id, p.priority])).toEqual([
      ['platform-prod', 40], ['platform-docker-hub', 30], ['platform-ghcr', 20], ['platform-internal', 10],
    ]);
    for (const p of policies) expect(p.repository).toMatch(/^\$\{google_artifact_registry_repository\..*\.id\}$/);
  });

  test('grantPull gives reader on every remote and the virtual repository', () => {
    const members = resources(json, 'google_artifact_registry_repository_iam_member');
    expect(members).toHaveLength(4);
    expect(pullBindings.map((b) => b.node.scope!.node.id))
      .toEqual([...upstreams.remoteRepositories, upstreams.virtualRepository!].map((r) => r.node.id));
    for (const m of members) {
      expect(m.role).toBe('roles/artifactregistry.reader');
      expect(m.member).toBe('group:runtime@acme.example');
    }
  });

  test('Docker Hub without credentials warns about rate limits', () => {
    const s = testStack();
    const u = new UpstreamRepositories(s, 'U', { registryName: 'p1', project: 'a', location: 'us', caches: [{ name: 'hub', upstream: UpstreamRegistry.DOCKER_HUB }] });
    expect(annotations(u)).toEqual([expect.stringContaining('Upstream cache "hub" pulls from Docker Hub without credentials: Docker Hub limits anonymous pulls.')]);
    expect(synthJson(s).data).toBeUndefined();
  });

  test('reports every problem at once', () => {
    expect(() => new UpstreamRepositories(testStack(), 'U', {
      registryName: 'p'.repeat(60),
      project: 'a',
      location: 'us',
      caches: [
        { name: 'hub', upstream: UpstreamRegistry.DOCKER_HUB, username: 'me' },
        { name: 'mine', upstream: UpstreamRegistry.CUSTOM },
      ],
      virtualRepositoryId: 'Virtual',
    })).toThrow(new RegExp('^gcp\\.UpstreamRepositories stack/U: 5 problems\n'
      + ' {2}- upstreamCaches\\[0\\]\\.name: "hub" gives the remote repository id "p{60}-hub", which is 64 characters long.*\n'
      + ' {2}- upstreamCaches\\[0\\]\\.gcpSecretVersion: is required: username and gcpSecretVersion go together.*\n'
      + ' {2}- upstreamCaches\\[1\\]\\.name: "mine" gives.*\n'
      + ' {2}- props\\.virtualRepositoryId: "Virtual" is not a valid.*\n'
      + ' {2}- upstreamCaches\\[1\\]\\.url: is required with upstream "custom"$'));
  });

  test('snapshot', () => {
    expect(synthesized).toMatchSnapshot();
  });
});
