import { Cloud } from './registry-spec';

/**
 * One policy the spec produces on one cloud: a lifecycle policy, cleanup
 * policies, purge commands, tag mutability, an IAM policy, a trust policy, a role
 * binding or assignment. Each cloud's `PolicyPlan` class (`aws.EcrPolicyPlan`,
 * `gcp.GarPolicyPlan`, `azure.AcrPolicyPlan`) extracts them from what the
 * constructs synthesize, so the plan is what would be deployed.
 */
export interface PolicyPlanEntry {
  /** The cloud. */
  readonly cloud: Cloud;
  /** The native resource the policy belongs to (`platform/dev/api`, `role ci`). */
  readonly resource: string;
  /** What kind of policy it is (`lifecycle-policy`, `iam-policy`, `trust-policy`, ...). */
  readonly kind: string;
  /**
   * The policy, rendered as stable, indented JSON or as text lines. Values only
   * known at deploy time are named placeholders (`<aws:iam-role:Registry/Ci>`).
   */
  readonly document: string;
}

/**
 * Renders policy plans as stable, reviewable text: one section per cloud,
 * resource and kind, sorted, with the same output for the same spec on any
 * machine. Made for snapshot tests, so that a change of retention or access
 * shows up in review as a readable diff.
 */
export class PolicyPlanText {
  /** Renders entries, sorted by cloud, resource and kind. */
  public static render(entries: PolicyPlanEntry[]): string {
    const sorted = [...entries].sort((a, b) =>
      compare(a.cloud, b.cloud) || compare(a.resource, b.resource) || compare(a.kind, b.kind) || compare(a.document, b.document));
    return sorted.map((e) => `## ${e.cloud} ${e.resource} ${e.kind}\n${e.document.trimEnd()}\n`).join('\n');
  }

  /**
   * JSON with object keys sorted at every level and two-space indentation:
   * the same document always renders the same text.
   */
  public static stableJson(value: any): string {
    return JSON.stringify(sortKeys(value), null, 2);
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sortKeys(value: any): any {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, any> = {};
  for (const key of Object.keys(value).sort()) out[key] = sortKeys(value[key]);
  return out;
}
