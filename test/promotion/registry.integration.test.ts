/**
 * The generated promotion scripts against a real OCI registry on loopback
 * (Debian's docker-registry, distribution 2.8), with skopeo. Images are built
 * as OCI layouts (single-arch, and a two-platform index) and pushed the way the
 * build job would; then the hop scripts that `promote-scripts` writes are run
 * as the workflow runs them (only the registry host and TLS differ).
 *
 * Needs `docker-registry` and `skopeo` on PATH: the tests fail (they do not
 * skip) without them; `.ci/run` installs them.
 */
import { spawnSync } from 'child_process';
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { parse } from 'yaml';
import { promotionSpec } from './fixtures';
import { sharedFile, writeScripts } from './helpers';
import { buildOciImage, LocalRegistry, OciImage, requireTools } from './oci-registry';
import { PromotionPlan, PromotionPlanner, PromotionWorkflow } from '../../src/promotion';
import { Cloud, EnvironmentLayout } from '../../src/spec';

// A guard against a hung hop, not a speed goal: generous enough for a loaded 2-core machine (a hop took over 30 s at load 16-24).
jest.setTimeout(180_000);

let registry: LocalRegistry;
const work = mkdtempSync(join(tmpdir(), 'promotion-it-'));
const layouts: OciImage[] = [];

beforeAll(async () => {
  registry = await LocalRegistry.start();
});
afterAll(async () => {
  await registry?.stop();
  for (const l of layouts) rmSync(l.dir, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
});

function image(seed: string, platforms?: string[]): OciImage {
  const l = buildOciImage(seed, platforms);
  layouts.push(l);
  return l;
}

/** Runs a generated script as the workflow does (environment variables), against the local registry. */
function sh(script: string, args: string[], env: Record<string, string>) {
  const res = spawnSync('sh', [script, ...args], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH!, HOME: work, SRC_TLS_VERIFY: 'false', DEST_TLS_VERIFY: 'false', VERIFY: 'none', ...env },
  });
  return { code: res.status, out: res.stdout, err: res.stderr };
}

/** The build job's tag computation (the generated build-tags.sh). */
function buildTags(scripts: string, env: Record<string, string>): { tags: string; mutable: string } {
  const r = sh(sharedFile(scripts, 'build-tags.sh'), [], env);
  expect(r.err).toBe('');
  const out = Object.fromEntries(r.out.trim().split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
  return { tags: out.tags, mutable: out.mutable };
}

/**
 * Runs a hop job of the generated workflow the way the runner does: its `run`
 * steps in order with their `env` (build outputs substituted, registries pointed
 * at the local registry), stopping at the first failure. The OIDC and registry
 * login steps are skipped: the local registry needs none.
 */
function runJob(scripts: string, plan: PromotionPlan, jobId: string, outputs: Record<string, string>) {
  const job = parse(PromotionWorkflow.generate(plan).text).jobs[jobId];
  const results: Array<{ name: string; code: number | null; out: string; err: string }> = [];
  for (const step of job.steps) {
    if (!step.run || /^Log in/.test(step.name)) continue;
    const env: Record<string, string> = {};
    // The keyless identity needs cosign, Fulcio and Rekor: offline, these images are unsigned and the
    // step runs with VERIFY=none (signed-promotion.integration.test.ts runs the same steps with a key).
    if (step.env?.DIGEST || step.env?.SOURCE_REGISTRY) {
      expect(step.env.VERIFY_IDENTITY).toBe(`https://github.com/example/platform/.github/workflows/promote-${plan.cloud}.yml@refs/heads/main`);
    }
    for (const [key, value] of Object.entries<string>(step.env ?? {})) {
      if (key === 'VERIFY_IDENTITY' || key === 'VERIFY_ISSUER') continue;
      env[key] = /REGISTRY$/.test(key)
        ? registry.host
        : value.replace(/\$\{\{ needs\.build\.outputs\.(\w+) \}\}/g, (_m, k) => {
          if (!(k in outputs)) throw new Error(`no build output ${k}`);
          return outputs[k];
        });
    }
    // -e as GitHub's default shell (bash -e {0}): the first failing line of a step fails it.
    const res = spawnSync('sh', ['-ec', step.run], {
      cwd: join(scripts, '../../..'),
      encoding: 'utf8',
      env: { PATH: process.env.PATH!, HOME: work, SRC_TLS_VERIFY: 'false', DEST_TLS_VERIFY: 'false', VERIFY: 'none', ...env },
    });
    results.push({ name: step.name, code: res.status, out: res.stdout, err: res.stderr });
    if (res.status !== 0) break;
  }
  return results;
}

test('docker-registry and skopeo are installed (apt-get install -y docker-registry skopeo)', () => {
  expect(() => requireTools()).not.toThrow();
});

describe('repositories layout: dev -> staging -> prod by digest', () => {
  // AWS naming (platform/dev/api ...), hosts left as placeholders: the workflow passes SOURCE_REGISTRY/DEST_REGISTRY.
  const plan = PromotionPlanner.plan(promotionSpec(EnvironmentLayout.REPOSITORIES), { cloud: Cloud.AWS });
  let scripts: string;
  let env: Record<string, string>;
  let single: OciImage;
  let multi: OciImage;
  let build: { tags: string; mutable: string };

  beforeAll(async () => {
    scripts = writeScripts(work, 'repositories', plan);
    env = { SOURCE_REGISTRY: registry.host, DEST_REGISTRY: registry.host };
    build = buildTags(scripts, { GIT_SHA: 'abc1234def', VERSION: '1.0.0', STRATEGY: 'semver' });
    single = image('api v1');
    multi = image('worker v1', ['linux/amd64', 'linux/arm64']);
    // The build job: push each image to dev with every computed tag.
    await registry.pushTags(single, 'platform/dev/api', build.tags.split(' '));
    await registry.pushTags(multi, 'platform/dev/jobs/worker', build.tags.split(' '));
  });

  test('the build tags are the write-once build tag and version, and the moving aliases', () => {
    expect(build).toEqual({ tags: '1.0.0-abc1234 1.0.0 1.0 1 latest', mutable: '1.0 1 latest' });
  });

  test('single-arch and multi-arch: the digest is identical after each hop, and the tags match the plan', async () => {
    for (const hop of plan.hops) {
      for (const [name, layout] of [['api', single], ['jobs/worker', multi]] as const) {
        const r = sh(join(scripts, hop.scriptName), ['--image', name], { ...env, DIGEST: layout.digest, TAGS: build.tags, MUTABLE_TAGS: build.mutable });
        expect([hop.destinationEnvironment, name, r.code, r.err]).toEqual([hop.destinationEnvironment, name, 0, '']);
        const planned = hop.images.find((i) => i.image === name)!;
        expect(r.out).toContain(`promoted ${name} ${hop.sourceEnvironment} -> ${hop.destinationEnvironment}: ${registry.host}/${planned.destination.repository}@${layout.digest}, verified`);
        expect(r.out).toContain(`${registry.host}/${planned.destination.repository}:1.0.0-abc1234 -> ${layout.digest} (created)`);
        // The registry API agrees: every planned tag, and only those, resolves to the source digest.
        expect(await registry.tags(planned.destination.repository)).toEqual(build.tags.split(' ').sort());
        for (const tag of build.tags.split(' ')) {
          expect(await registry.digest(planned.destination.repository, tag)).toBe(layout.digest);
        }
      }
    }
    // The registry holds exactly the plan's repositories: the pushes to dev and each hop's destinations.
    const planned = [...plan.pushes.map((p) => p.destination.repository), ...plan.hops.flatMap((h) => h.images.map((i) => i.destination.repository))];
    expect(await registry.catalog()).toEqual(planned.sort());
    // Every platform manifest of the index came along (--all), under its own digest.
    expect(multi.platformDigests).toHaveLength(2);
    for (const d of multi.platformDigests) expect(await registry.digest('platform/prod/jobs/worker', d)).toBe(d);
  });

  test('re-running a hop is idempotent: every tag is already there', async () => {
    const r = sh(join(scripts, 'promote-staging-to-prod.sh'), ['--image', 'api'], { ...env, DIGEST: single.digest, TAGS: build.tags, MUTABLE_TAGS: build.mutable });
    expect(r.code).toBe(0);
    expect(r.out).toContain(`${registry.host}/platform/prod/api:1.0.0 -> ${single.digest} (already there)`);
  });

  test('an immutable tag that points at another digest is refused, and nothing changes at the destination', async () => {
    // A rebuild of version 1.0.0 from another commit: a new digest with the same write-once version tag.
    const rebuilt = image('api v1 rebuilt');
    const again = buildTags(scripts, { GIT_SHA: 'def5678aaa', VERSION: '1.0.0', STRATEGY: 'semver', EXISTING_VERSIONS: '' });
    await registry.pushTags(rebuilt, 'platform/dev/api', again.tags.split(' '));
    const before = await registry.tags('platform/staging/api');
    const r = sh(join(scripts, 'promote-dev-to-staging.sh'), ['--image', 'api'], { ...env, DIGEST: rebuilt.digest, TAGS: again.tags, MUTABLE_TAGS: again.mutable });
    expect(r.code).toBe(1);
    expect(r.err).toBe(
      `promote-dev-to-staging.sh: error: refusing to promote ${rebuilt.digest}: immutable tag(s) already point at another digest: `
      + `${registry.host}/platform/staging/api:1.0.0 (points at ${single.digest}); nothing was changed at the destination\n`,
    );
    expect(await registry.tags('platform/staging/api')).toEqual(before);
    // The mutable aliases were not moved either, and the new build tag was not created.
    expect(await registry.digest('platform/staging/api', 'latest')).toBe(single.digest);
    expect(await registry.digest('platform/staging/api', '1.0.0-def5678')).toBeUndefined();
  });

  test('mutable tags move to the new digest, and the output says from where', async () => {
    const next = image('api v1.0.1');
    const t = buildTags(scripts, { GIT_SHA: '0123456789', VERSION: '1.0.1', STRATEGY: 'semver', EXISTING_VERSIONS: 'v1.0.0' });
    expect(t).toEqual({ tags: '1.0.1-0123456 1.0.1 1.0 1 latest', mutable: '1.0 1 latest' });
    await registry.pushTags(next, 'platform/dev/api', t.tags.split(' '));
    const r = sh(join(scripts, 'promote-dev-to-staging.sh'), ['--image', 'api'], { ...env, DIGEST: next.digest, TAGS: t.tags, MUTABLE_TAGS: t.mutable });
    expect([r.code, r.err]).toEqual([0, '']);
    expect(r.out).toContain(`${registry.host}/platform/staging/api:latest -> ${next.digest} (moved from ${single.digest})`);
    expect(await registry.digest('platform/staging/api', '1.0.0')).toBe(single.digest);
    expect(await registry.digest('platform/staging/api', '1.0')).toBe(next.digest);
  });

  test('a source digest that is not in the source environment fails cleanly, before touching the destination', async () => {
    const missing = `sha256:${'0'.repeat(64)}`;
    const before = await registry.tags('platform/prod/api');
    const r = sh(join(scripts, 'promote-staging-to-prod.sh'), ['--image', 'api'], { ...env, DIGEST: missing, TAGS: '9.9.9-0000000' });
    expect(r.code).toBe(1);
    expect(r.err).toBe(`promote-staging-to-prod.sh: error: source image ${registry.host}/platform/staging/api@${missing} does not exist: nothing to promote (was it pushed to staging?)\n`);
    expect(await registry.tags('platform/prod/api')).toEqual(before);
  });

  test('the workflow\'s prod job, run step by step with the build outputs, promotes both images (already there)', () => {
    const outputs = {
      api_digest: single.digest,
      api_tags: build.tags,
      api_mutable: build.mutable,
      jobs_worker_digest: multi.digest,
      jobs_worker_tags: build.tags,
      jobs_worker_mutable: build.mutable,
    };
    const results = runJob(scripts, plan, 'promote-prod', outputs);
    expect(results.map((r) => [r.name, r.code, r.err])).toEqual([
      ['Check every image before copying any (dry run)', 0, ''],
      ['Promote api (staging -> prod)', 0, ''],
      ['Promote jobs/worker (staging -> prod)', 0, ''],
    ]);
    expect(results[2].out).toContain(`${registry.host}/platform/prod/jobs/worker:1.0.0-abc1234 -> ${multi.digest} (already there)`);
  });

  test('the workflow\'s staging job stops at the dry-run check when one image would be refused: no image is promoted', async () => {
    const api2 = image('api v2');
    const apiTags = buildTags(scripts, { GIT_SHA: '2222222aaa', VERSION: '2.0.0', EXISTING_VERSIONS: 'v1.0.0 v1.0.1' });
    await registry.pushTags(api2, 'platform/dev/api', apiTags.tags.split(' '));
    // jobs/worker rebuilt as 1.0.0 from another commit: its write-once 1.0.0 tag collides in staging.
    const worker2 = image('worker v1 rebuilt', ['linux/amd64', 'linux/arm64']);
    const workerTags = buildTags(scripts, { GIT_SHA: '3333333bbb', VERSION: '1.0.0' });
    await registry.pushTags(worker2, 'platform/dev/jobs/worker', workerTags.tags.split(' '));
    const before = await registry.tags('platform/staging/api');
    const results = runJob(scripts, plan, 'promote-staging', {
      api_digest: api2.digest,
      api_tags: apiTags.tags,
      api_mutable: apiTags.mutable,
      jobs_worker_digest: worker2.digest,
      jobs_worker_tags: workerTags.tags,
      jobs_worker_mutable: workerTags.mutable,
    });
    expect(results.map((r) => [r.name, r.code])).toEqual([['Check every image before copying any (dry run)', 1]]);
    expect(results[0].out).toContain(`dry run: ${registry.host}/platform/staging/api:2.0.0-2222222 would be created`);
    expect(results[0].err).toContain(`immutable tag(s) already point at another digest: ${registry.host}/platform/staging/jobs/worker:1.0.0 (points at ${multi.digest})`);
    expect(await registry.tags('platform/staging/api')).toEqual(before);
    expect(await registry.digest('platform/staging/api', 'latest')).not.toBe(api2.digest);
  });

  test('--dry-run checks and prints the plan, and changes nothing', async () => {
    const r = sh(join(scripts, 'promote-staging-to-prod.sh'), ['--image', 'jobs/worker', '--dry-run', '--tag', 'extra-1'], { ...env, DIGEST: multi.digest });
    expect(r.code).toBe(0);
    expect(r.out).toContain(`dry run: ${registry.host}/platform/prod/jobs/worker:extra-1 would be created`);
    expect(await registry.tags('platform/prod/jobs/worker')).not.toContain('extra-1');
  });
});

describe('credentials pass through to skopeo', () => {
  // bcrypt hash (cost 4, fast) of "s3cret" (Python: crypt.crypt('s3cret', crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=16))), for a registry with basic auth.
  const htpasswd = 'promoter:$2b$04$oywzZ2V0CLzlFDugR71vs.IgsvEDrYLrRwQ81QdvIT2ZfoHy5QrWC\n';
  const plan = PromotionPlanner.plan(promotionSpec(EnvironmentLayout.REGISTRIES), { cloud: Cloud.AWS });
  let secured: LocalRegistry;
  let scripts: string;
  let img: OciImage;

  beforeAll(async () => {
    secured = await LocalRegistry.start({ htpasswd });
    scripts = writeScripts(work, 'credentials', plan);
    img = image('secured api');
    secured.push(img, 'platform-dev/api', '3.0.0-aaaaaaa', 'promoter:s3cret');
  });
  afterAll(async () => secured?.stop());

  test('without credentials: the registry\'s refusal is reported as such, not mistaken for a missing image', () => {
    const r = sh(join(scripts, 'promote-dev-to-staging.sh'), ['--image', 'api', '--tag', '3.0.0-aaaaaaa'], { SOURCE_REGISTRY: secured.host, DEST_REGISTRY: secured.host, DIGEST: img.digest });
    expect(r.code).toBe(1);
    expect(r.err).toMatch(new RegExp(`^promote-dev-to-staging\\.sh: error: cannot read ${secured.host}/platform-dev/api@${img.digest}: .*unauthorized: authentication required`));
  });

  test('--src-creds / --dest-creds reach skopeo: the hop succeeds (registries layout: platform-dev/api -> platform-staging/api)', async () => {
    const r = sh(join(scripts, 'promote-dev-to-staging.sh'), ['--image', 'api', '--tag', '3.0.0-aaaaaaa', '--src-creds', 'promoter:s3cret', '--dest-creds=promoter:s3cret'], {
      SOURCE_REGISTRY: secured.host, DEST_REGISTRY: secured.host, DIGEST: img.digest,
    });
    expect([r.code, r.err]).toEqual([0, '']);
    expect(r.out).toContain(`${secured.host}/platform-staging/api:3.0.0-aaaaaaa -> ${img.digest} (created)`);
  });
});

describe('tags layout: environment tags move inside one repository', () => {
  // GCP naming: <location>-docker.pkg.dev/<project>/<repository>/<image>; here <host>/my-project/platform/api.
  const plan = PromotionPlanner.plan(promotionSpec(EnvironmentLayout.TAGS), { cloud: Cloud.GCP });
  const repo = 'my-project/platform/api';
  let scripts: string;
  let env: Record<string, string>;
  let first: OciImage;

  beforeAll(async () => {
    scripts = writeScripts(work, 'tags', plan);
    env = { SOURCE_REGISTRY: `${registry.host}/my-project`, DEST_REGISTRY: `${registry.host}/my-project` };
    first = image('tags api v2');
    // The build job with the tags layout: build tags plus the first environment's tag.
    const build = buildTags(scripts, { GIT_SHA: 'feedbeef00', VERSION: '2.0.0', ENVIRONMENT_TAGS: plan.pushes[0].environmentTags.join(' ') });
    expect(build.tags).toBe('2.0.0-feedbee 2.0.0 2.0 2 latest dev');
    await registry.pushTags(first, repo, build.tags.split(' '));
  });

  test('each hop moves its environment tag to the digest; the repository is the same', async () => {
    expect(plan.hops.map((h) => h.images[0].destination.repository)).toEqual(['platform/api', 'platform/api']);
    for (const hop of plan.hops) {
      const r = sh(join(scripts, hop.scriptName), ['--image', 'api'], { ...env, DIGEST: first.digest });
      expect([hop.destinationEnvironment, r.code, r.err]).toEqual([hop.destinationEnvironment, 0, '']);
      expect(r.out).toContain(`${registry.host}/${repo}:${hop.destinationEnvironment} -> ${first.digest} (created)`);
    }
    expect(await registry.tags(repo)).toEqual(['2', '2.0', '2.0.0', '2.0.0-feedbee', 'dev', 'latest', 'prod', 'staging']);
    for (const name of ['dev', 'staging', 'prod']) expect(await registry.digest(repo, name)).toBe(first.digest);
  });

  test('only the digest the source environment tag points at can be promoted', async () => {
    const newer = image('tags api v2.1');
    registry.push(newer, repo, '2.1.0-1111111');
    registry.push(newer, repo, 'dev'); // dev moved on
    const r = sh(join(scripts, 'promote-dev-to-staging.sh'), ['--image', 'api'], { ...env, DIGEST: first.digest });
    expect(r.code).toBe(1);
    expect(r.err).toBe(`promote-dev-to-staging.sh: error: ${registry.host}/${repo}:dev points at ${newer.digest}, not ${first.digest}: only the digest that is in dev can be promoted\n`);
    // The newer digest in dev promotes, moving staging.
    const ok = sh(join(scripts, 'promote-dev-to-staging.sh'), ['--image', 'api'], { ...env, DIGEST: newer.digest });
    expect([ok.code, ok.err]).toEqual([0, '']);
    expect(ok.out).toContain(`${registry.host}/${repo}:staging -> ${newer.digest} (moved from ${first.digest})`);
    expect(await registry.digest(repo, 'staging')).toBe(newer.digest);
    expect(await registry.digest(repo, 'prod')).toBe(first.digest);
  });
});
