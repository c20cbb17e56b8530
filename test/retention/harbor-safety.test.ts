/**
 * The data-safety proof of the Harbor retention translation, in the shape of
 * safety.test.ts: for random neutral policies over the repositories of one
 * Harbor project and random artifacts (tags, push and pull times, never-pulled
 * ones), the artifacts Harbor deletes (HarborRetentionEvaluator over the
 * translated REST policy) are a subset of those the neutral policy expires per
 * repository; the same set when the report says exact; protected images are
 * never deleted. Harbor sorts whole seconds with an unstable sort, so the
 * exact property uses distinct push and pull seconds, and a second property
 * with same-second times checks that only tied artifacts are left to
 * Harbor's order. Seeded.
 */
import * as fc from 'fast-check';
import { attachmentsOf, withAttachments } from './signed-images';
import { HarborArtifact, HarborRetentionEvaluator, HarborRetentionRuleBlocks, HarborRetentionTranslation, RetentionEvaluator, TranslationFidelity } from '../../src/retention';
import { Glob, RetentionAction, RetentionPolicySpec, RetentionRuleSpec, StorageClass, TagState } from '../../src/spec';

const DAY = 86_400_000;
const NOW = new Date('2026-06-01T00:00:00Z');
const SEED = 20260601;
const PROJECT = 'platform';

const TAGS = ['pr-1', 'pr-2', 'pr-10', 'pr', 'v1', 'v1.2', 'v2', 'main-a', 'main-b', 'prod', 'production', 'staging', 'latest', 'rc-a', 'x'];
const PATTERNS = ['pr-*', 'pr-1*', 'pr', 'v*', 'v1', 'v1.*', 'main-*', 'prod', 'prod*', 'staging', 'latest', '*', '*-a', '*a*', 'x', 'p*d*'];
const AGES = [0, 1, 2, 3, 5, 7, 8, 10, 14, 20, 30, 31, 45, 90];
/** Repository names of one project: per environment (`dev/api`) and names that are prefixes of others. */
const REPOS = ['api', 'api-gateway', 'dev/api', 'jobs/worker'];

const patternsArb = fc.uniqueArray(fc.constantFrom(...PATTERNS), { minLength: 1, maxLength: 3 });
const criterionArb = fc.tuple(
  fc.oneof(
    { weight: 3, arbitrary: fc.integer({ min: 1, max: 4 }).map((n) => ({ keepMostRecent: n })) },
    { weight: 3, arbitrary: fc.constantFrom(1, 3, 7, 10, 30).map((n) => ({ expireAfterDays: n })) },
    { weight: 1, arbitrary: fc.integer({ min: 1, max: 4 }).map((n) => ({ keepMostRecentlyPulled: n })) },
    { weight: 2, arbitrary: fc.constantFrom(1, 3, 7, 10, 30).map((n) => ({ notPulledForDays: n })) },
  ),
  fc.constantFrom(undefined, undefined, undefined, undefined, RetentionAction.ARCHIVE),
).map(([c, action]) => (action ? { ...c, action } : c));
const ruleArb: fc.Arbitrary<RetentionRuleSpec> = fc.oneof(
  { weight: 6, arbitrary: fc.tuple(patternsArb, criterionArb).map(([tagPatterns, c]) => ({ tagState: TagState.TAGGED, tagPatterns, ...c })) },
  { weight: 2, arbitrary: criterionArb.map((c) => ({ tagState: TagState.UNTAGGED, ...c })) },
  { weight: 2, arbitrary: criterionArb.map((c) => ({ tagState: TagState.ANY, ...c })) },
  { weight: 1, arbitrary: fc.constant({ tagState: TagState.ANY, storageClass: StorageClass.ARCHIVE, archivedForDays: 90 }) },
);
const policyArb: fc.Arbitrary<RetentionPolicySpec> = fc.record({
  protectedTags: fc.uniqueArray(fc.constantFrom(...PATTERNS.filter((p) => p !== '*')), { maxLength: 2 }),
  rules: fc.array(ruleArb, { minLength: 1, maxLength: 4 }),
  // Three in four policies count cosign attachments like Harbor's count templates (count rules translate), the rest do not.
  countAttachments: fc.oneof({ weight: 3, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
}).map(({ countAttachments, ...p }) => ({ ...p, ...(countAttachments ? { countAttachments } : {}) }));

interface Image { readonly digest: string; readonly tags: string[]; readonly pushedAt: Date; readonly lastPulledAt?: Date }

/**
 * Images of one repository. `distinct`: push and pull times fall on distinct whole seconds (pushes on even
 * seconds, pulls on odd ones, 2 s apart per image), with ±1 ms jitter around the day boundaries; otherwise
 * times tie (same age, ±1 ms, same second).
 */
function imagesArb(distinct: boolean): fc.Arbitrary<Image[]> {
  return fc.array(fc.record({
    tags: fc.uniqueArray(fc.constantFrom(...TAGS), { maxLength: 3 }),
    age: fc.constantFrom(...AGES),
    jitter: fc.constantFrom(0, 0, 1, -1),
    pulledAge: fc.option(fc.constantFrom(...AGES), { freq: 2, nil: undefined }),
  }), { maxLength: 8 }).map((raw) => {
    const used = new Set<string>();
    return raw.map((r, i) => {
      const tags = r.tags.filter((t) => !used.has(t));
      tags.forEach((t) => used.add(t));
      const offset = distinct ? i * 2000 : 0;
      const pushedAt = new Date(NOW.getTime() - r.age * DAY - offset + r.jitter);
      if (r.pulledAge === undefined) return { digest: `sha256:${String(i).padStart(2, '0')}`, tags, pushedAt };
      const pulled = Math.max(pushedAt.getTime(), NOW.getTime() - r.pulledAge * DAY - (distinct ? offset + 1000 : 0) + r.jitter);
      return { digest: `sha256:${String(i).padStart(2, '0')}`, tags, pushedAt, lastPulledAt: new Date(pulled) };
    });
  });
}

/** A project: a shared policy, two overrides and repositories without retention (nothing may be deleted there). */
function projectArb(distinct: boolean) {
  return fc.record({
    shared: policyArb,
    overrides: fc.array(policyArb, { minLength: 2, maxLength: 2 }),
    assignment: fc.array(fc.constantFrom(0, 0, 0, 1, 2, 3), { minLength: REPOS.length, maxLength: REPOS.length }),
    // Signed images (issue 17); with distinct seconds, an attachment is pushed whole days after its subject, in the
    // subject's own second of the day, which no other image's push shares.
    images: fc.array(withAttachments(imagesArb(distinct), NOW, distinct ? [DAY, 3 * DAY, 10 * DAY] : undefined),
      { minLength: REPOS.length, maxLength: REPOS.length }),
  }).map(({ shared, overrides, assignment, images }) => ({
    policies: REPOS.map((_, k) => (assignment[k] === 0 ? shared : assignment[k] === 3 ? undefined : overrides[assignment[k] - 1])),
    images,
  }));
}

const toArtifact = (repository: string) => (i: Image): HarborArtifact => ({
  repository: `${PROJECT}/${repository}`, digest: i.digest, tags: i.tags, pushedAt: i.pushedAt, ...(i.lastPulledAt ? { pulledAt: i.lastPulledAt } : {}),
});

type Translate = (repositories: Array<{ repository: string; policy: RetentionPolicySpec }>) => { policyJson: string; exact: boolean };
const translate: Translate = (repositories) => {
  const r = HarborRetentionTranslation.translate(repositories);
  // Evaluate what is deployed: the rule blocks, through the terraform provider's mapping to REST rules.
  if (r.ruleBlocks.length > 0 && HarborRetentionRuleBlocks.problems(r.ruleBlocks).length > 0) throw new Error(HarborRetentionRuleBlocks.problems(r.ruleBlocks).join('\n'));
  return { policyJson: HarborRetentionRuleBlocks.toPolicy(r.ruleBlocks), exact: r.report.fidelity === TranslationFidelity.EXACT };
};

interface Stats {
  runs: number;
  exact: number;
  deletions: number;
  undetermined: number;
  refused: number;
  pullRules: number;
  neverPulledKept: number;
  attachmentsOfDeleted: number;
}

/**
 * One project: translate, evaluate on Harbor and neutrally per repository, and throw on any violation.
 * `tiesAllowed`: artifacts left to Harbor's order (undetermined) must tie with another artifact of the
 * repository (same push second, or same pull second); otherwise there must be none.
 */
function checkProject(
  policies: Array<RetentionPolicySpec | undefined>, images: Image[][], stats: Stats, now: Date, tiesAllowed: boolean, t: Translate = translate,
): void {
  const repositories = REPOS.flatMap((repository, k) => (policies[k] ? [{ repository, policy: policies[k]! }] : []));
  let translated;
  try {
    translated = t(repositories);
  } catch (e) {
    if (!/Harbor allows 15 per project/.test((e as Error).message)) throw e;
    stats.refused++;
    return;
  }
  const artifacts = REPOS.flatMap((name, k) => images[k].map(toArtifact(name)));
  const harbor = HarborRetentionEvaluator.evaluate(translated.policyJson, artifacts, { now });
  stats.runs++;
  if (translated.exact) stats.exact++;
  stats.deletions += harbor.deleted.length;
  stats.undetermined += harbor.undetermined.length;
  if (policies.some((p) => p?.rules?.some((r) => r.notPulledForDays !== undefined && r.action === undefined))) stats.pullRules++;
  REPOS.forEach((name, k) => {
    const policy = policies[k] ?? {};
    const prefix = `${PROJECT}/${name}@`;
    const mine = (list: string[]) => list.filter((d) => d.startsWith(prefix)).map((d) => d.slice(prefix.length));
    const deleted = mine(harbor.deleted);
    const undetermined = mine(harbor.undetermined);
    const expected = RetentionEvaluator.evaluate(policy, images[k], { now }).expired.map((e) => e.digest);
    const context = () => `repository ${name}: policy ${JSON.stringify(policy)}\nimages ${JSON.stringify(images[k].map((i) => ({
      d: i.digest,
      t: i.tags,
      pushed: (now.getTime() - i.pushedAt.getTime()) / DAY,
      pulled: i.lastPulledAt && (now.getTime() - i.lastPulledAt.getTime()) / DAY,
    })))}\nneutral expires ${JSON.stringify(expected)}\nharbor deletes ${JSON.stringify(deleted)} undetermined ${JSON.stringify(undetermined)}\npolicy ${translated.policyJson}`;
    const aggressive = [...deleted, ...(tiesAllowed ? [] : undetermined)].filter((d) => !expected.includes(d));
    if (aggressive.length > 0) throw new Error(`AGGRESSIVE: Harbor deletes ${aggressive.join(', ')} that the neutral policy keeps\n${context()}`);
    const isProtected = (d: string) => images[k].find((i) => i.digest === d)!.tags.some((tag) => Glob.matchesAny(policy.protectedTags ?? [], tag));
    const prot = [...deleted, ...undetermined].filter(isProtected);
    if (prot.length > 0) throw new Error(`PROTECTED DELETED: ${prot.join(', ')}\n${context()}`);
    // Attachments: the translation always retains sha256-*, so Harbor never deletes one; exact means the same
    // deletions, the attachments of neutral-deleted subjects aside (TranslationFidelity.EXACT).
    const attachments = attachmentsOf(images[k]);
    const attachmentTouched = [...deleted, ...undetermined].filter((d) => attachments.has(d));
    if (attachmentTouched.length > 0) throw new Error(`ATTACHMENT DELETED: ${attachmentTouched.join(', ')}\n${context()}`);
    stats.attachmentsOfDeleted += [...attachments.values()].filter((subject) => expected.includes(subject)).length;
    if (tiesAllowed) {
      const second = (d?: Date) => (d ? Math.floor(d.getTime() / 1000) : undefined);
      for (const d of undetermined) {
        const im = images[k].find((i) => i.digest === d)!;
        const tied = images[k].some((o) => o !== im && (second(o.pushedAt) === second(im.pushedAt)
          || (im.lastPulledAt && second(o.lastPulledAt) === second(im.lastPulledAt))
          || (!im.lastPulledAt && !o.lastPulledAt)));
        if (!tied) throw new Error(`UNDETERMINED WITHOUT A TIE: ${d}\n${context()}`);
      }
    } else if (undetermined.length > 0 && translated.exact) {
      throw new Error(`UNDETERMINED IN AN EXACT TRANSLATION: ${undetermined.join(', ')}\n${context()}`);
    }
    const expectedNative = expected.filter((d) => !attachments.has(d));
    if (translated.exact && !tiesAllowed && deleted.length !== expectedNative.length) {
      throw new Error(`NOT EXACT: the report says exact but Harbor keeps ${expectedNative.filter((d) => !deleted.includes(d)).join(', ')}\n${context()}`);
    }
    const pullRule = policy.rules?.some((r) => r.notPulledForDays !== undefined);
    stats.neverPulledKept += images[k].filter((i) => pullRule && !i.lastPulledAt && !deleted.includes(i.digest)).length;
  });
}

const newStats = (): Stats => ({
  runs: 0, exact: 0, deletions: 0, undetermined: 0, refused: 0, pullRules: 0, neverPulledKept: 0, attachmentsOfDeleted: 0,
});

describe('safety of the Harbor translation (property-based, seeded)', () => {
  test('distinct seconds: Harbor deletes a subset of the neutral expiries under every order, the same set when exact (2,500 projects)', () => {
    const stats = newStats();
    fc.assert(fc.property(projectArb(true), ({ policies, images }) => checkProject(policies, images, stats, NOW, false)),
      { seed: SEED, numRuns: 2500 });
    // Both kinds of translation, deletions, pull-time rules and never-pulled images that a pull rule must keep all occur.
    expect(stats.runs).toBeGreaterThan(2300);
    expect(stats.exact).toBeGreaterThan(200);
    expect(stats.runs - stats.exact).toBeGreaterThan(500);
    expect(stats.deletions).toBeGreaterThan(3000);
    expect(stats.pullRules).toBeGreaterThan(500);
    expect(stats.neverPulledKept).toBeGreaterThan(300);
    // Signed images whose subject the neutral policy deletes (their attachments stay on Harbor).
    expect(stats.attachmentsOfDeleted).toBeGreaterThan(300);
    if (process.env.HARBOR_STATS) console.log(JSON.stringify(stats));
  });

  test('a run that starts between two seconds (now + 500 ms) keeps at most more: still a subset (1,000 projects)', () => {
    const stats = newStats();
    // Exactness is only claimed at a whole-second "now"; check the subset and protection.
    fc.assert(fc.property(projectArb(true), ({ policies, images }) => checkProject(policies, images, stats, new Date(NOW.getTime() + 500), true)),
      { seed: SEED + 1, numRuns: 1000 });
    expect(stats.deletions).toBeGreaterThan(1000);
  });

  test('same-second times: certain deletions stay a subset; only artifacts tied with another are left to Harbor\'s order (2,000 projects)', () => {
    const stats = newStats();
    fc.assert(fc.property(projectArb(false), ({ policies, images }) => checkProject(policies, images, stats, NOW, true)),
      { seed: SEED + 2, numRuns: 2000 });
    expect(stats.undetermined).toBeGreaterThan(100);
    expect(stats.deletions).toBeGreaterThan(2000);
  });

  test('negative controls: an aggressive translation is caught (catch-all dropped; pull rule without its push rule; every latestPushedK dropped; a false "exact")', () => {
    const mutate = (drop: (r: any) => boolean, replace?: (r: any) => any): Translate => (repositories) => {
      const r = HarborRetentionTranslation.translate(repositories);
      const doc = JSON.parse(r.policyJson);
      doc.rules = doc.rules.filter((x: any) => !drop(x)).map((x: any) => (replace ? replace(x) : x));
      return { policyJson: JSON.stringify(doc), exact: r.report.fidelity === TranslationFidelity.EXACT };
    };
    const catchAll = (x: any) => x.template === 'always' && x.tag_selectors[0].decoration === 'excludes';
    const pushHalf = (x: any) => x.template === 'nDaysSinceLastPush';
    const pulledOnly = (x: any) => x.template === 'latestPushedK';
    for (const [name, t] of [['catch-all', mutate(catchAll)], ['push half', mutate(pushHalf)], ['no latestPushedK', mutate(pulledOnly)]] as const) {
      const out = fc.check(fc.property(projectArb(true), ({ policies, images }) => checkProject(policies, images, newStats(), NOW, false, t)),
        { seed: SEED, numRuns: 2500 });
      expect([name, out.failed]).toEqual([name, true]);
      expect(String(out.errorInstance)).toMatch(/AGGRESSIVE|NOT EXACT/);
    }
    // And the checker flags a false "exact" (the translation keeps more but claims exact).
    const claimsExact: Translate = () => ({ policyJson: JSON.stringify({ algorithm: 'or', rules: [] }), exact: true });
    const out = fc.check(fc.property(projectArb(true), ({ policies, images }) => checkProject(policies, images, newStats(), NOW, false, claimsExact)),
      { seed: SEED, numRuns: 500 });
    expect(String(out.errorInstance)).toMatch(/NOT EXACT/);
  });
});
