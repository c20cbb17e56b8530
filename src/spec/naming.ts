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
   * The Harbor proxy-cache project of an upstream cache: `<name>-<cache>` (images are
   * pulled as `<host>/<name>-<cache>/library/nginx`). Cache names are never environment
   * names (the spec validator refuses it), so it never equals a `registries` layout project.
   */
  public static harborCacheProjectName(spec: RegistrySpec, cacheName: string): string {
    return `${spec.name}-${cacheName}`;
  }

  /**
   * The ECR repository prefix of a pull-through cache: `<registry>/<cache>`. ECR
   * creates the cached repositories as `<prefix>/<upstream image>` on first pull
   * (`ecrRepositoryPrefix` of the pull-through cache rule). The construct, the
   * validator (30-character limit), the grants and the access matrix all read it
   * here.
   */
  public static ecrCachePrefix(spec: RegistrySpec, cacheName: string): string {
    return `${spec.name}/${cacheName}`;
  }

  /** The ECR pull-through cache prefixes of every cache of the spec, in spec order. */
  public static ecrCachePrefixes(spec: RegistrySpec): string[] {
    return (spec.upstreamCaches ?? []).map((c) => Naming.ecrCachePrefix(spec, c.name));
  }

  /**
   * The Artifact Registry remote repository id of a pull-through cache:
   * `<registry name>-<cache>`. Takes the registry name (the spec's `name`) because
   * `gcp.UpstreamRepositories` is given only the name.
   */
  public static garRemoteRepositoryId(registryName: string, cacheName: string): string {
    return `${registryName}-${cacheName}`;
  }

  /** The default Artifact Registry virtual repository id: `<registry name>-virtual`. */
  public static garVirtualRepositoryId(registryName: string): string {
    return `${registryName}-virtual`;
  }

  /**
   * The ACR repository namespace of a cache rule: `<cache>`; the rule's target is
   * `<cache>/*`, and a puller reads the repositories under `<cache>/`.
   */
  public static acrCacheNamespace(cacheName: string): string {
    return cacheName;
  }

  /**
   * The Docker host of an ECR registry: `<account>.dkr.ecr.<region>.<url suffix>`
   * ("The Amazon ECR registry URL format is
   * https://aws_account_id.dkr.ecr.region.amazonaws.com": ECR API reference,
   * AuthorizationData.proxyEndpoint). Account and region may be tokens or workflow
   * expressions; the URL suffix is `amazonaws.com.cn` in the China regions.
   *
   * @param urlSuffix the partition's URL suffix, default `amazonaws.com`
   */
  public static ecrRegistryHost(account: string, region: string, urlSuffix?: string): string {
    return `${account}.dkr.ecr.${region}.${urlSuffix ?? 'amazonaws.com'}`;
  }

  /**
   * The Docker host of Artifact Registry in a location: `<location>-docker.pkg.dev`
   * (images are `<location>-docker.pkg.dev/<project>/<repository>/<image>`:
   * Artifact Registry docs, "Repository and image names").
   */
  public static garRegistryHost(location: string): string {
    return `${location}-docker.pkg.dev`;
  }

  /**
   * The login server of an ACR registry: `<name>.azurecr.io` (Azure SDK,
   * ContainerRepositoryProperties.RegistryLoginServer: "similar to
   * {registry-name}.azurecr.io"), in lower case as the registry reports it
   * (registry names are case-insensitive).
   *
   * @param suffix appended to the name as given (not lower-cased: it may be a
   * workflow expression such as `${{ vars.AZURE_REGISTRY_SUFFIX }}`)
   */
  public static acrLoginServer(registryName: string, suffix?: string): string {
    return `${registryName.toLowerCase()}${suffix ?? ''}.azurecr.io`;
  }

  private static physical(spec: RegistrySpec, environment?: string): string {
    if (!environment || !spec.environments || Naming.layout(spec) === EnvironmentLayout.TAGS) return '';
    return environment;
  }
}
