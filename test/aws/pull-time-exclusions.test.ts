import { Template } from 'aws-cdk-lib/assertions';
import { stackIn, strictApp } from './helpers';
import { ContainerRegistry } from '../../src/aws';
import { RegistrySpec, RetentionAction, SpecValidator, TagState } from '../../src/spec';

// Issue 18, item 4: principals whose pulls do not count for pull-time retention rules.
const SCANNER = 'arn:aws:iam::123456789012:role/security/scanner';
const spec = (exclusions: string[] | undefined, repoExclusions?: string[]): RegistrySpec => ({
  name: 'platform',
  repositories: [{ name: 'api', ...(repoExclusions ? { retention: { awsPullTimeExclusionArns: repoExclusions } } : {}) }],
  retention: {
    rules: [{ tagState: TagState.ANY, notPulledForDays: 90, action: RetentionAction.ARCHIVE }],
    ...(exclusions ? { awsPullTimeExclusionArns: exclusions } : {}),
  },
});

describe('ECR pull-time update exclusions', () => {
  test('one AWS::ECR::PullTimeUpdateExclusion per principal, and the lifecycle rule reads the pull time', () => {
    const stack = stackIn(strictApp());
    new ContainerRegistry(stack, 'Registry', { spec: spec([SCANNER, 'arn:aws:iam::123456789012:user/auditor', SCANNER]) });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::ECR::PullTimeUpdateExclusion', 2);
    template.hasResourceProperties('AWS::ECR::PullTimeUpdateExclusion', { PrincipalArn: SCANNER });
    template.hasResourceProperties('AWS::ECR::PullTimeUpdateExclusion', { PrincipalArn: 'arn:aws:iam::123456789012:user/auditor' });
    const text = Object.values(template.findResources('AWS::ECR::Repository'))[0].Properties.LifecyclePolicy.LifecyclePolicyText;
    // After the claim of cosign's tags (the `any` rule can select them).
    expect(JSON.parse(text).rules.map((r: any) => r.selection).find((sel: any) => sel.countType !== 'imageCountMoreThan'))
      .toMatchObject({ countType: 'sinceImagePulled', countNumber: 90 });
  });

  test('none without the field', () => {
    const stack = stackIn(strictApp());
    new ContainerRegistry(stack, 'Registry', { spec: spec(undefined) });
    Template.fromStack(stack).resourceCountIs('AWS::ECR::PullTimeUpdateExclusion', 0);
  });

  test('registry-wide: the same principal excluded by two registries of one account and region is a synth-time error', () => {
    const app = strictApp();
    new ContainerRegistry(stackIn(app, 'A'), 'Registry', { spec: spec([SCANNER]) });
    expect(() => new ContainerRegistry(stackIn(app, 'B'), 'Registry', { spec: { ...spec([SCANNER]), name: 'other' } }))
      .toThrow(/a second ECR pull time update exclusion of arn:aws:iam::123456789012:role\/security\/scanner for account 123456789012/);
  });

  test('validation: only in the registry\'s retention, and only IAM role or user ARNs (the resource\'s PrincipalArn pattern)', () => {
    const { problems } = SpecValidator.validate(spec(['arn:aws:iam::123456789012:group/admins', 'arn:aws:iam::12345:role/x', SCANNER], [SCANNER]));
    expect(problems.map((p) => `${p.path}: ${p.message}`).sort()).toEqual([
      'repositories[0].retention.awsPullTimeExclusionArns: is registry-wide on ECR (one exclusion list per account and region): set it in the registry\'s retention',
      'retention.awsPullTimeExclusionArns[0]: is not an IAM role or user ARN (arn:aws:iam::<account>:role/<name> or :user/<name>, at most 200 characters)',
      'retention.awsPullTimeExclusionArns[1]: is not an IAM role or user ARN (arn:aws:iam::<account>:role/<name> or :user/<name>, at most 200 characters)',
    ]);
  });
});
