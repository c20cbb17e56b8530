import { Problems } from '../spec/problems';

/**
 * One `rule` block of the terraform provider's `harbor_retention_policy`
 * (goharbor/terraform-provider-harbor v3.12.4, `provider/resource_retention_policy.go`),
 * in cdktf's camelCase. Exactly one retain parameter, one repository field and
 * one tag field are set (the provider's `retentionRuleParamValidation`).
 */
export interface HarborRetentionRuleBlock {
  /**
   * `disabled`.
   *
   * @default false
   */
  readonly disabled?: boolean;
  /**
   * `always_retain`: the `always` template.
   *
   * @default false
   */
  readonly alwaysRetain?: boolean;
  /**
   * `most_recently_pulled`: `latestPulledN`.
   *
   * @default - not this template
   */
  readonly mostRecentlyPulled?: number;
  /**
   * `most_recently_pushed`: `latestPushedK`.
   *
   * @default - not this template
   */
  readonly mostRecentlyPushed?: number;
  /**
   * `n_days_since_last_pull`: `nDaysSinceLastPull`.
   *
   * @default - not this template
   */
  readonly nDaysSinceLastPull?: number;
  /**
   * `n_days_since_last_push`: `nDaysSinceLastPush`.
   *
   * @default - not this template
   */
  readonly nDaysSinceLastPush?: number;
  /**
   * `repo_matching`: a `repoMatches` repository selector.
   *
   * @default - not this field
   */
  readonly repoMatching?: string;
  /**
   * `repo_excluding`: a `repoExcludes` repository selector.
   *
   * @default - not this field
   */
  readonly repoExcluding?: string;
  /**
   * `tag_matching`: a `matches` tag selector.
   *
   * @default - not this field
   */
  readonly tagMatching?: string;
  /**
   * `tag_excluding`: an `excludes` tag selector.
   *
   * @default - not this field
   */
  readonly tagExcluding?: string;
  /**
   * `untagged_artifacts`: the tag selector's extras `{"untagged": ...}`.
   *
   * @default true
   */
  readonly untaggedArtifacts?: boolean;
}

const PARAM_FIELDS = ['nDaysSinceLastPull', 'nDaysSinceLastPush', 'mostRecentlyPulled', 'mostRecentlyPushed', 'alwaysRetain'] as const;
const SNAKE: Record<string, string> = {
  nDaysSinceLastPull: 'n_days_since_last_pull',
  nDaysSinceLastPush: 'n_days_since_last_push',
  mostRecentlyPulled: 'most_recently_pulled',
  mostRecentlyPushed: 'most_recently_pushed',
  alwaysRetain: 'always_retain',
  repoMatching: 'repo_matching',
  repoExcluding: 'repo_excluding',
  tagMatching: 'tag_matching',
  tagExcluding: 'tag_excluding',
};
const TEMPLATE_FIELD: Record<string, string> = {
  always: 'alwaysRetain',
  latestPulledN: 'mostRecentlyPulled',
  latestPushedK: 'mostRecentlyPushed',
  nDaysSinceLastPull: 'nDaysSinceLastPull',
  nDaysSinceLastPush: 'nDaysSinceLastPush',
};

/**
 * The terraform provider's mapping between `harbor_retention_policy` rule
 * blocks and Harbor's REST retention rules, so that what the construct
 * deploys (blocks) is what the evaluator proves (REST).
 */
export class HarborRetentionRuleBlocks {
  /**
   * The REST policy the provider sends for these blocks: a port of
   * `expandRententionRules` (`client/retention.go`, v3.12.4). The template is
   * the first positive of `n_days_since_last_pull`, `n_days_since_last_push`,
   * `most_recently_pulled`, `most_recently_pushed`, then `always_retain`; the
   * parameter is sent only when positive (`omitempty`); `tag_excluding`
   * overrides `tag_matching`, `repo_excluding` overrides `repo_matching`; the
   * tag selector's extras are `{"untagged":<untagged_artifacts>}`; one tag and
   * one repository selector per rule.
   */
  public static toPolicy(blocks: HarborRetentionRuleBlock[]): string {
    const rules = blocks.map((b) => {
      const rule: any = { disabled: b.disabled === true, action: 'retain', scope_selectors: undefined, tag_selectors: [], params: {}, template: '' };
      const pos = (v: number | undefined) => (v ?? 0) > 0;
      if (pos(b.nDaysSinceLastPull)) {
        rule.params = { nDaysSinceLastPull: b.nDaysSinceLastPull };
        rule.template = 'nDaysSinceLastPull';
      } else if (pos(b.nDaysSinceLastPush)) {
        rule.params = { nDaysSinceLastPush: b.nDaysSinceLastPush };
        rule.template = 'nDaysSinceLastPush';
      } else if (pos(b.mostRecentlyPulled)) {
        rule.params = { latestPulledN: b.mostRecentlyPulled };
        rule.template = 'latestPulledN';
      } else if (pos(b.mostRecentlyPushed)) {
        rule.params = { latestPushedK: b.mostRecentlyPushed };
        rule.template = 'latestPushedK';
      } else if (b.alwaysRetain === true) {
        rule.template = 'always';
      }
      const untagged = b.untaggedArtifacts ?? true;
      const tag: any = { kind: 'doublestar', decoration: '', pattern: '', extras: '' };
      if ((b.tagMatching ?? '') !== '') Object.assign(tag, { decoration: 'matches', pattern: b.tagMatching, extras: `{"untagged":${untagged}}` });
      if ((b.tagExcluding ?? '') !== '') Object.assign(tag, { decoration: 'excludes', pattern: b.tagExcluding, extras: `{"untagged":${untagged}}` });
      const repo: any = { kind: 'doublestar', decoration: '', pattern: '' };
      if ((b.repoMatching ?? '') !== '') Object.assign(repo, { decoration: 'repoMatches', pattern: b.repoMatching });
      if ((b.repoExcluding ?? '') !== '') Object.assign(repo, { decoration: 'repoExcludes', pattern: b.repoExcluding });
      rule.scope_selectors = { repository: [repo] };
      rule.tag_selectors = [tag];
      return rule;
    });
    return JSON.stringify({ algorithm: 'or', rules }, undefined, 2);
  }

  /**
   * The rule blocks for a REST policy whose rules the provider can express
   * (one of its five templates with a positive parameter, one `matches` or
   * `excludes` tag selector with `{"untagged":...}` extras, one `repoMatches`
   * or `repoExcludes` repository selector). Throws one error listing every
   * rule it cannot express.
   */
  public static fromPolicy(policyJson: string): HarborRetentionRuleBlock[] {
    const problems: string[] = [];
    const rules: any[] = JSON.parse(policyJson).rules ?? [];
    const blocks = rules.map((r, i) => {
      const field = TEMPLATE_FIELD[r.template];
      const value = r.template === 'always' ? true : r.params?.[r.template];
      if (!field || (r.template !== 'always' && !(typeof value === 'number' && value > 0))) {
        problems.push(`rules[${i}]: template ${JSON.stringify(r.template)} with params ${JSON.stringify(r.params)} has no rule block form (the provider sends positive parameters only)`);
      }
      const tag = r.tag_selectors?.[0];
      const repo = r.scope_selectors?.repository?.[0];
      if (r.tag_selectors?.length !== 1 || !['matches', 'excludes'].includes(tag?.decoration)) problems.push(`rules[${i}]: needs exactly one matches/excludes tag selector`);
      if (r.scope_selectors?.repository?.length !== 1 || !['repoMatches', 'repoExcludes'].includes(repo?.decoration)) {
        problems.push(`rules[${i}]: needs exactly one repoMatches/repoExcludes repository selector`);
      }
      const untagged = /"untagged"\s*:\s*true/.test(tag?.extras ?? '') ? true : /"untagged"\s*:\s*false/.test(tag?.extras ?? '') ? false : undefined;
      if (untagged === undefined) problems.push(`rules[${i}]: the tag selector's extras must say {"untagged": true|false} (the provider always sends them)`);
      const block: HarborRetentionRuleBlock = {
        ...(r.disabled === true ? { disabled: true } : {}),
        ...(field ? { [field]: value } : {}),
        ...(repo?.decoration === 'repoMatches' ? { repoMatching: repo.pattern } : { repoExcluding: repo?.pattern }),
        ...(tag?.decoration === 'matches' ? { tagMatching: tag.pattern } : { tagExcluding: tag?.pattern }),
        untaggedArtifacts: untagged ?? true,
      };
      return block;
    });
    new Problems().addAll(Problems._fromMessages(problems)).throwIfAny('Cannot express the retention policy as harbor_retention_policy rule blocks');
    return blocks;
  }

  /** The provider's plan-time checks: 1 to 15 blocks (`MinItems`, `MaxItems`), exactly one retain parameter, repository field and tag field per block. */
  public static problems(blocks: HarborRetentionRuleBlock[]): string[] {
    const problems: string[] = [];
    if (blocks.length < 1 || blocks.length > 15) problems.push(`rule: ${blocks.length} blocks; the provider takes 1 to 15`);
    blocks.forEach((b, i) => {
      const params = PARAM_FIELDS.filter((f) => (f === 'alwaysRetain' ? b.alwaysRetain === true : (b[f] ?? 0) !== 0));
      const repos = (['repoMatching', 'repoExcluding'] as const).filter((f) => (b[f] ?? '') !== '');
      const tags = (['tagMatching', 'tagExcluding'] as const).filter((f) => (b[f] ?? '') !== '');
      for (const [set, fields] of [[params, PARAM_FIELDS], [repos, ['repoMatching', 'repoExcluding']], [tags, ['tagMatching', 'tagExcluding']]] as const) {
        const names = `[${fields.map((f) => SNAKE[f]).join(' ')}]`;
        if (set.length === 0) problems.push(`rule[${i}]: exactly one of ${names} must be set`);
        if (set.length > 1) problems.push(`rule[${i}]: only one of ${names} can be set, got ${set.length}`);
      }
    });
    return problems;
  }
}
