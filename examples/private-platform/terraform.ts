/**
 * The Google Cloud, Azure and Harbor sides of the private platform, from the same
 * platform.yaml: Artifact Registry inside the platform's VPC Service Controls
 * perimeter with Pub/Sub subscriptions for its events; Premium ACR registries
 * behind private endpoints (public network access off) with Event Grid delivering
 * their events to a storage queue; and the on-premises Harbor's projects with
 * webhooks to the platform's event receiver.
 *
 *   npx cdktf synth   (or: npx tsx terraform.ts)
 *
 * writes cdktf.out/stacks/vault-registry-gcp, vault-registry-azure and vault-registry-harbor.
 */
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { App, TerraformStack, TerraformVariable } from 'cdktf';
import { IConstruct } from 'constructs';
import { spec } from './spec';
import { azure, gcp, harbor } from 'container-registry-constructs';

const app = new App();

const google = new TerraformStack(app, 'vault-registry-gcp');
new GoogleProvider(google, 'google', { project: 'example-vault' });
new gcp.ContainerRegistry(google, 'Registry', {
  spec,
  project: 'example-vault',
  projectNumber: '123456789012',
  location: 'europe-west1',
  notifications: { subscriberMembers: ['serviceAccount:registry-events@example-vault.iam.gserviceaccount.com'] },
});

const network = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/platform-network/providers';
const az = new TerraformStack(app, 'vault-registry-azure');
new AzurermProvider(az, 'azurerm', { features: [{}] });
new azure.ContainerRegistry(az, 'Registry', {
  spec,
  resourceGroupName: 'vault-registry',
  location: 'westeurope',
  registryNameSuffix: 'example',
  privateEndpoint: {
    subnetId: `${network}/Microsoft.Network/virtualNetworks/hub/subnets/private-endpoints`,
    privateDnsZoneId: `${network}/Microsoft.Network/privateDnsZones/privatelink.azurecr.io`,
  },
  events: {
    storageAccountId: `${network}/Microsoft.Storage/storageAccounts/vaultevents`,
    queueName: 'registry-events',
  },
});

// Harbor has no private endpoint and no network rule of its own: `network.privateAccess`
// means the Harbor is exposed on the platform's internal network only (its ingress on an
// internal load balancer, an internal DNS name), which is where it is deployed, not here.
// The construct creates nothing for it and says so (warning harbor-private-network).
// What this stack does reach over that network: the provider talks to the internal URL,
// and each project's webhook posts pushes, scan results and retention runs to the
// platform's event receiver, authenticated with a header from a sensitive variable.
const onPrem = new TerraformStack(app, 'vault-registry-harbor');
const webhookAuth = new TerraformVariable(onPrem, 'harbor_webhook_auth_header', {
  type: 'string',
  sensitive: true,
  description: 'The Authorization header Harbor sends with each event (from the event receiver)',
});
new harbor.ContainerRegistry(onPrem, 'Registry', {
  spec,
  url: 'https://harbor.platform.internal',
  webhookAddress: 'https://events.platform.internal/harbor',
  webhookAuthHeader: webhookAuth.stringValue,
});

app.synth();

// Running the app directly (not through the cdktf CLI) prints no annotations: show the warnings.
for (const c of app.node.findAll() as IConstruct[]) {
  for (const m of c.node.metadata) {
    if (m.type === '@cdktf/warn') console.log(`[Warning at /${c.node.path}] ${m.data}`);
  }
}
