/** Ours on Azure: the `ContainerRegistry` construct and its provider in a `TerraformStack`. */
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { App, TerraformStack } from 'cdktf';
import { AZURE_LOCATION, AZURE_RESOURCE_GROUP } from './scale-apps';
import { ContainerRegistry } from '../src/azure';
import { RegistrySpec } from '../src/spec';

export function buildOursAzure(app: App, spec: RegistrySpec): TerraformStack {
  const stack = new TerraformStack(app, `${spec.name}-azure`);
  new AzurermProvider(stack, 'azurerm', { features: [{}] });
  new ContainerRegistry(stack, 'Registry', { spec, resourceGroupName: AZURE_RESOURCE_GROUP, location: AZURE_LOCATION });
  return stack;
}
