import { lifecycleFor, tagMutabilityFor } from './native-policies';
import { EcrScanType, RegistryScanning } from './registry-scanning';
import { RegistryReplication } from './replication';
import { awsTagProblems } from './resource-tags';
import { layoutOf, roleGrants } from './role-grants';
import { IAM_LIMITS } from './role-policies';
import { RetentionTagCheck } from '../retention/environment-tag-check';
import {
  Cloud, EffectiveSpec, Naming, Problems, RegistrySpec, RetentionPolicySpec, ScanMode, SpecProblem, SpecValidator,
} from '../spec';
import { SpecMemo } from '../spec/spec-memo';

/** Options of `EcrValidator.problems`: the construct props that change what synthesis checks. */
export interface EcrValidatorOptions {
  /**
   * As `ContainerRegistryProps.allowPrefixGrants`.
   *
   * @default true
   */
  readonly allowPrefixGrants?: boolean;

  /**
   * As `ContainerRegistryProps.managedPoliciesPerRole`.
   *
   * @default 10
   */
  readonly managedPoliciesPerRole?: number;

  /**
   * As `ContainerRegistryProps.includeIdentities`: check that each created role's grants fit IAM's limits.
   *
   * @default true
   */
  readonly includeIdentities?: boolean;

  /**
   * As `ContainerRegistryProps.includeRegistryResources`: check the registry-wide resources
   * (replication rules, the scanning configuration, the caches' creation templates).
   *
   * @default true
   */
  readonly includeRegistryResources?: boolean;
}

/**
 * Memo of reports by spec object and options (a registry split into stacks validates once), with the
 * spec's JSON at the time, so that a spec changed in place is validated again.
 */
const MEMO = new WeakMap<RegistrySpec, Map<string, { json: string; problems: SpecProblem[] }>>();

/**
 * The AWS validator: every problem that synthesis of `aws.ContainerRegistry` (and
 * `aws.EcrRegistryStacks`) would raise from the spec alone, as `SpecProblem`s.
 * `ContainerRegistry`, `EcrRegistryStacks` and `container-registry validate --cloud aws`
 * all call it, so what validate accepts is what synthesizes. It checks:
 * - the neutral spec with AWS's names and limits (`SpecValidator.validate(spec, { clouds: [aws] })`),
 *   including the GitHub trusts (`StringLike` is used only for tag globs, so branch and
 *   environment names may not hold `*` or `?`) and the pull-through caches (upstreams,
 *   `ecr-pullthroughcache/` secrets, the 30-character prefix);
 * - retention that could expire an environment tag's image (`RetentionTagCheck`);
 * - each repository's ECR lifecycle translation (50 rules, 30,720 characters, 4 wildcards
 *   per pattern), and the caches' creation templates' one;
 * - each repository's tag mutability decision (`TagPolicyDecision.ecr`: 5 exclusion
 *   filters, the filter grammar);
 * - replication: at most 10 rules (distinct prefix sets), and prefixes of cross-account
 *   replicas that select at least one repository of the spec;
 * - the default registry scanning configuration (1-100 filters per rule);
 * - each created role's grants within IAM's policy size limits (`allowPrefixGrants`,
 *   `managedPoliciesPerRole`).
 * Construct props that only the app gives (the stack's account and region, repositoryNames,
 * emptyOnDelete) are checked by the constructs themselves.
 */
export class EcrValidator {
  /** Every problem synthesis on AWS would raise from the spec alone; empty when it synthesizes. */
  public static problems(spec: RegistrySpec, options: EcrValidatorOptions = {}): SpecProblem[] {
    const key = JSON.stringify([options.allowPrefixGrants ?? true, options.managedPoliciesPerRole ?? null,
      options.includeIdentities ?? true, options.includeRegistryResources ?? true]);
    // Inside a construct's memo scope, once per spec object and options; otherwise once per spec JSON.
    return [...SpecMemo._get(spec, `EcrValidator.problems ${key}`, () => EcrValidator.fingerprinted(spec, options, key))];
  }

  private static fingerprinted(spec: RegistrySpec, options: EcrValidatorOptions, key: string): SpecProblem[] {
    const memo = spec !== null && typeof spec === 'object' ? MEMO.get(spec) ?? new Map<string, { json: string; problems: SpecProblem[] }>() : undefined;
    const json = memo ? fingerprint(spec) : undefined;
    const known = memo?.get(key);
    if (known && json !== undefined && known.json === json) return [...known.problems];
    const found = EcrValidator.check(spec, options);
    if (memo && json !== undefined) {
      memo.set(key, { json, problems: found });
      MEMO.set(spec, memo);
    }
    return [...found];
  }

  private static check(spec: RegistrySpec, options: EcrValidatorOptions): SpecProblem[] {
    const problems = new Problems();
    problems._collect('', () => problems.addAll(SpecValidator.validate(spec, { clouds: [Cloud.AWS] }).problems));
    const neutral = problems.list;
    // The labels become tags of every resource: AWS's tag rules.
    if (!neutral.some((p) => p.path === 'labels' || p.path.startsWith('labels.'))) problems.addAll(awsTagProblems(spec?.labels ?? {}));
    if (!neutral.some((p) => p.path === '' || p.path === 'repositories' || p.path.startsWith('environments'))) {
      problems._collect('retention', () => problems.addAll(RetentionTagCheck.check(spec)));
    }
    // A derived check of a field the neutral validator already refused would say the same thing twice (or crash).
    const refused = (path: string) => neutral.some((p) => p.path === path || p.path.startsWith(`${path}.`) || p.path.startsWith(`${path}[`));
    if (neutral.some((p) => ['', 'name', 'repositories', 'environments', 'environments.layout'].includes(p.path) || /^environments\.chain/.test(p.path)
      || /^repositories\[\d+\]\.name$/.test(p.path))) {
      // Without valid names there are no ECR repository names to derive the rest from.
      return problems.list;
    }
    const add = (path: string, e: unknown) => {
      if (refused(path)) return;
      const message = e instanceof Error ? e.message : String(e);
      if (!problems.list.some((p) => p.path === path && p.message === message)) problems.add(path, undefined, message);
    };
    const retentionPath = (policy: RetentionPolicySpec) => {
      const i = spec.repositories.findIndex((r) => r.retention === policy);
      return i >= 0 ? `repositories[${i}].retention` : 'retention';
    };
    // The first repository of each image with its own tag policy (what `findIndex` would find), looked up per repository.
    const ownTagPolicy = new Map<string, number>();
    spec.repositories.forEach((r, i) => {
      if (r.tagPolicy !== undefined && !ownTagPolicy.has(r.name)) ownTagPolicy.set(r.name, i);
    });
    const tagPolicyPath = (image: string) => {
      const i = ownTagPolicy.get(image);
      return i !== undefined ? `repositories[${i}].tagPolicy` : 'tagPolicy';
    };

    // The lifecycle translation and tag decision of every repository, as ContainerRegistry builds them.
    const translated = new Set<RetentionPolicySpec>();
    const decided = new Set<string>();
    for (const repo of EffectiveSpec.repositories(spec)) {
      const name = Naming.ecrRepositoryName(spec, repo.image, repo.environment);
      if (!repo.retention.dryRun && !translated.has(repo.retention)) {
        translated.add(repo.retention);
        try {
          lifecycleFor(repo.retention, name);
        } catch (e) {
          add(retentionPath(repo.retention), e);
        }
      }
      const path = tagPolicyPath(repo.image);
      if (!decided.has(path)) {
        decided.add(path);
        try {
          tagMutabilityFor(repo.tagPolicy);
        } catch (e) {
          add(path, e);
        }
      }
    }

    if (options.includeRegistryResources ?? true) {
      // Each cache's creation template applies the registry's retention (dryRun or not) and tag policy.
      if ((spec.upstreamCaches ?? []).length > 0) {
        try {
          lifecycleFor(EffectiveSpec.retention(spec), `${Naming.ecrCachePrefix(spec, spec.upstreamCaches![0].name)}/*`);
        } catch (e) {
          add('retention', e);
        }
        try {
          tagMutabilityFor(EffectiveSpec.tagPolicy(spec));
        } catch (e) {
          add('tagPolicy', e);
        }
      }
      if (!refused('replication')) {
        const ruleProblems = RegistryReplication._ruleProblems(spec);
        problems.addAll(ruleProblems);
        const all = EffectiveSpec.repositories(spec).map((r) => Naming.ecrRepositoryName(spec, r.image, r.environment));
        (spec.replication?.replicas ?? []).forEach((r, i) => {
          if (!r.awsAccountId || (r.cloud !== undefined && r.cloud !== Cloud.AWS)) return;
          // Prefixes already refused (empty, or reaching beyond the spec) are not checked again.
          if (ruleProblems.some((p) => p.path.startsWith(`replication.replicas[${i}].repositoryPrefixes`))) return;
          const prefixes = r.repositoryPrefixes ?? [];
          if (r.repositoryPrefixes && !all.some((n) => prefixes.some((p) => n.startsWith(p)))) {
            problems.add(`replication.replicas[${i}].repositoryPrefixes`, prefixes,
              `select no repository of the spec "${spec.name}" (such as ${all.slice(0, 3).join(', ')}); the destination's registry policy would accept nothing`);
          }
        });
      }
      const continuous = EffectiveSpec.repositories(spec).some((r) => r.scanMode === ScanMode.CONTINUOUS);
      if (continuous && !refused('scanning')) {
        const rules = RegistryScanning.rulesFromSpec(spec, EcrScanType.ENHANCED);
        problems.addAll(RegistryScanning._ruleProblems(EcrScanType.ENHANCED, rules).map((p) => ({ ...p, path: `scanning (registry scanning configuration ${p.path})` })));
      }
    }

    const perRole = options.managedPoliciesPerRole;
    const perRoleValid = perRole === undefined || (Number.isInteger(perRole) && perRole >= 1 && perRole <= IAM_LIMITS.managedPerRoleMax);
    if (!perRoleValid) {
      problems.add('managedPoliciesPerRole', perRole, `must be a whole number from 1 to ${IAM_LIMITS.managedPerRoleMax} `
        + `(IAM attaches ${IAM_LIMITS.managedPerRole} managed policies per role by default, up to ${IAM_LIMITS.managedPerRoleMax} with a quota increase)`);
    }
    if ((options.includeIdentities ?? true) && perRoleValid && !refused('access')) {
      const reserved = Naming.ecrCachePrefixes(spec);
      for (const [name, grants] of roleGrants(spec)) {
        problems._collect(`access (identity "${name}")`, () => layoutOf(spec, grants, `Identities/${name}/Role`,
          options.allowPrefixGrants ?? true, reserved, options.managedPoliciesPerRole));
      }
    }
    // Problems of the same path and message (a layout error for each role of a bad option) once.
    const seen = new Set<string>();
    return problems.list.filter((p) => {
      const k = `${p.path}\n${p.message}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
  }
}

/** The spec's JSON, or undefined when it has none (cycles, tokens that do not serialize). */
function fingerprint(spec: RegistrySpec): string | undefined {
  try {
    return JSON.stringify(spec);
  } catch {
    return undefined;
  }
}
