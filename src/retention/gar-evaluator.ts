import { PrefixSet, compareStrings, mostRecentFirst, nowOf, show, throwProblems, timeOf } from './evaluator-support';
import { EvaluateOptions } from './neutral-evaluator';

/** One version of an Artifact Registry package (for Docker: one manifest of one image). */
export interface GarVersion {
  /** The package name (for Docker: the image name, `api`, `jobs/worker`). */
  readonly packageName: string;
  /** The version name (for Docker: the manifest digest `sha256:...`). */
  readonly version: string;
  /**
   * The tags pointing at the version.
   *
   * @default - none (an untagged version)
   */
  readonly tags?: string[];
  /** When the version was created (uploaded). */
  readonly createTime: Date;
}

/** Options of the Artifact Registry evaluator. */
export interface GarEvaluateOptions extends EvaluateOptions {
  /**
   * The repository's `docker_config.immutable_tags`: tagged versions cannot be
   * deleted, whatever the policies say.
   *
   * @default false
   */
  readonly immutableTags?: boolean;
}

/** A version the cleanup policies delete. */
export interface GarDeletedVersion {
  /** The package name. */
  readonly packageName: string;
  /** The version name. */
  readonly version: string;
  /** The id of the first DELETE policy (in list order) that matches the version. */
  readonly policyId: string;
}

/** What a repository's cleanup policies delete. */
export interface GarCleanupEvaluationResult {
  /** The deleted versions, sorted by package name, then version. */
  readonly deleted: GarDeletedVersion[];
}

interface Condition {
  readonly tagState: 'TAGGED' | 'UNTAGGED' | 'ANY';
  readonly tagPrefixes?: string[];
  readonly versionNamePrefixes?: string[];
  readonly packageNamePrefixes?: string[];
  readonly olderThanMs?: number;
  readonly newerThanMs?: number;
}
const ANY = 0;
const TAGGED = 1;
const UNTAGGED = 2;
/** A condition ready for the hot loop: prefix lists as `PrefixSet`s, the package list as one flag per package. */
interface CompiledCondition {
  readonly state: number;
  readonly tagPrefixes?: PrefixSet;
  readonly versionNamePrefixes?: PrefixSet;
  /** 1 for each package (by index) the package name prefixes reach; undefined: every package. */
  readonly packages?: Uint8Array;
  readonly olderThanMs?: number;
  readonly newerThanMs?: number;
}
interface Policy {
  readonly id: string;
  readonly action: 'DELETE' | 'KEEP';
  readonly condition?: Condition;
  readonly mostRecent?: { readonly packageNamePrefixes?: string[]; readonly keepCount: number };
}

const POLICY_KEYS = ['id', 'action', 'condition', 'most_recent_versions'];
const CONDITION_KEYS = ['tag_state', 'tag_prefixes', 'version_name_prefixes', 'package_name_prefixes', 'older_than', 'newer_than'];
const MOST_RECENT_KEYS = ['package_name_prefixes', 'keep_count'];

/**
 * An exact evaluator of Artifact Registry cleanup policies, given as the
 * `cleanup_policies` list of synthesized Terraform JSON (snake_case keys; a nested
 * block may be an object or a one-element list; `null` means unset, as in Terraform).
 *
 * Semantics (Artifact Registry docs, "Cleanup policy overview" and "Configure
 * cleanup policies"; provider schema of `google_artifact_registry_repository`):
 * - A version is deleted when it matches at least one DELETE policy and no KEEP
 *   policy ("If an artifact version matches criteria in both a delete policy and a
 *   keep policy, Artifact Registry applies the keep policy"). KEEP policies alone
 *   delete nothing.
 * - The fields of one condition are ANDed; the items of one prefix list are ORed
 *   ("Applied on any prefix match"). `tag_state` TAGGED / UNTAGGED / ANY (default
 *   ANY); `tag_prefixes` match the start of any tag; `version_name_prefixes` the
 *   version name; `package_name_prefixes` the package name; `older_than` /
 *   `newer_than` (whole seconds, `"604800s"`, or minutes, hours, days, as the
 *   provider parses them) compare with the version's create (upload) time, strictly.
 * - `most_recent_versions` (KEEP only) keeps, in each package its prefixes select
 *   (every package without prefixes), the `keep_count` versions with the latest
 *   create time, ties by version name ascending. It counts every version of the
 *   package, tagged or not. (The docs do not name the ordering field; `GarVersion`
 *   carries only the create time, which for Docker images is the upload time.)
 * - With `immutableTags`, tagged versions are never deleted.
 *
 * A list Artifact Registry would reject (more than 10 policies, duplicate or
 * missing ids, ids of 128 characters or more, an action other than DELETE/KEEP, a
 * policy with both a condition and most_recent_versions, most_recent_versions on
 * a DELETE policy, a DELETE without condition, a bad duration, unknown fields)
 * throws one error listing every problem (see `problems`). Runs in O(n log n +
 * policies x n): a prefix list is a `PrefixSet` (one hash lookup per distinct
 * prefix length), and package names are matched once per distinct name.
 */
export class GarCleanupEvaluator {
  /** The versions the policies delete, with the DELETE policy that reaches each. */
  public static evaluate(cleanupPoliciesJson: string, versions: GarVersion[], options: GarEvaluateOptions = {}): GarCleanupEvaluationResult {
    const what = 'GarCleanupEvaluator';
    const now = nowOf(options.now, what);
    const { policies, problems } = parse(cleanupPoliciesJson);
    problems.push(...checkVersions(versions));
    throwProblems(`${what}: cannot evaluate the cleanup policies`, problems);

    const n = versions.length;
    const times = new Array<number>(n);
    const tags = new Array<string[]>(n);
    // Package names repeat (every version of an image has its image's name): each distinct name is matched against a prefix list once.
    const packageIndex = new Map<string, number>();
    const packageNames: string[] = [];
    const packageOf = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const v = versions[i];
      times[i] = v.createTime.getTime();
      tags[i] = v.tags ?? [];
      let k = packageIndex.get(v.packageName);
      if (k === undefined) {
        k = packageNames.push(v.packageName) - 1;
        packageIndex.set(v.packageName, k);
      }
      packageOf[i] = k;
    }
    /** 1 for each package (by index) some prefix of the list starts; undefined without a list (every package). */
    const packagesMatching = (prefixes: string[] | undefined): Uint8Array | undefined => {
      if (prefixes === undefined) return undefined;
      const set = new PrefixSet(prefixes);
      return Uint8Array.from(packageNames, (name) => (set.matches(name) ? 1 : 0));
    };
    const compile = (c: Condition): CompiledCondition => ({
      state: c.tagState === 'TAGGED' ? TAGGED : c.tagState === 'UNTAGGED' ? UNTAGGED : ANY,
      tagPrefixes: c.tagPrefixes && new PrefixSet(c.tagPrefixes),
      versionNamePrefixes: c.versionNamePrefixes && new PrefixSet(c.versionNamePrefixes),
      packages: packagesMatching(c.packageNamePrefixes),
      olderThanMs: c.olderThanMs,
      newerThanMs: c.newerThanMs,
    });
    const matches = (c: CompiledCondition, i: number): boolean => {
      const tagCount = tags[i].length;
      if (c.state === TAGGED && tagCount === 0) return false;
      if (c.state === UNTAGGED && tagCount > 0) return false;
      if (c.packages !== undefined && c.packages[packageOf[i]] === 0) return false;
      if (c.olderThanMs !== undefined && !(now - times[i] > c.olderThanMs)) return false;
      if (c.newerThanMs !== undefined && !(now - times[i] < c.newerThanMs)) return false;
      if (c.versionNamePrefixes !== undefined && !c.versionNamePrefixes.matches(versions[i].version)) return false;
      if (c.tagPrefixes !== undefined && !c.tagPrefixes.matchesAny(tags[i])) return false;
      return true;
    };

    // KEEP policies first: a version one of them keeps is never deleted, whatever the list order, so the
    // DELETE policies then only look at the others (the first DELETE policy in list order that matches is reported).
    const kept = new Uint8Array(n);
    let order: number[] | undefined;
    for (const p of policies) {
      if (p.action !== 'KEEP') continue;
      if (p.mostRecent) {
        order ??= mostRecentFirst(times, versions.map((v) => v.version));
        const packages = packagesMatching(p.mostRecent.packageNamePrefixes);
        const keepCount = p.mostRecent.keepCount;
        const seen = new Int32Array(packageNames.length);
        for (let j = 0; j < n; j++) {
          const i = order[j];
          const k = packageOf[i];
          if (packages !== undefined && packages[k] === 0) continue;
          if (seen[k] < keepCount) kept[i] = 1;
          seen[k]++;
        }
        continue;
      }
      const c = compile(p.condition!);
      for (let i = 0; i < n; i++) if (kept[i] === 0 && matches(c, i)) kept[i] = 1;
    }
    const deleteBy = new Int32Array(n).fill(-1);
    policies.forEach((p, pi) => {
      if (p.action !== 'DELETE') return;
      const c = compile(p.condition!);
      for (let i = 0; i < n; i++) if (kept[i] === 0 && deleteBy[i] < 0 && matches(c, i)) deleteBy[i] = pi;
    });

    const picked: number[] = [];
    for (let i = 0; i < n; i++) {
      if (deleteBy[i] < 0 || kept[i] === 1) continue;
      if (options.immutableTags && tags[i].length > 0) continue;
      picked.push(i);
    }
    // Sorted by package name, then version: the names ranked once, so the comparator compares two numbers before any string.
    const rank = new Int32Array(packageNames.length);
    packageNames.map((_, k) => k).sort((a, b) => compareStrings(packageNames[a], packageNames[b])).forEach((k, r) => { rank[k] = r; });
    picked.sort((a, b) => (rank[packageOf[a]] - rank[packageOf[b]]) || compareStrings(versions[a].version, versions[b].version));
    const deleted: GarDeletedVersion[] = picked.map((i) => ({
      packageName: versions[i].packageName, version: versions[i].version, policyId: policies[deleteBy[i]].id,
    }));
    return { deleted };
  }

  /** Every problem for which Artifact Registry would reject the policies (or this evaluator cannot judge them); empty when valid. */
  public static problems(cleanupPoliciesJson: string): string[] {
    return parse(cleanupPoliciesJson).problems;
  }
}

/** A Terraform nested block: an object, a one-element list, or absent (undefined, null, []). */
function block(value: any, path: string, problems: string[]): any {
  if (value === undefined || value === null) return undefined;
  if (Array.isArray(value)) {
    if (value.length === 0) return undefined;
    if (value.length > 1) {
      problems.push(`${path}: ${value.length} blocks; at most one is allowed`);
      return undefined;
    }
    value = value[0];
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    problems.push(`${path}: ${show(value)} is not a block (an object)`);
    return undefined;
  }
  return value;
}

function prefixList(value: any, path: string, problems: string[]): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.some((x) => typeof x !== 'string')) {
    problems.push(`${path}: ${show(value)} must be a list of strings`);
    return undefined;
  }
  return value;
}

/**
 * A cleanup policy duration as the google provider accepts it, in milliseconds:
 * whole digits and one unit, `s`, `m`, `h` or `d` (`"604800s"`, `"7d"`). The
 * provider (6.50.0, `resource_artifact_registry_repository.go`,
 * `expandArtifactRegistryRepositoryCleanupPoliciesConditionOlderThan`) reads
 * `strconv.Atoi(val[:len(val)-1])` and the last character as the unit, and
 * fails with "unexpected value is not duration" otherwise: a fraction
 * (`"604800.5s"`) never reaches the API.
 */
function duration(value: any, path: string, problems: string[]): number | undefined {
  if (value === undefined || value === null) return undefined;
  const m = typeof value === 'string' ? /^(\d+)([smhd])$/.exec(value) : null;
  if (!m) {
    problems.push(`${path}: ${show(value)} is not a duration the google provider accepts (whole digits and one unit, s, m, h or d: e.g. "604800s" for 7 days)`);
    return undefined;
  }
  const unit = { s: 1, m: 60, h: 3600, d: 86_400 }[m[2] as 's' | 'm' | 'h' | 'd'];
  return Number(m[1]) * unit * 1000;
}

function unknownKeys(obj: object, allowed: string[], path: string, problems: string[]): void {
  for (const k of Object.keys(obj)) {
    if (!allowed.includes(k)) problems.push(`${path}.${k}: is not a cleanup policy field (allowed here: ${allowed.join(', ')})`);
  }
}

function parse(json: string): { policies: Policy[]; problems: string[] } {
  const problems: string[] = [];
  let doc: any;
  try {
    doc = typeof json === 'string' ? JSON.parse(json) : json;
  } catch (e) {
    return { policies: [], problems: [`cleanup_policies: not valid JSON (${(e as Error).message})`] };
  }
  if (doc === null || doc === undefined) doc = [];
  if (!Array.isArray(doc)) return { policies: [], problems: [`cleanup_policies: ${show(doc)} must be a list of policies`] };
  if (doc.length > 10) problems.push(`cleanup_policies: ${doc.length} policies; Artifact Registry allows at most 10 per repository`);
  const ids = new Map<string, number>();
  const policies: Policy[] = [];
  doc.forEach((p: any, i: number) => {
    const path = `cleanup_policies[${i}]`;
    if (p === null || typeof p !== 'object' || Array.isArray(p)) {
      problems.push(`${path}: ${show(p)} is not a policy object`);
      return;
    }
    unknownKeys(p, POLICY_KEYS, path, problems);
    const id = p.id;
    if (typeof id !== 'string' || id === '') {
      problems.push(`${path}.id: ${show(id)} is required: a non-empty string`);
    } else {
      if (id.length >= 128) problems.push(`${path}.id: ${show(id)} has ${id.length} characters; ids must be under 128`);
      if (ids.has(id)) problems.push(`${path}.id: ${show(id)} is also the id of cleanup_policies[${ids.get(id)}]; ids must be unique`);
      else ids.set(id, i);
    }
    const action = p.action;
    if (action !== 'DELETE' && action !== 'KEEP') problems.push(`${path}.action: ${show(action)} is not an action (allowed: DELETE, KEEP)`);
    const cond = block(p.condition, `${path}.condition`, problems);
    const recent = block(p.most_recent_versions, `${path}.most_recent_versions`, problems);
    if (cond && recent) problems.push(`${path}: has both condition and most_recent_versions; a policy takes one of them`);
    if (recent && action === 'DELETE') problems.push(`${path}.most_recent_versions: only allowed on a KEEP policy (this one is DELETE)`);
    if (!cond && !recent) {
      problems.push(action === 'DELETE'
        ? `${path}: a DELETE policy needs a condition`
        : `${path}: a KEEP policy needs a condition or most_recent_versions`);
    }
    let condition: Condition | undefined;
    if (cond) {
      unknownKeys(cond, CONDITION_KEYS, `${path}.condition`, problems);
      const state = cond.tag_state ?? 'ANY';
      if (!['TAGGED', 'UNTAGGED', 'ANY'].includes(state)) {
        problems.push(`${path}.condition.tag_state: ${show(state)} is not a tag state (allowed: TAGGED, UNTAGGED, ANY)`);
      }
      condition = {
        tagState: state,
        tagPrefixes: prefixList(cond.tag_prefixes, `${path}.condition.tag_prefixes`, problems),
        versionNamePrefixes: prefixList(cond.version_name_prefixes, `${path}.condition.version_name_prefixes`, problems),
        packageNamePrefixes: prefixList(cond.package_name_prefixes, `${path}.condition.package_name_prefixes`, problems),
        olderThanMs: duration(cond.older_than, `${path}.condition.older_than`, problems),
        newerThanMs: duration(cond.newer_than, `${path}.condition.newer_than`, problems),
      };
    }
    let mostRecent: Policy['mostRecent'];
    if (recent) {
      unknownKeys(recent, MOST_RECENT_KEYS, `${path}.most_recent_versions`, problems);
      const count = recent.keep_count;
      if (!Number.isInteger(count) || count < 0) {
        problems.push(`${path}.most_recent_versions.keep_count: ${show(count)} must be a whole number of versions (0 or more)`);
      }
      mostRecent = { packageNamePrefixes: prefixList(recent.package_name_prefixes, `${path}.most_recent_versions.package_name_prefixes`, problems), keepCount: count };
    }
    policies.push({ id, action, condition, mostRecent: action === 'KEEP' && !cond ? mostRecent : undefined });
  });
  return { policies, problems };
}

function checkVersions(versions: GarVersion[]): string[] {
  if (!Array.isArray(versions)) return [`versions: ${show(versions)} must be a list of versions`];
  const problems: string[] = [];
  // Package name -> its versions seen so far (no joined key string per version).
  const seen = new Map<string, Set<string>>();
  versions.forEach((v, i) => {
    const p = `versions[${i}]`;
    if (v === null || typeof v !== 'object') {
      problems.push(`${p}: ${show(v)} is not a version`);
      return;
    }
    if (typeof v.packageName !== 'string' || v.packageName === '') problems.push(`${p}.packageName: ${show(v.packageName)} must be a non-empty string`);
    if (typeof v.version !== 'string' || v.version === '') problems.push(`${p}.version: ${show(v.version)} must be a non-empty string`);
    let ofPackage = seen.get(v.packageName);
    if (ofPackage === undefined) seen.set(v.packageName, ofPackage = new Set());
    if (ofPackage.has(v.version)) problems.push(`${p}: ${v.packageName}@${v.version} is listed twice`);
    ofPackage.add(v.version);
    if (timeOf(v.createTime) === undefined) problems.push(`${p}.createTime: ${show(v.createTime)} is not a valid Date`);
    if (v.tags !== undefined && (!Array.isArray(v.tags) || v.tags.some((t) => typeof t !== 'string'))) {
      problems.push(`${p}.tags: ${show(v.tags)} must be a list of strings`);
    }
  });
  return problems;
}
