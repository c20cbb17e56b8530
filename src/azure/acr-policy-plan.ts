import { App, TerraformStack } from 'cdktf';
import { ContainerRegistry } from './container-registry';
import { Cloud, PolicyPlanEntry, RegistrySpec } from '../spec';
import { TerraformPlanReader } from '../terraform/terraform-plan-reader';

/** Options of `AcrPolicyPlan.fromSpec`. */
export interface AcrPolicyPlanOptions {
  /**
   * The resource group written into the plan.
   *
   * @default "registry-rg"
   */
  readonly resourceGroupName?: string;

  /**
   * The location written into the plan.
   *
   * @default "westeurope"
   */
  readonly location?: string;
}

/**
 * Every policy an Azure registry produces, read from the synthesized Terraform
 * JSON: per registry its retention days, security settings and replicas, and the
 * purge task's schedule and `acr purge` commands (decoded from the base64 task
 * YAML); role assignments per scope; federated credentials (trust subjects);
 * scope maps and tokens; cache rules. References are stable named placeholders.
 */
export class AcrPolicyPlan {
  /** Builds the spec into an `azure.ContainerRegistry` in a fresh stack and plans it. */
  public static fromSpec(spec: RegistrySpec, options: AcrPolicyPlanOptions = {}): PolicyPlanEntry[] {
    const stack = new TerraformStack(new App({ skipValidation: true }), 'plan');
    // Private access and notifications need what only an app knows: placeholders (issue 19).
    const ids = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/network/providers/Microsoft.Network';
    const privateEndpoint = spec.network?.privateAccess
      ? { privateEndpoint: { subnetId: `${ids}/virtualNetworks/network/subnets/endpoints`, privateDnsZoneId: `${ids}/privateDnsZones/privatelink.azurecr.io` } } : {};
    const events = spec.notifications ? { events: { webhookUrl: 'https://events.example.invalid' } } : {};
    new ContainerRegistry(stack, 'Registry', {
      spec, resourceGroupName: options.resourceGroupName ?? 'registry-rg', location: options.location ?? 'westeurope', outputs: false, ...privateEndpoint, ...events,
    });
    return AcrPolicyPlan.fromTerraformJson(stack.toTerraform());
  }

  /** Plans synthesized Terraform JSON (the `cdk.tf.json` of a stack, parsed). */
  public static fromTerraformJson(json: any): PolicyPlanEntry[] {
    const tf = new TerraformPlanReader(json, Cloud.AZURE, 'azurerm_');
    const entries: PolicyPlanEntry[] = [];
    const registryName = new Map<string, string>();
    for (const r of tf.resources('azurerm_container_registry')) {
      const b = r.body;
      registryName.set(`<azure:container-registry:${r.path}:id>`, `registry ${b.name}`);
      entries.push(tf.entry(`registry ${b.name}`, 'settings', {
        sku: b.sku,
        admin_enabled: b.admin_enabled ?? false,
        anonymous_pull_enabled: b.anonymous_pull_enabled ?? false,
        public_network_access_enabled: b.public_network_access_enabled ?? true,
        network_rule_set: b.network_rule_set,
        export_policy_enabled: b.export_policy_enabled,
        zone_redundancy_enabled: b.zone_redundancy_enabled,
        data_endpoint_enabled: b.data_endpoint_enabled,
        encryption: b.encryption,
        identity: b.identity,
        georeplications: b.georeplications,
        prevent_destroy: b.lifecycle?.prevent_destroy ?? false,
      }));
      entries.push(tf.entry(`registry ${b.name}`, 'retention-days', { retention_policy_in_days: b.retention_policy_in_days ?? 0 }));
    }
    const scope = (v: any) => registryName.get(tf.name(v)) ?? tf.name(v);
    for (const t of tf.resources('azurerm_container_registry_task')) {
      const yaml = Buffer.from(String(t.body.encoded_step?.task_content ?? ''), 'base64').toString('utf8');
      entries.push(tf.entry(`${scope(t.body.container_registry_id)}`, 'purge-task', [
        `# ${t.body.name}: timer ${(t.body.timer_trigger ?? []).map((x: any) => `${x.schedule}${x.enabled === false ? ' (disabled)' : ''}`).join(', ')}, timeout ${t.body.timeout_in_seconds ?? 3600} s`,
        yaml.trimEnd(),
      ].join('\n')));
    }
    const identityName = new Map<string, string>();
    for (const u of tf.resources('azurerm_user_assigned_identity')) {
      for (const attr of ['id', 'principal_id', 'client_id']) identityName.set(`<azure:user-assigned-identity:${u.path}:${attr}>`, `identity ${u.body.name}`);
    }
    for (const f of tf.resources('azurerm_federated_identity_credential')) {
      const parent = tf.name(f.body.parent_id);
      entries.push(tf.entry(identityName.get(parent) ?? `identity ${parent}`, `federated-credential ${f.body.name}`, {
        issuer: f.body.issuer, subject: f.body.subject, audience: f.body.audience,
      }));
    }
    const assignments = new Map<string, Array<{ role: string; principal: string; condition?: string }>>();
    for (const a of tf.resources('azurerm_role_assignment')) {
      const key = scope(a.body.scope);
      const role = a.body.role_definition_name ?? tf.name(a.body.role_definition_id);
      const principal = tf.name(a.body.principal_id);
      // The ABAC condition is what limits a repository role to its repositories: the reviewer reads it here.
      const condition: string | undefined = a.body.condition;
      const row = { role, principal: identityName.get(principal) ?? principal, ...(condition ? { condition } : {}) };
      assignments.set(key, [...(assignments.get(key) ?? []), row]);
    }
    for (const [s, list] of assignments) {
      entries.push(tf.entry(s.startsWith('registry ') ? s : `scope ${s}`, 'role-assignments',
        list.sort((a, b) => `${a.role} ${a.principal}`.localeCompare(`${b.role} ${b.principal}`))));
    }
    for (const m of tf.resources('azurerm_container_registry_scope_map')) {
      entries.push(tf.entry(`registry ${m.body.container_registry_name}`, `scope-map ${m.body.name}`, [...(m.body.actions ?? [])].sort()));
    }
    for (const t of tf.resources('azurerm_container_registry_token')) {
      entries.push(tf.entry(`registry ${t.body.container_registry_name}`, `token ${t.body.name}`, { scope_map_id: t.body.scope_map_id, enabled: t.body.enabled ?? true }));
    }
    for (const c of tf.resources('azurerm_container_registry_cache_rule')) {
      entries.push(tf.entry(scope(c.body.container_registry_id), `cache-rule ${c.body.name}`, {
        source_repo: c.body.source_repo, target_repo: c.body.target_repo, credential_set_id: c.body.credential_set_id,
      }));
    }
    for (const p of tf.resources('azurerm_security_center_subscription_pricing')) entries.push(tf.entry('subscription', 'defender-plan', p.body));
    for (const l of tf.resources('azurerm_management_lock')) entries.push(tf.entry(scope(l.body.scope), 'management-lock', { lock_level: l.body.lock_level }));
    // Private access and notifications (issue 19).
    const registryOf = (id: any) => registryName.get(tf.name(id)) ?? `registry ${tf.name(id)}`;
    for (const r of tf.resources('azurerm_private_endpoint')) {
      const psc = r.body.private_service_connection ?? {};
      entries.push(tf.entry(registryOf(psc.private_connection_resource_id), 'private-endpoint', {
        subnet_id: r.body.subnet_id,
        subresource_names: psc.subresource_names,
        private_dns_zone_ids: r.body.private_dns_zone_group?.private_dns_zone_ids,
      }));
    }
    const topicRegistry = new Map<string, string>();
    for (const r of tf.resources('azurerm_eventgrid_system_topic')) {
      topicRegistry.set(`<azure:eventgrid-system-topic:${r.path}:name>`, registryOf(r.body.source_resource_id));
    }
    for (const r of tf.resources('azurerm_eventgrid_system_topic_event_subscription')) {
      entries.push(tf.entry(topicRegistry.get(tf.name(r.body.system_topic)) ?? `event-grid ${tf.name(r.body.system_topic)}`, 'event-subscription', {
        included_event_types: r.body.included_event_types,
        webhook_endpoint: r.body.webhook_endpoint ? { url: r.body.webhook_endpoint.url } : undefined,
        storage_queue_endpoint: r.body.storage_queue_endpoint,
      }));
    }
    for (const r of tf.resources('azurerm_container_registry_webhook')) {
      entries.push(tf.entry(`registry ${r.body.registry_name}`, 'webhook', { actions: r.body.actions, service_uri: r.body.service_uri }));
    }
    return entries;
  }
}
