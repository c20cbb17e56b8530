/**
 * Promotion on Harbor, end to end against the loopback registry (Debian's
 * docker-registry with htpasswd basic auth standing in for Harbor's registry
 * endpoint): the generated workflow's hop jobs run step by step, robot logins
 * included. Each robot is a user of the htpasswd file named as Harbor names a
 * project robot (`robot$<project>+<name>`), its secret read from the job's
 * secrets; the robot name variables and secret names are resolved through
 * WorkflowVariables.harborRobotName / harborRobotSecret, the functions the
 * Harbor construct's outputs are named by. A hop between projects (the
 * `registries` layout) logs in as two robots, each into its own auth file, and
 * the hop script copies by digest with them, verifying the signature (a key in
 * place of the keyless identity) at the source and at the destination.
 *
 * Harbor's REST API (the scan gate's source) is not part of docker-registry: a
 * stand-in `curl` answers the gate's two requests in the recorded shapes of
 * test/promotion/scan-outputs/harbor-success.json (for the requested digest) and
 * records the credentials it was given. Per-project authorization (a robot of one
 * project refused in another) is Harbor's, not the test registry's: the
 * authorizing proxy (test/promotion/authorizing-proxy.ts) is where it is proven.
 */
import { spawnSync } from 'child_process';
import { createHash } from 'crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { parse } from 'yaml';
import { generateSigningKey, pushSignature, SigningKey } from './cosign-signature';
import { promotionSpec } from './fixtures';
import { writeScripts } from './helpers';
import { buildOciImage, LocalRegistry, OciImage, skopeoHome } from './oci-registry';
import { PromotionPlan, PromotionPlanner, PromotionWorkflow, WorkflowVariables } from '../../src/promotion';
import { Cloud, EnvironmentLayout, RegistrySpec, Severity } from '../../src/spec';

jest.setTimeout(180_000);

/**
 * The robots of the spec's identities, one per identity and project, with their
 * secrets and bcrypt hashes (cost 4; Python: crypt.crypt(secret, crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=16))).
 */
const ROBOTS: Array<[identity: string, project: string, secret: string, hash: string]> = [
  ['ci', 'platform-dev', 'ci-dev-secret', '$2b$04$7VMd9On7DpC20Rd1ijbOdOq/vcYArECYbY4y7YiXcGfHQPThm3HvS'],
  ['promote-staging', 'platform-dev', 'ps-dev-secret', '$2b$04$wUNojiyIWzS9ISPwiYDauekM5qg.30c0LjmomUvOg/EEyMprDku1C'],
  ['promote-staging', 'platform-staging', 'ps-staging-secret', '$2b$04$ASq5AFU/KS0CGma07XOGwuRNblpawv9Np.JkbKDhkh0bHaEyogz5.'],
  ['promote-prod', 'platform-staging', 'pp-staging-secret', '$2b$04$gqEaxeZCjOyfREtDIzGXcuQ4iXf3bSx0Er8LWmG69GYW/FF24kA8q'],
  ['promote-prod', 'platform-prod', 'pp-prod-secret', '$2b$04$H6t0kLefaM2Fm5iJ2EysVeHgiHMaVTs5aHwbEJpIWFZcW8JAWGqyu'],
];
/** Harbor's name of a project robot: `robot$` (the default prefix) + `<project>+<name>`. */
const robotName = (identity: string, project: string) => `robot$${project}+${identity}`;
const creds = (identity: string, project: string) => `${robotName(identity, project)}:${ROBOTS.find((r) => r[0] === identity && r[1] === project)![2]}`;

let registry: LocalRegistry;
const work = mkdtempSync(join(tmpdir(), 'harbor-promotion-'));
const layouts: OciImage[] = [];
let key: SigningKey;
let standIn: { bin: string; log: string; stdin: string };

beforeAll(async () => {
  registry = await LocalRegistry.start({ htpasswd: ROBOTS.map(([identity, project, , hash]) => `${robotName(identity, project)}:${hash}\n`).join('') });
  key = generateSigningKey(work, 'build');
  standIn = harborApiStandIn();
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

/** A `curl` (and a skopeo wrapper, below) that answers Harbor's artifact (scan overview: Success) and vulnerabilities (CVE-2024-3001, Critical) for any digest. */
function harborApiStandIn(): { bin: string; log: string; stdin: string } {
  const bin = join(work, 'harbor-api');
  mkdirSync(bin);
  const log = join(bin, 'calls');
  const stdin = join(bin, 'stdin');
  const recorded = join(__dirname, 'scan-outputs', 'harbor-success.json');
  // The test registry speaks plain HTTP, and skopeo 1.9 reads no registries.conf override from the environment:
  // a wrapper adds --tls-verify=false to `skopeo login` (a Harbor on HTTPS needs none); every other call is unchanged.
  const skopeo = spawnSync('sh', ['-c', 'command -v skopeo'], { encoding: 'utf8' }).stdout.trim();
  writeFileSync(join(bin, 'skopeo'), `#!/bin/sh\nif [ "$1" = login ]; then shift; exec '${skopeo}' login --tls-verify=false "$@"; fi\nexec '${skopeo}' "$@"\n`, { mode: 0o755 });
  writeFileSync(join(bin, 'curl'), [
    '#!/bin/sh',
    `cat >>'${stdin}'`,
    `printf '%s\\n' "$*" >>'${log}'`,
    'out=; url=',
    'while [ $# -gt 0 ]; do case $1 in --output) out=$2; shift 2 ;; https://*) url=$1; shift ;; *) shift ;; esac; done',
    'digest=$(printf \'%s\' "$url" | sed -n \'s,.*/artifacts/\\(sha256:[0-9a-f]*\\).*,\\1,p\')',
    'case $url in',
    `  */additions/vulnerabilities) jq .vulnerabilities '${recorded}' >"$out" ;;`,
    `  *) jq --arg d "$digest" '.artifact | .digest = $d' '${recorded}' >"$out" ;;`,
    'esac',
    'printf 200',
    '',
  ].join('\n'), { mode: 0o755 });
  return { bin, log, stdin };
}

/** The sha256 of the raw manifest at `ref`, read with a robot's credentials (undefined when absent). */
function digestOf(ref: string, robot: string): string | undefined {
  const res = spawnSync('skopeo', ['inspect', '--raw', '--tls-verify=false', `--creds=${robot}`, `docker://${registry.host}/${ref}`], {
    env: { PATH: process.env.PATH!, ...skopeoHome(work) },
  });
  if (res.status !== 0) {
    if (/manifest unknown|not found/i.test(res.stderr.toString())) return undefined;
    throw new Error(`skopeo inspect ${ref}: ${res.stderr}`);
  }
  return `sha256:${createHash('sha256').update(res.stdout).digest('hex')}`;
}

interface JobOptions {
  readonly outputs: Record<string, string>;
  readonly secrets?: Record<string, string>;
}

/**
 * Runs a hop job of the plan's workflow as the runner does: every `run` step in
 * order, robot logins included, with its `env` resolved (variables, secrets,
 * runner.temp, build outputs), stopping at the first failure. VERIFY_IDENTITY
 * (keyless, needs Fulcio and Rekor) is replaced by the test key.
 */
function runJob(plan: PromotionPlan, root: string, jobId: string, options: JobOptions) {
  const variables: Record<string, string> = {};
  const secrets: Record<string, string> = {};
  for (const [identity, project, secret] of ROBOTS) {
    variables[WorkflowVariables.harborRobotName(identity, project)] = robotName(identity, project);
    secrets[WorkflowVariables.harborRobotSecret(identity, project)] = secret;
  }
  Object.assign(secrets, options.secrets ?? {});
  const runnerTemp = mkdtempSync(join(work, 'runner-'));
  const job = parse(PromotionWorkflow.generate(plan).text).jobs[jobId];
  const results: Array<{ name: string; code: number | null; out: string; err: string }> = [];
  for (const step of job.steps) {
    if (!step.run) continue;
    const env: Record<string, string> = {};
    for (const [name, value] of Object.entries<string>(step.env ?? {})) {
      if (name === 'VERIFY_IDENTITY') {
        env.VERIFY_KEY = key.publicKeyPath;
        continue;
      }
      if (name === 'VERIFY_ISSUER') continue;
      env[name] = value.replace(/\$\{\{ (vars|secrets|needs\.build\.outputs|runner)\.(\w+) \}\}/g, (_m, scope: string, k: string) => {
        const from: Record<string, string> = scope === 'vars' ? variables : scope === 'secrets' ? secrets : scope === 'runner' ? { temp: runnerTemp } : options.outputs;
        if (!(k in from)) throw new Error(`step "${step.name}" reads ${scope}.${k}, which is not set`);
        return from[k];
      });
    }
    const res = spawnSync('sh', ['-ec', step.run], {
      cwd: root,
      encoding: 'utf8',
      env: {
        PATH: `${standIn.bin}:${process.env.PATH}`,
        ...skopeoHome(work),
        SRC_TLS_VERIFY: 'false',
        DEST_TLS_VERIFY: 'false',
        ...env,
      },
    });
    results.push({ name: step.name, code: res.status, out: res.stdout, err: res.stderr });
    if (res.status !== 0) break;
  }
  return { results, runnerTemp };
}

const spec = (allowed: string[]): RegistrySpec => promotionSpec(EnvironmentLayout.REGISTRIES, {
  scanning: { severityThreshold: Severity.CRITICAL, allowedVulnerabilities: allowed },
});

describe('registries layout: dev -> staging -> prod on Harbor, as the workflow runs it', () => {
  const plan = PromotionPlanner.plan(spec(['CVE-2024-3001']), { cloud: Cloud.HARBOR, harborHost: '127.0.0.1:5000' });
  let located: PromotionPlan;
  let root: string;
  const tags = '4.0.0-abc1234 4.0.0';
  const outputs: Record<string, string> = {};
  let images: Record<string, OciImage>;

  beforeAll(async () => {
    // The host is known once the registry runs: plan again with it (the scripts bake it in as the default).
    located = PromotionPlanner.plan(spec(['CVE-2024-3001']), { cloud: Cloud.HARBOR, harborHost: registry.host });
    root = join(writeScripts(work, 'accepted', located), '../../..');
    images = { 'api': image('harbor api'), 'jobs/worker': image('harbor worker', ['linux/amd64', 'linux/arm64']) };
    // The build job: push as the CI robot of the dev project, and sign.
    for (const push of located.pushes) {
      const layout = images[push.image];
      await registry.pushTags(layout, `${push.destination.project}/${push.destination.repository}`, tags.split(' '), { creds: creds('ci', 'platform-dev') });
      await pushSignature(registry.host, `${push.destination.project}/${push.destination.repository}`, layout.digest, key, undefined,
        `Basic ${Buffer.from(creds('ci', 'platform-dev')).toString('base64')}`);
      outputs[PromotionWorkflow.outputKey(push.image, 'digest')] = layout.digest;
      outputs[PromotionWorkflow.outputKey(push.image, 'tags')] = tags;
      outputs[PromotionWorkflow.outputKey(push.image, 'mutable')] = '';
    }
  });

  test('the plan addresses <host>/<project>/<path>, with a project per environment', () => {
    expect(plan.hops.map((h) => `${h.images[0].source.reference} -> ${h.images[0].destination.reference}`)).toEqual([
      '127.0.0.1:5000/platform-dev/api -> 127.0.0.1:5000/platform-staging/api',
      '127.0.0.1:5000/platform-staging/api -> 127.0.0.1:5000/platform-prod/api',
    ]);
  });

  test('each hop job logs in as its promoter\'s two project robots and copies every image by digest, signature verified at both ends', () => {
    for (const hop of located.hops) {
      const { results, runnerTemp } = runJob(located, root, hop.jobId, { outputs });
      expect(results.map((r) => [r.name, r.code, r.err])).toEqual(results.map((r) => [r.name, 0, '']));
      const promoter = hop.promoter!;
      expect(results.filter((r) => /^Log in/.test(r.name)).map((r) => r.out.trim())).toEqual(['Login Succeeded!', 'Login Succeeded!']);
      // Each auth file holds exactly its project's robot.
      for (const project of [hop.images[0].source.project!, hop.images[0].destination.project!]) {
        const auths = JSON.parse(readFileSync(join(runnerTemp, 'harbor-auth', `${project}.json`), 'utf8')).auths;
        expect(Object.keys(auths)).toEqual([registry.host]);
        expect(Buffer.from(auths[registry.host].auth, 'base64').toString('utf8')).toBe(creds(promoter, project));
      }
      for (const i of hop.images) {
        const dest = `${i.destination.project}/${i.destination.repository}`;
        const layout = images[i.image];
        for (const tag of tags.split(' ')) expect([dest, tag, digestOf(`${dest}:${tag}`, creds(promoter, i.destination.project!))]).toEqual([dest, tag, layout.digest]);
        // The signature came along, and the script verified it at the destination.
        expect(digestOf(`${dest}:${layout.digest.replace(':', '-')}.sig`, creds(promoter, i.destination.project!))).toMatch(/^sha256:/);
        const step = results.find((r) => r.name === `Promote ${i.image} (${hop.sourceEnvironment} -> ${hop.destinationEnvironment})`)!;
        expect(step.out).toContain(`signature of ${registry.host}/${dest}@${layout.digest} verified at the destination`);
        // The prod hop is gated: the spec's allowlist accepts the recorded Critical finding, and says so.
        if (hop.destinationEnvironment === 'prod') expect(step.out).toContain('accepted by the spec\'s allowlist: CVE-2024-3001(CRITICAL)');
        else expect(step.out).not.toContain('scan-gate');
      }
    }
    // Every platform manifest of the index came along under its own digest.
    for (const d of images['jobs/worker'].platformDigests) expect(digestOf(`platform-prod/jobs/worker@${d}`, creds('promote-prod', 'platform-prod'))).toBe(d);
  });

  test('the gate of the prod hop read Harbor\'s scan results as the source robot, credentials on standard input only', () => {
    const calls = readFileSync(standIn.log, 'utf8').trim().split('\n');
    // Only the gated hop (into prod) asked; per image: the artifact with its scan overview, then the vulnerabilities.
    const digests = Object.values(images).map((l) => l.digest);
    const urls = calls.map((c) => c.split(' ').pop()!);
    expect(urls.every((u) => u.startsWith(`https://${registry.host}/api/v2.0/projects/platform-staging/repositories/`))).toBe(true);
    for (const [repo, d] of [['api', digests[0]], ['jobs%252Fworker', digests[1]]]) {
      expect(urls).toContain(`https://${registry.host}/api/v2.0/projects/platform-staging/repositories/${repo}/artifacts/${d}?with_scan_overview=true`);
      expect(urls).toContain(`https://${registry.host}/api/v2.0/projects/platform-staging/repositories/${repo}/artifacts/${d}/additions/vulnerabilities`);
    }
    expect(calls.join('\n')).not.toContain('pp-staging-secret');
    const given = new Set(readFileSync(standIn.stdin, 'utf8').trim().split('\n'));
    expect([...given]).toEqual([`user = "${creds('promote-prod', 'platform-staging')}"`]);
  });

  test('refused by the gate: without the allowlist, the prod job stops at the dry run and prod is unchanged', () => {
    const strict = PromotionPlanner.plan(spec([]), { cloud: Cloud.HARBOR, harborHost: registry.host });
    const strictRoot = join(writeScripts(work, 'strict', strict), '../../..');
    const next = { ...outputs, [PromotionWorkflow.outputKey('api', 'tags')]: '4.0.1-fff0000', [PromotionWorkflow.outputKey('jobs/worker', 'tags')]: '4.0.1-fff0000' };
    const { results } = runJob(strict, strictRoot, 'promote-prod', { outputs: next });
    expect(results.map((r) => [r.name, r.code])).toEqual([
      ['Log in skopeo to ' + registry.host + ' as promote-prod\'s robot in project platform-prod', 0],
      ['Log in skopeo to ' + registry.host + ' as promote-prod\'s robot in project platform-staging', 0],
      ['Check every image before copying any (dry run)', 1],
    ]);
    expect(results[2].err).toContain('findings at or above critical: CVE-2024-3001(CRITICAL)');
    expect(digestOf('platform-prod/api:4.0.1-fff0000', creds('promote-prod', 'platform-prod'))).toBeUndefined();
  });

  test('a wrong robot secret fails the login step, and the job stops before any promotion', () => {
    const { results } = runJob(located, root, 'promote-staging', {
      outputs,
      secrets: { [WorkflowVariables.harborRobotSecret('promote-staging', 'platform-staging')]: 'not-the-secret' },
    });
    expect(results.map((r) => [r.name, r.code === 0])).toEqual([
      ['Log in skopeo to ' + registry.host + ' as promote-staging\'s robot in project platform-dev', true],
      ['Log in skopeo to ' + registry.host + ' as promote-staging\'s robot in project platform-staging', false],
    ]);
    expect(results[1].err).toMatch(/unauthorized|authentication required|invalid username\/password/i);
  });

  test('keyless verification reads each side\'s auth file: cosign runs with DOCKER_CONFIG holding the source robot, then the destination robot', () => {
    // cosign (Fulcio, Rekor) cannot run offline: a stand-in records the credentials it was given and accepts.
    const bin = mkdtempSync(join(work, 'cosign-'));
    const log = join(bin, 'calls');
    writeFileSync(join(bin, 'cosign'), `#!/bin/sh\nprintf '%s %s\\n' "$(jq -r '.auths[].auth' "$DOCKER_CONFIG/config.json" | base64 -d)" "$*" >>'${log}'\n`, { mode: 0o755 });
    const runnerTemp = mkdtempSync(join(work, 'runner-'));
    const authFile = (identity: string, project: string) => {
      const f = join(runnerTemp, `${project}.json`);
      writeFileSync(f, JSON.stringify({ auths: { [registry.host]: { auth: Buffer.from(creds(identity, project)).toString('base64') } } }));
      return f;
    };
    const layout = image('harbor api keyless');
    registry.push(layout, 'platform-dev/api', '4.2.0-0b0b0b0', creds('ci', 'platform-dev'));
    const identity = 'https://github.com/example/platform/.github/workflows/promote-harbor.yml@refs/heads/main';
    const res = spawnSync('sh', [join(root, '.github/promotion/harbor/promote-dev-to-staging.sh'), '--image', 'api', '--tag', '4.2.0-0b0b0b0',
      '--verify-identity', identity, '--src-authfile', authFile('promote-staging', 'platform-dev'), '--dest-authfile', authFile('promote-staging', 'platform-staging')], {
      encoding: 'utf8',
      env: { PATH: `${bin}:${process.env.PATH}`, ...skopeoHome(work), SRC_TLS_VERIFY: 'false', DEST_TLS_VERIFY: 'false', DIGEST: layout.digest },
    });
    expect([res.status, res.stderr]).toEqual([0, '']);
    const verify = `verify --new-bundle-format=false --certificate-identity ${identity} --certificate-oidc-issuer https://token.actions.githubusercontent.com`;
    expect(readFileSync(log, 'utf8').trim().split('\n')).toEqual([
      `${creds('promote-staging', 'platform-dev')} ${verify} ${registry.host}/platform-dev/api@${layout.digest}`,
      `${creds('promote-staging', 'platform-staging')} ${verify} ${registry.host}/platform-staging/api@${layout.digest}`,
    ]);
    expect(digestOf('platform-staging/api:4.2.0-0b0b0b0', creds('promote-staging', 'platform-staging'))).toBe(layout.digest);
  });

  test('the hop script with per-side auth files: a destination auth file without a login is refused before anything is copied', () => {
    const scripts = join(root, '.github/promotion/harbor');
    const runnerTemp = mkdtempSync(join(work, 'runner-'));
    const source = join(runnerTemp, 'source.json');
    writeFileSync(source, JSON.stringify({ auths: { [registry.host]: { auth: Buffer.from(creds('promote-staging', 'platform-dev')).toString('base64') } } }));
    const empty = join(runnerTemp, 'empty.json');
    writeFileSync(empty, '{"auths":{}}');
    const layout = image('harbor api unpromoted');
    registry.push(layout, 'platform-dev/api', '4.1.0-0a0a0a0', creds('ci', 'platform-dev'));
    const res = spawnSync('sh', [join(scripts, 'promote-dev-to-staging.sh'), '--image', 'api', '--tag', '4.1.0-0a0a0a0', '--no-verify',
      '--src-authfile', source, '--dest-authfile', empty], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH!, ...skopeoHome(work), SRC_TLS_VERIFY: 'false', DEST_TLS_VERIFY: 'false', DIGEST: layout.digest },
    });
    expect(res.status).toBe(1);
    expect(res.stderr).toMatch(new RegExp(`cannot read ${registry.host}/platform-staging/api:4\\.1\\.0-0a0a0a0: .*(unauthorized|authentication required)`));
    expect(digestOf('platform-staging/api:4.1.0-0a0a0a0', creds('promote-staging', 'platform-staging'))).toBeUndefined();
  });
});
