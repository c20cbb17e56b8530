import { IResolvable, ITerraformDependable, Lazy, TerraformOutput, TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';
import { RobotAccount } from './provider/robot-account';
import { WorkflowVariables } from '../promotion/workflow-variables';

/**
 * Internal (not exported from the index): the project-level robot accounts of a
 * construct, one per short name and project, whatever grants them. A robot is
 * created on first use (construct id `Robot-<name>-<project>`, so ids depend on
 * the name and the project only: grants are order-independent), and later uses
 * add their accesses to it (the permissions are rendered at synth), so the same
 * grant twice, or a pull and then a push, give one robot.
 */
export class ProjectRobots {
  private readonly robots = new Map<string, { actions: Set<string>; resource: RobotAccount }>();

  constructor(
    private readonly scope: Construct,
    private readonly provider: TerraformProvider | undefined,
    private readonly outputs: boolean,
    private readonly durationDays: number = -1,
  ) {}

  /**
   * The robot `name` in `project` with at least `actions` (`resource:action`).
   * `dependsOn`: the project resource, when this stack creates it.
   */
  public robot(name: string, project: string, actions: string[], why: string, dependsOn?: ITerraformDependable): RobotAccount {
    const key = `${name}|${project}`;
    const existing = this.robots.get(key);
    if (existing) {
      actions.forEach((a) => existing.actions.add(a));
      return existing.resource;
    }
    const set = new Set(actions);
    const access = Lazy.anyValue({
      produce: () => [...set].sort().map((a) => ({ resource: a.split(':')[0], action: a.split(':')[1] })),
    }) as IResolvable;
    const resource = new RobotAccount(this.scope, `Robot-${name}-${project}`, {
      provider: this.provider,
      name,
      level: 'project',
      description: `${why}; managed by container-registry-constructs`,
      duration: this.durationDays,
      permissions: [{ kind: 'project', namespaceName: project, access }],
      // The project must exist before a robot can be scoped to it.
      dependsOn: dependsOn ? [dependsOn] : undefined,
    });
    this.robots.set(key, { actions: set, resource });
    if (this.outputs) {
      // The names the generated workflow reads (one function for both sides).
      new TerraformOutput(this.scope, `robot-name-${name}-${project}`, {
        value: resource.fullName,
        description: `The login name of robot ${name} in project ${project}`,
      }).overrideLogicalId(WorkflowVariables.harborRobotName(name, project));
      new TerraformOutput(this.scope, `robot-secret-${name}-${project}`, {
        value: resource.secret,
        sensitive: true,
        description: `The secret of robot ${name} in project ${project} (store it in the CI secret store)`,
      }).overrideLogicalId(WorkflowVariables.harborRobotSecret(name, project));
    }
    return resource;
  }
}
