import { PropChecks } from '../../src/aws/prop-checks';
import { Problems } from '../../src/spec/problems';

/** Runs checks on a fresh collector and returns [results, rendered problems]. */
function run(f: (c: PropChecks) => boolean[]): [boolean[], string[]] {
  const problems = new Problems();
  const results = f(new PropChecks(problems));
  return [results, problems.list.map((p) => Problems._line(p))];
}

describe('PropChecks', () => {
  test('props: an object passes; anything else is named with its value', () => {
    expect(run((c) => [c.props({}), c.props(null), c.props([1]), c.props('x')])).toEqual([
      [true, false, false, false],
      ['props: null is not an object of props', 'props: [1] is not an object of props', 'props: "x" is not an object of props'],
    ]);
  });

  test('optional values pass when absent; required ones are named as missing', () => {
    expect(run((c) => [c.string('name', undefined), c.string('name', undefined, true), c.object('spec', undefined, true, 'a registry spec object'), c.object('env', undefined)]))
      .toEqual([[true, false, false, true], ['props.name: is required (a string)', 'props.spec: is required (a registry spec object)']]);
  });

  test.each<[string, (c: PropChecks) => boolean, string | undefined]>([
    ['boolean ok', (c) => c.boolean('emptyOnDelete', false), undefined],
    ['boolean wrong', (c) => c.boolean('emptyOnDelete', 'yes'), 'props.emptyOnDelete: "yes" is not a boolean (true or false)'],
    ['integer ok', (c) => c.integer('stackCount', 3), undefined],
    ['integer fraction', (c) => c.integer('stackCount', 2.5), 'props.stackCount: 2.5 is not a whole number'],
    ['strings ok', (c) => c.strings('names', ['a', 'b']), undefined],
    ['strings with a number', (c) => c.strings('names', ['a', 1]), 'props.names: ["a",1] is not an array of strings (an item is not a string)'],
    ['strings not a list', (c) => c.strings('names', 'a'), 'props.names: "a" is not an array of strings'],
    ['oneOf ok', (c) => c.oneOf('removalPolicy', 'retain', ['retain', 'destroy']), undefined],
    ['oneOf wrong', (c) => c.oneOf('removalPolicy', 42, ['retain', 'destroy']), 'props.removalPolicy: 42 is not one of retain, destroy'],
    ['object wrong', (c) => c.object('env', [], false, 'an environment'), 'props.env: [] is not an environment'],
  ])('%s', (_name, check, problem) => {
    const [[ok], found] = run((c) => [check(c)]);
    expect([ok, found]).toEqual([problem === undefined, problem === undefined ? [] : [problem]]);
  });

  test('withAttribute: an object with the attribute passes; another object is described by its keys, not serialized', () => {
    const grantee = { grantPrincipal: {} };
    const [results, found] = run((c) => [
      c.withAttribute('grantee', grantee, 'grantPrincipal', 'an iam.IGrantable'),
      c.withAttribute('grantee', { node: {}, role: {} }, 'grantPrincipal', 'an iam.IGrantable'),
      c.withAttribute('kmsKey', undefined, 'keyArn', 'a kms.IKey', true),
    ]);
    expect(results).toEqual([true, false, false]);
    expect(found).toEqual([
      'props.grantee: "object with keys node, role" is not an iam.IGrantable (no grantPrincipal)',
      'props.kmsKey: is not a kms.IKey (no keyArn)',
    ]);
  });

  test('another prefix names the fields under it (attrs of an import)', () => {
    const problems = new Problems();
    new PropChecks(problems, 'attrs').string('account', 12);
    expect(problems.list.map((p) => p.path)).toEqual(['attrs.account']);
  });
});
