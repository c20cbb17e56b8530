import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { runCli } from './run-cli';

// Hostile-user sweep (issue 15's classes): options that were silently ignored, and output
// paths that failed with Node's raw error (or half-way through the files).
const dir = mkdtempSync(join(tmpdir(), 'cli-options-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const spec = join(dir, 'registry.yaml');
writeFileSync(spec, [
  'name: platform',
  'repositories: [{name: api}]',
  'environments:',
  '  chain: [{name: dev}, {name: prod}]',
  'access:',
  '  pushers: [{name: ci, github: {repository: o/r, branch: main}}]',
  '  promoters: [{name: promoter, github: {repository: o/r, environment: prod}}]',
  '',
].join('\n'));

describe('no option is silently ignored', () => {
  test.each<[string, string[], RegExp]>([
    // plan --check without --out printed the plan and exited 0: a CI check that checked nothing.
    ['plan --check without --out', ['plan', spec, '--cloud', 'gcp', '--check'], /^--check compares the plan with the file given by --out: give --out FILE/],
    ['plan --gcp-project with --cloud aws', ['plan', spec, '--cloud', 'aws', '--gcp-project', 'my-project'], /^--gcp-project applies to --cloud gcp, which --cloud aws does not include$/],
    ['plan --azure-location with --cloud gcp', ['plan', spec, '--cloud', 'gcp', '--azure-location', 'westeurope'], /^--azure-location applies to --cloud azure/],
    ['promote-scripts --aws-region with --cloud gcp', ['promote-scripts', spec, '--cloud', 'gcp', '--aws-region', 'eu-west-1', '--out', join(dir, 'x')], /^--aws-region applies to --cloud aws, which --cloud gcp does not include$/],
    ['workflow --harbor-host with --cloud azure', ['workflow', spec, '--cloud', 'azure', '--harbor-host', 'harbor.example.com'], /^--harbor-host applies to --cloud harbor/],
    // With several clouds --workflow-path was dropped: each cloud wrote its default file.
    ['promote-scripts --workflow-path with two clouds', ['promote-scripts', spec, '--cloud', 'aws,gcp', '--workflow-path', '.github/workflows/x.yml', '--out', join(dir, 'x')],
      /^--workflow-path names one workflow file, but --cloud aws,gcp writes one per cloud/],
  ])('%s: usage error, exit 2, nothing written', async (_, args, message) => {
    const r = await runCli(args);
    expect(r.err).toMatch(message);
    expect(r.code).toBe(2);
    expect(existsSync(join(dir, 'x'))).toBe(false);
  });

  test.each<[string, string[], RegExp]>([
    // These became the project and location of every member and resource id in the plan.
    ['--gcp-project', ['--cloud', 'gcp', '--gcp-project', 'BAD PROJECT'], /^--gcp-project: "BAD PROJECT" is not a GCP project id/],
    ['--gcp-location', ['--cloud', 'gcp', '--gcp-location', 'Europe West'], /^--gcp-location: "Europe West" is not a GCP location/],
    ['--azure-location', ['--cloud', 'azure', '--azure-location', 'West Europe'], /^--azure-location: "West Europe" is not an Azure location as ARM spells it/],
    ['--azure-resource-group', ['--cloud', 'azure', '--azure-resource-group', 'rg.'], /^--azure-resource-group: "rg\." is not an Azure resource group name/],
  ])('plan %s is checked against the grammar of what it becomes', async (_, args, message) => {
    const r = await runCli(['plan', spec, ...args]);
    expect(r).toMatchObject({ code: 2, err: expect.stringMatching(message) });
  });

  test('tags --promote-to names an environment of the --spec chain', async () => {
    const r = await runCli(['tags', '--sha', '0123456', '--spec', spec, '--promote-to', 'qa']);
    expect(r).toMatchObject({ code: 1, err: expect.stringMatching(/^--promote-to: "qa" is not an environment of .*registry\.yaml \(dev, prod\)$/) });
  });

  // `tags --promote-to latest` listed "latest" twice (alias and environment), `--promote-to 1.2` the same for the minor alias.
  test.each<[string, RegExp]>([
    ['latest', /^--promote-to: "latest" is also this build's latest tag; an environment tag must be a tag of its own/],
    ['1', /^--promote-to: "1" is not an environment name/],
    ['Prod', /^--promote-to: "Prod" is not an environment name \(lower-case letters and digits, starting with a letter, at most 20 characters/],
    ['qa-1', /^--promote-to: "qa-1" is not an environment name/],
  ])('tags --promote-to %s is refused', async (env, message) => {
    expect(await runCli(['tags', '--sha', '0123456', '--version', '1.2.3', '--promote-to', env])).toMatchObject({ code: 1, err: expect.stringMatching(message) });
  });

  test('negative controls: the same options with their cloud, and --check with --out, are accepted', async () => {
    const plan = join(dir, 'plan.txt');
    expect((await runCli(['plan', spec, '--cloud', 'gcp,azure', '--gcp-project', 'my-project-1', '--gcp-location', 'europe-west1',
      '--azure-resource-group', 'platform_rg-(1).x', '--azure-location', 'westeurope', '--out', plan])).code).toBe(0);
    expect((await runCli(['plan', spec, '--cloud', 'gcp,azure', '--gcp-project', 'my-project-1', '--gcp-location', 'europe-west1',
      '--azure-resource-group', 'platform_rg-(1).x', '--azure-location', 'westeurope', '--out', plan, '--check'])).code).toBe(0);
    expect((await runCli(['workflow', spec, '--cloud', 'harbor', '--harbor-host', 'harbor.example.com'])).code).toBe(0);
    expect((await runCli(['workflow', spec, '--cloud', 'aws', '--workflow-path', '.github/workflows/x.yml'])).code).toBe(0);
    expect((await runCli(['tags', '--sha', '0123456', '--spec', spec, '--promote-to', 'prod'])).out).toMatch(/^prod\s+moves\s+environment$/m);
    expect((await runCli(['tags', '--sha', '0123456', '--version', '1.2.3', '--promote-to', 'staging2'])).out).toMatch(/^staging2\s+moves\s+environment$/m);
  });
});

describe('paths that cannot be read or written: a clear error naming the option, nothing written half-way', () => {
  test('"-" as the spec file says where standard input is read (was "cannot read -: no such file")', async () => {
    for (const command of ['validate', 'plan', 'lint']) {
      expect(await runCli([command, '-'])).toMatchObject({ code: 1, err: 'cannot read -: a spec file is read by its name (standard input is read by preview --images - only)' });
    }
  });

  test('a folder given as the spec file', async () => {
    expect(await runCli(['validate', dir])).toMatchObject({ code: 1, err: `cannot read ${dir}: it is a folder, not a file` });
  });

  test('plan --out: a folder, or a file in a missing folder (was Node\'s EISDIR / ENOENT)', async () => {
    expect(await runCli(['plan', spec, '--cloud', 'gcp', '--out', dir])).toMatchObject({ code: 1, err: `--out: cannot write ${dir}: it is a folder; give a file name` });
    // With --check, a folder was "out of date".
    expect(await runCli(['plan', spec, '--cloud', 'gcp', '--out', dir, '--check'])).toMatchObject({ code: 1, err: `--out: cannot read ${dir}: it is a folder, not a file` });
    const missing = join(dir, 'no', 'such', 'plan.txt');
    expect(await runCli(['plan', spec, '--cloud', 'gcp', '--out', missing])).toMatchObject({ code: 1, err: `--out: cannot write ${missing}: its folder ${join(dir, 'no', 'such')} does not exist` });
  });

  test('promote-scripts --out: a file (was ENOTDIR), or a folder where a file must go: nothing is written', async () => {
    expect(await runCli(['promote-scripts', spec, '--cloud', 'aws', '--out', spec])).toMatchObject({ code: 1, err: `--out: ${spec} is a file; give the folder to write .github/ into` });
    // The workflow's path is taken by a folder: refused before the scripts are written.
    const out = join(dir, 'blocked');
    mkdirSync(join(out, '.github', 'workflows', 'promote-aws.yml'), { recursive: true });
    const r = await runCli(['promote-scripts', spec, '--cloud', 'aws', '--out', out]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^--out: cannot write .*promote-aws\.yml \(it is a folder; give a file name\); nothing was written$/);
    expect(readdirSync(join(out, '.github'))).toEqual(['workflows']);
  });
});

describe('promotion options are checked against what they become, all at once', () => {
  test('the planner\'s options and the workflow\'s in one list; nothing written', async () => {
    const out = join(dir, 'wf');
    const r = await runCli(['promote-scripts', spec, '--cloud', 'aws', '--out', out, '--branch', 'refs/heads/main', '--image', 'api,api',
      '--scripts-dir', '../../etc', '--runs-on', 'ubuntu-latest\n  permissions: write-all']);
    expect(r.code).toBe(1);
    expect(r.err.split('\n')).toEqual([
      'Cannot plan promotion of registry "platform": 5 problems',
      '  - branch: "refs/heads/main" is a full git ref; give the branch name only: "main" (refs/heads/ is added where a ref is needed)',
      '  - images[1]: "api" is listed twice; list each repository once',
      '  - scriptsDir: "../../etc" is not a folder of the repository: a relative path of names of letters, digits, . _ - (no "..", no leading /, no spaces)',
      '  - libraryDir: "../../etc/lib" is not a folder of the repository: a relative path of names of letters, digits, . _ - (no "..", no leading /, no spaces)',
      '  - runsOn: "ubuntu-latest\\n  permissions: write-all" is not a runner label: one line, not empty, without leading or trailing spaces (ubuntu-latest)',
    ]);
    expect(existsSync(out)).toBe(false);
  });

  test('negative control: a branch with a slash, a scripts folder and a self-hosted label', async () => {
    const r = await runCli(['workflow', spec, '--cloud', 'aws', '--branch', 'release/2.x', '--scripts-dir', 'ci/promote', '--runs-on', 'self-hosted']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('branches: [release/2.x]');
    expect(r.out).toContain('sh ci/promote/promote-dev-to-prod.sh');
  });
});
