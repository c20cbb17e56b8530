import * as fc from 'fast-check';
import { validSpec } from './fixtures';
import {
  AccessModel, AccessPlan, AccessProgram, AccessResourceKind, Capability, EnvironmentLayout, Permission, RegistrySpec, UpstreamRegistry,
} from '../../src/spec';

const spec = (layout: EnvironmentLayout, extra: Partial<RegistrySpec> = {}): RegistrySpec => validSpec({
  environments: { layout, chain: [{ name: 'dev' }, { name: 'staging' }, { name: 'prod' }] },
  access: {
    pushers: [{ name: 'ci', github: { repository: 'o/r', branch: 'main' } }],
    pullers: [{ name: 'runtime', gcpMembers: ['user:a@b.c'], environments: ['prod'], repositories: ['api'] }],
    promoters: [{ name: 'promoter', github: { repository: 'o/r', environment: 'prod' } }],
  },
  ...extra,
});
const repo = (environment: string, name: string) => ({ kind: AccessResourceKind.REPOSITORY, environment, name });
const rows = (s: RegistrySpec) => AccessModel.matrix(s).map((e) => `${e.identity} ${e.resource.kind}:${e.resource.environment || '-'}/${e.resource.name} ${e.capabilities.join('+')}`);

describe('AccessModel', () => {
  test('each hop reads its source, and reads, writes and moves tags at its destination', () => {
    const s = spec(EnvironmentLayout.REPOSITORIES);
    const hop = AccessModel.operations(s).filter((op) => op.program === AccessProgram.PROMOTION && op.resource.name === 'api');
    expect(hop.map((op) => `${op.resource.environment} ${op.capability}`)).toEqual([
      'dev read', 'staging read', 'staging write', 'staging move-tag',
      'staging read', 'prod read', 'prod write', 'prod move-tag',
    ]);
    expect(hop.every((op) => op.identity === 'promoter')).toBe(true);
  });

  test('the matrix is the union of the operations, one row per identity and resource, and nobody deletes or administers', () => {
    const s = spec(EnvironmentLayout.REPOSITORIES);
    expect(rows(s).filter((r) => r.includes('/api '))).toEqual([
      'ci repository:dev/api write+move-tag',
      'promoter repository:dev/api read',
      'promoter repository:prod/api read+write+move-tag',
      'promoter repository:staging/api read+write+move-tag',
      'runtime repository:prod/api read',
    ]);
    const caps = AccessModel.matrix(s).flatMap((e) => e.capabilities);
    expect(caps).not.toContain(Capability.DELETE);
    expect(caps).not.toContain(Capability.ADMIN);
  });

  test('with the tags layout every environment is the same repository, so the promoter reads and writes it once', () => {
    const s = spec(EnvironmentLayout.TAGS);
    expect(rows(s).filter((r) => r.startsWith('promoter'))).toEqual([
      'promoter repository:-/api read+write+move-tag',
      'promoter repository:-/jobs/worker read+write+move-tag',
      'promoter repository:-/web read+write+move-tag',
    ]);
  });

  test('write-once tags without aliases or mutable exceptions need no tag moves', () => {
    const s = spec(EnvironmentLayout.REPOSITORIES, { tagPolicy: { immutable: true, mutableTags: [], semverAliases: false } });
    expect(AccessModel.operations(s).some((op) => op.capability === Capability.MOVE_TAG)).toBe(false);
    expect(AccessModel.movesTags(spec(EnvironmentLayout.REPOSITORIES), 'api')).toBe(true); // `latest` by default
    // The tags layout moves environment tags whatever the tag policy says.
    expect(AccessModel.movesTags(spec(EnvironmentLayout.TAGS, { tagPolicy: { immutable: true, mutableTags: [], semverAliases: false } }), 'api')).toBe(true);
  });

  test('pullers import through every cache; pushers and promoters never do', () => {
    const s = spec(EnvironmentLayout.REPOSITORIES, { upstreamCaches: [{ name: 'docker-hub', upstream: UpstreamRegistry.DOCKER_HUB }] });
    const cache = AccessModel.matrix(s).filter((e) => e.resource.kind === AccessResourceKind.CACHE);
    expect(cache.map((e) => `${e.identity} ${e.resource.name} ${e.capabilities.join('+')}`)).toEqual(['runtime docker-hub read+cache-import']);
  });

  test('retention reads and deletes every repository, and only when a cloud asks for its operations', () => {
    const s = spec(EnvironmentLayout.REGISTRIES);
    const ops = AccessModel.retentionOperations(s);
    expect(new Set(ops.map((op) => op.identity))).toEqual(new Set([AccessModel.RETENTION_IDENTITY]));
    expect(ops.filter((op) => op.capability === Capability.DELETE)).toHaveLength(3 * 3);
    expect(AccessModel.allows(s, AccessModel.RETENTION_IDENTITY, repo('dev', 'api'), Capability.DELETE)).toBe(false);
  });

  test('allows answers from the matrix, and nothing outside the spec is allowed', () => {
    const s = spec(EnvironmentLayout.REPOSITORIES);
    expect(AccessModel.allows(s, 'promoter', repo('prod', 'api'), Capability.READ)).toBe(true);
    expect(AccessModel.allows(s, 'promoter', repo('dev', 'api'), Capability.WRITE)).toBe(false);
    expect(AccessModel.allows(s, 'ci', repo('staging', 'api'), Capability.WRITE)).toBe(false);
    expect(AccessModel.allows(s, 'runtime', repo('prod', 'web'), Capability.READ)).toBe(false);
    expect(AccessModel.allows(s, 'nobody', repo('dev', 'api'), Capability.READ)).toBe(false);
  });

  test('property: the grants are exactly the matrix (read as pull, write and move-tag as push), whatever the identities', () => {
    const envs = ['dev', 'staging', 'prod'];
    const identity = (name: string) => fc.record({
      name: fc.constant(name),
      environments: fc.option(fc.subarray(envs, { minLength: 1 }), { nil: undefined }),
      repositories: fc.option(fc.subarray(['api', 'web', 'jobs/*', 'w*'], { minLength: 1 }), { nil: undefined }),
    });
    let promotersWithHops = 0;
    fc.assert(fc.property(
      fc.constantFrom(EnvironmentLayout.TAGS, EnvironmentLayout.REPOSITORIES, EnvironmentLayout.REGISTRIES),
      identity('p1'), identity('r1'), identity('m1'),
      (layout, pusher, puller, promoter) => {
        const s = spec(layout, { access: { pushers: [pusher], pullers: [puller], promoters: [{ ...promoter, environments: promoter.environments?.filter((e) => e !== 'dev') }] } });
        const fromGrants = new Set(AccessPlan.grants(s).flatMap((g) => g.images.map((img) => `${g.identity} ${g.environment}/${img} ${g.permission}`)));
        const fromMatrix = new Set(AccessModel.matrix(s).filter((e) => e.resource.kind === AccessResourceKind.REPOSITORY).flatMap((e) => [
          ...(e.capabilities.includes(Capability.READ) ? [`${e.identity} ${e.resource.environment}/${e.resource.name} ${Permission.PULL}`] : []),
          ...(e.capabilities.some((c) => c === Capability.WRITE || c === Capability.MOVE_TAG) ? [`${e.identity} ${e.resource.environment}/${e.resource.name} ${Permission.PUSH}`] : []),
        ]));
        expect([...fromGrants].sort()).toEqual([...fromMatrix].sort());
        // Every environment a promoter writes it also reads (the script checks the destination first).
        for (const e of AccessModel.matrix(s).filter((x) => x.identity === 'm1' && x.capabilities.includes(Capability.WRITE))) {
          expect(e.capabilities).toContain(Capability.READ);
          promotersWithHops++;
        }
      },
    ), { seed: 13, numRuns: 200 });
    expect(promotersWithHops).toBeGreaterThan(50);
  });
});
