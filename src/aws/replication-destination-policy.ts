import { Stack } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import { Construct } from 'constructs';
import { claimAccountSingleton } from './account-singletons';
import { Problems } from '../spec';
import { AWS_ACCOUNT_ID } from '../spec/grammars';

/** Props of `ReplicationDestinationPolicy`. */
export interface ReplicationDestinationPolicyProps {
  /** The accounts whose registries replicate into this one. */
  readonly sourceAccountIds: string[];
  /**
   * Repository namespaces the sources may replicate into (and create), each ending
   * with `/` (`platform/`, `platform-prod/`): `repository/<prefix>*`. A prefix
   * without the separator (`platform`) would also cover `platformx/...` and
   * `platform-other-team/...`, so it is an error.
   *
   * @default - every repository (`repository/*`), unless `repositoryNames` is given
   */
  readonly repositoryPrefixes?: string[];
  /**
   * Repository names the sources may replicate into (and create), exactly
   * (`platform/prod/api`), or namespaces as `<namespace>/*`; combined with `repositoryPrefixes`.
   *
   * @default - none
   */
  readonly repositoryNames?: string[];
  /**
   * Also let the sources create missing repositories (`ecr:CreateRepository`);
   * without it, repositories of the same names must exist here first.
   *
   * @default true
   */
  readonly allowCreateRepository?: boolean;
}

/**
 * The registry policy (`AWS::ECR::RegistryPolicy`) of a replication destination
 * account: lets the source accounts (account principals, never `*`)
 * `ecr:ReplicateImage` (and `ecr:CreateRepository`) on this account's
 * repositories under the given prefixes. Deploy it in the destination account and
 * region. The registry policy is one per account and region: a second one in the
 * same app is a synth-time error.
 */
export class ReplicationDestinationPolicy extends Construct {
  /** The policy document, as synthesized. */
  public readonly policyDocument: any;

  constructor(scope: Construct, id: string, props: ReplicationDestinationPolicyProps) {
    super(scope, id);
    const problems = new Problems();
    const accounts = Array.isArray(props.sourceAccountIds) ? props.sourceAccountIds : [];
    const bad = accounts.filter((a) => typeof a !== 'string' || !AWS_ACCOUNT_ID.test(a));
    if (bad.length || accounts.length === 0) {
      problems.add('props.sourceAccountIds', props.sourceAccountIds, 'must list 12-digit AWS account ids (at least one)');
    }
    const unseparated = (props.repositoryPrefixes ?? []).filter((p) => !p.endsWith('/'));
    if (unseparated.length) {
      problems.add('props.repositoryPrefixes', unseparated, `must end with "/" (as "${unseparated[0]}/"): `
        + `"${unseparated[0]}*" would also let the sources create and replicate into "${unseparated[0]}x/..." and "${unseparated[0]}-other/..."`);
    }
    problems.throwIfAny(`aws.ReplicationDestinationPolicy ${this.node.path}`);
    claimAccountSingleton(this, 'registry policy', 'aws.ReplicationDestinationPolicy');
    const stack = Stack.of(this);
    const patterns = props.repositoryPrefixes === undefined && props.repositoryNames === undefined
      ? ['*']
      : [...(props.repositoryPrefixes ?? []).map((p) => `${p}*`), ...(props.repositoryNames ?? [])];
    const resources = patterns.map((p) => stack.formatArn({ service: 'ecr', resource: 'repository', resourceName: p }));
    this.policyDocument = {
      Version: '2012-10-17',
      Statement: [{
        Sid: 'ReplicationFromSourceAccounts',
        Effect: 'Allow',
        Principal: { AWS: props.sourceAccountIds.map((a) => `arn:${stack.partition}:iam::${a}:root`) },
        Action: (props.allowCreateRepository ?? true) ? ['ecr:CreateRepository', 'ecr:ReplicateImage'] : ['ecr:ReplicateImage'],
        Resource: resources,
      }],
    };
    new ecr.CfnRegistryPolicy(this, 'Resource', { policyText: this.policyDocument });
  }
}
