/**
 * Recognizes values that are unresolved tokens of the AWS CDK (`${Token[...]}`,
 * encoded lists and numbers) or CDK for Terraform (`${TfToken[...]}`), without
 * importing either library: the spec layer is cloud-neutral. Validation skips
 * such values, since they are only known at deploy time.
 */
export class Tokens {
  /** Whether a value is, or contains, an unresolved CDK or CDKTF token. */
  public static isUnresolved(value: any): boolean {
    if (typeof value === 'string') {
      return /\$\{(Tf)?Token\[/.test(value) || /#\{(Tf)?Token\[/.test(value);
    }
    if (typeof value === 'number') {
      // The AWS CDK encodes number tokens as large negative doubles near -1.8e+289.
      return value < -1e+280;
    }
    if (Array.isArray(value)) {
      return value.some((v) => Tokens.isUnresolved(v));
    }
    return false;
  }
}
