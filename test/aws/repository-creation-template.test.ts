import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import { richSpec, snapshotOf, stackIn, strictApp, warningsOf } from './helpers';
import { ContainerRegistry, RepositoryCreationScenario, RepositoryCreationTemplate } from '../../src/aws';
import { EffectiveSpec } from '../../src/spec';

const spec = richSpec();
const app = strictApp();
const stack = stackIn(app);
new ContainerRegistry(stack, 'Registry', { spec, createOnPush: true });
const template = Template.fromStack(stack);

describe('RepositoryCreationTemplate', () => {
  test('create-on-push under the registry prefix', () => {
    template.hasResourceProperties('AWS::ECR::RepositoryCreationTemplate', { Prefix: 'platform', AppliedFor: ['CREATE_ON_PUSH'] });
  });

  test('with a KMS key: a creation role scoped to the prefix and the key', () => {
    const s = stackIn(strictApp());
    const key = new kms.Key(s, 'Key', { enableKeyRotation: true });
    new RepositoryCreationTemplate(s, 'T', { prefix: 'team/app', appliedFor: [RepositoryCreationScenario.REPLICATION], kmsKey: key });
    const t = Template.fromStack(s);
    t.hasResourceProperties('AWS::ECR::RepositoryCreationTemplate', {
      Prefix: 'team/app',
      AppliedFor: ['REPLICATION'],
      LifecyclePolicy: Match.absent(),
      ImageTagMutability: Match.absent(),
      EncryptionConfiguration: { EncryptionType: 'KMS', KmsKey: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Key'), 'Arn'] } },
    });
    // Issue 13, item 8: ECR may assume the role only for this account, and create KMS grants only for AWS resources.
    t.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [{ Principal: { Service: 'ecr.amazonaws.com' }, Condition: { StringEqualsIfExists: { 'aws:SourceAccount': '123456789012' } } }] },
    });
    const keyArn = { 'Fn::GetAtt': [Match.stringLikeRegexp('^Key'), 'Arn'] };
    t.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [
          { Action: ['ecr:CreateRepository', 'ecr:ReplicateImage', 'ecr:TagResource'], Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ecr:eu-west-1:123456789012:repository/team/app/*']] } },
          { Sid: 'GrantsForEcr', Action: 'kms:CreateGrant', Resource: keyArn, Condition: { Bool: { 'kms:GrantIsForAWSResource': true } } },
          { Action: ['kms:RetireGrant', 'kms:DescribeKey'], Resource: keyArn },
        ],
      },
    });
    expect(snapshotOf(t)).toMatchSnapshot();
  });

  test('the translation\'s warnings are surfaced on the template, naming the prefix', () => {
    const s = stackIn(strictApp());
    new RepositoryCreationTemplate(s, 'T', { prefix: 'team', appliedFor: [RepositoryCreationScenario.CREATE_ON_PUSH], retention: EffectiveSpec.retention(spec) });
    expect(warningsOf(s)).toEqual([
      expect.stringMatching(/^repositories created under team\/: the ECR lifecycle policy is conservative \(keeps more than the spec's retention\): rules\[1\]: ECR ANDs/),
    ]);
  });

  test('a bad prefix or no scenario is an error', () => {
    const s = stackIn(new App(), 'S');
    expect(() => new RepositoryCreationTemplate(s, 'A', { prefix: 'Team/App', appliedFor: [RepositoryCreationScenario.CREATE_ON_PUSH] }))
      .toThrow('aws.RepositoryCreationTemplate S/A: 1 problem\n  - props.prefix: "Team/App" is not a repository namespace (lower-case path segments, or ROOT)');
    expect(() => new RepositoryCreationTemplate(s, 'B', { prefix: 'ROOT', appliedFor: [] })).toThrow('aws.RepositoryCreationTemplate S/B: 1 problem\n  - props.appliedFor: [] must list at least one scenario');
  });
});
