import { ContainerRegistryScopeMap } from '@cdktf/provider-azurerm/lib/container-registry-scope-map';
import { ContainerRegistryToken } from '@cdktf/provider-azurerm/lib/container-registry-token';
import { FederatedIdentityCredential } from '@cdktf/provider-azurerm/lib/federated-identity-credential';
import { RoleAssignment } from '@cdktf/provider-azurerm/lib/role-assignment';
import { RoleDefinition } from '@cdktf/provider-azurerm/lib/role-definition';
import { UserAssignedIdentity } from '@cdktf/provider-azurerm/lib/user-assigned-identity';
import { Fn, TerraformOutput } from 'cdktf';
import { Construct } from 'constructs';
import { AcrAbac, RoleAssignmentMode } from './abac-condition';
import { AzureWarnings } from './warnings';
import { WorkflowVariables } from '../promotion/workflow-variables';
import { AccessModel, Capability } from '../spec/access-model';
import { AccessPlan, AccessRole, Permission } from '../spec/access-plan';
import { GithubOidc } from '../spec/github-oidc';
import { Naming } from '../spec/naming';
import { Problems } from '../spec/problems';
import { Cloud, GithubTrustSpec, IdentitySpec, RegistrySpec } from '../spec/registry-spec';
import { SpecProblem } from '../spec/validate';

/** How a grant narrower than a whole registry is expressed (Azure roles are registry-wide). */
export enum ScopedAccessMode {
  /**
   * A scope map with exactly the repositories and actions of the grant, and a
   * token bound to it. Tokens are registry-local credentials (user name and
   * password), not Entra identities: the identity gets no role for that grant.
   */
  TOKENS = 'tokens',
  /**
   * The registry-wide role (`AcrPull`, `AcrPush`, import), with a warning that
   * lists the repositories it allows beyond the spec.
   */
  REGISTRY_ROLE = 'registry-role',
}

/** How promoters copy an image into the next environment, which decides their role on the destination. */
export enum PromotionMethod {
  /**
   * A data-plane copy by digest (skopeo, crane, oras; what the generated promotion
   * workflow runs): `AcrPush` on the destination (push and pull, never delete).
   */
  COPY = 'copy',
  /**
   * `az acr import` (the `importImage` action, server-side): a custom role with
   * exactly `Microsoft.ContainerRegistry/registries/read` and
   * `Microsoft.ContainerRegistry/registries/importImage/action` on the destination
   * registry. Import is a control-plane action on the whole registry: it cannot be
   * limited to repositories, and tokens cannot import.
   */
  IMPORT = 'import',
}

/** A registry that grants are assigned on. */
export interface RegistryTarget {
  /** The ACR registry name (`platformdev`). */
  readonly name: string;
  /** The registry's resource id. */
  readonly id: string;
  /** The registry's resource group name. */
  readonly resourceGroupName: string;
  /**
   * The physical environments whose repositories the registry holds (an empty
   * string for a spec without environments or with the `tags` layout).
   */
  readonly environments: string[];
  /**
   * The registry's role assignment permissions mode. With ABAC repository
   * permissions every grant is a repository role whose condition names exactly
   * the repositories of the grant (keyless, no tokens); with legacy registry
   * permissions grants narrower than the registry follow `scopedAccess`.
   *
   * @default RoleAssignmentMode.LEGACY_REGISTRY_PERMISSIONS
   */
  readonly roleAssignmentMode?: RoleAssignmentMode;
}

/** Props of `RegistryIdentities`. */
export interface RegistryIdentitiesProps {
  /** The spec whose `access` section is provisioned. */
  readonly spec: RegistrySpec;
  /** The registries of the spec. */
  readonly registries: RegistryTarget[];
  /** The resource group of the identities created. */
  readonly resourceGroupName: string;
  /** The location of the identities created. */
  readonly location: string;
  /**
   * How a grant narrower than a whole registry is expressed.
   *
   * @default ScopedAccessMode.TOKENS
   */
  readonly scopedAccess?: ScopedAccessMode;
  /**
   * How promoters copy images, which decides their role on the destination.
   *
   * @default PromotionMethod.COPY
   */
  readonly promotionMethod?: PromotionMethod;
  /**
   * Create stack outputs `AZURE_CLIENT_ID_<IDENTITY>` and `AZURE_TENANT_ID`.
   *
   * @default true
   */
  readonly outputs?: boolean;
  /**
   * Tags of the identities.
   *
   * @default - none
   */
  readonly tags?: { [key: string]: string };
}

/** The Azure built-in roles the construct assigns. */
export class AcrRoles {
  /** Pull (read) images. */
  public static readonly PULL = 'AcrPull';
  /** Push and pull images (AcrPush includes pull; it cannot delete). */
  public static readonly PUSH = 'AcrPush';
  /** Delete images (only the purge task's identity). */
  public static readonly DELETE = 'AcrDelete';
  /**
   * The actions of the custom import role (`PromotionMethod.IMPORT`): `az acr import`
   * needs `importImage/action` on the destination, plus read on the source, which
   * promoters get as `AcrPull`.
   */
  public static readonly IMPORT_ACTIONS = [
    'Microsoft.ContainerRegistry/registries/read',
    'Microsoft.ContainerRegistry/registries/importImage/action',
  ];
}

/** GitHub Actions OIDC, as Entra federated identity credentials see it. */
export class GithubFederation {
  /** The GitHub Actions OIDC issuer. */
  public static readonly ISSUER = GithubOidc.ISSUER_URL;
  /** The audience Entra expects in the token. */
  public static readonly AUDIENCE = 'api://AzureADTokenExchange';

  /**
   * The subject of the federated credential (`GithubOidc.subject`): `repo:<owner>/<repo>:ref:refs/heads/<branch>`,
   * `repo:<owner>/<repo>:environment:<env>` or `repo:<owner>/<repo>:ref:refs/tags/<tag>`, with the owner and
   * repository ids for immutable subject claims.
   */
  public static subject(trust: GithubTrustSpec): string {
    return GithubOidc.subject(trust);
  }
}

interface Principal {
  readonly principalId: string;
  readonly label: string;
  readonly created: boolean;
}

interface GrantEntry {
  readonly identity: IdentitySpec;
  readonly role: AccessRole;
  readonly registry: RegistryTarget;
  readonly pull: Set<string>;
  readonly push: Set<string>;
}

/**
 * The identities of the spec's `access` section on ACR: a user-assigned managed
 * identity per identity with `github` trust (with a federated identity credential
 * for the workflow), and the grants of `AccessPlan.grants` for it and for the
 * existing principals (`azurePrincipalIds`).
 *
 * On a registry with ABAC repository permissions (`RegistryTarget.roleAssignmentMode`)
 * every grant is one role assignment of `Container Registry Repository Reader` or
 * `Writer` whose condition names exactly the grant's repositories: keyless, in every
 * layout. With legacy registry permissions:
 * - a grant that covers a whole registry is a role assignment scoped to that
 *   registry: `AcrPull` to pull, `AcrPush` to push (it includes pull, never
 *   delete). Promoters get `AcrPull` on the source and `AcrPush` on the
 *   destination: the generated promotion copies by digest with skopeo through the
 *   data plane. (`az acr import` would instead need
 *   `Microsoft.ContainerRegistry/registries/importImage/action` on the destination,
 *   a control-plane action no built-in ACR data role has: `PromotionMethod.IMPORT`
 *   grants it through a custom role instead of `AcrPush`.)
 * - a grant that covers only some repositories of a registry (an identity's
 *   `repositories` filter, or the `repositories` layout where one registry holds
 *   every environment) follows `scopedAccess`: a scope map and token with exactly
 *   `repositories/<path>/content/read|write` and `metadata/read`, or the
 *   registry-wide role with a warning naming what it allows beyond the spec.
 */
export class RegistryIdentities extends Construct {
  /**
   * The role the promoters of gated hops get on the source registry's resource group, to
   * read Defender for Cloud's vulnerability findings through Azure Resource Graph.
   */
  public static readonly SCAN_READER_ROLE: string = 'Security Reader';

  /** The problems the spec's access section has on Azure (wildcard tag subjects). */
  public static problems(spec: RegistrySpec): SpecProblem[] {
    const problems = new Problems();
    for (const role of ['pushers', 'pullers', 'promoters'] as const) {
      (spec.access?.[role] ?? []).forEach((id, i) => {
        if (typeof id?.github?.tag === 'string' && id.github.tag.includes('*')) {
          problems.add(`access.${role}[${i}].github.tag`, id.github.tag, 'has a wildcard; Entra federated identity credentials match the subject exactly ' +
            '(no wildcards): give an exact tag, or trust a GitHub environment instead');
        }
      });
    }
    return problems.list;
  }

  /** Every repository path of a registry (every image in every environment it holds). */
  public static repositoryPaths(spec: RegistrySpec, registry: RegistryTarget): string[] {
    const paths: string[] = [];
    for (const env of registry.environments) {
      for (const repo of spec.repositories) paths.push(Naming.acrRepositoryPath(spec, repo.name, env));
    }
    return paths;
  }

  private static tokenName(entry: GrantEntry): string {
    return `${entry.identity.name}-${entry.role}`.slice(0, 50);
  }

  /** The managed identities created, by spec identity name. */
  public readonly identities: { [name: string]: UserAssignedIdentity } = {};
  /** The role assignments created. */
  public readonly roleAssignments: RoleAssignment[] = [];
  /** The scope maps created, by `<identity>-<role>-<registry>`. */
  public readonly scopeMaps: { [key: string]: ContainerRegistryScopeMap } = {};
  /** The tokens created, by `<identity>-<role>-<registry>`. */
  public readonly tokens: { [key: string]: ContainerRegistryToken } = {};

  private readonly promotionMethod: PromotionMethod;
  private readonly importRoles = new Map<string, RoleDefinition>();

  constructor(scope: Construct, id: string, props: RegistryIdentitiesProps) {
    super(scope, id);
    const spec = props.spec;
    new Problems().addAll(RegistryIdentities.problems(spec)).throwIfAny(`azure.RegistryIdentities ${this.node.path}`);
    const mode = props.scopedAccess ?? ScopedAccessMode.TOKENS;
    this.promotionMethod = props.promotionMethod ?? PromotionMethod.COPY;

    // (identity, role) pairs per name: the same object may appear in two roles (a YAML anchor).
    const byName = new Map<string, Array<{ identity: IdentitySpec; role: AccessRole }>>();
    const access = spec.access ?? {};
    const lists: Array<[IdentitySpec[] | undefined, AccessRole]> = [
      [access.pushers, AccessRole.PUSHER], [access.pullers, AccessRole.PULLER], [access.promoters, AccessRole.PROMOTER],
    ];
    for (const [list, role] of lists) {
      for (const identity of list ?? []) {
        byName.set(identity.name, [...(byName.get(identity.name) ?? []), { identity, role }]);
      }
    }

    // One managed identity per identity name with GitHub trust, one federated credential per distinct subject.
    for (const [name, specs] of byName) {
      const trusts = specs.filter((s) => s.identity.github);
      if (!trusts.length) continue;
      const uai = new UserAssignedIdentity(this, name, {
        name: `${spec.name}-${name}`,
        resourceGroupName: props.resourceGroupName,
        location: props.location,
        tags: props.tags,
      });
      this.identities[name] = uai;
      const subjects = new Set<string>();
      for (const { identity: s, role } of trusts) {
        const subject = GithubFederation.subject(s.github!);
        if (subjects.has(subject)) continue;
        subjects.add(subject);
        new FederatedIdentityCredential(this, `${name}-${role}-github`, {
          name: `github-${role}`,
          resourceGroupName: props.resourceGroupName,
          parentId: uai.id,
          issuer: GithubFederation.ISSUER,
          audience: [GithubFederation.AUDIENCE],
          subject,
        });
      }
      if (props.outputs ?? true) {
        new TerraformOutput(this, `client-id-${name}`, {
          value: uai.clientId,
          description: `The client id of the managed identity "${name}" (azure/login client-id)`,
        }).overrideLogicalId(WorkflowVariables.identity(Cloud.AZURE, name));
      }
    }
    const first = Object.values(this.identities)[0];
    if (first && (props.outputs ?? true)) {
      new TerraformOutput(this, 'tenant-id', { value: first.tenantId, description: 'The Entra tenant of the managed identities (azure/login tenant-id)' })
        .overrideLogicalId('AZURE_TENANT_ID');
      new TerraformOutput(this, 'subscription-id', {
        value: Fn.element(Fn.split('/', props.registries[0].id), 2),
        description: 'The subscription of the registries (azure/login subscription-id)',
      }).overrideLogicalId('AZURE_SUBSCRIPTION_ID');
    }

    // Merge the grants per identity, role and registry.
    const entries = new Map<string, GrantEntry>();
    for (const grant of AccessPlan.grants(spec)) {
      const registry = props.registries.find((r) => r.environments.includes(grant.environment)) ?? props.registries[0];
      const identity = (byName.get(grant.identity) ?? []).find((s) => s.role === grant.role)!.identity;
      const key = `${grant.identity}|${grant.role}|${registry.name}`;
      let entry = entries.get(key);
      if (!entry) {
        entry = { identity, role: grant.role, registry, pull: new Set(), push: new Set() };
        entries.set(key, entry);
      }
      const target = grant.permission === Permission.PULL ? entry.pull : entry.push;
      for (const image of grant.images) target.add(Naming.acrRepositoryPath(spec, image, grant.environment));
    }

    this.assignScanReaders(spec, props.registries, byName);

    for (const entry of entries.values()) {
      if (entry.registry.roleAssignmentMode === RoleAssignmentMode.ABAC_REPOSITORY_PERMISSIONS) {
        this.assignAbacRoles(entry, this.principalsOf(entry.identity), spec);
        continue;
      }
      const all = RegistryIdentities.repositoryPaths(spec, entry.registry);
      const covers = (set: Set<string>) => set.size === 0 || all.every((p) => set.has(p));
      const whole = covers(entry.pull) && covers(entry.push);
      const principals = this.principalsOf(entry.identity);
      const what = `${entry.role} "${entry.identity.name}"`;
      // Import is a control-plane action on the whole registry: a token cannot carry it.
      const imports = entry.role === AccessRole.PROMOTER && entry.push.size > 0 && this.promotionMethod === PromotionMethod.IMPORT;
      if (whole || mode === ScopedAccessMode.REGISTRY_ROLE || imports) {
        if (!whole) {
          const granted = new Set([...entry.pull, ...entry.push]);
          const extra = all.filter((p) => !granted.has(p) || (entry.push.size > 0 && !entry.push.has(p)));
          AzureWarnings._emit(this, 'identity-registry-role', `${what}: with legacy registry permissions Azure roles are registry-wide (roleAssignmentMode ABAC_REPOSITORY_PERMISSIONS names repositories), ` +
            `so the role on registry "${entry.registry.name}" is wider than the spec asks: it also allows ${entry.push.size ? 'writing' : 'reading'} ${extra.join(', ')}. ` +
            'Use scopedAccess TOKENS for exact repository permissions, or the registries layout (one registry per environment)');
        }
        this.assignRoles(entry, principals);
      } else if (principals.length === 0) {
        // Nobody on Azure holds this grant (the identity has only other clouds' principals): no token to hand out.
        continue;
      } else {
        this.scopedToken(entry);
        const who = principals.length ? ` The identity (${principals.length} principal${principals.length === 1 ? '' : 's'}) gets no role for this grant.` : '';
        AzureWarnings._emit(this, 'identity-scoped-token', `${what}: the grant covers only some repositories of registry "${entry.registry.name}" and Azure roles are registry-wide, ` +
          `so it is a scope map and token "${RegistryIdentities.tokenName(entry)}" (a registry-local user name and password, not an Entra identity: ` +
          `generate its password with \`az acr token credential generate\` and store it as a secret).${who} ` +
          'Set scopedAccess REGISTRY_ROLE to assign the registry-wide role instead, or use the registries layout (one registry per environment)');
      }
    }
  }

  /**
   * The scan gate: the promoters of gated hops (`AccessModel.gatesScan`) read Microsoft
   * Defender for Cloud's sub-assessments of the source digest through Azure Resource
   * Graph. Defender for Cloud, "User roles and permissions": "you can view information
   * related to a resource when you have one of these roles assigned for the subscription
   * or the resource group the resource belongs to", and "Security Reader: ... read-only
   * access to Defender for Cloud". So the smallest scope is the source registry's resource
   * group: `Security Reader` there (`RegistryIdentities.SCAN_READER_ROLE`), which reads
   * Defender's findings of every resource of that resource group, not only the registry.
   */
  private assignScanReaders(
    spec: RegistrySpec, registries: RegistryTarget[], byName: Map<string, Array<{ identity: IdentitySpec; role: AccessRole }>>,
  ): void {
    const done = new Set<string>();
    for (const op of AccessModel.operations(spec).filter((o) => o.capability === Capability.READ_SCAN_RESULTS)) {
      const env = op.resource.environment;
      const registry = registries.find((r) => r.environments.includes(env)) ?? registries[0];
      const identity = (byName.get(op.identity) ?? []).find((s) => s.role === AccessRole.PROMOTER)!.identity;
      for (const p of this.principalsOf(identity)) {
        const id = `${p.label}-scan-reader-${registry.name}`;
        if (done.has(id)) continue;
        done.add(id);
        this.roleAssignments.push(new RoleAssignment(this, id, {
          // The registry's resource group: /subscriptions/<s>/resourceGroups/<rg> of the registry id.
          scope: Fn.join('/', Fn.slice(Fn.split('/', registry.id), 0, 5)),
          principalId: p.principalId,
          principalType: p.created ? 'ServicePrincipal' : undefined,
          roleDefinitionName: RegistryIdentities.SCAN_READER_ROLE,
          description: `promoter "${identity.name}": the scan gate reads Defender's findings of ${registry.name} (resource group scope, the smallest Defender supports)`,
        }));
      }
    }
  }

  private principalsOf(identity: IdentitySpec): Principal[] {
    const uai = this.identities[identity.name];
    return [
      ...(uai && identity.github ? [{ principalId: uai.principalId, label: identity.name, created: true }] : []),
      ...(identity.azurePrincipalIds ?? []).map((principalId, j) => ({ principalId, label: `${identity.name}-principal${j}`, created: false })),
    ];
  }

  private assignRoles(entry: GrantEntry, principals: Principal[]): void {
    // [role name, custom role definition id]. AcrPush includes pull: one built-in role per identity and registry.
    const roles: Array<[string, string | undefined]> = [];
    if (entry.role === AccessRole.PROMOTER && entry.push.size > 0 && this.promotionMethod === PromotionMethod.IMPORT) {
      if (entry.pull.size > 0) roles.push([AcrRoles.PULL, undefined]);
      roles.push(['AcrImport', this.importRole(entry.registry).roleDefinitionResourceId]);
    } else {
      roles.push([entry.push.size ? AcrRoles.PUSH : AcrRoles.PULL, undefined]);
    }
    for (const p of principals) {
      for (const [role, definitionId] of roles) {
        this.roleAssignments.push(new RoleAssignment(this, `${p.label}-${entry.role}-${role}-${entry.registry.name}`, {
          scope: entry.registry.id,
          principalId: p.principalId,
          principalType: p.created ? 'ServicePrincipal' : undefined,
          roleDefinitionName: definitionId ? undefined : role,
          roleDefinitionId: definitionId,
          description: `${entry.role} "${entry.identity.name}" on ${entry.registry.name}`,
        }));
      }
    }
  }

  /**
   * ABAC repository permissions: one role assignment per principal, identity role and
   * registry (the construct id of the legacy role it replaces), whose condition allows
   * each data action of the role only on the repositories of the grant, named exactly:
   * `Container Registry Repository Writer` when the identity writes (reads on every
   * repository it reads or writes, writes only where it writes), `Container Registry
   * Repository Reader` otherwise. Pullers also read the repositories under each
   * pull-through cache (`<cache>/`), which is how a pull imports through the cache rule.
   */
  private assignAbacRoles(entry: GrantEntry, principals: Principal[], spec: RegistrySpec): void {
    const reads = [...new Set([...entry.pull, ...entry.push])].sort();
    const writes = [...entry.push].sort();
    const caches = entry.role === AccessRole.PULLER ? (spec.upstreamCaches ?? []).map((c) => `${Naming.acrCacheNamespace(c.name)}/`) : [];
    const imports = entry.role === AccessRole.PROMOTER && writes.length > 0 && this.promotionMethod === PromotionMethod.IMPORT;
    // [construct id tag (the legacy role), role name, custom role id, condition]
    const roles: Array<[string, string, string | undefined, string | undefined]> = [];
    if (imports) {
      roles.push([AcrRoles.PULL, AcrAbac.READER, undefined, AcrAbac.reader(reads, caches)]);
      roles.push(['AcrImport', 'AcrImport', this.importRole(entry.registry).roleDefinitionResourceId, undefined]);
    } else if (writes.length) {
      roles.push([AcrRoles.PUSH, AcrAbac.WRITER, undefined, AcrAbac.writer(reads, writes, caches)]);
    } else {
      roles.push([AcrRoles.PULL, AcrAbac.READER, undefined, AcrAbac.reader(reads, caches)]);
    }
    for (const p of principals) {
      for (const [tag, role, definitionId, condition] of roles) {
        this.roleAssignments.push(new RoleAssignment(this, `${p.label}-${entry.role}-${tag}-${entry.registry.name}`, {
          scope: entry.registry.id,
          principalId: p.principalId,
          principalType: p.created ? 'ServicePrincipal' : undefined,
          roleDefinitionName: definitionId ? undefined : role,
          roleDefinitionId: definitionId,
          condition,
          conditionVersion: condition ? AcrAbac.CONDITION_VERSION : undefined,
          description: `${entry.role} "${entry.identity.name}" on ${entry.registry.name}: ${condition ? `exactly ${reads.length} repositor${reads.length === 1 ? 'y' : 'ies'}` : 'import'}`,
        }));
      }
    }
  }

  /** The custom import role of a destination registry: registries/read and importImage/action only. */
  private importRole(registry: RegistryTarget): RoleDefinition {
    let def = this.importRoles.get(registry.name);
    if (!def) {
      // Custom roles are assignable at resource-group (or wider) scope: the registry's resource group,
      // taken from the registry id (/subscriptions/<s>/resourceGroups/<rg>/...).
      const resourceGroupId = Fn.join('/', Fn.slice(Fn.split('/', registry.id), 0, 5));
      def = new RoleDefinition(this, `import-role-${registry.name}`, {
        name: `AcrImport ${registry.name}`,
        scope: resourceGroupId,
        description: `az acr import into ${registry.name}: registries/read and importImage/action only (no push, no delete)`,
        permissions: [{ actions: AcrRoles.IMPORT_ACTIONS }],
        assignableScopes: [resourceGroupId],
      });
      this.importRoles.set(registry.name, def);
    }
    return def;
  }

  private scopedToken(entry: GrantEntry): void {
    const actions: string[] = [];
    const paths = [...new Set([...entry.pull, ...entry.push])].sort();
    for (const p of paths) {
      actions.push(`repositories/${p}/content/read`);
      if (entry.push.has(p)) actions.push(`repositories/${p}/content/write`);
      actions.push(`repositories/${p}/metadata/read`);
    }
    const name = RegistryIdentities.tokenName(entry);
    const key = `${name}-${entry.registry.name}`;
    const map = new ContainerRegistryScopeMap(this, `${key}-scope-map`, {
      name,
      containerRegistryName: entry.registry.name,
      resourceGroupName: entry.registry.resourceGroupName,
      actions,
      description: `${entry.role} "${entry.identity.name}": exactly the repositories of the spec`.slice(0, 256),
    });
    this.scopeMaps[key] = map;
    this.tokens[key] = new ContainerRegistryToken(this, `${key}-token`, {
      name,
      containerRegistryName: entry.registry.name,
      resourceGroupName: entry.registry.resourceGroupName,
      scopeMapId: map.id,
      enabled: true,
    });
  }
}
