/**
 * Facts that several layers need, derived once (issue 14, item 2): the registry
 * hosts, the pull-through cache names and the value grammars. Each test puts the
 * layers side by side (construct, validator, access matrix, promotion plan) and
 * checks that they say the same thing, so a second derivation that drifts fails here.
 */
import { readdirSync, readFileSync, statSync } from 'fs';
import { join } from 'path';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { TerraformStack, Testing } from 'cdktf';
import * as fc from 'fast-check';
import { ContainerRegistry as AwsRegistry, EcrAccessMatrix } from '../../src/aws';
import { AcrAccessMatrix, AcrTerraformChecks, AcrValidator, ContainerRegistry as AcrRegistry } from '../../src/azure';
import { AcrRegistry as ImportedAcr } from '../../src/azure/acr-registry';
import { GarAccessMatrix } from '../../src/gcp/access-matrix';
import { ContainerRegistry as GarRegistry } from '../../src/gcp/artifact-registry';
import { PromotionPlanner, PromotionWorkflow } from '../../src/promotion';
import {
  AccessResourceKind, Cloud, EnvironmentLayout, Naming, RegistrySpec, SpecValidator, UpstreamRegistry,
} from '../../src/spec';
import { AWS_REGION_CODE } from '../../src/spec/grammars';
import { ProblemsError } from '../../src/spec/problems';
import { testStack as azureStack } from '../azure/helpers';
import { promotionSpec } from '../promotion/fixtures';

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

describe('account principals: the ECR access matrix names the ARN the repository policy grants, in each partition', () => {
  test.each(['eu-west-1', 'cn-north-1', 'us-gov-west-1'])('region %s', (region) => {
    const s: RegistrySpec = { ...spec(EnvironmentLayout.REPOSITORIES), access: { pullers: [{ name: 'partner', awsAccountIds: ['111122223333'] }] } };
    const stack = new Stack(new App(), 'Registry', { env: { account: ACCOUNT, region } });
    new AwsRegistry(stack, 'Registry', { spec: s });
    // The repository policies' principals, with AWS::Partition evaluated as the region's partition.
    const partitionOf = (value: any): string => {
      if (typeof value === 'string') return value;
      if (value?.Ref === 'AWS::Partition') return Naming.awsPartition(region);
      if (value?.['Fn::Join']) return value['Fn::Join'][1].map(partitionOf).join(value['Fn::Join'][0]);
      throw new Error(`unexpected intrinsic ${JSON.stringify(value)}`);
    };
    const granted = new Set<string>();
    for (const r of Object.values<any>(Template.fromStack(stack).findResources('AWS::ECR::Repository'))) {
      for (const st of r.Properties.RepositoryPolicyText?.Statement ?? []) {
        for (const p of [].concat(st.Principal?.AWS ?? [])) granted.add(partitionOf(p));
      }
    }
    const listed = new Set(EcrAccessMatrix.of(s, { region }).filter((e) => e.identity === 'partner').map((e) => e.principal));
    expect([...listed]).toEqual([`arn:${Naming.awsPartition(region)}:iam::111122223333:root`]);
    expect([...granted]).toEqual([...listed]);
  });

  test('a region that is not a region code is refused, naming the option', () => {
    expect(() => EcrAccessMatrix.of(spec(EnvironmentLayout.TAGS), { region: 'China' }))
      .toThrow(/options\.region: "China" is not an AWS region code \(such as eu-west-1, cn-north-1, us-gov-west-1\)/);
  });
});

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

// "The URL for your default private registry is https://aws_account_id.dkr.ecr.cn-north-1.amazonaws.com.cn"
// (Amazon ECR user guide for the China regions, "Amazon ECR private registry"); GovCloud's ECR endpoints are
// dkr.ecr.us-gov-west-1.amazonaws.com (AWS General Reference, "Amazon ECR endpoints and quotas").
describe('ECR hosts outside the aws partition: construct, promotion plan and workflow agree', () => {
  test.each([
    ['eu-west-1', 'amazonaws.com', 'aws'],
    ['cn-north-1', 'amazonaws.com.cn', 'aws-cn'],
    ['cn-northwest-1', 'amazonaws.com.cn', 'aws-cn'],
    ['us-gov-west-1', 'amazonaws.com', 'aws-us-gov'],
  ])('%s: URL suffix %s, partition %s', (region, suffix, partition) => {
    const s = spec(EnvironmentLayout.REPOSITORIES);
    const stack = new Stack(new App(), 'Registry', { env: { account: ACCOUNT, region } });
    const registry = new AwsRegistry(stack, 'Registry', { spec: s });
    const host = `${ACCOUNT}.dkr.ecr.${region}.${suffix}`;
    // Before the fix: a token (AWS::URLSuffix) here, and amazonaws.com in the plan and the workflow.
    expect(registry.registryUri).toBe(host);
    expect([Naming.awsUrlSuffix(region), Naming.awsPartition(region)]).toEqual([suffix, partition]);
    const options = { cloud: Cloud.AWS, awsAccountId: ACCOUNT, awsRegion: region };
    expect(PromotionPlanner.locate(s, options, 'api', 'dev').loginServer).toBe(host);
    const workflow = PromotionWorkflow.generate(PromotionPlanner.plan(promotionSpec(), options));
    expect(workflow.text).toContain(`REGISTRY: ${host}\n`);
    expect(workflow.text).not.toContain('AWS_URL_SUFFIX');
    for (const other of ['amazonaws.com', 'amazonaws.com.cn'].filter((x) => x !== suffix)) expect(workflow.text).not.toContain(`.${other}\n`);
  });

  test('a region that is a token (an environment-agnostic stack) takes the stack\'s AWS::URLSuffix', () => {
    const stack = new Stack(new App(), 'Registry');
    const registry = new AwsRegistry(stack, 'Registry', { spec: spec(EnvironmentLayout.REPOSITORIES) });
    expect(stack.resolve(registry.registryUri)).toEqual({
      'Fn::Join': ['', [{ Ref: 'AWS::AccountId' }, '.dkr.ecr.', { Ref: 'AWS::Region' }, '.', { Ref: 'AWS::URLSuffix' }]],
    });
    expect(() => Naming.ecrRegistryHost(ACCOUNT, stack.region)).toThrow(/region: .* is an unresolved token, whose partition is known only at deploy time: pass urlSuffix/);
  });

  test('the partition table agrees with aws-cdk-lib\'s region facts for every region it knows', () => {
    const regions = RegionInfo.regions;
    expect(regions.length).toBeGreaterThan(30);
    for (const r of regions) {
      expect([r.name, Naming.awsUrlSuffix(r.name), Naming.awsPartition(r.name)]).toEqual([r.name, r.domainSuffix, r.partition]);
    }
    expect(new Set(regions.map((r) => r.partition)).size).toBeGreaterThan(3);
    // And the region grammar every layer checks accepts each of them (it refused eusc-de-east-1).
    expect(regions.map((r) => r.name).filter((n) => !AWS_REGION_CODE.test(n))).toEqual([]);
  });

  test('a region from a GitHub variable: the workflow chooses the suffix from the region at run time', () => {
    const expression = Naming.awsUrlSuffix('${{ vars.AWS_REGION }}');
    expect(expression).toMatch(/^\$\{\{ startsWith\(vars\.AWS_REGION, 'cn-'\) && 'amazonaws\.com\.cn' \|\| .* \|\| 'amazonaws\.com' \}\}$/);
    // The expression, evaluated as GitHub evaluates it (a && b || c), for each region aws-cdk-lib knows.
    const evaluate = (region: string) => {
      for (const [, prefix, value] of expression.matchAll(/startsWith\(vars\.AWS_REGION, '([^']+)'\) && '([^']+)'/g)) {
        if (region.startsWith(prefix)) return value;
      }
      return /\|\| '([^']+)' \}\}$/.exec(expression)![1];
    };
    for (const r of RegionInfo.regions) expect([r.name, evaluate(r.name)]).toEqual([r.name, r.domainSuffix]);
    const workflow = PromotionWorkflow.generate(PromotionPlanner.plan(promotionSpec(), { cloud: Cloud.AWS }));
    // Defined once at the top (workflow-level env may read vars); every host reads it.
    expect(workflow.text).toContain(`\nenv:\n  AWS_URL_SUFFIX: ${expression}\n`);
    expect(workflow.text).toContain('REGISTRY: ${{ vars.AWS_ACCOUNT_ID }}.dkr.ecr.${{ vars.AWS_REGION }}.${{ env.AWS_URL_SUFFIX }}\n');
    expect(workflow.text).not.toMatch(/\.amazonaws\.com\n/);
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
    ['eu-west-1', true], ['us-gov-west-1', true], ['us-iso-east-1', true], ['ap-southeast-4', true], ['eusc-de-east-1', true], ['cn-north-1', true],
    ['eu-west', false], ['eusc-east-1', false], ['eusc-de-east', false], ['EU-WEST-1', false], ['euwest1', false], ['eu-west-1a', false], ['europe-west1', false],
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

  // "The name must contain only alphanumeric characters, be globally unique, and between 5 and 50 characters in
  // length" (ACR REST API, Registries - Check Name Availability).
  const acrNames: Array<[string, boolean]> = [
    ['abcde', true], ['abcdeX2', true], [`abcde${'p'.repeat(45)}`, true],
    ['abcd', false], [`abcde${'p'.repeat(46)}`, false], ['abcde-x', false], ['abcde_x', false], ['abcdeö', false],
  ];

  test.each(acrNames)('ACR registry name %s (valid: %s): AcrValidator, the imported registry id and the Terraform check agree', (name, valid) => {
    const s: RegistrySpec = { name: 'abcde', repositories: [{ name: 'api' }] };
    // The name as AcrValidator sees it: the spec's name plus registryNameSuffix.
    const validator = AcrValidator.problems(s, { registryNameSuffix: name.slice(5) || undefined }).some((p) => p.path === 'registryNameSuffix');
    const id = `/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/${name}`;
    const imported = (() => {
      try {
        ImportedAcr.fromRegistryAttributes(azureStack(), 'Imported', { registryId: id });
        return false;
      } catch (e) {
        return /attrs\.registryId/.test((e as Error).message);
      }
    })();
    const terraform = AcrTerraformChecks.check({ resource: { azurerm_container_registry: { r: { name, sku: 'Premium' } } } })
      .some((p) => p.field === 'name');
    // AcrValidator sees the names the spec gives (Naming.acrRegistryName keeps letters and digits only): the length cases.
    const viaSpec = name.startsWith('abcde') && /^[a-zA-Z0-9]+$/.test(name);
    const expected = viaSpec ? { validator: !valid, imported: !valid, terraform: !valid } : { imported: !valid, terraform: !valid };
    const got = viaSpec ? { validator, imported, terraform } : { imported, terraform };
    expect(got).toEqual(expected);
  });

  test('the ACR registry name grammar is spelled once, in src/spec/grammars.ts', () => {
    const files = (dir: string): string[] => readdirSync(dir).flatMap((f) => {
      const path = join(dir, f);
      return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : [];
    });
    const src = join(__dirname, '..', '..', 'src');
    // Before: azure-validator.ts (ACR_NAME), acr-registry.ts (REGISTRY_ID), terraform-checks.ts and a length test in validate.ts.
    const spelled = files(src)
      .filter((f) => /\[a-zA-Z0-9\]\{5,50\}|length < 5 \|\| \w+\.length > 50/.test(readFileSync(f, 'utf8')))
      .map((f) => f.slice(src.length + 1));
    expect(spelled).toEqual([join('spec', 'grammars.ts')]);
  });
});
