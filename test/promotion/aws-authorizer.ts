/**
 * The AWS authorizer of the authorizing proxy: the IAM policies the real
 * constructs synthesize, decided by an independent IAM evaluator
 * (`@cloud-copilot/iam-simulate`).
 *
 * `AwsAuthorizer.synthesize(spec)` builds `aws.EcrRegistry` (which creates the
 * `aws.RegistryIdentities` roles) in a stack of a fixed account and region, takes
 * each role's identity policies from the synthesized template (the role's default
 * inline policy, any `AWS::IAM::Policy` or `AWS::IAM::ManagedPolicy` attached to
 * it), resolves their intrinsics with a fixed partition, account and region, and
 * decides each request for the role's session on
 * `arn:aws:ecr:<region>:<account>:repository/<repository>` (the local registry's
 * repository names are the ECR names, `Naming.ecrRepositoryName`), with the
 * repository's own policy as the resource policy when it has one.
 */
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { App, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Authorizer, Decision, PermissionCheck } from './authorizing-proxy';
import { EcrRegistry } from '../../src/aws';
import { RegistrySpec } from '../../src/spec';

export const AWS_ENV = { partition: 'aws', account: '123456789012', region: 'eu-west-1' };

/** A CloudFormation template, as JSON. */
export interface CfnTemplate {
  Resources: Record<string, { Type: string; Properties?: any }>;
}

/** Resolves the intrinsics of the synthesized policies: pseudo parameters, `Fn::Join`, `Fn::Sub` without variables of resources. */
export function resolveIntrinsics(value: any, template: CfnTemplate): any {
  if (Array.isArray(value)) return value.map((v) => resolveIntrinsics(v, template));
  if (value === null || typeof value !== 'object') return value;
  const keys = Object.keys(value);
  if (keys.length === 1 && keys[0] === 'Ref') {
    const pseudo: Record<string, string> = {
      'AWS::Partition': AWS_ENV.partition,
      'AWS::AccountId': AWS_ENV.account,
      'AWS::Region': AWS_ENV.region,
      'AWS::URLSuffix': 'amazonaws.com',
    };
    if (value.Ref in pseudo) return pseudo[value.Ref];
    throw new Error(`cannot resolve Ref ${value.Ref} in a policy (only pseudo parameters)`);
  }
  if (keys.length === 1 && keys[0] === 'Fn::Join') {
    const [sep, parts] = value['Fn::Join'];
    return (resolveIntrinsics(parts, template) as string[]).join(sep);
  }
  if (keys.length === 1 && keys[0].startsWith('Fn::')) {
    throw new Error(`cannot resolve ${keys[0]} in a policy: ${JSON.stringify(value)}`);
  }
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveIntrinsics(v, template)]));
}

/** One identity's role: its logical id and resolved identity policies. */
export interface RolePolicies {
  readonly logicalId: string;
  readonly policies: Array<{ name: string; policy: any }>;
}

/** The identity policies attached to a role of the template, resolved. */
export function rolePolicies(template: CfnTemplate, roleLogicalId: string): RolePolicies {
  const role = template.Resources[roleLogicalId];
  if (!role || role.Type !== 'AWS::IAM::Role') throw new Error(`no role ${roleLogicalId} in the template`);
  const refersToRole = (roles: any) => Array.isArray(roles) && roles.some((r) => r?.Ref === roleLogicalId);
  const policies: Array<{ name: string; policy: any }> = [];
  for (const [i, p] of (role.Properties?.Policies ?? []).entries()) policies.push({ name: `${roleLogicalId}.Policies[${i}]`, policy: p.PolicyDocument });
  const managedArns: any[] = role.Properties?.ManagedPolicyArns ?? [];
  for (const [id, r] of Object.entries(template.Resources)) {
    if (r.Type === 'AWS::IAM::Policy' && refersToRole(r.Properties?.Roles)) policies.push({ name: id, policy: r.Properties.PolicyDocument });
    const attachedByArn = managedArns.some((a) => a?.Ref === id);
    if (r.Type === 'AWS::IAM::ManagedPolicy' && (refersToRole(r.Properties?.Roles) || attachedByArn)) policies.push({ name: id, policy: r.Properties.PolicyDocument });
  }
  if (managedArns.some((a) => !(a?.Ref && template.Resources[a.Ref]?.Type === 'AWS::IAM::ManagedPolicy'))) {
    throw new Error(`${roleLogicalId} has managed policies that are not in the template: ${JSON.stringify(managedArns)}`);
  }
  return { logicalId: roleLogicalId, policies: policies.map((p) => ({ name: p.name, policy: resolveIntrinsics(p.policy, template) })) };
}

/** The ARN of an ECR repository in the fixed account and region. */
export function repositoryArn(repository: string): string {
  return `arn:${AWS_ENV.partition}:ecr:${AWS_ENV.region}:${AWS_ENV.account}:repository/${repository}`;
}

/** Decides the proxy's checks with iam-simulate over each identity's role policies. */
export class AwsAuthorizer implements Authorizer {
  /**
   * Synthesizes the spec's `EcrRegistry` and returns the template and the logical
   * id of each identity's role (a negative control may edit the template before
   * `fromTemplate` reads it).
   */
  public static synthesize(spec: RegistrySpec): { template: CfnTemplate; roles: Record<string, string> } {
    const app = new App();
    const stack = new Stack(app, 'Registry', { env: { account: AWS_ENV.account, region: AWS_ENV.region } });
    const registry = new EcrRegistry(stack, 'Registry', { spec });
    const roles: Record<string, string> = {};
    for (const [identity, role] of Object.entries(registry.identities?.roles ?? {})) {
      roles[identity] = stack.getLogicalId(role.node.defaultChild as iam.CfnRole);
    }
    const template = app.synth().getStackByName(stack.stackName).template as CfnTemplate;
    return { template, roles };
  }

  /** An authorizer over a synthesized template (possibly edited). */
  public static fromTemplate(template: CfnTemplate, roles: Record<string, string>): AwsAuthorizer {
    const policies: Record<string, RolePolicies> = {};
    for (const [identity, logicalId] of Object.entries(roles)) policies[identity] = rolePolicies(template, logicalId);
    const repositoryPolicies: Record<string, any> = {};
    for (const r of Object.values(template.Resources)) {
      if (r.Type === 'AWS::ECR::Repository' && r.Properties?.RepositoryPolicyText) {
        repositoryPolicies[r.Properties.RepositoryName] = resolveIntrinsics(r.Properties.RepositoryPolicyText, template);
      }
    }
    return new AwsAuthorizer(policies, repositoryPolicies);
  }

  /** The identity policies each identity was evaluated with (for assertions). */
  public readonly policies: Record<string, RolePolicies>;
  private readonly cache = new Map<string, Promise<Decision>>();

  private constructor(policies: Record<string, RolePolicies>, private readonly repositoryPolicies: Record<string, any>) {
    this.policies = policies;
  }

  public decide(identity: string, check: PermissionCheck): Promise<Decision> {
    const key = JSON.stringify([identity, check.action, check.repository ?? null]);
    let decision = this.cache.get(key);
    if (!decision) {
      decision = this.simulate(identity, check);
      this.cache.set(key, decision);
    }
    return decision;
  }

  private async simulate(identity: string, check: PermissionCheck): Promise<Decision> {
    const role = this.policies[identity];
    if (!role) return { allowed: false, reason: `no role was created for "${identity}"` };
    const resource = check.repository === undefined ? '*' : repositoryArn(check.repository);
    const result = await runSimulation({
      request: {
        // The session GitHub Actions gets from sts:AssumeRoleWithWebIdentity.
        principal: `arn:${AWS_ENV.partition}:sts::${AWS_ENV.account}:assumed-role/${role.logicalId}/github-actions`,
        action: check.action,
        resource: { resource, accountId: AWS_ENV.account },
        contextVariables: {},
      },
      identityPolicies: role.policies,
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy: check.repository === undefined ? undefined : this.repositoryPolicies[check.repository],
    }, {});
    if (result.resultType === 'error') throw new Error(`iam-simulate refused the simulation of ${check.action} on ${resource}: ${JSON.stringify(result.errors)}`);
    if (result.resultType !== 'single') throw new Error(`iam-simulate ran a wildcard simulation for ${resource}`);
    return {
      allowed: result.overallResult === 'Allowed',
      reason: result.overallResult === 'Allowed' ? undefined : `iam-simulate: ${result.overallResult} for role ${role.logicalId} on ${resource}`,
    };
  }
}
