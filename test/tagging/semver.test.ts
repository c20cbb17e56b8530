import * as fc from 'fast-check';
import { compareSemVer, isRelease, parseSemVer, versionTag } from '../../src/tagging/semver';

describe('parseSemVer', () => {
  test.each<[string, object | undefined]>([
    ['1.2.3', { major: 1, minor: 2, patch: 3, prerelease: [], build: undefined, text: '1.2.3' }],
    ['v1.2.3-rc.1+build.5', { major: 1, minor: 2, patch: 3, prerelease: ['rc', '1'], build: 'build.5', text: '1.2.3-rc.1+build.5' }],
    // `_` separates build metadata in the OCI tag form of a version.
    ['1.0.0_sha.abc', { prerelease: [], build: 'sha.abc' }],
    ['01.2.3', undefined], // leading zero (semver.org, item 2)
    ['1.2', undefined],
    ['1.2.3-01', undefined], // numeric pre-release identifiers have no leading zero (item 9)
    ['1.2.3-', undefined],
    ['99999999999999999999.0.0', undefined], // beyond exact numbers: refused, not rounded
  ])('%s', (text, expected) => {
    const parsed = parseSemVer(text);
    if (expected === undefined) expect(parsed).toBeUndefined();
    else expect(parsed).toMatchObject(expected);
  });

  test('not a string: undefined', () => {
    expect(parseSemVer(42 as any)).toBeUndefined();
  });
});

describe('compareSemVer', () => {
  // semver.org, item 11: "1.0.0-alpha < 1.0.0-alpha.1 < 1.0.0-alpha.beta < 1.0.0-beta < 1.0.0-beta.2 < 1.0.0-beta.11 < 1.0.0-rc.1 < 1.0.0".
  const ordered = ['1.0.0-alpha', '1.0.0-alpha.1', '1.0.0-alpha.beta', '1.0.0-beta', '1.0.0-beta.2', '1.0.0-beta.11', '1.0.0-rc.1', '1.0.0', '1.0.1', '1.1.0', '2.0.0'];

  test('the precedence example of semver.org, item 11', () => {
    const shuffled = [...ordered].reverse().map((v) => parseSemVer(v)!);
    expect(shuffled.sort(compareSemVer).map((v) => v.text)).toEqual(ordered);
  });

  test('build metadata does not count; huge numeric identifiers compare exactly', () => {
    expect(compareSemVer(parseSemVer('1.0.0+a')!, parseSemVer('1.0.0+b')!)).toBe(0);
    expect(compareSemVer(parseSemVer('1.0.0-99999999999999999999')!, parseSemVer('1.0.0-99999999999999999998')!)).toBeGreaterThan(0);
  });

  test('property: a total order (antisymmetric and transitive) on generated versions', () => {
    const id = fc.oneof(fc.constantFrom('alpha', 'beta', 'rc'), fc.nat({ max: 12 }).map(String));
    const version = fc.tuple(fc.nat({ max: 3 }), fc.nat({ max: 3 }), fc.nat({ max: 3 }), fc.array(id, { maxLength: 3 }))
      .map(([a, b, c, pre]) => parseSemVer(`${a}.${b}.${c}${pre.length ? `-${pre.join('.')}` : ''}`)!);
    fc.assert(fc.property(version, version, version, (a, b, c) => {
      expect(Math.sign(compareSemVer(a, b))).toBe(-Math.sign(compareSemVer(b, a)) || 0);
      if (compareSemVer(a, b) <= 0 && compareSemVer(b, c) <= 0) expect(compareSemVer(a, c)).toBeLessThanOrEqual(0);
    }), { seed: 14, numRuns: 500 });
  });
});

describe('isRelease and versionTag', () => {
  test('a release has neither pre-release nor build metadata', () => {
    expect(['1.2.3', '1.2.3-rc.1', '1.2.3+b'].map((v) => isRelease(parseSemVer(v)!))).toEqual([true, false, false]);
  });

  test('the tag form replaces "+" (not allowed in OCI tags) by "_" and parses back to the same version', () => {
    const v = parseSemVer('v2.0.0-rc.1+build.7')!;
    expect(versionTag(v)).toBe('2.0.0-rc.1_build.7');
    expect(parseSemVer(versionTag(v))).toMatchObject({ major: 2, prerelease: ['rc', '1'], build: 'build.7' });
  });
});
