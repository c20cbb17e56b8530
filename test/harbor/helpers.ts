import { TerraformStack, Testing } from 'cdktf';
import { IConstruct } from 'constructs';
import { EnvironmentLayout, RegistrySpec, Severity, TagState, UpstreamRegistry } from '../../src/spec';

// The cdktf jest matchers, for every test file that imports the helpers.
Testing.setupJest();

/** A stack in a test app (the Harbor construct creates its own provider unless given one). */
export function testStack(): TerraformStack {
  return new TerraformStack(Testing.app(), 'stack');
}

/** The synthesized JSON of a stack, parsed (runs the node validations, as cdktf synth does). */
export function synthJson(stack: TerraformStack): any {
  return JSON.parse(Testing.synth(stack, true));
}

/** The resources of one type in parsed Terraform JSON, as a list. */
export function resources(json: any, type: string): any[] {
  return Object.values(json.resource?.[type] ?? {});
}

/** Warning messages under a construct, as emitted: `[<id>] <message>`. */
export function taggedWarnings(scope: IConstruct): string[] {
  return scope.node.findAll().flatMap((c) => c.node.metadata.filter((m) => m.type === '@cdktf/warn').map((m) => String(m.data)));
}

const TAG = /^\[(container-registry-constructs:harbor-[a-z-]+)\] /;

/** The ids of the warnings under a construct (every warning must have one). */
export function warningIds(scope: IConstruct): string[] {
  return taggedWarnings(scope).map((w) => {
    if (!TAG.test(w)) throw new Error(`warning without an id: ${w}`);
    return TAG.exec(w)![1];
  });
}

/** A spec with three environments on the given layout, identities, retention, a cache and a threshold. */
export function harborSpec(layout: EnvironmentLayout, overrides: Partial<RegistrySpec> = {}): RegistrySpec {
  return {
    name: 'platform',
    repositories: [{ name: 'api' }, { name: 'web' }],
    environments: { layout, chain: [{ name: 'dev' }, { name: 'staging' }, { name: 'prod' }] },
    tagPolicy: { immutable: true, mutableTags: ['latest'], semverAliases: false },
    retention: {
      protectedTags: ['v*', 'dev', 'staging', 'prod'],
      rules: [
        { tagState: TagState.UNTAGGED, expireAfterDays: 7 },
        { tagState: TagState.TAGGED, tagPatterns: ['pr-*'], keepMostRecent: 5 },
      ],
    },
    scanning: { severityThreshold: Severity.HIGH, allowedVulnerabilities: ['CVE-2024-3094'] },
    access: {
      pushers: [{ name: 'ci', github: { repository: 'acme/app', branch: 'main' } }],
      pullers: [{ name: 'runtime' }],
      promoters: [{ name: 'promoter', github: { repository: 'acme/app', environment: 'prod' } }],
    },
    upstreamCaches: [{ name: 'docker-hub', upstream: UpstreamRegistry.DOCKER_HUB, username: 'bot' }],
    ...overrides,
  };
}
