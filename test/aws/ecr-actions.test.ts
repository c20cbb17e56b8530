import { App, Stack } from 'aws-cdk-lib';
import { EcrActions } from '../../src/aws/ecr-actions';

describe('EcrActions', () => {
  test('actionsFor: pull, push or both, each action once, in a stable order', () => {
    expect(EcrActions.actionsFor(false, false)).toEqual([]);
    expect(EcrActions.actionsFor(true, false)).toEqual(EcrActions.PULL);
    const both = EcrActions.actionsFor(true, true);
    expect(new Set(both).size).toBe(both.length);
    expect(new Set(both)).toEqual(new Set([...EcrActions.PULL, ...EcrActions.PUSH]));
    // ecr:BatchCheckLayerAvailability is in both lists and appears once, where pull puts it.
    expect(both.indexOf('ecr:BatchCheckLayerAvailability')).toBe(EcrActions.PULL.indexOf('ecr:BatchCheckLayerAvailability'));
    expect(EcrActions.actionsFor(true, true)).toEqual(both);
  });

  test('nothing a grant gives deletes or changes policies: retention is the only thing that deletes', () => {
    const granted = [...EcrActions.PULL, ...EcrActions.PUSH, ...EcrActions.PULL_THROUGH, EcrActions.AUTH_TOKEN];
    expect(granted.filter((a) => /Delete|Policy|Put(Lifecycle|Registry|ImageTagMutability|ImageScanning)|\*/.test(a))).toEqual([]);
  });

  test('authTokenStatement: the one statement on "*", and only for the login action', () => {
    const json = EcrActions.authTokenStatement().toStatementJson();
    expect(json).toEqual({ Sid: 'EcrLogin', Effect: 'Allow', Action: 'ecr:GetAuthorizationToken', Resource: '*' });
  });

  test('repositoryArn: the repository of the scope\'s account and region, in its partition', () => {
    const stack = new Stack(new App(), 'S', { env: { account: '123456789012', region: 'cn-north-1' } });
    expect(stack.resolve(EcrActions.repositoryArn(stack, 'platform/dev/api'))).toEqual({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ecr:cn-north-1:123456789012:repository/platform/dev/api']],
    });
  });
});
