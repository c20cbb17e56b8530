import { AnnotationMetadataEntryType } from 'cdktf';
import { IConstruct } from 'constructs';
import { WarningIds, WarningInfo } from '../spec/contract';

const W = (topic: string, summary: string): WarningInfo => ({ id: WarningIds.id('azure', topic), cloud: 'azure', summary });

/**
 * The warnings the Azure constructs emit, each with its stable id
 * (`container-registry-constructs:azure-<topic>`), which starts the message in
 * brackets (CDK for Terraform annotations have no id of their own).
 */
export class AzureWarnings {
  /** Every warning of the Azure constructs, once each. */
  public static readonly WARNINGS: WarningInfo[] = [
    W('key-vault-key-scope', 'The customer-managed key is not a key of keyVaultId, so the encryption identity\'s role is assigned on the whole vault; give the key of that vault.'),
    W('encryption-key-access', 'Without keyVaultId the encryption identity gets no role on the key; grant it Key Vault Crypto Service Encryption User, or pass keyVaultId.'),
    W('existing-registry-abac', 'A registry passed in gets repository roles with ABAC conditions, which it honours only in the ABAC repository permissions mode; switch it, or use LEGACY_REGISTRY_PERMISSIONS.'),
    W('existing-registry', 'A registry passed in keeps its own settings (retention days, admin user, replicas, network, encryption); set them where it is managed.'),
    W('retention-translation', 'The retention translation keeps more than the spec or purges untagged manifests differently; the message says what and why.'),
    W('scan-events', 'ACR emits no event for scan findings (Defender for Containers reports them outside the registry), so scan-finding notifications are not delivered on Azure.'),
    W('purge-network', 'The registry is network-restricted, so the purge task cannot reach it until tasks may bypass the network rules.'),
    W('purge-task-source-identity', 'On an ABAC registry the purge task needs its source registry identity set once after the first apply (az acr task update --source-acr-auth-id "[system]").'),
    W('defender-subscription-wide', 'Defender for Containers is a subscription-wide plan, billed per resource; another stack managing it will fight over it.'),
    W('grant-registry-wide', 'With legacy registry permissions a grant narrower than a registry (some images or environments) covers the whole registry.'),
    W('tags-layout', 'With the tags layout every pusher and promoter may move any tag, including the environment tags; use the registries layout to separate environments.'),
    W('tag-immutability', 'ACR has no tag immutability in Terraform; lock release tags after pushing them (az acr repository update --write-enabled false).'),
    W('scanning', 'ACR has no registry-level scanning switch; enable Defender for Containers (enableDefenderForContainers or where the subscription is managed).'),
    W('export-policy-import', 'exportPolicyEnabled false blocks az acr import out of the registry, which import promoters use; promotion from it fails.'),
    W('identity-registry-role', 'With legacy registry permissions and scopedAccess REGISTRY_ROLE an identity\'s registry-wide role allows more repositories than the spec asks.'),
    W('identity-scoped-token', 'With legacy registry permissions a grant of some repositories is a scope map and token (a registry-local password, not an Entra identity).'),
    W('cache-secret-scope', 'A cache credential secret is not a secret of keyVaultId, so the credential set\'s role is assigned on the whole vault.'),
    W('cache-credential-access', 'Without keyVaultId the cache credential set\'s identity gets no role on its secrets; grant Key Vault Secrets User, or pass keyVaultId.'),
    W('cache-anonymous', 'A cache without Key Vault credential secrets pulls from its upstream anonymously (Docker Hub rate-limits anonymous pulls).'),
  ];

  /**
   * Emits a warning of the list on a construct: `[<id>] <message>`. Throws for a
   * topic that is not in `WARNINGS` (a programming error).
   *
   * @internal
   */
  public static _emit(scope: IConstruct, topic: string, message: string): void {
    const id = WarningIds.id('azure', topic);
    if (!AzureWarnings.WARNINGS.some((w) => w.id === id)) throw new Error(`unknown Azure warning topic "${topic}"`);
    // What `Annotations.of(scope).addWarning` records, without the JavaScript stack trace it captures for each
    // warning (tens of microseconds each, 4% of synthesis of 90 Harbor registries): the construct path and the
    // warning id say where a warning comes from.
    scope.node.addMetadata(AnnotationMetadataEntryType.WARN, WarningIds.tagged(id, message));
  }
}
