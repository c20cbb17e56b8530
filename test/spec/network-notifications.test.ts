import { validSpec } from './fixtures';
import { NotificationEvent, RegistrySpec, ScanMode, Severity, SpecValidator } from '../../src/spec';
import { SpecLoader } from '../../src/spec/loader';

const render = (spec: RegistrySpec) => SpecValidator.validate(spec).problems.map((p) => `${p.path}: ${p.value} ${p.message}`);

describe('spec: network and notifications (issue 19)', () => {
  test('a spec with private access and every event is valid', () => {
    const spec = validSpec({
      network: { privateAccess: true, awsDenyOutsideVpc: true, gcpServicePerimeter: 'accessPolicies/123456/servicePerimeters/registry_perimeter', azureTrustedServices: true },
      notifications: {
        events: [NotificationEvent.PUSH, NotificationEvent.SCAN_FINDING, NotificationEvent.RETENTION_DELETION, NotificationEvent.PROMOTION],
        minimumSeverity: Severity.CRITICAL,
      },
    });
    expect(render(spec)).toEqual([]);
  });

  test('every problem of both sections is reported at once, with field, value and what is allowed', () => {
    const spec = validSpec({
      scanning: { mode: ScanMode.OFF },
      network: { awsDenyOutsideVpc: true, gcpServicePerimeter: 'projects/p/perimeters/x' },
      notifications: { events: [NotificationEvent.PUSH, 'pull' as any, NotificationEvent.PUSH, NotificationEvent.SCAN_FINDING], minimumSeverity: 'severe' as any },
    });
    expect(render(spec)).toEqual([
      // The shape check (generated JSON Schema) reports the enum values first.
      expect.stringMatching(/^notifications\.events\[1\]: "pull" /),
      expect.stringMatching(/^notifications\.minimumSeverity: "severe" /),
      'network.awsDenyOutsideVpc: true needs network.privateAccess: true (pulls from outside the VPC are refused only when the VPC endpoints exist)',
      'network.gcpServicePerimeter: "projects/p/perimeters/x" is not a service perimeter name (accessPolicies/<policy number>/servicePerimeters/<name>, '
        + 'the name of letters, digits and _, starting with a letter, at most 50)',
      'notifications.events[2]: "push" is listed twice; each event at most once',
      'notifications.events: "scan-finding" asks for scan findings, but scanning.mode is "off" for every repository: there would be none',
    ]);
  });

  test('a severity without scan findings, no events, and a perimeter without private access are problems', () => {
    expect(render(validSpec({ notifications: { events: [NotificationEvent.PUSH], minimumSeverity: Severity.HIGH } }))).toEqual([
      'notifications.minimumSeverity: "high" applies only to the "scan-finding" event, which notifications.events does not list',
    ]);
    expect(render(validSpec({ notifications: { events: [] } }))).toEqual([
      'notifications.events: [] must list at least one event (allowed: push, scan-finding, retention-deletion, promotion)',
    ]);
    expect(render(validSpec({ network: { gcpServicePerimeter: 'accessPolicies/1/servicePerimeters/p' } }))).toEqual([
      'network.gcpServicePerimeter: "accessPolicies/1/servicePerimeters/p" needs network.privateAccess: true (the perimeter is how GCP keeps the registry private)',
    ]);
  });

  test('one repository that still scans makes scan findings possible (negative control of the "off" check)', () => {
    const spec = validSpec({
      scanning: { mode: ScanMode.OFF },
      repositories: [{ name: 'api', scanning: { mode: ScanMode.ON_PUSH } }, { name: 'web' }],
      notifications: { events: [NotificationEvent.SCAN_FINDING] },
    });
    expect(render(spec)).toEqual([]);
  });

  test('a spec file with both sections loads, and unknown fields are refused by the schema', () => {
    const yaml = [
      'name: platform',
      'repositories: [{ name: api }]',
      'network: { privateAccess: true, awsDenyOutsideVpc: true }',
      'notifications: { events: [push, retention-deletion] }',
    ].join('\n');
    const spec = SpecLoader.fromString(yaml);
    expect(spec.network).toEqual({ privateAccess: true, awsDenyOutsideVpc: true });
    expect(spec.notifications?.events).toEqual([NotificationEvent.PUSH, NotificationEvent.RETENTION_DELETION]);
    expect(() => SpecLoader.fromString(`${yaml.replace('awsDenyOutsideVpc: true', 'vpcId: vpc-1')}`)).toThrow(/network.*vpcId/s);
  });
});
