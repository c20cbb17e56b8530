import { existsSync, statSync } from 'fs';
import { join } from 'path';
import { CfnResource, ISynthesisSession, Stack } from 'aws-cdk-lib';

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

  /**
   * Adds the check to a stack (it runs during synthesis): the resource count as a
   * validation of the stack, the template size on the template file the stack's
   * synthesizer writes (measured, not computed a second time: resolving a 140-repository
   * template again cost as much as writing it).
   */
  public static enforce(stack: Stack, options: StackLimitsOptions = {}): void {
    const maxResources = options.maxResources ?? StackLimits.MAX_RESOURCES;
    const maxBytes = options.maxTemplateBytes ?? StackLimits.MAX_TEMPLATE_BYTES;
    stack.node.addValidation({
      validate: () => {
        const resources = stack.node.findAll().filter((c) => CfnResource.isCfnResource(c) && Stack.of(c) === stack).length;
        return resources > maxResources
          ? [`stack ${stack.stackName} holds ${resources} resources, over the limit of ${maxResources} per CloudFormation stack; `
            + 'raise stackCount of EcrRegistryStacks for a new registry (it moves repositories between stacks), or split the spec into several registries']
          : [];
      },
    });
    // The template as `cdk synth` writes it: the file the synthesizer wrote (IStackSynthesizer.synthesize writes
    // `<outdir>/<stack.templateFile>`), measured in bytes before the assembly is built.
    const synthesizer = stack.synthesizer;
    const synthesize = synthesizer.synthesize.bind(synthesizer);
    Object.defineProperty(synthesizer, 'synthesize', {
      configurable: true,
      writable: true,
      value: (session: ISynthesisSession) => {
        synthesize(session);
        const file = join(session.outdir, stack.templateFile);
        const bytes = existsSync(file) ? statSync(file).size : 0;
        if (bytes > maxBytes) {
          throw new Error(`Validation failed with the following errors:\n  [${stack.node.path}] stack ${stack.stackName} has a ${bytes}-byte template, `
            + `over the limit of ${maxBytes} bytes; spread the repositories over more stacks (stackCount) or shorten the retention policies`);
        }
      },
    });
  }
}
