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
import { withAttachments, attachmentsOf } from './signed-images';
import {
  EcrLifecycleEvaluator,
  EcrLifecycleTranslation,
  AcrManifest,
  AcrPurgeEvaluator,
  AcrPurgeTranslation,
  AcrRetentionEvaluator,
  GarCleanupEvaluator,
  GarCleanupTranslation,
  GarPackageRetention,
  RetentionEvaluator,
  TranslationFidelity,
} from '../../src/retention';
import { countsAttachmentsNatively } from '../../src/retention/translation-support';
import { Cloud, Glob, RetentionAction, RetentionPolicySpec, RetentionRuleSpec, StorageClass, TagState } from '../../src/spec';

const DAY = 86_400_000;
const NOW = new Date('2026-06-01T00:00:00Z');
const SEED = 20260601;

/** Tags from a small alphabet, so that patterns collide (prefixes of each other, exact and glob). */
const TAGS = ['pr-1', 'pr-2', 'pr-10', 'pr', 'v1', 'v1.2', 'v2', 'main-a', 'main-b', 'prod', 'production', 'staging', 'latest', 'rc-a', 'x'];
const PATTERNS = ['pr-*', 'pr-1*', 'pr', 'v*', 'v1', 'v1.*', 'main-*', 'prod', 'prod*', 'staging', 'latest', '*', '*-a', '*a*', 'x', 'p*d*'];
const AGES = [0, 1, 2, 3, 5, 7, 8, 10, 14, 20, 30, 31, 45, 90];

const patternsArb = fc.uniqueArray(fc.constantFrom(...PATTERNS), { minLength: 1, maxLength: 3 });
/** Push-time criteria, pull-time criteria (issue 18), each expiring or (a third of the time) archiving. */
const pushCriterionArb = fc.oneof(
  fc.integer({ min: 1, max: 4 }).map((n) => ({ keepMostRecent: n })),
  fc.constantFrom(1, 3, 7, 10, 30).map((n) => ({ expireAfterDays: n })),
);
const actionArb = fc.tuple(
  fc.oneof(
    { weight: 4, arbitrary: pushCriterionArb },
    { weight: 1, arbitrary: fc.integer({ min: 1, max: 4 }).map((n) => ({ keepMostRecentlyPulled: n })) },
    { weight: 2, arbitrary: fc.constantFrom(1, 3, 7, 10, 30).map((n) => ({ notPulledForDays: n })) },
  ),
  fc.constantFrom(undefined, undefined, RetentionAction.ARCHIVE),
).map(([criterion, action]) => (action ? { ...criterion, action } : criterion));
const ruleArb: fc.Arbitrary<RetentionRuleSpec> = fc.oneof(
  { weight: 5, arbitrary: fc.tuple(patternsArb, actionArb).map(([tagPatterns, a]) => ({ tagState: TagState.TAGGED, tagPatterns, ...a })) },
  { weight: 2, arbitrary: actionArb.map((a) => ({ tagState: TagState.UNTAGGED, ...a })) },
  { weight: 2, arbitrary: actionArb.map((a) => ({ tagState: TagState.ANY, ...a })) },
  // Rules over archived images: expire what was archived more than N days ago (ECR's minimum is 90).
  {
    weight: 1,
    arbitrary: fc.tuple(fc.constantFrom(TagState.TAGGED, TagState.UNTAGGED, TagState.ANY), patternsArb, fc.constantFrom(30, 90, 100, 365))
      .map(([tagState, tagPatterns, archivedForDays]) => ({
        tagState, ...(tagState === TagState.TAGGED ? { tagPatterns } : {}), storageClass: StorageClass.ARCHIVE, archivedForDays,
      })),
  },
);
const pushRuleArb: fc.Arbitrary<RetentionRuleSpec> = fc.oneof(
  { weight: 5, arbitrary: fc.tuple(patternsArb, pushCriterionArb).map(([tagPatterns, a]) => ({ tagState: TagState.TAGGED, tagPatterns, ...a })) },
  { weight: 2, arbitrary: pushCriterionArb.map((a) => ({ tagState: TagState.UNTAGGED, ...a })) },
  { weight: 2, arbitrary: pushCriterionArb.map((a) => ({ tagState: TagState.ANY, ...a })) },
);
/** A value `weight` times in `weight + none` draws, else undefined. */
function sometimes<T>(arb: fc.Arbitrary<T>, weight: number, none: number): fc.Arbitrary<T | undefined> {
  return fc.oneof({ weight: none, arbitrary: fc.constant(undefined) }, { weight, arbitrary: arb });
}

/** A policy, sometimes with a push-time override for Artifact Registry (gcpRules) or ACR (azureRules). */
export const policyArb: fc.Arbitrary<RetentionPolicySpec> = fc.record({
  protectedTags: fc.uniqueArray(fc.constantFrom(...PATTERNS.filter((p) => p !== '*')), { maxLength: 2 }),
  rules: fc.array(ruleArb, { minLength: 1, maxLength: 6 }),
  override: sometimes(fc.array(pushRuleArb, { minLength: 1, maxLength: 3 }), 1, 4),
  // Half the policies count cosign attachments like the clouds do (count rules translate), half do not (they keep their selection).
  countAttachments: fc.boolean(),
}).map(({ protectedTags, rules, override, countAttachments }) => ({
  protectedTags, rules, ...(override ? { gcpRules: override, azureRules: override } : {}), ...(countAttachments ? { countAttachments } : {}),
}));

export interface TestImage {
  readonly digest: string;
  readonly tags: string[];
  readonly pushedAt: Date;
  readonly lastPulledAt?: Date;
  readonly archivedAt?: Date;
  readonly restoredAt?: Date;
}

/** 0-12 images with unique digests, 0-3 tags each (a tag points at one image per repository), push times that tie, pulls, archive states. */
export const imagesArb: fc.Arbitrary<TestImage[]> = withAttachments(imageSetArb(12, true), NOW);

/**
 * Images with push times, and pull times (never pulled, or pulled at or after the push). With
 * `archive` (ECR only: the other clouds have no archive storage class), some images are archived,
 * some restored from the archive.
 */
function imageSetArb(maxLength: number, archive = false): fc.Arbitrary<TestImage[]> {
  return fc.array(
    fc.record({
      tags: fc.uniqueArray(fc.constantFrom(...TAGS), { maxLength: 3 }),
      age: fc.constantFrom(...AGES),
      jitter: fc.constantFrom(0, 0, 1, -1, 3_600_000),
      pulledAge: fc.option(fc.constantFrom(...AGES), { freq: 2, nil: undefined }),
      archivedAge: sometimes(fc.constantFrom(30, 89, 90, 91, 100, 365, 366, 400), 1, 4),
      restoredAge: sometimes(fc.constantFrom(0, 2, 10, 40), 1, 6),
    }),
    { maxLength },
  ).map((raw) => {
    const used = new Set<string>();
    return raw.map((r, i) => {
      const tags = r.tags.filter((t) => !used.has(t));
      tags.forEach((t) => used.add(t));
      const pushedAt = new Date(NOW.getTime() - r.age * DAY + r.jitter);
      const image: TestImage = { digest: `sha256:${String(i).padStart(2, '0')}`, tags, pushedAt };
      const pulledAt = r.pulledAge === undefined ? undefined : new Date(Math.max(pushedAt.getTime(), NOW.getTime() - r.pulledAge * DAY));
      const withPull = pulledAt ? { ...image, lastPulledAt: pulledAt } : image;
      if (!archive) return withPull;
      if (r.archivedAge !== undefined) return { ...withPull, archivedAt: new Date(NOW.getTime() - r.archivedAge * DAY) };
      if (r.restoredAge !== undefined && r.restoredAge < r.age) {
        const restoredAt = new Date(NOW.getTime() - r.restoredAge * DAY);
        return { ...image, restoredAt, ...(pulledAt && pulledAt > restoredAt ? { lastPulledAt: pulledAt } : {}) };
      }
      return withPull;
    });
  });
}

const hasPullRule = (p: RetentionPolicySpec | undefined) =>
  (p?.rules ?? []).some((r) => r.notPulledForDays !== undefined || r.keepMostRecentlyPulled !== undefined);

/** The image as `aws ecr describe-images` lists it. */
const toEcrImage = (i: TestImage) => ({
  imageDigest: i.digest,
  imageTags: i.tags,
  imagePushedAt: i.pushedAt,
  ...(i.lastPulledAt ? { lastRecordedPullTime: i.lastPulledAt } : {}),
  ...(i.archivedAt ? { imageStatus: 'ARCHIVED', lastArchivedAt: i.archivedAt } : {}),
  ...(i.restoredAt ? { lastActivatedAt: i.restoredAt } : {}),
});

/** Image names that are prefixes of each other (`api`, `api-gateway`), as Artifact Registry packages or ACR repositories. */
const IMAGE_NAMES = ['api', 'api-gateway', 'web', 'jobs/worker'];

/**
 * A repository of several images: a registry-wide policy, one or two per-image
 * overrides, and images without any policy (nothing may be deleted from them).
 * `assignment[k]`: 0 the shared policy, 1-2 an override, 3 no policy.
 */
const repositoryArb = fc.record({
  shared: policyArb,
  overrides: fc.array(policyArb, { minLength: 2, maxLength: 2 }),
  assignment: fc.array(fc.constantFrom(0, 0, 0, 1, 2, 3), { minLength: IMAGE_NAMES.length, maxLength: IMAGE_NAMES.length }),
  images: fc.array(withAttachments(imageSetArb(8), NOW), { minLength: IMAGE_NAMES.length, maxLength: IMAGE_NAMES.length }),
}).map(({ shared, overrides, assignment, images }) => ({
  policies: IMAGE_NAMES.map((_, k) => (assignment[k] === 0 ? shared : assignment[k] === 3 ? undefined : overrides[assignment[k] - 1])),
  images,
}));

const toVersion = (packageName: string, i: TestImage) => ({ packageName, version: i.digest, tags: i.tags, createTime: i.pushedAt });

function neutral(policy: RetentionPolicySpec, images: TestImage[], cloud?: Cloud): string[] {
  return RetentionEvaluator.evaluate(policy, images, { now: NOW, cloud }).expired.map((e) => e.digest);
}

function isProtected(policy: RetentionPolicySpec, image: TestImage): boolean {
  return image.tags.some((t) => Glob.matchesAny(policy.protectedTags ?? [], t));
}

/** How often the properties met an attachment of a kept subject and of a neutral-deleted one. */
export const attachmentStats = { keptWithSubject: 0, subjectDeleted: 0 };

/**
 * Checks subset / equality / protection and fails with the policy, the images and both results:
 * the native deletions are neutral deletions; the native archive transitions are images the
 * neutral policy expires or archives (archive never deletes, and nothing the neutral policy keeps
 * active becomes unpullable); protected images are neither deleted nor archived; exact means the
 * same deletions and the same archive transitions. `cloud` picks the per-cloud rule override.
 */
export function checkSafety(cloud: string, policy: RetentionPolicySpec, images: TestImage[], native: string[], exact: boolean, extra = '',
  nativeArchived: string[] = [], overrideFor?: Cloud): void {
  const result = RetentionEvaluator.evaluate(policy, images, { now: NOW, cloud: overrideFor });
  const expected = result.expired.map((e) => e.digest);
  const expectedArchived = result.archived.map((e) => e.digest);
  const aggressive = native.filter((d) => !expected.includes(d));
  const archivedKept = nativeArchived.filter((d) => !expected.includes(d) && !expectedArchived.includes(d));
  const protectedTouched = [...native, ...nativeArchived].filter((d) => isProtected(policy, images.find((i) => i.digest === d)!));
  const context = () => `${cloud}: policy ${JSON.stringify(policy)}\nimages ${JSON.stringify(images.map((i) => ({
    d: i.digest,
    t: i.tags,
    age: (NOW.getTime() - i.pushedAt.getTime()) / DAY,
    pulled: i.lastPulledAt && (NOW.getTime() - i.lastPulledAt.getTime()) / DAY,
    archived: i.archivedAt && (NOW.getTime() - i.archivedAt.getTime()) / DAY,
    restored: i.restoredAt && (NOW.getTime() - i.restoredAt.getTime()) / DAY,
  })))}` +
    `\nneutral deletes ${JSON.stringify(expected)} archives ${JSON.stringify(expectedArchived)}\nnative deletes ${JSON.stringify(native)} ` +
    `archives ${JSON.stringify(nativeArchived)}${extra ? `\n${extra}` : ''}`;
  if (aggressive.length > 0) throw new Error(`AGGRESSIVE: ${cloud} deletes ${aggressive.join(', ')} that the neutral policy keeps\n${context()}`);
  if (archivedKept.length > 0) throw new Error(`ARCHIVED A KEPT IMAGE: ${cloud} archives ${archivedKept.join(', ')} that the neutral policy keeps active\n${context()}`);
  if (protectedTouched.length > 0) throw new Error(`PROTECTED DELETED OR ARCHIVED: ${protectedTouched.join(', ')}\n${context()}`);
  // Attachments (cosign signatures and attestations, issue 17): the neutral policy deletes them only with their
  // subject (so none of a kept subject is deleted, by the subset check above); every translation protects
  // sha256-*, so no native policy deletes or archives one: the attachments of deleted subjects stay.
  const attachments = attachmentsOf(images);
  for (const subject of attachments.values()) {
    if (!expected.includes(subject)) attachmentStats.keptWithSubject++;
    else attachmentStats.subjectDeleted++;
  }
  const attachmentTouched = [...native, ...nativeArchived].filter((d) => attachments.has(d));
  if (attachmentTouched.length > 0) throw new Error(`ATTACHMENT DELETED OR ARCHIVED: ${attachmentTouched.join(', ')}\n${context()}`);
  // Exact means the same deletions, the attachments of neutral-deleted subjects aside (TranslationFidelity.EXACT).
  const expectedNative = expected.filter((d) => !attachments.has(d));
  if (exact && (native.length !== expectedNative.length || nativeArchived.length !== expectedArchived.length)) {
    throw new Error(`NOT EXACT: the report says exact but ${cloud} keeps ${expectedNative.filter((d) => !native.includes(d)).join(', ')} ` +
      `and does not archive ${expectedArchived.filter((d) => !nativeArchived.includes(d)).join(', ')}\n${context()}`);
  }
}

describe('safety of the translations (property-based, seeded)', () => {
  const stats = {
    ecr: {
      runs: 0,
      signedCounted: 0,
      signedNotCounted: 0,
      exact: 0,
      deletions: 0,
      archived: 0,
      pullRules: 0,
      exactPull: 0,
      archiveRules: 0,
      archivedImages: 0,
      pulledImages: 0,
      restoredImages: 0,
    },
    gar: { runs: 0, exact: 0, deletions: 0, refused: 0, pullRules: 0, overrides: 0 },
    acr: { runs: 0, exact: 0, deletions: 0, pullRules: 0, overrides: 0 },
  };

  test('ECR: lifecycle-policy deletions are a subset of the neutral ones, equal when exact (4,000 cases)', () => {
    fc.assert(fc.property(policyArb, imagesArb, (policy, images) => {
      let result;
      try {
        result = EcrLifecycleTranslation.translate(policy);
      } catch (e) {
        // Only the ECR limits may refuse a valid random policy; none applies to these small ones.
        throw new Error(`unexpected refusal: ${(e as Error).message}\npolicy ${JSON.stringify(policy)}`);
      }
      const evaluated = result.policyText ? EcrLifecycleEvaluator.evaluate(result.policyText, images.map(toEcrImage), { now: NOW }) : undefined;
      const native = evaluated?.expired.map((e) => e.imageDigest) ?? [];
      const nativeArchived = evaluated?.archived.map((e) => e.imageDigest) ?? [];
      const exact = result.report.fidelity === TranslationFidelity.EXACT;
      stats.ecr.runs++;
      if (exact) stats.ecr.exact++;
      stats.ecr.deletions += native.length;
      stats.ecr.archived += nativeArchived.length;
      if (policy.rules!.some((r) => r.notPulledForDays !== undefined || r.keepMostRecentlyPulled !== undefined)) stats.ecr.pullRules++;
      if (exact && policy.rules!.some((r) => r.notPulledForDays !== undefined)) stats.ecr.exactPull++;
      if (policy.rules!.some((r) => r.storageClass === StorageClass.ARCHIVE)) stats.ecr.archiveRules++;
      stats.ecr.archivedImages += images.filter((i) => i.archivedAt).length;
      stats.ecr.pulledImages += images.filter((i) => i.lastPulledAt).length;
      stats.ecr.restoredImages += images.filter((i) => i.restoredAt).length;
      // Count rules both ways: attachments counted like ECR counts them (translated), and not (the selection is kept).
      const counts = policy.rules!.filter((r) => r.keepMostRecent !== undefined && r.tagState === TagState.ANY);
      const signed = images.some((i) => (i.tags ?? []).some((t) => t.startsWith('sha256-')));
      if (signed && counts.length > 0) {
        if (policy.countAttachments) stats.ecr.signedCounted++;
        else if (counts.some((r) => countsAttachmentsNatively(policy, r))) stats.ecr.signedNotCounted++;
      }
      checkSafety('ECR', policy, images, native, exact, result.policyText, nativeArchived);
    }), { seed: SEED, numRuns: 4000 });
    // The generator reaches both kinds of translation, deletions and archive transitions happen,
    // and pull-time rules, rules over archived images, pulled, archived and restored images occur.
    expect(stats.ecr.exact).toBeGreaterThan(500);
    expect(stats.ecr.runs - stats.ecr.exact).toBeGreaterThan(200);
    expect(stats.ecr.deletions).toBeGreaterThan(1500);
    expect(stats.ecr.archived).toBeGreaterThan(1000);
    expect(stats.ecr.pullRules).toBeGreaterThan(1000);
    expect(stats.ecr.exactPull).toBeGreaterThan(100);
    expect(stats.ecr.signedCounted).toBeGreaterThan(150);
    expect(stats.ecr.signedNotCounted).toBeGreaterThan(150);
    expect(stats.ecr.archiveRules).toBeGreaterThan(500);
    expect(stats.ecr.archivedImages).toBeGreaterThan(2000);
    expect(stats.ecr.pulledImages).toBeGreaterThan(5000);
    expect(stats.ecr.restoredImages).toBeGreaterThan(500);
  });

  test('Artifact Registry: cleanup-policy deletions are a subset of the neutral ones per image, equal when exact (3,000 repositories)', () => {
    fc.assert(fc.property(repositoryArb, ({ policies, images }) => {
      const packages: GarPackageRetention[] = IMAGE_NAMES.flatMap((packageName, k) => (policies[k] ? [{ packageName, policy: policies[k]! }] : []));
      let result;
      try {
        result = GarCleanupTranslation.translate(packages, { allPackageNames: IMAGE_NAMES });
      } catch (e) {
        // The only refusal of a valid policy: more than 10 cleanup policies, with the list of what to merge.
        expect((e as Error).message).toMatch(/need \d+ cleanup policies; Artifact Registry allows 10 per repository[\s\S]*Merge rules/);
        stats.gar.refused++;
        return;
      }
      const json = GarCleanupTranslation.toTerraformJson(result.policies);
      const versions = IMAGE_NAMES.flatMap((packageName, k) => images[k].map((i) => toVersion(packageName, i)));
      const deleted = GarCleanupEvaluator.evaluate(json, versions, { now: NOW }).deleted;
      const exact = result.report.fidelity === TranslationFidelity.EXACT;
      stats.gar.runs++;
      if (exact) stats.gar.exact++;
      stats.gar.deletions += deleted.length;
      if (policies.some(hasPullRule)) stats.gar.pullRules++;
      if (policies.some((p) => p?.gcpRules)) stats.gar.overrides++;
      IMAGE_NAMES.forEach((name, k) => {
        const native = deleted.filter((d) => d.packageName === name).map((d) => d.version);
        checkSafety(`Artifact Registry image ${name}`, policies[k] ?? {}, images[k], native, exact, `policies by image ${JSON.stringify(policies)}\ncleanup policies ${json}`,
          [], Cloud.GCP);
      });
    }), { seed: SEED, numRuns: 3000 });
    expect(stats.gar.pullRules).toBeGreaterThan(1000);
    expect(stats.gar.overrides).toBeGreaterThan(300);
    expect(stats.gar.runs).toBeGreaterThan(1500);
    expect(stats.gar.exact).toBeGreaterThan(50);
    expect(stats.gar.deletions).toBeGreaterThan(1000);
  });

  test('Artifact Registry, one policy for every image: subset, and equal when exact (2,000 cases)', () => {
    let exactRuns = 0;
    let refused = 0;
    fc.assert(fc.property(policyArb, fc.array(withAttachments(imageSetArb(10), NOW), { minLength: 2, maxLength: 2 }), (policy, images) => {
      const names = ['api', 'api-gateway'];
      let result;
      try {
        result = GarCleanupTranslation.translate(names.map((packageName) => ({ packageName, policy })), { allPackageNames: names });
      } catch (e) {
        expect((e as Error).message).toMatch(/Artifact Registry allows 10 per repository/);
        refused++;
        return;
      }
      const json = GarCleanupTranslation.toTerraformJson(result.policies);
      const versions = names.flatMap((packageName, k) => images[k].map((i) => toVersion(packageName, i)));
      const deleted = GarCleanupEvaluator.evaluate(json, versions, { now: NOW }).deleted;
      const exact = result.report.fidelity === TranslationFidelity.EXACT;
      if (exact) exactRuns++;
      names.forEach((name, k) => {
        const native = deleted.filter((d) => d.packageName === name).map((d) => d.version);
        checkSafety(`Artifact Registry image ${name}`, policy, images[k], native, exact, `cleanup policies ${json}`, [], Cloud.GCP);
      });
    }), { seed: SEED, numRuns: 2000 });
    expect(exactRuns).toBeGreaterThan(150);
    expect(refused).toBeLessThan(100);
  });

  /**
   * ACR: run the purge commands, then (when the translation uses it) the untagged
   * retention policy on what the commands left. Images are manifests: deleted
   * manifests must be neutral-expired (equal when exact); beyond that, acr purge
   * works on tags, so also: no protected tag is ever deleted, and an image the
   * neutral policy keeps never loses all its tags (it would become untagged and
   * be purged by a later run).
   */
  function checkAcr(delayed: boolean) {
    const delaysArb = fc.array(fc.constantFrom(0, 1000, 86_400_000, 9 * 86_400_000), { minLength: 64, maxLength: 64 });
    return fc.property(repositoryArb, delaysArb, ({ policies, images }, delays) => {
      const repositories = IMAGE_NAMES.flatMap((repository, k) => (policies[k] ? [{ repository, policy: policies[k]! }] : []));
      const result = AcrPurgeTranslation.translate(repositories, { allRepositories: IMAGE_NAMES });
      let d = 0;
      const delay = () => (delayed ? delays[d++ % delays.length] : 0);
      const manifests: AcrManifest[] = IMAGE_NAMES.flatMap((repository, k) => images[k].map((i) => ({
        repository,
        digest: i.digest,
        lastUpdateTime: new Date(i.pushedAt.getTime() + delay()),
        tags: i.tags.map((name) => ({ name, lastUpdateTime: new Date(i.pushedAt.getTime() + delay()) })),
      })));
      const purge = AcrPurgeEvaluator.evaluate(result.commands, manifests, { now: NOW });
      let deletedManifests = purge.deletedManifests;
      if (result.retentionDays !== undefined) {
        const left = manifests.filter((m) => !deletedManifests.includes(`${m.repository}@${m.digest}`))
          .map((m) => ({ ...m, tags: (m.tags ?? []).filter((t) => !purge.deletedTags.includes(`${m.repository}:${t.name}`)) }));
        deletedManifests = [...deletedManifests, ...AcrRetentionEvaluator.evaluate(result.retentionDays, left, { now: NOW }).deletedManifests];
      }
      const exact = !delayed && result.report.fidelity === TranslationFidelity.EXACT;
      if (policies.some(hasPullRule)) stats.acr.pullRules++;
      if (policies.some((p) => p?.azureRules)) stats.acr.overrides++;
      stats.acr.runs++;
      if (exact) stats.acr.exact++;
      stats.acr.deletions += deletedManifests.length;
      const extra = `policies by repository ${JSON.stringify(policies)}\ncommands ${JSON.stringify(result.commands)} retentionDays ${result.retentionDays}` +
        `\ndeleted tags ${JSON.stringify(purge.deletedTags)}`;
      IMAGE_NAMES.forEach((name, k) => {
        const policy = policies[k] ?? {};
        const native = deletedManifests.filter((m) => m.startsWith(`${name}@`)).map((m) => m.slice(name.length + 1));
        checkSafety(`ACR repository ${name}`, policy, images[k], native, exact, extra, [], Cloud.AZURE);
        const expired = neutral(policy, images[k], Cloud.AZURE);
        for (const image of images[k]) {
          const lost = image.tags.filter((t) => purge.deletedTags.includes(`${name}:${t}`));
          const protectedLost = lost.filter((t) => Glob.matchesAny(policy.protectedTags ?? [], t));
          if (protectedLost.length > 0) throw new Error(`PROTECTED TAG DELETED: ${name}:${protectedLost.join(', ')}\n${extra}`);
          if (!expired.includes(image.digest) && image.tags.length > 0 && lost.length === image.tags.length) {
            throw new Error(`KEPT IMAGE UNTAGGED: ${name}@${image.digest} lost every tag (${lost.join(', ')}) although the neutral policy keeps it` +
              `\npolicy ${JSON.stringify(policy)}\nimages ${JSON.stringify(images[k])}\n${extra}`);
          }
        }
      });
    });
  }

  test('ACR: purged manifests are a subset of the neutral deletions, equal when exact; kept images keep a tag (3,000 registries)', () => {
    fc.assert(checkAcr(false), { seed: SEED, numRuns: 3000 });
    expect(stats.acr.pullRules).toBeGreaterThan(1000);
    expect(stats.acr.overrides).toBeGreaterThan(300);
    expect(stats.acr.exact).toBeGreaterThan(50);
    expect(stats.acr.deletions).toBeGreaterThan(1000);
  });

  test('ACR with tags moved or manifests updated after the push (later update times): still never aggressive (1,500 registries)', () => {
    fc.assert(checkAcr(true), { seed: SEED + 1, numRuns: 1500 });
  });

  test('ACR, one policy for every repository (the native retention policy applies): subset, and equal when exact (2,000 cases)', () => {
    let exactRuns = 0;
    let nativeRetention = 0;
    fc.assert(fc.property(policyArb, fc.array(withAttachments(imageSetArb(10), NOW), { minLength: 2, maxLength: 2 }), (policy, images) => {
      const names = ['api', 'api-gateway'];
      const result = AcrPurgeTranslation.translate(names.map((repository) => ({ repository, policy })), { allRepositories: names });
      const manifests: AcrManifest[] = names.flatMap((repository, k) => images[k].map((i) => ({
        repository, digest: i.digest, lastUpdateTime: i.pushedAt, tags: i.tags.map((name) => ({ name, lastUpdateTime: i.pushedAt })),
      })));
      const purge = AcrPurgeEvaluator.evaluate(result.commands, manifests, { now: NOW });
      let deleted = purge.deletedManifests;
      if (result.retentionDays !== undefined) {
        nativeRetention++;
        const left = manifests.filter((m) => !deleted.includes(`${m.repository}@${m.digest}`))
          .map((m) => ({ ...m, tags: (m.tags ?? []).filter((t) => !purge.deletedTags.includes(`${m.repository}:${t.name}`)) }));
        deleted = [...deleted, ...AcrRetentionEvaluator.evaluate(result.retentionDays, left, { now: NOW }).deletedManifests];
      }
      const exact = result.report.fidelity === TranslationFidelity.EXACT;
      if (exact) exactRuns++;
      names.forEach((name, k) => {
        const native = deleted.filter((m) => m.startsWith(`${name}@`)).map((m) => m.slice(name.length + 1));
        checkSafety(`ACR repository ${name}`, policy, images[k], native, exact, `commands ${JSON.stringify(result.commands)} retentionDays ${result.retentionDays}`,
          [], Cloud.AZURE);
      });
    }), { seed: SEED + 2, numRuns: 2000 });
    expect(exactRuns).toBeGreaterThan(200);
    expect(nativeRetention).toBeGreaterThan(200);
  });

  test('negative controls: the checker catches archiving a kept image, touching a protected one, and a false "exact"', () => {
    const policy: RetentionPolicySpec = { protectedTags: ['prod'], rules: [{ tagState: TagState.ANY, notPulledForDays: 30, action: RetentionAction.ARCHIVE }] };
    const images: TestImage[] = [
      { digest: 'old', tags: [], pushedAt: new Date(NOW.getTime() - 40 * DAY) },
      { digest: 'fresh', tags: [], pushedAt: new Date(NOW.getTime() - 40 * DAY), lastPulledAt: new Date(NOW.getTime() - DAY) },
      { digest: 'prod', tags: ['prod'], pushedAt: new Date(NOW.getTime() - 40 * DAY) },
    ];
    expect(() => checkSafety('X', policy, images, [], true, '', ['old'])).not.toThrow();
    expect(() => checkSafety('X', policy, images, [], false, '', ['old', 'fresh'])).toThrow(/ARCHIVED A KEPT IMAGE: X archives fresh/);
    expect(() => checkSafety('X', policy, images, [], false, '', ['old', 'prod'])).toThrow(/ARCHIVED A KEPT IMAGE: X archives prod/);
    expect(() => checkSafety('X', policy, images, ['old'], false, '', [])).toThrow(/AGGRESSIVE: X deletes old/);
    expect(() => checkSafety('X', policy, images, [], true, '', [])).toThrow(/NOT EXACT[\s\S]*does not archive old/);
    const expiring: RetentionPolicySpec = { protectedTags: ['prod'], rules: [{ tagState: TagState.ANY, notPulledForDays: 30 }] };
    expect(() => checkSafety('X', { ...expiring, protectedTags: [] }, images, ['old', 'prod'], false)).not.toThrow();
    expect(() => checkSafety('X', expiring, images, [], false, '', ['prod'])).toThrow(/ARCHIVED A KEPT IMAGE|PROTECTED/);
  });

  test('signed images (issue 17): the properties met attachments of kept and of deleted subjects; the checker catches a deleted attachment', () => {
    // Every property above ran over images with cosign attachments (signed-images.ts).
    expect(attachmentStats.keptWithSubject).toBeGreaterThan(1000);
    expect(attachmentStats.subjectDeleted).toBeGreaterThan(1000);
    const hex = '0'.repeat(64);
    const policy: RetentionPolicySpec = { rules: [{ tagState: TagState.ANY, expireAfterDays: 30 }] };
    const images: TestImage[] = [
      { digest: `sha256:${hex}`, tags: ['v1'], pushedAt: new Date(NOW.getTime() - 40 * DAY) },
      { digest: 'sig', tags: [`sha256-${hex}.sig`], pushedAt: new Date(NOW.getTime() - 40 * DAY) },
      { digest: 'fresh', tags: ['v2'], pushedAt: new Date(NOW.getTime() - DAY) },
    ];
    // The neutral policy deletes the subject and its signature; a native policy that keeps the signature is exact.
    expect(() => checkSafety('X', policy, images, [`sha256:${hex}`], true)).not.toThrow();
    expect(() => checkSafety('X', policy, images, [`sha256:${hex}`, 'sig'], false)).toThrow(/ATTACHMENT DELETED OR ARCHIVED: sig/);
    // Signing the fresh image instead: its signature is kept with it, even though it is old.
    const kept = [images[0], { ...images[1], tags: [`sha256-${'1'.repeat(64)}.sig`] }, { ...images[2], digest: `sha256:${'1'.repeat(64)}` }];
    expect(() => checkSafety('X', policy, kept, [`sha256:${hex}`, 'sig'], false)).toThrow(/AGGRESSIVE: X deletes sig/);
  });
});
