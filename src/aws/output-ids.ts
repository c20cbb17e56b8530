import { Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * The logical ids of the outputs the generated workflow reads (`AWS_ROLE_ARN_CI` is the
 * output `AWSROLEARNCI`, `AWS_NOTIFICATION_TOPIC_ARN` is `AWSNOTIFICATIONTOPICARN`), unique in
 * their stack. CloudFormation output ids share one namespace per template, so two registries
 * in one stack would collide ("section 'Outputs' already contains ..."): the first registry of
 * a stack to claim an id keeps it (a stack of one registry has the ids it always had), a later
 * one gets the id followed by its spec name in upper case (`AWSROLEARNCIBETA`), or by its
 * construct path when that is taken too.
 *
 * Keyed by the stack; claims are made while the constructs are built.
 */
const CLAIMS = new WeakMap<Stack, Set<string>>();

const alnum = (s: string) => s.replace(/[^A-Za-z0-9]/g, '').toUpperCase();

/**
 * Claims an output id in the stack of `scope` for the registry named `registryName`
 * (`base` when free). With `shared` (a value that is the same for every registry of the
 * stack, such as its account), returns undefined when `base` is taken: the output exists.
 */
export function claimOutputId(scope: IConstruct, base: string, registryName: string, shared = false): string | undefined {
  const stack = Stack.of(scope);
  let claims = CLAIMS.get(stack);
  if (!claims) {
    claims = new Set();
    CLAIMS.set(stack, claims);
  }
  if (claims.has(base) && shared) return undefined;
  const id = [base, `${base}${alnum(registryName)}`, `${base}${alnum(scope.node.path)}`].find((c) => !claims!.has(c))
    ?? `${base}${alnum(scope.node.path)}${claims.size}`;
  claims.add(id);
  return id;
}
