import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { EcrActions } from './ecr-actions';
import { compactRepositoryNames } from './repository-prefixes';

/**
 * IAM size limits (internal), from the IAM quotas page: "Role policy size cannot
 * exceed 10,240 characters" (aggregate of inline policies), managed policy size
 * 6,144 characters, 10 managed policies per role by default (20 on request);
 * whitespace is not counted. Budgets keep a margin for the statement framing.
 * AWS knowledge center, "iam-increase-policy-size": "The default limit for managed
 * policies is 10. To increase the default limit from 10 up to a maximum of 20, you
 * must submit a service quota increase request."
 */
export const IAM_LIMITS = {
  inlineChars: 10_240,
  managedChars: 6_144,
  managedPerRole: 10,
  managedPerRoleMax: 20,
};
const INLINE_BUDGET = 9_000;
const MANAGED_BUDGET = 5_600;
/** The longest ARN framing of a repository: partition, region and account at their longest. */
const ARN_FRAME = 'arn:aws-iso-b:ecr:ap-southeast-5:123456789012:repository/'.length + 3;
const STATEMENT_FRAME = 260;

/**
 * One repository resource of a role's policy (internal): an ECR name, or `<prefix>/*` when compacted;
 * `scan` entries are the repositories whose scan findings the role reads (the promotion scan gate).
 */
export interface PolicyEntry { readonly push: boolean; readonly resource: string; readonly scan?: boolean }

/** The statement an entry belongs to: 0 pull, 1 push, 2 scan findings. */
function kindOf(e: PolicyEntry): number {
  return e.scan ? 2 : e.push ? 1 : 0;
}

/** How a role's repository statements are laid out (internal; `RolePolicyPlan` is its public summary). */
export interface RepositoryPolicyLayout {
  /** Whether the statements fit in the role's inline policy. */
  readonly inline: boolean;
  /** The entries of each managed policy (empty when inline). */
  readonly chunks: PolicyEntry[][];
  /** Every entry, inline or not. */
  readonly entries: PolicyEntry[];
  /** Whether prefix-scoped ARNs replaced some repository ARNs. */
  readonly compacted: boolean;
  /** The prefixes (ending with `/`) of the pull wildcards. */
  readonly pullPrefixes: string[];
  /** The prefixes (ending with `/`) of the push wildcards. */
  readonly pushPrefixes: string[];
  /** The prefixes (ending with `/`) of the scan-findings wildcards. */
  readonly scanPrefixes: string[];
}

function size(entries: PolicyEntry[]): number {
  const kinds = new Set(entries.map(kindOf)).size;
  return kinds * STATEMENT_FRAME + entries.reduce((n, e) => n + e.resource.length + ARN_FRAME, 0);
}

function entriesOf(
  pull: string[], push: string[], scan: string[], all: string[], reserved: string[], compact: boolean,
): { entries: PolicyEntry[]; prefixes: [string[], string[], string[]] } {
  const prefixes: [string[], string[], string[]] = [[], [], []];
  const list = (names: string[], kind: number): PolicyEntry[] => {
    const entry = (resource: string): PolicyEntry => ({ push: kind === 1, resource, ...(kind === 2 ? { scan: true } : {}) });
    if (!compact) return [...new Set(names)].sort().map(entry);
    const c = compactRepositoryNames(names, all, reserved);
    prefixes[kind] = c.prefixes;
    return [...c.exact, ...c.prefixes.map((p) => `${p}*`)].map(entry);
  };
  return { entries: [...list(pull, 0), ...list(push, 1), ...list(scan, 2)], prefixes };
}

function statements(scope: Construct, entries: PolicyEntry[]): iam.PolicyStatement[] {
  const result: iam.PolicyStatement[] = [];
  const kinds: Array<[string, string[]]> = [['PullImages', EcrActions.PULL], ['PushImages', EcrActions.PUSH], ['ReadScanFindings', EcrActions.SCAN_FINDINGS]];
  kinds.forEach(([sid, actions], kind) => {
    const resources = entries.filter((e) => kindOf(e) === kind).map((e) => EcrActions.repositoryArn(scope, e.resource));
    if (resources.length) result.push(new iam.PolicyStatement({ sid, actions, resources }));
  });
  return result;
}

/**
 * Lays out a role's pull on `pull`, push on `push` and scan findings on `scan` (ECR repository names)
 * within IAM's size limits, in this order of preference:
 * 1. exact ARNs in the role's inline policy, when they fit;
 * 2. exact ARNs spread over up to `managedPerRole` managed policies (IAM: 10 per role by
 *    default, up to 20 with a quota increase);
 * 3. only with `allowPrefixes`: prefix-scoped ARNs (`repository/<prefix>/*`, see
 *    `compactRepositoryNames`), inline or in managed policies;
 * otherwise an error naming the role (`rolePath`). Pure: `EcrAccessMatrix` and
 * `RegistryIdentities` both read it, so the matrix is what the role gets.
 */
export function layoutRepositoryPolicies(
  rolePath: string, pull: string[], push: string[], all: string[], reserved: string[], allowPrefixes: boolean,
  managedPerRole: number = IAM_LIMITS.managedPerRole, scan: string[] = [],
): RepositoryPolicyLayout {
  if (!Number.isInteger(managedPerRole) || managedPerRole < 1 || managedPerRole > IAM_LIMITS.managedPerRoleMax) {
    throw new Error(`${rolePath}: managedPoliciesPerRole ${managedPerRole} must be a whole number from 1 to ${IAM_LIMITS.managedPerRoleMax} `
      + `(IAM attaches ${IAM_LIMITS.managedPerRole} managed policies per role by default, up to ${IAM_LIMITS.managedPerRoleMax} with a quota increase)`);
  }
  for (const compact of allowPrefixes ? [false, true] : [false]) {
    const { entries, prefixes } = entriesOf(pull, push, scan, all, reserved, compact);
    const common = {
      entries,
      compacted: compact && prefixes.some((p) => p.length > 0),
      pullPrefixes: prefixes[0],
      pushPrefixes: prefixes[1],
      scanPrefixes: prefixes[2],
    };
    if (size(entries) <= INLINE_BUDGET) return { ...common, inline: true, chunks: [] };
    // Greedy chunks of at most MANAGED_BUDGET (`size` of each chunk), with the chunk's size kept as it grows
    // (recomputing it per entry is quadratic: about 0.2 s for 3,000 repositories); stops once there are too many.
    const chunks: PolicyEntry[][] = [[]];
    let chars = 0;
    const kinds = new Set<number>();
    for (const e of entries) {
      const current = chunks[chunks.length - 1];
      const grown = (kinds.has(kindOf(e)) ? kinds.size : kinds.size + 1) * STATEMENT_FRAME + chars + e.resource.length + ARN_FRAME;
      if (current.length && grown > MANAGED_BUDGET) {
        chunks.push([e]);
        chars = 0;
        kinds.clear();
        if (chunks.length > managedPerRole) break;
      } else {
        current.push(e);
      }
      chars += e.resource.length + ARN_FRAME;
      kinds.add(kindOf(e));
    }
    if (chunks.length <= managedPerRole) return { ...common, inline: false, chunks };
  }
  const total = new Set([...pull, ...push]).size;
  throw new Error(allowPrefixes
    ? `${rolePath}: the role is granted on ${total} ECR repositories, more than IAM can hold even with prefix-scoped ARNs `
      + `(${managedPerRole} managed policies of ${IAM_LIMITS.managedChars} characters). `
      + 'Restrict the identity with `repositories` or `environments`, or split it into several identities.'
    : `${rolePath}: the role is granted on ${total} ECR repositories, more than IAM can hold as exact repository ARNs `
      + `(${managedPerRole} managed policies of ${IAM_LIMITS.managedChars} characters) and prefix grants are turned off (allowPrefixGrants: false). `
      + 'Restrict the identity with `repositories` or `environments`, split it into several identities, raise managedPoliciesPerRole '
      + `(up to ${IAM_LIMITS.managedPerRoleMax}, after raising the IAM quota), or allow prefix grants.`);
}

/** Attaches a layout's statements to a created role: its inline policy, or managed policies `Repositories<n>`. */
export function attachRepositoryPolicies(scope: Construct, role: iam.Role, layout: RepositoryPolicyLayout): void {
  role.addToPrincipalPolicy(EcrActions.authTokenStatement());
  if (layout.inline) {
    for (const s of statements(scope, layout.entries)) role.addToPrincipalPolicy(s);
    return;
  }
  layout.chunks.forEach((chunk, i) => {
    new iam.ManagedPolicy(scope, `Repositories${i + 1}`, {
      description: `ECR access of ${role.node.path}, part ${i + 1} of ${layout.chunks.length}`,
      statements: statements(scope, chunk),
      roles: [role],
    });
  });
}
