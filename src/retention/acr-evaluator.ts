import { MS_PER_DAY, compareStrings, nowOf, show, throwProblems, timeOf } from './evaluator-support';
import { EvaluateOptions } from './neutral-evaluator';

/** A tag of an ACR manifest. */
export interface AcrTag {
  /** The tag name. */
  readonly name: string;
  /** When the tag was last updated (pushed or moved). */
  readonly lastUpdateTime: Date;
  /**
   * Whether the tag is locked (`writeEnabled` or `deleteEnabled` false): purge
   * skips it unless `--include-locked`.
   *
   * @default false
   */
  readonly locked?: boolean;
}

/** A manifest of an ACR repository, with its tags. */
export interface AcrManifest {
  /** The repository (image name) the manifest belongs to. */
  readonly repository: string;
  /** The manifest digest (`sha256:...`), unique within the repository. */
  readonly digest: string;
  /** When the manifest was last updated. */
  readonly lastUpdateTime: Date;
  /**
   * The tags pointing at the manifest.
   *
   * @default - none (an untagged manifest)
   */
  readonly tags?: AcrTag[];
  /**
   * Whether the manifest is locked (`writeEnabled` or `deleteEnabled` false):
   * never deleted unless `--include-locked`, nor by the retention policy.
   *
   * @default false
   */
  readonly locked?: boolean;
  /**
   * For a manifest list / image index: the digests of the manifests it lists. A
   * manifest listed by an index that keeps a tag is never deleted as untagged.
   *
   * @default - not an index
   */
  readonly references?: string[];
  /**
   * The digest of the manifest this one refers to as its OCI `subject` (a
   * signature, an SBOM). Such manifests are never deleted as untagged.
   *
   * @default - no subject
   */
  readonly subject?: string;
}

/** What a sequence of `acr purge` commands deletes. */
export interface AcrPurgeEvaluationResult {
  /** The deleted tags, `repository:tag`, sorted. */
  readonly deletedTags: string[];
  /** The deleted manifests, `repository@digest`, sorted. */
  readonly deletedManifests: string[];
}

/** What the untagged-manifest retention policy deletes. */
export interface AcrRetentionEvaluationResult {
  /** The deleted manifests, `repository@digest`, sorted. */
  readonly deletedManifests: string[];
}

/** Options of the ACR retention evaluator. */
export interface AcrRetentionEvaluateOptions extends EvaluateOptions {
  /**
   * When the retention policy was enabled: only manifests that became untagged
   * after it are deleted (a manifest's `lastUpdateTime` stands for the time it
   * became untagged).
   *
   * @default - long ago: every untagged manifest is eligible
   */
  readonly policyEnabledAt?: Date;
}

interface Purge {
  readonly filters: Array<{ repo: RegExp; tag: string }>;
  readonly agoMs?: number;
  readonly keep: number;
  readonly untagged: boolean;
  readonly untaggedOnly: boolean;
  readonly dryRun: boolean;
  readonly includeLocked: boolean;
}

interface TagState {
  readonly name: string;
  readonly time: number;
  readonly locked: boolean;
  deleted: boolean;
}
interface State {
  readonly digest: string;
  readonly time: number;
  /** The manifest's tags; a tag a purge deletes is marked `deleted` (plain arrays: no Map and no entry arrays per manifest). */
  readonly tags: TagState[];
  /** How many of `tags` are not deleted. */
  liveTags: number;
  readonly locked: boolean;
  readonly references: string[];
  readonly subject?: string;
  deleted: boolean;
}

const VALUE_FLAGS: Record<string, string> = {
  '--filter': 'filter',
  '-f': 'filter',
  '--ago': 'ago',
  '--keep': 'keep',
  '--registry': 'ignored',
  '-r': 'ignored',
  '--username': 'ignored',
  '-u': 'ignored',
  '--password': 'ignored',
  '-p': 'ignored',
  '--config': 'ignored',
  '-c': 'ignored',
  '--concurrency': 'ignored',
  '--filter-timeout-seconds': 'ignored',
  '--repository-page-size': 'ignored',
};
const BOOL_FLAGS: Record<string, string> = {
  '--untagged': 'untagged', '--untagged-only': 'untaggedOnly', '--dry-run': 'dryRun', '--include-locked': 'includeLocked', '--verbose': 'ignored',
};
const UNMODELLED = ['--min-tags', '--max-tags', '--min-untagged-manifests', '--max-untagged-manifests'];

/**
 * An exact evaluator of `acr purge` (acr-cli), as scheduled ACR tasks run it:
 * the commands apply in order, each seeing what the previous ones left.
 *
 * Semantics (acr-cli `cmd/acr/purge.go`, current main; ACR docs "Automatically
 * purge images from an Azure container registry"):
 * - `--filter "<repoRegex>:<tagRegex>"` (repeatable): the repository part is
 *   matched as `^<repoRegex>$` against every repository; the tag part is NOT
 *   anchored (a substring search unless written with `^...$`); several filters
 *   that reach one repository are joined with `|`. JavaScript regular
 *   expressions stand in for regexp2 in RE2 mode (the same for the usual syntax).
 * - `--ago <duration>` (`Nd`, Go durations such as `2d3h`, `30m`): tags whose last
 *   update is strictly before `now - ago` are candidates; locked tags are skipped
 *   unless `--include-locked`.
 * - `--keep N`: per repository, candidates sorted newest first (ties by tag name
 *   ascending), the first N are kept. It counts tags, not images; tags younger
 *   than `--ago` are kept in addition.
 * - Purge deletes tags; `--untagged` then deletes the repository's manifests left
 *   with no tag and last updated before `now - ago` (newest `--keep` of them
 *   kept), never one listed by an index that keeps a tag, nor one with a
 *   `subject`, nor a locked one (unless `--include-locked`). `--untagged-only`
 *   does only that pass (its `--ago` optional; the tag part of the filters is
 *   ignored; no filter means every repository).
 * - `--dry-run` deletes nothing (later commands see everything).
 *
 * Rejected with one error listing every problem: a command not starting with
 * `acr purge`, unknown flags or positional arguments, a filter without `:` (or
 * with an unescaped second one), a regex JavaScript cannot compile, a bad
 * duration or count, `--untagged` with `--untagged-only`, a missing `--filter` or
 * `--ago`, and the count-policy flags `--min-tags`/`--max-tags`/
 * `--min-untagged-manifests`/`--max-untagged-manifests` (not modelled).
 * Older acr-cli releases deleted every dangling manifest with `--untagged`,
 * whatever `--ago`: pin an acr-cli image whose behaviour matches this one.
 */
export class AcrPurgeEvaluator {
  /** The tags and manifests the commands delete. */
  public static evaluate(commands: string[], manifests: AcrManifest[], options: EvaluateOptions = {}): AcrPurgeEvaluationResult {
    const what = 'AcrPurgeEvaluator';
    const now = nowOf(options.now, what);
    const problems: string[] = [];
    const purges: Purge[] = [];
    if (!Array.isArray(commands)) problems.push(`commands: ${show(commands)} must be a list of command lines`);
    else commands.forEach((c, i) => { const p = parseCommand(c, `commands[${i}]`, problems); if (p) purges.push(p); });
    problems.push(...checkManifests(manifests));
    throwProblems(`${what}: cannot evaluate the purge commands`, problems);

    // Repository -> its manifests (a manifest a purge deletes is marked `deleted`).
    const byRepo = new Map<string, State[]>();
    for (const m of manifests) {
      let repo = byRepo.get(m.repository);
      if (!repo) byRepo.set(m.repository, repo = []);
      const tags = (m.tags ?? []).map((t) => ({ name: t.name, time: t.lastUpdateTime.getTime(), locked: t.locked ?? false, deleted: false }));
      repo.push({
        digest: m.digest,
        time: m.lastUpdateTime.getTime(),
        locked: m.locked ?? false,
        references: m.references ?? [],
        subject: m.subject,
        tags,
        liveTags: tags.length,
        deleted: false,
      });
    }
    // The default sort of strings is compareStrings' code-unit order (without a comparator call per comparison).
    const repoNames = [...byRepo.keys()].sort();
    const deletedTags: string[] = [];
    const deletedManifests: string[] = [];
    for (const purge of purges) {
      if (purge.dryRun) continue;
      const cutoff = now - (purge.agoMs ?? 0);
      // Repository -> joined tag regex, in filter order.
      const targets = new Map<string, string>();
      if (purge.untaggedOnly && purge.filters.length === 0) repoNames.forEach((r) => targets.set(r, ''));
      for (const f of purge.filters) {
        for (const r of repoNames) {
          if (!f.repo.test(r)) continue;
          targets.set(r, targets.has(r) ? `${targets.get(r)}|${f.tag}` : f.tag);
        }
      }
      // Most repositories of a purge share one joined tag regex: compiled once each.
      const compiled = new Map<string, RegExp>();
      for (const [repoName, tagRegex] of targets) {
        const repo = byRepo.get(repoName)!;
        if (!purge.untaggedOnly) {
          let re = compiled.get(tagRegex);
          if (re === undefined) compiled.set(tagRegex, re = new RegExp(tagRegex));
          const candidates: Array<{ m: State; tag: TagState }> = [];
          for (const m of repo) {
            if (m.deleted) continue;
            for (const t of m.tags) {
              if (!t.deleted && t.time < cutoff && (!t.locked || purge.includeLocked) && re.test(t.name)) candidates.push({ m, tag: t });
            }
          }
          candidates.sort((a, b) => (b.tag.time - a.tag.time) || compareStrings(a.tag.name, b.tag.name));
          for (let k = purge.keep; k < candidates.length; k++) {
            const c = candidates[k];
            c.tag.deleted = true;
            c.m.liveTags--;
            deletedTags.push(`${repoName}:${c.tag.name}`);
          }
        }
        if (purge.untagged || purge.untaggedOnly) {
          const shielded = new Set<string>();
          for (const m of repo) if (!m.deleted && m.liveTags > 0) m.references.forEach((d) => shielded.add(d));
          const dangling = repo.filter((m) => !m.deleted && m.liveTags === 0 && !shielded.has(m.digest) && m.subject === undefined
            && (!m.locked || purge.includeLocked) && m.time < cutoff);
          dangling.sort((a, b) => (b.time - a.time) || compareStrings(a.digest, b.digest));
          for (let k = purge.keep; k < dangling.length; k++) {
            dangling[k].deleted = true;
            deletedManifests.push(`${repoName}@${dangling[k].digest}`);
          }
        }
      }
    }
    return { deletedTags: deletedTags.sort(), deletedManifests: deletedManifests.sort() };
  }

  /** Every problem for which acr purge would refuse the command lines (or this evaluator cannot judge them); empty when valid. */
  public static problems(commands: string[]): string[] {
    const problems: string[] = [];
    commands.forEach((c, i) => parseCommand(c, `commands[${i}]`, problems));
    return problems;
  }

  /**
   * The duration of an `--ago` value in milliseconds (`Nd` followed by an optional
   * Go duration, or a Go duration: `30d`, `2d3h`, `90m`, `1h30m`), or undefined when
   * acr purge would not accept it.
   */
  public static parseAgo(ago: string): number | undefined {
    const m = /^(?:(\d+)d)?(.*)$/s.exec(ago);
    if (!m || ago === '') return undefined;
    const days = m[1] !== undefined ? Number(m[1]) : 0;
    if (m[2] === '') return m[1] !== undefined ? days * MS_PER_DAY : undefined;
    const go = goDuration(m[2]);
    return go === undefined ? undefined : days * MS_PER_DAY + go;
  }
}

/**
 * ACR's native retention policy for untagged manifests (`retention_policy_in_days`,
 * Premium registries): untagged manifests last updated strictly more than N days
 * before `now` are deleted; 0 disables the policy (azurerm 4.x). Only manifests
 * that became untagged after the policy was enabled are deleted
 * (`policyEnabledAt`), and locked manifests are skipped. Manifests listed by a
 * tagged index and manifests with a `subject` are treated as not deletable (the
 * docs do not say; this keeps multi-architecture images and signatures whole).
 */
export class AcrRetentionEvaluator {
  /** The untagged manifests the retention policy deletes. */
  public static evaluate(retentionDays: number, manifests: AcrManifest[], options: AcrRetentionEvaluateOptions = {}): AcrRetentionEvaluationResult {
    const what = 'AcrRetentionEvaluator';
    const now = nowOf(options.now, what);
    const problems: string[] = [];
    if (typeof retentionDays !== 'number' || !Number.isInteger(retentionDays) || retentionDays < 0 || retentionDays > 365) {
      problems.push(`retentionDays: ${show(retentionDays)} must be a whole number of days from 0 (disabled) to 365`);
    }
    let enabled = -Infinity;
    if (options.policyEnabledAt !== undefined) {
      const t = timeOf(options.policyEnabledAt);
      if (t === undefined) problems.push(`options.policyEnabledAt: ${show(options.policyEnabledAt)} is not a valid Date`);
      else enabled = t;
    }
    problems.push(...checkManifests(manifests));
    throwProblems(`${what}: cannot evaluate the retention policy`, problems);
    if (retentionDays === 0) return { deletedManifests: [] };
    const shielded = new Set<string>();
    for (const m of manifests) if ((m.tags ?? []).length > 0) (m.references ?? []).forEach((d) => shielded.add(`${m.repository}@${d}`));
    const deletedManifests = manifests
      .filter((m) => (m.tags ?? []).length === 0 && !m.locked && m.subject === undefined && !shielded.has(`${m.repository}@${m.digest}`))
      .filter((m) => m.lastUpdateTime.getTime() >= enabled && now - m.lastUpdateTime.getTime() > retentionDays * MS_PER_DAY)
      .map((m) => `${m.repository}@${m.digest}`)
      .sort(compareStrings);
    return { deletedManifests };
  }
}

const GO_UNITS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, μs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Go's time.ParseDuration (non-negative), in milliseconds. */
function goDuration(s: string): number | undefined {
  if (s === '0') return 0;
  const re = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/y;
  let total = 0;
  let pos = 0;
  while (pos < s.length) {
    re.lastIndex = pos;
    const m = re.exec(s);
    if (!m) return undefined;
    total += Number(m[1]) * GO_UNITS[m[2]];
    pos = re.lastIndex;
  }
  return pos === 0 ? undefined : total;
}

/** Splits a command line like a POSIX shell: whitespace, single quotes, double quotes, backslashes. */
function shellWords(line: string): string[] | undefined {
  const words: string[] = [];
  let cur: string | undefined;
  let i = 0;
  while (i < line.length) {
    const ch = line[i];
    if (/\s/.test(ch)) {
      if (cur !== undefined) words.push(cur);
      cur = undefined;
      i++;
    } else if (ch === '\'') {
      const end = line.indexOf('\'', i + 1);
      if (end < 0) return undefined;
      cur = (cur ?? '') + line.slice(i + 1, end);
      i = end + 1;
    } else if (ch === '"') {
      let j = i + 1;
      let s = '';
      while (j < line.length && line[j] !== '"') {
        if (line[j] === '\\' && j + 1 < line.length && '"\\$`'.includes(line[j + 1])) j++;
        s += line[j++];
      }
      if (j >= line.length) return undefined;
      cur = (cur ?? '') + s;
      i = j + 1;
    } else if (ch === '\\' && i + 1 < line.length) {
      cur = (cur ?? '') + line[i + 1];
      i += 2;
    } else {
      cur = (cur ?? '') + ch;
      i++;
    }
  }
  if (cur !== undefined) words.push(cur);
  return words;
}

/** acr-cli's split of a filter at the one colon that is not part of a `(?i:...)` group. */
const FILTER_COLON = /(?<!\(\?[imsU-]{0,5}):(?![imsU-]{0,5}\))/g;

function parseCommand(line: string, path: string, problems: string[]): Purge | undefined {
  const before = problems.length;
  const words = typeof line === 'string' ? shellWords(line) : undefined;
  if (!words) {
    problems.push(`${path}: ${show(line)} is not a command line (unbalanced quotes?)`);
    return undefined;
  }
  if (words[0] !== 'acr' || words[1] !== 'purge') {
    problems.push(`${path}: ${show(line)} must start with "acr purge"`);
    return undefined;
  }
  const values: Record<string, string[]> = { filter: [], ago: [], keep: [] };
  const flags: Record<string, boolean> = {};
  for (let i = 2; i < words.length; i++) {
    const w = words[i];
    const eq = w.startsWith('--') ? w.indexOf('=') : -1;
    const name = eq > 0 ? w.slice(0, eq) : w;
    if (UNMODELLED.includes(name)) {
      problems.push(`${path}: ${name} (count-policy retention) is not modelled by this evaluator; use --keep`);
      if (eq < 0) i++;
    } else if (VALUE_FLAGS[name]) {
      let value: string | undefined = eq > 0 ? w.slice(eq + 1) : words[++i];
      if (value === undefined) {
        problems.push(`${path}: ${name} needs a value`);
        value = '';
      }
      if (VALUE_FLAGS[name] !== 'ignored') values[VALUE_FLAGS[name]].push(value);
    } else if (BOOL_FLAGS[name]) {
      const v = eq > 0 ? w.slice(eq + 1) : 'true';
      if (v !== 'true' && v !== 'false') problems.push(`${path}: ${name}=${v} is not a boolean (true or false)`);
      flags[BOOL_FLAGS[name]] = v === 'true';
    } else if (w.startsWith('-')) {
      problems.push(`${path}: ${show(name)} is not an acr purge flag (known: ${[...Object.keys(VALUE_FLAGS), ...Object.keys(BOOL_FLAGS)].join(', ')})`);
    } else {
      problems.push(`${path}: ${show(w)} is an unexpected argument (acr purge takes only flags)`);
    }
  }
  const filters: Purge['filters'] = [];
  for (const f of values.filter) {
    const parts = f.split(FILTER_COLON);
    if (parts.length !== 2) {
      problems.push(`${path}: --filter ${show(f)} must be "<repository regex>:<tag regex>" with exactly one ":" separator`);
      continue;
    }
    try {
      const repo = new RegExp(`^${parts[0]}$`);
      new RegExp(parts[1]);
      filters.push({ repo, tag: parts[1] });
    } catch (e) {
      problems.push(`${path}: --filter ${show(f)} is not a regular expression this evaluator can run (${(e as Error).message})`);
    }
  }
  if (values.ago.length > 1 || values.keep.length > 1) problems.push(`${path}: --ago and --keep may be given once each`);
  let agoMs: number | undefined;
  if (values.ago.length > 0) {
    agoMs = AcrPurgeEvaluator.parseAgo(values.ago[values.ago.length - 1]);
    if (agoMs === undefined) {
      problems.push(`${path}: --ago ${show(values.ago[values.ago.length - 1])} is not a duration (write Nd, a Go duration such as 2d3h or 30m, or both)`);
    }
  }
  let keep = 0;
  if (values.keep.length > 0) {
    const k = values.keep[values.keep.length - 1];
    if (!/^\d+$/.test(k)) problems.push(`${path}: --keep ${show(k)} must be a whole number of tags, 0 or more`);
    else keep = Number(k);
  }
  if (flags.untagged && flags.untaggedOnly) problems.push(`${path}: --untagged and --untagged-only cannot be combined`);
  if (!flags.untaggedOnly) {
    if (values.filter.length === 0) problems.push(`${path}: --filter is required (unless --untagged-only)`);
    if (values.ago.length === 0) problems.push(`${path}: --ago is required (unless --untagged-only)`);
  }
  if (problems.length > before) return undefined;
  return {
    filters,
    agoMs,
    keep,
    untagged: flags.untagged ?? false,
    untaggedOnly: flags.untaggedOnly ?? false,
    dryRun: flags.dryRun ?? false,
    includeLocked: flags.includeLocked ?? false,
  };
}

function checkManifests(manifests: AcrManifest[]): string[] {
  if (!Array.isArray(manifests)) return [`manifests: ${show(manifests)} must be a list of manifests`];
  const problems: string[] = [];
  // Repository -> its digests seen so far (no joined key string per manifest).
  const seen = new Map<unknown, Set<unknown>>();
  manifests.forEach((m, i) => {
    const p = `manifests[${i}]`;
    if (m === null || typeof m !== 'object') {
      problems.push(`${p}: ${show(m)} is not a manifest`);
      return;
    }
    if (typeof m.repository !== 'string' || m.repository === '') problems.push(`${p}.repository: ${show(m.repository)} must be a non-empty string`);
    if (typeof m.digest !== 'string' || m.digest === '') problems.push(`${p}.digest: ${show(m.digest)} must be a non-empty string`);
    let digests = seen.get(m.repository);
    if (digests === undefined) seen.set(m.repository, digests = new Set());
    if (digests.has(m.digest)) problems.push(`${p}: ${m.repository}@${m.digest} is listed twice`);
    digests.add(m.digest);
    if (timeOf(m.lastUpdateTime) === undefined) problems.push(`${p}.lastUpdateTime: ${show(m.lastUpdateTime)} is not a valid Date`);
    (m.tags ?? []).forEach((t, j) => {
      if (typeof t?.name !== 'string' || t.name === '') problems.push(`${p}.tags[${j}].name: ${show(t?.name)} must be a non-empty string`);
      if (timeOf(t?.lastUpdateTime) === undefined) problems.push(`${p}.tags[${j}].lastUpdateTime: ${show(t?.lastUpdateTime)} is not a valid Date`);
    });
  });
  // Repository -> tag name -> the digest it points at.
  const tagOwners = new Map<unknown, Map<unknown, string>>();
  manifests.forEach((m, i) => {
    const tags = m?.tags ?? [];
    if (tags.length === 0) return;
    let owners = tagOwners.get(m.repository);
    if (owners === undefined) tagOwners.set(m.repository, owners = new Map());
    for (const t of tags) {
      const owner = owners.get(t?.name);
      if (owner !== undefined || owners.has(t?.name)) {
        problems.push(`manifests[${i}]: the tag ${m.repository}:${t?.name} also points at ${owner}; a tag points at one manifest`);
      } else {
        owners.set(t?.name, m.digest);
      }
    }
  });
  return problems;
}
