/**
 * The benchmark's realistic platform: 1,000 images x 3 environments (`dev`,
 * `staging`, `prod`) with the `repositories` layout (3,000 ECR repositories; on
 * GCP and Azure, 1,000 packages or repositories inside one Artifact Registry
 * repository or ACR registry per environment), retention (protected tags and
 * four rules, with per-repository overrides so that the translations differ),
 * scanning, and access (a GitHub OIDC pusher, two promoters, a puller with
 * existing principals on each cloud).
 */
import { EnvironmentLayout, RegistrySpec, RepositorySpec, RetentionPolicySpec, ScanMode, TagState, TagStrategy } from '../src/spec';

/** The number of images (image names) of the benchmark spec. */
export const IMAGES = 1_000;

/** The registry-wide retention: protected release and environment tags, then four rules. */
export const DEFAULT_RETENTION: RetentionPolicySpec = {
  protectedTags: ['prod', 'staging', 'v*'],
  rules: [
    { description: 'untagged manifests left by rebuilt tags', tagState: TagState.UNTAGGED, expireAfterDays: 7 },
    { description: 'pull-request builds', tagState: TagState.TAGGED, tagPatterns: ['pr-*'], expireAfterDays: 14 },
    { description: 'branch builds', tagState: TagState.TAGGED, tagPatterns: ['main-*', 'feature-*'], keepMostRecent: 30 },
    { description: 'everything else, by age', tagState: TagState.ANY, expireAfterDays: 365 },
  ],
};

/** Data-pipeline images (one team) expire untagged manifests and nightly builds sooner and keep other images half a year. */
export const PIPELINE_RETENTION: RetentionPolicySpec = {
  protectedTags: ['prod', 'staging', 'v*'],
  rules: [
    { description: 'untagged manifests', tagState: TagState.UNTAGGED, expireAfterDays: 1 },
    { description: 'nightly builds', tagState: TagState.TAGGED, tagPatterns: ['nightly-*'], expireAfterDays: 30 },
    { description: 'everything else, by age', tagState: TagState.ANY, expireAfterDays: 180 },
  ],
};

/** The team (first path segment) of image i: 25 teams of 40 images. */
export function teamOf(i: number): string {
  return `team-${String(i % 25).padStart(2, '0')}`;
}

/**
 * The image names: `team-NN/svc-NNNN` (no name is a prefix of another), with
 * `team-00` images using the pipeline retention, every 100th image (the base
 * images) its own, and every 7th image continuous scanning.
 */
export function scaleRepositories(n: number = IMAGES): RepositorySpec[] {
  return Array.from({ length: n }, (_, i) => {
    const name = `${teamOf(i)}/svc-${String(i).padStart(4, '0')}`;
    const retention = teamOf(i) === 'team-00' ? PIPELINE_RETENTION : undefined;
    return {
      name,
      ...(retention ? { retention } : {}),
      ...(teamOf(i) === 'team-01' ? { scanning: { mode: ScanMode.CONTINUOUS } } : {}),
    };
  });
}

/** The benchmark spec (valid for all three clouds). */
export function scaleSpec(n: number = IMAGES): RegistrySpec {
  return {
    version: 1,
    name: 'platform',
    repositories: scaleRepositories(n),
    environments: {
      layout: EnvironmentLayout.REPOSITORIES,
      chain: [{ name: 'dev' }, { name: 'staging' }, { name: 'prod' }],
    },
    tagPolicy: { immutable: true, strategy: TagStrategy.SEMVER },
    retention: DEFAULT_RETENTION,
    scanning: { mode: ScanMode.ON_PUSH },
    access: {
      pushers: [{ name: 'ci', github: { repository: 'example/platform', branch: 'main' } }],
      promoters: [
        { name: 'promote-staging', environments: ['staging'], github: { repository: 'example/platform', branch: 'main' } },
        { name: 'promote-prod', environments: ['prod'], github: { repository: 'example/platform', environment: 'prod' } },
      ],
      pullers: [{
        name: 'runtime',
        environments: ['prod'],
        awsPrincipalArns: ['arn:aws:iam::123456789012:role/eks-nodes'],
        gcpMembers: ['serviceAccount:gke-nodes@example-platform.iam.gserviceaccount.com'],
        azurePrincipalIds: ['00000000-0000-0000-0000-0000000000a1'],
      }],
    },
    labels: { 'team': 'platform', 'cost-center': 'cc-1234' },
  };
}
