import { Stack, Token } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import { Construct } from 'constructs';
import { claimAccountSingleton } from './account-singletons';
import { Cloud, EnvironmentLayout, Naming, RegistrySpec } from '../spec';

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

  /** The replication rules, as synthesized. */
  public readonly rules: ecr.CfnReplicationConfiguration.ReplicationRuleProperty[];

  constructor(scope: Construct, id: string, props: RegistryReplicationProps) {
    super(scope, id);
    const spec = props.spec;
    const stack = Stack.of(this);
    const replicas = (spec.replication?.replicas ?? []).filter((r) => r.cloud === undefined || r.cloud === Cloud.AWS);
    const problems: string[] = [];
    const groups = new Map<string, ecr.CfnReplicationConfiguration.ReplicationDestinationProperty[]>();
    replicas.forEach((r, i) => {
      const account = r.awsAccountId ?? stack.account;
      if (!Token.isUnresolved(stack.region) && !Token.isUnresolved(account) && r.region === stack.region && account === stack.account) {
        problems.push(`replication.replicas[${i}]: region "${r.region}" in account ${account} is the registry itself; a replica needs another region or account`);
      }
      const prefixes = [...(r.repositoryPrefixes ?? RegistryReplication.defaultPrefixes(spec))].sort();
      const key = JSON.stringify(prefixes);
      groups.set(key, [...(groups.get(key) ?? []), { region: r.region, registryId: account }]);
    });
    if (groups.size > 10) problems.push(`replication.replicas: ${groups.size} distinct prefix sets need ${groups.size} rules; ECR allows 10 (give replicas the same repositoryPrefixes)`);
    if (problems.length) throw new Error(`${this.node.path}: invalid replication:\n  - ${problems.join('\n  - ')}`);
    this.rules = [...groups.entries()].map(([key, destinations]) => ({
      destinations,
      repositoryFilters: (JSON.parse(key) as string[]).map((filter) => ({ filter, filterType: 'PREFIX_MATCH' })),
    }));
    if (this.rules.length === 0) return;
    claimAccountSingleton(this, 'replication configuration');
    new ecr.CfnReplicationConfiguration(this, 'Resource', { replicationConfiguration: { rules: this.rules } });
  }
}
