import { identitiesOf, layoutOf, repositoryNames, reservedPrefixes, roleGrants } from '../../src/aws/role-grants';
import { AccessRole, EnvironmentLayout, Naming, RegistrySpec, UpstreamRegistry } from '../../src/spec';

const spec = (over: Partial<RegistrySpec> = {}): RegistrySpec => ({
  name: 'platform',
  repositories: [{ name: 'api' }, { name: 'web' }],
  environments: { layout: EnvironmentLayout.REPOSITORIES, chain: [{ name: 'dev' }, { name: 'prod' }] },
  access: {
    pushers: [{ name: 'ci', github: { repository: 'o/r', branch: 'main' } }],
    pullers: [
      { name: 'runtime', github: { repository: 'o/deploy', environment: 'prod' }, environments: ['prod'], repositories: ['api'] },
      { name: 'cluster', awsAccountIds: ['111122223333'] },
    ],
    promoters: [{ name: 'ci', github: { repository: 'o/r', branch: 'main' }, environments: ['prod'] }],
  },
  ...over,
});

describe('identitiesOf', () => {
  test('every identity with its role, pushers then pullers then promoters; one name may play two roles', () => {
    expect(identitiesOf(spec()).map((i) => [i.name, i.role])).toEqual([
      ['ci', AccessRole.PUSHER], ['runtime', AccessRole.PULLER], ['cluster', AccessRole.PULLER], ['ci', AccessRole.PROMOTER],
    ]);
    expect(identitiesOf({ name: 'p', repositories: [{ name: 'api' }] })).toEqual([]);
  });
});

describe('roleGrants', () => {
  const grants = roleGrants(spec());

  test('a role only for identities with GitHub trust (existing principals get none), sorted by name, with every role they play', () => {
    expect([...grants.keys()]).toEqual(['ci', 'runtime']);
    expect(grants.get('ci')!.roles).toEqual([AccessRole.PUSHER, AccessRole.PROMOTER]);
  });

  test('the repositories are the ECR names of the access plan, scoped by environments and repositories', () => {
    const s = spec();
    expect(grants.get('runtime')).toMatchObject({ pull: [Naming.ecrRepositoryName(s, 'api', 'prod')], push: [] });
    // The pusher writes the first environment; the promoter into prod reads dev (its source) and prod, and writes prod.
    const ci = grants.get('ci')!;
    expect(ci.push.sort()).toEqual(['platform/dev/api', 'platform/dev/web', 'platform/prod/api', 'platform/prod/web']);
    expect(ci.pull).toEqual(expect.arrayContaining(['platform/dev/api', 'platform/prod/api']));
  });

  test('only pullers pull through the caches, and only when the spec has caches', () => {
    expect(grants.get('runtime')!.pullsThroughCaches).toBe(false);
    const cached = roleGrants(spec({ upstreamCaches: [{ name: 'quay', upstream: UpstreamRegistry.QUAY }] }));
    expect(cached.get('runtime')!.pullsThroughCaches).toBe(true);
    expect(cached.get('ci')!.pullsThroughCaches).toBe(false); // pusher and promoter: no cache access
  });
});

describe('repositoryNames, reservedPrefixes, layoutOf', () => {
  test('every ECR name of the spec; the cache prefixes are reserved', () => {
    const s = spec({ upstreamCaches: [{ name: 'quay', upstream: UpstreamRegistry.QUAY }] });
    expect(repositoryNames(s).sort()).toEqual(['platform/dev/api', 'platform/dev/web', 'platform/prod/api', 'platform/prod/web']);
    expect(reservedPrefixes(s)).toEqual(['platform/quay']);
  });

  test('a role on every repository of a big spec gets prefix ARNs, but never one that covers a reserved prefix', () => {
    // 1,000 images: more than 10 managed policies of exact ARNs hold, so prefixes are needed.
    const images = Array.from({ length: 1_000 }, (_, i) => ({ name: `team/image-${i}` }));
    const s = spec({ repositories: images, access: { pushers: [{ name: 'ci', github: { repository: 'o/r', branch: 'main' } }] } });
    const ci = roleGrants(s).get('ci')!;
    // The pusher writes dev only: platform/ would reach prod, platform/dev/ is exactly as wide.
    expect(layoutOf(s, ci, 'Stack/ci/Role', true).entries.map((e) => e.resource)).toEqual(['platform/dev/*']);
    // A reserved namespace under platform/dev/ (a cache, a creation template) pushes the wildcard one level down.
    expect(layoutOf(s, ci, 'Stack/ci/Role', true, ['platform/dev/cache']).entries.map((e) => e.resource)).toEqual(['platform/dev/team/*']);
    expect(() => layoutOf(s, ci, 'Stack/ci/Role', false)).toThrow(/^Stack\/ci\/Role: the role is granted on 1000 ECR repositories, more than IAM can hold as exact repository ARNs/);
  });
});
