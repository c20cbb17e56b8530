import { App, TerraformStack } from 'cdktf';
import { ContainerRegistry } from './artifact-registry';
import { Cloud, PolicyPlanEntry, RegistrySpec } from '../spec';
import { TerraformPlanReader } from '../terraform/terraform-plan-reader';

/** Options of `GarPolicyPlan.fromSpec`. */
export interface GarPolicyPlanOptions {
  /**
   * The project written into the plan.
   *
   * @default "my-project"
   */
  readonly project?: string;

  /**
   * The location written into the plan.
   *
   * @default "us"
   */
  readonly location?: string;
}

/**
 * Every policy a GCP registry produces, read from the synthesized Terraform JSON:
 * per repository its cleanup policies (and dry run), `docker_config`, encryption,
 * scanning, mode and upstreams, and its IAM members; per service account its
 * impersonation bindings; the workload identity provider's issuer, mapping and
 * attribute condition. References are stable named placeholders.
 */
export class GarPolicyPlan {
  /** Builds the spec into a `gcp.ContainerRegistry` in a fresh stack and plans it. */
  public static fromSpec(spec: RegistrySpec, options: GarPolicyPlanOptions = {}): PolicyPlanEntry[] {
    const stack = new TerraformStack(new App({ skipValidation: true }), 'plan');
    // Private access and notifications need what only an app knows: placeholders (issue 19).
    const perimeter = spec.network?.privateAccess && !spec.network.gcpServicePerimeter ? { servicePerimeter: { accessPolicy: '0' } } : {};
    const number = spec.network?.privateAccess || spec.notifications ? { projectNumber: '0' } : {};
    new ContainerRegistry(stack, 'Registry', {
      spec, project: options.project ?? 'my-project', location: options.location ?? 'us', outputs: false, ...perimeter, ...number,
    });
    return GarPolicyPlan.fromTerraformJson(stack.toTerraform());
  }

  /** Plans synthesized Terraform JSON (the `cdk.tf.json` of a stack, parsed). */
  public static fromTerraformJson(json: any): PolicyPlanEntry[] {
    const tf = new TerraformPlanReader(json, Cloud.GCP, 'google_');
    const entries: PolicyPlanEntry[] = [];
    const repoName = new Map<string, string>();
    for (const r of tf.resources('google_artifact_registry_repository')) {
      const b = r.body;
      const name = `repository ${b.repository_id}`;
      repoName.set(`<gcp:artifact-registry-repository:${r.path}:name>`, name);
      repoName.set(`<gcp:artifact-registry-repository:${r.path}:repository_id>`, name);
      entries.push(tf.entry(name, 'cleanup-policies', { cleanup_policy_dry_run: b.cleanup_policy_dry_run ?? false, cleanup_policies: b.cleanup_policies ?? [] }));
      entries.push(tf.entry(name, 'settings', {
        format: b.format,
        mode: b.mode ?? 'STANDARD_REPOSITORY',
        location: b.location,
        docker_config: b.docker_config,
        kms_key_name: b.kms_key_name,
        vulnerability_scanning_config: b.vulnerability_scanning_config,
        prevent_destroy: b.lifecycle?.prevent_destroy ?? false,
        labels: b.labels,
      }));
      if (b.remote_repository_config) entries.push(tf.entry(name, 'remote-repository', b.remote_repository_config));
      if (b.virtual_repository_config) entries.push(tf.entry(name, 'virtual-repository', b.virtual_repository_config));
    }
    const members = new Map<string, Array<{ role: string; member: string }>>();
    for (const m of tf.resources('google_artifact_registry_repository_iam_member')) {
      const repo = tf.name(m.body.repository);
      const key = repoName.get(repo) ?? `repository ${repo}`;
      members.set(key, [...(members.get(key) ?? []), { role: m.body.role, member: tf.name(m.body.member) }]);
    }
    for (const [repo, list] of members) {
      entries.push(tf.entry(repo, 'iam-members', list.sort((a, b) => `${a.role} ${a.member}`.localeCompare(`${b.role} ${b.member}`))));
    }
    const accountName = new Map<string, string>();
    for (const sa of tf.resources('google_service_account')) {
      for (const attr of ['name', 'id', 'email', 'member']) accountName.set(`<gcp:service-account:${sa.path}:${attr}>`, `service-account ${sa.body.account_id}`);
      entries.push(tf.entry(`service-account ${sa.body.account_id}`, 'service-account', { account_id: sa.body.account_id, display_name: sa.body.display_name }));
    }
    const bindings = new Map<string, Array<{ role: string; member: string }>>();
    for (const b of tf.resources('google_service_account_iam_member')) {
      const target = tf.name(b.body.service_account_id);
      const key = accountName.get(target) ?? `service-account ${target}`;
      bindings.set(key, [...(bindings.get(key) ?? []), { role: b.body.role, member: tf.name(b.body.member) }]);
    }
    for (const [sa, list] of bindings) entries.push(tf.entry(sa, 'trust-bindings', list.sort((a, b) => a.member.localeCompare(b.member))));
    for (const p of tf.resources('google_iam_workload_identity_pool_provider')) {
      entries.push(tf.entry(`workload-identity-provider ${p.body.workload_identity_pool_provider_id}`, 'trust-condition', {
        issuer_uri: p.body.oidc?.issuer_uri, attribute_mapping: p.body.attribute_mapping, attribute_condition: p.body.attribute_condition,
      }));
    }
    for (const s of tf.resources('google_project_service')) entries.push(tf.entry(`project-service ${s.body.service}`, 'service', s.body));
    // Private access and notifications (issue 19).
    for (const r of tf.resources('google_access_context_manager_service_perimeter')) {
      entries.push(tf.entry(`service-perimeter ${r.body.name}`, 'perimeter', { perimeter_type: r.body.perimeter_type, status: r.body.status }));
    }
    for (const r of tf.resources('google_access_context_manager_service_perimeter_resource')) {
      entries.push(tf.entry(`service-perimeter ${r.body.perimeter_name}`, 'member', { resource: tf.name(r.body.resource) }));
    }
    for (const r of tf.resources('google_pubsub_subscription')) {
      entries.push(tf.entry(`subscription ${r.body.name}`, 'subscription', { topic: tf.name(r.body.topic), push_config: r.body.push_config }));
    }
    for (const r of tf.resources('google_pubsub_topic_iam_member')) {
      entries.push(tf.entry(`topic ${tf.name(r.body.topic)}`, `iam-member ${r.body.role}`, { member: tf.name(r.body.member) }));
    }
    for (const r of tf.resources('google_pubsub_subscription_iam_member')) {
      entries.push(tf.entry(`subscription ${tf.name(r.body.subscription)}`, `iam-member ${r.body.role}`, { member: tf.name(r.body.member) }));
    }
    for (const s of tf.resources('google_secret_manager_secret_iam_member')) {
      entries.push(tf.entry(`secret ${tf.name(s.body.secret_id)}`, 'iam-member', { role: s.body.role, member: tf.name(s.body.member) }));
    }
    return entries;
  }
}
