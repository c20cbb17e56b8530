/**
 * A platform registry on a self-hosted Harbor, from the cloud-neutral spec: one
 * private project per environment (dev, staging, prod) with scan on push and
 * deployment security at the spec's threshold, immutable release tags, the
 * proven retention translation as each project's retention policy, one project
 * robot per identity and project (secrets as sensitive outputs), proxy-cache
 * projects for Docker Hub and GHCR, and push-based replication of every project
 * to a disaster-recovery Harbor.
 *
 *   npx cdktf synth        (or: npx tsx main.ts)
 *
 * writes cdktf.out/stacks/platform-registry-harbor/cdk.tf.json. The Harbor URL is
 * given here; the provider's user and password, and the upstream and replica
 * passwords, are Terraform variables (the sensitive ones have no default).
 */
import { App, TerraformStack } from 'cdktf';
import { Construct, IConstruct } from 'constructs';
// Resolved in this repository by examples/tsconfig.json (paths); users install the package.
import { spec } from './spec';
import { harbor } from 'container-registry-constructs';

class RegistryStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    const registry = new harbor.ContainerRegistry(this, 'Registry', {
      spec,
      url: 'https://harbor.acme.example',
      projectQuotaGib: 500,
      enforceCosignSignatures: true,
      replicaEndpoints: {
        dr: { url: 'https://harbor-dr.acme.example', type: harbor.HarborEndpointType.HARBOR, accessId: 'robot$replicator' },
      },
    });
    // The release dashboard reads prod only.
    registry.grantPull('dashboard', { environments: ['prod'] });
  }
}

const app = new App();
const stack = new RegistryStack(app, 'platform-registry-harbor');
app.synth();

// Running the app directly (not through the cdktf CLI) prints no annotations: show the warnings.
for (const c of stack.node.findAll() as IConstruct[]) {
  for (const m of c.node.metadata) {
    if (m.type === '@cdktf/warn') console.log(`[Warning at /${c.node.path}] ${m.data}`);
  }
}
