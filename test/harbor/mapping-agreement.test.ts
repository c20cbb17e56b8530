/**
 * Two transcriptions of the goharbor/harbor provider's rule-block -> REST mapping
 * (client/retention.go, v3.12.4) exist: `retention.HarborRetentionRuleBlocks`, which the
 * retention proof evaluates, and `HarborRetentionRest`, beside the typed provider
 * classes. They were written independently from the provider's source; this property
 * holds them to the same rules, so the proof covers what the bindings deploy.
 */
import * as fc from 'fast-check';
import { HarborRetentionRest } from '../../src/harbor/provider/retention-rest';
import { HarborRetentionRuleBlock, HarborRetentionRuleBlocks } from '../../src/retention/harbor-rule-blocks';

const pattern = fc.constantFrom('**', 'api', 'dev/**', '{api,web}', 'v*', 'prod', 'pr-*');
const block: fc.Arbitrary<HarborRetentionRuleBlock> = fc.record({
  template: fc.constantFrom('alwaysRetain', 'mostRecentlyPulled', 'mostRecentlyPushed', 'nDaysSinceLastPull', 'nDaysSinceLastPush'),
  n: fc.integer({ min: 1, max: 400 }),
  repo: fc.constantFrom('repoMatching', 'repoExcluding'),
  repoPattern: pattern,
  tag: fc.constantFrom('tagMatching', 'tagExcluding'),
  tagPattern: pattern,
  untagged: fc.option(fc.boolean(), { nil: undefined }),
  disabled: fc.option(fc.boolean(), { nil: undefined }),
}).map((r) => ({
  ...(r.template === 'alwaysRetain' ? { alwaysRetain: true } : { [r.template]: r.n }),
  [r.repo]: r.repoPattern,
  [r.tag]: r.tagPattern,
  ...(r.untagged === undefined ? {} : { untaggedArtifacts: r.untagged }),
  ...(r.disabled === undefined ? {} : { disabled: r.disabled }),
}) as HarborRetentionRuleBlock);

test('both transcriptions of the provider mapping give the same REST rules', () => {
  const templates = new Set<string>();
  fc.assert(fc.property(fc.array(block, { minLength: 1, maxLength: 6 }), (blocks) => {
    const fromRetention = JSON.parse(HarborRetentionRuleBlocks.toPolicy(blocks)).rules;
    const fromBindings = HarborRetentionRest.fromRules({ scope: '/projects/7', rules: blocks as any }).rules;
    // Compare as JSON (absent and undefined fields alike).
    expect(JSON.parse(JSON.stringify(fromBindings))).toEqual(JSON.parse(JSON.stringify(fromRetention)));
    for (const r of fromRetention) templates.add(r.template);
  }), { seed: 16, numRuns: 300 });
  expect(templates.size).toBe(5);
});
