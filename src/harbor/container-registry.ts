import { createHash } from 'crypto';
import { TerraformOutput, TerraformProvider, TerraformStack, TerraformVariable, Token } from 'cdktf';
import { Construct } from 'constructs';
import { HarborAccessMatrix } from './access-matrix';
import { HarborValidator } from './harbor-validator';
import { ProjectRobots } from './project-robots';
import { addGrantOptionProblems } from '../spec/grant-options';
import { HarborProvider } from './provider/harbor-provider';
import { ImmutableTagRule } from './provider/immutable-tag-rule';
import { Project } from './provider/project';
import { ProjectWebhook } from './provider/project-webhook';
import { Registry } from './provider/registry';
import { Replication } from './provider/replication';
import { RetentionPolicy } from './provider/retention-policy';
import { RobotAccount } from './provider/robot-account';
import { HarborTerraformChecks } from './terraform-checks';
import { HarborWarnings } from './warnings';
import { escapeDoublestar } from '../retention/harbor-doublestar';
import { HarborRetentionResult } from '../retention/harbor-translation';
import { TranslationFidelity } from '../retention/translation-report';
import { AccessModel } from '../spec/access-model';
import { GrantOptions } from '../spec/contract';
import { EffectiveSpec } from '../spec/effective';
import { Glob } from '../spec/glob';
import { cronProblem, redactUrl, unknownProps } from '../spec/grammars';
import { Naming } from '../spec/naming';
import { Problems } from '../spec/problems';
import { Cloud, EncryptionType, EnvironmentLayout, NotificationEvent, RegistrySpec, ScanMode, Severity, UpstreamCacheSpec, UpstreamRegistry } from '../spec/registry-spec';
import { SpecMemo } from '../spec/spec-memo';
import { SpecProblem } from '../spec/validate';
import { shareSynthesizedConfig, terraformConfigOf } from '../terraform/synth-pass';

/**
 * The kind of a Harbor registry endpoint: the goharbor/harbor provider's
 * `provider_name` (client/registry.go:44-58 maps it to Harbor's adapter type).
 */
export enum HarborEndpointType {
  /** Another Harbor (`harbor`). */
  HARBOR = 'harbor',
  /** Docker Hub (`docker-hub`). */
  DOCKER_HUB = 'docker-hub',
  /** Any registry speaking the distribution API (`docker-registry`). */
  DOCKER_REGISTRY = 'docker-registry',
  /** Amazon ECR (`aws`, Harbor's `aws-ecr`). */
  AWS_ECR = 'aws',
  /** Azure Container Registry (`azure`, Harbor's `azure-acr`). */
  AZURE_ACR = 'azure',
  /** Google Artifact Registry / GCR (`google`, Harbor's `google-gcr`). */
  GOOGLE = 'google',
  /** GitHub Container Registry (`github`, Harbor's `github-ghcr`). */
  GITHUB = 'github',
  /** Quay (`quay`). */
  QUAY = 'quay',
  /** JFrog Artifactory (`jfrog`). */
  JFROG = 'jfrog',
}

/** A registry that receives push-based replication of the spec's projects (a replica of the spec on Harbor). */
export interface HarborReplicaEndpoint {
  /** The registry URL (`https://harbor-dr.example.com`). */
  readonly url: string;

  /**
   * The kind of registry.
   *
   * @default HarborEndpointType.HARBOR
   */
  readonly type?: HarborEndpointType;

  /**
   * The user name (or access key id) Harbor logs in with; its password comes from
   * the sensitive Terraform variable `harbor_replica_<name>_secret`.
   *
   * @default - anonymous (most registries refuse anonymous pushes)
   */
  readonly accessId?: string;

  /**
   * The destination namespace (project or repository prefix) at the endpoint.
   *
   * @default - the source project's name
   */
  readonly destinationNamespace?: string;
}

/** Props of the Harbor `ContainerRegistry`: the neutral spec plus Harbor's knobs. */
export interface ContainerRegistryProps {
  /** The neutral registry spec. */
  readonly spec: RegistrySpec;

  /**
   * The Harbor provider to use (an existing `HarborProvider`, for example shared by
   * two registries of one stack).
   *
   * @default - a provider configured from `url`, `username` and `password`
   */
  readonly provider?: TerraformProvider;

  /**
   * The Harbor URL (`https://harbor.example.com`), for the provider the construct creates.
   *
   * @default - the Terraform variable `harbor_url`
   */
  readonly url?: string;

  /**
   * The Harbor user the provider logs in as.
   *
   * @default - the Terraform variable `harbor_username`
   */
  readonly username?: string;

  /**
   * The Harbor password (sensitive: pass a variable or a secret reference).
   *
   * @default - the sensitive Terraform variable `harbor_password`
   */
  readonly password?: string;

  /**
   * Storage quota of each project, in GiB; -1 for unlimited.
   *
   * @default -1
   */
  readonly projectQuotaGib?: number;

  /**
   * Deployment security: Harbor refuses to serve images with vulnerabilities of
   * the spec's `scanning.severityThreshold` or higher. Only with a threshold.
   *
   * @default true
   */
  readonly preventVulnerableImages?: boolean;

  /**
   * Content trust: only images signed with cosign may be pulled.
   *
   * @default false
   */
  readonly enforceCosignSignatures?: boolean;

  /**
   * When the retention policies run: `Hourly`, `Daily`, `Weekly` or a six-field cron.
   *
   * @default "Daily"
   */
  readonly retentionSchedule?: string;

  /**
   * Endpoints of the spec's replicas on Harbor, by replica `region` (the endpoint's name).
   *
   * @default - none: replicas for Harbor are an error, replicas for every cloud a warning
   */
  readonly replicaEndpoints?: { [name: string]: HarborReplicaEndpoint };

  /**
   * When replication runs: `event_based` (on push) or a six-field cron.
   *
   * @default "event_based"
   */
  readonly replicationSchedule?: string;

  /**
   * Days until the robots' secrets expire (Harbor then refuses them; refresh the
   * secret and re-apply); -1 for never. Harbor takes -1 or 1 to 2,147,483,646
   * (src/server/v2.0/handler/robot.go, isValidDuration).
   *
   * @default -1 (never)
   */
  readonly robotDurationDays?: number;

  /**
   * Terraform `lifecycle.prevent_destroy` on the projects.
   *
   * @default true
   */
  readonly preventDestroy?: boolean;

  /**
   * Create the stack outputs (`HARBOR_PROJECT[_<ENV>]`, and per robot
   * `HARBOR_ROBOT_NAME_<IDENTITY>_<PROJECT>` and the sensitive
   * `HARBOR_ROBOT_SECRET_<IDENTITY>_<PROJECT>`). Turn off when two registry
   * constructs share a stack.
   *
   * @default true
   */
  readonly outputs?: boolean;

  /**
   * Where the spec's `notifications` go: one project webhook (`harbor_project_webhook`,
   * notify type `http`) per project of the layout, sending the Harbor events of the
   * spec's events (`ContainerRegistry.webhookEventTypes`) to this http(s) address. An
   * address with a secret in it should come from a sensitive Terraform variable.
   *
   * @default - no webhooks (a warning says so when the spec has notifications)
   */
  readonly webhookAddress?: string;

  /**
   * The `Authorization` header Harbor sends with each notification. Sensitive: pass a
   * sensitive Terraform variable's value.
   *
   * @default - no header
   */
  readonly webhookAuthHeader?: string;
}

/** The host of an upstream and the endpoint type Harbor caches it with. */
const UPSTREAMS: { [u: string]: { url: string; type: HarborEndpointType } } = {
  [UpstreamRegistry.DOCKER_HUB]: { url: 'https://hub.docker.com', type: HarborEndpointType.DOCKER_HUB },
  [UpstreamRegistry.GITHUB]: { url: 'https://ghcr.io', type: HarborEndpointType.GITHUB },
  [UpstreamRegistry.QUAY]: { url: 'https://quay.io', type: HarborEndpointType.QUAY },
  // Harbor has no ECR Public adapter; public.ecr.aws speaks the distribution API.
  [UpstreamRegistry.ECR_PUBLIC]: { url: 'https://public.ecr.aws', type: HarborEndpointType.DOCKER_REGISTRY },
};
/**
 * The proxy-cache types the default installer permits (goharbor/harbor
 * make/photon/prepare/templates/core/env.jinja: PERMITTED_REGISTRY_TYPES_FOR_PROXY_CACHE
 * = docker-hub, harbor, azure-acr, ali-acr, aws-ecr, google-gcr, docker-registry,
 * github-ghcr, jfrog-artifactory; the Helm chart adds quay).
 */
const INSTALLER_PROXY_TYPES = [HarborEndpointType.DOCKER_HUB, HarborEndpointType.HARBOR, HarborEndpointType.AZURE_ACR, HarborEndpointType.AWS_ECR,
  HarborEndpointType.GOOGLE, HarborEndpointType.DOCKER_REGISTRY, HarborEndpointType.GITHUB, HarborEndpointType.JFROG];
const HARBOR_NAME = /^[a-z0-9]+(?:[._-][a-z0-9]+)*$/;
const SEVERITY_ORDER = [Severity.LOW, Severity.MEDIUM, Severity.HIGH, Severity.CRITICAL];
/**
 * The largest project quota in GiB: the provider multiplies it by 1073741824 into an int64
 * (client/project.go:24-26, cited at `ProjectConfig.storageQuota`), and floor((2^63-1) / 2^30) is this.
 */
const MAX_QUOTA_GIB = 8589934591;

/**
 * Why a URL given as a prop is not an endpoint address, or undefined: http(s), a host, no user name or
 * password (they would be written into the synthesized Terraform JSON and state: the construct takes
 * credentials as sensitive variables), and, unless `query`, no query or fragment.
 */
function endpointUrlProblem(value: string, example: string, options: { query: boolean; credentials?: string }): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `is not an http(s) URL (${example})`;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return `is not an http(s) URL (${example})`;
  if (url.username || url.password) {
    return `has credentials in it, which would be written into the Terraform configuration and state; ${options.credentials ?? 'give them as the construct\'s credentials (sensitive variables)'}`;
  }
  if (!url.hostname || /\s/.test(value)) return `is not an http(s) URL (${example})`;
  if (!options.query && (url.search || url.hash || value.includes('?') || value.includes('#'))) return `has a query or fragment; give the address only (${example})`;
  return undefined;
}

/**
 * Harbor from the neutral spec (CDK for Terraform, goharbor/harbor provider): the
 * projects of the environment layout (`Naming.harborProjectName`: one per
 * environment with `registries`, one for all otherwise; repositories are paths
 * inside, created on push), private, with a storage quota, scan on push,
 * deployment security and CVE allowlist from the spec's scanning, optional cosign
 * enforcement; immutable tag rules from the tag policy decision; the retention
 * policy of each project from the proven translation (its rule blocks); one
 * project-level robot account per identity and project (least privilege from
 * `HarborAccessMatrix`), secrets as sensitive outputs; proxy-cache projects for
 * the upstream caches; push-based replication to the replicas' endpoints; the
 * project webhooks of `notifications` (`webhookAddress`); and `prevent_destroy`.
 */
export class ContainerRegistry extends Construct {
  /**
   * The props `ContainerRegistryProps` declares (checked against its source by a test), so that a prop of another
   * name given from JavaScript is a problem, not dropped in silence.
   *
   * @internal
   */
  public static readonly _PROPS: readonly string[] = ['spec', 'provider', 'url', 'username', 'password', 'projectQuotaGib', 'preventVulnerableImages', 'enforceCosignSignatures',
    'retentionSchedule', 'replicaEndpoints', 'replicationSchedule', 'robotDurationDays', 'preventDestroy', 'outputs', 'webhookAddress', 'webhookAuthHeader'];

  /**
   * The Harbor webhook event types of the neutral events (goharbor/harbor
   * src/pkg/notifier/event/topic.go, the topics `initSupportedEvents` accepts for
   * project webhooks): `push` is `PUSH_ARTIFACT`; `scan-finding` is `SCANNING_COMPLETED`
   * and `SCANNING_FAILED` (Harbor reports each scan's end, whatever it found: the
   * receiver applies the severity); `retention-deletion` is `TAG_RETENTION` (a retention
   * run, with the artifacts it deleted); `promotion` has none: the generated workflow
   * reports promotions itself (the `PROMOTION_WEBHOOK_URL` secret).
   */
  public static webhookEventTypes(events: NotificationEvent[]): string[] {
    const types: string[] = [];
    if (events.includes(NotificationEvent.PUSH)) types.push('PUSH_ARTIFACT');
    if (events.includes(NotificationEvent.SCAN_FINDING)) types.push('SCANNING_COMPLETED', 'SCANNING_FAILED');
    if (events.includes(NotificationEvent.RETENTION_DELETION)) types.push('TAG_RETENTION');
    return types;
  }

  /** Props of the wrong shape, given from JavaScript (TypeScript callers cannot). */
  private static shapeProblems(props: ContainerRegistryProps): SpecProblem[] {
    const problems = new Problems();
    if (typeof props !== 'object' || props === null) return problems.add('props', props, 'is required: { spec, url?, ... }').list;
    const p = props as any;
    for (const u of unknownProps(p, ContainerRegistry._PROPS)) problems.add(`props.${u.key}`, '<given>', u.message);
    if (typeof p.spec !== 'object' || p.spec === null || Array.isArray(p.spec)) problems.add('props.spec', p.spec, 'is not a registry spec (an object)');
    for (const key of ['url', 'username', 'password', 'retentionSchedule', 'replicationSchedule', 'webhookAddress', 'webhookAuthHeader']) {
      if (p[key] !== undefined && typeof p[key] !== 'string') problems.add(`props.${key}`, p[key], 'is not a string');
    }
    for (const key of ['preventVulnerableImages', 'enforceCosignSignatures', 'preventDestroy', 'outputs']) {
      if (p[key] !== undefined && typeof p[key] !== 'boolean') problems.add(`props.${key}`, p[key], 'is not a boolean');
    }
    for (const key of ['projectQuotaGib', 'robotDurationDays']) {
      if (p[key] !== undefined && typeof p[key] !== 'number') problems.add(`props.${key}`, p[key], 'is not a number');
    }
    if (p.replicaEndpoints !== undefined && (typeof p.replicaEndpoints !== 'object' || p.replicaEndpoints === null || Array.isArray(p.replicaEndpoints))) {
      problems.add('props.replicaEndpoints', p.replicaEndpoints, 'is not a map of { url, type?, accessId?, destinationNamespace? }');
    } else {
      for (const [name, e] of Object.entries(p.replicaEndpoints ?? {}) as Array<[string, any]>) {
        if (typeof e !== 'object' || e === null || Array.isArray(e)) {
          problems.add(`props.replicaEndpoints.${name}`, e, 'is not an endpoint ({ url, type?, accessId?, destinationNamespace? })');
          continue;
        }
        for (const key of ['url', 'type', 'accessId', 'destinationNamespace']) {
          if (e[key] !== undefined && typeof e[key] !== 'string') problems.add(`props.replicaEndpoints.${name}.${key}`, e[key], 'is not a string');
        }
      }
    }
    // A provider is a construct of the stack (before: cdktf's "resources without a matching provider" at synth).
    if (p.provider !== undefined && !TerraformProvider.isTerraformProvider(p.provider)) {
      problems.add('props.provider', typeof p.provider === 'object' && p.provider !== null ? `object with keys ${Object.keys(p.provider).slice(0, 5).join(', ') || 'none'}` : p.provider,
        'is not a Terraform provider (a HarborProvider of the stack)');
    }
    return problems.list;
  }

  /** The projects created, by project name. */
  public readonly projects: { [project: string]: Project } = {};

  /** The project webhooks of `notifications`, by project name. */
  public readonly webhooks: { [project: string]: ProjectWebhook } = {};

  /** The project names, by physical environment (`''` without environments or with the `tags` layout). */
  public readonly projectNames: { [environment: string]: string } = {};

  /** The retention policies, by project name. */
  public readonly retentionPolicies: { [project: string]: RetentionPolicy } = {};

  /** The immutable tag rules, by project name. */
  public readonly immutableTagRules: { [project: string]: ImmutableTagRule[] } = {};

  /** The proxy-cache projects, by cache name. */
  public readonly cacheProjects: { [cache: string]: Project } = {};

  /** The provider the resources use. */
  public readonly provider: TerraformProvider;

  private readonly spec: RegistrySpec;
  private readonly outputs: boolean;
  /** Robots: one per name and project, whatever grants it. */
  private readonly robots: ProjectRobots;

  constructor(scope: Construct, id: string, props: ContainerRegistryProps) {
    super(scope, id);
    const memo = SpecMemo._open();
    try {
      const heading = `harbor.ContainerRegistry ${this.node.path}`;
      const problems = new Problems().addAll(ContainerRegistry.shapeProblems(props));
      problems.throwIfAny(heading);
      const spec = props.spec;
      this.spec = spec;
      this.outputs = props.outputs ?? true;

      // The spec's problems (HarborValidator: the same as `validate --cloud harbor`), then the props', in one error.
      const validated = HarborValidator._validate(spec);
      problems.addAll(validated.problems);
      this.checkProps(props, problems);
      problems.throwIfAny(heading);

      this.provider = props.provider ?? this.newProvider(props);
      this.robots = new ProjectRobots(this, this.provider, this.outputs, props.robotDurationDays ?? -1);
      const projects = HarborValidator._projects(spec);
      for (const [name, envs] of projects) for (const env of envs) this.projectNames[env] = name;

      for (const [name, envs] of projects) {
        const constructId = projects.size === 1 ? 'Resource' : `Resource-${envs[0]}`;
        this.projects[name] = new Project(this, constructId, {
          provider: this.provider,
          name,
          isPublic: false,
          storageQuota: props.projectQuotaGib ?? -1,
          forceDestroy: false,
          lifecycle: props.preventDestroy ?? true ? { preventDestroy: true } : undefined,
          ...this.projectSecurity(props, name),
        });
        this.immutability(name, validated.immutable.get(name) ?? []);
        this.retention(props, name, validated.retention.get(name));
      }
      for (const [w, repos] of validated.tagWarnings) HarborWarnings._emit(this, 'tag-immutability', `tagPolicy (${repos.join(', ')}): ${w}`);

      this.caches(props);
      this.replication(props);
      this.projectWebhooks(props);

      // The spec's identities: one project-level robot per identity and project.
      for (const robot of HarborAccessMatrix._robotAccounts(spec)) {
        for (const p of robot.permissions) this.robot(robot.name, p.project, p.actions.map((a) => `${a.resource}:${a.action}`), `${robot.identity} (spec identity)`);
      }
      this.identityScopeWarnings();
      this.warnings(props);

      // The synthesized Terraform of this construct, checked against Harbor's constraints at synth (cdktf runs node validations).
      // One resolution of the stack per synthesis, shared by the checks of every registry in it and cdktf's own write.
      shareSynthesizedConfig(TerraformStack.of(this));
      this.node.addValidation({
        validate: () => HarborTerraformChecks.check(terraformConfigOf(TerraformStack.of(this)), { pathPrefix: this.node.path })
          .map((p) => HarborTerraformChecks.format(p)),
      });

      if (this.outputs) {
        for (const [name, envs] of projects) {
          const env = projects.size === 1 ? '' : `_${envs[0].toUpperCase()}`;
          new TerraformOutput(this, `project-${name}`, { value: name, description: `The Harbor project of ${envs[0] || 'the registry'}` }).overrideLogicalId(`HARBOR_PROJECT${env}`);
        }
      }
    } finally {
      SpecMemo._close(memo);
    }
  }

  /** The project of an environment (`''` or omitted: the only project). */
  public projectName(environment?: string): string {
    const name = this.projectNames[environment ?? ''] ?? (Object.keys(this.projectNames).length === 1 ? Object.values(this.projectNames)[0] : undefined);
    if (!name) {
      new Problems().add('environment', environment ?? '', `has no project (projects: ${Object.entries(this.projectNames).map(([e, n]) => `${e || '(none)'}: ${n}`).join(', ')})`)
        .throwIfAny(`harbor.ContainerRegistry ${this.node.path}`);
    }
    return name!;
  }

  /**
   * Lets a robot pull the spec's images: a project-level robot account named
   * `robotName` in each project that holds the images of `options` (Harbor robots
   * are scoped to projects, not repositories: a warning says when that is wider),
   * with `repository:pull`. Idempotent and order-independent: one robot per name
   * and project (construct id `Robot-<name>-<project>`), and a later grant adds
   * its accesses to it.
   *
   * @param robotName the robot's short name (Harbor names it `robot$<project>+<name>`)
   * @param options the images and environments; default every image in every environment
   */
  public grantPull(robotName: string, options?: GrantOptions): RobotAccount[] {
    return this.grant('grantPull', ['repository:pull'], robotName, options);
  }

  /** Lets a robot push (and pull, never delete): `repository:pull` and `repository:push` in the projects concerned. */
  public grantPush(robotName: string, options?: GrantOptions): RobotAccount[] {
    return this.grant('grantPush', ['repository:pull', 'repository:push'], robotName, options);
  }

  /** Lets a robot pull and push: the same accesses as `grantPush`. */
  public grantPullPush(robotName: string, options?: GrantOptions): RobotAccount[] {
    return this.grant('grantPullPush', ['repository:pull', 'repository:push'], robotName, options);
  }

  private grant(method: string, actions: string[], robotName: string, given?: GrantOptions): RobotAccount[] {
    const options = this.grantOptions(method, robotName, given);
    const spec = this.spec;
    const images = options.images === undefined ? spec.repositories.map((r) => r.name)
      : spec.repositories.map((r) => r.name).filter((n) => options.images!.some((g) => Glob.matches(g, n)));
    const tagsLayout = Naming.layout(spec) === EnvironmentLayout.TAGS || Naming.environmentNames(spec).length === 0;
    const envs = tagsLayout ? [''] : options.environments ?? Naming.environmentNames(spec);
    if (options.environments !== undefined && tagsLayout && Naming.environmentNames(spec).length > 0) {
      HarborWarnings._emit(this, 'tags-layout', `${method} for environments ${options.environments.join(', ')}: with the tags layout every environment is a tag ` +
        'in the same repositories, and Harbor robots cannot tell tags apart, so the grant covers every environment');
    }
    const projects = [...new Set(envs.map((e) => Naming.harborProjectName(spec, e || undefined)))].sort();
    const out: RobotAccount[] = [];
    for (const project of projects) {
      const held = Object.entries(this.projectNames).filter(([, p]) => p === project).map(([e]) => e);
      const all = held.flatMap((e) => spec.repositories.map((r) => Naming.harborRepositoryPath(spec, r.name, e || undefined)));
      const granted = held.filter((e) => envs.includes(e)).flatMap((e) => images.map((i) => Naming.harborRepositoryPath(spec, i, e || undefined)));
      const grantedSet = new Set(granted);
      const wider = all.filter((p) => !grantedSet.has(p));
      if (wider.length > 0) {
        HarborWarnings._emit(this, 'grant-project-wide', `${method} to robot "${robotName}" in project "${project}": Harbor robots are scoped to projects, ` +
          `so the grant of ${granted.join(', ')} also covers ${wider.join(', ')}`);
      }
      out.push(this.robot(robotName, project, actions, `grant (${method})`));
    }
    return out;
  }

  /** The grant options, checked: every environment of the chain, every image or glob matching an image of the spec. */
  private grantOptions(method: string, robotName: unknown, given?: GrantOptions): GrantOptions {
    const options: GrantOptions = given ?? {};
    const problems = new Problems();
    if (typeof robotName !== 'string' || !HARBOR_NAME.test(robotName)) {
      problems.add('robotName', robotName, 'is not a Harbor robot name (lower-case letters and digits joined by single . _ -)');
    }
    addGrantOptionProblems(problems, this.spec, options);
    problems.throwIfAny(`harbor.ContainerRegistry ${this.node.path} ${method}`);
    return options;
  }

  /** The robot `name` in `project`, created on first use; `actions` (`resource:action`) are added to it. */
  private robot(name: string, project: string, actions: string[], why: string): RobotAccount {
    const cache = (this.spec.upstreamCaches ?? []).find((c) => Naming.harborCacheProjectName(this.spec, c.name) === project);
    return this.robots.robot(name, project, actions, why, this.projects[project] ?? (cache && this.cacheProjects[cache.name]));
  }

  /** Scan on push, deployment security and the CVE allowlist of a project, from its repositories' scanning. */
  private projectSecurity(props: ContainerRegistryProps, project: string) {
    const spec = this.spec;
    const repos = spec.repositories;
    const scans = repos.map((r) => EffectiveSpec.scanning(spec, r));
    const scanOn = scans.some((s) => (s.mode ?? ScanMode.ON_PUSH) !== ScanMode.OFF);
    // Deployment security blocks pulls: only when every repository of the project has a threshold, at the least strict of them.
    const thresholds = scans.map((s) => s.severityThreshold);
    let deploymentSecurity: string | undefined;
    if ((props.preventVulnerableImages ?? true) && scanOn && thresholds.every((t) => t !== undefined)) {
      deploymentSecurity = SEVERITY_ORDER.filter((s) => thresholds.includes(s)).pop();
    }
    // The allowlist: the vulnerabilities every repository accepts (registry list + its own).
    const lists = repos.map((r) => new Set([...(spec.scanning?.allowedVulnerabilities ?? []), ...(r.scanning?.allowedVulnerabilities ?? [])]));
    const common = [...lists[0]].filter((v) => lists.every((l) => l.has(v))).sort();
    const dropped = [...new Set(lists.flatMap((l) => [...l]))].filter((v) => !common.includes(v)).sort();
    if (dropped.length) {
      HarborWarnings._emit(this, 'cve-allowlist', `project "${project}": ${dropped.join(', ')} are accepted by some repositories only; Harbor's CVE allowlist is per project, ` +
        'so they are not allowlisted (deployment security may refuse images the spec accepts there)');
    }
    return {
      vulnerabilityScanning: scanOn,
      deploymentSecurity,
      cveAllowlist: common.length ? common : undefined,
      enableContentTrustCosign: props.enforceCosignSignatures ?? false,
    };
  }

  /** The project's immutable tag rules (the validator's plan). */
  private immutability(project: string, rules: Array<{ repoMatching: string; tagExcluding?: string; tagMatching?: string }>): void {
    this.immutableTagRules[project] = rules.map((r) => new ImmutableTagRule(this, `Immutable-${project}-${hash(`${r.repoMatching}|${r.tagExcluding ?? ''}|${r.tagMatching ?? ''}`)}`, {
      provider: this.provider,
      projectId: this.projects[project].id,
      repoMatching: r.repoMatching,
      tagExcluding: r.tagExcluding,
      tagMatching: r.tagMatching,
    }));
  }

  /** The project's retention policy: the translation's rule blocks (what the proof evaluates), with a schedule unless a dry run is asked. */
  private retention(props: ContainerRegistryProps, project: string, translated: HarborRetentionResult | undefined): void {
    if (!translated) return;
    for (const w of translated.report.warnings) HarborWarnings._emit(this, 'retention-translation', `retention of project "${project}": ${w}`);
    for (const r of translated.report.rules) {
      if (r.fidelity === TranslationFidelity.CONSERVATIVE) HarborWarnings._emit(this, 'retention-translation', `retention of project "${project}" (conservative): ${r.reason}`);
    }
    if (translated.ruleBlocks.length === 0) return;
    if (translated.dryRun) {
      HarborWarnings._emit(this, 'retention-dry-run', `retention of project "${project}": dryRun is set and Harbor has no dry-run setting on a policy (dry runs are per execution), ` +
        'so the policy gets no schedule; run it with "dry run" from the project\'s Policy tab (or POST /retentions/<id>/executions {"dry_run": true})');
    }
    if ((this.immutableTagRules[project] ?? []).length > 0) {
      // goharbor/harbor src/pkg/retention/policy/action/performer.go:57-95: candidates sharing a digest with an immutable tag are not deleted.
      HarborWarnings._emit(this, 'immutability-blocks-retention', `retention of project "${project}": artifacts with a tag an immutable tag rule covers are never deleted by retention ` +
        '(Harbor skips them), so retention keeps more than the spec where release tags would expire');
    }
    this.retentionPolicies[project] = new RetentionPolicy(this, `Retention-${project}`, {
      provider: this.provider,
      scope: this.projects[project].id,
      schedule: translated.dryRun ? undefined : props.retentionSchedule ?? 'Daily',
      rule: translated.ruleBlocks.map((b) => ({ ...b })),
    });
  }

  /** A registry endpoint and a proxy-cache project per upstream cache. */
  private caches(props: ContainerRegistryProps): void {
    for (const cache of this.spec.upstreamCaches ?? []) {
      const upstream = cache.upstream === UpstreamRegistry.CUSTOM
        ? { url: cache.url!, type: HarborEndpointType.DOCKER_REGISTRY } : UPSTREAMS[cache.upstream];
      const project = Naming.harborCacheProjectName(this.spec, cache.name);
      const secret = cache.username ? this.variable(`harbor_cache_${snake(cache.name)}_secret`, `The password or token of upstream cache ${cache.name} (user ${cache.username})`) : undefined;
      this.cacheWarnings(cache, upstream.type);
      const endpoint = new Registry(this, `Cache-${cache.name}`, {
        provider: this.provider,
        providerName: upstream.type,
        name: project,
        endpointUrl: cache.url ?? upstream.url,
        accessId: cache.username,
        accessSecret: secret,
        description: `Upstream of the ${cache.name} proxy cache (${cache.upstream})`,
      });
      this.cacheProjects[cache.name] = new Project(this, `CacheProject-${cache.name}`, {
        provider: this.provider,
        name: project,
        registryId: endpoint.registryId,
        isPublic: false,
        storageQuota: props.projectQuotaGib ?? -1,
        vulnerabilityScanning: this.spec.repositories.some((r) => (EffectiveSpec.scanning(this.spec, r).mode ?? ScanMode.ON_PUSH) !== ScanMode.OFF),
        forceDestroy: false,
      });
    }
  }

  private cacheWarnings(cache: UpstreamCacheSpec, type: HarborEndpointType): void {
    if (!INSTALLER_PROXY_TYPES.includes(type)) {
      HarborWarnings._emit(this, 'cache-upstream', `upstream cache "${cache.name}": Harbor's default installer does not permit ${type} as a proxy-cache type ` +
        '(PERMITTED_REGISTRY_TYPES_FOR_PROXY_CACHE; the Helm chart does): add it there, or the project is refused at apply');
    }
    if (!cache.username && cache.upstream === UpstreamRegistry.DOCKER_HUB) {
      HarborWarnings._emit(this, 'cache-upstream', `upstream cache "${cache.name}" pulls from Docker Hub anonymously (no username), which Docker Hub rate-limits`);
    }
  }

  /** Replication: a registry endpoint per replica and a push-based replication policy per project. */
  private replication(props: ContainerRegistryProps): void {
    const replicas = (this.spec.replication?.replicas ?? []).filter((r) => r.cloud === undefined || r.cloud === Cloud.HARBOR);
    for (const replica of replicas) {
      const endpoint = props.replicaEndpoints?.[replica.region];
      if (!endpoint) {
        HarborWarnings._emit(this, 'replica-endpoint', `replica "${replica.region}" targets every cloud, and on Harbor a replica is a registry endpoint; ` +
          `replicaEndpoints has none named "${replica.region}", so nothing is replicated to it from Harbor`);
        continue;
      }
      const ignored = [replica.awsAccountId && 'awsAccountId', replica.zoneRedundant && 'zoneRedundant',
        replica.repositoryPrefixes?.length && 'repositoryPrefixes (AWS only: every repository of the projects is replicated)'].filter((x) => x);
      if (ignored.length) HarborWarnings._emit(this, 'replica-endpoint', `replica "${replica.region}": ignored on Harbor, where they mean nothing: ${ignored.join(', ')}`);
      const secret = endpoint.accessId ? this.variable(`harbor_replica_${snake(replica.region)}_secret`, `The password or token of replication endpoint ${replica.region}`) : undefined;
      const registry = new Registry(this, `Replica-${replica.region}`, {
        provider: this.provider,
        providerName: endpoint.type ?? HarborEndpointType.HARBOR,
        name: replica.region,
        endpointUrl: endpoint.url,
        accessId: endpoint.accessId,
        accessSecret: secret,
        description: `Replica ${replica.region} of registry ${this.spec.name}`,
      });
      for (const project of Object.keys(this.projects)) {
        new Replication(this, `Replication-${replica.region}-${project}`, {
          provider: this.provider,
          name: `${project}-to-${replica.region}`,
          action: 'push',
          registryId: registry.registryId,
          schedule: props.replicationSchedule ?? 'event_based',
          destNamespace: endpoint.destinationNamespace,
          deletion: false,
          overrideExisting: false,
          filters: [{ name: `${escapeDoublestar(project)}/**` }],
          description: `Push ${project} to ${replica.region}`,
          dependsOn: [this.projects[project]],
        });
      }
    }
  }

  /**
   * Where an identity's robot reaches more repositories than the access model gives it (a
   * project holds repositories the identity does not need, as with the `repositories`
   * layout, where one project holds every environment), a warning names them.
   */
  private identityScopeWarnings(): void {
    const spec = this.spec;
    const projectOf = new Map<string, string>();
    const project = (env: string) => {
      let p = projectOf.get(env);
      if (p === undefined) projectOf.set(env, p = Naming.harborProjectName(spec, env || undefined));
      return p;
    };
    // Per identity and project: the paths the spec gives it there, and its first `<identity>\n<environment>\n<image>`,
    // so that the warnings come in the order of the access matrix (sorted by identity, environment, image: the
    // names admit no character below the separator, so one string comparison orders them field by field).
    const needs = new Map<string, { identity: string; project: string; paths: Set<string>; first: string }>();
    for (const [k, caps] of AccessModel._repositoryCapabilities(spec)) {
      if (caps.size === 0) continue;
      const [identity, environment, image] = k.split('\n');
      const key = `${identity}|${project(environment)}`;
      let need = needs.get(key);
      if (!need) needs.set(key, need = { identity, project: project(environment), paths: new Set(), first: k });
      need.paths.add(Naming.harborRepositoryPath(spec, image, environment || undefined));
      if (k < need.first) need.first = k;
    }
    const allOf = new Map<string, string[]>();
    for (const { identity, project: p, paths } of [...needs.values()].sort((a, b) => (a.first < b.first ? -1 : a.first > b.first ? 1 : 0))) {
      let all = allOf.get(p);
      if (!all) {
        const held = Object.entries(this.projectNames).filter(([, name]) => name === p).map(([e]) => e);
        allOf.set(p, all = held.flatMap((e) => spec.repositories.map((r) => Naming.harborRepositoryPath(spec, r.name, e || undefined))));
      }
      const wider = all.filter((path) => !paths.has(path));
      if (wider.length === 0) continue;
      HarborWarnings._emit(this, 'grant-project-wide', `identity "${identity}" in project "${p}": Harbor robots are scoped to projects, so its robot also reaches ` +
        `${wider.join(', ')}, which the spec does not give it${Naming.layout(spec) === EnvironmentLayout.REPOSITORIES ? ' (the repositories layout keeps every environment ' +
        'in one project: use the registries layout to separate them)' : ''}`);
    }
  }

  private warnings(props: ContainerRegistryProps): void {
    const spec = this.spec;
    const access = spec.access ?? {};
    const ids = [...access.pushers ?? [], ...access.pullers ?? [], ...access.promoters ?? []];
    const writers = (access.pushers ?? []).length + (access.promoters ?? []).length;
    if (Naming.layout(spec) === EnvironmentLayout.TAGS && Naming.environmentNames(spec).length > 0 && writers > 0) {
      HarborWarnings._emit(this, 'tags-layout', 'environments.layout "tags": Harbor robots cannot tell tags apart, so every pusher and promoter may move any tag, ' +
        `including the environment tags (${Naming.environmentNames(spec).join(', ')}); use the registries layout to separate environments`);
    }
    if (ids.length > 0) {
      HarborWarnings._emit(this, 'robot-secrets', `robots of ${[...new Set(ids.map((i) => i.name))].join(', ')}: Harbor robots have no OIDC federation; ` +
        (props.outputs ?? true ? 'their secrets are the sensitive HARBOR_ROBOT_SECRET_* outputs: store them in the CI secret store (never in logs)' : 'read their secrets from the robot resources'));
    }
    const existing = ids.filter((i) => [i.awsPrincipalArns, i.awsAccountIds, i.gcpMembers, i.azurePrincipalIds].some((l) => (l ?? []).length > 0));
    if (existing.length) {
      HarborWarnings._emit(this, 'existing-principals', `identities ${existing.map((i) => i.name).join(', ')} name existing AWS, GCP or Azure principals, ` +
        'which mean nothing on Harbor; they get robot accounts');
    }
    if (spec.repositories.some((r) => EffectiveSpec.scanning(spec, r).mode === ScanMode.CONTINUOUS)) {
      HarborWarnings._emit(this, 'continuous-scanning', 'scanning.mode "continuous": Harbor scans on push per project; rescanning as new vulnerabilities are published ' +
        'is the system-wide "scan all" schedule (Interrogation Services), which this construct does not manage');
    }
    // Plain http: the provider logs in with the admin password, replication sends the endpoint's secret, the webhook its header.
    const plain = [['url', props.url], ['webhookAddress', props.webhookAddress],
      ...Object.entries(props.replicaEndpoints ?? {}).map(([name, e]) => [`replicaEndpoints.${name}.url`, e?.url])]
      .filter(([, v]) => typeof v === 'string' && !Token.isUnresolved(v) && /^http:\/\//i.test(v)).map(([k]) => k);
    if (plain.length) {
      HarborWarnings._emit(this, 'plain-http', `${plain.join(', ')}: http:// sends credentials, robot secrets and the webhook's Authorization header unencrypted; use https`);
    }
    // A literal secret lands in clear in cdktf.out (and wherever the synthesized configuration is kept); a token (a sensitive
    // variable, a secret manager reference) is written as a reference.
    const literal = (['password', 'webhookAuthHeader'] as const).filter((k) => typeof props[k] === 'string' && !Token.isUnresolved(props[k]));
    if (literal.length) {
      HarborWarnings._emit(this, 'literal-secret', `${literal.join(' and ')}: a literal string is written in clear into the synthesized Terraform configuration; `
        + 'pass a sensitive TerraformVariable\'s value (or leave password to the harbor_password variable)');
    }
    const labels = Object.keys(spec.labels ?? {});
    if (labels.length) {
      // The same ProjectMetadata (below): no labels or tags on a project; Harbor's labels are for artifacts, set by people or tools.
      HarborWarnings._emit(this, 'labels', `labels (${labels.slice(0, 5).join(', ')}${labels.length > 5 ? ', ...' : ''}): Harbor projects take no labels or tags `
        + '(project metadata has public, auto_scan, severity, prevent_vul, reuse_sys_cve_allowlist, enable_content_trust and retention_id only), so they are not applied');
    }
    if (spec.network?.privateAccess) {
      // Harbor's API has no network setting for a project: ProjectMetadata (Harbor's v2.0 swagger, as generated in
      // container-registry/harbor-api-client docs/ProjectMetadata.md) holds public, enable_content_trust, auto_scan, severity,
      // retention_id, reuse_sys_cve_allowlist and prevent_vul only. A Harbor is as private as the network it is exposed on.
      HarborWarnings._emit(this, 'private-network', 'network.privateAccess: Harbor has no private endpoint or per-project network rule; '
        + 'keep Harbor\'s ingress on the platform\'s internal network (internal load balancer, firewall rules) where it is deployed'
        + (props.url !== undefined ? ` (this construct reaches it at ${props.url})` : '')
        + (props.webhookAddress !== undefined ? ', and let Harbor\'s core reach the webhook address' : ''));
    }
    if (EffectiveSpec.encryptionType(spec) === EncryptionType.CUSTOMER_MANAGED) {
      HarborWarnings._emit(this, 'encryption', 'encryption.type "customer-managed": Harbor has no per-project encryption; encrypt the storage backend where Harbor is deployed');
    }
  }

  /** One project webhook per project for the spec's registry events, or a warning when no address is given. */
  private projectWebhooks(props: ContainerRegistryProps): void {
    const spec = this.spec;
    const types = ContainerRegistry.webhookEventTypes(spec.notifications?.events ?? []);
    if (types.length === 0) return;
    if (props.webhookAddress === undefined) {
      HarborWarnings._emit(this, 'notifications-address', `notifications: ${types.join(', ')} are not delivered: no webhookAddress was given, `
        + 'so no project webhook is created (give the address, or a sensitive Terraform variable\'s value, as webhookAddress)');
      return;
    }
    if (types.includes('SCANNING_COMPLETED')) {
      HarborWarnings._emit(this, 'scan-severity-unfiltered', 'notifications: Harbor sends SCANNING_COMPLETED for every finished scan, whatever it found; '
        + `the receiver keeps the scans with findings at or above ${spec.notifications?.minimumSeverity ?? Severity.HIGH}`);
    }
    for (const [project, resource] of Object.entries(this.projects)) {
      this.webhooks[project] = new ProjectWebhook(this, `Webhook-${project}`, {
        provider: this.provider,
        name: `${spec.name}-events`,
        projectId: resource.id,
        address: props.webhookAddress,
        eventsTypes: types,
        notifyType: 'http',
        description: `The ${spec.name} registry's events (${(spec.notifications?.events ?? []).join(', ')})`,
        enabled: true,
        authHeader: props.webhookAuthHeader,
        // The provider's default is true (resource_harbor_project_webhook.go:54-58): verify the address's certificate.
        skipCertVerify: false,
      });
    }
  }

  private checkProps(props: ContainerRegistryProps, problems: Problems): void {
    const hook = props.webhookAddress;
    if (hook !== undefined && !Token.isUnresolved(hook)) {
      const p = endpointUrlProblem(hook, 'https://hooks.example.com/harbor', { query: true, credentials: 'give the receiver\'s credentials as webhookAuthHeader (sensitive)' });
      if (p) problems.add('webhookAddress', redactUrl(hook), p);
    }
    if (hook !== undefined && !props.spec.notifications) {
      problems.add('webhookAddress', redactUrl(hook), 'needs a notifications section in the spec (which events to deliver)');
    }
    if (props.webhookAuthHeader !== undefined && hook === undefined) {
      problems.add('webhookAuthHeader', '<given>', 'needs webhookAddress (the header is sent with the webhook\'s requests, and there is no webhook without an address)');
    }
    const quota = props.projectQuotaGib;
    if (quota !== undefined && !Token.isUnresolved(quota) && !(quota === -1 || (Number.isInteger(quota) && quota > 0 && quota <= MAX_QUOTA_GIB))) {
      problems.add('projectQuotaGib', quota, `is not a positive whole number of GiB up to ${MAX_QUOTA_GIB}, or -1 for unlimited `
        + '(the provider multiplies by 1073741824 into a 64-bit integer: more overflows)');
    }
    const duration = props.robotDurationDays;
    const validDuration = (d: number) => d === -1 || (Number.isInteger(d) && d > 0 && d < 2147483647);
    if (duration !== undefined && !Token.isUnresolved(duration) && !validDuration(duration)) {
      problems.add('robotDurationDays', duration, 'is not -1 (never expires) or a whole number of days from 1 to 2147483646 (Harbor robot duration)');
    }
    if (props.url !== undefined && !Token.isUnresolved(props.url)) {
      const p = endpointUrlProblem(props.url, 'https://harbor.example.com', { query: false, credentials: 'give username and password (or leave them to the harbor_username and harbor_password variables)' });
      if (p) problems.add('url', redactUrl(props.url), p);
    }
    if (props.provider !== undefined && (props.url !== undefined || props.username !== undefined || props.password !== undefined)) {
      problems.add('provider', props.provider.node.path, 'is given with url/username/password; these configure the provider the construct creates: give one or the other');
    }
    for (const [key, value] of [['retentionSchedule', props.retentionSchedule], ['replicationSchedule', props.replicationSchedule]] as const) {
      if (value === undefined || Token.isUnresolved(value)) continue;
      const words = key === 'replicationSchedule' ? ['event_based', 'manual'] : ['Hourly', 'Daily', 'Weekly'];
      if (words.some((w) => w.toLowerCase() === value.toLowerCase())) continue;
      const cron = cronProblem(value, true);
      if (cron) problems.add(key, value, `is not ${words.join(', ')} or a cron expression: it ${cron}`);
    }
    const replicas = (this.spec.replication?.replicas ?? []);
    replicas.forEach((r, i) => {
      if (r.cloud === Cloud.HARBOR && !props.replicaEndpoints?.[r.region]) {
        problems.add(`replication.replicas[${i}].region`, r.region, `targets Harbor but replicaEndpoints has no endpoint "${r.region}" (its URL and credentials)`);
      }
    });
    for (const [name, e] of Object.entries(props.replicaEndpoints ?? {})) {
      if (!replicas.some((r) => r.region === name && (r.cloud === undefined || r.cloud === Cloud.HARBOR))) {
        problems.add('replicaEndpoints', name, `is not a replica of the spec for Harbor (replicas: ${replicas.map((r) => r.region).join(', ') || 'none'})`);
      }
      const urlProblem = typeof e?.url !== 'string' ? 'is required (the endpoint\'s http(s) URL)'
        : Token.isUnresolved(e.url) ? undefined : endpointUrlProblem(e.url, 'https://harbor-dr.example.com', { query: false, credentials: 'give accessId (the secret is a sensitive variable)' });
      if (urlProblem) problems.add(`replicaEndpoints.${name}.url`, typeof e?.url === 'string' ? redactUrl(e.url) : e?.url, urlProblem);
      if (typeof e?.destinationNamespace === 'string' && !Token.isUnresolved(e.destinationNamespace) && !HARBOR_NAME.test(e.destinationNamespace)) {
        problems.add(`replicaEndpoints.${name}.destinationNamespace`, e.destinationNamespace,
          'is not a namespace (lower-case letters and digits joined by single . _ -, the project at the destination)');
      }
      if (e?.type !== undefined && !Object.values(HarborEndpointType).includes(e.type)) {
        problems.add(`replicaEndpoints.${name}.type`, e.type, `is not an endpoint type (allowed: ${Object.values(HarborEndpointType).join(', ')})`);
      }
    }
  }

  private newProvider(props: ContainerRegistryProps): HarborProvider {
    return new HarborProvider(this, 'Provider', {
      url: props.url ?? this.variable('harbor_url', 'The Harbor URL (https://harbor.example.com)', false),
      username: props.username ?? this.variable('harbor_username', 'The Harbor user Terraform logs in as', false),
      password: props.password ?? this.variable('harbor_password', 'The password of the Harbor user Terraform logs in as'),
      insecure: false,
    });
  }

  /** A Terraform string variable (sensitive unless told), named exactly `name`. */
  private variable(name: string, description: string, sensitive = true): string {
    const v = new TerraformVariable(this, `var-${name}`, { type: 'string', description, sensitive, nullable: false });
    v.overrideLogicalId(name);
    return v.stringValue;
  }
}

function hash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 8);
}

function snake(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '_');
}
