// A dependency of @cloud-copilot/iam-simulate (its policy parser and validators), by the same author.
// eslint-disable-next-line import/no-extraneous-dependencies
import { createValidatedPolicy, validateIdentityPolicy, validateResourcePolicy, validateTrustPolicy } from '@cloud-copilot/iam-policy';
import { runUnsafeSimulation } from '@cloud-copilot/iam-simulate';
import { App, Stack, Token } from 'aws-cdk-lib';

/**
 * An independent evaluator of what AWS would allow, offline, over synthesized
 * CloudFormation templates (a test helper). The decisions come from
 * `@cloud-copilot/iam-simulate` (its IAM evaluation logic: identity policies,
 * resource policies, same- and cross-account rules, condition operators), not
 * from this library's own code. This file only reads the templates: it resolves
 * the intrinsics it meets with a fixed partition, account and region, and collects
 * each role's identity policies (inline `Policies`, `AWS::IAM::Policy`,
 * `AWS::IAM::ManagedPolicy`), trust policies, ECR repository policies, ECR
 * registry policies and KMS key policies. Anything it cannot resolve throws.
 *
 * Why `runUnsafeSimulation`: `runSimulation` keeps only the condition keys that
 * iam-data lists for the action and drops the rest as `ignoredContextKeys`;
 * `token.actions.githubusercontent.com:sub` and `:aud` are not listed for
 * `sts:AssumeRoleWithWebIdentity`, so a trust condition on them would be evaluated
 * without them (checked by a negative control in iam-access.test.ts). The unsafe
 * entry point keeps every context key as given; the policies are validated here
 * instead (`@cloud-copilot/iam-policy` validators, errors throw).
 */
export const PARTITION = 'aws';
export const ACCOUNT = '123456789012';
export const REGION = 'eu-west-1';
export const GITHUB_ISSUER = 'token.actions.githubusercontent.com';

/** A GitHub Actions OIDC token's claims, as STS sees them. */
export interface GithubToken {
  /** The issuer host (`token.actions.githubusercontent.com`). */
  readonly issuer: string;
  readonly sub: string;
  readonly aud: string;
}

interface RoleInfo {
  readonly arn: string;
  readonly account: string;
  readonly logicalId: string;
  readonly trust: any;
  readonly policies: any[];
}

interface RepositoryInfo {
  readonly account: string;
  readonly region: string;
  readonly policy?: any;
  readonly mutability: string;
}

/** The ECR actions the evaluator asks about, by what they give. */
export const ECR_ACTIONS = {
  read: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchCheckLayerAvailability'],
  write: ['ecr:InitiateLayerUpload', 'ecr:UploadLayerPart', 'ecr:CompleteLayerUpload', 'ecr:BatchCheckLayerAvailability', 'ecr:PutImage'],
  cacheImport: ['ecr:BatchImportUpstreamImage', 'ecr:CreateRepository'],
  // ECR API reference, DescribeImageScanFindings: "Returns the scan findings for the specified image."
  scanResults: ['ecr:DescribeImageScanFindings'],
  delete: ['ecr:BatchDeleteImage'],
  admin: ['ecr:SetRepositoryPolicy', 'ecr:DeleteRepository'],
};
export const ALL_ECR_ACTIONS: string[] = [...new Set(Object.values(ECR_ACTIONS).flat())].sort();

const ALLOW_ALL = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };

export class TemplateIam {
  /** The evaluator of synthesized stacks (each stack's own account and region, or the fixed ones when agnostic). */
  public static fromStacks(stacks: Stack[]): TemplateIam {
    return new TemplateIam(TemplateIam.templatesOf(stacks));
  }

  /**
   * The synthesized templates of stacks of one app (one synthesis for all; `Template.fromStack`
   * synthesizes the whole app each time), with each stack's account and region.
   */
  public static templatesOf(stacks: Stack[]): Array<{ template: any; account: string; region: string }> {
    if (stacks.length === 0) return [];
    const app = stacks[0].node.root as App;
    const assembly = app.synth();
    return stacks.map((s) => ({
      template: JSON.parse(JSON.stringify(assembly.getStackArtifact(s.artifactId).template)),
      account: Token.isUnresolved(s.account) ? ACCOUNT : s.account,
      region: Token.isUnresolved(s.region) ? REGION : s.region,
    }));
  }

  /** The ARN of an ECR repository of the registry's account and region. */
  public static repositoryArn(name: string, account = ACCOUNT, region = REGION): string {
    return `arn:${PARTITION}:ecr:${region}:${account}:repository/${name}`;
  }

  public readonly roles = new Map<string, RoleInfo>();
  public readonly repositories = new Map<string, RepositoryInfo>();
  /** Registry policies, by `<account>/<region>`. */
  public readonly registryPolicies = new Map<string, any>();
  /** KMS key policies, by key ARN. */
  public readonly keyPolicies = new Map<string, any>();
  /** SNS topic policies, by topic ARN (`arn:aws:sns:<region>:<account>:<logical id>`). */
  public readonly topicPolicies = new Map<string, any>();
  /** SNS topics of the templates, by ARN. */
  public readonly topics = new Set<string>();
  /** Every template, as given (mutate it before `new TemplateIam` for negative controls). */
  public readonly templates: Array<{ template: any; account: string; region: string }>;

  /** The exports of the templates (`Outputs.<id>.Export.Name`), for `Fn::ImportValue` across the stacks of an app. */
  private readonly exports = new Map<string, { value: any; resources: Record<string, any>; account: string; region: string }>();

  constructor(templates: Array<{ template: any; account: string; region: string }>) {
    this.templates = templates;
    for (const t of templates) {
      for (const o of Object.values<any>(t.template.Outputs ?? {})) {
        if (typeof o.Export?.Name === 'string') this.exports.set(o.Export.Name, { value: o.Value, resources: t.template.Resources ?? {}, account: t.account, region: t.region });
      }
    }
    for (const t of templates) {
      const resources: Record<string, any> = t.template.Resources ?? {};
      const r = (v: any) => this.resolve(v, resources, t.account, t.region);
      const attached = new Map<string, any[]>();
      const attach = (roleRefs: any[] | undefined, doc: any) => {
        for (const ref of roleRefs ?? []) {
          const id = ref?.Ref;
          if (typeof id !== 'string' || resources[id]?.Type !== 'AWS::IAM::Role') throw new Error(`policy attached to an unknown role ${JSON.stringify(ref)}`);
          attached.set(id, [...(attached.get(id) ?? []), doc]);
        }
      };
      for (const [id, res] of Object.entries(resources)) {
        const p = res.Properties ?? {};
        if (res.Type === 'AWS::IAM::Policy') attach(p.Roles, r(p.PolicyDocument));
        if (res.Type === 'AWS::IAM::ManagedPolicy') attach(p.Roles, r(p.PolicyDocument));
        if (res.Type === 'AWS::ECR::Repository') {
          this.repositories.set(r(p.RepositoryName), {
            account: t.account,
            region: t.region,
            policy: p.RepositoryPolicyText === undefined ? undefined : check(r(p.RepositoryPolicyText), validateResourcePolicy, `repository policy of ${id}`),
            mutability: p.ImageTagMutability ?? 'MUTABLE',
          });
        }
        if (res.Type === 'AWS::ECR::RegistryPolicy') {
          this.registryPolicies.set(`${t.account}/${t.region}`, check(r(p.PolicyText), validateResourcePolicy, `registry policy ${id}`));
        }
        if (res.Type === 'AWS::SNS::Topic') this.topics.add(`arn:${PARTITION}:sns:${t.region}:${t.account}:${id}`);
        if (res.Type === 'AWS::SNS::TopicPolicy') {
          const doc = check(r(p.PolicyDocument), validateResourcePolicy, `topic policy ${id}`);
          for (const topic of r(p.Topics) as string[]) this.topicPolicies.set(topic, doc);
        }
        if (res.Type === 'AWS::KMS::Key') {
          this.keyPolicies.set(`arn:${PARTITION}:kms:${t.region}:${t.account}:key/${id}`, check(r(p.KeyPolicy), validateResourcePolicy, `key policy of ${id}`));
        }
      }
      for (const [id, res] of Object.entries(resources)) {
        if (res.Type !== 'AWS::IAM::Role') continue;
        const p = res.Properties ?? {};
        if ((p.ManagedPolicyArns ?? []).some((a: any) => a?.Ref === undefined)) {
          throw new Error(`role ${id} has a managed policy outside the template: ${JSON.stringify(p.ManagedPolicyArns)}`);
        }
        const managed = (p.ManagedPolicyArns ?? []).map((a: any) => r(resources[a.Ref].Properties.PolicyDocument));
        const policies = [...(p.Policies ?? []).map((x: any) => r(x.PolicyDocument)), ...(attached.get(id) ?? []), ...managed];
        this.roles.set(id, {
          arn: `arn:${PARTITION}:iam::${t.account}:role/${id}`,
          account: t.account,
          logicalId: id,
          trust: check(r(p.AssumeRolePolicyDocument), validateTrustPolicy, `trust policy of ${id}`),
          policies: policies.map((doc, i) => check(doc, validateIdentityPolicy, `identity policy ${i} of ${id}`)),
        });
      }
    }
  }

  /** The role whose logical id starts with `prefix` (CDK appends a hash); throws unless exactly one. */
  public role(prefix: string): RoleInfo {
    const found = [...this.roles.values()].filter((r) => r.logicalId.startsWith(prefix));
    if (found.length !== 1) throw new Error(`${found.length} roles match ${prefix}: ${[...this.roles.keys()].join(', ')}`);
    return found[0];
  }

  /**
   * Whether a created role may call an ECR action on a repository of the registry
   * (the repository's policy applies when the template has the repository).
   */
  public roleAllows(role: RoleInfo, action: string, repository: string): boolean {
    const repo = this.repositories.get(repository);
    return this.simulate(role.arn, action, TemplateIam.repositoryArn(repository), ACCOUNT, role.policies, repo?.policy) === 'Allowed';
  }

  /**
   * Whether a created role may call any action on any resource (an ARN or `*`), with the
   * given request context (`aws:RequestedRegion`, ...); identity policies only.
   */
  public roleAllowsOn(role: RoleInfo, action: string, resource: string, context: Record<string, string> = {}): boolean {
    return this.simulate(role.arn, action, resource, role.account, role.policies, undefined, context) === 'Allowed';
  }

  /**
   * Whether an existing principal (not a role of the templates) may call an ECR action
   * on a repository, from the repository policies alone: a principal of the registry's
   * account has no identity policy here; one of another account is given `*` by its own
   * account (cross-account access needs both sides, and this library writes only the repository side).
   */
  public principalAllows(principalArn: string, action: string, repository: string): boolean {
    const repo = this.repositories.get(repository);
    const account = principalArn.split(':')[4];
    const identity = account === ACCOUNT ? [] : [createValidatedPolicy(ALLOW_ALL, validateIdentityPolicy, { name: 'own-account' })];
    return this.simulate(principalArn, action, TemplateIam.repositoryArn(repository), ACCOUNT, identity, repo?.policy) === 'Allowed';
  }

  /** Whether a source account (its replication, which holds every permission there) may call an action in a destination registry. */
  public registryAllows(sourceAccount: string, action: string, destination: { account: string; region: string }, repository: string): boolean {
    const policy = this.registryPolicies.get(`${destination.account}/${destination.region}`);
    const identity = [createValidatedPolicy(ALLOW_ALL, validateIdentityPolicy, { name: 'source-account' })];
    return this.simulate(`arn:${PARTITION}:iam::${sourceAccount}:root`, action,
      TemplateIam.repositoryArn(repository, destination.account, destination.region), destination.account, identity, policy) === 'Allowed';
  }

  /** Whether a GitHub Actions token may assume a role (`sts:AssumeRoleWithWebIdentity` through the account's OIDC provider for its issuer). */
  public canAssume(role: RoleInfo, token: GithubToken): boolean {
    return this.simulate(`arn:${PARTITION}:iam::${role.account}:oidc-provider/${token.issuer}`, 'sts:AssumeRoleWithWebIdentity', role.arn, role.account, [], role.trust,
      { [`${token.issuer}:sub`]: token.sub, [`${token.issuer}:aud`]: token.aud }) === 'Allowed';
  }

  /** Whether a service principal may assume a role (`sts:AssumeRole`) with the given request context. */
  public serviceCanAssume(role: RoleInfo, service: string, context: Record<string, string>): boolean {
    return this.simulate(service, 'sts:AssumeRole', role.arn, role.account, [], role.trust, context) === 'Allowed';
  }

  /** Whether a role may call a KMS action on a key of the templates (its key policy applies), with the given context. */
  public kmsAllows(role: RoleInfo, action: string, keyArn: string, context: Record<string, string>): boolean {
    return this.simulate(role.arn, action, keyArn, keyArn.split(':')[4], role.policies, this.keyPolicies.get(keyArn), context) === 'Allowed';
  }

  /**
   * Whether a created role may call an SNS action on a topic of the templates (its topic policy
   * applies), with the given context (`aws:SecureTransport`).
   */
  public topicAllows(role: RoleInfo, action: string, topicArn: string, context: Record<string, string> = { 'aws:SecureTransport': 'true' }): boolean {
    if (!this.topics.has(topicArn)) throw new Error(`no topic ${topicArn} in the templates`);
    return this.simulate(role.arn, action, topicArn, topicArn.split(':')[4], role.policies, this.topicPolicies.get(topicArn), context) === 'Allowed';
  }

  /**
   * The decision on an SNS action on a topic of the templates (its topic policy applies) for any
   * principal (a role ARN, a service principal such as `events.amazonaws.com`) with the given
   * identity policies (raw documents are validated) and request context (`aws:SourceAccount`,
   * `aws:SourceArn`, `aws:SecureTransport`).
   */
  public topicDecision(principal: string, action: string, topicArn: string, identity: any[], context: Record<string, string>): string {
    if (!this.topics.has(topicArn)) throw new Error(`no topic ${topicArn} in the templates`);
    const policies = identity.map((doc, i) => (doc?.__validated ? doc : createValidatedPolicy(doc, validateIdentityPolicy, { name: `identity-${i}` })));
    return this.simulate(principal, action, topicArn, topicArn.split(':')[4], policies, this.topicPolicies.get(topicArn), context);
  }

  /**
   * The decision (`Allowed`, `ExplicitlyDenied`, `ImplicitlyDenied`) on an ECR action on a
   * repository of the templates (its repository policy applies) for any principal with the
   * given identity policies and request context (`aws:SourceVpce`, `aws:PrincipalIsAWSService`...),
   * for the private-network proofs: an explicit deny tells a refused request from one
   * that only lacks an allow (AWS services act without a repository-policy allow).
   */
  public decision(principal: string, action: string, repository: string, identity: any[], context: Record<string, string>): string {
    const repo = this.repositories.get(repository);
    if (!repo) throw new Error(`no repository ${repository} in the templates`);
    // Raw documents are validated; the evaluator's own (a role's `policies`) already are.
    const policies = identity.map((doc, i) => (doc?.__validated ? doc : createValidatedPolicy(doc, validateIdentityPolicy, { name: `identity-${i}` })));
    return this.simulate(principal, action, TemplateIam.repositoryArn(repository), ACCOUNT, policies, repo.policy, context);
  }

  private simulate(
    principal: string, action: string, resource: string, accountId: string,
    identity: any[], resourcePolicy: any, context: Record<string, string> = {},
  ): string {
    return runUnsafeSimulation({
      request: { principal, action, resource: { resource, accountId }, contextVariables: context },
      identityPolicies: identity.map((policy, i) => ({ name: `identity-${i}`, policy })),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy,
    }, {});
  }

  private resolve(v: any, resources: Record<string, any>, account: string, region: string): any {
    const r = (x: any): any => this.resolve(x, resources, account, region);
    if (Array.isArray(v)) return v.map(r);
    if (v === null || typeof v !== 'object') return v;
    const keys = Object.keys(v);
    if (keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::'))) {
      const [k] = keys;
      const arg = v[k];
      if (k === 'Ref') {
        const pseudo: Record<string, string> = { 'AWS::Partition': PARTITION, 'AWS::AccountId': account, 'AWS::Region': region, 'AWS::URLSuffix': 'amazonaws.com' };
        if (pseudo[arg]) return pseudo[arg];
        const res = resources[arg];
        switch (res?.Type) {
          case 'AWS::IAM::Role': return arg;
          case 'AWS::IAM::ManagedPolicy': return `arn:${PARTITION}:iam::${account}:policy/${arg}`;
          case 'AWS::IAM::OIDCProvider': return `arn:${PARTITION}:iam::${account}:oidc-provider/${String(res.Properties.Url).replace(/^https:\/\//, '')}`;
          case 'AWS::KMS::Key': return arg;
          // An SNS topic's Ref is its ARN (CloudFormation reference, AWS::SNS::Topic, "Return values").
          case 'AWS::SNS::Topic': return `arn:${PARTITION}:sns:${region}:${account}:${arg}`;
          // A VPC endpoint's id is its logical id here (the `aws:SourceVpce` value of requests through it).
          case 'AWS::EC2::VPCEndpoint': return arg;
          default: throw new Error(`cannot resolve Ref ${arg} (${res?.Type ?? 'not in the template'})`);
        }
      }
      if (k === 'Fn::GetAtt' && arg[1] === 'Arn') {
        const res = resources[arg[0]];
        if (res?.Type === 'AWS::IAM::Role') return `arn:${PARTITION}:iam::${account}:role/${arg[0]}`;
        if (res?.Type === 'AWS::KMS::Key') return `arn:${PARTITION}:kms:${region}:${account}:key/${arg[0]}`;
        if (res?.Type === 'AWS::Events::Rule') return `arn:${PARTITION}:events:${region}:${account}:rule/${arg[0]}`;
        throw new Error(`cannot resolve Fn::GetAtt ${JSON.stringify(arg)}`);
      }
      // A cross-stack reference (EcrRegistryStacks): the exporting template's value, resolved in that template.
      if (k === 'Fn::ImportValue') {
        const e = typeof arg === 'string' ? this.exports.get(arg) : undefined;
        if (!e) throw new Error(`cannot resolve Fn::ImportValue ${JSON.stringify(arg)} (no such export in the templates)`);
        return this.resolve(e.value, e.resources, e.account, e.region);
      }
      if (k === 'Fn::Join') return (r(arg[1]) as any[]).map((x) => { if (typeof x !== 'string') throw new Error(`Fn::Join of ${JSON.stringify(x)}`); return x; }).join(arg[0]);
      throw new Error(`cannot resolve ${k}: ${JSON.stringify(arg)}`);
    }
    const out: Record<string, any> = {};
    for (const key of keys) out[key] = r(v[key]);
    return out;
  }
}

function check(doc: any, validate: (d: any) => any[], what: string): any {
  const parsed = typeof doc === 'string' ? JSON.parse(doc) : doc;
  const errors = validate(parsed);
  if (errors.length) throw new Error(`${what} is not a valid policy: ${JSON.stringify(errors)}\n${JSON.stringify(parsed)}`);
  return createValidatedPolicy(parsed, validate, { name: what });
}
