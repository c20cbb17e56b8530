import * as fc from 'fast-check';
import { TagStrategy } from '../../src/spec';
import { ProblemsError } from '../../src/spec/problems';
import { BuildTags, BuildTagsInput, ComputedTag, OciTag, TagKind } from '../../src/tagging';

const SHA = 'abc1234def5678901234567890abcdef12345678';
const render = (tags: ComputedTag[]) => tags.map((t) => `${t.tag} ${t.kind} ${t.mutable ? 'moves' : 'write-once'}`);
const compute = (input: Partial<BuildTagsInput>) => BuildTags.compute({ gitSha: SHA, ...input });
/** The ProblemsError a call throws (fails the test when it throws nothing else). */
function problemsOf(f: () => unknown): ProblemsError {
  try {
    f();
  } catch (e) {
    if (e instanceof ProblemsError) return e;
    throw e;
  }
  throw new Error('no error thrown');
}

describe('BuildTags.compute', () => {
  test('a first release: build tag, version, and every alias', () => {
    const set = compute({ version: '1.2.3' });
    expect(set.buildTag).toBe('1.2.3-abc1234');
    expect(set.shortSha).toBe('abc1234');
    expect(set.version).toBe('1.2.3');
    expect(render(set.tags)).toEqual([
      '1.2.3-abc1234 build write-once',
      '1.2.3 version write-once',
      '1.2 minor-alias moves',
      '1 major-alias moves',
      'latest latest moves',
    ]);
    expect(set.notes).toEqual([]);
  });

  test('an alias moves only when the build is the highest release of its range', () => {
    const set = compute({ version: '1.2.4', existingVersions: ['1.2.3', '1.3.0', '2.0.0-rc.1', 'latest', '1.2', 'dev'] });
    expect(set.tags.filter((t) => t.mutable).map((t) => t.tag)).toEqual(['1.2']);
    expect(set.notes).toEqual(['1 stays on 1.3.0: it is higher than 1.2.4', 'latest stays on 1.3.0: it is higher than 1.2.4']);
    // A pre-release, even a higher one, never holds an alias.
    expect(compute({ version: '1.3.1', existingVersions: ['1.3.0', '2.0.0-rc.1'] }).tags.filter((t) => t.mutable).map((t) => t.tag))
      .toEqual(['1.3', '1', 'latest']);
  });

  test('pre-releases and build metadata move no alias', () => {
    const pre = compute({ version: '2.0.0-rc.1' });
    expect(render(pre.tags)).toEqual(['2.0.0-rc.1-abc1234 build write-once', '2.0.0-rc.1 version write-once']);
    expect(pre.notes).toEqual(['2.0.0-rc.1 is a pre-release: it moves no alias']);
    // `+` is not allowed in a tag: build metadata is written with `_` (Helm's convention for OCI).
    const meta = compute({ version: 'v1.2.3+build.5' });
    expect(meta.tags.map((t) => t.tag)).toEqual(['1.2.3_build.5-abc1234', '1.2.3_build.5']);
    expect(meta.notes).toEqual(['1.2.3+build.5 is a version with build metadata: it moves no alias']);
  });

  test('a rebuild of an existing version moves nothing', () => {
    const set = compute({ version: '1.2.3', existingVersions: ['1.2.3'] });
    expect(set.tags.filter((t) => t.mutable)).toEqual([]);
    expect(set.notes[0]).toBe('1.2 stays on 1.2.3: 1.2.3 already exists (a rebuild moves no alias)');
  });

  test('aliases and latest can be turned off separately', () => {
    expect(compute({ version: '1.2.3', semverAliases: false }).tags.map((t) => t.tag)).toEqual(['1.2.3-abc1234', '1.2.3', 'latest']);
    expect(compute({ version: '1.2.3', latest: false }).tags.map((t) => t.tag)).toEqual(['1.2.3-abc1234', '1.2.3', '1.2', '1']);
  });

  test('version-sha and git-sha strategies', () => {
    expect(render(compute({ version: '1.2.3', strategy: TagStrategy.VERSION_SHA }).tags)).toEqual(['1.2.3-abc1234 build write-once']);
    const git = compute({ version: '1.2.3', strategy: TagStrategy.GIT_SHA });
    expect(render(git.tags)).toEqual(['abc1234 build write-once']);
    expect(git.notes).toEqual(['version 1.2.3 is ignored: the git-sha strategy tags the short sha alone']);
  });

  test('without a version, the short sha alone', () => {
    const set = compute({ branch: 'feature/Foo_bar' });
    expect(render(set.tags)).toEqual(['abc1234 build write-once', 'feature-foo_bar branch moves']);
    expect(set.version).toBeUndefined();
    expect(set.notes).toEqual(['no version: the build tag is the short sha alone, and no alias moves']);
  });

  test('bad input: one ProblemsError listing every problem, each with its field, the value and what is allowed', () => {
    const error = problemsOf(() => BuildTags.compute({ gitSha: 'xyz', version: '1.2', branch: '///', strategy: 'calver' as TagStrategy }));
    // Before: one string, the problems joined with "; ".
    expect(error.problems).toEqual([
      { path: 'strategy', value: '"calver"', message: 'is not a tag strategy (allowed: semver, version-sha, git-sha)' },
      { path: 'gitSha', value: '"xyz"', message: 'is not a git commit sha (7 to 40 hexadecimal characters)' },
      { path: 'version', value: '"1.2"', message: expect.stringMatching(/^is not a semantic version \(MAJOR\.MINOR\.PATCH/) },
      { path: 'branch', value: '"///"', message: 'cannot be made into a tag: it has no letter, digit or _ (a tag starts with one of those)' },
    ]);
    expect(error.message).toMatch(/^Cannot compute the tags of this build: 4 problems\n {2}- strategy: "calver" is not a tag strategy/);
    expect(error.message).toContain('\n  - branch: "///" cannot be made into a tag');
  });

  test('a branch tag must not take the name or the shape of a write-once tag', () => {
    expect(() => compute({ version: '1.2.3', branch: 'latest' })).toThrow(/branch: "latest" gives the tag "latest", which is also this build's latest tag/);
    expect(() => compute({ branch: '1.4.0' })).toThrow(/gives the tag "1.4.0", which looks like a version or a commit sha/);
    expect(() => compute({ branch: 'deadbeef' })).toThrow(/looks like a version or a commit sha/);
  });

  test('a version too long for a tag is a clear error', () => {
    const error = problemsOf(() => compute({ version: `1.2.3-${'a'.repeat(130)}`, gitSha: 'nope' }));
    expect(error.problems.map((p) => [p.path, p.message])).toEqual([
      ['gitSha', 'is not a git commit sha (7 to 40 hexadecimal characters)'],
    ]);
    const long = problemsOf(() => compute({ version: `1.2.3-${'a'.repeat(130)}` }));
    expect(long.problems).toEqual([{
      path: 'version',
      value: expect.stringMatching(/^"1\.2\.3-a+\.\.\.$/),
      message: `gives the build tag "1.2.3-${'a'.repeat(34)}...", which is 144 characters long; a tag has at most 128`,
    }]);
  });
});

describe('BuildTags.environmentTag', () => {
  test('the environment name, a moving tag', () => {
    expect(BuildTags.environmentTag('prod')).toEqual({ tag: 'prod', kind: TagKind.ENVIRONMENT, mutable: true });
  });
  test('refuses names that are not tags or look like write-once tags', () => {
    expect(problemsOf(() => BuildTags.environmentTag('-pre/prod')).problems).toEqual([
      { path: 'environment', value: '"-pre/prod"', message: 'cannot be a tag: it starts with "-"; the first character must be a letter, a digit or _' },
      { path: 'environment', value: '"-pre/prod"', message: 'cannot be a tag: it contains "/" (first at position 5); allowed: letters, digits, _ . -' },
    ]);
    expect(problemsOf(() => BuildTags.environmentTag('1.0.0')).problems).toEqual([
      { path: 'environment', value: '"1.0.0"', message: expect.stringMatching(/^looks like a version or a commit sha/) },
    ]);
  });
});

// ---- Properties --------------------------------------------------------------------

interface Release { major: number; minor: number; patch: number }
const cmp = (a: Release, b: Release) => a.major - b.major || a.minor - b.minor || a.patch - b.patch;
const text = (r: Release) => `${r.major}.${r.minor}.${r.patch}`;

const versionArb = fc.record({
  major: fc.integer({ min: 0, max: 3 }),
  minor: fc.integer({ min: 0, max: 3 }),
  patch: fc.integer({ min: 0, max: 3 }),
  pre: fc.option(fc.constantFrom('rc.1', 'beta', 'alpha.2'), { freq: 4 }),
  build: fc.option(fc.constantFrom('build.5', 'ci'), { freq: 8 }),
}).map((v) => ({
  release: { major: v.major, minor: v.minor, patch: v.patch },
  isRelease: !v.pre && !v.build,
  text: `${text(v)}${v.pre ? `-${v.pre}` : ''}${v.build ? `+${v.build}` : ''}`,
}));
const shaArb = fc.stringMatching(/^[0-9a-f]{40}$/);
const pushesArb = fc.array(fc.record({ version: versionArb, sha: shaArb, seed: fc.integer() }), { minLength: 1, maxLength: 25 });

/** A deterministic shuffle, so the property also checks that the order of existing versions does not matter. */
function shuffle<T>(items: T[], seed: number): T[] {
  const out = [...items];
  let s = (Math.abs(seed) % 2147483646) + 1;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 16807) % 2147483647; // Park-Miller
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

describe('BuildTags properties', () => {
  // A registry is simulated: each build pushes its tags, moving the aliases it returns.
  // After every push, each alias points at the highest release of its range among all
  // versions pushed so far (existing + new), and every range with a release has its alias.
  test('aliases always point at the highest matching release; pre-releases never move them', () => {
    fc.assert(fc.property(pushesArb, (pushes) => {
      const existing: string[] = ['latest', 'dev', '1.2'];
      const aliases = new Map<string, string>();
      const releases: Release[] = [];
      for (const push of pushes) {
        const set = BuildTags.compute({ gitSha: push.sha, version: push.version.text, existingVersions: shuffle(existing, push.seed) });
        const moved = set.tags.filter((t) => t.mutable);
        if (!push.version.isRelease) expect(moved).toEqual([]);
        for (const t of moved) aliases.set(t.tag, push.version.text);
        existing.push(...set.tags.filter((t) => !t.mutable).map((t) => t.tag));
        if (push.version.isRelease) releases.push(push.version.release);

        const highest = (inRange: (r: Release) => boolean) => releases.filter(inRange).sort(cmp).pop();
        const expected = new Map<string, string>();
        for (const r of releases) {
          expected.set(`${r.major}.${r.minor}`, text(highest((x) => x.major === r.major && x.minor === r.minor)!));
          expected.set(`${r.major}`, text(highest((x) => x.major === r.major)!));
          expected.set('latest', text(highest(() => true)!));
        }
        expect(new Map([...aliases].sort())).toEqual(new Map([...expected].sort()));
      }
    }), { seed: 20261126, numRuns: 300 });
  });

  test('the computation is deterministic, grammatical, and write-once tags come first', () => {
    fc.assert(fc.property(versionArb, shaArb, fc.array(versionArb, { maxLength: 8 }),
      fc.constantFrom(...Object.values(TagStrategy)), fc.option(fc.stringMatching(/^[a-zA-Z][a-zA-Z0-9/_.-]{0,40}$/)), fc.integer(),
      (version, sha, existing, strategy, branch, seed) => {
        const input = { gitSha: sha, version: version.text, existingVersions: existing.map((e) => e.text), strategy, branch: branch ?? undefined };
        let a;
        try {
          a = BuildTags.compute(input);
        } catch (e: any) {
          // Only a branch that clashes with a write-once tag's shape or name is refused here.
          expect(e).toBeInstanceOf(ProblemsError);
          expect((e as ProblemsError).problems.map((p) => p.path)).toEqual(['branch']);
          return;
        }
        const b = BuildTags.compute({ ...input, existingVersions: shuffle(input.existingVersions, seed) });
        expect(b).toEqual(a);
        for (const t of a.tags) expect(OciTag.problems(t.tag)).toEqual([]);
        expect(new Set(a.tags.map((t) => t.tag)).size).toBe(a.tags.length);
        const firstMoving = a.tags.findIndex((t) => t.mutable);
        if (firstMoving >= 0) expect(a.tags.slice(firstMoving).every((t) => t.mutable)).toBe(true);
        expect(a.tags[0]).toEqual({ tag: a.buildTag, kind: TagKind.BUILD, mutable: false });
      }), { seed: 7, numRuns: 500 });
  });
});
