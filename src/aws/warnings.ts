import { WarningIds, WarningInfo } from '../spec/contract';

/** The id of an AWS warning topic (internal): `container-registry-constructs:aws-<topic>`. */
function id(topic: string): string {
  return WarningIds.id('aws', topic);
}

/**
 * The warnings the AWS constructs emit, each with its stable id. Every one is
 * emitted with `Annotations.of(scope).addWarningV2(id, message)`, so a user of
 * `cdk synth --strict` acknowledges it with
 * `Annotations.of(scope).acknowledgeWarning(id, reason)` on the construct or any of its scopes.
 */
export class AwsWarnings {
  /** A role's grants are on `repository/<prefix>/*` wildcards to fit IAM's policy size limits. */
  public static readonly PREFIX_GRANTS: string = id('prefix-grants');
  /** Builds or promotions move tags in repositories the tag policy makes IMMUTABLE. */
  public static readonly IMMUTABLE_MOVING_TAGS: string = id('immutable-moving-tags');
  /** Existing principals that pull get no pull-through cache access from the construct. */
  public static readonly CACHE_EXISTING_PRINCIPALS: string = id('cache-existing-principals');
  /** The `tags` layout: IAM cannot tell tags apart, so a pusher can move the environment tags. */
  public static readonly TAGS_LAYOUT: string = id('tags-layout');
  /** `scanning.severityThreshold`: ECR has no severity gate. */
  public static readonly SEVERITY_THRESHOLD: string = id('severity-threshold');
  /** `retention.dryRun`: ECR has no dry run, so no lifecycle policy is attached. */
  public static readonly RETENTION_DRY_RUN: string = id('retention-dry-run');
  /** A cross-account replica needs a registry policy in the destination account. */
  public static readonly CROSS_ACCOUNT_REPLICATION: string = id('cross-account-replication');
  /** The ECR lifecycle policy keeps more than the spec's retention (a conservative translation). */
  public static readonly LIFECYCLE_CONSERVATIVE: string = id('lifecycle-conservative');
  /** The retention translation left a rule or pattern out, or says something else the user should know. */
  public static readonly LIFECYCLE_TRANSLATION: string = id('lifecycle-translation');
  /** ECR's tag mutability differs from the spec's tag policy (`TagPolicyDecision.ecr`). */
  public static readonly TAG_MUTABILITY: string = id('tag-mutability');
  /** The registry scanning configuration applies to the whole account and region. */
  public static readonly REGISTRY_SCANNING_SCOPE: string = id('registry-scanning-scope');
  /** `EcrRegistryStacks`: the stack count was not pinned. */
  public static readonly STACK_COUNT_DEFAULT: string = id('stack-count-default');
  /** Another stack of the app creates a GitHub Actions OIDC provider in the same account. */
  public static readonly GITHUB_OIDC_PROVIDER_PER_ACCOUNT: string = id('github-oidc-provider-per-account');
  /** Private endpoints in a stack without a region: the endpoint service names assume the `aws` partition. */
  public static readonly ENDPOINTS_REGION_AGNOSTIC: string = id('endpoints-region-agnostic');

  /** Every AWS warning, once, with a one-sentence summary. */
  public static readonly WARNINGS: WarningInfo[] = [
    { id: AwsWarnings.PREFIX_GRANTS, cloud: 'aws', summary: 'A created role\'s ECR grants exceed IAM\'s policy size limits as exact ARNs and are granted on repository/<prefix>/* wildcards, which also reach repositories created later under the prefix; set allowPrefixGrants: false or restrict the identity.' },
    { id: AwsWarnings.IMMUTABLE_MOVING_TAGS, cloud: 'aws', summary: 'Builds or promotions move tags in repositories that the tag policy makes IMMUTABLE on ECR, so those pushes fail; list the environment tags in tagPolicy.mutableTags.' },
    { id: AwsWarnings.CACHE_EXISTING_PRINCIPALS, cloud: 'aws', summary: 'Pullers that are existing principals (awsPrincipalArns, awsAccountIds) get no pull-through cache access from the construct; their own IAM policies must allow it.' },
    { id: AwsWarnings.TAGS_LAYOUT, cloud: 'aws', summary: 'With the tags layout IAM cannot tell tags apart, so every pusher can also move the environment tags; use the repositories layout.' },
    { id: AwsWarnings.SEVERITY_THRESHOLD, cloud: 'aws', summary: 'ECR has no severity gate of its own: scanning.severityThreshold is enforced only by a pipeline that checks the findings before promoting.' },
    { id: AwsWarnings.RETENTION_DRY_RUN, cloud: 'aws', summary: 'ECR has no dry run for lifecycle policies, so no lifecycle policy is attached where retention.dryRun is set; preview with aws ecr start-lifecycle-policy-preview.' },
    { id: AwsWarnings.CROSS_ACCOUNT_REPLICATION, cloud: 'aws', summary: 'Cross-account replication needs a registry policy in the destination account (ReplicationDestinationPolicy, which EcrRegistryStacks creates), or replication fails.' },
    { id: AwsWarnings.LIFECYCLE_CONSERVATIVE, cloud: 'aws', summary: 'The ECR lifecycle policy keeps more images than the spec\'s retention (a conservative translation), with the reason per rule.' },
    { id: AwsWarnings.LIFECYCLE_TRANSLATION, cloud: 'aws', summary: 'The ECR lifecycle translation left a rule or pattern out because an earlier rule or protected tag decides those images first (nothing is deleted that the spec keeps).' },
    { id: AwsWarnings.TAG_MUTABILITY, cloud: 'aws', summary: 'ECR\'s tag mutability (at most 5 exclusion filters, no semver-alias wildcard) differs from the spec\'s tag policy; the warning says which tags are stricter or looser.' },
    { id: AwsWarnings.REGISTRY_SCANNING_SCOPE, cloud: 'aws', summary: 'The ECR registry scanning configuration applies to every repository of the account and region, not only to this spec; manage it in one place.' },
    { id: AwsWarnings.STACK_COUNT_DEFAULT, cloud: 'aws', summary: 'EcrRegistryStacks chose the number of repository stacks; pin stackCount, since a later default would move repositories between stacks.' },
    { id: AwsWarnings.GITHUB_OIDC_PROVIDER_PER_ACCOUNT, cloud: 'aws', summary: 'Several stacks of the app create a GitHub Actions OIDC provider for the same account, where IAM allows one per URL; create it in one stack and pass it to the others as githubOidcProvider.' },
    { id: AwsWarnings.ENDPOINTS_REGION_AGNOSTIC, cloud: 'aws', summary: 'The private ECR endpoints are in a stack without a region, so their service names are com.amazonaws.<region>.ecr.*, right in the aws and aws-us-gov partitions only (China: cn.com.amazonaws.<region>.ecr.*); give the stack its region.' },
  ];
}
