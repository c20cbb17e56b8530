import { resources, synthJson, taggedWarnings, testStack } from './helpers';
import { schemaProblems } from './provider-schema';
import { HarborProject, HarborProvider } from '../../src/harbor';

describe('harbor.HarborProject (an existing project)', () => {
  test('grants create one project robot per name, idempotent and merged, with sensitive secret outputs; the JSON conforms to the provider schema', () => {
    const stack = testStack();
    const provider = new HarborProvider(stack, 'harbor', { url: 'https://harbor.example.com' });
    const project = HarborProject.fromProjectAttributes(stack, 'Shared', { projectName: 'shared-tools', provider });
    const first = project.grantPull('deployer');
    expect(project.grantPull('deployer')).toEqual(first);
    project.grantPush('deployer');
    const json = synthJson(stack);
    const robots = resources(json, 'harbor_robot_account');
    expect(robots).toHaveLength(1);
    expect(robots[0]).toMatchObject({ name: 'deployer', level: 'project', permissions: [{ kind: 'project', namespace: 'shared-tools' }] });
    expect(robots[0].permissions[0].access.map((a: any) => `${a.resource}:${a.action}`)).toEqual(['repository:pull', 'repository:push']);
    expect(json.output.HARBOR_ROBOT_SECRET_DEPLOYER_SHARED_TOOLS.sensitive).toBe(true);
    expect(schemaProblems(json)).toEqual([]);
  });

  test('images cannot narrow a project robot: a warning; environments and bad names are errors', () => {
    const stack = testStack();
    new HarborProvider(stack, 'harbor', { url: 'https://harbor.example.com' });
    const project = HarborProject.fromProjectName(stack, 'Shared', 'shared-tools');
    project.grantPull('ci', { images: ['api'] });
    expect(taggedWarnings(stack)).toEqual([
      '[container-registry-constructs:harbor-grant-project-wide] grantPull to robot "ci" in project "shared-tools": Harbor robots are scoped to projects, so the grant of api covers every repository of the project',
    ]);
    expect(() => project.grantPull('CI', { environments: ['prod'] })).toThrow(/robotName: "CI" is not a Harbor robot name[\s\S]*options.environments: \["prod"\] does not apply/);
    expect(() => HarborProject.fromProjectName(stack, 'Bad', 'Shared Tools')).toThrow(/attrs.projectName: "Shared Tools" is not a Harbor project name/);
  });
});
