import { EffectiveTagPolicy, Glob, TagStrategy } from '../spec';
import { globsIntersect, isSemverAlias, matchesEverything, releaseWitness } from './tag-shapes';

/** ECR's tag mutability settings (`imageTagMutability`). */
export enum EcrTagMutability {
  /** Every tag can be overwritten. */
  MUTABLE = 'MUTABLE',
  /** No tag can be overwritten. */
  IMMUTABLE = 'IMMUTABLE',
  /** No tag can be overwritten, except tags matching the exclusion filters. */
  IMMUTABLE_WITH_EXCLUSION = 'IMMUTABLE_WITH_EXCLUSION',
  /** Every tag can be overwritten, except tags matching the exclusion filters. */
  MUTABLE_WITH_EXCLUSION = 'MUTABLE_WITH_EXCLUSION',
}

/** How an ECR repository enforces the tag policy. */
export interface EcrTagDecision {
  /** The repository's `imageTagMutability`. */
  readonly mutability: EcrTagMutability;
  /**
   * The `WILDCARD` exclusion filters (1 to 5 with the `*_WITH_EXCLUSION`
   * settings, empty otherwise): the tags that move with
   * `IMMUTABLE_WITH_EXCLUSION`, the write-once tags with `MUTABLE_WITH_EXCLUSION`.
   */
  readonly exclusionFilters: string[];
  /** What ECR enforces differently from the spec, for warning annotations. */
  readonly warnings: string[];
}

/** How an Artifact Registry repository enforces the tag policy. */
export interface GarTagDecision {
  /** `docker_config.immutable_tags`. */
  readonly immutableTags: boolean;
  /** What Artifact Registry enforces differently from the spec, for warning annotations. */
  readonly warnings: string[];
}

/** How an Azure Container Registry enforces the tag policy (it cannot, in Terraform). */
export interface AcrTagDecision {
  /** What ACR cannot enforce and the data-plane alternative, for warning annotations. */
  readonly warnings: string[];
}

/**
 * How a Harbor project enforces the tag policy of some of its repositories: one
 * `harbor_immutable_tag_rule` (Harbor: "artifacts with certain tags cannot be
 * pushed into Harbor if their tags match existing tags", and an immutable tag
 * cannot be deleted).
 */
export interface HarborTagDecision {
  /** Whether the repositories get an immutable tag rule (false: every tag moves). */
  readonly immutable: boolean;
  /**
   * The rule's `tag_excluding` doublestar pattern: the tags that stay mutable
   * (every other tag is immutable). Empty with `immutable` and no moving tag:
   * the rule then uses `tag_matching` `**` (every tag).
   */
  readonly tagExcluding: string;
  /** What Harbor enforces differently from the spec, for warning annotations. */
  readonly warnings: string[];
}

/**
 * The `1.2` / `1` aliases as doublestar alternatives, for components of up to
 * three digits without a leading zero (0-999): doublestar has character classes
 * but no repetition, so a longer component cannot be named.
 */
const HARBOR_ALIAS_COMPONENTS = ['[0-9]', '[1-9][0-9]', '[1-9][0-9][0-9]'];
const HARBOR_ALIASES = [...HARBOR_ALIAS_COMPONENTS, ...HARBOR_ALIAS_COMPONENTS.flatMap((a) => HARBOR_ALIAS_COMPONENTS.map((b) => `${a}.${b}`))];

/** The most exclusion filters an ECR repository takes. */
const ECR_MAX_FILTERS = 5;
/** ECR's exclusion filter grammar. */
const ECR_FILTER = /^[0-9a-zA-Z._*-]{1,128}$/;
/** The write-once filter for the semver and version-sha strategies: every tag with two dots or more. */
const FULL_VERSIONS = '*.*.*';

/**
 * Decides, per cloud, how the spec's tag policy is enforced, and says what a
 * cloud cannot enforce.
 *
 * The spec's meaning (`TagPolicyDecision.isMutable`): with `immutable: true`, a
 * tag moves when it matches a `mutableTags` pattern or, with the semver strategy
 * and `semverAliases`, when it is a `1.2` / `1` alias; every other tag is
 * written once. With `immutable: false`, every tag moves.
 *
 * On every cloud, when the native setting cannot say exactly that, the decision
 * errs towards write-once (a push that would move a tag is rejected, loudly)
 * rather than towards letting a release tag be overwritten (silently), and warns.
 */
export class TagPolicyDecision {
  /**
   * The spec's meaning: whether a tag may move under the policy.
   */
  public static isMutable(policy: EffectiveTagPolicy, tag: string): boolean {
    if (!policy.immutable) return true;
    if (Glob.matchesAny(policy.mutableTags, tag)) return true;
    return TagPolicyDecision.aliasesMove(policy) && isSemverAlias(tag);
  }

  /**
   * Whether ECR lets a tag be overwritten under a decision. A filter matches a
   * whole tag, `*` standing for any run of characters (ECR console: "enter tag
   * names or use wildcards (*) to match multiple similar tags").
   */
  public static ecrAllowsOverwrite(decision: EcrTagDecision, tag: string): boolean {
    const matched = Glob.matchesAny(decision.exclusionFilters, tag);
    switch (decision.mutability) {
      case EcrTagMutability.MUTABLE: return true;
      case EcrTagMutability.IMMUTABLE: return false;
      case EcrTagMutability.IMMUTABLE_WITH_EXCLUSION: return matched;
      case EcrTagMutability.MUTABLE_WITH_EXCLUSION: return !matched;
      default: throw new Error(`unknown ECR tag mutability ${JSON.stringify(decision.mutability)}`);
    }
  }

  /**
   * The ECR setting for a tag policy.
   *
   * - `immutable: false`: `MUTABLE`.
   * - a `mutableTags` pattern of `*` alone: every tag moves, `MUTABLE`.
   * - no moving aliases (strategy version-sha or git-sha, or `semverAliases:
   *   false`): `IMMUTABLE_WITH_EXCLUSION` with the mutable patterns as the
   *   filters (exact), or `IMMUTABLE` when there are none.
   * - semver with aliases: `1.2` and `1` cannot be told from `1.2.3` by a
   *   wildcard, so `MUTABLE_WITH_EXCLUSION` with the write-once filter `*.*.*`:
   *   full versions, pre-releases and version-sha tags (two dots or more) are
   *   write-once; `1.2`, `1`, `latest`, environment and branch tags move. Tags
   *   that match a mutable pattern and `*.*.*` (such as `v1.2.3` under `v*`) are
   *   write-once on ECR, stricter than the spec: a warning says so.
   * - more than 5 mutable patterns: the version-sha and semver strategies fall
   *   back to `MUTABLE_WITH_EXCLUSION` `*.*.*` with a warning (tags outside the
   *   strategy's release tags may then be overwritten); the git-sha strategy
   *   has no wildcard for "a sha", so this throws.
   *
   * Throws when a pattern is not a valid ECR filter (1-128 characters of
   * `0-9 a-z A-Z . _ * -`: ECR API, ImageTagMutabilityExclusionFilter) or the
   * policy cannot be expressed with 5 filters (ECR API, PutImageTagMutability:
   * "Minimum number of 1 item. Maximum number of 5 items.").
   */
  public static ecr(policy: EffectiveTagPolicy): EcrTagDecision {
    if (!policy.immutable) return { mutability: EcrTagMutability.MUTABLE, exclusionFilters: [], warnings: [] };
    const patterns = [...new Set(policy.mutableTags)];
    const bad = patterns.filter((p) => typeof p !== 'string' || !ECR_FILTER.test(p));
    if (bad.length > 0) {
      throw new Error(`ECR cannot use these mutableTags patterns as tag mutability exclusion filters: ${bad.map((p) => JSON.stringify(p)).join(', ')}`
        + ' (a filter is 1 to 128 characters: letters, digits, . _ - and * as a wildcard)');
    }
    if (patterns.some(matchesEverything)) {
      return { mutability: EcrTagMutability.MUTABLE, exclusionFilters: [], warnings: [] };
    }
    const aliases = TagPolicyDecision.aliasesMove(policy);
    if (!aliases && patterns.length === 0) {
      return { mutability: EcrTagMutability.IMMUTABLE, exclusionFilters: [], warnings: [] };
    }
    if (!aliases && patterns.length <= ECR_MAX_FILTERS) {
      return { mutability: EcrTagMutability.IMMUTABLE_WITH_EXCLUSION, exclusionFilters: patterns, warnings: [] };
    }
    const warnings: string[] = [];
    if (policy.strategy === TagStrategy.GIT_SHA) {
      throw new Error(`ECR cannot express this tag policy: it lists ${patterns.length} mutableTags patterns (${patterns.join(', ')}), `
        + `and ECR takes at most ${ECR_MAX_FILTERS} tag mutability exclusion filters; the git-sha strategy has no write-once wildcard to use instead `
        + `(a filter cannot say "7 hex characters"). Merge the patterns into ${ECR_MAX_FILTERS} or fewer (feature-* instead of each branch), `
        + 'or use the version-sha strategy, whose release tags are matched by *.*.*');
    }
    if (aliases) {
      // No wildcard tells the moving aliases (1.2, 1) from full versions except *.*.*, so
      // everything else stays overwritable: say so rather than let it pass silently.
      warnings.push('semver aliases (1.2, 1) move, and no ECR wildcard tells them from other tags, so the repository uses MUTABLE_WITH_EXCLUSION '
        + `with the write-once filter ${FULL_VERSIONS}: versions and version-sha tags are write-once, but tags without two dots (the short-sha `
        + 'build tag of an unversioned build, branch tags) can be overwritten on ECR. Give every build a version, or set semverAliases: false '
        + 'for IMMUTABLE_WITH_EXCLUSION with the mutable tags as exceptions.');
    } else {
      warnings.push(`ECR takes at most ${ECR_MAX_FILTERS} tag mutability exclusion filters and the policy lists ${patterns.length} mutable patterns, `
        + `so the repository uses MUTABLE_WITH_EXCLUSION with the write-once filter ${FULL_VERSIONS}: release tags (versions and version-sha tags) stay write-once, `
        + `but other tags that match no mutable pattern can be overwritten. Merge the mutable patterns into ${ECR_MAX_FILTERS} or fewer for an exact IMMUTABLE_WITH_EXCLUSION.`);
    }
    for (const p of patterns) {
      if (!globsIntersect(p, FULL_VERSIONS)) continue;
      const witness = releaseWitness(p, TagStrategy.SEMVER);
      if (witness === undefined) continue;
      warnings.push(`mutableTags pattern "${p}" matches version tags such as "${witness}", which the ECR filter ${FULL_VERSIONS} keeps write-once: `
        + 'ECR rejects moving them, stricter than the spec. Narrow the pattern so that it matches no version, or stop moving version-shaped tags.');
    }
    return { mutability: EcrTagMutability.MUTABLE_WITH_EXCLUSION, exclusionFilters: [FULL_VERSIONS], warnings };
  }

  /**
   * The Artifact Registry setting for a tag policy. `docker_config.immutable_tags`
   * is all or nothing: the repository "prevents all tags from being modified,
   * moved or deleted" (Artifact Registry API, DockerRepositoryConfig).
   *
   * - `immutable: false`, or a mutable pattern of `*` alone: `false`.
   * - `immutable: true` with no moving tag (no mutable pattern, no moving
   *   aliases): `true`, exact.
   * - `immutable: true` with moving tags (aliases, `latest`, environment tags):
   *   `true`, with a warning. This is the safe choice: with `true`, release tags
   *   can never be overwritten and a push that moves an alias or an environment
   *   tag is rejected (loud, nothing lost, the fix is visible); with `false`, any
   *   pusher could re-point `1.2.3` silently, and the image it pointed to would
   *   become untagged, where an untagged-image retention rule can delete it. The
   *   cost is that moving tags do not move on GCP: the warning names them and
   *   the ways out (pin deployments to versions or digests; use the
   *   `repositories` or `registries` layout, where promotion creates tags in the
   *   next environment's repository instead of moving one; or set `immutable:
   *   false` for the repositories concerned, accepting overwritable versions).
   */
  public static gar(policy: EffectiveTagPolicy): GarTagDecision {
    if (!policy.immutable || policy.mutableTags.some(matchesEverything)) return { immutableTags: false, warnings: [] };
    const moving = TagPolicyDecision.movingDescription(policy);
    if (moving.length === 0) return { immutableTags: true, warnings: [] };
    return {
      immutableTags: true,
      warnings: [
        'Artifact Registry\'s immutable_tags is all or nothing ("prevents all tags from being modified, moved or deleted"), and this policy keeps release tags '
        + `write-once while letting ${moving.join(', ')} move. The repository gets immutable_tags = true, the safe side: no release tag can be overwritten, `
        + `and pushing ${moving.join(', ')} again once they exist is rejected (promotion by moving an environment tag fails) instead of silently re-pointing a version. `
        + 'To move these tags on GCP: pin deployments to versions or digests; use the repositories or registries layout, where promotion creates tags in '
        + 'the next environment instead of moving one; or set tagPolicy.immutable to false for these repositories, accepting that release tags can be overwritten.',
      ],
    };
  }

  /**
   * The Azure Container Registry decision: ACR has no tag immutability setting
   * in Terraform (azurerm_container_registry), only data-plane locks. When the
   * policy asks for write-once tags, a warning names the alternative: lock each
   * release tag after pushing it with `az acr repository update --name
   * <registry> --image <repository>:<tag> --write-enabled false` (Azure docs,
   * "Lock a container image in an Azure container registry"); locking the whole
   * repository would also freeze the moving tags.
   */
  public static acr(policy: EffectiveTagPolicy): AcrTagDecision {
    if (!policy.immutable || policy.mutableTags.some(matchesEverything)) return { warnings: [] };
    const moving = TagPolicyDecision.movingDescription(policy);
    return {
      warnings: [
        'Azure Container Registry has no tag immutability setting in Terraform: every tag stays overwritable by anyone who may push. '
        + 'Nearest safe alternative: lock each release tag right after pushing it, with '
        + '`az acr repository update --name <registry> --image <repository>:<tag> --write-enabled false` (a data-plane lock, which also blocks deleting the tag)'
        + `${moving.length ? `, and leave ${moving.join(', ')} unlocked; do not lock the whole repository (--repository), which would freeze them too` : ''}.`,
      ],
    };
  }

  /**
   * The Harbor decision: an immutable tag rule whose tag selector excludes the
   * tags that move (doublestar `tag_excluding`; a tag is immutable when it does
   * not match). The spec's globs become doublestar patterns (`*` is doublestar's
   * `*`, since tags have no `/`; other doublestar metacharacters are escaped), so
   * the mutable patterns are exact. The semver aliases (`1.2`, `1`) are named by
   * character classes for components up to 999 (exact there); an alias with a
   * longer component (`1000`) is immutable on Harbor, stricter than the spec:
   * moving it again is rejected (a warning says so). Harbor immutability also
   * blocks deleting an immutable tag, so retention keeps artifacts that carry
   * one (goharbor docs, "Tag Immutability Rules": "an immutable tagged artifact
   * cannot be deleted").
   */
  public static harbor(policy: EffectiveTagPolicy): HarborTagDecision {
    if (!policy.immutable || policy.mutableTags.some(matchesEverything)) return { immutable: false, tagExcluding: '', warnings: [] };
    const escape = (s: string) => s.replace(/[\\*?[\]{},]/g, '\\$&');
    const mutable = [...new Set(policy.mutableTags)].map((p) => p.split('*').map(escape).join('*'));
    const warnings: string[] = [];
    if (TagPolicyDecision.aliasesMove(policy)) {
      mutable.push(...HARBOR_ALIASES);
      warnings.push('semver aliases (1.2, 1) move: Harbor\'s doublestar patterns have character classes but no repetition, so the immutable tag rule '
        + 'leaves aliases with components up to 999 mutable; an alias with a longer component (1000, 1.1000) is immutable on Harbor and moving it is rejected');
    }
    const tagExcluding = mutable.length === 0 ? '' : mutable.length === 1 ? mutable[0] : `{${mutable.join(',')}}`;
    return { immutable: true, tagExcluding, warnings };
  }

  private static aliasesMove(policy: EffectiveTagPolicy): boolean {
    return policy.strategy === TagStrategy.SEMVER && policy.semverAliases;
  }

  private static movingDescription(policy: EffectiveTagPolicy): string[] {
    const moving: string[] = [];
    if (TagPolicyDecision.aliasesMove(policy)) moving.push('the 1.2 / 1 aliases');
    moving.push(...[...new Set(policy.mutableTags)].map((p) => `"${p}"`));
    return moving;
  }
}
