import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { App, TerraformStack, Testing } from 'cdktf';
import { IConstruct } from 'constructs';

// The cdktf jest matchers (toHaveResourceWithProperties, ...), for every test file that imports the helpers.
Testing.setupJest();

/** A stack with the google provider, in a test app. */
export function testStack(): TerraformStack {
  const app = Testing.app();
  const stack = new TerraformStack(app, 'stack');
  new GoogleProvider(stack, 'google', { project: 'acme-registry' });
  return stack;
}

/** The synthesized JSON of a stack, parsed. */
export function synthJson(stack: TerraformStack): any {
  return JSON.parse(Testing.synth(stack));
}

/** The resources of one type in parsed Terraform JSON, as a list. */
export function resources(json: any, type: string): any[] {
  return Object.values(json.resource?.[type] ?? {});
}

/** Messages of one annotation level (`warn`, `info`, `error`) under a construct, as emitted (warnings start with `[<id>] `). */
export function rawAnnotations(scope: IConstruct, level: 'warn' | 'info' | 'error' = 'warn'): string[] {
  return scope.node.findAll().flatMap((c) => c.node.metadata.filter((m) => m.type === `@cdktf/${level}`).map((m) => String(m.data)));
}

/** Messages of one annotation level under a construct, without the warning id (`warningIds` reads those). */
export function annotations(scope: IConstruct, level: 'warn' | 'info' | 'error' = 'warn'): string[] {
  return rawAnnotations(scope, level).map((m) => m.replace(/^\[container-registry-constructs:[a-z0-9-]+\] /, ''));
}

/** The ids of the warnings under a construct (`container-registry-constructs:gcp-...`), in order; `undefined` for a warning without one. */
export function warningIds(scope: IConstruct): Array<string | undefined> {
  return rawAnnotations(scope).map((m) => /^\[(container-registry-constructs:[a-z0-9-]+)\] /.exec(m)?.[1]);
}

export { App };
