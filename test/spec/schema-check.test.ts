import { checkSchema, checkSpecShape, renderPath } from '../../src/spec/schema-check';

/** The problems the shape check reports for a value, as `path: message`. */
function problemsOf(spec: unknown): string[] {
  const found: string[] = [];
  checkSpecShape(spec, (path, _value, message) => found.push(`${renderPath(path)}: ${message}`));
  return found;
}

describe('checkSpecShape', () => {
  test('a well-shaped spec has no problem', () => {
    expect(problemsOf({ name: 'platform', repositories: [{ name: 'api' }], environments: { layout: 'tags', chain: [{ name: 'dev' }] } })).toEqual([]);
  });

  test('every shape problem at once, each naming its field: wrong types, enums, required and unknown fields', () => {
    expect(problemsOf({
      name: 42,
      repositories: [{ name: 'api', retension: {} }, 'web'],
      environments: { layout: 'layered', chain: [{}] },
      labels: { team: 1 },
    })).toEqual([
      'name: has the wrong type: expected a string, got a number',
      'repositories[0].retension: is not a known field (did you mean "retention"?); allowed here: name, description, tagPolicy, retention, scanning',
      'repositories[1]: has the wrong type: expected a map, got a string',
      'environments.layout: is not one of the allowed values (tags, repositories, registries)',
      'environments.chain[0].name: is required',
      'labels.team: has the wrong type: expected a string, got a number',
    ]);
  });

  test('a field set to undefined is a field not given; keys named like Object\'s own properties are unknown fields', () => {
    expect(problemsOf({ name: 'p', repositories: [{ name: 'api', description: undefined }] })).toEqual([]);
    const proto = JSON.parse('{"name": "p", "repositories": [], "constructor": 1}');
    expect(problemsOf(proto)).toEqual([expect.stringMatching(/^constructor: is not a known field; allowed here: /)]);
  });

  test('a required field left out is named, not a TypeError', () => {
    expect(problemsOf({})).toEqual(['name: is required', 'repositories: is required']);
    expect(problemsOf(null)).toEqual([': has the wrong type: expected a map, got a null']);
  });
});

describe('checkSchema and renderPath', () => {
  test('integers are numbers; arrays check each item with its index', () => {
    const found: string[] = [];
    checkSchema([1, 2.5, 'x'], { type: 'array', items: { type: 'number' } }, ['values'], (p, _v, m) => found.push(`${renderPath(p)}: ${m}`));
    expect(found).toEqual(['values[2]: has the wrong type: expected a number, got a string']);
  });

  test('renderPath writes indexes in brackets and fields with dots', () => {
    expect(renderPath(['repositories', 2, 'retention', 'rules', 0, 'tagPatterns'])).toBe('repositories[2].retention.rules[0].tagPatterns');
    expect(renderPath([])).toBe('');
  });
});
