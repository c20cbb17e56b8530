/**
 * The platform's registry spec for the Harbor example. The same spec is valid on
 * AWS, GCP and Azure (the example test runs every cloud's validator on it): the
 * identities carry GitHub trusts and existing cloud principals for those clouds,
 * and become project robots on Harbor. The `registries` layout gives each
 * environment its own Harbor project, so robots (scoped to projects) separate the
 * environments exactly: CI pushes only to dev, the promoter reads the source and
 * writes only the next environment.
 */
// Resolved in this repository by examples/tsconfig.json (paths); users install the package.
import { Cloud, EnvironmentLayout, RegistrySpec, Severity, TagState, UpstreamRegistry } from 'container-registry-constructs';

export const spec: RegistrySpec = {
  version: 1,
  name: 'platform',
  repositories: [
    { name: 'api', description: 'The public API' },
    { name: 'web', description: 'The web front end' },
    { name: 'jobs/worker', description: 'Background jobs' },
  ],
  environments: {
    layout: EnvironmentLayout.REGISTRIES,
    chain: [{ name: 'dev' }, { name: 'staging' }, { name: 'prod' }],
  },
  tagPolicy: { immutable: true, mutableTags: ['latest'], semverAliases: false },
  retention: {
    // Releases and the environment tags are never expired.
    protectedTags: ['v*', 'dev', 'staging', 'prod'],
    rules: [
      { description: 'untagged layers of moved tags', tagState: TagState.UNTAGGED, expireAfterDays: 7 },
      { description: 'pull-request builds', tagState: TagState.TAGGED, tagPatterns: ['pr-*'], expireAfterDays: 14 },
      { description: 'main-branch builds', tagState: TagState.TAGGED, tagPatterns: ['main-*'], keepMostRecent: 20 },
    ],
  },
  scanning: { severityThreshold: Severity.CRITICAL, allowedVulnerabilities: ['CVE-2024-3094'] },
  access: {
    pushers: [{ name: 'ci', github: { repository: 'acme/platform', branch: 'main' } }],
    pullers: [{
      name: 'cluster',
      awsPrincipalArns: ['arn:aws:iam::123456789012:role/eks-nodes'],
      gcpMembers: ['serviceAccount:gke-nodes@acme-platform.iam.gserviceaccount.com'],
      azurePrincipalIds: ['6f1c2a9e-4b7d-4e21-9a3f-0c5d8e7b1a24'],
    }],
    promoters: [{ name: 'promoter', github: { repository: 'acme/platform', environment: 'prod' } }],
  },
  replication: {
    // On Harbor, a replica is another registry receiving push-based replication (its URL is a construct prop).
    replicas: [{ region: 'dr', cloud: Cloud.HARBOR }],
  },
  upstreamCaches: [{
    name: 'docker-hub',
    upstream: UpstreamRegistry.DOCKER_HUB,
    username: 'acmebot',
    awsSecretName: 'ecr-pullthroughcache/docker-hub',
    gcpSecretVersion: 'projects/acme-platform/secrets/dockerhub-token/versions/1',
    azureUsernameSecretId: 'https://platform-kv.vault.azure.net/secrets/dockerhub-username',
    azurePasswordSecretId: 'https://platform-kv.vault.azure.net/secrets/dockerhub-token',
  }, {
    name: 'ghcr',
    upstream: UpstreamRegistry.GITHUB,
    username: 'acmebot',
    awsSecretName: 'ecr-pullthroughcache/ghcr',
    gcpSecretVersion: 'projects/acme-platform/secrets/ghcr-token/versions/1',
    azureUsernameSecretId: 'https://platform-kv.vault.azure.net/secrets/ghcr-username',
    azurePasswordSecretId: 'https://platform-kv.vault.azure.net/secrets/ghcr-token',
  }],
  labels: { 'team': 'platform', 'cost-center': 'eng-42' },
};
