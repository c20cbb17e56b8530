import * as fc from 'fast-check';
import { EffectiveSpec, EffectiveTagPolicy, EnvironmentLayout, TagStrategy } from '../../src/spec';
import { BuildTags, EcrTagMutability, TagPolicyDecision } from '../../src/tagging';

const policy = (p: Partial<EffectiveTagPolicy> = {}): EffectiveTagPolicy => ({
  immutable: true,
  mutableTags: ['latest'],
  strategy: TagStrategy.SEMVER,
  semverAliases: true,
  ...p,
});

describe('TagPolicyDecision.ecr', () => {
  // ECR API, ImageTagMutabilityExclusionFilter: filter "Pattern: ^[0-9a-zA-Z._*-]{1,128}$", filterType "Valid Values: WILDCARD";
  // PutImageTagMutability: imageTagMutabilityExclusionFilters "Minimum number of 1 item. Maximum number of 5 items."
  test('semver with aliases: MUTABLE_WITH_EXCLUSION, *.*.* write-once; 1.2, 1, latest and environment tags move', () => {
    const d = TagPolicyDecision.ecr(policy({ mutableTags: ['latest', 'dev', 'staging', 'prod'] }));
    expect(d).toEqual({
      mutability: EcrTagMutability.MUTABLE_WITH_EXCLUSION,
      exclusionFilters: ['*.*.*'],
      // Said, not silent: tags that are not versions (an unversioned build's short sha) stay overwritable.
      warnings: [expect.stringMatching(/^semver aliases \(1\.2, 1\) move, .* tags without two dots \(the short-sha build tag of an unversioned build, branch tags\) can be overwritten on ECR/)],
    });
    expect(TagPolicyDecision.ecrAllowsOverwrite(d, 'abc1234')).toBe(true);
    for (const tag of ['1.2.3', '1.2.3-abc1234', '2.0.0-rc.1', '2.0.0-rc.1-abc1234']) expect(TagPolicyDecision.ecrAllowsOverwrite(d, tag)).toBe(false);
    for (const tag of ['1.2', '1', 'latest', 'dev', 'prod']) expect(TagPolicyDecision.ecrAllowsOverwrite(d, tag)).toBe(true);
  });

  test('no aliases: IMMUTABLE_WITH_EXCLUSION with the mutable patterns (exact), or IMMUTABLE when none', () => {
    expect(TagPolicyDecision.ecr(policy({ strategy: TagStrategy.VERSION_SHA, semverAliases: false, mutableTags: ['latest', 'prod'] })))
      .toEqual({ mutability: EcrTagMutability.IMMUTABLE_WITH_EXCLUSION, exclusionFilters: ['latest', 'prod'], warnings: [] });
    expect(TagPolicyDecision.ecr(policy({ strategy: TagStrategy.GIT_SHA, semverAliases: false, mutableTags: [] })))
      .toEqual({ mutability: EcrTagMutability.IMMUTABLE, exclusionFilters: [], warnings: [] });
    expect(TagPolicyDecision.ecr(policy({ semverAliases: false, mutableTags: ['latest', 'latest'] })).exclusionFilters).toEqual(['latest']);
  });

  test('immutable: false, or a mutable pattern of * alone: MUTABLE', () => {
    expect(TagPolicyDecision.ecr(policy({ immutable: false }))).toEqual({ mutability: EcrTagMutability.MUTABLE, exclusionFilters: [], warnings: [] });
    expect(TagPolicyDecision.ecr(policy({ mutableTags: ['*'] })).mutability).toBe(EcrTagMutability.MUTABLE);
  });

  test('more than 5 mutable patterns: version-sha falls back to *.*.* with a warning; git-sha cannot be expressed', () => {
    const many = ['latest', 'dev', 'qa', 'staging', 'preprod', 'prod'];
    const d = TagPolicyDecision.ecr(policy({ strategy: TagStrategy.VERSION_SHA, semverAliases: false, mutableTags: many }));
    expect(d.mutability).toBe(EcrTagMutability.MUTABLE_WITH_EXCLUSION);
    expect(d.exclusionFilters).toEqual(['*.*.*']);
    expect(d.warnings).toEqual([expect.stringMatching(/^ECR takes at most 5 tag mutability exclusion filters and the policy lists 6 mutable patterns/)]);
    expect(() => TagPolicyDecision.ecr(policy({ strategy: TagStrategy.GIT_SHA, semverAliases: false, mutableTags: many })))
      .toThrow(/^ECR cannot express this tag policy: it lists 6 mutableTags patterns \(latest, dev, qa, staging, preprod, prod\), and ECR takes at most 5.*Merge the patterns/);
  });

  test('a mutable pattern that matches versions is write-once on ECR, with a warning', () => {
    const d = TagPolicyDecision.ecr(policy({ mutableTags: ['latest', 'v*', 'feature-*'] }));
    expect(d.exclusionFilters).toEqual(['*.*.*']);
    expect(d.warnings).toEqual([
      expect.stringMatching(/^semver aliases \(1\.2, 1\) move/),
      expect.stringMatching(/^mutableTags pattern "v\*" matches version tags such as "v1\.1\.1", which the ECR filter \*\.\*\.\* keeps write-once/),
    ]);
  });

  test('a pattern ECR cannot take as a filter is a clear error', () => {
    expect(() => TagPolicyDecision.ecr(policy({ mutableTags: ['latest', 'a b', ''] })))
      .toThrow(/^ECR cannot use these mutableTags patterns as tag mutability exclusion filters: "a b", "" \(a filter is 1 to 128 characters/);
  });
});

describe('TagPolicyDecision.gar', () => {
  // Artifact Registry API, DockerRepositoryConfig.immutable_tags: "The repository which enabled this flag prevents
  // all tags from being modified, moved or deleted. This does not prevent tags from being created."
  test('immutable with moving tags: immutable_tags = true (safe side) and a warning naming the tags that cannot move', () => {
    const d = TagPolicyDecision.gar(policy({ mutableTags: ['latest', 'prod'] }));
    expect(d.immutableTags).toBe(true);
    expect(d.warnings).toHaveLength(1);
    expect(d.warnings[0]).toMatch(/^Artifact Registry's immutable_tags is all or nothing .* letting the 1\.2 \/ 1 aliases, "latest", "prod" move\. The repository gets immutable_tags = true/);
    expect(d.warnings[0]).toMatch(/set tagPolicy\.immutable to false for these repositories/);
  });

  test('exact cases carry no warning', () => {
    expect(TagPolicyDecision.gar(policy({ immutable: false }))).toEqual({ immutableTags: false, warnings: [] });
    expect(TagPolicyDecision.gar(policy({ mutableTags: ['*'] }))).toEqual({ immutableTags: false, warnings: [] });
    expect(TagPolicyDecision.gar(policy({ strategy: TagStrategy.GIT_SHA, semverAliases: false, mutableTags: [] })))
      .toEqual({ immutableTags: true, warnings: [] });
  });
});

describe('TagPolicyDecision.acr', () => {
  // Azure docs, "Lock a container image in an Azure container registry": "az acr repository update
  // --name myregistry --image myrepo:tag --write-enabled false".
  test('immutability asked: a warning naming the data-plane lock', () => {
    const d = TagPolicyDecision.acr(policy());
    expect(d.warnings).toEqual([expect.stringMatching(/^Azure Container Registry has no tag immutability setting in Terraform/)]);
    expect(d.warnings[0]).toContain('az acr repository update --name <registry> --image <repository>:<tag> --write-enabled false');
    expect(d.warnings[0]).toMatch(/leave the 1\.2 \/ 1 aliases, "latest" unlocked/);
  });
  test('mutable tags: nothing to say', () => {
    expect(TagPolicyDecision.acr(policy({ immutable: false }))).toEqual({ warnings: [] });
  });
});

describe('TagPolicyDecision.isMutable (the spec meaning)', () => {
  test('mutable patterns and, with semver aliases, 1.2 / 1 move; everything else is write-once', () => {
    const p = policy({ mutableTags: ['latest', 'feature-*'] });
    expect(['latest', 'feature-x', '1.2', '1'].map((t) => TagPolicyDecision.isMutable(p, t))).toEqual([true, true, true, true]);
    expect(['1.2.3', 'abc1234', 'prod'].map((t) => TagPolicyDecision.isMutable(p, t))).toEqual([false, false, false]);
    expect(TagPolicyDecision.isMutable(policy({ semverAliases: false }), '1.2')).toBe(false);
    expect(TagPolicyDecision.isMutable(policy({ immutable: false }), '1.2.3')).toBe(true);
  });
});

// Property: for every tag a build and its promotions produce, under a policy built from a
// spec (default mutable tags: latest and, with the tags layout, the environments), ECR's
// native setting lets the tag move exactly when the build says it moves (write-once
// release tags, moving aliases, environment and listed branch tags).
describe('ECR decision property', () => {
  test('ECR lets exactly the moving tags of a build move', () => {
    const envs = ['dev', 'qa', 'staging', 'preprod', 'prod', 'dr'];
    const arb = fc.record({
      strategy: fc.constantFrom(...Object.values(TagStrategy)),
      semverAliases: fc.option(fc.boolean()),
      chain: fc.integer({ min: 0, max: 6 }),
      version: fc.tuple(fc.nat(20), fc.nat(20), fc.nat(20), fc.option(fc.constantFrom('-rc.1', '-beta.2', '+b.7'), { freq: 3 })),
      sha: fc.stringMatching(/^[0-9a-f]{7,40}$/),
      existing: fc.array(fc.tuple(fc.nat(20), fc.nat(20), fc.nat(20)), { maxLength: 6 }),
      branch: fc.option(fc.stringMatching(/^[a-z]{1,8}$/)),
    });
    fc.assert(fc.property(arb, (a) => {
      const chain = envs.slice(0, a.chain).map((name) => ({ name }));
      const spec = {
        name: 'platform',
        repositories: [{ name: 'api' }],
        environments: chain.length ? { chain, layout: EnvironmentLayout.TAGS } : undefined,
        tagPolicy: { strategy: a.strategy, semverAliases: a.semverAliases ?? undefined },
      };
      const base = EffectiveSpec.tagPolicy(spec);
      // Branch tags are listed as mutable as a pattern, as the BuildTagsInput docs ask.
      const effective = { ...base, mutableTags: a.branch ? [...base.mutableTags, 'feature-*'] : base.mutableTags };
      let decision;
      try {
        decision = TagPolicyDecision.ecr(effective);
      } catch (e: any) {
        // Only the git-sha strategy with more than 5 mutable patterns is inexpressible.
        expect(a.strategy).toBe(TagStrategy.GIT_SHA);
        expect(effective.mutableTags.length).toBeGreaterThan(5);
        expect(e.message).toMatch(/^ECR cannot express this tag policy/);
        return;
      }
      const [ma, mi, pa, suffix] = a.version;
      const set = BuildTags.compute({
        gitSha: a.sha,
        version: `${ma}.${mi}.${pa}${suffix ?? ''}`,
        strategy: a.strategy,
        semverAliases: effective.semverAliases,
        existingVersions: a.existing.map(([x, y, z]) => `${x}.${y}.${z}`),
        branch: a.branch ? `feature/${a.branch}` : undefined,
      });
      const tags = [...set.tags, ...chain.map((e) => BuildTags.environmentTag(e.name))];
      for (const t of tags) {
        expect({ tag: t.tag, ecr: TagPolicyDecision.ecrAllowsOverwrite(decision, t.tag) }).toEqual({ tag: t.tag, ecr: t.mutable });
        expect({ tag: t.tag, spec: TagPolicyDecision.isMutable(effective, t.tag) }).toEqual({ tag: t.tag, spec: t.mutable });
      }
    }), { seed: 1126, numRuns: 500 });
  });
});
