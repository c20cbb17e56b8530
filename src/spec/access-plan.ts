import { AccessModel, AccessProgram, AccessResourceKind, Capability } from './access-model';
import { IdentitySpec, RegistrySpec } from './registry-spec';
import { SpecMemo } from './spec-memo';

/** What an identity may do on a repository. */
export enum Permission {
  /** Read images (pull). */
  PULL = 'pull',
  /** Write images (push); never delete. */
  PUSH = 'push',
}

/** The role an identity plays in the spec's access section. */
export enum AccessRole {
  PUSHER = 'pusher',
  PULLER = 'puller',
  PROMOTER = 'promoter',
}

/** One hop of the promotion chain. */
export interface PromotionHop {
  /** The source environment. */
  readonly source: string;
  /** The destination environment. */
  readonly destination: string;
  /** Whether the hop needs a human approval (the destination's `requiresApproval`). */
  readonly requiresApproval: boolean;
}

/**
 * One grant: an identity may pull or push the listed images in one physical
 * environment. Each cloud turns grants into its own IAM (ECR repository ARNs,
 * Artifact Registry repository members, ACR role assignments or scope maps).
 */
export interface AccessGrant {
  /** The identity's name in the spec. */
  readonly identity: string;
  /** The identity's role. */
  readonly role: AccessRole;
  /**
   * The physical environment (`dev`), or an empty string when the spec has no
   * environments or uses the `tags` layout (one repository per image).
   */
  readonly environment: string;
  /** The image names the grant covers. */
  readonly images: string[];
  /** Pull or push. */
  readonly permission: Permission;
}

/**
 * Least-privilege access derived from the spec, the same for every cloud:
 * - pushers push only to the first environment (with the `repositories` and
 *   `registries` layouts; with `tags`, to the one repository per image);
 * - pullers pull from every environment, or those listed;
 * - promoters, per hop they perform, pull from the source environment and push
 *   to the destination; so no promoter can push to the first environment;
 * - an identity's `repositories` (globs) restrict the images.
 * A push grant never includes delete: retention is the only thing that deletes.
 */
export class AccessPlan {
  /** The hops of the promotion chain, in order. */
  public static hops(spec: RegistrySpec): PromotionHop[] {
    return AccessModel.hops(spec);
  }

  /** The hops a promoter performs: those into its `environments`, or all hops. */
  public static hopsOf(spec: RegistrySpec, promoter: IdentitySpec): PromotionHop[] {
    return AccessModel.hopsOf(spec, promoter);
  }

  /** The images an identity covers (its `repositories` globs, or every image). */
  public static imagesOf(spec: RegistrySpec, identity: IdentitySpec): string[] {
    return AccessModel.imagesOf(spec, identity);
  }

  /**
   * Every grant of the spec, in a stable order (role, identity, environment,
   * permission): the access model's operations (`AccessModel.operations`) of each
   * identity, as pull (read) and push (write, move a tag) per physical environment.
   * A promoter therefore pulls from both ends of each hop: its script reads the
   * destination tags before and after the copy.
   */
  public static grants(spec: RegistrySpec): AccessGrant[] {
    return SpecMemo._get(spec, 'AccessPlan.grants', () => AccessPlan.computeGrants(spec));
  }

  private static computeGrants(spec: RegistrySpec): AccessGrant[] {
    const access = spec.access ?? {};
    const grants: AccessGrant[] = [];
    // Pull and push only: reading scan results is granted by each cloud on its own terms (not a repository pull or push).
    const ops = AccessModel.operations(spec)
      .filter((op) => op.resource.kind === AccessResourceKind.REPOSITORY && op.capability !== Capability.READ_SCAN_RESULTS);
    const lists: Array<[AccessRole, IdentitySpec[], AccessProgram]> = [
      [AccessRole.PUSHER, access.pushers ?? [], AccessProgram.BUILD],
      [AccessRole.PULLER, access.pullers ?? [], AccessProgram.PULL],
      [AccessRole.PROMOTER, access.promoters ?? [], AccessProgram.PROMOTION],
    ];
    for (const [role, identities, program] of lists) {
      for (const identity of identities) {
        const mine = ops.filter((op) => op.identity === identity.name && op.program === program);
        const environments = [...new Set(mine.map((op) => op.resource.environment))];
        // Environments in the order the operations name them (the chain's order), pull before push.
        for (const environment of environments) {
          for (const permission of [Permission.PULL, Permission.PUSH]) {
            const reads = permission === Permission.PULL;
            const images = [...new Set(mine
              .filter((op) => op.resource.environment === environment && (op.capability === Capability.READ) === reads)
              .map((op) => op.resource.name))];
            const dup = grants.find((g) => g.identity === identity.name && g.role === role
              && g.environment === environment && g.permission === permission);
            if (!dup && images.length > 0) grants.push({ identity: identity.name, role, environment, images, permission });
          }
        }
      }
    }
    return grants;
  }
}
