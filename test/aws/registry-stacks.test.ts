import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as fc from 'fast-check';
import { ENV, richSpec, strictApp, warningsOf } from './helpers';
import { TemplateIam } from './iam-access';
import { EcrRegistryStacks, StackLimits } from '../../src/aws';
import { EffectiveSpec, EncryptionType, NotificationEvent, RegistrySpec } from '../../src/spec';

const manyImages = (n: number, extra: Partial<RegistrySpec> = {}): RegistrySpec => richSpec({
  repositories: Array.from({ length: n }, (_, i) => ({ name: `team-${i % 7}/service-${String(i).padStart(4, '0')}` })),
  upstreamCaches: undefined,
  replication: undefined,
  access: {
    pushers: [{ name: 'ci', github: { repository: 'example/platform', branch: 'main' } }],
    promoters: [{ name: 'promoter', github: { repository: 'example/platform', environment: 'prod' } }],
    pullers: [{ name: 'runtime', awsAccountIds: ['111122223333'], environments: ['prod'] }],
  },
  ...extra,
});

describe('EcrRegistryStacks at scale', () => {
  // 250 images x 3 environments = 750 repositories, more than one stack can hold.
  const spec = manyImages(250, { encryption: { type: EncryptionType.CUSTOMER_MANAGED } });
  const app = strictApp();
  const built = EcrRegistryStacks.create(app, { spec, env: ENV, stackCount: 4 });
  const assembly = app.synth();

  test('every repository is in exactly one repository stack, the one bucketOf names', () => {
    const seen = new Map<string, string>();
    for (const s of built.repositoryStacks) {
      const template = assembly.getStackByName(s.stackName).template;
      for (const r of Object.values(template.Resources) as any[]) {
        if (r.Type !== 'AWS::ECR::Repository') continue;
        const name = r.Properties.RepositoryName;
        expect(seen.has(name)).toBe(false);
        seen.set(name, s.stackName);
        expect(built.stackOf(name).stackName).toBe(s.stackName);
      }
    }
    expect(seen.size).toBe(750);
  });

  test('each stack stays well under 500 resources and 1 MB', () => {
    for (const s of [built.registryStack!, ...built.repositoryStacks]) {
      const template = assembly.getStackByName(s.stackName).template;
      const resources = Object.keys(template.Resources).length;
      expect(resources).toBeLessThan(300);
      expect(Buffer.byteLength(JSON.stringify(template, undefined, 1))).toBeLessThan(StackLimits.MAX_TEMPLATE_BYTES);
    }
  });

  test('the registry stack holds the roles (within IAM limits) and the key; repository stacks use the key across stacks', () => {
    const registry = Template.fromJSON(assembly.getStackByName(built.registryStack!.stackName).template);
    registry.resourceCountIs('AWS::ECR::Repository', 0);
    registry.resourceCountIs('AWS::KMS::Key', 1);
    expect(Object.keys(registry.findOutputs('*'))).toEqual(expect.arrayContaining(['AWSROLEARNCI', 'AWSROLEARNPROMOTER']));
    expect(built.registry!.identities!.policyPlans.ci.inline || built.registry!.identities!.policyPlans.ci.managedPolicies <= 10).toBe(true);
    const part = assembly.getStackByName(built.repositoryStacks[0].stackName).template;
    const repo = Object.values(part.Resources).find((r: any) => r.Type === 'AWS::ECR::Repository') as any;
    expect(repo.Properties.EncryptionConfiguration).toEqual({ EncryptionType: 'KMS', KmsKey: { 'Fn::ImportValue': expect.stringMatching(/^platform-ecr-registry:ExportsOutput/) } });
  });
});

describe('deterministic assignment', () => {
  test('bucketOf is FNV-1a 32-bit modulo the stack count', () => {
    // FNV-1a("a") = 0xe40c292c
    expect(EcrRegistryStacks.bucketOf('a', 1000)).toBe(0xe40c292c % 1000);
    expect(EcrRegistryStacks.bucketOf('platform/dev/api', 7)).toBe(EcrRegistryStacks.bucketOf('platform/dev/api', 7));
  });

  test('with the default stack count, no stack gets near 500 repositories (random names, seeded)', () => {
    const name = fc.stringMatching(/^[a-z][a-z0-9-]{0,12}(\/[a-z][a-z0-9]{0,8})?$/);
    fc.assert(fc.property(fc.uniqueArray(name, { minLength: 1, maxLength: 2000 }), (names) => {
      const count = Math.max(1, Math.ceil(names.length / EcrRegistryStacks.TARGET_REPOSITORIES_PER_STACK));
      const load = new Array(count).fill(0);
      for (const n of names) load[EcrRegistryStacks.bucketOf(`platform/${n}`, count)]++;
      expect(Math.max(...load)).toBeLessThan(300);
    }), { seed: 20261126, numRuns: 25 });
  });

  test('the same repository lands in the same stack after another is added to the spec', () => {
    const names = (spec: RegistrySpec) => {
      const app = new App();
      const built = EcrRegistryStacks.create(app, { spec: { ...spec, access: undefined }, env: ENV, stackCount: 3 });
      const where = new Map<string, string>();
      built.repositoryParts.forEach((part, i) => Object.keys(part.repositories).forEach((n) => where.set(n, built.repositoryStacks[i].stackName)));
      return where;
    };
    const before = names(manyImages(20));
    const after = names(manyImages(21));
    expect(after.size).toBe(before.size + 3);
    for (const [name, stack] of before) expect([name, after.get(name)]).toEqual([name, stack]);
  });

  test('the default stack count aims at 200 repositories and 500,000 template bytes per stack, with a warning to pin it', () => {
    // 1,200 repositories: 6 stacks by count; their lifecycle policies (about 3.5 KB each in the template, with the claim of
    // cosign's sha256-* tags) need 9 by size.
    expect(EcrRegistryStacks.defaultStackCount(manyImages(400, { retention: undefined }))).toBe(6);
    expect(EcrRegistryStacks.defaultStackCount(manyImages(400))).toBe(9);
    expect(EcrRegistryStacks.defaultStackCount(manyImages(1))).toBe(1);
    const built = EcrRegistryStacks.create(new App(), { spec: manyImages(3), env: ENV });
    expect(warningsOf(built.registryStack!)).toEqual(expect.arrayContaining([
      'EcrRegistryStacks: stackCount defaults to 1 for 9 repositories; pin stackCount: 1 in the props, since a later default would move repositories between stacks'
      + ' [ack: container-registry-constructs:aws-stack-count-default]',
    ]));
    expect(() => EcrRegistryStacks.create(new App(), { spec: manyImages(3), stackCount: 0 })).toThrow('aws.EcrRegistryStacks <app>: 1 problem\n  - props.stackCount: 0 must be a whole number, at least 1');
  });
});

test('no registry-wide resources: no registry stack; empty hash buckets get no stack', () => {
  const app = strictApp();
  const spec = manyImages(2, { access: undefined, environments: undefined });
  const built = EcrRegistryStacks.create(app, { spec, env: ENV, stackCount: 5 });
  expect(built.registryStack).toBeUndefined();
  const expected = [...new Set(['platform/team-0/service-0000', 'platform/team-1/service-0001'].map((n) => EcrRegistryStacks.bucketOf(n, 5)))]
    .sort().map((b) => `platform-ecr-repositories-${b + 1}`);
  expect(built.repositoryStacks.map((s) => s.stackName)).toEqual(expected);
  expect(app.synth().stacks.map((s) => s.stackName).sort()).toEqual(expected);
  expect(built.stackOf('platform/team-1/service-0001').stackName).toMatch(/^platform-ecr-repositories-\d$/);
  expect(() => built.stackOf('platform/nope')).toThrow('aws.EcrRegistryStacks stackOf: 1 problem\n  - repositoryName: "platform/nope" is not a repository of the spec');
});

describe('cross-account replication destinations', () => {
  const spec = manyImages(2, { replication: { replicas: [{ region: 'us-east-1', awsAccountId: '444455556666' }] } });

  test('a registry-policy stack in each destination account and region', () => {
    const app = strictApp();
    const built = EcrRegistryStacks.create(app, { spec, env: ENV, stackCount: 1 });
    expect(built.destinationStacks.map((s) => s.stackName)).toEqual(['platform-ecr-replication-444455556666-us-east-1']);
    expect(built.destinationStacks[0].account).toBe('444455556666');
    Template.fromStack(built.destinationStacks[0]).hasResourceProperties('AWS::ECR::RegistryPolicy', {
      PolicyText: { Statement: [{ Principal: { AWS: [{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::123456789012:root']] }] } }] },
    });
  });

  test('without the source account it is a clear error', () => {
    expect(() => EcrRegistryStacks.create(new App(), { spec, stackCount: 1 })).toThrow(
      'aws.EcrRegistryStacks <app>: 1 problem\n  - props.env.account: is needed: replication.replicas replicate into other accounts (444455556666); set env.account (the source account) so that their registry policies can name it');
  });
});

describe('EcrRegistryStacks enforces StackLimits', () => {
  test('a repository stack given too few stacks fails at synth, not at deploy', () => {
    const app = new App();
    EcrRegistryStacks.create(app, { spec: manyImages(510, { environments: undefined, access: undefined }), env: ENV, stackCount: 1 });
    expect(() => app.synth()).toThrow(/stack platform-ecr-repositories-1 holds 510 resources, over the limit of 500/);
  });
});

describe('props given from JavaScript with the wrong shape: one ProblemsError naming the prop', () => {
  const spec = richSpec({ replication: undefined });
  test.each([
    ['no props', undefined, /^aws\.EcrRegistryStacks <app>: 1 problem\n {2}- props: is not an object of props$/],
    ['spec a string', { spec: 'registry.yaml' }, /- props\.spec: "registry\.yaml" is not a registry spec object/],
    ['stackCount a string', { spec, stackCount: '2' }, /- props\.stackCount: "2" is not a whole number/],
    ['env a string', { spec, env: 'eu-west-1' }, /- props\.env: "eu-west-1" is not an object/],
    ['allowPrefixGrants a number', { spec, allowPrefixGrants: 1 }, /- props\.allowPrefixGrants: 1 is not a boolean/],
  ] as Array<[string, any, RegExp]>)('%s', (_name, props, message) => {
    expect(() => EcrRegistryStacks.create(new App(), props)).toThrow(message);
  });
});

describe('EcrRegistryStacks: private network and notification topic (issue 19)', () => {
  const spec = manyImages(12, {
    network: { privateAccess: true, awsDenyOutsideVpc: true },
    notifications: { events: [NotificationEvent.PUSH, NotificationEvent.PROMOTION] },
  });
  const RUNTIME = 'arn:aws:iam::123456789012:role/runtime';
  const withRuntime: RegistrySpec = { ...spec, access: { ...spec.access, pullers: [{ name: 'runtime', awsPrincipalArns: [RUNTIME] }] } };
  const build = (s: RegistrySpec, extra: { topic?: boolean } = {}) => {
    const app = strictApp();
    // The platform's network stack (a VPC the registry stack reaches by cross-stack references).
    const network = new Stack(app, 'network', { env: ENV });
    const vpc = new ec2.Vpc(network, 'Vpc', { maxAzs: 2 });
    const topic = extra.topic ? new sns.Topic(network, 'Events') : undefined;
    const built = EcrRegistryStacks.create(app, { spec: s, env: ENV, stackCount: 3, privateNetwork: { vpc }, notificationTopic: topic });
    return { app, built, topic, stacks: [built.registryStack!, ...built.repositoryStacks] };
  };
  const { built, stacks } = build(withRuntime);
  const templates = TemplateIam.templatesOf([...stacks]);
  const iam = new TemplateIam(templates);
  const base = { 'aws:PrincipalIsAWSService': 'false', 'aws:ViaAWSService': 'false' };

  test('the VPC endpoints once, in the registry stack; every repository of every repository stack refuses pulls outside them', () => {
    expect(built.repositoryStacks.length).toBeGreaterThan(1);
    expect(Object.values<any>(templates[0].template.Resources).filter((r) => r.Type === 'AWS::EC2::VPCEndpoint')).toHaveLength(3);
    let repositories = 0;
    for (const t of templates.slice(1)) {
      const resources = Object.values<any>(t.template.Resources);
      expect(resources.filter((r) => r.Type === 'AWS::EC2::VPCEndpoint')).toEqual([]);
      for (const r of resources.filter((x) => x.Type === 'AWS::ECR::Repository')) {
        repositories++;
        const deny = r.Properties.RepositoryPolicyText.Statement.find((s: any) => s.Sid === 'DenyPullsOutsideVpc');
        // The registry stack's endpoints and CI roles, by cross-stack reference.
        expect(JSON.stringify(deny.Condition.StringNotEquals['aws:SourceVpce'])).toMatch(/Fn::ImportValue/);
        expect(JSON.stringify(deny.Condition.ArnNotLike['aws:PrincipalArn'])).toMatch(/Fn::ImportValue/);
      }
    }
    expect(repositories).toBe(EffectiveSpec.repositories(withRuntime).length);
  });

  test('evaluated across the stacks: the puller pulls through the registry stack\'s endpoints only; the CI roles (outside the VPC) still pull', () => {
    const endpoints = Object.entries<any>(templates[0].template.Resources).filter(([, r]) => r.Type === 'AWS::EC2::VPCEndpoint' && r.Properties.VpcEndpointType === 'Interface').map(([id]) => id);
    const repo = 'platform/prod/team-0/service-0000';
    const decide = (principal: string, context: Record<string, string>, identity: any[] = []) =>
      iam.decision(principal, 'ecr:BatchGetImage', repo, identity, { 'aws:PrincipalArn': principal, ...base, ...context });
    for (const e of endpoints) expect(decide(RUNTIME, { 'aws:SourceVpce': e })).toBe('Allowed');
    expect(decide(RUNTIME, {})).toBe('ExplicitlyDenied');
    expect(decide(RUNTIME, { 'aws:SourceVpce': 'vpce-0123456789abcdef0' })).toBe('ExplicitlyDenied');
    const promoter = iam.role('RegistryIdentitiespromoterRole');
    expect(decide(promoter.arn, {}, promoter.policies)).toBe('Allowed');
    // Negative control: the repository stacks without the registry stack's CI roles exempt refuse the promoter.
    const stripped: any[] = JSON.parse(JSON.stringify(templates));
    for (const t of stripped.slice(1)) {
      for (const r of Object.values<any>(t.template.Resources)) {
        const deny = r.Properties?.RepositoryPolicyText?.Statement?.find((s: any) => s.Sid === 'DenyPullsOutsideVpc');
        if (deny) deny.Condition.ArnNotLike['aws:PrincipalArn'] = deny.Condition.ArnNotLike['aws:PrincipalArn'].slice(0, 1);
      }
    }
    expect(new TemplateIam(stripped).decision(promoter.arn, 'ecr:BatchGetImage', repo, promoter.policies, { 'aws:PrincipalArn': promoter.arn, ...base })).toBe('ExplicitlyDenied');
  });

  test('notifications: the created topic and its rules in the registry stack only; the promoter may publish to it', () => {
    const count = (type: string) => templates.map((t) => Object.values<any>(t.template.Resources).filter((r) => r.Type === type).length);
    expect(count('AWS::SNS::Topic')).toEqual([1, ...built.repositoryStacks.map(() => 0)]);
    expect(count('AWS::Events::Rule')).toEqual([1, ...built.repositoryStacks.map(() => 0)]);
    const topic = [...iam.topics][0];
    expect(iam.topicAllows(iam.role('RegistryIdentitiespromoterRole'), 'sns:Publish', topic)).toBe(true);
    expect(iam.topicAllows(iam.role('RegistryIdentitiesciRole'), 'sns:Publish', topic)).toBe(false);
    expect(templates[0].template.Outputs.AWSNOTIFICATIONTOPICARN).toBeDefined();
  });

  test('a given notification topic is used as it is: no topic, key or topic policy created', () => {
    const given = build(spec, { topic: true });
    const registry = Template.fromStack(given.built.registryStack!);
    registry.resourceCountIs('AWS::SNS::Topic', 0);
    registry.resourceCountIs('AWS::SNS::TopicPolicy', 0);
    registry.hasResourceProperties('AWS::Events::Rule', { Targets: [Match.objectLike({ Arn: { 'Fn::ImportValue': Match.stringLikeRegexp('^network:ExportsOutputRefEvents') } })] });
    expect(given.built.registry!.notifications!.topic).toBe(given.topic);
  });

  test('bad or missing network props: one error headed aws.EcrRegistryStacks, all problems at once', () => {
    expect(() => EcrRegistryStacks.create(new App(), { spec, env: ENV, stackCount: 1 })).toThrow(
      /^aws\.EcrRegistryStacks <app>: 1 problem\n {2}- props\.privateNetwork: is required with network\.privateAccess/);
    const app = new App();
    const vpc = ec2.Vpc.fromVpcAttributes(new Stack(app, 'n', { env: ENV }), 'Vpc', { vpcId: 'vpc-0a1b2c3d', availabilityZones: ['eu-west-1a'], vpcCidrBlock: '10.0.0.0/16' });
    let message = '';
    try {
      EcrRegistryStacks.create(app, {
        spec,
        env: ENV,
        stackCount: 1,
        notificationTopic: 'arn:aws:sns:eu-west-1:123456789012:t' as any,
        privateNetwork: { vpc, allowedVpcIds: ['vpc'], exemptPrincipalArns: ['arn:aws:iam::123456789012:user/x'] },
      });
    } catch (e) { message = (e as Error).message; }
    expect(message).toMatch(/^aws\.EcrRegistryStacks <app>: 3 problems/);
    expect(message).toContain('props.notificationTopic: "arn:aws:sns:eu-west-1:123456789012:t" is not an SNS topic');
    expect(message).toContain('props.privateNetwork.allowedVpcIds[0]: "vpc" is not a VPC id');
    expect(message).toContain('props.privateNetwork.exemptPrincipalArns[0]: "arn:aws:iam::123456789012:user/x" is not an IAM role ARN');
  });
});
