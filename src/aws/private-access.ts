import { Annotations, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { EcrActions } from './ecr-actions';
import { AwsWarnings } from './warnings';
import { RegistrySpec } from '../spec';

/**
 * The ECR read actions the endpoint policies also let through, so that tools inside
 * the VPC can list and inspect the registry's images (the promotion scan gate reads
 * `ecr:DescribeImageScanFindings`). They read only; nothing deletes through an endpoint
 * unless the caller's own IAM policy and this list both allow it, and this list has no delete.
 */
const ENDPOINT_READ_ACTIONS = ['ecr:DescribeImages', 'ecr:DescribeRepositories', 'ecr:ListImages', 'ecr:DescribeImageScanFindings'];

/** Options of the registry's private access on AWS (`ContainerRegistryProps.privateNetwork`). */
export interface EcrPrivateNetworkOptions {
  /** The VPC whose workloads reach the registry privately. */
  readonly vpc: ec2.IVpc;

  /**
   * The subnets of the interface endpoints (`ecr.api`, `ecr.dkr`).
   *
   * @default - the VPC's private subnets, one per availability zone
   */
  readonly subnets?: ec2.SubnetSelection;

  /**
   * Create the interface endpoints for `ecr.api` and `ecr.dkr` and the S3 gateway
   * endpoint. Set it to false when the VPC already has them (one gateway endpoint per
   * service and route table); give their ids in `allowedVpcEndpointIds`.
   *
   * @default true
   */
  readonly createEndpoints?: boolean;

  /**
   * With `network.awsDenyOutsideVpc`: VPC endpoint ids (`vpce-...`) through which pulls
   * are allowed, besides the endpoints created here.
   *
   * @default - only the created endpoints
   */
  readonly allowedVpcEndpointIds?: string[];

  /**
   * With `network.awsDenyOutsideVpc`: VPC ids (`vpc-...`) from which pulls are allowed
   * (`aws:SourceVpc`), besides the VPC endpoints.
   *
   * @default - none
   */
  readonly allowedVpcIds?: string[];

  /**
   * With `network.awsDenyOutsideVpc`: principals (IAM role ARNs) exempt from the refusal
   * besides the CI roles this construct creates, such as CI roles created in another
   * stack (`EcrRegistryStacks` passes the roles of its registry stack to the repository
   * stacks this way). A construct with `includeIdentities: false` needs them for the CI
   * identities of the spec, whose pulls are otherwise refused.
   *
   * @default - only the CI roles of pushers and promoters this construct creates
   */
  readonly exemptPrincipalArns?: string[];
}

/** Props of `RegistryPrivateEndpoints`. */
export interface RegistryPrivateEndpointsProps {
  /** The spec whose repositories the endpoint policies allow. */
  readonly spec: RegistrySpec;
  /** The VPC. */
  readonly vpc: ec2.IVpc;
  /**
   * The subnets of the interface endpoints.
   *
   * @default - the VPC's private subnets, one per availability zone
   */
  readonly subnets?: ec2.SubnetSelection;
}

/**
 * The private path to an ECR registry from a VPC (ECR user guide, "Amazon ECR interface
 * VPC endpoints (AWS PrivateLink)"): interface endpoints for `com.amazonaws.<region>.ecr.api`
 * and `com.amazonaws.<region>.ecr.dkr` with private DNS, and the S3 gateway endpoint,
 * since image layers are downloaded from S3.
 *
 * Endpoint policies (a second gate: callers still need their own IAM permissions):
 * - `ecr.api` and `ecr.dkr`: pull, push, pull-through-cache import and the read-only
 *   describe/list actions on the registry's repositories only (`repository/<registry name>/*`),
 *   and `ecr:GetAuthorizationToken` on `*` (not tied to a repository);
 * - S3: `s3:GetObject` on `arn:<partition>:s3:::prod-<region>-starport-layer-bucket/*` only,
 *   the bucket the ECR user guide names ("Minimum Amazon S3 bucket permissions for
 *   Amazon ECR": "arn:aws:s3:::prod-region-starport-layer-bucket/*").
 *   Other S3 traffic of the VPC through this gateway endpoint is refused: a VPC that
 *   uses S3 for more gets its own endpoint (pass `createEndpoints: false`).
 *
 * The interface endpoints' security group admits HTTPS (443) from the VPC's CIDR only
 * (the user guide: "must allow incoming connections on port 443 from the private subnet").
 */
export class RegistryPrivateEndpoints extends Construct {
  /**
   * The objects of ECR's layer bucket in a region, `arn:<partition>:s3:::prod-<region>-starport-layer-bucket/*`
   * (ECR user guide, "Minimum Amazon S3 bucket permissions for Amazon ECR").
   */
  public static layerBucketObjectsArn(partition: string, region: string): string {
    return `arn:${partition}:s3:::prod-${region}-starport-layer-bucket/*`;
  }

  /**
   * The repository-policy statement that refuses pulls from outside the given VPC
   * endpoints and VPCs (internal to `ContainerRegistry`). A Deny with every condition
   * below true (IAM ANDs condition operators), so it refuses a request only when it is:
   * - not through one of the endpoints (`StringNotEquals aws:SourceVpce`) and not from one
   *   of the VPCs (`StringNotEquals aws:SourceVpc`; a condition key absent from the request,
   *   as `aws:SourceVpc` is for internet traffic, makes `StringNotEquals` true);
   * - not made by an AWS service principal (`aws:PrincipalIsAWSService` false) nor by a
   *   service on a principal's behalf (`aws:ViaAWSService` false): ECR's own replication,
   *   pull-through cache imports and scanning are such requests;
   * - not by one of the account's service-linked roles (`arn:<partition>:iam::<account>:role/aws-service-role/*`,
   *   such as ECR replication's and Inspector's) nor by the exempt principals (the CI roles
   *   of pushers and promoters, which run outside the VPC on GitHub-hosted runners).
   * Only pull actions are refused: pushes are the pushers' and promoters', which the
   * access model already limits to them.
   *
   * @internal
   */
  public static _denyPullsOutsideVpc(
    scope: Construct, endpointIds: string[], vpcIds: string[], exemptPrincipalArns: string[],
  ): iam.PolicyStatement {
    const stack = Stack.of(scope);
    const conditions: { [op: string]: { [key: string]: unknown } } = {
      StringNotEquals: {
        ...(endpointIds.length ? { 'aws:SourceVpce': endpointIds } : {}),
        ...(vpcIds.length ? { 'aws:SourceVpc': vpcIds } : {}),
      },
      Bool: { 'aws:PrincipalIsAWSService': 'false', 'aws:ViaAWSService': 'false' },
      ArnNotLike: { 'aws:PrincipalArn': [`arn:${stack.partition}:iam::${stack.account}:role/aws-service-role/*`, ...exemptPrincipalArns] },
    };
    return new iam.PolicyStatement({
      sid: 'DenyPullsOutsideVpc',
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: EcrActions.PULL,
      conditions,
    });
  }

  /** The `ecr.api` interface endpoint. */
  public readonly ecrApi: ec2.InterfaceVpcEndpoint;
  /** The `ecr.dkr` interface endpoint (the Docker registry API). */
  public readonly ecrDocker: ec2.InterfaceVpcEndpoint;
  /** The S3 gateway endpoint for the image layers. */
  public readonly s3: ec2.GatewayVpcEndpoint;
  /** The ids of the two interface endpoints (`aws:SourceVpce` values). */
  public readonly interfaceEndpointIds: string[];

  constructor(scope: Construct, id: string, props: RegistryPrivateEndpointsProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const subnets = props.subnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, onePerAz: true };
    const securityGroup = new ec2.SecurityGroup(this, 'EndpointSecurityGroup', {
      vpc: props.vpc,
      description: `HTTPS from the VPC to the ECR endpoints of the ${props.spec.name} registry`,
      allowAllOutbound: false,
    });
    securityGroup.addIngressRule(ec2.Peer.ipv4(props.vpc.vpcCidrBlock), ec2.Port.tcp(443), 'HTTPS from the VPC');
    const repositories = EcrActions.repositoryArn(this, `${props.spec.name}/*`);
    const ecrPolicy = (endpoint: ec2.InterfaceVpcEndpoint) => {
      endpoint.addToPolicy(new iam.PolicyStatement({
        sid: 'RegistryRepositories',
        principals: [new iam.AnyPrincipal()],
        actions: [...new Set([...EcrActions.PULL, ...EcrActions.PUSH, ...EcrActions.PULL_THROUGH, ...ENDPOINT_READ_ACTIONS])],
        resources: [repositories],
      }));
      endpoint.addToPolicy(new iam.PolicyStatement({
        sid: 'EcrLogin',
        principals: [new iam.AnyPrincipal()],
        actions: [EcrActions.AUTH_TOKEN],
        resources: ['*'],
      }));
    };
    if (Token.isUnresolved(stack.region)) {
      // aws-cdk-lib names an interface endpoint's service by the region when it is known ("cn.com.amazonaws.cn-north-1.ecr.dkr"
      // in China) and com.amazonaws.${AWS::Region}.<service> when it is a token, which is wrong outside the aws partition.
      Annotations.of(this).addWarningV2(AwsWarnings.ENDPOINTS_REGION_AGNOSTIC, `the stack ${stack.node.path} has no region, so the ECR endpoints' service names `
        + 'are com.amazonaws.<region>.ecr.api and .ecr.dkr, right in the aws and aws-us-gov partitions only (China: cn.com.amazonaws.<region>.ecr.*); '
        + 'give the stack its region (env: { region }) to have them named for its partition');
    }
    this.ecrApi = new ec2.InterfaceVpcEndpoint(this, 'EcrApi', {
      vpc: props.vpc,
      service: ec2.InterfaceVpcEndpointAwsService.ECR,
      subnets,
      securityGroups: [securityGroup],
      privateDnsEnabled: true,
      open: false,
    });
    this.ecrDocker = new ec2.InterfaceVpcEndpoint(this, 'EcrDocker', {
      vpc: props.vpc,
      service: ec2.InterfaceVpcEndpointAwsService.ECR_DOCKER,
      subnets,
      securityGroups: [securityGroup],
      privateDnsEnabled: true,
      open: false,
    });
    ecrPolicy(this.ecrApi);
    ecrPolicy(this.ecrDocker);
    this.s3 = new ec2.GatewayVpcEndpoint(this, 'S3', { vpc: props.vpc, service: ec2.GatewayVpcEndpointAwsService.S3 });
    this.s3.addToPolicy(new iam.PolicyStatement({
      sid: 'EcrImageLayers',
      principals: [new iam.AnyPrincipal()],
      actions: ['s3:GetObject'],
      resources: [RegistryPrivateEndpoints.layerBucketObjectsArn(stack.partition, stack.region)],
    }));
    this.interfaceEndpointIds = [this.ecrApi.vpcEndpointId, this.ecrDocker.vpcEndpointId];
  }
}
