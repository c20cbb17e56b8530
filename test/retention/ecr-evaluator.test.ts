import * as fc from 'fast-check';
import { EcrImage, EcrLifecycleEvaluator, RetentionEvaluator } from '../../src/retention';
import { RetentionPolicySpec, TagState } from '../../src/spec';

// Sources: AWS ECR User Guide, "Examples of lifecycle policies in Amazon ECR"
// (https://docs.aws.amazon.com/AmazonECR/latest/userguide/lifecycle_policy_examples.html) and
// "Lifecycle policy evaluation rules" / "Lifecycle policy properties" (LifecyclePolicies.html,
// lifecycle_policy_parameters.html). Each test quotes the sentence it encodes.

const DAY = 86_400_000;
const NOW = new Date('2026-06-01T12:00:00Z');
const ago = (days: number, extraMs = 0) => new Date(NOW.getTime() - days * DAY - extraMs);
const image = (imageDigest: string, imageTags: string[], days: number, extraMs = 0): EcrImage =>
  ({ imageDigest, imageTags, imagePushedAt: ago(days, extraMs) });

interface Sel { tagStatus: string; tagPrefixList?: string[]; tagPatternList?: string[]; countType: string; countUnit?: string; countNumber: number }
const rule = (rulePriority: number, selection: Sel, description = `Rule ${rulePriority}`) =>
  ({ rulePriority, description, selection, action: { type: 'expire' } });
const policy = (...rules: object[]) => JSON.stringify({ rules }, null, 2);
const expired = (text: string, images: EcrImage[]) =>
  EcrLifecycleEvaluator.evaluate(text, images, { now: NOW }).expired.map((e) => `${e.imageDigest}@${e.appliedRulePriority}`);

describe('EcrLifecycleEvaluator: the User Guide examples', () => {
  test('Filtering on image age: "expires images with a tag starting with prod ... tagPatternList of prod* that are also older than 14 days"', () => {
    const text = policy(rule(1, { tagStatus: 'tagged', tagPatternList: ['prod*'], countType: 'sinceImagePushed', countUnit: 'days', countNumber: 14 },
      'Expire images older than 14 days'));
    const images = [image('a', ['prod'], 15), image('b', ['production-1'], 20), image('c', ['prod1'], 14), image('d', ['dev'], 30), image('e', [], 30)];
    expect(expired(text, images)).toEqual(['a@1', 'b@1']);
  });

  test('Filtering on image age (untagged variant): "expires untagged images older than 14 days"', () => {
    const text = policy(rule(1, { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 14 }));
    expect(expired(text, [image('a', [], 15), image('b', [], 13), image('c', ['x'], 40)])).toEqual(['a@1']);
  });

  test('Filtering on image count: "keeps only one untagged image and expires all others"', () => {
    const text = policy(rule(1, { tagStatus: 'untagged', countType: 'imageCountMoreThan', countNumber: 1 }, 'Keep only one untagged image, expire all others'));
    expect(expired(text, [image('a', [], 3), image('b', [], 2), image('c', [], 1), image('d', ['t'], 9)])).toEqual(['a@1', 'b@1']);
  });

  // Filtering on multiple rules, repository of examples A and B.
  const multi = [image('A', ['beta-1', 'prod-1'], 10), image('B', ['beta-2', 'prod-2'], 9), image('C', ['beta-3'], 8)];
  test.each([
    ['tagPrefixList', ['prod'], ['beta']],
    ['tagPatternList', ['prod*'], ['beta*']],
  ])('Filtering on multiple rules, Example A (%s): "Image A has already been seen by Rule 1 and if Image B were expired it would violate Rule 1 ... Result: Image A is expired"',
    (field, prod, beta) => {
      const text = policy(
        rule(1, { tagStatus: 'tagged', [field]: prod, countType: 'imageCountMoreThan', countNumber: 1 }),
        rule(2, { tagStatus: 'tagged', [field]: beta, countType: 'imageCountMoreThan', countNumber: 1 }),
      );
      expect(expired(text, multi)).toEqual(['A@1']);
    });

  test('Filtering on multiple rules, Example B: "Rule 2 ... would see no images because all available images were already seen by Rule 1 ... Result: Images A and B are expired"', () => {
    const text = policy(
      rule(1, { tagStatus: 'tagged', tagPrefixList: ['beta'], countType: 'imageCountMoreThan', countNumber: 1 }),
      rule(2, { tagStatus: 'tagged', tagPrefixList: ['prod'], countType: 'imageCountMoreThan', countNumber: 1 }),
    );
    expect(expired(text, multi)).toEqual(['A@1', 'B@1']);
  });

  test('Multiple tags in a single rule, Example A: "images must match all listed tag prefixes ... It sees images C and F ... Result: Image C is expired"', () => {
    const images = [image('A', ['alpha-1'], 12), image('B', ['beta-1'], 11), image('C', ['alpha-2', 'beta-2'], 10),
      image('D', ['alpha-3'], 4), image('E', ['beta-3'], 3), image('F', ['alpha-4', 'beta-4'], 2)];
    const text = policy(rule(1, { tagStatus: 'tagged', tagPrefixList: ['alpha', 'beta'], countType: 'sinceImagePushed', countNumber: 5, countUnit: 'days' }));
    expect(expired(text, images)).toEqual(['C@1']);
  });

  test('Multiple tags in a single rule, Example B: "tags are not exclusive ... It sees all images ... Result: Images A and B are expired"', () => {
    const images = [image('A', ['alpha-1', 'beta-1', 'gamma-1'], 10), image('B', ['alpha-2', 'beta-2'], 9), image('C', ['alpha-3', 'beta-3', 'gamma-2'], 8)];
    const text = policy(rule(1, { tagStatus: 'tagged', tagPrefixList: ['alpha', 'beta'], countType: 'imageCountMoreThan', countNumber: 1 }));
    expect(expired(text, images)).toEqual(['A@1', 'B@1']);
  });

  test('Filtering on all images, Example A: "It should expire all images other than the newest one ... Result: Images A, B, and C are expired"', () => {
    const images = [image('A', ['alpha-1'], 4), image('B', ['beta-1'], 3), image('C', [], 2), image('D', ['alpha-2'], 1)];
    const text = policy(rule(1, { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 1 }));
    expect(expired(text, images)).toEqual(['A@1', 'B@1', 'C@1']);
  });

  test('Filtering on all images, Example B: "it can\'t mark images A, B, C, or E because they were identified by higher priority rules. It marks image D ... Result: Images A, B, and D are expired"', () => {
    // The guide lists D and E as both "Pushed: 1 day ago"; its outcome needs E to count as the newer
    // one (rule 3 keeps the newest image, E, and marks D), so E is pushed one minute after D here.
    // E is exactly one day old, so rule 2 ("older than one day") keeps it: "It marks image B".
    const images = [image('A', ['alpha-1', 'beta-1'], 4), image('B', [], 3), image('C', ['alpha-2'], 2),
      image('D', ['git hash'], 1, 60_000), image('E', [], 1)];
    const text = policy(
      rule(1, { tagStatus: 'tagged', tagPrefixList: ['alpha'], countType: 'imageCountMoreThan', countNumber: 1 }),
      rule(2, { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 1 }),
      rule(3, { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 1 }),
    );
    expect(expired(text, images)).toEqual(['A@1', 'B@2', 'D@3']);
  });
});

describe('EcrLifecycleEvaluator: evaluation rules', () => {
  test('"An image that matches the tagging requirements of a rule cannot be expired by a rule with a lower priority": a huge count protects', () => {
    const text = policy(
      rule(1, { tagStatus: 'tagged', tagPatternList: ['v*'], countType: 'imageCountMoreThan', countNumber: 9999 }),
      rule(2, { tagStatus: 'any', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 1 }),
    );
    expect(expired(text, [image('rel', ['v1.0.0'], 100), image('dev', ['dev'], 100), image('new', ['x'], 0)])).toEqual(['dev@2']);
  });

  test('"Rules can never mark images that are marked by higher priority rules, but can still identify them": claimed images take places in a later count', () => {
    const text = policy(
      rule(1, { tagStatus: 'tagged', tagPatternList: ['v*'], countType: 'imageCountMoreThan', countNumber: 9999 }),
      rule(2, { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 2 }),
    );
    // Newest first: v2, v1 (claimed by rule 1) fill both places; b1 and b0 expire under rule 2.
    expect(expired(text, [image('v2', ['v2'], 1), image('v1', ['v1'], 2), image('b1', ['b1'], 3), image('b0', ['b0'], 4)])).toEqual(['b0@2', 'b1@2']);
  });

  test('rules apply by rulePriority, not by their order in the document, and priorities need not be consecutive', () => {
    const text = policy(
      rule(20, { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 1 }),
      rule(5, { tagStatus: 'tagged', tagPrefixList: ['keep'], countType: 'imageCountMoreThan', countNumber: 100 }),
    );
    expect(expired(text, [image('k', ['keep-me'], 9), image('x', ['x'], 2), image('y', ['y'], 1)])).toEqual(['x@20']);
  });

  test('tagPrefixList matches the start of a tag; tagPatternList is an anchored glob ("prod*" matches prod, prod1, production-team1; "*prod*" contains)', () => {
    const imgs = [image('a', ['prod'], 9), image('b', ['production-team1'], 9), image('c', ['preprod'], 9), image('d', ['my-prod-x'], 9)];
    const days = (sel: Partial<Sel>) => policy(rule(1, { tagStatus: 'tagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 1, ...sel }));
    expect(expired(days({ tagPrefixList: ['prod'] }), imgs)).toEqual(['a@1', 'b@1']);
    expect(expired(days({ tagPatternList: ['prod*'] }), imgs)).toEqual(['a@1', 'b@1']);
    expect(expired(days({ tagPatternList: ['*prod*'] }), imgs)).toEqual(['a@1', 'b@1', 'c@1', 'd@1']);
    expect(expired(days({ tagPatternList: ['prod'] }), imgs)).toEqual(['a@1']);
  });

  test('count ties break by digest ascending; "older than N days" is strict', () => {
    const t = [image('sha256:b', [], 1), image('sha256:a', [], 1), image('sha256:c', [], 1)];
    expect(expired(policy(rule(1, { tagStatus: 'untagged', countType: 'imageCountMoreThan', countNumber: 1 })), t)).toEqual(['sha256:b@1', 'sha256:c@1']);
    const text = policy(rule(1, { tagStatus: 'any', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 3 }));
    expect(expired(text, [image('exact', [], 3), image('older', [], 3, 1)])).toEqual(['older@1']);
  });

  test('now defaults to the current time', () => {
    const text = policy(rule(1, { tagStatus: 'any', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 1 }));
    const res = EcrLifecycleEvaluator.evaluate(text, [{ imageDigest: 'old', imagePushedAt: new Date(Date.now() - 2 * DAY) },
      { imageDigest: 'new', imagePushedAt: new Date() }]);
    expect(res.expired).toEqual([{ imageDigest: 'old', appliedRulePriority: 1 }]);
  });
});

describe('EcrLifecycleEvaluator: policies ECR rejects', () => {
  test('one error lists every problem in words', () => {
    const text = JSON.stringify({
      rules: [
        { rulePriority: 1, selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 1 }, action: { type: 'expire' } },
        {
          rulePriority: 1,
          description: null,
          selection: { tagStatus: 'tagged', tagPrefixList: ['a'], tagPatternList: ['a*'], countType: 'imageCountMoreThan', countNumber: 0 },
          action: { type: 'expire' },
        },
        { rulePriority: 3, selection: { tagStatus: 'tagged', tagPatternList: ['*a*b*c*d*'], countType: 'sinceImagePushed', countNumber: 2 }, action: { type: 'expire' } },
        { rulePriority: 4, selection: { tagStatus: 'untagged', countType: 'imageCountMoreThan', countNumber: 1 }, action: { type: 'expire' } },
        { rulePriority: 5, selection: { tagStatus: 'untagged', countType: 'imageCountMoreThan', countNumber: 1 }, action: { type: 'expire' }, extra: 1 },
      ],
    });
    let message = '';
    try {
      EcrLifecycleEvaluator.evaluate(text, [], { now: NOW });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/^EcrLifecycleEvaluator: cannot evaluate the lifecycle policy: \d+ problems\n/);
    for (const expected of [
      'rules[1].description: null is not accepted by ECR; omit the field instead',
      'rules[1].rulePriority: 1 is also the priority of rules[0]; priorities must be unique',
      'rules[1].selection: has both tagPrefixList and tagPatternList; a rule takes exactly one',
      'rules[1].selection.countNumber: 0 must be a positive whole number (0 is not accepted)',
      'rules[2].selection.tagPatternList[0]: "*a*b*c*d*" has 5 wildcards; ECR allows at most 4 per pattern',
      'rules[2].selection.countUnit: undefined must be "days" with countType "sinceImagePushed"',
      'rules[4].extra: is not a lifecycle policy field',
      'rules[4].selection: rules[3] already selects untagged standard images; only one rule per storage class may',
      'rules[0]: tagStatus "any" with rulePriority 1, but rule priority 5 of the same storage class (standard) is higher; an "any" rule must have the highest rulePriority',
    ]) {
      expect(message).toContain(expected);
    }
  });

  test('more than 50 rules, a text outside 100..30,720 characters, and duplicate tag lists are rejected', () => {
    const many = policy(...Array.from({ length: 51 }, (_, i) =>
      rule(i + 1, { tagStatus: 'tagged', tagPrefixList: [`p${i}`], countType: 'imageCountMoreThan', countNumber: 1 })));
    expect(EcrLifecycleEvaluator.problems(many)).toContain('rules: 51 rules; ECR allows at most 50');
    expect(EcrLifecycleEvaluator.problems('{"rules":[]}')).toEqual([
      'policy text: 12 characters; ECR accepts 100 to 30,720',
      'rules: [] must be a non-empty list of rules',
    ]);
    const dup = policy(
      rule(1, { tagStatus: 'tagged', tagPrefixList: ['a', 'b'], countType: 'imageCountMoreThan', countNumber: 1 }),
      rule(2, { tagStatus: 'tagged', tagPrefixList: ['b', 'a'], countType: 'imageCountMoreThan', countNumber: 2 }),
    );
    expect(EcrLifecycleEvaluator.problems(dup)).toEqual([
      'rules[1].selection: selects the same tags as rules[0]; the rules must use a unique set of tag prefixes/patterns',
    ]);
    expect(EcrLifecycleEvaluator.problems('not json')[1]).toMatch(/^policy text: not valid JSON/);
  });

  test('archive rules ECR rejects, and the parts not modelled, are clear errors', () => {
    const text = policy(
      // "The sinceImagePulled count type must be used with the transition action. It cannot be used with the expire action."
      { rulePriority: 1, selection: { tagStatus: 'untagged', countType: 'sinceImagePulled', countUnit: 'days', countNumber: 30 }, action: { type: 'expire' } },
      // "The sinceImageTransitioned count type must be used with the expire action and the archive storage class."
      {
        rulePriority: 2,
        selection: { tagStatus: 'tagged', tagPatternList: ['a*'], countType: 'sinceImageTransitioned', countUnit: 'days', countNumber: 100 },
        action: { type: 'expire' },
      },
      // "You cannot configure lifecycle policies that delete images that have been in archive for less than 90 days."
      {
        rulePriority: 3,
        selection: {
          tagStatus: 'tagged',
          tagPatternList: ['b*'],
          storageClass: 'archive',
          countType: 'sinceImageTransitioned',
          countUnit: 'days',
          countNumber: 30,
        },
        action: { type: 'expire' },
      },
      {
        rulePriority: 4,
        selection: { tagStatus: 'tagged', tagPatternList: ['c*'], countType: 'sinceImagePushed', countUnit: 'days', countNumber: 3 },
        action: { type: 'transition' },
      },
      {
        rulePriority: 5,
        selection: { tagStatus: 'tagged', tagPatternList: ['d*'], storageClass: 'archive', countType: 'imageCountMoreThan', countNumber: 3 },
        action: { type: 'expire' },
      },
    );
    expect(EcrLifecycleEvaluator.problems(text)).toEqual([
      'rules[0].selection.countType: "sinceImagePulled" must be used with the transition action; it cannot be used with the expire action',
      'rules[1].selection.countType: "sinceImageTransitioned" must be used with the expire action and the archive storage class',
      'rules[2].selection.countNumber: 30; ECR does not delete images archived for less than 90 days (at least 90)',
      'rules[3].action.targetStorageClass: undefined must be "archive" with type "transition"',
      'rules[4].selection.countType: "imageCountMoreThan" over archived images is not modelled (only sinceImageTransitioned)',
    ]);
  });

  test('invalid images are reported with the policy problems', () => {
    const text = policy(rule(1, { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 1 }));
    expect(() => EcrLifecycleEvaluator.evaluate(text, [image('a', [], 1), image('a', [], 2), { imageDigest: 'b', imagePushedAt: new Date(NaN) }]))
      .toThrow(/images\[1\]\.imageDigest: "a" is listed twice[\s\S]*images\[2\]\.imagePushedAt: Invalid Date is not a valid Date/);
  });
});

// ---- properties ----

const TAGS = ['prod', 'prod-1', 'v1', 'v2', 'pr-1', 'pr-2', 'dev', 'latest'];
const imagesArb = fc.uniqueArray(fc.record({
  d: fc.integer({ min: 0, max: 99 }), tags: fc.uniqueArray(fc.constantFrom(...TAGS), { maxLength: 3 }), age: fc.integer({ min: 0, max: 8 }),
}), { maxLength: 25, selector: (r) => r.d }).map((rs) => rs.map((r) => image(`sha256:${String(r.d).padStart(2, '0')}`, r.tags, r.age * 3)));

const neutralRuleArb = fc.record({
  kind: fc.constantFrom('tagged', 'untagged'),
  pattern: fc.constantFrom('prod*', 'v*', 'pr-*', 'dev', '*'),
  keep: fc.option(fc.integer({ min: 1, max: 5 }), { nil: undefined }),
  days: fc.integer({ min: 1, max: 20 }),
});

describe('EcrLifecycleEvaluator properties (fast-check, seeded)', () => {
  const params = { seed: 424242, numRuns: 300 };

  test('a one-pattern-per-rule policy (plus a trailing any rule) agrees with the neutral evaluator', () => {
    // With a single pattern per rule, ECR's AND and the neutral OR coincide, and both claim by tag selection
    // and count claimed images; so the two evaluators must expire the same images with the same rule.
    const rulesArb = fc.array(neutralRuleArb, { minLength: 1, maxLength: 4 });
    fc.assert(fc.property(rulesArb, fc.integer({ min: 1, max: 6 }), imagesArb, (rs, lastKeep, images) => {
      const seen = new Set<string>();
      const unique = rs.filter((r) => {
        const key = r.kind === 'untagged' ? 'untagged' : r.pattern;
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      });
      const neutral: RetentionPolicySpec = {
        rules: [
          ...unique.map((r) => ({
            tagState: r.kind === 'untagged' ? TagState.UNTAGGED : TagState.TAGGED,
            ...(r.kind === 'tagged' ? { tagPatterns: [r.pattern] } : {}),
            ...(r.keep ? { keepMostRecent: r.keep } : { expireAfterDays: r.days }),
          })),
          { tagState: TagState.ANY, keepMostRecent: lastKeep },
        ],
      };
      const text = policy(...neutral.rules!.map((r, i) => rule(i + 1, {
        tagStatus: r.tagState,
        ...(r.tagPatterns ? { tagPatternList: r.tagPatterns } : {}),
        ...(r.keepMostRecent ? { countType: 'imageCountMoreThan', countNumber: r.keepMostRecent }
          : { countType: 'sinceImagePushed', countUnit: 'days', countNumber: r.expireAfterDays! }),
      })));
      const ecr = EcrLifecycleEvaluator.evaluate(text, images, { now: NOW }).expired.map((e) => [e.imageDigest, e.appliedRulePriority - 1]);
      const asNeutral = images.map((im) => ({ digest: im.imageDigest, tags: im.imageTags, pushedAt: im.imagePushedAt }));
      const ref = RetentionEvaluator.evaluate(neutral, asNeutral, { now: NOW }).expired.map((e) => [e.digest, e.ruleIndex]);
      expect(ecr).toEqual(ref);
    }), params);
  });

  test('the result does not depend on the order of the images or of the rules in the document', () => {
    const text = [
      rule(3, { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 3 }),
      rule(1, { tagStatus: 'tagged', tagPatternList: ['v*'], countType: 'imageCountMoreThan', countNumber: 2 }),
      rule(2, { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 5 }),
    ];
    fc.assert(fc.property(imagesArb.chain((ims) => fc.tuple(fc.constant(ims), fc.shuffledSubarray(ims, { minLength: ims.length }))),
      ([images, shuffled]) => {
        expect(expired(policy(...text), shuffled)).toEqual(expired(policy(...[...text].reverse()), images));
      }), params);
  });

  test('under imageCountMoreThan rules, adding a newer image never un-expires an older one', () => {
    const text = policy(
      rule(1, { tagStatus: 'tagged', tagPatternList: ['prod*'], countType: 'imageCountMoreThan', countNumber: 2 }),
      rule(2, { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 3 }),
    );
    fc.assert(fc.property(imagesArb, fc.uniqueArray(fc.constantFrom(...TAGS), { maxLength: 2 }), (images, tags) => {
      const before = expired(text, images).map((e) => e.split('@')[0]);
      const newest = { imageDigest: 'sha256:new', imageTags: tags, imagePushedAt: NOW };
      const after = new Set(expired(text, [...images, newest]).map((e) => e.split('@')[0]));
      for (const d of before) expect(after.has(d)).toBe(true);
    }), params);
  });
});
