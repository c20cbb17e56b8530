/**
 * The Harbor authorizer with the authorizing proxy in front of the real loopback
 * registry (Debian's docker-registry) and skopeo: each identity of the spec logs in as
 * its robot (full name + secret, as Harbor takes robot credentials) and may do exactly
 * what its robot's permissions allow, decided by the independent Harbor evaluator
 * (test/harbor/harbor-access.ts) over the robots' Terraform JSON. Registries layout:
 * one project per environment, so the project boundary is the access boundary.
 * Needs `docker-registry` and `skopeo` (the tests fail without them).
 */
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { AuthorizingProxy, RegistryOperation } from './authorizing-proxy';
import { promotionSpec } from './fixtures';
import { HARBOR_ACTIONS, HarborAccessControl, HarborAuthorizer, startHarborAccessControl } from './harbor-authorizer';
import { buildOciImage, LocalRegistry, OciImage, request, run, skopeoHome } from './oci-registry';
import { HarborAccessMatrix } from '../../src/harbor/access-matrix';
import { EnvironmentLayout, RegistrySpec } from '../../src/spec';
import { synthesizeRobots } from '../harbor/robot-stack';

jest.setTimeout(60_000);

const spec: RegistrySpec = (() => {
  const base = promotionSpec(EnvironmentLayout.REGISTRIES);
  return { ...base, access: { ...base.access, pullers: [{ name: 'runtime', environments: ['prod'], github: { repository: 'example/platform', environment: 'prod' } }] } };
})();
const robots = HarborAccessMatrix.robots(spec);
const robotOf = (identity: string) => robots.find((r) => r.identity === identity)!.fullName;

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
const copy = (robot: string, from: string, to: string) => skopeo([
  'copy', '--all', '--preserve-digests', '--src-tls-verify=false', '--dest-tls-verify=false',
  `--src-creds=${authorizer.creds(robot)}`, `--dest-creds=${authorizer.creds(robot)}`, `docker://${proxy.host}/${from}`, `docker://${proxy.host}/${to}`,
]);

describe('Harbor robots through the authorizing proxy, registries layout', () => {
  test('the robots: ci on platform-dev, each promoter a system robot of its hop\'s two projects, the puller on platform-prod', () => {
    expect(robots.map((r) => [r.identity, r.fullName, r.permissions.map((p) => `${p.project}:${p.actions.map((a) => a.action).join('+')}`)])).toEqual([
      ['ci', 'robot$platform-dev+ci', ['platform-dev:pull+push']],
      ['promote-prod', 'robot$platform-promote-prod', ['platform-prod:pull+push', 'platform-staging:pull']],
      ['promote-staging', 'robot$platform-promote-staging', ['platform-dev:pull', 'platform-staging:pull+push']],
      ['runtime', 'robot$platform-prod+runtime', ['platform-prod:pull']],
    ]);
    expect(Object.keys(authorizer.credentials()).sort()).toEqual(robots.map((r) => r.fullName).sort());
    expect(proxy.actions).toBe(HARBOR_ACTIONS);
    expect(control.creds('runtime')).toBe(`robot$platform-prod+runtime:${authorizer.credentials()['robot$platform-prod+runtime']}`);
    expect(() => control.creds('nobody')).toThrow(/no Harbor robot/);
  });

  test('the build push as the CI robot reaches platform-dev; the same push to platform-staging is refused', async () => {
    await registry.pushTags(image, 'platform-dev/api', ['1.0.0', 'latest'], { via: proxy.host, creds: authorizer.creds(robotOf('ci')), home: home() });
    expect(await registry.digest('platform-dev/api', '1.0.0')).toBe(image.digest);
    expect(proxy.refusals()).toEqual([]);
    expect(proxy.log.some((e) => e.check.action === 'repository:push' && e.allowed)).toBe(true);
    proxy.clearLog();
    // skopeo first checks the destination's blobs (HEAD: repository:pull), which the CI robot lacks there.
    await expect(registry.copy(image, 'platform-staging/api', '1.0.0', { via: proxy.host, creds: authorizer.creds(robotOf('ci')), home: home() }))
      .rejects.toThrow(/failed to read from destination repository platform-staging\/api: 403/);
    expect(proxy.refusals().map((e) => [e.identity, e.check])).toContainEqual(['robot$platform-dev+ci', { action: 'repository:pull', repository: 'platform-staging/api' }]);
    expect(proxy.log.filter((e) => e.check.repository === 'platform-staging/api' && e.allowed)).toEqual([]);
    expect(await registry.digest('platform-staging/api', '1.0.0')).toBeUndefined();
  });

  test('each promoter copies its hop by digest (reads the source and the destination, writes the destination); the next hop is refused', async () => {
    const staging = robotOf('promote-staging');
    expect((await inspect(staging, 'platform-staging/api:1.0.0')).code).not.toBe(0); // not there yet: a read, allowed, of a missing tag
    expect(proxy.refusals()).toEqual([]);
    const hop = await copy(staging, `platform-dev/api@${image.digest}`, 'platform-staging/api:1.0.0');
    expect([hop.code, hop.err]).toEqual([0, '']);
    expect(await registry.digest('platform-staging/api', '1.0.0')).toBe(image.digest);
    expect((await inspect(staging, 'platform-staging/api:1.0.0')).code).toBe(0);
    // The staging promoter cannot promote on to prod.
    const wrong = await copy(staging, `platform-staging/api@${image.digest}`, 'platform-prod/api:1.0.0');
    expect(wrong.code).not.toBe(0);
    expect(wrong.err).toMatch(/failed to read from destination repository platform-prod\/api: 403/);
    expect(proxy.refusals().map((e) => [e.identity, e.check])).toContainEqual(['robot$platform-promote-staging', { action: 'repository:pull', repository: 'platform-prod/api' }]);
    expect(await registry.digest('platform-prod/api', '1.0.0')).toBeUndefined();
    const prod = await copy(robotOf('promote-prod'), `platform-staging/api@${image.digest}`, 'platform-prod/api:1.0.0');
    expect([prod.code, prod.err]).toEqual([0, '']);
    expect(await registry.digest('platform-prod/api', '1.0.0')).toBe(image.digest);
  });

  test('the puller reads prod and nothing else, and cannot push even where it reads', async () => {
    const runtime = robotOf('runtime');
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

  test('no robot deletes, none lists the catalog; a wrong secret or an unknown robot is refused before any permission is checked', async () => {
    const auth = (user: string, secret: string) => ({ Authorization: `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}` });
    const [user, secret] = [robotOf('promote-prod'), authorizer.credentials()[robotOf('promote-prod')]];
    const del = await request(`http://${proxy.host}/v2/platform-prod/api/manifests/${image.digest}`, 'DELETE', auth(user, secret));
    expect(del.status).toBe(403);
    expect(JSON.parse(del.body.toString()).errors[0].message).toMatch(/repository:delete on repository platform-prod\/api/);
    expect((await request(`http://${proxy.host}/v2/_catalog`, 'GET', auth(user, secret))).status).toBe(403);
    proxy.clearLog();
    for (const [u, s] of [[user, 'wrong'], ['promote-prod', secret], ['robot$platform-promote-prod-x', secret]]) {
      expect((await request(`http://${proxy.host}/v2/platform-prod/api/manifests/1.0.0`, 'GET', auth(u, s))).status).toBe(401);
    }
    expect(proxy.log).toEqual([]);
    expect(await registry.digest('platform-prod/api', '1.0.0')).toBe(image.digest);
  });

  test('negative control: the prod promoter\'s pull on platform-staging removed from its robot: the hop fails at the source read and changes nothing', async () => {
    const json = synthesizeRobots(spec).json;
    const robot = Object.values<any>(json.resource.harbor_robot_account).find((r) => r.name === 'platform-promote-prod');
    robot.permissions = robot.permissions.filter((p: any) => p.namespace !== 'platform-staging');
    // A system robot of one project is still valid for Harbor; the decisions change, the credentials do not.
    proxy.authorizer = HarborAuthorizer.fromJson(json);
    try {
      const r = await copy(robotOf('promote-prod'), `platform-staging/api@${image.digest}`, 'platform-prod/api:1.0.1');
      expect(r.code).not.toBe(0);
      expect(r.err).toMatch(/repository:pull on repository platform-staging\/api/);
      expect(await registry.digest('platform-prod/api', '1.0.1')).toBeUndefined();
    } finally {
      proxy.authorizer = authorizer;
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
    await registry.pushTags(image, 'platform/dev/api', ['1.0.0'], { via: c.proxy.host, creds: c.creds('ci'), home: home() });
  });
  afterAll(async () => c?.proxy.stop());

  test('the puller of prod also reads dev (declared beyond the model), still cannot push, and nothing outside the project', async () => {
    const rows = HarborAccessMatrix.of(one).filter((r) => r.identity === 'runtime');
    expect(rows.find((r) => r.resource === 'platform/dev/api')!.beyondModel).toMatch(/the permission on platform also reaches dev\/api/);
    const args = (ref: string) => ['inspect', '--raw', '--tls-verify=false', `--creds=${c.creds('runtime')}`, `docker://${c.proxy.host}/${ref}`];
    const dev = await skopeo(args('platform/dev/api:1.0.0'));
    expect([dev.code, dev.err]).toEqual([0, '']);
    const other = await skopeo(args('platform-dev/api:1.0.0'));
    expect(other.code).not.toBe(0);
    expect(c.proxy.refusals().map((e) => e.check)).toContainEqual({ action: 'repository:pull', repository: 'platform-dev/api' });
    await expect(registry.copy(image, 'platform/prod/api', '9.9.9', { via: c.proxy.host, creds: c.creds('runtime'), home: home() })).rejects.toThrow(/403|denied/i);
    expect(await registry.digest('platform/prod/api', '9.9.9')).toBeUndefined();
  });
});
