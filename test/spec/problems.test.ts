import { readdirSync, readFileSync, statSync } from 'fs';
import { join } from 'path';
import { parseListing } from '../../src/cli/image-listings';
import { PromotionPlanner, PromotionWorkflow } from '../../src/promotion';
import { EcrLifecycleEvaluator, EcrLifecycleTranslation, GarCleanupTranslation, HarborRetentionRuleBlocks } from '../../src/retention';
import { Cloud, EnvironmentLayout, RetentionPolicySpec, TagState } from '../../src/spec';
import { Problems, ProblemsError } from '../../src/spec/problems';
import { BuildTags, OciTag } from '../../src/tagging';

describe('Problems', () => {
  test('collects every problem and throws once, rendering path, value, message and line', () => {
    const p = new Problems()
      .add('repositories[2].name', 'My_App', 'is not a valid repository name (lower-case letters, digits, and . _ - / separators)')
      .add('', undefined, 'the spec is empty');
    p.addAll([{ path: 'name', value: '"x"', message: 'is too short', line: 3 }]);
    expect(p.isEmpty).toBe(false);
    let thrown: unknown;
    try {
      p.throwIfAny('Invalid registry spec "platform"');
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(ProblemsError);
    const error = thrown as ProblemsError;
    expect(error.problems).toHaveLength(3);
    expect(error.heading).toBe('Invalid registry spec "platform"');
    expect(error.message).toBe([
      'Invalid registry spec "platform": 3 problems',
      '  - repositories[2].name: "My_App" is not a valid repository name (lower-case letters, digits, and . _ - / separators)',
      '  - the spec is empty',
      '  - line 3: name: "x" is too short',
    ].join('\n'));
  });

  test('nothing found: no error', () => {
    expect(() => new Problems().throwIfAny('x')).not.toThrow();
    expect(new Problems().isEmpty).toBe(true);
  });

  test('_collect keeps going after a check throws, keeping a ProblemsError\'s problems and any other error\'s message', () => {
    const p = new Problems();
    expect(p._collect('a', () => 1)).toBe(1);
    expect(p._collect('b', () => {
      throw new ProblemsError('inner', [{ path: 'b.c', value: '1', message: 'is wrong' }]);
    })).toBeUndefined();
    p._collect('d', () => {
      throw new Error('d is broken');
    });
    expect(p.list.map((x) => `${x.path}: ${x.message}`)).toEqual(['b.c: is wrong', 'd: d is broken']);
  });

  test('values are shown as JSON, shortened past 80 characters', () => {
    expect(Problems.show('a')).toBe('"a"');
    expect(Problems.show(undefined)).toBe('undefined');
    expect(Problems.show('x'.repeat(100))).toHaveLength(80);
  });
});

describe('one renderer (issue 14, item 3)', () => {
  test('a long list shows its first problems and how many more; the count covers all', () => {
    const problems = Array.from({ length: 5 }, (_, i) => ({ path: `images[${i}]`, value: '""', message: 'is empty' }));
    expect(Problems.render('Listing', problems, 2)).toBe([
      'Listing: 5 problems',
      '  - images[0]: "" is empty',
      '  - images[1]: "" is empty',
      '  - ... and 3 more',
    ].join('\n'));
    expect(Problems.render('Listing', problems, 5).split('\n')).toHaveLength(6);
  });

  test('messages that start with a field path keep it as the problem\'s path, and render unchanged', () => {
    const messages = [
      'repositories[0] (api).retention.rules[1].keepMostRecent: 0 must be a whole number of images, at least 1',
      'cleanup_policies[2].condition.tag_state: "SOME" is not a tag state',
      'the policy needs 60 ECR rules; ECR allows 50',
    ];
    const problems = Problems._fromMessages(messages);
    expect(problems.map((p) => p.path)).toEqual(['repositories[0] (api).retention.rules[1].keepMostRecent', 'cleanup_policies[2].condition.tag_state', '']);
    expect(problems.map((p) => Problems._line(p))).toEqual(messages);
  });

  /** The error a call throws (failing the test when it throws nothing). */
  const thrown = (f: () => unknown): ProblemsError => {
    try {
      f();
    } catch (e) {
      return e as ProblemsError;
    }
    throw new Error('expected an error');
  };

  const badPolicy = {
    protectedTags: ['prod'],
    rules: [
      { tagState: 'sometimes', keepMostRecent: 2 },
      { tagState: TagState.TAGGED, keepMostRecent: 0 },
    ],
  } as unknown as RetentionPolicySpec;

  // Each former renderer of its own "N problems" list: the error is a ProblemsError with every problem, one heading style.
  test.each<[string, () => unknown, RegExp, number]>([
    ['ECR translation', () => EcrLifecycleTranslation.translate(badPolicy, { repositoryName: 'platform/api' }), /^Cannot translate the retention policy to an ECR lifecycle policy for ECR repository "platform\/api": 3 problems\n {2}- retention\.rules\[0\]\.tagState: /, 3],
    ['Artifact Registry translation', () => GarCleanupTranslation.translate([{ packageName: 'api', policy: badPolicy }, { packageName: 'api', policy: badPolicy }]),
      /: \d+ problems\n {2}- packages\[0\] \(api\)\.retention\.rules\[0\]\.tagState: [^]*packages\[1\]\.packageName: "api" is listed twice/, 7],
    ['ECR evaluator', () => EcrLifecycleEvaluator.evaluate('{"rules": [{"rulePriority": 0}, {"rulePriority": "x"}]}', []),
      /^EcrLifecycleEvaluator: cannot evaluate the lifecycle policy: 5 problems\n {2}- policy text: [^]*\n {2}- rules\[0\]\.rulePriority: 0 /, 5],
    ['Harbor rule blocks', () => HarborRetentionRuleBlocks.fromPolicy(JSON.stringify({ rules: [{ template: 'nothing', tag_selectors: [], scope_selectors: {} }, { template: 'latestPushedK', params: {} }] })),
      /^Cannot express the retention policy as harbor_retention_policy rule blocks: \d+ problems\n {2}- rules\[0\]/, 2],
    ['image listing', () => parseListing(JSON.stringify({ imageDetails: [{ imageDigest: 'nope', imagePushedAt: 'yesterday' }] }), 'api.json'),
      /^api\.json \(ecr listing\): 2 problems\n {2}- imageDetails\[0\]\.imagePushedAt: "yesterday" is not a timestamp[^]*\n {2}- imageDetails\[0\]\.imageDigest: "nope"/, 2],
    // The tagging layer (issue: problems joined with "; " into one string).
    ['build tags', () => BuildTags.compute({ gitSha: 'xyz', version: '1.2', branch: '///' }),
      /^Cannot compute the tags of this build: 3 problems\n {2}- gitSha: "xyz" is not a git commit sha[^]*\n {2}- branch: "\/\/\/" cannot be made into a tag/, 3],
    ['OCI tag', () => OciTag.assertValid('-a/b', 'the build tag'), /^the build tag: 2 problems\n {2}- tag: "-a\/b" starts with "-"/, 2],
    ['environment tag', () => BuildTags.environmentTag('.x/y'), /^Cannot make an environment tag: 2 problems\n {2}- environment: "\.x\/y" cannot be a tag: it starts with "\."/, 2],
    ['promotion workflow', () => PromotionWorkflow.generate(PromotionPlanner.plan({
      name: 'platform', repositories: [{ name: 'api' }], environments: { layout: EnvironmentLayout.TAGS, chain: [{ name: 'dev' }, { name: 'prod' }] },
    }, { cloud: Cloud.AWS })), /^Cannot generate the promotion workflow of registry "platform" on aws: \d+ problems\n {2}- access\.pushers: /, 2],
  ])('%s: one ProblemsError listing every problem', (_what, f, message, atLeast) => {
    const error = thrown(f);
    expect(error).toBeInstanceOf(ProblemsError);
    expect(error.message).toMatch(message);
    expect(error.problems.length).toBeGreaterThanOrEqual(atLeast);
    expect(error.message).toBe(Problems.render(error.heading, error.problems, error.problems.length > 50 ? 50 : undefined));
  });

  test('no source file renders its own "N problems" list: src/spec/problems.ts is the only renderer', () => {
    const files = (dir: string): string[] => readdirSync(dir).flatMap((f) => {
      const path = join(dir, f);
      return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : [];
    });
    const src = join(__dirname, '..', '..', 'src');
    const renderers = files(src)
      .filter((f) => !f.endsWith(join('spec', 'problems.ts')))
      .filter((f) => /problem\$\{|problem\(s\)|\d+ problems?:/.test(readFileSync(f, 'utf8')))
      .map((f) => f.slice(src.length + 1));
    expect(renderers).toEqual([]);
  });
});
