import { spawnSync } from 'child_process';
import { readFileSync } from 'fs';
import { join } from 'path';
import { spec } from '../../examples/harbor/spec';
import { EcrValidator } from '../../src/aws/ecr-validator';
import { AcrValidator } from '../../src/azure/azure-validator';
import { GarValidator } from '../../src/gcp/gcp-validator';
import { HarborValidator } from '../../src/harbor/harbor-validator';
import { HarborRetentionRest } from '../../src/harbor/provider/retention-rest';
import { HarborTerraformChecks } from '../../src/harbor/terraform-checks';
import { HarborRetentionRuleBlocks } from '../../src/retention/harbor-rule-blocks';
import { HarborRetentionTranslation } from '../../src/retention/harbor-translation';
import { schemaProblems } from '../harbor/provider-schema';

// The README's main command for the Harbor example, then the output folder it writes
// (cdktf's own synth path: the app's `app.synth()`, what `cdktf synth` runs).
describe('examples/harbor', () => {
  const root = join(__dirname, '../..');
  const res = spawnSync(join(root, 'node_modules/.bin/tsx'), [join(root, 'scripts/synth-examples.ts'), '--only', 'harbor'], { cwd: root, encoding: 'utf8' });
  const out = join(root, 'examples/harbor/cdktf.out/stacks/platform-registry-harbor/cdk.tf.json');
  const tf = JSON.parse(res.status === 0 ? readFileSync(out, 'utf8') : '{}');
  const list = (type: string): any[] => Object.values(tf.resource?.[type] ?? {});

  test('the spec also targets AWS, GCP and Azure: every cloud\'s validator accepts it', () => {
    expect(EcrValidator.problems(spec)).toEqual([]);
    expect(GarValidator.problems(spec)).toEqual([]);
    expect(AcrValidator.problems(spec)).toEqual([]);
    expect(HarborValidator.problems(spec)).toEqual([]);
  });

  test('synthesizes with no failure, printing the construct\'s warnings', () => {
    expect(res.stderr).toBe('');
    expect(res.stdout).toMatch(/== examples\/harbor\n[\s\S]*output: examples\/harbor\/cdktf\.out\/stacks\/platform-registry-harbor\/cdk\.tf\.json\n\n1 example, 0 failures\n$/);
    expect(res.stdout).toMatch(/\[container-registry-constructs:harbor-robot-secrets\] robots of ci, cluster, promoter/);
    expect(res.status).toBe(0);
  });

  test('conforms to the provider schema (from its Go source) and passes the Harbor Terraform checks', () => {
    // cdktf's own metadata (`//`) is not a provider argument: Terraform ignores it.
    const withoutMetadata = JSON.parse(JSON.stringify(tf, (k, v) => (k === '//' ? undefined : v)));
    expect(schemaProblems(withoutMetadata)).toEqual([]);
    expect(HarborTerraformChecks.check(tf)).toEqual([]);
    expect(tf.provider.harbor).toEqual([{ url: 'https://harbor.acme.example', username: '${var.harbor_username}', password: '${var.harbor_password}', insecure: false }]);
  });

  test('three private projects with quota, scan on push, deployment security at critical and cosign; two proxy-cache projects', () => {
    const projects = list('harbor_project');
    expect(projects.filter((p) => p.registry_id === undefined).map((p) => p.name).sort()).toEqual(['platform-dev', 'platform-prod', 'platform-staging']);
    expect(projects.filter((p) => p.registry_id !== undefined).map((p) => p.name).sort()).toEqual(['platform-docker-hub', 'platform-ghcr']);
    for (const p of projects.filter((x) => x.registry_id === undefined)) {
      expect(p).toMatchObject({ public: false, storage_quota: 500, vulnerability_scanning: true, deployment_security: 'critical', enable_content_trust_cosign: true, lifecycle: { prevent_destroy: true } });
    }
  });

  test('the deployed retention of each project is the translation\'s, rule for rule, through the provider\'s mapping', () => {
    const policies = list('harbor_retention_policy');
    expect(policies).toHaveLength(3);
    for (const p of HarborRetentionTranslation.projects(spec)) {
      const expected = HarborRetentionTranslation.translate(p.repositories);
      const body = policies.find((b) => b['//'].metadata.path.endsWith(`Retention-${p.project}`));
      expect(JSON.parse(HarborRetentionRuleBlocks.toPolicy(expected.ruleBlocks)).rules).toEqual(HarborRetentionRest.fromTerraform(body, 1).rules);
      expect(body.schedule).toBe('Daily');
    }
  });

  test('robots: CI pushes dev only; the promoter pulls the source (and reads its scan results before prod) and pushes the next environment; the dashboard pulls prod; secrets are sensitive', () => {
    const robots = list('harbor_robot_account')
      .map((r) => [r.name, r.permissions[0].namespace, r.permissions[0].access.map((a: any) => `${a.resource}:${a.action}`).join('+')]);
    expect(robots.filter(([n]) => n !== 'cluster').sort()).toEqual([
      ['ci', 'platform-dev', 'repository:pull+repository:push'],
      ['dashboard', 'platform-prod', 'repository:pull'],
      ['promoter', 'platform-dev', 'repository:pull'],
      ['promoter', 'platform-prod', 'repository:pull+repository:push'],
      // The staging -> prod hop is gated (the spec's severity threshold): the source robot reads the scan results.
      ['promoter', 'platform-staging', 'artifact-addition:read+artifact:read+repository:pull+repository:push'],
    ]);
    expect(Object.entries<any>(tf.output).filter(([k]) => k.startsWith('HARBOR_ROBOT_SECRET_')).every(([, o]) => o.sensitive === true)).toBe(true);
  });

  test('replication: each project is pushed to the DR Harbor on push events', () => {
    expect(list('harbor_replication').map((r) => [r.name, r.action, r.schedule, r.filters[0].name]).sort()).toEqual([
      ['platform-dev-to-dr', 'push', 'event_based', 'platform-dev/**'],
      ['platform-prod-to-dr', 'push', 'event_based', 'platform-prod/**'],
      ['platform-staging-to-dr', 'push', 'event_based', 'platform-staging/**'],
    ]);
  });
});
