import { RetentionTagCheck } from '../../src/retention';
import { EnvironmentLayout, RegistrySpec, RetentionAction, StorageClass, TagState } from '../../src/spec';

const spec = (overrides: Partial<RegistrySpec> = {}): RegistrySpec => ({
  name: 'platform',
  repositories: [{ name: 'api' }, { name: 'web' }],
  environments: { layout: EnvironmentLayout.TAGS, chain: [{ name: 'dev' }, { name: 'staging' }, { name: 'prod' }] },
  ...overrides,
});

describe('RetentionTagCheck', () => {
  test('a rule that could expire the image "prod" points to is an error naming the rule and the fix', () => {
    const problems = RetentionTagCheck.check(spec({
      retention: { protectedTags: ['dev', 'staging'], rules: [{ tagState: TagState.TAGGED, tagPatterns: ['pr-*'], keepMostRecent: 5 }, { tagState: TagState.ANY, expireAfterDays: 90 }] },
    }));
    expect(problems).toEqual([{
      path: 'retention.rules[1]',
      value: '"prod"',
      message: expect.stringMatching(/could expire the image the environment tag "prod" points to: this rule selects every image and expires images older than 90 days\. Add "prod" to retention\.protectedTags, or set retention\.allowExpiringEnvironmentTags: true/),
    }]);
  });

  test('a tagged rule that does not match the tag can still select its image through another tag', () => {
    const problems = RetentionTagCheck.check(spec({ retention: { rules: [{ tagState: TagState.TAGGED, tagPatterns: ['pr-*'], expireAfterDays: 7 }] } }));
    expect(problems.map((p) => [p.path, p.value])).toEqual([['retention.rules[0]', '"dev"'], ['retention.rules[0]', '"staging"'], ['retention.rules[0]', '"prod"']]);
    expect(problems[0].message).toMatch(/selects an image tagged "dev" that also carries a tag matching pr-\*/);
  });

  test('protected patterns covering the environment tags make it safe; so do untagged-only rules', () => {
    expect(RetentionTagCheck.check(spec({ retention: { protectedTags: ['dev', 'staging', 'prod'], rules: [{ tagState: TagState.ANY, keepMostRecent: 3 }] } }))).toEqual([]);
    expect(RetentionTagCheck.check(spec({ retention: { protectedTags: ['*'], rules: [{ tagState: TagState.ANY, keepMostRecent: 3 }] } }))).toEqual([]);
    expect(RetentionTagCheck.check(spec({ retention: { rules: [{ tagState: TagState.UNTAGGED, expireAfterDays: 3 }] } }))).toEqual([]);
  });

  test('allowExpiringEnvironmentTags turns the check off explicitly', () => {
    const retention = { allowExpiringEnvironmentTags: true, rules: [{ tagState: TagState.ANY, keepMostRecent: 3 }] };
    expect(RetentionTagCheck.check(spec({ retention }))).toEqual([]);
  });

  test('repository overrides are checked at their own path', () => {
    const problems = RetentionTagCheck.check(spec({
      retention: { protectedTags: ['dev', 'staging', 'prod'], rules: [{ tagState: TagState.ANY, keepMostRecent: 3 }] },
      repositories: [{ name: 'api' }, { name: 'web', retention: { protectedTags: ['prod'], rules: [{ tagState: TagState.TAGGED, tagPatterns: ['st*'], expireAfterDays: 30 }] } }],
    }));
    expect(problems.map((p) => [p.path, p.value])).toEqual([['repositories[1].retention.rules[0]', '"dev"'], ['repositories[1].retention.rules[0]', '"staging"']]);
    expect(problems[1].message).toMatch(/selects it \(pattern st\*\)/);
  });

  test('with the repositories layout, environment names are tags only when the tag policy uses them as tags', () => {
    const base = { layout: EnvironmentLayout.REPOSITORIES, chain: [{ name: 'dev' }, { name: 'prod' }] };
    const retention = { rules: [{ tagState: TagState.ANY, keepMostRecent: 3 }] };
    expect(RetentionTagCheck.check(spec({ environments: base, retention }))).toEqual([]);
    const withTags = RetentionTagCheck.check(spec({ environments: base, retention, tagPolicy: { mutableTags: ['latest', 'prod'] } }));
    expect(withTags.map((p) => p.value)).toEqual(['"prod"']);
  });

  test('no environments: nothing to check', () => {
    const retention = { rules: [{ tagState: TagState.ANY, keepMostRecent: 1 }] };
    expect(RetentionTagCheck.check(spec({ environments: undefined, retention }))).toEqual([]);
  });

  test('archiving the image an environment tag points to is reported too (it cannot be pulled until restored); rules over archived images are not', () => {
    const problems = RetentionTagCheck.check(spec({
      retention: {
        protectedTags: ['dev', 'staging'],
        rules: [
          { tagState: TagState.ANY, storageClass: StorageClass.ARCHIVE, archivedForDays: 365 },
          { tagState: TagState.ANY, notPulledForDays: 90, action: RetentionAction.ARCHIVE },
        ],
      },
    }));
    expect(problems).toEqual([{
      path: 'retention.rules[1]',
      value: '"prod"',
      message: expect.stringMatching(/this rule selects every image and archives images not pulled for 90 days \(an archived image cannot be pulled until it is restored\)\. Add "prod"/),
    }]);
  });
});
