import { AccessModel, AccessResourceKind, Capability, NativeAccessEntry } from '../spec/access-model';
import { Naming } from '../spec/naming';
import { RegistrySpec } from '../spec/registry-spec';
import { SpecMemo } from '../spec/spec-memo';

/**
 * One `access` item of a robot permission: an action on a resource kind of
 * Harbor's RBAC (goharbor/harbor `src/common/rbac/const.go`: `ResourceRepository =
 * "repository"`, `ActionPull = "pull"`, `ActionPush = "push"`).
 */
export interface HarborRobotAccess {
  /** The resource kind (`repository`). */
  readonly resource: string;
  /** The action (`pull`, `push`). */
  readonly action: string;
}

/** One project-level permission of a robot (`kind: project`, `namespace: <project>`). */
export interface HarborRobotPermission {
  /** The project name (never `*`). */
  readonly project: string;
  /** The access items, `pull` before `push`. */
  readonly actions: HarborRobotAccess[];
}

/**
 * The level of a Harbor robot account (goharbor/harbor
 * `src/controller/robot/model.go:22-26`).
 */
export enum HarborRobotLevel {
  /**
   * A project robot: exactly one permission, on its own project ("to create a
   * project robot, the permission must be only one project scope",
   * `src/server/v2.0/handler/robot.go:354-357`); its full name is
   * `<prefix><project>+<name>` (`src/controller/robot/controller.go:117-121`).
   */
  PROJECT = 'project',
  /**
   * A system robot: the only level that may hold permissions on several projects;
   * its full name is `<prefix><name>` (`controller.go:257-262`). Creating one needs
   * a Harbor administrator; this module never creates one (the issue's "no
   * system-level robots unless asked"): an identity gets one project robot per project.
   */
  SYSTEM = 'system',
}

/** One project robot account of one identity of the spec in one project. */
export interface HarborRobot {
  /** The spec identity's name. */
  readonly identity: string;
  /**
   * The robot's short name, the provider's `name`: the identity name (Harbor names
   * the project robot `robot$<project>+<identity>`). `fullName` is the login user name.
   */
  readonly name: string;
  /** The robot level: always `project`. */
  readonly level: HarborRobotLevel;
  /** The registry login user name Harbor gives it (`robot$platform+ci`), with the name prefix of `HarborAccessMatrixOptions`. */
  readonly fullName: string;
  /** The permission: exactly one, project-level (`kind: project`) on the robot's own project. */
  readonly permissions: HarborRobotPermission[];
  /** Why the robot may do more than the access model says (empty: exactly the model); the rows' reasons, each once. */
  readonly beyondModel: string[];
}

/**
 * One row of the Harbor access matrix: what one identity's robot may do to one
 * repository of a project (`<project>/<repository path>`), or to every other
 * repository of the project (`<project>/*`: repositories outside the spec,
 * including those pushed later).
 */
export interface HarborAccessEntry extends NativeAccessEntry {
  /** The Harbor project. */
  readonly project: string;
  /** The repository path inside the project, or `*` for every repository of the project the spec does not name. */
  readonly repository: string;
  /** The robot that holds the access (`HarborRobot.fullName`). */
  readonly robot: string;
}

/** Options of `HarborAccessMatrix.robots` and `.of`. */
export interface HarborAccessMatrixOptions {
  /**
   * Harbor's robot name prefix (the `robot_name_prefix` setting), for `fullName`.
   *
   * @default 'robot$' (Harbor's default, src/lib/config/metadata/metadatalist.go:155)
   */
  readonly robotNamePrefix?: string;
}

/** The robot permissions this module grants. */
export class HarborRobotActions {
  /**
   * `repository:pull`: every GET and HEAD of the registry API (manifests, blobs, tag
   * lists; `docker pull`, `skopeo inspect`, `skopeo copy` from), and the source of a
   * blob mount (goharbor/harbor `src/server/middleware/v2auth/access.go:65-78, 105-111`:
   * `GET`/`HEAD` -> `rbac.ActionPull` on `/project/<id>/repository`). On a proxy-cache
   * project a pull of an image not cached yet makes Harbor fetch it from the upstream
   * (`src/server/middleware/repoproxy/proxy.go`, `handleManifest`), with no permission
   * beyond the pull.
   */
  public static readonly PULL: HarborRobotAccess = { resource: 'repository', action: 'pull' };
  /**
   * `repository:push`: every POST, PATCH and PUT (blob uploads, manifest puts, so new
   * tags and moved tags alike; `access.go:65-78`); Harbor creates a repository on its
   * first push.
   */
  public static readonly PUSH: HarborRobotAccess = { resource: 'repository', action: 'push' };
  /**
   * `artifact:read` and `artifact-addition:read`: what the scan gate reads through the
   * REST API, the artifact with its scan overview and its vulnerability report
   * (goharbor/harbor `src/server/v2.0/handler/artifact.go`: `GetArtifact` requires
   * `(ActionRead, ResourceArtifact)`, `GetVulnerabilitiesAddition`
   * `(ActionRead, ResourceArtifactAddition)`); only for the promoters of gated hops, in
   * their source project.
   */
  public static readonly SCAN_READ: HarborRobotAccess[] = [{ resource: 'artifact', action: 'read' }, { resource: 'artifact-addition', action: 'read' }];
}

const ORDER = [
  Capability.READ, Capability.WRITE, Capability.MOVE_TAG, Capability.DELETE, Capability.ADMIN, Capability.CACHE_IMPORT, Capability.READ_SCAN_RESULTS,
];
const DEFAULT_PREFIX = 'robot$';

const REASON_MOVE = 'repository:push both pushes new tags and moves existing ones (Harbor checks push for every manifest PUT, '
  + 'src/server/middleware/v2auth/access.go:65-78; only immutable tag rules stop a move)';
const REASON_READ = 'the robot reads where it writes: a push checks existing blobs and manifests with HEAD, which needs repository:pull '
  + '(a project robot\'s push includes pull, src/common/security/robot/context.go:133-136)';
const reasonProjectWide = (project: string, paths: string) => `Harbor robot permissions are per project: the permission on ${project} also reaches ${paths}, which the identity's programs do not use`;
const reasonWritesRead = (project: string, paths: string) => `Harbor robot permissions are per project: the push on ${project} also writes (and moves tags in) ${paths}, which the identity's programs only read`;
const reasonOutside = (project: string, push: boolean) => `Harbor robot permissions are per project: every repository of ${project} outside the spec, `
  + (push ? 'including any the robot creates by pushing to a new repository path' : 'including repositories pushed later');

/**
 * The access matrix of a spec on Harbor, and the robot accounts that give it.
 *
 * Each identity of the spec's `access` section (pushers, promoters, pullers; every
 * identity, whatever other clouds' principals it has: on Harbor the robot is the
 * credential) with at least one operation in `AccessModel.operations` gets one
 * project-level robot account in each project its operations touch, whose permission
 * is the least Harbor's RBAC can express for those operations there:
 * - reading an image (pull, `skopeo inspect`, a promotion's source and destination
 *   reads): `repository:pull` on the image's project;
 * - writing or moving tags (build push, promotion write): `repository:push` and
 *   `repository:pull` on the image's project;
 * - pulling through a cache: `repository:pull` on the cache's proxy-cache project
 *   (`Naming.harborCacheProjectName`), which also imports the upstream image on first pull.
 * Projects come from `Naming.harborProjectName`; no identity gets `delete`, any
 * project administration, a system-kind permission or the `*` namespace. Retention
 * runs inside Harbor (its retention policies): no robot. Publishing promotion reports
 * (`Capability.PUBLISH_NOTIFICATION`) needs no robot either: the generated workflow POSTs
 * them to the webhook of the `PROMOTION_WEBHOOK_URL` secret, whose holder may post.
 *
 * Harbor robots are project-scoped, not repository-scoped: where a project holds
 * images or environments the identity does not use (`tags` and `repositories`
 * layouts, or a `repositories` filter), the robot reaches them too, and every
 * repository of the project outside the spec; `beyondModel` says so, row by row.
 */
export class HarborAccessMatrix {
  /**
   * The robots of a spec: one project-level robot per identity and project it needs,
   * sorted by identity, then project. Harbor gives a project robot exactly one
   * project (`src/server/v2.0/handler/robot.go:354-357`), and only a system-level
   * robot may span projects; this module creates no system-level robot, so an
   * identity that needs several projects (a promoter with the `registries` layout,
   * a puller with a cache) has one robot in each, and its programs log in to each
   * side with that side's robot (`WorkflowVariables.harborRobotName`).
   */
  public static robots(spec: RegistrySpec, options: HarborAccessMatrixOptions = {}): HarborRobot[] {
    const prefix = options.robotNamePrefix ?? DEFAULT_PREFIX;
    return SpecMemo._get(spec, `HarborAccessMatrix.robots ${prefix}`, () => {
      const reasons = HarborAccessMatrix.reasons(spec, prefix);
      return HarborAccessMatrix._robotAccounts(spec, prefix).map((r) => ({ ...r, beyondModel: reasons.get(`${r.identity}\n${r.permissions[0].project}`) ?? [] }));
    });
  }

  /**
   * The robots without their reasons (`beyondModel`): what the construct creates and the
   * validator names, without walking every repository of every project for the reasons.
   * @internal
   */
  public static _robotAccounts(spec: RegistrySpec, robotNamePrefix: string = DEFAULT_PREFIX): Array<Omit<HarborRobot, 'beyondModel'>> {
    return SpecMemo._get(spec, `HarborAccessMatrix.robotAccounts ${robotNamePrefix}`, () => HarborAccessMatrix.computeRobots(spec, robotNamePrefix));
  }

  /**
   * The matrix: per identity, one row per repository of the spec in each project
   * its robot has a permission on, and one `<project>/*` row for the project's other
   * repositories; sorted by identity, then resource.
   */
  public static of(spec: RegistrySpec, options: HarborAccessMatrixOptions = {}): HarborAccessEntry[] {
    return HarborAccessMatrix.build(spec, options.robotNamePrefix ?? DEFAULT_PREFIX).rows;
  }

  /** The full name Harbor gives a robot (`<prefix><project>+<name>` for a project robot, `<prefix><name>` for a system robot). */
  public static fullName(level: HarborRobotLevel, name: string, project: string, robotNamePrefix: string = DEFAULT_PREFIX): string {
    return level === HarborRobotLevel.PROJECT ? `${robotNamePrefix}${project}+${name}` : `${robotNamePrefix}${name}`;
  }

  /** The rows, and per identity and project (`<identity>\n<project>`) the robot's reasons (the rows' reasons, grouped). */
  private static build(spec: RegistrySpec, prefix: string): { rows: HarborAccessEntry[]; reasons: Map<string, string[]> } {
    return SpecMemo._get(spec, `HarborAccessMatrix.build ${prefix}`, () => HarborAccessMatrix.computeBuild(spec, prefix, true));
  }

  /** The robots' reasons alone (what synthesis needs): the same walk as `build`, without making and sorting the rows. */
  private static reasons(spec: RegistrySpec, prefix: string): Map<string, string[]> {
    return SpecMemo._get(spec, `HarborAccessMatrix.reasons ${prefix}`, () => HarborAccessMatrix.computeBuild(spec, prefix, false).reasons);
  }

  private static computeBuild(spec: RegistrySpec, prefix: string, withRows: boolean): { rows: HarborAccessEntry[]; reasons: Map<string, string[]> } {
    const grants = HarborAccessMatrix.grants(spec);
    const scans = HarborAccessMatrix.scanReads(spec);
    // The model's repository rows by identity, environment and image.
    const model = AccessModel._repositoryCapabilities(spec);
    const caches = new Set((spec.upstreamCaches ?? []).map((c) => Naming.harborCacheProjectName(spec, c.name)));
    // The spec's repositories per project: path -> the model resource's environment and image.
    const inProject = new Map<string, Array<{ path: string; environment: string; image: string }>>();
    for (const env of Naming.physicalEnvironments(spec)) {
      for (const r of spec.repositories) {
        const project = Naming.harborProjectName(spec, env || undefined);
        const path = Naming.harborRepositoryPath(spec, r.name, env || undefined);
        if (!inProject.has(project)) inProject.set(project, []);
        inProject.get(project)!.push({ path, environment: env, image: r.name });
      }
    }
    const rows: HarborAccessEntry[] = [];
    const robotReasons = new Map<string, string[]>();
    for (const [identity, projects] of grants) {
      for (const [project, push] of projects) {
        const reasons = new Set<string>();
        const robot = HarborAccessMatrix.fullName(HarborRobotLevel.PROJECT, identity, project, prefix);
        const scan = scans.has(`${identity}\n${project}`);
        const grantedAs = [
          ...(scan ? HarborRobotActions.SCAN_READ.map((a) => `${a.resource}:${a.action}`) : []),
          ...(push ? ['repository:pull', 'repository:push'] : ['repository:pull']),
        ];
        const cache = caches.has(project);
        const granted = cache
          ? [Capability.READ, Capability.CACHE_IMPORT]
          : [Capability.READ, ...(push ? [Capability.WRITE, Capability.MOVE_TAG] : []), ...(scan ? [Capability.READ_SCAN_RESULTS] : [])];
        const row = (repository: string, why: string[]): HarborAccessEntry | undefined => (!withRows ? undefined : {
          identity,
          resource: `${project}/${repository}`,
          project,
          repository,
          robot,
          capabilities: granted,
          grantedAs,
          ...(why.length ? { beyondModel: why.join('; ') } : {}),
        });
        const unused: string[] = [];
        const onlyRead: string[] = [];
        if (cache) {
          // The model's cache resource is the whole cache: every repository under the proxy-cache project.
          if (withRows) rows.push(row('*', [])!);
          robotReasons.set(`${identity}\n${project}`, []);
          continue;
        }
        for (const r of inProject.get(project) ?? []) {
          const want = model.get(`${identity}\n${r.environment}\n${r.image}`);
          const why: string[] = [];
          if (!want || want.size === 0) {
            if (withRows) why.push(reasonProjectWide(project, r.path));
            unused.push(r.path);
          } else if (push && !want.has(Capability.WRITE)) {
            if (withRows) why.push(reasonWritesRead(project, r.path));
            onlyRead.push(r.path);
          } else {
            if (push && !want.has(Capability.MOVE_TAG)) why.push(REASON_MOVE);
            if (push && !want.has(Capability.READ)) why.push(REASON_READ);
          }
          why.filter((w) => w === REASON_MOVE || w === REASON_READ).forEach((w) => reasons.add(w));
          if (withRows) rows.push(row(r.path, why)!);
        }
        if (withRows) rows.push(row('*', [reasonOutside(project, push)])!);
        reasons.add(reasonOutside(project, push));
        if (unused.length) reasons.add(reasonProjectWide(project, unused.join(', ')));
        if (onlyRead.length) reasons.add(reasonWritesRead(project, onlyRead.join(', ')));
        robotReasons.set(`${identity}\n${project}`, [...reasons]);
      }
    }
    // Sorted by the JSON of [identity, resource], each key computed once.
    const keyed = rows.map((r) => ({ r, key: JSON.stringify([r.identity, r.resource]) }));
    return {
      rows: keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
        .map(({ r }) => ({ ...r, capabilities: ORDER.filter((c) => r.capabilities.includes(c)) })),
      reasons: robotReasons,
    };
  }

  /** The `<identity>\n<project>` pairs whose robot reads scan results (the promoters of gated hops, in the source project). */
  private static scanReads(spec: RegistrySpec): Set<string> {
    return SpecMemo._get(spec, 'HarborAccessMatrix.scanReads', () => new Set(AccessModel.operations(spec).filter((op) => op.capability === Capability.READ_SCAN_RESULTS)
      .map((op) => `${op.identity}\n${Naming.harborProjectName(spec, op.resource.environment || undefined)}`)));
  }

  /** Per identity, per project: whether the robot pushes there (else it only pulls). */
  private static grants(spec: RegistrySpec): Map<string, Map<string, boolean>> {
    return SpecMemo._get(spec, 'HarborAccessMatrix.grants', () => HarborAccessMatrix.computeGrants(spec));
  }

  private static computeGrants(spec: RegistrySpec): Map<string, Map<string, boolean>> {
    const out = new Map<string, Map<string, boolean>>();
    for (const op of AccessModel.operations(spec)) {
      // Promotion reports go to the webhook of the PROMOTION_WEBHOOK_URL secret: no robot permission.
      if (op.resource.kind === AccessResourceKind.NOTIFICATION) continue;
      const project = op.resource.kind === AccessResourceKind.CACHE
        ? Naming.harborCacheProjectName(spec, op.resource.name)
        : Naming.harborProjectName(spec, op.resource.environment || undefined);
      let push: boolean;
      switch (op.capability) {
        case Capability.READ:
        case Capability.CACHE_IMPORT:
        case Capability.READ_SCAN_RESULTS: // the scan gate reads where the hop reads: the source project (scanReads adds the accesses)
          push = false;
          break;
        case Capability.WRITE:
        case Capability.MOVE_TAG:
          push = true;
          break;
        default:
          throw new Error(`HarborAccessMatrix: ${op.capability} is not granted to robots (${op.identity}: ${op.step})`);
      }
      const projects = out.get(op.identity) ?? new Map<string, boolean>();
      projects.set(project, (projects.get(project) ?? false) || push);
      out.set(op.identity, projects);
    }
    return out;
  }

  private static computeRobots(spec: RegistrySpec, prefix: string): Array<Omit<HarborRobot, 'beyondModel'>> {
    const grants = HarborAccessMatrix.grants(spec);
    const scans = HarborAccessMatrix.scanReads(spec);
    const out: Array<Omit<HarborRobot, 'beyondModel'>> = [];
    for (const [identity, projects] of [...grants.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      for (const [project, push] of [...projects.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
        out.push({
          identity,
          name: identity,
          level: HarborRobotLevel.PROJECT,
          fullName: HarborAccessMatrix.fullName(HarborRobotLevel.PROJECT, identity, project, prefix),
          permissions: [{
            project,
            actions: [
              ...(scans.has(`${identity}\n${project}`) ? HarborRobotActions.SCAN_READ : []),
              HarborRobotActions.PULL,
              ...(push ? [HarborRobotActions.PUSH] : []),
            ],
          }],
        });
      }
    }
    return out;
  }
}
