import { layoutRepositoryPolicies, RepositoryPolicyLayout } from './role-policies';
import { AccessModel, AccessPlan, AccessRole, Capability, IdentitySpec, Naming, Permission, RegistrySpec } from '../spec';
import { SpecMemo } from '../spec/spec-memo';

/**
 * The roles the library creates for a spec's identities (internal), shared by
 * `RegistryIdentities` (which builds them) and `EcrAccessMatrix` (which lists what
 * they may do), so that the matrix is what the roles get.
 */
export interface EcrRoleGrants {
  /** ECR names the role pulls. */
  readonly pull: string[];
  /** ECR names the role pushes. */
  readonly push: string[];
  /** ECR names whose scan findings the role reads (the sources of its gated hops, `Capability.READ_SCAN_RESULTS`). */
  readonly scan: string[];
  /** Whether the role pulls through the spec's caches (pullers with a pull grant). */
  readonly pullsThroughCaches: boolean;
  /** The roles (pusher, puller, promoter) the identity plays. */
  readonly roles: AccessRole[];
}

/** Every identity of the access section with the role it plays, in pusher, puller, promoter order. */
export function identitiesOf(spec: RegistrySpec): Array<{ name: string; role: AccessRole; spec: IdentitySpec }> {
  const access = spec.access ?? {};
  const lists: Array<[AccessRole, IdentitySpec[]]> = [
    [AccessRole.PUSHER, access.pushers ?? []], [AccessRole.PULLER, access.pullers ?? []], [AccessRole.PROMOTER, access.promoters ?? []],
  ];
  return lists.flatMap(([role, ids]) => ids.map((i) => ({ name: i.name, role, spec: i })));
}

/** The roles to create (identities with `github`), by name in order, with their repository grants. */
export function roleGrants(spec: RegistrySpec): Map<string, EcrRoleGrants> {
  return SpecMemo._get(spec, 'aws.roleGrants', () => computeRoleGrants(spec));
}

function computeRoleGrants(spec: RegistrySpec): Map<string, EcrRoleGrants> {
  const grants = AccessPlan.grants(spec);
  const roles = new Map<string, AccessRole[]>();
  for (const { name, role, spec: identity } of identitiesOf(spec)) {
    if (identity.github) roles.set(name, [...(roles.get(name) ?? []), role]);
  }
  const result = new Map<string, EcrRoleGrants>();
  for (const [name, played] of [...roles.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const mine = grants.filter((g) => g.identity === name && played.includes(g.role));
    const names = (permission: Permission) => mine
      .filter((g) => g.permission === permission)
      .flatMap((g) => g.images.map((img) => Naming.ecrRepositoryName(spec, img, g.environment || undefined)));
    result.set(name, {
      pull: names(Permission.PULL),
      push: names(Permission.PUSH),
      scan: played.includes(AccessRole.PROMOTER) ? scanNames(spec, name) : [],
      // Only pullers pull through the caches (which may create repositories): not promoters.
      pullsThroughCaches: (spec.upstreamCaches ?? []).length > 0
        && mine.some((g) => g.permission === Permission.PULL && g.role === AccessRole.PULLER),
      roles: played,
    });
  }
  return result;
}

/** The ECR names whose scan results an identity reads (the model's READ_SCAN_RESULTS operations), sorted. */
export function scanNames(spec: RegistrySpec, identity: string): string[] {
  return SpecMemo._get(spec, `aws.scanNames ${identity}`, () => computeScanNames(spec, identity));
}

function computeScanNames(spec: RegistrySpec, identity: string): string[] {
  const names = AccessModel.operations(spec)
    .filter((o) => o.identity === identity && o.capability === Capability.READ_SCAN_RESULTS)
    .map((o) => Naming.ecrRepositoryName(spec, o.resource.name, o.resource.environment || undefined));
  return [...new Set(names)].sort();
}

/** Every ECR repository name of the spec. */
export function repositoryNames(spec: RegistrySpec): string[] {
  return SpecMemo._get(spec, 'aws.repositoryNames',
    () => spec.repositories.flatMap((r) => Naming.physicalEnvironments(spec).map((env) => Naming.ecrRepositoryName(spec, r.name, env))));
}

/** The pull-through cache prefixes (`<registry>/<cache>`), which prefix grants never cover. */
export function reservedPrefixes(spec: RegistrySpec): string[] {
  return Naming.ecrCachePrefixes(spec);
}

/** The layout of a role's repository policies within IAM's size limits. */
export function layoutOf(
  spec: RegistrySpec, grants: EcrRoleGrants, rolePath: string, allowPrefixes: boolean, reserved: string[] = [], managedPerRole?: number,
): RepositoryPolicyLayout {
  const all = [...new Set([...reservedPrefixes(spec), ...reserved])];
  // The layout does not depend on the role's path (only its errors name it, and errors are not memoized):
  // the validator and RegistryIdentities lay out each role once per memo scope.
  return SpecMemo._get(grants, `aws.layoutOf ${JSON.stringify([allowPrefixes, all, managedPerRole ?? null, repositoryNames(spec).length])}`,
    () => layoutRepositoryPolicies(rolePath, grants.pull, grants.push, repositoryNames(spec), all, allowPrefixes, managedPerRole, grants.scan));
}
