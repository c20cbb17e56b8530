import { ContainerRegistryWebhook } from '@cdktf/provider-azurerm/lib/container-registry-webhook';
import { EventgridSystemTopic } from '@cdktf/provider-azurerm/lib/eventgrid-system-topic';
import { EventgridSystemTopicEventSubscription } from '@cdktf/provider-azurerm/lib/eventgrid-system-topic-event-subscription';
import { PrivateDnsZone } from '@cdktf/provider-azurerm/lib/private-dns-zone';
import { PrivateDnsZoneVirtualNetworkLink } from '@cdktf/provider-azurerm/lib/private-dns-zone-virtual-network-link';
import { PrivateEndpoint } from '@cdktf/provider-azurerm/lib/private-endpoint';
import { RoleAssignment } from '@cdktf/provider-azurerm/lib/role-assignment';
import { Construct } from 'constructs';
import { NotificationEvent } from '../spec/registry-spec';

/** The private DNS zone of ACR private endpoints (Azure Private Endpoint DNS configuration: "Azure Container Registry ... privatelink.azurecr.io"). */
const ACR_PRIVATE_DNS_ZONE = 'privatelink.azurecr.io';

/** Where the registries' private endpoints go (`ContainerRegistryProps.privateEndpoint`). */
export interface AcrPrivateEndpointOptions {
  /** The subnet (resource id) of the private endpoints. */
  readonly subnetId: string;

  /**
   * An existing `privatelink.azurecr.io` private DNS zone (resource id), usually the hub's.
   *
   * @default - a zone is created in the registry's resource group, linked to `virtualNetworkId`
   */
  readonly privateDnsZoneId?: string;

  /**
   * The virtual network (resource id) the created zone is linked to; required without `privateDnsZoneId`.
   *
   * @default - none
   */
  readonly virtualNetworkId?: string;
}

/** One registry to put behind a private endpoint (internal to the Azure `ContainerRegistry`). */
export interface AcrPrivateEndpointTarget {
  /** The registry's name. */
  readonly name: string;
  /** The registry's resource id. */
  readonly id: string;
}

/** Props of `AcrPrivateEndpoints`. */
export interface AcrPrivateEndpointsProps extends AcrPrivateEndpointOptions {
  /** The registries. */
  readonly registries: AcrPrivateEndpointTarget[];
  /** The resource group of the endpoints (and of a created zone). */
  readonly resourceGroupName: string;
  /** The location of the endpoints (the subnet's). */
  readonly location: string;
  /**
   * Tags of the created resources.
   *
   * @default - none
   */
  readonly tags?: { [key: string]: string };
}

/**
 * One private endpoint per registry (`azurerm_private_endpoint`, sub-resource `registry`),
 * with a private DNS zone group on `privatelink.azurecr.io`: the zone group writes the
 * A records of every FQDN of the endpoint, which for a registry with dedicated data
 * endpoints are the login server `<registry>.azurecr.io` and one data endpoint per region,
 * `<registry>.<region>.data.azurecr.io`, for the home region and each geo-replica (ACR docs,
 * "Connect privately to an Azure container registry using Azure Private Link": the private
 * endpoint's DNS configuration lists the registry and its data endpoints in every replica region).
 * A zone is created and linked to the virtual network unless one is given.
 */
export class AcrPrivateEndpoints extends Construct {
  /** The private endpoints, by registry name. */
  public readonly endpoints: { [registry: string]: PrivateEndpoint } = {};
  /** The id of the private DNS zone the endpoints register in. */
  public readonly privateDnsZoneId: string;

  constructor(scope: Construct, id: string, props: AcrPrivateEndpointsProps) {
    super(scope, id);
    let zoneId = props.privateDnsZoneId;
    if (!zoneId) {
      const zone = new PrivateDnsZone(this, 'Zone', { name: ACR_PRIVATE_DNS_ZONE, resourceGroupName: props.resourceGroupName, tags: props.tags });
      new PrivateDnsZoneVirtualNetworkLink(this, 'ZoneLink', {
        name: 'registry-vnet',
        privateDnsZoneName: zone.name,
        resourceGroupName: props.resourceGroupName,
        virtualNetworkId: props.virtualNetworkId!,
        registrationEnabled: false,
        tags: props.tags,
      });
      zoneId = zone.id;
    }
    this.privateDnsZoneId = zoneId;
    for (const registry of props.registries) {
      this.endpoints[registry.name] = new PrivateEndpoint(this, `Endpoint-${registry.name}`, {
        name: `${registry.name}-registry`,
        location: props.location,
        resourceGroupName: props.resourceGroupName,
        subnetId: props.subnetId,
        privateServiceConnection: {
          name: `${registry.name}-registry`,
          privateConnectionResourceId: registry.id,
          subresourceNames: ['registry'],
          isManualConnection: false,
        },
        privateDnsZoneGroup: { name: 'registry', privateDnsZoneIds: [zoneId] },
        tags: props.tags,
      });
    }
  }
}

/** How the Azure registry delivers its events (`AcrEventOptions.delivery`). */
export enum AcrEventDelivery {
  /** An Event Grid system topic on each registry, with one subscription (webhook or storage queue). */
  EVENT_GRID = 'event-grid',
  /** ACR webhooks (`azurerm_container_registry_webhook`), one per registry, to `webhookUrl`. */
  REGISTRY_WEBHOOK = 'registry-webhook',
}

/** Where the Azure registry's events go (`ContainerRegistryProps.events`). */
export interface AcrEventOptions {
  /**
   * Event Grid or ACR webhooks.
   *
   * @default AcrEventDelivery.EVENT_GRID
   */
  readonly delivery?: AcrEventDelivery;

  /**
   * The HTTPS endpoint that receives the events (Event Grid webhook, or the ACR webhook's service URI).
   *
   * @default - none; with Event Grid, `storageQueue` is then required
   */
  readonly webhookUrl?: string;

  /**
   * Event Grid only: the storage account (resource id) of a queue that receives the events.
   *
   * @default - none
   */
  readonly storageAccountId?: string;

  /**
   * Event Grid only: the queue's name in `storageAccountId`.
   *
   * @default - none
   */
  readonly queueName?: string;
}

/** Props of `AcrRegistryEvents`. */
export interface AcrRegistryEventsProps extends AcrEventOptions {
  /** The spec's events. */
  readonly events: NotificationEvent[];
  /** The registries (name and id). */
  readonly registries: AcrPrivateEndpointTarget[];
  /** The resource group. */
  readonly resourceGroupName: string;
  /** The registries' home location (a system topic lives in its source's location). */
  readonly location: string;
  /**
   * Tags of the created resources.
   *
   * @default - none
   */
  readonly tags?: { [key: string]: string };
}

/**
 * The registry's events on Azure. ACR emits `Microsoft.ContainerRegistry.ImagePushed` and
 * `Microsoft.ContainerRegistry.ImageDeleted` to Event Grid (Azure Event Grid docs, "Azure
 * Container Registry as an Event Grid source"), and its webhooks fire on the actions
 * `push` and `delete`. `push` maps to ImagePushed / `push`; `retention-deletion` to
 * ImageDeleted / `delete`, which report every manifest deletion (the purge task's and a
 * person's alike). ACR emits nothing for scan findings (Defender for Containers reports
 * them as recommendations), and promotions are reported by the workflow.
 *
 * Event Grid: one system topic per registry (`Microsoft.ContainerRegistry.Registries`) and
 * one subscription to the webhook or the storage queue. A queue is written with the system
 * topic's managed identity (`delivery_identity` SystemAssigned), which gets only
 * `Storage Queue Data Message Sender` on that queue, not the account's keys.
 */
export class AcrRegistryEvents extends Construct {
  /** The ACR event types of the neutral events, for Event Grid. */
  public static eventGridTypes(events: NotificationEvent[]): string[] {
    const types: string[] = [];
    if (events.includes(NotificationEvent.PUSH)) types.push('Microsoft.ContainerRegistry.ImagePushed');
    if (events.includes(NotificationEvent.RETENTION_DELETION)) types.push('Microsoft.ContainerRegistry.ImageDeleted');
    return types;
  }

  /** The ACR webhook actions of the neutral events. */
  public static webhookActions(events: NotificationEvent[]): string[] {
    const actions: string[] = [];
    if (events.includes(NotificationEvent.PUSH)) actions.push('push');
    if (events.includes(NotificationEvent.RETENTION_DELETION)) actions.push('delete');
    return actions;
  }

  /** The Event Grid system topics, by registry name. */
  public readonly systemTopics: { [registry: string]: EventgridSystemTopic } = {};

  constructor(scope: Construct, id: string, props: AcrRegistryEventsProps) {
    super(scope, id);
    const types = AcrRegistryEvents.eventGridTypes(props.events);
    if (types.length === 0) return;
    for (const registry of props.registries) {
      if ((props.delivery ?? AcrEventDelivery.EVENT_GRID) === AcrEventDelivery.REGISTRY_WEBHOOK) {
        new ContainerRegistryWebhook(this, `Webhook-${registry.name}`, {
          // Webhook names: 5-50 letters and digits.
          name: `${registry.name.replace(/[^A-Za-z0-9]/g, '')}events`.slice(0, 50),
          registryName: registry.name,
          resourceGroupName: props.resourceGroupName,
          location: props.location,
          serviceUri: props.webhookUrl!,
          actions: AcrRegistryEvents.webhookActions(props.events),
          status: 'enabled',
          tags: props.tags,
        });
        continue;
      }
      const queue = props.storageAccountId !== undefined;
      const topic = new EventgridSystemTopic(this, `Topic-${registry.name}`, {
        name: `${registry.name}-events`,
        resourceGroupName: props.resourceGroupName,
        location: props.location,
        sourceResourceId: registry.id,
        topicType: 'Microsoft.ContainerRegistry.Registries',
        identity: queue ? { type: 'SystemAssigned' } : undefined,
        tags: props.tags,
      });
      this.systemTopics[registry.name] = topic;
      let sender: RoleAssignment | undefined;
      if (queue) {
        sender = new RoleAssignment(this, `QueueSender-${registry.name}`, {
          scope: `${props.storageAccountId}/queueServices/default/queues/${props.queueName}`,
          roleDefinitionName: 'Storage Queue Data Message Sender',
          principalId: topic.identity.principalId,
          principalType: 'ServicePrincipal',
          description: `Event Grid delivers the ${registry.name} registry's events to this queue`,
        });
      }
      new EventgridSystemTopicEventSubscription(this, `Subscription-${registry.name}`, {
        name: `${registry.name}-events`,
        systemTopic: topic.name,
        resourceGroupName: props.resourceGroupName,
        includedEventTypes: types,
        webhookEndpoint: queue ? undefined : { url: props.webhookUrl! },
        storageQueueEndpoint: queue ? { storageAccountId: props.storageAccountId!, queueName: props.queueName! } : undefined,
        deliveryIdentity: queue ? { type: 'SystemAssigned' } : undefined,
        dependsOn: sender ? [sender] : undefined,
      });
    }
  }
}
