/**
 * A platform registry on Google Artifact Registry, from the cloud-neutral spec:
 * three environments (one repository each) in the `europe` multi-region, GitHub
 * Actions identities for CI and the promoter through workload identity
 * federation, retention, scanning, a Docker Hub cache and a virtual repository
 * that serves prod and the cache from one address.
 *
 *   npx cdktf synth        (or: npx tsx main.ts)
 *
 * writes cdktf.out/stacks/platform-registry-gcp/cdk.tf.json.
 */
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { App, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
// Resolved in this repository by examples/tsconfig.json (paths); users install the package.
import { PROJECT, spec } from './spec';
import { gcp } from 'container-registry-constructs';

class RegistryStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new GoogleProvider(this, 'google', { project: PROJECT });
    new gcp.ContainerRegistry(this, 'Registry', {
      spec,
      project: PROJECT,
      location: 'europe',
      enableScanningApi: true,
      virtualRepository: {},
    });
  }
}

const app = new App();
new RegistryStack(app, 'platform-registry-gcp');
app.synth();
