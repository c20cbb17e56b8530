/**
 * The cloud-neutral registry spec: the vocabulary of DESIGN.md as typed,
 * jsii-compatible structs and enums. The same types describe a spec written in
 * TypeScript and a spec file in YAML or JSON (the JSON Schema in
 * `schema/registry-spec.schema.json` is generated from this file).
 *
 * Enum values are the strings a spec file uses (`layout: repositories`).
 */

/** The clouds the library provisions. */
export enum Cloud {
  /** AWS Elastic Container Registry, through the AWS CDK. */
  AWS = 'aws',
  /** Google Artifact Registry, through CDK for Terraform. */
  GCP = 'gcp',
  /** Azure Container Registry, through CDK for Terraform. */
  AZURE = 'azure',
  /** Harbor (self-hosted, open source), through CDK for Terraform and the goharbor/harbor provider. */
  HARBOR = 'harbor',
}

/** How environments map onto repositories and registries. */
export enum EnvironmentLayout {
  /**
   * One repository per image; environments are mutable tags (`dev`, `staging`,
   * `prod`) moved onto the same digest. IAM cannot tell tags apart, so anyone who
   * may push may move any environment tag.
   */
  TAGS = 'tags',
  /** One repository per image per environment (`dev/api`, `prod/api`) in one registry. */
  REPOSITORIES = 'repositories',
  /** One registry per environment (`platform-dev`, `platform-prod`). */
  REGISTRIES = 'registries',
}

/** The tagging strategy CI follows when it pushes a build. */
export enum TagStrategy {
  /** `1.2.3` and `1.2.3-<sha>`, with moving `1.2`, `1` and `latest` aliases. */
  SEMVER = 'semver',
  /** `<version>-<short sha>` only, no aliases. */
  VERSION_SHA = 'version-sha',
  /** The short git sha alone. */
  GIT_SHA = 'git-sha',
}

/** Which images a retention rule selects by their tags. */
export enum TagState {
  /** Images with at least one tag matching one of the rule's `tagPatterns`. */
  TAGGED = 'tagged',
  /** Images with no tag at all. */
  UNTAGGED = 'untagged',
  /** Every image. */
  ANY = 'any',
}

/** What a retention rule does to the images its criterion marks. */
export enum RetentionAction {
  /** Delete them. */
  EXPIRE = 'expire',
  /**
   * Move them to the archive storage class: they are kept (and can be restored),
   * only their storage changes; an archived image cannot be pulled until it is
   * restored. ECR only; other clouds keep the images (a warning says so).
   */
  ARCHIVE = 'archive',
}

/** The storage class of the images a retention rule selects. */
export enum StorageClass {
  /** Active images (the default, and the only class outside ECR). */
  STANDARD = 'standard',
  /** Archived images (ECR's archive storage class). */
  ARCHIVE = 'archive',
}

/** When images are scanned for vulnerabilities. */
export enum ScanMode {
  /** Scan each image when it is pushed. */
  ON_PUSH = 'on-push',
  /** Scan on push and rescan as new vulnerabilities are published. */
  CONTINUOUS = 'continuous',
  /** No scanning. */
  OFF = 'off',
}

/** A vulnerability severity, used as a gate where a cloud supports one. */
export enum Severity {
  CRITICAL = 'critical',
  HIGH = 'high',
  MEDIUM = 'medium',
  LOW = 'low',
}

/** Who holds the key that encrypts the images at rest. */
export enum EncryptionType {
  /** The cloud's own keys (ECR AES256, Google-managed, Microsoft-managed). */
  PROVIDER_MANAGED = 'provider-managed',
  /** A customer-managed key (AWS KMS, Cloud KMS, Azure Key Vault). */
  CUSTOMER_MANAGED = 'customer-managed',
}

/** An upstream registry cached through the cloud's pull-through mechanism. */
export enum UpstreamRegistry {
  /** Docker Hub (`registry-1.docker.io`); needs credentials on ECR. */
  DOCKER_HUB = 'docker-hub',
  /** GitHub Container Registry (`ghcr.io`); needs credentials on ECR. */
  GITHUB = 'ghcr',
  /** Quay (`quay.io`). */
  QUAY = 'quay',
  /** Amazon ECR Public (`public.ecr.aws`). */
  ECR_PUBLIC = 'ecr-public',
  /** Any other registry, given by `url`. */
  CUSTOM = 'custom',
}

/**
 * A cloud-neutral description of a container-registry platform.
 */
export interface RegistrySpec {
  /**
   * The version of the spec format, so that it can evolve. The current version is 1.
   *
   * @default 1
   */
  readonly version?: number;

  /**
   * The registry's name, used as the prefix of every native name (`platform` gives
   * ECR repositories `platform/api`, the Artifact Registry repository `platform`,
   * the ACR registry `platform`). Lower-case letters, digits and hyphens, starting
   * with a letter.
   */
  readonly name: string;

  /** The image repositories (image names such as `api`, `web`, `jobs/worker`). */
  readonly repositories: RepositorySpec[];

  /**
   * The promotion chain and how it maps onto repositories and registries.
   *
   * @default - a single environment; no promotion
   */
  readonly environments?: EnvironmentsSpec;

  /**
   * Registry-wide tag policy; repositories may override it.
   *
   * @default - immutable tags with `latest`, semver aliases and environment tags mutable
   */
  readonly tagPolicy?: TagPolicySpec;

  /**
   * Registry-wide retention policy; repositories may override it.
   *
   * @default - nothing is ever deleted
   */
  readonly retention?: RetentionPolicySpec;

  /**
   * Vulnerability scanning.
   *
   * @default - scan on push
   */
  readonly scanning?: ScanningSpec;

  /**
   * Encryption at rest.
   *
   * @default - provider-managed keys
   */
  readonly encryption?: EncryptionSpec;

  /**
   * Who pushes, pulls and promotes.
   *
   * @default - no identities; grant access with the constructs' grant methods
   */
  readonly access?: AccessSpec;

  /**
   * Replicas of the registry in other regions (and, on AWS, other accounts).
   *
   * @default - no replication
   */
  readonly replication?: ReplicationSpec;

  /**
   * Upstream registries cached through pull-through caches.
   *
   * @default - no caches
   */
  readonly upstreamCaches?: UpstreamCacheSpec[];

  /**
   * Private network access: the registry reachable only from the platform's
   * networks (AWS VPC endpoints, a GCP VPC Service Controls perimeter, Azure
   * private endpoints). The networks themselves (VPC, subnets, DNS zones,
   * perimeter policy) are construct props.
   *
   * @default - public endpoints, as the clouds create them
   */
  readonly network?: NetworkSpec;

  /**
   * Events delivered to the platform's topic or endpoint: pushes, scan
   * findings, retention deletions, promotions. The destinations (SNS topic,
   * Pub/Sub topic, Event Grid endpoint) are construct props.
   *
   * @default - no notifications
   */
  readonly notifications?: NotificationsSpec;

  /**
   * Labels (GCP) or tags (AWS, Azure) put on every resource created.
   *
   * @default - none
   */
  readonly labels?: { [key: string]: string };
}

/** One image repository (an image name). */
export interface RepositorySpec {
  /**
   * The image name: lower-case path segments separated by `/`, each made of
   * letters and digits joined by `.`, `_` or `-` (`api`, `jobs/worker`).
   */
  readonly name: string;

  /**
   * A human description.
   *
   * @default - none
   */
  readonly description?: string;

  /**
   * Overrides the registry's tag policy for this repository.
   *
   * @default - the registry's tag policy
   */
  readonly tagPolicy?: TagPolicySpec;

  /**
   * Overrides the registry's retention policy for this repository (replaces it
   * as a whole).
   *
   * @default - the registry's retention policy
   */
  readonly retention?: RetentionPolicySpec;

  /**
   * Overrides the registry's scanning settings for this repository.
   *
   * @default - the registry's scanning settings
   */
  readonly scanning?: ScanningSpec;
}

/** The promotion chain. */
export interface EnvironmentsSpec {
  /**
   * The environments in promotion order (`dev`, `staging`, `prod`). CI pushes to
   * the first; each later one receives the same digest from the one before.
   */
  readonly chain: EnvironmentSpec[];

  /**
   * How environments map onto repositories and registries.
   *
   * @default EnvironmentLayout.REPOSITORIES
   */
  readonly layout?: EnvironmentLayout;
}

/** One environment of the promotion chain. */
export interface EnvironmentSpec {
  /** The environment's name: lower-case letters and digits, starting with a letter (`dev`, `prod`). */
  readonly name: string;

  /**
   * Whether promoting into this environment needs a human approval (a GitHub
   * environment with required reviewers).
   *
   * @default - true for the last environment of the chain, false otherwise
   */
  readonly requiresApproval?: boolean;
}

/** How tags may change once pushed. */
export interface TagPolicySpec {
  /**
   * Whether pushed tags are write-once. Release tags (full versions, version-sha
   * and sha tags) should never move; the tags in `mutableTags` stay movable.
   *
   * @default true
   */
  readonly immutable?: boolean;

  /**
   * Tag patterns (globs with `*`) that stay movable when `immutable` is true,
   * such as `latest` and the environment tags.
   *
   * @default - `latest`, plus the environment names with the `tags` layout
   */
  readonly mutableTags?: string[];

  /**
   * The tagging strategy CI follows.
   *
   * @default TagStrategy.SEMVER
   */
  readonly strategy?: TagStrategy;

  /**
   * Whether the semver strategy moves the `1.2` / `1` aliases (they are then
   * mutable, whatever `immutable` says).
   *
   * @default true
   */
  readonly semverAliases?: boolean;
}

/**
 * A retention policy, applied to each image repository separately (one image
 * name in one environment).
 *
 * The meaning (normative, the same on every cloud): an image with a tag that
 * matches a protected pattern is never expired nor archived. The rules are
 * ordered; an image is decided by the first rule whose selection contains it:
 * expired (or archived, with `action: archive`) if that rule's criterion marks
 * it, kept as it is otherwise. Images no rule selects are kept. Every rule
 * evaluates over its whole selection: protected images and images claimed by
 * earlier rules count towards "the N most recent". Patterns are globs where `*`
 * matches any run of characters and the whole tag must match. A rule selects
 * images of one storage class (standard unless it says `storageClass: archive`):
 * archived images are only ever expired by rules over archived images.
 *
 * An image's last pull time is the latest of its recorded pull, its push and
 * its restore from archive: an image never pulled counts as pulled when it was
 * pushed (as ECR's lifecycle policies count it), so a pull-time rule never
 * treats a fresh image as unused.
 */
export interface RetentionPolicySpec {
  /**
   * Tag patterns whose images are never expired nor archived (`prod`, `v*`).
   *
   * @default - none (environment tags are still checked, see `allowExpiringEnvironmentTags`)
   */
  readonly protectedTags?: string[];

  /**
   * The ordered rules.
   *
   * @default - no rules: nothing is deleted
   */
  readonly rules?: RetentionRuleSpec[];

  /**
   * Artifact Registry only: rules used on GCP instead of `rules` (same
   * protected tags). Artifact Registry records no pull time, so a pull-time rule
   * keeps its whole selection there; a user who wants push time on GCP writes
   * it here (the library never substitutes one silently).
   *
   * @default - `rules`
   */
  readonly gcpRules?: RetentionRuleSpec[];

  /**
   * ACR only: rules used on Azure instead of `rules` (same protected tags). ACR
   * records no pull time that `acr purge` can use, so a pull-time rule keeps its
   * whole selection there; a user who wants push time on Azure writes it here.
   *
   * @default - `rules`
   */
  readonly azureRules?: RetentionRuleSpec[];

  /**
   * Whether cosign's signature and attestation images (tagged
   * `sha256-<digest>.sig`, `.att` or `.sbom`, whose subject is in the
   * repository) take a place among "the N most recent" like any other image.
   *
   * By default they do not: "keep the 10 most recent" keeps 10 images and
   * their signatures. ECR's `imageCountMoreThan`, Artifact Registry's
   * `most_recent_versions` and Harbor's count rules count every artifact the
   * rule selects, signatures included, so there a count rule whose selection
   * can include a cosign tag cannot be translated without deleting kept
   * images: it keeps its whole selection, and the translation report says
   * so (a conservative-retention warning). Set `true` to count attachments like the
   * clouds do and have those rules translated exactly (fewer images are then
   * kept when they are signed). Either way an attachment is kept while its
   * subject is kept and no generated policy deletes one.
   *
   * @default false
   */
  readonly countAttachments?: boolean;

  /**
   * AWS: IAM role or user ARNs whose pulls do not update ECR's last recorded
   * pull time (vulnerability scanners, replication checkers), so that pull-time
   * rules see only real use. One `AWS::ECR::PullTimeUpdateExclusion` per ARN;
   * the exclusion list is registry-wide (per account and region), so this is
   * only allowed in the registry's retention, not a repository's.
   *
   * @default - every pull counts
   */
  readonly awsPullTimeExclusionArns?: string[];

  /**
   * Compute and log what would be deleted, and delete nothing, where the cloud
   * can (Artifact Registry's `cleanup_policy_dry_run`, `acr purge --dry-run`). ECR
   * has no dry run: its construct warns and points to the lifecycle policy preview.
   *
   * @default false
   */
  readonly dryRun?: boolean;

  /**
   * Allow rules that could expire the image an environment tag (`prod`,
   * `staging`) points to. Without it, such a policy is an error.
   *
   * @default false
   */
  readonly allowExpiringEnvironmentTags?: boolean;
}

/**
 * One retention rule: a selection by tags (and storage class), exactly one
 * criterion (`keepMostRecent`, `expireAfterDays`, `keepMostRecentlyPulled`,
 * `notPulledForDays` or `archivedForDays`) and an action for the images the
 * criterion marks.
 */
export interface RetentionRuleSpec {
  /**
   * A description, carried into the native policies.
   *
   * @default - generated from the rule
   */
  readonly description?: string;

  /** Which images the rule selects. */
  readonly tagState: TagState;

  /**
   * With `TagState.TAGGED`: the tag patterns (globs with `*`, ORed: an image is
   * selected if any of its tags matches any pattern). Not allowed otherwise.
   *
   * @default - none
   */
  readonly tagPatterns?: string[];

  /**
   * The storage class of the images the rule selects. Rules over archived
   * images take `archivedForDays` and expire.
   *
   * @default StorageClass.STANDARD
   */
  readonly storageClass?: StorageClass;

  /**
   * What happens to the images the criterion marks: expired (deleted) or
   * archived (kept in the archive storage class). Only for standard images.
   *
   * @default RetentionAction.EXPIRE
   */
  readonly action?: RetentionAction;

  /**
   * Keep the N most recently pushed images of the selection; the rest are marked.
   *
   * @default - not this criterion
   */
  readonly keepMostRecent?: number;

  /**
   * Mark images of the selection pushed more than N days (of 86,400 s) ago
   * (expired, or archived with `action: archive`).
   *
   * @default - not this criterion
   */
  readonly expireAfterDays?: number;

  /**
   * Keep the N most recently pulled images of the selection (by last pull
   * time, see the policy); the rest are marked. ECR has no count by pull time:
   * every cloud keeps the whole selection (conservative, with a warning).
   *
   * @default - not this criterion
   */
  readonly keepMostRecentlyPulled?: number;

  /**
   * Mark images of the selection whose last pull time is more than N days (of
   * 86,400 s) ago. ECR can only archive by pull time; Artifact Registry and ACR
   * keep the whole selection (conservative, with a warning).
   *
   * @default - not this criterion
   */
  readonly notPulledForDays?: number;

  /**
   * With `storageClass: archive`: expire archived images archived more than N
   * days ago. ECR deletes nothing archived for less than 90 days.
   *
   * @default - not this criterion
   */
  readonly archivedForDays?: number;
}

/** Vulnerability scanning. */
export interface ScanningSpec {
  /**
   * When images are scanned.
   *
   * @default ScanMode.ON_PUSH
   */
  readonly mode?: ScanMode;

  /**
   * The lowest severity that fails a promotion gate, where the cloud and the
   * generated pipeline support one.
   *
   * @default - no gate
   */
  readonly severityThreshold?: Severity;

  /**
   * Vulnerability ids accepted as risks (`CVE-2024-3094`, `GHSA-xxxx-xxxx-xxxx`):
   * the promotion gate does not count them, and prints them in the job summary.
   * A repository's list adds to the registry's.
   *
   * @default - none
   */
  readonly allowedVulnerabilities?: string[];
}

/** Encryption at rest. */
export interface EncryptionSpec {
  /**
   * Who holds the key.
   *
   * @default EncryptionType.PROVIDER_MANAGED
   */
  readonly type?: EncryptionType;

  /**
   * AWS: the ARN of an existing KMS key. A key passed to the construct wins; with
   * neither, the construct creates a key.
   *
   * @default - a key passed to the construct, or a key created by it
   */
  readonly awsKmsKeyArn?: string;

  /**
   * GCP: the Cloud KMS key (`projects/../locations/../keyRings/../cryptoKeys/..`).
   *
   * @default - a key passed to the construct
   */
  readonly gcpKmsKeyName?: string;

  /**
   * Azure: the Key Vault key id.
   *
   * @default - a key passed to the construct
   */
  readonly azureKeyVaultKeyId?: string;
}

/** Who pushes, pulls and promotes. */
export interface AccessSpec {
  /**
   * Identities that push builds (CI). With the `repositories` and `registries`
   * layouts they may push only to the first environment.
   *
   * @default - none
   */
  readonly pushers?: IdentitySpec[];

  /**
   * Identities that pull images (runtimes, clusters, other accounts).
   *
   * @default - none
   */
  readonly pullers?: IdentitySpec[];

  /**
   * Identities that promote images from one environment to the next: they read
   * the source environment and write only the destination.
   *
   * @default - none
   */
  readonly promoters?: IdentitySpec[];
}

/**
 * An identity: one the library creates (a CI role trusted through GitHub OIDC),
 * and/or existing principals passed in, per cloud.
 */
export interface IdentitySpec {
  /** A logical name (`ci`, `runtime`), used to name created roles and identities. */
  readonly name: string;

  /**
   * Create an identity trusted by GitHub Actions through OIDC.
   *
   * @default - no GitHub identity
   */
  readonly github?: GithubTrustSpec;

  /**
   * AWS: existing principals (role or user ARNs) to grant.
   *
   * @default - none
   */
  readonly awsPrincipalArns?: string[];

  /**
   * AWS: other accounts allowed to pull through repository policies.
   *
   * @default - none
   */
  readonly awsAccountIds?: string[];

  /**
   * GCP: existing IAM members (`serviceAccount:ci@p.iam.gserviceaccount.com`).
   *
   * @default - none
   */
  readonly gcpMembers?: string[];

  /**
   * Azure: existing principal (object) ids.
   *
   * @default - none
   */
  readonly azurePrincipalIds?: string[];

  /**
   * Restricts the identity to these repositories (image names or globs).
   *
   * @default - every repository
   */
  readonly repositories?: string[];

  /**
   * Restricts the identity to these environments. Pushers default to the first
   * environment; pullers to all; promoters to the hops of the chain.
   *
   * @default - by role, as above
   */
  readonly environments?: string[];
}

/** The GitHub Actions workflows an OIDC-trusted identity accepts. */
export interface GithubTrustSpec {
  /** The repository, `owner/name`. */
  readonly repository: string;

  /**
   * The numeric id of the repository's owner (organization or user), for
   * repositories whose OIDC tokens use immutable subject claims
   * (`repo:<owner>@<ownerId>/<repo>@<repositoryId>:...`): every repository created,
   * renamed or transferred on github.com on or after 2026-07-15, and those that opted
   * in. Give it with `repositoryId` (`gh api repos/<owner>/<repo> --jq .owner.id`).
   *
   * @default - the name-only subject `repo:<owner>/<repo>:...`
   */
  readonly ownerId?: number;

  /**
   * The numeric id of the repository, with `ownerId` (`gh api repos/<owner>/<repo> --jq .id`).
   *
   * @default - the name-only subject
   */
  readonly repositoryId?: number;

  /**
   * Accept runs on this branch (`main`). Exactly one of `branch`, `environment`
   * and `tag` is required, so that a pull request cannot assume the identity.
   *
   * @default - not restricted to a branch
   */
  readonly branch?: string;

  /**
   * Accept runs of jobs in this GitHub environment (`prod`).
   *
   * @default - not restricted to an environment
   */
  readonly environment?: string;

  /**
   * Accept runs on tags matching this pattern (`v*`).
   *
   * @default - not restricted to tags
   */
  readonly tag?: string;
}

/** Replicas in other regions. */
export interface ReplicationSpec {
  /** The replicas. */
  readonly replicas: ReplicaSpec[];
}

/** One replica of the registry. */
export interface ReplicaSpec {
  /** The region, in the cloud's own naming (`eu-west-1`, `westeurope`). */
  readonly region: string;

  /**
   * The cloud this replica applies to. On Harbor a replica is another registry
   * (another Harbor or a cloud registry) that receives push-based replication of
   * the spec's projects; `region` is then the name of that endpoint, whose URL
   * and credentials the Harbor construct takes (`replicaEndpoints`).
   *
   * @default - every cloud the spec is built for
   */
  readonly cloud?: Cloud;

  /**
   * AWS: the destination account, for cross-account replication.
   *
   * @default - the registry's own account
   */
  readonly awsAccountId?: string;

  /**
   * AWS: replicate only repositories whose names start with these prefixes.
   *
   * @default - every repository of the registry
   */
  readonly repositoryPrefixes?: string[];

  /**
   * Azure: make the replica zone-redundant (Premium).
   *
   * @default false
   */
  readonly zoneRedundant?: boolean;
}

/** An upstream registry cached by the cloud. */
export interface UpstreamCacheSpec {
  /**
   * The cache's name, also the repository prefix images are pulled through
   * (`docker-hub` gives `platform/docker-hub/library/nginx` on ECR).
   */
  readonly name: string;

  /** The upstream registry. */
  readonly upstream: UpstreamRegistry;

  /**
   * The upstream URL, required with `UpstreamRegistry.CUSTOM`.
   *
   * @default - the upstream's well-known URL
   */
  readonly url?: string;

  /**
   * AWS: the Secrets Manager secret name holding the upstream credentials; it
   * must start with `ecr-pullthroughcache/`.
   *
   * @default - no credentials
   */
  readonly awsSecretName?: string;

  /**
   * GCP: the Secret Manager secret version holding the password or token
   * (`projects/p/secrets/s/versions/1`).
   *
   * @default - no credentials
   */
  readonly gcpSecretVersion?: string;

  /**
   * GCP and Azure: the upstream user name.
   *
   * @default - no credentials
   */
  readonly username?: string;

  /**
   * Azure: the Key Vault secret id holding the upstream user name.
   *
   * @default - no credentials
   */
  readonly azureUsernameSecretId?: string;

  /**
   * Azure: the Key Vault secret id holding the upstream password.
   *
   * @default - no credentials
   */
  readonly azurePasswordSecretId?: string;
}

/** An event the registry reports (`notifications.events`). */
export enum NotificationEvent {
  /** An image was pushed (ECR `ECR Image Action` PUSH, Artifact Registry `INSERT`, ACR `ImagePushed`). */
  PUSH = 'push',
  /**
   * A vulnerability scan found something at or above `notifications.minimumSeverity`
   * (ECR `ECR Image Scan` / Inspector findings, Container Analysis occurrences, and, on
   * Azure, nothing the registry emits: a warning says so).
   */
  SCAN_FINDING = 'scan-finding',
  /**
   * An image was deleted by retention. What each cloud makes observable differs
   * (README "Notifications"): ECR logs each lifecycle-policy run as the CloudTrail
   * service event `PolicyExecutionEvent` (delivered to EventBridge); Artifact
   * Registry's `DELETE` messages and ACR's `ImageDeleted` events report every
   * deletion, retention's and manual ones alike.
   */
  RETENTION_DELETION = 'retention-deletion',
  /** The generated promotion workflow promoted an image (it publishes the report itself). */
  PROMOTION = 'promotion',
}

/** Private network access (`network`). */
export interface NetworkSpec {
  /**
   * Reach the registry through private networks: AWS interface endpoints for
   * `ecr.api` and `ecr.dkr` and the S3 gateway endpoint in the VPC given to the
   * construct; GCP VPC Service Controls (the project inside a service perimeter
   * restricting `artifactregistry.googleapis.com`); Azure private endpoints with
   * public network access off (Premium).
   *
   * @default false
   */
  readonly privateAccess?: boolean;

  /**
   * AWS: repository policies deny pulls and pushes that come neither through the VPC
   * endpoints nor from the VPCs given to the construct (`aws:SourceVpce`,
   * `aws:SourceVpc`). AWS services acting for the registry (replication,
   * pull-through caches, scanning) and the account's service-linked roles are
   * exempt. Needs `privateAccess`.
   *
   * @default false
   */
  readonly awsDenyOutsideVpc?: boolean;

  /**
   * GCP: an existing service perimeter the project is added to
   * (`accessPolicies/<number>/servicePerimeters/<name>`). The perimeter must list
   * `artifactregistry.googleapis.com` among its restricted services; the library does
   * not change it. Without it, the GCP construct creates a perimeter when given an
   * access policy.
   *
   * @default - a perimeter created by the construct, or none
   */
  readonly gcpServicePerimeter?: string;

  /**
   * Azure: let trusted Azure services (ACR Tasks, such as the purge task; Defender)
   * reach the network-restricted registry (`network_rule_bypass_option = AzureServices`).
   *
   * @default true
   */
  readonly azureTrustedServices?: boolean;
}

/** Events delivered where teams look (`notifications`). */
export interface NotificationsSpec {
  /** The events to deliver (each at most once). */
  readonly events: NotificationEvent[];

  /**
   * With `scan-finding`: the lowest severity reported.
   *
   * @default Severity.HIGH
   */
  readonly minimumSeverity?: Severity;
}
