import { Annotations } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import { Construct } from 'constructs';
import { claimAccountSingleton } from './account-singletons';
import { compactRepositoryNames } from './repository-prefixes';
import { AwsWarnings } from './warnings';
import { EffectiveSpec, Naming, Problems, RegistrySpec, ScanMode, SpecProblem } from '../spec';
import { SpecMemo } from '../spec/spec-memo';

/** The scan type of an ECR registry. */
export enum EcrScanType {
  /** Basic scanning (Clair-based CVE list), on push only. */
  BASIC = 'BASIC',
  /** Enhanced scanning through Amazon Inspector: on push or continuous. */
  ENHANCED = 'ENHANCED',
}

/** How often images of the filtered repositories are scanned. */
export enum EcrScanFrequency {
  /** When an image is pushed. */
  SCAN_ON_PUSH = 'SCAN_ON_PUSH',
  /** On push and again as new vulnerabilities are published (ENHANCED only). */
  CONTINUOUS_SCAN = 'CONTINUOUS_SCAN',
}

/** One rule of the registry scanning configuration. */
export interface EcrScanningRule {
  /** The scan frequency of the repositories the filters select. */
  readonly frequency: EcrScanFrequency;
  /**
   * WILDCARD repository filters (1-100). A filter with `*` matches names where `*`
   * stands for any characters; a filter without `*` matches every name that
   * contains it (ECR's rule).
   */
  readonly repositoryFilters: string[];
}

/** Props of `RegistryScanning`. */
export interface RegistryScanningProps {
  /** BASIC or ENHANCED. */
  readonly scanType: EcrScanType;
  /**
   * The rules (at most one per frequency).
   *
   * @default - derived from the spec with `RegistryScanning.rulesFromSpec`
   */
  readonly rules?: EcrScanningRule[];
  /**
   * The spec the default rules are derived from.
   *
   * @default - none; `rules` is then required
   */
  readonly spec?: RegistrySpec;
}

const FILTER = /^[a-z0-9*](?:[._\-/a-z0-9*]*[a-z0-9*])?$/;

/**
 * The registry scanning configuration (`AWS::ECR::RegistryScanningConfiguration`):
 * one per account and region, for every repository of the registry, not only
 * this spec's. A second one in the same app is a synth-time error. Repositories
 * that no rule's filters select are not scanned automatically.
 */
export class RegistryScanning extends Construct {
  /**
   * The rules for a spec: repositories whose effective mode is `continuous` get
   * CONTINUOUS_SCAN, `on-push` ones SCAN_ON_PUSH, `off` ones no rule. Filters are
   * the repository names, compacted to `<prefix>/*` where every repository of the
   * spec under the prefix has the same mode.
   */
  public static rulesFromSpec(spec: RegistrySpec, scanType: EcrScanType): EcrScanningRule[] {
    // The validator and the construct both ask: inside a construct's memo scope, computed once (copies handed out).
    return SpecMemo._get(spec, `RegistryScanning.rulesFromSpec ${scanType}`, () => RegistryScanning.computeRules(spec, scanType))
      .map((r) => ({ ...r, repositoryFilters: [...r.repositoryFilters] }));
  }


  /**
   * The problems of a scanning configuration's rules (shared with `EcrValidator`).
   *
   * @internal
   */
  public static _ruleProblems(scanType: EcrScanType, rules: EcrScanningRule[]): SpecProblem[] {
    const problems = new Problems();
    const seen = new Set<string>();
    rules.forEach((rule, i) => {
      if (rule === null || typeof rule !== 'object' || Array.isArray(rule)) {
        problems.add(`rules[${i}]`, rule, 'is not a scanning rule ({ frequency, repositoryFilters })');
        return;
      }
      if (!Object.values(EcrScanFrequency).includes(rule.frequency)) {
        problems.add(`rules[${i}].frequency`, rule.frequency, `is not one of ${Object.values(EcrScanFrequency).join(', ')}`);
      }
      if (!Array.isArray(rule.repositoryFilters)) {
        problems.add(`rules[${i}].repositoryFilters`, rule.repositoryFilters, 'is not an array of repository filters (1-100 strings)');
        return;
      }
      if (scanType === EcrScanType.BASIC && rule.frequency === EcrScanFrequency.CONTINUOUS_SCAN) {
        problems.add(`rules[${i}].frequency`, rule.frequency, 'needs scanType ENHANCED (BASIC scanning supports SCAN_ON_PUSH only)');
      }
      if (seen.has(rule.frequency)) problems.add(`rules[${i}].frequency`, rule.frequency, 'is used by two rules; merge their filters');
      seen.add(rule.frequency);
      const filters = rule.repositoryFilters;
      if (filters.length < 1 || filters.length > 100) {
        problems.add(`rules[${i}].repositoryFilters`, filters.length,
          'filters; ECR takes 1-100 per rule (restrict the spec\'s scanning overrides so that prefixes compact)');
      }
      filters.forEach((f, j) => {
        if (typeof f !== 'string' || !FILTER.test(f) || f.length > 256) {
          problems.add(`rules[${i}].repositoryFilters[${j}]`, f, 'is not a repository filter (lower-case letters, digits, . _ - / and * wildcards)');
        }
      });
    });
    return problems.list;
  }

  /** `rulesFromSpec`, computed. */
  private static computeRules(spec: RegistrySpec, scanType: EcrScanType): EcrScanningRule[] {
    const all: string[] = [];
    const byMode = new Map<ScanMode, string[]>();
    for (const repo of spec.repositories) {
      const mode = EffectiveSpec.scanning(spec, repo).mode!;
      for (const env of Naming.physicalEnvironments(spec)) {
        const name = Naming.ecrRepositoryName(spec, repo.name, env);
        all.push(name);
        if (!byMode.has(mode)) byMode.set(mode, []);
        byMode.get(mode)!.push(name);
      }
    }
    const reserved = Naming.ecrCachePrefixes(spec);
    const rules: EcrScanningRule[] = [];
    const filters = (names: string[]) => {
      const c = compactRepositoryNames(names, all, reserved);
      return [...c.prefixes.map((p) => `${p}*`), ...c.exact];
    };
    const continuous = byMode.get(ScanMode.CONTINUOUS) ?? [];
    const onPush = [...(byMode.get(ScanMode.ON_PUSH) ?? []), ...(scanType === EcrScanType.BASIC ? continuous : [])];
    if (scanType === EcrScanType.ENHANCED && continuous.length) {
      rules.push({ frequency: EcrScanFrequency.CONTINUOUS_SCAN, repositoryFilters: filters(continuous) });
    }
    if (onPush.length) rules.push({ frequency: EcrScanFrequency.SCAN_ON_PUSH, repositoryFilters: filters(onPush) });
    return rules;
  }

  /** The scan type in effect. */
  public readonly scanType: EcrScanType;

  /** The rules in effect. */
  public readonly rules: EcrScanningRule[];

  constructor(scope: Construct, id: string, props: RegistryScanningProps) {
    super(scope, id);
    const rules = props.rules ?? (props.spec ? RegistryScanning.rulesFromSpec(props.spec, props.scanType) : undefined);
    if (!rules) {
      new Problems().add('props.rules', undefined, 'give `rules` or a `spec` to derive them from').throwIfAny(`aws.RegistryScanning ${this.node.path}`);
    }
    const problems = new Problems().addAll(RegistryScanning._ruleProblems(props.scanType, rules!));
    problems.throwIfAny(`aws.RegistryScanning ${this.node.path}`);
    claimAccountSingleton(this, 'registry scanning configuration', 'aws.RegistryScanning');
    this.scanType = props.scanType;
    this.rules = rules!;
    new ecr.CfnRegistryScanningConfiguration(this, 'Resource', {
      scanType: props.scanType,
      rules: rules!.map((r) => ({
        scanFrequency: r.frequency,
        repositoryFilters: r.repositoryFilters.map((filter) => ({ filter, filterType: 'WILDCARD' })),
      })),
    });
    Annotations.of(this).addWarningV2(AwsWarnings.REGISTRY_SCANNING_SCOPE,
      `The ECR registry scanning configuration (${props.scanType}) applies to the whole registry of this account and region, `
      + 'not only to this spec: repositories of other teams that no rule selects are no longer scanned automatically. '
      + 'Manage it in one place per account and region.',
    );
  }
}
