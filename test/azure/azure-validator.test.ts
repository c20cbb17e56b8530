import { join } from 'path';
import { Testing } from 'cdktf';
import * as fc from 'fast-check';
import { testStack } from './helpers';
import { spec as exampleSpec } from '../../examples/azure/spec';
import { AcrSku, AcrValidator, ContainerRegistry } from '../../src/azure';
import {
  Cloud, EncryptionType, EnvironmentLayout, RegistrySpec, SpecLoader, SpecValidator, TagState, UpstreamRegistry,
} from '../../src/spec';

/** Whether synthesis of the Azure ContainerRegistry (default props, node validations included) succeeds. */
function synthesizes(spec: RegistrySpec): boolean {
  try {
    const stack = testStack();
    new ContainerRegistry(stack, 'Registry', { spec, resourceGroupName: 'rg', location: 'westeurope' });
    Testing.synth(stack, true);
    return true;
  } catch {
    return false;
  }
}

const KEY = 'https://kv1.vault.azure.net/keys/acr';

/** Specs that mix what Azure accepts with what it refuses, each from the spec alone. */
const specs: fc.Arbitrary<RegistrySpec> = fc.record({
  name: fc.constantFrom('platform', 'pl', 'p'.repeat(48), 'shop-api'),
  layout: fc.constantFrom(EnvironmentLayout.TAGS, EnvironmentLayout.REPOSITORIES, EnvironmentLayout.REGISTRIES),
  envs: fc.boolean(),
  retention: fc.constantFrom('none', 'safe', 'expires-env-tags'),
  cache: fc.constantFrom('none', 'docker-hub', 'custom-unsupported', 'custom-mcr'),
  tag: fc.constantFrom<string | undefined>(undefined, 'v1.0.0', 'v*'),
  cmk: fc.constantFrom('none', 'with-key', 'without-key'),
  replicas: fc.constantFrom<string[]>([], ['northeurope'], ['northeurope', 'northeurope']),
}).map((g) => ({
  name: g.name,
  repositories: [{ name: 'api' }, { name: 'jobs/worker' }],
  environments: g.envs ? { layout: g.layout, chain: [{ name: 'dev' }, { name: 'prod' }] } : undefined,
  retention: g.retention === 'none' ? undefined : {
    protectedTags: g.retention === 'safe' ? ['v*', 'dev', 'prod'] : ['v*'],
    rules: [{ tagState: TagState.UNTAGGED, expireAfterDays: 7 }, { tagState: TagState.ANY, keepMostRecent: 20 }],
  },
  upstreamCaches: g.cache === 'none' ? undefined : [g.cache === 'docker-hub'
    ? { name: 'hub', upstream: UpstreamRegistry.DOCKER_HUB }
    : { name: 'corp', upstream: UpstreamRegistry.CUSTOM, url: g.cache === 'custom-mcr' ? 'https://mcr.microsoft.com' : 'https://registry.example.com' }],
  encryption: g.cmk === 'none' ? undefined : { type: EncryptionType.CUSTOMER_MANAGED, azureKeyVaultKeyId: g.cmk === 'with-key' ? KEY : undefined },
  replication: g.replicas.length ? { replicas: g.replicas.map((region) => ({ region })) } : undefined,
  access: g.tag === undefined ? undefined : { pushers: [{ name: 'ci', github: { repository: 'acme/platform', tag: g.tag } }] },
}));

describe('AcrValidator.problems(spec) is empty exactly when synthesis of the Azure ContainerRegistry succeeds', () => {
  test('over 150 generated specs (seeded), both outcomes produced, and a weaker validator caught disagreeing', () => {
    let accepted = 0;
    let refused = 0;
    let neutralOnlyWrong = 0;
    fc.assert(fc.property(specs, (spec) => {
      const problems = AcrValidator.problems(spec);
      const ok = synthesizes(spec);
      if (ok) accepted++;
      else refused++;
      // Negative control: the neutral checks alone accept specs that synthesis refuses (retention, caches, CMK, replicas).
      if ((SpecValidator.validate(spec, { clouds: [Cloud.AZURE] }).problems.length === 0) !== ok) neutralOnlyWrong++;
      return (problems.length === 0) === ok;
    }), { seed: 1414, numRuns: 150 });
    expect(accepted).toBeGreaterThan(10);
    expect(refused).toBeGreaterThan(50);
    expect(neutralOnlyWrong).toBeGreaterThan(10);
  });

  test.each([
    ['examples/azure/spec.ts', () => exampleSpec],
    ['examples/multi-cloud/platform.yaml', () => SpecLoader.fromFile(join(__dirname, '../../examples/multi-cloud/platform.yaml'))],
    ['examples/spec-only/registry.yaml', () => SpecLoader.fromFile(join(__dirname, '../../examples/spec-only/registry.yaml'))],
    ['examples/promotion/registry.yaml', () => SpecLoader.fromFile(join(__dirname, '../../examples/promotion/registry.yaml'))],
    ['examples/composition/registry.yaml', () => SpecLoader.fromFile(join(__dirname, '../../examples/composition/registry.yaml'))],
    ['examples/aws/registry.yaml', () => SpecLoader.fromFile(join(__dirname, '../../examples/aws/registry.yaml'))],
  ])('%s: the validator and synthesis agree', (_, load) => {
    const spec = load();
    expect(AcrValidator.problems(spec).length === 0).toBe(synthesizes(spec));
  });

  test('labels become tags of every Azure resource: Azure\'s tag rules, with the tags prop counted together (hostile sweep: before, accepted)', () => {
    // learn.microsoft.com, "Use tags to organize your Azure resources": "a maximum of 50 tag name-value pairs", "The tag name has a limit of
    // 512 characters and the tag value has a limit of 256 characters", "Tag names can't contain these characters: <, >, %, &, \\, ?, /".
    const many = (n: number, p = 'k') => Object.fromEntries(Array.from({ length: n }, (_, i) => [`${p}${i}`, 'v']));
    const spec = (labels: { [k: string]: string }): RegistrySpec => ({ ...exampleSpec, labels });
    const lines = (labels: { [k: string]: string }) => AcrValidator.problems(spec(labels)).map((p) => `${p.path}: ${p.value} ${p.message}`);
    expect(lines(many(51))).toEqual(['labels: 51 labels become tags of every Azure resource, and Azure takes at most 50 per resource']);
    expect(lines({ 'team/a': 'x', 'cost%': 'y' })).toEqual([
      'labels.team/a: "team/a" is not an Azure tag name (1-512 characters, none of < > % & \\ ? /)',
      'labels.cost%: "cost%" is not an Azure tag name (1-512 characters, none of < > % & \\ ? /)',
    ]);
    expect(lines({ team: 'v'.repeat(257) })).toEqual([expect.stringMatching(/^labels\.team: "v+\.\.\. is longer than 256 characters, the limit of an Azure tag value$/)]);
    for (const labels of [many(51), { 'team/a': 'x' }, { team: 'v'.repeat(257) }]) expect(synthesizes(spec(labels))).toBe(false);
    // Negative controls: at the limits, and the tags prop counted with the labels.
    expect(lines({ ...many(49), ['n'.repeat(512)]: 'v'.repeat(256) })).toEqual([]);
    expect(synthesizes(spec({ ...many(49), ['n'.repeat(512)]: 'v'.repeat(256) }))).toBe(true);
    const build = (tags: { [k: string]: string }) => () => new ContainerRegistry(testStack(), 'R', { spec: spec(many(10)), resourceGroupName: 'rg', location: 'westeurope', tags });
    expect(build(many(41, 'p'))).toThrow(/- props\.tags: 51 with the spec's labels give each resource 51 tags; Azure takes at most 50 per resource/);
    expect(build({ 'a>b': 'x' })).toThrow(/- props\.tags\.a>b: "a>b" is not an Azure tag name/);
    expect(build(many(40, 'p'))).not.toThrow();
  });

  test('the spec\'s problems carry field paths, one list (retention translation, names, caches, CMK, replicas, trusts)', () => {
    const problems = AcrValidator.problems({
      name: 'pl',
      repositories: [{ name: 'api' }],
      environments: { layout: EnvironmentLayout.TAGS, chain: [{ name: 'dev' }] },
      retention: { rules: [{ tagState: TagState.ANY, keepMostRecent: 3 }] },
      upstreamCaches: [{ name: 'corp', upstream: UpstreamRegistry.CUSTOM, url: 'https://registry.example.com' }],
      encryption: { type: EncryptionType.CUSTOMER_MANAGED },
      replication: { replicas: [{ region: 'northeurope' }, { region: 'northeurope' }] },
      access: { pushers: [{ name: 'ci', github: { repository: 'acme/platform', tag: 'v*' } }] },
    }, { sku: AcrSku.STANDARD });
    expect(problems.map((p) => p.path)).toEqual([
      'name', 'access.pushers[0].github.tag', 'retention.rules[0]', 'replication.replicas', 'encryption.type',
      'replication.replicas', 'encryption.azureKeyVaultKeyId', 'upstreamCaches[0].url',
    ]);
  });

});
