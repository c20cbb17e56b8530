import { Annotations, CfnResource, Environment, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { ContainerRegistry, EcrRegistryScanningOptions } from './ecr-registry';
import { EcrValidator } from './ecr-validator';
import { EcrPrivateNetworkOptions } from './private-access';
import { checkPrivateNetworkOptions, checkRegistryScanningOptions, PropChecks } from './prop-checks';
import { RegistryReplication } from './replication';
import { ReplicationDestinationPolicy } from './replication-destination-policy';
import { compactRepositoryNames } from './repository-prefixes';
import { StackLimits } from './stack-limits';
import { AwsWarnings } from './warnings';
import { EcrLifecycleTranslation } from '../retention';
import { Cloud, EffectiveSpec, Naming, Problems, RegistrySpec, RetentionPolicySpec } from '../spec';
import { unknownProps } from '../spec/grammars';
import { SpecMemo } from '../spec/spec-memo';

/** Props of `EcrRegistryStacks.create`. */
export interface EcrRegistryStacksProps {
  /** The neutral registry spec. */
  readonly spec: RegistrySpec;

  /**
   * The account and region of the registry.
   *
   * @default - environment-agnostic stacks
   */
  readonly env?: Environment;

  /**
   * The prefix of the stack names (`<prefix>-registry`, `<prefix>-repositories-1`, ...).
   *
   * @default - `<spec name>-ecr`
   */
  readonly stackNamePrefix?: string;

  /**
   * The number of repository stacks. Each repository goes to the stack
   * `1 + (FNV-1a 32-bit hash of its ECR name) mod stackCount`, so adding or
   * removing a repository never moves another one; changing stackCount does
   * (CloudFormation would recreate them), so pin it when the registry is first deployed.
   *
   * @default - `EcrRegistryStacks.defaultStackCount(spec)`, with a warning to pin it
   */
  readonly stackCount?: number;

  /**
   * An existing GitHub Actions OIDC provider of the account.
   *
   * @default - one is created in the registry stack when an identity has `github` trust
   */
  readonly githubOidcProvider?: iam.IOpenIdConnectProvider;

  /**
   * What happens to the repositories when they leave their stack.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * Delete the images with the repositories; only with `removalPolicy: DESTROY`.
   *
   * @default false
   */
  readonly emptyOnDelete?: boolean;

  /**
   * The registry scanning configuration.
   *
   * @default - ENHANCED with spec rules when a repository scans `continuous`; otherwise none
   */
  readonly registryScanning?: EcrRegistryScanningOptions;

  /**
   * A repository creation template for create-on-push under the registry's prefix.
   *
   * @default false
   */
  readonly createOnPush?: boolean;

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
   * The VPC of the spec's `network.privateAccess` (required with it;
   * `ContainerRegistryProps.privateNetwork`). The VPC endpoints are created once, in the
   * registry stack; with `network.awsDenyOutsideVpc` each repository stack's repository
   * policies refuse pulls that come through none of them, exempting the CI roles of the
   * registry stack (both by cross-stack references).
   *
   * @default - no private access
   */
  readonly privateNetwork?: EcrPrivateNetworkOptions;

  /**
   * The SNS topic of the spec's `notifications` (`ContainerRegistryProps.notificationTopic`),
   * used by the registry stack's EventBridge rules.
   *
   * @default - with `notifications`, a topic created in the registry stack and encrypted with a created key
   */
  readonly notificationTopic?: sns.ITopic;
}

/**
 * Builds a spec of any size into as many stacks as it needs:
 * - `<prefix>-registry`: the roles (GitHub OIDC), the KMS key if one is created,
 *   the scanning and replication configurations, pull-through caches and creation
 *   templates (grants name repository ARNs, so no cross-stack references);
 * - `<prefix>-repositories-<k>` (k = 1..stackCount): the repositories, assigned by
 *   a stable hash of their ECR name (adding a repository never moves another);
 *   a bucket the hash leaves empty gets no stack;
 * - `<prefix>-replication-<account>-<region>`: the registry policy of each
 *   cross-account replication destination.
 * Every stack checks CloudFormation's limits at synth time (`StackLimits`: 500
 * resources, 1 MB template).
 */
export class EcrRegistryStacks {
  /**
   * The props `EcrRegistryStacksProps` declares (checked against its source by a test).
   *
   * @internal
   */
  public static readonly _PROPS: readonly string[] = ['spec', 'env', 'stackNamePrefix', 'stackCount', 'githubOidcProvider', 'removalPolicy', 'emptyOnDelete',
    'registryScanning', 'createOnPush', 'allowPrefixGrants', 'managedPoliciesPerRole', 'privateNetwork', 'notificationTopic'];

  /** Repositories per stack the default stack count aims for: 200, so a stack has room to grow to 2.5 times its size. */
  public static readonly TARGET_REPOSITORIES_PER_STACK: number = 200;

  /** Template bytes per stack the default stack count aims for: 500,000, half of CloudFormation's 1 MB. */
  public static readonly TARGET_TEMPLATE_BYTES_PER_STACK: number = 500_000;

  /**
   * The default number of repository stacks: enough for at most 200 repositories and
   * about 500,000 template bytes per stack (each repository's template entry is
   * estimated from its lifecycle policy text plus 800 bytes), at least 1.
   */
  public static defaultStackCount(spec: RegistrySpec): number {
    const repos = EffectiveSpec.repositories(spec);
    const texts = new Map<RetentionPolicySpec, number>();
    let bytes = 0;
    for (const repo of repos) {
      if (!texts.has(repo.retention)) {
        const applied = (repo.retention.rules ?? []).length > 0 && !repo.retention.dryRun;
        const text = applied ? EcrLifecycleTranslation.translate(repo.retention).policyText : undefined;
        texts.set(repo.retention, text === undefined ? 0 : JSON.stringify(text).length);
      }
      bytes += texts.get(repo.retention)! + 800;
    }
    return Math.max(1,
      Math.ceil(repos.length / EcrRegistryStacks.TARGET_REPOSITORIES_PER_STACK),
      Math.ceil(bytes / EcrRegistryStacks.TARGET_TEMPLATE_BYTES_PER_STACK));
  }

  /** The repository stack (0-based) of an ECR repository name: FNV-1a 32-bit of the name, modulo stackCount. */
  public static bucketOf(repositoryName: string, stackCount: number): number {
    /* eslint-disable no-bitwise */
    let h = 0x811c9dc5;
    for (const byte of Buffer.from(repositoryName, 'utf8')) {
      h ^= byte;
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    /* eslint-enable no-bitwise */
    return h % stackCount;
  }

  /**
   * What a cross-account replication destination must accept: the spec's
   * repositories that the replication filters (`PREFIX_MATCH` on `prefixes`) select,
   * as exact names, or `<namespace>/*` where every repository of the spec in that
   * namespace is selected (`platform/*` for the `tags` and `repositories` layouts,
   * `platform-<env>/*` per environment for `registries`). Never a bare `platform*`,
   * which would also cover `platformx/...` and `platform-other-team/...`.
   */
  public static replicatedRepositories(spec: RegistrySpec, prefixes: string[]): string[] {
    const all = EffectiveSpec.repositories(spec).map((r) => Naming.ecrRepositoryName(spec, r.image, r.environment));
    const chosen = all.filter((n) => prefixes.some((p) => n.startsWith(p)));
    const c = compactRepositoryNames(chosen, all);
    return [...c.exact, ...c.prefixes.map((p) => `${p}*`)];
  }

  /** Builds the stacks. */

  public static create(scope: Construct, props: EcrRegistryStacksProps): EcrRegistryStacks {
    return new EcrRegistryStacks(scope, props);
  }

  /**
   * The props' shapes, the spec (`EcrValidator`, as the stacks' registries will run it) and the props
   * against the spec, in one `ProblemsError` headed `aws.EcrRegistryStacks <scope path>`.
   */
  private static validate(scope: Construct, props: EcrRegistryStacksProps): void {
    const heading = `aws.EcrRegistryStacks ${scope.node.path || '<app>'}`;
    const problems = new Problems();
    const check = new PropChecks(problems);
    if (!check.props(props)) problems.throwIfAny(heading);
    for (const u of unknownProps(props, EcrRegistryStacks._PROPS)) problems.add(`props.${u.key}`, '<given>', u.message);
    const specOk = check.object('spec', props.spec, true, 'a registry spec object');
    check.object('env', props.env);
    check.string('stackNamePrefix', props.stackNamePrefix);
    check.withAttribute('githubOidcProvider', props.githubOidcProvider, 'openIdConnectProviderArn', 'an OIDC provider (iam.IOpenIdConnectProvider)');
    check.oneOf('removalPolicy', props.removalPolicy, Object.values(RemovalPolicy));
    const flagsOk = (['emptyOnDelete', 'createOnPush', 'allowPrefixGrants'] as const).map((f) => check.boolean(f, props[f])).every((ok) => ok);
    checkRegistryScanningOptions(check, problems, props.registryScanning);
    const perRoleOk = check.integer('managedPoliciesPerRole', props.managedPoliciesPerRole);
    const networkOk = checkPrivateNetworkOptions(check, props.privateNetwork);
    check.withAttribute('notificationTopic', props.notificationTopic, 'topicArn', 'an SNS topic (sns.ITopic)');
    if (check.integer('stackCount', props.stackCount) && props.stackCount !== undefined && props.stackCount < 1) {
      problems.add('props.stackCount', props.stackCount, 'must be a whole number, at least 1');
    }
    if (!specOk) problems.throwIfAny(heading);
    const specProblems = EcrValidator.problems(props.spec, {
      allowPrefixGrants: flagsOk ? props.allowPrefixGrants : undefined,
      managedPoliciesPerRole: perRoleOk ? props.managedPoliciesPerRole : undefined,
    });
    const collected = new Problems().addAll(specProblems).addAll(problems.list);
    // The registry stack creates the identities, so the network props are checked as its construct will check them.
    if (networkOk) ContainerRegistry._checkNetwork(props.spec, { spec: props.spec, privateNetwork: props.privateNetwork }, collected);
    if (specProblems.length === 0) {
      const accounts = (props.spec.replication?.replicas ?? [])
        .filter((r) => r.awsAccountId && (r.cloud === undefined || r.cloud === Cloud.AWS)).map((r) => r.awsAccountId!);
      const env = props.env !== null && typeof props.env === 'object' ? props.env : undefined;
      if (accounts.length && (!env?.account || Token.isUnresolved(env.account))) {
        collected.add('props.env.account', env?.account, `is needed: replication.replicas replicate into other accounts (${[...new Set(accounts)].join(', ')}); `
          + 'set env.account (the source account) so that their registry policies can name it');
      }
    }
    collected.throwIfAny(heading);
  }

  /**
   * The stack of the registry-wide resources and roles.
   *
   * @default - none, when the spec needs no registry-wide resource (no roles, key, scanning
   * or replication configuration, cache or template)
   */
  public readonly registryStack?: Stack;

  /**
   * The registry-wide construct (roles, configurations, caches).
   *
   * @default - none, with no registry stack
   */
  public readonly registry?: ContainerRegistry;

  /** The repository stacks, in bucket order (empty buckets have none). */
  public readonly repositoryStacks: Stack[] = [];

  /** The repository constructs, one per repository stack. */
  public readonly repositoryParts: ContainerRegistry[] = [];

  /** The registry-policy stacks of cross-account replication destinations. */
  public readonly destinationStacks: Stack[] = [];

  private readonly byBucket = new Map<number, Stack>();
  private readonly stackCount: number;

  private constructor(scope: Construct, props: EcrRegistryStacksProps) {
    const memo = SpecMemo._open();
    try {
      EcrRegistryStacks.validate(scope, props);
      const spec = props.spec;
      const prefix = props.stackNamePrefix ?? `${spec.name}-ecr`;
      const count = props.stackCount ?? EcrRegistryStacks.defaultStackCount(spec);
      this.stackCount = count;
      const common = {
        spec,
        githubOidcProvider: props.githubOidcProvider,
        removalPolicy: props.removalPolicy,
        emptyOnDelete: props.emptyOnDelete,
        registryScanning: props.registryScanning,
        createOnPush: props.createOnPush,
        allowPrefixGrants: props.allowPrefixGrants,
        managedPoliciesPerRole: props.managedPoliciesPerRole,
      };
      const stack = (id: string, description: string, env?: Environment) => {
        const s = new Stack(scope, id, { env, stackName: id, description });
        StackLimits.enforce(s);
        return s;
      };

      const registryStack = stack(`${prefix}-registry`, `ECR registry ${spec.name}: roles and registry-wide settings`, props.env);
      const registry = new ContainerRegistry(registryStack, 'Registry', {
        ...common,
        repositoryNames: [],
        privateNetwork: props.privateNetwork,
        notificationTopic: props.notificationTopic,
      });
      // CloudFormation rejects a template without resources: leave the stack out when it would be empty.
      if (registryStack.node.findAll().some((c) => CfnResource.isCfnResource(c))) {
        this.registryStack = registryStack;
        this.registry = registry;
      } else {
        scope.node.tryRemoveChild(registryStack.node.id);
      }

      const buckets: string[][] = Array.from({ length: count }, () => []);
      for (const repo of EffectiveSpec.repositories(spec)) {
        const name = Naming.ecrRepositoryName(spec, repo.image, repo.environment);
        buckets[EcrRegistryStacks.bucketOf(name, count)].push(name);
      }
      // The repository stacks' view of the private network: no endpoints of their own (the registry stack's, by
      // reference, are allowed), and the registry stack's CI roles exempt from the refusal (AccessModel: they run outside the VPC).
      const network = props.privateNetwork;
      const ci = new Set([...(spec.access?.pushers ?? []), ...(spec.access?.promoters ?? [])].filter((i) => i.github).map((i) => i.name));
      const partNetwork: EcrPrivateNetworkOptions | undefined = network && {
        ...network,
        createEndpoints: false,
        allowedVpcEndpointIds: [...registry.privateEndpoints?.interfaceEndpointIds ?? [], ...network.allowedVpcEndpointIds ?? []],
        exemptPrincipalArns: [
          ...Object.entries(registry.identities?.roles ?? {}).filter(([name]) => ci.has(name)).map(([, role]) => role.roleArn),
          ...network.exemptPrincipalArns ?? [],
        ],
      };
      buckets.forEach((names, i) => {
        // A bucket the hash leaves empty gets no stack (CloudFormation rejects an empty template).
        if (names.length === 0) return;
        const s = stack(`${prefix}-repositories-${i + 1}`, `ECR registry ${spec.name}: repositories, part ${i + 1} of ${count}`, props.env);
        this.repositoryStacks.push(s);
        this.byBucket.set(i, s);
        this.repositoryParts.push(new ContainerRegistry(s, 'Registry', {
          ...common,
          kmsKey: this.registry?.kmsKey,
          repositoryNames: names,
          includeRegistryResources: false,
          includeIdentities: false,
          privateNetwork: partNetwork,
        }));
      });

      if (props.stackCount === undefined) {
        Annotations.of(this.registryStack ?? this.repositoryStacks[0]).addWarningV2(AwsWarnings.STACK_COUNT_DEFAULT, `EcrRegistryStacks: stackCount defaults to ${count} for ${EffectiveSpec.repositories(spec).length} repositories; `
          + `pin stackCount: ${count} in the props, since a later default would move repositories between stacks`);
      }

      const destinations = new Map<string, { account: string; region: string; prefixes?: string[] }>();
      for (const r of spec.replication?.replicas ?? []) {
        if (!r.awsAccountId || (r.cloud !== undefined && r.cloud !== Cloud.AWS)) continue;
        destinations.set(`${r.awsAccountId}-${r.region}`, { account: r.awsAccountId, region: r.region, prefixes: r.repositoryPrefixes });
      }
      for (const [key, d] of destinations) {
        const s = stack(`${prefix}-replication-${key}`, `Registry policy letting ${props.env!.account} replicate ${spec.name} into ${d.account} ${d.region}`,
          { account: d.account, region: d.region });
        const prefixes = d.prefixes ?? RegistryReplication.defaultPrefixes(spec);
        const repositoryNames = EcrRegistryStacks.replicatedRepositories(spec, prefixes);
        if (repositoryNames.length === 0) {
          // EcrValidator reports it first; kept so that the policy never accepts nothing.
          new Problems().add('replication.replicas', prefixes, `of ${d.account} (${d.region}): repositoryPrefixes select no repository of the spec "${spec.name}"`)
            .throwIfAny(`aws.EcrRegistryStacks ${scope.node.path || '<app>'}`);
        }
        new ReplicationDestinationPolicy(s, 'ReplicationPolicy', { sourceAccountIds: [props.env!.account!], repositoryNames });
        this.destinationStacks.push(s);
      }
    } finally {
      SpecMemo._close(memo);
    }
  }

  /** The stack that holds an ECR repository. */
  public stackOf(repositoryName: string): Stack {
    const s = this.byBucket.get(EcrRegistryStacks.bucketOf(repositoryName, this.stackCount));
    if (!s || !this.repositoryParts.some((p) => p.repositories[repositoryName])) {
      new Problems().add('repositoryName', repositoryName, 'is not a repository of the spec').throwIfAny('aws.EcrRegistryStacks stackOf');
    }
    return s!;
  }
}
