import { Testing } from 'cdktf';
import * as fc from 'fast-check';
import { resources, testStack } from './helpers';
import { AcrValidator, ContainerRegistry } from '../../src/azure';
import { Cloud, RegistrySpec, SpecValidator } from '../../src/spec';
import { hostileSpecs } from '../support/hostile-specs';

/** Synthesizes the Azure registry with default props (node validations included): the Terraform JSON, or the error. */
function synthesize(spec: RegistrySpec): { json?: any; error?: Error } {
  try {
    const stack = testStack();
    new ContainerRegistry(stack, 'Registry', { spec, resourceGroupName: 'rg-platform', location: 'westeurope' });
    return { json: JSON.parse(Testing.synth(stack, true)) };
  } catch (e) {
    return { error: e as Error };
  }
}

describe('validate --cloud azure accepts exactly what synthesis accepts, on specs a hostile user writes (seeded)', () => {
  const cases = fc.sample(hostileSpecs, { seed: 1717, numRuns: 150 })
    .map((h) => ({ ...h, problems: AcrValidator.problems(h.spec), built: synthesize(h.spec) }));

  test('the validator reports no problem exactly when the construct synthesizes; otherwise the construct throws the validator\'s problems', () => {
    for (const c of cases) {
      expect([c.choices, c.problems.length === 0]).toEqual([c.choices, c.built.error === undefined]);
      if (c.built.error) {
        expect(c.built.error.name).toBe('ProblemsError');
        for (const p of c.problems) expect(c.built.error.message).toContain(p.message);
      }
    }
  });

  test('what synthesizes has no admin user and no anonymous pull, and no role on the subscription or resource group', () => {
    let registries = 0;
    for (const c of cases.filter((x) => x.built.json)) {
      for (const r of resources(c.built.json, 'azurerm_container_registry')) {
        registries++;
        expect(r.admin_enabled).toBe(false);
        expect(r.anonymous_pull_enabled).not.toBe(true);
      }
      for (const a of resources(c.built.json, 'azurerm_role_assignment')) {
        expect(String(a.scope)).not.toMatch(/^\/subscriptions\/[^/]+(\/resourceGroups\/[^/]+)?$/);
      }
    }
    expect(registries).toBeGreaterThan(50);
  });

  test('the generators produced both outcomes and the refusals of this sweep (labels); the neutral checks alone would disagree (negative control)', () => {
    expect(cases.filter((c) => c.built.json).length).toBeGreaterThan(40);
    expect(cases.filter((c) => c.built.error).length).toBeGreaterThan(40);
    expect(cases.some((c) => c.problems.some((p) => /Azure tag name|at most 50 per resource|limit of an Azure tag value/.test(p.message)))).toBe(true);
    const neutralOnly = cases
      .filter((c) => (SpecValidator.validate(c.spec, { clouds: [Cloud.AZURE] }).problems.length === 0) !== (c.built.error === undefined));
    expect(neutralOnly.length).toBeGreaterThan(5);
  });
});
