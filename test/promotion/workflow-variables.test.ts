import * as fc from 'fast-check';
import { WorkflowVariables } from '../../src/promotion/workflow-variables';
import { Cloud, SpecValidator } from '../../src/spec';

/**
 * GitHub's rules for configuration variable names ("Naming conventions for
 * configuration variables"): only letters, digits and underscores; must not start
 * with a number or with the GITHUB_ prefix.
 */
const GITHUB_VARIABLE = /^(?!GITHUB_)[A-Za-z_][A-Za-z0-9_]*$/;
const CLOUDS = [Cloud.AWS, Cloud.GCP, Cloud.AZURE];

describe('WorkflowVariables', () => {
  test('identity variables per cloud; an unknown cloud is an error naming the allowed ones', () => {
    expect(CLOUDS.map((c) => WorkflowVariables.identity(c, 'promote-prod'))).toEqual([
      'AWS_ROLE_ARN_PROMOTE_PROD', 'GCP_SERVICE_ACCOUNT_PROMOTE_PROD', 'AZURE_CLIENT_ID_PROMOTE_PROD',
    ]);
    expect(() => WorkflowVariables.identity('ibm' as Cloud, 'ci')).toThrow('cloud: "ibm" is not a cloud (allowed: aws, gcp, azure, harbor)');
  });

  test('property: for identity names the validator accepts, each cloud\'s variable is a valid GitHub variable name, distinct per identity', () => {
    const name = fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/);
    let checked = 0;
    fc.assert(fc.property(name, name, (a, b) => {
      const valid = (n: string) => SpecValidator.validate({
        name: 'platform', repositories: [{ name: 'api' }], access: { pullers: [{ name: n, awsAccountIds: ['111122223333'] }] },
      }).problems.length === 0;
      fc.pre(a !== b && valid(a) && valid(b));
      for (const cloud of CLOUDS) {
        const [va, vb] = [WorkflowVariables.identity(cloud, a), WorkflowVariables.identity(cloud, b)];
        expect(va).toMatch(GITHUB_VARIABLE);
        // Two identities never share a variable: the workflow would read one identity's credentials for the other.
        expect(va).not.toBe(vb);
        for (const shared of [...WorkflowVariables.shared(cloud), ...WorkflowVariables.registry(cloud)]) expect(va).not.toBe(shared);
      }
      checked++;
    }), { seed: 14, numRuns: 200 });
    expect(checked).toBeGreaterThan(100);
  });

  test('shared and registry variables are valid names too, and expression() quotes a variable for a workflow', () => {
    for (const cloud of CLOUDS) {
      for (const v of [...WorkflowVariables.shared(cloud), ...WorkflowVariables.registry(cloud)]) expect(v).toMatch(GITHUB_VARIABLE);
    }
    expect(WorkflowVariables.expression('AWS_REGION')).toBe('${{ vars.AWS_REGION }}');
  });
});
