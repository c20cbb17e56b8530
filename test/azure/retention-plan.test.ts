import { Testing } from 'cdktf';
import * as fc from 'fast-check';
import { resources, testStack } from './helpers';
import { AcrTerraformChecks, ContainerRegistry } from '../../src/azure';
import { AcrManifest, AcrPurgeEvaluator, AcrRetentionEvaluator, RetentionEvaluator, RetentionImage } from '../../src/retention';
import { Cloud, EffectiveSpec, EnvironmentLayout, Naming, RegistrySpec, RetentionAction, RetentionPolicySpec, RetentionRuleSpec, TagState } from '../../src/spec';

// The data-safety promise, end to end through the construct: for random specs, the
// purge commands and retention days *decoded from the synthesized Terraform JSON*,
// evaluated with the exact ACR evaluators, delete a subset of the images the neutral
// policy deletes, for random images, in every repository of every registry.

const NOW = new Date('2026-06-01T00:00:00Z');
const DAY = 86_400_000;
const PATTERNS = ['pr-*', 'v*', 'main-*', '*', 'rc', 'latest'];
const TAGS = ['pr-1', 'pr-2', 'pr-10', 'v1.0.0', 'v2', 'main-a', 'main-b', 'rc', 'latest', 'prod', 'x'];

// Push-time rules, and (issue 18) rules by last pull and rules that archive, which ACR cannot
// express: they keep their selection.
const ruleArb: fc.Arbitrary<RetentionRuleSpec> = fc.record({
  tagState: fc.constantFrom(TagState.TAGGED, TagState.UNTAGGED, TagState.ANY),
  patterns: fc.uniqueArray(fc.constantFrom(...PATTERNS), { minLength: 1, maxLength: 2 }),
  keep: fc.boolean(),
  n: fc.integer({ min: 1, max: 30 }),
  kind: fc.constantFrom('push', 'push', 'push', 'pulled', 'archive'),
}).map(({ tagState, patterns, keep, n, kind }) => ({
  tagState,
  tagPatterns: tagState === TagState.TAGGED ? patterns : undefined,
  ...(kind === 'pulled'
    ? (keep ? { keepMostRecentlyPulled: Math.min(n, 5) } : { notPulledForDays: n })
    : (keep ? { keepMostRecent: Math.min(n, 5) } : { expireAfterDays: n })),
  ...(kind === 'archive' ? { action: RetentionAction.ARCHIVE } : {}),
}));
const pushRuleArb = ruleArb.filter((r) => r.action === undefined && r.keepMostRecentlyPulled === undefined && r.notPulledForDays === undefined);
const policyArb: fc.Arbitrary<RetentionPolicySpec> = fc.record({
  protectedTags: fc.uniqueArray(fc.constantFrom('v*', 'prod', 'rc'), { maxLength: 2 }),
  rules: fc.array(ruleArb, { minLength: 1, maxLength: 3 }),
  azureRules: fc.option(fc.array(pushRuleArb, { minLength: 1, maxLength: 2 }), { freq: 4, nil: undefined }),
  dryRun: fc.constantFrom(false, false, false, true),
}).map(({ azureRules, ...p }) => ({ ...p, ...(azureRules ? { azureRules } : {}), allowExpiringEnvironmentTags: true }));
const specArb: fc.Arbitrary<RegistrySpec> = fc.record({
  layout: fc.constantFrom(EnvironmentLayout.TAGS, EnvironmentLayout.REPOSITORIES, EnvironmentLayout.REGISTRIES),
  registryPolicy: policyArb,
  override: fc.option(policyArb, { nil: undefined }),
}).map(({ layout, registryPolicy, override }) => ({
  name: 'platform',
  repositories: [{ name: 'api' }, { name: 'web', retention: override }],
  environments: { layout, chain: [{ name: 'dev' }, { name: 'prod' }] },
  retention: registryPolicy,
}));
const imagesArb: fc.Arbitrary<RetentionImage[]> = fc.array(fc.record({
  tags: fc.uniqueArray(fc.constantFrom(...TAGS), { maxLength: 2 }),
  ageDays: fc.integer({ min: 0, max: 40 }),
  pulledDays: fc.option(fc.integer({ min: 0, max: 40 }), { nil: undefined }),
}), { maxLength: 7 }).map((list) => {
  // A tag points at one image: later images take a tag over (it moved).
  const taken = new Set<string>();
  return list.reverse().map((im, i) => {
    const tags = im.tags.filter((t) => !taken.has(t));
    tags.forEach((t) => taken.add(t));
    const pushedAt = new Date(NOW.getTime() - im.ageDays * DAY - i * 1000);
    // Sometimes a pull time, which acr purge does not see.
    const pulled = im.pulledDays === undefined ? {} : { lastPulledAt: new Date(Math.max(pushedAt.getTime(), NOW.getTime() - im.pulledDays * DAY)) };
    return { digest: `sha256:${String(i).padStart(64, '0')}`, tags, pushedAt, ...pulled };
  });
});

interface Synthesized {
  /** Per ACR registry name: its decoded purge commands (as `acr purge ...`) and retention days. */
  readonly registries: Map<string, { commands: string[]; retentionDays: number }>;
  readonly dryRun: boolean;
}

function synthesize(spec: RegistrySpec): Synthesized | undefined {
  const stack = testStack();
  let registry: ContainerRegistry;
  try {
    registry = new ContainerRegistry(stack, 'Registry', { spec, resourceGroupName: 'rg', location: 'westeurope' });
  } catch (e) {
    // The only acceptable refusal is the translation's own (a clear error, never a silent drop).
    expect((e as Error).message).toMatch(/Cannot translate the retention policies to acr purge commands/);
    return undefined;
  }
  const json = JSON.parse(Testing.synth(stack));
  expect(AcrTerraformChecks.check(json)).toEqual([]);
  const registries = new Map<string, { commands: string[]; retentionDays: number }>();
  const tasks = AcrTerraformChecks.purgeTasks(json);
  for (const r of resources(json, 'azurerm_container_registry')) {
    // The task of this registry: the one whose container_registry_id references this registry resource.
    const [address] = Object.entries<any>(json.resource.azurerm_container_registry_task ?? {})
      .filter(([, t]) => t.container_registry_id === `\${azurerm_container_registry.${registryAddress(json, r.name)}.id}`)
      .map(([name]) => `azurerm_container_registry_task.${name}`);
    registries.set(r.name, {
      commands: address ? tasks[address].map((c) => `acr ${c}`) : [],
      retentionDays: r.retention_policy_in_days ?? 0,
    });
  }
  expect(Object.keys(registry.purgeTasks).length).toBe([...registries.values()].filter((r) => r.commands.length).length);
  return { registries, dryRun: false };
}

function registryAddress(json: any, name: string): string {
  return Object.entries<any>(json.resource.azurerm_container_registry).find(([, r]) => r.name === name)![0];
}

describe('ACR retention from synthesized JSON is never aggressive (fast-check, seeded)', () => {
  let cases = 0;
  let translated = 0;
  let deletions = 0;
  let withCommands = 0;
  let pullOrArchive = 0;
  let overrides = 0;

  test('purge commands + retention days delete a subset of the neutral policy, per repository', () => {
    fc.assert(fc.property(specArb, fc.array(imagesArb, { minLength: 4, maxLength: 4 }), (spec, imageSets) => {
      cases++;
      const policies = spec.repositories.map((r) => EffectiveSpec.retention(spec, r));
      const pullOrArchiveRule = (r: RetentionRuleSpec) =>
        r.action !== undefined || r.notPulledForDays !== undefined || r.keepMostRecentlyPulled !== undefined;
      if (policies.some((p) => (p.rules ?? []).some(pullOrArchiveRule))) {
        pullOrArchive++;
      }
      if (policies.some((p) => p.azureRules)) overrides++;
      const synth = synthesize(spec);
      if (!synth) return;
      translated++;
      let k = 0;
      for (const env of Naming.physicalEnvironments(spec)) {
        const registryName = Naming.acrRegistryName(spec, env);
        const native = synth.registries.get(registryName)!;
        for (const repo of spec.repositories) {
          const images = imageSets[k++ % imageSets.length];
          const path = Naming.acrRepositoryPath(spec, repo.name, env);
          const policy = EffectiveSpec.retention(spec, repo);
          const neutral = new Set(RetentionEvaluator.evaluate(policy, images, { now: NOW, cloud: Cloud.AZURE }).expired.map((e) => e.digest));
          const manifests: AcrManifest[] = images.map((im) => ({
            repository: path,
            digest: im.digest,
            lastUpdateTime: im.pushedAt,
            tags: (im.tags ?? []).map((name) => ({ name, lastUpdateTime: im.pushedAt })),
          }));
          if (native.commands.length) withCommands++;
          const purged = native.commands.length ? AcrPurgeEvaluator.evaluate(native.commands, manifests, { now: NOW }).deletedManifests : [];
          const retained = AcrRetentionEvaluator.evaluate(native.retentionDays, manifests, { now: NOW }).deletedManifests;
          const deleted = new Set([...purged, ...retained].map((m) => m.split('@')[1]));
          deletions += deleted.size;
          for (const d of deleted) {
            if (!neutral.has(d)) {
              throw new Error(`${registryName}/${path}: ${d} is deleted natively but kept by the neutral policy\n` +
                `policy: ${JSON.stringify(policy)}\ncommands: ${JSON.stringify(native.commands)}\nretention days: ${native.retentionDays}\nimages: ${JSON.stringify(images)}`);
            }
          }
        }
      }
    }), { seed: 20261126, numRuns: 36 });
    // The runs exercised real translations and real deletions, not only refusals.
    expect(translated).toBeGreaterThan(cases / 2);
    expect(deletions).toBeGreaterThan(0);
    expect(withCommands).toBeGreaterThan(0);
    // Rules by last pull or that archive, and azureRules overrides, occurred.
    expect(pullOrArchive).toBeGreaterThan(10);
    expect(overrides).toBeGreaterThan(3);
    console.log(`ACR retention safety: ${cases} specs, ${translated} translated, ${withCommands} repositories with purge commands, ${deletions} native deletions`);
  });
});
