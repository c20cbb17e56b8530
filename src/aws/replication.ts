import { Stack, Token } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import { Construct } from 'constructs';
import { claimAccountSingleton } from './account-singletons';
import { Cloud, EnvironmentLayout, Naming, Problems, RegistrySpec, SpecProblem } from '../spec';

/** Props of `RegistryReplication`. */
export interface RegistryReplicationProps {
  /** The spec whose `replication.replicas` (those for AWS) are configured. */
  readonly spec: RegistrySpec;
}

/**
 * The registry replication configuration (`AWS::ECR::ReplicationConfiguration`):
 * cross-region and cross-account replicas, each rule filtered by repository-name
 * prefixes (`PREFIX_MATCH`). One per account and region: a second one in the same
 * app is a synth-time error. Replicas sharing the same prefixes share a rule
 * (ECR: 10 rules, 25 destinations, 100 filters per rule). Cross-account
 * destinations need a registry policy in the destination account:
 * `ReplicationDestinationPolicy` (created for you by `EcrRegistryStacks`).
 */
export class RegistryReplication extends Construct {
  /**
   * The prefixes that cover the spec's repositories: `<name>/` with the `tags` and
   * `repositories` layouts, `<name>-<env>/` per environment with `registries`.
   */
  public static defaultPrefixes(spec: RegistrySpec): string[] {
    if (Naming.layout(spec) === EnvironmentLayout.REGISTRIES && Naming.environmentNames(spec).length) {
      return Naming.physicalEnvironments(spec).map((env) => `${spec.name}-${env}/`);
    }
    return [`${spec.name}/`];
  }

  /**
   * The problems of the spec's replication rules that need no stack (shared with `EcrValidator`):
   * more distinct prefix sets than ECR's 10 rules.
   *
   * @internal
   */
  public static _ruleProblems(spec: RegistrySpec): SpecProblem[] {
    const replicas = (spec.replication?.replicas ?? []).filter((r) => r.cloud === undefined || r.cloud === Cloud.AWS);
    const sets = new Set(replicas.map((r) => JSON.stringify([...(r.repositoryPrefixes ?? RegistryReplication.defaultPrefixes(spec))].sort())));
    return sets.size > 10
      ? [{ path: 'replication.replicas', value: String(sets.size), message: 'distinct prefix sets need as many rules; ECR allows 10 (give replicas the same repositoryPrefixes)' }]
      : [];
  }

  /** The replication rules, as synthesized. */
  public readonly rules: ecr.CfnReplicationConfiguration.ReplicationRuleProperty[];

  constructor(scope: Construct, id: string, props: RegistryReplicationProps) {
    super(scope, id);
    const spec = props.spec;
    const stack = Stack.of(this);
    const replicas = (spec.replication?.replicas ?? []).filter((r) => r.cloud === undefined || r.cloud === Cloud.AWS);
    const problems = new Problems();
    const groups = new Map<string, ecr.CfnReplicationConfiguration.ReplicationDestinationProperty[]>();
    replicas.forEach((r, i) => {
      const account = r.awsAccountId ?? stack.account;
      if (!Token.isUnresolved(stack.region) && !Token.isUnresolved(account) && r.region === stack.region && account === stack.account) {
        problems.add(`replication.replicas[${i}].region`, r.region, `in account ${account} is the registry itself; a replica needs another region or account`);
      }
      const prefixes = [...(r.repositoryPrefixes ?? RegistryReplication.defaultPrefixes(spec))].sort();
      const key = JSON.stringify(prefixes);
      groups.set(key, [...(groups.get(key) ?? []), { region: r.region, registryId: account }]);
    });
    problems.addAll(RegistryReplication._ruleProblems(spec));
    problems.throwIfAny(`aws.RegistryReplication ${this.node.path}`);
    this.rules = [...groups.entries()].map(([key, destinations]) => ({
      destinations,
      repositoryFilters: (JSON.parse(key) as string[]).map((filter) => ({ filter, filterType: 'PREFIX_MATCH' })),
    }));
    if (this.rules.length === 0) return;
    claimAccountSingleton(this, 'replication configuration', 'aws.RegistryReplication');
    new ecr.CfnReplicationConfiguration(this, 'Resource', { replicationConfiguration: { rules: this.rules } });
  }
}
