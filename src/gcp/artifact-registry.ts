import { ArtifactRegistryRepositoryIamMember } from '@cdktf/provider-google/lib/artifact-registry-repository-iam-member';
import { DataGoogleProject } from '@cdktf/provider-google/lib/data-google-project';
import { KmsCryptoKeyIamMember } from '@cdktf/provider-google/lib/kms-crypto-key-iam-member';
import { ProjectService } from '@cdktf/provider-google/lib/project-service';
import { TerraformOutput, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { ArtifactRegistryRole, DockerRepository, IDockerRepository } from './docker-repository';
import { checkPropShapes, PropShape, repositoryIdProblem, upperSnake } from './gcp-names';
import { GarValidator, GarValidatorOptions } from './gcp-validator';
import { ExistingWorkloadIdentityPool, GithubWorkloadIdentity } from './github-workload-identity';
import { GarServicePerimeterOptions, RegistryPerimeter } from './private-access';
import { RegistryIdentities } from './registry-identities';
import { GarNotificationOptions, RegistryNotifications } from './registry-notifications';
import { TerraformChecks } from './terraform-checks';
import { UpstreamRepositories } from './upstream-repositories';
import { GcpWarnings } from './warnings';
import { TranslationFidelity } from '../retention/translation-report';
import { AccessModel } from '../spec/access-model';
import { GrantOptions } from '../spec/contract';
import { EffectiveSpec } from '../spec/effective';
import { Glob } from '../spec/glob';
import { GCP_KMS_KEY_NAME, GCP_LOCATION, GCP_PROJECT_ID, gcpMember } from '../spec/grammars';

import { Naming } from '../spec/naming';
import { Problems, ProblemsError } from '../spec/problems';
import { Cloud, EncryptionType, GithubTrustSpec, NotificationEvent, RegistrySpec, ScanMode } from '../spec/registry-spec';
import { SpecMemo } from '../spec/spec-memo';
import { Tokens } from '../spec/tokens';
import { TagPolicyDecision } from '../tagging/tag-policy-decision';
import { shareSynthesizedConfig, terraformConfigOf } from '../terraform/synth-pass';

/** Workload identity pool and provider names (IAM API reference, projects.locations.workloadIdentityPools[.providers]: ids of 4-32 characters). */
const WIF_POOL_NAME = /^projects\/[^/]+\/locations\/global\/workloadIdentityPools\/[a-z0-9-]{4,32}$/;
const WIF_PROVIDER_NAME = /^projects\/[^/]+\/locations\/global\/workloadIdentityPools\/[a-z0-9-]{4,32}\/providers\/[a-z0-9-]{4,32}$/;

/** The shapes of the props, checked at run time for apps in JavaScript. */
const PROP_SHAPES: { [prop: string]: [PropShape, boolean] } = {
  spec: ['object', true],
  project: ['string', true],
  location: ['string', true],
  kmsKeyName: ['string', false],
  grantKeyAccess: ['boolean', false],
  labels: ['string-map', false],
  existingRepositories: ['object[]', false],
  preventDestroy: ['boolean', false],
  enableScanningApi: ['boolean', false],
  repoAdminMembers: ['string[]', false],
  workloadIdentityPool: ['object', false],
  workloadIdentityPoolId: ['string', false],
  virtualRepository: ['object', false],
  serviceAccountPrefix: ['string', false],
  outputs: ['boolean', false],
  createOutputs: ['boolean', false],
  projectNumber: ['string', false],
  servicePerimeter: ['object', false],
  notifications: ['object', false],
};

/** A repository that exists already and is used instead of creating one. */
export interface ExistingRepository {
  /** The existing repository's id. */
  readonly repositoryId: string;
  /**
   * The physical environment it holds (`dev`).
   *
   * @default - the one repository of a spec with the `tags` layout or without environments
   */
  readonly environment?: string;
}

/** A virtual repository that serves one environment's repository and the upstream caches from one address. */
export interface VirtualRepositoryOptions {
  /**
   * The virtual repository's id.
   *
   * @default - `<registry name>-virtual`
   */
  readonly repositoryId?: string;
  /**
   * The environment whose repository the virtual repository serves first.
   *
   * @default - the last environment of the chain (what runtimes pull)
   */
  readonly environment?: string;
}

/** Props of the GCP `ContainerRegistry`. */
export interface ContainerRegistryProps {
  /** The cloud-neutral registry spec. */
  readonly spec: RegistrySpec;
  /** The Google Cloud project that holds the repositories and identities. */
  readonly project: string;
  /**
   * The location: a region (`europe-west1`) or a multi-region (`us`, `europe`,
   * `asia`). A multi-region is Artifact Registry's form of replication.
   */
  readonly location: string;
  /**
   * The Cloud KMS key (`projects/../locations/../keyRings/../cryptoKeys/..`) that
   * encrypts every repository; it cannot be changed after creation.
   *
   * @default - the spec's `encryption.gcpKmsKeyName` with customer-managed encryption, else Google-managed keys
   */
  readonly kmsKeyName?: string;
  /**
   * Grant the project's Artifact Registry service agent
   * (`service-<project number>@gcp-sa-artifactregistry.iam.gserviceaccount.com`)
   * `roles/cloudkms.cryptoKeyEncrypterDecrypter` on the KMS key, which it needs to
   * encrypt the repositories. The repositories then depend on the grant.
   *
   * @default false - grant it where the key is managed
   */
  readonly grantKeyAccess?: boolean;
  /**
   * Labels on every repository, added to (and overriding) the spec's labels.
   *
   * @default - the spec's labels
   */
  readonly labels?: { [key: string]: string };
  /**
   * Repositories that exist already; they are referenced and granted, not created
   * or changed (the spec's retention, tag policy, scanning and encryption are not
   * applied to them: a warning says so).
   *
   * @default - every repository is created
   */
  readonly existingRepositories?: ExistingRepository[];
  /**
   * Set `lifecycle.prevent_destroy` on the standard repositories, so that a plan
   * that would delete one (and its images) fails. The counterpart of RETAIN on AWS.
   *
   * @default true
   */
  readonly preventDestroy?: boolean;
  /**
   * Enable the Container Scanning API (`containerscanning.googleapis.com`) on the
   * project, which `vulnerability_scanning_config` INHERITED relies on.
   *
   * @default false - enable it elsewhere (it is project-wide)
   */
  readonly enableScanningApi?: boolean;
  /**
   * IAM members granted `roles/artifactregistry.repoAdmin` (which can delete
   * images) on every standard repository. Nobody else gets it.
   *
   * @default - none
   */
  readonly repoAdminMembers?: string[];
  /**
   * An existing workload identity pool (and optionally provider) for the GitHub trust.
   *
   * @default - a pool and a provider are created when an identity has `github`
   */
  readonly workloadIdentityPool?: ExistingWorkloadIdentityPool;
  /**
   * The id of the workload identity pool created for GitHub.
   *
   * @default - `<registry name>-github`, shortened to 32 characters
   */
  readonly workloadIdentityPoolId?: string;
  /**
   * Create a virtual repository in front of one environment's repository and the caches.
   *
   * @default - no virtual repository
   */
  readonly virtualRepository?: VirtualRepositoryOptions;
  /**
   * The prefix of created service account ids.
   *
   * @default - the spec's name
   */
  readonly serviceAccountPrefix?: string;
  /**
   * Create the outputs the promotion workflow reads as GitHub variables
   * (`GCP_SERVICE_ACCOUNT_<IDENTITY>`, `GCP_WORKLOAD_IDENTITY_PROVIDER`,
   * `GCP_LOCATION`, `GCP_PROJECT_ID`) and `GCP_REPOSITORY_URL_<ENV>`. Turn them
   * off when two registries share a stack.
   *
   * @default true
   */
  readonly outputs?: boolean;

  /**
   * @deprecated use `outputs` (the same prop name on every cloud)
   * @default - `outputs`
   */
  readonly createOutputs?: boolean;

  /**
   * The project's number, for the service perimeter and the service agents of notifications.
   *
   * @default - read with the `google_project` data source
   */
  readonly projectNumber?: string;

  /**
   * With the spec's `network.privateAccess` and no `network.gcpServicePerimeter`: the
   * VPC Service Controls perimeter to create (`RegistryPerimeter`).
   *
   * @default - none; with privateAccess, `network.gcpServicePerimeter` is then required
   */
  readonly servicePerimeter?: GarServicePerimeterOptions;

  /**
   * Where the spec's `notifications` go (`RegistryNotifications`).
   *
   * @default - pull subscriptions on the topics the services created
   */
  readonly notifications?: GarNotificationOptions;
}

/**
 * A container registry on Google Artifact Registry, from the cloud-neutral spec.
 *
 * - One DOCKER repository per physical environment (`Naming.physicalEnvironments`),
 *   named by `Naming.garRepositoryId`; images are packages inside, created on push.
 * - Cleanup policies: the GAR translation of each image's retention policy,
 *   exactly (at most 10 per repository; the translation says which rules to merge
 *   when there are more); `cleanup_policy_dry_run` from the spec's `dryRun`.
 * - `docker_config.immutable_tags` from the tag policy decision (all or nothing).
 * - Vulnerability scanning, customer-managed encryption, labels, and
 *   `prevent_destroy` by default.
 * - Remote repositories for the upstream caches and, when asked, a virtual repository.
 * - Identities from the access section (service accounts, GitHub workload
 *   identity federation, repository-scoped IAM members).
 */
export class ContainerRegistry extends Construct {
  /** What the props change in the spec's derivations, for the validator. */
  private static validatorOptions(props: ContainerRegistryProps): GarValidatorOptions {
    const virtualId = props.virtualRepository ? props.virtualRepository.repositoryId : undefined;
    return {
      kmsKeyName: props.kmsKeyName,
      serviceAccountPrefix: props.serviceAccountPrefix,
      workloadIdentityPoolId: props.workloadIdentityPoolId,
      existingPool: props.workloadIdentityPool !== undefined,
      existingProvider: props.workloadIdentityPool?.providerName !== undefined,
      virtualRepositoryId: props.virtualRepository ? (virtualId ?? Naming.garVirtualRepositoryId(props.spec.name)) : undefined,
      virtualRepositoryIdDerived: props.virtualRepository !== undefined && virtualId === undefined,
      existingEnvironments: (Array.isArray(props.existingRepositories) ? props.existingRepositories : []).map((e) => e?.environment ?? ''),
    };
  }

  /** The standard repository of each physical environment, in chain order. */
  public readonly repositories: IDockerRepository[] = [];
  /** The identities of the access section. */
  public readonly identities: RegistryIdentities;
  /**
   * The GitHub workload identity federation.
   *
   * @default - no identity has a GitHub trust
   */
  public readonly workloadIdentity?: GithubWorkloadIdentity;
  /**
   * The remote and virtual repositories.
   *
   * @default - no caches and no virtual repository
   */
  public readonly upstreams?: UpstreamRepositories;
  /**
   * The Container Scanning API service.
   *
   * @default - not enabled here
   */
  public readonly scanningApi?: ProjectService;
  /** The spec the registry was built from. */
  public readonly spec: RegistrySpec;
  /**
   * The VPC Service Controls perimeter of `network.privateAccess`.
   *
   * @default - no private access
   */
  public readonly perimeter?: RegistryPerimeter;
  /**
   * The subscriptions of `notifications`.
   *
   * @default - no notifications
   */
  public readonly notifications?: RegistryNotifications;
  private readonly byEnvironment = new Map<string, IDockerRepository>();
  /** The physical environment the virtual repository serves. */
  private virtualEnvironment?: string;

  constructor(scope: Construct, id: string, props: ContainerRegistryProps) {
    super(scope, id);
    const memo = SpecMemo._open();
    try {
      // One round: the props' shapes, the spec's problems on GCP (GarValidator, which validate --cloud gcp runs too) and the props' own.
      const problems = new Problems();
      if (checkPropShapes(problems, props, PROP_SHAPES)) {
        if (props.spec !== null && typeof props.spec === 'object') problems.addAll(GarValidator.problems(props.spec, ContainerRegistry.validatorOptions(props)));
        this.checkProps(props, problems);
      }
      problems.throwIfAny(`gcp.ContainerRegistry ${this.node.path}`);
      const spec = props.spec;
      this.spec = spec;

      const envs = Naming.physicalEnvironments(spec);
      const kmsKeyName = props.kmsKeyName
        ?? (EffectiveSpec.encryptionType(spec) === EncryptionType.CUSTOMER_MANAGED ? spec.encryption?.gcpKmsKeyName : undefined);
      const labels = { ...(spec.labels ?? {}), ...(props.labels ?? {}) };
      const existing = new Map((props.existingRepositories ?? []).map((e) => [e.environment ?? '', e.repositoryId]));

      // Every environment's repository holds the same images with the same effective retention: one translation (the validator's).
      const translation = GarValidator._translate(spec, [...existing.keys()]);
      const cleanup = translation.result;
      if (cleanup) {
        const where = `${translation.repositoryIds.length === 1 ? 'Repository' : 'Repositories'} ${translation.repositoryIds.join(', ')}`;
        for (const w of cleanup.report.warnings) GcpWarnings._emit(this, 'retention-translation', `${where}: ${w}`);
        if (cleanup.report.fidelity === TranslationFidelity.CONSERVATIVE) {
          const reasons = cleanup.report.rules.filter((r) => r.reason).map((r) => (r.ruleIndex < 0 ? `protected tags: ${r.reason}` : r.reason));
          GcpWarnings._emit(this, 'retention-conservative',
            `${where}: Artifact Registry cannot express the retention exactly; the cleanup policies are conservative `
            + `(they delete less than the spec's retention, the nearest safe behaviour)${reasons.length ? `: ${reasons.join('; ')}` : ''}`,
          );
        }
      }

      let keyAccess: KmsCryptoKeyIamMember | undefined;
      if (props.grantKeyAccess && kmsKeyName) {
        const project = new DataGoogleProject(this, 'Project', { projectId: props.project });
        keyAccess = new KmsCryptoKeyIamMember(this, 'KeyAccess', {
          cryptoKeyId: kmsKeyName,
          role: 'roles/cloudkms.cryptoKeyEncrypterDecrypter',
          member: `serviceAccount:service-${project.number}@gcp-sa-artifactregistry.iam.gserviceaccount.com`,
        });
      }

      const immutableTags = this.decideImmutability(spec);
      const scanning = this.decideScanning(spec);
      const deletesTagged = (cleanup?.policies ?? []).filter((p) => p.action === 'DELETE' && (p.condition?.tagState ?? 'ANY') !== 'UNTAGGED');
      if (immutableTags && deletesTagged.length > 0) {
        // immutable_tags "prevents all tags from being modified, moved or deleted": a tagged version cannot be cleaned up.
        GcpWarnings._emit(this, 'immutable-tags-cleanup',
          `docker_config.immutable_tags is on, so Artifact Registry never deletes a tagged version: the cleanup policies ${deletesTagged.map((p) => p.id).join(', ')} `
          + 'delete untagged versions only (conservative: tagged images the retention expires are kept). To expire tagged images on GCP, set tagPolicy.immutable to false.',
        );
      }

      for (const env of envs) {
        const repositoryId = Naming.garRepositoryId(spec, env);
        const constructId = env ? `Repository-${env}` : 'Repository';
        let repo: IDockerRepository;
        if (existing.has(env)) {
          repo = DockerRepository.fromRepositoryAttributes(this, constructId, {
            repositoryId: existing.get(env)!, location: props.location, project: props.project,
          });
          GcpWarnings._emit(this, 'existing-repository',
            `Repository ${existing.get(env)}${env ? ` (environment "${env}")` : ''} exists already and is only referenced: its cleanup policies, tag immutability, `
            + 'scanning, encryption and labels stay as they are, and the spec\'s retention and tag policy are not applied to it.',
          );
        } else {
          const result = cleanup!;
          repo = new DockerRepository(this, constructId, {
            repositoryId,
            location: props.location,
            project: props.project,
            description: `${spec.name} container images${env ? ` (${env})` : ''}; managed by container-registry-constructs`,
            cleanupPolicies: result.policies,
            cleanupPolicyDryRun: result.dryRun,
            immutableTags,
            kmsKeyName,
            labels,
            scanning,
            preventDestroy: props.preventDestroy ?? true,
          });
          if (keyAccess) (repo as DockerRepository).resource.dependsOn = [keyAccess.fqn];
        }
        this.repositories.push(repo);
        this.byEnvironment.set(env, repo);
        for (const member of props.repoAdminMembers ?? []) repo.grantRepoAdmin(member);
        if ((props.outputs ?? props.createOutputs ?? true)) {
          const out = new TerraformOutput(this, `Url-${env || 'default'}`, { value: repo.registryUrl, description: `Docker address of the ${repositoryId} repository` });
          out.overrideLogicalId(`GCP_REPOSITORY_URL${env ? `_${upperSnake(env)}` : ''}`);
        }
      }

      if (props.outputs ?? props.createOutputs ?? true) {
        // The promotion workflow builds `<GCP_LOCATION>-docker.pkg.dev/<GCP_PROJECT_ID>/<repository>/<image>`.
        new TerraformOutput(this, 'Location', { value: props.location, description: 'Artifact Registry location (GitHub variable GCP_LOCATION)' })
          .overrideLogicalId('GCP_LOCATION');
        new TerraformOutput(this, 'ProjectId', { value: props.project, description: 'Google Cloud project (GitHub variable GCP_PROJECT_ID)' })
          .overrideLogicalId('GCP_PROJECT_ID');
      }

      if (props.enableScanningApi) {
        this.scanningApi = new ProjectService(this, 'ScanningApi', {
          project: props.project,
          service: 'containerscanning.googleapis.com',
          disableOnDestroy: false,
        });
      }

      const trusts = this.githubTrusts(spec);
      if (trusts.length > 0) {
        this.workloadIdentity = new GithubWorkloadIdentity(this, 'GithubTrust', {
          project: props.project,
          trusts,
          poolId: props.workloadIdentityPoolId ?? GarValidator.defaultPoolId(spec.name),
          existingPool: props.workloadIdentityPool,
        });
        if (props.outputs ?? props.createOutputs ?? true) {
          new TerraformOutput(this, 'WorkloadIdentityProvider', {
            value: this.workloadIdentity.providerName,
            description: 'The workload identity provider for google-github-actions/auth (GitHub variable GCP_WORKLOAD_IDENTITY_PROVIDER)',
          }).overrideLogicalId('GCP_WORKLOAD_IDENTITY_PROVIDER');
        }
      }

      const repositoriesByEnv: { [environment: string]: IDockerRepository } = {};
      for (const [env, repo] of this.byEnvironment) repositoriesByEnv[env] = repo;
      this.identities = new RegistryIdentities(this, 'Identities', {
        spec,
        project: props.project,
        repositories: repositoriesByEnv,
        workloadIdentity: this.workloadIdentity,
        serviceAccountPrefix: props.serviceAccountPrefix,
        outputs: props.outputs ?? props.createOutputs,
      });

      const caches = spec.upstreamCaches ?? [];
      if (caches.length > 0 || props.virtualRepository) {
        const chain = Naming.environmentNames(spec);
        const virtualEnv = props.virtualRepository?.environment ?? (envs.length > 1 ? chain[chain.length - 1] : envs[0]);
        const fronted = this.byEnvironment.get(envs.includes(virtualEnv) ? virtualEnv : '');
        this.virtualEnvironment = envs.includes(virtualEnv) ? virtualEnv : '';
        this.upstreams = new UpstreamRepositories(this, 'Upstreams', {
          registryName: spec.name,
          caches,
          project: props.project,
          location: props.location,
          labels,
          kmsKeyName,
          virtualRepositoryId: props.virtualRepository
            ? (props.virtualRepository.repositoryId ?? Naming.garVirtualRepositoryId(spec.name))
            : undefined,
          virtualUpstreams: fronted ? [fronted] : [],
        });
        // Every puller imports through every cache (AccessModel: a puller pulls through each cache of the spec);
        // only those who pull the fronted environment may read through the virtual repository, which serves it.
        for (const puller of spec.access?.pullers ?? []) {
          for (const member of this.identities.membersOf(puller.name)) {
            for (const remote of this.upstreams.remoteRepositories) {
              remote.grantRole(ArtifactRegistryRole.READER, member, this.identities.memberIdOf(member));
            }
          }
        }
        for (const grant of this.pullGrantsOf(virtualEnv, envs)) {
          for (const member of this.identities.membersOf(grant)) {
            this.upstreams.virtualRepository?.grantRole(ArtifactRegistryRole.READER, member, this.identities.memberIdOf(member));
          }
        }
      }

      this.privateAccessAndEvents(spec, props);
      this.warnAboutGaps(spec, props);

      // Check the synthesized Terraform of this registry against the provider's constraints.
      // One resolution of the stack per synthesis, shared by the checks of every registry in it and cdktf's own write.
      shareSynthesizedConfig(TerraformStack.of(this));
      this.node.addValidation({
        validate: () => {
          return TerraformChecks.check(terraformConfigOf(TerraformStack.of(this)), { pathPrefix: this.node.path })
            .map((p) => TerraformChecks.format(p));
        },
      });
    } finally {
      SpecMemo._close(memo);
    }
  }

  /** The standard repository of an environment (`undefined` or `''` with the `tags` layout). */
  public repository(environment?: string): IDockerRepository {
    const env = Naming.physicalEnvironments(this.spec).length === 1 && Naming.physicalEnvironments(this.spec)[0] === '' ? '' : environment ?? '';
    const repo = this.byEnvironment.get(env);
    if (!repo) {
      throw new ProblemsError(`gcp.ContainerRegistry ${this.node.path}`, [{
        path: 'environment',
        value: Problems.show(environment),
        message: `has no repository (environments: ${[...this.byEnvironment.keys()].map((e) => `"${e}"`).join(', ')})`,
      }]);
    }
    return repo;
  }

  /**
   * Grants `roles/artifactregistry.reader` to an IAM member on the repositories of
   * the given environments (default: every one), on the remote repositories (the
   * caches: pulling an image through a cache is a pull) and on the virtual
   * repository when it serves one of those environments. Artifact Registry IAM is
   * per repository: images narrower than a repository get the whole repository,
   * with a warning. A repeated grant returns the bindings the first one created.
   *
   * @param member an IAM member (`serviceAccount:...`, `group:...`)
   * @returns the repository IAM members, created or existing
   */
  public grantPull(member: string, options: GrantOptions = {}): ArtifactRegistryRepositoryIamMember[] {
    const scope = this.grantScope('grantPull', member, options);
    return [
      ...scope.repositories.map((r) => r.grantRole(ArtifactRegistryRole.READER, member)),
      ...this.upstreamsFor(scope.environments).map((r) => r.grantRole(ArtifactRegistryRole.READER, member)),
    ];
  }

  /**
   * Grants `roles/artifactregistry.writer` (it includes read: Artifact Registry has
   * no write-only role) on the standard repositories of the given environments
   * (default: every one); remote and virtual repositories take no pushes.
   *
   * @param member an IAM member
   * @returns the repository IAM members, created or existing
   */
  public grantPush(member: string, options: GrantOptions = {}): ArtifactRegistryRepositoryIamMember[] {
    const scope = this.grantScope('grantPush', member, options);
    return scope.repositories.map((r) => r.grantRole(ArtifactRegistryRole.WRITER, member));
  }

  /**
   * Grants `roles/artifactregistry.writer` on the standard repositories of the
   * given environments and `roles/artifactregistry.reader` on the caches and the
   * virtual repository (as `grantPull`).
   *
   * @param member an IAM member
   * @returns the repository IAM members, created or existing
   */
  public grantPullPush(member: string, options: GrantOptions = {}): ArtifactRegistryRepositoryIamMember[] {
    const scope = this.grantScope('grantPullPush', member, options);
    return [
      ...scope.repositories.map((r) => r.grantRole(ArtifactRegistryRole.WRITER, member)),
      ...this.upstreamsFor(scope.environments).map((r) => r.grantRole(ArtifactRegistryRole.READER, member)),
    ];
  }

  /**
   * The repositories a grant covers: those of the environments asked (each
   * physical environment's repository; the one repository of the tags layout), and
   * a warning when the images asked are fewer than those repositories hold.
   */
  private grantScope(method: string, member: string, options: GrantOptions): { environments: string[]; repositories: IDockerRepository[] } {
    const problems = new Problems();
    if (typeof member !== 'string' || member === '') {problems.add('member', member, 'is required: an IAM member (serviceAccount:<email>, group:<email>, ...)');} else if (!Tokens.isUnresolved(member) && gcpMember(member)) {problems.add('member', member, gcpMember(member)!);} else if (method !== 'grantPull' && member.startsWith('domain:')) {
      problems.add('member', member, 'is every principal of a domain; a whole domain may pull, never push (as in the spec\'s access section): name a service account, user or group');
    }
    checkPropShapes(problems, options ?? {}, { images: ['string[]', false], environments: ['string[]', false] }, 'options');
    const chain = Naming.environmentNames(this.spec);
    const physical = [...this.byEnvironment.keys()];
    const asked = Array.isArray(options?.environments) ? options.environments : undefined;
    for (const field of ['images', 'environments'] as const) {
      const given = options?.[field];
      if (Array.isArray(given) && given.length === 0) {
        problems.add(`options.${field}`, given, `is empty, which grants nothing; leave ${field} out for every ${field === 'images' ? 'image' : 'environment'}`);
      }
    }
    (asked ?? []).forEach((env, i) => {
      if (!chain.includes(env)) problems.add(`options.environments[${i}]`, env, `is not an environment of the chain (${chain.join(', ') || 'none'})`);
    });
    const images = this.spec.repositories.map((r) => r.name);
    const patterns = Array.isArray(options?.images) ? options.images : undefined;
    (patterns ?? []).forEach((pattern, i) => {
      if (typeof pattern === 'string' && !images.some((image) => Glob.matches(pattern, image))) {
        problems.add(`options.images[${i}]`, pattern, `matches no image of the spec (${images.join(', ')})`);
      }
    });
    problems.throwIfAny(`gcp.ContainerRegistry ${this.node.path} ${method}`);

    // The smallest scope of a grant is a repository: google_artifact_registry_repository_iam_member binds a role on a
    // `repository` (provider 16.12 schema: project, location, repository, role, member, condition; no package), and
    // Artifact Registry's access-control page speaks of "repository-specific permissions"
    // (https://cloud.google.com/artifact-registry/docs/access-control). So images narrower than a repository warn.
    // With the tags layout (or without environments) one repository holds every environment.
    const environments = physical.length === 1 && physical[0] === '' ? [''] : (asked ?? physical).filter((e) => physical.includes(e));
    const repositories = physical.filter((e) => environments.includes(e)).map((e) => this.byEnvironment.get(e)!);
    const covered = patterns === undefined ? images : images.filter((image) => Glob.matchesAny(patterns, image));
    const coveredSet = new Set(covered);
    const beyond = images.filter((image) => !coveredSet.has(image));
    const tagsBeyond = asked !== undefined && environments.length === 1 && environments[0] === '' && chain.some((e) => !asked.includes(e));
    if (beyond.length > 0 || tagsBeyond) {
      GcpWarnings._emit(this, 'image-scope',
        `${method}(${Tokens.isUnresolved(member) ? 'member' : member}) asks for ${patterns ? `the images ${patterns.join(', ')}` : 'every image'}`
        + `${asked ? ` in ${asked.join(', ')}` : ''}, but Artifact Registry grants roles per repository: it covers every image`
        + `${tagsBeyond ? ' and every environment tag' : ''} of ${repositories.map((r) => r.repositoryId).join(', ')}`
        + `${beyond.length ? ` (also ${beyond.join(', ')})` : ''}. Use separate registries (spec files) to keep images apart.`);
    }
    return { environments, repositories };
  }

  /** The caches, and the virtual repository when it serves one of the environments. */
  private upstreamsFor(environments: string[]): IDockerRepository[] {
    if (!this.upstreams) return [];
    const virtual = this.upstreams.virtualRepository;
    const servesAsked = this.virtualEnvironment !== undefined && (environments.includes(this.virtualEnvironment) || environments.includes(''));
    return [...this.upstreams.remoteRepositories, ...(virtual && servesAsked ? [virtual] : [])];
  }

  /** The props' own problems (the spec's are the validator's). */
  /** The perimeter of `network.privateAccess` and the subscriptions of `notifications`. */
  private privateAccessAndEvents(spec: RegistrySpec, props: ContainerRegistryProps): void {
    const needsNumber = spec.network?.privateAccess || spec.notifications;
    if (!needsNumber) return;
    const projectNumber = props.projectNumber ?? new DataGoogleProject(this, 'ProjectNumber', { projectId: props.project }).number;
    if (spec.network?.privateAccess) {
      (this as { perimeter?: RegistryPerimeter }).perimeter = new RegistryPerimeter(this, 'Perimeter', {
        registryName: spec.name,
        existingPerimeter: spec.network.gcpServicePerimeter,
        create: props.servicePerimeter,
        projectNumber,
      });
      if ((spec.upstreamCaches ?? []).length > 0) {
        GcpWarnings._emit(this, 'vpcsc-remote-repositories', `upstreamCaches ${(spec.upstreamCaches ?? []).map((c) => c.name).join(', ')}: inside a VPC Service Controls `
          + 'perimeter, remote repositories reach upstreams outside it only with the project\'s Artifact Registry VPC-SC config set to ALLOW '
          + '(google_artifact_registry_vpcsc_config), which only the google-beta provider has; the prebuilt binding cannot create it. '
          + 'Set it with `gcloud artifacts vpcsc-config allow --project=<project> --location=<location>`, or the caches fail.');
      }
    }
    const n = spec.notifications;
    if (!n) return;
    (this as { notifications?: RegistryNotifications }).notifications = new RegistryNotifications(this, 'Notifications', {
      spec,
      project: props.project,
      projectNumber,
      ...(props.notifications ?? {}),
      // The promoters that report promotions (AccessModel.promotionReporters), as the access model says.
      promoterMembers: [...new Set(AccessModel.promotionReporters(spec).flatMap((name) => this.identities.membersOf(name)))],
    });
    const promotions = this.notifications!.topics.promotions;
    if (promotions && (props.outputs ?? props.createOutputs ?? true)) {
      new TerraformOutput(this, 'PromotionTopic', { value: promotions.id, description: 'The Pub/Sub topic of promotion reports (GitHub variable GCP_PROMOTION_TOPIC)' })
        .overrideLogicalId('GCP_PROMOTION_TOPIC');
    }
    if (n.events.includes(NotificationEvent.PUSH) || n.events.includes(NotificationEvent.RETENTION_DELETION)) {
      GcpWarnings._emit(this, 'notifications-unfiltered', 'notifications: Artifact Registry publishes every change of every Docker repository of the project to the topic gcr '
        + '(INSERT for uploads and tags, DELETE for deletions), as message data without attributes, so Pub/Sub cannot filter them: the subscriber keeps '
        + `the messages of ${Naming.physicalEnvironments(spec).map((e) => Naming.garRepositoryId(spec, e)).join(', ')} and the actions it wants, `
        + 'and a DELETE does not say whether a cleanup policy or a person deleted the image.');
    }
    if (n.events.includes(NotificationEvent.SCAN_FINDING)) {
      GcpWarnings._emit(this, 'scan-severity-unfiltered', 'notifications: Artifact Analysis occurrence messages name the occurrence and its kind, not its severity, so '
        + `every new or updated occurrence of the project is delivered; the subscriber reads the occurrence and keeps ${n.minimumSeverity ?? 'high'} and above.`);
    }
  }

  private checkProps(props: ContainerRegistryProps, problems: Problems): void {
    const spec = props.spec;
    const specOk = spec !== null && typeof spec === 'object';
    const envs = specOk ? Naming.physicalEnvironments(spec) : [];
    if (typeof props.location === 'string' && !Tokens.isUnresolved(props.location) && !GCP_LOCATION.test(props.location)) {
      problems.add('props.location', props.location, 'is not a GCP location (a region such as europe-west1, or a multi-region: us, europe, asia)');
    }
    // Resource Manager, creating projects: a project id "must be 6 to 30 characters in length", "can only contain lowercase
    // letters, numbers, and hyphens", "must start with a letter", "cannot end with a hyphen".
    if (props.project === '') {
      problems.add('props.project', props.project, 'is required: the Google Cloud project id');
    } else if (typeof props.project === 'string' && !Tokens.isUnresolved(props.project) && !GCP_PROJECT_ID.test(props.project)) {
      problems.add('props.project', props.project, 'is not a project id (6-30 lower-case letters, digits and hyphens, starting with a letter, not ending with a hyphen); '
        + 'give the id, not the name or the number');
    }
    if (props.labels !== null && typeof props.labels === 'object' && !Array.isArray(props.labels)) {
      problems.addAll(GarValidator._propLabelProblems(props.labels, specOk && spec.labels !== null && typeof spec.labels === 'object' ? spec.labels : {}));
    }
    const pool = props.workloadIdentityPool;
    if (pool !== null && typeof pool === 'object' && !Array.isArray(pool)) {
      if (typeof pool.poolName !== 'string') {
        problems.add('props.workloadIdentityPool.poolName', pool.poolName, `${pool.poolName === undefined ? 'is required' : 'is not a string'} `
          + '(projects/<project number>/locations/global/workloadIdentityPools/<pool id>)');
      } else if (!Tokens.isUnresolved(pool.poolName) && !WIF_POOL_NAME.test(pool.poolName)) {
        problems.add('props.workloadIdentityPool.poolName', pool.poolName, 'is not a pool name (projects/<project number>/locations/global/workloadIdentityPools/<pool id>)');
      }
      if (pool.providerName !== undefined && (typeof pool.providerName !== 'string'
        || (!Tokens.isUnresolved(pool.providerName) && !WIF_PROVIDER_NAME.test(pool.providerName)))) {
        problems.add('props.workloadIdentityPool.providerName', pool.providerName,
          'is not a provider name (projects/<project number>/locations/global/workloadIdentityPools/<pool id>/providers/<provider id>)');
      } else if (typeof pool.providerName === 'string' && typeof pool.poolName === 'string' && !Tokens.isUnresolved(pool.providerName)
        && !Tokens.isUnresolved(pool.poolName) && !pool.providerName.startsWith(`${pool.poolName}/providers/`)) {
        problems.add('props.workloadIdentityPool.providerName', pool.providerName, `is not a provider of the pool ${pool.poolName}`);
      }
    }
    const list = <T>(value: T[] | undefined): T[] => (Array.isArray(value) ? value : []); // a wrong shape is reported by checkPropShapes
    list(props.existingRepositories).forEach((e, i) => {
      if (e === null || typeof e !== 'object') return;
      const p = typeof e.repositoryId === 'string' ? repositoryIdProblem(e.repositoryId) : 'is required (a string)';
      if (p) problems.add(`props.existingRepositories[${i}].repositoryId`, e.repositoryId, p);
      if (specOk && !envs.includes(e.environment ?? '')) {
        problems.add(`props.existingRepositories[${i}].environment`, e.environment, 'is not a physical environment of the spec '
          + `(${envs.map((x) => (x ? `"${x}"` : '(none: the tags layout has one repository)')).join(', ')})`);
      }
    });
    if (typeof props.kmsKeyName === 'string' && !Tokens.isUnresolved(props.kmsKeyName) && !GCP_KMS_KEY_NAME.test(props.kmsKeyName)) {
      problems.add('props.kmsKeyName', props.kmsKeyName, 'is not a Cloud KMS key name (projects/<p>/locations/<l>/keyRings/<r>/cryptoKeys/<k>)');
    }
    const virtualEnv = props.virtualRepository?.environment;
    if (specOk && virtualEnv !== undefined && !Naming.environmentNames(spec).includes(virtualEnv)) {
      problems.add('props.virtualRepository.environment', virtualEnv, `is not an environment of the chain (${Naming.environmentNames(spec).join(', ') || 'none'})`);
    }
    list(props.repoAdminMembers).forEach((m, i) => {
      const p = typeof m === 'string' && !Tokens.isUnresolved(m) ? gcpMember(m) : undefined;
      // roles/artifactregistry.repoAdmin also deletes images and changes IAM: never a whole domain (as pushers, GarValidator).
      const domain = typeof m === 'string' && m.startsWith('domain:')
        ? 'is every principal of a domain; repository administrators are named: service accounts, users or groups' : undefined;
      if (p ?? domain) problems.add(`props.repoAdminMembers[${i}]`, m, (p ?? domain)!);
    });
    if (specOk) this.checkNetworkProps(spec, props, problems);
  }

  /** The perimeter and notification props against the spec's `network` and `notifications`. */
  private checkNetworkProps(spec: RegistrySpec, props: ContainerRegistryProps, problems: Problems): void {
    const network = spec.network ?? {};
    const perimeter = props.servicePerimeter;
    if (network.privateAccess === true && !network.gcpServicePerimeter && !perimeter) {
      problems.add('props.servicePerimeter', undefined, 'is required with network.privateAccess and no network.gcpServicePerimeter: '
        + 'Artifact Registry is kept private by a VPC Service Controls perimeter (give an existing one in the spec, or this prop to create one)');
    }
    if (perimeter && network.gcpServicePerimeter) {
      problems.add('props.servicePerimeter', 'given', `and network.gcpServicePerimeter ("${network.gcpServicePerimeter}") exclude each other: use the existing perimeter or create one`);
    }
    if (perimeter && network.privateAccess !== true) {
      problems.add('props.servicePerimeter', 'given', 'needs network.privateAccess: true in the spec');
    }
    if (perimeter && typeof perimeter === 'object') {
      const digits = (path: string, v: unknown, what: string) => {
        if (typeof v !== 'string' || (!Tokens.isUnresolved(v) && !/^[0-9]{1,20}$/.test(v))) problems.add(`props.servicePerimeter.${path}`, v, `is not ${what} (digits)`);
      };
      digits('accessPolicy', perimeter.accessPolicy, 'an access policy number');
      if (perimeter.name !== undefined && !/^[A-Za-z][A-Za-z0-9_]{0,49}$/.test(perimeter.name)) {
        problems.add('props.servicePerimeter.name', perimeter.name, 'is not a perimeter name (letters, digits and _, starting with a letter, at most 50)');
      }
      (Array.isArray(perimeter.accessLevels) ? perimeter.accessLevels : []).forEach((a, i) => {
        if (!/^accessPolicies\/[0-9]+\/accessLevels\/[A-Za-z][A-Za-z0-9_]{0,49}$/.test(a)) {
          problems.add(`props.servicePerimeter.accessLevels[${i}]`, a, 'is not an access level name (accessPolicies/<n>/accessLevels/<name>)');
        }
      });
    }
    if (props.projectNumber !== undefined && !Tokens.isUnresolved(props.projectNumber) && !/^[0-9]{1,20}$/.test(props.projectNumber)) {
      problems.add('props.projectNumber', props.projectNumber, 'is not a project number (digits; the project id goes in project)');
    }
    const n = props.notifications;
    if (n && typeof n === 'object') {
      if (!spec.notifications) problems.add('props.notifications', 'given', 'needs a notifications section in the spec (which events to deliver)');
      if (n.pushEndpoint !== undefined && !Tokens.isUnresolved(n.pushEndpoint) && !/^https:\/\/[^\s/]+/.test(n.pushEndpoint)) {
        problems.add('props.notifications.pushEndpoint', n.pushEndpoint, 'is not an https:// URL (Pub/Sub pushes to HTTPS endpoints)');
      }
      if (n.pushEndpoint && (n.subscriberMembers ?? []).length) {
        problems.add('props.notifications.subscriberMembers', n.subscriberMembers, 'apply to pull subscriptions; with pushEndpoint Pub/Sub delivers the messages itself');
      }
      (Array.isArray(n.subscriberMembers) ? n.subscriberMembers : []).forEach((m, i) => {
        const p = typeof m === 'string' && !Tokens.isUnresolved(m) ? gcpMember(m) : 'is not an IAM member';
        if (p) problems.add(`props.notifications.subscriberMembers[${i}]`, m, p);
      });
    }
  }

  /**
   * `docker_config.immutable_tags` is one switch per repository, and a repository
   * holds every image: it is on only when the decision for every image says so.
   */
  private decideImmutability(spec: RegistrySpec): boolean {
    const decisions = spec.repositories.map((r) => ({ image: r.name, decision: TagPolicyDecision.gar(EffectiveSpec.tagPolicy(spec, r)) }));
    const warnings = new Set<string>();
    for (const d of decisions) for (const w of d.decision.warnings) warnings.add(w);
    for (const w of warnings) GcpWarnings._emit(this, 'immutable-tags', w);
    const on = decisions.filter((d) => d.decision.immutableTags).map((d) => d.image);
    if (on.length > 0 && on.length < decisions.length) {
      const off = decisions.filter((d) => !d.decision.immutableTags).map((d) => d.image);
      GcpWarnings._emit(this, 'mixed-immutability',
        `Images ${on.join(', ')} ask for immutable tags and ${off.join(', ')} do not, but docker_config.immutable_tags applies to a whole repository: `
        + 'tags stay mutable in every repository (the nearest safe setting, since immutable tags would break the images that move theirs). Give them the same tag policy.',
      );
      return false;
    }
    return on.length === decisions.length;
  }

  /** Scanning is per repository: on when any image asks for it. */
  private decideScanning(spec: RegistrySpec): boolean {
    const modes = spec.repositories.map((r) => ({ image: r.name, scanning: EffectiveSpec.scanning(spec, r) }));
    const off = modes.filter((m) => m.scanning.mode === ScanMode.OFF).map((m) => m.image);
    const on = modes.filter((m) => m.scanning.mode !== ScanMode.OFF).map((m) => m.image);
    if (off.length > 0 && on.length > 0) {
      GcpWarnings._emit(this, 'mixed-scanning',
        `Scanning is off for ${off.join(', ')} but on for ${on.join(', ')}; Artifact Registry scans per repository, so every image is scanned.`,
      );
    }
    const gates = [...new Set(modes.map((m) => m.scanning.severityThreshold).filter((s) => s !== undefined))];
    if (gates.length > 0) {
      GcpWarnings._emit(this, 'severity-gate',
        `Artifact Registry has no severity gate (severityThreshold ${gates.join(', ')}): images with such vulnerabilities are stored and pullable; `
        + 'enforce the gate in the promotion pipeline (the scan results are in Artifact Analysis).',
      );
    }
    return on.length > 0;
  }

  private githubTrusts(spec: RegistrySpec): GithubTrustSpec[] {
    const access = spec.access ?? {};
    return [...(access.pushers ?? []), ...(access.pullers ?? []), ...(access.promoters ?? [])]
      .filter((i) => i.github !== undefined)
      .map((i) => i.github!);
  }

  /** The identities that pull the given physical environment. */
  private pullGrantsOf(environment: string, envs: string[]): string[] {
    const env = envs.includes(environment) ? environment : '';
    const access = this.spec.access ?? {};
    const names = new Set<string>();
    const chain = Naming.environmentNames(this.spec);
    for (const p of access.pullers ?? []) {
      const targets = p.environments ?? (chain.length ? chain : ['']);
      if (env === '' || targets.includes(env)) names.add(p.name);
    }
    return [...names];
  }

  private warnAboutGaps(spec: RegistrySpec, props: ContainerRegistryProps): void {
    const replicas = (spec.replication?.replicas ?? []).filter((r) => r.cloud === undefined || r.cloud === Cloud.GCP);
    if (replicas.length > 0) {
      GcpWarnings._emit(this, 'no-replication',
        `Artifact Registry does not replicate repositories (replicas: ${replicas.map((r) => r.region).join(', ')}); `
        + `the repositories are in "${props.location}" only. Use a multi-region location (us, europe, asia) for redundancy.`,
      );
    }
    if (props.preventDestroy === false) {
      GcpWarnings._emit(this, 'prevent-destroy-off', 'preventDestroy is false: a Terraform plan may delete the repositories and every image in them.');
    }
  }
}
