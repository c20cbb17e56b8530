import { Token } from 'cdktf';

/**
 * Role assignment scopes inside an RBAC-authorized Key Vault: the versionless
 * resource id of one secret or key. Key Vault docs ("Provide access to Key Vault
 * keys, certificates, and secrets with Azure role-based access control",
 * learn.microsoft.com/azure/key-vault/general/rbac-guide): "Azure RBAC for Key Vault
 * also allows users to have separate permissions on individual keys, secrets, and
 * certificates", with the secret-scope example `--scope
 * /subscriptions/{subscriptionid}/resourcegroups/{resource-group-name}/providers/Microsoft.KeyVault/vaults/{key-vault-name}/secrets/RBACSecret`.
 */
export class KeyVaultScope {
  /**
   * The scope of the object an identifier names (`https://<vault>.vault.azure.net/secrets/<name>[/<version>]`
   * or `.../keys/<name>[/<version>]`) inside the vault `vaultId`: `<vaultId>/secrets/<name>`
   * (versionless: the role covers every version, so rotation keeps working). Undefined when
   * the identifier is a token, is not a Key Vault object URI of that kind, or names another vault.
   */
  public static of(vaultId: string, objectUri: string, kind: 'secrets' | 'keys'): string | undefined {
    if (Token.isUnresolved(vaultId) || Token.isUnresolved(objectUri)) return undefined;
    const m = /^https:\/\/([a-z0-9-]+)\.vault\.[a-z0-9.]+\/(secrets|keys)\/([a-zA-Z0-9-]+)(\/[a-zA-Z0-9]*)?\/?$/i.exec(objectUri);
    if (!m || m[2].toLowerCase() !== kind) return undefined;
    const vaultName = vaultId.replace(/\/+$/, '').split('/').pop() ?? '';
    if (vaultName.toLowerCase() !== m[1].toLowerCase()) return undefined;
    return `${vaultId.replace(/\/+$/, '')}/${kind}/${m[3]}`;
  }
}
