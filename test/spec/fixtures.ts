import { EnvironmentLayout, RegistrySpec, TagState } from '../../src/spec';

/** A small valid spec that tests modify. */
export function validSpec(overrides: Partial<RegistrySpec> = {}): RegistrySpec {
  return {
    version: 1,
    name: 'platform',
    repositories: [{ name: 'api' }, { name: 'web' }, { name: 'jobs/worker' }],
    environments: {
      layout: EnvironmentLayout.REPOSITORIES,
      chain: [{ name: 'dev' }, { name: 'staging' }, { name: 'prod' }],
    },
    retention: {
      protectedTags: ['prod', 'v*'],
      rules: [
        { tagState: TagState.UNTAGGED, expireAfterDays: 7 },
        { tagState: TagState.TAGGED, tagPatterns: ['pr-*'], keepMostRecent: 10 },
        { tagState: TagState.ANY, keepMostRecent: 100 },
      ],
      // Signatures take places among the 100 as the clouds count them, so every cloud translates the count (issue 17).
      countAttachments: true,
    },
    access: {
      pushers: [{ name: 'ci', github: { repository: 'example/platform', branch: 'main' } }],
      pullers: [{ name: 'runtime', awsAccountIds: ['111122223333'] }],
    },
    ...overrides,
  };
}
