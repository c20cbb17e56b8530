/**
 * The platform's registry spec for the Azure example (the same vocabulary on every
 * cloud). The `registries` layout gives each environment its own ACR registry:
 * Azure roles are registry-wide (repository-level conditions need the ABAC role
 * assignment mode, which azurerm 4.55 cannot set), so one registry per environment
 * is what makes "CI pushes only to dev, the promoter writes only staging and prod"
 * exact with plain AcrPull / AcrPush role assignments and GitHub OIDC, without
 * scope-map tokens (registry-local passwords).
 */
// Resolved in this repository by examples/tsconfig.json (paths); users install the package.
import { EnvironmentLayout, RegistrySpec, TagState, UpstreamRegistry } from 'container-registry-constructs';

/** The Key Vault holding the Docker Hub credentials (an RBAC-authorized vault). */
export const KEY_VAULT_ID = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/platform-shared/providers/Microsoft.KeyVault/vaults/platform-kv';

/** The AKS kubelet identity (object id) that pulls every environment's images. */
export const AKS_KUBELET_PRINCIPAL = '6f1c2a9e-4b7d-4e21-9a3f-0c5d8e7b1a24';

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
  tagPolicy: { immutable: true, mutableTags: ['latest'] },
  retention: {
    // Releases and the environment tags are never expired.
    protectedTags: ['v*', 'dev', 'staging', 'prod'],
    rules: [
      { description: 'untagged layers of moved tags', tagState: TagState.UNTAGGED, expireAfterDays: 7 },
      { description: 'pull-request builds', tagState: TagState.TAGGED, tagPatterns: ['pr-*'], expireAfterDays: 14 },
      { description: 'main-branch builds', tagState: TagState.TAGGED, tagPatterns: ['main-*'], expireAfterDays: 30 },
    ],
  },
  access: {
    pushers: [{ name: 'ci', github: { repository: 'acme/platform', branch: 'main' } }],
    pullers: [{ name: 'aks', azurePrincipalIds: [AKS_KUBELET_PRINCIPAL] }],
    promoters: [{ name: 'promoter', github: { repository: 'acme/platform', environment: 'prod' } }],
  },
  replication: {
    replicas: [
      { region: 'swedencentral', zoneRedundant: true },
      { region: 'northeurope' },
    ],
  },
  upstreamCaches: [{
    name: 'docker-hub',
    upstream: UpstreamRegistry.DOCKER_HUB,
    azureUsernameSecretId: 'https://platform-kv.vault.azure.net/secrets/dockerhub-username',
    azurePasswordSecretId: 'https://platform-kv.vault.azure.net/secrets/dockerhub-token',
  }],
  labels: { 'team': 'platform', 'cost-center': 'eng-42' },
};
