/**
 * The suite's jest environment: jest's Node environment, plus the shared CloudFormation
 * validator (`shared-validator.ts`) on the test files' global, where the module that jest's
 * `moduleNameMapper` puts in place of `@aws/cloudformation-validate` (`cloudformation-validate.ts`)
 * picks it up. This module is loaded once per worker, by Node's own require.
 */
// eslint-disable-next-line import/no-extraneous-dependencies
import { TestEnvironment } from 'jest-environment-node';
import { SHARED_VALIDATOR, sharedValidator } from './shared-validator';

export default class SuiteEnvironment extends TestEnvironment {
  public async setup(): Promise<void> {
    await super.setup();
    (this.global as any)[SHARED_VALIDATOR] = sharedValidator();
  }
}
