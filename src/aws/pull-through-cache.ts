import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { EcrActions } from './ecr-actions';
import { RepositoryCreationScenario, RepositoryCreationTemplate } from './repository-creation-template';
import { EffectiveSpec, Naming, Problems, RegistrySpec, UpstreamCacheSpec, UpstreamRegistry } from '../spec';
import { ECR_CACHE_PREFIX_MAX, ECR_PULL_THROUGH_SECRET_PREFIX } from '../spec/grammars';

/** Props of `PullThroughCache`. */
export interface PullThroughCacheProps {
  /** The spec (its name is the prefix's first segment; its retention, tag policy and labels apply to cached repositories). */
  readonly spec: RegistrySpec;
  /** The cache, one of `spec.upstreamCaches`. */
  readonly cache: UpstreamCacheSpec;
  /**
   * The KMS key of cached repositories.
   *
   * @default - AES256
   */
  readonly kmsKey?: kms.IKey;
}

/** What ECR calls each upstream, and its URL. */
const UPSTREAMS: { [k: string]: { registry: string; url: string } | undefined } = {
  [UpstreamRegistry.DOCKER_HUB]: { registry: 'docker-hub', url: 'registry-1.docker.io' },
  [UpstreamRegistry.GITHUB]: { registry: 'github-container-registry', url: 'ghcr.io' },
  [UpstreamRegistry.QUAY]: { registry: 'quay', url: 'quay.io' },
  [UpstreamRegistry.ECR_PUBLIC]: { registry: 'ecr-public', url: 'public.ecr.aws' },
};
const SECRET_PREFIX = ECR_PULL_THROUGH_SECRET_PREFIX;

/**
 * A pull-through cache rule (`AWS::ECR::PullThroughCacheRule`) for Docker Hub,
 * GHCR, Quay or ECR Public under the prefix `<registry>/<cache>`
 * (`platform/ecr-public/...`), with a repository creation template for that
 * prefix that applies the spec's lifecycle policy, tag mutability and encryption
 * to the repositories ECR creates on first pull. Upstream credentials come from
 * the Secrets Manager secret `awsSecretName`, whose name must start with
 * `ecr-pullthroughcache/`.
 */
export class PullThroughCache extends Construct {
  /** The ECR repository prefix of cached images (`platform/ecr-public`). */
  public readonly repositoryPrefix: string;

  /** The creation template of the cached repositories. */
  public readonly template: RepositoryCreationTemplate;

  constructor(scope: Construct, id: string, props: PullThroughCacheProps) {
    super(scope, id);
    const { spec, cache } = props;
    const problems = new Problems();
    const upstream = UPSTREAMS[cache.upstream];
    if (!upstream) {
      problems.add('cache.upstream', cache.upstream, `is not supported by ECR pull-through caches (supported: ${Object.keys(UPSTREAMS).join(', ')})`);
    }
    if (cache.awsSecretName !== undefined && !cache.awsSecretName.startsWith(SECRET_PREFIX)) {
      problems.add('cache.awsSecretName', cache.awsSecretName, `must start with "${SECRET_PREFIX}" (ECR reads pull-through cache credentials only from such secrets)`);
    }
    if ((cache.upstream === UpstreamRegistry.DOCKER_HUB || cache.upstream === UpstreamRegistry.GITHUB) && !cache.awsSecretName) {
      problems.add('cache.awsSecretName', undefined, `is required for upstream "${cache.upstream}" (a secret named ${SECRET_PREFIX}<name> with username and accessToken)`);
    }
    this.repositoryPrefix = Naming.ecrCachePrefix(spec, cache.name);
    if (this.repositoryPrefix.length > ECR_CACHE_PREFIX_MAX) {
      problems.add('cache.name', cache.name, `gives the ECR repository prefix "${this.repositoryPrefix}", longer than ${ECR_CACHE_PREFIX_MAX} characters (ECR limit of pull-through cache prefixes)`);
    }
    problems.throwIfAny(`aws.PullThroughCache ${this.node.path}`);
    new ecr.CfnPullThroughCacheRule(this, 'Resource', {
      ecrRepositoryPrefix: this.repositoryPrefix,
      upstreamRegistry: upstream!.registry,
      upstreamRegistryUrl: cache.url ? cache.url.replace(/^https:\/\//, '') : upstream!.url,
      credentialArn: cache.awsSecretName
        ? Stack.of(this).formatArn({ service: 'secretsmanager', resource: 'secret', resourceName: cache.awsSecretName, arnFormat: ArnFormat.COLON_RESOURCE_NAME })
        : undefined,
    });
    this.template = new RepositoryCreationTemplate(this, 'Template', {
      prefix: this.repositoryPrefix,
      appliedFor: [RepositoryCreationScenario.PULL_THROUGH_CACHE],
      retention: EffectiveSpec.retention(spec),
      tagPolicy: EffectiveSpec.tagPolicy(spec),
      kmsKey: props.kmsKey,
      resourceTags: spec.labels,
      description: `Repositories cached from ${upstream!.url} under ${this.repositoryPrefix}`,
    });
  }

  /**
   * Lets a principal pull through this cache: pull, plus `ecr:BatchImportUpstreamImage`
   * and `ecr:CreateRepository`, on `repository/<prefix>/*` (prefix-scoped because
   * ECR creates the repositories on first pull), and `ecr:GetAuthorizationToken` on `*`.
   */
  public grantPull(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: [...EcrActions.PULL, ...EcrActions.PULL_THROUGH],
      resourceArns: [EcrActions.repositoryArn(this, `${this.repositoryPrefix}/*`)],
    }).combine(iam.Grant.addToPrincipal({ grantee, actions: [EcrActions.AUTH_TOKEN], resourceArns: ['*'] }));
  }
}
