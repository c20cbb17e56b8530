import { Annotations as CoreAnnotations, App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { IConstruct } from 'constructs';
import { allowingEnvironmentTagExpiry, ENV, richSpec, stackIn } from './helpers';
import { AwsWarnings, ContainerRegistry, EcrRegistryStacks } from '../../src/aws';
import { EnvironmentLayout, RegistrySpec, Severity, TagState, TagStrategy, WarningIds } from '../../src/spec';

/** Every warning annotated under a scope, with the id `addWarningV2` tagged it with (undefined for a warning without one). */
function warningsUnder(scope: IConstruct): Array<{ path: string; id?: string; message: string }> {
  return scope.node.findAll().flatMap((c) => c.node.metadata
    .filter((m) => m.type === 'aws:cdk:warning')
    .map((m) => ({ path: c.node.path, id: /\[ack: ([^\]]+)\]$/.exec(String(m.data))?.[1], message: String(m.data) })));
}

/** The scenarios of the AWS tests that emit warnings, one app each. */
function scenarios(): Array<[string, App]> {
  const registry = (spec: RegistrySpec, props: object = {}): App => {
    const app = new App();
    new ContainerRegistry(stackIn(app), 'Registry', { spec, ...props });
    return app;
  };
  const tagsLayout = { layout: EnvironmentLayout.TAGS, chain: [{ name: 'dev' }, { name: 'prod' }] };
  const stacks = new App();
  EcrRegistryStacks.create(stacks, { spec: richSpec({ replication: undefined }), env: ENV });
  const twoStacks = new App();
  const ci = (name: string): RegistrySpec => ({ ...richSpec({ name, replication: undefined, upstreamCaches: undefined }), repositories: [{ name: 'api' }], retention: undefined });
  new ContainerRegistry(stackIn(twoStacks, 'One'), 'Registry', { spec: ci('one') });
  new ContainerRegistry(stackIn(twoStacks, 'Two', { env: { ...ENV, region: 'us-east-1' } }), 'Registry', { spec: ci('two') });
  const agnostic = new App();
  const agnosticStack = new Stack(agnostic, 'Agnostic');
  new ContainerRegistry(agnosticStack, 'Registry', {
    spec: { ...ci('agnostic'), network: { privateAccess: true } }, privateNetwork: { vpc: new ec2.Vpc(agnosticStack, 'Vpc', { maxAzs: 1 }) },
  });
  return [
    ['the rich spec (conservative lifecycle, semver aliases, continuous scanning, existing pullers with a cache)', registry(richSpec())],
    ['the tags layout with a pusher', registry(allowingEnvironmentTagExpiry(richSpec({ environments: tagsLayout })))],
    ['a tag policy freezing moved tags', registry(richSpec({
      repositories: [{ name: 'api' }], retention: undefined, environments: tagsLayout, tagPolicy: { mutableTags: [], strategy: TagStrategy.VERSION_SHA },
    }))],
    ['a severity threshold', registry(richSpec({ scanning: { severityThreshold: Severity.HIGH } }))],
    ['retention.dryRun', registry(richSpec({ repositories: [{ name: 'api' }], retention: { ...richSpec().retention, dryRun: true } }))],
    ['cross-account replication', registry(richSpec({ replication: { replicas: [{ region: 'eu-central-1', awsAccountId: '444455556666' }] } }))],
    ['a rule after an any rule', registry(richSpec({ retention: { rules: [{ tagState: TagState.ANY, keepMostRecent: 50 }, { tagState: TagState.UNTAGGED, expireAfterDays: 1 }] } }))],
    ['a role too large for exact ARNs', registry(richSpec({
      repositories: Array.from({ length: 1000 }, (_, i) => ({ name: `service-${i}` })),
      retention: undefined,
      access: { pushers: [{ name: 'ci', github: { repository: 'o/r', branch: 'main' } }] },
    }), { repositoryNames: [] })],
    ['EcrRegistryStacks without stackCount', stacks],
    ['two stacks of one account creating a GitHub OIDC provider', twoStacks],
    ['private endpoints in a stack without a region', agnostic],
  ];
}

describe('AWS warnings have stable ids, listed in AwsWarnings.WARNINGS', () => {
  const emitted = scenarios().flatMap(([name, app]) => warningsUnder(app).map((w) => ({ ...w, scenario: name })));

  test('every emitted warning has an id of the list', () => {
    const listed = new Set(AwsWarnings.WARNINGS.map((w) => w.id));
    expect(emitted.length).toBeGreaterThan(12);
    for (const w of emitted) expect([w.scenario, w.message, w.id && listed.has(w.id)]).toEqual([w.scenario, w.message, true]);
  });

  test('every listed id is emitted by a scenario (the list names no warning that does not exist)', () => {
    const ids = new Set(emitted.map((w) => w.id));
    for (const w of AwsWarnings.WARNINGS) expect([w.id, ids.has(w.id)]).toEqual([w.id, true]);
  });

  test('the list: ids unique, all WarningIds.id("aws", topic), one-sentence summaries', () => {
    const ids = AwsWarnings.WARNINGS.map((w) => w.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const w of AwsWarnings.WARNINGS) {
      expect(w.id.startsWith(WarningIds.id('aws', ''))).toBe(true);
      expect(w.cloud).toBe('aws');
      expect(w.summary).toMatch(/^[A-Z`].*\.$/);
    }
  });

  test('negative control: a warning without an id is caught by the check', () => {
    const app = new App();
    CoreAnnotations.of(new Stack(app, 'S')).addWarning('no id here');
    expect(warningsUnder(app)).toEqual([{ path: 'S', id: undefined, message: 'no id here' }]);
  });

  test('an acknowledged warning is gone (cdk synth --strict users can acknowledge them)', () => {
    const app = new App();
    const stack = stackIn(app);
    new ContainerRegistry(stack, 'Registry', { spec: richSpec({ scanning: { severityThreshold: Severity.HIGH } }) });
    expect(warningsUnder(app).some((w) => w.id === AwsWarnings.SEVERITY_THRESHOLD)).toBe(true);
    CoreAnnotations.of(stack).acknowledgeWarning(AwsWarnings.SEVERITY_THRESHOLD, 'gated by the promotion pipeline');
    expect(warningsUnder(app).some((w) => w.id === AwsWarnings.SEVERITY_THRESHOLD)).toBe(false);
  });
});
