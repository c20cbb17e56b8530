/**
 * The parts of the construct contract that every cloud shares: the grant options,
 * and the registry of warnings with stable ids.
 */

/**
 * What a grant covers, the same on every cloud (`grantPull`, `grantPush`,
 * `grantPullPush` of each cloud's `ContainerRegistry`). Where a cloud cannot scope
 * to images (Artifact Registry IAM is per repository), the grant covers the
 * smallest scope that contains them, with a warning.
 */
export interface GrantOptions {
  /**
   * Image names (`api`) or globs (`jobs/*`).
   *
   * @default - every image of the spec
   */
  readonly images?: string[];

  /**
   * Environments of the spec's chain.
   *
   * @default - every environment
   */
  readonly environments?: string[];
}

/** A warning the constructs may emit, with its stable id. */
export interface WarningInfo {
  /**
   * The stable id: `container-registry-constructs:<cloud>-<topic>`
   * (`container-registry-constructs:aws-prefix-grants`). On AWS it is the id of
   * `Annotations.addWarningV2`, which `cdk synth --strict` users acknowledge with
   * `Annotations.of(scope).acknowledgeWarning(id)`; on CDK for Terraform it starts
   * the message, in brackets.
   */
  readonly id: string;
  /** The cloud (`aws`, `gcp`, `azure`) or `spec` for neutral warnings. */
  readonly cloud: string;
  /** When it is emitted and what to do about it, in one sentence. */
  readonly summary: string;
}

/** Helpers of the warning registry. */
export class WarningIds {
  /** The prefix of every warning id. */
  public static readonly PREFIX: string = 'container-registry-constructs:';

  /** The full id of a topic: `container-registry-constructs:<cloud>-<topic>`. */
  public static id(cloud: string, topic: string): string {
    return `${WarningIds.PREFIX}${cloud}-${topic}`;
  }

  /** The message a CDK for Terraform construct emits: `[<id>] <text>` (cdktf annotations have no id of their own). */
  public static tagged(id: string, text: string): string {
    return `[${id}] ${text}`;
  }
}
