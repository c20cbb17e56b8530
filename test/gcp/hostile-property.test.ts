import { Testing } from 'cdktf';
import { testStack } from './helpers';
import { ContainerRegistry } from '../../src/gcp/artifact-registry';
import { GarValidator } from '../../src/gcp/gcp-validator';
import { Cloud, RegistrySpec } from '../../src/spec';
import { expectValidatorAgreesWithSynthesis, hostileCases, neutralDisagreements } from '../support/hostile-specs';

/** Synthesizes the GCP registry with default props (node validations included): the Terraform JSON, or the error. */
function synthesize(spec: RegistrySpec): { json?: any; error?: Error } {
  try {
    const stack = testStack();
    new ContainerRegistry(stack, 'Registry', { spec, project: 'acme-registry', location: 'europe-west1' });
    return { json: JSON.parse(Testing.synth(stack, true)) };
  } catch (e) {
    return { error: e as Error };
  }
}

/** Every IAM member the Terraform JSON grants (member, members). */
function members(json: any): string[] {
  const out: string[] = [];
  for (const byName of Object.values<any>(json.resource ?? {})) {
    for (const r of Object.values<any>(byName)) {
      if (typeof r.member === 'string') out.push(r.member);
      if (Array.isArray(r.members)) out.push(...r.members);
    }
  }
  return out;
}

describe('validate --cloud gcp accepts exactly what synthesis accepts, on specs a hostile user writes (seeded)', () => {
  const cases = hostileCases(1818, 150, (spec) => GarValidator.problems(spec), synthesize);

  test('the validator reports no problem exactly when the construct synthesizes; otherwise the construct throws the validator\'s problems', () => {
    expectValidatorAgreesWithSynthesis(cases);
  });

  test('what synthesizes grants no public member and no whole pool', () => {
    let granted = 0;
    for (const c of cases.filter((x) => x.built.json)) {
      for (const m of members(c.built.json)) {
        granted++;
        expect(m).not.toMatch(/^(allUsers|allAuthenticatedUsers)$|\/\*$/);
      }
    }
    expect(granted).toBeGreaterThan(100);
  });

  test('the generators produced both outcomes and the refusals of this sweep (labels); the neutral checks alone would disagree (negative control)', () => {
    expect(cases.filter((c) => c.built.json).length).toBeGreaterThan(60);
    expect(cases.filter((c) => c.built.error).length).toBeGreaterThan(20);
    expect(cases.some((c) => c.problems.some((p) => /at most 64/.test(p.message)))).toBe(true);
    expect(neutralDisagreements(cases, Cloud.GCP)).toBeGreaterThan(5);
  });
});
