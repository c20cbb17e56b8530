import { Problems, ProblemsError } from '../../src/spec/problems';

describe('Problems', () => {
  test('collects every problem and throws once, rendering path, value, message and line', () => {
    const p = new Problems()
      .add('repositories[2].name', 'My_App', 'is not a valid repository name (lower-case letters, digits, and . _ - / separators)')
      .add('', undefined, 'the spec is empty');
    p.addAll([{ path: 'name', value: '"x"', message: 'is too short', line: 3 }]);
    expect(p.isEmpty).toBe(false);
    let thrown: unknown;
    try {
      p.throwIfAny('Invalid registry spec "platform"');
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(ProblemsError);
    const error = thrown as ProblemsError;
    expect(error.problems).toHaveLength(3);
    expect(error.heading).toBe('Invalid registry spec "platform"');
    expect(error.message).toBe([
      'Invalid registry spec "platform": 3 problems',
      '  - repositories[2].name: "My_App" is not a valid repository name (lower-case letters, digits, and . _ - / separators)',
      '  - the spec is empty',
      '  - line 3: name: "x" is too short',
    ].join('\n'));
  });

  test('nothing found: no error', () => {
    expect(() => new Problems().throwIfAny('x')).not.toThrow();
    expect(new Problems().isEmpty).toBe(true);
  });

  test('_collect keeps going after a check throws, keeping a ProblemsError\'s problems and any other error\'s message', () => {
    const p = new Problems();
    expect(p._collect('a', () => 1)).toBe(1);
    expect(p._collect('b', () => {
      throw new ProblemsError('inner', [{ path: 'b.c', value: '1', message: 'is wrong' }]);
    })).toBeUndefined();
    p._collect('d', () => {
      throw new Error('d is broken');
    });
    expect(p.list.map((x) => `${x.path}: ${x.message}`)).toEqual(['b.c: is wrong', 'd: d is broken']);
  });

  test('values are shown as JSON, shortened past 80 characters', () => {
    expect(Problems.show('a')).toBe('"a"');
    expect(Problems.show(undefined)).toBe('undefined');
    expect(Problems.show('x'.repeat(100))).toHaveLength(80);
  });
});
