/**
 * The Google Cloud authorizer of the authorizing proxy: the decisions of the
 * independent Artifact Registry evaluator of the GCP access tests
 * (`test/gcp/gcp-access.ts`, `GcpAccess.permissions`) over the Terraform JSON that
 * `gcp.ContainerRegistry` synthesizes. This file holds no role or permission
 * table of its own: it maps each identity of the spec to its service account's IAM
 * member and asks the evaluator whether that member has the permission the proxy
 * checks (GAR_ACTIONS) on the repository.
 *
 * The evaluator reads repository IAM members and bindings (it throws on a
 * repository IAM policy and on roles it does not know); IAM on the project, folder
 * or organization would grant on every repository and is not evaluated there, so
 * configurations with any make this authorizer throw rather than decide without them.
 */
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { TerraformStack, Testing } from 'cdktf';
import { Authorizer, Decision, PermissionCheck } from './authorizing-proxy';
import { ContainerRegistry } from '../../src/gcp';
import { RegistrySpec } from '../../src/spec';
import { GcpAccess } from '../gcp/gcp-access';

export const GCP_PROJECT = 'my-project';

/** Decides from the synthesized Terraform JSON, through `GcpAccess`. */
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

  /** An authorizer over (possibly edited) Terraform JSON. */
  public static fromJson(json: any, serviceAccounts: Record<string, string>): GcpAuthorizer {
    const wide = Object.keys(json.resource ?? {}).filter((t) => /^google_(project|folder|organization)_iam_/.test(t));
    if (wide.length > 0) throw new Error(`GcpAccess does not evaluate ${wide.join(', ')}: the decisions would miss them`);
    const access = new GcpAccess(json);
    const members: Record<string, string> = {};
    for (const [identity, key] of Object.entries(serviceAccounts)) members[identity] = access.resolve(`\${google_service_account.${key}.member}`);
    return new GcpAuthorizer(access, members);
  }

  private constructor(
    /** The evaluator the decisions come from (for assertions). */
    public readonly access: GcpAccess,
    /** Each identity's IAM member (`serviceAccount:<email>`). */
    public readonly members: Record<string, string>,
  ) {}

  public decide(identity: string, check: PermissionCheck): Decision {
    const member = this.members[identity];
    if (!member) return { allowed: false, reason: `no service account was created for "${identity}"` };
    if (check.repository === undefined) return { allowed: false, reason: 'no registry-wide permission is evaluated' };
    const permissions = this.access.permissions(member, check.repository);
    const allowed = permissions.has(check.action);
    const roles = this.access.repositoryBindings().filter((b) => b.member === member && b.repository === check.repository).map((b) => b.role);
    return { allowed, reason: allowed ? undefined : `roles of ${member} on ${check.repository}: ${roles.join(', ') || 'none'}` };
  }
}
