import { Testing } from 'cdktf';
import { testStack } from './helpers';
import { ContainerRegistry, ContainerRegistryProps } from '../../src/gcp/artifact-registry';
import { TerraformChecks } from '../../src/gcp/terraform-checks';
import { NotificationEvent, RegistrySpec } from '../../src/spec';

/** A configuration with one repository of the given body. */
function repo(body: any): any {
  return { resource: { google_artifact_registry_repository: { r: { repository_id: 'platform', format: 'DOCKER', ...body } } } };
}
const KEEP = { id: 'keep', action: 'KEEP', most_recent_versions: { keep_count: 5 } };
const messages = (config: any) => TerraformChecks.check(config).map((p) => TerraformChecks.format(p));

describe('TerraformChecks', () => {
  test('a valid configuration has no problem', () => {
    expect(TerraformChecks.check(repo({
      cleanup_policies: [KEEP, { id: 'del', action: 'DELETE', condition: { tag_state: 'UNTAGGED', older_than: '604800s' } }],
      vulnerability_scanning_config: { enablement_config: 'INHERITED' },
    }))).toEqual([]);
    expect(() => TerraformChecks.assertValid('{"resource":{}}')).not.toThrow();
  });

  // Repository id rules (reference/cloud-limits.md): 1-63 chars; lower-case letters, digits, hyphens; starts with a letter, no trailing hyphen.
  test.each([
    ['Platform', 'is not a valid Artifact Registry repository id'],
    ['platform-', 'is not a valid Artifact Registry repository id'],
    ['1platform', 'is not a valid Artifact Registry repository id'],
    ['p'.repeat(64), 'is 64 characters long; Artifact Registry repository ids have 1-63 characters'],
  ])('repository id %s', (id, message) => {
    expect(messages(repo({ repository_id: id }))).toEqual([expect.stringContaining(`google_artifact_registry_repository.r.repository_id: ${JSON.stringify(id)} ${message}`)]);
  });

  test('Terraform expressions are not checked', () => {
    expect(TerraformChecks.check(repo({ repository_id: '${var.id}', cleanup_policies: '${local.p}' }))).toEqual([]);
  });

  // "Per repository, at most 10 policies" (reference/retention-semantics.md, from the cleanup policy docs).
  test('more than 10 policies', () => {
    const policies = Array.from({ length: 11 }, (_, i) => ({ ...KEEP, id: `k${i}` }));
    expect(messages(repo({ cleanup_policies: policies }))).toEqual([
      expect.stringContaining('.cleanup_policies: ["k0","k1","k2","k3","k4","k5","k6","k7","k8","k9","k10"] has 11 policies; Artifact Registry allows at most 10 per repository'),
    ]);
  });

  test('policy ids unique and under 128 characters', () => {
    const long = 'x'.repeat(128);
    expect(messages(repo({ cleanup_policies: [KEEP, KEEP, { ...KEEP, id: long }, { ...KEEP, id: '' }] }))).toEqual([
      'google_artifact_registry_repository.r.cleanup_policies[1].id: "keep" is used twice; policy ids are unique within a repository',
      `google_artifact_registry_repository.r.cleanup_policies[2].id: "${long}" is 128 characters long; policy ids are under 128 characters`,
      'google_artifact_registry_repository.r.cleanup_policies[3].id: "" is required',
    ]);
  });

  // "The following fields are mutually exclusive: condition, most_recent_versions" (CleanupPolicy API reference).
  test('condition XOR most_recent_versions', () => {
    expect(messages(repo({
      cleanup_policies: [
        { id: 'both', action: 'KEEP', condition: { tag_state: 'ANY' }, most_recent_versions: { keep_count: 1 } },
        { id: 'none', action: 'DELETE' },
      ],
    }))).toEqual([
      'google_artifact_registry_repository.r.cleanup_policies[0]: {"condition":{"tag_state":"ANY"},"most_recent_versions":{"keep_count":1}} needs exactly one of condition and most_recent_versions',
      'google_artifact_registry_repository.r.cleanup_policies[1]: {} needs exactly one of condition and most_recent_versions',
    ]);
  });

  // "Keep most recent versions ... You can't use Conditional keep and Keep most recent versions criteria in the same cleanup policy";
  // most recent versions is a kind of keep policy (Cleanup policy overview).
  test('most_recent_versions only on KEEP; keep_count positive', () => {
    expect(messages(repo({ cleanup_policies: [{ id: 'd', action: 'DELETE', most_recent_versions: { keep_count: 0 } }] }))).toEqual([
      'google_artifact_registry_repository.r.cleanup_policies[0].most_recent_versions: {"keep_count":0} is only allowed on KEEP policies (action is DELETE)',
      'google_artifact_registry_repository.r.cleanup_policies[0].most_recent_versions.keep_count: 0 must be a positive whole number',
    ]);
  });

  test('durations in seconds; actions and tag states from their enums', () => {
    expect(messages(repo({
      cleanup_policies: [
        { id: 'a', action: 'EXPIRE', condition: { tag_state: 'tagged', older_than: '604800.000000001s', newer_than: 86400 } },
      ],
    }))).toEqual([
      'google_artifact_registry_repository.r.cleanup_policies[0].action: "EXPIRE" is not DELETE or KEEP',
      'google_artifact_registry_repository.r.cleanup_policies[0].condition.tag_state: "tagged" is not TAGGED, UNTAGGED, ANY',
      'google_artifact_registry_repository.r.cleanup_policies[0].condition.older_than: "604800.000000001s" must be a duration in whole seconds ("604800s"): the google provider rejects fractions ("unexpected value is not duration")',
      'google_artifact_registry_repository.r.cleanup_policies[0].condition.newer_than: 86400 must be a duration in whole seconds ("604800s"): the google provider rejects fractions ("unexpected value is not duration")',
    ]);
    expect(messages(repo({ cleanup_policies: { id: 'x' } }))).toEqual(['google_artifact_registry_repository.r.cleanup_policies: {"id":"x"} must be a list']);
  });

  test('modes and their configuration blocks; scanning enablement values; virtual upstream ids', () => {
    expect(messages(repo({ mode: 'REMOTE_REPOSITORY', vulnerability_scanning_config: { enablement_config: 'ENABLED' } }))).toEqual([
      'google_artifact_registry_repository.r.remote_repository_config: undefined is required with mode REMOTE_REPOSITORY',
      'google_artifact_registry_repository.r.vulnerability_scanning_config.enablement_config: "ENABLED" is not INHERITED or DISABLED',
    ]);
    expect(messages(repo({ mode: 'VIRTUAL_REPOSITORY' }))).toEqual([
      'google_artifact_registry_repository.r.virtual_repository_config: undefined is required with mode VIRTUAL_REPOSITORY',
    ]);
    expect(messages(repo({ mode: 'MIRROR', remote_repository_config: {} }))).toEqual([
      'google_artifact_registry_repository.r.mode: "MIRROR" is not a repository mode (STANDARD_REPOSITORY, REMOTE_REPOSITORY, VIRTUAL_REPOSITORY)',
      'google_artifact_registry_repository.r.remote_repository_config: "..." is only allowed with mode REMOTE_REPOSITORY (mode is MIRROR)',
    ]);
    expect(messages(repo({ virtual_repository_config: { upstream_policies: [{ id: 'a' }, { id: 'a' }] }, mode: 'VIRTUAL_REPOSITORY' }))).toEqual([
      'google_artifact_registry_repository.r.virtual_repository_config.upstream_policies[1].id: "a" is used twice; upstream policy ids are unique',
    ]);
    expect(messages(repo({ virtual_repository_config: { upstream_policies: [] } }))).toEqual([
      'google_artifact_registry_repository.r.virtual_repository_config: "..." is only allowed with mode VIRTUAL_REPOSITORY (mode is STANDARD_REPOSITORY)',
    ]);
  });

  // account_id "must be 6-30 characters long, and match the regular expression [a-z]([-a-z0-9]*[a-z0-9])" (IAM CreateServiceAccountRequest);
  // pool id "should be 4-32 characters, and may contain the characters [a-z0-9-]. The prefix gcp- is reserved" (IAM workloadIdentityPools.create).
  test('service account, pool and provider ids; GitHub provider condition; public members', () => {
    const config = {
      resource: {
        google_service_account: { short: { account_id: 'ci' }, upper: { account_id: 'Platform-CI' }, ok: { account_id: 'platform-ci' }, none: {} },
        google_iam_workload_identity_pool: { p: { workload_identity_pool_id: 'gcp-github' } },
        google_iam_workload_identity_pool_provider: { g: { workload_identity_pool_provider_id: 'gh', oidc: { issuer_uri: 'https://token.actions.githubusercontent.com' } } },
        google_artifact_registry_repository_iam_member: { pub: { member: 'allUsers', role: 'roles/artifactregistry.reader', repository: 'r' } },
      },
    };
    expect(messages(config)).toEqual([
      'google_service_account.short.account_id: "ci" is not a valid service account id (6-30 characters: lower-case letters, digits and hyphens, starting with a letter, not ending with a hyphen)',
      'google_service_account.upper.account_id: "Platform-CI" is not a valid service account id (6-30 characters: lower-case letters, digits and hyphens, starting with a letter, not ending with a hyphen)',
      'google_service_account.none.account_id: undefined is required (a string)',
      'google_iam_workload_identity_pool.p.workload_identity_pool_id: "gcp-github" starts with "gcp-", a prefix Google reserves',
      'google_iam_workload_identity_pool_provider.g.workload_identity_pool_provider_id: "gh" is not a valid workload identity pool or provider id (4-32 characters: lower-case letters, digits and hyphens)',
      'google_iam_workload_identity_pool_provider.g.attribute_condition: undefined is required for GitHub: GitHub uses one issuer for every repository, so a provider without a condition admits any workflow on github.com',
      'google_artifact_registry_repository_iam_member.pub.member: "allUsers" makes the repository public; grant named principals only',
    ]);
    expect(() => TerraformChecks.assertValid(JSON.stringify(config))).toThrow(/^gcp\.TerraformChecks: the Terraform configuration breaks provider constraints: 7 problems\n {2}- google_service_account\.short/);
  });

  test('pathPrefix limits the check to one construct\'s resources', () => {
    const config = {
      resource: {
        google_service_account: {
          mine: { 'account_id': 'x', '//': { metadata: { path: 'stack/registry/Identities/ServiceAccount-ci' } } },
          other: { 'account_id': 'y', '//': { metadata: { path: 'stack/other/sa' } } },
          registry2: { 'account_id': 'z', '//': { metadata: { path: 'stack/registry2/sa' } } },
        },
      },
    };
    expect(TerraformChecks.check(config, { pathPrefix: 'stack/registry' }).map((p) => p.address)).toEqual(['google_service_account.mine']);
  });
});

describe('TerraformChecks: perimeters and notifications (issue 19)', () => {
  const stackOf = (spec: RegistrySpec, props: Partial<ContainerRegistryProps>) => {
    const stack = testStack();
    new ContainerRegistry(stack, 'Registry', { spec, project: 'acme-registry', location: 'europe-west1', projectNumber: '111222333444', ...props });
    return JSON.parse(Testing.synth(stack));
  };
  const spec = (over: Partial<RegistrySpec>): RegistrySpec => ({ name: 'platform', repositories: [{ name: 'api' }], ...over });
  const ALL = [NotificationEvent.PUSH, NotificationEvent.SCAN_FINDING, NotificationEvent.RETENTION_DELETION, NotificationEvent.PROMOTION];

  test('what the construct writes passes: a created perimeter, a perimeter membership, created topics, pull and push subscriptions', () => {
    const created = stackOf(spec({ network: { privateAccess: true }, notifications: { events: ALL } }), {
      servicePerimeter: { accessPolicy: '987654' },
      notifications: { createTopics: true, subscriberMembers: ['serviceAccount:events@acme-registry.iam.gserviceaccount.com'] },
    });
    const joined = stackOf(spec({ network: { privateAccess: true, gcpServicePerimeter: 'accessPolicies/1/servicePerimeters/platform_prod' }, notifications: { events: ALL } }), {
      notifications: { pushEndpoint: 'https://events.acme.example/push', pushServiceAccountEmail: 'pusher@acme-registry.iam.gserviceaccount.com' },
    });
    for (const json of [created, joined]) expect(TerraformChecks.check(json)).toEqual([]);
    // The checks saw these resources (a rule that never runs would pass as well).
    expect(Object.keys(created.resource)).toEqual(expect.arrayContaining(['google_access_context_manager_service_perimeter', 'google_pubsub_topic',
      'google_pubsub_subscription', 'google_pubsub_topic_iam_member', 'google_pubsub_subscription_iam_member']));
    expect(Object.keys(joined.resource)).toContain('google_access_context_manager_service_perimeter_resource');
  });

  // The provider schema's descriptions (@cdktf/provider-google 6.50.0 bindings): access-context-manager-service-perimeter
  // "name ... The short_name component must begin with a letter and only include alphanumeric and '_'. Format:
  // accessPolicies/{policy_id}/servicePerimeters/{short_name}", "parent ... Format: accessPolicies/{policy_id}",
  // perimeter_type 'Possible values: ["PERIMETER_TYPE_REGULAR", "PERIMETER_TYPE_BRIDGE"]', status.access_levels "For Service
  // Perimeter Bridge, must be empty", status.resources and the perimeter resource's `resource` "Currently only projects are
  // allowed. Format: projects/{project_number}".
  test('negative controls: each perimeter rule catches its fault', () => {
    const perimeter = (body: any) => messages({
      resource: {
        google_access_context_manager_service_perimeter: {
          p: {
            name: 'accessPolicies/1/servicePerimeters/platform_registry',
            parent: 'accessPolicies/1',
            title: 't',
            status: { resources: ['projects/111'], restricted_services: ['artifactregistry.googleapis.com'] },
            ...body,
          },
        },
      },
    });
    expect(perimeter({})).toEqual([]);
    expect(perimeter({ name: 'accessPolicies/1/servicePerimeters/platform-registry' })).toEqual([expect.stringContaining('.name: "accessPolicies/1/servicePerimeters/platform-registry" is not')]);
    expect(perimeter({ parent: 'accessPolicies/2' })).toEqual([expect.stringContaining('.parent: "accessPolicies/2" is not the access policy of the perimeter\'s name')]);
    expect(perimeter({ perimeter_type: 'REGULAR' })).toEqual([expect.stringContaining('.perimeter_type: "REGULAR" is not PERIMETER_TYPE_REGULAR or PERIMETER_TYPE_BRIDGE')]);
    expect(perimeter({ status: { resources: ['projects/acme'], restricted_services: ['artifactregistry.googleapis.com'] } }))
      .toEqual([expect.stringContaining('.status.resources[0]: "projects/acme" is not projects/{project_number}')]);
    expect(perimeter({ status: { resources: ['projects/111'], restricted_services: ['storage.googleapis.com'] } }))
      .toEqual([expect.stringContaining('.status.restricted_services: ["storage.googleapis.com"] does not restrict artifactregistry.googleapis.com')]);
    expect(perimeter({ perimeter_type: 'PERIMETER_TYPE_BRIDGE', status: { resources: ['projects/111'], access_levels: ['accessPolicies/1/accessLevels/a'] } }))
      .toEqual([expect.stringContaining('.status.access_levels: ["accessPolicies/1/accessLevels/a"] must be empty on a perimeter bridge')]);
    expect(messages({ resource: { google_access_context_manager_service_perimeter_resource: { m: { perimeter_name: 'platform', resource: 'projects/acme-prod' } } } })).toEqual([
      expect.stringContaining('google_access_context_manager_service_perimeter_resource.m.perimeter_name: "platform" is not accessPolicies/'),
      expect.stringContaining('google_access_context_manager_service_perimeter_resource.m.resource: "projects/acme-prod" is not projects/{project_number}'),
    ]);
  });

  // Pub/Sub API, Topic.name / Subscription.name: "must start with a letter, and contain only letters ([A-Za-z]), numbers ([0-9]),
  // dashes (-), underscores (_), periods (.), tildes (~), plus (+) or percent signs (%). It must be between 3 and 255 characters in
  // length, and it must not start with "goog"". Binding (pubsub-subscription): ack deadline "minimum ... 10 seconds ... maximum ...
  // 600 seconds"; message_retention_duration "Cannot be more than 31 days ('"2678400s"') or less than 10 minutes ('"600s"')".
  test('negative controls: each Pub/Sub rule catches its fault', () => {
    const pubsub = (type: string, body: any) => messages({ resource: { [type]: { x: { project: 'acme-registry', ...body } } } });
    expect(pubsub('google_pubsub_topic', { name: 'platform-promotions' })).toEqual([]);
    for (const name of ['gc', 'googlers', '1events', 'events/x', 'e'.repeat(256)]) {
      expect(pubsub('google_pubsub_topic', { name })).toEqual([expect.stringContaining(`google_pubsub_topic.x.name: ${JSON.stringify(name)} is not a Pub/Sub name`)]);
    }
    const sub = { name: 'platform-registry-changes', topic: 'projects/acme-registry/topics/gcr', ack_deadline_seconds: 60, message_retention_duration: '604800s' };
    expect(pubsub('google_pubsub_subscription', sub)).toEqual([]);
    expect(pubsub('google_pubsub_subscription', { ...sub, message_retention_duration: '600.5s' })).toEqual([]);
    expect(pubsub('google_pubsub_subscription', { ...sub, ack_deadline_seconds: 601 })).toEqual([expect.stringContaining('.ack_deadline_seconds: 601 is not 10 to 600 seconds')]);
    expect(pubsub('google_pubsub_subscription', { ...sub, message_retention_duration: '599s' })).toEqual([expect.stringContaining('.message_retention_duration: "599s" is not a duration from "600s"')]);
    expect(pubsub('google_pubsub_subscription', { ...sub, message_retention_duration: '2678401s' })).toEqual([expect.stringContaining('"2678401s" is not a duration')]);
    expect(pubsub('google_pubsub_subscription', { ...sub, message_retention_duration: '7d' })).toEqual([expect.stringContaining('"7d" is not a duration')]);
    expect(pubsub('google_pubsub_subscription', { ...sub, push_config: { push_endpoint: 'http://events.acme.example' } }))
      .toEqual([expect.stringContaining('.push_config.push_endpoint: "http://events.acme.example" is not an https URL')]);
    expect(pubsub('google_pubsub_topic_iam_member', { topic: 'gcr', role: 'roles/pubsub.publisher', member: 'allUsers' }))
      .toEqual([expect.stringContaining('google_pubsub_topic_iam_member.x.member: "allUsers" opens the topic to everyone')]);
    expect(pubsub('google_pubsub_subscription_iam_member', { subscription: 's', role: 'roles/pubsub.subscriber', member: 'allAuthenticatedUsers' }))
      .toEqual([expect.stringContaining('opens the subscription to everyone')]);
  });

  test('the construct runs them at synth on its own resources: an escape-hatch override the provider would refuse fails synth', () => {
    const stack = testStack();
    const registry = new ContainerRegistry(stack, 'Registry', {
      spec: spec({ network: { privateAccess: true }, notifications: { events: [NotificationEvent.PUSH] } }),
      project: 'acme-registry',
      location: 'europe-west1',
      projectNumber: '111222333444',
      servicePerimeter: { accessPolicy: '987654' },
      notifications: { subscriberMembers: ['serviceAccount:e@acme-registry.iam.gserviceaccount.com'] },
    });
    expect(() => Testing.synth(stack, true)).not.toThrow();
    registry.perimeter!.perimeter!.addOverride('status.resources', ['projects/acme']);
    registry.notifications!.subscriptions['registry-changes'].addOverride('message_retention_duration', '60s');
    expect(() => Testing.synth(stack, true)).toThrow(/status\.resources\[\d\]: "projects\/acme" is not projects\/\{project_number\}[\s\S]*message_retention_duration: "60s" is not a duration/);
  });
});
