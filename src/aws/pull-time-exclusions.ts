import * as ecr from 'aws-cdk-lib/aws-ecr';
import { Construct } from 'constructs';
import { claimAccountSingleton } from './account-singletons';

/** Props of `PullTimeUpdateExclusions`. */
export interface PullTimeUpdateExclusionsProps {
  /** IAM role or user ARNs whose pulls do not update ECR's last recorded pull time. */
  readonly principalArns: string[];
}

/**
 * ECR pull-time update exclusions: pulls by these principals (vulnerability
 * scanners, replication checkers) do not update an image's `lastRecordedPullTime`,
 * so lifecycle rules by last pull (`sinceImagePulled`) see only real use. One
 * `AWS::ECR::PullTimeUpdateExclusion` per principal (CloudFormation template
 * reference: a single `PrincipalArn` property, "Update requires: Replacement";
 * the API is `RegisterPullTimeUpdateExclusion` / `DeregisterPullTimeUpdateExclusion`).
 * The list is registry-wide (account and region), so an ARN excluded twice in one
 * app is a synth-time error. No runtime identity needs a permission for it: the
 * deployment registers the exclusions.
 */
export class PullTimeUpdateExclusions extends Construct {
  /** The exclusion resources, by principal ARN. */
  public readonly exclusions: { [principalArn: string]: ecr.CfnPullTimeUpdateExclusion } = {};

  constructor(scope: Construct, id: string, props: PullTimeUpdateExclusionsProps) {
    super(scope, id);
    for (const principalArn of [...new Set(props.principalArns)]) {
      claimAccountSingleton(this, `pull time update exclusion of ${principalArn}`, 'aws.PullTimeUpdateExclusions');
      // The id is derived from the ARN, so adding or removing another principal never replaces this one.
      this.exclusions[principalArn] = new ecr.CfnPullTimeUpdateExclusion(this, principalArn.replace(/[^A-Za-z0-9]+/g, '-'), { principalArn });
    }
  }
}
