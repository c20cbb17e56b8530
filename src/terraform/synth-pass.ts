/**
 * The synthesized Terraform of a stack for synth-time checks, computed once per
 * synthesis (internal; structural types, so that this module does not import cdktf).
 *
 * The GCP, Azure and Harbor registries check their own resources in the stack's
 * synthesized JSON at synth (a node validation calling `TerraformStack.toTerraform()`).
 * Resolving a stack is most of synthesis; doing it once more per registry made a stack
 * of 30 registries resolve 31 times. Here the stack's synthesizer is wrapped: during
 * one `synthesize` call (validations, then cdktf's own `toTerraform()` and the write),
 * the first check resolves the stack, every other check reads the same result, and
 * cdktf's `toTerraform()` returns it instead of resolving again. Nothing is kept after
 * the call, so a stack changed afterwards is resolved afresh. Outside a synthesis (a
 * test's `Testing.synth(stack, true)`), each check resolves the stack itself, as before.
 */

/** cdktf's `TerraformStack`, as far as this module uses it. */
export interface SynthesizedStack {
  synthesizer: { synthesize(session: any): void };
  toTerraform(): any;
}

/** The synthesis in progress of each stack: the resolved JSON once a check asked for it. */
const PASSES = new WeakMap<object, { config?: any; resolve: () => any }>();
const WRAPPED = new WeakSet<object>();

/**
 * Wraps the stack's synthesizer once (idempotent), so that `terraformConfigOf` shares one
 * resolution per synthesis. A synthesizer set on the stack later replaces the wrapper, and
 * the checks then resolve the stack themselves (correct, only slower).
 */
export function shareSynthesizedConfig(stack: SynthesizedStack): void {
  if (WRAPPED.has(stack)) return;
  WRAPPED.add(stack);
  const inner = stack.synthesizer;
  stack.synthesizer = {
    synthesize(session: any): void {
      const own = Object.prototype.hasOwnProperty.call(stack, 'toTerraform');
      const resolve = stack.toTerraform;
      const pass: { config?: any; resolve: () => any } = { resolve: () => resolve.call(stack) };
      PASSES.set(stack, pass);
      // cdktf's StackSynthesizer.synthesize: validations, then `this.stack.toTerraform()`, then the write.
      stack.toTerraform = function toTerraform(this: SynthesizedStack) {
        const config = pass.config;
        pass.config = undefined;
        return config !== undefined ? config : resolve.call(this);
      };
      try {
        inner.synthesize(session);
      } finally {
        PASSES.delete(stack);
        if (own) stack.toTerraform = resolve;
        else delete (stack as { toTerraform?: unknown }).toTerraform;
      }
    },
  };
}

/**
 * The stack's synthesized Terraform JSON: during a synthesis of a stack that
 * `shareSynthesizedConfig` wrapped, resolved once and shared (read it, never change it);
 * otherwise `stack.toTerraform()`.
 */
export function terraformConfigOf(stack: SynthesizedStack): any {
  const pass = PASSES.get(stack);
  if (!pass) return stack.toTerraform();
  if (pass.config === undefined) pass.config = pass.resolve();
  return pass.config;
}
