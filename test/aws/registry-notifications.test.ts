import { App, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AwsSolutionsChecks } from 'cdk-nag';
import { matches } from './event-pattern';
import { ENV, stackIn, strictApp } from './helpers';
import { ContainerRegistry, EcrScanType } from '../../src/aws';
import { NotificationEvent, RegistrySpec, ScanMode, Severity } from '../../src/spec';

const spec = (notifications: RegistrySpec['notifications'], scanning: RegistrySpec['scanning'] = undefined): RegistrySpec => ({
  name: 'platform', repositories: [{ name: 'api' }, { name: 'web' }], notifications, scanning,
});
const ALL = [NotificationEvent.PUSH, NotificationEvent.SCAN_FINDING, NotificationEvent.RETENTION_DELETION, NotificationEvent.PROMOTION];

function build(s: RegistrySpec, props: object = {}) {
  const stack = stackIn(strictApp());
  const registry = new ContainerRegistry(stack, 'Registry', { spec: s, ...props });
  return { stack, registry, template: Template.fromStack(stack) };
}

/** The rule of an event, by its description's start. */
function ruleOf(template: Template, description: string): any {
  const rules = Object.values<any>(template.findResources('AWS::Events::Rule')).filter((r) => r.Properties.Description.startsWith(description));
  expect(rules).toHaveLength(1);
  return rules[0].Properties;
}

// Sample events of the ECR user guide ("Amazon ECR events and EventBridge"), with the repository names changed.
const push = (repository: string, actionType = 'PUSH', result = 'SUCCESS') => ({
  'source': 'aws.ecr',
  'detail-type': 'ECR Image Action',
  'detail': { result, 'repository-name': repository, 'image-digest': 'sha256:7f5b', 'action-type': actionType, 'image-tag': 'latest' },
});
const scan = (repository: string, counts: Record<string, number>) => ({
  'source': 'aws.ecr',
  'detail-type': 'ECR Image Scan',
  'detail': { 'scan-status': 'COMPLETE', 'repository-name': repository, 'finding-severity-counts': counts, 'image-digest': 'sha256:7f5b', 'image-tags': [] },
});
// The CloudTrail PolicyExecutionEvent of a lifecycle run (AWS re:Post, "ECR lifecycle policy events"), as EventBridge delivers it.
const lifecycle = (repository: string) => ({
  'source': 'aws.ecr',
  'detail-type': 'AWS Service Event via CloudTrail',
  'detail': { eventSource: 'ecr.amazonaws.com', eventName: 'PolicyExecutionEvent', readOnly: true, serviceEventDetails: { repositoryName: repository } },
});
// An Inspector finding on an ECR image (Amazon Inspector user guide, "EventBridge events": Inspector2 Finding).
const inspector = (repository: string, severity: string) => ({
  'source': 'aws.inspector2',
  'detail-type': 'Inspector2 Finding',
  'detail': { severity, status: 'ACTIVE', resources: [{ type: 'AWS_ECR_CONTAINER_IMAGE', details: { awsEcrContainerImage: { repositoryName: repository } } }] },
});
const pattern = (rule: any) => {
  const p = rule.EventPattern;
  return p;
};

describe('aws notifications: EventBridge rules to an encrypted SNS topic (issue 19)', () => {
  const { template, registry } = build(spec({ events: ALL, minimumSeverity: Severity.HIGH }));

  test('one rule per event the registry emits; promotion has none (the workflow publishes it)', () => {
    template.resourceCountIs('AWS::Events::Rule', 3);
    expect(Object.keys(registry.notifications!.rules).sort()).toEqual(['push', 'retention-deletion', 'scan-finding']);
  });

  test('push: successful pushes to the registry\'s repositories only', () => {
    const p = pattern(ruleOf(template, 'platform: an image was pushed'));
    expect(matches(p, push('platform/api'))).toBe(true);
    expect(matches(p, push('platform-other/api'))).toBe(false);
    expect(matches(p, push('other/api'))).toBe(false);
    expect(matches(p, push('platform/api', 'DELETE'))).toBe(false);
    expect(matches(p, push('platform/api', 'PUSH', 'FAILURE'))).toBe(false);
  });

  test('scan findings (basic): a count at or above the threshold matches; below does not', () => {
    const p = pattern(ruleOf(template, 'platform: a scan found'));
    expect(matches(p, scan('platform/api', { HIGH: 1 }))).toBe(true);
    expect(matches(p, scan('platform/api', { CRITICAL: 2, LOW: 4 }))).toBe(true);
    expect(matches(p, scan('platform/api', { MEDIUM: 3, LOW: 9 }))).toBe(false);
    expect(matches(p, scan('platform/api', {}))).toBe(false);
    expect(matches(p, scan('elsewhere/api', { CRITICAL: 1 }))).toBe(false);
  });

  test('retention deletions: the lifecycle PolicyExecutionEvent, with the rule state that receives read-only CloudTrail events', () => {
    const rule = ruleOf(template, 'platform: the lifecycle policy expired');
    expect(rule.State).toBe('ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS');
    expect(matches(pattern(rule), lifecycle('platform/api'))).toBe(true);
    expect(matches(pattern(rule), lifecycle('other/api'))).toBe(false);
    // A manual deletion is not a retention deletion.
    expect(matches(pattern(rule), push('platform/api', 'DELETE'))).toBe(false);
  });

  test('the topic: KMS-encrypted with a rotating key; EventBridge may publish only from this account and these rules; TLS only', () => {
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    const policy = Object.values<any>(template.findResources('AWS::SNS::TopicPolicy'))[0].Properties.PolicyDocument.Statement;
    const publish = policy.find((s: any) => s.Sid === 'EventBridgeRulesPublish');
    expect(publish.Principal).toEqual({ Service: 'events.amazonaws.com' });
    expect(publish.Action).toBe('sns:Publish');
    expect(publish.Condition.StringEquals).toEqual({ 'aws:SourceAccount': ENV.account });
    expect(publish.Condition.ArnEquals['aws:SourceArn']).toHaveLength(3);
    expect(policy.some((s: any) => s.Effect === 'Deny' && s.Condition?.Bool?.['aws:SecureTransport'] === 'false')).toBe(true);
    // Only EventBridge and the TLS refusal: no other principal may publish.
    expect(policy.filter((s: any) => s.Effect === 'Allow')).toHaveLength(1);
    const key = Object.values<any>(template.findResources('AWS::KMS::Key')).find((k) => JSON.stringify(k).includes('events.amazonaws.com'));
    const keyStatement = key.Properties.KeyPolicy.Statement.find((s: any) => s.Sid === 'EventBridgePublishes');
    expect(keyStatement).toMatchObject({ Action: ['kms:Decrypt', 'kms:GenerateDataKey*'], Condition: { StringEquals: { 'aws:SourceAccount': ENV.account } } });
  });

  test('basic scan findings: the event aws-cdk-lib\'s Repository.onImageScanCompleted matches (source, detail type, scan status), narrowed to findings at the threshold', () => {
    // aws-ecr/lib/repository.ts, onImageScanCompleted: source ['aws.ecr'], detailType ['ECR Image Scan'], detail 'scan-status' ['COMPLETE'].
    const stack = stackIn(strictApp());
    const repo = new ecr.Repository(stack, 'Repo', { repositoryName: 'platform/api' });
    repo.onImageScanCompleted('Scanned');
    const cdk = Object.values<any>(Template.fromStack(stack).findResources('AWS::Events::Rule'))[0].Properties.EventPattern;
    // Its repository-name is the repository's Ref, which resolves to the repository name.
    expect(cdk.detail['repository-name']).toEqual([{ Ref: expect.stringMatching(/^Repo/) }]);
    cdk.detail['repository-name'] = ['platform/api'];
    const ours = pattern(ruleOf(template, 'platform: a scan found'));
    expect([ours.source, ours['detail-type'], ours.detail['scan-status']]).toEqual([cdk.source, cdk['detail-type'], cdk.detail['scan-status']]);
    const found = scan('platform/api', { HIGH: 1 });
    expect([matches(cdk, found), matches(ours, found)]).toEqual([true, true]);
    // A completed scan without findings at the threshold: aws-cdk-lib's rule fires, ours does not.
    const clean = scan('platform/api', { LOW: 3 });
    expect([matches(cdk, clean), matches(ours, clean)]).toEqual([true, false]);
  });

  test('every rule targets the topic', () => {
    for (const rule of Object.values<any>(template.findResources('AWS::Events::Rule'))) {
      expect(rule.Properties.Targets).toEqual([expect.objectContaining({ Arn: { Ref: expect.stringMatching(/NotificationsTopic/) } })]);
    }
  });
});

describe('aws notifications: variants', () => {
  test('enhanced scanning: Inspector2 findings at or above the threshold on the registry\'s images', () => {
    const { template } = build(spec({ events: [NotificationEvent.SCAN_FINDING], minimumSeverity: Severity.CRITICAL }, { mode: ScanMode.CONTINUOUS }));
    const p = pattern(ruleOf(template, 'platform: a scan found'));
    expect(matches(p, inspector('platform/api', 'CRITICAL'))).toBe(true);
    expect(matches(p, inspector('platform/api', 'HIGH'))).toBe(false);
    expect(matches(p, inspector('other/api', 'CRITICAL'))).toBe(false);
    expect(matches(p, scan('platform/api', { CRITICAL: 1 }))).toBe(false);
  });

  test('registryScanning ENHANCED alone also selects Inspector findings', () => {
    const { template } = build(spec({ events: [NotificationEvent.SCAN_FINDING] }), { registryScanning: { scanType: EcrScanType.ENHANCED } });
    expect(pattern(ruleOf(template, 'platform: a scan found')).source).toEqual(['aws.inspector2']);
  });

  test('a given topic: no topic, key or topic policy is created; the rules target it', () => {
    const stack = stackIn(strictApp());
    const topic = sns.Topic.fromTopicArn(stack, 'Given', `arn:aws:sns:eu-west-1:${ENV.account}:platform-events`);
    new ContainerRegistry(stack, 'Registry', { spec: spec({ events: [NotificationEvent.PUSH] }), notificationTopic: topic });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::SNS::Topic', 0);
    template.resourceCountIs('AWS::SNS::TopicPolicy', 0);
    template.resourceCountIs('AWS::KMS::Key', 0);
    template.hasResourceProperties('AWS::Events::Rule', { Targets: [Match.objectLike({ Arn: topic.topicArn })] });
  });

  test('a bad topic prop is a problem naming it', () => {
    expect(() => build(spec({ events: [NotificationEvent.PUSH] }), { notificationTopic: { arn: 'x' } }))
      .toThrow(/props\.notificationTopic: .* is not an SNS topic \(sns\.ITopic\) \(no topicArn\)/);
  });

  test('cdk-nag AwsSolutions: no finding on the notifications and the private endpoints (synth throws on any)', () => {
    const app = new App();
    const stack = new Stack(app, 'Nag', { env: ENV });
    // The VPC as a platform stack passes it in (Vpc.fromLookup gives literal attributes). With a VPC created in the same
    // template, its CIDR is Fn::GetAtt and cdk-nag's AwsSolutions-EC23 cannot evaluate the ingress rule (it reports an error).
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
      vpcId: 'vpc-0123456789abcdef0',
      vpcCidrBlock: '10.20.0.0/16',
      availabilityZones: ['eu-west-1a', 'eu-west-1b'],
      privateSubnetIds: ['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1'],
      privateSubnetRouteTableIds: ['rtb-0123456789abcdef0', 'rtb-0123456789abcdef1'],
    });
    new ContainerRegistry(stack, 'Registry', {
      spec: { ...spec({ events: ALL }), network: { privateAccess: true, awsDenyOutsideVpc: true } },
      privateNetwork: { vpc },
    });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    expect(() => app.synth()).not.toThrow();
  });

  test('negative control: cdk-nag fails synth for a topic without encryption in the same app', () => {
    const app = new App();
    const stack = new Stack(app, 'Nag', { env: ENV });
    new sns.Topic(stack, 'Plain');
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    expect(() => app.synth()).toThrow(/AwsSolutions-SNS[23]/);
  });
});

describe('two registries with notifications and identities in one stack (issue 19)', () => {
  const registrySpec = (name: string): RegistrySpec => ({
    ...spec({ events: [NotificationEvent.PUSH, NotificationEvent.PROMOTION] }),
    name,
    environments: { chain: [{ name: 'dev' }, { name: 'prod' }] },
    access: {
      pushers: [{ name: 'ci', github: { repository: `example/${name}`, branch: 'main' } }],
      promoters: [{ name: 'promoter', github: { repository: `example/${name}`, environment: 'prod' } }],
    },
  });

  test('the first keeps the ids a single registry has; the second\'s outputs end with its spec name; account and region once', () => {
    const single = build(registrySpec('alpha')).template.toJSON().Outputs;
    const stack = stackIn(strictApp());
    const alpha = new ContainerRegistry(stack, 'Alpha', { spec: registrySpec('alpha') });
    const beta = new ContainerRegistry(stack, 'Beta', { spec: registrySpec('beta') });
    // Before the fix: «SectionAlreadyContains» section 'Outputs' already contains 'AWSROLEARNCI' (and AWSNOTIFICATIONTOPICARN).
    const outputs = Template.fromStack(stack).toJSON().Outputs;
    expect(Object.keys(single).sort()).toEqual(['AWSACCOUNTID', 'AWSNOTIFICATIONTOPICARN', 'AWSREGION', 'AWSROLEARNCI', 'AWSROLEARNPROMOTER']);
    expect(Object.keys(outputs).sort()).toEqual([...Object.keys(single), 'AWSNOTIFICATIONTOPICARNBETA', 'AWSROLEARNCIBETA', 'AWSROLEARNPROMOTERBETA'].sort());
    const resolve = (v: unknown) => JSON.stringify(stack.resolve(v));
    expect(JSON.stringify(outputs.AWSNOTIFICATIONTOPICARN.Value)).toBe(resolve(alpha.notifications!.topic.topicArn));
    expect(JSON.stringify(outputs.AWSNOTIFICATIONTOPICARNBETA.Value)).toBe(resolve(beta.notifications!.topic.topicArn));
    expect(JSON.stringify(outputs.AWSROLEARNCIBETA.Value)).toBe(resolve(beta.identities!.roles.ci.roleArn));
    expect(outputs.AWSNOTIFICATIONTOPICARNBETA.Description).toMatch(/the SNS topic of the beta registry's events/);
  });

  test('two registries of the same spec name: the later ones fall back to their construct path', () => {
    const stack = stackIn(strictApp());
    const s = registrySpec('alpha');
    new ContainerRegistry(stack, 'One', { spec: { ...s, access: undefined } });
    // (No repositories of their own: CloudFormation would refuse the same repository names twice.)
    new ContainerRegistry(stack, 'Two', { spec: { ...s, access: undefined }, repositoryNames: [] });
    new ContainerRegistry(stack, 'Three', { spec: { ...s, access: undefined }, repositoryNames: [] });
    expect(Object.keys(Template.fromStack(stack).toJSON().Outputs).sort()).toEqual([
      'AWSNOTIFICATIONTOPICARN', 'AWSNOTIFICATIONTOPICARNALPHA', 'AWSNOTIFICATIONTOPICARNPLATFORMTHREE',
    ]);
  });
});
