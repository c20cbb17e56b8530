import * as cdktf from 'cdktf';
import { Construct } from 'constructs';
import { hclAttributes } from './hcl-attributes';
import { harborResourceConfig } from './metadata';

// Schema source: goharbor/terraform-provider-harbor v3.12.4, provider/resource_project.go
// lines 16-103 (the `harbor_project` schema); request body: client/project.go.

/**
 * Configuration of a `harbor_project`.
 */
export interface ProjectConfig extends cdktf.TerraformMetaArguments {
  /** The project name (resource_project.go:17-21; ForceNew). */
  readonly name: string;
  /**
   * The id of a `harbor_registry` endpoint: makes the project a proxy cache of that
   * registry (resource_project.go:26-31; ForceNew).
   * @default - a normal (non-proxy) project
   */
  readonly registryId?: number;
  /**
   * Anyone may pull from the project without logging in: the provider's `public`
   * (renamed: `public` is reserved in Java and C#, and jsii names must not be).
   * @default false (resource_project.go:32-36)
   */
  readonly isPublic?: boolean | cdktf.IResolvable;
  /**
   * Scan images on push.
   * @default true (resource_project.go:37-41)
   */
  readonly vulnerabilityScanning?: boolean | cdktf.IResolvable;
  /**
   * The scanner registration to use instead of the system default.
   * @default - the system default scanner (resource_project.go:42-45)
   */
  readonly vulnerabilityScanner?: string;
  /**
   * Storage quota in GiB; -1 is unlimited (the provider multiplies by 1073741824,
   * client/project.go:24-26).
   * @default -1 (resource_project.go:46-50)
   */
  readonly storageQuota?: number;
  /**
   * CVE ids ignored by deployment security in this project, e.g. `CVE-2024-1234`
   * (resource_project.go:51-57).
   * @default - none
   */
  readonly cveAllowlist?: string[];
  /**
   * Notary content trust (Harbor 2.x removed Notary; prefer `enableContentTrustCosign`).
   * @default false (resource_project.go:58-62)
   */
  readonly enableContentTrust?: boolean | cdktf.IResolvable;
  /**
   * Only images signed with cosign may be pulled.
   * @default false (resource_project.go:63-67)
   */
  readonly enableContentTrustCosign?: boolean | cdktf.IResolvable;
  /**
   * Delete every repository of the project when the project is destroyed.
   * @default false (resource_project.go:68-72)
   */
  readonly forceDestroy?: boolean | cdktf.IResolvable;
  /**
   * Generate an SBOM for each pushed image (Harbor 2.11 and later).
   * @default false (resource_project.go:73-77)
   */
  readonly autoSbomGeneration?: boolean | cdktf.IResolvable;
  /**
   * Prevent pulling images with vulnerabilities of this severity or higher: one of
   * `none`, `low`, `medium`, `high`, `critical` (resource_project.go:78-92; sent as
   * metadata `prevent_vul`/`severity`, client/project.go:31-38).
   * @default - deployment security off
   */
  readonly deploymentSecurity?: string;
  /**
   * Bandwidth limit of a proxy cache project, KB/s; only with `registryId`
   * (resource_project.go:93-97, 114-125).
   * @default -1 (unlimited)
   */
  readonly proxySpeedKb?: number;
  /**
   * A proxy cache project serves its cached copy when the upstream no longer has the
   * image; only with `registryId` (resource_project.go:98-102, 114-125; Harbor 2.15.1+).
   * @default false
   */
  readonly proxyCacheLocalOnNotFound?: boolean | cdktf.IResolvable;
}

/**
 * A Harbor project (`harbor_project`).
 */
export class Project extends cdktf.TerraformResource {
  /** The Terraform resource type. */
  public static readonly tfResourceType = 'harbor_project';

  private readonly config: ProjectConfig;

  constructor(scope: Construct, id: string, config: ProjectConfig) {
    super(scope, id, harborResourceConfig('harbor_project', config));
    this.config = config;
  }

  /** The project name. */
  public get name(): string {
    return this.config.name;
  }

  /** The resource id, `/projects/<project id>`: the `scope` of a retention policy. */
  public get id(): string {
    return this.getStringAttribute('id');
  }

  /** The numeric project id (computed, resource_project.go:22-25). */
  public get projectId(): number {
    return this.getNumberAttribute('project_id');
  }

  protected synthesizeHclAttributes(): { [name: string]: any } {
    return hclAttributes(this.synthesizeAttributes(), {});
  }

  protected synthesizeAttributes(): { [name: string]: any } {
    const c = this.config;
    return {
      name: cdktf.stringToTerraform(c.name),
      registry_id: cdktf.numberToTerraform(c.registryId),
      public: cdktf.booleanToTerraform(c.isPublic),
      vulnerability_scanning: cdktf.booleanToTerraform(c.vulnerabilityScanning),
      vulnerability_scanner: cdktf.stringToTerraform(c.vulnerabilityScanner),
      storage_quota: cdktf.numberToTerraform(c.storageQuota),
      cve_allowlist: cdktf.listMapper(cdktf.stringToTerraform, false)(c.cveAllowlist),
      enable_content_trust: cdktf.booleanToTerraform(c.enableContentTrust),
      enable_content_trust_cosign: cdktf.booleanToTerraform(c.enableContentTrustCosign),
      force_destroy: cdktf.booleanToTerraform(c.forceDestroy),
      auto_sbom_generation: cdktf.booleanToTerraform(c.autoSbomGeneration),
      deployment_security: cdktf.stringToTerraform(c.deploymentSecurity),
      proxy_speed_kb: cdktf.numberToTerraform(c.proxySpeedKb),
      proxy_cache_local_on_not_found: cdktf.booleanToTerraform(c.proxyCacheLocalOnNotFound),
    };
  }
}
