import { readFileSync } from 'fs';
import { join } from 'path';
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { App, Stack } from 'aws-cdk-lib';
import { TerraformStack, Testing } from 'cdktf';
import * as aws from '../../src/aws';
import * as azure from '../../src/azure';
import * as gcp from '../../src/gcp';
import * as harbor from '../../src/harbor';
import { RegistrySpec } from '../../src/spec';

/** The props an interface of a source file declares (`readonly <name>`), read from the source, not from our lists. */
function declared(file: string, iface: string): string[] {
  const text = readFileSync(join(__dirname, '../../src', file), 'utf8');
  const start = text.indexOf(`export interface ${iface} `);
  const body = text.slice(start, text.indexOf('\n}\n', start));
  return [...body.matchAll(/^ {2}readonly (\w+)\??:/gm)].map((m) => m[1]);
}

const spec: RegistrySpec = { name: 'shop', repositories: [{ name: 'api' }] };

/** The construct's error for these props, or '' (the message is all the tests read). */
const builders: { [what: string]: [string, string, (props: any) => void, object] } = {
  'aws.ContainerRegistry': ['aws/ecr-registry.ts', 'ContainerRegistryProps',
    (props) => new aws.ContainerRegistry(new Stack(new App(), 'S', { env: { account: '123456789012', region: 'eu-west-1' } }), 'R', props), {}],
  'aws.EcrRegistryStacks': ['aws/registry-stacks.ts', 'EcrRegistryStacksProps', (props) => aws.EcrRegistryStacks.create(new App(), props),
    { env: { account: '123456789012', region: 'eu-west-1' } }],
  'gcp.ContainerRegistry': ['gcp/artifact-registry.ts', 'ContainerRegistryProps', (props) => {
    const stack = new TerraformStack(Testing.app(), 'stack');
    new GoogleProvider(stack, 'google', { project: 'acme-registry' });
    new gcp.ContainerRegistry(stack, 'R', props);
  }, { project: 'acme-registry', location: 'europe-west1' }],
  'azure.ContainerRegistry': ['azure/container-registry.ts', 'ContainerRegistryProps', (props) => {
    const stack = new TerraformStack(Testing.app(), 'stack');
    new AzurermProvider(stack, 'azurerm', { features: [{}] });
    new azure.ContainerRegistry(stack, 'R', props);
  }, { resourceGroupName: 'rg', location: 'westeurope' }],
  'harbor.ContainerRegistry': ['harbor/container-registry.ts', 'ContainerRegistryProps',
    (props) => new harbor.ContainerRegistry(new TerraformStack(Testing.app(), 'stack'), 'R', props), {}],
};

function errorOf(build: (props: any) => void, props: object): string {
  try {
    build(props);
    return '';
  } catch (e) {
    return (e as Error).message;
  }
}

describe('a prop the construct does not declare, given from JavaScript, is a problem naming it (hostile sweep: before, dropped in silence)', () => {
  test.each(Object.entries(builders))('%s: every declared prop is known (read from the source), and nothing else', (_, [file, iface, build, required]) => {
    const props = declared(file, iface);
    expect(props.length).toBeGreaterThan(10);
    // Each declared prop, present (even undefined), is never called unknown: the construct's list is its interface.
    for (const prop of props) expect([prop, errorOf(build, { spec, ...required, [prop]: undefined })]).not.toEqual([prop, expect.stringContaining(`props.${prop}: "<given>" is not a prop`)]);
    // A misspelled prop is named, with the prop it most likely means, beside the other problems.
    const misspelled = errorOf(build, { spec, ...required, preventdestroy: true, spec_: 1 });
    expect(misspelled).toMatch(/- props\.preventdestroy: "<given>" is not a prop of this construct/);
    expect(misspelled).toMatch(/- props\.spec_: "<given>" is not a prop of this construct \(did you mean spec\?\)/);
  });

  test('the suggestion: another case, a few edits, a prefix; none when nothing is near', () => {
    const build = builders['harbor.ContainerRegistry'][2];
    expect(errorOf(build, { spec, preventdestroy: true })).toMatch(/props\.preventdestroy: "<given>" is not a prop of this construct \(did you mean preventDestroy\?\)/);
    expect(errorOf(build, { spec, robotDurationDay: 3 })).toMatch(/\(did you mean robotDurationDays\?\)/);
    expect(errorOf(build, { spec, webhook: 'https://x' })).toMatch(/\(did you mean webhookAddress\?\)/);
    expect(errorOf(build, { spec, isPublic: true })).toMatch(/props\.isPublic: "<given>" is not a prop of this construct; its props: spec, provider/);
  });
});
