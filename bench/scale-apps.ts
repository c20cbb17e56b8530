/**
 * What the benchmark's apps share: the clouds, the deployment targets, and the
 * measured child's harness. The apps themselves are built in `ours-*.ts` and
 * `baseline-*.ts`; each measured child (`children/*.ts`) statically imports only
 * its own cloud's and variant's modules, so that its peak memory is its own.
 */
import { performance } from 'perf_hooks';
import { startCpuProfile } from './report';
import { IMAGES, scaleSpec } from './scale-spec';
import { RegistrySpec } from '../src/spec';

/**
 * The targets measured: `aws-novalidation` is AWS with aws-cdk-lib's built-in template
 * validation off; `<cloud>-large` is the large Terraform app (`largeSpecs`: 30 registry
 * specs of 100 images x 3 environments, one stack each; 90 on Harbor), since one spec's
 * stack holds fewer than 20 resources on GCP, Azure and Harbor.
 */
export type BenchCloud = 'aws' | 'aws-novalidation' | 'gcp' | 'azure' | 'harbor' | 'gcp-large' | 'azure-large' | 'harbor-large';
export const BENCH_CLOUDS: BenchCloud[] = ['aws', 'aws-novalidation', 'gcp', 'gcp-large', 'azure', 'azure-large', 'harbor', 'harbor-large'];
export type BenchVariant = 'ours' | 'baseline';

/**
 * The large Terraform app: 30 specs of 100 images (x 3 environments) on GCP and Azure;
 * 90 on Harbor, whose stacks hold 7 resources each, so that its baseline too takes about a second.
 */
export const LARGE_SPECS: { [cloud: string]: number } = { gcp: 30, azure: 30, harbor: 90 };
export const LARGE_IMAGES = 100;

/** The specs of a large app: the benchmark spec with 100 images, named `platform-00`, `platform-01`, ... */
export function largeSpecs(count: number, images: number = LARGE_IMAGES): RegistrySpec[] {
  return Array.from({ length: count }, (_, i) => ({ ...scaleSpec(images), name: `platform-${String(i).padStart(2, '0')}` }));
}

/** The cloud a target synthesizes on (`gcp-large` -> `gcp`). */
export function cloudOf(target: BenchCloud): 'aws' | 'gcp' | 'azure' | 'harbor' {
  return target.startsWith('aws') ? 'aws' : target.replace(/-large$/, '') as 'gcp' | 'azure' | 'harbor';
}

export const AWS_ENV = { account: '123456789012', region: 'eu-west-1' };
export const GCP_PROJECT = 'example-platform';
export const GCP_LOCATION = 'europe-west1';
export const AZURE_RESOURCE_GROUP = 'platform-registry';
export const AZURE_LOCATION = 'westeurope';
export const HARBOR_URL = 'https://harbor.example.com';
export const HARBOR_USERNAME = 'terraform';

/** One prepared app: `build()` creates the constructs, `synth()` writes them to the app's outdir. */
export interface PreparedApp {
  build(): void;
  synth(): void;
}

/** The arguments of a measured child. */
export interface ChildArgs {
  readonly cloud: BenchCloud;
  readonly outdir: string;
  /** Ours' output the baseline recreates (baseline only). */
  readonly referenceDir: string;
  /** The specs of the app: one (`scaleSpec`), or the large app's (`largeSpecs`). */
  readonly specs: RegistrySpec[];
}

/** The child script that measures a cloud and variant. */
export function childScript(cloud: BenchCloud, variant: BenchVariant): string {
  const base = cloudOf(cloud);
  return variant === 'baseline' && base !== 'aws' ? 'children/terraform-baseline.ts' : `children/${base}-${variant}.ts`;
}

/**
 * Runs one measurement in this (fresh) process:
 *
 *   tsx bench/children/<cloud>-<variant>.ts <target> <outdir> [referenceDir] [images]
 *
 * `prepare` loads nothing new and precomputes what the variant may precompute;
 * then build and synth are timed. Prints one JSON line: preparation, build and
 * synth times (wall, ms), the CPU time of build + synth, and the process's peak
 * resident memory (`maxRSS`). With `BENCH_CPU_PROFILE=<file.cpuprofile>`, also
 * writes a CPU profile of the timed region alone (summarize it with
 * `tsx bench/profile-summary.ts <file>`).
 */
export function runChild(variant: BenchVariant, prepare: (args: ChildArgs) => Promise<PreparedApp>): void {
  const main = async () => {
    const [cloud, outdir, referenceDir, images] = process.argv.slice(2);
    if (!BENCH_CLOUDS.includes(cloud as BenchCloud) || !outdir || (variant === 'baseline' && !referenceDir)) {
      throw new Error(`usage: <${BENCH_CLOUDS.join('|')}> <outdir> [referenceDir] [images]`);
    }
    const t0 = performance.now();
    const specs = cloud.endsWith('-large') ? largeSpecs(LARGE_SPECS[cloudOf(cloud as BenchCloud)]) : [scaleSpec(images ? Number(images) : IMAGES)];
    const app = await prepare({ cloud: cloud as BenchCloud, outdir, referenceDir, specs });
    const stopProfile = await startCpuProfile();
    const cpu0 = process.cpuUsage();
    const t1 = performance.now();
    app.build();
    const t2 = performance.now();
    app.synth();
    const t3 = performance.now();
    const cpu = process.cpuUsage(cpu0);
    await stopProfile();
    console.log(JSON.stringify({
      cloud,
      variant,
      prepareMs: t1 - t0,
      buildMs: t2 - t1,
      synthMs: t3 - t2,
      totalMs: t3 - t1,
      cpuMs: (cpu.user + cpu.system) / 1000,
      maxRssMiB: process.resourceUsage().maxRSS / 1024,
    }));
  };
  main().catch((e) => {
    console.error(e?.stack ?? e);
    process.exit(1);
  });
}
