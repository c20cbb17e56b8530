import { TerraformVariable } from 'cdktf';
import { harborSpec, resources, synthJson, testStack, warningIds } from './helpers';
import { schemaProblems } from './provider-schema';
import { ContainerRegistry, HarborWarnings } from '../../src/harbor';
import { EnvironmentLayout, NotificationEvent, RegistrySpec, Severity } from '../../src/spec';
import { WarningIds } from '../../src/spec/contract';

/*
 * Harbor project webhooks for the spec's notifications (issue 19). The event type names are
 * Harbor's notifier topics (goharbor/harbor src/pkg/notifier/event/topic.go: TopicPushArtifact
 * "PUSH_ARTIFACT", TopicScanningCompleted "SCANNING_COMPLETED", TopicScanningFailed
 * "SCANNING_FAILED", TopicTagRetention "TAG_RETENTION"), all among the types the webhook policy
 * API accepts (src/server/v2.0/handler/webhook.go, initSupportedEvents).
 */

const URL = 'https://harbor.example.com';
const HOOK = 'https://hooks.acme.example/harbor';
const ALL = [NotificationEvent.PUSH, NotificationEvent.SCAN_FINDING, NotificationEvent.RETENTION_DELETION, NotificationEvent.PROMOTION];

function build(spec: RegistrySpec, extra: Partial<import('../../src/harbor').ContainerRegistryProps> = {}) {
  const stack = testStack();
  const registry = new ContainerRegistry(stack, 'Registry', { spec, url: URL, ...extra });
  return { stack, registry, json: synthJson(stack) };
}
const problemsOf = (fn: () => unknown): string => { try { fn(); } catch (e) { return (e as Error).message; } return ''; };
const withEvents = (layout: EnvironmentLayout, events: NotificationEvent[]) => harborSpec(layout, {
  notifications: { events, ...(events.includes(NotificationEvent.SCAN_FINDING) ? { minimumSeverity: Severity.CRITICAL } : {}) },
});

describe('harbor project webhooks (issue 19)', () => {
  test('the event types of the neutral events; promotion has none (the workflow reports it)', () => {
    expect(ContainerRegistry.webhookEventTypes(ALL)).toEqual(['PUSH_ARTIFACT', 'SCANNING_COMPLETED', 'SCANNING_FAILED', 'TAG_RETENTION']);
    expect(ContainerRegistry.webhookEventTypes([NotificationEvent.PROMOTION])).toEqual([]);
    expect(ContainerRegistry.webhookEventTypes([NotificationEvent.RETENTION_DELETION])).toEqual(['TAG_RETENTION']);
  });

  test.each([EnvironmentLayout.REGISTRIES, EnvironmentLayout.REPOSITORIES, EnvironmentLayout.TAGS])(
    'one http webhook per project (%s layout), certificate verified, conforming to the provider schema', (layout) => {
      const { json, registry } = build(withEvents(layout, ALL), { webhookAddress: HOOK });
      const hooks = resources(json, 'harbor_project_webhook');
      expect(hooks).toHaveLength(Object.keys(registry.projects).length);
      expect(Object.keys(registry.webhooks).sort()).toEqual(Object.keys(registry.projects).sort());
      for (const h of hooks) {
        expect(h).toMatchObject({
          name: 'platform-events',
          address: HOOK,
          notify_type: 'http',
          enabled: true,
          skip_cert_verify: false,
          events_types: ['PUSH_ARTIFACT', 'SCANNING_COMPLETED', 'SCANNING_FAILED', 'TAG_RETENTION'],
        });
        expect(h.auth_header).toBeUndefined();
      }
      // Each webhook on its own project.
      expect(new Set(hooks.map((h) => h.project_id)).size).toBe(hooks.length);
      expect(hooks.every((h) => /^\$\{harbor_project\.[^.]+\.id\}$/.test(h.project_id))).toBe(true);
      expect(schemaProblems(json)).toEqual([]);
    });

  test('only the events asked for; a sensitive variable as the auth header', () => {
    const stack = testStack();
    const header = new TerraformVariable(stack, 'webhook_auth', { type: 'string', sensitive: true });
    const registry = new ContainerRegistry(stack, 'Registry', {
      spec: withEvents(EnvironmentLayout.REGISTRIES, [NotificationEvent.PUSH]), url: URL, webhookAddress: HOOK, webhookAuthHeader: header.stringValue,
    });
    const json = synthJson(stack);
    const hooks = resources(json, 'harbor_project_webhook');
    expect(hooks.every((h) => h.events_types.join() === 'PUSH_ARTIFACT' && h.auth_header === '${var.webhook_auth}')).toBe(true);
    expect(schemaProblems(json)).toEqual([]);
    // No scan events: no severity warning.
    expect(warningIds(stack)).not.toContain(WarningIds.id('harbor', 'scan-severity-unfiltered'));
    expect(Object.keys(registry.webhooks)).toHaveLength(3);
  });

  test('notifications without an address: no webhook, and a warning with a stable id; scan findings warn that Harbor does not filter by severity', () => {
    const none = build(withEvents(EnvironmentLayout.REGISTRIES, ALL));
    expect(resources(none.json, 'harbor_project_webhook')).toEqual([]);
    expect(warningIds(none.stack)).toContain(WarningIds.id('harbor', 'notifications-address'));
    const given = build(withEvents(EnvironmentLayout.REGISTRIES, ALL), { webhookAddress: HOOK });
    expect(warningIds(given.stack)).not.toContain(WarningIds.id('harbor', 'notifications-address'));
    expect(warningIds(given.stack)).toContain(WarningIds.id('harbor', 'scan-severity-unfiltered'));
    for (const topic of ['notifications-address', 'scan-severity-unfiltered']) {
      expect(HarborWarnings.WARNINGS.map((w) => w.id)).toContain(WarningIds.id('harbor', topic));
    }
  });

  test('promotion only, or no notifications: no webhook and no warning', () => {
    for (const spec of [withEvents(EnvironmentLayout.REGISTRIES, [NotificationEvent.PROMOTION]), harborSpec(EnvironmentLayout.REGISTRIES)]) {
      const { json, stack } = build(spec);
      expect(resources(json, 'harbor_project_webhook')).toEqual([]);
      expect(warningIds(stack)).not.toContain(WarningIds.id('harbor', 'notifications-address'));
    }
  });

  test('network.privateAccess: Harbor has no private endpoint, so the construct creates nothing for it and says so (stable id); without it, no warning', () => {
    const spec = harborSpec(EnvironmentLayout.REGISTRIES, { network: { privateAccess: true }, notifications: { events: [NotificationEvent.PUSH] } });
    const { json, stack } = build(spec, { webhookAddress: HOOK });
    const plain = build(harborSpec(EnvironmentLayout.REGISTRIES, { notifications: { events: [NotificationEvent.PUSH] } }), { webhookAddress: HOOK });
    // The same resources with and without privateAccess: nothing network-related exists in the provider.
    expect(Object.keys(json.resource).sort()).toEqual(Object.keys(plain.json.resource).sort());
    expect(warningIds(stack)).toContain(WarningIds.id('harbor', 'private-network'));
    expect(warningIds(plain.stack)).not.toContain(WarningIds.id('harbor', 'private-network'));
    const message = stack.node.findAll().flatMap((c) => c.node.metadata).map((m) => String(m.data)).find((d) => d.includes('harbor-private-network'));
    expect(message).toContain(`this construct reaches it at ${URL}`);
    expect(message).toContain('let Harbor\'s core reach the webhook address');
  });

  test('bad webhook props, all at once', () => {
    const message = problemsOf(() => build(harborSpec(EnvironmentLayout.REGISTRIES), { webhookAddress: 'ftp://hooks', robotDurationDays: 0 }));
    expect(message).toContain('webhookAddress: "ftp://hooks" is not an http(s) URL');
    expect(message).toContain('webhookAddress: "ftp://hooks" needs a notifications section in the spec');
    expect(message).toContain('robotDurationDays');
  });
});
