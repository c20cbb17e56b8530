/**
 * Signed promotion against a real registry on loopback (Debian's docker-registry):
 * an image signed in dev (a cosign signature in the tag-based scheme,
 * `sha256-<hex>.sig`) goes dev -> staging -> prod through the generated hop
 * scripts with `--verify-key`; each hop verifies the signature at the source,
 * copies it with the image, and verifies it again at the destination. Every
 * refusal (unsigned, signed by another key, a signature that does not verify, a
 * valid signature of another digest) changes nothing at the destination.
 *
 * Keyless verification (`--verify-identity`, cosign against Fulcio and Rekor)
 * cannot run offline; it is the same step of the script with another verifier.
 */
import { spawnSync } from 'child_process';
import { createHash, createPublicKey, verify } from 'crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { parse } from 'yaml';
import { generateSigningKey, pushSignature, SIGNATURE_ANNOTATION, SigningKey, SIMPLE_SIGNING_MEDIA_TYPE, Tamper } from './cosign-signature';
import { promotionSpec } from './fixtures';
import { writeScripts } from './helpers';
import { buildOciImage, LocalRegistry, OciImage, request } from './oci-registry';
import { PromotionPlanner, PromotionWorkflow } from '../../src/promotion';
import { Cloud, EnvironmentLayout } from '../../src/spec';

// A guard against a hung hop, not a speed goal: generous enough for a loaded 2-core machine.
jest.setTimeout(180_000);

let registry: LocalRegistry;
const work = mkdtempSync(join(tmpdir(), 'signed-promotion-'));
const layouts: OciImage[] = [];
let build: SigningKey;
let other: SigningKey;

beforeAll(async () => {
  registry = await LocalRegistry.start();
  build = generateSigningKey(work, 'build');
  other = generateSigningKey(work, 'other');
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

function sh(script: string, args: string[], env: Record<string, string>) {
  const res = spawnSync('sh', [script, ...args], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH!, HOME: work, SRC_TLS_VERIFY: 'false', DEST_TLS_VERIFY: 'false', ...env },
  });
  return { code: res.status, out: res.stdout, err: res.stderr };
}

const sigTag = (digest: string) => `${digest.replace(':', '-')}.sig`;

/**
 * An independent check of the signature stored at `repository` (the registry
 * API and Node's crypto, not the script): some layer of the `.sig` manifest is a
 * payload whose digest matches, that names `digest`, and whose signature
 * verifies with `key`.
 */
async function validSignature(repository: string, digest: string, key: SigningKey): Promise<boolean> {
  const res = await request(`http://${registry.host}/v2/${repository}/manifests/${sigTag(digest)}`, 'GET', {
    Accept: 'application/vnd.oci.image.manifest.v1+json',
  });
  if (res.status !== 200) return false;
  const manifest = JSON.parse(res.body.toString('utf8')) as { layers: Array<{ mediaType: string; digest: string; annotations?: Record<string, string> }> };
  const publicKey = createPublicKey(readFileSync(key.publicKeyPath));
  for (const layer of manifest.layers) {
    if (layer.mediaType !== SIMPLE_SIGNING_MEDIA_TYPE) continue;
    const blob = await request(`http://${registry.host}/v2/${repository}/blobs/${layer.digest}`);
    if (`sha256:${createHash('sha256').update(blob.body).digest('hex')}` !== layer.digest) continue;
    const signature = Buffer.from(layer.annotations?.[SIGNATURE_ANNOTATION] ?? '', 'base64');
    const payload = JSON.parse(blob.body.toString('utf8'));
    if (verify('sha256', blob.body, publicKey, signature) && payload.critical.image['docker-manifest-digest'] === digest) return true;
  }
  return false;
}

describe('repositories layout: a signed image goes dev -> staging -> prod, verified at every hop', () => {
  const plan = PromotionPlanner.plan(promotionSpec(EnvironmentLayout.REPOSITORIES), { cloud: Cloud.AWS });
  let scripts: string;
  let env: Record<string, string>;
  const tags = '1.0.0-abc1234 1.0.0';

  beforeAll(() => {
    scripts = writeScripts(work, 'repositories', plan);
    env = { SOURCE_REGISTRY: registry.host, DEST_REGISTRY: registry.host, VERIFY_KEY: build.publicKeyPath, TAGS: tags };
  });

  /** The build: push to dev with its tags, and sign the digest (with `key`, tampered or not). */
  async function pushSigned(layout: OciImage, key: SigningKey | undefined, tamper = Tamper.NONE, buildTags = tags) {
    await registry.pushTags(layout, 'platform/dev/api', buildTags.split(' '));
    if (key) await pushSignature(registry.host, 'platform/dev/api', layout.digest, key, tamper);
  }

  test.each([
    ['a single-arch image', ['linux/amd64'], tags],
    ['a two-platform index', ['linux/amd64', 'linux/arm64'], '1.1.0-def5678 1.1.0'],
  ])('%s: the signature is verified at the source, copied, and valid at each destination', async (_name, platforms, buildTags) => {
    const signed = image(`signed ${platforms.join(' ')}`, platforms);
    await pushSigned(signed, build, Tamper.NONE, buildTags);
    expect(await validSignature('platform/dev/api', signed.digest, build)).toBe(true);
    for (const hop of plan.hops) {
      const destination = hop.images.find((i) => i.image === 'api')!.destination.repository;
      expect(await validSignature(destination, signed.digest, build)).toBe(false);
      const r = sh(join(scripts, hop.scriptName), ['--image', 'api'], { ...env, DIGEST: signed.digest, TAGS: buildTags });
      expect([hop.scriptName, r.code, r.err]).toEqual([hop.scriptName, 0, '']);
      expect(r.out).toContain(`signature of ${registry.host}/${hop.images[0].source.repository}@${signed.digest} verified (key ${build.publicKeyPath})`);
      expect(r.out).toContain(`signature of ${registry.host}/${destination}@${signed.digest} verified at the destination`);
      // The registry holds the signature next to the image, and it verifies with the build key (checked independently).
      expect(await registry.digest(destination, buildTags.split(' ')[1])).toBe(signed.digest);
      expect(await registry.tags(destination)).toContain(sigTag(signed.digest));
      expect(await validSignature(destination, signed.digest, build)).toBe(true);
      // Negative control of the independent check: the same signature does not verify with another key.
      expect(await validSignature(destination, signed.digest, other)).toBe(false);
    }
  });

  test.each([
    ['unsigned', undefined, Tamper.NONE, /is not signed \(no [^ ]+:sha256-[0-9a-f]{64}\.sig\)/],
    ['signed by another key', 'other', Tamper.NONE, /a signature does not verify with .*build\.pub/],
    ['a tampered signature (its last byte changed)', 'build', Tamper.FLIPPED_SIGNATURE, /a signature does not verify with .*build\.pub/],
    ['a valid signature of another digest', 'build', Tamper.OTHER_DIGEST, /a valid signature is for sha256:[0-9a-f]{64}, not sha256:/],
  ] as const)('%s: refused at the source, nothing changes at the destination', async (name, signer, tamper, reason) => {
    const layout = image(`refused: ${name}`);
    await pushSigned(layout, signer === 'build' ? build : signer === 'other' ? other : undefined, tamper);
    const before = await registry.tags('platform/staging/api');
    const beforeDigest = await registry.digest('platform/staging/api', '1.0.0');
    const r = sh(join(scripts, 'promote-dev-to-staging.sh'), ['--image', 'api'], { ...env, DIGEST: layout.digest, TAGS: `${tags} 1.0.0-refused` });
    expect(r.code).toBe(1);
    expect(r.err).toMatch(new RegExp(
      `^promote-dev-to-staging\\.sh: error: refusing to promote ${layout.digest}: the signature at the source does not verify: .*; nothing was changed at the destination\\n$`,
    ));
    expect(r.err).toMatch(reason);
    expect(await registry.tags('platform/staging/api')).toEqual(before);
    expect(await registry.digest('platform/staging/api', '1.0.0')).toBe(beforeDigest);
    expect(await registry.digest('platform/staging/api', layout.digest)).toBeUndefined();
  });

  test('a copy that loses the signature fails the hop at the destination check (negative control of the second verification)', async () => {
    // A skopeo that drops signatures when it writes to a registry (as a tool without attachment support would).
    const bin = join(work, 'skopeo-drops-signatures');
    mkdirSync(bin, { recursive: true });
    const real = spawnSync('sh', ['-c', 'command -v skopeo'], { encoding: 'utf8' }).stdout.trim();
    writeFileSync(join(bin, 'skopeo'), [
      '#!/bin/sh',
      'last=""; for a in "$@"; do last=$a; done',
      'case " $* " in',
      `  *" copy "*) case $last in docker://*) exec '${real}' "$@" --remove-signatures ;; esac ;;`,
      'esac',
      `exec '${real}' "$@"`,
      '',
    ].join('\n'), { mode: 0o755 });
    const layout = image('signature lost on the way');
    await pushSigned(layout, build, Tamper.NONE, '5.0.0-abc1234 5.0.0');
    const r = sh(join(scripts, 'promote-dev-to-staging.sh'), ['--image', 'api'], {
      ...env, DIGEST: layout.digest, TAGS: '5.0.0-abc1234 5.0.0', PATH: `${bin}:${process.env.PATH}`,
    });
    expect(r.code).toBe(1);
    expect(r.out).toContain(`signature of ${registry.host}/platform/dev/api@${layout.digest} verified`);
    expect(r.err).toBe(
      `promote-dev-to-staging.sh: error: verification failed at the destination: ${layout.digest} is not signed `
      + `(no ${registry.host}/platform/staging/api:${sigTag(layout.digest)})\n`,
    );
  });

  test('--no-verify promotes an unsigned image and says so; no option at all is refused', async () => {
    const layout = image('unsigned, skipped');
    await pushSigned(layout, undefined);
    const none = sh(join(scripts, 'promote-dev-to-staging.sh'), ['--image', 'api'], { ...env, VERIFY_KEY: '', DIGEST: layout.digest, TAGS: '2.0.0-unsigned' });
    expect(none.code).toBe(1);
    expect(none.err).toContain('no signature verification given: use --verify-identity IDENTITY (keyless, as the workflow does) or --verify-key FILE');
    const r = sh(join(scripts, 'promote-dev-to-staging.sh'), ['--image', 'api', '--no-verify'], { ...env, VERIFY_KEY: '', DIGEST: layout.digest, TAGS: '2.0.0-unsigned' });
    expect([r.code, r.err]).toEqual([0, '']);
    expect(r.out).toContain('warning: signatures are not verified (--no-verify)');
  });
});

describe('the workflow\'s hop jobs, run step by step: the keyless identity replaced by the test key', () => {
  const plan = PromotionPlanner.plan(promotionSpec(EnvironmentLayout.REGISTRIES), { cloud: Cloud.AZURE, acrRegistrySuffix: '' });

  /** Runs a hop job's `run` steps with their env: registries at the loopback registry, VERIFY_IDENTITY swapped for VERIFY_KEY. */
  function runJob(root: string, jobId: string, outputs: Record<string, string>) {
    const job = parse(PromotionWorkflow.generate(plan).text).jobs[jobId];
    const results: Array<{ name: string; code: number | null; out: string; err: string }> = [];
    for (const step of job.steps) {
      if (!step.run || /^Log in/.test(step.name)) continue;
      const env: Record<string, string> = {};
      for (const [key, value] of Object.entries<string>(step.env ?? {})) {
        if (key === 'VERIFY_IDENTITY') {
          expect(value).toBe('https://github.com/example/platform/.github/workflows/promote-azure.yml@refs/heads/main');
          env.VERIFY_KEY = build.publicKeyPath;
        } else if (key !== 'VERIFY_ISSUER') {
          env[key] = /REGISTRY$/.test(key) ? registry.host : value.replace(/\$\{\{ needs\.build\.outputs\.(\w+) \}\}/g, (_m, k) => outputs[k]);
        }
      }
      expect(env.VERIFY_KEY).toBeDefined();
      // -e as GitHub's default shell (bash -e {0}): the first failing line of a step fails it.
      const res = spawnSync('sh', ['-ec', step.run], {
        cwd: root, encoding: 'utf8', env: { PATH: process.env.PATH!, HOME: work, SRC_TLS_VERIFY: 'false', DEST_TLS_VERIFY: 'false', ...env },
      });
      results.push({ name: step.name, code: res.status, out: res.stdout, err: res.stderr });
      if (res.status !== 0) break;
    }
    return results;
  }

  test('signed: every hop job succeeds and leaves a valid signature; the dry run of an unsigned image stops the job before any copy', async () => {
    const scripts = writeScripts(work, 'workflow', plan);
    const root = join(scripts, '../../..');
    const tagsFor = '3.0.0-abc1234 3.0.0';
    const signed = { api: image('workflow api'), worker: image('workflow worker') };
    const outputs: Record<string, string> = {};
    for (const [name, layout] of [['api', signed.api], ['jobs/worker', signed.worker]] as const) {
      const dev = plan.pushes.find((p) => p.image === name)!.destination.repository;
      await registry.pushTags(layout, dev, tagsFor.split(' '));
      await pushSignature(registry.host, dev, layout.digest, build);
      outputs[PromotionWorkflow.outputKey(name, 'digest')] = layout.digest;
      outputs[PromotionWorkflow.outputKey(name, 'tags')] = tagsFor;
      outputs[PromotionWorkflow.outputKey(name, 'mutable')] = '';
    }
    for (const hop of plan.hops) {
      const results = runJob(root, hop.jobId, outputs);
      expect(results.map((r) => [r.name, r.code, r.err])).toEqual(results.map((r) => [r.name, 0, '']));
      expect(results.map((r) => r.name)).toContain('Check every image before copying any (dry run)');
      for (const i of hop.images) {
        const layout = i.image === 'api' ? signed.api : signed.worker;
        expect(await validSignature(i.destination.repository, layout.digest, build)).toBe(true);
      }
    }
    // One image unsigned: the dry run refuses it, so neither image reaches staging.
    const unsigned = image('workflow api unsigned');
    const api = plan.pushes.find((p) => p.image === 'api')!.destination.repository;
    await registry.pushTags(unsigned, api, ['3.0.1-def5678', '3.0.1']);
    const staging = plan.hops[0];
    const before = await Promise.all(staging.images.map((i) => registry.tags(i.destination.repository)));
    const results = runJob(root, staging.jobId, {
      ...outputs,
      [PromotionWorkflow.outputKey('api', 'digest')]: unsigned.digest,
      [PromotionWorkflow.outputKey('api', 'tags')]: '3.0.1-def5678 3.0.1',
      [PromotionWorkflow.outputKey('jobs/worker', 'tags')]: '3.0.1-def5678 3.0.1',
    });
    expect(results.map((r) => [r.name, r.code])).toEqual([['Check every image before copying any (dry run)', 1]]);
    expect(results[0].err).toContain(`refusing to promote ${unsigned.digest}: the signature at the source does not verify: ${unsigned.digest} is not signed`);
    expect(await Promise.all(staging.images.map((i) => registry.tags(i.destination.repository)))).toEqual(before);
  });
});

describe('the scan gate of the hop into prod (protected: it requires approval)', () => {
  // The registry's threshold is high; api accepts one of the two findings at or above it.
  const spec = promotionSpec(EnvironmentLayout.REPOSITORIES, {
    scanning: { severityThreshold: 'high' as any, allowedVulnerabilities: ['CVE-2024-0001'] },
  });
  const outputs = join(__dirname, 'scan-outputs');

  test('the plan gates only the protected hop, with the spec\'s threshold and allowlist', () => {
    const plan = PromotionPlanner.plan(spec, { cloud: Cloud.AWS });
    expect(plan.hops.map((h) => [h.destinationEnvironment, h.requiresApproval, h.images[0].gate])).toEqual([
      ['staging', false, undefined],
      ['prod', true, { severityThreshold: 'high', allowedVulnerabilities: ['CVE-2024-0001'] }],
    ]);
    const plain = PromotionPlanner.plan(promotionSpec(EnvironmentLayout.REPOSITORIES), { cloud: Cloud.AWS });
    expect(plain.hops.map((h) => h.images[0].gate)).toEqual([undefined, undefined]);
  });

  test('signed but with a HIGH finding not accepted: staging takes it, prod refuses it and is unchanged; accepted, it goes through', async () => {
    const plan = PromotionPlanner.plan(spec, { cloud: Cloud.AWS });
    const scripts = writeScripts(work, 'gated', plan);
    const layout = image('gated image');
    const tagsFor = '4.0.0-abc1234 4.0.0';
    await registry.pushTags(layout, 'platform/dev/api', tagsFor.split(' '));
    await pushSignature(registry.host, 'platform/dev/api', layout.digest, build);
    const env = {
      SOURCE_REGISTRY: registry.host, DEST_REGISTRY: registry.host, VERIFY_KEY: build.publicKeyPath, DIGEST: layout.digest, TAGS: tagsFor,
    };
    // ECR basic scan: CVE-2024-0001 CRITICAL (accepted by the spec), CVE-2024-0002 HIGH.
    const findings = join(outputs, 'aws-basic-complete.json');
    const staging = sh(join(scripts, 'promote-dev-to-staging.sh'), ['--image', 'api', '--scan-findings', findings], env);
    expect([staging.code, staging.err]).toEqual([0, '']);
    expect(staging.out).not.toContain('scan-gate');
    const before = await registry.tags('platform/prod/api');
    const refused = sh(join(scripts, 'promote-staging-to-prod.sh'), ['--image', 'api', '--scan-findings', findings], env);
    expect(refused.code).toBe(1);
    expect(refused.out).toContain('scan-gate: accepted by the spec\'s allowlist: CVE-2024-0001(CRITICAL)');
    expect(refused.err).toBe(
      `scan-gate: error: refusing ${layout.digest}: findings at or above high: CVE-2024-0002(HIGH) (accept a risk by adding its id to scanning.allowedVulnerabilities)\n`
      + `promote-staging-to-prod.sh: error: refusing to promote ${layout.digest} to prod: the scan gate refused it (above); nothing was changed at the destination\n`,
    );
    expect(await registry.tags('platform/prod/api')).toEqual(before);
    // Negative control: a scan whose only finding at or above high is the accepted one passes.
    const clean = join(work, 'clean-scan.json');
    writeFileSync(clean, JSON.stringify({
      imageScanStatus: { status: 'COMPLETE' },
      imageScanFindings: { findings: [{ name: 'CVE-2024-0001', severity: 'CRITICAL' }, { name: 'CVE-2024-0003', severity: 'MEDIUM' }] },
    }));
    const passed = sh(join(scripts, 'promote-staging-to-prod.sh'), ['--image', 'api', '--scan-findings', clean], env);
    expect([passed.code, passed.err]).toEqual([0, '']);
    expect(passed.out).toContain(`scan-gate: passed: ${layout.digest} has no finding at or above high (2 finding(s) in all)`);
    expect(await registry.digest('platform/prod/api', '4.0.0')).toBe(layout.digest);
    expect(await validSignature('platform/prod/api', layout.digest, build)).toBe(true);
  });
});

describe('tags layout: the hop moves the environment tag inside one repository; the signature is already there', () => {
  const plan = PromotionPlanner.plan(promotionSpec(EnvironmentLayout.TAGS), { cloud: Cloud.GCP });

  test('dev -> staging -> prod verifies the one signature, and the .sig manifest is unchanged', async () => {
    const scripts = writeScripts(work, 'tags', plan);
    const repository = plan.pushes.find((p) => p.image === 'api')!.destination.repository;
    const layout = image('tags layout signed');
    await registry.pushTags(layout, repository, ['1.0.0-abc1234', 'dev']);
    await pushSignature(registry.host, repository, layout.digest, build);
    const sigBefore = await registry.digest(repository, sigTag(layout.digest));
    for (const hop of plan.hops) {
      const r = sh(join(scripts, hop.scriptName), ['--image', 'api'], {
        SOURCE_REGISTRY: registry.host, DEST_REGISTRY: registry.host, VERIFY_KEY: build.publicKeyPath, DIGEST: layout.digest,
      });
      expect([hop.scriptName, r.code, r.err]).toEqual([hop.scriptName, 0, '']);
      expect(await registry.digest(repository, hop.destinationEnvironment)).toBe(layout.digest);
    }
    // skopeo found the signature already there and did not append a copy of it.
    expect(await registry.digest(repository, sigTag(layout.digest))).toBe(sigBefore);
    expect(await validSignature(repository, layout.digest, build)).toBe(true);
  });
});
