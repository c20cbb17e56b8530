import {
  EffectiveSpec, EncryptionType, EnvironmentLayout, RegistrySpec, ScanMode, TagState, TagStrategy,
} from '../../src/spec';

const base = (over: Partial<RegistrySpec> = {}): RegistrySpec => ({ name: 'platform', repositories: [{ name: 'api' }, { name: 'web' }], ...over });

describe('EffectiveSpec', () => {
  test('defaults (README "Defaults"): immutable tags but latest, semver with aliases, scan on push, provider-managed keys, no retention rule', () => {
    const s = base();
    expect(EffectiveSpec.tagPolicy(s)).toEqual({ immutable: true, mutableTags: ['latest'], strategy: TagStrategy.SEMVER, semverAliases: true });
    expect(EffectiveSpec.scanning(s)).toEqual({ mode: ScanMode.ON_PUSH });
    expect(EffectiveSpec.encryptionType(s)).toBe(EncryptionType.PROVIDER_MANAGED);
    expect(EffectiveSpec.retention(s)).toEqual({});
  });

  test('with the tags layout, the environment tags stay movable too (promotion moves them)', () => {
    const s = base({ environments: { layout: EnvironmentLayout.TAGS, chain: [{ name: 'dev' }, { name: 'prod' }] } });
    expect(EffectiveSpec.tagPolicy(s).mutableTags).toEqual(['latest', 'dev', 'prod']);
    // With other layouts each environment has its own repositories: no environment tag.
    expect(EffectiveSpec.tagPolicy({ ...s, environments: { ...s.environments!, layout: EnvironmentLayout.REPOSITORIES } }).mutableTags).toEqual(['latest']);
  });

  test('a repository\'s own setting wins over the registry\'s, which wins over the default', () => {
    const retention = { rules: [{ tagState: TagState.UNTAGGED, expireAfterDays: 7 }] };
    const own = { rules: [{ tagState: TagState.ANY, keepMostRecent: 3 }] };
    const s = base({
      tagPolicy: { immutable: false },
      retention,
      scanning: { mode: ScanMode.CONTINUOUS },
      repositories: [{ name: 'api', tagPolicy: { strategy: TagStrategy.GIT_SHA }, retention: own, scanning: { mode: ScanMode.OFF } }, { name: 'web' }],
    });
    const [api, web] = s.repositories;
    // A repository's tagPolicy replaces the registry's whole (not field by field): immutable is the default again.
    expect(EffectiveSpec.tagPolicy(s, api)).toEqual({ immutable: true, mutableTags: ['latest'], strategy: TagStrategy.GIT_SHA, semverAliases: false });
    expect(EffectiveSpec.tagPolicy(s, web).immutable).toBe(false);
    expect([EffectiveSpec.retention(s, api), EffectiveSpec.retention(s, web)]).toEqual([own, retention]);
    expect([EffectiveSpec.scanning(s, api).mode, EffectiveSpec.scanning(s, web).mode]).toEqual([ScanMode.OFF, ScanMode.CONTINUOUS]);
  });

  test.each<[string, RegistrySpec['environments'], string[]]>([
    ['no environments', undefined, [':api', ':web']],
    ['tags layout: one physical environment', { layout: EnvironmentLayout.TAGS, chain: [{ name: 'dev' }, { name: 'prod' }] }, [':api', ':web']],
    ['repositories layout', { layout: EnvironmentLayout.REPOSITORIES, chain: [{ name: 'dev' }, { name: 'prod' }] }, ['dev:api', 'dev:web', 'prod:api', 'prod:web']],
    ['registries layout', { layout: EnvironmentLayout.REGISTRIES, chain: [{ name: 'dev' }, { name: 'prod' }] }, ['dev:api', 'dev:web', 'prod:api', 'prod:web']],
  ])('repositories: %s (environments outer, images inner)', (_what, environments, expected) => {
    const repos = EffectiveSpec.repositories(base({ environments }));
    expect(repos.map((r) => `${r.environment}:${r.image}`)).toEqual(expected);
    for (const r of repos) expect(r.scanMode).toBe(ScanMode.ON_PUSH);
  });
});
