import { HarborAccess } from './harbor-access';
import { synthesizeRobots } from './robot-stack';
import { HarborAccessMatrix, HarborRobotActions, HarborRobotLevel } from '../../src/harbor/access-matrix';
import { AccessModel, Capability, EnvironmentLayout, NotificationEvent, RegistrySpec, TagStrategy, UpstreamRegistry } from '../../src/spec';
import { Naming } from '../../src/spec/naming';

const PULL = { resource: 'repository', action: 'pull' };
const PUSH = { resource: 'repository', action: 'push' };

function specOf(layout: EnvironmentLayout, extra: Partial<RegistrySpec> = {}): RegistrySpec {
  return {
    name: 'platform',
    repositories: [{ name: 'api' }, { name: 'web' }],
    environments: { layout, chain: [{ name: 'dev' }, { name: 'staging' }, { name: 'prod' }] },
    access: {
      pushers: [{ name: 'ci', github: { repository: 'example/platform', branch: 'main' } }],
      promoters: [{ name: 'promote-prod', environments: ['prod'], github: { repository: 'example/platform', environment: 'prod' } }],
      pullers: [{ name: 'runtime', environments: ['prod'], repositories: ['api'], github: { repository: 'example/platform', environment: 'prod' } }],
    },
    ...extra,
  };
}

describe('HarborAccessMatrix.robots: the least robot permissions per identity and project', () => {
  test('registries layout: one project per environment; an identity gets one PROJECT robot in each project it needs, never a system robot', () => {
    const robots = HarborAccessMatrix.robots(specOf(EnvironmentLayout.REGISTRIES));
    expect(robots.map((r) => [r.identity, r.name, r.level, r.fullName, r.permissions])).toEqual([
      // The build pushes to the first environment only: pull + push on platform-dev.
      ['ci', 'ci', HarborRobotLevel.PROJECT, 'robot$platform-dev+ci', [{ project: 'platform-dev', actions: [PULL, PUSH] }]],
      // The staging -> prod hop: read and write the destination (pull + push) with the destination's robot ...
      ['promote-prod', 'promote-prod', HarborRobotLevel.PROJECT, 'robot$platform-prod+promote-prod', [{ project: 'platform-prod', actions: [PULL, PUSH] }]],
      // ... and read the source (pull) with the source's robot (Harbor: "to create a project robot, the permission must be only one project scope").
      ['promote-prod', 'promote-prod', HarborRobotLevel.PROJECT, 'robot$platform-staging+promote-prod', [{ project: 'platform-staging', actions: [PULL] }]],
      ['runtime', 'runtime', HarborRobotLevel.PROJECT, 'robot$platform-prod+runtime', [{ project: 'platform-prod', actions: [PULL] }]],
    ]);
    // The matrix rows name the robot that holds them: the source rows the source project's robot.
    const rows = HarborAccessMatrix.of(specOf(EnvironmentLayout.REGISTRIES)).filter((r) => r.identity === 'promote-prod');
    expect([...new Set(rows.map((r) => `${r.project} ${r.robot} ${r.grantedAs.join('+')}`))].sort()).toEqual([
      'platform-prod robot$platform-prod+promote-prod repository:pull+repository:push',
      'platform-staging robot$platform-staging+promote-prod repository:pull',
    ]);
    // The source robot's reasons are its own project's: it reaches platform-staging's repositories outside the spec, and writes nothing.
    expect(robots[2].beyondModel).toEqual(['Harbor robot permissions are per project: every repository of platform-staging outside the spec, including repositories pushed later']);
  });

  test('repositories and tags layouts: one project, so every robot is a project robot of it; its reach beyond the model is declared', () => {
    for (const layout of [EnvironmentLayout.REPOSITORIES, EnvironmentLayout.TAGS]) {
      const robots = HarborAccessMatrix.robots(specOf(layout));
      expect(robots.map((r) => [r.fullName, r.permissions.map((p) => p.project)])).toEqual([
        ['robot$platform+ci', ['platform']], ['robot$platform+promote-prod', ['platform']], ['robot$platform+runtime', ['platform']],
      ]);
      const runtime = robots.find((r) => r.identity === 'runtime')!;
      expect(runtime.permissions[0].actions).toEqual([PULL]);
      expect(runtime.beyondModel).toContainEqual(expect.stringMatching(/every repository of platform outside the spec/));
      if (layout === EnvironmentLayout.REPOSITORIES) {
        // The puller reads prod/api only; the project permission reaches the other environments and images.
        expect(runtime.beyondModel).toContainEqual(
          'Harbor robot permissions are per project: the permission on platform also reaches dev/api, dev/web, staging/api, staging/web, prod/web, which the identity\'s programs do not use');
        // The promoter's push on platform also writes the source environment it only reads.
        expect(robots.find((r) => r.identity === 'promote-prod')!.beyondModel).toContainEqual(
          'Harbor robot permissions are per project: the push on platform also writes (and moves tags in) staging/api, staging/web, which the identity\'s programs only read');
      } else {
        // Tags layout: the puller's only other repository is web.
        expect(runtime.beyondModel).toContainEqual(expect.stringMatching(/also reaches web, which/));
      }
    }
  });

  test('caches: a puller pulls (and so imports) through the proxy-cache project <name>-<cache>', () => {
    const spec = specOf(EnvironmentLayout.REGISTRIES, { upstreamCaches: [{ name: 'hub', upstream: UpstreamRegistry.DOCKER_HUB }] });
    expect(Naming.harborCacheProjectName(spec, 'hub')).toBe('platform-hub');
    const runtime = HarborAccessMatrix.robots(spec).find((r) => r.identity === 'runtime')!;
    const runtimes = HarborAccessMatrix.robots(spec).filter((r) => r.identity === 'runtime');
    expect(runtimes.map((r) => [r.level, r.fullName, r.permissions])).toEqual([
      [HarborRobotLevel.PROJECT, 'robot$platform-hub+runtime', [{ project: 'platform-hub', actions: [PULL] }]],
      [HarborRobotLevel.PROJECT, 'robot$platform-prod+runtime', [{ project: 'platform-prod', actions: [PULL] }]],
    ]);
    expect(runtime.beyondModel).toEqual([]);
    const row = HarborAccessMatrix.of(spec).find((r) => r.identity === 'runtime' && r.project === 'platform-hub')!;
    expect(row).toMatchObject({ repository: '*', capabilities: [Capability.READ, Capability.CACHE_IMPORT], grantedAs: ['repository:pull'] });
    expect(row.beyondModel).toBeUndefined();
  });

  test('no identity gets delete, admin, a system-kind permission or the * namespace; an identity without operations gets no robot', () => {
    const spec = specOf(EnvironmentLayout.REGISTRIES, {
      access: {
        pushers: [{ name: 'ci', github: { repository: 'example/platform', branch: 'main' } }],
        // A promoter of the first environment performs no hop.
        promoters: [{ name: 'idle', environments: ['dev'], github: { repository: 'example/platform', environment: 'dev' } }],
      },
    });
    const robots = HarborAccessMatrix.robots(spec);
    expect(robots.map((r) => r.identity)).toEqual(['ci']);
    const actions = HarborAccessMatrix.robots(specOf(EnvironmentLayout.REPOSITORIES)).flatMap((r) => r.permissions.flatMap((p) => [p.project, ...p.actions.map((a) => `${a.resource}:${a.action}`)]));
    expect(new Set(actions)).toEqual(new Set(['platform', 'repository:pull', 'repository:push']));
    expect(HarborRobotActions.PULL).toEqual(PULL);
    expect(HarborRobotActions.PUSH).toEqual(PUSH);
    for (const row of HarborAccessMatrix.of(specOf(EnvironmentLayout.REPOSITORIES))) {
      expect(row.capabilities).not.toContain(Capability.DELETE);
      expect(row.capabilities).not.toContain(Capability.ADMIN);
    }
  });

  test('a push moves tags: declared where the model moves none (immutable tags, no exceptions), not where it does', () => {
    const immutable = specOf(EnvironmentLayout.REGISTRIES, { tagPolicy: { immutable: true, mutableTags: [], strategy: TagStrategy.GIT_SHA } });
    const rows = HarborAccessMatrix.of(immutable);
    const ci = rows.find((r) => r.identity === 'ci' && r.resource === 'platform-dev/api')!;
    expect(ci.capabilities).toEqual([Capability.READ, Capability.WRITE, Capability.MOVE_TAG]);
    expect(ci.beyondModel).toMatch(/^repository:push both pushes new tags and moves existing ones .*; the robot reads where it writes/);
    const promo = rows.find((r) => r.identity === 'promote-prod' && r.resource === 'platform-prod/api')!;
    expect(promo.beyondModel).toMatch(/^repository:push both pushes new tags and moves existing ones/);
    // The default policy (semver aliases, latest) moves tags: the promoter's destination row is exactly the model.
    expect(HarborAccessMatrix.of(specOf(EnvironmentLayout.REGISTRIES)).find((r) => r.identity === 'promote-prod' && r.resource === 'platform-prod/api')!.beyondModel).toBeUndefined();
  });

  test('every identity with operations gets a robot, whatever other clouds\' principals it has (on Harbor the robot is the credential)', () => {
    const spec = specOf(EnvironmentLayout.TAGS, {
      access: { pullers: [{ name: 'eks', awsPrincipalArns: ['arn:aws:iam::123456789012:role/eks-node'] }, { name: 'aks', azurePrincipalIds: ['11111111-0000-0000-0000-000000000001'] }] },
    });
    expect(HarborAccessMatrix.robots(spec).map((r) => [r.fullName, r.permissions])).toEqual([
      ['robot$platform+aks', [{ project: 'platform', actions: [PULL] }]], ['robot$platform+eks', [{ project: 'platform', actions: [PULL] }]],
    ]);
  });

  test('a robot name prefix other than Harbor\'s default', () => {
    expect(HarborAccessMatrix.robots(specOf(EnvironmentLayout.REGISTRIES), { robotNamePrefix: 'bot-' }).map((r) => r.fullName))
      .toEqual(['bot-platform-dev+ci', 'bot-platform-prod+promote-prod', 'bot-platform-staging+promote-prod', 'bot-platform-prod+runtime']);
    // The system-level name form stays available (Harbor's controller.go:257-262), for a robot the matrix never makes.
    expect(HarborAccessMatrix.fullName(HarborRobotLevel.SYSTEM, 'x', 'platform-dev')).toBe('robot$x');
  });
});

describe('HarborAccess (the independent evaluator) on hand-written robots: Harbor\'s rules, one by one', () => {
  const robot = (name: string, level: string, permissions: any[], extra: any = {}) => ({ name, level, permissions, secret: 's', ...extra });
  const config = (robots: Record<string, any>, projects: Record<string, any> = { a: { name: 'a' }, b: { name: 'b' } }) => ({
    resource: { harbor_project: projects, harbor_robot_account: robots },
  });
  const perm = (namespace: string, ...access: any[]) => ({ kind: 'project', namespace, access });

  test('a project robot\'s push implies pull (security/robot/context.go:133-136); a system robot\'s does not', () => {
    const access = new HarborAccess(config({ p: robot('p', 'project', [perm('a', PUSH)]), s: robot('s', 'system', [perm('a', PUSH), perm('b', PULL)]) }));
    expect(access.can('robot$a+p', 'read', 'a/x')).toBe(true);
    expect(access.can('robot$s', 'read', 'a/x')).toBe(false);
    expect(access.can('robot$s', 'write', 'a/x')).toBe(true);
    expect(access.can('robot$s', 'read', 'b/x')).toBe(true);
  });

  test('a project permission reaches every repository of its project and no other project', () => {
    const access = new HarborAccess(config({ p: robot('p', 'project', [perm('a', PULL)]) }));
    for (const r of ['a/x', 'a/dev/x', 'a/anything/else']) expect(access.can('robot$a+p', 'read', r)).toBe(true);
    for (const r of ['b/x', 'ab/x']) expect(access.can('robot$a+p', 'read', r)).toBe(false);
  });

  test('registry requests: GET/HEAD pull, POST/PATCH/PUT push, DELETE delete; a mount also pulls its source; the catalog needs catalog:read', () => {
    const access = new HarborAccess(config({ p: robot('p', 'project', [perm('a', PULL)]), s: robot('s', 'system', [perm('a', PULL, PUSH), perm('b', PULL)]) }));
    const d = `sha256:${'a'.repeat(64)}`;
    expect(access.decideRequest('robot$a+p', 'GET', '/v2/a/x/manifests/1.0').allowed).toBe(true);
    expect(access.decideRequest('robot$a+p', 'HEAD', `/v2/a/x/blobs/${d}`).allowed).toBe(true);
    expect(access.decideRequest('robot$a+p', 'PUT', '/v2/a/x/manifests/1.0')).toEqual({ allowed: false, reason: 'unauthorized to access repository: a/x, action: push' });
    expect(access.decideRequest('robot$s', 'PUT', '/v2/a/x/manifests/1.0').allowed).toBe(true);
    expect(access.decideRequest('robot$s', 'DELETE', `/v2/a/x/manifests/${d}`).reason).toBe('unauthorized to access repository: a/x, action: delete');
    expect(access.decideRequest('robot$s', 'POST', '/v2/a/x/blobs/uploads/', new URLSearchParams(`mount=${d}&from=b/y`)).allowed).toBe(true);
    expect(access.decideRequest('robot$s', 'POST', '/v2/a/x/blobs/uploads/', new URLSearchParams(`mount=${d}&from=c/y`)).allowed).toBe(false);
    expect(access.decideRequest('robot$s', 'GET', '/v2/_catalog').reason).toBe('unauthorized to list catalog');
    expect(access.decideRequest('robot$s', 'GET', '/v2/').allowed).toBe(true);
    expect(access.decideRequest('robot$s', 'OPTIONS', '/v2/a/x/manifests/1.0').allowed).toBe(false);
  });

  test('a proxy-cache project refuses pushes to user robots; a pull there imports', () => {
    const access = new HarborAccess(config({ s: robot('s', 'system', [perm('hub', PULL, PUSH), perm('a', PULL)]) }, { a: { name: 'a' }, hub: { name: 'hub', registry_id: 1 } }));
    expect(access.can('robot$s', 'cache-import', 'hub/library/nginx')).toBe(true);
    expect(access.can('robot$s', 'write', 'hub/library/nginx')).toBe(false);
    expect(access.decideRequest('robot$s', 'PUT', '/v2/hub/library/nginx/manifests/1').reason).toBe('can not push artifact to a proxy project: hub');
    expect(access.can('robot$s', 'cache-import', 'a/x')).toBe(false);
  });

  test('deny wins; a disabled robot neither authenticates nor is allowed; secrets are compared exactly', () => {
    const access = new HarborAccess(config({
      d: robot('d', 'project', [perm('a', PULL, { ...PULL, effect: 'deny' })]),
      off: robot('off', 'project', [perm('a', PULL)], { disable: true }),
    }));
    expect(access.can('robot$a+d', 'read', 'a/x')).toBe(false);
    expect(access.can('robot$a+off', 'read', 'a/x')).toBe(false);
    expect(access.authenticate('robot$a+off', 's')).toBeUndefined();
    expect(access.authenticate('robot$a+d', 's')?.name).toBe('d');
    expect(access.authenticate('robot$a+d', 'S')).toBeUndefined();
    expect(access.authenticate('a+d', 's')).toBeUndefined();
  });

  test('a public project gives every robot pull (rbac_util.go:24-42)', () => {
    const access = new HarborAccess(config({ p: robot('p', 'project', [perm('a', PULL)]) }, { a: { name: 'a' }, b: { name: 'b', public: true } }));
    expect(access.can('robot$a+p', 'read', 'b/x')).toBe(true);
    expect(access.can('robot$a+p', 'write', 'b/x')).toBe(false);
  });

  test('what Harbor refuses to create, the evaluator refuses to evaluate', () => {
    const cases: Array<[any, RegExp]> = [
      [robot('p', 'project', [perm('a', PULL), perm('b', PULL)]), /exactly one project permission/],
      [robot('p', 'admin', [perm('a', PULL)]), /level admin/],
      [robot('P+x', 'project', [perm('a', PULL)]), /name P\+x/],
      [robot('p', 'project', []), /empty permission/],
      [robot('p', 'project', [perm('a')]), /empty access/],
      [robot('p', 'system', [{ kind: 'system', namespace: 'a', access: [{ resource: 'catalog', action: 'read' }] }]), /kind system needs namespace/],
      [robot('p', 'system', [perm('a', { resource: '*', action: '*' })]), /bad request permission: \*:\*/],
      [robot('p', 'system', [perm('zz', PULL)]), /project zz does not exist/],
    ];
    for (const [r, message] of cases) expect(() => new HarborAccess(config({ r }))).toThrow(message);
  });

  // Harbor's own unit tests, replayed on the evaluator (goharbor/harbor main c50c7ddd).
  test('v2auth TestAccessList (src/server/middleware/v2auth/access_test.go:14-87)', () => {
    const mount = new URLSearchParams('mount=sha256:08e4a417ff4e3913d8723a05cc34055db01c2fd165b588e049c5bad16ce6094f&from=base/ubuntu');
    expect(HarborAccess.checks('GET', '/v2/')).toEqual([{ target: 'login' }]);
    expect(HarborAccess.checks('GET', '/v2/_catalog')).toEqual([{ target: 'catalog', action: 'read' }]);
    expect(HarborAccess.checks('POST', '/v2/library/ubuntu/blobs/uploads/', mount)).toEqual([
      { target: 'repository', repository: 'library/ubuntu', action: 'push' }, { target: 'repository', repository: 'base/ubuntu', action: 'pull' },
    ]);
    expect(HarborAccess.checks('GET', '/v2/goharbor/registry/manifests/v1.0')).toEqual([{ target: 'repository', repository: 'goharbor/registry', action: 'pull' }]);
    expect(HarborAccess.checks('DELETE', '/v2/goharbor/registry/manifests/v1.0')).toEqual([{ target: 'repository', repository: 'goharbor/registry', action: 'delete' }]);
    // No access for a non-registry path: v2auth refuses it as "un-recognized request" (auth.go:51-54).
    expect(HarborAccess.checks('GET', '/api/v2.0/users')).toBeUndefined();
  });

  test('robot security context TestHasPullPerm / TestHasPushPerm / TestSysAndProPerm / Test_filterRobotPolicies (src/common/security/robot/context_test.go)', () => {
    const access = new HarborAccess(config({
      pull: robot('pull', 'project', [perm('library', PULL)]),
      push: robot('push', 'project', [perm('library', PUSH)]),
      sys: robot('sys', 'system', [
        { kind: 'system', namespace: '/', access: [{ resource: 'garbage-collection', action: 'list' }, { resource: 'garbage-collection', action: 'create' }] },
        perm('library', PUSH, PULL),
      ]),
    }, { library: { name: 'library' }, other: { name: 'other' } }));
    expect(access.allows('robot$library+pull', 'library', 'repository', 'pull')).toBe(true);
    expect(access.allows('robot$library+push', 'library', 'repository', 'push')).toBe(true);
    expect(access.allows('robot$sys', 'library', 'repository', 'push') && access.allows('robot$sys', 'library', 'repository', 'pull')).toBe(true);
    expect(access.allowsSystem('robot$sys', 'garbage-collection', 'create')).toBe(true);
    // filterRobotPolicies keeps only the requested project's policies.
    expect(access.allows('robot$library+pull', 'other', 'repository', 'pull')).toBe(false);
    expect(access.allows('robot$sys', 'other', 'repository', 'pull')).toBe(false);
  });

  test('the robots harbor.ContainerRegistry deploys for a spec: the matrix\'s, in projects it creates, with the names Harbor gives them', () => {
    const spec = specOf(EnvironmentLayout.REGISTRIES, { upstreamCaches: [{ name: 'hub', upstream: UpstreamRegistry.DOCKER_HUB, username: 'bot' }] });
    const { json, robots } = synthesizeRobots(spec);
    const access = new HarborAccess(json);
    expect(access.robots.map((r) => [r.fullName, r.level]).sort()).toEqual(robots.map((r) => [r.fullName, 'project']).sort());
    expect(robots.filter((r) => r.identity === 'runtime').map((r) => r.fullName)).toEqual(['robot$platform-hub+runtime', 'robot$platform-prod+runtime']);
    expect(access.projects.map((p) => [p.name, p.proxyCache]).sort()).toEqual([
      ['platform-dev', false], ['platform-hub', true], ['platform-prod', false], ['platform-staging', false],
    ]);
  });
});

describe('the scan gate: gated promoters read scan results in the source project, nobody else', () => {
  // goharbor/harbor src/server/v2.0/handler/artifact.go: GetArtifact requires (ActionRead, ResourceArtifact),
  // GetVulnerabilitiesAddition (ActionRead, ResourceArtifactAddition): what scan-gate.sh calls on Harbor.
  const gated = specOf(EnvironmentLayout.REGISTRIES, { scanning: { severityThreshold: 'high' as any } });

  test('the staging -> prod promoter\'s source robot gets artifact:read and artifact-addition:read; no other robot does', () => {
    const robots = HarborAccessMatrix.robots(gated);
    const withScan = robots.filter((r) => r.permissions.some((p) => p.actions.some((a) => a.resource.startsWith('artifact'))));
    expect(withScan.map((r) => [r.fullName, r.permissions[0].actions])).toEqual([
      ['robot$platform-staging+promote-prod', [...HarborRobotActions.SCAN_READ, PULL]],
    ]);
    const row = HarborAccessMatrix.of(gated).find((r) => r.resource === 'platform-staging/api' && r.identity === 'promote-prod')!;
    expect(row.capabilities).toEqual([Capability.READ, Capability.READ_SCAN_RESULTS]);
  });

  test('the evaluator, on the deployed robots: read-scan-results only for that robot in platform-staging', () => {
    const { json } = synthesizeRobots(gated);
    const access = new HarborAccess(json);
    const decisions = access.robots.flatMap((r) => ['platform-dev/api', 'platform-staging/api', 'platform-prod/api']
      .filter((repo) => access.can(r.fullName, Capability.READ_SCAN_RESULTS, repo)).map((repo) => `${r.fullName} ${repo}`));
    expect(decisions).toEqual(['robot$platform-staging+promote-prod platform-staging/api']);
    // Without a threshold, nobody reads scan results.
    const ungated = new HarborAccess(synthesizeRobots(specOf(EnvironmentLayout.REGISTRIES)).json);
    expect(ungated.robots.some((r) => ['platform-dev/api', 'platform-staging/api', 'platform-prod/api']
      .some((repo) => ungated.can(r.fullName, Capability.READ_SCAN_RESULTS, repo)))).toBe(false);
  });
});

describe('issue 19: promotion reports need no robot permission on Harbor', () => {
  test('with promotion notifications, the model has the promoter\'s PUBLISH_NOTIFICATION, and robots and matrix are unchanged (the webhook secret is the permission)', () => {
    for (const layout of [EnvironmentLayout.REGISTRIES, EnvironmentLayout.REPOSITORIES, EnvironmentLayout.TAGS]) {
      const reporting = specOf(layout, { notifications: { events: [NotificationEvent.PUSH, NotificationEvent.PROMOTION] } });
      expect(AccessModel.operations(reporting).filter((o) => o.capability === Capability.PUBLISH_NOTIFICATION).map((o) => o.identity))
        .toEqual(['promote-prod']);
      expect(HarborAccessMatrix.robots(reporting)).toEqual(HarborAccessMatrix.robots(specOf(layout)));
      expect(HarborAccessMatrix.of(reporting)).toEqual(HarborAccessMatrix.of(specOf(layout)));
      expect(HarborAccessMatrix.of(reporting).some((r) => r.capabilities.includes(Capability.PUBLISH_NOTIFICATION))).toBe(false);
    }
  });
});
