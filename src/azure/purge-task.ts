import { ContainerRegistryTask } from '@cdktf/provider-azurerm/lib/container-registry-task';
import { RoleAssignment } from '@cdktf/provider-azurerm/lib/role-assignment';
import { Construct } from 'constructs';
import { parse, stringify } from 'yaml';
import { AcrAbac, RoleAssignmentMode } from './abac-condition';
import { AzureWarnings } from './warnings';

/** Props of a `PurgeTask`. */
export interface PurgeTaskProps {
  /** The id of the registry the task runs in (and purges). */
  readonly registryId: string;

  /**
   * The `acr purge ...` command lines, run in order, one task step each, as
   * `AcrPurgeTranslation` produces them (`acr purge --filter ...`, without the
   * image). Each is run as `<acrCliImage> purge --registry {{.Run.Registry}} ...`.
   */
  readonly commands: string[];

  /**
   * The cron schedule of the timer trigger (five fields, UTC).
   *
   * @default PurgeTask.DEFAULT_SCHEDULE (every day at 01:00 UTC)
   */
  readonly schedule?: string;

  /**
   * The task timeout in seconds (ACR allows 300-28,800); each step gets the same timeout.
   *
   * @default 3600
   */
  readonly timeoutSeconds?: number;

  /**
   * The acr-cli image, pinned to a version tag or a digest (never `latest`).
   *
   * @default PurgeTask.DEFAULT_ACR_CLI_IMAGE
   */
  readonly acrCliImage?: string;

  /**
   * The task's name in the registry.
   *
   * @default 'retention-purge'
   */
  readonly taskName?: string;

  /**
   * Give the task a system-assigned identity with `AcrPull` and `AcrDelete` on
   * the registry.
   *
   * @default true
   */
  readonly identity?: boolean;

  /**
   * The registry's role assignment permissions mode. With ABAC repository
   * permissions the task's identity gets `Container Registry Repository Catalog
   * Lister` (to list the repositories) and `Container Registry Repository
   * Contributor` conditioned on exactly `repositories` (to read and delete), the
   * roles the ACR purge docs require ("Purge in ABAC-enabled registries").
   *
   * @default RoleAssignmentMode.LEGACY_REGISTRY_PERMISSIONS
   */
  readonly roleAssignmentMode?: RoleAssignmentMode;

  /**
   * The repositories the task purges (their paths in the registry), which the
   * ABAC condition names.
   *
   * @default - none: with ABAC the task may delete nothing
   */
  readonly repositories?: string[];

  /**
   * Tags of the task resource.
   *
   * @default - none
   */
  readonly tags?: { [key: string]: string };
}

/** The content of a purge task's `encoded_step`, decoded. */
export interface PurgeTaskContent {
  /** The image every step runs (`mcr.microsoft.com/acr/acr-cli:0.19`); empty when steps disagree. */
  readonly image: string;
  /** Each step's command after the image (`purge --registry {{.Run.Registry}} --filter ...`). */
  readonly commands: string[];
  /** Each step's timeout in seconds. */
  readonly stepTimeouts: number[];
}

/**
 * A scheduled ACR task that runs `acr purge` (acr-cli) in its registry: an
 * `azurerm_container_registry_task` with a `timer_trigger` and an `encoded_step`
 * (base64 of a task YAML with one `cmd` step per purge command). azurerm 4.x has
 * no `cmd` argument on tasks, so the step is the only way to run a command.
 *
 * Identity: the run authenticates to its own registry with the token ACR Tasks
 * issues for the run; the task also gets a system-assigned identity holding
 * exactly what acr-cli needs to purge (`AcrPull` to list and read tags and
 * manifests, `AcrDelete` to untag and delete), so that the permissions the
 * purge relies on are explicit and auditable.
 */
export class PurgeTask extends Construct {
  /**
   * The pinned acr-cli image: 0.19, the version the ACR documentation names since
   * May 2026 ("The acr purge command (preview) is currently distributed in a
   * public container image (mcr.microsoft.com/acr/acr-cli:0.19)"). It postdates
   * acr-cli PR #489 (February 2026: `--untagged` honours `--ago`, `--untagged-only`
   * added), the semantics `AcrPurgeEvaluator` models; earlier releases applied no
   * date filter to untagged manifests (acr-cli issue #486, August 2025), which would
   * delete more than the retention translation intends.
   */
  public static readonly DEFAULT_ACR_CLI_IMAGE = 'mcr.microsoft.com/acr/acr-cli:0.19';

  /** The oldest acr-cli version tag accepted (see `DEFAULT_ACR_CLI_IMAGE`). */
  public static readonly MIN_ACR_CLI_VERSION = '0.19';

  /** Every day at 01:00 UTC. */
  public static readonly DEFAULT_SCHEDULE = '0 1 * * *';

  /** The default task timeout (one hour). */
  public static readonly DEFAULT_TIMEOUT_SECONDS = 3600;

  /** The smallest task timeout ACR accepts. */
  public static readonly MIN_TIMEOUT_SECONDS = 300;

  /** The largest task timeout ACR accepts (8 hours). */
  public static readonly MAX_TIMEOUT_SECONDS = 28_800;

  /**
   * Why an acr-cli image is not acceptable (not mcr.microsoft.com/acr/acr-cli, not
   * pinned to a version tag or digest, older than 0.19), or undefined when it is.
   */
  public static imageProblem(image: string): string | undefined {
    const m = /^mcr\.microsoft\.com\/acr\/acr-cli(?::(\d+)\.(\d+)(?:\.\d+)?|@sha256:[0-9a-f]{64})$/.exec(image);
    if (!m) return 'is not mcr.microsoft.com/acr/acr-cli pinned to a version tag (0.19) or a digest';
    if (m[1] !== undefined && (Number(m[1]) === 0 && Number(m[2]) < 19)) {
      return `is older than acr-cli ${PurgeTask.MIN_ACR_CLI_VERSION}, whose \`--untagged\` honours \`--ago\` (earlier releases delete untagged manifests of any age)`;
    }
    return undefined;
  }

  /**
   * The task YAML for the commands: `version: v1.1.0` and one step per command,
   * `cmd: <image> purge --registry {{.Run.Registry}} <arguments>`.
   */
  public static taskYaml(commands: string[], image: string = PurgeTask.DEFAULT_ACR_CLI_IMAGE,
    timeoutSeconds: number = PurgeTask.DEFAULT_TIMEOUT_SECONDS): string {
    const steps = commands.map((c) => ({
      cmd: `${image} ${PurgeTask.purgeArguments(c)}`,
      disableWorkingDirectoryOverride: true,
      timeout: timeoutSeconds,
    }));
    return stringify({ version: 'v1.1.0', steps }, { defaultStringType: 'QUOTE_DOUBLE', defaultKeyType: 'PLAIN', lineWidth: 0 });
  }

  /** The base64 task content (`encoded_step.task_content`) for the commands. */
  public static encodedTaskContent(commands: string[], image: string = PurgeTask.DEFAULT_ACR_CLI_IMAGE,
    timeoutSeconds: number = PurgeTask.DEFAULT_TIMEOUT_SECONDS): string {
    return Buffer.from(PurgeTask.taskYaml(commands, image, timeoutSeconds), 'utf8').toString('base64');
  }

  /** Decodes a purge task's base64 `task_content`; throws when it is not a task YAML with `cmd` steps. */
  public static decode(taskContent: string): PurgeTaskContent {
    const text = Buffer.from(taskContent, 'base64').toString('utf8');
    const doc = parse(text) as any;
    if (!doc || !Array.isArray(doc.steps)) throw new Error(`task content is not a task YAML with steps: ${JSON.stringify(text.slice(0, 80))}`);
    const images = new Set<string>();
    const commands: string[] = [];
    const stepTimeouts: number[] = [];
    doc.steps.forEach((step: any, i: number) => {
      if (typeof step?.cmd !== 'string') throw new Error(`steps[${i}] has no cmd`);
      const space = step.cmd.indexOf(' ');
      images.add(space < 0 ? step.cmd : step.cmd.slice(0, space));
      commands.push(space < 0 ? '' : step.cmd.slice(space + 1));
      stepTimeouts.push(step.timeout);
    });
    return { image: images.size === 1 ? [...images][0] : '', commands, stepTimeouts };
  }

  /**
   * The arguments after the image: `purge --registry {{.Run.Registry}} ...`
   * from an `acr purge ...` command line (the registry flag is added when absent).
   */
  public static purgeArguments(command: string): string {
    const rest = command.trim().replace(/^acr\s+/, '').replace(/^purge\b\s*/, '');
    const withRegistry = /(^|\s)--registry(\s|=)/.test(rest) ? rest : `--registry {{.Run.Registry}}${rest ? ` ${rest}` : ''}`;
    return `purge ${withRegistry}`;
  }

  /** The task resource. */
  public readonly task: ContainerRegistryTask;

  /** The role assignments of the task's identity (`AcrPull`, `AcrDelete`), empty without identity. */
  public readonly roleAssignments: RoleAssignment[] = [];

  constructor(scope: Construct, id: string, props: PurgeTaskProps) {
    super(scope, id);
    const timeout = props.timeoutSeconds ?? PurgeTask.DEFAULT_TIMEOUT_SECONDS;
    const image = props.acrCliImage ?? PurgeTask.DEFAULT_ACR_CLI_IMAGE;
    const withIdentity = props.identity ?? true;
    this.task = new ContainerRegistryTask(this, 'Resource', {
      name: props.taskName ?? 'retention-purge',
      containerRegistryId: props.registryId,
      platform: { os: 'Linux' },
      encodedStep: { taskContent: PurgeTask.encodedTaskContent(props.commands, image, timeout) },
      timerTrigger: [{ name: 'retention-schedule', schedule: props.schedule ?? PurgeTask.DEFAULT_SCHEDULE, enabled: true }],
      timeoutInSeconds: timeout,
      identity: withIdentity ? { type: 'SystemAssigned' } : undefined,
      tags: props.tags,
    });
    if (withIdentity && props.roleAssignmentMode === RoleAssignmentMode.ABAC_REPOSITORY_PERMISSIONS) {
      // ACR purge docs, "Purge in ABAC-enabled registries": "List repositories | Container Registry
      // Repository Catalog Lister | Registry" and "Read, delete, and manage tags and manifests |
      // Container Registry Repository Contributor | Per-repository". The construct ids stay those
      // of the legacy roles they replace (AcrPull lists and reads, AcrDelete deletes).
      const repositories = props.repositories ?? [];
      const contributor = AcrAbac.and([
        AcrAbac.block(AcrAbac.READ_ACTIONS, repositories),
        AcrAbac.block(AcrAbac.DELETE_ACTIONS, repositories),
        // Contributor also writes; acr purge never pushes: write is allowed on no repository.
        AcrAbac.block(AcrAbac.WRITE_ACTIONS, []),
      ]);
      const roles: Array<[string, string, string | undefined, string]> = [
        ['AcrPull', AcrAbac.CATALOG_LISTER, undefined, 'to list the repositories (the catalog lister role takes no conditions)'],
        ['AcrDelete', AcrAbac.CONTRIBUTOR, contributor, `to read, untag and delete manifests in exactly ${repositories.length} repositor${repositories.length === 1 ? 'y' : 'ies'}`],
      ];
      for (const [roleId, role, condition, why] of roles) {
        this.roleAssignments.push(new RoleAssignment(this, roleId, {
          scope: props.registryId,
          roleDefinitionName: role,
          principalId: this.task.identity.principalId,
          principalType: 'ServicePrincipal',
          condition,
          conditionVersion: condition ? AcrAbac.CONDITION_VERSION : undefined,
          description: `acr purge (retention) needs ${why}`,
        }));
      }
      // ACR docs (ABAC repository permissions, appendix): on an ABAC registry "new and existing ACR Tasks
      // no longer have default data plane access to the source registry ... You must explicitly attach and
      // set an identity" (`az acr task create/update --source-acr-auth-id [system]`, the task's
      // credentials.sourceRegistry.identity). azurerm's task resource (API 2019-06-01-preview:
      // SourceRegistryCredentials has only loginMode) cannot set it.
      AzureWarnings._emit(this, 'purge-task-source-identity', `purge task "${props.taskName ?? 'retention-purge'}": on a registry with ABAC repository permissions an ACR task reaches its registry only with ` +
        'the identity set as its source registry identity, which azurerm cannot set (its task resource has no credentials.sourceRegistry.identity). ' +
        `After the first apply, run once: az acr task update --registry <registry> --name ${props.taskName ?? 'retention-purge'} --source-acr-auth-id "[system]". ` +
        'Until then the purge fails and deletes nothing (it never deletes more). The identity\'s roles are assigned here');
    } else if (withIdentity) {
      for (const role of ['AcrPull', 'AcrDelete']) {
        this.roleAssignments.push(new RoleAssignment(this, role, {
          scope: props.registryId,
          roleDefinitionName: role,
          principalId: this.task.identity.principalId,
          principalType: 'ServicePrincipal',
          description: `acr purge (retention) needs ${role === 'AcrPull' ? 'to read tags and manifests' : 'to untag and delete manifests'}`,
        }));
      }
    }
  }
}
