/**
 * The example's registry spec, in its own module so that the example test can
 * compare the synthesized output with what the spec means.
 */
import { EnvironmentLayout, RegistrySpec, ScanMode, TagState, TagStrategy, UpstreamRegistry } from 'container-registry-constructs';

export const PROJECT = 'acme-registry';

export const spec: RegistrySpec = {
  version: 1,
  name: 'platform',
  repositories: [
    { name: 'api', description: 'public API' },
    { name: 'web', description: 'web front end' },
    { name: 'jobs/worker', description: 'batch workers' },
  ],
  environments: {
    layout: EnvironmentLayout.REPOSITORIES,
    chain: [{ name: 'dev' }, { name: 'staging' }, { name: 'prod' }],
  },
  tagPolicy: { immutable: true, strategy: TagStrategy.VERSION_SHA, mutableTags: [] },
  retention: {
    protectedTags: ['v*'],
    rules: [
      { description: 'untagged layers of rebuilt images', tagState: TagState.UNTAGGED, expireAfterDays: 7 },
      { description: 'pull-request builds', tagState: TagState.TAGGED, tagPatterns: ['pr-*'], expireAfterDays: 14 },
      { description: 'everything else', tagState: TagState.ANY, keepMostRecent: 200 },
    ],
  },
  scanning: { mode: ScanMode.ON_PUSH },
  access: {
    pushers: [{ name: 'ci', github: { repository: 'acme/platform', branch: 'main' } }],
    pullers: [{ name: 'runtime', gcpMembers: ['serviceAccount:gke-nodes@acme-prod.iam.gserviceaccount.com'], environments: ['prod'] }],
    promoters: [{ name: 'promoter', github: { repository: 'acme/platform', environment: 'prod' } }],
  },
  upstreamCaches: [
    { name: 'docker-hub', upstream: UpstreamRegistry.DOCKER_HUB, username: 'acmebot', gcpSecretVersion: `projects/${PROJECT}/secrets/dockerhub-token/versions/1` },
  ],
  labels: { 'team': 'platform', 'cost-center': 'eng-42' },
};
