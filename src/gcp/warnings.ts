import { AnnotationMetadataEntryType } from 'cdktf';
import { IConstruct } from 'constructs';
import { WarningIds, WarningInfo } from '../spec/contract';

const w = (topic: string, summary: string): WarningInfo => ({ id: WarningIds.id('gcp', topic), cloud: 'gcp', summary });

/**
 * The warnings the GCP constructs emit, each with its stable id
 * (`container-registry-constructs:gcp-<topic>`), which starts the message in
 * brackets (CDK for Terraform annotations have no id of their own).
 */
export class GcpWarnings {
  /** Every warning of the GCP module, once each. */
  public static readonly WARNINGS: WarningInfo[] = [
    w('image-scope', 'An identity or a grant restricted to some images gets the whole repository (Artifact Registry IAM is per repository); use separate registries to keep images apart.'),
    w('tags-layout-push', 'With the tags layout, whoever may push may move any environment tag (IAM cannot tell tags apart); use the repositories layout to separate environments.'),
    w('identity-without-principal', 'A spec identity has neither a github trust nor gcpMembers, so it is granted nothing on Artifact Registry.'),
    w('retention-translation', 'The cleanup-policy translation could not follow part of the retention (a rule that selects nothing on GCP, a dry run for some images only); the message says which.'),
    w('retention-conservative', 'Artifact Registry cannot express the retention exactly, so the cleanup policies delete less than the spec (the nearest safe behaviour), with the reasons.'),
    w('immutable-tags-cleanup', 'With docker_config.immutable_tags on, cleanup never deletes a tagged version; set tagPolicy.immutable to false to expire tagged images.'),
    w('immutable-tags', 'immutable_tags is all or nothing: the tag policy\'s moving tags are write-once on GCP (pushing them again fails) rather than letting release tags move.'),
    w('mixed-immutability', 'Images of one repository ask for different tag immutability; tags stay mutable in every repository. Give them the same tag policy.'),
    w('mixed-scanning', 'Scanning is off for some images but Artifact Registry scans per repository, so every image is scanned.'),
    w('severity-gate', 'Artifact Registry has no severity gate: enforce severityThreshold in the promotion pipeline.'),
    w('no-replication', 'Artifact Registry does not replicate repositories; use a multi-region location for redundancy.'),
    w('prevent-destroy-off', 'preventDestroy is false: a Terraform plan may delete the repositories and every image in them.'),
    w('existing-repository', 'An existing repository is only referenced: the spec\'s retention, tag policy, scanning, encryption and labels are not applied to it.'),
    w('existing-provider', 'An existing workload identity provider is used as is: make sure its attribute condition (and mapping) admit only the spec\'s trusts.'),
    w('vpcsc-remote-repositories', 'Inside a VPC Service Controls perimeter, remote repositories need the Artifact Registry VPC-SC config set to ALLOW, which only the google-beta provider can set; set it with gcloud.'),
    w('notifications-unfiltered', 'The gcr topic carries every change of every Docker repository of the project without attributes, so Pub/Sub cannot filter it; the subscriber filters, and a DELETE does not tell retention from a person.'),
    w('scan-severity-unfiltered', 'Artifact Analysis occurrence messages carry no severity, so every occurrence is delivered; the subscriber applies minimumSeverity.'),
    w('docker-hub-anonymous', 'A Docker Hub cache without credentials is subject to Docker Hub\'s anonymous pull limits; set username and gcpSecretVersion.'),
  ];

  /**
   * Emits a warning of the list on a construct: `[<id>] <message>`.
   *
   * @internal
   */
  public static _emit(scope: IConstruct, topic: string, message: string): void {
    const id = WarningIds.id('gcp', topic);
    if (!GcpWarnings.WARNINGS.some((x) => x.id === id)) throw new Error(`GcpWarnings: "${topic}" is not a listed warning topic`);
    // What `Annotations.of(scope).addWarning` records, without the JavaScript stack trace it captures for each
    // warning (tens of microseconds each, 4% of synthesis of 90 Harbor registries): the construct path and the
    // warning id say where a warning comes from.
    scope.node.addMetadata(AnnotationMetadataEntryType.WARN, WarningIds.tagged(id, message));
  }
}
