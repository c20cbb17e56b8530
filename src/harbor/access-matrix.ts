import { AccessModel, AccessResourceKind, Capability, NativeAccessEntry } from '../spec/access-model';
import { Naming } from '../spec/naming';
import { RegistrySpec } from '../spec/registry-spec';

// A minimal version written beside the Harbor construct (issue 16); the access
// helper's richer src/harbor/access-matrix.ts, with the same interface, replaces it.

/** One Harbor robot permission: one resource and action (`repository` / `pull`). */
export interface HarborRobotAccess {
  /** The Harbor RBAC resource (`repository`). */
  readonly resource: string;
  /** The action (`pull`, `push`). */
  readonly action: string;
}

/** The permissions of a robot in one project. */
export interface HarborRobotPermission {
  /** The Harbor project. */
  readonly project: string;
  /** The accesses, sorted by resource then action. */
  readonly actions: HarborRobotAccess[];
}

/** The robot account of one identity of the spec: one project-level robot per project it needs. */
export interface HarborRobot {
  /** The identity's name in the spec. */
  readonly identity: string;
  /** The robot's short name (Harbor names it `robot$<project>+<name>`). */
  readonly name: string;
  /** Its permissions, one per project, sorted by project. */
  readonly permissions: HarborRobotPermission[];
  /** What Harbor grants beyond the neutral access model, one sentence each. */
  readonly beyondModel: string[];
}

/** One row of the Harbor access matrix: what an identity may do in a project. */
export interface HarborAccessEntry extends NativeAccessEntry {}

const PULL: HarborRobotAccess = { resource: 'repository', action: 'pull' };
const PUSH: HarborRobotAccess = { resource: 'repository', action: 'push' };
const ORDER = [Capability.READ, Capability.WRITE, Capability.MOVE_TAG, Capability.DELETE, Capability.ADMIN, Capability.CACHE_IMPORT];

/**
 * What each identity of the spec may do on Harbor, as project-level robot
 * accounts (`harbor_robot_account`, level `project`) grant it.
 *
 * The registry API's authorization asks `repository:pull` for GET and HEAD and
 * `repository:push` for POST, PUT and PATCH (goharbor/harbor
 * `src/server/middleware/v2auth/access.go`, `getAction`; a push token's scope is
 * `pull,push`, `scopeStr`), so a puller's robot has `repository:pull` and a
 * writer's `repository:pull` + `repository:push`; never delete. A project robot
 * holds exactly one project's permission (`src/server/v2.0/handler/robot.go`:
 * "to create a project robot, the permission must be only one project scope"),
 * so an identity gets one robot per project it needs (the same short name in
 * each project). Harbor scopes robots to projects, not repositories, and a push
 * may also move a tag: the rows say so in `beyondModel`.
 */
export class HarborAccessMatrix {
  /** The robots of the spec's identities, sorted by identity. */
  public static robots(spec: RegistrySpec): HarborRobot[] {
    const byIdentity = new Map<string, Map<string, Set<Capability>>>();
    for (const e of AccessModel.matrix(spec)) {
      const project = e.resource.kind === AccessResourceKind.CACHE
        ? Naming.harborCacheProjectName(spec, e.resource.name)
        : Naming.harborProjectName(spec, e.resource.environment || undefined);
      const projects = byIdentity.get(e.identity) ?? new Map<string, Set<Capability>>();
      const caps = projects.get(project) ?? new Set<Capability>();
      e.capabilities.forEach((c) => caps.add(c));
      projects.set(project, caps);
      byIdentity.set(e.identity, projects);
    }
    return [...byIdentity.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([identity, projects]) => {
      const permissions = [...projects.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([project, caps]) => ({
        project,
        actions: caps.has(Capability.WRITE) || caps.has(Capability.MOVE_TAG) ? [PULL, PUSH] : [PULL],
      }));
      const beyondModel = ['Harbor robots are scoped to projects: the robot reaches every repository of its projects, not only the images the spec names'];
      if (permissions.some((p) => p.actions.includes(PUSH))) beyondModel.push('repository:push both pushes new tags and moves existing ones (tag immutability rules still apply)');
      return { identity, name: identity, permissions, beyondModel };
    });
  }

  /** The matrix rows: per identity and project, the capabilities and the robot accesses that give them. */
  public static of(spec: RegistrySpec): HarborAccessEntry[] {
    const rows: HarborAccessEntry[] = [];
    for (const robot of HarborAccessMatrix.robots(spec)) {
      for (const p of robot.permissions) {
        const push = p.actions.some((a) => a.action === 'push');
        const caps = new Set<Capability>([Capability.READ]);
        if (push) {
          caps.add(Capability.WRITE);
          caps.add(Capability.MOVE_TAG);
        }
        if (spec.upstreamCaches?.some((c) => Naming.harborCacheProjectName(spec, c.name) === p.project)) caps.add(Capability.CACHE_IMPORT);
        rows.push({
          identity: robot.identity,
          resource: p.project,
          capabilities: ORDER.filter((c) => caps.has(c)),
          grantedAs: p.actions.map((a) => `${a.resource}:${a.action}`),
          beyondModel: robot.beyondModel.join('; '),
        });
      }
    }
    return rows;
  }
}
