import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { ENV, richSpec, snapshotOf, stackIn, strictApp, warningsOf } from './helpers';
import { ContainerRegistry, EcrScanFrequency, EcrScanType, RegistryScanning } from '../../src/aws';
import { ScanMode } from '../../src/spec';

const spec = richSpec();
const app = strictApp();
const stack = stackIn(app);
new ContainerRegistry(stack, 'Registry', { spec, createOnPush: true });
const template = Template.fromStack(stack);

describe('RegistryScanning', () => {
  test('a continuous repository makes the registry ENHANCED: CONTINUOUS_SCAN for it, SCAN_ON_PUSH for the rest, compacted filters', () => {
    template.resourceCountIs('AWS::ECR::RegistryScanningConfiguration', 1);
    template.hasResourceProperties('AWS::ECR::RegistryScanningConfiguration', {
      ScanType: 'ENHANCED',
      Rules: [
        {
          ScanFrequency: 'CONTINUOUS_SCAN',
          RepositoryFilters: ['platform/dev/web', 'platform/prod/web', 'platform/staging/web'].map((filter) => ({ Filter: filter, FilterType: 'WILDCARD' })),
        },
        {
          ScanFrequency: 'SCAN_ON_PUSH',
          // ECR User Guide: "Filters with no wildcard will match all repository names that contain the filter":
          // exact names are the narrowest filter ECR has (README, known gaps).
          RepositoryFilters: ['platform/dev/jobs/*', 'platform/prod/jobs/*', 'platform/staging/jobs/*', 'platform/dev/api', 'platform/prod/api', 'platform/staging/api']
            .map((filter) => ({ Filter: filter, FilterType: 'WILDCARD' })),
        },
      ],
    });
  });

  test('warns that the configuration is registry-wide', () => {
    expect(warningsOf(stack)).toEqual(expect.arrayContaining([
      expect.stringMatching(/^The ECR registry scanning configuration \(ENHANCED\) applies to the whole registry of this account and region, not only to this spec/),
    ]));
  });

  test('without continuous repositories: no registry configuration (repository-level scan on push)', () => {
    const a = strictApp();
    const s = stackIn(a);
    new ContainerRegistry(s, 'Registry', { spec: richSpec({ repositories: [{ name: 'api' }] }) });
    Template.fromStack(s).resourceCountIs('AWS::ECR::RegistryScanningConfiguration', 0);
  });

  test('BASIC on request: continuous repositories fall back to SCAN_ON_PUSH', () => {
    expect(RegistryScanning.rulesFromSpec(spec, EcrScanType.BASIC)).toEqual([
      { frequency: EcrScanFrequency.SCAN_ON_PUSH, repositoryFilters: ['platform/dev/*', 'platform/prod/*', 'platform/staging/*'] },
    ]);
    expect(RegistryScanning.rulesFromSpec(richSpec({ scanning: { mode: ScanMode.OFF }, repositories: [{ name: 'api' }] }), EcrScanType.ENHANCED)).toEqual([]);
  });

  test('invalid rules are one clear error listing every problem', () => {
    const s = stackIn(new App(), 'S');
    expect(() => new RegistryScanning(s, 'Scan', {
      scanType: EcrScanType.BASIC,
      rules: [
        { frequency: EcrScanFrequency.CONTINUOUS_SCAN, repositoryFilters: ['Bad Filter'] },
        { frequency: EcrScanFrequency.CONTINUOUS_SCAN, repositoryFilters: [] },
      ],
    })).toThrow(new RegExp([
      'aws.RegistryScanning S/Scan: 5 problems',
      '  - rules\\[0\\]\\.frequency: "CONTINUOUS_SCAN" needs scanType ENHANCED \\(BASIC scanning supports SCAN_ON_PUSH only\\)',
      '  - rules\\[0\\]\\.repositoryFilters\\[0\\]: "Bad Filter" is not a repository filter[^\n]*',
      '[^]*rules\\[1\\]\\.frequency: "CONTINUOUS_SCAN" is used by two rules[^\n]*',
      '[^]*rules\\[1\\]\\.repositoryFilters: 0 filters; ECR takes 1-100 per rule',
    ].join('\n')));
    expect(() => new RegistryScanning(s, 'NoRules', { scanType: EcrScanType.BASIC })).toThrow('aws.RegistryScanning S/NoRules: 1 problem\n  - props.rules: give `rules` or a `spec` to derive them from');
  });

  test('snapshot', () => {
    const s = stackIn(strictApp());
    new RegistryScanning(s, 'Scanning', { scanType: EcrScanType.ENHANCED, spec });
    expect(snapshotOf(Template.fromStack(s))).toMatchSnapshot();
  });

  test('a second scanning configuration for the same account and region in the app is an error', () => {
    const other = new Stack(app, 'Other', { env: ENV });
    expect(() => new RegistryScanning(other, 'Scan', { scanType: EcrScanType.BASIC, spec })).toThrow(
      'aws.RegistryScanning Other/Scan: 1 problem\n  - a second ECR registry scanning configuration for account 123456789012, region eu-west-1; ECR has one registry scanning configuration '
      + 'per registry (account and region), already defined by Platform/Registry/Scanning. Define it once (merge the rules) or target another account or region.');
    const elsewhere = new Stack(app, 'Elsewhere', { env: { ...ENV, region: 'us-east-1' } });
    new RegistryScanning(elsewhere, 'Scan', { scanType: EcrScanType.BASIC, spec });
  });
});
