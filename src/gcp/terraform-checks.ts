import { repositoryIdProblem, serviceAccountIdProblem, workloadIdentityIdProblem } from './gcp-names';
import { Problems } from '../spec/problems';

/** One problem found in synthesized Terraform JSON. */
export interface TerraformProblem {
  /** The resource address (`google_artifact_registry_repository.platform_dev`). */
  readonly address: string;
  /** The attribute path inside the resource (`cleanup_policies[3].id`). */
  readonly path: string;
  /** The value found, as JSON. */
  readonly value: string;
  /** What is wrong and what the provider or the API allows. */
  readonly message: string;
}

/** Options of `TerraformChecks.check`. */
export interface TerraformCheckOptions {
  /**
   * Check only resources whose construct path (`//.metadata.path`) starts with
   * this prefix; resources without metadata are always checked.
   *
   * @default - every resource
   */
  readonly pathPrefix?: string;
}

const ACTIONS = ['DELETE', 'KEEP'];
const TAG_STATES = ['TAGGED', 'UNTAGGED', 'ANY'];
const MODES = ['STANDARD_REPOSITORY', 'REMOTE_REPOSITORY', 'VIRTUAL_REPOSITORY'];
const SCAN_ENABLEMENT = ['INHERITED', 'DISABLED'];
/**
 * A cleanup policy duration in whole seconds (`"604800s"`). The google provider
 * (6.50.0, resource_artifact_registry_repository.go) reads
 * `strconv.Atoi(val[:len(val)-1])` and rejects anything else ("unexpected value
 * is not duration"): a fraction (`"604800.000000001s"`) fails at apply.
 */
const DURATION_SECONDS = /^\d+s$/;
const PUBLIC_MEMBERS = ['allUsers', 'allAuthenticatedUsers'];
const PERIMETER_NAME = /^accessPolicies\/\d+\/servicePerimeters\/[A-Za-z][A-Za-z0-9_]*$/;
const PROJECT_BY_NUMBER = /^projects\/\d+$/;
const PERIMETER_TYPES = ['PERIMETER_TYPE_REGULAR', 'PERIMETER_TYPE_BRIDGE'];
const PUBSUB_NAME = /^(?!goog)[A-Za-z][A-Za-z0-9\-_.~+%]{2,254}$/;
/** A Pub/Sub duration: seconds with up to nine fractional digits, then `s` (the binding's message_retention_duration). */
const PUBSUB_DURATION = /^(\d+)(\.\d{1,9})?s$/;

/**
 * Checks of synthesized Terraform JSON (`cdk.tf.json`) against Google provider
 * and API constraints that the typed cdktf classes do not enforce, because they
 * are rules on values rather than on types:
 * - Artifact Registry repository ids: 1-63 lower-case letters, digits and
 *   hyphens, starting with a letter, not ending with a hyphen;
 * - cleanup policies: at most 10 per repository, ids unique and under 128
 *   characters, `condition` XOR `most_recent_versions`, `most_recent_versions`
 *   only on KEEP, actions and tag states from their enums, durations in whole
 *   seconds (`"604800s"`; the provider rejects fractions), `keep_count` a positive whole number;
 * - repository modes with their matching configuration block;
 * - `vulnerability_scanning_config.enablement_config` INHERITED or DISABLED;
 * - service account ids (6-30 characters), workload identity pool and provider
 *   ids (4-32, no `gcp-` prefix), a GitHub OIDC provider has an attribute condition;
 * - no repository IAM member is public (`allUsers`, `allAuthenticatedUsers`);
 * - service perimeters (issue 19; the provider schema's descriptions in the prebuilt
 *   binding, google 6.50.0): `name` is `accessPolicies/{policy_id}/servicePerimeters/{short_name}`
 *   whose short name "must begin with a letter and only include alphanumeric and '_'";
 *   `parent` is `accessPolicies/{policy_id}` (the name's policy); `perimeter_type` is
 *   `PERIMETER_TYPE_REGULAR` or `PERIMETER_TYPE_BRIDGE`; a bridge has no access levels
 *   ("For Service Perimeter Bridge, must be empty"); the perimeter's resources and a
 *   `..._service_perimeter_resource`'s `resource` are projects by number ("Currently only
 *   projects are allowed. Format: projects/{project_number}"); and a perimeter this
 *   library writes restricts `artifactregistry.googleapis.com` (what it is for);
 * - Pub/Sub topics and subscriptions of notifications: names start with a letter, hold only
 *   letters, digits and `-_.~+%`, are 3-255 characters long and do not start with `goog`
 *   (Pub/Sub API, Topic.name and Subscription.name); `ack_deadline_seconds` 10-600 ("The
 *   minimum custom deadline you can specify is 10 seconds. The maximum ... is 600 seconds",
 *   0 meaning the default); `message_retention_duration` from `"600s"` to `"2678400s"`
 *   ("Cannot be more than 31 days ... or less than 10 minutes"); a push endpoint is an https URL;
 * - no topic or subscription IAM member is public.
 *
 * Values that are Terraform expressions (`${...}`) are skipped. The GCP
 * `ContainerRegistry` runs these checks on its own resources at synth; use
 * `TerraformChecks.check` on any stack's JSON.
 */
export class TerraformChecks {
  /** Every problem in a synthesized Terraform configuration (the parsed JSON or its text). */
  public static check(config: any, options: TerraformCheckOptions = {}): TerraformProblem[] {
    const tf = typeof config === 'string' ? JSON.parse(config) : config;
    const problems: TerraformProblem[] = [];
    const resources = tf?.resource ?? {};
    for (const [type, byName] of Object.entries<any>(resources)) {
      for (const [name, body] of Object.entries<any>(byName ?? {})) {
        const path: string | undefined = body?.['//']?.metadata?.path;
        if (options.pathPrefix !== undefined && path !== undefined && path !== options.pathPrefix && !path.startsWith(`${options.pathPrefix}/`)) continue;
        const add = (attr: string, value: unknown, message: string) =>
          problems.push({ address: `${type}.${name}`, path: attr, value: JSON.stringify(value) ?? 'undefined', message });
        switch (type) {
          case 'google_artifact_registry_repository':
            checkRepository(body, add);
            break;
          case 'google_service_account':
            checkId(body.account_id, 'account_id', serviceAccountIdProblem, add);
            break;
          case 'google_iam_workload_identity_pool':
            checkId(body.workload_identity_pool_id, 'workload_identity_pool_id', workloadIdentityIdProblem, add);
            break;
          case 'google_iam_workload_identity_pool_provider':
            checkId(body.workload_identity_pool_provider_id, 'workload_identity_pool_provider_id', workloadIdentityIdProblem, add);
            if (body.oidc?.issuer_uri === 'https://token.actions.githubusercontent.com' && !body.attribute_condition) {
              add('attribute_condition', body.attribute_condition,
                'is required for GitHub: GitHub uses one issuer for every repository, so a provider without a condition admits any workflow on github.com');
            }
            break;
          case 'google_artifact_registry_repository_iam_member':
            if (PUBLIC_MEMBERS.includes(body.member)) add('member', body.member, 'makes the repository public; grant named principals only');
            break;
          case 'google_access_context_manager_service_perimeter':
            checkPerimeter(body, add);
            break;
          case 'google_access_context_manager_service_perimeter_resource':
            checkPattern(body.perimeter_name, 'perimeter_name', PERIMETER_NAME, 'is not accessPolicies/{policy_id}/servicePerimeters/{short_name} '
              + '(the short name begins with a letter and holds only letters, digits and _)', add);
            checkPattern(body.resource, 'resource', PROJECT_BY_NUMBER, 'is not projects/{project_number}: only projects, by number, can be in a perimeter', add);
            break;
          case 'google_pubsub_topic':
          case 'google_pubsub_subscription':
            checkPattern(body.name, 'name', PUBSUB_NAME, 'is not a Pub/Sub name (3-255 letters, digits and - _ . ~ + %, starting with a letter, not with "goog")', add);
            if (type === 'google_pubsub_subscription') checkSubscription(body, add);
            break;
          case 'google_pubsub_topic_iam_member':
          case 'google_pubsub_subscription_iam_member':
            if (PUBLIC_MEMBERS.includes(body.member)) add('member', body.member, `opens the ${type.split('_')[2]} to everyone; grant named principals only`);
            break;
          default:
            break;
        }
      }
    }
    return problems;
  }

  /** Throws one `ProblemsError` listing every problem (`<address>.<attribute>` as its path), if there is any. */
  public static assertValid(config: any, options: TerraformCheckOptions = {}): void {
    new Problems()
      .addAll(TerraformChecks.check(config, options).map((p) => ({ path: `${p.address}.${p.path}`, value: p.value, message: p.message })))
      .throwIfAny('gcp.TerraformChecks: the Terraform configuration breaks provider constraints');
  }

  /** One problem as a line: `<address>.<path>: <value> <message>`. */
  public static format(problem: TerraformProblem): string {
    return `${problem.address}.${problem.path}: ${problem.value} ${problem.message}`;
  }
}

type Add = (attr: string, value: unknown, message: string) => void;

function isExpression(value: unknown): boolean {
  return typeof value === 'string' && value.includes('${');
}

function checkId(value: unknown, attr: string, rule: (id: string) => string | undefined, add: Add): void {
  if (isExpression(value)) return;
  if (typeof value !== 'string') {
    add(attr, value, 'is required (a string)');
    return;
  }
  const p = rule(value);
  if (p) add(attr, value, p);
}

function checkRepository(body: any, add: Add): void {
  checkId(body.repository_id, 'repository_id', repositoryIdProblem, add);
  const mode = body.mode ?? 'STANDARD_REPOSITORY';
  if (!isExpression(mode) && !MODES.includes(mode)) add('mode', mode, `is not a repository mode (${MODES.join(', ')})`);
  if (mode === 'REMOTE_REPOSITORY' && !body.remote_repository_config) add('remote_repository_config', undefined, 'is required with mode REMOTE_REPOSITORY');
  if (mode === 'VIRTUAL_REPOSITORY' && !body.virtual_repository_config) add('virtual_repository_config', undefined, 'is required with mode VIRTUAL_REPOSITORY');
  if (mode !== 'REMOTE_REPOSITORY' && body.remote_repository_config) add('remote_repository_config', '...', `is only allowed with mode REMOTE_REPOSITORY (mode is ${mode})`);
  if (mode !== 'VIRTUAL_REPOSITORY' && body.virtual_repository_config) add('virtual_repository_config', '...', `is only allowed with mode VIRTUAL_REPOSITORY (mode is ${mode})`);

  const scan = body.vulnerability_scanning_config?.enablement_config;
  if (scan !== undefined && !isExpression(scan) && !SCAN_ENABLEMENT.includes(scan)) {
    add('vulnerability_scanning_config.enablement_config', scan, `is not ${SCAN_ENABLEMENT.join(' or ')}`);
  }

  const upstreams: any[] = body.virtual_repository_config?.upstream_policies ?? [];
  if (Array.isArray(upstreams)) {
    const ids = new Set<string>();
    upstreams.forEach((u, i) => {
      if (typeof u?.id === 'string' && ids.has(u.id)) add(`virtual_repository_config.upstream_policies[${i}].id`, u.id, 'is used twice; upstream policy ids are unique');
      ids.add(u?.id);
    });
  }

  const policies = body.cleanup_policies;
  if (policies === undefined || isExpression(policies)) return;
  if (!Array.isArray(policies)) {
    add('cleanup_policies', policies, 'must be a list');
    return;
  }
  if (policies.length > 10) {
    add('cleanup_policies', policies.map((p: any) => p?.id), `has ${policies.length} policies; Artifact Registry allows at most 10 per repository`);
  }
  const seen = new Set<string>();
  policies.forEach((p: any, i: number) => {
    const at = `cleanup_policies[${i}]`;
    if (typeof p?.id !== 'string' || p.id.length === 0) {
      add(`${at}.id`, p?.id, 'is required');
    } else {
      if (p.id.length >= 128) add(`${at}.id`, p.id, `is ${p.id.length} characters long; policy ids are under 128 characters`);
      if (seen.has(p.id)) add(`${at}.id`, p.id, 'is used twice; policy ids are unique within a repository');
      seen.add(p.id);
    }
    if (!ACTIONS.includes(p?.action)) add(`${at}.action`, p?.action, `is not ${ACTIONS.join(' or ')}`);
    const hasCondition = p?.condition !== undefined && p?.condition !== null;
    const hasMostRecent = p?.most_recent_versions !== undefined && p?.most_recent_versions !== null;
    if (hasCondition === hasMostRecent) {
      add(at, { condition: p?.condition, most_recent_versions: p?.most_recent_versions }, 'needs exactly one of condition and most_recent_versions');
    }
    if (hasMostRecent && p?.action !== 'KEEP') {
      add(`${at}.most_recent_versions`, p.most_recent_versions, `is only allowed on KEEP policies (action is ${p?.action})`);
    }
    if (hasMostRecent) {
      const keep = p.most_recent_versions.keep_count;
      if (keep !== undefined && !isExpression(keep) && (!Number.isInteger(keep) || keep < 1)) {
        add(`${at}.most_recent_versions.keep_count`, keep, 'must be a positive whole number');
      }
    }
    if (hasCondition) {
      const c = p.condition;
      if (c.tag_state !== undefined && !isExpression(c.tag_state) && !TAG_STATES.includes(c.tag_state)) {
        add(`${at}.condition.tag_state`, c.tag_state, `is not ${TAG_STATES.join(', ')}`);
      }
      for (const field of ['older_than', 'newer_than']) {
        const d = c[field];
        if (d !== undefined && !isExpression(d) && (typeof d !== 'string' || !DURATION_SECONDS.test(d))) {
          add(`${at}.condition.${field}`, d, 'must be a duration in whole seconds ("604800s"): the google provider rejects fractions ("unexpected value is not duration")');
        }
      }
    }
  });
}

function checkPattern(value: unknown, attr: string, pattern: RegExp, message: string, add: Add): void {
  if (isExpression(value)) return;
  if (typeof value !== 'string' || !pattern.test(value)) add(attr, value, message);
}

function checkPerimeter(body: any, add: Add): void {
  checkPattern(body.name, 'name', PERIMETER_NAME, 'is not accessPolicies/{policy_id}/servicePerimeters/{short_name} '
    + '(the short name begins with a letter and holds only letters, digits and _)', add);
  checkPattern(body.parent, 'parent', /^accessPolicies\/\d+$/, 'is not accessPolicies/{policy_id}', add);
  const policyOf = (v: unknown) => (typeof v === 'string' && !isExpression(v) ? /^accessPolicies\/(\d+)/.exec(v)?.[1] : undefined);
  if (policyOf(body.name) && policyOf(body.parent) && policyOf(body.name) !== policyOf(body.parent)) {
    add('parent', body.parent, `is not the access policy of the perimeter's name (${body.name})`);
  }
  const type = body.perimeter_type ?? 'PERIMETER_TYPE_REGULAR';
  if (!isExpression(type) && !PERIMETER_TYPES.includes(type)) add('perimeter_type', type, `is not ${PERIMETER_TYPES.join(' or ')}`);
  for (const block of ['status', 'spec']) {
    const b = body[block];
    if (!b || isExpression(b)) continue;
    if (type === 'PERIMETER_TYPE_BRIDGE' && (b.access_levels ?? []).length) add(`${block}.access_levels`, b.access_levels, 'must be empty on a perimeter bridge');
    (Array.isArray(b.resources) ? b.resources : []).forEach((r: unknown, i: number) =>
      checkPattern(r, `${block}.resources[${i}]`, PROJECT_BY_NUMBER, 'is not projects/{project_number}: only projects, by number, can be in a perimeter', add));
  }
  const restricted = body.status?.restricted_services;
  if (type === 'PERIMETER_TYPE_REGULAR' && !isExpression(restricted) && !(Array.isArray(restricted) && restricted.includes('artifactregistry.googleapis.com'))) {
    add('status.restricted_services', restricted, 'does not restrict artifactregistry.googleapis.com: the perimeter would not protect the registry');
  }
}

function checkSubscription(body: any, add: Add): void {
  const ack = body.ack_deadline_seconds;
  if (ack !== undefined && !isExpression(ack) && !(ack === 0 || (Number.isInteger(ack) && ack >= 10 && ack <= 600))) {
    add('ack_deadline_seconds', ack, 'is not 10 to 600 seconds (or 0 for the default of 10)');
  }
  const retention = body.message_retention_duration;
  if (retention !== undefined && !isExpression(retention)) {
    const m = typeof retention === 'string' ? PUBSUB_DURATION.exec(retention) : null;
    const seconds = m ? Number(m[1]) + Number(m[2] ?? 0) : NaN;
    if (!(seconds >= 600 && seconds <= 2678400)) add('message_retention_duration', retention, 'is not a duration from "600s" (10 minutes) to "2678400s" (31 days)');
  }
  const endpoint = body.push_config?.push_endpoint;
  if (endpoint !== undefined && !isExpression(endpoint) && !(typeof endpoint === 'string' && /^https:\/\/[^\s/]+/.test(endpoint))) {
    add('push_config.push_endpoint', endpoint, 'is not an https URL');
  }
}
