/**
 * The benchmark's baseline: the same native resources as ours, created directly
 * with the raw classes (CloudFormation L1 `Cfn*` classes on AWS, the prebuilt
 * provider classes of @cdktf/provider-google and @cdktf/provider-azurerm), with
 * the same policy documents, in the same stacks.
 *
 * The documents are precomputed outside the timed region: `awsRecipe` and
 * `terraformRecipe` read what ours synthesized and turn each resource into the
 * props of its raw class (CloudFormation `PascalCase` -> L1 `camelCase`, Terraform
 * `snake_case` -> provider `camelCase`; JSON documents and maps as they are).
 * The timed region (`buildAwsBaseline`, `buildTerraformBaseline`, then
 * `app.synth()`) only creates the raw constructs and synthesizes: the floor any
 * code producing these resources pays. `compareAws` / `compareTerraform` prove
 * the baseline is the same work: its synthesized output equals ours in types,
 * counts, logical ids and properties (only construct metadata differs).
 */
import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';
import { isDeepStrictEqual } from 'util';

// ---------- AWS (CloudFormation) ----------

/** One CloudFormation resource, with the props of its L1 class. */
export interface AwsResourceRecipe {
  readonly logicalId: string;
  readonly type: string;
  readonly props: any;
  readonly dependsOn?: string[];
  readonly deletionPolicy?: string;
  readonly updateReplacePolicy?: string;
}

/** One CloudFormation output. */
export interface AwsOutputRecipe {
  readonly logicalId: string;
  readonly value: any;
  readonly description?: string;
  readonly exportName?: any;
}

/** One stack: its name, environment and description, its resources and outputs. */
export interface AwsStackRecipe {
  readonly stackName: string;
  readonly env?: { account?: string; region?: string };
  readonly description?: string;
  readonly resources: AwsResourceRecipe[];
  readonly outputs: AwsOutputRecipe[];
}

/** CloudFormation properties whose value is a JSON document the L1 class takes as it is (`any`). */
const AWS_JSON_PROPS = new Set(['PolicyDocument', 'AssumeRolePolicyDocument', 'RepositoryPolicyText', 'KeyPolicy', 'PolicyText']);

const isIntrinsic = (v: any): boolean => v !== null && typeof v === 'object' && !Array.isArray(v)
  && Object.keys(v).length === 1 && (Object.keys(v)[0] === 'Ref' || Object.keys(v)[0].startsWith('Fn::'));

/** A CloudFormation property value as an L1 prop value; intrinsics become tokens (what `role.ref` or `key.attrArn` would be). */
function cfnToL1(value: any, asToken: (intrinsic: any) => any): any {
  if (Array.isArray(value)) return value.map((v) => cfnToL1(v, asToken));
  if (value === null || typeof value !== 'object') return value;
  if (isIntrinsic(value)) return asToken(value);
  const out: any = {};
  for (const [k, v] of Object.entries(value)) {
    const key = k.charAt(0).toLowerCase() + k.slice(1);
    out[key] = AWS_JSON_PROPS.has(k) ? v : cfnToL1(v, asToken);
  }
  return out;
}

/** Reads the stacks of a synthesized cloud assembly (ours) and precomputes the baseline's L1 props. */
export function awsRecipe(outdir: string, asToken: (intrinsic: any) => any): AwsStackRecipe[] {
  const manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8'));
  const stacks: AwsStackRecipe[] = [];
  for (const [id, artifact] of Object.entries<any>(manifest.artifacts ?? {})) {
    if (artifact.type !== 'aws:cloudformation:stack') continue;
    const template = JSON.parse(readFileSync(join(outdir, artifact.properties.templateFile), 'utf8'));
    const [, account, region] = /^aws:\/\/([^/]+)\/(.+)$/.exec(artifact.environment) ?? [];
    const env = account && account !== 'unknown-account' ? { account, region } : undefined;
    stacks.push({
      stackName: artifact.properties.stackName ?? id,
      env,
      description: template.Description,
      resources: Object.entries<any>(template.Resources ?? {}).map(([logicalId, r]) => ({
        logicalId,
        type: r.Type,
        props: cfnToL1(r.Properties ?? {}, asToken),
        dependsOn: r.DependsOn === undefined ? undefined : [].concat(r.DependsOn),
        deletionPolicy: r.DeletionPolicy,
        updateReplacePolicy: r.UpdateReplacePolicy,
      })),
      outputs: Object.entries<any>(template.Outputs ?? {}).map(([logicalId, o]) => ({
        logicalId,
        value: isIntrinsic(o.Value) ? asToken(o.Value) : o.Value,
        description: o.Description,
        exportName: o.Export?.Name === undefined ? undefined : isIntrinsic(o.Export.Name) ? asToken(o.Export.Name) : o.Export.Name,
      })),
    });
  }
  return stacks;
}

/** A template without what only construct metadata decides (`Metadata`, the CDK analytics resource). */
function comparableTemplate(template: any): any {
  const resources: any = {};
  for (const [id, r] of Object.entries<any>(template.Resources ?? {})) {
    if (r.Type === 'AWS::CDK::Metadata') continue;
    const { Metadata: _m, ...rest } = r;
    resources[id] = rest;
  }
  return { ...template, Resources: resources };
}

/** The stack template files of a cloud assembly, by stack name. */
export function awsTemplateFiles(outdir: string): Map<string, string> {
  const manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8'));
  const out = new Map<string, string>();
  for (const [id, artifact] of Object.entries<any>(manifest.artifacts ?? {})) {
    if (artifact.type === 'aws:cloudformation:stack') out.set(artifact.properties.stackName ?? id, join(outdir, artifact.properties.templateFile));
  }
  return out;
}

/** The stack templates of a cloud assembly, by stack name. */
export function awsTemplates(outdir: string): Map<string, any> {
  const out = new Map<string, any>();
  for (const [name, file] of awsTemplateFiles(outdir)) out.set(name, JSON.parse(readFileSync(file, 'utf8')));
  return out;
}

/** Throws, naming the first difference, unless the two assemblies hold the same stacks with the same resources and outputs. */
export function compareAws(oursDir: string, baselineDir: string): { stacks: number; resources: number; types: { [type: string]: number } } {
  const ours = awsTemplates(oursDir);
  const base = awsTemplates(baselineDir);
  const problems: string[] = [];
  if (!isDeepStrictEqual([...ours.keys()].sort(), [...base.keys()].sort())) {
    problems.push(`stacks differ: ours ${[...ours.keys()].sort().join(', ')}; baseline ${[...base.keys()].sort().join(', ')}`);
  }
  const types: { [type: string]: number } = {};
  let resources = 0;
  for (const [name, t] of ours) {
    const a = comparableTemplate(t);
    const b = base.has(name) ? comparableTemplate(base.get(name)) : undefined;
    for (const r of Object.values<any>(a.Resources)) {
      types[r.Type] = (types[r.Type] ?? 0) + 1;
      resources++;
    }
    if (b && !isDeepStrictEqual(a, b)) problems.push(`stack ${name}: ${firstDifference(a, b)}`);
  }
  if (problems.length) throw new Error(`the baseline is not the same work as ours:\n  - ${problems.slice(0, 10).join('\n  - ')}`);
  return { stacks: ours.size, resources, types };
}

// ---------- Terraform (CDK for Terraform) ----------

/** One Terraform resource (or data source), with the config of its provider class. */
export interface TerraformResourceRecipe {
  /** `resource` or `data`. */
  readonly kind: 'resource' | 'data';
  readonly type: string;
  readonly logicalId: string;
  readonly config: any;
  readonly dependsOn?: string[];
  /** Arguments set with `addOverride` (see ESCAPE_HATCHES). */
  readonly overrides?: { [argument: string]: any };
}

/** One Terraform stack of a synthesized cdktf app. */
export interface TerraformStackRecipe {
  readonly stackName: string;
  /** The provider configurations by provider name (`google`). */
  readonly providers: { [name: string]: any[] };
  readonly resources: TerraformResourceRecipe[];
  readonly outputs: Array<{ logicalId: string; value: any; description?: string; sensitive?: boolean }>;
  /** Provider version constraints ours raised with `addOverride` (the azurerm floor for ABAC), by provider name. */
  readonly providerVersions?: { [name: string]: string };
  /** The Terraform variables (Harbor's credentials), with their JSON config (the same keys as `TerraformVariable`'s). */
  readonly variables?: Array<{ logicalId: string; config: any }>;
}

/** Terraform attributes whose value is a map (user keys) the provider class takes as it is. */
const TF_MAP_ATTRIBUTES = new Set(['labels', 'tags', 'attribute_mapping', 'annotations', 'effective_labels', 'terraform_labels']);

/**
 * Arguments the prebuilt provider classes (azurerm 4.55) do not have, which ours sets with
 * `addOverride` (an escape hatch with a provider version floor); the baseline sets them the same way.
 */
const ESCAPE_HATCHES: { [type: string]: string[] } = {
  azurerm_container_registry: ['role_assignment_mode'],
};

/** The provider versions the prebuilt bindings declare (what a stack without overrides requires). */
const PREBUILT_VERSIONS: { [name: string]: string } = { azurerm: '4.55.0' };

/**
 * Arguments (at any depth) whose config name is not the camel case of the Terraform name:
 * the Harbor bindings rename `public`, `override` and `namespace` (reserved words in jsii target languages).
 */
const TF_RENAMES: { [type: string]: { [argument: string]: string } } = {
  harbor_project: { public: 'isPublic' },
  harbor_replication: { override: 'overrideExisting' },
  harbor_robot_account: { namespace: 'namespaceName' },
};

const camel = (s: string): string => s.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

function tfToProvider(value: any, renames: { [argument: string]: string } = {}): any {
  if (Array.isArray(value)) return value.map((v) => tfToProvider(v, renames));
  if (value === null || typeof value !== 'object') return value;
  const out: any = {};
  for (const [k, v] of Object.entries(value)) {
    if (k === '//') continue;
    out[renames[k] ?? camel(k)] = TF_MAP_ATTRIBUTES.has(k) ? v : tfToProvider(v, renames);
  }
  return out;
}

/** The synthesized stacks of a cdktf app (ours): `stacks/<name>/cdk.tf.json`. */
export function terraformStacks(outdir: string): Map<string, any> {
  const out = new Map<string, any>();
  for (const name of readdirSync(join(outdir, 'stacks')).sort()) {
    out.set(name, JSON.parse(readFileSync(join(outdir, 'stacks', name, 'cdk.tf.json'), 'utf8')));
  }
  return out;
}

/** Reads the stacks ours synthesized and precomputes the baseline's provider-class configs. */
export function terraformRecipe(outdir: string): TerraformStackRecipe[] {
  const recipes: TerraformStackRecipe[] = [];
  for (const [stackName, tf] of terraformStacks(outdir)) {
    const resources: TerraformResourceRecipe[] = [];
    for (const kind of ['data', 'resource'] as const) {
      for (const [type, byId] of Object.entries<any>(tf[kind] ?? {})) {
        for (const [logicalId, body] of Object.entries<any>(byId)) {
          const { depends_on: dependsOn, ...config } = body;
          const overrides: { [argument: string]: any } = {};
          for (const argument of ESCAPE_HATCHES[type] ?? []) {
            if (argument in config) {
              overrides[argument] = config[argument];
              delete config[argument];
            }
          }
          resources.push({ kind, type, logicalId, config: tfToProvider(config, TF_RENAMES[type]), dependsOn, overrides });
        }
      }
    }
    const providers: { [name: string]: any[] } = {};
    for (const [name, configs] of Object.entries<any>(tf.provider ?? {})) providers[name] = (configs as any[]).map((c) => tfToProvider(c));
    recipes.push({
      stackName,
      providers,
      providerVersions: Object.fromEntries(Object.entries<any>(tf.terraform?.required_providers ?? {})
        .filter(([name, p]) => p.version && PREBUILT_VERSIONS[name] && p.version !== PREBUILT_VERSIONS[name])
        .map(([name, p]) => [name, p.version as string])),
      resources,
      variables: Object.entries<any>(tf.variable ?? {}).map(([logicalId, config]) => ({ logicalId, config })),
      outputs: Object.entries<any>(tf.output ?? {}).map(([logicalId, o]) => ({
        logicalId, value: o.value, description: o.description, sensitive: o.sensitive,
      })),
    });
  }
  return recipes;
}

/** The submodule and class of a Terraform type: `google_artifact_registry_repository` -> `artifact-registry-repository`, `ArtifactRegistryRepository`. */
export function providerClassOf(kind: 'resource' | 'data', type: string): { provider: string; submodule: string; className: string } {
  const [provider, ...rest] = type.split('_');
  const words = kind === 'data' ? ['data', provider, ...rest] : rest;
  return {
    provider,
    submodule: words.join('-'),
    className: words.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join(''),
  };
}

/** A cdk.tf.json without construct metadata (the `//` keys: paths, unique ids, cdktf version). */
function comparableTerraform(value: any): any {
  if (Array.isArray(value)) return value.map(comparableTerraform);
  if (value === null || typeof value !== 'object') return value;
  const out: any = {};
  for (const [k, v] of Object.entries(value)) if (k !== '//') out[k] = comparableTerraform(v);
  return out;
}

/** Throws, naming the first difference, unless the two cdktf outputs hold the same stacks, resources and outputs. */
export function compareTerraform(oursDir: string, baselineDir: string): { stacks: number; resources: number; types: { [type: string]: number } } {
  const ours = terraformStacks(oursDir);
  const base = terraformStacks(baselineDir);
  const problems: string[] = [];
  if (!isDeepStrictEqual([...ours.keys()], [...base.keys()])) {
    problems.push(`stacks differ: ours ${[...ours.keys()].join(', ')}; baseline ${[...base.keys()].join(', ')}`);
  }
  const types: { [type: string]: number } = {};
  let resources = 0;
  for (const [name, tf] of ours) {
    for (const [type, byId] of Object.entries<any>(tf.resource ?? {})) {
      types[type] = (types[type] ?? 0) + Object.keys(byId).length;
      resources += Object.keys(byId).length;
    }
    const a = comparableTerraform(tf);
    const b = base.has(name) ? comparableTerraform(base.get(name)) : undefined;
    if (b && !isDeepStrictEqual(a, b)) problems.push(`stack ${name}: ${firstDifference(a, b)}`);
  }
  if (problems.length) throw new Error(`the baseline is not the same work as ours:\n  - ${problems.slice(0, 10).join('\n  - ')}`);
  return { stacks: ours.size, resources, types };
}

/** The path of the first difference between two JSON values, with both values (shortened). */
export function firstDifference(a: any, b: any, path = ''): string {
  const show = (v: any) => (v === undefined ? 'absent' : JSON.stringify(v).slice(0, 200));
  if (isDeepStrictEqual(a, b)) return 'no difference';
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object' || Array.isArray(a) !== Array.isArray(b)) {
    return `${path || '(root)'}: ours ${show(a)}, baseline ${show(b)}`;
  }
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  for (const k of keys) {
    if (!isDeepStrictEqual(a[k], b[k])) return firstDifference(a[k], b[k], `${path}${Array.isArray(a) ? `[${k}]` : `.${k}`}`);
  }
  return `${path}: differ`;
}
