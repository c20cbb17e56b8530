import * as fc from 'fast-check';
import { Cloud, RegistrySpec, SpecProblem, SpecValidator } from '../../src/spec';

/**
 * Specs as a hostile or careless user writes them, for the properties "a cloud's validator reports no
 * problem exactly when its construct synthesizes" (test/<cloud>/hostile-property.test.ts). Each field mixes
 * values every cloud accepts with values that some cloud refuses (found by the sweep of this branch and the
 * issues before it): names at and past the derived names' limits, labels against each cloud's tag rules,
 * replication prefixes outside the spec, GitHub trusts of every grammar problem, whole accounts and public
 * members, caches colliding with derived names, keys without their cloud's field. Only values the spec alone
 * decides are generated: what needs a construct prop (a Harbor replica's endpoint, the private network, an
 * Azure replica in the home location) is left out, since the validator cannot know the props.
 */
export interface HostileSpec {
  /** The spec. */
  readonly spec: RegistrySpec;
  /** The choices it was built from (for the generators' coverage assertions). */
  readonly choices: { [field: string]: string };
}

const many = (n: number, prefix = 'k') => Object.fromEntries(Array.from({ length: n }, (_, i) => [`${prefix}${i}`, 'v']));

const NAMES = ['shop', 'p'.repeat(40), 'shop-registry-platform-team-a', 'Shop', 'x', 'shop--a'];
const LABELS: { [k: string]: { [key: string]: string } | undefined } = {
  'none': undefined,
  'ok': { 'team': 'shop', 'cost-center': 'cc-1234' },
  '51': many(51),
  '65': many(65),
  'aws-prefix': { 'aws:team': 'shop' },
  'upper-key': { Team: 'shop' },
  'slash-key': { 'team/a': 'shop' },
  'long-value': { team: 'v'.repeat(257) },
};
const TRUSTS: { [k: string]: object } = {
  'branch': { repository: 'example/shop', branch: 'main' },
  'full-ref': { repository: 'example/shop', branch: 'refs/heads/main' },
  'branch-glob': { repository: 'example/shop', branch: 'release/*' },
  'tag-glob': { repository: 'example/shop', tag: 'v*' },
  'tag-exact': { repository: 'example/shop', tag: 'v1.0.0' },
  'environment': { repository: 'example/shop', environment: 'prod' },
  'url-repository': { repository: 'https://github.com/example/shop', branch: 'main' },
  'two-refs': { repository: 'example/shop', branch: 'main', environment: 'prod' },
  'ids': { repository: 'example/shop', branch: 'main', ownerId: 1234, repositoryId: 5678 },
};
const PULLERS: { [k: string]: object | undefined } = {
  'none': undefined,
  'account': { name: 'runtime', awsAccountIds: ['111122223333'] },
  'role': { name: 'runtime', awsPrincipalArns: ['arn:aws:iam::111122223333:role/runtime'] },
  'wildcard-arn': { name: 'runtime', awsPrincipalArns: ['arn:aws:iam::111122223333:role/*'] },
  'all-users': { name: 'runtime', gcpMembers: ['allUsers'] },
  'domain': { name: 'runtime', gcpMembers: ['domain:example.com'] },
  'azure': { name: 'runtime', azurePrincipalIds: ['a1b2c3d4-0000-4000-8000-000000000001'] },
  'nobody': { name: 'runtime' },
};
const REPLICATION: { [k: string]: object | undefined } = {
  'none': undefined,
  'aws': { replicas: [{ region: 'us-east-1', cloud: 'aws' }] },
  'aws-empty-prefixes': { replicas: [{ region: 'us-east-1', cloud: 'aws', repositoryPrefixes: [] }] },
  'aws-outside': { replicas: [{ region: 'us-east-1', cloud: 'aws', repositoryPrefixes: ['other/'] }] },
  'aws-empty-prefix': { replicas: [{ region: 'us-east-1', cloud: 'aws', repositoryPrefixes: [''] }] },
  'azure': { replicas: [{ region: 'northeurope', cloud: 'azure' }] },
  'azure-twice': { replicas: [{ region: 'northeurope', cloud: 'azure' }, { region: 'northeurope', cloud: 'azure' }] },
  'gcp-upper': { replicas: [{ region: 'EUROPE-WEST4', cloud: 'gcp' }] },
};
const CACHES: { [k: string]: object[] | undefined } = {
  'none': undefined,
  'ecr-public': [{ name: 'ecr-public', upstream: 'ecr-public' }],
  'docker-hub': [{ name: 'hub', upstream: 'docker-hub', awsSecretName: 'ecr-pullthroughcache/hub' }],
  'custom': [{ name: 'corp', upstream: 'custom', url: 'https://registry.example.com' }],
  'custom-credentials': [{ name: 'corp', upstream: 'custom', url: 'https://user:secret@registry.example.com' }],
  'env-name': [{ name: 'dev', upstream: 'ecr-public' }],
  'repo-name': [{ name: 'jobs', upstream: 'ecr-public' }],
  'long-name': [{ name: 'c'.repeat(29), upstream: 'ecr-public' }],
};
const ENCRYPTION: { [k: string]: object | undefined } = {
  'none': undefined,
  'cmk-all-keys': {
    type: 'customer-managed',
    awsKmsKeyArn: 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
    gcpKmsKeyName: 'projects/acme-kms/locations/europe-west1/keyRings/registry/cryptoKeys/images',
    azureKeyVaultKeyId: 'https://kv1.vault.azure.net/keys/acr',
  },
  'cmk-no-key': { type: 'customer-managed' },
  'alias': { type: 'customer-managed', awsKmsKeyArn: 'arn:aws:kms:eu-west-1:123456789012:alias/images' },
};
const TAGS: { [k: string]: object | undefined } = {
  'default': undefined,
  'six-mutable': { immutable: true, strategy: 'git-sha', mutableTags: ['latest', 'dev', 'prod', 'main', 'edge', 'nightly'] },
  'mutable': { immutable: false },
  'bad-pattern': { immutable: true, mutableTags: ['bad tag'] },
};
const RETENTION: { [k: string]: object | undefined } = {
  'none': undefined,
  'safe': { protectedTags: ['prod', 'dev', 'staging', 'v*'], rules: [{ tagState: 'untagged', expireAfterDays: 7 }, { tagState: 'tagged', tagPatterns: ['pr-*'], keepMostRecent: 5 }] },
  'expires-env-tags': { protectedTags: ['v*'], rules: [{ tagState: 'any', keepMostRecent: 3 }] },
  'many-patterns': {
    protectedTags: ['prod', 'dev', 'staging'],
    rules: [{ tagState: 'tagged', tagPatterns: Array.from({ length: 51 }, (_, i) => `pr${i}-*`), expireAfterDays: 5 }],
  },
};

/** The values of each field every cloud accepts (alone); the others are refused by at least one cloud. */
const GOOD: { [field: string]: string[] } = {
  name: ['shop', 'shop-registry-platform-team-a'],
  labels: ['none', 'ok'],
  pusher: ['branch', 'environment', 'tag-exact', 'ids'],
  puller: ['none', 'role', 'azure'],
  replication: ['none', 'aws', 'azure'],
  caches: ['none', 'ecr-public', 'docker-hub'],
  encryption: ['none', 'cmk-all-keys'],
  tags: ['default', 'mutable'],
  retention: ['none', 'safe'],
};
const ALL: { [field: string]: string[] } = {
  name: NAMES,
  labels: Object.keys(LABELS),
  pusher: Object.keys(TRUSTS),
  puller: Object.keys(PULLERS),
  replication: Object.keys(REPLICATION),
  caches: Object.keys(CACHES),
  encryption: Object.keys(ENCRYPTION),
  tags: Object.keys(TAGS),
  retention: Object.keys(RETENTION),
};
const FIELDS = Object.keys(GOOD);

/**
 * The hostile specs (seed them: `fc.sample(hostileSpecs, { seed, numRuns })`): every field from its accepted values, then
 * none, one or two fields (a third of the specs each) from all of its values, so that both outcomes are frequent.
 */
export const hostileSpecs: fc.Arbitrary<HostileSpec> = fc.record({
  good: fc.record(Object.fromEntries(FIELDS.map((f) => [f, fc.constantFrom(...GOOD[f])]))) as fc.Arbitrary<{ [field: string]: string }>,
  broken: fc.oneof(
    fc.constant([] as string[]), fc.subarray(FIELDS, { minLength: 1, maxLength: 1 }), fc.subarray(FIELDS, { minLength: 2, maxLength: 2 }),
  ),
  brokenValues: fc.record(Object.fromEntries(FIELDS.map((f) => [f, fc.constantFrom(...ALL[f])]))) as fc.Arbitrary<{ [field: string]: string }>,
  layout: fc.constantFrom('tags', 'repositories', 'registries'),
  envs: fc.integer({ min: 0, max: 3 }),
  longRepository: fc.boolean(),
  continuous: fc.boolean(),
}).map((g) => ({
  ...g.good,
  ...Object.fromEntries(g.broken.map((f) => [f, g.brokenValues[f]])),
  layout: g.layout,
  envs: g.envs,
  longRepository: g.longRepository,
  continuous: g.continuous,
})).map((c: { [field: string]: any }): HostileSpec => {
  const chain = ['dev', 'staging', 'prod'].slice(0, c.envs).map((name) => ({ name }));
  const spec: any = {
    version: 1,
    name: c.name,
    repositories: [
      { name: 'api', scanning: c.continuous ? { mode: 'continuous' } : undefined },
      { name: 'jobs/worker' },
      ...(c.longRepository ? [{ name: `svc/${'r'.repeat(200)}` }] : []),
    ],
    environments: chain.length ? { layout: c.layout, chain } : undefined,
    tagPolicy: TAGS[c.tags],
    retention: RETENTION[c.retention],
    labels: LABELS[c.labels],
    replication: REPLICATION[c.replication],
    upstreamCaches: CACHES[c.caches],
    encryption: ENCRYPTION[c.encryption],
    access: {
      pushers: [{ name: 'ci', github: TRUSTS[c.pusher] }],
      pullers: PULLERS[c.puller] ? [PULLERS[c.puller]] : undefined,
      promoters: chain.length > 1 ? [{ name: 'promoter', environments: [chain[chain.length - 1].name], github: TRUSTS.environment }] : undefined,
    },
  };
  // Drop the undefined fields, as a spec loaded from YAML has none.
  for (const key of Object.keys(spec)) if (spec[key] === undefined) delete spec[key];
  for (const key of Object.keys(spec.access)) if (spec.access[key] === undefined) delete spec.access[key];
  return { spec, choices: { ...c, envs: String(c.envs), longRepository: String(c.longRepository), continuous: String(c.continuous) } };
});

/** A generated spec with its cloud validator's problems and what its construct built (the synthesized output, or the error). */
export type HostileCase<B extends { error?: Error }> = HostileSpec & { readonly problems: SpecProblem[]; readonly built: B };

/** `numRuns` seeded hostile specs, each validated by `problemsOf` (the cloud's validator) and built by `synthesize`. */
export function hostileCases<B extends { error?: Error }>(seed: number, numRuns: number,
  problemsOf: (spec: RegistrySpec) => SpecProblem[], synthesize: (spec: RegistrySpec) => B): Array<HostileCase<B>> {
  return fc.sample(hostileSpecs, { seed, numRuns }).map((h) => ({ ...h, problems: problemsOf(h.spec), built: synthesize(h.spec) }));
}

/**
 * The property: the validator reports no problem exactly when the construct synthesizes; otherwise the
 * construct throws one `ProblemsError` (never a TypeError or a library's own error) holding the validator's problems.
 */
export function expectValidatorAgreesWithSynthesis(cases: Array<HostileCase<{ error?: Error }>>): void {
  for (const c of cases) {
    expect([c.choices, c.problems.length === 0]).toEqual([c.choices, c.built.error === undefined]);
    if (c.built.error) {
      expect(c.built.error.name).toBe('ProblemsError');
      for (const p of c.problems) expect(c.built.error.message).toContain(p.message);
    }
  }
}

/** The negative control: how many cases the neutral checks alone (without the cloud's validator) judge otherwise than synthesis. */
export function neutralDisagreements(cases: Array<HostileCase<{ error?: Error }>>, cloud: Cloud): number {
  return cases.filter((c) => (SpecValidator.validate(c.spec, { clouds: [cloud] }).problems.length === 0) !== (c.built.error === undefined)).length;
}
