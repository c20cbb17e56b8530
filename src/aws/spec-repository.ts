import { Annotations, RemovalPolicy } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

/** Props of the internal `SpecRepository`. */
interface SpecRepositoryProps {
  readonly repositoryName: string;
  readonly removalPolicy: RemovalPolicy;
  readonly scanOnPush: boolean;
  readonly emptyOnDelete?: boolean;
  /** KMS encryption with this key; AES256 without one. */
  readonly encryptionKey?: { readonly keyArn: string };
  readonly imageTagMutability: string;
  readonly imageTagMutabilityExclusionFilters?: ecr.CfnRepository.ImageTagMutabilityExclusionFilterProperty[];
  readonly lifecyclePolicyText?: string;
}

/**
 * One ECR repository of a spec (internal): the `CfnRepository` (construct id `Resource`) that
 * aws-cdk-lib's `ecr.Repository` would create with the same properties, under a construct at the
 * same path, so the template, construct paths and logical ids are those of `ecr.Repository`.
 * It skips what the registry does not use and what cost 15-20% of synthesis for 3,000
 * repositories: the props' jsii checks, lifecycle rule boxes, property injection. Like
 * `ecr.Repository`, it is an `ecr.IRepository` (grants, events, URIs from `RepositoryBase`),
 * its name and ARN attributes are the resource's (`Ref`, `Fn::GetAtt` across stacks), and
 * `addToResourcePolicy` builds the repository policy (validated as a resource policy at synth).
 */
export class SpecRepository extends ecr.RepositoryBase {
  /** The CloudFormation resource. */
  public readonly resource: ecr.CfnRepository;
  private policy?: iam.PolicyDocument;

  constructor(scope: Construct, id: string, props: SpecRepositoryProps) {
    super(scope, id, { physicalName: props.repositoryName });
    // The properties in the order ecr.Repository sets them (aws-cdk-lib 2.276 aws-ecr/lib/repository.ts), so the template is the same.
    this.resource = new ecr.CfnRepository(this, 'Resource', {
      repositoryName: props.repositoryName,
      lifecyclePolicy: props.lifecyclePolicyText === undefined ? undefined : { lifecyclePolicyText: props.lifecyclePolicyText },
      imageScanningConfiguration: { scanOnPush: props.scanOnPush },
      imageTagMutability: props.imageTagMutability,
      imageTagMutabilityExclusionFilters: props.imageTagMutabilityExclusionFilters,
      encryptionConfiguration: props.encryptionKey ? { encryptionType: 'KMS', kmsKey: props.encryptionKey.keyArn } : { encryptionType: 'AES256' },
      emptyOnDelete: props.emptyOnDelete,
    });
    this.resource.applyRemovalPolicy(props.removalPolicy);
  }

  /** The repository's name (`Ref`), as `ecr.Repository.repositoryName`. */
  public get repositoryName(): string {
    return this.getResourceNameAttribute(this.resource.ref);
  }

  /** The repository's ARN (`Fn::GetAtt Arn`), as `ecr.Repository.repositoryArn`. */
  public get repositoryArn(): string {
    return this.getResourceArnAttribute(this.resource.attrArn, { service: 'ecr', resource: 'repository', resourceName: this.physicalName });
  }

  /**
   * Adds a statement to the repository policy, as `ecr.Repository.addToResourcePolicy` does
   * (ECR repository policies take no `Resource`: a statement with one gets aws-cdk-lib's warning).
   */
  public addToResourcePolicy(statement: iam.PolicyStatement): iam.AddToResourcePolicyResult {
    if (statement.resources.length) {
      // The same warning id and text as ecr.Repository, so that an acknowledgement of it still applies.
      Annotations.of(this).addWarningV2('@aws-cdk/aws-ecr:noResourceStatements', 'ECR resource policy does not allow resource statements.');
    }
    if (!this.policy) {
      const policy = new iam.PolicyDocument();
      this.policy = policy;
      this.resource.repositoryPolicyText = policy;
      this.node.addValidation({ validate: () => policy.validateForResourcePolicy({ skipResourceValidation: true }) });
    }
    this.policy.addStatements(statement);
    return { statementAdded: true, policyDependable: this.policy };
  }
}
