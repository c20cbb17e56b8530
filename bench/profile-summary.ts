/**
 * Summarizes a CPU profile written by `BENCH_CPU_PROFILE=<file> tsx bench/synth-child.ts ...`:
 * self time by source file (package or repository folder) and by function, and
 * the inclusive time of this repository's functions (`src/`, `bench/`).
 *
 *   tsx bench/profile-summary.ts <file.cpuprofile> [top]
 */
import { readFileSync } from 'fs';

const [file, topArg] = process.argv.slice(2);
const top = Number(topArg ?? 25);
const profile = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map<number, any>(profile.nodes.map((n: any) => [n.id, n]));
const dt = new Map<number, number>();
profile.samples.forEach((id: number, i: number) => dt.set(id, (dt.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000));

const where = (url: string): string => {
  if (!url) return '(native / gc / idle)';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 13).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}/${rest.slice(2, 4).join('/')}` : `${rest[0]}/${rest.slice(1, 3).join('/')}`;
  }
  const m = /\/(src|bench)\/.*$/.exec(url);
  return m ? m[0].slice(1) : url;
};
const files = new Map<string, number>();
const fns = new Map<string, number>();
let total = 0;
for (const [id, ms] of dt) {
  const n = byId.get(id);
  const cf = n.callFrame;
  total += ms;
  const f = where(cf.url);
  files.set(f, (files.get(f) ?? 0) + ms);
  const fn = `${cf.functionName || '(anonymous)'} ${f}:${cf.lineNumber + 1}`;
  fns.set(fn, (fns.get(fn) ?? 0) + ms);
}
// Inclusive time of our own functions: every sample counts once for each distinct function of ours on its stack.
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const inclusive = new Map<string, number>();
for (const [id, ms] of dt) {
  const seen = new Set<string>();
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
    const cf = byId.get(at).callFrame;
    const f = where(cf.url);
    if (!/^(src|bench)\//.test(f)) continue;
    seen.add(`${cf.functionName || '(anonymous)'} ${f}`);
  }
  for (const k of seen) inclusive.set(k, (inclusive.get(k) ?? 0) + ms);
}
const show = (title: string, m: Map<string, number>) => {
  console.log(`\n${title}`);
  for (const [k, v] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${v.toFixed(1).padStart(9)} ms ${(100 * v / total).toFixed(1).padStart(5)}%  ${k}`);
};
console.log(`${file}: ${total.toFixed(0)} ms sampled`);
show('self time by file', files);
show('self time by function', fns);
show('inclusive time of our functions', inclusive);
