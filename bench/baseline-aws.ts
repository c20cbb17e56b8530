/**
 * The AWS baseline (timed): the recipe's resources as raw CloudFormation L1
 * classes (`CfnRepository`, `CfnRole`, `CfnPolicy`, `CfnOIDCProvider`, ...) and
 * `CfnOutput`s, in stacks of the same names, environments and descriptions.
 */
import { App, CfnDeletionPolicy, CfnOutput, CfnResource, Stack } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { AwsStackRecipe } from './baseline';

/** The L1 class of each CloudFormation type the library emits. */
const L1: { [type: string]: new (scope: Stack, id: string, props: any) => CfnResource } = {
  'AWS::ECR::Repository': ecr.CfnRepository,
  'AWS::ECR::RegistryScanningConfiguration': ecr.CfnRegistryScanningConfiguration,
  'AWS::ECR::RegistryPolicy': ecr.CfnRegistryPolicy,
  'AWS::ECR::ReplicationConfiguration': ecr.CfnReplicationConfiguration,
  'AWS::ECR::PullThroughCacheRule': ecr.CfnPullThroughCacheRule,
  'AWS::ECR::RepositoryCreationTemplate': ecr.CfnRepositoryCreationTemplate,
  'AWS::IAM::Role': iam.CfnRole,
  'AWS::IAM::Policy': iam.CfnPolicy,
  'AWS::IAM::ManagedPolicy': iam.CfnManagedPolicy,
  'AWS::IAM::OIDCProvider': iam.CfnOIDCProvider,
  'AWS::KMS::Key': kms.CfnKey,
  'AWS::KMS::Alias': kms.CfnAlias,
};

/** Fails before timing starts if the recipe holds a type the baseline has no L1 class for. */
export function assertAwsTypesKnown(recipe: AwsStackRecipe[]): void {
  const unknown = new Set(recipe.flatMap((s) => s.resources.map((r) => r.type)).filter((t) => !L1[t]));
  if (unknown.size) throw new Error(`baseline-aws: no L1 class for ${[...unknown].join(', ')}; add it to L1 in bench/baseline-aws.ts`);
}

/** Creates the baseline's stacks and resources in `app` (synthesize it afterwards). */
export function buildAwsBaseline(app: App, recipe: AwsStackRecipe[]): Stack[] {
  return recipe.map((s) => {
    const stack = new Stack(app, s.stackName, { env: s.env, stackName: s.stackName, description: s.description });
    const byId = new Map<string, CfnResource>();
    for (const r of s.resources) {
      const resource = new L1[r.type](stack, r.logicalId, r.props);
      resource.overrideLogicalId(r.logicalId);
      if (r.deletionPolicy) resource.cfnOptions.deletionPolicy = r.deletionPolicy as CfnDeletionPolicy;
      if (r.updateReplacePolicy) resource.cfnOptions.updateReplacePolicy = r.updateReplacePolicy as CfnDeletionPolicy;
      byId.set(r.logicalId, resource);
    }
    for (const r of s.resources) {
      for (const d of r.dependsOn ?? []) byId.get(r.logicalId)!.addDependency(byId.get(d)!);
    }
    for (const o of s.outputs) {
      new CfnOutput(stack, o.logicalId, { value: o.value, description: o.description, exportName: o.exportName }).overrideLogicalId(o.logicalId);
    }
    return stack;
  });
}
