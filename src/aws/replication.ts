import { Stack, Token } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import { Construct } from 'constructs';
import { claimAccountSingleton } from './account-singletons';
import { Cloud, EnvironmentLayout, Naming, Problems, RegistrySpec, SpecProblem } from '../spec';

/** ECR's replication filter grammar (CloudFormation, AWS::ECR::ReplicationConfiguration RepositoryFilter `Filter`). */
const REPLICATION_FILTER = /^(?:[a-z0-9]+(?:[._-][a-z0-9]*)*\/)*[a-z0-9]*(?:[._-][a-z0-9]*)*$/;

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
    const problems = new Problems();
    const namespaces = RegistryReplication.defaultPrefixes(spec);
    (spec.replication?.replicas ?? []).forEach((r, i) => {
      if (r === null || typeof r !== 'object' || (r.cloud !== undefined && r.cloud !== Cloud.AWS) || !Array.isArray(r.repositoryPrefixes)) return;
      RegistryReplication.prefixProblems(r.repositoryPrefixes, namespaces, `replication.replicas[${i}].repositoryPrefixes`, problems);
    });
    const replicas = (spec.replication?.replicas ?? []).filter((r) => r.cloud === undefined || r.cloud === Cloud.AWS);
    const sets = new Set(replicas.map((r) => JSON.stringify([...(r.repositoryPrefixes ?? namespaces)].sort())));
    if (sets.size > 10) {
      problems.add('replication.replicas', sets.size, 'distinct prefix sets need as many rules; ECR allows 10 (give replicas the same repositoryPrefixes)');
    }
    return problems.list;
  }

  /**
   * A replica's prefixes must stay inside the spec's namespaces. The CloudFormation reference
   * (AWS::ECR::ReplicationConfiguration RepositoryFilter): "If no filters are added, the contents
   * of all repositories are replicated", so an empty list replicates every repository of the
   * account and region; a `PREFIX_MATCH` filter selects every repository whose name starts with
   * it, so `shop` also selects `shopping/...` of another team. Each filter is 2-256 characters of
   * `^(?:[a-z0-9]+(?:[._-][a-z0-9]*)*\/)*[a-z0-9]*(?:[._-][a-z0-9]*)*$` (the same page; the minimum
   * length from the resource schema that aws-cdk-lib validates against).
   */
  private static prefixProblems(prefixes: unknown[], namespaces: string[], path: string, problems: Problems): void {
    const inside = `start each with ${namespaces.map((n) => `"${n}"`).join(' or ')} (the spec's namespace${namespaces.length > 1 ? 's' : ''}), or leave repositoryPrefixes unset to replicate every repository of the spec`;
    if (prefixes.length === 0) {
      problems.add(path, prefixes, `is empty: an ECR replication rule without filters replicates every repository of the account and region, not only this spec's; ${inside}`);
      return;
    }
    prefixes.forEach((p, j) => {
      if (typeof p !== 'string') return; // the neutral shape check names it
      if (p.length < 2 || p.length > 256 || !REPLICATION_FILTER.test(p)) {
        problems.add(`${path}[${j}]`, p, 'is not an ECR replication filter (2-256 characters: lower-case letters, digits, . _ - and / between path segments)');
      } else if (!namespaces.some((n) => p.startsWith(n))) {
        problems.add(`${path}[${j}]`, p, `reaches beyond the spec: ECR replicates every repository whose name starts with it, other registries' included; ${inside}`);
      }
    });
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
      // A destination listed twice with the same prefixes is one destination of the rule.
      const destinations = groups.get(key) ?? [];
      if (!destinations.some((d) => d.region === r.region && d.registryId === account)) destinations.push({ region: r.region, registryId: account });
      groups.set(key, destinations);
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
