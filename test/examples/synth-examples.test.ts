import { spawnSync } from 'child_process';
import { readdirSync } from 'fs';
import { join } from 'path';

// The README's main command, as a newcomer runs it. Each cloud's example test runs
// the same script with `--only <example>` and checks that example's output, so
// the examples synthesize in parallel test files; this one covers the spec-only
// example and the script's own behaviour.
describe('npm run synth:examples', () => {
  const root = join(__dirname, '../..');
  const tsx = join(root, 'node_modules/.bin/tsx');
  const script = join(root, 'scripts/synth-examples.ts');
  // The examples that are spec files only (the cloud apps have their own tests).
  const res = spawnSync(tsx, [script, '--only', 'spec-only,promotion'], { cwd: root, encoding: 'utf8' });

  test('exits 0 with no failure', () => {
    expect(res.stderr).toBe('');
    expect(res.stdout).toMatch(/\n2 examples, 0 failures\n$/);
    expect(res.status).toBe(0);
  });

  test('every example folder has something to validate or synthesize', () => {
    for (const d of readdirSync(join(root, 'examples'), { withFileTypes: true }).filter((e) => e.isDirectory())) {
      const files = readdirSync(join(root, 'examples', d.name));
      expect([d.name, files.some((f) => /^(registry|spec|platform).*\.(ya?ml|json)$|^cdk\.json$|^cdktf\.json$/.test(f))]).toEqual([d.name, true]);
    }
  });

  test('validates and summarizes the spec-only and promotion examples', () => {
    expect(res.stdout).toMatch(/== examples\/spec-only\n {2}registry\.yaml: valid\n {4}registry "platform": 3 repositories \(api, web, jobs\/worker\)/);
    expect(res.stdout).toMatch(/== examples\/promotion\n {2}registry\.yaml: valid\n {4}registry "platform"/);
  });
});
