import { App, CfnResource, Stack } from 'aws-cdk-lib';
import { SHARED_VALIDATOR } from './shared-validator';

// The suite's jest environment shares one CloudFormation validator engine per worker
// (test/support/shared-validator.ts). These tests show that every synth still validates.
const strictApp = () => new App({ context: { '@aws-cdk/core:validateAgainstDefaultRules': true } });

function repositoryStack(app: App, properties: Record<string, unknown>): Stack {
  const stack = new Stack(app, 'S', { env: { account: '123456789012', region: 'eu-west-1' } });
  new CfnResource(stack, 'Repo', { type: 'AWS::ECR::Repository', properties });
  return stack;
}

describe('the shared CloudFormation validator', () => {
  test('aws-cdk-lib loads the worker\'s shared validator, and engines of one configuration are one engine', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const loaded = require('@aws/cloudformation-validate');
    expect(loaded).toBe((globalThis as any)[SHARED_VALIDATOR]);
    const a = new loaded.CompositeEngine({});
    const b = new loaded.CompositeEngine({});
    expect(a.engine).toBe(b.engine);
  });

  test('a strict app still fails synth on a property the resource schema does not have (each time)', () => {
    // The schema of AWS::ECR::Repository has "additionalProperties": false; the validator
    // reports "Additional properties are not allowed ('Colour' was unexpected)".
    for (let i = 0; i < 2; i++) {
      expect(() => strictApp().synth()).not.toThrow();
      const app = strictApp();
      repositoryStack(app, { RepositoryName: 'platform/api', Colour: 'blue' });
      expect(() => app.synth()).toThrow(/Additional properties are not allowed \('Colour' was unexpected\)/);
    }
  });

  test('negative control: a valid repository synthesizes in a strict app', () => {
    const app = strictApp();
    repositoryStack(app, { RepositoryName: 'platform/api' });
    expect(() => app.synth()).not.toThrow();
  });

  test('a freed engine is not freed for the other test files: validation goes on after free()', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const loaded = require('@aws/cloudformation-validate');
    new loaded.CompositeEngine({}).free();
    const app = strictApp();
    repositoryStack(app, { RepositoryName: 'x' }); // the pattern asks for at least 2 characters
    expect(() => app.synth()).toThrow(/length 1 is below minimum 2/);
  });
});
