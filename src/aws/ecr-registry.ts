import { Annotations, RemovalPolicy, Tags } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { EcrActions } from './ecr-actions';
import { lifecycleFor, NativeLifecycle, tagMutabilityFor } from './native-policies';
import { PullThroughCache } from './pull-through-cache';
import { PullTimeUpdateExclusions } from './pull-time-exclusions';
import { RegistryIdentities } from './registry-identities';
import { EcrScanningRule, EcrScanType, RegistryScanning } from './registry-scanning';
import { RegistryReplication } from './replication';
import { RepositoryCreationScenario, RepositoryCreationTemplate } from './repository-creation-template';
import { compactRepositoryNames } from './repository-prefixes';
import { RetentionTagCheck } from '../retention/environment-tag-check';
import {
  AccessModel, AccessPlan, AccessRole, Cloud, EffectiveRepository, EffectiveSpec, EncryptionType, EnvironmentLayout, IdentitySpec,
  Naming, Permission, RegistrySpec, RetentionPolicySpec, ScanMode, SpecValidator,
} from '../spec';
import { EcrTagMutability, TagPolicyDecision } from '../tagging';

/** Options of the registry scanning configuration. */
export interface EcrRegistryScanningOptions {
  /** BASIC or ENHANCED. */
  readonly scanType: EcrScanType;
  /**
   * The rules.
   *
   * @default - derived from the spec's scan modes (`RegistryScanning.rulesFromSpec`)
   */
  readonly rules?: EcrScanningRule[];
}

/** Props of `EcrRegistry`: the neutral spec plus AWS-only knobs. */
export interface EcrRegistryProps {
  /** The neutral registry spec. */
  readonly spec: RegistrySpec;

  /**
   * An existing KMS key for the repositories; implies KMS encryption.
   *
   * @default - with `encryption.type: customer-managed`: the key `encryption.awsKmsKeyArn`,
   * else a key created with rotation; otherwise AES256
   */
  readonly kmsKey?: kms.IKey;

  /**
   * An existing GitHub Actions OIDC provider of the account (an account has one per URL).
   *
   * @default - one is created when an identity has `github` trust
   */
  readonly githubOidcProvider?: iam.IOpenIdConnectProvider;

  /**
   * What happens to the repositories when they leave the stack.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * Delete the images with the repository (`EmptyOnDelete`). Only with
   * `removalPolicy: DESTROY`; an explicit opt-in, since images are lost.
   *
   * @default false
   */
  readonly emptyOnDelete?: boolean;

  /**
   * Create the registry scanning configuration (one per account and region).
   *
   * @default - ENHANCED with spec rules when a repository scans `continuous`; otherwise none
   * (repository-level scan on push)
   */
  readonly registryScanning?: EcrRegistryScanningOptions;

  /**
   * Create a repository creation template for create-on-push under the registry's
   * prefix, with the spec's lifecycle, tag mutability and encryption.
   *
   * @default false
   */
  readonly createOnPush?: boolean;

  /**
   * Build only these ECR repositories (native names, `platform/dev/api`), for
   * splitting a large spec across stacks (`EcrRegistryStacks` does this).
   *
   * @default - every repository of the spec
   */
  readonly repositoryNames?: string[];

  /**
   * Create the registry-wide resources: scanning and replication configurations,
   * pull-through caches and creation templates. Without them, continuous scanning
   * needs a `RegistryScanning` elsewhere (`EcrRegistryStacks` puts it in the registry stack).
   *
   * @default true
   */
  readonly includeRegistryResources?: boolean;

  /**
   * Create the roles of the spec's `access` section (GitHub OIDC identities).
   *
   * @default true
   */
  readonly includeIdentities?: boolean;

  /**
   * Whether roles too large for exact repository ARNs may be granted on prefix
   * wildcards (`RegistryIdentitiesProps.allowPrefixGrants`).
   *
   * @default true
   */
  readonly allowPrefixGrants?: boolean;

  /**
   * The most managed policies a created role may get (`RegistryIdentitiesProps.managedPoliciesPerRole`).
   *
   * @default 10
   */
  readonly managedPoliciesPerRole?: number;
}

/** Which repositories a grant covers. */
export interface EcrGrantOptions {
  /**
   * Image names (`api`) or globs (`jobs/*`).
   *
   * @default - every image
   */
  readonly images?: string[];
  /**
   * Environments.
   *
   * @default - every environment
   */
  readonly environments?: string[];
}

/**
 * An ECR registry built from the neutral spec: one repository per image and
 * physical environment (`Naming.ecrRepositoryName`), each with the lifecycle
 * policy of the retention translation (byte for byte), tag mutability from the tag
 * policy decision, AES256 or KMS encryption, RETAIN removal, scan on push; the
 * roles of the access section (GitHub OIDC); repository policies for existing
 * principals and other accounts (never `*`); and, once per account and region,
 * the scanning and replication configurations, pull-through caches and creation
 * templates. A construct, not a Stack: it composes into a platform stack.
 */
export class EcrRegistry extends Construct {
  /** The spec the registry was built from. */
  public readonly spec: RegistrySpec;

  /** The repositories, by ECR name. */
  public readonly repositories: { [name: string]: ecr.Repository } = {};

  /** The KMS key of the repositories, when KMS encryption is used. */
  public readonly kmsKey?: kms.IKey;

  /** The roles of the access section, when created. */
  public readonly identities?: RegistryIdentities;

  /** The registry scanning configuration, when created. */
  public readonly scanning?: RegistryScanning;

  /** The replication configuration, when created. */
  public readonly replication?: RegistryReplication;

  /** The pull-through caches, by cache name. */
  public readonly pullThroughCaches: { [name: string]: PullThroughCache } = {};

  /** The create-on-push creation template, when asked for. */
  public readonly createOnPushTemplate?: RepositoryCreationTemplate;

  /** The lifecycle policy text of each repository that has one, by ECR name. */
  public readonly lifecyclePolicies: { [name: string]: string } = {};

  /**
   * The translation of each retention policy object, computed once per construct: repositories
   * without an override share the registry's policy (3,000 translations were about 55 ms).
   * A policy that cannot be translated throws at its first repository, as before.
   */
  private readonly lifecycles = new Map<RetentionPolicySpec, NativeLifecycle>();

  constructor(scope: Construct, id: string, props: EcrRegistryProps) {
    super(scope, id);
    const spec = props.spec;
    // The spec's own problems and a retention that could expire an environment tag's image, reported together.
    const problems = [...SpecValidator.validate(spec, { clouds: [Cloud.AWS] }).problems, ...RetentionTagCheck.check(spec)];
    if (problems.length) throw new Error(SpecValidator.formatProblems(problems, `Invalid registry spec "${spec.name}"`));
    this.spec = spec;
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    if (props.emptyOnDelete && removalPolicy !== RemovalPolicy.DESTROY) {
      throw new Error(`${this.node.path}: emptyOnDelete: true deletes every image with its repository and needs removalPolicy: RemovalPolicy.DESTROY (got ${removalPolicy}); `
        + 'leave it unset to keep repositories and images (the default)');
    }
    const all = EffectiveSpec.repositories(spec).map((r) => ({ ...r, name: Naming.ecrRepositoryName(spec, r.image, r.environment) }));
    const known = new Set(all.map((r) => r.name));
    const unknown = (props.repositoryNames ?? []).filter((n) => !known.has(n));
    if (unknown.length) {
      throw new Error(`${this.node.path}: repositoryNames ${JSON.stringify(unknown)} are not repositories of the spec "${spec.name}" (such as ${[...known].slice(0, 3).join(', ')})`);
    }
    const wanted = props.repositoryNames ? new Set(props.repositoryNames) : known;
    const includeRegistry = props.includeRegistryResources ?? true;

    this.kmsKey = this.resolveKey(props, includeRegistry || wanted.size > 0);
    const reserved = (spec.upstreamCaches ?? []).map((c) => `${spec.name}/${c.name}`);
    this.warnAboutSpec(spec, includeRegistry);

    const policies = this.repositoryPolicyPrincipals(spec);
    const warnings = new Map<string, string[]>();
    for (const repo of all.filter((r) => wanted.has(r.name))) {
      this.repositories[repo.name] = this.createRepository(repo, props, removalPolicy, policies.get(repo.name) ?? [], warnings);
    }
    for (const [warning, names] of warnings) {
      Annotations.of(this).addWarning(`${names.length === all.length ? 'every repository' : names.slice(0, 5).join(', ') + (names.length > 5 ? ` and ${names.length - 5} more` : '')}: ${warning}`);
    }

    if (props.includeIdentities ?? true) {
      this.identities = new RegistryIdentities(this, 'Identities', {
        spec,
        githubOidcProvider: props.githubOidcProvider,
        reservedPrefixes: reserved,
        pullThroughPrefixes: reserved,
        allowPrefixGrants: props.allowPrefixGrants,
        managedPoliciesPerRole: props.managedPoliciesPerRole,
      });
    }
    if (includeRegistry) {
      for (const [i, r] of (spec.replication?.replicas ?? []).entries()) {
        if (r.awsAccountId && (r.cloud === undefined || r.cloud === Cloud.AWS)) {
          Annotations.of(this).addWarning(`replication.replicas[${i}]: cross-account replication into ${r.awsAccountId} (${r.region}) needs a registry policy there: `
            + 'deploy ReplicationDestinationPolicy in that account and region (EcrRegistryStacks creates it), or replication fails.');
        }
      }
      const continuous = all.some((r) => r.scanMode === ScanMode.CONTINUOUS);
      const scanType = props.registryScanning?.scanType ?? (continuous ? EcrScanType.ENHANCED : undefined);
      if (scanType) {
        this.scanning = new RegistryScanning(this, 'Scanning', { scanType, rules: props.registryScanning?.rules, spec });
      }
      if ((spec.replication?.replicas ?? []).some((r) => r.cloud === undefined || r.cloud === Cloud.AWS)) {
        this.replication = new RegistryReplication(this, 'Replication', { spec });
      }
      // Principals whose pulls do not count for pull-time retention rules (registry-wide).
      const exclusions = spec.retention?.awsPullTimeExclusionArns ?? [];
      if (exclusions.length > 0) new PullTimeUpdateExclusions(this, 'PullTimeExclusions', { principalArns: exclusions });
      for (const cache of spec.upstreamCaches ?? []) {
        this.pullThroughCaches[cache.name] = new PullThroughCache(this, `Cache-${cache.name}`, { spec, cache, kmsKey: this.kmsKey });
      }
      if (props.createOnPush) {
        this.createOnPushTemplate = new RepositoryCreationTemplate(this, 'CreateOnPush', {
          prefix: spec.name,
          appliedFor: [RepositoryCreationScenario.CREATE_ON_PUSH],
          retention: EffectiveSpec.retention(spec),
          tagPolicy: EffectiveSpec.tagPolicy(spec),
          kmsKey: this.kmsKey,
          resourceTags: spec.labels,
        });
      }
    }
    for (const [key, value] of Object.entries(spec.labels ?? {})) Tags.of(this).add(key, value);
  }

  /** The repository of an image in an environment (created by this construct). */
  public repository(image: string, environment?: string): ecr.IRepository {
    const name = Naming.ecrRepositoryName(this.spec, image, environment);
    const repo = this.repositories[name];
    if (!repo) {
      throw new Error(`${this.node.path}: no repository "${name}" here (image "${image}"${environment ? `, environment "${environment}"` : ''}); `
        + `repositories: ${Object.keys(this.repositories).slice(0, 5).join(', ')}${Object.keys(this.repositories).length > 5 ? ', ...' : ''}`);
    }
    return repo;
  }

  /**
   * Lets a principal pull (`ecr:BatchGetImage`, `ecr:GetDownloadUrlForLayer`,
   * `ecr:BatchCheckLayerAvailability`) from the spec's repositories (all, or the
   * images and environments given), plus `ecr:GetAuthorizationToken` on `*`.
   */
  public grantPull(grantee: iam.IGrantable, options: EcrGrantOptions = {}): iam.Grant {
    return this.grantActions(grantee, EcrActions.actionsFor(true, false), options);
  }

  /**
   * Lets a principal push (`ecr:InitiateLayerUpload`, `ecr:UploadLayerPart`,
   * `ecr:CompleteLayerUpload`, `ecr:BatchCheckLayerAvailability`, `ecr:PutImage`)
   * to the spec's repositories (all, or those given), plus `ecr:GetAuthorizationToken` on `*`.
   */
  public grantPush(grantee: iam.IGrantable, options: EcrGrantOptions = {}): iam.Grant {
    return this.grantActions(grantee, EcrActions.actionsFor(false, true), options);
  }

  /** `grantPull` and `grantPush` together. */
  public grantPullPush(grantee: iam.IGrantable, options: EcrGrantOptions = {}): iam.Grant {
    return this.grantActions(grantee, EcrActions.actionsFor(true, true), options);
  }

  /** The ECR names a grant covers. */
  public repositoryNamesFor(options: EcrGrantOptions = {}): string[] {
    const spec = this.spec;
    const envs = Naming.physicalEnvironments(spec);
    const badEnv = (options.environments ?? []).filter((e) => !Naming.environmentNames(spec).includes(e));
    if (badEnv.length) throw new Error(`${this.node.path}: environments ${JSON.stringify(badEnv)} are not in the chain (${Naming.environmentNames(spec).join(', ') || 'none'})`);
    const images = AccessPlan.imagesOf(spec, { name: 'grant', repositories: options.images });
    if (images.length === 0) throw new Error(`${this.node.path}: images ${JSON.stringify(options.images)} match no repository of the spec`);
    const chosenEnvs = options.environments && Naming.layout(spec) !== EnvironmentLayout.TAGS
      ? envs.filter((e) => options.environments!.includes(e))
      : envs;
    return chosenEnvs.flatMap((env) => images.map((img) => Naming.ecrRepositoryName(spec, img, env)));
  }

  private grantActions(grantee: iam.IGrantable, actions: string[], options: EcrGrantOptions): iam.Grant {
    const names = this.repositoryNamesFor(options);
    const all = Naming.physicalEnvironments(this.spec)
      .flatMap((env) => this.spec.repositories.map((r) => Naming.ecrRepositoryName(this.spec, r.name, env)));
    // Exact ARNs; beyond 50 repositories, prefix-scoped ARNs where they are exactly as wide (README: "IAM size").
    const resources = names.length <= 50 ? names : (() => {
      const c = compactRepositoryNames(names, all, (this.spec.upstreamCaches ?? []).map((x) => `${this.spec.name}/${x.name}`));
      return [...c.exact, ...c.prefixes.map((p) => `${p}*`)];
    })();
    return iam.Grant.addToPrincipal({ grantee, actions, resourceArns: resources.map((n) => EcrActions.repositoryArn(this, n)) })
      .combine(iam.Grant.addToPrincipal({ grantee, actions: [EcrActions.AUTH_TOKEN], resourceArns: ['*'] }));
  }

  private resolveKey(props: EcrRegistryProps, needed: boolean): kms.IKey | undefined {
    if (props.kmsKey) return props.kmsKey;
    if (EffectiveSpec.encryptionType(props.spec) !== EncryptionType.CUSTOMER_MANAGED) return undefined;
    if (props.spec.encryption?.awsKmsKeyArn) return kms.Key.fromKeyArn(this, 'ImportedKey', props.spec.encryption.awsKmsKeyArn);
    if (!needed) return undefined;
    return new kms.Key(this, 'Key', {
      description: `Encrypts the images of the ${props.spec.name} ECR registry`,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }

  private warnAboutSpec(spec: RegistrySpec, registryWide: boolean): void {
    if (!registryWide) return;
    if (Naming.layout(spec) === EnvironmentLayout.TAGS && Naming.environmentNames(spec).length > 1 && (spec.access?.pushers ?? []).length > 0) {
      Annotations.of(this).addWarning('environments.layout "tags": IAM cannot tell tags apart, so every pusher can also move the environment tags '
        + '(a CI pusher can retag an image as prod). Use the "repositories" layout to give each environment its own repositories and permissions.');
    }
    // The access model says builds and promotions move tags (environment tags with the `tags` layout), but the tag
    // policy makes the repository IMMUTABLE on ECR: IAM's ecr:PutImage cannot override it, so those pushes fail.
    const stuck = spec.repositories.filter((r) => AccessModel.movesTags(spec, r.name)
      && TagPolicyDecision.ecr(EffectiveSpec.tagPolicy(spec, r)).mutability === EcrTagMutability.IMMUTABLE).map((r) => r.name);
    if (stuck.length) {
      Annotations.of(this).addWarningV2('container-registry-constructs:aws-immutable-moving-tags',
        `${stuck.slice(0, 5).join(', ')}${stuck.length > 5 ? ` and ${stuck.length - 5} more` : ''}: builds and promotions move tags here `
        + '(the environment tags of the "tags" layout), but the tag policy lists no mutable tag, so the ECR repositories are IMMUTABLE and those pushes fail. '
        + 'List the environment tags in tagPolicy.mutableTags (the default does).');
    }
    // Pull-through caches need ecr:CreateRepository from an identity or registry policy (ECR user guide, "IAM permissions
    // required to sync an upstream registry"), which the library writes only for the roles it creates.
    const existingPullers = (spec.access?.pullers ?? []).filter((p) => (p.awsPrincipalArns ?? []).length + (p.awsAccountIds ?? []).length > 0);
    if ((spec.upstreamCaches ?? []).length && existingPullers.length) {
      Annotations.of(this).addWarningV2('container-registry-constructs:aws-cache-existing-principals',
        `pullers ${existingPullers.map((p) => `"${p.name}"`).join(', ')}: existing principals (awsPrincipalArns, awsAccountIds) get no pull-through cache access from this construct; `
        + `their own IAM policies must allow ${[...EcrActions.PULL, ...EcrActions.PULL_THROUGH].join(', ')} on `
        + `${(spec.upstreamCaches ?? []).map((c) => `repository/${spec.name}/${c.name}/*`).join(', ')} (EcrAccessMatrix lists no cache row for them).`);
    }
    const thresholds = [spec.scanning, ...spec.repositories.map((r) => r.scanning)].filter((s) => s?.severityThreshold);
    if (thresholds.length) {
      Annotations.of(this).addWarning('scanning.severityThreshold: ECR has no severity gate of its own; findings are reported, '
        + 'and the threshold is enforced only by a promotion pipeline that checks the scan findings before promoting.');
    }
    const dryRun = [spec.retention, ...spec.repositories.map((r) => r.retention)].some((p) => p?.dryRun && (p.rules ?? []).length);
    if (dryRun) {
      Annotations.of(this).addWarning('retention.dryRun: ECR has no dry run for lifecycle policies, so no lifecycle policy is attached where dryRun is set '
        + '(nothing is deleted). Preview what the policy would expire with `aws ecr start-lifecycle-policy-preview --repository-name <name> '
        + '--lifecycle-policy-text file://policy.json` and `aws ecr get-lifecycle-policy-preview`.');
    }
  }

  /** Existing principals and other accounts granted through repository policies, by ECR name. */
  private repositoryPolicyPrincipals(spec: RegistrySpec): Map<string, Array<{ sid: string; principal: iam.IPrincipal; permission: Permission }>> {
    const access = spec.access ?? {};
    const byRole: { [role: string]: IdentitySpec[] } = {
      [AccessRole.PUSHER]: access.pushers ?? [],
      [AccessRole.PULLER]: access.pullers ?? [],
      [AccessRole.PROMOTER]: access.promoters ?? [],
    };
    const result = new Map<string, Array<{ sid: string; principal: iam.IPrincipal; permission: Permission }>>();
    for (const grant of AccessPlan.grants(spec)) {
      const identity = byRole[grant.role].find((i) => i.name === grant.identity)!;
      const principals: Array<[string, iam.IPrincipal]> = [
        ...(identity.awsPrincipalArns ?? []).map((arn): [string, iam.IPrincipal] => ['Principals', new iam.ArnPrincipal(arn)]),
        ...(identity.awsAccountIds ?? []).map((acct): [string, iam.IPrincipal] => ['Accounts', new iam.AccountPrincipal(acct)]),
      ];
      if (!principals.length) continue;
      for (const image of grant.images) {
        const name = Naming.ecrRepositoryName(spec, image, grant.environment || undefined);
        const list = result.get(name) ?? [];
        for (const [kind, principal] of principals) {
          const sid = `${grant.permission === Permission.PUSH ? 'Push' : 'Pull'}${kind}${grant.identity.replace(/[^A-Za-z0-9]/g, '')}`;
          list.push({ sid, principal, permission: grant.permission });
        }
        result.set(name, list);
      }
    }
    return result;
  }

  private createRepository(
    repo: EffectiveRepository & { name: string },
    props: EcrRegistryProps,
    removalPolicy: RemovalPolicy,
    principals: Array<{ sid: string; principal: iam.IPrincipal; permission: Permission }>,
    warnings: Map<string, string[]>,
  ): ecr.Repository {
    const warn = (w: string) => warnings.set(w, [...(warnings.get(w) ?? []), repo.name]);
    const repository = new ecr.Repository(this, repo.name.replace(/\//g, ':'), {
      repositoryName: repo.name,
      removalPolicy,
      emptyOnDelete: props.emptyOnDelete ? true : undefined,
      imageScanOnPush: repo.scanMode !== ScanMode.OFF,
      encryption: this.kmsKey ? ecr.RepositoryEncryption.KMS : ecr.RepositoryEncryption.AES_256,
      encryptionKey: this.kmsKey,
    });
    const cfn = repository.node.defaultChild as ecr.CfnRepository;
    if (!this.kmsKey) cfn.encryptionConfiguration = { encryptionType: 'AES256' };
    const tags = tagMutabilityFor(repo.tagPolicy);
    tags.warnings.forEach(warn);
    cfn.imageTagMutability = tags.mutability;
    cfn.imageTagMutabilityExclusionFilters = tags.exclusionFilters.length
      ? tags.exclusionFilters.map((v) => ({ imageTagMutabilityExclusionFilterType: 'WILDCARD', imageTagMutabilityExclusionFilterValue: v }))
      : undefined;
    if (!repo.retention.dryRun) {
      const lifecycle = this.lifecycles.get(repo.retention) ?? lifecycleFor(repo.retention, repo.name);
      this.lifecycles.set(repo.retention, lifecycle);
      lifecycle.warnings.forEach(warn);
      if (lifecycle.policyText !== undefined) {
        cfn.lifecyclePolicy = { lifecyclePolicyText: lifecycle.policyText };
        this.lifecyclePolicies[repo.name] = lifecycle.policyText;
      }
    }
    // Merge statements by sid so that each principal appears once per permission.
    const bySid = new Map<string, { principals: iam.IPrincipal[]; permission: Permission }>();
    for (const p of principals) {
      const entry = bySid.get(p.sid) ?? { principals: [], permission: p.permission };
      entry.principals.push(p.principal);
      bySid.set(p.sid, entry);
    }
    for (const [sid, entry] of [...bySid.entries()].sort(([a], [b]) => a.localeCompare(b))) {
      repository.addToResourcePolicy(new iam.PolicyStatement({
        sid,
        principals: entry.principals,
        actions: entry.permission === Permission.PUSH ? EcrActions.PUSH : EcrActions.PULL,
      }));
    }
    return repository;
  }
}
