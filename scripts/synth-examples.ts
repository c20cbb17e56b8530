/**
 * The README's main command (`npm run synth:examples`): for every folder under
 * examples/, validate its spec file(s) and print a summary, then synthesize its
 * app the way the real tools do:
 * - `cdk.json`: the aws-cdk CLI's `cdk synth` (writes `cdk.out/` in the folder);
 * - `cdktf.json`: runs the app (`app.synth()`, what `cdktf synth` runs), which
 *   writes `cdktf.out/` in the folder.
 * Exits non-zero if any example fails. `--only <name>[,<name>...]` limits it to those examples.
 */
import { spawnSync } from 'child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'fs';
import { join, relative } from 'path';
import { SpecLoader, SpecSummary, SpecValidator } from '../src/spec';

const root = join(__dirname, '..');
const examplesDir = join(root, 'examples');
const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1].split(',') : undefined;
const SPEC_FILE = /^(registry|spec|platform)[\w.-]*\.(ya?ml|json)$/;

function run(cmd: string, args: string[], cwd: string): boolean {
  const started = Date.now();
  const res = spawnSync(cmd, args, {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
    env: { ...process.env, CDK_DISABLE_VERSION_CHECK: '1', CHECKPOINT_DISABLE: '1' },
  });
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  if (res.status !== 0) {
    console.log(`  FAILED: ${cmd} ${args.join(' ')} (${secs} s)\n${res.stdout}${res.stderr}`.replace(/\n/g, '\n    '));
    return false;
  }
  // The aws-cdk CLI prints `WARNING <message> (Construct Annotations)` then the construct path;
  // cdktf apps print `[Warning at /<path>] <message>`.
  const lines = `${res.stdout}${res.stderr}`.split('\n');
  lines.forEach((line, i) => {
    const cdk = /^WARNING (.*?)(?: \(Construct Annotations\))?$/.exec(line);
    if (cdk) console.log(`  warning: ${cdk[1]} (${(lines[i + 1] ?? '').trim()})`);
    else if (/\[Warning at /.test(line)) console.log(`  warning: ${line.trim()}`);
  });
  console.log(`  synthesized with \`${cmd} ${args.join(' ')}\` in ${secs} s`);
  return true;
}

function outputs(dir: string, sub: string): string {
  const out = join(dir, sub);
  if (!existsSync(out)) return '(no output)';
  const files: string[] = [];
  const walk = (d: string) => {
    for (const f of readdirSync(d)) {
      const p = join(d, f);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.(template\.json|tf\.json)$/.test(f)) files.push(relative(root, p));
    }
  };
  walk(out);
  return files.join(', ');
}

let failures = 0;
const examples = readdirSync(examplesDir)
  .filter((d) => statSync(join(examplesDir, d)).isDirectory() && (!only || only.includes(d)))
  .sort();
for (const name of examples) {
  const dir = join(examplesDir, name);
  console.log(`\n== examples/${name}`);
  for (const file of readdirSync(dir).filter((f) => SPEC_FILE.test(f)).sort()) {
    const path = join(dir, file);
    const result = SpecLoader.load(readFileSync(path, 'utf8'), { sourceName: path });
    if (!result.spec) {
      failures++;
      console.log(SpecValidator.formatProblems(result.problems, `  ${file} is invalid`));
      continue;
    }
    console.log(`  ${file}: valid`);
    console.log(SpecSummary.describe(result.spec).replace(/^/gm, '    '));
  }
  if (existsSync(join(dir, 'cdk.json'))) {
    if (run(join(root, 'node_modules/.bin/cdk'), ['synth', '--quiet', '--no-notices', '--no-version-reporting'], dir)) {
      console.log(`  output: ${outputs(dir, 'cdk.out')}`);
    } else {failures++;}
  }
  if (existsSync(join(dir, 'cdktf.json'))) {
    const app = JSON.parse(readFileSync(join(dir, 'cdktf.json'), 'utf8')).app as string;
    const [cmd, ...args] = app.split(/\s+/);
    const bin = cmd === 'npx' ? join(root, 'node_modules/.bin', args.shift()!) : cmd;
    if (run(bin, args, dir)) {
      console.log(`  output: ${outputs(dir, 'cdktf.out')}`);
    } else {failures++;}
  }
}
console.log(`\n${examples.length} example${examples.length === 1 ? '' : 's'}, ${failures} failure${failures === 1 ? '' : 's'}`);
process.exit(failures ? 1 : 0);
