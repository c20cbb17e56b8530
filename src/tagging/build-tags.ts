import { TagStrategy } from '../spec';
import { OciTag } from './oci-tag';
import { compareSemVer, isRelease, parseSemVer, SemVer, versionTag } from './semver';
import { Problems } from '../spec/problems';

/** What a computed tag is. */
export enum TagKind {
  /** The write-once tag that identifies one build: `<version>-<short sha>`, or the short sha alone. */
  BUILD = 'build',
  /** The write-once full version (`1.2.3`). */
  VERSION = 'version',
  /** The moving `<major>.<minor>` alias (`1.2`). */
  MINOR_ALIAS = 'minor-alias',
  /** The moving `<major>` alias (`1`). */
  MAJOR_ALIAS = 'major-alias',
  /** The moving `latest` alias, on the highest release. */
  LATEST = 'latest',
  /** The moving tag of the branch the build comes from (`main`, `feature-foo`). */
  BRANCH = 'branch',
  /** The moving tag of an environment an image is promoted into (`staging`, `prod`). */
  ENVIRONMENT = 'environment',
}

/** One tag of a build. */
export interface ComputedTag {
  /** The tag (valid under the OCI tag grammar). */
  readonly tag: string;
  /** What the tag is. */
  readonly kind: TagKind;
  /**
   * Whether the tag moves from image to image (an alias, a branch or an
   * environment tag). False for write-once tags (the build tag and the version).
   */
  readonly mutable: boolean;
}

/** What a build is, to compute its tags from. */
export interface BuildTagsInput {
  /** The git commit sha the image was built from (7 to 40 hexadecimal characters). */
  readonly gitSha: string;

  /**
   * The version of the build: a semantic version (`1.2.3`, `1.2.3-rc.1`,
   * `1.2.3+build.5`; a leading `v` is dropped).
   *
   * @default - no version: the build tag is the short sha alone, and no alias moves
   */
  readonly version?: string;

  /**
   * The branch the build comes from; it gives a moving branch tag
   * (`feature/Foo_bar` gives `feature-foo_bar`, see `OciTag.fromBranch`). With
   * immutable tags, list the branch tags in the tag policy's `mutableTags`.
   *
   * @default - no branch tag
   */
  readonly branch?: string;

  /**
   * The tagging strategy.
   *
   * @default TagStrategy.SEMVER
   */
  readonly strategy?: TagStrategy;

  /**
   * The versions already in the repository. Entries that are not semantic
   * versions (aliases such as `1.2`, `latest`, environment tags) are ignored,
   * as are pre-releases and versions with build metadata: only releases decide
   * where an alias points.
   *
   * @default - none: the build is the first release
   */
  readonly existingVersions?: string[];

  /**
   * Whether the `<major>.<minor>` and `<major>` aliases move (semver strategy only).
   *
   * @default true
   */
  readonly semverAliases?: boolean;

  /**
   * Whether `latest` moves to the highest release (semver strategy only).
   *
   * @default true
   */
  readonly latest?: boolean;
}

/** The tags of one build. */
export interface BuildTagSet {
  /** The write-once tag that identifies the build (`1.2.3-abc1234`, or `abc1234`). */
  readonly buildTag: string;
  /** The 7-character short sha, lower case. */
  readonly shortSha: string;
  /**
   * The version as tagged (`1.2.3`; `+` written as `_`).
   *
   * @default - the build has no version
   */
  readonly version?: string;
  /** Every tag to push, write-once tags first, without duplicates. */
  readonly tags: ComputedTag[];
  /** Why an alias did not move, or why an input was ignored; empty when nothing needs saying. */
  readonly notes: string[];
}

const SHA = /^[0-9a-fA-F]{7,40}$/;
const SHORT_SHA_LENGTH = 7;
/** The heading of `BuildTags.compute`'s `ProblemsError`. */
const HEADING = 'Cannot compute the tags of this build';

/**
 * Computes the tags of a build, following the tagging guidance: a write-once
 * build tag (`<version>-<short sha>`, or the short sha alone without a version)
 * and the write-once full version, plus moving aliases (`1.2`, `1`, `latest`)
 * that point at the highest release.
 *
 * Alias rules (semver strategy): an alias moves to this build only when its
 * version is a release (no pre-release, no build metadata) strictly higher than
 * every existing release in the alias's range (`1.2` covers `1.2.*`, `1` covers
 * `1.*.*`, `latest` covers everything). A rebuild of an existing version moves
 * nothing: the existing image keeps its aliases. The version-sha strategy pushes
 * only the build tag; the git-sha strategy only the short sha (a version is
 * ignored).
 *
 * The computation is deterministic: it depends on its input only (the order of
 * `existingVersions` does not matter).
 */
export class BuildTags {
  /**
   * Computes the tags of a build; throws one `ProblemsError` listing every problem of the
   * input, each naming its field (`gitSha`, `version`, `branch`, `strategy`), the value and what is allowed.
   */
  public static compute(input: BuildTagsInput): BuildTagSet {
    const problems = new Problems();
    const notes: string[] = [];
    const strategy = input.strategy ?? TagStrategy.SEMVER;
    if (!Object.values(TagStrategy).includes(strategy)) {
      problems.add('strategy', strategy, `is not a tag strategy (allowed: ${Object.values(TagStrategy).join(', ')})`);
    }
    const sha = input.gitSha;
    if (typeof sha !== 'string' || !SHA.test(sha)) {
      problems.add('gitSha', sha, 'is not a git commit sha (7 to 40 hexadecimal characters)');
    }
    let version: SemVer | undefined;
    if (input.version !== undefined) {
      version = parseSemVer(input.version);
      if (!version) {
        problems.add('version', input.version, 'is not a semantic version (MAJOR.MINOR.PATCH, optionally -prerelease and +build, such as 1.2.3 or 1.2.3-rc.1)');
      }
    }
    let branchTag: string | undefined;
    if (input.branch !== undefined) {
      const problem = OciTag._branchProblem(input.branch);
      if (problem) {
        problems.add('branch', input.branch, problem);
      } else {
        branchTag = OciTag.fromBranch(input.branch);
        if (parseSemVer(branchTag) || SHA.test(branchTag)) {
          problems.add('branch', input.branch, `gives the tag "${branchTag}", which looks like a version or a commit sha; `
            + 'a moving branch tag must not take the shape of a write-once tag (rename the branch or omit it)');
        }
      }
    }
    // The build tag of a valid version may still break the tag grammar (too long): each of its problems, on the version.
    if (version && strategy !== TagStrategy.GIT_SHA && typeof sha === 'string' && SHA.test(sha)) {
      const buildTag = `${versionTag(version)}-${sha.slice(0, SHORT_SHA_LENGTH).toLowerCase()}`;
      for (const p of OciTag._problemsOf(buildTag)) {
        problems.add('version', input.version, `gives the build tag "${buildTag.slice(0, 40)}...", which ${p}`);
      }
    }
    problems.throwIfAny(HEADING);

    const shortSha = sha.slice(0, SHORT_SHA_LENGTH).toLowerCase();
    const tags: ComputedTag[] = [];
    const add = (tag: string, kind: TagKind, mutable: boolean) => tags.push({ tag, kind, mutable });

    let versionText: string | undefined;
    if (strategy === TagStrategy.GIT_SHA) {
      if (version) notes.push(`version ${version.text} is ignored: the git-sha strategy tags the short sha alone`);
      add(shortSha, TagKind.BUILD, false);
    } else if (!version) {
      add(shortSha, TagKind.BUILD, false);
      notes.push('no version: the build tag is the short sha alone, and no alias moves');
    } else {
      versionText = versionTag(version);
      add(`${versionText}-${shortSha}`, TagKind.BUILD, false);
      if (strategy === TagStrategy.SEMVER) {
        add(versionText, TagKind.VERSION, false);
        for (const alias of BuildTags.aliases(version, input, notes)) add(alias.tag, alias.kind, true);
      } else if (input.semverAliases || input.latest) {
        notes.push('aliases are ignored: the version-sha strategy pushes the build tag only');
      }
    }

    if (branchTag !== undefined) {
      const clash = tags.find((t) => t.tag === branchTag);
      if (clash) {
        new Problems().add('branch', input.branch, `gives the tag "${branchTag}", which is also this build's ${clash.kind} tag; rename the branch or omit it`)
          .throwIfAny(HEADING);
      }
      add(branchTag, TagKind.BRANCH, true);
    }

    return { buildTag: tags[0].tag, shortSha, version: versionText, tags, notes };
  }

  /**
   * The moving tag of an environment, put on an image when it is promoted into
   * that environment (with the `tags` layout; with the `repositories` and
   * `registries` layouts the build's tags are copied into the environment's
   * repository instead). Throws when the name is not a valid tag.
   */
  public static environmentTag(environment: string): ComputedTag {
    const problems = new Problems();
    for (const p of OciTag._problemsOf(environment)) problems.add('environment', environment, `cannot be a tag: it ${p}`);
    if (problems.isEmpty && (parseSemVer(environment) || SHA.test(environment))) {
      problems.add('environment', environment, 'looks like a version or a commit sha; an environment tag moves and must not take the shape of a write-once tag');
    }
    problems.throwIfAny('Cannot make an environment tag');
    return { tag: environment, kind: TagKind.ENVIRONMENT, mutable: true };
  }

  private static aliases(version: SemVer, input: BuildTagsInput, notes: string[]): Array<{ tag: string; kind: TagKind }> {
    const wantAliases = input.semverAliases ?? true;
    const wantLatest = input.latest ?? true;
    if (!wantAliases && !wantLatest) return [];
    if (!isRelease(version)) {
      notes.push(`${version.text} is a ${version.prerelease.length ? 'pre-release' : 'version with build metadata'}: it moves no alias`);
      return [];
    }
    const releases = (input.existingVersions ?? [])
      .map((v) => parseSemVer(v))
      .filter((v): v is SemVer => v !== undefined && isRelease(v));
    const candidates: Array<{ tag: string; kind: TagKind; inRange: (v: SemVer) => boolean; wanted: boolean }> = [
      { tag: `${version.major}.${version.minor}`, kind: TagKind.MINOR_ALIAS, inRange: (v) => v.major === version.major && v.minor === version.minor, wanted: wantAliases },
      { tag: `${version.major}`, kind: TagKind.MAJOR_ALIAS, inRange: (v) => v.major === version.major, wanted: wantAliases },
      { tag: 'latest', kind: TagKind.LATEST, inRange: () => true, wanted: wantLatest },
    ];
    const result: Array<{ tag: string; kind: TagKind }> = [];
    for (const c of candidates) {
      if (!c.wanted) continue;
      const higher = releases.filter((r) => c.inRange(r) && compareSemVer(r, version) >= 0).sort((a, b) => compareSemVer(b, a))[0];
      if (higher) {
        const same = compareSemVer(higher, version) === 0;
        notes.push(`${c.tag} stays on ${higher.text}: ${same ? `${version.text} already exists (a rebuild moves no alias)` : `it is higher than ${version.text}`}`);
      } else {
        result.push({ tag: c.tag, kind: c.kind });
      }
    }
    return result;
  }
}
