import { IamWorkloadIdentityPool } from '@cdktf/provider-google/lib/iam-workload-identity-pool';
import { IamWorkloadIdentityPoolProvider } from '@cdktf/provider-google/lib/iam-workload-identity-pool-provider';
import { ServiceAccountIamMember } from '@cdktf/provider-google/lib/service-account-iam-member';
import { Annotations } from 'cdktf';
import { Construct } from 'constructs';
import { idFragment, workloadIdentityIdProblem } from './gcp-names';
import { GithubTrustSpec } from '../spec/registry-spec';
import { Tokens } from '../spec/tokens';

/** The GitHub Actions OIDC issuer. */
const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com';

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
 * GitHub Actions trust through workload identity federation: a workload identity
 * pool and an OIDC provider for `https://token.actions.githubusercontent.com`
 * whose attribute condition admits only the workflows of the spec's trusts
 * (repository plus branch, environment or tag), and per service account an
 * `roles/iam.workloadIdentityUser` binding for exactly one trust's principal.
 */
export class GithubWorkloadIdentity extends Construct {
  /**
   * The attribute mapping of the provider. `google.subject` is GitHub's `sub`
   * (`repo:<owner>/<repo>:ref:refs/heads/<branch>` or `...:environment:<env>`);
   * `attribute.repository_ref_type` (`<owner>/<repo>:tag`) lets tag trusts use a
   * principal set, since a tag pattern matches many subjects.
   */
  public static attributeMapping(): { [key: string]: string } {
    return {
      'google.subject': 'assertion.sub',
      'attribute.repository': 'assertion.repository',
      'attribute.repository_owner': 'assertion.repository_owner',
      'attribute.ref': 'assertion.ref',
      'attribute.ref_type': 'assertion.ref_type',
      'attribute.environment': 'assertion.environment',
      'attribute.repository_ref_type': 'assertion.repository + ":" + assertion.ref_type',
    };
  }

  /**
   * The provider's attribute condition (CEL): a token is admitted only if it
   * matches one of the trusts: its repository and its branch, environment or tag.
   */
  public static attributeCondition(trusts: GithubTrustSpec[]): string {
    const clauses = [...new Set(trusts.map((t) => GithubWorkloadIdentity.clause(t)))].sort();
    if (clauses.length === 0) throw new Error('GithubWorkloadIdentity: no GitHub trust given; the provider would admit no workflow');
    return clauses.length === 1 ? clauses[0] : clauses.map((c) => `(${c})`).join(' || ');
  }

  /**
   * The IAM principal of one trust in a pool: `principal://iam.googleapis.com/<pool>/subject/<sub>`
   * for a branch or an environment, and for a tag pattern the principal set of the
   * repository's tag runs (`principalSet://iam.googleapis.com/<pool>/attribute.repository_ref_type/<owner>/<repo>:tag`),
   * narrowed to the pattern by the provider's attribute condition.
   */
  public static principalFor(poolName: string, trust: GithubTrustSpec): string {
    if (trust.branch !== undefined) return `principal://iam.googleapis.com/${poolName}/subject/repo:${trust.repository}:ref:refs/heads/${trust.branch}`;
    if (trust.environment !== undefined) return `principal://iam.googleapis.com/${poolName}/subject/repo:${trust.repository}:environment:${trust.environment}`;
    if (trust.tag !== undefined) return `principalSet://iam.googleapis.com/${poolName}/attribute.repository_ref_type/${trust.repository}:tag`;
    throw new Error(`GitHub trust for ${trust.repository} must name exactly one of branch, environment or tag`);
  }

  private static clause(trust: GithubTrustSpec): string {
    const repo = `assertion.repository == ${cel(trust.repository)}`;
    if (trust.branch !== undefined) return `${repo} && assertion.ref == ${cel(`refs/heads/${trust.branch}`)}`;
    if (trust.environment !== undefined) return `${repo} && has(assertion.environment) && assertion.environment == ${cel(trust.environment)}`;
    if (trust.tag !== undefined) {
      const pattern = trust.tag;
      const star = pattern.indexOf('*');
      if (star === -1) return `${repo} && assertion.ref == ${cel(`refs/tags/${pattern}`)}`;
      if (star === pattern.length - 1) return `${repo} && assertion.ref.startsWith(${cel(`refs/tags/${pattern.slice(0, -1)}`)})`;
      const re = `^refs/tags/${pattern.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`;
      return `${repo} && assertion.ref.matches(${cel(re)})`;
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
    const problems: string[] = [];
    const poolId = props.poolId ?? 'github-actions';
    const providerId = props.providerId ?? 'github';
    if (!props.existingPool) {
      const p = workloadIdentityIdProblem(poolId);
      if (p) problems.push(`poolId "${poolId}" ${p}`);
    }
    if (!props.existingPool?.providerName) {
      const p = workloadIdentityIdProblem(providerId);
      if (p) problems.push(`providerId "${providerId}" ${p}`);
    }
    const existingPoolName = props.existingPool?.poolName;
    if (existingPoolName !== undefined && !Tokens.isUnresolved(existingPoolName)
      && !/^projects\/[^/]+\/locations\/global\/workloadIdentityPools\/[^/]+$/.test(existingPoolName)) {
      problems.push(`existingPool.poolName "${existingPoolName}" is not a pool name (projects/<project number>/locations/global/workloadIdentityPools/<pool id>)`);
    }
    if (props.trusts.length === 0) problems.push('trusts is empty: give at least one GitHub trust (repository plus branch, environment or tag)');
    if (problems.length > 0) {
      throw new Error(`GithubWorkloadIdentity ${this.node.path}: ${problems.length} problem${problems.length === 1 ? '' : 's'}\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    }

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
      Annotations.of(this).addWarning(
        `The existing workload identity provider ${this.providerName} is used as is: its attribute condition is not managed here. `
        + `Make sure it admits only ${GithubWorkloadIdentity.attributeCondition(props.trusts)} `
        + '(GitHub uses one issuer for every repository, so a provider without a condition admits any workflow on github.com).',
      );
    } else {
      this.provider = new IamWorkloadIdentityPoolProvider(this, 'Provider', {
        project: props.project,
        workloadIdentityPoolId: this.pool ? this.pool.workloadIdentityPoolId : existingPoolName!.split('/').pop()!,
        workloadIdentityPoolProviderId: providerId,
        displayName: 'GitHub Actions',
        description: 'GitHub Actions OIDC tokens of the registry spec',
        attributeMapping: GithubWorkloadIdentity.attributeMapping(),
        attributeCondition: GithubWorkloadIdentity.attributeCondition(props.trusts),
        oidc: { issuerUri: GITHUB_ISSUER },
      });
      this.providerName = this.provider.name;
    }

    const tagPatterns = new Map<string, Set<string>>();
    for (const t of props.trusts.filter((x) => x.tag !== undefined)) {
      tagPatterns.set(t.repository, (tagPatterns.get(t.repository) ?? new Set()).add(t.tag!));
    }
    for (const [repo, patterns] of tagPatterns) {
      if (patterns.size > 1) {
        Annotations.of(this).addWarning(
          `GitHub repository ${repo} is trusted on several tag patterns (${[...patterns].sort().join(', ')}): a principal set cannot tell tags apart, `
          + 'so every identity trusted on one of these patterns accepts runs on the others too. Use one tag pattern per repository, or a GitHub environment.',
        );
      }
      const environments = props.trusts.filter((x) => x.repository === repo && x.environment !== undefined).map((x) => x.environment!);
      if (environments.length) {
        // The provider admits a tag run through an environment clause too, and the tag principal set
        // only says "a tag of this repository": such a run could impersonate the tag-trusted identity.
        Annotations.of(this).addWarning(
          `GitHub repository ${repo} is trusted on tags (${[...patterns].sort().join(', ')}) and on environment${environments.length > 1 ? 's' : ''} `
          + `${[...new Set(environments)].sort().join(', ')}: a job in such an environment running on any tag (not only ${[...patterns].sort().join(', ')}) `
          + 'is admitted by the provider and matches the tag principal set, so it can impersonate the tag-trusted identity. '
          + 'Trust that identity on a branch or an environment instead, or keep tag trusts and environment trusts in different repositories.',
        );
      }
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
