import * as cdktf from 'cdktf';
import { Construct } from 'constructs';
import { hclAttributes } from './hcl-attributes';
import { harborResourceConfig } from './metadata';

// Schema source: goharbor/terraform-provider-harbor v3.12.4,
// provider/resource_immutable_tag_rule.go lines 17-48; REST body:
// client/immutable_tag_rule.go (doublestar selectors, action `immutable`, template
// `immutable_template`). The schema leaves matching/excluding unconstrained (the
// ConflictsWith lines are commented out, lines 31-46): if both are set, the excluding
// pattern wins (client/immutable_tag_rule.go:24-53).

/**
 * Configuration of a `harbor_immutable_tag_rule`: tags of the selected repositories that
 * match the tag selector cannot be re-pushed or deleted.
 */
export interface ImmutableTagRuleConfig extends cdktf.TerraformMetaArguments {
  /**
   * The project, as its id or the project resource's id (`/projects/<id>`): the provider
   * prefixes `/projects/` when missing (resource_robot_account.go:134-141). ForceNew.
   */
  readonly projectId: string;
  /**
   * The rule is kept but not applied.
   * @default false (resource_immutable_tag_rule.go:23-27)
   */
  readonly disabled?: boolean | cdktf.IResolvable;
  /**
   * Doublestar pattern of the repositories the rule applies to.
   * @default - set one of repoMatching/repoExcluding
   */
  readonly repoMatching?: string;
  /**
   * Doublestar pattern of the repositories the rule does not apply to.
   * @default - set one of repoMatching/repoExcluding
   */
  readonly repoExcluding?: string;
  /**
   * Doublestar pattern of the immutable tags.
   * @default - set one of tagMatching/tagExcluding
   */
  readonly tagMatching?: string;
  /**
   * Doublestar pattern of the tags that stay mutable (all others are immutable).
   * @default - set one of tagMatching/tagExcluding
   */
  readonly tagExcluding?: string;
}

/**
 * A Harbor immutable tag rule (`harbor_immutable_tag_rule`).
 */
export class ImmutableTagRule extends cdktf.TerraformResource {
  /** The Terraform resource type. */
  public static readonly tfResourceType = 'harbor_immutable_tag_rule';

  private readonly config: ImmutableTagRuleConfig;

  constructor(scope: Construct, id: string, config: ImmutableTagRuleConfig) {
    super(scope, id, harborResourceConfig('harbor_immutable_tag_rule', config));
    this.config = config;
  }

  /** The resource id, `/projects/<id>/immutabletagrules/<rule id>`. */
  public get id(): string {
    return this.getStringAttribute('id');
  }

  protected synthesizeHclAttributes(): { [name: string]: any } {
    return hclAttributes(this.synthesizeAttributes(), {});
  }

  protected synthesizeAttributes(): { [name: string]: any } {
    const c = this.config;
    return {
      project_id: cdktf.stringToTerraform(c.projectId),
      disabled: cdktf.booleanToTerraform(c.disabled),
      repo_matching: cdktf.stringToTerraform(c.repoMatching),
      repo_excluding: cdktf.stringToTerraform(c.repoExcluding),
      tag_matching: cdktf.stringToTerraform(c.tagMatching),
      tag_excluding: cdktf.stringToTerraform(c.tagExcluding),
    };
  }
}
