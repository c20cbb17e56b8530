/**
 * Facts that several layers need, derived once (issue 14, item 2): the registry
 * hosts, the pull-through cache names and the value grammars. Each test puts the
 * layers side by side (construct, validator, access matrix, promotion plan) and
 * checks that they say the same thing, so a second derivation that drifts fails here.
 */
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { App, Stack } from 'aws-cdk-lib';
import { TerraformStack, Testing } from 'cdktf';
import * as fc from 'fast-check';
import { ContainerRegistry as AwsRegistry, EcrAccessMatrix } from '../../src/aws';
import { AcrAccessMatrix, ContainerRegistry as AcrRegistry } from '../../src/azure';
import { GarAccessMatrix } from '../../src/gcp/access-matrix';
import { ContainerRegistry as GarRegistry } from '../../src/gcp/artifact-registry';
import { PromotionPlanner } from '../../src/promotion';
import {
  AccessResourceKind, Cloud, EnvironmentLayout, Naming, RegistrySpec, SpecValidator, UpstreamRegistry,
} from '../../src/spec';
import { ProblemsError } from '../../src/spec/problems';
import { testStack as azureStack } from '../azure/helpers';

const ACCOUNT = '123456789012';
const REGION = 'eu-west-1';

const spec = (layout: EnvironmentLayout, caches: string[] = []): RegistrySpec => ({
  name: 'platform',
  repositories: [{ name: 'api' }, { name: 'jobs/worker' }],
  environments: { layout, chain: [{ name: 'dev' }, { name: 'prod' }] },
  upstreamCaches: caches.map((name) => ({ name, upstream: UpstreamRegistry.QUAY })),
  access: { pullers: [{ name: 'runtime', github: { repository: 'o/r', branch: 'main' } }] },
});

/** Evaluates the CloudFormation intrinsics a registry URI resolves to (Fn::Join of strings and the URL suffix). */
function cfnString(value: any): string {
  if (typeof value === 'string') return value;
  if (value?.Ref === 'AWS::URLSuffix') return 'amazonaws.com';
  if (value?.['Fn::Join']) return value['Fn::Join'][1].map(cfnString).join(value['Fn::Join'][0]);
  throw new Error(`unexpected intrinsic ${JSON.stringify(value)}`);
}

describe('registry hosts: what a construct reports is where the promotion plan looks', () => {
  test.each(Object.values(EnvironmentLayout))('AWS, layout %s', (layout) => {
    const s = spec(layout);
    const stack = new Stack(new App(), 'Registry', { env: { account: ACCOUNT, region: REGION } });
    const registry = new AwsRegistry(stack, 'Registry', { spec: s });
    const host = cfnString(stack.resolve(registry.registryUri));
    expect(host).toBe(`${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com`);
    for (const env of ['dev', 'prod']) {
      const located = PromotionPlanner.locate(s, { cloud: Cloud.AWS, awsAccountId: ACCOUNT, awsRegion: REGION }, 'jobs/worker', env);
      expect(located.loginServer).toBe(host);
      // The repository the plan copies to is one the construct created.
      expect(Object.keys(registry.repositories)).toContain(located.repository);
    }
  });

  test.each(Object.values(EnvironmentLayout))('GCP, layout %s', (layout) => {
    const s = spec(layout);
    const stack = new TerraformStack(Testing.app({ stackTraces: false }), 'stack');
    new GoogleProvider(stack, 'google', { project: 'acme-registry' });
    const registry = new GarRegistry(stack, 'Registry', { spec: s, project: 'acme-registry', location: 'europe-west1' });
    for (const env of ['dev', 'prod']) {
      const located = PromotionPlanner.locate(s, { cloud: Cloud.GCP, gcpProjectId: 'acme-registry', gcpLocation: 'europe-west1' }, 'jobs/worker', env);
      expect(located.loginServer).toBe(Naming.garRegistryHost('europe-west1'));
      expect(located.reference).toBe(`${registry.repository(env).registryUrl}/jobs/worker`);
    }
  });

  test.each(Object.values(EnvironmentLayout))('Azure, layout %s', (layout) => {
    const s = spec(layout);
    const registry = new AcrRegistry(azureStack(), 'Registry', {
      spec: s,
      resourceGroupName: 'rg',
      location: 'westeurope',
      registryNameSuffix: 'x1',
      existingRegistryIds: Object.fromEntries(['dev', 'prod'].map((e) => {
        const name = Naming.acrRegistryName(s, e, 'x1');
        return [name, `/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/${name}`];
      })),
    });
    for (const env of ['dev', 'prod']) {
      const located = PromotionPlanner.locate(s, { cloud: Cloud.AZURE, acrRegistrySuffix: 'x1' }, 'jobs/worker', env);
      expect(located.loginServer).toBe(registry.loginServer(env));
      expect(located.loginServer).toMatch(/^[a-z0-9]+\.azurecr\.io$/);
    }
  });
});

describe('pull-through cache names: construct, validator and access matrix agree', () => {
  const caches = ['quay', 'mirror-2'];

  test('ECR: the cache rule prefix is the prefix the grants and the access matrix name', () => {
    const s = spec(EnvironmentLayout.TAGS, caches);
    const stack = new Stack(new App(), 'Registry', { env: { account: ACCOUNT, region: REGION } });
    const registry = new AwsRegistry(stack, 'Registry', { spec: s });
    for (const c of caches) {
      expect(registry.pullThroughCaches[c].repositoryPrefix).toBe(Naming.ecrCachePrefix(s, c));
      expect(EcrAccessMatrix.nativeResource(s, AccessResourceKind.CACHE, '', c)).toBe(`${Naming.ecrCachePrefix(s, c)}/*`);
    }
    const cacheRows = EcrAccessMatrix.of(s).filter((r) => r.resource.endsWith('/*')).map((r) => r.resource);
    expect(new Set(cacheRows)).toEqual(new Set(caches.map((c) => `${Naming.ecrCachePrefix(s, c)}/*`)));
  });

  test('ECR: the validator refuses exactly the cache names whose prefix the construct refuses (30 characters)', () => {
    let refused = 0;
    // Cache names of 2-30 characters (the neutral grammar), lengths spread evenly around the limit (`platform/` + 21).
    const cacheName = fc.integer({ min: 2, max: 30 }).chain((n) => fc.stringMatching(new RegExp(`^[a-z][a-z0-9]{${n - 1}}$`)));
    fc.assert(fc.property(cacheName, (cache) => {
      const s = spec(EnvironmentLayout.TAGS, [cache]);
      const validatorRefuses = SpecValidator.validate(s, { clouds: [Cloud.AWS] }).problems.some((p) => /ECR pull-through cache prefix/.test(p.message));
      let constructRefuses = false;
      try {
        new AwsRegistry(new Stack(new App(), 'R', { env: { account: ACCOUNT, region: REGION } }), 'Registry', { spec: s });
      } catch (e) {
        if (!(e instanceof ProblemsError)) throw e;
        constructRefuses = /ECR pull-through cache prefix/.test(e.message);
      }
      expect(constructRefuses).toBe(validatorRefuses);
      expect(validatorRefuses).toBe(Naming.ecrCachePrefix(s, cache).length > 30);
      if (validatorRefuses) refused++;
    }), { seed: 14, numRuns: 25 });
    expect(refused).toBeGreaterThan(3);
    expect(refused).toBeLessThan(22);
  });

  test('Artifact Registry: the remote repositories created are the ones the access matrix grants on', () => {
    const s = spec(EnvironmentLayout.TAGS, caches);
    const stack = new TerraformStack(Testing.app({ stackTraces: false }), 'stack');
    new GoogleProvider(stack, 'google', { project: 'acme-registry' });
    new GarRegistry(stack, 'Registry', { spec: s, project: 'acme-registry', location: 'europe-west1' });
    const json = JSON.parse(Testing.synth(stack));
    const remoteIds = Object.values<any>(json.resource.google_artifact_registry_repository)
      .filter((r) => r.mode === 'REMOTE_REPOSITORY').map((r) => r.repository_id);
    const expected = caches.map((c) => Naming.garRemoteRepositoryId(s.name, c));
    expect(remoteIds.sort()).toEqual([...expected].sort());
    const granted = new Set(GarAccessMatrix.of(s).map((r) => r.resource));
    for (const id of expected) expect(granted).toContain(id);
  });

  test('ACR: the cache rule target is the namespace the puller reads', () => {
    const s = spec(EnvironmentLayout.TAGS, caches);
    const stack = azureStack();
    new AcrRegistry(stack, 'Registry', { spec: s, resourceGroupName: 'rg', location: 'westeurope' });
    const json = JSON.parse(Testing.synth(stack));
    const targets = Object.values<any>(json.resource.azurerm_container_registry_cache_rule).map((r) => r.target_repo);
    expect(targets.sort()).toEqual(caches.map((c) => `${Naming.acrCacheNamespace(c)}/*`).sort());
    // The access matrix lists the puller on each cache namespace.
    const cacheRows = AcrAccessMatrix.of(s).filter((r) => caches.some((c) => r.resource.includes(Naming.acrCacheNamespace(c))));
    expect(cacheRows.length).toBeGreaterThanOrEqual(caches.length);
  });
});

describe('value grammars: the validator, the promotion plan and the constructs accept the same values', () => {
  const regions: Array<[string, boolean]> = [
    ['eu-west-1', true], ['us-gov-west-1', true], ['us-iso-east-1', true], ['ap-southeast-4', true],
    ['eu-west', false], ['EU-WEST-1', false], ['euwest1', false], ['eu-west-1a', false], ['europe-west1', false],
  ];

  test.each(regions)('AWS region %s (valid: %s)', (region, valid) => {
    const s = { ...spec(EnvironmentLayout.TAGS), replication: { replicas: [{ region, cloud: Cloud.AWS }] } };
    const validator = SpecValidator.validate(s, { clouds: [Cloud.AWS] }).problems.some((p) => p.path === 'replication.replicas[0].region');
    const plan = (() => {
      try {
        PromotionPlanner.plan(spec(EnvironmentLayout.TAGS), { cloud: Cloud.AWS, awsRegion: region });
        return false;
      } catch (e) {
        return /awsRegion/.test((e as Error).message);
      }
    })();
    const construct = (() => {
      try {
        AwsRegistry.fromRegistryAttributes(new Stack(new App(), 'S'), 'Imported', { spec: spec(EnvironmentLayout.TAGS), account: ACCOUNT, region });
        return false;
      } catch (e) {
        return /attrs\.region/.test((e as Error).message);
      }
    })();
    expect({ validator, plan, construct }).toEqual({ validator: !valid, plan: !valid, construct: !valid });
  });

  const locations: Array<[string, boolean]> = [
    ['europe-west1', true], ['us', true], ['asia', true], ['us-central1', true],
    ['europe-west', false], ['Europe-west1', false], ['eu-west-1', false], ['westeurope1', false],
  ];

  test.each(locations)('GCP location %s (valid: %s)', (location, valid) => {
    const s = { ...spec(EnvironmentLayout.TAGS), replication: { replicas: [{ region: location, cloud: Cloud.GCP }] } };
    const validator = SpecValidator.validate(s, { clouds: [Cloud.GCP] }).problems.some((p) => p.path === 'replication.replicas[0].region');
    const plan = (() => {
      try {
        PromotionPlanner.plan(spec(EnvironmentLayout.TAGS), { cloud: Cloud.GCP, gcpLocation: location });
        return false;
      } catch (e) {
        return /gcpLocation/.test((e as Error).message);
      }
    })();
    const construct = (() => {
      const stack = new TerraformStack(Testing.app({ stackTraces: false }), 'stack');
      try {
        new GarRegistry(stack, 'Registry', { spec: spec(EnvironmentLayout.TAGS), project: 'acme-registry', location });
        return false;
      } catch (e) {
        return /props\.location/.test((e as Error).message);
      }
    })();
    expect({ validator, plan, construct }).toEqual({ validator: !valid, plan: !valid, construct: !valid });
  });
});
