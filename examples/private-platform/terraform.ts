/**
 * The Google Cloud and Azure sides of the private platform, from the same
 * platform.yaml: Artifact Registry inside the platform's VPC Service Controls
 * perimeter with Pub/Sub subscriptions for its events, and Premium ACR registries
 * behind private endpoints (public network access off) with Event Grid delivering
 * their events to a storage queue.
 *
 *   npx cdktf synth   (or: npx tsx terraform.ts)
 */
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { App, TerraformStack } from 'cdktf';
import { spec } from './spec';
import { azure, gcp } from 'container-registry-constructs';

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

app.synth();
