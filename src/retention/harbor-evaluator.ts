import { compareStrings, nowOf, show, throwProblems, timeOf } from './evaluator-support';
import { DoublestarBadPattern, doublestarMatcher, doublestarProblem } from './harbor-doublestar';
import { EvaluateOptions } from './neutral-evaluator';

/** One artifact of a Harbor project, as Harbor's retention job sees it. */
export interface HarborArtifact {
  /** The full repository name, `<project>/<repository>` (`platform/api`, `platform/dev/api`). */
  readonly repository: string;
  /** The artifact's digest (`sha256:...`), unique within the repository. */
  readonly digest: string;
  /** The artifact's tags (empty for an untagged artifact). */
  readonly tags: string[];
  /**
   * The artifact's push time as the retention job reads it: the latest of the
   * artifact's `push_time` and its tags' `push_time` (`src/pkg/retention/dep/client.go`).
   */
  readonly pushedAt: Date;
  /**
   * The artifact's pull time as the retention job reads it: the latest of the
   * artifact's `pull_time` and its tags' `pull_time`.
   *
   * @default - never pulled: Harbor's zero time (year 1), older than any push
   */
  readonly pulledAt?: Date;
}

/** Options of the Harbor retention evaluator. */
export interface HarborEvaluateOptions extends EvaluateOptions {
  /**
   * The project's immutable tag rules, as the REST API lists them
   * (`GET /projects/{project}/immutabletagrules`: a JSON array of rules with
   * `disabled`, `tag_selectors`, `scope_selectors`). An artifact no retention
   * rule retains but an immutable rule matches is not deleted.
   *
   * @default - no immutable tag rules
   */
  readonly immutableRulesJson?: string;
}

/** What a Harbor retention policy deletes in one run. */
export interface HarborRetentionEvaluationResult {
  /** `<repository>@<digest>` of the artifacts deleted, whatever order Harbor gives artifacts with equal times; sorted. */
  readonly deleted: string[];
  /** `<repository>@<digest>` of the artifacts retained whatever that order; sorted. */
  readonly retained: string[];
  /**
   * `<repository>@<digest>` of the artifacts deleted or retained depending on
   * the order of artifacts with the same push (or pull) second in a count rule
   * (`latestPushedK`, `latestPulledN`, `latestActiveK` sort with Go's
   * `sort.Slice`, which is not stable); sorted.
   */
  readonly undetermined: string[];
  /** `<repository>@<digest>` of the artifacts no rule retains that an immutable tag rule keeps; sorted. */
  readonly immutable: string[];
}

/** Harbor's zero pull time: `time.Time{}.Unix()` (0001-01-01T00:00:00Z), the pull time of an artifact never pulled. */
const ZERO_TIME_SECONDS = -62135596800;
/** "only 15 rules are allowed at most" (`src/server/v2.0/handler/retention.go`, CreateRetention / UpdateRetention). */
const MAX_RULES = 15;

interface Selector {
  readonly kind: string;
  readonly decoration: string;
  readonly pattern: string;
  readonly extras: string;
  /** The pattern compiled once (`doublestarMatcher`; an empty pattern matches everything). */
  readonly match: (name: string) => boolean;
}
interface Rule {
  readonly disabled: boolean;
  readonly template: string;
  readonly params: Record<string, unknown>;
  readonly tagSelectors: Selector[];
  readonly repositorySelectors: Selector[];
}
interface Candidate {
  /** `<repository>@<digest>`. */
  readonly key: string;
  readonly digest: string;
  readonly namespace: string;
  readonly repository: string;
  readonly tags: string[];
  readonly pushed: number;
  readonly pulled: number;
}

/** The rule templates Harbor registers (`src/pkg/retention/policy/rule/index/index.go`), with their parameter and bounds. */
const TEMPLATES: Record<string, { param?: string; max?: number; validated: boolean; def: number }> = {
  // latestps: "latestPushedK", default 10, Valid: 0 <= K < math.MaxInt16.
  latestPushedK: { param: 'latestPushedK', max: 32766, validated: true, def: 10 },
  // latestpl: "latestPulledN", default 10, Valid: 0 <= N < math.MaxInt16.
  latestPulledN: { param: 'latestPulledN', max: 32766, validated: true, def: 10 },
  // latestk: "latestActiveK" (sorted by the later of pull and push), default 10, no validator.
  latestActiveK: { param: 'latestActiveK', validated: false, def: 10 },
  // lastx: "lastXDays" (pushed after now - X days), default 10, no validator.
  lastXDays: { param: 'lastXDays', validated: false, def: 10 },
  // always: retains everything selected.
  always: { validated: false, def: 0 },
  // dayspl: "nDaysSinceLastPull", default 30, Valid: 0 <= N <= 20190904.
  nDaysSinceLastPull: { param: 'nDaysSinceLastPull', max: 20190904, validated: true, def: 30 },
  // daysps: "nDaysSinceLastPush", default 30, Valid: 0 <= N <= 20190904.
  nDaysSinceLastPush: { param: 'nDaysSinceLastPush', max: 20190904, validated: true, def: 30 },
};
/** The decorations of the doublestar selector (`src/lib/selector/selectors/index/index.go`). */
const DECORATIONS = ['matches', 'excludes', 'repoMatches', 'repoExcludes', 'nsMatches', 'nsExcludes'];

/**
 * An exact offline evaluator of Harbor's tag retention (goharbor/harbor at
 * c50c7ddd, `src/pkg/retention/`), for one project's policy:
 * - `policyJson` is the REST API's retention policy (`{"algorithm": "or",
 *   "rules": [...]}`; `trigger` and `scope` are ignored). Each rule:
 *   `disabled`, `action: "retain"`, `template`, `params`, `tag_selectors`,
 *   `scope_selectors: {"repository": [...]}`.
 * - A disabled rule is skipped (`launcher.go`). An enabled rule reaches the
 *   project's repositories that pass all its repository selectors in turn
 *   (matched against the repository name without the project, `utils.ParseRepository`);
 *   no repository selector reaches every repository.
 * - A repository no enabled rule reaches gets no job: nothing is deleted.
 * - In a repository's job (`job.go`, `alg/or/processor.go`), each rule keeps
 *   the artifacts passing all its tag selectors in turn (a rule without tag
 *   selectors retains nothing), then its template picks the retained ones among
 *   them; rules are ORed. Every artifact of the repository no rule retains is
 *   deleted (`action/performer.go`), unless an immutable tag rule matches it.
 * - Doublestar selectors (`selectors/doublestar/selector.go`): `matches` keeps
 *   a tagged artifact when one of its tags matches, `excludes` when one of its
 *   tags does not match; an untagged artifact is kept by `matches` when
 *   `untagged` (extras `{"untagged": ...}`, default true) and by `excludes`
 *   when not `untagged` (default false). An empty pattern matches everything.
 * - Templates (`policy/rule/*`): `latestPushedK` / `latestPulledN` /
 *   `latestActiveK` retain the K first after sorting by push / pull / the later
 *   of both, in whole seconds, descending, with `sort.Slice` (ties in any
 *   order: see `undetermined`); `nDaysSinceLastPush` / `nDaysSinceLastPull`
 *   retain push / pull seconds `>=` `(now - N x 24 h).Unix()`; `lastXDays`
 *   retains pushes strictly after `now - X x 24 h`; `always` retains all. A
 *   missing or negative parameter falls back to the template's default.
 * - Times are whole seconds (`Candidate.PushedTime`, `PulledTime`: `Unix()`);
 *   an artifact never pulled has pull time `0001-01-01` (Go's zero time).
 *
 * Throws one error listing every problem of the policy (see `problems`) or
 * the artifacts (a repository without a project, two projects, a duplicate
 * digest, an invalid `Date`). A pattern that fails while matching makes that
 * repository's job fail: nothing is deleted there.
 */
export class HarborRetentionEvaluator {
  /** Harbor's limit on rules per retention policy. */
  public static readonly MAX_RULES = MAX_RULES;

  /** Evaluates the policy over the artifacts of one project. */
  public static evaluate(policyJson: string, artifacts: HarborArtifact[], options: HarborEvaluateOptions = {}): HarborRetentionEvaluationResult {
    const what = 'HarborRetentionEvaluator';
    const now = nowOf(options.now, what);
    const problems = HarborRetentionEvaluator.problems(policyJson);
    problems.push(...artifactProblems(artifacts));
    const immutableRules = options.immutableRulesJson === undefined ? [] : parseImmutable(options.immutableRulesJson, problems);
    throwProblems(`${what}: cannot evaluate`, problems);
    const rules = parseRules(JSON.parse(policyJson).rules ?? []);

    const byRepo = new Map<string, Candidate[]>();
    for (const a of artifacts) {
      const slash = a.repository.indexOf('/');
      const namespace = a.repository.slice(0, slash);
      const repository = a.repository.slice(slash + 1);
      let list = byRepo.get(repository);
      if (list === undefined) byRepo.set(repository, list = []);
      list.push({
        key: `${a.repository}@${a.digest}`,
        digest: a.digest,
        namespace,
        repository,
        tags: a.tags,
        pushed: Math.floor(a.pushedAt.getTime() / 1000),
        pulled: a.pulledAt === undefined ? ZERO_TIME_SECONDS : Math.floor(a.pulledAt.getTime() / 1000),
      });
    }
    // The results are sorted `<repository>@<digest>` keys. Without "@" in repository names, no repository's
    // "<name>@" starts another's, so the key order is the order of the "<name>@" prefixes, then of the digests:
    // walking the repositories and their artifacts in that order fills every list already sorted, without a
    // sort of 100,000 keys that share long prefixes. (With "@" in a name, the lists are sorted at the end.)
    const groups = [...byRepo.values()];
    const presorted = !groups.some((g) => g[0].namespace.includes('@') || g[0].repository.includes('@'));
    if (presorted) {
      const prefix = (g: Candidate[]) => g[0].key.slice(0, g[0].key.length - g[0].digest.length);
      const prefixes = groups.map(prefix);
      const byPrefix = new Map(groups.map((g, k) => [prefixes[k], g]));
      groups.splice(0, groups.length, ...prefixes.sort().map((x) => byPrefix.get(x)!));
      for (const g of groups) g.sort((a, b) => compareStrings(a.digest, b.digest));
    }

    const deleted: string[] = [];
    const retained: string[] = [];
    const undetermined: string[] = [];
    const immutable: string[] = [];
    for (const candidates of groups) {
      const repoCandidate = candidates[0];
      let repoRules: Rule[];
      try {
        repoRules = rules.filter((r) => !r.disabled && r.repositorySelectors.every((s) => select(s, [repoCandidate]).length === 1));
      } catch (e) {
        if (e instanceof DoublestarBadPattern) {
          // The launcher fails: no job at all (nothing deleted anywhere).
          return { deleted: [], retained: artifacts.map((a) => `${a.repository}@${a.digest}`).sort(compareStrings), undetermined: [], immutable: [] };
        }
        throw e;
      }
      if (repoRules.length === 0) {
        retained.push(...candidates.map((c) => c.key));
        continue;
      }
      // Candidates by identity (each is one artifact): no hashing of the long keys.
      const sure = new Set<Candidate>();
      const maybe = new Set<Candidate>();
      try {
        for (const rule of repoRules) {
          if (rule.tagSelectors.length === 0) continue; // `or.New`: a rule without selectors is not evaluated
          let selected = candidates;
          for (const s of rule.tagSelectors) selected = select(s, selected);
          retain(rule, selected, now, sure, maybe);
        }
      } catch (e) {
        if (!(e instanceof DoublestarBadPattern)) throw e;
        // The job fails before any deletion (`Process` returns the error).
        retained.push(...candidates.map((c) => c.key));
        continue;
      }
      for (const c of candidates) {
        if (sure.has(c)) retained.push(c.key);
        else if (isImmutable(immutableRules, c)) immutable.push(c.key);
        else if (maybe.has(c)) undetermined.push(c.key);
        else deleted.push(c.key);
      }
    }
    // (The default sort of strings is compareStrings' code-unit order, without a comparator call per comparison.)
    const sorted = (keys: string[]) => (presorted ? keys : keys.sort());
    return { deleted: sorted(deleted), retained: sorted(retained), undetermined: sorted(undetermined), immutable: sorted(immutable) };
  }

  /**
   * The problems of a REST retention policy, in words (empty when Harbor
   * accepts it and the evaluator can run it): not JSON, `algorithm` other than
   * `or`, more than 15 rules, a rule whose action is not `retain`, an unknown
   * template, a missing, non-integer or out-of-range parameter, no tag
   * selectors, a selector that is not `doublestar` or has an unknown
   * decoration, an empty or malformed pattern, two identical rules.
   */
  public static problems(policyJson: string): string[] {
    let doc: any;
    try {
      doc = JSON.parse(policyJson);
    } catch (e) {
      return [`policy: not JSON (${(e as Error).message})`];
    }
    if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) return [`policy: ${show(doc)} is not a retention policy object`];
    const problems: string[] = [];
    if (doc.algorithm !== undefined && doc.algorithm !== 'or') problems.push(`algorithm: ${show(doc.algorithm)} is not "or" (the only algorithm Harbor has)`);
    const rules = doc.rules ?? [];
    if (!Array.isArray(rules)) return [...problems, `rules: ${show(rules)} must be a list of rules`];
    if (rules.length > MAX_RULES) problems.push(`rules: ${rules.length} rules; Harbor allows at most ${MAX_RULES} per policy ("only 15 rules are allowed at most")`);
    const seen = new Map<string, number>();
    rules.forEach((rule: any, i: number) => {
      const p = `rules[${i}]`;
      if (rule === null || typeof rule !== 'object' || Array.isArray(rule)) {
        problems.push(`${p}: ${show(rule)} is not a rule object`);
        return;
      }
      const { id: _id, priority: _priority, ...rest } = rule;
      const key = canonical(rest);
      if (seen.has(key)) problems.push(`${p}: is identical to rules[${seen.get(key)}] (Harbor rejects it: "rule ${i} is conflict with rule ${seen.get(key)}")`);
      else seen.set(key, i);
      if (rule.disabled !== undefined && typeof rule.disabled !== 'boolean') problems.push(`${p}.disabled: ${show(rule.disabled)} must be a boolean`);
      if (rule.action !== 'retain') problems.push(`${p}.action: ${show(rule.action)} is not "retain" (the only action)`);
      const t = TEMPLATES[rule.template];
      if (t === undefined) {
        problems.push(`${p}.template: ${show(rule.template)} is not a registered rule template (allowed: ${Object.keys(TEMPLATES).join(', ')})`);
      } else if (t.param !== undefined) {
        const params = rule.params;
        const v = params !== null && typeof params === 'object' ? params[t.param] : undefined;
        if (v === undefined) problems.push(`${p}.params.${t.param}: missing (required by ${rule.template})`);
        else if (typeof v !== 'number' || !Number.isInteger(v)) problems.push(`${p}.params.${t.param}: ${show(v)} must be a whole number`);
        else if (t.validated && (v < 0 || v > t.max!)) problems.push(`${p}.params.${t.param}: ${v} is out of range (0 to ${t.max})`);
      }
      const tags = rule.tag_selectors;
      if (!Array.isArray(tags) || tags.length === 0) problems.push(`${p}.tag_selectors: ${show(tags)} is required: a non-empty list of selectors`);
      else tags.forEach((s: any, k: number) => problems.push(...selectorProblems(s, `${p}.tag_selectors[${k}]`)));
      const scope = rule.scope_selectors;
      if (scope === null || typeof scope !== 'object' || Array.isArray(scope)) {
        problems.push(`${p}.scope_selectors: ${show(scope)} is required: {"repository": [selectors]}`);
      } else if (scope.repository !== undefined) {
        if (!Array.isArray(scope.repository)) problems.push(`${p}.scope_selectors.repository: ${show(scope.repository)} must be a list of selectors`);
        else scope.repository.forEach((s: any, k: number) => problems.push(...selectorProblems(s, `${p}.scope_selectors.repository[${k}]`)));
      }
    });
    return problems;
  }
}

/** JSON with object keys sorted at every level (Go marshals the rule struct in field order, so key order never matters). */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical((value as any)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function selectorProblems(s: any, p: string): string[] {
  if (s === null || typeof s !== 'object') return [`${p}: ${show(s)} is not a selector`];
  const problems: string[] = [];
  if (s.kind !== 'doublestar') problems.push(`${p}.kind: ${show(s.kind)} is not "doublestar" (the only selector kind)`);
  if (!DECORATIONS.includes(s.decoration)) problems.push(`${p}.decoration: ${show(s.decoration)} is not a decoration (allowed: ${DECORATIONS.join(', ')})`);
  if (typeof s.pattern !== 'string' || s.pattern === '') {problems.push(`${p}.pattern: ${show(s.pattern)} is required (a doublestar pattern)`);} else {
    const bad = doublestarProblem(s.pattern);
    if (bad) problems.push(`${p}.pattern: ${show(s.pattern)} ${bad}`);
  }
  if (s.extras !== undefined && typeof s.extras !== 'string') problems.push(`${p}.extras: ${show(s.extras)} must be a JSON string such as "{\\"untagged\\":true}"`);
  return problems;
}

const MATCH_ALL = () => true;

function toSelector(s: any): Selector {
  const pattern = s.pattern ?? '';
  return { kind: s.kind, decoration: s.decoration, pattern, extras: s.extras ?? '', match: pattern === '' ? MATCH_ALL : doublestarMatcher(pattern) };
}

function parseRules(rules: any[]): Rule[] {
  return rules.map((r) => ({
    disabled: r.disabled === true,
    template: r.template,
    params: r.params ?? {},
    tagSelectors: (r.tag_selectors ?? []).map(toSelector),
    repositorySelectors: (r.scope_selectors?.repository ?? []).map(toSelector),
  }));
}

function parseImmutable(json: string, problems: string[]): Rule[] {
  let doc: any;
  try {
    doc = JSON.parse(json);
  } catch (e) {
    problems.push(`options.immutableRulesJson: not JSON (${(e as Error).message})`);
    return [];
  }
  if (!Array.isArray(doc)) {
    problems.push('options.immutableRulesJson: must be a JSON array of immutable tag rules');
    return [];
  }
  doc.forEach((r: any, i: number) => {
    for (const [k, s] of (r?.tag_selectors ?? []).entries()) problems.push(...selectorProblems(s, `immutable rules[${i}].tag_selectors[${k}]`));
    for (const [k, s] of (r?.scope_selectors?.repository ?? []).entries()) problems.push(...selectorProblems(s, `immutable rules[${i}].scope_selectors.repository[${k}]`));
  });
  return parseRules(doc);
}

/**
 * The doublestar selector's `Select` over candidates (`extrasOverride`
 * replaces the selector's extras, as the immutable matcher does).
 */
function select(s: Selector, candidates: Candidate[], extrasOverride?: string): Candidate[] {
  const extras = extrasOverride ?? s.extras;
  // doublestar.New: untagged defaults to true, false for excludes; extras {"untagged": b} override when they parse.
  let untagged = s.decoration !== 'excludes';
  if (extras !== '') {
    try {
      const obj = JSON.parse(extras);
      if (obj !== null && typeof obj === 'object' && !Array.isArray(obj)) untagged = obj.untagged === true;
    } catch {
      // Unparseable extras keep the default.
    }
  }
  const match = s.match;
  const out: Candidate[] = [];
  // One loop per decoration (the decoration is the selector's, not the candidate's), indexed, without closures.
  switch (s.decoration) {
    case 'matches':
      for (const c of candidates) if (c.tags.length > 0 ? someTag(c.tags, match, true) : untagged) out.push(c);
      break;
    case 'excludes':
      for (const c of candidates) if (c.tags.length > 0 ? someTag(c.tags, match, false) : !untagged) out.push(c);
      break;
    case 'repoMatches':
    case 'repoExcludes':
    case 'nsMatches':
    case 'nsExcludes': {
      const ofRepository = s.decoration.startsWith('repo');
      const excludes = s.decoration.endsWith('Excludes');
      for (const c of candidates) {
        const value = ofRepository ? c.repository : c.namespace;
        if (value.length > 0 && match(value) !== excludes) out.push(c);
      }
      break;
    }
    default:
      break;
  }
  return out;
}

/** Adds to `sure` what the rule retains whatever the order of ties, to `maybe` what it retains under some order only. */
function retain(rule: Rule, selected: Candidate[], nowMs: number, sure: Set<Candidate>, maybe: Set<Candidate>): void {
  const t = TEMPLATES[rule.template];
  let n = t.def;
  if (t.param !== undefined) {
    const v = rule.params[t.param];
    // utils.ParseJSONInt: a JSON number truncated to int; New falls back to the default when it is missing or negative.
    if (typeof v === 'number' && Math.trunc(v) >= 0) n = Math.trunc(v);
  }
  const daysAgoSeconds = (days: number) => Math.floor((nowMs - days * 86_400_000) / 1000);
  switch (rule.template) {
    case 'always':
      selected.forEach((c) => sure.add(c));
      return;
    case 'nDaysSinceLastPush': {
      const min = daysAgoSeconds(n);
      selected.forEach((c) => c.pushed >= min && sure.add(c));
      return;
    }
    case 'nDaysSinceLastPull': {
      const min = daysAgoSeconds(n);
      selected.forEach((c) => c.pulled >= min && sure.add(c));
      return;
    }
    case 'lastXDays': {
      const cutoffMs = nowMs - n * 86_400_000;
      selected.forEach((c) => c.pushed * 1000 > cutoffMs && sure.add(c));
      return;
    }
    default: {
      const time = rule.template === 'latestPushedK' ? (c: Candidate) => c.pushed
        : rule.template === 'latestPulledN' ? (c: Candidate) => c.pulled
          : (c: Candidate) => Math.max(c.pulled, c.pushed);
      if (selected.length <= n) {
        selected.forEach((c) => sure.add(c));
        return;
      }
      if (n === 0) return;
      const sorted = [...selected].sort((a, b) => time(b) - time(a));
      const boundary = time(sorted[n - 1]);
      const above = sorted.filter((c) => time(c) > boundary);
      const tied = sorted.filter((c) => time(c) === boundary);
      above.forEach((c) => sure.add(c));
      // n - above.length of the tied artifacts are retained, in an order Harbor does not define.
      if (tied.length === n - above.length) tied.forEach((c) => sure.add(c));
      else tied.forEach((c) => maybe.add(c));
    }
  }
}

/**
 * `immutable/match/rule/match.go`: an enabled immutable rule matches when the
 * candidate (repository name and tags, no namespace) passes its first
 * repository selector and its first tag selector, the latter with extras
 * `{"untagged": false}`; a rule missing either is skipped.
 */
function isImmutable(rules: Rule[], c: Candidate): boolean {
  const bare: Candidate = { ...c, namespace: '' };
  for (const r of rules) {
    if (r.disabled || r.repositorySelectors.length < 1 || r.tagSelectors.length < 1) continue;
    try {
      if (select(r.repositorySelectors[0], [bare], '').length === 0) continue;
      if (select(r.tagSelectors[0], [bare], '{"untagged": false}').length === 0) continue;
    } catch (e) {
      if (e instanceof DoublestarBadPattern) return false; // Match returns the error; the performer treats it as not immutable
      throw e;
    }
    return true;
  }
  return false;
}

function artifactProblems(artifacts: HarborArtifact[]): string[] {
  if (!Array.isArray(artifacts)) return [`artifacts: ${show(artifacts)} must be a list of artifacts`];
  const problems: string[] = [];
  const repositories = new Map<unknown, { valid: boolean; digests: Set<string> }>();
  const projects = new Set<string>();
  artifacts.forEach((a, i) => {
    const p = `artifacts[${i}]`;
    if (a === null || typeof a !== 'object') {
      problems.push(`${p}: ${show(a)} is not an artifact`);
      return;
    }
    // Each distinct repository is checked once; its digests are kept in a set of their own (no joined key per artifact).
    let repo = repositories.get(a.repository);
    if (repo === undefined) {
      const valid = typeof a.repository === 'string' && /^[^/]+\/.+$/.test(a.repository);
      if (valid) projects.add(a.repository.slice(0, a.repository.indexOf('/')));
      repositories.set(a.repository, repo = { valid, digests: new Set() });
    }
    if (!repo.valid) problems.push(`${p}.repository: ${show(a.repository)} must be the full name <project>/<repository>`);
    if (typeof a.digest !== 'string' || a.digest === '') problems.push(`${p}.digest: ${show(a.digest)} must be a non-empty string`);
    else if (repo.digests.has(a.digest)) problems.push(`${p}.digest: ${a.repository}@${a.digest} is listed twice`);
    else repo.digests.add(a.digest);
    if (!Array.isArray(a.tags) || !allStrings(a.tags)) problems.push(`${p}.tags: ${show(a.tags)} must be a list of strings`);
    if (timeOf(a.pushedAt) === undefined) problems.push(`${p}.pushedAt: ${show(a.pushedAt)} is not a valid Date`);
    if (a.pulledAt !== undefined && timeOf(a.pulledAt) === undefined) problems.push(`${p}.pulledAt: ${show(a.pulledAt)} is not a valid Date`);
  });
  if (projects.size > 1) problems.push(`artifacts: from ${projects.size} projects (${[...projects].sort().join(', ')}); a retention policy belongs to one project`);
  return problems;
}

function allStrings(values: unknown[]): boolean {
  for (let k = 0; k < values.length; k++) if (typeof values[k] !== 'string') return false;
  return true;
}

/** Whether some tag matches (`wanted` true) or does not match (`wanted` false) the pattern. */
function someTag(tags: string[], match: (name: string) => boolean, wanted: boolean): boolean {
  for (let k = 0; k < tags.length; k++) if (match(tags[k]) === wanted) return true;
  return false;
}
