import { parseArgs } from '../../src/cli/args';

describe('parseArgs', () => {
  test('positionals, --key value, --key=value (values may hold "=") and flags, in any order', () => {
    expect(parseArgs(['spec.yaml', '--cloud', 'aws,gcp', '--runs-on=group=large', '--check', '-', 'x'], ['cloud', 'runs-on'], ['check'])).toEqual({
      positionals: ['spec.yaml', '-', 'x'],
      options: { 'cloud': 'aws,gcp', 'runs-on': 'group=large', 'check': true },
    });
  });

  test('a value may start with "--" when it is the next argument of a valued option; the last repeat wins', () => {
    expect(parseArgs(['--out', '--weird', '--out', 'dir'], ['out']).options).toEqual({ out: 'dir' });
  });

  test('a valued option without its value, and an unknown option naming the allowed ones, are errors', () => {
    expect(() => parseArgs(['--cloud'], ['cloud'])).toThrow('option --cloud needs a value');
    expect(() => parseArgs(['--colour', 'red'], ['cloud'], ['check'])).toThrow('unknown option --colour (options: --cloud, --check)');
    expect(() => parseArgs(['--x'], [])).toThrow(/^unknown option --x$/);
    // A flag given a value with "=" is still not a valued option.
    expect(() => parseArgs(['--check=yes'], [], ['check'])).not.toThrow();
  });
});
