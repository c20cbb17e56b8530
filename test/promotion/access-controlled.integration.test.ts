/**
 * The generated build push and promotion scripts run with exactly the access the
 * AWS constructs grant: skopeo talks to the loopback registry through the
 * authorizing proxy, which authenticates each identity of the spec and asks
 * iam-simulate, over the IAM policies `aws.EcrRegistry` synthesizes for that
 * identity's role, whether the ECR action of each registry request is allowed on
 * that repository (`authorizing-proxy.ts`, `aws-authorizer.ts`). The same for
 * Google Cloud (`gcp-authorizer.ts`: the Artifact Registry permissions that
 * test/gcp's `GcpAccess` evaluates over the synthesized Terraform) and Azure
 * (`azure-authorizer.ts`: the ACR data actions that test/azure's `AzureAccess`
 * evaluates over the synthesized role assignments and their ABAC conditions).
 *
 * One registry and one proxy for the file; each layout swaps the proxy's
 * authorizer. Needs `docker-registry` and `skopeo` (the tests fail without them).
 *
 * Checked against the tree before issue 13's fix of the promoters' grants (commit
 * 4f3a167, with `AccessPlan` for `AccessModel`): the hop test fails with
 * "promote-dev-to-staging.sh: error: cannot read <proxy>/platform/staging/api:1.0.0-abc1234:
 * ... denied: promote-staging is not authorized to perform: ecr:BatchGetImage on
 * repository platform/staging/api", the destination read, as the negative control
 * below reproduces on the current tree.
 */
import { spawnSync } from 'child_process';
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { ACR_ACTIONS, AuthorizingProxy, ECR_ACTIONS, GAR_ACTIONS, RegistryOperation } from './authorizing-proxy';
import { AwsAuthorizer, CfnTemplate, repositoryArn, resolveIntrinsics } from './aws-authorizer';
import { AzureAuthorizer } from './azure-authorizer';
import { generateSigningKey, pushSignature } from './cosign-signature';
import { promotionSpec } from './fixtures';
import { GCP_PROJECT, GcpAuthorizer } from './gcp-authorizer';
import { sharedFile, writeScripts } from './helpers';
import { buildOciImage, LocalRegistry, OciImage, run, skopeoHome } from './oci-registry';
import { PromotionPlanner } from '../../src/promotion';
import { AccessModel, Cloud, EnvironmentLayout, Naming, RegistrySpec } from '../../src/spec';

// A guard against a hung hop, not a speed goal: generous enough for a loaded 2-core machine.
jest.setTimeout(180_000);

const SECRETS: Record<string, string> = {
  'ci': 'ci-secret',
  'promote-staging': 'staging-secret',
  'promote-prod': 'prod-secret',
  'runtime': 'runtime-secret',
};
const creds = (identity: string) => `${identity}:${SECRETS[identity]}`;

/** The promotion fixture plus a puller (a runtime reading prod), so every role of the access section is exercised. */
function specFor(layout: EnvironmentLayout): RegistrySpec {
  const base = promotionSpec(layout);
  return { ...base, access: { ...base.access, pullers: [{ name: 'runtime', environments: ['prod'], github: { repository: 'example/platform', environment: 'prod' } }] } };
}

let registry: LocalRegistry;
let proxy: AuthorizingProxy;
const work = mkdtempSync(join(tmpdir(), 'access-it-'));
let single: OciImage;
let multi: OciImage;
const layouts: OciImage[] = [];

beforeAll(async () => {
  registry = await LocalRegistry.start();
  proxy = await AuthorizingProxy.start({
    upstream: registry.host,
    credentials: SECRETS,
    actions: ECR_ACTIONS,
    authorizer: { decide: () => ({ allowed: false, reason: 'no layout under test' }) },
  });
  single = image('api v1');
  multi = image('worker v1', ['linux/amd64', 'linux/arm64']);
});
afterAll(async () => {
  await proxy?.stop();
  await registry?.stop();
  for (const l of layouts) rmSync(l.dir, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
});

function image(seed: string, platforms?: string[]): OciImage {
  const l = buildOciImage(seed, platforms);
  layouts.push(l);
  return l;
}

/** Runs a generated script with the workflow's variables, through the proxy; HOME holds skopeo's blob info cache. */
function sh(script: string, args: string[], env: Record<string, string>, home: string) {
  return run('sh', [script, ...args], {
    PATH: process.env.PATH!, ...skopeoHome(home), SRC_TLS_VERIFY: 'false', DEST_TLS_VERIFY: 'false', VERIFY: 'none', SOURCE_REGISTRY: proxy.host, DEST_REGISTRY: proxy.host, ...env,
  }, true);
}

/** The build job's tag computation (the generated build-tags.sh). */
function buildTags(scripts: string, env: Record<string, string>): { tags: string; mutable: string } {
  const res = spawnSync('sh', [sharedFile(scripts, 'build-tags.sh')], { encoding: 'utf8', env: { PATH: process.env.PATH!, ...env } });
  expect(res.stderr).toBe('');
  const out = Object.fromEntries(res.stdout.trim().split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
  return { tags: out.tags, mutable: out.mutable };
}

/**
 * The template as the constructs synthesized it before the fix of issue 13 item 1:
 * each promoter's pull statement without the destinations of its hops (pull the
 * source, push the destination only). Policies are resolved first, so the ARNs
 * can be compared as text.
 */
function withoutDestinationRead(
  template: CfnTemplate, roles: Record<string, string>, spec: RegistrySpec,
): { template: CfnTemplate; removed: Record<string, string[]> } {
  const edited: CfnTemplate = JSON.parse(JSON.stringify(template));
  const removed: Record<string, string[]> = {};
  for (const promoter of spec.access?.promoters ?? []) {
    const images = AccessModel.imagesOf(spec, promoter);
    const hops = AccessModel.hopsOf(spec, promoter);
    const sources = new Set(hops.flatMap((h) => images.map((i) => repositoryArn(Naming.ecrRepositoryName(spec, i, h.source)))));
    const destinations = new Set(hops.flatMap((h) => images.map((i) => repositoryArn(Naming.ecrRepositoryName(spec, i, h.destination)))));
    const role = roles[promoter.name];
    for (const r of Object.values(edited.Resources)) {
      if (!['AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy'].includes(r.Type) || !(r.Properties.Roles ?? []).some((x: any) => x?.Ref === role)) continue;
      r.Properties.PolicyDocument = resolveIntrinsics(r.Properties.PolicyDocument, edited);
      for (const s of r.Properties.PolicyDocument.Statement) {
        if (s.Sid !== 'PullImages') continue;
        const resources: string[] = [s.Resource].flat();
        const keep = resources.filter((arn) => !destinations.has(arn) || sources.has(arn));
        removed[promoter.name] = [...(removed[promoter.name] ?? []), ...resources.filter((arn) => !keep.includes(arn))];
        s.Resource = keep;
      }
    }
  }
  return { template: edited, removed };
}

/** Each layout's AWS spec synthesized once for the file (about a second each). */
const synthesizedAws = new Map<EnvironmentLayout, ReturnType<typeof AwsAuthorizer.synthesize>>();
function synthesizeAws(layout: EnvironmentLayout) {
  if (!synthesizedAws.has(layout)) synthesizedAws.set(layout, AwsAuthorizer.synthesize(specFor(layout)));
  return synthesizedAws.get(layout)!;
}

const LAYOUTS: Array<[string, EnvironmentLayout]> = [
  ['repositories', EnvironmentLayout.REPOSITORIES],
  ['registries', EnvironmentLayout.REGISTRIES],
  ['tags', EnvironmentLayout.TAGS],
];

describe.each(LAYOUTS)('AWS, %s layout: build push and every hop through the authorizing proxy', (name, layout) => {
  const spec = specFor(layout);
  const plan = PromotionPlanner.plan(spec, { cloud: Cloud.AWS });
  const synthesized = synthesizeAws(layout);
  const authorizer = AwsAuthorizer.fromTemplate(synthesized.template, synthesized.roles);
  const tagsLayout = layout === EnvironmentLayout.TAGS;
  /** The images each layout pushes and promotes: the multi-arch index once (its per-platform manifests through the proxy), to keep the run short. */
  const images = () => (layout === EnvironmentLayout.REPOSITORIES ? [['api', single], ['jobs/worker', multi]] as const : [['api', single]] as const);
  let scripts: string;
  let home: string;
  let build: { tags: string; mutable: string };

  beforeAll(() => {
    proxy.authorizer = authorizer;
    proxy.actions = ECR_ACTIONS;
    scripts = writeScripts(work, name, plan);
    home = mkdtempSync(join(work, `home-${name}-`));
    build = buildTags(scripts, { GIT_SHA: 'abc1234def', VERSION: '1.0.0', STRATEGY: 'semver', ENVIRONMENT_TAGS: plan.pushes[0].environmentTags.join(' ') });
  });
  beforeEach(() => proxy.clearLog());

  test('every identity has a role, and the plan names the identities the workflow runs as', () => {
    expect(Object.keys(synthesized.roles).sort()).toEqual(['ci', 'promote-prod', 'promote-staging', 'runtime']);
    expect(plan.pusher).toBe('ci');
    expect(plan.hops.map((h) => [h.destinationEnvironment, h.promoter])).toEqual([['staging', 'promote-staging'], ['prod', 'promote-prod']]);
  });

  test('the build push as the pusher (skopeo copy of the OCI image, then the other tags) reaches the first environment', async () => {
    for (const [img, layoutImage] of images()) {
      const repo = plan.pushes.find((p) => p.image === img)!.destination.repository;
      await registry.pushTags(layoutImage, repo, build.tags.split(' '), { via: proxy.host, creds: creds(plan.pusher!), home });
      expect(await registry.tags(repo)).toEqual(build.tags.split(' ').sort());
      expect(await registry.digest(repo, build.tags.split(' ')[0])).toBe(layoutImage.digest);
    }
    // Through the proxy, as the pusher, and nothing refused (a mount from a repository it may not read would only downgrade).
    expect(proxy.refusals()).toEqual([]);
    expect(new Set(proxy.log.map((e) => e.identity))).toEqual(new Set(['ci']));
    expect(proxy.log.filter((e) => e.check.action === 'ecr:PutImage' && e.allowed).length).toBeGreaterThanOrEqual(5 * images().length);
  });

  test('every hop, run as its promoter, promotes the images by digest through the proxy', async () => {
    for (const hop of plan.hops) {
      for (const [img, layoutImage] of images()) {
        proxy.clearLog();
        const r = await sh(join(scripts, hop.scriptName), ['--image', img], {
          DIGEST: layoutImage.digest,
          TAGS: build.tags,
          MUTABLE_TAGS: build.mutable,
          SRC_CREDS: creds(hop.promoter!),
          DEST_CREDS: creds(hop.promoter!),
        }, home);
        expect([hop.destinationEnvironment, img, r.code, r.err]).toEqual([hop.destinationEnvironment, img, 0, '']);
        const planned = hop.images.find((i) => i.image === img)!;
        expect(r.out).toContain(`promoted ${img} ${hop.sourceEnvironment} -> ${hop.destinationEnvironment}: ${proxy.host}/${planned.destination.repository}@${layoutImage.digest}, verified`);
        const tags = tagsLayout ? [hop.destinationEnvironment] : build.tags.split(' ');
        for (const tag of tags) expect(await registry.digest(planned.destination.repository, tag)).toBe(layoutImage.digest);
        // The proxy decided every request, as the promoter, and refused none; it did check the destination read.
        expect(proxy.refusals()).toEqual([]);
        expect(new Set(proxy.log.map((e) => e.identity))).toEqual(new Set([hop.promoter]));
        expect(proxy.log).toContainEqual(expect.objectContaining({
          operation: RegistryOperation.MANIFEST_READ, check: { action: 'ecr:BatchGetImage', repository: planned.destination.repository }, allowed: true,
        }));
        if (!tagsLayout) {
          expect(proxy.log).toContainEqual(expect.objectContaining({ check: { action: 'ecr:PutImage', repository: planned.destination.repository }, allowed: true }));
        }
        if (!tagsLayout) {
          // skopeo mounted layers from the source repository (cross-repository mount): read there, write here.
          expect(proxy.log).toContainEqual(expect.objectContaining({
            operation: RegistryOperation.MOUNT_SOURCE, check: { action: 'ecr:GetDownloadUrlForLayer', repository: planned.source.repository }, allowed: true,
          }));
        }
      }
    }
    if (tagsLayout) {
      expect(await registry.tags('platform/api')).toEqual([...build.tags.split(' '), 'prod', 'staging'].sort());
    }
    if (layout === EnvironmentLayout.REPOSITORIES) {
      // Every platform manifest of the index came along (--all), under its own digest.
      expect(multi.platformDigests).toHaveLength(2);
      for (const d of multi.platformDigests) expect(await registry.digest('platform/prod/jobs/worker', d)).toBe(d);
    }
  });

  if (tagsLayout) {
    test('with the tags layout, source and destination are one repository: the grants before the fix already read it', () => {
      expect(withoutDestinationRead(synthesized.template, synthesized.roles, spec).removed).toEqual({ 'promote-staging': [], 'promote-prod': [] });
    });
    return;
  }

  test('negative control: with the grants before the fix (no destination read), the hop fails exactly at the destination read and nothing changes there', async () => {
    const before = withoutDestinationRead(synthesized.template, synthesized.roles, spec);
    // The control is not vacuous: exactly the destinations of each promoter's hops lost their pull.
    expect(before.removed).toEqual({
      'promote-staging': ['api', 'jobs/worker'].map((i) => repositoryArn(Naming.ecrRepositoryName(spec, i, 'staging'))).sort(),
      'promote-prod': ['api', 'jobs/worker'].map((i) => repositoryArn(Naming.ecrRepositoryName(spec, i, 'prod'))).sort(),
    });
    const next = image(`api v2 ${name}`);
    const t = buildTags(scripts, { GIT_SHA: '2222222aaa', VERSION: '2.0.0', STRATEGY: 'semver' });
    const dev = plan.pushes.find((p) => p.image === 'api')!.destination.repository;
    await registry.pushTags(next, dev, t.tags.split(' '), { via: proxy.host, creds: creds('ci'), home });
    const hop = plan.hops[0];
    const dest = hop.images.find((i) => i.image === 'api')!.destination.repository;
    const destTags = await registry.tags(dest);
    proxy.authorizer = AwsAuthorizer.fromTemplate(before.template, synthesized.roles);
    proxy.clearLog();
    try {
      const r = await sh(join(scripts, hop.scriptName), ['--image', 'api'], {
        DIGEST: next.digest, TAGS: t.tags, MUTABLE_TAGS: t.mutable, SRC_CREDS: creds(hop.promoter!), DEST_CREDS: creds(hop.promoter!),
      }, home);
      expect(r.code).toBe(1);
      const first = t.tags.split(' ')[0];
      expect(r.err).toMatch(new RegExp(`^${hop.scriptName.replace(/\./g, '\\.')}: error: cannot read ${proxy.host}/${dest}:${first}: .*denied: ${hop.promoter} is not authorized to perform: ecr:BatchGetImage on repository ${dest}`));
      // The source was read (digest resolved) and the only refusal is the destination read.
      expect(proxy.log).toContainEqual(expect.objectContaining({ check: { action: 'ecr:BatchGetImage', repository: dev }, allowed: true }));
      expect(proxy.refusals().map((e) => [e.identity, e.operation, e.check])).toEqual([
        [hop.promoter, RegistryOperation.MANIFEST_READ, { action: 'ecr:BatchGetImage', repository: dest }],
      ]);
      expect(proxy.log.some((e) => e.check.repository === dest && e.operation !== RegistryOperation.MANIFEST_READ)).toBe(false);
      expect(await registry.tags(dest)).toEqual(destTags);
    } finally {
      proxy.authorizer = authorizer;
    }
    // With the grants as synthesized now, the same hop succeeds.
    const ok = await sh(join(scripts, hop.scriptName), ['--image', 'api'], {
      DIGEST: next.digest, TAGS: t.tags, MUTABLE_TAGS: t.mutable, SRC_CREDS: creds(hop.promoter!), DEST_CREDS: creds(hop.promoter!),
    }, home);
    expect([ok.code, ok.err]).toEqual([0, '']);
  });
});

describe('AWS, repositories layout: identities cannot do what they are not for', () => {
  const spec = specFor(EnvironmentLayout.REPOSITORIES);
  const plan = PromotionPlanner.plan(spec, { cloud: Cloud.AWS });
  const synthesized = synthesizeAws(EnvironmentLayout.REPOSITORIES);
  let scripts: string;
  let home: string;
  let build: { tags: string; mutable: string };
  let img: OciImage;

  beforeAll(async () => {
    proxy.authorizer = AwsAuthorizer.fromTemplate(synthesized.template, synthesized.roles);
    proxy.actions = ECR_ACTIONS;
    scripts = writeScripts(work, 'refusals', plan);
    home = mkdtempSync(join(work, 'home-refusals-'));
    build = buildTags(scripts, { GIT_SHA: '3333333ccc', VERSION: '3.0.0', STRATEGY: 'semver' });
    img = image('api v3');
    await registry.pushTags(img, 'platform/dev/api', build.tags.split(' '), { via: proxy.host, creds: creds('ci'), home });
  });
  beforeEach(() => proxy.clearLog());

  const hop = (source: string) => plan.hops.find((h) => h.sourceEnvironment === source)!;
  const promote = (h: ReturnType<typeof hop>, identityCreds: string) => sh(join(scripts, h.scriptName), ['--image', 'api'], {
    DIGEST: img.digest, TAGS: build.tags, MUTABLE_TAGS: build.mutable, SRC_CREDS: identityCreds, DEST_CREDS: identityCreds,
  }, home);

  test('a pusher cannot promote: the hop stops at the source read', async () => {
    const before = await registry.tags('platform/staging/api');
    const r = await promote(hop('dev'), creds('ci'));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(new RegExp(`^promote-dev-to-staging\\.sh: error: cannot read ${proxy.host}/platform/dev/api@${img.digest}: .*denied: ci is not authorized to perform: ecr:BatchGetImage on repository platform/dev/api`));
    expect(proxy.refusals().map((e) => e.check)).toEqual([{ action: 'ecr:BatchGetImage', repository: 'platform/dev/api' }]);
    expect(await registry.tags('platform/staging/api')).toEqual(before);
  });

  test('the staging promoter cannot promote to prod: it reads staging, and the prod read is refused', async () => {
    const ok = await promote(hop('dev'), creds('promote-staging'));
    expect([ok.code, ok.err]).toEqual([0, '']);
    proxy.clearLog();
    const before = await registry.tags('platform/prod/api');
    const r = await promote(hop('staging'), creds('promote-staging'));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(new RegExp(`cannot read ${proxy.host}/platform/prod/api:${build.tags.split(' ')[0]}: .*denied: promote-staging is not authorized to perform: ecr:BatchGetImage on repository platform/prod/api`));
    expect(proxy.log).toContainEqual(expect.objectContaining({ check: { action: 'ecr:BatchGetImage', repository: 'platform/staging/api' }, allowed: true }));
    expect(proxy.refusals().map((e) => e.check)).toEqual([{ action: 'ecr:BatchGetImage', repository: 'platform/prod/api' }]);
    expect(await registry.tags('platform/prod/api')).toEqual(before);
  });

  test('a puller cannot push: skopeo copy to the first environment is refused and the tag is not created', async () => {
    // skopeo first asks whether the destination has each blob (HEAD, so the 403 has no body to show).
    await expect(registry.copy(img, 'platform/dev/api', 'from-runtime', { via: proxy.host, creds: creds('runtime'), home }))
      .rejects.toThrow(/failed to read from destination repository platform\/dev\/api: 403 \(Forbidden\)/);
    expect(proxy.refusals().map((e) => [e.identity, e.method, e.check])).toEqual([
      ['runtime', 'HEAD', { action: 'ecr:BatchCheckLayerAvailability', repository: 'platform/dev/api' }],
    ]);
    expect(await registry.tags('platform/dev/api')).not.toContain('from-runtime');
  });

  test('a puller reads what it pulls (prod), and nothing else', async () => {
    // prod has the image once the hops ran; the puller reads prod through skopeo inspect, and is refused dev.
    const inspect = (ref: string) => run('skopeo', ['inspect', '--raw', '--tls-verify=false', `--creds=${creds('runtime')}`, `docker://${proxy.host}/${ref}`], { PATH: process.env.PATH!, ...skopeoHome(home) }, true);
    const ok = await promote(hop('staging'), creds('promote-prod'));
    expect([ok.code, ok.err]).toEqual([0, '']);
    expect((await inspect(`platform/prod/api@${img.digest}`)).code).toBe(0);
    const dev = await inspect(`platform/dev/api@${img.digest}`);
    expect([dev.code, dev.err]).toEqual([1, expect.stringContaining('denied: runtime is not authorized to perform: ecr:BatchGetImage on repository platform/dev/api')]);
  });

  test('an unknown identity, or a known one with a wrong secret, is refused before any permission is checked', async () => {
    const before = await registry.tags('platform/staging/api');
    for (const bad of ['mallory:whatever', 'promote-staging:wrong']) {
      const r = await promote(hop('dev'), bad);
      expect(r.code).toBe(1);
      expect(r.err).toMatch(new RegExp(`^promote-dev-to-staging\\.sh: error: cannot read ${proxy.host}/platform/dev/api@${img.digest}: .*: unauthorized`));
    }
    expect(proxy.log).toEqual([]);
    expect(await registry.tags('platform/staging/api')).toEqual(before);
  });
});

describe.each(LAYOUTS.filter(([, l]) => l !== EnvironmentLayout.REGISTRIES))('GCP, %s layout: Artifact Registry permissions through the authorizing proxy', (name, layout) => {
  const spec = specFor(layout);
  const plan = PromotionPlanner.plan(spec, { cloud: Cloud.GCP });
  const synthesized = GcpAuthorizer.synthesize(spec);
  const authorizer = GcpAuthorizer.fromJson(synthesized.json, synthesized.serviceAccounts);
  const tagsLayout = layout === EnvironmentLayout.TAGS;
  /** The local registry's path of a plan repository: `<project>/<repository>/<image>`, as on `<location>-docker.pkg.dev`. */
  const local = (repository: string) => `${GCP_PROJECT}/${repository}`;
  const registryEnv = () => ({ SOURCE_REGISTRY: `${proxy.host}/${GCP_PROJECT}`, DEST_REGISTRY: `${proxy.host}/${GCP_PROJECT}` });
  let scripts: string;
  let home: string;
  let build: { tags: string; mutable: string };
  let img: OciImage;

  beforeAll(() => {
    proxy.authorizer = authorizer;
    proxy.actions = GAR_ACTIONS;
    scripts = writeScripts(work, `gcp-${name}`, plan);
    home = mkdtempSync(join(work, `home-gcp-${name}-`));
    build = buildTags(scripts, { GIT_SHA: '4444444ddd', VERSION: '4.0.0', STRATEGY: 'semver', ENVIRONMENT_TAGS: plan.pushes[0].environmentTags.join(' ') });
    img = image(`gcp api ${name}`);
  });
  beforeEach(() => proxy.clearLog());

  test('the model: a service account per identity, repository members with the reader and writer roles', () => {
    expect(Object.keys(synthesized.serviceAccounts).sort()).toEqual(['ci', 'promote-prod', 'promote-staging', 'runtime']);
    expect(new Set(authorizer.access.repositoryBindings().map((b) => b.role))).toEqual(new Set(['roles/artifactregistry.reader', 'roles/artifactregistry.writer']));
    // The decisions are GcpAccess's: every identity is its service account's member, with at least one repository binding.
    for (const member of Object.values(authorizer.members)) {
      expect(member).toMatch(/^serviceAccount:[a-z0-9-]+@my-project\.iam\.gserviceaccount\.com$/);
      expect(authorizer.access.repositoryBindings().some((b) => b.member === member)).toBe(true);
    }
    // The identity -> service account mapping is the one Workload Identity gives the identity's job (GcpAccess evaluates the
    // provider's CEL mapping and condition): a push to main (ci, promote-staging), a job in environment prod (promote-prod, runtime).
    const [provider] = authorizer.access.providers().map((p) => p.name);
    const job = (environment?: string) => ({
      iss: 'https://token.actions.githubusercontent.com',
      aud: `https://iam.googleapis.com/${provider}`,
      sub: environment ? `repo:example/platform:environment:${environment}` : 'repo:example/platform:ref:refs/heads/main',
      repository: 'example/platform',
      repository_owner: 'example',
      ref: 'refs/heads/main',
      ref_type: 'branch',
      event_name: 'push',
      ...(environment ? { environment } : {}),
    });
    for (const [identity, environment] of [['ci'], ['promote-staging'], ['promote-prod', 'prod'], ['runtime', 'prod']]) {
      expect([identity, authorizer.access.serviceAccountsFor(job(environment))]).toEqual([identity, expect.arrayContaining([authorizer.members[identity].slice('serviceAccount:'.length)])]);
    }
  });

  test('the build push as the pusher, then every hop as its promoter, through the proxy', async () => {
    const dev = local(plan.pushes.find((p) => p.image === 'api')!.destination.repository);
    await registry.pushTags(img, dev, build.tags.split(' '), { via: proxy.host, creds: creds(plan.pusher!), home });
    expect(proxy.refusals()).toEqual([]);
    expect(proxy.log).toContainEqual(expect.objectContaining({ identity: 'ci', check: { action: 'artifactregistry.repositories.uploadArtifacts', repository: dev.split('/')[1] }, allowed: true }));
    for (const hop of plan.hops) {
      proxy.clearLog();
      const planned = hop.images.find((i) => i.image === 'api')!;
      const r = await sh(join(scripts, hop.scriptName), ['--image', 'api'], {
        ...registryEnv(),
        DIGEST: img.digest,
        TAGS: build.tags,
        MUTABLE_TAGS: build.mutable,
        SRC_CREDS: creds(hop.promoter!),
        DEST_CREDS: creds(hop.promoter!),
      }, home);
      expect([hop.destinationEnvironment, r.code, r.err]).toEqual([hop.destinationEnvironment, 0, '']);
      expect(await registry.digest(local(planned.destination.repository), tagsLayout ? hop.destinationEnvironment : build.tags.split(' ')[0])).toBe(img.digest);
      expect(proxy.refusals()).toEqual([]);
      expect(proxy.log).toContainEqual(expect.objectContaining({
        identity: hop.promoter,
        operation: RegistryOperation.MANIFEST_READ,
        check: { action: 'artifactregistry.repositories.downloadArtifacts', repository: planned.destination.repository.split('/')[0] },
        allowed: true,
      }));
    }
  });

  if (tagsLayout) {
    test('moving an environment tag needs artifactregistry.tags.update, which the writer role has', async () => {
      const newer = image('gcp api newer');
      // The build moves `dev` (and the aliases) to the new digest; then the hop moves `staging`.
      await registry.pushTags(newer, local('platform/api'), ['4.1.0-5555555', 'dev'], { via: proxy.host, creds: creds('ci'), home });
      const r = await sh(join(scripts, 'promote-dev-to-staging.sh'), ['--image', 'api'], {
        ...registryEnv(), DIGEST: newer.digest, SRC_CREDS: creds('promote-staging'), DEST_CREDS: creds('promote-staging'),
      }, home);
      expect([r.code, r.err]).toEqual([0, '']);
      expect(r.out).toContain(`${proxy.host}/${local('platform/api')}:staging -> ${newer.digest} (moved from ${img.digest})`);
      expect(proxy.log.filter((e) => e.operation === RegistryOperation.TAG_MOVE).map((e) => [e.identity, e.check.action, e.allowed])).toEqual([
        ['ci', 'artifactregistry.repositories.uploadArtifacts', true], ['ci', 'artifactregistry.tags.update', true],
        ['promote-staging', 'artifactregistry.repositories.uploadArtifacts', true], ['promote-staging', 'artifactregistry.tags.update', true],
      ]);
    });
    return;
  }

  test('the staging promoter cannot promote to prod, and a puller cannot push', async () => {
    const hop = plan.hops[1];
    const before = await registry.tags(local('platform-prod/api'));
    const newer = image('gcp api refused');
    const t = build.tags.replace(/4\.0\.0-4444444/, '4.0.1-6666666');
    await registry.pushTags(newer, local('platform-dev/api'), t.split(' ').slice(0, 1), { via: proxy.host, creds: creds('ci'), home });
    const ok = await sh(join(scripts, plan.hops[0].scriptName), ['--image', 'api'], {
      ...registryEnv(), DIGEST: newer.digest, TAGS: t.split(' ')[0], SRC_CREDS: creds('promote-staging'), DEST_CREDS: creds('promote-staging'),
    }, home);
    expect([ok.code, ok.err]).toEqual([0, '']);
    proxy.clearLog();
    const r = await sh(join(scripts, hop.scriptName), ['--image', 'api'], {
      ...registryEnv(), DIGEST: newer.digest, TAGS: t.split(' ')[0], SRC_CREDS: creds('promote-staging'), DEST_CREDS: creds('promote-staging'),
    }, home);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(new RegExp(`cannot read ${proxy.host}/${local('platform-prod/api')}:${t.split(' ')[0]}: .*denied: promote-staging is not authorized to perform: `
      + 'artifactregistry.repositories.downloadArtifacts on repository platform-prod'));
    expect(proxy.refusals().map((e) => e.check)).toEqual([{ action: 'artifactregistry.repositories.downloadArtifacts', repository: 'platform-prod' }]);
    expect(await registry.tags(local('platform-prod/api'))).toEqual(before);

    proxy.clearLog();
    await expect(registry.copy(newer, local('platform-dev/api'), 'from-runtime', { via: proxy.host, creds: creds('runtime'), home })).rejects.toThrow(/403 \(Forbidden\)/);
    expect(proxy.refusals().map((e) => [e.identity, e.check])).toEqual([
      ['runtime', { action: 'artifactregistry.repositories.downloadArtifacts', repository: 'platform-dev' }],
    ]);
    expect(await registry.tags(local('platform-dev/api'))).not.toContain('from-runtime');
  });

  test('negative control: the staging promoter\'s writer binding on platform-staging downgraded to reader: the hop reads the destination, fails at its write, and changes nothing', async () => {
    const edited = JSON.parse(JSON.stringify(synthesized.json));
    const member = authorizer.members['promote-staging'];
    const writers = Object.values<any>(edited.resource.google_artifact_registry_repository_iam_member).filter((b) => b.role === 'roles/artifactregistry.writer'
      && authorizer.access.resolve(b.member) === member && authorizer.access.resolve(b.repository) === 'platform-staging');
    expect(writers).toHaveLength(1);
    writers[0].role = 'roles/artifactregistry.reader';
    const weaker = GcpAuthorizer.fromJson(edited, synthesized.serviceAccounts);
    // Not vacuous: the evaluator still lets the promoter read both repositories, and no longer upload to staging.
    const upload = { action: 'artifactregistry.repositories.uploadArtifacts', repository: 'platform-staging' };
    expect([authorizer.decide('promote-staging', upload).allowed, weaker.decide('promote-staging', upload).allowed]).toEqual([true, false]);
    for (const repository of ['platform-dev', 'platform-staging']) {
      expect(weaker.decide('promote-staging', { action: 'artifactregistry.repositories.downloadArtifacts', repository }).allowed).toBe(true);
    }

    const newer = image('gcp api downgraded');
    const tag = '4.0.2-7777777';
    await registry.pushTags(newer, local('platform-dev/api'), [tag], { via: proxy.host, creds: creds('ci'), home });
    const dest = local('platform-staging/api');
    const before = await registry.tags(dest);
    const env = { ...registryEnv(), DIGEST: newer.digest, TAGS: tag, SRC_CREDS: creds('promote-staging'), DEST_CREDS: creds('promote-staging') };
    proxy.authorizer = weaker;
    proxy.clearLog();
    try {
      const r = await sh(join(scripts, plan.hops[0].scriptName), ['--image', 'api'], env, home);
      expect(r.code).toBe(1);
      expect(r.err).toMatch(new RegExp(`^promote-dev-to-staging\\.sh: error: skopeo copy to ${proxy.host}/${dest}:${tag} failed: .*`
        + 'denied: promote-staging is not authorized to perform: artifactregistry.repositories.uploadArtifacts on repository platform-staging'));
      // The destination was read (the tag checked) before the copy; every refusal is the upload to staging.
      expect(proxy.log).toContainEqual(expect.objectContaining({
        operation: RegistryOperation.MANIFEST_READ, check: { action: 'artifactregistry.repositories.downloadArtifacts', repository: 'platform-staging' }, allowed: true,
      }));
      expect(proxy.refusals().length).toBeGreaterThan(0);
      expect(new Set(proxy.refusals().map((e) => JSON.stringify([e.identity, e.check])))).toEqual(new Set([JSON.stringify(['promote-staging', upload])]));
      expect(await registry.tags(dest)).toEqual(before);
    } finally {
      proxy.authorizer = authorizer;
    }
    // With the bindings as synthesized, the same hop succeeds.
    const ok = await sh(join(scripts, plan.hops[0].scriptName), ['--image', 'api'], env, home);
    expect([ok.code, ok.err]).toEqual([0, '']);
    expect(await registry.digest(dest, tag)).toBe(newer.digest);
  });
});

const ACR = 'Microsoft.ContainerRegistry/registries/repositories';
/** The repository term of the synthesized ABAC conditions (`src/azure/abac-condition.ts` writes them; `AzureAccess` parses them). */
const acrName = (repository: string) => `@Request[${ACR}:name] StringEqualsIgnoreCase '${repository}'`;

describe.each(LAYOUTS.filter(([, l]) => l !== EnvironmentLayout.TAGS))('Azure, %s layout: ACR data actions through the authorizing proxy', (name, layout) => {
  const spec = specFor(layout);
  const plan = PromotionPlanner.plan(spec, { cloud: Cloud.AZURE });
  const json = AzureAuthorizer.synthesize(spec);
  const authorizer = AzureAuthorizer.fromJson(json, spec);
  const registryOf = (environment: string) => Naming.acrRegistryName(spec, environment);
  /** The loopback path of an image in an environment: the ACR repository path, after the registry name when there are several. */
  const local = (environment: string, img = 'api') => authorizer.localPath(registryOf(environment), Naming.acrRepositoryPath(spec, img, environment));
  /** The hop's registries: the proxy, plus the registry name when there are several (as the GCP tests add the project). */
  const registryEnv = (source: string, destination: string): Record<string, string> => (authorizer.prefixed
    ? { SOURCE_REGISTRY: `${proxy.host}/${registryOf(source)}`, DEST_REGISTRY: `${proxy.host}/${registryOf(destination)}` } : {});
  const hop = (source: string) => plan.hops.find((h) => h.sourceEnvironment === source)!;
  let scripts: string;
  let home: string;
  let build: { tags: string; mutable: string };
  let img: OciImage;

  /** Runs a hop for `api` as `identity`, promoting `digest` with `tags`. */
  const promote = (source: string, identity: string, digest: string, tags: string) => {
    const h = hop(source);
    const env = { ...registryEnv(h.sourceEnvironment, h.destinationEnvironment), DIGEST: digest, TAGS: tags };
    return sh(join(scripts, h.scriptName), ['--image', 'api'], { ...env, SRC_CREDS: creds(identity), DEST_CREDS: creds(identity) }, home);
  };

  beforeAll(() => {
    proxy.authorizer = authorizer;
    proxy.actions = ACR_ACTIONS;
    scripts = writeScripts(work, `azure-${name}`, plan);
    home = mkdtempSync(join(work, `home-azure-${name}-`));
    build = buildTags(scripts, { GIT_SHA: '8888888fff', VERSION: '5.0.0', STRATEGY: 'semver' });
    img = image(`azure api ${name}`);
  });
  beforeEach(() => proxy.clearLog());

  test('the model: ABAC registries, a managed identity per identity that its GitHub job signs in as, conditioned repository roles; the plan names the same repositories', () => {
    expect(authorizer.access.registries.map((r) => [r.name, r.abac]).sort()).toEqual(
      (layout === EnvironmentLayout.REGISTRIES ? ['dev', 'staging', 'prod'] : ['dev']).map((e) => [registryOf(e), true]).sort());
    expect(Object.keys(authorizer.principals).sort()).toEqual(['ci', 'promote-prod', 'promote-staging', 'runtime']);
    // The fixture's trusts (GitHub OIDC "Example subject claims"): ci and promote-staging on branch main, promote-prod and runtime in environment prod.
    const subjects: Record<string, string> = {
      'ci': 'repo:example/platform:ref:refs/heads/main',
      'promote-staging': 'repo:example/platform:ref:refs/heads/main',
      'promote-prod': 'repo:example/platform:environment:prod',
      'runtime': 'repo:example/platform:environment:prod',
    };
    for (const [identity, sub] of Object.entries(subjects)) {
      expect([identity, authorizer.access.tokenMatches(`${spec.name}-${identity}`, { iss: 'https://token.actions.githubusercontent.com', sub, aud: 'api://AzureADTokenExchange' })])
        .toEqual([identity, true]);
    }
    expect(authorizer.access.assignments.every((a) => a.condition !== undefined && a.roleName.startsWith('Container Registry Repository '))).toBe(true);
    for (const h of plan.hops) {
      const planned = h.images.find((i) => i.image === 'api')!;
      expect(planned.destination.registry).toBe(`${registryOf(h.destinationEnvironment)}\${{ vars.AZURE_REGISTRY_SUFFIX }}.azurecr.io`);
      expect(planned.destination.repository).toBe(Naming.acrRepositoryPath(spec, 'api', h.destinationEnvironment));
    }
  });

  test('the build push as the pusher, then every hop as its promoter, through the proxy', async () => {
    await registry.pushTags(img, local('dev'), build.tags.split(' '), { via: proxy.host, creds: creds(plan.pusher!), home });
    expect(proxy.refusals()).toEqual([]);
    expect(proxy.log).toContainEqual(expect.objectContaining({ identity: 'ci', check: { action: `${ACR}/content/write`, repository: local('dev') }, allowed: true }));
    for (const h of plan.hops) {
      proxy.clearLog();
      const r = await promote(h.sourceEnvironment, h.promoter!, img.digest, build.tags);
      expect([h.destinationEnvironment, r.code, r.err]).toEqual([h.destinationEnvironment, 0, '']);
      for (const tag of build.tags.split(' ')) expect(await registry.digest(local(h.destinationEnvironment), tag)).toBe(img.digest);
      expect(proxy.refusals()).toEqual([]);
      expect(new Set(proxy.log.map((e) => e.identity))).toEqual(new Set([h.promoter]));
      // The destination read, the destination write, and the source read of the mount, each decided by the evaluator.
      for (const [operation, action, path] of [
        [RegistryOperation.MANIFEST_READ, 'content/read', local(h.destinationEnvironment)],
        [RegistryOperation.MANIFEST_WRITE, 'content/write', local(h.destinationEnvironment)],
        [RegistryOperation.MOUNT_SOURCE, 'content/read', local(h.sourceEnvironment)],
      ]) {
        expect(proxy.log).toContainEqual(expect.objectContaining({ operation, check: { action: `${ACR}/${action}`, repository: path }, allowed: true }));
      }
    }
  });

  test('negative control: the promoter\'s destination read removed from its role assignment condition: the hop fails at the destination read, with nothing changed', async () => {
    const h = hop('dev');
    const edited = JSON.parse(JSON.stringify(json));
    const principal = authorizer.principals[h.promoter!];
    const destination = authorizer.access.registry(registryOf(h.destinationEnvironment));
    const assignments = Object.values<any>(edited.resource.azurerm_role_assignment).filter((a) => a.principal_id === principal
      && a.scope === `\${azurerm_container_registry.${destination.address}.id}` && a.role_definition_name === 'Container Registry Repository Writer');
    expect(assignments).toHaveLength(1);
    // The condition is one clause per action group: read, then write, then delete. Only the read clause loses the destination.
    const condition: string = assignments[0].condition;
    const writeClause = condition.indexOf(`(!(ActionMatches{'${ACR}/content/write'})`);
    const term = acrName(Naming.acrRepositoryPath(spec, 'api', h.destinationEnvironment));
    const read = condition.slice(0, writeClause).replace(` OR ${term}`, '').replace(`${term} OR `, '');
    assignments[0].condition = read + condition.slice(writeClause);
    expect(assignments[0].condition).not.toEqual(condition);
    const weaker = AzureAuthorizer.fromJson(edited, spec);
    // Not vacuous: only the destination read is gone (the source read and the destination write remain).
    const dest = local(h.destinationEnvironment);
    const decide = (a: AzureAuthorizer, action: string, repository: string) => a.decide(h.promoter!, { action: `${ACR}/${action}`, repository }).allowed;
    expect([decide(authorizer, 'content/read', dest), decide(weaker, 'content/read', dest)]).toEqual([true, false]);
    expect([decide(weaker, 'content/write', dest), decide(weaker, 'content/read', local(h.sourceEnvironment))]).toEqual([true, true]);

    const newer = image(`azure api ${name} without destination read`);
    const tag = '5.0.1-9999999';
    await registry.pushTags(newer, local('dev'), [tag], { via: proxy.host, creds: creds('ci'), home });
    const before = await registry.tags(dest);
    proxy.authorizer = weaker;
    proxy.clearLog();
    try {
      const r = await promote('dev', h.promoter!, newer.digest, tag);
      expect(r.code).toBe(1);
      expect(r.err).toMatch(new RegExp(`^${h.scriptName.replace(/\./g, '\\.')}: error: cannot read ${proxy.host}/${dest}:${tag}: .*`
        + `denied: ${h.promoter} is not authorized to perform: ${ACR}/content/read on repository ${dest}`));
      expect(proxy.log).toContainEqual(expect.objectContaining({ check: { action: `${ACR}/content/read`, repository: local('dev') }, allowed: true }));
      expect(proxy.refusals().map((e) => [e.identity, e.operation, e.check])).toEqual([
        [h.promoter, RegistryOperation.MANIFEST_READ, { action: `${ACR}/content/read`, repository: dest }],
      ]);
      expect(proxy.log.some((e) => e.check.repository === dest && e.operation !== RegistryOperation.MANIFEST_READ)).toBe(false);
      expect(await registry.tags(dest)).toEqual(before);
    } finally {
      proxy.authorizer = authorizer;
    }
    const ok = await promote('dev', h.promoter!, newer.digest, tag);
    expect([ok.code, ok.err]).toEqual([0, '']);
  });

  test('a puller cannot push, even to the repository it reads (prod): the write is refused and no tag is created', async () => {
    const prod = local('prod');
    expect(authorizer.decide('runtime', { action: `${ACR}/content/read`, repository: prod }).allowed).toBe(true);
    await expect(registry.copy(img, prod, 'from-runtime', { via: proxy.host, creds: creds('runtime'), home })).rejects.toThrow(/denied|403/);
    expect(proxy.refusals().length).toBeGreaterThan(0);
    expect(new Set(proxy.refusals().map((e) => JSON.stringify([e.identity, e.check]))))
      .toEqual(new Set([JSON.stringify(['runtime', { action: `${ACR}/content/write`, repository: prod }])]));
    expect(await registry.tags(prod)).not.toContain('from-runtime');
  });

  test('the staging promoter cannot write prod: its hop to prod reads staging, is refused the prod read, and changes nothing', async () => {
    const prod = local('prod');
    expect(authorizer.decide('promote-staging', { action: `${ACR}/content/write`, repository: prod }).allowed).toBe(false);
    const before = await registry.tags(prod);
    const r = await promote('staging', 'promote-staging', img.digest, build.tags);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(new RegExp(`cannot read ${proxy.host}/${prod}:${build.tags.split(' ')[0]}: .*denied: promote-staging is not authorized to perform: ${ACR}/content/read on repository ${prod}`));
    expect(proxy.log).toContainEqual(expect.objectContaining({ check: { action: `${ACR}/content/read`, repository: local('staging') }, allowed: true }));
    expect(proxy.refusals().map((e) => e.check)).toEqual([{ action: `${ACR}/content/read`, repository: prod }]);
    expect(await registry.tags(prod)).toEqual(before);
  });
});

describe('AWS, repositories layout: a signed image, every hop as its promoter, the signature verified at each end', () => {
  const spec = specFor(EnvironmentLayout.REPOSITORIES);
  const plan = PromotionPlanner.plan(spec, { cloud: Cloud.AWS });
  const synthesized = synthesizeAws(EnvironmentLayout.REPOSITORIES);

  test('the promoters\' grants (pull source, pull and push destination) suffice to read, copy and re-read the .sig tag', async () => {
    proxy.authorizer = AwsAuthorizer.fromTemplate(synthesized.template, synthesized.roles);
    proxy.actions = ECR_ACTIONS;
    const scripts = writeScripts(work, 'signed', plan);
    const home = mkdtempSync(join(work, 'home-signed-'));
    const key = generateSigningKey(work, 'signed-build');
    const build = buildTags(scripts, { GIT_SHA: '4444444ddd', VERSION: '4.0.0', STRATEGY: 'semver' });
    const img = image('api v4 signed');
    await registry.pushTags(img, 'platform/dev/api', build.tags.split(' '), { via: proxy.host, creds: creds('ci'), home });
    // The build signs as the pusher, through the proxy.
    const sigTag = await pushSignature(proxy.host, 'platform/dev/api', img.digest, key, undefined, `Basic ${Buffer.from(creds('ci')).toString('base64')}`);
    for (const hop of plan.hops) {
      proxy.clearLog();
      const r = await sh(join(scripts, hop.scriptName), ['--image', 'api'], {
        DIGEST: img.digest, TAGS: build.tags, MUTABLE_TAGS: build.mutable, SRC_CREDS: creds(hop.promoter!), DEST_CREDS: creds(hop.promoter!), VERIFY: '', VERIFY_KEY: key.publicKeyPath,
      }, home);
      expect([hop.destinationEnvironment, r.code, r.err]).toEqual([hop.destinationEnvironment, 0, '']);
      expect(r.out).toContain('verified at the destination');
      const dest = hop.images.find((i) => i.image === 'api')!.destination.repository;
      expect(await registry.tags(dest)).toContain(sigTag);
      expect(proxy.refusals()).toEqual([]);
      expect(new Set(proxy.log.map((e) => e.identity))).toEqual(new Set([hop.promoter]));
      // The signature was written to the destination as a manifest under its tag, by the promoter.
      expect(proxy.log).toContainEqual(expect.objectContaining({ check: { action: 'ecr:PutImage', repository: dest }, allowed: true }));
    }
  });
});
