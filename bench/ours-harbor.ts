/** Ours on Harbor: the `ContainerRegistry` construct (with the provider it creates) in a `TerraformStack`. */
import { App, TerraformStack } from 'cdktf';
import { HARBOR_URL, HARBOR_USERNAME } from './scale-apps';
import { ContainerRegistry } from '../src/harbor';
import { RegistrySpec } from '../src/spec';

export function buildOursHarbor(app: App, spec: RegistrySpec): TerraformStack {
  const stack = new TerraformStack(app, `${spec.name}-harbor`);
  new ContainerRegistry(stack, 'Registry', { spec, url: HARBOR_URL, username: HARBOR_USERNAME });
  return stack;
}
