import { App, Stack, StackProps } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { EnvironmentLayout, RegistrySpec, TagState, UpstreamRegistry } from '../../src/spec';

/** An App that validates every template against the CloudFormation resource schemas, strictly (synth throws on a violation). */
export function strictApp(): App {
  return new App({ context: { '@aws-cdk/core:validateAgainstDefaultRules': true } });
}

export const ENV = { account: '123456789012', region: 'eu-west-1' };

export function stackIn(app: App, id = 'Platform', props: StackProps = { env: ENV }): Stack {
  return new Stack(app, id, props);
}

/**
 * The spec with `allowExpiringEnvironmentTags` on every retention policy: for tests
 * about other things that put environment tags (the `tags` layout, `dev` in
 * mutableTags) next to retention rules that could expire them.
 */
export function allowingEnvironmentTagExpiry(spec: RegistrySpec): RegistrySpec {
  const allow = <T extends { retention?: RegistrySpec['retention'] }>(x: T): T =>
    (x.retention ? { ...x, retention: { ...x.retention, allowExpiringEnvironmentTags: true } } : x);
  return { ...allow(spec), repositories: spec.repositories.map(allow) };
}

/** A spec with every AWS feature in use. */
export function richSpec(overrides: Partial<RegistrySpec> = {}): RegistrySpec {
  return {
    version: 1,
    name: 'platform',
    repositories: [
      { name: 'api' },
      { name: 'web', scanning: { mode: 'continuous' as any } },
      {
        name: 'jobs/worker',
        retention: {
          protectedTags: ['prod', 'staging'],
          rules: [
            { tagState: TagState.UNTAGGED, expireAfterDays: 3 },
            { tagState: TagState.ANY, keepMostRecent: 50 },
          ],
        },
      },
    ],
    environments: {
      layout: EnvironmentLayout.REPOSITORIES,
      chain: [{ name: 'dev' }, { name: 'staging' }, { name: 'prod' }],
    },
    retention: {
      protectedTags: ['prod', 'v*'],
      rules: [
        { tagState: TagState.UNTAGGED, expireAfterDays: 7 },
        { tagState: TagState.TAGGED, tagPatterns: ['pr-*', 'feature-*'], keepMostRecent: 10 },
        { tagState: TagState.ANY, keepMostRecent: 100 },
      ],
      // Signatures take places among the 100 as ECR counts them, so the count translates (jobs/worker keeps the default).
      countAttachments: true,
    },
    access: {
      pushers: [{ name: 'ci', github: { repository: 'example/platform', branch: 'main' } }],
      promoters: [{ name: 'promoter', github: { repository: 'example/platform', environment: 'prod' } }],
      pullers: [
        { name: 'runtime', awsAccountIds: ['111122223333'], environments: ['prod'] },
        { name: 'cluster', awsPrincipalArns: ['arn:aws:iam::123456789012:role/eks-nodes'], repositories: ['api'] },
      ],
    },
    replication: { replicas: [{ region: 'us-east-1' }] },
    upstreamCaches: [{ name: 'ecr-public', upstream: UpstreamRegistry.ECR_PUBLIC }],
    labels: { team: 'platform' },
    ...overrides,
  };
}

/** Strips asset hashes and other volatile values from a template for snapshots. */
export function snapshotOf(template: Template): any {
  return JSON.parse(JSON.stringify(template.toJSON()).replace(/[0-9a-f]{64}(\.zip|\.json)?/g, '<hash>'));
}

/** Warning messages annotated anywhere in a stack. */
export function warningsOf(stack: Stack): string[] {
  return Annotations.fromStack(stack).findWarning('*', Match.anyValue()).map((m: any) => String(m.entry.data));
}

/** Every IAM and resource policy statement of a template, with where it was found. */
export function statementsOf(template: any): Array<{ where: string; statement: any }> {
  const found: Array<{ where: string; statement: any }> = [];
  const visit = (node: any, where: string) => {
    if (node === null || typeof node !== 'object') return;
    if (Array.isArray(node.Statement)) {
      for (const s of node.Statement) found.push({ where, statement: s });
    }
    for (const [k, v] of Object.entries(node)) visit(v, `${where}.${k}`);
  };
  visit(template.Resources ?? {}, 'Resources');
  return found;
}
