import { Cloud, RetentionAction, RetentionPolicySpec, RetentionRuleSpec, StorageClass, TagState } from '../../src/spec';
import {
  criterionWords, deletesByPushTime, policyFor, RETENTION_CRITERIA, ruleCriterionProblems, rulesFor,
} from '../../src/spec/retention-rules';

const rule = (over: Partial<RetentionRuleSpec>): RetentionRuleSpec => ({ tagState: TagState.ANY, ...over } as RetentionRuleSpec);

describe('ruleCriterionProblems', () => {
  test('a valid rule of each criterion has none', () => {
    for (const r of [
      rule({ keepMostRecent: 5 }), rule({ expireAfterDays: 30 }), rule({ keepMostRecentlyPulled: 3 }),
      rule({ notPulledForDays: 90, action: RetentionAction.ARCHIVE }), rule({ archivedForDays: 180, storageClass: StorageClass.ARCHIVE }),
    ]) expect(ruleCriterionProblems(r, 'rules[0]')).toEqual([]);
  });

  test('exactly one criterion: none or two are one problem naming what was given', () => {
    expect(ruleCriterionProblems(rule({}), 'rules[0]')).toEqual([['rules[0]', {}, `needs exactly one criterion: ${RETENTION_CRITERIA.join(', ')} (got none)`]]);
    expect(ruleCriterionProblems(rule({ keepMostRecent: 1, expireAfterDays: 2 }), 'rules[1]')[0])
      .toEqual(['rules[1]', { keepMostRecent: 1, expireAfterDays: 2 }, expect.stringMatching(/\(got keepMostRecent and expireAfterDays\)$/)]);
  });

  test('counts are whole numbers from 1; days are bounded when a cloud bounds them', () => {
    expect(ruleCriterionProblems(rule({ keepMostRecent: 0 }), 'r')).toEqual([['r.keepMostRecent', 0, 'must be a whole number of images, at least 1']]);
    expect(ruleCriterionProblems(rule({ expireAfterDays: 1.5 }), 'r')).toEqual([['r.expireAfterDays', 1.5, 'must be a whole number of days, at least 1']]);
    expect(ruleCriterionProblems(rule({ expireAfterDays: 400 }), 'r', 365)).toEqual([['r.expireAfterDays', 400, 'must be a whole number of days from 1 to 365']]);
    // The bound is about days, never image counts.
    expect(ruleCriterionProblems(rule({ keepMostRecent: 400 }), 'r', 365)).toEqual([]);
  });

  test('archive rules: archived images only by archivedForDays, never archived again; archivedForDays only over archived images', () => {
    expect(ruleCriterionProblems(rule({ storageClass: StorageClass.ARCHIVE, keepMostRecent: 3 }), 'r').map((p) => p[0])).toEqual(['r.keepMostRecent']);
    expect(ruleCriterionProblems(rule({ storageClass: StorageClass.ARCHIVE, archivedForDays: 3, action: RetentionAction.ARCHIVE }), 'r').map((p) => p[0])).toEqual(['r.action']);
    expect(ruleCriterionProblems(rule({ archivedForDays: 3 }), 'r').map((p) => p[2])).toEqual(['is only allowed with storageClass: archive (it selects archived images)']);
    expect(ruleCriterionProblems(rule({ keepMostRecent: 1, storageClass: 'cold' as any, action: 'shred' as any }), 'r').map((p) => p[0])).toEqual(['r.storageClass', 'r.action']);
  });
});

describe('rulesFor / policyFor', () => {
  const policy: RetentionPolicySpec = { rules: [rule({ keepMostRecent: 5 })], gcpRules: [rule({ expireAfterDays: 30 })] };

  test('a cloud with an override reads it; the others read rules; the same object when nothing changes', () => {
    expect(rulesFor(policy, Cloud.GCP)).toBe(policy.gcpRules);
    expect(rulesFor(policy, Cloud.AZURE)).toBe(policy.rules);
    expect(rulesFor({}, Cloud.AWS)).toEqual([]);
    expect(policyFor(policy, Cloud.AWS)).toBe(policy);
    expect(policyFor(policy, Cloud.GCP)).toEqual({ ...policy, rules: policy.gcpRules });
  });
});

describe('deletesByPushTime and criterionWords', () => {
  test('only standard-class expire rules by push time delete by push time', () => {
    expect([
      rule({ keepMostRecent: 5 }), rule({ expireAfterDays: 5 }), rule({ keepMostRecent: 5, action: RetentionAction.ARCHIVE }),
      rule({ notPulledForDays: 5 }), rule({ archivedForDays: 5, storageClass: StorageClass.ARCHIVE }),
    ].map(deletesByPushTime)).toEqual([true, true, false, false, false]);
  });

  test('words for the plan and the messages', () => {
    expect([
      rule({ keepMostRecent: 10 }), rule({ expireAfterDays: 1 }), rule({ keepMostRecentlyPulled: 3, action: RetentionAction.ARCHIVE }),
      rule({ notPulledForDays: 90 }), rule({ archivedForDays: 2, storageClass: StorageClass.ARCHIVE }),
    ].map(criterionWords)).toEqual([
      'keep the 10 most recent', 'expire after 1 day', 'keep the 3 most recently pulled (archive the rest)',
      'expire when not pulled for 90 days', 'expire when archived for more than 2 days',
    ]);
  });
});
