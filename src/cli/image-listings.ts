import { Problems } from '../spec/problems';
import { OciTag } from '../tagging/oci-tag';

/**
 * Readers of the image listings the clouds' CLIs print, as loose JSON (Node-only,
 * outside the jsii API):
 * - `aws ecr describe-images` (`{"imageDetails": [...]}`; `imagePushedAt` as an
 *   ISO string (AWS CLI v2) or epoch seconds (AWS CLI v1)); also the fields the
 *   lifecycle policy reads for pull-time and archive rules (ECR API reference,
 *   ImageDetail): `lastRecordedPullTime` ("when Amazon ECR recorded the last
 *   image pull"), `imageStatus` (`ACTIVE | ARCHIVED | ACTIVATING`),
 *   `lastArchivedAt` ("when the image was last transitioned to Amazon ECR
 *   archive") and `lastActivatedAt` ("when the image was last restored from
 *   Amazon ECR archive to Amazon ECR standard");
 * - `gcloud artifacts docker images list --include-tags --format=json` (a list of
 *   `{package, version, tags, createTime, updateTime}`; `tags` a list, or a
 *   comma-separated string in older gcloud; `package` the full image path
 *   `LOCATION-docker.pkg.dev/PROJECT/REPOSITORY/IMAGE`);
 * - `az acr manifest list-metadata` (a list of `{digest, createdTime,
 *   lastUpdateTime, tags: [...]}`, or the REST shape `{imageName, manifests: [...]}`);
 * - Harbor's REST API, `GET /api/v2.0/projects/{project}/repositories/{repository}/artifacts`
 *   (goharbor/harbor api/v2.0/swagger.yaml: a list of Artifact, with `repository_name`
 *   "the name of the repository that the artifact belongs to" (`<project>/<repository>`),
 *   `digest`, `push_time`, `pull_time` ("the latest pull time of the artifact") and
 *   `tags` (Tag: `name`, `push_time`, `pull_time`)). Several repositories, or several
 *   pages, are one list: the concatenation of the answers (`jq -s add`); each artifact
 *   names its repository. The push (pull) time is the latest of the artifact's and its
 *   tags', as Harbor's retention job reads it (`src/pkg/retention/dep/client.go`); a pull
 *   time of `0001-01-01T00:00:00Z` (Go's zero time) means never pulled.
 * The gcloud and az listings carry no pull time this reader uses: their images
 * count as never pulled (pulled when pushed), as the neutral meaning says.
 */

/** One image of a listing, whatever the cloud. */
export interface ListedImage {
  /** The image name (package / repository) when the listing says it. */
  readonly image?: string;
  /**
   * The package path in full, with its Artifact Registry repository (gcloud), where
   * `image` is the package alone: two repositories may hold the same image name
   * (platform-dev/api, platform-prod/api). Elsewhere `image` is the full repository.
   */
  readonly repository?: string;
  readonly digest: string;
  readonly tags: string[];
  /** When the image was pushed (created). */
  readonly pushedAt: Date;
  /** When the manifest was last updated (ACR), else the push time. */
  readonly updatedAt: Date;
  /** When a pull was last recorded (ECR `lastRecordedPullTime`); undefined: never pulled, or not listed. */
  readonly lastPulledAt?: Date;
  /** When the image was archived (ECR `lastArchivedAt` of an `ARCHIVED` image); undefined: not archived. */
  readonly archivedAt?: Date;
  /** When the image was last restored from the archive (ECR `lastActivatedAt`). */
  readonly restoredAt?: Date;
}

/** The cloud a listing came from. */
export type ListingSource = 'ecr' | 'gcloud' | 'az' | 'harbor';

export interface Listing {
  readonly source: ListingSource;
  readonly images: ListedImage[];
}

/** Parses a listing, detecting its source; throws one error listing every problem. */
export function parseListing(text: string, name: string): Listing {
  let doc: any;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new Error(`${name}: not valid JSON (${(e as Error).message}); expected the JSON output of aws ecr describe-images, ` +
      'gcloud artifacts docker images list --include-tags --format=json, az acr manifest list-metadata or Harbor\'s artifact listing ' +
      '(GET /api/v2.0/projects/{project}/repositories/{repository}/artifacts)');
  }
  const problems: string[] = [];
  let listing: Listing | undefined;
  if (doc && typeof doc === 'object' && !Array.isArray(doc) && Array.isArray(doc.imageDetails)) {
    listing = { source: 'ecr', images: doc.imageDetails.map((d: any, i: number) => ecrImage(d, `imageDetails[${i}]`, problems)) };
  } else if (doc && typeof doc === 'object' && !Array.isArray(doc) && Array.isArray(doc.manifests)) {
    const image = typeof doc.imageName === 'string' ? doc.imageName : undefined;
    listing = { source: 'az', images: doc.manifests.map((d: any, i: number) => azImage(d, `manifests[${i}]`, image, problems)) };
  } else if (Array.isArray(doc)) {
    if (doc.length === 0) return { source: 'ecr', images: [] };
    const first = doc[0];
    if (first && typeof first === 'object' && 'package' in first && 'version' in first) {
      listing = { source: 'gcloud', images: doc.map((d: any, i: number) => gcloudImage(d, `[${i}]`, problems)) };
    } else if (first && typeof first === 'object' && 'push_time' in first) {
      listing = { source: 'harbor', images: doc.map((d: any, i: number) => harborImage(d, `[${i}]`, problems)) };
      const seen = new Set<string>();
      listing.images.forEach((img, i) => {
        const key = `${img.image}@${img.digest}`;
        if (seen.has(key)) problems.push(`[${i}]: ${key} is listed twice (concatenate each repository's listing once)`);
        seen.add(key);
      });
    } else if (first && typeof first === 'object' && ('digest' in first || 'name' in first)) {
      listing = { source: 'az', images: doc.map((d: any, i: number) => azImage(d, `[${i}]`, undefined, problems)) };
    }
  }
  if (!listing) {
    throw new Error(`${name}: not an image listing: expected {"imageDetails": [...]} (aws ecr describe-images), a list of ` +
      '{package, version, tags, createTime} (gcloud artifacts docker images list --include-tags --format=json), a list of ' +
      '{digest, lastUpdateTime, tags} (az acr manifest list-metadata) or a list of {repository_name, digest, push_time, pull_time, tags} ' +
      '(Harbor: GET /api/v2.0/projects/{project}/repositories/{repository}/artifacts)');
  }
  if (listing.source !== 'harbor') problems.push(...consistencyProblems(listing, doc));
  new Problems().addAll(Problems._fromMessages(problems)).throwIfAny(`${name} (${listing.source} listing)`);
  return listing;
}

/**
 * What no registry lists, checked here with the listing's own paths before any
 * evaluator sees it (they refused some of it later, naming their own inputs:
 * `AcrPurgeEvaluator: manifests[1]` for an ECR listing, and accepted the rest):
 * a digest twice in one repository, a tag on two images of one repository (a tag
 * points at one manifest), a tag outside the OCI tag grammar (empty, spaces) or
 * twice on one image. Harbor's listings are checked as artifacts (`harborImage`).
 */
function consistencyProblems(listing: Listing, doc: any): string[] {
  const problems: string[] = [];
  const prefix = Array.isArray(doc) ? '' : Array.isArray(doc.imageDetails) ? 'imageDetails' : 'manifests';
  const tagsField = listing.source === 'ecr' ? 'imageTags' : 'tags';
  const digestField = listing.source === 'ecr' ? 'imageDigest' : listing.source === 'gcloud' ? 'version' : 'digest';
  const digests = new Map<string, number>();
  const tags = new Map<string, number>();
  listing.images.forEach((img, i) => {
    const path = `${prefix}[${i}]`;
    const repo = img.repository ?? img.image ?? '';
    const key = `${repo}@${img.digest}`;
    if (digests.has(key)) {
      problems.push(`${path}.${digestField}: ${JSON.stringify(img.digest)} is listed twice${repo ? ` in ${repo}` : ''} (also ${prefix}[${digests.get(key)}]): a digest is one image of a repository; list each image once`);
    } else {
      digests.set(key, i);
    }
    const own = new Set<string>();
    img.tags.forEach((tag, k) => {
      const at = `${path}.${tagsField}[${k}]`;
      if (!OciTag.isValid(tag)) {
        problems.push(`${at}: ${JSON.stringify(tag)} is not a tag (the OCI tag grammar: 1-128 letters, digits, _ . -, starting with a letter, digit or _)`);
        return;
      }
      if (own.has(tag)) {
        problems.push(`${at}: ${JSON.stringify(tag)} is listed twice on one image`);
        return;
      }
      own.add(tag);
      const other = tags.get(`${repo}:${tag}`);
      if (other !== undefined && listing.images[other].digest !== img.digest) {
        problems.push(`${at}: ${JSON.stringify(tag)} is also a tag of ${prefix}[${other}] (${listing.images[other].digest.slice(0, 19)}...)${repo ? ` in ${repo}` : ''}: `
          + 'a tag points at one image; is this two listings of different times put together?');
      }
      tags.set(`${repo}:${tag}`, i);
    });
  });
  return problems;
}

function date(value: unknown, path: string, problems: string[], epochSeconds: boolean): Date {
  const parsed = Timestamps.parse(value, epochSeconds);
  if (parsed.problem !== undefined) {
    problems.push(`${path}: ${JSON.stringify(value)} ${parsed.problem}`);
    return new Date(0);
  }
  return parsed.date!;
}

/**
 * Strict timestamps, in the formats the clouds' CLIs print:
 * - RFC 3339 date-times with a zone (`Z` or `+hh:mm`) and optional fractions:
 *   AWS CLI v2 prints ISO 8601 such as `2019-10-31T22:21:41-07:00` (its
 *   `cli_timestamp_format` setting, iso8601 by default in v2; aws/aws-cli
 *   tests/functional/test_timeformat.py exercises `iso8601` and `none`);
 *   gcloud prints `createTime` as protobuf Timestamps in RFC 3339 UTC ("Z",
 *   fractions of 0, 3, 6 or 9 digits: google.protobuf.Timestamp JSON mapping); the
 *   Azure CLI prints `2023-05-11T17:03:19.8245357Z` (.NET round-trip, 7 digits);
 * - epoch seconds, where allowed (AWS CLI v1 defaults to `cli_timestamp_format`
 *   `none`, the value as the service sent it, which for ECR's JSON protocol is a
 *   number of seconds).
 * Every field is calendar-checked: `2026-02-30` is refused, not rolled over into
 * March as `new Date()` does.
 */
export class Timestamps {
  /** Parses a timestamp, or says why it is not one. */
  public static parse(value: unknown, epochSeconds: boolean): { date?: Date; problem?: string } {
    const what = `is not a timestamp (RFC 3339 with a time zone, such as 2026-06-01T12:00:00Z${epochSeconds ? ', or epoch seconds' : ''})`;
    if (typeof value === 'number') {
      if (!epochSeconds) return { problem: what };
      if (!Number.isFinite(value) || value < 0) return { problem: `${what}: epoch seconds are a non-negative number` };
      // 1e11 seconds is the year 5138: a larger number is in milliseconds.
      if (value >= 1e11) return { problem: `${what}: this looks like milliseconds, not seconds` };
      return { date: new Date(value * 1000) };
    }
    if (typeof value !== 'string') return { problem: what };
    const m = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|([+-])(\d{2}):(\d{2}))$/.exec(value);
    if (!m) {
      if (/^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(value)) return { problem: `${what}: it has no time zone` };
      return { problem: what };
    }
    const [, y, mo, d, h, mi, se, frac, , sign, oh, om] = m;
    const calendar = Timestamps.calendarProblem(Number(y), Number(mo), Number(d));
    if (calendar) return { problem: `${what}: ${calendar}` };
    if (Number(h) > 23 || Number(mi) > 59 || Number(se) > 59) return { problem: `${what}: ${h}:${mi}:${se} is not a time of day` };
    if (sign && (Number(oh) > 23 || Number(om) > 59)) return { problem: `${what}: ${sign}${oh}:${om} is not a time zone offset` };
    const ms = frac ? Math.floor(Number(`0${frac}`) * 1000) : 0;
    let t = utc(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(se), ms);
    if (sign) t -= (sign === '-' ? -1 : 1) * (Number(oh) * 60 + Number(om)) * 60_000;
    return { date: new Date(t) };
  }

  /** Parses `--now`: an RFC 3339 date-time, or a date (midnight UTC). */
  public static parseNow(value: string): Date {
    const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
    if (day) {
      const problem = Timestamps.calendarProblem(Number(day[1]), Number(day[2]), Number(day[3]));
      if (problem) throw new Error(`--now: "${value}" is not a date: ${problem}`);
      return new Date(utc(Number(day[1]), Number(day[2]) - 1, Number(day[3])));
    }
    const parsed = Timestamps.parse(value, false);
    if (parsed.problem) throw new Error(`--now: "${value}" ${parsed.problem.replace('such as', 'or a date, such as 2026-06-01 or')}`);
    return parsed.date!;
  }

  /** Why a year, month and day are not a calendar date (proleptic Gregorian), or undefined. */
  public static calendarProblem(y: number, m: number, d: number): string | undefined {
    if (m < 1 || m > 12) return `month ${m} does not exist`;
    const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
    const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1];
    if (d < 1 || d > days) return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')} has ${days} days, not ${d}`;
    return undefined;
  }
}

/**
 * `Date.UTC` for every year: it reads the years 0-99 as 1900-1999 (ECMAScript, MakeFullYear),
 * so `0050-01-01T00:00:00Z` became 1950; the year is set on its own instead.
 */
function utc(y: number, mo: number, d: number, h = 0, mi = 0, se = 0, ms = 0): number {
  const at = new Date(Date.UTC(2000, mo, d, h, mi, se, ms));
  at.setUTCFullYear(y, mo, d);
  return at.getTime();
}

/**
 * A digest: `<algorithm>:<hex>`, with the registered algorithms' lengths ("sha256 ... the
 * encoded portion MUST match /[a-f0-9]{64}/", sha512 /[a-f0-9]{128}/: OCI image spec,
 * descriptor.md, "Registered algorithms"); another algorithm keeps the general grammar.
 */
function digest(value: unknown, path: string, problems: string[]): string {
  const lengths: Record<string, number> = { sha256: 64, sha512: 128 };
  const m = typeof value === 'string' ? /^([a-z0-9]+(?:[+._-][a-z0-9]+)*):([a-f0-9]{6,})$/.exec(value) : null;
  if (!m || (lengths[m[1]] !== undefined && m[2].length !== lengths[m[1]])) {
    problems.push(`${path}: ${JSON.stringify(value)} is not a digest (sha256: and 64 lower-case hex digits)`);
    return String(value);
  }
  return value as string;
}

function tagList(value: unknown, path: string, problems: string[]): string[] {
  if (value === undefined || value === null || value === '') return [];
  if (typeof value === 'string') return value.split(',').map((t) => t.trim()).filter((t) => t !== '');
  if (Array.isArray(value) && value.every((t) => typeof t === 'string')) return value;
  problems.push(`${path}: ${JSON.stringify(value)} is not a list of tags`);
  return [];
}

function ecrImage(d: any, path: string, problems: string[]): ListedImage {
  const pushedAt = date(d?.imagePushedAt, `${path}.imagePushedAt`, problems, true);
  const optional = (field: string) => (d?.[field] !== undefined && d?.[field] !== null ? date(d[field], `${path}.${field}`, problems, true) : undefined);
  const status = d?.imageStatus;
  if (status !== undefined && status !== 'ACTIVE' && status !== 'ARCHIVED') {
    // ACTIVATING: being restored; neither class's rules can be judged for it.
    problems.push(`${path}.imageStatus: ${JSON.stringify(status)} cannot be previewed (ACTIVE or ARCHIVED; wait until the restore completes)`);
  }
  const archivedAt = status === 'ARCHIVED' ? optional('lastArchivedAt') : undefined;
  if (status === 'ARCHIVED' && archivedAt === undefined) problems.push(`${path}.lastArchivedAt: required for an ARCHIVED image`);
  return {
    image: typeof d?.repositoryName === 'string' ? d.repositoryName : undefined,
    digest: digest(d?.imageDigest, `${path}.imageDigest`, problems),
    tags: tagList(d?.imageTags, `${path}.imageTags`, problems),
    pushedAt,
    updatedAt: pushedAt,
    ...(optional('lastRecordedPullTime') ? { lastPulledAt: optional('lastRecordedPullTime') } : {}),
    ...(archivedAt ? { archivedAt } : {}),
    ...(optional('lastActivatedAt') ? { restoredAt: optional('lastActivatedAt') } : {}),
  };
}

function gcloudImage(d: any, path: string, problems: string[]): ListedImage {
  const pushedAt = date(d?.createTime, `${path}.createTime`, problems, false);
  const pkg = typeof d?.package === 'string' ? d.package : undefined;
  if (!pkg) problems.push(`${path}.package: ${JSON.stringify(d?.package)} is not an image path`);
  // LOCATION-docker.pkg.dev/PROJECT/REPOSITORY/IMAGE (the image may contain "/").
  const segments = (pkg ?? '').split('/');
  return {
    image: segments.length > 3 ? segments.slice(3).join('/') : pkg,
    repository: pkg,
    digest: digest(d?.version, `${path}.version`, problems),
    tags: tagList(d?.tags, `${path}.tags`, problems),
    pushedAt,
    updatedAt: d?.updateTime !== undefined ? date(d.updateTime, `${path}.updateTime`, problems, false) : pushedAt,
  };
}

function azImage(d: any, path: string, image: string | undefined, problems: string[]): ListedImage {
  const updatedAt = date(d?.lastUpdateTime, `${path}.lastUpdateTime`, problems, false);
  return {
    image,
    digest: digest(d?.digest ?? d?.name, `${path}.digest`, problems),
    tags: tagList(d?.tags, `${path}.tags`, problems),
    pushedAt: d?.createdTime !== undefined ? date(d.createdTime, `${path}.createdTime`, problems, false) : updatedAt,
    updatedAt,
  };
}

/** Go's zero time as Harbor prints it: the pull time of an artifact never pulled. */
const HARBOR_ZERO_TIME = /^0001-01-01T00:00:00(\.0+)?Z$/;

function harborImage(d: any, path: string, problems: string[]): ListedImage {
  const repository = d?.repository_name;
  if (typeof repository !== 'string' || !/^[a-z0-9][a-z0-9._-]*\/[a-z0-9]/.test(repository)) {
    problems.push(`${path}.repository_name: ${JSON.stringify(repository)} is not a Harbor repository name (<project>/<repository>)`);
  }
  const tags: any[] = Array.isArray(d?.tags) ? d.tags : d?.tags === undefined || d?.tags === null ? [] : (problems.push(`${path}.tags: is not a list of tags`), []);
  // Harbor's retention job reads the latest of the artifact's and its tags' times (src/pkg/retention/dep/client.go).
  const latest = (field: 'push_time' | 'pull_time'): Date | undefined => {
    const times: Date[] = [];
    const add = (value: unknown, at: string) => {
      if (field === 'pull_time' && (value === undefined || value === null || (typeof value === 'string' && HARBOR_ZERO_TIME.test(value)))) return;
      times.push(date(value, at, problems, false));
    };
    add(d?.[field], `${path}.${field}`);
    tags.forEach((t, k) => {
      if (field === 'push_time' && t?.push_time === undefined) return;
      add(t?.[field], `${path}.tags[${k}].${field}`);
    });
    return times.length ? new Date(Math.max(...times.map((t) => t.getTime()))) : undefined;
  };
  const names = tags.map((t, k) => {
    if (typeof t?.name !== 'string' || t.name === '') problems.push(`${path}.tags[${k}].name: ${JSON.stringify(t?.name)} is not a tag`);
    return String(t?.name);
  });
  const pushedAt = latest('push_time') ?? new Date(0);
  const pulledAt = latest('pull_time');
  return {
    image: typeof repository === 'string' ? repository : undefined,
    digest: digest(d?.digest, `${path}.digest`, problems),
    tags: names,
    pushedAt,
    updatedAt: pushedAt,
    ...(pulledAt ? { lastPulledAt: pulledAt } : {}),
  };
}
