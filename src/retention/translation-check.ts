import { AcrPurgeTranslation } from './acr-translation';
import { EcrLifecycleTranslation } from './ecr-translation';
import { GarCleanupTranslation } from './gar-translation';
import { HarborRetentionTranslation } from './harbor-translation';
import { Cloud, EffectiveSpec, EnvironmentLayout, Naming, RegistrySpec, RetentionPolicySpec, SpecProblem } from '../spec';
import { rulesFor } from '../spec/retention-rules';

/**
 * Runs each cloud's retention translation over a spec, the way the constructs
 * will, and reports the policies a cloud cannot express (more than 10 Artifact
 * Registry cleanup policies, more than 50 ECR rules or 30,720 characters, ...) as
 * spec problems, so that `validate --cloud` catches them before synthesis.
 */
export class RetentionTranslationCheck {
  /** The translation problems of the spec on each of the clouds. */
  public static check(spec: RegistrySpec, clouds: Cloud[] = [Cloud.AWS, Cloud.GCP, Cloud.AZURE]): SpecProblem[] {
    const problems: SpecProblem[] = [];
    const pathOf = (policy: RetentionPolicySpec) => {
      const i = spec.repositories.findIndex((r) => r.retention === policy);
      return i >= 0 ? `repositories[${i}].retention` : 'retention';
    };
    const report = (path: string, cloud: string, e: unknown) => {
      const message = (e as Error).message ?? String(e);
      if (!problems.some((p) => p.path === path && p.message.endsWith(message))) {
        problems.push({ path, value: 'undefined', message: `cannot be expressed on ${cloud}: ${message}` });
      }
    };
    const repos = EffectiveSpec.repositories(spec);
    const hasRules = (policy: RetentionPolicySpec, cloud: Cloud) => rulesFor(policy, cloud).length > 0;

    if (clouds.includes(Cloud.AWS)) {
      const seen = new Set<RetentionPolicySpec>();
      for (const r of repos.filter((x) => hasRules(x.retention, Cloud.AWS))) {
        if (seen.has(r.retention)) continue;
        seen.add(r.retention);
        try {
          EcrLifecycleTranslation.translate(r.retention, { repositoryName: Naming.ecrRepositoryName(spec, r.image, r.environment) });
        } catch (e) {
          report(pathOf(r.retention), 'ECR', e);
        }
      }
    }
    if (clouds.includes(Cloud.GCP)) {
      // Every environment's repository holds the same images with the same policies: translate one.
      const env = Naming.physicalEnvironments(spec)[0];
      const packages = repos.filter((r) => r.environment === env && hasRules(r.retention, Cloud.GCP))
        .map((r) => ({ packageName: Naming.garPackageName(spec, r.image), policy: r.retention }));
      if (packages.length) {
        try {
          GarCleanupTranslation.translate(packages, { allPackageNames: spec.repositories.map((r) => Naming.garPackageName(spec, r.name)) });
        } catch (e) {
          report('retention', 'Artifact Registry', e);
        }
      }
    }
    if (clouds.includes(Cloud.AZURE)) {
      const envs = Naming.physicalEnvironments(spec);
      const registries = Naming.layout(spec) === EnvironmentLayout.REGISTRIES ? envs.map((e) => [e]) : [envs];
      for (const held of registries) {
        const all = EffectiveSpec.repositories(spec).filter((r) => held.includes(r.environment));
        const withRules = all.filter((r) => hasRules(r.retention, Cloud.AZURE))
          .map((r) => ({ repository: Naming.acrRepositoryPath(spec, r.image, r.environment), policy: r.retention }));
        if (!withRules.length) continue;
        try {
          AcrPurgeTranslation.translate(withRules, { allRepositories: all.map((r) => Naming.acrRepositoryPath(spec, r.image, r.environment)) });
        } catch (e) {
          report('retention', 'ACR', e);
        }
      }
    }
    if (clouds.includes(Cloud.HARBOR)) {
      // One Harbor retention policy per project (15 rules at most), over the repositories with rules.
      for (const project of HarborRetentionTranslation.projects(spec)) {
        const withRules = project.repositories.filter((r) => hasRules(r.policy, Cloud.HARBOR));
        if (!withRules.length) continue;
        try {
          HarborRetentionTranslation.translate(withRules);
        } catch (e) {
          report('retention', `Harbor (project "${project.project}")`, e);
        }
      }
    }
    return problems;
  }
}
