import { Testing } from 'cdktf';
import { resources, testStack } from './helpers';
import { AcrValidator, ContainerRegistry } from '../../src/azure';
import { Cloud, RegistrySpec } from '../../src/spec';
import { expectValidatorAgreesWithSynthesis, hostileCases, neutralDisagreements } from '../support/hostile-specs';

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
  const cases = hostileCases(1717, 150, (spec) => AcrValidator.problems(spec), synthesize);

  test('the validator reports no problem exactly when the construct synthesizes; otherwise the construct throws the validator\'s problems', () => {
    expectValidatorAgreesWithSynthesis(cases);
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
    expect(neutralDisagreements(cases, Cloud.AZURE)).toBeGreaterThan(5);
  });
});
