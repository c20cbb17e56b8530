import { TerraformOutput, TerraformStack, Testing, Token } from 'cdktf';
import { Construct } from 'constructs';
import { PROVIDER_SCHEMA, RESOURCE_SCHEMAS, schemaProblems } from './provider-schema';
import { HarborProvider } from '../../src/harbor/provider/harbor-provider';
import { ImmutableTagRule } from '../../src/harbor/provider/immutable-tag-rule';
import { Project } from '../../src/harbor/provider/project';
import { ProjectWebhook } from '../../src/harbor/provider/project-webhook';
import { Registry } from '../../src/harbor/provider/registry';
import { Replication } from '../../src/harbor/provider/replication';
import { RetentionPolicy } from '../../src/harbor/provider/retention-policy';
import { RobotAccount } from '../../src/harbor/provider/robot-account';

Testing.setupJest();

// The hand-written bindings, synthesized, checked against the schema written down from the
// provider's Go source (provider-schema.ts), not against the docs they were written from.

const synth = (fn: (scope: Construct) => void): any => JSON.parse(Testing.synthScope(fn));

/** Representative configurations: what the Harbor construct will emit. */
function representative(scope: Construct): void {
  const hub = new Registry(scope, 'hub', { providerName: 'docker-hub', name: 'docker-hub', endpointUrl: 'https://hub.docker.com', accessId: 'bot', accessSecret: 's3cret' });
  const project = new Project(scope, 'platform', {
    name: 'platform',
    storageQuota: 50,
    vulnerabilityScanning: true,
    deploymentSecurity: 'high',
    enableContentTrustCosign: true,
    cveAllowlist: ['CVE-2024-1234'],
    autoSbomGeneration: true,
  });
  new Project(scope, 'cache', { name: 'dockerhub-cache', registryId: hub.registryId, proxySpeedKb: 1024 });
  new RetentionPolicy(scope, 'retention', {
    scope: project.id,
    schedule: 'Daily',
    rule: [
      { alwaysRetain: true, repoMatching: '**', tagMatching: '{prod,staging}' },
      { mostRecentlyPushed: 10, repoMatching: 'api', tagMatching: 'pr-*', untaggedArtifacts: false },
      { nDaysSinceLastPush: 30, repoExcluding: 'tmp/**', tagMatching: '**' },
    ],
  });
  new ImmutableTagRule(scope, 'immutable', { projectId: project.id, repoMatching: '**', tagExcluding: '{latest,dev,staging,prod}' });
  new RobotAccount(scope, 'pusher', {
    name: 'ci-push',
    level: 'project',
    description: 'CI push',
    permissions: [{ kind: 'project', namespaceName: project.name, access: [{ action: 'pull', resource: 'repository' }, { action: 'push', resource: 'repository' }] }],
  });
  new Replication(scope, 'replica', {
    name: 'to-dr',
    action: 'push',
    registryId: hub.registryId,
    schedule: 'event_based',
    destNamespace: 'platform',
    filters: [{ name: 'platform/**' }, { tag: 'v*', decoration: 'matches' }],
  });
  new ProjectWebhook(scope, 'hook', { name: 'events', projectId: project.id, address: 'https://hooks.example.com', eventsTypes: ['PUSH_ARTIFACT', 'TAG_RETENTION'], notifyType: 'http' });
}

/** Every optional argument each binding can emit, set once. */
function maximal(scope: Construct): void {
  new Project(scope, 'p', {
    name: 'p',
    registryId: 3,
    isPublic: false,
    vulnerabilityScanning: true,
    vulnerabilityScanner: 'Trivy',
    storageQuota: 10,
    cveAllowlist: ['CVE-1'],
    enableContentTrust: false,
    enableContentTrustCosign: true,
    forceDestroy: false,
    autoSbomGeneration: true,
    deploymentSecurity: 'critical',
    proxySpeedKb: 100,
    proxyCacheLocalOnNotFound: true,
  });
  new RetentionPolicy(scope, 'r', {
    scope: '/projects/3',
    schedule: '0 0 4 * * *',
    rule: [
      { disabled: true, nDaysSinceLastPull: 3, repoMatching: '**', tagMatching: '**', untaggedArtifacts: true },
      { nDaysSinceLastPush: 3, repoExcluding: 'a', tagExcluding: 'b' },
      { mostRecentlyPulled: 3, repoMatching: '**', tagMatching: '**' },
      { mostRecentlyPushed: 3, repoMatching: '**', tagMatching: '**' },
      { alwaysRetain: true, repoMatching: '**', tagMatching: '**' },
    ],
  });
  // Mutually exclusive arguments, in two resources.
  new ImmutableTagRule(scope, 'i', { projectId: '3', disabled: true, repoExcluding: 'x', tagMatching: 'v*' });
  new ImmutableTagRule(scope, 'i2', { projectId: '3', repoMatching: 'x', tagExcluding: 'v*' });
  new RobotAccount(scope, 'ra', {
    name: 'r',
    level: 'system',
    description: 'd',
    disable: false,
    duration: 30,
    secret: 'Secret123',
    permissions: [{ kind: 'system', namespaceName: '/', access: [{ action: 'create', resource: 'label', effect: 'allow' }] }],
  });
  new Registry(scope, 'g', { providerName: 'harbor', name: 'g', endpointUrl: 'https://h', description: 'd', accessId: 'a', accessSecret: 's', insecure: false, caCertificate: 'PEM' });
  new Replication(scope, 'rp', {
    name: 'rp',
    action: 'pull',
    registryId: 2,
    enabled: true,
    deletion: false,
    description: 'd',
    schedule: '0 0 0 * * *',
    destNamespace: 'n',
    destNamespaceReplace: 1,
    overrideExisting: true,
    copyByChunk: false,
    singleActiveReplication: true,
    speed: -1,
    executeOnChanged: false,
    filters: [{ name: 'n', tag: 't', labels: ['l'], decoration: 'excludes', resource: 'artifact' }],
  });
  new ProjectWebhook(scope, 'w', {
    name: 'w',
    projectId: '3',
    address: 'https://a',
    eventsTypes: ['PUSH_ARTIFACT'],
    notifyType: 'slack',
    description: 'd',
    enabled: true,
    authHeader: 'Bearer x',
    skipCertVerify: false,
    payloadFormat: 'CloudEvents',
  });
}

describe('Harbor provider bindings', () => {
  test('representative configurations synthesize snake_case arguments the provider schema accepts', () => {
    const json = synth(representative);
    expect(schemaProblems(json)).toEqual([]);
    expect(json.resource.harbor_project.platform).toEqual({
      name: 'platform',
      storage_quota: 50,
      vulnerability_scanning: true,
      deployment_security: 'high',
      enable_content_trust_cosign: true,
      cve_allowlist: ['CVE-2024-1234'],
      auto_sbom_generation: true,
    });
    expect(json.resource.harbor_project.cache.registry_id).toBe('${harbor_registry.hub.registry_id}');
    expect(json.resource.harbor_retention_policy.retention).toEqual({
      scope: '${harbor_project.platform.id}',
      schedule: 'Daily',
      rule: [
        { always_retain: true, repo_matching: '**', tag_matching: '{prod,staging}' },
        { most_recently_pushed: 10, repo_matching: 'api', tag_matching: 'pr-*', untagged_artifacts: false },
        { n_days_since_last_push: 30, repo_excluding: 'tmp/**', tag_matching: '**' },
      ],
    });
    expect(json.resource.harbor_robot_account.pusher.permissions).toEqual([{
      kind: 'project', namespace: 'platform', access: [{ action: 'pull', resource: 'repository' }, { action: 'push', resource: 'repository' }],
    }]);
    expect(json.resource.harbor_replication.replica.filters).toEqual([{ name: 'platform/**' }, { tag: 'v*', decoration: 'matches' }]);
  });

  test('every argument the bindings emit is in the Go schema; the only settable arguments not bound are the write-only secret pair', () => {
    const json = synth(maximal);
    expect(schemaProblems(json)).toEqual([]);
    const unbound: string[] = [];
    const union = (items: any[]) => new Set(items.flatMap((i) => Object.keys(i)));
    for (const [type, fact] of Object.entries(RESOURCE_SCHEMAS)) {
      const bodies = Object.values<any>(json.resource[type]);
      const keys = union(bodies);
      const settable = Object.entries(fact.attributes).filter(([, f]) => f.mode !== 'computed').map(([k]) => k).concat(Object.keys(fact.blocks));
      for (const k of settable) if (!keys.has(k)) unbound.push(`${type}.${k}`);
      for (const [blockName, block] of Object.entries(fact.blocks)) {
        const items = bodies.flatMap((b) => b[blockName] ?? []);
        const itemKeys = union(items);
        for (const k of Object.keys(block.attributes).concat(Object.keys(block.blocks))) if (!itemKeys.has(k)) unbound.push(`${type}.${blockName}.${k}`);
        for (const [nested, nestedBlock] of Object.entries(block.blocks)) {
          const nestedKeys = union(items.flatMap((i) => i[nested] ?? []));
          for (const k of Object.keys(nestedBlock.attributes)) if (!nestedKeys.has(k)) unbound.push(`${type}.${blockName}.${nested}.${k}`);
        }
      }
    }
    expect(unbound).toEqual(['harbor_robot_account.secret_wo', 'harbor_robot_account.secret_wo_version']);
  });

  test('the provider pins goharbor/harbor 3.12.4 in required_providers and every provider argument is in the Go schema', () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, 'stack');
    const provider = new HarborProvider(stack, 'harbor', {
      url: 'https://harbor.example.com',
      username: 'admin',
      password: 'pw',
      sessionId: 's',
      bearerToken: 't',
      insecure: false,
      apiVersion: 2,
      robotPrefix: 'robot$',
      headers: { 'X-Waf': '1' },
      alias: 'main',
    });
    new Project(stack, 'p', { name: 'p', provider });
    const json = JSON.parse(Testing.synth(stack));
    expect(json.terraform.required_providers.harbor).toEqual({ source: 'goharbor/harbor', version: '3.12.4' });
    expect(json.provider.harbor[0]).toEqual({
      url: 'https://harbor.example.com',
      username: 'admin',
      password: 'pw',
      session_id: 's',
      bearer_token: 't',
      insecure: false,
      api_version: 2,
      robot_prefix: 'robot$',
      headers: { 'X-Waf': '1' },
      alias: 'main',
    });
    expect(json.resource.harbor_project.p.provider).toBe('harbor.main');
    expect(schemaProblems(json)).toEqual([]);
    expect(Object.keys(json.provider.harbor[0]).filter((k) => k !== 'alias').sort()).toEqual(Object.keys(PROVIDER_SCHEMA.attributes).sort());
    expect(HarborProvider.PROVIDER_VERSION).toBe('3.12.4');
  });

  test('computed attributes are references to the resource', () => {
    const json = synth((scope) => {
      const project = new Project(scope, 'p', { name: 'p' });
      const robot = new RobotAccount(scope, 'r', { name: 'r', level: 'project', permissions: [] });
      const registry = new Registry(scope, 'g', { providerName: 'quay', name: 'g', endpointUrl: 'https://quay.io' });
      const replication = new Replication(scope, 'rp', { name: 'rp', action: 'push', registryId: 1 });
      expect(Token.isUnresolved(project.projectId)).toBe(true);
      const values = {
        id: project.id,
        projectId: project.projectId,
        secret: robot.secret,
        fullName: robot.fullName,
        robotId: robot.robotId,
        registryId: registry.registryId,
        status: registry.status,
        policyId: replication.replicationPolicyId,
      };
      for (const [k, v] of Object.entries(values)) new TerraformOutput(scope, k, { value: v, sensitive: k === 'secret' });
    });
    expect(Object.fromEntries(Object.entries<any>(json.output).map(([k, o]) => [k, o.value]))).toEqual({
      id: '${harbor_project.p.id}',
      projectId: '${harbor_project.p.project_id}',
      secret: '${harbor_robot_account.r.secret}',
      fullName: '${harbor_robot_account.r.full_name}',
      robotId: '${harbor_robot_account.r.robot_id}',
      registryId: '${harbor_registry.g.registry_id}',
      status: '${harbor_registry.g.status}',
      policyId: '${harbor_replication.rp.replication_policy_id}',
    });
  });
});

test('cdktf synth --hcl renders every binding (arguments, nested blocks, provider header names unchanged)', () => {
  const app = Testing.app();
  const stack = new TerraformStack(app, 'stack');
  new HarborProvider(stack, 'harbor', { url: 'https://harbor.example.com', headers: { 'X-Waf': '1' } });
  representative(stack);
  const hcl: string = Testing.synthHcl(stack);
  const squeezed = hcl.replace(/\s+/g, ' ');
  for (const fragment of [
    'required_providers { harbor = { version = "3.12.4" source = "goharbor/harbor" } }',
    'provider "harbor" { url = "https://harbor.example.com" headers = { X-Waf = "1" } }',
    'resource "harbor_project" "platform" { name = "platform" vulnerability_scanning = true storage_quota = 50',
    'cve_allowlist = [ "CVE-2024-1234" ]',
    'rule { always_retain = true repo_matching = "**" tag_matching = "{prod,staging}" }',
    'rule { most_recently_pushed = 10 repo_matching = "api" tag_matching = "pr-*" untagged_artifacts = false }',
    'permissions { access { action = "pull" resource = "repository" } access { action = "push" resource = "repository" } kind = "project" namespace = "platform" }',
    'filters { name = "platform/**" } filters { tag = "v*" decoration = "matches" }',
    'events_types = [ "PUSH_ARTIFACT", "TAG_RETENTION" ]',
  ]) expect(squeezed).toContain(fragment);
  for (const type of Object.keys(RESOURCE_SCHEMAS)) expect(hcl).toContain(`resource "${type}"`);
});

describe('negative controls: the schema check catches what the provider refuses', () => {
  const base = () => synth(representative);

  test.each([
    ['unknown argument', (j: any) => { j.resource.harbor_project.platform.storage_quota_gb = 5; }, /harbor_project\.platform\.storage_quota_gb: unknown argument/],
    ['unknown block argument', (j: any) => { j.resource.harbor_retention_policy.retention.rule[0].keep_latest = 3; }, /rule\[0\]\.keep_latest: unknown argument/],
    ['missing required argument', (j: any) => { delete j.resource.harbor_registry.hub.endpoint_url; }, /harbor_registry\.hub\.endpoint_url: required argument missing \(provider\/resource_registry\.go:29\)/],
    ['missing required block', (j: any) => { delete j.resource.harbor_robot_account.pusher.permissions; }, /pusher\.permissions: required block missing/],
    ['missing required nested argument', (j: any) => { delete j.resource.harbor_robot_account.pusher.permissions[0].access[1].resource; }, /access\[1\]\.resource: required argument missing/],
    ['computed attribute set', (j: any) => { j.resource.harbor_project.platform.project_id = 4; }, /project_id: computed attribute cannot be set/],
    ['wrong primitive type', (j: any) => { j.resource.harbor_project.platform.storage_quota = '50GB'; }, /storage_quota: expected int/],
    ['client enum', (j: any) => { j.resource.harbor_registry.hub.provider_name = 'dockerhub'; }, /"dockerhub" is not one of \[alibaba, .*quay\] \(client, client\/registry\.go:45-58\)/],
    ['replication action', (j: any) => { j.resource.harbor_replication.replica.action = 'mirror'; }, /action: "mirror" is not one of \[push, pull\]/],
    ['unknown resource type', (j: any) => { j.resource.harbor_retention = {}; }, /harbor_retention: resource type not in the checked subset/],
    ['provider pin', (j: any) => { j.provider = { harbor: [{ url: 'u' }] }; j.terraform = { required_providers: { harbor: { source: 'goharbor/harbor', version: '~> 3.0' } } }; }, /required_providers\.harbor: expected source goharbor\/harbor version 3\.12\.4/],
    ['provider argument', (j: any) => { j.provider = { harbor: [{ url: 'u', token: 't' }] }; j.terraform = { required_providers: { harbor: { source: 'goharbor/harbor', version: '3.12.4' } } }; }, /provider\.harbor\.token: unknown argument/],
  ] as Array<[string, (j: any) => void, RegExp]>)('%s', (_name, mutate, message) => {
    const json = base();
    mutate(json);
    const problems = schemaProblems(json);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(message);
  });

  test('the bindings do not enforce the provider\'s plan-time checks; the schema check does', () => {
    const json = synth((scope) => {
      new Project(scope, 'p', { name: 'p', deploymentSecurity: 'severe', proxyCacheLocalOnNotFound: true });
      new RetentionPolicy(scope, 'r', {
        scope: '/projects/1',
        rule: [
          ...Array(15).fill({ alwaysRetain: true, repoMatching: '**', tagMatching: '**' }),
          { mostRecentlyPushed: 2, alwaysRetain: true, repoMatching: '**' },
        ],
      });
      new RetentionPolicy(scope, 'empty', { scope: '/projects/1', rule: [] });
      const robot = new RobotAccount(scope, 'ra', { name: 'r', level: 'project', secret: 'x', permissions: [{ kind: 'project', namespaceName: 'p', access: [{ action: 'pull', resource: 'repository' }] }] });
      robot.addOverride('secret_wo', 'y');
    });
    expect(schemaProblems(json)).toEqual([
      'harbor_project.p.deployment_security: "severe" is not one of [none, low, medium, high, critical] (ValidateFunc, provider/resource_project.go:83)',
      'harbor_project.p.proxy_cache_local_on_not_found: only with registry_id (provider/resource_project.go:114-125, checked at apply)',
      'harbor_retention_policy.empty.rule: at least 1 block required, got 0 (provider/resource_retention_policy.go:29)',
      'harbor_retention_policy.r.rule: at most 15 blocks, got 16 (provider/resource_retention_policy.go:29)',
      'harbor_retention_policy.r.rule[15]: exactly one of [n_days_since_last_pull, n_days_since_last_push, most_recently_pulled, most_recently_pushed, always_retain] must be set, got 2 (provider/resource_retention_policy.go:323,330)',
      'harbor_retention_policy.r.rule[15]: exactly one of [tag_matching, tag_excluding] must be set, got 0 (provider/resource_retention_policy.go:325,338)',
      'harbor_robot_account.ra.secret: conflicts with secret_wo (provider/resource_robot_account.go:60-63)',
      'harbor_robot_account.ra.secret_wo: requires secret_wo_version (provider/resource_robot_account.go:69-71)',
    ]);
  });
});
