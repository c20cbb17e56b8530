/**
 * The data-safety proof of the retention translations (DESIGN.md, "one meaning,
 * three translations, one safety rule"): for random neutral policies and random
 * image sets, the images the translated native policy deletes (computed by that
 * cloud's exact evaluator) are a subset of those the neutral policy deletes;
 * equal when the translation reports itself exact; protected images are never
 * deleted. Seeded, so every run checks the same cases; a failure prints the
 * shrunk counterexample (the policy and the images) in the assertion message.
 */
import * as fc from 'fast-check';
import {
  EcrLifecycleEvaluator,
  EcrLifecycleTranslation,
  RetentionEvaluator,
  TranslationFidelity,
} from '../../src/retention';
import { Glob, RetentionPolicySpec, RetentionRuleSpec, TagState } from '../../src/spec';

const DAY = 86_400_000;
const NOW = new Date('2026-06-01T00:00:00Z');
const SEED = 20260601;

/** Tags from a small alphabet, so that patterns collide (prefixes of each other, exact and glob). */
const TAGS = ['pr-1', 'pr-2', 'pr-10', 'pr', 'v1', 'v1.2', 'v2', 'main-a', 'main-b', 'prod', 'production', 'staging', 'latest', 'rc-a', 'x'];
const PATTERNS = ['pr-*', 'pr-1*', 'pr', 'v*', 'v1', 'v1.*', 'main-*', 'prod', 'prod*', 'staging', 'latest', '*', '*-a', '*a*', 'x', 'p*d*'];
const AGES = [0, 1, 2, 3, 5, 7, 8, 10, 14, 20, 30, 31, 45, 90];

const patternsArb = fc.uniqueArray(fc.constantFrom(...PATTERNS), { minLength: 1, maxLength: 3 });
const actionArb = fc.oneof(
  fc.integer({ min: 1, max: 4 }).map((n) => ({ keepMostRecent: n })),
  fc.constantFrom(1, 3, 7, 10, 30).map((n) => ({ expireAfterDays: n })),
);
const ruleArb: fc.Arbitrary<RetentionRuleSpec> = fc.oneof(
  { weight: 5, arbitrary: fc.tuple(patternsArb, actionArb).map(([tagPatterns, a]) => ({ tagState: TagState.TAGGED, tagPatterns, ...a })) },
  { weight: 2, arbitrary: actionArb.map((a) => ({ tagState: TagState.UNTAGGED, ...a })) },
  { weight: 2, arbitrary: actionArb.map((a) => ({ tagState: TagState.ANY, ...a })) },
);
export const policyArb: fc.Arbitrary<RetentionPolicySpec> = fc.record({
  protectedTags: fc.uniqueArray(fc.constantFrom(...PATTERNS.filter((p) => p !== '*')), { maxLength: 2 }),
  rules: fc.array(ruleArb, { minLength: 1, maxLength: 6 }),
});

export interface TestImage { readonly digest: string; readonly tags: string[]; readonly pushedAt: Date }

/** 0-12 images with unique digests, 0-3 tags each (a tag points at one image per repository), push times that tie. */
export const imagesArb: fc.Arbitrary<TestImage[]> = fc.array(
  fc.record({
    tags: fc.uniqueArray(fc.constantFrom(...TAGS), { maxLength: 3 }),
    age: fc.constantFrom(...AGES),
    jitter: fc.constantFrom(0, 0, 1, -1, 3_600_000),
  }),
  { maxLength: 12 },
).map((raw) => {
  const used = new Set<string>();
  return raw.map((r, i) => {
    const tags = r.tags.filter((t) => !used.has(t));
    tags.forEach((t) => used.add(t));
    return { digest: `sha256:${String(i).padStart(2, '0')}`, tags, pushedAt: new Date(NOW.getTime() - r.age * DAY + r.jitter) };
  });
});

function neutral(policy: RetentionPolicySpec, images: TestImage[]): string[] {
  return RetentionEvaluator.evaluate(policy, images, { now: NOW }).expired.map((e) => e.digest);
}

function isProtected(policy: RetentionPolicySpec, image: TestImage): boolean {
  return image.tags.some((t) => Glob.matchesAny(policy.protectedTags ?? [], t));
}

/** Checks subset / equality / protection and fails with the policy, the images and both results. */
export function checkSafety(cloud: string, policy: RetentionPolicySpec, images: TestImage[], native: string[], exact: boolean, extra = ''): void {
  const expected = neutral(policy, images);
  const aggressive = native.filter((d) => !expected.includes(d));
  const protectedDeleted = native.filter((d) => isProtected(policy, images.find((i) => i.digest === d)!));
  const context = () => `${cloud}: policy ${JSON.stringify(policy)}\nimages ${JSON.stringify(images.map((i) => ({ d: i.digest, t: i.tags, age: (NOW.getTime() - i.pushedAt.getTime()) / DAY })))}` +
    `\nneutral deletes ${JSON.stringify(expected)}\nnative deletes ${JSON.stringify(native)}${extra ? `\n${extra}` : ''}`;
  if (aggressive.length > 0) throw new Error(`AGGRESSIVE: ${cloud} deletes ${aggressive.join(', ')} that the neutral policy keeps\n${context()}`);
  if (protectedDeleted.length > 0) throw new Error(`PROTECTED DELETED: ${protectedDeleted.join(', ')}\n${context()}`);
  if (exact && native.length !== expected.length) throw new Error(`NOT EXACT: the report says exact but ${cloud} keeps ${expected.filter((d) => !native.includes(d)).join(', ')}\n${context()}`);
}

describe('safety of the translations (property-based, seeded)', () => {
  const stats = { ecr: { runs: 0, exact: 0, deletions: 0 } };

  test('ECR: lifecycle-policy deletions are a subset of the neutral ones, equal when exact (4,000 cases)', () => {
    fc.assert(fc.property(policyArb, imagesArb, (policy, images) => {
      let result;
      try {
        result = EcrLifecycleTranslation.translate(policy);
      } catch (e) {
        // Only the ECR limits may refuse a valid random policy; none applies to these small ones.
        throw new Error(`unexpected refusal: ${(e as Error).message}\npolicy ${JSON.stringify(policy)}`);
      }
      const native = result.policyText
        ? EcrLifecycleEvaluator.evaluate(result.policyText,
          images.map((i) => ({ imageDigest: i.digest, imageTags: i.tags, imagePushedAt: i.pushedAt })), { now: NOW })
          .expired.map((e) => e.imageDigest)
        : [];
      const exact = result.report.fidelity === TranslationFidelity.EXACT;
      stats.ecr.runs++;
      if (exact) stats.ecr.exact++;
      stats.ecr.deletions += native.length;
      checkSafety('ECR', policy, images, native, exact, result.policyText);
    }), { seed: SEED, numRuns: 4000 });
    // The generator reaches both kinds of translation, and deletions happen.
    expect(stats.ecr.exact).toBeGreaterThan(500);
    expect(stats.ecr.runs - stats.ecr.exact).toBeGreaterThan(200);
    expect(stats.ecr.deletions).toBeGreaterThan(2000);
  });
});
