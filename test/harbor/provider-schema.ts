// The goharbor/harbor provider's schema for the resources the bindings cover, written down
// as data from the provider's Go source (NOT from docs/resources/*.md, which the binding
// classes' doc comments were written from), so that tests can check the synthesized
// Terraform JSON against an independent statement of what the provider accepts.
//
// Source: github.com/goharbor/terraform-provider-harbor, tag v3.12.4
// (commit a5e8f4b1b74eaf4b00e6914170059e45d892e401). Each entry cites `file:line` of the
// attribute's `"name": {` line in that tag. Terraform plugin SDK v2 semantics:
// - `Required`/`Optional`/`Computed`: an attribute that is only `Computed` cannot be set;
// - `TypeList`/`TypeSet` with `Elem: &schema.Resource{...}` is a nested block (JSON: an
//   array of objects), with `Elem: &schema.Schema{...}` a list attribute of primitives;
// - a Required block needs at least one element (MinItems defaults to 1 when Required);
// - `enum` lists come from a `ValidateFunc` (`source: 'ValidateFunc'`, refused at plan) or
//   from a lookup in the client code (`source: 'client'`, refused by Harbor at apply).
// Besides the per-attribute facts, `rules` are the cross-field checks the provider makes:
// CustomizeDiff (plan), ConflictsWith/RequiredWith (plan), and apply-time checks.

export type AttrType = 'string' | 'bool' | 'int' | 'list(string)' | 'map(string)';

export interface AttributeFact {
  readonly type: AttrType;
  /** Required, Optional, or Computed-only (cannot be set). */
  readonly mode: 'required' | 'optional' | 'computed';
  readonly sensitive?: boolean;
  readonly enum?: { readonly values: string[]; readonly source: 'ValidateFunc' | 'client'; readonly cite: string };
  /** `file:line` of the attribute in v3.12.4. */
  readonly cite: string;
}

export interface BlockFact {
  readonly nesting: 'list' | 'set';
  readonly required: boolean;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly attributes: Record<string, AttributeFact>;
  readonly blocks: Record<string, BlockFact>;
  readonly cite: string;
}

/** A cross-field rule: at most/exactly one of a group is set, or a field needs/forbids others. */
export type RuleFact =
  | { readonly kind: 'exactlyOneOf'; readonly path: string; readonly fields: string[]; readonly cite: string }
  | { readonly kind: 'conflictsWith'; readonly field: string; readonly others: string[]; readonly cite: string }
  | { readonly kind: 'requiredWith'; readonly field: string; readonly others: string[]; readonly cite: string }
  | { readonly kind: 'onlyWith'; readonly field: string; readonly unlessValue: unknown; readonly needs: string; readonly cite: string };

export interface ResourceFact {
  readonly file: string;
  readonly attributes: Record<string, AttributeFact>;
  readonly blocks: Record<string, BlockFact>;
  readonly rules: RuleFact[];
}

const a = (type: AttrType, mode: AttributeFact['mode'], cite: string, extra: Partial<AttributeFact> = {}): AttributeFact => ({ type, mode, cite, ...extra });

export const PROVIDER_VERSION = '3.12.4';
export const PROVIDER_SOURCE = 'goharbor/harbor';

/** The provider block (provider/provider.go:15-63). */
export const PROVIDER_SCHEMA: ResourceFact = {
  file: 'provider/provider.go',
  attributes: {
    // Required with an env DefaultFunc (HARBOR_URL); the bindings always set it.
    url: a('string', 'required', 'provider/provider.go:16'),
    username: a('string', 'optional', 'provider/provider.go:21'),
    password: a('string', 'optional', 'provider/provider.go:26'),
    session_id: a('string', 'optional', 'provider/provider.go:31'),
    bearer_token: a('string', 'optional', 'provider/provider.go:36'),
    insecure: a('bool', 'optional', 'provider/provider.go:41'),
    api_version: a('int', 'optional', 'provider/provider.go:47'),
    robot_prefix: a('string', 'optional', 'provider/provider.go:52'),
    headers: a('map(string)', 'optional', 'provider/provider.go:56', { sensitive: true }),
  },
  blocks: {},
  rules: [],
};

export const RESOURCE_SCHEMAS: Record<string, ResourceFact> = {
  harbor_project: {
    file: 'provider/resource_project.go',
    attributes: {
      name: a('string', 'required', 'provider/resource_project.go:17'),
      project_id: a('int', 'computed', 'provider/resource_project.go:22'),
      registry_id: a('int', 'optional', 'provider/resource_project.go:26'),
      public: a('bool', 'optional', 'provider/resource_project.go:32'),
      vulnerability_scanning: a('bool', 'optional', 'provider/resource_project.go:37'),
      vulnerability_scanner: a('string', 'optional', 'provider/resource_project.go:42'),
      storage_quota: a('int', 'optional', 'provider/resource_project.go:46'),
      cve_allowlist: a('list(string)', 'optional', 'provider/resource_project.go:51'),
      enable_content_trust: a('bool', 'optional', 'provider/resource_project.go:58'),
      enable_content_trust_cosign: a('bool', 'optional', 'provider/resource_project.go:63'),
      force_destroy: a('bool', 'optional', 'provider/resource_project.go:68'),
      auto_sbom_generation: a('bool', 'optional', 'provider/resource_project.go:73'),
      deployment_security: a('string', 'optional', 'provider/resource_project.go:78', {
        enum: { values: ['none', 'low', 'medium', 'high', 'critical'], source: 'ValidateFunc', cite: 'provider/resource_project.go:83' },
      }),
      proxy_speed_kb: a('int', 'optional', 'provider/resource_project.go:93'),
      proxy_cache_local_on_not_found: a('bool', 'optional', 'provider/resource_project.go:98'),
    },
    blocks: {},
    rules: [
      // validateProjectProxy, called on create (apply time): speed != -1 or localOnNotFound
      // without registry_id is an error.
      { kind: 'onlyWith', field: 'proxy_speed_kb', unlessValue: -1, needs: 'registry_id', cite: 'provider/resource_project.go:114-125' },
      { kind: 'onlyWith', field: 'proxy_cache_local_on_not_found', unlessValue: false, needs: 'registry_id', cite: 'provider/resource_project.go:114-125' },
    ],
  },
  harbor_retention_policy: {
    file: 'provider/resource_retention_policy.go',
    attributes: {
      schedule: a('string', 'optional', 'provider/resource_retention_policy.go:20'),
      scope: a('string', 'required', 'provider/resource_retention_policy.go:24'),
    },
    blocks: {
      rule: {
        nesting: 'list',
        required: true,
        minItems: 1,
        maxItems: 15,
        cite: 'provider/resource_retention_policy.go:29',
        attributes: {
          disabled: a('bool', 'optional', 'provider/resource_retention_policy.go:37'),
          n_days_since_last_pull: a('int', 'optional', 'provider/resource_retention_policy.go:42'),
          n_days_since_last_push: a('int', 'optional', 'provider/resource_retention_policy.go:47'),
          most_recently_pulled: a('int', 'optional', 'provider/resource_retention_policy.go:52'),
          most_recently_pushed: a('int', 'optional', 'provider/resource_retention_policy.go:56'),
          always_retain: a('bool', 'optional', 'provider/resource_retention_policy.go:60'),
          repo_matching: a('string', 'optional', 'provider/resource_retention_policy.go:64'),
          repo_excluding: a('string', 'optional', 'provider/resource_retention_policy.go:68'),
          tag_matching: a('string', 'optional', 'provider/resource_retention_policy.go:72'),
          tag_excluding: a('string', 'optional', 'provider/resource_retention_policy.go:76'),
          untagged_artifacts: a('bool', 'optional', 'provider/resource_retention_policy.go:80'),
        },
        blocks: {},
      },
    },
    rules: [
      // retentionRuleParamValidation (CustomizeDiff): per rule, exactly one of each group;
      // a bool counts when true, an int when non-zero, a string when non-empty.
      { kind: 'exactlyOneOf', path: 'rule', fields: ['n_days_since_last_pull', 'n_days_since_last_push', 'most_recently_pulled', 'most_recently_pushed', 'always_retain'], cite: 'provider/resource_retention_policy.go:323,330' },
      { kind: 'exactlyOneOf', path: 'rule', fields: ['repo_matching', 'repo_excluding'], cite: 'provider/resource_retention_policy.go:324,334' },
      { kind: 'exactlyOneOf', path: 'rule', fields: ['tag_matching', 'tag_excluding'], cite: 'provider/resource_retention_policy.go:325,338' },
    ],
  },
  harbor_immutable_tag_rule: {
    file: 'provider/resource_immutable_tag_rule.go',
    attributes: {
      project_id: a('string', 'required', 'provider/resource_immutable_tag_rule.go:18'),
      disabled: a('bool', 'optional', 'provider/resource_immutable_tag_rule.go:23'),
      repo_matching: a('string', 'optional', 'provider/resource_immutable_tag_rule.go:28'),
      repo_excluding: a('string', 'optional', 'provider/resource_immutable_tag_rule.go:33'),
      tag_matching: a('string', 'optional', 'provider/resource_immutable_tag_rule.go:38'),
      tag_excluding: a('string', 'optional', 'provider/resource_immutable_tag_rule.go:43'),
    },
    blocks: {},
    // The ConflictsWith lines are commented out (lines 31, 36, 41, 46): no cross-field rule.
    rules: [],
  },
  harbor_robot_account: {
    file: 'provider/resource_robot_account.go',
    attributes: {
      robot_id: a('string', 'computed', 'provider/resource_robot_account.go:22'),
      name: a('string', 'required', 'provider/resource_robot_account.go:26'),
      // No ValidateFunc on level (docs: "currently either `system` or `project`").
      level: a('string', 'required', 'provider/resource_robot_account.go:31'),
      description: a('string', 'optional', 'provider/resource_robot_account.go:36'),
      disable: a('bool', 'optional', 'provider/resource_robot_account.go:41'),
      duration: a('int', 'optional', 'provider/resource_robot_account.go:46'),
      full_name: a('string', 'computed', 'provider/resource_robot_account.go:51'),
      // Optional + Computed + Sensitive.
      secret: a('string', 'optional', 'provider/resource_robot_account.go:55', { sensitive: true }),
      secret_wo: a('string', 'optional', 'provider/resource_robot_account.go:65'),
      secret_wo_version: a('int', 'optional', 'provider/resource_robot_account.go:76'),
    },
    blocks: {
      permissions: {
        nesting: 'set',
        required: true,
        cite: 'provider/resource_robot_account.go:86',
        attributes: {
          kind: a('string', 'required', 'provider/resource_robot_account.go:111'),
          namespace: a('string', 'required', 'provider/resource_robot_account.go:115'),
        },
        blocks: {
          access: {
            nesting: 'set',
            required: true,
            cite: 'provider/resource_robot_account.go:90',
            attributes: {
              action: a('string', 'required', 'provider/resource_robot_account.go:94'),
              resource: a('string', 'required', 'provider/resource_robot_account.go:98'),
              effect: a('string', 'optional', 'provider/resource_robot_account.go:102'),
            },
            blocks: {},
          },
        },
      },
    },
    rules: [
      { kind: 'conflictsWith', field: 'secret', others: ['secret_wo', 'secret_wo_version'], cite: 'provider/resource_robot_account.go:60-63' },
      { kind: 'requiredWith', field: 'secret_wo', others: ['secret_wo_version'], cite: 'provider/resource_robot_account.go:69-71' },
      { kind: 'requiredWith', field: 'secret_wo_version', others: ['secret_wo'], cite: 'provider/resource_robot_account.go:79-81' },
    ],
  },
  harbor_registry: {
    file: 'provider/resource_registry.go',
    attributes: {
      provider_name: a('string', 'required', 'provider/resource_registry.go:15', {
        // GetRegistryType's forward entries; any other name is sent as type "" (lines 59-68
        // are the reverse lookup, whose results are not Harbor types).
        enum: {
          values: ['alibaba', 'artifact-hub', 'aws', 'azure', 'docker-hub', 'docker-registry', 'gitlab', 'github', 'google', 'harbor', 'helm', 'huawei', 'jfrog', 'quay'],
          source: 'client',
          cite: 'client/registry.go:45-58',
        },
      }),
      name: a('string', 'required', 'provider/resource_registry.go:20'),
      description: a('string', 'optional', 'provider/resource_registry.go:24'),
      endpoint_url: a('string', 'required', 'provider/resource_registry.go:29'),
      access_id: a('string', 'optional', 'provider/resource_registry.go:33'),
      access_secret: a('string', 'optional', 'provider/resource_registry.go:38', { sensitive: true }),
      insecure: a('bool', 'optional', 'provider/resource_registry.go:44'),
      ca_certificate: a('string', 'optional', 'provider/resource_registry.go:49'),
      status: a('string', 'computed', 'provider/resource_registry.go:54'),
      registry_id: a('int', 'computed', 'provider/resource_registry.go:58'),
    },
    blocks: {},
    rules: [],
  },
  harbor_replication: {
    file: 'provider/resource_replication.go',
    attributes: {
      name: a('string', 'required', 'provider/resource_replication.go:18'),
      enabled: a('bool', 'optional', 'provider/resource_replication.go:22'),
      deletion: a('bool', 'optional', 'provider/resource_replication.go:27'),
      description: a('string', 'optional', 'provider/resource_replication.go:32'),
      // No ValidateFunc; GetReplicationBody sets the destination for push and the source
      // for pull, and neither for any other value.
      action: a('string', 'required', 'provider/resource_replication.go:36', {
        enum: { values: ['push', 'pull'], source: 'client', cite: 'client/replication.go:30-34' },
      }),
      schedule: a('string', 'optional', 'provider/resource_replication.go:41'),
      registry_id: a('int', 'required', 'provider/resource_replication.go:46'),
      replication_policy_id: a('int', 'computed', 'provider/resource_replication.go:50'),
      dest_namespace: a('string', 'optional', 'provider/resource_replication.go:54'),
      dest_namespace_replace: a('int', 'optional', 'provider/resource_replication.go:58'),
      override: a('bool', 'optional', 'provider/resource_replication.go:63'),
      copy_by_chunk: a('bool', 'optional', 'provider/resource_replication.go:68'),
      single_active_replication: a('bool', 'optional', 'provider/resource_replication.go:73'),
      speed: a('int', 'optional', 'provider/resource_replication.go:109'),
      execute_on_changed: a('bool', 'optional', 'provider/resource_replication.go:114'),
    },
    blocks: {
      filters: {
        nesting: 'set',
        required: false,
        cite: 'provider/resource_replication.go:78',
        attributes: {
          name: a('string', 'optional', 'provider/resource_replication.go:83'),
          tag: a('string', 'optional', 'provider/resource_replication.go:87'),
          labels: a('list(string)', 'optional', 'provider/resource_replication.go:91'),
          decoration: a('string', 'optional', 'provider/resource_replication.go:98'),
          resource: a('string', 'optional', 'provider/resource_replication.go:102'),
        },
        blocks: {},
      },
    },
    rules: [],
  },
  harbor_project_webhook: {
    file: 'provider/resource_harbor_project_webhook.go',
    attributes: {
      name: a('string', 'required', 'provider/resource_harbor_project_webhook.go:15'),
      project_id: a('string', 'required', 'provider/resource_harbor_project_webhook.go:20'),
      address: a('string', 'required', 'provider/resource_harbor_project_webhook.go:24'),
      description: a('string', 'optional', 'provider/resource_harbor_project_webhook.go:28'),
      enabled: a('bool', 'optional', 'provider/resource_harbor_project_webhook.go:33'),
      events_types: a('list(string)', 'required', 'provider/resource_harbor_project_webhook.go:38'),
      notify_type: a('string', 'required', 'provider/resource_harbor_project_webhook.go:45'),
      auth_header: a('string', 'optional', 'provider/resource_harbor_project_webhook.go:49'),
      skip_cert_verify: a('bool', 'optional', 'provider/resource_harbor_project_webhook.go:54'),
      payload_format: a('string', 'optional', 'provider/resource_harbor_project_webhook.go:59'),
    },
    blocks: {},
    rules: [],
  },
};

/** Terraform meta-arguments, valid on every resource (not part of a provider schema). */
const META = new Set(['count', 'for_each', 'provider', 'depends_on', 'lifecycle', 'provisioner', 'connection']);

const isToken = (v: unknown): boolean => typeof v === 'string' && /\$\{/.test(v);

function checkValue(path: string, fact: AttributeFact, v: unknown, out: string[]): void {
  if (isToken(v)) return; // a reference: its type is Terraform's business
  const bad = (what: string) => out.push(`${path}: expected ${what}, got ${JSON.stringify(v)}`);
  switch (fact.type) {
    case 'string': if (typeof v !== 'string') bad('string'); break;
    case 'bool': if (typeof v !== 'boolean') bad('bool'); break;
    case 'int': if (typeof v !== 'number' || !Number.isInteger(v)) bad('int'); break;
    case 'list(string)': if (!Array.isArray(v) || v.some((e) => typeof e !== 'string')) bad('list of strings'); break;
    case 'map(string)': if (typeof v !== 'object' || v === null || Array.isArray(v) || Object.values(v).some((e) => typeof e !== 'string')) bad('map of strings'); break;
  }
  if (fact.enum && typeof v === 'string' && !fact.enum.values.includes(v)) {
    out.push(`${path}: ${JSON.stringify(v)} is not one of [${fact.enum.values.join(', ')}] (${fact.enum.source}, ${fact.enum.cite})`);
  }
}

/** Go's notion of "set" in the provider's CustomizeDiff counters. */
const isSet = (v: unknown): boolean => v === true || (typeof v === 'number' && v !== 0) || (typeof v === 'string' && v !== '');

function checkBody(
  path: string, body: Record<string, unknown>, attributes: Record<string, AttributeFact>, blocks: Record<string, BlockFact>,
  meta: boolean, out: string[],
): void {
  for (const [k, v] of Object.entries(body)) {
    if (v === undefined || v === null) continue;
    if (meta && META.has(k)) continue;
    if (attributes[k]) {
      if (attributes[k].mode === 'computed') out.push(`${path}.${k}: computed attribute cannot be set (${attributes[k].cite})`);
      else checkValue(`${path}.${k}`, attributes[k], v, out);
    } else if (blocks[k]) {
      const b = blocks[k];
      if (isToken(v)) continue; // a dynamic block
      const items = Array.isArray(v) ? v : [v];
      if (b.maxItems !== undefined && items.length > b.maxItems) out.push(`${path}.${k}: at most ${b.maxItems} blocks, got ${items.length} (${b.cite})`);
      if (items.length < (b.minItems ?? (b.required ? 1 : 0))) out.push(`${path}.${k}: at least ${b.minItems ?? 1} block required, got ${items.length} (${b.cite})`);
      items.forEach((item, i) => checkBody(`${path}.${k}[${i}]`, item as Record<string, unknown>, b.attributes, b.blocks, false, out));
    } else {
      out.push(`${path}.${k}: unknown argument`);
    }
  }
  for (const [k, f] of Object.entries(attributes)) {
    if (f.mode === 'required' && (body[k] === undefined || body[k] === null)) out.push(`${path}.${k}: required argument missing (${f.cite})`);
  }
  for (const [k, b] of Object.entries(blocks)) {
    if (b.required && (body[k] === undefined || body[k] === null)) out.push(`${path}.${k}: required block missing (${b.cite})`);
  }
}

function checkRules(path: string, body: Record<string, any>, rules: RuleFact[], out: string[]): void {
  for (const r of rules) {
    switch (r.kind) {
      case 'exactlyOneOf': {
        const items: any[] = Array.isArray(body[r.path]) ? body[r.path] : [];
        items.forEach((item, i) => {
          const n = r.fields.filter((f) => isSet(item[f])).length;
          if (n !== 1) out.push(`${path}.${r.path}[${i}]: exactly one of [${r.fields.join(', ')}] must be set, got ${n} (${r.cite})`);
        });
        break;
      }
      case 'conflictsWith':
        if (body[r.field] !== undefined) {
          for (const o of r.others) if (body[o] !== undefined) out.push(`${path}.${r.field}: conflicts with ${o} (${r.cite})`);
        }
        break;
      case 'requiredWith':
        if (body[r.field] !== undefined) {
          for (const o of r.others) if (body[o] === undefined) out.push(`${path}.${r.field}: requires ${o} (${r.cite})`);
        }
        break;
      case 'onlyWith':
        if (body[r.field] !== undefined && body[r.field] !== r.unlessValue && !body[r.needs]) {
          out.push(`${path}.${r.field}: only with ${r.needs} (${r.cite}, checked at apply)`);
        }
        break;
    }
  }
}

/**
 * Every way a synthesized Terraform JSON document breaks the provider's schema: unknown
 * resource types and arguments, missing required arguments and blocks, computed-only
 * attributes set, wrong primitive types, enum values, block counts, the cross-field rules,
 * and the provider block and `required_providers` pin. Empty when it conforms.
 */
export function schemaProblems(json: any): string[] {
  const out: string[] = [];
  for (const [type, byName] of Object.entries<any>(json.resource ?? {})) {
    const fact = RESOURCE_SCHEMAS[type];
    if (!fact) {
      if (type.startsWith('harbor_')) out.push(`${type}: resource type not in the checked subset`);
      continue;
    }
    for (const [name, body] of Object.entries<any>(byName)) {
      checkBody(`${type}.${name}`, body, fact.attributes, fact.blocks, true, out);
      checkRules(`${type}.${name}`, body, fact.rules, out);
    }
  }
  for (const body of json.provider?.harbor ?? []) {
    const { alias, ...rest } = body;
    checkBody('provider.harbor', rest, PROVIDER_SCHEMA.attributes, PROVIDER_SCHEMA.blocks, false, out);
  }
  const pin = json.terraform?.required_providers?.harbor;
  if (json.provider?.harbor && (pin?.source !== PROVIDER_SOURCE || pin?.version !== PROVIDER_VERSION)) {
    out.push(`terraform.required_providers.harbor: expected source ${PROVIDER_SOURCE} version ${PROVIDER_VERSION}, got ${JSON.stringify(pin)}`);
  }
  return out;
}
