import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { TerraformStack, Testing } from 'cdktf';
import { IConstruct } from 'constructs';
import { EnvironmentLayout, RegistrySpec, TagState } from '../../src/spec';

// The cdktf jest matchers (toHaveResourceWithProperties, ...), for every test file that imports the helpers.
Testing.setupJest();

/** A stack with the azurerm provider (its features block is required), in a test app. */
export function testStack(): TerraformStack {
  const app = Testing.app();
  const stack = new TerraformStack(app, 'stack');
  new AzurermProvider(stack, 'azurerm', { features: [{}] });
  return stack;
}

/** The synthesized JSON of a stack, parsed. */
export function synthJson(stack: TerraformStack): any {
  return JSON.parse(Testing.synth(stack));
}

/** The resources of one type in parsed Terraform JSON, as a list. */
export function resources(json: any, type: string): any[] {
  return Object.values(json.resource?.[type] ?? {});
}

/** Warning messages under a construct, as emitted: `[<id>] <message>`. */
export function taggedWarnings(scope: IConstruct): string[] {
  return scope.node.findAll().flatMap((c) => c.node.metadata.filter((m) => m.type === '@cdktf/warn').map((m) => String(m.data)));
}

const TAG = /^\[(container-registry-constructs:azure-[a-z-]+)\] /;

/** Warning messages under a construct, without their `[<id>] ` prefix (every one must have it). */
export function warnings(scope: IConstruct): string[] {
  return taggedWarnings(scope).map((w) => {
    if (!TAG.test(w)) throw new Error(`warning without an id: ${w}`);
    return w.replace(TAG, '');
  });
}

/** The ids of the warnings under a construct. */
export function warningIds(scope: IConstruct): string[] {
  return taggedWarnings(scope).map((w) => TAG.exec(w)?.[1] ?? '(none)');
}

export const PRINCIPAL = '11111111-2222-3333-4444-555555555555';
export const KEY_ID = 'https://kv1.vault.azure.net/keys/acr';
export const VAULT_ID = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv1';

/** A spec with three environments on the given layout. */
export function azureSpec(layout: EnvironmentLayout, overrides: Partial<RegistrySpec> = {}): RegistrySpec {
  return {
    name: 'platform',
    repositories: [{ name: 'api' }, { name: 'web' }],
    environments: { layout, chain: [{ name: 'dev' }, { name: 'staging' }, { name: 'prod' }] },
    retention: {
      protectedTags: ['v*', 'dev', 'staging', 'prod'],
      rules: [
        { tagState: TagState.UNTAGGED, expireAfterDays: 7 },
        { tagState: TagState.TAGGED, tagPatterns: ['pr-*'], keepMostRecent: 5 },
      ],
    },
    access: {
      pushers: [{ name: 'ci', github: { repository: 'example/platform', branch: 'main' } }],
      pullers: [{ name: 'runtime', azurePrincipalIds: [PRINCIPAL] }],
      promoters: [{ name: 'promoter', github: { repository: 'example/platform', environment: 'prod' } }],
    },
    ...overrides,
  };
}
