import * as fc from 'fast-check';
import { HarborArtifact, HarborRetentionEvaluator } from '../../src/retention';
import { doublestarMatch, doublestarProblem, escapeDoublestar } from '../../src/retention/harbor-doublestar';

// Sources: goharbor/harbor at c50c7ddd6ea4e335a480b49c618281882ab7eec9 (src/pkg/retention/, src/lib/selector/),
// bmatcuk/doublestar v1.3.4 (doublestar.go, doublestar_test.go), the version harbor's src/go.mod pins.

const DAY = 86_400_000;
const HOUR = 3_600_000;
const NOW = new Date('2026-06-01T00:00:00Z');
const ago = (days: number, plusMs = 0) => new Date(NOW.getTime() - days * DAY + plusMs);

const sel = (decoration: string, pattern: string, extras?: string) => ({ kind: 'doublestar', decoration, pattern, ...(extras !== undefined ? { extras } : {}) });
const rule = (template: string, params: Record<string, number>, tag: object, repo: object = sel('repoMatches', '**'), extra: object = {}) => ({
  disabled: false, action: 'retain', template, params, tag_selectors: [tag], scope_selectors: { repository: [repo] }, ...extra,
});
const policy = (...rules: object[]) => JSON.stringify({ algorithm: 'or', rules });
const evaluate = (p: string, artifacts: HarborArtifact[], immutableRulesJson?: string) =>
  HarborRetentionEvaluator.evaluate(p, artifacts, { now: NOW, immutableRulesJson });
const art = (repository: string, digest: string, tags: string[], pushedDays: number, pulledDays?: number, plusMs = 0): HarborArtifact => ({
  repository, digest, tags, pushedAt: ago(pushedDays, plusMs), ...(pulledDays !== undefined ? { pulledAt: ago(pulledDays) } : {}),
});

describe('doublestar v1.3.4 port: rows of doublestar_test.go matchTests', () => {
  test.each([
    ['*', '', true], ['*', '/', false], ['/*', '/', true], ['/*', '/debug/', false], ['abc', 'abc', true], ['*', 'abc', true], ['*c', 'abc', true],
    ['a*', 'a', true], ['a*', 'abc', true], ['a*', 'ab/c', false], ['a*/b', 'abc/b', true], ['a*/b', 'a/c/b', false],
    ['a*b*c*d*e*', 'axbxcxdxe', true], ['a*b*c*d*e*/f', 'axbxcxdxe/xxx/f', false], ['a*b?c*x', 'abxbbxdbxebxczzx', true], ['a*b?c*x', 'abxbbxdbxebxczzy', false],
    ['ab[c]', 'abc', true], ['ab[b-d]', 'abc', true], ['ab[e-g]', 'abc', false], ['ab[^c]', 'abc', false], ['ab[^e-g]', 'abc', true], ['a\\*b', 'ab', false],
    ['a?b', 'a/b', false], ['a*b', 'a/b', false], ['[\\]a]', ']', true], ['[\\-]', '-', true], ['*x', 'xxx', true], ['[abc]', 'b', true],
    ['a/**', 'a', false], ['a/**', 'a/b', true], ['a/**', 'a/b/c', true], ['**/c', 'c', true], ['**/c', 'b/c', true], ['**/c', 'a/b/c', true],
    ['**/c', 'a/b', false], ['**/c', 'abcd', false], ['**/c', 'a/abc', false], ['a/**/b', 'a/b', true], ['a/**/c', 'a/b/c', true], ['a/**/d', 'a/b/c/d', true],
    ['a/\\**', 'a/b/c', false], ['a/b/c', 'a/b//c', false], ['ab{c,d}', 'abc', true], ['ab{c,d,*}', 'abcde', true], ['a{,bc}', 'a', true], ['a{,bc}', 'abc', true],
    ['a/{b/c,c/b}', 'a/b/c', true], ['a/{b/c,c/b}', 'a/c/b', true], ['{a/{b,c},abc}', 'a/b', true], ['{a/{b,c},abc}', 'abc', true],
    ['{a/{b,c},abc}', 'a/b/c', false], ['{a/ab*}', 'a/abc', true], ['{a/b,a/c}', 'a/c', true], ['abc/**', 'abc/b', true],
  ])('Match(%j, %j) = %s', (pattern, name, expected) => {
    expect(doublestarMatch(pattern, name)).toBe(expected);
  });

  test.each([['[]a]', ']'], ['[-]', '-'], ['[x-]', 'x'], ['[-x]', 'x'], ['\\', 'a'], ['[a-b-c]', 'a'], ['[', 'a'], ['[^bc', 'a'], ['a[', 'ab'], ['ab{c,d}[', 'abcd']])(
    'Match(%j, %j) is ErrBadPattern, and problems name it', (pattern, name) => {
      expect(() => doublestarMatch(pattern, name)).toThrow(/syntax error in pattern/);
      expect(doublestarProblem(pattern)).toBeDefined();
    });

  test('well-formed patterns have no problem', () => {
    for (const p of ['**', '{latest,4.*}', 'v[0-9]*', 'a\\*b', 'pr-*', '{dev/api,prod/api}']) expect(doublestarProblem(p)).toBeUndefined();
  });
});

describe('escapeDoublestar: a literal name as a pattern that the port matches against exactly that name', () => {
  test('names with every doublestar metacharacter (fast-check, seeded)', () => {
    // Repository paths and tags hold no backslash (their grammars), so the names here have none either.
    const name = fc.stringMatching(/^[a-z0-9/._*?[\]{},-]{1,12}$/);
    let withMeta = 0;
    fc.assert(fc.property(name, name, (a, b) => {
      if (/[*?[\]{},]/.test(a)) withMeta++;
      expect(doublestarMatch(escapeDoublestar(a), a)).toBe(true);
      expect(doublestarMatch(escapeDoublestar(a), b)).toBe(a === b);
    }), { seed: 20261201, numRuns: 500 });
    expect(withMeta).toBeGreaterThan(100);
    // Negative control: unescaped, a name with a metacharacter matches other names.
    expect(doublestarMatch('st*r', 'stXr')).toBe(true);
  });
});

describe('selectors (src/lib/selector/selectors/doublestar/selector_test.go, through an "always" rule)', () => {
  // The suite's artifacts of project "library"-like namespaces: harbor:latest, redis:4.0, redis:4.1, special (untagged); one project here.
  const artifacts = [art('p/harbor', 'h', ['latest'], 1), art('p/redis', 'r0', ['4.0'], 1), art('p/redis', 'r1', ['4.1'], 1), art('p/special', 's', [], 1)];
  const retained = (tag: object, repo?: object) => evaluate(policy(rule('always', {}, tag, repo)), artifacts).retained;

  test('TestTagMatches: "{latest,4.*}" without untagged selects 3; New(Matches, "4.*", "") keeps untagged by default: 3', () => {
    expect(retained(sel('matches', '{latest,4.*}', '{"untagged":false}'))).toEqual(['p/harbor@h', 'p/redis@r0', 'p/redis@r1']);
    expect(retained(sel('matches', '4.*', '{"untagged":false}'))).toEqual(['p/redis@r0', 'p/redis@r1']);
    expect(retained(sel('matches', '4.*'))).toEqual(['p/redis@r0', 'p/redis@r1', 'p/special@s']);
  });

  test('TestTagExcludes: excludes "{latest,4.*}" with untagged true selects none; New(Excludes, ..., "") selects the untagged one; "4.*" selects harbor:latest', () => {
    expect(retained(sel('excludes', '{latest,4.*}', '{"untagged":true}'))).toEqual([]);
    expect(retained(sel('excludes', '{latest,4.*}'))).toEqual(['p/special@s']);
    expect(retained(sel('excludes', '4.*', '{"untagged":true}'))).toEqual(['p/harbor@h']);
  });

  test('excludes selects a tagged artifact when ONE of its tags does not match (not when none matches)', () => {
    const two = [art('p/api', 'both', ['pr-1', 'main'], 1), art('p/api', 'pr', ['pr-2'], 1)];
    expect(evaluate(policy(rule('always', {}, sel('excludes', 'pr-*', '{"untagged":true}'))), two).deleted).toEqual(['p/api@pr']);
  });

  test('TestRepoMatches / TestRepoExcludes as scope selectors: "{redis}" and "har*"; repositories no rule reaches lose nothing', () => {
    const nothing = sel('matches', 'none', '{"untagged":false}');
    // A rule that retains nothing in its repositories: what it reaches is deleted, the rest stays.
    expect(evaluate(policy(rule('always', {}, nothing, sel('repoMatches', '{redis}'))), artifacts).deleted).toEqual(['p/redis@r0', 'p/redis@r1']);
    expect(evaluate(policy(rule('always', {}, nothing, sel('repoMatches', 'har*'))), artifacts).deleted).toEqual(['p/harbor@h']);
    expect(evaluate(policy(rule('always', {}, nothing, sel('repoExcludes', 'har*'))), artifacts).deleted)
      .toEqual(['p/redis@r0', 'p/redis@r1', 'p/special@s']);
  });

  test('repository selectors see the name without the project (utils.ParseRepository): "dev/*" reaches p/dev/api, "p/**" nothing', () => {
    const arts = [art('p/dev/api', 'a', ['x'], 1), art('p/prod/api', 'b', ['x'], 1)];
    const none = sel('matches', 'none', '{"untagged":false}');
    expect(evaluate(policy(rule('always', {}, none, sel('repoMatches', 'dev/*'))), arts).deleted).toEqual(['p/dev/api@a']);
    expect(evaluate(policy(rule('always', {}, none, sel('repoMatches', 'p/**'))), arts).deleted).toEqual([]);
  });
});

describe('templates (src/pkg/retention/policy/rule/*/evaluator.go and their tests)', () => {
  const any = sel('matches', '**');

  test('latestps TestProcess: five artifacts pushed at distinct seconds, k = 0, 1, 3, 5, 6 retains 0, 1, 3, 5, 5', () => {
    const arts = [0, 1, 2, 3, 4].map((i) => art('p/a', `d${i}`, [`t${i}`], 10 - i));
    for (const [k, n] of [[0, 0], [1, 1], [3, 3], [5, 5], [6, 5]]) {
      const r = evaluate(policy(rule('latestPushedK', { latestPushedK: k }, any)), arts);
      expect(r.retained).toHaveLength(n);
      expect(r.retained).toEqual(arts.slice(5 - n).map((a) => `p/a@${a.digest}`).sort());
    }
  });

  test('dayspl TestProcess: pulls 1, 2, 3, 4, 5, 10, 20, 30 days (less an hour) ago; n = 0, 1, 2, 5, 15, 90 retains 0, 1, 2, 5, 6, 8', () => {
    const days = [1, 2, 3, 4, 5, 10, 20, 30];
    const arts = days.map((d, i) => ({ repository: 'p/a', digest: `d${i}`, tags: ['t'], pushedAt: ago(400), pulledAt: ago(d, HOUR) }));
    for (const [n, count] of [[0, 0], [1, 1], [2, 2], [5, 5], [15, 6], [90, 8]]) {
      expect(evaluate(policy(rule('nDaysSinceLastPull', { nDaysSinceLastPull: n }, any)), arts).retained).toHaveLength(count);
    }
  });

  test('daysps: retains push seconds >= (now - N x 24 h).Unix(): exactly N days is retained, one second more is not', () => {
    const arts = [art('p/a', 'edge', ['a'], 7), art('p/a', 'older', ['b'], 7, undefined, -1000), art('p/a', 'sub-second', ['c'], 7, undefined, -1)];
    // 'sub-second' is 1 ms older than the cutoff: its Unix() second is the one before, so it is deleted.
    expect(evaluate(policy(rule('nDaysSinceLastPush', { nDaysSinceLastPush: 7 }, any)), arts).deleted).toEqual(['p/a@older', 'p/a@sub-second']);
    // With now 500 ms after a whole second, the cutoff is floored to its second: an artifact 7 days + 300 ms old is retained.
    const later = HarborRetentionEvaluator.evaluate(policy(rule('nDaysSinceLastPush', { nDaysSinceLastPush: 7 }, any)), [...arts, art('p/a', 'just-older', ['d'], 7, undefined, 200)],
      { now: new Date(NOW.getTime() + 500) });
    expect(later.deleted).toEqual(['p/a@older', 'p/a@sub-second']);
    expect(later.retained).toEqual(['p/a@edge', 'p/a@just-older']);
  });

  test('never pulled: dep/client.go reads the zero pull time (year 1), so nDaysSinceLastPull deletes a fresh artifact never pulled', () => {
    const arts = [art('p/a', 'fresh-never-pulled', ['a'], 0), art('p/a', 'old-pulled', ['b'], 100, 1)];
    expect(evaluate(policy(rule('nDaysSinceLastPull', { nDaysSinceLastPull: 7 }, any)), arts).deleted).toEqual(['p/a@fresh-never-pulled']);
    // latestActiveK (latestk) sorts by the later of pull and push: the fresh one counts as active.
    expect(evaluate(policy(rule('latestActiveK', { latestActiveK: 1 }, any)), [arts[0], art('p/a', 'old', ['c'], 100, 50)]).deleted).toEqual(['p/a@old']);
  });

  test('lastXDays retains pushes strictly after now - X days; a missing or negative parameter uses the default (latestps "Default If Negative")', () => {
    const arts = [art('p/a', 'edge', ['a'], 10), art('p/a', 'young', ['b'], 9)];
    expect(evaluate(policy(rule('lastXDays', { lastXDays: 10 }, any)), arts).deleted).toEqual(['p/a@edge']);
    const many = Array.from({ length: 12 }, (_, i) => art('p/a', `d${String(i).padStart(2, '0')}`, [`t${i}`], i + 1));
    expect(evaluate(policy(rule('lastXDays', { lastXDays: -1 }, any)), many).retained).toHaveLength(9); // default X = 10: pushed 1..9 days ago
  });
});

describe('the OR algorithm, the performer and the launcher', () => {
  const arts = [
    art('p/api', 'v1', ['v1'], 30), art('p/api', 'v2', ['v2'], 20), art('p/api', 'pr', ['pr-1'], 2), art('p/api', 'untagged', [], 40),
    art('p/web', 'w', ['v1'], 90),
  ];

  test('rules are ORed; what no rule retains is deleted, in the repositories the rules reach only', () => {
    const p = policy(
      rule('latestPushedK', { latestPushedK: 1 }, sel('matches', 'v*', '{"untagged":false}'), sel('repoMatches', 'api')),
      rule('nDaysSinceLastPush', { nDaysSinceLastPush: 7 }, sel('matches', '**', '{"untagged":false}'), sel('repoMatches', 'api')),
    );
    expect(evaluate(p, arts)).toEqual({ deleted: ['p/api@untagged', 'p/api@v1'], retained: ['p/api@pr', 'p/api@v2', 'p/web@w'], undetermined: [], immutable: [] });
  });

  test('a disabled rule is skipped by the launcher: with every rule disabled nothing is deleted', () => {
    const p = policy(rule('latestPushedK', { latestPushedK: 1 }, sel('matches', '**'), sel('repoMatches', '**'), { disabled: true }));
    expect(evaluate(p, arts).deleted).toEqual([]);
  });

  test('immutable tag rules (performer isImmutable; immutable/match/rule/match.go): not deleted, reported; excludes there selects untagged artifacts', () => {
    const p = policy(rule('latestPushedK', { latestPushedK: 0 }, sel('matches', '**'), sel('repoMatches', 'api')));
    const immutable = JSON.stringify([{ disabled: false, tag_selectors: [sel('matches', 'v*')], scope_selectors: { repository: [sel('repoMatches', '**')] } }]);
    expect(evaluate(p, arts, immutable)).toMatchObject({ deleted: ['p/api@pr', 'p/api@untagged'], immutable: ['p/api@v1', 'p/api@v2'] });
    const excl = JSON.stringify([{ disabled: false, tag_selectors: [sel('excludes', 'v*')], scope_selectors: { repository: [sel('repoMatches', '**')] } }]);
    expect(evaluate(p, arts, excl)).toMatchObject({ deleted: ['p/api@v1', 'p/api@v2'], immutable: ['p/api@pr', 'p/api@untagged'] });
  });

  test('count rules sort whole seconds with sort.Slice (not stable): artifacts tied at the K-th place are undetermined', () => {
    const tied = [art('p/a', 'a', ['x'], 1), art('p/a', 'b', ['y'], 1, undefined, 400), art('p/a', 'c', ['z'], 2)];
    expect(evaluate(policy(rule('latestPushedK', { latestPushedK: 1 }, sel('matches', '**'))), tied))
      .toEqual({ deleted: ['p/a@c'], retained: [], undetermined: ['p/a@a', 'p/a@b'], immutable: [] });
    expect(evaluate(policy(rule('latestPushedK', { latestPushedK: 2 }, sel('matches', '**'))), tied).retained).toEqual(['p/a@a', 'p/a@b']);
  });
});

describe('HarborRetentionEvaluator.problems', () => {
  test('a valid policy has none', () => {
    expect(HarborRetentionEvaluator.problems(policy(rule('always', {}, sel('matches', '**'))))).toEqual([]);
  });

  test('lists every problem: 16 rules, unknown template, bad params, selectors, duplicates', () => {
    const ok = (i: number) => rule('latestPushedK', { latestPushedK: i }, sel('matches', '**'));
    const rules = [
      ...Array.from({ length: 10 }, (_, i) => ok(i)),
      rule('nothing', {}, sel('matches', '**')),
      rule('latestPulledN', { latestPulledN: 40000 }, sel('matches', '**')),
      rule('nDaysSinceLastPush', {}, sel('matches', '**')),
      { ...rule('always', {}, sel('label', 'x')), action: 'delete' },
      { ...rule('always', {}, sel('matches', 'v[')), tag_selectors: [sel('matches', 'v['), sel('with', '')] },
      ok(0),
    ];
    const problems = HarborRetentionEvaluator.problems(JSON.stringify({ algorithm: 'and', rules }));
    expect(problems).toEqual([
      'algorithm: "and" is not "or" (the only algorithm Harbor has)',
      'rules: 16 rules; Harbor allows at most 15 per policy ("only 15 rules are allowed at most")',
      'rules[10].template: "nothing" is not a registered rule template (allowed: latestPushedK, latestPulledN, latestActiveK, lastXDays, always, nDaysSinceLastPull, nDaysSinceLastPush)',
      'rules[11].params.latestPulledN: 40000 is out of range (0 to 32766)',
      'rules[12].params.nDaysSinceLastPush: missing (required by nDaysSinceLastPush)',
      'rules[13].action: "delete" is not "retain" (the only action)',
      'rules[13].tag_selectors[0].decoration: "label" is not a decoration (allowed: matches, excludes, repoMatches, repoExcludes, nsMatches, nsExcludes)',
      'rules[14].tag_selectors[0].pattern: "v[" has a "[" without its "]"',
      'rules[14].tag_selectors[1].decoration: "with" is not a decoration (allowed: matches, excludes, repoMatches, repoExcludes, nsMatches, nsExcludes)',
      'rules[14].tag_selectors[1].pattern: "" is required (a doublestar pattern)',
      'rules[15]: is identical to rules[0] (Harbor rejects it: "rule 15 is conflict with rule 0")',
    ]);
    expect(() => evaluate(JSON.stringify({ rules }), [])).toThrow(/HarborRetentionEvaluator: cannot evaluate: \d+ problems/);
  });

  test('artifacts: full names of one project, unique digests, valid dates', () => {
    expect(() => evaluate(policy(), [
      { repository: 'api', digest: 'a', tags: [], pushedAt: NOW }, art('p/x', 'd', [], 1), art('p/x', 'd', [], 1), art('q/x', 'e', [], 1),
      { repository: 'p/x', digest: 'f', tags: [], pushedAt: new Date('nope') },
    ])).toThrow(/artifacts\[0\]\.repository: "api" must be the full name[\s\S]*p\/x@d is listed twice[\s\S]*pushedAt: Invalid Date[\s\S]*from 2 projects \(p, q\)/);
  });
});
