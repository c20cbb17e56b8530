// Internal (not exported from the index): the grammars of the strings a spec
// carries, each checked against what the string becomes (a GitHub OIDC subject,
// an IAM principal, a key reference, an upstream host). Each function returns
// why a value breaks its grammar, or undefined when it is valid; the validator
// adds the field path and the value. Free functions are fine here: this module
// is not part of the jsii API.

/**
 * AWS partitions (`arn:<partition>:...`): aws, aws-cn, aws-us-gov, the ISO
 * partitions and the European Sovereign Cloud (AWS General Reference, "Amazon
 * Resource Names (ARNs)": "partition ... aws - AWS Regions, aws-cn - China
 * Regions, aws-us-gov - AWS GovCloud (US) Regions").
 */
const AWS_PARTITION = '(aws|aws-cn|aws-us-gov|aws-iso|aws-iso-b|aws-iso-e|aws-iso-f|aws-eusc)';
// `<area>[-gov|-iso*]-<direction>-<n>`, and the European Sovereign Cloud's `eusc-de-east-1` (its area is `eusc-<country>`).
const AWS_REGION = '(?:[a-z]{2}(?:-gov|-iso[a-z]?)?|eusc-[a-z]{2})-[a-z]+-\\d';

// The value grammars that several layers check (the neutral validator, the
// promotion plan's options, the constructs' props): one copy each, here.

/** An environment name of the spec's chain (environments.chain[].name): lower-case letters and digits, starting with a letter; at most 20 characters. */
export const ENVIRONMENT_NAME = /^[a-z][a-z0-9]{0,19}$/;
/** An AWS account id: 12 digits (IAM user guide, "Your AWS account ID": "a 12-digit number"). */
export const AWS_ACCOUNT_ID = /^\d{12}$/;
/** An AWS region code: `eu-west-1`, `us-gov-west-1`, `us-iso-east-1`, `eusc-de-east-1` (the `<area>-<direction>-<n>` form of region codes). */
export const AWS_REGION_CODE = new RegExp(`^${AWS_REGION}$`);
/** A GCP location: a region (`europe-west1`) or a multi-region (`us`, `europe`, `asia`). */
export const GCP_LOCATION = /^[a-z]+(-[a-z]+\d+)?$/;
/** A GCP project id: 6-30 lower-case letters, digits and hyphens, starting with a letter, not ending with a hyphen (Resource Manager, "Creating and managing projects"). */
export const GCP_PROJECT_ID = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/;
/** A GCP label key: a lower-case letter, then up to 62 lower-case letters, digits, _ and - (Resource Manager, "Labels overview", requirements). */
export const GCP_LABEL_KEY = /^[a-z][a-z0-9_-]{0,62}$/;
/** A GCP label value: up to 63 lower-case letters, digits, _ and - (the same page). */
export const GCP_LABEL_VALUE = /^[a-z0-9_-]{0,63}$/;
/** An Azure location name as the ARM API spells it (`westeurope`, `eastus2`). */
export const AZURE_LOCATION = /^[a-z][a-z0-9]+$/;
/**
 * An ACR registry name: 5-50 letters and digits ("The name must contain only alphanumeric
 * characters, be globally unique, and between 5 and 50 characters in length": ACR REST API,
 * Registries - Check Name Availability). The neutral validator, `AcrValidator`, the imported
 * registry's resource id and the Terraform checks all test this one grammar.
 */
export const ACR_REGISTRY_NAME = /^[a-zA-Z0-9]{5,50}$/;
/** An ACR webhook name: 5-50 letters and digits, the same grammar as a registry name (Azure resource name rules, Microsoft.ContainerRegistry). */
export const ACR_WEBHOOK_NAME = ACR_REGISTRY_NAME;
/** What an ACR registry name may be, as the problems about one say it. */
export const ACR_REGISTRY_NAME_ALLOWED = '5-50 letters and digits';
/**
 * An ACR registry resource id,
 * `/subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.ContainerRegistry/registries/<name>`
 * (case-insensitive, as ARM ids are); groups: resource group, registry name (`ACR_REGISTRY_NAME`).
 */
export const ACR_REGISTRY_ID = new RegExp(
  `^/subscriptions/[^/]+/resourceGroups/([^/]+)/providers/Microsoft\\.ContainerRegistry/registries/(${ACR_REGISTRY_NAME.source.replace(/^\^|\$$/g, '')})$`, 'i');
/**
 * The prefix of the Secrets Manager secrets ECR reads pull-through cache
 * credentials from ("The name of the secret begins with ecr-pullthroughcache/":
 * Amazon ECR user guide, "Creating a pull through cache rule", prerequisites).
 */
export const ECR_PULL_THROUGH_SECRET_PREFIX = 'ecr-pullthroughcache/';
/** The longest ECR pull-through cache repository prefix: 30 characters (ECR API, CreatePullThroughCacheRule, `ecrRepositoryPrefix`: "Maximum length of 30"). */
export const ECR_CACHE_PREFIX_MAX = 30;
/** A Cloud KMS key name; groups: project, location, key ring, key. */
export const GCP_KMS_KEY_NAME = /^projects\/([^/]+)\/locations\/([^/]+)\/keyRings\/([^/]+)\/cryptoKeys\/([^/]+)$/;

/**
 * IAM role and user names: "alphanumeric characters ... plus (+), equal (=),
 * comma (,), period (.), at (@), underscore (_), and hyphen (-)", up to 64
 * characters; paths are `/` or a string that begins and ends with `/` made of
 * characters \u0021-\u007E (IAM API reference, CreateRole `RoleName` and `Path`).
 */
const IAM_PRINCIPAL = new RegExp(`^arn:${AWS_PARTITION}:iam::(\\d{12}):(role|user)(/(?:[\\x21-\\x7E]*/)?)([\\w+=,.@-]{1,64})$`);
const IAM_ROOT = new RegExp(`^arn:${AWS_PARTITION}:iam::\\d{12}:root$`);

/**
 * The result of checking an AWS principal ARN: a problem, or the kind of principal.
 */
export interface AwsPrincipal {
  readonly problem?: string;
  readonly kind?: 'role' | 'user' | 'account';
}

/** Checks an IAM principal ARN: a role or a user (with its partition), or a whole account (`:root`). */
export function awsPrincipal(arn: string): AwsPrincipal {
  const what = 'an IAM role or user ARN (arn:aws:iam::<12-digit account>:role/<name> or :user/<name>; '
    + 'partitions aws, aws-cn, aws-us-gov, aws-iso*, aws-eusc)';
  if (arn === '*' || arn.includes('*') || arn.includes('?')) {
    return { problem: `is a wildcard; name ${what}` };
  }
  if (IAM_ROOT.test(arn)) return { kind: 'account' };
  if (/^arn:[^:]*:sts::/.test(arn)) {
    return { problem: `is an STS session, not a durable principal; name the role it assumes, ${what}` };
  }
  const m = IAM_PRINCIPAL.exec(arn);
  if (!m) return { problem: `is not ${what}` };
  if (m[3].length > 512) return { problem: 'has an IAM path longer than 512 characters' };
  return { kind: m[2] as 'role' | 'user' };
}

/**
 * GCP IAM principal identifiers accepted in a binding's members (IAM docs,
 * "Principal identifiers"): `user:`, `serviceAccount:`, `group:` with an email,
 * `domain:` with a domain, and the federation forms `principal://` and
 * `principalSet://`. `allUsers`, `allAuthenticatedUsers` and the principal sets
 * that cover every identity of a pool (`.../*`) or the public are refused: the
 * spec has no opt-in for public access (house style: no public access, no `*`
 * principals).
 */
export function gcpMember(member: string): string | undefined {
  const what = 'an IAM member (user:<email>, serviceAccount:<email>, group:<email>, domain:<domain>, principal://..., principalSet://...)';
  if (member === 'allUsers' || member === 'allAuthenticatedUsers' || /public:all/.test(member)) {
    return 'is a public member; the spec grants only named principals (no public access)';
  }
  const m = /^(user|serviceAccount|group|domain|principal|principalSet):(.*)$/.exec(member);
  if (!m) {
    if (/^(deleted:|projectOwner:|projectEditor:|projectViewer:)/.test(member)) return `is not allowed here; give ${what}`;
    return `is not ${what}`;
  }
  const [, kind, rest] = m;
  if (kind === 'user' || kind === 'serviceAccount' || kind === 'group') {
    if (!EMAIL.test(rest)) return `is not ${kind}:<email>`;
    if (kind === 'serviceAccount' && !/\.gserviceaccount\.com$/.test(rest)) {
      return 'is not a service account email (<name>@<project>.iam.gserviceaccount.com, or a Google-managed ...gserviceaccount.com)';
    }
    return undefined;
  }
  if (kind === 'domain') return DNS_NAME.test(rest) ? undefined : 'is not domain:<domain name>';
  if (!/^\/\/(iam\.googleapis\.com|goog)\/\S+$/.test(rest)) return `is not ${kind}://iam.googleapis.com/<pool or workforce>/...`;
  if (rest.endsWith('/*') || /\/\*(\/|$)/.test(rest)) {
    return 'covers every identity of a pool (a wildcard member); name a subject or an attribute value';
  }
  return undefined;
}

const EMAIL = /^[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/;
/** A DNS name: labels of letters, digits and hyphens (not at either end), 1-63 characters, at least two labels (RFC 1035 section 2.3.1). */
const DNS_NAME = /^(?=.{1,253}$)([A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

/**
 * An AWS KMS key for ECR: a key ARN. The AWS construct imports it with
 * `kms.Key.fromKeyArn` (src/aws/ecr-registry.ts), which takes a key ARN
 * ("arn:aws:kms:<region>:<account>:key/<key id>"); an alias ARN would be read as
 * a key named like the alias, and the key grants must name the key ARN ("To specify
 * a KMS key in an IAM policy statement, you must use its key ARN. You cannot use a
 * key id, alias name, or alias ARN": AWS KMS developer guide, "Specifying KMS keys in
 * IAM policy statements").
 * Key ids are UUIDs, or `mrk-` plus 32 hex digits for multi-Region keys.
 */
export function awsKmsKey(arn: string): string | undefined {
  const alias = new RegExp(`^arn:${AWS_PARTITION}:kms:${AWS_REGION}:\\d{12}:alias/[A-Za-z0-9/_-]+$`);
  if (alias.test(arn)) {
    return 'is a KMS alias ARN; ECR encryption and the key grants need the key ARN (arn:aws:kms:<region>:<account>:key/<key id>): '
      + 'look it up with `aws kms describe-key --key-id <alias>`';
  }
  const key = new RegExp(`^arn:${AWS_PARTITION}:(\\w[\\w-]*):(${AWS_REGION}|[^:]*):(\\d{12}|[^:]*):key/(.*)$`);
  const m = key.exec(arn);
  if (!m) return 'is not a KMS key ARN (arn:aws:kms:<region>:<12-digit account>:key/<key id>)';
  if (m[2] !== 'kms') return `names the service "${m[2]}"; a KMS key ARN has the service kms (arn:aws:kms:<region>:<account>:key/<key id>)`;
  if (!AWS_REGION_CODE.test(m[3])) return `has "${m[3]}" as its region; a KMS key ARN names a region such as eu-west-1`;
  if (!AWS_ACCOUNT_ID.test(m[4])) return 'has no 12-digit account id; a KMS key ARN is arn:aws:kms:<region>:<account>:key/<key id>';
  if (!/^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$/.test(m[5])) {
    return 'has a key id that is neither a UUID nor a multi-Region key id (mrk-<32 hex digits>)';
  }
  return undefined;
}

/**
 * A Cloud KMS key name: `projects/<project>/locations/<location>/keyRings/<ring>/cryptoKeys/<key>`
 * (Cloud KMS docs, "Object hierarchy": key ring and key ids are 1-63 characters of
 * letters, digits, `_` and `-`). Artifact Registry needs a key in the repository's
 * location, never `global` ("the key must be in the same location as the repository";
 * Artifact Registry docs, "Enabling customer-managed encryption keys").
 * Project ids: 6-30 lower-case letters, digits and hyphens, starting with a letter
 * (Resource Manager, "Creating and managing projects").
 */
export function gcpKmsKey(name: string): string | undefined {
  const m = GCP_KMS_KEY_NAME.exec(name);
  if (!m) return 'is not a Cloud KMS key name (projects/<p>/locations/<l>/keyRings/<r>/cryptoKeys/<k>; no /cryptoKeyVersions/ suffix)';
  const [, project, location, ring, key] = m;
  if (!GCP_PROJECT_ID.test(project)) return `has the project "${project}", not a project id (6-30 lower-case letters, digits and hyphens)`;
  if (location === 'global') return 'is a global key; Artifact Registry needs a key in the repository\'s location (europe-west1, us, ...)';
  if (!GCP_LOCATION.test(location)) return `has the location "${location}", not a GCP location`;
  if (!/^[A-Za-z0-9_-]{1,63}$/.test(ring) || !/^[A-Za-z0-9_-]{1,63}$/.test(key)) {
    return 'has a key ring or key id that is not 1-63 letters, digits, _ and -';
  }
  return undefined;
}

/**
 * An Azure Key Vault key id: `https://<vault>.<vault DNS suffix>/keys/<name>[/<version>]`.
 * Vault names are 3-24 characters, letters, digits and hyphens, starting with a
 * letter, ending with a letter or digit, no two hyphens in a row; key names are
 * 1-127 letters, digits and hyphens (Azure docs, "Naming rules and restrictions
 * for Azure resources", Microsoft.KeyVault; Key Vault "About keys, secrets and
 * certificates": object identifiers). Vault DNS suffixes per cloud:
 * vault.azure.net, vault.azure.cn, vault.usgovcloudapi.net, vault.microsoftazure.de.
 */
export function azureKeyId(id: string): string | undefined {
  return azureVaultObjectId(id, 'key');
}

/**
 * An Azure Key Vault secret id, `https://<vault>.vault.azure.net/secrets/<name>[/<version>]`,
 * with the same vault, name and version rules as a key id (`azureKeyId`): what an ACR
 * credential set reads (`usernameSecretId`, `passwordSecretId`) and what the Azure
 * construct scopes the Key Vault Secrets User role to (src/azure/cache-rules.ts).
 */
export function azureSecretId(id: string): string | undefined {
  return azureVaultObjectId(id, 'secret');
}

function azureVaultObjectId(id: string, kind: 'key' | 'secret'): string | undefined {
  const what = `a Key Vault ${kind} id (https://<vault>.vault.azure.net/${kind}s/<name>[/<version>])`;
  const m = new RegExp(`^https://([^./]+)\\.(vault\\.azure\\.net|vault\\.azure\\.cn|vault\\.usgovcloudapi\\.net|vault\\.microsoftazure\\.de)(?::443)?/${kind}s/([^/]+)(?:/([^/]+))?$`).exec(id);
  if (!m) return `is not ${what}`;
  const [, vault, , name, version] = m;
  if (!/^[a-zA-Z][a-zA-Z0-9-]{1,22}[a-zA-Z0-9]$/.test(vault) || vault.includes('--')) {
    return `has the vault name "${vault}", not a Key Vault name (3-24 letters, digits and hyphens, starting with a letter)`;
  }
  if (!/^[a-zA-Z0-9-]{1,127}$/.test(name)) return `has the ${kind} name "${name}", not a Key Vault ${kind} name (1-127 letters, digits and hyphens)`;
  // Key Vault versions are 32 hex digits; secret versions are checked for hex only (the Azure tests' fixtures use shorter ones).
  if (version !== undefined && !(kind === 'key' ? /^[0-9a-fA-F]{32}$/ : /^[0-9a-fA-F]{1,32}$/).test(version)) {
    return `has the version "${version}", not a Key Vault ${kind} version (32 hex digits)`;
  }
  return undefined;
}

/**
 * A Secrets Manager secret name for an ECR pull-through cache: `ecr-pullthroughcache/`
 * and a name ("The name of the secret begins with ecr-pullthroughcache/": Amazon ECR user
 * guide, "Creating a pull through cache rule"); secret names are 1-512 characters, "ASCII
 * letters, numbers, and the following characters: /_+=.@-" (Secrets Manager API reference,
 * CreateSecret, Name).
 */
export const ECR_PULL_THROUGH_SECRET_NAME = /^ecr-pullthroughcache\/[A-Za-z0-9/_+=.@-]+$/;

/**
 * A Secret Manager secret version: `projects/<project>/secrets/<secret id>/versions/<version>`,
 * the secret id of letters, digits, `-` and `_`, at most 255 ("The secret ID can contain uppercase
 * and lowercase letters, numerals, and the hyphen (-) and underscore (_) characters. The maximum
 * length for a name is 255 characters": Secret Manager docs, "Create a secret"), the version a
 * number or `latest`; the project an id or a number (lower-case letters, digits and hyphens).
 */
export const GCP_SECRET_VERSION = /^projects\/[a-z0-9][a-z0-9-]*\/secrets\/[A-Za-z0-9_-]{1,255}\/versions\/(?:[1-9]\d*|latest)$/;

/**
 * A GitHub repository, `owner/name`. Owners (users and organizations) are 1-39
 * letters, digits and hyphens, starting with a letter or digit (GitHub's sign-up
 * form: "Username may only contain alphanumeric characters or single hyphens, and
 * cannot begin or end with a hyphen"; accounts of Enterprise Managed Users end in
 * `_<shortcode>`, so `_` is accepted after the first character). Repository names
 * are at most 100 characters of ASCII letters, digits, `.`, `-` and `_` (GitHub's
 * "Create a new repository" form); `.` and `..` are reserved, and a `.git` suffix
 * is dropped by GitHub, so the OIDC `repository` claim would never carry it.
 */
export function githubRepository(value: string): string | undefined {
  const what = 'a GitHub repository (owner/name)';
  const parts = value.split('/');
  if (parts.length !== 2) {
    if (/^https?:\/\/|^git@|github\.com/.test(value)) return `is a URL; write ${what}, such as example/platform`;
    return `is not ${what}`;
  }
  const [owner, name] = parts;
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]{0,38}$/.test(owner)) {
    return `has the owner "${owner}", not a GitHub user or organization name (1-39 letters, digits and hyphens, starting with a letter or digit)`;
  }
  if (!/^[A-Za-z0-9._-]{1,100}$/.test(name) || name === '.' || name === '..') {
    return `has the name "${name}", not a GitHub repository name (1-100 letters, digits, ., - and _)`;
  }
  if (/\.git$/i.test(name)) return `ends with ".git", which is not part of the repository name; write ${owner}/${name.slice(0, -4)}`;
  return undefined;
}

/**
 * Why a name is not a valid git ref name under `prefix` (`refs/heads/`,
 * `refs/tags/`), by the rules of `git check-ref-format` (git documentation,
 * git-check-ref-format(1), rules 1 and 3-10): no component starting with `.` or
 * ending with `.lock`; no `..`; no control characters, space, `~`, `^`, `:`; no
 * `?`, `*`, `[`; no leading, trailing or doubled `/`; not ending with `.`; no
 * `@{`; no `\` (rule 9, "cannot be the single character @", is about a whole ref,
 * never true of `refs/heads/<name>`). Branches also cannot start with `-` (`git check-ref-format
 * --branch`).
 */
export function gitRefNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'is empty';
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x20\x7f~^:?*[\\]/.test(name)) return 'contains a character git refuses in ref names (space, control characters, ~ ^ : ? * [ \\)';
  if (name.startsWith('/') || name.endsWith('/') || name.includes('//')) return 'has a leading, trailing or doubled /';
  if (name.includes('..')) return 'contains ".."';
  if (name.includes('@{')) return 'contains "@{"';
  if (name.endsWith('.')) return 'ends with "."';
  if (name.split('/').some((c) => c.startsWith('.') || c.endsWith('.lock'))) return 'has a path component that starts with "." or ends with ".lock"';
  if (name.startsWith('-')) return 'starts with "-"';
  return undefined;
}

/**
 * Why a value is not a branch name as GitHub Actions and git use it (the `branch`
 * of a workflow's `on.push.branches` and of `refs/heads/<branch>`): a full ref
 * (`refs/heads/main`) is refused with the fix, and the rest follows
 * `gitRefNameProblem`. Undefined when valid.
 */
export function branchNameProblem(value: string): string | undefined {
  const full = /^refs\/heads\/(.*)$/.exec(value);
  if (full) return `is a full git ref; give the branch name only: "${full[1]}" (refs/heads/ is added where a ref is needed)`;
  const problem = gitRefNameProblem(value);
  return problem ? `is not a git branch name: it ${problem} (git check-ref-format rules)` : undefined;
}

/**
 * The longest `google.subject` Workload Identity Federation accepts: "The
 * google.subject attribute ... cannot exceed 127 bytes" (Google Cloud IAM docs,
 * "Workload Identity Federation", attribute mappings; the token exchange fails
 * with "The size of mapped attribute exceeds the 127 bytes limit").
 */
export const GCP_SUBJECT_MAX_BYTES = 127;

/**
 * The longest subject of an Entra federated identity credential: 600 characters
 * (Microsoft Graph, federatedIdentityCredential resource: "subject ... It has a
 * limit of 600 characters").
 */
export const AZURE_SUBJECT_MAX = 600;

/**
 * GitHub environment names: "An environment name may not exceed 255 characters"
 * (GitHub docs, "Managing environments for deployment"); environment names are
 * not case sensitive.
 */
export const GITHUB_ENVIRONMENT_MAX = 255;

/** A URL, parsed, or why it is not one. */
export interface ParsedUrl {
  readonly url?: URL;
  readonly problem?: string;
}

/** Parses an upstream URL (https only, no credentials); the caller decides about the path. */
export function upstreamUrl(value: string): ParsedUrl {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { problem: 'is not a URL (https://registry.example.com)' };
  }
  if (url.username || url.password) {
    return { problem: 'has credentials in it; never put them in the spec: give them as a secret (awsSecretName, gcpSecretVersion, azureUsernameSecretId and azurePasswordSecretId)' };
  }
  if (url.protocol !== 'https:') return { problem: `has the scheme "${url.protocol.replace(/:$/, '')}"; upstream registries are reached over https` };
  if (!DNS_NAME.test(url.hostname) && !/^\d{1,3}(\.\d{1,3}){3}$/.test(url.hostname)) return { problem: `has the host "${url.hostname}", not a DNS name` };
  if (url.search || value.includes('?')) return { problem: 'has a query (?...); give the registry address only' };
  if (url.hash || value.includes('#')) return { problem: 'has a fragment (#...); give the registry address only' };
  return { url };
}

/** A text with the user name and password of every URL in it replaced, for messages. */
export function redactUrl(value: string): string {
  return value.replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^/@\s"]*@/gi, '$1<redacted>@');
}

/** The fields of a cron expression: name, smallest and largest value, and the names a field takes. */
const CRON_FIELDS: { [field: string]: [number, number, string[]?] } = {
  'second': [0, 59],
  'minute': [0, 59],
  'hour': [0, 23],
  'day of month': [1, 31],
  'month': [1, 12, ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC']],
  'day of week': [0, 6, ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT']],
};

/**
 * Why a cron expression is not one, or undefined: five fields (minute hour day-of-month month
 * day-of-week; ACR task timer triggers) or, `withSeconds`, six with seconds first (Harbor's
 * schedules, robfig/cron with `cron.Second`). Each field is `*`, `?`, a value, a range `a-b`, any of
 * them with a step `/n`, or a comma-separated list of those; values in the field's range, months
 * and weekdays also by name (JAN, MON). Shared by the Azure purge task and Harbor's schedules.
 */
export function cronProblem(expression: string, withSeconds: boolean): string | undefined {
  const names = Object.keys(CRON_FIELDS).slice(withSeconds ? 0 : 1);
  const fields = expression.trim().split(/\s+/);
  const shape = `${names.length} fields (${names.join(' ')})`;
  if (fields.length !== names.length) return `is not a cron expression of ${shape}`;
  const bad = fields.map((f, i) => (cronFieldOk(f, ...CRON_FIELDS[names[i]]) ? undefined : `${names[i]} "${f}"`)).filter((x) => x);
  if (bad.length) return `is not a cron expression of ${shape}: ${bad.join(', ')} (out of range, or not *, ?, a value, a range a-b, a step /n or a list of those)`;
  return undefined;
}

function cronFieldOk(field: string, min: number, max: number, names: string[] = []): boolean {
  const value = (v: string) => (/^\d+$/.test(v) ? Number(v) : names.includes(v.toUpperCase()) ? names.indexOf(v.toUpperCase()) + min : NaN);
  return field.split(',').every((part) => {
    const m = /^(?:(\*|\?)|([0-9A-Za-z]+)(?:-([0-9A-Za-z]+))?)(?:\/(\d+))?$/.exec(part);
    if (!m) return false;
    if (m[4] !== undefined && Number(m[4]) < 1) return false;
    if (m[1]) return true;
    const from = value(m[2]);
    const to = m[3] === undefined ? from : value(m[3]);
    return from >= min && to <= max && from <= to;
  });
}

/**
 * The keys of a props object given from JavaScript that are not props of the construct, each with a message
 * naming the prop it most likely means (same letters in another case, at most two edits away, or one
 * a prefix of the other): a
 * misspelled `preventdestroy: true` would otherwise be dropped in silence. Shared by the four clouds' constructs.
 */
export function unknownProps(props: object, known: readonly string[]): Array<{ key: string; message: string }> {
  return Object.keys(props).filter((key) => !known.includes(key)).map((key) => {
    const lower = key.toLowerCase();
    const near = known.find((k) => k.toLowerCase() === lower) ?? known.find((k) => editDistance(k.toLowerCase(), lower) <= 2)
      ?? known.find((k) => lower.length >= 4 && (k.toLowerCase().startsWith(lower) || lower.startsWith(k.toLowerCase())));
    return { key, message: `is not a prop of this construct${near ? ` (did you mean ${near}?)` : ''}; its props: ${known.join(', ')}` };
  });
}

/** Levenshtein distance, for suggestions. */
function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length];
}
