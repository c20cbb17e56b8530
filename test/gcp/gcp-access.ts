import { CelInput, CelResult, celEnv, celError, isCelError, parse, plan } from '@bufbuild/cel';
import { Capability } from '../../src/spec/access-model';

/**
 * An independent evaluator of Google Cloud access over synthesized Terraform JSON
 * (`Testing.synth`), for the access tests. It reads only the Terraform resources,
 * never the constructs, and decides as Google documents:
 *
 * Workload Identity Federation (`exchange`, `serviceAccountsFor`), from the IAM API
 * reference of WorkloadIdentityPoolProvider
 * (https://cloud.google.com/iam/docs/reference/rest/v1/projects.locations.workloadIdentityPools.providers):
 * - the token's `iss` must be the provider's `oidc.issuer_uri`;
 * - "allowedAudiences: Acceptable values for the aud field ... If this list is empty,
 *   the OIDC token audience must be equal to the full canonical resource name of the
 *   WorkloadIdentityPoolProvider, with or without the HTTPS prefix"
 *   (`//iam.googleapis.com/<provider>` or `https://iam.googleapis.com/<provider>`);
 * - `attribute_mapping`: each value is a CEL expression over `assertion` (the token's
 *   claims), evaluated here with a real CEL evaluator (@bufbuild/cel); `google.subject`
 *   "Cannot exceed 127 bytes";
 * - `attribute_condition`: CEL over `assertion`, `google` and `attribute`; "The
 *   expression must output a boolean representing whether to allow the federation";
 * - principals, as the same reference lists them: `google.subject` ->
 *   `principal://iam.googleapis.com/<pool>/subject/<value>`, `google.groups` ->
 *   `principalSet://iam.googleapis.com/<pool>/group/<value>`, `attribute.<name>` ->
 *   `principalSet://iam.googleapis.com/<pool>/attribute.<name>/<value>`, and the
 *   whole pool `principalSet://iam.googleapis.com/<pool>/*`;
 * - a federated identity may impersonate a service account when it matches a member
 *   of a `roles/iam.workloadIdentityUser` binding on that service account.
 * Not documented, assumed here: a mapping expression that fails (a claim the token
 * lacks, such as `assertion.environment` for a job without an environment) leaves
 * that attribute unset rather than rejecting the token. The generated tag
 * attributes never rely on it (they test `has(assertion.environment)`).
 *
 * Artifact Registry (`permissions`, `capabilities`): repository IAM members and
 * bindings, with the predefined roles' permissions from the IAM roles reference
 * (https://cloud.google.com/iam/docs/roles-permissions/artifactregistry; the lists
 * below are the Artifact Registry permissions of each role, as exported by
 * `gcloud iam roles describe` in darkbitio/gcp-iam-role-permissions,
 * roles/artifactregistry.{reader,writer,repoAdmin}), decided per member, permission
 * and repository: a binding on one repository gives nothing on another.
 */
export const ROLE_PERMISSIONS: { [role: string]: string[] } = {
  'roles/artifactregistry.reader': [
    'artifactregistry.files.get', 'artifactregistry.files.list', 'artifactregistry.packages.get', 'artifactregistry.packages.list',
    'artifactregistry.repositories.downloadArtifacts', 'artifactregistry.repositories.get', 'artifactregistry.repositories.list',
    'artifactregistry.tags.get', 'artifactregistry.tags.list', 'artifactregistry.versions.get', 'artifactregistry.versions.list',
  ],
  'roles/artifactregistry.writer': [
    'artifactregistry.aptartifacts.create', 'artifactregistry.files.get', 'artifactregistry.files.list', 'artifactregistry.packages.get',
    'artifactregistry.packages.list', 'artifactregistry.repositories.downloadArtifacts', 'artifactregistry.repositories.get',
    'artifactregistry.repositories.list', 'artifactregistry.repositories.uploadArtifacts', 'artifactregistry.tags.create',
    'artifactregistry.tags.get', 'artifactregistry.tags.list', 'artifactregistry.tags.update', 'artifactregistry.versions.get',
    'artifactregistry.versions.list', 'artifactregistry.yumartifacts.create',
  ],
  'roles/artifactregistry.repoAdmin': [
    'artifactregistry.aptartifacts.create', 'artifactregistry.files.get', 'artifactregistry.files.list', 'artifactregistry.packages.delete',
    'artifactregistry.packages.get', 'artifactregistry.packages.list', 'artifactregistry.repositories.deleteArtifacts',
    'artifactregistry.repositories.downloadArtifacts', 'artifactregistry.repositories.get', 'artifactregistry.repositories.list',
    'artifactregistry.repositories.uploadArtifacts', 'artifactregistry.tags.create', 'artifactregistry.tags.delete', 'artifactregistry.tags.get',
    'artifactregistry.tags.list', 'artifactregistry.tags.update', 'artifactregistry.versions.delete', 'artifactregistry.versions.get',
    'artifactregistry.versions.list', 'artifactregistry.yumartifacts.create',
  ],
  // IAM roles reference, Artifact Analysis (https://cloud.google.com/iam/docs/roles-permissions/containeranalysis):
  // Container Analysis Occurrences Viewer. Occurrences have no repository-level IAM: this role is bound on the project.
  // IAM roles reference, Pub/Sub (https://cloud.google.com/iam/docs/roles-permissions/pubsub): Pub/Sub Publisher
  // ("pubsub.topics.publish") and Pub/Sub Subscriber ("pubsub.snapshots.seek", "pubsub.subscriptions.consume",
  // "pubsub.topics.attachSubscription"); bound on a topic or a subscription, never on the project here.
  'roles/pubsub.publisher': ['pubsub.topics.publish'],
  'roles/pubsub.subscriber': ['pubsub.snapshots.seek', 'pubsub.subscriptions.consume', 'pubsub.topics.attachSubscription'],
  'roles/containeranalysis.occurrences.viewer': [
    'containeranalysis.occurrences.get', 'containeranalysis.occurrences.list', 'resourcemanager.projects.get', 'resourcemanager.projects.list',
  ],
};

/** The resource name of the project in `allows` (project-level bindings, `google_project_iam_member`). */
export const PROJECT = 'project';

/** Which permissions decide each capability (all of them are needed). */
const NEEDS: { [capability: string]: string[] } = {
  [Capability.READ]: ['artifactregistry.repositories.downloadArtifacts'],
  // A docker push uploads blobs and manifests, and creates the tags it pushes.
  [Capability.WRITE]: ['artifactregistry.repositories.uploadArtifacts', 'artifactregistry.tags.create'],
  [Capability.MOVE_TAG]: ['artifactregistry.tags.update'],
  [Capability.DELETE]: ['artifactregistry.versions.delete'],
  [Capability.ADMIN]: ['artifactregistry.repositories.setIamPolicy'],
  // Reading a remote repository downloads from the upstream on first request.
  [Capability.CACHE_IMPORT]: ['artifactregistry.repositories.downloadArtifacts'],
  // The scan gate lists the digest's vulnerability occurrences (gcloud ... --show-package-vulnerability).
  [Capability.READ_SCAN_RESULTS]: ['containeranalysis.occurrences.list'],
};

export const ALL_CAPABILITIES = [
  Capability.READ, Capability.WRITE, Capability.MOVE_TAG, Capability.DELETE, Capability.ADMIN, Capability.CACHE_IMPORT, Capability.READ_SCAN_RESULTS,
];

/** GitHub OIDC token claims (the ones the library's trusts use). */
export interface GithubClaims {
  readonly iss: string;
  readonly aud: string;
  readonly sub: string;
  readonly repository: string;
  readonly repository_owner: string;
  readonly ref: string;
  readonly ref_type: string;
  readonly event_name?: string;
  readonly environment?: string;
}

/** The result of a token exchange. */
export interface Exchange {
  readonly admitted: boolean;
  readonly reason: string;
  readonly provider?: string;
  readonly google: { [key: string]: unknown };
  readonly attribute: { [key: string]: string };
}

/** Test-only project number and project of the resolved names. */
export const PROJECT_NUMBER = '123456789012';

/** A workload identity pool provider, resolved. */
export interface ProviderView {
  readonly name: string;
  readonly pool: string;
  readonly issuer: string;
  readonly audiences: string[];
  readonly mapping: { [key: string]: string };
  readonly condition?: string;
}

/**
 * The parsed, resolved view of a synthesized Terraform configuration: every
 * `${type.name.attr}` reference the evaluator needs is replaced by the value the
 * resource would have (names built as Google documents them, with PROJECT_NUMBER).
 */
export class GcpAccess {
  /** Whether an admitted federated identity of a pool is a member. */
  public static matches(member: string, pool: string, ex: Exchange): boolean {
    if (!ex.admitted) return false;
    const prefix = `//iam.googleapis.com/${pool}/`;
    if (member.startsWith(`principal:${prefix}subject/`)) return member.slice(`principal:${prefix}subject/`.length) === ex.google.subject;
    if (member === `principalSet:${prefix}*`) return true;
    if (member.startsWith(`principalSet:${prefix}group/`)) {
      const groups = ex.google.groups;
      return Array.isArray(groups) && groups.includes(member.slice(`principalSet:${prefix}group/`.length));
    }
    if (member.startsWith(`principalSet:${prefix}attribute.`)) {
      const rest = member.slice(`principalSet:${prefix}attribute.`.length);
      const slash = rest.indexOf('/');
      if (slash < 0) return false;
      const name = rest.slice(0, slash);
      return Object.prototype.hasOwnProperty.call(ex.attribute, name) && ex.attribute[name] === rest.slice(slash + 1);
    }
    return false;
  }

  public readonly json: any;
  private readonly cache = new Map<string, unknown>();

  constructor(json: any) {
    this.json = typeof json === 'string' ? JSON.parse(json) : json;
  }

  /** A value computed once per configuration (the JSON is not changed after construction). */
  private once<T>(key: string, compute: () => T): T {
    if (!this.cache.has(key)) this.cache.set(key, compute());
    return this.cache.get(key) as T;
  }

  /** Resources of a type: [address name, body]. */
  public resources(type: string): Array<[string, any]> {
    return Object.entries<any>(this.json.resource?.[type] ?? {});
  }

  /** Resolves the Terraform references in a string. */
  public resolve(value: string): string {
    return value.replace(/\$\{([a-z0-9_]+)\.([A-Za-z0-9_-]+)\.([a-z_]+)\}/g, (_m, type: string, name: string, attr: string) => {
      const r = this.json.resource?.[type]?.[name];
      if (!r) throw new Error(`unresolved reference ${type}.${name}.${attr}`);
      switch (`${type}.${attr}`) {
        case 'google_iam_workload_identity_pool.name':
          return `projects/${PROJECT_NUMBER}/locations/global/workloadIdentityPools/${this.resolve(r.workload_identity_pool_id)}`;
        case 'google_iam_workload_identity_pool.workload_identity_pool_id':
          return this.resolve(r.workload_identity_pool_id);
        case 'google_iam_workload_identity_pool_provider.name':
          return `projects/${PROJECT_NUMBER}/locations/global/workloadIdentityPools/${this.resolve(r.workload_identity_pool_id)}/providers/${this.resolve(r.workload_identity_pool_provider_id)}`;
        case 'google_service_account.email':
          return `${r.account_id}@${r.project}.iam.gserviceaccount.com`;
        case 'google_service_account.name':
        case 'google_service_account.id':
          return `projects/${r.project}/serviceAccounts/${r.account_id}@${r.project}.iam.gserviceaccount.com`;
        case 'google_service_account.member':
          return `serviceAccount:${r.account_id}@${r.project}.iam.gserviceaccount.com`;
        case 'google_pubsub_topic.name':
          return r.name;
        case 'google_pubsub_topic.id':
          return `projects/${r.project}/topics/${r.name}`;
        case 'google_pubsub_subscription.name':
          return r.name;
        case 'google_artifact_registry_repository.repository_id':
          return r.repository_id;
        case 'google_artifact_registry_repository.id':
        case 'google_artifact_registry_repository.name':
          return `projects/${r.project}/locations/${r.location}/repositories/${r.repository_id}`;
        default:
          throw new Error(`no resolution for ${type}.${attr}`);
      }
    });
  }

  /** The value of an output, resolved. */
  public output(name: string): string {
    const o = this.json.output?.[name];
    if (!o) throw new Error(`no output ${name}`);
    return this.resolve(String(o.value));
  }

  // ---------------------------------------------------------------- Workload Identity Federation

  /** The providers: full name, pool name, and their configuration. */
  public providers(): ProviderView[] {
    return this.once('providers', () => this.resources('google_iam_workload_identity_pool_provider').map(([key, p]) => {
      const name = this.resolve(`\${google_iam_workload_identity_pool_provider.${key}.name}`);
      return {
        name,
        pool: name.replace(/\/providers\/[^/]+$/, ''),
        issuer: p.oidc?.issuer_uri,
        audiences: p.oidc?.allowed_audiences ?? [],
        mapping: p.attribute_mapping ?? {},
        condition: p.attribute_condition,
      };
    }));
  }

  /** Exchanges a token at one provider (default: the only one). */
  public exchange(claims: GithubClaims, providerName?: string): Exchange {
    const providers = this.providers();
    const p = providerName ? providers.find((x) => x.name === providerName) : providers.length === 1 ? providers[0] : undefined;
    const no = (reason: string): Exchange => ({ admitted: false, reason, google: {}, attribute: {} });
    if (!p) return no(`no provider ${providerName ?? '(several)'}`);
    if (claims.iss !== p.issuer) return no(`issuer ${claims.iss} is not ${p.issuer}`);
    const audiences = p.audiences.length > 0 ? p.audiences : [`//iam.googleapis.com/${p.name}`, `https://iam.googleapis.com/${p.name}`];
    if (!audiences.includes(claims.aud)) return no(`audience ${claims.aud} is not accepted`);
    const assertion = toMap(claims);
    const google: { [key: string]: unknown } = {};
    const attribute: { [key: string]: string } = {};
    for (const [key, expression] of Object.entries(p.mapping)) {
      const value = evaluate(expression, { assertion });
      if (isCelError(value)) {
        if (key === 'google.subject') return no(`google.subject: ${value.message}`);
        continue; // assumed: the attribute stays unset
      }
      if (key.startsWith('google.')) {
        google[key.slice('google.'.length)] = value;
      } else if (key.startsWith('attribute.')) {
        if (typeof value !== 'string') throw new Error(`${key} mapped to a ${typeof value}`);
        attribute[key.slice('attribute.'.length)] = value;
      }
    }
    if (typeof google.subject !== 'string') return no('no google.subject');
    if (Buffer.byteLength(google.subject) > 127) return no('google.subject exceeds 127 bytes');
    if (p.condition !== undefined) {
      const ok = evaluate(p.condition, { assertion, google: toMap(google), attribute: toMap(attribute) });
      if (ok !== true) return no(`attribute condition is ${isCelError(ok) ? `an error (${ok.message})` : String(ok)}`);
    }
    return { admitted: true, reason: 'admitted', provider: p.name, google, attribute };
  }

  /** The `roles/iam.workloadIdentityUser` members of each service account (resolved names). */
  public impersonationBindings(): Array<{ serviceAccount: string; member: string }> {
    return this.once('impersonation', () => this.computeImpersonationBindings());
  }

  private computeImpersonationBindings(): Array<{ serviceAccount: string; member: string }> {
    const out: Array<{ serviceAccount: string; member: string }> = [];
    for (const [, m] of this.resources('google_service_account_iam_member')) {
      if (m.role === 'roles/iam.workloadIdentityUser') out.push({ serviceAccount: this.resolve(m.service_account_id), member: this.resolve(m.member) });
    }
    for (const [, b] of this.resources('google_service_account_iam_binding')) {
      if (b.role !== 'roles/iam.workloadIdentityUser') continue;
      for (const m of b.members) out.push({ serviceAccount: this.resolve(b.service_account_id), member: this.resolve(m) });
    }
    if (this.resources('google_service_account_iam_policy').length > 0) throw new Error('google_service_account_iam_policy is not evaluated');
    return out;
  }

  /** The service accounts (emails) a token may impersonate, through the given provider (default: the only one). */
  public serviceAccountsFor(claims: GithubClaims, providerName?: string): string[] {
    const ex = this.exchange(claims, providerName);
    if (!ex.admitted) return [];
    const pool = ex.provider!.replace(/\/providers\/[^/]+$/, '');
    const accounts = new Set<string>();
    for (const b of this.impersonationBindings()) {
      if (GcpAccess.matches(b.member, pool, ex)) accounts.add(b.serviceAccount.replace(/^projects\/[^/]+\/serviceAccounts\//, ''));
    }
    return [...accounts].sort();
  }

  // ---------------------------------------------------------------- Artifact Registry

  /** The repositories: id -> mode. */
  public repositories(): Map<string, string> {
    return this.once('repositories', () => new Map(this.resources('google_artifact_registry_repository').map(([, r]) => [r.repository_id as string, (r.mode as string) ?? 'STANDARD_REPOSITORY'])));
  }

  /** Every (repository id, role, member) of the repository IAM resources, resolved. */
  public repositoryBindings(): Array<{ repository: string; role: string; member: string }> {
    return this.once('repositoryBindings', () => this.computeRepositoryBindings());
  }

  private computeRepositoryBindings(): Array<{ repository: string; role: string; member: string }> {
    const out: Array<{ repository: string; role: string; member: string }> = [];
    for (const [, m] of this.resources('google_artifact_registry_repository_iam_member')) {
      out.push({ repository: this.resolve(m.repository), role: m.role, member: this.resolve(m.member) });
    }
    for (const [, b] of this.resources('google_artifact_registry_repository_iam_binding')) {
      for (const m of b.members) out.push({ repository: this.resolve(b.repository), role: b.role, member: this.resolve(m) });
    }
    if (this.resources('google_artifact_registry_repository_iam_policy').length > 0) throw new Error('google_artifact_registry_repository_iam_policy is not evaluated');
    return out;
  }

  /** Every (role, member) of the project IAM members (`google_project_iam_member`), resolved. */
  public projectBindings(): Array<{ role: string; member: string }> {
    if (this.resources('google_project_iam_binding').length > 0 || this.resources('google_project_iam_policy').length > 0) {
      throw new Error('google_project_iam_binding and google_project_iam_policy are not evaluated');
    }
    return this.resources('google_project_iam_member').map(([, m]) => ({ role: m.role, member: this.resolve(m.member) }));
  }

  /**
   * The permissions a member has on a repository (by id), or on the project (`PROJECT`):
   * repository bindings give nothing on the project, and the evaluator reads project
   * bindings only for the project's own permissions (Artifact Analysis occurrences).
   */
  public permissions(member: string, repository: string): Set<string> {
    const perms = new Set<string>();
    if (repository === PROJECT) {
      for (const b of this.projectBindings()) {
        if (b.member !== member) continue;
        const list = ROLE_PERMISSIONS[b.role];
        if (!list) throw new Error(`role ${b.role} is not known to the evaluator`);
        for (const p of list) perms.add(p);
      }
      return perms;
    }
    for (const b of this.repositoryBindings()) {
      if (b.member !== member || b.repository !== repository) continue;
      const list = ROLE_PERMISSIONS[b.role];
      if (!list) throw new Error(`role ${b.role} is not known to the evaluator`);
      for (const p of list) perms.add(p);
    }
    return perms;
  }

  // ---------------------------------------------------------------- Pub/Sub

  /**
   * The permissions a member has on a Pub/Sub topic (by name, `platform-promotions`) from the
   * topic IAM members; a project-level Pub/Sub role throws (none is expected).
   */
  public topicPermissions(member: string, topic: string): Set<string> {
    if (this.resources('google_pubsub_topic_iam_binding').length > 0 || this.resources('google_pubsub_topic_iam_policy').length > 0) {
      throw new Error('google_pubsub_topic_iam_binding and google_pubsub_topic_iam_policy are not evaluated');
    }
    if (this.projectBindings().some((b) => b.role.startsWith('roles/pubsub.'))) throw new Error('a project-level Pub/Sub role');
    const perms = new Set<string>();
    for (const [, m] of this.resources('google_pubsub_topic_iam_member')) {
      const name = this.resolve(m.topic).replace(/^projects\/[^/]+\/topics\//, '');
      if (name !== topic || this.resolve(m.member) !== member) continue;
      const list = ROLE_PERMISSIONS[m.role];
      if (!list) throw new Error(`role ${m.role} is not known to the evaluator`);
      for (const p of list) perms.add(p);
    }
    return perms;
  }

  /** Every member of a topic IAM resource, resolved. */
  public topicMembers(): string[] {
    return [...new Set(this.resources('google_pubsub_topic_iam_member').map(([, m]) => this.resolve(m.member)))].sort();
  }

  /**
   * The permissions a member has on a Pub/Sub subscription (by name, `platform-registry-changes`)
   * from the subscription IAM members; other forms throw (none is expected).
   */
  public subscriptionPermissions(member: string, subscription: string): Set<string> {
    if (this.resources('google_pubsub_subscription_iam_binding').length > 0 || this.resources('google_pubsub_subscription_iam_policy').length > 0) {
      throw new Error('google_pubsub_subscription_iam_binding and google_pubsub_subscription_iam_policy are not evaluated');
    }
    if (this.projectBindings().some((b) => b.role.startsWith('roles/pubsub.'))) throw new Error('a project-level Pub/Sub role');
    const perms = new Set<string>();
    for (const [, m] of this.resources('google_pubsub_subscription_iam_member')) {
      const name = this.resolve(m.subscription).replace(/^projects\/[^/]+\/subscriptions\//, '');
      if (name !== subscription || this.resolve(m.member) !== member) continue;
      const list = ROLE_PERMISSIONS[m.role];
      if (!list) throw new Error(`role ${m.role} is not known to the evaluator`);
      for (const p of list) perms.add(p);
    }
    return perms;
  }

  /** Whether a member may publish to a topic (by name). */
  public publishes(member: string, topic: string): boolean {
    return this.topicPermissions(member, topic).has('pubsub.topics.publish');
  }

  /** Whether a member may do something to a repository. */
  public allows(member: string, repository: string, capability: Capability): boolean {
    if (capability === Capability.CACHE_IMPORT && this.repositories().get(repository) !== 'REMOTE_REPOSITORY') return false;
    const perms = this.permissions(member, repository);
    return NEEDS[capability].every((p) => perms.has(p));
  }

  /** The capabilities of a member on a repository, in a stable order. */
  public capabilities(member: string, repository: string): Capability[] {
    return ALL_CAPABILITIES.filter((c) => this.allows(member, repository, c));
  }
}

const programs = new Map<string, (bindings: { [name: string]: CelInput }) => CelResult>();

/** Evaluates a CEL expression (parsed and planned once) with @bufbuild/cel; errors are returned, never thrown. */
function evaluate(expression: string, bindings: { [name: string]: CelInput }): CelResult {
  let program = programs.get(expression);
  if (!program) {
    try {
      const planned = plan(celEnv(), parse(expression));
      program = (b) => planned(b);
    } catch (e) {
      program = () => celError(e);
    }
    programs.set(expression, program);
  }
  // A missing claim is an error value, not an exception: its stack trace is never read.
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return program(bindings);
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/** A CEL map of the defined string (or string list) values of an object. */
function toMap(o: object): Map<string, CelInput> {
  return new Map(Object.entries(o).filter(([, v]) => v !== undefined) as Array<[string, CelInput]>);
}
