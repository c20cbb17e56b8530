import { readFileSync } from 'fs';
import { join } from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as fc from 'fast-check';
import { ENV, strictApp } from './helpers';
import { spec as azureExample } from '../../examples/azure/spec';
import { spec as gcpExample } from '../../examples/gcp/spec';
import { ContainerRegistry, EcrRegistryStacks, EcrValidator } from '../../src/aws';
import { RetentionTagCheck } from '../../src/retention/environment-tag-check';
import {
  EnvironmentLayout, RegistrySpec, SpecLoader, SpecProblem, SpecValidator, TagState, TagStrategy, UpstreamRegistry, Cloud,
} from '../../src/spec';
import { Problems, ProblemsError } from '../../src/spec/problems';

/** Synthesizes the spec with a default ContainerRegistry; the error message, or undefined when it synthesizes. */
function synthError(spec: RegistrySpec, env = ENV): string | undefined {
  const app = strictApp();
  try {
    new ContainerRegistry(new Stack(app, 'S', { env }), 'Registry', { spec });
    app.synth();
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

/**
 * Synthesis with the validator switched off: what the parts of ContainerRegistry and
 * EcrRegistryStacks (translations, tag decisions, replication, scanning, role layouts) raise on their own.
 */
function partsError(spec: RegistrySpec): string | undefined {
  const spy = jest.spyOn(EcrValidator, 'problems').mockReturnValue([]);
  try {
    const app = new App();
    new ContainerRegistry(new Stack(app, 'S', { env: ENV }), 'Registry', { spec });
    EcrRegistryStacks.create(new App(), { spec, env: ENV, stackCount: 1 });
    return undefined;
  } catch (e) {
    return (e as Error).message;
  } finally {
    spy.mockRestore();
  }
}

const MUTABLE = ['latest', 'dev', 'staging', 'prod', 'main', 'edge', 'nightly', 'feature-*'];

const specArb = fc.record({
  name: fc.constantFrom('platform', 'platform-registry-team'),
  layout: fc.constantFrom(EnvironmentLayout.TAGS, EnvironmentLayout.REPOSITORIES, EnvironmentLayout.REGISTRIES),
  envs: fc.integer({ min: 1, max: 3 }),
  strategy: fc.constantFrom(TagStrategy.SEMVER, TagStrategy.VERSION_SHA, TagStrategy.GIT_SHA),
  semverAliases: fc.boolean(),
  mutable: fc.integer({ min: 0, max: 7 }),
  overrideTags: fc.boolean(),
  patterns: fc.constantFrom(1, 2, 30, 49, 51),
  dryRun: fc.boolean(),
  protect: fc.boolean(),
  caches: fc.constantFrom('none', 'ecr-public', 'docker-hub-secret', 'docker-hub-no-secret'),
  replicas: fc.constantFrom(0, 1, 10, 11),
  crossAccount: fc.constantFrom('none', 'selects', 'selects-nothing'),
  continuous: fc.boolean(),
  trust: fc.constantFrom('branch', 'environment', 'tag-glob', 'none'),
}).map((g): RegistrySpec => {
  const chain = ['dev', 'staging', 'prod'].slice(0, g.envs).map((name) => ({ name }));
  const tagPolicy = { strategy: g.strategy, semverAliases: g.semverAliases, mutableTags: MUTABLE.slice(0, g.mutable) };
  return {
    version: 1,
    name: g.name,
    repositories: [
      { name: 'api', scanning: g.continuous ? { mode: 'continuous' as any } : undefined },
      { name: 'jobs/worker', tagPolicy: g.overrideTags ? { strategy: TagStrategy.VERSION_SHA, mutableTags: ['latest'] } : undefined },
    ],
    environments: { layout: g.layout, chain },
    tagPolicy,
    retention: {
      protectedTags: g.protect ? ['dev', 'staging', 'prod', 'v*'] : [],
      dryRun: g.dryRun,
      rules: [
        { tagState: TagState.UNTAGGED, expireAfterDays: 7 },
        { tagState: TagState.TAGGED, tagPatterns: Array.from({ length: g.patterns }, (_, i) => `pr${i}-*`), keepMostRecent: 5 },
      ],
    },
    upstreamCaches: g.caches === 'none' ? undefined : [g.caches === 'ecr-public'
      ? { name: 'ecr-public', upstream: UpstreamRegistry.ECR_PUBLIC }
      : { name: 'hub', upstream: UpstreamRegistry.DOCKER_HUB, awsSecretName: g.caches === 'docker-hub-secret' ? 'ecr-pullthroughcache/hub' : undefined }],
    replication: g.replicas === 0 && g.crossAccount === 'none' ? undefined : {
      replicas: [
        ...Array.from({ length: g.replicas }, (_, i) => ({ region: 'us-east-1', repositoryPrefixes: [`${g.name}/p${i}`] })),
        ...(g.crossAccount === 'none' ? [] : [{
          // Inside the spec's namespace (`<name>/`, or `<name>-dev/` with the registries layout): all of it, or nothing.
          region: 'eu-central-1',
          awsAccountId: '444455556666',
          repositoryPrefixes: [`${g.name}${g.layout === EnvironmentLayout.REGISTRIES ? '-dev' : ''}/${g.crossAccount === 'selects' ? '' : 'nothing/'}`],
        }]),
      ],
    },
    access: g.trust === 'none' ? undefined : {
      pushers: [{
        name: 'ci',
        github: g.trust === 'branch' ? { repository: 'o/r', branch: 'main' }
          : g.trust === 'environment' ? { repository: 'o/r', environment: 'build' } : { repository: 'o/r', tag: 'v*' },
      }],
    },
  };
});

const neutral = (spec: RegistrySpec): SpecProblem[] =>
  [...SpecValidator.validate(spec, { clouds: [Cloud.AWS] }).problems, ...RetentionTagCheck.check(spec)];

describe('EcrValidator.problems is empty exactly when ContainerRegistry synthesizes (default props)', () => {
  const specs = fc.sample(specArb, { seed: 1515, numRuns: 160 });
  const outcomes = specs.map((spec) => ({ spec, problems: EcrValidator.problems(spec), error: synthError(spec) }));

  test('generated specs: valid ones synthesize (strict schema validation), invalid ones fail with the validator\'s problems', () => {
    for (const o of outcomes) {
      expect([o.spec.name, o.problems.length === 0]).toEqual([o.spec.name, o.error === undefined]);
      if (o.error) {
        expect(o.error).toMatch(/^aws\.ContainerRegistry S\/Registry: \d+ problems?\n/);
        for (const p of o.problems) expect(o.error).toContain(p.message);
      }
    }
  });

  test('the validator is not stricter than the construct\'s parts: with it switched off, they fail exactly on the specs it refuses', () => {
    let compared = 0;
    for (const o of outcomes) {
      if (neutral(o.spec).length > 0) continue;
      compared++;
      const paths = o.problems.map((p) => p.path);
      expect([paths, partsError(o.spec) !== undefined]).toEqual([paths, o.problems.length > 0]);
    }
    expect(compared).toBeGreaterThan(30);
  });

  test('the generators produced every class of problem, and valid specs', () => {
    const classes: Array<[string, RegExp]> = [
      ['lifecycle: more than 50 ECR rules', /ECR allows 50/],
      ['tag decision: git-sha with more than 5 mutable patterns', /ECR cannot express this tag policy/],
      ['replication: more than 10 rules', /distinct prefix sets need as many rules/],
      ['cross-account replica selecting nothing', /select no repository of the spec/],
      ['cache prefix over 30 characters', /longer than 30 characters/],
      ['cache without its secret', /is required on AWS for upstream "docker-hub"/],
      ['environment tag expiry', /could expire the image the environment tag/],
    ];
    const messages = outcomes.map((o) => o.problems.map((p) => p.message).join('\n'));
    for (const [what, re] of classes) expect([what, messages.filter((m) => re.test(m)).length]).toEqual([what, expect.any(Number)]);
    for (const [what, re] of classes) expect([what, messages.some((m) => re.test(m))]).toEqual([what, true]);
    expect(outcomes.filter((o) => o.problems.length === 0).length).toBeGreaterThanOrEqual(10);
    // The cache template translates even a dryRun policy: a dry-run registry retention of 51 patterns with a cache fails.
    expect(outcomes.some((o) => o.spec.retention?.dryRun && o.spec.upstreamCaches && /ECR allows 50/.test(o.problems.map((p) => p.message).join()))).toBe(true);
  });

  test('negative control: a validator that misses the tag decision would break the equivalence', () => {
    const spec = specs.find((s) => EcrValidator.problems(s).some((p) => /ECR cannot express this tag policy/.test(p.message)) && neutral(s).length === 0)!;
    expect(spec).toBeDefined();
    expect(partsError(spec)).toMatch(/ECR cannot express this tag policy/);
  });
});

describe('every example spec: the validator and synthesis agree', () => {
  const root = join(__dirname, '../..');
  const files = ['examples/aws/registry.yaml', 'examples/composition/registry.yaml', 'examples/multi-cloud/platform.yaml',
    'examples/promotion/registry.yaml', 'examples/spec-only/registry.yaml'];
  const fromModules = [gcpExample, azureExample];
  const specs: Array<[string, RegistrySpec]> = [
    ...files.map((f): [string, RegistrySpec] => [f, SpecLoader.load(readFileSync(join(root, f), 'utf8'), { sourceName: f }).spec!]),
    ['examples/gcp/spec.ts', fromModules[0]], ['examples/azure/spec.ts', fromModules[1]],
  ];
  test.each(specs)('%s', (_file, spec) => {
    expect(spec).toBeDefined();
    const problems = EcrValidator.problems(spec);
    expect(problems.length === 0).toBe(synthError(spec) === undefined);
  });
  test('the AWS examples are valid for AWS', () => {
    expect(EcrValidator.problems(specs[0][1])).toEqual([]);
    expect(EcrValidator.problems(specs[1][1])).toEqual([]);
  });
});

describe('EcrValidator options and problems', () => {
  const base: RegistrySpec = { version: 1, name: 'platform', repositories: [{ name: 'api' }] };
  test('a spec with a bad name and a bad retention reports both, in one list', () => {
    const spec: RegistrySpec = {
      ...base,
      name: 'Bad_Name',
      environments: { layout: EnvironmentLayout.TAGS, chain: [{ name: 'dev' }] },
      retention: { rules: [{ tagState: TagState.ANY, keepMostRecent: 1 }] },
    };
    expect(EcrValidator.problems(spec).map((p) => p.path)).toEqual(['name', 'retention.rules[0]']);
  });
  test('managedPoliciesPerRole out of range is a problem; allowPrefixGrants: false can refuse a large role', () => {
    expect(EcrValidator.problems(base, { managedPoliciesPerRole: 21 })).toEqual([
      expect.objectContaining({ path: 'managedPoliciesPerRole', value: '21' }),
    ]);
    const many: RegistrySpec = {
      ...base,
      repositories: Array.from({ length: 1000 }, (_, i) => ({ name: `image-${i}` })),
      access: { pushers: [{ name: 'ci', github: { repository: 'o/r', branch: 'main' } }] },
    };
    expect(EcrValidator.problems(many)).toEqual([]);
    expect(EcrValidator.problems(many, { allowPrefixGrants: false })).toEqual([
      expect.objectContaining({ path: 'access (identity "ci")', message: expect.stringMatching(/more than IAM can hold as exact repository ARNs/) }),
    ]);
  });
  test('the result is a copy: changing it does not change the next answer', () => {
    const bad = { ...base, name: 'X' };
    const first = EcrValidator.problems(bad);
    first.length = 0;
    expect(EcrValidator.problems(bad).length).toBeGreaterThan(0);
  });
  test('a spec changed in place is validated again (the memo keys on its content too)', () => {
    const spec: RegistrySpec = { ...base, repositories: [{ name: 'api' }] };
    expect(EcrValidator.problems(spec)).toEqual([]);
    (spec as any).name = 'Bad_Name';
    expect(EcrValidator.problems(spec).map((p) => p.path)).toEqual(['name']);
  });

  test('includeRegistryResources: false leaves out the checks of the registry-wide resources it does not build', () => {
    const spec: RegistrySpec = { ...base, replication: { replicas: Array.from({ length: 11 }, (_, i) => ({ region: 'us-east-1', repositoryPrefixes: [`platform/p${i}`] })) } };
    expect(EcrValidator.problems(spec).map((p) => p.path)).toEqual(['replication.replicas']);
    expect(EcrValidator.problems(spec, { includeRegistryResources: false })).toEqual([]);
  });

  test('ProblemsError carries the problems', () => {
    try {
      new ContainerRegistry(new Stack(new App(), 'S'), 'Registry', { spec: { ...base, name: 'X' } });
      throw new Error('not thrown');
    } catch (e) {
      expect(e).toBeInstanceOf(ProblemsError);
      expect((e as ProblemsError).problems).toEqual(EcrValidator.problems({ ...base, name: 'X' }));
    }
  });
});

describe('labels become tags of every AWS resource: AWS\'s tag rules (hostile sweep; before, a CloudFormation schema failure at synth or a deploy failure)', () => {
  const base = SpecLoader.fromFile(join(__dirname, '../../examples/aws/registry.yaml'));
  const many = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, 'v']));
  // AWS tagging rules ("Tag restrictions": 50 per resource, the characters, the reserved aws: prefix); the CloudFormation schemas
  // aws-cdk-lib validates against (AWS::ECR::Repository Key at most 127, Value at most 255; some resources refuse an empty value).
  test.each<[string, { [k: string]: string }, string]>([
    ['51 labels', many(51), 'labels: 51 labels become tags of every AWS resource, and AWS takes at most 50 tags per resource'],
    ['a key of 128 characters', { ['k'.repeat(128)]: 'v' }, `labels.${'k'.repeat(128)}: "${'k'.repeat(76)}... is not an AWS tag key (1-127 letters, digits, spaces and + - = . _ : / @)`],
    ['a value of 256 characters', { team: 'v'.repeat(256) }, `labels.team: "${'v'.repeat(76)}... is not an AWS tag value (1-255 letters, digits, spaces and + - = . _ : / @)`],
    ['an empty value', { team: '' }, 'labels.team: "" is not an AWS tag value (1-255 letters, digits, spaces and + - = . _ : / @)'],
    ['a character outside the set', { 'team<x>': 'a' }, 'labels.team<x>: "team<x>" is not an AWS tag key (1-127 letters, digits, spaces and + - = . _ : / @)'],
    ['the reserved prefix in a key', { 'AWS:team': 'a' }, 'labels.AWS:team: "AWS:team" starts with "aws:", a prefix AWS reserves for its own tags'],
    ['the reserved prefix in a value', { team: 'aws:shop' }, 'labels.team: "aws:shop" starts with "aws:", a prefix AWS reserves for its own tags'],
  ])('%s: the validator refuses it, and so does synthesis', (_, labels, line) => {
    const spec = { ...base, labels };
    expect(EcrValidator.problems(spec).map((p) => Problems._line(p))).toEqual([line]);
    expect(synthError(spec)).toContain(line);
  });

  test('negative control: 50 labels at the limits, with spaces and the allowed symbols, synthesize (strict schema validation)', () => {
    const spec = { ...base, labels: { ...many(48), ['k'.repeat(127)]: 'v'.repeat(255), 'cost center': 'team a/b=c+d@e:f_g.h-i' } };
    expect(EcrValidator.problems(spec)).toEqual([]);
    expect(synthError(spec)).toBeUndefined();
  });
});
