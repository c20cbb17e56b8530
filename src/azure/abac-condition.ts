/**
 * The registry's role assignment permissions mode (`azurerm_container_registry.role_assignment_mode`,
 * azurerm 4.81.0 and later: "`azurerm_container_registry` Add support for
 * `azuread_authentication_as_arm_policy_enabled`, `role_assignment_mode` ..." (CHANGELOG-v4.md, 4.81.0, #31667);
 * "Possible values are `AbacRepositoryPermissions` and `LegacyRegistryPermissions`. Defaults to
 * `LegacyRegistryPermissions`" (website/docs/r/container_registry.html.markdown)).
 */
export enum RoleAssignmentMode {
  /**
   * "RBAC Registry + ABAC Repository Permissions": the repository roles
   * (`Container Registry Repository Reader/Writer/Contributor`) with ABAC conditions naming
   * repositories. "the `AcrPull`, `AcrPush`, and `AcrDelete` roles aren't honored in an
   * ABAC-enabled registry" (ACR docs, container-registry-rbac-abac-repository-permissions).
   */
  ABAC_REPOSITORY_PERMISSIONS = 'AbacRepositoryPermissions',
  /** "RBAC Registry Permissions": registry-wide roles only (`AcrPull`, `AcrPush`, `AcrDelete`); scope maps and tokens for repositories. */
  LEGACY_REGISTRY_PERMISSIONS = 'LegacyRegistryPermissions',
}

/**
 * The ABAC-enabled ACR built-in roles and their repository data actions, and the
 * conditions that scope them to repositories.
 *
 * Sources: ACR docs, "Microsoft Entra attribute-based access control (ABAC) for repository
 * permissions" (MicrosoftDocs/azure-management-docs,
 * articles/container-registry/container-registry-rbac-abac-repository-permissions.md):
 * - "`Container Registry Repository Reader` - ABAC-enabled role that grants permissions to
 *   **read** images, tags, and metadata"; "`Container Registry Repository Writer` - ... **read,
 *   write, and update**"; "`Container Registry Repository Contributor` - ... **read, write,
 *   update, and delete**"; the Catalog Lister "does not support ABAC conditions and will always
 *   have permissions to **list all repositories**".
 * - "If you assign an ABAC-enabled role without ABAC conditions, the role assignment won't be
 *   scoped to repositories"; the `--scope` "should always be the registry resource ID (without
 *   the repository name)".
 * - the condition grammar, `condition-version` 2.0: `((!(ActionMatches{'<action>'}) AND ...) OR
 *   (@Request[Microsoft.ContainerRegistry/registries/repositories:name] StringEqualsIgnoreCase
 *   '<repository>'))`, with `StringStartsWithIgnoreCase '<prefix>/'` for prefixes ("The
 *   trailing slash `/` is required").
 * - Reader's data actions are the two the docs' Reader condition lists (`repositories/content/read`,
 *   `repositories/metadata/read`); Writer adds `content/write` and `metadata/write`; Contributor
 *   adds `content/delete` and `metadata/delete` (these two names come from published dumps of
 *   the built-in role definitions, not from the ACR pages read for this module).
 * - A condition that does not mention an action leaves it unconditioned, so every condition
 *   generated here also denies, on every repository, the repository actions the grant does
 *   not need (a Reader's conditions deny write and delete, a Writer's deny delete): if a role
 *   holds more data actions than documented, they stay denied.
 */
export class AcrAbac {
  /** The condition language version of the generated conditions. */
  public static readonly CONDITION_VERSION = '2.0';
  /** The request attribute that names the repository. */
  public static readonly REPOSITORY_ATTRIBUTE = '@Request[Microsoft.ContainerRegistry/registries/repositories:name]';
  /** Read manifests and blobs. */
  public static readonly CONTENT_READ = 'Microsoft.ContainerRegistry/registries/repositories/content/read';
  /** Read tags and metadata. */
  public static readonly METADATA_READ = 'Microsoft.ContainerRegistry/registries/repositories/metadata/read';
  /** Push manifests and blobs (create or move a tag). */
  public static readonly CONTENT_WRITE = 'Microsoft.ContainerRegistry/registries/repositories/content/write';
  /** Update tag and manifest metadata. */
  public static readonly METADATA_WRITE = 'Microsoft.ContainerRegistry/registries/repositories/metadata/write';
  /** Delete manifests. */
  public static readonly CONTENT_DELETE = 'Microsoft.ContainerRegistry/registries/repositories/content/delete';
  /** Delete tags and metadata (untag). */
  public static readonly METADATA_DELETE = 'Microsoft.ContainerRegistry/registries/repositories/metadata/delete';

  /** `Container Registry Repository Reader`. */
  public static readonly READER = 'Container Registry Repository Reader';
  /** `Container Registry Repository Writer`. */
  public static readonly WRITER = 'Container Registry Repository Writer';
  /** `Container Registry Repository Contributor`. */
  public static readonly CONTRIBUTOR = 'Container Registry Repository Contributor';
  /** `Container Registry Repository Catalog Lister` (no conditions: lists every repository name). */
  public static readonly CATALOG_LISTER = 'Container Registry Repository Catalog Lister';

  /** The read data actions. */
  public static readonly READ_ACTIONS = [AcrAbac.CONTENT_READ, AcrAbac.METADATA_READ];
  /** The write data actions. */
  public static readonly WRITE_ACTIONS = [AcrAbac.CONTENT_WRITE, AcrAbac.METADATA_WRITE];
  /** The delete data actions. */
  public static readonly DELETE_ACTIONS = [AcrAbac.CONTENT_DELETE, AcrAbac.METADATA_DELETE];

  /**
   * A condition that allows `actions` only on the repositories named exactly
   * (`StringEqualsIgnoreCase`) or under the prefixes (`StringStartsWithIgnoreCase`, each
   * ending with `/`). With neither, the actions are denied everywhere.
   */
  public static block(actions: string[], repositories: string[], prefixes: string[] = []): string {
    const notActions = actions.map((a) => `!(ActionMatches{'${a}'})`).join(' AND ');
    const names = [
      ...[...new Set(repositories)].sort().map((r) => `${AcrAbac.REPOSITORY_ATTRIBUTE} StringEqualsIgnoreCase '${r}'`),
      ...[...new Set(prefixes)].sort().map((p) => `${AcrAbac.REPOSITORY_ATTRIBUTE} StringStartsWithIgnoreCase '${p.endsWith('/') ? p : `${p}/`}'`),
    ];
    // No repository at all: an expression that no repository name satisfies (ACR names are never empty).
    const allowed = names.length ? names.join(' OR ') : `${AcrAbac.REPOSITORY_ATTRIBUTE} StringEqualsIgnoreCase ''`;
    return `((${notActions}) OR (${allowed}))`;
  }

  /** A Reader's condition: read exactly `reads` (and under `prefixes`), write and delete nowhere. */
  public static reader(reads: string[], prefixes: string[] = []): string {
    return AcrAbac.and([
      AcrAbac.block(AcrAbac.READ_ACTIONS, reads, prefixes), AcrAbac.block([...AcrAbac.WRITE_ACTIONS, ...AcrAbac.DELETE_ACTIONS], []),
    ]);
  }

  /** A Writer's condition: read exactly `reads` (and under `prefixes`), write exactly `writes`, delete nowhere. */
  public static writer(reads: string[], writes: string[], prefixes: string[] = []): string {
    return AcrAbac.and([
      AcrAbac.block(AcrAbac.READ_ACTIONS, reads, prefixes), AcrAbac.block(AcrAbac.WRITE_ACTIONS, writes), AcrAbac.block(AcrAbac.DELETE_ACTIONS, []),
    ]);
  }

  /** Conditions ANDed: each must hold. */
  public static and(blocks: string[]): string {
    return blocks.join(' AND ');
  }
}
