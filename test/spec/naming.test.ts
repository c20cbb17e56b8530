import { EffectiveSpec, EnvironmentLayout, Naming, RegistrySpec, SpecSummary, TagStrategy } from '../../src/spec';

const spec = (layout?: EnvironmentLayout, withEnvs = true): RegistrySpec => ({
  name: 'plat-form',
  repositories: [{ name: 'api' }, { name: 'jobs/worker' }],
  environments: withEnvs ? { layout, chain: [{ name: 'dev' }, { name: 'prod' }] } : undefined,
});

describe('Naming', () => {
  // DESIGN.md, "How the spec maps onto each cloud".
  test.each<[string, RegistrySpec, string[]]>([
    ['tags', spec(EnvironmentLayout.TAGS), ['plat-form/jobs/worker', 'plat-form/jobs/worker', 'plat-form', 'plat-form', 'platform', 'platform', 'jobs/worker']],
    ['repositories', spec(EnvironmentLayout.REPOSITORIES), ['plat-form/dev/jobs/worker', 'plat-form/prod/jobs/worker', 'plat-form-dev', 'plat-form-prod', 'platform', 'platform', 'prod/jobs/worker']],
    ['registries', spec(EnvironmentLayout.REGISTRIES), ['plat-form-dev/jobs/worker', 'plat-form-prod/jobs/worker', 'plat-form-dev', 'plat-form-prod', 'platformdev', 'platformprod', 'jobs/worker']],
    ['no environments', spec(undefined, false), ['plat-form/jobs/worker', 'plat-form/jobs/worker', 'plat-form', 'plat-form', 'platform', 'platform', 'jobs/worker']],
  ])('layout %s', (_layout, s, expected) => {
    expect([
      Naming.ecrRepositoryName(s, 'jobs/worker', 'dev'),
      Naming.ecrRepositoryName(s, 'jobs/worker', 'prod'),
      Naming.garRepositoryId(s, 'dev'),
      Naming.garRepositoryId(s, 'prod'),
      Naming.acrRegistryName(s, 'dev'),
      Naming.acrRegistryName(s, 'prod'),
      Naming.acrRepositoryPath(s, 'jobs/worker', 'prod'),
    ]).toEqual(expected);
  });

  test('environments default to the repositories layout, and the tags layout has one physical environment', () => {
    expect(Naming.layout(spec(undefined))).toBe(EnvironmentLayout.REPOSITORIES);
    expect(Naming.physicalEnvironments(spec(EnvironmentLayout.TAGS))).toEqual(['']);
    expect(Naming.physicalEnvironments(spec(EnvironmentLayout.REGISTRIES))).toEqual(['dev', 'prod']);
  });
});

describe('EffectiveSpec', () => {
  test('defaults: immutable tags with latest (and environment tags with the tags layout) mutable, semver aliases, scan on push', () => {
    expect(EffectiveSpec.tagPolicy(spec(EnvironmentLayout.TAGS))).toEqual({ immutable: true, mutableTags: ['latest', 'dev', 'prod'], strategy: TagStrategy.SEMVER, semverAliases: true });
    expect(EffectiveSpec.tagPolicy(spec(EnvironmentLayout.REPOSITORIES)).mutableTags).toEqual(['latest']);
    expect(EffectiveSpec.tagPolicy({ ...spec(), tagPolicy: { strategy: TagStrategy.GIT_SHA } }).semverAliases).toBe(false);
    expect(EffectiveSpec.scanning(spec()).mode).toBe('on-push');
    expect(EffectiveSpec.retention(spec())).toEqual({});
  });

  test('repository overrides replace the registry defaults for that repository only', () => {
    const s: RegistrySpec = {
      ...spec(EnvironmentLayout.REPOSITORIES),
      retention: { protectedTags: ['prod'] },
      repositories: [{ name: 'api' }, { name: 'web', retention: { protectedTags: ['v*'] }, tagPolicy: { immutable: false } }],
    };
    const repos = EffectiveSpec.repositories(s);
    expect(repos.map((r) => `${r.environment}/${r.image}:${r.retention.protectedTags}:${r.tagPolicy.immutable}`))
      .toEqual(['dev/api:prod:true', 'dev/web:v*:false', 'prod/api:prod:true', 'prod/web:v*:false']);
  });

  test('the summary names the native resources of each cloud', () => {
    const text = SpecSummary.describe(spec(EnvironmentLayout.REPOSITORIES));
    expect(text).toContain('aws: ECR repositories plat-form/dev/api, plat-form/prod/api, ... (4 repositories)');
    expect(text).toContain('gcp: Artifact Registry plat-form-dev/api, plat-form-prod/api');
    expect(text).toContain('retention: none (nothing is deleted)');
  });
});
