import { IamWorkloadIdentityPool } from '@cdktf/provider-google/lib/iam-workload-identity-pool';
import { IamWorkloadIdentityPoolProvider } from '@cdktf/provider-google/lib/iam-workload-identity-pool-provider';
import { ServiceAccountIamMember } from '@cdktf/provider-google/lib/service-account-iam-member';
import { Construct } from 'constructs';
import { idFragment, shortHash, workloadIdentityIdProblem } from './gcp-names';
import { GcpWarnings } from './warnings';
import { GithubOidc } from '../spec/github-oidc';
import { Problems } from '../spec/problems';
import { GithubTrustSpec } from '../spec/registry-spec';
import { Tokens } from '../spec/tokens';

/** The GitHub Actions OIDC issuer. */
const GITHUB_ISSUER = GithubOidc.ISSUER_URL;

/** A workload identity pool that exists already. */
export interface ExistingWorkloadIdentityPool {
  /**
   * The pool's full name, `projects/<project number>/locations/global/workloadIdentityPools/<pool id>`
   * (the `name` attribute of `google_iam_workload_identity_pool`).
   */
  readonly poolName: string;
  /**
   * The full name of an existing GitHub OIDC provider in the pool. When given,
   * no provider is created, and its attribute condition is the owner's
   * responsibility (a warning says so).
   *
   * @default - a provider is created in the pool
   */
  readonly providerName?: string;
}

/** Props of `GithubWorkloadIdentity`. */
export interface GithubWorkloadIdentityProps {
  /** The project of the pool and provider (and of the service accounts). */
  readonly project: string;
  /**
   * Every GitHub trust that service accounts will accept; the provider's
   * attribute condition admits only tokens that match one of them.
   */
  readonly trusts: GithubTrustSpec[];
  /**
   * The id of the pool to create (4-32 lower-case letters, digits, hyphens).
   *
   * @default 'github-actions'
   */
  readonly poolId?: string;
  /**
   * The id of the provider to create.
   *
   * @default 'github'
   */
  readonly providerId?: string;
  /**
   * Use this pool instead of creating one.
   *
   * @default - a pool is created
   */
  readonly existingPool?: ExistingWorkloadIdentityPool;
}

/**
 * The attribute mapping keys that are always mapped (besides `google.subject`):
 * GitHub claims kept for audit logs and conditions. Each is a custom attribute
 * and counts towards the provider's limit of 50.
 */
const BASE_ATTRIBUTES: { [key: string]: string } = {
  'attribute.repository': 'assertion.repository',
  'attribute.repository_owner': 'assertion.repository_owner',
  'attribute.ref': 'assertion.ref',
  'attribute.ref_type': 'assertion.ref_type',
  'attribute.environment': 'assertion.environment',
};

/**
 * Limits of a workload identity pool provider, from the IAM API reference
 * (https://cloud.google.com/iam/docs/reference/rest/v1/projects.locations.workloadIdentityPools.providers):
 * "You can define a maximum of 50 custom attributes. The maximum length of a mapped
 * attribute key is 100 characters, and the key may only contain the characters [a-z0-9_]."
 * "The maximum length of an attribute mapping expression is 2048 characters."
 * "The maximum length of the attributeCondition expression is 4,096 characters."
 */
const MAX_CUSTOM_ATTRIBUTES = 50;
const MAX_ATTRIBUTE_KEY = 100;
const MAX_MAPPING_EXPRESSION = 2048;
const MAX_CONDITION = 4096;

/**
 * The value of a tag trust's attribute for tokens that do not satisfy the trust.
 * It has no `/`, so it can never equal a repository (`owner/name`), the value
 * the attribute takes for the trust's own tokens.
 */
const NO_MATCH = 'none';

/**
 * GitHub Actions trust through workload identity federation: a workload identity
 * pool and an OIDC provider for `https://token.actions.githubusercontent.com`
 * whose attribute condition admits only the workflows of the spec's trusts
 * (repository plus branch, environment or tag), and per service account an
 * `roles/iam.workloadIdentityUser` binding for exactly one trust's principal.
 *
 * A job can only match the principal of a trust it satisfies, whatever other
 * trusts the provider admits:
 * - a branch or an environment trust is the exact subject (`google.subject`,
 *   GitHub's `sub`: `repo:<owner>/<repo>:ref:refs/heads/<branch>` for a job without
 *   an environment, `repo:<owner>/<repo>:environment:<env>` for a job with one);
 * - a tag trust, which a pattern makes a set of subjects, gets its own custom
 *   attribute (`attribute.tag_<repository>_<pattern>_<hash>`), computed by the
 *   provider's attribute mapping from the token: the repository when the token is
 *   from that repository, from a job without an environment, on a tag matching the
 *   pattern, and `none` otherwise. The trust's principal set is that attribute equal
 *   to the repository, so the whole trust is in the principal set: a job in an
 *   environment, on another tag, or on another tag trust's pattern never matches it.
 */
export class GithubWorkloadIdentity extends Construct {
  /**
   * The attribute mapping of the provider for the given trusts. `google.subject` is
   * GitHub's `sub`; `attribute.repository`, `repository_owner`, `ref`, `ref_type` and
   * `environment` are the claims of the same names (for audit logs); and each tag
   * trust has its own attribute (`tagAttribute`), the repository when the token
   * satisfies the trust and `none` otherwise.
   *
   * @param trusts the trusts (default: none, the base mapping)
   */
  public static attributeMapping(trusts: GithubTrustSpec[] = []): { [key: string]: string } {
    const mapping: { [key: string]: string } = { 'google.subject': 'assertion.sub', ...BASE_ATTRIBUTES };
    for (const trust of GithubWorkloadIdentity.tagTrusts(trusts)) {
      mapping[`attribute.${GithubWorkloadIdentity.tagAttribute(trust)}`] = `(${GithubWorkloadIdentity.clause(trust)}) ? ${cel(trust.repository)} : ${cel(NO_MATCH)}`;
    }
    return mapping;
  }

  /**
   * The custom attribute of a tag trust: `tag_<repository>_<pattern>_<hash>`
   * (lower-case letters, digits and underscores, at most 100 characters), where the
   * hash is of the exact repository and pattern, so two trusts never share one.
   */
  public static tagAttribute(trust: GithubTrustSpec): string {
    if (trust.tag === undefined) throw new Error(`GitHub trust for ${trust.repository} is not a tag trust`);
    const readable = `${trust.repository}_${trust.tag}`.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '');
    const ids = GithubOidc.immutable(trust) ? [trust.ownerId, trust.repositoryId] : [];
    const hash = shortHash(JSON.stringify([trust.repository, trust.tag, ...ids]), 10);
    return `tag_${readable.slice(0, MAX_ATTRIBUTE_KEY - 16).replace(/_+$/, '')}_${hash}`;
  }

  /**
   * The provider's attribute condition (CEL): a token is admitted only if it
   * matches one of the trusts: its repository and its branch or environment, or a
   * tag trust's attribute (`tagAttribute`) equal to the trust's repository, which
   * the attribute mapping sets only for jobs without an environment on a matching tag.
   */
  public static attributeCondition(trusts: GithubTrustSpec[]): string {
    const clauses = [...new Set(trusts.map((t) => (t.tag !== undefined && t.branch === undefined && t.environment === undefined
      ? `attribute.${GithubWorkloadIdentity.tagAttribute(t)} == ${cel(t.repository)}`
      : GithubWorkloadIdentity.clause(t))))].sort();
    if (clauses.length === 0) throw new Error('GithubWorkloadIdentity: no GitHub trust given; the provider would admit no workflow');
    return clauses.length === 1 ? clauses[0] : clauses.map((c) => `(${c})`).join(' || ');
  }

  /**
   * The IAM principal of one trust in a pool: `principal://iam.googleapis.com/<pool>/subject/<sub>`
   * for a branch or an environment, and for a tag pattern the principal set of the
   * trust's own attribute (`principalSet://iam.googleapis.com/<pool>/attribute.<tagAttribute>/<owner>/<repo>`),
   * which only the tokens that satisfy the trust have.
   */
  public static principalFor(poolName: string, trust: GithubTrustSpec): string {
    if (trust.branch !== undefined || trust.environment !== undefined) {
      return `principal://iam.googleapis.com/${poolName}/subject/${GithubOidc.subject(trust)}`;
    }
    if (trust.tag !== undefined) return `principalSet://iam.googleapis.com/${poolName}/attribute.${GithubWorkloadIdentity.tagAttribute(trust)}/${trust.repository}`;
    throw new Error(`GitHub trust for ${trust.repository} must name exactly one of branch, environment or tag`);
  }

  /**
   * The provider limits the trusts would break: more custom attributes than 50
   * (five are always mapped, so at most 45 distinct tag trusts), a mapping
   * expression over 2048 characters, or a condition over 4096. Internal: the
   * GCP validator reports them from the spec.
   *
   * @internal
   */
  public static _limitProblems(trusts: GithubTrustSpec[]): string[] {
    const problems: string[] = [];
    const mapping = GithubWorkloadIdentity.attributeMapping(trusts);
    const custom = Object.keys(mapping).filter((k) => k.startsWith('attribute.'));
    if (custom.length > MAX_CUSTOM_ATTRIBUTES) {
      problems.push(`the trusts need ${custom.length} custom attributes (${Object.keys(BASE_ATTRIBUTES).length} claims and one per distinct tag trust), `
        + `but a workload identity pool provider maps at most ${MAX_CUSTOM_ATTRIBUTES}: use at most ${MAX_CUSTOM_ATTRIBUTES - Object.keys(BASE_ATTRIBUTES).length} distinct tag trusts (repository and pattern)`);
    }
    for (const [key, expression] of Object.entries(mapping)) {
      if (expression.length > MAX_MAPPING_EXPRESSION) {
        problems.push(`the attribute mapping of ${key} is ${expression.length} characters long; the provider allows ${MAX_MAPPING_EXPRESSION}: shorten the repository name or the tag pattern`);
      }
    }
    const condition = GithubWorkloadIdentity.attributeCondition(trusts);
    if (condition.length > MAX_CONDITION) {
      problems.push(`the attribute condition of the ${trusts.length} trusts is ${condition.length} characters long; the provider allows ${MAX_CONDITION}: `
        + 'trust fewer branches, environments or tag patterns, or split the registry');
    }
    return problems;
  }

  /** The distinct tag trusts, in a stable order. */
  private static tagTrusts(trusts: GithubTrustSpec[]): GithubTrustSpec[] {
    const seen = new Map<string, GithubTrustSpec>();
    for (const t of trusts) {
      if (t.tag !== undefined) {
        const trust = { repository: t.repository, tag: t.tag, ownerId: t.ownerId, repositoryId: t.repositoryId };
        seen.set(JSON.stringify([t.repository, t.tag, t.ownerId, t.repositoryId]), trust);
      }
    }
    return [...seen.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, t]) => t);
  }

  /**
   * The CEL predicate of one trust over GitHub's claims
   * (https://docs.github.com/en/actions/reference/security/oidc): `environment` is
   * "The name of the environment used by the job. To include the environment claim
   * you must reference an environment"; "The subject claim includes the environment
   * name when the job references an environment" (`repo:<owner>/<repo>:environment:<env>`),
   * and otherwise `repo:<owner>/<repo>:pull_request` for a pull request, or
   * `repo:<owner>/<repo>:ref:refs/heads/<branch>` / `...:ref:refs/tags/<tag>`.
   * The predicates test `repository`, `environment` and `ref`, not the `sub`, whose
   * format a repository may customize. A branch or tag
   * trust is the latter: the repository, no environment, and the ref (a pull
   * request's ref is `refs/pull/<n>/merge`, so it never matches); an environment
   * trust is the repository and the environment claim, on any ref.
   */
  private static clause(trust: GithubTrustSpec): string {
    // With immutable ids, the ids too: a recycled repository or owner name then matches nothing. GitHub's token
    // carries them as strings ("repository_id": "74", "repository_owner_id": "65"; OIDC reference, example token).
    const repo = `assertion.repository == ${cel(trust.repository)}` + (GithubOidc.immutable(trust)
      ? ` && assertion.repository_owner_id == ${cel(String(trust.ownerId))} && assertion.repository_id == ${cel(String(trust.repositoryId))}`
      : '');
    if (trust.branch !== undefined) return `${repo} && !has(assertion.environment) && assertion.ref == ${cel(`refs/heads/${trust.branch}`)}`;
    if (trust.environment !== undefined) return `${repo} && has(assertion.environment) && assertion.environment == ${cel(trust.environment)}`;
    if (trust.tag !== undefined) {
      const pattern = trust.tag;
      const star = pattern.indexOf('*');
      const tagRepo = `${repo} && !has(assertion.environment)`;
      if (star === -1) return `${tagRepo} && assertion.ref == ${cel(`refs/tags/${pattern}`)}`;
      if (star === pattern.length - 1) return `${tagRepo} && assertion.ref.startsWith(${cel(`refs/tags/${pattern.slice(0, -1)}`)})`;
      const re = `^refs/tags/${pattern.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`;
      return `${tagRepo} && assertion.ref.matches(${cel(re)})`;
    }
    throw new Error(`GitHub trust for ${trust.repository} must name exactly one of branch, environment or tag`);
  }

  /** The pool's full name (`projects/<number>/locations/global/workloadIdentityPools/<id>`). */
  public readonly poolName: string;
  /** The provider's full name: what `google-github-actions/auth` takes as `workload_identity_provider`. */
  public readonly providerName: string;
  /**
   * The pool, when created here.
   *
   * @default - an existing pool was passed in
   */
  public readonly pool?: IamWorkloadIdentityPool;
  /**
   * The provider, when created here.
   *
   * @default - an existing provider was passed in
   */
  public readonly provider?: IamWorkloadIdentityPoolProvider;

  constructor(scope: Construct, id: string, props: GithubWorkloadIdentityProps) {
    super(scope, id);
    const problems = new Problems();
    const poolId = props.poolId ?? 'github-actions';
    const providerId = props.providerId ?? 'github';
    if (!props.existingPool) {
      const p = workloadIdentityIdProblem(poolId);
      if (p) problems.add('props.poolId', poolId, p);
    }
    if (!props.existingPool?.providerName) {
      const p = workloadIdentityIdProblem(providerId);
      if (p) problems.add('props.providerId', providerId, p);
    }
    const existingPoolName = props.existingPool?.poolName;
    if (existingPoolName !== undefined && !Tokens.isUnresolved(existingPoolName)
      && !/^projects\/[^/]+\/locations\/global\/workloadIdentityPools\/[^/]+$/.test(existingPoolName)) {
      problems.add('props.existingPool.poolName', existingPoolName, 'is not a pool name (projects/<project number>/locations/global/workloadIdentityPools/<pool id>)');
    }
    const trusts = Array.isArray(props.trusts) ? props.trusts : [];
    if (!Array.isArray(props.trusts)) problems.add('props.trusts', props.trusts, 'is not a list of GitHub trusts');
    else if (trusts.length === 0) problems.add('props.trusts', trusts, 'is empty: give at least one GitHub trust (repository plus branch, environment or tag)');
    trusts.forEach((t, i) => {
      if ([t?.branch, t?.environment, t?.tag].filter((r) => r !== undefined).length !== 1) {
        problems.add(`props.trusts[${i}]`, t, 'must name exactly one of branch, environment or tag');
      }
    });
    if (problems.isEmpty && !props.existingPool?.providerName) {
      for (const message of GithubWorkloadIdentity._limitProblems(trusts)) problems.add('props.trusts', undefined, message);
    }
    problems.throwIfAny(`gcp.GithubWorkloadIdentity ${this.node.path}`);

    if (existingPoolName !== undefined) {
      this.poolName = existingPoolName;
    } else {
      this.pool = new IamWorkloadIdentityPool(this, 'Pool', {
        project: props.project,
        workloadIdentityPoolId: poolId,
        displayName: 'GitHub Actions',
        description: 'GitHub Actions workflows trusted by the container registry',
      });
      this.poolName = this.pool.name;
    }

    if (props.existingPool?.providerName !== undefined) {
      this.providerName = props.existingPool.providerName;
      GcpWarnings._emit(this, 'existing-provider',
        `The existing workload identity provider ${this.providerName} is used as is: its attribute condition is not managed here. `
        + `Make sure it admits only ${GithubWorkloadIdentity.attributeCondition(props.trusts)} `
        + '(GitHub uses one issuer for every repository, so a provider without a condition admits any workflow on github.com)'
        + (props.trusts.some((t) => t.tag !== undefined)
          ? `, and that its attribute mapping includes ${JSON.stringify(GithubWorkloadIdentity.attributeMapping(props.trusts))} (the tag trusts' principal sets are its tag_ attributes).`
          : '.'),
      );
    } else {
      this.provider = new IamWorkloadIdentityPoolProvider(this, 'Provider', {
        project: props.project,
        workloadIdentityPoolId: this.pool ? this.pool.workloadIdentityPoolId : existingPoolName!.split('/').pop()!,
        workloadIdentityPoolProviderId: providerId,
        displayName: 'GitHub Actions',
        description: 'GitHub Actions OIDC tokens of the registry spec',
        attributeMapping: GithubWorkloadIdentity.attributeMapping(props.trusts),
        attributeCondition: GithubWorkloadIdentity.attributeCondition(props.trusts),
        oidc: { issuerUri: GITHUB_ISSUER },
      });
      this.providerName = this.provider.name;
    }
  }

  /**
   * Lets the workflows of one trust impersonate a service account:
   * `roles/iam.workloadIdentityUser` on the service account for the trust's principal.
   *
   * @param serviceAccountName the service account's `name` (`projects/<p>/serviceAccounts/<email>`)
   * @param trust the GitHub trust
   */
  public allowImpersonation(serviceAccountName: string, trust: GithubTrustSpec, id?: string): ServiceAccountIamMember {
    const member = GithubWorkloadIdentity.principalFor(this.poolName, trust);
    const ref = trust.branch !== undefined ? `branch-${trust.branch}` : trust.environment !== undefined ? `env-${trust.environment}` : `tag-${trust.tag}`;
    return new ServiceAccountIamMember(this, id ?? `Impersonate-${idFragment(serviceAccountName)}-${idFragment(`${trust.repository}-${ref}`)}`, {
      serviceAccountId: serviceAccountName,
      role: 'roles/iam.workloadIdentityUser',
      member,
    });
  }
}

/** A CEL string literal. */
function cel(value: string): string {
  return JSON.stringify(value);
}
