import { EnvironmentLayout, RegistrySpec } from './registry-spec';

/**
 * The native names the spec produces on each cloud, in one place so that
 * validation checks exactly the names the constructs create.
 *
 * | layout | ECR repository | Artifact Registry repository / package | ACR registry / repository |
 * | --- | --- | --- | --- |
 * | tags | `platform/api` | `platform` / `api` | `platform` / `api` |
 * | repositories | `platform/dev/api` | `platform-dev` / `api` | `platform` / `dev/api` |
 * | registries | `platform-dev/api` | `platform-dev` / `api` | `platformdev` / `api` |
 *
 * Harbor (project / repository): `tags` -> `platform` / `api`; `repositories` ->
 * `platform` / `dev/api`; `registries` -> `platform-dev` / `api`.
 */
export class Naming {
  /** The layout in effect (`repositories` when environments are given without one). */
  public static layout(spec: RegistrySpec): EnvironmentLayout {
    return spec.environments?.layout ?? EnvironmentLayout.REPOSITORIES;
  }

  /**
   * The environment names in promotion order; a spec without environments has
   * one unnamed environment, returned as an empty list.
   */
  public static environmentNames(spec: RegistrySpec): string[] {
    return (spec.environments?.chain ?? []).map((e) => e.name);
  }

  /**
   * The environments that get their own repositories or registries: the chain
   * with the `repositories` and `registries` layouts, otherwise one entry,
   * `undefined` for "no environment" (returned as an empty string).
   */
  public static physicalEnvironments(spec: RegistrySpec): string[] {
    const envs = Naming.environmentNames(spec);
    if (envs.length === 0 || Naming.layout(spec) === EnvironmentLayout.TAGS) {
      return [''];
    }
    return envs;
  }

  /** The ECR repository name of an image in an environment. */
  public static ecrRepositoryName(spec: RegistrySpec, image: string, environment?: string): string {
    const env = Naming.physical(spec, environment);
    if (!env) return `${spec.name}/${image}`;
    return Naming.layout(spec) === EnvironmentLayout.REGISTRIES
      ? `${spec.name}-${env}/${image}`
      : `${spec.name}/${env}/${image}`;
  }

  /** The Artifact Registry repository id that holds an environment's images. */
  public static garRepositoryId(spec: RegistrySpec, environment?: string): string {
    const env = Naming.physical(spec, environment);
    return env ? `${spec.name}-${env}` : spec.name;
  }

  /** The Artifact Registry package (image path inside the repository) of an image. */
  public static garPackageName(_spec: RegistrySpec, image: string): string {
    return image;
  }

  /**
   * The ACR registry name of an environment: the registry name without hyphens
   * (ACR names are alphanumeric), plus the environment with the `registries`
   * layout, plus an optional suffix for global uniqueness.
   */
  public static acrRegistryName(spec: RegistrySpec, environment?: string, suffix?: string): string {
    const env = Naming.layout(spec) === EnvironmentLayout.REGISTRIES ? Naming.physical(spec, environment) : '';
    return `${spec.name}${env}${suffix ?? ''}`.replace(/[^a-zA-Z0-9]/g, '');
  }

  /** The repository path of an image inside its ACR registry. */
  public static acrRepositoryPath(spec: RegistrySpec, image: string, environment?: string): string {
    const env = Naming.physical(spec, environment);
    return env && Naming.layout(spec) === EnvironmentLayout.REPOSITORIES ? `${env}/${image}` : image;
  }

  /** The Harbor project that holds an environment's images: `<name>`, or `<name>-<env>` with the `registries` layout. */
  public static harborProjectName(spec: RegistrySpec, environment?: string): string {
    const env = Naming.physical(spec, environment);
    return env && Naming.layout(spec) === EnvironmentLayout.REGISTRIES ? `${spec.name}-${env}` : spec.name;
  }

  /** The repository path of an image inside its Harbor project: `<env>/<image>` with the `repositories` layout, else `<image>`. */
  public static harborRepositoryPath(spec: RegistrySpec, image: string, environment?: string): string {
    const env = Naming.physical(spec, environment);
    return env && Naming.layout(spec) === EnvironmentLayout.REPOSITORIES ? `${env}/${image}` : image;
  }

  /**
   * The Harbor proxy-cache project of an upstream cache: `<name>-<cache>` (as
   * Artifact Registry names its remote repositories; a cache cannot be named like an
   * environment, so it never meets a `registries` project).
   */
  public static harborCacheProjectName(spec: RegistrySpec, cache: string): string {
    return `${spec.name}-${cache}`;
  }

  private static physical(spec: RegistrySpec, environment?: string): string {
    if (!environment || !spec.environments || Naming.layout(spec) === EnvironmentLayout.TAGS) return '';
    return environment;
  }
}
