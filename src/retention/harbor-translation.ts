import { escapeDoublestar } from './harbor-doublestar';
import { HarborRetentionRuleBlock, HarborRetentionRuleBlocks } from './harbor-rule-blocks';
import { RuleTranslation, TranslationFidelity, TranslationReport } from './translation-report';
import { ATTACHMENT_TAG_GLOB, actionWords, attachmentsCountedReason, countsAttachmentsNatively, selectsAttachments, liveRuleIndexes, livePatterns, groupByKey, PolicyOnce, selectionWords, throwTranslationProblems, worstFidelity } from './translation-support';
import { EffectiveSpec } from '../spec/effective';
import { Naming } from '../spec/naming';
import { RegistrySpec, RetentionPolicySpec, RetentionRuleSpec, TagState } from '../spec/registry-spec';
import { archives, overArchived } from '../spec/retention-rules';

/** The retention policy of one repository of a Harbor project. */
export interface HarborRepositoryRetention {
  /** The repository name inside the project (`api`, `dev/api`). */
  readonly repository: string;
  /** The repository's effective retention policy. */
  readonly policy: RetentionPolicySpec;
}

/** The repositories of one Harbor project with their retention policies. */
export interface HarborProjectRetention {
  /** The project name. */
  readonly project: string;
  /** Its repositories (image names per the layout). */
  readonly repositories: HarborRepositoryRetention[];
}

/** A Harbor retention policy translated from neutral retention policies. */
export interface HarborRetentionResult {
  /**
   * The REST API retention policy (`{"algorithm": "or", "rules": [...]}`), the
   * shape `HarborRetentionEvaluator` reads. Each rule has one tag selector and
   * one repository selector and uses one of the five templates of the
   * terraform provider's `harbor_retention_policy` rule block, so the
   * construct can emit it as rule blocks. No rules: nothing to delete (attach
   * no policy).
   */
  readonly policyJson: string;
  /**
   * The same rules as `harbor_retention_policy` rule blocks (what the construct
   * emits); `HarborRetentionRuleBlocks.toPolicy` maps them back to `policyJson`.
   */
  readonly ruleBlocks: HarborRetentionRuleBlock[];
  /** How many rules the policy has (Harbor allows 15). */
  readonly ruleCount: number;
  /** Whether any repository's policy asks for a dry run (Harbor's dry runs are per execution: attach no schedule). */
  readonly dryRun: boolean;
  /** How faithfully each rule was translated, per distinct policy in order of first appearance. */
  readonly report: TranslationReport;
}

interface Selection {
  readonly decoration: 'matches' | 'excludes';
  readonly pattern: string;
  readonly untagged: boolean;
}
interface HarborRule {
  readonly template: string;
  readonly params: Record<string, number>;
  readonly selection: Selection;
  repositories: string[];
}
/** What a translated neutral rule retains, for deciding whether a later rule retains what an earlier one expires. */
type Retains =
  | { kind: 'count' }
  | { kind: 'pushDays'; days: number }
  | { kind: 'activeDays'; days: number }
  | { kind: 'all' };

/**
 * Translates neutral retention policies (one per repository of a Harbor
 * project) into the project's Harbor retention policy.
 *
 * Harbor's retention is an allowlist: rules retain, rules are ORed, and every
 * artifact of a repository a rule reaches that no rule retains is deleted
 * (`HarborRetentionEvaluator`). Each neutral rule's selection is expressed
 * exactly with one doublestar tag selector (a tagged rule: `matches
 * {p1,p2}` without untagged artifacts, the neutral `*` being doublestar's `*`
 * since tags have no `/`; untagged: `excludes **` with untagged artifacts; any:
 * `matches **` with them), so Harbor counts "the N most recent" over the same
 * selection as the neutral rule (protected and earlier-claimed images included).
 * Per group of repositories with the same policy (named literally by a
 * `repoMatches {a,b}` selector on every rule, so no other repository is reached):
 * - protected tags: `always` over `matches {patterns}` (exact);
 * - cosign's signature and attestation tags: `always` over `matches sha256-*`
 *   (attachments are never deleted, see translation-support);
 * - keep the N most recent: `latestPushedK` N (exact, but Harbor sorts whole
 *   seconds with an unstable sort: of images pushed in the same second at the
 *   N-th place it keeps any; a warning says so);
 * - expire after N days: `nDaysSinceLastPush` N (exact; Harbor compares whole
 *   seconds, so a run starting between two seconds keeps images up to one
 *   second older);
 * - expire when not pulled for N days: `nDaysSinceLastPull` N and
 *   `nDaysSinceLastPush` N (exact: Harbor reads a never-pulled artifact's pull
 *   time as year 1, `dep/client.go`, so the pull rule alone would delete a
 *   fresh image never pulled; the push rule retains it, which is the neutral
 *   "never pulled counts as pulled at push");
 * - keep the N most recently pulled: `latestPulledN` N and `latestPushedK` N
 *   (conservative: the neutral order is by the later of pull and push, which
 *   is Harbor's `latestActiveK`, but the terraform provider cannot emit it;
 *   the N most recent by that order are among the N most recently pulled or
 *   the N most recently pushed, so up to 2N are kept);
 * - rules that archive: `always` over the selection (Harbor has no archive
 *   storage class; conservative, with a warning); rules over archived images
 *   select nothing;
 * - images no rule selects: `always` over `excludes {every tagged pattern}`
 *   (with untagged artifacts when no rule selects them), or over untagged
 *   artifacts only when a rule selects every tag (`*`); none when an `any`
 *   rule exists. Harbor's `excludes` keeps an image when one of its tags does
 *   not match, so an image with a selected tag and an unselected one is also
 *   retained: rules over tagged images are then conservative.
 * - First-match order has no Harbor form, and it needs none for safety: a
 *   later rule retaining an image an earlier rule expires keeps more
 *   (conservative), and the report says which rules this can affect (a later
 *   "within N days" rule never retains what an earlier "older than M >= N days"
 *   rule expires, so that pair stays exact).
 * Identical Harbor rules of different groups are merged (their repositories
 * ORed). A group whose rules delete nothing gets no rule (no repository of it
 * is reached). Throws one error listing every problem for invalid policies or
 * more than Harbor's 15 rules per project.
 */
export class HarborRetentionTranslation {
  /** Harbor's limit on rules per retention policy (`src/server/v2.0/handler/retention.go`). */
  public static readonly MAX_RULES = 15;

  /**
   * The Harbor projects and repositories of a spec, with each repository's
   * effective retention, named by `Naming.harborProjectName` and
   * `Naming.harborRepositoryPath`: layout `tags` (or no environments): one project
   * `<name>` with repositories `<image>`; `repositories`: one project `<name>`
   * with `<env>/<image>`; `registries`: one project `<name>-<env>` per
   * environment with `<image>`.
   */
  public static projects(spec: RegistrySpec): HarborProjectRetention[] {
    const images = spec.repositories.map((r) => ({ name: r.name, policy: EffectiveSpec.retention(spec, r) }));
    const projects = new Map<string, HarborRepositoryRetention[]>();
    for (const env of Naming.physicalEnvironments(spec)) {
      const project = Naming.harborProjectName(spec, env || undefined);
      const repositories = projects.get(project) ?? [];
      repositories.push(...images.map((i) => ({ repository: Naming.harborRepositoryPath(spec, i.name, env || undefined), policy: i.policy })));
      projects.set(project, repositories);
    }
    return [...projects.entries()].map(([project, repositories]) => ({ project, repositories }));
  }

  /** Translates the project's repositories' policies into one Harbor retention policy. */
  public static translate(repositories: HarborRepositoryRetention[]): HarborRetentionResult {
    const what = 'Cannot translate the retention policies to a Harbor retention policy';
    const problems: string[] = [];
    if (!Array.isArray(repositories)) throwTranslationProblems(what, ['repositories: must be a list of { repository, policy }']);
    const seen = new Set<string>();
    const once = new PolicyOnce(); // many repositories share one policy object: each checked and keyed once
    repositories.forEach((r, k) => {
      if (typeof r?.repository !== 'string' || !/^[a-z0-9]+(?:[._/-][a-z0-9]+)*$/.test(r.repository)) {
        problems.push(`repositories[${k}].repository: ${JSON.stringify(r?.repository)} is not a repository name (lower-case letters, digits, . _ - / separators)`);
      } else if (seen.has(r.repository)) {
        problems.push(`repositories[${k}].repository: "${r.repository}" is listed twice`);
      }
      seen.add(r?.repository);
      problems.push(...once.problems(r?.policy, `repositories[${k}] (${r?.repository}).retention`));
    });
    throwTranslationProblems(what, problems);

    const groups = groupByKey(repositories, (r) => once.key(r.policy, policyKey), (r) => r.repository,
      (r, key): { key: string; policy: RetentionPolicySpec; names: string[] } => ({ key, policy: r.policy, names: [] }));

    const reports: RuleTranslation[] = [];
    const warnings: string[] = [];
    const harborRules: HarborRule[] = [];
    const perGroup: string[] = [];
    let ties = false;
    for (const g of groups) {
      const multi = groups.length > 1 ? `${g.names.join(', ')}: ` : '';
      const rules = g.policy.rules ?? [];
      const ruleWarnings: string[] = [];
      const live = liveRuleIndexes(rules, ruleWarnings);
      livePatterns(g.policy, live, ruleWarnings); // drops tagged rules whose every pattern is claimed earlier
      rules.forEach((rule, i) => {
        if (overArchived(rule)) {ruleWarnings.push(`rules[${i}] selects archived images; Harbor has no archive storage class, so it selects nothing`);} else if (live.includes(i) && archives(rule)) {
          ruleWarnings.push(`rules[${i}] (${actionWords(rule)}): Harbor has no archive storage class; the rule archives nothing and keeps its whole selection`);
        }
      });
      warnings.push(...ruleWarnings.map((w) => `${multi}${w}`));

      const plans = live.map((i) => planRule(i, rules[i], countsAttachmentsNatively(g.policy, rules[i])));
      const deletes = plans.some((p) => p.retains.kind !== 'all');
      const own: HarborRule[] = [];
      if ((g.policy.protectedTags ?? []).length > 0) reports.push({ ruleIndex: -1, fidelity: TranslationFidelity.EXACT });
      const protectedPatterns = [...new Set(g.policy.protectedTags ?? [])];
      const hasAny = plans.some((p) => p.rule.tagState === TagState.ANY);
      const tagged = [...new Set(plans.filter((p) => p.rule.tagState === TagState.TAGGED).flatMap((p) => p.rule.tagPatterns ?? []))];
      const needTagged = !hasAny && !tagged.includes('*');
      const needUntagged = !hasAny && !plans.some((p) => p.rule.tagState === TagState.UNTAGGED);
      if (deletes) {
        if (protectedPatterns.length > 0) own.push({ template: 'always', params: {}, selection: tagSelection(protectedPatterns), repositories: g.names });
        // cosign's attachment tags are never deleted natively (translation-support): a rule of their own, the same
        // in every group, so the groups' copies merge into one Harbor rule.
        if (selectsAttachments(g.policy)) own.push({ template: 'always', params: {}, selection: tagSelection([ATTACHMENT_TAG_GLOB]), repositories: g.names });
        for (const p of plans) own.push(...p.harbor.map((h) => ({ ...h, repositories: g.names })));
        if (needTagged) {
          // Images with a tag outside every rule's patterns (and untagged ones when no rule selects them).
          own.push({ template: 'always', params: {}, selection: { decoration: 'excludes', pattern: alternatives(tagged.map(globToDoublestar)), untagged: !needUntagged }, repositories: g.names });
        } else if (needUntagged) {
          own.push({ template: 'always', params: {}, selection: { decoration: 'excludes', pattern: '**', untagged: false }, repositories: g.names });
        }
        if (plans.some((p) => p.harbor.some((h) => h.template === 'latestPushedK' || h.template === 'latestPulledN'))) ties = true;
      }
      perGroup.push(`${g.names.join(', ')}: ${own.length} rule${own.length === 1 ? '' : 's'}`);
      harborRules.push(...own);

      rules.forEach((rule, i) => {
        const plan = plans.find((p) => p.index === i);
        const label = `${multi}rules[${i}] (${actionWords(rule)}, ${selectionWords(rule)})`;
        if (!plan) {
          reports.push({ ruleIndex: i, fidelity: TranslationFidelity.EXACT });
          return;
        }
        const reason = !deletes ? (plan.reason) : plan.reason ?? laterRetains(plan, plans) ?? (needTagged && rule.tagState === TagState.TAGGED
          ? 'Harbor\'s tag selectors test whether one tag matches or one tag does not: "no tag matches" has no form, so the rule that keeps the images ' +
            'no neutral rule selects (excludes the rules\' patterns) also retains images this rule expires when they carry another, unselected tag'
          : undefined);
        reports.push(reason ? { ruleIndex: i, fidelity: TranslationFidelity.CONSERVATIVE, reason: `${label}: ${reason}` } : { ruleIndex: i, fidelity: TranslationFidelity.EXACT });
      });
    }

    const merged = mergeRules(harborRules);
    if (merged.length > HarborRetentionTranslation.MAX_RULES) {
      throwTranslationProblems(what, [`the policies need ${merged.length} Harbor retention rules; Harbor allows ${HarborRetentionTranslation.MAX_RULES} per project ` +
        `(${perGroup.join('; ')}). Give more repositories the same retention, or merge rules (each protected-tag list, rule and catch-all is one Harbor rule, the signature tags sha256-* one shared rule, ` +
        'a pull-time rule two)']);
    }
    if (ties) {
      warnings.push('Harbor orders "most recently pushed/pulled" by whole seconds with an unstable sort: when images of a selection were pushed (pulled) in the same ' +
        'second at the N-th place, Harbor keeps any of them, not necessarily the one the spec\'s order (by digest) keeps');
    }
    const dryRun = repositories.some((r) => r.policy.dryRun === true);
    if (dryRun && merged.length > 0) {
      warnings.push('dryRun: Harbor has no dry-run setting on a retention policy (dry runs are per execution): attach no schedule and run the policy as a dry run by hand');
    }
    // The repositories of each rule as literal patterns; most rules list the same repositories: each name escaped once.
    const escaped = new Map<string, string>();
    const literal = (name: string) => {
      let e = escaped.get(name);
      if (e === undefined) escaped.set(name, e = escapeDoublestar(name));
      return e;
    };
    const policy = {
      algorithm: 'or',
      rules: merged.map((r) => ({
        disabled: false,
        action: 'retain',
        template: r.template,
        params: r.params,
        tag_selectors: [{ kind: 'doublestar', decoration: r.selection.decoration, pattern: r.selection.pattern, extras: `{"untagged":${r.selection.untagged}}` }],
        scope_selectors: { repository: [{ kind: 'doublestar', decoration: 'repoMatches', pattern: alternatives(r.repositories.map(literal)) }] },
      })),
    };
    const policyJson = JSON.stringify(policy, undefined, 2);
    return {
      policyJson,
      ruleBlocks: HarborRetentionRuleBlocks.fromPolicy(policyJson),
      ruleCount: merged.length,
      dryRun,
      report: { fidelity: worstFidelity(reports), rules: reports, warnings },
    };
  }
}

interface Plan {
  readonly index: number;
  readonly rule: RetentionRuleSpec;
  readonly harbor: Array<Omit<HarborRule, 'repositories'>>;
  readonly retains: Retains;
  readonly reason?: string;
}

function planRule(index: number, rule: RetentionRuleSpec, attachmentsCounted: boolean): Plan {
  const selection = rule.tagState === TagState.TAGGED ? tagSelection(rule.tagPatterns ?? [])
    : rule.tagState === TagState.UNTAGGED ? { decoration: 'excludes' as const, pattern: '**', untagged: false }
      : { decoration: 'matches' as const, pattern: '**', untagged: true };
  const h = (template: string, n?: number) => ({ template, params: n === undefined ? {} : { [template]: n }, selection });
  if (archives(rule)) {
    return { index, rule, harbor: [h('always')], retains: { kind: 'all' }, reason: 'Harbor has no archive storage class: the rule archives nothing and keeps its whole selection' };
  }
  if (attachmentsCounted) {
    // Harbor links a pushed `sha256-<hex>.sig` to its subject as an accessory (goharbor src/server/middleware/cosign/cosign.go, cosignRe),
    // hides accessories from the artifact list retention reads (src/pkg/artifact/dao/dao.go, setAccessoryQuery; retention lists through
    // src/pkg/clients/core/image.go ListAllArtifacts) and deletes them with their subject (src/controller/artifact/controller.go,
    // deleteDeeply). `.att` and `.sbom` images are ordinary artifacts that the count templates count.
    return { index, rule, harbor: [h('always')], retains: { kind: 'all' }, reason: attachmentsCountedReason('Harbor\'s latestPushedK and latestPulledN') };
  }
  if (rule.keepMostRecent !== undefined) return { index, rule, harbor: [h('latestPushedK', rule.keepMostRecent)], retains: { kind: 'count' } };
  if (rule.expireAfterDays !== undefined) {
    return { index, rule, harbor: [h('nDaysSinceLastPush', rule.expireAfterDays)], retains: { kind: 'pushDays', days: rule.expireAfterDays } };
  }
  if (rule.notPulledForDays !== undefined) {
    return {
      index, rule, harbor: [h('nDaysSinceLastPull', rule.notPulledForDays), h('nDaysSinceLastPush', rule.notPulledForDays)], retains: { kind: 'activeDays', days: rule.notPulledForDays },
    };
  }
  // keepMostRecentlyPulled
  const n = rule.keepMostRecentlyPulled!;
  return {
    index,
    rule,
    harbor: [h('latestPulledN', n), h('latestPushedK', n)],
    retains: { kind: 'count' },
    reason: 'the spec orders by the later of last pull and push (never pulled counts as pulled at push); Harbor\'s latestPulledN puts never-pulled ' +
      'artifacts last and the terraform provider cannot emit latestActiveK, so the rule retains the N most recently pulled and the N most recently ' +
      'pushed (up to 2N images)',
  };
}

/** Why a later rule may retain images this rule expires, or undefined when none can. */
function laterRetains(plan: Plan, plans: Plan[]): string | undefined {
  for (const later of plans) {
    if (later.index <= plan.index) continue;
    const disjoint = (plan.rule.tagState === TagState.UNTAGGED) !== (later.rule.tagState === TagState.UNTAGGED)
      && plan.rule.tagState !== TagState.ANY && later.rule.tagState !== TagState.ANY;
    if (disjoint) continue;
    if (!retainsWithinKeep(later.retains, plan.retains)) {
      return `Harbor has no rule order: rules[${later.index}]'s retain rule also retains images of its selection that this rule expires ` +
        '(an image in both selections is kept)';
    }
  }
  return undefined;
}

/** Whether everything `later` retains is kept by `earlier`'s criterion. */
function retainsWithinKeep(later: Retains, earlier: Retains): boolean {
  if (earlier.kind === 'pushDays') return later.kind === 'pushDays' && later.days <= earlier.days;
  if (earlier.kind === 'activeDays') return (later.kind === 'pushDays' || later.kind === 'activeDays') && later.days <= earlier.days;
  return earlier.kind === 'all';
}

function tagSelection(patterns: string[]): Selection {
  return { decoration: 'matches', pattern: alternatives([...new Set(patterns)].map(globToDoublestar)), untagged: false };
}

/** A neutral glob as a doublestar pattern: `*` stays (tags have no `/`), every other doublestar metacharacter is escaped. */
function globToDoublestar(pattern: string): string {
  return pattern.split('*').map(escapeDoublestar).join('*');
}

function alternatives(items: string[]): string {
  return items.length === 1 ? items[0] : `{${items.join(',')}}`;
}

function mergeRules(rules: HarborRule[]): HarborRule[] {
  const out: HarborRule[] = [];
  // A rule merged with others takes the sorted union of their repositories (gathered in a set, sorted once at the end).
  const byKey = new Map<string, { rule: HarborRule; merged?: Set<string> }>();
  for (const r of rules) {
    const key = JSON.stringify([r.template, r.params, r.selection]);
    const existing = byKey.get(key);
    if (existing) {
      existing.merged ??= new Set(existing.rule.repositories);
      for (const repository of r.repositories) existing.merged.add(repository);
      continue;
    }
    const copy = { ...r, repositories: [...r.repositories] };
    byKey.set(key, { rule: copy });
    out.push(copy);
  }
  for (const { rule, merged } of byKey.values()) if (merged) rule.repositories = [...merged].sort();
  return out;
}

function policyKey(policy: RetentionPolicySpec): string {
  return JSON.stringify({
    c: policy.countAttachments === true,
    p: [...new Set(policy.protectedTags ?? [])].sort(),
    r: (policy.rules ?? []).map((r) => [r.tagState, r.tagPatterns ?? [], r.keepMostRecent ?? null, r.expireAfterDays ?? null,
      r.keepMostRecentlyPulled ?? null, r.notPulledForDays ?? null, r.archivedForDays ?? null, r.action ?? null, r.storageClass ?? null]),
  });
}
