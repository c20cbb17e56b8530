import { Naming } from '../spec/naming';
import { Cloud } from '../spec/registry-spec';

/**
 * The names of the GitHub Actions variables the generated workflow reads, one
 * place for the workflow and for the cloud constructs that output their values.
 *
 * Identity variables are `<CLOUD>_<ROLE>_<IDENTITY>` in upper snake case (the
 * identity's spec name upper-cased, `-` becoming `_`):
 * - AWS: `AWS_ROLE_ARN_<IDENTITY>` (the role to assume);
 * - GCP: `GCP_SERVICE_ACCOUNT_<IDENTITY>` (the service account email), plus the
 *   shared `GCP_WORKLOAD_IDENTITY_PROVIDER`;
 * - Azure: `AZURE_CLIENT_ID_<IDENTITY>` (the user-assigned identity's client id),
 *   plus the shared `AZURE_TENANT_ID` and `AZURE_SUBSCRIPTION_ID`.
 * - Harbor has no OIDC federation: each identity is a project-level robot
 *   account in each project it needs (a project robot holds one project), so
 *   its credentials are per identity and project: the variable
 *   `HARBOR_ROBOT_NAME_<IDENTITY>_<PROJECT>` (the robot's login name,
 *   `robot$<project>+<identity>`) and the secret
 *   `HARBOR_ROBOT_SECRET_<IDENTITY>_<PROJECT>` (`harborRobotName`,
 *   `harborRobotSecret`; the Harbor construct's outputs have these names).
 *
 * Registry variables locate the registry when the generator is not told:
 * `AWS_ACCOUNT_ID` and `AWS_REGION`, `GCP_PROJECT_ID` and `GCP_LOCATION`,
 * `AZURE_REGISTRY_SUFFIX`, `HARBOR_HOST`.
 */
export class WorkflowVariables {
  /**
   * The environment variable (not a GitHub variable) that the generated AWS workflow defines
   * once, at the top, with the ECR hosts' URL suffix chosen from `AWS_REGION` at run time
   * (`Naming.awsUrlSuffix`: `amazonaws.com.cn` in China): its hosts read `${{ env.AWS_URL_SUFFIX }}`.
   */
  public static readonly AWS_URL_SUFFIX_ENV: string = 'AWS_URL_SUFFIX';

  /**
   * Text as the generated workflow and scripts show it: the run-time URL suffix expression of
   * an ECR host whose region is the `AWS_REGION` variable, written as `${{ env.AWS_URL_SUFFIX }}`.
   *
   * @internal
   */
  public static _shortenUrlSuffix(text: string): string {
    return text.split(WorkflowVariables._urlSuffixExpression()).join(`\${{ env.${WorkflowVariables.AWS_URL_SUFFIX_ENV} }}`);
  }

  /**
   * The run-time URL suffix expression of a host in the region of the `AWS_REGION` variable.
   *
   * @internal
   */
  public static _urlSuffixExpression(): string {
    return Naming.awsUrlSuffix(WorkflowVariables.expression('AWS_REGION'));
  }

  /**
   * Where a hop reports a promotion (`notifications` with `promotion`): on AWS the SNS topic
   * ARN (`AWS_NOTIFICATION_TOPIC_ARN`, an output of `aws.RegistryNotifications`), on GCP the
   * Pub/Sub topic (`GCP_PROMOTION_TOPIC`, an output of `gcp.RegistryNotifications`), both
   * GitHub variables; on Azure and Harbor the webhook URL, a GitHub secret
   * (`PROMOTION_WEBHOOK_URL`), since webhook URLs usually carry a key.
   */
  public static notification(cloud: Cloud): string {
    switch (cloud) {
      case Cloud.AWS: return 'AWS_NOTIFICATION_TOPIC_ARN';
      case Cloud.GCP: return 'GCP_PROMOTION_TOPIC';
      case Cloud.AZURE:
      case Cloud.HARBOR: return 'PROMOTION_WEBHOOK_URL';
    }
    throw new Error(`cloud: "${cloud}" is not a cloud (allowed: ${Object.values(Cloud).join(', ')})`);
  }

  /** The variable holding the identity's credential reference (role ARN, service account, client id). */
  public static identity(cloud: Cloud, identityName: string): string {
    const suffix = WorkflowVariables.upperSnake(identityName);
    switch (cloud) {
      case Cloud.AWS: return `AWS_ROLE_ARN_${suffix}`;
      case Cloud.GCP: return `GCP_SERVICE_ACCOUNT_${suffix}`;
      case Cloud.AZURE: return `AZURE_CLIENT_ID_${suffix}`;
      case Cloud.HARBOR:
        throw new Error(`cloud: "harbor" logs in with one robot per identity and project: use WorkflowVariables.harborRobotName and harborRobotSecret (identity "${identityName}")`);
    }
    throw new Error(`cloud: "${cloud}" is not a cloud (allowed: ${Object.values(Cloud).join(', ')})`);
  }

  /**
   * Harbor: the variable holding the login name of the identity's robot in a
   * project (`HARBOR_ROBOT_NAME_<IDENTITY>_<PROJECT>`). The Harbor construct
   * outputs the robot's full name under this name; the workflow reads it.
   */
  public static harborRobotName(identityName: string, project: string): string {
    return `HARBOR_ROBOT_NAME_${WorkflowVariables.harborRobotSuffix(identityName, project)}`;
  }

  /**
   * Harbor: the secret holding the robot's secret (`HARBOR_ROBOT_SECRET_<IDENTITY>_<PROJECT>`),
   * the construct's sensitive output of the same name; the workflow reads it
   * from GitHub's secrets, never from variables.
   */
  public static harborRobotSecret(identityName: string, project: string): string {
    return `HARBOR_ROBOT_SECRET_${WorkflowVariables.harborRobotSuffix(identityName, project)}`;
  }

  /** The variables shared by every identity of a cloud (empty on AWS). */
  public static shared(cloud: Cloud): string[] {
    switch (cloud) {
      case Cloud.GCP: return ['GCP_WORKLOAD_IDENTITY_PROVIDER'];
      case Cloud.AZURE: return ['AZURE_TENANT_ID', 'AZURE_SUBSCRIPTION_ID'];
      default: return [];
    }
  }

  /** The variables that locate the registry when the generator is not given the values. */
  public static registry(cloud: Cloud): string[] {
    switch (cloud) {
      case Cloud.AWS: return ['AWS_ACCOUNT_ID', 'AWS_REGION'];
      case Cloud.GCP: return ['GCP_PROJECT_ID', 'GCP_LOCATION'];
      case Cloud.AZURE: return ['AZURE_REGISTRY_SUFFIX'];
      case Cloud.HARBOR: return ['HARBOR_HOST'];
    }
    return [];
  }

  /** `${{ vars.NAME }}`: a variable as a workflow expression. */
  public static expression(name: string): string {
    return `\${{ vars.${name} }}`;
  }

  /** `${{ secrets.NAME }}`: a secret as a workflow expression. */
  public static secretExpression(name: string): string {
    return `\${{ secrets.${name} }}`;
  }

  /** An identity name as a variable suffix: upper-cased, `-` becoming `_` (`ci-main` gives `CI_MAIN`). */
  public static upperSnake(name: string): string {
    return name.toUpperCase().replace(/[^A-Z0-9]/g, '_');
  }

  private static harborRobotSuffix(identityName: string, project: string): string {
    return `${WorkflowVariables.upperSnake(identityName)}_${WorkflowVariables.upperSnake(project)}`;
  }
}
