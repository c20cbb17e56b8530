/**
 * The Google Cloud and Azure halves of the multi-cloud platform, from the same
 * platform.yaml: one Artifact Registry repository and one ACR registry per
 * environment (the `registries` layout), each with the translated retention and
 * GitHub identities.
 *
 *   npx cdktf synth   (or: npx tsx terraform.ts)
 *
 * writes cdktf.out/stacks/shop-registry-gcp and cdktf.out/stacks/shop-registry-azure.
 */
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { App, TerraformStack } from 'cdktf';
import { spec } from './spec';
import { azure, gcp } from 'container-registry-constructs';

const app = new App();

const google = new TerraformStack(app, 'shop-registry-gcp');
new GoogleProvider(google, 'google', { project: 'example-shop' });
new gcp.ContainerRegistry(google, 'Registry', { spec, project: 'example-shop', location: 'europe-west1' });

const az = new TerraformStack(app, 'shop-registry-azure');
new AzurermProvider(az, 'azurerm', { features: [{}] });
new azure.ContainerRegistry(az, 'Registry', {
  spec,
  resourceGroupName: 'shop-registry',
  location: 'westeurope',
  registryNameSuffix: 'example',
});

app.synth();
