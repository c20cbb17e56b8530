import * as fc from 'fast-check';
import { ProblemsError } from '../../src/spec/problems';
import { OciTag } from '../../src/tagging';

// OCI distribution spec: a tag "MUST be at most 128 characters in length and MUST match
// the following regular expression: [a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}".
const GRAMMAR = /^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}$/;

describe('OciTag grammar', () => {
  test.each(['latest', '1.2.3', '1.2.3-abc1234', '_x', 'A.b-c_d', 'a'.repeat(128), '1'])('"%s" is valid', (tag) => {
    expect(OciTag.isValid(tag)).toBe(true);
    expect(OciTag.problems(tag)).toEqual([]);
    expect(() => OciTag.assertValid(tag)).not.toThrow();
  });

  test.each<[string, RegExp]>([
    ['', /^tag "" is empty; a tag has 1 to 128 characters$/],
    ['.hidden', /^tag "\.hidden" starts with "\."; the first character must be a letter, a digit or _$/],
    ['-x', /^tag "-x" starts with "-"/],
    ['feature/x', /^tag "feature\/x" contains "\/" \(first at position 8\); allowed: letters, digits, _ \. -$/],
    ['1.2.3+build', /contains "\+"/],
    ['a'.repeat(129), /is 129 characters long; a tag has at most 128/],
  ])('"%s" is refused with a clear message', (tag, message) => {
    expect(OciTag.isValid(tag)).toBe(false);
    expect(OciTag.problems(tag)).toEqual(expect.arrayContaining([expect.stringMatching(message)]));
  });

  test('every problem is reported at once, each with the field, the value and what is allowed, under what the tag is', () => {
    const tag = `-${'x/'.repeat(70)}`;
    let error: any;
    try {
      OciTag.assertValid(tag, 'the branch tag');
    } catch (e) {
      error = e;
    }
    // Before: one Error whose message joined the three problems with "; ".
    expect(error).toBeInstanceOf(ProblemsError);
    expect(error.problems.map((p: any) => [p.path, p.message])).toEqual([
      ['tag', 'is 141 characters long; a tag has at most 128'],
      ['tag', 'starts with "-"; the first character must be a letter, a digit or _'],
      ['tag', 'contains "/" (first at position 3); allowed: letters, digits, _ . -'],
    ]);
    expect(error.problems.every((p: any) => p.value.startsWith('"-x/x/'))).toBe(true);
    expect(error.message).toMatch(/^the branch tag: 3 problems\n {2}- tag: "-x\/x\//);
  });

  test('agrees with the grammar on random strings', () => {
    fc.assert(fc.property(fc.string({ unit: fc.constantFrom(...'aZ09._-/+ é'.split('')), maxLength: 140 }), (s) => {
      expect(OciTag.isValid(s)).toBe(GRAMMAR.test(s));
      expect(OciTag.problems(s).length === 0).toBe(GRAMMAR.test(s));
    }), { seed: 8, numRuns: 500 });
  });
});

describe('OciTag.fromBranch', () => {
  test.each<[string, string]>([
    ['feature/Foo_bar', 'feature-foo_bar'],
    ['refs/heads/main', 'main'],
    ['main', 'main'],
    ['release/1.2', 'release-1.2'],
    ['-weird//name--', 'weird-name'],
    ['.github/x', 'github-x'],
    ['Fix: crash (#12)', 'fix-crash-12'],
    ['dependabot/npm_and_yarn/lodash-4.17.21', 'dependabot-npm_and_yarn-lodash-4.17.21'],
  ])('"%s" gives "%s"', (branch, tag) => {
    expect(OciTag.fromBranch(branch)).toBe(tag);
  });

  test('a long branch is cut to fit and keeps a hash of the full name, so two long branches differ', () => {
    const a = OciTag.fromBranch(`feature/${'x'.repeat(200)}-a`);
    const b = OciTag.fromBranch(`feature/${'x'.repeat(200)}-b`);
    expect(a).toHaveLength(128);
    expect(a).toMatch(/^feature-x+-[0-9a-f]{8}$/);
    expect(a).not.toBe(b);
    expect(OciTag.fromBranch('feature/some-long-name', 20)).toMatch(/^feature-som-[0-9a-f]{8}$/);
  });

  test('a branch with nothing to make a tag of is a clear error', () => {
    expect(() => OciTag.fromBranch('///')).toThrow(/^Cannot make a tag of the branch: 1 problem\n {2}- branch: "\/\/\/" cannot be made into a tag: it has no letter, digit or _/);
    expect(() => OciTag.fromBranch('日本')).toThrow(/cannot be made into a tag/);
    expect(() => OciTag.fromBranch('main', 5)).toThrow(/maxLength: 5 is not allowed: a branch tag is 10 to 128 characters long/);
    // Both at once.
    expect(() => OciTag.fromBranch('///', 5)).toThrow(/: 2 problems\n {2}- branch: .*\n {2}- maxLength: 5 /);
  });

  // Properties: normalization is always grammatical, fits, and is idempotent.
  test('is grammatical, fits and is idempotent for any branch', () => {
    const branch = fc.string({ unit: fc.constantFrom(...'abcXYZ019/_.-# é'.split('')), minLength: 1, maxLength: 300 });
    fc.assert(fc.property(branch, fc.integer({ min: 10, max: 128 }), (b, max) => {
      let tag: string;
      try {
        tag = OciTag.fromBranch(b, max);
      } catch (e: any) {
        // Only a branch without a letter, digit or _ is refused.
        expect(b.replace(/^refs\/heads\//, '')).not.toMatch(/[a-zA-Z0-9_]/);
        expect(e.message).toMatch(/cannot be made into a tag/);
        return;
      }
      expect(tag).toMatch(GRAMMAR);
      expect(tag.length).toBeLessThanOrEqual(max);
      expect(tag).not.toMatch(/^[.-]/);
      expect(OciTag.fromBranch(tag, max)).toBe(tag);
      expect(OciTag.fromBranch(b, max)).toBe(tag); // deterministic
    }), { seed: 42, numRuns: 1000 });
  });
});
