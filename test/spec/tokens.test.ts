import { Lazy, Token } from 'aws-cdk-lib';
import { Lazy as TfLazy, Token as TfToken } from 'cdktf';
import { SpecLoader, SpecValidator, Tokens } from '../../src/spec';

// Hostile-user sweep: any number below -1e280 was taken for a CDK number token, so a spec file's
// `expireAfterDays: -.inf` or `keepMostRecent: -1e300` skipped every check and loaded as valid.
describe('Tokens: number tokens are recognized by their marker, not by their size', () => {
  const awsToken = Token.asNumber(Lazy.number({ produce: () => 7 }));
  const tfToken = TfToken.asNumber(TfLazy.numberValue({ produce: () => 7 }));

  test('the AWS CDK\'s and CDK for Terraform\'s number tokens are unresolved', () => {
    // Both libraries encode a token as a double whose top 16 bits are their marker (0xFBFF, 0xFDFF).
    expect(Token.isUnresolved(awsToken)).toBe(true);
    expect(Tokens.isUnresolved(awsToken)).toBe(true);
    expect(TfToken.isUnresolved(tfToken)).toBe(true);
    expect(Tokens.isUnresolved(tfToken)).toBe(true);
    expect(Tokens.isUnresolved([1, awsToken])).toBe(true);
  });

  test.each([-Infinity, Infinity, NaN, -1e300, -1.8e289, -Number.MAX_VALUE, -1, 0, 36500])('%p is a value, not a token', (n) => {
    expect(Tokens.isUnresolved(n)).toBe(false);
    // The CDK agrees (its own decoder is the oracle).
    expect(Token.isUnresolved(n)).toBe(false);
  });

  test.each(['-.inf', '-1e300', '-1.8e289'])('expireAfterDays: %s in a spec file is a problem', (n) => {
    const r = SpecLoader.load(`name: platform\nrepositories: [{ name: api }]\nretention:\n  rules: [{ tagState: any, expireAfterDays: ${n} }]\n`);
    expect(r.spec).toBeUndefined();
    expect(r.problems).toEqual([expect.objectContaining({ path: 'retention.rules[0].expireAfterDays', line: 4, message: 'must be a whole number of days from 1 to 36500' })]);
  });

  test('negative control: a token given from a CDK app is skipped, as it is known only at deploy time', () => {
    const spec: any = { name: 'platform', repositories: [{ name: 'api' }], retention: { rules: [{ tagState: 'any', expireAfterDays: awsToken }] } };
    expect(SpecValidator.validate(spec).problems).toEqual([]);
  });
});
