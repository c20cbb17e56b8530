import { CfnResource, Stack } from 'aws-cdk-lib';

/** Options of `StackLimits.enforce`. */
export interface StackLimitsOptions {
  /**
   * The most resources the stack may hold.
   *
   * @default 500 (CloudFormation's limit per stack)
   */
  readonly maxResources?: number;

  /**
   * The largest template, in bytes, as the CDK writes it.
   *
   * @default 1,000,000 (CloudFormation's limit for a template read from S3; `cdk deploy`
   * uploads templates over 51,200 bytes to the bootstrap bucket, so this is the binding one)
   */
  readonly maxTemplateBytes?: number;
}

/**
 * A synth-time check of CloudFormation's per-stack limits: a stack with more than
 * 500 resources, or a template over 1 MB, fails `cdk synth` with an error that
 * names the stack, the count and what to do, instead of failing at deploy time.
 * `EcrRegistryStacks` enforces it on every stack it builds.
 */
export class StackLimits {
  /** CloudFormation: "Resources: 500 per stack". */
  public static readonly MAX_RESOURCES: number = 500;

  /** CloudFormation: "Template body size in an Amazon S3 object: 1 MB". */
  public static readonly MAX_TEMPLATE_BYTES: number = 1_000_000;

  /** CloudFormation: "Template body size in a request: 51,200 bytes" (not binding with `cdk deploy`). */
  public static readonly MAX_INLINE_TEMPLATE_BYTES: number = 51_200;

  /** Adds the check to a stack (it runs during synthesis). */
  public static enforce(stack: Stack, options: StackLimitsOptions = {}): void {
    const maxResources = options.maxResources ?? StackLimits.MAX_RESOURCES;
    const maxBytes = options.maxTemplateBytes ?? StackLimits.MAX_TEMPLATE_BYTES;
    stack.node.addValidation({
      validate: () => {
        const errors: string[] = [];
        const resources = stack.node.findAll().filter((c) => CfnResource.isCfnResource(c) && Stack.of(c) === stack).length;
        if (resources > maxResources) {
          errors.push(`stack ${stack.stackName} holds ${resources} resources, over the limit of ${maxResources} per CloudFormation stack; `
            + 'raise stackCount of EcrRegistryStacks for a new registry (it moves repositories between stacks), or split the spec into several registries');
        }
        // The template as `cdk synth` writes it (one-space indentation).
        const bytes = Buffer.byteLength(JSON.stringify(stack.resolve((stack as any)._toCloudFormation()), undefined, 1), 'utf8');
        if (bytes > maxBytes) {
          errors.push(`stack ${stack.stackName} has a ${bytes}-byte template, over the limit of ${maxBytes} bytes; `
            + 'spread the repositories over more stacks (stackCount) or shorten the retention policies');
        }
        return errors;
      },
    });
  }
}
