import { ContainerRegistryCacheRule } from '@cdktf/provider-azurerm/lib/container-registry-cache-rule';
import { ContainerRegistryCredentialSet } from '@cdktf/provider-azurerm/lib/container-registry-credential-set';
import { RoleAssignment } from '@cdktf/provider-azurerm/lib/role-assignment';
import { Construct } from 'constructs';
import { KeyVaultScope } from './key-vault-scope';
import { AzureWarnings } from './warnings';
import { Naming } from '../spec/naming';
import { Problems } from '../spec/problems';
import { UpstreamCacheSpec, UpstreamRegistry } from '../spec/registry-spec';
import { SpecProblem } from '../spec/validate';

/** Props of `CacheRules`. */
export interface CacheRulesProps {
  /** The id of the registry that caches. */
  readonly registryId: string;

  /** The upstream caches of the spec (`spec.upstreamCaches`). */
  readonly caches: UpstreamCacheSpec[];

  /**
   * The Key Vault (resource id) holding the credential secrets. When given, each
   * credential set's identity gets `Key Vault Secrets User` on it (an
   * RBAC-authorized vault); otherwise a warning says what to grant.
   *
   * @default - no Key Vault role assignment
   */
  readonly keyVaultId?: string;
}

/**
 * ACR artifact-cache rules for the spec's upstream caches: one wildcard rule per
 * cache (`<cache name>/*` in the registry is pulled through from
 * `<upstream login server>/*`), and, where the spec gives Key Vault secret ids,
 * a credential set (system-assigned identity reading the user name and password
 * secrets) used by the rule. Artifact cache works on every SKU.
 */
export class CacheRules extends Construct {
  /**
   * The upstream login servers ACR artifact cache supports (ACR docs, "Upstream
   * support": Docker Hub, Microsoft Artifact Registry, ECR Public, GHCR, Nvidia,
   * Quay, registry.k8s.io, Google Container Registry).
   */
  public static readonly SUPPORTED_UPSTREAMS = ['docker.io', 'mcr.microsoft.com', 'public.ecr.aws', 'ghcr.io', 'nvcr.io', 'quay.io', 'registry.k8s.io', 'gcr.io'];

  /** The upstream login server of a cache (`docker.io` for Docker Hub; the host of `url` for custom ones). */
  public static loginServer(cache: UpstreamCacheSpec): string {
    switch (cache.upstream) {
      case UpstreamRegistry.DOCKER_HUB: return 'docker.io';
      case UpstreamRegistry.GITHUB: return 'ghcr.io';
      case UpstreamRegistry.QUAY: return 'quay.io';
      case UpstreamRegistry.ECR_PUBLIC: return 'public.ecr.aws';
      default: return (cache.url ?? '').replace(/^https:\/\//, '').replace(/\/.*$/, '');
    }
  }

  /** The problems ACR has with the caches (unsupported upstreams). */
  public static problems(caches: UpstreamCacheSpec[]): SpecProblem[] {
    const problems = new Problems();
    caches.forEach((c, i) => {
      const server = CacheRules.loginServer(c);
      if (!CacheRules.SUPPORTED_UPSTREAMS.includes(server)) {
        problems.add(`upstreamCaches[${i}].url`, c.url, `is not an upstream ACR artifact cache supports (supported: ${CacheRules.SUPPORTED_UPSTREAMS.join(', ')})`);
      }
    });
    return problems.list;
  }

  /** The cache rules, by cache name. */
  public readonly rules: { [name: string]: ContainerRegistryCacheRule } = {};

  /** The credential sets, by cache name (only caches with credentials). */
  public readonly credentialSets: { [name: string]: ContainerRegistryCredentialSet } = {};

  constructor(scope: Construct, id: string, props: CacheRulesProps) {
    super(scope, id);
    new Problems().addAll(CacheRules.problems(props.caches)).throwIfAny(`azure.CacheRules ${this.node.path}`);
    for (const cache of props.caches) {
      const server = CacheRules.loginServer(cache);
      let credentialSetId: string | undefined;
      if (cache.azureUsernameSecretId && cache.azurePasswordSecretId) {
        const set = new ContainerRegistryCredentialSet(this, `${cache.name}-credentials`, {
          name: `${cache.name}-credentials`,
          containerRegistryId: props.registryId,
          loginServer: server,
          identity: { type: 'SystemAssigned' },
          authenticationCredentials: {
            usernameSecretId: cache.azureUsernameSecretId,
            passwordSecretId: cache.azurePasswordSecretId,
          },
        });
        this.credentialSets[cache.name] = set;
        credentialSetId = set.id;
        if (props.keyVaultId) {
          // Exactly the two secrets, not the vault: Key Vault Secrets User on each versionless secret id.
          const secrets: Array<[string, string]> = [['', cache.azureUsernameSecretId], ['-password', cache.azurePasswordSecretId]];
          for (const [suffix, uri] of secrets) {
            const secretScope = KeyVaultScope.of(props.keyVaultId, uri, 'secrets');
            if (!secretScope) {
              AzureWarnings._emit(this, 'cache-secret-scope', `upstreamCaches "${cache.name}": ${JSON.stringify(uri)} is not a secret of the Key Vault ${JSON.stringify(props.keyVaultId)} ` +
                '(https://<vault>.vault.azure.net/secrets/<name>), so its role is assigned on the whole vault (every secret of it)');
            }
            new RoleAssignment(this, `${cache.name}-secrets-reader${suffix}`, {
              scope: secretScope ?? props.keyVaultId,
              roleDefinitionName: 'Key Vault Secrets User',
              principalId: set.identity.principalId,
              principalType: 'ServicePrincipal',
              description: `ACR credential set ${cache.name}-credentials reads the upstream ${suffix ? 'password' : 'user name'}`,
            });
          }
        } else {
          AzureWarnings._emit(this, 'cache-credential-access', `upstreamCaches "${cache.name}": the credential set's identity must be allowed to read the Key Vault secrets ` +
            '(Key Vault Secrets User, or an access policy with secret get); pass keyVaultId to have the construct assign the role');
        }
      } else {
        const plainUser = cache.username ? ' (`username` is not used on Azure: ACR credential sets read the user name from Key Vault too)' : '';
        AzureWarnings._emit(this, 'cache-anonymous', `upstreamCaches "${cache.name}": no azureUsernameSecretId/azurePasswordSecretId, so ACR pulls from ${server} anonymously${plainUser}` +
          (cache.upstream === UpstreamRegistry.DOCKER_HUB ? '; Docker Hub rate-limits anonymous pulls, and the ACR docs recommend a credential set for it' : ''));
      }
      this.rules[cache.name] = new ContainerRegistryCacheRule(this, cache.name, {
        name: `${cache.name}-cache`,
        containerRegistryId: props.registryId,
        sourceRepo: `${server}/*`,
        targetRepo: `${Naming.acrCacheNamespace(cache.name)}/*`,
        credentialSetId,
      });
    }
  }
}
