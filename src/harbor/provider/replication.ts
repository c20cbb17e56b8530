import * as cdktf from 'cdktf';
import { Construct } from 'constructs';
import { hclAttributes } from './hcl-attributes';
import { harborResourceConfig } from './metadata';

// Schema source: goharbor/terraform-provider-harbor v3.12.4,
// provider/resource_replication.go lines 17-119; REST body: client/replication.go.
// `action` has no ValidateFunc: the client sends `registry_id` as the destination for
// `push` and as the source for `pull` and as neither for anything else
// (client/replication.go:30-34). `schedule` is `manual`, `event_based` or a cron
// string (client/replication.go:36-43).

/**
 * One `filters` block (resource_replication.go:78-108). Set one of `name`, `tag`,
 * `labels`, `resource`: the client keeps the last one set as the filter type, in the
 * order name, tag, labels, resource (client/replication.go:57-77).
 */
export interface ReplicationFilters {
  /**
   * Doublestar filter on the repository name (e.g. `platform/**`).
   * @default - no name filter
   */
  readonly name?: string;
  /**
   * Doublestar filter on tags.
   * @default - no tag filter
   */
  readonly tag?: string;
  /**
   * Label filter.
   * @default - no label filter
   */
  readonly labels?: string[];
  /**
   * `matches` or `excludes`, for tag and label filters (docs/resources/replication.md).
   * @default - matches (Harbor's default)
   */
  readonly decoration?: string;
  /**
   * Resource type filter; docs/resources/replication.md names `chart` and `artifact`.
   * @default - every resource type
   */
  readonly resource?: string;
}

function filtersToTerraform(struct?: ReplicationFilters | cdktf.IResolvable): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) {
    return struct;
  }
  const f = struct as ReplicationFilters;
  return {
    name: cdktf.stringToTerraform(f.name),
    tag: cdktf.stringToTerraform(f.tag),
    labels: cdktf.listMapper(cdktf.stringToTerraform, false)(f.labels),
    decoration: cdktf.stringToTerraform(f.decoration),
    resource: cdktf.stringToTerraform(f.resource),
  };
}

/**
 * Configuration of a `harbor_replication` policy.
 */
export interface ReplicationConfig extends cdktf.TerraformMetaArguments {
  /** The policy name. */
  readonly name: string;
  /** `push` (to `registryId`) or `pull` (from `registryId`). ForceNew. */
  readonly action: string;
  /** The remote registry endpoint's numeric id (`Registry.registryId`). */
  readonly registryId: number;
  /**
   * The policy is enabled.
   * @default true (resource_replication.go:22-26)
   */
  readonly enabled?: boolean | cdktf.IResolvable;
  /**
   * Replicate deletions.
   * @default false (resource_replication.go:27-31)
   */
  readonly deletion?: boolean | cdktf.IResolvable;
  /**
   * A description.
   * @default - none
   */
  readonly description?: string;
  /**
   * `manual`, `event_based` (on push) or a 6-field cron string.
   * @default manual (resource_replication.go:41-45)
   */
  readonly schedule?: string;
  /**
   * The destination namespace.
   * @default - the source namespace
   */
  readonly destNamespace?: string;
  /**
   * Namespace flattening: -1 all levels, 0 none, 1-3 levels (docs/resources/replication.md).
   * @default 0
   */
  readonly destNamespaceReplace?: number;
  /**
   * Overwrite existing artifacts at the destination: the provider's `override` (renamed:
   * `override` is reserved in C#).
   * @default true (resource_replication.go:63-67)
   */
  readonly overrideExisting?: boolean | cdktf.IResolvable;
  /**
   * Copy blobs by chunks.
   * @default false
   */
  readonly copyByChunk?: boolean | cdktf.IResolvable;
  /**
   * Prevent parallel executions of this policy.
   * @default false
   */
  readonly singleActiveReplication?: boolean | cdktf.IResolvable;
  /**
   * Filters on what is replicated (a set).
   * @default - everything in reach
   */
  readonly filters?: ReplicationFilters[] | cdktf.IResolvable;
  /**
   * Bandwidth limit, Kbps; -1 unlimited.
   * @default -1
   */
  readonly speed?: number;
  /**
   * Start an execution when the policy is created or changed.
   * @default false
   */
  readonly executeOnChanged?: boolean | cdktf.IResolvable;
}

/**
 * A Harbor replication policy (`harbor_replication`).
 */
export class Replication extends cdktf.TerraformResource {
  /** The Terraform resource type. */
  public static readonly tfResourceType = 'harbor_replication';

  private readonly config: ReplicationConfig;

  constructor(scope: Construct, id: string, config: ReplicationConfig) {
    super(scope, id, harborResourceConfig('harbor_replication', config));
    this.config = config;
  }

  /** The resource id, `/replication/policies/<id>`. */
  public get id(): string {
    return this.getStringAttribute('id');
  }

  /** The numeric policy id (computed). */
  public get replicationPolicyId(): number {
    return this.getNumberAttribute('replication_policy_id');
  }

  protected synthesizeHclAttributes(): { [name: string]: any } {
    return hclAttributes(this.synthesizeAttributes(), { filters: { nesting: 'set' } });
  }

  protected synthesizeAttributes(): { [name: string]: any } {
    const c = this.config;
    return {
      name: cdktf.stringToTerraform(c.name),
      action: cdktf.stringToTerraform(c.action),
      registry_id: cdktf.numberToTerraform(c.registryId),
      enabled: cdktf.booleanToTerraform(c.enabled),
      deletion: cdktf.booleanToTerraform(c.deletion),
      description: cdktf.stringToTerraform(c.description),
      schedule: cdktf.stringToTerraform(c.schedule),
      dest_namespace: cdktf.stringToTerraform(c.destNamespace),
      dest_namespace_replace: cdktf.numberToTerraform(c.destNamespaceReplace),
      override: cdktf.booleanToTerraform(c.overrideExisting),
      copy_by_chunk: cdktf.booleanToTerraform(c.copyByChunk),
      single_active_replication: cdktf.booleanToTerraform(c.singleActiveReplication),
      filters: cdktf.listMapper(filtersToTerraform, true)(c.filters),
      speed: cdktf.numberToTerraform(c.speed),
      execute_on_changed: cdktf.booleanToTerraform(c.executeOnChanged),
    };
  }
}
