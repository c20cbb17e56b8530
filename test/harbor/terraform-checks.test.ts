import { Testing } from 'cdktf';
import { harborSpec, testStack } from './helpers';
import { ContainerRegistry, HarborTerraformChecks, RobotAccount } from '../../src/harbor';
import { EnvironmentLayout } from '../../src/spec';

describe('HarborTerraformChecks', () => {
  test('the construct\'s own Terraform passes', () => {
    const stack = testStack();
    new ContainerRegistry(stack, 'Registry', { spec: harborSpec(EnvironmentLayout.REGISTRIES), url: 'https://harbor.example.com' });
    expect(HarborTerraformChecks.check(stack.toTerraform())).toEqual([]);
  });

  test('a project robot with two projects, a "*" namespace or a delete access, and a bad rule block are reported', () => {
    const json = {
      resource: {
        harbor_robot_account: {
          two: { name: 'x', level: 'project', permissions: [{ kind: 'project', namespace: 'a', access: [{ resource: 'repository', action: 'pull' }] }, { kind: 'project', namespace: 'b', access: [{ resource: 'repository', action: 'pull' }] }] },
          star: { name: 'y', level: 'project', permissions: [{ kind: 'project', namespace: '*', access: [{ resource: 'repository', action: 'delete' }] }] },
        },
        harbor_retention_policy: { p: { scope: '/projects/1', rule: [{ most_recently_pushed: 3, always_retain: true, repo_matching: '**', tag_matching: '**' }] } },
        harbor_immutable_tag_rule: { i: { project_id: '1', repo_matching: '**' } },
      },
    };
    expect(HarborTerraformChecks.check(json).map(HarborTerraformChecks.format)).toEqual([
      'harbor_retention_policy.p: rule[0]: only one of [n_days_since_last_pull n_days_since_last_push most_recently_pulled most_recently_pushed always_retain] can be set, got 2',
      'harbor_robot_account.two: a project robot holds exactly one project\'s permission (Harbor refuses others), got 2 permissions blocks',
      'harbor_robot_account.star: a project robot names its project, not "*" (every project)',
      'harbor_robot_account.star: grants repository:delete; no identity of the spec may delete (only retention deletes)',
      'harbor_immutable_tag_rule.i: needs exactly one of tag_matching, tag_excluding (got 0; with both the provider sends only the excluding one)',
    ]);
  });

  test('the construct runs the checks at synth (node validation): a robot added under it with a delete access fails synthesis', () => {
    const stack = testStack();
    const registry = new ContainerRegistry(stack, 'Registry', { spec: harborSpec(EnvironmentLayout.TAGS), url: 'https://harbor.example.com' });
    new RobotAccount(registry, 'Extra', { name: 'extra', level: 'project', permissions: [{ kind: 'project', namespaceName: 'platform', access: [{ resource: 'repository', action: 'delete' }] }] });
    expect(() => Testing.synth(stack, true)).toThrow(/grants repository:delete/);
  });
});
