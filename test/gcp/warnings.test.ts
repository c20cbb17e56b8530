import { rawAnnotations, testStack, warningIds } from './helpers';
import { ContainerRegistry, ContainerRegistryProps } from '../../src/gcp/artifact-registry';
import { GcpWarnings } from '../../src/gcp/warnings';
import { EnvironmentLayout, NotificationEvent, RegistrySpec, ScanMode, Severity, UpstreamRegistry } from '../../src/spec';
import { WarningIds } from '../../src/spec/contract';
import { validSpec } from '../spec/fixtures';

/** The scenarios of the GCP tests that warn, each built into a registry. */
function scenarios(): Array<[string, ContainerRegistry]> {
  const build = (spec: RegistrySpec, props: Partial<ContainerRegistryProps> = {}) =>
    new ContainerRegistry(testStack(), 'Registry', { spec, project: 'acme-registry', location: 'europe', createOutputs: false, ...props });
  const granted = build(validSpec({ access: undefined }));
  granted.grantPull('group:api@acme.example', { images: ['api'] });
  return [
    ['the fixture (conservative retention, immutable tags, an identity without a GCP principal)', build(validSpec())],
    ['a restricted identity and the tags layout', build(validSpec({
      environments: { layout: EnvironmentLayout.TAGS, chain: [{ name: 'dev' }, { name: 'prod' }] },
      retention: undefined,
      access: {
        pushers: [{ name: 'ci', github: { repository: 'acme/platform', branch: 'main' } }],
        pullers: [{ name: 'rt', gcpMembers: ['group:rt@acme.example'], repositories: ['api'] }],
      },
    }))],
    ['a grant narrower than a repository', granted],
    ['mixed policies, a severity gate and replicas', build(validSpec({
      repositories: [{ name: 'api', tagPolicy: { immutable: false }, retention: { ...validSpec().retention, dryRun: true } }, { name: 'web', scanning: { mode: ScanMode.OFF } }],
      scanning: { severityThreshold: Severity.HIGH },
      replication: { replicas: [{ region: 'us-east1' }] },
      access: undefined,
    }))],
    ['private access with a cache, and push and scan notifications (issue 19)', build(validSpec({
      access: undefined,
      upstreamCaches: [{ name: 'quay', upstream: UpstreamRegistry.QUAY }],
      network: { privateAccess: true, gcpServicePerimeter: 'accessPolicies/1/servicePerimeters/registry' },
      notifications: { events: [NotificationEvent.PUSH, NotificationEvent.SCAN_FINDING] },
    }), { projectNumber: '42' })],
    ['an existing repository, an existing provider, no destroy protection, an anonymous Docker Hub cache', build(validSpec({
      upstreamCaches: [{ name: 'docker-hub', upstream: UpstreamRegistry.DOCKER_HUB }],
    }), {
      existingRepositories: [{ repositoryId: 'legacy-prod', environment: 'prod' }],
      workloadIdentityPool: {
        poolName: 'projects/123/locations/global/workloadIdentityPools/github',
        providerName: 'projects/123/locations/global/workloadIdentityPools/github/providers/github',
      },
      preventDestroy: false,
    })],
  ];
}

describe('GcpWarnings', () => {
  const emitted = scenarios().map(([name, registry]) => ({ name, ids: warningIds(registry), messages: rawAnnotations(registry) }));

  test('every warning the GCP constructs emit starts with a listed id', () => {
    const listed = GcpWarnings.WARNINGS.map((w) => w.id);
    for (const { name, ids, messages } of emitted) {
      ids.forEach((id, i) => expect([name, messages[i], id !== undefined && listed.includes(id)]).toEqual([name, messages[i], true]));
    }
  });

  test('every listed warning is emitted by a scenario (the list has no dead entry)', () => {
    const seen = new Set(emitted.flatMap((e) => e.ids));
    expect(GcpWarnings.WARNINGS.map((w) => w.id).filter((id) => !seen.has(id))).toEqual([]);
  });

  test('ids are unique, of the gcp cloud, in the registry\'s format, with a one-sentence summary', () => {
    const ids = GcpWarnings.WARNINGS.map((w) => w.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const w of GcpWarnings.WARNINGS) {
      expect(w.cloud).toBe('gcp');
      expect(w.id).toMatch(new RegExp(`^${WarningIds.PREFIX}gcp-[a-z]+(-[a-z]+)*$`));
      expect(w.summary).toMatch(/^[A-Za-z].*\.$/);
    }
  });

  test('negative control: a topic that is not listed cannot be emitted', () => {
    expect(() => GcpWarnings._emit(testStack(), 'not-listed', 'x')).toThrow('GcpWarnings: "not-listed" is not a listed warning topic');
  });
});
