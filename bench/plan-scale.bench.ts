/**
 * `plan` at scale (issue 20): the benchmark spec (bench/scale-spec.ts) at 500,
 * 1,000, 2,000 and 3,000 repositories (167, 333, 667 and 1,000 images x 3
 * environments), planned for AWS, GCP and Azure by the CLI (`container-registry
 * plan <spec> --out <file>`), next to synthesizing the same spec on the same
 * clouds (the synthesis benchmark's `ours` children: AWS with aws-cdk-lib's
 * template validation, as `cdk synth` runs, plus GCP and Azure; and the same
 * with AWS validation off, as the plan renders its AWS stack).
 *
 *   npx tsx bench/run.ts plan          (or `npm run bench:plan`)
 *   BENCH_RUNS=3 BENCH_PLAN_IMAGES=167,1000 npx tsx bench/plan-scale.bench.ts
 *
 * Every measurement is a fresh process (`children/plan.ts`, `children/*-ours.ts`),
 * so its peak resident memory is its own; plan and synthesis alternate. Imports
 * are not timed on either side; the plan's time includes reading and validating
 * the spec file and writing the plan, as the command does. Reported: medians of
 * BENCH_RUNS runs (default 3) of wall and CPU time, plan / synthesis, peak RSS,
 * and what one more repository costs between sizes (time and memory grow
 * linearly when those increments stay flat).
 */
import { spawnSync } from 'child_process';
import { mkdtempSync, rmSync } from 'fs';
import { loadavg, tmpdir } from 'os';
import { join } from 'path';
import { machineLine, median, mib, table } from './report';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const SIZES = (process.env.BENCH_PLAN_IMAGES ?? '167,333,667,1000').split(',').map(Number);
const TSX = join(__dirname, '../node_modules/.bin/tsx');

interface PlanRun {
  repositories: number;
  wallMs: number;
  cpuMs: number;
  rssBeforeMiB: number;
  maxRssMiB: number;
  heapUsedAfterMiB: number;
  planBytes: number;
}
interface SynthRun { totalMs: number; cpuMs: number; maxRssMiB: number; noValidationMs: number; noValidationCpuMs: number }

function child(script: string, args: string[]): any {
  const res = spawnSync(TSX, [join(__dirname, script), ...args], { encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
  if (res.status !== 0) throw new Error(`${script} ${args.join(' ')} failed (exit ${res.status}):\n${res.stderr}\n${res.stdout}`);
  const lines = res.stdout.trim().split('\n').filter((l) => l.startsWith('{'));
  return JSON.parse(lines[lines.length - 1]);
}

const ms = (x: number): string => `${Math.round(x).toLocaleString('en-US')} ms`;

console.log(machineLine());
console.log(`plan of the benchmark spec (aws, gcp, azure) vs synthesizing it; ${RUNS} runs per size, each in a fresh process\n`);

interface SizeResult { images: number; plan: PlanRun[]; synth: SynthRun[] }
const results: SizeResult[] = [];
const scratch = mkdtempSync(join(tmpdir(), 'plan-scale-'));
try {
  for (const images of SIZES) {
    const result: SizeResult = { images, plan: [], synth: [] };
    for (let r = 0; r < RUNS; r++) {
      result.plan.push(child('children/plan.ts', [String(images), scratch]));
      // Synthesis of the same spec on the same clouds: one fresh process per cloud, times and CPU added, the largest peak.
      const synth = (cloud: string) => {
        const outdir = join(scratch, `${cloud}-${images}-${r}`);
        const m = child(`children/${cloud.replace('-novalidation', '')}-ours.ts`, [cloud, outdir, '', String(images)]);
        rmSync(outdir, { recursive: true, force: true });
        return m;
      };
      const [aws, awsNoValidation, gcp, azure] = ['aws', 'aws-novalidation', 'gcp', 'azure'].map(synth);
      result.synth.push({
        totalMs: aws.totalMs + gcp.totalMs + azure.totalMs,
        cpuMs: aws.cpuMs + gcp.cpuMs + azure.cpuMs,
        maxRssMiB: Math.max(aws.maxRssMiB, gcp.maxRssMiB, azure.maxRssMiB),
        noValidationMs: awsNoValidation.totalMs + gcp.totalMs + azure.totalMs,
        noValidationCpuMs: awsNoValidation.cpuMs + gcp.cpuMs + azure.cpuMs,
      });
      const p = result.plan[r];
      process.stdout.write(`${p.repositories} repositories, run ${r + 1}/${RUNS}: plan ${ms(p.wallMs)} (cpu ${ms(p.cpuMs)}, peak ${mib(p.maxRssMiB)}), `
        + `synthesis ${ms(result.synth[r].totalMs)} (cpu ${ms(result.synth[r].cpuMs)})\n`);
    }
    results.push(result);
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

const row = (r: SizeResult) => ({
  repositories: r.plan[0].repositories,
  planMs: median(r.plan.map((p) => p.wallMs)),
  planCpuMs: median(r.plan.map((p) => p.cpuMs)),
  synthMs: median(r.synth.map((s) => s.totalMs)),
  synthCpuMs: median(r.synth.map((s) => s.cpuMs)),
  noValidationCpuMs: median(r.synth.map((s) => s.noValidationCpuMs)),
  rssBefore: median(r.plan.map((p) => p.rssBeforeMiB)),
  peak: median(r.plan.map((p) => p.maxRssMiB)),
  synthPeak: median(r.synth.map((s) => s.maxRssMiB)),
  planBytes: r.plan[0].planBytes,
});
const rows = results.map(row);
console.log(`\nplan (aws, gcp, azure) vs synthesis of the same spec, median of ${RUNS} runs:\n`);
console.log(table(
  ['repositories', 'plan', 'plan cpu', 'synthesis', 'synthesis cpu', 'plan / synthesis (cpu)', 'synthesis cpu, AWS unvalidated', 'plan / that',
    'plan peak RSS', 'plan RSS growth', 'synthesis peak RSS (largest cloud)', 'plan text'],
  rows.map((x) => [
    x.repositories.toLocaleString('en-US'), ms(x.planMs), ms(x.planCpuMs), ms(x.synthMs), ms(x.synthCpuMs), (x.planCpuMs / x.synthCpuMs).toFixed(2),
    ms(x.noValidationCpuMs), (x.planCpuMs / x.noValidationCpuMs).toFixed(2),
    mib(x.peak), mib(x.peak - x.rssBefore), mib(x.synthPeak), `${(x.planBytes / 2 ** 20).toFixed(1)} MiB`,
  ]),
));
if (rows.length > 1) {
  console.log('\nwhat each further repository costs between sizes (flat = linear growth):\n');
  console.log(table(
    ['repositories', 'plan cpu per repository', 'plan peak RSS per repository'],
    rows.slice(1).map((x, k) => {
      const prev = rows[k];
      const d = x.repositories - prev.repositories;
      return [`${prev.repositories.toLocaleString('en-US')} -> ${x.repositories.toLocaleString('en-US')}`,
        `${((x.planCpuMs - prev.planCpuMs) / d).toFixed(2)} ms`, `${(((x.peak - prev.peak) * 1024) / d).toFixed(0)} KiB`];
    }),
  ));
}
console.log(`\nload average at end ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
