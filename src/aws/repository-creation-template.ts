import { Annotations, Stack } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { lifecycleFor, tagMutabilityFor } from './native-policies';
import { EffectiveTagPolicy, Problems, RetentionPolicySpec } from '../spec';

/** When ECR creates a repository from a template. */
export enum RepositoryCreationScenario {
  /** The first pull of an image through a pull-through cache. */
  PULL_THROUGH_CACHE = 'PULL_THROUGH_CACHE',
  /** A push to a repository that does not exist yet. */
  CREATE_ON_PUSH = 'CREATE_ON_PUSH',
  /** Replication into this registry. */
  REPLICATION = 'REPLICATION',
}

/** Props of `RepositoryCreationTemplate`. */
export interface RepositoryCreationTemplateProps {
  /** The repository-name prefix the template applies to (`platform/ecr-public`), or `ROOT` for every repository. */
  readonly prefix: string;
  /** The scenarios the template applies to. */
  readonly appliedFor: RepositoryCreationScenario[];
  /**
   * The retention of the created repositories, translated exactly as for the spec's repositories.
   *
   * @default - no lifecycle policy (nothing is deleted)
   */
  readonly retention?: RetentionPolicySpec;
  /**
   * The tag policy of the created repositories.
   *
   * @default - MUTABLE tags (ECR's default)
   */
  readonly tagPolicy?: EffectiveTagPolicy;
  /**
   * A KMS key to encrypt created repositories with.
   *
   * @default - AES256
   */
  readonly kmsKey?: kms.IKey;
  /**
   * Tags put on created repositories.
   *
   * @default - none
   */
  readonly resourceTags?: { [key: string]: string };
  /**
   * A description.
   *
   * @default - generated from the prefix and scenarios
   */
  readonly description?: string;
}

/**
 * A repository creation template (`AWS::ECR::RepositoryCreationTemplate`): the
 * settings ECR applies to the repositories it creates itself (pull-through
 * caches, create-on-push, replication), with the same lifecycle policy text, tag
 * mutability and encryption as the spec's own repositories. With a KMS key or
 * resource tags, ECR needs a role to create the repositories: one is created,
 * trusted by `ecr.amazonaws.com` and scoped to `repository/<prefix>/*` and the key.
 */
export class RepositoryCreationTemplate extends Construct {
  /** The lifecycle policy text applied to created repositories, if any. */
  public readonly lifecyclePolicyText?: string;

  /** The role ECR assumes to create repositories, when one is needed. */
  public readonly role?: iam.Role;

  constructor(scope: Construct, id: string, props: RepositoryCreationTemplateProps) {
    super(scope, id);
    const problems = new Problems();
    if (props.prefix !== 'ROOT' && !/^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/.test(props.prefix)) {
      problems.add('props.prefix', props.prefix, 'is not a repository namespace (lower-case path segments, or ROOT)');
    }
    if (!Array.isArray(props.appliedFor) || props.appliedFor.length === 0) problems.add('props.appliedFor', props.appliedFor, 'must list at least one scenario');
    problems.throwIfAny(`aws.RepositoryCreationTemplate ${this.node.path}`);
    const lifecycle = props.retention ? lifecycleFor(props.retention, `${props.prefix}/*`) : { policyText: undefined, warnings: [] };
    const tags = props.tagPolicy ? tagMutabilityFor(props.tagPolicy) : undefined;
    for (const w of [...lifecycle.warnings, ...(tags?.warnings ?? [])]) {
      Annotations.of(this).addWarningV2(w.id, `repositories created under ${props.prefix}/: ${w.message}`);
    }
    this.lifecyclePolicyText = lifecycle.policyText;
    const resourceTags = Object.entries(props.resourceTags ?? {}).map(([key, value]) => ({ key, value }));
    if (props.kmsKey || resourceTags.length) {
      const stack = Stack.of(this);
      const namespace = props.prefix === 'ROOT' ? '*' : `${props.prefix}/*`;
      // Confused-deputy guard: ECR may assume the role only for this account's registry (IAM global condition keys:
      // "aws:SourceAccount ... is only available when the call to your resource is made directly by an AWS service
      // principal"). The ECR user guide's trust policy for this role ("Create an IAM role for repository creation
      // templates") names ecr.amazonaws.com without conditions and does not document aws:SourceArn for it, so only
      // the account is pinned. CloudFormation: CustomRoleArn "must be in the same account as the registry".
      // `IfExists`: no ECR page says that ECR sends aws:SourceAccount when it assumes this role, and a plain
      // StringEquals on a key that is absent would refuse every assumption (the first pull through a cache with
      // KMS or tags would fail to create its repository). Another account's request is refused either way.
      this.role = new iam.Role(this, 'CreationRole', {
        assumedBy: new iam.ServicePrincipal('ecr.amazonaws.com', { conditions: { StringEqualsIfExists: { 'aws:SourceAccount': stack.account } } }),
        description: `ECR creates repositories under ${props.prefix} from a creation template`,
      });
      this.role.addToPrincipalPolicy(new iam.PolicyStatement({
        actions: ['ecr:CreateRepository', 'ecr:ReplicateImage', 'ecr:TagResource'],
        resources: [stack.formatArn({ service: 'ecr', resource: 'repository', resourceName: namespace })],
      }));
      if (props.kmsKey) {
        // KMS developer guide, "Controlling access to grants": kms:GrantIsForAWSResource "Allows principals to call
        // CreateGrant, ListGrants, or RevokeGrant only when an AWS service that is integrated with AWS KMS sends the
        // request on the principal's behalf": ECR creating the encrypted repository, not whoever holds the role.
        this.role.addToPrincipalPolicy(new iam.PolicyStatement({
          sid: 'GrantsForEcr',
          actions: ['kms:CreateGrant'],
          resources: [props.kmsKey.keyArn],
          conditions: { Bool: { 'kms:GrantIsForAWSResource': true } },
        }));
        this.role.addToPrincipalPolicy(new iam.PolicyStatement({
          actions: ['kms:RetireGrant', 'kms:DescribeKey'],
          resources: [props.kmsKey.keyArn],
        }));
      }
    }
    new ecr.CfnRepositoryCreationTemplate(this, 'Resource', {
      prefix: props.prefix,
      appliedFor: props.appliedFor,
      description: props.description ?? `Repositories ECR creates under ${props.prefix} (${props.appliedFor.join(', ')})`,
      encryptionConfiguration: props.kmsKey ? { encryptionType: 'KMS', kmsKey: props.kmsKey.keyArn } : { encryptionType: 'AES256' },
      imageTagMutability: tags?.mutability,
      imageTagMutabilityExclusionFilters: tags?.exclusionFilters.length
        ? tags.exclusionFilters.map((v) => ({ imageTagMutabilityExclusionFilterType: 'WILDCARD', imageTagMutabilityExclusionFilterValue: v }))
        : undefined,
      lifecyclePolicy: lifecycle.policyText,
      resourceTags: resourceTags.length ? resourceTags : undefined,
      customRoleArn: this.role?.roleArn,
    });
  }
}
