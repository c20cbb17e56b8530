import { Stack, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { Problems } from '../spec';

/**
 * Registry-wide ECR settings (the scanning configuration, the replication
 * configuration, the registry policy) exist once per account and region: a second
 * one in the same app would overwrite the first at deploy time. This internal
 * registry, keyed by the app (the construct tree's root), turns that into a
 * synth-time error. Stacks without an explicit account or region count as the one
 * default environment, since they may deploy to the same place.
 */
const CLAIMS = new WeakMap<IConstruct, Map<string, string>>();

export function claimAccountSingleton(scope: IConstruct, kind: string, construct: string): void {
  const stack = Stack.of(scope);
  const account = Token.isUnresolved(stack.account) ? '<default account>' : stack.account;
  const region = Token.isUnresolved(stack.region) ? '<default region>' : stack.region;
  const root = scope.node.root;
  let claims = CLAIMS.get(root);
  if (!claims) {
    claims = new Map();
    CLAIMS.set(root, claims);
  }
  const key = `${kind}@${account}/${region}`;
  const previous = claims.get(key);
  if (previous !== undefined) {
    new Problems().add('', undefined, `a second ECR ${kind} for account ${account}, region ${region}; `
      + `ECR has one ${kind} per registry (account and region), already defined by ${previous}. `
      + 'Define it once (merge the rules) or target another account or region.').throwIfAny(`${construct} ${scope.node.path}`);
  }
  claims.set(key, scope.node.path);
}
