import { EffectiveSpec } from '../spec/effective';
import { Glob } from '../spec/glob';
import { Naming } from '../spec/naming';
import { EnvironmentLayout, RegistrySpec, RetentionPolicySpec, RetentionRuleSpec, TagState } from '../spec/registry-spec';
import { archives, overArchived } from '../spec/retention-rules';
import { SpecProblem } from '../spec/validate';

/**
 * Checks that the retention policy and the tag policy agree: a policy that could
 * expire the image an environment tag points to is an error, unless the policy
 * sets `allowExpiringEnvironmentTags`.
 *
 * Environment tags are the environment names of the chain when they are used as
 * tags: always with the `tags` layout, and with any layout when the effective tag
 * policy lists them among its mutable tags. An image tagged `prod` is safe only
 * when a protected pattern matches `prod`: otherwise the first rule that selects
 * tagged images could decide it (a rule whose pattern matches `prod`, or any
 * tagged rule through another tag of the same image, or an `any` rule).
 */
export class RetentionTagCheck {
  /** Problems where a retention policy could expire an environment tag's image (unless retention.allowExpiringEnvironmentTags). */
  public static check(spec: RegistrySpec): SpecProblem[] {
    const problems: SpecProblem[] = [];
    const envs = Naming.environmentNames(spec);
    if (envs.length === 0) return problems;
    const tagsLayout = Naming.layout(spec) === EnvironmentLayout.TAGS;
    // Each distinct policy location once: the registry's, then each repository override.
    const locations: Array<{ path: string; policy: RetentionPolicySpec; envTags: string[] }> = [];
    const repos = spec.repositories ?? [];
    const envTagsOf = (repoIndex: number | undefined): string[] => {
      const mutable = EffectiveSpec.tagPolicy(spec, repoIndex === undefined ? undefined : repos[repoIndex]).mutableTags;
      return envs.filter((e) => tagsLayout || Glob.matchesAny(mutable, e));
    };
    const registryUsers = repos.map((r, k) => (r.retention ? undefined : k)).filter((k): k is number => k !== undefined);
    if (spec.retention && registryUsers.length > 0) {
      const envTags = [...new Set(registryUsers.flatMap((k) => envTagsOf(k)))];
      locations.push({ path: 'retention', policy: spec.retention, envTags });
    }
    repos.forEach((r, k) => {
      if (r.retention) locations.push({ path: `repositories[${k}].retention`, policy: r.retention, envTags: envTagsOf(k) });
    });
    for (const { path, policy, envTags } of locations) {
      if (policy.allowExpiringEnvironmentTags) continue;
      const protectedTags = policy.protectedTags ?? [];
      const rules = policy.rules ?? [];
      for (const env of envTags) {
        if (Glob.matchesAny(protectedTags, env)) continue;
        // The rule that selects the tag itself, else the first rule that can select a tagged image (through another tag).
        // Rules over archived images are left out: they only expire images already archived.
        const direct = rules.findIndex((r) => !overArchived(r) && (r.tagState === TagState.ANY
          || (r.tagState === TagState.TAGGED && Glob.matchesAny(r.tagPatterns ?? [], env))));
        const first = rules.findIndex((r) => !overArchived(r) && r.tagState !== TagState.UNTAGGED);
        const index = direct >= 0 ? direct : first;
        if (index < 0) continue;
        const rule = rules[index];
        const how = direct >= 0
          ? rule.tagState === TagState.ANY ? 'selects every image' : `selects it (pattern ${(rule.tagPatterns ?? []).find((p) => Glob.matches(p, env))})`
          : `selects an image tagged "${env}" that also carries a tag matching ${(rule.tagPatterns ?? []).join(', ')}`;
        problems.push({
          path: `${path}.rules[${index}]`,
          value: JSON.stringify(env),
          message: `could expire the image the environment tag "${env}" points to: this rule ${how} and ` +
            `${ruleWords(rule)}. ` +
            `Add "${env}" to ${path}.protectedTags, or set ${path}.allowExpiringEnvironmentTags: true`,
        });
      }
    }
    return problems;
  }
}

/** What the rule does, in the words of this check's messages (archiving also makes the image unpullable). */
function ruleWords(rule: RetentionRuleSpec): string {
  const archive = archives(rule);
  const verb = archive ? 'archives' : 'expires';
  const words = rule.keepMostRecent !== undefined
    ? (archive ? `archives all but the ${rule.keepMostRecent} most recent` : `keeps only the ${rule.keepMostRecent} most recent`)
    : rule.keepMostRecentlyPulled !== undefined
      ? (archive ? `archives all but the ${rule.keepMostRecentlyPulled} most recently pulled` : `keeps only the ${rule.keepMostRecentlyPulled} most recently pulled`)
      : rule.notPulledForDays !== undefined
        ? `${verb} images not pulled for ${rule.notPulledForDays} days`
        : `${verb} images older than ${rule.expireAfterDays} days`;
  return `${words}${archive ? ' (an archived image cannot be pulled until it is restored)' : ''}`;
}
