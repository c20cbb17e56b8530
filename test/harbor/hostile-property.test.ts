import { Testing } from 'cdktf';
import * as fc from 'fast-check';
import { resources, testStack } from './helpers';
import { ContainerRegistry, HarborValidator } from '../../src/harbor';
import { Cloud, RegistrySpec, SpecValidator } from '../../src/spec';
import { hostileSpecs } from '../support/hostile-specs';

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
  const cases = fc.sample(hostileSpecs, { seed: 1616, numRuns: 150 })
    .map((h) => ({ ...h, problems: HarborValidator.problems(h.spec), built: synthesize(h.spec) }));

  test('the validator reports no problem exactly when the construct synthesizes; otherwise the construct throws the validator\'s problems', () => {
    for (const c of cases) {
      expect([c.choices, c.problems.length === 0]).toEqual([c.choices, c.built.error === undefined]);
      if (c.built.error) {
        expect(c.built.error.name).toBe('ProblemsError'); // never a TypeError or a cdktf error
        for (const p of c.problems) expect(c.built.error.message).toContain(p.message);
      }
    }
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
    const neutralOnly = cases
      .filter((c) => (SpecValidator.validate(c.spec, { clouds: [Cloud.HARBOR] }).problems.length === 0) !== (c.built.error === undefined));
    expect(neutralOnly.length).toBeGreaterThan(0);
  });
});
