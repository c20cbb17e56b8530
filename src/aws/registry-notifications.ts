import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { NotificationEvent, RegistrySpec, Severity } from '../spec';

/** Props of `RegistryNotifications`. */
export interface RegistryNotificationsProps {
  /** The spec whose `notifications` section says which events to deliver. */
  readonly spec: RegistrySpec;

  /**
   * An existing SNS topic to deliver to. Its owner allows EventBridge to publish
   * (and, for an encrypted topic, to use its key); the construct changes neither.
   *
   * @default - a topic created here, encrypted with a key created here
   */
  readonly topic?: sns.ITopic;

  /**
   * Whether the registry's scans are enhanced (Amazon Inspector) rather than basic.
   * Enhanced scanning reports findings as Inspector events, not `ECR Image Scan`.
   *
   * @default false
   */
  readonly enhancedScanning?: boolean;
}

/** The ECR severities at or above a threshold, highest first (ECR and Inspector name them the same, upper-case). */
function severitiesFrom(threshold: Severity): string[] {
  const order = [Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM, Severity.LOW];
  return order.slice(0, order.indexOf(threshold) + 1).map((s) => s.toUpperCase());
}

/** An EventBridge target that only names the topic: the topic policy is written here, with conditions. */
class TopicTarget implements events.IRuleTarget {
  constructor(private readonly topic: sns.ITopic) {}
  public bind(): events.RuleTargetConfig {
    return { arn: this.topic.topicArn };
  }
}

/**
 * The registry's events on AWS, delivered to one SNS topic by EventBridge rules on the
 * default bus, one rule per event of `notifications.events`, each matching the
 * registry's repositories only (`repository-name` prefix `<registry name>/`):
 * - `push`: `ECR Image Action` with `action-type` PUSH and `result` SUCCESS (ECR user
 *   guide, "Amazon ECR events and EventBridge", "Event for a completed image push");
 * - `scan-finding`: with basic scanning, `ECR Image Scan` with `scan-status` COMPLETE and a
 *   `finding-severity-counts` entry at or above the threshold ("The finding-severity-counts
 *   parameter will only return a value for a severity level if one exists", so the pattern
 *   asks for a count above 0 with `$or` over the severities); the same source, detail type and
 *   scan status as aws-cdk-lib's `Repository.onImageScanCompleted` (aws-ecr/lib/repository.ts:
 *   `source: ['aws.ecr'], detailType: ['ECR Image Scan'], detail: { ..., 'scan-status': ['COMPLETE'] }`).
 *   With enhanced scanning ECR sends no `ECR Image Scan`: "Amazon Inspector sends events to
 *   EventBridge when an initial scan is completed and when an image scan finding is created,
 *   updated, or closed" (ECR user guide, "EventBridge events sent for enhanced scanning"), with
 *   source `aws.inspector2` and detail type `Inspector2 Finding` (EventBridge events reference,
 *   "Amazon Inspector events"), whose `detail` is the finding (Inspector user guide, "finding
 *   event schema": "detail describes the finding"): `severity`, `status` (ACTIVE, SUPPRESSED,
 *   CLOSED) and `resources[].type` `AWS_ECR_CONTAINER_IMAGE` with
 *   `resources[].details.awsEcrContainerImage.repositoryName` (the Inspector2 Finding shape).
 *   The rule matches those at or above the threshold and ACTIVE (a closed finding is not news);
 * - `retention-deletion`: the CloudTrail service event `PolicyExecutionEvent` of
 *   `ecr.amazonaws.com` (ECR user guide, "Logging Amazon ECR actions with AWS CloudTrail":
 *   CloudTrail captures "all actions taken as a result of lifecycle policy rules, including
 *   both successful and unsuccessful actions"), delivered to EventBridge as `AWS Service Event
 *   via CloudTrail`. The sample event has `readOnly: true`, and EventBridge delivers read-only
 *   management events only to rules in state `ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS`,
 *   which this rule has. A trail: the EventBridge guide ("Events from AWS services") requires
 *   one only for `AWS API Call via CloudTrail` ("To record events with a detail-type value of
 *   AWS API Call via CloudTrail, a CloudTrail trail with logging enabled is required"; so does
 *   aws-cdk-lib's `onCloudTrailImagePushed`: "Requires that there exists at least one CloudTrail
 *   Trail in your account"). `PolicyExecutionEvent` is an `AWS Service Event via CloudTrail`
 *   ("Events created by AWS services but are not directly triggered by a request to a public
 *   AWS service API"), for which the guide states no trail requirement; this was not verified
 *   against an account (README "Notifications" says so). The ECR guide documents no `ECR Image
 *   Action` DELETE event for lifecycle expirations, so the library does not rely on one;
 * - `promotion`: no rule: the generated promotion workflow publishes its own report.
 *
 * A created topic is encrypted with a created KMS key (rotation on) whose policy lets
 * `events.amazonaws.com` use it only for this account; the topic policy allows
 * `sns:Publish` to `events.amazonaws.com` only with `aws:SourceAccount` this account and
 * `aws:SourceArn` one of the rules, and refuses requests without TLS.
 */
export class RegistryNotifications extends Construct {
  /** The topic the events are delivered to. */
  public readonly topic: sns.ITopic;
  /** The key of a created topic. */
  public readonly key?: kms.IKey;
  /** The rules, by event (`push`, `scan-finding`, `retention-deletion`). */
  public readonly rules: { [event: string]: events.Rule } = {};

  constructor(scope: Construct, id: string, props: RegistryNotificationsProps) {
    super(scope, id);
    const spec = props.spec;
    const wanted = new Set(spec.notifications?.events ?? []);
    const stack = Stack.of(this);
    const repositories = [{ prefix: `${spec.name}/` }];

    if (props.topic) {
      this.topic = props.topic;
    } else {
      const key = new kms.Key(this, 'Key', {
        description: `Encrypts the notification topic of the ${spec.name} ECR registry`,
        enableKeyRotation: true,
        removalPolicy: RemovalPolicy.RETAIN,
      });
      // EventBridge publishes to an encrypted topic only if it may use the key (SNS developer guide,
      // "Enable compatibility between event sources from AWS services and encrypted topics").
      key.addToResourcePolicy(new iam.PolicyStatement({
        sid: 'EventBridgePublishes',
        principals: [new iam.ServicePrincipal('events.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }));
      this.key = key;
      this.topic = new sns.Topic(this, 'Topic', {
        displayName: `${spec.name} registry events`,
        masterKey: key,
        enforceSSL: true,
      });
    }

    const rule = (event: string, description: string, pattern: events.EventPattern) => {
      const r = new events.Rule(this, `On-${event}`, { description, eventPattern: pattern });
      r.addTarget(new TopicTarget(this.topic));
      this.rules[event] = r;
      return r;
    };
    if (wanted.has(NotificationEvent.PUSH)) {
      rule(NotificationEvent.PUSH, `${spec.name}: an image was pushed`, {
        source: ['aws.ecr'],
        detailType: ['ECR Image Action'],
        detail: { 'action-type': ['PUSH'], 'result': ['SUCCESS'], 'repository-name': repositories },
      });
    }
    if (wanted.has(NotificationEvent.SCAN_FINDING)) {
      const severities = severitiesFrom(spec.notifications?.minimumSeverity ?? Severity.HIGH);
      rule(NotificationEvent.SCAN_FINDING, `${spec.name}: a scan found ${severities.join(', ').toLowerCase()} vulnerabilities`, props.enhancedScanning
        ? {
          source: ['aws.inspector2'],
          detailType: ['Inspector2 Finding'],
          detail: {
            severity: severities,
            status: ['ACTIVE'],
            resources: { type: ['AWS_ECR_CONTAINER_IMAGE'], details: { awsEcrContainerImage: { repositoryName: repositories } } },
          },
        }
        : {
          source: ['aws.ecr'],
          detailType: ['ECR Image Scan'],
          detail: {
            'scan-status': ['COMPLETE'],
            'repository-name': repositories,
            '$or': severities.map((s) => ({ 'finding-severity-counts': { [s]: [{ numeric: ['>', 0] }] } })),
          },
        });
    }
    if (wanted.has(NotificationEvent.RETENTION_DELETION)) {
      const r = rule(NotificationEvent.RETENTION_DELETION, `${spec.name}: the lifecycle policy expired images`, {
        source: ['aws.ecr'],
        detailType: ['AWS Service Event via CloudTrail'],
        detail: { eventSource: ['ecr.amazonaws.com'], eventName: ['PolicyExecutionEvent'], serviceEventDetails: { repositoryName: repositories } },
      });
      (r.node.defaultChild as events.CfnRule).state = 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS';
    }

    const ruleArns = Object.values(this.rules).map((r) => r.ruleArn);
    if (!props.topic && ruleArns.length > 0) {
      this.topic.addToResourcePolicy(new iam.PolicyStatement({
        sid: 'EventBridgeRulesPublish',
        principals: [new iam.ServicePrincipal('events.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account }, ArnEquals: { 'aws:SourceArn': ruleArns } },
      }));
    }
  }
}
