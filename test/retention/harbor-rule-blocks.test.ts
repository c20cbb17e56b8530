import { HarborRetentionEvaluator, HarborRetentionRuleBlocks, HarborRetentionTranslation } from '../../src/retention';
import { RetentionPolicySpec, TagState } from '../../src/spec';

// Source: goharbor/terraform-provider-harbor v3.12.4 (489db88): client/retention.go (expandRententionRules),
// provider/resource_retention_policy.go (schema, retentionRuleParamValidation), docs/resources/retention_policy.md.

describe('HarborRetentionRuleBlocks: the provider\'s mapping of rule blocks to REST rules', () => {
  test('the documented example: n_days_since_last_pull 5 on "latest", n_days_since_last_push 10 on "{latest,snapshot}", repo_matching "**"', () => {
    const rest = JSON.parse(HarborRetentionRuleBlocks.toPolicy([
      { nDaysSinceLastPull: 5, repoMatching: '**', tagMatching: 'latest' },
      { nDaysSinceLastPush: 10, repoMatching: '**', tagMatching: '{latest,snapshot}' },
    ]));
    expect(rest).toEqual({
      algorithm: 'or',
      rules: [
        {
          disabled: false,
          action: 'retain',
          template: 'nDaysSinceLastPull',
          params: { nDaysSinceLastPull: 5 },
          tag_selectors: [{ kind: 'doublestar', decoration: 'matches', pattern: 'latest', extras: '{"untagged":true}' }],
          scope_selectors: { repository: [{ kind: 'doublestar', decoration: 'repoMatches', pattern: '**' }] },
        },
        {
          disabled: false,
          action: 'retain',
          template: 'nDaysSinceLastPush',
          params: { nDaysSinceLastPush: 10 },
          tag_selectors: [{ kind: 'doublestar', decoration: 'matches', pattern: '{latest,snapshot}', extras: '{"untagged":true}' }],
          scope_selectors: { repository: [{ kind: 'doublestar', decoration: 'repoMatches', pattern: '**' }] },
        },
      ],
    });
    expect(HarborRetentionEvaluator.problems(JSON.stringify(rest))).toEqual([]);
  });

  test('precedence of expandRententionRules: pull days before push days before counts before always; excluding overrides matching', () => {
    const rest = JSON.parse(HarborRetentionRuleBlocks.toPolicy([
      { nDaysSinceLastPush: 3, mostRecentlyPushed: 2, alwaysRetain: true, repoMatching: 'a', repoExcluding: 'b', tagMatching: 'x', tagExcluding: 'y', untaggedArtifacts: false },
    ]));
    expect(rest.rules[0]).toMatchObject({
      template: 'nDaysSinceLastPush',
      params: { nDaysSinceLastPush: 3 },
      tag_selectors: [{ decoration: 'excludes', pattern: 'y', extras: '{"untagged":false}' }],
      scope_selectors: { repository: [{ decoration: 'repoExcludes', pattern: 'b' }] },
    });
    // ... which the provider's plan-time validation rejects anyway.
    expect(HarborRetentionRuleBlocks.problems([{ nDaysSinceLastPush: 3, mostRecentlyPushed: 2, repoMatching: 'a', repoExcluding: 'b', tagMatching: 'x' }])).toEqual([
      'rule[0]: only one of [n_days_since_last_pull n_days_since_last_push most_recently_pulled most_recently_pushed always_retain] can be set, got 2',
      'rule[0]: only one of [repo_matching repo_excluding] can be set, got 2',
    ]);
    expect(HarborRetentionRuleBlocks.problems([])).toEqual(['rule: 0 blocks; the provider takes 1 to 15']);
  });

  test('a parameter of 0 is never sent (omitempty, "> 0"): such a rule has no template, and fromPolicy refuses it', () => {
    expect(JSON.parse(HarborRetentionRuleBlocks.toPolicy([{ mostRecentlyPushed: 0, repoMatching: '**', tagMatching: '**' }])).rules[0].template).toBe('');
    expect(() => HarborRetentionRuleBlocks.fromPolicy(JSON.stringify({ rules: [{ template: 'latestPushedK', params: { latestPushedK: 0 }, tag_selectors: [], scope_selectors: {} }] })))
      .toThrow(/has no rule block form[\s\S]*exactly one matches\/excludes tag selector[\s\S]*exactly one repoMatches/);
  });

  test('the translation\'s blocks map back to exactly its REST policy', () => {
    const policy: RetentionPolicySpec = {
      protectedTags: ['prod'],
      rules: [
        { tagState: TagState.TAGGED, tagPatterns: ['pr-*', 'v1'], keepMostRecent: 3 },
        { tagState: TagState.UNTAGGED, notPulledForDays: 7 },
        { tagState: TagState.TAGGED, tagPatterns: ['main-*'], keepMostRecentlyPulled: 2 },
      ],
    };
    const result = HarborRetentionTranslation.translate([{ repository: 'api', policy }, { repository: 'dev/web', policy }]);
    expect(HarborRetentionRuleBlocks.problems(result.ruleBlocks)).toEqual([]);
    expect(JSON.parse(HarborRetentionRuleBlocks.toPolicy(result.ruleBlocks))).toEqual(JSON.parse(result.policyJson));
    expect(result.ruleBlocks[0]).toEqual({ alwaysRetain: true, repoMatching: '{api,dev/web}', tagMatching: 'prod', untaggedArtifacts: false });
  });
});
