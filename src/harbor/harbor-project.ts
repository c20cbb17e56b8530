import { TerraformProvider, Token } from 'cdktf';
import { Construct, IConstruct } from 'constructs';
import { ProjectRobots } from './project-robots';
import { RobotAccount } from './provider/robot-account';
import { HarborWarnings } from './warnings';
import { GrantOptions } from '../spec/contract';
import { Problems } from '../spec/problems';

/** A Harbor project created elsewhere: its name and the same grants as `ContainerRegistry`. */
export interface IHarborProject extends IConstruct {
  /** The project name. */
  readonly projectName: string;
  /** Lets a robot pull: the project robot `robotName` with `repository:pull` (project-wide). */
  grantPull(robotName: string, options?: GrantOptions): RobotAccount[];
  /** Lets a robot push (and pull, never delete): `repository:pull` and `repository:push` (project-wide). */
  grantPush(robotName: string, options?: GrantOptions): RobotAccount[];
  /** Lets a robot pull and push: the same as `grantPush`. */
  grantPullPush(robotName: string, options?: GrantOptions): RobotAccount[];
}

/** Attributes of an existing Harbor project. */
export interface HarborProjectAttributes {
  /** The project name (`platform-prod`). */
  readonly projectName: string;

  /**
   * The Harbor provider of the robots the grants create.
   *
   * @default - the stack's default `harbor` provider
   */
  readonly provider?: TerraformProvider;

  /**
   * Create the robots' outputs (`HARBOR_ROBOT_NAME_<NAME>_<PROJECT>` and the
   * sensitive `HARBOR_ROBOT_SECRET_<NAME>_<PROJECT>`).
   *
   * @default true
   */
  readonly outputs?: boolean;
}

const HARBOR_NAME = /^[a-z0-9]+(?:[._-][a-z0-9]+)*$/;

/**
 * Imports an existing Harbor project, to grant access to it
 * (`HarborProject.fromProjectAttributes`). A grant creates (or extends) the
 * project robot of that name: idempotent and order-independent, construct id
 * `Robot-<name>-<project>`. Harbor robots are scoped to projects, so
 * `options.images` (repository paths in the project) cannot narrow a grant: the
 * grant covers the project, with a warning. `options.environments` does not
 * apply (an error): an imported project knows no spec.
 */
export class HarborProject {
  /** References an existing project by its attributes; the name is checked. */
  public static fromProjectAttributes(scope: Construct, id: string, attrs: HarborProjectAttributes): IHarborProject {
    return new ImportedHarborProject(scope, id, attrs);
  }

  /** References an existing project by name (the stack's default provider, outputs on). */
  public static fromProjectName(scope: Construct, id: string, projectName: string): IHarborProject {
    return new ImportedHarborProject(scope, id, { projectName });
  }

  private constructor() {}
}

class ImportedHarborProject extends Construct implements IHarborProject {
  public readonly projectName: string;
  private readonly robots: ProjectRobots;

  constructor(scope: Construct, id: string, attrs: HarborProjectAttributes) {
    super(scope, id);
    const name = (attrs as HarborProjectAttributes | undefined)?.projectName;
    const problems = new Problems();
    if (typeof name !== 'string' || (!Token.isUnresolved(name) && (!HARBOR_NAME.test(name) || name.length > 255))) {
      problems.add('attrs.projectName', name, 'is not a Harbor project name (1-255 lower-case letters and digits joined by . _ -)');
    }
    problems.throwIfAny(`harbor.HarborProject.fromProjectAttributes ${this.node.path}`);
    this.projectName = name!;
    this.robots = new ProjectRobots(this, attrs.provider, attrs.outputs ?? true);
  }

  public grantPull(robotName: string, options?: GrantOptions): RobotAccount[] {
    return this.grant('grantPull', ['repository:pull'], robotName, options);
  }

  public grantPush(robotName: string, options?: GrantOptions): RobotAccount[] {
    return this.grant('grantPush', ['repository:pull', 'repository:push'], robotName, options);
  }

  public grantPullPush(robotName: string, options?: GrantOptions): RobotAccount[] {
    return this.grant('grantPullPush', ['repository:pull', 'repository:push'], robotName, options);
  }

  private grant(method: string, actions: string[], robotName: string, options: GrantOptions = {}): RobotAccount[] {
    const problems = new Problems();
    if (typeof robotName !== 'string' || !HARBOR_NAME.test(robotName)) {
      problems.add('robotName', robotName, 'is not a Harbor robot name (lower-case letters and digits joined by single . _ -)');
    }
    if (options.environments !== undefined) {
      problems.add('options.environments', options.environments, 'does not apply to an imported project (it has no spec environments)');
    }
    if (options.images !== undefined && (!Array.isArray(options.images) || options.images.some((i) => typeof i !== 'string'))) {
      problems.add('options.images', options.images, 'is not a list of strings');
    }
    problems.throwIfAny(`harbor.HarborProject ${this.node.path} ${method}`);
    if (options.images !== undefined && !options.images.includes('*') && !options.images.includes('**')) {
      HarborWarnings._emit(this, 'grant-project-wide', `${method} to robot "${robotName}" in project "${this.projectName}": Harbor robots are scoped to projects, ` +
        `so the grant of ${options.images.join(', ')} covers every repository of the project`);
    }
    return [this.robots.robot(robotName, this.projectName, actions, `grant (${method})`)];
  }
}
