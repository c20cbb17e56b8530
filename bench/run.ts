/**
 * `npm run bench`: runs every `bench/*.bench.ts` (or those named on the command
 * line), each in a fresh child process so that time and peak memory are its own,
 * and prints what each prints. Benchmarks print numbers; they never fail the
 * test suite (they are not part of it).
 */
import { spawnSync } from 'child_process';
import { readdirSync } from 'fs';
import { cpus, totalmem } from 'os';
import { join } from 'path';

const names = process.argv.slice(2);
const files = readdirSync(__dirname)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => names.length === 0 || names.some((n) => f.startsWith(n)))
  .sort();
if (files.length === 0) {
  console.error(`no benchmark matches ${names.join(', ') || '(none in bench/)'}`);
  process.exit(1);
}
console.log(`node ${process.version}, ${cpus().length} cpus, ${(totalmem() / 2 ** 30).toFixed(0)} GiB`);
let failed = 0;
for (const file of files) {
  console.log(`\n== ${file}`);
  const res = spawnSync(join(__dirname, '../node_modules/.bin/tsx'), [join(__dirname, file)], { stdio: 'inherit' });
  if (res.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
