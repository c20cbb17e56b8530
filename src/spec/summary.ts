import { EffectiveSpec } from './effective';
import { Naming } from './naming';
import { Cloud, IdentitySpec, RegistrySpec, RetentionPolicySpec, RetentionRuleSpec, StorageClass, TagState } from './registry-spec';
import { criterionWords } from './retention-rules';

/**
 * A short, human summary of what a spec describes: the layout, the native names
 * on each cloud, the tag, retention and scanning policies and the identities.
 * Used by the README's main command and the CLI.
 */
export class SpecSummary {
  /** Renders the summary as text lines. */
  public static describe(spec: RegistrySpec, clouds: Cloud[] = [Cloud.AWS, Cloud.GCP, Cloud.AZURE]): string {
    const lines: string[] = [];
    const envs = Naming.environmentNames(spec);
    const physical = Naming.physicalEnvironments(spec);
    lines.push(`registry "${spec.name}": ${spec.repositories.length} repositor${spec.repositories.length === 1 ? 'y' : 'ies'} (${spec.repositories.map((r) => r.name).join(', ')})`);
    lines.push(envs.length
      ? `environments: ${envs.join(' -> ')} (layout: ${Naming.layout(spec)})`
      : 'environments: none (no promotion)');
    const first = spec.repositories[0].name;
    for (const cloud of clouds) {
      const names = physical.map((env) => {
        switch (cloud) {
          case Cloud.AWS: return Naming.ecrRepositoryName(spec, first, env);
          case Cloud.GCP: return `${Naming.garRepositoryId(spec, env)}/${Naming.garPackageName(spec, first)}`;
          case Cloud.HARBOR: return `${Naming.harborProjectName(spec, env || undefined)}/${Naming.harborRepositoryPath(spec, first, env || undefined)}`;
          default: return `${Naming.acrRegistryName(spec, env)}/${Naming.acrRepositoryPath(spec, first, env)}`;
        }
      });
      const what = cloud === Cloud.AWS ? 'ECR repositories' : cloud === Cloud.GCP ? 'Artifact Registry' : cloud === Cloud.HARBOR ? 'Harbor projects' : 'ACR';
      const count = cloud === Cloud.AWS ? ` (${physical.length * spec.repositories.length} repositories)` : '';
      lines.push(`  ${cloud}: ${what} ${names.join(', ')}${physical.length * spec.repositories.length > 1 ? ', ...' : ''}${count}`);
    }
    const tags = EffectiveSpec.tagPolicy(spec);
    lines.push(`tags: ${tags.immutable ? `immutable except ${tags.mutableTags.join(', ') || 'none'}` : 'mutable'}; strategy ${tags.strategy}${tags.semverAliases ? ' with 1.2 / 1 aliases' : ''}`);
    lines.push(`retention: ${SpecSummary.retention(EffectiveSpec.retention(spec))}`);
    const overrides = spec.repositories.filter((r) => r.retention || r.tagPolicy || r.scanning).map((r) => r.name);
    if (overrides.length) lines.push(`  overridden by: ${overrides.join(', ')}`);
    lines.push(`scanning: ${EffectiveSpec.scanning(spec).mode}; encryption: ${EffectiveSpec.encryptionType(spec)}`);
    const access = spec.access ?? {};
    for (const role of ['pushers', 'pullers', 'promoters'] as const) {
      const ids = access[role] ?? [];
      if (ids.length) lines.push(`${role}: ${ids.map(SpecSummary.identity).join('; ')}`);
    }
    if (spec.replication) {
      lines.push(`replicas: ${spec.replication.replicas.map((r) => r.cloud ? `${r.region} (${r.cloud})` : r.region).join(', ')}`);
    }
    if (spec.upstreamCaches?.length) lines.push(`upstream caches: ${spec.upstreamCaches.map((c) => `${c.name} (${c.upstream})`).join(', ')}`);
    return lines.join('\n');
  }

  /** Describes a retention policy in one line. */
  public static retention(policy: RetentionPolicySpec): string {
    const rules = policy.rules ?? [];
    if (rules.length === 0) return 'none (nothing is deleted)';
    const prot = policy.protectedTags?.length ? `protect ${policy.protectedTags.join(', ')}; ` : '';
    return `${prot}${rules.map((r, i) => `${i + 1}. ${SpecSummary.rule(r)}`).join('; ')}${policy.dryRun ? ' (dry run)' : ''}`;
  }

  private static rule(rule: RetentionRuleSpec): string {
    const sel = rule.tagState === TagState.TAGGED ? `tagged ${rule.tagPatterns?.join('|')}` : rule.tagState;
    if (rule.keepMostRecent !== undefined && rule.action === undefined) return `keep ${rule.keepMostRecent} most recent ${sel}`;
    if (rule.expireAfterDays !== undefined && rule.action === undefined) return `expire ${sel} after ${rule.expireAfterDays} days`;
    return `${criterionWords(rule)} (${rule.storageClass === StorageClass.ARCHIVE ? 'archived ' : ''}${sel})`;
  }

  private static identity(id: IdentitySpec): string {
    const parts: string[] = [];
    if (id.github) {
      const ref = id.github.branch ? `branch ${id.github.branch}` : id.github.environment ? `environment ${id.github.environment}` : `tag ${id.github.tag}`;
      parts.push(`GitHub ${id.github.repository} (${ref})`);
    }
    const existing = [id.awsPrincipalArns, id.awsAccountIds, id.gcpMembers, id.azurePrincipalIds]
      .reduce((n, list) => n + (list?.length ?? 0), 0);
    if (existing) parts.push(`${existing} existing principal${existing === 1 ? '' : 's'}`);
    return `${id.name} [${parts.join(', ')}]`;
  }
}
