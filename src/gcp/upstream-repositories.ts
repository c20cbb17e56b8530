import {
  ArtifactRegistryRepository,
  ArtifactRegistryRepositoryRemoteRepositoryConfig,
} from '@cdktf/provider-google/lib/artifact-registry-repository';
import { ArtifactRegistryRepositoryIamMember } from '@cdktf/provider-google/lib/artifact-registry-repository-iam-member';
import { DataGoogleProject } from '@cdktf/provider-google/lib/data-google-project';
import { SecretManagerSecretIamMember } from '@cdktf/provider-google/lib/secret-manager-secret-iam-member';
import { Construct } from 'constructs';
import { ArtifactRegistryRole, DockerRepositoryBase, IDockerRepository } from './docker-repository';
import { GarValidator } from './gcp-validator';
import { GcpWarnings } from './warnings';
import { Naming } from '../spec/naming';
import { Problems } from '../spec/problems';
import { UpstreamCacheSpec, UpstreamRegistry } from '../spec/registry-spec';
import { Tokens } from '../spec/tokens';

/** The well-known address of each upstream that Artifact Registry reaches as a custom Docker upstream. */
const CUSTOM_UPSTREAM_URI: { [upstream: string]: string } = {
  [UpstreamRegistry.GITHUB]: 'https://ghcr.io',
  [UpstreamRegistry.QUAY]: 'https://quay.io',
  [UpstreamRegistry.ECR_PUBLIC]: 'https://public.ecr.aws',
};

/** Props of `UpstreamRepositories`. */
export interface UpstreamRepositoriesProps {
  /** The registry's name: remote repositories are `<registryName>-<cache name>`. */
  readonly registryName: string;
  /** The upstream caches (the spec's `upstreamCaches`). */
  readonly caches: UpstreamCacheSpec[];
  /** The project. */
  readonly project: string;
  /** The location. */
  readonly location: string;
  /**
   * Labels of the created repositories.
   *
   * @default - none
   */
  readonly labels?: { [key: string]: string };
  /**
   * The Cloud KMS key of the created repositories.
   *
   * @default - Google-managed encryption
   */
  readonly kmsKeyName?: string;
  /**
   * Create a virtual repository with this id, fronting `virtualUpstreams` and the
   * remote repositories.
   *
   * @default - no virtual repository
   */
  readonly virtualRepositoryId?: string;
  /**
   * Standard repositories the virtual repository serves first, highest priority
   * first; the caches follow in spec order.
   *
   * @default - none
   */
  readonly virtualUpstreams?: IDockerRepository[];
}

/**
 * Pull-through caches on Artifact Registry: one remote Docker repository per
 * upstream (Docker Hub as a public repository; GHCR, Quay, ECR Public and custom
 * registries as custom upstreams), with credentials from a Secret Manager secret
 * version, and optionally a virtual repository that serves the standard
 * repositories and the caches from one address, by priority.
 */
export class UpstreamRepositories extends Construct {
  /** The priority (higher wins) of the upstream at `index` of `count` in a virtual repository. */
  public static priority(index: number, count: number): number {
    return (count - index) * 10;
  }

  /** The remote repositories, in spec order. */
  public readonly remoteRepositories: IDockerRepository[] = [];
  /**
   * The virtual repository.
   *
   * @default - none
   */
  public readonly virtualRepository?: IDockerRepository;

  constructor(scope: Construct, id: string, props: UpstreamRepositoriesProps) {
    super(scope, id);
    const caches = Array.isArray(props.caches) ? props.caches : [];
    const problems = new Problems()
      .addAll(GarValidator._upstreamProblems(props.registryName, caches, props.virtualRepositoryId, 'props.virtualRepositoryId'));
    if (!Array.isArray(props.caches)) problems.add('props.caches', props.caches, 'is not a list of upstream caches');
    caches.forEach((cache, i) => {
      if (cache.upstream === UpstreamRegistry.CUSTOM && !cache.url) problems.add(`upstreamCaches[${i}].url`, cache.url, 'is required with upstream "custom"');
    });
    problems.throwIfAny(`gcp.UpstreamRepositories ${this.node.path}`);

    const labels = props.labels && Object.keys(props.labels).length > 0 ? props.labels : undefined;
    let projectData: DataGoogleProject | undefined;
    for (const cache of caches) {
      const repoId = Naming.garRemoteRepositoryId(props.registryName, cache.name);
      const remote: ArtifactRegistryRepositoryRemoteRepositoryConfig = {
        description: `${describe(cache)} (pull-through cache)`,
        dockerRepository: cache.upstream === UpstreamRegistry.DOCKER_HUB
          ? { publicRepository: 'DOCKER_HUB' }
          : { customRepository: { uri: cache.url ?? CUSTOM_UPSTREAM_URI[cache.upstream] } },
        upstreamCredentials: cache.username !== undefined
          ? { usernamePasswordCredentials: { username: cache.username, passwordSecretVersion: cache.gcpSecretVersion } }
          : undefined,
      };
      const resource = new ArtifactRegistryRepository(this, `Remote-${cache.name}`, {
        project: props.project,
        location: props.location,
        repositoryId: repoId,
        format: 'DOCKER',
        mode: 'REMOTE_REPOSITORY',
        description: `Cache of ${describe(cache)}`,
        labels,
        kmsKeyName: props.kmsKeyName,
        remoteRepositoryConfig: remote,
      });
      const repo = new ManagedRepository(this, `Remote-${cache.name}-Access`, resource, repoId, props);
      this.remoteRepositories.push(repo);

      if (cache.gcpSecretVersion !== undefined) {
        // The Artifact Registry service agent reads the password when it pulls from the upstream.
        projectData ??= new DataGoogleProject(this, 'Project', { projectId: props.project });
        const secret = Tokens.isUnresolved(cache.gcpSecretVersion)
          ? cache.gcpSecretVersion
          : cache.gcpSecretVersion.replace(/\/versions\/[^/]+$/, '');
        new SecretManagerSecretIamMember(this, `SecretAccess-${cache.name}`, {
          secretId: secret,
          role: 'roles/secretmanager.secretAccessor',
          member: `serviceAccount:service-${projectData.number}@gcp-sa-artifactregistry.iam.gserviceaccount.com`,
        });
      } else if (cache.upstream === UpstreamRegistry.DOCKER_HUB) {
        GcpWarnings._emit(this, 'docker-hub-anonymous',
          `Upstream cache "${cache.name}" pulls from Docker Hub without credentials: Docker Hub limits anonymous pulls. `
          + 'Set username and gcpSecretVersion (a Secret Manager secret version holding an access token) to pull as a user.',
        );
      }
    }

    if (props.virtualRepositoryId !== undefined) {
      const upstreams = [...(props.virtualUpstreams ?? []), ...this.remoteRepositories];
      const resource = new ArtifactRegistryRepository(this, 'Virtual', {
        project: props.project,
        location: props.location,
        repositoryId: props.virtualRepositoryId,
        format: 'DOCKER',
        mode: 'VIRTUAL_REPOSITORY',
        description: `${props.registryName}: one address for its images and caches`,
        labels,
        kmsKeyName: props.kmsKeyName,
        virtualRepositoryConfig: {
          upstreamPolicies: upstreams.map((u, i) => ({
            id: u.repositoryId,
            repository: u.repositoryName,
            priority: UpstreamRepositories.priority(i, upstreams.length),
          })),
        },
      });
      this.virtualRepository = new ManagedRepository(this, 'Virtual-Access', resource, props.virtualRepositoryId, props);
    }
  }

  /** Every repository created here (the remote ones, then the virtual one). */
  public get repositories(): IDockerRepository[] {
    return [...this.remoteRepositories, ...(this.virtualRepository ? [this.virtualRepository] : [])];
  }

  /**
   * Grants `roles/artifactregistry.reader` on every remote and the virtual repository.
   *
   * @param memberId a stable name for the member in construct ids (default: the member)
   * @returns the repository IAM members, created or existing
   */
  public grantPull(member: string, memberId?: string): ArtifactRegistryRepositoryIamMember[] {
    return this.repositories.map((r) => r.grantRole(ArtifactRegistryRole.READER, member, memberId));
  }
}

/** A remote or virtual repository created above, with the grants of any repository. */
class ManagedRepository extends DockerRepositoryBase {
  public readonly repositoryId: string;
  public readonly location: string;
  public readonly project: string;

  constructor(
    scope: Construct, id: string, private readonly resource: ArtifactRegistryRepository,
    repositoryId: string, props: UpstreamRepositoriesProps,
  ) {
    super(scope, id);
    this.repositoryId = repositoryId;
    this.location = props.location;
    this.project = props.project;
  }

  public get repositoryName(): string {
    return this.resource.id;
  }

  public grantRole(role: ArtifactRegistryRole, member: string, memberId?: string): ArtifactRegistryRepositoryIamMember {
    const binding = super.grantRole(role, member, memberId);
    binding.repository = this.resource.repositoryId;
    return binding;
  }
}

function describe(cache: UpstreamCacheSpec): string {
  switch (cache.upstream) {
    case UpstreamRegistry.DOCKER_HUB: return 'Docker Hub';
    case UpstreamRegistry.GITHUB: return 'GitHub Container Registry';
    case UpstreamRegistry.QUAY: return 'Quay';
    case UpstreamRegistry.ECR_PUBLIC: return 'Amazon ECR Public';
    default: return cache.url ?? cache.name;
  }
}
