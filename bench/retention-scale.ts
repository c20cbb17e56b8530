/**
 * Retention evaluation at scale (run by synth-scale.bench.ts in its own process;
 * `tsx bench/retention-scale.ts` alone prints the same JSON lines): 100,000
 * images per cloud against the native policies our translations produce for the
 * benchmark spec, plus the neutral evaluator on the spec's own policy:
 * - ECR: one repository of 100,000 images, its lifecycle policy
 *   (`EcrLifecycleTranslation` of the registry-wide retention);
 * - GAR: one environment's repository, 100,000 versions of the 1,000 packages, its
 *   cleanup policies (`GarCleanupTranslation` of every image's retention, as the
 *   GCP construct calls it);
 * - ACR: the registry, 100,000 manifests over its 3,000 repositories (1,000 images
 *   x 3 environments), its purge commands (`AcrPurgeTranslation`, as the Azure
 *   construct calls it);
 * - Harbor: the project (`repositories` layout: one project), 100,000 artifacts
 *   over its 3,000 repositories, its retention policy (`HarborRetentionTranslation`
 *   of every repository's retention, as the Harbor construct calls it);
 * - neutral: `RetentionEvaluator` on the registry-wide policy, the ECR images.
 * Images are generated deterministically (Park-Miller), as in
 * retention-evaluators.bench.ts, with tags the spec's patterns select.
 *
 *   tsx bench/retention-scale.ts [images in the spec] [evaluators: ecr,neutral,gar,acr,harbor]
 *
 * Each line: the median of 5 runs (wall and this process's CPU time), the first
 * run, and how many images the policy deletes.
 */
import { performance } from 'perf_hooks';
import { IMAGES, scaleSpec } from './scale-spec';
import {
  AcrManifest, AcrPurgeEvaluator, AcrPurgeTranslation, EcrImage, EcrLifecycleEvaluator, EcrLifecycleTranslation,
  GarCleanupEvaluator, GarCleanupTranslation, GarVersion, HarborArtifact, HarborRetentionEvaluator, HarborRetentionTranslation, RetentionEvaluator,
} from '../src/retention';
import { EffectiveSpec, Naming } from '../src/spec';

const N = 100_000;
const DAY = 86_400_000;
const NOW = new Date('2026-06-01T00:00:00Z');

let seed = 20261126;
function rand(): number {
  seed = (seed * 48271) % 2147483647;
  return seed / 2147483647;
}

/** Tags for image i of a repository: untagged, pull-request, main, feature, nightly and release builds; environment tags on the newest. */
function tagsFor(i: number, newest: boolean): string[] {
  const r = rand();
  const tags = r < 0.15 ? [] : r < 0.45 ? [`pr-${i}`] : r < 0.7 ? [`main-${i.toString(16)}`] : r < 0.8 ? [`feature-x${i % 50}-${i}`]
    : r < 0.9 ? [`nightly-${i}`] : [`v1.${i}.0`];
  if (newest) tags.push('prod', 'staging');
  return tags;
}

/** The images, each with the repository (index) it belongs to, pushed over 400 days. */
function images(repositories: number): Array<{ repo: number; digest: string; tags: string[]; pushedAt: Date }> {
  seed = 20261126; // every cloud's images are the same whichever evaluators run
  const out = [];
  const lastOf = new Map<number, number>();
  for (let i = 0; i < N; i++) lastOf.set(i % repositories, i);
  for (let i = 0; i < N; i++) {
    const repo = i % repositories;
    out.push({
      repo,
      digest: `sha256:${((i * 2654435761) % 4294967296).toString(16).padStart(8, '0')}${i.toString(16).padStart(8, '0')}`,
      tags: tagsFor(i, lastOf.get(repo) === i),
      pushedAt: new Date(NOW.getTime() - Math.floor(rand() * 400 * DAY)),
    });
  }
  return out;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function time(label: string, policy: string, fn: () => number, runs = 5): void {
  const wall: number[] = [];
  const cpu: number[] = [];
  let deleted = 0;
  for (let r = 0; r < runs; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    deleted = fn();
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  console.log(JSON.stringify({ label, policy, images: N, runs, medianMs: median(wall), cpuMedianMs: median(cpu), firstMs: wall[0], deleted }));
}

const spec = scaleSpec(process.argv[2] ? Number(process.argv[2]) : IMAGES);
const only = process.argv[3]?.split(',');
const wanted = (name: string): boolean => !only || only.includes(name);
const repos = EffectiveSpec.repositories(spec);
const retention = EffectiveSpec.retention(spec, spec.repositories.find((r) => !r.retention)!);

// ECR and neutral: one repository.
const one = images(1);
if (wanted('ecr')) {
  const ecrText = EcrLifecycleTranslation.translate(retention).policyText!;
  const ecrImages: EcrImage[] = one.map((b) => ({ imageDigest: b.digest, imageTags: b.tags, imagePushedAt: b.pushedAt }));
  const ecrRules = JSON.parse(ecrText).rules.length;
  time('ECR lifecycle policy', `${ecrRules} rules, one repository`, () => EcrLifecycleEvaluator.evaluate(ecrText, ecrImages, { now: NOW }).expired.length);
}
if (wanted('neutral')) {
  time('neutral RetentionEvaluator', `${retention.rules!.length} rules + protected, one repository`,
    () => RetentionEvaluator.evaluate(retention, one, { now: NOW }).expired.length);
}

// GAR: one environment's repository, the 1,000 packages.
if (wanted('gar')) {
  const packages = spec.repositories.map((r) => Naming.garPackageName(spec, r.name));
  const gar = GarCleanupTranslation.translate(
    spec.repositories.map((r) => ({ packageName: Naming.garPackageName(spec, r.name), policy: EffectiveSpec.retention(spec, r) })),
    { allPackageNames: packages },
  );
  const garJson = GarCleanupTranslation.toTerraformJson(gar.policies);
  const garVersions: GarVersion[] = images(packages.length).map((b) => ({
    packageName: packages[b.repo], version: b.digest, tags: b.tags, createTime: b.pushedAt,
  }));
  const prefixes = gar.policies.map((p) => (p.condition?.packageNamePrefixes ?? p.mostRecentVersions?.packageNamePrefixes ?? []).length);
  time('GAR cleanup policies', `${gar.policies.length} policies (${Math.min(...prefixes)} to ${Math.max(...prefixes)} package name prefixes each), ${packages.length} packages`,
    () => GarCleanupEvaluator.evaluate(garJson, garVersions, { now: NOW }).deleted.length);
}

// ACR: the registry's repositories (every image in every environment).
if (wanted('acr')) {
  const acrRepos = repos.map((r) => Naming.acrRepositoryPath(spec, r.image, r.environment));
  const acr = AcrPurgeTranslation.translate(repos.map((r, k) => ({ repository: acrRepos[k], policy: r.retention })), { allRepositories: acrRepos });
  const acrManifests: AcrManifest[] = images(acrRepos.length).map((b) => ({
    repository: acrRepos[b.repo], digest: b.digest, lastUpdateTime: b.pushedAt, tags: b.tags.map((name) => ({ name, lastUpdateTime: b.pushedAt })),
  }));
  const acrPolicy = `${acr.commands.length} commands (${acr.commands.join('\n').length.toLocaleString('en-US')} chars), ${acrRepos.length} repositories`;
  time('ACR purge commands', acrPolicy, () => {
    const r = AcrPurgeEvaluator.evaluate(acr.commands, acrManifests, { now: NOW });
    return r.deletedManifests.length;
  });
}

// Harbor: the project's repositories (one project with the `repositories` layout).
if (wanted('harbor')) {
  const project = HarborRetentionTranslation.projects(spec)[0];
  const harbor = HarborRetentionTranslation.translate(project.repositories);
  const harborArtifacts: HarborArtifact[] = images(project.repositories.length).map((b) => ({
    repository: `${project.project}/${project.repositories[b.repo].repository}`, digest: b.digest, tags: b.tags, pushedAt: b.pushedAt,
  }));
  time('Harbor retention policy', `${harbor.ruleCount} rules (${harbor.policyJson.length.toLocaleString('en-US')} chars), ${project.repositories.length} repositories`,
    () => HarborRetentionEvaluator.evaluate(harbor.policyJson, harborArtifacts, { now: NOW }).deleted.length);
}
console.log(JSON.stringify({ label: 'memory', maxRssMiB: process.resourceUsage().maxRSS / 1024 }));
