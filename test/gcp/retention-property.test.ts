import * as fc from 'fast-check';
import { resources, synthJson, testStack } from './helpers';
import { ContainerRegistry } from '../../src/gcp/artifact-registry';
import { GarCleanupEvaluator } from '../../src/retention/gar-evaluator';
import { GarCleanupTranslation } from '../../src/retention/gar-translation';
import { RetentionEvaluator, RetentionImage } from '../../src/retention/neutral-evaluator';
import { TranslationFidelity } from '../../src/retention/translation-report';
import { Cloud, EffectiveSpec, EnvironmentLayout, RegistrySpec, RetentionAction, RetentionPolicySpec, RetentionRuleSpec, TagState } from '../../src/spec';

// The data-safety promise of DESIGN.md, end to end through the construct: for random specs,
// the cleanup_policies in the synthesized Terraform JSON, evaluated by the exact Artifact
// Registry evaluator, delete a subset of what the neutral policy deletes, and the same set
// when the translation reports itself exact. A few dozen synthesized specs (synthesis is the
// slow part), each checked against many random image sets (evaluation is fast).

const NOW = new Date('2026-06-01T00:00:00Z');
const IMAGES = ['api', 'api-gateway', 'web', 'jobs/worker'];
const PATTERNS = ['pr-*', 'v*', 'feature-*', 'rc', 'main-*', '*-rc'];
const TAGS = ['v1', 'v2.0', 'pr-1', 'pr-22', 'feature-x', 'rc', 'main-1', 'main-2', 'latest', 'x-rc'];

// Push-time rules, and (issue 18) rules by last pull and rules that archive, which Artifact
// Registry cannot express: they keep their selection.
const rule: fc.Arbitrary<RetentionRuleSpec> = fc.record({
  tagState: fc.constantFrom(TagState.TAGGED, TagState.UNTAGGED, TagState.ANY),
  patterns: fc.uniqueArray(fc.constantFrom(...PATTERNS), { minLength: 1, maxLength: 2 }),
  keep: fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }),
  days: fc.integer({ min: 1, max: 30 }),
  kind: fc.constantFrom('push', 'push', 'push', 'pulled', 'archive'),
}).map((r) => ({
  tagState: r.tagState,
  ...(r.tagState === TagState.TAGGED ? { tagPatterns: r.patterns } : {}),
  ...(r.kind === 'pulled'
    ? (r.keep !== undefined ? { keepMostRecentlyPulled: r.keep } : { notPulledForDays: r.days })
    : (r.keep !== undefined ? { keepMostRecent: r.keep } : { expireAfterDays: r.days })),
  ...(r.kind === 'archive' ? { action: RetentionAction.ARCHIVE } : {}),
}));
const pushRule = rule.filter((r) => r.action === undefined && r.keepMostRecentlyPulled === undefined && r.notPulledForDays === undefined);

const policy: fc.Arbitrary<RetentionPolicySpec> = fc.record({
  protectedTags: fc.uniqueArray(fc.constantFrom('v*', 'rc', 'release'), { maxLength: 2 }),
  rules: fc.array(rule, { minLength: 0, maxLength: 3 }),
  gcpRules: fc.option(fc.array(pushRule, { minLength: 1, maxLength: 2 }), { freq: 4, nil: undefined }),
  // Mostly counting cosign attachments as Artifact Registry does (an `any` keep-N translates), sometimes not (it keeps its selection).
  countAttachments: fc.oneof({ weight: 3, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
}).map(({ gcpRules, countAttachments, ...p }) => ({
  ...p, ...(gcpRules ? { gcpRules } : {}), ...(countAttachments ? { countAttachments } : {}), allowExpiringEnvironmentTags: true,
}));

const specArb: fc.Arbitrary<RegistrySpec> = fc.record({
  images: fc.uniqueArray(fc.constantFrom(...IMAGES), { minLength: 1, maxLength: 3 }),
  registry: policy,
  override: fc.option(policy, { nil: undefined }),
}).map(({ images, registry, override }) => ({
  name: 'platform',
  repositories: images.map((name, i) => (i === 0 && override ? { name, retention: override } : { name })),
  environments: { layout: EnvironmentLayout.REPOSITORIES, chain: [{ name: 'dev' }, { name: 'prod' }] },
  tagPolicy: { immutable: false },
  retention: registry,
}));

/**
 * Random images of one package: digests unique, push times in whole and half days (to hit the "exactly N days" boundary),
 * and sometimes a pull time (which Artifact Registry does not see).
 */
const imagesArb: fc.Arbitrary<RetentionImage[]> = fc.array(
  fc.record({
    tags: fc.uniqueArray(fc.constantFrom(...TAGS), { maxLength: 2 }),
    halfDays: fc.integer({ min: 0, max: 80 }),
    pulledHalfDays: fc.option(fc.integer({ min: 0, max: 80 }), { nil: undefined }),
  }),
  { maxLength: 8 },
).map((xs) => xs.map((x, i) => ({
  digest: `sha256:${String(i).padStart(4, '0')}`,
  tags: x.tags,
  pushedAt: new Date(NOW.getTime() - x.halfDays * 43_200_000),
  ...(x.pulledHalfDays !== undefined ? { lastPulledAt: new Date(NOW.getTime() - Math.min(x.halfDays, x.pulledHalfDays) * 43_200_000) } : {}),
})));

describe('GCP registry: synthesized cleanup policies never delete what the spec keeps', () => {
  let synthesized = 0;
  let rejected = 0;
  let exactCases = 0;
  let checkedImageSets = 0;
  let pullOrArchive = 0;
  let overrides = 0;

  test('random specs (seeded), each against random image sets', () => {
    const imageSetsArb = fc.array(fc.array(imagesArb, { minLength: 4, maxLength: 4 }), { minLength: 15, maxLength: 15 });
    fc.assert(fc.property(specArb, imageSetsArb, (spec, imageSets) => {
      const packages = spec.repositories.map((r) => ({ packageName: r.name, policy: EffectiveSpec.retention(spec, r) }));
      let report;
      try {
        report = GarCleanupTranslation.translate(packages, { allPackageNames: spec.repositories.map((r) => r.name) }).report;
      } catch (e: any) {
        // Not expressible: the construct must refuse too, with the translation's message.
        rejected++;
        expect(() => new ContainerRegistry(testStack(), 'R', { spec, project: 'p-registry', location: 'us' })).toThrow(e.message.split('\n')[0]);
        return;
      }
      const stack = testStack();
      new ContainerRegistry(stack, 'R', { spec, project: 'p-registry', location: 'us', createOutputs: false });
      synthesized++;
      const repos = resources(synthJson(stack), 'google_artifact_registry_repository');
      expect(repos).toHaveLength(2);
      const cleanupJson = JSON.stringify(repos[0].cleanup_policies ?? []);
      expect(JSON.stringify(repos[1].cleanup_policies ?? [])).toBe(cleanupJson);
      const exact = report.fidelity === TranslationFidelity.EXACT;
      if (exact) exactCases++;
      const policies = spec.repositories.map((r) => EffectiveSpec.retention(spec, r));
      const pullOrArchiveRule = (r: RetentionRuleSpec) =>
        r.action !== undefined || r.notPulledForDays !== undefined || r.keepMostRecentlyPulled !== undefined;
      if (policies.some((p) => (p.rules ?? []).some(pullOrArchiveRule))) {
        pullOrArchive++;
      }
      if (policies.some((p) => p.gcpRules)) overrides++;
      for (const sets of imageSets) {
        checkedImageSets++;
        const versions = spec.repositories.flatMap((r, k) => sets[k].map((img) => ({
          packageName: r.name, version: img.digest, tags: img.tags, createTime: img.pushedAt,
        })));
        const gar = new Set(GarCleanupEvaluator.evaluate(cleanupJson, versions, { now: NOW }).deleted.map((d) => `${d.packageName}@${d.version}`));
        const neutral = new Set(spec.repositories.flatMap((r, k) =>
          RetentionEvaluator.evaluate(EffectiveSpec.retention(spec, r), sets[k], { now: NOW, cloud: Cloud.GCP }).expired.map((e) => `${r.name}@${e.digest}`)));
        for (const d of gar) expect([d, neutral.has(d)]).toEqual([d, true]);
        if (exact) expect([...gar].sort()).toEqual([...neutral].sort());
      }
    }), { seed: 20261126, numRuns: 36 });
    // Measured coverage of the run, so that a generator change that stops exercising a branch shows.
    expect(synthesized + rejected).toBe(36);
    expect(synthesized).toBeGreaterThan(20);
    // Few specs (36), and an `any` keep-N without countAttachments keeps its selection: a handful are exact.
    expect(exactCases).toBeGreaterThan(2);
    expect(checkedImageSets).toBe(synthesized * 15);
    // Rules by last pull or that archive, and gcpRules overrides, occurred in synthesized specs.
    expect(pullOrArchive).toBeGreaterThan(10);
    expect(overrides).toBeGreaterThan(3);
  });
});
