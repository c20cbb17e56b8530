import { HarborAccessMatrix } from './access-matrix';
import { WorkflowVariables } from '../promotion/workflow-variables';
import { RetentionTagCheck } from '../retention/environment-tag-check';
import { escapeDoublestar } from '../retention/harbor-doublestar';
import { HarborRetentionResult, HarborRetentionTranslation } from '../retention/harbor-translation';
import { EffectiveSpec } from '../spec/effective';
import { Naming } from '../spec/naming';
import { Problems } from '../spec/problems';
import { Cloud, RegistrySpec } from '../spec/registry-spec';
import { rulesFor } from '../spec/retention-rules';
import { SpecProblem, SpecValidator } from '../spec/validate';
import { TagPolicyDecision } from '../tagging/tag-policy-decision';

/** One immutable tag rule of a project, as `harbor_immutable_tag_rule` takes it. @internal */
export interface HarborImmutableRulePlan {
  readonly project: string;
  /** `repo_matching`: `**` (every repository of the project) or `{a,b}`. */
  readonly repoMatching: string;
  /** `tag_excluding` (the mutable tags), or undefined with `tagMatching`. */
  readonly tagExcluding?: string;
  /** `tag_matching` `**` when no tag moves. */
  readonly tagMatching?: string;
  /** The repositories (paths in the project) it covers. */
  readonly repositories: string[];
}

/** What the Harbor validation derives from a valid spec, for the construct and the plan. @internal */
export interface HarborValidation {
  readonly problems: SpecProblem[];
  /** Per project: its retention translation, or undefined when no repository of it has rules. */
  readonly retention: Map<string, HarborRetentionResult | undefined>;
  /** Per project: its immutable tag rules. */
  readonly immutable: Map<string, HarborImmutableRulePlan[]>;
  /** The tag policy decisions' warnings, with the repositories concerned. */
  readonly tagWarnings: Map<string, string[]>;
}

/** Harbor's name grammar for projects and robots (goharbor/harbor src/pkg/project/manager.go:61, src/server/v2.0/handler/robot.go:443). */
const HARBOR_NAME = /^[a-z0-9]+(?:[._-][a-z0-9]+)*$/;

/**
 * Every problem that synthesis of the Harbor `ContainerRegistry` raises from the
 * spec alone, with the limits looked up in goharbor/harbor's source:
 * - project names: 1-255 characters of `[a-z0-9]+(?:[._-][a-z0-9]+)*`
 *   (`src/pkg/project/manager.go`: `projectNameMaxLen` 255, `restrictedNameChars`,
 *   "project name is not in lower case or contains illegal characters"), for the
 *   spec's projects and the proxy-cache projects;
 * - repository names: `<project>/<path>` is a distribution reference name
 *   (`src/lib/patterns.go`, `RepositoryNameRe` from `reference.NameRegexp`) of at
 *   most 255 characters (distribution/reference `NameTotalLengthMax`);
 * - robot names (the identities' names): `[a-z0-9]+(?:[._-][a-z0-9]+)*`
 *   (`src/server/v2.0/handler/robot.go`, `validateName`: "robot name is not in
 *   lower case or contains illegal characters");
 * - at most 15 retention rules per project (`src/server/v2.0/handler/retention.go`:
 *   "only 15 rules are allowed at most"), and the retention translation's problems;
 * - at most 15 immutable tag rules per project (the portal refuses a 16th,
 *   `immutable-tag.component.html`: `[disabled]="rules?.length >= 15"`; the API does
 *   not check, but a project with more cannot be edited in the UI);
 * - robots: no two (identity, project) robots share a construct id or output names
 *   (`Robot-<identity>-<project>`, `HARBOR_ROBOT_NAME_<IDENTITY>_<PROJECT>`);
 * - the neutral checks for Harbor and the environment-tag retention check.
 * The construct calls it, and so does `container-registry validate --cloud harbor`.
 */
export class HarborValidator {
  /** Retention rules per project (`src/server/v2.0/handler/retention.go`). */
  public static readonly MAX_RETENTION_RULES = 15;
  /** Immutable tag rules per project (the portal's limit). */
  public static readonly MAX_IMMUTABLE_RULES = 15;
  /** Project name length (`src/pkg/project/manager.go`, `projectNameMaxLen`). */
  public static readonly MAX_PROJECT_NAME_LENGTH = 255;
  /** Repository name length, project included (distribution/reference `NameTotalLengthMax`). */
  public static readonly MAX_REPOSITORY_NAME_LENGTH = 255;

  /** Every problem of the spec on Harbor; empty when `ContainerRegistry` synthesizes it. */
  public static problems(spec: RegistrySpec): SpecProblem[] {
    return HarborValidator._validate(spec).problems;
  }

  /** The problems, and what the construct builds from a valid spec. @internal */
  public static _validate(spec: RegistrySpec): HarborValidation {
    const neutral = SpecValidator.validate(spec, { clouds: [Cloud.HARBOR] }).problems;
    const own = new Problems();
    const result: HarborValidation = { problems: [], retention: new Map(), immutable: new Map(), tagWarnings: new Map() };
    try {
      HarborValidator.harborChecks(spec, neutral.length === 0, own, result);
    } catch (e) {
      // A spec the neutral checks refuse may be too malformed for the Harbor checks; its problems are already listed.
      if (neutral.length === 0) throw e;
    }
    const key = (p: SpecProblem) => `${p.path} ${p.value}`;
    const seen = new Set(neutral.map(key));
    return { ...result, problems: [...neutral, ...own.list.filter((p) => !seen.has(key(p)))] };
  }

  /** The projects of the spec (per the layout), each with its physical environments. @internal */
  public static _projects(spec: RegistrySpec): Map<string, string[]> {
    const projects = new Map<string, string[]>();
    for (const env of Naming.physicalEnvironments(spec)) {
      const name = Naming.harborProjectName(spec, env || undefined);
      projects.set(name, [...(projects.get(name) ?? []), env]);
    }
    return projects;
  }

  /**
   * The robots (one per identity and project, `HarborAccessMatrix.robots`): Harbor tells
   * them apart by full name (`robot$<project>+<identity>`), but the construct id
   * `Robot-<identity>-<project>` and the outputs / workflow variables
   * `HARBOR_ROBOT_NAME_<IDENTITY>_<PROJECT>` join the two with a separator that names
   * contain, so identity `ci-shop` in project `shop` and identity `ci` in the proxy-cache
   * project `shop-shop` would be one construct and one pair of outputs: a problem naming both.
   */
  private static robotNameChecks(spec: RegistrySpec, problems: Problems): void {
    const path = (identity: string) => {
      for (const role of ['pushers', 'pullers', 'promoters'] as const) {
        const i = (spec.access?.[role] ?? []).findIndex((id) => id.name === identity);
        if (i >= 0) return `access.${role}[${i}].name`;
      }
      return 'access';
    };
    const seen = new Map<string, { identity: string; project: string }>();
    for (const r of HarborAccessMatrix._robotAccounts(spec)) {
      const project = r.permissions[0].project;
      for (const key of [`Robot-${r.name}-${project}`, WorkflowVariables.harborRobotName(r.name, project)]) {
        const other = seen.get(key);
        if (other && (other.identity !== r.identity || other.project !== project)) {
          problems.add(path(r.identity), r.identity, `has a robot in project "${project}" whose construct id and outputs (${`Robot-${r.name}-${project}`}, `
            + `${WorkflowVariables.harborRobotName(r.name, project)}) are those of identity "${other.identity}"'s robot in project "${other.project}": `
            + 'the workflow could not tell the two robots apart; rename one of the identities (or the cache)');
          break;
        }
        seen.set(key, { identity: r.identity, project });
      }
    }
  }

  private static harborChecks(spec: RegistrySpec, valid: boolean, problems: Problems, out: HarborValidation): void {
    const projects = HarborValidator._projects(spec);
    for (const [project, envs] of projects) {
      const env = envs[0] ? ` (environment "${envs[0]}")` : '';
      if (!HARBOR_NAME.test(project) || project.length > HarborValidator.MAX_PROJECT_NAME_LENGTH) {
        problems.add('name', spec.name, `gives the Harbor project "${project}"${env}: project names are 1-255 lower-case letters and digits joined by . _ -`);
      }
      spec.repositories.forEach((r, i) => {
        for (const e of envs) {
          const full = `${project}/${Naming.harborRepositoryPath(spec, r.name, e || undefined)}`;
          if (full.length > HarborValidator.MAX_REPOSITORY_NAME_LENGTH) {
            problems.add(`repositories[${i}].name`, r.name, `gives the Harbor repository "${full.slice(0, 40)}...", ${full.length} characters; Harbor takes at most 255 (project included)`);
            break;
          }
        }
      });
    }
    (spec.upstreamCaches ?? []).forEach((c, i) => {
      const project = Naming.harborCacheProjectName(spec, c.name);
      if (!HARBOR_NAME.test(project) || project.length > HarborValidator.MAX_PROJECT_NAME_LENGTH) {
        problems.add(`upstreamCaches[${i}].name`, c.name, `gives the Harbor proxy-cache project "${project}": project names are 1-255 lower-case letters and digits joined by . _ -`);
      }
    });
    for (const role of ['pushers', 'pullers', 'promoters'] as const) {
      (spec.access?.[role] ?? []).forEach((id, i) => {
        if (typeof id?.name === 'string' && !HARBOR_NAME.test(id.name)) {
          problems.add(`access.${role}[${i}].name`, id.name, 'is not a Harbor robot name (lower-case letters and digits joined by single . _ -; Harbor refuses others)');
        }
      });
    }
    if (!valid) return;

    HarborValidator.robotNameChecks(spec, problems);

    // Retention: one policy per project, over the repositories with rules (the translation's problems are spec problems).
    for (const p of HarborRetentionTranslation.projects(spec)) {
      const withRules = p.repositories.filter((r) => rulesFor(r.policy, Cloud.HARBOR).length > 0);
      if (!withRules.length) {
        out.retention.set(p.project, undefined);
        continue;
      }
      try {
        out.retention.set(p.project, HarborRetentionTranslation.translate(withRules));
      } catch (e) {
        problems.add('retention', undefined, `cannot be translated for Harbor project "${p.project}": ${(e as Error).message}`);
      }
    }
    problems.addAll(RetentionTagCheck.check(spec));

    // Tag immutability: one rule per distinct decision in each project. Each repository's decision is taken once
    // (it does not depend on the project), and its warnings name each repository once, in the spec's order.
    const decisions = projects.size > 0 ? spec.repositories.map((r) => TagPolicyDecision.harbor(EffectiveSpec.tagPolicy(spec, r))) : [];
    const warned = new Map<string, Set<string>>();
    decisions.forEach((decision, i) => {
      for (const w of decision.warnings) {
        const names = warned.get(w) ?? new Set<string>();
        warned.set(w, names.add(spec.repositories[i].name));
      }
    });
    for (const [w, names] of warned) out.tagWarnings.set(w, [...names]);
    for (const [project, envs] of projects) {
      const groups = new Map<string, { tagExcluding: string; repositories: string[] }>();
      let all = 0;
      for (const [i, r] of spec.repositories.entries()) {
        const decision = decisions[i];
        for (const e of envs) {
          all++;
          if (!decision.immutable) continue;
          const g = groups.get(decision.tagExcluding) ?? { tagExcluding: decision.tagExcluding, repositories: [] };
          g.repositories.push(Naming.harborRepositoryPath(spec, r.name, e || undefined));
          groups.set(decision.tagExcluding, g);
        }
      }
      const rules = [...groups.values()].map((g) => {
        const repositories = g.repositories.sort();
        const repoMatching = repositories.length === all ? '**' : repositories.length === 1 ? escapeDoublestar(repositories[0]) : `{${repositories.map(escapeDoublestar).join(',')}}`;
        return g.tagExcluding
          ? { project, repoMatching, tagExcluding: g.tagExcluding, repositories }
          : { project, repoMatching, tagMatching: '**', repositories };
      });
      out.immutable.set(project, rules);
      if (rules.length > HarborValidator.MAX_IMMUTABLE_RULES) {
        problems.add('tagPolicy', undefined, `needs ${rules.length} immutable tag rules in Harbor project "${project}" (one per distinct tag policy); ` +
          `Harbor's portal takes at most ${HarborValidator.MAX_IMMUTABLE_RULES}: give more repositories the same tag policy`);
      }
    }
  }
}
