import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { EcrActions } from '../../src/aws/ecr-actions';
import { attachRepositoryPolicies, IAM_LIMITS, layoutRepositoryPolicies, RepositoryPolicyLayout } from '../../src/aws/role-policies';

const names = (n: number, prefix = 'platform') => Array.from({ length: n }, (_, i) => `${prefix}/env${i % 3}/image-with-a-long-name-${String(i).padStart(4, '0')}`);

/** Attaches a layout to a role in a fresh stack and returns the synthesized template. */
function synth(layout: RepositoryPolicyLayout): any {
  const stack = new Stack(new App(), 'S', { env: { account: '123456789012', region: 'eu-west-1' } });
  const role = new iam.Role(stack, 'Role', { assumedBy: new iam.AccountRootPrincipal() });
  attachRepositoryPolicies(stack, role, layout);
  return Template.fromStack(stack).toJSON();
}

/** A synthesized value with its ARNs joined, the partition at its longest (`aws-iso-b`): what IAM stores. */
function resolved(value: any): any {
  if (Array.isArray(value)) return value.map(resolved);
  if (value && typeof value === 'object') {
    if (value.Ref === 'AWS::Partition') return 'aws-iso-b';
    if (value['Fn::Join']) return value['Fn::Join'][1].map(resolved).join(value['Fn::Join'][0]);
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolved(v)]));
  }
  return value;
}

/** Every repository resource of a template's policy statements, as `<pull|push> <repository name or prefix*>`. */
function grantedResources(template: any): string[] {
  const docs = Object.values<any>(template.Resources)
    .filter((r) => r.Type === 'AWS::IAM::Policy' || r.Type === 'AWS::IAM::ManagedPolicy')
    .map((r) => resolved(r.Properties.PolicyDocument));
  return docs.flatMap((d) => d.Statement.filter((s: any) => s.Sid !== 'EcrLogin').flatMap((s: any) => [s.Resource].flat().map((arn: string) =>
    `${s.Sid === 'PushImages' ? 'push' : 'pull'} ${arn.replace(/^arn:aws-iso-b:ecr:eu-west-1:123456789012:repository\//, '')}`)));
}

describe('layoutRepositoryPolicies', () => {
  test('a few repositories: exact ARNs in the inline policy', () => {
    const layout = layoutRepositoryPolicies('Role', ['platform/dev/api'], ['platform/dev/api', 'platform/dev/web'], names(3), [], true);
    expect(layout).toMatchObject({ inline: true, chunks: [], compacted: false });
    expect(layout.entries).toEqual([
      { push: false, resource: 'platform/dev/api' },
      { push: true, resource: 'platform/dev/api' },
      { push: true, resource: 'platform/dev/web' },
    ]);
  });

  test('too many for the inline policy: exact ARNs over managed policies, each under IAM\'s 6,144 characters, none lost', () => {
    const all = names(160);
    const layout = layoutRepositoryPolicies('Role', all, [], all, [], false);
    expect(layout.inline).toBe(false);
    expect(layout.chunks.length).toBeGreaterThan(1);
    expect(layout.chunks.length).toBeLessThanOrEqual(IAM_LIMITS.managedPerRole);
    expect(layout.chunks.flat()).toEqual(layout.entries);
    const template = synth(layout);
    const managed = Object.values<any>(template.Resources).filter((r) => r.Type === 'AWS::IAM::ManagedPolicy');
    expect(managed).toHaveLength(layout.chunks.length);
    for (const m of managed) {
      // IAM counts the policy without whitespace ("IAM and AWS STS quotas": managed policy size 6,144 characters).
      const text = JSON.stringify(resolved(m.Properties.PolicyDocument));
      expect(text.length).toBeLessThan(IAM_LIMITS.managedChars);
    }
    expect(grantedResources(template).sort()).toEqual(all.map((n) => `pull ${n}`).sort());
  });

  test('beyond the managed policies: prefix-scoped ARNs where allowed, exactly as wide as the grant', () => {
    const all = [...names(900), ...names(60, 'other')];
    const granted = all.filter((n) => n.startsWith('platform/'));
    const layout = layoutRepositoryPolicies('Role', granted, [], all, [], true);
    expect(layout).toMatchObject({ inline: true, compacted: true, pullPrefixes: ['platform/'] });
    expect(layout.entries).toEqual([{ push: false, resource: 'platform/*' }]);
  });

  test('a cache prefix is never inside a wildcard: the repositories beside it are listed', () => {
    const all = names(9);
    const layout = layoutRepositoryPolicies('Role', all, [], all, ['platform/env1'], true);
    expect(layout.entries.map((e) => e.resource)).not.toContain('platform/*');
  });

  test('too many without prefix grants, or even with them: one error naming the role and the ways out', () => {
    const all = names(2_000);
    expect(() => layoutRepositoryPolicies('Stack/Identities/ci/Role', all, [], all, [], false)).toThrow(
      /^Stack\/Identities\/ci\/Role: the role is granted on 2000 ECR repositories, more than IAM can hold as exact repository ARNs \(10 managed policies of 6144 characters\) and prefix grants are turned off/);
    // Every other image: no prefix is exactly as wide, so compaction cannot help.
    const half = all.filter((_, i) => i % 2 === 0);
    expect(() => layoutRepositoryPolicies('R', half, [], all, [], true)).toThrow(/^R: the role is granted on 1000 ECR repositories, more than IAM can hold even with prefix-scoped ARNs/);
    // A higher quota (up to 20 managed policies) fits more exact ARNs.
    const fits20 = all.slice(0, 700);
    expect(() => layoutRepositoryPolicies('R', fits20, [], all, [], false)).toThrow(/10 managed policies/);
    expect(layoutRepositoryPolicies('R', fits20, [], all, [], false, 20).chunks.length).toBeGreaterThan(10);
  });

  test.each([0, 21, 2.5])('managedPoliciesPerRole %p is refused', (n) => {
    expect(() => layoutRepositoryPolicies('R', [], [], [], [], true, n)).toThrow(`R: managedPoliciesPerRole ${n} must be a whole number from 1 to 20`);
  });
});

describe('attachRepositoryPolicies', () => {
  test('inline: the login statement on "*" (the only one) and pull and push on the repositories', () => {
    const template = synth(layoutRepositoryPolicies('Role', ['platform/dev/api'], ['platform/dev/web'], names(3), [], true));
    const statements = Object.values<any>(template.Resources).filter((r) => r.Type === 'AWS::IAM::Policy').flatMap((r) => r.Properties.PolicyDocument.Statement);
    expect(statements.map((s: any) => [s.Sid, s.Action])).toEqual([
      ['EcrLogin', EcrActions.AUTH_TOKEN],
      ['PullImages', EcrActions.PULL],
      ['PushImages', EcrActions.PUSH],
    ]);
    expect(statements.filter((s: any) => s.Resource === '*').map((s: any) => s.Sid)).toEqual(['EcrLogin']);
    expect(grantedResources(template)).toEqual(['pull platform/dev/api', 'push platform/dev/web']);
  });

  test('managed: policies Repositories1..n attached to the role', () => {
    const all = names(160);
    const layout = layoutRepositoryPolicies('Role', [], all, all, [], false);
    const template = synth(layout);
    const managed = Object.entries<any>(template.Resources).filter(([, r]) => r.Type === 'AWS::IAM::ManagedPolicy');
    expect(managed.map(([id]) => id.replace(/[0-9A-F]{8}$/, ''))).toEqual(layout.chunks.map((_, i) => `Repositories${i + 1}`));
    for (const [, m] of managed) expect(m.Properties.Roles).toEqual([{ Ref: expect.stringMatching(/^Role/) }]);
  });
});
