/**
 * The Harbor authorizer of the authorizing proxy: the decisions of the independent
 * Harbor robot evaluator (`test/harbor/harbor-access.ts`, `HarborAccess`) over the
 * Terraform JSON of the spec's robot accounts and projects. This file holds no
 * permission logic of its own.
 *
 * Credentials, as Harbor takes them: the login user is the robot's full name
 * (`robot$<project>+<identity>`: the spec's robots are project robots, one per identity
 * and project, `HarborAccessMatrix.robots`) and the password its secret; Harbor
 * authenticates robot basic credentials on every request (goharbor/harbor
 * `src/server/middleware/security/robot.go:33-73`: the robot prefix, the name, the
 * salted secret, not disabled, not expired), and its token service takes the same
 * credentials. `credentials()` gives the proxy exactly the enabled robots' names and
 * secrets of the configuration. Difference from Harbor: the proxy challenges an
 * anonymous ping with `Basic` where Harbor sends a `Bearer` challenge to its token
 * service (`src/server/middleware/v2auth/auth.go:92-116`); the robot's decisions are
 * the same either way (the token service grants the scopes `resourceScopes` finds with
 * the same `Can`, `src/core/service/token/creator.go:147-185`).
 *
 * Repositories on the one loopback registry are Harbor's `<project>/<repository path>`
 * (`Naming.harborProjectName` / `harborRepositoryPath`), so the scripts'
 * SOURCE_REGISTRY / DEST_REGISTRY are the proxy itself.
 */
import { Authorizer, AuthorizingProxy, CloudActions, Decision, PermissionCheck, RegistryOperation } from './authorizing-proxy';
import { HarborAccessMatrix } from '../../src/harbor/access-matrix';
import { RegistrySpec } from '../../src/spec';
import { HarborAccess } from '../harbor/harbor-access';
import { synthesizeRobots } from '../harbor/robot-stack';

/**
 * The Harbor table: the permission v2auth checks for each registry request
 * (`src/server/middleware/v2auth/access.go:65-113`), as `<resource>:<action>`:
 * GET and HEAD need `repository:pull` (manifests, blobs, tag lists), POST, PATCH and
 * PUT `repository:push` (uploads and manifest puts: a tag move is a PUT, so the same
 * push), DELETE `repository:delete`; a blob mount also needs `repository:pull` on its
 * `from` repository (lines 105-111: Harbor refuses the whole POST without it, where the
 * proxy downgrades to a plain upload; skopeo then uploads either way); `/v2/` needs
 * only authentication; `/v2/_catalog` needs `catalog:read` in the system namespace
 * (auth.go:59-64). The status (GET) and cancellation (DELETE) of an upload session are
 * left out (refused): Harbor decides them by method (pull, delete), which the proxy's
 * operation does not carry, and the promotion programs do not use them.
 */
export const HARBOR_ACTIONS: CloudActions = {
  cloud: 'harbor',
  actions: {
    [RegistryOperation.LOGIN]: [],
    [RegistryOperation.MANIFEST_READ]: ['repository:pull'],
    [RegistryOperation.MANIFEST_WRITE]: ['repository:push'],
    [RegistryOperation.TAG_MOVE]: ['repository:push'],
    [RegistryOperation.MANIFEST_DELETE]: ['repository:delete'],
    [RegistryOperation.BLOB_EXISTS]: ['repository:pull'],
    [RegistryOperation.BLOB_READ]: ['repository:pull'],
    [RegistryOperation.BLOB_DELETE]: ['repository:delete'],
    [RegistryOperation.UPLOAD_START]: ['repository:push'],
    [RegistryOperation.UPLOAD_CHUNK]: ['repository:push'],
    [RegistryOperation.UPLOAD_COMPLETE]: ['repository:push'],
    [RegistryOperation.MOUNT_SOURCE]: ['repository:pull'],
    [RegistryOperation.TAGS_LIST]: ['repository:pull'],
    [RegistryOperation.CATALOG]: ['catalog:read'],
  },
};

/** Decides from the robots' Terraform JSON, through `HarborAccess`. */
export class HarborAuthorizer implements Authorizer {
  /** Synthesizes `harbor.ContainerRegistry` for the spec (test/harbor/robot-stack.ts) and returns an authorizer over its robots and projects. */
  public static forSpec(spec: RegistrySpec): HarborAuthorizer {
    return HarborAuthorizer.fromJson(synthesizeRobots(spec).json);
  }

  /** An authorizer over (possibly edited) Terraform JSON. */
  public static fromJson(json: any): HarborAuthorizer {
    return new HarborAuthorizer(new HarborAccess(json));
  }

  private constructor(
    /** The evaluator the decisions come from (for assertions and negative controls). */
    public readonly access: HarborAccess,
  ) {}

  /** The basic-auth credentials Harbor would accept: each enabled robot's full name and secret. */
  public credentials(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const r of this.access.robots) if (!r.disabled && r.secret !== undefined) out[r.fullName] = r.secret;
    return out;
  }

  /** `user:secret` of the robot of a full name, for skopeo's `--creds`. */
  public creds(fullName: string): string {
    const secret = this.credentials()[fullName];
    if (secret === undefined) throw new Error(`no enabled robot ${fullName} with a secret`);
    return `${fullName}:${secret}`;
  }

  public decide(identity: string, check: PermissionCheck): Decision {
    const robot = this.access.robot(identity);
    if (!robot || robot.disabled) return { allowed: false, reason: `no enabled robot ${identity}` };
    const [resource, action] = check.action.split(':');
    if (check.repository === undefined) {
      const allowed = this.access.allowsSystem(identity, resource, action);
      return { allowed, reason: allowed ? undefined : `${identity} has no ${check.action} in the system namespace` };
    }
    const project = check.repository.split('/')[0];
    if (!this.access.projectExists(project)) return { allowed: false, reason: `project ${project} not found` };
    if (action === 'push' && this.access.projects.find((p) => p.name === project)?.proxyCache) {
      return { allowed: false, reason: `can not push artifact to a proxy project: ${project}` };
    }
    const allowed = this.access.allows(identity, project, resource, action);
    const held = robot.permissions.map((p) => `${p.kind} ${p.namespace}: ${p.access.map((a) => `${a.resource}:${a.action}${a.effect === 'deny' ? ' (deny)' : ''}`).join(', ')}`);
    return { allowed, reason: allowed ? undefined : `permissions of ${identity}: ${held.join('; ')}` };
  }
}

/** What `startHarborAccessControl` returns. */
export interface HarborAccessControl {
  /** The proxy in front of the registry: point SOURCE_REGISTRY / DEST_REGISTRY at `proxy.host`. */
  readonly proxy: AuthorizingProxy;
  /** Its authorizer. */
  readonly authorizer: HarborAuthorizer;
  /**
   * `robot$<project>+<identity>:secret` of an identity's robot in a project, for skopeo's
   * `--creds`: a hop's SRC_CREDS are the source project's robot, its DEST_CREDS the
   * destination project's (the same robot when both are in one project).
   */
  creds(identity: string, project: string): string;
}

/**
 * For the promotion integration tests (access-controlled.integration.test.ts), once
 * the Harbor promotion scripts land: starts an authorizing proxy in front of the
 * loopback registry (`upstream`, `host:port`) that authenticates each of the spec's
 * robots (full name `robot$<project>+<identity>` + its own secret) and decides each
 * request with the Harbor table and evaluator. The generated scripts run a hop with
 * `creds(promoter, sourceProject)` and `creds(promoter, destinationProject)`; the
 * repositories are Harbor's `<project>/<repository path>`. Stop it with `proxy.stop()`.
 */
export async function startHarborAccessControl(upstream: string, spec: RegistrySpec): Promise<HarborAccessControl> {
  const authorizer = HarborAuthorizer.forSpec(spec);
  const proxy = await AuthorizingProxy.start({ upstream, credentials: authorizer.credentials(), actions: HARBOR_ACTIONS, authorizer });
  const robots = HarborAccessMatrix.robots(spec);
  return {
    proxy,
    authorizer,
    creds: (identity: string, project: string) => {
      const robot = robots.find((r) => r.identity === identity && r.permissions[0].project === project);
      if (!robot) {
        throw new Error(`identity ${identity} has no Harbor robot in project ${project} (it has: ${robots.filter((r) => r.identity === identity).map((r) => r.fullName).join(', ') || 'none'})`);
      }
      return authorizer.creds(robot.fullName);
    },
  };
}
