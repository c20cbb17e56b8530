import { App, Aws, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { EcrPolicyPlan, ContainerRegistry } from '../../src/aws';
import { Cloud, EncryptionType, EnvironmentLayout, PolicyPlanText, RegistrySpec, TagState } from '../../src/spec';

const spec: RegistrySpec = {
  name: 'platform',
  repositories: [{ name: 'api' }],
  environments: { layout: EnvironmentLayout.REPOSITORIES, chain: [{ name: 'dev' }, { name: 'prod' }] },
  retention: { protectedTags: ['prod'], rules: [{ tagState: TagState.UNTAGGED, expireAfterDays: 7 }] },
  access: { pushers: [{ name: 'ci', github: { repository: 'example/platform', branch: 'main' } }] },
};

describe('EcrPolicyPlan', () => {
  const entries = EcrPolicyPlan.fromSpec(spec);
  const text = PolicyPlanText.render(entries);

  test('lists, per repository, the lifecycle policy the construct deploys, and per role its trust and IAM policies', () => {
    const kinds = entries.map((e) => `${e.resource} | ${e.kind}`).sort();
    expect(kinds).toEqual(expect.arrayContaining([
      'platform/dev/api | lifecycle-policy', 'platform/dev/api | tag-mutability', 'platform/dev/api | encryption',
      'platform/prod/api | lifecycle-policy', 'role Registry/Identities/ci/Role | trust-policy',
    ]));
    expect(entries.every((e) => e.cloud === Cloud.AWS)).toBe(true);
    const lifecycle = JSON.parse(entries.find((e) => e.resource === 'platform/dev/api' && e.kind === 'lifecycle-policy')!.document);
    // Only the untagged rule: no rule can select a tagged image, so no claim rule is needed for `prod`.
    expect(lifecycle.rules.map((r: any) => r.selection.tagStatus)).toEqual(['untagged']);
  });

  test('deploy-time values are stable named placeholders', () => {
    expect(text).toContain('"Federated": "<aws:oidc-provider:Registry/Identities/GithubOidc>"');
    expect(text).toContain('"arn:aws:ecr:<aws:region>:<aws:account>:repository/platform/dev/api"');
    expect(text).not.toMatch(/Token\[|"Ref"|Fn::/);
    // Logical ids carry hashes; the plan names resources by construct path instead.
    expect(text).not.toMatch(/[A-Za-z]+[0-9A-F]{8}\b/);
  });

  test('the same spec renders the same text (snapshot-ready)', () => {
    expect(PolicyPlanText.render(EcrPolicyPlan.fromSpec(spec))).toBe(text);
    // Entries are sorted whatever order they come in.
    expect(PolicyPlanText.render([...entries].reverse())).toBe(text);
  });

  test('fromStack plans a registry composed into an existing stack with an existing key', () => {
    const app = new App();
    const stack = new Stack(app, 'Platform', { env: { account: '111122223333', region: 'eu-west-1' } });
    const key = new kms.Key(stack, 'PlatformKey');
    new ContainerRegistry(stack, 'Images', { spec: { ...spec, encryption: { type: EncryptionType.CUSTOMER_MANAGED } }, kmsKey: key });
    const planned = PolicyPlanText.render(EcrPolicyPlan.fromStack(stack));
    expect(planned).toContain('"KmsKey": "<aws:kms-key:PlatformKey>"');
    expect(planned).toContain('## aws kms-key PlatformKey key-policy');
    expect(planned).toContain('arn:aws:ecr:eu-west-1:111122223333:repository/platform/dev/api');
  });

  // A key composed in with the usual ECR condition, kms:ViaService ecr.<region>.<URL suffix>: in China the
  // endpoints end with amazonaws.com.cn ("the endpoint domain for the Beijing and Ningxia regions is amazonaws.com.cn").
  const viaServiceKey = (region?: string) => {
    const stack = new Stack(new App(), 'Platform', region ? { env: { account: '111122223333', region } } : {});
    const key = new kms.Key(stack, 'PlatformKey');
    key.addToResourcePolicy(new iam.PolicyStatement({
      actions: ['kms:Decrypt'],
      principals: [new iam.AccountRootPrincipal()],
      resources: ['*'],
      conditions: { StringEquals: { 'kms:ViaService': `ecr.${Aws.REGION}.${Aws.URL_SUFFIX}` } },
    }));
    new ContainerRegistry(stack, 'Images', { spec: { ...spec, encryption: { type: EncryptionType.CUSTOMER_MANAGED } }, kmsKey: key });
    return PolicyPlanText.render(EcrPolicyPlan.fromStack(stack));
  };

  test.each([
    ['cn-north-1', 'aws-cn', 'amazonaws.com.cn'],
    ['us-gov-west-1', 'aws-us-gov', 'amazonaws.com'],
    ['eu-west-1', 'aws', 'amazonaws.com'],
  ])('a stack in %s plans with its partition (%s) and URL suffix (%s)', (region, partition, suffix) => {
    const planned = viaServiceKey(region);
    // Before the fix: arn:aws:... and ecr.<aws:region>.amazonaws.com whatever the region.
    expect(planned).toContain(`"arn:${partition}:ecr:${region}:111122223333:repository/platform/dev/api"`);
    expect(planned).toContain(`"kms:ViaService": "ecr.<aws:region>.${suffix}"`);
    expect(planned).not.toMatch(new RegExp(`arn:(?!${partition}:)[a-z-]+:ecr`));
  });

  test('a stack without a region: the URL suffix is a placeholder (its partition is known at deploy time)', () => {
    const planned = viaServiceKey();
    expect(planned).toContain('"kms:ViaService": "ecr.<aws:region>.<aws:url-suffix>"');
    expect(planned).toContain('"arn:aws:ecr:<aws:region>:<aws:account>:repository/platform/dev/api"');
  });
});
