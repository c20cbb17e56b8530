/**
 * Prefix compaction of repository names (internal): replaces a set of ECR
 * repository names by `<prefix>/*` wildcards where that is exactly as wide as the
 * set, as far as the spec knows. The rule, documented in the README:
 * a prefix `p/` (an ancestor path of a chosen name) is used only when
 * - every repository of the spec whose name starts with `p/` is in the set, and
 * - no reserved prefix (pull-through cache or creation-template namespace) lies
 *   under `p/` or contains it.
 * The shortest such ancestor is taken for each name. A wildcard still covers
 * repositories created later under the same prefix outside the spec; that is the
 * documented cost of staying under the IAM and filter size limits.
 */
export interface CompactedNames {
  /** Names kept as they are. */
  readonly exact: string[];
  /** Prefixes ending with `/`, each standing for `<prefix>*`. */
  readonly prefixes: string[];
}

export function compactRepositoryNames(chosen: string[], all: string[], reserved: string[] = []): CompactedNames {
  const chosenSet = new Set(chosen);
  // A prefix `p/` ends with a slash, so `name.startsWith(p)` holds exactly for the names it is a path ancestor of:
  // count, per ancestor, the names of the spec under it and those of them not chosen (one pass, not one per prefix).
  const unchosen = new Map<string, number>();
  for (const name of all) {
    const missing = chosenSet.has(name) ? 0 : 1;
    for (let at = name.indexOf('/'); at >= 0; at = name.indexOf('/', at + 1)) {
      const p = name.slice(0, at + 1);
      unchosen.set(p, (unchosen.get(p) ?? 0) + missing);
    }
  }
  const allowed = (p: string): boolean => {
    if (reserved.some((r) => `${r}/`.startsWith(p) || r.startsWith(p) || p.startsWith(`${r}/`))) return false;
    return (unchosen.get(p) ?? 0) === 0;
  };
  const memo = new Map<string, boolean>();
  const exact: string[] = [];
  const prefixes = new Set<string>();
  for (const name of [...chosenSet].sort()) {
    let found: string | undefined;
    for (let at = name.indexOf('/'); at >= 0; at = name.indexOf('/', at + 1)) {
      const p = name.slice(0, at + 1);
      if (!memo.has(p)) memo.set(p, allowed(p));
      if (memo.get(p)) {
        found = p;
        break;
      }
    }
    if (found) prefixes.add(found);
    else exact.push(name);
  }
  return { exact, prefixes: [...prefixes].sort() };
}
