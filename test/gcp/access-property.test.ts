import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { TerraformStack, Testing } from 'cdktf';
import * as fc from 'fast-check';
import { parse as parseYaml } from 'yaml';
import { ALL_CAPABILITIES, GcpAccess, GithubClaims, PROJECT, PROJECT_NUMBER } from './gcp-access';
import { annotations } from './helpers';
import { GarAccessMatrix } from '../../src/gcp/access-matrix';
import { ContainerRegistry } from '../../src/gcp/artifact-registry';
import { PromotionPlanner } from '../../src/promotion/promotion-plan';
import { PromotionWorkflow } from '../../src/promotion/workflow';
import { WorkflowVariables } from '../../src/promotion/workflow-variables';
import { AccessModel, AccessResourceKind, Capability, NativeAccessEntry } from '../../src/spec/access-model';
import { Glob } from '../../src/spec/glob';
import { Naming } from '../../src/spec/naming';
import {
  Cloud, EnvironmentLayout, GithubTrustSpec, IdentitySpec, NotificationEvent, RegistrySpec, Severity, UpstreamRegistry,
} from '../../src/spec/registry-spec';

/*
 * Properties of GCP access over generated specs: the synthesized Terraform, read by
 * an independent evaluator (test/gcp/gcp-access.ts: @bufbuild/cel for Workload
 * Identity, the predefined Artifact Registry roles' permissions), against the
 * native matrix (GarAccessMatrix), the access model (AccessModel.operations) and a
 * neutral reading of each GitHub trust over GitHub's documented claims; and (issue 19)
 * the Pub/Sub grants of notifications: the promoters' publisher binding on the promotions
 * topic, the service agents' on the topics the construct creates, the subscribers' on
 * their subscriptions, and nobody else's.
 */

/** The subscriber of the notifications' pull subscriptions (`notifications.subscriberMembers`). */
const SUBSCRIBER = 'serviceAccount:registry-events@acme-registry.iam.gserviceaccount.com';
/** The publishing service agents of the topics the services publish to (Artifact Registry, Artifact Analysis). */
const AGENTS: { [topic: string]: string } = {
  'gcr': `serviceAccount:service-${PROJECT_NUMBER}@gcp-sa-artifactregistry.iam.gserviceaccount.com`,
  'container-analysis-occurrences-v1': `serviceAccount:service-${PROJECT_NUMBER}@container-analysis.iam.gserviceaccount.com`,
};

const ISSUER = 'https://token.actions.githubusercontent.com';
const REPOS = ['acme/platform', 'acme/tools'];
const IMAGES = ['api', 'web', 'jobs/worker', 'api-gateway'];
const ENVS = ['dev', 'staging', 'prod'];
const TAG_PATTERNS = ['v*', 'rc-*', 'v1.*', 'release-*-final', 'v1.0.0'];
const MEMBERS = ['serviceAccount:gke@acme-registry.iam.gserviceaccount.com', 'group:release@acme.example', 'serviceAccount:ops@other.iam.gserviceaccount.com'];

// ------------------------------------------------------------------ generators

const trustArb = (envs: string[]): fc.Arbitrary<GithubTrustSpec> => fc.record({
  repository: fc.constantFrom(...REPOS),
  kind: fc.constantFrom('branch', 'environment', 'tag'),
  branch: fc.constantFrom('main', 'release'),
  environment: fc.constantFrom(...envs),
  tag: fc.constantFrom(...TAG_PATTERNS),
}).map((t) => (t.kind === 'branch' ? { repository: t.repository, branch: t.branch }
  : t.kind === 'environment' ? { repository: t.repository, environment: t.environment } : { repository: t.repository, tag: t.tag }));

interface Generated {
  spec: RegistrySpec;
  virtual: boolean;
  /** The notification props (issue 19): topics created, delivery by push or to the subscriber. */
  notifications?: { createTopics: boolean; push: boolean };
}

const specArb: fc.Arbitrary<Generated> = fc.record({
  layout: fc.constantFrom(EnvironmentLayout.TAGS, EnvironmentLayout.REPOSITORIES, EnvironmentLayout.REGISTRIES),
  images: fc.uniqueArray(fc.constantFrom(...IMAGES), { minLength: 1, maxLength: 3 }),
  envCount: fc.integer({ min: 2, max: 3 }),
  caches: fc.uniqueArray(fc.constantFrom('docker-hub', 'quay'), { maxLength: 2 }),
  virtual: fc.boolean(),
  seeds: fc.array(fc.record({
    trust: fc.option(trustArb(ENVS), { nil: undefined }),
    members: fc.uniqueArray(fc.constantFrom(...MEMBERS), { maxLength: 2 }),
    globs: fc.option(fc.uniqueArray(fc.constantFrom('api', 'api*', 'web', 'jobs/*'), { minLength: 1, maxLength: 2 }), { nil: undefined }),
    envPick: fc.option(fc.uniqueArray(fc.integer({ min: 0, max: 2 }), { minLength: 1, maxLength: 2 }), { nil: undefined }),
  }), { minLength: 6, maxLength: 6 }),
  pullers: fc.integer({ min: 0, max: 2 }),
  promoters: fc.integer({ min: 0, max: 2 }),
  // The scan gate: a registry threshold makes the promoters of the protected hop read the project's occurrences.
  gate: fc.boolean(),
  // Notifications: none, promotion reports (promoters publish) with registry changes, scan findings only, or everything.
  notify: fc.constantFrom('none', 'none', 'promotion', 'scan', 'all'),
  createTopics: fc.boolean(),
  push: fc.integer({ min: 0, max: 3 }).map((n) => n === 0),
}).map((g) => {
  const chain = g.envCount === 2 ? ['dev', 'prod'] : ENVS;
  const identity = (name: string, i: number, role: 'pusher' | 'puller' | 'promoter'): IdentitySpec => {
    const s = g.seeds[i];
    const trust = s.trust?.environment !== undefined && !chain.includes(s.trust.environment)
      ? { repository: s.trust.repository, environment: chain[0] }
      : s.trust;
    const github = trust ?? (s.members.length === 0 ? { repository: REPOS[0], branch: 'main' } : undefined);
    let environments: string[] | undefined;
    if (role === 'puller' && s.envPick) environments = [...new Set(s.envPick.map((k) => chain[k % chain.length]))];
    if (role === 'promoter' && s.envPick) environments = [...new Set(s.envPick.map((k) => chain[1 + (k % (chain.length - 1))]))];
    const globs = (s.globs ?? []).filter((glob) => g.images.some((img) => Glob.matchesAny([glob], img)));
    const repositories = globs.length ? globs : undefined;
    return {
      name,
      ...(github ? { github } : {}),
      ...(s.members.length ? { gcpMembers: s.members } : {}),
      ...(repositories ? { repositories } : {}),
      ...(environments ? { environments } : {}),
    };
  };
  const spec: RegistrySpec = {
    version: 1,
    name: 'platform',
    repositories: g.images.map((name) => ({ name })),
    environments: { layout: g.layout, chain: chain.map((name) => ({ name })) },
    ...(g.gate ? { scanning: { severityThreshold: Severity.HIGH } } : {}),
    access: {
      pushers: [identity('ci', 0, 'pusher')],
      pullers: Array.from({ length: g.pullers }, (_, i) => identity(`runtime-${i}`, 1 + i, 'puller')),
      promoters: Array.from({ length: g.promoters }, (_, i) => identity(`promoter-${i}`, 3 + i, 'promoter')),
    },
    ...(g.caches.length ? {
      upstreamCaches: g.caches.map((c) => ({ name: c, upstream: c === 'quay' ? UpstreamRegistry.QUAY : UpstreamRegistry.DOCKER_HUB })),
    } : {}),
    ...(g.notify === 'none' ? {} : {
      notifications: {
        events: g.notify === 'promotion' ? [NotificationEvent.PUSH, NotificationEvent.PROMOTION] : g.notify === 'scan' ? [NotificationEvent.SCAN_FINDING]
          : [NotificationEvent.PUSH, NotificationEvent.SCAN_FINDING, NotificationEvent.RETENTION_DELETION, NotificationEvent.PROMOTION],
      },
    }),
  };
  return { spec, virtual: g.virtual, ...(g.notify === 'none' ? {} : { notifications: { createTopics: g.createTopics, push: g.push } }) };
});

// ------------------------------------------------------------------ the neutral reading of a trust

/** Whether a token satisfies a trust, read from GitHub's documented claims (https://docs.github.com/en/actions/reference/security/oidc). */
function satisfies(trust: GithubTrustSpec, t: GithubClaims, provider: string): boolean {
  if (t.iss !== ISSUER) return false;
  if (t.aud !== `https://iam.googleapis.com/${provider}` && t.aud !== `//iam.googleapis.com/${provider}`) return false;
  if (t.repository !== trust.repository) return false;
  if (trust.environment !== undefined) return t.environment === trust.environment;
  if (t.environment !== undefined || t.event_name === 'pull_request') return false;
  if (trust.branch !== undefined) return t.ref === `refs/heads/${trust.branch}`;
  return t.ref.startsWith('refs/tags/') && Glob.matchesAny([trust.tag!], t.ref.slice('refs/tags/'.length));
}

/** A token as GitHub issues it for a job (the `sub` follows from the other claims). */
interface Job { repository: string; ref: string; environment?: string; event?: string; aud?: string; iss?: string }

function token(provider: string, o: Job): GithubClaims {
  const pr = o.event === 'pull_request';
  return {
    iss: o.iss ?? ISSUER,
    aud: o.aud ?? `https://iam.googleapis.com/${provider}`,
    sub: o.environment !== undefined ? `repo:${o.repository}:environment:${o.environment}` : pr ? `repo:${o.repository}:pull_request` : `repo:${o.repository}:ref:${o.ref}`,
    repository: o.repository,
    repository_owner: o.repository.split('/')[0],
    ref: o.ref,
    ref_type: o.ref.startsWith('refs/tags/') ? 'tag' : 'branch',
    event_name: o.event ?? 'push',
    ...(o.environment !== undefined ? { environment: o.environment } : {}),
  };
}

/** A tag a pattern matches. */
function sampleTag(pattern: string): string {
  return pattern.replace(/\*/g, '2');
}

/** The intended tokens of a trust, then adversarial neighbours. */
function tokensOf(trust: GithubTrustSpec, provider: string): { intended: GithubClaims[]; adversarial: Array<{ kind: string; token: GithubClaims }> } {
  const R = trust.repository;
  const [owner, name] = R.split('/');
  const intendedRef = trust.branch !== undefined ? `refs/heads/${trust.branch}` : trust.tag !== undefined ? `refs/tags/${sampleTag(trust.tag)}` : 'refs/heads/main';
  const base = { repository: R, ref: intendedRef, environment: trust.environment };
  const intended = [token(provider, base)];
  if (trust.environment !== undefined) intended.push(token(provider, { ...base, ref: 'refs/tags/v1.2.3' }));
  const adv: Array<{ kind: string; token: GithubClaims }> = [
    { kind: 'prefix repository', token: token(provider, { ...base, repository: `${R}x` }) },
    { kind: 'prefix repository', token: token(provider, { ...base, repository: `${R}-other` }) },
    { kind: 'fork', token: token(provider, { ...base, repository: `evil/${name}` }) },
    { kind: 'fork', token: token(provider, { ...base, repository: `${owner}-evil/${name}` }) },
    { kind: 'pull_request', token: token(provider, { repository: R, ref: 'refs/pull/7/merge', event: 'pull_request' }) },
    { kind: 'wrong audience', token: token(provider, { ...base, aud: `https://github.com/${owner}` }) },
    { kind: 'wrong audience', token: token(provider, { ...base, aud: `https://iam.googleapis.com/${provider.replace(/providers\/[^/]+$/, 'providers/other')}` }) },
    { kind: 'another issuer', token: token(provider, { ...base, iss: `${ISSUER}/${owner}` }) },
    { kind: 'another issuer', token: token(provider, { ...base, iss: 'https://gitlab.com' }) },
  ];
  if (trust.branch !== undefined) {
    adv.push({ kind: 'another branch', token: token(provider, { ...base, ref: `refs/heads/${trust.branch}x` }) });
    adv.push({ kind: 'another branch', token: token(provider, { ...base, ref: `refs/heads/${trust.branch}/feature` }) });
    adv.push({ kind: 'branch job in an environment', token: token(provider, { ...base, environment: 'dev' }) });
    adv.push({ kind: 'a tag of the branch name', token: token(provider, { ...base, ref: `refs/tags/${trust.branch}` }) });
  }
  if (trust.environment !== undefined) {
    adv.push({ kind: 'another environment', token: token(provider, { ...base, environment: `${trust.environment}x` }) });
    adv.push({ kind: 'another environment', token: token(provider, { ...base, environment: trust.environment.slice(0, -1) }) });
    adv.push({ kind: 'no environment', token: token(provider, { repository: R, ref: 'refs/heads/main' }) });
  }
  if (trust.tag !== undefined) {
    adv.push({ kind: 'another tag', token: token(provider, { ...base, ref: `refs/tags/x${sampleTag(trust.tag)}` }) });
    adv.push({ kind: 'another tag', token: token(provider, { ...base, ref: `refs/tags/${sampleTag(trust.tag)}x` }) });
    adv.push({ kind: 'a branch of the tag name', token: token(provider, { ...base, ref: `refs/heads/${sampleTag(trust.tag)}` }) });
    for (const env of ENVS) {
      adv.push({ kind: 'environment job on a tag outside the pattern', token: token(provider, { repository: R, ref: 'refs/tags/zz-9', environment: env }) });
      adv.push({ kind: 'environment job on a matching tag', token: token(provider, { repository: R, ref: intendedRef, environment: env }) });
    }
  }
  return { intended, adversarial: adv };
}

// ------------------------------------------------------------------ the checks (each returns problems, so negative controls can run them)

interface Built {
  spec: RegistrySpec;
  stack: TerraformStack;
  json: any;
  registry: ContainerRegistry;
  matrix: NativeAccessEntry[];
  virtualId?: string;
}

function build(g: Generated): Built {
  // cdktf captures a stack trace per token and construct; under jest each costs a source-mapped trace,
  // most of the time of a synth. The configuration does not depend on them: skip them while building.
  const [prepare, capture] = [Error.prepareStackTrace, Error.captureStackTrace];
  Error.prepareStackTrace = () => '';
  Error.captureStackTrace = () => undefined;
  try {
    const app = Testing.app({ stackTraces: false });
    const stack = new TerraformStack(app, 'stack');
    new GoogleProvider(stack, 'google', { project: 'acme-registry' });
    const virtualId = g.virtual ? `${g.spec.name}-virtual` : undefined;
    const n = g.notifications;
    const registry = new ContainerRegistry(stack, 'Registry', {
      spec: g.spec,
      project: 'acme-registry',
      location: 'us',
      ...(virtualId ? { virtualRepository: {} } : {}),
      ...(n ? {
        projectNumber: PROJECT_NUMBER,
        notifications: n.push ? { createTopics: n.createTopics, pushEndpoint: 'https://events.acme.example/push', pushServiceAccountEmail: 'pusher@acme-registry.iam.gserviceaccount.com' }
          : { createTopics: n.createTopics, subscriberMembers: [SUBSCRIBER] },
      } : {}),
    });
    const json = JSON.parse(Testing.synth(stack));
    return { spec: g.spec, stack, json, registry, matrix: GarAccessMatrix.of(g.spec, { virtualRepositoryId: virtualId }), virtualId };
  } finally {
    Error.prepareStackTrace = prepare;
    Error.captureStackTrace = capture;
  }
}

/** The identities' members as the evaluator sees them: the created service account (read from the workflow's output) and gcpMembers. */
function membersOf(access: GcpAccess, spec: RegistrySpec): Map<string, string[]> {
  const members = new Map<string, string[]>();
  for (const id of GarAccessMatrix.identities(spec)) {
    const list = [...(id.gcpMembers ?? [])];
    if (id.github) list.push(`serviceAccount:${access.output(WorkflowVariables.identity(Cloud.GCP, id.name))}`);
    members.set(id.name, list);
  }
  return members;
}

/** (1) For every identity, member, repository (the registry's and outside ones sharing a prefix) and capability: evaluated = matrix. */
function checkMatrix(b: Built, json: any): string[] {
  const access = new GcpAccess(json);
  const problems: string[] = [];
  const repos = [...access.repositories().keys()];
  const universe = [...repos, ...repos.flatMap((r) => [`${r}x`, `${r}-other`]), `${b.spec.name}`, PROJECT];
  const members = membersOf(access, b.spec);
  const known = new Set([...members.values()].flat());
  for (const binding of access.repositoryBindings()) {
    if (!known.has(binding.member)) problems.push(`binding for ${binding.member} on ${binding.repository}, who is no identity of the spec`);
  }
  // A member shared by several identities holds the union of their rows (IAM knows members, not spec identities).
  const identitiesOf = new Map<string, string[]>();
  for (const [identity, list] of members) for (const m of list) identitiesOf.set(m, [...(identitiesOf.get(m) ?? []), identity]);
  for (const [member, identities] of identitiesOf) {
    for (const repo of universe) {
      const rows = b.matrix.filter((e) => identities.includes(e.identity) && e.resource === repo);
      for (const cap of ALL_CAPABILITIES) {
        const evaluated = access.allows(member, repo, cap);
        const expected = rows.some((r) => r.capabilities.includes(cap));
        if (evaluated !== expected) problems.push(`${identities.join('+')} (${member}) ${cap} on ${repo}: evaluated ${evaluated}, matrix ${expected}`);
      }
    }
  }
  return problems;
}

/** The native repository of a model resource. */
function nativeOf(spec: RegistrySpec, kind: AccessResourceKind, environment: string, name: string, capability?: Capability): string {
  if (capability === Capability.READ_SCAN_RESULTS) return PROJECT;
  if (kind === AccessResourceKind.NOTIFICATION) return GarAccessMatrix.promotionTopic(spec);
  return kind === AccessResourceKind.CACHE ? `${spec.name}-${name}` : Naming.garRepositoryId(spec, environment);
}

/** (2) The matrix covers every operation of the model and adds nothing except rows with beyondModel; the per-image warning is there. */
function checkModel(b: Built): string[] {
  const problems: string[] = [];
  const withPrincipal = new Set(GarAccessMatrix.identities(b.spec).map((i) => i.name));
  for (const op of AccessModel.operations(b.spec)) {
    if (!withPrincipal.has(op.identity)) continue;
    const native = nativeOf(b.spec, op.resource.kind, op.resource.environment, op.resource.name, op.capability);
    const row = b.matrix.find((e) => e.identity === op.identity && e.resource === native);
    if (!row?.capabilities.includes(op.capability)) problems.push(`${op.identity} cannot ${op.capability} on ${native} (${op.step})`);
  }
  const model = AccessModel.matrix(b.spec);
  for (const row of b.matrix) {
    if (row.beyondModel) {
      if (/outside its repositories/.test(row.beyondModel)
        && !annotations(b.registry).some((a) => a.startsWith(`Identity "${row.identity}" is restricted to the images`))) {
        problems.push(`${row.identity} on ${row.resource} reaches images outside its repositories, and no warning says so`);
      }
      continue;
    }
    const resources = model.filter((e) => e.identity === row.identity
      && nativeOf(b.spec, e.resource.kind, e.resource.environment, e.resource.name) === row.resource);
    const isCache = (b.spec.upstreamCaches ?? []).some((c) => `${b.spec.name}-${c.name}` === row.resource);
    const isTopic = row.resource.startsWith('topic:');
    const expectedCount = isCache || isTopic ? 1 : b.spec.repositories.length;
    // Reading scan results is a project-level row (with beyondModel), not a repository capability.
    const repositoryCaps = (caps: Capability[]) => caps.filter((c) => c !== Capability.READ_SCAN_RESULTS).join();
    if (resources.length !== expectedCount || resources.some((e) => repositoryCaps(e.capabilities) !== row.capabilities.join())) {
      problems.push(`${row.identity} on ${row.resource}: ${row.capabilities.join()} without beyondModel, model ${resources.map((e) => `${e.resource.name}:${e.capabilities.join()}`).join(' ')}`);
    }
  }
  for (const name of new Set(model.map((e) => e.identity))) {
    if (!withPrincipal.has(name) && !annotations(b.registry).some((a) => a.startsWith(`Identity "${name}" has no Google Cloud principal`))) {
      problems.push(`${name} has no GCP principal and no warning says so`);
    }
  }
  return problems;
}

interface NotificationStats { published: number; refused: number; agentTopics: number; subscribed: number; pushed: number }

/**
 * (5) Notifications (issue 19): on every topic of the configuration, exactly the expected members publish (the
 * promoters that report promotions, as the matrix and the model say, on the promotions topic; the service agent
 * on a topic the construct creates for its service); exactly the subscriber consumes each pull subscription; no
 * member holds more than publishing on a topic; no Pub/Sub role on the project.
 */
function checkNotifications(b: Built, json: any, stats?: NotificationStats): string[] {
  if (!b.spec.notifications) return [];
  const access = new GcpAccess(json);
  const problems: string[] = [];
  try {
    const members = membersOf(access, b.spec);
    const identitiesOf = new Map<string, string[]>();
    for (const [identity, list] of members) for (const m of list) identitiesOf.set(m, [...(identitiesOf.get(m) ?? []), identity]);
    const everyone = [...new Set([...identitiesOf.keys(), SUBSCRIBER, ...Object.values(AGENTS), 'allUsers', 'allAuthenticatedUsers'])];
    const promotions = `${b.spec.name}-promotions`;
    const reporters = new Set(AccessModel.promotionReporters(b.spec));
    const topics = access.resources('google_pubsub_topic').map(([, t]) => access.resolve(t.name));
    if (b.spec.notifications.events.includes(NotificationEvent.PROMOTION) !== topics.includes(promotions)) problems.push(`the topic ${promotions} is missing or unexpected`);
    for (const topic of topics) {
      for (const member of everyone) {
        const ids = identitiesOf.get(member) ?? [];
        const listed = b.matrix.some((r) => ids.includes(r.identity) && r.resource === `topic:${topic}` && r.capabilities.includes(Capability.PUBLISH_NOTIFICATION));
        const model = ids.some((id) => reporters.has(id)
          && AccessModel.allows(b.spec, id, AccessModel.PROMOTION_NOTIFICATION, Capability.PUBLISH_NOTIFICATION));
        if (topic === promotions && listed !== model) problems.push(`${ids.join('+')} (${member}): the matrix lists publishing ${listed}, the model says ${model}`);
        const expected = topic === promotions ? listed : AGENTS[topic] === member;
        const perms = access.topicPermissions(member, topic);
        const publishes = perms.has('pubsub.topics.publish');
        if (publishes !== expected) {problems.push(`${member} publishes to ${topic}: ${publishes}, expected ${expected}`);} else if (publishes) { if (stats) { if (topic === promotions) stats.published++; else stats.agentTopics++; } } else if (stats) {stats.refused++;}
        const more = [...perms].filter((p) => p !== 'pubsub.topics.publish');
        if (more.length) problems.push(`${member} holds ${more.join(', ')} on the topic ${topic}`);
      }
    }
    const push = access.resources('google_pubsub_subscription').some(([, x]) => x.push_config);
    for (const [, sub] of access.resources('google_pubsub_subscription')) {
      const name = access.resolve(sub.name);
      for (const member of everyone) {
        const consumes = access.subscriptionPermissions(member, name).has('pubsub.subscriptions.consume');
        const expected = member === SUBSCRIBER && !sub.push_config;
        if (consumes !== expected) problems.push(`${member} consumes ${name}: ${consumes}, expected ${expected}`);
        else if (consumes && stats) stats.subscribed++;
      }
      if (sub.push_config && stats) stats.pushed++;
    }
    if (push && access.resources('google_pubsub_subscription_iam_member').length) problems.push('a push delivery with subscriber bindings');
  } catch (e) {
    problems.push(`the Pub/Sub grants cannot be evaluated: ${(e as Error).message}`);
  }
  return problems;
}

interface TrustStats { adversarialKinds: Set<string>; intended: number; adversarial: number }

/** (3) Every token reaches exactly the service accounts of the identities whose trust it satisfies. */
function checkTrusts(b: Built, json: any, stats?: TrustStats): string[] {
  const access = new GcpAccess(json);
  const problems: string[] = [];
  const withTrust = GarAccessMatrix.identities(b.spec).filter((i) => i.github);
  if (withTrust.length === 0) return problems;
  const provider = access.output('GCP_WORKLOAD_IDENTITY_PROVIDER');
  const accountOf = new Map(withTrust.map((i) => [i.name, access.output(WorkflowVariables.identity(Cloud.GCP, i.name))]));
  for (const identity of withTrust) {
    const { intended, adversarial } = tokensOf(identity.github!, provider);
    const all = [...intended.map((t) => ({ kind: 'intended', token: t })), ...adversarial];
    for (const { kind, token: t } of all) {
      const admitted = access.exchange(t).admitted;
      if (admitted !== withTrust.some((i) => satisfies(i.github!, t, provider))) problems.push(`${kind} token ${t.sub} ${t.ref} (${t.repository}, ${t.aud}, ${t.iss}) is ${admitted ? '' : 'not '}admitted by the provider`);
      const reached = access.serviceAccountsFor(t);
      const expected = [...new Set(withTrust.filter((i) => satisfies(i.github!, t, provider)).map((i) => accountOf.get(i.name)!))].sort();
      if (kind === 'intended' && !reached.includes(accountOf.get(identity.name)!)) problems.push(`${identity.name}: its own job ${t.sub} (${t.ref}) does not get in`);
      if (reached.join() !== expected.join()) problems.push(`${kind} token ${t.sub} ${t.ref} (${t.repository}, ${t.aud}, ${t.iss}) reaches [${reached}], trusts say [${expected}]`);
      if (stats) {
        if (kind === 'intended') {stats.intended++;} else { stats.adversarial++; stats.adversarialKinds.add(kind); }
      }
    }
  }
  return problems;
}

/** (4) The generated workflow's GCP logins: each job's token reaches the service account it names iff its trust admits the job, and then the account can do the job. */
function checkWorkflow(b: Built, json: any, stats: { jobs: number; refused: number; otherRepository: number }): string[] {
  const problems: string[] = [];
  const access = new GcpAccess(json);
  let plan;
  try {
    plan = PromotionPlanner.plan(b.spec, { cloud: Cloud.GCP });
  } catch {
    return problems;
  }
  if (!plan.pusher || plan.hops.some((h) => !h.promoter)) return problems;
  // The build signs keyless with its GitHub identity: a pusher without a github trust gets no workflow (a clear error).
  if (!b.spec.access!.pushers!.find((p) => p.name === plan.pusher)!.github) return problems;
  const workflow = parseYaml(PromotionWorkflow.generate(plan).text);
  const pusher = b.spec.access!.pushers!.find((p) => p.name === plan.pusher)!;
  const repository = pusher.github?.repository ?? REPOS[0];
  const branch = workflow.on.push.branches[0];
  const envs = Naming.environmentNames(b.spec);
  for (const [jobId, job] of Object.entries<any>(workflow.jobs)) {
    const auth = job.steps.find((s: any) => String(s.uses).startsWith('google-github-actions/auth'));
    const variable = /vars\.([A-Z0-9_]+)/.exec(auth.with.service_account)![1];
    const identityName = jobId === 'build' ? plan.pusher! : plan.hops.find((h) => h.jobId === jobId)!.promoter!;
    const identity = [...(b.spec.access!.pushers ?? []), ...(b.spec.access!.promoters ?? [])].find((i) => i.name === identityName)!;
    if (!identity.github) continue;
    const provider = access.output(/vars\.([A-Z0-9_]+)/.exec(auth.with.workload_identity_provider)![1]);
    const email = access.output(variable);
    // google-github-actions/auth requests the token for `https://iam.googleapis.com/${workload_identity_provider}` unless given
    // an audience (src/main.ts: `getInput('audience') || `https://iam.googleapis.com/${workloadIdentityProvider}``): token()'s default.
    const t = token(provider, { repository, ref: `refs/heads/${branch}`, environment: job.environment });
    const reached = access.serviceAccountsFor(t).includes(email);
    stats.jobs++;
    if (reached !== satisfies(identity.github, t, provider)) problems.push(`${jobId}: login as ${identityName} is ${reached}, its trust says the opposite`);
    if (!reached) {
      stats.refused++;
      // The planner does not know which repository the workflow is committed to: when the identity trusts another
      // repository than the pusher's, the login is refused without a warning (left to src/promotion).
      if (identity.github.repository !== repository) stats.otherRepository++;
      else if (!plan.warnings.some((w) => w.includes(`"${identityName}"`))) problems.push(`${jobId}: login as ${identityName} is refused and the plan does not warn`);
      continue;
    }
    const member = `serviceAccount:${email}`;
    const need: Array<[string, Capability]> = [];
    if (jobId === 'build') {
      for (const _image of AccessModel.imagesOf(b.spec, identity)) need.push([Naming.garRepositoryId(b.spec, Naming.layout(b.spec) === EnvironmentLayout.TAGS ? '' : envs[0]), Capability.WRITE]);
    } else {
      const hop = plan.hops.find((h) => h.jobId === jobId)!;
      const phys = (e: string) => Naming.garRepositoryId(b.spec, Naming.layout(b.spec) === EnvironmentLayout.TAGS ? '' : e);
      const [source, destination] = [phys(hop.sourceEnvironment), phys(hop.destinationEnvironment)];
      need.push([source, Capability.READ], [destination, Capability.READ], [destination, Capability.WRITE]);
    }
    for (const [repo, cap] of need) {
      if (!access.allows(member, repo, cap)) problems.push(`${jobId}: ${identityName} logs in but cannot ${cap} on ${repo}`);
    }
  }
  return problems;
}

// ------------------------------------------------------------------ the properties

describe('GCP access, evaluated from the synthesized Terraform (seeded properties)', () => {
  test('every identity x capability x repository equals the native matrix, the matrix equals the model, and every trust admits exactly its jobs', () => {
    const seen = {
      specs: 0,
      scanGated: 0,
      layouts: new Set<string>(),
      tagAndEnvSameRepo: 0,
      caches: 0,
      virtual: 0,
      restricted: 0,
      members: 0,
      beyond: 0,
      workflow: { jobs: 0, refused: 0, otherRepository: 0 },
    };
    const trustStats: TrustStats = { adversarialKinds: new Set(), intended: 0, adversarial: 0 };
    const notificationStats: NotificationStats = { published: 0, refused: 0, agentTopics: 0, subscribed: 0, pushed: 0 };
    fc.assert(fc.property(specArb, (g) => {
      const b = build(g);
      const problems = [
        ...checkMatrix(b, b.json), ...checkModel(b), ...checkTrusts(b, b.json, trustStats), ...checkWorkflow(b, b.json, seen.workflow),
        ...checkNotifications(b, b.json, notificationStats),
      ];
      expect(problems).toEqual([]);
      seen.specs++;
      seen.layouts.add(Naming.layout(g.spec));
      const trusts = GarAccessMatrix.identities(g.spec).filter((i) => i.github).map((i) => i.github!);
      if (trusts.some((t) => t.tag && trusts.some((u) => u.environment && u.repository === t.repository))) seen.tagAndEnvSameRepo++;
      if ((g.spec.upstreamCaches ?? []).length) seen.caches++;
      if (b.virtualId) seen.virtual++;
      if (b.matrix.some((r) => /outside its repositories/.test(r.beyondModel ?? ''))) seen.restricted++;
      if (GarAccessMatrix.identities(g.spec).some((i) => (i.gcpMembers ?? []).length)) seen.members++;
      if (b.matrix.some((r) => r.beyondModel)) seen.beyond++;
      if (b.matrix.some((r) => r.resource === PROJECT)) seen.scanGated++;
    }), { seed: 20261201, numRuns: 200 });
    expect(seen.scanGated).toBeGreaterThan(10);

    // The generators produced the interesting cases.
    expect(seen.specs).toBe(200);
    expect([...seen.layouts].sort()).toEqual(['registries', 'repositories', 'tags']);
    expect(seen.tagAndEnvSameRepo).toBeGreaterThan(10);
    expect(seen.caches).toBeGreaterThan(30);
    expect(seen.virtual).toBeGreaterThan(30);
    expect(seen.restricted).toBeGreaterThan(20);
    expect(seen.members).toBeGreaterThan(30);
    expect(seen.workflow.jobs).toBeGreaterThan(100);
    expect(seen.workflow.refused).toBeGreaterThan(5);
    expect(seen.workflow.jobs - seen.workflow.refused).toBeGreaterThan(50);
    expect([...trustStats.adversarialKinds].sort()).toEqual([
      'a branch of the tag name', 'a tag of the branch name', 'another branch', 'another environment', 'another issuer', 'another tag',
      'branch job in an environment', 'environment job on a matching tag', 'environment job on a tag outside the pattern', 'fork',
      'no environment', 'prefix repository', 'pull_request', 'wrong audience',
    ]);
    expect(trustStats.adversarial).toBeGreaterThan(2000);
    // Notifications (issue 19): promoters published, service agents on created topics, subscribers and push deliveries, refusals.
    expect(notificationStats.published).toBeGreaterThan(10);
    expect(notificationStats.agentTopics).toBeGreaterThan(10);
    expect(notificationStats.subscribed).toBeGreaterThan(20);
    expect(notificationStats.pushed).toBeGreaterThan(5);
    expect(notificationStats.refused).toBeGreaterThan(200);
  });

  describe('negative controls of the notification grants (issue 19): each deliberate fault is caught', () => {
    const g: Generated = {
      virtual: false,
      notifications: { createTopics: true, push: false },
      spec: {
        version: 1,
        name: 'platform',
        repositories: [{ name: 'api' }],
        environments: { layout: EnvironmentLayout.REGISTRIES, chain: [{ name: 'dev' }, { name: 'prod' }] },
        access: {
          pushers: [{ name: 'ci', github: { repository: 'acme/platform', branch: 'main' } }],
          promoters: [{ name: 'release', github: { repository: 'acme/platform', environment: 'prod' } }],
        },
        notifications: { events: [NotificationEvent.PUSH, NotificationEvent.SCAN_FINDING, NotificationEvent.PROMOTION] },
      },
    };
    const b = build(g);
    const access = new GcpAccess(b.json);
    const sa = (name: string) => `serviceAccount:${access.output(WorkflowVariables.identity(Cloud.GCP, name))}`;
    const mutate = (edit: (json: any) => void) => {
      const json = JSON.parse(JSON.stringify(b.json));
      edit(json);
      return checkNotifications(b, json);
    };
    const topicMember = (json: any, topic: string) => Object.values<any>(json.resource.google_pubsub_topic_iam_member)
      .find((m) => new GcpAccess(json).resolve(m.topic).endsWith(topic));

    test('the unmodified configuration passes; the promoter publishes, the service agents publish to the topics created for them', () => {
      expect(checkNotifications(b, b.json)).toEqual([]);
      expect(access.publishes(sa('release'), 'platform-promotions')).toBe(true);
      expect(access.publishes(sa('ci'), 'platform-promotions')).toBe(false);
      expect(access.publishes(AGENTS.gcr, 'gcr')).toBe(true);
    });

    test('the publisher role granted on the project instead of the topic is caught', () => {
      expect(mutate((json) => {
        json.resource.google_project_iam_member = { ...json.resource.google_project_iam_member, widened: { project: 'acme-registry', role: 'roles/pubsub.publisher', member: sa('release') } };
      }).join('\n')).toMatch(/cannot be evaluated: a project-level Pub\/Sub role/);
    });

    test('the promotions publisher given to the pusher is caught', () => {
      expect(mutate((json) => { topicMember(json, 'platform-promotions').member = sa('ci'); }).join('\n'))
        .toMatch(/ci.*publishes to platform-promotions: true, expected false[\s\S]*release.*publishes to platform-promotions: false, expected true/);
    });

    test('a service-agent topic opened to allUsers, or the subscriber role on a topic, is caught', () => {
      expect(mutate((json) => { topicMember(json, 'gcr').member = 'allUsers'; }).join('\n')).toMatch(/allUsers publishes to gcr: true, expected false/);
      expect(mutate((json) => { topicMember(json, 'container-analysis-occurrences-v1').role = 'roles/pubsub.subscriber'; }).join('\n'))
        .toMatch(/holds pubsub\.snapshots\.seek, pubsub\.subscriptions\.consume, pubsub\.topics\.attachSubscription on the topic container-analysis-occurrences-v1/);
    });

    test('a subscription readable by every authenticated user is caught', () => {
      expect(mutate((json) => { Object.values<any>(json.resource.google_pubsub_subscription_iam_member)[0].member = 'allAuthenticatedUsers'; }).join('\n'))
        .toMatch(/allAuthenticatedUsers consumes platform-\S+: true, expected false/);
    });
  });

  describe('negative controls: each deliberate fault is caught', () => {
    const g: Generated = {
      virtual: true,
      spec: {
        version: 1,
        name: 'platform',
        repositories: [{ name: 'api' }, { name: 'web' }],
        environments: { layout: EnvironmentLayout.REPOSITORIES, chain: [{ name: 'dev' }, { name: 'prod' }] },
        access: {
          pushers: [{ name: 'ci', github: { repository: 'acme/platform', branch: 'main' } }],
          pullers: [{ name: 'runtime', gcpMembers: ['serviceAccount:gke@acme-registry.iam.gserviceaccount.com'], environments: ['prod'] }],
          promoters: [
            { name: 'release', github: { repository: 'acme/platform', tag: 'v*' } },
            { name: 'deploy', github: { repository: 'acme/platform', environment: 'prod' }, repositories: ['api'] },
          ],
        },
        upstreamCaches: [{ name: 'docker-hub', upstream: UpstreamRegistry.DOCKER_HUB }],
      },
    };
    const b = build(g);
    const copy = () => JSON.parse(JSON.stringify(b.json));

    test('the unmodified configuration passes every check', () => {
      expect([...checkMatrix(b, b.json), ...checkModel(b), ...checkTrusts(b, b.json)]).toEqual([]);
    });

    describe('the scan gate (a threshold: the promoters of the protected hop dev -> prod read the project\'s occurrences)', () => {
      const gated = build({ ...g, spec: { ...g.spec, scanning: { severityThreshold: Severity.CRITICAL } } });
      const scanMembers = (json: any) => Object.entries<any>(json.resource.google_project_iam_member ?? {})
        .filter(([, m]) => m.role === 'roles/containeranalysis.occurrences.viewer');

      test('passes every check, with a project-level row per promoter', () => {
        expect([...checkMatrix(gated, gated.json), ...checkModel(gated)]).toEqual([]);
        expect(gated.matrix.filter((r) => r.resource === PROJECT).map((r) => r.identity).sort()).toEqual(['deploy', 'release']);
        expect(scanMembers(gated.json)).toHaveLength(2);
        // Without a threshold nothing reads the occurrences.
        expect(scanMembers(b.json)).toHaveLength(0);
      });

      test('a dropped grant is caught', () => {
        const json = JSON.parse(JSON.stringify(gated.json));
        delete json.resource.google_project_iam_member[scanMembers(json)[0][0]];
        expect(checkMatrix(gated, json)).toEqual(expect.arrayContaining([expect.stringMatching(/read-scan-results on project: evaluated false, matrix true$/)]));
      });

      test('the grant given to an identity that promotes no gated hop (the pusher) is caught', () => {
        const json = JSON.parse(JSON.stringify(gated.json));
        const [, m] = scanMembers(json)[0];
        const ci = Object.values<any>(json.output).find((o) => String(o.description ?? '').includes('"ci"'));
        expect(ci).toBeDefined();
        json.resource.google_project_iam_member.extra = { ...m, member: `serviceAccount:${ci.value}` };
        expect(checkMatrix(gated, json)).toEqual(expect.arrayContaining([expect.stringMatching(/^ci .*read-scan-results on project: evaluated true, matrix false$/)]));
      });
    });

    test('a widened binding (reader -> writer on the prod repository) is caught', () => {
      const json = copy();
      const m = Object.values<any>(json.resource.google_artifact_registry_repository_iam_member).find((x) => x.role === 'roles/artifactregistry.reader' && x.member.startsWith('serviceAccount:gke'));
      m.role = 'roles/artifactregistry.writer';
      expect(checkMatrix(b, json)).toEqual(expect.arrayContaining([expect.stringMatching(/^runtime \(serviceAccount:gke@acme-registry.iam.gserviceaccount.com\) write on platform-prod: evaluated true, matrix false$/)]));
    });

    test('a binding moved to another repository (a member bound on another repository gets nothing there)', () => {
      const json = copy();
      const repos = Object.entries<any>(json.resource.google_artifact_registry_repository);
      const key = (id: string) => repos.find(([, r]) => r.repository_id === id)![0];
      const m = Object.values<any>(json.resource.google_artifact_registry_repository_iam_member).find((x) => x.member.startsWith('serviceAccount:gke') && x.repository.includes(key('platform-prod')));
      m.repository = m.repository.replace(key('platform-prod'), key('platform-dev'));
      expect(checkMatrix(b, json)).toEqual(expect.arrayContaining([
        expect.stringMatching(/^runtime .* read on platform-prod: evaluated false, matrix true$/),
        expect.stringMatching(/^runtime .* read on platform-dev: evaluated true, matrix false$/),
      ]));
    });

    test('a dropped read (the promoter\'s reader binding on the source repository) is caught', () => {
      const json = copy();
      const members = json.resource.google_artifact_registry_repository_iam_member;
      const devKey = Object.entries<any>(json.resource.google_artifact_registry_repository).find(([, r]) => r.repository_id === 'platform-dev')![0];
      const key = Object.keys(members).find((k) => members[k].role === 'roles/artifactregistry.reader' && members[k].member.includes('deploy') && members[k].repository.includes(devKey));
      expect(key).toBeDefined();
      delete members[key!];
      expect(checkMatrix(b, json)).toEqual(expect.arrayContaining([expect.stringMatching(/^deploy .* read on platform-dev: evaluated false, matrix true$/)]));
    });

    test('a loosened attribute condition and mapping (the tag attribute without the environment test) lets environment jobs in as the tag identity', () => {
      const json = copy();
      const provider = Object.values<any>(json.resource.google_iam_workload_identity_pool_provider)[0];
      for (const k of Object.keys(provider.attribute_mapping)) provider.attribute_mapping[k] = provider.attribute_mapping[k].replace(' && !has(assertion.environment)', '');
      expect(checkTrusts(b, json)).toEqual(expect.arrayContaining([expect.stringMatching(/^environment job on a matching tag token repo:acme\/platform:environment:prod refs\/tags\/v2 .* reaches \[.*release.*\], trusts say \[.*deploy.*\]$/)]));
    });

    test('a condition loosened to true admits a fork (no principal matches it: the principals carry the whole trust)', () => {
      const json = copy();
      Object.values<any>(json.resource.google_iam_workload_identity_pool_provider)[0].attribute_condition = 'true';
      const problems = checkTrusts(b, json);
      expect(problems).toEqual(expect.arrayContaining([expect.stringMatching(/^fork token repo:evil\/platform:.* is admitted by the provider$/)]));
      expect(problems.filter((p) => p.includes(' reaches '))).toEqual([]);
    });

    test('a widened impersonation binding (the whole pool) is caught', () => {
      const json = copy();
      const m = Object.values<any>(json.resource.google_service_account_iam_member).find((x) => x.member.includes('/subject/repo:acme/platform:ref:refs/heads/main'));
      m.member = m.member.replace(/\/subject\/.*$/, '/*');
      expect(checkTrusts(b, json).length).toBeGreaterThan(0);
    });

    test('a matrix row dropped from the native matrix is caught by the model check', () => {
      const dropped = { ...b, matrix: b.matrix.filter((r) => !(r.identity === 'runtime' && r.resource === 'platform-docker-hub')) };
      expect(checkModel(dropped)).toEqual(expect.arrayContaining([expect.stringMatching(/^runtime cannot (read|cache-import) on platform-docker-hub/)]));
    });
  });
});
