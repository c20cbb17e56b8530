import { spawnSync } from 'child_process';
import { join } from 'path';
import { EnvironmentLayout, RegistrySpec } from '../../src/spec';

/**
 * A spec with a three-environment chain, a CI pusher and one promoter per hop:
 * the staging promoter trusted on branch main, the prod promoter only in the
 * GitHub environment "prod" (where the approval happens).
 */
export function promotionSpec(layout: EnvironmentLayout = EnvironmentLayout.REPOSITORIES, overrides: Partial<RegistrySpec> = {}): RegistrySpec {
  return {
    version: 1,
    name: 'platform',
    repositories: [{ name: 'api' }, { name: 'jobs/worker' }],
    environments: { layout, chain: [{ name: 'dev' }, { name: 'staging' }, { name: 'prod' }] },
    access: {
      pushers: [{ name: 'ci', github: { repository: 'example/platform', branch: 'main' } }],
      promoters: [
        { name: 'promote-staging', environments: ['staging'], github: { repository: 'example/platform', branch: 'main' } },
        { name: 'promote-prod', environments: ['prod'], github: { repository: 'example/platform', environment: 'prod' } },
      ],
    },
    ...overrides,
  };
}

/** What GitHub's parser says about one workflow. */
export interface ParsedWorkflow {
  readonly errors: string[];
  readonly jobs: Array<{ id: string; needs: string[]; environment?: string }>;
}

/**
 * Validates workflows with GitHub's own parser (@actions/workflow-parser, an ES
 * module run by `parse-workflow.mjs` in one child process for the whole batch).
 */
export function parseWorkflows(workflows: Array<{ name: string; content: string }>): ParsedWorkflow[] {
  const res = spawnSync(process.execPath, [join(__dirname, 'parse-workflow.mjs'), '--batch'], {
    input: JSON.stringify(workflows),
    encoding: 'utf8',
    cwd: join(__dirname, '../..'),
  });
  if (res.status !== 0) throw new Error(`parse-workflow.mjs failed: ${res.stderr}`);
  return JSON.parse(res.stdout);
}
