import {
  EffectiveSpec,
  EffectiveTagPolicy,
  EnvironmentLayout,
  Naming,
  RegistrySpec,
  RetentionPolicySpec,
  SpecProblem,
  TagPolicySpec,
  TagState,
  TagStrategy,
} from '../spec';
import { TagPolicyDecision } from './tag-policy-decision';
import { dateLike, matchesEverything, releaseWitness } from './tag-shapes';

/** The tag lints. */
export enum TagLintCode {
  /** The policy leaves `latest` as the only way to name an image: no history, no rollback. */
  LATEST_ONLY = 'latest-only',
  /** A tag pattern looks like a date (`2025-10-18`, `20251018`). */
  DATE_TAG = 'date-tag',
  /** Release tags (versions, version-sha or sha tags) can be overwritten. */
  MUTABLE_RELEASE_TAGS = 'mutable-release-tags',
  /** Promotion moves an environment tag that the policy makes write-once. */
  PROMOTION_OVERWRITES_IMMUTABLE = 'promotion-overwrites-immutable',
  /** The semver strategy moves `latest`, which the policy makes write-once. */
  LATEST_NOT_MUTABLE = 'latest-not-mutable',
  /** A retention rule could expire the image an environment tag points to (from the retention layer's check). */
  ENVIRONMENT_TAG_EXPIRY = 'environment-tag-expiry',
}

/** One lint finding: a warning with its reason and its fix. */
export interface TagLintFinding {
  /** Which lint. */
  readonly code: TagLintCode;
  /** The spec field the finding is about (`repositories[1].tagPolicy.mutableTags[0]`). */
  readonly path: string;
  /** What is wrong and why it matters. */
  readonly message: string;
  /** How to fix it. */
  readonly fix: string;
}

/** Options of `TagLint.lint`. */
export interface TagLintOptions {
  /**
   * Problems found by the retention layer's environment-tag check
   * (`RetentionTagCheck.check(spec)` in `retention`), reported as
   * `environment-tag-expiry` findings. The tagging layer cannot import the
   * retention layer (which depends on it), so the caller passes them.
   *
   * @default - none
   */
  readonly environmentTagProblems?: SpecProblem[];
}

/** A tag policy as written at one place of the spec, with its effective values. */
interface PolicySource {
  readonly path: string;
  readonly given: TagPolicySpec;
  readonly effective: EffectiveTagPolicy;
}

/** A retention policy as written at one place of the spec, with the tag policy of the repositories it applies to. */
interface RetentionSource {
  readonly path: string;
  readonly policy: RetentionPolicySpec;
  readonly strategy: TagStrategy;
}

const EXAMPLE_RELEASE: Record<TagStrategy, string> = {
  [TagStrategy.SEMVER]: '1.2.3 and 1.2.3-abc1234',
  [TagStrategy.VERSION_SHA]: '1.2.3-abc1234',
  [TagStrategy.GIT_SHA]: 'abc1234',
};

/**
 * Lints the tag and retention policies of a spec against the tagging
 * anti-patterns (relying on `latest` alone, dates as tags, overwriting release
 * tags) and against contradictions (promotion moving a write-once environment
 * tag, the semver strategy moving a write-once `latest`). Findings are
 * warnings: the spec stays valid.
 *
 * The registry-level policies are linted at `tagPolicy` / `retention`, each
 * repository override at `repositories[i].tagPolicy` / `.retention`.
 */
export class TagLint {
  /** Every finding for a spec, in spec order. */
  public static lint(spec: RegistrySpec, options: TagLintOptions = {}): TagLintFinding[] {
    const findings: TagLintFinding[] = [];
    const policies: PolicySource[] = [{ path: 'tagPolicy', given: spec.tagPolicy ?? {}, effective: EffectiveSpec.tagPolicy(spec) }];
    const retentions: RetentionSource[] = [];
    if (spec.retention) retentions.push({ path: 'retention', policy: spec.retention, strategy: policies[0].effective.strategy });
    (spec.repositories ?? []).forEach((repo, i) => {
      const effective = EffectiveSpec.tagPolicy(spec, repo);
      if (repo?.tagPolicy) policies.push({ path: `repositories[${i}].tagPolicy`, given: repo.tagPolicy, effective });
      if (repo?.retention) retentions.push({ path: `repositories[${i}].retention`, policy: repo.retention, strategy: effective.strategy });
    });

    TagLint.latestEnvironment(spec, findings);
    for (const source of policies) {
      TagLint.mutableReleaseTags(source, findings);
      TagLint.promotion(spec, source, findings);
      TagLint.latestNotMutable(source, findings);
      (source.given.mutableTags ?? []).forEach((p, j) => TagLint.date(`${source.path}.mutableTags[${j}]`, p, findings));
    }
    for (const source of retentions) {
      TagLint.latestOnlyRetention(source, findings);
      (source.policy.protectedTags ?? []).forEach((p, j) => TagLint.date(`${source.path}.protectedTags[${j}]`, p, findings));
      (source.policy.rules ?? []).forEach((rule, j) => (rule?.tagPatterns ?? [])
        .forEach((p, k) => TagLint.date(`${source.path}.rules[${j}].tagPatterns[${k}]`, p, findings)));
    }
    for (const problem of options.environmentTagProblems ?? []) {
      findings.push({
        code: TagLintCode.ENVIRONMENT_TAG_EXPIRY,
        path: problem.path,
        message: problem.message,
        fix: 'protect the environment tags in protectedTags (or narrow the rule so that it cannot select them); '
          + 'set allowExpiringEnvironmentTags only if expiring a deployed image is really intended',
      });
    }
    return findings;
  }

  /** Renders findings as text, one block per finding: `code path: message` and an indented fix. */
  public static format(findings: TagLintFinding[]): string {
    return findings.map((f) => `${f.code} ${f.path}: ${f.message}\n  fix: ${f.fix}`).join('\n');
  }

  private static mutableReleaseTags(source: PolicySource, findings: TagLintFinding[]): void {
    const { effective, given, path } = source;
    if (!effective.immutable) {
      findings.push({
        code: TagLintCode.MUTABLE_RELEASE_TAGS,
        path: `${path}.immutable`,
        message: `tags are mutable (immutable: false) with the ${effective.strategy} strategy: release tags such as ${EXAMPLE_RELEASE[effective.strategy]} `
          + 'can be overwritten, so one tag can name different images over time and a rollback or an audit may get an image nobody tested',
        fix: 'set immutable: true (the default) and list in mutableTags only the tags that must move (latest, environment tags)',
      });
      return;
    }
    (given.mutableTags ?? []).forEach((p, j) => {
      const witness = matchesEverything(p) ? undefined : releaseWitness(p, effective.strategy);
      if (!matchesEverything(p) && witness === undefined) return;
      findings.push({
        code: TagLintCode.MUTABLE_RELEASE_TAGS,
        path: `${path}.mutableTags[${j}]`,
        message: `the mutable pattern "${p}" matches release tags (such as "${witness ?? EXAMPLE_RELEASE[effective.strategy].split(' ')[0]}"), `
          + 'so they can be overwritten although the policy is immutable',
        fix: 'narrow the pattern to the tags that must move (latest, environment tags, feature-*); release tags should never match a mutable pattern',
      });
    });
  }

  private static promotion(spec: RegistrySpec, source: PolicySource, findings: TagLintFinding[]): void {
    if (Naming.layout(spec) !== EnvironmentLayout.TAGS || !source.effective.immutable) return;
    const blocked = Naming.environmentNames(spec).filter((env) => !TagPolicyDecision.isMutable(source.effective, env));
    if (blocked.length === 0) return;
    const list = blocked.map((e) => `"${e}"`).join(', ');
    findings.push({
      code: TagLintCode.PROMOTION_OVERWRITES_IMMUTABLE,
      path: `${source.path}.mutableTags`,
      message: `with the tags layout, promoting an image moves its environment tag (${list}) onto it, but this immutable policy makes ${blocked.length === 1 ? 'that tag' : 'those tags'} `
        + 'write-once: the second promotion would overwrite an immutable tag and the registry rejects it',
      fix: `add ${list} to mutableTags (the default mutableTags lists latest and every environment), or use the repositories layout, where promotion copies tags into the next environment's repository`,
    });
  }

  private static latestNotMutable(source: PolicySource, findings: TagLintFinding[]): void {
    const { effective, path } = source;
    if (effective.strategy !== TagStrategy.SEMVER || !effective.immutable || TagPolicyDecision.isMutable(effective, 'latest')) return;
    findings.push({
      code: TagLintCode.LATEST_NOT_MUTABLE,
      path: `${path}.mutableTags`,
      message: 'the semver strategy moves latest to each highest release, but latest matches no mutable pattern: pushing latest for the second release '
        + 'overwrites a write-once tag (Artifact Registry rejects it, while ECR lets it move because only *.*.* is write-once there: the clouds would differ)',
      fix: 'add "latest" to mutableTags, or stop pushing latest (BuildTags.compute with latest: false) and pin versions',
    });
  }

  private static latestEnvironment(spec: RegistrySpec, findings: TagLintFinding[]): void {
    if (Naming.layout(spec) !== EnvironmentLayout.TAGS) return;
    (spec.environments?.chain ?? []).forEach((env, i) => {
      if (env?.name !== 'latest') return;
      findings.push({
        code: TagLintCode.LATEST_ONLY,
        path: `environments.chain[${i}].name`,
        message: 'the environment "latest" makes promotion depend on latest: with the tags layout its environment tag is latest, the tag every release build moves, '
          + 'so a build reaches that environment without being promoted, and what runs there is whatever was built last',
        fix: 'rename the environment (prod, live) so that its tag only moves by promotion',
      });
    });
  }

  private static latestOnlyRetention(source: RetentionSource, findings: TagLintFinding[]): void {
    const rules = source.policy.rules ?? [];
    const keepsReleases = (patterns: string[] | undefined) => (patterns ?? []).some((p) => releaseWitness(p, source.strategy) !== undefined);
    if (keepsReleases(source.policy.protectedTags)) return;
    for (let i = 0; i < rules.length; i++) {
      const rule = rules[i];
      const all = rule?.tagState === TagState.ANY || (rule?.tagState === TagState.TAGGED && (rule.tagPatterns ?? []).some(matchesEverything));
      if (all && rule.keepMostRecent === 1) {
        findings.push({
          code: TagLintCode.LATEST_ONLY,
          path: `${source.path}.rules[${i}]`,
          message: 'keeps only the most recent image (keepMostRecent: 1 over every image) and no protected tag keeps releases: once a new image is pushed, '
            + 'the only version left is the one latest points to, with no history to roll back to',
          fix: `keep more images (keepMostRecent: 10), or protect release tags (protectedTags such as ${source.strategy === TagStrategy.GIT_SHA ? '"prod"' : '"*.*.*"'}) so that rollbacks stay possible`,
        });
        return;
      }
      // An earlier rule that selects release tags claims them: they are decided by it, not by a later "keep 1".
      if (rule?.tagState === TagState.ANY || (rule?.tagState === TagState.TAGGED && keepsReleases(rule.tagPatterns))) return;
    }
  }

  private static date(path: string, pattern: string, findings: TagLintFinding[]): void {
    if (typeof pattern !== 'string') return;
    const date = dateLike(pattern);
    if (date === undefined) return;
    findings.push({
      code: TagLintCode.DATE_TAG,
      path,
      message: `"${pattern}" looks like a date tag (${date}): a date says when an image was built, not what it is; it has no version meaning, `
        + 'cannot be compared or rolled back to reliably, and one date can name several builds',
      fix: 'tag builds with the version and the git sha (1.2.3-abc1234, BuildTags.compute), and select images by age with expireAfterDays instead of date patterns',
    });
  }
}
