import { KeyVaultScope } from '../../src/azure/key-vault-scope';

const VAULT = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv1';

describe('KeyVaultScope.of', () => {
  test.each<[string, string, 'secrets' | 'keys', string | undefined]>([
    ['a secret, versionless', 'https://kv1.vault.azure.net/secrets/token', 'secrets', `${VAULT}/secrets/token`],
    ['a secret version: the versionless scope (rotation keeps working)', 'https://kv1.vault.azure.net/secrets/token/0123abcd', 'secrets', `${VAULT}/secrets/token`],
    ['a key', 'https://KV1.vault.azure.net/keys/acr', 'keys', `${VAULT}/keys/acr`],
    ['a key asked as a secret', 'https://kv1.vault.azure.net/keys/acr', 'secrets', undefined],
    ['another vault', 'https://kv2.vault.azure.net/secrets/token', 'secrets', undefined],
    ['not a Key Vault URI', 'https://example.com/secrets/token', 'secrets', undefined],
    ['a token', '${TfToken[TOKEN.1]}', 'secrets', undefined],
  ])('%s', (_, uri, kind, expected) => {
    expect(KeyVaultScope.of(VAULT, uri, kind)).toBe(expected);
  });

  test('a trailing slash on the vault id is not doubled', () => {
    expect(KeyVaultScope.of(`${VAULT}/`, 'https://kv1.vault.azure.net/secrets/token', 'secrets')).toBe(`${VAULT}/secrets/token`);
  });
});
