/**
 * The AWS side of the private platform: ECR repositories reachable through VPC
 * endpoints of the platform VPC (looked up in a real app with ec2.Vpc.fromLookup;
 * given by attributes here so that the example synthesizes offline), pulls refused
 * from elsewhere, and the registry's events on an encrypted SNS topic.
 *
 *   npx cdk synth     (writes cdk.out/vault-registry-aws.template.json)
 */
import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { spec } from './spec';
import { aws } from 'container-registry-constructs';

const app = new App();
const stack = new Stack(app, 'vault-registry-aws', { env: { account: '111122223333', region: 'eu-west-1' } });
const vpc = ec2.Vpc.fromVpcAttributes(stack, 'PlatformVpc', {
  vpcId: 'vpc-0a1b2c3d4e5f60718',
  vpcCidrBlock: '10.40.0.0/16',
  availabilityZones: ['eu-west-1a', 'eu-west-1b'],
  privateSubnetIds: ['subnet-0a1b2c3d4e5f60718', 'subnet-0a1b2c3d4e5f60719'],
  privateSubnetRouteTableIds: ['rtb-0a1b2c3d4e5f60718', 'rtb-0a1b2c3d4e5f60719'],
});
new aws.ContainerRegistry(stack, 'Registry', { spec, privateNetwork: { vpc } });
app.synth();
