import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as fc from 'fast-check';
import { allowingEnvironmentTagExpiry, ENV, richSpec, snapshotOf, stackIn, statementsOf, strictApp, warningsOf } from './helpers';
import { ContainerRegistry, ContainerRegistryProps, EcrActions, EcrRegistry, EcrRegistryStacks, EcrValidator, IContainerRegistry } from '../../src/aws';
import { EcrLifecycleEvaluator, EcrLifecycleTranslation, RetentionEvaluator } from '../../src/retention';
import {
  EffectiveSpec, EncryptionType, EnvironmentLayout, Naming, RegistrySpec, ScanMode, Severity, TagState,
} from '../../src/spec';
import { ProblemsError } from '../../src/spec/problems';
import { TagPolicyDecision } from '../../src/tagging';

function build(spec: RegistrySpec, props: Partial<ContainerRegistryProps> = {}) {
  const app = strictApp();
  const stack = stackIn(app);
  const registry = new ContainerRegistry(stack, 'Registry', { spec, ...props });
  return { app, stack, registry, template: Template.fromStack(stack) };
}

const spec = richSpec();
const rich = build(spec);
const repos = rich.template.findResources('AWS::ECR::Repository');
const byName = new Map(Object.values(repos).map((r: any) => [r.Properties.RepositoryName, r]));

describe('ContainerRegistry repositories', () => {
  test('one repository per image and environment, named by Naming.ecrRepositoryName', () => {
    const expected = EffectiveSpec.repositories(spec).map((r) => Naming.ecrRepositoryName(spec, r.image, r.environment)).sort();
    expect([...byName.keys()].sort()).toEqual(expected);
    expect(expected).toContain('platform/prod/jobs/worker');
    expect(Object.keys(rich.registry.repositories).sort()).toEqual(expected);
  });

  test.each([
    [EnvironmentLayout.TAGS, ['platform/api', 'platform/jobs/worker', 'platform/web']],
    [EnvironmentLayout.REGISTRIES, ['platform-dev/api', 'platform-prod/web', 'platform-staging/jobs/worker']],
  ])('layout %s names', (layout, some) => {
    const s = allowingEnvironmentTagExpiry(richSpec({ environments: { layout, chain: [{ name: 'dev' }, { name: 'staging' }, { name: 'prod' }] } }));
    const names = Object.values(build(s).template.findResources('AWS::ECR::Repository')).map((r: any) => r.Properties.RepositoryName);
    expect(names).toEqual(expect.arrayContaining(some));
    expect(names).toHaveLength(layout === EnvironmentLayout.TAGS ? 3 : 9);
  });

  test('the lifecycle policy is the retention translation, byte for byte (repository overrides included)', () => {
    for (const repo of EffectiveSpec.repositories(spec)) {
      const name = Naming.ecrRepositoryName(spec, repo.image, repo.environment);
      const expected = EcrLifecycleTranslation.translate(repo.retention, { repositoryName: name }).policyText;
      expect(expected).toBeDefined();
      expect(byName.get(name).Properties.LifecyclePolicy).toEqual({ LifecyclePolicyText: expected });
      expect(rich.registry.lifecyclePolicies[name]).toBe(expected);
    }
    expect(byName.get('platform/dev/jobs/worker').Properties.LifecyclePolicy.LifecyclePolicyText)
      .not.toEqual(byName.get('platform/dev/api').Properties.LifecyclePolicy.LifecyclePolicyText);
  });

  test('no retention rules: no lifecycle policy (nothing is deleted)', () => {
    const t = build(richSpec({ retention: undefined, repositories: [{ name: 'api' }] })).template;
    t.hasResourceProperties('AWS::ECR::Repository', { RepositoryName: 'platform/dev/api', LifecyclePolicy: Match.absent() });
  });

  test('tag mutability is TagPolicyDecision.ecr of the effective tag policy', () => {
    const decision = TagPolicyDecision.ecr(EffectiveSpec.tagPolicy(spec));
    rich.template.hasResourceProperties('AWS::ECR::Repository', {
      ImageTagMutability: decision.mutability,
      ImageTagMutabilityExclusionFilters: decision.exclusionFilters.map((v) => ({
        ImageTagMutabilityExclusionFilterType: 'WILDCARD', ImageTagMutabilityExclusionFilterValue: v,
      })),
    });
    // Semver with moving aliases: full versions are write-once, 1.2 / 1 / latest move.
    expect(decision).toMatchObject({ mutability: 'MUTABLE_WITH_EXCLUSION', exclusionFilters: ['*.*.*'] });
    const strict = build(allowingEnvironmentTagExpiry(richSpec({ tagPolicy: { strategy: 'version-sha' as any, mutableTags: ['latest', 'dev'] } }))).template;
    strict.hasResourceProperties('AWS::ECR::Repository', {
      ImageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
      ImageTagMutabilityExclusionFilters: [
        { ImageTagMutabilityExclusionFilterType: 'WILDCARD', ImageTagMutabilityExclusionFilterValue: 'latest' },
        { ImageTagMutabilityExclusionFilterType: 'WILDCARD', ImageTagMutabilityExclusionFilterValue: 'dev' },
      ],
    });
    build(richSpec({ tagPolicy: { immutable: false } })).template.hasResourceProperties('AWS::ECR::Repository', {
      ImageTagMutability: 'MUTABLE', ImageTagMutabilityExclusionFilters: Match.absent(),
    });
  });

  test('a tag policy ECR cannot express is a clear error', () => {
    const tagPolicy = { strategy: 'git-sha' as any, mutableTags: ['a', 'b', 'c', 'd', 'e', 'f'] };
    expect(() => build(richSpec({ tagPolicy }))).toThrow(/ECR cannot express this tag policy: it lists 6 mutableTags patterns/);
  });

  test('defaults: AES256, RETAIN, scan on push, no EmptyOnDelete', () => {
    const r = byName.get('platform/dev/api');
    expect(r.Properties.EncryptionConfiguration).toEqual({ EncryptionType: 'AES256' });
    expect(r.DeletionPolicy).toBe('Retain');
    expect(r.UpdateReplacePolicy).toBe('Retain');
    expect(r.Properties.ImageScanningConfiguration).toEqual({ ScanOnPush: true });
    expect(r.Properties.EmptyOnDelete).toBeUndefined();
  });

  test('scan mode off: no scan on push', () => {
    const t = build(richSpec({ scanning: { mode: ScanMode.OFF }, repositories: [{ name: 'api' }] })).template;
    t.hasResourceProperties('AWS::ECR::Repository', { ImageScanningConfiguration: { ScanOnPush: false } });
  });

  test('emptyOnDelete needs the explicit DESTROY opt-in', () => {
    expect(() => build(spec, { emptyOnDelete: true })).toThrow(
      /emptyOnDelete: true deletes every image with its repository and needs removalPolicy: RemovalPolicy.DESTROY \(got retain\)/);
    const t = build(richSpec({ repositories: [{ name: 'api' }] }), { emptyOnDelete: true, removalPolicy: RemovalPolicy.DESTROY }).template;
    t.hasResource('AWS::ECR::Repository', { DeletionPolicy: 'Delete', Properties: Match.objectLike({ EmptyOnDelete: true }) });
  });

  test('customer-managed encryption: a key created with rotation and kept', () => {
    const { template } = build(richSpec({ encryption: { type: EncryptionType.CUSTOMER_MANAGED } }));
    template.hasResource('AWS::KMS::Key', { Properties: Match.objectLike({ EnableKeyRotation: true }), DeletionPolicy: 'Retain' });
    template.hasResourceProperties('AWS::ECR::Repository', {
      EncryptionConfiguration: { EncryptionType: 'KMS', KmsKey: { 'Fn::GetAtt': [Match.stringLikeRegexp('^RegistryKey'), 'Arn'] } },
    });
  });

  test('customer-managed encryption with spec.encryption.awsKmsKeyArn, or a key passed in (which wins)', () => {
    const arn = 'arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555';
    const s = richSpec({ encryption: { type: EncryptionType.CUSTOMER_MANAGED, awsKmsKeyArn: arn } });
    const fromSpec = build(s).template;
    fromSpec.resourceCountIs('AWS::KMS::Key', 0);
    fromSpec.hasResourceProperties('AWS::ECR::Repository', { EncryptionConfiguration: { EncryptionType: 'KMS', KmsKey: arn } });

    const app = strictApp();
    const stack = stackIn(app);
    const key = new kms.Key(stack, 'PlatformKey', { enableKeyRotation: true });
    new ContainerRegistry(stack, 'Registry', { spec: s, kmsKey: key });
    Template.fromStack(stack).hasResourceProperties('AWS::ECR::Repository', {
      EncryptionConfiguration: { EncryptionType: 'KMS', KmsKey: { 'Fn::GetAtt': [Match.stringLikeRegexp('^PlatformKey'), 'Arn'] } },
    });
  });

  test('labels become resource tags', () => {
    rich.template.hasResourceProperties('AWS::ECR::Repository', { Tags: [{ Key: 'team', Value: 'platform' }] });
  });
});

describe('ContainerRegistry access', () => {
  test('other accounts pull through repository policies, as account principals, only where the spec grants', () => {
    const prod = byName.get('platform/prod/web').Properties.RepositoryPolicyText.Statement;
    expect(prod).toEqual([{
      Sid: 'PullAccountsruntime',
      Effect: 'Allow',
      Action: EcrActions.PULL,
      Principal: { AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::111122223333:root']] } },
    }]);
    expect(byName.get('platform/dev/web').Properties.RepositoryPolicyText).toBeUndefined();
  });

  test('existing principals get the exact pull actions on the repositories their globs select', () => {
    const api = byName.get('platform/staging/api').Properties.RepositoryPolicyText.Statement;
    expect(api).toEqual([{ Sid: 'PullPrincipalscluster', Effect: 'Allow', Action: EcrActions.PULL, Principal: { AWS: 'arn:aws:iam::123456789012:role/eks-nodes' } }]);
  });

  test('no statement has a * principal; Resource * only with ecr:GetAuthorizationToken', () => {
    const statements = statementsOf(rich.template.toJSON());
    expect(statements.length).toBeGreaterThan(5);
    for (const { where, statement } of statements) {
      expect([where, JSON.stringify(statement.Principal ?? {}).includes('"*"')]).toEqual([where, false]);
      const resources = [statement.Resource ?? []].flat();
      if (resources.includes('*')) expect([where, statement.Action]).toEqual([where, 'ecr:GetAuthorizationToken']);
    }
  });

  describe('grants', () => {
    const app = strictApp();
    const stack = stackIn(app);
    const registry = new ContainerRegistry(stack, 'Registry', { spec: richSpec({ access: undefined }), includeRegistryResources: false });
    const role = (id: string) => new iam.Role(stack, id, { assumedBy: new iam.AccountRootPrincipal() });
    registry.grantPull(role('Puller'));
    registry.grantPush(role('Pusher'), { images: ['api'], environments: ['dev'] });
    registry.grantPullPush(role('Both'), { images: ['jobs/*'] });
    const policies = Template.fromStack(stack).findResources('AWS::IAM::Policy');
    const statementsFor = (id: string) => (Object.entries(policies).find(([k]) => k.startsWith(id))![1] as any).Properties.PolicyDocument.Statement;
    const arn = (name: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:ecr:eu-west-1:123456789012:repository/${name}`]] });

    test('grantPull: exactly the pull actions on the repository ARNs, and GetAuthorizationToken on *', () => {
      const s = statementsFor('Puller');
      expect(s).toEqual([
        { Action: EcrActions.PULL, Effect: 'Allow', Resource: expect.arrayContaining([arn('platform/dev/api'), arn('platform/prod/jobs/worker')]) },
        { Action: 'ecr:GetAuthorizationToken', Effect: 'Allow', Resource: '*' },
      ]);
      expect(s[0].Resource).toHaveLength(9);
      expect(EcrActions.PULL).toEqual(['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchCheckLayerAvailability']);
    });

    test('grantPush with images and environments: exactly the push actions on those repositories', () => {
      expect(statementsFor('Pusher')).toEqual([
        { Action: EcrActions.PUSH, Effect: 'Allow', Resource: arn('platform/dev/api') },
        { Action: 'ecr:GetAuthorizationToken', Effect: 'Allow', Resource: '*' },
      ]);
      expect(EcrActions.PUSH).toEqual(['ecr:InitiateLayerUpload', 'ecr:UploadLayerPart', 'ecr:CompleteLayerUpload', 'ecr:BatchCheckLayerAvailability', 'ecr:PutImage']);
    });

    test('grantPullPush: the union of both, without duplicates', () => {
      const s = statementsFor('Both');
      expect(s[0].Action).toEqual([...EcrActions.PULL, ...EcrActions.PUSH.filter((a) => a !== 'ecr:BatchCheckLayerAvailability')]);
      expect(s[0].Resource).toEqual([arn('platform/dev/jobs/worker'), arn('platform/staging/jobs/worker'), arn('platform/prod/jobs/worker')]);
    });

    test('per repository: repository() returns the ECR repository', () => {
      expect(registry.repository('api', 'prod').repositoryName).toBeDefined();
      expect(() => registry.repository('nope', 'prod')).toThrow(/aws.ContainerRegistry Platform\/Registry: 1 problem\n {2}- image: "nope" \(environment "prod"\) has no repository "platform\/prod\/nope" here/);
    });

    test('grants on unknown images or environments are clear errors', () => {
      expect(() => registry.grantPull(role('X1'), { environments: ['qa'] })).toThrow(/options\.environments: \["qa"\] are not in the chain \(dev, staging, prod\)/);
      expect(() => registry.grantPull(role('X2'), { images: ['nope*'] })).toThrow(/options\.images: \["nope\*"\] match no repository of the spec/);
    });
  });
});

describe('ContainerRegistry validation and warnings', () => {
  test('an invalid spec throws every problem at construction', () => {
    const bad = richSpec({ name: 'Bad_Name', repositories: [{ name: 'API' }], access: undefined });
    expect(() => build(bad)).toThrow(/aws\.ContainerRegistry Platform\/Registry: 2 problems\n {2}- name: "Bad_Name" is not a valid registry name[^]*repositories\[0\]\.name: "API"/);
  });

  test('a retention that could expire the image an environment tag points to is an error, reported with the spec\'s other problems', () => {
    const bad = richSpec({
      name: 'Bad_Name',
      environments: { layout: EnvironmentLayout.TAGS, chain: [{ name: 'dev' }, { name: 'prod' }] },
      retention: { rules: [{ tagState: TagState.ANY, keepMostRecent: 5 }] },
      repositories: [{ name: 'api' }],
      access: undefined,
    });
    expect(() => build(bad)).toThrow(/aws\.ContainerRegistry Platform\/Registry: 3 problems\n {2}- name: "Bad_Name"[^]*retention\.rules\[0\]: "dev" could expire the image the environment tag "dev" points to[^]*retention\.rules\[0\]: "prod"/);
    // Protecting the environment tags (or allowExpiringEnvironmentTags) makes it valid.
    expect(() => build({ ...bad, name: 'platform', retention: { protectedTags: ['dev', 'prod'], rules: [{ tagState: TagState.ANY, keepMostRecent: 5 }] } })).not.toThrow();
  });

  test('repositoryNames must be repositories of the spec', () => {
    expect(() => build(spec, { repositoryNames: ['platform/dev/api', 'platform/qa/api'] }))
      .toThrow(/props\.repositoryNames: \["platform\/qa\/api"\] are not repositories of the spec "platform"/);
  });

  test('a retention policy ECR cannot express is a clear error naming the repository', () => {
    // ECR: "Maximum number of rules: 50" per lifecycle policy; 51 patterns give 51 rules.
    const retention = { rules: [{ tagState: TagState.TAGGED, tagPatterns: Array.from({ length: 51 }, (_, i) => `p${i}-*`), expireAfterDays: 1 }] };
    expect(() => build(richSpec({ retention, repositories: [{ name: 'api' }] }))).toThrow(/ECR repository "platform\/dev\/api"/);
  });

  test('the tags layout warns that IAM cannot tell tags apart', () => {
    const s = allowingEnvironmentTagExpiry(richSpec({
      environments: { layout: EnvironmentLayout.TAGS, chain: [{ name: 'dev' }, { name: 'prod' }] },
      access: { pushers: [{ name: 'ci', github: { repository: 'o/r', branch: 'main' } }] },
    }));
    expect(warningsOf(build(s).stack)).toEqual(expect.arrayContaining([
      expect.stringMatching(/environments.layout "tags": IAM cannot tell tags apart, so every pusher can also move the environment tags \(a CI pusher can retag an image as prod\)\. Use the "repositories" layout/),
    ]));
    expect(warningsOf(rich.stack).join('\n')).not.toMatch(/IAM cannot tell tags apart/);
  });

  test('retention.dryRun: no lifecycle policy is attached, with a warning pointing to the preview', () => {
    const s = richSpec({ repositories: [{ name: 'api' }], retention: { ...richSpec().retention, dryRun: true } });
    const b = build(s);
    b.template.hasResourceProperties('AWS::ECR::Repository', { LifecyclePolicy: Match.absent() });
    expect(warningsOf(b.stack)).toEqual(expect.arrayContaining([
      expect.stringMatching(/retention\.dryRun: ECR has no dry run for lifecycle policies, so no lifecycle policy is attached[^]*aws ecr start-lifecycle-policy-preview/),
    ]));
  });

  test('the translation report warnings are surfaced once, naming the repositories', () => {
    // A rule after an `any` rule is never reached: the translation leaves it out and says so.
    const rules = [{ tagState: TagState.ANY, keepMostRecent: 50 }, { tagState: TagState.UNTAGGED, expireAfterDays: 1 }];
    const s = richSpec({ retention: { rules } });
    const warnings = warningsOf(build(s).stack).filter((w) => /is never reached/.test(w));
    // One warning for all the repositories it concerns (a repository with its own retention keeps its own), one for the cache template.
    expect(warnings).toEqual([
      expect.stringMatching(/^platform\/dev\/api, platform\/dev\/web, .* and 1 more: rules\[1\] is never reached: rules\[0\] \(tagState any\) selects every image before it/),
      expect.stringMatching(/^repositories created under platform\/ecr-public\/: rules\[1\] is never reached/),
    ]);
    expect(warningsOf(rich.stack).join('\n')).not.toMatch(/ECR has no dry run/);
  });

  test('the tag policy decision\'s warnings are surfaced', () => {
    const tagPolicy = { strategy: 'version-sha' as any, semverAliases: false, mutableTags: ['latest', 'dev', 'qa', 'main', 'edge', 'nightly'] };
    const b = build(allowingEnvironmentTagExpiry(richSpec({ tagPolicy, repositories: [{ name: 'api' }] })));
    expect(warningsOf(b.stack)).toEqual(expect.arrayContaining([
      expect.stringMatching(/^every repository: ECR takes at most 5 tag mutability exclusion filters and the policy lists 6 mutable patterns, so the repository uses MUTABLE_WITH_EXCLUSION/),
    ]));
    b.template.hasResourceProperties('AWS::ECR::Repository', { ImageTagMutability: 'MUTABLE_WITH_EXCLUSION' });
  });

  test('a conservative translation is reported with its reason', () => {
    // Two patterns in one keep rule: each pattern keeps its own N (conservative).
    expect(warningsOf(rich.stack)).toEqual(expect.arrayContaining([
      expect.stringMatching(/platform\/dev\/api, platform\/dev\/web, platform\/staging\/api, platform\/staging\/web, platform\/prod\/api and 1 more: the ECR lifecycle policy is conservative \(keeps more than the spec's retention\): rules\[1\]: /),
    ]));
  });

  test('a severity threshold warns that ECR has no gate', () => {
    const b = build(richSpec({ scanning: { severityThreshold: Severity.HIGH } }));
    expect(warningsOf(b.stack)).toEqual(expect.arrayContaining([expect.stringMatching(/scanning\.severityThreshold: ECR has no severity gate of its own/)]));
  });

  test('cross-account replication warns that the destination needs a registry policy', () => {
    const b = build(richSpec({ replication: { replicas: [{ region: 'eu-central-1', awsAccountId: '444455556666' }] } }));
    expect(warningsOf(b.stack)).toEqual(expect.arrayContaining([
      expect.stringMatching(/replication\.replicas\[0\]: cross-account replication into 444455556666 \(eu-central-1\) needs a registry policy there: deploy ReplicationDestinationPolicy/),
    ]));
  });
});

test('snapshot', () => {
  expect(snapshotOf(rich.template)).toMatchSnapshot();
});

test('composes into an existing stack without an explicit environment', () => {
  const app = strictApp();
  const stack = new Stack(app, 'Agnostic');
  new ContainerRegistry(stack, 'Registry', { spec: richSpec({ replication: undefined }) });
  Template.fromStack(stack).resourceCountIs('AWS::ECR::Repository', 9);
  expect(ENV.account).toBe('123456789012');
});

describe('lifecycle policies of random specs delete what the neutral policy deletes (or a subset, when reported conservative)', () => {
  // A few dozen synthesized specs (seeded); thousands of random image sets run on the evaluators, which are fast.
  const TAGS = ['v1', 'v2.0', 'pr-1', 'pr-22', 'prod', 'staging', 'latest', 'release-a', 'x-rc1', 'main-abc'];
  const PATTERNS = ['v*', 'pr-*', 'prod', 'staging', 'latest', 'release-*', '*-rc*', 'main-*', '*'];
  const patternsArb = fc.uniqueArray(fc.constantFrom(...PATTERNS), { minLength: 1, maxLength: 3 });
  const ruleArb = fc.oneof(
    fc.record({ tagState: fc.constant(TagState.UNTAGGED), expireAfterDays: fc.integer({ min: 1, max: 30 }) }),
    fc.record({ tagState: fc.constant(TagState.ANY), keepMostRecent: fc.integer({ min: 1, max: 6 }) }),
    fc.record({ tagState: fc.constant(TagState.TAGGED), tagPatterns: patternsArb, keepMostRecent: fc.integer({ min: 1, max: 6 }) }),
    fc.record({ tagState: fc.constant(TagState.TAGGED), tagPatterns: patternsArb, expireAfterDays: fc.integer({ min: 1, max: 30 }) }),
  );
  const retentionArb = fc.record({
    protectedTags: fc.uniqueArray(fc.constantFrom('prod', 'staging', 'v*', 'release-*'), { maxLength: 2 }),
    rules: fc.array(ruleArb, { minLength: 1, maxLength: 4 }),
    // The property is about the translation; environment-tag safety is checked elsewhere.
    allowExpiringEnvironmentTags: fc.constant(true),
  });
  const specArb = fc.record({
    layout: fc.constantFrom(EnvironmentLayout.TAGS, EnvironmentLayout.REPOSITORIES, EnvironmentLayout.REGISTRIES),
    envs: fc.integer({ min: 1, max: 3 }),
    retention: retentionArb,
    override: fc.option(retentionArb, { nil: undefined }),
  }).map(({ layout, envs, retention, override }): RegistrySpec => ({
    name: 'prop',
    repositories: [{ name: 'api' }, { name: 'jobs/worker', retention: override }],
    environments: { layout, chain: ['dev', 'staging', 'prod'].slice(0, envs).map((name) => ({ name })) },
    retention,
  }));
  const specs = fc.sample(specArb, { seed: 4242, numRuns: 30 });
  const app = strictApp();
  const built: Array<{ spec: RegistrySpec; stack: Stack } | { spec: RegistrySpec; error: string }> = specs.map((s, i) => {
    const stack = new Stack(app, `Prop${i}`, { env: ENV });
    try {
      new ContainerRegistry(stack, 'Registry', { spec: s });
      return { spec: s, stack };
    } catch (e: any) {
      app.node.tryRemoveChild(`Prop${i}`);
      return { spec: s, error: e.message };
    }
  });
  const assembly = app.synth();
  const NOW = new Date('2026-11-26T00:00:00Z');
  const imagesArb = fc.uniqueArray(fc.record({
    digest: fc.integer({ min: 0, max: 1e6 }).map((n) => `sha256:${n.toString(16).padStart(64, '0')}`),
    tags: fc.uniqueArray(fc.constantFrom(...TAGS), { maxLength: 3 }),
    ageHours: fc.integer({ min: 0, max: 24 * 40 }),
  }), { selector: (i) => i.digest, maxLength: 14 });

  test('the random specs synthesize (a failure may only be the translation\'s own error)', () => {
    const failed = built.filter((b): b is { spec: RegistrySpec; error: string } => 'error' in b);
    expect(built.length - failed.length).toBeGreaterThanOrEqual(20);
    for (const f of failed) {
      const repo = EffectiveSpec.repositories(f.spec).find((r) => {
        try {
          EcrLifecycleTranslation.translate(r.retention);
          return false;
        } catch {
          return true;
        }
      });
      expect([f.error, repo]).toEqual([expect.stringMatching(/Cannot translate the retention policy to an ECR lifecycle policy/), expect.anything()]);
    }
  });

  test('EcrLifecycleEvaluator on each synthesized policy expires exactly the neutral expirations (a subset when conservative)', () => {
    let repositories = 0;
    let conservative = 0;
    for (const b of built) {
      if (!('stack' in b)) continue;
      const template = assembly.getStackByName(b.stack.stackName).template;
      for (const r of Object.values(template.Resources) as any[]) {
        if (r.Type !== 'AWS::ECR::Repository') continue;
        const name: string = r.Properties.RepositoryName;
        const image = name.endsWith('jobs/worker') ? b.spec.repositories[1] : b.spec.repositories[0];
        const policy = EffectiveSpec.retention(b.spec, image);
        const translation = EcrLifecycleTranslation.translate(policy, { repositoryName: name });
        // No lifecycle policy when the translation has no text: ECR then deletes nothing.
        const text: string | undefined = r.Properties.LifecyclePolicy?.LifecyclePolicyText;
        expect(text).toBe(translation.policyText);
        const exact = translation.report.fidelity === 'exact';
        repositories++;
        if (!exact) conservative++;
        fc.assert(fc.property(imagesArb, (images) => {
          const pushedAt = (h: number) => new Date(NOW.getTime() - h * 3_600_000);
          const neutral = RetentionEvaluator.evaluate(policy, images.map((i) => ({
            digest: i.digest, tags: i.tags, pushedAt: pushedAt(i.ageHours),
          })), { now: NOW });
          const got = text === undefined ? [] : EcrLifecycleEvaluator.evaluate(text, images.map((i) => ({
            imageDigest: i.digest, imageTags: i.tags, imagePushedAt: pushedAt(i.ageHours),
          })), { now: NOW }).expired.map((e) => e.imageDigest);
          const want = neutral.expired.map((e) => e.digest);
          for (const d of got) expect(want).toContain(d);
          if (exact) expect(got).toEqual(want);
        }), { seed: repositories, numRuns: 60 });
      }
    }
    expect(repositories).toBeGreaterThan(40);
    expect(conservative).toBeGreaterThan(0);
  });
});

describe('the contract: ContainerRegistry, neutral grants, import, prop checks', () => {
  test('EcrRegistry is the same construct under its former name: identical template and logical ids', () => {
    const viaAlias = strictApp();
    const s1 = stackIn(viaAlias);
    const old = new EcrRegistry(s1, 'Registry', { spec });
    expect(old).toBeInstanceOf(ContainerRegistry);
    expect(Template.fromStack(s1).toJSON()).toEqual(rich.template.toJSON());
  });

  describe('grants are idempotent and order-independent', () => {
    const setup = (order: Array<'pull' | 'push' | 'pullDev'>) => {
      const stack = stackIn(strictApp());
      const registry = new ContainerRegistry(stack, 'Registry', { spec: richSpec({ access: undefined }), includeRegistryResources: false });
      const role = new iam.Role(stack, 'Task', { assumedBy: new iam.AccountRootPrincipal() });
      const grants = order.map((k) => (k === 'pull' ? registry.grantPull(role)
        : k === 'push' ? registry.grantPush(role, { images: ['api'], environments: ['dev'] })
          : registry.grantPull(role, { images: ['api', 'web', 'jobs/*'], environments: ['dev', 'staging', 'prod'] })));
      const policy = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy'))[0] as any;
      const sorted = (statements: any[]) => [...statements].map((x) => JSON.stringify(x)).sort();
      return { grants, statements: sorted(policy.Properties.PolicyDocument.Statement), policy };
    };

    test('a repeated grant returns the first one and adds no statement', () => {
      const once = setup(['push']);
      const twice = setup(['push', 'push']);
      expect(twice.grants[1]).toBe(twice.grants[0]);
      expect(twice.statements).toEqual(once.statements);
      // The same repositories named differently (every image and environment) are the same grant.
      const same = setup(['pull', 'pullDev']);
      expect(same.grants[1]).toBe(same.grants[0]);
    });

    test('the order of grants does not change what the policy holds', () => {
      expect(setup(['pull', 'push']).statements).toEqual(setup(['push', 'pull']).statements);
      // Negative control: different grants do differ.
      expect(setup(['pull']).statements).not.toEqual(setup(['push']).statements);
    });
  });

  describe('ContainerRegistry.fromRegistryAttributes', () => {
    const arn = (account: string, region: string, name: string) => ({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:ecr:${region}:${account}:repository/${name}`]],
    });

    test('grants on an existing registry name the spec\'s repository ARNs in its account and region', () => {
      const stack = stackIn(strictApp());
      const existing = ContainerRegistry.fromRegistryAttributes(stack, 'Shared', { spec: richSpec(), account: '444455556666', region: 'us-east-1' });
      const role = new iam.Role(stack, 'Task', { assumedBy: new iam.AccountRootPrincipal() });
      const grant = existing.grantPull(role, { images: ['api'], environments: ['prod'] });
      expect(existing.grantPull(role, { images: ['api'], environments: ['prod'] })).toBe(grant);
      expect(existing.repositoryNamesFor({ images: ['api'], environments: ['prod'] })).toEqual(['platform/prod/api']);
      const policy = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy'))[0] as any;
      expect(policy.Properties.PolicyDocument.Statement).toEqual([
        { Action: EcrActions.PULL, Effect: 'Allow', Resource: arn('444455556666', 'us-east-1', 'platform/prod/api') },
        { Action: 'ecr:GetAuthorizationToken', Effect: 'Allow', Resource: '*' },
      ]);
      expect(Template.fromStack(stack).findResources('AWS::ECR::Repository')).toEqual({});
      expect(existing.registryUri).toMatch(/^444455556666\.dkr\.ecr\.us-east-1\./);
    });

    test('defaults to the stack\'s account and region; a created registry has the same interface', () => {
      const stack = stackIn(strictApp());
      const existing = ContainerRegistry.fromRegistryAttributes(stack, 'Shared', { spec: richSpec() });
      expect(existing.repositoryArnForName('platform/dev/api')).toBe(EcrActions.repositoryArn(stack, 'platform/dev/api'));
      const created: IContainerRegistry = rich.registry;
      expect(created.repositoryArnForName('platform/dev/api')).toBe(EcrActions.repositoryArn(rich.stack, 'platform/dev/api'));
    });

    test('validated: the spec, the account and the region, in one error', () => {
      const stack = stackIn(strictApp());
      expect(() => ContainerRegistry.fromRegistryAttributes(stack, 'Bad', { spec: richSpec({ name: 'Bad_Name' }), account: '123', region: 'Europe' }))
        .toThrow(/^aws\.ContainerRegistry\.fromRegistryAttributes Platform\/Bad: 3 problems\n {2}- name: "Bad_Name"[^]*attrs\.account: "123" is not an AWS account id[^]*attrs\.region: "Europe" is not an AWS region/);
    });
  });

  describe('props given from JavaScript with the wrong shape: a ProblemsError naming the prop, never a TypeError', () => {
    const cases: Array<[string, any, RegExp]> = [
      ['no props', undefined, /- props: is not an object of props/],
      ['props a string', 'platform', /- props: "platform" is not an object of props/],
      ['no spec', {}, /- props\.spec: is required \(a registry spec object\)/],
      ['spec a number', { spec: 42 }, /- props\.spec: 42 is not a registry spec object/],
      ['removalPolicy a number', { spec, removalPolicy: 42 }, /- props\.removalPolicy: 42 is not one of destroy, retain, snapshot, retain-on-update-or-delete/],
      ['emptyOnDelete a string', { spec, emptyOnDelete: 'yes' }, /- props\.emptyOnDelete: "yes" is not a boolean/],
      ['repositoryNames a string', { spec, repositoryNames: 'platform/dev/api' }, /- props\.repositoryNames: "platform\/dev\/api" is not an array of strings/],
      ['repositoryNames with a number', { spec, repositoryNames: [1] }, /- props\.repositoryNames: \[1\] is not an array of strings \(an item is not a string\)/],
      ['managedPoliciesPerRole a string', { spec, managedPoliciesPerRole: '10' }, /- props\.managedPoliciesPerRole: "10" is not a whole number/],
      ['managedPoliciesPerRole NaN (shown as NaN, not null)', { spec, managedPoliciesPerRole: NaN }, /- props\.managedPoliciesPerRole: NaN is not a whole number/],
      ['kmsKey a string', { spec, kmsKey: 'arn:aws:kms:eu-west-1:123456789012:key/x' }, /- props\.kmsKey: "arn:aws:kms[^"]*" is not a KMS key \(kms\.IKey\) \(no keyArn\)/],
      ['registryScanning without scanType', { spec, registryScanning: {} }, /- props\.registryScanning\.scanType: null is not one of BASIC, ENHANCED/],
      // Hostile sweep (nested props): before, a TypeError ("reading 'frequency'", "reading 'match'") or the scanning construct's own later error.
      ['registryScanning.rules with null', { spec, registryScanning: { scanType: 'ENHANCED', rules: [null] } },
        /- props\.registryScanning\.rules\[0\]: null is not a scanning rule \(\{ frequency, repositoryFilters \}\)/],
      ['registryScanning.rules[0].frequency unknown', { spec, registryScanning: { scanType: 'ENHANCED', rules: [{ frequency: 'DAILY', repositoryFilters: ['platform/*'] }] } },
        /: 1 problem\n {2}- props\.registryScanning\.rules\[0\]\.frequency: "DAILY" is not one of SCAN_ON_PUSH, CONTINUOUS_SCAN$/],
      ['registryScanning.rules[0].repositoryFilters a string', { spec, registryScanning: { scanType: 'ENHANCED', rules: [{ frequency: 'SCAN_ON_PUSH', repositoryFilters: 'platform/*' }] } },
        /- props\.registryScanning\.rules\[0\]\.repositoryFilters: "platform\/\*" is not an array of repository filters/],
      ['registryScanning BASIC with a CONTINUOUS_SCAN rule', { spec, registryScanning: { scanType: 'BASIC', rules: [{ frequency: 'CONTINUOUS_SCAN', repositoryFilters: ['platform/*'] }] } },
        /- props\.registryScanning\.rules\[0\]\.frequency: "CONTINUOUS_SCAN" needs scanType ENHANCED/],
      ['privateNetwork.subnets a string', { spec: { ...spec, network: { privateAccess: true } }, privateNetwork: { vpc: { vpcId: 'vpc-1' }, subnets: 'private' } },
        /- props\.privateNetwork\.subnets: "private" is not a subnet selection \(ec2\.SubnetSelection\)/],
    ];
    test.each(cases)('%s', (_name, props, message) => {
      const stack = stackIn(strictApp());
      let error: unknown;
      try {
        new ContainerRegistry(stack, 'Registry', props);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ProblemsError);
      expect((error as Error).message).toMatch(/^aws\.ContainerRegistry Platform\/Registry: \d+ problems?\n/);
      expect((error as Error).message).toMatch(message);
    });

    test('negative control: well-formed scanning rules and subnets are accepted and synthesized as given', () => {
      const stack = stackIn(strictApp());
      new ContainerRegistry(stack, 'Registry', { spec, registryScanning: { scanType: 'ENHANCED' as any, rules: [{ frequency: 'SCAN_ON_PUSH' as any, repositoryFilters: ['platform/*'] }] } });
      Template.fromStack(stack).hasResourceProperties('AWS::ECR::RegistryScanningConfiguration', {
        ScanType: 'ENHANCED', Rules: [{ ScanFrequency: 'SCAN_ON_PUSH', RepositoryFilters: [{ Filter: 'platform/*', FilterType: 'WILDCARD' }] }],
      });
    });

    test('EcrRegistryStacks checks the same scanning rules in its one error', () => {
      expect(() => EcrRegistryStacks.create(new App(), { spec, env: ENV, stackCount: 1, registryScanning: { scanType: 'ENHANCED', rules: [null] } as any }))
        .toThrow(/^aws\.EcrRegistryStacks <app>: 1 problem\n {2}- props\.registryScanning\.rules\[0\]: null is not a scanning rule/);
    });

    test('a bad prop and a bad spec are reported together, the spec first', () => {
      const stack = stackIn(strictApp());
      expect(() => new ContainerRegistry(stack, 'Registry', { spec: richSpec({ name: 'Bad_Name' }), emptyOnDelete: 'yes' as any }))
        .toThrow(/: 2 problems\n {2}- name: "Bad_Name"[^\n]*\n {2}- props\.emptyOnDelete: "yes" is not a boolean/);
    });

    test('grants: a grantee without grantPrincipal and options of the wrong shape', () => {
      expect(() => rich.registry.grantPull({} as any)).toThrow(/- grantee: "object with keys none" is not a grantable \(iam\.IGrantable\) \(no grantPrincipal\)/);
      const role = new iam.Role(rich.stack, 'ShapeRole', { assumedBy: new iam.AccountRootPrincipal() });
      expect(() => rich.registry.grantPull(role, { images: 'api' as any })).toThrow(/- options\.images: "api" is not an array of strings/);
    });
  });
});

describe('what the spec names, against the stack\'s region and partition (hostile sweep: keys, principals and replicas elsewhere)', () => {
  const KEY = (region: string, partition = 'aws') => `arn:${partition}:kms:${region}:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
  const errorOf = (s: any, env = ENV, props: Partial<ContainerRegistryProps> = {}) => {
    try {
      new ContainerRegistry(new Stack(new App(), 'P', { env }), 'Registry', { spec: s, ...props });
      return undefined;
    } catch (e) {
      return (e as Error).message;
    }
  };
  const cmk = (arn: string) => richSpec({ encryption: { type: 'customer-managed' as any, awsKmsKeyArn: arn } });

  test.each<[string, any, RegExp]>([
    // ECR API reference (EncryptionConfigurationForRepositoryCreationTemplate.kmsKey): "The key must exist in the same Region as the repository."
    ['a key of another region', cmk(KEY('us-east-1')), /- encryption\.awsKmsKeyArn: "arn:aws:kms:us-east-1:[^"]*" is a key of us-east-1 \(partition aws\), but the repositories are in eu-west-1 \(partition aws\)/],
    ['a key of another partition', cmk(KEY('cn-north-1', 'aws-cn')), /- encryption\.awsKmsKeyArn: [^\n]* is a key of cn-north-1 \(partition aws-cn\)/],
    ['a puller of another partition', richSpec({ access: { pullers: [{ name: 'gov', awsPrincipalArns: ['arn:aws-us-gov:iam::111122223333:role/r'] }] } }),
      /- access\.pullers\[0\]\.awsPrincipalArns\[0\]: "arn:aws-us-gov:iam::111122223333:role\/r" is a principal of partition aws-us-gov; the registry is in eu-west-1 \(partition aws\)/],
    ['a pull-time exclusion of another partition', richSpec({ retention: { ...richSpec().retention, awsPullTimeExclusionArns: ['arn:aws-cn:iam::111122223333:role/scanner'] } }),
      /- retention\.awsPullTimeExclusionArns\[0\]: "arn:aws-cn:iam::111122223333:role\/scanner" is a principal of partition aws-cn/],
    ['a replica in another partition', richSpec({ replication: { replicas: [{ region: 'cn-northwest-1' }] } }),
      /- replication\.replicas\[0\]\.region: "cn-northwest-1" is in partition aws-cn; ECR replicates only to regions of the registry's partition \(aws/],
    // Before: the replication construct's own error, after the registry's (a second heading).
    ['a replica that is the registry itself', richSpec({ replication: { replicas: [{ region: 'eu-west-1' }] } }),
      /^aws\.ContainerRegistry P\/Registry: 1 problem\n {2}- replication\.replicas\[0\]\.region: "eu-west-1" in account 123456789012 is the registry itself/],
  ])('%s is a problem of the construct\'s one error', (_, s, message) => {
    expect(EcrValidator.problems(s)).toEqual([]); // the validator cannot know the stack's region: the construct checks it
    expect(errorOf(s)).toMatch(message);
  });

  test('a kmsKey prop of another region is named as the prop', () => {
    const stack = new Stack(new App(), 'P', { env: ENV });
    const key = kms.Key.fromKeyArn(stack, 'K', KEY('ap-south-1'));
    expect(() => new ContainerRegistry(stack, 'Registry', { spec: richSpec(), kmsKey: key })).toThrow(/- props\.kmsKey: "arn:aws:kms:ap-south-1:[^"]*" is a key of ap-south-1/);
  });

  test('negative controls: the same things in the registry\'s region and partition, another account\'s replica in the same region, and a region-agnostic stack', () => {
    expect(errorOf(cmk(KEY('eu-west-1')))).toBeUndefined();
    expect(errorOf(richSpec({ replication: { replicas: [{ region: 'eu-west-1', awsAccountId: '444455556666' }, { region: 'us-east-1' }] } }))).toBeUndefined();
    const china = { account: '123456789012', region: 'cn-north-1' };
    expect(errorOf({
      ...cmk(KEY('cn-north-1', 'aws-cn')),
      replication: { replicas: [{ region: 'cn-northwest-1' }] },
      access: { pullers: [{ name: 'cn', awsPrincipalArns: ['arn:aws-cn:iam::111122223333:role/r'] }] },
    }, china)).toBeUndefined();
    const agnostic = new Stack(new App(), 'Agnostic');
    expect(() => new ContainerRegistry(agnostic, 'Registry', { spec: cmk(KEY('us-east-1')) })).not.toThrow();
  });
});
