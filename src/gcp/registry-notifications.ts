import { PubsubSubscription } from '@cdktf/provider-google/lib/pubsub-subscription';
import { PubsubSubscriptionIamMember } from '@cdktf/provider-google/lib/pubsub-subscription-iam-member';
import { PubsubTopic } from '@cdktf/provider-google/lib/pubsub-topic';
import { PubsubTopicIamMember } from '@cdktf/provider-google/lib/pubsub-topic-iam-member';
import { Construct } from 'constructs';
import { NotificationEvent, RegistrySpec } from '../spec/registry-spec';

/** Where the GCP registry's events go (`ContainerRegistryProps.notifications`). */
export interface GarNotificationOptions {
  /**
   * Create the topics `gcr` and `container-analysis-occurrences-v1`. Artifact Registry
   * creates `gcr` when its API is enabled, and Artifact Analysis creates
   * `container-analysis-occurrences-v1` when its API is enabled, so creating them again
   * fails; create them here only where they are missing (an organization policy that
   * requires CMEK keeps the services from creating them).
   *
   * @default false - the topics the services created are used by name
   */
  readonly createTopics?: boolean;

  /**
   * A push endpoint (`https://...`) that receives the messages; without it, the
   * subscriptions are pull subscriptions.
   *
   * @default - pull subscriptions
   */
  readonly pushEndpoint?: string;

  /**
   * The service account whose OIDC token Pub/Sub sends to the push endpoint.
   *
   * @default - no authentication header (not recommended)
   */
  readonly pushServiceAccountEmail?: string;

  /**
   * IAM members that read the pull subscriptions (`roles/pubsub.subscriber` on each
   * subscription, not on the project or topic).
   *
   * @default - none
   */
  readonly subscriberMembers?: string[];
}

/** Props of the GCP `RegistryNotifications`. */
export interface GarRegistryNotificationsProps extends GarNotificationOptions {
  /** The spec whose `notifications` say which events to deliver. */
  readonly spec: RegistrySpec;
  /** The project of the registry (and of the topics). */
  readonly project: string;
  /** The project's number, which names the service agents. */
  readonly projectNumber: string;
  /**
   * The members that publish promotion reports (the promoters' service accounts):
   * `roles/pubsub.publisher` on the promotions topic only.
   *
   * @default - none
   */
  readonly promoterMembers?: string[];
}

/**
 * The registry's events on GCP, from the topics the services publish to:
 * - `push` and `retention-deletion`: Artifact Registry "publishes messages about changes to
 *   repositories in a topic named gcr" (Artifact Registry docs, "Configure Pub/Sub
 *   notifications"): `INSERT` for uploads and new tags, `DELETE` for deletions. One
 *   subscription `<registry>-registry-changes` on `gcr`. The topic is project-wide and the
 *   messages carry no attributes, so Pub/Sub cannot filter by repository or action, and a
 *   `DELETE` does not say whether a cleanup policy or a person deleted: a warning says so.
 * - `scan-finding`: Artifact Analysis publishes each new or updated occurrence to
 *   `container-analysis-occurrences-v1` (Artifact Analysis docs, "Configure Pub/Sub
 *   notifications"); one subscription `<registry>-scan-findings`. The message names the
 *   occurrence and its kind, not its severity: the subscriber reads the occurrence to
 *   apply `minimumSeverity` (a warning says so).
 * - `promotion`: a topic `<registry>-promotions` that the generated workflow's hops publish to
 *   (`gcloud pubsub topics publish`, as the promoter: `roles/pubsub.publisher` on that topic only),
 *   with a subscription `<registry>-promotions` delivered like the others.
 * With `createTopics`, the topics are created and only the publishing service agent of each
 * gets `roles/pubsub.publisher` on it (`service-<number>@gcp-sa-artifactregistry.iam.gserviceaccount.com`
 * on `gcr`, `service-<number>@container-analysis.iam.gserviceaccount.com` on the occurrences topic).
 * The Artifact Registry service agent is the publisher of `gcr`: "The Artifact Registry Service Agent
 * acts on behalf of Artifact Registry when interacting with Google Cloud services ... service-PROJECT-
 * NUMBER@gcp-sa-artifactregistry.iam.gserviceaccount.com", and its project role
 * `roles/artifactregistry.serviceAgent` has "Publish Pub/Sub topics: pubsub.topics.publish" (Artifact
 * Registry docs, "Artifact Registry Service Agent"). The topic-level grant keeps publishing working
 * where that project role was removed, and names the publisher on the topic. "When you activate the
 * Artifact Registry API ... Artifact Registry automatically creates a Pub/Sub topic with the topic ID
 * gcr" and "After you activate the Artifact Analysis API, Artifact Analysis automatically creates
 * Pub/Sub topics with the following topic IDs: container-analysis-notes-v1, container-analysis-
 * occurrences-v1" (the two services' "Configure Pub/Sub notifications"), unless an organization policy
 * (CMEK) keeps them from it: then `createTopics`.
 */
export class RegistryNotifications extends Construct {
  /** The subscriptions, by event group (`registry-changes`, `scan-findings`). */
  public readonly subscriptions: { [name: string]: PubsubSubscription } = {};
  /** The topics created here, by id. */
  public readonly topics: { [id: string]: PubsubTopic } = {};

  constructor(scope: Construct, id: string, props: GarRegistryNotificationsProps) {
    super(scope, id);
    const events = new Set(props.spec.notifications?.events ?? []);
    const wanted: Array<{ group: string; topicId: string; agent: string }> = [];
    if (events.has(NotificationEvent.PUSH) || events.has(NotificationEvent.RETENTION_DELETION)) {
      wanted.push({ group: 'registry-changes', topicId: 'gcr', agent: `service-${props.projectNumber}@gcp-sa-artifactregistry.iam.gserviceaccount.com` });
    }
    if (events.has(NotificationEvent.SCAN_FINDING)) {
      wanted.push({ group: 'scan-findings', topicId: 'container-analysis-occurrences-v1', agent: `service-${props.projectNumber}@container-analysis.iam.gserviceaccount.com` });
    }
    if (events.has(NotificationEvent.PROMOTION)) {
      // The generated workflow's hops publish their reports here (`gcloud pubsub topics publish`), as the promoter.
      const promotions = new PubsubTopic(this, 'Topic-promotions', { name: `${props.spec.name}-promotions`, project: props.project });
      this.topics.promotions = promotions;
      for (const member of props.promoterMembers ?? []) {
        new PubsubTopicIamMember(this, `PromotionPublisher-${member.replace(/[^A-Za-z0-9]/g, '_')}`, {
          project: props.project, topic: promotions.name, role: 'roles/pubsub.publisher', member,
        });
      }
      const subscription = new PubsubSubscription(this, 'Subscription-promotions', {
        name: `${props.spec.name}-promotions`,
        project: props.project,
        topic: promotions.id,
        ackDeadlineSeconds: 60,
        messageRetentionDuration: '604800s',
        pushConfig: props.pushEndpoint ? {
          pushEndpoint: props.pushEndpoint,
          oidcToken: props.pushServiceAccountEmail ? { serviceAccountEmail: props.pushServiceAccountEmail } : undefined,
        } : undefined,
      });
      this.subscriptions.promotions = subscription;
      for (const member of props.pushEndpoint ? [] : props.subscriberMembers ?? []) {
        new PubsubSubscriptionIamMember(this, `Subscriber-promotions-${member.replace(/[^A-Za-z0-9]/g, '_')}`, {
          project: props.project, subscription: subscription.name, role: 'roles/pubsub.subscriber', member,
        });
      }
    }
    for (const w of wanted) {
      let topic = `projects/${props.project}/topics/${w.topicId}`;
      if (props.createTopics) {
        const created = new PubsubTopic(this, `Topic-${w.topicId}`, { name: w.topicId, project: props.project });
        new PubsubTopicIamMember(this, `Publisher-${w.topicId}`, {
          project: props.project, topic: created.name, role: 'roles/pubsub.publisher', member: `serviceAccount:${w.agent}`,
        });
        this.topics[w.topicId] = created;
        topic = created.id;
      }
      const subscription = new PubsubSubscription(this, `Subscription-${w.group}`, {
        name: `${props.spec.name}-${w.group}`,
        project: props.project,
        topic,
        ackDeadlineSeconds: 60,
        messageRetentionDuration: '604800s',
        pushConfig: props.pushEndpoint ? {
          pushEndpoint: props.pushEndpoint,
          oidcToken: props.pushServiceAccountEmail ? { serviceAccountEmail: props.pushServiceAccountEmail } : undefined,
        } : undefined,
      });
      this.subscriptions[w.group] = subscription;
      for (const member of props.pushEndpoint ? [] : props.subscriberMembers ?? []) {
        new PubsubSubscriptionIamMember(this, `Subscriber-${w.group}-${member.replace(/[^A-Za-z0-9]/g, '_')}`, {
          project: props.project, subscription: subscription.name, role: 'roles/pubsub.subscriber', member,
        });
      }
    }
  }
}
