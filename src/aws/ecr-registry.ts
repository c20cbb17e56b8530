import { Annotations, CfnOutput, RemovalPolicy, Stack, Tags, Token } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct, IConstruct } from 'constructs';
import { EcrActions } from './ecr-actions';
import { EcrValidator } from './ecr-validator';
import { EcrManagedSigning } from './managed-signing';
import { lifecycleFor, NativeLifecycle, tagMutabilityFor } from './native-policies';
import { claimOutputId } from './output-ids';
import { EcrPrivateNetworkOptions, RegistryPrivateEndpoints } from './private-access';
import { checkPrivateNetworkOptions, checkRegistryScanningOptions, PropChecks } from './prop-checks';
import { PullThroughCache } from './pull-through-cache';
import { PullTimeUpdateExclusions } from './pull-time-exclusions';
import { RegistryIdentities } from './registry-identities';
import { RegistryNotifications } from './registry-notifications';
import { EcrScanningRule, EcrScanType, RegistryScanning } from './registry-scanning';
import { RegistryReplication } from './replication';
import { RepositoryCreationScenario, RepositoryCreationTemplate } from './repository-creation-template';
import { compactRepositoryNames } from './repository-prefixes';
import { scanNames } from './role-grants';
import { SpecRepository } from './spec-repository';
import { AwsWarnings } from './warnings';
import { WorkflowVariables } from '../promotion/workflow-variables';
import {
  AccessModel, AccessPlan, AccessRole, Cloud, EffectiveRepository, EffectiveSpec, EncryptionType, EnvironmentLayout, GrantOptions, IdentitySpec,
  Naming, NotificationEvent, Permission, Problems, RegistrySpec, RetentionPolicySpec, ScanMode, SpecValidator,
} from '../spec';
import { AWS_ACCOUNT_ID, AWS_REGION_CODE, unknownProps } from '../spec/grammars';
import { SpecMemo } from '../spec/spec-memo';
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

/** Props of `aws.ContainerRegistry`: the neutral spec plus AWS-only knobs. */
export interface ContainerRegistryProps {
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
   * @default - when an identity has `github` trust: the stack's `GithubOidcProvider`, created by the
   * first registry of the stack that needs one and shared by the others
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
   * ECR managed signing: an AWS Signer signing profile ARN. The registry gets a signing
   * configuration (`EcrManagedSigning`, one per account and region) that signs every
   * image pushed to the spec's namespaces (Notation signatures, for verification at
   * deploy time), and every created role that pushes gets `signer:SignPayload` on the
   * profile (ECR signs with the pusher's identity). The hops keep verifying the cosign
   * signatures of the build.
   *
   * @default - no managed signing
   */
  readonly managedSigningProfileArn?: string;

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

  /**
   * The VPC of the spec's `network.privateAccess` (required with it): interface endpoints
   * for `ecr.api` and `ecr.dkr` and the S3 gateway endpoint (`RegistryPrivateEndpoints`),
   * and with `network.awsDenyOutsideVpc`, repository policies that refuse pulls from elsewhere.
   *
   * @default - no private access
   */
  readonly privateNetwork?: EcrPrivateNetworkOptions;

  /**
   * The SNS topic of the spec's `notifications` (`RegistryNotifications`).
   *
   * @default - with `notifications`, a topic created and encrypted with a created key
   */
  readonly notificationTopic?: sns.ITopic;
}

/**
 * Props of `EcrRegistry`.
 *
 * @deprecated use `ContainerRegistryProps`
 */
export interface EcrRegistryProps extends ContainerRegistryProps {}

/**
 * Which repositories a grant covers.
 *
 * @deprecated use the neutral `GrantOptions`
 */
export interface EcrGrantOptions extends GrantOptions {}

/** An ECR registry built from a spec: created here (`ContainerRegistry`) or existing (`ContainerRegistry.fromRegistryAttributes`). */
export interface IContainerRegistry extends IConstruct {
  /** The spec the registry's repositories are named from (`Naming.ecrRepositoryName`). */
  readonly spec: RegistrySpec;
  /** The account of the registry. */
  readonly registryAccount: string;
  /** The region of the registry. */
  readonly registryRegion: string;
  /**
   * The registry's Docker host, `<account>.dkr.ecr.<region>.<url suffix>` (the URL suffix of the region's partition,
   * `amazonaws.com.cn` in China; the stack's `AWS::URLSuffix` when the region is a token); images are `<registryUri>/<repository name>`.
   */
  readonly registryUri: string;

  /** The ECR repository names a grant with these options covers. */
  repositoryNamesFor(options?: GrantOptions): string[];

  /** The ARN of one of the registry's repositories, from its ECR name. */
  repositoryArnForName(repositoryName: string): string;

  /**
   * Lets a principal pull (`ecr:BatchGetImage`, `ecr:GetDownloadUrlForLayer`,
   * `ecr:BatchCheckLayerAvailability`) from the spec's repositories (all, or the
   * images and environments given), plus `ecr:GetAuthorizationToken` on `*`.
   */
  grantPull(grantee: iam.IGrantable, options?: GrantOptions): iam.Grant;

  /**
   * Lets a principal push (`ecr:InitiateLayerUpload`, `ecr:UploadLayerPart`,
   * `ecr:CompleteLayerUpload`, `ecr:BatchCheckLayerAvailability`, `ecr:PutImage`)
   * to the spec's repositories (all, or those given), plus `ecr:GetAuthorizationToken` on `*`.
   */
  grantPush(grantee: iam.IGrantable, options?: GrantOptions): iam.Grant;

  /** `grantPull` and `grantPush` together. */
  grantPullPush(grantee: iam.IGrantable, options?: GrantOptions): iam.Grant;
}

/** Attributes of an existing ECR registry whose repositories were named from a spec. */
export interface ContainerRegistryAttributes {
  /** The spec the repositories were created from (by this library, or to its names). */
  readonly spec: RegistrySpec;
  /**
   * The registry's account (12 digits).
   *
   * @default - the account of the scope's stack
   */
  readonly account?: string;
  /**
   * The registry's region.
   *
   * @default - the region of the scope's stack
   */
  readonly region?: string;
}

/** Stable keys of grantee principals (internal): a grant memo key names the principal object. */
const PRINCIPAL_KEYS = new WeakMap<object, number>();
let nextPrincipalKey = 0;

/**
 * What created and imported registries share: the repository names and ARNs, and the
 * grants. Grants are idempotent: the same grant (kind, principal and repositories)
 * again returns the first `iam.Grant` and adds no statement, in any call order.
 */
export abstract class ContainerRegistryBase extends Construct implements IContainerRegistry {
  public abstract readonly spec: RegistrySpec;
  public abstract readonly registryAccount: string;
  public abstract readonly registryRegion: string;
  private readonly grantMemo = new Map<string, iam.Grant>();

  public get registryUri(): string {
    // A known region has a known partition (`cn-north-1`: amazonaws.com.cn); a token region (an environment-agnostic
    // stack) takes the stack's AWS::URLSuffix, which CloudFormation resolves in the partition it deploys to.
    const region = this.registryRegion;
    return Naming.ecrRegistryHost(this.registryAccount, region, Token.isUnresolved(region) ? Stack.of(this).urlSuffix : undefined);
  }

  public repositoryArnForName(repositoryName: string): string {
    return Stack.of(this).formatArn({
      service: 'ecr', resource: 'repository', resourceName: repositoryName, account: this.registryAccount, region: this.registryRegion,
    });
  }

  public grantPull(grantee: iam.IGrantable, options: GrantOptions = {}): iam.Grant {
    return this.grantActions('pull', grantee, EcrActions.actionsFor(true, false), options);
  }

  public grantPush(grantee: iam.IGrantable, options: GrantOptions = {}): iam.Grant {
    return this.grantActions('push', grantee, EcrActions.actionsFor(false, true), options);
  }

  public grantPullPush(grantee: iam.IGrantable, options: GrantOptions = {}): iam.Grant {
    return this.grantActions('pullpush', grantee, EcrActions.actionsFor(true, true), options);
  }

  public repositoryNamesFor(options: GrantOptions = {}): string[] {
    const spec = this.spec;
    const problems = new Problems();
    const check = new PropChecks(problems, 'options');
    if (options !== undefined && check.object('', options)) {
      check.strings('images', options.images);
      check.strings('environments', options.environments);
    }
    problems.throwIfAny(this.heading());
    const envs = Naming.physicalEnvironments(spec);
    const badEnv = (options.environments ?? []).filter((e) => !Naming.environmentNames(spec).includes(e));
    if (badEnv.length) {
      problems.add('options.environments', badEnv, `are not in the chain (${Naming.environmentNames(spec).join(', ') || 'none'})`);
    }
    const images = AccessPlan.imagesOf(spec, { name: 'grant', repositories: options.images });
    if (images.length === 0) problems.add('options.images', options.images, 'match no repository of the spec');
    if (options.environments !== undefined && options.environments.length === 0) {
      problems.add('options.environments', options.environments, 'is empty, which grants nothing; leave environments out for every environment');
    }
    problems.throwIfAny(this.heading());
    const chosenEnvs = options.environments && Naming.layout(spec) !== EnvironmentLayout.TAGS
      ? envs.filter((e) => options.environments!.includes(e))
      : envs;
    return chosenEnvs.flatMap((env) => images.map((img) => Naming.ecrRepositoryName(spec, img, env)));
  }

  /** The heading of this registry's problems: `aws.ContainerRegistry <construct path>`. */
  protected heading(): string {
    return `aws.ContainerRegistry ${this.node.path}`;
  }

  private grantActions(kind: string, grantee: iam.IGrantable, actions: string[], options: GrantOptions): iam.Grant {
    const problems = new Problems();
    new PropChecks(problems, 'grantee').withAttribute('', grantee, 'grantPrincipal', 'a grantable (iam.IGrantable)', true);
    problems.throwIfAny(this.heading());
    const names = this.repositoryNamesFor(options);
    const principal = grantee.grantPrincipal as object;
    if (!PRINCIPAL_KEYS.has(principal)) PRINCIPAL_KEYS.set(principal, nextPrincipalKey++);
    const key = JSON.stringify([kind, PRINCIPAL_KEYS.get(principal), [...new Set(names)].sort()]);
    const known = this.grantMemo.get(key);
    if (known) return known;
    const all = Naming.physicalEnvironments(this.spec)
      .flatMap((env) => this.spec.repositories.map((r) => Naming.ecrRepositoryName(this.spec, r.name, env)));
    // Exact ARNs; beyond 50 repositories, prefix-scoped ARNs where they are exactly as wide (README: "IAM size").
    const resources = names.length <= 50 ? names : (() => {
      const c = compactRepositoryNames(names, all, Naming.ecrCachePrefixes(this.spec));
      return [...c.exact, ...c.prefixes.map((p) => `${p}*`)];
    })();
    const grant = iam.Grant.addToPrincipal({ grantee, actions, resourceArns: resources.map((n) => this.repositoryArnForName(n)) })
      .combine(iam.Grant.addToPrincipal({ grantee, actions: [EcrActions.AUTH_TOKEN], resourceArns: ['*'] }));
    if (!grant.success) {
      // aws-cdk-lib's Grant.addToPrincipal adds nothing for a principal without an identity policy (AnyPrincipal, an account, a
      // service): the grant would be dropped in silence.
      new Problems().add('grantee', String(grantee.grantPrincipal), 'has no identity policy to add the grant to (a whole account, any principal or a service); '
        + 'grant a role or a user, or name other accounts as pullers in the spec (access.pullers[].awsAccountIds: repository policies)').throwIfAny(this.heading());
    }
    this.grantMemo.set(key, grant);
    return grant;
  }
}

/** An existing registry, for grants (internal). */
class ImportedContainerRegistry extends ContainerRegistryBase {
  public readonly spec: RegistrySpec;
  public readonly registryAccount: string;
  public readonly registryRegion: string;

  constructor(scope: Construct, id: string, attrs: ContainerRegistryAttributes) {
    super(scope, id);
    const problems = new Problems();
    const check = new PropChecks(problems, 'attrs');
    if (check.props(attrs) && check.object('spec', attrs.spec, true, 'a registry spec object')) {
      problems.addAll(SpecValidator.validate(attrs.spec, { clouds: [Cloud.AWS] }).problems);
    }
    if (attrs && check.string('account', attrs.account) && attrs.account !== undefined && !AWS_ACCOUNT_ID.test(attrs.account) && !isToken(attrs.account)) {
      problems.add('attrs.account', attrs.account, 'is not an AWS account id (12 digits)');
    }
    if (attrs && check.string('region', attrs.region) && attrs.region !== undefined
      && !AWS_REGION_CODE.test(attrs.region) && !isToken(attrs.region)) {
      problems.add('attrs.region', attrs.region, 'is not an AWS region (such as eu-west-1)');
    }
    problems.throwIfAny(this.heading());
    const stack = Stack.of(this);
    this.spec = attrs.spec;
    this.registryAccount = attrs.account ?? stack.account;
    this.registryRegion = attrs.region ?? stack.region;
  }

  protected heading(): string {
    return `aws.ContainerRegistry.fromRegistryAttributes ${this.node.path}`;
  }
}

function isToken(value: string): boolean {
  return value.includes('${Token[');
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
 *
 * Every problem (the spec's, found by `EcrValidator`, and the props') is reported
 * at once, in one `ProblemsError` headed `aws.ContainerRegistry <construct path>`.
 */
export class ContainerRegistry extends ContainerRegistryBase {
  /**
   * The props `ContainerRegistryProps` declares (checked against its source by a test), so that a prop of another
   * name given from JavaScript is a problem, not dropped in silence.
   *
   * @internal
   */
  public static readonly _PROPS: readonly string[] = ['spec', 'kmsKey', 'githubOidcProvider', 'removalPolicy', 'emptyOnDelete', 'registryScanning',
    'managedSigningProfileArn', 'createOnPush', 'repositoryNames', 'includeRegistryResources', 'includeIdentities', 'allowPrefixGrants',
    'managedPoliciesPerRole', 'privateNetwork', 'notificationTopic'];

  /**
   * References an existing registry whose repositories are named from a spec
   * (`Naming.ecrRepositoryName`), to grant access to them. The spec is validated
   * (names), as are the account and region.
   */
  public static fromRegistryAttributes(scope: Construct, id: string, attrs: ContainerRegistryAttributes): IContainerRegistry {
    return new ImportedContainerRegistry(scope, id, attrs);
  }

  /**
   * The private-network props against the spec's `network` section (also run by `EcrRegistryStacks`).
   *
   * @internal
   */
  public static _checkNetwork(spec: RegistrySpec, props: ContainerRegistryProps, problems: Problems): void {
    const network = spec.network ?? {};
    const options = props.privateNetwork;
    if (network.privateAccess === true && !options) {
      problems.add('props.privateNetwork', undefined, 'is required with network.privateAccess: the VPC whose workloads reach the registry (and its subnets)');
    }
    if (options && network.privateAccess !== true) {
      problems.add('props.privateNetwork', 'given', 'needs network.privateAccess: true in the spec (the spec says whether the registry is private)');
    }
    if (!options) return;
    const ci = [...(spec.access?.pushers ?? []), ...(spec.access?.promoters ?? [])].filter((i) => i?.github).map((i) => i.name);
    if (network.awsDenyOutsideVpc && props.includeIdentities === false && ci.length && options.exemptPrincipalArns === undefined) {
      problems.add('props.includeIdentities', false, `cannot be false with network.awsDenyOutsideVpc: the CI roles of ${[...new Set(ci)].join(', ')} run outside the VPC `
        + 'and are exempt from the refusal only when this construct creates them or privateNetwork.exemptPrincipalArns names them (their pulls would be refused)');
    }
    (options.exemptPrincipalArns ?? []).forEach((arn, i) => {
      if (!isToken(arn) && !/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/.test(arn)) {
        problems.add(`props.privateNetwork.exemptPrincipalArns[${i}]`, arn, 'is not an IAM role ARN (arn:aws:iam::<12-digit account>:role/<name>)');
      }
    });
    const ids = options.allowedVpcEndpointIds ?? [];
    ids.forEach((id, i) => {
      if (!isToken(id) && !/^vpce-[0-9a-f]{8,17}$/.test(id)) problems.add(`props.privateNetwork.allowedVpcEndpointIds[${i}]`, id, 'is not a VPC endpoint id (vpce- and 8 or 17 hexadecimal digits)');
    });
    (options.allowedVpcIds ?? []).forEach((id, i) => {
      if (!isToken(id) && !/^vpc-[0-9a-f]{8,17}$/.test(id)) problems.add(`props.privateNetwork.allowedVpcIds[${i}]`, id, 'is not a VPC id (vpc- and 8 or 17 hexadecimal digits)');
    });
    if (network.awsDenyOutsideVpc && options.createEndpoints === false && ids.length === 0 && (options.allowedVpcIds ?? []).length === 0) {
      problems.add('props.privateNetwork.allowedVpcEndpointIds', undefined, 'or allowedVpcIds is required with createEndpoints: false and network.awsDenyOutsideVpc: '
        + 'otherwise every pull from outside AWS services would be refused');
    }
  }

  /** The spec the registry was built from. */
  public readonly spec: RegistrySpec;

  /**
   * The repositories, by ECR name: `ecr.IRepository`s whose resource is the `CfnRepository`
   * `ecr.Repository` would create (construct id `Resource`, same path and logical id).
   */
  public readonly repositories: { [name: string]: ecr.IRepository } = {};

  /** The KMS key of the repositories, when KMS encryption is used. */
  public readonly kmsKey?: kms.IKey;

  /** The roles of the access section, when created. */
  public readonly identities?: RegistryIdentities;

  /** The registry scanning configuration, when created. */
  public readonly scanning?: RegistryScanning;

  /** The managed signing configuration, when `managedSigningProfileArn` is set and this construct holds the registry resources. */
  public readonly managedSigning?: EcrManagedSigning;

  /** The replication configuration, when created. */
  public readonly replication?: RegistryReplication;

  /** The pull-through caches, by cache name. */
  public readonly pullThroughCaches: { [name: string]: PullThroughCache } = {};

  /** The create-on-push creation template, when asked for. */
  public readonly createOnPushTemplate?: RepositoryCreationTemplate;

  /** The VPC endpoints of `network.privateAccess`, when created. */
  public readonly privateEndpoints?: RegistryPrivateEndpoints;

  /** The EventBridge rules and SNS topic of `notifications`, when the spec has it. */
  public readonly notifications?: RegistryNotifications;

  /** The lifecycle policy text of each repository that has one, by ECR name. */
  public readonly lifecyclePolicies: { [name: string]: string } = {};

  /**
   * The translation of each retention policy object, computed once per construct: repositories
   * without an override share the registry's policy (3,000 translations were about 55 ms).
   * A policy that cannot be translated throws at its first repository, as before.
   */
  private readonly lifecycles = new Map<RetentionPolicySpec, NativeLifecycle>();

  /** The account of the registry (the stack's). */
  public readonly registryAccount: string;

  /** The region of the registry (the stack's). */
  public readonly registryRegion: string;

  constructor(scope: Construct, id: string, props: ContainerRegistryProps) {
    super(scope, id);
    const memo = SpecMemo._open();
    try {
      const all = this.validate(props);
      const spec = props.spec;
      this.spec = spec;
      this.registryAccount = Stack.of(this).account;
      this.registryRegion = Stack.of(this).region;
      const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
      const wanted = props.repositoryNames ? new Set(props.repositoryNames) : new Set(all.map((r) => r.name));
      const includeRegistry = props.includeRegistryResources ?? true;

      this.kmsKey = this.resolveKey(props, includeRegistry || wanted.size > 0);
      const reserved = Naming.ecrCachePrefixes(spec);
      this.warnAboutSpec(spec, includeRegistry);

      // The same for every part of a registry split into stacks: computed once per memo scope.
      const policies = SpecMemo._get(spec, 'aws.ContainerRegistry.repositoryPolicyPrincipals', () => this.repositoryPolicyPrincipals(spec));
      const warnings = new Map<string, { id: string; names: string[] }>();
      for (const repo of all.filter((r) => wanted.has(r.name))) {
        this.repositories[repo.name] = this.createRepository(repo, props, removalPolicy, policies.get(repo.name) ?? [], warnings);
      }
      for (const [warning, { id: warningId, names }] of warnings) {
        Annotations.of(this).addWarningV2(warningId,
          `${names.length === all.length ? 'every repository' : names.slice(0, 5).join(', ') + (names.length > 5 ? ` and ${names.length - 5} more` : '')}: ${warning}`);
      }

      if (props.includeIdentities ?? true) {
        this.identities = new RegistryIdentities(this, 'Identities', {
          spec,
          githubOidcProvider: props.githubOidcProvider,
          reservedPrefixes: reserved,
          pullThroughPrefixes: reserved,
          allowPrefixGrants: props.allowPrefixGrants,
          managedPoliciesPerRole: props.managedPoliciesPerRole,
          signingProfileArn: props.managedSigningProfileArn,
          enhancedScanning: (props.registryScanning?.scanType
            ?? (all.some((r) => r.scanMode === ScanMode.CONTINUOUS) ? EcrScanType.ENHANCED : undefined)) === EcrScanType.ENHANCED,
        });
      }
      if (includeRegistry) {
        for (const [i, r] of (spec.replication?.replicas ?? []).entries()) {
          if (r.awsAccountId && (r.cloud === undefined || r.cloud === Cloud.AWS)) {
            Annotations.of(this).addWarningV2(AwsWarnings.CROSS_ACCOUNT_REPLICATION, `replication.replicas[${i}]: cross-account replication into ${r.awsAccountId} (${r.region}) needs a registry policy there: `
              + 'deploy ReplicationDestinationPolicy in that account and region (EcrRegistryStacks creates it), or replication fails.');
          }
        }
        if (props.managedSigningProfileArn !== undefined) {
          this.managedSigning = new EcrManagedSigning(this, 'ManagedSigning', { spec, signingProfileArn: props.managedSigningProfileArn });
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
      this.privateEndpoints = this.privateAccess(spec, props);
      if (includeRegistry && spec.notifications) {
        const enhanced = (this.scanning?.scanType ?? props.registryScanning?.scanType) === EcrScanType.ENHANCED
          || all.some((r) => r.scanMode === ScanMode.CONTINUOUS);
        this.notifications = new RegistryNotifications(this, 'Notifications', { spec, topic: props.notificationTopic, enhancedScanning: enhanced });
        if (spec.notifications.events.includes(NotificationEvent.PROMOTION)) {
          // The generated workflow's hops report promotions with the promoter's role: sns:Publish on this topic only
          // (and, for a created topic, use of its key: Topic.grantPublish adds both).
          // The promoters that perform a hop (AccessModel.promotionReporters), as the access model says.
          const promoters = new Set(AccessModel.promotionReporters(spec));
          for (const [name, role] of Object.entries(this.identities?.roles ?? {})) {
            if (promoters.has(name)) this.notifications.topic.grantPublish(role);
          }
        }
        // AWSNOTIFICATIONTOPICARN, or with a suffix when another registry of the stack has it (output-ids.ts).
        new CfnOutput(this.notifications, 'TopicArn', {
          value: this.notifications.topic.topicArn,
          description: `${WorkflowVariables.notification(Cloud.AWS)}: the SNS topic of the ${spec.name} registry's events (promotion reports are published here)`,
        }).overrideLogicalId(claimOutputId(this, WorkflowVariables.notification(Cloud.AWS).replace(/_/g, ''), spec.name)!);
      }
      for (const [key, value] of Object.entries(spec.labels ?? {})) Tags.of(this).add(key, value);
    } finally {
      SpecMemo._close(memo);
    }
  }

  /**
   * The VPC endpoints of `network.privateAccess` and, with `network.awsDenyOutsideVpc`, the
   * statement refusing pulls from elsewhere on each repository's policy (the CI roles of
   * pushers and promoters are exempt: they run on GitHub-hosted runners, outside the VPC).
   */
  private privateAccess(spec: RegistrySpec, props: ContainerRegistryProps): RegistryPrivateEndpoints | undefined {
    const options = props.privateNetwork;
    if (!spec.network?.privateAccess || !options) return undefined;
    const endpoints = (options.createEndpoints ?? true)
      ? new RegistryPrivateEndpoints(this, 'PrivateEndpoints', { spec, vpc: options.vpc, subnets: options.subnets })
      : undefined;
    if (spec.network.awsDenyOutsideVpc) {
      const ci = new Set([...(spec.access?.pushers ?? []), ...(spec.access?.promoters ?? [])].filter((i) => i.github).map((i) => i.name));
      const exempt = [
        ...Object.entries(this.identities?.roles ?? {}).filter(([name]) => ci.has(name)).map(([, role]) => role.roleArn),
        ...options.exemptPrincipalArns ?? [],
      ];
      const endpointIds = [...(endpoints?.interfaceEndpointIds ?? []), ...(options.allowedVpcEndpointIds ?? [])];
      for (const repository of Object.values(this.repositories)) {
        repository.addToResourcePolicy(RegistryPrivateEndpoints._denyPullsOutsideVpc(this, endpointIds, options.allowedVpcIds ?? [], exempt));
      }
    }
    return endpoints;
  }

  /** The repository of an image in an environment (created by this construct). */
  public repository(image: string, environment?: string): ecr.IRepository {
    const name = Naming.ecrRepositoryName(this.spec, image, environment);
    const repo = this.repositories[name];
    if (!repo) {
      new Problems().add('image', image, `${environment ? `(environment "${environment}") ` : ''}has no repository "${name}" here; `
        + `repositories: ${Object.keys(this.repositories).slice(0, 5).join(', ')}${Object.keys(this.repositories).length > 5 ? ', ...' : ''}`)
        .throwIfAny(this.heading());
    }
    return repo;
  }

  /**
   * Checks the props' shapes, the spec (`EcrValidator`) and the props against the spec, and
   * throws one `ProblemsError` listing everything; returns the spec's repositories with their ECR names.
   */
  private validate(props: ContainerRegistryProps): Array<EffectiveRepository & { name: string }> {
    const heading = this.heading();
    const problems = new Problems();
    const check = new PropChecks(problems);
    if (!check.props(props)) problems.throwIfAny(heading);
    for (const u of unknownProps(props, ContainerRegistry._PROPS)) problems.add(`props.${u.key}`, '<given>', u.message);
    const specOk = check.object('spec', props.spec, true, 'a registry spec object');
    check.withAttribute('kmsKey', props.kmsKey, 'keyArn', 'a KMS key (kms.IKey)');
    check.withAttribute('githubOidcProvider', props.githubOidcProvider, 'openIdConnectProviderArn', 'an OIDC provider (iam.IOpenIdConnectProvider)');
    check.oneOf('removalPolicy', props.removalPolicy, Object.values(RemovalPolicy));
    const flags = ['emptyOnDelete', 'createOnPush', 'includeRegistryResources', 'includeIdentities', 'allowPrefixGrants'] as const;
    const flagsOk = flags.map((f) => check.boolean(f, props[f])).every((ok) => ok);
    checkRegistryScanningOptions(check, problems, props.registryScanning);
    const namesOk = check.strings('repositoryNames', props.repositoryNames);
    if (props.managedSigningProfileArn !== undefined) {
      problems.addAll(EcrManagedSigning.problems(props.managedSigningProfileArn).map((p) => ({ ...p, path: 'props.managedSigningProfileArn' })));
    }
    const networkOk = checkPrivateNetworkOptions(check, props.privateNetwork);
    check.withAttribute('notificationTopic', props.notificationTopic, 'topicArn', 'an SNS topic (sns.ITopic)');
    const perRoleOk = check.integer('managedPoliciesPerRole', props.managedPoliciesPerRole);
    if (!specOk) problems.throwIfAny(heading);

    const spec = props.spec;
    const before = problems.list;
    const specProblems = EcrValidator.problems(spec, {
      allowPrefixGrants: flagsOk ? props.allowPrefixGrants : undefined,
      managedPoliciesPerRole: perRoleOk ? props.managedPoliciesPerRole : undefined,
      includeIdentities: flagsOk ? props.includeIdentities : undefined,
      includeRegistryResources: flagsOk ? props.includeRegistryResources : undefined,
    });
    // The spec's problems first, then the props'.
    const collected = new Problems().addAll(specProblems).addAll(before);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    if (flagsOk && props.emptyOnDelete && removalPolicy !== RemovalPolicy.DESTROY) {
      collected.add('props.emptyOnDelete', true, `deletes every image with its repository and needs removalPolicy: RemovalPolicy.DESTROY (got ${removalPolicy}); `
        + 'leave it unset to keep repositories and images (the default)');
    }
    if (networkOk) ContainerRegistry._checkNetwork(spec, props, collected);
    if (specProblems.length === 0) this.checkPlacement(spec, props, collected);
    let all: Array<EffectiveRepository & { name: string }> = [];
    if (specProblems.length === 0) {
      all = SpecMemo._get(spec, 'aws.ContainerRegistry.repositories',
        () => EffectiveSpec.repositories(spec).map((r) => ({ ...r, name: Naming.ecrRepositoryName(spec, r.image, r.environment) })));
      const known = SpecMemo._get(spec, 'aws.ContainerRegistry.names', () => new Set(all.map((r) => r.name)));
      const unknown = namesOk ? (props.repositoryNames ?? []).filter((n) => !known.has(n)) : [];
      if (unknown.length) {
        collected.add('props.repositoryNames', unknown, `are not repositories of the spec "${spec.name}" (such as ${[...known].slice(0, 3).join(', ')})`);
      }
    }
    collected.throwIfAny(heading);
    return all;
  }

  /**
   * What the spec and props name against the stack's region and partition, when the stack has them (the validator
   * cannot know where the registry is deployed, so these are the construct's own problems):
   * - the KMS key (`encryption.awsKmsKeyArn` or `kmsKey`): "The key must exist in the same Region as the repository"
   *   (ECR API reference, `EncryptionConfiguration` / `EncryptionConfigurationForRepositoryCreationTemplate.kmsKey`),
   *   and so in the same partition;
   * - principals of the access section and of `retention.awsPullTimeExclusionArns`: IAM principals exist in their own
   *   partition only (partitions are isolated: an `arn:aws:` role cannot be named in an `aws-cn` policy);
   * - replicas: a replica in the registry's own region and account is the registry itself, and ECR replicates within
   *   the registry's partition only (its destinations are regions of the registry's partition).
   */
  private checkPlacement(spec: RegistrySpec, props: ContainerRegistryProps, problems: Problems): void {
    const stack = Stack.of(this);
    if (Token.isUnresolved(stack.region)) return;
    const partition = Naming.awsPartition(stack.region);
    const arnParts = (arn: string) => /^arn:([^:]+):[^:]*:([^:]*):/.exec(arn);
    const keyArn = props.kmsKey && typeof props.kmsKey.keyArn === 'string' && !Token.isUnresolved(props.kmsKey.keyArn) ? props.kmsKey.keyArn
      : !props.kmsKey && EffectiveSpec.encryptionType(spec) === EncryptionType.CUSTOMER_MANAGED ? spec.encryption?.awsKmsKeyArn : undefined;
    const keyPath = props.kmsKey ? 'props.kmsKey' : 'encryption.awsKmsKeyArn';
    const key = keyArn !== undefined ? arnParts(keyArn) : undefined;
    if (key && (key[1] !== partition || key[2] !== stack.region)) {
      problems.add(keyPath, keyArn, `is a key of ${key[2]} (partition ${key[1]}), but the repositories are in ${stack.region} (partition ${partition}): `
        + 'ECR takes a key of the repository\'s own region; use a key (or a multi-Region replica key) there');
    }
    const access = spec.access ?? {};
    for (const role of ['pushers', 'pullers', 'promoters'] as const) {
      (access[role] ?? []).forEach((identity, i) => (identity.awsPrincipalArns ?? []).forEach((arn, j) => {
        const m = typeof arn === 'string' ? arnParts(arn) : null;
        if (m && m[1] !== partition) {
          problems.add(`access.${role}[${i}].awsPrincipalArns[${j}]`, arn, `is a principal of partition ${m[1]}; the registry is in ${stack.region} (partition ${partition}), whose policies can name principals of ${partition} only`);
        }
      }));
    }
    (spec.retention?.awsPullTimeExclusionArns ?? []).forEach((arn, j) => {
      const m = typeof arn === 'string' ? arnParts(arn) : null;
      if (m && m[1] !== partition) {
        problems.add(`retention.awsPullTimeExclusionArns[${j}]`, arn, `is a principal of partition ${m[1]}; the registry is in ${stack.region} (partition ${partition})`);
      }
    });
    if (props.includeRegistryResources === false) return;
    (spec.replication?.replicas ?? []).forEach((r, i) => {
      if (r.cloud !== undefined && r.cloud !== Cloud.AWS) return;
      if (Naming.awsPartition(r.region) !== partition) {
        problems.add(`replication.replicas[${i}].region`, r.region, `is in partition ${Naming.awsPartition(r.region)}; ECR replicates only to regions of the registry's partition (${partition}, the registry is in ${stack.region})`);
      } else if (r.region === stack.region && (r.awsAccountId ?? stack.account) === stack.account && !Token.isUnresolved(stack.account)) {
        problems.add(`replication.replicas[${i}].region`, r.region, `in account ${stack.account} is the registry itself; a replica needs another region or account`);
      }
    });
  }

  private resolveKey(props: ContainerRegistryProps, needed: boolean): kms.IKey | undefined {
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
      Annotations.of(this).addWarningV2(AwsWarnings.TAGS_LAYOUT, 'environments.layout "tags": IAM cannot tell tags apart, so every pusher can also move the environment tags '
        + '(a CI pusher can retag an image as prod). Use the "repositories" layout to give each environment its own repositories and permissions.');
    }
    // The access model says builds and promotions move tags (environment tags with the `tags` layout), but the tag
    // policy makes the repository IMMUTABLE on ECR: IAM's ecr:PutImage cannot override it, so those pushes fail.
    const stuck = spec.repositories.filter((r) => AccessModel.movesTags(spec, r.name)
      && TagPolicyDecision.ecr(EffectiveSpec.tagPolicy(spec, r)).mutability === EcrTagMutability.IMMUTABLE).map((r) => r.name);
    if (stuck.length) {
      Annotations.of(this).addWarningV2(AwsWarnings.IMMUTABLE_MOVING_TAGS,
        `${stuck.slice(0, 5).join(', ')}${stuck.length > 5 ? ` and ${stuck.length - 5} more` : ''}: builds and promotions move tags here `
        + '(the environment tags of the "tags" layout), but the tag policy lists no mutable tag, so the ECR repositories are IMMUTABLE and those pushes fail. '
        + 'List the environment tags in tagPolicy.mutableTags (the default does).');
    }
    // Pull-through caches need ecr:CreateRepository from an identity or registry policy (ECR user guide, "IAM permissions
    // required to sync an upstream registry"), which the library writes only for the roles it creates.
    const existingPullers = (spec.access?.pullers ?? []).filter((p) => (p.awsPrincipalArns ?? []).length + (p.awsAccountIds ?? []).length > 0);
    if ((spec.upstreamCaches ?? []).length && existingPullers.length) {
      Annotations.of(this).addWarningV2(AwsWarnings.CACHE_EXISTING_PRINCIPALS,
        `pullers ${existingPullers.map((p) => `"${p.name}"`).join(', ')}: existing principals (awsPrincipalArns, awsAccountIds) get no pull-through cache access from this construct; `
        + `their own IAM policies must allow ${[...EcrActions.PULL, ...EcrActions.PULL_THROUGH].join(', ')} on `
        + `${Naming.ecrCachePrefixes(spec).map((p) => `repository/${p}/*`).join(', ')} (EcrAccessMatrix lists no cache row for them).`);
    }
    const thresholds = [spec.scanning, ...spec.repositories.map((r) => r.scanning)].filter((s) => s?.severityThreshold);
    if (thresholds.length) {
      Annotations.of(this).addWarningV2(AwsWarnings.SEVERITY_THRESHOLD, 'scanning.severityThreshold: ECR has no severity gate of its own; findings are reported, '
        + 'and the threshold is enforced only by a promotion pipeline that checks the scan findings before promoting.');
    }
    const dryRun = [spec.retention, ...spec.repositories.map((r) => r.retention)].some((p) => p?.dryRun && (p.rules ?? []).length);
    if (dryRun) {
      Annotations.of(this).addWarningV2(AwsWarnings.RETENTION_DRY_RUN, 'retention.dryRun: ECR has no dry run for lifecycle policies, so no lifecycle policy is attached where dryRun is set '
        + '(nothing is deleted). Preview what the policy would expire with `aws ecr start-lifecycle-policy-preview --repository-name <name> '
        + '--lifecycle-policy-text file://policy.json` and `aws ecr get-lifecycle-policy-preview`.');
    }
  }

  /**
   * Existing principals and other accounts granted through repository policies, by ECR name:
   * pull and push per `AccessPlan.grants`, and the promoters' reading of scan findings on the
   * sources of their gated hops (`Capability.READ_SCAN_RESULTS`).
   */
  private repositoryPolicyPrincipals(spec: RegistrySpec): Map<string, Array<{ sid: string; principal: iam.IPrincipal; actions: string[] }>> {
    const access = spec.access ?? {};
    const byRole: { [role: string]: IdentitySpec[] } = {
      [AccessRole.PUSHER]: access.pushers ?? [],
      [AccessRole.PULLER]: access.pullers ?? [],
      [AccessRole.PROMOTER]: access.promoters ?? [],
    };
    const result = new Map<string, Array<{ sid: string; principal: iam.IPrincipal; actions: string[] }>>();
    const principalsOf = (identity: IdentitySpec): Array<[string, iam.IPrincipal]> => [
      ...(identity.awsPrincipalArns ?? []).map((arn): [string, iam.IPrincipal] => ['Principals', new iam.ArnPrincipal(arn)]),
      ...(identity.awsAccountIds ?? []).map((acct): [string, iam.IPrincipal] => ['Accounts', new iam.AccountPrincipal(acct)]),
    ];
    const add = (name: string, what: string, identity: IdentitySpec, actions: string[]) => {
      const list = result.get(name) ?? [];
      for (const [kind, principal] of principalsOf(identity)) {
        list.push({ sid: `${what}${kind}${identity.name.replace(/[^A-Za-z0-9]/g, '')}`, principal, actions });
      }
      result.set(name, list);
    };
    for (const grant of AccessPlan.grants(spec)) {
      const identity = byRole[grant.role].find((i) => i.name === grant.identity)!;
      if (!principalsOf(identity).length) continue;
      for (const image of grant.images) {
        const push = grant.permission === Permission.PUSH;
        add(Naming.ecrRepositoryName(spec, image, grant.environment || undefined), push ? 'Push' : 'Pull', identity, push ? EcrActions.PUSH : EcrActions.PULL);
      }
    }
    for (const promoter of access.promoters ?? []) {
      if (!principalsOf(promoter).length) continue;
      for (const name of scanNames(spec, promoter.name)) add(name, 'ScanFindings', promoter, EcrActions.SCAN_FINDINGS);
    }
    return result;
  }

  private createRepository(
    repo: EffectiveRepository & { name: string },
    props: ContainerRegistryProps,
    removalPolicy: RemovalPolicy,
    principals: Array<{ sid: string; principal: iam.IPrincipal; actions: string[] }>,
    warnings: Map<string, { id: string; names: string[] }>,
  ): ecr.IRepository {
    const warn = (w: { id: string; message: string }) =>
      warnings.set(w.message, { id: w.id, names: [...(warnings.get(w.message)?.names ?? []), repo.name] });
    const tags = tagMutabilityFor(repo.tagPolicy);
    tags.warnings.forEach(warn);
    let lifecyclePolicyText: string | undefined;
    if (!repo.retention.dryRun) {
      const lifecycle = this.lifecycles.get(repo.retention) ?? lifecycleFor(repo.retention, repo.name);
      this.lifecycles.set(repo.retention, lifecycle);
      lifecycle.warnings.forEach(warn);
      if (lifecycle.policyText !== undefined) {
        lifecyclePolicyText = lifecycle.policyText;
        this.lifecyclePolicies[repo.name] = lifecycle.policyText;
      }
    }
    const repository = new SpecRepository(this, repo.name.replace(/\//g, ':'), {
      repositoryName: repo.name,
      removalPolicy,
      emptyOnDelete: props.emptyOnDelete ? true : undefined,
      scanOnPush: repo.scanMode !== ScanMode.OFF,
      encryptionKey: this.kmsKey,
      imageTagMutability: tags.mutability,
      imageTagMutabilityExclusionFilters: tags.exclusionFilters.length
        ? tags.exclusionFilters.map((v) => ({ imageTagMutabilityExclusionFilterType: 'WILDCARD', imageTagMutabilityExclusionFilterValue: v }))
        : undefined,
      lifecyclePolicyText,
    });
    // Merge statements by sid so that each principal appears once per permission.
    const bySid = new Map<string, { principals: iam.IPrincipal[]; actions: string[] }>();
    for (const p of principals) {
      const entry = bySid.get(p.sid) ?? { principals: [], actions: p.actions };
      entry.principals.push(p.principal);
      bySid.set(p.sid, entry);
    }
    for (const [sid, entry] of [...bySid.entries()].sort(([a], [b]) => a.localeCompare(b))) {
      repository.addToResourcePolicy(new iam.PolicyStatement({
        sid,
        principals: entry.principals,
        actions: entry.actions,
      }));
    }
    return repository;
  }
}

/**
 * The former name of `ContainerRegistry`, with the same props, construct ids and resources.
 *
 * @deprecated use `ContainerRegistry`
 */
export class EcrRegistry extends ContainerRegistry {
  constructor(scope: Construct, id: string, props: EcrRegistryProps) {
    super(scope, id, props);
  }
}
