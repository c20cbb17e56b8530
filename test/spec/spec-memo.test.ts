/**
 * SpecMemo (src/spec/spec-memo.ts): derived values of a spec computed once inside a
 * construct's scope, never outside one, and forgotten when the outermost scope closes.
 */
import { AccessModel, AccessPlan, EffectiveSpec, RegistrySpec } from '../../src/spec';
import { SpecMemo } from '../../src/spec/spec-memo';

const spec = (): RegistrySpec => ({
  version: 1,
  name: 'platform',
  repositories: [{ name: 'api' }, { name: 'web' }],
  environments: { chain: [{ name: 'dev' }, { name: 'prod' }] },
  access: { pushers: [{ name: 'ci', github: { repository: 'example/platform', branch: 'main' } }], pullers: [{ name: 'runtime', awsAccountIds: ['123456789012'] }] },
});

test('outside a scope nothing is memoized: every call computes', () => {
  const s = spec();
  expect(SpecMemo._active()).toBe(false);
  expect(AccessPlan.grants(s)).not.toBe(AccessPlan.grants(s));
  let calls = 0;
  SpecMemo._get(s, 'k', () => ++calls);
  SpecMemo._get(s, 'k', () => ++calls);
  expect(calls).toBe(2);
});

test('inside a scope each value is computed once per spec object and key, and memoized arrays are frozen', () => {
  const s = spec();
  const memo = SpecMemo._open();
  try {
    const grants = AccessPlan.grants(s);
    expect(AccessPlan.grants(s)).toBe(grants);
    expect(AccessModel.operations(s)).toBe(AccessModel.operations(s));
    expect(EffectiveSpec.repositories(s)).toBe(EffectiveSpec.repositories(s));
    // Another spec object (even an equal one) is another entry.
    expect(AccessPlan.grants(spec())).not.toBe(grants);
    // A caller that sorts a shared result in place fails loudly.
    expect(Object.isFrozen(grants)).toBe(true);
    expect(() => (grants as any[]).sort()).toThrow(TypeError);
  } finally {
    SpecMemo._close(memo);
  }
  expect(SpecMemo._active()).toBe(false);
});

test('scopes nest; closing the outermost forgets, so a spec changed in place between two constructs is read again', () => {
  const s = spec();
  const outer = SpecMemo._open();
  let before: number;
  try {
    const inner = SpecMemo._open();
    try {
      before = EffectiveSpec.repositories(s).length;
    } finally {
      SpecMemo._close(inner);
    }
    // Still inside the outer scope: the inner scope's values are kept.
    expect(SpecMemo._active()).toBe(true);
    expect(EffectiveSpec.repositories(s).length).toBe(before);
  } finally {
    SpecMemo._close(outer);
  }
  s.repositories.push({ name: 'jobs' });
  const again = SpecMemo._open();
  try {
    expect(EffectiveSpec.repositories(s).length).toBe(before + 2);
  } finally {
    SpecMemo._close(again);
  }
});

test('a computation that throws is not memoized (its error names the caller\'s context)', () => {
  const s = spec();
  const memo = SpecMemo._open();
  try {
    let calls = 0;
    const failing = () => {
      calls++;
      throw new Error(`call ${calls}`);
    };
    expect(() => SpecMemo._get(s, 'bad', failing)).toThrow('call 1');
    expect(() => SpecMemo._get(s, 'bad', failing)).toThrow('call 2');
  } finally {
    SpecMemo._close(memo);
  }
});
