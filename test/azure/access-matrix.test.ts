import { Testing } from 'cdktf';
import * as fc from 'fast-check';
import { AzureAccess, GithubToken } from './azure-access';
import { testStack } from './helpers';
import { AcrAccessMatrix, ContainerRegistry, RoleAssignmentMode } from '../../src/azure';
import {
  AccessModel, AccessResourceKind, Capability, EncryptionType, EnvironmentLayout, IdentitySpec, NativeAccessEntry, NotificationEvent,
  RegistrySpec, Severity, TagState, UpstreamRegistry,
} from '../../src/spec';
import { Naming } from '../../src/spec/naming';

const CAPABILITIES = [Capability.READ, Capability.WRITE, Capability.MOVE_TAG, Capability.DELETE, Capability.ADMIN, Capability.CACHE_IMPORT];
const ISSUER = 'https://token.actions.githubusercontent.com';
const AUDIENCE = 'api://AzureADTokenExchange';
const PRINCIPALS = ['11111111-0000-0000-0000-000000000001', '11111111-0000-0000-0000-000000000002'];
// Image names that share prefixes with each other, so that a repository outside a grant shares a prefix with one inside.
const IMAGES = ['api', 'api-gateway', 'web', 'jobs/worker', 'jobs'];
const GLOBS = ['api', 'api*', 'jobs/*', 'web'];

// Issue 19: where Event Grid delivers the registry's events (a storage queue is written with the system topic's identity).
const STORAGE = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/events/providers/Microsoft.Storage/storageAccounts/platformevents';
const QUEUE = `${STORAGE}/queueServices/default/queues/registry-events`;
const SEND = 'Microsoft.Storage/storageAccounts/queueServices/queues/messages/add/action';

interface Built {
  readonly spec: RegistrySpec;
  readonly suffix?: string;
  readonly json: any;
  readonly purged: string[];
}

function build(spec: RegistrySpec, suffix?: string): Built | undefined {
  const stack = testStack();
  let registry: ContainerRegistry;
  // Notifications with push or retention deletions need a destination: the queue (specs with an odd number of images) or a webhook.
  const queue = (spec.repositories.length % 2) === 1;
  const events = spec.notifications ? (queue ? { storageAccountId: STORAGE, queueName: 'registry-events' } : { webhookUrl: 'https://hooks.acme.example/acr' }) : undefined;
  try {
    registry = new ContainerRegistry(stack, 'Registry', { spec, resourceGroupName: 'rg', location: 'westeurope', registryNameSuffix: suffix, events });
  } catch (e) {
    return undefined; // a spec the validator refuses (counted, and bounded below)
  }
  return { spec, suffix, json: JSON.parse(Testing.synth(stack)), purged: Object.keys(registry.purgeTasks) };
}

/**
 * Issue 19: who may add messages to the event queue. Exactly the Event Grid system topics' identities, one per
 * registry with a system topic, each on that queue only; no identity of the spec, the purge task or anyone else.
 */
function queueProblems(json: any, stats?: { senders: number; refusedSenders: number }): string[] {
  const access = new AzureAccess(json);
  const out: string[] = [];
  const topics = Object.values<any>(json.resource?.azurerm_eventgrid_system_topic ?? {});
  const queued = Object.values<any>(json.resource?.azurerm_eventgrid_system_topic_event_subscription ?? {}).filter((x) => x.storage_queue_endpoint);
  for (const p of [...new Set(access.assignments.map((a) => a.principal))]) {
    const topic = /^\$\{azurerm_eventgrid_system_topic\.(.*)\.identity\[0\]\.principal_id\}$/.exec(p);
    const expected = topic !== null && queued.length > 0;
    const sends = access.allowsOn(p, QUEUE, SEND);
    if (sends !== expected) out.push(`${access.identityNames.get(p) ?? p}: sends to the queue ${sends}, expected ${expected}`);
    else if (sends && stats) stats.senders++;
    else if (stats) stats.refusedSenders++;
    if (access.allowsOn(p, `${STORAGE}/queueServices/default/queues/other`, SEND)) out.push(`${p}: sends to another queue of the account`);
  }
  const senders = [...new Set(access.assignments.map((a) => a.principal))].filter((p) => access.allowsOn(p, QUEUE, SEND));
  if (queued.length && senders.length !== topics.length) out.push(`${senders.length} senders for ${topics.length} system topics`);
  return out;
}

/** The GitHub `sub` claim of a job the trust was made for (GitHub OIDC docs, "Example subject claims"). */
function intendedSubject(gh: NonNullable<IdentitySpec['github']>): string {
  if (gh.environment !== undefined) return `repo:${gh.repository}:environment:${gh.environment}`;
  if (gh.tag !== undefined) return `repo:${gh.repository}:ref:refs/tags/${gh.tag}`;
  return `repo:${gh.repository}:ref:refs/heads/${gh.branch}`;
}

/** Tokens no trust of the spec was made for: a prefix-sharing repository, a fork, pull_request, other refs and environments, wrong audience or issuer. */
function adversarialTokens(gh: NonNullable<IdentitySpec['github']>): Array<[string, GithubToken]> {
  const [owner, name] = gh.repository.split('/');
  const sub = intendedSubject(gh);
  const ref = sub.slice(`repo:${gh.repository}:`.length);
  const t = (s: string, iss = ISSUER, aud = AUDIENCE): GithubToken => ({ iss, sub: s, aud });
  return [
    ['repository sharing a prefix', t(`repo:${gh.repository}-tools:${ref}`)],
    ['repository extending the name', t(`repo:${gh.repository}x:${ref}`)],
    ['a fork', t(`repo:attacker/${name}:${ref}`)],
    ['another owner sharing a prefix', t(`repo:${owner}x/${name}:${ref}`)],
    ['pull_request', t(`repo:${gh.repository}:pull_request`)],
    ['another branch', t(`repo:${gh.repository}:ref:refs/heads/${gh.branch ?? 'main'}-x`)],
    ['a branch under the name', t(`repo:${gh.repository}:ref:refs/heads/${gh.branch ?? 'main'}/x`)],
    ['a tag named like the branch', t(`repo:${gh.repository}:ref:refs/tags/${gh.branch ?? gh.environment ?? 'x'}`)],
    ['another tag', t(`repo:${gh.repository}:ref:refs/tags/${gh.tag ?? 'v1'}x`)],
    ['another environment', t(`repo:${gh.repository}:environment:${gh.environment ?? 'prod'}-x`)],
    ['a case variant', t(sub.toUpperCase())],
    ['wrong audience', t(sub, ISSUER, 'https://github.com/attacker')],
    ['another issuer', t(sub, 'https://token.actions.githubusercontent.com.evil.example')],
    ['an issuer path', t(sub, `${ISSUER}/attacker`)],
  ].filter(([, tok]) => {
    const k = tok as GithubToken;
    return k.sub !== sub || k.iss !== ISSUER || k.aud !== AUDIENCE;
  }) as Array<[string, GithubToken]>;
}

interface Stats {
  scanReaders: number;
  decisions: number;
  allowed: number;
  outsideDenied: number;
  tokens: number;
  senders: number;
  refusedSenders: number;
  reportsBySecret: number;
}

/**
 * Every disagreement between the evaluated Terraform and the native matrix, the matrix
 * and the model, and the trusts and the intended jobs, one message each.
 */
function problems(b: Built, stats?: Stats): string[] {
  const { spec, json } = b;
  const out: string[] = [];
  const access = new AzureAccess(json);
  const matrix = AcrAccessMatrix.of(spec, { purgedRegistries: b.purged, registryNameSuffix: b.suffix });
  const registryName = (env: string) => Naming.acrRegistryName(spec, env, b.suffix);
  const all = [...(spec.access?.pushers ?? []), ...(spec.access?.pullers ?? []), ...(spec.access?.promoters ?? [])];
  const identities = all.filter((i) => i.github || (i.azurePrincipalIds ?? []).length);

  // The repositories to decide on: the spec's, and names outside it that share a prefix.
  const envsOf = new Map<string, string[]>();
  for (const env of Naming.physicalEnvironments(spec)) {
    const name = registryName(env);
    envsOf.set(name, [...(envsOf.get(name) ?? []), env]);
  }
  const caches = (spec.upstreamCaches ?? []).map((c) => c.name);
  const universe = (registry: string): Array<[string, boolean]> => {
    const inside = new Set((envsOf.get(registry) ?? []).flatMap((env) => spec.repositories.map((r) => Naming.acrRepositoryPath(spec, r.name, env))));
    const names = new Set<string>(inside);
    for (const p of inside) for (const v of [`${p}x`, `${p}-other`, `${p}/sub`, `x${p}`, `${p.split('/')[0]}x/${p.split('/').pop()}`]) names.add(v);
    for (const c of caches) for (const v of [`${c}/library/nginx`, `${c}x/library/nginx`, c]) names.add(v);
    return [...names].sort().map((n) => [n, inside.has(n)]);
  };
  const nativeAllows = (identity: string, registry: string, repository: string, cap: Capability) => matrix.some((e) =>
    e.identity === identity && e.capabilities.includes(cap)
    && (e.resource === `${registry}/${repository}` || (e.resource.endsWith('/*') && e.resource.startsWith(`${registry}/`)
      && repository.startsWith(e.resource.slice(registry.length + 1, -1)))));

  const decide = (identity: string, principals: string[]) => {
    for (const registry of envsOf.keys()) {
      for (const [repository, inside] of universe(registry)) {
        for (const cap of CAPABILITIES) {
          const each = principals.map((p) => access.can(p, registry, repository, cap));
          if (new Set(each).size > 1) out.push(`${identity}: its principals disagree on ${cap} ${registry}/${repository}`);
          const evaluated = each.some((x) => x);
          const native = nativeAllows(identity, registry, repository, cap);
          if (stats) {
            stats.decisions++;
            if (evaluated) stats.allowed++;
            if (!inside && !evaluated) stats.outsideDenied++;
          }
          if (evaluated !== native) out.push(`${identity} ${cap} ${registry}/${repository}: evaluated ${evaluated}, native matrix ${native}`);
        }
      }
    }
  };
  for (const id of identities) decide(id.name, access.principalsOf(spec.name, id));
  // The scan gate: who reads Defender's findings of each registry (Security Reader on its resource group) = the matrix.
  for (const id of identities) {
    for (const registry of envsOf.keys()) {
      const scopes = access.principalsOf(spec.name, id).map((p) => access.scanResultsScope(p, registry));
      const evaluated = scopes.some((x) => x !== undefined);
      if (scopes.some((x) => x === undefined) && evaluated) out.push(`${id.name}: its principals disagree on read-scan-results ${registry}`);
      const native = matrix.some((e) => e.identity === id.name && e.resource === AcrAccessMatrix.resourceGroupOf(registry)
        && e.capabilities.includes(Capability.READ_SCAN_RESULTS));
      if (evaluated !== native) out.push(`${id.name} read-scan-results ${registry}: evaluated ${evaluated}, native matrix ${native}`);
      // The matrix names the resource group: a wider scope (the subscription) is a finding too.
      if (scopes.some((x) => x !== undefined && x !== 'resource-group')) out.push(`${id.name} read-scan-results ${registry}: scope ${scopes.join(', ')}, native matrix resource-group`);
      if (stats && evaluated) stats.scanReaders++;
    }
  }
  // The purge task: one system identity per purged registry, each deciding only in its registry.
  for (const [principal, registryRef] of access.taskPrincipals) {
    const reg = access.registries.find((r) => r.idRefs.includes(registryRef))!;
    for (const [repository] of universe(reg.name)) {
      for (const cap of CAPABILITIES) {
        const evaluated = access.can(principal, reg.name, repository, cap);
        const native = nativeAllows(AccessModel.RETENTION_IDENTITY, reg.name, repository, cap);
        if (evaluated !== native) out.push(`retention ${cap} ${reg.name}/${repository}: evaluated ${evaluated}, native matrix ${native}`);
      }
      for (const other of envsOf.keys()) {
        if (other !== reg.name && CAPABILITIES.some((c) => access.can(principal, other, repository, c))) out.push(`retention of ${reg.name} reaches ${other}/${repository}`);
      }
    }
    const lists = access.allows(principal, reg.name, '', 'Microsoft.ContainerRegistry/registries/catalog/read');
    if (lists !== matrix.some((e) => e.identity === AccessModel.RETENTION_IDENTITY && e.resource === reg.name)) out.push(`retention catalog of ${reg.name}: evaluated ${lists}`);
  }

  // The matrix covers every operation of the programs (so the workflow can push and promote) ...
  const onAzure = new Set(identities.map((i) => i.name));
  const ops = [
    ...AccessModel.operations(spec).filter((o) => onAzure.has(o.identity)),
    ...AccessModel.retentionOperations(spec).filter((o) => b.purged.includes(registryName(o.resource.environment))),
  ];
  for (const op of ops) {
    // Promotion reports on Azure are the workflow's POST to the PROMOTION_WEBHOOK_URL secret: the secret is the permission,
    // no role exists to grant (WorkflowVariables.notification), so the matrix has no row.
    if (op.capability === Capability.PUBLISH_NOTIFICATION) { if (stats) stats.reportsBySecret++; continue; }
    const ok = op.capability === Capability.READ_SCAN_RESULTS
      ? matrix.some((e) => e.identity === op.identity && e.resource === AcrAccessMatrix.resourceGroupOf(registryName(op.resource.environment))
        && e.capabilities.includes(op.capability))
      : op.resource.kind === AccessResourceKind.CACHE
        ? matrix.some((e) => e.identity === op.identity && e.resource.endsWith(`/${op.resource.name}/*`) && e.capabilities.includes(op.capability))
        : nativeAllows(op.identity, registryName(op.resource.environment),
          Naming.acrRepositoryPath(spec, op.resource.name, op.resource.environment), op.capability);
    if (!ok) out.push(`operation not covered: ${op.identity} ${op.step} (${op.capability})`);
  }
  // ... and adds nothing beyond it except rows that say why (no publishing row: the matrix has none on Azure).
  if (matrix.some((r) => r.capabilities.includes(Capability.PUBLISH_NOTIFICATION))) out.push('a publish-notification row on Azure');
  const model = AccessModel.matrix(spec, ops);
  for (const row of matrix) {
    const want = new Set<Capability>();
    for (const e of model) {
      if (e.identity !== row.identity) continue;
      const native = e.resource.kind === AccessResourceKind.CACHE ? `/${e.resource.name}/*`
        : `/${Naming.acrRepositoryPath(spec, e.resource.name, e.resource.environment)}`;
      const registryOk = e.resource.kind === AccessResourceKind.CACHE || row.resource.startsWith(`${registryName(e.resource.environment)}/`);
      if (registryOk && row.resource.endsWith(native) && row.resource.length === row.resource.indexOf('/') + native.length) e.capabilities.forEach((c) => want.add(c));
    }
    const extra = row.capabilities.filter((c) => !want.has(c));
    if (extra.length && !row.beyondModel) out.push(`matrix row ${row.identity} ${row.resource} grants ${extra.join(', ')} beyond the model without saying why`);
  }

  // Trusts: the intended job signs in, adversarial tokens never do, and a job signs in only as the identities trusting its subject.
  for (const id of identities.filter((i) => i.github)) {
    const uai = `${spec.name}-${id.name}`;
    const token: GithubToken = { iss: ISSUER, sub: intendedSubject(id.github!), aud: AUDIENCE };
    if (!access.tokenMatches(uai, token)) out.push(`${id.name}: the intended job (${token.sub}) cannot sign in`);
    for (const [what, bad] of adversarialTokens(id.github!)) {
      if (stats) stats.tokens++;
      const trusted = identities
        .filter((o) => o.github && intendedSubject(o.github) === bad.sub && bad.iss === ISSUER && bad.aud === AUDIENCE).map((o) => o.name);
      for (const other of identities.filter((o) => o.github)) {
        if (access.tokenMatches(`${spec.name}-${other.name}`, bad) && !trusted.includes(other.name)) out.push(`${other.name}: ${what} (${bad.iss} ${bad.sub} ${bad.aud}) signs in`);
      }
    }
  }
  // Issue 19: the event queue's senders.
  if (spec.notifications) out.push(...queueProblems(json, stats));
  return out;
}

// ---------------------------------------------------------------- generators

const trustArb = fc.record({
  repository: fc.constantFrom('example/platform', 'example/platform-tools', 'other/app'),
  kind: fc.constantFrom('branch', 'environment', 'tag'),
  value: fc.constantFrom('main', 'release', 'prod', 'v1.2.3'),
}).map(({ repository, kind, value }) => ({ repository, [kind]: value }));

/** Globs of the `repositories` filter that match at least one image (validation refuses the others). */
const globsFor = (images: string[]) => GLOBS.filter((g) => images.some((i) => (g.endsWith('*') ? i.startsWith(g.slice(0, -1)) : i === g)));

const identityArb = (name: string, envs: string[], images: string[]) => fc.record({
  who: fc.constantFrom('github', 'github', 'principal', 'both'),
  trust: trustArb,
  principals: fc.subarray(PRINCIPALS, { minLength: 1 }),
  repositories: globsFor(images).length
    ? fc.option(fc.subarray(globsFor(images), { minLength: 1, maxLength: Math.min(2, globsFor(images).length) }), { nil: undefined })
    : fc.constant(undefined),
  environments: envs.length ? fc.option(fc.subarray(envs, { minLength: 1 }), { nil: undefined }) : fc.constant(undefined),
}).map((r): IdentitySpec => ({
  name,
  ...(r.who !== 'principal' ? { github: r.trust as any } : {}),
  // Principal ids are per identity: one Azure principal named under two identities would hold the union of both.
  ...(r.who !== 'github' ? { azurePrincipalIds: r.principals.map((p) => `${p.slice(0, -12)}${[...name].map((c) => c.charCodeAt(0).toString(16)).join('').padStart(12, '0').slice(-12)}`) } : {}),
  ...(r.repositories ? { repositories: r.repositories } : {}),
  ...(r.environments ? { environments: r.environments } : {}),
}));

const specArb = fc.record({
  layout: fc.constantFrom(EnvironmentLayout.TAGS, EnvironmentLayout.REPOSITORIES, EnvironmentLayout.REGISTRIES),
  chainLength: fc.integer({ min: 0, max: 3 }),
  images: fc.subarray(IMAGES, { minLength: 1, maxLength: 4 }),
  cache: fc.boolean(),
  retention: fc.boolean(),
  gate: fc.boolean(),
  // Issue 19: registry events (push, retention deletions) and promotion reports.
  notify: fc.constantFrom('none', 'none', 'events', 'promotion'),
}).chain((base) => {
  const envs = ['dev', 'staging', 'prod'].slice(0, base.chainLength);
  return fc.record({
    base: fc.constant(base),
    // Pushers push to the first environment only (validation): their `environments`, when given, is that one.
    pushers: fc.array(fc.nat(), { maxLength: 2 }).chain((a) => fc.tuple(...a.map((_, i) => identityArb(`ci${i}`, envs.slice(0, 1), base.images)))),
    pullers: fc.array(fc.nat(), { maxLength: 2 }).chain((a) => fc.tuple(...a.map((_, i) => identityArb(`run${i}`, envs, base.images)))),
    promoters: envs.length > 1
      ? fc.array(fc.nat(), { maxLength: 2 }).chain((a) => fc.tuple(...a.map((_, i) => identityArb(`promo${i}`, envs.slice(1), base.images))))
      : fc.constant([]),
  }).map(({ pushers, pullers, promoters }): RegistrySpec => ({
    name: 'platform',
    repositories: base.images.map((name) => ({ name })),
    ...(envs.length ? { environments: { layout: base.layout, chain: envs.map((name) => ({ name })) } } : {}),
    ...(base.retention ? { retention: { protectedTags: ['v*', ...envs], rules: [{ tagState: TagState.TAGGED, tagPatterns: ['pr-*'], expireAfterDays: 7 }] } } : {}),
    ...(base.cache ? { upstreamCaches: [{ name: 'hub', upstream: UpstreamRegistry.QUAY }] } : {}),
    ...(base.gate ? { scanning: { severityThreshold: Severity.HIGH } } : {}),
    access: { pushers: [...pushers], pullers: [...pullers], promoters: [...promoters] },
    ...(base.notify === 'none' ? {} : {
      notifications: { events: base.notify === 'events' ? [NotificationEvent.PUSH, NotificationEvent.RETENTION_DELETION] : [NotificationEvent.PUSH, NotificationEvent.PROMOTION] },
    }),
  }));
});

describe('ACR access: the evaluated Terraform equals the native matrix, which covers the model (fast-check, seeded)', () => {
  test('every identity x capability x repository, every trust', () => {
    const counters = ['built', 'refused', 'suffixed', 'globs', 'envRestricted', 'principals', 'both', 'caches', 'purged', 'promoters', 'tagsWithEnvs'] as const;
    const seen = { ...Object.fromEntries(counters.map((k) => [k, 0])) as { [k in typeof counters[number]]: number }, layouts: new Set<string>() };
    const stats: Stats = { scanReaders: 0, decisions: 0, allowed: 0, outsideDenied: 0, tokens: 0, senders: 0, refusedSenders: 0, reportsBySecret: 0 };
    const controls = { widenedSender: 0, identitySender: 0 };
    let synthMs = 0;
    fc.assert(fc.property(specArb, fc.constantFrom(undefined, 'x1'), (spec, suffix) => {
      const t0 = Date.now();
      const b = build(spec, suffix);
      synthMs += Date.now() - t0;
      if (!b) {
        seen.refused++;
        return;
      }
      seen.built++;
      if (suffix) seen.suffixed++;
      seen.layouts.add(Naming.environmentNames(spec).length ? Naming.layout(spec) : 'none');
      const ids = [...spec.access!.pushers!, ...spec.access!.pullers!, ...spec.access!.promoters!];
      if (ids.some((i) => i.repositories)) seen.globs++;
      if (ids.some((i) => i.environments)) seen.envRestricted++;
      if (ids.some((i) => i.azurePrincipalIds)) seen.principals++;
      if (ids.some((i) => i.azurePrincipalIds && i.github)) seen.both++;
      if (spec.upstreamCaches && spec.access!.pullers!.length) seen.caches++;
      if (b.purged.length) seen.purged++;
      if (spec.access!.promoters!.length) seen.promoters++;
      if (Naming.layout(spec) === EnvironmentLayout.TAGS && Naming.environmentNames(spec).length) seen.tagsWithEnvs++;
      expect(problems(b, stats)).toEqual([]);
      // Negative controls of the queue's senders (issue 19): the sender widened to the storage account, or given to an identity of the spec.
      const senderOf = (json: any) => Object.values<any>(json.resource.azurerm_role_assignment ?? {}).filter((a) => a.role_definition_name === 'Storage Queue Data Message Sender');
      if (senderOf(b.json).length && controls.widenedSender < 3) {
        const json = JSON.parse(JSON.stringify(b.json));
        senderOf(json)[0].scope = STORAGE;
        expect(queueProblems(json).join('\n')).toMatch(/sends to another queue of the account/);
        controls.widenedSender++;
      }
      const uai = Object.keys(b.json.resource.azurerm_user_assigned_identity ?? {})[0];
      if (senderOf(b.json).length && uai && controls.identitySender < 3) {
        const json = JSON.parse(JSON.stringify(b.json));
        json.resource.azurerm_role_assignment.leak = { scope: QUEUE, role_definition_name: 'Storage Queue Data Message Sender', principal_id: `\${azurerm_user_assigned_identity.${uai}.principal_id}` };
        expect(queueProblems(json).join('\n')).toMatch(/: sends to the queue true, expected false/);
        controls.identitySender++;
      }
    }), { seed: 20261201, numRuns: 150 });
    // Issue 19: the queue senders were checked, promotion reports met, and both negative controls ran.
    expect(stats.senders).toBeGreaterThan(10);
    expect(stats.refusedSenders).toBeGreaterThan(50);
    expect(stats.reportsBySecret).toBeGreaterThan(5);
    expect(controls).toEqual({ widenedSender: 3, identitySender: 3 });
    // The generators produced the interesting cases.
    expect(seen.built).toBeGreaterThan(120);
    expect([...seen.layouts].sort()).toEqual(['none', 'registries', 'repositories', 'tags']);
    for (const k of ['suffixed', 'globs', 'envRestricted', 'principals', 'both', 'caches', 'purged', 'promoters', 'tagsWithEnvs'] as const) expect(seen[k]).toBeGreaterThan(5);
    expect(stats.allowed).toBeGreaterThan(1000);
    expect(stats.outsideDenied).toBeGreaterThan(1000);
    expect(stats.tokens).toBeGreaterThan(500);
    expect(stats.scanReaders).toBeGreaterThan(5);
    // eslint-disable-next-line no-console
    console.log(`ACR access: ${seen.built} specs (${seen.refused} refused by validation), ${stats.decisions} decisions (${stats.allowed} allowed, ` +
      `${stats.outsideDenied} denied outside the spec), ${stats.tokens} adversarial tokens; synthesis ${synthMs} ms`);
  });
});

describe('Key Vault: each identity reads exactly its secrets and uses exactly its key', () => {
  const VAULT = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv1';
  const stack = testStack();
  new ContainerRegistry(stack, 'Registry', {
    spec: {
      name: 'platform',
      repositories: [{ name: 'api' }],
      encryption: { type: EncryptionType.CUSTOMER_MANAGED, azureKeyVaultKeyId: 'https://kv1.vault.azure.net/keys/acr' },
      upstreamCaches: [{
        name: 'hub',
        upstream: UpstreamRegistry.DOCKER_HUB,
        azureUsernameSecretId: 'https://kv1.vault.azure.net/secrets/hub-user',
        azurePasswordSecretId: 'https://kv1.vault.azure.net/secrets/hub-token/0a1b2c',
      }],
    },
    resourceGroupName: 'rg',
    location: 'westeurope',
    keyVaultId: VAULT,
  });
  const json = JSON.parse(Testing.synth(stack));
  const access = new AzureAccess(json);
  const credentialSet = Object.keys(json.resource.azurerm_container_registry_credential_set).map((a) => `\${azurerm_container_registry_credential_set.${a}.identity[0].principal_id}`)[0];
  const encryption = `\${azurerm_user_assigned_identity.${Object.keys(json.resource.azurerm_user_assigned_identity).find((a) => a.includes('EncryptionIdentity'))}.principal_id}`;
  const GET = 'Microsoft.KeyVault/vaults/secrets/getSecret/action';
  const UNWRAP = 'Microsoft.KeyVault/vaults/keys/unwrap/action';

  test('the credential set reads its two secrets (versionless scopes) and no other secret', () => {
    expect(access.allowsOn(credentialSet, `${VAULT}/secrets/hub-user`, GET)).toBe(true);
    expect(access.allowsOn(credentialSet, `${VAULT}/secrets/hub-token`, GET)).toBe(true);
    for (const other of ['hub-user2', 'hub', 'hub-token-old', 'db-password']) expect(access.allowsOn(credentialSet, `${VAULT}/secrets/${other}`, GET)).toBe(false);
    expect(access.allowsOn(credentialSet, `${VAULT}/keys/acr`, UNWRAP)).toBe(false);
  });

  test('the encryption identity unwraps with its key and no other key, and reads no secret', () => {
    expect(access.allowsOn(encryption, `${VAULT}/keys/acr`, UNWRAP)).toBe(true);
    expect(access.allowsOn(encryption, `${VAULT}/keys/acr2`, UNWRAP)).toBe(false);
    expect(access.allowsOn(encryption, `${VAULT}/secrets/hub-user`, GET)).toBe(false);
  });

  test('negative control: the vault-wide assignment of before is caught', () => {
    const widened = JSON.parse(JSON.stringify(json));
    for (const a of Object.values<any>(widened.resource.azurerm_role_assignment)) if (a.role_definition_name === 'Key Vault Secrets User') a.scope = VAULT;
    expect(new AzureAccess(widened).allowsOn(credentialSet, `${VAULT}/secrets/db-password`, GET)).toBe(true);
  });
});

describe('negative controls: the checker catches a widened grant, a dropped read and a loosened trust', () => {
  const spec: RegistrySpec = {
    name: 'platform',
    repositories: [{ name: 'api' }, { name: 'api-gateway' }, { name: 'web' }],
    environments: { layout: EnvironmentLayout.REPOSITORIES, chain: [{ name: 'dev' }, { name: 'prod' }] },
    retention: { protectedTags: ['v*'], rules: [{ tagState: TagState.TAGGED, tagPatterns: ['pr-*'], expireAfterDays: 7 }] },
    upstreamCaches: [{ name: 'hub', upstream: UpstreamRegistry.QUAY }],
    access: {
      pushers: [{ name: 'ci', github: { repository: 'example/platform', branch: 'main' }, repositories: ['api'] }],
      pullers: [{ name: 'run', azurePrincipalIds: [PRINCIPALS[0]], environments: ['prod'] }],
      promoters: [{ name: 'promo', github: { repository: 'example/platform', environment: 'prod' } }],
    },
  };
  const built = build(spec)!;
  const clone = (): Built => ({ ...built, json: JSON.parse(JSON.stringify(built.json)) });
  const assignmentOf = (json: any, pred: (a: any) => boolean) => Object.values<any>(json.resource.azurerm_role_assignment).find(pred);

  test('the unmodified stack passes, and the CI role names exactly dev/api', () => {
    expect(problems(built)).toEqual([]);
    const access = new AzureAccess(built.json);
    const ci = access.principalsOf('platform', spec.access!.pushers![0])[0];
    expect(access.can(ci, 'platform', 'dev/api', Capability.WRITE)).toBe(true);
    expect(access.can(ci, 'platform', 'dev/api-gateway', Capability.WRITE)).toBe(false);
    expect(access.can(ci, 'platform', 'prod/api', Capability.WRITE)).toBe(false);
    expect(access.can(ci, 'platform', 'dev/api', Capability.DELETE)).toBe(false);
  });

  test('a widened grant (the CI role without its condition) is caught', () => {
    const b = clone();
    delete assignmentOf(b.json, (a) => a.description?.startsWith('pusher "ci"')).condition;
    expect(problems(b)).toContainEqual(expect.stringMatching(/^ci write platform\/dev\/api-gateway: evaluated true, native matrix false$/));
  });

  test('a widened grant (a prefix instead of the name) is caught', () => {
    const b = clone();
    const a = assignmentOf(b.json, (x) => x.description?.startsWith('pusher "ci"'));
    a.condition = a.condition.replace(/StringEqualsIgnoreCase 'dev\/api'/g, "StringStartsWithIgnoreCase 'dev/api'");
    expect(problems(b)).toContainEqual('ci write platform/dev/api-gateway: evaluated true, native matrix false');
  });

  test('a dropped read (the promoter no longer reads prod/web) is caught', () => {
    const b = clone();
    const a = assignmentOf(b.json, (x) => x.description?.startsWith('promoter "promo"'));
    a.condition = a.condition.replace(" OR @Request[Microsoft.ContainerRegistry/registries/repositories:name] StringEqualsIgnoreCase 'prod/web'", '');
    expect(problems(b)).toEqual(expect.arrayContaining([
      'promo read platform/prod/web: evaluated false, native matrix true',
    ]));
  });

  test('a dropped read (the puller\'s assignment removed) is caught, including its cache pulls', () => {
    const b = clone();
    const [key] = Object.entries<any>(b.json.resource.azurerm_role_assignment).find(([, a]) => a.principal_id === PRINCIPALS[0])!;
    delete b.json.resource.azurerm_role_assignment[key];
    expect(problems(b)).toEqual(expect.arrayContaining(['run read platform/prod/api: evaluated false, native matrix true', 'run cache-import platform/hub/library/nginx: evaluated false, native matrix true']));
  });

  test('a loosened trust (a credential for pull_request) is caught', () => {
    const b = clone();
    const creds = b.json.resource.azurerm_federated_identity_credential;
    const [, first] = Object.entries<any>(creds)[0];
    creds.loosened = { ...first, name: 'loose', subject: 'repo:example/platform:pull_request' };
    expect(problems(b)).toContainEqual(expect.stringMatching(/: pull_request \(.*repo:example\/platform:pull_request .*\) signs in$/));
  });

  test('a loosened trust (another audience accepted) is caught', () => {
    const b = clone();
    for (const c of Object.values<any>(b.json.resource.azurerm_federated_identity_credential)) c.audience = [AUDIENCE, 'https://github.com/attacker'];
    expect(problems(b)).toContainEqual(expect.stringMatching(/: wrong audience .* signs in$/));
  });

  test('a widened grant (the purge task\'s delete block dropped: an action a condition does not mention is unconditioned) is caught', () => {
    const b = clone();
    const a = assignmentOf(b.json, (x) => x.role_definition_name === 'Container Registry Repository Contributor');
    const blocks = a.condition.split(' AND ((');
    a.condition = [blocks[0], ...blocks.slice(1).filter((x: string) => !x.includes('content/delete')).map((x: string) => `((${x}`)].join(' AND ');
    expect(a.condition).not.toContain('content/delete');
    expect(problems(b)).toContainEqual('retention delete platform/xdev/api: evaluated true, native matrix false');
  });

  test('the evaluator honours the registry mode: AcrPush on an ABAC registry grants nothing', () => {
    const b = clone();
    const a = assignmentOf(b.json, (x) => x.description?.startsWith('pusher "ci"'));
    a.role_definition_name = 'AcrPush';
    delete a.condition;
    expect(problems(b)).toContainEqual('ci write platform/dev/api: evaluated false, native matrix true');
  });

  test('the gap this work closes: with legacy registry permissions and tokens, the CI identity cannot push in the default layout', () => {
    const stack = testStack();
    new ContainerRegistry(stack, 'Registry', {
      spec, resourceGroupName: 'rg', location: 'westeurope', roleAssignmentMode: RoleAssignmentMode.LEGACY_REGISTRY_PERMISSIONS,
    });
    const access = new AzureAccess(JSON.parse(Testing.synth(stack)));
    const ci = access.principalsOf('platform', spec.access!.pushers![0])[0];
    expect(access.can(ci, 'platform', 'dev/api', Capability.WRITE)).toBe(false);
    expect(access.tokens.map((t) => t.name).sort()).toEqual(['ci-pusher', 'promo-promoter', 'run-puller']);
  });

  test('a matrix row wider than the model without beyondModel is caught', () => {
    const rows: NativeAccessEntry[] = AcrAccessMatrix.of(spec, { purgedRegistries: built.purged });
    expect(rows.find((r) => r.identity === 'ci' && r.resource === 'platform/dev/api')).toMatchObject({
      capabilities: [Capability.READ, Capability.WRITE, Capability.MOVE_TAG], beyondModel: expect.stringMatching(/reads where it writes/),
    });
    expect(rows.find((r) => r.identity === AccessModel.RETENTION_IDENTITY && r.resource === 'platform')).toMatchObject({ grantedAs: ['Container Registry Repository Catalog Lister'] });
  });
});

describe('the scan gate: the promoter of the protected hop reads Defender\'s findings of the source registry\'s resource group', () => {
  const spec: RegistrySpec = {
    name: 'platform',
    repositories: [{ name: 'api' }],
    scanning: { severityThreshold: Severity.HIGH },
    environments: { layout: EnvironmentLayout.REGISTRIES, chain: [{ name: 'dev' }, { name: 'staging' }, { name: 'prod' }] },
    access: {
      pushers: [{ name: 'ci', github: { repository: 'example/platform', branch: 'main' } }],
      promoters: [
        { name: 'stage', github: { repository: 'example/platform', branch: 'main' }, environments: ['staging'] },
        { name: 'release', github: { repository: 'example/platform', environment: 'prod' }, azurePrincipalIds: [PRINCIPALS[1]], environments: ['prod'] },
      ],
    },
  };
  const built = build(spec)!;
  const scanAssignments = (json: any) => Object.entries<any>(json.resource.azurerm_role_assignment).filter(([, a]) => a.role_definition_name === 'Security Reader');

  test('passes every check: Security Reader on the staging registry\'s resource group, for both principals of "release" only', () => {
    expect(problems(built)).toEqual([]);
    const access = new AzureAccess(built.json);
    const registry = Naming.acrRegistryName(spec, 'staging');
    for (const p of access.principalsOf('platform', spec.access!.promoters![1])) expect(access.scanResultsScope(p, registry)).toBe('resource-group');
    // dev -> staging needs no approval: its promoter reads no findings; the pusher neither.
    for (const id of [spec.access!.promoters![0], spec.access!.pushers![0]]) {
      for (const env of ['dev', 'staging', 'prod']) {
        for (const p of access.principalsOf('platform', id)) expect(access.readsScanResults(p, Naming.acrRegistryName(spec, env))).toBe(false);
      }
    }
    expect(scanAssignments(built.json)).toHaveLength(2);
    expect(scanAssignments(build({ ...spec, scanning: undefined })!.json)).toHaveLength(0);
  });

  test('a dropped grant is caught', () => {
    const json = JSON.parse(JSON.stringify(built.json));
    delete json.resource.azurerm_role_assignment[scanAssignments(json)[0][0]];
    expect(problems({ ...built, json })).toEqual(expect.arrayContaining([expect.stringMatching(/^release: its principals disagree on read-scan-results /)]));
    // Both dropped: the matrix says read, the evaluated Terraform does not.
    for (const [key] of scanAssignments(json)) delete json.resource.azurerm_role_assignment[key];
    expect(problems({ ...built, json })).toEqual(expect.arrayContaining([expect.stringMatching(/^release read-scan-results .*: evaluated false, native matrix true$/)]));
  });

  test('a widened grant (the subscription instead of the resource group) is caught', () => {
    const json = JSON.parse(JSON.stringify(built.json));
    for (const [, a] of scanAssignments(json)) a.scope = a.scope.replace(', 0, 5))}', ', 0, 3))}');
    expect(problems({ ...built, json })).toEqual(expect.arrayContaining([expect.stringMatching(/^release read-scan-results .*: scope subscription, .*native matrix resource-group$/)]));
  });

  test('the grant moved to the source of the ungated hop is caught', () => {
    const json = JSON.parse(JSON.stringify(built.json));
    for (const [, a] of scanAssignments(json)) a.scope = a.scope.replace(/azurerm_container_registry\.[^)]+/, (m: string) => m.replace(/staging/i, 'dev'));
    expect(problems({ ...built, json }).join('\n')).toMatch(/^release read-scan-results .*: evaluated (true|false), native matrix (false|true)$/m);
  });
});
