import type { PromotionHop } from './access-plan';
import { EffectiveSpec } from './effective';
import { Glob } from './glob';
import { Naming } from './naming';
import { EnvironmentLayout, IdentitySpec, NotificationEvent, RegistrySpec, RepositorySpec, Severity, TagStrategy } from './registry-spec';
import { SpecMemo } from './spec-memo';

/**
 * What an identity may do to an image repository (or a registry-level resource).
 * Each cloud maps a capability onto its own permissions (ECR actions, Artifact
 * Registry permissions, ACR data actions); where a cloud cannot separate two
 * capabilities (ECR's `ecr:PutImage` both creates and moves a tag), granting one
 * grants both, and the cloud's access matrix says so.
 */
export enum Capability {
  /** Read manifests and blobs: pull, and `skopeo inspect` of a tag or digest. */
  READ = 'read',
  /** Upload blobs and put manifests under new tags or digests: push. */
  WRITE = 'write',
  /** Point an existing tag at another digest (environment tags, `latest`, semver aliases). */
  MOVE_TAG = 'move-tag',
  /** Delete images or tags. Only retention deletes: no identity of the spec gets it. */
  DELETE = 'delete',
  /** Change the repository itself: its settings, policies or IAM. No identity of the spec gets it. */
  ADMIN = 'admin',
  /** Import an upstream image through a pull-through cache (which may create its repository). */
  CACHE_IMPORT = 'cache-import',
  /**
   * Read the vulnerability scan results of the repository's images: the scan gate
   * of a hop into a protected environment reads the source digest's findings.
   */
  READ_SCAN_RESULTS = 'read-scan-results',
  /**
   * Publish a message to the registry's notification destination: the promotion
   * workflow reports each promotion there (`notifications.events` has `promotion`).
   */
  PUBLISH_NOTIFICATION = 'publish-notification',
}

/** The programs the library generates or configures that use access. */
export enum AccessProgram {
  /** The generated workflow's build job: pushes the build's tags to the first environment. */
  BUILD = 'build',
  /** A generated promotion hop script: reads the source and the destination, copies, verifies. */
  PROMOTION = 'promotion',
  /** A runtime (deployment, cluster) pulling images. */
  PULL = 'pull',
  /** A runtime pulling an upstream image through a pull-through cache. */
  CACHE_PULL = 'cache-pull',
  /** The retention task that deletes images (Azure's scheduled purge; ECR and Artifact Registry delete inside the service). */
  RETENTION = 'retention',
}

/** What a resource of the access model is. */
export enum AccessResourceKind {
  /** One image in one physical environment: `environment` and `name` (the image) are set. */
  REPOSITORY = 'repository',
  /** A pull-through cache of the spec: `name` is the cache's name. */
  CACHE = 'cache',
  /**
   * Where the registry's events go (`notifications`): `name` is the event whose
   * destination it is (`promotion`); the environment is empty.
   */
  NOTIFICATION = 'notification',
}

/** A resource of the access model, cloud-neutral; each cloud maps it onto its native names (`Naming`). */
export interface AccessResource {
  /** Repository or cache. */
  readonly kind: AccessResourceKind;
  /** The physical environment (`dev`), or an empty string with the `tags` layout or no environments, and for caches. */
  readonly environment: string;
  /** The image name (`api`) or the cache name (`docker-hub`). */
  readonly name: string;
}

/** One operation a program performs, with the identity it runs as. */
export interface AccessOperation {
  /** The program. */
  readonly program: AccessProgram;
  /** The step of the program, for messages (`hop dev -> staging: read the destination tag`). */
  readonly step: string;
  /**
   * The identity's name in the spec's `access` section; for the retention program,
   * `AccessModel.RETENTION_IDENTITY`.
   */
  readonly identity: string;
  /** The resource the operation acts on. */
  readonly resource: AccessResource;
  /** The capability it needs. */
  readonly capability: Capability;
}

/** One row of the model's matrix: what one identity may do to one resource. */
export interface AccessEntry {
  /** The identity's name. */
  readonly identity: string;
  /** The resource. */
  readonly resource: AccessResource;
  /** The capabilities, sorted. */
  readonly capabilities: Capability[];
}

/**
 * One row of a cloud's access matrix: what one identity may do to one native
 * resource (an ECR repository, an Artifact Registry repository, an ACR registry or
 * repository path, a cache prefix), with the native permissions that give it. Each
 * cloud module derives its rows from `AccessModel` and its own granularity; the
 * access tests check them against an independent evaluator of the cloud's IAM.
 */
export interface NativeAccessEntry {
  /** The identity's name in the spec (or `AccessModel.RETENTION_IDENTITY`). */
  readonly identity: string;
  /** The native resource, as the cloud names it (`platform/dev/api`, `platform-dev`, `platformdev/dev/api`). */
  readonly resource: string;
  /** What the identity may do there, sorted. */
  readonly capabilities: Capability[];
  /** The native permissions, actions or roles that give it (`ecr:BatchGetImage`, `roles/artifactregistry.reader`, `AcrPull`). */
  readonly grantedAs: string[];
  /**
   * Why the cloud grants more than the neutral matrix here (a repository-wide role,
   * a compacted prefix, a capability the cloud cannot separate).
   *
   * @default - exactly the neutral matrix
   */
  readonly beyondModel?: string;
}

const CAPABILITY_ORDER = [
  Capability.READ, Capability.WRITE, Capability.MOVE_TAG, Capability.DELETE, Capability.ADMIN, Capability.CACHE_IMPORT, Capability.READ_SCAN_RESULTS,
  Capability.PUBLISH_NOTIFICATION,
];

/**
 * Access as the programs need it, derived from the spec, the same for every cloud.
 *
 * Every program the library generates or configures declares here the operations
 * it performs and the identity it runs as:
 * - the build job (each pusher, into its environments: the first by default)
 *   writes the build's tags, and moves tags when the image has mutable tags
 *   (`latest`, semver aliases, `mutableTags`) or environment tags (`tags` layout);
 * - each promotion hop (each promoter, for the hops into its environments) reads
 *   the source digest and tag, reads every destination tag before and after the
 *   copy, writes the destination, and moves tags as the build does; a hop whose
 *   scan gate is on (`AccessModel.gatesScan`: a protected destination and a
 *   severity threshold) also reads the source digest's scan results; when
 *   `notifications.events` has `promotion`, each hop publishes its report to the
 *   promotion notification destination (`AccessModel.PROMOTION_NOTIFICATION`);
 * - pullers read every environment they list (all by default), and import through
 *   every pull-through cache of the spec;
 * - retention (the identity `AccessModel.RETENTION_IDENTITY`) reads and deletes in
 *   every repository; where the cloud deletes inside the service (ECR lifecycle
 *   policies, Artifact Registry cleanup policies) no identity is created for it.
 *
 * The matrix is the union of these needs per identity and resource, and nothing
 * else: no identity of the spec may delete or administer. Each cloud's grants are
 * checked against it by an independent evaluator of that cloud's IAM (the access
 * tests); where a cloud grants more than the matrix (a coarser scope, a capability
 * it cannot separate), the cloud's module says so with a warning and its access
 * matrix lists the difference.
 */
export class AccessModel {
  /** The identity name of the retention program in operations and matrices. */
  public static readonly RETENTION_IDENTITY: string = 'retention';

  /** The notification destination that promotion reports go to (kind `NOTIFICATION`, name `promotion`). */
  public static readonly PROMOTION_NOTIFICATION: AccessResource = { kind: AccessResourceKind.NOTIFICATION, environment: '', name: 'promotion' };

  /**
   * The promoters that publish promotion reports: with `promotion` among
   * `notifications.events`, every promoter that performs at least one hop.
   */
  public static promotionReporters(spec: RegistrySpec): string[] {
    if (!(spec.notifications?.events ?? []).includes(NotificationEvent.PROMOTION)) return [];
    return (spec.access?.promoters ?? [])
      .filter((p) => AccessModel.hopsOf(spec, p).length > 0 && AccessModel.imagesOf(spec, p).length > 0)
      .map((p) => p.name);
  }

  /** Every operation of every program, in a stable order. */
  public static operations(spec: RegistrySpec): AccessOperation[] {
    return SpecMemo._get(spec, 'AccessModel.operations', () => AccessModel.computeOperations(spec));
  }

  /**
   * The retention program's operations: read and delete in every repository of
   * the spec. Only clouds that run retention as an identity (Azure's purge task)
   * add these to their matrix.
   */
  public static retentionOperations(spec: RegistrySpec): AccessOperation[] {
    const ops: AccessOperation[] = [];
    for (const env of Naming.physicalEnvironments(spec)) {
      for (const r of spec.repositories) {
        const resource: AccessResource = { kind: AccessResourceKind.REPOSITORY, environment: env, name: r.name };
        ops.push({ program: AccessProgram.RETENTION, step: `retention of ${r.name}${env ? ` in ${env}` : ''}: list`, identity: AccessModel.RETENTION_IDENTITY, resource, capability: Capability.READ });
        ops.push({ program: AccessProgram.RETENTION, step: `retention of ${r.name}${env ? ` in ${env}` : ''}: delete`, identity: AccessModel.RETENTION_IDENTITY, resource, capability: Capability.DELETE });
      }
    }
    return ops;
  }

  /** The matrix of the given operations (default: the spec's identities' operations): one entry per identity and resource. */
  public static matrix(spec: RegistrySpec, operations?: AccessOperation[]): AccessEntry[] {
    if (operations === undefined) return SpecMemo._get(spec, 'AccessModel.matrix', () => AccessModel.computeMatrix(AccessModel.operations(spec)));
    return AccessModel.computeMatrix(operations);
  }

  /** Whether the model lets an identity do something to a resource (false for anything the spec does not name). */
  public static allows(spec: RegistrySpec, identity: string, resource: AccessResource, capability: Capability): boolean {
    const key = AccessModel.key(identity, resource);
    return AccessModel.matrix(spec).some((e) => AccessModel.key(e.identity, e.resource) === key && e.capabilities.includes(capability));
  }

  /**
   * Whether pushes and promotions of an image may move an existing tag: the image's
   * tags are not immutable, or it has mutable exceptions (`mutableTags`, the semver
   * aliases), or the `tags` layout moves environment tags.
   */
  public static movesTags(spec: RegistrySpec, image: string): boolean {
    return AccessModel.repositoryMovesTags(spec, spec.repositories.find((r) => r.name === image));
  }

  /**
   * Whether a hop's scan gate reads an image's scan results: the hop goes into a
   * protected environment (one that requires approval) and the image has a
   * `scanning.severityThreshold` (its repository's, else the registry's). The
   * promotion plan gates exactly these hops (`PromotionPlanner.plan`).
   */
  public static gatesScan(spec: RegistrySpec, hop: PromotionHop, image: string): boolean {
    return hop.requiresApproval && AccessModel.severityThresholdOf(spec, spec.repositories.find((r) => r.name === image)) !== undefined;
  }

  /** The hops of the promotion chain, in order. */
  public static hops(spec: RegistrySpec): PromotionHop[] {
    const chain = spec.environments?.chain ?? [];
    const hops: PromotionHop[] = [];
    for (let i = 1; i < chain.length; i++) {
      hops.push({
        source: chain[i - 1].name,
        destination: chain[i].name,
        requiresApproval: chain[i].requiresApproval ?? i === chain.length - 1,
      });
    }
    return hops;
  }

  /** The hops a promoter performs: those into its `environments`, or all hops. */
  public static hopsOf(spec: RegistrySpec, promoter: IdentitySpec): PromotionHop[] {
    const hops = AccessModel.hops(spec);
    return promoter.environments ? hops.filter((h) => promoter.environments!.includes(h.destination)) : hops;
  }

  /** The images an identity covers (its `repositories` globs, or every image). */
  public static imagesOf(spec: RegistrySpec, identity: IdentitySpec): string[] {
    const images = spec.repositories.map((r) => r.name);
    if (!identity.repositories) return images;
    return images.filter((img) => Glob.matchesAny(identity.repositories!, img));
  }

  /**
   * The capabilities the operations give each identity on each repository, by
   * `<identity>\n<environment>\n<image>` (the matrix's repository rows, unsorted):
   * for the per-cloud matrices, which look rows up rather than list them.
   * @internal
   */
  public static _repositoryCapabilities(spec: RegistrySpec): Map<string, Set<Capability>> {
    return SpecMemo._get(spec, 'AccessModel.repositoryCapabilities', () => {
      const out = new Map<string, Set<Capability>>();
      for (const op of AccessModel.operations(spec)) {
        if (op.resource.kind !== AccessResourceKind.REPOSITORY) continue;
        const k = `${op.identity}\n${op.resource.environment}\n${op.resource.name}`;
        let caps = out.get(k);
        if (!caps) out.set(k, caps = new Set());
        caps.add(op.capability);
      }
      return out;
    });
  }

  private static key(identity: string, r: AccessResource): string {
    return JSON.stringify([identity, r.kind, r.environment, r.name]);
  }

  private static computeOperations(spec: RegistrySpec): AccessOperation[] {
    const ops: AccessOperation[] = [];
    const access = spec.access ?? {};
    const envs = Naming.environmentNames(spec);
    const tagsLayout = envs.length === 0 || Naming.layout(spec) === EnvironmentLayout.TAGS;
    const physical = (env: string) => (tagsLayout ? '' : env);
    const repo = (environment: string, image: string): AccessResource => ({ kind: AccessResourceKind.REPOSITORY, environment, name: image });
    // The first repository of each name (as `find` would return it), and whether its pushes move tags: once per image.
    const byName = AccessModel.repositoriesByName(spec);
    const moves = new Map<string, boolean>();
    const movesTags = (image: string) => {
      if (!moves.has(image)) moves.set(image, AccessModel.repositoryMovesTags(spec, byName.get(image)));
      return moves.get(image)!;
    };
    const push = (identity: IdentitySpec, program: AccessProgram, env: string, image: string, what: string) => {
      const resource = repo(physical(env), image);
      ops.push({ program, step: `${what}: write the tags`, identity: identity.name, resource, capability: Capability.WRITE });
      if (movesTags(image)) {
        ops.push({ program, step: `${what}: move mutable or environment tags`, identity: identity.name, resource, capability: Capability.MOVE_TAG });
      }
    };
    const reporters = AccessModel.promotionReporters(spec);

    for (const pusher of access.pushers ?? []) {
      const targets = pusher.environments ?? (envs.length ? [envs[0]] : ['']);
      for (const env of targets) {
        for (const image of AccessModel.imagesOf(spec, pusher)) push(pusher, AccessProgram.BUILD, env, image, `build push of ${image}${env ? ` to ${env}` : ''}`);
      }
    }
    for (const promoter of access.promoters ?? []) {
      for (const hop of AccessModel.hopsOf(spec, promoter)) {
        for (const image of AccessModel.imagesOf(spec, promoter)) {
          const what = `hop ${hop.source} -> ${hop.destination} of ${image}`;
          ops.push({ program: AccessProgram.PROMOTION, step: `${what}: read the source digest`, identity: promoter.name, resource: repo(physical(hop.source), image), capability: Capability.READ });
          ops.push({ program: AccessProgram.PROMOTION, step: `${what}: read the destination tags before and after the copy`, identity: promoter.name, resource: repo(physical(hop.destination), image), capability: Capability.READ });
          push(promoter, AccessProgram.PROMOTION, hop.destination, image, what);
          if (hop.requiresApproval && AccessModel.severityThresholdOf(spec, byName.get(image)) !== undefined) {
            ops.push({
              program: AccessProgram.PROMOTION,
              step: `${what}: read the source digest's scan results (the scan gate)`,
              identity: promoter.name,
              resource: repo(physical(hop.source), image),
              capability: Capability.READ_SCAN_RESULTS,
            });
          }
        }
      }
      if (reporters.includes(promoter.name)) {
        for (const hop of AccessModel.hopsOf(spec, promoter)) {
          ops.push({
            program: AccessProgram.PROMOTION,
            step: `hop ${hop.source} -> ${hop.destination}: report the promotion`,
            identity: promoter.name,
            resource: AccessModel.PROMOTION_NOTIFICATION,
            capability: Capability.PUBLISH_NOTIFICATION,
          });
        }
      }
    }
    for (const puller of access.pullers ?? []) {
      const targets = puller.environments ?? (envs.length ? envs : ['']);
      for (const env of targets) {
        for (const image of AccessModel.imagesOf(spec, puller)) {
          ops.push({ program: AccessProgram.PULL, step: `pull ${image}${env ? ` from ${env}` : ''}`, identity: puller.name, resource: repo(physical(env), image), capability: Capability.READ });
        }
      }
      for (const cache of spec.upstreamCaches ?? []) {
        const resource: AccessResource = { kind: AccessResourceKind.CACHE, environment: '', name: cache.name };
        ops.push({ program: AccessProgram.CACHE_PULL, step: `pull through the ${cache.name} cache`, identity: puller.name, resource, capability: Capability.READ });
        ops.push({ program: AccessProgram.CACHE_PULL, step: `import from ${cache.name} on first pull`, identity: puller.name, resource, capability: Capability.CACHE_IMPORT });
      }
    }
    return ops;
  }

  private static computeMatrix(operations: AccessOperation[]): AccessEntry[] {
    const rows = new Map<string, { identity: string; resource: AccessResource; caps: Set<Capability> }>();
    for (const op of operations) {
      const key = AccessModel.key(op.identity, op.resource);
      const row = rows.get(key) ?? { identity: op.identity, resource: op.resource, caps: new Set<Capability>() };
      row.caps.add(op.capability);
      rows.set(key, row);
    }
    return [...rows.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, r]) => ({ identity: r.identity, resource: r.resource, capabilities: CAPABILITY_ORDER.filter((c) => r.caps.has(c)) }));
  }

  /** `movesTags` of a repository of the spec (undefined: an image the spec does not list). */
  private static repositoryMovesTags(spec: RegistrySpec, repository: RepositorySpec | undefined): boolean {
    const policy = EffectiveSpec.tagPolicy(spec, repository);
    const envTags = Naming.environmentNames(spec).length > 0 && Naming.layout(spec) === EnvironmentLayout.TAGS;
    return envTags || !policy.immutable || policy.mutableTags.length > 0 || (policy.strategy === TagStrategy.SEMVER && policy.semverAliases);
  }

  /** The severity threshold of a repository's scan gate: its own, else the registry's. */
  private static severityThresholdOf(spec: RegistrySpec, repository: RepositorySpec | undefined): Severity | undefined {
    return repository?.scanning?.severityThreshold ?? spec.scanning?.severityThreshold;
  }

  /** The first repository of each image name (what `spec.repositories.find` returns), computed once per memo scope. */
  private static repositoriesByName(spec: RegistrySpec): Map<string, RepositorySpec> {
    return SpecMemo._get(spec, 'AccessModel.repositoriesByName', () => {
      const byName = new Map<string, RepositorySpec>();
      for (const r of spec.repositories ?? []) if (r && !byName.has(r.name)) byName.set(r.name, r);
      return byName;
    });
  }
}
