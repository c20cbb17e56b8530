import { spawnSync } from 'child_process';
import { readFileSync } from 'fs';
import { join } from 'path';

const root = join(__dirname, '../..');

describe('examples/composition: the registry inside an existing platform stack', () => {
  const res = spawnSync(join(root, 'node_modules/.bin/tsx'), [join(root, 'scripts/synth-examples.ts'), '--only', 'composition'], { cwd: root, encoding: 'utf8' });
  const template = () => JSON.parse(readFileSync(join(root, 'examples/composition/cdk.out/payments-platform.template.json'), 'utf8'));

  test('synthesizes with the real cdk CLI', () => {
    expect(res.stdout).toMatch(/\n1 example, 0 failures\n$/);
    expect(res.status).toBe(0);
  });

  test('the platform key encrypts the repositories; the registry creates no key and no role of its own', () => {
    const resources = Object.entries<any>(template().Resources);
    expect(resources.filter(([, r]) => r.Type === 'AWS::KMS::Key').map(([id]) => id)).toEqual([expect.stringMatching(/^DataKey/)]);
    expect(resources.filter(([, r]) => r.Type === 'AWS::IAM::Role')).toEqual([]);
    for (const [, repo] of resources.filter(([, r]) => r.Type === 'AWS::ECR::Repository')) {
      expect(repo.Properties.EncryptionConfiguration).toEqual({ EncryptionType: 'KMS', KmsKey: { 'Fn::GetAtt': [expect.stringMatching(/^DataKey/), 'Arn'] } });
    }
  });

  test('the existing CI role may push to dev and only pull from prod', () => {
    const [policy] = Object.values<any>(template().Resources).filter((r) => r.Type === 'AWS::IAM::Policy');
    expect(policy.Properties.Roles).toEqual(['payments-ci']);
    const statements = policy.Properties.PolicyDocument.Statement;
    const arns = (s: any) => (Array.isArray(s.Resource) ? s.Resource : [s.Resource]).map((r: any) => (typeof r === 'string' ? r : r['Fn::Join'][1].slice(-1)[0]));
    const push = statements.find((s: any) => ([] as string[]).concat(s.Action).includes('ecr:PutImage'));
    expect(arns(push).every((a: string) => a.includes('repository/payments/dev/'))).toBe(true);
    const pull = statements.find((s: any) => ([] as string[]).concat(s.Action).includes('ecr:BatchGetImage'));
    expect(arns(pull).every((a: string) => a.includes('repository/payments/prod/'))).toBe(true);
    const star = statements.filter((s: any) => s.Resource === '*');
    expect(star.map((s: any) => s.Action)).toEqual(['ecr:GetAuthorizationToken']);
  });
});
