/**
 * The Google Cloud authorizer of the authorizing proxy, deliberately minimal:
 * the repository IAM members that `gcp.ContainerRegistry` synthesizes
 * (`google_artifact_registry_repository_iam_member`), each role expanded to the
 * predefined role's permissions that the proxy checks, decided per service
 * account and repository. It knows only what these tests need (no project-level
 * bindings, no conditions, no workload identity); the fuller evaluator of the GCP
 * access tests (test/gcp) covers the rest. Anything it does not model in the
 * synthesized JSON makes it throw rather than guess.
 */
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { TerraformStack, Testing } from 'cdktf';
import { Authorizer, Decision, PermissionCheck } from './authorizing-proxy';
import { ContainerRegistry } from '../../src/gcp';
import { RegistrySpec } from '../../src/spec';

export const GCP_PROJECT = 'my-project';

/**
 * The permissions of the predefined roles that the proxy checks (GAR_ACTIONS), from
 * "Artifact Registry roles and permissions"
 * (https://cloud.google.com/iam/docs/roles-permissions/artifactregistry): the reader
 * role includes `artifactregistry.repositories.downloadArtifacts`; the writer role
 * adds `artifactregistry.repositories.uploadArtifacts`, `artifactregistry.tags.create`
 * and `artifactregistry.tags.update`; the repository administrator adds
 * `artifactregistry.versions.delete` (and other deletions). Other permissions of
 * these roles are left out: the proxy never asks for them.
 */
export const GAR_ROLE_PERMISSIONS: Record<string, string[]> = {
  'roles/artifactregistry.reader': ['artifactregistry.repositories.downloadArtifacts'],
  'roles/artifactregistry.writer': [
    'artifactregistry.repositories.downloadArtifacts', 'artifactregistry.repositories.uploadArtifacts',
    'artifactregistry.tags.create', 'artifactregistry.tags.update',
  ],
  'roles/artifactregistry.repoAdmin': [
    'artifactregistry.repositories.downloadArtifacts', 'artifactregistry.repositories.uploadArtifacts',
    'artifactregistry.tags.create', 'artifactregistry.tags.update', 'artifactregistry.versions.delete',
  ],
};

/** One repository IAM member, resolved: repository id, member, role. */
export interface GarBinding {
  readonly repository: string;
  readonly member: string;
  readonly role: string;
}

/** Decides from the repository IAM members of the synthesized Terraform JSON. */
export class GcpAuthorizer implements Authorizer {
  /** Synthesizes the spec's `ContainerRegistry` and returns its Terraform JSON and each identity's service account resource key. */
  public static synthesize(spec: RegistrySpec): { json: any; serviceAccounts: Record<string, string> } {
    const app = Testing.app();
    const stack = new TerraformStack(app, 'stack');
    new GoogleProvider(stack, 'google', { project: GCP_PROJECT });
    const registry = new ContainerRegistry(stack, 'Registry', { spec, project: GCP_PROJECT, location: 'europe-west1' });
    const serviceAccounts: Record<string, string> = {};
    for (const [identity, sa] of Object.entries(registry.identities.serviceAccounts)) serviceAccounts[identity] = sa.friendlyUniqueId;
    return { json: JSON.parse(Testing.synth(stack)), serviceAccounts };
  }

  /** The resolved repository IAM members of Terraform JSON (throws on IAM resources it does not model). */
  public static bindings(json: any): GarBinding[] {
    const resources = json.resource ?? {};
    for (const type of Object.keys(resources)) {
      if (/_iam_(binding|policy)$/.test(type) || type === 'google_project_iam_member') throw new Error(`the minimal GCP authorizer does not model ${type}`);
    }
    const ref = (value: string, type: string, attribute: string): string => {
      const m = new RegExp(`^\\$\\{${type}\\.([^.}]+)\\.${attribute}\\}$`).exec(value);
      if (!m) return value;
      return m[1];
    };
    return Object.values<any>(resources.google_artifact_registry_repository_iam_member ?? {}).map((b) => {
      if (b.condition) throw new Error('the minimal GCP authorizer does not model IAM conditions');
      const repoKey = ref(b.repository, 'google_artifact_registry_repository', 'repository_id');
      const repository = resources.google_artifact_registry_repository?.[repoKey]?.repository_id;
      if (typeof repository !== 'string') throw new Error(`cannot resolve the repository ${b.repository}`);
      const saKey = ref(b.member, 'google_service_account', 'member');
      const member = saKey === b.member ? b.member : `sa:${saKey}`;
      if (!(b.role in GAR_ROLE_PERMISSIONS)) throw new Error(`the minimal GCP authorizer does not know the role ${b.role}`);
      return { repository, member, role: b.role };
    });
  }

  /** An authorizer over (possibly edited) Terraform JSON. */
  public static fromJson(json: any, serviceAccounts: Record<string, string>): GcpAuthorizer {
    return new GcpAuthorizer(GcpAuthorizer.bindings(json), serviceAccounts);
  }

  private constructor(public readonly bindings: GarBinding[], private readonly serviceAccounts: Record<string, string>) {}

  public decide(identity: string, check: PermissionCheck): Decision {
    const sa = this.serviceAccounts[identity];
    if (!sa) return { allowed: false, reason: `no service account was created for "${identity}"` };
    if (check.repository === undefined) return { allowed: false, reason: 'no registry-wide permission is modeled' };
    const roles = this.bindings.filter((b) => b.member === `sa:${sa}` && b.repository === check.repository).map((b) => b.role);
    const allowed = roles.some((r) => GAR_ROLE_PERMISSIONS[r].includes(check.action));
    return { allowed, reason: allowed ? undefined : `roles on ${check.repository}: ${roles.join(', ') || 'none'}` };
  }
}
