/**
 * The Terraform registries' synth-time checks share one resolution of the stack per
 * synthesis (src/terraform/synth-pass.ts): the checks still see the synthesized JSON
 * (escape hatches included), cdktf writes the same JSON, and nothing is kept after the
 * synthesis. Harbor here (no provider package needed); GCP and Azure use the same module.
 */
import { mkdtempSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App, TerraformStack, Testing } from 'cdktf';
import { StackSynthesizer } from 'cdktf/lib/synthesize/synthesizer';
import { ContainerRegistry } from '../../src/harbor';
import { Project } from '../../src/harbor/provider/project';
import { RegistrySpec } from '../../src/spec';

const spec = (name: string): RegistrySpec => ({
  version: 1,
  name,
  repositories: [{ name: 'api' }, { name: 'web' }],
  environments: { chain: [{ name: 'dev' }, { name: 'prod' }] },
  retention: { protectedTags: ['prod'], rules: [{ tagState: 'untagged' as any, expireAfterDays: 7 }] },
  access: { pushers: [{ name: 'ci', github: { repository: 'example/platform', branch: 'main' } }] },
});

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** Three registries in one stack, sharing the first one's provider. */
function app(): { app: App; stack: TerraformStack; registries: ContainerRegistry[]; outdir: string } {
  const outdir = mkdtempSync(join(tmpdir(), 'synth-pass-'));
  dirs.push(outdir);
  const a = new App({ outdir });
  const stack = new TerraformStack(a, 'registries');
  const first = new ContainerRegistry(stack, 'One', { spec: spec('one'), url: 'https://harbor.example.com', username: 'terraform' });
  const registries = [first, ...['two', 'three'].map((n) => new ContainerRegistry(stack, n, { spec: spec(n), provider: first.provider, outputs: false }))];
  return { app: a, stack, registries, outdir };
}

afterEach(() => jest.restoreAllMocks());

test('one synthesis resolves the stack once for the three registries\' checks and the write (it was four times)', () => {
  const { app: a, stack, outdir } = app();
  const resolve = jest.spyOn(TerraformStack.prototype, 'toTerraform');
  a.synth();
  expect(resolve).toHaveBeenCalledTimes(1);
  // What cdktf wrote is the stack's JSON: the same as a resolution of its own, after the synthesis.
  const written = JSON.parse(readFileSync(join(outdir, 'stacks', 'registries', 'cdk.tf.json'), 'utf8'));
  expect(written).toEqual(JSON.parse(JSON.stringify(stack.toTerraform())));
  expect(resolve).toHaveBeenCalledTimes(2);
  expect(Object.keys(written.resource.harbor_project)).toHaveLength(3);
  // Nothing of the synthesis stays on the stack: toTerraform is the class's own again.
  expect(Object.prototype.hasOwnProperty.call(stack, 'toTerraform')).toBe(false);
});

test('negative control: with cdktf\'s own synthesizer (set on the stack afterwards), each check resolves the stack itself', () => {
  const { app: a, stack } = app();
  stack.synthesizer = new StackSynthesizer(stack);
  const resolve = jest.spyOn(TerraformStack.prototype, 'toTerraform');
  a.synth();
  expect(resolve).toHaveBeenCalledTimes(4);
});

test('the checks still read the synthesized JSON, escape hatches included, during app.synth and Testing.synth', () => {
  const { app: a, stack, registries } = app();
  const project = Object.values(registries[1].projects)[0] as Project;
  // HarborTerraformChecks: proxy_speed_kb only on proxy-cache projects (registry_id).
  project.addOverride('proxy_speed_kb', 100);
  expect(() => a.synth()).toThrow(/three\/Resource-dev.*sets proxy_speed_kb without registry_id|harbor_project\.[^:]+: sets proxy_speed_kb without registry_id/);
  expect(() => Testing.synth(stack, true)).toThrow(/sets proxy_speed_kb without registry_id/);
});

test('a change after a synthesis is seen by the next one (nothing is cached across synthesis calls)', () => {
  const { stack, registries } = app();
  const appA = stack.node.root as App;
  appA.synth();
  const project = Object.values(registries[2].projects)[0] as Project;
  project.addOverride('proxy_speed_kb', 100);
  expect(JSON.stringify(stack.toTerraform())).toContain('"proxy_speed_kb":100');
  expect(() => Testing.synth(stack, true)).toThrow(/sets proxy_speed_kb without registry_id/);
});
