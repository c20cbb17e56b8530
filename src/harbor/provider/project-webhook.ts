import * as cdktf from 'cdktf';
import { Construct } from 'constructs';
import { hclAttributes } from './hcl-attributes';
import { harborResourceConfig } from './metadata';

// Schema source: goharbor/terraform-provider-harbor v3.12.4,
// provider/resource_harbor_project_webhook.go lines 14-63; REST body:
// client/project_webhook.go. No ValidateFunc on `notify_type` or `events_types`: the
// values below are from docs/resources/project_webhook.md.

/**
 * Configuration of a `harbor_project_webhook`.
 */
export interface ProjectWebhookConfig extends cdktf.TerraformMetaArguments {
  /** The webhook name (ForceNew). */
  readonly name: string;
  /** The project, as the project resource's id (`/projects/<id>`). */
  readonly projectId: string;
  /** The address notified. */
  readonly address: string;
  /**
   * Event types, e.g. `PUSH_ARTIFACT`, `PULL_ARTIFACT`, `DELETE_ARTIFACT`,
   * `SCANNING_COMPLETED`, `TAG_RETENTION`, `REPLICATION`.
   */
  readonly eventsTypes: string[];
  /** `http` or `slack`. */
  readonly notifyType: string;
  /**
   * A description.
   * @default ""
   */
  readonly description?: string;
  /**
   * The webhook is enabled.
   * @default true
   */
  readonly enabled?: boolean | cdktf.IResolvable;
  /**
   * Authorization header value sent with each notification.
   * @default - none
   */
  readonly authHeader?: string;
  /**
   * Skip certificate verification of the address. The provider's default is `true`.
   * @default true (resource_harbor_project_webhook.go:54-58)
   */
  readonly skipCertVerify?: boolean | cdktf.IResolvable;
  /**
   * `Default` or `CloudEvents`.
   * @default - Default
   */
  readonly payloadFormat?: string;
}

/**
 * A Harbor project webhook (`harbor_project_webhook`).
 */
export class ProjectWebhook extends cdktf.TerraformResource {
  /** The Terraform resource type. */
  public static readonly tfResourceType = 'harbor_project_webhook';

  private readonly config: ProjectWebhookConfig;

  constructor(scope: Construct, id: string, config: ProjectWebhookConfig) {
    super(scope, id, harborResourceConfig('harbor_project_webhook', config));
    this.config = config;
  }

  /** The resource id. */
  public get id(): string {
    return this.getStringAttribute('id');
  }

  protected synthesizeHclAttributes(): { [name: string]: any } {
    return hclAttributes(this.synthesizeAttributes(), {});
  }

  protected synthesizeAttributes(): { [name: string]: any } {
    const c = this.config;
    return {
      name: cdktf.stringToTerraform(c.name),
      project_id: cdktf.stringToTerraform(c.projectId),
      address: cdktf.stringToTerraform(c.address),
      events_types: cdktf.listMapper(cdktf.stringToTerraform, false)(c.eventsTypes),
      notify_type: cdktf.stringToTerraform(c.notifyType),
      description: cdktf.stringToTerraform(c.description),
      enabled: cdktf.booleanToTerraform(c.enabled),
      auth_header: cdktf.stringToTerraform(c.authHeader),
      skip_cert_verify: cdktf.booleanToTerraform(c.skipCertVerify),
      payload_format: cdktf.stringToTerraform(c.payloadFormat),
    };
  }
}
