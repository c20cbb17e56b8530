import { Testing } from 'cdktf';
import { azureSpec, PRINCIPAL, taggedWarnings, testStack, VAULT_ID, warningIds } from './helpers';
import { AzureWarnings, ContainerRegistry, ContainerRegistryProps, PromotionMethod, RoleAssignmentMode, ScopedAccessMode } from '../../src/azure';
import { EncryptionType, EnvironmentLayout, NotificationEvent, RegistrySpec, TagState, UpstreamRegistry } from '../../src/spec';
import { WarningIds } from '../../src/spec/contract';

/** Synthesizes a scenario and returns the construct's warnings, as emitted. */
function emitted(spec: RegistrySpec, props: Partial<ContainerRegistryProps> = {}, grant?: (r: ContainerRegistry) => void): string[] {
  const stack = testStack();
  const registry = new ContainerRegistry(stack, 'Registry', { spec, resourceGroupName: 'rg', location: 'westeurope', ...props });
  grant?.(registry);
  Testing.synth(stack, true);
  return taggedWarnings(stack);
}

const RETENTION = { protectedTags: ['v*', 'dev', 'staging', 'prod'], rules: [{ tagState: TagState.UNTAGGED, expireAfterDays: 7 }, { tagState: TagState.TAGGED, tagPatterns: ['pr-*'], expireAfterDays: 14 }, { tagState: TagState.ANY, keepMostRecent: 50 }] };
const EXISTING = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/platformdev';

// The scenarios the other Azure tests synthesize, together emitting every warning of the list.
const scenarios: Array<() => string[]> = [
  () => emitted(azureSpec(EnvironmentLayout.TAGS, { retention: RETENTION })),
  () => emitted(azureSpec(EnvironmentLayout.REGISTRIES, {
    retention: RETENTION,
    encryption: { type: EncryptionType.CUSTOMER_MANAGED, azureKeyVaultKeyId: 'https://other.vault.azure.net/keys/acr' },
    upstreamCaches: [
      { name: 'hub', upstream: UpstreamRegistry.DOCKER_HUB },
      {
        name: 'ghcr',
        upstream: UpstreamRegistry.GITHUB,
        azureUsernameSecretId: 'https://other.vault.azure.net/secrets/u',
        azurePasswordSecretId: 'https://other.vault.azure.net/secrets/p',
      },
    ],
  }), {
    keyVaultId: VAULT_ID,
    existingRegistryIds: { platformdev: EXISTING },
    enableDefenderForContainers: true,
    publicNetworkAccessEnabled: false,
    exportPolicyEnabled: false,
    promotionMethod: PromotionMethod.IMPORT,
  }),
  () => emitted(azureSpec(EnvironmentLayout.REGISTRIES, {
    encryption: { type: EncryptionType.CUSTOMER_MANAGED, azureKeyVaultKeyId: 'https://kv1.vault.azure.net/keys/acr' },
    upstreamCaches: [{
      name: 'ghcr',
      upstream: UpstreamRegistry.GITHUB,
      azureUsernameSecretId: 'https://kv1.vault.azure.net/secrets/u',
      azurePasswordSecretId: 'https://kv1.vault.azure.net/secrets/p',
    }],
  })),
  () => emitted(azureSpec(EnvironmentLayout.REPOSITORIES), { roleAssignmentMode: RoleAssignmentMode.LEGACY_REGISTRY_PERMISSIONS },
    (r) => r.grantPull(PRINCIPAL, { environments: ['prod'] })),
  () => emitted(azureSpec(EnvironmentLayout.REPOSITORIES), {
    roleAssignmentMode: RoleAssignmentMode.LEGACY_REGISTRY_PERMISSIONS, scopedAccess: ScopedAccessMode.REGISTRY_ROLE,
  }),
  // Issue 19: scan findings have no ACR event.
  () => emitted(azureSpec(EnvironmentLayout.REPOSITORIES, { notifications: { events: [NotificationEvent.SCAN_FINDING] } })),
];

describe('AzureWarnings', () => {
  const all = scenarios.flatMap((s) => s());

  test('every emitted warning starts with an id of the list', () => {
    const known = new Set(AzureWarnings.WARNINGS.map((w) => w.id));
    for (const w of all) {
      const id = /^\[([^\]]+)\] /.exec(w)?.[1];
      expect({ w, known: id !== undefined && known.has(id) }).toEqual({ w, known: true });
    }
  });

  test('the scenarios emit every warning of the list (so the list has no dead entry)', () => {
    const ids = new Set(all.map((w) => /^\[([^\]]+)\] /.exec(w)![1]));
    expect(AzureWarnings.WARNINGS.map((w) => w.id).filter((id) => !ids.has(id))).toEqual([]);
  });

  test('ids are unique, well formed and azure\'s', () => {
    const ids = AzureWarnings.WARNINGS.map((w) => w.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const w of AzureWarnings.WARNINGS) {
      expect(w.id).toMatch(new RegExp(`^${WarningIds.PREFIX}azure-[a-z]+(-[a-z]+)*$`));
      expect(w.cloud).toBe('azure');
      expect(w.summary).toMatch(/\.$/);
    }
  });

  test('a topic outside the list is a programming error (negative control of the check above)', () => {
    const stack = testStack();
    expect(() => AzureWarnings._emit(stack, 'no-such-topic', 'x')).toThrow('unknown Azure warning topic "no-such-topic"');
    expect(warningIds(stack)).toEqual([]);
  });

  test('the tag-immutability warning names the repositories of each distinct message once, in the spec\'s order', () => {
    const spec = azureSpec(EnvironmentLayout.REGISTRIES, {
      tagPolicy: { immutable: true },
      repositories: [{ name: 'web' }, { name: 'api' }, { name: 'batch', tagPolicy: { immutable: false } }, { name: 'jobs' }],
    });
    const tagWarnings = emitted(spec).filter((w) => w.startsWith('[container-registry-constructs:azure-tag-immutability] '));
    expect(tagWarnings).toHaveLength(1);
    expect(tagWarnings[0]).toMatch(/^\[container-registry-constructs:azure-tag-immutability\] tagPolicy \(web, api, jobs\): /);
  });
});
