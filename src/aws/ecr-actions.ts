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

  /**
   * Read a repository's image scan findings (the promotion scan gate, `aws ecr
   * describe-image-scan-findings`): `ecr:DescribeImageScanFindings`, on the
   * repositories whose digests a gated hop promotes.
   */
  public static readonly SCAN_FINDINGS: string[] = ['ecr:DescribeImageScanFindings'];

  /**
   * Read Amazon Inspector's findings, which `ecr:DescribeImageScanFindings` returns for
   * repositories scanned with ENHANCED scanning. ECR user guide, "IAM permissions required
   * for enhanced scanning": the principal "using enhanced scanning has permissions to call
   * the Amazon Inspector APIs needed for scanning", among them `inspector2:ListFindings`
   * on `"Resource": "*"`. The Service Authorization Reference lists no resource type and
   * no condition key for `inspector2:ListFindings`, so `*` is the only resource; the grant
   * is limited to the registry's region with the global `aws:RequestedRegion` key.
   */
  public static readonly INSPECTOR_FINDINGS: string = 'inspector2:ListFindings';

  /** Log in to the registry (`docker login`); with `inspector2:ListFindings` (enhanced scanning), the only actions granted on `*`. */
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

  /** The actions of pull, push or both (and reading scan findings), without duplicates, in a stable order. */
  public static actionsFor(pull: boolean, push: boolean, scan: boolean = false): string[] {
    const actions = [...(pull ? EcrActions.PULL : []), ...(push ? EcrActions.PUSH : []), ...(scan ? EcrActions.SCAN_FINDINGS : [])];
    return [...new Set(actions)];
  }

  /**
   * The statement that lets a promoter of a gated hop read Amazon Inspector's
   * findings (ENHANCED scanning): `inspector2:ListFindings` on `*`, in the region only.
   */
  public static inspectorFindingsStatement(region: string): iam.PolicyStatement {
    return new iam.PolicyStatement({
      sid: 'ReadInspectorFindings',
      actions: [EcrActions.INSPECTOR_FINDINGS],
      resources: ['*'],
      conditions: { StringEquals: { 'aws:RequestedRegion': region } },
    });
  }
}
