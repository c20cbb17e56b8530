import * as fc from 'fast-check';
import { GarCleanupTranslation, HarborRetentionTranslation, TranslationFidelity } from '../../src/retention';
import {
  countsAttachmentsNatively, escapeRegex, globCovers, globRegexSource, globsIntersect, isPrefixGlob, literalPrefix, mayMatchAttachmentTag,
  policyProblems, PolicyOnce, widenToWildcards, worstFidelity,
} from '../../src/retention/translation-support';
import { Cloud, Glob, RetentionPolicySpec, TagState } from '../../src/spec';
import { policyFor } from '../../src/spec/retention-rules';

// Small alphabets make the exhaustive check below cover every tag that could tell the globs apart.
const ALPHABET = ['a', 'b', '.'];
const glob = fc.array(fc.constantFrom(...ALPHABET, '*'), { maxLength: 5 }).map((c) => c.join(''));
/** Every string over the alphabet up to `n` characters. */
function strings(n: number): string[] {
  let level = [''];
  const all = [''];
  for (let i = 0; i < n; i++) {
    level = level.flatMap((s) => ALPHABET.map((c) => s + c));
    all.push(...level);
  }
  return all;
}
const TAGS = strings(5);

describe('glob analysis (the neutral glob: * any run, the whole tag must match)', () => {
  test('property: globsIntersect is true exactly when some tag matches both', () => {
    let both = 0;
    fc.assert(fc.property(glob, glob, (a, b) => {
      const witness = TAGS.some((t) => Glob.matches(a, t) && Glob.matches(b, t));
      expect(globsIntersect(a, b)).toBe(witness);
      if (witness) both++;
    }), { seed: 14, numRuns: 250 });
    expect(both).toBeGreaterThan(30);
  });

  test('property: globCovers is sound (what narrow matches, wide matches) and exact for prefix globs', () => {
    let covered = 0;
    fc.assert(fc.property(glob, glob, (wide, narrow) => {
      const really = TAGS.every((t) => !Glob.matches(narrow, t) || Glob.matches(wide, t));
      if (globCovers(wide, narrow)) {
        expect(really).toBe(true);
        covered++;
      } else if (isPrefixGlob(wide) && Glob.wildcards(narrow) <= 1 && narrow.endsWith('*') === (Glob.wildcards(narrow) === 1)) {
        expect(really).toBe(false);
      }
    }), { seed: 14, numRuns: 250 });
    expect(covered).toBeGreaterThan(10);
  });

  test('property: widenToWildcards keeps at most max stars and matches a superset', () => {
    fc.assert(fc.property(glob, fc.integer({ min: 1, max: 4 }), (pattern, max) => {
      const wide = widenToWildcards(pattern, max);
      expect(Glob.wildcards(wide)).toBeLessThanOrEqual(max);
      expect(TAGS.filter((t) => Glob.matches(pattern, t) && !Glob.matches(wide, t))).toEqual([]);
    }), { seed: 14, numRuns: 300 });
    expect(widenToWildcards('a*b*c*d*e*f', 4)).toBe('a*b*c*d*');
  });

  test('property: globRegexSource, anchored, matches as the glob does; escapeRegex makes any literal literal', () => {
    fc.assert(fc.property(glob, (pattern) => {
      const re = new RegExp(`^${globRegexSource(pattern)}$`);
      expect(TAGS.filter((t) => re.test(t) !== Glob.matches(pattern, t))).toEqual([]);
    }), { seed: 14, numRuns: 200 });
    fc.assert(fc.property(fc.string(), (s) => expect(new RegExp(`^${escapeRegex(s)}$`).test(s)).toBe(true)), { seed: 14 });
    expect(literalPrefix('pr-*-x')).toBe('pr-');
  });
});

describe('policyProblems and worstFidelity', () => {
  test('every structural problem of a policy, each with its path', () => {
    const policy = {
      protectedTags: ['ok', ''],
      rules: [{ tagState: 'tagged' }, { tagState: TagState.UNTAGGED, tagPatterns: ['x'], keepMostRecent: 1 }, null],
    } as unknown as RetentionPolicySpec;
    expect(policyProblems(policy, 'retention')).toEqual([
      'retention.protectedTags: ["ok",""] must be a list of tag patterns',
      'retention.rules[0].tagPatterns: undefined is required with tagState "tagged": list the tag patterns the rule selects',
      expect.stringMatching(/^retention\.rules\[0\]: \{\} needs exactly one criterion/),
      'retention.rules[1].tagPatterns: only allowed with tagState "tagged"',
      'retention.rules[2]: null is not a rule',
    ]);
    expect(policyProblems('x' as any, 'retention')).toEqual(['retention: "x" is not a retention policy']);
  });

  test('PolicyOnce: what policyProblems, policyFor and the key give each repository, each policy object worked out once', () => {
    const bad = {
      protectedTags: ['ok', ''],
      rules: [{ tagState: 'tagged' }, null],
      gcpRules: [{ tagState: TagState.UNTAGGED, expireAfterDays: 3 }],
    } as unknown as RetentionPolicySpec;
    const good: RetentionPolicySpec = { rules: [{ tagState: TagState.ANY, keepMostRecent: 5 }] };
    const once = new PolicyOnce();
    const keys: RetentionPolicySpec[] = [];
    const keyOf = (p: RetentionPolicySpec) => {
      keys.push(p);
      return JSON.stringify(p);
    };
    for (const [policy, path] of [[bad, 'repositories[0] (a).retention'], [good, 'x'], [bad, 'repositories[7] (b/c).retention'], ['x', 'y']] as const) {
      expect(once.problems(policy as RetentionPolicySpec, path)).toEqual(policyProblems(policy as RetentionPolicySpec, path));
    }
    expect(once.problems(bad, 'p')[0]).toBe('p.protectedTags: ["ok",""] must be a list of tag patterns');
    // The narrowed policy is the same object each time (so that grouping by it works), and equals policyFor's.
    expect(once.forCloud(bad, Cloud.GCP)).toBe(once.forCloud(bad, Cloud.GCP));
    expect(once.forCloud(bad, Cloud.GCP)).toEqual(policyFor(bad, Cloud.GCP));
    expect(once.forCloud(good, Cloud.AZURE)).toBe(good);
    expect([once.key(bad, keyOf), once.key(bad, keyOf), once.key(good, keyOf)])
      .toEqual([JSON.stringify(bad), JSON.stringify(bad), JSON.stringify(good)]);
    expect(keys).toEqual([bad, good]);
  });

  test('the worst fidelity of the rules decides the policy\'s', () => {
    const r = (fidelity: TranslationFidelity) => ({ ruleIndex: 0, fidelity } as any);
    expect(worstFidelity([])).toBe(TranslationFidelity.EXACT);
    expect(worstFidelity([r(TranslationFidelity.EXACT), r(TranslationFidelity.CONSERVATIVE)])).toBe(TranslationFidelity.CONSERVATIVE);
  });
});

describe('cosign attachment tags (issue 17 item 5)', () => {
  const hex = fc.array(fc.constantFrom(...'0123456789abcdef'), { minLength: 64, maxLength: 64 }).map((c) => c.join(''));
  const attachmentTag = fc.tuple(hex, fc.constantFrom('sig', 'att', 'sbom')).map(([h, k]) => `sha256-${h}.${k}`);

  test('mayMatchAttachmentTag: exact on hand-picked globs', () => {
    const d = 'a'.repeat(64);
    for (const p of ['*', 'sha256-*', 's*', '*.sig', '*sig', '*.sbom', '*m', `sha256-${d}.att`, 'sha*-*.*', '*6-*', '*0*', '*a.att']) {
      expect([p, mayMatchAttachmentTag(p)]).toEqual([p, true]);
    }
    // A literal that no attachment has at that place, a hex digit too many or too few, upper case, another suffix.
    for (const p of ['v*', 'sha256', 'sha256-*.sigx', '*.sign', '*-rc', `sha256-${d}a.sig`, `sha256-${d.slice(1)}.sig`, 'sha256-A*', '*.SIG', 'main-*', '*.att.*']) {
      expect([p, mayMatchAttachmentTag(p)]).toEqual([p, false]);
    }
  });

  test('mayMatchAttachmentTag is sound: a glob that matches some attachment tag is always reported', () => {
    // Globs cut from a real attachment tag (pieces replaced by stars) must be reported; a miss would let a count rule count attachments.
    fc.assert(fc.property(attachmentTag, fc.array(fc.nat(), { maxLength: 4 }), (tag, cuts) => {
      let pattern = tag;
      for (const c of cuts) {
        const i = c % pattern.length;
        const j = Math.min(pattern.length, i + 1 + (c % 7));
        pattern = `${pattern.slice(0, i)}*${pattern.slice(j)}`;
      }
      expect(Glob.matches(pattern, tag)).toBe(true);
      expect(mayMatchAttachmentTag(pattern)).toBe(true);
    }), { seed: 17, numRuns: 2000 });
  });

  test('Artifact Registry and Harbor: an `any` keep-N keeps its selection unless the policy counts attachments', () => {
    const keep5: RetentionPolicySpec = {
      rules: [{ tagState: TagState.UNTAGGED, expireAfterDays: 3 }, { tagState: TagState.ANY, keepMostRecent: 5 }],
    };
    const gar = GarCleanupTranslation.translate([{ packageName: 'api', policy: keep5 }]);
    expect(gar.policies.filter((p) => p.action === 'DELETE').map((p) => p.id)).toEqual(['r0-delete-older']);
    expect(gar.report.rules[1]).toMatchObject({ fidelity: TranslationFidelity.CONSERVATIVE, reason: expect.stringMatching(/most_recent_versions counts cosign's/) });
    const garCounted = GarCleanupTranslation.translate([{ packageName: 'api', policy: { ...keep5, countAttachments: true } }]);
    expect(garCounted.policies.map((p) => p.id)).toEqual(expect.arrayContaining(['r1-keep-most-recent', 'r1-delete-rest', 'protected-keep']));
    expect(garCounted.report.rules[1].fidelity).toBe(TranslationFidelity.EXACT);

    const harbor = HarborRetentionTranslation.translate([{ repository: 'api', policy: keep5 }]);
    const templates = (r: { ruleBlocks: unknown }) => JSON.stringify(r.ruleBlocks).match(/mostRecentlyPushed/g)?.length ?? 0;
    expect(templates(harbor)).toBe(0);
    expect(harbor.report.rules.find((r) => r.ruleIndex === 1)).toMatchObject({ fidelity: TranslationFidelity.CONSERVATIVE, reason: expect.stringMatching(/latestPushedK .*countAttachments/) });
    expect(templates(HarborRetentionTranslation.translate([{ repository: 'api', policy: { ...keep5, countAttachments: true } }]))).toBeGreaterThan(0);
  });

  test('countsAttachmentsNatively: counts over a selection that can hold an attachment, unless the policy counts them', () => {
    const any = { tagState: TagState.ANY, keepMostRecent: 5 };
    expect(countsAttachmentsNatively({}, any)).toBe(true);
    expect(countsAttachmentsNatively({ countAttachments: true }, any)).toBe(false);
    expect(countsAttachmentsNatively({}, { tagState: TagState.TAGGED, tagPatterns: ['v*', '*'], keepMostRecentlyPulled: 5 })).toBe(true);
    expect(countsAttachmentsNatively({}, { tagState: TagState.TAGGED, tagPatterns: ['v*', 'main-*'], keepMostRecent: 5 })).toBe(false);
    expect(countsAttachmentsNatively({}, { tagState: TagState.UNTAGGED, keepMostRecent: 5 })).toBe(false);
    expect(countsAttachmentsNatively({}, { tagState: TagState.ANY, expireAfterDays: 5 })).toBe(false);
  });
});
