import { AcrAbac, RoleAssignmentMode } from './abac-condition';
import { AccessModel, AccessOperation, AccessProgram, AccessResourceKind, Capability, NativeAccessEntry } from '../spec/access-model';
import { Naming } from '../spec/naming';
import { RegistrySpec } from '../spec/registry-spec';

/** Options of `AcrAccessMatrix.of`. */
export interface AcrAccessMatrixOptions {
  /**
   * The suffix of the registry names (`ContainerRegistryProps.registryNameSuffix`).
   *
   * @default - none
   */
  readonly registryNameSuffix?: string;

  /**
   * The registries' role assignment permissions mode. Only ABAC repository
   * permissions give a per-repository matrix; with legacy registry permissions the
   * roles are registry-wide and the identities' narrower grants are tokens.
   *
   * @default RoleAssignmentMode.ABAC_REPOSITORY_PERMISSIONS
   */
  readonly roleAssignmentMode?: RoleAssignmentMode;

  /**
   * Include the purge task's identity (`AccessModel.RETENTION_IDENTITY`): the
   * registries whose retention runs as a purge task.
   *
   * @default - every registry of the spec
   */
  readonly purgedRegistries?: string[];
}

const ORDER = [
  Capability.READ, Capability.WRITE, Capability.MOVE_TAG, Capability.DELETE, Capability.ADMIN, Capability.CACHE_IMPORT, Capability.READ_SCAN_RESULTS,
];

/**
 * What each identity may do on ACR, per registry and repository path, as the
 * constructs grant it with ABAC repository permissions (`RegistryIdentities`,
 * `PurgeTask`): rows named `<registry>/<repository path>` for repositories,
 * `<registry>/<cache>/*` for the repositories under a pull-through cache, and
 * `<registry>` for registry-level grants.
 *
 * It is `AccessModel`'s matrix (and the retention operations of the purge tasks)
 * in ACR's granularity, plus what ACR cannot separate, marked `beyondModel`:
 * - `content/write` both pushes new tags and moves existing ones, so every
 *   writer may also move tags;
 * - a writer reads where it writes (the repository role assignment allows reads
 *   on every repository it reads or writes: a push checks blobs and manifests);
 * - the purge task's `Container Registry Repository Catalog Lister` lists every
 *   repository name of its registry (that role takes no conditions).
 *
 * - reading scan results (`Capability.READ_SCAN_RESULTS`, the scan gate) is a row named
 *   `<registry>:resource-group` (`AcrAccessMatrix.resourceGroupOf`): `Security Reader` on
 *   the source registry's resource group, the smallest scope Defender for Cloud supports.
 * - publishing promotion reports (`Capability.PUBLISH_NOTIFICATION`): no row. The generated
 *   workflow POSTs the report to the webhook of the `PROMOTION_WEBHOOK_URL` secret, so the
 *   GitHub secret, not an Azure role, is the permission. The only role the notifications
 *   create is the Event Grid system topic's managed identity's `Storage Queue Data Message
 *   Sender` on the delivery queue (`RegistryPrivateAccess`): a service identity, not one of the
 *   spec, and not listed here (the Azure access tests prove its scope).
 */
export class AcrAccessMatrix {
  /** The row name of a registry's resource group (reading Defender's findings there). */
  public static resourceGroupOf(registry: string): string {
    return `${registry}:resource-group`;
  }

  /** The rows, sorted by identity then resource. */
  public static of(spec: RegistrySpec, options: AcrAccessMatrixOptions = {}): NativeAccessEntry[] {
    if ((options.roleAssignmentMode ?? RoleAssignmentMode.ABAC_REPOSITORY_PERMISSIONS) !== RoleAssignmentMode.ABAC_REPOSITORY_PERMISSIONS) {
      throw new Error('AcrAccessMatrix: legacy registry permissions grant registry-wide roles and tokens; the per-repository matrix needs ABAC repository permissions');
    }
    const suffix = options.registryNameSuffix;
    const registryOf = (env: string) => Naming.acrRegistryName(spec, env, suffix);
    const rows = new Map<string, { identity: string; resource: string; caps: Set<Capability>; grantedAs: Set<string>; beyond: Set<string> }>();
    const row = (identity: string, resource: string) => {
      const key = JSON.stringify([identity, resource]);
      let r = rows.get(key);
      if (!r) {
        r = { identity, resource, caps: new Set(), grantedAs: new Set(), beyond: new Set() };
        rows.set(key, r);
      }
      return r;
    };
    const access = spec.access ?? {};
    const onAzure = new Set([...(access.pushers ?? []), ...(access.pullers ?? []), ...(access.promoters ?? [])]
      .filter((i) => i.github !== undefined || (i.azurePrincipalIds ?? []).length > 0).map((i) => i.name));
    const pullerRegistries = new Map<string, Set<string>>();

    const purged = options.purgedRegistries;
    const ops: AccessOperation[] = [
      ...AccessModel.operations(spec).filter((o) => onAzure.has(o.identity)),
      ...AccessModel.retentionOperations(spec).filter((o) => !purged || purged.includes(registryOf(o.resource.environment))),
    ];
    for (const op of ops) {
      if (op.resource.kind === AccessResourceKind.CACHE) continue;
      // Promotion reports go to the webhook of the PROMOTION_WEBHOOK_URL secret: no Azure role (see the class doc).
      if (op.resource.kind === AccessResourceKind.NOTIFICATION) continue;
      // Reading Defender's findings: Security Reader on the source registry's resource group (RegistryIdentities).
      if (op.capability === Capability.READ_SCAN_RESULTS) {
        const r = row(op.identity, AcrAccessMatrix.resourceGroupOf(registryOf(op.resource.environment)));
        r.caps.add(Capability.READ_SCAN_RESULTS);
        r.grantedAs.add('Security Reader');
        r.beyond.add('Defender for Cloud grants its findings at subscription or resource group scope only: Security Reader on the registry\'s resource group '
          + 'reads the findings (recommendations, alerts, assessments) of every resource there, not only the gated images');
        continue;
      }
      const env = op.resource.environment;
      const registry = registryOf(env);
      const r = row(op.identity, `${registry}/${Naming.acrRepositoryPath(spec, op.resource.name, env)}`);
      const retention = op.identity === AccessModel.RETENTION_IDENTITY;
      switch (op.capability) {
        case Capability.READ:
          r.caps.add(Capability.READ);
          r.grantedAs.add(retention ? AcrAbac.CONTRIBUTOR : AcrAbac.READER);
          break;
        case Capability.WRITE:
        case Capability.MOVE_TAG:
          r.caps.add(Capability.READ).add(Capability.WRITE).add(Capability.MOVE_TAG);
          r.grantedAs.add(AcrAbac.WRITER);
          break;
        case Capability.DELETE:
          r.caps.add(Capability.DELETE);
          r.grantedAs.add(AcrAbac.CONTRIBUTOR);
          break;
        default:
          throw new Error(`AcrAccessMatrix: ${op.capability} is not granted on ACR repositories`);
      }
      if (op.program === AccessProgram.PULL) {
        pullerRegistries.set(op.identity, (pullerRegistries.get(op.identity) ?? new Set()).add(registry));
      }
    }
    // Cache pulls: the puller reads (and so imports) under each cache prefix, in every registry it pulls from.
    for (const op of ops) {
      if (op.resource.kind !== AccessResourceKind.CACHE) continue;
      for (const registry of pullerRegistries.get(op.identity) ?? []) {
        const r = row(op.identity, `${registry}/${op.resource.name}/*`);
        r.caps.add(op.capability);
        r.grantedAs.add(AcrAbac.READER);
      }
    }
    if (ops.some((o) => o.identity === AccessModel.RETENTION_IDENTITY)) {
      const purgedRegistries = new Set(ops.filter((o) => o.identity === AccessModel.RETENTION_IDENTITY)
        .map((o) => registryOf(o.resource.environment)));
      for (const registry of purgedRegistries) {
        const r = row(AccessModel.RETENTION_IDENTITY, registry);
        r.caps.add(Capability.READ);
        r.grantedAs.add(AcrAbac.CATALOG_LISTER);
        r.beyond.add('lists every repository name of the registry (Container Registry Repository Catalog Lister takes no conditions; acr purge lists the catalog)');
      }
    }

    // What ACR grants beyond the model, per row.
    const model = AccessModel.matrix(spec, ops);
    const modelCaps = new Map<string, Set<Capability>>();
    for (const e of model) {
      if (e.resource.kind !== AccessResourceKind.REPOSITORY) continue;
      const resource = `${registryOf(e.resource.environment)}/${Naming.acrRepositoryPath(spec, e.resource.name, e.resource.environment)}`;
      modelCaps.set(JSON.stringify([e.identity, resource]), new Set(e.capabilities));
    }
    for (const [key, r] of rows) {
      const want = modelCaps.get(key);
      if (!want) continue;
      if (r.caps.has(Capability.MOVE_TAG) && !want.has(Capability.MOVE_TAG)) {
        r.beyond.add('content/write both pushes new tags and moves existing ones (ACR cannot separate them)');
      }
      if (r.caps.has(Capability.READ) && !want.has(Capability.READ)) {
        r.beyond.add('the writer reads where it writes (a push checks existing blobs and manifests)');
      }
    }

    return [...rows.values()]
      .sort((a, b) => (a.identity === b.identity ? (a.resource < b.resource ? -1 : 1) : a.identity < b.identity ? -1 : 1))
      .map((r) => ({
        identity: r.identity,
        resource: r.resource,
        capabilities: ORDER.filter((c) => r.caps.has(c)),
        grantedAs: [...r.grantedAs].sort(),
        ...(r.beyond.size ? { beyondModel: [...r.beyond].join('; ') } : {}),
      }));
  }
}
