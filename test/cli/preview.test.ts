import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import * as fc from 'fast-check';
import { runCli } from './run-cli';
import { Timestamps } from '../../src/cli/image-listings';
import { decodeText } from '../../src/cli/spec-file';


const dir = mkdtempSync(join(tmpdir(), 'preview-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string) => {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
};
const NOW = '2026-06-01T00:00:00Z';
const d = (n: number) => `sha256:${String(n).repeat(64).slice(0, 64)}`;

const SPEC = file('registry.yaml', `name: platform
repositories: [{name: api}, {name: web}]
retention:
  protectedTags: [prod]
  rules:
    - {tagState: untagged, expireAfterDays: 7}
    - {tagState: tagged, tagPatterns: ["pr-*"], keepMostRecent: 1}
    - {tagState: any, expireAfterDays: 30}
`);

// aws ecr describe-images, AWS CLI v2 (ISO timestamps).
const ECR_V2 = JSON.stringify({
  imageDetails: [
    { registryId: '111122223333', repositoryName: 'platform/api', imageDigest: d(1), imageTags: ['prod'], imagePushedAt: '2026-01-01T00:00:00+00:00' },
    { registryId: '111122223333', repositoryName: 'platform/api', imageDigest: d(2), imageTags: ['pr-2'], imagePushedAt: '2026-05-30T00:00:00+00:00' },
    { registryId: '111122223333', repositoryName: 'platform/api', imageDigest: d(3), imageTags: ['pr-1'], imagePushedAt: '2026-05-29T00:00:00+00:00' },
    { registryId: '111122223333', repositoryName: 'platform/api', imageDigest: d(4), imagePushedAt: '2026-05-01T00:00:00+00:00' },
    { registryId: '111122223333', repositoryName: 'platform/api', imageDigest: d(5), imageTags: ['main-1'], imagePushedAt: '2026-03-01T00:00:00+00:00' },
  ],
});

describe('container-registry preview', () => {
  test('a spec and an ECR listing (AWS CLI v2): a table per cloud with the deciding rule, and a summary line', async () => {
    const r = await runCli(['preview', '--spec', SPEC, '--repository', 'api', '--images', file('ecr.json', ECR_V2), '--now', NOW]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const lines = r.out.split('\n');
    expect(lines[0]).toMatch(/^repository api: 5 images from .*ecr\.json \(ecr\), now 2026-06-01T00:00:00.000Z$/);
    expect(lines[1]).toMatch(/^DIGEST\s+TAGS\s+PUSHED\s+neutral\s+ECR\s+GAR\s+ACR\s+Harbor$/);
    const row = (tag: string) => lines.find((l) => l.includes(` ${tag} `))!;
    expect(row('prod')).toMatch(/keep\s+keep\s+keep\s+keep$/);
    expect(row('pr-2')).toMatch(/keep\s+keep\s+keep\s+keep$/);
    // pr-1: the neutral policy keeps 1 pr-* image: ECR expresses it; GAR, ACR and Harbor do not (conservative: keep).
    expect(row('pr-1')).toMatch(/delete \(rules\[1\]\)\s+delete \(priority 4\)\s+keep\s+keep\s+keep$/);
    // Harbor retains what its rules select and deletes the rest: the deciding cell says no rule retained it.
    expect(row('<untagged>')).toMatch(/delete \(rules\[0\]\)\s+delete \(priority 3\)\s+delete \(r0-delete-older\)\s+delete \(retention 7d\)\s+delete \(retained by no rule\)$/);
    expect(row('main-1')).toMatch(/delete \(rules\[2\]\)\s+delete \(priority 5\)\s+delete \(r2-delete-older\)\s+delete \(retention 7d\)\s+delete \(retained by no rule\)$/);
    expect(lines[lines.length - 1]).toBe('5 images; would delete: neutral 3, ECR 3, GAR 2, ACR 2, Harbor 2');
  });

  test('AWS CLI v1 epoch seconds from standard input, with a native ECR policy', async () => {
    const v1 = JSON.stringify({
      imageDetails: [
        { imageDigest: d(1), imageTags: ['a'], imagePushedAt: 1748736000.0 },
        { imageDigest: d(2), imagePushedAt: 1780000000.5 },
      ],
    });
    const policy = file('lifecycle.json', JSON.stringify({
      rules: [{
        rulePriority: 1,
        description: 'expire old untagged and tagged images after 30 days',
        selection: { tagStatus: 'any', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 30 },
        action: { type: 'expire' },
      }],
    }));
    const r = await runCli(['preview', '--ecr-policy', policy, '--images', '-', '--now', NOW], v1);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/sha256:1{12}\s+a\s+2025-06-01T00:00:00Z\s+delete \(priority 1\)/);
    expect(r.out).toMatch(/<untagged>\s+2026-05-28T20:26:40Z\s+keep/);
    expect(r.out).toMatch(/2 images; would delete: ECR 1$/);
  });

  test('gcloud listings (tags as a list or a comma-separated string) with native cleanup policies', async () => {
    const listing = JSON.stringify([
      { package: 'us-docker.pkg.dev/proj/platform/api', version: d(1), tags: ['v1', 'latest'], createTime: '2026-01-01T00:00:00Z', updateTime: '2026-01-01T00:00:00Z' },
      { package: 'us-docker.pkg.dev/proj/platform/api', version: d(2), tags: 'pr-1,pr-2', createTime: '2026-05-31T00:00:00.123Z', updateTime: '2026-05-31T00:00:00Z' },
      { package: 'us-docker.pkg.dev/proj/platform/api', version: d(3), tags: '', createTime: '2026-04-01T00:00:00Z', updateTime: '2026-04-01T00:00:00Z' },
    ]);
    const policies = file('cleanup.json', JSON.stringify([
      { id: 'old', action: 'DELETE', condition: { tag_state: 'ANY', older_than: '2592000s' } },
      { id: 'keep-v', action: 'KEEP', condition: { tag_state: 'TAGGED', tag_prefixes: ['v'] } },
    ]));
    const r = await runCli(['preview', '--gar-policies', policies, '--images', file('gcloud.json', listing), '--now', NOW]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/pr-1,pr-2\s+2026-05-31T00:00:00Z\s+keep/);
    expect(r.out).toMatch(/<untagged>\s+2026-04-01T00:00:00Z\s+delete \(old\)/);
    expect(r.out).toMatch(/v1,latest\s+2026-01-01T00:00:00Z\s+keep/);
    expect(r.out).toMatch(/3 images; would delete: GAR 1$/);
  });

  test('az acr manifest list-metadata with acr purge command lines', async () => {
    const listing = JSON.stringify([
      { digest: d(1), createdTime: '2026-01-01T00:00:00Z', lastUpdateTime: '2026-01-01T00:00:00Z', tags: ['pr-1'] },
      { digest: d(2), createdTime: '2026-05-31T00:00:00Z', lastUpdateTime: '2026-05-31T00:00:00Z', tags: ['pr-2'] },
    ]);
    const commands = file('purge.txt', '# nightly\nacr purge --filter "^image$:^pr-.*$" --ago 7d --untagged\n');
    const r = await runCli(['preview', '--acr-commands', commands, '--images', file('az.json', listing), '--now', NOW]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/pr-1\s+2026-01-01T00:00:00Z\s+delete \(command 1\)/);
    expect(r.out).toMatch(/pr-2\s+2026-05-31T00:00:00Z\s+keep/);
  });

  test('a spec and a gcloud listing of several images: --repository keeps only that image (not api-gateway)', async () => {
    const spec = file('two.yaml', 'name: platform\nrepositories: [{name: api}, {name: api-gateway}]\nretention:\n  rules: [{tagState: untagged, expireAfterDays: 7}]\n');
    const listing = JSON.stringify([
      { package: 'europe-docker.pkg.dev/proj/platform/api', version: d(1), tags: [], createTime: '2026-05-01T00:00:00Z' },
      { package: 'europe-docker.pkg.dev/proj/platform/api-gateway', version: d(2), tags: [], createTime: '2026-05-01T00:00:00Z' },
      { package: 'europe-docker.pkg.dev/proj/platform/api', version: d(3), tags: ['v1'], createTime: '2026-05-01T00:00:00Z' },
    ]);
    const r = await runCli(['preview', '--spec', spec, '--repository', 'api', '--environment', 'dev', '--images', file('g2.json', listing), '--now', NOW]);
    expect(r).toMatchObject({ code: 1, err: expect.stringMatching(/--environment: "dev" is not an environment of the spec \(none\)/) });
    const ok = await runCli(['preview', '--spec', spec, '--repository', 'api', '--images', file('g2.json', listing), '--now', NOW]);
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/^repository api: 2 images from .*\(gcloud\)/);
    expect(ok.out).not.toMatch(/sha256:2222/);
    expect(ok.out).toMatch(/<untagged>\s+2026-05-01T00:00:00Z\s+delete \(rules\[0\]\)\s+delete \(priority 1\)\s+delete \(r0-delete-older\)\s+delete \(retention 7d\)/);
    expect(ok.out).toMatch(/2 images; would delete: neutral 1, ECR 1, GAR 1, ACR 1, Harbor 1$/);
  });

  test('malformed input: a clear error and a non-zero exit', async () => {
    const notJson = await runCli(['preview', '--spec', SPEC, '--images', file('bad.json', '{"imageDetails": ['), '--now', NOW]);
    expect(notJson).toMatchObject({ code: 1, err: expect.stringMatching(/bad\.json: not valid JSON/) });
    const wrong = await runCli(['preview', '--spec', SPEC, '--images', '-'], JSON.stringify({ items: [] }));
    expect(wrong).toMatchObject({ code: 1, err: expect.stringMatching(/standard input: not an image listing: expected \{"imageDetails"/) });
    const fields = await runCli(['preview', '--spec', SPEC, '--repository', 'api', '--images', '-'],
      JSON.stringify({ imageDetails: [{ imageDigest: 'nope', imagePushedAt: 'yesterday' }] }));
    expect(fields.code).toBe(1);
    expect(fields.err).toMatch(/\(ecr listing\): 2 problems\n.*imageDetails\[0\]\.imagePushedAt: "yesterday" is not a timestamp[\s\S]*imageDetails\[0\]\.imageDigest: "nope" is not a digest/);
    expect(await runCli(['preview', '--images', '-'])).toMatchObject({ code: 2, err: expect.stringMatching(/usage: container-registry preview/) });
    const which = await runCli(['preview', '--spec', SPEC, '--images', '-'], JSON.stringify({ imageDetails: [] }));
    expect(which).toMatchObject({ code: 1, err: expect.stringMatching(/several repositories \(api, web\): say which one the listing is with --repository/) });
    expect(await runCli(['preview', '--spec', join(dir, 'missing.yaml'), '--images', '-'], '[]'))
      .toMatchObject({ code: 1, err: expect.stringMatching(/cannot read the spec .*missing\.yaml: no such file/) });
  });

  describe('strict timestamps', () => {
    const ecr = (imagePushedAt: unknown) => JSON.stringify({ imageDetails: [{ repositoryName: 'platform/api', imageDigest: d(1), imagePushedAt }] });
    const gcloud = (createTime: unknown) => JSON.stringify([{ package: 'europe-docker.pkg.dev/p/platform/api', version: d(1), tags: [], createTime }]);
    const az = (lastUpdateTime: unknown) => JSON.stringify([{ digest: d(1), lastUpdateTime, tags: [] }]);
    test.each<[string, string, RegExp]>([
      ['February 30', ecr('2026-02-30T00:00:00+00:00'), /imagePushedAt: "2026-02-30T00:00:00\+00:00" is not a timestamp .*: 2026-02 has 28 days, not 30/],
      ['February 29 of a common year', gcloud('2025-02-29T00:00:00Z'), /\[0\]\.createTime: "2025-02-29T00:00:00Z" is not a timestamp .*: 2025-02 has 28 days, not 29/],
      ['February 29 of 1900', az('1900-02-29T00:00:00Z'), /lastUpdateTime: .* 1900-02 has 28 days, not 29/],
      ['month 13', ecr('2026-13-01T00:00:00Z'), /month 13 does not exist/],
      ['hour 24', gcloud('2026-06-01T24:00:00Z'), /24:00:00 is not a time of day/],
      ['no time zone', az('2026-06-01T12:00:00'), /is not a timestamp .*: it has no time zone/],
      ['a date only', gcloud('2026-06-01'), /"2026-06-01" is not a timestamp/],
      ['a bad offset', ecr('2026-06-01T00:00:00+24:00'), /\+24:00 is not a time zone offset/],
      ['epoch milliseconds (AWS CLI v1 prints seconds)', ecr(1780000000000), /1780000000000 is not a timestamp .*: this looks like milliseconds, not seconds/],
      ['negative epoch seconds', ecr(-5), /-5 is not a timestamp .*: epoch seconds are a non-negative number/],
      ['epoch seconds on gcloud (it prints RFC 3339)', gcloud(1780000000), /createTime: 1780000000 is not a timestamp \(RFC 3339 with a time zone, such as 2026-06-01T12:00:00Z\)$/m],
      ['a sentence', az('yesterday'), /"yesterday" is not a timestamp/],
    ])('%s is refused', async (_name, listing, expected) => {
      const r = await runCli(['preview', '--spec', SPEC, '--repository', 'api', '--images', '-', '--now', NOW], listing);
      expect(r.code).toBe(1);
      expect(r.err).toMatch(expected);
    });

    test.each([
      ['AWS CLI v2', '2019-10-31T22:21:41-07:00', '2019-11-01T05:21:41.000Z'],
      ['AWS CLI v2 with fractions', '2026-05-01T10:00:00.123000+00:00', '2026-05-01T10:00:00.123Z'],
      ['gcloud nanoseconds', '2024-02-29T23:59:59.999999999Z', '2024-02-29T23:59:59.999Z'],
      ['az seven digits', '2023-05-11T17:03:19.8245357Z', '2023-05-11T17:03:19.824Z'],
    ])('%s: %s is read exactly', (_name, text, iso) => {
      expect(Timestamps.parse(text, false).date!.toISOString()).toBe(iso);
    });

    test('property: a generated date-time is accepted exactly when it names a real instant, which is the one Node reads (300 cases)', () => {
      const pad = (n: number, w = 2) => String(n).padStart(w, '0');
      const parts = fc.record({
        y: fc.integer({ min: 1899, max: 2401 }),
        mo: fc.integer({ min: 0, max: 13 }),
        d: fc.integer({ min: 0, max: 32 }),
        h: fc.integer({ min: 0, max: 24 }),
        mi: fc.integer({ min: 0, max: 60 }),
        s: fc.integer({ min: 0, max: 60 }),
        zone: fc.constantFrom('Z', '+00:00', '-07:00', '+05:30', '+14:00'),
      });
      let valid = 0;
      let invalid = 0;
      fc.assert(fc.property(parts, ({ y, mo, d: day, h, mi, s, zone }) => {
        const text = `${pad(y, 4)}-${pad(mo)}-${pad(day)}T${pad(h)}:${pad(mi)}:${pad(s)}${zone}`;
        // Independent oracle of the calendar: Date.UTC rolls impossible fields over, so they do not come back unchanged.
        const t = new Date(Date.UTC(y, mo - 1, day, h, mi, s));
        const real = mo >= 1 && mo <= 12 && t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === day
          && t.getUTCHours() === h && t.getUTCMinutes() === mi && t.getUTCSeconds() === s;
        const parsed = Timestamps.parse(text, false);
        if (real) valid++; else invalid++;
        if (!real) return parsed.problem !== undefined;
        return parsed.date!.getTime() === new Date(text).getTime();
      }), { seed: 15, numRuns: 300 });
      expect(valid).toBeGreaterThan(50);
      expect(invalid).toBeGreaterThan(50);
    });

    test('negative control: the lenient reading the property replaces (new Date) accepts impossible dates', () => {
      for (const text of ['2026-02-30T00:00:00Z', '2025-02-29T00:00:00Z', '2026-04-31T00:00:00Z']) {
        expect(Number.isNaN(new Date(text).getTime())).toBe(false);
        expect(Timestamps.parse(text, false).problem).toMatch(/has (28|30) days/);
      }
    });

    test('--now: a date-time or a date, calendar-checked', async () => {
      expect(Timestamps.parseNow('2026-06-01').toISOString()).toBe('2026-06-01T00:00:00.000Z');
      const r = await runCli(['preview', '--spec', SPEC, '--repository', 'api', '--images', file('now.json', ECR_V2), '--now', '2026-02-30']);
      expect(r).toMatchObject({ code: 1, err: '--now: "2026-02-30" is not a date: 2026-02 has 28 days, not 30' });
      const zone = await runCli(['preview', '--spec', SPEC, '--repository', 'api', '--images', file('now.json', ECR_V2), '--now', '2026-06-01T00:00:00']);
      expect(zone).toMatchObject({ code: 1, err: expect.stringMatching(/^--now: "2026-06-01T00:00:00" is not a timestamp .*: it has no time zone$/) });
    });
  });

  describe('a policy file must hold a policy', () => {
    const listing = () => file('one.json', JSON.stringify({ imageDetails: [{ repositoryName: 'platform/api', imageDigest: d(1), imagePushedAt: '2026-01-01T00:00:00Z' }] }));
    test.each<[string, string, string, RegExp]>([
      ['an empty ECR policy', '--ecr-policy', '', /empty-ECR-policy is empty: expected an ECR lifecycle policy \(JSON with "rules"\)$/],
      ['a blank ECR policy', '--ecr-policy', ' \n', /is empty: expected an ECR lifecycle policy/],
      ['JSON that is not an ECR policy', '--ecr-policy', '{"Version": "2012-10-17", "Statement": []}', /EcrLifecycleEvaluator: cannot evaluate the lifecycle policy/],
      ['empty cleanup policies', '--gar-policies', '', /is empty: expected Artifact Registry cleanup policies \(JSON\)$/],
      ['an empty list of cleanup policies', '--gar-policies', '[]', /lists no cleanup policy: nothing to preview$/],
      ['JSON that is not cleanup policies', '--gar-policies', '{"rules": []}', /GarCleanupEvaluator: cannot evaluate the cleanup policies/],
      ['empty purge commands', '--acr-commands', '', /holds no acr purge command \(one "acr purge \.\.\." per line\): nothing to preview$/],
      ['only comments', '--acr-commands', '# nightly\n\n', /holds no acr purge command/],
      ['a shell script', '--acr-commands', 'echo hi\n', /must start with "acr purge"/],
    ])('%s is an error', async (name, option, text, expected) => {
      const policy = file(name.replace(/ /g, '-').replace('an-', '').replace('a-', ''), text);
      const r = await runCli(['preview', option, policy, '--images', listing(), '--now', NOW]);
      expect(r.code).toBe(1);
      expect(r.err).toMatch(expected);
    });
  });

  describe('a listing without images of the requested repository is an error', () => {
    const web = JSON.stringify({ imageDetails: [{ repositoryName: 'platform/web', imageDigest: d(1), imagePushedAt: '2026-01-01T00:00:00Z' }] });
    test('with --spec', async () => {
      const r = await runCli(['preview', '--spec', SPEC, '--repository', 'api', '--images', '-', '--now', NOW], web);
      expect(r).toMatchObject({ code: 1, err: 'standard input has no image of repository "api" (it lists platform/web): list that repository, or name another with --repository' });
      const empty = await runCli(['preview', '--spec', SPEC, '--repository', 'api', '--images', '-', '--now', NOW], '[]');
      expect(empty).toMatchObject({ code: 1, err: expect.stringMatching(/has no image of repository "api" \(it is empty\)/) });
    });

    test('with a native policy, and --repository picks one image of several (the gcloud listing of a whole repository)', async () => {
      const policies = file('c.json', JSON.stringify([{ id: 'old', action: 'DELETE', condition: { tag_state: 'ANY', older_than: '86400s' } }]));
      const listing = JSON.stringify([
        { package: 'europe-docker.pkg.dev/p/platform/api', version: d(1), tags: [], createTime: '2026-05-01T00:00:00Z' },
        { package: 'europe-docker.pkg.dev/p/platform/web', version: d(2), tags: [], createTime: '2026-05-01T00:00:00Z' },
      ]);
      const several = await runCli(['preview', '--gar-policies', policies, '--images', '-', '--now', NOW], listing);
      expect(several).toMatchObject({ code: 1, err: 'standard input lists several images (api, web); say which one with --repository' });
      const ok = await runCli(['preview', '--gar-policies', policies, '--repository', 'web', '--images', '-', '--now', NOW], listing);
      expect(ok.code).toBe(0);
      expect(ok.out).toMatch(/^1 image; would delete: GAR 1$/m);
      const none = await runCli(['preview', '--gar-policies', policies, '--repository', 'jobs', '--images', '-', '--now', NOW], listing);
      expect(none).toMatchObject({ code: 1, err: expect.stringMatching(/has no image of repository "jobs" \(it lists api, web\)/) });
      expect(await runCli(['preview', '--gar-policies', policies, '--images', '-', '--now', NOW], '[]'))
        .toMatchObject({ code: 1, err: 'standard input lists no image: nothing to preview' });
    });
  });

  test('an ECR listing with last pull times and archived images: the pull-time rule archives, the archive rule expires, GAR and ACR keep', async () => {
    const spec = file('pulls.yaml', `name: platform
repositories: [{name: api}]
retention:
  protectedTags: [prod]
  rules:
    - {tagState: any, notPulledForDays: 90, action: archive}
    - {tagState: any, storageClass: archive, archivedForDays: 365}
`);
    // Fields of aws ecr describe-images (ImageDetail): lastRecordedPullTime, imageStatus, lastArchivedAt.
    const listing = JSON.stringify({
      imageDetails: [
        { repositoryName: 'platform/api', imageDigest: d(1), imageTags: ['prod'], imagePushedAt: '2025-01-01T00:00:00+00:00' },
        {
          repositoryName: 'platform/api',
          imageDigest: d(2),
          imageTags: ['v2'],
          imagePushedAt: '2025-01-01T00:00:00+00:00',
          lastRecordedPullTime: '2026-05-20T00:00:00+00:00',
        },
        { repositoryName: 'platform/api', imageDigest: d(3), imageTags: ['v1'], imagePushedAt: '2025-01-01T00:00:00+00:00' },
        {
          repositoryName: 'platform/api',
          imageDigest: d(4),
          imageTags: ['v0'],
          imagePushedAt: '2024-01-01T00:00:00+00:00',
          imageStatus: 'ARCHIVED',
          lastArchivedAt: '2025-03-01T00:00:00+00:00',
        },
      ],
    });
    const r = await runCli(['preview', '--spec', spec, '--images', file('pulls.json', listing), '--now', NOW]);
    expect(r.code).toBe(0);
    const lines = r.out.split('\n');
    expect(lines[1]).toMatch(/^DIGEST\s+TAGS\s+PUSHED\s+PULLED\s+STORAGE\s+neutral\s+ECR\s+GAR\s+ACR\s+Harbor$/);
    expect(r.out).toMatch(/v2\s+2025-01-01T00:00:00Z\s+2026-05-20T00:00:00Z\s+standard\s+keep\s+keep\s+keep\s+keep/);
    expect(r.out).toMatch(/v1\s+2025-01-01T00:00:00Z\s+never\s+standard\s+archive \(rules\[0\]\)\s+archive \(priority 3\)\s+keep\s+keep/);
    expect(r.out).toMatch(/prod\s+2025-01-01T00:00:00Z\s+never\s+standard\s+keep\s+keep\s+keep\s+keep/);
    expect(r.out).toMatch(/v0\s+2024-01-01T00:00:00Z\s+never\s+archive\s+delete \(rules\[1\]\)\s+delete \(priority 6\)\s+keep\s+keep/);
    expect(lines[lines.length - 1]).toBe('4 images; would delete: neutral 1, ECR 1, GAR 0, ACR 0, Harbor 0; would archive: neutral 1, ECR 1, GAR 0, ACR 0, Harbor 0');
  });
});

/**
 * Harbor: the artifact listing of its REST API (`GET /api/v2.0/projects/{project}/repositories/{repository}/artifacts`,
 * goharbor/harbor api/v2.0/swagger.yaml: Artifact {repository_name, digest, push_time, pull_time, tags: Tag[]},
 * Tag {name, push_time, pull_time}); test/cli/fixtures/harbor-artifacts.json is the concatenation (`jq -s add`)
 * of the listings of platform/api and platform/web, in the swagger's shape.
 */
describe('container-registry preview on Harbor', () => {
  const HARBOR = join(__dirname, 'fixtures', 'harbor-artifacts.json');

  test('a spec and a Harbor listing of two repositories: --repository picks one; push and pull times are the latest of the artifact\'s and its tags\'', async () => {
    const r = await runCli(['preview', '--spec', SPEC, '--repository', 'api', '--images', HARBOR, '--now', NOW]);
    expect([r.code, r.err]).toEqual([0, '']);
    const lines = r.out.split('\n');
    expect(lines[0]).toMatch(/^repository api: 6 images from .*harbor-artifacts\.json \(harbor\), now 2026-06-01T00:00:00.000Z$/);
    expect(lines[1]).toMatch(/^DIGEST\s+TAGS\s+PUSHED\s+PULLED\s+neutral\s+ECR\s+GAR\s+ACR\s+Harbor$/);
    expect(r.out).not.toContain('sha256:777777777777'); // platform/web
    const row = (tag: string) => lines.find((l) => l.includes(` ${tag} `))!;
    // main-2 was retagged: the artifact was pushed on 2026-04-01, its tag on 2026-05-25 (Harbor's retention job reads the
    // latest of both, src/pkg/retention/dep/client.go), so it is 7 days old and every policy keeps it.
    expect(row('main-2')).toMatch(/main-2\s+2026-05-25T12:00:00Z\s+never\s+keep\s+keep\s+keep\s+keep\s+keep$/);
    // The zero pull time (0001-01-01, Go's zero time) is "never"; a pull time is the latest of the artifact's and its tags'.
    expect(row('prod')).toMatch(/prod\s+2026-01-01T00:00:00Z\s+2026-05-31T08:00:00Z\s+keep\s+keep\s+keep\s+keep\s+keep$/);
    expect(row('<untagged>')).toMatch(/delete \(rules\[0\]\)\s+delete \(priority 3\)\s+delete \(r0-delete-older\)\s+delete \(retention 7d\)\s+delete \(retained by no rule\)$/);
    expect(row('main-1')).toMatch(/main-1\s+2026-03-01T00:00:00Z\s+2026-05-31T00:00:00Z\s+delete \(rules\[2\]\).*delete \(retained by no rule\)$/);
    expect(lines[lines.length - 1]).toBe('6 images; would delete: neutral 3, ECR 3, GAR 2, ACR 2, Harbor 2');
  });

  test('--cloud harbor shows the neutral meaning beside Harbor only; --cloud takes a list and refuses an unknown cloud', async () => {
    const r = await runCli(['preview', '--spec', SPEC, '--repository', 'api', '--images', HARBOR, '--now', NOW, '--cloud', 'harbor']);
    expect(r.code).toBe(0);
    expect(r.out.split('\n')[1]).toMatch(/^DIGEST\s+TAGS\s+PUSHED\s+PULLED\s+neutral\s+Harbor$/);
    expect(r.out.split('\n').pop()).toBe('6 images; would delete: neutral 3, Harbor 2');
    const two = await runCli(['preview', '--spec', SPEC, '--repository', 'api', '--images', HARBOR, '--now', NOW, '--cloud', 'aws,harbor']);
    expect(two.out.split('\n').pop()).toBe('6 images; would delete: neutral 3, ECR 3, Harbor 2');
    expect(await runCli(['preview', '--spec', SPEC, '--images', HARBOR, '--cloud', 'ibm']))
      .toMatchObject({ code: 2, err: expect.stringContaining('--cloud: "ibm" is not a cloud (allowed: aws, gcp, azure, harbor') });
    expect(await runCli(['preview', '--ecr-policy', SPEC, '--images', HARBOR, '--cloud', 'harbor']))
      .toMatchObject({ code: 2, err: expect.stringContaining('--cloud chooses the clouds of a --spec preview') });
  });

  test('the Harbor column evaluates the repository the spec names for the environment: a listing of another one is refused', async () => {
    const spec = file('envs.yaml', 'name: platform\nrepositories: [{name: api}]\nenvironments: {layout: repositories, chain: [{name: dev}, {name: prod}]}\n'
      + 'retention: {rules: [{tagState: any, expireAfterDays: 30}]}\n');
    // The listing is of platform/api; with the repositories layout the spec puts dev's api in platform/dev/api.
    expect(await runCli(['preview', '--spec', spec, '--repository', 'api', '--environment', 'dev', '--images', HARBOR, '--now', NOW]))
      .toMatchObject({ code: 1, err: expect.stringContaining('lists Harbor repository platform/api, but the spec puts image "api" of environment "dev" in platform/dev/api') });
    // Without --environment the spec's repository is the unprefixed one; the listing must name it.
    const other = JSON.parse(readFileSync(HARBOR, 'utf8')).filter((a: any) => a.repository_name === 'platform/api').map((a: any) => ({ ...a, repository_name: 'platform/prod/api' }));
    expect(await runCli(['preview', '--spec', spec, '--images', file('prod.json', JSON.stringify(other)), '--now', NOW]))
      .toMatchObject({ code: 1, err: expect.stringContaining('lists Harbor repository platform/prod/api, but the spec puts image "api" in platform/api: say which environment with --environment') });
    // The same artifacts listed as platform/dev/api: previewed, 30 days by push time.
    const dev = JSON.parse(readFileSync(HARBOR, 'utf8')).filter((a: any) => a.repository_name === 'platform/api').map((a: any) => ({ ...a, repository_name: 'platform/dev/api' }));
    const r = await runCli(['preview', '--spec', spec, '--environment', 'dev', '--images', file('dev.json', JSON.stringify(dev)), '--now', NOW, '--cloud', 'harbor']);
    expect([r.code, r.err]).toEqual([0, '']);
    expect(r.out.split('\n').pop()).toBe('6 images; would delete: neutral 3, Harbor 3');
  });

  test('a native Harbor retention policy (the REST JSON) over the listing of one repository', async () => {
    const sel = (decoration: string, pattern: string) => ({ kind: 'doublestar', decoration, pattern });
    // Retain the most recently pushed 2 artifacts tagged pr-* or main-*, and everything tagged prod: the rest is deleted.
    const policy = file('harbor-policy.json', JSON.stringify({
      algorithm: 'or',
      rules: [
        { disabled: false, action: 'retain', template: 'latestPushedK', params: { latestPushedK: 2 }, tag_selectors: [sel('matches', '{pr-*,main-*}')], scope_selectors: { repository: [sel('repoMatches', '**')] } },
        { disabled: false, action: 'retain', template: 'always', params: {}, tag_selectors: [sel('matches', 'prod')], scope_selectors: { repository: [sel('repoMatches', 'api')] } },
      ],
    }));
    const r = await runCli(['preview', '--harbor-policy', policy, '--images', HARBOR, '--repository', 'platform/api', '--now', NOW]);
    expect([r.code, r.err]).toEqual([0, '']);
    const lines = r.out.split('\n');
    expect(lines[0]).toMatch(/^DIGEST\s+TAGS\s+PUSHED\s+PULLED\s+Harbor$/);
    // Pushed (latest of artifact and tags): pr-2 05-30, pr-1 05-29, main-2 05-25, main-1 03-01: pr-2 and pr-1 are retained.
    // The untagged artifact is retained too: a `matches` tag selector selects untagged artifacts unless its extras say
    // {"untagged": false} (the doublestar selector's default), so the `always` rule keeps it.
    const row = (tag: string) => lines.find((l) => l.includes(` ${tag} `))!;
    expect([row('pr-2'), row('pr-1'), row('prod'), row('<untagged>')].map((l) => l.trimEnd().endsWith('keep'))).toEqual([true, true, true, true]);
    expect([row('main-2'), row('main-1')].map((l) => /delete \(retained by no rule\)$/.test(l))).toEqual([true, true]);
    expect(lines[lines.length - 1]).toBe('6 images; would delete: Harbor 2');
    // With {"untagged": false} on both rules, nothing retains the untagged artifact.
    const tagged = JSON.parse(readFileSync(policy, 'utf8'));
    for (const rule of tagged.rules) rule.tag_selectors[0].extras = '{"untagged":false}';
    const r2 = await runCli(['preview', '--harbor-policy', file('harbor-tagged.json', JSON.stringify(tagged)), '--images', HARBOR, '--repository', 'platform/api', '--now', NOW]);
    expect(r2.out).toMatch(/<untagged>.*delete \(retained by no rule\)$/m);
    expect(r2.out.split('\n').pop()).toBe('6 images; would delete: Harbor 3');
    // Several repositories and no --repository: say which.
    expect(await runCli(['preview', '--harbor-policy', policy, '--images', HARBOR, '--now', NOW]))
      .toMatchObject({ code: 1, err: expect.stringContaining('lists several images (platform/api, platform/web); say which one with --repository') });
    // A listing without repository names (ECR here) needs the Harbor repository's full name.
    expect(await runCli(['preview', '--harbor-policy', policy, '--images', file('ecr-h.json', ECR_V2), '--repository', 'api', '--now', NOW]))
      .toMatchObject({ code: 1, err: expect.stringContaining('give the listing\'s full repository name with --repository <project>/<repository>, not "api"') });
    // A policy without rules: refused, not read as "delete everything" or "nothing".
    expect(await runCli(['preview', '--harbor-policy', file('no-rules.json', '{"algorithm":"or","rules":[]}'), '--images', HARBOR, '--repository', 'platform/api', '--now', NOW]))
      .toMatchObject({ code: 1, err: expect.stringContaining('lists no retention rule: nothing to preview') });
  });

  test('malformed Harbor listings: every problem at once, naming the field', async () => {
    const bad = JSON.stringify([
      { repository_name: 'api', digest: d(1), push_time: '2026-02-30T00:00:00Z', pull_time: '0001-01-01T00:00:00.000Z', tags: [{ name: 'v1', push_time: 'yesterday' }] },
      { repository_name: 'platform/api', digest: 'latest', push_time: '2026-01-01T00:00:00Z', tags: [{ name: '' }] },
      { repository_name: 'platform/api', digest: d(3), push_time: '2026-01-01T00:00:00Z', tags: null },
      { repository_name: 'platform/api', digest: d(3), push_time: '2026-01-01T00:00:00Z' },
    ]);
    const r = await runCli(['preview', '--spec', SPEC, '--images', file('bad-harbor.json', bad), '--now', NOW]);
    expect(r.code).toBe(1);
    expect(r.err).toContain([
      'bad-harbor.json (harbor listing): 6 problems',
      '  - [0].repository_name: "api" is not a Harbor repository name (<project>/<repository>)',
      '  - [0].push_time: "2026-02-30T00:00:00Z" is not a timestamp (RFC 3339 with a time zone, such as 2026-06-01T12:00:00Z): 2026-02 has 28 days, not 30',
      '  - [0].tags[0].push_time: "yesterday" is not a timestamp (RFC 3339 with a time zone, such as 2026-06-01T12:00:00Z)',
      '  - [1].tags[0].name: "" is not a tag',
      '  - [1].digest: "latest" is not a digest (sha256: and 64 lower-case hex digits)',
      `  - [3]: platform/api@${d(3)} is listed twice (concatenate each repository's listing once)`,
    ].join('\n'));
  });
});

// Hostile-user sweep: `--repository api` took the images of platform/dev/api and platform/prod/api as one
// repository (both end with /api), and judged them together.
describe('a listing of several repositories of one image is refused', () => {
  const img = (repositoryName: string, n: number) => ({ repositoryName, imageDigest: d(n), imageTags: [`t${n}`], imagePushedAt: '2026-01-01T00:00:00Z' });
  test.each<[string, string, RegExp]>([
    ['ECR', JSON.stringify({ imageDetails: [img('platform/dev/api', 1), img('platform/prod/api', 2)] }),
      /lists several repositories of image "api" \(platform\/dev\/api, platform\/prod\/api\); a retention policy applies to each repository on its own/],
    ['gcloud', JSON.stringify([
      { package: 'europe-docker.pkg.dev/p/platform-dev/api', version: d(1), tags: [], createTime: '2026-01-01T00:00:00Z' },
      { package: 'europe-docker.pkg.dev/p/platform-prod/api', version: d(2), tags: [], createTime: '2026-01-01T00:00:00Z' },
    ]), /lists several repositories of image "api" \(europe-docker\.pkg\.dev\/p\/platform-dev\/api, europe-docker\.pkg\.dev\/p\/platform-prod\/api\)/],
  ])('%s', async (_, listing, message) => {
    const r = await runCli(['preview', '--spec', SPEC, '--repository', 'api', '--images', file(`several-${_}.json`, listing), '--now', NOW]);
    expect(r).toMatchObject({ code: 1, err: expect.stringMatching(message) });
  });

  test('negative control: one repository of the image, beside another image\'s', async () => {
    const r = await runCli(['preview', '--spec', SPEC, '--repository', 'api', '--images',
      file('one-repo.json', JSON.stringify({ imageDetails: [img('platform/dev/api', 1), img('platform/dev/api', 2), img('platform/dev/web', 3)] })), '--now', NOW]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^repository api: 2 images from /);
  });
});

// Hostile-user sweep: the spec loader ignored a byte-order mark, preview's readers did not ("Unexpected token
// '\uFEFF'"), and no reader knew UTF-16 (what Windows PowerShell 5 writes for `aws ... > images.json`);
// --environment without --spec was ignored, and two inputs from standard input read it twice.
describe('every file is read the same way: byte-order marks and UTF-16', () => {
  const policy = JSON.stringify({ rules: [{ rulePriority: 1, description: 'keep one', selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 1 }, action: { type: 'expire' } }] });
  const listing = JSON.stringify({
    imageDetails: [
      { repositoryName: 'platform/api', imageDigest: d(1), imageTags: ['a'], imagePushedAt: '2026-01-01T00:00:00Z' },
      { repositoryName: 'platform/api', imageDigest: d(2), imageTags: ['b'], imagePushedAt: '2026-02-01T00:00:00Z' },
    ],
  });
  const utf16le = (text: string) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
  const utf16be = (text: string) => {
    const b = Buffer.from(text, 'utf16le');
    b.swap16();
    return Buffer.concat([Buffer.from([0xfe, 0xff]), b]);
  };
  const bytes = (name: string, content: Buffer) => {
    writeFileSync(join(dir, name), content);
    return join(dir, name);
  };

  test.each<[string, (t: string) => Buffer]>([
    ['UTF-8 with a BOM', (t) => Buffer.from(`\uFEFF${t}`, 'utf8')],
    ['UTF-16 LE with a BOM', utf16le],
    ['UTF-16 BE with a BOM', utf16be],
  ])('%s: the listing, the policy and the spec are read', async (name, encode) => {
    const r = await runCli(['preview', '--images', bytes(`l-${name}.json`, encode(listing)), '--ecr-policy', bytes(`p-${name}.json`, encode(policy)), '--now', NOW]);
    expect(r.err).toBe('');
    expect(r.out).toMatch(/2 images; would delete: ECR 1$/);
    const spec = bytes(`s-${name}.yaml`, encode(readFileSync(SPEC, 'utf8')));
    expect(await runCli(['validate', spec, '--quiet'])).toMatchObject({ code: 0, out: `${spec}: valid` });
    // Standard input is decoded the same way (processIo.stdin).
    expect(decodeText(encode(listing))).toBe(listing);
  });

  test.each<[string[], RegExp]>([
    [['--images', '-', '--ecr-policy', '-'], /^--images and --ecr-policy both read standard input \(-\), which can be read once/],
    [['--images', 'x.json', '--ecr-policy', 'p.json', '--environment', 'prod'], /^--environment chooses where a --spec puts the image/],
  ])('%j is a usage error', async (args, message) => {
    expect(await runCli(['preview', ...args])).toMatchObject({ code: 2, err: expect.stringMatching(message) });
  });
});
