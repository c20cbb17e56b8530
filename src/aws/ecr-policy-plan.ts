import { App, CfnResource, Stack, Token } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { ContainerRegistry } from './ecr-registry';
import { EcrPrivateNetworkOptions } from './private-access';
import { Cloud, Naming, PolicyPlanEntry, PolicyPlanText, RegistrySpec } from '../spec';

/** Options of `EcrPolicyPlan.fromSpec`. */
export interface EcrPolicyPlanOptions {
  /**
   * The construct id of the registry, which names the placeholders (`<aws:iam-role:Registry/...>`).
   *
   * @default "Registry"
   */
  readonly registryId?: string;
}

const KIND_BY_TYPE: Record<string, string> = {
  'AWS::ECR::RegistryScanningConfiguration': 'scanning-configuration',
  'AWS::ECR::ReplicationConfiguration': 'replication-configuration',
  'AWS::ECR::PullThroughCacheRule': 'pull-through-cache-rule',
  'AWS::ECR::RepositoryCreationTemplate': 'repository-creation-template',
  'AWS::ECR::RegistryPolicy': 'registry-policy',
  'AWS::ECR::SigningConfiguration': 'signing-configuration',
  'AWS::IAM::OIDCProvider': 'oidc-provider',
  // Private access and notifications (issue 19).
  'AWS::EC2::VPCEndpoint': 'vpc-endpoint',
  'AWS::Events::Rule': 'event-rule',
  'AWS::SNS::TopicPolicy': 'topic-policy',
};

const PLACEHOLDER_TYPE: Record<string, string> = {
  'AWS::IAM::Role': 'iam-role',
  'AWS::IAM::Policy': 'iam-policy',
  'AWS::IAM::ManagedPolicy': 'iam-managed-policy',
  'AWS::IAM::OIDCProvider': 'oidc-provider',
  'AWS::KMS::Key': 'kms-key',
  'AWS::ECR::Repository': 'ecr-repository',
};

/**
 * Every policy an AWS registry produces, read from the synthesized
 * CloudFormation template: per ECR repository the lifecycle policy, tag
 * mutability, encryption, scanning and repository policy; per role the trust
 * policy and its IAM policies; the KMS key policy; and the registry-wide
 * configurations. References to resources are stable named placeholders
 * (`<aws:iam-role:Registry/Identities/ci/Role>`, `<aws:account>`), so the output is
 * the same for the same spec on any machine.
 */
export class EcrPolicyPlan {
  /** Builds the spec into an `ContainerRegistry` in a fresh app and plans it. */
  public static fromSpec(spec: RegistrySpec, options: EcrPolicyPlanOptions = {}): PolicyPlanEntry[] {
    const app = new App();
    const stack = new Stack(app, 'Plan');
    new ContainerRegistry(stack, options.registryId ?? 'Registry', { spec, privateNetwork: EcrPolicyPlan._placeholderNetwork(stack, spec) });
    return EcrPolicyPlan.fromStack(stack);
  }

  /**
   * Private access needs the app's VPC (props.privateNetwork, which a spec cannot give): a plan uses a
   * placeholder one, the same for `fromSpec` and the command line's `plan` (issue 19). Undefined without private access.
   *
   * @internal
   */
  public static _placeholderNetwork(stack: Stack, spec: RegistrySpec): EcrPrivateNetworkOptions | undefined {
    return spec.network?.privateAccess ? {
      vpc: ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
        vpcId: 'vpc-00000000',
        vpcCidrBlock: '10.0.0.0/16',
        availabilityZones: ['a', 'b'],
        privateSubnetIds: ['subnet-00000000', 'subnet-00000001'],
        privateSubnetRouteTableIds: ['rtb-00000000', 'rtb-00000001'],
      }),
    } : undefined;
  }

  /** Plans every policy of a stack (for registries composed into your own stacks). */
  public static fromStack(stack: Stack): PolicyPlanEntry[] {
    const template = Template.fromStack(stack).toJSON();
    const names = new Map<string, string>();
    for (const child of stack.node.findAll()) {
      if (child instanceof CfnResource && Stack.of(child) === stack) {
        const path = child.node.path.split('/').slice(1).filter((p) => p !== 'Resource' && p !== 'Default').join('/');
        names.set(stack.resolve(child.logicalId), path);
      }
    }
    const resources: Record<string, any> = template.Resources ?? {};
    const render = new Renderer(resources, names, Token.isUnresolved(stack.region) ? undefined : stack.region);
    const entries: PolicyPlanEntry[] = [];
    const add = (resource: string, kind: string, value: any) => {
      if (value === undefined) return;
      const resolved = render.value(value);
      const document = typeof resolved === 'string' ? resolved : PolicyPlanText.stableJson(resolved);
      entries.push({ cloud: Cloud.AWS, resource, kind, document });
    };

    for (const [logicalId, res] of Object.entries(resources)) {
      const p = res.Properties ?? {};
      const name = names.get(logicalId) ?? logicalId;
      switch (res.Type) {
        case 'AWS::ECR::Repository': {
          const repo = render.value(p.RepositoryName) ?? name;
          add(repo, 'lifecycle-policy', p.LifecyclePolicy?.LifecyclePolicyText !== undefined
            ? parseJson(render.value(p.LifecyclePolicy.LifecyclePolicyText)) : undefined);
          add(repo, 'tag-mutability', { ImageTagMutability: p.ImageTagMutability ?? 'MUTABLE', ExclusionFilters: p.ImageTagMutabilityExclusionFilters });
          add(repo, 'encryption', p.EncryptionConfiguration ?? { EncryptionType: 'AES256' });
          add(repo, 'scanning', p.ImageScanningConfiguration ?? { ScanOnPush: false });
          add(repo, 'repository-policy', p.RepositoryPolicyText);
          add(repo, 'removal', { DeletionPolicy: res.DeletionPolicy ?? 'Delete', EmptyOnDelete: p.EmptyOnDelete ?? false });
          break;
        }
        case 'AWS::IAM::Role':
          add(`role ${name}`, 'trust-policy', p.AssumeRolePolicyDocument);
          for (const policy of p.Policies ?? []) add(`role ${name}`, `iam-policy ${policy.PolicyName}`, policy.PolicyDocument);
          add(`role ${name}`, 'managed-policies', p.ManagedPolicyArns);
          break;
        case 'AWS::IAM::Policy':
        case 'AWS::IAM::ManagedPolicy':
          for (const role of p.Roles ?? [undefined]) {
            const target = role === undefined ? `policy ${name}` : `role ${String(render.value(role)).replace(/^<aws:iam-role:(.*)>$/, '$1')}`;
            add(target, `iam-policy ${name}`, p.PolicyDocument);
          }
          break;
        case 'AWS::KMS::Key':
          add(`kms-key ${name}`, 'key-policy', p.KeyPolicy);
          add(`kms-key ${name}`, 'key-rotation', { EnableKeyRotation: p.EnableKeyRotation ?? false });
          break;
        default:
          if (KIND_BY_TYPE[res.Type]) add(`registry ${name}`, KIND_BY_TYPE[res.Type], p);
      }
    }
    return entries;
  }
}

function parseJson(text: unknown): unknown {
  if (typeof text !== 'string') return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Resolves CloudFormation intrinsics into stable placeholders. */
class Renderer {
  /**
   * @param region the stack's region when known: its partition and URL suffix are rendered
   * (`aws-cn`, `amazonaws.com.cn` for `cn-north-1`); without one, the partition renders as `aws` (as plans always
   * have) and the URL suffix as the placeholder `<aws:url-suffix>`, since a host built from it depends on the partition.
   */
  constructor(private readonly resources: Record<string, any>, private readonly names: Map<string, string>, private readonly region?: string) {}

  public value(v: any): any {
    if (Array.isArray(v)) return v.map((x) => this.value(x));
    if (v === null || typeof v !== 'object') return v;
    const keys = Object.keys(v);
    if (keys.length === 1) {
      const [k] = keys;
      const arg = v[k];
      if (k === 'Ref') return this.ref(arg);
      if (k === 'Fn::GetAtt') return this.ref(arg[0], arg[1]);
      if (k === 'Fn::Join') return (this.value(arg[1]) as any[]).map((x) => (typeof x === 'string' ? x : JSON.stringify(x))).join(arg[0]);
      if (k === 'Fn::Sub') {
        const [text, vars] = Array.isArray(arg) ? arg : [arg, {}];
        return String(text).replace(/\$\{([^}]+)\}/g, (_m: string, name: string) =>
          vars[name] !== undefined ? String(this.value(vars[name])) : this.ref(name.split('.')[0], name.split('.')[1]));
      }
      if (k === 'Fn::ImportValue') return `<aws:import:${this.value(arg)}>`;
      if (k === 'Fn::Select') return `<aws:select:${arg[0]}:${JSON.stringify(this.value(arg[1]))}>`;
    }
    const out: Record<string, any> = {};
    for (const key of keys) out[key] = this.value(v[key]);
    return out;
  }

  private ref(id: string, attribute?: string): string {
    const pseudo: Record<string, string> = {
      'AWS::AccountId': '<aws:account>',
      'AWS::Region': '<aws:region>',
      'AWS::Partition': this.region ? Naming.awsPartition(this.region) : 'aws',
      'AWS::URLSuffix': this.region ? Naming.awsUrlSuffix(this.region) : '<aws:url-suffix>',
      'AWS::StackName': '<aws:stack-name>',
    };
    if (pseudo[id]) return pseudo[id];
    const res = this.resources[id];
    const type = res ? PLACEHOLDER_TYPE[res.Type] ?? String(res.Type).split('::').slice(1).join('-').toLowerCase() : 'parameter';
    const attr = attribute && attribute !== 'Arn' ? `:${attribute}` : '';
    return `<aws:${type}:${this.names.get(id) ?? id}${attr}>`;
  }
}
