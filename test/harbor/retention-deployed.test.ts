/**
 * The retention the Harbor construct deploys is the retention the proof covers:
 * for generated specs (layouts, per-repository overrides, protected tags, every
 * criterion) the construct is synthesized, each `harbor_retention_policy` body is
 * mapped back to Harbor's REST policy through the provider's mapping
 * (`HarborRetentionRest.fromTerraform`, client/retention.go of the provider), and
 * `HarborRetentionEvaluator` runs it over generated artifacts of the project.
 * Properties (as harbor-safety.test.ts states them for the translation): what
 * Harbor deletes is a subset of what the neutral policy expires per repository;
 * a protected image is never deleted; a repository without rules loses nothing;
 * with the project's immutable tag rules as deployed (mapped like the provider's
 * client/immutable_tag_rule.go), Harbor deletes less, and never an artifact with a
 * tag the spec keeps write-once (goharbor/harbor src/pkg/retention/policy/action/
 * performer.go skips immutable candidates).
 * Seeded; the generators are checked to produce deletions.
 */
import * as fc from 'fast-check';
import { harborSpec, resources, synthJson, testStack } from './helpers';
import { ContainerRegistry } from '../../src/harbor';
import { HarborRetentionRest } from '../../src/harbor/provider/retention-rest';
import { HarborArtifact, HarborRetentionEvaluator, RetentionEvaluator } from '../../src/retention';
import { EffectiveSpec, EnvironmentLayout, Glob, Naming, RetentionPolicySpec, RetentionRuleSpec, TagState } from '../../src/spec';
import { TagPolicyDecision } from '../../src/tagging';

const DAY = 86_400_000;
const NOW = new Date('2026-06-01T00:00:00Z');
const TAGS = ['pr-1', 'pr-2', 'v1', 'v1.2', 'main-a', 'main-b', 'prod', 'staging', 'latest', 'x'];
const PATTERNS = ['pr-*', 'v*', 'main-*', 'prod', 'staging', 'latest', '*', 'x'];
const AGES = [0, 1, 3, 7, 10, 30, 45];

const ruleArb: fc.Arbitrary<RetentionRuleSpec> = fc.tuple(
  fc.constantFrom(TagState.TAGGED, TagState.TAGGED, TagState.UNTAGGED, TagState.ANY),
  fc.uniqueArray(fc.constantFrom(...PATTERNS), { minLength: 1, maxLength: 2 }),
  fc.oneof(
    fc.integer({ min: 1, max: 3 }).map((n) => ({ keepMostRecent: n })),
    fc.constantFrom(1, 7, 30).map((n) => ({ expireAfterDays: n })),
    fc.constantFrom(3, 10).map((n) => ({ notPulledForDays: n })),
  ),
).map(([tagState, tagPatterns, c]) => ({ tagState, ...(tagState === TagState.TAGGED ? { tagPatterns } : {}), ...c }));
const policyArb: fc.Arbitrary<RetentionPolicySpec> = fc.record({
  protectedTags: fc.uniqueArray(fc.constantFrom('prod', 'v*', 'staging'), { maxLength: 2 }),
  rules: fc.array(ruleArb, { minLength: 1, maxLength: 3 }),
  allowExpiringEnvironmentTags: fc.constant(true),
  // Mostly counting cosign attachments as Harbor's count templates do (counts translate), sometimes not (they keep their selection).
  countAttachments: fc.oneof({ weight: 3, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
});

interface Image { readonly digest: string; readonly tags: string[]; readonly pushedAt: Date; readonly lastPulledAt?: Date }
const imagesArb: fc.Arbitrary<Image[]> = fc.array(fc.record({
  tags: fc.uniqueArray(fc.constantFrom(...TAGS), { maxLength: 2 }),
  age: fc.constantFrom(...AGES),
  pulled: fc.option(fc.constantFrom(...AGES), { nil: undefined }),
}), { maxLength: 6 }).map((raw) => {
  const used = new Set<string>();
  return raw.map((r, i) => {
    const tags = r.tags.filter((t) => !used.has(t));
    tags.forEach((t) => used.add(t));
    // Distinct whole seconds per image (Harbor sorts whole seconds, unstably).
    const pushedAt = new Date(NOW.getTime() - r.age * DAY - i * 2000);
    const digest = `sha256:${String(i).padStart(2, '0')}`;
    if (r.pulled === undefined) return { digest, tags, pushedAt };
    return { digest, tags, pushedAt, lastPulledAt: new Date(Math.max(pushedAt.getTime(), NOW.getTime() - r.pulled * DAY - i * 2000 - 1000)) };
  });
});

const caseArb = fc.record({
  layout: fc.constantFrom(EnvironmentLayout.TAGS, EnvironmentLayout.REPOSITORIES, EnvironmentLayout.REGISTRIES),
  shared: policyArb,
  override: fc.option(policyArb, { nil: undefined }),
  noRetention: fc.boolean(),
  images: fc.array(imagesArb, { minLength: 9, maxLength: 9 }),
});

/** A `harbor_immutable_tag_rule` body as the provider sends it (client/immutable_tag_rule.go, GetImmutableTagRuleBody, v3.12.4). */
function immutableRest(body: any): any {
  const tag = body.tag_excluding ? { kind: 'doublestar', decoration: 'excludes', pattern: body.tag_excluding }
    : { kind: 'doublestar', decoration: 'matches', pattern: body.tag_matching };
  const repo = body.repo_excluding ? { kind: 'doublestar', decoration: 'repoExcludes', pattern: body.repo_excluding }
    : { kind: 'doublestar', decoration: 'repoMatches', pattern: body.repo_matching };
  return { disabled: body.disabled === true, action: 'immutable', template: 'immutable_template', tag_selectors: [tag], scope_selectors: { repository: [repo] } };
}

describe('the deployed Harbor retention (rule blocks, through the provider mapping) is safe', () => {
  test('Harbor deletes a subset of the neutral expiries; protected images and repositories without rules lose nothing (150 specs)', () => {
    let deletions = 0;
    let policies = 0;
    let keptByImmutability = 0;
    fc.assert(fc.property(caseArb, ({ layout, shared, override, noRetention, images }) => {
      const spec = harborSpec(layout, {
        retention: shared,
        repositories: [
          { name: 'api' },
          { name: 'web', ...(override ? { retention: override } : {}) },
          { name: 'jobs/worker', ...(noRetention ? { retention: {} } : {}) },
        ],
        access: undefined,
        upstreamCaches: [],
      });
      const stack = testStack();
      let registry: ContainerRegistry;
      try {
        registry = new ContainerRegistry(stack, 'Registry', { spec, url: 'https://harbor.example.com', outputs: false });
      } catch (e) {
        // Only Harbor's 15-rule limit may refuse a generated spec.
        if (/Harbor allows 15 per project/.test((e as Error).message)) return;
        throw e;
      }
      const json = synthJson(stack);
      const envs = Naming.physicalEnvironments(spec);
      for (const [project, policy] of Object.entries(registry.retentionPolicies)) {
        const body = resources(json, 'harbor_retention_policy').find((r) => r.scope.includes(registry.projects[project].friendlyUniqueId));
        expect(body).toBeDefined();
        policies++;
        const rest = HarborRetentionRest.fromTerraform(body, 7);
        // The body the evaluator reads is the one deployed, rule for rule.
        expect(body.rule.length).toBe(rest.rules.length);
        expect(policy.rule).toHaveLength(body.rule.length);
        const repos = envs.filter((e) => Naming.harborProjectName(spec, e || undefined) === project)
          .flatMap((e) => spec.repositories.map((r, k) => ({
            path: Naming.harborRepositoryPath(spec, r.name, e || undefined), k: k * 3 + envs.indexOf(e), repo: r,
          })));
        const artifacts: HarborArtifact[] = repos.flatMap(({ path, k }) => images[k].map((i) => ({
          repository: `${project}/${path}`, digest: i.digest, tags: i.tags, pushedAt: i.pushedAt, ...(i.lastPulledAt ? { pulledAt: i.lastPulledAt } : {}),
        })));
        const result = HarborRetentionEvaluator.evaluate(JSON.stringify(rest), artifacts, { now: NOW });
        // With the project's immutable tag rules as deployed (the provider's GetImmutableTagRuleBody), Harbor deletes
        // less, and never an artifact with a tag the spec keeps write-once.
        const immutableRulesJson = JSON.stringify(resources(json, 'harbor_immutable_tag_rule')
          .filter((r) => r.project_id.includes(registry.projects[project].friendlyUniqueId)).map(immutableRest));
        const withImmutable = HarborRetentionEvaluator.evaluate(JSON.stringify(rest), artifacts, { now: NOW, immutableRulesJson });
        expect(withImmutable.deleted.filter((d) => !result.deleted.includes(d))).toEqual([]);
        for (const d of withImmutable.deleted) {
          const a = artifacts.find((x) => `${x.repository}@${x.digest}` === d)!;
          const repo = spec.repositories.find((r) => a.repository.endsWith(`/${r.name}`))!;
          const writeOnce = a.tags.filter((t) => !TagPolicyDecision.isMutable(EffectiveSpec.tagPolicy(spec, repo), t));
          expect({ d, writeOnce }).toEqual({ d, writeOnce: [] });
        }
        keptByImmutability += withImmutable.immutable.length;
        for (const { path, k, repo } of repos) {
          const neutral = EffectiveSpec.retention(spec, repo);
          const prefix = `${project}/${path}@`;
          const deleted = [...result.deleted, ...result.undetermined].filter((d) => d.startsWith(prefix)).map((d) => d.slice(prefix.length));
          const expired = RetentionEvaluator.evaluate(neutral, images[k], { now: NOW }).expired.map((e) => e.digest);
          const context = `${project}/${path} policy ${JSON.stringify(neutral)} deployed ${JSON.stringify(body.rule)}`;
          expect({ aggressive: deleted.filter((d) => !expired.includes(d)), context }).toEqual({ aggressive: [], context });
          const isProtected = (d: string) => images[k].find((i) => i.digest === d)!.tags.some((t) => Glob.matchesAny(neutral.protectedTags ?? [], t));
          const prot = deleted.filter(isProtected);
          expect(prot).toEqual([]);
          if ((neutral.rules ?? []).length === 0) expect(deleted).toEqual([]);
          deletions += deleted.length;
        }
      }
    }), { seed: 20261201, numRuns: 150 });
    // The generators reach the interesting cases: policies deployed and artifacts deleted.
    expect(policies).toBeGreaterThan(150);
    expect(deletions).toBeGreaterThan(200);
    expect(keptByImmutability).toBeGreaterThan(20);
  });

  test('negative control: a deployed rule block widened to every repository is caught as aggressive', () => {
    const spec = harborSpec(EnvironmentLayout.TAGS, {
      repositories: [{ name: 'api' }, { name: 'web', retention: {} }],
      retention: { rules: [{ tagState: TagState.ANY, keepMostRecent: 1 }], allowExpiringEnvironmentTags: true, countAttachments: true },
      access: undefined,
      upstreamCaches: [],
    });
    const stack = testStack();
    new ContainerRegistry(stack, 'Registry', { spec, url: 'https://harbor.example.com', outputs: false });
    const [body] = resources(synthJson(stack), 'harbor_retention_policy');
    const widened = { ...body, rule: body.rule.map((r: any) => ({ ...r, repo_matching: '**' })) };
    const web = [0, 1].map((i) => ({ repository: 'platform/web', digest: `sha256:0${i}`, tags: [`t${i}`], pushedAt: new Date(NOW.getTime() - (i + 1) * DAY) }));
    const honest = HarborRetentionEvaluator.evaluate(JSON.stringify(HarborRetentionRest.fromTerraform(body, 7)), web, { now: NOW });
    const wide = HarborRetentionEvaluator.evaluate(JSON.stringify(HarborRetentionRest.fromTerraform(widened, 7)), web, { now: NOW });
    expect(honest.deleted).toEqual([]);
    expect(wide.deleted).toEqual(['platform/web@sha256:01']);
  });
});
