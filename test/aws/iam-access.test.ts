import { runSimulation } from '@cloud-copilot/iam-simulate';
import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { allowingEnvironmentTagExpiry, ENV, richSpec, stackIn, strictApp } from './helpers';
import { ACCOUNT, ECR_ACTIONS, GITHUB_ISSUER, TemplateIam } from './iam-access';
import { EcrAccessMatrix, ContainerRegistry, EcrRegistryStacks, ReplicationDestinationPolicy } from '../../src/aws';
import { AccessModel, Capability, EncryptionType, EnvironmentLayout, NotificationEvent, RegistrySpec, Severity } from '../../src/spec';

function evaluate(spec: RegistrySpec, props: { allowPrefixGrants?: boolean; managedPoliciesPerRole?: number; repositoryNames?: string[] } = {}) {
  const stack = stackIn(strictApp());
  const registry = new ContainerRegistry(stack, 'Registry', { spec, ...props });
  return { stack, registry, iam: TemplateIam.fromStacks([stack]) };
}

const token = (sub: string, over: Partial<{ issuer: string; aud: string }> = {}) => ({ issuer: GITHUB_ISSUER, aud: 'sts.amazonaws.com', sub, ...over });
const main = evaluate(richSpec());

describe('the evaluator is not vacuous', () => {
  const ci = main.iam.role('RegistryIdentitiesciRole');

  test('an action the policy grants on the repository is allowed; one it does not grant is denied', () => {
    expect(main.iam.roleAllows(ci, 'ecr:PutImage', 'platform/dev/api')).toBe(true);
    expect(main.iam.roleAllows(ci, 'ecr:BatchDeleteImage', 'platform/dev/api')).toBe(false);
    expect(main.iam.roleAllows(ci, 'ecr:BatchGetImage', 'platform/dev/api')).toBe(false);
  });

  test('the same action on another resource is denied, including names that share a prefix', () => {
    for (const other of ['platform/staging/api', 'platform/dev/api-extra', 'platformx/dev/api', 'platform-other/dev/api']) {
      expect([other, main.iam.roleAllows(ci, 'ecr:PutImage', other)]).toEqual([other, false]);
    }
  });

  test('the intended GitHub job assumes the role; a StringEquals on sub with another value denies', () => {
    expect(main.iam.canAssume(ci, token('repo:example/platform:ref:refs/heads/main'))).toBe(true);
    expect(main.iam.canAssume(ci, token('repo:example/platform:ref:refs/heads/dev'))).toBe(false);
    expect(main.iam.canAssume(ci, token('repo:example/platform:ref:refs/heads/main', { aud: 'sigstore' }))).toBe(false);
  });

  test('unknown condition keys are kept: a condition on a key the token lacks denies', () => {
    const template = Template.fromStack(main.stack).toJSON();
    const id = Object.keys(template.Resources).find((k) => k.startsWith('RegistryIdentitiesciRole') && template.Resources[k].Type === 'AWS::IAM::Role')!;
    template.Resources[id].Properties.AssumeRolePolicyDocument.Statement[0].Condition.StringEquals[`${GITHUB_ISSUER}:repository_owner`] = 'example';
    const mutated = new TemplateIam([{ template, account: ACCOUNT, region: ENV.region }]);
    expect(mutated.canAssume(mutated.role('RegistryIdentitiesciRole'), token('repo:example/platform:ref:refs/heads/main'))).toBe(false);
  });

  test('why not runSimulation: it drops the GitHub condition keys, so even the intended job is denied there', async () => {
    const result: any = await runSimulation({
      request: {
        principal: `arn:aws:iam::${ACCOUNT}:oidc-provider/${GITHUB_ISSUER}`,
        action: 'sts:AssumeRoleWithWebIdentity',
        resource: { resource: ci.arn, accountId: ACCOUNT },
        contextVariables: { [`${GITHUB_ISSUER}:sub`]: 'repo:example/platform:ref:refs/heads/main', [`${GITHUB_ISSUER}:aud`]: 'sts.amazonaws.com' },
      },
      identityPolicies: [],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy: ci.trust,
    }, {});
    expect(result.overallResult).toBe('ImplicitlyDenied');
    expect(result.result.ignoredContextKeys).toEqual([`${GITHUB_ISSUER}:sub`, `${GITHUB_ISSUER}:aud`]);
  });

  test('another account reaches a repository only through its repository policy', () => {
    expect(main.iam.principalAllows('arn:aws:iam::111122223333:role/anyone', 'ecr:BatchGetImage', 'platform/prod/api')).toBe(true);
    expect(main.iam.principalAllows('arn:aws:iam::111122223333:role/anyone', 'ecr:PutImage', 'platform/prod/api')).toBe(false);
    expect(main.iam.principalAllows('arn:aws:iam::111122223333:role/anyone', 'ecr:BatchGetImage', 'platform/dev/api')).toBe(false);
    expect(main.iam.principalAllows('arn:aws:iam::444455556666:role/anyone', 'ecr:BatchGetImage', 'platform/prod/api')).toBe(false);
  });
});

describe('issue 13 item 1: promoters read the destination', () => {
  test('the promoter can BatchGetImage (and every read action) on each hop destination', () => {
    const promoter = main.iam.role('RegistryIdentitiespromoterRole');
    for (const repo of ['platform/staging/api', 'platform/prod/api', 'platform/prod/jobs/worker']) {
      for (const action of ECR_ACTIONS.read) expect([repo, action, main.iam.roleAllows(promoter, action, repo)]).toEqual([repo, action, true]);
    }
  });
});

describe('issue 13 item 3: the cross-account replication destination covers exactly the spec namespaces', () => {
  const build = (layout: EnvironmentLayout) => {
    const app = new App();
    const stacks = EcrRegistryStacks.create(app, {
      spec: allowingEnvironmentTagExpiry(richSpec({
        environments: { layout, chain: [{ name: 'dev' }, { name: 'prod' }] },
        replication: { replicas: [{ region: 'us-east-1', awsAccountId: '999988887777' }] },
        access: { pushers: [{ name: 'ci', github: { repository: 'o/r', branch: 'main' } }] },
      })),
      env: ENV,
      stackCount: 1,
    });
    return TemplateIam.fromStacks(stacks.destinationStacks);
  };
  const destination = { account: '999988887777', region: 'us-east-1' };
  test.each([
    [EnvironmentLayout.TAGS, ['platform/api', 'platform/jobs/worker'], ['platformx/api', 'platform-other-team/api', 'platform2/api']],
    [EnvironmentLayout.REPOSITORIES, ['platform/dev/api', 'platform/prod/web'], ['platformx/dev/api', 'platform-other-team/dev/api']],
    [EnvironmentLayout.REGISTRIES, ['platform-dev/api', 'platform-prod/jobs/worker'], ['platform-devx/api', 'platform-dev-other/api', 'platform/dev/api', 'platform-other-team/api']],
  ])('%s layout', (layout, inside, outside) => {
    const iam = build(layout);
    for (const repo of inside) {
      for (const action of ['ecr:ReplicateImage', 'ecr:CreateRepository']) expect([repo, action, iam.registryAllows(ACCOUNT, action, destination, repo)]).toEqual([repo, action, true]);
    }
    for (const repo of outside) {
      for (const action of ['ecr:ReplicateImage', 'ecr:CreateRepository']) expect([repo, action, iam.registryAllows(ACCOUNT, action, destination, repo)]).toEqual([repo, action, false]);
    }
    expect(iam.registryAllows('444455556666', 'ecr:ReplicateImage', destination, inside[0])).toBe(false);
  });

  test('replica prefixes: the destination accepts exactly the selected repositories, and prefixes that select none are an error', () => {
    const spec = (repositoryPrefixes: string[]) => richSpec({
      replication: { replicas: [{ region: 'us-east-1', awsAccountId: '999988887777', repositoryPrefixes }] },
      access: { pushers: [{ name: 'ci', github: { repository: 'o/r', branch: 'main' } }] },
    });
    expect(EcrRegistryStacks.replicatedRepositories(spec(['platform/prod/']), ['platform/prod/'])).toEqual(['platform/prod/*']);
    expect(EcrRegistryStacks.replicatedRepositories(spec(['platform/prod/a']), ['platform/prod/a'])).toEqual(['platform/prod/api']);
    expect(() => EcrRegistryStacks.create(new App(), { spec: spec(['platform/other/']), env: ENV, stackCount: 1 })).toThrow(
      'replication.replicas[0].repositoryPrefixes: ["platform/other/"] select no repository of the spec "platform"');
    // A prefix outside the spec's namespace is refused before (RegistryReplication: it would replicate other registries' repositories).
    expect(() => EcrRegistryStacks.create(new App(), { spec: spec(['other/']), env: ENV, stackCount: 1 })).toThrow(
      'replication.replicas[0].repositoryPrefixes[0]: "other/" reaches beyond the spec');
  });

  test('a prefix without the separator is refused', () => {
    const stack = new Stack(new App(), 'Dest', { env: { account: '999988887777', region: 'us-east-1' } });
    expect(() => new ReplicationDestinationPolicy(stack, 'Policy', { sourceAccountIds: [ACCOUNT], repositoryPrefixes: ['platform'] })).toThrow(
      'aws.ReplicationDestinationPolicy Dest/Policy: 1 problem\n  - props.repositoryPrefixes: ["platform"] must end with "/" (as "platform/"): "platform*" would also let the sources create and replicate into "platformx/..." and "platform-other/..."');
  });
});

describe('issue 13 item 7: prefix grants are listed, warned about, and can be turned off', () => {
  const many = (n: number): RegistrySpec => richSpec({
    repositories: Array.from({ length: n }, (_, i) => ({ name: `service-${String(i).padStart(4, '0')}` })),
    retention: undefined,
    access: { pushers: [{ name: 'ci', github: { repository: 'o/r', branch: 'main' } }] },
  });

  test('a compacted role: a warning with a stable id, and the matrix lists the wildcard with beyondModel', () => {
    const { stack, iam } = evaluate(many(1000), { repositoryNames: [] });
    Annotations.fromStack(stack).hasWarning('*', Match.stringLikeRegexp('identity "ci": its ECR grants exceed IAM\'s policy size limits .* granted on platform/dev/\\*'));
    const row = EcrAccessMatrix.of(many(1000)).find((r) => r.resource === 'platform/dev/*')!;
    expect(row).toMatchObject({ identity: 'ci', principal: 'role', capabilities: [Capability.WRITE, Capability.MOVE_TAG] });
    expect(row.beyondModel).toMatch(/^compacted: the role's policy names repository\/platform\/dev\/\*/);
    // What the row says is what IAM allows: a repository outside the spec under the prefix.
    expect(iam.roleAllows(iam.role('RegistryIdentitiesciRole'), 'ecr:PutImage', 'platform/dev/not-in-the-spec')).toBe(true);
  });

  test('allowPrefixGrants: false keeps exact grants, and says which role cannot hold them', () => {
    expect(() => evaluate(many(1000), { allowPrefixGrants: false, repositoryNames: [] })).toThrow(
      /access \(identity "ci"\): Identities\/ci\/Role: the role is granted on 1000 ECR repositories, more than IAM can hold as exact repository ARNs .* prefix grants are turned off \(allowPrefixGrants: false\)/);
    const { stack, registry } = evaluate(many(300), { allowPrefixGrants: false, repositoryNames: [] });
    expect(registry.identities!.policyPlans.ci).toEqual({ inline: false, managedPolicies: 5, compacted: false, pullPrefixes: [], pushPrefixes: [] });
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('policy size limits'))).toHaveLength(0);
  });

  test('with a raised IAM quota (managedPoliciesPerRole up to 20), a large role keeps exact grants in more managed policies', () => {
    const options = { allowPrefixGrants: false, managedPoliciesPerRole: 20 };
    const { registry, iam } = evaluate(many(1000), { ...options, repositoryNames: [] });
    const plan = registry.identities!.policyPlans.ci;
    expect(plan).toMatchObject({ inline: false, compacted: false, pushPrefixes: [] });
    expect(plan.managedPolicies).toBeGreaterThan(10);
    expect(plan.managedPolicies).toBeLessThanOrEqual(20);
    const ci = iam.role('RegistryIdentitiesciRole');
    expect(iam.roleAllows(ci, 'ecr:PutImage', 'platform/dev/service-0999')).toBe(true);
    expect(iam.roleAllows(ci, 'ecr:PutImage', 'platform/dev/not-in-the-spec')).toBe(false);
    expect(EcrAccessMatrix.of(many(1000), options).filter((r) => r.beyondModel)).toEqual([]);
    expect(() => evaluate(many(10), { managedPoliciesPerRole: 21, repositoryNames: [] })).toThrow(
      'managedPoliciesPerRole: 21 must be a whole number from 1 to 20 (IAM attaches 10 managed policies per role by default, up to 20 with a quota increase)');
  });
});

describe('issue 13 item 8: the creation template role', () => {
  const { iam } = evaluate(richSpec({ encryption: { type: EncryptionType.CUSTOMER_MANAGED } }));
  const role = iam.role('RegistryCacheecrpublicTemplateCreationRole');

  test('trusts ecr.amazonaws.com only for this account when ECR names it (aws:SourceAccount, IfExists)', () => {
    expect(iam.serviceCanAssume(role, 'ecr.amazonaws.com', { 'aws:SourceAccount': ACCOUNT })).toBe(true);
    expect(iam.serviceCanAssume(role, 'ecr.amazonaws.com', { 'aws:SourceAccount': '999988887777' })).toBe(false);
    // No ECR page says ECR sends the key for this role: without it the assumption still works (IfExists),
    // so repository creation cannot be locked out by the guard.
    expect(iam.serviceCanAssume(role, 'ecr.amazonaws.com', {})).toBe(true);
    expect(iam.serviceCanAssume(role, 'lambda.amazonaws.com', { 'aws:SourceAccount': ACCOUNT })).toBe(false);
  });

  test('kms:CreateGrant only for AWS resources (kms:GrantIsForAWSResource)', () => {
    const [key] = [...iam.keyPolicies.keys()];
    expect(iam.kmsAllows(role, 'kms:CreateGrant', key, { 'kms:GrantIsForAWSResource': 'true' })).toBe(true);
    expect(iam.kmsAllows(role, 'kms:CreateGrant', key, { 'kms:GrantIsForAWSResource': 'false' })).toBe(false);
    expect(iam.kmsAllows(role, 'kms:DescribeKey', key, {})).toBe(true);
    expect(iam.kmsAllows(role, 'kms:Decrypt', key, {})).toBe(false);
  });
});

describe('the scan gate: promoters of gated hops read the source digest\'s findings, and nothing else', () => {
  // The hop staging -> prod requires approval (the last environment, by default) and the spec sets a threshold:
  // its promoters read the staging repositories' findings (scan-gate.sh: aws ecr describe-image-scan-findings).
  const gated = (overrides: Partial<RegistrySpec> = {}) => richSpec({
    scanning: { severityThreshold: Severity.HIGH },
    access: {
      pushers: [{ name: 'ci', github: { repository: 'example/platform', branch: 'main' } }],
      promoters: [
        { name: 'promoter', github: { repository: 'example/platform', environment: 'prod' } },
        { name: 'release', awsPrincipalArns: [`arn:aws:iam::${ACCOUNT}:role/release`], environments: ['prod'] },
      ],
    },
    ...overrides,
  });
  const images = ['api', 'web', 'jobs/worker'];

  test('the created role: ecr:DescribeImageScanFindings on the gated hop\'s sources only; inspector2:ListFindings in the region only (ENHANCED)', () => {
    const { iam, registry } = evaluate(gated());
    const role = iam.role('RegistryIdentitiespromoterRole');
    for (const image of images) {
      expect([image, iam.roleAllows(role, 'ecr:DescribeImageScanFindings', `platform/staging/${image}`)]).toEqual([image, true]);
      // dev -> staging needs no approval: no gate, no findings; prod is a destination, never read for findings.
      expect([image, iam.roleAllows(role, 'ecr:DescribeImageScanFindings', `platform/dev/${image}`)]).toEqual([image, false]);
      expect([image, iam.roleAllows(role, 'ecr:DescribeImageScanFindings', `platform/prod/${image}`)]).toEqual([image, false]);
    }
    // "web" scans continuous, so the registry scans ENHANCED: the findings come from Amazon Inspector.
    expect(registry.scanning).toBeDefined();
    expect(iam.roleAllowsOn(role, 'inspector2:ListFindings', '*', { 'aws:RequestedRegion': ENV.region! })).toBe(true);
    expect(iam.roleAllowsOn(role, 'inspector2:ListFindings', '*', { 'aws:RequestedRegion': 'us-east-1' })).toBe(false);
    expect(iam.roleAllowsOn(role, 'inspector2:ListFindings', '*')).toBe(false);
    // The pusher gets neither.
    const ci = iam.role('RegistryIdentitiesciRole');
    expect(iam.roleAllows(ci, 'ecr:DescribeImageScanFindings', 'platform/staging/api')).toBe(false);
    expect(iam.roleAllowsOn(ci, 'inspector2:ListFindings', '*', { 'aws:RequestedRegion': ENV.region! })).toBe(false);
  });

  test('an existing principal promoter: the source repositories\' policies grant it the findings', () => {
    const { iam } = evaluate(gated());
    const release = `arn:aws:iam::${ACCOUNT}:role/release`;
    for (const image of images) {
      expect(iam.principalAllows(release, 'ecr:DescribeImageScanFindings', `platform/staging/${image}`)).toBe(true);
      expect(iam.principalAllows(release, 'ecr:DescribeImageScanFindings', `platform/prod/${image}`)).toBe(false);
    }
  });

  test('basic scanning: the findings action, no Inspector grant', () => {
    const spec = gated({ repositories: images.map((name) => ({ name })) });
    const { iam } = evaluate(spec);
    const role = iam.role('RegistryIdentitiespromoterRole');
    expect(iam.roleAllows(role, 'ecr:DescribeImageScanFindings', 'platform/staging/api')).toBe(true);
    expect(iam.roleAllowsOn(role, 'inspector2:ListFindings', '*', { 'aws:RequestedRegion': ENV.region! })).toBe(false);
  });

  test('no threshold, or no protected hop: no findings grant at all (negative control of the grant)', () => {
    for (const spec of [
      gated({ scanning: undefined }),
      gated({ environments: { layout: EnvironmentLayout.REPOSITORIES, chain: [{ name: 'dev' }, { name: 'staging' }, { name: 'prod', requiresApproval: false }] } }),
    ]) {
      const { iam } = evaluate(spec);
      const role = iam.role('RegistryIdentitiespromoterRole');
      for (const env of ['dev', 'staging', 'prod']) expect(iam.roleAllows(role, 'ecr:DescribeImageScanFindings', `platform/${env}/api`)).toBe(false);
      expect(iam.principalAllows(`arn:aws:iam::${ACCOUNT}:role/release`, 'ecr:DescribeImageScanFindings', 'platform/staging/api')).toBe(false);
      expect(iam.roleAllowsOn(role, 'inspector2:ListFindings', '*', { 'aws:RequestedRegion': ENV.region! })).toBe(false);
    }
  });

  test('the matrix lists the findings as read-scan-results on the sources, for the role and the existing principal', () => {
    const rows = EcrAccessMatrix.of(gated()).filter((r) => r.capabilities.includes(Capability.READ_SCAN_RESULTS));
    expect(rows.map((r) => `${r.identity} ${r.principal} ${r.resource}`).sort()).toEqual([
      ...images.map((i) => `promoter role platform/staging/${i}`),
      ...images.map((i) => `release arn:aws:iam::${ACCOUNT}:role/release platform/staging/${i}`),
    ].sort());
    expect(rows.every((r) => r.grantedAs.includes(ECR_ACTIONS.scanResults[0]))).toBe(true);
  });
});

describe('issue 19: promoters publish promotion reports to the notification topic, and nobody else may', () => {
  const reporting = (events: NotificationEvent[] = [NotificationEvent.PUSH, NotificationEvent.PROMOTION]) => richSpec({
    notifications: { events },
    access: {
      pushers: [{ name: 'ci', github: { repository: 'example/platform', branch: 'main' } }],
      pullers: [{ name: 'runtime', github: { repository: 'example/platform', branch: 'main' } }],
      promoters: [
        { name: 'promoter', github: { repository: 'example/platform', environment: 'prod' } },
        { name: 'stager', github: { repository: 'example/platform', environment: 'staging' }, environments: ['staging'] },
      ],
    },
  });
  const topicOf = (iam: TemplateIam) => {
    expect(iam.topics.size).toBe(1);
    return [...iam.topics][0];
  };
  const keyOf = (iam: TemplateIam) => [...iam.keyPolicies.keys()].find((k) => k.includes(':key/RegistryNotificationsKey'))!;

  /** Where the evaluated topic access differs from the access model's PUBLISH_NOTIFICATION operations and the matrix. */
  const problemsOf = (spec: RegistrySpec, iam: TemplateIam): string[] => {
    const problems: string[] = [];
    const topic = topicOf(iam);
    const key = keyOf(iam);
    const matrix = EcrAccessMatrix.of(spec);
    for (const name of ['ci', 'runtime', 'promoter', 'stager']) {
      const role = iam.role(`RegistryIdentities${name}Role`);
      const model = AccessModel.allows(spec, name, AccessModel.PROMOTION_NOTIFICATION, Capability.PUBLISH_NOTIFICATION);
      const listed = matrix.some((r) => r.identity === name && r.resource === 'sns:platform-notifications' && r.capabilities.includes(Capability.PUBLISH_NOTIFICATION));
      const publish = iam.topicAllows(role, 'sns:Publish', topic);
      // Publishing to a KMS-encrypted topic needs kms:GenerateDataKey* and kms:Decrypt on its key.
      const encrypt = iam.kmsAllows(role, 'kms:GenerateDataKey', key, {}) && iam.kmsAllows(role, 'kms:Decrypt', key, {});
      if (publish !== model || encrypt !== model || listed !== model) {
        problems.push(`${name}: IAM publish ${publish}, key ${encrypt}, matrix ${listed}, the model says ${model}`);
      }
      // Never more than publishing: no subscription or topic administration.
      for (const action of ['sns:Subscribe', 'sns:SetTopicAttributes', 'sns:DeleteTopic']) {
        if (iam.topicAllows(role, action, topic)) problems.push(`${name}: IAM allows ${action}`);
      }
      // Only the topic of this registry.
      if (iam.roleAllowsOn(role, 'sns:Publish', `arn:aws:sns:${ENV.region}:${ACCOUNT}:other-topic`)) problems.push(`${name}: publishes to another topic`);
    }
    return problems;
  };

  test('each promoter publishes (and uses the key); the pusher and the puller do not', () => {
    const spec = reporting();
    const { iam } = evaluate(spec);
    expect(AccessModel.promotionReporters(spec)).toEqual(['promoter', 'stager']);
    expect(problemsOf(spec, iam)).toEqual([]);
    expect(iam.topicAllows(iam.role('RegistryIdentitiespromoterRole'), 'sns:Publish', topicOf(iam))).toBe(true);
    // The topic policy refuses requests without TLS (enforceSSL), even the promoter's.
    expect(iam.topicAllows(iam.role('RegistryIdentitiespromoterRole'), 'sns:Publish', topicOf(iam), { 'aws:SecureTransport': 'false' })).toBe(false);
  });

  test('without promotion among the events, no identity publishes and the model has no such operation', () => {
    const spec = reporting([NotificationEvent.PUSH]);
    const { iam } = evaluate(spec);
    expect(AccessModel.operations(spec).filter((o) => o.capability === Capability.PUBLISH_NOTIFICATION)).toEqual([]);
    expect(problemsOf(spec, iam)).toEqual([]);
    expect(iam.topicAllows(iam.role('RegistryIdentitiespromoterRole'), 'sns:Publish', topicOf(iam))).toBe(false);
  });

  test('negative controls: sns:Publish granted to the pusher, or dropped from the promoter, is caught', () => {
    const spec = reporting();
    const widened = TemplateIam.templatesOf([evaluate(spec).stack]);
    const ciPolicy = Object.entries(widened[0].template.Resources as Record<string, any>)
      .find(([id, r]) => r.Type === 'AWS::IAM::Policy' && id.startsWith('RegistryIdentitiesciRole'))![1];
    ciPolicy.Properties.PolicyDocument.Statement.push({ Effect: 'Allow', Action: 'sns:Publish', Resource: '*' });
    expect(problemsOf(spec, new TemplateIam(widened)).join('\n')).toMatch(/ci: IAM publish true, key false, matrix false, the model says false/);

    const dropped = TemplateIam.templatesOf([evaluate(spec).stack]);
    for (const r of Object.values(dropped[0].template.Resources as Record<string, any>)) {
      if (r.Type !== 'AWS::IAM::Policy') continue;
      r.Properties.PolicyDocument.Statement = r.Properties.PolicyDocument.Statement
        .filter((s: any) => ![s.Action].flat().includes('sns:Publish'));
    }
    expect(problemsOf(spec, new TemplateIam(dropped)).join('\n')).toMatch(/promoter: IAM publish false, key true, matrix true, the model says true/);
  });
});
