import { readFileSync } from 'fs';
import { join } from 'path';
import { Testing } from 'cdktf';
import * as fc from 'fast-check';
import { parse } from 'yaml';
import { testStack } from './helpers';
import { spec as gcpExampleSpec } from '../../examples/gcp/spec';
import { ContainerRegistry } from '../../src/gcp/artifact-registry';
import { GarValidator } from '../../src/gcp/gcp-validator';
import {
  EncryptionType, EnvironmentLayout, GithubTrustSpec, IdentitySpec, RegistrySpec, RetentionRuleSpec, SpecProblem, TagState, UpstreamRegistry,
} from '../../src/spec';
import { Problems, ProblemsError } from '../../src/spec/problems';
import { validSpec } from '../spec/fixtures';

const KEY = 'projects/acme-kms/locations/europe/keyRings/registry/cryptoKeys/images';

/** Synthesizes the spec into a GCP ContainerRegistry with default props, node validations included: the problems it throws, or [] when it succeeds. */
function synthesize(spec: RegistrySpec): { ok: boolean; problems: SpecProblem[]; error?: unknown } {
  try {
    const stack = testStack();
    new ContainerRegistry(stack, 'Registry', { spec, project: 'acme-registry', location: 'europe' });
    Testing.synth(stack, true);
    return { ok: true, problems: [] };
  } catch (e) {
    return { ok: false, problems: e instanceof ProblemsError ? e.problems : [], error: e };
  }
}

type Validator = (spec: RegistrySpec) => SpecProblem[];

/**
 * The property: the validator is silent exactly when synthesis succeeds, and when
 * it is not, the registry throws exactly its problems. Returns the validator's
 * problems, or `undefined` when the two disagree.
 */
function agreement(spec: RegistrySpec, validate: Validator = (s) => GarValidator.problems(s)): SpecProblem[] | undefined {
  const validator = validate(spec);
  const built = synthesize(spec);
  const agrees = validator.length === 0
    ? built.ok
    : built.error instanceof ProblemsError && JSON.stringify(built.problems) === JSON.stringify(validator);
  return agrees ? validator : undefined;
}

function expectAgreement(spec: RegistrySpec): SpecProblem[] {
  const problems = agreement(spec);
  if (problems === undefined) {
    const built = synthesize(spec);
    throw new Error(`validator and synthesis disagree on ${JSON.stringify(spec)}:\nvalidator: ${JSON.stringify(GarValidator.problems(spec))}\nsynthesis: ${String(built.error)}`);
  }
  return problems;
}

describe('GarValidator', () => {
  test('a valid spec has no problem', () => {
    expect(GarValidator.problems(validSpec())).toEqual([]);
  });

  test('reports the spec, the translation, the key, the derived ids and the caches together, with their fields', () => {
    const spec = validSpec({
      name: 'gcp-platform',
      retention: {
        rules: Array.from({ length: 12 }, (_, i) => ({ tagState: TagState.TAGGED, tagPatterns: [`t${i}-*`], expireAfterDays: i + 1 })),
        allowExpiringEnvironmentTags: true,
      },
      encryption: { type: EncryptionType.CUSTOMER_MANAGED },
      access: {
        pushers: [{ name: 'ci', github: { repository: 'acme/platform', branch: 'main' } }],
        pullers: [{ name: 'runtime', gcpMembers: ['user:Not An Email'] }],
      },
      upstreamCaches: [{ name: 'hub', upstream: UpstreamRegistry.DOCKER_HUB, username: 'bot' }],
    });
    const problems = GarValidator.problems(spec);
    expect(problems.map((p) => `${p.path}: ${p.message}`)).toEqual([
      expect.stringMatching(/^access\.pullers\[0\]\.gcpMembers\[0\]: is not user:<email>/),
      expect.stringMatching(/^retention: cannot be expressed as Artifact Registry cleanup policies \(repositories gcp-platform-dev, gcp-platform-staging, gcp-platform-prod\): the policies need 12 cleanup policies/),
      expect.stringMatching(/^encryption\.gcpKmsKeyName: is required with encryption\.type "customer-managed" on GCP/),
      'upstreamCaches[0].gcpSecretVersion: is required: username and gcpSecretVersion go together (Artifact Registry upstream credentials are a user name and a Secret Manager secret version)',
    ]);
    // The access section has a problem of its own, so the derived ids wait for it; without it, the pool id is reported.
    const clean = { ...spec, access: { pushers: spec.access!.pushers } };
    expect(GarValidator.problems(clean)).toContainEqual({
      path: 'name',
      value: '"gcp-platform"',
      message: 'gives the workload identity pool id "gcp-platform-github", which starts with "gcp-", a prefix Google reserves (pass workloadIdentityPoolId)',
    });
    // A key given as a prop satisfies customer-managed encryption; an existing pool has no id to check.
    const withProps = GarValidator.problems(clean, { kmsKeyName: KEY, existingPool: true });
    expect(withProps.map((p) => p.path)).toEqual(['retention', 'upstreamCaches[0].gcpSecretVersion']);
  });

  test('service account ids derived from the spec: two identities that derive one id', () => {
    const spec = validSpec({
      name: 'pp',
      access: {
        pushers: [{ name: 'a', github: { repository: 'o/r', branch: 'main' } }],
        pullers: [{ name: 'a-sa', github: { repository: 'o/r', environment: 'prod' } }],
      },
    });
    expect(GarValidator.problems(spec)).toEqual([
      { path: 'access', value: '"a-sa"', message: 'and identity "a" both give the service account id "pp-a-sa"; rename one' },
    ]);
    expect(GarValidator.problems(spec, { serviceAccountPrefix: '9-platform' })[0]).toEqual({
      path: 'props.serviceAccountPrefix',
      value: '"9-platform"',
      message: 'gives identity "a" the service account id "9-platform-a", which is not a valid service account id (6-30 characters: lower-case letters, digits and hyphens, starting with a letter, not ending with a hyphen)',
    });
  });

  test('the workload identity provider limits: at most 45 distinct tag trusts', () => {
    const tags = (n: number): IdentitySpec[] => Array.from({ length: n }, (_, i) => ({ name: `tagger${i}`, github: { repository: 'o/r', tag: `v${i}.*` } }));
    const over = validSpec({ access: { pushers: tags(46) } });
    expect(GarValidator.problems(over).map((p) => p.message)).toContainEqual(expect.stringMatching(/^the trusts need 51 custom attributes/));
    expect(GarValidator.problems(validSpec({ access: { pushers: tags(45) } }))).toEqual([]);
    expect(GarValidator.problems(over, { existingProvider: true })).toEqual([]);
  });

  test('a retention rule that could expire an environment tag is a problem', () => {
    const spec = validSpec({
      environments: { layout: EnvironmentLayout.TAGS, chain: [{ name: 'dev' }, { name: 'prod' }] },
      retention: { rules: [{ tagState: TagState.ANY, keepMostRecent: 5 }] },
    });
    expect(GarValidator.problems(spec).map((p) => p.path)).toEqual(['retention.rules[0]', 'retention.rules[0]']);
  });

  test('a derived virtual repository id that is too long names the spec\'s name; a given one names the prop', () => {
    const name = `r${'e'.repeat(55)}`; // 56 characters: <name>-virtual has 64
    const spec = validSpec({ name, environments: undefined, access: undefined });
    expect(GarValidator.problems(spec)).toEqual([]);
    expect(GarValidator.problems(spec, { virtualRepositoryId: `${name}-virtual`, virtualRepositoryIdDerived: true })).toEqual([{
      path: 'name',
      value: JSON.stringify(name),
      message: `gives the virtual repository id "${name}-virtual", which is 64 characters long; Artifact Registry repository ids have 1-63 characters`,
    }]);
    expect(GarValidator.problems(spec, { virtualRepositoryId: 'Virtual' })[0].path).toBe('props.virtualRepository.repositoryId');
  });

  test('a spec of the wrong shape from JavaScript is a problem, never a TypeError', () => {
    for (const spec of [
      { ...validSpec(), access: { pushers: 'ci' } },
      { ...validSpec(), upstreamCaches: 'docker-hub' },
      { ...validSpec(), repositories: 'api' },
    ] as any[]) {
      const problems = expectAgreement(spec);
      expect(problems.length).toBeGreaterThan(0);
    }
    expect(GarValidator.problems({ ...validSpec(), repositories: 'api' } as any)[0])
      .toEqual({ path: 'repositories', value: '"api"', message: 'must list at least one repository (image name)' });
  });

  test('labels: at most 64 per resource (Resource Manager, "Labels overview"), the spec\'s and the labels prop\'s together; the prop\'s in the same grammar', () => {
    const many = (n: number, p = 'k') => Object.fromEntries(Array.from({ length: n }, (_, i) => [`${p}${i}`, 'v']));
    expect(expectAgreement({ ...validSpec(), labels: many(65) }).map((p) => Problems._line(p)))
      .toEqual(['labels: 65 labels become labels of every repository, and a Google Cloud resource takes at most 64']);
    expect(expectAgreement({ ...validSpec(), labels: many(64) })).toEqual([]); // negative control: at the limit
    const build = (labels: { [k: string]: string }, specLabels = {}) => () => new ContainerRegistry(testStack(), 'R', {
      spec: { ...validSpec(), labels: specLabels }, project: 'acme-registry', location: 'europe-west1', labels,
    });
    expect(build({ Team: 'Shop' })).toThrow(/: 2 problems\n {2}- props\.labels\.Team: "Team" is not a GCP label key[^\n]*\n {2}- props\.labels\.Team: "Shop" is not a GCP label value/);
    expect(build(many(60, 'p'), many(10))).toThrow(/- props\.labels: 70 with the spec's labels give each repository 70 labels; a Google Cloud resource takes at most 64/);
    expect(build({ 'team': 'shop', 'cost-center': 'cc_1' }, many(62))).not.toThrow(); // 64 together
  });

  test('a whole domain may pull, never push or promote (as whole AWS accounts); named principals may', () => {
    const withMember = (role: 'pushers' | 'pullers' | 'promoters', member: string): RegistrySpec => ({
      ...validSpec(), access: { [role]: [{ name: 'corp', gcpMembers: [member], ...(role === 'promoters' ? { environments: ['prod'] } : {}) }] },
    });
    expect(expectAgreement(withMember('pushers', 'domain:example.com')).map((p) => Problems._line(p))).toEqual([
      'access.pushers[0].gcpMembers[0]: "domain:example.com" is every principal of a domain; only pullers may be whole domains: name the service accounts, users or groups that push',
    ]);
    expect(expectAgreement(withMember('promoters', 'domain:example.com')).map((p) => p.path)).toEqual(['access.promoters[0].gcpMembers[0]']);
    // Negative controls.
    expect(expectAgreement(withMember('pullers', 'domain:example.com'))).toEqual([]);
    expect(expectAgreement(withMember('pushers', 'group:release@example.com'))).toEqual([]);
    // The repoAdmin prop (roles/artifactregistry.repoAdmin: delete and IAM) likewise.
    const admins = (repoAdminMembers: string[]) => () => new ContainerRegistry(testStack(), 'R', {
      spec: validSpec(), project: 'acme-registry', location: 'europe-west1', repoAdminMembers,
    });
    expect(admins(['domain:example.com'])).toThrow(/- props\.repoAdminMembers\[0\]: "domain:example\.com" is every principal of a domain; repository administrators are named/);
    expect(admins(['group:registry-admins@example.com'])).not.toThrow();
  });

  test('construct props named as what they become: the project id and an existing workload identity pool (before: accepted, or a second error round)', () => {
    const build = (props: object) => {
      try {
        new ContainerRegistry(testStack(), 'R', { spec: validSpec(), project: 'acme-registry', location: 'europe-west1', ...props });
        return '';
      } catch (e) {
        return (e as Error).message;
      }
    };
    const pool = 'projects/123456789/locations/global/workloadIdentityPools/github';
    // Resource Manager, creating a project: ids are 6-30 lower-case letters, digits and hyphens, starting with a letter, not ending with a hyphen.
    expect(build({ project: 'Acme-Registry' })).toMatch(/- props\.project: "Acme-Registry" is not a project id \(6-30 lower-case letters/);
    expect(build({ project: '123456789012' })).toMatch(/- props\.project: "123456789012" is not a project id[^\n]*give the id, not the name or the number/);
    expect(build({ project: 'a'.repeat(31) })).toMatch(/- props\.project: "a{31}" is not a project id/);
    expect(build({ workloadIdentityPool: {} })).toMatch(/^gcp\.ContainerRegistry stack\/R: 1 problem\n {2}- props\.workloadIdentityPool\.poolName: is required/);
    expect(build({ workloadIdentityPool: { poolName: 5 } })).toMatch(/^gcp\.ContainerRegistry stack\/R: 1 problem\n {2}- props\.workloadIdentityPool\.poolName: 5 is not a string/);
    expect(build({ workloadIdentityPool: { poolName: pool, providerName: 'github' } })).toMatch(/- props\.workloadIdentityPool\.providerName: "github" is not a provider name/);
    expect(build({ workloadIdentityPool: { poolName: pool, providerName: `${pool.replace('github', 'other')}/providers/github` } }))
      .toMatch(/- props\.workloadIdentityPool\.providerName: "[^"]*other\/providers\/gi\.\.\. is not a provider of the pool projects\/123456789\/locations\/global\/workloadIdentityPools\/github/);
    // Negative controls.
    expect(build({ project: 'acme-registry-prod-1' })).toBe('');
    expect(build({ workloadIdentityPool: { poolName: pool, providerName: `${pool}/providers/github-actions` } })).toBe('');
  });

  describe('validate --cloud gcp accepts exactly what synthesis accepts', () => {
    test('every example spec', () => {
      const root = join(__dirname, '../..');
      const files = ['examples/aws/registry.yaml', 'examples/composition/registry.yaml', 'examples/promotion/registry.yaml',
        'examples/spec-only/registry.yaml', 'examples/multi-cloud/platform.yaml'];
      const specs: RegistrySpec[] = [...files.map((f) => parse(readFileSync(join(root, f), 'utf8')) as RegistrySpec), gcpExampleSpec];
      for (const spec of specs) expectAgreement(spec);
      expect(GarValidator.problems(gcpExampleSpec)).toEqual([]);
    });

    // Specs near the edges of what GCP takes: each field is drawn from valid values and values one
    // of the checks refuses (the spec validator, the translation, the tag check, the key, the derived ids, the caches).
    /** Mostly a value GCP takes, sometimes one that a check refuses. */
    const pick = <T>(good: T[], bad: T[]): fc.Arbitrary<T> => fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom(...good) }, { weight: 1, arbitrary: fc.constantFrom(...bad) });
    const ruleArb: fc.Arbitrary<RetentionRuleSpec> = fc.oneof(
      fc.record({ tagState: fc.constant(TagState.UNTAGGED), expireAfterDays: fc.integer({ min: 1, max: 30 }) }),
      fc.record({
        tagState: fc.constant(TagState.TAGGED),
        tagPatterns: fc.uniqueArray(fc.constantFrom('pr-*', 'v*', 'dev', 'rc-*', 'feat-*', 'x*', 'y*', 'z*', 'w*'), { minLength: 1, maxLength: 2 }),
        expireAfterDays: fc.integer({ min: 1, max: 400 }),
      }),
      fc.record({ tagState: fc.constant(TagState.ANY), keepMostRecent: fc.integer({ min: 1, max: 50 }) }),
    );
    const trustArb: fc.Arbitrary<GithubTrustSpec> = fc.oneof(
      fc.record({ repository: fc.constant('acme/platform'), branch: fc.constantFrom('main', 'release') }),
      fc.record({ repository: fc.constant('acme/platform'), environment: fc.constantFrom('dev', 'prod') }),
      fc.record({ repository: fc.constant('acme/platform'), tag: fc.constantFrom('v*', 'v*.*.*', 'release-*') }),
    );
    const identityArb: fc.Arbitrary<IdentitySpec> = fc.record({
      name: fc.constantFrom('ci', 'a', 'a-sa', 'runtime', 'promoter'),
      trust: fc.option(trustArb, { nil: undefined }),
      member: fc.option(pick(['group:rt@acme.example', 'serviceAccount:gke@acme-registry.iam.gserviceaccount.com'], ['allUsers']), { nil: undefined }),
    }).map(({ name, trust, member }) => ({ name, ...(trust ? { github: trust } : {}), ...(member ? { gcpMembers: [member] } : {}) }));
    const specArb = fc.record({
      name: pick(['platform', 'pp'], ['gcp-images', `r${'e'.repeat(58)}`, 'Bad_Name']),
      layout: fc.constantFrom(EnvironmentLayout.TAGS, EnvironmentLayout.REPOSITORIES, EnvironmentLayout.REGISTRIES),
      chain: fc.constantFrom(['dev', 'prod'], ['dev', 'staging', 'prod'], ['prod']),
      images: fc.uniqueArray(fc.constantFrom('api', 'api-gateway', 'web', 'jobs/worker'), { minLength: 1, maxLength: 3 }),
      rules: fc.oneof({ weight: 5, arbitrary: fc.array(ruleArb, { maxLength: 4 }) }, {
        // Near Artifact Registry's 10 cleanup policies: one DELETE per distinct tagged rule.
        weight: 1,
        arbitrary: fc.integer({ min: 8, max: 12 }).map((n) => Array.from({ length: n }, (_, i): RetentionRuleSpec => (
          { tagState: TagState.TAGGED, tagPatterns: [`t${i}-*`], expireAfterDays: i + 1 }))),
      }),
      protectedTags: fc.constantFrom<string[]>([], ['v*'], ['prod', 'dev']),
      allowExpiring: pick([true], [false]),
      immutable: fc.boolean(),
      cmek: pick(['none', 'key'], ['no-key']),
      pushers: fc.array(identityArb, { maxLength: 2 }),
      pullers: fc.array(identityArb, { maxLength: 2 }),
      cache: pick(['none', 'hub'], ['hub-user-only', 'custom-no-url']),
    }).map((g): RegistrySpec => ({
      version: 1,
      name: g.name,
      repositories: g.images.map((name) => ({ name })),
      environments: { layout: g.layout, chain: g.chain.map((name) => ({ name })) },
      tagPolicy: { immutable: g.immutable },
      retention: { protectedTags: g.protectedTags, rules: g.rules, allowExpiringEnvironmentTags: g.allowExpiring },
      ...(g.cmek === 'none' ? {} : { encryption: { type: EncryptionType.CUSTOMER_MANAGED, ...(g.cmek === 'key' ? { gcpKmsKeyName: KEY } : {}) } }),
      access: { pushers: g.pushers, pullers: g.pullers },
      ...(g.cache === 'none' ? {} : {
        upstreamCaches: [g.cache === 'custom-no-url'
          ? { name: 'mirror', upstream: UpstreamRegistry.CUSTOM }
          : { name: 'hub', upstream: UpstreamRegistry.DOCKER_HUB, ...(g.cache === 'hub-user-only' ? { username: 'bot' } : {}) }],
      }),
    }));

    test('generated specs (200 cases): the validator is empty exactly when the registry synthesizes, else the registry throws its problems', () => {
      const seen = { valid: 0, invalid: 0, translation: 0, tagCheck: 0, key: 0, derivedIds: 0, caches: 0, spec: 0 };
      fc.assert(fc.property(specArb, (spec) => {
        const problems = expectAgreement(spec);
        if (problems.length === 0) seen.valid++;
        else seen.invalid++;
        if (problems.some((p) => p.message.startsWith('cannot be expressed as Artifact Registry cleanup policies'))) seen.translation++;
        if (problems.some((p) => p.message.includes('could expire the image the environment tag'))) seen.tagCheck++;
        if (problems.some((p) => p.path === 'encryption.gcpKmsKeyName')) seen.key++;
        if (problems.some((p) => /service account id|workload identity pool id/.test(p.message))) seen.derivedIds++;
        if (problems.some((p) => p.path.startsWith('upstreamCaches'))) seen.caches++;
        if (problems.some((p) => p.path === 'name' && p.message.startsWith('is not a valid registry name'))) seen.spec++;
      }), { seed: 20261201, numRuns: 200 });
      // The generators reached both outcomes and every kind of check.
      for (const [kind, count] of Object.entries(seen)) expect([kind, count > 0]).toEqual([kind, true]);
    });

    test('negative controls: a validator without the translation, the tag check or the key check disagrees with synthesis on generated specs', () => {
      const without = (drop: (p: SpecProblem) => boolean): Validator => (spec) => GarValidator.problems(spec).filter((p) => !drop(p));
      const faulty: Array<[string, Validator]> = [
        ['translation', without((p) => p.message.startsWith('cannot be expressed as Artifact Registry'))],
        ['tag check', without((p) => p.message.includes('could expire the image the environment tag'))],
        ['key', without((p) => p.path === 'encryption.gcpKmsKeyName')],
      ];
      for (const [name, validate] of faulty) {
        const result = fc.check(fc.property(specArb, (spec) => agreement(spec, validate) !== undefined), { seed: 20261201, numRuns: 200 });
        expect([name, result.failed]).toEqual([name, true]);
      }
    });
  });
});
