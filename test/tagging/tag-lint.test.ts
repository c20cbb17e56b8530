import { EnvironmentLayout, RegistrySpec, TagState, TagStrategy } from '../../src/spec';
import { TagLint, TagLintCode } from '../../src/tagging';
import { validSpec } from '../spec/fixtures';

const lint = (overrides: Partial<RegistrySpec>) => TagLint.lint(validSpec(overrides));
const codes = (overrides: Partial<RegistrySpec>) => lint(overrides).map((f) => `${f.code} ${f.path}`);
const tagsLayout = { layout: EnvironmentLayout.TAGS, chain: [{ name: 'dev' }, { name: 'staging' }, { name: 'prod' }] };

describe('TagLint', () => {
  test('the reference spec has no finding', () => {
    expect(TagLint.lint(validSpec())).toEqual([]);
    expect(codes({ environments: tagsLayout })).toEqual([]);
  });

  describe('latest-only', () => {
    test('a retention that keeps one image and protects no release leaves latest alone', () => {
      const findings = lint({ retention: { protectedTags: ['latest'], rules: [{ tagState: TagState.ANY, keepMostRecent: 1 }] } });
      expect(findings).toEqual([{
        code: TagLintCode.LATEST_ONLY,
        path: 'retention.rules[0]',
        message: expect.stringMatching(/^keeps only the most recent image .* the only version left is the one latest points to, with no history to roll back to$/),
        fix: expect.stringMatching(/^keep more images \(keepMostRecent: 10\), or protect release tags \(protectedTags such as "\*\.\*\.\*"\)/),
      }]);
      expect(codes({ repositories: [{ name: 'api', retention: { rules: [{ tagState: TagState.TAGGED, tagPatterns: ['*'], keepMostRecent: 1 }] } }] }))
        .toEqual(['latest-only repositories[0].retention.rules[0]']);
    });

    test('not when releases are protected, claimed by an earlier rule, or more images are kept', () => {
      expect(codes({ retention: { protectedTags: ['*.*.*'], rules: [{ tagState: TagState.ANY, keepMostRecent: 1 }] } })).toEqual([]);
      expect(codes({ retention: { rules: [{ tagState: TagState.TAGGED, tagPatterns: ['v*'], keepMostRecent: 20 }, { tagState: TagState.ANY, keepMostRecent: 1 }] } }))
        .toEqual([]);
      expect(codes({ retention: { rules: [{ tagState: TagState.ANY, keepMostRecent: 2 }] } })).toEqual([]);
    });

    test('an environment named latest makes promotion depend on latest (tags layout)', () => {
      const chain = [{ name: 'dev' }, { name: 'latest' }];
      expect(codes({ environments: { layout: EnvironmentLayout.TAGS, chain } })).toEqual(['latest-only environments.chain[1].name']);
      expect(codes({ environments: { layout: EnvironmentLayout.REPOSITORIES, chain } })).toEqual([]);
    });
  });

  describe('date-tag', () => {
    test('date-like mutable, protected and rule patterns', () => {
      const findings = lint({
        tagPolicy: { mutableTags: ['latest', 'nightly-2025-10-18'] },
        retention: { protectedTags: ['20251018'], rules: [{ tagState: TagState.TAGGED, tagPatterns: ['pr-*', '2025.10.*'], expireAfterDays: 30 }] },
      });
      expect(findings.map((f) => `${f.code} ${f.path}`)).toEqual([
        'date-tag tagPolicy.mutableTags[1]',
        'date-tag retention.protectedTags[0]',
        'date-tag retention.rules[0].tagPatterns[1]',
      ]);
      expect(findings[0].message).toMatch(/^"nightly-2025-10-18" looks like a date tag \(2025-10-18\): a date says when an image was built, not what it is/);
      expect(findings[0].fix).toMatch(/^tag builds with the version and the git sha \(1\.2\.3-abc1234/);
    });

    test('versions, shas and other numbers are not dates', () => {
      expect(codes({
        tagPolicy: { mutableTags: ['latest', 'release-10-18', 'v2025'] },
        retention: { protectedTags: ['1.2.3', 'abc1234', '20.10.3'] },
      })).toEqual([]);
    });
  });

  describe('mutable-release-tags', () => {
    test('immutable: false, or mutable patterns that match release tags', () => {
      const findings = lint({
        tagPolicy: { immutable: false },
        repositories: [
          { name: 'api', tagPolicy: { mutableTags: ['latest', '*'] } },
          { name: 'web', tagPolicy: { mutableTags: ['v*', '1.*'] } },
          { name: 'worker', tagPolicy: { strategy: TagStrategy.GIT_SHA, mutableTags: ['latest', 'a*'] } },
        ],
      });
      expect(findings.map((f) => `${f.code} ${f.path}`)).toEqual([
        'mutable-release-tags tagPolicy.immutable',
        'mutable-release-tags repositories[0].tagPolicy.mutableTags[1]',
        'mutable-release-tags repositories[1].tagPolicy.mutableTags[0]',
        'mutable-release-tags repositories[1].tagPolicy.mutableTags[1]',
        'latest-not-mutable repositories[1].tagPolicy.mutableTags',
        'mutable-release-tags repositories[2].tagPolicy.mutableTags[1]',
      ]);
      expect(findings[0].message).toMatch(/^tags are mutable \(immutable: false\) with the semver strategy: release tags such as 1\.2\.3 and 1\.2\.3-abc1234 can be overwritten/);
      expect(findings[2].message).toBe('the mutable pattern "v*" matches release tags (such as "v1.1.1"), so they can be overwritten although the policy is immutable');
      expect(findings[3].message).toMatch(/"1\.\*" matches release tags \(such as "1\.1\.1"\)/);
      expect(findings[5].message).toMatch(/"a\*" matches release tags \(such as "a111111"\)/);
    });

    test('not for patterns that match no release tag', () => {
      expect(codes({ tagPolicy: { mutableTags: ['latest', 'feature-*', 'pr-*', 'dev'] } })).toEqual([]);
    });
  });

  describe('promotion-overwrites-immutable', () => {
    test('tags layout with environment tags outside mutableTags', () => {
      const findings = lint({ environments: tagsLayout, tagPolicy: { mutableTags: ['latest', 'dev'] } });
      expect(findings).toEqual([{
        code: TagLintCode.PROMOTION_OVERWRITES_IMMUTABLE,
        path: 'tagPolicy.mutableTags',
        message: expect.stringMatching(/^with the tags layout, promoting an image moves its environment tag \("staging", "prod"\) onto it, .* the second promotion would overwrite an immutable tag/),
        fix: expect.stringMatching(/^add "staging", "prod" to mutableTags/),
      }]);
      // A repository override is linted at its own path.
      expect(codes({ environments: tagsLayout, repositories: [{ name: 'api', tagPolicy: { mutableTags: ['latest', 'env-*'] } }] }))
        .toEqual(['promotion-overwrites-immutable repositories[0].tagPolicy.mutableTags']);
    });

    test('not with environment patterns, mutable tags, or another layout', () => {
      expect(codes({ environments: tagsLayout, tagPolicy: { mutableTags: ['latest', 'dev', 'staging', 'prod'] } })).toEqual([]);
      expect(codes({ environments: tagsLayout, tagPolicy: { mutableTags: ['latest', '*'] } })).toEqual(['mutable-release-tags tagPolicy.mutableTags[1]']);
      expect(codes({ tagPolicy: { mutableTags: ['latest'] } })).toEqual([]);
    });
  });

  describe('latest-not-mutable', () => {
    test('semver moves latest but the policy makes it write-once', () => {
      const findings = lint({ tagPolicy: { mutableTags: ['prod'] } });
      expect(findings.map((f) => `${f.code} ${f.path}`)).toEqual(['latest-not-mutable tagPolicy.mutableTags']);
      expect(findings[0].fix).toBe('add "latest" to mutableTags, or stop pushing latest (BuildTags.compute with latest: false) and pin versions');
    });
    test('not with other strategies, or with latest mutable', () => {
      expect(codes({ tagPolicy: { mutableTags: ['prod'], strategy: TagStrategy.VERSION_SHA } })).toEqual([]);
      expect(codes({ tagPolicy: { mutableTags: ['lat*'] } })).toEqual([]);
    });
  });

  describe('environment-tag-expiry', () => {
    test("the retention layer's problems become findings", () => {
      const findings = TagLint.lint(validSpec(), {
        environmentTagProblems: [{ path: 'retention.rules[2]', value: '{}', message: 'could expire the image tagged "staging"' }],
      });
      expect(findings).toEqual([{
        code: TagLintCode.ENVIRONMENT_TAG_EXPIRY,
        path: 'retention.rules[2]',
        message: 'could expire the image tagged "staging"',
        fix: expect.stringMatching(/^protect the environment tags in protectedTags/),
      }]);
    });
    test('none without problems', () => {
      expect(TagLint.lint(validSpec(), { environmentTagProblems: [] })).toEqual([]);
    });
  });

  test('format renders one block per finding', () => {
    const text = TagLint.format(lint({ tagPolicy: { mutableTags: ['prod'] } }));
    expect(text).toMatch(/^latest-not-mutable tagPolicy\.mutableTags: the semver strategy moves latest .*\n {2}fix: add "latest" to mutableTags/);
  });
});
