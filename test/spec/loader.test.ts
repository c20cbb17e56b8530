import { execFileSync } from 'child_process';
import { mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { SpecFormat, SpecLoader, TagState } from '../../src/spec';

const yaml = (s: string) => s.replace(/^ {4}/gm, '');

describe('SpecLoader', () => {
  test('loads a YAML spec into the typed structs', () => {
    const spec = SpecLoader.fromString(yaml(`
    name: platform
    repositories: [{ name: api }]
    retention:
      rules:
        - tagState: untagged
          expireAfterDays: 7
    `));
    expect(spec.name).toBe('platform');
    expect(spec.retention?.rules?.[0]).toEqual({ tagState: TagState.UNTAGGED, expireAfterDays: 7 });
  });

  test('loads JSON, strictly, with the line of a syntax error', () => {
    expect(SpecLoader.fromString('{"name": "platform", "repositories": [{"name": "api"}]}', { format: SpecFormat.JSON }).repositories).toEqual([{ name: 'api' }]);
    const r = SpecLoader.load('{\n"name": "platform",\n"repositories": [,]\n}', { format: SpecFormat.JSON });
    expect(r.spec).toBeUndefined();
    expect(r.problems).toEqual([expect.objectContaining({ line: 3, message: expect.stringMatching(/^is not valid JSON: /) })]);
  });

  test('a YAML syntax error names the line; nothing is returned', () => {
    const r = SpecLoader.load('name: platform\nrepositories:\n  - name: api\n   bad: [\n');
    expect(r.spec).toBeUndefined();
    expect(r.problems[0]).toMatchObject({ line: expect.any(Number), message: expect.stringMatching(/^is not valid YAML: /) });
    expect(() => SpecLoader.fromString('a: [', { sourceName: 'x.yaml' })).toThrow(/^Invalid spec file x\.yaml: \d+ problems?\n {2}- line 1: is not valid YAML/);
  });

  test('duplicate keys are a syntax error, not a silent override', () => {
    const r = SpecLoader.load('name: a\nname: b\nrepositories: [{name: api}]\n');
    expect(r.problems[0].message).toMatch(/Map keys must be unique/);
  });

  test('unknown fields, wrong types and bad enum values are reported with path and line, together with validation problems', () => {
    const r = SpecLoader.load(yaml(`
    name: platform
    repositories:
      - name: api
        retension: {}
      - name: Web
    environments:
      layout: folders
      chain: [{ name: dev }]
    retention:
      rules:
        - tagState: tagged
          keepMostRecent: "10"
    `));
    expect(r.spec).toBeUndefined();
    expect(r.problems.map((p) => [p.line, p.path, p.message.split(';')[0].split(' (')[0]])).toEqual([
      [5, 'repositories[0].retension', 'is not a known field'],
      [8, 'environments.layout', 'is not one of the allowed values'],
      [13, 'retention.rules[0].keepMostRecent', 'has the wrong type: expected a number, got a string'],
      [6, 'repositories[1].name', 'is not a valid repository name'],
      [12, 'retention.rules[0].tagPatterns', 'is required with tagState "tagged": list the tag patterns the rule selects'],
    ]);
    expect(r.problems[0].message).toMatch(/did you mean "retention"\?/);
  });

  test('missing required fields are reported', () => {
    const r = SpecLoader.load('repositories: [{}]\n');
    expect(r.problems.map((p) => p.path)).toEqual(expect.arrayContaining(['name', 'repositories[0].name']));
  });

  test('fromFile reads a file and names it in errors', () => {
    const dir = mkdtempSync(join(tmpdir(), 'spec-'));
    writeFileSync(join(dir, 'ok.yml'), 'name: platform\nrepositories: [{name: api}]\n');
    writeFileSync(join(dir, 'bad.json'), '{"name": "platform", "repositories": [{"name": "API"}]}');
    expect(SpecLoader.fromFile(join(dir, 'ok.yml')).name).toBe('platform');
    expect(() => SpecLoader.fromFile(join(dir, 'bad.json'))).toThrow(/bad\.json: 1 problem\n {2}- line 1: repositories\[0\]\.name: "API" is not a valid repository name/);
    expect(() => SpecLoader.fromFile(join(dir, 'missing.yaml'))).toThrow(/Cannot read spec file .*missing\.yaml: no such file/);
  });

  test('the committed JSON Schema is generated from the current types', () => {
    // Fails when src/spec/registry-spec.ts changed without `npx projen schema`.
    expect(() => execFileSync(join(__dirname, '../../node_modules/.bin/tsx'), [join(__dirname, '../../scripts/gen-schema.ts'), '--check'], { stdio: 'pipe' })).not.toThrow();
  });
});
