import * as cdktf from 'cdktf';
import { Construct } from 'constructs';
import { hclAttributes } from './hcl-attributes';
import { harborResourceConfig } from './metadata';

// Schema source: goharbor/terraform-provider-harbor v3.12.4,
// provider/resource_retention_policy.go lines 19-88 (schema) and 321-343 (the
// CustomizeDiff that requires exactly one retain parameter, one repository selector and
// one tag selector per rule); REST body: client/retention.go (see retention-rest.ts).

/**
 * One `rule` block of a `harbor_retention_policy` (resource_retention_policy.go:29-87).
 * Exactly one of the retain parameters (`nDaysSinceLastPull`, `nDaysSinceLastPush`,
 * `mostRecentlyPulled`, `mostRecentlyPushed`, `alwaysRetain`), exactly one of
 * `repoMatching`/`repoExcluding` and exactly one of `tagMatching`/`tagExcluding`
 * (resource_retention_policy.go:321-343). Several patterns go in one doublestar
 * pattern with braces: `{latest,snapshot}`.
 */
export interface RetentionPolicyRule {
  /**
   * The rule is kept but not applied.
   * @default false (resource_retention_policy.go:37-41)
   */
  readonly disabled?: boolean | cdktf.IResolvable;
  /**
   * Retain the artifacts pulled within the last N days (template `nDaysSinceLastPull`).
   * @default - not this template
   */
  readonly nDaysSinceLastPull?: number;
  /**
   * Retain the artifacts pushed within the last N days (template `nDaysSinceLastPush`).
   * @default - not this template
   */
  readonly nDaysSinceLastPush?: number;
  /**
   * Retain the N most recently pulled artifacts (template `latestPulledN`).
   * @default - not this template
   */
  readonly mostRecentlyPulled?: number;
  /**
   * Retain the N most recently pushed artifacts (template `latestPushedK`).
   * @default - not this template
   */
  readonly mostRecentlyPushed?: number;
  /**
   * Always retain the selected artifacts (template `always`).
   * @default - not this template
   */
  readonly alwaysRetain?: boolean | cdktf.IResolvable;
  /**
   * Doublestar pattern of the repositories (within the project) the rule applies to.
   * @default - exactly one of repoMatching/repoExcluding is required
   */
  readonly repoMatching?: string;
  /**
   * Doublestar pattern of the repositories the rule does not apply to.
   * @default - exactly one of repoMatching/repoExcluding is required
   */
  readonly repoExcluding?: string;
  /**
   * Doublestar pattern of the tags the rule selects.
   * @default - exactly one of tagMatching/tagExcluding is required
   */
  readonly tagMatching?: string;
  /**
   * Doublestar pattern of the tags the rule does not select.
   * @default - exactly one of tagMatching/tagExcluding is required
   */
  readonly tagExcluding?: string;
  /**
   * The rule's selection also includes untagged artifacts (REST tag selector extras
   * `{"untagged":true}`).
   * @default true (resource_retention_policy.go:80-84)
   */
  readonly untaggedArtifacts?: boolean | cdktf.IResolvable;
}

/** A rule block as Terraform JSON (snake_case). */
function retentionPolicyRuleToTerraform(struct?: RetentionPolicyRule | cdktf.IResolvable): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) {
    return struct;
  }
  if (cdktf.isComplexElement(struct)) {
    throw new Error('A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration');
  }
  const r = struct as RetentionPolicyRule;
  return {
    disabled: cdktf.booleanToTerraform(r.disabled),
    n_days_since_last_pull: cdktf.numberToTerraform(r.nDaysSinceLastPull),
    n_days_since_last_push: cdktf.numberToTerraform(r.nDaysSinceLastPush),
    most_recently_pulled: cdktf.numberToTerraform(r.mostRecentlyPulled),
    most_recently_pushed: cdktf.numberToTerraform(r.mostRecentlyPushed),
    always_retain: cdktf.booleanToTerraform(r.alwaysRetain),
    repo_matching: cdktf.stringToTerraform(r.repoMatching),
    repo_excluding: cdktf.stringToTerraform(r.repoExcluding),
    tag_matching: cdktf.stringToTerraform(r.tagMatching),
    tag_excluding: cdktf.stringToTerraform(r.tagExcluding),
    untagged_artifacts: cdktf.booleanToTerraform(r.untaggedArtifacts),
  };
}

/**
 * Configuration of a `harbor_retention_policy`.
 */
export interface RetentionPolicyConfig extends cdktf.TerraformMetaArguments {
  /**
   * The project the policy applies to, as the project resource's id
   * (`/projects/<id>`): the provider takes the first run of digits as the project id
   * (client/retention.go:13-22). ForceNew (resource_retention_policy.go:24-28).
   */
  readonly scope: string;
  /**
   * When the policy runs: `Hourly`, `Daily`, `Weekly` (any case) or a 6-field cron
   * string (client/misc.go:9-32). Empty: the policy has no schedule and runs only when
   * started by hand.
   * @default - no schedule (resource_retention_policy.go:20-23)
   */
  readonly schedule?: string;
  /** The rules, 1 to 15 (resource_retention_policy.go:29-33), ORed by Harbor (`algorithm: or`). */
  readonly rule: RetentionPolicyRule[] | cdktf.IResolvable;
}

/**
 * A Harbor tag retention policy of one project (`harbor_retention_policy`).
 */
export class RetentionPolicy extends cdktf.TerraformResource {
  /** The Terraform resource type. */
  public static readonly tfResourceType = 'harbor_retention_policy';

  private readonly config: RetentionPolicyConfig;

  constructor(scope: Construct, id: string, config: RetentionPolicyConfig) {
    super(scope, id, harborResourceConfig('harbor_retention_policy', config));
    this.config = config;
  }

  /** The resource id, `/retentions/<id>`. */
  public get id(): string {
    return this.getStringAttribute('id');
  }

  /** The rule blocks as configured (what `HarborRetentionRest.fromRules` reads). */
  public get rule(): RetentionPolicyRule[] | cdktf.IResolvable {
    return this.config.rule;
  }

  /** The configured scope. */
  public get scope(): string {
    return this.config.scope;
  }

  /** The configured schedule. */
  public get schedule(): string | undefined {
    return this.config.schedule;
  }

  protected synthesizeHclAttributes(): { [name: string]: any } {
    return hclAttributes(this.synthesizeAttributes(), { rule: { nesting: 'list' } });
  }

  protected synthesizeAttributes(): { [name: string]: any } {
    const c = this.config;
    return {
      scope: cdktf.stringToTerraform(c.scope),
      schedule: cdktf.stringToTerraform(c.schedule),
      rule: cdktf.listMapper(retentionPolicyRuleToTerraform, true)(c.rule),
    };
  }
}
