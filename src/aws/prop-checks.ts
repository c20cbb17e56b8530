import type { EcrRegistryScanningOptions } from './ecr-registry';
import type { EcrPrivateNetworkOptions } from './private-access';
import { EcrScanType, RegistryScanning } from './registry-scanning';
import { Problems } from '../spec';

/**
 * Runtime checks of construct props given from JavaScript (internal): a prop of the
 * wrong shape is a problem naming it (`props.removalPolicy: 42 is not one of ...`),
 * never a `TypeError` further in. Each check returns whether the value may be used.
 */
export class PropChecks {
  constructor(private readonly problems: Problems, private readonly prefix: string = 'props') {}

  private path(name: string): string {
    return name ? `${this.prefix}.${name}` : this.prefix;
  }

  /** The props object itself. */
  public props(value: unknown): boolean {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) return true;
    this.problems.add(this.prefix, value, 'is not an object of props');
    return false;
  }

  public object(name: string, value: unknown, required = false, what = 'an object'): boolean {
    if (value === undefined && !required) return true;
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) return true;
    this.problems.add(this.path(name), value, value === undefined ? `is required (${what})` : `is not ${what}`);
    return false;
  }

  public boolean(name: string, value: unknown): boolean {
    if (value === undefined || typeof value === 'boolean') return true;
    this.problems.add(this.path(name), value, 'is not a boolean (true or false)');
    return false;
  }

  public string(name: string, value: unknown, required = false): boolean {
    if ((value === undefined && !required) || typeof value === 'string') return true;
    this.problems.add(this.path(name), value, value === undefined ? 'is required (a string)' : 'is not a string');
    return false;
  }

  public integer(name: string, value: unknown): boolean {
    if (value === undefined || (typeof value === 'number' && Number.isInteger(value))) return true;
    this.problems.add(this.path(name), value, 'is not a whole number');
    return false;
  }

  public strings(name: string, value: unknown): boolean {
    if (value === undefined || (Array.isArray(value) && value.every((v) => typeof v === 'string'))) return true;
    this.problems.add(this.path(name), value, Array.isArray(value) ? 'is not an array of strings (an item is not a string)' : 'is not an array of strings');
    return false;
  }

  public oneOf(name: string, value: unknown, allowed: string[]): boolean {
    if (value === undefined || (typeof value === 'string' && allowed.includes(value))) return true;
    this.problems.add(this.path(name), value, `is not one of ${allowed.join(', ')}`);
    return false;
  }

  /** An object that has the named attributes (an `iam.IGrantable`, a `kms.IKey`). */
  public withAttribute(name: string, value: unknown, attribute: string, what: string, required = false): boolean {
    if (value === undefined && !required) return true;
    if (value !== null && typeof value === 'object' && (value as any)[attribute] !== undefined) return true;
    this.problems.add(this.path(name), value === undefined ? undefined : describe(value), `is not ${what} (no ${attribute})`);
    return false;
  }
}

/** A short description of a value for messages (constructs do not serialize). */
function describe(value: unknown): unknown {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) return `object with keys ${Object.keys(value).slice(0, 5).join(', ') || 'none'}`;
  return value;
}

/**
 * Checks the `privateNetwork` prop (`EcrPrivateNetworkOptions`) of the constructs that take it; true when it is
 * absent or well-formed enough to build from.
 */
export function checkPrivateNetworkOptions(check: PropChecks, options: EcrPrivateNetworkOptions | undefined): boolean {
  return check.object('privateNetwork', options, false, 'private network options (vpc, subnets, ...)')
    && (options === undefined || (check.withAttribute('privateNetwork.vpc', options.vpc, 'vpcId', 'a VPC (ec2.IVpc)', true)
      && check.object('privateNetwork.subnets', options.subnets, false, 'a subnet selection (ec2.SubnetSelection)')
      && check.boolean('privateNetwork.createEndpoints', options.createEndpoints)
      && check.strings('privateNetwork.allowedVpcEndpointIds', options.allowedVpcEndpointIds)
      && check.strings('privateNetwork.allowedVpcIds', options.allowedVpcIds)
      && check.strings('privateNetwork.exemptPrincipalArns', options.exemptPrincipalArns)));
}

/**
 * Checks the `registryScanning` prop (`EcrRegistryScanningOptions`) of the constructs that take it, rules
 * included (`RegistryScanning._ruleProblems`: each rule an object, its frequency one of `EcrScanFrequency`, BASIC
 * without CONTINUOUS_SCAN, 1-100 filters of the filter grammar), so that a wrong rule is a problem of the
 * construct's one error, never a `TypeError` or a later error of the scanning construct.
 */
export function checkRegistryScanningOptions(check: PropChecks, problems: Problems, options: EcrRegistryScanningOptions | undefined): boolean {
  if (!check.object('registryScanning', options) || options === undefined) return options === undefined;
  const typeOk = check.oneOf('registryScanning.scanType', options.scanType ?? null, Object.values(EcrScanType));
  if (options.rules === undefined) return typeOk;
  if (!Array.isArray(options.rules)) {
    problems.add('props.registryScanning.rules', options.rules, 'is not an array of scanning rules ({ frequency, repositoryFilters })');
    return false;
  }
  const found = RegistryScanning._ruleProblems(typeOk ? options.scanType : EcrScanType.ENHANCED, options.rules);
  problems.addAll(found.map((p) => ({ ...p, path: `props.registryScanning.${p.path}` })));
  return typeOk && found.length === 0;
}
