import { RuleTranslation, TranslationFidelity, TranslationReport } from './translation-report';
import {
  ATTACHMENT_TAG_GLOB, actionWords, escapeRegex, globRegexSource, liveRuleIndexes, livePatterns, mayMatchAttachmentTag,
  groupByKey, PolicyOnce, selectionWords, throwTranslationProblems, worstFidelity,
} from './translation-support';
import { Cloud, RetentionPolicySpec, RetentionRuleSpec, TagState } from '../spec/registry-spec';
import { archives, byPullTime, deletesByPushTime, overArchived } from '../spec/retention-rules';

/** The retention policy of one ACR repository (an image name in the registry). */
export interface AcrRepositoryRetention {
  /** The repository path inside the registry (`api`, `dev/api`). */
  readonly repository: string;
  /** The repository's effective retention policy. */
  readonly policy: RetentionPolicySpec;
}

/** Options of `AcrPurgeTranslation.translate`. */
export interface AcrTranslationOptions {
  /**
   * Every repository of the registry. The native retention policy applies to the
   * whole registry, so it is used only when every repository asks for the same
   * untagged expiry.
   *
   * @default - the repositories given to `translate`
   */
  readonly allRepositories?: string[];
  /**
   * Add `--dry-run` to every command (also added for repositories whose policy sets `dryRun`).
   *
   * @default false
   */
  readonly dryRun?: boolean;

  /**
   * Whether ACR's native untagged-manifest retention (`retention_policy_in_days`,
   * Premium only) may express a rule. Without it, untagged rules become purge
   * commands (`--untagged`), which every SKU can run.
   *
   * @default true
   */
  readonly nativeRetention?: boolean;
}

/** ACR retention translated from neutral retention policies. */
export interface AcrPurgeResult {
  /**
   * `retention_policy_in_days` for untagged manifests, or undefined (disabled).
   *
   * @default - disabled
   */
  readonly retentionDays?: number;
  /** `acr purge ...` command lines (without the image), run in order by a scheduled task. */
  readonly commands: string[];
  /**
   * How faithfully each rule was translated. With several distinct policies, one
   * entry per rule of each distinct policy, in order of first appearance;
   * conservative reasons name the repositories.
   */
  readonly report: TranslationReport;
}

/** ACR's limit on `retention_policy_in_days`. */
const MAX_RETENTION_DAYS = 365;

/**
 * Translates neutral retention policies (one per ACR repository) into `acr purge`
 * command lines for a scheduled ACR task, and ACR's untagged-manifest retention
 * where it is exact.
 *
 * How `acr purge` works (acr-cli): per repository matched by `^<repoRegex>$`, it
 * deletes the *tags* matching the tag regex whose last update is older than
 * `--ago` (`--keep N` keeps the N newest such tags); with `--untagged` it then
 * deletes manifests left without tags that are older than `--ago`. So an image is
 * deleted only when all its tags are gone and an untagged pass runs.
 *
 * The translation:
 * - per rule that expires after N days (`tagged` or `any`): `--filter
 *   "^(<repos>)$:<tag regex>" --ago Nd`, where the tag regex is explicitly
 *   anchored and excludes, with a negative lookahead, every protected pattern and
 *   every pattern of an earlier rule: `^(?!(prod|v.*)$)(pr-.*)$`. acr-cli compiles
 *   filters with regexp2 in RE2-compatibility mode, which keeps lookarounds (its
 *   own filter parser uses `(?<!...)` and `(?!...)` in that mode). So a tag is only
 *   deleted by the first rule that could claim it, and a kept image always keeps
 *   the tag by which protection or its deciding rule claimed it: it never becomes
 *   untagged.
 * - untagged images: one untagged pass per repository group, after the tag
 *   commands: `--filter "^(<repos>)$:^$" --ago Md --untagged` (the tag regex `^$`
 *   matches no tag), where M is the expiry of the first rule that selects untagged
 *   images (an `untagged` or `any` rule). It also removes the manifests the tag
 *   commands left untagged (all neutral-expired), when older than M. When every
 *   repository of the registry has the same M (at most 365), ACR's
 *   `retention_policy_in_days` = M does this instead (exact in steady state: it
 *   skips locked manifests, as purge does, and manifests that were already
 *   untagged on the day it is first enabled: a warning says to purge that backlog
 *   once).
 * - "keep the N most recent" (`tagged`, `untagged` or `any`): no command.
 *   `--keep N` counts tags, not images: an image with two matching tags takes two
 *   of the N places, so with keep 2 and images A (tags a1, a2) newer than B (b1),
 *   purge keeps a1 and a2 and untags B, which the neutral policy keeps: purge
 *   would be aggressive. The rule deletes nothing (conservative), and later rules
 *   exclude its patterns, so its images stay.
 * - A tagged rule's expired images are deleted only when every tag they carry is
 *   removed: exact when the rule's patterns include `*` (every tag of an image it
 *   decides is then its own) and the untagged pass runs with M <= N; otherwise
 *   conservative (an image with another tag stays, untagged images between N and
 *   M days stay).
 * - Tag commands may untag a *secondary* tag of a kept image (an image kept for
 *   its `prod` tag loses an old `pr-7` tag that a later rule expires); the image
 *   and the tag that keeps it stay. The report warns when this can happen.
 * - Rules by last pull (`notPulledForDays`, `keepMostRecentlyPulled`: `acr purge`
 *   filters by tag update time, not pull time) and rules that archive (ACR has no
 *   archive storage class) delete nothing: like "keep the N most recent", the
 *   rule keeps its whole selection and later rules leave its tags alone
 *   (conservative, with a warning that names the rule). A push-time rule for
 *   Azure goes in the policy's `azureRules`, which this translation uses instead
 *   of `rules` when set. Rules over archived images select nothing.
 * - Every command gets `--dry-run` when the repository's policy (or the option)
 *   asks for a dry run. Repositories with the same policy share commands.
 */
export class AcrPurgeTranslation {
  /** Translates the repositories' policies; throws one Error listing every problem when ACR cannot express them safely. */
  public static translate(repositories: AcrRepositoryRetention[], options: AcrTranslationOptions = {}): AcrPurgeResult {
    const what = 'Cannot translate the retention policies to acr purge commands';
    const problems: string[] = [];
    if (!Array.isArray(repositories)) throwTranslationProblems(what, ['repositories: must be a list of { repository, policy }']);
    const seen = new Set<string>();
    const once = new PolicyOnce(); // many repositories share one policy object: each checked, narrowed and keyed once
    repositories.forEach((r, k) => {
      if (typeof r?.repository !== 'string' || !/^[a-z0-9]+(?:[._/-][a-z0-9]+)*$/.test(r.repository)) {
        problems.push(`repositories[${k}].repository: ${JSON.stringify(r?.repository)} is not a repository path (lower-case letters, digits, . _ - / separators)`);
      } else if (seen.has(r.repository)) {
        problems.push(`repositories[${k}].repository: "${r.repository}" is listed twice`);
      }
      seen.add(r?.repository);
      problems.push(...once.problems(r?.policy, `repositories[${k}] (${r?.repository}).retention`));
    });
    throwTranslationProblems(what, problems);
    // The rules ACR applies: the policy's azureRules when set.
    repositories = repositories.map((r) => ({ repository: r.repository, policy: once.forCloud(r.policy, Cloud.AZURE) }));

    const dryRunOf = (policy: RetentionPolicySpec) => options.dryRun === true || policy.dryRun === true;
    const groups = groupByKey(repositories, (r) => JSON.stringify([once.key(r.policy, policyKey), dryRunOf(r.policy)]), (r) => r.repository,
      (r, key): { key: string; policy: RetentionPolicySpec; names: string[]; dryRun: boolean } =>
        ({ key, policy: r.policy, names: [], dryRun: dryRunOf(r.policy) }));

    // The native retention policy: registry-wide, so every repository must want the same untagged expiry.
    const all = [...new Set([...(options.allRepositories ?? []), ...repositories.map((r) => r.repository)])];
    const untaggedDays = (policy: RetentionPolicySpec): number | undefined => {
      const u = firstUntaggedRule(policy);
      return u && deletesByPushTime(u) ? u.expireAfterDays : undefined;
    };
    const byRepo = new Map(repositories.map((r) => [r.repository, r.policy]));
    const days = all.map((name) => (byRepo.has(name) ? untaggedDays(byRepo.get(name)!) : undefined));
    const anyDryRun = groups.some((g) => g.dryRun);
    const sameDays = days.length > 0 && days[0] !== undefined && days[0] <= MAX_RETENTION_DAYS && days.every((d) => d === days[0]);
    const retentionDays = options.nativeRetention !== false && !anyDryRun && sameDays ? days[0] : undefined;

    const commands: string[] = [];
    const reports: RuleTranslation[] = [];
    const warnings: string[] = [];
    for (const g of groups) {
      const multi = groups.length > 1 ? `${g.names.join(', ')}: ` : '';
      const repoRegex = `^(${g.names.map(escapeRegex).join('|')})$`;
      const dry = g.dryRun ? ' --dry-run' : '';
      const rules = g.policy.rules ?? [];
      const ruleWarnings: string[] = [];
      const live = liveRuleIndexes(rules, ruleWarnings);
      const patternsOf = livePatterns(g.policy, live, ruleWarnings);
      rules.forEach((rule, i) => {
        if (overArchived(rule)) ruleWarnings.push(`rules[${i}] selects archived images; ACR has no archive storage class, so it selects nothing`);
        else if (live.includes(i) && !deletesByPushTime(rule)) ruleWarnings.push(`rules[${i}] (${actionWords(rule)}): ${noPullOrArchive(rule)}`);
      });
      warnings.push(...ruleWarnings.map((w) => `${multi}${w}`));
      const u = firstUntaggedRule(g.policy);
      const sweepDays = u && deletesByPushTime(u) ? u.expireAfterDays : undefined;
      const protectedPatterns = [...new Set(g.policy.protectedTags ?? [])];
      const excluded: string[] = [...protectedPatterns];
      let claimsBefore = protectedPatterns.length > 0;
      let strips = false;
      if (protectedPatterns.length > 0) reports.push({ ruleIndex: -1, fidelity: TranslationFidelity.EXACT });

      rules.forEach((rule, i) => {
        if (!live.includes(i)) {
          reports.push({ ruleIndex: i, fidelity: TranslationFidelity.EXACT });
          return;
        }
        const label = `${multi}rules[${i}] (${actionWords(rule)}, ${selectionWords(rule)})`;
        const patterns = rule.tagState === TagState.TAGGED ? patternsOf.get(i)! : rule.tagState === TagState.ANY ? ['*'] : [];
        const conservative = (reason: string) => reports.push({ ruleIndex: i, fidelity: TranslationFidelity.CONSERVATIVE, reason: `${label}: ${reason}` });
        if (!deletesByPushTime(rule)) {
          conservative(noPullOrArchive(rule));
          if (rule.tagState !== TagState.UNTAGGED) {
            excluded.push(...patterns);
            claimsBefore = true;
          }
          return;
        }
        if (rule.tagState === TagState.UNTAGGED) {
          if (rule.keepMostRecent !== undefined) {
            conservative('acr purge cannot keep the N most recent untagged manifests (its --keep counts tags); no untagged manifest is deleted');
          } else {
            reports.push({ ruleIndex: i, fidelity: TranslationFidelity.EXACT });
          }
          return;
        }
        if (rule.keepMostRecent !== undefined) {
          conservative('acr purge --keep counts tags, not images: an image with two matching tags takes two of the N places, so the N-th most recent ' +
            'image could lose its tags and be purged as untagged; the rule deletes nothing and later rules leave its tags alone');
          if (rule.tagState === TagState.ANY && sweepDays !== undefined) {
            // Unreachable: an `any` keep rule is then the first untagged-selecting rule, so sweepDays is undefined.
          }
          excluded.push(...patterns);
          claimsBefore = true;
          return;
        }
        // A filter that could match a cosign attachment tag also leaves those alone (never deleted natively: translation-support);
        // an attachment carries no other tag, so excluding it strips no kept image of a tag.
        const unmatched = patterns.some(mayMatchAttachmentTag) ? [...excluded, ATTACHMENT_TAG_GLOB] : excluded;
        const exclusion = unmatched.length > 0 ? `(?!(${unmatched.map(globRegexSource).join('|')})$)` : '';
        const tagRegex = `^${exclusion}(${patterns.map(globRegexSource).join('|')})$`;
        commands.push(`acr purge --filter "${repoRegex}:${tagRegex}" --ago ${rule.expireAfterDays}d${dry}`);
        if (claimsBefore) strips = true;
        excluded.push(...patterns);
        claimsBefore = true;
        const everyTag = patterns.includes('*');
        if (!everyTag) {
          conservative('acr purge deletes tags, not images: an expired image that also carries a tag this rule does not select keeps that tag, so it is not deleted');
        } else if (sweepDays === undefined || sweepDays > rule.expireAfterDays!) {
          conservative(sweepDays === undefined
            ? 'the images it untags are only deleted by an untagged pass, and no rule expires untagged images: they stay as untagged manifests'
            : `the images it untags are deleted by the untagged pass after ${sweepDays} days, not ${rule.expireAfterDays}`);
        } else {
          reports.push({ ruleIndex: i, fidelity: TranslationFidelity.EXACT });
        }
      });
      if (sweepDays !== undefined && retentionDays === undefined) {
        commands.push(`acr purge --filter "${repoRegex}:^$" --ago ${sweepDays}d --untagged${dry}`);
      }
      if (strips) {
        warnings.push(`${multi}acr purge deletes tags: an image kept by protection or by an earlier rule can lose an old tag that a later rule's filter matches ` +
          '(the image and the tag that keeps it stay)');
      }
    }
    if (retentionDays !== undefined) {
      warnings.push(`retention_policy_in_days = ${retentionDays} deletes untagged manifests instead of a purge pass; it only deletes manifests that become ` +
        'untagged after it is enabled and skips locked ones: purge the backlog once with `acr purge --filter "<repo>:^$" --ago ' +
        `${retentionDays}d --untagged\`. It needs the Premium SKU.`);
    }
    return { retentionDays, commands, report: { fidelity: worstFidelity(reports), rules: reports, warnings } };
  }
}

/** The first live standard rule that selects untagged images (`untagged` or `any`), which decides every untagged image. */
function firstUntaggedRule(policy: RetentionPolicySpec): RetentionRuleSpec | undefined {
  return (policy.rules ?? []).find((r) => !overArchived(r) && (r.tagState === TagState.UNTAGGED || r.tagState === TagState.ANY));
}

/** Why a rule by last pull, or one that archives, deletes nothing on ACR. */
function noPullOrArchive(rule: RetentionRuleSpec): string {
  return byPullTime(rule)
    ? 'acr purge has no pull time (it filters by tag update time): the rule deletes nothing and keeps its whole selection, and later rules leave its '
      + 'tags alone (for a push-time rule on Azure, write it in azureRules)'
    : archives(rule)
      ? 'ACR has no archive storage class: the rule archives nothing and keeps its whole selection'
      : 'the rule deletes nothing on ACR and keeps its whole selection';
}

function policyKey(policy: RetentionPolicySpec): string {
  return JSON.stringify({
    c: policy.countAttachments === true,
    p: [...new Set(policy.protectedTags ?? [])].sort(),
    r: (policy.rules ?? []).map((r) => [r.tagState, r.tagPatterns ?? [], r.keepMostRecent ?? null, r.expireAfterDays ?? null,
      r.keepMostRecentlyPulled ?? null, r.notPulledForDays ?? null, r.archivedForDays ?? null, r.action ?? null, r.storageClass ?? null]),
  });
}
