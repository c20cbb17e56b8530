import 'cdktf/lib/testing/adapters/jest';
import { Testing } from 'cdktf';
import { resources, testStack, VAULT_ID, warnings } from './helpers';
import { CacheRules } from '../../src/azure';
import { UpstreamRegistry } from '../../src/spec';

const REGISTRY_ID = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/platform';

describe('CacheRules', () => {
  const stack = testStack();
  const rules = new CacheRules(stack, 'Cache', {
    registryId: REGISTRY_ID,
    keyVaultId: VAULT_ID,
    caches: [
      { name: 'docker-hub', upstream: UpstreamRegistry.DOCKER_HUB, azureUsernameSecretId: 'https://kv1.vault.azure.net/secrets/hub-user', azurePasswordSecretId: 'https://kv1.vault.azure.net/secrets/hub-token' },
      { name: 'quay', upstream: UpstreamRegistry.QUAY },
      { name: 'mcr', upstream: UpstreamRegistry.CUSTOM, url: 'https://mcr.microsoft.com' },
    ],
  });
  const synth = Testing.synth(stack);
  const json = JSON.parse(synth);

  test('one wildcard cache rule per cache: <cache>/* pulls through <upstream>/*', () => {
    // ACR docs, "Wildcards": "The repository level wildcard allows you to cache all repositories
    // from an upstream registry mapping to the repository prefix."
    expect(resources(json, 'azurerm_container_registry_cache_rule').map((r) => [r.name, r.source_repo, r.target_repo])).toEqual([
      ['docker-hub-cache', 'docker.io/*', 'docker-hub/*'],
      ['mcr-cache', 'mcr.microsoft.com/*', 'mcr/*'],
      ['quay-cache', 'quay.io/*', 'quay/*'],
    ]); // (synthesized resources are sorted by logical id)
  });

  test('a credential set with Key Vault secret ids and a system identity, used by its rule', () => {
    expect(synth).toHaveResourceWithProperties({ tfResourceType: 'azurerm_container_registry_credential_set' }, {
      name: 'docker-hub-credentials',
      login_server: 'docker.io',
      identity: { type: 'SystemAssigned' },
      authentication_credentials: {
        username_secret_id: 'https://kv1.vault.azure.net/secrets/hub-user',
        password_secret_id: 'https://kv1.vault.azure.net/secrets/hub-token',
      },
    });
    const hub = resources(json, 'azurerm_container_registry_cache_rule').find((r) => r.name === 'docker-hub-cache');
    expect(hub.credential_set_id).toMatch(/^\$\{azurerm_container_registry_credential_set\.[\w-]+\.id\}$/);
    expect(resources(json, 'azurerm_container_registry_cache_rule').filter((r) => r.credential_set_id)).toHaveLength(1);
    expect(Object.keys(rules.credentialSets)).toEqual(['docker-hub']);
  });

  test('the credential set identity may read exactly its two secrets (versionless secret ids), not the vault', () => {
    // Key Vault RBAC guide: roles can be assigned on individual secrets (scope .../vaults/<vault>/secrets/<name>).
    expect(resources(json, 'azurerm_role_assignment').map((r) => [r.role_definition_name, r.scope]).sort()).toEqual([
      ['Key Vault Secrets User', `${VAULT_ID}/secrets/hub-token`],
      ['Key Vault Secrets User', `${VAULT_ID}/secrets/hub-user`],
    ]);
  });

  test('a secret of another vault than keyVaultId falls back to the vault scope with a warning', () => {
    const s = testStack();
    new CacheRules(s, 'C', {
      registryId: 'id',
      keyVaultId: VAULT_ID,
      caches: [{ name: 'ghcr', upstream: UpstreamRegistry.GITHUB, azureUsernameSecretId: 'https://kv2.vault.azure.net/secrets/u', azurePasswordSecretId: 'https://kv1.vault.azure.net/secrets/p/abc123' }],
    });
    expect(resources(JSON.parse(Testing.synth(s)), 'azurerm_role_assignment').map((r) => r.scope).sort()).toEqual([VAULT_ID, `${VAULT_ID}/secrets/p`]);
    expect(warnings(s)).toEqual([expect.stringMatching(/^upstreamCaches "ghcr": "https:\/\/kv2\.vault\.azure\.net\/secrets\/u" is not a secret of the Key Vault/)]);
  });

  test('caches without credentials warn, Docker Hub ones about rate limits', () => {
    expect(warnings(stack)).toEqual([
      expect.stringMatching(/^upstreamCaches "quay": no azureUsernameSecretId\/azurePasswordSecretId, so ACR pulls from quay\.io anonymously$/),
      expect.stringMatching(/^upstreamCaches "mcr": no azureUsernameSecretId/),
    ]);
    const s = testStack();
    new CacheRules(s, 'C', { registryId: 'id', caches: [{ name: 'hub', upstream: UpstreamRegistry.DOCKER_HUB, username: 'me' }] });
    expect(warnings(s)).toEqual([expect.stringMatching(/`username` is not used on Azure.*Docker Hub rate-limits anonymous pulls/)]);
  });

  test('without keyVaultId, a warning says which role the credential set needs', () => {
    const s = testStack();
    new CacheRules(s, 'C', { registryId: 'id', caches: [{ name: 'ghcr', upstream: UpstreamRegistry.GITHUB, azureUsernameSecretId: 'https://v.vault.azure.net/secrets/u', azurePasswordSecretId: 'https://v.vault.azure.net/secrets/p' }] });
    expect(warnings(s)).toEqual([expect.stringMatching(/^upstreamCaches "ghcr": the credential set's identity must be allowed to read the Key Vault secrets \(Key Vault Secrets User/)]);
    expect(synthJsonHas(s, 'azurerm_role_assignment')).toBe(false);
  });

  test('an upstream ACR artifact cache does not support is an error naming it', () => {
    expect(() => new CacheRules(testStack(), 'C', { registryId: 'id', caches: [{ name: 'corp', upstream: UpstreamRegistry.CUSTOM, url: 'https://registry.example.com' }] }))
      .toThrow(/upstreamCaches\[0\]\.url: "https:\/\/registry\.example\.com" is not an upstream ACR artifact cache supports \(supported: docker\.io, mcr\.microsoft\.com/);
  });

  test('snapshot', () => {
    expect(synth).toMatchSnapshot();
  });
});

function synthJsonHas(stack: any, type: string): boolean {
  return JSON.parse(Testing.synth(stack)).resource?.[type] !== undefined;
}
