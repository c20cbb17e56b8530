import { AccessContextManagerServicePerimeter } from '@cdktf/provider-google/lib/access-context-manager-service-perimeter';
import { AccessContextManagerServicePerimeterResource } from '@cdktf/provider-google/lib/access-context-manager-service-perimeter-resource';
import { Construct } from 'constructs';

/** A VPC Service Controls perimeter created for the registry's project (`ContainerRegistryProps.servicePerimeter`). */
export interface GarServicePerimeterOptions {
  /** The access policy's number (`accessPolicies/<number>`; the organization's, or a scoped policy). */
  readonly accessPolicy: string;

  /**
   * The perimeter's name, letters, digits and `_`, starting with a letter.
   *
   * @default - `<registry name with _ for ->_registry`
   */
  readonly name?: string;

  /**
   * More services to restrict, besides `RegistryPerimeter.RESTRICTED_SERVICES`.
   *
   * @default - none
   */
  readonly additionalRestrictedServices?: string[];

  /**
   * Access levels (`accessPolicies/<n>/accessLevels/<name>`) whose requests may
   * enter the perimeter (a CI runner's address range, for instance).
   *
   * @default - none: only requests from inside the perimeter
   */
  readonly accessLevels?: string[];
}

/** Props of `RegistryPerimeter`. */
export interface RegistryPerimeterProps {
  /** The registry's name (used in the perimeter's default name and title). */
  readonly registryName: string;
  /**
   * An existing perimeter (`accessPolicies/<n>/servicePerimeters/<name>`) to add the project to.
   *
   * @default - a perimeter is created from `create`
   */
  readonly existingPerimeter?: string;
  /**
   * The perimeter to create.
   *
   * @default - none: `existingPerimeter` is required
   */
  readonly create?: GarServicePerimeterOptions;
  /** The project's number, as perimeters name projects. */
  readonly projectNumber: string;
}

/**
 * Puts the registry's project inside a VPC Service Controls perimeter: Artifact Registry
 * requests from outside it (outside its VPC networks and access levels) are refused.
 * - With an existing perimeter (`network.gcpServicePerimeter`): one
 *   `google_access_context_manager_service_perimeter_resource` adds `projects/<number>`
 *   to it. The perimeter's restricted services are not changed here: it must already
 *   restrict `artifactregistry.googleapis.com` (README "Private access"). The provider's
 *   documentation asks that a perimeter managed elsewhere with Terraform ignore changes to
 *   its `status[0].resources`, or the two fight.
 * - Otherwise, with `create`: a regular `google_access_context_manager_service_perimeter`
 *   (GA provider) with the project and `RegistryPerimeter.RESTRICTED_SERVICES` (plus any given) as
 *   restricted services, and `vpc_accessible_services` left open.
 * Remote repositories that fetch from upstreams outside the perimeter need the
 * `google_artifact_registry_vpcsc_config` resource (policy ALLOW), which only the
 * google-beta provider has; the prebuilt @cdktf/provider-google binding has no such class
 * (README "Private access").
 */
export class RegistryPerimeter extends Construct {
  /**
   * The services a perimeter created here restricts: Artifact Registry, and the
   * Container Analysis and Container Scanning APIs that hold its scan results
   * (VPC Service Controls, "Supported products": Artifact Registry, Artifact Analysis).
   */
  public static readonly RESTRICTED_SERVICES: string[] = [
    'artifactregistry.googleapis.com',
    'containeranalysis.googleapis.com',
    'containerscanning.googleapis.com',
  ];

  /** The perimeter's full name (`accessPolicies/<n>/servicePerimeters/<name>`). */
  public readonly perimeterName: string;
  /** The created perimeter, when one was created. */
  public readonly perimeter?: AccessContextManagerServicePerimeter;
  /** The membership of the project in an existing perimeter, when one was given. */
  public readonly membership?: AccessContextManagerServicePerimeterResource;

  constructor(scope: Construct, id: string, props: RegistryPerimeterProps) {
    super(scope, id);
    const project = `projects/${props.projectNumber}`;
    if (props.existingPerimeter) {
      this.perimeterName = props.existingPerimeter;
      this.membership = new AccessContextManagerServicePerimeterResource(this, 'Membership', {
        perimeterName: props.existingPerimeter,
        resource: project,
      });
      return;
    }
    const create = props.create!;
    const name = create.name ?? `${props.registryName.replace(/-/g, '_')}_registry`;
    this.perimeterName = `accessPolicies/${create.accessPolicy}/servicePerimeters/${name}`;
    this.perimeter = new AccessContextManagerServicePerimeter(this, 'Resource', {
      parent: `accessPolicies/${create.accessPolicy}`,
      name: this.perimeterName,
      title: name,
      description: `Keeps the ${props.registryName} Artifact Registry inside the platform's networks; managed by container-registry-constructs`,
      perimeterType: 'PERIMETER_TYPE_REGULAR',
      status: {
        resources: [project],
        restrictedServices: [...new Set([...RegistryPerimeter.RESTRICTED_SERVICES, ...(create.additionalRestrictedServices ?? [])])],
        accessLevels: create.accessLevels,
      },
    });
  }
}
