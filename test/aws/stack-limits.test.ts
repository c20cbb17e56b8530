import { App, CfnWaitConditionHandle, Stack } from 'aws-cdk-lib';
import { StackLimits } from '../../src/aws';

describe('StackLimits', () => {
  test('more than 500 resources in one stack fails synth with a clear error', () => {
    const app = new App();
    const stack = new Stack(app, 'Big');
    for (let i = 0; i < 501; i++) new CfnWaitConditionHandle(stack, `H${i}`);
    StackLimits.enforce(stack);
    expect(() => app.synth()).toThrow(/stack Big holds 501 resources, over the limit of 500 per CloudFormation stack/);
  });

  test('a template over the byte limit fails synth with a clear error', () => {
    const app = new App();
    const stack = new Stack(app, 'Wide');
    for (let i = 0; i < 20; i++) new CfnWaitConditionHandle(stack, `H${i}`);
    StackLimits.enforce(stack, { maxTemplateBytes: 1000 });
    expect(() => app.synth()).toThrow(/stack Wide has a \d+-byte template, over the limit of 1000 bytes/);
  });
});
