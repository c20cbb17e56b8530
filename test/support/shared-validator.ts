/**
 * One CloudFormation validator engine per jest worker, instead of one per test file.
 *
 * aws-cdk-lib validates every synthesized template with `@aws/cloudformation-validate`
 * (a WebAssembly build of the CloudFormation resource schemas): `CloudFormationValidatePlugin`
 * keeps one `CompositeEngine` per process and creates it at the first synth. Creating it
 * costs about 5 s of CPU on this project's machines (measured: `new CompositeEngine({})`
 * 4.4-5.7 s, each later `validateTemplate` 0.01 s). Jest gives each test file a fresh
 * module registry, so every file that synthesizes an AWS stack paid those seconds again.
 *
 * The suite's jest environment (`jest-environment.ts`) loads this module once per worker,
 * outside the test files' registries, and hands the test files a copy of the validator
 * whose `CompositeEngine` reuses one engine per configuration. Validation itself is
 * unchanged: every synth still validates every template, with the same engine code and
 * the same configuration aws-cdk-lib asks for; what a file cannot see is only that the
 * engine was built by an earlier file (as later synths of one file already reuse it).
 */
import { dirname } from 'path';

interface Engine {
  free(): void;
  [method: string]: any;
}

/** Where the suite's environment puts the shared validator on the test files' global. */
export const SHARED_VALIDATOR = '__containerRegistryConstructsSharedCfnValidator';

const engines = new Map<string, Engine>();
let shared: Record<string, unknown> | undefined;

/**
 * A copy of a test file's plain objects and arrays made in this module's realm: the
 * validator accepts only plain objects (`Object.getPrototypeOf(v) === Object.prototype`),
 * and a test file's objects have its own realm's `Object.prototype`.
 */
function inThisRealm(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(inThisRealm);
  if (value instanceof Map || (value && typeof value === 'object' && Object.prototype.toString.call(value) === '[object Map]')) {
    return new Map([...(value as Map<unknown, unknown>)].map(([k, v]) => [k, inThisRealm(v)]));
  }
  if (value && typeof value === 'object' && Object.getPrototypeOf(Object.getPrototypeOf(value) ?? {}) === null && Object.getPrototypeOf(value)?.constructor?.name === 'Object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, inThisRealm(v)]));
  }
  return value;
}

/** The path of the validator aws-cdk-lib itself loads (nested under aws-cdk-lib's own node_modules). */
export function validatorPath(): string {
  return require.resolve('@aws/cloudformation-validate', { paths: [dirname(require.resolve('aws-cdk-lib/package.json'))] });
}

/** The validator module with a `CompositeEngine` that is built once per configuration and never freed by a test file. */
export function sharedValidator(): Record<string, unknown> {
  if (shared) return shared;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const actual = require(validatorPath());
  const Actual = actual.CompositeEngine as new (config: unknown) => Engine;
  class CompositeEngine {
    /** The shared engine (read by the forwarding methods below and by the tests). */
    public readonly engine: Engine;
    constructor(given: unknown = {}) {
      const config = inThisRealm(given);
      const key = JSON.stringify(config);
      let engine = engines.get(key);
      if (!engine) {
        engine = new Actual(config);
        engines.set(key, engine);
      }
      this.engine = engine;
    }
    /** Shared by every test file of the worker: it lives as long as the worker process. */
    public free(): void {}
  }
  for (const name of Object.getOwnPropertyNames(Actual.prototype)) {
    if (name === 'constructor' || name === 'free') continue;
    Object.defineProperty(CompositeEngine.prototype, name, {
      value: function (this: { engine: Engine }, ...args: unknown[]) { return this.engine[name](...args.map(inThisRealm)); },
    });
  }
  shared = Object.assign(Object.create(null), actual, { CompositeEngine });
  return shared!;
}
