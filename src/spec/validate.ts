import { AccessModel } from './access-model';
import { EffectiveSpec } from './effective';
import { GithubOidc } from './github-oidc';
import { Glob } from './glob';
import {
  ACR_REGISTRY_NAME, ACR_REGISTRY_NAME_ALLOWED,
  AWS_ACCOUNT_ID, AWS_REGION_CODE, AZURE_LOCATION, AZURE_SUBJECT_MAX, awsKmsKey, awsPrincipal, azureKeyId, azureSecretId,
  GCP_LABEL_KEY, GCP_LABEL_VALUE, GCP_LOCATION, gcpKmsKey,
  ECR_CACHE_PREFIX_MAX, ECR_PULL_THROUGH_SECRET_NAME, ECR_PULL_THROUGH_SECRET_PREFIX, gcpMember, GCP_SECRET_VERSION, GCP_SUBJECT_MAX_BYTES,
  gitRefNameProblem,
  GITHUB_ENVIRONMENT_MAX, githubRepository, redactUrl, upstreamUrl,
} from './grammars';
import { Naming } from './naming';
import { Problems, ProblemsError } from './problems';
import {
  AccessSpec,
  Cloud,
  EncryptionType,
  EnvironmentLayout,
  GithubTrustSpec,
  IdentitySpec,
  NetworkSpec,
  NotificationEvent,
  NotificationsSpec,
  RegistrySpec,
  RepositorySpec,
  RetentionPolicySpec,
  RetentionRuleSpec,
  ScanMode,
  Severity,
  TagPolicySpec,
  TagState,
  TagStrategy,
  UpstreamRegistry,
} from './registry-spec';
import { ruleCriterionProblems } from './retention-rules';
import { checkSpecShape, renderPath } from './schema-check';
import { Tokens } from './tokens';

/** One problem found in a spec. */
export interface SpecProblem {
  /** The field path (`repositories[2].name`). */
  readonly path: string;
  /** The value received, rendered as JSON (`"My_App"`), or `undefined`. */
  readonly value: string;
  /** What is wrong and what is allowed. */
  readonly message: string;
  /**
   * The line in the spec file, when the spec was loaded from one.
   *
   * @default - not from a file
   */
  readonly line?: number;
  /**
   * The column in the spec file, where it helps (syntax errors).
   *
   * @default - not given
   */
  readonly column?: number;
}

/** Options of `SpecValidator.validate`. */
export interface ValidateOptions {
  /**
   * Also check each of these clouds' naming rules and limits.
   *
   * @default - every cloud
   */
  readonly clouds?: Cloud[];
}

/** The result of validating a spec. */
export interface ValidationReport {
  /** Every problem found; empty when the spec is valid. */
  readonly problems: SpecProblem[];
}

const IMAGE_NAME = /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/;
const REGISTRY_NAME = /^[a-z][a-z0-9-]*[a-z0-9]$/;
const ENV_NAME = /^[a-z][a-z0-9]*$/;
/**
 * Identity and cache names: lower-case letters, digits and single hyphens between
 * them. GCP derives service account ids by collapsing hyphen runs and dropping a
 * trailing hyphen (src/gcp/gcp-names.ts, deriveServiceAccountId), so `ci-` and `ci`,
 * or `a--b` and `a-b`, would be one service account; ECR and Artifact Registry
 * refuse a cache prefix or repository id that ends with a hyphen or has two
 * separators in a row.
 */
const IDENTITY_NAME = /^[a-z](?:[a-z0-9]|-(?=[a-z0-9]))*$/;
const CACHE_NAME = /^[a-z](?:[a-z0-9]|-(?=[a-z0-9])){1,29}$/;
const TAG_PATTERN = /^[a-zA-Z0-9._*-]{1,128}$/;
/** A CVE id (cve.org: CVE-YYYY-NNNN, four or more digits) or a GitHub advisory id (GHSA-xxxx-xxxx-xxxx). */
const VULNERABILITY_ID = /^(CVE-\d{4}-\d{4,}|GHSA(-[23456789cfghjmpqrvwx]{4}){3})$/;
const PULL_TIME_EXCLUSION_ARN = /^arn:aws(-[a-z]+)*:iam::[0-9]{12}:(role|user)\/[\w+=,.@-]+(\/[\w+=,.@-]+)*$/;
/** Harbor's resource name grammar (goharbor/harbor src/pkg/project/manager.go:61, restrictedNameChars). */
const HARBOR_ENDPOINT_NAME = /^[a-z0-9]+(?:[._-][a-z0-9]+)*$/;
const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
/** A VPC Service Controls perimeter name (Access Context Manager: `accessPolicies/{policy}/servicePerimeters/{name}`, name of letters, digits and `_`, at most 50). */
const GCP_SERVICE_PERIMETER = /^accessPolicies\/[0-9]+\/servicePerimeters\/[A-Za-z][A-Za-z0-9_]{0,49}$/;

/**
 * Structural validation of a spec: required fields, value grammars, references
 * between fields, and each cloud's naming rules and limits
 * (`reference/cloud-limits.md`). Every problem is collected before anything is
 * reported. Values that are unresolved CDK or CDKTF tokens are skipped.
 *
 * Checks that need a semantics (retention translations, tag policy decisions per
 * cloud) live with those layers and report through the same `SpecProblem` shape.
 */
export class SpecValidator {
  /** Validates a spec and returns every problem found. */
  public static validate(spec: RegistrySpec, options: ValidateOptions = {}): ValidationReport {
    // The shape first (types, required and unknown fields, from the generated JSON Schema), so that a spec
    // given from JavaScript with a value of the wrong shape is a problem naming the field, never a TypeError.
    const shape: SpecProblem[] = [];
    checkSpecShape(spec, (path, value, message) => shape.push({ path: renderPath(path), value: render(value), message }));
    const check = new Checker(options.clouds ?? [Cloud.AWS, Cloud.GCP, Cloud.AZURE]);
    try {
      check.spec(spec);
    } catch (e) {
      // The semantic checks assume the shape; with shape problems, those explain the failure.
      if (shape.length === 0) throw e;
    }
    // A field whose shape is wrong is reported once, for its shape.
    const under = (p: string, r: string) => p === r || p.startsWith(`${r}.`) || p.startsWith(`${r}[`);
    const semantic = check.problems.filter((p) => !shape.some((s) => under(p.path, s.path)));
    return { problems: [...shape, ...semantic] };
  }

  /** Validates a spec and throws one error listing every problem, if there is any. */
  public static assertValid(spec: RegistrySpec, options: ValidateOptions = {}): void {
    const { problems } = SpecValidator.validate(spec, options);
    if (problems.length > 0) throw new ProblemsError(`Invalid registry spec "${(spec as any)?.name ?? '?'}"`, problems);
  }

  /** Renders problems as one message: a heading and one line per problem. */
  public static formatProblems(problems: SpecProblem[], heading: string): string {
    return Problems.render(heading, problems);
  }
}

function render(value: unknown): string {
  if (value === undefined) return 'undefined';
  // JSON has no NaN or Infinity (JSON.stringify writes null): a YAML .nan or .inf is shown as it is.
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  // Credentials in a URL never reach a message, whatever field holds the URL.
  const json = redactUrl(JSON.stringify(value) ?? String(value));
  return json.length > 80 ? `${json.slice(0, 77)}...` : json;
}

function enumValues(e: object): string[] {
  return Object.values(e).filter((v) => typeof v === 'string');
}

/** Collects problems while walking a spec. */
class Checker {
  public readonly problems: SpecProblem[] = [];
  private readonly aws: boolean;
  private readonly gcp: boolean;
  private readonly azure: boolean;
  private readonly harbor: boolean;
  private layout: EnvironmentLayout = EnvironmentLayout.REPOSITORIES;

  constructor(clouds: Cloud[]) {
    this.aws = clouds.includes(Cloud.AWS);
    this.gcp = clouds.includes(Cloud.GCP);
    this.azure = clouds.includes(Cloud.AZURE);
    this.harbor = clouds.includes(Cloud.HARBOR);
  }

  public spec(spec: RegistrySpec): void {
    if (spec === null || typeof spec !== 'object') {
      this.add('', spec, 'is not a registry spec (an object with `name` and `repositories`)');
      return;
    }
    if (spec.version !== undefined && spec.version !== EffectiveSpec.SPEC_VERSION) {
      this.add('version', spec.version, `is not a supported spec version (supported: ${EffectiveSpec.SPEC_VERSION})`);
    }
    this.layout = Naming.layout(spec);
    this.registryName(spec);
    this.environments(spec);
    this.repositories(spec);
    if (spec.tagPolicy) this.tagPolicy('tagPolicy', spec.tagPolicy);
    if (spec.retention) this.retention('retention', spec.retention, true);
    if (spec.scanning) this.scanning('scanning', spec.scanning);
    this.scanGates(spec);
    this.encryption(spec);
    if (spec.access) this.access(spec, spec.access);
    this.replication(spec);
    this.upstreamCaches(spec);
    this.labels(spec);
    if (spec.network !== undefined) this.network(spec.network);
    if (spec.notifications !== undefined) this.notifications(spec, spec.notifications);
  }

  private add(path: string, value: unknown, message: string): void {
    this.problems.push({ path, value: render(value), message });
  }

  private skip(value: unknown): boolean {
    return Tokens.isUnresolved(value);
  }

  private registryName(spec: RegistrySpec): void {
    const name = spec.name;
    if (typeof name !== 'string' || name.length === 0) {
      this.add('name', name, 'is required: the registry name (lower-case letters, digits and hyphens, starting with a letter)');
      return;
    }
    if (this.skip(name)) return;
    if (!REGISTRY_NAME.test(name)) {
      this.add('name', name, 'is not a valid registry name (lower-case letters, digits and hyphens, starting with a letter, not ending with a hyphen, at least 2 characters)');
      return;
    }
    if (this.aws && /[._-]{2}/.test(name)) {
      this.add('name', name, 'has two separators in a row, which ECR repository names do not allow (each . _ - sits between letters or digits)');
    }
    const checked = new Set<string>();
    for (const env of Naming.physicalEnvironments(spec)) {
      if (env && !ENV_NAME.test(env)) continue; // reported on the environment
      const where = env && Naming.layout(spec) !== EnvironmentLayout.TAGS ? ` in environment "${env}"` : '';
      if (this.gcp) {
        const id = Naming.garRepositoryId(spec, env);
        if (id.length > 63) {
          this.add('name', name, `gives the Artifact Registry repository id "${id}"${where}, longer than 63 characters (GCP limit)`);
        }
      }
      if (this.azure) {
        const acr = Naming.acrRegistryName(spec, env);
        if (!ACR_REGISTRY_NAME.test(acr) && !checked.has(acr)) {
          checked.add(acr);
          this.add('name', name, `gives the ACR registry name "${acr}"${Naming.layout(spec) === EnvironmentLayout.REGISTRIES ? where : ''}: ACR names are ${ACR_REGISTRY_NAME_ALLOWED} (Azure limit)`);
        }
      }
    }
  }

  private environments(spec: RegistrySpec): void {
    // The first environment receives builds, not promotions: no hop leads into it, so nothing would wait for approval.
    const first = spec.environments?.chain?.[0];
    if (first?.requiresApproval === true) {
      this.add('environments.chain[0].requiresApproval', true, `is set on "${first.name}", the first environment, which builds are pushed to without a promotion: `
        + 'no hop waits for its approval; set requiresApproval on the environments that promotions enter');
    }
    const envs = spec.environments;
    if (envs === undefined) return;
    if (envs.layout !== undefined && !enumValues(EnvironmentLayout).includes(envs.layout)) {
      this.add('environments.layout', envs.layout, `is not a layout (allowed: ${enumValues(EnvironmentLayout).join(', ')})`);
    }
    if (!Array.isArray(envs.chain) || envs.chain.length === 0) {
      this.add('environments.chain', envs.chain, 'must list at least one environment, in promotion order (dev, staging, prod)');
      return;
    }
    const seen = new Set<string>();
    envs.chain.forEach((env, i) => {
      const path = `environments.chain[${i}].name`;
      if (typeof env?.name !== 'string' || !ENV_NAME.test(env.name) || env.name.length > 20) {
        this.add(path, env?.name, 'is not a valid environment name (lower-case letters and digits, starting with a letter, at most 20 characters)');
      } else if (seen.has(env.name)) {
        this.add(path, env.name, 'is listed twice; each environment appears once in the chain');
      } else if (this.gcp && env.name === 'virtual' && Naming.layout(spec) !== EnvironmentLayout.TAGS && typeof spec.name === 'string') {
        // src/gcp/artifact-registry.ts names the virtual repository `<registry>-virtual`.
        this.add(path, env.name, `gives the Artifact Registry repository id "${Naming.garRepositoryId(spec, env.name)}", the id of the virtual repository (reserved); rename the environment`);
      }
      seen.add(env?.name);
    });
  }

  private repositories(spec: RegistrySpec): void {
    const repos = spec.repositories;
    if (!Array.isArray(repos) || repos.length === 0) {
      this.add('repositories', repos, 'must list at least one repository (image name)');
      return;
    }
    const seen = new Set<string>();
    repos.forEach((repo, i) => {
      const path = `repositories[${i}]`;
      const name = repo?.name;
      if (typeof name !== 'string' || name.length === 0) {
        this.add(`${path}.name`, name, 'is required: the image name (lower-case letters, digits, and . _ - / separators)');
        return;
      }
      if (this.skip(name)) return;
      if (!IMAGE_NAME.test(name)) {
        this.add(`${path}.name`, name, 'is not a valid repository name (lower-case letters, digits, and . _ - / separators)');
      } else if (seen.has(name)) {
        this.add(`${path}.name`, name, 'is listed twice; repository names are unique');
      } else if (this.aws && typeof spec.name === 'string') {
        for (const env of Naming.physicalEnvironments(spec)) {
          const ecr = Naming.ecrRepositoryName(spec, name, env);
          if (ecr.length > 256) {
            this.add(`${path}.name`, name, `gives the ECR repository name "${ecr.slice(0, 40)}...", longer than 256 characters (AWS limit)`);
            break;
          }
        }
      }
      seen.add(name);
      if (repo.tagPolicy) this.tagPolicy(`${path}.tagPolicy`, repo.tagPolicy);
      if (repo.retention) this.retention(`${path}.retention`, repo.retention);
      if (repo.scanning) this.scanning(`${path}.scanning`, repo.scanning);
    });
  }

  private tagPattern(path: string, pattern: unknown, maxWildcards: number | undefined): void {
    if (this.skip(pattern)) return;
    if (typeof pattern !== 'string' || !TAG_PATTERN.test(pattern)) {
      this.add(path, pattern, 'is not a valid tag pattern (1-128 characters: letters, digits, . _ - and * as a wildcard)');
      return;
    }
    const wildcards = Glob.wildcards(pattern);
    if (maxWildcards !== undefined && this.aws && wildcards > maxWildcards) {
      this.add(path, pattern, `has ${wildcards} wildcards; ECR allows at most ${maxWildcards} per pattern (AWS limit)`);
    }
  }

  private tagPolicy(path: string, policy: TagPolicySpec): void {
    if (policy.strategy !== undefined && !enumValues(TagStrategy).includes(policy.strategy)) {
      this.add(`${path}.strategy`, policy.strategy, `is not a tag strategy (allowed: ${enumValues(TagStrategy).join(', ')})`);
    }
    (policy.mutableTags ?? []).forEach((p, i) => this.tagPattern(`${path}.mutableTags[${i}]`, p, undefined));
  }

  private retention(path: string, policy: RetentionPolicySpec, registryLevel = false): void {
    (policy.protectedTags ?? []).forEach((p, i) => this.tagPattern(`${path}.protectedTags[${i}]`, p, 4));
    const exclusions = policy.awsPullTimeExclusionArns;
    if (exclusions !== undefined && !registryLevel) {
      this.add(`${path}.awsPullTimeExclusionArns`, exclusions, 'is registry-wide on ECR (one exclusion list per account and region): set it in the registry\'s retention');
    } else if (exclusions !== undefined && !Array.isArray(exclusions)) {
      this.add(`${path}.awsPullTimeExclusionArns`, exclusions, 'must be a list of IAM role or user ARNs');
    } else {
      (exclusions ?? []).forEach((arn, i) => {
        // AWS::ECR::PullTimeUpdateExclusion PrincipalArn: pattern ^arn:aws(-[a-z]+)*:iam::[0-9]{12}:(role|user)/[\w+=,.@-]+(/[\w+=,.@-]+)*$, at most 200.
        if (this.skip(arn)) return;
        if (typeof arn !== 'string' || arn.length > 200 || !PULL_TIME_EXCLUSION_ARN.test(arn)) {
          this.add(`${path}.awsPullTimeExclusionArns[${i}]`, arn, 'is not an IAM role or user ARN (arn:aws:iam::<account>:role/<name> or :user/<name>, at most 200 characters)');
        }
      });
    }
    for (const field of ['rules', 'gcpRules', 'azureRules'] as const) {
      const rules = policy[field];
      if (rules === undefined) continue;
      if (!Array.isArray(rules)) {
        this.add(`${path}.${field}`, rules, 'must be a list of rules');
        continue;
      }
      rules.forEach((rule, i) => this.retentionRule(`${path}.${field}[${i}]`, rule));
    }
  }

  private retentionRule(rp: string, rule: RetentionRuleSpec): void {
    if (!enumValues(TagState).includes(rule?.tagState)) {
      this.add(`${rp}.tagState`, rule?.tagState, `is not a tag state (allowed: ${enumValues(TagState).join(', ')})`);
    }
    const patterns = rule?.tagPatterns;
    if (rule?.tagState === TagState.TAGGED) {
      if (!Array.isArray(patterns) || patterns.length === 0) {
        this.add(`${rp}.tagPatterns`, patterns, 'is required with tagState "tagged": list the tag patterns the rule selects (use "*" for every tagged image)');
      }
    } else if (patterns !== undefined) {
      this.add(`${rp}.tagPatterns`, patterns, `is only allowed with tagState "tagged" (this rule selects "${rule?.tagState}" images)`);
    }
    (patterns ?? []).forEach((p, j) => this.tagPattern(`${rp}.tagPatterns[${j}]`, p, 4));
    for (const [path, value, message] of ruleCriterionProblems(rule ?? ({} as RetentionRuleSpec), rp, 36500)) {
      if (!this.skip(value)) this.add(path, value, message);
    }
  }

  /**
   * A severity threshold where nothing is scanned: the promotion gate (scan-gate.sh) reads the
   * digest's scan results, waits while there are none, then refuses (ECR, Artifact Registry,
   * Harbor; on Azure it passes with a warning, gating nothing), so every gated promotion
   * (AccessModel.gatesScan: a hop that needs approval, and a threshold) would fail. Only when
   * scanning is off for every image: with mixed modes some clouds scan every image anyway
   * (Artifact Registry scans per repository), which their own validators judge.
   */
  private scanGates(spec: RegistrySpec): void {
    const repos = Array.isArray(spec.repositories) ? spec.repositories.filter((r) => typeof r?.name === 'string') : [];
    const mode = (r: RepositorySpec) => r.scanning?.mode ?? spec.scanning?.mode ?? ScanMode.ON_PUSH;
    if (repos.length === 0 || repos.some((r) => mode(r) !== ScanMode.OFF)) return;
    const gated = repos.filter((r) => AccessModel.hops(spec).some((hop) => AccessModel.gatesScan(spec, hop, r.name)));
    if (gated.length === 0) return;
    const i = spec.repositories.indexOf(gated[0]);
    const path = gated[0].scanning?.severityThreshold !== undefined ? `repositories[${i}].scanning.severityThreshold` : 'scanning.severityThreshold';
    const threshold = gated[0].scanning?.severityThreshold ?? spec.scanning?.severityThreshold;
    this.add(path, threshold, `gates the promotions of ${gated.map((r) => r.name).join(', ')}, but scanning.mode is "off" for every image: the gate reads the digest's `
      + 'scan results and refuses a digest that has none; turn scanning on, or remove severityThreshold');
  }

  private scanning(path: string, scanning: { mode?: ScanMode; severityThreshold?: Severity; allowedVulnerabilities?: string[] }): void {
    (scanning.allowedVulnerabilities ?? []).forEach((id, i) => {
      if (!this.skip(id) && (typeof id !== 'string' || !VULNERABILITY_ID.test(id))) {
        this.add(`${path}.allowedVulnerabilities[${i}]`, id, 'is not a vulnerability id (CVE-YYYY-NNNN or GHSA-xxxx-xxxx-xxxx)');
      }
    });
    if (scanning.mode !== undefined && !enumValues(ScanMode).includes(scanning.mode)) {
      this.add(`${path}.mode`, scanning.mode, `is not a scan mode (allowed: ${enumValues(ScanMode).join(', ')})`);
    }
    if (scanning.severityThreshold !== undefined && !enumValues(Severity).includes(scanning.severityThreshold)) {
      this.add(`${path}.severityThreshold`, scanning.severityThreshold, `is not a severity (allowed: ${enumValues(Severity).join(', ')})`);
    }
  }

  private encryption(spec: RegistrySpec): void {
    const enc = spec.encryption;
    if (!enc) return;
    if (enc.type !== undefined && !enumValues(EncryptionType).includes(enc.type)) {
      this.add('encryption.type', enc.type, `is not an encryption type (allowed: ${enumValues(EncryptionType).join(', ')})`);
    }
    const cmk = enc.type === EncryptionType.CUSTOMER_MANAGED;
    // Each key is checked against the grammar of the reference its cloud takes (src/spec/grammars.ts).
    const keys: Array<[keyof typeof enc, (v: string) => string | undefined, boolean]> = [
      ['awsKmsKeyArn', awsKmsKey, this.aws],
      ['gcpKmsKeyName', gcpKmsKey, this.gcp],
      ['azureKeyVaultKeyId', azureKeyId, this.azure],
    ];
    for (const [field, grammar, enabled] of keys) {
      const value = enc[field];
      if (value === undefined || this.skip(value)) continue;
      if (!cmk) {
        this.add(`encryption.${field}`, value, 'is only used with encryption.type "customer-managed"; set the type or remove the key');
      } else if (typeof value !== 'string') {
        this.add(`encryption.${field}`, value, 'must be a string');
      } else if (enabled) {
        const problem = grammar(value);
        if (problem) this.add(`encryption.${field}`, value, problem);
      }
    }
  }

  private access(spec: RegistrySpec, access: AccessSpec): void {
    const envs = Naming.environmentNames(spec);
    const images = (spec.repositories ?? []).map((r) => r?.name);
    for (const role of ['pushers', 'pullers', 'promoters'] as const) {
      const seen = new Set<string>();
      (access[role] ?? []).forEach((identity, i) => {
        const path = `access.${role}[${i}]`;
        this.identity(path, identity, role, envs, images);
        if (seen.has(identity?.name)) {
          this.add(`${path}.name`, identity.name, `is used by two ${role}; identity names are unique per role`);
        }
        seen.add(identity?.name);
      });
    }
    // One name is one identity on every cloud (one role, service account or managed identity):
    // the same name in two roles would merge their trusts and their permissions.
    const roles = new Map<string, Array<{ role: string; github: string }>>();
    for (const role of ['pushers', 'pullers', 'promoters'] as const) {
      for (const id of access[role] ?? []) {
        if (typeof id?.name !== 'string') continue;
        roles.set(id.name, [...(roles.get(id.name) ?? []), { role, github: JSON.stringify(id.github ?? null) }]);
      }
    }
    for (const [name, uses] of roles) {
      const inRoles = uses.map((u) => u.role);
      if (inRoles.includes('pushers') && inRoles.includes('promoters')) {
        this.add('access', name, 'is both a pusher and a promoter: one identity would push to the first environment and write later ones, '
          + 'so every run that may build could also promote; give the promoter its own name');
      } else if (new Set(uses.map((u) => u.github)).size > 1) {
        this.add('access', name, `is used in ${[...new Set(inRoles)].join(' and ')} with different github trusts: one identity would accept every trust `
          + 'for every permission; give each its own name, or the same trust');
      }
    }
    if (this.aws) {
      const ids = new Map<string, string>();
      for (const name of roles.keys()) {
        const id = name.replace(/-/g, '');
        if (ids.has(id) && ids.get(id) !== name) {
          this.add('access', name, `and "${ids.get(id)}" give the same AWS output id (AWSROLEARN${id.toUpperCase()}: CloudFormation output ids are alphanumeric); rename one`);
        }
        ids.set(id, name);
      }
    }
    if ((access.promoters ?? []).length > 0 && envs.length < 2) {
      this.add('access.promoters', access.promoters!.map((p) => p.name), 'need a promotion chain: list at least two environments in environments.chain');
    }
  }

  private identity(path: string, id: IdentitySpec, role: string, envs: string[], images: string[]): void {
    if (typeof id?.name !== 'string' || !IDENTITY_NAME.test(id.name) || id.name.length > 32) {
      this.add(`${path}.name`, id?.name, 'is not a valid identity name (lower-case letters, digits and single hyphens between them, starting with a letter, at most 32 characters)');
    }
    const existing = [id?.awsPrincipalArns, id?.awsAccountIds, id?.gcpMembers, id?.azurePrincipalIds].some((l) => (l ?? []).length > 0);
    // On Harbor alone every identity is a robot account the construct creates: it needs no principal.
    const harborOnly = this.harbor && !this.aws && !this.gcp && !this.azure;
    if (!id?.github && !existing && !harborOnly) {
      this.add(path, id?.name, 'grants nobody: give `github` (an identity trusted by GitHub Actions) or existing principals (awsPrincipalArns, awsAccountIds, gcpMembers, azurePrincipalIds)');
    }
    if (id?.github) this.githubTrust(`${path}.github`, id.github);
    if (this.aws) {
      ((id?.awsPrincipalArns as unknown[] | undefined) ?? []).forEach((v, j) => {
        if (this.skip(v)) return;
        const p = `${path}.awsPrincipalArns[${j}]`;
        if (typeof v !== 'string') {
          this.add(p, v, 'is not an IAM role or user ARN');
          return;
        }
        const principal = awsPrincipal(v);
        if (principal.problem) {
          this.add(p, v, principal.problem);
        } else if (principal.kind === 'account' && role !== 'pullers') {
          // Issue 13, item 6: a whole account may pull (like awsAccountIds), never push or promote.
          this.add(p, v, `is a whole AWS account; ${role} must be IAM principals (a role or a user): `
            + `name the role that ${role === 'pushers' ? 'pushes' : 'promotes'}, such as ${v.replace(/:root$/, ':role/<name>')}`);
        }
      });
    }
    if (this.gcp) {
      ((id?.gcpMembers as unknown[] | undefined) ?? []).forEach((v, j) => {
        if (this.skip(v)) return;
        const problem = typeof v === 'string' ? gcpMember(v) : 'is not an IAM member';
        if (problem) this.add(`${path}.gcpMembers[${j}]`, v, problem);
      });
    }
    const lists: Array<[keyof IdentitySpec, RegExp, string, boolean]> = [
      ['awsAccountIds', AWS_ACCOUNT_ID, 'a 12-digit AWS account id', this.aws],
      ['azurePrincipalIds', UUID, 'an Azure principal (object) id, a UUID', this.azure],
    ];
    for (const [field, grammar, what, enabled] of lists) {
      if (!enabled) continue;
      ((id?.[field] as string[] | undefined) ?? []).forEach((v, j) => {
        if (this.skip(v)) return;
        if (typeof v !== 'string' || !grammar.test(v)) this.add(`${path}.${field}[${j}]`, v, `is not ${what}`);
      });
    }
    if ((id?.awsAccountIds ?? []).length > 0 && role !== 'pullers') {
      this.add(`${path}.awsAccountIds`, id.awsAccountIds, 'is only allowed for pullers: other accounts may pull through repository policies, never push or promote');
    }
    // An empty list is not "every": the identity would act in no environment or on no repository
    // (AccessModel reads the list as given), so the grants it exists for would never be made.
    for (const field of ['environments', 'repositories'] as const) {
      if (Array.isArray(id?.[field]) && id[field]!.length === 0) {
        this.add(`${path}.${field}`, id[field], `is empty, so the identity gets no ${field === 'environments' ? 'environment' : 'repository'}: `
          + `list ${field === 'environments' ? 'its environments' : 'its repositories (globs)'}, or leave ${field} out for every one`);
      }
    }
    // An environment or repository glob listed twice is a copy-paste slip more often than an intent (like a repository
    // or an event listed twice). Principals listed twice are granted once by every cloud, and stay accepted.
    for (const field of ['environments', 'repositories'] as const) {
      const list = id?.[field] as unknown[] | undefined;
      if (!Array.isArray(list)) continue;
      list.forEach((v, j) => {
        if (typeof v === 'string' && list.indexOf(v) < j) this.add(`${path}.${field}[${j}]`, v, `is listed twice in ${field}; list each once`);
      });
    }
    (id?.environments ?? []).forEach((env, j) => {
      if (!envs.includes(env)) {
        this.add(`${path}.environments[${j}]`, env, envs.length ? `is not an environment of the chain (${envs.join(', ')})` : 'is not allowed: the spec has no environments');
      } else if (role === 'pushers' && env !== envs[0] && this.layout !== EnvironmentLayout.TAGS) {
        this.add(`${path}.environments[${j}]`, env, `is not the first environment: pushers may push only to "${envs[0]}"; later environments receive images by promotion`);
      } else if (role === 'promoters' && env === envs[0]) {
        this.add(`${path}.environments[${j}]`, env, 'is the first environment: promoters promote into later environments (list the destinations of their hops)');
      }
    });
    (id?.repositories ?? []).forEach((pattern, j) => {
      if (typeof pattern !== 'string' || !images.some((img) => Glob.matches(pattern, img))) {
        const some = images.slice(0, 5).join(', ') + (images.length > 5 ? `, ... ${images.length - 5} more` : '');
        this.add(`${path}.repositories[${j}]`, pattern, `matches no repository of the spec (${some})`);
      }
    });
  }

  /**
   * A GitHub trust, checked against the OIDC subject each cloud builds from it:
   * `repo:<owner>/<repo>:ref:refs/heads/<branch>`, `...:environment:<env>`,
   * `...:ref:refs/tags/<tag>` (GitHub docs, "About security hardening with OpenID
   * Connect", example subject claims). AWS compares the subject with
   * `StringEquals`, or `StringLike` when a tag has `*` (src/aws/github-oidc.ts);
   * GCP compares the ref or environment in CEL and handles `*` only
   * (src/gcp/github-workload-identity.ts); Azure federated credentials match the
   * subject exactly, without wildcards (src/azure/registry-identities.ts).
   */
  private githubTrust(path: string, gh: GithubTrustSpec): void {
    if (typeof gh !== 'object' || gh === null) return;
    const repository = gh.repository;
    if (typeof repository !== 'string') {
      this.add(`${path}.repository`, repository, 'is required: the GitHub repository (owner/name)');
    } else if (!this.skip(repository)) {
      const problem = githubRepository(repository);
      if (problem) this.add(`${path}.repository`, repository, problem);
    }
    // Immutable subject claims name both ids (GithubOidc): both or neither, each a positive integer.
    let idsValid = true;
    if (gh.ownerId !== undefined || gh.repositoryId !== undefined) {
      for (const [key, other] of [['ownerId', 'repositoryId'], ['repositoryId', 'ownerId']] as const) {
        const id = gh[key] as unknown;
        if (id === undefined) {
          this.add(`${path}.${key}`, id, `is required with ${other}: immutable subject claims name both (repo:<owner>@<ownerId>/<repo>@<repositoryId>)`);
          idsValid = false;
        } else if (typeof id !== 'number' || !Number.isSafeInteger(id) || id <= 0) {
          this.add(`${path}.${key}`, id, `is not a GitHub id (a positive integer; gh api repos/<owner>/<repo> --jq ${key === 'ownerId' ? '.owner.id' : '.id'})`);
          idsValid = false;
        }
      }
    }
    const refs = (['branch', 'environment', 'tag'] as const).filter((r) => gh[r] !== undefined);
    if (refs.length !== 1) {
      this.add(path, gh, 'must restrict the trust to exactly one of branch, environment or tag, so that other workflows (pull requests) cannot assume it');
      return;
    }
    const field = refs[0];
    const value = gh[field] as unknown;
    const fp = `${path}.${field}`;
    if (this.skip(value)) return;
    if (typeof value !== 'string') {
      this.add(fp, value, `must be a string (the ${field} name)`);
      return;
    }
    const subjectRepository = typeof repository === 'string' && idsValid
      ? GithubOidc.subjectRepository(gh)
      : `repo:${typeof repository === 'string' ? repository : '<owner>/<repo>'}`;
    let subject: string;
    if (field === 'branch' || field === 'tag') {
      const full = /^refs\/(heads|tags)\/(.*)$/.exec(value);
      if (full) {
        const kind = full[1] === 'heads' ? 'branch' : 'tag';
        this.add(fp, value, `is a full git ref; write the ${kind} name only: ${kind}: "${full[2]}" `
          + `(the trust adds refs/${full[1]}/ itself, so this would expect refs/${field === 'branch' ? 'heads' : 'tags'}/${value}, which no run has)`);
        return;
      }
      if (value.length === 0) {
        this.add(fp, value, `is empty; give the ${field} ${field === 'branch' ? 'name (main)' : 'or tag pattern (v*)'}`);
        return;
      }
      if (field === 'tag' && value.includes('?')) {
        this.add(fp, value, 'has "?", which is not a wildcard of the spec (only * is) and not a character git allows in tags; use * ');
        return;
      }
      const literal = field === 'tag' ? value.replace(/\*/g, 'x') : value;
      const problem = gitRefNameProblem(literal);
      if (problem) {
        this.add(fp, value, `is not a git ${field} name: it ${problem} (git check-ref-format rules)`);
        return;
      }
      if (field === 'tag' && value.includes('*') && this.azure) {
        this.add(fp, value, 'has a wildcard; Entra federated identity credentials match the subject exactly (no wildcards), so Azure cannot trust it: '
          + 'give an exact tag, trust a GitHub environment instead, or target other clouds with `validate --cloud`');
      }
      subject = `${subjectRepository}:ref:refs/${field === 'branch' ? 'heads' : 'tags'}/${value.replace(/\*/g, '')}`;
    } else {
      if (value.length === 0 || value.length > GITHUB_ENVIRONMENT_MAX) {
        this.add(fp, value, `is not a GitHub environment name (1-${GITHUB_ENVIRONMENT_MAX} characters)`);
        return;
      }
      // eslint-disable-next-line no-control-regex
      if (/[\x00-\x1f\x7f]/.test(value) || value.trim() !== value) {
        this.add(fp, value, 'has control characters or leading or trailing spaces, which GitHub environment names cannot have');
        return;
      }
      if (this.aws && /[*?]/.test(value)) {
        this.add(fp, value, 'has * or ?, which an AWS trust policy would read as wildcards (StringLike) when the role also trusts a tag pattern; rename the environment');
      }
      subject = `${subjectRepository}:environment:${value}`;
    }
    // IAM reads ${...} in a condition value as a policy variable (IAM User Guide, "IAM policy elements: Variables and tags").
    if (this.aws && value.includes('${')) {
      this.add(fp, value, 'contains "${", which an AWS trust policy would read as a policy variable; rename it');
    }
    if (this.gcp && Buffer.byteLength(subject, 'utf8') > GCP_SUBJECT_MAX_BYTES) {
      this.add(fp, value, `gives the subject "${subject.slice(0, 60)}...", ${Buffer.byteLength(subject, 'utf8')} bytes; `
        + `Workload Identity Federation refuses a google.subject over ${GCP_SUBJECT_MAX_BYTES} bytes (GCP limit)`);
    }
    if (this.azure && subject.length > AZURE_SUBJECT_MAX) {
      this.add(fp, value, `gives a subject of ${subject.length} characters; Entra federated credentials take at most ${AZURE_SUBJECT_MAX} (Azure limit)`);
    }
  }

  private replication(spec: RegistrySpec): void {
    const replicas = spec.replication?.replicas;
    if (spec.replication && (!Array.isArray(replicas) || replicas.length === 0)) {
      this.add('replication.replicas', replicas, 'must list at least one replica (region)');
      return;
    }
    (replicas ?? []).forEach((r, i) => {
      const path = `replication.replicas[${i}]`;
      if (r.cloud !== undefined && !enumValues(Cloud).includes(r.cloud)) {
        this.add(`${path}.cloud`, r.cloud, `is not a cloud (allowed: ${enumValues(Cloud).join(', ')})`);
      }
      if (this.skip(r.region)) return;
      const region = r.region;
      const applies = (c: Cloud, enabled: boolean) => enabled && (r.cloud === undefined || r.cloud === c);
      if (applies(Cloud.AWS, this.aws) && !AWS_REGION_CODE.test(region ?? '')) {
        this.add(`${path}.region`, region, 'is not an AWS region (such as eu-west-1); set `cloud` to target one cloud');
      }
      if (applies(Cloud.GCP, this.gcp) && !GCP_LOCATION.test(region ?? '')) {
        this.add(`${path}.region`, region, 'is not a GCP location (such as europe-west1 or the multi-region europe); set `cloud` to target one cloud');
      }
      if (applies(Cloud.AZURE, this.azure) && !AZURE_LOCATION.test(region ?? '')) {
        this.add(`${path}.region`, region, 'is not an Azure location (such as westeurope); set `cloud` to target one cloud');
      }
      // On Harbor the region names the replication endpoint (a harbor_registry), named like a Harbor resource.
      if (applies(Cloud.HARBOR, this.harbor) && !HARBOR_ENDPOINT_NAME.test(region ?? '')) {
        this.add(`${path}.region`, region, 'is not a Harbor replication endpoint name (lower-case letters and digits joined by . _ -, such as dr-harbor); set `cloud` to target one cloud');
      }
      if (r.awsAccountId !== undefined && !this.skip(r.awsAccountId) && !AWS_ACCOUNT_ID.test(r.awsAccountId)) {
        this.add(`${path}.awsAccountId`, r.awsAccountId, 'is not a 12-digit AWS account id');
      }
      if ((r.repositoryPrefixes ?? []).length > 100) {
        this.add(`${path}.repositoryPrefixes`, r.repositoryPrefixes!.length, 'lists more than 100 prefixes (ECR limit per replication rule)');
      }
      // The account and the prefixes are ECR's (a replication rule's destination and filters): on a replica of another cloud nothing reads them.
      if (r.cloud !== undefined && r.cloud !== Cloud.AWS) {
        for (const field of ['awsAccountId', 'repositoryPrefixes'] as const) {
          if (r[field] !== undefined) {
            this.add(`${path}.${field}`, r[field], `applies to ECR replication only, and this replica is for cloud "${r.cloud}": remove it, or set cloud: aws`);
          }
        }
      }
    });
    if (this.aws && (replicas ?? []).filter((r) => r.cloud === undefined || r.cloud === Cloud.AWS).length > 25) {
      this.add('replication.replicas', replicas!.length, 'lists more than 25 AWS destinations (ECR limit)');
    }
  }

  private upstreamCaches(spec: RegistrySpec): void {
    const caches = spec.upstreamCaches ?? [];
    const seen = new Set<string>();
    const images = new Set((spec.repositories ?? []).map((r) => r?.name));
    const envNames = Naming.environmentNames(spec);
    caches.forEach((c, i) => {
      const path = `upstreamCaches[${i}]`;
      if (typeof c?.name !== 'string' || !CACHE_NAME.test(c.name)) {
        this.add(`${path}.name`, c?.name, 'is not a valid cache name (2-30 lower-case letters, digits and single hyphens between them, starting with a letter)');
      } else if (seen.has(c.name)) {
        this.add(`${path}.name`, c.name, 'is used twice; cache names are unique');
      } else if ([...images].some((img) => img === c.name || img?.startsWith(`${c.name}/`))) {
        this.add(`${path}.name`, c.name, 'is also the first path segment of a repository name; the cache prefix would cover that repository');
      } else if (envNames.includes(c.name) || c.name === 'virtual') {
        this.add(`${path}.name`, c.name, `is ${c.name === 'virtual' ? 'reserved for the virtual repository' : 'an environment name'}; `
          + 'the cache would share its native names (ECR prefix, Artifact Registry repository id, ACR path)');
      }
      if (this.aws && typeof c?.name === 'string' && Naming.ecrCachePrefix(spec, c.name).length > ECR_CACHE_PREFIX_MAX) {
        this.add(`${path}.name`, c.name, `gives the ECR pull-through cache prefix "${Naming.ecrCachePrefix(spec, c.name)}", longer than ${ECR_CACHE_PREFIX_MAX} characters (AWS limit)`);
      }
      if (this.gcp && typeof c?.name === 'string') {
        const id = Naming.garRemoteRepositoryId(spec.name, c.name);
        if (id.length > 63) this.add(`${path}.name`, c.name, `gives the Artifact Registry remote repository id "${id}", longer than 63 characters (GCP limit)`);
      }
      seen.add(c?.name);
      if (!enumValues(UpstreamRegistry).includes(c?.upstream)) {
        this.add(`${path}.upstream`, c?.upstream, `is not an upstream registry (allowed: ${enumValues(UpstreamRegistry).join(', ')})`);
      }
      this.upstreamUrl(path, c);
      if (c?.awsSecretName !== undefined && !this.skip(c.awsSecretName) && !c.awsSecretName.startsWith(ECR_PULL_THROUGH_SECRET_PREFIX)) {
        this.add(`${path}.awsSecretName`, c.awsSecretName, `must start with "${ECR_PULL_THROUGH_SECRET_PREFIX}" (ECR reads pull-through cache credentials only from such secrets)`);
      } else if (c?.awsSecretName !== undefined && !this.skip(c.awsSecretName)
        && (!ECR_PULL_THROUGH_SECRET_NAME.test(c.awsSecretName) || c.awsSecretName.length > 512)) {
        this.add(`${path}.awsSecretName`, c.awsSecretName,
          `is not a Secrets Manager secret name: "${ECR_PULL_THROUGH_SECRET_PREFIX}" and a name of ASCII letters, digits and / _ + = . @ - (at most 512 characters)`);
      }
      if (this.aws && (c?.upstream === UpstreamRegistry.DOCKER_HUB || c?.upstream === UpstreamRegistry.GITHUB) && !c.awsSecretName) {
        this.add(`${path}.awsSecretName`, undefined, `is required on AWS for upstream "${c.upstream}": ECR pull-through caches of Docker Hub and GHCR need credentials in a secret named ecr-pullthroughcache/<name>`);
      }
      if (this.aws && c?.upstream === UpstreamRegistry.CUSTOM) {
        this.add(`${path}.upstream`, c.upstream, 'is not supported by ECR pull-through caches (supported upstreams: docker-hub, ghcr, quay, ecr-public); target other clouds with `validate --cloud`');
      }
      if (c?.gcpSecretVersion !== undefined && !this.skip(c.gcpSecretVersion) && !GCP_SECRET_VERSION.test(c.gcpSecretVersion)) {
        this.add(`${path}.gcpSecretVersion`, c.gcpSecretVersion,
          'is not a Secret Manager secret version (projects/<project>/secrets/<secret id of letters, digits, - and _>/versions/<number or latest>)');
      }
      for (const field of ['azureUsernameSecretId', 'azurePasswordSecretId'] as const) {
        const id = c?.[field];
        const problem = typeof id === 'string' && !this.skip(id) ? azureSecretId(id) : undefined;
        if (problem) this.add(`${path}.${field}`, id, problem);
      }
      if ((c?.azureUsernameSecretId === undefined) !== (c?.azurePasswordSecretId === undefined)) {
        this.add(`${path}.azurePasswordSecretId`, c?.azurePasswordSecretId, 'and azureUsernameSecretId go together: an ACR credential set needs both Key Vault secrets');
      }
    });
    if (this.aws && caches.length > 50) {
      this.add('upstreamCaches', caches.length, 'lists more than 50 caches (ECR limit of pull-through cache rules)');
    }
  }

  /**
   * An upstream URL. Only `custom` takes one: preset upstreams have fixed
   * addresses. ECR takes a host (`upstreamRegistryUrl`, src/aws/pull-through-cache.ts)
   * and so does ACR (`loginServer` of a credential set's source, src/azure/cache-rules.ts
   * keeps only the host), so a path is refused for them; Artifact Registry takes a
   * URI (`customRepository.uri`, src/gcp/upstream-repositories.ts). Credentials in
   * a URL are refused and never copied into a message: they belong in a secret.
   */
  private upstreamUrl(path: string, c: { upstream?: UpstreamRegistry; url?: unknown }): void {
    const url = c?.url;
    if (c?.upstream === UpstreamRegistry.CUSTOM && (url === undefined || url === '')) {
      this.add(`${path}.url`, url, 'is required with upstream "custom" (https://registry.example.com)');
      return;
    }
    if (url === undefined || this.skip(url)) return;
    if (typeof url !== 'string') {
      this.add(`${path}.url`, url, 'must be a string (https://registry.example.com)');
      return;
    }
    const shown = redactUrl(url);
    if (c.upstream !== UpstreamRegistry.CUSTOM && enumValues(UpstreamRegistry).includes(c.upstream as string)) {
      this.add(`${path}.url`, shown, `is not taken by upstream "${c.upstream}", which has a fixed address; remove url, or use upstream "custom"`);
      return;
    }
    const parsed = upstreamUrl(url);
    if (parsed.problem) {
      this.add(`${path}.url`, shown, parsed.problem);
      return;
    }
    if ((this.aws || this.azure) && parsed.url!.pathname !== '/' && parsed.url!.pathname !== '') {
      this.add(`${path}.url`, shown, `has the path "${parsed.url!.pathname}"; ${this.azure ? 'ACR' : 'ECR'} caches take a registry host only (https://registry.example.com)`);
    }
  }

  private labels(spec: RegistrySpec): void {
    const labels = spec.labels ?? {};
    if (typeof labels !== 'object') {
      this.add('labels', labels, 'must be a map of strings');
      return;
    }
    // The number of labels is each cloud validator's to check (GarValidator counts the spec's and the labels prop's together).
    for (const [key, value] of Object.entries(labels)) {
      if (typeof value !== 'string') {
        this.add(`labels.${key}`, value, 'must be a string');
        continue;
      }
      if (this.gcp && !GCP_LABEL_KEY.test(key)) {
        this.add(`labels.${key}`, key, 'is not a valid GCP label key (lower-case letters, digits, _ and -, starting with a letter, at most 63 characters)');
      }
      if (this.gcp && !this.skip(value) && !GCP_LABEL_VALUE.test(value)) {
        this.add(`labels.${key}`, value, 'is not a valid GCP label value (lower-case letters, digits, _ and -, at most 63 characters)');
      }
    }
  }

  /** The `network` section: flags, the perimeter name, and what needs `privateAccess`. */
  private network(network: NetworkSpec): void {
    if (network === null || typeof network !== 'object') {
      this.add('network', network, 'must be an object (privateAccess, awsDenyOutsideVpc, gcpServicePerimeter, azureTrustedServices)');
      return;
    }
    for (const key of ['privateAccess', 'awsDenyOutsideVpc', 'azureTrustedServices'] as const) {
      if (network[key] !== undefined && typeof network[key] !== 'boolean') this.add(`network.${key}`, network[key], 'must be true or false');
    }
    if (network.awsDenyOutsideVpc === true && network.privateAccess !== true) {
      this.add('network.awsDenyOutsideVpc', true, 'needs network.privateAccess: true (pulls from outside the VPC are refused only when the VPC endpoints exist)');
    }
    const perimeter = network.gcpServicePerimeter;
    if (perimeter !== undefined && !this.skip(perimeter)) {
      if (typeof perimeter !== 'string' || !GCP_SERVICE_PERIMETER.test(perimeter)) {
        this.add('network.gcpServicePerimeter', perimeter,
          'is not a service perimeter name (accessPolicies/<policy number>/servicePerimeters/<name>, the name of letters, digits and _, starting with a letter, at most 50)');
      } else if (network.privateAccess !== true) {
        this.add('network.gcpServicePerimeter', perimeter, 'needs network.privateAccess: true (the perimeter is how GCP keeps the registry private)');
      }
    }
  }

  /** The `notifications` section: known events, each once, and a severity only for scan findings on a registry that scans. */
  private notifications(spec: RegistrySpec, n: NotificationsSpec): void {
    if (n === null || typeof n !== 'object') {
      this.add('notifications', n, 'must be an object (events, minimumSeverity)');
      return;
    }
    const allowed = enumValues(NotificationEvent);
    if (!Array.isArray(n.events) || n.events.length === 0) {
      this.add('notifications.events', n.events, `must list at least one event (allowed: ${allowed.join(', ')})`);
      return;
    }
    const seen = new Set<string>();
    n.events.forEach((e, i) => {
      if (!allowed.includes(e)) this.add(`notifications.events[${i}]`, e, `is not an event (allowed: ${allowed.join(', ')})`);
      else if (seen.has(e)) this.add(`notifications.events[${i}]`, e, 'is listed twice; each event at most once');
      seen.add(e);
    });
    if (n.minimumSeverity !== undefined) {
      if (!enumValues(Severity).includes(n.minimumSeverity)) {
        this.add('notifications.minimumSeverity', n.minimumSeverity, `is not a severity (allowed: ${enumValues(Severity).join(', ')})`);
      } else if (!seen.has(NotificationEvent.SCAN_FINDING)) {
        this.add('notifications.minimumSeverity', n.minimumSeverity, 'applies only to the "scan-finding" event, which notifications.events does not list');
      }
    }
    if (seen.has(NotificationEvent.SCAN_FINDING)) {
      const repos = Array.isArray(spec.repositories) ? spec.repositories : [];
      const scans = repos.some((r) => (r?.scanning?.mode ?? spec.scanning?.mode ?? ScanMode.ON_PUSH) !== ScanMode.OFF);
      if (!scans && repos.length > 0) {
        this.add('notifications.events', NotificationEvent.SCAN_FINDING, 'asks for scan findings, but scanning.mode is "off" for every repository: there would be none');
      }
    }
  }
}
