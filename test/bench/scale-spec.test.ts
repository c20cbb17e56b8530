/**
 * The benchmark (bench/synth-scale.bench.ts) reports ours / baseline; the ratio
 * means something only if the baseline does the same work. These tests build
 * the benchmark spec (smaller: 40 images x 3 environments), synthesize ours and
 * the raw-class baseline on each cloud, and check that the outputs are equal
 * (stacks, resource types and counts, logical ids, properties; only construct
 * metadata differs), and that the comparison does catch a difference.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App as CdkApp, Token } from 'aws-cdk-lib';
import { App as TfApp } from 'cdktf';
import { awsRecipe, awsTemplateFiles, compareAws, compareTerraform, providerClassOf, terraformRecipe, terraformStacks } from '../../bench/baseline';
import { assertAwsTypesKnown, buildAwsBaseline } from '../../bench/baseline-aws';
import { buildTerraformBaseline, loadProviderClasses } from '../../bench/baseline-terraform';
import { awsAppProps, buildOursAws } from '../../bench/ours-aws';
import { buildOursAzure } from '../../bench/ours-azure';
import { buildOursGcp } from '../../bench/ours-gcp';
import { buildOursHarbor } from '../../bench/ours-harbor';
import { largeSpecs } from '../../bench/scale-apps';
import { PIPELINE_RETENTION, scaleSpec } from '../../bench/scale-spec';
import { EcrRegistryStacks } from '../../src/aws';
import { Cloud, SpecValidator } from '../../src/spec';

const spec = scaleSpec(40);
const dirs: string[] = [];
const dir = (name: string): string => {
  const d = mkdtempSync(join(tmpdir(), `bench-${name}-`));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('the benchmark spec', () => {
  test('is valid for the three clouds, with a per-team retention override and a per-team scanning override', () => {
    expect(SpecValidator.validate(spec, { clouds: [Cloud.AWS, Cloud.GCP, Cloud.AZURE] }).problems).toEqual([]);
    const overridden = spec.repositories.filter((r) => r.retention === PIPELINE_RETENTION).map((r) => r.name);
    expect(overridden).toEqual(['team-00/svc-0000', 'team-00/svc-0025']);
    expect(spec.repositories.filter((r) => r.scanning).map((r) => r.name)).toEqual(['team-01/svc-0001', 'team-01/svc-0026']);
    expect(scaleSpec().repositories).toHaveLength(1000);
  });
});

describe('the baseline synthesizes exactly what ours synthesizes', () => {
  test('AWS: the same stacks, L1 resources, logical ids, properties and outputs', () => {
    const oursDir = dir('aws-ours');
    const ours = new CdkApp(awsAppProps(oursDir, false));
    buildOursAws(ours, spec, EcrRegistryStacks.defaultStackCount(spec));
    ours.synth();

    const recipe = awsRecipe(oursDir, (intrinsic) => Token.asString(intrinsic));
    assertAwsTypesKnown(recipe);
    const baseDir = dir('aws-baseline');
    const base = new CdkApp(awsAppProps(baseDir, false));
    buildAwsBaseline(base, recipe);
    base.synth();

    const seen = compareAws(oursDir, baseDir);
    expect(seen.types).toEqual(expect.objectContaining({
      'AWS::ECR::Repository': 120, 'AWS::IAM::Role': 3, 'AWS::IAM::OIDCProvider': 1, 'AWS::ECR::RegistryScanningConfiguration': 1,
    }));
    // The override gives team-00 its own lifecycle policy: the translations are not all identical.
    const texts = new Set<string>();
    for (const file of awsTemplateFiles(oursDir).values()) {
      for (const r of Object.values<any>(JSON.parse(readFileSync(file, 'utf8')).Resources)) {
        if (r.Type === 'AWS::ECR::Repository') texts.add(r.Properties.LifecyclePolicy.LifecyclePolicyText);
      }
    }
    expect(texts.size).toBe(2);

    // The comparison catches a changed property.
    const [name, file] = [...awsTemplateFiles(baseDir)].find(([n]) => n.includes('repositories'))!;
    writeFileSync(file, readFileSync(file, 'utf8').replace('"ScanOnPush": true', '"ScanOnPush": false'));
    expect(() => compareAws(oursDir, baseDir)).toThrow(new RegExp(`stack ${name}: .*ImageScanningConfiguration\\.ScanOnPush: ours true, baseline false`));
  });

  test.each([
    ['gcp', buildOursGcp, { google_artifact_registry_repository: 3, google_service_account: 3, google_iam_workload_identity_pool_provider: 1 }, 'location'],
    ['azure', buildOursAzure, { azurerm_container_registry: 1, azurerm_container_registry_task: 1, azurerm_user_assigned_identity: 3 }, 'location'],
    // Harbor: the library's typed classes (no prebuilt binding), its variables and the provider the construct creates.
    ['harbor', buildOursHarbor, { harbor_project: 1, harbor_retention_policy: 1, harbor_robot_account: 4 }, 'name'],
  ] as const)('%s: the same Terraform resources, logical ids, arguments, providers and outputs', async (cloud, buildOurs, expected, argument) => {
    const oursDir = dir(`${cloud}-ours`);
    const ours = new TfApp({ outdir: oursDir });
    buildOurs(ours, spec);
    ours.synth();

    const recipe = terraformRecipe(oursDir);
    const baseDir = dir(`${cloud}-baseline`);
    const base = new TfApp({ outdir: baseDir });
    buildTerraformBaseline(base, recipe, await loadProviderClasses(recipe));
    base.synth();

    const seen = compareTerraform(oursDir, baseDir);
    expect(seen.types).toEqual(expect.objectContaining(expected));

    // The comparison catches a changed argument.
    const [stack] = terraformStacks(baseDir).keys();
    const file = join(baseDir, 'stacks', stack, 'cdk.tf.json');
    const tf = JSON.parse(readFileSync(file, 'utf8'));
    const [type] = Object.keys(expected);
    const first = Object.values<any>(tf.resource[type])[0];
    first[argument] = 'elsewhere';
    writeFileSync(file, JSON.stringify(tf));
    expect(() => compareTerraform(oursDir, baseDir)).toThrow(new RegExp(`\\.resource\\.${type}\\.[^:]+\\.${argument}: ours "[a-z0-9-]+", baseline "elsewhere"`));
  });
});

test('providerClassOf names the submodule and class of a Terraform type', () => {
  expect(providerClassOf('resource', 'google_artifact_registry_repository_iam_member'))
    .toEqual({ provider: 'google', submodule: 'artifact-registry-repository-iam-member', className: 'ArtifactRegistryRepositoryIamMember' });
  expect(providerClassOf('data', 'google_project')).toEqual({ provider: 'google', submodule: 'data-google-project', className: 'DataGoogleProject' });
});

describe('the large Terraform apps: the baseline writes byte for byte what ours writes', () => {
  // bench/synth-scale.bench.ts measures gcp-large, azure-large and harbor-large (largeSpecs: 30 specs of 100 images in
  // one app, 90 on Harbor) and compares every run; here the same app shape with 3 specs of 10 images, and a byte
  // comparison of each stack's cdk.tf.json without the construct metadata (`//`: construct paths and unique ids).
  const withoutMetadata = (file: string): string => JSON.stringify(JSON.parse(readFileSync(file, 'utf8'), (k, v) => (k === '//' ? undefined : v)), undefined, 2);

  test.each([
    ['gcp', buildOursGcp, 'google_artifact_registry_repository', 9],
    ['azure', buildOursAzure, 'azurerm_container_registry', 3],
    ['harbor', buildOursHarbor, 'harbor_project', 3],
  ] as const)('%s', async (cloud, buildOurs, mainType, mainCount) => {
    const specs = largeSpecs(3, 10);
    expect(specs.map((s) => s.name)).toEqual(['platform-00', 'platform-01', 'platform-02']);
    const oursDir = dir(`${cloud}-large-ours`);
    const ours = new TfApp({ outdir: oursDir });
    for (const s of specs) buildOurs(ours, s);
    ours.synth();

    const recipe = terraformRecipe(oursDir);
    const baseDir = dir(`${cloud}-large-baseline`);
    const base = new TfApp({ outdir: baseDir });
    buildTerraformBaseline(base, recipe, await loadProviderClasses(recipe));
    base.synth();

    const seen = compareTerraform(oursDir, baseDir);
    expect(seen.stacks).toBe(3);
    expect(seen.types[mainType]).toBe(mainCount);
    for (const stack of terraformStacks(oursDir).keys()) {
      const file = (d: string) => join(d, 'stacks', stack, 'cdk.tf.json');
      expect(withoutMetadata(file(baseDir))).toBe(withoutMetadata(file(oursDir)));
    }
    // The comparison is not vacuous: the metadata differs (the baseline's constructs are elsewhere), the rest does not.
    const [first] = terraformStacks(oursDir).keys();
    expect(readFileSync(join(baseDir, 'stacks', first, 'cdk.tf.json'), 'utf8')).not.toBe(readFileSync(join(oursDir, 'stacks', first, 'cdk.tf.json'), 'utf8'));
  }, 120_000);
});
