import { App, Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { claimAccountSingleton } from '../../src/aws/account-singletons';
import { ProblemsError } from '../../src/spec/problems';

const claim = (stack: Stack, id: string, kind = 'registry scanning configuration') =>
  claimAccountSingleton(new Construct(stack, id), kind, 'aws.RegistryScanning');

describe('claimAccountSingleton', () => {
  test('a second claim of the same kind for the same account and region is one error naming both constructs', () => {
    const app = new App();
    const stack = new Stack(app, 'A', { env: { account: '111122223333', region: 'eu-west-1' } });
    claim(stack, 'First');
    let error: unknown;
    try {
      claim(new Stack(app, 'B', { env: { account: '111122223333', region: 'eu-west-1' } }), 'Second');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ProblemsError);
    expect((error as ProblemsError).message).toBe('aws.RegistryScanning B/Second: 1 problem\n'
      + '  - a second ECR registry scanning configuration for account 111122223333, region eu-west-1; ECR has one registry scanning configuration '
      + 'per registry (account and region), already defined by A/First. Define it once (merge the rules) or target another account or region.');
  });

  test('another region, another account, another kind or another app may each have their own', () => {
    const app = new App();
    const at = (id: string, account: string, region: string) => new Stack(app, id, { env: { account, region } });
    claim(at('A', '111122223333', 'eu-west-1'), 'R');
    expect(() => claim(at('B', '111122223333', 'us-east-1'), 'R')).not.toThrow();
    expect(() => claim(at('C', '444455556666', 'eu-west-1'), 'R')).not.toThrow();
    expect(() => claim(at('D', '111122223333', 'eu-west-1'), 'R', 'replication configuration')).not.toThrow();
    expect(() => claim(new Stack(new App(), 'E', { env: { account: '111122223333', region: 'eu-west-1' } }), 'R')).not.toThrow();
  });

  test('stacks without an explicit environment count as the one default environment (they may deploy to the same place)', () => {
    const app = new App();
    claim(new Stack(app, 'A'), 'R');
    expect(() => claim(new Stack(app, 'B'), 'R')).toThrow(/for account <default account>, region <default region>; .*already defined by A\/R/);
  });
});
