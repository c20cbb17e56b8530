/**
 * The Harbor authorizer with the authorizing proxy in front of the real loopback
 * registry (Debian's docker-registry) and skopeo: each identity of the spec has one
 * project robot per project it needs, as `harbor.ContainerRegistry` deploys them; a
 * program logs in to a project as the identity's robot there (full name
 * `robot$<project>+<identity>` + that robot's own secret, as Harbor takes robot
 * credentials) and may do exactly what that robot's permissions allow, decided by the
 * independent Harbor evaluator (test/harbor/harbor-access.ts) over the construct's
 * Terraform JSON. Registries layout: one project per environment, so the project
 * boundary is the access boundary, and a promoter's hop reads the source with the
 * source project's robot (skopeo --src-creds) and writes the destination with the
 * destination project's robot (--dest-creds), as the generated workflow logs in; the
 * generated hop scripts (promote-<source>-to-<destination>.sh) run the same way with
 * SRC_CREDS / DEST_CREDS.
 * Needs `docker-registry` and `skopeo` (the tests fail without them).
 */
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { AuthorizingProxy, RegistryOperation } from './authorizing-proxy';
import { generateSigningKey, pushSignature } from './cosign-signature';
import { promotionSpec } from './fixtures';
import { HARBOR_ACTIONS, HarborAccessControl, HarborAuthorizer, startHarborAccessControl } from './harbor-authorizer';
import { writeScripts } from './helpers';
import { buildOciImage, LocalRegistry, OciImage, request, run, skopeoHome } from './oci-registry';
import { HarborAccessMatrix } from '../../src/harbor/access-matrix';
import { PromotionPlan, PromotionPlanner } from '../../src/promotion';
import { Cloud, EnvironmentLayout, RegistrySpec } from '../../src/spec';
import { synthesizeRobots } from '../harbor/robot-stack';

jest.setTimeout(60_000);

const spec: RegistrySpec = (() => {
  const base = promotionSpec(EnvironmentLayout.REGISTRIES);
  return { ...base, access: { ...base.access, pullers: [{ name: 'runtime', environments: ['prod'], github: { repository: 'example/platform', environment: 'prod' } }] } };
})();
const robots = HarborAccessMatrix.robots(spec);
/** The full name of an identity's robot in a project (the matrix's; the construct deploys the same, test/harbor/access-property.test.ts). */
const robotOf = (identity: string, project: string) => robots.find((r) => r.identity === identity && r.permissions[0].project === project)!.fullName;

let registry: LocalRegistry;
let proxy: AuthorizingProxy;
let authorizer: HarborAuthorizer;
let image: OciImage;
const work = mkdtempSync(join(tmpdir(), 'harbor-authorizer-'));

let control: HarborAccessControl;

beforeAll(async () => {
  registry = await LocalRegistry.start();
  control = await startHarborAccessControl(registry.host, spec);
  ({ proxy, authorizer } = control);
  image = buildOciImage('harbor api v1');
});
afterAll(async () => {
  await proxy?.stop();
  await registry?.stop();
  if (image) rmSync(image.dir, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
});
beforeEach(() => proxy.clearLog());

const home = () => mkdtempSync(join(work, 'home-'));
/** skopeo through the proxy as a robot. */
const skopeo = (args: string[]) => run('skopeo', args, skopeoHome(home()));
const inspect = (robot: string, ref: string) => skopeo(['inspect', '--raw', '--tls-verify=false', `--creds=${authorizer.creds(robot)}`, `docker://${proxy.host}/${ref}`]);
/** A hop's copy: the source read with `srcRobot`, the destination with `destRobot` (skopeo --src-creds / --dest-creds). */
const copy = (srcRobot: string, destRobot: string, from: string, to: string) => skopeo([
  'copy', '--all', '--preserve-digests', '--src-tls-verify=false', '--dest-tls-verify=false',
  `--src-creds=${authorizer.creds(srcRobot)}`, `--dest-creds=${authorizer.creds(destRobot)}`, `docker://${proxy.host}/${from}`, `docker://${proxy.host}/${to}`,
]);

describe('Harbor robots through the authorizing proxy, registries layout', () => {
  test('the robots: one project robot per identity and project (each promoter one in its hop\'s source and one in its destination), each with its own secret', () => {
    expect(robots.map((r) => [r.identity, r.fullName, r.level, r.permissions.map((p) => `${p.project}:${p.actions.map((a) => a.action).join('+')}`)])).toEqual([
      ['ci', 'robot$platform-dev+ci', 'project', ['platform-dev:pull+push']],
      ['promote-prod', 'robot$platform-prod+promote-prod', 'project', ['platform-prod:pull+push']],
      ['promote-prod', 'robot$platform-staging+promote-prod', 'project', ['platform-staging:pull']],
      ['promote-staging', 'robot$platform-dev+promote-staging', 'project', ['platform-dev:pull']],
      ['promote-staging', 'robot$platform-staging+promote-staging', 'project', ['platform-staging:pull+push']],
      ['runtime', 'robot$platform-prod+runtime', 'project', ['platform-prod:pull']],
    ]);
    // The proxy authenticates exactly the deployed robots, no system-level one, each with a secret of its own.
    const credentials = authorizer.credentials();
    expect(Object.keys(credentials).sort()).toEqual(robots.map((r) => r.fullName).sort());
    expect(authorizer.access.robots.filter((r) => r.level !== 'project')).toEqual([]);
    expect(new Set(Object.values(credentials)).size).toBe(robots.length);
    expect(proxy.actions).toBe(HARBOR_ACTIONS);
    expect(control.creds('runtime', 'platform-prod')).toBe(`robot$platform-prod+runtime:${credentials['robot$platform-prod+runtime']}`);
    expect(control.creds('promote-prod', 'platform-staging')).toBe(`robot$platform-staging+promote-prod:${credentials['robot$platform-staging+promote-prod']}`);
    expect(() => control.creds('nobody', 'platform-prod')).toThrow(/no Harbor robot/);
    expect(() => control.creds('runtime', 'platform-dev')).toThrow(/no Harbor robot in project platform-dev \(it has: robot\$platform-prod\+runtime\)/);
  });

  test('the build push as the CI robot reaches platform-dev; the same push to platform-staging is refused', async () => {
    const ci = robotOf('ci', 'platform-dev');
    await registry.pushTags(image, 'platform-dev/api', ['1.0.0', 'latest'], { via: proxy.host, creds: authorizer.creds(ci), home: home() });
    expect(await registry.digest('platform-dev/api', '1.0.0')).toBe(image.digest);
    expect(proxy.refusals()).toEqual([]);
    expect(proxy.log.some((e) => e.check.action === 'repository:push' && e.allowed)).toBe(true);
    proxy.clearLog();
    // skopeo first checks the destination's blobs (HEAD: repository:pull), which the CI robot lacks there.
    await expect(registry.copy(image, 'platform-staging/api', '1.0.0', { via: proxy.host, creds: authorizer.creds(ci), home: home() }))
      .rejects.toThrow(/failed to read from destination repository platform-staging\/api: 403/);
    expect(proxy.refusals().map((e) => [e.identity, e.check])).toContainEqual(['robot$platform-dev+ci', { action: 'repository:pull', repository: 'platform-staging/api' }]);
    expect(proxy.log.filter((e) => e.check.repository === 'platform-staging/api' && e.allowed)).toEqual([]);
    expect(await registry.digest('platform-staging/api', '1.0.0')).toBeUndefined();
  });

  test('each promoter copies its hop by digest, the source read as the source project\'s robot and the destination written as the destination\'s', async () => {
    const [stagingSrc, stagingDest] = [robotOf('promote-staging', 'platform-dev'), robotOf('promote-staging', 'platform-staging')];
    expect((await inspect(stagingDest, 'platform-staging/api:1.0.0')).code).not.toBe(0); // not there yet: a read, allowed, of a missing tag
    expect(proxy.refusals()).toEqual([]);
    const hop = await copy(stagingSrc, stagingDest, `platform-dev/api@${image.digest}`, 'platform-staging/api:1.0.0');
    expect([hop.code, hop.err]).toEqual([0, '']);
    expect(await registry.digest('platform-staging/api', '1.0.0')).toBe(image.digest);
    // Each side was decided as its own robot: the source reads as the dev robot, the destination reads and writes as the staging robot.
    const sides = new Set(proxy.log.filter((e) => e.allowed).map((e) => `${e.identity} ${e.check.action} ${e.check.repository}`));
    expect(sides).toContain(`${stagingSrc} repository:pull platform-dev/api`);
    expect(sides).toContain(`${stagingDest} repository:pull platform-staging/api`);
    expect(sides).toContain(`${stagingDest} repository:push platform-staging/api`);
    expect([...sides].filter((x) => x.startsWith(stagingSrc) && !x.endsWith('platform-dev/api'))).toEqual([]);
    expect((await inspect(stagingDest, 'platform-staging/api:1.0.0')).code).toBe(0);
    proxy.clearLog();
    // One robot for both sides is refused: the destination robot cannot read the source project, nor the source robot write the destination.
    const oneRobot = await copy(stagingDest, stagingDest, `platform-dev/api@${image.digest}`, 'platform-staging/api:1.0.1');
    expect(oneRobot.code).not.toBe(0);
    expect(proxy.refusals().map((e) => [e.identity, e.check])).toContainEqual([stagingDest, { action: 'repository:pull', repository: 'platform-dev/api' }]);
    proxy.clearLog();
    const srcRobot = await copy(stagingSrc, stagingSrc, `platform-dev/api@${image.digest}`, 'platform-staging/api:1.0.1');
    expect(srcRobot.code).not.toBe(0);
    expect(srcRobot.err).toMatch(/failed to read from destination repository platform-staging\/api: 403/);
    expect(await registry.digest('platform-staging/api', '1.0.1')).toBeUndefined();
    proxy.clearLog();
    // The staging promoter cannot promote on to prod: it has no robot there, and its staging robot stops at its project.
    const wrong = await copy(stagingDest, stagingDest, `platform-staging/api@${image.digest}`, 'platform-prod/api:1.0.0');
    expect(wrong.code).not.toBe(0);
    expect(wrong.err).toMatch(/failed to read from destination repository platform-prod\/api: 403/);
    expect(proxy.refusals().map((e) => [e.identity, e.check])).toContainEqual([stagingDest, { action: 'repository:pull', repository: 'platform-prod/api' }]);
    expect(await registry.digest('platform-prod/api', '1.0.0')).toBeUndefined();
    const prod = await copy(robotOf('promote-prod', 'platform-staging'), robotOf('promote-prod', 'platform-prod'), `platform-staging/api@${image.digest}`, 'platform-prod/api:1.0.0');
    expect([prod.code, prod.err]).toEqual([0, '']);
    expect(await registry.digest('platform-prod/api', '1.0.0')).toBe(image.digest);
  });

  test('the puller reads prod and nothing else, and cannot push even where it reads', async () => {
    const runtime = robotOf('runtime', 'platform-prod');
    const ok = await inspect(runtime, 'platform-prod/api:1.0.0');
    expect([ok.code, ok.err]).toEqual([0, '']);
    const dev = await inspect(runtime, 'platform-dev/api:1.0.0');
    expect(dev.code).not.toBe(0);
    expect(proxy.refusals().map((e) => [e.operation, e.check])).toContainEqual([RegistryOperation.MANIFEST_READ, { action: 'repository:pull', repository: 'platform-dev/api' }]);
    proxy.clearLog();
    // The blobs exist in platform-prod/api (readable), so the first refusal is the upload or the manifest put: repository:push.
    await expect(registry.copy(image, 'platform-prod/api', '2.0.0', { via: proxy.host, creds: authorizer.creds(runtime), home: home() })).rejects.toThrow(/403|denied/i);
    expect(proxy.refusals().map((e) => e.check)).toContainEqual({ action: 'repository:push', repository: 'platform-prod/api' });
    expect(await registry.digest('platform-prod/api', '2.0.0')).toBeUndefined();
  });

  test('no robot deletes, none lists the catalog; a wrong secret, another robot\'s secret or an unknown robot (a system-level name) is refused before any permission is checked', async () => {
    const auth = (user: string, secret: string) => ({ Authorization: `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}` });
    const credentials = authorizer.credentials();
    const [user, secret] = [robotOf('promote-prod', 'platform-prod'), credentials[robotOf('promote-prod', 'platform-prod')]];
    const del = await request(`http://${proxy.host}/v2/platform-prod/api/manifests/${image.digest}`, 'DELETE', auth(user, secret));
    expect(del.status).toBe(403);
    expect(JSON.parse(del.body.toString()).errors[0].message).toMatch(/repository:delete on repository platform-prod\/api/);
    expect((await request(`http://${proxy.host}/v2/_catalog`, 'GET', auth(user, secret))).status).toBe(403);
    proxy.clearLog();
    for (const [u, s] of [
      [user, 'wrong'], ['promote-prod', secret], ['robot$platform-promote-prod', secret], ['robot$promote-prod', secret],
      // The promoter's source robot with the destination robot's secret: secrets are per robot.
      [robotOf('promote-prod', 'platform-staging'), secret],
    ]) {
      expect([u, (await request(`http://${proxy.host}/v2/platform-prod/api/manifests/1.0.0`, 'GET', auth(u, s))).status]).toEqual([u, 401]);
    }
    expect(proxy.log).toEqual([]);
    expect(await registry.digest('platform-prod/api', '1.0.0')).toBe(image.digest);
  });

  test('negative control: the prod promoter\'s robot in platform-staging removed from the deployment: the hop fails at the source read and changes nothing', async () => {
    const json = synthesizeRobots(spec).json;
    const key = Object.entries<any>(json.resource.harbor_robot_account)
      .find(([, r]) => r.name === 'promote-prod' && r.permissions[0].namespace === 'platform-staging')![0];
    delete json.resource.harbor_robot_account[key];
    // The proxy still holds the old credentials; the decisions come from the edited deployment, where that robot does not exist.
    proxy.authorizer = HarborAuthorizer.fromJson(json);
    try {
      const r = await copy(robotOf('promote-prod', 'platform-staging'), robotOf('promote-prod', 'platform-prod'), `platform-staging/api@${image.digest}`, 'platform-prod/api:1.0.1');
      expect(r.code).not.toBe(0);
      expect(r.err).toMatch(/repository:pull on repository platform-staging\/api \(no enabled robot robot\$platform-staging\+promote-prod\)/);
      expect(await registry.digest('platform-prod/api', '1.0.1')).toBeUndefined();
    } finally {
      proxy.authorizer = authorizer;
    }
  });

  test('the decisions follow the deployment: push added to the prod promoter\'s source robot lets it write its source (the access property catches that edit as beyond the matrix); as deployed it cannot', async () => {
    const json = synthesizeRobots(spec).json;
    const robot = Object.values<any>(json.resource.harbor_robot_account).find((r) => r.name === 'promote-prod' && r.permissions[0].namespace === 'platform-staging');
    robot.permissions[0].access.push({ resource: 'repository', action: 'push' });
    proxy.authorizer = HarborAuthorizer.fromJson(json);
    try {
      await registry.copy(image, 'platform-staging/api', '6.6.6', { via: proxy.host, creds: authorizer.creds(robotOf('promote-prod', 'platform-staging')), home: home() });
      expect(await registry.digest('platform-staging/api', '6.6.6')).toBe(image.digest);
    } finally {
      proxy.authorizer = authorizer;
    }
    // With the deployed robots the same push is refused.
    await expect(registry.copy(image, 'platform-staging/api', '6.6.7', { via: proxy.host, creds: authorizer.creds(robotOf('promote-prod', 'platform-staging')), home: home() }))
      .rejects.toThrow(/403|denied/i);
    expect(proxy.refusals().map((e) => e.check)).toContainEqual({ action: 'repository:push', repository: 'platform-staging/api' });
  });
});

describe('the generated Harbor hop scripts through the proxy: SRC_CREDS the source project\'s robot, DEST_CREDS the destination\'s', () => {
  const promoted = buildOciImage('harbor hop script api v2');
  let c: HarborAccessControl;
  let plan: PromotionPlan;
  let scripts: string;
  beforeAll(async () => {
    c = await startHarborAccessControl(registry.host, spec);
    plan = PromotionPlanner.plan(spec, { cloud: Cloud.HARBOR, harborHost: c.proxy.host });
    scripts = writeScripts(work, 'harbor-hops', plan);
    await registry.pushTags(promoted, 'platform-dev/api', ['2.0.0'], { via: c.proxy.host, creds: c.creds('ci', 'platform-dev'), home: home() });
  });
  afterAll(async () => {
    await c?.proxy.stop();
    rmSync(promoted.dir, { recursive: true, force: true });
  });
  beforeEach(() => c.proxy.clearLog());
  /** Runs a hop script as its promoter, with the given credentials per side (the workflow gives each side's robot through SRC_AUTHFILE / DEST_AUTHFILE). */
  const hop = (h: PromotionPlan['hops'][number], srcCreds: string, destCreds: string, tag = '2.0.0') => run('sh', [join(scripts, h.scriptName), '--image', 'api'], {
    PATH: process.env.PATH!,
    ...skopeoHome(home()),
    SRC_TLS_VERIFY: 'false',
    DEST_TLS_VERIFY: 'false',
    VERIFY: 'none',
    DIGEST: promoted.digest,
    TAGS: tag,
    SRC_CREDS: srcCreds,
    DEST_CREDS: destCreds,
  }, true);

  test('every hop, as its promoter\'s two robots, promotes by digest; each request decided as the robot of its side', async () => {
    expect(plan.hops.map((h) => [h.promoter, h.images[0].source.project, h.images[0].destination.project])).toEqual([
      ['promote-staging', 'platform-dev', 'platform-staging'], ['promote-prod', 'platform-staging', 'platform-prod'],
    ]);
    for (const h of plan.hops) {
      c.proxy.clearLog();
      const [src, dest] = [h.images[0].source.project!, h.images[0].destination.project!];
      const r = await hop(h, c.creds(h.promoter!, src), c.creds(h.promoter!, dest));
      expect([h.scriptName, r.code, r.err]).toEqual([h.scriptName, 0, '']);
      expect(await registry.digest(`${dest}/api`, '2.0.0')).toBe(promoted.digest);
      expect(c.proxy.refusals()).toEqual([]);
      // The source project was read only as the source robot, the destination only touched as the destination robot.
      const by = (repository: string) => new Set(c.proxy.log.filter((e) => e.check.repository === repository).map((e) => e.identity));
      expect(by(`${src}/api`)).toEqual(new Set([`robot$${src}+${h.promoter}`]));
      expect(by(`${dest}/api`)).toEqual(new Set([`robot$${dest}+${h.promoter}`]));
      expect(c.proxy.log).toContainEqual(expect.objectContaining({ identity: `robot$${dest}+${h.promoter}`, check: { action: 'repository:push', repository: `${dest}/api` }, allowed: true }));
    }
  });

  test('as the workflow runs it: each side\'s robot logged in with skopeo login into its own auth file (SRC_AUTHFILE / DEST_AUTHFILE)', async () => {
    const h = plan.hops.find((x) => x.promoter === 'promote-staging')!;
    const dir = mkdtempSync(join(work, 'authfiles-'));
    const login = async (project: string) => {
      const file = join(dir, `${project}.json`);
      const [user, secret] = [robotOf('promote-staging', project), c.authorizer.credentials()[robotOf('promote-staging', project)]];
      const r = await run('skopeo', ['login', '--tls-verify=false', '--authfile', file, '--username', user, '--password', secret, c.proxy.host], skopeoHome(home()));
      expect([project, r.code, r.err]).toEqual([project, 0, '']);
      return file;
    };
    const [src, dest] = [await login('platform-dev'), await login('platform-staging')];
    c.proxy.clearLog();
    const r = await run('sh', [join(scripts, h.scriptName), '--image', 'api'], {
      PATH: process.env.PATH!,
      ...skopeoHome(home()),
      SRC_TLS_VERIFY: 'false',
      DEST_TLS_VERIFY: 'false',
      VERIFY: 'none',
      DIGEST: promoted.digest,
      TAGS: '2.0.2',
      SRC_AUTHFILE: src,
      DEST_AUTHFILE: dest,
    }, true);
    expect([r.code, r.err]).toEqual([0, '']);
    expect(await registry.digest('platform-staging/api', '2.0.2')).toBe(promoted.digest);
    expect(c.proxy.refusals()).toEqual([]);
    expect(new Set(c.proxy.log.filter((e) => e.check.repository === 'platform-dev/api').map((e) => e.identity))).toEqual(new Set(['robot$platform-dev+promote-staging']));
    expect(new Set(c.proxy.log.filter((e) => e.check.repository === 'platform-staging/api').map((e) => e.identity))).toEqual(new Set(['robot$platform-staging+promote-staging']));
    // The auth files swapped: refused, nothing written.
    c.proxy.clearLog();
    const swapped = await run('sh', [join(scripts, h.scriptName), '--image', 'api'], {
      PATH: process.env.PATH!,
      ...skopeoHome(home()),
      SRC_TLS_VERIFY: 'false',
      DEST_TLS_VERIFY: 'false',
      VERIFY: 'none',
      DIGEST: promoted.digest,
      TAGS: '2.0.3',
      SRC_AUTHFILE: dest,
      DEST_AUTHFILE: src,
    }, true);
    expect(swapped.code).not.toBe(0);
    expect(c.proxy.refusals().length).toBeGreaterThan(0);
    expect(await registry.digest('platform-staging/api', '2.0.3')).toBeUndefined();
  });

  test('signed: the source robot reads the source .sig, the destination robot writes and re-reads it (VERIFY_KEY), along the chain', async () => {
    const signed = buildOciImage('harbor hop script api v3 signed');
    try {
      const key = generateSigningKey(work, 'harbor-signed');
      await registry.pushTags(signed, 'platform-dev/api', ['3.0.0'], { via: c.proxy.host, creds: c.creds('ci', 'platform-dev'), home: home() });
      // The build signs as the CI robot of the dev project, through the proxy.
      const sigTag = await pushSignature(c.proxy.host, 'platform-dev/api', signed.digest, key, undefined, `Basic ${Buffer.from(c.creds('ci', 'platform-dev')).toString('base64')}`);
      for (const h of plan.hops) {
        c.proxy.clearLog();
        const [src, dest] = [h.images[0].source.project!, h.images[0].destination.project!];
        const r = await run('sh', [join(scripts, h.scriptName), '--image', 'api'], {
          PATH: process.env.PATH!,
          ...skopeoHome(home()),
          SRC_TLS_VERIFY: 'false',
          DEST_TLS_VERIFY: 'false',
          VERIFY: '',
          VERIFY_KEY: key.publicKeyPath,
          DIGEST: signed.digest,
          TAGS: '3.0.0',
          SRC_CREDS: c.creds(h.promoter!, src),
          DEST_CREDS: c.creds(h.promoter!, dest),
        }, true);
        expect([h.scriptName, r.code, r.err]).toEqual([h.scriptName, 0, '']);
        expect(r.out).toContain('verified at the destination');
        expect(await registry.tags(`${dest}/api`)).toContain(sigTag);
        expect(c.proxy.refusals()).toEqual([]);
        const by = (repository: string) => new Set(c.proxy.log.filter((e) => e.check.repository === repository).map((e) => e.identity));
        expect(by(`${src}/api`)).toEqual(new Set([`robot$${src}+${h.promoter}`]));
        expect(by(`${dest}/api`)).toEqual(new Set([`robot$${dest}+${h.promoter}`]));
      }
    } finally {
      rmSync(signed.dir, { recursive: true, force: true });
    }
  });

  test('negative controls: the sides\' robots swapped, or one robot for both sides, fail and change nothing', async () => {
    const h = plan.hops.find((x) => x.promoter === 'promote-prod')!;
    const [src, dest] = ['platform-staging', 'platform-prod'];
    for (const [srcCreds, destCreds] of [
      [c.creds('promote-prod', dest), c.creds('promote-prod', src)],
      [c.creds('promote-prod', dest), c.creds('promote-prod', dest)],
      [c.creds('promote-prod', src), c.creds('promote-prod', src)],
    ]) {
      c.proxy.clearLog();
      const r = await hop(h, srcCreds, destCreds, '2.0.1');
      expect(r.code).not.toBe(0);
      expect(c.proxy.refusals().length).toBeGreaterThan(0);
      expect(c.proxy.log.filter((e) => e.allowed && e.check.action === 'repository:push')).toEqual([]);
      expect(await registry.digest(`${dest}/api`, '2.0.1')).toBeUndefined();
    }
  });
});

describe('Harbor robots through the authorizing proxy, repositories layout: one project, so a robot reaches every environment of it', () => {
  const one = (() => {
    const base = promotionSpec(EnvironmentLayout.REPOSITORIES);
    return { ...base, access: { ...base.access, pullers: [{ name: 'runtime', environments: ['prod'], github: { repository: 'example/platform', environment: 'prod' } }] } };
  })();
  let c: HarborAccessControl;
  beforeAll(async () => {
    c = await startHarborAccessControl(registry.host, one);
    await registry.pushTags(image, 'platform/dev/api', ['1.0.0'], { via: c.proxy.host, creds: c.creds('ci', 'platform'), home: home() });
  });
  afterAll(async () => c?.proxy.stop());

  test('the puller of prod also reads dev (declared beyond the model), still cannot push, and nothing outside the project', async () => {
    const rows = HarborAccessMatrix.of(one).filter((r) => r.identity === 'runtime');
    expect(rows.find((r) => r.resource === 'platform/dev/api')!.beyondModel).toMatch(/the permission on platform also reaches dev\/api/);
    const args = (ref: string) => ['inspect', '--raw', '--tls-verify=false', `--creds=${c.creds('runtime', 'platform')}`, `docker://${c.proxy.host}/${ref}`];
    const dev = await skopeo(args('platform/dev/api:1.0.0'));
    expect([dev.code, dev.err]).toEqual([0, '']);
    const other = await skopeo(args('platform-dev/api:1.0.0'));
    expect(other.code).not.toBe(0);
    expect(c.proxy.refusals().map((e) => e.check)).toContainEqual({ action: 'repository:pull', repository: 'platform-dev/api' });
    await expect(registry.copy(image, 'platform/prod/api', '9.9.9', { via: c.proxy.host, creds: c.creds('runtime', 'platform'), home: home() })).rejects.toThrow(/403|denied/i);
    expect(await registry.digest('platform/prod/api', '9.9.9')).toBeUndefined();
  });
});
