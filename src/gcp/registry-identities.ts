import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import { ServiceAccount } from '@cdktf/provider-google/lib/service-account';
import { TerraformOutput, Token } from 'cdktf';
import { Construct } from 'constructs';
import { ArtifactRegistryRole, IDockerRepository } from './docker-repository';
import { deriveServiceAccountId } from './gcp-names';
import { GarValidator } from './gcp-validator';
import { GithubWorkloadIdentity } from './github-workload-identity';
import { GcpWarnings } from './warnings';
import { WorkflowVariables } from '../promotion/workflow-variables';
import { AccessModel, Capability } from '../spec/access-model';
import { AccessPlan, AccessRole, Permission } from '../spec/access-plan';
import { Naming } from '../spec/naming';
import { Problems } from '../spec/problems';
import { Cloud, EnvironmentLayout, GithubTrustSpec, IdentitySpec, RegistrySpec } from '../spec/registry-spec';

/** Props of `RegistryIdentities`. */
export interface RegistryIdentitiesProps {
  /** The spec; its `access` section says who pushes, pulls and promotes. */
  readonly spec: RegistrySpec;
  /** The project of the created service accounts. */
  readonly project: string;
  /**
   * The repository of each physical environment (`Naming.physicalEnvironments`;
   * the key is an empty string with the `tags` layout or without environments).
   */
  readonly repositories: { [environment: string]: IDockerRepository };
  /**
   * The GitHub trust; required when an identity has `github`.
   *
   * @default - no GitHub identities
   */
  readonly workloadIdentity?: GithubWorkloadIdentity;
  /**
   * The prefix of the created service account ids (`<prefix>-<identity>`, 6-30
   * characters; long ones are shortened with a hash).
   *
   * @default - the spec's name
   */
  readonly serviceAccountPrefix?: string;
  /**
   * Create the `GCP_SERVICE_ACCOUNT_<IDENTITY>` outputs.
   *
   * @default true
   */
  readonly outputs?: boolean;

  /**
   * @deprecated use `outputs` (the same prop name on every cloud)
   * @default - `outputs`
   */
  readonly createOutputs?: boolean;
}

/** What one spec identity is on GCP. */
interface GcpIdentity {
  readonly name: string;
  readonly github: GithubTrustSpec[];
  readonly members: Set<string>;
  readonly roles: Set<AccessRole>;
}

/**
 * The identities of the spec's access section on Google Cloud:
 * - a service account per identity with a `github` trust (one per identity name,
 *   whatever roles it plays), which the trusted workflows may impersonate through
 *   workload identity federation;
 * - the identity's existing members (`gcpMembers`);
 * - repository-scoped IAM members per grant of `AccessPlan.grants(spec)`:
 *   `roles/artifactregistry.reader` to pull, `roles/artifactregistry.writer` to
 *   push (it includes read; where an identity both pulls and pushes a repository
 *   only the writer role is bound);
 * - for the promoters of gated hops (`AccessModel.gatesScan`: a protected destination
 *   and a `severityThreshold`), `roles/containeranalysis.occurrences.viewer` on the
 *   project (`RegistryIdentities.SCAN_RESULTS_ROLE`): the scan gate reads the source
 *   digest's vulnerability occurrences, and Artifact Analysis occurrences are granted
 *   only at project level (no repository-level IAM), so the promoter reads every
 *   occurrence of the project; `GarAccessMatrix` says so in the row's `beyondModel`.
 */
export class RegistryIdentities extends Construct {
  /**
   * The role that reads Artifact Analysis vulnerability occurrences (the scan gate's
   * `gcloud artifacts docker images describe --show-package-vulnerability`). IAM roles
   * reference, Artifact Analysis: "Container Analysis Occurrences Viewer" holds
   * `containeranalysis.occurrences.get` and `containeranalysis.occurrences.list`.
   */
  public static readonly SCAN_RESULTS_ROLE: string = 'roles/containeranalysis.occurrences.viewer';

  /** The output and GitHub variable name of an identity's service account: `GCP_SERVICE_ACCOUNT_<IDENTITY>`. */
  public static outputName(identity: string): string {
    return WorkflowVariables.identity(Cloud.GCP, identity);
  }

  /** The created service accounts, by spec identity name. */
  public readonly serviceAccounts: { [identity: string]: ServiceAccount } = {};
  private readonly identities = new Map<string, GcpIdentity>();
  /** Stable construct-id names of token members (created service accounts). */
  private readonly memberIds = new Map<string, string>();

  constructor(scope: Construct, id: string, props: RegistryIdentitiesProps) {
    super(scope, id);
    const spec = props.spec;
    const access = spec.access ?? {};
    const roleLists: Array<[AccessRole, IdentitySpec[]]> = [
      [AccessRole.PUSHER, access.pushers ?? []],
      [AccessRole.PULLER, access.pullers ?? []],
      [AccessRole.PROMOTER, access.promoters ?? []],
    ];
    for (const [role, list] of roleLists) {
      for (const identity of list) {
        const known = this.identities.get(identity.name)
          ?? { name: identity.name, github: [], members: new Set<string>(), roles: new Set<AccessRole>() };
        if (identity.github) known.github.push(identity.github);
        for (const m of identity.gcpMembers ?? []) known.members.add(m);
        known.roles.add(role);
        this.identities.set(identity.name, known);
      }
    }

    // The service account ids are derived from the spec: the GCP validator checks them, here and for validate --cloud gcp.
    const problems = new Problems().addAll(GarValidator._serviceAccountProblems(spec, props.serviceAccountPrefix));
    const prefix = props.serviceAccountPrefix ?? spec.name;
    if ([...this.identities.values()].some((i) => i.github.length > 0) && !props.workloadIdentity) {
      problems.add('props.workloadIdentity', undefined, 'is required: identities with a `github` trust need a GithubWorkloadIdentity to be trusted through');
    }
    const given = Object.keys(props.repositories ?? {});
    const missing = [...new Set(AccessPlan.grants(spec).map((g) => g.environment))].filter((env) => !given.includes(env));
    for (const env of missing) {
      const who = [...new Set(AccessPlan.grants(spec).filter((g) => g.environment === env).map((g) => g.identity))].sort();
      problems.add('props.repositories', given, `has no repository for environment "${env}" (granted to ${who.map((w) => `"${w}"`).join(', ')})`);
    }
    problems.throwIfAny(`gcp.RegistryIdentities ${this.node.path}`);

    for (const identity of this.identities.values()) {
      if (identity.github.length > 0) {
        const sa = new ServiceAccount(this, `ServiceAccount-${identity.name}`, {
          project: props.project,
          accountId: deriveServiceAccountId(prefix, identity.name),
          displayName: `${spec.name} ${identity.name}`.slice(0, 100),
          description: `Container registry ${spec.name}: ${[...identity.roles].sort().join(', ')} (created from the registry spec)`,
        });
        this.serviceAccounts[identity.name] = sa;
        identity.members.add(sa.member);
        this.memberIds.set(sa.member, `sa-${identity.name}`);
        identity.github.forEach((trust, i) => {
          props.workloadIdentity!.allowImpersonation(sa.name, trust, `Impersonate-${identity.name}-${i}`);
        });
        if (props.outputs ?? props.createOutputs ?? true) {
          const out = new TerraformOutput(this, `Output-${identity.name}`, {
            value: sa.email,
            description: `The service account of identity "${identity.name}" (GitHub variable ${RegistryIdentities.outputName(identity.name)})`,
          });
          out.overrideLogicalId(RegistryIdentities.outputName(identity.name));
        }
      } else if (identity.members.size === 0) {
        GcpWarnings._emit(this, 'identity-without-principal',
          `Identity "${identity.name}" has no Google Cloud principal (no github trust and no gcpMembers): it is granted nothing on Artifact Registry.`,
        );
      }
    }

    // The strongest role per (repository, member); writer includes reader.
    const bindings = new Map<string, { repo: IDockerRepository; member: string; role: ArtifactRegistryRole }>();
    const allImages = spec.repositories.map((r) => r.name);
    const narrowed = new Map<string, Set<string>>();
    for (const grant of AccessPlan.grants(spec)) {
      const identity = this.identities.get(grant.identity)!;
      const repo = props.repositories[grant.environment]!;
      if (grant.images.length < allImages.length) {
        const envs = narrowed.get(grant.identity) ?? new Set<string>();
        narrowed.set(grant.identity, envs.add(repo.repositoryId));
      }
      const role = grant.permission === Permission.PUSH ? ArtifactRegistryRole.WRITER : ArtifactRegistryRole.READER;
      for (const member of identity.members) {
        const key = `${repo.node.path} ${member}`;
        const prev = bindings.get(key);
        if (!prev || (prev.role === ArtifactRegistryRole.READER && role === ArtifactRegistryRole.WRITER)) bindings.set(key, { repo, member, role });
      }
    }
    for (const b of bindings.values()) {
      b.repo.grantRole(b.role, b.member, this.memberIds.get(b.member));
    }
    // The scan gate: the promoters of gated hops read the project's vulnerability occurrences (project-level only).
    const readers = [...new Set(AccessModel.operations(spec)
      .filter((o) => o.capability === Capability.READ_SCAN_RESULTS).map((o) => o.identity))].sort();
    const scanMembers = new Map<string, string>();
    for (const name of readers) {
      for (const member of this.identities.get(name)!.members) {
        // The created service account's member is a token: its id is `sa-<identity>`, as for its repository grants.
        const memberId = Token.isUnresolved(member) ? `sa-${name}` : member;
        if (!scanMembers.has(memberId)) scanMembers.set(memberId, member);
      }
    }
    for (const [memberId, member] of [...scanMembers.entries()].sort(([a], [b]) => a.localeCompare(b))) {
      new ProjectIamMember(this, `ScanResults-${memberId}`, { project: props.project, role: RegistryIdentities.SCAN_RESULTS_ROLE, member });
    }
    for (const [name, repos] of narrowed) {
      const images = AccessPlan.imagesOf(spec, [...roleLists].flatMap(([, l]) => l).find((i) => i.name === name)!);
      GcpWarnings._emit(this, 'image-scope',
        `Identity "${name}" is restricted to the images ${images.join(', ')}, but Artifact Registry grants roles per repository: `
        + `it gets access to every image in ${[...repos].sort().join(', ')}. Use separate registries (spec files) to keep images apart.`,
      );
    }
    if (Naming.layout(spec) === EnvironmentLayout.TAGS && Naming.environmentNames(spec).length > 1
      && AccessPlan.grants(spec).some((g) => g.permission === Permission.PUSH)) {
      GcpWarnings._emit(this, 'tags-layout-push',
        'With the "tags" layout every environment is a tag in the same repository, and IAM cannot tell tags apart: whoever may push '
        + `(${[...new Set(AccessPlan.grants(spec).filter((g) => g.permission === Permission.PUSH).map((g) => g.identity))].sort().join(', ')}) `
        + `may move any environment tag (${Naming.environmentNames(spec).join(', ')}). Use the "repositories" layout to separate environments by IAM.`,
      );
    }
  }

  /** A stable name of a member for construct ids (`sa-<identity>` for created service accounts), or the member itself. */
  public memberIdOf(member: string): string {
    return this.memberIds.get(member) ?? member;
  }

  /** The IAM members of a spec identity on GCP: its service account (if created) and its `gcpMembers`. */
  public membersOf(identity: string): string[] {
    return [...(this.identities.get(identity)?.members ?? [])];
  }
}
