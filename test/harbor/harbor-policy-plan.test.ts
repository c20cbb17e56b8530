import { harborSpec } from './helpers';
import { HarborPolicyPlan } from '../../src/harbor';
import { EnvironmentLayout, PolicyPlanText } from '../../src/spec';

test('the Harbor plan lists each project\'s settings, retention, immutable rules and robots (snapshot)', () => {
  const entries = HarborPolicyPlan.fromSpec(harborSpec(EnvironmentLayout.REGISTRIES));
  const kinds = entries.map((e) => `${e.resource} ${e.kind}`);
  expect(kinds).toEqual(expect.arrayContaining([
    'project platform-prod settings', 'project platform-prod retention-policy', 'project platform-prod immutable-tag-rules',
    'project platform-prod robot promoter', 'project platform-docker-hub settings', 'endpoint platform-docker-hub registry',
  ]));
  expect(entries.find((e) => e.kind === 'retention-policy')!.document).toMatch(/"schedule": "Daily"/);
  expect(PolicyPlanText.render(entries)).toMatchSnapshot();
});
