import { Testing, Token } from 'cdktf';
import * as fc from 'fast-check';
import { Project } from '../../src/harbor/provider/project';
import { RetentionPolicy, RetentionPolicyRule } from '../../src/harbor/provider/retention-policy';
import { HarborRetentionRest } from '../../src/harbor/provider/retention-rest';

// The provider's mapping from `harbor_retention_policy` blocks to Harbor's REST policy,
// checked on the provider's own acceptance-test fixtures and docs example
// (goharbor/terraform-provider-harbor v3.12.4, provider/resource_retention_policy_test.go
// and docs/resources/retention_policy.md). The expected bodies are written out from
// client/retention.go and models/retention.go (JSON field names, `omitempty` params).

const doublestarRepo = (decoration: string, pattern: string) => ({ repository: [{ kind: 'doublestar', decoration, pattern }] });
const doublestarTag = (decoration: string, pattern: string, untagged = true) =>
  [{ kind: 'doublestar', decoration, pattern, extras: `{"untagged":${untagged}}` }];

describe('HarborRetentionRest.fromRules', () => {
  test('testAccCheckRetentionBasic (resource_retention_policy_test.go:85-107): Daily, pull-days then push-days', () => {
    const body = HarborRetentionRest.fromRules({
      scope: '/projects/7', // harbor_project.main.id: the project's Location header path
      schedule: 'Daily',
      rules: [
        { nDaysSinceLastPull: 5, repoMatching: '**', tagMatching: 'latest' },
        { nDaysSinceLastPush: 10, repoMatching: '**', tagMatching: 'latest' },
      ],
    });
    expect(body).toEqual({
      algorithm: 'or',
      rules: [
        { disabled: false, action: 'retain', scope_selectors: doublestarRepo('repoMatches', '**'), tag_selectors: doublestarTag('matches', 'latest'), params: { nDaysSinceLastPull: 5 }, template: 'nDaysSinceLastPull' },
        { disabled: false, action: 'retain', scope_selectors: doublestarRepo('repoMatches', '**'), tag_selectors: doublestarTag('matches', 'latest'), params: { nDaysSinceLastPush: 10 }, template: 'nDaysSinceLastPush' },
      ],
      trigger: { kind: 'Schedule', references: {}, settings: { cron: '0 0 0 * * *' } },
      scope: { level: 'project', ref: 7 },
    });
  });

  test('testAccCheckRetentionScheduleNone (lines 109-131): an empty schedule sends cron ""', () => {
    const body = HarborRetentionRest.fromRules({ scope: '/projects/7', schedule: '', rules: [{ nDaysSinceLastPull: 5, repoMatching: '**', tagMatching: 'latest' }] });
    expect(body.trigger).toEqual({ kind: 'Schedule', references: {}, settings: { cron: '' } });
    expect(HarborRetentionRest.fromRules({ scope: '/projects/7', rules: [{ alwaysRetain: true, repoMatching: '**', tagMatching: '**' }] }).trigger.settings.cron).toBe('');
  });

  test('testAccCheckRetentionMultipleRulesValid (lines 268-298): disabled rule, repository and tag patterns', () => {
    const body = HarborRetentionRest.fromRules({
      scope: '/projects/31',
      schedule: 'Daily',
      rules: [
        { nDaysSinceLastPull: 7, repoMatching: '**', tagMatching: 'latest' },
        { nDaysSinceLastPush: 14, repoMatching: 'myrepo/**', tagMatching: 'v*' },
        { nDaysSinceLastPull: 30, repoMatching: 'archive/**', tagMatching: '*', disabled: true },
      ],
    });
    expect(body.scope).toEqual({ level: 'project', ref: 31 });
    const summary = (r: any) => [r.disabled, r.template, r.params, r.scope_selectors.repository[0].pattern, r.tag_selectors[0].pattern];
    expect(body.rules.map(summary)).toEqual([
      [false, 'nDaysSinceLastPull', { nDaysSinceLastPull: 7 }, '**', 'latest'],
      [false, 'nDaysSinceLastPush', { nDaysSinceLastPush: 14 }, 'myrepo/**', 'v*'],
      [true, 'nDaysSinceLastPull', { nDaysSinceLastPull: 30 }, 'archive/**', '*'],
    ]);
  });

  test('docs/resources/retention_policy.md example: a brace list stays one doublestar pattern', () => {
    const body = HarborRetentionRest.fromRules({ scope: '/projects/1', schedule: 'Daily', rules: [{ nDaysSinceLastPush: 10, repoMatching: '**', tagMatching: '{latest,snapshot}' }] });
    expect(body.rules[0].tag_selectors).toEqual(doublestarTag('matches', '{latest,snapshot}'));
  });

  test('each retain parameter has its template and REST param name (client/retention.go:60-74)', () => {
    const templates = ([
      [{ nDaysSinceLastPull: 3 }, 'nDaysSinceLastPull', { nDaysSinceLastPull: 3 }],
      [{ nDaysSinceLastPush: 4 }, 'nDaysSinceLastPush', { nDaysSinceLastPush: 4 }],
      [{ mostRecentlyPulled: 5 }, 'latestPulledN', { latestPulledN: 5 }],
      [{ mostRecentlyPushed: 6 }, 'latestPushedK', { latestPushedK: 6 }],
      [{ alwaysRetain: true }, 'always', {}],
    ] as Array<[RetentionPolicyRule, string, object]>).map(([param, template, params]) => {
      const r = HarborRetentionRest.fromRules({ scope: '/projects/2', rules: [{ ...param, repoMatching: '**', tagMatching: '**' }] }).rules[0];
      expect(r.params).toEqual(params);
      expect(r.template).toBe(template);
      return r.template;
    });
    expect(templates).toEqual(HarborRetentionRest.TEMPLATES);
  });

  test('excluding selectors, untagged false, and the excluding pattern replaces a matching one', () => {
    const [a, b] = HarborRetentionRest.fromRules({
      scope: '/projects/2',
      rules: [
        { mostRecentlyPushed: 3, repoExcluding: 'tmp/**', tagExcluding: 'pr-*', untaggedArtifacts: false },
        // Refused by the plan check, but this is what the body builder does with both set.
        { mostRecentlyPushed: 3, repoMatching: 'a', repoExcluding: 'b', tagMatching: 'x', tagExcluding: 'y' },
      ],
    }).rules;
    expect(a.scope_selectors).toEqual(doublestarRepo('repoExcludes', 'tmp/**'));
    expect(a.tag_selectors).toEqual(doublestarTag('excludes', 'pr-*', false));
    expect(b.scope_selectors).toEqual(doublestarRepo('repoExcludes', 'b'));
    expect(b.tag_selectors).toEqual(doublestarTag('excludes', 'y'));
  });

  test('precedence and edge cases of the body builder: first positive parameter wins; negative counts select no template', () => {
    const rules = HarborRetentionRest.fromRules({
      scope: '/projects/2',
      rules: [
        { nDaysSinceLastPush: 3, mostRecentlyPushed: 5, alwaysRetain: true, repoMatching: '**', tagMatching: '**' },
        { mostRecentlyPushed: -1, repoMatching: '**', tagMatching: '**' },
        { alwaysRetain: true, repoMatching: '**' },
      ],
    }).rules;
    expect(rules[0].template).toBe('nDaysSinceLastPush');
    expect(rules[0].params).toEqual({ nDaysSinceLastPush: 3 });
    expect(rules[1].template).toBe('');
    expect(rules[1].params).toEqual({});
    // No tag pattern: the selector keeps only its kind (and no untagged extras).
    expect(rules[2].tag_selectors).toEqual([{ kind: 'doublestar', decoration: '', pattern: '', extras: '' }]);
    // A negative count passes the provider's plan check (it counts non-zero ints) yet maps to no template.
    expect(HarborRetentionRest.problems([{ mostRecentlyPushed: -1, repoMatching: '**', tagMatching: '**' }])).toEqual([]);
  });

  test('scope: first run of digits, 0 without digits; a reference needs projectId', () => {
    const rules = [{ alwaysRetain: true, repoMatching: '**', tagMatching: '**' }];
    expect(HarborRetentionRest.fromRules({ scope: '/projects/123', rules }).scope.ref).toBe(123);
    expect(HarborRetentionRest.fromRules({ scope: '42', rules }).scope.ref).toBe(42);
    expect(HarborRetentionRest.fromRules({ scope: 'main', rules }).scope.ref).toBe(0);
    const ref = Token.asString({ resolve: () => '/projects/9' } as any);
    expect(() => HarborRetentionRest.fromRules({ scope: ref, rules })).toThrow(/is a reference: pass projectId/);
    expect(HarborRetentionRest.fromRules({ scope: ref, projectId: 9, rules }).scope.ref).toBe(9);
    expect(() => HarborRetentionRest.fromRules({ scope: '/projects/1', rules: [{ ...rules[0], tagMatching: Token.asString({ resolve: () => 'x' } as any) }] }))
      .toThrow(/rule\[0\]\.tagMatching is an unresolved token/);
  });

  test('schedule words map to Harbor crons in any case; other strings pass through (client/misc.go:9-32)', () => {
    expect(['Hourly', 'DAILY', 'weekly', '0 0 0 * * 0', '0 30 2 * * *'].map((s) => HarborRetentionRest.cron(s)))
      .toEqual(['0 0 * * * *', '0 0 0 * * *', '0 0 0 * * 0', '0 0 0 * * 0', '0 30 2 * * *']);
  });
});

describe('HarborRetentionRest.problems (resource_retention_policy.go:321-343, the provider tests\' expected "one of" errors)', () => {
  test.each([
    ['testAccCheckRetentionNoTagSelector (lines 146-161)', [{ nDaysSinceLastPull: 5, repoMatching: '**' }], 'rule[0]: exactly one of [tag_matching tag_excluding] must be set'],
    ['testAccCheckRetentionNoRepoSelector (lines 176-191)', [{ nDaysSinceLastPull: 5, tagMatching: 'latest' }], 'rule[0]: exactly one of [repo_matching repo_excluding] must be set'],
    ['testAccCheckRetentionNoRetainParam (lines 206-221)', [{ repoMatching: '**', tagMatching: 'latest' }], 'rule[0]: exactly one of [n_days_since_last_pull n_days_since_last_push most_recently_pulled most_recently_pushed always_retain] must be set'],
    ['testAccCheckRetentionMultiRuleMissingTag (lines 317-339)', [{ nDaysSinceLastPull: 7, repoMatching: '**', tagMatching: 'latest' }, { nDaysSinceLastPush: 10, repoMatching: '**' }], 'rule[1]: exactly one of [tag_matching tag_excluding] must be set'],
    ['testAccCheckRetentionMultiRuleMissingRepo (lines 354-376)', [{ nDaysSinceLastPull: 7, repoMatching: '**', tagMatching: 'latest' }, { nDaysSinceLastPush: 10, tagMatching: 'v*' }], 'rule[1]: exactly one of [repo_matching repo_excluding] must be set'],
    ['testAccCheckRetentionMultiRuleMissingRetain (lines 391-413)', [{ nDaysSinceLastPull: 7, repoMatching: '**', tagMatching: 'latest' }, { repoMatching: '**', tagMatching: 'v*' }], 'rule[1]: exactly one of [n_days_since_last_pull n_days_since_last_push most_recently_pulled most_recently_pushed always_retain] must be set'],
  ] as Array<[string, RetentionPolicyRule[], string]>)('%s', (_name, rules, message) => {
    expect(HarborRetentionRest.problems(rules)).toEqual([message]);
    expect(message).toMatch(/one of/); // the provider test's ExpectError
  });

  test('the valid fixtures pass; two parameters, an empty pattern, and the block limits are refused', () => {
    expect(HarborRetentionRest.problems([
      { nDaysSinceLastPull: 7, repoMatching: '**', tagMatching: 'latest' },
      { nDaysSinceLastPush: 14, repoMatching: 'myrepo/**', tagMatching: 'v*' },
      { nDaysSinceLastPull: 30, repoMatching: 'archive/**', tagMatching: '*', disabled: true },
    ])).toEqual([]);
    expect(HarborRetentionRest.problems([{ mostRecentlyPushed: 2, alwaysRetain: true, repoMatching: '**', tagMatching: '' }])).toEqual([
      'rule[0]: only one of [n_days_since_last_pull n_days_since_last_push most_recently_pulled most_recently_pushed always_retain] can be set, got 2',
      'rule[0]: exactly one of [tag_matching tag_excluding] must be set',
    ]);
    // always_retain = false does not count as set.
    expect(HarborRetentionRest.problems([{ alwaysRetain: false, repoMatching: '**', tagMatching: '**' }])).toHaveLength(1);
    expect(HarborRetentionRest.problems([])).toEqual(['rule: at least 1 block is required (MinItems 1)']);
    const ok = { alwaysRetain: true, repoMatching: '**', tagMatching: '**' };
    expect(HarborRetentionRest.problems(Array(15).fill(ok))).toEqual([]);
    expect(HarborRetentionRest.problems(Array(16).fill(ok))).toEqual(['rule: at most 15 blocks are allowed (MaxItems 15), got 16']);
  });
});

// The provider's read path (resource_retention_policy.go:232-278, resolveRules), transcribed:
// what `terraform plan` sees after an apply. For every rule the plan check accepts, reading
// back the body must give the configured rule, or Terraform would show a perpetual diff;
// so the write mapping is checked against the provider's independent inverse.
function resolveRules(body: any): any[] {
  return body.rules.map((m: any) => {
    const flat: any = { disabled: m.disabled };
    switch (m.template) {
      case 'always': flat.always_retain = true; break;
      case 'latestPulledN': flat.most_recently_pulled = m.params.latestPulledN; break;
      case 'latestPushedK': flat.most_recently_pushed = m.params.latestPushedK; break;
      case 'nDaysSinceLastPull': flat.n_days_since_last_pull = m.params.nDaysSinceLastPull; break;
      case 'nDaysSinceLastPush': flat.n_days_since_last_push = m.params.nDaysSinceLastPush; break;
    }
    switch (m.tag_selectors[0].decoration) {
      case 'matches': flat.tag_matching = m.tag_selectors[0].pattern; break;
      case 'excludes': flat.tag_excluding = m.tag_selectors[0].pattern; break;
    }
    switch (m.scope_selectors.repository[0].decoration) {
      case 'repoMatches': flat.repo_matching = m.scope_selectors.repository[0].pattern; break;
      case 'repoExcludes': flat.repo_excluding = m.scope_selectors.repository[0].pattern; break;
    }
    flat.untagged_artifacts = String(m.tag_selectors[0].extras).includes('true');
    return flat;
  });
}

const PARAMS = ['nDaysSinceLastPull', 'nDaysSinceLastPush', 'mostRecentlyPulled', 'mostRecentlyPushed', 'alwaysRetain'] as const;
const SNAKE: Record<string, string> = {
  nDaysSinceLastPull: 'n_days_since_last_pull',
  nDaysSinceLastPush: 'n_days_since_last_push',
  mostRecentlyPulled: 'most_recently_pulled',
  mostRecentlyPushed: 'most_recently_pushed',
  alwaysRetain: 'always_retain',
  repoMatching: 'repo_matching',
  repoExcluding: 'repo_excluding',
  tagMatching: 'tag_matching',
  tagExcluding: 'tag_excluding',
};
const validRule: fc.Arbitrary<RetentionPolicyRule> = fc.record({
  param: fc.constantFrom(...PARAMS),
  n: fc.integer({ min: 1, max: 400 }),
  repo: fc.constantFrom('repoMatching', 'repoExcluding'),
  repoPattern: fc.constantFrom('**', 'dev/**', '{api,web}', 'jobs/*'),
  tag: fc.constantFrom('tagMatching', 'tagExcluding'),
  tagPattern: fc.constantFrom('**', 'v*', '{latest,snapshot}', 'pr-*'),
  untagged: fc.option(fc.boolean(), { nil: undefined }),
  disabled: fc.option(fc.boolean(), { nil: undefined }),
}).map((g) => ({
  [g.param]: g.param === 'alwaysRetain' ? true : g.n,
  [g.repo]: g.repoPattern,
  [g.tag]: g.tagPattern,
  ...(g.untagged === undefined ? {} : { untaggedArtifacts: g.untagged }),
  ...(g.disabled === undefined ? {} : { disabled: g.disabled }),
}));
const expectedState = (r: RetentionPolicyRule): any => {
  const out: any = { disabled: r.disabled === true, untagged_artifacts: r.untaggedArtifacts !== false };
  for (const [k, v] of Object.entries(r)) if (SNAKE[k]) out[SNAKE[k]] = v;
  return out;
};

describe('round trip through the provider\'s read path', () => {
  const arb = fc.array(validRule, { minLength: 1, maxLength: 15 });

  test('accepted rules read back as configured (300 seeded cases, every template and decoration generated)', () => {
    const seen = new Set<string>();
    fc.assert(fc.property(arb, (rules) => {
      expect(HarborRetentionRest.problems(rules)).toEqual([]);
      const body = HarborRetentionRest.fromRules({ scope: '/projects/5', rules });
      for (const r of body.rules) {
        seen.add(r.template);
        seen.add(r.scope_selectors.repository[0].decoration);
        seen.add(`${r.tag_selectors[0].decoration}:${r.tag_selectors[0].extras}`);
      }
      expect(resolveRules(body)).toEqual(rules.map(expectedState));
    }), { seed: 16, numRuns: 300 });
    expect([...seen].sort()).toEqual([
      'always', 'excludes:{"untagged":false}', 'excludes:{"untagged":true}', 'latestPulledN', 'latestPushedK',
      'matches:{"untagged":false}', 'matches:{"untagged":true}', 'nDaysSinceLastPull', 'nDaysSinceLastPush', 'repoExcludes', 'repoMatches',
    ]);
  });

  test('negative control: a mapping that swapped the pulled/pushed templates fails the round trip', () => {
    const swapped = (rules: RetentionPolicyRule[]) => {
      const body = HarborRetentionRest.fromRules({ scope: '/projects/5', rules });
      for (const r of body.rules) {
        if (r.template === 'latestPulledN') { r.template = 'latestPushedK'; r.params = { latestPushedK: r.params.latestPulledN }; }
      }
      return body;
    };
    const result = fc.check(fc.property(fc.array(validRule, { minLength: 1, maxLength: 5 }), (rules) => {
      expect(resolveRules(swapped(rules))).toEqual(rules.map(expectedState));
    }), { seed: 16, numRuns: 300 });
    expect(result.failed).toBe(true);
  });
});

describe('HarborRetentionRest.fromTerraform: the REST policy of what is synthesized', () => {
  const rules: RetentionPolicyRule[] = [
    { alwaysRetain: true, repoMatching: '**', tagMatching: '{prod,staging}' },
    { mostRecentlyPushed: 10, repoMatching: 'api', tagMatching: 'pr-*', untaggedArtifacts: false },
    { nDaysSinceLastPull: 30, repoExcluding: 'tmp/**', tagExcluding: 'v*', disabled: true },
  ];
  const synthesized = () => {
    const json = JSON.parse(Testing.synthScope((scope) => {
      const project = new Project(scope, 'p', { name: 'platform' });
      new RetentionPolicy(scope, 'r', { scope: project.id, schedule: 'Weekly', rule: rules });
    }));
    return json.resource.harbor_retention_policy.r;
  };

  test('reading the synthesized rule blocks gives the same body as the configured rules', () => {
    const body = synthesized();
    expect(body.scope).toBe('${harbor_project.p.id}');
    expect(HarborRetentionRest.fromTerraform(body, 4)).toEqual(HarborRetentionRest.fromRules({ scope: '/projects/4', schedule: 'Weekly', rules }));
    expect(HarborRetentionRest.fromTerraform({ ...body, scope: '/projects/8' }).scope.ref).toBe(8);
  });

  test('a reference scope without projectId, or an expression in a rule, is refused', () => {
    expect(() => HarborRetentionRest.fromTerraform(synthesized())).toThrow(/is a reference: pass projectId/);
    const body = synthesized();
    body.rule[1].most_recently_pushed = '${var.keep}';
    expect(() => HarborRetentionRest.fromTerraform(body, 4)).toThrow(/rule\[1\]\.most_recently_pushed is a Terraform expression/);
  });

  test('negative control: a rule block the bindings synthesized wrongly changes the body', () => {
    const body = synthesized();
    body.rule[1].most_recently_pulled = body.rule[1].most_recently_pushed;
    delete body.rule[1].most_recently_pushed;
    expect(HarborRetentionRest.fromTerraform(body, 4)).not.toEqual(HarborRetentionRest.fromRules({ scope: '/projects/4', schedule: 'Weekly', rules }));
  });
});
