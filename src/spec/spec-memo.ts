/**
 * Derived values of a spec, computed once while a construct builds (internal; not part of the jsii API).
 *
 * Building a registry asks the same questions of the spec many times: the access
 * operations, the grants, the effective repositories, the validators' reports. A
 * registry split into 25 stacks (`aws.EcrRegistryStacks`) asked them 25 times each.
 * A construct's constructor opens a scope (`SpecMemo._open()`, closed in `finally`);
 * inside it, `SpecMemo._get(spec, key, compute)` computes each value once per spec
 * object. No user code runs inside a constructor, so the spec cannot change there;
 * when the outermost scope closes, everything is forgotten, so a spec changed in place
 * between two constructs is read again. Outside any scope (the CLI, a user's call of
 * `AccessPlan.grants`), nothing is memoized.
 *
 * Memoized arrays are frozen (shallowly), so that a caller that sorts or pushes into
 * a shared result fails loudly instead of changing what the next caller reads.
 */
export class SpecMemo {
  /** Opens a scope; pass the returned value to `_close` in a `finally` block. */
  public static _open(): number {
    return ++SpecMemo.depth;
  }

  /** Closes the scope `_open` returned; the outermost one forgets every memoized value. */
  public static _close(depth: number): void {
    SpecMemo.depth = depth - 1;
    if (SpecMemo.depth <= 0) {
      SpecMemo.depth = 0;
      SpecMemo.values = new WeakMap();
    }
  }

  /** Whether a scope is open. */
  public static _active(): boolean {
    return SpecMemo.depth > 0;
  }

  /** The value of `key` for `spec`: computed once per scope, or every time outside a scope. */
  public static _get<T>(spec: object, key: string, compute: () => T): T {
    if (SpecMemo.depth === 0 || spec === null || typeof spec !== 'object') return compute();
    let bySpec = SpecMemo.values.get(spec);
    if (!bySpec) {
      bySpec = new Map();
      SpecMemo.values.set(spec, bySpec);
    }
    if (bySpec.has(key)) return bySpec.get(key) as T;
    const value = compute();
    if (Array.isArray(value)) Object.freeze(value);
    bySpec.set(key, value);
    return value;
  }

  private static depth = 0;
  private static values = new WeakMap<object, Map<string, unknown>>();
}
