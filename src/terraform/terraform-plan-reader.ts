import { PolicyPlanEntry, PolicyPlanText } from '../spec/policy-plan';
import { Cloud } from '../spec/registry-spec';

/**
 * Helpers shared by the CDK for Terraform clouds (src/gcp, src/azure, src/harbor) that
 * read synthesized Terraform JSON: Terraform-specific, so outside the neutral spec layer.
 */

/** One resource of synthesized Terraform JSON. */
export interface TerraformPlanResource {
  /** The resource type (`google_artifact_registry_repository`). */
  readonly type: string;
  /** The construct path without the stack (`Registry/Repository-dev`), or the logical name. */
  readonly path: string;
  /** The resource's arguments, as synthesized. */
  readonly body: any;
}

/**
 * Reads the policies out of synthesized Terraform JSON for the GCP and Azure
 * policy plans (`gcp.GarPolicyPlan`, `azure.AcrPolicyPlan`). It works on the JSON
 * alone, so it needs no cdktf import: references to other resources
 * (`${google_service_account.Registry_Identities_ci_4E6E3256.email}`) become
 * stable named placeholders (`<gcp:service-account:Registry/Identities/ServiceAccount-ci:email>`),
 * named by construct path rather than by hashed logical name.
 */
export class TerraformPlanReader {
  private readonly paths = new Map<string, string>();

  constructor(private readonly json: any, private readonly cloud: Cloud, private readonly typePrefix: string) {
    for (const [type, byName] of Object.entries<any>(json?.resource ?? {})) {
      for (const [name, body] of Object.entries<any>(byName)) {
        const path: string | undefined = body?.['//']?.metadata?.path;
        this.paths.set(`${type}.${name}`, path ? path.split('/').slice(1).filter((p) => p !== 'Resource').join('/') : name);
      }
    }
  }

  /** The resources of a type, in a stable order (by path). */
  public resources(type: string): TerraformPlanResource[] {
    return Object.entries<any>(this.json?.resource?.[type] ?? {})
      .map(([name, body]) => ({ type, path: this.paths.get(`${type}.${name}`) ?? name, body }))
      .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  /** A value with references replaced by placeholders and cdktf metadata removed. */
  public render(value: any): any {
    if (typeof value === 'string') {
      return value.replace(/\$\{([a-z0-9_]+)\.([A-Za-z0-9_-]+)\.([a-z0-9_.[\]]+)\}/g, (whole, type: string, name: string, attr: string) => {
        const path = this.paths.get(`${type}.${name}`);
        if (!path) return whole;
        const short = type.replace(this.typePrefix, '').replace(/_/g, '-');
        return `<${this.cloud}:${short}:${path}:${attr}>`;
      }).replace(/\$\{data\.([a-z0-9_]+)\.([A-Za-z0-9_-]+)\.([a-z0-9_.]+)\}/g, (_w, type: string, _name: string, attr: string) =>
        `<${this.cloud}:data-${type.replace(this.typePrefix, '').replace(/_/g, '-')}:${attr}>`);
    }
    if (Array.isArray(value)) return value.map((v) => this.render(v));
    if (value === null || typeof value !== 'object') return value;
    const out: Record<string, any> = {};
    for (const [k, v] of Object.entries(value)) {
      if (k === '//' || k === 'depends_on' || k === 'provider') continue;
      out[k] = this.render(v);
    }
    return out;
  }

  /** A plan entry whose document is the rendered value (stable JSON, or text as is). */
  public entry(resource: string, kind: string, value: any): PolicyPlanEntry {
    const rendered = this.render(value);
    return { cloud: this.cloud, resource, kind, document: typeof rendered === 'string' ? rendered : PolicyPlanText.stableJson(rendered) };
  }

  /** The placeholder of a resource's attribute, or the rendered value when it is not a reference. */
  public name(value: any): string {
    return String(this.render(value));
  }
}
