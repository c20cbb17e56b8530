/**
 * Harbor access, proven like the other clouds', on what is DEPLOYED: over generated
 * specs (seeded), the real `harbor.ContainerRegistry` is synthesized (robot-stack.ts)
 * and its `harbor_robot_account` / `harbor_project` resources are evaluated the way
 * Harbor decides (harbor-access.ts, written from goharbor/harbor's source, sharing no
 * code with src/harbor):
 * - the deployed robots are exactly `HarborAccessMatrix.robots`: one PROJECT-level robot
 *   per (identity, project), named `robot$<project>+<identity>`, with the matrix's
 *   actions on that one project; no other robot and no system-level robot, ever (the
 *   issue: "no system-level robots unless asked");
 * - every operation of the access model is allowed by the identity's robot in the
 *   operation's project (the robot its programs log in with there);
 * - per robot, the evaluated decision equals the native matrix row of its identity when
 *   the row names that robot, for every capability x repository: the spec's repositories,
 *   repositories outside the spec in its projects (sharing prefixes), the identity's
 *   other projects (another robot's), and projects of the same instance the spec does not
 *   own (`other`, `<name>x`, `<project>-other`), which are never allowed;
 * - delete and admin never;
 * - the construct outputs each robot's `full_name` and sensitive `secret` as
 *   `HARBOR_ROBOT_NAME|SECRET_<IDENTITY>_<PROJECT>` of that very robot, and every robot
 *   variable and secret the generated promotion workflow reads is one of those outputs;
 * - what the robots allow beyond the model is exactly what the matrix declares: a
 *   capability beyond the model is allowed only on a row with `beyondModel`, and every
 *   row with `beyondModel` allows something beyond it.
 * Negative controls mutate the synthesized robots (widen a project robot to `*`, make a
 * robot system-level, remove or disable a promotion source's robot, move a robot to
 * another project, deny pull, add push or delete, add a system-kind permission, make a
 * project public), the matrix rows or the outputs, and each is caught (or refused, as
 * Harbor refuses it).
 *
 * The construct helper's property test (container-registry-access.test.ts: complete,
 * only pull/push, push only where the model writes, no robot where the model gives
 * nothing, project-level only) is folded in here: each of its checks is implied by the
 * deployed = matrix = evaluated equalities above, on a generator that also covers a
 * Docker Hub cache with a username, as it did.
 */
import * as fc from 'fast-check';
import { HarborAccess } from './harbor-access';
import { robotResource, synthesizeRobots } from './robot-stack';
import { HarborAccessEntry, HarborAccessMatrix } from '../../src/harbor/access-matrix';
import { ContainerRegistry } from '../../src/harbor/container-registry';
import { PromotionPlanner, PromotionWorkflow, WorkflowVariables } from '../../src/promotion';
import {
  AccessModel, AccessResource, AccessResourceKind, Capability, Cloud, EnvironmentLayout, IdentitySpec, NotificationEvent, RegistrySpec, TagStrategy,
  UpstreamRegistry,
} from '../../src/spec';
import { Naming } from '../../src/spec/naming';

const CAPABILITIES = [
  Capability.READ, Capability.WRITE, Capability.MOVE_TAG, Capability.DELETE, Capability.ADMIN, Capability.CACHE_IMPORT, Capability.READ_SCAN_RESULTS,
];
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
  /** Denied to a robot in another project of the spec (the project boundary between one identity's robots). */
  otherProjectDenied: number;
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

  // The deployed robots are the matrix's: one project robot per identity and project, named as Harbor names it, with the
  // matrix's actions on that project only; no other robot, and no system-level robot ever (the issue: "no system-level
  // robots unless asked"; a system robot is the only kind that may span projects, controller/robot/model.go:22-26).
  for (const state of access.robots) {
    if (state.level !== 'project') out.push(`${state.fullName}: a ${state.level}-level robot`);
    if (!robots.some((r) => r.fullName === state.fullName)) out.push(`${state.fullName}: deployed, but the matrix has no such robot`);
  }
  for (const robot of robots) {
    if (robot.level !== 'project') out.push(`${robot.identity}: the matrix makes a ${robot.level}-level robot`);
    if (robot.permissions.length !== 1) out.push(`${robot.identity}: ${robot.permissions.length} permissions on one project robot`);
    const state = access.robot(robot.fullName);
    if (!state) {
      out.push(`${robot.identity}: Harbor names no robot ${robot.fullName} (it has ${access.robots.map((r) => r.fullName).join(', ')})`);
      continue;
    }
    for (const p of state.permissions) {
      if (p.kind !== 'project' || !projects.has(p.namespace)) out.push(`${robot.identity}: permission ${p.kind} ${p.namespace} outside the spec's projects`);
    }
    const deployed = state.permissions.map((p) => `${p.namespace}: ${p.access.map((a) => `${a.resource}:${a.action}${a.effect === 'deny' ? ' (deny)' : ''}`).sort().join(', ')}`);
    const wanted = robot.permissions.map((p) => `${p.project}: ${p.actions.map((a) => `${a.resource}:${a.action}`).sort().join(', ')}`);
    if (JSON.stringify(deployed) !== JSON.stringify(wanted)) out.push(`${robot.fullName}: deployed ${JSON.stringify(deployed)}, matrix ${JSON.stringify(wanted)}`);
  }
  const identities = [...new Set(AccessModel.operations(spec).map((o) => o.identity))];
  for (const identity of identities) if (!robots.some((r) => r.identity === identity)) out.push(`${identity}: no robot`);

  // Per robot: what Harbor decides equals the matrix row of the robot's identity, if the row's robot is this robot.
  const beyondUsed = new Set<string>();
  for (const robot of robots) {
    for (const repository of [...universe].sort()) {
      const project = repository.split('/')[0];
      const row = rowFor(robot.identity, repository);
      const mine = row?.robot === robot.fullName ? row : undefined;
      for (const cap of CAPABILITIES) {
        const evaluated = access.can(robot.fullName, cap, repository);
        const native = mine?.capabilities.includes(cap) ?? false;
        if (stats) {
          stats.decisions++;
          if (evaluated) stats.allowed++;
          if (!projects.has(project) && !evaluated) stats.outsideDenied++;
          if (projects.has(project) && project !== robot.permissions[0].project && !evaluated) stats.otherProjectDenied++;
        }
        if (evaluated !== native) out.push(`${robot.fullName} ${cap} ${repository}: evaluated ${evaluated}, native matrix ${native}`);
        if (evaluated && (cap === Capability.DELETE || cap === Capability.ADMIN)) out.push(`${robot.fullName} may ${cap} ${repository}`);
        if (evaluated && !projects.has(project)) out.push(`${robot.fullName} ${cap} ${repository}: a project outside the spec`);
        if (evaluated && !modelAllows(robot.identity, repository, cap)) {
          if (stats) stats.beyond++;
          if (!mine?.beyondModel) out.push(`${robot.fullName} ${cap} ${repository}: allowed beyond the model, not declared`);
          else beyondUsed.add(mine.resource + robot.identity);
        }
      }
    }
  }
  // Every declared beyond-model row allows something beyond the model, and its robot says so.
  for (const row of matrix) {
    if (row.beyondModel && !beyondUsed.has(row.resource + row.identity)) out.push(`${row.identity} ${row.resource}: declares "${row.beyondModel}" but allows nothing beyond the model`);
    if (!robots.some((r) => r.fullName === row.robot && r.identity === row.identity && r.permissions[0].project === row.project)) out.push(`${row.identity} ${row.resource}: names robot ${row.robot}, which the matrix does not make`);
  }
  for (const robot of robots) {
    const declared = matrix.some((r) => r.robot === robot.fullName && r.beyondModel);
    if (declared !== robot.beyondModel.length > 0) out.push(`${robot.fullName}: robot beyondModel ${JSON.stringify(robot.beyondModel)} disagrees with its rows`);
  }

  // Every operation of the model is allowed by its identity's robot in the operation's project (the one its programs log in with).
  for (const op of AccessModel.operations(spec)) {
    if (stats) stats.operations++;
    // Publishing a promotion report (issue 19) is the workflow's POST to the PROMOTION_WEBHOOK_URL secret: the secret is the
    // permission, so no robot has it (webhookProblems checks the workflow reads that secret and that robots gain nothing).
    if (op.capability === Capability.PUBLISH_NOTIFICATION) continue;
    const project = op.resource.kind === AccessResourceKind.CACHE
      ? Naming.harborCacheProjectName(spec, op.resource.name)
      : Naming.harborProjectName(spec, op.resource.environment || undefined);
    const repository = op.resource.kind === AccessResourceKind.CACHE
      ? `${project}/library/nginx`
      : `${project}/${Naming.harborRepositoryPath(spec, op.resource.name, op.resource.environment || undefined)}`;
    const robot = robots.find((r) => r.identity === op.identity && r.permissions[0].project === project);
    if (!robot || !access.can(robot.fullName, op.capability, repository)) out.push(`operation not allowed: ${op.identity} ${op.step} (${op.capability} on ${repository})`);
  }
  return out;
}

/**
 * The construct's robot outputs and the workflow's robot variables: the outputs are
 * exactly one `HARBOR_ROBOT_NAME_<IDENTITY>_<PROJECT>` (the robot's `full_name`) and one
 * sensitive `HARBOR_ROBOT_SECRET_<IDENTITY>_<PROJECT>` (its `secret`) per matrix robot,
 * each referring to that identity's robot in that project; every robot variable and
 * secret the generated promotion workflow reads is one of them. `workflow`: the
 * workflow's variables and secrets, when the spec has a promotion plan.
 */
function outputProblems(spec: RegistrySpec, json: any, workflow?: { variables: string[]; secrets: string[] }): string[] {
  const out: string[] = [];
  const outputs: Record<string, any> = json.output ?? {};
  const resources: Record<string, any> = json.resource.harbor_robot_account ?? {};
  const refers = (value: unknown, attribute: string): any => {
    const m = /^\$\{harbor_robot_account\.([^.]+)\.([a-z_]+)\}$/.exec(String(value));
    return m && m[2] === attribute ? resources[m[1]] : undefined;
  };
  const expected = new Set<string>();
  for (const robot of HarborAccessMatrix.robots(spec)) {
    const project = robot.permissions[0].project;
    for (const [name, attribute, sensitive] of [
      [WorkflowVariables.harborRobotName(robot.identity, project), 'full_name', false],
      [WorkflowVariables.harborRobotSecret(robot.identity, project), 'secret', true],
    ] as const) {
      expected.add(name);
      const o = outputs[name];
      const resource = o && refers(o.value, attribute);
      if (!resource) out.push(`${name}: no output of ${robot.fullName}'s ${attribute} (${JSON.stringify(o?.value)})`);
      else if (resource.name !== robot.identity || resource.permissions[0].namespace !== project) out.push(`${name}: refers to robot ${resource.name} in ${resource.permissions[0].namespace}`);
      if (o && (o.sensitive === true) !== sensitive) out.push(`${name}: sensitive ${o.sensitive}`);
    }
  }
  for (const name of Object.keys(outputs).filter((n) => n.startsWith('HARBOR_ROBOT_'))) if (!expected.has(name)) out.push(`${name}: an output for no matrix robot`);
  for (const name of [...workflow?.variables ?? [], ...workflow?.secrets ?? []].filter((n) => n.startsWith('HARBOR_ROBOT_'))) {
    if (!expected.has(name)) out.push(`the workflow reads ${name}, which the construct does not output`);
  }
  return out;
}

/** The webhook address the generated specs' notifications go to. */
const HOOK = 'https://events.acme.example/harbor';

/**
 * Issue 19: what notifications create on Harbor, checked against the spec. One project webhook per project of the
 * spec with exactly the Harbor event types of its events, to the given address only, certificate verified; none for
 * a cache project; no robot and no robot permission of their own (the robots equal the spec's without notifications);
 * the promoters that report promotions do it with the PROMOTION_WEBHOOK_URL secret, which the workflow reads.
 */
function webhookProblems(
  spec: RegistrySpec, json: any, workflow?: { variables: string[]; secrets: string[] }, stats?: { hooks: number; reports: number },
): string[] {
  const out: string[] = [];
  const events = spec.notifications?.events ?? [];
  const types = ContainerRegistry.webhookEventTypes(events);
  // The spec's projects (not the proxy-cache projects, nor the decoys withDecoys adds).
  const projects = Object.entries<any>(json.resource?.harbor_project ?? {}).filter(([address, p]) => p.registry_id === undefined && !address.startsWith('decoy-'));
  const hooks = Object.values<any>(json.resource?.harbor_project_webhook ?? {});
  const expected = types.length ? projects.length : 0;
  if (hooks.length !== expected) out.push(`${hooks.length} project webhooks, expected ${expected} (one per project with events ${types.join(', ') || 'none'})`);
  for (const h of hooks) {
    const project = /^\$\{harbor_project\.([^.]+)\.id\}$/.exec(String(h.project_id))?.[1];
    if (!project || !projects.some(([address]) => address === project)) out.push(`a webhook on ${h.project_id}, which is no project of the spec`);
    if (h.address !== HOOK) out.push(`a webhook to ${h.address}, not the given address`);
    if (h.skip_cert_verify !== false) out.push(`a webhook that does not verify ${h.address}'s certificate`);
    if (JSON.stringify([...h.events_types].sort()) !== JSON.stringify([...types].sort())) out.push(`a webhook for ${h.events_types.join(', ')}, expected ${types.join(', ')}`);
    if (stats) stats.hooks++;
  }
  if (new Set(hooks.map((h) => h.project_id)).size !== hooks.length) out.push('two webhooks on one project');
  // Notifications grant no robot anything.
  const without = HarborAccessMatrix.robots({ ...spec, notifications: undefined });
  if (JSON.stringify(HarborAccessMatrix.robots(spec)) !== JSON.stringify(without)) out.push('the robots differ with notifications');
  const reporters = AccessModel.promotionReporters(spec);
  if (workflow && reporters.length) {
    if (!workflow.secrets.includes(WorkflowVariables.notification(Cloud.HARBOR))) out.push(`the workflow of promotion reporters ${reporters.join(', ')} reads no ${WorkflowVariables.notification(Cloud.HARBOR)} secret`);
    else if (stats) stats.reports++;
  }
  if (workflow && !reporters.length && workflow.secrets.includes(WorkflowVariables.notification(Cloud.HARBOR))) out.push('the workflow reads the promotion webhook without promotion reports');
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
  dockerHub: fc.boolean(),
  // Immutable tags without exceptions: builds and hops move no tag (except with the tags layout), so push's tag moves are beyond the model.
  immutable: fc.boolean(),
  // One identity in two roles (a puller that is also the CI, or also a promoter; a pusher may not promote): its robots merge the roles' grants per project.
  shared: fc.constantFrom('none', 'ci0', 'promo0'),
  // Issue 19: registry events (project webhooks) and promotion reports.
  notify: fc.constantFrom('none', 'none', 'events', 'all', 'promotion'),
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
    ...(base.cache ? { upstreamCaches: [base.dockerHub ? { name: 'hub', upstream: UpstreamRegistry.DOCKER_HUB, username: 'bot' } : { name: 'hub', upstream: UpstreamRegistry.QUAY }] } : {}),
    access: {
      pushers: [...pushers],
      pullers: pullers.map((p, i) => (i === 0 && [...pushers, ...promoters].some((x) => x.name === base.shared) ? { ...p, name: base.shared } : p)),
      promoters: [...promoters],
    },
    ...(base.notify === 'none' ? {} : {
      notifications: {
        events: base.notify === 'events' ? [NotificationEvent.PUSH, NotificationEvent.RETENTION_DELETION] : base.notify === 'promotion' ? [NotificationEvent.PROMOTION]
          : [NotificationEvent.PUSH, NotificationEvent.SCAN_FINDING, NotificationEvent.RETENTION_DELETION, NotificationEvent.PROMOTION],
      },
    }),
  }));
});

describe('Harbor access: the deployed robots, evaluated, equal the native matrix, which covers the model (fast-check, seeded)', () => {
  test('every robot x capability x repository, in and outside the spec\'s projects', () => {
    const counters = ['built', 'globs', 'envRestricted', 'caches', 'promoters', 'tagsWithEnvs', 'multiProjectIdentities', 'immutable', 'dockerHubCache', 'sharedIdentity', 'workflows'] as const;
    const seen = { ...Object.fromEntries(counters.map((k) => [k, 0])) as { [k in typeof counters[number]]: number }, layouts: new Set<string>() };
    const stats: Stats = { decisions: 0, allowed: 0, outsideDenied: 0, beyond: 0, operations: 0, otherProjectDenied: 0 };
    let robotCount = 0;
    let maxPerIdentity = 0;
    let workflowRobotVariables = 0;
    const webhookStats = { hooks: 0, reports: 0, notifying: 0 };
    const webhookControls = { address: 0, certificate: 0, robot: 0 };
    fc.assert(fc.property(specArb, (spec) => {
      const { json, robots } = synthesizeRobots(spec, spec.notifications ? { webhookAddress: HOOK } : {});
      seen.built++;
      robotCount += robots.length;
      seen.layouts.add(Naming.environmentNames(spec).length ? Naming.layout(spec) : 'none');
      const ids = [...spec.access!.pushers!, ...spec.access!.pullers!, ...spec.access!.promoters!];
      if (ids.some((i) => i.repositories)) seen.globs++;
      if (ids.some((i) => i.environments)) seen.envRestricted++;
      if (spec.upstreamCaches && spec.access!.pullers!.length) seen.caches++;
      if (spec.upstreamCaches?.[0].upstream === UpstreamRegistry.DOCKER_HUB) seen.dockerHubCache++;
      if (spec.access!.promoters!.length) seen.promoters++;
      if (spec.tagPolicy) seen.immutable++;
      if (new Set(ids.map((i) => i.name)).size < ids.length) seen.sharedIdentity++;
      if (Naming.layout(spec) === EnvironmentLayout.TAGS && Naming.environmentNames(spec).length) seen.tagsWithEnvs++;
      const perIdentity = ids.map((i) => robots.filter((r) => r.identity === i.name).length);
      maxPerIdentity = Math.max(maxPerIdentity, ...perIdentity);
      if (perIdentity.some((n) => n > 1)) seen.multiProjectIdentities++;
      // No system-level robot ever, in the matrix or in what the construct deploys.
      expect(robots.filter((r) => r.level !== 'project')).toEqual([]);
      expect(Object.values<any>(json.resource.harbor_robot_account ?? {}).filter((r) => r.level !== 'project')).toEqual([]);
      expect(problems(spec, withDecoys(spec, json), stats)).toEqual([]);
      // The robots' outputs, and the promotion workflow's robot variables and secrets, for the specs the workflow generator takes
      // (it needs a pusher of the first environment and a promoter for every hop; it refuses the others with its own error).
      let workflow: { variables: string[]; secrets: string[] } | undefined;
      try {
        workflow = PromotionWorkflow.generate(PromotionPlanner.plan(spec, { cloud: Cloud.HARBOR }));
        seen.workflows++;
        workflowRobotVariables += workflow.variables.filter((v) => v.startsWith('HARBOR_ROBOT_NAME_')).length;
      } catch (e) {
        if (!/^Cannot generate the promotion workflow|^Cannot plan promotion/.test((e as Error).message)) throw e;
      }
      expect(outputProblems(spec, json, workflow)).toEqual([]);
      expect(webhookProblems(spec, json, workflow, webhookStats)).toEqual([]);
      if (spec.notifications) webhookStats.notifying++;
      // Negative controls (issue 19): a webhook to another address, one that skips certificate checks, a robot permission for the reports.
      const hooks = Object.values<any>(json.resource.harbor_project_webhook ?? {});
      if (hooks.length && webhookControls.address < 3) {
        const copy = JSON.parse(JSON.stringify(json));
        Object.values<any>(copy.resource.harbor_project_webhook)[0].address = 'https://attacker.example/hook';
        expect(webhookProblems(spec, copy).join('\n')).toMatch(/a webhook to https:\/\/attacker\.example\/hook, not the given address/);
        webhookControls.address++;
      }
      if (hooks.length && webhookControls.certificate < 3) {
        const copy = JSON.parse(JSON.stringify(json));
        Object.values<any>(copy.resource.harbor_project_webhook)[0].skip_cert_verify = true;
        expect(webhookProblems(spec, copy).join('\n')).toMatch(/does not verify/);
        webhookControls.certificate++;
      }
      const reporter = AccessModel.promotionReporters(spec)[0];
      const reporterRobot = reporter && Object.values<any>(json.resource.harbor_robot_account ?? {}).find((r) => r.name === reporter);
      if (reporterRobot && webhookControls.robot < 3) {
        // A robot allowed to manage the project's webhooks (Harbor's notification-policy resource) is caught by the access check.
        const copy = JSON.parse(JSON.stringify(json));
        Object.values<any>(copy.resource.harbor_robot_account).find((r) => r.name === reporter).permissions[0].access.push({ resource: 'notification-policy', action: 'create' });
        expect(problems(spec, withDecoys(spec, copy)).join('\n')).toMatch(new RegExp(`robot\\$[^ ]*\\+${reporter}: deployed .*notification-policy:create`));
        webhookControls.robot++;
      }
    }), { seed: 20261216, numRuns: 200 });
    // Issue 19: webhooks and promotion reports were generated and checked, and each negative control ran.
    expect(webhookStats.notifying).toBeGreaterThan(40);
    expect(webhookStats.hooks).toBeGreaterThan(40);
    expect(webhookStats.reports).toBeGreaterThan(10);
    expect(webhookControls).toEqual({ address: 3, certificate: 3, robot: 3 });
    // The generators produced the interesting cases.
    expect([...seen.layouts].sort()).toEqual(['none', 'registries', 'repositories', 'tags']);
    for (const k of counters) expect([k, seen[k] > 10]).toEqual([k, true]);
    expect(maxPerIdentity).toBeGreaterThanOrEqual(3);
    expect(workflowRobotVariables).toBeGreaterThan(100);
    expect(stats.allowed).toBeGreaterThan(2000);
    expect(stats.outsideDenied).toBeGreaterThan(2000);
    expect(stats.otherProjectDenied).toBeGreaterThan(1000);
    expect(stats.beyond).toBeGreaterThan(500);
    // eslint-disable-next-line no-console
    console.log(`Harbor access (deployed harbor.ContainerRegistry): ${seen.built} specs, ${robotCount} project robots (up to ${maxPerIdentity} per identity, `
      + `${seen.multiProjectIdentities} specs with an identity in several projects, 0 system-level), ${stats.decisions} decisions (${stats.allowed} allowed, `
      + `${stats.beyond} beyond the model and declared, ${stats.otherProjectDenied} denied in the spec's other projects, ${stats.outsideDenied} denied in projects `
      + `outside the spec), ${stats.operations} model operations allowed; ${seen.workflows} promotion workflows read ${workflowRobotVariables} robot `
      + 'name variables, each a construct output of the right robot');
  });
});

describe('the robots\' reasons, computed without the rows (what synthesis uses), equal those computed with them (fast-check, seeded)', () => {
  test('HarborAccessMatrix robots: the reasons walk without rows gives the reasons of the walk that builds the rows', () => {
    type Built = { rows: HarborAccessEntry[]; reasons: Map<string, string[]> };
    const compute = (HarborAccessMatrix as any).computeBuild as (spec: RegistrySpec, prefix: string, withRows: boolean) => Built;
    let beyond = 0;
    fc.assert(fc.property(specArb, (spec) => {
      const full = compute(spec, 'robot$', true);
      const lean = compute(spec, 'robot$', false);
      expect(lean.rows).toEqual([]);
      expect([...lean.reasons]).toEqual([...full.reasons]);
      beyond += [...full.reasons.values()].filter((r) => r.length > 0).length;
    }), { seed: 20261201, numRuns: 150 });
    expect(beyond).toBeGreaterThan(100);
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
  const robotOf = (json: any, identity: string, project: string) => robotResource(json, identity, project);
  const keyOf = (json: any, identity: string, project: string) => Object.entries<any>(json.resource.harbor_robot_account)
    .find(([, r]) => r === robotOf(json, identity, project))![0];
  const projectOf = (json: any, name: string) => Object.values<any>(json.resource.harbor_project).find((p) => p.name === name);

  test('the unmodified deployed robots pass: one project robot per identity and project, none system-level', () => {
    expect(problems(spec, built)).toEqual([]);
    const access = new HarborAccess(built);
    expect(access.robots.map((r) => [r.fullName, r.level, r.permissions.map((p) => `${p.namespace}:${p.access.map((x) => x.action).join('+')}`)]).sort()).toEqual([
      ['robot$platform-dev+ci', 'project', ['platform-dev:pull+push']],
      ['robot$platform-dev+promo', 'project', ['platform-dev:pull']],
      ['robot$platform-hub+run', 'project', ['platform-hub:pull']],
      ['robot$platform-prod+promo', 'project', ['platform-prod:pull+push']],
      ['robot$platform-prod+run', 'project', ['platform-prod:pull']],
      ['robot$platform-staging+promo', 'project', ['platform-staging:pull+push']],
    ]);
    expect(access.can('robot$platform-dev+ci', Capability.WRITE, 'platform-dev/api')).toBe(true);
    expect(access.can('robot$platform-dev+ci', Capability.WRITE, 'platform-staging/api')).toBe(false);
    // Each of the promoter's robots acts in its own project only: the dev robot reads dev and nothing else.
    expect(access.can('robot$platform-dev+promo', Capability.READ, 'platform-dev/api')).toBe(true);
    expect(access.can('robot$platform-dev+promo', Capability.WRITE, 'platform-dev/api')).toBe(false);
    expect(access.can('robot$platform-dev+promo', Capability.READ, 'platform-staging/api')).toBe(false);
    expect(access.can('robot$platform-staging+promo', Capability.WRITE, 'platform-staging/api')).toBe(true);
    expect(access.can('robot$platform-staging+promo', Capability.READ, 'platform-prod/api')).toBe(false);
    expect(access.can('robot$platform-hub+run', Capability.CACHE_IMPORT, 'platform-hub/library/nginx')).toBe(true);
    expect(access.can('robot$platform-hub+run', Capability.WRITE, 'platform-hub/library/nginx')).toBe(false);
    expect(access.can('robot$platform-hub+run', Capability.READ, 'platform-prod/api')).toBe(false);
  });

  test('widened to `*` on a project robot: Harbor refuses to create it, and so does the evaluator', () => {
    const json = clone();
    robotOf(json, 'ci', 'platform-dev').permissions[0].namespace = '*';
    expect(() => problems(spec, json)).toThrow(/Harbor refuses this robot: a project robot's permission names its project, got project \*/);
  });

  test('made a system-level robot with the `*` namespace (what only an administrator may create): every other project is reached, and caught', () => {
    const json = clone();
    const robot = robotOf(json, 'promo', 'platform-prod');
    robot.level = 'system';
    robot.permissions[0].namespace = '*';
    expect(problems(spec, json)).toEqual(expect.arrayContaining([
      'robot$promo: a system-level robot',
      'robot$promo: deployed, but the matrix has no such robot',
      expect.stringMatching(/^promo: Harbor names no robot robot\$platform-prod\+promo/),
      expect.stringMatching(/^operation not allowed: promo hop staging -> prod of api: .* \(write on platform-prod\/api\)$/),
    ]));
    // And what that robot could do, evaluated: write into every project of the instance.
    expect(new HarborAccess(json).can('robot$promo', Capability.WRITE, 'other/api')).toBe(true);
  });

  test('the same permissions on a system-level robot (one project robot made system-level): caught, though it reaches no more', () => {
    const json = clone();
    robotOf(json, 'run', 'platform-prod').level = 'system';
    expect(problems(spec, json)).toEqual(expect.arrayContaining(['robot$run: a system-level robot', 'robot$run: deployed, but the matrix has no such robot']));
  });

  test('the promoter\'s robot in a source project removed, or disabled: the hop\'s source read is caught', () => {
    for (const edit of [(json: any) => delete json.resource.harbor_robot_account[keyOf(json, 'promo', 'platform-dev')],
      (json: any) => { robotOf(json, 'promo', 'platform-dev').disable = true; }]) {
      const json = clone();
      edit(json);
      expect(problems(spec, json)).toEqual(expect.arrayContaining([
        expect.stringMatching(/^(promo: Harbor names no robot robot\$platform-dev\+promo|robot\$platform-dev\+promo read platform-dev\/api: evaluated false, native matrix true)/),
        expect.stringMatching(/^operation not allowed: promo hop dev -> staging of api: read the source digest \(read on platform-dev\/api\)$/),
      ]));
    }
  });

  test('a robot moved to the wrong project (the dev robot\'s permission on staging): Harbor names it for staging, where promo already has one', () => {
    const json = clone();
    robotOf(json, 'promo', 'platform-dev').permissions[0].namespace = 'platform-prod';
    expect(() => problems(spec, json)).toThrow(/two robots are named robot\$platform-prod\+promo/);
    const renamed = clone();
    const robot = robotOf(renamed, 'run', 'platform-hub');
    robot.permissions[0].namespace = 'platform-staging';
    expect(problems(spec, renamed)).toEqual(expect.arrayContaining([
      'robot$platform-staging+run: deployed, but the matrix has no such robot',
      expect.stringMatching(/^operation not allowed: run pull through the hub cache/),
    ]));
  });

  test('a deny on pull in the promotion source (effect deny): caught', () => {
    const json = clone();
    const p = robotOf(json, 'promo', 'platform-staging').permissions[0];
    p.access = [...p.access, { resource: 'repository', action: 'pull', effect: 'deny' }];
    expect(problems(spec, json)).toContainEqual('robot$platform-staging+promo read platform-staging/api: evaluated false, native matrix true');
  });

  test('push added where the identity only reads (the promoter\'s robot in the first environment): caught as a write beyond the matrix', () => {
    const json = clone();
    robotOf(json, 'promo', 'platform-dev').permissions[0].access.push({ resource: 'repository', action: 'push' });
    expect(problems(spec, json)).toEqual(expect.arrayContaining([
      'robot$platform-dev+promo write platform-dev/api: evaluated true, native matrix false',
      expect.stringMatching(/^robot\$platform-dev\+promo: deployed .*, matrix/),
    ]));
  });

  test('delete added (repository:delete, artifact:delete): caught as delete on every repository of the project', () => {
    for (const access of [{ resource: 'repository', action: 'delete' }, { resource: 'artifact', action: 'delete' }]) {
      const json = clone();
      robotOf(json, 'ci', 'platform-dev').permissions[0].access.push(access);
      expect(problems(spec, json)).toEqual(expect.arrayContaining([
        'robot$platform-dev+ci delete platform-dev/api: evaluated true, native matrix false', 'robot$platform-dev+ci may delete platform-dev/api',
      ]));
    }
  });

  test('a system-kind permission: Harbor refuses it on a project robot; on a system-level robot it is admin, caught', () => {
    const onProject = clone();
    robotOf(onProject, 'ci', 'platform-dev').permissions.push({ kind: 'system', namespace: '/', access: [{ resource: 'catalog', action: 'read' }] });
    expect(() => problems(spec, onProject)).toThrow(/exactly one project permission/);
    const json = clone();
    const robot = robotOf(json, 'run', 'platform-prod');
    robot.level = 'system';
    robot.permissions.push({ kind: 'system', namespace: '/', access: [{ resource: 'catalog', action: 'read' }] });
    expect(problems(spec, json)).toEqual(expect.arrayContaining(['robot$run: a system-level robot', 'robot$run: deployed, but the matrix has no such robot']));
    expect(new HarborAccess(json).can('robot$run', Capability.ADMIN, 'platform-prod/api')).toBe(true);
  });

  test('a project made public: every robot pulls it, caught', () => {
    const json = clone();
    projectOf(json, 'platform-staging').public = true;
    expect(problems(spec, json)).toContainEqual('robot$platform-dev+ci read platform-staging/api: evaluated true, native matrix false');
  });

  test('the robot outputs and the workflow\'s robot variables: unmodified they agree; a swapped, missing or non-sensitive output, or a variable for no robot, is caught', () => {
    const workflow = PromotionWorkflow.generate(PromotionPlanner.plan(spec, { cloud: Cloud.HARBOR }));
    expect(workflow.variables.filter((v) => v.startsWith('HARBOR_ROBOT_'))).toEqual([
      'HARBOR_ROBOT_NAME_CI_PLATFORM_DEV', 'HARBOR_ROBOT_NAME_PROMO_PLATFORM_DEV', 'HARBOR_ROBOT_NAME_PROMO_PLATFORM_PROD', 'HARBOR_ROBOT_NAME_PROMO_PLATFORM_STAGING',
    ]);
    expect(outputProblems(spec, built, workflow)).toEqual([]);
    const swapped = clone();
    const [a, b] = ['HARBOR_ROBOT_NAME_PROMO_PLATFORM_DEV', 'HARBOR_ROBOT_NAME_PROMO_PLATFORM_STAGING'];
    [swapped.output[a].value, swapped.output[b].value] = [swapped.output[b].value, swapped.output[a].value];
    expect(outputProblems(spec, swapped, workflow)).toEqual([`${a}: refers to robot promo in platform-staging`, `${b}: refers to robot promo in platform-dev`]);
    const missing = clone();
    delete missing.output.HARBOR_ROBOT_SECRET_PROMO_PLATFORM_PROD;
    expect(outputProblems(spec, missing, workflow)).toEqual([expect.stringMatching(/^HARBOR_ROBOT_SECRET_PROMO_PLATFORM_PROD: no output of robot\$platform-prod\+promo's secret/)]);
    const plain = clone();
    delete plain.output.HARBOR_ROBOT_SECRET_CI_PLATFORM_DEV.sensitive;
    expect(outputProblems(spec, plain, workflow)).toEqual(['HARBOR_ROBOT_SECRET_CI_PLATFORM_DEV: sensitive undefined']);
    // A workflow that logs in as a system-level robot (one name per identity) reads variables no construct output gives.
    expect(outputProblems(spec, built, { variables: [...workflow.variables, 'HARBOR_ROBOT_NAME_PROMO'], secrets: [...workflow.secrets, 'HARBOR_ROBOT_SECRET_PROMO'] })).toEqual([
      'the workflow reads HARBOR_ROBOT_NAME_PROMO, which the construct does not output', 'the workflow reads HARBOR_ROBOT_SECRET_PROMO, which the construct does not output',
    ]);
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
      'robot$platform-dev+ci read platform-dev/api: allowed beyond the model, not declared', 'robot$platform-dev+ci move-tag platform-dev/api: allowed beyond the model, not declared',
    ]));
    const exact = rows.find((r) => r.identity === 'run' && r.resource === 'platform-prod/api')!;
    expect(exact.beyondModel).toBeUndefined();
    const spurious = rows.map((r) => (r === exact ? { ...r, beyondModel: 'no reason' } : r));
    expect(problems(immutable, json, undefined, spurious)).toContainEqual('run platform-prod/api: declares "no reason" but allows nothing beyond the model');
    // A row that names another project's robot (the promoter's dev robot for a staging row): caught both ways.
    const moved = rows.map((r) => (r.identity === 'promo' && r.resource === 'platform-staging/api' ? { ...r, robot: 'robot$platform-dev+promo' } : r));
    expect(problems(immutable, json, undefined, moved)).toEqual(expect.arrayContaining([
      'promo platform-staging/api: names robot robot$platform-dev+promo, which the matrix does not make',
      'robot$platform-staging+promo write platform-staging/api: evaluated true, native matrix false',
    ]));
  });
});
