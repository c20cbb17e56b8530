import { Testing } from 'cdktf';
import { GcpAccess } from './gcp-access';
import { resources, synthJson, testStack, warningIds, annotations } from './helpers';
import { GarAccessMatrix } from '../../src/gcp/access-matrix';
import { ContainerRegistry, ContainerRegistryProps } from '../../src/gcp/artifact-registry';
import { RegistryPerimeter } from '../../src/gcp/private-access';
import { GcpWarnings } from '../../src/gcp/warnings';
import { WorkflowVariables } from '../../src/promotion/workflow-variables';
import { AccessModel, Capability, Cloud, EnvironmentLayout, NotificationEvent, RegistrySpec, Severity, UpstreamRegistry } from '../../src/spec';
import { WarningIds } from '../../src/spec/contract';

const base = (over: Partial<RegistrySpec> = {}): RegistrySpec => ({ name: 'platform', repositories: [{ name: 'api' }], ...over });
function build(spec: RegistrySpec, props: Partial<ContainerRegistryProps> = {}) {
  const stack = testStack();
  const registry = new ContainerRegistry(stack, 'Registry', { spec, project: 'acme-registry', location: 'europe-west1', outputs: false, ...props });
  return { stack, registry, json: synthJson(stack) };
}
const problemsOf = (fn: () => unknown): string => { try { fn(); } catch (e) { return (e as Error).message; } return ''; };

describe('gcp private access: VPC Service Controls (issue 19)', () => {
  test('an existing perimeter: the project joins it (perimeter resource), nothing else changes', () => {
    const perimeter = 'accessPolicies/123456/servicePerimeters/platform_prod';
    const { json, registry } = build(base({ network: { privateAccess: true, gcpServicePerimeter: perimeter } }), { projectNumber: '111222333444' });
    expect(resources(json, 'google_access_context_manager_service_perimeter_resource')).toEqual([
      expect.objectContaining({ perimeter_name: perimeter, resource: 'projects/111222333444' }),
    ]);
    expect(resources(json, 'google_access_context_manager_service_perimeter')).toEqual([]);
    expect(registry.perimeter?.perimeterName).toBe(perimeter);
  });

  test('a created perimeter restricts Artifact Registry, Container Analysis and Container Scanning, with the project inside', () => {
    const { json } = build(base({ network: { privateAccess: true } }), {
      projectNumber: '111222333444',
      servicePerimeter: { accessPolicy: '987654', accessLevels: ['accessPolicies/987654/accessLevels/ci_runners'] },
    });
    const [p] = resources(json, 'google_access_context_manager_service_perimeter');
    expect(p).toMatchObject({
      parent: 'accessPolicies/987654',
      name: 'accessPolicies/987654/servicePerimeters/platform_registry',
      perimeter_type: 'PERIMETER_TYPE_REGULAR',
      status: {
        resources: ['projects/111222333444'],
        restricted_services: RegistryPerimeter.RESTRICTED_SERVICES,
        access_levels: ['accessPolicies/987654/accessLevels/ci_runners'],
      },
    });
    expect(p.status.restricted_services).toContain('artifactregistry.googleapis.com');
  });

  test('without projectNumber the number is read with the google_project data source', () => {
    const { json } = build(base({ network: { privateAccess: true, gcpServicePerimeter: 'accessPolicies/1/servicePerimeters/p' } }));
    expect(Object.values(json.data.google_project)).toEqual([expect.objectContaining({ project_id: 'acme-registry' })]);
    expect(resources(json, 'google_access_context_manager_service_perimeter_resource')[0].resource).toMatch(/^projects\/\$\{data\.google_project\..*\.number\}$/);
  });

  test('caches inside a perimeter: a warning names the beta-only VPC-SC config and the gcloud command', () => {
    const { registry } = build(base({
      network: { privateAccess: true, gcpServicePerimeter: 'accessPolicies/1/servicePerimeters/p' },
      upstreamCaches: [{ name: 'quay', upstream: UpstreamRegistry.QUAY }],
    }), { projectNumber: '1' });
    expect(warningIds(registry)).toContain(WarningIds.id('gcp', 'vpcsc-remote-repositories'));
    expect(annotations(registry).join('\n')).toMatch(/google-beta provider.*gcloud artifacts vpcsc-config allow/);
  });

  test('bad props, all at once: no perimeter for privateAccess, both kinds, bad numbers and names', () => {
    expect(problemsOf(() => build(base({ network: { privateAccess: true } })))).toMatch(/props\.servicePerimeter: is required with network\.privateAccess/);
    const message = problemsOf(() => build(base({ network: { privateAccess: true, gcpServicePerimeter: 'accessPolicies/1/servicePerimeters/p' } }), {
      projectNumber: 'acme',
      servicePerimeter: { accessPolicy: 'org', name: '9bad', accessLevels: ['levels/x'] },
    }));
    expect(message).toContain('props.servicePerimeter: "given" and network.gcpServicePerimeter ("accessPolicies/1/servicePerimeters/p") exclude each other');
    expect(message).toContain('props.servicePerimeter.accessPolicy: "org" is not an access policy number (digits)');
    expect(message).toContain('props.servicePerimeter.name: "9bad" is not a perimeter name');
    expect(message).toContain('props.servicePerimeter.accessLevels[0]: "levels/x" is not an access level name');
    expect(message).toContain('props.projectNumber: "acme" is not a project number');
    expect(problemsOf(() => build(base(), { servicePerimeter: { accessPolicy: '1' } }))).toContain('needs network.privateAccess: true');
  });
});

describe('gcp notifications: Pub/Sub (issue 19)', () => {
  const spec = base({
    notifications: {
      events: [NotificationEvent.PUSH, NotificationEvent.SCAN_FINDING], minimumSeverity: Severity.CRITICAL,
    },
  });

  test('pull subscriptions on the service topics gcr and container-analysis-occurrences-v1, subscriber role on the subscription only', () => {
    const { json, registry } = build(spec, { projectNumber: '42', notifications: { subscriberMembers: ['serviceAccount:relay@acme-registry.iam.gserviceaccount.com'] } });
    const subs = resources(json, 'google_pubsub_subscription');
    expect(subs.map((s) => [s.name, s.topic])).toEqual([
      ['platform-registry-changes', 'projects/acme-registry/topics/gcr'],
      ['platform-scan-findings', 'projects/acme-registry/topics/container-analysis-occurrences-v1'],
    ]);
    expect(subs.every((s) => s.push_config === undefined)).toBe(true);
    const members = resources(json, 'google_pubsub_subscription_iam_member');
    expect(members.map((m) => [m.role, m.member])).toEqual([
      ['roles/pubsub.subscriber', 'serviceAccount:relay@acme-registry.iam.gserviceaccount.com'],
      ['roles/pubsub.subscriber', 'serviceAccount:relay@acme-registry.iam.gserviceaccount.com'],
    ]);
    // The topics are the services' own: not created, no topic-level or project-level grant.
    expect(resources(json, 'google_pubsub_topic')).toEqual([]);
    expect(resources(json, 'google_pubsub_topic_iam_member')).toEqual([]);
    expect(resources(json, 'google_project_iam_member').filter((m) => m.role.startsWith('roles/pubsub'))).toEqual([]);
    expect(warningIds(registry)).toEqual(expect.arrayContaining([WarningIds.id('gcp', 'notifications-unfiltered'), WarningIds.id('gcp', 'scan-severity-unfiltered')]));
    expect(annotations(registry).join('\n')).toMatch(/keeps critical and above/);
  });

  test('createTopics: the topics, with roles/pubsub.publisher for the publishing service agent only', () => {
    const { json } = build(spec, { projectNumber: '42', notifications: { createTopics: true } });
    expect(resources(json, 'google_pubsub_topic').map((t) => t.name).sort()).toEqual(['container-analysis-occurrences-v1', 'gcr']);
    expect(resources(json, 'google_pubsub_topic_iam_member').map((m) => [m.role, m.member]).sort()).toEqual([
      ['roles/pubsub.publisher', 'serviceAccount:service-42@container-analysis.iam.gserviceaccount.com'],
      ['roles/pubsub.publisher', 'serviceAccount:service-42@gcp-sa-artifactregistry.iam.gserviceaccount.com'],
    ]);
  });

  test('a push endpoint with an OIDC token; only the events asked for get a subscription', () => {
    const { json } = build(base({ notifications: { events: [NotificationEvent.RETENTION_DELETION] } }), {
      projectNumber: '42', notifications: { pushEndpoint: 'https://hooks.acme.example/registry', pushServiceAccountEmail: 'pusher@acme-registry.iam.gserviceaccount.com' },
    });
    expect(resources(json, 'google_pubsub_subscription')).toEqual([expect.objectContaining({
      name: 'platform-registry-changes',
      push_config: { push_endpoint: 'https://hooks.acme.example/registry', oidc_token: { service_account_email: 'pusher@acme-registry.iam.gserviceaccount.com' } },
    })]);
  });

  test('bad notification props, all at once', () => {
    const message = problemsOf(() => build(base(), {
      notifications: { pushEndpoint: 'http://insecure.example', subscriberMembers: ['relay'] },
    }));
    expect(message).toContain('props.notifications: "given" needs a notifications section in the spec');
    expect(message).toContain('props.notifications.pushEndpoint: "http://insecure.example" is not an https:// URL');
    expect(message).toContain('props.notifications.subscriberMembers: ["relay"] apply to pull subscriptions');
    expect(message).toMatch(/props\.notifications\.subscriberMembers\[0\]: "relay" /);
  });

  test('the new warnings are listed', () => {
    const ids = GcpWarnings.WARNINGS.map((w) => w.id);
    for (const topic of ['vpcsc-remote-repositories', 'notifications-unfiltered', 'scan-severity-unfiltered']) expect(ids).toContain(WarningIds.id('gcp', topic));
  });
});

describe('gcp: what the constructs synthesize passes the validations cdktf synth runs (issue 19)', () => {
  test('a created perimeter, every event, promoters and a push endpoint', () => {
    const stack = testStack();
    new ContainerRegistry(stack, 'Registry', {
      spec: base({
        network: { privateAccess: true },
        notifications: {
          events: [NotificationEvent.PUSH, NotificationEvent.SCAN_FINDING, NotificationEvent.RETENTION_DELETION, NotificationEvent.PROMOTION],
        },
        access: { promoters: [{ name: 'promoter', gcpMembers: ['serviceAccount:promoter@acme-registry.iam.gserviceaccount.com'] }] },
        environments: { chain: [{ name: 'dev' }, { name: 'prod' }] },
      }),
      project: 'acme-registry',
      location: 'europe-west1',
      projectNumber: '42',
      servicePerimeter: { accessPolicy: '987654' },
      notifications: { createTopics: true, pushEndpoint: 'https://hooks.acme.example/registry', pushServiceAccountEmail: 'pusher@acme-registry.iam.gserviceaccount.com' },
    });
    expect(() => Testing.synth(stack, true)).not.toThrow();
  });
});

describe('issue 19: promoters publish promotion reports to <registry>-promotions, and nobody else may (access model)', () => {
  const RELEASE = 'serviceAccount:release@other.iam.gserviceaccount.com';
  const CI = 'serviceAccount:ci@other.iam.gserviceaccount.com';
  const reporting = (events: NotificationEvent[] = [NotificationEvent.PUSH, NotificationEvent.PROMOTION]) => base({
    environments: { layout: EnvironmentLayout.REPOSITORIES, chain: [{ name: 'dev' }, { name: 'staging' }, { name: 'prod' }] },
    notifications: { events },
    access: {
      pushers: [{ name: 'ci', gcpMembers: [CI] }],
      pullers: [{ name: 'runtime', github: { repository: 'example/platform', branch: 'main' } }],
      promoters: [
        { name: 'promoter', github: { repository: 'example/platform', environment: 'prod' } },
        { name: 'release', gcpMembers: [RELEASE], environments: ['prod'] },
      ],
    },
  });

  /** Where the evaluated topic IAM differs from the model and the matrix, per identity and member. */
  const problemsOfAccess = (spec: RegistrySpec, { json }: ReturnType<typeof build>): string[] => {
    const access = new GcpAccess(json);
    const out: string[] = [];
    const matrix = GarAccessMatrix.of(spec);
    const topics = resources(json, 'google_pubsub_topic').map((t) => t.name as string);
    const known = new Set<string>();
    for (const name of ['ci', 'runtime', 'promoter', 'release']) {
      const model = AccessModel.allows(spec, name, AccessModel.PROMOTION_NOTIFICATION, Capability.PUBLISH_NOTIFICATION);
      const listed = matrix.some((r) => r.identity === name && r.resource === 'topic:platform-promotions' && r.capabilities.includes(Capability.PUBLISH_NOTIFICATION));
      // The identity's members as the evaluator sees them: the created service account (from the workflow's output) and gcpMembers.
      const identity = GarAccessMatrix.identities(spec).find((i) => i.name === name)!;
      const members = [...(identity.gcpMembers ?? []), ...(identity.github ? [`serviceAccount:${access.output(WorkflowVariables.identity(Cloud.GCP, name))}`] : [])];
      for (const member of members) {
        known.add(member);
        for (const topic of topics) {
          const expected = model && topic === 'platform-promotions';
          const publishes = access.publishes(member, topic);
          if (publishes !== expected || (topic === 'platform-promotions' && listed !== model)) {
            out.push(`${name} (${member}) on ${topic}: publishes ${publishes}, matrix ${listed}, the model says ${expected}`);
          }
          // Publishing only: no subscription management on the topic.
          if (access.topicPermissions(member, topic).has('pubsub.topics.attachSubscription')) out.push(`${name} attaches subscriptions to ${topic}`);
        }
      }
    }
    // Nobody outside the spec's identities publishes to the promotions topic.
    for (const member of access.topicMembers()) {
      if (!known.has(member) && access.publishes(member, 'platform-promotions')) out.push(`${member} publishes to platform-promotions`);
    }
    return out;
  };

  test('each promoter (created service account and existing member) publishes to the promotions topic only; the pusher and the puller do not', () => {
    const spec = reporting();
    const built = build(spec, { projectNumber: '42', outputs: true });
    const json = built.json;
    expect(AccessModel.promotionReporters(spec)).toEqual(['promoter', 'release']);
    expect(problemsOfAccess(spec, built)).toEqual([]);
    expect(new GcpAccess(json).publishes('serviceAccount:platform-promoter@acme-registry.iam.gserviceaccount.com', 'platform-promotions')).toBe(true);
    expect(new GcpAccess(json).publishes(RELEASE, 'platform-promotions')).toBe(true);
    expect(new GcpAccess(json).publishes(CI, 'platform-promotions')).toBe(false);
  });

  test('without promotion among the events: no promotions topic, no publisher, no matrix row', () => {
    const spec = reporting([NotificationEvent.PUSH]);
    const built = build(spec, { projectNumber: '42', outputs: true });
    expect(resources(built.json, 'google_pubsub_topic_iam_member')).toEqual([]);
    expect(GarAccessMatrix.of(spec).filter((r) => r.capabilities.includes(Capability.PUBLISH_NOTIFICATION))).toEqual([]);
    expect(problemsOfAccess(spec, built)).toEqual([]);
  });

  test('negative controls: the publisher role given to the pusher, or dropped from a promoter, is caught', () => {
    const spec = reporting();
    const widened = build(spec, { projectNumber: '42', outputs: true });
    const first = Object.values<any>(widened.json.resource.google_pubsub_topic_iam_member)[0];
    widened.json.resource.google_pubsub_topic_iam_member.leak = { ...first, member: CI };
    expect(problemsOfAccess(spec, widened).join('\n')).toMatch(/ci \(serviceAccount:ci@other.*\) on platform-promotions: publishes true, matrix false, the model says false/);

    const dropped = build(spec, { projectNumber: '42', outputs: true });
    const members = dropped.json.resource.google_pubsub_topic_iam_member;
    for (const [k, m] of Object.entries<any>(members)) if (m.member === RELEASE) delete members[k];
    expect(problemsOfAccess(spec, dropped).join('\n')).toMatch(/release \(serviceAccount:release@other.*\) on platform-promotions: publishes false, matrix true, the model says true/);
  });
});
