import { createHash } from 'crypto';
import { RoleAssignment } from '@cdktf/provider-azurerm/lib/role-assignment';
import { DefaultTokenResolver, StringConcat, Token, Tokenization } from 'cdktf';
import { Construct, IConstruct } from 'constructs';
import { AcrAbac, RoleAssignmentMode } from './abac-condition';
import { AcrRoles } from './registry-identities';
import { AzureWarnings } from './warnings';
import { GrantOptions } from '../spec/contract';
import { ACR_REGISTRY_ID } from '../spec/grammars';
import { Naming } from '../spec/naming';
import { Problems } from '../spec/problems';

/** An Azure Container Registry, created elsewhere: its attributes and the same grants as `ContainerRegistry`. */
export interface IAcrRegistry extends IConstruct {
  /** The registry name (`platformdev`). */
  readonly registryName: string;
  /** The registry's resource id. */
  readonly registryId: string;
  /** The login server, `<name>.azurecr.io`. */
  readonly loginServer: string;
  /** The registry's role assignment permissions mode, which decides the roles of the grants. */
  readonly roleAssignmentMode: RoleAssignmentMode;
  /**
   * Lets a principal pull: `Container Registry Repository Reader` conditioned on the
   * repositories named by `options.images` (ABAC), or `AcrPull` (legacy, registry-wide).
   */
  grantPull(principalId: string, options?: GrantOptions): RoleAssignment[];
  /** Lets a principal push (and pull): `Container Registry Repository Writer` (ABAC), or `AcrPush`. */
  grantPush(principalId: string, options?: GrantOptions): RoleAssignment[];
  /** Lets a principal pull and push: the same as `grantPush`. */
  grantPullPush(principalId: string, options?: GrantOptions): RoleAssignment[];
}

/** Attributes of an existing registry. */
export interface AcrRegistryAttributes {
  /** The registry's resource id (`/subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.ContainerRegistry/registries/<name>`). */
  readonly registryId: string;
  /**
   * The registry's role assignment permissions mode (it is not read from Azure).
   *
   * @default RoleAssignmentMode.ABAC_REPOSITORY_PERMISSIONS
   */
  readonly roleAssignmentMode?: RoleAssignmentMode;
}

/**
 * Imports an existing Azure Container Registry, to grant access to it
 * (`AcrRegistry.fromRegistryAttributes`). Grants are idempotent, with construct ids
 * derived from the role, the principal and the repositories. An imported registry
 * knows no spec: `options.images` are repository paths in it (`api`, `dev/api`) or
 * prefixes ending in `/*` (`jobs/*`); without images the grant covers every
 * repository. `options.environments` does not apply (an error).
 */
export class AcrRegistry {
  /** References an existing registry by its attributes; the id is checked. */
  public static fromRegistryAttributes(scope: Construct, id: string, attrs: AcrRegistryAttributes): IAcrRegistry {
    return new ImportedAcrRegistry(scope, id, attrs);
  }

  /** References an existing registry by its resource id (ABAC repository permissions). */
  public static fromRegistryId(scope: Construct, id: string, registryId: string): IAcrRegistry {
    return new ImportedAcrRegistry(scope, id, { registryId });
  }

  /**
   * Why a grant's principal id is not one, or undefined: an Entra object id is a UUID (the spec's
   * azurePrincipalIds follow the same grammar); a token (a managed identity's `principalId`) is taken as is.
   *
   * @internal
   */
  public static _principalIdProblem(principalId: unknown): string | undefined {
    if (typeof principalId !== 'string' || principalId.length === 0) return 'is not a principal (object) id';
    if (Token.isUnresolved(principalId) || /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/.test(principalId)) return undefined;
    return 'is not an Entra principal (object) id, a UUID (not a name, an application id URI or an email)';
  }

  /**
   * The part of a grant's construct id that names the principal: the principal id
   * itself (a UUID), or for a token (a managed identity's `principalId`) a short hash
   * of the Terraform expression it resolves to
   * (`${azurerm_user_assigned_identity.<logical id>.principal_id}`): token numbers
   * depend on creation order, logical ids do not.
   *
   * @internal
   */
  public static _principalLabel(scope: IConstruct, principalId: string): string {
    if (!Token.isUnresolved(principalId)) return principalId;
    const expression = Tokenization.resolve(principalId, { scope, resolver: new DefaultTokenResolver(new StringConcat()) });
    return `p${AcrRegistry._hash(String(expression))}`;
  }

  /** A short hash (8 hex digits of SHA-256) for construct ids. @internal */
  public static _hash(text: string): string {
    return createHash('sha256').update(text).digest('hex').slice(0, 8);
  }

  private constructor() {}
}

class ImportedAcrRegistry extends Construct implements IAcrRegistry {
  public readonly registryName: string;
  public readonly registryId: string;
  public readonly loginServer: string;
  public readonly roleAssignmentMode: RoleAssignmentMode;
  private readonly grants = new Map<string, RoleAssignment>();

  constructor(scope: Construct, id: string, attrs: AcrRegistryAttributes) {
    super(scope, id);
    const problems = new Problems();
    const registryId = (attrs as AcrRegistryAttributes | undefined)?.registryId;
    const mode = attrs?.roleAssignmentMode ?? RoleAssignmentMode.ABAC_REPOSITORY_PERMISSIONS;
    if (typeof registryId !== 'string' || (!Token.isUnresolved(registryId) && !ACR_REGISTRY_ID.test(registryId))) {
      problems.add('attrs.registryId', registryId, 'is not a registry resource id (/subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.ContainerRegistry/registries/<name>)');
    }
    if (!Object.values(RoleAssignmentMode).includes(mode)) {
      problems.add('attrs.roleAssignmentMode', mode, `is not ${Object.values(RoleAssignmentMode).join(' or ')}`);
    }
    problems.throwIfAny(`azure.AcrRegistry.fromRegistryAttributes ${this.node.path}`);
    this.registryId = registryId!;
    this.registryName = Token.isUnresolved(registryId) ? `${id}` : ACR_REGISTRY_ID.exec(registryId!)![2];
    this.loginServer = Naming.acrLoginServer(this.registryName);
    this.roleAssignmentMode = mode;
  }

  public grantPull(principalId: string, options?: GrantOptions): RoleAssignment[] {
    return this.grant('grantPull', AcrRoles.PULL, principalId, options);
  }

  public grantPush(principalId: string, options?: GrantOptions): RoleAssignment[] {
    return this.grant('grantPush', AcrRoles.PUSH, principalId, options);
  }

  public grantPullPush(principalId: string, options?: GrantOptions): RoleAssignment[] {
    return this.grant('grantPullPush', AcrRoles.PUSH, principalId, options);
  }

  private grant(method: string, role: string, principalId: string, options: GrantOptions = {}): RoleAssignment[] {
    const problems = new Problems();
    const principalProblem = AcrRegistry._principalIdProblem(principalId);
    if (principalProblem) problems.add('principalId', principalId, principalProblem);
    if (options.environments !== undefined) {
      problems.add('options.environments', options.environments, 'does not apply to an imported registry (it has no spec environments): name its repositories in images');
    }
    const exact: string[] = [];
    const prefixes: string[] = [];
    let everything = options.images === undefined;
    if (options.images !== undefined && (!Array.isArray(options.images) || options.images.some((i) => typeof i !== 'string'))) {
      problems.add('options.images', options.images, 'is not a list of strings');
    } else {
      (options.images ?? []).forEach((image, i) => {
        if (image === '*') everything = true;
        else if (/^[^*]+\/\*$/.test(image)) prefixes.push(image.slice(0, -1));
        else if (image.includes('*')) problems.add(`options.images[${i}]`, image, 'has a wildcard an ABAC condition cannot express: give a repository path, or a prefix ending in /*');
        else exact.push(image);
      });
    }
    problems.throwIfAny(`azure.AcrRegistry ${this.node.path} ${method}`);
    const abac = this.roleAssignmentMode === RoleAssignmentMode.ABAC_REPOSITORY_PERMISSIONS;
    const scoped = abac && !everything;
    const scope = [...new Set(exact)].sort().join(',') + '|' + [...new Set(prefixes)].sort().join(',');
    const key = `${role}|${principalId}|${scoped ? scope : '*'}`;
    const existing = this.grants.get(key);
    if (existing) return [existing];
    if (!abac && !everything) {
      AzureWarnings._emit(this, 'grant-registry-wide', `${method} (${role}) on registry "${this.registryName}": with legacy registry permissions Azure roles are registry-wide, ` +
        `so the grant of ${[...exact, ...prefixes.map((p) => `${p}*`)].join(', ')} covers every repository of the registry`);
    }
    const principal = AcrRegistry._principalLabel(this, principalId);
    const write = role === AcrRoles.PUSH;
    const condition = !scoped ? undefined : write ? AcrAbac.writer(exact, exact, prefixes) : AcrAbac.reader(exact, prefixes);
    // Writer: the prefixes are readable and writable (AcrAbac.writer takes prefixes for reads only; add them for writes).
    const writerCondition = scoped && write && prefixes.length
      ? AcrAbac.and([
        AcrAbac.block(AcrAbac.READ_ACTIONS, exact, prefixes),
        AcrAbac.block(AcrAbac.WRITE_ACTIONS, exact, prefixes),
        AcrAbac.block(AcrAbac.DELETE_ACTIONS, []),
      ])
      : condition;
    const assignment = new RoleAssignment(this, `Grant-${role}-${principal}${scoped ? `-${AcrRegistry._hash(scope)}` : ''}`, {
      scope: this.registryId,
      principalId,
      roleDefinitionName: abac ? (write ? AcrAbac.WRITER : AcrAbac.READER) : role,
      condition: writerCondition,
      conditionVersion: writerCondition ? AcrAbac.CONDITION_VERSION : undefined,
    });
    this.grants.set(key, assignment);
    return [assignment];
  }
}
