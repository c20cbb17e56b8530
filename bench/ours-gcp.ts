/** Ours on GCP: the `ContainerRegistry` construct and its provider in a `TerraformStack`. */
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { App, TerraformStack } from 'cdktf';
import { GCP_LOCATION, GCP_PROJECT } from './scale-apps';
import { ContainerRegistry } from '../src/gcp';
import { RegistrySpec } from '../src/spec';

export function buildOursGcp(app: App, spec: RegistrySpec): TerraformStack {
  const stack = new TerraformStack(app, `${spec.name}-gcp`);
  new GoogleProvider(stack, 'google', { project: GCP_PROJECT });
  new ContainerRegistry(stack, 'Registry', { spec, project: GCP_PROJECT, location: GCP_LOCATION });
  return stack;
}
