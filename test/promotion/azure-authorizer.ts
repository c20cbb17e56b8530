/**
 * The Azure authorizer of the authorizing proxy: the decisions of the independent
 * ACR access evaluator of the Azure access tests (`test/azure/azure-access.ts`,
 * `AzureAccess.allows`: role assignments with the built-in roles' data actions and
 * their ABAC repository conditions) over the Terraform JSON that
 * `azure.ContainerRegistry` synthesizes (default: ABAC repository permissions).
 * This file holds no role, action or condition logic of its own.
 *
 * Identities: the skopeo credentials name an identity of the spec; its principal
 * is the principal id of its user-assigned managed identity (the one its GitHub job
 * signs in as through the federated credential), found by the evaluator
 * (`AzureAccess.principalsOf`).
 *
 * Registries on the one loopback registry: with one ACR registry (the
 * `repositories` and `tags` layouts) a local repository is the ACR repository path
 * (`Naming.acrRepositoryPath`, `dev/api`); with several (the `registries` layout)
 * the ACR registry name is the first path segment (`platformdev/api`), and the
 * scripts' SOURCE_REGISTRY / DEST_REGISTRY are `<proxy>/<registry name>`, as the
 * GCP tests put the project in front of the repository.
 */
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { TerraformStack, Testing } from 'cdktf';
import { Authorizer, Decision, PermissionCheck } from './authorizing-proxy';
import { ContainerRegistry } from '../../src/azure';
import { IdentitySpec, RegistrySpec } from '../../src/spec';
import { AzureAccess } from '../azure/azure-access';

/** Decides from the synthesized Terraform JSON, through `AzureAccess`. */
export class AzureAuthorizer implements Authorizer {
  /** Synthesizes the spec's `ContainerRegistry` (ABAC repository permissions, the default) and returns its Terraform JSON. */
  public static synthesize(spec: RegistrySpec): any {
    const app = Testing.app();
    const stack = new TerraformStack(app, 'stack');
    new AzurermProvider(stack, 'azurerm', { features: [{}] });
    new ContainerRegistry(stack, 'Registry', { spec, resourceGroupName: 'rg', location: 'westeurope' });
    return JSON.parse(Testing.synth(stack));
  }

  /** An authorizer over (possibly edited) Terraform JSON of the spec. */
  public static fromJson(json: any, spec: RegistrySpec): AzureAuthorizer {
    const access = new AzureAccess(json);
    const identities: IdentitySpec[] = [...spec.access?.pushers ?? [], ...spec.access?.promoters ?? [], ...spec.access?.pullers ?? []];
    const principals: Record<string, string> = {};
    for (const identity of identities) {
      // The managed identity's principal (a reference, `${azurerm_user_assigned_identity.<key>.principal_id}`).
      const managed = access.principalsOf(spec.name, identity).filter((p) => p.startsWith('${azurerm_user_assigned_identity.'));
      if (managed.length !== 1) throw new Error(`identity ${identity.name}: expected one managed identity, found ${managed.length}`);
      principals[identity.name] = managed[0];
    }
    return new AzureAuthorizer(access, principals);
  }

  private constructor(
    /** The evaluator the decisions come from (for assertions and negative controls). */
    public readonly access: AzureAccess,
    /** Each identity's principal. */
    public readonly principals: Record<string, string>,
  ) {}

  /** Whether the loopback registry prefixes repositories with the registry name (several registries). */
  public get prefixed(): boolean {
    return this.access.registries.length > 1;
  }

  /** The loopback registry's path of an ACR repository. */
  public localPath(registryName: string, repository: string): string {
    this.access.registry(registryName);
    return this.prefixed ? `${registryName}/${repository}` : repository;
  }

  /** The ACR registry and repository of a loopback registry path. */
  public locate(path: string): { registry: string; repository: string } {
    if (!this.prefixed) return { registry: this.access.registries[0].name, repository: path };
    const slash = path.indexOf('/');
    const registry = slash < 0 ? path : path.slice(0, slash);
    if (!this.access.registries.some((r) => r.name === registry)) throw new Error(`${path}: no registry ${registry}`);
    return { registry, repository: path.slice(slash + 1) };
  }

  public decide(identity: string, check: PermissionCheck): Decision {
    const principal = this.principals[identity];
    if (!principal) return { allowed: false, reason: `no managed identity was created for "${identity}"` };
    if (check.repository === undefined) return { allowed: false, reason: 'no registry-wide data action is evaluated' };
    const { registry, repository } = this.locate(check.repository);
    const allowed = this.access.allows(principal, registry, repository, check.action);
    return { allowed, reason: allowed ? undefined : `no role assignment of ${identity} allows it on registry ${registry}, repository ${repository}` };
  }
}
