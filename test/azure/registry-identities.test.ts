import 'cdktf/lib/testing/adapters/jest';
import { Testing } from 'cdktf';
import { azureSpec, PRINCIPAL, resources, testStack, warnings } from './helpers';
import { AcrRoles, GithubFederation, PromotionMethod, RegistryIdentities, RegistryTarget, ScopedAccessMode } from '../../src/azure';
import { EnvironmentLayout, RegistrySpec } from '../../src/spec';

const id = (name: string) => `/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/${name}`;
const perEnvironment: RegistryTarget[] = ['dev', 'staging', 'prod'].map((env) => ({
  name: `platform${env}`, id: id(`platform${env}`), resourceGroupName: 'rg', environments: [env],
}));
const oneRegistry: RegistryTarget[] = [{ name: 'platform', id: id('platform'), resourceGroupName: 'rg', environments: ['dev', 'staging', 'prod'] }];

function build(spec: RegistrySpec, registries: RegistryTarget[], scopedAccess?: ScopedAccessMode, promotionMethod?: PromotionMethod) {
  const stack = testStack();
  const identities = new RegistryIdentities(stack, 'Identities', { spec, registries, resourceGroupName: 'rg', location: 'westeurope', scopedAccess, promotionMethod });
  const synth = Testing.synth(stack);
  return { stack, identities, synth, json: JSON.parse(synth) };
}

/** [principal, role, registry] of every role assignment, sorted. */
function assignments(json: any): string[][] {
  return resources(json, 'azurerm_role_assignment').map((r) => {
    const principal = r.principal_id === PRINCIPAL ? 'runtime' : /user_assigned_identity\.Identities_([a-z]+)_/.exec(r.principal_id)![1];
    const role = r.role_definition_name ?? 'AcrImport';
    return [principal, role, r.scope.split('/').pop()];
  }).sort();
}

describe('RegistryIdentities, one registry per environment', () => {
  const { stack, identities, synth, json } = build(azureSpec(EnvironmentLayout.REGISTRIES), perEnvironment);

  test('each grant covers a whole registry: role assignments scoped to that registry, no tokens', () => {
    expect(assignments(json)).toEqual([
      ['ci', 'AcrPush', 'platformdev'],
      ['promoter', 'AcrPull', 'platformdev'],
      ['promoter', 'AcrPush', 'platformprod'],
      ['promoter', 'AcrPush', 'platformstaging'],
      ['runtime', 'AcrPull', 'platformdev'],
      ['runtime', 'AcrPull', 'platformprod'],
      ['runtime', 'AcrPull', 'platformstaging'],
    ]);
    expect(json.resource.azurerm_container_registry_scope_map).toBeUndefined();
    expect(json.resource.azurerm_container_registry_token).toBeUndefined();
    expect(warnings(stack)).toEqual([]);
  });

  test('promoters read the source and write the destination (skopeo copy by digest), nothing else', () => {
    // ACR roles doc: AcrPush = push + pull, AcrPull = pull; neither can delete. The generated promotion
    // workflow copies with skopeo through the data plane, so no import (control-plane) action is granted.
    expect(assignments(json).filter(([who]) => who === 'promoter').map(([, role, reg]) => `${role}@${reg}`))
      .toEqual(['AcrPull@platformdev', 'AcrPush@platformprod', 'AcrPush@platformstaging']);
    expect(json.resource.azurerm_role_definition).toBeUndefined();
    expect(resources(json, 'azurerm_role_assignment').every((r) => ['AcrPull', 'AcrPush'].includes(r.role_definition_name))).toBe(true);
  });

  test('a managed identity per GitHub-trusted identity, with a federated credential for its workflow', () => {
    expect(Object.keys(identities.identities).sort()).toEqual(['ci', 'promoter']);
    expect(synth).toHaveResourceWithProperties({ tfResourceType: 'azurerm_user_assigned_identity' }, { name: 'platform-ci', location: 'westeurope', resource_group_name: 'rg' });
    expect(resources(json, 'azurerm_federated_identity_credential').map((f) => [f.name, f.subject, f.issuer, f.audience])).toEqual([
      ['github-pusher', 'repo:example/platform:ref:refs/heads/main', 'https://token.actions.githubusercontent.com', ['api://AzureADTokenExchange']],
      ['github-promoter', 'repo:example/platform:environment:prod', 'https://token.actions.githubusercontent.com', ['api://AzureADTokenExchange']],
    ]);
  });

  test('outputs named for the promotion workflow', () => {
    expect(Object.keys(json.output).sort()).toEqual(['AZURE_CLIENT_ID_CI', 'AZURE_CLIENT_ID_PROMOTER', 'AZURE_SUBSCRIPTION_ID', 'AZURE_TENANT_ID']);
    expect(json.output.AZURE_CLIENT_ID_CI.value).toMatch(/^\$\{azurerm_user_assigned_identity\.Identities_ci_\w+\.client_id\}$/);
  });

  test('snapshot', () => {
    expect(synth).toMatchSnapshot();
  });
});

describe('RegistryIdentities, one registry holding every environment', () => {
  test('TOKENS (default): partial grants become scope maps with exact actions and tokens, with a warning', () => {
    const { stack, json } = build(azureSpec(EnvironmentLayout.REPOSITORIES), oneRegistry);
    // The puller reads every environment, so its grant covers the whole registry.
    expect(assignments(json)).toEqual([['runtime', 'AcrPull', 'platform']]);
    const maps = Object.fromEntries(resources(json, 'azurerm_container_registry_scope_map').map((m) => [m.name, m.actions]));
    expect(maps['ci-pusher']).toEqual([
      'repositories/dev/api/content/read', 'repositories/dev/api/content/write', 'repositories/dev/api/metadata/read',
      'repositories/dev/web/content/read', 'repositories/dev/web/content/write', 'repositories/dev/web/metadata/read',
    ]);
    expect(maps['promoter-promoter']).toEqual([
      'repositories/dev/api/content/read', 'repositories/dev/api/metadata/read',
      'repositories/dev/web/content/read', 'repositories/dev/web/metadata/read',
      'repositories/prod/api/content/read', 'repositories/prod/api/content/write', 'repositories/prod/api/metadata/read',
      'repositories/prod/web/content/read', 'repositories/prod/web/content/write', 'repositories/prod/web/metadata/read',
      'repositories/staging/api/content/read', 'repositories/staging/api/content/write', 'repositories/staging/api/metadata/read',
      'repositories/staging/web/content/read', 'repositories/staging/web/content/write', 'repositories/staging/web/metadata/read',
    ]);
    expect(resources(json, 'azurerm_container_registry_token').map((t) => [t.name, t.container_registry_name, t.enabled])).toEqual([
      ['ci-pusher', 'platform', true], ['promoter-promoter', 'platform', true],
    ]);
    expect(json.resource.azurerm_container_registry_token_password).toBeUndefined();
    expect(warnings(stack)).toEqual([
      expect.stringMatching(/^pusher "ci": the grant covers only some repositories of registry "platform" and Azure roles are registry-wide, so it is a scope map and token "ci-pusher" \(a registry-local user name and password, not an Entra identity/),
      expect.stringMatching(/^promoter "promoter": the grant covers only some repositories of registry "platform".*The identity \(1 principal\) gets no role for this grant/),
    ]);
  });

  test('REGISTRY_ROLE: the registry-wide role, with a warning naming what it allows beyond the spec', () => {
    const { stack, json } = build(azureSpec(EnvironmentLayout.REPOSITORIES), oneRegistry, ScopedAccessMode.REGISTRY_ROLE);
    expect(assignments(json)).toEqual([
      ['ci', 'AcrPush', 'platform'],
      ['promoter', 'AcrPush', 'platform'],
      ['runtime', 'AcrPull', 'platform'],
    ]);
    expect(json.resource.azurerm_container_registry_scope_map).toBeUndefined();
    expect(warnings(stack)).toEqual([
      'pusher "ci": with legacy registry permissions Azure roles are registry-wide (roleAssignmentMode ABAC_REPOSITORY_PERMISSIONS names repositories), so the role on registry ' +
        '"platform" is wider than the spec asks: it also allows writing staging/api, staging/web, prod/api, prod/web. Use scopedAccess TOKENS for exact repository ' +
        'permissions, or the registries layout (one registry per environment)',
      expect.stringMatching(/^promoter "promoter": .*it also allows writing dev\/api, dev\/web\./),
    ]);
  });

  test('an identity restricted to some repositories gets a token even with one registry per environment', () => {
    const spec = azureSpec(EnvironmentLayout.REGISTRIES, {
      access: { pullers: [{ name: 'web-runtime', repositories: ['web'], azurePrincipalIds: [PRINCIPAL] }] },
    });
    const { json } = build(spec, perEnvironment);
    expect(json.resource.azurerm_role_assignment).toBeUndefined();
    expect(resources(json, 'azurerm_container_registry_scope_map').map((m) => [m.container_registry_name, m.actions])).toEqual([
      ['platformdev', ['repositories/web/content/read', 'repositories/web/metadata/read']],
      ['platformprod', ['repositories/web/content/read', 'repositories/web/metadata/read']],
      ['platformstaging', ['repositories/web/content/read', 'repositories/web/metadata/read']],
    ]);
  });
});

describe('PromotionMethod.IMPORT', () => {
  test('promoters get a custom role of exactly registries/read and importImage/action on each destination, AcrPull on sources', () => {
    // ACR docs (custom roles, import): importing needs Microsoft.ContainerRegistry/registries/importImage/action on the
    // target registry, a control-plane action that AcrPush does not include; the source is read with AcrPull.
    const { json } = build(azureSpec(EnvironmentLayout.REGISTRIES), perEnvironment, undefined, PromotionMethod.IMPORT);
    expect(assignments(json).filter(([who]) => who === 'promoter')).toEqual([
      ['promoter', 'AcrImport', 'platformprod'], ['promoter', 'AcrImport', 'platformstaging'],
      // The promotion reads the destination before and after the copy (AccessModel): AcrPull on each destination too.
      ['promoter', 'AcrPull', 'platformdev'], ['promoter', 'AcrPull', 'platformprod'], ['promoter', 'AcrPull', 'platformstaging'],
    ]);
    const defs = resources(json, 'azurerm_role_definition');
    expect(defs.map((d) => d.name).sort()).toEqual(['AcrImport platformprod', 'AcrImport platformstaging']);
    for (const d of defs) {
      expect(d.permissions).toEqual([{ actions: AcrRoles.IMPORT_ACTIONS }]);
      expect(d.scope).toBe(`\${join("/", slice(split("/", "${id(d.name.split(' ')[1])}"), 0, 5))}`);
      expect(d.assignable_scopes).toEqual([d.scope]);
    }
    expect(AcrRoles.IMPORT_ACTIONS).toEqual(['Microsoft.ContainerRegistry/registries/read', 'Microsoft.ContainerRegistry/registries/importImage/action']);
  });

  test('import cannot be scoped to repositories: with one registry the promoter gets the registry-wide roles and a warning', () => {
    const { json, stack } = build(azureSpec(EnvironmentLayout.REPOSITORIES), oneRegistry, undefined, PromotionMethod.IMPORT);
    expect(assignments(json)).toEqual([['promoter', 'AcrImport', 'platform'], ['promoter', 'AcrPull', 'platform'], ['runtime', 'AcrPull', 'platform']]);
    expect(resources(json, 'azurerm_container_registry_token').map((t) => t.name)).toEqual(['ci-pusher']);
    expect(warnings(stack)).toContainEqual(expect.stringMatching(/^promoter "promoter": with legacy registry permissions Azure roles are registry-wide .* it also allows writing dev\/api, dev\/web\./));
  });
});

describe('GitHub federation', () => {
  test('subjects for a branch, an environment and a tag', () => {
    expect(GithubFederation.subject({ repository: 'o/r', branch: 'main' })).toBe('repo:o/r:ref:refs/heads/main');
    expect(GithubFederation.subject({ repository: 'o/r', environment: 'prod' })).toBe('repo:o/r:environment:prod');
    expect(GithubFederation.subject({ repository: 'o/r', tag: 'v1.2.3' })).toBe('repo:o/r:ref:refs/tags/v1.2.3');
  });

  test('a wildcard tag is an error: federated credentials match the subject exactly', () => {
    const spec = azureSpec(EnvironmentLayout.REGISTRIES, {
      access: {
        pushers: [{ name: 'ci', github: { repository: 'o/r', tag: 'v*' } }],
        promoters: [{ name: 'rel', github: { repository: 'o/r', tag: 'release-*' } }],
      },
    });
    expect(() => build(spec, perEnvironment)).toThrow(new RegExp(
      '^azure\\.RegistryIdentities stack\\/Identities: 2 problems\\n  - access\\.pushers\\[0\\]\\.github\\.tag: "v\\*" has a wildcard; Entra federated identity credentials match the subject exactly' +
      '.*\\n  - access\\.promoters\\[0\\]\\.github\\.tag: "release-\\*" has a wildcard'));
  });

  test('one identity name in two roles is one managed identity with both grants', () => {
    const trust = { repository: 'o/r', branch: 'main' };
    const spec = azureSpec(EnvironmentLayout.REGISTRIES, {
      access: { pushers: [{ name: 'ci', github: trust }], pullers: [{ name: 'ci', github: trust }] },
    });
    const { json } = build(spec, perEnvironment);
    expect(resources(json, 'azurerm_user_assigned_identity')).toHaveLength(1);
    expect(resources(json, 'azurerm_federated_identity_credential')).toHaveLength(1);
    expect(assignments(json)).toEqual([
      ['ci', 'AcrPull', 'platformdev'], ['ci', 'AcrPull', 'platformprod'], ['ci', 'AcrPull', 'platformstaging'], ['ci', 'AcrPush', 'platformdev'],
    ]);
  });
});

describe('RegistryIdentities, identities shared between roles and identities of other clouds', () => {
  test('one identity object in two roles (a YAML anchor) gets both roles\' grants', () => {
    const ci = { name: 'ci', github: { repository: 'example/platform', branch: 'main' } };
    const spec: RegistrySpec = { ...azureSpec(EnvironmentLayout.REGISTRIES), access: { pushers: [ci], pullers: [ci] } };
    const { json } = build(spec, perEnvironment);
    expect(assignments(json)).toEqual([
      ['ci', 'AcrPull', 'platformdev'], ['ci', 'AcrPull', 'platformprod'], ['ci', 'AcrPull', 'platformstaging'], ['ci', 'AcrPush', 'platformdev'],
    ]);
  });

  test('a partial grant of an identity with no Azure principal creates no token', () => {
    const spec: RegistrySpec = {
      ...azureSpec(EnvironmentLayout.REPOSITORIES),
      access: { pullers: [{ name: 'awsonly', awsAccountIds: ['111122223333'], environments: ['prod'] }] },
    };
    const { json } = build(spec, oneRegistry);
    expect(resources(json, 'azurerm_container_registry_token')).toEqual([]);
    expect(resources(json, 'azurerm_container_registry_scope_map')).toEqual([]);
  });
});
