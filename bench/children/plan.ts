/**
 * One measured `plan` run (see ../plan-scale.bench.ts), in a fresh process:
 *
 *   tsx bench/children/plan.ts <images> <scratch dir> [clouds, default aws,gcp,azure]
 *
 * Writes the benchmark spec (`scaleSpec(images)`, 3 environments, `repositories`
 * layout) as a JSON spec file, loads the CLI and the cloud modules `plan` loads
 * lazily (not timed, as the synthesis benchmark does not time imports), then
 * times `container-registry plan <spec> --cloud <clouds> --out <file>` in this
 * process. Prints one JSON line: the repositories, wall and CPU time, the
 * resident memory before the plan and the process's peak (`maxRSS`), the heap
 * used after, and the size of the plan. With `BENCH_CPU_PROFILE=<file>`, also
 * writes a CPU profile of the timed region.
 */
import { statSync, writeFileSync } from 'fs';
import { join } from 'path';
import { performance } from 'perf_hooks';
import '../../src/aws/ecr-registry';
import '../../src/aws/ecr-policy-plan';
import '../../src/gcp/gar-policy-plan';
import '../../src/azure/acr-policy-plan';
import '../../src/harbor/harbor-policy-plan';
import { main } from '../../src/cli/main';
import { EffectiveSpec } from '../../src/spec';
import { startCpuProfile } from '../report';
import { scaleSpec } from '../scale-spec';

async function run(): Promise<void> {
  const [images, dir, clouds = 'aws,gcp,azure'] = process.argv.slice(2);
  const spec = scaleSpec(Number(images));
  const specFile = join(dir, `spec-${images}.json`);
  const planFile = join(dir, `plan-${images}.txt`);
  writeFileSync(specFile, JSON.stringify(spec));
  const errors: string[] = [];
  const io = { out: () => undefined, err: (line: string) => { errors.push(line); }, stdin: async () => '' };
  // Warm nothing else: the spec is read, validated and planned inside the timed region, as the command does.
  const stopProfile = await startCpuProfile();
  const rssBefore = process.memoryUsage().rss;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const code = await main(['plan', specFile, '--cloud', clouds, '--out', planFile], io);
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  await stopProfile();
  if (code !== 0) throw new Error(`plan failed (exit ${code}): ${errors.join('\n')}`);
  console.log(JSON.stringify({
    images: Number(images),
    repositories: EffectiveSpec.repositories(spec).length,
    clouds,
    wallMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    rssBeforeMiB: rssBefore / 2 ** 20,
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
    heapUsedAfterMiB: process.memoryUsage().heapUsed / 2 ** 20,
    planBytes: statSync(planFile).size,
  }));
}

run().catch((e) => {
  console.error(e?.stack ?? e);
  process.exit(1);
});
