import * as fc from 'fast-check';
import { harborSpec, testStack } from './helpers';
import { ContainerRegistry, HarborValidator } from '../../src/harbor';
import { doublestarMatch } from '../../src/retention/harbor-doublestar';
import { EffectiveTagPolicy, EnvironmentLayout, TagState, TagStrategy, UpstreamRegistry } from '../../src/spec';
import { TagPolicyDecision } from '../../src/tagging';

describe('HarborValidator', () => {
  test('a valid spec has no problems', () => {
    expect(HarborValidator.problems(harborSpec(EnvironmentLayout.REGISTRIES))).toEqual([]);
  });

  test('an identity without principals is valid on Harbor alone (its robot is the principal)', () => {
    const spec = harborSpec(EnvironmentLayout.TAGS, { access: { pullers: [{ name: 'runtime' }] } });
    expect(HarborValidator.problems(spec)).toEqual([]);
  });

  test('a repository name over 255 characters with its project is a problem naming the limit', () => {
    const spec = harborSpec(EnvironmentLayout.TAGS, { repositories: [{ name: `a/${'b'.repeat(60)}/${'c'.repeat(60)}/${'d'.repeat(60)}/${'e'.repeat(70)}` }] });
    expect(HarborValidator.problems(spec)).toEqual([expect.objectContaining({ path: 'repositories[0].name', message: expect.stringMatching(/Harbor takes at most 255/) })]);
  });

  test('more than 15 retention rules per project: the translation problem names the project', () => {
    const spec = harborSpec(EnvironmentLayout.TAGS, {
      repositories: Array.from({ length: 6 }, (_, i) => ({
        name: `svc${i}`,
        retention: { protectedTags: [`keep${i}`], rules: [{ tagState: TagState.TAGGED, tagPatterns: [`pr${i}-*`], keepMostRecent: i + 1 }, { tagState: TagState.UNTAGGED, expireAfterDays: i + 1 }] },
      })),
    });
    expect(HarborValidator.problems(spec).map((p) => p.message).join('\n')).toMatch(/cannot be translated for Harbor project "platform".*Harbor allows 15 per project/s);
  });

  test('more than 15 distinct tag policies in a project need more than 15 immutable tag rules: a problem', () => {
    const spec = harborSpec(EnvironmentLayout.TAGS, {
      repositories: Array.from({ length: 16 }, (_, i) => ({ name: `svc${i}`, tagPolicy: { immutable: true, semverAliases: false, mutableTags: [`m${i}`] } })),
    });
    expect(HarborValidator.problems(spec)).toEqual([expect.objectContaining({ path: 'tagPolicy', message: expect.stringMatching(/needs 16 immutable tag rules in Harbor project "platform"/) })]);
  });
});

describe('HarborValidator: robot names (one project robot per identity and project)', () => {
  // Identity "ci" pulls through the cache "platform" (project platform-platform); identity "ci-platform" pulls from project platform:
  // Harbor names them robot$platform-platform+ci and robot$platform+ci-platform, but the construct id Robot-<identity>-<project> and the
  // outputs HARBOR_ROBOT_NAME_<IDENTITY>_<PROJECT> are the same for both.
  const colliding = () => harborSpec(EnvironmentLayout.TAGS, {
    upstreamCaches: [{ name: 'platform', upstream: UpstreamRegistry.QUAY }],
    access: { pullers: [{ name: 'ci' }, { name: 'ci-platform' }] },
  });

  test('two robots whose construct id and outputs would be the same: one problem naming both identities and projects', () => {
    expect(HarborValidator.problems(colliding())).toEqual([{
      path: 'access.pullers[1].name',
      value: '"ci-platform"',
      message: expect.stringMatching(/^has a robot in project "platform" whose construct id and outputs \(Robot-ci-platform-platform, HARBOR_ROBOT_NAME_CI_PLATFORM_PLATFORM\) are those of identity "ci"'s robot in project "platform-platform"/),
    }]);
  });

  test('the construct refuses it with that problem (before: a construct-tree error "There is already a Construct with name")', () => {
    expect(() => new ContainerRegistry(testStack(), 'Registry', { spec: colliding(), url: 'https://harbor.example.com' }))
      .toThrow(/1 problem[\s\S]*access\.pullers\[1\]\.name: "ci-platform" has a robot in project "platform"/);
    // Renamed, no problem.
    const renamed = colliding();
    expect(HarborValidator.problems({ ...renamed, access: { pullers: [{ name: 'ci' }, { name: 'runner' }] } })).toEqual([]);
  });
});

describe('TagPolicyDecision.harbor', () => {
  const policy = (p: Partial<EffectiveTagPolicy>): EffectiveTagPolicy => ({ immutable: true, mutableTags: ['latest'], strategy: TagStrategy.SEMVER, semverAliases: true, ...p });
  // Harbor's immutable matcher: a tag is immutable when the rule's `excludes` selector does not match it (doublestar).
  const harborImmutable = (p: EffectiveTagPolicy, tag: string) => {
    const d = TagPolicyDecision.harbor(p);
    if (!d.immutable) return false;
    return d.tagExcluding === '' ? true : !doublestarMatch(d.tagExcluding, tag);
  };
  const TAGS = ['1', '1.2', '12.34', '999.999', '1000', '1.1000', '1.2.3', 'v1.2.3', '1.2.3-abc1234', 'latest', 'dev', 'feature-x', 'a{b', 'x*y', 'abc1234'];

  test('equals the spec\'s meaning for every tag, except aliases with a component over 999 (stricter: immutable)', () => {
    fc.assert(fc.property(
      fc.record({
        mutableTags: fc.uniqueArray(fc.constantFrom('latest', 'dev', 'feature-*', 'v*', 'a{b', 'x*y', '*-abc*'), { maxLength: 3 }),
        semverAliases: fc.boolean(),
        strategy: fc.constantFrom(TagStrategy.SEMVER, TagStrategy.VERSION_SHA, TagStrategy.GIT_SHA),
      }),
      fc.constantFrom(...TAGS),
      (p, tag) => {
        const eff = policy(p);
        const spec = !TagPolicyDecision.isMutable(eff, tag);
        const harbor = harborImmutable(eff, tag);
        if (['1000', '1.1000'].includes(tag) && !spec) return; // immutable either way
        if (['1000', '1.1000'].includes(tag)) expect(harbor || !spec).toBe(true); // never less strict
        else expect({ tag, harbor, p }).toEqual({ tag, harbor: spec, p });
      },
    ), { seed: 16, numRuns: 600 });
  });

  test('mutable policies get no rule', () => {
    expect(TagPolicyDecision.harbor(policy({ immutable: false })).immutable).toBe(false);
    expect(TagPolicyDecision.harbor(policy({ mutableTags: ['*'] })).immutable).toBe(false);
  });
});
