import { parseListing, Timestamps } from '../../src/cli/image-listings';
import { ProblemsError } from '../../src/spec/problems';

const D1 = `sha256:${'a'.repeat(64)}`;
const D2 = `sha256:${'b'.repeat(64)}`;

describe('parseListing: the three CLIs\' outputs, detected by shape', () => {
  test('aws ecr describe-images (CLI v2 ISO times with an offset, CLI v1 epoch seconds), pull and archive fields', () => {
    const listing = parseListing(JSON.stringify({
      imageDetails: [
        { repositoryName: 'platform/dev/api', imageDigest: D1, imageTags: ['1.0.0'], imagePushedAt: '2019-10-31T22:21:41-07:00', lastRecordedPullTime: 1_700_000_000 },
        { imageDigest: D2, imagePushedAt: 1_600_000_000, imageStatus: 'ARCHIVED', lastArchivedAt: '2026-01-01T00:00:00Z' },
      ],
    }), 'ecr.json');
    expect(listing.source).toBe('ecr');
    expect(listing.images[0]).toEqual({
      image: 'platform/dev/api',
      digest: D1,
      tags: ['1.0.0'],
      pushedAt: new Date('2019-11-01T05:21:41Z'),
      updatedAt: new Date('2019-11-01T05:21:41Z'),
      lastPulledAt: new Date(1_700_000_000_000),
    });
    expect(listing.images[1]).toMatchObject({ tags: [], pushedAt: new Date(1_600_000_000_000), archivedAt: new Date('2026-01-01T00:00:00Z') });
  });

  test('gcloud artifacts docker images list: the image from the package path (names may hold "/"); tags as a list or a comma string', () => {
    const listing = parseListing(JSON.stringify([
      { package: 'europe-docker.pkg.dev/my-project/platform-dev/jobs/worker', version: D1, tags: ['1.0.0', 'latest'], createTime: '2026-05-01T10:00:00.123456Z' },
      { package: 'europe-docker.pkg.dev/my-project/platform-dev/api', version: D2, tags: '1.0.0, dev', createTime: '2026-05-02T10:00:00Z', updateTime: '2026-05-03T10:00:00Z' },
    ]), 'gcloud.json');
    expect(listing.source).toBe('gcloud');
    expect(listing.images.map((i) => [i.image, i.tags, i.pushedAt.toISOString(), i.updatedAt.toISOString()])).toEqual([
      ['jobs/worker', ['1.0.0', 'latest'], '2026-05-01T10:00:00.123Z', '2026-05-01T10:00:00.123Z'],
      ['api', ['1.0.0', 'dev'], '2026-05-02T10:00:00.000Z', '2026-05-03T10:00:00.000Z'],
    ]);
  });

  test('az acr manifest list-metadata: the list, and the REST shape with the image name (.NET 7-digit fractions)', () => {
    const list = parseListing(JSON.stringify([{ digest: D1, lastUpdateTime: '2023-05-11T17:03:19.8245357Z', tags: ['v1'] }]), 'az.json');
    expect(list).toEqual({ source: 'az', images: [{ image: undefined, digest: D1, tags: ['v1'], pushedAt: new Date('2023-05-11T17:03:19.824Z'), updatedAt: new Date('2023-05-11T17:03:19.824Z') }] });
    const rest = parseListing(JSON.stringify({ imageName: 'api', manifests: [{ digest: D2, createdTime: '2023-05-10T00:00:00Z', lastUpdateTime: '2023-05-11T00:00:00Z' }] }), 'az.json');
    expect(rest.images[0]).toMatchObject({ image: 'api', pushedAt: new Date('2023-05-10T00:00:00Z'), updatedAt: new Date('2023-05-11T00:00:00Z') });
    expect(parseListing('[]', 'empty.json')).toEqual({ source: 'ecr', images: [] });
  });

  test('every problem of a listing at once, in one ProblemsError naming the file and the source', () => {
    let error: unknown;
    try {
      parseListing(JSON.stringify({
        imageDetails: [
          { imageDigest: 'nope', imagePushedAt: 1_700_000_000_000, imageTags: 'x' },
          { imageDigest: D1, imagePushedAt: '2026-02-30T00:00:00Z', imageStatus: 'ACTIVATING' },
        ],
      }), 'images.json');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ProblemsError);
    expect((error as ProblemsError).problems.map((p) => p.path)).toEqual([
      'imageDetails[0].imagePushedAt', 'imageDetails[0].imageDigest', 'imageDetails[1].imagePushedAt', 'imageDetails[1].imageStatus',
    ]);
    expect((error as Error).message).toMatch(/^images\.json \(ecr listing\): 4 problems\n {2}- imageDetails\[0\]\.imagePushedAt: 1700000000000 is not a timestamp [^\n]*this looks like milliseconds/);
  });

  test('not JSON, or JSON of another shape: one error saying which outputs are read', () => {
    expect(() => parseListing('{', 'x.json')).toThrow(/^x\.json: not valid JSON .*expected the JSON output of aws ecr describe-images/);
    expect(() => parseListing('{"items": []}', 'x.json')).toThrow(/^x\.json: not an image listing: expected \{"imageDetails": \[\.\.\.\]\}/);
  });
});

describe('Timestamps', () => {
  test.each<[unknown, boolean, string]>([
    ['2026-06-01T12:00:00+02:00', false, '2026-06-01T10:00:00.000Z'],
    ['2026-06-01t12:00:00.5z', false, '2026-06-01T12:00:00.500Z'],
    [0, true, '1970-01-01T00:00:00.000Z'],
    ['2024-02-29T00:00:00Z', false, '2024-02-29T00:00:00.000Z'],
  ])('%p is a timestamp', (value, epoch, iso) => {
    expect(Timestamps.parse(value, epoch).date!.toISOString()).toBe(iso);
  });

  test.each<[unknown, boolean, RegExp]>([
    ['2026-06-01T12:00:00', false, /it has no time zone$/],
    ['2023-02-29T00:00:00Z', false, /2023-02 has 28 days, not 29$/],
    ['2026-06-01T24:00:00Z', false, /24:00:00 is not a time of day$/],
    ['2026-06-01T12:00:00+25:00', false, /\+25:00 is not a time zone offset$/],
    [1_700_000_000, false, /^is not a timestamp \(RFC 3339 with a time zone, such as 2026-06-01T12:00:00Z\)$/],
    [-1, true, /epoch seconds are a non-negative number$/],
  ])('%p is refused with the reason', (value, epoch, reason) => {
    expect(Timestamps.parse(value, epoch).problem).toMatch(reason);
  });

  test('--now: a date is midnight UTC; a bad one names the option', () => {
    expect(Timestamps.parseNow('2026-06-01').toISOString()).toBe('2026-06-01T00:00:00.000Z');
    expect(() => Timestamps.parseNow('2026-13-01')).toThrow('--now: "2026-13-01" is not a date: month 13 does not exist');
    expect(() => Timestamps.parseNow('tomorrow')).toThrow(/^--now: "tomorrow" is not a timestamp \(RFC 3339 with a time zone, or a date, such as 2026-06-01 or 2026-06-01T12:00:00Z\)$/);
  });
});

// Hostile-user sweep (issue 15's classes): listings no registry prints were accepted (a short digest,
// a year before 100 read as 19xx), or refused by whichever evaluator ran first, naming its own input
// (`AcrPurgeEvaluator: ... manifests[1]` for an ECR listing).
describe('a listing is checked as a registry would have it, with its own paths', () => {
  const d = (n: number) => `sha256:${String(n).repeat(64).slice(0, 64)}`;
  const ecr = (...images: any[]) => JSON.stringify({ imageDetails: images.map((i) => ({ repositoryName: 'platform/api', imagePushedAt: '2026-01-01T00:00:00Z', ...i })) });
  const gcloud = (...images: any[]) => JSON.stringify(images.map((i) => ({ package: 'europe-docker.pkg.dev/p/platform/api', createTime: '2026-01-01T00:00:00Z', ...i })));
  const az = (...images: any[]) => JSON.stringify(images.map((i) => ({ lastUpdateTime: '2026-01-01T00:00:00Z', ...i })));

  test.each<[string, string, string]>([
    ['ECR: a digest twice', ecr({ imageDigest: d(1), imageTags: ['a'] }, { imageDigest: d(1), imageTags: ['b'] }),
      `imageDetails[1].imageDigest: "${d(1)}" is listed twice in platform/api (also imageDetails[0]): a digest is one image of a repository; list each image once`],
    ['ECR: one tag on two images', ecr({ imageDigest: d(1), imageTags: ['prod'] }, { imageDigest: d(2), imageTags: ['prod'] }),
      'imageDetails[1].imageTags[0]: "prod" is also a tag of imageDetails[0] (sha256:111111111111...) in platform/api: a tag points at one image'],
    ['ECR: a tag with a space', ecr({ imageDigest: d(1), imageTags: ['a b'] }), 'imageDetails[0].imageTags[0]: "a b" is not a tag (the OCI tag grammar'],
    ['ECR: a tag twice on one image', ecr({ imageDigest: d(1), imageTags: ['a', 'a'] }), 'imageDetails[0].imageTags[1]: "a" is listed twice on one image'],
    ['ECR: a short digest', ecr({ imageDigest: 'sha256:abc123', imageTags: ['a'] }), 'imageDetails[0].imageDigest: "sha256:abc123" is not a digest (sha256: and 64 lower-case hex digits)'],
    ['gcloud: one tag on two versions', gcloud({ version: d(1), tags: ['prod'] }, { version: d(2), tags: 'prod' }), '[1].tags[0]: "prod" is also a tag of [0]'],
    ['gcloud: a version twice', gcloud({ version: d(1), tags: [] }, { version: d(1), tags: [] }), `[1].version: "${d(1)}" is listed twice in europe-docker.pkg.dev/p/platform/api`],
    ['az: a digest twice', az({ digest: d(1), tags: ['a'] }, { digest: d(1), tags: ['b'] }), `[1].digest: "${d(1)}" is listed twice (also [0])`],
    ['az: an empty tag', az({ digest: d(1), tags: [''] }), '[0].tags[0]: "" is not a tag'],
  ])('%s', (_, text, message) => {
    expect(() => parseListing(text, 'l.json')).toThrow(ProblemsError);
    expect(() => parseListing(text, 'l.json')).toThrow(message);
  });

  test('negative controls: one digest in two repositories, one tag in two repositories, several tags on one image, sha512', () => {
    const listing = JSON.stringify({
      imageDetails: [
        { repositoryName: 'platform/dev/api', imageDigest: d(1), imageTags: ['prod', '1.2.3', 'latest'], imagePushedAt: '2026-01-01T00:00:00Z' },
        { repositoryName: 'platform/prod/api', imageDigest: d(1), imageTags: ['prod'], imagePushedAt: '2026-01-01T00:00:00Z' },
        { repositoryName: 'platform/prod/api', imageDigest: `sha512:${'a'.repeat(128)}`, imageTags: ['x_1.y-z'], imagePushedAt: '2026-01-01T00:00:00Z' },
      ],
    });
    expect(parseListing(listing, 'l.json').images).toHaveLength(3);
  });

  test.each<[string, string]>([
    ['0050-01-01T00:00:00Z', '0050-01-01T00:00:00.000Z'],
    ['0001-01-01T00:00:00Z', '0001-01-01T00:00:00.000Z'],
    ['0099-12-31T23:59:59.5+01:00', '0099-12-31T22:59:59.500Z'],
    ['0100-01-01T00:00:00Z', '0100-01-01T00:00:00.000Z'],
  ])('the year is the year: %s (Date.UTC read 0-99 as 1900-1999)', (value, iso) => {
    expect(Timestamps.parse(value, false).date!.toISOString()).toBe(iso);
  });

  test('--now in the first century', () => {
    expect(Timestamps.parseNow('0001-01-01').toISOString()).toBe('0001-01-01T00:00:00.000Z');
    expect(Timestamps.parseNow('0001-01-01T00:00:00Z').toISOString()).toBe('0001-01-01T00:00:00.000Z');
  });
});
