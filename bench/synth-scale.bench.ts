/**
 * Synthesis at scale: a 1,000-image platform (x 3 environments, `repositories`
 * layout) with retention, scanning and access, on AWS (with and without
 * aws-cdk-lib's template validation), GCP, Azure and Harbor, and the large
 * Terraform apps (`gcp-large`, `azure-large`, `harbor-large`: 30 specs of 100
 * images in one app, 90 on Harbor), next to a baseline that creates the same
 * native resources with the raw classes.
 *
 *   npm run bench                      (every benchmark)
 *   npx tsx bench/run.ts synth         (this one)
 *   BENCH_RUNS=3 BENCH_IMAGES=300 BENCH_CLOUDS=gcp,azure-large npx tsx bench/synth-scale.bench.ts
 *
 * Each measured run is a fresh child process (`children/*.ts`), so its peak
 * resident memory (`process.resourceUsage().maxRSS`) is its own; ours and the
 * baseline alternate, so that load from elsewhere on the machine hits both alike.
 * Reported: the median of BENCH_RUNS runs (default 5) of build + synth (wall and
 * CPU), the ratio ours / baseline, peak memory; the AWS stacks; retention
 * evaluation of 100,000 images per cloud (`retention-scale.ts`, its own process).
 * Every baseline run's output is checked against ours (same stacks, resource
 * types, counts, logical ids and properties); a difference fails the benchmark.
 */
import { spawnSync } from 'child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'fs';
import { loadavg, tmpdir } from 'os';
import { join } from 'path';
import { awsTemplateFiles, compareAws, compareTerraform } from './baseline';
import { machineLine, median, mib, table } from './report';
import { BENCH_CLOUDS, BenchCloud, childScript, LARGE_IMAGES, LARGE_SPECS } from './scale-apps';
import { IMAGES } from './scale-spec';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const IMAGE_COUNT = Number(process.env.BENCH_IMAGES ?? IMAGES);
const CLOUDS = (process.env.BENCH_CLOUDS?.split(',') ?? BENCH_CLOUDS) as BenchCloud[];
const TSX = join(__dirname, '../node_modules/.bin/tsx');

interface Measure {
  prepareMs: number;
  buildMs: number;
  synthMs: number;
  totalMs: number;
  cpuMs: number;
  maxRssMiB: number;
}

function child(script: string, args: string[]): string[] {
  const res = spawnSync(TSX, [join(__dirname, script), ...args], { encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
  if (res.status !== 0) {
    throw new Error(`${script} ${args.join(' ')} failed (exit ${res.status}):\n${res.stderr}\n${res.stdout}`);
  }
  return res.stdout.trim().split('\n').filter((l) => l.startsWith('{'));
}

function synth(cloud: BenchCloud, variant: 'ours' | 'baseline', outdir: string, referenceDir = ''): Measure {
  const lines = child(childScript(cloud, variant), [cloud, outdir, referenceDir, String(IMAGE_COUNT)]);
  return JSON.parse(lines[lines.length - 1]);
}

const medianOf = (ms: Measure[], k: keyof Measure): number => median(ms.map((m) => m[k]));
const ms = (x: number): string => (x >= 10_000 ? `${(x / 1000).toFixed(1)} s` : `${Math.round(x).toLocaleString('en-US')} ms`);


console.log(machineLine());
console.log(`spec: ${IMAGE_COUNT.toLocaleString('en-US')} images x 3 environments (repositories layout); large apps: `
  + `${Object.entries(LARGE_SPECS).map(([c, n]) => `${c} ${n}`).join(', ')} specs of ${LARGE_IMAGES} images; ${RUNS} runs per variant, each in a fresh process\n`);

interface CloudResult {
  cloud: BenchCloud;
  ours: Measure[];
  baseline: Measure[];
  resources: number;
  types: { [type: string]: number };
  stacks: number;
  largest?: { name: string; resources: number; bytes: number };
}
const results: CloudResult[] = [];
const scratch = mkdtempSync(join(tmpdir(), 'synth-scale-'));
try {
  for (const cloud of CLOUDS) {
    // The reference run (ours, not counted): its output is what the baseline recreates and is compared with.
    const referenceDir = join(scratch, `${cloud}-reference`);
    synth(cloud, 'ours', referenceDir);
    const result: CloudResult = { cloud, ours: [], baseline: [], resources: 0, types: {}, stacks: 0 };
    for (let r = 0; r < RUNS; r++) {
      const oursDir = join(scratch, `${cloud}-ours-${r}`);
      const baseDir = join(scratch, `${cloud}-baseline-${r}`);
      result.ours.push(synth(cloud, 'ours', oursDir));
      result.baseline.push(synth(cloud, 'baseline', baseDir, referenceDir));
      // Fails loudly when the baseline did not produce exactly what ours produced (and when ours is not deterministic).
      const same = cloud.startsWith('aws') ? compareAws : compareTerraform;
      const seen = same(referenceDir, baseDir);
      same(referenceDir, oursDir);
      Object.assign(result, { resources: seen.resources, types: seen.types, stacks: seen.stacks });
      rmSync(oursDir, { recursive: true, force: true });
      rmSync(baseDir, { recursive: true, force: true });
      process.stdout.write(`${cloud} run ${r + 1}/${RUNS}: ours ${ms(result.ours[r].totalMs)} (${mib(result.ours[r].maxRssMiB)}), `
        + `baseline ${ms(result.baseline[r].totalMs)} (${mib(result.baseline[r].maxRssMiB)}); baseline output = ours\n`);
    }
    if (cloud.startsWith('aws')) {
      let largest = { name: '', resources: 0, bytes: 0 };
      for (const [name, file] of awsTemplateFiles(referenceDir)) {
        const resources = Object.keys(JSON.parse(readFileSync(file, 'utf8')).Resources).length;
        const bytes = statSync(file).size;
        if (resources > largest.resources || (resources === largest.resources && bytes > largest.bytes)) largest = { name, resources, bytes };
      }
      result.largest = largest;
    }
    rmSync(referenceDir, { recursive: true, force: true });
    results.push(result);
    console.log(`${cloud}: ${result.resources.toLocaleString('en-US')} resources in ${result.stacks} stack${result.stacks === 1 ? '' : 's'}: `
      + `${Object.entries(result.types).map(([t, n]) => `${n} ${t}`).join(', ')}\n`);
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

console.log(`\nSynthesis, median of ${RUNS} runs (build = creating the constructs, synth = app.synth() to a temp outdir; the imports are not timed):\n`);
console.log(table(
  ['cloud', 'resources', 'ours build + synth', 'baseline', 'ratio', 'ratio (cpu)', 'difference', 'ours build / synth', 'baseline build / synth',
    'ours peak RSS', 'baseline peak RSS'],
  results.map((r) => [
    r.cloud,
    r.resources.toLocaleString('en-US'),
    ms(medianOf(r.ours, 'totalMs')),
    ms(medianOf(r.baseline, 'totalMs')),
    (medianOf(r.ours, 'totalMs') / medianOf(r.baseline, 'totalMs')).toFixed(2),
    (medianOf(r.ours, 'cpuMs') / medianOf(r.baseline, 'cpuMs')).toFixed(2),
    `+${ms(medianOf(r.ours, 'totalMs') - medianOf(r.baseline, 'totalMs'))}`,
    `${ms(medianOf(r.ours, 'buildMs'))} / ${ms(medianOf(r.ours, 'synthMs'))}`,
    `${ms(medianOf(r.baseline, 'buildMs'))} / ${ms(medianOf(r.baseline, 'synthMs'))}`,
    mib(medianOf(r.ours, 'maxRssMiB')),
    mib(medianOf(r.baseline, 'maxRssMiB')),
  ]),
));
const aws = results.find((r) => r.cloud.startsWith('aws'));
if (aws?.largest) {
  console.log(`\nAWS: ${aws.stacks} stacks (1 registry stack + ${aws.stacks - 1} repository stacks, the default stack count); `
    + `largest stack ${aws.largest.name}: ${aws.largest.resources} resources, ${aws.largest.bytes.toLocaleString('en-US')} template bytes `
    + '(CloudFormation limits: 500 resources, 1,000,000 bytes)');
}

console.log('\nRetention evaluation, 100,000 images, the policies our translations produce for this spec (median of 5 in one process):\n');
const retention = child('retention-scale.ts', [String(IMAGE_COUNT)]).map((l) => JSON.parse(l));
console.log(table(
  ['evaluator', 'policy', 'median', 'first run', 'deleted'],
  retention.filter((r) => r.label !== 'memory').map((r) => [r.label, r.policy.split('\n')[0], ms(r.medianMs), ms(r.firstMs), r.deleted.toLocaleString('en-US')]),
));
const mem = retention.find((r) => r.label === 'memory');
console.log(`(retention process peak RSS ${mib(mem.maxRssMiB)}, including the 4 x 100,000 generated images)`);
console.log(`\nload average at end ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
