import { harborSpec } from './helpers';
import { HarborPolicyPlan } from '../../src/harbor';
import { EnvironmentLayout, NotificationEvent, PolicyPlanText } from '../../src/spec';

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

test('with notifications the plan shows each project\'s webhook (issue 19): the events, certificate verified; without, none', () => {
  const events = [NotificationEvent.PUSH, NotificationEvent.RETENTION_DELETION];
  const spec = harborSpec(EnvironmentLayout.REGISTRIES, { notifications: { events } });
  const hooks = HarborPolicyPlan.fromSpec(spec).filter((e) => e.kind === 'webhook platform-events');
  expect(hooks.map((e) => e.resource).sort()).toEqual(['project platform-dev', 'project platform-prod', 'project platform-staging']);
  for (const h of hooks) {
    expect(JSON.parse(h.document)).toEqual({
      address: 'https://events.example.invalid',
      notify_type: 'http',
      events_types: ['PUSH_ARTIFACT', 'TAG_RETENTION'],
      skip_cert_verify: false,
      enabled: true,
    });
  }
  expect(HarborPolicyPlan.fromSpec(harborSpec(EnvironmentLayout.REGISTRIES)).filter((e) => e.kind.startsWith('webhook'))).toEqual([]);
});
