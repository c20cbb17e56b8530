import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { snapshotOf, stackIn, strictApp } from './helpers';
import { ReplicationDestinationPolicy } from '../../src/aws';

describe('ReplicationDestinationPolicy', () => {
  const s = stackIn(strictApp(), 'Destination', { env: { account: '444455556666', region: 'us-east-1' } });
  new ReplicationDestinationPolicy(s, 'Policy', { sourceAccountIds: ['123456789012'], repositoryPrefixes: ['platform/'] });
  const t = Template.fromStack(s);

  test('lets the source account (an account principal, never *) replicate and create repositories under the prefix', () => {
    // ECR User Guide: "A registry policy must grant permission for the ecr:ReplicateImage API action ...
    // You can also grant permission for the ecr:CreateRepository permission".
    t.hasResourceProperties('AWS::ECR::RegistryPolicy', {
      PolicyText: {
        Version: '2012-10-17',
        Statement: [{
          Sid: 'ReplicationFromSourceAccounts',
          Effect: 'Allow',
          Principal: { AWS: [{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::123456789012:root']] }] },
          Action: ['ecr:CreateRepository', 'ecr:ReplicateImage'],
          Resource: [{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ecr:us-east-1:444455556666:repository/platform/*']] }],
        }],
      },
    });
  });

  test('a second registry policy for the same account and region is an error', () => {
    expect(() => new ReplicationDestinationPolicy(s, 'Again', { sourceAccountIds: ['123456789012'] })).toThrow(
      /aws\.ReplicationDestinationPolicy Destination\/Again: 1 problem\n {2}- a second ECR registry policy for account 444455556666, region us-east-1[^]*already defined by Destination\/Policy/);
  });

  test('bad account ids are an error', () => {
    expect(() => new ReplicationDestinationPolicy(stackIn(new App(), 'X'), 'P', { sourceAccountIds: ['12345'] }))
      .toThrow('aws.ReplicationDestinationPolicy X/P: 1 problem\n  - props.sourceAccountIds: ["12345"] must list 12-digit AWS account ids (at least one)');
  });

  test('snapshot', () => {
    expect(snapshotOf(t)).toMatchSnapshot();
  });
});
