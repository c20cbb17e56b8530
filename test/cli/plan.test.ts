import { mkdtempSync, readFileSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { runCli } from './run-cli';

const dir = mkdtempSync(join(tmpdir(), 'plan-'));
const spec = join(dir, 'registry.yaml');
writeFileSync(spec, [
  'name: platform',
  'repositories: [{ name: api }]',
  'retention:',
  '  rules: [{ tagState: untagged, expireAfterDays: 7 }]',
].join('\n'));

describe('container-registry plan', () => {
  test('prints every policy of the chosen clouds, sorted', async () => {
    const r = await runCli(['plan', spec, '--cloud', 'aws,azure']);
    expect(r.code).toBe(0);
    const headings = r.out.split('\n').filter((l) => l.startsWith('## '));
    expect(headings).toEqual([...headings].sort());
    expect(headings).toEqual(expect.arrayContaining(['## aws platform/api lifecycle-policy', '## azure registry platform retention-days']));
    expect(headings.some((h) => h.startsWith('## gcp'))).toBe(false);
  });

  test('--out writes the plan and --check fails when it is stale', async () => {
    const out = join(dir, 'plan.txt');
    expect((await runCli(['plan', spec, '--cloud', 'gcp', '--out', out])).code).toBe(0);
    expect(readFileSync(out, 'utf8')).toMatch(/^## gcp repository platform cleanup-policies\n/);
    expect(await runCli(['plan', spec, '--cloud', 'gcp', '--out', out, '--check'])).toMatchObject({ code: 0, out: `${out} is up to date` });
    writeFileSync(spec, readFileSync(spec, 'utf8').replace('expireAfterDays: 7', 'expireAfterDays: 8'));
    const stale = await runCli(['plan', spec, '--cloud', 'gcp', '--out', out, '--check']);
    expect(stale).toMatchObject({ code: 1, err: expect.stringMatching(/plan\.txt is out of date with .*registry\.yaml/) });
  });

  test('an invalid spec lists its problems and exits 1', async () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'name: Platform\nrepositories: [{ name: api }]\n');
    expect(await runCli(['plan', bad])).toMatchObject({ code: 1, err: expect.stringMatching(/name: "Platform" is not a valid registry name/) });
  });
});
