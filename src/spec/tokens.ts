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
      // A number token is a double whose top 16 bits are a marker: 0xFBFF in the AWS CDK
      // (aws-cdk-lib core/lib/private/encoding.ts, DOUBLE_TOKEN_MARKER_BITS = 0xFBFF << 16, about
      // -1.8e+289) and 0xFDFF in CDK for Terraform (cdktf lib/tokens/private/encoding.ts). Any
      // other number is a value to check: "below -1e280" also took -.inf and -1e300 from a spec
      // file for tokens, and skipped their validation.
      if (!Number.isFinite(value)) return false;
      const words = new Uint32Array(new Float64Array([value]).buffer);
      const marker = Math.floor(words[1] / 0x10000);
      return marker === 0xfbff || marker === 0xfdff;
    }
    if (Array.isArray(value)) {
      return value.some((v) => Tokens.isUnresolved(v));
    }
    return false;
  }
}
