import { Annotations, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, IConstruct } from 'constructs';
import { AwsWarnings } from './warnings';
import { GithubOidc, GithubTrustSpec, Problems } from '../spec';

/** The provider created in each stack (at most one: IAM holds one provider per URL per account). */
const IN_STACK = new WeakMap<Stack, GithubOidcProvider>();
/** Per app (the construct tree's root): the first stack that created a provider, by account. */
const BY_ACCOUNT = new WeakMap<IConstruct, Map<string, string>>();

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
 * A stack holds at most one: the registries of a stack that are given no
 * `githubOidcProvider` share the one created there (by the first registry that
 * needs it, or by you before them), and a second one in the same stack is a
 * synth-time error. A provider created in another stack of the app with the same
 * account (stacks without an explicit account count as one default account) gets
 * the warning `container-registry-constructs:aws-github-oidc-provider-per-account`:
 * CloudFormation would fail to create it there, so create it in one stack and pass
 * it to the others.
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

  /**
   * The provider created in the stack of `scope`, if any (what a registry without
   * `githubOidcProvider` reuses).
   *
   * @internal
   */
  public static _inStack(scope: IConstruct): GithubOidcProvider | undefined {
    return IN_STACK.get(Stack.of(scope));
  }

  /** The provider, usable wherever an `IOpenIdConnectProvider` is expected. */
  public readonly provider: iam.IOpenIdConnectProvider;

  constructor(scope: Construct, id: string, props: GithubOidcProviderProps = {}) {
    super(scope, id);
    const stack = Stack.of(this);
    const previous = IN_STACK.get(stack);
    if (previous) {
      // CreateOpenIDConnectProvider, Url: "You cannot register the same provider multiple times in a single
      // Amazon Web Services account. If you try to submit a URL that has already been used for an OpenID
      // Connect provider in the Amazon Web Services account, you will get an error."
      new Problems().add('', undefined, `a second GitHub Actions OIDC provider in the stack ${stack.node.path}, already created by ${previous.node.path}; `
        + `IAM has one provider per URL (https://${GithubOidcProvider.ISSUER}) per account. Pass the existing one's \`provider\` `
        + '(a registry\'s `identities.githubOidcProvider`) as `githubOidcProvider`, or create yours before the registries, which then reuse it')
        .throwIfAny(`aws.GithubOidcProvider ${this.node.path}`);
    }
    IN_STACK.set(stack, this);
    this.warnIfAccountHasOne(stack);
    const resource = new iam.OidcProviderNative(this, 'Resource', {
      url: `https://${GithubOidcProvider.ISSUER}`,
      clientIds: [GithubOidcProvider.AUDIENCE],
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    this.provider = resource;
  }

  private warnIfAccountHasOne(stack: Stack): void {
    const account = Token.isUnresolved(stack.account) ? '<default account>' : stack.account;
    let byAccount = BY_ACCOUNT.get(this.node.root);
    if (!byAccount) {
      byAccount = new Map();
      BY_ACCOUNT.set(this.node.root, byAccount);
    }
    const first = byAccount.get(account);
    if (first === undefined) {
      byAccount.set(account, stack.node.path);
      return;
    }
    Annotations.of(this).addWarningV2(AwsWarnings.GITHUB_OIDC_PROVIDER_PER_ACCOUNT,
      `the stack ${first} of this app also creates a GitHub Actions OIDC provider for account ${account}; `
      + `IAM has one provider per URL (https://${GithubOidcProvider.ISSUER}) per account, so the second stack deployed there fails. `
      + 'Create it in one stack and pass it to the registries of the others as `githubOidcProvider` '
      + '(`iam.OpenIdConnectProvider.fromOpenIdConnectProviderArn`), or acknowledge this warning when the stacks deploy to different accounts.');
  }
}
