import { runCli } from './run-cli';
import { parseArgs, UsageError } from '../../src/cli/args';
import { parseClouds } from '../../src/cli/validate';

describe('parseArgs', () => {
  test('positionals, --key value, --key=value (values may hold "=") and flags, in any order', () => {
    expect(parseArgs(['spec.yaml', '--cloud', 'aws,gcp', '--runs-on=group=large', '--check', '-', 'x'], ['cloud', 'runs-on'], ['check'])).toEqual({
      positionals: ['spec.yaml', '-', 'x'],
      options: { 'cloud': 'aws,gcp', 'runs-on': 'group=large', 'check': true },
    });
  });

  test('a value that starts with "-" is given inline; "--" ends the options', () => {
    expect(parseArgs(['--out=--weird'], ['out']).options).toEqual({ out: '--weird' });
    expect(parseArgs(['--cloud', 'aws', '--', '-spec.yaml', '--check'], ['cloud'], ['check'])).toEqual({
      positionals: ['-spec.yaml', '--check'],
      options: { cloud: 'aws' },
    });
    // "-" alone is a positional (standard input where a command documents it), also as a value.
    expect(parseArgs(['--images', '-'], ['images']).options).toEqual({ images: '-' });
  });

  test('a valued option without its value, and an unknown option naming the allowed ones, are errors', () => {
    expect(() => parseArgs(['--cloud'], ['cloud'])).toThrow('option --cloud needs a value');
    expect(() => parseArgs(['--colour', 'red'], ['cloud'], ['check'])).toThrow('unknown option --colour (options: --cloud, --check)');
    expect(() => parseArgs(['--x'], [])).toThrow(/^unknown option --x$/);
  });

  // Hostile-user sweep: each of these used to be accepted, and a different command ran than the one asked for.
  test.each<[string, string[], RegExp]>([
    // The last repeat silently won: `--cloud aws --cloud gcp` validated gcp only.
    ['a repeated valued option', ['--cloud', 'aws', '--cloud', 'gcp'], /^option --cloud is given twice; give it once \(a list is comma-separated: --cloud aws,gcp\)$/],
    ['a repeated flag', ['--check', '--check'], /^option --check is given twice/],
    // `--check=false` turned the check on.
    ['a flag given a value', ['--check=false'], /^option --check takes no value \(got "false"\)/],
    ['a flag given an empty value', ['--quiet='], /^option --quiet takes no value \(got ""\)/],
    // `plan s.yaml --out --check` wrote the plan to a file named "--check".
    ['a valued option followed by an option', ['--out', '--check'], /^option --out needs a value, not the option --check \(write --out=--check for a value that starts with -\)$/],
    ['a valued option followed by a single-dash word', ['--out', '-q'], /^option --out needs a value, not the option -q/],
    // `validate s.yaml -q` printed the usage without saying what was wrong.
    ['a single-dash option', ['spec.yaml', '-q'], /^unknown option -q: options are long \(--name\); options: --cloud, --out, --check, --quiet/],
  ])('%s is a usage error naming the option', (_, args, message) => {
    const parse = () => parseArgs(args, ['cloud', 'out'], ['check', 'quiet']);
    expect(parse).toThrow(UsageError);
    expect(parse).toThrow(message);
  });

  test('negative control: each option once, in either form, is accepted', () => {
    expect(parseArgs(['--cloud=aws', '--out', 'plan.txt', '--check', 'spec.yaml'], ['cloud', 'out'], ['check', 'quiet'])).toEqual({
      positionals: ['spec.yaml'],
      options: { cloud: 'aws', out: 'plan.txt', check: true },
    });
  });
});

describe('--cloud', () => {
  test.each<[string, RegExp]>([
    ['aws,aws', /^--cloud: "aws" is listed twice in "aws,aws"; list each cloud once$/],
    ['gcp,azure,gcp', /"gcp" is listed twice/],
    ['AWS', /^--cloud: "AWS" is not a cloud \(allowed: aws, gcp, azure, harbor; comma-separated, lower case\)$/],
    ['aws,', /^--cloud: "" is not a cloud/],
    [' aws', /^--cloud: " aws" is not a cloud/],
  ])('%j is a usage error', (value, message) => {
    expect(() => parseClouds(value)).toThrow(UsageError);
    expect(() => parseClouds(value)).toThrow(message);
  });

  test('negative control: every cloud once, in any order', () => {
    expect(parseClouds('harbor,aws,azure,gcp')).toEqual(['harbor', 'aws', 'azure', 'gcp']);
  });
});

describe('usage errors exit 2 on every command, problems of the input exit 1', () => {
  test.each<[string[], RegExp]>([
    [['validate', 'spec.yaml', '--cloud', 'aws', '--cloud', 'gcp'], /option --cloud is given twice/],
    [['validate', 'spec.yaml', '--quiet=no'], /option --quiet takes no value/],
    [['validate', 'spec.yaml', '-q'], /unknown option -q/],
    [['validate', 'spec.yaml', '--cloud', 'aws,aws'], /"aws" is listed twice/],
    [['validate', 'spec.yaml', '--cloud', 'ibm'], /"ibm" is not a cloud/],
    [['plan', 'spec.yaml', '--out', '--check'], /option --out needs a value, not the option --check/],
    [['promote-scripts', 'spec.yaml', '--cloud', 'aws,aws'], /"aws" is listed twice/],
    [['promote-scripts', 'spec.yaml'], /--cloud is required/],
    [['workflow', 'spec.yaml', '--cloud', 'aws,gcp'], /give exactly one cloud/],
    [['tags', '--sha', '0123456', '--no-latest=false'], /option --no-latest takes no value/],
    [['preview', '--images', 'a.json', '--ecr-policy', 'p.json', '--now', '2026-01-01', '--now', '2026-02-01'], /option --now is given twice/],
    [['lint', 'spec.yaml', '--strict', '--strict'], /option --strict is given twice/],
  ])('%j', async (args, message) => {
    const r = await runCli(args);
    expect(r.err).toMatch(message);
    expect(r.code).toBe(2);
  });
});
