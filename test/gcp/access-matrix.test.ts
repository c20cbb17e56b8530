import { GcpAccess } from './gcp-access';
import { synthJson, testStack } from './helpers';
import { GarAccessMatrix } from '../../src/gcp/access-matrix';
import { ContainerRegistry } from '../../src/gcp/artifact-registry';
import { ArtifactRegistryRole } from '../../src/gcp/docker-repository';
import { Capability, EnvironmentLayout, RegistrySpec, UpstreamRegistry } from '../../src/spec';
import { validSpec } from '../spec/fixtures';

const spec: RegistrySpec = validSpec({
  repositories: [{ name: 'api' }, { name: 'web' }],
  environments: { layout: EnvironmentLayout.REPOSITORIES, chain: [{ name: 'dev' }, { name: 'staging' }, { name: 'prod' }] },
  tagPolicy: { immutable: true, mutableTags: [], semverAliases: false },
  access: {
    pushers: [{ name: 'ci', github: { repository: 'acme/platform', branch: 'main' } }],
    pullers: [
      { name: 'runtime', gcpMembers: ['serviceAccount:gke@acme-registry.iam.gserviceaccount.com'], environments: ['prod'] },
      { name: 'qa', gcpMembers: ['group:qa@acme.example'], environments: ['staging'] },
      { name: 'aws-only', awsAccountIds: ['111122223333'] },
    ],
    promoters: [{ name: 'deploy', github: { repository: 'acme/platform', environment: 'prod' }, repositories: ['api'], environments: ['prod'] }],
  },
  upstreamCaches: [{ name: 'docker-hub', upstream: UpstreamRegistry.DOCKER_HUB }],
});

describe('GarAccessMatrix', () => {
  const rows = GarAccessMatrix.of(spec, { virtualRepositoryId: 'platform-virtual' });
  const row = (identity: string, resource: string) => rows.find((r) => r.identity === identity && r.resource === resource);

  test('entries is the deprecated name of of', () => {
    expect(GarAccessMatrix.entries(spec, { virtualRepositoryId: 'platform-virtual' })).toEqual(rows);
    expect(rows.length).toBeGreaterThan(0);
  });

  test('the pusher writes the first environment; the writer role also reads and moves tags (beyond the model, said why)', () => {
    expect(row('ci', 'platform-dev')).toEqual({
      identity: 'ci',
      resource: 'platform-dev',
      capabilities: [Capability.READ, Capability.WRITE, Capability.MOVE_TAG],
      grantedAs: [ArtifactRegistryRole.WRITER, 'artifactregistry.repositories.downloadArtifacts', 'artifactregistry.repositories.uploadArtifacts',
        'artifactregistry.tags.create', 'artifactregistry.tags.update'],
      beyondModel: expect.stringMatching(/^roles\/artifactregistry\.writer includes read \(Artifact Registry has no write-only role\): api, web; roles\/artifactregistry\.writer includes artifactregistry\.tags\.update \(moving tags\) for api, web, whose tags the programs never move \(docker_config\.immutable_tags refuses such moves in this repository\)$/),
    });
    expect(rows.filter((r) => r.identity === 'ci').map((r) => r.resource)).toEqual(['platform-dev']);
  });

  test('a promoter restricted to api reads the source and the destination, writes the destination, and reaches web too (per-repository IAM)', () => {
    expect(row('deploy', 'platform-staging')).toMatchObject({ capabilities: [Capability.READ], beyondModel: expect.stringContaining('also reaches web, outside its repositories') });
    expect(row('deploy', 'platform-prod')).toMatchObject({ capabilities: [Capability.READ, Capability.WRITE, Capability.MOVE_TAG] });
    expect(row('deploy', 'platform-dev')).toBeUndefined();
  });

  test('pullers read their environments and every cache (imports included); only the pullers of the served environment read the virtual repository', () => {
    expect(row('runtime', 'platform-prod')).toEqual({
      identity: 'runtime',
      resource: 'platform-prod',
      capabilities: [Capability.READ],
      grantedAs: [ArtifactRegistryRole.READER, 'artifactregistry.repositories.downloadArtifacts'],
    });
    expect(row('runtime', 'platform-docker-hub')).toMatchObject({ capabilities: [Capability.READ, Capability.CACHE_IMPORT] });
    expect(row('runtime', 'platform-docker-hub')!.beyondModel).toBeUndefined();
    expect(row('qa', 'platform-docker-hub')).toMatchObject({ capabilities: [Capability.READ, Capability.CACHE_IMPORT] });
    expect(row('runtime', 'platform-virtual')).toMatchObject({ capabilities: [Capability.READ], beyondModel: expect.stringContaining('serves platform-prod and the caches') });
    expect(row('qa', 'platform-virtual')).toBeUndefined();
  });

  test('identities without a Google Cloud principal have no row', () => {
    expect(rows.some((r) => r.identity === 'aws-only')).toBe(false);
  });

  test('the registry grants exactly the rows (evaluated from its Terraform)', () => {
    const stack = testStack();
    new ContainerRegistry(stack, 'Registry', { spec, project: 'acme-registry', location: 'us', virtualRepository: {} });
    const access = new GcpAccess(synthJson(stack));
    expect(access.capabilities('group:qa@acme.example', 'platform-docker-hub')).toEqual([Capability.READ, Capability.CACHE_IMPORT]);
    expect(access.capabilities('group:qa@acme.example', 'platform-virtual')).toEqual([]);
    expect(access.capabilities('serviceAccount:gke@acme-registry.iam.gserviceaccount.com', 'platform-virtual')).toEqual([Capability.READ]);
    expect(access.capabilities('serviceAccount:gke@acme-registry.iam.gserviceaccount.com', 'platform-staging')).toEqual([]);
    expect(access.capabilities('serviceAccount:platform-deploy@acme-registry.iam.gserviceaccount.com', 'platform-prod')).toEqual([Capability.READ, Capability.WRITE, Capability.MOVE_TAG]);
  });
});
