/**
 * A platform registry on Azure Container Registry, from the cloud-neutral spec:
 * one Premium registry per environment (dev, staging, prod) in westeurope,
 * geo-replicated to northeurope and swedencentral, GitHub Actions identities for
 * CI and the promoter through federated credentials, retention (untagged
 * manifests after 7 days natively, a scheduled `acr purge` task for pull-request
 * and main-branch builds) and a Docker Hub cache with a Key Vault credential set.
 *
 *   npx cdktf synth        (or: npx tsx main.ts)
 *
 * writes cdktf.out/stacks/platform-registry-azure/cdk.tf.json.
 */
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { App, TerraformStack } from 'cdktf';
import { Construct, IConstruct } from 'constructs';
// Resolved in this repository by examples/tsconfig.json (paths); users install the package.
import { KEY_VAULT_ID, spec } from './spec';
import { azure } from 'container-registry-constructs';

class RegistryStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    // The azurerm provider needs its (possibly empty) features block.
    new AzurermProvider(this, 'azurerm', { features: [{}] });
    new azure.ContainerRegistry(this, 'Registry', {
      spec,
      resourceGroupName: 'platform-registry',
      location: 'westeurope',
      sku: azure.AcrSku.PREMIUM,
      registryNameSuffix: 'acme',
      zoneRedundancyEnabled: true,
      keyVaultId: KEY_VAULT_ID,
      purgeSchedule: '30 2 * * *',
      managementLock: true,
    });
  }
}

const app = new App();
const stack = new RegistryStack(app, 'platform-registry-azure');
app.synth();

// Running the app directly (not through the cdktf CLI) prints no annotations: show the warnings.
for (const c of stack.node.findAll() as IConstruct[]) {
  for (const m of c.node.metadata) {
    if (m.type === '@cdktf/warn') console.log(`[Warning at /${c.node.path}] ${m.data}`);
  }
}
