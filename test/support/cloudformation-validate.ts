/**
 * What test files get for `@aws/cloudformation-validate` (jest `moduleNameMapper`): the
 * worker's shared validator that the suite's environment put on the global
 * (`jest-environment.ts`), or, under another environment, the real module.
 */
import { SHARED_VALIDATOR, validatorPath } from './shared-validator';

// eslint-disable-next-line @typescript-eslint/no-require-imports
module.exports = (globalThis as any)[SHARED_VALIDATOR] ?? require(validatorPath());
