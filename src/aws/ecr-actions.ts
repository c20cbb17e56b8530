import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';

/**
 * The exact IAM actions each grant gives, the same in identity policies, repository
 * policies and the README. Pull and push act on repository ARNs only; the one
 * action that needs `Resource: "*"` is `ecr:GetAuthorizationToken` (it is not tied
 * to a repository). Nothing here deletes: retention is the only thing that deletes.
 */
export class EcrActions {
  /** Read images: `ecr:BatchGetImage`, `ecr:GetDownloadUrlForLayer`, `ecr:BatchCheckLayerAvailability`. */
  public static readonly PULL: string[] = ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchCheckLayerAvailability'];

  /**
   * Write images: `ecr:InitiateLayerUpload`, `ecr:UploadLayerPart`, `ecr:CompleteLayerUpload`,
   * `ecr:BatchCheckLayerAvailability`, `ecr:PutImage`.
   */
  public static readonly PUSH: string[] = [
    'ecr:InitiateLayerUpload',
    'ecr:UploadLayerPart',
    'ecr:CompleteLayerUpload',
    'ecr:BatchCheckLayerAvailability',
    'ecr:PutImage',
  ];

  /** Log in to the registry (`docker login`); the only action granted on `*`. */
  public static readonly AUTH_TOKEN: string = 'ecr:GetAuthorizationToken';

  /**
   * Pulling through a pull-through cache also needs these, on the cache prefix:
   * `ecr:BatchImportUpstreamImage` (fetch from upstream) and `ecr:CreateRepository`
   * (the first pull of an image creates its repository).
   */
  public static readonly PULL_THROUGH: string[] = ['ecr:BatchImportUpstreamImage', 'ecr:CreateRepository'];

  /** The ARN of an ECR repository of the scope's account and region, from its name. */
  public static repositoryArn(scope: IConstruct, repositoryName: string): string {
    return Stack.of(scope).formatArn({ service: 'ecr', resource: 'repository', resourceName: repositoryName });
  }

  /** The statement that lets a principal log in to the registry. */
  public static authTokenStatement(): iam.PolicyStatement {
    return new iam.PolicyStatement({ sid: 'EcrLogin', actions: [EcrActions.AUTH_TOKEN], resources: ['*'] });
  }

  /** The actions of pull, push or both, without duplicates, in a stable order. */
  public static actionsFor(pull: boolean, push: boolean): string[] {
    const actions = [...(pull ? EcrActions.PULL : []), ...(push ? EcrActions.PUSH : [])];
    return [...new Set(actions)];
  }
}
