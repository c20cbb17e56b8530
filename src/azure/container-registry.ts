import { ContainerRegistry as AzContainerRegistry } from '@cdktf/provider-azurerm/lib/container-registry';
import { ManagementLock } from '@cdktf/provider-azurerm/lib/management-lock';
import { RoleAssignment } from '@cdktf/provider-azurerm/lib/role-assignment';
import { SecurityCenterSubscriptionPricing } from '@cdktf/provider-azurerm/lib/security-center-subscription-pricing';
import { UserAssignedIdentity } from '@cdktf/provider-azurerm/lib/user-assigned-identity';
import { Fn, TerraformOutput, TerraformStack, Token } from 'cdktf';
import { makeUniqueId } from 'cdktf/lib/private/unique';
import { Construct } from 'constructs';
import { AcrAbac, RoleAssignmentMode } from './abac-condition';
import { AcrRegistry } from './acr-registry';
import { AcrSku, AcrValidator } from './azure-validator';
import { CacheRules } from './cache-rules';
import { KeyVaultScope } from './key-vault-scope';
import { AcrEventDelivery, AcrEventOptions, AcrPrivateEndpointOptions, AcrPrivateEndpoints, AcrRegistryEvents } from './private-access';
import { PurgeTask } from './purge-task';
import { AcrRoles, PromotionMethod, RegistryIdentities, RegistryTarget, ScopedAccessMode } from './registry-identities';
import { AZURE_TAGS_MAX, azureTagProblems } from './resource-tags';
import { AcrRetention } from './retention-plan';
import { AcrTerraformChecks } from './terraform-checks';
import { AzureWarnings } from './warnings';
import { GrantOptions } from '../spec/contract';
import { EffectiveSpec } from '../spec/effective';
import { Glob } from '../spec/glob';
import { ACR_REGISTRY_ID, AZURE_LOCATION, cronProblem, unknownProps } from '../spec/grammars';
import { addGrantOptionProblems } from '../spec/grant-options';
import { Naming } from '../spec/naming';
import { Problems } from '../spec/problems';
import { Cloud, EncryptionType, EnvironmentLayout, NotificationEvent, RegistrySpec, ScanMode } from '../spec/registry-spec';
import { SpecMemo } from '../spec/spec-memo';
import { SpecProblem } from '../spec/validate';
import { TagPolicyDecision } from '../tagging/tag-policy-decision';
import { shareSynthesizedConfig, terraformConfigOf } from '../terraform/synth-pass';

/** What the registry does with traffic no IP rule matches. */
export enum NetworkDefaultAction {
  /** Allow it (IP rules then only document addresses). */
  ALLOW = 'Allow',
  /** Deny it: only the listed IP ranges (and trusted Azure services) reach the registry. */
  DENY = 'Deny',
}

/** Network rules of a registry (Premium). */
export interface AcrNetworkRules {
  /**
   * What happens to traffic no IP rule allows.
   *
   * @default NetworkDefaultAction.DENY
   */
  readonly defaultAction?: NetworkDefaultAction;

  /**
   * IPv4 addresses or CIDR ranges allowed to reach the registry.
   *
   * @default - none
   */
  readonly allowedIpRanges?: string[];

  /**
   * Let trusted Azure services (ACR Tasks, such as the purge task) bypass the rules.
   *
   * @default true
   */
  readonly bypassAzureServices?: boolean;
}

/** Props of the Azure `ContainerRegistry`: the neutral spec plus Azure's knobs. */
export interface ContainerRegistryProps {
  /** The neutral registry spec. */
  readonly spec: RegistrySpec;

  /** The resource group of the registries and identities. */
  readonly resourceGroupName: string;

  /** The home location (`westeurope`). */
  readonly location: string;

  /**
   * The service tier. Features that need Premium are an error on Basic and Standard.
   *
   * @default AcrSku.PREMIUM
   */
  readonly sku?: AcrSku;

  /**
   * Appended to every registry name for global uniqueness (`<name>.azurecr.io`);
   * letters and digits.
   *
   * @default - none
   */
  readonly registryNameSuffix?: string;

  /**
   * Whether the registry is reachable from public networks. Disabling it needs
   * Premium (private link).
   *
   * @default true
   */
  readonly publicNetworkAccessEnabled?: boolean;

  /**
   * IP network rules (Premium).
   *
   * @default - no network rules
   */
  readonly networkRules?: AcrNetworkRules;

  /**
   * Make the home location zone-redundant (Premium). Replicas use the spec's `zoneRedundant`.
   *
   * @default false
   */
  readonly zoneRedundancyEnabled?: boolean;

  /**
   * Dedicated data endpoints (Premium).
   *
   * @default false
   */
  readonly dataEndpointEnabled?: boolean;

  /**
   * Whether artifacts may leave the registry by import or transfer. `false` needs
   * Premium and public network access disabled, and blocks `az acr import` out of
   * this registry (promotion from it).
   *
   * @default true
   */
  readonly exportPolicyEnabled?: boolean;

  /**
   * Existing registries to use instead of creating them, by ACR registry name
   * (`Naming.acrRegistryName`, with the suffix): their resource ids. Their own
   * settings (SKU, retention days, replicas, network) are left as they are.
   *
   * @default - every registry is created
   */
  readonly existingRegistryIds?: { [registryName: string]: string };

  /**
   * Terraform `lifecycle.prevent_destroy` on the registries.
   *
   * @default true
   */
  readonly preventDestroy?: boolean;

  /**
   * A `CanNotDelete` management lock on each registry created. Locks are inherited
   * by child resources: while it exists, Terraform cannot delete or replace the
   * registry's tasks, cache rules, credential sets, scope maps or tokens either.
   * Data-plane deletions (the purge task, retention) are not affected.
   *
   * @default false
   */
  readonly managementLock?: boolean;

  /**
   * The cron schedule (five fields, UTC) of the retention purge tasks.
   *
   * @default PurgeTask.DEFAULT_SCHEDULE (every day at 01:00 UTC)
   */
  readonly purgeSchedule?: string;

  /**
   * The purge task timeout in seconds (300-28,800).
   *
   * @default 3600
   */
  readonly purgeTaskTimeoutSeconds?: number;

  /**
   * The acr-cli image of the purge tasks, pinned to a version tag or digest.
   *
   * @default PurgeTask.DEFAULT_ACR_CLI_IMAGE
   */
  readonly acrCliImage?: string;

  /**
   * Turn on Defender for Containers (vulnerability assessment of ACR images) for
   * the whole subscription: `azurerm_security_center_subscription_pricing` with
   * resource type `Containers`, tier Standard. It is subscription-wide and billed
   * per resource; the construct warns.
   *
   * @default false
   */
  readonly enableDefenderForContainers?: boolean;

  /**
   * The registries' role assignment permissions mode. With
   * `ABAC_REPOSITORY_PERMISSIONS` (the default) every identity of the spec gets a
   * repository role (`Container Registry Repository Reader/Writer`) whose ABAC
   * condition names exactly its repositories: keyless in every layout, no tokens.
   * The created registries get `role_assignment_mode` through an override, which
   * needs azurerm 4.81.0 or later: the construct raises the stack's azurerm
   * version constraint to `ContainerRegistry.AZURERM_VERSION_FLOOR`. Registries
   * passed in (`existingRegistryIds`) must already be in the mode given here.
   *
   * `LEGACY_REGISTRY_PERMISSIONS` keeps registry-wide roles (`AcrPull`, `AcrPush`),
   * and grants narrower than a registry follow `scopedAccess`.
   *
   * @default RoleAssignmentMode.ABAC_REPOSITORY_PERMISSIONS
   */
  readonly roleAssignmentMode?: RoleAssignmentMode;

  /**
   * With legacy registry permissions: how grants narrower than a whole registry
   * are expressed. Ignored with ABAC repository permissions.
   *
   * @default ScopedAccessMode.TOKENS
   */
  readonly scopedAccess?: ScopedAccessMode;

  /**
   * How promoters copy images into the next environment: a data-plane copy
   * (`AcrPush` on the destination, what the generated workflow does) or
   * `az acr import` (a custom role with `registries/read` + `importImage/action`).
   *
   * @default PromotionMethod.COPY
   */
  readonly promotionMethod?: PromotionMethod;

  /**
   * The Key Vault (resource id, RBAC-authorized) holding the customer-managed key
   * and the upstream credential secrets: the encryption identity gets
   * `Key Vault Crypto Service Encryption User` and each credential set's identity
   * `Key Vault Secrets User` on it.
   *
   * @default - no Key Vault role assignments (a warning says what to grant)
   */
  readonly keyVaultId?: string;

  /**
   * Create the stack outputs (`AZURE_REGISTRY_LOGIN_SERVER[_<ENV>]`,
   * `AZURE_CLIENT_ID_<IDENTITY>`, `AZURE_TENANT_ID`, `AZURE_SUBSCRIPTION_ID`).
   * Turn off when two registry constructs share a stack.
   *
   * @default true
   */
  readonly outputs?: boolean;

  /**
   * Tags of every resource, in addition to the spec's `labels`.
   *
   * @default - the spec's labels
   */
  readonly tags?: { [key: string]: string };

  /**
   * The subnet and DNS zone of the spec's `network.privateAccess` (required with it,
   * Premium): one private endpoint per registry (`AcrPrivateEndpoints`).
   *
   * @default - no private endpoints
   */
  readonly privateEndpoint?: AcrPrivateEndpointOptions;

  /**
   * Where the spec's `notifications` go (`AcrRegistryEvents`): an Event Grid webhook or
   * storage queue, or ACR webhooks.
   *
   * @default - required when the spec asks for push or retention-deletion events
   */
  readonly events?: AcrEventOptions;
}

/** One registry of the construct (per environment with the `registries` layout). */
interface RegistryUnit extends RegistryTarget {
  readonly loginServer: string;
  readonly resource?: AzContainerRegistry;
  readonly existing: boolean;
}

const IP_RANGE = /^\d{1,3}(\.\d{1,3}){3}(\/\d{1,2})?$/;

/** A resource group name (1-90; letters and digits of any script, _ - . ( ), not ending with a period). */
const RESOURCE_GROUP = /^[-\w.()\p{L}\p{N}]{0,89}[-\w()\p{L}\p{N}]$/u;

/** A Key Vault resource id (vault names: 3-24, letters, digits and single hyphens, starting with a letter). */
const KEY_VAULT_ID = /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.KeyVault\/vaults\/[a-zA-Z](?!.*--)[a-zA-Z0-9-]{1,22}[a-zA-Z0-9]$/i;

/** A location as azurerm stores it: `West Europe` and `westeurope` are one location. */
function normalLocation(location: string): string {
  return typeof location === 'string' ? location.replace(/\s+/g, '').toLowerCase() : location;
}

/**
 * Azure Container Registry from the neutral spec (CDK for Terraform): the
 * registries of the environment layout (one per environment with `registries`,
 * one for all otherwise; repositories are paths inside, created on push), with
 * admin user and anonymous pull off, retention (untagged-manifest retention days
 * and a scheduled `acr purge` task from the retention translation), geo-replicas
 * in alphabetical order, CMK through a user-assigned identity, cache rules, the
 * spec's identities and grants, and `prevent_destroy`.
 */
export class ContainerRegistry extends Construct {
  /**
   * The azurerm version constraint the construct sets when it creates registries
   * with ABAC repository permissions: `role_assignment_mode` exists from azurerm
   * 4.81.0 (CHANGELOG-v4.md, 4.81.0: "`azurerm_container_registry` Add support for
   * ... `role_assignment_mode` ..."); the prebuilt binding (4.55) does not type it,
   * so the construct writes it as an override.
   */
  public static readonly AZURERM_VERSION_FLOOR = '>= 4.81.0, < 5.0.0';

  /**
   * The props `ContainerRegistryProps` declares (checked against its source by a test), so that a prop of another
   * name given from JavaScript is a problem, not dropped in silence.
   *
   * @internal
   */
  public static readonly _PROPS: readonly string[] = ['spec', 'resourceGroupName', 'location', 'sku', 'registryNameSuffix', 'publicNetworkAccessEnabled', 'networkRules', 'zoneRedundancyEnabled',
    'dataEndpointEnabled', 'exportPolicyEnabled', 'existingRegistryIds', 'preventDestroy', 'managementLock', 'purgeSchedule', 'purgeTaskTimeoutSeconds',
    'acrCliImage', 'enableDefenderForContainers', 'roleAssignmentMode', 'scopedAccess', 'promotionMethod', 'keyVaultId', 'outputs', 'tags', 'privateEndpoint',
    'events'];

  /** Props of the wrong shape, given from JavaScript (TypeScript callers cannot). */
  private static shapeProblems(props: ContainerRegistryProps): SpecProblem[] {
    const problems = new Problems();
    if (typeof props !== 'object' || props === null) return problems.add('props', props, 'is required: { spec, resourceGroupName, location, ... }').list;
    const p = props as any;
    for (const u of unknownProps(p, ContainerRegistry._PROPS)) problems.add(`props.${u.key}`, '<given>', u.message);
    if (typeof p.spec !== 'object' || p.spec === null || Array.isArray(p.spec)) problems.add('props.spec', p.spec, 'is not a registry spec (an object)');
    for (const key of ['resourceGroupName', 'location']) {
      if (typeof p[key] !== 'string') problems.add(`props.${key}`, p[key], p[key] === undefined ? 'is required (a string)' : 'is not a string');
    }
    for (const key of ['sku', 'registryNameSuffix', 'purgeSchedule', 'acrCliImage', 'keyVaultId', 'roleAssignmentMode', 'scopedAccess', 'promotionMethod']) {
      if (p[key] !== undefined && typeof p[key] !== 'string') problems.add(`props.${key}`, p[key], 'is not a string');
    }
    for (const key of ['publicNetworkAccessEnabled', 'zoneRedundancyEnabled', 'dataEndpointEnabled', 'exportPolicyEnabled', 'preventDestroy', 'managementLock',
      'enableDefenderForContainers', 'outputs']) {
      if (p[key] !== undefined && typeof p[key] !== 'boolean') problems.add(`props.${key}`, p[key], 'is not a boolean');
    }
    if (p.purgeTaskTimeoutSeconds !== undefined && typeof p.purgeTaskTimeoutSeconds !== 'number') {
      problems.add('props.purgeTaskTimeoutSeconds', p.purgeTaskTimeoutSeconds, 'is not a number');
    }
    for (const key of ['existingRegistryIds', 'tags']) {
      const map = p[key];
      if (map === undefined) continue;
      if (typeof map !== 'object' || map === null || Array.isArray(map)) problems.add(`props.${key}`, map, 'is not a map of strings');
      else for (const [k, v] of Object.entries(map)) if (typeof v !== 'string') problems.add(`props.${key}.${k}`, v, 'is not a string');
    }
    // Enum props: a value outside the enum would otherwise fall through to one branch or be written as is.
    const enums: Array<[string, string[]]> = [['roleAssignmentMode', Object.values(RoleAssignmentMode)], ['scopedAccess', Object.values(ScopedAccessMode)],
      ['promotionMethod', Object.values(PromotionMethod)]];
    for (const [key, allowed] of enums) {
      if (typeof p[key] === 'string' && !allowed.includes(p[key])) problems.add(`props.${key}`, p[key], `is not one of ${allowed.join(', ')}`);
    }
    for (const key of ['privateEndpoint', 'events']) {
      const v = p[key];
      if (v !== undefined && (typeof v !== 'object' || v === null || Array.isArray(v))) problems.add(`props.${key}`, v, 'is not an object');
    }
    const rules = p.networkRules;
    if (rules !== undefined) {
      if (typeof rules !== 'object' || rules === null || Array.isArray(rules)) {
        problems.add('props.networkRules', rules, 'is not an object ({ defaultAction?, allowedIpRanges?, bypassAzureServices? })');
      } else {
        if (rules.allowedIpRanges !== undefined && (!Array.isArray(rules.allowedIpRanges) || rules.allowedIpRanges.some((r: unknown) => typeof r !== 'string'))) {
          problems.add('props.networkRules.allowedIpRanges', rules.allowedIpRanges, 'is not a list of strings');
        }
        if (rules.defaultAction !== undefined && !Object.values(NetworkDefaultAction).includes(rules.defaultAction)) {
          problems.add('props.networkRules.defaultAction', rules.defaultAction, `is not ${Object.values(NetworkDefaultAction).join(' or ')}`);
        }
        if (rules.bypassAzureServices !== undefined && typeof rules.bypassAzureServices !== 'boolean') {
          problems.add('props.networkRules.bypassAzureServices', rules.bypassAzureServices, 'is not a boolean');
        }
      }
    }
    return problems.list;
  }


  /** The registries created or referenced, by ACR registry name. */
  public readonly registries: { [registryName: string]: AzContainerRegistry } = {};

  /** The ACR registry names, by physical environment (`''` without environments or with the `tags` layout). */
  public readonly registryNames: { [environment: string]: string } = {};

  /** The purge tasks, by ACR registry name. */
  public readonly purgeTasks: { [registryName: string]: PurgeTask } = {};

  /** The cache rules, by ACR registry name. */
  public readonly cacheRules: { [registryName: string]: CacheRules } = {};

  /** The spec's identities and grants. */
  public readonly identities: RegistryIdentities;

  /** The identity the registry uses to reach the customer-managed key, when the spec asks for one. */
  public readonly encryptionIdentity?: UserAssignedIdentity;

  /** The Defender for Containers plan, when enabled. */
  public readonly defenderPlan?: SecurityCenterSubscriptionPricing;

  private readonly spec: RegistrySpec;
  private readonly units: RegistryUnit[] = [];
  /**
   * The private endpoints of `network.privateAccess`.
   *
   * @default - no private access
   */
  public readonly privateEndpoints?: AcrPrivateEndpoints;
  /**
   * The Event Grid topics or webhooks of `notifications`.
   *
   * @default - no notifications
   */
  public readonly events?: AcrRegistryEvents;
  /** Grants made through grantPull/grantPush/grantPullPush, by role, principal and scope (idempotent). */
  private readonly grants = new Map<string, RoleAssignment>();
  /** Grant calls so far: the index the construct ids of earlier releases carried (`Grant<n>-...`), for the moved blocks. */
  private grantCalls = 0;

  constructor(scope: Construct, id: string, props: ContainerRegistryProps) {
    super(scope, id);
    const memo = SpecMemo._open();
    try {
      const heading = `azure.ContainerRegistry ${this.node.path}`;
      // Props of the wrong shape (from JavaScript) are named, never a TypeError further down.
      const problems = new Problems().addAll(ContainerRegistry.shapeProblems(props));
      problems.throwIfAny(heading);
      const spec = props.spec;
      this.spec = spec;

      const sku = props.sku ?? AcrSku.PREMIUM;
      // The spec's problems (AcrValidator: what synthesis raises from the spec alone), then the props', in one error.
      const knownSku = Object.values(AcrSku).includes(sku);
      const validated = AcrValidator._validate(spec, { sku: knownSku ? sku : undefined, registryNameSuffix: props.registryNameSuffix });
      const specProblems = validated.problems;
      problems.addAll(specProblems);
      const groups = AcrValidator._registries(spec, props.registryNameSuffix);
      this.checkProps(props, sku, groups, new Set(specProblems.map(AcrValidator._key)), problems);
      problems.throwIfAny(heading);

      const mode = props.roleAssignmentMode ?? RoleAssignmentMode.ABAC_REPOSITORY_PERMISSIONS;
      const layout = Naming.layout(spec);
      const tags = { ...(spec.labels ?? {}), ...(props.tags ?? {}) };
      const hasTags = Object.keys(tags).length > 0 ? tags : undefined;
      for (const [name, envs] of groups) for (const env of envs) this.registryNames[env] = name;

      // Retention per registry: the translations the validator made (and found translatable).
      // Native untagged retention needs Premium; other SKUs purge untagged manifests instead.
      const retention = validated.retention;

      const replicas = (spec.replication?.replicas ?? [])
        .filter((r) => r.cloud === undefined || r.cloud === Cloud.AZURE)
        .map((r) => ({ location: r.region, zoneRedundancyEnabled: r.zoneRedundant ?? false, tags: hasTags }))
        .sort((a, b) => (a.location < b.location ? -1 : a.location > b.location ? 1 : 0));
      const cmk = EffectiveSpec.encryptionType(spec) === EncryptionType.CUSTOMER_MANAGED;
      const creates = [...groups.keys()].some((n) => !props.existingRegistryIds?.[n]);
      this.encryptionIdentity = cmk && creates ? this.newEncryptionIdentity(props, hasTags) : undefined;
      const keyAccess = this.encryptionIdentity && this.encryptionKeyAccess(props, this.encryptionIdentity);

      const privateAccess = spec.network?.privateAccess === true;
      for (const [name, envs] of groups) {
        const existingId = props.existingRegistryIds?.[name];
        const constructId = groups.size === 1 ? 'Resource' : `Resource-${envs[0]}`;
        const days = retention.get(name)!.retentionDays;
        if (existingId) {
          const parsed = ACR_REGISTRY_ID.exec(existingId);
          const unit: RegistryUnit = {
            name,
            id: existingId,
            resourceGroupName: parsed ? parsed[1] : Fn.element(Fn.split('/', existingId), 4),
            environments: envs,
            loginServer: Naming.acrLoginServer(name),
            existing: true,
            roleAssignmentMode: mode,
          };
          this.units.push(unit);
          if (mode === RoleAssignmentMode.ABAC_REPOSITORY_PERMISSIONS) {
            AzureWarnings._emit(this, 'existing-registry-abac', `registry "${name}" is passed in (existingRegistryIds): its grants are repository roles with ABAC conditions, ` +
              'which it honours only in the "RBAC Registry + ABAC Repository Permissions" mode (az acr update --role-assignment-mode rbac-abac); ' +
              'if it keeps legacy registry permissions, set roleAssignmentMode LEGACY_REGISTRY_PERMISSIONS');
          }
          AzureWarnings._emit(this, 'existing-registry', `registry "${name}" is passed in (existingRegistryIds): its own settings are left as they are` +
            (days ? `; set its retention policy for untagged manifests to ${days} days (retention_policy_in_days) where it is managed` : '') +
            '; admin user, anonymous pull, replicas, network rules and encryption are not checked');
          continue;
        }
        const networkRules = props.networkRules;
        const resource = new AzContainerRegistry(this, constructId, {
          name,
          resourceGroupName: props.resourceGroupName,
          location: props.location,
          sku,
          adminEnabled: false,
          anonymousPullEnabled: false,
          // network.privateAccess: private endpoints only, dedicated data endpoints, trusted services as the spec says.
          publicNetworkAccessEnabled: privateAccess ? false : props.publicNetworkAccessEnabled ?? true,
          networkRuleBypassOption: privateAccess ? (spec.network?.azureTrustedServices ?? true ? 'AzureServices' : 'None')
            : networkRules ? (networkRules.bypassAzureServices ?? true ? 'AzureServices' : 'None') : undefined,
          networkRuleSet: networkRules ? [{
            defaultAction: networkRules.defaultAction ?? NetworkDefaultAction.DENY,
            ipRule: (networkRules.allowedIpRanges ?? []).map((ipRange) => ({ action: 'Allow', ipRange })),
          }] : undefined,
          zoneRedundancyEnabled: props.zoneRedundancyEnabled ?? false,
          dataEndpointEnabled: privateAccess ? true : props.dataEndpointEnabled,
          exportPolicyEnabled: props.exportPolicyEnabled ?? true,
          retentionPolicyInDays: days,
          georeplications: replicas.length ? replicas : undefined,
          identity: this.encryptionIdentity ? { type: 'UserAssigned', identityIds: [this.encryptionIdentity.id] } : undefined,
          encryption: this.encryptionIdentity ? [{
            keyVaultKeyId: spec.encryption!.azureKeyVaultKeyId!,
            identityClientId: this.encryptionIdentity.clientId,
          }] : undefined,
          tags: hasTags,
          lifecycle: props.preventDestroy ?? true ? { preventDestroy: true } : undefined,
          // The registry reads the key at creation: the identity's access must exist first.
          dependsOn: keyAccess ? [keyAccess] : undefined,
        });
        if (mode === RoleAssignmentMode.ABAC_REPOSITORY_PERMISSIONS) {
          // Escape hatch: azurerm 4.81.0+ has `role_assignment_mode`, the 4.55 binding does not.
          resource.addOverride('role_assignment_mode', mode);
          TerraformStack.of(this).addOverride('terraform.required_providers.azurerm.version', ContainerRegistry.AZURERM_VERSION_FLOOR);
        }
        this.registries[name] = resource;
        this.units.push({
          roleAssignmentMode: mode,
          name,
          id: resource.id,
          resourceGroupName: props.resourceGroupName,
          environments: envs,
          loginServer: resource.loginServer,
          resource,
          existing: false,
        });
        if (props.managementLock) {
          new ManagementLock(this, `${constructId}-lock`, {
            name: `${name}-cannot-delete`,
            scope: resource.id,
            lockLevel: 'CanNotDelete',
            notes: 'Registry of container images; remove the lock deliberately before deleting the registry',
          });
        }
      }

      this.retentionTasks(props, retention, hasTags);

      // Upstream caches, in every registry.
      if ((spec.upstreamCaches ?? []).length) {
        for (const unit of this.units) {
          this.cacheRules[unit.name] = new CacheRules(this, `Cache-${unit.name}`, {
            registryId: unit.id,
            caches: spec.upstreamCaches!,
            keyVaultId: props.keyVaultId,
          });
        }
      }

      this.identities = new RegistryIdentities(this, 'Identities', {
        spec,
        registries: this.units,
        resourceGroupName: props.resourceGroupName,
        location: props.location,
        scopedAccess: props.scopedAccess,
        promotionMethod: props.promotionMethod,
        outputs: props.outputs,
        tags: hasTags,
      });

      this.warnings(props, layout);
      this.privateAccessAndEvents(props, hasTags);

      if (props.enableDefenderForContainers) {
        this.defenderPlan = new SecurityCenterSubscriptionPricing(this, 'DefenderForContainers', {
          tier: 'Standard',
          resourceType: 'Containers',
        });
        AzureWarnings._emit(this, 'defender-subscription-wide', 'enableDefenderForContainers: Defender for Containers is a subscription-wide plan ' +
          '(azurerm_security_center_subscription_pricing, resource type Containers): it covers every registry and cluster of the subscription, ' +
          'is billed per resource, and another stack managing the same plan will fight over it');
      }

      // The synthesized Terraform of this construct, checked against ACR's constraints at synth (cdktf runs node validations).
      // One resolution of the stack per synthesis, shared by the checks of every registry in it and cdktf's own write.
      shareSynthesizedConfig(TerraformStack.of(this));
      this.node.addValidation({
        validate: () => AcrTerraformChecks.check(terraformConfigOf(TerraformStack.of(this)), { pathPrefix: this.node.path })
          .map((p) => AcrTerraformChecks.format(p)),
      });

      if (props.outputs ?? true) this.registryOutputs(props, groups);
    } finally {
      SpecMemo._close(memo);
    }
  }

  /** The purge task of each registry whose retention needs commands, and the translation's warnings. */
  private retentionTasks(props: ContainerRegistryProps, retention: Map<string, AcrRetention>, hasTags?: { [key: string]: string }): void {
    const spec = props.spec;
    for (const unit of this.units) {
      const plan = retention.get(unit.name)!;
      for (const w of plan.warnings) AzureWarnings._emit(this, 'retention-translation', `retention of registry "${unit.name}": ${w}`);
      const defaultAction = props.networkRules?.defaultAction ?? NetworkDefaultAction.DENY;
      const denies = props.networkRules !== undefined && defaultAction === NetworkDefaultAction.DENY;
      const restricted = props.publicNetworkAccessEnabled === false || denies || spec.network?.privateAccess === true;
      if (plan.commands.length && restricted && !unit.existing) {
        AzureWarnings._emit(this, 'purge-network', `retention of registry "${unit.name}": the registry is network-restricted, and ACR Tasks (the purge task) may reach it only ` +
          'when the registry allows tasks to bypass its network rules (the networkRuleBypassAllowedForTasks property, which azurerm 4.55 cannot set) ' +
          'or through a dedicated agent pool in its network; until then the purge task fails and deletes nothing');
      }
      if (plan.commands.length) {
        this.purgeTasks[unit.name] = new PurgeTask(this, `PurgeTask-${unit.name}`, {
          registryId: unit.id,
          commands: plan.commands,
          schedule: props.purgeSchedule,
          timeoutSeconds: props.purgeTaskTimeoutSeconds,
          acrCliImage: props.acrCliImage,
          tags: hasTags,
          roleAssignmentMode: unit.roleAssignmentMode,
          repositories: RegistryIdentities.repositoryPaths(spec, unit),
        });
      }
    }
  }

  /** The outputs the promotion workflow reads: each registry's login server, and the name suffix. */
  private registryOutputs(props: ContainerRegistryProps, groups: Map<string, string[]>): void {
    for (const unit of this.units) {
      const env = groups.size === 1 ? '' : `_${unit.environments[0].toUpperCase()}`;
      new TerraformOutput(this, `login-server-${unit.name}`, {
        value: unit.loginServer,
        description: `The login server of registry ${unit.name}`,
      }).overrideLogicalId(`AZURE_REGISTRY_LOGIN_SERVER${env}`);
    }
    if (props.registryNameSuffix) {
      new TerraformOutput(this, 'registry-suffix', {
        value: props.registryNameSuffix,
        description: 'The suffix of the ACR registry names (the promotion workflow\'s AZURE_REGISTRY_SUFFIX variable)',
      }).overrideLogicalId('AZURE_REGISTRY_SUFFIX');
    }
  }

  /** The user-assigned identity through which the registries read the customer-managed key. */
  private newEncryptionIdentity(props: ContainerRegistryProps, hasTags?: { [key: string]: string }): UserAssignedIdentity {
    return new UserAssignedIdentity(this, 'EncryptionIdentity', {
      name: `${props.spec.name}-acr-encryption`,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      tags: hasTags,
    });
  }

  /** The encryption identity's role on exactly the key (with keyVaultId), or a warning saying what to grant. */
  private encryptionKeyAccess(props: ContainerRegistryProps, identity: UserAssignedIdentity): RoleAssignment | undefined {
    const spec = props.spec;
    if (props.keyVaultId) {
      // Exactly the key, not the vault: the versionless key id inside keyVaultId.
      const keyScope = KeyVaultScope.of(props.keyVaultId, spec.encryption?.azureKeyVaultKeyId ?? '', 'keys');
      if (!keyScope) {
        AzureWarnings._emit(this, 'key-vault-key-scope', `encryption: ${JSON.stringify(spec.encryption?.azureKeyVaultKeyId)} is not a key of the Key Vault ${JSON.stringify(props.keyVaultId)} ` +
          '(https://<vault>.vault.azure.net/keys/<name>), so the encryption identity\'s role is assigned on the whole vault (every key of it)');
      }
      return new RoleAssignment(this, 'EncryptionKeyAccess', {
        scope: keyScope ?? props.keyVaultId,
        roleDefinitionName: 'Key Vault Crypto Service Encryption User',
        principalId: identity.principalId,
        principalType: 'ServicePrincipal',
        description: 'ACR reads the customer-managed key (wrap/unwrap)',
      });
    } else {
      AzureWarnings._emit(this, 'encryption-key-access', 'encryption: the registry\'s encryption identity must be allowed to use the Key Vault key ' +
        '(Key Vault Crypto Service Encryption User, or get/wrapKey/unwrapKey in an access policy); pass keyVaultId to have the construct assign the role');
    }
    return undefined;
  }

  /** The ACR registry name of an environment  }

  /** The ACR registry name of an environment (`''` or omitted: the only registry). */
  public registryName(environment?: string): string {
    const name = this.registryNames[environment ?? ''] ?? (Object.keys(this.registryNames).length === 1 ? Object.values(this.registryNames)[0] : undefined);
    if (!name) {
      new Problems().add('environment', environment ?? '',
        `has no registry (registries: ${Object.entries(this.registryNames).map(([e, n]) => `${e || '(none)'}: ${n}`).join(', ')})`)
        .throwIfAny(`azure.ContainerRegistry ${this.node.path}`);
    }
    return name!;
  }

  /** The resource id of an environment's registry. */
  public registryId(environment?: string): string {
    return this.unit(environment).id;
  }

  /** The login server (`<name>.azurecr.io`) of an environment's registry. */
  public loginServer(environment?: string): string {
    return this.unit(environment).loginServer;
  }

  /**
   * Lets a principal pull the spec's images: with ABAC repository permissions (the
   * default), `Container Registry Repository Reader` on each registry concerned,
   * conditioned on exactly the repositories of `options` (the images in the
   * environments); with legacy registry permissions `AcrPull`, which is
   * registry-wide (a warning says so when the grant asks for less). Idempotent: the
   * construct id derives from the role, the principal and the scope, and the same
   * grant again returns the role assignments the first one created.
   *
   * The form of earlier releases, `grantPull(principalId, 'prod')`, still works from
   * compiled JavaScript (a string is read as `{ environments: ['prod'] }`); it is
   * deprecated.
   *
   * @param principalId the Entra object id of the principal (a UUID, or a token such as a managed identity's `principalId`)
   * @param options the images and environments; default every image in every environment
   */
  public grantPull(principalId: string, options?: GrantOptions): RoleAssignment[] {
    return this.grant('grantPull', AcrRoles.PULL, principalId, options);
  }

  /**
   * Lets a principal push (and pull, never delete) the spec's images:
   * `Container Registry Repository Writer` conditioned on exactly the repositories
   * of `options` (ABAC), or `AcrPush` on the registries concerned (legacy).
   */
  public grantPush(principalId: string, options?: GrantOptions): RoleAssignment[] {
    return this.grant('grantPush', AcrRoles.PUSH, principalId, options);
  }

  /** Lets a principal pull and push: the same role assignments as `grantPush`, whose roles include pull on ACR. */
  public grantPullPush(principalId: string, options?: GrantOptions): RoleAssignment[] {
    return this.grant('grantPullPush', AcrRoles.PUSH, principalId, options);
  }

  private grant(method: string, role: string, principalId: string, given?: GrantOptions | string): RoleAssignment[] {
    const call = this.grantCalls++;
    const options = this.grantOptions(method, principalId, given);
    const spec = this.spec;
    const layout = Naming.layout(spec);
    const images = options.images === undefined ? spec.repositories.map((r) => r.name)
      : spec.repositories.map((r) => r.name).filter((n) => options.images!.some((g) => Glob.matches(g, n)));
    const physical = options.environments === undefined || layout === EnvironmentLayout.TAGS || Naming.environmentNames(spec).length === 0
      ? undefined : options.environments;
    const units = physical === undefined ? this.units : this.units.filter((u) => u.environments.some((e) => physical.includes(e)));
    const tagsLayout = layout === EnvironmentLayout.TAGS && Naming.environmentNames(spec).length > 0;
    if (options.environments !== undefined && physical === undefined && tagsLayout) {
      AzureWarnings._emit(this, 'tags-layout', `${method} for environments ${options.environments.join(', ')}: with the tags layout every environment is a tag ` +
        'in the same repositories, and Azure roles cannot tell tags apart, so the grant covers every environment');
    }
    const write = role === AcrRoles.PUSH;
    const principal = AcrRegistry._principalLabel(this, principalId);
    return units.map((u) => {
      const envs = physical === undefined ? u.environments : u.environments.filter((e) => physical.includes(e));
      const paths = [...new Set(envs.flatMap((e) => images.map((i) => Naming.acrRepositoryPath(spec, i, e))))].sort();
      const all = RegistryIdentities.repositoryPaths(spec, u);
      const whole = all.every((p) => paths.includes(p));
      const abac = u.roleAssignmentMode === RoleAssignmentMode.ABAC_REPOSITORY_PERMISSIONS;
      // The scope: the whole registry, or (ABAC only) exactly these repositories; legacy roles are registry-wide.
      const scoped = abac && !whole;
      const key = `${role}|${principalId}|${u.name}|${scoped ? paths.join(',') : '*'}`;
      const existing = this.grants.get(key);
      if (existing) return existing;
      if (!abac && !whole) {
        const pathSet = new Set(paths);
        AzureWarnings._emit(this, 'grant-registry-wide', `${method} (${role}) on registry "${u.name}": with legacy registry permissions Azure roles are registry-wide, ` +
          `so the grant of ${paths.join(', ')} also covers ${all.filter((p) => !pathSet.has(p)).join(', ')} (roleAssignmentMode ABAC_REPOSITORY_PERMISSIONS names repositories)`);
      }
      const id = `Grant-${role}-${principal}-${u.name}${scoped ? `-${AcrRegistry._hash(paths.join(','))}` : ''}`;
      const assignment = new RoleAssignment(this, id, abac ? {
        scope: u.id,
        roleDefinitionName: write ? AcrAbac.WRITER : AcrAbac.READER,
        principalId,
        condition: write ? AcrAbac.writer(paths, paths) : AcrAbac.reader(paths),
        conditionVersion: AcrAbac.CONDITION_VERSION,
      } : { scope: u.id, roleDefinitionName: role, principalId });
      // Earlier releases named grants by call order (`Grant<n>-<role>-<registry>`): a moved block from that
      // address keeps an applied grant in place. Terraform docs, "moved block reference": "Before creating a new
      // plan for the resource specified in the to field, Terraform checks the state for an existing object at the
      // address specified in the from field. Terraform renames existing objects to the string specified in the to
      // field"; with no object there (a new stack), the block changes nothing (Terraform docs, "Refactoring").
      const components = this.node.scopes.slice(this.node.scopes.indexOf(TerraformStack.of(this)) + 1).map((c) => c.node.id);
      assignment.moveFromId(`azurerm_role_assignment.${makeUniqueId([...components, `Grant${call}-${role}-${u.name}`])}`);
      this.grants.set(key, assignment);
      return assignment;
    });
  }

  /** The grant options, checked: every environment of the chain, every image or glob matching an image of the spec. */
  private grantOptions(method: string, principalId: unknown, given?: GrantOptions | string): GrantOptions {
    // The deprecated form of earlier releases: (principalId, environment).
    const options: GrantOptions = typeof given === 'string' ? { environments: [given] } : given ?? {};
    const problems = new Problems();
    const principalProblem = AcrRegistry._principalIdProblem(principalId);
    if (principalProblem) problems.add('principalId', principalId, principalProblem);
    addGrantOptionProblems(problems, this.spec, options);
    problems.throwIfAny(`azure.ContainerRegistry ${this.node.path} ${method}`);
    return options;
  }

  private unit(environment?: string): RegistryUnit {
    const name = this.registryName(environment);
    return this.units.find((u) => u.name === name)!;
  }

  /** The checks of the props (the spec's are AcrValidator's); a check of a field and value the spec's problems name is not repeated. */
  private checkProps(props: ContainerRegistryProps, sku: AcrSku, groups: Map<string, string[]>, specKeys: Set<string>, out: Problems): void {
    const problems = new Problems();
    const spec = props.spec;
    const premium = (path: string, value: unknown, feature: string) => problems.add(path, value, `asks for ${feature}, which needs the Premium SKU (sku is "${sku}")`);
    const replicas = (spec.replication?.replicas ?? []).filter((r) => r.cloud === undefined || r.cloud === Cloud.AZURE);

    const knownSku = Object.values(AcrSku).includes(sku);
    if (!knownSku) problems.add('sku', sku, `is not an ACR SKU (allowed: ${Object.values(AcrSku).join(', ')})`);
    // Names the resources take as given: checked against Azure's rules (learn.microsoft.com, "Naming rules and restrictions for
    // Azure resources", Microsoft.Resources/resourcegroups: 1-90 "Underscores, hyphens, periods, parentheses, and letters or digits.
    // Can't end with period."; Microsoft.KeyVault/vaults: 3-24 "Alphanumerics and hyphens. Start with letter. End with letter or
    // digit. Can't contain consecutive hyphens."). Locations: azurerm normalizes display names ("West Europe" -> westeurope).
    if (!Token.isUnresolved(props.location) && !AZURE_LOCATION.test(normalLocation(props.location))) {
      problems.add('props.location', props.location, 'is not an Azure location (such as westeurope, or its display name West Europe)');
    }
    if (!Token.isUnresolved(props.resourceGroupName) && !RESOURCE_GROUP.test(props.resourceGroupName)) {
      problems.add('props.resourceGroupName', props.resourceGroupName, 'is not a resource group name (1-90 letters, digits, _ - . ( ), not ending with a period)');
    }
    if (props.keyVaultId !== undefined && !Token.isUnresolved(props.keyVaultId) && !KEY_VAULT_ID.test(props.keyVaultId)) {
      problems.add('props.keyVaultId', props.keyVaultId, 'is not a Key Vault resource id (/subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.KeyVault/vaults/<3-24 letters, digits, hyphens>)');
    }
    if (knownSku && sku !== AcrSku.PREMIUM) {
      if (props.zoneRedundancyEnabled) premium('zoneRedundancyEnabled', true, 'zone redundancy');
      if (props.networkRules) premium('networkRules', props.networkRules, 'network rules');
      if (props.exportPolicyEnabled === false) premium('exportPolicyEnabled', false, 'turning the export policy off');
      if (props.dataEndpointEnabled) premium('dataEndpointEnabled', true, 'dedicated data endpoints');
      if (props.publicNetworkAccessEnabled === false) premium('publicNetworkAccessEnabled', false, 'private-link-only access');
    }
    if (props.exportPolicyEnabled === false && props.publicNetworkAccessEnabled !== false) {
      problems.add('exportPolicyEnabled', false, 'needs publicNetworkAccessEnabled: false as well (ACR refuses to disable exports on a publicly reachable registry)');
    }
    if (props.registryNameSuffix !== undefined && !Token.isUnresolved(props.registryNameSuffix) && !/^[a-z0-9]*$/.test(props.registryNameSuffix)) {
      problems.add('registryNameSuffix', props.registryNameSuffix, 'must be lower-case letters and digits (the promotion workflow reads it as AZURE_REGISTRY_SUFFIX)');
    }
    for (const r of replicas) {
      if (r.region === normalLocation(props.location)) problems.add('replication.replicas', r.region, 'is the home location; ACR replicates to other locations only (remove it)');
    }
    for (const range of props.networkRules?.allowedIpRanges ?? []) {
      if (!Token.isUnresolved(range) && !IP_RANGE.test(range)) problems.add('networkRules.allowedIpRanges', range, 'is not an IPv4 address or CIDR range');
    }
    for (const [name, id] of Object.entries(props.existingRegistryIds ?? {})) {
      if (!groups.has(name)) {
        problems.add('existingRegistryIds', name, `is not a registry of the spec (registries: ${[...groups.keys()].join(', ')})`);
      } else if (!Token.isUnresolved(id) && !ACR_REGISTRY_ID.test(id)) {
        problems.add(`existingRegistryIds.${name}`, id, 'is not a registry resource id (/subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.ContainerRegistry/registries/<name>)');
      } else if (!Token.isUnresolved(id) && ACR_REGISTRY_ID.exec(id)![2].toLowerCase() !== name.toLowerCase()) {
        problems.add(`existingRegistryIds.${name}`, id, `names another registry ("${ACR_REGISTRY_ID.exec(id)![2]}")`);
      }
    }
    const cron = props.purgeSchedule !== undefined && !Token.isUnresolved(props.purgeSchedule) ? cronProblem(props.purgeSchedule, false) : undefined;
    if (cron) problems.add('purgeSchedule', props.purgeSchedule, `${cron}, in UTC`);
    const timeout = props.purgeTaskTimeoutSeconds;
    if (timeout !== undefined && (!Number.isInteger(timeout) || timeout < PurgeTask.MIN_TIMEOUT_SECONDS || timeout > PurgeTask.MAX_TIMEOUT_SECONDS)) {
      problems.add('purgeTaskTimeoutSeconds', timeout, `is outside ${PurgeTask.MIN_TIMEOUT_SECONDS}-${PurgeTask.MAX_TIMEOUT_SECONDS} seconds (ACR task limit)`);
    }
    problems.addAll(azureTagProblems(props.tags ?? {}, 'props.tags'));
    const merged = Object.keys({ ...(spec.labels ?? {}), ...(props.tags ?? {}) }).length;
    if (merged > AZURE_TAGS_MAX && Object.keys(spec.labels ?? {}).length <= AZURE_TAGS_MAX) {
      problems.add('props.tags', merged, `with the spec's labels give each resource ${merged} tags; Azure takes at most ${AZURE_TAGS_MAX} per resource`);
    }
    const imageProblem = props.acrCliImage !== undefined ? PurgeTask.imageProblem(props.acrCliImage) : undefined;
    if (imageProblem) problems.add('acrCliImage', props.acrCliImage, imageProblem);
    this.checkNetworkProps(props, sku, problems);
    out.addAll(problems.list.filter((p) => !specKeys.has(AcrValidator._key(p))));
  }

  /** The private endpoints of `network.privateAccess` and the events of `notifications`. */
  private privateAccessAndEvents(props: ContainerRegistryProps, tags?: { [key: string]: string }): void {
    const spec = props.spec;
    const targets = this.units.map((u) => ({ name: u.name, id: u.id }));
    if (spec.network?.privateAccess && props.privateEndpoint) {
      (this as { privateEndpoints?: AcrPrivateEndpoints }).privateEndpoints = new AcrPrivateEndpoints(this, 'PrivateEndpoints', {
        ...props.privateEndpoint, registries: targets, resourceGroupName: props.resourceGroupName, location: props.location, tags,
      });
    }
    const events = spec.notifications?.events ?? [];
    if (events.includes(NotificationEvent.SCAN_FINDING)) {
      AzureWarnings._emit(this, 'scan-events', 'notifications: ACR emits no event for scan findings (Defender for Containers reports vulnerabilities as '
        + 'recommendations and alerts, outside the registry): scan-finding is not delivered on Azure; export Defender alerts with continuous export where the subscription is managed');
    }
    if (props.events && AcrRegistryEvents.eventGridTypes(events).length) {
      (this as { events?: AcrRegistryEvents }).events = new AcrRegistryEvents(this, 'Events', {
        ...props.events, events, registries: targets, resourceGroupName: props.resourceGroupName, location: props.location, tags,
      });
    }
  }

  /** The private-endpoint and event props against the spec's `network` and `notifications`. */
  private checkNetworkProps(props: ContainerRegistryProps, sku: AcrSku, problems: Problems): void {
    const spec = props.spec;
    const privateAccess = spec.network?.privateAccess === true;
    const pe = props.privateEndpoint;
    if (privateAccess && Object.values(AcrSku).includes(sku) && sku !== AcrSku.PREMIUM) {
      problems.add('network.privateAccess', true, `asks for private endpoints, dedicated data endpoints and public network access off, which need the Premium SKU (sku is "${sku}")`);
    }
    if (privateAccess && props.publicNetworkAccessEnabled === true) {
      problems.add('publicNetworkAccessEnabled', true, 'contradicts network.privateAccess (the registry is reachable only through its private endpoints); leave it unset');
    }
    if (privateAccess && !pe) problems.add('privateEndpoint', undefined, 'is required with network.privateAccess: the subnet of the private endpoints (and the DNS zone or virtual network)');
    if (pe && !privateAccess) problems.add('privateEndpoint', 'given', 'needs network.privateAccess: true in the spec');
    const armId = (path: string, value: unknown, pattern: RegExp, what: string) => {
      if (value === undefined || (typeof value === 'string' && Token.isUnresolved(value))) return;
      if (typeof value !== 'string' || !pattern.test(value)) problems.add(path, value, `is not ${what}`);
    };
    if (pe) {
      armId('privateEndpoint.subnetId', pe.subnetId ?? '', /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.Network\/virtualNetworks\/[^/]+\/subnets\/[^/]+$/i,
        'a subnet resource id (/subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.Network/virtualNetworks/<vnet>/subnets/<subnet>)');
      armId('privateEndpoint.privateDnsZoneId', pe.privateDnsZoneId, /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.Network\/privateDnsZones\/privatelink\.azurecr\.io$/i,
        'the resource id of a privatelink.azurecr.io private DNS zone');
      armId('privateEndpoint.virtualNetworkId', pe.virtualNetworkId, /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.Network\/virtualNetworks\/[^/]+$/i,
        'a virtual network resource id');
      if (!pe.privateDnsZoneId && !pe.virtualNetworkId) {
        problems.add('privateEndpoint.virtualNetworkId', undefined, 'is required without privateDnsZoneId: the created privatelink.azurecr.io zone is linked to it');
      }
    }
    const events = spec.notifications?.events ?? [];
    const needsDestination = AcrRegistryEvents.eventGridTypes(events).length > 0;
    const ev = props.events;
    if (needsDestination && !ev) problems.add('events', undefined, 'is required with push or retention-deletion notifications: a webhookUrl or a storage queue');
    if (ev && !spec.notifications) problems.add('events', 'given', 'needs a notifications section in the spec (which events to deliver)');
    if (ev) {
      const webhook = (ev.delivery ?? AcrEventDelivery.EVENT_GRID) === AcrEventDelivery.REGISTRY_WEBHOOK;
      if (ev.delivery !== undefined && !Object.values(AcrEventDelivery).includes(ev.delivery)) {
        problems.add('events.delivery', ev.delivery, `is not one of ${Object.values(AcrEventDelivery).join(', ')}`);
      }
      if (ev.webhookUrl !== undefined && !Token.isUnresolved(ev.webhookUrl) && !/^https:\/\/[^\s/]+/.test(ev.webhookUrl)) {
        problems.add('events.webhookUrl', ev.webhookUrl, 'is not an https:// URL');
      }
      if ((ev.storageAccountId === undefined) !== (ev.queueName === undefined)) {
        problems.add('events.queueName', ev.queueName, 'and storageAccountId go together (the queue and its storage account)');
      }
      armId('events.storageAccountId', ev.storageAccountId, /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.Storage\/storageAccounts\/[a-z0-9]{3,24}$/,
        'a storage account resource id');
      if (ev.queueName !== undefined && !Token.isUnresolved(ev.queueName) && !/^[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){2,62}$/.test(ev.queueName)) {
        problems.add('events.queueName', ev.queueName, 'is not a queue name (3-63 lower-case letters, digits and single hyphens)');
      }
      if (webhook && ev.storageAccountId) problems.add('events.storageAccountId', ev.storageAccountId, 'is for Event Grid; ACR webhooks call webhookUrl only');
      if ((ev.webhookUrl === undefined) === (ev.storageAccountId === undefined) && !(webhook && ev.webhookUrl)) {
        problems.add('events', 'given', webhook ? 'needs webhookUrl (the ACR webhook\'s service URI)' : 'needs exactly one destination: webhookUrl or storageAccountId with queueName');
      }
    }
  }

  private warnings(props: ContainerRegistryProps, layout: EnvironmentLayout): void {
    const spec = props.spec;
    const access = spec.access ?? {};
    const writers = (access.pushers ?? []).length + (access.promoters ?? []).length;
    if (layout === EnvironmentLayout.TAGS && Naming.environmentNames(spec).length > 0 && writers > 0) {
      AzureWarnings._emit(this, 'tags-layout', 'environments.layout "tags": Azure roles and scope maps cannot tell tags apart, so every pusher and promoter may move ' +
        `any tag, including the environment tags (${Naming.environmentNames(spec).join(', ')}); use the registries layout to separate environments`);
    }
    // Immutable tags: nothing in Terraform on ACR; the tag policy decision says what to do instead.
    const tagWarnings = new Map<string, string[]>();
    for (const repo of spec.repositories) {
      for (const w of TagPolicyDecision.acr(EffectiveSpec.tagPolicy(spec, repo)).warnings) {
        const names = tagWarnings.get(w);
        if (names) names.push(repo.name);
        else tagWarnings.set(w, [repo.name]);
      }
    }
    for (const [w, repos] of tagWarnings) AzureWarnings._emit(this, 'tag-immutability', `tagPolicy (${repos.join(', ')}): ${w}`);
    const scanned = spec.repositories.some((r) => EffectiveSpec.scanning(spec, r).mode !== ScanMode.OFF);
    if (scanned && !props.enableDefenderForContainers) {
      AzureWarnings._emit(this, 'scanning', 'scanning: ACR has no registry-level scanning switch; vulnerability scanning of ACR images is Microsoft Defender for Containers, ' +
        'a subscription-wide plan. Nothing is scanned by this construct: set enableDefenderForContainers (subscription-wide) or enable the plan where the subscription is managed');
    }
    if (props.exportPolicyEnabled === false && (access.promoters ?? []).length && props.promotionMethod === PromotionMethod.IMPORT) {
      AzureWarnings._emit(this, 'export-policy-import', 'exportPolicyEnabled: false blocks `az acr import` out of the registry, which is how promoters promote (promotionMethod IMPORT); ' +
        'promotion from it will fail');
    }
  }
}
