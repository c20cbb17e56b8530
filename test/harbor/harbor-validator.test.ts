import * as fc from 'fast-check';
import { harborSpec } from './helpers';
import { HarborValidator } from '../../src/harbor';
import { doublestarMatch } from '../../src/retention/harbor-doublestar';
import { EffectiveTagPolicy, EnvironmentLayout, TagState, TagStrategy } from '../../src/spec';
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
