import { RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { GithubOidc, GithubTrustSpec } from '../spec';

/** Props of `GithubOidcProvider`. */
export interface GithubOidcProviderProps {
  /**
   * The removal policy of the provider. An account has one provider per URL, shared
   * by every role that trusts GitHub Actions, so the default keeps it.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The IAM OpenID Connect provider for GitHub Actions
 * (`https://token.actions.githubusercontent.com`, audience `sts.amazonaws.com`),
 * as a native `AWS::IAM::OIDCProvider` (no custom resource). An account holds one
 * provider per URL: when one exists, pass it in (`githubOidcProvider`) instead.
 *
 * The static helpers build the trust every CI role uses: audience
 * `sts.amazonaws.com`, and `sub` restricted to one repository and exactly one
 * branch, environment or tag (`StringEquals`; `StringLike` only for tag globs).
 */
export class GithubOidcProvider extends Construct {
  /** The issuer host of GitHub Actions tokens. */
  public static readonly ISSUER: string = GithubOidc.ISSUER_HOST;

  /** The audience AWS expects in GitHub Actions tokens. */
  public static readonly AUDIENCE: string = 'sts.amazonaws.com';

  /**
   * The `sub` claim a workflow run presents (`GithubOidc.subject`): `repo:<owner>/<repo>:ref:refs/heads/<branch>`,
   * `repo:<owner>/<repo>:environment:<env>` or `repo:<owner>/<repo>:ref:refs/tags/<tag>`, with the owner and
   * repository ids for immutable subject claims.
   */
  public static subject(trust: GithubTrustSpec): string {
    return GithubOidc.subject(trust);
  }

  /**
   * The trust conditions for the given workflows: `aud` equals `sts.amazonaws.com`
   * and `sub` is one of the subjects, with `StringEquals`, or `StringLike` when a
   * tag pattern has a `*` (every subject then goes under `StringLike`; branch and
   * environment names cannot contain `*` or `?`, so they still match only themselves).
   */
  public static conditions(trusts: GithubTrustSpec[]): { [operator: string]: any } {
    const subjects = [...new Set(trusts.map((t) => GithubOidcProvider.subject(t)))].sort();
    const glob = trusts.some((t) => t.tag !== undefined && /[*?]/.test(t.tag));
    const sub = subjects.length === 1 ? subjects[0] : subjects;
    const aud = { [`${GithubOidcProvider.ISSUER}:aud`]: GithubOidcProvider.AUDIENCE };
    return glob
      ? { StringEquals: aud, StringLike: { [`${GithubOidcProvider.ISSUER}:sub`]: sub } }
      : { StringEquals: { ...aud, [`${GithubOidcProvider.ISSUER}:sub`]: sub } };
  }

  /** The principal that GitHub Actions runs of these workflows assume a role as. */
  public static principal(provider: iam.IOpenIdConnectProvider, trusts: GithubTrustSpec[]): iam.IPrincipal {
    return new iam.WebIdentityPrincipal(provider.openIdConnectProviderArn, GithubOidcProvider.conditions(trusts));
  }

  /** The provider, usable wherever an `IOpenIdConnectProvider` is expected. */
  public readonly provider: iam.IOpenIdConnectProvider;

  constructor(scope: Construct, id: string, props: GithubOidcProviderProps = {}) {
    super(scope, id);
    const resource = new iam.OidcProviderNative(this, 'Resource', {
      url: `https://${GithubOidcProvider.ISSUER}`,
      clientIds: [GithubOidcProvider.AUDIENCE],
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    this.provider = resource;
  }
}
