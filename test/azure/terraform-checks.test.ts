import { AcrTerraformChecks, PurgeTask } from '../../src/azure';

const task = (content: string, extra: any = {}) => ({
  container_registry_id: 'id',
  name: 'retention-purge',
  platform: { os: 'Linux' },
  timeout_in_seconds: 3600,
  timer_trigger: [{ name: 't', schedule: '0 1 * * *', enabled: true }],
  encoded_step: { task_content: content },
  ...extra,
});
const b64 = (s: string) => Buffer.from(s).toString('base64');
const goodRegistry = {
  name: 'platformdev',
  sku: 'Premium',
  location: 'westeurope',
  admin_enabled: false,
  anonymous_pull_enabled: false,
  retention_policy_in_days: 7,
  georeplications: [{ location: 'northeurope' }, { location: 'swedencentral' }],
};
const doc = (resource: any) => ({ resource });

/** The `resource field` of every problem. */
function fields(json: any, options = {}): string[] {
  return AcrTerraformChecks.check(json, options).map((p) => `${p.resource.split('.')[0]} ${p.field}: ${p.message}`);
}

describe('AcrTerraformChecks', () => {
  test('a correct registry and purge task pass', () => {
    const json = doc({
      azurerm_container_registry: { r: goodRegistry },
      azurerm_container_registry_task: { t: task(PurgeTask.encodedTaskContent(['acr purge --filter "^(api)$:^pr-.*$" --ago 1d'])) },
    });
    expect(AcrTerraformChecks.check(json)).toEqual([]);
    expect(() => AcrTerraformChecks.assertValid(JSON.stringify(json))).not.toThrow();
  });

  test('registry names: 5-50 letters and digits', () => {
    // cloud-limits.md: "ACR registry name | 5-50 alphanumeric characters, globally unique".
    for (const name of ['abcd', 'platform-dev', 'a'.repeat(51)]) {
      expect(fields(doc({ azurerm_container_registry: { r: { ...goodRegistry, name } } }))).toEqual([
        `azurerm_container_registry name: "${name}" is not a registry name: 5-50 letters and digits`,
      ]);
    }
  });

  test('every Premium-only field on Basic/Standard is reported, all at once', () => {
    // ACR SKUs doc: geo-replication, availability zones, retention policy, firewall rules, private link,
    // customer-managed keys, dedicated data endpoints are Premium features.
    const registry = {
      ...goodRegistry,
      sku: 'Standard',
      zone_redundancy_enabled: true,
      network_rule_set: [{ default_action: 'Deny' }],
      encryption: [{ key_vault_key_id: 'k', identity_client_id: 'c' }],
      identity: { type: 'UserAssigned', identity_ids: ['i'] },
      export_policy_enabled: false,
      public_network_access_enabled: false,
      data_endpoint_enabled: true,
      quarantine_policy_enabled: true,
    };
    expect(fields(doc({ azurerm_container_registry: { r: registry } }))).toEqual([
      'georeplications', 'zone_redundancy_enabled', 'retention_policy_in_days', 'network_rule_set', 'encryption', 'export_policy_enabled',
      'data_endpoint_enabled', 'public_network_access_enabled', 'quarantine_policy_enabled',
    ].map((f) => `azurerm_container_registry ${f}: needs the Premium SKU (sku is "Standard")`));
    expect(fields(doc({ azurerm_container_registry: { r: { ...goodRegistry, sku: 'Gold' } } }))).toEqual(['azurerm_container_registry sku: "Gold" is not Basic, Standard or Premium']);
  });

  test('retention days 0-365, whole numbers', () => {
    // ACR retention policy doc: "You can set a retention period between 0 and 365 days."
    expect(fields(doc({ azurerm_container_registry: { r: { ...goodRegistry, retention_policy_in_days: 366 } } })))
      .toEqual(['azurerm_container_registry retention_policy_in_days: 366 is outside 0-365 (0 disables the policy)']);
    expect(fields(doc({ azurerm_container_registry: { r: { ...goodRegistry, retention_policy_in_days: 1.5 } } })))
      .toEqual(['azurerm_container_registry retention_policy_in_days: 1.5 is outside 0-365 (0 disables the policy)']);
    expect(fields(doc({ azurerm_container_registry: { r: { ...goodRegistry, retention_policy_in_days: 0 } } }))).toEqual([]);
  });

  test('safety defaults, export policy, replicas and CMK identity', () => {
    const registry = {
      ...goodRegistry,
      admin_enabled: true,
      anonymous_pull_enabled: true,
      export_policy_enabled: false,
      georeplications: [{ location: 'westeurope' }, { location: 'northeurope' }, { location: 'northeurope' }],
      encryption: [{ key_vault_key_id: 'k' }],
    };
    expect(fields(doc({ azurerm_container_registry: { r: registry } }))).toEqual([
      'azurerm_container_registry export_policy_enabled: false needs public_network_access_enabled false as well',
      'azurerm_container_registry admin_enabled: must be false (the admin user is a shared registry-wide credential)',
      'azurerm_container_registry anonymous_pull_enabled: must not be true (anonymous pull makes every image public)',
      'azurerm_container_registry georeplications: are not in alphabetical order of location (westeurope, northeurope, northeurope): Terraform shows a diff on every plan',
      'azurerm_container_registry georeplications: list a location twice (westeurope, northeurope, northeurope)',
      'azurerm_container_registry georeplications: include the home location "westeurope"',
      'azurerm_container_registry identity: is required with encryption: a user-assigned identity that can read the key',
    ]);
  });

  test('purge task: timeout range, cron schedule, platform', () => {
    // azurerm container_registry_task: timeout_in_seconds "must be between 300 and 28800".
    const content = PurgeTask.encodedTaskContent(['acr purge --filter "^a$:^.*$"']);
    expect(fields(doc({ azurerm_container_registry_task: { t: task(content, { timeout_in_seconds: 299 }) } })))
      .toEqual([
        'azurerm_container_registry_task timeout_in_seconds: 299 is outside 300-28800',
        'azurerm_container_registry_task encoded_step.task_content steps[0].timeout: 3600 exceeds the task timeout 299',
      ]);
    expect(fields(doc({ azurerm_container_registry_task: { t: task(content, { timeout_in_seconds: 28_801 }) } })))
      .toEqual(['azurerm_container_registry_task timeout_in_seconds: 28801 is outside 300-28800']);
    expect(fields(doc({ azurerm_container_registry_task: { t: task(content, { timer_trigger: [{ name: 't', schedule: '@daily' }], platform: undefined }) } }))).toEqual([
      'azurerm_container_registry_task timer_trigger.schedule: "@daily" is not a cron expression of 5 fields (minute hour day of month month day of week)',
      'azurerm_container_registry_task platform.os: is required for a task that is not a system task',
    ]);
  });

  test('the timer schedule is checked field by field, as the construct checks purgeSchedule (before: any five words passed)', () => {
    const content = PurgeTask.encodedTaskContent(['acr purge --filter "^a$:^.*$"']);
    const schedule = (s: string) => fields(doc({ azurerm_container_registry_task: { t: task(content, { timer_trigger: [{ name: 't', schedule: s }] }) } }));
    expect(schedule('61 3 * * *')).toEqual([
      'azurerm_container_registry_task timer_trigger.schedule: "61 3 * * *" is not a cron expression of 5 fields (minute hour day of month month day of week): '
      + 'minute "61" (out of range, or not *, ?, a value, a range a-b, a step /n or a list of those)',
    ]);
    expect(schedule('0 3 * * *')).toEqual([]);
  });

  test('purge task content: decodes, one pinned acr-cli image, anchored purge commands with a filter', () => {
    const check = (content: string, options = {}) => fields(doc({ azurerm_container_registry_task: { t: task(content) } }), options);
    expect(check(b64('not yaml: [')))
      .toEqual([expect.stringMatching(/^azurerm_container_registry_task encoded_step\.task_content: does not decode to a task YAML/)]);
    expect(check(PurgeTask.encodedTaskContent(['acr purge --filter "^a$:^.*$"'], 'mcr.microsoft.com/acr/acr-cli:latest'))).toEqual([
      'azurerm_container_registry_task encoded_step.task_content: runs "mcr.microsoft.com/acr/acr-cli:latest", not one acr-cli image pinned to a version or digest',
    ]);
    expect(check(PurgeTask.encodedTaskContent(['acr purge --filter "^a$:^.*$"'], 'mcr.microsoft.com/acr/acr-cli:0.17'))).toEqual([
      'azurerm_container_registry_task encoded_step.task_content: runs "mcr.microsoft.com/acr/acr-cli:0.17", which is older than acr-cli 0.19, ' +
        'whose `--untagged` honours `--ago` (earlier releases delete untagged manifests of any age)',
    ]);
    expect(check(PurgeTask.encodedTaskContent(['acr purge --filter "^a$:^.*$"'], 'docker.io/evil/acr-cli:0.19'))).toEqual([
      expect.stringMatching(/runs "docker\.io\/evil\/acr-cli:0\.19", not one acr-cli image pinned/),
    ]);
    expect(check(b64('version: v1.1.0\nsteps:\n  - cmd: mcr.microsoft.com/acr/acr-cli:0.19 purge --filter a:.* ; rm -rf /\n'))).toEqual([
      'azurerm_container_registry_task encoded_step.task_content steps[0]: "purge --filter a:.* ; rm -rf /" is not `purge --registry {{.Run.Registry}} --<flag> ...`',
      'azurerm_container_registry_task encoded_step.task_content steps[0]: --filter "a:.*" is not anchored (^<repository regex>$:^<tag regex>$); ' +
        'an unanchored tag regex matches substrings',
    ]);
    // acr-cli: the tag part of --filter is a substring search unless anchored (reference/retention-semantics.md).
    expect(check(PurgeTask.encodedTaskContent(['acr purge --filter "^api$:pr-" --ago 1d', "acr purge --filter '^api$:^v1$' --ago 1d"]))).toEqual([
      'azurerm_container_registry_task encoded_step.task_content steps[0]: --filter "^api$:pr-" is not anchored (^<repository regex>$:^<tag regex>$); ' +
        'an unanchored tag regex matches substrings',
    ]);
    // ACR Tasks YAML reference, "Aliases": "precede an alias with the $ directive" (alphanumeric names).
    expect(check(PurgeTask.encodedTaskContent(['acr purge --filter "^a$:^v$ID$" --ago 1d']))).toEqual([
      'azurerm_container_registry_task encoded_step.task_content steps[0]: "purge --registry {{.Run.Registry}} --filter "^a$:^v$ID$" --ago 1d" has "$" before a letter ' +
        'or digit, which ACR Tasks (YAML v1.1.0) expands as an alias',
    ]);
    expect(check(PurgeTask.encodedTaskContent(['acr purge --ago 1d --untagged']))).toEqual([
      'azurerm_container_registry_task encoded_step.task_content steps[0]: has no --filter (it would purge nothing, or everything with a default filter)',
    ]);
    expect(check(b64('version: v1.1.0\nsteps: []\n'))).toEqual([
      'azurerm_container_registry_task encoded_step.task_content: runs "(several images)", not one acr-cli image pinned to a version or digest',
      'azurerm_container_registry_task encoded_step.task_content: has no steps',
    ]);
    expect(fields(doc({ azurerm_container_registry_task: { t: { ...task(''), encoded_step: undefined } } }))).toEqual([
      'azurerm_container_registry_task encoded_step.task_content: is missing: a purge task runs an encoded step',
    ]);
  });

  test('dry run: every command carries --dry-run when the spec asks for it, and none otherwise', () => {
    const wet = PurgeTask.encodedTaskContent(['acr purge --filter "^a$:^.*$" --ago 1d']);
    const dry = PurgeTask.encodedTaskContent(['acr purge --filter "^a$:^.*$" --ago 1d --dry-run']);
    const check = (content: string, expectDryRun: boolean) =>
      fields(doc({ azurerm_container_registry_task: { t: task(content) } }), { expectDryRun });
    expect(check(wet, true)).toEqual([
      'azurerm_container_registry_task encoded_step.task_content steps[0]: lacks --dry-run although the spec asks for a dry run',
    ]);
    expect(check(dry, false)).toEqual([
      'azurerm_container_registry_task encoded_step.task_content steps[0]: has --dry-run although the spec does not ask for one',
    ]);
    expect(check(dry, true)).toEqual([]);
  });

  test('scope maps, child names, cache rules, roles, federated credentials, Defender plan', () => {
    const json = doc({
      azurerm_container_registry_scope_map: { m: { name: 'ci', actions: ['repositories/*/content/read', 'repositories/dev/api/content/push'] } },
      azurerm_container_registry_token: { t: { name: 'ci_token' } },
      azurerm_container_registry_cache_rule: { c: { name: 'hub-cache', source_repo: 'docker.io/*', target_repo: 'hub' } },
      azurerm_role_assignment: { a: { role_definition_name: 'Owner' }, b: {} },
      azurerm_role_definition: { d: { permissions: [{ actions: ['Microsoft.ContainerRegistry/registries/*'] }] } },
      azurerm_federated_identity_credential: { f: { issuer: 'https://example.com', audience: ['api://other'], subject: 'repo:o/r:ref:refs/tags/v*' } },
      azurerm_security_center_subscription_pricing: { p: { resource_type: 'VirtualMachines' } },
    });
    expect(fields(json)).toEqual([
      'azurerm_container_registry_scope_map name: "ci" is not 5-50 letters, digits, - and _',
      'azurerm_container_registry_scope_map actions: "repositories/*/content/read" is not repositories/<repository>/content/(read|write|delete) or metadata/(read|write) (no wildcards)',
      'azurerm_container_registry_scope_map actions: "repositories/dev/api/content/push" is not repositories/<repository>/content/(read|write|delete) or metadata/(read|write) (no wildcards)',
      'azurerm_container_registry_token name: "ci_token" is not 5-50 letters, digits and hyphens',
      'azurerm_container_registry_cache_rule target_repo: "hub" and source_repo "docker.io/*" must both be wildcards or both fixed paths',
      expect.stringMatching(/^azurerm_role_assignment role_definition_name: "Owner" is not one of the least-privilege roles/),
      'azurerm_role_assignment role_definition_name: or role_definition_id is required',
      'azurerm_role_definition permissions.actions: "Microsoft.ContainerRegistry/registries/*" has a wildcard (ACR custom roles need each action listed)',
      'azurerm_federated_identity_credential issuer: "https://example.com" is not the GitHub Actions issuer',
      'azurerm_federated_identity_credential audience: ["api://other"] is not ["api://AzureADTokenExchange"]',
      'azurerm_federated_identity_credential subject: "repo:o/r:ref:refs/tags/v*" is not an exact repo:<owner>/<repo>:ref:refs/heads|tags/<name> or :environment:<name> subject',
      'azurerm_security_center_subscription_pricing resource_type: "VirtualMachines" is not Containers',
    ]);
    expect(() => AcrTerraformChecks.assertValid(json)).toThrow(/^azure\.AcrTerraformChecks: 12 problems\n  - azurerm_container_registry_scope_map\.m\.name:/);
  });

  test('ABAC registries: repository roles need a condition (version 2.0), legacy ACR roles are not honoured, the mode is one of two', () => {
    const json = doc({
      azurerm_container_registry: { r: { ...goodRegistry, role_assignment_mode: 'AbacRepositoryPermissions' }, s: { ...goodRegistry, name: 'platformprod', role_assignment_mode: 'Abac' } },
      azurerm_role_assignment: {
        a: { role_definition_name: 'AcrPush', scope: '${azurerm_container_registry.r.id}' },
        b: { role_definition_name: 'Container Registry Repository Writer', scope: '${azurerm_container_registry.r.id}' },
        c: { role_definition_name: 'Container Registry Repository Reader', scope: '${azurerm_container_registry.r.id}', condition: '(x)', condition_version: '1.0' },
        d: { role_definition_name: 'AcrPull', scope: '${azurerm_container_registry.s.id}' },
        e: { role_definition_name: 'Container Registry Repository Catalog Lister', scope: '${azurerm_container_registry.r.id}' },
      },
    });
    expect(fields(json)).toEqual([
      'azurerm_container_registry role_assignment_mode: "Abac" is not AbacRepositoryPermissions or LegacyRegistryPermissions',
      expect.stringMatching(/^azurerm_role_assignment role_definition_name: "AcrPush" is not honoured on a registry with ABAC repository permissions/),
      expect.stringMatching(/^azurerm_role_assignment condition: "Container Registry Repository Writer" without an ABAC condition grants every repository/),
      'azurerm_role_assignment condition_version: "1.0" is not "2.0"',
    ]);
  });

  test('purgeTasks lists the decoded commands per task', () => {
    const json = doc({ azurerm_container_registry_task: { t: task(PurgeTask.encodedTaskContent(['acr purge --filter "^a$:^.*$"', 'acr purge --filter "^b$:^.*$"'])) } });
    expect(AcrTerraformChecks.purgeTasks(json)).toEqual({
      'azurerm_container_registry_task.t': ['purge --registry {{.Run.Registry}} --filter "^a$:^.*$"', 'purge --registry {{.Run.Registry}} --filter "^b$:^.*$"'],
    });
  });
});
