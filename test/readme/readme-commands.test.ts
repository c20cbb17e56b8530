import { spawnSync } from 'child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { SpecLoader } from '../../src/spec';
import { runCli } from '../cli/run-cli';

/**
 * Runs the README's command-line blocks (Try it, Quick start, Command line) as a new
 * user would: `container-registry` through the in-process CLI runner that the CLI
 * tests use, in a fresh directory holding the Quick start's registry.yaml. The cloud
 * CLIs are replaced by listings in the documented output shapes
 * (test/readme/fixtures: hand-written, not captured from a live account). `npm ci`,
 * `npm test` and `npm run synth:examples` are not run here (they are the suite itself).
 */
const ROOT = join(__dirname, '../..');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const FIXTURES = join(__dirname, 'fixtures');

/** The listing a cloud CLI command would print, by the command's first words. */
const CLOUD_LISTINGS: Array<[RegExp, string]> = [
  [/^aws ecr describe-images\b/, 'aws-ecr-describe-images.json'],
  [/^gcloud artifacts docker images list\b/, 'gcloud-artifacts-docker-images-list.json'],
];
/** Lines that cannot run offline, and why. */
const NOT_RUN: Array<[RegExp, string]> = [
  [/^npm (ci|test|run synth:examples)\b/, 'the test suite itself'],
];

function section(name: string): string {
  const start = README.indexOf(`\n## ${name}\n`);
  if (start < 0) throw new Error(`README has no section "${name}"`);
  const end = README.indexOf('\n## ', start + 4);
  return README.slice(start, end < 0 ? undefined : end);
}

function blocks(text: string, lang: string): string[] {
  return [...text.matchAll(/```(\w*)\n([\s\S]*?)```/g)].filter((m) => m[1] === lang).map((m) => m[2]);
}

/** The command lines of a shell block: continuations joined, comments dropped. */
function commandLines(block: string): string[] {
  return block.replace(/\\\n\s*/g, '').split('\n').map(stripComment).map((l) => l.trim()).filter((l) => l !== '');
}

function stripComment(line: string): string {
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === '#' && (i === 0 || /\s/.test(line[i - 1]))) {
      return line.slice(0, i);
    }
  }
  return line;
}

/** Shell words (quotes removed); `|`, `>` and `&&` stay separate words. */
function words(line: string): string[] {
  const out: string[] = [];
  for (const m of line.matchAll(/"([^"]*)"|'([^']*)'|(\|\||&&|[|>])|([^\s"'|>]+)/g)) out.push(m[1] ?? m[2] ?? m[3] ?? m[4]);
  return out;
}

interface Result { code: number; out: string; err: string }

async function runIn(dir: string, argv: string[], stdin = ''): Promise<Result> {
  const cwd = process.cwd();
  process.chdir(dir);
  try {
    return await runCli(argv, stdin);
  } finally {
    process.chdir(cwd);
  }
}

/** Runs one README line; throws on a line it does not know how to run. */
async function runLine(line: string, dir: string): Promise<Result | 'not run'> {
  if (NOT_RUN.some(([re]) => re.test(line))) return 'not run';
  const w = words(line);
  const pipe = w.indexOf('|');
  if (pipe >= 0) {
    const left = w.slice(0, pipe).join(' ');
    const fixture = CLOUD_LISTINGS.find(([re]) => re.test(left));
    if (!fixture) throw new Error(`no recorded listing for "${left}"`);
    return runCommand(w.slice(pipe + 1), dir, readFileSync(join(FIXTURES, fixture[1]), 'utf8'));
  }
  const redirect = w.indexOf('>');
  if (redirect >= 0) {
    const cmd = w.slice(0, redirect).join(' ');
    const fixture = CLOUD_LISTINGS.find(([re]) => re.test(cmd));
    if (!fixture) throw new Error(`no recorded listing for "${cmd}"`);
    writeFileSync(join(dir, w[redirect + 1]), readFileSync(join(FIXTURES, fixture[1])));
    return { code: 0, out: '', err: '' };
  }
  return runCommand(w, dir, '');
}

async function runCommand(w: string[], dir: string, stdin: string): Promise<Result> {
  if (w[0] === 'npx' && w[1] === 'container-registry') return runIn(dir, w.slice(2), stdin);
  if (w[0] === 'container-registry') return runIn(dir, w.slice(1), stdin);
  if (w[0] === 'npx' && w[1] === 'tsx' && w[2] === 'src/cli/main.ts') return runIn(ROOT, w.slice(3), stdin);
  if (w[0] === 'sh') {
    const r = spawnSync('sh', w.slice(1), { cwd: dir, input: stdin, encoding: 'utf8' });
    return { code: r.status ?? 1, out: r.stdout, err: r.stderr };
  }
  throw new Error(`the README test does not know how to run "${w.join(' ')}"`);
}

describe('the README is true when tried', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'readme-'));
    const yaml = blocks(section('Quick start'), 'yaml');
    expect(yaml).toHaveLength(1);
    writeFileSync(join(dir, 'registry.yaml'), yaml[0]);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('Try it: the command to try the command line from a checkout', async () => {
    const prose = [...section('Try it').matchAll(/`(npx tsx src\/cli\/main\.ts [^`]+)`/g)].map((m) => m[1]);
    expect(prose).toEqual(['npx tsx src/cli/main.ts validate examples/spec-only/registry.yaml']);
    const shell = blocks(section('Try it'), 'sh').flatMap(commandLines);
    for (const line of [...shell, ...prose]) {
      const r = await runLine(line, dir);
      if (r === 'not run') continue;
      expect({ line, code: r.code, err: r.err }).toEqual({ line, code: 0, err: '' });
      expect(r.out).toMatch(/examples\/spec-only\/registry\.yaml: valid/);
    }
  });

  test('Quick start: the spec, its schema path in a checkout, and every command', async () => {
    expect(SpecLoader.fromFile(join(dir, 'registry.yaml')).access?.promoters?.length).toBeGreaterThan(0);
    // The checkout path the Quick start names exists; the package path is under node_modules once installed.
    expect(section('Quick start')).toContain('`schema/registry-spec.schema.json`');
    expect(existsSync(join(ROOT, 'schema/registry-spec.schema.json'))).toBe(true);
    expect(section('Quick start')).toContain('$schema=node_modules/container-registry-constructs/schema/registry-spec.schema.json');
    const lines = blocks(section('Quick start'), 'sh').flatMap(commandLines);
    expect(lines.length).toBeGreaterThanOrEqual(4);
    for (const line of lines) {
      const r = await runLine(line, dir);
      expect(r).not.toBe('not run');
      expect({ line, code: (r as Result).code, err: (r as Result).err.replace(/^warning.*\n?/gm, '') }).toEqual({ line, code: 0, err: '' });
    }
    expect(readFileSync(join(dir, 'plan.txt'), 'utf8')).toMatch(/^## aws platform\/dev\/api lifecycle-policy$/m);
    expect(existsSync(join(dir, '.github/promotion/aws/promote-dev-to-staging.sh'))).toBe(true);
    expect(existsSync(join(dir, '.github/workflows/promote-aws.yml'))).toBe(true);
  });

  test('Quick start: the TypeScript snippet, from a checkout as the README says', () => {
    const ts = blocks(section('Quick start'), 'ts');
    expect(ts[0]).toContain("SpecLoader.fromFile('registry.yaml')");
    expect(section('Quick start')).toContain("import { SpecLoader } from './src';");
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      expect(SpecLoader.fromFile('registry.yaml').name).toBe('platform');
    } finally {
      process.chdir(cwd);
    }
  });

  test('Command line: every command of its block runs, with recorded cloud listings', async () => {
    const lines = blocks(section('Command line'), 'sh').flatMap(commandLines);
    expect(lines.length).toBeGreaterThanOrEqual(10);
    const outputs: Record<string, string> = {};
    for (const line of lines) {
      const r = await runLine(line, dir);
      expect(r).not.toBe('not run');
      const { code, out, err } = r as Result;
      expect({ line, code, err: err.replace(/^warning.*\n?/gm, '') }).toEqual({ line, code: 0, err: '' });
      outputs[line] = out;
    }
    const find = (re: RegExp) => Object.entries(outputs).find(([l]) => re.test(l))![1];
    expect(find(/ --help$/)).toMatch(/^usage: container-registry <command>/);
    expect(find(/ tags /)).toMatch(/1\.4\.0-0123456/);
    expect(find(/--check$/)).toBe('plan.txt is up to date');
    expect(find(/--images images\.json/)).toMatch(/^repository api: 3 images from images\.json \(ecr\)/);
    // The gcloud listing of a whole repository holds api and web: --repository web keeps web's three images.
    expect(find(/--images -/)).toMatch(/^repository web: 3 images from standard input \(gcloud\)/);
  });

  test('negative control: a README line the runner cannot run fails the test', async () => {
    await expect(runLine('kubectl get pods', dir)).rejects.toThrow(/does not know how to run "kubectl get pods"/);
    await expect(runLine('az acr manifest list-metadata -r x -n y | container-registry preview --images -', dir)).rejects.toThrow(/no recorded listing/);
    // and a failing command is seen as failing
    const r = await runLine('npx container-registry validate missing.yaml', dir);
    expect(r).toMatchObject({ code: 1, err: expect.stringMatching(/cannot read missing\.yaml/) });
  });
});
