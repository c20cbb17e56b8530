import { UserAssignedIdentity } from '@cdktf/provider-azurerm/lib/user-assigned-identity';
import { PRINCIPAL, resources, synthJson, testStack, warnings } from './helpers';
import { AcrAbac, AcrRegistry, RoleAssignmentMode } from '../../src/azure';

const ID = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/Platformdev';

describe('AcrRegistry.fromRegistryAttributes', () => {
  test('attributes from the resource id', () => {
    const registry = AcrRegistry.fromRegistryId(testStack(), 'Existing', ID);
    expect([registry.registryName, registry.registryId, registry.loginServer, registry.roleAssignmentMode])
      .toEqual(['Platformdev', ID, 'platformdev.azurecr.io', RoleAssignmentMode.ABAC_REPOSITORY_PERMISSIONS]);
  });

  test('a malformed id and an unknown mode are one ProblemsError', () => {
    expect(() => AcrRegistry.fromRegistryAttributes(testStack(), 'Existing', { registryId: '/subscriptions/s/registries/x', roleAssignmentMode: 'Open' as any })).toThrow([
      'azure.AcrRegistry.fromRegistryAttributes stack/Existing: 2 problems',
      '  - attrs.registryId: "/subscriptions/s/registries/x" is not a registry resource id ' +
        '(/subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.ContainerRegistry/registries/<name>)',
      '  - attrs.roleAssignmentMode: "Open" is not AbacRepositoryPermissions or LegacyRegistryPermissions',
    ].join('\n'));
  });

  test('ABAC grants name the images exactly (prefixes for /*), are idempotent and order-independent', () => {
    const stack = testStack();
    const registry = AcrRegistry.fromRegistryId(stack, 'Existing', ID);
    const pull = registry.grantPull(PRINCIPAL, { images: ['api', 'jobs/*'] });
    expect(registry.grantPull(PRINCIPAL, { images: ['jobs/*', 'api'] })).toEqual(pull);
    registry.grantPush(PRINCIPAL, { images: ['api'] });
    registry.grantPull(PRINCIPAL);
    const roles = resources(synthJson(stack), 'azurerm_role_assignment');
    expect(roles).toHaveLength(3);
    expect(roles).toEqual(expect.arrayContaining([
      expect.objectContaining({ role_definition_name: AcrAbac.READER, condition: AcrAbac.reader(['api'], ['jobs/']), scope: ID }),
      expect.objectContaining({ role_definition_name: AcrAbac.WRITER, condition: AcrAbac.writer(['api'], ['api']), scope: ID }),
    ]));
    // Every repository: the role without a condition (ACR docs: an ABAC role without conditions is not scoped to repositories).
    expect(roles.filter((r) => r.condition === undefined).map((r) => r.role_definition_name)).toEqual([AcrAbac.READER]);
    expect(registry.node.children.map((c) => c.node.id).sort()).toEqual([
      `Grant-AcrPull-${PRINCIPAL}`, expect.stringMatching(new RegExp(`^Grant-AcrPull-${PRINCIPAL}-[0-9a-f]{8}$`)),
      expect.stringMatching(new RegExp(`^Grant-AcrPush-${PRINCIPAL}-[0-9a-f]{8}$`)),
    ]);
  });

  test('a prefix pushes too: the writer condition allows write under it', () => {
    const stack = testStack();
    AcrRegistry.fromRegistryId(stack, 'Existing', ID).grantPush(PRINCIPAL, { images: ['jobs/*'] });
    const [role] = resources(synthJson(stack), 'azurerm_role_assignment');
    expect(role.condition).toContain("!(ActionMatches{'Microsoft.ContainerRegistry/registries/repositories/content/write'})");
    expect(role.condition).toContain("StringStartsWithIgnoreCase 'jobs/'");
    expect(role.condition.match(/StringStartsWithIgnoreCase 'jobs\/'/g)).toHaveLength(2); // read and write blocks
  });

  test('legacy mode: AcrPull on the registry, with a warning when images were asked for', () => {
    const stack = testStack();
    const registry = AcrRegistry.fromRegistryAttributes(stack, 'Existing', { registryId: ID, roleAssignmentMode: RoleAssignmentMode.LEGACY_REGISTRY_PERMISSIONS });
    registry.grantPull(PRINCIPAL, { images: ['api'] });
    expect(resources(synthJson(stack), 'azurerm_role_assignment')).toEqual([expect.objectContaining({ role_definition_name: 'AcrPull', scope: ID })]);
    expect(warnings(stack)).toEqual(['grantPull (AcrPull) on registry "Platformdev": with legacy registry permissions Azure roles are registry-wide, so the grant of api covers every repository of the registry']);
  });

  test('environments and mid-pattern wildcards are refused', () => {
    const registry = AcrRegistry.fromRegistryId(testStack(), 'Existing', ID);
    expect(() => registry.grantPull(PRINCIPAL, { environments: ['prod'], images: ['a*b'] })).toThrow([
      'azure.AcrRegistry stack/Existing grantPull: 2 problems',
      '  - options.environments: ["prod"] does not apply to an imported registry (it has no spec environments): name its repositories in images',
      '  - options.images[0]: "a*b" has a wildcard an ABAC condition cannot express: give a repository path, or a prefix ending in /*',
    ].join('\n'));
  });
});

describe('grant ids of token principals', () => {
  test('a managed identity\'s principalId gets an id from its Terraform expression, not from the token\'s creation order', () => {
    const idOf = (extraTokensFirst: number) => {
      const stack = testStack();
      for (let i = 0; i < extraTokensFirst; i++) new UserAssignedIdentity(stack, `Extra${i}`, { name: `x${i}`, resourceGroupName: 'rg', location: 'westeurope' }).principalId;
      const uai = new UserAssignedIdentity(stack, 'Ci', { name: 'ci', resourceGroupName: 'rg', location: 'westeurope' });
      return AcrRegistry.fromRegistryId(stack, 'Existing', ID).grantPull(uai.principalId)[0].node.id;
    };
    expect(idOf(0)).toMatch(/^Grant-AcrPull-p[0-9a-f]{8}$/);
    expect(idOf(3)).toBe(idOf(0));
  });
});
