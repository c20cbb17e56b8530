import { App, TerraformStack } from 'cdktf';
import { ContainerRegistry } from './container-registry';
import { Cloud, PolicyPlanEntry, RegistrySpec } from '../spec';
import { TerraformPlanReader } from '../terraform/terraform-plan-reader';

/**
 * Every policy a Harbor registry produces, read from the synthesized Terraform
 * JSON: per project its settings (public, quota, scan on push, deployment
 * security, CVE allowlist, cosign), its retention rule blocks and schedule, its
 * immutable tag rules, its robots' permissions and its webhook of `notifications`; the
 * proxy-cache endpoints and projects; the replication endpoints and policies. References are stable named
 * placeholders.
 */
export class HarborPolicyPlan {
  /** Builds the spec into a `harbor.ContainerRegistry` in a fresh stack and plans it. */
  public static fromSpec(spec: RegistrySpec): PolicyPlanEntry[] {
    const stack = new TerraformStack(new App({ skipValidation: true }), 'plan');
    // The webhook address of notifications is what only an app knows: a placeholder (as AcrPolicyPlan's; issue 19).
    const hook = spec.notifications ? { webhookAddress: 'https://events.example.invalid' } : {};
    new ContainerRegistry(stack, 'Registry', { spec, url: 'https://harbor.example.com', outputs: false, ...hook });
    return HarborPolicyPlan.fromTerraformJson(stack.toTerraform());
  }

  /** Plans synthesized Terraform JSON (the `cdk.tf.json` of a stack, parsed). */
  public static fromTerraformJson(json: any): PolicyPlanEntry[] {
    const tf = new TerraformPlanReader(json, Cloud.HARBOR, 'harbor_');
    const entries: PolicyPlanEntry[] = [];
    const projectName = new Map<string, string>();
    const registryName = new Map<string, string>();
    for (const r of tf.resources('harbor_registry')) registryName.set(`<harbor:registry:${r.path}:registry_id>`, `endpoint ${r.body.name}`);
    for (const p of tf.resources('harbor_project')) {
      const b = p.body;
      projectName.set(`<harbor:project:${p.path}:id>`, `project ${b.name}`);
      entries.push(tf.entry(`project ${b.name}`, 'settings', {
        public: b.public ?? false,
        storage_quota_gib: b.storage_quota ?? -1,
        vulnerability_scanning: b.vulnerability_scanning ?? true,
        deployment_security: b.deployment_security ?? 'off',
        cve_allowlist: b.cve_allowlist ?? [],
        enable_content_trust_cosign: b.enable_content_trust_cosign ?? false,
        proxy_cache_of: b.registry_id === undefined ? undefined : registryName.get(tf.name(b.registry_id)) ?? tf.name(b.registry_id),
        prevent_destroy: b.lifecycle?.prevent_destroy ?? false,
      }));
    }
    const project = (v: any) => projectName.get(tf.name(v)) ?? tf.name(v);
    for (const r of tf.resources('harbor_retention_policy')) {
      entries.push(tf.entry(project(r.body.scope), 'retention-policy', { schedule: r.body.schedule ?? '(none: run by hand)', rules: r.body.rule }));
    }
    const immutable = new Map<string, any[]>();
    for (const r of tf.resources('harbor_immutable_tag_rule')) {
      const key = project(r.body.project_id);
      const { project_id: _p, provider: _v, ...rule } = r.body;
      immutable.set(key, [...(immutable.get(key) ?? []), rule]);
    }
    for (const [p, rules] of immutable) entries.push(tf.entry(p, 'immutable-tag-rules', rules.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))));
    for (const r of tf.resources('harbor_robot_account')) {
      for (const perm of r.body.permissions ?? []) {
        entries.push(tf.entry(`project ${perm.namespace}`, `robot ${r.body.name}`, {
          level: r.body.level,
          access: (perm.access ?? []).map((a: any) => `${a.resource}:${a.action}`).sort(),
        }));
      }
    }
    for (const r of tf.resources('harbor_project_webhook')) {
      entries.push(tf.entry(project(r.body.project_id), `webhook ${r.body.name}`, {
        address: r.body.address,
        notify_type: r.body.notify_type,
        events_types: r.body.events_types,
        skip_cert_verify: r.body.skip_cert_verify,
        auth_header: r.body.auth_header === undefined ? undefined : '(variable)',
        enabled: r.body.enabled,
      }));
    }
    for (const r of tf.resources('harbor_registry')) {
      entries.push(tf.entry(`endpoint ${r.body.name}`, 'registry', {
        provider_name: r.body.provider_name, endpoint_url: r.body.endpoint_url, access_id: r.body.access_id, access_secret: r.body.access_secret ? '(variable)' : undefined,
      }));
    }
    for (const r of tf.resources('harbor_replication')) {
      entries.push(tf.entry(registryName.get(tf.name(r.body.registry_id)) ?? tf.name(r.body.registry_id), `replication ${r.body.name}`, {
        action: r.body.action, schedule: r.body.schedule, filters: r.body.filters, deletion: r.body.deletion ?? false, override: r.body.override,
      }));
    }
    return entries;
  }
}
