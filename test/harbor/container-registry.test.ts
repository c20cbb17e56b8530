import { Testing } from 'cdktf';
import { harborSpec, resources, synthJson, taggedWarnings, testStack, warningIds } from './helpers';
import { schemaProblems } from './provider-schema';
import { ContainerRegistry, HarborEndpointType, HarborProvider } from '../../src/harbor';
import { Cloud, EnvironmentLayout, RegistrySpec, TagState, UpstreamRegistry } from '../../src/spec';

const URL = 'https://harbor.example.com';

function build(spec: RegistrySpec, extra: Partial<import('../../src/harbor').ContainerRegistryProps> = {}) {
  const stack = testStack();
  const registry = new ContainerRegistry(stack, 'Registry', { spec, url: URL, ...extra });
  return { stack, registry };
}

const byName = (json: any, type: string, name: string) => resources(json, type).find((r) => r.name === name);
const accesses = (robot: any) => robot.permissions[0].access.map((a: any) => `${a.resource}:${a.action}`).sort();

describe('harbor.ContainerRegistry', () => {
  test.each([EnvironmentLayout.TAGS, EnvironmentLayout.REPOSITORIES, EnvironmentLayout.REGISTRIES])(
    'every synthesized resource conforms to the provider schema from its Go source (%s layout, caches of every upstream, replicas)', (layout) => {
      const spec = harborSpec(layout, {
        upstreamCaches: [
          { name: 'docker-hub', upstream: UpstreamRegistry.DOCKER_HUB, username: 'bot' },
          { name: 'ghcr', upstream: UpstreamRegistry.GITHUB },
          { name: 'quay', upstream: UpstreamRegistry.QUAY },
          { name: 'ecr-public', upstream: UpstreamRegistry.ECR_PUBLIC },
          { name: 'internal', upstream: UpstreamRegistry.CUSTOM, url: 'https://registry.internal.example.com' },
        ],
        replication: { replicas: [{ region: 'dr', cloud: Cloud.HARBOR }] },
      });
      const { stack, registry } = build(spec, { replicaEndpoints: { dr: { url: 'https://harbor-dr.example.com', accessId: 'robot$replicator' } } });
      registry.grantPull('ops', { images: ['api'] });
      const json = synthJson(stack);
      expect(schemaProblems(json)).toEqual([]);
      expect(resources(json, 'harbor_project').length).toBeGreaterThan(5);
    });

  test('snapshot (registries layout)', () => {
    const { stack } = build(harborSpec(EnvironmentLayout.REGISTRIES));
    expect(Testing.synth(stack)).toMatchSnapshot();
  });

  test('projects: private, quota, scan on push, deployment security at the spec threshold, CVE allowlist, prevent_destroy, pinned provider', () => {
    const { stack } = build(harborSpec(EnvironmentLayout.REGISTRIES), { projectQuotaGib: 50, enforceCosignSignatures: true });
    const json = synthJson(stack);
    expect(resources(json, 'harbor_project').filter((p) => p.registry_id === undefined).map((p) => p.name).sort()).toEqual(['platform-dev', 'platform-prod', 'platform-staging']);
    expect(byName(json, 'harbor_project', 'platform-prod')).toMatchObject({
      public: false,
      storage_quota: 50,
      vulnerability_scanning: true,
      deployment_security: 'high',
      cve_allowlist: ['CVE-2024-3094'],
      enable_content_trust_cosign: true,
      force_destroy: false,
      lifecycle: { prevent_destroy: true },
    });
    expect(json.terraform.required_providers.harbor).toEqual({ source: 'goharbor/harbor', version: HarborProvider.PROVIDER_VERSION });
    // Credentials come from variables; the password is sensitive.
    expect(json.provider.harbor[0]).toMatchObject({ url: URL, username: '${var.harbor_username}', password: '${var.harbor_password}' });
    expect(json.variable.harbor_password.sensitive).toBe(true);
  });

  test('the main project keeps the construct id Resource with one project (tags layout)', () => {
    const { registry } = build(harborSpec(EnvironmentLayout.TAGS));
    expect(registry.projects.platform.node.id).toBe('Resource');
    const multi = build(harborSpec(EnvironmentLayout.REGISTRIES)).registry;
    expect(multi.projects['platform-prod'].node.id).toBe('Resource-prod');
  });

  test('scanning off: no scan on push, no deployment security; without a threshold no deployment security', () => {
    const off = synthJson(build(harborSpec(EnvironmentLayout.TAGS, { scanning: { mode: 'off' as any } })).stack);
    expect(byName(off, 'harbor_project', 'platform')).toMatchObject({ vulnerability_scanning: false });
    expect(byName(off, 'harbor_project', 'platform').deployment_security).toBeUndefined();
    const noGate = synthJson(build(harborSpec(EnvironmentLayout.TAGS, { scanning: {} })).stack);
    expect(byName(noGate, 'harbor_project', 'platform').deployment_security).toBeUndefined();
  });

  test('a CVE only one repository accepts is not allowlisted for the project, with a warning', () => {
    const spec = harborSpec(EnvironmentLayout.TAGS, { repositories: [{ name: 'api', scanning: { severityThreshold: 'high' as any, allowedVulnerabilities: ['CVE-2024-1111'] } }, { name: 'web' }] });
    const { stack } = build(spec);
    const json = synthJson(stack);
    expect(byName(json, 'harbor_project', 'platform').cve_allowlist).toEqual(['CVE-2024-3094']);
    expect(warningIds(stack)).toContain('container-registry-constructs:harbor-cve-allowlist');
  });

  // Harbor docs, "Tag Immutability Rules": "Immutability rules use OR logic, so if you set multiple rules and a tag is matched by
  // any of those rules, it is marked as immutable"; with `tag_excluding` a tag is selected when it does not match.
  test('tag immutability: one rule per project excluding the mutable tags; none when tags are mutable', () => {
    const json = synthJson(build(harborSpec(EnvironmentLayout.REPOSITORIES)).stack);
    expect(resources(json, 'harbor_immutable_tag_rule')).toEqual([expect.objectContaining({ repo_matching: '**', tag_excluding: 'latest' })]);
    const mutable = synthJson(build(harborSpec(EnvironmentLayout.REPOSITORIES, { tagPolicy: { immutable: false } })).stack);
    expect(resources(mutable, 'harbor_immutable_tag_rule')).toEqual([]);
    // Repositories with their own policy get their own rule, naming them literally.
    const mixed = harborSpec(EnvironmentLayout.TAGS, { repositories: [{ name: 'api' }, { name: 'web', tagPolicy: { immutable: true, semverAliases: false, mutableTags: ['latest', 'dev'] } }] });
    const rules = resources(synthJson(build(mixed).stack), 'harbor_immutable_tag_rule');
    expect(rules.map((r) => [r.repo_matching, r.tag_excluding]).sort()).toEqual([['api', 'latest'], ['web', '{latest,dev}']]);
  });

  // goharbor/harbor src/server/middleware/v2auth/access.go (getAction): GET/HEAD need repository:pull, POST/PUT/PATCH
  // repository:push; src/server/v2.0/handler/robot.go: "to create a project robot, the permission must be only one project scope".
  test('robots: one project robot per identity and project, least privilege (promoter pulls the source, pushes the destination), no system robots', () => {
    const json = synthJson(build(harborSpec(EnvironmentLayout.REGISTRIES)).stack);
    const robots = resources(json, 'harbor_robot_account');
    expect(robots.every((r) => r.level === 'project' && r.permissions.length === 1 && r.permissions[0].kind === 'project' && r.duration === -1)).toBe(true);
    const expiring = resources(synthJson(build(harborSpec(EnvironmentLayout.TAGS), { robotDurationDays: 90 }).stack), 'harbor_robot_account');
    expect(expiring.map((r) => r.duration)).toEqual(Array(expiring.length).fill(90));
    const of = (name: string) => Object.fromEntries(robots.filter((r) => r.name === name).map((r) => [r.permissions[0].namespace, accesses(r)]));
    expect(of('ci')).toEqual({ 'platform-dev': ['repository:pull', 'repository:push'] });
    expect(of('promoter')).toEqual({
      'platform-dev': ['repository:pull'],
      // The staging -> prod hop is gated (the spec's threshold): its source robot reads the scan results (scan-gate.sh).
      'platform-staging': ['artifact-addition:read', 'artifact:read', 'repository:pull', 'repository:push'],
      'platform-prod': ['repository:pull', 'repository:push'],
    });
    expect(of('runtime')).toEqual({
      'platform-dev': ['repository:pull'], 'platform-staging': ['repository:pull'], 'platform-prod': ['repository:pull'], 'platform-docker-hub': ['repository:pull'],
    });
    expect(robots.flatMap((r) => r.permissions[0].access).some((a: any) => a.action === 'delete')).toBe(false);
    // Secrets are sensitive outputs; names are not.
    expect(json.output.HARBOR_ROBOT_SECRET_CI_PLATFORM_DEV).toMatchObject({ sensitive: true });
    expect(json.output.HARBOR_ROBOT_NAME_CI_PLATFORM_DEV.sensitive).toBeUndefined();
  });

  test('grants: the smallest set of projects, idempotent, order-independent, merged into one robot per name and project', () => {
    const a = build(harborSpec(EnvironmentLayout.REGISTRIES));
    const first = a.registry.grantPull('ops', { environments: ['prod'] });
    const again = a.registry.grantPull('ops', { environments: ['prod'] });
    expect(again).toEqual(first);
    a.registry.grantPush('ops', { environments: ['prod'] });
    const jsonA = synthJson(a.stack);
    const ops = resources(jsonA, 'harbor_robot_account').filter((r) => r.name === 'ops');
    expect(ops.map((r) => [r.permissions[0].namespace, accesses(r)])).toEqual([['platform-prod', ['repository:pull', 'repository:push']]]);
    // The same grants in the other order give the same Terraform addresses.
    const b = build(harborSpec(EnvironmentLayout.REGISTRIES));
    b.registry.grantPush('ops', { environments: ['prod'] });
    b.registry.grantPull('ops', { environments: ['prod'] });
    expect(Object.keys(synthJson(b.stack).resource.harbor_robot_account).sort()).toEqual(Object.keys(jsonA.resource.harbor_robot_account).sort());
    // Some images: the project holds others, so the grant is wider, with a warning.
    expect(warningIds(a.stack)).not.toContain('container-registry-constructs:harbor-grant-project-wide');
    a.registry.grantPull('ops', { images: ['api'], environments: ['prod'] });
    expect(taggedWarnings(a.stack).filter((w) => w.includes('harbor-grant-project-wide'))).toEqual([
      '[container-registry-constructs:harbor-grant-project-wide] grantPull to robot "ops" in project "platform-prod": Harbor robots are scoped to projects, so the grant of api also covers web',
    ]);
  });

  test('an identity whose robot reaches repositories the spec does not give it is named (repositories layout: CI could push to prod/)', () => {
    const repos = build(harborSpec(EnvironmentLayout.REPOSITORIES));
    expect(taggedWarnings(repos.stack).filter((w) => w.includes('harbor-grant-project-wide'))).toEqual([
      expect.stringMatching(/^\[container-registry-constructs:harbor-grant-project-wide\] identity "ci" in project "platform": .* also reaches staging\/api, staging\/web, prod\/api, prod\/web, which the spec does not give it \(the repositories layout/),
    ]);
    // One project per environment: every robot reaches exactly what the spec gives it.
    const registries = build(harborSpec(EnvironmentLayout.REGISTRIES));
    expect(warningIds(registries.stack)).not.toContain('container-registry-constructs:harbor-grant-project-wide');
  });

  test('a grant of every image of a project is not wider: no project-wide warning', () => {
    const { stack, registry } = build(harborSpec(EnvironmentLayout.REGISTRIES, { access: undefined }));
    registry.grantPull('ops', { environments: ['prod'] });
    expect(warningIds(stack)).not.toContain('container-registry-constructs:harbor-grant-project-wide');
  });

  test('bad grants name the field, the value and what is allowed', () => {
    const { registry } = build(harborSpec(EnvironmentLayout.REGISTRIES));
    expect(() => registry.grantPull('Ops!', { environments: ['qa'], images: ['nope'] })).toThrow(
      /robotName: "Ops!" is not a Harbor robot name[\s\S]*options.environments\[0\]: "qa" is not an environment of the spec \(dev, staging, prod\)[\s\S]*options.images\[0\]: "nope" matches no image/);
  });

  test('retention: the translation\'s rule blocks with a daily schedule; dryRun: no schedule and a warning', () => {
    const json = synthJson(build(harborSpec(EnvironmentLayout.TAGS)).stack);
    const [policy] = resources(json, 'harbor_retention_policy');
    expect(policy.schedule).toBe('Daily');
    expect(policy.rule[0]).toEqual({ always_retain: true, repo_matching: '{api,web}', tag_matching: '{v*,dev,staging,prod}', untagged_artifacts: false });
    const spec = harborSpec(EnvironmentLayout.TAGS);
    const dry = build({ ...spec, retention: { ...spec.retention, dryRun: true } });
    const [dryPolicy] = resources(synthJson(dry.stack), 'harbor_retention_policy');
    expect(dryPolicy.schedule).toBeUndefined();
    expect(dryPolicy.rule).toEqual(policy.rule);
    expect(warningIds(dry.stack)).toContain('container-registry-constructs:harbor-retention-dry-run');
  });

  test('no retention rules: no retention policy (nothing is deleted)', () => {
    const json = synthJson(build(harborSpec(EnvironmentLayout.TAGS, { retention: undefined })).stack);
    expect(resources(json, 'harbor_retention_policy')).toEqual([]);
  });

  // goharbor/harbor make/photon/prepare/templates/core/env.jinja: PERMITTED_REGISTRY_TYPES_FOR_PROXY_CACHE lists no quay.
  test('caches: an endpoint per upstream (credentials from a sensitive variable) and a proxy-cache project; Quay warns (not in the installer\'s list)', () => {
    const spec = harborSpec(EnvironmentLayout.TAGS, {
      upstreamCaches: [
        { name: 'docker-hub', upstream: UpstreamRegistry.DOCKER_HUB, username: 'bot' },
        { name: 'quay', upstream: UpstreamRegistry.QUAY },
        { name: 'ecr-public', upstream: UpstreamRegistry.ECR_PUBLIC },
      ],
    });
    const { stack } = build(spec);
    const json = synthJson(stack);
    expect(byName(json, 'harbor_registry', 'platform-docker-hub')).toMatchObject({
      provider_name: 'docker-hub', endpoint_url: 'https://hub.docker.com', access_id: 'bot', access_secret: '${var.harbor_cache_docker_hub_secret}',
    });
    expect(json.variable.harbor_cache_docker_hub_secret.sensitive).toBe(true);
    expect(byName(json, 'harbor_registry', 'platform-ecr-public')).toMatchObject({ provider_name: 'docker-registry', endpoint_url: 'https://public.ecr.aws' });
    expect(byName(json, 'harbor_project', 'platform-quay')).toMatchObject({ public: false, registry_id: expect.stringContaining('registry_id') });
    expect(taggedWarnings(stack).some((w) => w.includes('harbor-cache-upstream') && w.includes('"quay"'))).toBe(true);
  });

  test('replication: an endpoint per Harbor replica and a push replication of each project; a replica for every cloud without an endpoint warns', () => {
    const spec = harborSpec(EnvironmentLayout.REGISTRIES, { replication: { replicas: [{ region: 'dr', cloud: Cloud.HARBOR }, { region: 'westeurope' }] } });
    const { stack } = build(spec, { replicaEndpoints: { dr: { url: 'https://harbor-dr.example.com', type: HarborEndpointType.HARBOR, accessId: 'robot$replicator' } } });
    const json = synthJson(stack);
    expect(byName(json, 'harbor_registry', 'dr')).toMatchObject({ provider_name: 'harbor', endpoint_url: 'https://harbor-dr.example.com', access_secret: '${var.harbor_replica_dr_secret}' });
    const policies = resources(json, 'harbor_replication');
    expect(policies.map((p) => [p.name, p.action, p.filters[0].name, p.deletion]).sort()).toEqual([
      ['platform-dev-to-dr', 'push', 'platform-dev/**', false],
      ['platform-prod-to-dr', 'push', 'platform-prod/**', false],
      ['platform-staging-to-dr', 'push', 'platform-staging/**', false],
    ]);
    expect(taggedWarnings(stack).some((w) => w.includes('harbor-replica-endpoint') && w.includes('"westeurope"'))).toBe(true);
  });

  test('spec problems and prop problems are reported together, in one error', () => {
    const spec = harborSpec(EnvironmentLayout.TAGS, { name: 'Platform', replication: { replicas: [{ region: 'dr', cloud: Cloud.HARBOR }] } });
    expect(() => build(spec, { projectQuotaGib: 0, retentionSchedule: 'sometimes', robotDurationDays: 0 })).toThrow(
      /harbor.ContainerRegistry stack\/Registry: \d+ problems[\s\S]*name: "Platform"[\s\S]*projectQuotaGib: 0 is not a positive whole number[\s\S]*robotDurationDays: 0 is not -1[\s\S]*retentionSchedule: "sometimes"[\s\S]*replication.replicas\[0\].region: "dr" targets Harbor but replicaEndpoints has no endpoint/);
  });

  describe('props from a hostile or careless user: one ProblemsError naming the prop, never a cdktf error at synth or a secret in the configuration', () => {
    const spec = harborSpec(EnvironmentLayout.TAGS, {
      upstreamCaches: [], replication: { replicas: [{ region: 'dr', cloud: Cloud.HARBOR }] }, notifications: { events: ['push' as any] },
    });
    const dr = (endpoint: any) => ({ replicaEndpoints: { dr: endpoint } });
    test.each<[string, any, string]>([
      // Before: cdktf's "Found resources without a matching provider construct" at synth.
      ['a provider that is not a construct', { provider: {}, url: undefined }, '  - props.provider: "object with keys none" is not a Terraform provider (a HarborProvider of the stack)'],
      ['a provider given by name', { provider: 'harbor', url: undefined }, '  - props.provider: "harbor" is not a Terraform provider (a HarborProvider of the stack)'],
      // Before: accepted and written into the Terraform JSON (and state) in clear.
      ['credentials in the Harbor URL', { url: 'https://admin:Harbor12345@harbor.example.com' },
        '  - url: "https://<redacted>@harbor.example.com" has credentials in it, which would be written into the Terraform configuration and state; '
        + 'give username and password (or leave them to the harbor_username and harbor_password variables)'],
      ['a query in the Harbor URL', { url: 'https://harbor.example.com/?project=x' }, '  - url: "https://harbor.example.com/?project=x" has a query or fragment; give the address only (https://harbor.example.com)'],
      ['credentials in a replica endpoint URL', dr({ url: 'https://robot:secret@dr.example.com' }),
        '  - replicaEndpoints.dr.url: "https://<redacted>@dr.example.com" has credentials in it, which would be written into the Terraform configuration and state; '
        + 'give accessId (the secret is a sensitive variable)'],
      ['credentials in the webhook address', { webhookAddress: 'https://u:p@hooks.example.com/harbor' },
        '  - webhookAddress: "https://<redacted>@hooks.example.com/harbor" has credentials in it, which would be written into the Terraform configuration and state; '
        + 'give the receiver\'s credentials as webhookAuthHeader (sensitive)'],
      // Before: two problems about a missing endpoint and a missing URL.
      ['a null replica endpoint', dr(null), '  - props.replicaEndpoints.dr: null is not an endpoint ({ url, type?, accessId?, destinationNamespace? })'],
      ['a number for accessId', dr({ url: 'https://dr.example.com', accessId: 42 }), '  - props.replicaEndpoints.dr.accessId: 42 is not a string'],
      ['a destination namespace Harbor refuses', dr({ url: 'https://dr.example.com', destinationNamespace: 'DR Platform' }),
        '  - replicaEndpoints.dr.destinationNamespace: "DR Platform" is not a namespace (lower-case letters and digits joined by single . _ -, the project at the destination)'],
      // Before: six words were a "six-field cron".
      ['a retention schedule of six words', { retentionSchedule: 'run at three every day please' },
        '  - retentionSchedule: "run at three every day please" is not Hourly, Daily, Weekly or a cron expression: it is not a cron expression of 6 fields '
        + '(second minute hour day of month month day of week): second "run", minute "at", hour "three", day of month "every", month "day", day of week "please" '
        + '(out of range, or not *, ?, a value, a range a-b, a step /n or a list of those)'],
      ['a replication schedule with hour 24', { replicationSchedule: '0 0 24 * * *' },
        '  - replicationSchedule: "0 0 24 * * *" is not event_based, manual or a cron expression: it is not a cron expression of 6 fields '
        + '(second minute hour day of month month day of week): hour "24" (out of range, or not *, ?, a value, a range a-b, a step /n or a list of those)'],
      // The provider multiplies the quota by 1073741824 into an int64 (client/project.go:24-26): more overflows.
      ['a quota that overflows the provider', { projectQuotaGib: 8589934592 },
        '  - projectQuotaGib: 8589934592 is not a positive whole number of GiB up to 8589934591, or -1 for unlimited (the provider multiplies by 1073741824 into a 64-bit integer: more overflows)'],
      ['an infinite quota (shown as Infinity, not null)', { projectQuotaGib: Infinity },
        '  - projectQuotaGib: Infinity is not a positive whole number of GiB up to 8589934591, or -1 for unlimited (the provider multiplies by 1073741824 into a 64-bit integer: more overflows)'],
      ['an auth header without a webhook', { webhookAddress: undefined, webhookAuthHeader: 'Bearer x' },
        '  - webhookAuthHeader: "<given>" needs webhookAddress (the header is sent with the webhook\'s requests, and there is no webhook without an address)'],
    ])('%s', (_, props, line) => {
      let error: any;
      try {
        build(spec, { ...dr({ url: 'https://dr.example.com' }), webhookAddress: 'https://hooks.example.com/harbor', ...props });
      } catch (e) {
        error = e;
      }
      expect(error?.name).toBe('ProblemsError');
      expect(error.message).toBe(`harbor.ContainerRegistry stack/Registry: 1 problem\n${line}`);
      expect(error.message).not.toMatch(/Harbor12345|robot:secret|u:p@/);
    });

    test('negative controls: a plain address, a path behind a proxy, a query in the webhook, the largest quota, schedules in any case and with steps', () => {
      const { stack } = build(spec, {
        url: 'https://harbor.example.com/harbor',
        projectQuotaGib: 8589934591,
        retentionSchedule: 'daily',
        replicationSchedule: '0 */30 2-4 * * MON-FRI',
        webhookAddress: 'https://hooks.example.com/harbor?channel=registry',
        webhookAuthHeader: 'Bearer x',
        replicaEndpoints: { dr: { url: 'https://dr.example.com', accessId: 'robot$dr', destinationNamespace: 'platform-dr' } },
      });
      const json = synthJson(stack);
      expect(resources(json, 'harbor_project')[0].storage_quota).toBe(8589934591);
      expect(resources(json, 'harbor_registry')[0].endpoint_url).toBe('https://dr.example.com');
    });
  });

  test('more than 15 retention rules in a project is an error naming the limit', () => {
    const spec = harborSpec(EnvironmentLayout.TAGS, {
      repositories: Array.from({ length: 6 }, (_, i) => ({
        name: `svc${i}`,
        retention: { protectedTags: [`keep${i}`], rules: [{ tagState: TagState.TAGGED, tagPatterns: [`pr${i}-*`], keepMostRecent: i + 1 }, { tagState: TagState.UNTAGGED, expireAfterDays: i + 1 }] },
      })),
    });
    expect(() => build(spec)).toThrow(/retention: cannot be translated for Harbor project "platform"[\s\S]*Harbor allows 15 per project/);
  });

  test('a provider passed in is used, and no provider or variables are created', () => {
    const stack = testStack();
    const provider = new HarborProvider(stack, 'harbor', { url: URL });
    new ContainerRegistry(stack, 'Registry', { spec: harborSpec(EnvironmentLayout.TAGS, { upstreamCaches: [] }), provider });
    const json = synthJson(stack);
    expect(json.provider.harbor).toHaveLength(1);
    expect(json.variable).toBeUndefined();
  });
});
