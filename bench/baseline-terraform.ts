/**
 * The GCP, Azure and Harbor baseline (timed): the recipe's resources as the prebuilt
 * provider classes (`ArtifactRegistryRepository`, `ArtifactRegistryRepositoryIamMember`,
 * `ServiceAccount`, ... from `@cdktf/provider-google/lib/<submodule>`;
 * `ContainerRegistry`, `RoleAssignment`, `ContainerRegistryTask`, ... from
 * `@cdktf/provider-azurerm/lib/<submodule>`; the library's typed Harbor classes,
 * `src/harbor/provider/<submodule>`, since no prebuilt binding exists), the
 * `TerraformVariable`s and `TerraformOutput`s, in stacks
 * of the same names, with the same logical ids.
 */
import { App, TerraformOutput, TerraformStack, TerraformVariable } from 'cdktf';
import { providerClassOf, TerraformStackRecipe } from './baseline';

/** The classes a recipe needs, by `resource:<type>`, `data:<type>` and `provider:<name>`. */
export type ProviderClasses = Map<string, new (scope: TerraformStack, id: string, config: any) => any>;

/** Where each provider's classes are: the prebuilt packages' `lib/<submodule>`, and the library's own typed Harbor classes. */
const PACKAGES: { [provider: string]: { module: (submodule: string) => string; providerClass: string; providerSubmodule: string } } = {
  google: { module: (m) => `@cdktf/provider-google/lib/${m}`, providerClass: 'GoogleProvider', providerSubmodule: 'provider' },
  azurerm: { module: (m) => `@cdktf/provider-azurerm/lib/${m}`, providerClass: 'AzurermProvider', providerSubmodule: 'provider' },
  harbor: { module: (m) => `../src/harbor/provider/${m}`, providerClass: 'HarborProvider', providerSubmodule: 'harbor-provider' },
};

/** Loads (outside the timed region) the submodule of every class the recipe uses; fails loudly on a type it cannot place. */
export async function loadProviderClasses(recipe: TerraformStackRecipe[]): Promise<ProviderClasses> {
  const classes: ProviderClasses = new Map();
  for (const s of recipe) {
    for (const name of Object.keys(s.providers)) {
      const p = PACKAGES[name];
      if (!p) throw new Error(`baseline-terraform: unknown provider ${name}`);
      const mod = await import(p.module(p.providerSubmodule));
      classes.set(`provider:${name}`, mod[p.providerClass]);
    }
    for (const r of s.resources) {
      const key = `${r.kind}:${r.type}`;
      if (classes.has(key)) continue;
      const c = providerClassOf(r.kind, r.type);
      const p = PACKAGES[c.provider];
      const mod = p ? await import(p.module(c.submodule)) : undefined;
      if (!mod?.[c.className]) throw new Error(`baseline-terraform: no class ${c.className} in ${p?.module(c.submodule)} for ${r.kind} ${r.type}`);
      classes.set(key, mod[c.className]);
    }
  }
  return classes;
}

/** Creates the baseline's stacks, providers, resources and outputs in `app` (synthesize it afterwards). */
export function buildTerraformBaseline(app: App, recipe: TerraformStackRecipe[], classes: ProviderClasses): TerraformStack[] {
  return recipe.map((s) => {
    const stack = new TerraformStack(app, s.stackName);
    const providers = new Map<string, unknown>();
    for (const [name, configs] of Object.entries(s.providers)) {
      configs.forEach((config, i) => {
        const provider = new (classes.get(`provider:${name}`)!)(stack, i === 0 ? name : `${name}${i}`, config);
        providers.set(config.alias ? `${name}.${config.alias}` : name, provider);
      });
    }
    for (const v of s.variables ?? []) new TerraformVariable(stack, v.logicalId, v.config).overrideLogicalId(v.logicalId);
    for (const r of s.resources) {
      // A resource given its provider explicitly names it (`"provider": "harbor"`): pass the provider construct.
      const config = typeof r.config.provider === 'string' ? { ...r.config, provider: providers.get(r.config.provider) } : r.config;
      const resource = new (classes.get(`${r.kind}:${r.type}`)!)(stack, r.logicalId, config);
      resource.overrideLogicalId(r.logicalId);
      if (r.dependsOn) resource.dependsOn = r.dependsOn;
      for (const [argument, value] of Object.entries(r.overrides ?? {})) resource.addOverride(argument, value);
    }
    for (const [name, version] of Object.entries(s.providerVersions ?? {})) stack.addOverride(`terraform.required_providers.${name}.version`, version);
    for (const o of s.outputs) {
      new TerraformOutput(stack, o.logicalId, { value: o.value, description: o.description, sensitive: o.sensitive }).overrideLogicalId(o.logicalId);
    }
    return stack;
  });
}
