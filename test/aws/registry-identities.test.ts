import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { richSpec, snapshotOf, stackIn, strictApp } from './helpers';
import { EcrActions, RegistryIdentities } from '../../src/aws';
import { RegistrySpec } from '../../src/spec';

function build(spec: RegistrySpec, props: { provider?: boolean; reserved?: string[] } = {}) {
  const app = strictApp();
  const stack = stackIn(app);
  const githubOidcProvider = props.provider
    ? iam.OpenIdConnectProvider.fromOpenIdConnectProviderArn(stack, 'Existing', 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com')
    : undefined;
  const identities = new RegistryIdentities(stack, 'Identities', { spec, githubOidcProvider, reservedPrefixes: props.reserved, pullThroughPrefixes: props.reserved });
  return { stack, identities, template: Template.fromStack(stack) };
}

const arn = (name: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:ecr:eu-west-1:123456789012:repository/${name}`]] });
const main = build(richSpec({
  access: {
    pushers: [{ name: 'ci', github: { repository: 'example/platform', branch: 'main' } }],
    promoters: [{ name: 'promoter', github: { repository: 'example/platform', environment: 'prod' } }],
    pullers: [
      { name: 'release-reader', github: { repository: 'example/platform', tag: 'v*' }, environments: ['prod'], repositories: ['api'] },
      { name: 'runtime', awsAccountIds: ['111122223333'] },
    ],
  },
}), { reserved: ['platform/ecr-public'] });
const roles = main.template.findResources('AWS::IAM::Role');
const policies = main.template.findResources('AWS::IAM::Policy');
const roleOf = (identity: string) => Object.entries(roles).find(([k]) => k.startsWith(`Identities${identity.replace(/-/g, '')}Role`))![1] as any;
const statementsOf = (identity: string) => (Object.entries(policies).find(([k]) => k.startsWith(`Identities${identity.replace(/-/g, '')}RoleDefaultPolicy`))![1] as any)
  .Properties.PolicyDocument.Statement;

describe('GitHub OIDC trust', () => {
  test('a provider for token.actions.githubusercontent.com with audience sts.amazonaws.com is created and kept', () => {
    main.template.hasResource('AWS::IAM::OIDCProvider', {
      Properties: { Url: 'https://token.actions.githubusercontent.com', ClientIdList: ['sts.amazonaws.com'] },
      DeletionPolicy: 'Retain',
    });
  });

  test('branch: StringEquals on aud and sub repo:<owner>/<repo>:ref:refs/heads/<branch>', () => {
    expect(roleOf('ci').Properties.AssumeRolePolicyDocument.Statement).toEqual([{
      Action: 'sts:AssumeRoleWithWebIdentity',
      Effect: 'Allow',
      Principal: { Federated: { Ref: expect.stringMatching(/^IdentitiesGithubOidc/) } },
      Condition: {
        StringEquals: {
          'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
          'token.actions.githubusercontent.com:sub': 'repo:example/platform:ref:refs/heads/main',
        },
      },
    }]);
  });

  test('environment: sub repo:<owner>/<repo>:environment:<env>', () => {
    expect(roleOf('promoter').Properties.AssumeRolePolicyDocument.Statement[0].Condition).toEqual({
      StringEquals: {
        'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
        'token.actions.githubusercontent.com:sub': 'repo:example/platform:environment:prod',
      },
    });
  });

  test('tag glob: StringLike on sub repo:<owner>/<repo>:ref:refs/tags/<tag>, aud still StringEquals', () => {
    expect(roleOf('release-reader').Properties.AssumeRolePolicyDocument.Statement[0].Condition).toEqual({
      StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' },
      StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:example/platform:ref:refs/tags/v*' },
    });
  });

  test('an existing provider is used instead of creating one', () => {
    const b = build(richSpec(), { provider: true });
    b.template.resourceCountIs('AWS::IAM::OIDCProvider', 0);
    b.template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [{ Principal: { Federated: 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com' } }] },
    });
  });
});

describe('roles from the access plan', () => {
  test('only identities with github get a role', () => {
    expect(Object.keys(main.identities.roles).sort()).toEqual(['ci', 'promoter', 'release-reader']);
    expect(() => main.identities.roleArn('runtime')).toThrow(
      '- identity: "runtime" has no role (roles: ci, promoter, release-reader); only identities with `github` trust get a role');
  });

  test('pusher: push only to the first environment, and login', () => {
    expect(statementsOf('ci')).toEqual([
      { Sid: 'EcrLogin', Action: 'ecr:GetAuthorizationToken', Effect: 'Allow', Resource: '*' },
      { Sid: 'PushImages', Action: EcrActions.PUSH, Effect: 'Allow', Resource: [arn('platform/dev/api'), arn('platform/dev/jobs/worker'), arn('platform/dev/web')] },
    ]);
  });

  test('promoter: pull the source and push the destination of each hop; never push to the first environment', () => {
    const s = statementsOf('promoter');
    expect(s[1]).toEqual({ Sid: 'PullImages', Action: EcrActions.PULL, Effect: 'Allow', Resource: expect.arrayContaining([arn('platform/dev/api'), arn('platform/staging/api')]) });
    // Both ends of each hop (issue 13, item 1): dev, staging and prod, three images each.
    expect(s[1].Resource).toHaveLength(9);
    expect(s[2]).toEqual({ Sid: 'PushImages', Action: EcrActions.PUSH, Effect: 'Allow', Resource: expect.arrayContaining([arn('platform/staging/api'), arn('platform/prod/api')]) });
    expect(JSON.stringify(s[2].Resource)).not.toContain('platform/dev/');
  });

  test('puller restricted by environment and repositories, plus pull through the caches (prefix-scoped)', () => {
    expect(statementsOf('release-reader')).toEqual([
      { Sid: 'EcrLogin', Action: 'ecr:GetAuthorizationToken', Effect: 'Allow', Resource: '*' },
      { Sid: 'PullImages', Action: EcrActions.PULL, Effect: 'Allow', Resource: arn('platform/prod/api') },
      { Sid: 'PullThroughCaches', Action: [...EcrActions.PULL, 'ecr:BatchImportUpstreamImage', 'ecr:CreateRepository'], Effect: 'Allow', Resource: arn('platform/ecr-public/*') },
    ]);
  });

  test('each role ARN is a public property and an output named after the variable', () => {
    const outputs = main.template.findOutputs('*');
    expect(Object.keys(outputs).sort()).toEqual(['AWSACCOUNTID', 'AWSREGION', 'AWSROLEARNCI', 'AWSROLEARNPROMOTER', 'AWSROLEARNRELEASEREADER']);
    // The promotion workflow's AWS_ACCOUNT_ID and AWS_REGION variables.
    expect(outputs.AWSACCOUNTID.Description).toMatch(/^AWS_ACCOUNT_ID: /);
    expect(outputs.AWSREGION.Description).toMatch(/^AWS_REGION: /);
    expect(outputs.AWSROLEARNRELEASEREADER.Description).toMatch(/^AWS_ROLE_ARN_RELEASE_READER: /);
    expect(outputs.AWSROLEARNCI.Value).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^IdentitiesciRole/), 'Arn'] });
    expect(RegistryIdentities.variableName('release-reader')).toBe('AWS_ROLE_ARN_RELEASE_READER');
    expect(main.identities.roleArn('ci')).toBe(main.identities.roles.ci.roleArn);
  });

  test('an identity name used by several roles is one role: trust and grants are the union', () => {
    const b = build(richSpec({
      access: {
        pushers: [{ name: 'ci', github: { repository: 'o/r', branch: 'main' } }],
        pullers: [{ name: 'ci', github: { repository: 'o/r', environment: 'prod' }, environments: ['prod'] }],
      },
    }));
    expect(Object.keys(b.identities.roles)).toEqual(['ci']);
    b.template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [{
          Condition: {
            StringEquals: {
              'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
              'token.actions.githubusercontent.com:sub': ['repo:o/r:environment:prod', 'repo:o/r:ref:refs/heads/main'],
            },
          },
        }],
      },
    });
    b.template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [
          { Sid: 'EcrLogin' },
          { Sid: 'PullImages', Action: EcrActions.PULL, Resource: [arn('platform/prod/api'), arn('platform/prod/jobs/worker'), arn('platform/prod/web')] },
          { Sid: 'PushImages', Action: EcrActions.PUSH, Resource: [arn('platform/dev/api'), arn('platform/dev/jobs/worker'), arn('platform/dev/web')] },
        ],
      },
    });
  });

  test('roles last at most one hour', () => {
    expect(roleOf('ci').Properties.MaxSessionDuration).toBe(3600);
  });
});

describe('IAM policy size limits', () => {
  // IAM quotas: "Role policy size cannot exceed 10,240 characters" (inline, aggregate); managed policies 6,144
  // characters each, 10 per role by default. Whitespace is not counted.
  const many = (n: number, envs = true): RegistrySpec => richSpec({
    repositories: Array.from({ length: n }, (_, i) => ({ name: `service-${String(i).padStart(4, '0')}` })),
    retention: undefined,
    environments: envs ? { chain: [{ name: 'dev' }, { name: 'staging' }, { name: 'prod' }] } : undefined,
    access: { pushers: [{ name: 'ci', github: { repository: 'o/r', branch: 'main' } }], promoters: [{ name: 'promoter', github: { repository: 'o/r', environment: 'prod' } }] },
  });
  const large = build(many(300));

  test('over the inline limit, exact ARNs spread over managed policies', () => {
    expect(large.identities.policyPlans.ci).toEqual({ inline: false, managedPolicies: 5, compacted: false, pullPrefixes: [], pushPrefixes: [] });
    const managed = Object.values(large.template.findResources('AWS::IAM::ManagedPolicy')) as any[];
    const ciPolicies = managed.filter((p) => p.Properties.Description.includes('/Identities/ci/Role'));
    const arns = ciPolicies.flatMap((p) => p.Properties.PolicyDocument.Statement.flatMap((s: any) => s.Resource));
    expect(arns).toHaveLength(300);
    for (const p of managed) {
      // The resolved document, at its longest partition and region, stays under 6,144 characters.
      const text = JSON.stringify(p.Properties.PolicyDocument).replace(/\{"Fn::Join":\["",\["arn:",\{"Ref":"AWS::Partition"\},":ecr:eu-west-1:123456789012:repository\//g, '"arn:aws-iso-b:ecr:ap-southeast-5:123456789012:repository/')
        .replace(/"\]\]\}/g, '"');
      expect(text.length).toBeLessThan(6144);
    }
  });

  test('beyond 10 managed policies, prefix-scoped ARNs where every repository under the prefix is granted', () => {
    const huge = build(many(1000));
    expect(huge.identities.policyPlans.ci).toEqual({ inline: true, managedPolicies: 0, compacted: true, pullPrefixes: [], pushPrefixes: ['platform/dev/'] });
    const s = (Object.entries(huge.template.findResources('AWS::IAM::Policy')).find(([k]) => k.startsWith('IdentitiesciRoleDefaultPolicy'))![1] as any)
      .Properties.PolicyDocument.Statement;
    expect(s[1]).toEqual({ Sid: 'PushImages', Action: EcrActions.PUSH, Effect: 'Allow', Resource: arn('platform/dev/*') });
    expect(huge.identities.policyPlans.promoter.compacted).toBe(true);
  });

  test('when nothing fits, a clear error naming the role', () => {
    // No environments: every name is platform/<image>; the cache prefix under platform/ forbids the wildcard.
    expect(() => build(many(1200, false), { reserved: ['platform/ecr-public'] })).toThrow(
      /Identities\/ci\/Role: the role is granted on 1200 ECR repositories, more than IAM can hold even with prefix-scoped ARNs \(10 managed policies of 6144 characters\)/);
  });
});

test('snapshot', () => {
  expect(snapshotOf(main.template)).toMatchSnapshot();
});
