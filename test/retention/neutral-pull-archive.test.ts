import { RetentionEvaluator, RetentionImage } from '../../src/retention';
import { Cloud, RetentionAction, RetentionPolicySpec, StorageClass, TagState } from '../../src/spec';

// The neutral meaning of the pull-time and archive vocabulary (README, "Retention"; issue 18).
const DAY = 86_400_000;
const NOW = new Date('2026-06-01T00:00:00Z');
const daysAgo = (d: number) => new Date(NOW.getTime() - d * DAY);
const evaluate = (policy: RetentionPolicySpec, images: RetentionImage[], cloud?: Cloud) =>
  RetentionEvaluator.evaluate(policy, images, { now: NOW, cloud });

describe('RetentionEvaluator: last pull time and archive', () => {
  test('notPulledForDays reads the last pull, and an image never pulled counts as pulled when it was pushed', () => {
    const images: RetentionImage[] = [
      { digest: 'old-pulled-recently', pushedAt: daysAgo(400), lastPulledAt: daysAgo(3) },
      { digest: 'old-never-pulled', pushedAt: daysAgo(120) },
      { digest: 'new-never-pulled', pushedAt: daysAgo(2) },
      { digest: 'pulled-long-ago', pushedAt: daysAgo(200), lastPulledAt: daysAgo(91) },
      { digest: 'pulled-exactly-90-days-ago', pushedAt: daysAgo(200), lastPulledAt: daysAgo(90) },
    ];
    const res = evaluate({ rules: [{ tagState: TagState.ANY, notPulledForDays: 90 }] }, images);
    // Strictly older than N days, as for push times: exactly 90 days is kept.
    expect(res.expired.map((e) => e.digest)).toEqual(['old-never-pulled', 'pulled-long-ago']);
    expect(res.archived).toEqual([]);
  });

  test('keepMostRecentlyPulled ranks by last pull (never pulled: the push time), ties by digest; protected images take a place', () => {
    const images: RetentionImage[] = [
      { digest: 'a', tags: ['prod'], pushedAt: daysAgo(50), lastPulledAt: daysAgo(1) },
      { digest: 'b', pushedAt: daysAgo(60), lastPulledAt: daysAgo(5) },
      { digest: 'c', pushedAt: daysAgo(5) },
      { digest: 'd', pushedAt: daysAgo(4) },
      { digest: 'e', pushedAt: daysAgo(30), lastPulledAt: daysAgo(20) },
    ];
    // Pull order: a (1), d (4), b (5) = c (5, never pulled, pushed 5 days ago; tie by digest: b first), e (20).
    const res = evaluate({ protectedTags: ['prod'], rules: [{ tagState: TagState.ANY, keepMostRecentlyPulled: 3 }] }, images);
    expect(res.expired).toEqual([{ digest: 'c', ruleIndex: 0 }, { digest: 'e', ruleIndex: 0 }]);
  });

  test('action archive: marked images are archived and kept; protected images are never archived', () => {
    const images: RetentionImage[] = [
      { digest: 'p', tags: ['prod'], pushedAt: daysAgo(300) },
      { digest: 'x', tags: ['v1'], pushedAt: daysAgo(300) },
      { digest: 'y', tags: ['v2'], pushedAt: daysAgo(1) },
    ];
    const res = evaluate({ protectedTags: ['prod'], rules: [{ tagState: TagState.ANY, notPulledForDays: 30, action: RetentionAction.ARCHIVE }] }, images);
    expect(res).toEqual({ kept: ['p', 'x', 'y'], expired: [], archived: [{ digest: 'x', ruleIndex: 0 }] });
  });

  test('standard rules never select archived images; a rule over archived images expires them by time in archive', () => {
    const images: RetentionImage[] = [
      { digest: 'arch-old', pushedAt: daysAgo(500), archivedAt: daysAgo(400) },
      { digest: 'arch-new', pushedAt: daysAgo(500), archivedAt: daysAgo(10) },
      { digest: 'arch-prod', tags: ['prod'], pushedAt: daysAgo(500), archivedAt: daysAgo(400) },
      { digest: 'std', pushedAt: daysAgo(500) },
    ];
    const standardOnly = evaluate({ rules: [{ tagState: TagState.ANY, expireAfterDays: 1 }] }, images);
    expect(standardOnly.expired.map((e) => e.digest)).toEqual(['std']);
    const policy: RetentionPolicySpec = {
      protectedTags: ['prod'],
      rules: [
        { tagState: TagState.ANY, expireAfterDays: 1000 },
        { tagState: TagState.ANY, storageClass: StorageClass.ARCHIVE, archivedForDays: 365 },
      ],
    };
    // The `any` standard rule does not shadow the archive rule: they select different storage classes.
    expect(evaluate(policy, images).expired).toEqual([{ digest: 'arch-old', ruleIndex: 1 }]);
  });

  test('a restored image counts as pushed (and pulled) when it was restored', () => {
    const restored: RetentionImage = { digest: 'r', pushedAt: daysAgo(400), lastPulledAt: daysAgo(300), restoredAt: daysAgo(2) };
    expect(evaluate({ rules: [{ tagState: TagState.ANY, notPulledForDays: 30 }] }, [restored]).expired).toEqual([]);
    expect(evaluate({ rules: [{ tagState: TagState.ANY, expireAfterDays: 30 }] }, [restored]).expired).toEqual([]);
    expect(evaluate({ rules: [{ tagState: TagState.ANY, expireAfterDays: 1 }] }, [restored]).expired).toEqual([{ digest: 'r', ruleIndex: 0 }]);
  });

  test('a per-cloud override replaces the rules on that cloud only', () => {
    const policy: RetentionPolicySpec = {
      rules: [{ tagState: TagState.ANY, notPulledForDays: 90 }],
      gcpRules: [{ tagState: TagState.ANY, expireAfterDays: 180 }],
    };
    const images: RetentionImage[] = [{ digest: 'a', pushedAt: daysAgo(200), lastPulledAt: daysAgo(1) }, { digest: 'b', pushedAt: daysAgo(100) }];
    expect(evaluate(policy, images).expired.map((e) => e.digest)).toEqual(['b']);
    expect(evaluate(policy, images, Cloud.GCP).expired.map((e) => e.digest)).toEqual(['a']);
    expect(evaluate(policy, images, Cloud.AZURE).expired.map((e) => e.digest)).toEqual(['b']);
  });

  test('invalid pull-time and archive rules are refused with every problem', () => {
    const policy = {
      rules: [
        { tagState: TagState.ANY, storageClass: StorageClass.ARCHIVE, notPulledForDays: 3 },
        { tagState: TagState.ANY, archivedForDays: 100 },
        { tagState: TagState.ANY, storageClass: StorageClass.ARCHIVE, archivedForDays: 100, action: RetentionAction.ARCHIVE },
        { tagState: TagState.ANY, notPulledForDays: 0, action: 'shred' },
      ],
    } as unknown as RetentionPolicySpec;
    expect(() => evaluate(policy, [{ digest: 'a', pushedAt: NOW, lastPulledAt: new Date('x') }])).toThrow(new RegExp([
      'rules\\[0\\]\\.notPulledForDays: 3 is not allowed in a rule over archived images',
      'rules\\[1\\]\\.archivedForDays: 100 is only allowed with storageClass: archive',
      'rules\\[2\\]\\.action: "archive" archived images cannot be archived again',
      'rules\\[3\\]\\.notPulledForDays: 0 must be a whole number of days, at least 1',
      'rules\\[3\\]\\.action: "shred" is not a retention action \\(allowed: expire, archive\\)',
      'images\\[0\\]\\.lastPulledAt: Invalid Date is not a valid Date',
    ].join('[\\s\\S]*')));
  });
});
