import { spawnSync } from 'child_process';
import { readdirSync } from 'fs';
import { join } from 'path';

// The README's main command, run as a newcomer runs it. It validates every example
// spec and synthesizes every example app (each cloud's test checks its own output).
describe('npm run synth:examples', () => {
  const root = join(__dirname, '../..');
  const res = spawnSync(join(root, 'node_modules/.bin/tsx'), [join(root, 'scripts/synth-examples.ts')], { cwd: root, encoding: 'utf8' });
  const examples = readdirSync(join(root, 'examples'), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);

  test('exits 0 with no failure', () => {
    expect(res.stderr).toBe('');
    expect(res.stdout).toMatch(new RegExp(`\n${examples.length} examples?, 0 failures\n$`));
    expect(res.status).toBe(0);
  });

  test('validates and summarizes the spec-only example', () => {
    expect(res.stdout).toMatch(/== examples\/spec-only\n {2}registry\.yaml: valid\n {4}registry "platform": 3 repositories \(api, web, jobs\/worker\)/);
  });
});
