import { Testing } from 'cdktf';
import { AzureAccess } from './azure-access';
import { resources, synthJson, taggedWarnings, testStack, warnings } from './helpers';
import { AcrAccessMatrix } from '../../src/azure/access-matrix';
import { AcrSku } from '../../src/azure/azure-validator';
import { ContainerRegistry, ContainerRegistryProps } from '../../src/azure/container-registry';
import { AcrEventDelivery, AcrRegistryEvents } from '../../src/azure/private-access';
import { AcrTerraformChecks } from '../../src/azure/terraform-checks';
import { AccessModel, AccessResourceKind, Capability, EnvironmentLayout, NotificationEvent, RegistrySpec, TagState } from '../../src/spec';

const SUB = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/net/providers';
const SUBNET = `${SUB}/Microsoft.Network/virtualNetworks/hub/subnets/endpoints`;
const VNET = `${SUB}/Microsoft.Network/virtualNetworks/hub`;
const ZONE = `${SUB}/Microsoft.Network/privateDnsZones/privatelink.azurecr.io`;
const STORAGE = `${SUB}/Microsoft.Storage/storageAccounts/platformevents`;

const spec = (over: Partial<RegistrySpec> = {}): RegistrySpec => ({
  name: 'platform',
  repositories: [{ name: 'api' }],
  environments: { layout: EnvironmentLayout.REGISTRIES, chain: [{ name: 'dev' }, { name: 'prod' }] },
  replication: { replicas: [{ region: 'northeurope' }] },
  ...over,
});
function build(s: RegistrySpec, props: Partial<ContainerRegistryProps> = {}) {
  const stack = testStack();
  const registry = new ContainerRegistry(stack, 'Registry', { spec: s, resourceGroupName: 'rg', location: 'westeurope', outputs: false, ...props });
  return { registry, json: synthJson(stack) };
}
const problemsOf = (fn: () => unknown): string => { try { fn(); } catch (e) { return (e as Error).message; } return ''; };

describe('azure private access (issue 19)', () => {
  const { json, registry } = build(spec({ network: { privateAccess: true } }), { privateEndpoint: { subnetId: SUBNET, privateDnsZoneId: ZONE } });

  test('every registry: public network access off, dedicated data endpoints, trusted services bypass', () => {
    const registries = resources(json, 'azurerm_container_registry');
    expect(registries).toHaveLength(2);
    for (const r of registries) {
      expect(r).toMatchObject({ sku: 'Premium', public_network_access_enabled: false, data_endpoint_enabled: true, network_rule_bypass_option: 'AzureServices' });
      expect(r.georeplications).toEqual([expect.objectContaining({ location: 'northeurope' })]);
    }
  });

  test('one private endpoint per registry on the registry sub-resource, with a DNS zone group on privatelink.azurecr.io', () => {
    const endpoints = resources(json, 'azurerm_private_endpoint');
    expect(endpoints.map((e) => e.name).sort()).toEqual(['platformdev-registry', 'platformprod-registry']);
    for (const e of endpoints) {
      expect(e.subnet_id).toBe(SUBNET);
      expect(e.private_service_connection).toMatchObject({ subresource_names: ['registry'], is_manual_connection: false });
      expect(e.private_service_connection.private_connection_resource_id).toMatch(/^\$\{azurerm_container_registry\..*\.id\}$/);
      expect(e.private_dns_zone_group).toEqual({ name: 'registry', private_dns_zone_ids: [ZONE] });
    }
    // The zone was given: none created.
    expect(resources(json, 'azurerm_private_dns_zone')).toEqual([]);
    expect(Object.keys(registry.privateEndpoints!.endpoints).sort()).toEqual(['platformdev', 'platformprod']);
  });

  test('without a zone id, the zone privatelink.azurecr.io is created and linked to the virtual network', () => {
    const { json: j } = build(spec({ network: { privateAccess: true } }), { privateEndpoint: { subnetId: SUBNET, virtualNetworkId: VNET } });
    expect(resources(j, 'azurerm_private_dns_zone')).toEqual([expect.objectContaining({ name: 'privatelink.azurecr.io' })]);
    expect(resources(j, 'azurerm_private_dns_zone_virtual_network_link')).toEqual([expect.objectContaining({ virtual_network_id: VNET, registration_enabled: false })]);
    expect(resources(j, 'azurerm_private_endpoint')[0].private_dns_zone_group.private_dns_zone_ids[0]).toMatch(/^\$\{azurerm_private_dns_zone\./);
  });

  test('azureTrustedServices: false turns the bypass off; the purge task then cannot reach the registry, and says so', () => {
    const { json: j, registry: r } = build(spec({
      network: { privateAccess: true, azureTrustedServices: false },
      retention: { rules: [{ tagState: TagState.TAGGED, tagPatterns: ['pr-*'], expireAfterDays: 30 }] },
    }), { privateEndpoint: { subnetId: SUBNET, privateDnsZoneId: ZONE } });
    expect(resources(j, 'azurerm_container_registry').every((x) => x.network_rule_bypass_option === 'None')).toBe(true);
    expect(warnings(r).join('\n')).toMatch(/network-restricted.*networkRuleBypassAllowedForTasks.*azurerm 4\.55 cannot set/);
  });

  test('Premium only, and every other problem at once', () => {
    const message = problemsOf(() => build(spec({ network: { privateAccess: true } }), {
      sku: AcrSku.STANDARD, publicNetworkAccessEnabled: true, privateEndpoint: { subnetId: 'endpoints', privateDnsZoneId: `${SUB}/Microsoft.Network/privateDnsZones/example.com` },
    }));
    expect(message).toContain('network.privateAccess: true asks for private endpoints, dedicated data endpoints and public network access off, which need the Premium SKU (sku is "Standard")');
    expect(message).toContain('publicNetworkAccessEnabled: true contradicts network.privateAccess');
    expect(message).toContain('privateEndpoint.subnetId: "endpoints" is not a subnet resource id');
    expect(message).toContain('privateEndpoint.privateDnsZoneId: ');
    expect(problemsOf(() => build(spec({ network: { privateAccess: true } })))).toContain('privateEndpoint: is required with network.privateAccess');
    expect(problemsOf(() => build(spec(), { privateEndpoint: { subnetId: SUBNET, privateDnsZoneId: ZONE } }))).toContain('privateEndpoint: "given" needs network.privateAccess: true');
    expect(problemsOf(() => build(spec({ network: { privateAccess: true } }), { privateEndpoint: { subnetId: SUBNET } })))
      .toContain('privateEndpoint.virtualNetworkId: is required without privateDnsZoneId');
  });
});

describe('azure notifications (issue 19)', () => {
  const events = [NotificationEvent.PUSH, NotificationEvent.RETENTION_DELETION];

  test('Event Grid to a webhook: one system topic per registry, ImagePushed and ImageDeleted', () => {
    const { json } = build(spec({ notifications: { events } }), { events: { webhookUrl: 'https://hooks.acme.example/acr' } });
    const topics = resources(json, 'azurerm_eventgrid_system_topic');
    expect(topics).toHaveLength(2);
    for (const t of topics) {
      expect(t).toMatchObject({ topic_type: 'Microsoft.ContainerRegistry.Registries', location: 'westeurope' });
      expect(t.source_resource_id).toMatch(/^\$\{azurerm_container_registry\..*\.id\}$/);
    }
    const subs = resources(json, 'azurerm_eventgrid_system_topic_event_subscription');
    expect(subs.map((x) => x.included_event_types)).toEqual([
      ['Microsoft.ContainerRegistry.ImagePushed', 'Microsoft.ContainerRegistry.ImageDeleted'],
      ['Microsoft.ContainerRegistry.ImagePushed', 'Microsoft.ContainerRegistry.ImageDeleted'],
    ]);
    expect(subs.every((x) => x.webhook_endpoint.url === 'https://hooks.acme.example/acr' && x.storage_queue_endpoint === undefined)).toBe(true);
    expect(resources(json, 'azurerm_role_assignment').filter((a) => a.role_definition_name.startsWith('Storage'))).toEqual([]);
  });

  test('Event Grid to a storage queue: the topic\'s identity sends with Storage Queue Data Message Sender on that queue only', () => {
    const { json } = build(spec({ notifications: { events: [NotificationEvent.PUSH] } }), { events: { storageAccountId: STORAGE, queueName: 'registry-events' } });
    const senders = resources(json, 'azurerm_role_assignment').filter((a) => a.role_definition_name === 'Storage Queue Data Message Sender');
    expect(senders.map((a) => a.scope)).toEqual([`${STORAGE}/queueServices/default/queues/registry-events`, `${STORAGE}/queueServices/default/queues/registry-events`]);
    expect(senders.every((a) => /^\$\{azurerm_eventgrid_system_topic\..*\.identity\[0\]\.principal_id\}$/.test(a.principal_id))).toBe(true);
    const subs = resources(json, 'azurerm_eventgrid_system_topic_event_subscription');
    expect(subs.every((x) => x.storage_queue_endpoint.queue_name === 'registry-events' && x.delivery_identity.type === 'SystemAssigned')).toBe(true);
    expect(subs.every((x) => x.included_event_types.join() === 'Microsoft.ContainerRegistry.ImagePushed')).toBe(true);
  });

  test('ACR webhooks: one per registry with the push and delete actions', () => {
    const { json } = build(spec({ notifications: { events } }), { events: { delivery: AcrEventDelivery.REGISTRY_WEBHOOK, webhookUrl: 'https://hooks.acme.example/acr' } });
    const hooks = resources(json, 'azurerm_container_registry_webhook');
    expect(hooks.map((h) => [h.name, h.registry_name, h.actions, h.service_uri])).toEqual([
      ['platformdevevents', 'platformdev', ['push', 'delete'], 'https://hooks.acme.example/acr'],
      ['platformprodevents', 'platformprod', ['push', 'delete'], 'https://hooks.acme.example/acr'],
    ]);
    expect(resources(json, 'azurerm_eventgrid_system_topic')).toEqual([]);
    expect(AcrRegistryEvents.webhookActions([NotificationEvent.PROMOTION])).toEqual([]);
  });

  test('scan findings: nothing to subscribe to on ACR, a warning says so', () => {
    const { registry, json } = build(spec({ notifications: { events: [NotificationEvent.SCAN_FINDING] } }));
    expect(taggedWarnings(registry).some((w) => w.startsWith('[container-registry-constructs:azure-scan-events]'))).toBe(true);
    expect(resources(json, 'azurerm_eventgrid_system_topic')).toEqual([]);
  });

  test('bad event props, all at once', () => {
    expect(problemsOf(() => build(spec({ notifications: { events } })))).toContain('events: is required with push or retention-deletion notifications');
    const message = problemsOf(() => build(spec({ notifications: { events } }), {
      events: { webhookUrl: 'http://hooks.acme.example', storageAccountId: '/subscriptions/x/storage', queueName: 'Bad_Queue' },
    }));
    expect(message).toContain('events.webhookUrl: "http://hooks.acme.example" is not an https:// URL');
    expect(message).toContain('events.storageAccountId: "/subscriptions/x/storage" is not a storage account resource id');
    expect(message).toContain('events.queueName: "Bad_Queue" is not a queue name');
    expect(message).toContain('events: "given" needs exactly one destination');
    expect(problemsOf(() => build(spec(), { events: { webhookUrl: 'https://h.example' } }))).toContain('events: "given" needs a notifications section');
  });
});

describe('azure provider-constraint checks of private endpoints and events (issue 19)', () => {
  const full = () => {
    const stack = testStack();
    new ContainerRegistry(stack, 'Registry', {
      spec: spec({ network: { privateAccess: true }, notifications: { events: [NotificationEvent.PUSH] } }),
      resourceGroupName: 'rg',
      location: 'westeurope',
      outputs: false,
      privateEndpoint: { subnetId: SUBNET, privateDnsZoneId: ZONE },
      events: { storageAccountId: STORAGE, queueName: 'registry-events' },
    });
    return stack;
  };

  test('what the construct synthesizes passes the checks, validations included (cdktf synth runs them)', () => {
    const stack = full();
    expect(() => Testing.synth(stack, true)).not.toThrow();
    expect(AcrTerraformChecks.check(synthJson(stack))).toEqual([]);
  });

  test('negative controls: a Standard target, a manual connection, no zone group, a bad webhook are each named', () => {
    const json = synthJson(full());
    const [endpoint] = Object.values<any>(json.resource.azurerm_private_endpoint);
    endpoint.private_service_connection.is_manual_connection = true;
    delete endpoint.private_dns_zone_group;
    for (const r of Object.values<any>(json.resource.azurerm_container_registry)) r.sku = 'Standard';
    json.resource.azurerm_container_registry_webhook = { hook: { name: 'ab', service_uri: 'http://x', actions: ['pull'] } };
    const fields = AcrTerraformChecks.check(json).map((p) => `${p.resource.split('.')[0]}.${p.field}`);
    expect(fields).toEqual(expect.arrayContaining([
      'azurerm_private_endpoint.private_service_connection.is_manual_connection',
      'azurerm_private_endpoint.private_dns_zone_group',
      'azurerm_private_endpoint.private_service_connection',
      'azurerm_container_registry_webhook.name',
      'azurerm_container_registry_webhook.service_uri',
      'azurerm_container_registry_webhook.actions',
    ]));
  });
});

describe('issue 19: who may send to the event queue, and who publishes promotion reports (access model)', () => {
  const SEND = 'Microsoft.Storage/storageAccounts/queueServices/queues/messages/add/action';
  const QUEUE = `${STORAGE}/queueServices/default/queues/registry-events`;
  const reporting = spec({
    notifications: { events: [NotificationEvent.PUSH, NotificationEvent.PROMOTION] },
    access: {
      pushers: [{ name: 'ci', github: { repository: 'example/platform', branch: 'main' } }],
      pullers: [{ name: 'runtime', github: { repository: 'example/platform', branch: 'main' } }],
      promoters: [{ name: 'promoter', github: { repository: 'example/platform', environment: 'prod' } }],
    },
  });
  /** Every principal of the role assignments that may add messages to the queue, and where else each may. */
  const senderProblems = (json: any): string[] => {
    const access = new AzureAccess(json);
    const out: string[] = [];
    const topics = new Set(resources(json, 'azurerm_eventgrid_system_topic').map((t) => t.name));
    const principals = [...new Set(access.assignments.map((a) => a.principal))];
    for (const p of principals) {
      const topic = /^\$\{azurerm_eventgrid_system_topic\.(.*)\.identity\[0\]\.principal_id\}$/.exec(p);
      const expected = topic !== null;
      if (access.allowsOn(p, QUEUE, SEND) !== expected) out.push(`${p}: sends to the queue ${!expected}, expected ${expected}`);
      if (access.allowsOn(p, `${STORAGE}/queueServices/default/queues/other`, SEND)) out.push(`${p}: sends to another queue of the account`);
    }
    const senders = principals.filter((p) => access.allowsOn(p, QUEUE, SEND));
    if (senders.length !== topics.size) out.push(`${senders.length} senders for ${topics.size} system topics`);
    return out;
  };

  test('only the system topics\' identities send to the queue, and only to that queue; no identity of the spec does', () => {
    const { json } = build(reporting, { events: { storageAccountId: STORAGE, queueName: 'registry-events' } });
    expect(senderProblems(json)).toEqual([]);
    expect(new AzureAccess(json).assignments.filter((a) => a.roleName === 'Storage Queue Data Message Sender')).toHaveLength(2);
  });

  test('the model: the promoter publishes promotion reports; on Azure that is the PROMOTION_WEBHOOK_URL secret, not a role, so the matrix has no row', () => {
    expect(AccessModel.operations(reporting).filter((o) => o.capability === Capability.PUBLISH_NOTIFICATION)
      .map((o) => [o.identity, o.resource.kind, o.resource.name])).toEqual([['promoter', AccessResourceKind.NOTIFICATION, 'promotion']]);
    const matrix = AcrAccessMatrix.of(reporting);
    expect(matrix.filter((r) => r.capabilities.includes(Capability.PUBLISH_NOTIFICATION))).toEqual([]);
    // The rest of the matrix is the same as without promotion reports.
    expect(matrix).toEqual(AcrAccessMatrix.of({ ...reporting, notifications: { events: [NotificationEvent.PUSH] } }));
  });

  test('negative controls: the sender widened to the storage account, or given to an identity of the spec, is caught', () => {
    const widened = build(reporting, { events: { storageAccountId: STORAGE, queueName: 'registry-events' } }).json;
    for (const a of Object.values<any>(widened.resource.azurerm_role_assignment)) {
      if (a.role_definition_name === 'Storage Queue Data Message Sender') a.scope = STORAGE;
    }
    expect(senderProblems(widened).join('\n')).toMatch(/sends to another queue of the account/);

    const given = build(reporting, { events: { storageAccountId: STORAGE, queueName: 'registry-events' } }).json;
    const identity = Object.values<any>(given.resource.azurerm_role_assignment).find((a) => /azurerm_user_assigned_identity/.test(a.principal_id))!;
    given.resource.azurerm_role_assignment.leak = { scope: QUEUE, role_definition_name: 'Storage Queue Data Message Sender', principal_id: identity.principal_id };
    expect(senderProblems(given).join('\n')).toMatch(/azurerm_user_assigned_identity.*: sends to the queue true, expected false/);
  });
});
