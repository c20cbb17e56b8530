import { mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { runCli } from './run-cli';

const dir = mkdtempSync(join(tmpdir(), 'harbor-cli-'));
const file = (name: string, text: string) => {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
};

describe('container-registry --cloud harbor', () => {
  test('validate runs HarborValidator: Harbor\'s limits, the cloud named in each message', async () => {
    const rules = Array.from({ length: 6 }, (_, i) =>
      `  - { name: svc${i}, retention: { protectedTags: [keep${i}], rules: [{ tagState: tagged, tagPatterns: ["pr${i}-*"], keepMostRecent: ${i + 1} }, { tagState: untagged, expireAfterDays: ${i + 1} }] } }`);
    const f = file('many.yaml', ['name: platform', 'repositories:', ...rules].join('\n'));
    const r = await runCli(['validate', f, '--cloud', 'harbor']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/retention: cannot be translated for Harbor project "platform"[\s\S]*Harbor allows 15 per project[\s\S]*\(harbor\)/);
    // The same spec is fine on AWS (50 lifecycle rules per repository).
    expect((await runCli(['validate', f, '--cloud', 'aws', '--quiet'])).code).toBe(0);
  });

  test('validate prints the Harbor projects in the summary', async () => {
    const f = file('ok.yaml', 'name: platform\nrepositories: [{name: api}]\nenvironments: { layout: registries, chain: [{name: dev}, {name: prod}] }\n');
    const r = await runCli(['validate', f, '--cloud', 'harbor']);
    expect(r).toMatchObject({ code: 0 });
    expect(r.out).toMatch(/harbor: Harbor projects platform-dev\/api, platform-prod\/api/);
  });

  test('plan renders the Harbor policies', async () => {
    const f = file('plan.yaml', 'name: platform\nrepositories: [{name: api}]\nretention: { rules: [{ tagState: untagged, expireAfterDays: 7 }] }\n');
    const r = await runCli(['plan', f, '--cloud', 'harbor']);
    expect(r.code).toBe(0);
    const headings = r.out.split('\n').filter((l) => l.startsWith('## '));
    expect(headings).toEqual(['## harbor project platform immutable-tag-rules', '## harbor project platform retention-policy', '## harbor project platform settings']);
  });
});
