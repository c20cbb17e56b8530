/**
 * Properties of Harbor access over generated specs: the synthesized robots, read by
 * an independent evaluator of Harbor's authorization for the registry API, against
 * the access model (AccessModel.matrix).
 *
 * The evaluator (from goharbor/harbor): a registry request needs `repository:pull`
 * for GET/HEAD and `repository:push` for POST/PUT/PATCH, and a push token's scope is
 * `pull,push` (src/server/middleware/v2auth/access.go, getAction and scopeStr); a
 * project robot's permission covers exactly the project named in its namespace
 * (src/server/v2.0/handler/robot.go: one project scope per project robot), every
 * repository of it. So an identity can read `<project>/<path>` when one of its
 * robots in that project has repository:pull, and write when it has pull and push.
 *
 * Properties: complete (everything the model gives is allowed), no delete or other
 * access anywhere, no robot in a project where the model gives the identity nothing,
 * push only in projects where the model gives the identity a write, and no
 * system-level robot.
 */
import * as fc from 'fast-check';
import { resources, synthJson, testStack } from './helpers';
import { ContainerRegistry } from '../../src/harbor';
import { AccessModel, AccessResourceKind, Capability } from '../../src/spec/access-model';
import { Naming } from '../../src/spec/naming';
import { EnvironmentLayout, IdentitySpec, RegistrySpec, UpstreamRegistry } from '../../src/spec/registry-spec';

const IMAGES = ['api', 'web', 'jobs/worker'];
const ENVS = ['dev', 'staging', 'prod'];

const identityArb = (name: string, envChoices: boolean): fc.Arbitrary<IdentitySpec> => fc.record({
  repositories: fc.option(fc.uniqueArray(fc.constantFrom('api', 'web', 'jobs/*'), { minLength: 1, maxLength: 2 }), { nil: undefined }),
  environments: envChoices
    ? fc.option(fc.uniqueArray(fc.constantFrom(...ENVS), { minLength: 1, maxLength: 2 }), { nil: undefined })
    : fc.constant(undefined),
}).map((r) => ({
  name,
  github: { repository: 'acme/platform', branch: 'main' },
  ...(r.repositories ? { repositories: r.repositories } : {}),
  ...(r.environments ? { environments: r.environments } : {}),
}));

const specArb: fc.Arbitrary<RegistrySpec> = fc.record({
  layout: fc.constantFrom(EnvironmentLayout.TAGS, EnvironmentLayout.REPOSITORIES, EnvironmentLayout.REGISTRIES),
  pushers: fc.array(identityArb('ci', true), { maxLength: 1 }),
  pullers: fc.array(identityArb('runtime', true), { maxLength: 1 }),
  promoters: fc.array(identityArb('promoter', false), { maxLength: 1 }),
  cache: fc.boolean(),
}).map(({ layout, pushers, pullers, promoters, cache }) => ({
  name: 'platform',
  repositories: IMAGES.map((name) => ({ name })),
  environments: { layout, chain: ENVS.map((name) => ({ name })) },
  access: { pushers, pullers, promoters },
  ...(cache ? { upstreamCaches: [{ name: 'hub', upstream: UpstreamRegistry.DOCKER_HUB, username: 'bot' }] } : {}),
}));

/** The independent evaluator: the accesses of an identity's robots, by project. */
function robotAccess(json: any): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const r of resources(json, 'harbor_robot_account')) {
    expect(r.level).toBe('project');
    expect(r.permissions).toHaveLength(1);
    const p = r.permissions[0];
    expect(p.kind).toBe('project');
    const key = `${r.name}|${p.namespace}`;
    const set = out.get(key) ?? new Set<string>();
    for (const a of p.access) set.add(`${a.resource}:${a.action}`);
    out.set(key, set);
  }
  return out;
}

test('robots allow everything the access model gives, and nothing in projects or actions it does not (200 specs)', () => {
  let entries = 0;
  let robots = 0;
  fc.assert(fc.property(specArb, (spec) => {
    const stack = testStack();
    try {
      new ContainerRegistry(stack, 'Registry', { spec, url: 'https://harbor.example.com', outputs: false });
    } catch (e) {
      // A generated restriction the neutral checks refuse (for example a pusher outside the first environment).
      if (/problem/.test((e as Error).message)) return;
      throw e;
    }
    const access = robotAccess(synthJson(stack));
    robots += access.size;
    const needed = new Map<string, Set<Capability>>();
    for (const e of AccessModel.matrix(spec)) {
      const project = e.resource.kind === AccessResourceKind.CACHE
        ? Naming.harborCacheProjectName(spec, e.resource.name)
        : Naming.harborProjectName(spec, e.resource.environment || undefined);
      const key = `${e.identity}|${project}`;
      const has = access.get(key) ?? new Set<string>();
      // Complete: reads need pull; writes and tag moves need pull and push.
      for (const c of e.capabilities) {
        entries++;
        if (c === Capability.READ) expect([key, c, has.has('repository:pull')]).toEqual([key, c, true]);
        if (c === Capability.WRITE || c === Capability.MOVE_TAG) expect([key, c, has.has('repository:pull') && has.has('repository:push')]).toEqual([key, c, true]);
        expect(c).not.toBe(Capability.DELETE);
      }
      needed.set(key, new Set([...(needed.get(key) ?? []), ...e.capabilities]));
    }
    for (const [key, actions] of access) {
      // No robot where the model gives the identity nothing; push only where it writes; only pull and push.
      expect([key, needed.has(key)]).toEqual([key, true]);
      for (const a of actions) expect(['repository:pull', 'repository:push']).toContain(a);
      if (actions.has('repository:push')) expect([key, needed.get(key)!.has(Capability.WRITE)]).toEqual([key, true]);
    }
  }), { seed: 16, numRuns: 200 });
  // The generators reach the interesting cases.
  expect(entries).toBeGreaterThan(500);
  expect(robots).toBeGreaterThan(200);
});
