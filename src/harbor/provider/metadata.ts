import { TerraformMetaArguments, TerraformProviderGeneratorMetadata, TerraformResourceConfig } from 'cdktf';

/**
 * The goharbor/harbor provider release these bindings were written from: the newest
 * release tag of github.com/goharbor/terraform-provider-harbor when they were written
 * (`git tag`: v3.12.4, commit a5e8f4b1b74eaf4b00e6914170059e45d892e401). Every class
 * cites the schema source file of that tag. Pinned exactly (no range): a provider
 * release may change a schema these hand-written classes encode.
 */
export const HARBOR_PROVIDER_VERSION = '3.12.4';

/** The registry address of the provider, for `required_providers`. */
export const HARBOR_PROVIDER_SOURCE = 'goharbor/harbor';

/** Generator metadata shared by every class (as the prebuilt bindings carry it). */
export const HARBOR_GENERATOR_METADATA: TerraformProviderGeneratorMetadata = {
  providerName: 'harbor',
  providerVersion: HARBOR_PROVIDER_VERSION,
  providerVersionConstraint: HARBOR_PROVIDER_VERSION,
};

/** The registry documentation page of a resource, for doc links. */
export const HARBOR_DOCS = `https://registry.terraform.io/providers/goharbor/harbor/${HARBOR_PROVIDER_VERSION}/docs`;

/**
 * The `TerraformResource` config of a Harbor resource: its type, the shared generator
 * metadata and the meta-arguments of its config (provider, dependsOn, count, lifecycle,
 * provisioners, connection, forEach), as every prebuilt binding passes them.
 */
export function harborResourceConfig(terraformResourceType: string, config: TerraformMetaArguments): TerraformResourceConfig {
  return {
    terraformResourceType,
    terraformGeneratorMetadata: HARBOR_GENERATOR_METADATA,
    provider: config.provider,
    dependsOn: config.dependsOn,
    count: config.count,
    lifecycle: config.lifecycle,
    provisioners: config.provisioners,
    connection: config.connection,
    forEach: config.forEach,
  };
}
