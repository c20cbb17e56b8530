import { RuleTranslation, TranslationFidelity, TranslationReport } from './translation-report';
import {
  ATTACHMENT_TAG_GLOB, actionWords, attachmentsCountedReason, countsAttachmentsNatively, isPrefixGlob, liveRuleIndexes, livePatterns,
  literalPrefix, mayMatchAttachmentTag,
  groupByKey, PolicyOnce, selectionWords, throwTranslationProblems, worstFidelity,
} from './translation-support';
import { Cloud, RetentionPolicySpec, RetentionRuleSpec, TagState } from '../spec/registry-spec';
import { archives, byPullTime, deletesByPushTime, overArchived } from '../spec/retention-rules';

/** The condition of an Artifact Registry cleanup policy (the provider's `condition` block, camelCase). */
export interface GarCleanupCondition {
  /**
   * `TAGGED`, `UNTAGGED` or `ANY`.
   *
   * @default - ANY
   */
  readonly tagState?: string;
  /**
   * Tag prefixes; a version matches when one of its tags starts with one of them.
   *
   * @default - any tag
   */
  readonly tagPrefixes?: string[];
  /**
   * Version name prefixes.
   *
   * @default - any version
   */
  readonly versionNamePrefixes?: string[];
  /**
   * Package (image) name prefixes.
   *
   * @default - every package of the repository
   */
  readonly packageNamePrefixes?: string[];
  /**
   * Versions created longer ago than this duration (seconds, `"604800s"`).
   *
   * @default - any age
   */
  readonly olderThan?: string;
  /**
   * Versions created more recently than this duration (seconds).
   *
   * @default - any age
   */
  readonly newerThan?: string;
}

/** The `most_recent_versions` block of a KEEP cleanup policy. */
export interface GarMostRecentVersions {
  /**
   * Package (image) name prefixes.
   *
   * @default - every package of the repository
   */
  readonly packageNamePrefixes?: string[];
  /**
   * How many of each package's most recent versions to keep.
   *
   * @default - none
   */
  readonly keepCount?: number;
}

/** One Artifact Registry cleanup policy, in the shape of the provider's `cleanup_policies` block (camelCase). */
export interface GarCleanupPolicy {
  /** The policy id (unique in the repository). */
  readonly id: string;
  /** `DELETE` or `KEEP`. */
  readonly action: string;
  /**
   * The versions the policy applies to.
   *
   * @default - none (a `mostRecentVersions` policy)
   */
  readonly condition?: GarCleanupCondition;
  /**
   * Keep each package's most recent versions (KEEP only).
   *
   * @default - none (a `condition` policy)
   */
  readonly mostRecentVersions?: GarMostRecentVersions;
}

/** The retention policy of one image (an Artifact Registry package) of a repository. */
export interface GarPackageRetention {
  /** The package name (the image name, `api`, `jobs/worker`). */
  readonly packageName: string;
  /** The image's effective retention policy. */
  readonly policy: RetentionPolicySpec;
}

/** Options of `GarCleanupTranslation.translate`. */
export interface GarTranslationOptions {
  /**
   * Every image (package) name of the repository, to detect package name prefixes
   * that reach further than intended (`api` also selects `api-gateway`).
   *
   * @default - the packages given to `translate`
   */
  readonly allPackageNames?: string[];
}

/** Artifact Registry cleanup policies translated from neutral retention policies. */
export interface GarCleanupResult {
  /** The cleanup policies of the repository (at most 10). */
  readonly policies: GarCleanupPolicy[];
  /** The repository's `cleanup_policy_dry_run`: true when any package's policy asks for a dry run. */
  readonly dryRun: boolean;
  /**
   * How faithfully each rule was translated. With several distinct policies (per
   * image overrides), there is one entry per rule of each distinct policy, in
   * order of first appearance; conservative reasons name the images.
   */
  readonly report: TranslationReport;
}

const DAY_SECONDS = 86_400;
/** Artifact Registry's limit on cleanup policies per repository. */
const MAX_POLICIES = 10;

type State = 'TAGGED' | 'UNTAGGED' | 'ANY';

/** A policy being built: durations in days, package prefixes undefined for "every package". */
interface Draft {
  id: string;
  action: 'DELETE' | 'KEEP';
  state?: State;
  tagPrefixes?: string[];
  olderDays?: number;
  /** Shield of "kept when not older than N days": newer than N days plus 1 s (whole seconds). */
  notOlderDays?: number;
  keepCount?: number;
  packages?: string[];
  /** Which rules it comes from, for messages. */
  origin: string[];
}

/** What a translated rule keeps (for shields) and deletes, as Artifact Registry sees it. */
interface RulePlan {
  readonly index: number;
  readonly rule: RetentionRuleSpec;
  readonly state: State;
  /** Tag prefixes of a superset of the selection (undefined: every image of the state). */
  readonly superset?: string[];
  /** Whether `superset` is exactly the selection (every pattern is `prefix*`). */
  readonly exactSelection: boolean;
  /** The DELETE policy, when the rule deletes anything. */
  deleteDraft?: Draft;
  /** Whether the DELETE covers the whole neutral "expire" set of the rule. */
  deletesAll: boolean;
  /** An `any` keep-N whose native count would include cosign attachments: it deletes nothing. */
  attachmentsCounted?: boolean;
  /** The shield KEEP, when a later DELETE could reach what the rule keeps. */
  shield?: Draft;
  /** The most_recent_versions KEEP of an `any` keep-N rule. */
  mostRecent?: Draft;
  reason?: string;
}

/**
 * Translates neutral retention policies (one per image of an Artifact Registry
 * repository) into the repository's cleanup policies.
 *
 * Artifact Registry deletes a version when it matches a DELETE policy and no KEEP
 * policy; there is no rule order. The translation therefore
 * - deletes with a DELETE per rule where the rule's selection is expressible
 *   (`tagged` with `prefix*` patterns, `untagged`, `any`) and its action is
 *   "expire after N days" (`older_than`), or "keep the N most recent" of `any`
 *   (a KEEP `most_recent_versions` plus a DELETE of every version);
 * - shields what protection and each earlier rule keep with KEEP policies
 *   (protected tags; "not older than N days" as `newer_than` N x 86,400 + 1 s, so
 *   that an image exactly N days old, which the neutral "strictly older" keeps,
 *   stays shielded; a keep-N rule's whole selection), whenever a later DELETE
 *   could reach them, so that dropping or weakening a rule never lets a later,
 *   broader DELETE through. Durations are whole seconds: the google provider
 *   (6.50.0, `resource_artifact_registry_repository.go`) parses `older_than` /
 *   `newer_than` with `strconv.Atoi` on the digits before the unit (`s`, `m`,
 *   `h`, `d`) and rejects anything else ("unexpected value is not duration"), so
 *   the shield widens by up to one second (images between N days and N days + 1 s
 *   old stay: conservative);
 * - keeps the whole selection of a rule by last pull (`notPulledForDays`,
 *   `keepMostRecentlyPulled`: Artifact Registry records no pull time) or with
 *   `action: archive` (no archive storage class), with a warning that names the
 *   rule; a push-time rule for GCP goes in the policy's `gcpRules`, which this
 *   translation uses instead of `rules` when set. Rules over archived images
 *   select nothing (no image is archived);
 * - never deletes for "keep the N most recent" of a `tagged` or `untagged`
 *   selection: `most_recent_versions` counts every version of the package, not
 *   the selection, so DELETE(selection) + KEEP(N most recent) would delete images
 *   the neutral policy keeps (DESIGN.md's trap); the rule keeps its whole
 *   selection instead (conservative);
 * - never deletes for a tag glob that is not `prefix*` (`v1`, `*-rc`): tag
 *   prefixes would reach further (`v1` also matches `v10`); such a selection is
 *   shielded by the prefix before its first `*` (a superset: conservative);
 * - restricts each policy to its images with `package_name_prefixes` (omitted
 *   when one policy covers every image of the repository); an image name that is
 *   a prefix of another image with a different policy (`api`, `api-gateway`)
 *   gets no DELETE (it would reach the other image): conservative, with the
 *   reason; KEEPs that reach further only keep more, and are reported on the
 *   images they reach;
 * - merges identical policies of different images into one (prefix lists are ORed).
 *
 * Throws one error listing every problem when the policies are invalid or need
 * more than Artifact Registry's 10 cleanup policies per repository (saying which
 * rules produce which policies, and what to merge).
 */
export class GarCleanupTranslation {
  /** Translates the images' policies into the repository's cleanup policies. */
  public static translate(packages: GarPackageRetention[], options: GarTranslationOptions = {}): GarCleanupResult {
    const what = 'Cannot translate the retention policies to Artifact Registry cleanup policies';
    const problems: string[] = [];
    if (!Array.isArray(packages)) throwTranslationProblems(what, ['packages: must be a list of { packageName, policy }']);
    const seen = new Set<string>();
    const once = new PolicyOnce(); // many images share one policy object: each checked, narrowed and keyed once
    packages.forEach((p, k) => {
      if (typeof p?.packageName !== 'string' || p.packageName === '') problems.push(`packages[${k}].packageName: ${JSON.stringify(p?.packageName)} must be an image name`);
      else if (seen.has(p.packageName)) problems.push(`packages[${k}].packageName: "${p.packageName}" is listed twice`);
      seen.add(p?.packageName);
      problems.push(...once.problems(p?.policy, `packages[${k}] (${p?.packageName}).retention`));
    });
    throwTranslationProblems(what, problems);

    // The rules Artifact Registry applies: the policy's gcpRules when set.
    packages = packages.map((p) => ({ packageName: p.packageName, policy: once.forCloud(p.policy, Cloud.GCP) }));
    const universe = [...new Set([...(options.allPackageNames ?? []), ...packages.map((p) => p.packageName)])].sort();
    // Images with the same policy share cleanup policies.
    const groups = groupByKey(packages, (p) => once.key(p.policy, policyKey), (p) => p.packageName,
      (p, key): { key: string; policy: RetentionPolicySpec; names: string[] } => ({ key, policy: p.policy, names: [] }));

    const warnings: string[] = [];
    const reports: RuleTranslation[] = [];
    const drafts: Draft[] = [];
    const groupKeeps: Array<{ group: number; keeps: Draft[] }> = [];
    const groupPlans: Array<{ plans: RulePlan[]; protectedReport?: RuleTranslation; skipped: string[]; protectKeep?: Draft }> = [];

    const position = new Map(universe.map((n, i) => [n, i]));
    groups.forEach((g, gi) => {
      const everyImage = g.names.length === universe.length;
      const { skipped, reached } = everyImage ? { skipped: [], reached: [] } : extendedByOthers(g.names, universe, position);
      const skippedSet = new Set(skipped);
      const deleteNames = g.names.filter((n) => !skippedSet.has(n));
      const idPrefix = groups.length > 1 ? `${sanitize(g.names[0])}-` : '';
      const scope = groups.length > 1 || !everyImage ? ` (${g.names.join(', ')})` : '';
      const keepPackages = everyImage ? undefined : g.names;
      const deletePackages = everyImage ? undefined : deleteNames;
      const rules = g.policy.rules ?? [];
      const ruleWarnings: string[] = [];
      const live = liveRuleIndexes(rules, ruleWarnings);
      const patternsOf = livePatterns(g.policy, live, ruleWarnings);
      rules.forEach((rule, i) => {
        if (overArchived(rule)) ruleWarnings.push(`rules[${i}] selects archived images; Artifact Registry has no archive storage class, so it selects nothing`);
        else if (live.includes(i) && !deletesByPushTime(rule)) ruleWarnings.push(`rules[${i}] (${actionWords(rule)}): ${noPullOrArchive(rule)}`);
      });
      warnings.push(...ruleWarnings.map((w) => `${scope ? `${g.names.join(', ')}: ` : ''}${w}`));

      // 1. Plan each live rule's DELETE.
      const plans: RulePlan[] = live.map((i) => planRule(i, patternsOf.has(i) ? { ...rules[i], tagPatterns: patternsOf.get(i) } : rules[i]));
      // An `any` keep-N counts cosign attachments natively, which the spec does not (countsAttachmentsNatively): no DELETE.
      for (const plan of plans) {
        const r = plan.rule;
        plan.attachmentsCounted = r.tagState === TagState.ANY && r.keepMostRecent !== undefined && countsAttachmentsNatively(g.policy, r);
      }
      for (const plan of plans) {
        if (deleteNames.length === 0) {
          plan.deleteDraft = undefined;
          plan.deletesAll = false;
          plan.mostRecent = undefined;
          continue;
        }
        const r = plan.rule;
        if (!deletesByPushTime(r)) continue;
        if (r.expireAfterDays !== undefined) {
          const prefixes = r.tagState === TagState.TAGGED ? deletablePrefixes(r.tagPatterns ?? []) : undefined;
          if (r.tagState !== TagState.TAGGED || prefixes !== null) {
            plan.deleteDraft = {
              id: `${idPrefix}r${plan.index}-delete-older`,
              action: 'DELETE',
              state: plan.state,
              tagPrefixes: prefixes ?? undefined,
              olderDays: r.expireAfterDays,
              packages: deletePackages,
              origin: [`rules[${plan.index}]${scope}`],
            };
          }
        } else if (r.tagState === TagState.ANY && !plan.attachmentsCounted) {
          plan.mostRecent = {
            id: `${idPrefix}r${plan.index}-keep-most-recent`, action: 'KEEP', keepCount: r.keepMostRecent, packages: keepPackages, origin: [`rules[${plan.index}]${scope}`],
          };
          plan.deleteDraft = {
            id: `${idPrefix}r${plan.index}-delete-rest`, action: 'DELETE', state: 'ANY', packages: deletePackages, origin: [`rules[${plan.index}]${scope}`],
          };
        }
      }

      // 2. Shields: what protection and each rule keep, when a later DELETE could reach it.
      const deletes = plans.filter((p) => p.deleteDraft);
      // Protected tags, and cosign's attachment tags (never deleted natively: translation-support).
      const userProtected = (g.policy.protectedTags ?? []).length > 0;
      // A DELETE reaches a cosign tag when it selects tagged versions with no tag prefix or a prefix a cosign tag can start with.
      const reachesAttachments = deletes.some((p) => p.deleteDraft!.state !== 'UNTAGGED'
        && (p.deleteDraft!.tagPrefixes === undefined || p.deleteDraft!.tagPrefixes.some((x) => mayMatchAttachmentTag(`${x}*`))));
      const protectedPatterns = [...new Set([...g.policy.protectedTags ?? [], ...reachesAttachments ? [ATTACHMENT_TAG_GLOB] : []])];
      let protectKeep: Draft | undefined;
      let protectedReport: RuleTranslation | undefined;
      if (protectedPatterns.length > 0) {
        const needed = deletes.some((d) => d.state !== 'UNTAGGED');
        const supersetPatterns = protectedPatterns.filter((p) => !isPrefixGlob(p));
        if (needed) {
          const prefixes = supersetPrefixes(protectedPatterns);
          protectKeep = {
            id: `${idPrefix}protected-keep`, action: 'KEEP', state: 'TAGGED', tagPrefixes: prefixes, packages: keepPackages, origin: [`protectedTags${scope}`],
          };
        }
        protectedReport = !userProtected ? undefined : needed && supersetPatterns.length > 0
          ? {
            ruleIndex: -1,
            fidelity: TranslationFidelity.CONSERVATIVE,
            reason: `${scope ? `${g.names.join(', ')}: ` : ''}Artifact Registry matches tag prefixes, not globs: protecting ${supersetPatterns.join(', ')} ` +
              `shields every tag starting with ${supersetPatterns.map((p) => `"${literalPrefix(p)}"`).join(', ')}, so images with such tags are kept too`,
          }
          : { ruleIndex: -1, fidelity: TranslationFidelity.EXACT };
      }
      for (const plan of plans) {
        const later = deletes.filter((d) => d.index > plan.index);
        if (!later.some((d) => deleteReachesKept(d, plan))) continue;
        const r = plan.rule;
        const keptYoung = deletesByPushTime(r) ? r.expireAfterDays : undefined;
        plan.shield = {
          id: `${idPrefix}r${plan.index}-keep-${keptYoung !== undefined ? 'newer' : 'selection'}`,
          action: 'KEEP',
          state: plan.state,
          tagPrefixes: plan.superset,
          notOlderDays: keptYoung,
          packages: keepPackages,
          origin: [`rules[${plan.index}]${scope}`],
        };
      }

      // 3. Fidelity of each rule.
      const keeps: Draft[] = [protectKeep, ...plans.map((p) => p.shield), ...plans.map((p) => p.mostRecent)]
        .filter((d): d is Draft => d !== undefined);
      groupKeeps.push({ group: gi, keeps });
      groupPlans.push({ plans, protectedReport, skipped, protectKeep });
      for (const plan of plans) drafts.push(...[plan.deleteDraft].filter((d): d is Draft => d !== undefined));
      drafts.push(...keeps);
      if (skipped.length > 0) {
        warnings.push(`${skipped.map((s) => `"${s}"`).join(', ')}: Artifact Registry selects images by name prefix, and ${skipped.map((s) => `"${s}"`).join(', ')} ` +
          `also matches ${reached.join(', ')} (a different policy); nothing is deleted from ${skipped.join(', ')} ` +
          '(rename the images so that no name is a prefix of another, or give them the same retention)');
      }
    });

    // KEEPs of one group that reach another group's images (package name prefixes reach further).
    const reachedBy = (gi: number): boolean => groupKeeps.some(({ group, keeps }) => group !== gi && keeps.some((k) =>
      k.packages !== undefined && k.packages.some((prefix) => groups[gi].names.some((n) =>
        n !== prefix && n.startsWith(prefix) && !groups[group].names.includes(n)))));

    groups.forEach((g, gi) => {
      const { plans, protectedReport, skipped, protectKeep } = groupPlans[gi];
      const names = groups.length > 1 ? `${g.names.join(', ')}: ` : '';
      if (protectedReport) reports.push(protectedReport);
      const foreignKeep = reachedBy(gi);
      const rules = g.policy.rules ?? [];
      rules.forEach((rule, i) => {
        const plan = plans.find((p) => p.index === i);
        if (!plan) {
          reports.push({ ruleIndex: i, fidelity: TranslationFidelity.EXACT });
          return;
        }
        const protectedSuperset = protectedReport?.fidelity === TranslationFidelity.CONSERVATIVE;
        const reason = conservativeReason(plan, plans, protectKeep, protectedSuperset, skipped, foreignKeep);
        reports.push(reason
          ? { ruleIndex: i, fidelity: TranslationFidelity.CONSERVATIVE, reason: `${names}rules[${i}] (${actionWords(rule)}, ${selectionWords(rule)}): ${reason}` }
          : { ruleIndex: i, fidelity: TranslationFidelity.EXACT });
      });
    });

    const merged = mergeDrafts(drafts);
    if (merged.length > MAX_POLICIES) {
      const lines = merged.map((d) => `${d.id} (${d.action}) from ${d.origin.join(' + ')}`);
      throwTranslationProblems(what, [
        `the policies need ${merged.length} cleanup policies; Artifact Registry allows ${MAX_POLICIES} per repository. They are:\n      ${lines.join('\n      ')}\n` +
        '    Merge rules: give images the same retention policy (identical policies share cleanup policies), combine rules with the same action and ' +
        'the same number of days into one rule with several tagPatterns, drop rules that keep more than an earlier rule, or use fewer protected patterns',
      ]);
    }
    const dryRuns = packages.map((p) => p.policy.dryRun === true);
    if (dryRuns.some((d) => d) && !dryRuns.every((d) => d)) {
      warnings.push(`retention.dryRun is set for ${packages.filter((p) => p.policy.dryRun).map((p) => p.packageName).join(', ')} only; ` +
        'Artifact Registry\'s cleanup_policy_dry_run applies to the whole repository, so every image\'s cleanup runs dry');
    }
    return {
      policies: merged.map(toPolicy),
      dryRun: dryRuns.some((d) => d),
      report: { fidelity: worstFidelity(reports), rules: reports, warnings },
    };
  }

  /** The policies as the `cleanup_policies` list of synthesized Terraform JSON (snake_case). */
  public static toTerraformJson(policies: GarCleanupPolicy[]): string {
    return JSON.stringify(policies.map((p) => {
      const out: Record<string, unknown> = { id: p.id, action: p.action };
      if (p.condition) {
        const c = p.condition;
        out.condition = clean({
          tag_state: c.tagState,
          tag_prefixes: c.tagPrefixes,
          version_name_prefixes: c.versionNamePrefixes,
          package_name_prefixes: c.packageNamePrefixes,
          older_than: c.olderThan,
          newer_than: c.newerThan,
        });
      }
      if (p.mostRecentVersions) {
        const m = p.mostRecentVersions;
        out.most_recent_versions = clean({ package_name_prefixes: m.packageNamePrefixes, keep_count: m.keepCount });
      }
      return out;
    }), undefined, 2);
  }
}

function clean(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

function policyKey(policy: RetentionPolicySpec): string {
  return JSON.stringify({
    c: policy.countAttachments === true,
    p: [...new Set(policy.protectedTags ?? [])].sort(),
    r: (policy.rules ?? []).map((r) => [r.tagState, r.tagPatterns ?? [], r.keepMostRecent ?? null, r.expireAfterDays ?? null,
      r.keepMostRecentlyPulled ?? null, r.notPulledForDays ?? null, r.archivedForDays ?? null, r.action ?? null, r.storageClass ?? null]),
  });
}

/** Why a rule by last pull, or one that archives, deletes nothing on Artifact Registry. */
function noPullOrArchive(rule: RetentionRuleSpec): string {
  return byPullTime(rule)
    ? 'Artifact Registry records no pull time: the rule deletes nothing and keeps its whole selection (for a push-time rule on GCP, write it in gcpRules)'
    : archives(rule)
      ? 'Artifact Registry has no archive storage class: the rule archives nothing and keeps its whole selection'
      : 'the rule deletes nothing on Artifact Registry and keeps its whole selection';
}

function sanitize(name: string): string {
  return name.replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60) || 'image';
}

function stateOf(rule: RetentionRuleSpec): State {
  return rule.tagState === TagState.TAGGED ? 'TAGGED' : rule.tagState === TagState.UNTAGGED ? 'UNTAGGED' : 'ANY';
}

/**
 * The names of a group that another image's name, outside the group, starts
 * with (a package prefix of the group would reach that image too), and those
 * other names, in the universe's order. `universe` is sorted, and `position`
 * gives each name's index in it: the names starting with `n` are the block that
 * follows `n` in the sorted list, so each name scans only its own block (not
 * every other name).
 */
function extendedByOthers(names: string[], universe: string[], position: Map<string, number>): { skipped: string[]; reached: string[] } {
  const mine = new Set(names);
  const reached = new Set<number>();
  const skipped = names.filter((n) => {
    let extended = false;
    for (let j = position.get(n)! + 1; j < universe.length && universe[j].startsWith(n); j++) {
      if (!mine.has(universe[j])) {
        extended = true;
        reached.add(j);
      }
    }
    return extended;
  });
  return { skipped, reached: [...reached].sort((a, b) => a - b).map((j) => universe[j]) };
}

/** Tag prefixes of a superset of the globs' tags (undefined: every tag, when a glob starts with `*`). */
function supersetPrefixes(patterns: string[]): string[] | undefined {
  const prefixes = [...new Set(patterns.map(literalPrefix))];
  return prefixes.includes('') ? undefined : prefixes.sort();
}

/**
 * Tag prefixes that select exactly the `prefix*` globs' tags (undefined: every
 * tagged image, for `*`), or null when no glob is of that form. Other globs are
 * left out (the DELETE then covers a subset of the selection).
 */
function deletablePrefixes(patterns: string[]): string[] | undefined | null {
  const prefixGlobs = patterns.filter(isPrefixGlob);
  if (prefixGlobs.length === 0) return null;
  return supersetPrefixes(prefixGlobs);
}

function planRule(index: number, rule: RetentionRuleSpec): RulePlan {
  const patterns = rule.tagPatterns ?? [];
  const tagged = rule.tagState === TagState.TAGGED;
  return {
    index,
    rule,
    state: stateOf(rule),
    superset: tagged ? supersetPrefixes(patterns) : undefined,
    exactSelection: !tagged || patterns.every(isPrefixGlob),
    deletesAll: false,
  };
}

function statesMeet(a: State | undefined, b: State | undefined): boolean {
  return !((a === 'TAGGED' && b === 'UNTAGGED') || (a === 'UNTAGGED' && b === 'TAGGED'));
}

/** Whether a later rule's DELETE could reach an image that `plan` keeps. */
function deleteReachesKept(later: RulePlan, plan: RulePlan): boolean {
  const d = later.deleteDraft!;
  if (!statesMeet(d.state, plan.state)) return false;
  // `plan` keeps images not older than N days (expire rules) or any image of its selection (keep, pull-time and archive rules).
  const young = deletesByPushTime(plan.rule) ? plan.rule.expireAfterDays : undefined;
  if (young !== undefined && d.olderDays !== undefined && d.olderDays >= young) return false;
  return true;
}

/** Why a rule is conservative, or undefined when it is exact. */
function conservativeReason(
  plan: RulePlan, plans: RulePlan[], protectKeep: Draft | undefined, protectedSuperset: boolean, skipped: string[], foreignKeep: boolean,
): string | undefined {
  const r = plan.rule;
  if (!deletesByPushTime(r)) return noPullOrArchive(r);
  if (plan.attachmentsCounted) return attachmentsCountedReason('Artifact Registry\'s most_recent_versions');
  if (r.keepMostRecent !== undefined && r.tagState !== TagState.ANY) {
    return 'Artifact Registry\'s most_recent_versions counts every version of the image, not this selection, so no DELETE can express it; ' +
      'the rule deletes nothing and keeps its whole selection';
  }
  if (!plan.deleteDraft) {
    if (skipped.length > 0) return `nothing is deleted from ${skipped.join(', ')}: its name is a prefix of another image's name`;
    return `Artifact Registry matches tag prefixes, not globs: ${(r.tagPatterns ?? []).join(', ')} cannot be selected exactly, so the rule deletes nothing`;
  }
  if (!plan.exactSelection) {
    const others = (r.tagPatterns ?? []).filter((p) => !isPrefixGlob(p));
    return `Artifact Registry matches tag prefixes, not globs: only the prefix* patterns are deleted; images selected by ${others.join(', ')} are kept`;
  }
  if (skipped.length > 0) return `nothing is deleted from ${skipped.join(', ')}: its name is a prefix of another image's name (a different policy)`;
  const expireState = plan.state;
  if (protectKeep && protectedSuperset && statesMeet(expireState, 'TAGGED')) {
    return protectKeep.tagPrefixes === undefined
      ? 'a protected pattern starts with "*", so the KEEP of protected tags shields every tagged image'
      : `protected tags are shielded by tag prefix (${protectKeep.tagPrefixes.join(', ')}), which also keeps images with longer tags that this rule expires`;
  }
  for (const other of plans) {
    if (other === plan) continue;
    if (other.index < plan.index && other.shield && !other.exactSelection && statesMeet(other.state, expireState)) {
      return `rules[${other.index}]'s selection is shielded by tag prefix (a superset), which also keeps some images this rule expires`;
    }
    if (other.index > plan.index && other.shield && statesMeet(other.state, expireState)) {
      const young = other.shield.notOlderDays;
      const expireDays = r.expireAfterDays;
      // The shield keeps images up to `young` days + 1 s old: it overlaps this rule's DELETE (older than expireDays) unless expireDays > young.
      const overlaps = young === undefined || expireDays === undefined || expireDays <= young;
      if (overlaps) {
        return `Artifact Registry has no rule order: the KEEP that shields what rules[${other.index}] keeps also keeps images this rule expires ` +
          'that rules[' + other.index + '] would select';
      }
    }
    if (other.index > plan.index && other.mostRecent) {
      return `Artifact Registry has no rule order: rules[${other.index}]'s KEEP of the ${other.rule.keepMostRecent} most recent versions also keeps images this rule expires`;
    }
  }
  if (foreignKeep) return 'a KEEP policy of another image whose name is a prefix of this one also applies here, and keeps more';
  if (plan.shield?.notOlderDays !== undefined) {
    return `the KEEP that shields what the rule keeps is newer_than ${plan.shield.notOlderDays * DAY_SECONDS + 1}s (Artifact Registry durations are whole ` +
      `seconds), so images between ${plan.shield.notOlderDays} days and ${plan.shield.notOlderDays} days + 1 s old are kept too`;
  }
  return undefined;
}

function draftKey(d: Draft): string {
  return JSON.stringify([
    d.action, d.state ?? null, d.tagPrefixes ?? null, d.olderDays ?? null, d.notOlderDays ?? null, d.keepCount ?? null, d.packages === undefined,
  ]);
}

/** Merges drafts that differ only in their packages (package prefix lists are ORed). Order: KEEPs first, then DELETEs, each by id. */
function mergeDrafts(drafts: Draft[]): Draft[] {
  const out: Draft[] = [];
  const byKey = new Map<string, Draft>();
  for (const d of drafts) {
    const key = draftKey(d);
    const existing = byKey.get(key);
    if (existing && existing.packages && d.packages) {
      existing.packages = [...new Set([...existing.packages, ...d.packages])].sort();
      existing.origin.push(...d.origin);
      continue;
    }
    if (existing) continue; // identical, every package
    const copy = { ...d, packages: d.packages ? [...d.packages] : undefined, origin: [...d.origin] };
    byKey.set(key, copy);
    out.push(copy);
  }
  const ids = new Set<string>();
  for (const d of out) {
    let id = d.id.slice(0, 120);
    for (let k = 2; ids.has(id); k++) id = `${d.id.slice(0, 115)}-${k}`;
    ids.add(id);
    d.id = id;
  }
  return out.sort((a, b) => (a.action === b.action ? (a.id < b.id ? -1 : a.id > b.id ? 1 : 0) : a.action === 'KEEP' ? -1 : 1));
}

function seconds(days: number): string {
  return `${days * DAY_SECONDS}s`;
}

function toPolicy(d: Draft): GarCleanupPolicy {
  if (d.keepCount !== undefined) {
    return { id: d.id, action: d.action, mostRecentVersions: { ...(d.packages ? { packageNamePrefixes: d.packages } : {}), keepCount: d.keepCount } };
  }
  const condition: GarCleanupCondition = {
    tagState: d.state ?? 'ANY',
    ...(d.tagPrefixes ? { tagPrefixes: d.tagPrefixes } : {}),
    ...(d.packages ? { packageNamePrefixes: d.packages } : {}),
    ...(d.olderDays !== undefined ? { olderThan: seconds(d.olderDays) } : {}),
    // Shield "not older than N days": newer than N days plus 1 s (older_than / newer_than are strict; whole seconds only).
    ...(d.notOlderDays !== undefined ? { newerThan: `${d.notOlderDays * DAY_SECONDS + 1}s` } : {}),
  };
  return { id: d.id, action: d.action, condition };
}
