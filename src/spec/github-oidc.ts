import type { GithubTrustSpec } from './registry-spec';

/**
 * GitHub Actions OIDC facts every cloud's trust is built from, in one place: the
 * issuer, and the `sub` claim a job of a trusted repository presents.
 *
 * The default subject (GitHub docs, "OpenID Connect reference", example subject
 * claims) is `repo:<owner>/<repo>:ref:refs/heads/<branch>`,
 * `repo:<owner>/<repo>:environment:<env>` for a job that references an environment,
 * or `repo:<owner>/<repo>:ref:refs/tags/<tag>`. Repositories created, renamed or
 * transferred on or after 2026-07-15 on github.com, and repositories that opted in,
 * use immutable subject claims instead: "The immutable ID is appended to each name
 * with an `@` delimiter", `repo:octocat@123456/my-repo@456789:ref:refs/heads/main`
 * (GitHub docs, "Immutable subject claims"; Microsoft Entra, "Migrate GitHub Actions
 * federated credentials to immutable subjects":
 * `repo:<owner>@<owner_id>/<repo>@<repo_id>:ref:refs/heads/main`). A trust with
 * `ownerId` and `repositoryId` expects that format; without them, the name-only one.
 */
export class GithubOidc {
  /** The issuer of GitHub Actions OIDC tokens. */
  public static readonly ISSUER_URL: string = 'https://token.actions.githubusercontent.com';

  /** The issuer's host, the prefix of AWS's condition keys (`token.actions.githubusercontent.com:sub`). */
  public static readonly ISSUER_HOST: string = 'token.actions.githubusercontent.com';

  /**
   * The repository part of the subject: `repo:<owner>/<repo>`, or with immutable
   * ids `repo:<owner>@<ownerId>/<repo>@<repositoryId>`.
   */
  public static subjectRepository(trust: GithubTrustSpec): string {
    if (trust.ownerId === undefined && trust.repositoryId === undefined) return `repo:${trust.repository}`;
    const [owner, name] = trust.repository.split('/');
    return `repo:${owner}@${trust.ownerId}/${name}@${trust.repositoryId}`;
  }

  /**
   * The `sub` claim the trusted jobs present: the repository part, then
   * `:ref:refs/heads/<branch>`, `:environment:<env>` or `:ref:refs/tags/<tag>` (a tag
   * pattern keeps its `*`). Throws unless exactly one of branch, environment and tag is given.
   */
  public static subject(trust: GithubTrustSpec): string {
    const refs = [trust.branch, trust.environment, trust.tag].filter((r) => r !== undefined);
    if (refs.length !== 1) {
      throw new Error(`github trust for ${trust.repository}: give exactly one of branch, environment or tag (got ${refs.length}), so that pull requests cannot assume the identity`);
    }
    const repo = GithubOidc.subjectRepository(trust);
    if (trust.branch !== undefined) return `${repo}:ref:refs/heads/${trust.branch}`;
    if (trust.environment !== undefined) return `${repo}:environment:${trust.environment}`;
    return `${repo}:ref:refs/tags/${trust.tag}`;
  }

  /** Whether the trust expects immutable subject claims (it names the owner and repository ids). */
  public static immutable(trust: GithubTrustSpec): boolean {
    return trust.ownerId !== undefined || trust.repositoryId !== undefined;
  }
}
