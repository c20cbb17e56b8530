/**
 * Semantic versions (https://semver.org, 2.0.0), internal to the tagging layer:
 * parsing, precedence, and the tag form of a version.
 *
 * Not exported from the package: the public API takes versions as strings.
 */

/** A parsed semantic version. */
export interface SemVer {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
  /** Pre-release identifiers (`rc.1` gives `['rc', '1']`); empty for a release. */
  readonly prerelease: string[];
  /** Build metadata (`+build.5` gives `build.5`), or undefined. */
  readonly build?: string;
  /** The version as written, without a leading `v`. */
  readonly text: string;
}

// The regular expression suggested by semver.org, with an optional leading `v`
// (a git tag convention). `_` is accepted as the build-metadata separator too,
// because that is how a version with build metadata is written as an OCI tag.
const SEMVER = /^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:[+_]([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;

/** Versions are compared as numbers up to this size; larger ones are refused rather than rounded. */
const MAX_SAFE_COMPONENT = Number.MAX_SAFE_INTEGER;

/** Parses a version, or returns undefined when it is not a semantic version. */
export function parseSemVer(value: string): SemVer | undefined {
  if (typeof value !== 'string') return undefined;
  const m = SEMVER.exec(value);
  if (!m) return undefined;
  const [major, minor, patch] = [m[1], m[2], m[3]].map(Number);
  if (![major, minor, patch].every((n) => n <= MAX_SAFE_COMPONENT)) return undefined;
  return {
    major,
    minor,
    patch,
    prerelease: m[4] ? m[4].split('.') : [],
    build: m[5],
    text: value.startsWith('v') ? value.slice(1) : value,
  };
}

/** Whether a version is a release: no pre-release identifiers and no build metadata. */
export function isRelease(v: SemVer): boolean {
  return v.prerelease.length === 0 && v.build === undefined;
}

/**
 * Compares two versions by semver precedence (build metadata is ignored):
 * negative when `a < b`, 0 when equal, positive when `a > b`.
 */
export function compareSemVer(a: SemVer, b: SemVer): number {
  if (a.major !== b.major) return a.major - b.major;
  if (a.minor !== b.minor) return a.minor - b.minor;
  if (a.patch !== b.patch) return a.patch - b.patch;
  // A release has higher precedence than its pre-releases.
  if (a.prerelease.length === 0 || b.prerelease.length === 0) {
    return (a.prerelease.length === 0 ? 1 : 0) - (b.prerelease.length === 0 ? 1 : 0);
  }
  const n = Math.min(a.prerelease.length, b.prerelease.length);
  for (let i = 0; i < n; i++) {
    const c = compareIdentifier(a.prerelease[i], b.prerelease[i]);
    if (c !== 0) return c;
  }
  return a.prerelease.length - b.prerelease.length;
}

function compareIdentifier(a: string, b: string): number {
  const an = /^\d+$/.test(a);
  const bn = /^\d+$/.test(b);
  if (an && bn) {
    // Compare numerically without overflow: by length, then lexically.
    return a.length !== b.length ? a.length - b.length : a < b ? -1 : a > b ? 1 : 0;
  }
  if (an) return -1; // numeric identifiers have lower precedence
  if (bn) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The version written as an OCI tag: `+` (not allowed in tags) becomes `_`,
 * the convention Helm uses for charts stored in OCI registries.
 */
export function versionTag(v: SemVer): string {
  const core = `${v.major}.${v.minor}.${v.patch}`;
  const pre = v.prerelease.length ? `-${v.prerelease.join('.')}` : '';
  const build = v.build !== undefined ? `_${v.build}` : '';
  return `${core}${pre}${build}`;
}
