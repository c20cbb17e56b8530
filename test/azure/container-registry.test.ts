import 'cdktf/lib/testing/adapters/jest';
import { RoleAssignment } from '@cdktf/provider-azurerm/lib/role-assignment';
import { Testing } from 'cdktf';
import { Construct } from 'constructs';
import * as fc from 'fast-check';
import { azureSpec, KEY_ID, PRINCIPAL, resources, synthJson, testStack, VAULT_ID, warningIds, warnings } from './helpers';
import {
  AcrAbac, AcrSku, AcrTerraformChecks, ContainerRegistry, ContainerRegistryProps, NetworkDefaultAction, PromotionMethod, PurgeTask,
  RoleAssignmentMode, ScopedAccessMode,
} from '../../src/azure';
import { AcrPurgeTranslation } from '../../src/retention/acr-translation';
import { Cloud, EncryptionType, EnvironmentLayout, RegistrySpec, ScanMode, TagState, UpstreamRegistry } from '../../src/spec';

const RETENTION = {
  protectedTags: ['v*', 'dev', 'staging', 'prod'],
  rules: [
    { tagState: TagState.UNTAGGED, expireAfterDays: 7 },
    { tagState: TagState.TAGGED, tagPatterns: ['pr-*'], expireAfterDays: 14 },
    { tagState: TagState.ANY, keepMostRecent: 50 },
  ],
};

function build(spec: RegistrySpec, props: Partial<ContainerRegistryProps> = {}) {
  const stack = testStack();
  const registry = new ContainerRegistry(stack, 'Registry', { spec, resourceGroupName: 'rg', location: 'westeurope', ...props });
  // With the node validations (AcrTerraformChecks on the construct's resources), as `cdktf synth` runs them.
  const synth = Testing.synth(stack, true);
  return { stack, registry, synth, json: JSON.parse(synth) };
}

describe('ContainerRegistry, registries layout on Premium', () => {
  const spec = azureSpec(EnvironmentLayout.REGISTRIES, {
    retention: RETENTION,
    replication: { replicas: [{ region: 'swedencentral', zoneRedundant: true }, { region: 'northeurope' }, { region: 'eu-west-1', cloud: Cloud.AWS }] },
    upstreamCaches: [{
      name: 'docker-hub',
      upstream: UpstreamRegistry.DOCKER_HUB,
      azureUsernameSecretId: 'https://kv1.vault.azure.net/secrets/u',
      azurePasswordSecretId: 'https://kv1.vault.azure.net/secrets/p',
    }],
    labels: { team: 'platform' },
  });
  const { stack, registry, synth, json } = build(spec, { registryNameSuffix: 'x1', keyVaultId: VAULT_ID, tags: { env: 'shared' } });
  const registries = resources(json, 'azurerm_container_registry');

  test('one registry per environment, named by Naming.acrRegistryName with the suffix', () => {
    expect(registries.map((r) => r.name).sort()).toEqual(['platformdevx1', 'platformprodx1', 'platformstagingx1']);
    expect(registry.registryNames).toEqual({ dev: 'platformdevx1', staging: 'platformstagingx1', prod: 'platformprodx1' });
    expect(registry.registryName('prod')).toBe('platformprodx1');
    expect(() => registry.registryName('qa')).toThrow(/environment: "qa" has no registry \(registries: dev: platformdevx1, staging: platformstagingx1, prod: platformprodx1\)/);
  });

  test('safe defaults: admin user and anonymous pull off, prevent_destroy, tags from labels and props', () => {
    for (const r of registries) {
      expect(r).toMatchObject({
        sku: 'Premium',
        admin_enabled: false,
        anonymous_pull_enabled: false,
        public_network_access_enabled: true,
        export_policy_enabled: true,
        lifecycle: { prevent_destroy: true },
        tags: { team: 'platform', env: 'shared' },
        resource_group_name: 'rg',
        location: 'westeurope',
      });
    }
    expect(json.resource.azurerm_management_lock).toBeUndefined();
  });

  test('geo-replicas of Azure only, in alphabetical order of location, with their zone redundancy', () => {
    // azurerm docs: "The georeplications list cannot contain the location where the Container Registry
    // exists"; keeping them sorted avoids a perpetual diff.
    for (const r of registries) {
      expect(r.georeplications).toEqual([
        { location: 'northeurope', zone_redundancy_enabled: false, tags: { team: 'platform', env: 'shared' } },
        { location: 'swedencentral', zone_redundancy_enabled: true, tags: { team: 'platform', env: 'shared' } },
      ]);
    }
  });

  test('retention: the translation\'s retention days and purge commands, byte for byte', () => {
    const dev = registries.find((r) => r.name === 'platformdevx1');
    const expected = AcrPurgeTranslation.translate([{ repository: 'api', policy: RETENTION }, { repository: 'web', policy: RETENTION }], { allRepositories: ['api', 'web'] });
    expect(dev.retention_policy_in_days).toBe(expected.retentionDays);
    expect(dev.retention_policy_in_days).toBe(7);
    const tasks = AcrTerraformChecks.purgeTasks(json);
    expect(Object.keys(tasks)).toHaveLength(3);
    for (const commands of Object.values(tasks)) {
      expect(commands).toEqual(expected.commands.map((c) => PurgeTask.purgeArguments(c)));
      // Anchored: the repository group, then an anchored tag regex excluding protected tags.
      expect(commands).toEqual([expect.stringMatching(/^purge --registry \{\{\.Run\.Registry\}\} --filter "\^\(api\|web\)\$:\^\(\?!\(v\.\*\|dev\|staging\|prod\)\$\)\(pr-\.\*\)\$" --ago 14d$/)]);
    }
    expect(Object.keys(registry.purgeTasks).sort()).toEqual(['platformdevx1', 'platformprodx1', 'platformstagingx1']);
  });

  test('the translation\'s warnings and conservative reasons are warnings', () => {
    expect(warnings(stack)).toEqual(expect.arrayContaining([
      expect.stringMatching(/^retention of registry "platformdevx1": retention_policy_in_days = 7 deletes untagged manifests instead of a purge pass/),
      expect.stringMatching(/^retention of registry "platformdevx1": keeps more than the spec: rules\[2\] \(keep the 50 most recent, any\): acr purge --keep counts tags/),
    ]));
  });

  test('identities: repository roles conditioned on exactly their repositories, ABAC mode on every registry, no tokens', () => {
    const roles = resources(json, 'azurerm_role_assignment').filter((r) => [AcrAbac.READER, AcrAbac.WRITER].includes(r.role_definition_name));
    expect(roles).toHaveLength(1 + 3 + 3); // ci writes dev; runtime reads x3; promoter reads dev, writes staging and prod
    for (const r of roles) {
      expect(r.condition).toContain("@Request[Microsoft.ContainerRegistry/registries/repositories:name] StringEqualsIgnoreCase 'api'");
      expect(r.condition_version).toBe('2.0');
    }
    expect(resources(json, 'azurerm_role_assignment').some((r) => ['AcrPull', 'AcrPush', 'AcrDelete'].includes(r.role_definition_name))).toBe(false);
    expect(registries.every((r) => r.role_assignment_mode === 'AbacRepositoryPermissions')).toBe(true);
    // role_assignment_mode needs azurerm 4.81.0: the stack's constraint is raised.
    expect(json.terraform.required_providers.azurerm.version).toBe(ContainerRegistry.AZURERM_VERSION_FLOOR);
    expect(json.resource.azurerm_container_registry_token).toBeUndefined();
    expect(registry.identities.identities.ci).toBeDefined();
  });

  test('cache rules and credential sets in every registry', () => {
    expect(resources(json, 'azurerm_container_registry_cache_rule')).toHaveLength(3);
    expect(resources(json, 'azurerm_container_registry_credential_set')).toHaveLength(3);
    // Each credential set reads exactly its two secrets (versionless secret ids), not the vault.
    expect(resources(json, 'azurerm_role_assignment').filter((r) => r.role_definition_name === 'Key Vault Secrets User').map((r) => r.scope).sort())
      .toEqual([...Array(3).fill(`${VAULT_ID}/secrets/p`), ...Array(3).fill(`${VAULT_ID}/secrets/u`)]);
  });

  test('the purge tasks get the ABAC purge roles, and a warning says the task\'s source registry identity must be set once', () => {
    const purge = resources(json, 'azurerm_role_assignment').filter((r) => /container_registry_task/.test(r.principal_id));
    expect(purge.map((r) => r.role_definition_name).sort())
      .toEqual([...Array(3).fill(AcrAbac.CATALOG_LISTER), ...Array(3).fill(AcrAbac.CONTRIBUTOR)]);
    expect(purge.filter((r) => r.role_definition_name === AcrAbac.CATALOG_LISTER).every((r) => r.condition === undefined)).toBe(true);
    expect(warnings(stack)).toContainEqual(expect.stringMatching(/^purge task "retention-purge": on a registry with ABAC repository permissions .* --source-acr-auth-id "\[system\]"/));
  });

  test('outputs: login server per environment and the identities', () => {
    expect(Object.keys(json.output).sort()).toEqual([
      'AZURE_CLIENT_ID_CI', 'AZURE_CLIENT_ID_PROMOTER', 'AZURE_REGISTRY_LOGIN_SERVER_DEV', 'AZURE_REGISTRY_LOGIN_SERVER_PROD', 'AZURE_REGISTRY_LOGIN_SERVER_STAGING',
      'AZURE_REGISTRY_SUFFIX', 'AZURE_SUBSCRIPTION_ID', 'AZURE_TENANT_ID',
    ]);
    expect(json.output.AZURE_REGISTRY_SUFFIX.value).toBe('x1');
  });

  test('warnings: no scanning switch, immutable tags not enforceable', () => {
    expect(warnings(stack)).toEqual(expect.arrayContaining([
      expect.stringMatching(/^scanning: ACR has no registry-level scanning switch; vulnerability scanning of ACR images is Microsoft Defender for Containers/),
      expect.stringMatching(/^tagPolicy \(api, web\): Azure Container Registry has no tag immutability setting in Terraform/),
    ]));
  });

  test('the synthesized JSON passes the ACR Terraform checks', () => {
    expect(AcrTerraformChecks.check(json, { expectDryRun: false })).toEqual([]);
  });

  test('snapshot', () => {
    expect(synth).toMatchSnapshot();
  });
});

describe('ContainerRegistry, repositories and tags layouts', () => {
  test('repositories layout: one registry, environment paths in the purge filters', () => {
    const { json, registry } = build(azureSpec(EnvironmentLayout.REPOSITORIES, { retention: RETENTION }));
    expect(resources(json, 'azurerm_container_registry').map((r) => r.name)).toEqual(['platform']);
    expect(registry.registryNames).toEqual({ dev: 'platform', staging: 'platform', prod: 'platform' });
    const commands = Object.values(AcrTerraformChecks.purgeTasks(json))[0];
    expect(commands).toEqual([expect.stringMatching(/^purge --registry \{\{\.Run\.Registry\}\} --filter "\^\(dev\/api\|dev\/web\|prod\/api\|prod\/web\|staging\/api\|staging\/web\)\$:/)]);
    expect(Object.keys(json.output)).toContain('AZURE_REGISTRY_LOGIN_SERVER');
    expect(AcrTerraformChecks.check(json)).toEqual([]);
  });

  test('tags layout: a warning that roles cannot tell tags apart', () => {
    const { stack } = build(azureSpec(EnvironmentLayout.TAGS));
    expect(warnings(stack)).toContain('environments.layout "tags": Azure roles and scope maps cannot tell tags apart, so every pusher and promoter may move any tag, ' +
      'including the environment tags (dev, staging, prod); use the registries layout to separate environments');
  });

  test('dry run: every purge command carries --dry-run', () => {
    const { json } = build(azureSpec(EnvironmentLayout.REGISTRIES, { retention: { ...RETENTION, dryRun: true } }));
    expect(AcrTerraformChecks.check(json, { expectDryRun: true })).toEqual([]);
    expect(Object.values(AcrTerraformChecks.purgeTasks(json)).flat().every((c) => / --dry-run$/.test(c))).toBe(true);
  });

  test('no rules: no purge task and no retention days', () => {
    const { json } = build(azureSpec(EnvironmentLayout.REGISTRIES, { retention: undefined }));
    expect(json.resource.azurerm_container_registry_task).toBeUndefined();
    expect(resources(json, 'azurerm_container_registry').every((r) => r.retention_policy_in_days === undefined)).toBe(true);
  });

  test('purge schedule, timeout and image are props', () => {
    const { json } = build(azureSpec(EnvironmentLayout.TAGS, { retention: RETENTION }), {
      purgeSchedule: '15 3 * * 6', purgeTaskTimeoutSeconds: 7200, acrCliImage: 'mcr.microsoft.com/acr/acr-cli:0.20',
    });
    const task = resources(json, 'azurerm_container_registry_task')[0];
    expect(task.timer_trigger[0].schedule).toBe('15 3 * * 6');
    expect(task.timeout_in_seconds).toBe(7200);
    expect(PurgeTask.decode(task.encoded_step.task_content).image).toBe('mcr.microsoft.com/acr/acr-cli:0.20');
  });
});

describe('ContainerRegistry options', () => {
  test('customer-managed key: a user-assigned identity, the identity and encryption blocks, and Key Vault access', () => {
    const spec = azureSpec(EnvironmentLayout.TAGS, { encryption: { type: EncryptionType.CUSTOMER_MANAGED, azureKeyVaultKeyId: KEY_ID } });
    const { json, synth, registry } = build(spec, { keyVaultId: VAULT_ID });
    const r = resources(json, 'azurerm_container_registry')[0];
    expect(r.identity).toEqual({ type: 'UserAssigned', identity_ids: [expect.stringMatching(/^\$\{azurerm_user_assigned_identity\.Registry_EncryptionIdentity_\w+\.id\}$/)] });
    expect(r.encryption).toEqual([{ key_vault_key_id: KEY_ID, identity_client_id: expect.stringMatching(/EncryptionIdentity_\w+\.client_id\}$/) }]);
    // Exactly the key (its versionless id inside the vault), not every key of the vault.
    expect(synth).toHaveResourceWithProperties({ tfResourceType: 'azurerm_role_assignment' }, { scope: `${VAULT_ID}/keys/acr`, role_definition_name: 'Key Vault Crypto Service Encryption User' });
    expect(resources(json, 'azurerm_role_assignment').some((a) => a.scope === VAULT_ID)).toBe(false);
    expect(registry.encryptionIdentity).toBeDefined();
    // The key access exists before the registry that reads the key at creation.
    expect(r.depends_on).toEqual([expect.stringMatching(/^azurerm_role_assignment\.Registry_EncryptionKeyAccess_\w+$/)]);
  });

  test('a key of another vault than keyVaultId: the role falls back to the vault, with a warning', () => {
    const spec = azureSpec(EnvironmentLayout.TAGS, { encryption: { type: EncryptionType.CUSTOMER_MANAGED, azureKeyVaultKeyId: 'https://other.vault.azure.net/keys/acr/0123456789abcdef0123456789abcdef' } });
    const { json, stack } = build(spec, { keyVaultId: VAULT_ID });
    expect(resources(json, 'azurerm_role_assignment').find((a) => a.role_definition_name === 'Key Vault Crypto Service Encryption User').scope).toBe(VAULT_ID);
    expect(warnings(stack)).toContainEqual(expect.stringMatching(/^encryption: "https:\/\/other\.vault\.azure\.net\/keys\/acr\/0123456789abcdef0123456789abcdef" is not a key of the Key Vault/));
    const versioned = build(azureSpec(EnvironmentLayout.TAGS, { encryption: { type: EncryptionType.CUSTOMER_MANAGED, azureKeyVaultKeyId: `${KEY_ID}/0123456789abcdef0123456789abcdef` } }), { keyVaultId: VAULT_ID });
    expect(resources(versioned.json, 'azurerm_role_assignment').find((a) => a.role_definition_name === 'Key Vault Crypto Service Encryption User').scope)
      .toBe(`${VAULT_ID}/keys/acr`);
  });

  test('customer-managed key without keyVaultId: a warning says what to grant', () => {
    const { stack } = build(azureSpec(EnvironmentLayout.TAGS, { encryption: { type: EncryptionType.CUSTOMER_MANAGED, azureKeyVaultKeyId: KEY_ID } }));
    expect(warnings(stack)).toContain('encryption: the registry\'s encryption identity must be allowed to use the Key Vault key (Key Vault Crypto Service Encryption User, ' +
      'or get/wrapKey/unwrapKey in an access policy); pass keyVaultId to have the construct assign the role');
  });

  test('network rules, private access, data endpoints, export policy off, zone redundancy, management lock, no prevent_destroy', () => {
    const { json, synth } = build(azureSpec(EnvironmentLayout.TAGS, { access: undefined }), {
      networkRules: { allowedIpRanges: ['203.0.113.0/24'] },
      publicNetworkAccessEnabled: false,
      dataEndpointEnabled: true,
      exportPolicyEnabled: false,
      zoneRedundancyEnabled: true,
      managementLock: true,
      preventDestroy: false,
    });
    const r = resources(json, 'azurerm_container_registry')[0];
    expect(r).toMatchObject({
      network_rule_bypass_option: 'AzureServices',
      network_rule_set: [{ default_action: 'Deny', ip_rule: [{ action: 'Allow', ip_range: '203.0.113.0/24' }] }],
      public_network_access_enabled: false,
      data_endpoint_enabled: true,
      export_policy_enabled: false,
      zone_redundancy_enabled: true,
    });
    expect(r.lifecycle).toBeUndefined();
    expect(synth).toHaveResourceWithProperties({ tfResourceType: 'azurerm_management_lock' }, { lock_level: 'CanNotDelete', name: 'platform-cannot-delete' });
    expect(AcrTerraformChecks.check(json)).toEqual([]);
  });

  test('a purge task on a network-restricted registry warns that tasks need the bypass azurerm cannot set', () => {
    const { stack } = build(azureSpec(EnvironmentLayout.TAGS, { retention: RETENTION }), { networkRules: { allowedIpRanges: ['203.0.113.0/24'] } });
    expect(warnings(stack)).toContain('retention of registry "platform": the registry is network-restricted, and ACR Tasks (the purge task) may reach it only when ' +
      'the registry allows tasks to bypass its network rules (the networkRuleBypassAllowedForTasks property, which azurerm 4.55 cannot set) or through a dedicated ' +
      'agent pool in its network; until then the purge task fails and deletes nothing');
    const open = build(azureSpec(EnvironmentLayout.TAGS, { retention: RETENTION }));
    expect(warnings(open.stack).some((w) => /network-restricted/.test(w))).toBe(false);
  });

  test('network rules can allow by default and keep trusted services out', () => {
    const networkRules = { defaultAction: NetworkDefaultAction.ALLOW, bypassAzureServices: false };
    const { json } = build(azureSpec(EnvironmentLayout.TAGS), { networkRules });
    expect(resources(json, 'azurerm_container_registry')[0]).toMatchObject({ network_rule_bypass_option: 'None', network_rule_set: [{ default_action: 'Allow', ip_rule: [] }] });
  });

  test('Defender for Containers only as an explicit opt-in, with a subscription-wide warning', () => {
    const { json, stack } = build(azureSpec(EnvironmentLayout.TAGS), { enableDefenderForContainers: true });
    expect(resources(json, 'azurerm_security_center_subscription_pricing')).toEqual([{ tier: 'Standard', resource_type: 'Containers' }]);
    expect(warnings(stack)).toContainEqual(expect.stringMatching(/^enableDefenderForContainers: Defender for Containers is a subscription-wide plan/));
    expect(warnings(stack).some((w) => w.startsWith('scanning:'))).toBe(false);
    const off = build(azureSpec(EnvironmentLayout.TAGS, { scanning: { mode: ScanMode.OFF } }));
    expect(off.json.resource.azurerm_security_center_subscription_pricing).toBeUndefined();
    expect(warnings(off.stack).some((w) => /scanning|Defender/.test(w))).toBe(false);
  });

  test('existing registries: nothing created, grants and tasks on the ids passed in, a warning with the retention days to set', () => {
    const existing = '/subscriptions/s/resourceGroups/shared/providers/Microsoft.ContainerRegistry/registries/platformdev';
    const spec = azureSpec(EnvironmentLayout.REGISTRIES, { retention: RETENTION });
    const { json, stack } = build(spec, { existingRegistryIds: { platformdev: existing } });
    expect(resources(json, 'azurerm_container_registry').map((r) => r.name).sort()).toEqual(['platformprod', 'platformstaging']);
    expect(resources(json, 'azurerm_container_registry_task').filter((t) => t.container_registry_id === existing)).toHaveLength(1);
    expect(resources(json, 'azurerm_role_assignment').filter((r) => r.scope === existing).map((r) => r.role_definition_name).sort())
      .toEqual([AcrAbac.CATALOG_LISTER, AcrAbac.CONTRIBUTOR, AcrAbac.READER, AcrAbac.READER, AcrAbac.WRITER]);
    expect(warnings(stack)).toContainEqual(expect.stringMatching(/^registry "platformdev" is passed in \(existingRegistryIds\): its grants are repository roles with ABAC conditions/));
    const legacyMode = RoleAssignmentMode.LEGACY_REGISTRY_PERMISSIONS;
    const legacy = build(spec, { existingRegistryIds: { platformdev: existing }, roleAssignmentMode: legacyMode });
    expect(resources(legacy.json, 'azurerm_role_assignment').filter((r) => r.scope === existing).map((r) => r.role_definition_name).sort())
      .toEqual(['AcrDelete', 'AcrPull', 'AcrPull', 'AcrPull', 'AcrPush']);
    expect(resources(legacy.json, 'azurerm_container_registry').some((r) => 'role_assignment_mode' in r)).toBe(false);
    expect(legacy.json.terraform.required_providers.azurerm.version).toBe('4.55.0');
    expect(warnings(legacy.stack).some((w) => /ABAC conditions/.test(w))).toBe(false);
    expect(warnings(stack)).toContain('registry "platformdev" is passed in (existingRegistryIds): its own settings are left as they are; set its retention policy for ' +
      'untagged manifests to 7 days (retention_policy_in_days) where it is managed; admin user, anonymous pull, replicas, network rules and encryption are not checked');
  });

  test('grantPull and grantPush with ABAC: repository roles conditioned on the repositories of the options', () => {
    const stack = testStack();
    const registry = new ContainerRegistry(stack, 'Registry', { spec: azureSpec(EnvironmentLayout.REPOSITORIES, { access: undefined }), resourceGroupName: 'rg', location: 'westeurope' });
    registry.grantPull(PRINCIPAL, { environments: ['prod'] });
    registry.grantPush(PRINCIPAL, { environments: ['dev'], images: ['api'] });
    const roles = resources(synthJson(stack), 'azurerm_role_assignment').filter((r) => r.principal_id === PRINCIPAL);
    expect(roles.map((r) => r.role_definition_name)).toEqual([AcrAbac.READER, AcrAbac.WRITER]);
    expect(roles[0].condition).toBe(AcrAbac.reader(['prod/api', 'prod/web']));
    expect(roles[1].condition).toBe(AcrAbac.writer(['dev/api'], ['dev/api']));
    expect(roles[1].condition).toContain("((!(ActionMatches{'Microsoft.ContainerRegistry/registries/repositories/content/delete'}) AND " +
      "!(ActionMatches{'Microsoft.ContainerRegistry/registries/repositories/metadata/delete'})) OR " +
      "(@Request[Microsoft.ContainerRegistry/registries/repositories:name] StringEqualsIgnoreCase ''))");
    expect(warnings(stack)).toEqual(expect.not.arrayContaining([expect.stringMatching(/^grant/)]));
  });

  test('grants are idempotent and independent of call order: ids from role, principal and scope', () => {
    const ids = (order: Array<[string, any]>) => {
      const stack = testStack();
      const registry = new ContainerRegistry(stack, 'Registry', { spec: azureSpec(EnvironmentLayout.REGISTRIES, { access: undefined }), resourceGroupName: 'rg', location: 'westeurope' });
      const returned = order.map(([m, o]) => (registry as any)[m](PRINCIPAL, o));
      return { stack, returned, ids: registry.node.children.filter((c) => c.node.id.startsWith('Grant')).map((c) => c.node.id).sort() };
    };
    const a = ids([['grantPull', undefined], ['grantPush', { environments: ['dev'], images: ['api'] }]]);
    const b = ids([['grantPush', { environments: ['dev'], images: ['api'] }], ['grantPull', undefined], ['grantPull', {}]]);
    expect(a.ids).toEqual(b.ids);
    expect(a.ids).toEqual([
      `Grant-AcrPull-${PRINCIPAL}-platformdev`, `Grant-AcrPull-${PRINCIPAL}-platformprod`, `Grant-AcrPull-${PRINCIPAL}-platformstaging`,
      expect.stringMatching(new RegExp(`^Grant-AcrPush-${PRINCIPAL}-platformdev-[0-9a-f]{8}$`)),
    ]);
    // The repeated grant returned what the first created, and nothing was added.
    expect(b.returned[2]).toEqual(b.returned[1]);
    expect(resources(synthJson(b.stack), 'azurerm_role_assignment').filter((r) => r.principal_id === PRINCIPAL)).toHaveLength(4);
    // Negative control: a different scope is a different role assignment.
    const c = ids([['grantPush', { environments: ['dev'], images: ['web'] }], ['grantPush', { environments: ['dev'], images: ['api'] }]]);
    expect(new Set(c.ids).size).toBe(2);
  });

  test('the call-order ids of earlier releases get moved blocks to the derived ids (nothing destroyed)', () => {
    const stack = testStack();
    const registry = new ContainerRegistry(stack, 'Registry', { spec: azureSpec(EnvironmentLayout.REGISTRIES, { access: undefined }), resourceGroupName: 'rg', location: 'westeurope' });
    registry.grantPull(PRINCIPAL, { environments: ['prod'] });
    registry.grantPush(PRINCIPAL, 'dev' as any); // the deprecated form of earlier releases, from JavaScript
    const json = synthJson(stack);
    // The addresses the earlier release gave (construct ids Grant<n>-<role>-<registry> under the registry), computed by cdktf itself.
    const old = testStack();
    const scope = new Construct(old, 'Registry');
    const oldAddress = (id: string) => `azurerm_role_assignment.${new RoleAssignment(scope, id, { scope: 's', principalId: 'p', roleDefinitionName: 'r' }).friendlyUniqueId}`;
    const byTo = Object.fromEntries((json.moved as any[]).map((m) => [m.to, m.from]));
    const current = Object.keys(json.resource.azurerm_role_assignment).filter((k) => k.includes('Grant-'));
    expect(current).toHaveLength(2);
    const pull = current.find((k) => k.includes('AcrPull'))!;
    const push = current.find((k) => k.includes('AcrPush'))!;
    expect(byTo[`azurerm_role_assignment.${pull}`]).toBe(oldAddress('Grant0-AcrPull-platformprod'));
    expect(byTo[`azurerm_role_assignment.${push}`]).toBe(oldAddress('Grant1-AcrPush-platformdev'));
    // The deprecated string form is read as { environments: ['dev'] }.
    expect(json.resource.azurerm_role_assignment[push].condition).toBe(AcrAbac.writer(['api', 'web'], ['api', 'web']));
  });

  test('grant options are checked: unknown environments and images that match nothing are one ProblemsError', () => {
    const registry = new ContainerRegistry(testStack(), 'Registry', { spec: azureSpec(EnvironmentLayout.REGISTRIES, { access: undefined }), resourceGroupName: 'rg', location: 'westeurope' });
    expect(() => registry.grantPull(PRINCIPAL, { environments: ['qa'], images: ['jobs/*'] })).toThrow([
      'azure.ContainerRegistry stack/Registry grantPull: 2 problems',
      '  - options.environments[0]: "qa" is not an environment of the spec (dev, staging, prod)',
      '  - options.images[0]: "jobs/*" matches no image of the spec (api, web)',
    ].join('\n'));
  });

  test('grantPull, grantPush and grantPullPush assign AcrPull / AcrPush on the registry of an environment or every registry (legacy mode)', () => {
    const stack = testStack();
    const registry = new ContainerRegistry(stack, 'Registry', {
      spec: azureSpec(EnvironmentLayout.REGISTRIES, { access: undefined }), resourceGroupName: 'rg', location: 'westeurope', roleAssignmentMode: RoleAssignmentMode.LEGACY_REGISTRY_PERMISSIONS,
    });
    expect(registry.grantPull(PRINCIPAL)).toHaveLength(3);
    expect(registry.grantPush(PRINCIPAL, { environments: ['dev'] })).toHaveLength(1);
    expect(registry.grantPullPush(PRINCIPAL, { environments: ['prod'] })).toHaveLength(1);
    const roles = resources(synthJson(stack), 'azurerm_role_assignment').map((r) => `${r.role_definition_name}@${/\.Registry_Resource-(\w+)_/.exec(r.scope)![1]}`).sort();
    expect(roles).toEqual(['AcrPull@dev', 'AcrPull@prod', 'AcrPull@staging', 'AcrPush@dev', 'AcrPush@prod']);
    expect(registry.registryId('dev')).toMatch(/^\$\{TfToken\[/);
    expect(registry.loginServer('dev')).toMatch(/^\$\{TfToken\[/);
  });

  test('a grant narrower than a registry with legacy permissions warns that the role covers the whole registry', () => {
    const stack = testStack();
    const registry = new ContainerRegistry(stack, 'Registry', {
      spec: azureSpec(EnvironmentLayout.REPOSITORIES, { access: undefined }), resourceGroupName: 'rg', location: 'westeurope', roleAssignmentMode: RoleAssignmentMode.LEGACY_REGISTRY_PERMISSIONS,
    });
    registry.grantPull(PRINCIPAL, { environments: ['prod'] });
    expect(warnings(stack)).toContain('grantPull (AcrPull) on registry "platform": with legacy registry permissions Azure roles are registry-wide, so the grant of ' +
      'prod/api, prod/web also covers dev/api, dev/web, staging/api, staging/web (roleAssignmentMode ABAC_REPOSITORY_PERMISSIONS names repositories)');
    expect(warningIds(stack)).toContain('container-registry-constructs:azure-grant-registry-wide');
  });

  test('with legacy registry permissions, REGISTRY_ROLE and TOKENS are passed to the identities; with ABAC no tokens', () => {
    const legacy = RoleAssignmentMode.LEGACY_REGISTRY_PERMISSIONS;
    const tokens = build(azureSpec(EnvironmentLayout.REPOSITORIES), { roleAssignmentMode: legacy });
    expect(resources(tokens.json, 'azurerm_container_registry_token').map((t) => t.name)).toEqual(['ci-pusher', 'promoter-promoter']);
    expect(build(azureSpec(EnvironmentLayout.REPOSITORIES)).json.resource.azurerm_container_registry_token).toBeUndefined();
    const roles = build(azureSpec(EnvironmentLayout.REPOSITORIES), { scopedAccess: ScopedAccessMode.REGISTRY_ROLE, roleAssignmentMode: legacy });
    expect(roles.json.resource.azurerm_container_registry_token).toBeUndefined();
  });

  test('outputs can be turned off', () => {
    const { json } = build(azureSpec(EnvironmentLayout.REGISTRIES), { outputs: false });
    expect(json.output).toBeUndefined();
  });

  test('export policy off with import promoters warns that promotion out of the registry fails', () => {
    const closed = { exportPolicyEnabled: false, publicNetworkAccessEnabled: false };
    const importing = build(azureSpec(EnvironmentLayout.TAGS), { ...closed, promotionMethod: PromotionMethod.IMPORT });
    expect(warnings(importing.stack)).toContainEqual(expect.stringMatching(/^exportPolicyEnabled: false blocks `az acr import` out of the registry, which is how promoters promote \(promotionMethod IMPORT\)/));
    const copying = build(azureSpec(EnvironmentLayout.TAGS), closed);
    expect(warnings(copying.stack).some((w) => w.startsWith('exportPolicyEnabled'))).toBe(false);
  });
});

describe('ContainerRegistry errors', () => {
  test('every feature that needs Premium is an error on Standard, naming the feature, all at once', () => {
    const spec = azureSpec(EnvironmentLayout.TAGS, {
      retention: RETENTION,
      replication: { replicas: [{ region: 'northeurope', zoneRedundant: true }] },
      encryption: { type: EncryptionType.CUSTOMER_MANAGED, azureKeyVaultKeyId: KEY_ID },
    });
    const premium = (feature: string) => `asks for ${feature}, which needs the Premium SKU (sku is "Standard")`;
    expect(() => build(spec, {
      sku: AcrSku.STANDARD, networkRules: { allowedIpRanges: ['203.0.113.7'] }, exportPolicyEnabled: false, publicNetworkAccessEnabled: false, dataEndpointEnabled: true,
    })).toThrow([
      'azure.ContainerRegistry stack/Registry: 7 problems',
      `  - replication.replicas: ["northeurope"] ${premium('geo-replication')}`,
      `  - replication.replicas[].zoneRedundant: true ${premium('zone-redundant replicas')}`,
      `  - encryption.type: "customer-managed" ${premium('customer-managed key encryption')}`,
      `  - networkRules: {"allowedIpRanges":["203.0.113.7"]} ${premium('network rules')}`,
      `  - exportPolicyEnabled: false ${premium('turning the export policy off')}`,
      `  - dataEndpointEnabled: true ${premium('dedicated data endpoints')}`,
      `  - publicNetworkAccessEnabled: false ${premium('private-link-only access')}`,
    ].join('\n'));
  });

  test('on Basic and Standard, untagged retention is a purge pass instead of the Premium-only retention days', () => {
    const { json } = build(azureSpec(EnvironmentLayout.TAGS, { retention: RETENTION }), { sku: AcrSku.STANDARD });
    const [registry] = resources(json, 'azurerm_container_registry');
    expect(registry.retention_policy_in_days).toBeUndefined();
    const commands = Object.values(AcrTerraformChecks.purgeTasks(json)).flat();
    expect(commands.some((c) => /--untagged/.test(c) && /--ago 7d/.test(c))).toBe(true);
    expect(AcrTerraformChecks.check(json)).toEqual([]);
  });

  test('Basic without Premium features is fine', () => {
    const { json } = build(azureSpec(EnvironmentLayout.TAGS, { retention: undefined }), { sku: AcrSku.BASIC });
    expect(resources(json, 'azurerm_container_registry')[0].sku).toBe('Basic');
    expect(AcrTerraformChecks.check(json)).toEqual([]);
  });

  test('invalid props and Azure-only spec problems are reported together', () => {
    const spec = azureSpec(EnvironmentLayout.REGISTRIES, {
      replication: { replicas: [{ region: 'westeurope' }, { region: 'northeurope' }, { region: 'northeurope' }] },
      encryption: { type: EncryptionType.CUSTOMER_MANAGED },
      upstreamCaches: [{ name: 'corp', upstream: UpstreamRegistry.CUSTOM, url: 'https://registry.example.com' }],
      access: { pushers: [{ name: 'ci', github: { repository: 'o/r', tag: 'v*' } }] },
    });
    let message = '';
    try {
      build(spec, {
        registryNameSuffix: 'x'.repeat(40),
        exportPolicyEnabled: false,
        purgeSchedule: '@daily',
        purgeTaskTimeoutSeconds: 60,
        acrCliImage: 'mcr.microsoft.com/acr/acr-cli:latest',
        networkRules: { allowedIpRanges: ['10.0.0.0/33x'] },
        existingRegistryIds: { platformqa: '/x', ['platformdev' + 'x'.repeat(40)]: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/other' },
      });
    } catch (e) {
      message = (e as Error).message;
    }
    const lines = message.split('\n');
    // The spec's own problems come first, in the same error (the wildcard tag is refused by the neutral validator for Azure).
    expect(lines[0]).toBe('azure.ContainerRegistry stack/Registry: 15 problems');
    expect(lines.slice(1)).toEqual([
      // The spec's problems (AcrValidator.problems) first, then the props'.
      expect.stringMatching(/^ {2}- access\.pushers\[0\]\.github\.tag: "v\*" has a wildcard; Entra federated identity credentials match the subject exactly/),
      `  - registryNameSuffix: "${'x'.repeat(40)}" gives the registry name "platformdev${'x'.repeat(40)}" (environment "dev"): ACR names are 5-50 letters and digits`,
      `  - registryNameSuffix: "${'x'.repeat(40)}" gives the registry name "platformstaging${'x'.repeat(40)}" (environment "staging"): ACR names are 5-50 letters and digits`,
      `  - registryNameSuffix: "${'x'.repeat(40)}" gives the registry name "platformprod${'x'.repeat(40)}" (environment "prod"): ACR names are 5-50 letters and digits`,
      '  - replication.replicas: "northeurope" is listed twice',
      '  - encryption.azureKeyVaultKeyId: is required on Azure with encryption.type "customer-managed" (the Key Vault key id)',
      expect.stringMatching(/^ {2}- upstreamCaches\[0\]\.url: "https:\/\/registry\.example\.com" is not an upstream ACR artifact cache supports/),
      '  - exportPolicyEnabled: false needs publicNetworkAccessEnabled: false as well (ACR refuses to disable exports on a publicly reachable registry)',
      '  - replication.replicas: "westeurope" is the home location; ACR replicates to other locations only (remove it)',
      '  - networkRules.allowedIpRanges: "10.0.0.0/33x" is not an IPv4 address or CIDR range',
      expect.stringMatching(/^ {2}- existingRegistryIds: "platformqa" is not a registry of the spec \(registries: platformdevx+, /),
      expect.stringMatching(/^ {2}- existingRegistryIds\.platformdevx+: "\/subscriptions\/s\/.*\.\.\. names another registry \("other"\)$/),
      '  - purgeSchedule: "@daily" is not a cron expression of 5 fields (minute hour day of month month day of week), in UTC',
      '  - purgeTaskTimeoutSeconds: 60 is outside 300-28800 seconds (ACR task limit)',
      '  - acrCliImage: "mcr.microsoft.com/acr/acr-cli:latest" is not mcr.microsoft.com/acr/acr-cli pinned to a version tag (0.19) or a digest',
    ]);
  });

  test('a retention rule that could expire an environment tag\'s image is an error (RetentionTagCheck)', () => {
    const spec = azureSpec(EnvironmentLayout.TAGS, { retention: { rules: [{ tagState: TagState.ANY, keepMostRecent: 20 }] } });
    expect(() => build(spec)).toThrow(new RegExp('^azure\\.ContainerRegistry stack/Registry: 3 problems\\n  - retention\\.rules\\[0\\]: "dev" could expire the image the ' +
      'environment tag "dev" points to: this rule selects every image and keeps only the 20 most recent\\. Add "dev" to retention\\.protectedTags'));
  });

  test('an unknown SKU and a malformed existing registry id are errors', () => {
    expect(() => build(azureSpec(EnvironmentLayout.TAGS), { sku: 'Gold' as AcrSku, existingRegistryIds: { platform: '/subscriptions/s/registries/platform' } })).toThrow([
      'azure.ContainerRegistry stack/Registry: 2 problems',
      '  - sku: "Gold" is not an ACR SKU (allowed: Basic, Standard, Premium)',
      '  - existingRegistryIds.platform: "/subscriptions/s/registries/platform" is not a registry resource id ' +
        '(/subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.ContainerRegistry/registries/<name>)',
    ].join('\n'));
  });

  test('an invalid spec is reported in the construct\'s one error, with the spec\'s problems first', () => {
    expect(() => build({ name: 'Bad_Name', repositories: [] })).toThrow(/^azure\.ContainerRegistry stack\/Registry: \d+ problems\n {2}- name: "Bad_Name" /);
  });

  test('the suffix must be lower-case letters and digits, as the promotion workflow builds login servers from it', () => {
    expect(() => build(azureSpec(EnvironmentLayout.TAGS), { registryNameSuffix: 'X-1' }))
      .toThrow(/registryNameSuffix: "X-1" must be lower-case letters and digits \(the promotion workflow reads it as AZURE_REGISTRY_SUFFIX\)/);
  });

  test('an older acr-cli image is an error', () => {
    expect(() => build(azureSpec(EnvironmentLayout.TAGS), { acrCliImage: 'mcr.microsoft.com/acr/acr-cli:0.16' }))
      .toThrow(/acrCliImage: "mcr\.microsoft\.com\/acr\/acr-cli:0\.16" is older than acr-cli 0\.19/);
  });
});

describe('ContainerRegistry props of the wrong shape, from JavaScript (issue 15 item 4)', () => {
  const spec = azureSpec(EnvironmentLayout.TAGS);
  test.each<[string, any, string]>([
    ['a number for a string', { location: 42 }, '  - props.location: 42 is not a string'],
    ['a missing required prop', { resourceGroupName: undefined }, '  - props.resourceGroupName: is required (a string)'],
    ['a string for a list', { networkRules: { allowedIpRanges: '10.0.0.0/8' } }, '  - props.networkRules.allowedIpRanges: "10.0.0.0/8" is not a list of strings'],
    ['a string for a boolean', { managementLock: 'yes' }, '  - props.managementLock: "yes" is not a boolean'],
    ['a string for a number', { purgeTaskTimeoutSeconds: '3600' }, '  - props.purgeTaskTimeoutSeconds: "3600" is not a number'],
    ['a list for a map', { tags: ['a'] }, '  - props.tags: ["a"] is not a map of strings'],
    ['a string for the spec', { spec: 'registry.yaml' }, '  - props.spec: "registry.yaml" is not a registry spec (an object)'],
    // Hostile sweep: enum props outside their enum fell through to one branch (or were written as is), nested props of the
    // wrong shape were reported as their fields' problems ("subnetId: \"\""), names were accepted whatever Azure takes.
    // Problems.show: JSON has no NaN, so the value read "null".
    ['NaN for the purge timeout', { purgeTaskTimeoutSeconds: NaN }, '  - purgeTaskTimeoutSeconds: NaN is outside 300-28800 seconds (ACR task limit)'],
    ['an unknown roleAssignmentMode', { roleAssignmentMode: 'Abac' }, '  - props.roleAssignmentMode: "Abac" is not one of AbacRepositoryPermissions, LegacyRegistryPermissions'],
    ['an unknown scopedAccess', { scopedAccess: 'TOKENS' }, '  - props.scopedAccess: "TOKENS" is not one of tokens, registry-role'],
    ['an unknown promotionMethod', { promotionMethod: 'skopeo' }, '  - props.promotionMethod: "skopeo" is not one of copy, import'],
    ['a string for privateEndpoint', { privateEndpoint: 'subnet-1' }, '  - props.privateEndpoint: "subnet-1" is not an object'],
    ['a list for events', { events: ['https://hooks.example.com'] }, '  - props.events: ["https://hooks.example.com"] is not an object'],
    // learn.microsoft.com "Naming rules and restrictions for Azure resources": resource groups 1-90 "Underscores, hyphens, periods,
    // parentheses, and letters or digits. Can't end with period."; vaults 3-24 "Alphanumerics and hyphens. Start with letter."
    ['a resource group with a slash', { resourceGroupName: 'rg/prod' }, '  - props.resourceGroupName: "rg/prod" is not a resource group name (1-90 letters, digits, _ - . ( ), not ending with a period)'],
    ['a resource group ending with a period', { resourceGroupName: 'rg.' }, '  - props.resourceGroupName: "rg." is not a resource group name (1-90 letters, digits, _ - . ( ), not ending with a period)'],
    ['an empty resource group', { resourceGroupName: '' }, '  - props.resourceGroupName: "" is not a resource group name (1-90 letters, digits, _ - . ( ), not ending with a period)'],
    ['a location with a hyphen', { location: 'west-europe' }, '  - props.location: "west-europe" is not an Azure location (such as westeurope, or its display name West Europe)'],
    ['a vault name instead of its id', { keyVaultId: 'kv-platform' },
      '  - props.keyVaultId: "kv-platform" is not a Key Vault resource id (/subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.KeyVault/vaults/<3-24 letters, digits, hyphens>)'],
    ['a purge schedule with a minute out of range', { purgeSchedule: '61 3 * * *' },
      '  - purgeSchedule: "61 3 * * *" is not a cron expression of 5 fields (minute hour day of month month day of week): minute "61" (out of range, or not *, ?, a value, a range a-b, a step /n or a list of those), in UTC'],
    ['a purge schedule of words', { purgeSchedule: 'every day at three am' },
      '  - purgeSchedule: "every day at three am" is not a cron expression of 5 fields (minute hour day of month month day of week): minute "every", hour "day", day of month "at", month "three", day of week "am" (out of range, or not *, ?, a value, a range a-b, a step /n or a list of those), in UTC'],
  ])('%s is a ProblemsError naming the prop, not a TypeError', (_, bad, line) => {
    let error: any;
    try {
      new ContainerRegistry(testStack(), 'Registry', { spec, resourceGroupName: 'rg', location: 'westeurope', ...bad });
    } catch (e) {
      error = e;
    }
    expect(error?.name).toBe('ProblemsError');
    expect(error.message).toBe(`azure.ContainerRegistry stack/Registry: 1 problem\n${line}`);
  });

  test('no props at all', () => {
    expect(() => new ContainerRegistry(testStack(), 'Registry', undefined as any)).toThrow('azure.ContainerRegistry stack/Registry: 1 problem\n  - props: is required');
  });

  test('negative controls: the enums\' values, a display-name location, unicode and parentheses in a resource group, a vault id and schedules with names and steps', () => {
    const vault = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv-platform1';
    for (const props of [
      {
        roleAssignmentMode: RoleAssignmentMode.LEGACY_REGISTRY_PERMISSIONS,
        scopedAccess: ScopedAccessMode.REGISTRY_ROLE,
        promotionMethod: PromotionMethod.IMPORT,
      },
      { location: 'West Europe', resourceGroupName: 'rg_platform-(prod).1', keyVaultId: vault },
      { resourceGroupName: 'rg-plattform-grün', purgeSchedule: '*/30 2-4 1,15 JAN-DEC mon-fri' },
    ]) {
      const stack = testStack();
      new ContainerRegistry(stack, 'Registry', { spec, resourceGroupName: 'rg', location: 'westeurope', ...props });
      expect(() => Testing.synth(stack, true)).not.toThrow();
    }
  });

  test('the home location given by its display name is still the home location of a replica', () => {
    expect(() => new ContainerRegistry(testStack(), 'Registry', {
      spec: { ...spec, replication: { replicas: [{ region: 'westeurope' }] } }, resourceGroupName: 'rg', location: 'West Europe',
    })).toThrow('replication.replicas: "westeurope" is the home location');
  });
});

describe('ContainerRegistry runs AcrTerraformChecks as a node validation', () => {
  test('an escape hatch that breaks an ACR constraint fails synthesis; the same stack without validations synthesizes', () => {
    const stack = testStack();
    const registry = new ContainerRegistry(stack, 'Registry', { spec: azureSpec(EnvironmentLayout.TAGS), resourceGroupName: 'rg', location: 'westeurope' });
    registry.registries.platform.addOverride('admin_enabled', true);
    expect(() => Testing.synth(stack)).not.toThrow();
    expect(() => Testing.synth(stack, true)).toThrow(/\[stack\/Registry\] azurerm_container_registry\.Registry_[0-9A-F]+ admin_enabled: must be false/);
  });

  test('only its own resources are checked (pathPrefix): another construct\'s resource in the stack is not its problem', () => {
    const stack = testStack();
    new ContainerRegistry(stack, 'Registry', { spec: azureSpec(EnvironmentLayout.TAGS), resourceGroupName: 'rg', location: 'westeurope' });
    new RoleAssignment(stack, 'Other', { scope: 's', principalId: PRINCIPAL, roleDefinitionName: 'Owner' });
    expect(() => Testing.synth(stack, true)).not.toThrow();
    const json = stack.toTerraform(); // with each resource's //.metadata.path, which the node validation reads
    expect(AcrTerraformChecks.check(json).map((p) => p.field)).toEqual(['role_definition_name']);
    expect(AcrTerraformChecks.check(json, { pathPrefix: 'stack/Registry' })).toEqual([]);
  });
});

describe('grants: a property over random call sequences (fast-check, seeded)', () => {
  type Call = [string, { environments?: string[]; images?: string[] } | undefined];
  const call: fc.Arbitrary<Call> = fc.tuple(
    fc.constantFrom('grantPull', 'grantPush', 'grantPullPush'),
    fc.option(fc.record({
      environments: fc.option(fc.subarray(['dev', 'staging', 'prod'], { minLength: 1 }), { nil: undefined }),
      images: fc.option(fc.subarray(['api', 'web', '*'], { minLength: 1 }), { nil: undefined }),
    }, { requiredKeys: [] }), { nil: undefined }),
  );
  const assignments = (calls: Call[], layout: EnvironmentLayout) => {
    const stack = testStack();
    const registry = new ContainerRegistry(stack, 'Registry', { spec: azureSpec(layout, { access: undefined, retention: undefined }), resourceGroupName: 'rg', location: 'westeurope' });
    for (const [m, o] of calls) (registry as any)[m](PRINCIPAL, o);
    const json = synthJson(stack);
    return Object.entries<any>(json.resource.azurerm_role_assignment ?? {})
      .map(([address, r]) => `${address} ${r.role_definition_name} ${r.condition}`).sort();
  };

  test('the role assignments depend on the set of grants only: order and repetition change nothing (120 cases)', () => {
    let collapsed = 0;
    const layouts = fc.constantFrom(EnvironmentLayout.REGISTRIES, EnvironmentLayout.REPOSITORIES);
    fc.assert(fc.property(fc.array(call, { minLength: 1, maxLength: 5 }), layouts, fc.nat(),
      (calls, layout, seed) => {
        const shuffled = [...calls].sort((a, b) => ((JSON.stringify(a) + seed).localeCompare(JSON.stringify(b) + seed)));
        const doubled = [...shuffled, ...calls];
        const a = assignments(calls, layout);
        const b = assignments(doubled, layout);
        // Cases where two different calls land on one role assignment (grantPush = grantPullPush, images ['*'] = every image).
        if (new Set(a.map((x) => x.split(' ')[0])).size < calls.length) collapsed++;
        expect(b).toEqual(a);
        expect(new Set(a.map((x) => x.split(' ')[0])).size).toBe(a.length);
      }), { seed: 20141, numRuns: 120 });
    expect(collapsed).toBeGreaterThan(20);
  });
});
