import * as fc from 'fast-check';
import { AcrManifest, AcrPurgeEvaluator, AcrRetentionEvaluator } from '../../src/retention';

// Sources: acr-cli cmd/acr/purge.go (https://github.com/Azure/acr-cli, the command's examples and flag help), and
// the ACR docs "Automatically purge images from an Azure container registry"
// (https://learn.microsoft.com/azure/container-registry/container-registry-auto-purge) and "Set a retention
// policy for untagged manifests" (container-registry-retention-policy).

const DAY = 86_400_000;
const HOUR = 3_600_000;
const NOW = new Date('2026-06-01T00:00:00Z');
const at = (days: number, extraMs = 0) => new Date(NOW.getTime() - days * DAY - extraMs);
const m = (repository: string, digest: string, days: number, tags: Array<[string, number]> = [], extra: Partial<AcrManifest> = {}): AcrManifest =>
  ({ repository, digest, lastUpdateTime: at(days), tags: tags.map(([name, d]) => ({ name, lastUpdateTime: at(d) })), ...extra });
const purge = (commands: string[], manifests: AcrManifest[]) => AcrPurgeEvaluator.evaluate(commands, manifests, { now: NOW });

const hello = [
  m('hello-world', 'sha256:1', 10, [['hello-1', 10], ['v1', 10]]),
  m('hello-world', 'sha256:2', 8, [['hello-2', 8]]),
  m('hello-world', 'sha256:3', 6, [['mytest-3', 6]]),
  m('hello-world', 'sha256:4', 0.5, [['hello-4', 0.5]]),
  m('hello-world', 'sha256:5', 9),
  m('other', 'sha256:9', 30, [['old', 30]]),
  m('team/cache', 'sha256:c', 30, [['x', 30]]),
];

describe('AcrPurgeEvaluator: the documented examples', () => {
  test('"Delete all tags that are older than 1 day ... inside the hello-world repository": acr purge --filter "hello-world:.*" --ago 1d', () => {
    expect(purge(['acr purge -r example --filter "hello-world:.*" --ago 1d'], hello)).toEqual({
      deletedTags: ['hello-world:hello-1', 'hello-world:hello-2', 'hello-world:mytest-3', 'hello-world:v1'],
      deletedManifests: [],
    });
  });

  test('"Delete all tags that are older than 7 days ... inside all repositories": --filter ".*:.*" --ago 7d', () => {
    expect(purge(['acr purge --filter ".*:.*" --ago 7d'], hello).deletedTags)
      .toEqual(['hello-world:hello-1', 'hello-world:hello-2', 'hello-world:v1', 'other:old', 'team/cache:x']);
  });

  test('"older than 7 days and begin with hello": --filter "hello-world:^hello.*" --ago 7d', () => {
    expect(purge(['acr purge --filter "hello-world:^hello.*" --ago 7d'], hello).deletedTags).toEqual(['hello-world:hello-1', 'hello-world:hello-2']);
  });

  test('"... begin with hello, keeping the latest 2": --keep 2 keeps the 2 newest candidates; younger tags are kept in addition', () => {
    const repo = [1, 2, 3, 4, 5].map((i) => m('hello-world', `sha256:${i}`, 20 - i, [[`hello-${i}`, 20 - i]]));
    repo.push(m('hello-world', 'sha256:6', 1, [['hello-6', 1]]));
    // Candidates (older than 7d), newest first: hello-5, hello-4, hello-3, hello-2, hello-1; hello-6 is too young.
    expect(purge(['acr purge --filter "hello-world:^hello.*" --ago 7d --keep 2'], repo).deletedTags)
      .toEqual(['hello-world:hello-1', 'hello-world:hello-2', 'hello-world:hello-3']);
  });

  test('"Delete tags containing test that are older than 5 days, then delete any dangling (untagged) manifests older than 5 days": --untagged', () => {
    const res = purge(['acr purge --filter "hello-world:\\w*test\\w*" --ago 5d --untagged'], hello);
    // mytest-3 goes; its manifest is left untagged and is 6 days old: deleted. sha256:5 was already untagged (9 days).
    expect(res).toEqual({ deletedTags: ['hello-world:mytest-3'], deletedManifests: ['hello-world@sha256:3', 'hello-world@sha256:5'] });
  });

  test('filters from the docs: "hello-world:^1.*" matches tags beginning with 1; ".*/cache:.*" matches repositories ending in /cache', () => {
    const ms = [m('hello-world', 'a', 9, [['1.0', 9], ['v1', 9], ['21', 9]]), m('team/cache', 'b', 9, [['t', 9]]), m('cache', 'c', 9, [['t', 9]])];
    expect(purge(['acr purge --filter "hello-world:^1.*" --filter ".*/cache:.*" --ago 1d'], ms).deletedTags).toEqual(['hello-world:1.0', 'team/cache:t']);
  });

  test('"Clean up dangling manifests older than 3 days, keeping the 5 most recent": --untagged-only --ago 3d --keep 5', () => {
    const ms = Array.from({ length: 8 }, (_, i) => m('r', `sha256:${i}`, 4 + i));
    ms.push(m('r', 'sha256:young', 1), m('r', 'sha256:tagged', 30, [['t', 30]]), m('s', 'sha256:s', 40));
    expect(purge(['acr purge --untagged-only --ago 3d --keep 5'], ms)).toEqual({
      deletedTags: [],
      deletedManifests: ['r@sha256:5', 'r@sha256:6', 'r@sha256:7'],
    });
    expect(purge(['acr purge --filter "r:.*" --untagged-only'], ms).deletedManifests).toHaveLength(9);
  });
});

describe('AcrPurgeEvaluator: semantics', () => {
  test('--keep counts tags, not images: an image with two candidate tags uses two places', () => {
    const ms = [m('api', 'new', 10, [['pr-2', 10], ['pr-2b', 10]]), m('api', 'old', 20, [['pr-1', 20]])];
    expect(purge(['acr purge --filter "api:^pr-.*$" --ago 1d --keep 2'], ms).deletedTags).toEqual(['api:pr-1']);
  });

  test('the repository regex is anchored, the tag regex is not', () => {
    const ms = [m('api', 'a', 9, [['xprod', 9], ['prod', 9]]), m('api-gateway', 'b', 9, [['prod', 9]])];
    expect(purge(['acr purge --filter "api:prod" --ago 1d'], ms).deletedTags).toEqual(['api:prod', 'api:xprod']);
    expect(purge(['acr purge --filter "api:^prod$" --ago 1d'], ms).deletedTags).toEqual(['api:prod']);
  });

  test('"--ago" accepts Nd plus Go durations; "older than" is strict', () => {
    expect(AcrPurgeEvaluator.parseAgo('30d')).toBe(30 * DAY);
    expect(AcrPurgeEvaluator.parseAgo('2d3h6m')).toBe(2 * DAY + 3 * HOUR + 6 * 60_000);
    expect(AcrPurgeEvaluator.parseAgo('30m')).toBe(30 * 60_000);
    expect(AcrPurgeEvaluator.parseAgo('1.5h')).toBe(1.5 * HOUR);
    expect(AcrPurgeEvaluator.parseAgo('0d')).toBe(0);
    for (const bad of ['', 'd', '7 days', '1w', '-3h', '3x', '1h30d']) expect(AcrPurgeEvaluator.parseAgo(bad)).toBeUndefined();
    const ms = [m('r', 'a', 2, [['exact', 2]]), { repository: 'r', digest: 'b', lastUpdateTime: at(2), tags: [{ name: 'older', lastUpdateTime: at(2, 1) }] }];
    expect(purge(['acr purge --filter "r:.*" --ago 2d'], ms).deletedTags).toEqual(['r:older']);
  });

  test('commands apply in order, each seeing what the previous left; --dry-run deletes nothing', () => {
    const ms = [m('r', 'a', 10, [['t1', 10]]), m('r', 'b', 9, [['t2', 9]]), m('r', 'c', 8, [['t3', 8]])];
    // The first deletes the oldest tag beyond keep 2 (t1); the second keeps 1 of the 2 left (t3) and deletes t2. Its
    // --untagged pass then sees a and b dangling and, as purge.go applies --keep to dangling manifests too
    // ("If keep > 0 ... manifestsToDelete = manifestsToDelete[keep:]"), keeps the newest (b) and deletes a.
    expect(purge(['acr purge --filter "r:.*" --ago 1d --keep 2', 'acr purge --filter "r:.*" --ago 1d --keep 1 --untagged'], ms))
      .toEqual({ deletedTags: ['r:t1', 'r:t2'], deletedManifests: ['r@a'] });
    expect(purge(['acr purge --filter "r:.*" --ago 1d --dry-run'], ms)).toEqual({ deletedTags: [], deletedManifests: [] });
  });

  test('locked tags and manifests are skipped unless --include-locked', () => {
    const ms = [m('r', 'a', 10, [], { locked: true }), { repository: 'r', digest: 'b', lastUpdateTime: at(10), tags: [{ name: 'lk', lastUpdateTime: at(10), locked: true }] }];
    expect(purge(['acr purge --filter "r:.*" --ago 1d --untagged'], ms)).toEqual({ deletedTags: [], deletedManifests: [] });
    expect(purge(['acr purge --filter "r:.*" --ago 1d --untagged --include-locked'], ms)).toEqual({ deletedTags: ['r:lk'], deletedManifests: ['r@a', 'r@b'] });
  });

  test('--untagged never deletes a manifest listed by an index that keeps a tag, nor one with a subject', () => {
    const ms = [
      m('r', 'index', 10, [['prod', 10]], { references: ['amd64', 'arm64'] }), m('r', 'amd64', 10), m('r', 'arm64', 10),
      m('r', 'sig', 10, [], { subject: 'index' }), m('r', 'loose', 10),
    ];
    expect(purge(['acr purge --filter "r:^pr-" --ago 1d --untagged'], ms).deletedManifests).toEqual(['r@loose']);
    // Once the index loses its tag, it and its children are dangling.
    expect(purge(['acr purge --filter "r:.*" --ago 1d --untagged'], ms).deletedManifests).toEqual(['r@amd64', 'r@arm64', 'r@index', 'r@loose']);
  });

  test('several filters reaching one repository are ORed; quoting forms and --flag=value are understood', () => {
    const ms = [m('api', 'a', 9, [['pr-1', 9], ['feat-1', 9], ['main', 9]])];
    expect(purge(['acr purge --filter=\'api:^pr-\' -f "api:^feat-" --ago=1d --untagged=false'], ms).deletedTags).toEqual(['api:feat-1', 'api:pr-1']);
    expect(purge(['acr purge --filter "(?:api):^main$" --ago 1d'], ms).deletedTags).toEqual(['api:main']);
  });

  test('a command acr purge would refuse throws one error listing every problem', () => {
    expect(() => purge([
      'acr purge --filter "api" --ago 7 --keep -1 --bogus --untagged --untagged-only extra',
      'az acr purge --filter "a:b" --ago 1d',
      'acr purge --filter "a:b:c" --filter "a:(" --max-tags 3',
      'acr purge --filter \'unbalanced',
    ], [])).toThrow(new RegExp([
      'AcrPurgeEvaluator: cannot evaluate the purge commands: 12 problems',
      '  - commands\\[0\\]: "--bogus" is not an acr purge flag \\(known: [^)]*\\)',
      '  - commands\\[0\\]: "extra" is an unexpected argument \\(acr purge takes only flags\\)',
      '  - commands\\[0\\]: --filter "api" must be "<repository regex>:<tag regex>" with exactly one ":" separator',
      '  - commands\\[0\\]: --ago "7" is not a duration \\(write Nd, a Go duration such as 2d3h or 30m, or both\\)',
      '  - commands\\[0\\]: --keep "-1" must be a whole number of tags, 0 or more',
      '  - commands\\[0\\]: --untagged and --untagged-only cannot be combined',
      '  - commands\\[1\\]: "az acr purge --filter \\\\"a:b\\\\" --ago 1d" must start with "acr purge"',
      '  - commands\\[2\\]: --max-tags \\(count-policy retention\\) is not modelled by this evaluator; use --keep',
      '  - commands\\[2\\]: --filter "a:b:c" must be "<repository regex>:<tag regex>" with exactly one ":" separator',
      '  - commands\\[2\\]: --filter "a:\\(" is not a regular expression this evaluator can run [^\\n]*',
      '  - commands\\[2\\]: --ago is required \\(unless --untagged-only\\)',
      '  - commands\\[3\\]: "acr purge --filter \'unbalanced" is not a command line \\(unbalanced quotes\\?\\)',
    ].join('\\n')));
    expect(AcrPurgeEvaluator.problems(['acr purge --untagged'])).toEqual([
      'commands[0]: --filter is required (unless --untagged-only)',
      'commands[0]: --ago is required (unless --untagged-only)',
    ]);
  });
});

describe('AcrRetentionEvaluator', () => {
  test('deletes untagged manifests older than N days; 0 disables; locked, index children and subjects are kept', () => {
    const ms = [m('r', 'old', 8), m('r', 'exact', 7), m('r', 'tagged', 30, [['t', 30]], { references: ['child'] }), m('r', 'child', 30),
      m('r', 'locked', 30, [], { locked: true }), m('r', 'sig', 30, [], { subject: 'tagged' }), m('s', 'child', 30)];
    expect(AcrRetentionEvaluator.evaluate(7, ms, { now: NOW }).deletedManifests).toEqual(['r@old', 's@child']);
    expect(AcrRetentionEvaluator.evaluate(0, ms, { now: NOW }).deletedManifests).toEqual([]);
  });

  test('"only manifests that became untagged after the policy was enabled" are deleted', () => {
    const ms = [m('r', 'before', 20), m('r', 'after', 10)];
    expect(AcrRetentionEvaluator.evaluate(1, ms, { now: NOW, policyEnabledAt: at(15) }).deletedManifests).toEqual(['r@after']);
  });

  test('days outside 0..365 are rejected with the other problems', () => {
    expect(() => AcrRetentionEvaluator.evaluate(366, [m('r', 'a', 1), m('r', 'a', 2)], { now: NOW }))
      .toThrow(/retentionDays: 366 must be a whole number of days from 0 \(disabled\) to 365\n {2}- manifests\[1\]: r@a is listed twice/);
  });
});

// ---- properties ----

const manifestsArb = fc.uniqueArray(fc.record({
  repo: fc.constantFrom('api', 'web'),
  n: fc.integer({ min: 0, max: 40 }),
  age: fc.integer({ min: 0, max: 20 }),
  tags: fc.uniqueArray(fc.record({ name: fc.constantFrom('pr-1', 'pr-2', 'prod', 'v1', 'main'), age: fc.integer({ min: 0, max: 20 }) }),
    { maxLength: 2, selector: (t) => t.name }),
}), { maxLength: 20, selector: (r) => `${r.repo}@${r.n}` }).map((rs) => {
  // A tag points at one manifest per repository: keep the first owner of each.
  const owners = new Set<string>();
  return rs.map((r) => m(r.repo, `sha256:${r.n}`, r.age, r.tags.filter((t) => {
    const key = `${r.repo}:${t.name}`;
    if (owners.has(key)) return false;
    owners.add(key);
    return true;
  }).map((t) => [t.name, t.age] as [string, number])));
});
interface Cmd { filter: string; ago: number; keep: number; untagged: boolean }
const line = (c: Cmd) => `acr purge --filter "${c.filter}" --ago ${c.ago}d${c.keep ? ` --keep ${c.keep}` : ''}${c.untagged ? ' --untagged' : ''}`;
const cmdArb: fc.Arbitrary<Cmd> = fc.record({
  filter: fc.constantFrom('api:^pr-', '.*:.*', 'web:prod', '(api|web):^v'),
  ago: fc.integer({ min: 0, max: 15 }),
  keep: fc.integer({ min: 0, max: 3 }),
  untagged: fc.boolean(),
});
const commandArb = cmdArb.map(line);

describe('AcrPurgeEvaluator properties (fast-check, seeded)', () => {
  const params = { seed: 99, numRuns: 300 };

  test('the result does not depend on the order of the manifests', () => {
    fc.assert(fc.property(fc.array(commandArb, { minLength: 1, maxLength: 3 }),
      manifestsArb.chain((ms) => fc.tuple(fc.constant(ms), fc.shuffledSubarray(ms, { minLength: ms.length }))),
      (commands, [ms, shuffled]) => {
        expect(purge(commands, shuffled)).toEqual(purge(commands, ms));
      }), params);
  });

  test('raising --keep never deletes more tags; a deleted manifest has lost all its tags', () => {
    fc.assert(fc.property(cmdArb, fc.integer({ min: 1, max: 4 }), manifestsArb, (cmd, extra, ms) => {
      const res = purge([line(cmd)], ms);
      const more = purge([line({ ...cmd, keep: cmd.keep + extra })], ms);
      const before = new Set(res.deletedTags);
      for (const t of more.deletedTags) expect(before.has(t)).toBe(true);
      const deletedTags = new Set(res.deletedTags);
      for (const dm of res.deletedManifests) {
        const [repo, digest] = dm.split('@');
        const man = ms.find((x) => x.repository === repo && x.digest === digest)!;
        for (const t of man.tags ?? []) expect(deletedTags.has(`${repo}:${t.name}`)).toBe(true);
      }
    }), params);
  });
});
