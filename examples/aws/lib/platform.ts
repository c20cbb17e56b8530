import { join } from 'path';
import { Annotations, App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
// Resolved in this repository by examples/tsconfig.json paths (tsx) and jest's moduleNameMapper.
import { aws, Cloud, SpecLoader } from 'container-registry-constructs';

/**
 * The platform registry: the spec file built into stacks by EcrRegistryStacks,
 * checked by cdk-nag's AwsSolutions pack. Two findings are acknowledged, each on the
 * policy that has it: the roles' login statement names `*` (`ecr:GetAuthorizationToken`
 * has no resource-level permissions), and the pull-through cache's creation role names
 * the cache prefix (ECR creates those repositories on first pull).
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
  // The other account's runtime pulls the platform's images only, not through the ECR Public cache.
  Annotations.of(stacks.registry!).acknowledgeWarning(aws.AwsWarnings.CACHE_EXISTING_PRINCIPALS,
    'runtime (account 111122223333) pulls the platform images only; the ECR Public cache serves the roles of this account');
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  // Each finding is acknowledged on the policy that has it, for exactly the resource it names.
  for (const role of Object.values(stacks.registry!.identities!.roles)) {
    Validations.of(role.node.findChild('DefaultPolicy')).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'ecr:GetAuthorizationToken (docker login) supports no resource-level permissions; it is the only action granted on *, every other statement names repository ARNs',
    });
  }
  // ECR creates the pull-through repositories on first pull, so the creation template's role names the cache prefix.
  const creationRole = stacks.registry!.pullThroughCaches['ecr-public'].template.role!;
  Validations.of(creationRole.node.findChild('DefaultPolicy')).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ecr:eu-west-1:<AWS::AccountId>:repository/platform/ecr-public/*]',
    reason: 'the creation template role lets ECR create the repositories of the pull-through cache, which exist only after their first pull: scoped to the cache prefix',
  });
  return stacks;
}
