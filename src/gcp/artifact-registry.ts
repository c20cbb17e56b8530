import { DataGoogleProject } from '@cdktf/provider-google/lib/data-google-project';
import { KmsCryptoKeyIamMember } from '@cdktf/provider-google/lib/kms-crypto-key-iam-member';
import { ProjectService } from '@cdktf/provider-google/lib/project-service';
import { Annotations, TerraformOutput, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { ArtifactRegistryRole, DockerRepository, IDockerRepository } from './docker-repository';
import { GCP_LOCATION, repositoryIdProblem, upperSnake } from './gcp-names';
import { ExistingWorkloadIdentityPool, GithubWorkloadIdentity } from './github-workload-identity';
import { RegistryIdentities } from './registry-identities';
import { TerraformChecks } from './terraform-checks';
import { UpstreamRepositories } from './upstream-repositories';
import { RetentionTagCheck } from '../retention/environment-tag-check';
import { GarCleanupTranslation } from '../retention/gar-translation';
import { TranslationFidelity } from '../retention/translation-report';
import { EffectiveSpec } from '../spec/effective';
import { Naming } from '../spec/naming';
import { Cloud, EncryptionType, GithubTrustSpec, RegistrySpec, ScanMode } from '../spec/registry-spec';
import { Tokens } from '../spec/tokens';
import { SpecValidator } from '../spec/validate';
import { TagPolicyDecision } from '../tagging/tag-policy-decision';

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
  readonly createOutputs?: boolean;
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
  private readonly byEnvironment = new Map<string, IDockerRepository>();

  constructor(scope: Construct, id: string, props: ContainerRegistryProps) {
    super(scope, id);
    SpecValidator.assertValid(props.spec, { clouds: [Cloud.GCP] });
    const spec = props.spec;
    this.spec = spec;
    this.validateProps(props);

    const envs = Naming.physicalEnvironments(spec);
    const kmsKeyName = props.kmsKeyName
      ?? (EffectiveSpec.encryptionType(spec) === EncryptionType.CUSTOMER_MANAGED ? spec.encryption?.gcpKmsKeyName : undefined);
    const labels = { ...(spec.labels ?? {}), ...(props.labels ?? {}) };
    const existing = new Map((props.existingRepositories ?? []).map((e) => [e.environment ?? '', e.repositoryId]));
    const imageNames = spec.repositories.map((r) => Naming.garPackageName(spec, r.name));

    // Every environment's repository holds the same images with the same effective retention: one translation.
    const managed = envs.filter((env) => !existing.has(env));
    let cleanup: ReturnType<typeof GarCleanupTranslation.translate> | undefined;
    if (managed.length > 0) {
      try {
        cleanup = GarCleanupTranslation.translate(
          spec.repositories.map((r) => ({ packageName: Naming.garPackageName(spec, r.name), policy: EffectiveSpec.retention(spec, r) })),
          { allPackageNames: imageNames },
        );
      } catch (e: any) {
        throw new Error(`ContainerRegistry ${this.node.path}: the retention policies cannot be expressed as Artifact Registry cleanup policies `
          + `(repositories ${managed.map((env) => Naming.garRepositoryId(spec, env)).join(', ')})\n${e?.message ?? e}`);
      }
    }

    if (cleanup) {
      const where = `${managed.length === 1 ? 'Repository' : 'Repositories'} ${managed.map((env) => Naming.garRepositoryId(spec, env)).join(', ')}`;
      for (const w of cleanup.report.warnings) Annotations.of(this).addWarning(`${where}: ${w}`);
      if (cleanup.report.fidelity === TranslationFidelity.CONSERVATIVE) {
        const reasons = cleanup.report.rules.filter((r) => r.reason).map((r) => (r.ruleIndex < 0 ? `protected tags: ${r.reason}` : r.reason));
        Annotations.of(this).addWarning(
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
      Annotations.of(this).addWarning(
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
        Annotations.of(this).addWarning(
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
      if ((props.createOutputs ?? true)) {
        const out = new TerraformOutput(this, `Url-${env || 'default'}`, { value: repo.registryUrl, description: `Docker address of the ${repositoryId} repository` });
        out.overrideLogicalId(`GCP_REPOSITORY_URL${env ? `_${upperSnake(env)}` : ''}`);
      }
    }

    if (props.createOutputs ?? true) {
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
        poolId: props.workloadIdentityPoolId ?? `${spec.name}-github`.slice(0, 32).replace(/-+$/, ''),
        existingPool: props.workloadIdentityPool,
      });
      if (props.createOutputs ?? true) {
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
      createOutputs: props.createOutputs,
    });

    const caches = spec.upstreamCaches ?? [];
    if (caches.length > 0 || props.virtualRepository) {
      const chain = Naming.environmentNames(spec);
      const virtualEnv = props.virtualRepository?.environment ?? (envs.length > 1 ? chain[chain.length - 1] : envs[0]);
      const fronted = this.byEnvironment.get(envs.includes(virtualEnv) ? virtualEnv : '');
      this.upstreams = new UpstreamRepositories(this, 'Upstreams', {
        registryName: spec.name,
        caches,
        project: props.project,
        location: props.location,
        labels,
        kmsKeyName,
        virtualRepositoryId: props.virtualRepository ? (props.virtualRepository.repositoryId ?? `${spec.name}-virtual`) : undefined,
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

    this.warnAboutGaps(spec, props);

    // Check the synthesized Terraform of this registry against the provider's constraints.
    this.node.addValidation({
      validate: () => {
        const stack = TerraformStack.of(this);
        return TerraformChecks.check(stack.toTerraform(), { pathPrefix: this.node.path })
          .map((p) => TerraformChecks.format(p));
      },
    });
  }

  /** The standard repository of an environment (`undefined` or `''` with the `tags` layout). */
  public repository(environment?: string): IDockerRepository {
    const env = Naming.physicalEnvironments(this.spec).length === 1 && Naming.physicalEnvironments(this.spec)[0] === '' ? '' : environment ?? '';
    const repo = this.byEnvironment.get(env);
    if (!repo) {
      throw new Error(`ContainerRegistry ${this.node.path}: no repository for environment "${environment ?? ''}" (environments: ${[...this.byEnvironment.keys()].map((e) => `"${e}"`).join(', ')})`);
    }
    return repo;
  }

  /** Grants `roles/artifactregistry.reader` on every standard repository and the caches and virtual repository. */
  public grantPull(member: string): void {
    for (const r of this.repositories) r.grantPull(member);
    this.upstreams?.grantPull(member);
  }

  /** Grants `roles/artifactregistry.writer` on every standard repository (remote and virtual repositories take no pushes). */
  public grantPush(member: string): void {
    for (const r of this.repositories) r.grantPush(member);
  }

  /** Grants `roles/artifactregistry.writer` on every standard repository and reader on the caches and virtual repository. */
  public grantPullPush(member: string): void {
    for (const r of this.repositories) r.grantPullPush(member);
    this.upstreams?.grantPull(member);
  }

  private validateProps(props: ContainerRegistryProps): void {
    const problems: string[] = [];
    const spec = props.spec;
    const envs = Naming.physicalEnvironments(spec);
    if (!Tokens.isUnresolved(props.location) && !GCP_LOCATION.test(props.location)) {
      problems.push(`location "${props.location}" is not a GCP location (a region such as europe-west1, or a multi-region: us, europe, asia)`);
    }
    if (typeof props.project !== 'string' || props.project.length === 0) {
      problems.push('project is required: the Google Cloud project id');
    }
    (props.existingRepositories ?? []).forEach((e, i) => {
      const p = repositoryIdProblem(e.repositoryId);
      if (p) problems.push(`existingRepositories[${i}].repositoryId "${e.repositoryId}" ${p}`);
      if (!envs.includes(e.environment ?? '')) {
        problems.push(`existingRepositories[${i}].environment ${e.environment === undefined ? '(none)' : `"${e.environment}"`} is not a physical environment of the spec `
          + `(${envs.map((x) => (x ? `"${x}"` : '(none: the tags layout has one repository)')).join(', ')})`);
      }
    });
    // A retention rule that could expire the image an environment tag points to is an error (unless the spec allows it).
    for (const p of RetentionTagCheck.check(spec)) problems.push(`${p.path}: ${p.value === 'undefined' ? '' : `${p.value} `}${p.message}`);
    if (EffectiveSpec.encryptionType(spec) === EncryptionType.CUSTOMER_MANAGED && !props.kmsKeyName && !spec.encryption?.gcpKmsKeyName) {
      problems.push('encryption.type is "customer-managed" but no Cloud KMS key is given: pass kmsKeyName or set encryption.gcpKmsKeyName');
    }
    if (props.kmsKeyName !== undefined && !Tokens.isUnresolved(props.kmsKeyName)
      && !/^projects\/[^/]+\/locations\/[^/]+\/keyRings\/[^/]+\/cryptoKeys\/[^/]+$/.test(props.kmsKeyName)) {
      problems.push(`kmsKeyName "${props.kmsKeyName}" is not a Cloud KMS key name (projects/<p>/locations/<l>/keyRings/<r>/cryptoKeys/<k>)`);
    }
    const virtualEnv = props.virtualRepository?.environment;
    if (virtualEnv !== undefined && !Naming.environmentNames(spec).includes(virtualEnv)) {
      problems.push(`virtualRepository.environment "${virtualEnv}" is not an environment of the chain (${Naming.environmentNames(spec).join(', ') || 'none'})`);
    }
    if (problems.length > 0) {
      throw new Error(`ContainerRegistry ${this.node.path}: ${problems.length} problem${problems.length === 1 ? '' : 's'}\n${problems.map((p) => `  - ${p}`).join('\n')}`);
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
    for (const w of warnings) Annotations.of(this).addWarning(w);
    const on = decisions.filter((d) => d.decision.immutableTags).map((d) => d.image);
    if (on.length > 0 && on.length < decisions.length) {
      const off = decisions.filter((d) => !d.decision.immutableTags).map((d) => d.image);
      Annotations.of(this).addWarning(
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
      Annotations.of(this).addWarning(
        `Scanning is off for ${off.join(', ')} but on for ${on.join(', ')}; Artifact Registry scans per repository, so every image is scanned.`,
      );
    }
    const gates = [...new Set(modes.map((m) => m.scanning.severityThreshold).filter((s) => s !== undefined))];
    if (gates.length > 0) {
      Annotations.of(this).addWarning(
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
      Annotations.of(this).addWarning(
        `Artifact Registry does not replicate repositories (replicas: ${replicas.map((r) => r.region).join(', ')}); `
        + `the repositories are in "${props.location}" only. Use a multi-region location (us, europe, asia) for redundancy.`,
      );
    }
    if (props.preventDestroy === false) {
      Annotations.of(this).addWarning('preventDestroy is false: a Terraform plan may delete the repositories and every image in them.');
    }
  }
}
