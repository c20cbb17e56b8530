import { AnnotationMetadataEntryType } from 'cdktf';
import { IConstruct } from 'constructs';
import { WarningIds, WarningInfo } from '../spec/contract';

const W = (topic: string, summary: string): WarningInfo => ({ id: WarningIds.id('harbor', topic), cloud: 'harbor', summary });

/**
 * The warnings the Harbor constructs emit, each with its stable id
 * (`container-registry-constructs:harbor-<topic>`), which starts the message in
 * brackets (CDK for Terraform annotations have no id of their own).
 */
export class HarborWarnings {
  /** Every warning of the Harbor constructs, once each. */
  public static readonly WARNINGS: WarningInfo[] = [
    W('retention-translation', 'The Harbor retention translation keeps more than the spec (conservative); the message says which rules and why.'),
    W('retention-dry-run', 'Harbor has no dry-run setting on a retention policy (dry runs are per execution): the policy gets no schedule; run it as a dry run by hand.'),
    W('tag-immutability', 'Harbor\'s immutable tag rule cannot say exactly what the tag policy says (semver aliases with long components); the message says what is stricter.'),
    W('immutability-blocks-retention', 'Tags an immutable tag rule covers cannot be deleted, so Harbor\'s retention keeps artifacts that carry one.'),
    W('grant-project-wide', 'Harbor robots are scoped to projects: a grant of some images covers every repository of the projects that hold them.'),
    W('tags-layout', 'With the tags layout every pusher and promoter may move any tag, including the environment tags; use the registries layout to separate environments.'),
    W('robot-secrets', 'Robot secrets are sensitive Terraform outputs: store them in the CI secret store; Harbor robots have no OIDC federation.'),
    W('existing-principals', 'Existing AWS, GCP or Azure principals of an identity mean nothing on Harbor; only its robot account is created.'),
    W('continuous-scanning', 'Harbor scans on push per project; rescanning as new vulnerabilities are published is the system-wide scheduled scan, set where Harbor is administered.'),
    W('cve-allowlist', 'A project\'s CVE allowlist is shared by its repositories: only the vulnerabilities every repository of the project accepts are allowed.'),
    W('encryption', 'Harbor has no per-project encryption setting: the spec\'s customer-managed key is not applied; encrypt the registry storage where Harbor is deployed.'),
    W('cache-upstream', 'A proxy-cache upstream that the default Harbor installer does not permit (PERMITTED_REGISTRY_TYPES_FOR_PROXY_CACHE) or that pulls anonymously.'),
    W('notifications-address', 'The spec asks for notifications but no webhookAddress was given: no project webhook is created, and the events are not delivered.'),
    W('scan-severity-unfiltered', 'Harbor\'s SCANNING_COMPLETED webhook event is sent for every finished scan, whatever it found: the receiver applies the minimum severity.'),
    W('private-network', 'Harbor has no private endpoint or per-project network rule: network.privateAccess is met where Harbor is deployed (an internal ingress, firewall rules); the construct changes nothing.'),
    W('plain-http', 'An http:// address (the Harbor URL, a replica endpoint or the webhook): credentials, robot secrets and the webhook header travel unencrypted; use https.'),
    W('literal-secret', 'The Harbor password or the webhook\'s Authorization header is a literal string: it is written in clear into the synthesized Terraform configuration; pass a sensitive variable.'),
    W('labels', 'Harbor projects take no labels or tags (project metadata has no such field): the spec\'s labels are not applied on Harbor.'),
    W('replica-endpoint', 'A replica without an endpoint (replicaEndpoints) or with fields Harbor ignores (awsAccountId, zoneRedundant); the message says which.'),
  ];

  /**
   * Emits a warning of the list on a construct: `[<id>] <message>`. Throws for a
   * topic that is not in `WARNINGS` (a programming error).
   *
   * @internal
   */
  public static _emit(scope: IConstruct, topic: string, message: string): void {
    const id = WarningIds.id('harbor', topic);
    if (!HarborWarnings.WARNINGS.some((w) => w.id === id)) throw new Error(`unknown Harbor warning topic "${topic}"`);
    // What `Annotations.of(scope).addWarning` records, without the JavaScript stack trace it captures for each
    // warning (tens of microseconds each, 4% of synthesis of 90 Harbor registries): the construct path and the
    // warning id say where a warning comes from.
    scope.node.addMetadata(AnnotationMetadataEntryType.WARN, WarningIds.tagged(id, message));
  }
}
