/**
 * Composition: the registry added to an existing platform stack. The platform
 * already has a customer-managed KMS key and a CI role (here an existing role
 * imported by ARN); both are passed in, and the registry creates no key and no
 * role of its own. The CI role gets push on the dev repositories only.
 *
 *   npx cdk synth     (writes cdk.out/payments-platform.template.json)
 */
import { join } from 'path';
import { App, Stack, StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { aws, SpecLoader } from 'container-registry-constructs';

/** A platform stack that existed before the registry. */
class PaymentsPlatform extends Stack {
  public readonly dataKey: kms.IKey;
  public readonly ciRole: iam.IRole;

  constructor(scope: Construct, id: string, props: StackProps) {
    super(scope, id, props);
    this.dataKey = new kms.Key(this, 'DataKey', { enableKeyRotation: true, description: 'payments platform data key' });
    this.ciRole = iam.Role.fromRoleArn(this, 'CiRole', 'arn:aws:iam::111122223333:role/payments-ci', { mutable: true });

    // The registry, composed into the platform with the platform's key and role.
    const registry = new aws.ContainerRegistry(this, 'Registry', {
      spec: SpecLoader.fromFile(join(__dirname, 'registry.yaml')),
      kmsKey: this.dataKey,
    });
    registry.grantPush(this.ciRole, { environments: ['dev'] });
    registry.grantPull(this.ciRole, { environments: ['prod'] });
  }
}

const app = new App();
new PaymentsPlatform(app, 'payments-platform', { env: { account: '111122223333', region: 'eu-west-1' } });
app.synth();
