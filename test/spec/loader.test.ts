import { execFileSync } from 'child_process';
import { mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import * as fc from 'fast-check';
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
    expect(() => SpecLoader.fromString('a: [', { sourceName: 'x.yaml' })).toThrow(/^Invalid spec file x\.yaml: \d+ problems?\n {2}- line 1, column \d+: is not valid YAML/);
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

  describe('every error has a line', () => {
    test.each<[string, string, RegExp, number, number | undefined]>([
      ['a trailing comma', '{\n"name": "platform",\n"repositories": [{"name": "api"},]\n}', /^is not valid JSON: Unexpected token '\]'$/, 3, 34],
      ['a missing comma', '{"name": "platform"\n "repositories": []}', /^is not valid JSON: Expected ',' or '}' after property value$/, 2, 2],
      ['an unfinished object', '{"name": "platform",\n "repositories": [{"name": "api"}]\n', /^is not valid JSON: /, 3, 1],
      ['a single-quoted string', "{\n'name': 'platform'}", /^is not valid JSON: /, 2, 1],
      ['a control character in a string', '{"name": "plat\tform"}', /^is not valid JSON: /, 1, 15],
      ['a bad escape', '{"name": "plat\\xform"}', /^is not valid JSON: /, 1, 16],
      ['text after the value', '{"name": "platform"}\n{}', /^is not valid JSON: /, 2, 1],
      ['a leading zero', '{"version": 01}', /^is not valid JSON: /, 1, 14],
    ])('JSON: %s', (_name, text, message, line, column) => {
      const r = SpecLoader.load(text, { format: SpecFormat.JSON });
      expect(r.spec).toBeUndefined();
      expect(r.problems).toEqual([expect.objectContaining({ line, column, message: expect.stringMatching(message) })]);
    });

    test('JSON: the scanner finds the offset Node reports, wherever Node reports one (300 mutated documents)', () => {
      // Node's JSON.parse is the independent oracle: its "at position N" messages.
      const mutated = fc.tuple(fc.json({ maxDepth: 3 }), fc.nat(), fc.constantFrom('', ',', ']', '}', '"', ':', 'x', '\\', '\t', '0'), fc.boolean())
        .map(([json, at, c, replace]) => {
          const i = at % (json.length + 1);
          return json.slice(0, i) + c + json.slice(replace ? i + 1 : i);
        });
      let compared = 0;
      fc.assert(fc.property(mutated, (text) => {
        let position: number | undefined;
        try {
          JSON.parse(text);
          return true;
        } catch (e: any) {
          const m = /at position (\d+)/.exec(e.message);
          if (!m) return true;
          position = Number(m[1]);
        }
        compared++;
        const r = SpecLoader.load(text, { format: SpecFormat.JSON });
        const before = text.slice(0, position);
        return r.problems[0].line === before.split('\n').length && r.problems[0].column === position - before.lastIndexOf('\n');
      }), { seed: 15, numRuns: 300 });
      expect(compared).toBeGreaterThan(50);
    });

    test.each<[string, string, SpecFormat]>([
      ['an empty YAML file', '', SpecFormat.YAML],
      ['a YAML file of comments', '# a spec\n\n   # later\n', SpecFormat.YAML],
      ['an empty JSON file', '', SpecFormat.JSON],
      ['a JSON file of blanks', ' \n\t\n', SpecFormat.JSON],
      ['a YAML document marker only', '---\n', SpecFormat.YAML],
    ])('%s says it is empty, at line 1', (_name, text, format) => {
      expect(SpecLoader.load(text, { format }).problems).toEqual([
        { path: '', value: 'undefined', line: 1, message: expect.stringMatching(/^is empty: a spec is a (YAML map|JSON object) with at least `name` and `repositories`$/) },
      ]);
      expect(() => SpecLoader.fromString(text, { format, sourceName: 'empty' })).toThrow(/^Invalid spec file empty: 1 problem\n {2}- line 1: is empty/);
    });

    test('a problem found after loading gets the line of its path (SpecLoader.locate)', () => {
      const text = 'name: platform\nrepositories:\n  - name: api\n  - name: web\n';
      expect(SpecLoader.locate(text, [
        { path: 'repositories[1].name', value: '"web"', message: 'x' },
        { path: 'retention.rules[0]', value: 'undefined', message: 'y' },
        { path: 'name', value: '"platform"', message: 'z', line: 9 },
      ]).map((p) => p.line)).toEqual([4, 1, 9]);
    });
  });

  describe('a byte-order mark is not content', () => {
    test.each([SpecFormat.YAML, SpecFormat.JSON])('%s', (format) => {
      const body = format === SpecFormat.JSON ? '{"name": "platform", "repositories": [{"name": "api"}]}' : 'name: platform\nrepositories: [{name: api}]\n';
      expect(SpecLoader.fromString(`\uFEFF${body}`, { format }).name).toBe('platform');
      // and lines still count from the first line
      const bad = SpecLoader.load(`\uFEFF${body.replace('"api"', '"API"').replace('name: api', 'name: API')}`, { format });
      expect(bad.problems).toEqual([expect.objectContaining({ path: 'repositories[0].name', line: format === SpecFormat.JSON ? 1 : 2 })]);
    });
  });

  describe('aliases: the limit is on the expanded size', () => {
    test('one anchor reused by a thousand repositories is a spec, not an attack', () => {
      const repos = Array.from({ length: 1000 }, (_, i) => `  - name: app${i}\n    retention: *keep`).join('\n');
      const text = `name: platform\nx-defaults: &keep\n  rules:\n    - tagState: any\n      keepMostRecent: 30\nrepositories:\n${repos}\n`;
      const r = SpecLoader.load(text.replace('x-defaults: &keep', 'retention: &keep'));
      expect(r.problems).toEqual([]);
      expect(r.spec!.repositories).toHaveLength(1000);
      expect(r.spec!.repositories[999].retention).toEqual({ rules: [{ tagState: 'any', keepMostRecent: 30 }] });
    });

    test('a billion laughs is refused quickly, at the line of the alias that expands most', () => {
      const levels = ['a: &l0 [x, x, x, x, x, x, x, x, x, x]'];
      for (let i = 1; i <= 9; i++) levels.push(`l${i}: &l${i} [${Array(10).fill(`*l${i - 1}`).join(', ')}]`);
      const text = `name: platform\nrepositories: [{name: api}]\n${levels.join('\n')}\n`;
      const start = Date.now();
      const r = SpecLoader.load(text);
      expect(Date.now() - start).toBeLessThan(2000);
      expect(r.problems).toEqual([expect.objectContaining({
        path: '',
        line: 12,
        message: expect.stringMatching(/^expands to [\d,]+ nodes through YAML aliases, more than the 1,000,000 a spec may have \(the alias \*l8 here expands to [\d,]+ nodes\)/),
      })]);
    });

    test('the limit is exact: one node under it loads, one over is refused (negative control)', () => {
      // root map (1) + name pair (2) + repositories pair (key 1 + seq 1 + map 1 + pair 2) + x pair (2) + pad key and seq (2): 12 nodes, then one per alias
      const doc = (n: number) => `name: platform\nrepositories: [{name: api}]\nx: &s a\npad: [${Array(n).fill('*s').join(',')}]\n`;
      const unknown = [expect.objectContaining({ path: 'x' }), expect.objectContaining({ path: 'pad' })];
      expect(SpecLoader.load(doc(38), { maxExpandedNodes: 50 }).problems).toEqual(unknown);
      expect(SpecLoader.load(doc(39), { maxExpandedNodes: 50 }).problems).toEqual([expect.objectContaining({ line: 4, message: expect.stringMatching(/^expands to 51 nodes through YAML aliases, more than the 50/) })]);
    });

    test('an alias inside its own anchor is an infinite document', () => {
      const r = SpecLoader.load('name: platform\nrepositories: [{name: api}]\nloop: &a [x, *a]\n');
      expect(r.problems).toEqual([expect.objectContaining({ line: 3, message: 'has the alias *a inside its own anchor, an infinite document' })]);
    });
  });

  describe('any key that is not a field is unknown, whatever its name', () => {
    const names = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__', 'prototype', '<<', '1', 'Name'];
    test.each(names)('%j at the root, in a repository and in an identity', (key) => {
      const k = JSON.stringify(key);
      const text = `name: platform\n${k}: {x: 1}\nrepositories:\n  - name: api\n    ${k}: 1\naccess:\n  pullers:\n    - name: r\n      gcpMembers: ['user:a@b.c']\n      ${k}: [1]\n`;
      const r = SpecLoader.load(text);
      expect(r.spec).toBeUndefined();
      const unknown = r.problems.filter((p) => /^is not a known field/.test(p.message));
      expect(unknown.map((p) => [p.path.replace(key, 'KEY'), p.line])).toEqual([
        ['KEY', 2],
        ['repositories[0].KEY', 5],
        ['access.pullers[0].KEY', 10],
      ]);
      // Nothing leaked onto a prototype.
      expect(({} as any).x).toBeUndefined();
    });

    test('the same in JSON', () => {
      const r = SpecLoader.load('{"name": "platform",\n"__proto__": {"name": "evil"},\n"repositories": [{"name": "api", "constructor": 1}]}', { format: SpecFormat.JSON });
      expect(r.problems.map((p) => [p.path, p.line])).toEqual([['__proto__', 2], ['repositories[0].constructor', 3]]);
    });

    test('property: a generated key outside the schema is always reported, a field never is', () => {
      const fields = ['version', 'name', 'repositories', 'environments', 'tagPolicy', 'retention', 'scanning', 'encryption', 'access', 'replication', 'upstreamCaches', 'labels'];
      const key = fc.oneof(
        fc.constantFrom(...names, ...fields, ...Object.getOwnPropertyNames(Object.prototype)),
        fc.string({ minLength: 1, maxLength: 12 }),
      );
      let unknownSeen = 0;
      let fieldSeen = 0;
      fc.assert(fc.property(key, (k) => {
        const r = SpecLoader.load(`${JSON.stringify(k)}: 1\nname: platform\nrepositories: [{name: api}]\n`);
        const flagged = r.problems.some((p) => p.path === k && /^is not a known field/.test(p.message));
        if (fields.includes(k)) {
          fieldSeen++;
          return !flagged;
        }
        if (k === 'name' || k === 'repositories') return true;
        unknownSeen++;
        return flagged && r.spec === undefined;
      }), { seed: 15, numRuns: 300 });
      expect(unknownSeen).toBeGreaterThan(100);
      expect(fieldSeen).toBeGreaterThan(5);
    });
  });

  // Hostile-user sweep (issue 15's classes, new cases): each of these was accepted, crashed without a line,
  // or showed the wrong value.
  describe('YAML that a spec cannot hold is refused at its line', () => {
    const base = 'name: platform\nrepositories: [{ name: api }]\n';
    test.each<[string, string, RegExp, number]>([
      // Was accepted: !!set made a Set, whose own keys are none, so it passed as an empty map.
      ['!!set', `${base}labels: !!set { a, b }\n`, /^is not valid for a spec: the YAML tag !!set makes a value no spec field holds; a spec holds strings, numbers, booleans, lists and maps \(remove the tag\)$/, 3],
      // Were "expected a map, got a map" with the Buffer's or Date's JSON.
      ['!!binary', 'name: !!binary aGVsbG8=\nrepositories: [{ name: api }]\n', /the YAML tag !!binary makes a value no spec field holds/, 1],
      ['!!timestamp', `${base}labels: { a: !!timestamp 2001-12-14 }\n`, /the YAML tag !!timestamp/, 3],
      ['!!omap', `${base}labels: !!omap [ { a: b } ]\n`, /the YAML tag !!omap/, 3],
      // Were accepted: the parser dropped the tag it could not resolve with a warning.
      ['!!js/function', 'name: !!js/function "function(){}"\nrepositories: [{ name: api }]\n', /^is not valid YAML: Unresolved tag: tag:yaml\.org,2002:js\/function; a spec uses no custom YAML tags/, 1],
      ['a custom tag', 'name: !foo platform\nrepositories: [{ name: api }]\n', /^is not valid YAML: Unresolved tag: !foo/, 1],
      ['a core tag that does not fit its value', 'name: !!int platform\nrepositories: [{ name: api }]\n', /^is not valid YAML: Unresolved tag: tag:yaml\.org,2002:int; .*a core tag must fit its value/, 1],
      // Was a crash: "Unresolved alias (the anchor must be set before the alias): nope", no file, no line.
      ['an alias without its anchor', `${base}labels: { team: *nope }\n`, /^is not valid YAML: the alias \*nope has no anchor &nope before it$/, 3],
      ['an alias before its anchor', `${base}labels: { a: *x, b: &x platform }\n`, /the alias \*x has no anchor &x before it/, 3],
      // Was "Maximum call stack size exceeded", twice.
      ['thousands of nested lists', `${base}labels: ${'['.repeat(5000)}${']'.repeat(5000)}\n`, /^is not valid YAML: nests lists or maps too deeply to be read/, 3],
    ])('%s', (_, text, message, line) => {
      const r = SpecLoader.load(text);
      expect(r.spec).toBeUndefined();
      expect(r.problems).toEqual([expect.objectContaining({ line, message: expect.stringMatching(message) })]);
    });

    test('JSON nested thousands deep: the same clear problem', () => {
      const r = SpecLoader.load(`{"name": "platform", "repositories": [{"name": "api"}], "labels": ${'['.repeat(5000)}${']'.repeat(5000)}}`, { format: SpecFormat.JSON });
      expect(r.problems).toEqual([expect.objectContaining({ line: 1, message: expect.stringMatching(/^is not valid JSON: nests lists or maps too deeply/) })]);
    });

    test('negative controls: core tags that fit, an anchor used after it, a YAML 1.1 document, a few levels of nesting', () => {
      for (const text of [
        `${base}labels: { team: !!str 123 }\n`,
        `${base}retention: { rules: [{ tagState: any, keepMostRecent: !!int 5 }] }\n`,
        `${base}labels: !!map { a: &x platform, b: *x }\n`,
        `%YAML 1.1\n---\n${base}`,
        `${base}access: { pullers: [{ name: rt, awsAccountIds: [!!str 111122223333] }] }\n`,
      ]) {
        const r = SpecLoader.load(text);
        expect(r.problems).toEqual([]);
      }
    });
  });

  describe('values and lines as the file has them', () => {
    test.each<[string, string, string, number]>([
      // Were shown as null (JSON.stringify of a non-finite number).
      ['.inf', 'rules: [{ tagState: any, expireAfterDays: .inf }]', 'retention.rules[0].expireAfterDays: Infinity must be a whole number of days from 1 to 36500', 4],
      ['-.inf', 'rules: [{ tagState: any, expireAfterDays: -.inf }]', 'retention.rules[0].expireAfterDays: -Infinity must be', 4],
      ['.nan', 'rules: [{ tagState: any, keepMostRecent: .nan }]', 'retention.rules[0].keepMostRecent: NaN must be a whole number of images, at least 1', 4],
    ])('%s is shown as such', (_, rules, line, n) => {
      const r = SpecLoader.load(`name: platform\nrepositories: [{ name: api }]\nretention:\n  ${rules}\n`);
      expect(r.problems.map((p) => `${p.path}: ${p.value} ${p.message}`)).toEqual([expect.stringContaining(line.replace(/^[^:]+: /, ''))]);
      expect(r.problems[0]).toMatchObject({ path: line.split(':')[0], line: n });
    });

    test('JSON: a number beyond the double range is Infinity, not null', () => {
      const r = SpecLoader.load('{"name": "platform", "repositories": [{"name": "api"}],\n"retention": {"rules": [{"tagState": "any", "keepMostRecent": 1e400}]}}', { format: SpecFormat.JSON });
      expect(r.problems).toEqual([expect.objectContaining({ path: 'retention.rules[0].keepMostRecent', value: 'Infinity', line: 2 })]);
    });

    test.each<[string, string]>([
      ['LF', '\n'], ['CR LF', '\r\n'],
      // Was 41 syntax errors, all on line 1: a carriage return alone ends a line in YAML 1.2 (b-break).
      ['CR', '\r'],
    ])('%s line breaks: the problem on line 4', (_, eol) => {
      const text = ['name: platform', 'repositories: [{ name: api }]', 'retention:', '  rules: [{ tagState: any, keepMostRecent: 0 }]', ''].join(eol);
      for (const format of [SpecFormat.YAML]) {
        const r = SpecLoader.load(text, { format });
        expect(r.problems).toEqual([expect.objectContaining({ path: 'retention.rules[0].keepMostRecent', line: 4 })]);
      }
      const json = ['{"name": "platform",', '"repositories": [{"name": "api"}],', '"version": 2', '}'].join(eol);
      expect(SpecLoader.load(json, { format: SpecFormat.JSON }).problems).toEqual([expect.objectContaining({ path: 'version', line: 3 })]);
    });
  });

  // Hostile-user sweep: a merge key was "not a known field" with no word on why.
  test('a YAML merge key says that it merges in YAML 1.1 only, and a YAML 1.1 file merges', () => {
    const body = 'name: platform\nrepositories:\n  - &d { name: api, description: shared }\n  - <<: *d\n    name: web\n';
    expect(SpecLoader.load(body).problems).toEqual([expect.objectContaining({
      path: 'repositories[1].<<', line: 4, message: expect.stringMatching(/is not a known field; .*; "<<" merges maps in YAML 1\.1 only: repeat the fields, or start the file with "%YAML 1\.1" and "---"$/),
    })]);
    expect(SpecLoader.load(`%YAML 1.1\n---\n${body}`).spec?.repositories).toEqual([{ name: 'api', description: 'shared' }, { name: 'web', description: 'shared' }]);
  });
});
