/**
 * Times the retention evaluators on 100,000 images against synthetic policies at
 * the clouds' limits (prints numbers; not a test). Run: `npm run bench:retention`
 * (or `npx tsx bench/run.ts retention`). Target: every evaluator under 1 s,
 * including Artifact Registry policies whose `package_name_prefixes` list
 * hundreds of packages and whose `tag_prefixes` list many prefixes (issue 20).
 * The policies our translations produce for the benchmark spec are timed by
 * `retention-scale.ts` (run by the synthesis benchmark). Each line: the median
 * of 5 runs in this process, wall and CPU time (user + system; on a shared,
 * loaded machine the steadier number), and the first run.
 */
import { performance } from 'perf_hooks';
import {
  AcrManifest, AcrPurgeEvaluator, EcrImage, EcrLifecycleEvaluator, GarCleanupEvaluator, GarVersion, HarborArtifact, HarborRetentionEvaluator,
  RetentionEvaluator,
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
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
function time(label: string, fn: () => number, runs = 5): void {
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
  console.log(`${label.padEnd(58)} median ${f(median(wall))} ms, cpu ${f(median(cpu))} ms; first ${f(wall[0])} ms  (${out} deleted)`);
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

// GAR, long lists: 10 policies over 100,000 versions of 2,000 packages, each listing 500 packages by name and
// (the tagged ones) 100 tag prefixes: the shape of a translation that names every image of a large registry.
const longPackages = Array.from({ length: 2000 }, (_, i) => `team-${String(i % 40).padStart(2, '0')}/svc-${String(i).padStart(4, '0')}`);
const some = (k: number) => longPackages.filter((_, i) => i % 4 === k % 4).slice(0, 500);
const tagPrefixes = [...FAMILIES.map((f) => `${f}-`), ...Array.from({ length: 52 }, (_, i) => `v${i}.`)];
const garLongPolicies = [
  { id: 'untagged', action: 'DELETE', condition: { tag_state: 'UNTAGGED', package_name_prefixes: some(0), older_than: '604800s' } },
  ...Array.from({ length: 4 }, (_, k) => ({
    id: `builds-${k}`, action: 'DELETE', condition: { tag_state: 'TAGGED', tag_prefixes: tagPrefixes, package_name_prefixes: some(k), older_than: `${(30 + k) * 86400}s` },
  })),
  { id: 'old', action: 'DELETE', condition: { package_name_prefixes: some(1), older_than: '31536000s' } },
  { id: 'keep-prod', action: 'KEEP', condition: { tag_state: 'TAGGED', tag_prefixes: ['prod', ...tagPrefixes.slice(48)], package_name_prefixes: some(2) } },
  { id: 'keep-releases', action: 'KEEP', condition: { tag_state: 'TAGGED', tag_prefixes: tagPrefixes.slice(40), package_name_prefixes: some(3) } },
  { id: 'recent-a', action: 'KEEP', most_recent_versions: { package_name_prefixes: some(0), keep_count: 30 } },
  { id: 'recent-b', action: 'KEEP', most_recent_versions: { package_name_prefixes: some(3), keep_count: 10 } },
];
const garLongVersions: GarVersion[] = base.map((b, i) => ({
  packageName: longPackages[i % longPackages.length], version: b.digest, tags: b.tags, createTime: b.pushedAt,
}));

// ACR: three purge commands over 100,000 manifests in 20 repositories.
const acrCommands = [
  'acr purge --filter "repo1.*:^team1.*-build-" --ago 30d --keep 10',
  'acr purge --filter "repo.*:^team2" --filter "repo1:^team3" --ago 60d --keep 25 --untagged',
  'acr purge --untagged-only --ago 7d',
];
const acrManifests: AcrManifest[] = base.map((b, i) => ({
  repository: `repo${i % 20}`, digest: b.digest, lastUpdateTime: b.pushedAt, tags: b.tags.map((name) => ({ name, lastUpdateTime: b.pushedAt })),
}));

// Harbor: 15 rules (Harbor's limit) over 100,000 artifacts of 20 repositories, each rule scoped to named repositories.
const repoList = (k: number) => `{${Array.from({ length: 10 }, (_, j) => `repo${(k + j) % 20}`).join(',')}}`;
const harborRules = [
  { template: 'always', params: {}, tag: { decoration: 'matches', pattern: '{prod,v*}' }, repo: '**' },
  ...FAMILIES.slice(0, 12).map((fam, k) => (k % 2 === 0
    ? { template: 'latestPushedK', params: { latestPushedK: 100 + k }, tag: { decoration: 'matches', pattern: `${fam}-build-*` }, repo: repoList(k) }
    : { template: 'nDaysSinceLastPush', params: { nDaysSinceLastPush: 30 + k }, tag: { decoration: 'matches', pattern: `{${fam}-*,${FAMILIES[k + 12]}-*}` }, repo: repoList(k) })),
  { template: 'nDaysSinceLastPush', params: { nDaysSinceLastPush: 7 }, tag: { decoration: 'excludes', pattern: '**' }, repo: '**' },
  { template: 'latestPushedK', params: { latestPushedK: 2000 }, tag: { decoration: 'matches', pattern: '**' }, repo: '**' },
];
const harborPolicy = JSON.stringify({
  algorithm: 'or',
  rules: harborRules.map((r) => ({
    disabled: false,
    action: 'retain',
    template: r.template,
    params: r.params,
    tag_selectors: [{ kind: 'doublestar', ...r.tag, extras: JSON.stringify({ untagged: r.tag.decoration === 'matches' && r.repo === '**' }) }],
    scope_selectors: { repository: [{ kind: 'doublestar', decoration: 'repoMatches', pattern: r.repo }] },
  })),
});
const harborArtifacts: HarborArtifact[] = base.map((b, i) => ({ repository: `platform/repo${i % 20}`, digest: b.digest, tags: b.tags, pushedAt: b.pushedAt }));

console.log(`${N.toLocaleString()} images; ECR policy ${ecrRules.length} rules (${ecrText.length} chars); GAR ${garPolicies.length} policies; `
  + `GAR long lists ${garLongPolicies.length} policies (${JSON.stringify(garLongPolicies).length.toLocaleString('en-US')} chars); ACR ${acrCommands.length} commands; `
  + `Harbor ${harborRules.length} rules`);
time('EcrLifecycleEvaluator, 50 rules', () => EcrLifecycleEvaluator.evaluate(ecrText, ecrImages, { now: NOW }).expired.length);
time('RetentionEvaluator (neutral), 50 rules', () => RetentionEvaluator.evaluate({ protectedTags: ['prod'], rules: neutralRules }, base, { now: NOW }).expired.length);
time('GarCleanupEvaluator, 10 policies, 20 packages', () => GarCleanupEvaluator.evaluate(JSON.stringify(garPolicies), garVersions, { now: NOW }).deleted.length);
time('GarCleanupEvaluator, 10 policies x 500 packages, 100 tag prefixes',
  () => GarCleanupEvaluator.evaluate(JSON.stringify(garLongPolicies), garLongVersions, { now: NOW }).deleted.length);
time('AcrPurgeEvaluator, 3 commands', () => {
  const r = AcrPurgeEvaluator.evaluate(acrCommands, acrManifests, { now: NOW });
  return r.deletedTags.length + r.deletedManifests.length;
});
time('HarborRetentionEvaluator, 15 rules', () => HarborRetentionEvaluator.evaluate(harborPolicy, harborArtifacts, { now: NOW }).deleted.length);
console.log(`peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
