import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { runCli } from './run-cli';


const dir = mkdtempSync(join(tmpdir(), 'cli-tags-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string) => {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
};
const SHA = '0123456789abcdef0123456789abcdef01234567';

describe('container-registry tags', () => {
  test('prints the tags of a build as a table, and why aliases stayed', async () => {
    const r = await runCli(['tags', '--version', '1.2.4', '--sha', SHA, '--branch', 'main', '--existing', '1.2.2,1.3.0']);
    expect(r.code).toBe(0);
    expect(r.out).toBe([
      '1.2.4-0123456  write-once  build',
      '1.2.4          write-once  version',
      '1.2            moves       minor-alias',
      'main           moves       branch',
    ].join('\n'));
    expect(r.err).toBe('note: 1 stays on 1.3.0: it is higher than 1.2.4\nnote: latest stays on 1.3.0: it is higher than 1.2.4');
  });

  test('list and json formats, and the environment tag when promoting', async () => {
    const list = await runCli(['tags', '--version', '1.2.3', '--sha', SHA, '--format', 'list', '--no-aliases', '--promote-to', 'prod']);
    expect(list.out).toBe('1.2.3-0123456\n1.2.3\nlatest\nprod');
    const json = JSON.parse((await runCli(['tags', '--sha', SHA, '--format', 'json'])).out);
    expect(json).toEqual({
      buildTag: '0123456',
      shortSha: '0123456',
      tags: [{ tag: '0123456', kind: 'build', mutable: false }],
      notes: ['no version: the build tag is the short sha alone, and no alias moves'],
    });
  });

  test('takes the strategy of a repository from a spec', async () => {
    const spec = file('spec.yaml', 'name: platform\nrepositories:\n  - name: api\n  - name: web\n    tagPolicy: {strategy: version-sha}\n');
    expect((await runCli(['tags', '--version', '1.2.3', '--sha', SHA, '--spec', spec, '--repository', 'web', '--format', 'list'])).out).toBe('1.2.3-0123456');
    expect((await runCli(['tags', '--version', '1.2.3', '--sha', SHA, '--spec', spec, '--format', 'list'])).out).toBe('1.2.3-0123456\n1.2.3\n1.2\n1\nlatest');
    expect(await runCli(['tags', '--sha', SHA, '--spec', spec, '--repository', 'db'])).toMatchObject({ code: 1, err: expect.stringMatching(/--repository: "db" is not a repository of .* \(api, web\)/) });
  });

  test('bad input is a clear error; missing --sha is a usage error', async () => {
    expect(await runCli(['tags', '--sha', 'nope', '--version', '1.2'])).toMatchObject({
      code: 1, err: expect.stringMatching(/^Cannot compute the tags of this build: 2 problems\n {2}- gitSha: "nope" is not a git commit sha .*\n {2}- version: "1\.2" is not a semantic version/),
    });
    expect(await runCli(['tags', '--version', '1.2.3'])).toMatchObject({ code: 2, err: expect.stringMatching(/^usage: container-registry tags --sha/) });
    expect(await runCli(['tags', '--sha', SHA, '--format', 'xml'])).toMatchObject({ code: 2, err: '--format: "xml" is not a format (allowed: table, list, json)' });
  });
});

describe('container-registry lint', () => {
  test('prints each warning with its fix; --strict fails on warnings', async () => {
    const f = file('lint.yaml', [
      'name: platform',
      'repositories: [{name: api}]',
      'environments: {layout: tags, chain: [{name: dev}, {name: prod}]}',
      'tagPolicy: {mutableTags: [latest, dev]}',
      'retention: {protectedTags: ["2025-10-18"]}',
    ].join('\n'));
    const r = await runCli(['lint', f]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^promotion-overwrites-immutable tagPolicy\.mutableTags: with the tags layout, promoting an image moves its environment tag \("prod"\)/);
    expect(r.out).toMatch(/\n {2}fix: add "prod" to mutableTags/);
    expect(r.out).toMatch(/\ndate-tag retention\.protectedTags\[0\]: "2025-10-18" looks like a date tag/);
    expect(r.out).toMatch(/lint\.yaml: 2 tag lint warnings$/);
    expect((await runCli(['lint', f, '--strict'])).code).toBe(1);
  });

  test("includes the retention layer's environment-tag check", async () => {
    const f = file('expiry.yaml', [
      'name: platform',
      'repositories: [{name: api}]',
      'environments: {layout: tags, chain: [{name: dev}, {name: prod}]}',
      'retention: {protectedTags: [prod], rules: [{tagState: any, keepMostRecent: 50}]}',
    ].join('\n'));
    const r = await runCli(['lint', f]);
    expect(r.out).toMatch(/^environment-tag-expiry retention\.rules\[0\]: could expire the image the environment tag "dev" points to/);
    expect(r.out).toMatch(/\n {2}fix: protect the environment tags in protectedTags/);
    expect(r.out).toMatch(/expiry\.yaml: 1 tag lint warning$/);
  });

  test('a clean spec, an invalid spec, usage', async () => {
    expect(await runCli(['lint', file('ok.yaml', 'name: platform\nrepositories: [{name: api}]\n')])).toMatchObject({ code: 0, out: expect.stringMatching(/ok\.yaml: no tag lint warnings$/) });
    expect(await runCli(['lint', file('bad.yaml', 'name: Platform\nrepositories: [{name: api}]\n')])).toMatchObject({ code: 1, err: expect.stringMatching(/bad\.yaml is invalid: 1 problem/) });
    expect((await runCli(['lint'])).code).toBe(2);
  });
});
