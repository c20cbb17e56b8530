/**
 * What the benchmarks share to report: the median of 5 or 3 runs, MiB, the markdown
 * table they print, the machine line, and the CPU profile of a measured child's timed
 * region (`BENCH_CPU_PROFILE=<file.cpuprofile>`; summarize it with `tsx bench/profile-summary.ts`).
 */
import { writeFileSync } from 'fs';
import { Session } from 'inspector';
import { cpus, loadavg, totalmem } from 'os';

/** The median (the mean of the two middle values for an even count). */
export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

export const mib = (x: number): string => `${Math.round(x)} MiB`;

/** A markdown table: the first column left-aligned, the others right-aligned. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  return [line(header), `|${widths.map((w, i) => (i === 0 ? `:${'-'.repeat(w + 1)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|`, ...rows.map(line)].join('\n');
}

/** `machine: node ..., 2 x <cpu>, 23.5 GiB, load average ... at start`. */
export function machineLine(): string {
  const cpu = cpus();
  return `machine: node ${process.version}, ${cpu.length} x ${cpu[0]?.model ?? 'unknown cpu'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, `
    + `load average ${loadavg().map((l) => l.toFixed(2)).join(' ')} at start`;
}

/**
 * Starts profiling the CPU when `BENCH_CPU_PROFILE` names a file; the returned function
 * stops it and writes the profile (nothing without the variable).
 */
export async function startCpuProfile(): Promise<() => Promise<void>> {
  const file = process.env.BENCH_CPU_PROFILE;
  if (!file) return async () => undefined;
  const session = new Session();
  const post = (method: string) => new Promise<any>((resolve, reject) => session.post(method, (e, r) => (e ? reject(e) : resolve(r))));
  session.connect();
  await post('Profiler.enable');
  await post('Profiler.start');
  return async () => {
    writeFileSync(file, JSON.stringify((await post('Profiler.stop')).profile));
    session.disconnect();
  };
}
