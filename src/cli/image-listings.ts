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
 *   lastUpdateTime, tags: [...]}`, or the REST shape `{imageName, manifests: [...]}`).
 * The gcloud and az listings carry no pull time this reader uses: their images
 * count as never pulled (pulled when pushed), as the neutral meaning says.
 */

/** One image of a listing, whatever the cloud. */
export interface ListedImage {
  /** The image name (package / repository) when the listing says it. */
  readonly image?: string;
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
export type ListingSource = 'ecr' | 'gcloud' | 'az';

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
      'gcloud artifacts docker images list --include-tags --format=json or az acr manifest list-metadata');
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
    } else if (first && typeof first === 'object' && ('digest' in first || 'name' in first)) {
      listing = { source: 'az', images: doc.map((d: any, i: number) => azImage(d, `[${i}]`, undefined, problems)) };
    }
  }
  if (!listing) {
    throw new Error(`${name}: not an image listing: expected {"imageDetails": [...]} (aws ecr describe-images), a list of ` +
      '{package, version, tags, createTime} (gcloud artifacts docker images list --include-tags --format=json) or a list of ' +
      '{digest, lastUpdateTime, tags} (az acr manifest list-metadata)');
  }
  if (problems.length > 0) {
    throw new Error(`${name}: ${problems.length} problem${problems.length === 1 ? '' : 's'} in the ${listing.source} listing:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
  return listing;
}

function date(value: unknown, path: string, problems: string[], epochSeconds: boolean): Date {
  let d: Date | undefined;
  if (typeof value === 'number' && epochSeconds) d = new Date(value * 1000);
  else if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value)) d = new Date(value);
  if (!d || Number.isNaN(d.getTime())) {
    problems.push(`${path}: ${JSON.stringify(value)} is not a timestamp (an ISO 8601 string${epochSeconds ? ' or epoch seconds' : ''})`);
    return new Date(0);
  }
  return d;
}

function digest(value: unknown, path: string, problems: string[]): string {
  if (typeof value !== 'string' || !/^[a-z0-9]+:[a-f0-9]{6,}$/.test(value)) {
    problems.push(`${path}: ${JSON.stringify(value)} is not a digest (sha256:<hex>)`);
    return String(value);
  }
  return value;
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
