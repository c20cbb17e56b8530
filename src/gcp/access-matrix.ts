import { ArtifactRegistryRole } from './docker-repository';
import { AccessModel, AccessResourceKind, Capability, NativeAccessEntry } from '../spec/access-model';
import { EffectiveSpec } from '../spec/effective';
import { Naming } from '../spec/naming';
import { EnvironmentLayout, IdentitySpec, RegistrySpec } from '../spec/registry-spec';
import { TagPolicyDecision } from '../tagging/tag-policy-decision';

/**
 * The Artifact Registry permissions that decide each capability, and the predefined
 * roles that hold them, from the IAM roles reference
 * (https://cloud.google.com/iam/docs/roles-permissions/artifactregistry):
 * - `roles/artifactregistry.reader` ("Access to read repository items") holds
 *   `artifactregistry.repositories.downloadArtifacts` (pull; on a remote repository
 *   the first request of a version makes Artifact Registry download it from the
 *   upstream and cache it: "The first time that you request a version of a package,
 *   Artifact Registry downloads and caches the package in the remote repository",
 *   https://cloud.google.com/artifact-registry/docs/repositories/remote-overview);
 * - `roles/artifactregistry.writer` ("Access to read and write repository items")
 *   adds `artifactregistry.repositories.uploadArtifacts`, `artifactregistry.tags.create`
 *   and `artifactregistry.tags.update` (moving a tag); there is no write-only role;
 * - `roles/artifactregistry.repoAdmin` ("Access to manage artifacts in repositories")
 *   adds `artifactregistry.tags.delete`, `artifactregistry.versions.delete`,
 *   `artifactregistry.packages.delete` and `artifactregistry.repositories.deleteArtifacts`.
 */
const CAPABILITY_PERMISSIONS: { [capability: string]: string[] } = {
  [Capability.READ]: ['artifactregistry.repositories.downloadArtifacts'],
  [Capability.WRITE]: ['artifactregistry.repositories.uploadArtifacts', 'artifactregistry.tags.create'],
  [Capability.MOVE_TAG]: ['artifactregistry.tags.update'],
  [Capability.CACHE_IMPORT]: ['artifactregistry.repositories.downloadArtifacts'],
  // IAM roles reference, Artifact Analysis: roles/containeranalysis.occurrences.viewer ("Container Analysis Occurrences Viewer").
  [Capability.READ_SCAN_RESULTS]: ['containeranalysis.occurrences.list'],
  // IAM roles reference, Pub/Sub: roles/pubsub.publisher ("Pub/Sub Publisher: Provides access to publish messages to a topic").
  [Capability.PUBLISH_NOTIFICATION]: ['pubsub.topics.publish'],
};

const CAPABILITY_ORDER = [
  Capability.READ, Capability.WRITE, Capability.MOVE_TAG, Capability.DELETE, Capability.ADMIN, Capability.CACHE_IMPORT, Capability.READ_SCAN_RESULTS,
  Capability.PUBLISH_NOTIFICATION,
];

/** Options of `GarAccessMatrix.of`. */
export interface GarAccessMatrixOptions {
  /**
   * The virtual repository, as given to `ContainerRegistry`: its id, and the
   * environment whose repository it serves first (with the caches).
   *
   * @default - no virtual repository
   */
  readonly virtualRepositoryId?: string;
  /**
   * The environment the virtual repository serves.
   *
   * @default - the last environment of the chain
   */
  readonly virtualEnvironment?: string;
}

/**
 * The access matrix of a spec on Artifact Registry: what each identity of the
 * spec that has a Google Cloud principal (a created service account, when it has a
 * `github` trust, and its `gcpMembers`) may do to each Artifact Registry repository
 * the `ContainerRegistry` creates (one standard repository per physical
 * environment, one remote repository per cache, and the virtual repository when
 * asked), with the predefined role that gives it.
 *
 * It is `AccessModel`'s matrix at Artifact Registry's granularity: IAM roles are
 * bound per repository, so an identity restricted to some images gets the role on
 * every package of the repository; the writer role includes reading and moving
 * tags. Where the row grants more than the model, `beyondModel` says why.
 */
export class GarAccessMatrix {
  /**
   * The resource name of project-level rows: the project that holds the registry
   * (reading scan results, `roles/containeranalysis.occurrences.viewer`).
   */
  public static readonly PROJECT: string = 'project';

  /**
   * The resource name of the promotion reports' row: the Pub/Sub topic `<registry>-promotions`
   * (`RegistryNotifications.topics.promotions`), where the promoters publish
   * (`Capability.PUBLISH_NOTIFICATION`, `roles/pubsub.publisher` on that topic only).
   * The other notification grants are services' and readers', not identities of the spec, and
   * have no row: the Artifact Registry and Artifact Analysis service agents publish to the topics
   * `gcr` and `container-analysis-occurrences-v1` when the construct creates them, and
   * `subscriberMembers` read the subscriptions (`roles/pubsub.subscriber` on each).
   */
  public static promotionTopic(spec: RegistrySpec): string {
    return `topic:${spec.name}-promotions`;
  }

  /** The permissions that give a capability on Artifact Registry. */
  public static permissionsFor(capability: Capability): string[] {
    return [...(CAPABILITY_PERMISSIONS[capability] ?? [])];
  }

  /** The capabilities a predefined role gives on a standard repository (remote: `CACHE_IMPORT` too with read). */
  public static capabilitiesOf(role: ArtifactRegistryRole, remote: boolean = false): Capability[] {
    const caps = role === ArtifactRegistryRole.READER
      ? [Capability.READ]
      : role === ArtifactRegistryRole.WRITER
        ? [Capability.READ, Capability.WRITE, Capability.MOVE_TAG]
        : [Capability.READ, Capability.WRITE, Capability.MOVE_TAG, Capability.DELETE];
    return remote ? [...caps, Capability.CACHE_IMPORT] : caps;
  }

  /**
   * Every row, sorted by identity and repository.
   *
   * @deprecated use `GarAccessMatrix.of`
   */
  public static entries(spec: RegistrySpec, options: GarAccessMatrixOptions = {}): NativeAccessEntry[] {
    return GarAccessMatrix.of(spec, options);
  }

  /** Every row, sorted by identity and repository. */
  public static of(spec: RegistrySpec, options: GarAccessMatrixOptions = {}): NativeAccessEntry[] {
    const rows: NativeAccessEntry[] = [];
    const model = AccessModel.matrix(spec);
    const images = spec.repositories.map((r) => r.name);
    const envs = Naming.physicalEnvironments(spec);
    const tagsLayout = Naming.layout(spec) === EnvironmentLayout.TAGS && Naming.environmentNames(spec).length > 1;
    const caches = spec.upstreamCaches ?? [];
    // As ContainerRegistry decides it: immutable_tags is on only when every image's decision says so.
    const immutableTags = spec.repositories.every((r) => TagPolicyDecision.gar(EffectiveSpec.tagPolicy(spec, r)).immutableTags);
    // The model's entry of each identity and resource (the first, as a search of the list would find it).
    const entryKey = (identity: string, kind: AccessResourceKind, environment: string, name: string) => `${identity}\n${kind}\n${environment}\n${name}`;
    const byKey = new Map<string, Capability[]>();
    for (const e of model) {
      const key = entryKey(e.identity, e.resource.kind, e.resource.environment, e.resource.name);
      if (!byKey.has(key)) byKey.set(key, e.capabilities);
    }
    const capsOf = (identity: string, kind: AccessResourceKind, environment: string, name: string): Capability[] =>
      byKey.get(entryKey(identity, kind, environment, name)) ?? [];

    const scanReaders = new Map<string, string[]>();
    for (const e of model.filter((x) => x.capabilities.includes(Capability.READ_SCAN_RESULTS))) {
      scanReaders.set(e.identity, [...(scanReaders.get(e.identity) ?? []), Naming.garRepositoryId(spec, e.resource.environment) + '/' + e.resource.name]);
    }
    const reporters = AccessModel.promotionReporters(spec);
    for (const identity of GarAccessMatrix.identities(spec)) {
      if (reporters.includes(identity.name)) {
        rows.push({
          identity: identity.name,
          resource: GarAccessMatrix.promotionTopic(spec),
          capabilities: [Capability.PUBLISH_NOTIFICATION],
          grantedAs: ['roles/pubsub.publisher', ...CAPABILITY_PERMISSIONS[Capability.PUBLISH_NOTIFICATION]],
        });
      }
      const gated = scanReaders.get(identity.name);
      if (gated) {
        rows.push({
          identity: identity.name,
          resource: GarAccessMatrix.PROJECT,
          capabilities: [Capability.READ_SCAN_RESULTS],
          grantedAs: ['roles/containeranalysis.occurrences.viewer', ...CAPABILITY_PERMISSIONS[Capability.READ_SCAN_RESULTS]],
          beyondModel: 'Artifact Analysis occurrences are granted only at project level (no repository-level IAM): the scan gate needs the findings of '
            + `${[...new Set(gated)].sort().join(', ')}, and the role reads every occurrence of the project`,
        });
      }
      for (const env of envs) {
        const perImage = images.map((image) => ({
          image,
          caps: capsOf(identity.name, AccessResourceKind.REPOSITORY, env, image)
            .filter((c): boolean => c !== Capability.READ_SCAN_RESULTS) as Capability[],
        }));
        const wanted = new Set(perImage.flatMap((p) => p.caps));
        if (wanted.size === 0) continue;
        const role = wanted.has(Capability.WRITE) || wanted.has(Capability.MOVE_TAG) ? ArtifactRegistryRole.WRITER : ArtifactRegistryRole.READER;
        const granted = GarAccessMatrix.capabilitiesOf(role);
        const reasons: string[] = [];
        const partial = perImage.filter((p) => p.caps.length === 0).map((p) => p.image);
        if (partial.length > 0) {
          reasons.push(`IAM roles are per repository: the identity also reaches ${partial.join(', ')}, outside its repositories`);
        }
        const missing = (cap: Capability) => perImage.filter((p) => p.caps.length > 0 && !p.caps.includes(cap)).map((p) => p.image);
        if (role === ArtifactRegistryRole.WRITER && missing(Capability.READ).length > 0) {
          reasons.push(`${role} includes read (Artifact Registry has no write-only role): ${missing(Capability.READ).join(', ')}`);
        }
        if (role === ArtifactRegistryRole.WRITER && missing(Capability.MOVE_TAG).length > 0) {
          reasons.push(`${role} includes artifactregistry.tags.update (moving tags) for ${missing(Capability.MOVE_TAG).join(', ')}, whose tags the programs never move`
            + (immutableTags ? ' (docker_config.immutable_tags refuses such moves in this repository)' : ''));
        }
        if (tagsLayout && role === ArtifactRegistryRole.WRITER) {
          reasons.push('with the tags layout every environment tag is in this repository: IAM cannot tell them apart');
        }
        rows.push(GarAccessMatrix.row(identity.name, Naming.garRepositoryId(spec, env), role, granted, reasons));
      }
      for (const cache of caches) {
        const caps = capsOf(identity.name, AccessResourceKind.CACHE, '', cache.name);
        if (caps.length === 0) continue;
        rows.push(GarAccessMatrix.row(identity.name, Naming.garRemoteRepositoryId(spec.name, cache.name), ArtifactRegistryRole.READER,
          GarAccessMatrix.capabilitiesOf(ArtifactRegistryRole.READER, true), []));
      }
      if (options.virtualRepositoryId !== undefined) {
        const chain = Naming.environmentNames(spec);
        const fronted = envs.length > 1 ? (options.virtualEnvironment ?? chain[chain.length - 1]) : envs[0];
        const pulls = (spec.access?.pullers ?? []).find((p) => p.name === identity.name);
        const readsFronted = pulls !== undefined && (fronted === '' || (pulls.environments ?? chain).includes(fronted));
        if (readsFronted) {
          rows.push(GarAccessMatrix.row(identity.name, options.virtualRepositoryId, ArtifactRegistryRole.READER,
            GarAccessMatrix.capabilitiesOf(ArtifactRegistryRole.READER),
            [`the virtual repository is an address the model does not name: it serves ${Naming.garRepositoryId(spec, fronted)}${caches.length ? ' and the caches' : ''}, every image of them`]));
        }
      }
    }
    return rows.sort((a, b) => (a.identity === b.identity ? (a.resource < b.resource ? -1 : 1) : a.identity < b.identity ? -1 : 1));
  }

  /** The identities that have a Google Cloud principal: a `github` trust (a created service account) or `gcpMembers`. */
  public static identities(spec: RegistrySpec): IdentitySpec[] {
    const access = spec.access ?? {};
    const seen = new Map<string, IdentitySpec>();
    for (const i of [...(access.pushers ?? []), ...(access.pullers ?? []), ...(access.promoters ?? [])]) {
      if ((i.github !== undefined || (i.gcpMembers ?? []).length > 0) && !seen.has(i.name)) seen.set(i.name, i);
    }
    return [...seen.values()];
  }

  private static row(identity: string, resource: string, role: ArtifactRegistryRole, caps: Capability[], reasons: string[]): NativeAccessEntry {
    const capabilities = CAPABILITY_ORDER.filter((c) => caps.includes(c));
    const permissions = [...new Set(capabilities.flatMap((c) => CAPABILITY_PERMISSIONS[c] ?? []))];
    return { identity, resource, capabilities, grantedAs: [role, ...permissions], ...(reasons.length ? { beyondModel: reasons.join('; ') } : {}) };
  }
}
