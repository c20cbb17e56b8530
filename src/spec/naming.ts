import { Problems } from './problems';
import { EnvironmentLayout, RegistrySpec } from './registry-spec';
import { Tokens } from './tokens';

/**
 * The AWS partitions other than `aws`, by the prefix of their region codes: the
 * partition and its DNS suffix. ECR's registry host ends with the suffix:
 * "The URL for your default private registry is
 * https://aws_account_id.dkr.ecr.cn-north-1.amazonaws.com.cn" (Amazon ECR user guide
 * for the China regions, "Amazon ECR private registry"); "the endpoint domain for the
 * Beijing and Ningxia regions is amazonaws.com.cn" (Getting Started with AWS in China,
 * endpoints). GovCloud (`us-gov-*`, partition `aws-us-gov`) uses `amazonaws.com`
 * (`dkr.ecr.us-gov-west-1.amazonaws.com`, AWS General Reference, "Amazon ECR endpoints
 * and quotas"). The table matches aws-cdk-lib's region facts (`RegionInfo.domainSuffix`,
 * `partition`) for every region it knows; a test checks that.
 */
const AWS_PARTITIONS: ReadonlyArray<{ prefix: string; partition: string; urlSuffix: string }> = [
  { prefix: 'cn-', partition: 'aws-cn', urlSuffix: 'amazonaws.com.cn' },
  { prefix: 'us-gov-', partition: 'aws-us-gov', urlSuffix: 'amazonaws.com' },
  { prefix: 'us-iso-', partition: 'aws-iso', urlSuffix: 'c2s.ic.gov' },
  { prefix: 'us-isob-', partition: 'aws-iso-b', urlSuffix: 'sc2s.sgov.gov' },
  { prefix: 'eu-isoe-', partition: 'aws-iso-e', urlSuffix: 'cloud.adc-e.uk' },
  { prefix: 'us-isof-', partition: 'aws-iso-f', urlSuffix: 'csp.hci.ic.gov' },
  { prefix: 'eusc-', partition: 'aws-eusc', urlSuffix: 'amazonaws.eu' },
];
const AWS_DEFAULT_PARTITION = { partition: 'aws', urlSuffix: 'amazonaws.com' };
function awsPartitionOf(region: string): { partition: string; urlSuffix: string } {
  return AWS_PARTITIONS.find((p) => region.startsWith(p.prefix)) ?? AWS_DEFAULT_PARTITION;
}
/** A value that is exactly one GitHub Actions expression: `${{ vars.AWS_REGION }}`. */
const WORKFLOW_EXPRESSION = /^\$\{\{\s*([^}]*?)\s*\}\}$/;

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
   * AuthorizationData.proxyEndpoint), with the URL suffix of the region's partition
   * (`awsUrlSuffix`): `amazonaws.com.cn` in the China regions. Account and region may be
   * workflow expressions (the suffix is then chosen at run time from the region) or
   * tokens (then pass `urlSuffix`, the stack's `urlSuffix`).
   *
   * @param urlSuffix the partition's URL suffix
   * @default - `Naming.awsUrlSuffix(region)`
   */
  public static ecrRegistryHost(account: string, region: string, urlSuffix?: string): string {
    if (urlSuffix === undefined && Tokens.isUnresolved(region)) {
      new Problems().add('region', region, 'is an unresolved token, whose partition is known only at deploy time: '
        + 'pass urlSuffix (the stack\'s urlSuffix, AWS::URLSuffix)').throwIfAny('Naming.ecrRegistryHost');
    }
    return `${account}.dkr.ecr.${region}.${urlSuffix ?? Naming.awsUrlSuffix(region)}`;
  }

  /**
   * The DNS suffix of an AWS region's partition: `amazonaws.com` (the `aws` and
   * `aws-us-gov` partitions), `amazonaws.com.cn` for `cn-*`, and the suffixes of the
   * other partitions (`c2s.ic.gov`, `sc2s.sgov.gov`, `cloud.adc-e.uk`, `csp.hci.ic.gov`,
   * `amazonaws.eu`). For a GitHub Actions expression (`${{ vars.AWS_REGION }}`), an
   * expression that chooses the suffix from the region at run time.
   */
  public static awsUrlSuffix(region: string): string {
    const expression = WORKFLOW_EXPRESSION.exec(region);
    if (!expression) return awsPartitionOf(region).urlSuffix;
    const value = expression[1];
    const choices = AWS_PARTITIONS.filter((p) => p.urlSuffix !== AWS_DEFAULT_PARTITION.urlSuffix)
      .map((p) => `startsWith(${value}, '${p.prefix}') && '${p.urlSuffix}'`);
    return `\${{ ${[...choices, `'${AWS_DEFAULT_PARTITION.urlSuffix}'`].join(' || ')} }}`;
  }

  /** The partition of an AWS region: `aws`, `aws-cn` (`cn-*`), `aws-us-gov` (`us-gov-*`), and the ISO and sovereign partitions. */
  public static awsPartition(region: string): string {
    return awsPartitionOf(region).partition;
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
