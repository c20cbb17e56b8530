import { CacheRules } from './cache-rules';
import { RegistryIdentities } from './registry-identities';
import { AZURE_TAGS_MAX, azureTagProblems } from './resource-tags';
import { AcrRetention } from './retention-plan';
import { RetentionTagCheck } from '../retention/environment-tag-check';
import { EffectiveSpec } from '../spec/effective';
import { ACR_REGISTRY_NAME, ACR_REGISTRY_NAME_ALLOWED } from '../spec/grammars';
import { Naming } from '../spec/naming';
import { Problems } from '../spec/problems';
import { Cloud, EncryptionType, RegistrySpec } from '../spec/registry-spec';
import { SpecProblem, SpecValidator } from '../spec/validate';

/** The ACR service tier. */
export enum AcrSku {
  /** Basic: no geo-replication, retention policy, network rules, CMK, zone redundancy. */
  BASIC = 'Basic',
  /** Standard: more storage and throughput than Basic; the same features. */
  STANDARD = 'Standard',
  /** Premium: geo-replication, zone redundancy, retention policy, network rules, private link, CMK, export policy, data endpoints. */
  PREMIUM = 'Premium',
}

/** Options of `AcrValidator.problems`: the construct props that change what the spec becomes. */
export interface AcrValidatorOptions {
  /**
   * The service tier: spec features that need Premium (geo-replication, zone
   * redundancy, customer-managed keys) are problems on Basic and Standard, and
   * untagged retention becomes a purge command instead of retention days.
   *
   * @default AcrSku.PREMIUM
   */
  readonly sku?: AcrSku;

  /**
   * The suffix of every registry name (`ContainerRegistryProps.registryNameSuffix`),
   * so that the registry names are checked as they will be.
   *
   * @default - none
   */
  readonly registryNameSuffix?: string;
}

/**
 * Every problem that synthesis of the Azure `ContainerRegistry` raises from the
 * spec alone: the neutral checks for Azure (`SpecValidator`), the retention
 * translation of each registry (`AcrPurgeTranslation`), the environment-tag
 * retention check, the registry names (with the suffix), the SKU requirements of
 * the spec's features, customer-managed encryption, replicas, cache upstreams and
 * the GitHub trusts (exact subjects only). The construct calls it, and so does
 * `container-registry validate --cloud azure`, so the two cannot drift. Props that
 * only the app gives (location, network rules, existing registries, the purge
 * task's schedule) are checked by the construct.
 */
export class AcrValidator {
  /** Every problem of the spec on Azure; empty when `ContainerRegistry` (with these options) synthesizes it. */
  public static problems(spec: RegistrySpec, options: AcrValidatorOptions = {}): SpecProblem[] {
    return AcrValidator._validate(spec, options).problems;
  }

  /**
   * The problems, and each registry's retention translation when the spec is valid,
   * so that the construct uses the translations the validation made instead of
   * translating again. @internal
   */
  public static _validate(spec: RegistrySpec, options: AcrValidatorOptions = {}): { problems: SpecProblem[]; retention: Map<string, AcrRetention> } {
    const neutral = SpecValidator.validate(spec, { clouds: [Cloud.AZURE] }).problems;
    const own = new Problems();
    const retention = new Map<string, AcrRetention>();
    try {
      AcrValidator.azureChecks(spec, options, neutral.length === 0, own, retention);
    } catch (e) {
      // A spec the neutral checks refuse may be too malformed for the Azure checks; its problems are already listed.
      if (neutral.length === 0) throw e;
    }
    // The neutral problems first; an Azure check of the same field and value (the same rule, seen from Azure) is not repeated.
    const seen = new Set(neutral.map(AcrValidator._key));
    return { problems: [...neutral, ...own.list.filter((p) => !seen.has(AcrValidator._key(p)))], retention };
  }

  /** The field and the value of a problem: two checks that name both report the same thing. @internal */
  public static _key(p: SpecProblem): string {
    return `${p.path} ${p.value}`;
  }

  /** The ACR registry names of the spec, each with the physical environments it holds. @internal */
  public static _registries(spec: RegistrySpec, registryNameSuffix?: string): Map<string, string[]> {
    const groups = new Map<string, string[]>();
    for (const env of Naming.physicalEnvironments(spec)) {
      const name = Naming.acrRegistryName(spec, env, registryNameSuffix);
      groups.set(name, [...(groups.get(name) ?? []), env]);
    }
    return groups;
  }

  private static azureChecks(
    spec: RegistrySpec, options: AcrValidatorOptions, valid: boolean, problems: Problems, retention: Map<string, AcrRetention>,
  ): void {
    const sku = options.sku ?? AcrSku.PREMIUM;
    // The labels become tags of every Azure resource (with the construct's tags prop, whose merged count it checks).
    const labels = spec.labels !== null && typeof spec.labels === 'object' ? spec.labels : {};
    problems.addAll(azureTagProblems(labels, 'labels'));
    if (Object.keys(labels).length > AZURE_TAGS_MAX) {
      problems.add('labels', Object.keys(labels).length, `labels become tags of every Azure resource, and Azure takes at most ${AZURE_TAGS_MAX} per resource`);
    }
    const groups = AcrValidator._registries(spec, options.registryNameSuffix);
    for (const [name, envs] of groups) {
      if (!ACR_REGISTRY_NAME.test(name)) {
        const env = envs[0] ? ` (environment "${envs[0]}")` : '';
        const path = options.registryNameSuffix ? 'registryNameSuffix' : 'name';
        const value = options.registryNameSuffix ?? spec.name;
        problems.add(path, value, `gives the registry name "${name}"${env}: ACR names are ${ACR_REGISTRY_NAME_ALLOWED}`);
      }
    }
    // The translation assumes a spec the neutral checks accept. Native untagged retention needs Premium.
    if (valid) {
      for (const [name, envs] of groups) {
        const plan = AcrRetention.plan(spec, envs, sku === AcrSku.PREMIUM);
        retention.set(name, plan);
        for (const message of plan.problems) {
          problems.add('retention', undefined, `cannot be translated for registry "${name}": ${message}`);
        }
      }
    }
    problems.addAll(RetentionTagCheck.check(spec));

    const replicas = (spec.replication?.replicas ?? []).filter((r) => r.cloud === undefined || r.cloud === Cloud.AZURE);
    const cmk = EffectiveSpec.encryptionType(spec) === EncryptionType.CUSTOMER_MANAGED;
    if (Object.values(AcrSku).includes(sku) && sku !== AcrSku.PREMIUM) {
      const premium = (path: string, value: unknown, feature: string) => problems.add(path, value, `asks for ${feature}, which needs the Premium SKU (sku is "${sku}")`);
      if (replicas.length) premium('replication.replicas', replicas.map((r) => r.region), 'geo-replication');
      if (replicas.some((r) => r.zoneRedundant)) premium('replication.replicas[].zoneRedundant', true, 'zone-redundant replicas');
      if (cmk) premium('encryption.type', EncryptionType.CUSTOMER_MANAGED, 'customer-managed key encryption');
    }
    const seen = new Set<string>();
    for (const r of replicas) {
      if (seen.has(r.region)) problems.add('replication.replicas', r.region, 'is listed twice');
      seen.add(r.region);
    }
    if (cmk && !spec.encryption?.azureKeyVaultKeyId) {
      problems.add('encryption.azureKeyVaultKeyId', undefined, 'is required on Azure with encryption.type "customer-managed" (the Key Vault key id)');
    }
    problems.addAll(CacheRules.problems(spec.upstreamCaches ?? []));
    problems.addAll(RegistryIdentities.problems(spec));
  }
}
