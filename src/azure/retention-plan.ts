import { AcrPurgeTranslation } from '../retention/acr-translation';
import { TranslationFidelity } from '../retention/translation-report';
import { EffectiveSpec } from '../spec/effective';
import { Naming } from '../spec/naming';
import { Cloud, RegistrySpec, RetentionPolicySpec } from '../spec/registry-spec';
import { rulesFor } from '../spec/retention-rules';

/** One repository of a registry with its effective retention policy. */
export interface AcrRepositoryPolicy {
  readonly repository: string;
  readonly policy: RetentionPolicySpec;
}

/**
 * The retention of one ACR registry (internal; not exported from the index):
 * the repositories it holds with their effective policies, passed to
 * `AcrPurgeTranslation`, whose result (retention days, purge commands, report)
 * the construct uses as is.
 */
export class AcrRetention {
  /** The retention of the registry holding these physical environments. */
  public static plan(spec: RegistrySpec, environments: string[], nativeRetention: boolean = true): AcrRetention {
    const repositories: AcrRepositoryPolicy[] = [];
    for (const env of environments) {
      for (const repo of spec.repositories) {
        repositories.push({ repository: Naming.acrRepositoryPath(spec, repo.name, env), policy: EffectiveSpec.retention(spec, repo) });
      }
    }
    return new AcrRetention(repositories, nativeRetention);
  }

  /** `retention_policy_in_days` from the translation, or undefined (disabled). */
  public readonly retentionDays?: number;
  /** The translation's `acr purge` commands, as it produced them. */
  public readonly commands: string[] = [];
  /** The translation's warnings and the reasons of its conservative rules. */
  public readonly warnings: string[] = [];
  /** Why the policies cannot be translated (the translation's error), if they cannot. */
  public readonly problems: string[] = [];
  /** Whether every repository with rules asks for a dry run (every command then carries `--dry-run`). */
  public readonly dryRun: boolean;

  private constructor(public readonly repositories: AcrRepositoryPolicy[], nativeRetention: boolean) {
    // The rules ACR applies: azureRules when set (a policy with only azureRules is translated too).
    const withRules = repositories.filter((r) => rulesFor(r.policy, Cloud.AZURE).length > 0);
    this.dryRun = withRules.length > 0 && withRules.every((r) => r.policy.dryRun === true);
    if (withRules.length === 0) return;
    try {
      // Each repository's own `dryRun` (the effective policy) puts --dry-run on its commands.
      const result = AcrPurgeTranslation.translate(withRules, { allRepositories: repositories.map((r) => r.repository), nativeRetention });
      this.retentionDays = result.retentionDays;
      this.commands = result.commands;
      this.warnings = [
        ...result.report.warnings,
        ...result.report.rules.filter((r) => r.fidelity === TranslationFidelity.CONSERVATIVE && r.reason).map((r) => `keeps more than the spec: ${r.reason}`),
      ];
    } catch (e) {
      this.problems = [(e as Error).message];
    }
  }
}
