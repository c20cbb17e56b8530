import { deriveServiceAccountId, repositoryIdProblem, serviceAccountIdProblem, workloadIdentityIdProblem } from './gcp-names';
import { GithubWorkloadIdentity } from './github-workload-identity';
import { RetentionTagCheck } from '../retention/environment-tag-check';
import { GarCleanupResult, GarCleanupTranslation } from '../retention/gar-translation';
import { EffectiveSpec } from '../spec/effective';
import { GCP_LABEL_KEY, GCP_LABEL_VALUE } from '../spec/grammars';
import { Naming } from '../spec/naming';
import { Problems, ProblemsError } from '../spec/problems';
import { Cloud, EncryptionType, GithubTrustSpec, IdentitySpec, RegistrySpec, UpstreamCacheSpec } from '../spec/registry-spec';
import { SpecMemo } from '../spec/spec-memo';
import { SpecProblem, SpecValidator } from '../spec/validate';
import { TagPolicyDecision } from '../tagging/tag-policy-decision';

/**
 * What the app gives the GCP `ContainerRegistry` besides the spec, where it
 * changes what the spec derives (names, ids, which repositories are managed).
 * Every field is optional: without them, `GarValidator.problems` checks what the
 * registry would do with its default props.
 */
export interface GarValidatorOptions {
  /**
   * The Cloud KMS key given as a prop (`kmsKeyName`): customer-managed encryption
   * then needs no `encryption.gcpKmsKeyName`.
   *
   * @default - none: customer-managed encryption needs `encryption.gcpKmsKeyName`
   */
  readonly kmsKeyName?: string;
  /**
   * The prefix of the created service account ids.
   *
   * @default - the spec's name
   */
  readonly serviceAccountPrefix?: string;
  /**
   * The id of the workload identity pool to create.
   *
   * @default - `<registry name>-github`, shortened to 32 characters
   */
  readonly workloadIdentityPoolId?: string;
  /**
   * An existing pool is used (its id is not checked).
   *
   * @default false
   */
  readonly existingPool?: boolean;
  /**
   * An existing provider is used (its attribute condition and mapping are not
   * created here, so their limits are not checked).
   *
   * @default false
   */
  readonly existingProvider?: boolean;
  /**
   * The id of the virtual repository, when one is created.
   *
   * @default - no virtual repository
   */
  readonly virtualRepositoryId?: string;
  /**
   * Whether `virtualRepositoryId` is the default one, derived from the spec's
   * name (`<name>-virtual`), so that a problem with it names the spec's field.
   *
   * @default false
   */
  readonly virtualRepositoryIdDerived?: boolean;
  /**
   * Physical environments whose repository exists already (`existingRepositories`):
   * no cleanup policies are translated for them.
   *
   * @default - every repository is created
   */
  readonly existingEnvironments?: string[];
}

/**
 * The one validator of the GCP module: every problem that synthesizing the GCP
 * `ContainerRegistry` would raise from the spec alone (and the options above), so
 * that `container-registry validate --cloud gcp` and the constructs cannot drift:
 * - the neutral checks with GCP's naming rules and limits
 *   (`SpecValidator.validate(spec, { clouds: [GCP] })`);
 * - a retention rule that could expire an environment tag's image (`RetentionTagCheck`);
 * - the Artifact Registry cleanup-policy translation (at most 10 per repository);
 * - customer-managed encryption without a key;
 * - the derived service account ids (6-30 characters, distinct) and workload
 *   identity pool id (4-32, no `gcp-`), and the provider's limits for the spec's
 *   GitHub trusts (50 custom attributes, mapping and condition lengths);
 * - the derived remote and virtual repository ids, and cache credentials that
 *   come in pairs.
 *
 * The tag policy decision (`TagPolicyDecision.gar`) and the other gaps are
 * warnings, not problems: the registry does the nearest safe thing.
 */
export class GarValidator {
  /** The most labels a Google Cloud resource takes (Cloud Resource Manager, "Labels overview"). */
  public static readonly MAX_LABELS = 64;

  /** Every problem of the spec on Google Cloud; empty when the GCP `ContainerRegistry` synthesizes it. */
  public static problems(spec: RegistrySpec, options: GarValidatorOptions = {}): SpecProblem[] {
    if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) return SpecValidator.validate(spec, { clouds: [Cloud.GCP] }).problems;
    // SpecValidator.validate throws a TypeError when `repositories` is not a list (src/spec/validate.ts, upstreamCaches):
    // validate with an empty list and report the value received.
    const listed = Array.isArray(spec.repositories);
    let neutral: SpecProblem[];
    try {
      neutral = SpecValidator.validate(listed ? spec : { ...spec, repositories: [] }, { clouds: [Cloud.GCP] }).problems
        .map((p) => (!listed && p.path === 'repositories' ? { ...p, value: Problems.show(spec.repositories) } : p));
    } catch (e) {
      // The neutral validator assumes lists where the spec's type says so (access.pushers, upstreamCaches): from
      // JavaScript, a field of another shape is a problem of the spec, never a TypeError.
      return [{ path: '', value: 'undefined', message: `is not a registry spec of the expected shape (${(e as Error).message}): check the types of its fields` }];
    }
    const problems = new Problems().addAll(neutral);
    const found = problems.list;
    // Cloud Resource Manager, "Labels overview" (Requirements for labels): "Each resource can have multiple labels, up to a maximum of 64."
    const labelCount = spec.labels !== null && typeof spec.labels === 'object' ? Object.keys(spec.labels).length : 0;
    if (labelCount > GarValidator.MAX_LABELS) {
      problems.add('labels', labelCount, `labels become labels of every repository, and a Google Cloud resource takes at most ${GarValidator.MAX_LABELS}`);
    }
    const clean = (...prefixes: string[]) => !found.some((p) => prefixes.some((x) => p.path === x || p.path.startsWith(`${x}.`) || p.path.startsWith(`${x}[`)));

    if (clean('name', 'repositories', 'retention', 'environments', 'tagPolicy')) {
      problems._collect('retention', () => problems.addAll(RetentionTagCheck.check(spec)));
      problems._collect('retention', () => problems.addAll(GarValidator._translate(spec, options.existingEnvironments ?? []).problems));
      // The tag policy decision never refuses (it warns and keeps tags write-once): it runs here so that it cannot throw at synthesis either.
      problems._collect('tagPolicy', () => spec.repositories.forEach((r) => TagPolicyDecision.gar(EffectiveSpec.tagPolicy(spec, r))));
    }
    if (clean('encryption') && EffectiveSpec.encryptionType(spec) === EncryptionType.CUSTOMER_MANAGED
      && !options.kmsKeyName && !spec.encryption?.gcpKmsKeyName) {
      problems.add('encryption.gcpKmsKeyName', undefined,
        'is required with encryption.type "customer-managed" on GCP: the Cloud KMS key (projects/<p>/locations/<l>/keyRings/<r>/cryptoKeys/<k>) '
        + 'that encrypts the repositories (or pass kmsKeyName to gcp.ContainerRegistry)');
    }
    if (clean('name', 'access')) {
      problems._collect('access', () => problems.addAll(GarValidator._identityProblems(spec, options)));
    }
    // A whole domain ("domain:" — IAM docs, principal identifiers: "All principals in a Google Workspace account or Cloud Identity
    // account") may pull, as other AWS accounts may; pushing or promoting is given to named principals only (as on AWS, where
    // whole accounts cannot push or promote).
    for (const role of ['pushers', 'promoters'] as const) {
      const identities = spec.access && Array.isArray(spec.access[role]) ? spec.access[role]! : [];
      identities.forEach((identity, i) => (Array.isArray(identity?.gcpMembers) ? identity.gcpMembers : []).forEach((member, j) => {
        if (typeof member === 'string' && member.startsWith('domain:')) {
          problems.add(`access.${role}[${i}].gcpMembers[${j}]`, member, `is every principal of a domain; only pullers may be whole domains: name the service accounts, users or groups that ${role === 'pushers' ? 'push' : 'promote'}`);
        }
      }));
    }
    if (clean('name', 'upstreamCaches')) {
      problems._collect('upstreamCaches', () => problems.addAll(GarValidator._upstreamProblems(
        spec.name, spec.upstreamCaches ?? [], options.virtualRepositoryId, options.virtualRepositoryIdDerived ? 'name' : undefined,
      )));
    }
    return problems.list;
  }

  /**
   * The cleanup-policy translation of the repositories the registry creates
   * (every one of them holds the same images with the same retention: one
   * translation), or the problem that stops it. Internal: the registry and the
   * validator share it.
   *
   * @internal
   */
  public static _translate(
    spec: RegistrySpec, existingEnvironments: string[],
  ): { result?: GarCleanupResult; problems: SpecProblem[]; repositoryIds: string[] } {
    // The validator and the construct translate the same spec: once per memo scope.
    return SpecMemo._get(spec, `GarValidator._translate ${JSON.stringify(existingEnvironments)}`, () => GarValidator.translate(spec, existingEnvironments));
  }

  /**
   * The GitHub trusts and derived ids of the access section: the service account
   * id of each identity with a `github` trust, the pool id, and the provider's limits.
   *
   * @internal
   */
  public static _identityProblems(spec: RegistrySpec, options: GarValidatorOptions = {}): SpecProblem[] {
    const problems = new Problems().addAll(GarValidator._serviceAccountProblems(spec, options.serviceAccountPrefix));
    const identities = GarValidator.githubIdentities(spec);
    const trusts = [...identities.values()].flat();
    if (trusts.length > 0) {
      if (!options.existingPool) {
        const poolId = options.workloadIdentityPoolId ?? GarValidator.defaultPoolId(spec.name);
        const p = workloadIdentityIdProblem(poolId);
        if (p && options.workloadIdentityPoolId !== undefined) problems.add('props.workloadIdentityPoolId', poolId, p);
        else if (p) problems.add('name', spec.name, `gives the workload identity pool id "${poolId}", which ${p} (pass workloadIdentityPoolId)`);
      }
      if (!options.existingProvider) {
        for (const message of GithubWorkloadIdentity._limitProblems(trusts)) problems.add('access', undefined, message);
      }
    }
    return problems.list;
  }

  /**
   * The service account id of each identity with a `github` trust
   * (`<prefix>-<identity>`, 6-30 characters), and two identities that derive the same one.
   *
   * @internal
   */
  public static _serviceAccountProblems(spec: RegistrySpec, serviceAccountPrefix?: string): SpecProblem[] {
    const problems = new Problems();
    const prefix = serviceAccountPrefix ?? spec.name;
    const accountIds = new Map<string, string>();
    for (const [name] of GarValidator.githubIdentities(spec)) {
      const accountId = deriveServiceAccountId(prefix, name);
      const problem = serviceAccountIdProblem(accountId);
      if (problem) {
        problems.add(serviceAccountPrefix !== undefined ? 'props.serviceAccountPrefix' : 'name', prefix,
          `gives identity "${name}" the service account id "${accountId}", which ${problem}`);
      } else if (accountIds.has(accountId)) {
        problems.add('access', name, `and identity "${accountIds.get(accountId)}" both give the service account id "${accountId}"; rename one`);
      }
      accountIds.set(accountId, name);
    }
    return problems.list;
  }

  /**
   * The derived ids of the remote repositories (`<registry>-<cache>`) and of the
   * virtual repository, and cache credentials that come in pairs.
   *
   * @internal
   */
  public static _upstreamProblems(
    registryName: string, caches: UpstreamCacheSpec[], virtualRepositoryId?: string, virtualPath: string = 'props.virtualRepository.repositoryId',
  ): SpecProblem[] {
    const problems = new Problems();
    caches.forEach((cache, i) => {
      const repoId = Naming.garRemoteRepositoryId(registryName, cache.name);
      const p = repositoryIdProblem(repoId);
      if (p) problems.add(`upstreamCaches[${i}].name`, cache.name, `gives the remote repository id "${repoId}", which ${p}`);
      if ((cache.username === undefined) !== (cache.gcpSecretVersion === undefined)) {
        problems.add(`upstreamCaches[${i}].${cache.username === undefined ? 'username' : 'gcpSecretVersion'}`, undefined,
          'is required: username and gcpSecretVersion go together (Artifact Registry upstream credentials are a user name and a Secret Manager secret version)');
      }
    });
    if (virtualRepositoryId !== undefined) {
      const p = repositoryIdProblem(virtualRepositoryId);
      if (p && virtualPath === 'name') problems.add('name', registryName, `gives the virtual repository id "${virtualRepositoryId}", which ${p}`);
      else if (p) problems.add(virtualPath, virtualRepositoryId, p);
    }
    return problems.list;
  }

  /**
   * The labels given as the construct's `labels` prop: keys and values in the grammar the spec's labels follow
   * ("Keys must start with a lowercase letter", lower-case letters, digits, `_` and `-`, at most 63 characters).
   *
   * @internal
   */
  public static _propLabelProblems(labels: { [key: string]: string }, specLabels: { [key: string]: string }): SpecProblem[] {
    const problems = new Problems();
    for (const [key, value] of Object.entries(labels)) {
      if (!GCP_LABEL_KEY.test(key)) {
        problems.add(`props.labels.${key}`, key, 'is not a GCP label key (lower-case letters, digits, _ and -, starting with a letter, at most 63 characters)');
      }
      if (typeof value === 'string' && !GCP_LABEL_VALUE.test(value)) {
        problems.add(`props.labels.${key}`, value, 'is not a GCP label value (lower-case letters, digits, _ and -, at most 63 characters)');
      }
    }
    const merged = Object.keys({ ...specLabels, ...labels }).length;
    if (merged > GarValidator.MAX_LABELS && Object.keys(specLabels).length <= GarValidator.MAX_LABELS) {
      problems.add('props.labels', merged, `with the spec's labels give each repository ${merged} labels; a Google Cloud resource takes at most ${GarValidator.MAX_LABELS}`);
    }
    return problems.list;
  }

  /** The default pool id: `<registry name>-github`, shortened to 32 characters. */
  public static defaultPoolId(registryName: string): string {
    return `${registryName}-github`.slice(0, 32).replace(/-+$/, '');
  }

  /** The GitHub trusts of each identity name that has one, in spec order (pushers, pullers, promoters). */
  private static githubIdentities(spec: RegistrySpec): Map<string, GithubTrustSpec[]> {
    const access = spec.access ?? {};
    const byName = new Map<string, GithubTrustSpec[]>();
    const all: IdentitySpec[] = [...(access.pushers ?? []), ...(access.pullers ?? []), ...(access.promoters ?? [])];
    for (const identity of all) {
      if (identity.github) byName.set(identity.name, [...(byName.get(identity.name) ?? []), identity.github]);
    }
    return byName;
  }

  private static translate(
    spec: RegistrySpec, existingEnvironments: string[],
  ): { result?: GarCleanupResult; problems: SpecProblem[]; repositoryIds: string[] } {
    const managed = Naming.physicalEnvironments(spec).filter((env) => !existingEnvironments.includes(env));
    const repositoryIds = managed.map((env) => Naming.garRepositoryId(spec, env));
    if (managed.length === 0) return { problems: [], repositoryIds };
    try {
      const result = GarCleanupTranslation.translate(
        spec.repositories.map((r) => ({ packageName: Naming.garPackageName(spec, r.name), policy: EffectiveSpec.retention(spec, r) })),
        { allPackageNames: spec.repositories.map((r) => Naming.garPackageName(spec, r.name)) },
      );
      return { result, problems: [], repositoryIds };
    } catch (e) {
      // The translation's own problems (a ProblemsError) become one problem each.
      const items = e instanceof ProblemsError ? e.problems.map((p) => Problems._line(p)) : [(e as Error).message ?? String(e)];
      return {
        problems: items.map((item) => ({
          path: 'retention',
          value: 'undefined',
          message: `cannot be expressed as Artifact Registry cleanup policies (repositories ${repositoryIds.join(', ')}): ${item}`,
        })),
        repositoryIds,
      };
    }
  }
}
