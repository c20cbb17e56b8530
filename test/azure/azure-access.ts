/**
 * An independent evaluator of what Azure would allow, offline, over synthesized
 * Terraform JSON: role assignments (scope, role, principal, ABAC condition) with the
 * built-in roles' actions and data actions, custom role definitions, scope maps with
 * their tokens, and federated identity credentials matched against GitHub tokens.
 *
 * It shares no code with src/azure: the roles table, the condition parser and the
 * matching rules are written here from the documentation, so a construct that grants
 * more (or less) than it claims disagrees with this evaluator.
 */

/** A built-in or custom role: its control-plane actions and data actions. */
export interface RoleDef {
  readonly actions: string[];
  readonly dataActions: string[];
  /** ABAC-enabled repository roles: honoured only on registries with ABAC repository permissions. */
  readonly abac?: boolean;
  /** Legacy ACR roles: not honoured on ABAC registries. */
  readonly legacyAcr?: boolean;
}

/**
 * The built-in roles used here. Sources:
 * - AcrPull, AcrPush, AcrDelete: "Azure built-in roles for Containers" (MicrosoftDocs/azure-docs,
 *   articles/role-based-access-control/built-in-roles/containers.md): AcrPull `actions:
 *   ["Microsoft.ContainerRegistry/registries/pull/read"]` (id 7f951dda-4ed3-4680-a7ca-43fe172d538d);
 *   AcrPush `pull/read`, `push/write` (id 8311e382-0749-4cb8-b61a-304f252e45ec); AcrDelete
 *   `artifacts/delete` (id c2f4ef07-c644-48eb-af81-4b1b4947fb11); no data actions.
 * - The repository roles: ACR docs "ABAC repository permissions": Reader reads images, tags and
 *   metadata (its documented condition lists `repositories/content/read` and
 *   `repositories/metadata/read`), Writer reads, writes and updates, Contributor also deletes;
 *   "the `AcrPull`, `AcrPush`, and `AcrDelete` roles aren't honored in an ABAC-enabled registry".
 *   The delete data actions are named `repositories/content/delete` and `metadata/delete` here, as
 *   published dumps of the built-in role definitions list them (not verified on a Microsoft page).
 * - Catalog Lister: lists every repository ("does not support ABAC conditions"): modelled as the
 *   data action `registries/catalog/read` (name not verified verbatim).
 * - Key Vault Secrets User: "Azure built-in roles for Security" (MicrosoftDocs/azure-docs,
 *   built-in-roles/security.md): id 4633458b-17de-408a-b874-0445c86b69e6, `dataActions:
 *   ["Microsoft.KeyVault/vaults/secrets/getSecret/action",
 *   "Microsoft.KeyVault/vaults/secrets/readMetadata/action"]`, no actions. Key Vault Crypto Service
 *   Encryption User ("Read metadata of keys and perform wrap/unwrap operations"): the data actions
 *   `vaults/keys/read`, `keys/wrap/action`, `keys/unwrap/action` are not verified verbatim here.
 */
export const BUILT_IN_ROLES: { [name: string]: RoleDef } = {
  'AcrPull': { actions: ['Microsoft.ContainerRegistry/registries/pull/read'], dataActions: [], legacyAcr: true },
  'AcrPush': { actions: ['Microsoft.ContainerRegistry/registries/pull/read', 'Microsoft.ContainerRegistry/registries/push/write'], dataActions: [], legacyAcr: true },
  'AcrDelete': { actions: ['Microsoft.ContainerRegistry/registries/artifacts/delete'], dataActions: [], legacyAcr: true },
  'Container Registry Repository Reader': {
    actions: [],
    abac: true,
    dataActions: ['Microsoft.ContainerRegistry/registries/repositories/content/read', 'Microsoft.ContainerRegistry/registries/repositories/metadata/read'],
  },
  'Container Registry Repository Writer': {
    actions: [],
    abac: true,
    dataActions: [
      'Microsoft.ContainerRegistry/registries/repositories/content/read', 'Microsoft.ContainerRegistry/registries/repositories/metadata/read',
      'Microsoft.ContainerRegistry/registries/repositories/content/write', 'Microsoft.ContainerRegistry/registries/repositories/metadata/write',
    ],
  },
  'Container Registry Repository Contributor': {
    actions: [],
    abac: true,
    dataActions: [
      'Microsoft.ContainerRegistry/registries/repositories/content/read', 'Microsoft.ContainerRegistry/registries/repositories/metadata/read',
      'Microsoft.ContainerRegistry/registries/repositories/content/write', 'Microsoft.ContainerRegistry/registries/repositories/metadata/write',
      'Microsoft.ContainerRegistry/registries/repositories/content/delete', 'Microsoft.ContainerRegistry/registries/repositories/metadata/delete',
    ],
  },
  'Container Registry Repository Catalog Lister': { actions: [], dataActions: ['Microsoft.ContainerRegistry/registries/catalog/read'] },
  // Azure built-in roles for Security, Security Reader (the Microsoft.Security part; its other actions are reads of
  // Authorization, Insights alert rules, deployments, resource groups, Support): "Security Reader: ... read-only access
  // to Defender for Cloud" (Defender for Cloud, User roles and permissions).
  'Security Reader': {
    actions: ['Microsoft.Authorization/*/read', 'Microsoft.Resources/subscriptions/resourceGroups/read', 'Microsoft.Security/*/read', 'Microsoft.Support/*/read'],
    dataActions: [],
  },
  // Azure built-in roles for Storage, Storage Queue Data Message Sender ("Add messages to an Azure Storage queue"):
  // the data action `queueServices/queues/messages/add/action` (name not verified verbatim here).
  'Storage Queue Data Message Sender': { actions: [], dataActions: ['Microsoft.Storage/storageAccounts/queueServices/queues/messages/add/action'] },
  'Key Vault Secrets User': { actions: [], dataActions: ['Microsoft.KeyVault/vaults/secrets/getSecret/action', 'Microsoft.KeyVault/vaults/secrets/readMetadata/action'] },
  'Key Vault Crypto Service Encryption User': {
    actions: [],
    dataActions: ['Microsoft.KeyVault/vaults/keys/read', 'Microsoft.KeyVault/vaults/keys/wrap/action', 'Microsoft.KeyVault/vaults/keys/unwrap/action'],
  },
};

/** What a capability needs on ACR: every listed permission, on the repository (data actions) or the registry (legacy actions). */
export const NEEDS = {
  abac: {
    'read': ['Microsoft.ContainerRegistry/registries/repositories/content/read', 'Microsoft.ContainerRegistry/registries/repositories/metadata/read'],
    'write': ['Microsoft.ContainerRegistry/registries/repositories/content/write'],
    'move-tag': ['Microsoft.ContainerRegistry/registries/repositories/content/write'],
    'delete': ['Microsoft.ContainerRegistry/registries/repositories/content/delete'],
    'admin': ['Microsoft.ContainerRegistry/registries/write'],
    // A pull through a cache rule imports on first pull: the puller needs read on the cache's target repository.
    'cache-import': ['Microsoft.ContainerRegistry/registries/repositories/content/read'],
  } as { [cap: string]: string[] },
  legacy: {
    'read': ['Microsoft.ContainerRegistry/registries/pull/read'],
    'write': ['Microsoft.ContainerRegistry/registries/push/write'],
    'move-tag': ['Microsoft.ContainerRegistry/registries/push/write'],
    'delete': ['Microsoft.ContainerRegistry/registries/artifacts/delete'],
    'admin': ['Microsoft.ContainerRegistry/registries/write'],
    'cache-import': ['Microsoft.ContainerRegistry/registries/pull/read'],
  } as { [cap: string]: string[] },
};

// ---------------------------------------------------------------- ABAC conditions

type Cond =
  | { op: 'and' | 'or'; left: Cond; right: Cond }
  | { op: 'not'; arg: Cond }
  | { op: 'action'; action: string }
  | { op: 'str'; fn: string; value: string };

/**
 * Parses an ABAC condition (condition version 2.0) of the subset the ACR docs use:
 * `( ... )`, `AND`, `OR`, `!`, `ActionMatches{'<action>'}`, and
 * `@Request[Microsoft.ContainerRegistry/registries/repositories:name] <StringEquals|
 * StringEqualsIgnoreCase|StringStartsWith|StringStartsWithIgnoreCase|StringLike> '<value>'`.
 * AND binds tighter than OR ("Azure role assignment condition format and syntax": "AND has
 * higher precedence than OR"). Anything else throws: an unknown condition is never guessed.
 */
export function parseCondition(text: string): Cond {
  const tokens = text.match(/\(|\)|!|AND|OR|ActionMatches\{'[^']*'\}|@Request\[[^\]]+\]|'[^']*'|[A-Za-z]+/g) ?? [];
  let i = 0;
  const peek = () => tokens[i];
  const next = () => tokens[i++];
  const orExpr = (): Cond => {
    let left = andExpr();
    while (peek() === 'OR') { next(); left = { op: 'or', left, right: andExpr() }; }
    return left;
  };
  const andExpr = (): Cond => {
    let left = unary();
    while (peek() === 'AND') { next(); left = { op: 'and', left, right: unary() }; }
    return left;
  };
  const unary = (): Cond => {
    const t = next();
    if (t === '!') return { op: 'not', arg: unary() };
    if (t === '(') {
      const e = orExpr();
      if (next() !== ')') throw new Error(`condition: missing ) in ${text}`);
      return e;
    }
    if (t?.startsWith('ActionMatches{')) return { op: 'action', action: t.slice("ActionMatches{'".length, -2) };
    if (t === '@Request[Microsoft.ContainerRegistry/registries/repositories:name]') {
      const fn = next();
      const v = next();
      if (!/^String(Equals|EqualsIgnoreCase|StartsWith|StartsWithIgnoreCase|Like)$/.test(fn ?? '') || !v?.startsWith("'")) throw new Error(`condition: unsupported ${fn} ${v}`);
      return { op: 'str', fn: fn!, value: v.slice(1, -1) };
    }
    throw new Error(`condition: unexpected token ${t} in ${text}`);
  };
  const c = orExpr();
  if (i !== tokens.length) throw new Error(`condition: trailing tokens in ${text}`);
  return c;
}

/** Evaluates a condition for a request: the data action and the repository name. */
export function evalCondition(c: Cond, action: string, repository: string): boolean {
  switch (c.op) {
    case 'and': return evalCondition(c.left, action, repository) && evalCondition(c.right, action, repository);
    case 'or': return evalCondition(c.left, action, repository) || evalCondition(c.right, action, repository);
    case 'not': return !evalCondition(c.arg, action, repository);
    case 'action': return actionMatches(c.action, action);
    case 'str': {
      const ic = c.fn.endsWith('IgnoreCase');
      const a = ic ? repository.toLowerCase() : repository;
      const b = ic ? c.value.toLowerCase() : c.value;
      if (c.fn.startsWith('StringEquals')) return a === b;
      if (c.fn.startsWith('StringStartsWith')) return a.startsWith(b);
      return new RegExp(`^${b.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\/]/g, '\\$&')).join('.*')}$`).test(a);
    }
  }
}

/** Azure action matching: case-insensitive, `*` matches any run of characters. */
export function actionMatches(pattern: string, action: string): boolean {
  const re = new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\/]/g, '\\$&')).join('.*')}$`, 'i');
  return re.test(action);
}

// ---------------------------------------------------------------- the JSON

export interface Registry {
  readonly address: string;
  readonly name: string;
  /** How assignments name its id (a reference or a literal id). */
  readonly idRefs: string[];
  readonly abac: boolean;
}

export interface Assignment {
  readonly address: string;
  readonly scope: string;
  readonly principal: string;
  readonly role: RoleDef;
  readonly roleName: string;
  readonly condition?: Cond;
}

export interface FederatedCredential {
  readonly parentRef: string;
  readonly issuer: string;
  readonly subject: string;
  readonly audience: string[];
}

/** A GitHub Actions OIDC token's claims that Entra compares. */
export interface GithubToken {
  readonly iss: string;
  readonly sub: string;
  readonly aud: string;
}

/** The access-relevant parts of a synthesized stack. */
export class AzureAccess {
  public readonly registries: Registry[] = [];
  public readonly assignments: Assignment[] = [];
  public readonly credentials: FederatedCredential[] = [];
  /** principal reference -> user-assigned identity name. */
  public readonly identityNames = new Map<string, string>();
  /** principal reference of each purge task's system identity -> its registry reference. */
  public readonly taskPrincipals = new Map<string, string>();
  /** cache rule target patterns (`hub/*`) per registry reference. */
  public readonly cacheTargets = new Map<string, string[]>();
  /** scope map actions per token name and registry name. */
  public readonly tokens: Array<{ registry: string; name: string; actions: string[] }> = [];

  constructor(json: any, existingRegistries: { [name: string]: { id: string; abac: boolean } } = {}) {
    const res = json.resource ?? {};
    for (const [address, r] of Object.entries<any>(res.azurerm_container_registry ?? {})) {
      this.registries.push({ address, name: r.name, idRefs: [`\${azurerm_container_registry.${address}.id}`], abac: r.role_assignment_mode === 'AbacRepositoryPermissions' });
    }
    for (const [name, e] of Object.entries(existingRegistries)) this.registries.push({ address: '', name, idRefs: [e.id], abac: e.abac });
    for (const [address, u] of Object.entries<any>(res.azurerm_user_assigned_identity ?? {})) {
      this.identityNames.set(`\${azurerm_user_assigned_identity.${address}.principal_id}`, u.name);
      this.identityNames.set(`\${azurerm_user_assigned_identity.${address}.id}`, u.name);
    }
    for (const [address, t] of Object.entries<any>(res.azurerm_container_registry_task ?? {})) {
      this.taskPrincipals.set(`\${azurerm_container_registry_task.${address}.identity[0].principal_id}`, t.container_registry_id);
    }
    for (const c of Object.values<any>(res.azurerm_container_registry_cache_rule ?? {})) {
      this.cacheTargets.set(c.container_registry_id, [...(this.cacheTargets.get(c.container_registry_id) ?? []), c.target_repo]);
    }
    const custom = new Map<string, RoleDef>();
    for (const [address, d] of Object.entries<any>(res.azurerm_role_definition ?? {})) {
      const perms = d.permissions ?? [];
      custom.set(`\${azurerm_role_definition.${address}.role_definition_resource_id}`, {
        actions: perms.flatMap((p: any) => p.actions ?? []), dataActions: perms.flatMap((p: any) => p.data_actions ?? []),
      });
    }
    for (const [address, a] of Object.entries<any>(res.azurerm_role_assignment ?? {})) {
      const role = a.role_definition_name !== undefined ? BUILT_IN_ROLES[a.role_definition_name] : custom.get(a.role_definition_id);
      if (!role) throw new Error(`role assignment ${address}: unknown role ${a.role_definition_name ?? a.role_definition_id}`);
      if (a.condition && a.condition_version !== '2.0') throw new Error(`role assignment ${address}: condition version ${a.condition_version}`);
      this.assignments.push({
        address,
        scope: a.scope,
        principal: a.principal_id,
        role,
        roleName: a.role_definition_name ?? 'custom',
        condition: a.condition ? parseCondition(a.condition) : undefined,
      });
    }
    for (const f of Object.values<any>(res.azurerm_federated_identity_credential ?? {})) {
      this.credentials.push({ parentRef: f.parent_id, issuer: f.issuer, subject: f.subject, audience: f.audience });
    }
    const maps = new Map<string, string[]>();
    for (const [address, m] of Object.entries<any>(res.azurerm_container_registry_scope_map ?? {})) maps.set(`\${azurerm_container_registry_scope_map.${address}.id}`, m.actions);
    for (const t of Object.values<any>(res.azurerm_container_registry_token ?? {})) {
      if (t.enabled !== false) this.tokens.push({ registry: t.container_registry_name, name: t.name, actions: maps.get(t.scope_map_id) ?? [] });
    }
  }

  /** The registry of a name. */
  public registry(name: string): Registry {
    const r = this.registries.find((x) => x.name === name);
    if (!r) throw new Error(`no registry ${name}`);
    return r;
  }

  /**
   * Whether a principal may perform a permission (an action or data action) on a
   * repository of a registry: some assignment to it, scoped to the registry (or a
   * parent scope), whose role has the permission, honoured in the registry's mode,
   * and whose condition (if any) holds for the request.
   */
  public allows(principal: string, registryName: string, repository: string, permission: string): boolean {
    const reg = this.registry(registryName);
    return this.assignments.some((a) => {
      if (a.principal !== principal) return false;
      if (!reg.idRefs.some((id) => a.scope === id || (!a.scope.includes('${') && id.startsWith(`${a.scope}/`)))) return false;
      if (reg.abac && a.role.legacyAcr) return false;
      if (!reg.abac && a.condition) return false; // legacy registries: no ABAC conditions (conservative: not granted)
      const data = a.role.dataActions.some((d) => actionMatches(d, permission));
      const ctl = a.role.actions.some((d) => actionMatches(d, permission));
      if (!data && !ctl) return false;
      // Conditions apply to data actions (repository requests).
      return !a.condition || !data || evalCondition(a.condition, permission, repository);
    });
  }

  /**
   * Whether a principal may perform a permission on an Azure resource id (a Key Vault secret or
   * key): an assignment scoped to the resource or a parent of it ("Azure RBAC ... scope": a role
   * assigned at a scope applies to the resources under it), whose role has the permission.
   */
  public allowsOn(principal: string, resourceId: string, permission: string): boolean {
    return this.assignments.some((a) => a.principal === principal && !a.condition
      && (a.scope === resourceId || resourceId.startsWith(`${a.scope}/`))
      && [...a.role.actions, ...a.role.dataActions].some((d) => actionMatches(d, permission)));
  }

  /**
   * Whether a principal may read Defender for Cloud's vulnerability sub-assessments of a registry
   * (`Microsoft.Security/assessments/subAssessments/read`): an unconditioned assignment whose role has
   * it, scoped to the registry's resource group (the registry id's first five segments,
   * `/subscriptions/<s>/resourceGroups/<rg>`) or to the registry. Defender for Cloud shows a
   * resource's findings to roles "assigned for the subscription or the resource group the resource
   * belongs to"; a subscription-wide assignment (a literal `/subscriptions/<s>`) is not produced here.
   */
  public readsScanResults(principal: string, registryName: string): boolean {
    return this.scanResultsScope(principal, registryName) !== undefined;
  }

  /**
   * The widest scope through which a principal reads a registry's Defender findings: `subscription`
   * (the registry id's first three segments), `resource-group` (five), `registry`, or undefined.
   */
  public scanResultsScope(principal: string, registryName: string): string | undefined {
    const reg = this.registry(registryName);
    const prefixOf = (idRef: string, n: number) => `\${join("/", slice(split("/", ${idRef.slice(2, -1)}), 0, ${n}))}`;
    const kinds: Array<[string, (id: string) => string]> = [
      ['subscription', (id) => prefixOf(id, 3)], ['resource-group', (id) => prefixOf(id, 5)], ['registry', (id) => id],
    ];
    const mine = this.assignments.filter((a) => a.principal === principal && !a.condition
      && a.role.actions.some((d) => actionMatches(d, 'Microsoft.Security/assessments/subAssessments/read')));
    return kinds.find(([, scopeOf]) => mine.some((a) => reg.idRefs.some((id) => a.scope === scopeOf(id))))?.[0];
  }

  /** Whether a principal has a capability on a repository (every permission it needs). */
  public can(principal: string, registryName: string, repository: string, capability: string): boolean {
    const reg = this.registry(registryName);
    if (capability === 'cache-import') {
      // ACR artifact cache: a pull of a repository matching a cache rule's target imports it from the upstream.
      const targets = reg.idRefs.flatMap((id) => this.cacheTargets.get(id) ?? []);
      const cached = targets.some((t) => (t.endsWith('/*') ? repository.startsWith(t.slice(0, -1)) : repository === t));
      if (!cached) return false;
    }
    const needs = (reg.abac ? NEEDS.abac : NEEDS.legacy)[capability];
    return needs.every((p) => this.allows(principal, registryName, repository, p));
  }

  /** The principals (references or ids) of an identity name of the spec: its managed identity and its existing principal ids. */
  public principalsOf(specName: string, identity: { name: string; azurePrincipalIds?: string[]; github?: unknown }): string[] {
    const uai = [...this.identityNames.entries()].find(([ref, n]) => n === `${specName}-${identity.name}` && ref.endsWith('.principal_id}'));
    return [...(uai && identity.github ? [uai[0]] : []), ...(identity.azurePrincipalIds ?? [])];
  }

  /** The federated credentials of a managed identity (by its name). */
  public credentialsOf(uaiName: string): FederatedCredential[] {
    return this.credentials.filter((c) => this.identityNames.get(c.parentRef) === uaiName);
  }

  /**
   * Whether a GitHub token may sign in as a managed identity: some federated credential of it
   * whose issuer equals the token's `iss`, subject equals its `sub`, and audiences include its
   * `aud`. Microsoft Graph federatedIdentityCredential: the issuer "must match the issuer claim
   * of the external token"; audiences say "what Microsoft identity platform should accept in
   * the aud claim"; the subject is a fixed identifier (wildcards need the separate flexible
   * credentials' claimsMatchingExpression, which is not used here).
   */
  public tokenMatches(uaiName: string, token: GithubToken): boolean {
    return this.credentialsOf(uaiName).some((c) => c.issuer === token.iss && c.subject === token.sub && c.audience.includes(token.aud));
  }
}
