/**
 * Times the retention evaluators on 100,000 images (prints numbers; not a test).
 * Run: `npx tsx bench/run.ts retention` (or `npm run bench`). Target: ECR with a
 * 50-rule policy under 1 s.
 */
import { performance } from 'perf_hooks';
import {
  AcrManifest, AcrPurgeEvaluator, EcrImage, EcrLifecycleEvaluator, GarCleanupEvaluator, GarVersion, RetentionEvaluator,
} from '../src/retention';
import { RetentionRuleSpec, TagState } from '../src/spec';

const N = 100_000;
const DAY = 86_400_000;
const NOW = new Date('2026-06-01T00:00:00Z');

// A deterministic pseudo-random stream (Park-Miller), so every run times the same input.
let seed = 20261126;
function rand(): number {
  seed = (seed * 48271) % 2147483647;
  return seed / 2147483647;
}
const FAMILIES = Array.from({ length: 48 }, (_, i) => `team${i}`);
// Tags are unique within a repository (a tag points at one image): builds and releases carry the image index;
// `prod` sits on one image of each of the 20 repositories the GAR and ACR runs spread the images over.
function tagsFor(i: number): string[] {
  const r = rand();
  if (r < 0.15) return [];
  const fam = FAMILIES[Math.floor(rand() * FAMILIES.length)];
  const tags = [`${fam}-build-${i}`];
  if (r > 0.9) tags.push(`v1.${i}.0`);
  if (i >= N - 20) tags.push('prod');
  return tags;
}
const base = Array.from({ length: N }, (_, i) => ({
  digest: `sha256:${((i * 2654435761) % 4294967296).toString(16).padStart(8, '0')}${i.toString(16).padStart(8, '0')}`,
  tags: tagsFor(i),
  pushedAt: new Date(NOW.getTime() - Math.floor(rand() * 400 * DAY)),
}));

// Wall time and this process's CPU time (user + system): on a shared, loaded machine the CPU time is the steadier number.
function time(label: string, fn: () => number, runs = 3): void {
  const wall: number[] = [];
  const cpu: number[] = [];
  let out = 0;
  for (let r = 0; r < runs; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    out = fn();
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  const f = (x: number) => x.toFixed(0).padStart(5);
  console.log(`${label.padEnd(42)} wall first ${f(wall[0])} ms, best ${f(Math.min(...wall))} ms; cpu best ${f(Math.min(...cpu))} ms  (${out} deleted)`);
}

// ECR: 50 rules: a protecting rule, 46 tagged rules (patterns and prefixes, counts and ages), one untagged, one any.
const ecrRules: object[] = [
  { rulePriority: 1, selection: { tagStatus: 'tagged', tagPatternList: ['prod'], countType: 'imageCountMoreThan', countNumber: 9999 }, action: { type: 'expire' } },
  { rulePriority: 2, selection: { tagStatus: 'tagged', tagPatternList: ['v*.*.*'], countType: 'imageCountMoreThan', countNumber: 500 }, action: { type: 'expire' } },
];
for (let i = 0; i < 46; i++) {
  const fam = FAMILIES[i];
  const selection = i % 2 === 0
    ? { tagStatus: 'tagged', tagPatternList: [`${fam}-build-*`], countType: 'imageCountMoreThan', countNumber: 100 + i }
    : { tagStatus: 'tagged', tagPrefixList: [`${fam}-`], countType: 'sinceImagePushed', countUnit: 'days', countNumber: 30 + i };
  ecrRules.push({ rulePriority: 10 + i, description: `rule for ${fam}`, selection, action: { type: 'expire' } });
}
ecrRules.push({ rulePriority: 90, selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 7 }, action: { type: 'expire' } });
ecrRules.push({ rulePriority: 99, selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 20_000 }, action: { type: 'expire' } });
const ecrText = JSON.stringify({ rules: ecrRules });
const ecrImages: EcrImage[] = base.map((b) => ({ imageDigest: b.digest, imageTags: b.tags, imagePushedAt: b.pushedAt }));

const neutralRules: RetentionRuleSpec[] = [
  { tagState: TagState.TAGGED, tagPatterns: ['v*.*.*'], keepMostRecent: 500 },
  ...FAMILIES.slice(0, 47).map((fam, i) => (i % 2 === 0
    ? { tagState: TagState.TAGGED, tagPatterns: [`${fam}-build-*`], keepMostRecent: 100 + i }
    : { tagState: TagState.TAGGED, tagPatterns: [`${fam}-*`], expireAfterDays: 30 + i })),
  { tagState: TagState.UNTAGGED, expireAfterDays: 7 },
  { tagState: TagState.ANY, keepMostRecent: 20_000 },
];

// GAR: 10 policies over 100,000 versions of 20 packages.
const garPolicies = [
  { id: 'untagged', action: 'DELETE', condition: { tag_state: 'UNTAGGED', older_than: '604800s' } },
  { id: 'builds', action: 'DELETE', condition: { tag_state: 'TAGGED', tag_prefixes: FAMILIES.slice(0, 24).map((f) => `${f}-`), older_than: '2592000s' } },
  { id: 'old', action: 'DELETE', condition: { older_than: '31536000s' } },
  { id: 'keep-prod', action: 'KEEP', condition: { tag_state: 'TAGGED', tag_prefixes: ['prod'] } },
  { id: 'keep-releases', action: 'KEEP', condition: { tag_state: 'TAGGED', tag_prefixes: ['v1.'] } },
  ...Array.from({ length: 5 }, (_, i) => ({ id: `recent-${i}`, action: 'KEEP', most_recent_versions: { package_name_prefixes: [`pkg${i}`], keep_count: 50 + i } })),
];
const garVersions: GarVersion[] = base.map((b, i) => ({ packageName: `pkg${i % 20}`, version: b.digest, tags: b.tags, createTime: b.pushedAt }));

// ACR: three purge commands over 100,000 manifests in 20 repositories.
const acrCommands = [
  'acr purge --filter "repo1.*:^team1.*-build-" --ago 30d --keep 10',
  'acr purge --filter "repo.*:^team2" --filter "repo1:^team3" --ago 60d --keep 25 --untagged',
  'acr purge --untagged-only --ago 7d',
];
const acrManifests: AcrManifest[] = base.map((b, i) => ({
  repository: `repo${i % 20}`, digest: b.digest, lastUpdateTime: b.pushedAt, tags: b.tags.map((name) => ({ name, lastUpdateTime: b.pushedAt })),
}));

console.log(`${N.toLocaleString()} images; ECR policy ${ecrRules.length} rules (${ecrText.length} chars); GAR ${garPolicies.length} policies; ACR ${acrCommands.length} commands`);
time('EcrLifecycleEvaluator, 50 rules', () => EcrLifecycleEvaluator.evaluate(ecrText, ecrImages, { now: NOW }).expired.length);
time('RetentionEvaluator (neutral), 50 rules', () => RetentionEvaluator.evaluate({ protectedTags: ['prod'], rules: neutralRules }, base, { now: NOW }).expired.length);
time('GarCleanupEvaluator, 10 policies', () => GarCleanupEvaluator.evaluate(JSON.stringify(garPolicies), garVersions, { now: NOW }).deleted.length);
time('AcrPurgeEvaluator, 3 commands', () => {
  const r = AcrPurgeEvaluator.evaluate(acrCommands, acrManifests, { now: NOW });
  return r.deletedTags.length + r.deletedManifests.length;
});
const heap = process.memoryUsage();
console.log(`peak-ish heap used ${(heap.heapUsed / 2 ** 20).toFixed(0)} MiB, rss ${(heap.rss / 2 ** 20).toFixed(0)} MiB`);
