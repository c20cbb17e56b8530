/**
 * Harbor access, proven like the other clouds': over generated specs (seeded), the
 * robots `HarborAccessMatrix.robots` produces, synthesized through the typed bindings
 * (robot-stack.ts) and evaluated the way Harbor decides (harbor-access.ts, written from
 * goharbor/harbor's source, sharing no code with src/harbor):
 * - every operation of the access model is allowed;
 * - the evaluated decision equals the native matrix for every identity x capability x
 *   repository: the spec's repositories, repositories outside the spec in its projects
 *   (sharing prefixes), and repositories of other projects on the same instance
 *   (`other`, `<name>x`, `<project>-other`), which are never allowed;
 * - delete and admin never; no system-kind permission, no `*` namespace, a project
 *   robot holds exactly one project;
 * - what the robots allow beyond the model is exactly what the matrix declares: a
 *   capability beyond the model is allowed only on a row with `beyondModel`, and every
 *   row with `beyondModel` allows something beyond it.
 * Negative controls mutate the synthesized robots (widen to the `*` namespace, drop the
 * pull on a promotion source, add delete, add a system-kind permission, make a project
 * public) and each is caught.
 */
import * as fc from 'fast-check';
import { HarborAccess } from './harbor-access';
import { synthesizeRobots } from './robot-stack';
import { HarborAccessEntry, HarborAccessMatrix } from '../../src/harbor/access-matrix';
import {
  AccessModel, AccessResource, AccessResourceKind, Capability, EnvironmentLayout, IdentitySpec, RegistrySpec, TagStrategy, UpstreamRegistry,
} from '../../src/spec';
import { Naming } from '../../src/spec/naming';

const CAPABILITIES = [Capability.READ, Capability.WRITE, Capability.MOVE_TAG, Capability.DELETE, Capability.ADMIN, Capability.CACHE_IMPORT];
// Image names that share prefixes, so that a repository outside a grant shares a prefix with one inside.
const IMAGES = ['api', 'api-gateway', 'web', 'jobs/worker', 'jobs'];
const GLOBS = ['api', 'api*', 'jobs/*', 'web'];
/** Projects on the same Harbor instance that the spec does not own (decoys), added to every configuration. */
const decoys = (spec: RegistrySpec) => ['other', `${spec.name}x`, `${spec.name}-other`];

interface Stats {
  decisions: number;
  allowed: number;
  outsideDenied: number;
  beyond: number;
  operations: number;
}

/** The spec's repositories as `<project>/<path>`, with the model resource each one is. */
function specRepositories(spec: RegistrySpec): Map<string, AccessResource> {
  const out = new Map<string, AccessResource>();
  for (const env of Naming.physicalEnvironments(spec)) {
    for (const r of spec.repositories) {
      out.set(`${Naming.harborProjectName(spec, env || undefined)}/${Naming.harborRepositoryPath(spec, r.name, env || undefined)}`,
        { kind: AccessResourceKind.REPOSITORY, environment: env, name: r.name });
    }
  }
  return out;
}

/** Every disagreement between the evaluated robots, the native matrix and the model, one message each. */
function problems(spec: RegistrySpec, json: any, stats?: Stats, matrixOverride?: HarborAccessEntry[]): string[] {
  const out: string[] = [];
  const access = new HarborAccess(json);
  const matrix = matrixOverride ?? HarborAccessMatrix.of(spec);
  const robots = HarborAccessMatrix.robots(spec);
  const model = AccessModel.matrix(spec);
  const inSpec = specRepositories(spec);
  const caches = new Map((spec.upstreamCaches ?? []).map((c) => [Naming.harborCacheProjectName(spec, c.name), c.name]));
  const projects = new Set([...[...inSpec.keys()].map((r) => r.split('/')[0]), ...caches.keys()]);

  // The repositories to decide on.
  const universe = new Set<string>(inSpec.keys());
  for (const r of inSpec.keys()) {
    const [project, ...rest] = r.split('/');
    const path = rest.join('/');
    for (const v of [`${path}x`, `${path}-other`, `${path}/sub`, `x${path}`]) universe.add(`${project}/${v}`);
    for (const p of [`${project}x`, `${project}-other`, 'other']) universe.add(`${p}/${path}`);
  }
  for (const c of caches.keys()) for (const v of ['library/nginx', 'jobs/worker']) universe.add(`${c}/${v}`);
  for (const p of projects) universe.add(`${p}/new-image`);

  const rowFor = (identity: string, repository: string) => {
    const project = repository.split('/')[0];
    return matrix.find((e) => e.identity === identity && e.resource === repository)
      ?? (inSpec.has(repository) ? undefined : matrix.find((e) => e.identity === identity && e.project === project && e.repository === '*'));
  };
  const modelAllows = (identity: string, repository: string, cap: Capability): boolean => {
    const project = repository.split('/')[0];
    const resource: AccessResource | undefined = inSpec.get(repository)
      ?? (caches.has(project) ? { kind: AccessResourceKind.CACHE, environment: '', name: caches.get(project)! } : undefined);
    if (!resource) return false;
    return model.some((e) => e.identity === identity && e.resource.kind === resource.kind && e.resource.environment === resource.environment
      && e.resource.name === resource.name && e.capabilities.includes(cap));
  };

  // Robots: named as the matrix says, project-kind permissions on the spec's projects only.
  for (const robot of robots) {
    const state = access.robot(robot.fullName);
    if (!state) {
      out.push(`${robot.identity}: Harbor names no robot ${robot.fullName} (it has ${access.robots.map((r) => r.fullName).join(', ')})`);
      continue;
    }
    if (state.level === 'system' && state.permissions.length < 2) out.push(`${robot.identity}: a system robot for one project`);
    for (const p of state.permissions) {
      if (p.kind !== 'project' || !projects.has(p.namespace)) out.push(`${robot.identity}: permission ${p.kind} ${p.namespace} outside the spec's projects`);
    }
  }
  const identities = [...new Set(AccessModel.operations(spec).map((o) => o.identity))];
  for (const identity of identities) if (!robots.some((r) => r.identity === identity)) out.push(`${identity}: no robot`);

  const beyondUsed = new Set<string>();
  for (const robot of robots) {
    for (const repository of [...universe].sort()) {
      const project = repository.split('/')[0];
      for (const cap of CAPABILITIES) {
        const evaluated = access.can(robot.fullName, cap, repository);
        const row = rowFor(robot.identity, repository);
        const native = row?.capabilities.includes(cap) ?? false;
        if (stats) {
          stats.decisions++;
          if (evaluated) stats.allowed++;
          if (!projects.has(project) && !evaluated) stats.outsideDenied++;
        }
        if (evaluated !== native) out.push(`${robot.identity} ${cap} ${repository}: evaluated ${evaluated}, native matrix ${native}`);
        if (evaluated && (cap === Capability.DELETE || cap === Capability.ADMIN)) out.push(`${robot.identity} may ${cap} ${repository}`);
        if (evaluated && !projects.has(project)) out.push(`${robot.identity} ${cap} ${repository}: a project outside the spec`);
        if (evaluated && !modelAllows(robot.identity, repository, cap)) {
          if (stats) stats.beyond++;
          if (!row?.beyondModel) out.push(`${robot.identity} ${cap} ${repository}: allowed beyond the model, not declared`);
          else beyondUsed.add(row.resource + robot.identity);
        }
      }
    }
  }
  // Every declared beyond-model row allows something beyond the model, and the robot says so.
  for (const row of matrix) {
    if (row.beyondModel && !beyondUsed.has(row.resource + row.identity)) out.push(`${row.identity} ${row.resource}: declares "${row.beyondModel}" but allows nothing beyond the model`);
  }
  for (const robot of robots) {
    const declared = matrix.some((r) => r.identity === robot.identity && r.beyondModel);
    if (declared !== robot.beyondModel.length > 0) out.push(`${robot.identity}: robot beyondModel ${JSON.stringify(robot.beyondModel)} disagrees with its rows`);
  }

  // Every operation of the model is allowed by the robot of its identity.
  for (const op of AccessModel.operations(spec)) {
    if (stats) stats.operations++;
    const robot = robots.find((r) => r.identity === op.identity);
    const repository = op.resource.kind === AccessResourceKind.CACHE
      ? `${Naming.harborCacheProjectName(spec, op.resource.name)}/library/nginx`
      : `${Naming.harborProjectName(spec, op.resource.environment || undefined)}/${Naming.harborRepositoryPath(spec, op.resource.name, op.resource.environment || undefined)}`;
    if (!robot || !access.can(robot.fullName, op.capability, repository)) out.push(`operation not allowed: ${op.identity} ${op.step} (${op.capability} on ${repository})`);
  }
  return out;
}

/** Adds the decoy projects to a configuration (what else lives on the instance). */
function withDecoys(spec: RegistrySpec, json: any): any {
  for (const name of decoys(spec)) json.resource.harbor_project[`decoy-${name}`] = { name };
  return json;
}

// ---------------------------------------------------------------- generators

const globsFor = (images: string[]) => GLOBS.filter((g) => images.some((i) => (g.endsWith('*') ? i.startsWith(g.slice(0, -1)) : i === g)));

const identityArb = (name: string, envs: string[], images: string[]) => fc.record({
  repositories: globsFor(images).length
    ? fc.option(fc.subarray(globsFor(images), { minLength: 1, maxLength: Math.min(2, globsFor(images).length) }), { nil: undefined })
    : fc.constant(undefined),
  environments: envs.length ? fc.option(fc.subarray(envs, { minLength: 1 }), { nil: undefined }) : fc.constant(undefined),
}).map((r): IdentitySpec => ({
  name,
  github: { repository: 'example/platform', branch: 'main' },
  ...(r.repositories ? { repositories: r.repositories } : {}),
  ...(r.environments ? { environments: r.environments } : {}),
}));

const specArb = fc.record({
  layout: fc.constantFrom(EnvironmentLayout.TAGS, EnvironmentLayout.REPOSITORIES, EnvironmentLayout.REGISTRIES),
  chainLength: fc.integer({ min: 0, max: 3 }),
  images: fc.subarray(IMAGES, { minLength: 1, maxLength: 4 }),
  cache: fc.boolean(),
  // Immutable tags without exceptions: builds and hops move no tag (except with the tags layout), so push's tag moves are beyond the model.
  immutable: fc.boolean(),
}).chain((base) => {
  const envs = ['dev', 'staging', 'prod'].slice(0, base.chainLength);
  return fc.record({
    pushers: fc.array(fc.nat(), { maxLength: 2 }).chain((a) => fc.tuple(...a.map((_, i) => identityArb(`ci${i}`, envs.slice(0, 1), base.images)))),
    pullers: fc.array(fc.nat(), { maxLength: 2 }).chain((a) => fc.tuple(...a.map((_, i) => identityArb(`run${i}`, envs, base.images)))),
    promoters: envs.length > 1
      ? fc.array(fc.nat(), { maxLength: 2 }).chain((a) => fc.tuple(...a.map((_, i) => identityArb(`promo${i}`, envs.slice(1), base.images))))
      : fc.constant([]),
  }).map(({ pushers, pullers, promoters }): RegistrySpec => ({
    name: 'platform',
    repositories: base.images.map((name) => ({ name })),
    ...(envs.length ? { environments: { layout: base.layout, chain: envs.map((name) => ({ name })) } } : {}),
    ...(base.immutable ? { tagPolicy: { immutable: true, mutableTags: [], strategy: TagStrategy.GIT_SHA } } : {}),
    ...(base.cache ? { upstreamCaches: [{ name: 'hub', upstream: UpstreamRegistry.QUAY }] } : {}),
    access: { pushers: [...pushers], pullers: [...pullers], promoters: [...promoters] },
  }));
});

describe('Harbor access: the evaluated robots equal the native matrix, which covers the model (fast-check, seeded)', () => {
  test('every identity x capability x repository, in and outside the spec\'s projects', () => {
    const counters = ['built', 'globs', 'envRestricted', 'caches', 'promoters', 'tagsWithEnvs', 'systemRobots', 'projectRobots', 'immutable'] as const;
    const seen = { ...Object.fromEntries(counters.map((k) => [k, 0])) as { [k in typeof counters[number]]: number }, layouts: new Set<string>() };
    const stats: Stats = { decisions: 0, allowed: 0, outsideDenied: 0, beyond: 0, operations: 0 };
    fc.assert(fc.property(specArb, (spec) => {
      const { json, robots } = synthesizeRobots(spec);
      seen.built++;
      seen.layouts.add(Naming.environmentNames(spec).length ? Naming.layout(spec) : 'none');
      const ids = [...spec.access!.pushers!, ...spec.access!.pullers!, ...spec.access!.promoters!];
      if (ids.some((i) => i.repositories)) seen.globs++;
      if (ids.some((i) => i.environments)) seen.envRestricted++;
      if (spec.upstreamCaches && spec.access!.pullers!.length) seen.caches++;
      if (spec.access!.promoters!.length) seen.promoters++;
      if (spec.tagPolicy) seen.immutable++;
      if (Naming.layout(spec) === EnvironmentLayout.TAGS && Naming.environmentNames(spec).length) seen.tagsWithEnvs++;
      if (robots.some((r) => r.level === 'system')) seen.systemRobots++;
      if (robots.some((r) => r.level === 'project')) seen.projectRobots++;
      expect(problems(spec, withDecoys(spec, json), stats)).toEqual([]);
    }), { seed: 20261216, numRuns: 200 });
    // The generators produced the interesting cases.
    expect([...seen.layouts].sort()).toEqual(['none', 'registries', 'repositories', 'tags']);
    for (const k of counters) expect([k, seen[k]]).toEqual([k, expect.any(Number)]);
    for (const k of ['globs', 'envRestricted', 'caches', 'promoters', 'tagsWithEnvs', 'systemRobots', 'projectRobots', 'immutable'] as const) expect([k, seen[k] > 10]).toEqual([k, true]);
    expect(stats.allowed).toBeGreaterThan(2000);
    expect(stats.outsideDenied).toBeGreaterThan(2000);
    expect(stats.beyond).toBeGreaterThan(500);
    // eslint-disable-next-line no-console
    console.log(`Harbor access: ${seen.built} specs, ${stats.decisions} decisions (${stats.allowed} allowed, ${stats.beyond} beyond the model and declared, `
      + `${stats.outsideDenied} denied in other projects), ${stats.operations} model operations allowed`);
  });
});

describe('negative controls: each mutation of the robots is caught', () => {
  const spec: RegistrySpec = {
    name: 'platform',
    repositories: [{ name: 'api' }, { name: 'api-gateway' }, { name: 'web' }],
    environments: { layout: EnvironmentLayout.REGISTRIES, chain: [{ name: 'dev' }, { name: 'staging' }, { name: 'prod' }] },
    upstreamCaches: [{ name: 'hub', upstream: UpstreamRegistry.QUAY }],
    access: {
      pushers: [{ name: 'ci', github: { repository: 'example/platform', branch: 'main' }, repositories: ['api'] }],
      pullers: [{ name: 'run', environments: ['prod'], github: { repository: 'example/platform', environment: 'prod' } }],
      promoters: [{ name: 'promo', github: { repository: 'example/platform', environment: 'prod' } }],
    },
  };
  const built = withDecoys(spec, synthesizeRobots(spec).json);
  const clone = () => JSON.parse(JSON.stringify(built));
  const robotOf = (json: any, identity: string) => json.resource.harbor_robot_account[`Robot-${identity}`];

  test('the unmodified robots pass; the CI robot is a project robot of platform-dev, the promoter a system robot of three projects', () => {
    expect(problems(spec, built)).toEqual([]);
    const access = new HarborAccess(built);
    expect(access.robots.map((r) => [r.fullName, r.level]).sort()).toEqual([
      ['robot$platform-dev+ci', 'project'], ['robot$platform-promo', 'system'], ['robot$platform-run', 'system'],
    ]);
    expect(access.can('robot$platform-dev+ci', Capability.WRITE, 'platform-dev/api')).toBe(true);
    expect(access.can('robot$platform-dev+ci', Capability.WRITE, 'platform-staging/api')).toBe(false);
    expect(access.can('robot$platform-promo', Capability.READ, 'platform-dev/api')).toBe(true);
    expect(access.can('robot$platform-promo', Capability.WRITE, 'platform-dev/api')).toBe(false);
    expect(access.can('robot$platform-run', Capability.CACHE_IMPORT, 'platform-hub/library/nginx')).toBe(true);
    expect(access.can('robot$platform-run', Capability.WRITE, 'platform-hub/library/nginx')).toBe(false);
  });

  test('widened to the `*` namespace (a system robot): every other project is reached, and caught', () => {
    const json = clone();
    robotOf(json, 'promo').permissions.find((p: any) => p.namespace === 'platform-prod').namespace = '*';
    expect(problems(spec, json)).toEqual(expect.arrayContaining([
      'promo write other/api: evaluated true, native matrix false',
      'promo write other/api: a project outside the spec',
      'promo: permission project * outside the spec\'s projects',
    ]));
  });

  test('widened to `*` on a project robot: Harbor refuses to create it, and so does the evaluator', () => {
    const json = clone();
    robotOf(json, 'ci').permissions[0].namespace = '*';
    expect(() => problems(spec, json)).toThrow(/harbor_robot_account.Robot-ci: Harbor refuses this robot: a project robot's permission names its project, got project \*/);
  });

  test('the pull on a promotion source dropped: the hop\'s source read is caught', () => {
    const json = clone();
    const robot = robotOf(json, 'promo');
    robot.permissions = robot.permissions.filter((p: any) => p.namespace !== 'platform-dev');
    expect(problems(spec, json)).toEqual(expect.arrayContaining([
      'promo read platform-dev/api: evaluated false, native matrix true',
      expect.stringMatching(/^operation not allowed: promo hop dev -> staging of api: read the source digest \(read on platform-dev\/api\)$/),
    ]));
  });

  test('a deny on pull for the promotion source (effect deny): caught', () => {
    const json = clone();
    const p = robotOf(json, 'promo').permissions.find((x: any) => x.namespace === 'platform-staging');
    p.access = [...p.access, { resource: 'repository', action: 'pull', effect: 'deny' }];
    expect(problems(spec, json)).toContainEqual('promo read platform-staging/api: evaluated false, native matrix true');
  });

  test('delete added (repository:delete, artifact:delete): caught as delete on every repository of the project', () => {
    for (const access of [{ resource: 'repository', action: 'delete' }, { resource: 'artifact', action: 'delete' }]) {
      const json = clone();
      robotOf(json, 'ci').permissions[0].access.push(access);
      expect(problems(spec, json)).toEqual(expect.arrayContaining(['ci delete platform-dev/api: evaluated true, native matrix false', 'ci may delete platform-dev/api']));
    }
  });

  test('a system-kind permission added to a system robot: admin, caught; on a project robot Harbor refuses it', () => {
    const json = clone();
    robotOf(json, 'run').permissions.push({ kind: 'system', namespace: '/', access: [{ resource: 'catalog', action: 'read' }] });
    expect(problems(spec, json)).toEqual(expect.arrayContaining(['run admin platform-prod/api: evaluated true, native matrix false', 'run: permission system / outside the spec\'s projects']));
    const onProject = clone();
    robotOf(onProject, 'ci').permissions.push({ kind: 'system', namespace: '/', access: [{ resource: 'catalog', action: 'read' }] });
    expect(() => problems(spec, onProject)).toThrow(/exactly one project permission/);
  });

  test('a project made public: every robot pulls it, caught', () => {
    const json = clone();
    json.resource.harbor_project['Project-platform-staging'].public = true;
    expect(problems(spec, json)).toContainEqual('ci read platform-staging/api: evaluated true, native matrix false');
  });

  test('a matrix row without its beyondModel, or with one it does not need, is caught (the tag moves of an immutable spec)', () => {
    const immutable: RegistrySpec = { ...spec, tagPolicy: { immutable: true, mutableTags: [], strategy: TagStrategy.GIT_SHA } };
    const json = withDecoys(immutable, synthesizeRobots(immutable).json);
    const rows = HarborAccessMatrix.of(immutable);
    const row = rows.find((r) => r.identity === 'ci' && r.resource === 'platform-dev/api')!;
    expect(row.capabilities).toEqual([Capability.READ, Capability.WRITE, Capability.MOVE_TAG]);
    expect(row.beyondModel).toMatch(/moves existing ones/);
    expect(problems(immutable, json)).toEqual([]);
    const hidden = rows.map((r) => (r === row ? { ...r, beyondModel: undefined } : r));
    expect(problems(immutable, json, undefined, hidden)).toEqual(expect.arrayContaining([
      'ci read platform-dev/api: allowed beyond the model, not declared', 'ci move-tag platform-dev/api: allowed beyond the model, not declared',
    ]));
    const exact = rows.find((r) => r.identity === 'run' && r.resource === 'platform-prod/api')!;
    expect(exact.beyondModel).toBeUndefined();
    const spurious = rows.map((r) => (r === exact ? { ...r, beyondModel: 'no reason' } : r));
    expect(problems(immutable, json, undefined, spurious)).toContainEqual('run platform-prod/api: declares "no reason" but allows nothing beyond the model');
  });
});
