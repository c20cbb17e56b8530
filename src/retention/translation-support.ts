/**
 * Internal helpers of the retention translations (not exported from the index):
 * glob analysis, rule liveness, policy checks and messages.
 */
import { RuleTranslation, TranslationFidelity } from './translation-report';
import { Glob } from '../spec/glob';
import { Problems } from '../spec/problems';
import { Cloud, RetentionPolicySpec, RetentionRuleSpec, TagState } from '../spec/registry-spec';
import { criterionWords, overArchived, policyFor, ruleCriterionProblems } from '../spec/retention-rules';

/**
 * Internal analysis of the spec's tag globs, shared by the translations (not
 * exported from the index). A glob: `*` matches any run of characters, every
 * other character itself, and the whole tag must match.
 */

/** Whether some string matches both globs (the intersection of their languages is not empty). */
export function globsIntersect(a: string, b: string): boolean {
  // Breadth-first search over the product of the two patterns' positions.
  const seen = new Set<string>();
  const stack: Array<[number, number]> = [[0, 0]];
  while (stack.length > 0) {
    const [i, j] = stack.pop()!;
    const key = `${i},${j}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (i === a.length && j === b.length) return true;
    const ca = a[i];
    const cb = b[j];
    // A star may match the empty string.
    if (ca === '*') stack.push([i + 1, j]);
    if (cb === '*') stack.push([i, j + 1]);
    if (i < a.length && j < b.length) {
      // Consume one character that both accept.
      if (ca === '*' && cb !== '*') stack.push([i, j + 1]);
      else if (ca !== '*' && cb === '*') stack.push([i + 1, j]);
      else if (ca !== '*' && cb !== '*' && ca === cb) stack.push([i + 1, j + 1]);
    }
  }
  return false;
}

/** Whether every string `narrow` matches is also matched by `wide`. Exact for the `p*` and exact-string forms, conservative (false) otherwise. */
export function globCovers(wide: string, narrow: string): boolean {
  if (wide === narrow) return true;
  if (isPrefixGlob(wide)) {
    const prefix = wide.slice(0, -1);
    return literalPrefix(narrow).startsWith(prefix) || (Glob.wildcards(narrow) === 0 && narrow.startsWith(prefix));
  }
  return Glob.wildcards(narrow) === 0 && Glob.matches(wide, narrow);
}

/** Whether the glob is `prefix*` (exactly one star, at the end; `*` alone is the empty prefix). */
export function isPrefixGlob(pattern: string): boolean {
  return Glob.wildcards(pattern) === 1 && pattern.endsWith('*');
}

/** The characters before the first `*` (the whole pattern when it has none). */
export function literalPrefix(pattern: string): string {
  const star = pattern.indexOf('*');
  return star < 0 ? pattern : pattern.slice(0, star);
}

/**
 * A glob with at most `max` wildcards that matches every string the pattern
 * matches (a superset): everything after the `max`-th star is dropped, so
 * `a*b*c*d*e*f` becomes `a*b*c*d*`.
 */
export function widenToWildcards(pattern: string, max: number): string {
  if (Glob.wildcards(pattern) <= max) return pattern;
  let seen = 0;
  for (let i = 0; i < pattern.length; i++) {
    if (pattern[i] === '*' && ++seen === max) return pattern.slice(0, i + 1);
  }
  return pattern;
}

/** The regular-expression source (unanchored) of a glob: `.*` for each star, the rest escaped. */
export function globRegexSource(pattern: string): string {
  return pattern.split('*').map(escapeRegex).join('.*');
}

/** Escapes a literal for a regular expression. */
export function escapeRegex(s: string): string {
  return s.replace(/[.+?^${}()|[\]\\*]/g, '\\$&');
}

/**
 * The tag glob of cosign's tag-based attachments (`sha256-<hex>.sig`, `.att`,
 * `.sbom`). The neutral meaning expires an attachment only with its subject
 * (RetentionEvaluator); no native policy knows subjects from tags (the clouds'
 * retention matches a `.sig` image by its tag like any other image,
 * reference/retention-semantics.md), so every translation protects this
 * pattern: attachments are never deleted by a generated policy, which is
 * conservative for the attachments of deleted subjects (they stay behind).
 */
export const ATTACHMENT_TAG_GLOB = 'sha256-*';

/**
 * The policy the native translations express: the neutral policy with the
 * attachments' tags protected (ATTACHMENT_TAG_GLOB) when a rule can select one. Protection is a claim that
 * still counts natively towards "the N most recent": exact when the policy sets
 * `countAttachments`, and otherwise only for rules whose selection holds no
 * attachment (countsAttachmentsNatively says which rules are left).
 */
export function withAttachmentsProtected(policy: RetentionPolicySpec): RetentionPolicySpec {
  const prot = policy.protectedTags ?? [];
  return prot.includes(ATTACHMENT_TAG_GLOB) || !selectsAttachments(policy) ? policy : { ...policy, protectedTags: [...prot, ATTACHMENT_TAG_GLOB] };
}

/**
 * Whether any rule of the policy (in `rules`, `gcpRules` or `azureRules`) can
 * select a cosign attachment: `any`, or a tag pattern that matches a cosign tag.
 * When none can, no native rule reaches an attachment and no protection is needed.
 */
export function selectsAttachments(policy: RetentionPolicySpec): boolean {
  return [...policy.rules ?? [], ...policy.gcpRules ?? [], ...policy.azureRules ?? []].some(ruleSelectsAttachments);
}

/** Whether a rule's selection can hold a cosign attachment: `any`, or a tag pattern that matches a cosign tag. */
function ruleSelectsAttachments(rule: RetentionRuleSpec): boolean {
  return rule.tagState === TagState.ANY || (rule.tagState === TagState.TAGGED && (rule.tagPatterns ?? []).some(mayMatchAttachmentTag));
}

/** The cosign attachment tags as templates: each position a literal character or one lower-case hex digit. */
const ATTACHMENT_TEMPLATES: string[][] = ['sig', 'att', 'sbom'].map((kind) =>
  [...'sha256-', ...new Array<string>(64).fill('HEX'), ...`.${kind}`]);
const HEX = /^[0-9a-f]$/;

/**
 * Whether a tag glob (`*` only) matches at least one cosign attachment tag
 * (`sha256-<64 hex>.sig`, `.att`, `.sbom`). Exact: a wildcard match of the glob
 * against each template, where a literal must fit its position and a star
 * absorbs any run of positions (every position can be filled independently).
 */
export function mayMatchAttachmentTag(pattern: string): boolean {
  return ATTACHMENT_TEMPLATES.some((t) => {
    // reach[j]: the glob read so far can produce the first j positions of the template.
    let reach = new Array<boolean>(t.length + 1).fill(false);
    reach[0] = true;
    for (const c of pattern) {
      const next = new Array<boolean>(t.length + 1).fill(false);
      if (c === '*') {
        let any = false;
        for (let j = 0; j <= t.length; j++) { any = any || reach[j]; next[j] = any; }
      } else {
        for (let j = 0; j < t.length; j++) {
          if (reach[j] && (t[j] === 'HEX' ? HEX.test(c) : t[j] === c)) next[j + 1] = true;
        }
      }
      reach = next;
    }
    return reach[t.length];
  });
}

/**
 * Whether the cloud's count would count cosign attachments that the neutral
 * meaning leaves out of "the N most recent": the policy does not set
 * `countAttachments`, the rule counts (`keepMostRecent`, `keepMostRecentlyPulled`)
 * and its selection can hold an attachment (`any`, or a tag pattern that
 * matches a cosign tag). ECR's `imageCountMoreThan`, Artifact Registry's
 * `most_recent_versions` and Harbor's latest-K templates count every artifact
 * they select (aws/containers-roadmap#2613: "Only keep 1 images total" also
 * counts the signature), so such a rule keeps fewer images natively than the
 * spec: the translations keep its whole selection instead.
 */
export function countsAttachmentsNatively(policy: RetentionPolicySpec, rule: RetentionRuleSpec): boolean {
  if (policy.countAttachments === true) return false;
  if (rule.keepMostRecent === undefined && rule.keepMostRecentlyPulled === undefined) return false;
  return ruleSelectsAttachments(rule);
}

/** The conservative reason of a count rule whose native count would include cosign attachments (countsAttachmentsNatively). */
export function attachmentsCountedReason(cloudCount: string): string {
  return `${cloudCount} counts cosign's signature and attestation images (sha256-*.sig/.att/.sbom) among the most recent, which the spec does not ` +
    '(retention.countAttachments is false), so counting natively would delete kept images: the rule keeps its whole selection ' +
    '(set countAttachments: true to count them as the cloud does, or give the rule tag patterns that cannot match sha256-*)';
}

/** A rule's criterion and action in words (`keep the 10 most recent`, `expire after 7 days`, `archive when not pulled for 90 days`). */
export function actionWords(rule: RetentionRuleSpec): string {
  return criterionWords(rule);
}

/** A rule's selection in words (`tagged pr-*, v*`, `untagged`, `any`). */
export function selectionWords(rule: RetentionRuleSpec): string {
  return rule.tagState === TagState.TAGGED ? `tagged ${(rule.tagPatterns ?? []).join(', ')}` : rule.tagState;
}

/**
 * Structural problems of a retention policy that every translation checks
 * before translating (the same rules as the spec validator's), in words with
 * what to change. `path` prefixes each problem (`retention`).
 */
export function policyProblems(policy: RetentionPolicySpec, path: string): string[] {
  const problems: string[] = [];
  if (policy === null || typeof policy !== 'object') return [`${path}: ${JSON.stringify(policy)} is not a retention policy`];
  const prot = policy.protectedTags ?? [];
  if (!Array.isArray(prot) || prot.some((p) => typeof p !== 'string' || p === '')) {
    problems.push(`${path}.protectedTags: ${JSON.stringify(prot)} must be a list of tag patterns`);
  }
  const rules = policy.rules ?? [];
  if (!Array.isArray(rules)) return [...problems, `${path}.rules: ${JSON.stringify(rules)} must be a list of rules`];
  const states = Object.values(TagState) as string[];
  const check = (field: string, list: RetentionRuleSpec[] | undefined) => {
    if (list === undefined) return;
    if (!Array.isArray(list)) {
      problems.push(`${path}.${field}: ${JSON.stringify(list)} must be a list of rules`);
      return;
    }
    list.forEach((rule, i) => {
      const rp = `${path}.${field}[${i}]`;
      if (rule === null || typeof rule !== 'object') {
        problems.push(`${rp}: ${JSON.stringify(rule)} is not a rule`);
        return;
      }
      if (!states.includes(rule.tagState)) problems.push(`${rp}.tagState: ${JSON.stringify(rule.tagState)} is not a tag state (allowed: ${states.join(', ')})`);
      const pats = rule.tagPatterns;
      if (rule.tagState === TagState.TAGGED) {
        if (!Array.isArray(pats) || pats.length === 0 || pats.some((p) => typeof p !== 'string' || p === '')) {
          problems.push(`${rp}.tagPatterns: ${JSON.stringify(pats)} is required with tagState "tagged": list the tag patterns the rule selects`);
        }
      } else if (pats !== undefined) {
        problems.push(`${rp}.tagPatterns: only allowed with tagState "tagged"`);
      }
      for (const [p, value, message] of ruleCriterionProblems(rule, rp)) problems.push(`${p}: ${JSON.stringify(value)} ${message}`);
    });
  };
  check('rules', rules);
  check('gcpRules', policy.gcpRules);
  check('azureRules', policy.azureRules);
  return problems;
}

/**
 * Items grouped by key: one group per distinct key (`create` makes it, with empty
 * `names`), in the order of each key's first item, each group's names sorted. The
 * translations group the repositories that share a policy this way.
 */
export function groupByKey<T, G extends { names: string[] }>(items: T[], keyOf: (item: T) => string, nameOf: (item: T) => string,
  create: (item: T, key: string) => G): G[] {
  const byKey = new Map<string, G>();
  for (const item of items) {
    const key = keyOf(item);
    let group = byKey.get(key);
    if (!group) byKey.set(key, group = create(item, key));
    group.names.push(nameOf(item));
  }
  const groups = [...byKey.values()];
  groups.forEach((g) => g.names.sort());
  return groups;
}

/** The path a policy object is checked under once (`PolicyOnce`), replaced by each repository's path: every problem starts with its path. */
const PATH_PLACEHOLDER = '\u0000policy';

/**
 * `policyProblems`, `policyFor` and a grouping key for the many repositories of one
 * translation, which mostly share one policy object (the registry's, through
 * `EffectiveSpec.retention`): each distinct object is checked, narrowed and keyed
 * once, however many repositories name it. The results are those of calling the
 * functions for each repository.
 */
export class PolicyOnce {
  private readonly known = new Map<RetentionPolicySpec, { problems?: string[]; forCloud: Map<string, RetentionPolicySpec>; key?: string }>();

  /** `policyProblems(policy, path)`. */
  public problems(policy: RetentionPolicySpec, path: string): string[] {
    if (policy === null || typeof policy !== 'object') return policyProblems(policy, path);
    const known = this.of(policy);
    known.problems ??= policyProblems(policy, PATH_PLACEHOLDER);
    return known.problems.map((m) => path + m.slice(PATH_PLACEHOLDER.length));
  }

  /** `policyFor(policy, cloud)`, the same object for the same policy. */
  public forCloud(policy: RetentionPolicySpec, cloud: Cloud): RetentionPolicySpec {
    const known = this.of(policy);
    let narrowed = known.forCloud.get(cloud);
    if (!narrowed) known.forCloud.set(cloud, narrowed = policyFor(policy, cloud));
    return narrowed;
  }

  /** `keyOf(policy)`, computed once per policy object (one `keyOf` per `PolicyOnce`). */
  public key(policy: RetentionPolicySpec, keyOf: (policy: RetentionPolicySpec) => string): string {
    const known = this.of(policy);
    return known.key ??= keyOf(policy);
  }

  private of(policy: RetentionPolicySpec) {
    let known = this.known.get(policy);
    if (!known) {
      known = { forCloud: new Map() };
      this.known.set(policy, known);
    }
    return known;
  }
}

/** Throws one `ProblemsError` headed `what` listing every problem (src/spec/problems.ts renders it), when there is any. */
export function throwTranslationProblems(what: string, problems: string[]): void {
  if (problems.length === 0) return;
  new Problems().addAll(Problems._fromMessages(problems)).throwIfAny(what);
}

/**
 * The indexes of the rules of one storage class (standard unless `archived`)
 * that can decide an image: a rule after an `any` rule of the same class never
 * can (the `any` rule selects every image of the class), nor an `untagged` rule
 * after another `untagged` one. Adds a warning for each rule left out.
 */
export function liveRuleIndexes(rules: RetentionRuleSpec[], warnings: string[], archived = false): number[] {
  const live: number[] = [];
  let anyAt: number | undefined;
  let untaggedAt: number | undefined;
  rules.forEach((rule, i) => {
    if (overArchived(rule) !== archived) return;
    if (anyAt !== undefined) {
      warnings.push(`rules[${i}] is never reached: rules[${anyAt}] (tagState any) selects every image before it; it is left out (remove it from the spec)`);
      return;
    }
    if (rule.tagState === TagState.UNTAGGED && untaggedAt !== undefined) {
      warnings.push(`rules[${i}] is never reached: rules[${untaggedAt}] already selects every untagged image; it is left out (remove it from the spec)`);
      return;
    }
    if (rule.tagState === TagState.UNTAGGED) untaggedAt = i;
    if (rule.tagState === TagState.ANY) anyAt = i;
    live.push(i);
  });
  return live;
}

/** The worst fidelity of the rule reports (conservative if any rule is). */
export function worstFidelity(rules: RuleTranslation[]): TranslationFidelity {
  return rules.some((r) => r.fidelity === TranslationFidelity.CONSERVATIVE) ? TranslationFidelity.CONSERVATIVE : TranslationFidelity.EXACT;
}

/**
 * The tag patterns of each live tagged rule that can still select an image no
 * earlier rule (nor protection) has claimed: a pattern covered by a protected
 * pattern or by a pattern of an earlier rule (`pr-1*` after `pr-*`) is left out.
 * A tagged rule left with no pattern is dead: it is removed from `live` with a
 * warning.
 */
export function livePatterns(policy: RetentionPolicySpec, live: number[], warnings: string[]): Map<number, string[]> {
  const rules = policy.rules ?? [];
  const earlier: string[] = [...(policy.protectedTags ?? [])];
  const result = new Map<number, string[]>();
  for (const i of [...live]) {
    const rule = rules[i];
    if (rule.tagState !== TagState.TAGGED) continue;
    const patterns = [...new Set(rule.tagPatterns ?? [])];
    const kept = patterns.filter((p) => !earlier.some((q) => globCovers(q, p)));
    earlier.push(...kept);
    if (kept.length === 0) {
      live.splice(live.indexOf(i), 1);
      warnings.push(`rules[${i}] is never reached: protected tags or earlier rules claim every image its patterns select; it is left out (remove it from the spec)`);
    } else {
      result.set(i, kept);
    }
  }
  return result;
}
