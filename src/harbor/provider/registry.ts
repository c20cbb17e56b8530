import * as cdktf from 'cdktf';
import { Construct } from 'constructs';
import { hclAttributes } from './hcl-attributes';
import { harborResourceConfig } from './metadata';

// Schema source: goharbor/terraform-provider-harbor v3.12.4, provider/resource_registry.go
// lines 14-62; REST body: client/registry.go. `provider_name` has no ValidateFunc: the
// provider looks the name up in client/registry.go:44-58 and sends the Harbor type it
// maps to (`aws` -> `aws-ecr`, `github` -> `github-ghcr`, ...); an unknown name is sent
// as an empty type, which Harbor refuses at apply time.

/**
 * Configuration of a `harbor_registry`: an upstream or replication endpoint.
 */
export interface RegistryConfig extends cdktf.TerraformMetaArguments {
  /**
   * The kind of registry, one of `alibaba`, `artifact-hub`, `aws`, `azure`,
   * `docker-hub`, `docker-registry`, `gitlab`, `github`, `google`, `harbor`, `helm`,
   * `huawei`, `jfrog`, `quay` (client/registry.go:44-58). ForceNew.
   */
  readonly providerName: string;
  /** The endpoint's name in Harbor. */
  readonly name: string;
  /** The endpoint URL, e.g. `https://hub.docker.com`. */
  readonly endpointUrl: string;
  /**
   * A description.
   * @default ""
   */
  readonly description?: string;
  /**
   * User name / access key id (credential type `basic`, client/registry.go:20-22).
   * @default - anonymous
   */
  readonly accessId?: string;
  /**
   * Password / secret access key / token (Sensitive, resource_registry.go:38-43).
   * @default - anonymous
   */
  readonly accessSecret?: string;
  /**
   * Skip certificate verification of the endpoint.
   * @default false (resource_registry.go:44-48)
   */
  readonly insecure?: boolean | cdktf.IResolvable;
  /**
   * PEM CA certificate of the endpoint (Harbor 2.15+).
   * @default ""
   */
  readonly caCertificate?: string;
}

/**
 * A Harbor registry endpoint (`harbor_registry`).
 */
export class Registry extends cdktf.TerraformResource {
  /** The Terraform resource type. */
  public static readonly tfResourceType = 'harbor_registry';

  private readonly config: RegistryConfig;

  constructor(scope: Construct, id: string, config: RegistryConfig) {
    super(scope, id, harborResourceConfig('harbor_registry', config));
    this.config = config;
  }

  /** The resource id, `/registries/<id>`. */
  public get id(): string {
    return this.getStringAttribute('id');
  }

  /** The numeric registry id (computed): a proxy project's `registryId`, a replication's `registryId`. */
  public get registryId(): number {
    return this.getNumberAttribute('registry_id');
  }

  /** The endpoint's health status (computed). */
  public get status(): string {
    return this.getStringAttribute('status');
  }

  protected synthesizeHclAttributes(): { [name: string]: any } {
    return hclAttributes(this.synthesizeAttributes(), {});
  }

  protected synthesizeAttributes(): { [name: string]: any } {
    const c = this.config;
    return {
      provider_name: cdktf.stringToTerraform(c.providerName),
      name: cdktf.stringToTerraform(c.name),
      endpoint_url: cdktf.stringToTerraform(c.endpointUrl),
      description: cdktf.stringToTerraform(c.description),
      access_id: cdktf.stringToTerraform(c.accessId),
      access_secret: cdktf.stringToTerraform(c.accessSecret),
      insecure: cdktf.booleanToTerraform(c.insecure),
      ca_certificate: cdktf.stringToTerraform(c.caCertificate),
    };
  }
}
