import * as fc from 'fast-check';
import { Glob, TagStrategy } from '../../src/spec';
import { dateLike, globsIntersect, isReleaseTag, releaseWitness } from '../../src/tagging/tag-shapes';

const VERSION_LIKE = /^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)([-_][0-9A-Za-z._-]+)?$/;
const SHA_LIKE = /^[0-9a-f]{7,40}$/;

const num = fc.oneof(fc.constant('0'), fc.integer({ min: 1, max: 120 }).map(String));
const versionTag = fc.tuple(fc.boolean(), num, num, num, fc.option(fc.tuple(fc.constantFrom('-', '_'), fc.stringMatching(/^[0-9A-Za-z._-]{1,6}$/))))
  .map(([v, a, b, c, s]) => `${v ? 'v' : ''}${a}.${b}.${c}${s ? s[0] + s[1] : ''}`);
const shaTag = fc.stringMatching(/^[0-9a-f]{7,12}$/);
const pattern = fc.string({ unit: fc.constantFrom('*', '*', '1', '0', '.', 'v', 'a', '-', 'x', '2'), maxLength: 8 });

describe('releaseWitness', () => {
  test('examples', () => {
    expect(releaseWitness('*', TagStrategy.SEMVER)).toBe('1.1.1');
    expect(releaseWitness('v*', TagStrategy.SEMVER)).toBe('v1.1.1');
    expect(releaseWitness('*-*', TagStrategy.SEMVER)).toMatch(/^1\.1\.1-.$/);
    expect(releaseWitness('2.*', TagStrategy.VERSION_SHA)).toBe('2.1.1');
    expect(releaseWitness('a*', TagStrategy.GIT_SHA)).toBe('a111111');
    for (const p of ['latest', 'feature-*', 'pr-*', 'dev*', '01.*']) expect(releaseWitness(p, TagStrategy.SEMVER)).toBeUndefined();
    expect(releaseWitness('prod', TagStrategy.GIT_SHA)).toBeUndefined();
  });

  // Sound: a witness is a release tag the glob matches. Complete: whenever a release tag
  // matches the glob, a witness exists, and it is no longer than that tag (the search is
  // breadth-first, so it finds a shortest one).
  test.each<[TagStrategy, fc.Arbitrary<string>, RegExp]>([
    [TagStrategy.SEMVER, versionTag, VERSION_LIKE],
    [TagStrategy.GIT_SHA, shaTag, SHA_LIKE],
  ])('is sound and complete (%s)', (strategy, tags, grammar) => {
    fc.assert(fc.property(pattern, tags, (p, tag) => {
      const witness = releaseWitness(p, strategy);
      if (witness !== undefined) {
        expect(witness).toMatch(grammar);
        expect(Glob.matches(p, witness)).toBe(true);
      }
      if (Glob.matches(p, tag)) {
        expect(witness).toBeDefined();
        expect(witness!.length).toBeLessThanOrEqual(tag.length);
      }
      // Literal patterns are their own witness when they are release tags.
      if (!p.includes('*')) expect(witness).toBe(grammar.test(p) ? p : undefined);
    }), { seed: 99, numRuns: 3000 });
  });

  test('the release-tag automata accept exactly the release-tag grammars', () => {
    const s = fc.string({ unit: fc.constantFrom('0', '1', '9', 'v', 'a', 'f', 'g', 'A', '.', '-', '_'), maxLength: 14 });
    fc.assert(fc.property(s, (t) => {
      expect(releaseWitness(t, TagStrategy.SEMVER) === t).toBe(VERSION_LIKE.test(t));
      expect(releaseWitness(t, TagStrategy.GIT_SHA) === t).toBe(SHA_LIKE.test(t));
      expect(isReleaseTag(t, TagStrategy.SEMVER)).toBe(VERSION_LIKE.test(t));
    }), { seed: 5, numRuns: 3000 });
  });
});

describe('globsIntersect', () => {
  test('agrees with a witness search over short strings', () => {
    const alphabet = ['a', 'b', '.'];
    const strings: string[] = [''];
    for (let len = 1; len <= 6; len++) for (const s of strings.filter((x) => x.length === len - 1)) for (const c of alphabet) strings.push(s + c);
    const glob = fc.string({ unit: fc.constantFrom('*', 'a', 'b', '.'), maxLength: 4 });
    fc.assert(fc.property(glob, glob, (a, b) => {
      // Globs of at most 4 characters that intersect share a string of at most 8; most share one of at most 6.
      const common = strings.some((s) => Glob.matches(a, s) && Glob.matches(b, s));
      if (common) expect(globsIntersect(a, b)).toBe(true);
      if (!globsIntersect(a, b)) expect(common).toBe(false);
      expect(globsIntersect(a, b)).toBe(globsIntersect(b, a));
    }), { seed: 3, numRuns: 1000 });
    expect(globsIntersect('feature-*', '*.*.*')).toBe(true);
    expect(globsIntersect('latest', '*.*.*')).toBe(false);
    expect(globsIntersect('dev', 'prod')).toBe(false);
  });
});

describe('dateLike', () => {
  test.each<[string, string | undefined]>([
    ['2025-10-18', '2025-10-18'],
    ['nightly-20251018', '20251018'],
    ['2025.10.*', '2025.10'],
    ['build-1999_12_31', '1999_12_31'],
    ['1.2.3', undefined],
    ['v2025', undefined],
    ['release-10-18', undefined],
    ['20.10.3', undefined],
    ['2025-13-01', undefined],
  ])('%s', (value, date) => {
    expect(dateLike(value)).toBe(date);
  });
});
