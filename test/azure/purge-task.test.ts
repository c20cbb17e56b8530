import 'cdktf/lib/testing/adapters/jest';
import './helpers';
import { Testing } from 'cdktf';
import { PurgeTask } from '../../src/azure';

const COMMANDS = [
  "acr purge --filter 'dev/api:^pr-.*$' --ago 0d --keep 10",
  "acr purge --filter 'dev/web:.*' --ago 30d --untagged",
];

describe('PurgeTask', () => {
  const synth = Testing.synthScope((scope) => {
    new PurgeTask(scope, 'Purge', { registryId: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/platform', commands: COMMANDS });
  });
  const doc = JSON.parse(synth);
  const task = Object.values<any>(doc.resource.azurerm_container_registry_task)[0];

  test('is a timer-triggered task with an encoded step, Linux platform and a system identity', () => {
    // azurerm docs: container_registry_task has no `cmd`; a command runs as a step of a
    // task YAML given base64-encoded in `encoded_step.task_content`.
    expect(synth).toHaveResourceWithProperties({ tfResourceType: 'azurerm_container_registry_task' }, {
      name: 'retention-purge',
      platform: { os: 'Linux' },
      timeout_in_seconds: 3600,
      timer_trigger: [{ name: 'retention-schedule', schedule: '0 1 * * *', enabled: true }],
      identity: { type: 'SystemAssigned' },
    });
  });

  test('the task identity holds exactly AcrPull and AcrDelete on the registry', () => {
    const roles = Object.values<any>(doc.resource.azurerm_role_assignment).map((r) => [r.role_definition_name, r.scope]);
    expect(roles.sort()).toEqual([
      ['AcrDelete', '/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/platform'],
      ['AcrPull', '/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/platform'],
    ]);
  });

  test('the task content decodes to one pinned acr-cli step per command, in order', () => {
    const yaml = Buffer.from(task.encoded_step.task_content, 'base64').toString('utf8');
    expect(yaml).toMatch(/^version: "?v1\.1\.0"?\nsteps:\n/);
    const decoded = PurgeTask.decode(task.encoded_step.task_content);
    expect(decoded.image).toBe('mcr.microsoft.com/acr/acr-cli:0.19');
    expect(decoded.commands).toEqual([
      "purge --registry {{.Run.Registry}} --filter 'dev/api:^pr-.*$' --ago 0d --keep 10",
      "purge --registry {{.Run.Registry}} --filter 'dev/web:.*' --ago 30d --untagged",
    ]);
    expect(decoded.stepTimeouts).toEqual([3600, 3600]);
  });

  test('purgeArguments keeps an explicit --registry and adds the run registry otherwise', () => {
    expect(PurgeTask.purgeArguments('acr purge --registry myreg.azurecr.io --filter a:b')).toBe('purge --registry myreg.azurecr.io --filter a:b');
    expect(PurgeTask.purgeArguments('purge --filter a:b')).toBe('purge --registry {{.Run.Registry}} --filter a:b');
  });

  test('schedule, timeout, image and identity are options', () => {
    const out = JSON.parse(Testing.synthScope((scope) => {
      new PurgeTask(scope, 'P', { registryId: 'id', commands: ['acr purge --filter a:.*'], schedule: '30 2 * * 0', timeoutSeconds: 600, acrCliImage: 'mcr.microsoft.com/acr/acr-cli:0.16', identity: false });
    }));
    const t = Object.values<any>(out.resource.azurerm_container_registry_task)[0];
    expect(t.timer_trigger[0].schedule).toBe('30 2 * * 0');
    expect(t.timeout_in_seconds).toBe(600);
    expect(t.identity).toBeUndefined();
    expect(out.resource.azurerm_role_assignment).toBeUndefined();
    expect(PurgeTask.decode(t.encoded_step.task_content)).toEqual({
      image: 'mcr.microsoft.com/acr/acr-cli:0.16', commands: ['purge --registry {{.Run.Registry}} --filter a:.*'], stepTimeouts: [600],
    });
  });

  test('imageProblem accepts acr-cli 0.19 and later or a digest, and rejects latest, other images and older versions', () => {
    expect(PurgeTask.imageProblem('mcr.microsoft.com/acr/acr-cli:0.19')).toBeUndefined();
    expect(PurgeTask.imageProblem('mcr.microsoft.com/acr/acr-cli:0.20.1')).toBeUndefined();
    expect(PurgeTask.imageProblem(`mcr.microsoft.com/acr/acr-cli@sha256:${'a'.repeat(64)}`)).toBeUndefined();
    expect(PurgeTask.imageProblem('mcr.microsoft.com/acr/acr-cli:latest')).toMatch(/^is not mcr\.microsoft\.com\/acr\/acr-cli pinned to a version tag/);
    expect(PurgeTask.imageProblem('docker.io/x/acr-cli:0.19')).toMatch(/^is not mcr\.microsoft\.com\/acr\/acr-cli pinned/);
    expect(PurgeTask.imageProblem('mcr.microsoft.com/acr/acr-cli:0.16')).toMatch(/^is older than acr-cli 0\.19, whose `--untagged` honours `--ago`/);
  });

  test('decode rejects content that is not a task YAML', () => {
    expect(() => PurgeTask.decode(Buffer.from('just text').toString('base64'))).toThrow(/is not a task YAML with steps/);
    expect(() => PurgeTask.decode(Buffer.from('steps:\n  - build: x\n').toString('base64'))).toThrow(/steps\[0\] has no cmd/);
  });

  test('snapshot', () => {
    expect(synth).toMatchSnapshot();
  });
});
