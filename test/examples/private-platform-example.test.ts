import { spawnSync } from 'child_process';
import { readFileSync } from 'fs';
import { join } from 'path';
import { EcrPolicyPlan } from '../../src/aws/ecr-policy-plan';
import { AcrPolicyPlan } from '../../src/azure/acr-policy-plan';
import { GarPolicyPlan } from '../../src/gcp/gar-policy-plan';
import { ContainerRegistry as HarborRegistry } from '../../src/harbor/container-registry';
import { HarborPolicyPlan } from '../../src/harbor/harbor-policy-plan';
import { HarborTerraformChecks } from '../../src/harbor/terraform-checks';
import { NotificationEvent, PolicyPlanText, SpecLoader } from '../../src/spec';
import { schemaProblems } from '../harbor/provider-schema';

const root = join(__dirname, '../..');
const dir = join(root, 'examples/private-platform');

/** The resources of one type in a synthesized CDKTF stack. */
const tf = (stack: string, type: string): any[] => Object.values(JSON.parse(readFileSync(join(dir, `cdktf.out/stacks/${stack}/cdk.tf.json`), 'utf8')).resource[type] ?? {});

describe('examples/private-platform: private access and notifications on three clouds and Harbor (issue 19)', () => {
  const res = spawnSync(join(root, 'node_modules/.bin/tsx'), [join(root, 'scripts/synth-examples.ts'), '--only', 'private-platform'], { cwd: root, encoding: 'utf8' });

  test('the main command validates the spec and synthesizes the CDK app (strict CloudFormation validation) and the CDKTF app', () => {
    expect(res.stdout).toMatch(/platform\.yaml: valid/);
    expect(res.stdout).toMatch(/\n1 example, 0 failures\n$/);
    expect(res.status).toBe(0);
  });

  test('AWS: the ECR endpoints and the S3 gateway endpoint, pulls refused outside the VPC, events to an encrypted topic', () => {
    const cfn = JSON.parse(readFileSync(join(dir, 'cdk.out/vault-registry-aws.template.json'), 'utf8'));
    const of = (type: string) => Object.values<any>(cfn.Resources).filter((r) => r.Type === type);
    expect(of('AWS::EC2::VPCEndpoint').map((e) => e.Properties.VpcEndpointType).sort()).toEqual(['Gateway', 'Interface', 'Interface']);
    for (const repo of of('AWS::ECR::Repository')) {
      expect(repo.Properties.RepositoryPolicyText.Statement.map((s: any) => s.Sid)).toContain('DenyPullsOutsideVpc');
    }
    expect(of('AWS::Events::Rule')).toHaveLength(3);
    expect(of('AWS::SNS::Topic')[0].Properties.KmsMasterKeyId).toBeDefined();
    expect(cfn.Outputs.AWSNOTIFICATIONTOPICARN).toBeDefined();
  });

  test('GCP: the project joins the platform perimeter; subscriptions for registry changes, scan findings and promotions', () => {
    expect(tf('vault-registry-gcp', 'google_access_context_manager_service_perimeter_resource')).toEqual([
      expect.objectContaining({ perimeter_name: 'accessPolicies/123456789/servicePerimeters/platform_registries', resource: 'projects/123456789012' }),
    ]);
    expect(tf('vault-registry-gcp', 'google_pubsub_subscription').map((s) => s.name).sort()).toEqual(['vault-promotions', 'vault-registry-changes', 'vault-scan-findings']);
  });

  test('Azure: Premium registries, public access off, private endpoints, Event Grid to the queue', () => {
    const registries = tf('vault-registry-azure', 'azurerm_container_registry');
    expect(registries.map((r) => [r.name, r.sku, r.public_network_access_enabled, r.data_endpoint_enabled]).sort()).toEqual([
      ['vaultdevexample', 'Premium', false, true], ['vaultprodexample', 'Premium', false, true],
    ]);
    expect(tf('vault-registry-azure', 'azurerm_private_endpoint')).toHaveLength(2);
    expect(tf('vault-registry-azure', 'azurerm_eventgrid_system_topic_event_subscription').map((s) => s.storage_queue_endpoint.queue_name)).toEqual(['registry-events', 'registry-events']);
  });

  test('Harbor: no network resource (Harbor has none; the warning says so), one webhook per project with the spec\'s events, schema-valid', () => {
    // Harbor's webhook event types of the spec's events (goharbor/harbor src/pkg/notifier/event/topic.go).
    const events = [NotificationEvent.PUSH, NotificationEvent.SCAN_FINDING, NotificationEvent.RETENTION_DELETION, NotificationEvent.PROMOTION];
    const types = HarborRegistry.webhookEventTypes(events);
    expect(types).toEqual(['PUSH_ARTIFACT', 'SCANNING_COMPLETED', 'SCANNING_FAILED', 'TAG_RETENTION']);
    const hooks = tf('vault-registry-harbor', 'harbor_project_webhook');
    expect(hooks.map((h) => [h.address, h.notify_type, h.skip_cert_verify, h.auth_header, h.events_types]).sort()).toEqual([
      ['https://events.platform.internal/harbor', 'http', false, '${var.harbor_webhook_auth_header}', types],
      ['https://events.platform.internal/harbor', 'http', false, '${var.harbor_webhook_auth_header}', types],
    ]);
    expect(tf('vault-registry-harbor', 'harbor_project').map((p) => [p.name, p.public]).sort()).toEqual([['vault-dev', false], ['vault-prod', false]]);
    const json = JSON.parse(readFileSync(join(dir, 'cdktf.out/stacks/vault-registry-harbor/cdk.tf.json'), 'utf8'));
    expect(json.variable.harbor_webhook_auth_header.sensitive).toBe(true);
    expect(json.provider.harbor[0].url).toBe('https://harbor.platform.internal');
    expect(schemaProblems(JSON.parse(JSON.stringify(json, (k, v) => (k === '//' ? undefined : v))))).toEqual([]);
    expect(HarborTerraformChecks.check(json)).toEqual([]);
    expect(res.stdout).toContain('[Warning at /vault-registry-harbor/Registry] [container-registry-constructs:harbor-private-network]');
  });

  test('the policy plan (what `container-registry plan` prints) shows the private access and the events of each cloud', () => {
    const spec = SpecLoader.fromFile(join(dir, 'platform.yaml'));
    const plan = PolicyPlanText.render([
      ...EcrPolicyPlan.fromSpec(spec), ...GarPolicyPlan.fromSpec(spec), ...AcrPolicyPlan.fromSpec(spec), ...HarborPolicyPlan.fromSpec(spec),
    ]);
    const headings = plan.split('\n').filter((l) => l.startsWith('## '));
    for (const h of [
      '## aws registry Registry/PrivateEndpoints/S3 vpc-endpoint',
      '## aws registry Registry/Notifications/On-retention-deletion event-rule',
      '## aws registry Registry/Notifications/Topic/Policy topic-policy',
      '## gcp service-perimeter accessPolicies/123456789/servicePerimeters/platform_registries member',
      '## gcp subscription vault-registry-changes subscription',
      '## azure registry vaultprod private-endpoint',
      '## azure registry vaultprod event-subscription',
      '## harbor project vault-prod webhook vault-events',
    ]) expect(headings).toContain(h);
    expect(plan).toContain('"Sid": "DenyPullsOutsideVpc"');
    expect(plan).toContain('prod-<aws:region>-starport-layer-bucket/*');
  });
});
