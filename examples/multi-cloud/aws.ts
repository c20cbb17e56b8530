/**
 * The AWS half of the multi-cloud platform: ECR repositories, lifecycle
 * policies, GitHub OIDC roles, from platform.yaml.
 *
 *   npx cdk synth     (writes cdk.out/shop-registry-aws.template.json)
 */
import { App, Stack } from 'aws-cdk-lib';
import { spec } from './spec';
import { aws } from 'container-registry-constructs';

const app = new App();
const stack = new Stack(app, 'shop-registry-aws', { env: { account: '111122223333', region: 'eu-west-1' } });
new aws.ContainerRegistry(stack, 'Registry', { spec });
app.synth();
