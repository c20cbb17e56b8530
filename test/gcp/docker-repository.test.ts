import 'cdktf/lib/testing/adapters/jest';
import { ArtifactRegistryRepository } from '@cdktf/provider-google/lib/artifact-registry-repository';
import { ArtifactRegistryRepositoryIamMember } from '@cdktf/provider-google/lib/artifact-registry-repository-iam-member';
import { Testing, Token } from 'cdktf';
import { resources, synthJson, testStack } from './helpers';
import { ArtifactRegistryRole, DockerRepository, IDockerRepository } from '../../src/gcp/docker-repository';

describe('DockerRepository', () => {
  const stack = testStack();
  const repo = new DockerRepository(stack, 'Repo', {
    repositoryId: 'platform-dev',
    location: 'europe',
    project: 'acme-registry',
    immutableTags: true,
    kmsKeyName: 'projects/acme-kms/locations/europe/keyRings/ring/cryptoKeys/registry',
    labels: { team: 'platform' },
    cleanupPolicies: [{ id: 'delete-untagged', action: 'DELETE', condition: { tagState: 'UNTAGGED', olderThan: '604800s' } }],
    cleanupPolicyDryRun: true,
  });
  const pull = repo.grantPull('group:runtime@acme.example');
  const again = repo.grantPull('group:runtime@acme.example');
  repo.grantPush('serviceAccount:ci@acme-registry.iam.gserviceaccount.com');
  repo.grantPullPush('user:dev@acme.example');
  repo.grantRepoAdmin('group:registry-admins@acme.example');
  const imported = DockerRepository.fromRepositoryAttributes(stack, 'Old', { repositoryId: 'legacy', location: 'us', project: 'other' });
  imported.grantPull('group:runtime@acme.example');
  const synthesized = Testing.synth(stack);
  const json = JSON.parse(synthesized);

  test('a DOCKER standard repository with every setting, prevent_destroy on by default', () => {
    expect(synthesized).toHaveResourceWithProperties(ArtifactRegistryRepository, {
      repository_id: 'platform-dev',
      location: 'europe',
      project: 'acme-registry',
      format: 'DOCKER',
      mode: 'STANDARD_REPOSITORY',
      kms_key_name: 'projects/acme-kms/locations/europe/keyRings/ring/cryptoKeys/registry',
      labels: { team: 'platform' },
      docker_config: { immutable_tags: true },
      cleanup_policy_dry_run: true,
      cleanup_policies: [{ id: 'delete-untagged', action: 'DELETE', condition: { tag_state: 'UNTAGGED', older_than: '604800s' } }],
      vulnerability_scanning_config: { enablement_config: 'INHERITED' },
      lifecycle: { prevent_destroy: true },
    });
  });

  test('grants: reader to pull, writer to push and pull-push, repoAdmin only when asked; each once', () => {
    expect(again).toBe(pull);
    const members = resources(json, 'google_artifact_registry_repository_iam_member')
      .filter((m) => m.repository.startsWith('${'))
      .map((m) => `${m.role} ${m.member}`).sort();
    expect(members).toEqual([
      'roles/artifactregistry.reader group:runtime@acme.example',
      'roles/artifactregistry.repoAdmin group:registry-admins@acme.example',
      'roles/artifactregistry.writer serviceAccount:ci@acme-registry.iam.gserviceaccount.com',
      'roles/artifactregistry.writer user:dev@acme.example',
    ]);
    expect(Object.values(ArtifactRegistryRole)).toEqual(['roles/artifactregistry.reader', 'roles/artifactregistry.writer', 'roles/artifactregistry.repoAdmin']);
  });

  test('grants on a created repository reference it, so Terraform creates it first', () => {
    const m = resources(json, 'google_artifact_registry_repository_iam_member').find((x) => x.member === 'user:dev@acme.example');
    expect(m.repository).toMatch(/^\$\{google_artifact_registry_repository\.Repo_.*\.repository_id\}$/);
    expect(Token.isUnresolved(repo.repositoryName)).toBe(true);
  });

  test('an existing repository is granted by id, not created', () => {
    expect(synthesized).toHaveResourceWithProperties(ArtifactRegistryRepositoryIamMember, {
      repository: 'legacy', location: 'us', project: 'other', role: 'roles/artifactregistry.reader',
    });
    expect(resources(json, 'google_artifact_registry_repository').map((r) => r.repository_id)).toEqual(['platform-dev']);
    expect(imported.registryUrl).toBe('us-docker.pkg.dev/other/legacy');
    expect(imported.repositoryName).toBe('projects/other/locations/us/repositories/legacy');
  });

  test('scanning off and prevent_destroy opted out; no cleanup policies means no dry-run flag', () => {
    const s = testStack();
    new DockerRepository(s, 'R', { repositoryId: 'plain', location: 'us-east1', project: 'p', scanning: false, preventDestroy: false });
    const r = resources(synthJson(s), 'google_artifact_registry_repository')[0];
    expect(r.vulnerability_scanning_config).toEqual({ enablement_config: 'DISABLED' });
    expect(r.lifecycle).toBeUndefined();
    expect(r.cleanup_policies).toBeUndefined();
    expect(r.cleanup_policy_dry_run).toBeUndefined();
    expect(r.docker_config).toEqual({ immutable_tags: false });
  });

  test.each([
    ['Platform', 'is not a valid Artifact Registry repository id'],
    ['9lives', 'is not a valid Artifact Registry repository id'],
    ['ends-', 'is not a valid Artifact Registry repository id'],
    ['a'.repeat(64), 'is 64 characters long; Artifact Registry repository ids have 1-63 characters'],
  ])('rejects the repository id %s', (id, message) => {
    expect(() => new DockerRepository(testStack(), 'R', { repositoryId: id, location: 'us', project: 'p' })).toThrow(message);
    expect(() => DockerRepository.fromRepositoryAttributes(testStack(), 'R', { repositoryId: id, location: 'us', project: 'p' })).toThrow(message);
  });

  test('snapshot', () => {
    expect(synthesized).toMatchSnapshot();
  });
});

describe('DockerRepository grants check the member (hostile sweep: before, grantPull("allUsers") made the repository public)', () => {
  const repository = () => DockerRepository.fromRepositoryAttributes(testStack(), 'Repo', { project: 'acme-registry', location: 'europe-west1', repositoryId: 'platform-dev' });
  test.each<[string, (r: IDockerRepository) => unknown, RegExp]>([
    ['a public member', (r) => r.grantPull('allUsers'), /- member: "allUsers" is a public member; the spec grants only named principals/],
    ['every authenticated user', (r) => r.grantPush('allAuthenticatedUsers'), /- member: "allAuthenticatedUsers" is a public member/],
    ['a whole pool', (r) => r.grantPull('principalSet://iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/p/*'), /covers every identity of a pool/],
    ['a domain writer', (r) => r.grantPush('domain:example.com'), /- member: "domain:example\.com" is every principal of a domain; a whole domain may read, never write or administer/],
    ['a domain administrator', (r) => r.grantRepoAdmin('domain:example.com'), /is every principal of a domain/],
    ['a name, not a member', (r) => r.grantPull('bob'), /- member: "bob" is not an IAM member/],
  ])('%s is refused', (_, grant, message) => {
    expect(() => grant(repository())).toThrow(message);
  });

  test('negative controls: named members, a domain reader, and a token member', () => {
    const r = repository();
    expect(() => r.grantPull('domain:example.com')).not.toThrow();
    expect(() => r.grantPush('serviceAccount:ci@acme-registry.iam.gserviceaccount.com')).not.toThrow();
    expect(() => r.grantRepoAdmin('group:registry-admins@example.com')).not.toThrow();
    expect(() => r.grantRole(ArtifactRegistryRole.READER, Token.asString({ Ref: 'member' }), 'created')).not.toThrow();
  });
});
