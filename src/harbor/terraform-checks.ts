import { HarborRetentionRest } from './provider/retention-rest';
import { HarborRetentionRuleBlocks } from '../retention/harbor-rule-blocks';

/** A problem found in synthesized Harbor Terraform. */
export interface HarborTerraformProblem {
  /** The Terraform address (`harbor_robot_account.<name>`). */
  readonly address: string;
  /** What is wrong and what the provider or Harbor does with it. */
  readonly message: string;
}

/** Options of `HarborTerraformChecks.check`. */
export interface HarborTerraformCheckOptions {
  /**
   * Check only the resources of this construct path and below (their
   * `//.metadata.path`), as the Harbor `ContainerRegistry` does at synth.
   *
   * @default - every resource
   */
  readonly pathPrefix?: string;
}

/**
 * Checks synthesized Terraform JSON against the constraints of Harbor and of the
 * goharbor/harbor provider that the typed classes do not enforce, the way the
 * construct runs them as a node validation at synth:
 * - `harbor_retention_policy`: 1 to 15 rule blocks, each with exactly one retain
 *   parameter, one repository selector and one tag selector (the provider's
 *   CustomizeDiff, resource_retention_policy.go:321-343, and MaxItems 15);
 * - `harbor_robot_account` of level `project`: exactly one `permissions` block, of
 *   kind `project` (Harbor, src/server/v2.0/handler/robot.go: "to create a project
 *   robot, the permission must be only one project scope"), at least one access,
 *   and no `*` namespace;
 * - `harbor_immutable_tag_rule`: one repository selector and one tag selector (the
 *   client sends the excluding pattern when both are set, client/immutable_tag_rule.go);
 * - `harbor_project`: `proxy_speed_kb` only with `registry_id`
 *   (resource_project.go:114-125), never `public` unless asked.
 */
export class HarborTerraformChecks {
  /** The problems of a synthesized stack (`TerraformStack.toTerraform()`), under an optional construct path. */
  public static check(terraformJson: any, options: HarborTerraformCheckOptions = {}): HarborTerraformProblem[] {
    const json = typeof terraformJson === 'string' ? JSON.parse(terraformJson) : terraformJson;
    const out: HarborTerraformProblem[] = [];
    const prefix = options.pathPrefix;
    const mine = (r: any) => {
      const path: string | undefined = r?.['//']?.metadata?.path;
      return prefix === undefined || path === undefined || path === prefix || path.startsWith(`${prefix}/`);
    };
    const each = (type: string, fn: (address: string, body: any) => void) => {
      for (const [name, body] of Object.entries<any>(json?.resource?.[type] ?? {})) if (mine(body)) fn(`${type}.${name}`, body);
    };
    each('harbor_retention_policy', (address, body) => {
      const rules: any[] = Array.isArray(body.rule) ? body.rule : [];
      const blocks = rules.map((r) => HarborRetentionRest._ruleFromTerraform(r));
      for (const m of HarborRetentionRuleBlocks.problems(blocks)) out.push({ address, message: m });
    });
    each('harbor_robot_account', (address, body) => {
      const perms: any[] = Array.isArray(body.permissions) ? body.permissions : [];
      if (body.level === 'project') {
        if (perms.length !== 1) out.push({ address, message: `a project robot holds exactly one project's permission (Harbor refuses others), got ${perms.length} permissions blocks` });
        for (const p of perms) {
          if (p.kind !== 'project') out.push({ address, message: `a project robot's permission is of kind "project", got "${p.kind}"` });
          if (p.namespace === '*') out.push({ address, message: 'a project robot names its project, not "*" (every project)' });
        }
      }
      for (const p of perms) {
        const access = Array.isArray(p.access) ? p.access : [];
        if (access.length === 0) out.push({ address, message: `permissions for "${p.namespace}" list no access (Harbor: "bad request empty access")` });
        for (const a of access) {
          if (a.action === 'delete' || a.action === '*') out.push({ address, message: `grants ${a.resource}:${a.action}; no identity of the spec may delete (only retention deletes)` });
        }
      }
    });
    each('harbor_immutable_tag_rule', (address, body) => {
      const repos = ['repo_matching', 'repo_excluding'].filter((k) => body[k]);
      const tags = ['tag_matching', 'tag_excluding'].filter((k) => body[k]);
      if (repos.length !== 1) out.push({ address, message: `needs exactly one of repo_matching, repo_excluding (got ${repos.length}; with both the provider sends only the excluding one)` });
      if (tags.length !== 1) out.push({ address, message: `needs exactly one of tag_matching, tag_excluding (got ${tags.length}; with both the provider sends only the excluding one)` });
    });
    each('harbor_project', (address, body) => {
      if (body.proxy_speed_kb !== undefined && body.registry_id === undefined) out.push({ address, message: 'sets proxy_speed_kb without registry_id (only proxy-cache projects take it)' });
    });
    return out;
  }

  /** One line per problem, as the node validation reports it. */
  public static format(p: HarborTerraformProblem): string {
    return `${p.address}: ${p.message}`;
  }
}
