import { EcrImage, EcrLifecycleEvaluator } from '../../src/retention';

// The ECR User Guide's lifecycle policy examples for pull-time and archive rules, as policies
// copied from "Examples of lifecycle policies in Amazon ECR"
// (https://docs.aws.amazon.com/AmazonECR/latest/userguide/lifecycle_policy_examples.html), and the
// sentences of "Lifecycle policy evaluation rules" (LifecyclePolicies.html) each test encodes.

const DAY = 86_400_000;
const NOW = new Date('2026-06-01T12:00:00Z');
const ago = (days: number) => new Date(NOW.getTime() - days * DAY);
const active = (imageDigest: string, imageTags: string[], pushedDays: number, pulledDays?: number, restoredDays?: number): EcrImage => ({
  imageDigest,
  imageTags,
  imagePushedAt: ago(pushedDays),
  ...(pulledDays !== undefined ? { lastRecordedPullTime: ago(pulledDays) } : {}),
  ...(restoredDays !== undefined ? { lastActivatedAt: ago(restoredDays) } : {}),
});
const archivedImage = (imageDigest: string, imageTags: string[], archivedDays: number): EcrImage =>
  ({ imageDigest, imageTags, imagePushedAt: ago(archivedDays + 200), imageStatus: 'ARCHIVED', lastArchivedAt: ago(archivedDays) });
const run = (doc: object, images: EcrImage[]) => {
  const r = EcrLifecycleEvaluator.evaluate(JSON.stringify(doc, null, 2), images, { now: NOW });
  return { expired: r.expired.map((e) => `${e.imageDigest}@${e.appliedRulePriority}`), archived: r.archived.map((e) => `${e.imageDigest}@${e.appliedRulePriority}`) };
};

describe('EcrLifecycleEvaluator: pull-time and archive examples of the User Guide', () => {
  test('Filtering on last pulled time: "transitions images to archive storage that haven\'t been pulled in 90 days"', () => {
    const doc = {
      rules: [{
        rulePriority: 1,
        description: 'Archive images not pulled in 90 days',
        selection: { tagStatus: 'any', countType: 'sinceImagePulled', countUnit: 'days', countNumber: 90 },
        action: { type: 'transition', targetStorageClass: 'archive' },
      }],
    };
    const images = [
      active('pulled-91-days-ago', ['v1'], 300, 91),
      active('pulled-yesterday', ['v2'], 300, 1),
      // "If an image was never pulled, the image's pushed_at_time is used instead of the last_recorded_pulltime."
      active('never-pulled-old', [], 120),
      active('never-pulled-new', [], 10),
      // "If an image was archived and then restored at any point in the past, but never pulled since the image was
      // restored, the image's last_activated_at is used instead of the last_recorded_pulltime."
      active('restored-not-pulled-since', ['v3'], 400, 200, 5),
      active('restored-long-ago', ['v4'], 400, 200, 150),
      // A rule without storageClass selects standard images: an archived image is not archived again.
      archivedImage('already-archived', ['v5'], 10),
    ];
    expect(run(doc, images)).toEqual({
      expired: [],
      archived: ['never-pulled-old@1', 'pulled-91-days-ago@1', 'restored-long-ago@1'],
    });
  });

  test('Filtering on archive transition time: "expires archived images that have been in archive storage for more than 365 days"', () => {
    const doc = {
      rules: [{
        rulePriority: 1,
        description: 'Expire images archived for more than 365 days',
        selection: { tagStatus: 'any', storageClass: 'archive', countType: 'sinceImageTransitioned', countUnit: 'days', countNumber: 365 },
        action: { type: 'expire' },
      }],
    };
    // "With countType = sinceImageTransitioned, all archived images whose last_archived_at is older than the specified number of days ... are expired."
    const images = [archivedImage('a400', ['x'], 400), archivedImage('a365', [], 365), archivedImage('a10', [], 10), active('std-old', [], 1000)];
    expect(run(doc, images)).toEqual({ expired: ['a400@1'], archived: [] });
  });

  test('Archiving images older than a specified number of days: "Archive production images older than 30 days"', () => {
    const doc = {
      rules: [{
        rulePriority: 1,
        description: 'Archive production images older than 30 days',
        selection: { tagStatus: 'tagged', tagPatternList: ['prod*'], countType: 'sinceImagePushed', countUnit: 'days', countNumber: 30 },
        action: { type: 'transition', targetStorageClass: 'archive' },
      }],
    };
    const images = [active('p-old', ['prod-1'], 31, 1), active('p-new', ['prod-2'], 29), active('dev-old', ['dev'], 100)];
    // Pushed, not pulled: a recent pull does not keep p-old in standard storage.
    expect(run(doc, images)).toEqual({ expired: [], archived: ['p-old@1'] });
  });

  test('Combining archive and expire rules: one "any" rule per storage class is valid, and each rule reaches its own class', () => {
    const doc = {
      rules: [
        {
          rulePriority: 1,
          description: 'Archive images older than 30 days',
          selection: { tagStatus: 'any', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 30 },
          action: { type: 'transition', targetStorageClass: 'archive' },
        },
        {
          rulePriority: 2,
          description: 'Expire images archived for more than 365 days',
          selection: { tagStatus: 'any', storageClass: 'archive', countType: 'sinceImageTransitioned', countUnit: 'days', countNumber: 365 },
          action: { type: 'expire' },
        },
      ],
    };
    expect(EcrLifecycleEvaluator.problems(JSON.stringify(doc, null, 2))).toEqual([]);
    const images = [active('s40', [], 40), active('s20', [], 20), archivedImage('a400', [], 400), archivedImage('a100', [], 100)];
    expect(run(doc, images)).toEqual({ expired: ['a400@2'], archived: ['s40@1'] });
  });

  test('"An image that matches the tagging requirements of a rule cannot be expired or archived by a rule with a lower priority"', () => {
    const doc = {
      rules: [
        {
          rulePriority: 1,
          description: 'keep prod',
          selection: { tagStatus: 'tagged', tagPatternList: ['prod*'], countType: 'imageCountMoreThan', countNumber: 1000 },
          action: { type: 'expire' },
        },
        {
          rulePriority: 2,
          description: 'archive unused',
          selection: { tagStatus: 'any', countType: 'sinceImagePulled', countUnit: 'days', countNumber: 30 },
          action: { type: 'transition', targetStorageClass: 'archive' },
        },
      ],
    };
    // "An image is expired or archived by exactly one or zero rules."
    expect(run(doc, [active('prod-unused', ['prod'], 100, 60), active('other-unused', ['x'], 100, 60)])).toEqual({ expired: [], archived: ['other-unused@2'] });
  });

  test('"If an image was archived and then restored ..., the image\'s last_activated_at is used instead of pushed_at_time"', () => {
    const doc = { rules: [{ rulePriority: 1, selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 1 }, action: { type: 'expire' } }] };
    // Pushed 300 days ago but restored yesterday: the most recent image, so the one pushed 5 days ago is expired.
    expect(run(doc, [active('restored', [], 300, undefined, 1), active('recent', [], 5)])).toEqual({ expired: ['recent@1'], archived: [] });
  });
});
