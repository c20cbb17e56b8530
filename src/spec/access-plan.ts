import { Glob } from './glob';
import { Naming } from './naming';
import { EnvironmentLayout, IdentitySpec, RegistrySpec } from './registry-spec';

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
    const hops = AccessPlan.hops(spec);
    return promoter.environments ? hops.filter((h) => promoter.environments!.includes(h.destination)) : hops;
  }

  /** The images an identity covers (its `repositories` globs, or every image). */
  public static imagesOf(spec: RegistrySpec, identity: IdentitySpec): string[] {
    const images = spec.repositories.map((r) => r.name);
    if (!identity.repositories) return images;
    return images.filter((img) => Glob.matchesAny(identity.repositories!, img));
  }

  /** Every grant of the spec, in a stable order (role, identity, environment, permission). */
  public static grants(spec: RegistrySpec): AccessGrant[] {
    const access = spec.access ?? {};
    const envs = Naming.environmentNames(spec);
    const tagsLayout = envs.length === 0 || Naming.layout(spec) === EnvironmentLayout.TAGS;
    // With the tags layout every environment lives in the same repositories.
    const physical = (env: string) => (tagsLayout ? '' : env);
    const grants: AccessGrant[] = [];
    const add = (identity: IdentitySpec, role: AccessRole, environment: string, permission: Permission) => {
      const images = AccessPlan.imagesOf(spec, identity);
      const dup = grants.find((g) => g.identity === identity.name && g.role === role && g.environment === environment && g.permission === permission);
      if (!dup && images.length > 0) grants.push({ identity: identity.name, role, environment, images, permission });
    };

    for (const pusher of access.pushers ?? []) {
      const targets = pusher.environments ?? (envs.length ? [envs[0]] : ['']);
      for (const env of targets) add(pusher, AccessRole.PUSHER, physical(env), Permission.PUSH);
    }
    for (const puller of access.pullers ?? []) {
      const targets = puller.environments ?? (envs.length ? envs : ['']);
      for (const env of targets) add(puller, AccessRole.PULLER, physical(env), Permission.PULL);
    }
    for (const promoter of access.promoters ?? []) {
      for (const hop of AccessPlan.hopsOf(spec, promoter)) {
        add(promoter, AccessRole.PROMOTER, physical(hop.source), Permission.PULL);
        add(promoter, AccessRole.PROMOTER, physical(hop.destination), Permission.PUSH);
      }
    }
    return grants;
  }
}
