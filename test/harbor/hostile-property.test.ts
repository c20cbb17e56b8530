import { Testing } from 'cdktf';
import { resources, testStack } from './helpers';
import { ContainerRegistry, HarborValidator } from '../../src/harbor';
import { Cloud, RegistrySpec } from '../../src/spec';
import { expectValidatorAgreesWithSynthesis, hostileCases, neutralDisagreements } from '../support/hostile-specs';

/** Synthesizes the Harbor registry with default props (node validations included): the Terraform JSON, or the error. */
function synthesize(spec: RegistrySpec): { json?: any; error?: Error } {
  try {
    const stack = testStack();
    new ContainerRegistry(stack, 'Registry', { spec, url: 'https://harbor.example.com' });
    return { json: JSON.parse(Testing.synth(stack, true)) };
  } catch (e) {
    return { error: e as Error };
  }
}

describe('validate --cloud harbor accepts exactly what synthesis accepts, on specs a hostile user writes (seeded)', () => {
  const cases = hostileCases(1616, 150, (spec) => HarborValidator.problems(spec), synthesize);

  test('the validator reports no problem exactly when the construct synthesizes; otherwise the construct throws the validator\'s problems', () => {
    expectValidatorAgreesWithSynthesis(cases);
  });

  test('what synthesizes is private: no public project, only project robots, no robot on every project, no delete', () => {
    let robots = 0;
    for (const c of cases.filter((x) => x.built.json)) {
      for (const p of resources(c.built.json, 'harbor_project')) expect(p.public).toBe(false);
      for (const r of resources(c.built.json, 'harbor_robot_account')) {
        robots++;
        expect(r.level).toBe('project');
        for (const perm of r.permissions) {
          expect(perm.namespace).not.toBe('*');
          expect(perm.access.map((a: any) => a.action)).not.toContain('delete');
        }
      }
    }
    expect(robots).toBeGreaterThan(100);
  });

  test('the generators produced both outcomes and Harbor\'s own refusals; the neutral checks alone would disagree (negative control)', () => {
    expect(cases.filter((c) => c.built.json).length).toBeGreaterThan(60);
    expect(cases.filter((c) => c.built.error).length).toBeGreaterThan(15);
    expect(neutralDisagreements(cases, Cloud.HARBOR)).toBeGreaterThan(0);
  });
});
