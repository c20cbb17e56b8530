import { AcrAbac, RoleAssignmentMode } from './abac-condition';
import { PurgeTask } from './purge-task';
import { ACR_REGISTRY_NAME, ACR_REGISTRY_NAME_ALLOWED, ACR_WEBHOOK_NAME, cronProblem } from '../spec/grammars';
import { Problems } from '../spec/problems';

/** One problem found in synthesized Terraform JSON. */
export interface TerraformCheckProblem {
  /** The resource address (`azurerm_container_registry.platform_Resource_1234`). */
  readonly resource: string;
  /** The field (`retention_policy_in_days`, `encoded_step.task_content`). */
  readonly field: string;
  /** What is wrong and what is allowed. */
  readonly message: string;
}

/** Options of `AcrTerraformChecks.check`. */
export interface AcrTerraformCheckOptions {
  /**
   * Whether every purge command must carry `--dry-run` (the spec's `retention.dryRun`).
   *
   * @default - not checked
   */
  readonly expectDryRun?: boolean;

  /**
   * Check only the resources of this construct path and below (their
   * `//.metadata.path`), as the Azure `ContainerRegistry` does at synth.
   *
   * @default - every resource
   */
  readonly pathPrefix?: string;
}

const PREMIUM_ONLY = 'needs the Premium SKU';
const PINNED_ACR_CLI = /^mcr\.microsoft\.com\/acr\/acr-cli(:\d+\.\d+(\.\d+)?|@sha256:[0-9a-f]{64})$/;
const PURGE_ARGS = /^purge --registry \{\{\.Run\.Registry\}\}( --[a-z-]+(=\S+| (?!--)("[^"]*"|'[^']*'|\S+))?)*$/;
const SCOPE_ACTION = /^repositories\/[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*\/(content\/(read|write|delete)|metadata\/(read|write))$/;
const CHILD_NAME = /^[a-zA-Z0-9-]{5,50}$/;
const ALLOWED_ROLES = ['AcrPull', 'AcrPush', 'AcrDelete', 'Key Vault Secrets User', 'Key Vault Crypto Service Encryption User',
  AcrAbac.READER, AcrAbac.WRITER, AcrAbac.CONTRIBUTOR, AcrAbac.CATALOG_LISTER,
  // Event Grid's delivery identity writes registry events to one storage queue (issue 19).
  'Storage Queue Data Message Sender'];
/** ACR webhook actions (azurerm_container_registry_webhook `actions`). */
const WEBHOOK_ACTIONS = ['push', 'delete', 'quarantine', 'chart_push', 'chart_delete'];
/** ABAC-enabled roles: without a condition they grant every repository of the registry (ACR ABAC docs). */
const CONDITIONED_ROLES = [AcrAbac.READER, AcrAbac.WRITER, AcrAbac.CONTRIBUTOR];

/**
 * Checks of synthesized Terraform JSON against the constraints of Azure
 * Container Registry that the typed provider classes do not enforce (they type
 * fields, not values): registry names, SKU requirements, retention days, the
 * purge task (timeout range, cron schedule, a task YAML whose steps run a pinned
 * acr-cli image with `purge --registry {{.Run.Registry}} ...`), scope map actions,
 * child resource names, and the construct's safety defaults (no admin user, no
 * anonymous pull, no broad roles). Usable on any stack's `cdk.tf.json`.
 */
export class AcrTerraformChecks {
  /** Every problem in the Terraform JSON (a string or a parsed object). */
  public static check(terraformJson: any, options: AcrTerraformCheckOptions = {}): TerraformCheckProblem[] {
    const doc = typeof terraformJson === 'string' ? JSON.parse(terraformJson) : terraformJson;
    const resources = doc?.resource ?? {};
    const problems: TerraformCheckProblem[] = [];
    const add = (type: string, name: string, field: string, message: string) => problems.push({ resource: `${type}.${name}`, field, message });
    const prefix = options.pathPrefix;
    const mine = (r: any) => {
      const path: string | undefined = r?.['//']?.metadata?.path;
      return prefix === undefined || path === undefined || path === prefix || path.startsWith(`${prefix}/`);
    };
    const each = (type: string, fn: (name: string, r: any) => void) => {
      for (const [name, r] of Object.entries<any>(resources[type] ?? {})) if (mine(r)) fn(name, r);
    };
    const resolved = (v: unknown) => !(typeof v === 'string' && v.includes('${'));

    each('azurerm_container_registry', (name, r) => {
      const t = 'azurerm_container_registry';
      if (resolved(r.name) && !ACR_REGISTRY_NAME.test(r.name ?? '')) add(t, name, 'name', `"${r.name}" is not a registry name: ${ACR_REGISTRY_NAME_ALLOWED}`);
      if (!['Basic', 'Standard', 'Premium'].includes(r.sku)) add(t, name, 'sku', `"${r.sku}" is not Basic, Standard or Premium`);
      const notPremium = r.sku === 'Basic' || r.sku === 'Standard';
      const needPremium = (field: string, present: boolean) => {
        if (present && notPremium) add(t, name, field, `${PREMIUM_ONLY} (sku is "${r.sku}")`);
      };
      needPremium('georeplications', (r.georeplications ?? []).length > 0);
      if (r.role_assignment_mode !== undefined && !Object.values(RoleAssignmentMode).includes(r.role_assignment_mode)) {
        add(t, name, 'role_assignment_mode', `"${r.role_assignment_mode}" is not ${Object.values(RoleAssignmentMode).join(' or ')}`);
      }
      needPremium('zone_redundancy_enabled', r.zone_redundancy_enabled === true);
      needPremium('retention_policy_in_days', typeof r.retention_policy_in_days === 'number' && r.retention_policy_in_days > 0);
      needPremium('network_rule_set', (r.network_rule_set ?? []).length > 0);
      needPremium('encryption', (r.encryption ?? []).length > 0);
      needPremium('export_policy_enabled', r.export_policy_enabled === false);
      needPremium('data_endpoint_enabled', r.data_endpoint_enabled === true);
      needPremium('public_network_access_enabled', r.public_network_access_enabled === false);
      needPremium('quarantine_policy_enabled', r.quarantine_policy_enabled === true);
      const days = r.retention_policy_in_days;
      if (days !== undefined && resolved(days) && (!Number.isInteger(days) || days < 0 || days > 365)) {
        add(t, name, 'retention_policy_in_days', `${days} is outside 0-365 (0 disables the policy)`);
      }
      if (r.export_policy_enabled === false && r.public_network_access_enabled !== false) {
        add(t, name, 'export_policy_enabled', 'false needs public_network_access_enabled false as well');
      }
      if (r.admin_enabled !== false) add(t, name, 'admin_enabled', 'must be false (the admin user is a shared registry-wide credential)');
      if (r.anonymous_pull_enabled === true) add(t, name, 'anonymous_pull_enabled', 'must not be true (anonymous pull makes every image public)');
      const locations = (r.georeplications ?? []).map((g: any) => g.location);
      const sorted = [...locations].sort();
      if (locations.join() !== sorted.join()) add(t, name, 'georeplications', `are not in alphabetical order of location (${locations.join(', ')}): Terraform shows a diff on every plan`);
      if (new Set(locations).size !== locations.length) add(t, name, 'georeplications', `list a location twice (${locations.join(', ')})`);
      if (locations.includes(r.location)) add(t, name, 'georeplications', `include the home location "${r.location}"`);
      if ((r.encryption ?? []).length && !(r.identity?.identity_ids ?? []).length) {
        add(t, name, 'identity', 'is required with encryption: a user-assigned identity that can read the key');
      }
    });

    each('azurerm_container_registry_task', (name, r) => {
      const t = 'azurerm_container_registry_task';
      const timeout = r.timeout_in_seconds ?? 3600;
      if (!Number.isInteger(timeout) || timeout < PurgeTask.MIN_TIMEOUT_SECONDS || timeout > PurgeTask.MAX_TIMEOUT_SECONDS) {
        add(t, name, 'timeout_in_seconds', `${timeout} is outside ${PurgeTask.MIN_TIMEOUT_SECONDS}-${PurgeTask.MAX_TIMEOUT_SECONDS}`);
      }
      for (const trigger of r.timer_trigger ?? []) {
        const cron = cronProblem(String(trigger.schedule ?? ''), false);
        if (cron) add(t, name, 'timer_trigger.schedule', `"${trigger.schedule}" ${cron}`);
      }
      if (!r.platform?.os) add(t, name, 'platform.os', 'is required for a task that is not a system task');
      const content = r.encoded_step?.task_content;
      if (typeof content !== 'string') {
        add(t, name, 'encoded_step.task_content', 'is missing: a purge task runs an encoded step');
        return;
      }
      let decoded;
      try {
        decoded = PurgeTask.decode(content);
      } catch (e) {
        add(t, name, 'encoded_step.task_content', `does not decode to a task YAML: ${(e as Error).message}`);
        return;
      }
      if (!PINNED_ACR_CLI.test(decoded.image)) {
        add(t, name, 'encoded_step.task_content', `runs "${decoded.image || '(several images)'}", not one acr-cli image pinned to a version or digest`);
      } else if (PurgeTask.imageProblem(decoded.image)) {
        add(t, name, 'encoded_step.task_content', `runs "${decoded.image}", which ${PurgeTask.imageProblem(decoded.image)}`);
      }
      if (decoded.commands.length === 0) add(t, name, 'encoded_step.task_content', 'has no steps');
      decoded.commands.forEach((c, i) => {
        if (!PURGE_ARGS.test(c)) add(t, name, `encoded_step.task_content steps[${i}]`, `"${c}" is not \`purge --registry {{.Run.Registry}} --<flag> ...\``);
        for (const m of c.matchAll(/ --filter(?:=| )(?:"([^"]*)"|'([^']*)'|(\S+))/g)) {
          const filter = m[1] ?? m[2] ?? m[3];
          const colon = filter.indexOf(':');
          const repo = colon < 0 ? filter : filter.slice(0, colon);
          const tag = colon < 0 ? '' : filter.slice(colon + 1);
          // acr-cli matches the tag regex as a substring search: only ^...$ makes it a whole-tag match.
          if (!/^\^.*\$$/.test(repo) || !/^\^.*\$$/.test(tag)) {
            add(t, name, `encoded_step.task_content steps[${i}]`, `--filter "${filter}" is not anchored (^<repository regex>$:^<tag regex>$); an unanchored tag regex matches substrings`);
          }
        }
        if (/\$[A-Za-z0-9]/.test(c)) {
          add(t, name, `encoded_step.task_content steps[${i}]`, `"${c}" has "$" before a letter or digit, which ACR Tasks (YAML v1.1.0) expands as an alias`);
        }
        if (!/ --filter /.test(` ${c} `)) add(t, name, `encoded_step.task_content steps[${i}]`, 'has no --filter (it would purge nothing, or everything with a default filter)');
        if (options.expectDryRun === true && !/ --dry-run( |$)/.test(c)) add(t, name, `encoded_step.task_content steps[${i}]`, 'lacks --dry-run although the spec asks for a dry run');
        if (options.expectDryRun === false && / --dry-run( |$)/.test(c)) add(t, name, `encoded_step.task_content steps[${i}]`, 'has --dry-run although the spec does not ask for one');
      });
      decoded.stepTimeouts.forEach((s, i) => {
        if (s !== undefined && s > timeout) add(t, name, `encoded_step.task_content steps[${i}].timeout`, `${s} exceeds the task timeout ${timeout}`);
      });
    });

    each('azurerm_container_registry_scope_map', (name, r) => {
      const t = 'azurerm_container_registry_scope_map';
      if (!/^[a-zA-Z0-9_-]{5,50}$/.test(r.name ?? '')) add(t, name, 'name', `"${r.name}" is not 5-50 letters, digits, - and _`);
      if (!(r.actions ?? []).length) add(t, name, 'actions', 'is empty');
      for (const a of r.actions ?? []) {
        if (!SCOPE_ACTION.test(a)) add(t, name, 'actions', `"${a}" is not repositories/<repository>/content/(read|write|delete) or metadata/(read|write) (no wildcards)`);
      }
    });
    for (const type of ['azurerm_container_registry_token', 'azurerm_container_registry_cache_rule', 'azurerm_container_registry_credential_set']) {
      each(type, (name, r) => {
        if (resolved(r.name) && !CHILD_NAME.test(r.name ?? '')) add(type, name, 'name', `"${r.name}" is not 5-50 letters, digits and hyphens`);
      });
    }
    each('azurerm_container_registry_cache_rule', (name, r) => {
      const t = 'azurerm_container_registry_cache_rule';
      const srcWild = String(r.source_repo ?? '').endsWith('/*');
      const dstWild = String(r.target_repo ?? '').endsWith('/*') || r.target_repo === '*';
      if (srcWild !== dstWild) add(t, name, 'target_repo', `"${r.target_repo}" and source_repo "${r.source_repo}" must both be wildcards or both fixed paths`);
    });
    // Registries with ABAC repository permissions ignore AcrPull, AcrPush and AcrDelete (ACR ABAC docs).
    const abacRegistries = new Set(Object.entries<any>(resources.azurerm_container_registry ?? {})
      .filter(([, r]) => r.role_assignment_mode === RoleAssignmentMode.ABAC_REPOSITORY_PERMISSIONS)
      .map(([address]) => `\${azurerm_container_registry.${address}.id}`));
    each('azurerm_role_assignment', (name, r) => {
      const t = 'azurerm_role_assignment';
      if (['AcrPull', 'AcrPush', 'AcrDelete'].includes(r.role_definition_name) && abacRegistries.has(r.scope)) {
        add(t, name, 'role_definition_name', `"${r.role_definition_name}" is not honoured on a registry with ABAC repository permissions: ` +
          'use Container Registry Repository Reader/Writer/Contributor with a condition');
      }
      if (r.role_definition_name !== undefined && !ALLOWED_ROLES.includes(r.role_definition_name)) {
        add(t, name, 'role_definition_name', `"${r.role_definition_name}" is not one of the least-privilege roles (${ALLOWED_ROLES.join(', ')})`);
      }
      if (r.role_definition_name === undefined && r.role_definition_id === undefined) add(t, name, 'role_definition_name', 'or role_definition_id is required');
      if (CONDITIONED_ROLES.includes(r.role_definition_name) && !r.condition) {
        add(t, name, 'condition', `"${r.role_definition_name}" without an ABAC condition grants every repository of the registry: name the repositories`);
      }
      if (r.condition && r.condition_version !== AcrAbac.CONDITION_VERSION) add(t, name, 'condition_version', `"${r.condition_version}" is not "${AcrAbac.CONDITION_VERSION}"`);
    });
    each('azurerm_role_definition', (name, r) => {
      for (const p of r.permissions ?? []) {
        for (const a of p.actions ?? []) {
          if (a.includes('*')) add('azurerm_role_definition', name, 'permissions.actions', `"${a}" has a wildcard (ACR custom roles need each action listed)`);
        }
      }
    });
    each('azurerm_federated_identity_credential', (name, r) => {
      const t = 'azurerm_federated_identity_credential';
      if (r.issuer !== 'https://token.actions.githubusercontent.com') add(t, name, 'issuer', `"${r.issuer}" is not the GitHub Actions issuer`);
      if (JSON.stringify(r.audience) !== JSON.stringify(['api://AzureADTokenExchange'])) add(t, name, 'audience', `${JSON.stringify(r.audience)} is not ["api://AzureADTokenExchange"]`);
      if (!/^repo:[^:*]+\/[^:*]+:(ref:refs\/heads\/[^*]+|ref:refs\/tags\/[^*]+|environment:[^*]+)$/.test(r.subject ?? '')) {
        add(t, name, 'subject', `"${r.subject}" is not an exact repo:<owner>/<repo>:ref:refs/heads|tags/<name> or :environment:<name> subject`);
      }
    });
    // Private endpoints of registries (issue 19): the registry sub-resource, automatic approval, a DNS zone group, a Premium registry.
    each('azurerm_private_endpoint', (name, r) => {
      const t = 'azurerm_private_endpoint';
      const psc = r.private_service_connection ?? {};
      const target = /^\$\{azurerm_container_registry\.([^.]+)\.id\}$/.exec(psc.private_connection_resource_id ?? '');
      if (!target) return;
      if (JSON.stringify(psc.subresource_names) !== '["registry"]') {
        add(t, name, 'private_service_connection.subresource_names', `${JSON.stringify(psc.subresource_names)} is not ["registry"] (the only sub-resource of a registry)`);
      }
      if (psc.is_manual_connection !== false) add(t, name, 'private_service_connection.is_manual_connection', 'must be false (a connection to a registry of the same deployment is approved automatically)');
      const zones: string[] = r.private_dns_zone_group?.private_dns_zone_ids ?? [];
      if (zones.length === 0) add(t, name, 'private_dns_zone_group', 'is required: without it the login server and data endpoints resolve to public addresses');
      for (const z of zones.filter(resolved)) {
        if (!/\/privateDnsZones\/privatelink\.azurecr\.io$/i.test(z)) add(t, name, 'private_dns_zone_group.private_dns_zone_ids', `"${z}" is not a privatelink.azurecr.io zone`);
      }
      const registry = resources.azurerm_container_registry?.[target[1]];
      if (registry && registry.sku !== 'Premium') add(t, name, 'private_service_connection', `targets a registry whose sku is "${registry.sku}": private endpoints ${PREMIUM_ONLY}`);
    });
    each('azurerm_container_registry_webhook', (name, r) => {
      const t = 'azurerm_container_registry_webhook';
      if (resolved(r.name) && !ACR_WEBHOOK_NAME.test(r.name ?? '')) add(t, name, 'name', `"${r.name}" is not ${ACR_REGISTRY_NAME_ALLOWED}`);
      if (resolved(r.service_uri) && !/^https:\/\//.test(r.service_uri ?? '')) add(t, name, 'service_uri', `"${r.service_uri}" is not an https:// URL`);
      const bad = (r.actions ?? []).filter((a: string) => !WEBHOOK_ACTIONS.includes(a));
      if (!(r.actions ?? []).length || bad.length) add(t, name, 'actions', `${JSON.stringify(r.actions)} must be a non-empty list of ${WEBHOOK_ACTIONS.join(', ')}`);
    });
    each('azurerm_eventgrid_system_topic', (name, r) => {
      if (/\$\{azurerm_container_registry\./.test(r.source_resource_id ?? '') && r.topic_type !== 'Microsoft.ContainerRegistry.Registries') {
        add('azurerm_eventgrid_system_topic', name, 'topic_type', `"${r.topic_type}" is not Microsoft.ContainerRegistry.Registries (the topic type of a registry source)`);
      }
    });
    each('azurerm_security_center_subscription_pricing', (name, r) => {
      if (r.resource_type !== 'Containers') add('azurerm_security_center_subscription_pricing', name, 'resource_type', `"${r.resource_type}" is not Containers`);
    });
    return problems;
  }

  /** Throws one `ProblemsError` listing every problem, if there is any. */
  public static assertValid(terraformJson: any, options: AcrTerraformCheckOptions = {}): void {
    const problems = new Problems();
    for (const p of AcrTerraformChecks.check(terraformJson, options)) problems.add(`${p.resource}.${p.field}`, undefined, p.message);
    problems.throwIfAny('azure.AcrTerraformChecks');
  }

  /** One problem as a line: `<resource> <field>: <message>`. */
  public static format(problem: TerraformCheckProblem): string {
    return `${problem.resource} ${problem.field}: ${problem.message}`;
  }

  /** The decoded purge tasks of the Terraform JSON, by resource address. */
  public static purgeTasks(terraformJson: any): { [address: string]: string[] } {
    const doc = typeof terraformJson === 'string' ? JSON.parse(terraformJson) : terraformJson;
    const out: { [address: string]: string[] } = {};
    for (const [name, r] of Object.entries<any>(doc?.resource?.azurerm_container_registry_task ?? {})) {
      out[`azurerm_container_registry_task.${name}`] = PurgeTask.decode(r.encoded_step.task_content).commands;
    }
    return out;
  }
}
