import { EcrActions } from './ecr-actions';
import { identitiesOf, layoutOf, reservedPrefixes, roleGrants, scanNames } from './role-grants';
import {
  AccessModel, AccessPlan, AccessResourceKind, Capability, EffectiveSpec, NativeAccessEntry, Naming,
  Permission, Problems, RegistrySpec,
} from '../spec';
import { AWS_REGION_CODE } from '../spec/grammars';
import { EcrTagMutability, TagPolicyDecision } from '../tagging';

/** Options of `EcrAccessMatrix.of`, the same as the constructs' that decide the grants. */
export interface EcrAccessMatrixOptions {
  /**
   * Whether roles whose exact repository ARNs exceed IAM's policy size limits may be
   * granted on prefix wildcards (`repository/<prefix>/*`); see `RegistryIdentitiesProps.allowPrefixGrants`.
   *
   * @default true
   */
  readonly allowPrefixGrants?: boolean;

  /**
   * The most managed policies a created role may get (`RegistryIdentitiesProps.managedPoliciesPerRole`).
   *
   * @default 10
   */
  readonly managedPoliciesPerRole?: number;

  /**
   * The registry's region, for the partition of the ARNs the matrix writes for the
   * accounts of `awsAccountIds` (`arn:aws-cn:iam::<account>:root` in `cn-north-1`;
   * `Naming.awsPartition`).
   *
   * @default - the `aws` partition
   */
  readonly region?: string;
}

/** One row of the ECR access matrix: a `NativeAccessEntry` and the principal that holds it. */
export interface EcrAccessEntry extends NativeAccessEntry {
  /**
   * Who holds the access: `role` for the role created for the identity's `github`
   * trust (identity policies), or an existing principal granted through repository
   * policies: its ARN, `arn:<partition>:iam::<account>:root` for an account of `awsAccountIds`.
   */
  readonly principal: string;
}

/** The principal name of created roles in `EcrAccessEntry.principal`. */
const ROLE = 'role';

/**
 * The ECR access matrix of a spec: per identity and principal, per ECR repository
 * of the spec (and per pull-through cache prefix and per prefix wildcard that
 * compaction grants), the capabilities and the ECR actions that give them. It is
 * derived from the same grants and policy layout the constructs build
 * (`AccessPlan.grants`, the role policy layout), and the access tests check it
 * against an independent IAM evaluator over the synthesized templates.
 *
 * Capabilities and ECR actions (ECR user guide, "IAM permissions for pushing an
 * image" and the `AmazonEC2ContainerRegistryPullOnly` managed policy for pull;
 * "IAM permissions required to sync an upstream registry" for caches):
 * - READ: `ecr:BatchGetImage`, `ecr:GetDownloadUrlForLayer`, `ecr:BatchCheckLayerAvailability`;
 * - WRITE and MOVE_TAG: `ecr:InitiateLayerUpload`, `ecr:UploadLayerPart`,
 *   `ecr:CompleteLayerUpload`, `ecr:BatchCheckLayerAvailability`, `ecr:PutImage`.
 *   IAM cannot separate moving a tag from writing one (`ecr:PutImage` does both);
 *   only the repository's tag mutability can, so MOVE_TAG is listed where the
 *   repository is not `IMMUTABLE` (and on prefix wildcards, whose future
 *   repositories' setting is unknown);
 * - CACHE_IMPORT: `ecr:BatchImportUpstreamImage` and `ecr:CreateRepository` on the cache prefix;
 * - READ_SCAN_RESULTS: `ecr:DescribeImageScanFindings` (ECR API reference: "Returns the scan
 *   findings for the specified image"), on the sources of the promoters' gated hops; with
 *   ENHANCED scanning the role also gets `inspector2:ListFindings` on `*` in its region
 *   (`EcrActions.INSPECTOR_FINDINGS`), which is not a repository permission and is not listed;
 * - PUBLISH_NOTIFICATION: `sns:Publish` on the notification topic (`sns:<registry>-notifications`
 *   in the matrix) and the use of its created key, for the created roles of the promoters that
 *   report promotions (`AccessModel.promotionReporters`). Existing principals get nothing: their
 *   own account's IAM must allow it. EventBridge's `sns:Publish` (the topic policy, conditioned on
 *   the rules' ARNs and this account) is a service's, not an identity of the spec, and is not listed;
 * - DELETE and ADMIN: never granted.
 * `ecr:GetAuthorizationToken` (login, on `*`) is not a repository permission and is not listed.
 *
 * Existing principals get no cache access from the library: their own account's
 * IAM must grant it (ECR reads `ecr:CreateRepository` only from identity or registry policies).
 */
export class EcrAccessMatrix {
  /**
   * What a promoter's role gets on the notification topic (`Topic.grantPublish`): `sns:Publish` on
   * the topic, and, for a topic created with its key, `kms:Decrypt` and `kms:GenerateDataKey*` on
   * that key (SNS developer guide, "Data encryption": publishers to an encrypted topic need both).
   */
  public static readonly PUBLISH_ACTIONS: string[] = ['kms:Decrypt', 'kms:GenerateDataKey*', 'sns:Publish'];

  /**
   * The matrix of a spec, sorted by identity, principal and resource.
   *
   * @deprecated use `EcrAccessMatrix.of`
   */
  public static fromSpec(spec: RegistrySpec, options: EcrAccessMatrixOptions = {}): EcrAccessEntry[] {
    return EcrAccessMatrix.of(spec, options);
  }

  /** The matrix of a spec, sorted by identity, principal and resource. */
  public static of(spec: RegistrySpec, options: EcrAccessMatrixOptions = {}): EcrAccessEntry[] {
    if (options.region !== undefined && (typeof options.region !== 'string' || !AWS_REGION_CODE.test(options.region))) {
      new Problems().add('options.region', options.region, 'is not an AWS region code (such as eu-west-1, cn-north-1, us-gov-west-1)').throwIfAny('EcrAccessMatrix.of');
    }
    const rows: EcrAccessEntry[] = [];
    const reserved = reservedPrefixes(spec);
    const reporters = AccessModel.promotionReporters(spec);
    const moves = new Map(EffectiveSpec.repositories(spec).map((r) => [
      Naming.ecrRepositoryName(spec, r.image, r.environment),
      TagPolicyDecision.ecr(r.tagPolicy).mutability !== EcrTagMutability.IMMUTABLE,
    ]));
    const repositoryRows = (identity: string, principal: string, pull: string[], push: string[], scan: string[]) => {
      const pulls = new Set(pull);
      const pushes = new Set(push);
      const scans = new Set(scan);
      for (const name of [...new Set([...pull, ...push, ...scan])].sort()) {
        const read = pulls.has(name);
        const write = pushes.has(name);
        const findings = scans.has(name);
        rows.push({
          identity,
          principal,
          resource: name,
          capabilities: [
            ...(read ? [Capability.READ] : []),
            ...(write ? [Capability.WRITE] : []),
            ...(write && moves.get(name) ? [Capability.MOVE_TAG] : []),
            ...(findings ? [Capability.READ_SCAN_RESULTS] : []),
          ],
          grantedAs: EcrActions.actionsFor(read, write, findings),
        });
      }
    };

    for (const [name, grants] of roleGrants(spec)) {
      const layout = layoutOf(spec, grants, `Identities/${name}/Role`, options.allowPrefixGrants ?? true, [], options.managedPoliciesPerRole);
      repositoryRows(name, ROLE, grants.pull, grants.push, grants.scan);
      const kinds: Array<[string[], Capability[], string[]]> = [
        [layout.pullPrefixes, [Capability.READ], EcrActions.PULL],
        [layout.pushPrefixes, [Capability.WRITE, Capability.MOVE_TAG], EcrActions.PUSH],
        [layout.scanPrefixes, [Capability.READ_SCAN_RESULTS], EcrActions.SCAN_FINDINGS],
      ];
      for (const [prefixes, capabilities, actions] of kinds) {
        const write = capabilities.includes(Capability.WRITE);
        for (const p of prefixes) {
          rows.push({
            identity: name,
            principal: ROLE,
            resource: `${p}*`,
            capabilities,
            grantedAs: actions,
            beyondModel: `compacted: the role's policy names repository/${p}* to stay within IAM's policy size limits; every repository of the spec under ${p} is granted, `
              + `and so is any repository created later under ${p} outside the spec (set allowPrefixGrants: false to keep exact ARNs)`
              + (write ? '; moving tags there is limited only by each repository\'s tag mutability' : ''),
          });
        }
      }
      if (reporters.includes(name)) {
        rows.push({
          identity: name,
          principal: ROLE,
          resource: EcrAccessMatrix.nativeResource(spec, AccessResourceKind.NOTIFICATION, '', AccessModel.PROMOTION_NOTIFICATION.name),
          capabilities: [Capability.PUBLISH_NOTIFICATION],
          grantedAs: EcrAccessMatrix.PUBLISH_ACTIONS,
        });
      }
      if (grants.pullsThroughCaches) {
        for (const prefix of reserved) {
          rows.push({
            identity: name,
            principal: ROLE,
            resource: `${prefix}/*`,
            capabilities: [Capability.READ, Capability.CACHE_IMPORT],
            grantedAs: [...EcrActions.PULL, ...EcrActions.PULL_THROUGH],
          });
        }
      }
    }

    // Existing principals, through repository policies (ContainerRegistry).
    const identities = identitiesOf(spec);
    // An account of awsAccountIds as the principal the repository policy names (iam.AccountPrincipal: the stack's partition).
    const partition = options.region === undefined ? 'aws' : Naming.awsPartition(options.region);
    const accountRoot = (account: string) => `arn:${partition}:iam::${account}:root`;
    const byPrincipal = new Map<string, { identity: string; principal: string; pull: string[]; push: string[]; scan: string[] }>();
    for (const g of AccessPlan.grants(spec)) {
      const identity = identities.find((i) => i.name === g.identity && i.role === g.role)!.spec;
      const principals = [...(identity.awsPrincipalArns ?? []), ...(identity.awsAccountIds ?? []).map(accountRoot)];
      for (const principal of principals) {
        const key = JSON.stringify([g.identity, principal]);
        const entry = byPrincipal.get(key) ?? { identity: g.identity, principal, pull: [], push: [], scan: [] };
        const names = g.images.map((img) => Naming.ecrRepositoryName(spec, img, g.environment || undefined));
        (g.permission === Permission.PULL ? entry.pull : entry.push).push(...names);
        byPrincipal.set(key, entry);
      }
    }
    for (const promoter of spec.access?.promoters ?? []) {
      const principals = [...(promoter.awsPrincipalArns ?? []), ...(promoter.awsAccountIds ?? []).map(accountRoot)];
      for (const principal of principals) {
        const key = JSON.stringify([promoter.name, principal]);
        const entry = byPrincipal.get(key) ?? { identity: promoter.name, principal, pull: [], push: [], scan: [] };
        entry.scan.push(...scanNames(spec, promoter.name));
        byPrincipal.set(key, entry);
      }
    }
    for (const e of byPrincipal.values()) repositoryRows(e.identity, e.principal, e.pull, e.push, e.scan);

    const key = (r: EcrAccessEntry) => JSON.stringify([r.identity, r.principal, r.resource]);
    return rows.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  }

  /**
   * The ECR resource a model resource maps to: the repository's name, `<registry>/<cache>/*` for a cache,
   * or `sns:<registry>-notifications` for the notification topic (`RegistryNotifications.topic`).
   */
  public static nativeResource(spec: RegistrySpec, kind: AccessResourceKind, environment: string, name: string): string {
    if (kind === AccessResourceKind.NOTIFICATION) return `sns:${spec.name}-notifications`;
    return kind === AccessResourceKind.CACHE ? `${Naming.ecrCachePrefix(spec, name)}/*` : Naming.ecrRepositoryName(spec, name, environment || undefined);
  }

  /** Whether a matrix row's resource covers an ECR repository name (equal, or under a `<prefix>/*` row). */
  public static covers(rowResource: string, repositoryName: string): boolean {
    return rowResource.endsWith('/*') ? repositoryName.startsWith(rowResource.slice(0, -1)) : rowResource === repositoryName;
  }
}
