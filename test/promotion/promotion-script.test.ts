import { spawnSync } from 'child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import * as fc from 'fast-check';
import { promotionSpec } from './fixtures';
import { BuildTagsScript, PromotionPlanner, PromotionScript } from '../../src/promotion';
import { Cloud, EnvironmentLayout, TagStrategy } from '../../src/spec';
import { BuildTags } from '../../src/tagging';

const dir = mkdtempSync(join(tmpdir(), 'promotion-script-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const write = (name: string, text: string) => {
  writeFileSync(join(dir, name), text, { mode: 0o755 });
  return join(dir, name);
};
const plan = PromotionPlanner.plan(promotionSpec(), { cloud: Cloud.AWS });
const literalPlan = PromotionPlanner.plan(promotionSpec(), { cloud: Cloud.AWS, awsAccountId: '123456789012', awsRegion: 'eu-west-1' });
const tagsPlan = PromotionPlanner.plan(promotionSpec(EnvironmentLayout.TAGS), { cloud: Cloud.GCP, gcpProjectId: 'my-project', gcpLocation: 'us' });
const harborPlan = PromotionPlanner.plan(promotionSpec(EnvironmentLayout.REGISTRIES, { scanning: { severityThreshold: 'high' as any } }),
  { cloud: Cloud.HARBOR, harborHost: 'harbor.example.com' });
/**
 * Writes a plan's script files (the shared files in the library folder, the hop scripts in their own folder);
 * returns the hop script's path.
 */
const writeHop = (folder: string, p: typeof plan, hop: number, libraryDir?: string) => {
  for (const f of PromotionScript.files(p, { scriptsDir: folder, libraryDir })) {
    mkdirSync(join(dir, f.path, '..'), { recursive: true });
    writeFileSync(join(dir, f.path), f.content, { mode: f.executable ? 0o755 : 0o644 });
  }
  return join(dir, folder, p.hops[hop].scriptName);
};
const scripts = {
  staging: writeHop('repositories', plan, 0),
  literal: writeHop('literal', literalPlan, 1),
  // Another library folder, deeper: the hop finds it by its relative path (../shared/lib).
  tags: writeHop('tags', tagsPlan, 0, 'shared/lib'),
  harbor: writeHop('harbor', harborPlan, 1),
  buildTags: write('build-tags.sh', BuildTagsScript.generate()),
};
const library = join(dir, PromotionScript.DEFAULT_LIBRARY_DIR, PromotionScript.LIBRARY_FILE_NAME);
const DIGEST = `sha256:${'ab'.repeat(32)}`;

/** Runs a script with sh, signatures not verified unless `env` says (VERIFY: ''). */
function run(script: string, args: string[], env: Record<string, string> = {}) {
  const res = spawnSync('sh', [script, ...args], { encoding: 'utf8', env: { PATH: process.env.PATH!, VERIFY: 'none', ...env } });
  return { code: res.status, out: res.stdout, err: res.stderr };
}

describe('PromotionScript: text', () => {
  test('POSIX sh with set -euf, valid syntax for sh (dash), the hop\'s configuration in its script and the logic in one shared file', () => {
    for (const script of [...Object.values(scripts), library]) {
      const syntax = spawnSync('sh', ['-n', script], { encoding: 'utf8' });
      expect([script, syntax.status, syntax.stderr]).toEqual([script, 0, '']);
    }
    const text = PromotionScript.forHop(literalPlan, literalPlan.hops[1]);
    expect(text.split('\n').slice(0, 2)).toEqual([
      '#!/bin/sh',
      '# Promotes one image of registry "platform" from staging to prod on aws, by digest, with skopeo.',
    ]);
    expect(text).toContain([
      '    \'api\')',
      '      SOURCE_PATH=\'platform/staging/api\'',
      '      DEST_PATH=\'platform/prod/api\'',
      '      DEFAULT_SOURCE_REGISTRY=\'123456789012.dkr.ecr.eu-west-1.amazonaws.com\'',
      '      DEFAULT_DEST_REGISTRY=\'123456789012.dkr.ecr.eu-west-1.amazonaws.com\'',
      '      CARRIES_BUILD_TAGS=true',
      '      ENVIRONMENT_TAGS=\'\'',
      '      DEFAULT_REQUIRED_SOURCE_TAG=\'\'',
      '      IMMUTABLE=true',
      '      POLICY_MUTABLE_TAGS=\'latest\'',
    ].join('\n'));
    expect(text).toContain('HOP_SOURCE=\'staging\'\nHOP_DESTINATION=\'prod\'\n');
    // The shared file is found from the hop script's own folder: .github/promotion/aws -> .github/promotion/lib.
    expect(text).toContain('\nHOP_LIBRARY_DIR="$(dirname -- "$0")"/\'../lib\'\n');
    expect(text.trimEnd().split('\n').pop()).toBe('. "$HOP_LIBRARY_DIR/promote-image.sh"');
    expect(PromotionScript.forHop(tagsPlan, tagsPlan.hops[0], { scriptsDir: 'tags', libraryDir: 'shared/lib' }))
      .toContain('\nHOP_LIBRARY_DIR="$(dirname -- "$0")"/\'../shared/lib\'\n');
    // The logic is in the shared file, not repeated per hop: copies by digest, keeping every digest of a multi-arch index.
    expect(text).not.toContain('skopeo copy');
    expect(text).not.toContain('skopeo inspect');
    const shared = PromotionScript.library();
    expect(shared).toContain('\nset -euf\n');
    expect(shared).toContain('copy --all --preserve-digests');
    expect(shared).toContain('"docker://$SOURCE_REF@$DIGEST" "docker://$DEST_REF:$tag"');
    // The hop scripts used to repeat about 200 lines of logic each; now each is its header and configuration
    // (about 30 lines plus 14 per image).
    expect(text.split('\n').length).toBeLessThan(33 + 14 * literalPlan.hops[1].images.length);
  });

  test('Harbor: the hop script differs only in its configuration: <host>/<project> registries, the harbor gate', () => {
    const text = PromotionScript.forHop(harborPlan, harborPlan.hops[1]);
    expect(text).toContain('HOP_CLOUD=\'harbor\'\n');
    expect(text).toContain([
      '    \'jobs/worker\')',
      '      SOURCE_PATH=\'jobs/worker\'',
      '      DEST_PATH=\'jobs/worker\'',
      '      DEFAULT_SOURCE_REGISTRY=\'harbor.example.com/platform-staging\'',
      '      DEFAULT_DEST_REGISTRY=\'harbor.example.com/platform-prod\'',
    ].join('\n'));
    expect(text).toContain('      GATE_THRESHOLD=\'high\'\n');
    const shared = PromotionScript.files(harborPlan).find((f) => f.path.endsWith(PromotionScript.LIBRARY_FILE_NAME))!;
    expect(shared.content).toBe(PromotionScript.library());
  });

  test('the shared file refuses to run on its own', () => {
    const r = run(library, ['--image', 'api']);
    expect(r.code).toBe(1);
    expect(r.err).toContain('promote-image.sh: error: promote-image.sh is shared by the hop scripts: run a hop script (promote-<source>-to-<destination>.sh) instead');
  });

  test('an old skopeo is refused before any registry is touched: --preserve-digests needs 1.6', () => {
    const bin = join(dir, 'old-skopeo');
    mkdirSync(bin, { recursive: true });
    writeFileSync(join(bin, 'skopeo'), '#!/bin/sh\n[ "$1" = --version ] && { echo "skopeo version 1.4.1"; exit 0; }\necho "must not be called: $*" >&2\nexit 1\n', { mode: 0o755 });
    const r = run(scripts.staging, ['--image', 'api', '--digest', DIGEST, '--tag', 'v1'], { SOURCE_REGISTRY: 'r', DEST_REGISTRY: 'r', PATH: `${bin}:${process.env.PATH}` });
    expect(r.code).toBe(1);
    expect(r.err).toContain('skopeo 1.4 is too old: --preserve-digests needs 1.6 or later');
    expect(r.err).not.toContain('must not be called');
  });

  const shellcheck = spawnSync('sh', ['-c', 'command -v shellcheck'], { encoding: 'utf8' }).status === 0;
  // shellcheck is not a CI dependency: this runs where it is installed and is reported as skipped elsewhere.
  (shellcheck ? test : test.skip)('shellcheck -s sh finds nothing in any generated script', () => {
    // -x follows each hop script's `. promote-image.sh` (source-path=SCRIPTDIR), so the pair is checked together.
    const res = spawnSync('shellcheck', ['-x', '-s', 'sh', ...Object.values(scripts), library], { encoding: 'utf8' });
    expect(res.stdout).toBe('');
    expect(res.status).toBe(0);
  });

  test('files(): the shared files once in the library folder, then one executable script per hop, in the cloud\'s folder', () => {
    expect(PromotionScript.files(plan).map((f) => [f.path, f.executable])).toEqual([
      ['.github/promotion/lib/build-tags.sh', true],
      ['.github/promotion/lib/promote-image.sh', false],
      ['.github/promotion/lib/scan-gate.sh', false],
      ['.github/promotion/aws/promote-dev-to-staging.sh', true],
      ['.github/promotion/aws/promote-staging-to-prod.sh', true],
    ]);
  });
});

describe('PromotionScript: refuses bad input before touching a registry', () => {
  test.each([
    [[], {}, 'no image given: use --image NAME or IMAGE (images: api, jobs/worker)'],
    [['--image', 'web'], {}, 'unknown image "web" (images: api, jobs/worker)'],
    [['--image', 'api'], {}, 'no digest given: use --digest sha256:<64 hex> or DIGEST'],
    [['--image', 'api', '--digest', 'sha256:abc'], {}, 'digest "sha256:abc" is not a sha256 digest (sha256:<64 lower-case hex>)'],
    [['--image', 'api', '--digest', 'md5:abc'], {}, 'digest "md5:abc" is not a sha256 digest'],
    [['--image', 'api', '--digest', DIGEST, '--tag', 'v1'], {}, 'SOURCE_REGISTRY is not set: the source registry (${{ vars.AWS_ACCOUNT_ID }}.dkr.ecr.${{ vars.AWS_REGION }}.${{ env.AWS_URL_SUFFIX }})'],
    [['--image', 'api', '--digest', DIGEST], { SOURCE_REGISTRY: 'r', DEST_REGISTRY: 'r' }, 'no tags given: pass the build\'s tags with --tag or TAGS (the staging repository receives the same tags as dev)'],
    [['--image', 'api', '--digest', DIGEST, '--tag', '-bad'], { SOURCE_REGISTRY: 'r', DEST_REGISTRY: 'r' }, '"-bad" is not a valid tag (letters, digits, _ . -; at most 128)'],
    [['--image=api', `--digest=${DIGEST}`, '--tag=x', '--src-tls-verify=maybe'], { SOURCE_REGISTRY: 'r', DEST_REGISTRY: 'r' }, 'tls-verify must be true or false, not "maybe"'],
    [['--image', 'api', '--colour', 'red'], {}, 'unknown argument: --colour'],
    [['--image'], {}, 'option --image needs a value'],
    // Hostile-user sweep: the second of a single-valued option silently won (the CLI's class, in the scripts).
    [['--image', 'api', '--image', 'jobs/worker'], {}, 'option --image is given twice; give it once'],
    [['--image=api', '--digest', DIGEST, `--digest=${DIGEST}`], {}, 'option --digest is given twice; give it once'],
    [['--image', 'api', '--digest', DIGEST, '--source-ref', 'a', '--source-ref', 'b'], {}, 'option --source-ref is given twice; give it once'],
    // Negative control: --tag is a list, given once per tag (parsing goes on to the next check).
    [['--image', 'api', '--digest', DIGEST, '--tag', 'v1', '--tag', 'v1.2'], {}, 'SOURCE_REGISTRY is not set'],
    // Per-side auth files (Harbor's project robots): one way of giving credentials per side, and a readable file.
    [['--image', 'api', '--digest', DIGEST, '--tag', 'v1', '--src-creds', 'u:p', '--src-authfile', '/a.json'], { SOURCE_REGISTRY: 'r', DEST_REGISTRY: 'r' }, 'give either --src-creds or --src-authfile, not both'],
    [['--image', 'api', '--digest', DIGEST, '--tag', 'v1'], { SOURCE_REGISTRY: 'r', DEST_REGISTRY: 'r', DEST_CREDS: 'u:p', DEST_AUTHFILE: '/a.json' }, 'give either --dest-creds or --dest-authfile, not both'],
    [['--image', 'api', '--digest', DIGEST, '--tag', 'v1', '--dest-authfile=/nonexistent/auth.json'], { SOURCE_REGISTRY: 'r', DEST_REGISTRY: 'r' },
      'cannot read the auth file /nonexistent/auth.json (--src-authfile / --dest-authfile): log in with skopeo login --authfile first'],
    // Signatures: one verifier, given explicitly, checked before any registry is touched.
    [['--image', 'api', '--digest', DIGEST, '--tag', 'v1'], { SOURCE_REGISTRY: 'r', DEST_REGISTRY: 'r', VERIFY: '' }, 'no signature verification given: use --verify-identity IDENTITY (keyless, as the workflow does) or --verify-key FILE; --no-verify promotes without checking signatures'],
    [['--image', 'api', '--digest', DIGEST, '--tag', 'v1', '--verify-key', '/nonexistent.pub'], { SOURCE_REGISTRY: 'r', DEST_REGISTRY: 'r', VERIFY: '' }, 'cannot read the public key /nonexistent.pub (--verify-key)'],
    [['--image', 'api', '--digest', DIGEST, '--tag', 'v1', '--verify-key', '/k.pub', '--verify-identity', 'x'], { SOURCE_REGISTRY: 'r', DEST_REGISTRY: 'r', VERIFY: '' }, 'give either --verify-identity (keyless) or --verify-key, not both'],
    [['--image', 'api', '--digest', DIGEST, '--tag', 'v1', '--verify-key', '/k.pub', '--no-verify'], { SOURCE_REGISTRY: 'r', DEST_REGISTRY: 'r', VERIFY: '' }, '--no-verify cannot be combined with --verify-identity or --verify-key'],
    [['--image', 'api', '--digest', DIGEST, '--tag', 'v1', '--verify-identity', 'https://github.com/o/r/.github/workflows/w.yml@refs/heads/main'], { SOURCE_REGISTRY: 'r', DEST_REGISTRY: 'r', VERIFY: '', PATH: '/usr/bin:/bin' }, 'cosign is not installed: it verifies the keyless signature (--verify-identity)'],
  ])('%j %j', (args, env, message) => {
    const r = run(scripts.staging, args as string[], env as Record<string, string>);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`promote-dev-to-staging.sh: error: ${message}`);
    expect(r.out).toBe('');
  });

  test('--help prints the usage with every option and its environment variable', () => {
    const r = run(scripts.staging, ['--help']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^usage: promote-dev-to-staging\.sh --image NAME --digest sha256:HEX \[options\]/);
    expect(r.out).toMatch(/--dest-tls-verify +DEST_TLS_VERIFY +true\|false/);
    expect(r.out).toContain('images: api, jobs/worker');
  });

  test('tags layout: no build tags needed; a registry error that is not "not found" fails, naming the reference', () => {
    // A stand-in skopeo that cannot reach the registry: the script must not mistake that for a missing image.
    const bin = join(dir, 'bin');
    mkdirSync(bin, { recursive: true });
    writeFileSync(join(bin, 'skopeo'), '#!/bin/sh\necho "pinging container registry: dial tcp: connection refused" >&2\nexit 1\n', { mode: 0o755 });
    const r = run(scripts.tags, ['--image', 'api', '--digest', DIGEST], { PATH: `${bin}:${process.env.PATH}` });
    expect(r.code).toBe(1);
    expect(r.out).toBe(`promote-dev-to-staging.sh: api: us-docker.pkg.dev/my-project/platform/api@${DIGEST} (dev) -> us-docker.pkg.dev/my-project/platform/api (staging)\n`);
    expect(r.err).toBe(`promote-dev-to-staging.sh: error: cannot read us-docker.pkg.dev/my-project/platform/api@${DIGEST}: pinging container registry: dial tcp: connection refused \n`);
  });
});

describe('BuildTagsScript: the tags of a build, computed in shell', () => {
  const tags = (env: Record<string, string>) => {
    const r = run(scripts.buildTags, [], env);
    if (r.code !== 0) return { error: r.err.trim() };
    return Object.fromEntries(r.out.trim().split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
  };

  test('semver release: build tag, version, and the aliases that are not covered by a higher release', () => {
    expect(tags({ GIT_SHA: 'ABCDEF0123', VERSION: 'v1.2.3', EXISTING_VERSIONS: 'v1.2.2 v1.3.0 latest', REPOSITORY: 'r/api' })).toEqual({
      'build-tag': '1.2.3-abcdef0',
      'version': '1.2.3',
      'tags': '1.2.3-abcdef0 1.2.3 1.2',
      'mutable': '1.2',
      'refs': 'r/api:1.2.3-abcdef0,r/api:1.2.3,r/api:1.2',
    });
  });

  test('no version: the short sha alone; environment tags are added as mutable', () => {
    expect(tags({ GIT_SHA: 'abcdef0123', ENVIRONMENT_TAGS: 'dev' })).toMatchObject({ 'build-tag': 'abcdef0', 'tags': 'abcdef0 dev', 'mutable': 'dev', 'refs': '' });
  });

  test('bad input: a clear error', () => {
    expect(tags({ GIT_SHA: 'xyz' })).toEqual({ error: 'build-tags: error: GIT_SHA "xyz" is not a git commit sha (7 to 40 hexadecimal characters)' });
    expect(tags({ GIT_SHA: 'abcdef0', VERSION: '1.2' })).toEqual({ error: expect.stringContaining('VERSION "1.2" is not a semantic version') });
    expect(tags({ GIT_SHA: 'abcdef0', STRATEGY: 'date' })).toEqual({ error: expect.stringContaining('STRATEGY "date" is not a tag strategy (allowed: semver, version-sha, git-sha)') });
  });

  test('agrees with the tagging layer\'s BuildTags.compute on random builds (120 runs, fixed seed)', () => {
    const version = fc.tuple(
      fc.constantFrom('', 'v'), fc.nat(3), fc.nat(3), fc.nat(3),
      fc.constantFrom('', '-rc.1', '-alpha', '-0.3.7', '-x-y'), fc.constantFrom('', '+build.5', '_exp.sha.5114f85'),
    ).map(([v, a, b, c, pre, build]) => `${v}${a}.${b}.${c}${pre}${build}`);
    const existing = fc.array(fc.oneof(version, fc.constantFrom('latest', '1.2', 'prod', 'v01.0.0')), { maxLength: 5 });
    fc.assert(fc.property(
      fc.stringMatching(/^[0-9a-fA-F]{7,40}$/), fc.option(version, { nil: undefined }),
      fc.constantFrom(TagStrategy.SEMVER, TagStrategy.VERSION_SHA, TagStrategy.GIT_SHA), fc.boolean(), fc.boolean(), existing,
      (gitSha, v, strategy, semverAliases, latest, existingVersions) => {
        const expected = BuildTags.compute({ gitSha, version: v, strategy, semverAliases, latest, existingVersions });
        const actual = tags({
          GIT_SHA: gitSha,
          VERSION: v ?? '',
          STRATEGY: strategy,
          SEMVER_ALIASES: String(semverAliases),
          LATEST: String(latest),
          EXISTING_VERSIONS: existingVersions.join('\n'),
        });
        expect(actual).toMatchObject({
          'build-tag': expected.buildTag,
          'tags': expected.tags.map((t) => t.tag).join(' '),
          'mutable': expected.tags.filter((t) => t.mutable).map((t) => t.tag).join(' '),
        });
      },
    ), { seed: 20261126, numRuns: 120 });
  });
});
