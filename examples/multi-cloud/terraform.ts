/**
 * The Google Cloud, Azure and Harbor parts of the multi-cloud platform, from the
 * same platform.yaml: one Artifact Registry repository, one ACR registry and one
 * Harbor project per environment (the `registries` layout), each with the
 * translated retention, and GitHub identities (project robots on Harbor).
 *
 *   npx cdktf synth   (or: npx tsx terraform.ts)
 *
 * writes cdktf.out/stacks/shop-registry-gcp, shop-registry-azure and shop-registry-harbor.
 */
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { App, TerraformStack } from 'cdktf';
import { spec } from './spec';
import { azure, gcp, harbor } from 'container-registry-constructs';

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

// The on-premises Harbor (its user and password are Terraform variables).
const onPrem = new TerraformStack(app, 'shop-registry-harbor');
new harbor.ContainerRegistry(onPrem, 'Registry', { spec, url: 'https://harbor.shop.example' });

app.synth();
