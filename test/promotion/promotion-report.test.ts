import { spawnSync } from 'child_process';
import { Template } from 'aws-cdk-lib/assertions';
import { parse } from 'yaml';
import { parseWorkflows, promotionSpec } from './fixtures';
import { ContainerRegistry as AwsRegistry } from '../../src/aws';
import { ContainerRegistry as GcpRegistry } from '../../src/gcp/artifact-registry';
import { PromotionPlanner, PromotionWorkflow, WorkflowVariables } from '../../src/promotion';
import { Cloud, EnvironmentLayout, NotificationEvent, RegistrySpec } from '../../src/spec';
import { stackIn, strictApp } from '../aws/helpers';
import { resources, synthJson, testStack } from '../gcp/helpers';

const spec = (events: NotificationEvent[] = [NotificationEvent.PROMOTION]): RegistrySpec =>
  promotionSpec(EnvironmentLayout.REPOSITORIES, { notifications: { events } });
const hopJobs = (text: string) => Object.entries<any>(parse(text).jobs).filter(([id]) => id.startsWith('promote-'));

/** Runs the report step's message line in sh with the step's env filled in, and returns the JSON it builds. */
function messageOf(step: any): any {
  const env: Record<string, string> = { PATH: process.env.PATH ?? '' };
  for (const key of Object.keys(step.env)) env[key] = key === 'RUN_URL' ? 'https://github.com/example/platform/actions/runs/42' : `sha256:${key.toLowerCase()}`;
  const res = spawnSync('sh', ['-c', `${step.run.split('\n')[0]}\nprintf '%s' "$MESSAGE"`], { env, encoding: 'utf8' });
  expect(res.stderr).toBe('');
  return JSON.parse(res.stdout);
}

describe('promotion reports in the generated workflow (issue 19)', () => {
  test.each([
    [Cloud.AWS, /^aws sns publish --topic-arn "\$DESTINATION" /m, '${{ vars.AWS_NOTIFICATION_TOPIC_ARN }}'],
    [Cloud.GCP, /^gcloud pubsub topics publish "\$DESTINATION" --message "\$MESSAGE" --attribute event=promotion$/m, '${{ vars.GCP_PROMOTION_TOPIC }}'],
    [Cloud.AZURE, /^curl --fail .* -X POST -H "Content-Type: application\/json" --data "\$MESSAGE" "\$DESTINATION"$/m, '${{ secrets.PROMOTION_WEBHOOK_URL }}'],
  ])('%s: every hop ends with a report of its images and digests, published to the configured destination', (cloud, command, destination) => {
    const generated = PromotionWorkflow.generate(PromotionPlanner.plan(spec(), { cloud }));
    const hops = hopJobs(generated.text);
    expect(hops.length).toBe(2);
    for (const [id, job] of hops) {
      const last = job.steps[job.steps.length - 1];
      expect([id, last.name]).toEqual([id, expect.stringMatching(/^Report the promotion (dev -> staging|staging -> prod)$/)]);
      expect(last.run).toMatch(command);
      expect(last.env.DESTINATION).toBe(destination);
      const message = messageOf(last);
      expect(message).toEqual({
        event: 'promotion',
        registry: 'platform',
        source: id === 'promote-staging' ? 'dev' : 'staging',
        destination: id === 'promote-staging' ? 'staging' : 'prod',
        images: [{ image: 'api', digest: expect.stringMatching(/^sha256:/) }, { image: 'jobs/worker', digest: expect.stringMatching(/^sha256:/) }],
        run: 'https://github.com/example/platform/actions/runs/42',
      });
    }
    if (cloud !== Cloud.AZURE) expect(generated.variables).toContain(WorkflowVariables.notification(cloud));
    expect(parseWorkflows([{ name: 'report.yml', content: generated.text }])[0].errors).toEqual([]);
  });

  test('without the promotion event there is no report step (negative control)', () => {
    const text = PromotionWorkflow.generate(PromotionPlanner.plan(spec([NotificationEvent.PUSH]), { cloud: Cloud.AWS })).text;
    expect(text).not.toContain('Report the promotion');
    expect(text).not.toContain('sns publish');
  });
});

describe('the promoters may publish their reports, and only they (issue 19)', () => {
  test('AWS: promoter roles get sns:Publish on the registry topic (and its key); the pusher does not; the topic ARN is an output', () => {
    const stack = stackIn(strictApp());
    new AwsRegistry(stack, 'Registry', { spec: spec() });
    const template = Template.fromStack(stack).toJSON();
    const publishers = Object.entries<any>(template.Resources)
      .filter(([, r]) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties.PolicyDocument).includes('sns:Publish'))
      .flatMap(([, r]) => r.Properties.Roles.map((x: any) => x.Ref));
    expect(publishers.sort()).toEqual([expect.stringMatching(/^RegistryIdentitiespromoteprod/), expect.stringMatching(/^RegistryIdentitiespromotestaging/)]);
    for (const [, r] of Object.entries<any>(template.Resources).filter(([, x]) => x.Type === 'AWS::IAM::Policy')) {
      for (const st of r.Properties.PolicyDocument.Statement.filter((s: any) => [st0(s)].flat().includes('sns:Publish'))) {
        expect(st.Resource).toEqual({ Ref: expect.stringMatching(/^RegistryNotificationsTopic/) });
      }
    }
    expect(template.Outputs.AWSNOTIFICATIONTOPICARN.Value).toEqual({ Ref: expect.stringMatching(/^RegistryNotificationsTopic/) });
  });

  test('GCP: a promotions topic, roles/pubsub.publisher for the promoters\' service accounts only, and its name as an output', () => {
    const stack = testStack();
    new GcpRegistry(stack, 'Registry', { spec: spec(), project: 'acme-registry', location: 'europe-west1', projectNumber: '42' });
    const json = synthJson(stack);
    expect(resources(json, 'google_pubsub_topic').map((t) => t.name)).toEqual(['platform-promotions']);
    const publishers = resources(json, 'google_pubsub_topic_iam_member');
    expect(publishers.map((m) => m.role)).toEqual(['roles/pubsub.publisher', 'roles/pubsub.publisher']);
    expect(publishers.map((m) => m.member).sort()).toEqual([
      expect.stringMatching(/promote-prod|promoteprod/), expect.stringMatching(/promote-staging|promotestaging/),
    ]);
    expect(json.output.GCP_PROMOTION_TOPIC.value).toMatch(/^\$\{google_pubsub_topic\./);
  });
});

function st0(statement: any): string[] {
  return [statement.Action].flat();
}
