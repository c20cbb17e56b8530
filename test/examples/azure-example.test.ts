import { spawnSync } from 'child_process';
import { readFileSync } from 'fs';
import { join } from 'path';
import { AKS_KUBELET_PRINCIPAL, KEY_VAULT_ID, spec } from '../../examples/azure/spec';
import { AcrTerraformChecks } from '../../src/azure/terraform-checks';
import { AcrPurgeTranslation } from '../../src/retention/acr-translation';
import { EffectiveSpec } from '../../src/spec';

// The README's main command for the Azure example, then the output folder it writes
// (cdktf's own synth path: the app's `app.synth()`, what `cdktf synth` runs).
describe('examples/azure', () => {
  const root = join(__dirname, '../..');
  const res = spawnSync(join(root, 'node_modules/.bin/tsx'), [join(root, 'scripts/synth-examples.ts'), '--only', 'azure'], { cwd: root, encoding: 'utf8' });
  const out = join(root, 'examples/azure/cdktf.out/stacks/platform-registry-azure/cdk.tf.json');
  const tf = JSON.parse(res.status === 0 ? readFileSync(out, 'utf8') : '{}');
  const list = (type: string): any[] => Object.values(tf.resource?.[type] ?? {});
  const registries = list('azurerm_container_registry');

  test('synthesizes with no failure, printing the construct\'s warnings', () => {
    expect(res.stderr).toBe('');
    expect(res.stdout).toMatch(/== examples\/azure\n[\s\S]*output: examples\/azure\/cdktf\.out\/stacks\/platform-registry-azure\/cdk\.tf\.json\n\n1 example, 0 failures\n$/);
    expect(res.stdout).toMatch(/\[Warning at \/platform-registry-azure\/Registry\] \[container-registry-constructs:azure-tag-immutability\] tagPolicy \(api, web, jobs\/worker\): Azure Container Registry has no tag immutability/);
    expect(res.stdout).toMatch(/\[Warning at \/platform-registry-azure\/Registry\] \[container-registry-constructs:azure-scanning\] scanning: ACR has no registry-level scanning switch/);
    expect(res.status).toBe(0);
  });

  test('passes the ACR Terraform checks, with the azurerm provider and its features block', () => {
    expect(AcrTerraformChecks.check(tf, { expectDryRun: false })).toEqual([]);
    expect(tf.provider.azurerm).toEqual([{ features: [{}] }]);
    // role_assignment_mode (ABAC repository permissions) needs azurerm 4.81.0; the 4.55 binding writes it as an override.
    expect(tf.terraform.required_providers.azurerm.version).toBe('>= 4.81.0, < 5.0.0');
    expect(list('azurerm_container_registry').map((r) => r.role_assignment_mode)).toEqual(Array(3).fill('AbacRepositoryPermissions'));
  });

  test('three Premium registries, zone-redundant, replicated in alphabetical order, locked and protected from destroy', () => {
    expect(registries.map((r) => r.name).sort()).toEqual(['platformdevacme', 'platformprodacme', 'platformstagingacme']);
    for (const r of registries) {
      expect(r).toMatchObject({
        sku: 'Premium',
        location: 'westeurope',
        admin_enabled: false,
        anonymous_pull_enabled: false,
        zone_redundancy_enabled: true,
        lifecycle: { prevent_destroy: true },
        tags: { 'team': 'platform', 'cost-center': 'eng-42' },
      });
      expect(r.georeplications.map((g: any) => [g.location, g.zone_redundancy_enabled])).toEqual([['northeurope', false], ['swedencentral', true]]);
    }
    expect(list('azurerm_management_lock').map((l) => l.lock_level)).toEqual(['CanNotDelete', 'CanNotDelete', 'CanNotDelete']);
  });

  test('retention: 7 days for untagged manifests and the translation\'s purge commands, on a schedule, in every registry', () => {
    const expected = AcrPurgeTranslation.translate(
      spec.repositories.map((r) => ({ repository: r.name, policy: EffectiveSpec.retention(spec, r) })),
      { allRepositories: spec.repositories.map((r) => r.name) },
    );
    expect(expected.retentionDays).toBe(7);
    for (const r of registries) expect(r.retention_policy_in_days).toBe(7);
    const tasks = list('azurerm_container_registry_task');
    expect(tasks).toHaveLength(3);
    for (const t of tasks) expect(t.timer_trigger).toEqual([{ name: 'retention-schedule', schedule: '30 2 * * *', enabled: true }]);
    for (const commands of Object.values(AcrTerraformChecks.purgeTasks(tf))) {
      expect(commands.map((c) => c.replace(/^purge --registry \{\{\.Run\.Registry\}\} /, 'acr purge '))).toEqual(expected.commands);
      expect(commands).toEqual([
        'purge --registry {{.Run.Registry}} --filter "^(api|jobs/worker|web)$:^(?!(v.*|dev|staging|prod)$)(pr-.*)$" --ago 14d',
        'purge --registry {{.Run.Registry}} --filter "^(api|jobs/worker|web)$:^(?!(v.*|dev|staging|prod|pr-.*)$)(main-.*)$" --ago 30d',
      ]);
    }
  });

  test('GitHub identities: CI pushes to dev only, the promoter reads the source and writes the destination, AKS pulls everywhere', () => {
    const byName = Object.fromEntries(Object.entries<any>(tf.resource.azurerm_user_assigned_identity).map(([k, v]) => [v.name, k]));
    expect(Object.keys(byName).sort()).toEqual(['platform-ci', 'platform-promoter']);
    const who = (principal: string) => (principal === AKS_KUBELET_PRINCIPAL ? 'aks'
      : principal.includes(byName['platform-ci']) ? 'ci' : principal.includes(byName['platform-promoter']) ? 'promoter' : 'task');
    const addresses = Object.entries<any>(tf.resource.azurerm_container_registry);
    const registryOf = (scope: string) => addresses.find(([address]) => scope.includes(`.${address}.`))?.[1].name;
    const grants = list('azurerm_role_assignment')
      .filter((a) => who(a.principal_id) !== 'task' && !a.scope.startsWith(KEY_VAULT_ID))
      .map((a) => `${who(a.principal_id)} ${a.role_definition_name} ${registryOf(a.scope)}`).sort();
    expect(grants).toEqual([
      'aks Container Registry Repository Reader platformdevacme', 'aks Container Registry Repository Reader platformprodacme',
      'aks Container Registry Repository Reader platformstagingacme',
      'ci Container Registry Repository Writer platformdevacme',
      'promoter Container Registry Repository Reader platformdevacme', 'promoter Container Registry Repository Writer platformprodacme',
      'promoter Container Registry Repository Writer platformstagingacme',
    ]);
    // Every repository role names exactly its repositories.
    expect(list('azurerm_role_assignment').filter((a) => /Repository (Reader|Writer)$/.test(a.role_definition_name)).every((a) => /StringEqualsIgnoreCase 'api'/.test(a.condition))).toBe(true);
    expect(list('azurerm_federated_identity_credential').map((f) => f.subject).sort()).toEqual([
      'repo:acme/platform:environment:prod', 'repo:acme/platform:ref:refs/heads/main',
    ]);
    expect(tf.resource.azurerm_container_registry_token).toBeUndefined();
  });

  test('a Docker Hub cache with a Key Vault credential set in every registry', () => {
    expect(list('azurerm_container_registry_cache_rule').map((c) => [c.source_repo, c.target_repo])).toEqual(Array(3).fill(['docker.io/*', 'docker-hub/*']));
    expect(list('azurerm_container_registry_credential_set').map((c) => c.authentication_credentials.password_secret_id))
      .toEqual(Array(3).fill('https://platform-kv.vault.azure.net/secrets/dockerhub-token'));
    // Each credential set reads exactly its two secrets, not the vault.
    expect(list('azurerm_role_assignment').filter((a) => a.role_definition_name === 'Key Vault Secrets User').map((a) => a.scope).sort())
      .toEqual([...Array(3).fill(`${KEY_VAULT_ID}/secrets/dockerhub-token`), ...Array(3).fill(`${KEY_VAULT_ID}/secrets/dockerhub-username`)]);
    expect(list('azurerm_role_assignment').some((a) => a.scope === KEY_VAULT_ID)).toBe(false);
  });

  test('outputs for the promotion workflow', () => {
    expect(Object.keys(tf.output).sort()).toEqual([
      'AZURE_CLIENT_ID_CI', 'AZURE_CLIENT_ID_PROMOTER', 'AZURE_REGISTRY_LOGIN_SERVER_DEV', 'AZURE_REGISTRY_LOGIN_SERVER_PROD',
      'AZURE_REGISTRY_LOGIN_SERVER_STAGING', 'AZURE_REGISTRY_SUFFIX', 'AZURE_SUBSCRIPTION_ID', 'AZURE_TENANT_ID',
    ]);
  });
});
