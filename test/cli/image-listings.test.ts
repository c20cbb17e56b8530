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
