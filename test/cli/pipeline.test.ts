import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { runCli } from './run-cli';

// Hostile-user sweep, item 4 of the brief: what validate refuses for a spec, plan, promote-scripts and workflow
// refuse too, and the reverse. promote-scripts and workflow ran the neutral checks only, so they wrote workflows
// for specs that no cloud synthesizes; plan refused every spec with network.privateAccess on AWS.
const dir = mkdtempSync(join(tmpdir(), 'cli-pipeline-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const base = [
  'name: platform',
  'repositories: [{ name: api }, { name: web }]',
  'environments:',
  '  layout: LAYOUT',
  '  chain: [{ name: dev }, { name: staging }, { name: prod, requiresApproval: true }]',
  'retention:',
  '  protectedTags: [prod, staging, "v*"]',
  '  rules:',
  '    - { tagState: untagged, expireAfterDays: 7 }',
  '    - { tagState: any, keepMostRecent: 200 }',
  'access:',
  '  pushers: [{ name: ci, github: { repository: example/platform, branch: main } }]',
  '  promoters:',
  '    - { name: promote-staging, environments: [staging], github: { repository: example/platform, branch: main } }',
  '    - { name: promote-prod, environments: [prod], github: { repository: example/platform, environment: prod } }',
  '',
].join('\n');
const write = (name: string, text: string) => {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
};

describe('one validation pipeline for validate, plan, promote-scripts and workflow', () => {
  // The tags layout: "dev" is an environment tag that the keep-200 rule could expire (RetentionTagCheck, run by every
  // cloud's validator). A git-sha policy with six mutable patterns: ECR takes five exclusion filters.
  const envTag = write('env-tag.yaml', base.replace('LAYOUT', 'tags'));
  const gitSha = write('git-sha.yaml', `${base.replace('LAYOUT', 'repositories')}tagPolicy: { strategy: git-sha, immutable: true, mutableTags: [a, b, c, d, e, f] }\n`);

  test.each<[string, string, string, RegExp]>([
    ['the tags layout expiring an environment tag', envTag, 'gcp', /^  - line 10: retention\.rules\[1\]: "dev" could expire the image the environment tag "dev" points to/m],
    ['six mutable patterns on ECR', gitSha, 'aws', /^  - line 16: tagPolicy: ECR cannot express this tag policy: it lists 6 mutableTags patterns/m],
  ])('%s: every command refuses it with the same problem and line', async (_, file, cloud, problem) => {
    for (const args of [
      ['validate', file, '--cloud', cloud],
      ['plan', file, '--cloud', cloud],
      ['promote-scripts', file, '--cloud', cloud, '--out', join(dir, 'out')],
      ['workflow', file, '--cloud', cloud],
    ]) {
      const r = await runCli(args);
      expect([args[0], r.code]).toEqual([args[0], 1]);
      expect(r.err).toMatch(problem);
      expect(r.out).toBe('');
    }
  });

  test('plan of a private AWS registry: the VPC is a placeholder, as in EcrPolicyPlan.fromSpec (was "props.privateNetwork: is required")', async () => {
    const file = write('private.yaml', `${base.replace('LAYOUT', 'repositories')}network: { privateAccess: true }\n`);
    expect((await runCli(['validate', file, '--cloud', 'aws', '--quiet'])).code).toBe(0);
    const r = await runCli(['plan', file, '--cloud', 'aws']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^## aws .*vpc-endpoint/m);
  });

  test('negative control: the same spec, valid, passes every command', async () => {
    const file = write('ok.yaml', base.replace('LAYOUT', 'repositories'));
    for (const cloud of ['aws', 'gcp', 'azure', 'harbor']) {
      expect((await runCli(['validate', file, '--cloud', cloud, '--quiet'])).code).toBe(0);
      expect((await runCli(['plan', file, '--cloud', cloud])).code).toBe(0);
      expect((await runCli(['workflow', file, '--cloud', cloud])).code).toBe(0);
    }
  });
});
