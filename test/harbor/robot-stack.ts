/**
 * The Terraform of a spec's robots AS DEPLOYED: the real `harbor.ContainerRegistry`
 * (src/harbor/container-registry.ts) synthesized in a test stack, its
 * `harbor_robot_account` and `harbor_project` resources (and everything else it emits)
 * as the access tests evaluate them with `HarborAccess` (harbor-access.ts).
 *
 * The construct sets no robot secret: Harbor generates one on creation and the
 * provider exports it as the resource's sensitive `secret` attribute (the construct's
 * `HARBOR_ROBOT_SECRET_<IDENTITY>_<PROJECT>` output). Harbor's robot authentication
 * compares the basic-auth password with that stored secret
 * (goharbor/harbor `src/server/middleware/security/robot.go:33-73`), so the tests stand
 * in for Harbor's generator: `robotSecret` gives each robot a distinct secret, written
 * into the synthesized JSON as the `secret` Harbor would hold. Nothing else is edited.
 */
import { TerraformStack, Testing } from 'cdktf';
import { HarborAccessMatrix, HarborRobot } from '../../src/harbor/access-matrix';
import { ContainerRegistry, ContainerRegistryProps } from '../../src/harbor/container-registry';
import { RegistrySpec } from '../../src/spec';

/** The secret a test gives the robot of an identity in a project (Harbor generates one; distinct per robot). */
export const robotSecret = (identity: string, project: string) => `${identity}-${project}-Secret1`;

/** The `harbor_robot_account` resource of an identity's robot in a project (by the provider's `name` and permission namespace). */
export function robotResource(json: any, name: string, project: string): any {
  const found = Object.values<any>(json.resource?.harbor_robot_account ?? {})
    .filter((r) => r.name === name && (r.permissions ?? []).some((p: any) => p.namespace === project));
  if (found.length !== 1) throw new Error(`${found.length} robots named ${name} in project ${project}`);
  return found[0];
}

/**
 * Synthesizes `harbor.ContainerRegistry` for a spec (its default props: outputs on; `props` adds to them)
 * and returns the Terraform JSON, with a secret on each robot, the matrix's robots
 * (what the JSON is checked against) and the construct.
 */
export function synthesizeRobots(
  spec: RegistrySpec, props: Partial<ContainerRegistryProps> = {},
): { json: any; robots: HarborRobot[]; registry: ContainerRegistry } {
  const stack = new TerraformStack(Testing.app(), 'stack');
  const registry = new ContainerRegistry(stack, 'Registry', { spec, url: 'https://harbor.example.com', ...props });
  // `true`: run the node validations, as `cdktf synth` does (the construct's HarborTerraformChecks).
  const json = JSON.parse(Testing.synth(stack, true));
  for (const r of Object.values<any>(json.resource?.harbor_robot_account ?? {})) {
    if (r.secret !== undefined) throw new Error(`the construct set a secret on robot ${r.name}: Harbor should generate it`);
    r.secret = robotSecret(r.name, String(r.permissions?.[0]?.namespace));
  }
  return { json, robots: HarborAccessMatrix.robots(spec), registry };
}
