import * as fc from 'fast-check';
import { RetentionEvaluator, RetentionImage } from '../../src/retention';
import { globTest, passes } from '../../src/retention/evaluator-support';
import { Glob, RetentionAction, RetentionPolicySpec, RetentionRuleSpec, TagState } from '../../src/spec';

const DAY = 86_400_000;
const NOW = new Date('2026-06-01T00:00:00Z');
const daysAgo = (d: number) => new Date(NOW.getTime() - d * DAY);
const img = (digest: string, tags: string[], ageDays: number): RetentionImage => ({ digest, tags, pushedAt: daysAgo(ageDays) });
const evaluate = (policy: RetentionPolicySpec, images: RetentionImage[]) => RetentionEvaluator.evaluate(policy, images, { now: NOW });
const expiredDigests = (policy: RetentionPolicySpec, images: RetentionImage[]) => evaluate(policy, images).expired.map((e) => e.digest);

describe('RetentionEvaluator (the neutral meaning of DESIGN.md)', () => {
  test('keep N keeps the N most recently pushed images of the selection and expires the rest, with the rule index', () => {
    const images = [img('d1', ['pr-1'], 5), img('d2', ['pr-2'], 4), img('d3', ['pr-3'], 3), img('d4', ['main-1'], 10)];
    const res = evaluate({ rules: [{ tagState: TagState.TAGGED, tagPatterns: ['pr-*'], keepMostRecent: 2 }] }, images);
    expect(res).toEqual({ archived: [], kept: ['d2', 'd3', 'd4'], expired: [{ digest: 'd1', ruleIndex: 0 }] });
  });

  test('the DESIGN trap: keep the last 2 pr-* images among main-a, main-b, pr-3, pr-2, pr-1 expires only pr-1', () => {
    const images = [img('a', ['main-a'], 1), img('b', ['main-b'], 2), img('c', ['pr-3'], 3), img('d', ['pr-2'], 4), img('e', ['pr-1'], 5)];
    expect(expiredDigests({ rules: [{ tagState: TagState.TAGGED, tagPatterns: ['pr-*'], keepMostRecent: 2 }] }, images)).toEqual(['e']);
  });

  test('ties in push time break by digest ascending: the smaller digest counts as more recent', () => {
    const t = daysAgo(1);
    const images = [{ digest: 'sha256:c', pushedAt: t }, { digest: 'sha256:a', pushedAt: t }, { digest: 'sha256:b', pushedAt: t }];
    const res = evaluate({ rules: [{ tagState: TagState.UNTAGGED, keepMostRecent: 1 }] }, images);
    expect(res.kept).toEqual(['sha256:a']);
    expect(res.expired).toEqual([{ digest: 'sha256:b', ruleIndex: 0 }, { digest: 'sha256:c', ruleIndex: 0 }]);
  });

  test('"older than N days" is strict: exactly N x 86,400 s is kept, one millisecond more expires', () => {
    const images = [
      { digest: 'exact', pushedAt: new Date(NOW.getTime() - 7 * DAY) },
      { digest: 'older', pushedAt: new Date(NOW.getTime() - 7 * DAY - 1) },
      { digest: 'newer', pushedAt: new Date(NOW.getTime() - 7 * DAY + 1) },
    ];
    expect(evaluate({ rules: [{ tagState: TagState.ANY, expireAfterDays: 7 }] }, images))
      .toEqual({ archived: [], kept: ['exact', 'newer'], expired: [{ digest: 'older', ruleIndex: 0 }] });
  });

  test('protection is a claim: a protected image is never expired, yet it takes one of the N places', () => {
    const images = [img('p', ['prod'], 1), img('x', ['build-2'], 2), img('y', ['build-1'], 3)];
    const res = evaluate({ protectedTags: ['prod'], rules: [{ tagState: TagState.ANY, keepMostRecent: 2 }] }, images);
    // The protected image is the most recent: it and x fill the two places, y expires.
    expect(res).toEqual({ archived: [], kept: ['p', 'x'], expired: [{ digest: 'y', ruleIndex: 0 }] });
    // An old protected image beyond the count is still kept.
    const old = [img('p', ['prod'], 30), img('x', ['build-2'], 2), img('y', ['build-1'], 3)];
    expect(evaluate({ protectedTags: ['prod'], rules: [{ tagState: TagState.ANY, keepMostRecent: 1 }] }, old).kept).toEqual(['p', 'x']);
  });

  test('images claimed by an earlier rule count towards a later rule\'s N, and are decided by the earlier rule', () => {
    const images = [img('r1', ['v1.0.1'], 1), img('r2', ['v1.0.0'], 2), img('b1', ['build-1'], 3), img('b2', ['build-0'], 4)];
    const policy: RetentionPolicySpec = {
      rules: [
        { tagState: TagState.TAGGED, tagPatterns: ['v*'], keepMostRecent: 10 },
        { tagState: TagState.ANY, keepMostRecent: 3 },
      ],
    };
    // Rule 1 ranks r1, r2, b1, b2: b2 is beyond 3 and unclaimed; r1 and r2 are claimed (kept) by rule 0.
    expect(evaluate(policy, images)).toEqual({ archived: [], kept: ['b1', 'r1', 'r2'], expired: [{ digest: 'b2', ruleIndex: 1 }] });
  });

  test('the first rule whose selection contains an image decides, even when it keeps the image', () => {
    const images = [img('a', ['pr-1'], 100)];
    const policy: RetentionPolicySpec = {
      rules: [
        { tagState: TagState.TAGGED, tagPatterns: ['pr-*'], keepMostRecent: 5 },
        { tagState: TagState.ANY, expireAfterDays: 1 },
      ],
    };
    expect(evaluate(policy, images)).toEqual({ archived: [], kept: ['a'], expired: [] });
  });

  test('patterns are ORed, match the whole tag, and any tag of an image may match', () => {
    const images = [img('a', ['main', 'pr-1'], 10), img('b', ['release'], 10), img('c', ['xpr-1'], 10), img('d', ['feat'], 10), img('e', [], 10)];
    const res = evaluate({ rules: [{ tagState: TagState.TAGGED, tagPatterns: ['pr-*', 'feat'], expireAfterDays: 1 }] }, images);
    expect(res.expired.map((e) => e.digest)).toEqual(['a', 'd']);
  });

  test('untagged selects images without tags; any selects every image; no rule keeps everything', () => {
    const images = [img('a', [], 10), { digest: 'b', pushedAt: daysAgo(10) }, img('c', ['x'], 10)];
    expect(expiredDigests({ rules: [{ tagState: TagState.UNTAGGED, expireAfterDays: 1 }] }, images)).toEqual(['a', 'b']);
    expect(expiredDigests({ rules: [{ tagState: TagState.ANY, expireAfterDays: 1 }] }, images)).toEqual(['a', 'b', 'c']);
    expect(evaluate({}, images)).toEqual({ archived: [], kept: ['a', 'b', 'c'], expired: [] });
  });

  test('now defaults to the current time', () => {
    const images = [{ digest: 'old', pushedAt: new Date(Date.now() - 3 * DAY) }, { digest: 'new', pushedAt: new Date(Date.now() - DAY / 2) }];
    expect(RetentionEvaluator.evaluate({ rules: [{ tagState: TagState.ANY, expireAfterDays: 1 }] }, images).expired)
      .toEqual([{ digest: 'old', ruleIndex: 0 }]);
  });

  test('an invalid policy or image set throws one error listing every problem', () => {
    const policy = {
      rules: [
        { tagState: 'sometimes', keepMostRecent: 1 },
        { tagState: TagState.TAGGED, keepMostRecent: 0 },
        { tagState: TagState.ANY, keepMostRecent: 1, expireAfterDays: 2 },
        { tagState: TagState.UNTAGGED, tagPatterns: ['x'] },
      ],
    } as unknown as RetentionPolicySpec;
    const images = [img('a', [], 1), img('a', [], 2), { digest: 'b', pushedAt: new Date('nope') }];
    expect(() => evaluate(policy, images)).toThrow(new RegExp([
      'RetentionEvaluator: cannot evaluate: 8 problems',
      '  - rules\\[0\\]\\.tagState: "sometimes" is not a tag state \\(allowed: tagged, untagged, any\\)',
      '  - rules\\[1\\]\\.tagPatterns: undefined is required with tagState "tagged"[^\\n]*',
      '  - rules\\[1\\]\\.keepMostRecent: 0 must be a whole number of images, at least 1',
      '  - rules\\[2\\]: \\{"keepMostRecent":1,"expireAfterDays":2\\} needs exactly one criterion: [^\\n]*\\(got keepMostRecent and expireAfterDays\\)',
      '  - rules\\[3\\]\\.tagPatterns: \\["x"\\] is only allowed with tagState "tagged"',
      '  - rules\\[3\\]: \\{\\} needs exactly one criterion[^\\n]*',
      '  - images\\[1\\]\\.digest: "a" is listed twice \\(digests are unique in a repository\\)',
      '  - images\\[2\\]\\.pushedAt: Invalid Date is not a valid Date',
    ].join('\\n')));
    expect(() => RetentionEvaluator.evaluate({}, [], { now: new Date('x') })).toThrow(/options\.now Invalid Date is not a valid Date/);
  });
});

describe('attachments follow their subject (issue 17: signatures and attestations)', () => {
  // cosign's tag-based scheme: the signature of digest sha256:<hex> is the tag "sha256-<hex>.sig"
  // (attestations ".att", SBOMs ".sbom"); /work/shared/reference/retention-semantics.md notes that
  // only ACR's purge knows subjects ("never deletes ... ones with a subject (signatures, SBOMs)").
  const hex = (c: string) => c.repeat(64);
  const d = (c: string) => `sha256:${hex(c)}`;
  const sig = (c: string, kind = 'sig') => `sha256-${hex(c)}.${kind}`;
  const keep2 = { rules: [{ tagState: TagState.TAGGED, tagPatterns: ['v*'], keepMostRecent: 2 }] };

  test('an attachment is expired with its subject (by the subject\'s rule) and kept while it is kept', () => {
    const images = [
      img(d('a'), ['v1'], 30), img(d('1'), [sig('a')], 29), img(d('2'), [sig('a', 'att')], 28),
      img(d('b'), ['v2'], 20), img(d('3'), [sig('b')], 19),
      img(d('c'), ['v3'], 10), img(d('4'), [sig('c'), sig('c', 'att')], 1),
    ];
    const res = evaluate(keep2, images);
    expect(res.expired).toEqual([{ digest: d('1'), ruleIndex: 0 }, { digest: d('2'), ruleIndex: 0 }, { digest: d('a'), ruleIndex: 0 }]);
    expect(res.kept).toEqual([d('3'), d('4'), d('b'), d('c')]);
  });

  test('an attachment no rule would keep is kept with its kept subject, and one a rule would keep goes with its expired subject', () => {
    const images = [img(d('a'), ['v1'], 1), img(d('1'), [sig('a')], 100), img(d('b'), ['old'], 50), img(d('2'), [sig('b')], 0)];
    const res = evaluate({ rules: [{ tagState: TagState.ANY, expireAfterDays: 30 }] }, images);
    expect(res.kept).toEqual([d('1'), d('a')]);
    expect(res.expired).toEqual([{ digest: d('2'), ruleIndex: 0 }, { digest: d('b'), ruleIndex: 0 }]);
  });

  test('a signature of an attachment follows the root subject; an attachment is kept with a protected subject', () => {
    const images = [img(d('a'), ['prod'], 90), img(d('1'), [sig('a', 'att')], 90), img(d('2'), [`sha256-${hex('1')}.sig`], 90)];
    const res = evaluate({ protectedTags: ['prod'], rules: [{ tagState: TagState.ANY, expireAfterDays: 1 }] }, images);
    expect(res.expired).toEqual([]);
    const unprotected = evaluate({ rules: [{ tagState: TagState.ANY, expireAfterDays: 1 }] }, images);
    expect(unprotected.expired.map((e) => e.digest)).toEqual([d('1'), d('2'), d('a')]);
  });

  test('not attachments: a subject not listed, a tag of another scheme next to a cosign tag, two subjects, a short digest, a cycle', () => {
    const images = [
      img(d('a'), ['v1'], 1),
      img(d('1'), [sig('f')], 100), // subject sha256:fff... is not in the repository
      img(d('2'), [sig('a'), 'extra'], 100), // also tagged "extra": an ordinary image
      img(d('3'), [sig('a'), sig('1')], 100), // two subjects
      img(d('4'), [`sha256-${'a'.repeat(63)}.sig`], 100), // not a digest
      img(d('5'), [sig('6')], 100), img(d('6'), [sig('5')], 100), // each the other's subject
    ];
    const res = evaluate({ rules: [{ tagState: TagState.ANY, expireAfterDays: 30 }] }, images);
    expect(res.kept).toEqual([d('a')]);
    expect(res.expired.map((e) => e.digest)).toEqual([d('1'), d('2'), d('3'), d('4'), d('5'), d('6')]);
  });

  test('attachments take no place among the N most recent (push or pull time), unless the policy counts them', () => {
    // Issue 17 item 5: "they do not count toward keepMostRecent". Three signed images, each signature pushed just after it.
    const images = [
      img(d('a'), ['v1'], 30), img(d('1'), [sig('a')], 29),
      img(d('b'), ['v2'], 20), img(d('2'), [sig('b')], 19),
      img(d('c'), ['v3'], 10), img(d('3'), [sig('c')], 9),
    ];
    for (const rule of [{ tagState: TagState.ANY, keepMostRecent: 2 }, { tagState: TagState.ANY, keepMostRecentlyPulled: 2 },
      { tagState: TagState.TAGGED, tagPatterns: ['*'], keepMostRecent: 2 }]) {
      // The 2 most recent images and their signatures are kept; the oldest goes with its signature.
      expect(evaluate({ rules: [rule] }, images).expired.map((e) => e.digest)).toEqual([d('1'), d('a')]);
      // Counted like the clouds count them, the 2 places are c and its signature: a and b go, with their signatures.
      expect(evaluate({ rules: [rule], countAttachments: true }, images).expired.map((e) => e.digest)).toEqual([d('1'), d('2'), d('a'), d('b')]);
    }
  });

  test('an attachment is not archived with its subject: it is kept in its own storage class', () => {
    const images = [img(d('a'), ['v1'], 100), img(d('1'), [sig('a')], 100)];
    const res = evaluate({ rules: [{ tagState: TagState.TAGGED, tagPatterns: ['v*'], expireAfterDays: 30, action: RetentionAction.ARCHIVE }] }, images);
    expect(res).toEqual({ kept: [d('1'), d('a')], expired: [], archived: [{ digest: d('a'), ruleIndex: 0 }] });
  });
});

// ---- property tests ----

const TAGS = ['prod', 'staging', 'latest', 'v1', 'v2', 'pr-1', 'pr-2', 'main-a', 'x'];
const PATTERNS = ['prod', 'v*', 'pr-*', '*a*', 'main-*', 'x', '*', 'la*t'];

const ruleArb: fc.Arbitrary<RetentionRuleSpec> = fc.record({
  tagState: fc.constantFrom(TagState.TAGGED, TagState.UNTAGGED, TagState.ANY),
  tagPatterns: fc.uniqueArray(fc.constantFrom(...PATTERNS), { minLength: 1, maxLength: 3 }),
  keep: fc.option(fc.integer({ min: 1, max: 6 }), { nil: undefined }),
  days: fc.integer({ min: 1, max: 40 }),
}).map(({ tagState, tagPatterns, keep, days }) => ({
  tagState,
  ...(tagState === TagState.TAGGED ? { tagPatterns } : {}),
  ...(keep !== undefined ? { keepMostRecent: keep } : { expireAfterDays: days }),
}));

const policyArb: fc.Arbitrary<RetentionPolicySpec> = fc.record({
  protectedTags: fc.uniqueArray(fc.constantFrom(...PATTERNS.filter((p) => p !== '*')), { maxLength: 2 }),
  rules: fc.array(ruleArb, { minLength: 1, maxLength: 4 }),
});

// Few distinct push times so that ties (broken by digest) are frequent.
const imagesArb: fc.Arbitrary<RetentionImage[]> = fc.uniqueArray(
  fc.record({
    digest: fc.integer({ min: 0, max: 60 }).map((h) => `sha256:${h.toString(16).padStart(2, '0')}`),
    tags: fc.uniqueArray(fc.constantFrom(...TAGS), { maxLength: 3 }),
    age: fc.integer({ min: 0, max: 12 }),
  }),
  { maxLength: 25, selector: (r) => r.digest },
).map((rs) => rs.map((r) => ({ digest: r.digest, tags: r.tags, pushedAt: new Date(NOW.getTime() - r.age * 5 * DAY) })));

/** A second, deliberately naive reading of DESIGN.md's text: per rule, sort its own selection. */
function naive(policy: RetentionPolicySpec, images: RetentionImage[]): Map<string, number> {
  const re = (p: string) => new RegExp(`^${p.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 's');
  const matches = (pats: string[], im: RetentionImage) => (im.tags ?? []).some((t) => pats.some((p) => re(p).test(t)));
  const selected = (rule: RetentionRuleSpec, im: RetentionImage) =>
    rule.tagState === TagState.ANY || (rule.tagState === TagState.UNTAGGED ? (im.tags ?? []).length === 0 : matches(rule.tagPatterns!, im));
  const marks = (policy.rules ?? []).map((rule) => {
    const sel = images.filter((im) => selected(rule, im));
    if (rule.keepMostRecent !== undefined) {
      sel.sort((a, b) => b.pushedAt.getTime() - a.pushedAt.getTime() || (a.digest < b.digest ? -1 : 1));
      return new Set(sel.slice(rule.keepMostRecent).map((im) => im.digest));
    }
    return new Set(sel.filter((im) => NOW.getTime() - im.pushedAt.getTime() > rule.expireAfterDays! * DAY).map((im) => im.digest));
  });
  const out = new Map<string, number>();
  for (const im of images) {
    if (matches(policy.protectedTags ?? [], im)) continue;
    const r = (policy.rules ?? []).findIndex((rule) => selected(rule, im));
    if (r >= 0 && marks[r].has(im.digest)) out.set(im.digest, r);
  }
  return out;
}

describe('RetentionEvaluator properties (fast-check, seeded)', () => {
  const params = { seed: 20261126, numRuns: 500 };

  test('agrees with a naive per-rule reading of the meaning, and partitions the images', () => {
    fc.assert(fc.property(policyArb, imagesArb, (policy, images) => {
      const res = evaluate(policy, images);
      expect(new Map(res.expired.map((e) => [e.digest, e.ruleIndex]))).toEqual(naive(policy, images));
      expect([...res.kept, ...res.expired.map((e) => e.digest)].sort()).toEqual(images.map((i) => i.digest).sort());
    }), params);
  });

  test('an image with a protected tag is never expired', () => {
    fc.assert(fc.property(policyArb, imagesArb, (policy, images) => {
      const expired = new Set(evaluate(policy, images).expired.map((e) => e.digest));
      const prot = images.filter((im) => (im.tags ?? []).some((t) => (policy.protectedTags ?? [])
        .some((p) => new RegExp(`^${p.replace(/[.+?^${}()|[\]\\]/g, '\\$&').split('*').join('.*')}$`).test(t))));
      for (const im of prot) expect(expired.has(im.digest)).toBe(false);
    }), params);
  });

  test('the result does not depend on the order of the images', () => {
    fc.assert(fc.property(policyArb, imagesArb.chain((ims) => fc.tuple(fc.constant(ims), fc.shuffledSubarray(ims, { minLength: ims.length }))),
      (policy, [images, shuffled]) => {
        expect(evaluate(policy, shuffled)).toEqual(evaluate(policy, images));
      }), params);
  });

  test('under keep-N rules, adding a newer image never un-expires an older one', () => {
    const keepOnly = policyArb.map((p) => ({
      ...p,
      rules: p.rules!.map((r) => (r.keepMostRecent ? r : { ...r, expireAfterDays: undefined, keepMostRecent: 2 })),
    }));
    fc.assert(fc.property(keepOnly, imagesArb, fc.uniqueArray(fc.constantFrom(...TAGS), { maxLength: 2 }), (policy, images, tags) => {
      const before = evaluate(policy, images).expired.map((e) => e.digest);
      const newest = { digest: 'sha256:new', tags, pushedAt: new Date(NOW.getTime() + DAY) };
      const after = new Set(evaluate(policy, [...images, newest]).expired.map((e) => e.digest));
      for (const d of before) expect(after.has(d)).toBe(true);
    }), params);
  });

  test('moving now later never un-expires an image', () => {
    fc.assert(fc.property(policyArb, imagesArb, fc.integer({ min: 0, max: 30 }), (policy, images, later) => {
      const before = evaluate(policy, images).expired;
      const after = RetentionEvaluator.evaluate(policy, images, { now: new Date(NOW.getTime() + later * DAY) }).expired;
      const afterSet = new Set(after.map((e) => e.digest));
      for (const e of before) expect(afterSet.has(e.digest)).toBe(true);
    }), params);
  });
});

describe('evaluator internals', () => {
  test('the compiled tag tests agree with Glob.matches (fast-check, seeded)', () => {
    const alphabet = fc.constantFrom('a', 'b', '-', '.', '*');
    fc.assert(fc.property(fc.string({ unit: alphabet, maxLength: 6 }), fc.string({ unit: fc.constantFrom('a', 'b', '-', '.'), maxLength: 6 }),
      (pattern, value) => {
        expect(passes(globTest(pattern), value)).toBe(Glob.matches(pattern, value));
      }), { seed: 7, numRuns: 2000 });
  });

  test('a long list of problems is capped at 50 lines, with the total count', () => {
    const images = Array.from({ length: 60 }, () => ({ digest: '', pushedAt: NOW }));
    expect(() => evaluate({}, images)).toThrow(/: 60 problems\n( {2}- images\[\d+\]\.digest: "" must be a non-empty string\n){50} {2}- \.\.\. and 10 more$/);
  });
});
