import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { ENV, richSpec, stackIn, strictApp } from './helpers';
import { ACCOUNT, TemplateIam } from './iam-access';
import { ContainerRegistry, EcrManagedSigning } from '../../src/aws';
import { EnvironmentLayout } from '../../src/spec';

/*
 * ECR managed signing (AWS::ECR::SigningConfiguration). ECR user guide, "Managed signing":
 * "Amazon ECR managed signing automatically signs images as they are pushed using the
 * identity of the entity pushing the image", and the pushing principal needs
 * `signer:SignPayload` on the signing profile (the guide's example policy, statement
 * "SignPermissions"). CloudFormation: Rules[].SigningProfileArn, Rules[].RepositoryFilters[]
 * of {Filter, FilterType: WILDCARD_MATCH}, "Maximum of 100 filters per rule".
 */
const PROFILE = `arn:aws:signer:${ENV.region}:${ACCOUNT}:/signing-profiles/platform_images`;

describe('EcrManagedSigning', () => {
  test('the registry gets one signing configuration for the spec\'s namespace, and the pushing roles may sign with the profile only', () => {
    const stack = stackIn(strictApp());
    const registry = new ContainerRegistry(stack, 'Registry', { spec: richSpec(), managedSigningProfileArn: PROFILE });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::ECR::SigningConfiguration', 1);
    template.hasResourceProperties('AWS::ECR::SigningConfiguration', {
      Rules: [{ SigningProfileArn: PROFILE, RepositoryFilters: [{ Filter: 'platform/*', FilterType: 'WILDCARD_MATCH' }] }],
    });
    expect(registry.managedSigning!.repositoryFilters).toEqual(['platform/*']);
    const iam = TemplateIam.fromStacks([stack]);
    // The pusher and the promoter push: ECR signs with their identity.
    for (const role of ['RegistryIdentitiesciRole', 'RegistryIdentitiespromoterRole']) {
      expect([role, iam.roleAllowsOn(iam.role(role), 'signer:SignPayload', PROFILE)]).toEqual([role, true]);
      expect([role, iam.roleAllowsOn(iam.role(role), 'signer:SignPayload', `${PROFILE}x`)]).toEqual([role, false]);
      expect([role, iam.roleAllowsOn(iam.role(role), 'signer:SignPayload', `arn:aws:signer:${ENV.region}:${ACCOUNT}:/signing-profiles/other`)]).toEqual([role, false]);
    }
  });

  test('without the option: no signing configuration, and no role may sign (negative control)', () => {
    const stack = stackIn(strictApp());
    new ContainerRegistry(stack, 'Registry', { spec: richSpec() });
    Template.fromStack(stack).resourceCountIs('AWS::ECR::SigningConfiguration', 0);
    const iam = TemplateIam.fromStacks([stack]);
    expect(iam.roleAllowsOn(iam.role('RegistryIdentitiesciRole'), 'signer:SignPayload', PROFILE)).toBe(false);
  });

  test('the registries layout signs each environment\'s namespace', () => {
    const spec = richSpec({ environments: { layout: EnvironmentLayout.REGISTRIES, chain: [{ name: 'dev' }, { name: 'prod' }] } });
    expect(EcrManagedSigning.defaultFilters(spec)).toEqual(['platform-dev/*', 'platform-prod/*']);
  });

  test('bad input: every problem at once, naming the field, the value and what is allowed', () => {
    const stack = stackIn(strictApp());
    expect(() => new EcrManagedSigning(stack, 'Signing', { spec: richSpec(), signingProfileArn: 'arn:aws:kms:eu-west-1:123456789012:key/x', repositoryFilters: ['Platform/*', 'ok/*'] }))
      .toThrow(/signingProfileArn: "arn:aws:kms:eu-west-1:123456789012:key\/x" is not an AWS Signer signing profile ARN[\s\S]*repositoryFilters\[0\]: "Platform\/\*" is not a repository name filter/);
    expect(() => new ContainerRegistry(stackIn(strictApp()), 'Registry', { spec: richSpec(), managedSigningProfileArn: 'profile' }))
      .toThrow(/props.managedSigningProfileArn: "profile" is not an AWS Signer signing profile ARN/);
  });

  test('one per account and region: a second one in the same app is a synth-time error', () => {
    const app = new App();
    const a = new Stack(app, 'A', { env: ENV });
    const b = new Stack(app, 'B', { env: ENV });
    new EcrManagedSigning(a, 'Signing', { spec: richSpec(), signingProfileArn: PROFILE });
    expect(() => new EcrManagedSigning(b, 'Signing', { spec: richSpec(), signingProfileArn: PROFILE })).toThrow(/a second ECR signing configuration for account 123456789012, region eu-west-1/);
    // Another region is another registry.
    expect(() => new EcrManagedSigning(new Stack(app, 'C', { env: { ...ENV, region: 'us-east-1' } }), 'Signing', { spec: richSpec(), signingProfileArn: PROFILE })).not.toThrow();
  });
});
