import { Stack } from 'aws-cdk-lib';
import { ENV, strictApp } from './helpers';
import { ContainerRegistry, EcrValidator } from '../../src/aws';
import { Cloud, RegistrySpec } from '../../src/spec';
import { expectValidatorAgreesWithSynthesis, hostileCases, neutralDisagreements } from '../support/hostile-specs';

/** Synthesizes the AWS registry with default props, strict CloudFormation schema validation on: the template, or the error. */
function synthesize(spec: RegistrySpec): { template?: any; error?: Error } {
  const app = strictApp();
  try {
    new ContainerRegistry(new Stack(app, 'S', { env: ENV }), 'Registry', { spec });
    return { template: app.synth().getStackArtifact('S').template };
  } catch (e) {
    return { error: e as Error };
  }
}

/** Every statement of the template's identity, repository and registry policies, with the resource that holds it. */
function statements(template: any): Array<{ type: string; statement: any }> {
  const out: Array<{ type: string; statement: any }> = [];
  const add = (type: string, doc: any) => {
    const parsed = typeof doc === 'string' ? JSON.parse(doc) : doc;
    for (const s of parsed?.Statement ?? []) out.push({ type, statement: s });
  };
  for (const r of Object.values<any>(template.Resources ?? {})) {
    const p = r.Properties ?? {};
    if (r.Type === 'AWS::IAM::Policy' || r.Type === 'AWS::IAM::ManagedPolicy') add(r.Type, p.PolicyDocument);
    if (r.Type === 'AWS::IAM::Role') for (const inline of p.Policies ?? []) add(r.Type, inline.PolicyDocument);
    if (r.Type === 'AWS::ECR::Repository' && p.RepositoryPolicyText) add(r.Type, p.RepositoryPolicyText);
    if (r.Type === 'AWS::ECR::RegistryPolicy') add(r.Type, p.PolicyText);
  }
  return out;
}

const list = (v: unknown): unknown[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

describe('validate --cloud aws accepts exactly what synthesis accepts, on specs a hostile user writes (seeded)', () => {
  // 20 specs: synthesis with schema validation dominates (about 150 ms each); the larger property is test/aws/ecr-validator.test.ts.
  const cases = hostileCases(1515, 20, (spec) => EcrValidator.problems(spec), synthesize);

  test('the validator reports no problem exactly when the construct synthesizes; otherwise the construct throws the validator\'s problems', () => {
    // Before this sweep: labels and empty replication prefixes failed CloudFormation's schema validation instead.
    expectValidatorAgreesWithSynthesis(cases);
  });

  test('what synthesizes has no "*" resource but ecr:GetAuthorizationToken (and the documented, region-conditioned inspector2:ListFindings), and no "*" principal', () => {
    let checked = 0;
    for (const c of cases.filter((x) => x.built.template)) {
      for (const { type, statement } of statements(c.built.template)) {
        checked++;
        if (list(statement.Resource).includes('*')) {
          const actions = list(statement.Action);
          const inspector = actions.length === 1 && actions[0] === 'inspector2:ListFindings' && statement.Condition?.StringEquals?.['aws:RequestedRegion'] !== undefined;
          expect([type, actions]).toEqual([type, inspector ? ['inspector2:ListFindings'] : ['ecr:GetAuthorizationToken']]);
        }
        const principal = statement.Principal;
        expect(principal === '*' || list(principal?.AWS).includes('*')).toBe(false);
      }
    }
    expect(checked).toBeGreaterThan(30);
  });

  test('the generators produced both outcomes; the neutral checks alone would disagree (negative control)', () => {
    expect(cases.filter((c) => c.built.template).length).toBeGreaterThan(5);
    expect(cases.filter((c) => c.built.error).length).toBeGreaterThan(5);
    expect(neutralDisagreements(cases, Cloud.AWS)).toBeGreaterThan(0);
  });
});
