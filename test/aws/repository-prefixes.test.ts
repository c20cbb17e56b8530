import * as fc from 'fast-check';
import { compactRepositoryNames } from '../../src/aws/repository-prefixes';

/** The repositories of `all` a compaction covers: its exact names and every name under one of its prefixes. */
function covered(all: string[], c: { exact: string[]; prefixes: string[] }): string[] {
  return [...new Set([...c.exact, ...all.filter((n) => c.prefixes.some((p) => n.startsWith(p)))])].sort();
}

describe('compactRepositoryNames', () => {
  const all = ['platform/dev/api', 'platform/dev/web', 'platform/prod/api', 'platform/prod/web', 'platform/prod/jobs/worker'];

  test('a whole environment becomes one prefix; a partial one stays exact', () => {
    expect(compactRepositoryNames(['platform/dev/api', 'platform/dev/web', 'platform/prod/api'], all)).toEqual({
      exact: ['platform/prod/api'],
      prefixes: ['platform/dev/'],
    });
  });

  test('the shortest ancestor that is exactly as wide is taken', () => {
    expect(compactRepositoryNames(all, all)).toEqual({ exact: [], prefixes: ['platform/'] });
    // Only jobs/worker under prod/jobs/: that deeper prefix is exact, the shorter ones are not.
    expect(compactRepositoryNames(['platform/prod/jobs/worker'], all)).toEqual({ exact: [], prefixes: ['platform/prod/jobs/'] });
  });

  test('a reserved prefix (a pull-through cache namespace) is never covered by a wildcard', () => {
    // "platform/" would also cover the repositories ECR creates under the cache prefix platform/quay on first pull.
    expect(compactRepositoryNames(all, all, ['platform/quay'])).toEqual({ exact: [], prefixes: ['platform/dev/', 'platform/prod/'] });
    // A reserved prefix under the candidate, or the candidate under it, blocks it alike.
    expect(compactRepositoryNames(['platform/dev/api', 'platform/dev/web'], all, ['platform/dev/cache']).prefixes).toEqual([]);
    expect(compactRepositoryNames(['platform/dev/api', 'platform/dev/web'], all, ['platform']).prefixes).toEqual([]);
  });

  test('names without a "/" are always exact', () => {
    expect(compactRepositoryNames(['api', 'web'], ['api', 'web'])).toEqual({ exact: ['api', 'web'], prefixes: [] });
  });

  // The README's rule ("IAM size"): a prefix is used only where it is exactly as wide as the set, as far as the spec knows.
  test('property: what the result covers among the known names is exactly the chosen set, and no wildcard reaches a reserved prefix', () => {
    const segment = fc.constantFrom('a', 'b', 'c');
    const name = fc.array(segment, { minLength: 1, maxLength: 4 }).map((s) => s.join('/'));
    let compacted = 0;
    fc.assert(fc.property(fc.uniqueArray(name, { minLength: 1, maxLength: 20 }), fc.array(fc.boolean(), { minLength: 20, maxLength: 20 }),
      fc.option(name, { nil: undefined }), (names, picks, reservedName) => {
        // A name that is a prefix path of another is a namespace, not a repository, in ECR terms: keep the leaves.
        const leaves = names.filter((n) => !names.some((m) => m.startsWith(`${n}/`)));
        const chosen = leaves.filter((_, i) => picks[i]);
        const reserved = reservedName !== undefined && !leaves.includes(reservedName) ? [reservedName] : [];
        const c = compactRepositoryNames(chosen, leaves, reserved);
        expect(covered(leaves, c)).toEqual([...new Set(chosen)].sort());
        for (const p of c.prefixes) {
          expect(p.endsWith('/')).toBe(true);
          for (const r of reserved) expect([p, r, r.startsWith(p) || p.startsWith(`${r}/`)]).toEqual([p, r, false]);
        }
        if (c.prefixes.length > 0) compacted++;
      }), { seed: 14, numRuns: 300 });
    // The generator reaches the interesting case (something was compacted), so the property is not vacuous.
    expect(compacted).toBeGreaterThan(30);
  });
});
