import { Token } from 'cdktf';
import { RetentionPolicyRule } from './retention-policy';
import type { HarborRetentionRuleBlock } from '../../retention/harbor-rule-blocks';

// The provider's mapping from `harbor_retention_policy` arguments to the body of
// Harbor's REST retention policy (POST/PUT /api/v2.0/retentions), transcribed from
// goharbor/terraform-provider-harbor v3.12.4:
// - client/retention.go:12-46  GetRententionBody: algorithm `or`, scope, trigger;
// - client/retention.go:48-116 expandRententionRules: template, params, selectors;
// - client/misc.go:9-32        GetSchedule: `Hourly`/`Daily`/`Weekly` to cron;
// - models/retention.go        the JSON field names (params are `omitempty`);
// - provider/resource_retention_policy.go:321-343 the plan-time check of each rule.

/**
 * The arguments of a `harbor_retention_policy` that the REST body is built from.
 */
export interface HarborRetentionRestInput {
  /**
   * The resource's `scope` (`/projects/<id>`): the provider takes the first run of
   * digits as the project id (client/retention.go:14-16).
   */
  readonly scope: string;
  /**
   * The numeric project id, when `scope` is an unresolved reference (the project's id
   * is only known at apply time).
   * @default - read from `scope`
   */
  readonly projectId?: number;
  /**
   * The resource's `schedule`.
   * @default - no schedule (cron "")
   */
  readonly schedule?: string;
  /** The resource's `rule` blocks. */
  readonly rules: RetentionPolicyRule[];
}

/**
 * Harbor's REST retention policy as the goharbor/harbor Terraform provider sends it.
 *
 * The JSON keys are Harbor's (snake_case: `scope_selectors`, `tag_selectors`), so the
 * result is untyped JSON; its shape, from models/retention.go:
 * `{ algorithm: 'or', rules: [{ disabled, action: 'retain', scope_selectors: { repository:
 * [{ kind: 'doublestar', decoration: 'repoMatches'|'repoExcludes', pattern }] },
 * tag_selectors: [{ kind: 'doublestar', decoration: 'matches'|'excludes', pattern,
 * extras: '{"untagged":true}' }], params: { <template param>: N }, template }],
 * trigger: { kind: 'Schedule', references: {}, settings: { cron } },
 * scope: { level: 'project', ref: <project id> } }`.
 */
export class HarborRetentionRest {
  /** The provider's templates in the order it tries them (client/retention.go:60-74). */
  public static readonly TEMPLATES = ['nDaysSinceLastPull', 'nDaysSinceLastPush', 'latestPulledN', 'latestPushedK', 'always'];

  /**
   * The REST policy the provider sends for these arguments (create and update send the
   * same body, resource_retention_policy.go:104, 176). Values must be resolved; a
   * `scope` that is a reference needs `projectId`.
   */
  public static fromRules(input: HarborRetentionRestInput): any {
    return {
      algorithm: 'or',
      // `var rules []models.Rules` stays nil without blocks: JSON null (MinItems 1 prevents it).
      rules: input.rules.length === 0 ? null : input.rules.map((r, i) => HarborRetentionRest.rule(r, i)),
      trigger: { kind: 'Schedule', references: {}, settings: { cron: HarborRetentionRest.cron(input.schedule ?? '') } },
      scope: { level: 'project', ref: HarborRetentionRest.projectRef(input) },
    };
  }

  /**
   * A synthesized `rule` block (snake_case, as in `cdktf.out`) as the binding's
   * `RetentionPolicyRule`: the one reading of deployed rule blocks, for the REST
   * mapping and the Terraform-side checks.
   * @internal
   */
  public static _ruleFromTerraform(r: { [key: string]: any }): HarborRetentionRuleBlock {
    return {
      disabled: r.disabled,
      nDaysSinceLastPull: r.n_days_since_last_pull,
      nDaysSinceLastPush: r.n_days_since_last_push,
      mostRecentlyPulled: r.most_recently_pulled,
      mostRecentlyPushed: r.most_recently_pushed,
      alwaysRetain: r.always_retain,
      repoMatching: r.repo_matching,
      repoExcluding: r.repo_excluding,
      tagMatching: r.tag_matching,
      tagExcluding: r.tag_excluding,
      untaggedArtifacts: r.untagged_artifacts,
    };
  }

  /**
   * The REST policy for a synthesized `harbor_retention_policy` resource body (the
   * snake_case JSON in `cdktf.out`: `scope`, `schedule`, `rule` blocks), so that a proof
   * reads exactly what is deployed. `projectId` stands for a `scope` that is a reference.
   */
  public static fromTerraform(body: { [key: string]: any }, projectId?: number): any {
    const rules: any[] = Array.isArray(body.rule) ? body.rule : [];
    const reference = (v: unknown) => typeof v === 'string' && v.includes('${');
    if (reference(body.scope) && projectId === undefined) {
      throw new Error(`HarborRetentionRest: scope ${JSON.stringify(body.scope)} is a reference: pass projectId`);
    }
    rules.forEach((r, i) => Object.entries(r).forEach(([k, v]) => {
      if (reference(v)) throw new Error(`HarborRetentionRest: rule[${i}].${k} is a Terraform expression ${JSON.stringify(v)}`);
    }));
    return HarborRetentionRest.fromRules({
      scope: String(body.scope ?? ''),
      projectId,
      schedule: body.schedule,
      rules: rules.map((r) => HarborRetentionRest._ruleFromTerraform(r)),
    });
  }

  /**
   * What the provider's plan-time check (resource_retention_policy.go:321-343) and the
   * block's size limits (MinItems 1, MaxItems 15, lines 29-33) refuse, with the
   * provider's messages. Empty when the provider accepts the rules.
   */
  public static problems(rules: RetentionPolicyRule[]): string[] {
    const out: string[] = [];
    if (rules.length < 1) out.push('rule: at least 1 block is required (MinItems 1)');
    if (rules.length > 15) out.push(`rule: at most 15 blocks are allowed (MaxItems 15), got ${rules.length}`);
    const paramFields = ['n_days_since_last_pull', 'n_days_since_last_push', 'most_recently_pulled', 'most_recently_pushed', 'always_retain'];
    const repoFields = ['repo_matching', 'repo_excluding'];
    const tagFields = ['tag_matching', 'tag_excluding'];
    rules.forEach((r, i) => {
      // countSetParamFields: a bool counts when true, an int when non-zero (so a
      // negative count passes the check, and then selects no template).
      const params = [r.nDaysSinceLastPull, r.nDaysSinceLastPush, r.mostRecentlyPulled, r.mostRecentlyPushed, r.alwaysRetain]
        .filter((v) => v === true || (typeof v === 'number' && v !== 0)).length;
      const repos = [r.repoMatching, r.repoExcluding].filter((v) => v !== undefined && v !== '').length;
      const tags = [r.tagMatching, r.tagExcluding].filter((v) => v !== undefined && v !== '').length;
      // The provider returns at the first failing group of the first failing rule; all
      // are listed here.
      for (const [count, fields] of [[params, paramFields], [repos, repoFields], [tags, tagFields]] as Array<[number, string[]]>) {
        if (count === 0) out.push(`rule[${i}]: exactly one of [${fields.join(' ')}] must be set`);
        if (count > 1) out.push(`rule[${i}]: only one of [${fields.join(' ')}] can be set, got ${count}`);
      }
    });
    return out;
  }

  /** The cron the provider sends for a `schedule` (client/misc.go:9-32, client/retention.go:30-40). */
  public static cron(schedule: string): string {
    switch (schedule.toLowerCase()) {
      case 'hourly': case '0 0 * * * *': return '0 0 * * * *';
      case 'daily': case '0 0 0 * * *': return '0 0 0 * * *';
      case 'weekly': case '0 0 0 * * 0': return '0 0 0 * * 0';
      default: return schedule;
    }
  }

  private static projectRef(input: HarborRetentionRestInput): number {
    if (input.projectId !== undefined) return input.projectId;
    if (Token.isUnresolved(input.scope)) {
      throw new Error(`HarborRetentionRest: scope ${JSON.stringify(input.scope)} is a reference: pass projectId`);
    }
    // regexp.MustCompile(`(?m)[0-9]+`).FindString(scope), then strconv.Atoi; no digits: 0.
    const digits = /[0-9]+/.exec(input.scope);
    return digits ? parseInt(digits[0], 10) : 0;
  }

  private static rule(r: RetentionPolicyRule, index: number): any {
    for (const [name, v] of Object.entries(r)) {
      if (v !== undefined && Token.isUnresolved(v)) {
        throw new Error(`HarborRetentionRest: rule[${index}].${name} is an unresolved token`);
      }
    }
    const num = (v: number | undefined): number => v ?? 0;
    const params: { [key: string]: number } = {};
    let template = '';
    // client/retention.go:60-74: the first positive parameter, in this order, wins.
    if (num(r.nDaysSinceLastPull) > 0) {
      params.nDaysSinceLastPull = num(r.nDaysSinceLastPull);
      template = 'nDaysSinceLastPull';
    } else if (num(r.nDaysSinceLastPush) > 0) {
      params.nDaysSinceLastPush = num(r.nDaysSinceLastPush);
      template = 'nDaysSinceLastPush';
    } else if (num(r.mostRecentlyPulled) > 0) {
      params.latestPulledN = num(r.mostRecentlyPulled);
      template = 'latestPulledN';
    } else if (num(r.mostRecentlyPushed) > 0) {
      params.latestPushedK = num(r.mostRecentlyPushed);
      template = 'latestPushedK';
    } else if (r.alwaysRetain === true) {
      template = 'always';
    }
    // client/retention.go:76-90: the excluding pattern, when set, replaces the matching
    // one; extras carry untagged_artifacts (default true, resource_retention_policy.go:80-84)
    // only when a tag pattern is set.
    const untagged = r.untaggedArtifacts === undefined ? true : r.untaggedArtifacts === true;
    const tag = { kind: 'doublestar', decoration: '', pattern: '', extras: '' };
    if (r.tagMatching) Object.assign(tag, { decoration: 'matches', pattern: r.tagMatching, extras: `{"untagged":${untagged}}` });
    if (r.tagExcluding) Object.assign(tag, { decoration: 'excludes', pattern: r.tagExcluding, extras: `{"untagged":${untagged}}` });
    // client/retention.go:96-109.
    const repo = { kind: 'doublestar', decoration: '', pattern: '' };
    if (r.repoMatching) Object.assign(repo, { decoration: 'repoMatches', pattern: r.repoMatching });
    if (r.repoExcluding) Object.assign(repo, { decoration: 'repoExcludes', pattern: r.repoExcluding });
    return {
      disabled: r.disabled === true,
      action: 'retain',
      scope_selectors: { repository: [repo] },
      tag_selectors: [tag],
      params,
      template,
    };
  }
}
