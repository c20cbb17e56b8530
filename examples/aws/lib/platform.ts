import { join } from 'path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
// Resolved in this repository by examples/tsconfig.json paths (tsx) and jest's moduleNameMapper.
import { aws, Cloud, SpecLoader } from 'container-registry-constructs';

/**
 * The platform registry: the spec file built into stacks by EcrRegistryStacks,
 * checked by cdk-nag's AwsSolutions pack. The only acknowledged finding is the one
 * IAM cannot avoid: `ecr:GetAuthorizationToken` has no resource-level permissions,
 * so the login statement names `*`.
 */
export function buildPlatform(app: App, specFile = join(__dirname, '..', 'registry.yaml')): aws.EcrRegistryStacks {
  const spec = SpecLoader.fromFile(specFile, { clouds: [Cloud.AWS] });
  const stacks = aws.EcrRegistryStacks.create(app, {
    spec,
    // The account comes from the deploying credentials; the region is fixed so that
    // the replica (eu-central-1) is another region.
    env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: 'eu-west-1' },
    // Pinned: changing it later would move repositories between stacks.
    stackCount: 1,
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  for (const stack of app.node.children.filter((c): c is Stack => c instanceof Stack)) {
    Validations.of(stack).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'ecr:GetAuthorizationToken (docker login) supports no resource-level permissions; it is the only action granted on *, every other statement names repository ARNs',
    });
  }
  // Prefix-scoped ARNs where the feature needs them: ECR creates pull-through repositories on first pull.
  const cachePrefix = 'arn:<AWS::Partition>:ecr:eu-west-1:<AWS::AccountId>:repository/platform/ecr-public/*';
  const cache = stacks.registry!.pullThroughCaches['ecr-public'];
  Validations.of(cache.template).acknowledge({
    id: `AwsSolutions-IAM5[Resource::${cachePrefix}]`,
    reason: 'the creation template role lets ECR create the repositories of the pull-through cache, which exist only after their first pull: scoped to the cache prefix',
  });
  for (const role of Object.values(stacks.registry!.identities!.roles)) {
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${cachePrefix}]`,
      reason: 'roles that pull also pull through the ECR Public cache, whose repositories ECR creates on first pull: scoped to the cache prefix',
    });
  }
  return stacks;
}
