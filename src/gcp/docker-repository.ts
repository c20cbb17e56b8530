import {
  ArtifactRegistryRepository,
  ArtifactRegistryRepositoryCleanupPolicies,
} from '@cdktf/provider-google/lib/artifact-registry-repository';
import { ArtifactRegistryRepositoryIamMember } from '@cdktf/provider-google/lib/artifact-registry-repository-iam-member';
import { Construct, IConstruct } from 'constructs';
import { checkPropShapes, idFragment, PropShape, repositoryIdProblem } from './gcp-names';
import { gcpMember } from '../spec/grammars';
import { Naming } from '../spec/naming';
import { Problems } from '../spec/problems';
import { Tokens } from '../spec/tokens';

/** The Artifact Registry roles the constructs grant, always on one repository. */
export enum ArtifactRegistryRole {
  /** `roles/artifactregistry.reader`: list and download (pull) artifacts. */
  READER = 'roles/artifactregistry.reader',
  /** `roles/artifactregistry.writer`: the reader's permissions plus upload (push) and tag; no deletion of versions. */
  WRITER = 'roles/artifactregistry.writer',
  /** `roles/artifactregistry.repoAdmin`: the writer's permissions plus deleting artifacts; granted only where asked. */
  REPO_ADMIN = 'roles/artifactregistry.repoAdmin',
}

/** An Artifact Registry Docker repository, created here or existing. */
export interface IDockerRepository extends IConstruct {
  /** The repository id (the last part of its name, `platform-dev`). */
  readonly repositoryId: string;
  /** The repository's location (`europe-west1`, or a multi-region such as `europe`). */
  readonly location: string;
  /** The project that holds the repository. */
  readonly project: string;
  /** The full resource name, `projects/<project>/locations/<location>/repositories/<id>` (what virtual repositories reference). */
  readonly repositoryName: string;
  /** The Docker address of the repository, `<location>-docker.pkg.dev/<project>/<id>`; images are `<registryUrl>/<image>`. */
  readonly registryUrl: string;
  /** Grants `roles/artifactregistry.reader` on this repository to an IAM member (`serviceAccount:...`). */
  grantPull(member: string): ArtifactRegistryRepositoryIamMember;
  /** Grants `roles/artifactregistry.writer` (which includes read: Artifact Registry has no write-only role). */
  grantPush(member: string): ArtifactRegistryRepositoryIamMember;
  /** Grants `roles/artifactregistry.writer`, which covers both pull and push. */
  grantPullPush(member: string): ArtifactRegistryRepositoryIamMember;
  /** Grants `roles/artifactregistry.repoAdmin` (deletes artifacts); only for members that must. */
  grantRepoAdmin(member: string): ArtifactRegistryRepositoryIamMember;
  /**
   * Grants a role on this repository to a member, once.
   *
   * @param memberId a stable name of the member for the binding's construct id (default: the member; give one when the member is a token)
   */
  grantRole(role: ArtifactRegistryRole, member: string, memberId?: string): ArtifactRegistryRepositoryIamMember;
}

/** Attributes of an existing repository. */
export interface DockerRepositoryAttributes {
  /** The repository id. */
  readonly repositoryId: string;
  /** The repository's location. */
  readonly location: string;
  /** The repository's project. */
  readonly project: string;
}

/** The shapes of the attributes of an existing repository, checked at run time for apps in JavaScript. */
const ATTRIBUTE_SHAPES: { [prop: string]: [PropShape, boolean] } = {
  repositoryId: ['string', true],
  location: ['string', true],
  project: ['string', true],
};

/** The shapes of the props of a created repository. */
const PROP_SHAPES: { [prop: string]: [PropShape, boolean] } = {
  ...ATTRIBUTE_SHAPES,
  description: ['string', false],
  cleanupPolicies: ['object[]', false],
  cleanupPolicyDryRun: ['boolean', false],
  immutableTags: ['boolean', false],
  kmsKeyName: ['string', false],
  labels: ['string-map', false],
  scanning: ['boolean', false],
  preventDestroy: ['boolean', false],
};

/** Checks the props' shapes and the repository id; throws one `ProblemsError`. */
function checkAttributes(scope: Construct, what: string, props: unknown, shapes: { [prop: string]: [PropShape, boolean] }): void {
  const problems = new Problems();
  if (checkPropShapes(problems, props, shapes)) {
    const id = (props as DockerRepositoryAttributes).repositoryId;
    const problem = typeof id === 'string' ? repositoryIdProblem(id) : undefined;
    if (problem) problems.add('props.repositoryId', id, problem);
  }
  problems.throwIfAny(`${what} ${scope.node.path}`);
}

/** Shared behaviour of created and existing repositories: the grants. */
export abstract class DockerRepositoryBase extends Construct implements IDockerRepository {

  public abstract readonly repositoryId: string;
  public abstract readonly location: string;
  public abstract readonly project: string;
  private readonly members = new Map<string, ArtifactRegistryRepositoryIamMember>();

  /** The full resource name. */
  public get repositoryName(): string {
    return `projects/${this.project}/locations/${this.location}/repositories/${this.repositoryId}`;
  }

  /** The Docker address of the repository. */
  public get registryUrl(): string {
    return `${Naming.garRegistryHost(this.location)}/${this.project}/${this.repositoryId}`;
  }

  public grantPull(member: string): ArtifactRegistryRepositoryIamMember {
    return this.grantRole(ArtifactRegistryRole.READER, member);
  }

  public grantPush(member: string): ArtifactRegistryRepositoryIamMember {
    return this.grantRole(ArtifactRegistryRole.WRITER, member);
  }

  public grantPullPush(member: string): ArtifactRegistryRepositoryIamMember {
    return this.grantRole(ArtifactRegistryRole.WRITER, member);
  }

  public grantRepoAdmin(member: string): ArtifactRegistryRepositoryIamMember {
    return this.grantRole(ArtifactRegistryRole.REPO_ADMIN, member);
  }

  /**
   * Grants a role on this repository to a member, once (a second grant of the same
   * role to the same member returns the first binding). The binding's construct id
   * is derived from the role and `memberId` (default: the member), so it is stable;
   * give a `memberId` when the member is a token (a created service account).
   */
  public grantRole(role: ArtifactRegistryRole, member: string, memberId?: string): ArtifactRegistryRepositoryIamMember {
    const key = `${role} ${member}`;
    const existing = this.members.get(key);
    if (existing) return existing;
    // The member against IAM's grammar, as the registry's grants check it: never public (allUsers would make the repository
    // public), and a whole domain reads only.
    const problems = new Problems();
    if (typeof member !== 'string' || member === '') {
      problems.add('member', member, 'is required: an IAM member (serviceAccount:<email>, group:<email>, ...)');
    } else if (!Tokens.isUnresolved(member)) {
      const p = gcpMember(member)
        ?? (role !== ArtifactRegistryRole.READER && member.startsWith('domain:') ? 'is every principal of a domain; a whole domain may read, never write or administer: name a service account, user or group' : undefined);
      if (p) problems.add('member', member, p);
    }
    problems.throwIfAny(`gcp.DockerRepository ${this.node.path} grantRole(${role})`);
    const roleName = role.split('.').pop()!;
    const binding = new ArtifactRegistryRepositoryIamMember(this, `${roleName}-${idFragment(memberId ?? member)}`, {
      project: this.project,
      location: this.location,
      repository: this.repositoryId,
      role,
      member,
    });
    this.members.set(key, binding);
    return binding;
  }
}

/** Props of a Docker repository. */
export interface DockerRepositoryProps {
  /** The repository id (1-63 lower-case letters, digits and hyphens, starting with a letter). */
  readonly repositoryId: string;
  /** The location: a region (`europe-west1`) or a multi-region (`us`, `europe`, `asia`). */
  readonly location: string;
  /** The project. */
  readonly project: string;
  /**
   * A description.
   *
   * @default - none
   */
  readonly description?: string;
  /**
   * Cleanup policies, exactly as Terraform takes them (at most 10).
   *
   * @default - none: nothing is deleted
   */
  readonly cleanupPolicies?: ArtifactRegistryRepositoryCleanupPolicies[];
  /**
   * Log what the cleanup policies would delete, and delete nothing.
   *
   * @default false
   */
  readonly cleanupPolicyDryRun?: boolean;
  /**
   * Make every tag write-once (`docker_config.immutable_tags`; all or nothing).
   *
   * @default false
   */
  readonly immutableTags?: boolean;
  /**
   * The Cloud KMS key that encrypts the repository (cannot be changed later).
   *
   * @default - Google-managed encryption
   */
  readonly kmsKeyName?: string;
  /**
   * Labels.
   *
   * @default - none
   */
  readonly labels?: { [key: string]: string };
  /**
   * Scan pushed images for vulnerabilities (`vulnerability_scanning_config`
   * INHERITED, i.e. on when the Container Scanning API is enabled on the
   * project), or not (DISABLED).
   *
   * @default true
   */
  readonly scanning?: boolean;
  /**
   * Set Terraform's `lifecycle.prevent_destroy`, so that a plan that would
   * delete the repository (and every image in it) fails.
   *
   * @default true
   */
  readonly preventDestroy?: boolean;
}

/**
 * One Artifact Registry repository in DOCKER format, standard mode. Images are
 * packages inside it, created on push.
 */
export class DockerRepository extends DockerRepositoryBase {
  /** References an existing repository, to grant access to it. */
  public static fromRepositoryAttributes(scope: Construct, id: string, attrs: DockerRepositoryAttributes): IDockerRepository {
    return new ImportedDockerRepository(scope, id, attrs);
  }

  public readonly repositoryId: string;
  public readonly location: string;
  public readonly project: string;
  /** The Terraform resource. */
  public readonly resource: ArtifactRegistryRepository;

  constructor(scope: Construct, id: string, props: DockerRepositoryProps) {
    super(scope, id);
    checkAttributes(this, 'gcp.DockerRepository', props, PROP_SHAPES);
    const policies = props.cleanupPolicies ?? [];
    this.resource = new ArtifactRegistryRepository(this, 'Resource', {
      project: props.project,
      location: props.location,
      repositoryId: props.repositoryId,
      format: 'DOCKER',
      mode: 'STANDARD_REPOSITORY',
      description: props.description,
      kmsKeyName: props.kmsKeyName,
      labels: props.labels && Object.keys(props.labels).length > 0 ? props.labels : undefined,
      dockerConfig: { immutableTags: props.immutableTags ?? false },
      cleanupPolicies: policies.length > 0 ? policies : undefined,
      cleanupPolicyDryRun: policies.length > 0 ? (props.cleanupPolicyDryRun ?? false) : undefined,
      vulnerabilityScanningConfig: { enablementConfig: (props.scanning ?? true) ? 'INHERITED' : 'DISABLED' },
      lifecycle: (props.preventDestroy ?? true) ? { preventDestroy: true } : undefined,
    });
    this.repositoryId = props.repositoryId;
    this.location = props.location;
    this.project = props.project;
  }

  /** The full resource name, from the Terraform resource (so references to it order the plan). */
  public get repositoryName(): string {
    return this.resource.id;
  }

  /**
   * The grants reference the Terraform resource's attributes, so Terraform creates
   * the repository before its IAM members.
   */
  public grantRole(role: ArtifactRegistryRole, member: string, memberId?: string): ArtifactRegistryRepositoryIamMember {
    const binding = super.grantRole(role, member, memberId);
    binding.repository = this.resource.repositoryId;
    return binding;
  }
}

class ImportedDockerRepository extends DockerRepositoryBase {
  public readonly repositoryId: string;
  public readonly location: string;
  public readonly project: string;

  constructor(scope: Construct, id: string, attrs: DockerRepositoryAttributes) {
    super(scope, id);
    checkAttributes(this, 'gcp.DockerRepository.fromRepositoryAttributes', attrs, ATTRIBUTE_SHAPES);
    this.repositoryId = attrs.repositoryId;
    this.location = attrs.location;
    this.project = attrs.project;
  }
}
