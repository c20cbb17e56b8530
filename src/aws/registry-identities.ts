import { Annotations, CfnOutput, Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { EcrActions } from './ecr-actions';
import { GithubOidcProvider } from './github-oidc';
import { EcrManagedSigning } from './managed-signing';
import { claimOutputId } from './output-ids';
import { layoutOf, roleGrants } from './role-grants';
import { attachRepositoryPolicies } from './role-policies';
import { WorkflowVariables } from '../promotion/workflow-variables';
import { Cloud, EffectiveSpec, GithubTrustSpec, IdentitySpec, Problems, RegistrySpec, ScanMode } from '../spec';

/**
 * How a role's repository permissions were laid out within IAM's size limits
 * (inline policy 10,240 characters per role; managed policies 6,144 characters, 10 per role).
 */
export interface RolePolicyPlan {
  /** Whether the statements are in the role's inline (default) policy. */
  readonly inline: boolean;
  /** The number of managed policies created (0 when inline). */
  readonly managedPolicies: number;
  /** Whether prefix-scoped ARNs (`repository/<prefix>/*`) replaced some repository ARNs. */
  readonly compacted: boolean;
  /** The prefixes (ending with `/`) the role may pull from as `repository/<prefix>*`; empty unless compacted. */
  readonly pullPrefixes: string[];
  /** The prefixes (ending with `/`) the role may push to as `repository/<prefix>*`; empty unless compacted. */
  readonly pushPrefixes: string[];
}

/** Props of `RegistryIdentities`. */
export interface RegistryIdentitiesProps {
  /** The spec whose `access` section lists the identities. */
  readonly spec: RegistrySpec;

  /**
   * An existing GitHub Actions OIDC provider of the account.
   *
   * @default - when an identity has `github`: the `GithubOidcProvider` of the stack, created
   * by the first registry that needs one (IAM has one provider per URL per account)
   */
  readonly githubOidcProvider?: iam.IOpenIdConnectProvider;

  /**
   * Repository name prefixes that belong to other features (pull-through caches,
   * creation templates); prefix-scoped ARNs never cover them.
   *
   * @default - none
   */
  readonly reservedPrefixes?: string[];

  /**
   * Pull-through cache prefixes (`platform/ecr-public`): roles that pull also get
   * pull, `ecr:BatchImportUpstreamImage` and `ecr:CreateRepository` on
   * `repository/<prefix>/*` (prefix-scoped, since ECR creates those repositories on first pull).
   *
   * @default - none
   */
  readonly pullThroughPrefixes?: string[];

  /**
   * Whether a role whose exact repository ARNs exceed IAM's policy size limits
   * (inline policy, then 10 managed policies) may be granted on prefix wildcards
   * (`repository/<prefix>/*`, only where every repository of the spec under the
   * prefix is granted). A wildcard also reaches repositories created later under
   * the prefix outside the spec: a warning (`container-registry-constructs:aws-prefix-grants`)
   * says so, and `EcrAccessMatrix` lists it. With `false`, grants stay exact and a
   * role that cannot hold them is a synth-time error naming it.
   *
   * @default true
   */
  readonly allowPrefixGrants?: boolean;

  /**
   * The most managed policies a created role may get for its repository grants. IAM
   * attaches 10 managed policies per role by default and up to 20 after a quota
   * increase ("Managed policies attached to an IAM role"); raise it only after raising
   * the quota. With `allowPrefixGrants: false`, this is how a large role keeps exact grants.
   *
   * @default 10
   */
  readonly managedPoliciesPerRole?: number;

  /**
   * Whether the registry scans with ENHANCED scanning (Amazon Inspector). The
   * promoters of gated hops (a protected destination and a `severityThreshold`)
   * read the source digest's findings with `ecr:DescribeImageScanFindings` on the
   * source repositories; with enhanced scanning that call also needs
   * `inspector2:ListFindings`, which IAM grants only on `*` (no resource type, no
   * service condition key): the role gets it limited to the stack's region
   * (`aws:RequestedRegion`).
   *
   * @default - true when a repository of the spec scans `continuous` (`ContainerRegistry` then turns ENHANCED on)
   */
  readonly enhancedScanning?: boolean;

  /**
   * The AWS Signer signing profile of ECR managed signing (`EcrManagedSigning`): ECR signs
   * each push with the pusher's identity, so every role that pushes gets
   * `signer:SignPayload` on this profile only.
   *
   * @default - no managed signing
   */
  readonly signingProfileArn?: string;
}

/**
 * The roles the spec's `access` section asks for, one per identity name that has
 * `github` trust: assumable only by GitHub Actions runs of that repository and
 * branch, environment or tag (OIDC), with least privilege from `AccessPlan.grants`:
 * pushers push to the first environment only, pullers pull, promoters pull the
 * source and push the destination of each hop, and read the scan findings of
 * the sources of their gated hops (`ecr:DescribeImageScanFindings`). Identity
 * policies name repository ARNs; `ecr:GetAuthorizationToken` is the only action
 * on `*`, with `inspector2:ListFindings` (region-scoped) for the promoters of
 * gated hops when the registry scans with ENHANCED scanning.
 *
 * Each role ARN is a public property (`roleArn(name)`) and a stack output whose
 * logical id is the upper-snake variable name without underscores
 * (`AWSROLEARNCI`) and whose description starts with the variable name
 * (`AWS_ROLE_ARN_CI`). Existing principals (`awsPrincipalArns`, `awsAccountIds`)
 * are not roles: `ContainerRegistry` grants them through repository policies.
 */
export class RegistryIdentities extends Construct {
  /** The output variable name of an identity's role ARN: `AWS_ROLE_ARN_<NAME>` (upper-case, `-` as `_`). */
  public static variableName(identity: string): string {
    return WorkflowVariables.identity(Cloud.AWS, identity);
  }

  /** The OIDC provider the roles trust (passed in or created), if any role was created. */
  public readonly githubOidcProvider?: iam.IOpenIdConnectProvider;

  /** The created roles, by identity name. */
  public readonly roles: { [identity: string]: iam.Role } = {};

  /** How each role's policies were laid out (inline, managed, prefix-scoped), by identity name. */
  public readonly policyPlans: { [identity: string]: RolePolicyPlan } = {};

  constructor(scope: Construct, id: string, props: RegistryIdentitiesProps) {
    super(scope, id);
    const spec = props.spec;
    const access = spec.access ?? {};
    const byName = new Map<string, { trusts: GithubTrustSpec[]; roles: string[] }>();
    const lists: Array<[string, IdentitySpec[]]> = [['pusher', access.pushers ?? []], ['puller', access.pullers ?? []], ['promoter', access.promoters ?? []]];
    for (const [role, identities] of lists) {
      for (const identity of identities) {
        if (!identity.github) continue;
        const entry = byName.get(identity.name) ?? { trusts: [], roles: [] };
        entry.trusts.push(identity.github);
        entry.roles.push(role);
        byName.set(identity.name, entry);
      }
    }
    if (byName.size === 0) return;

    // One provider per stack: the first registry that needs one creates it (at its own path, so a
    // single-registry stack keeps its ids), later registries of the stack trust the same one.
    this.githubOidcProvider = props.githubOidcProvider
      ?? (GithubOidcProvider._inStack(this) ?? new GithubOidcProvider(this, 'GithubOidc')).provider;
    const planned = roleGrants(spec);

    for (const [name, entry] of [...byName.entries()].sort(([a], [b]) => a.localeCompare(b))) {
      const scopeOf = new Construct(this, name);
      const role = new iam.Role(scopeOf, 'Role', {
        assumedBy: GithubOidcProvider.principal(this.githubOidcProvider, entry.trusts),
        description: `${spec.name} registry: ${entry.roles.join(', ')} "${name}" (GitHub Actions ${entry.trusts.map((t) => GithubOidcProvider.subject(t)).join(', ')})`.slice(0, 1000),
        maxSessionDuration: Duration.hours(1),
      });
      const grants = planned.get(name)!;
      const problems = new Problems();
      const layout = problems._collect(`access (identity "${name}")`,
        () => layoutOf(spec, grants, role.node.path, props.allowPrefixGrants ?? true, props.reservedPrefixes, props.managedPoliciesPerRole));
      problems.throwIfAny(`aws.RegistryIdentities ${this.node.path}`);
      if (!layout) continue;
      attachRepositoryPolicies(scopeOf, role, layout);
      this.policyPlans[name] = {
        inline: layout.inline,
        managedPolicies: layout.chunks.length,
        compacted: layout.compacted,
        pullPrefixes: layout.pullPrefixes,
        pushPrefixes: layout.pushPrefixes,
      };
      if (layout.compacted) {
        const prefixes = [...new Set([...layout.pullPrefixes, ...layout.pushPrefixes, ...layout.scanPrefixes])].map((p) => `${p}*`);
        Annotations.of(role).addWarningV2('container-registry-constructs:aws-prefix-grants',
          `identity "${name}": its ECR grants exceed IAM's policy size limits as exact repository ARNs, so the role is granted on ${prefixes.join(', ')}: `
          + 'every repository of the spec there is granted, and so is any repository created later under those prefixes outside the spec. '
          + 'Set allowPrefixGrants: false to keep exact grants (with managedPoliciesPerRole up to 20 after raising the IAM quota), '
          + 'or restrict the identity with `repositories` or `environments`.');
      }
      if (props.signingProfileArn !== undefined && grants.push.length) {
        role.addToPrincipalPolicy(EcrManagedSigning.statement(props.signingProfileArn));
      }
      const enhanced = props.enhancedScanning ?? spec.repositories.some((r) => EffectiveSpec.scanning(spec, r).mode === ScanMode.CONTINUOUS);
      if (enhanced && grants.scan.length) role.addToPrincipalPolicy(EcrActions.inspectorFindingsStatement(Stack.of(this).region));
      const through = props.pullThroughPrefixes ?? [];
      if (through.length && grants.pullsThroughCaches) {
        role.addToPrincipalPolicy(new iam.PolicyStatement({
          sid: 'PullThroughCaches',
          actions: [...EcrActions.PULL, ...EcrActions.PULL_THROUGH],
          resources: through.map((p) => EcrActions.repositoryArn(scopeOf, `${p}/*`)),
        }));
      }
      this.roles[name] = role;
      const variable = RegistryIdentities.variableName(name);
      const output = new CfnOutput(scopeOf, 'RoleArn', {
        value: role.roleArn,
        description: `${variable}: the role GitHub Actions assumes as "${name}" (${entry.roles.join(', ')}) of the ${spec.name} registry`,
      });
      output.overrideLogicalId(claimOutputId(output, variable.replace(/_/g, ''), spec.name)!);
    }
    // The generated promotion workflow builds `<AWS_ACCOUNT_ID>.dkr.ecr.<AWS_REGION>.<URL suffix>`, the URL suffix
    // chosen from AWS_REGION at run time (Naming.awsUrlSuffix): the same for every registry of the stack, so output once per stack.
    const stack = Stack.of(this);
    const accountId = claimOutputId(this, 'AWSACCOUNTID', spec.name, true);
    if (accountId) {
      new CfnOutput(this, 'AccountId', { value: stack.account, description: 'AWS_ACCOUNT_ID: the account of the ECR registry' }).overrideLogicalId(accountId);
    }
    const region = claimOutputId(this, 'AWSREGION', spec.name, true);
    if (region) new CfnOutput(this, 'Region', { value: stack.region, description: 'AWS_REGION: the region of the ECR registry' }).overrideLogicalId(region);
  }

  /** The ARN of the role created for an identity; throws when there is none. */
  public roleArn(identity: string): string {
    const role = this.roles[identity];
    if (!role) {
      new Problems().add('identity', identity, `has no role (roles: ${Object.keys(this.roles).join(', ') || 'none'}); only identities with \`github\` trust get a role`)
        .throwIfAny(`aws.RegistryIdentities ${this.node.path}`);
    }
    return role!.roleArn;
  }
}
