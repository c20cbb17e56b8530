import { TerraformVariable, Testing } from 'cdktf';
import { harborSpec, taggedWarnings, testStack, warningIds } from './helpers';
import { ContainerRegistry, ContainerRegistryProps, HarborProject, HarborWarnings } from '../../src/harbor';
import { Cloud, EncryptionType, EnvironmentLayout, NotificationEvent, RegistrySpec, ScanMode, TagStrategy, UpstreamRegistry } from '../../src/spec';
import { WarningIds } from '../../src/spec/contract';

/** Synthesizes a scenario and returns the construct's warnings, as emitted. */
function emitted(spec: RegistrySpec, props: Partial<ContainerRegistryProps> = {}, grant?: (r: ContainerRegistry) => void): string[] {
  const stack = testStack();
  const registry = new ContainerRegistry(stack, 'Registry', { spec, url: 'https://harbor.example.com', ...props });
  grant?.(registry);
  Testing.synth(stack, true);
  return taggedWarnings(stack);
}

// Scenarios that together emit every warning of the list.
const scenarios: Array<() => string[]> = [
  // retention (conservative rules, ties), immutability blocking retention, robot secrets, cache upstream (anonymous Docker Hub, Quay), dryRun
  () => emitted(harborSpec(EnvironmentLayout.TAGS, {
    retention: { ...harborSpec(EnvironmentLayout.TAGS).retention, dryRun: true },
    upstreamCaches: [{ name: 'hub', upstream: UpstreamRegistry.DOCKER_HUB }, { name: 'quay', upstream: UpstreamRegistry.QUAY }],
  })),
  // semver aliases, tags layout with writers, existing principals, continuous scanning, customer-managed encryption, CVE allowlist per repository
  () => emitted(harborSpec(EnvironmentLayout.TAGS, {
    tagPolicy: { immutable: true, strategy: TagStrategy.SEMVER, semverAliases: true },
    access: { pushers: [{ name: 'ci', awsPrincipalArns: ['arn:aws:iam::123456789012:role/ci'] }] },
    scanning: { mode: ScanMode.CONTINUOUS },
    encryption: { type: EncryptionType.CUSTOMER_MANAGED },
    repositories: [{ name: 'api', scanning: { allowedVulnerabilities: ['CVE-2024-1111'] } }, { name: 'web' }],
  })),
  // grants wider than the images; a replica without an endpoint
  () => emitted(harborSpec(EnvironmentLayout.REGISTRIES, { replication: { replicas: [{ region: 'westeurope' }] } }), {},
    (r) => r.grantPull('ops', { images: ['api'] })),
  // notifications without a webhook address; scan findings delivered unfiltered by severity (issue 19)
  () => emitted(harborSpec(EnvironmentLayout.REGISTRIES, { notifications: { events: [NotificationEvent.PUSH] } })),
  () => emitted(harborSpec(EnvironmentLayout.REGISTRIES, { notifications: { events: [NotificationEvent.SCAN_FINDING] } }), { webhookAddress: 'https://hooks.example.com/harbor' }),
  // private access, which Harbor cannot provide itself
  () => emitted(harborSpec(EnvironmentLayout.REGISTRIES, { network: { privateAccess: true } })),
  () => emitted(harborSpec(EnvironmentLayout.REGISTRIES, { labels: { team: 'shop' } })),
  () => emitted(harborSpec(EnvironmentLayout.REGISTRIES), { password: 'Harbor12345' }),
  () => emitted(harborSpec(EnvironmentLayout.REGISTRIES), { url: 'http://harbor.example.com' }),
];

describe('HarborWarnings', () => {
  const all = scenarios.flatMap((s) => s());

  test('every emitted warning starts with an id of the list', () => {
    const known = new Set(HarborWarnings.WARNINGS.map((w) => w.id));
    for (const w of all) {
      const id = /^\[([^\]]+)\] /.exec(w)?.[1];
      expect({ w, known: id !== undefined && known.has(id) }).toEqual({ w, known: true });
    }
  });

  test('the scenarios emit every warning of the list (so the list has no dead entry)', () => {
    const ids = new Set(all.map((w) => /^\[([^\]]+)\] /.exec(w)![1]));
    expect(HarborWarnings.WARNINGS.map((w) => w.id).filter((id) => !ids.has(id))).toEqual([]);
  });

  test('ids are unique, well formed and harbor\'s', () => {
    const ids = HarborWarnings.WARNINGS.map((w) => w.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const w of HarborWarnings.WARNINGS) {
      expect(w.id).toMatch(new RegExp(`^${WarningIds.PREFIX}harbor-[a-z]+(-[a-z]+)*$`));
      expect(w.cloud).toBe('harbor');
      expect(w.summary).toMatch(/\.$/);
    }
  });

  test('a topic outside the list is a programming error (negative control of the check above)', () => {
    const stack = testStack();
    expect(() => HarborWarnings._emit(stack, 'no-such-topic', 'x')).toThrow('unknown Harbor warning topic "no-such-topic"');
    expect(warningIds(stack)).toEqual([]);
  });

  test('an imported project warns with an id of the list too', () => {
    const stack = testStack();
    HarborProject.fromProjectName(stack, 'P', 'tools').grantPull('ci', { images: ['api'] });
    expect(warningIds(stack)).toEqual(['container-registry-constructs:harbor-grant-project-wide']);
  });

  test('the tag-immutability warning names each repository once, in the spec\'s order, whatever the number of projects', () => {
    // Three environments in their own projects (registries layout): one decision per repository, not one per project.
    const spec = harborSpec(EnvironmentLayout.REGISTRIES, {
      tagPolicy: { immutable: true, strategy: TagStrategy.SEMVER, semverAliases: true },
      repositories: [{ name: 'web' }, { name: 'api' }, { name: 'batch', tagPolicy: { immutable: false } }, { name: 'jobs' }],
    });
    const tagWarnings = emitted(spec).filter((w) => w.startsWith('[container-registry-constructs:harbor-tag-immutability] '));
    expect(tagWarnings).toHaveLength(1);
    expect(tagWarnings[0]).toMatch(/^\[container-registry-constructs:harbor-tag-immutability\] tagPolicy \(web, api, jobs\): semver aliases \(1\.2, 1\) move/);
  });

  test('labels, which Harbor projects cannot hold, are named in a warning (before: dropped in silence); none without labels', () => {
    expect(emitted(harborSpec(EnvironmentLayout.TAGS, { labels: { 'team': 'shop', 'cost-center': 'cc-1' } })).filter((w) => w.includes('harbor-labels')))
      .toEqual([expect.stringMatching(/^\[container-registry-constructs:harbor-labels\] labels \(team, cost-center\): Harbor projects take no labels or tags/)]);
    expect(emitted(harborSpec(EnvironmentLayout.TAGS)).filter((w) => w.includes('harbor-labels'))).toEqual([]);
  });

  test('a literal password or webhook header is named in a warning (it is written in clear into cdktf.out); a sensitive variable is not', () => {
    const literal = emitted(harborSpec(EnvironmentLayout.TAGS, { notifications: { events: [NotificationEvent.PUSH] } }),
      { password: 'Harbor12345', webhookAddress: 'https://hooks.example.com/harbor', webhookAuthHeader: 'Bearer abc' });
    expect(literal.filter((w) => w.includes('harbor-literal-secret'))).toEqual([
      expect.stringMatching(/^\[container-registry-constructs:harbor-literal-secret\] password and webhookAuthHeader: a literal string is written in clear/),
    ]);
    expect(literal.join('\n')).not.toContain('Harbor12345');
    const stack = testStack();
    const secret = new TerraformVariable(stack, 'pw', { type: 'string', sensitive: true });
    new ContainerRegistry(stack, 'Registry', { spec: harborSpec(EnvironmentLayout.TAGS), url: 'https://harbor.example.com', password: secret.stringValue });
    expect(warningIds(stack)).not.toContain('container-registry-constructs:harbor-literal-secret');
  });

  test('http:// addresses are named in one warning (credentials travel unencrypted); https gets none', () => {
    const w = emitted(harborSpec(EnvironmentLayout.TAGS, { notifications: { events: [NotificationEvent.PUSH] }, replication: { replicas: [{ region: 'dr', cloud: Cloud.HARBOR }] } }),
      { url: 'http://harbor.example.com', webhookAddress: 'http://hooks.example.com/harbor', replicaEndpoints: { dr: { url: 'HTTP://dr.example.com' } } });
    expect(w.filter((x) => x.includes('harbor-plain-http'))).toEqual([
      '[container-registry-constructs:harbor-plain-http] url, webhookAddress, replicaEndpoints.dr.url: http:// sends credentials, robot secrets and the webhook\'s Authorization header unencrypted; use https',
    ]);
    expect(emitted(harborSpec(EnvironmentLayout.TAGS)).filter((x) => x.includes('harbor-plain-http'))).toEqual([]);
  });

  test('replicas for Harbor with fields Harbor ignores say so', () => {
    const w = emitted(harborSpec(EnvironmentLayout.TAGS, { replication: { replicas: [{ region: 'dr', cloud: Cloud.HARBOR, zoneRedundant: true }] } }),
      { replicaEndpoints: { dr: { url: 'https://dr.example.com' } } });
    expect(w).toContain('[container-registry-constructs:harbor-replica-endpoint] replica "dr": ignored on Harbor, where they mean nothing: zoneRedundant');
  });
});
