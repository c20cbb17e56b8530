/**
 * The Terraform of a spec's robots, built through the typed bindings
 * (src/harbor/provider): one `harbor_project` per project of the matrix (proxy-cache
 * projects with a `harbor_registry` endpoint), one `harbor_robot_account` per
 * `HarborAccessMatrix.robots` entry with its permissions as the construct passes them
 * (`kind: project`, `namespace: <project>`). The access tests evaluate this JSON with
 * `HarborAccess` (harbor-access.ts); when `harbor.ContainerRegistry` lands, its
 * synthesized JSON can be evaluated the same way.
 */
import { TerraformStack, Testing } from 'cdktf';
import { HarborAccessMatrix, HarborRobot } from '../../src/harbor/access-matrix';
import { HarborProvider } from '../../src/harbor/provider/harbor-provider';
import { Project } from '../../src/harbor/provider/project';
import { Registry } from '../../src/harbor/provider/registry';
import { RobotAccount } from '../../src/harbor/provider/robot-account';
import { RegistrySpec } from '../../src/spec';
import { Naming } from '../../src/spec/naming';

/** The secret a test gives a robot (Harbor generates one when none is set). */
export const robotSecret = (identity: string) => `${identity}-Secret1`;

/** Synthesizes the robots (and the projects they name) of a spec; returns the Terraform JSON and the robots. */
export function synthesizeRobots(spec: RegistrySpec): { json: any; robots: HarborRobot[] } {
  const app = Testing.app();
  const stack = new TerraformStack(app, 'stack');
  new HarborProvider(stack, 'harbor', { url: 'https://harbor.example.com' });
  const robots = HarborAccessMatrix.robots(spec);
  const caches = new Map((spec.upstreamCaches ?? []).map((c) => [Naming.harborCacheProjectName(spec, c.name), c.name]));
  const projects = new Set([
    ...Naming.physicalEnvironments(spec).map((env) => Naming.harborProjectName(spec, env || undefined)),
    ...caches.keys(),
  ]);
  for (const name of [...projects].sort()) {
    const cache = caches.get(name);
    const registry = cache !== undefined
      ? new Registry(stack, `Upstream-${cache}`, { providerName: 'quay', name: `${spec.name}-${cache}`, endpointUrl: 'https://quay.io' })
      : undefined;
    new Project(stack, `Project-${name}`, { name, ...(registry ? { registryId: registry.registryId } : {}) });
  }
  for (const r of robots) {
    new RobotAccount(stack, `Robot-${r.identity}-${r.permissions[0].project}`, {
      name: r.name,
      level: r.level,
      secret: robotSecret(r.identity),
      permissions: r.permissions.map((p) => ({ kind: 'project', namespaceName: p.project, access: p.actions.map((a) => ({ resource: a.resource, action: a.action })) })),
    });
  }
  return { json: JSON.parse(Testing.synth(stack)), robots };
}
