/**
 * An independent evaluator of what Harbor would allow a robot account, offline, over
 * synthesized Terraform JSON (`harbor_robot_account` and `harbor_project` resources).
 *
 * It shares no code with src/harbor: the robot model, the permission matching and the
 * registry request checks are written here from goharbor/harbor's source (main,
 * commit c50c7ddd6ea4e335a480b49c618281882ab7eec9; paths below are under `src/`), so a
 * construct or matrix that grants more (or less) than it claims disagrees with it:
 *
 * - Robots (`controller/robot/controller.go`, `model.go`): level `project` or `system`;
 *   a project robot is named `<prefix><project>+<name>` (controller.go:117-121), a
 *   system robot `<prefix><name>` (controller.go:257-262), the prefix `robot$` by
 *   default (`lib/config/metadata/metadatalist.go:155`). A permission of kind `project`
 *   has the scope `/project/<id>`, or `/project/*` for the namespace `*`; kind `system`
 *   needs the namespace `/` and has the scope `/system` (controller.go:361-378). Each
 *   access becomes the policy `<scope>/<resource>` (security/robot/context.go:142-148).
 * - What Harbor refuses to create, this evaluator refuses to evaluate (it throws): an
 *   invalid level, name, empty permissions or access, a project robot with more than
 *   one permission ("the permission must be only one project scope"), an unknown kind,
 *   and an access that is not in the robot permission lists (`server/v2.0/handler/robot.go:327-382,
 *   433-458`, the lists of `common/rbac/const.go:91-315`); a project robot's namespace
 *   must be a project (controller.go:381-391 looks it up by name).
 * - Decisions (`common/security/robot/context.go:83-140`): a project robot's policies
 *   count only in their own project (`filterRobotPolicies` with `ResourceAllowedInNamespace`,
 *   which never matches `/project/*`), and its `push` also gives `pull` (lines 133-136);
 *   a system robot's project policies are matched as patterns (`/project/*` covers every
 *   project), with no implied pull. Matching is casbin's `keyMatch2(r.obj, p.obj) &&
 *   (r.act == p.act || p.act == '*')`, an allow needs a matching `allow` and no matching
 *   `deny` (`pkg/permission/evaluator/rbac/casbin.go:26-46`, `casbin_match.go:76-95`); an
 *   empty effect is `allow` (`pkg/permission/types/types.go:46-51`). A public project
 *   adds `repository:pull` (and reads) for everyone (`common/rbac/project/rbac_util.go:24-42`,
 *   `rbac_user.go:35-43`). A disabled robot does not authenticate
 *   (`server/middleware/security/robot.go:61-64`).
 * - Registry requests (`server/middleware/v2auth/access.go:65-113`, `auth.go:46-81`):
 *   `/v2/` needs only authentication; `/v2/_catalog` needs `catalog:read` in the system
 *   namespace; a request on a repository needs, on `/project/<id>/repository` of its
 *   first path segment, `pull` for GET and HEAD, `push` for POST, PATCH and PUT (so a tag
 *   move is a push), `delete` for DELETE; a blob mount also needs `pull` on its `from`
 *   repository. Pushes to a proxy-cache project are refused to every robot a user made
 *   (`server/middleware/repoproxy/proxy.go:428-478`).
 */

/** One access item of a robot permission. */
export interface RobotAccessItem {
  readonly resource: string;
  readonly action: string;
  readonly effect: string;
}

/** One permission block. */
export interface RobotPermissionBlock {
  readonly kind: string;
  readonly namespace: string;
  readonly access: RobotAccessItem[];
}

/** A robot account as Harbor would hold it. */
export interface RobotState {
  /** The Terraform resource key. */
  readonly key: string;
  readonly name: string;
  readonly level: string;
  /** The login user name Harbor gives it. */
  readonly fullName: string;
  readonly disabled: boolean;
  /** The secret set in the configuration (undefined: Harbor generates one). */
  readonly secret?: string;
  readonly permissions: RobotPermissionBlock[];
}

/** A project as Harbor would hold it. */
export interface ProjectState {
  readonly key: string;
  readonly name: string;
  readonly isPublic: boolean;
  /** A proxy-cache project (`registry_id` set). */
  readonly proxyCache: boolean;
}

/** A permission check of a registry request. */
export interface RequestCheck {
  /** `login`, `catalog` or `repository`. */
  readonly target: 'login' | 'catalog' | 'repository';
  /** The repository (`project/path`) for `repository`. */
  readonly repository?: string;
  /** `pull`, `push` or `delete` for `repository`; `read` for `catalog`. */
  readonly action?: string;
}

/** A decision on a registry request. */
export interface RequestDecision {
  readonly allowed: boolean;
  /** Why not, in Harbor's words where it has them. */
  readonly reason?: string;
}

/** The robot permission lists (`common/rbac/const.go`): PoliciesMap (lines 163-314) plus the NolimitProvider additions (lines 116-159). */
const PROJECT_ACCESSES = new Set([
  'log:list', 'project:read', 'project:delete', 'project:update',
  'metadata:read', 'metadata:create', 'metadata:delete', 'metadata:list', 'metadata:update',
  'repository:read', 'repository:update', 'repository:delete', 'repository:list', 'repository:pull', 'repository:push',
  'artifact:read', 'artifact:create', 'artifact:list', 'artifact:delete',
  'scan:create', 'scan:read', 'scan:stop', 'sbom:create', 'sbom:stop', 'sbom:read',
  'tag:create', 'tag:list', 'tag:delete', 'accessory:list', 'artifact-addition:read',
  'artifact-label:create', 'artifact-label:delete', 'scanner:create', 'scanner:read',
  'preheat-policy:read', 'preheat-policy:create', 'preheat-policy:delete', 'preheat-policy:list', 'preheat-policy:update',
  'immutable-tag:create', 'immutable-tag:delete', 'immutable-tag:list', 'immutable-tag:update',
  'notification-policy:read', 'notification-policy:create', 'notification-policy:delete', 'notification-policy:list', 'notification-policy:update',
  'tag-retention:read', 'tag-retention:create', 'tag-retention:delete', 'tag-retention:list', 'tag-retention:update',
  'label:read', 'label:create', 'label:delete', 'label:list', 'label:update', 'quota:read',
  'robot:create', 'robot:read', 'robot:list', 'robot:delete', 'export-cve:create', 'export-cve:read',
  'member:create', 'member:read', 'member:update', 'member:list', 'member:delete',
]);
const SYSTEM_ACCESSES = new Set([
  'audit-log:list', 'preheat-instance:read', 'preheat-instance:create', 'preheat-instance:delete', 'preheat-instance:list', 'preheat-instance:update',
  'project:list', 'project:create', 'replication-policy:read', 'replication-policy:create', 'replication-policy:delete', 'replication-policy:list',
  'replication-policy:update', 'replication:read', 'replication:create', 'replication:list', 'replication-adapter:list',
  'registry:read', 'registry:create', 'registry:delete', 'registry:list', 'registry:update', 'scan-all:read', 'scan-all:update', 'scan-all:stop',
  'scan-all:create', 'system-volumes:read', 'garbage-collection:read', 'garbage-collection:create', 'garbage-collection:list',
  'garbage-collection:update', 'garbage-collection:stop', 'purge-audit:read', 'purge-audit:create', 'purge-audit:list', 'purge-audit:update',
  'purge-audit:stop', 'jobservice-monitor:list', 'jobservice-monitor:stop', 'scanner:read', 'scanner:create', 'scanner:delete', 'scanner:list',
  'scanner:update', 'label:read', 'label:create', 'label:delete', 'label:update', 'security-hub:read', 'security-hub:list', 'catalog:read',
  'quota:read', 'quota:list', 'robot:create', 'robot:read', 'robot:list', 'robot:delete', 'user:create', 'user:read', 'user:update', 'user:list',
  'user:delete', 'ldap-user:create', 'ldap-user:list', 'quota:update', 'user-group:create', 'user-group:read', 'user-group:update',
  'user-group:list', 'user-group:delete',
]);

/** The public project's policies (`common/rbac/project/rbac_util.go:24-42`). */
const PUBLIC_PROJECT = [
  ['', 'read'], ['label', 'read'], ['label', 'list'], ['repository', 'list'], ['repository', 'pull'], ['scan', 'read'], ['scanner', 'read'],
  ['tag', 'list'], ['artifact', 'read'], ['artifact', 'list'], ['artifact-addition', 'read'], ['accessory', 'list'],
];

/**
 * What "delete" and "administer" mean on Harbor for a project: the project-scope
 * permissions that delete images (the registry's DELETE, and the REST API's artifact,
 * tag and repository deletions) and those that change the project itself, its policies,
 * members or robots.
 */
export const DELETE_ACCESSES = ['repository:delete', 'artifact:delete', 'tag:delete'];
export const ADMIN_ACCESSES = [...PROJECT_ACCESSES].filter((a) => {
  const [resource, action] = a.split(':');
  if (['repository', 'artifact', 'tag', 'scan', 'sbom', 'artifact-label', 'export-cve', 'label'].includes(resource)) return false;
  return ['create', 'update', 'delete', 'stop'].includes(action);
});

// keyMatch2 as casbin_match.go:76-95 builds it: `/*` matches anything after the slash, `:x` one segment.
function keyMatch2(key: string, pattern: string): boolean {
  let p = pattern.replace(/\/\*/g, '/.*');
  while (p.includes('/:')) p = p.replace(/(.*):[^/]+(.*)/, '$1[^/]+$2');
  return new RegExp(`^${p}$`).test(key);
}

const ROBOT_NAME = /^[a-z0-9]+(?:[._-][a-z0-9]+)*$/;
const REF = /^\$\{harbor_project\.([^.]+)\.name\}$/;
// distribution's reference.NameRegexp (path components separated by /), as lib/patterns.go uses it.
const NAME = '[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*)*';
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][0-9A-Fa-f]{32,}';

/** Harbor's decisions for the robots and projects of a Terraform configuration. */
export class HarborAccess {
  /**
   * The checks of a registry request (`v2auth/access.go:80-113`, routes of
   * `lib/patterns.go:34-49`); undefined for a request v2auth does not recognize (refused:
   * "un-recognized request", auth.go:51-54).
   */
  public static checks(method: string, path: string, query: URLSearchParams = new URLSearchParams()): RequestCheck[] | undefined {
    if (path === '/v2/') return [{ target: 'login' }];
    if (/^\/v2\/_catalog(\/.*)?$/.test(path)) return [{ target: 'catalog', action: 'read' }];
    const action = ({ POST: 'push', PATCH: 'push', PUT: 'push', GET: 'pull', HEAD: 'pull', DELETE: 'delete' } as Record<string, string>)[method];
    const m = new RegExp(`^/v2/(${NAME})/manifests/(.*)$`).exec(path)
      ?? new RegExp(`^/v2/(${NAME})/tags/list`).exec(path)
      ?? new RegExp(`^/v2/(${NAME})/blobs/(${DIGEST})$`).exec(path)
      ?? new RegExp(`^/v2/(${NAME})/blobs/uploads[/a-zA-Z0-9\\-_.=]*$`).exec(path)
      ?? new RegExp(`^/v2/(${NAME})/referrers/(.*)$`).exec(path);
    if (!m || !action) return undefined;
    const out: RequestCheck[] = [{ target: 'repository', repository: m[1], action }];
    const from = query.get('from');
    if (method === 'POST' && query.get('mount') && from) out.push({ target: 'repository', repository: from, action: 'pull' });
    return out;
  }

  public readonly robots: RobotState[];
  public readonly projects: ProjectState[];
  private readonly ids = new Map<string, number>();

  constructor(json: any, options: { robotNamePrefix?: string } = {}) {
    const prefix = options.robotNamePrefix ?? 'robot$';
    this.projects = Object.entries<any>(json.resource?.harbor_project ?? {}).map(([key, p]) => ({
      key, name: String(p.name), isPublic: p.public === true || p.public === 'true', proxyCache: p.registry_id !== undefined,
    }));
    const resolve = (ns: string): string => {
      const ref = REF.exec(ns);
      if (!ref) return ns;
      const p = this.projects.find((x) => x.key === ref[1]);
      if (!p) throw new Error(`${ns}: no harbor_project ${ref[1]}`);
      return p.name;
    };
    this.robots = Object.entries<any>(json.resource?.harbor_robot_account ?? {}).map(([key, r]) => {
      const where = `harbor_robot_account.${key}`;
      const refuse = (why: string): never => {
        throw new Error(`${where}: Harbor refuses this robot: ${why}`);
      };
      if (r.level !== 'project' && r.level !== 'system') refuse(`level ${r.level} (robot.go:433-435)`);
      if (!ROBOT_NAME.test(r.name ?? '')) refuse(`name ${r.name} (robot.go:442-449)`);
      const permissions: RobotPermissionBlock[] = (r.permissions ?? []).map((p: any) => ({
        kind: p.kind,
        namespace: resolve(String(p.namespace)),
        access: (p.access ?? []).map((a: any) => ({ resource: a.resource, action: a.action, effect: a.effect || 'allow' })),
      }));
      if (permissions.length === 0) refuse('empty permission (robot.go:336-338)');
      if (r.level === 'project' && permissions.length > 1) refuse('a project robot has exactly one project permission (robot.go:354-357)');
      for (const p of permissions) {
        if (p.access.length === 0) refuse('empty access (robot.go:344-346)');
        if (p.kind === 'system') {
          if (p.namespace !== '/') refuse(`kind system needs namespace "/", got ${p.namespace} (controller.go:363-367)`);
        } else if (p.kind !== 'project') {
          refuse(`permission level ${p.kind} (robot.go:376-378)`);
        }
        if (r.level === 'project' && (p.kind !== 'project' || p.namespace === '*')) {
          refuse(`a project robot's permission names its project, got ${p.kind} ${p.namespace} (controller.go:381-391)`);
        }
        for (const a of p.access) {
          if (!(p.kind === 'system' ? SYSTEM_ACCESSES : PROJECT_ACCESSES).has(`${a.resource}:${a.action}`)) {
            refuse(`bad request permission: ${a.resource}:${a.action} (robot.go:359-379)`);
          }
          if (a.effect !== 'allow' && a.effect !== 'deny') refuse(`effect ${a.effect}`);
        }
        if (this.projects.length > 0 && p.kind === 'project' && p.namespace !== '*' && !this.projects.some((x) => x.name === p.namespace)) {
          refuse(`project ${p.namespace} does not exist (controller.go:372-376)`);
        }
      }
      const fullName = r.level === 'project' ? `${prefix}${permissions[0].namespace}+${r.name}` : `${prefix}${r.name}`;
      return {
        key,
        name: r.name,
        level: r.level,
        fullName,
        disabled: r.disable === true || r.disable === 'true',
        ...(r.secret !== undefined ? { secret: String(r.secret) } : {}),
        permissions,
      };
    });
    const names = this.robots.map((r) => r.fullName);
    const dup = names.find((n, i) => names.indexOf(n) !== i);
    if (dup) throw new Error(`two robots are named ${dup}: Harbor refuses the second`);
  }

  /** A project's id (numbered in order of first use; Harbor's are database ids). */
  private id(project: string): number {
    if (!this.ids.has(project)) this.ids.set(project, this.ids.size + 1);
    return this.ids.get(project)!;
  }

  /** The robot a full name designates. */
  public robot(fullName: string): RobotState | undefined {
    return this.robots.find((r) => r.fullName === fullName);
  }

  /** The robot that basic credentials authenticate (`security/robot.go:33-73`: prefix, name, secret, not disabled). */
  public authenticate(user: string, secret: string): RobotState | undefined {
    const r = this.robot(user);
    return r && !r.disabled && r.secret !== undefined && r.secret === secret ? r : undefined;
  }

  /** Whether a project is one Harbor would find (every project, when the configuration declares none). */
  public projectExists(name: string): boolean {
    return this.projects.length === 0 || this.projects.some((p) => p.name === name);
  }

  /** `SecurityContext.Can(action, /project/<project>/<resource>)` for a robot (context.go:83-140). */
  public allows(fullName: string, project: string, resource: string, action: string): boolean {
    const r = this.robot(fullName);
    if (!r || r.disabled || !this.projectExists(project)) return false;
    // Harbor's resources carry project ids (`/project/<id>/repository`, rbac/project/namespace.go:42-44): numbered here.
    const target = `/project/${this.id(project)}/${resource}`.replace(/\/$/, '');
    let policies: Array<{ resource: string; action: string; effect: string }> = [];
    const projectPolicies = r.permissions.filter((p) => p.kind === 'project');
    for (const p of projectPolicies) {
      const scope = p.namespace === '*' ? '/project/*' : `/project/${this.id(p.namespace)}`;
      for (const a of p.access) {
        const res = a.resource === 'project' ? scope : `${scope}/${a.resource}`;
        if (r.level === 'project') {
          // filterRobotPolicies: only the policies of the requested project; push adds pull (an allow, whatever the push's effect).
          if (p.namespace !== project) continue;
          policies.push({ resource: res, action: a.action, effect: a.effect });
          if (a.action === 'push') policies.push({ resource: res, action: 'pull', effect: 'allow' });
        } else {
          policies.push({ resource: res, action: a.action, effect: a.effect });
        }
      }
    }
    // A project evaluator exists for a project robot always, for a system robot only with project policies (context.go:101-121).
    const hasProjectEvaluator = r.level === 'project' || projectPolicies.length > 0;
    if (!hasProjectEvaluator) return false;
    if (this.projects.find((p) => p.name === project)?.isPublic) {
      policies = [...policies, ...PUBLIC_PROJECT.map(([res, act]) => ({ resource: `/project/${this.id(project)}${res ? `/${res}` : ''}`, action: act, effect: 'allow' }))];
    }
    const matching = policies.filter((p) => keyMatch2(target, p.resource) && (p.action === action || p.action === '*'));
    return matching.some((p) => p.effect === 'allow') && !matching.some((p) => p.effect === 'deny');
  }

  /** `Can(action, /system/<resource>)` for a system robot's system-kind permissions. */
  public allowsSystem(fullName: string, resource: string, action: string): boolean {
    const r = this.robot(fullName);
    if (!r || r.disabled || r.level !== 'system') return false;
    const matching = r.permissions.filter((p) => p.kind === 'system').flatMap((p) => p.access)
      .filter((a) => keyMatch2(`/system/${resource}`, `/system/${a.resource}`) && (a.action === action || a.action === '*'));
    return matching.some((a) => a.effect === 'allow') && !matching.some((a) => a.effect === 'deny');
  }

  /**
   * The decision on one registry request (`v2auth/auth.go:46-81`, and the proxy-cache
   * upload refusal of `repoproxy/proxy.go:460-478`).
   */
  public decideRequest(fullName: string, method: string, path: string, query: URLSearchParams = new URLSearchParams()): RequestDecision {
    const checks = HarborAccess.checks(method, path, query);
    if (!checks) return { allowed: false, reason: `un-recognized request: ${method} ${path}` };
    const r = this.robot(fullName);
    if (!r || r.disabled) return { allowed: false, reason: `${fullName} is not an enabled robot` };
    for (const c of checks) {
      if (c.target === 'catalog' && !this.allowsSystem(fullName, 'catalog', 'read')) return { allowed: false, reason: 'unauthorized to list catalog' };
      if (c.target !== 'repository') continue;
      const project = c.repository!.split('/')[0];
      if (!this.projectExists(project)) return { allowed: false, reason: `project ${project} not found` };
      if (!this.allows(fullName, project, 'repository', c.action!)) {
        return { allowed: false, reason: `unauthorized to access repository: ${c.repository}, action: ${c.action}` };
      }
      const uploads = /\/(blobs\/uploads|manifests)\//.test(path) && ['POST', 'PATCH', 'PUT'].includes(method);
      if (uploads && c === checks[0] && this.projects.find((p) => p.name === project)?.proxyCache) {
        return { allowed: false, reason: `can not push artifact to a proxy project: ${project}` };
      }
    }
    return { allowed: true };
  }

  /**
   * Whether a robot may do what a capability of the access model means, on a
   * repository `<project>/<path>`:
   * - read: `repository:pull` (GET/HEAD); write and move-tag: `repository:push`
   *   (POST/PATCH/PUT: Harbor does not tell a tag move from a new tag) and not a
   *   proxy-cache project; cache-import: `repository:pull` on a proxy-cache project;
   * - delete: any of `DELETE_ACCESSES`; admin: any of `ADMIN_ACCESSES` on the
   *   project, or any system-kind permission.
   */
  public can(fullName: string, capability: string, repository: string): boolean {
    const project = repository.split('/')[0];
    const proxy = this.projects.find((p) => p.name === project)?.proxyCache ?? false;
    const has = (accesses: string[]) => accesses.some((a) => this.allows(fullName, project, a.split(':')[0], a.split(':')[1]));
    switch (capability) {
      case 'read': return this.allows(fullName, project, 'repository', 'pull');
      case 'write':
      case 'move-tag': return !proxy && this.allows(fullName, project, 'repository', 'push');
      case 'cache-import': return proxy && this.allows(fullName, project, 'repository', 'pull');
      // The scan gate's REST reads: GetArtifact (artifact:read) and GetVulnerabilitiesAddition (artifact-addition:read),
      // goharbor/harbor src/server/v2.0/handler/artifact.go.
      case 'read-scan-results': return this.allows(fullName, project, 'artifact', 'read') && this.allows(fullName, project, 'artifact-addition', 'read');
      case 'delete': return has(DELETE_ACCESSES);
      case 'admin': {
        const r = this.robot(fullName);
        const system = r !== undefined && !r.disabled && r.permissions.some((p) => p.kind === 'system' && p.access.some((a) => a.effect === 'allow'));
        return system || has(ADMIN_ACCESSES);
      }
      default: throw new Error(`unknown capability ${capability}`);
    }
  }
}
