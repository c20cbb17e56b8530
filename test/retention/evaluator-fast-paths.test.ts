/**
 * The evaluators' fast paths (issue 20: 100,000 images in under a second) against
 * the straightforward code they replace, on random inputs. Each property also
 * counts the interesting cases its generator produced (matches and misses,
 * overlapping prefixes, fast-path shapes), so that it cannot pass vacuously.
 */
import * as fc from 'fast-check';
import { GarCleanupEvaluator, GarVersion, HarborArtifact, HarborRetentionEvaluator } from '../../src/retention';
import { PrefixSet, selectedInOrder, positions } from '../../src/retention/evaluator-support';
import { doublestarMatch, doublestarMatcher } from '../../src/retention/harbor-doublestar';

const SEED = 20261201;
const DAY = 86_400_000;
const NOW = new Date('2026-06-01T00:00:00Z');

/** Short strings over a small alphabet, so that prefixes overlap and often match. */
const word = (chars: string[], maxLength: number) => fc.array(fc.constantFrom(...chars), { maxLength }).map((cs) => cs.join(''));

describe('PrefixSet (the prefix index of GarCleanupEvaluator)', () => {
  test('matches exactly when prefixes.some((p) => value.startsWith(p)) (the straightforward scan it replaces)', () => {
    let hits = 0;
    let misses = 0;
    let coveredPrefixes = 0;
    fc.assert(fc.property(fc.array(word(['a', 'b', '-', '/'], 5), { maxLength: 12 }), fc.array(word(['a', 'b', '-', '/'], 7), { maxLength: 20 }),
      (prefixes, values) => {
        const set = new PrefixSet(prefixes);
        if (prefixes.some((p) => prefixes.some((q) => q !== p && p.startsWith(q)))) coveredPrefixes++;
        for (const v of values) {
          const expected = prefixes.some((p) => v.startsWith(p));
          expected ? hits++ : misses++;
          expect(set.matches(v)).toBe(expected);
        }
        expect(set.matchesAny(values)).toBe(values.some((v) => prefixes.some((p) => v.startsWith(p))));
      }), { seed: SEED, numRuns: 3000 });
    expect(hits).toBeGreaterThan(1000);
    expect(misses).toBeGreaterThan(1000);
    expect(coveredPrefixes).toBeGreaterThan(100);
  });

  test('the empty prefix starts every string; an empty list starts none', () => {
    expect(new PrefixSet(['x', '']).matches('anything')).toBe(true);
    expect(new PrefixSet([]).matches('')).toBe(false);
    expect(new PrefixSet(['team-01/svc-0001', 'team-01/svc-0026']).matches('team-01/svc-0026-gateway')).toBe(true); // a prefix, not a name
  });
});

describe('selectedInOrder (the rule selections of the ECR and neutral evaluators)', () => {
  test('equals order.filter(selected) for small and large selections', () => {
    let small = 0;
    let large = 0;
    fc.assert(fc.property(fc.integer({ min: 1, max: 300 }).chain((n) => fc.tuple(
      fc.shuffledSubarray(Array.from({ length: n }, (_, i) => i), { minLength: n }),
      fc.array(fc.boolean(), { minLength: n, maxLength: n }),
      fc.boolean(),
    )), ([order, flags, sparse]) => {
      const sel = Uint8Array.from(flags, (f, i) => (f && (!sparse || i % 20 === 0) ? 1 : 0));
      const count = sel.reduce((a, b) => a + b, 0);
      count * 16 < sel.length ? small++ : large++;
      expect(selectedInOrder(sel, order, positions(order))).toEqual(order.filter((i) => sel[i] === 1));
    }), { seed: SEED, numRuns: 1000 });
    expect(small).toBeGreaterThan(100);
    expect(large).toBeGreaterThan(100);
  });
});

describe('doublestarMatcher (compiled Harbor selector patterns)', () => {
  // Options over letters, "/", "." and "*", in braces or alone: the shapes with a fast path (literal
  // alternatives with "/", literals and "lit*" without) and shapes without one (a "*" inside, "/" with "*").
  const option = word(['a', 'b', '/', '.', '*'], 4);
  const pattern = fc.oneof(
    option,
    fc.array(option, { minLength: 1, maxLength: 5 }).map((os) => `{${os.join(',')}}`),
    fc.array(word(['a', 'b', '/'], 4), { minLength: 1, maxLength: 6 }).map((os) => `{${os.join(',')}}`),
    fc.constantFrom('**', '*', '{a,a/b}', '{a/b,a/b/c}', '{a*,b}', '*/a'),
  );
  const name = word(['a', 'b', '/', '.'], 5);

  test('agrees with the doublestar v1.3.4 port on every pattern and name', () => {
    let matched = 0;
    let missed = 0;
    let slashNamesMatched = 0;
    let failed = 0;
    fc.assert(fc.property(pattern, fc.array(name, { minLength: 1, maxLength: 10 }), (p, names) => {
      const m = doublestarMatcher(p);
      for (const n of names) {
        // The port fails on some patterns and names (ErrBadPattern): the compiled matcher must fail alike.
        let expected: boolean | string;
        try {
          expected = doublestarMatch(p, n);
        } catch (e) {
          expected = (e as Error).message;
        }
        let actual: boolean | string;
        try {
          actual = m(n);
        } catch (e) {
          actual = (e as Error).message;
        }
        if (typeof expected === 'string') {
          failed++;
        } else if (expected) {
          matched++;
          if (n.includes('/')) slashNamesMatched++;
        } else {
          missed++;
        }
        expect({ p, n, match: actual }).toEqual({ p, n, match: expected });
      }
    }), { seed: SEED, numRuns: 5000 });
    expect(matched).toBeGreaterThan(2000);
    expect(missed).toBeGreaterThan(2000);
    expect(slashNamesMatched).toBeGreaterThan(200);
    expect(failed).toBeGreaterThan(10);
  });

  test('the port\'s quirk survives: a one-component name matches literal alternatives only when no option continues it with "/"', () => {
    // doublestar.go doMatching: `if len(matches) == 0 && nameLen == 1` after joining the rest of every option.
    expect(doublestarMatch('{a,a/b}', 'a')).toBe(false);
    expect(doublestarMatcher('{a,a/b}')('a')).toBe(false);
    expect(doublestarMatcher('{a,a/b}')('a/b')).toBe(true);
    expect(doublestarMatcher('{dev/api,prod/api}')('dev/api')).toBe(true);
    expect(doublestarMatcher('{dev/api,prod/api}')('dev/api-gateway')).toBe(false);
  });
});

/**
 * Artifact Registry cleanup policies, evaluated the straightforward way (the code
 * before issue 20): list order, every prefix list scanned for every version.
 */
function straightforwardGar(policies: any[], versions: GarVersion[]): string[] {
  const now = NOW.getTime();
  const secs = (d: string | undefined) => (d === undefined ? undefined : Number(d.slice(0, -1)) * 1000);
  const matches = (c: any, v: GarVersion): boolean => {
    const tags = v.tags ?? [];
    const state = c.tag_state ?? 'ANY';
    if (state === 'TAGGED' && tags.length === 0) return false;
    if (state === 'UNTAGGED' && tags.length > 0) return false;
    if (c.tag_prefixes && !tags.some((t) => c.tag_prefixes.some((p: string) => t.startsWith(p)))) return false;
    if (c.package_name_prefixes && !c.package_name_prefixes.some((p: string) => v.packageName.startsWith(p))) return false;
    const older = secs(c.older_than);
    if (older !== undefined && !(now - v.createTime.getTime() > older)) return false;
    return true;
  };
  const kept = new Set<GarVersion>();
  const deleteBy = new Map<GarVersion, string>();
  for (const p of policies) {
    if (p.most_recent_versions) {
      const prefixes: string[] | undefined = p.most_recent_versions.package_name_prefixes;
      const order = [...versions].sort((a, b) => (b.createTime.getTime() - a.createTime.getTime()) || (a.version < b.version ? -1 : 1));
      const seen = new Map<string, number>();
      for (const v of order) {
        if (prefixes && !prefixes.some((x) => v.packageName.startsWith(x))) continue;
        const rank = seen.get(v.packageName) ?? 0;
        if (rank < p.most_recent_versions.keep_count) kept.add(v);
        seen.set(v.packageName, rank + 1);
      }
      continue;
    }
    for (const v of versions) {
      if (!matches(p.condition, v)) continue;
      if (p.action === 'KEEP') kept.add(v);
      else if (!deleteBy.has(v)) deleteBy.set(v, p.id);
    }
  }
  return versions.filter((v) => deleteBy.has(v) && !kept.has(v)).map((v) => `${v.packageName}@${v.version}:${deleteBy.get(v)}`).sort();
}

describe('GarCleanupEvaluator with long prefix lists', () => {
  const packages = Array.from({ length: 60 }, (_, i) => `team-${i % 3}/svc-${String(i).padStart(2, '0')}`);
  // Long lists: up to 40 package name prefixes, some reaching further than one name (`team-1/svc-1` reaches svc-10 to svc-19).
  const packageNames = fc.uniqueArray(fc.constantFrom(...packages, 'team-', 'team-1/svc-1', 'team-2/'), { minLength: 5, maxLength: 40 });
  const tagPrefixes = fc.uniqueArray(fc.constantFrom('pr-', 'pr-1', 'main', 'v', 'v1.', 'nightly-', 'p', 'feature-x'), { minLength: 1, maxLength: 6 });
  const condition = fc.record({
    tag_state: fc.constantFrom('TAGGED', 'UNTAGGED', 'ANY'),
    tag_prefixes: fc.option(tagPrefixes, { nil: undefined }),
    package_name_prefixes: fc.option(packageNames, { nil: undefined }),
    older_than: fc.option(fc.integer({ min: 0, max: 30 }).map((d) => `${d * 86400}s`), { nil: undefined }),
  });
  const policy = fc.oneof(
    { arbitrary: fc.record({ action: fc.constant('DELETE'), condition }), weight: 4 },
    { arbitrary: fc.record({ action: fc.constant('KEEP'), condition }), weight: 1 },
    {
      arbitrary: fc.record({
        action: fc.constant('KEEP'),
        most_recent_versions: fc.record({
          package_name_prefixes: fc.option(packageNames, { nil: undefined }),
          keep_count: fc.integer({ min: 0, max: 4 }),
        }),
      }),
      weight: 1,
    },
  );
  const policies = fc.array(policy, { minLength: 1, maxLength: 10 }).map((ps) => ps.map((p, i) => ({ id: `p${i}`, ...p })));
  const versions = fc.uniqueArray(fc.record({
    pkg: fc.constantFrom(...packages.slice(0, 25)),
    n: fc.integer({ min: 0, max: 400 }),
    tags: fc.uniqueArray(fc.constantFrom('pr-12', 'pr-3', 'main-ab', 'v1.2.0', 'v2', 'nightly-7', 'prod', 'feature-x1'), { maxLength: 3 }),
    age: fc.integer({ min: 0, max: 40 }),
  }), { selector: (v) => `${v.pkg}@${v.n}`, minLength: 30, maxLength: 120 })
    .map((vs) => vs.map((v): GarVersion => ({ packageName: v.pkg, version: `sha256:${v.n}`, tags: v.tags, createTime: new Date(NOW.getTime() - v.age * DAY) })));

  test('deletes exactly what the straightforward evaluation deletes, reporting the same first DELETE policy', () => {
    let deletions = 0;
    let nonEmpty = 0;
    let keptByMostRecent = 0;
    fc.assert(fc.property(policies, versions, (ps, vs) => {
      const actual = GarCleanupEvaluator.evaluate(JSON.stringify(ps), vs, { now: NOW }).deleted.map((d) => `${d.packageName}@${d.version}:${d.policyId}`);
      const expected = straightforwardGar(ps, vs);
      deletions += expected.length;
      if (expected.length > 0 && actual.length === expected.length) nonEmpty++;
      if (ps.some((p: any) => p.most_recent_versions) && expected.length > 0) keptByMostRecent++;
      expect([...actual].sort()).toEqual(expected);
    }), { seed: SEED, numRuns: 1500 });
    expect(deletions).toBeGreaterThan(10_000);
    expect(nonEmpty).toBeGreaterThan(800);
    expect(keptByMostRecent).toBeGreaterThan(300);
  });
});

describe('HarborRetentionEvaluator results are sorted (built in key order, not sorted at the end)', () => {
  test('repositories whose names prefix one another, and a name with "@" (sorted at the end)', () => {
    const names = ['p/a', 'p/a-b', 'p/a.b', 'p/a/b', 'p/ab', 'p/a@x', 'p/b'];
    let artifacts: HarborArtifact[] = [];
    names.forEach((repository, r) => {
      for (let k = 0; k < 6; k++) {
        artifacts.push({ repository, digest: `sha256:${(k * 7 + r) % 10}${k}`, tags: k % 2 ? [`t${k}`] : [], pushedAt: new Date(NOW.getTime() - (k * 5 + r) * DAY) });
      }
    });
    const policy = JSON.stringify({
      algorithm: 'or',
      rules: [{ disabled: false, action: 'retain', template: 'nDaysSinceLastPush', params: { nDaysSinceLastPush: 12 }, tag_selectors: [{ kind: 'doublestar', decoration: 'matches', pattern: '**', extras: '{"untagged":true}' }], scope_selectors: { repository: [{ kind: 'doublestar', decoration: 'repoMatches', pattern: '**' }] } }],
    });
    for (const withAt of [true, false]) {
      if (!withAt) artifacts = artifacts.filter((a) => !a.repository.includes('@'));
      const r = HarborRetentionEvaluator.evaluate(policy, artifacts, { now: NOW });
      expect(r.deleted.length).toBeGreaterThan(10);
      expect(r.retained.length).toBeGreaterThan(5);
      expect(r.deleted).toEqual([...r.deleted].sort());
      expect(r.retained).toEqual([...r.retained].sort());
      expect([...r.deleted, ...r.retained].sort()).toEqual(artifacts.map((a) => `${a.repository}@${a.digest}`).sort());
    }
  });
});
