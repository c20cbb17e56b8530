import { mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { runCli } from './run-cli';


const dir = mkdtempSync(join(tmpdir(), 'cli-'));
const file = (name: string, text: string) => {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
};

describe('container-registry validate', () => {
  test('a valid spec exits 0 and prints the summary', async () => {
    const r = await runCli(['validate', file('ok.yaml', 'name: platform\nrepositories: [{name: api}]\n')]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/ok\.yaml: valid\nregistry "platform": 1 repository \(api\)/);
  });

  test('an invalid spec exits 1 and lists every problem', async () => {
    const r = await runCli(['validate', file('bad.yaml', 'name: Platform\nrepositories: [{name: API}, {name: web, colour: red}]\n')]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/bad\.yaml is invalid: 3 problems/);
    expect(r.err).toMatch(/line 2: repositories\[1\]\.colour: "red" is not a known field/);
    expect(r.err).toMatch(/line 1: name: "Platform" is not a valid registry name/);
    expect(r.err).toMatch(/line 2: repositories\[0\]\.name: "API" is not a valid repository name/);
  });

  test('a retention that could expire an environment tag\'s image is an error', async () => {
    const f = file('envtags.yaml', [
      'name: platform',
      'repositories: [{name: api}]',
      'environments: { layout: tags, chain: [{name: dev}, {name: prod}] }',
      'retention: { rules: [{ tagState: any, keepMostRecent: 5 }] }',
    ].join('\n'));
    const r = await runCli(['validate', f]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/envtags\.yaml is invalid: 2 problems\n {2}- line 4: retention\.rules\[0\]: "dev" could expire the image the environment tag "dev" points to/);
  });

  test('a retention the target cloud cannot express is an error of validate --cloud', async () => {
    const rules = Array.from({ length: 12 }, (_, i) => `    - { tagState: tagged, tagPatterns: ["team${i}-*"], expireAfterDays: 7 }`);
    const f = file('twelve.yaml', ['name: platform', 'repositories: [{name: api}]', 'retention:', '  rules:', ...rules].join('\n'));
    expect((await runCli(['validate', f, '--cloud', 'aws'])).code).toBe(0);
    const gcp = await runCli(['validate', f, '--cloud', 'gcp']);
    expect(gcp.code).toBe(1);
    // The GCP validator's problem (the one the construct raises), with the cloud named.
    expect(gcp.err).toMatch(/twelve\.yaml is invalid: 1 problem\n {2}- line 4: retention: cannot be expressed as Artifact Registry cleanup policies .*: the policies need 12 cleanup policies; Artifact Registry allows 10 per repository/);
    expect(gcp.err.trimEnd()).toMatch(/\(gcp\)$/);
  });

  test('--cloud limits the naming checks to the clouds given', async () => {
    const f = file('short.yaml', 'name: ab\nrepositories: [{name: api}]\n');
    expect((await runCli(['validate', f, '--cloud', 'aws'])).code).toBe(0);
    const azure = await runCli(['validate', f, '--cloud', 'azure']);
    expect(azure.code).toBe(1);
    expect(azure.err).toMatch(/ACR names are 5-50 letters and digits/);
    const bad = await runCli(['validate', f, '--cloud', 'ibm']);
    expect(bad).toMatchObject({ code: 2, err: expect.stringMatching(/--cloud: "ibm" is not a cloud \(allowed: aws, gcp, azure, harbor;/) });
  });

  test('usage errors exit 2', async () => {
    expect((await runCli(['validate'])).code).toBe(2);
    expect(await runCli(['frobnicate'])).toMatchObject({ code: 2, err: expect.stringMatching(/unknown command "frobnicate"/) });
    expect(await runCli(['validate', 'x.yaml', '--colour'])).toMatchObject({ code: 2, err: expect.stringMatching(/unknown option --colour/) });
    expect(await runCli(['validate', join(dir, 'nope.yaml')])).toMatchObject({ code: 1, err: expect.stringMatching(/cannot read .*nope\.yaml: no such file/) });
  });

  test('validate --cloud runs each cloud\'s validator (the one its constructs call): what a cloud refuses at synthesis, validate refuses', async () => {
    // A git-sha tag policy with six mutable patterns: ECR takes five exclusion filters (issue 15's first example).
    const f = file('six.yaml', ['name: platform', 'repositories: [{name: api}]', 'tagPolicy:', '  strategy: git-sha',
      '  mutableTags: [a, b, c, d, e, f]'].join('\n'));
    const aws = await runCli(['validate', f, '--cloud', 'aws']);
    expect(aws.code).toBe(1);
    expect(aws.err).toMatch(/six\.yaml is invalid: \d+ problems?\n[\s\S]*mutableTags[\s\S]*\(aws\)/);
    expect((await runCli(['validate', f, '--cloud', 'gcp'])).code).toBe(0);
    // Customer-managed encryption without a key: GCP needs the key name (a construct prop can give it; the validator says so).
    const cmk = file('cmk.yaml', ['name: platform', 'repositories: [{name: api}]', 'encryption: { type: customer-managed }'].join('\n'));
    const gcp = await runCli(['validate', cmk, '--cloud', 'gcp']);
    expect(gcp.code).toBe(1);
    expect(gcp.err).toMatch(/encryption/);
  });
});
