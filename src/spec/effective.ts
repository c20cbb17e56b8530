import { Naming } from './naming';
import {
  EncryptionType,
  EnvironmentLayout,
  RegistrySpec,
  RepositorySpec,
  RetentionPolicySpec,
  ScanMode,
  ScanningSpec,
  TagPolicySpec,
  TagStrategy,
} from './registry-spec';
import { SpecMemo } from './spec-memo';

/** A tag policy with every default filled in. */
export interface EffectiveTagPolicy {
  /** Whether tags are write-once (except `mutableTags`). */
  readonly immutable: boolean;
  /** Tag patterns that stay movable. */
  readonly mutableTags: string[];
  /** The tagging strategy. */
  readonly strategy: TagStrategy;
  /** Whether `1.2` / `1` aliases move with each release. */
  readonly semverAliases: boolean;
}

/** One image repository in one environment, with the registry defaults applied. */
export interface EffectiveRepository {
  /** The image name (`api`). */
  readonly image: string;
  /** The environment, or an empty string when the spec has none or uses the `tags` layout. */
  readonly environment: string;
  /** The effective tag policy. */
  readonly tagPolicy: EffectiveTagPolicy;
  /** The effective retention policy (no rules: nothing is deleted). */
  readonly retention: RetentionPolicySpec;
  /** The effective scanning mode. */
  readonly scanMode: ScanMode;
}

/**
 * The spec's defaults, in one place: what a field that is not given means.
 * The README's "Defaults" section lists the same values.
 */
export class EffectiveSpec {
  /** The current version of the spec format. */
  public static readonly SPEC_VERSION = 1;

  /** The effective tag policy of a repository (its override, else the registry's, else the default). */
  public static tagPolicy(spec: RegistrySpec, repository?: RepositorySpec): EffectiveTagPolicy {
    const given: TagPolicySpec = repository?.tagPolicy ?? spec.tagPolicy ?? {};
    const envTags = Naming.layout(spec) === EnvironmentLayout.TAGS ? Naming.environmentNames(spec) : [];
    return {
      immutable: given.immutable ?? true,
      mutableTags: given.mutableTags ?? ['latest', ...envTags],
      strategy: given.strategy ?? TagStrategy.SEMVER,
      semverAliases: given.semverAliases ?? (given.strategy ?? TagStrategy.SEMVER) === TagStrategy.SEMVER,
    };
  }

  /** The effective retention policy of a repository. */
  public static retention(spec: RegistrySpec, repository?: RepositorySpec): RetentionPolicySpec {
    return repository?.retention ?? spec.retention ?? {};
  }

  /** The effective scanning settings of a repository. */
  public static scanning(spec: RegistrySpec, repository?: RepositorySpec): ScanningSpec {
    const given = repository?.scanning ?? spec.scanning ?? {};
    return { ...given, mode: given.mode ?? ScanMode.ON_PUSH };
  }

  /** The effective encryption type. */
  public static encryptionType(spec: RegistrySpec): EncryptionType {
    return spec.encryption?.type ?? EncryptionType.PROVIDER_MANAGED;
  }

  /**
   * Every image repository in every physical environment, in spec order
   * (environments outer, images inner).
   */
  public static repositories(spec: RegistrySpec): EffectiveRepository[] {
    return SpecMemo._get(spec, 'EffectiveSpec.repositories', () => EffectiveSpec.computeRepositories(spec));
  }

  private static computeRepositories(spec: RegistrySpec): EffectiveRepository[] {
    const result: EffectiveRepository[] = [];
    for (const environment of Naming.physicalEnvironments(spec)) {
      for (const repo of spec.repositories) {
        result.push({
          image: repo.name,
          environment,
          tagPolicy: EffectiveSpec.tagPolicy(spec, repo),
          retention: EffectiveSpec.retention(spec, repo),
          scanMode: EffectiveSpec.scanning(spec, repo).mode!,
        });
      }
    }
    return result;
  }
}
