import { accessSync, constants, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { runCli } from './run-cli';


const dir = mkdtempSync(join(tmpdir(), 'cli-promote-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const specFile = join(dir, 'registry.yaml');
writeFileSync(specFile, [
  'name: platform',
  'repositories: [{name: api}]',
  'environments:',
  '  layout: tags',
  '  chain: [{name: dev}, {name: prod}]',
  'access:',
  '  pushers: [{name: ci, github: {repository: o/r, branch: main}}]',
  '  promoters: [{name: promoter, github: {repository: o/r, environment: prod}}]',
  '',
].join('\n'));
const executable = (path: string) => {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

describe('container-registry promote-scripts', () => {
  const out = join(dir, 'repo');

  test('writes the workflow and the scripts, executable, and lists the variables and warnings', async () => {
    const r = await runCli(['promote-scripts', specFile, '--cloud', 'aws', '--out', out, '--aws-account-id', '123456789012', '--aws-region', 'eu-west-1']);
    expect(r.code).toBe(0);
    expect(r.out.split('\n')).toEqual([
      `created ${out}/.github/workflows/promote-aws.yml`,
      `created ${out}/.github/promotion/lib/build-tags.sh`,
      `created ${out}/.github/promotion/lib/promote-image.sh`,
      `created ${out}/.github/promotion/lib/scan-gate.sh`,
      `created ${out}/.github/promotion/aws/promote-dev-to-prod.sh`,
      'aws: set these GitHub variables: AWS_ROLE_ARN_CI, AWS_ROLE_ARN_PROMOTER',
    ]);
    expect(r.err).toMatch(/^warning \(aws\): environments\.layout is "tags": IAM cannot tell tags apart/);
    expect(executable(join(out, '.github/promotion/aws/promote-dev-to-prod.sh'))).toBe(true);
    expect(readFileSync(join(out, '.github/promotion/aws/promote-dev-to-prod.sh'), 'utf8'))
      .toContain('DEFAULT_DEST_REGISTRY=\'123456789012.dkr.ecr.eu-west-1.amazonaws.com\'');
    expect(readFileSync(join(out, '.github/workflows/promote-aws.yml'), 'utf8')).toContain('role-to-assume: ${{ vars.AWS_ROLE_ARN_PROMOTER }}');
  });

  test('a second run reports the files unchanged; --check passes, then fails naming a stale or missing file', async () => {
    const args = ['promote-scripts', specFile, '--cloud', 'aws', '--out', out, '--aws-account-id', '123456789012', '--aws-region', 'eu-west-1'];
    expect((await runCli(args)).out).toMatch(/^unchanged .*promote-aws\.yml$/m);
    expect(await runCli([...args, '--check'])).toMatchObject({ code: 0, out: expect.stringMatching(/promotion files are up to date$/) });
    // Different options give different files: the check names them.
    const stale = await runCli(['promote-scripts', specFile, '--cloud', 'aws', '--out', out, '--check']);
    expect(stale.code).toBe(1);
    expect(stale.err).toContain('promotion files are out of date; regenerate them with container-registry promote-scripts:');
    expect(stale.err).toContain(`  - ${out}/.github/workflows/promote-aws.yml (differs)`);
    const missing = await runCli(['promote-scripts', specFile, '--cloud', 'gcp', '--out', out, '--check']);
    expect(missing.err).toContain(`  - ${out}/.github/workflows/promote-gcp.yml (missing)`);
  });

  test('errors: --cloud required, bad options listed at once, invalid spec, usage', async () => {
    expect(await runCli(['promote-scripts', specFile])).toMatchObject({ code: 2, err: '--cloud is required (aws, gcp, azure, harbor; comma-separated for several)' });
    const bad = await runCli(['promote-scripts', specFile, '--cloud', 'aws', '--aws-region', 'mars', '--image', 'web', '--out', out]);
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('Cannot plan promotion of registry "platform": 2 problems');
    expect(bad.err).toContain('awsRegion: "mars" is not an AWS region');
    expect(bad.err).toContain('images[0]: "web" is not a repository of the spec (repositories: api)');
    const invalid = join(dir, 'bad.yaml');
    writeFileSync(invalid, 'name: Platform\nrepositories: [{name: api}]\n');
    expect(await runCli(['promote-scripts', invalid, '--cloud', 'aws'])).toMatchObject({ code: 1, err: expect.stringMatching(/bad\.yaml is invalid: 1 problem/) });
    expect((await runCli(['promote-scripts'])).code).toBe(2);
    expect(await runCli(['promote-scripts', join(dir, 'nope.yaml'), '--cloud', 'aws'])).toMatchObject({ code: 1, err: expect.stringMatching(/no such file/) });
    // A spec whose promoter does not cover a hop cannot have a workflow.
    const noPromoter = join(dir, 'no-promoter.yaml');
    writeFileSync(noPromoter, readFileSync(specFile, 'utf8').replace(/  promoters:.*\n/, ''));
    expect(await runCli(['promote-scripts', noPromoter, '--cloud', 'gcp', '--out', out]))
      .toMatchObject({ code: 1, err: expect.stringContaining('access.promoters: no promoter performs hop dev -> prod') });
  });
});

describe('container-registry workflow', () => {
  test('prints one cloud\'s workflow', async () => {
    const r = await runCli(['workflow', specFile, '--cloud', 'azure', '--acr-registry-suffix', 'x1', '--branch', 'main']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^# Builds each image once, pushes it to dev/);
    expect(r.out).toContain('\nname: Build and promote (azure)\n');
    expect(r.out).toContain('client-id: ${{ vars.AZURE_CLIENT_ID_PROMOTER }}');
    expect(r.out).toContain('REGISTRY: platformx1.azurecr.io');
  });

  // "The URL for your default private registry is https://aws_account_id.dkr.ecr.cn-north-1.amazonaws.com.cn"
  // (Amazon ECR user guide for the China regions); GovCloud keeps amazonaws.com (AWS General Reference, ECR endpoints).
  test.each([
    ['cn-north-1', 'amazonaws.com.cn'],
    ['us-gov-west-1', 'amazonaws.com'],
    ['eu-west-1', 'amazonaws.com'],
  ])('prints the ECR hosts of %s with the URL suffix %s', async (region, suffix) => {
    const r = await runCli(['workflow', specFile, '--cloud', 'aws', '--aws-account-id', '123456789012', '--aws-region', region]);
    expect(r.code).toBe(0);
    const hosts = new Set([...r.out.matchAll(/\b123456789012\.dkr\.ecr\.\S+?(?=\/|\s|$)/g)].map((m) => m[0]));
    expect(hosts).toEqual(new Set([`123456789012.dkr.ecr.${region}.${suffix}`]));
  });

  test('exactly one cloud', async () => {
    expect(await runCli(['workflow', specFile, '--cloud', 'aws,gcp'])).toMatchObject({ code: 2, err: '--cloud: give exactly one cloud (the workflow is per cloud)' });
    expect(await runCli(['workflow', specFile, '--cloud', 'ibm'])).toMatchObject({ code: 2, err: expect.stringMatching(/"ibm" is not a cloud/) });
    expect((await runCli(['workflow'])).code).toBe(2);
  });
});

describe('container-registry promote-scripts with several clouds and --scripts-dir', () => {
  test('each cloud gets its own scripts folder, and --check then finds them up to date', async () => {
    const out = join(dir, 'multi');
    const args = ['promote-scripts', specFile, '--cloud', 'aws,gcp', '--scripts-dir', 'ops/promotion', '--out', out];
    const r = await runCli(args);
    expect(r.code).toBe(0);
    expect(readFileSync(join(out, 'ops/promotion/aws/promote-dev-to-prod.sh'), 'utf8')).not.toBe(readFileSync(join(out, 'ops/promotion/gcp/promote-dev-to-prod.sh'), 'utf8'));
    // The shared files are written once, for both clouds, to <scripts-dir>/lib; each hop script sources them from there.
    const written = r.out.split('\n').filter((l) => l.startsWith('created ')).map((l) => l.slice(`created ${out}/`.length));
    expect(written.filter((f) => f.startsWith('ops/promotion/lib/'))).toEqual(['ops/promotion/lib/build-tags.sh', 'ops/promotion/lib/promote-image.sh', 'ops/promotion/lib/scan-gate.sh']);
    expect(readdirSync(join(out, 'ops/promotion/aws'))).not.toContain('promote-image.sh');
    for (const cloud of ['aws', 'gcp']) {
      expect(readFileSync(join(out, `ops/promotion/${cloud}/promote-dev-to-prod.sh`), 'utf8')).toContain('. "$HOP_LIBRARY_DIR/promote-image.sh"');
    }
    expect(await runCli([...args, '--check'])).toMatchObject({ code: 0 });
  });

  test('option values may contain "="', async () => {
    const r = await runCli(['workflow', specFile, '--cloud', 'aws', '--runs-on=group=large']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('runs-on: group=large');
  });
});

describe('container-registry promote-scripts --cloud harbor', () => {
  test('writes the Harbor workflow and scripts, and lists the variables and the secrets to set; a bad host is refused', async () => {
    const out = join(dir, 'harbor');
    const r = await runCli(['promote-scripts', specFile, '--cloud', 'harbor', '--harbor-host', 'harbor.example.com', '--out', out]);
    expect(r.code).toBe(0);
    expect(r.out.split('\n')).toEqual([
      `created ${out}/.github/workflows/promote-harbor.yml`,
      `created ${out}/.github/promotion/lib/build-tags.sh`,
      `created ${out}/.github/promotion/lib/promote-image.sh`,
      `created ${out}/.github/promotion/lib/scan-gate.sh`,
      `created ${out}/.github/promotion/harbor/promote-dev-to-prod.sh`,
      // The tags layout: one project "platform"; CI's robot and the promoter's robot in it.
      'harbor: set these GitHub variables: HARBOR_ROBOT_NAME_CI_PLATFORM, HARBOR_ROBOT_NAME_PROMOTER_PLATFORM',
      'harbor: set these GitHub secrets: HARBOR_ROBOT_SECRET_CI_PLATFORM, HARBOR_ROBOT_SECRET_PROMOTER_PLATFORM',
    ]);
    expect(readFileSync(join(out, '.github/promotion/harbor/promote-dev-to-prod.sh'), 'utf8')).toContain('DEFAULT_DEST_REGISTRY=\'harbor.example.com/platform\'');
    expect(readFileSync(join(out, '.github/workflows/promote-harbor.yml'), 'utf8')).toContain('ROBOT_SECRET: ${{ secrets.HARBOR_ROBOT_SECRET_PROMOTER_PLATFORM }}');
    expect(await runCli(['promote-scripts', specFile, '--cloud', 'harbor', '--harbor-host', 'https://harbor.example.com', '--out', out]))
      .toMatchObject({ code: 1, err: expect.stringContaining('harborHost: "https://harbor.example.com" is not a registry host') });
  });
});
