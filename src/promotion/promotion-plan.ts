import { WorkflowVariables } from './workflow-variables';
import { AccessModel } from '../spec/access-model';
import { AccessPlan, PromotionHop } from '../spec/access-plan';
import { EffectiveSpec } from '../spec/effective';
import { Glob } from '../spec/glob';
import { ACR_REGISTRY_NAME, ACR_REGISTRY_NAME_ALLOWED, AWS_ACCOUNT_ID, AWS_REGION_CODE, branchNameProblem, GCP_LOCATION, GCP_PROJECT_ID } from '../spec/grammars';
import { Naming } from '../spec/naming';
import { ProblemsError } from '../spec/problems';
import { Cloud, EnvironmentLayout, IdentitySpec, NotificationEvent, RegistrySpec, Severity, TagStrategy } from '../spec/registry-spec';
import { SpecProblem, SpecValidator } from '../spec/validate';
import { TagPolicyDecision } from '../tagging/tag-policy-decision';

/** Where the promotion plan's registries are, per cloud. */
export interface PromotionPlanOptions {
  /** The cloud whose registries the plan addresses. */
  readonly cloud: Cloud;

  /**
   * AWS: the account that holds the ECR repositories.
   *
   * @default - the `AWS_ACCOUNT_ID` GitHub variable (`${{ vars.AWS_ACCOUNT_ID }}`)
   */
  readonly awsAccountId?: string;

  /**
   * AWS: the region of the ECR repositories.
   *
   * @default - the `AWS_REGION` GitHub variable
   */
  readonly awsRegion?: string;

  /**
   * GCP: the project that holds the Artifact Registry repositories.
   *
   * @default - the `GCP_PROJECT_ID` GitHub variable
   */
  readonly gcpProjectId?: string;

  /**
   * GCP: the Artifact Registry location (`europe-west1`, `us`).
   *
   * @default - the `GCP_LOCATION` GitHub variable
   */
  readonly gcpLocation?: string;

  /**
   * Azure: the suffix appended to ACR registry names for global uniqueness
   * (the same suffix the Azure construct was given; empty for none).
   *
   * @default - the `AZURE_REGISTRY_SUFFIX` GitHub variable (empty when unset)
   */
  readonly acrRegistrySuffix?: string;

  /**
   * Harbor: the registry's host name, with a port if it is not 443
   * (`harbor.example.com`, `registry.internal:8443`; no scheme).
   *
   * @default - the `HARBOR_HOST` GitHub variable
   */
  readonly harborHost?: string;

  /**
   * Only these images (repository names of the spec), for a workflow that
   * builds a subset.
   *
   * @default - every repository of the spec
   */
  readonly images?: string[];

  /**
   * The branch whose pushes build and promote.
   *
   * @default - the pusher's GitHub trust branch, else `main`
   */
  readonly branch?: string;

  /**
   * The pusher identity (a name in `access.pushers`) the build job uses.
   *
   * @default - the first pusher that may push to the first environment
   */
  readonly pusher?: string;
}

/** Where an image lives on a cloud. */
export interface ImageLocation {
  /**
   * The registry part of the reference: the host (`1234.dkr.ecr.eu-west-1.amazonaws.com`,
   * `platformdev.azurecr.io`), with the project on GCP
   * (`europe-west1-docker.pkg.dev/my-project`). May hold `${{ vars.X }}` placeholders.
   */
  readonly registry: string;
  /** The server to log in to (the host alone). */
  readonly loginServer: string;
  /** The repository path inside the registry (`platform/dev/api`). */
  readonly repository: string;
  /** The full reference without tag or digest: `<registry>/<repository>`. */
  readonly reference: string;
  /**
   * Harbor: the project that holds the repository (the registry is `<host>/<project>`);
   * the robot credentials are per project.
   *
   * @default - not a Harbor location
   */
  readonly project?: string;
}

/** The tags an image may carry and which of them may move. */
export interface ImageTagRules {
  /** Whether tags are write-once, except those matching `mutableTags`. */
  readonly immutable: boolean;
  /** Tag patterns (globs with `*`) that may move to another digest. */
  readonly mutableTags: string[];
  /** The tagging strategy the build follows. */
  readonly strategy: TagStrategy;
  /** Whether semver releases move the `1.2` / `1` / `latest` aliases. */
  readonly semverAliases: boolean;
}

/** The first environment's push of one image by the build job. */
export interface ImagePush {
  /** The image name in the spec (`api`). */
  readonly image: string;
  /** Where the build pushes. */
  readonly destination: ImageLocation;
  /** Environment tags the build sets besides the build tags (`dev` with the `tags` layout). */
  readonly environmentTags: string[];
  /** The image's tag rules. */
  readonly tags: ImageTagRules;
}

/** One image's part of a hop. */
export interface ImagePromotion {
  /** The image name in the spec (`api`). */
  readonly image: string;
  /** Where the digest is read (the source environment). */
  readonly source: ImageLocation;
  /** Where the digest is written (the destination environment). */
  readonly destination: ImageLocation;
  /**
   * Whether the hop sets the build's tags (the immutable build tag and its
   * aliases) at the destination: true with the `repositories` and `registries`
   * layouts, false with `tags` (the same repository already has them).
   */
  readonly carriesBuildTags: boolean;
  /** Environment tags the hop moves to the digest (`staging` with the `tags` layout). */
  readonly environmentTags: string[];
  /**
   * A tag that must point at the digest in the source before it is promoted
   * (the source environment's tag with the `tags` layout).
   *
   * @default - the digest's presence in the source repository is enough
   */
  readonly requiredSourceTag?: string;
  /** The image's tag rules. */
  readonly tags: ImageTagRules;
  /**
   * The scan gate of a hop into a protected environment (one that requires
   * approval), from the image's `scanning.severityThreshold`.
   *
   * @default - no gate (the hop is not protected, or the spec sets no threshold)
   */
  readonly gate?: ScanGate;
}

/** The scan gate of one image's hop: the scan of the digest must show nothing at or above the threshold. */
export interface ScanGate {
  /** The lowest severity that refuses the digest. */
  readonly severityThreshold: Severity;
  /** Vulnerability ids accepted as risks (the registry's and the repository's lists). */
  readonly allowedVulnerabilities: string[];
}

/** One hop of the plan: who copies which images from where to where. */
export interface PlannedHop {
  /** The source environment (`dev`). */
  readonly sourceEnvironment: string;
  /** The destination environment (`staging`). */
  readonly destinationEnvironment: string;
  /** Whether the hop waits for a human approval. */
  readonly requiresApproval: boolean;
  /** The workflow job id (`promote-staging`). */
  readonly jobId: string;
  /** The promotion script's file name (`promote-dev-to-staging.sh`). */
  readonly scriptName: string;
  /**
   * The promoter identity (a name in `access.promoters`) that performs the hop.
   *
   * @default - no promoter covers the hop (a warning says so; the workflow cannot be generated)
   */
  readonly promoter?: string;
  /**
   * The GitHub environment the hop's job runs in: the destination when it needs
   * approval, or the environment the promoter's OIDC trust requires.
   *
   * @default - no GitHub environment
   */
  readonly githubEnvironment?: string;
  /** The images the hop promotes. */
  readonly images: ImagePromotion[];
}

/** A promotion plan for one cloud. */
export interface PromotionPlan {
  /** The cloud. */
  readonly cloud: Cloud;
  /** The spec's registry name. */
  readonly registryName: string;
  /** The environment layout. */
  readonly layout: EnvironmentLayout;
  /** The environments in order (empty when the spec has none). */
  readonly environments: string[];
  /** The branch whose pushes build and promote. */
  readonly branch: string;
  /**
   * The pusher identity the build job uses.
   *
   * @default - the spec has no pusher (the workflow cannot be generated)
   */
  readonly pusher?: string;
  /**
   * The GitHub repository (`owner/name`) the pusher's OIDC trust names: the
   * repository whose build workflow signs the images, so the hops verify that
   * workflow's keyless identity.
   *
   * @default - the pusher has no GitHub trust (the workflow cannot sign and verify keyless)
   */
  readonly buildRepository?: string;
  /**
   * The GitHub environment the build job runs in (the pusher's OIDC trust environment).
   *
   * @default - no GitHub environment
   */
  readonly buildEnvironment?: string;
  /** What the build job pushes to the first environment. */
  readonly pushes: ImagePush[];
  /** The hops, in chain order. */
  readonly hops: PlannedHop[];
  /**
   * AWS: the region of the repositories (or its `${{ vars.AWS_REGION }}` placeholder).
   *
   * @default - not an AWS plan
   */
  readonly awsRegion?: string;
  /**
   * Whether each hop reports its promotion (the spec's `notifications` lists `promotion`):
   * a last step publishes to the cloud's destination (`WorkflowVariables.notification`).
   *
   * @default false
   */
  readonly reportPromotions?: boolean;
  /** What the plan cannot guarantee, and what to do about it. */
  readonly warnings: string[];
}

const ACR_SUFFIX = /^[a-z0-9]*$/;
/** A DNS host name (labels of letters, digits and hyphens) or IPv4 address, with an optional port. */
const HARBOR_HOST = /^(?=.{1,253}(:|$))[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*(?::\d{1,5})?$/;

/**
 * Builds promotion plans: for each hop of the spec's environment chain, the
 * source and destination of every image on one cloud, and the promoter identity
 * that performs it (from `AccessPlan.hopsOf`, the same hops the cloud constructs
 * grant: pull on the source, push on the destination).
 *
 * Layouts: with `repositories` and `registries` a hop copies the digest into
 * the next environment's repository with the build's tags; with `tags` it moves
 * the environment tag inside the one repository, and the plan warns that IAM
 * cannot tell tags apart.
 */
export class PromotionPlanner {
  /** The warning every plan with the `tags` layout carries. */
  public static readonly TAGS_LAYOUT_WARNING =
    'environments.layout is "tags": IAM cannot tell tags apart, so any identity that may push to a repository ' +
    '(CI, every promoter) may also move its "prod" tag; the promotion script refuses to move immutable tags but ' +
    'cannot stop a direct push. Use the "repositories" layout (or "registries") so that only the prod promoter can write to prod.';

  /** The warning every Harbor plan with the `repositories` layout carries (every environment in one project). */
  public static readonly HARBOR_SHARED_PROJECT_WARNING =
    'Harbor: environments.layout is "repositories", so every environment is a repository path in one project, and Harbor robots are ' +
    'scoped to projects: any robot that may push to one environment (CI, every promoter) may push to prod\'s repositories too; the ' +
    'promotion script refuses to move immutable tags but cannot stop a direct push. Use the "registries" layout (one project per ' +
    'environment) so that only the prod promoter\'s robot can write to prod.';

  /**
   * The scan gate of an image: its repository's severity threshold, else the
   * registry's; the accepted ids of both.
   */
  public static gate(spec: RegistrySpec, image: string): ScanGate | undefined {
    const repo = spec.repositories.find((r) => r.name === image);
    const threshold = repo?.scanning?.severityThreshold ?? spec.scanning?.severityThreshold;
    if (threshold === undefined) return undefined;
    const allowed = [...(spec.scanning?.allowedVulnerabilities ?? []), ...(repo?.scanning?.allowedVulnerabilities ?? [])];
    return { severityThreshold: threshold, allowedVulnerabilities: [...new Set(allowed)].sort() };
  }

  /** Builds the plan; throws one error listing every problem of the spec or the options. */
  public static plan(spec: RegistrySpec, options: PromotionPlanOptions): PromotionPlan {
    SpecValidator.assertValid(spec, { clouds: [options.cloud] });
    const problems = PromotionPlanner.checkOptions(spec, options);
    if (problems.length > 0) {
      throw new ProblemsError(`Cannot plan promotion of registry "${spec.name}"`, problems);
    }
    const warnings: string[] = [];
    const layout = Naming.layout(spec);
    const environments = Naming.environmentNames(spec);
    const first = environments[0] ?? '';
    const repos = spec.repositories.filter((r) => !options.images || options.images.includes(r.name));
    const tagsLayout = layout === EnvironmentLayout.TAGS;
    const locate = (image: string, env: string) => PromotionPlanner.locate(spec, options, image, env);

    if (tagsLayout && environments.length > 0) warnings.push(PromotionPlanner.TAGS_LAYOUT_WARNING);
    if (options.cloud === Cloud.HARBOR && layout === EnvironmentLayout.REPOSITORIES && environments.length > 1) {
      warnings.push(PromotionPlanner.HARBOR_SHARED_PROJECT_WARNING);
    }

    const pusher = PromotionPlanner.choosePusher(spec, options, warnings);
    const branch = options.branch ?? pusher?.github?.branch ?? 'main';
    let buildEnvironment: string | undefined;
    if (pusher) {
      buildEnvironment = pusher.github?.environment;
      if (options.cloud !== Cloud.HARBOR) PromotionPlanner.checkTrust(warnings, `pusher "${pusher.name}"`, pusher, options.cloud, 'the build job', branch, buildEnvironment);
    }

    // Artifact Registry's immutable_tags is all or nothing: where the tag policy decision turns it
    // on, no tag can move once set, so the build pushes only write-once tags there (no 1.2 / 1 /
    // latest), and with the tags layout environment tags cannot move after the first promotion.
    const garLocked = (policy: ReturnType<typeof EffectiveSpec.tagPolicy>) =>
      options.cloud === Cloud.GCP && TagPolicyDecision.gar(policy).immutableTags;
    const rules = (name: string): ImageTagRules => {
      const policy = EffectiveSpec.tagPolicy(spec, spec.repositories.find((r) => r.name === name));
      return {
        immutable: policy.immutable,
        mutableTags: [...policy.mutableTags],
        strategy: policy.strategy,
        semverAliases: policy.semverAliases && !garLocked(policy),
      };
    };
    const locked = repos.filter((r) => garLocked(EffectiveSpec.tagPolicy(spec, r)));
    const lockedAliases = locked.filter((r) => EffectiveSpec.tagPolicy(spec, r).semverAliases).map((r) => r.name);
    if (lockedAliases.length) {
      warnings.push(
        `Artifact Registry: ${lockedAliases.join(', ')} get immutable_tags (all or nothing), so the build pushes only write-once tags there: ` +
        'the 1.2 / 1 / latest aliases would fail to move after the first release; pin deployments to versions or digests, ' +
        'or set tagPolicy.immutable: false for these images',
      );
    }
    if (tagsLayout && locked.length && AccessPlan.hops(spec).length) {
      warnings.push(
        `Artifact Registry: ${locked.map((r) => r.name).join(', ')} get immutable_tags (all or nothing), so an environment tag cannot move ` +
        'once set and every promotion after the first fails; use the repositories layout, or tagPolicy.immutable: false',
      );
    }

    const pushes: ImagePush[] = repos.map((r) => ({
      image: r.name,
      destination: locate(r.name, first),
      environmentTags: tagsLayout && first ? [first] : [],
      tags: rules(r.name),
    }));

    const hops: PlannedHop[] = AccessPlan.hops(spec).map((hop) => {
      const promoter = PromotionPlanner.choosePromoter(spec, hop);
      const approvalEnvironment = hop.requiresApproval ? hop.destination : undefined;
      const trustEnvironment = promoter?.github?.environment;
      const githubEnvironment = trustEnvironment ?? approvalEnvironment;
      const label = `hop ${hop.source} -> ${hop.destination}`;
      if (!promoter) {
        warnings.push(
          `${label}: no promoter performs it (access.promoters is empty or none lists "${hop.destination}" in its environments); ` +
          'add a promoter with github trust so the workflow can log in as it',
        );
      } else {
        if (trustEnvironment && approvalEnvironment && trustEnvironment !== approvalEnvironment) {
          warnings.push(
            `${label}: promoter "${promoter.name}" is trusted only in GitHub environment "${trustEnvironment}", so the job runs there ` +
            `and waits for that environment's reviewers instead of "${approvalEnvironment}"'s`,
          );
        } else if (trustEnvironment && !approvalEnvironment) {
          warnings.push(
            `${label}: promoter "${promoter.name}" is trusted only in GitHub environment "${trustEnvironment}", so this hop, ` +
            'which needs no approval, runs in that environment and waits for its reviewers; give the hop its own promoter ' +
            `(environments: [${hop.destination}]) trusted on branch "${branch}"`,
          );
        }
        // Harbor's robots log in with a secret, not an OIDC token: there is no trust to match.
        if (options.cloud !== Cloud.HARBOR) {
          PromotionPlanner.checkTrust(warnings, `promoter "${promoter.name}"`, promoter, options.cloud, `the ${hop.destination} promotion job`, branch, githubEnvironment);
        }
      }
      const images: ImagePromotion[] = repos.map((r) => {
        const tags = rules(r.name);
        if (tagsLayout && tags.immutable && !Glob.matchesAny(tags.mutableTags, hop.destination)) {
          warnings.push(
            `${label}: image "${r.name}" has immutable tags and "${hop.destination}" is not in its mutableTags, so the environment tag ` +
            `cannot move once set; add "${hop.destination}" to tagPolicy.mutableTags`,
          );
        }
        return {
          image: r.name,
          source: locate(r.name, hop.source),
          destination: locate(r.name, hop.destination),
          carriesBuildTags: !tagsLayout,
          environmentTags: tagsLayout ? [hop.destination] : [],
          requiredSourceTag: tagsLayout ? hop.source : undefined,
          tags,
          gate: AccessModel.gatesScan(spec, hop, r.name) ? PromotionPlanner.gate(spec, r.name) : undefined,
        };
      });
      return {
        sourceEnvironment: hop.source,
        destinationEnvironment: hop.destination,
        requiresApproval: hop.requiresApproval,
        jobId: `promote-${hop.destination}`,
        scriptName: `promote-${hop.source}-to-${hop.destination}.sh`,
        promoter: promoter?.name,
        githubEnvironment,
        images,
      };
    });

    // The scan gate reads the source digest's findings (Capability.READ_SCAN_RESULTS). The constructs grant it to the
    // promoters of gated hops; a promoter without github trust runs as an identity they do not create: say so, with what to grant.
    const gated = hops.filter((h) => h.images.some((i) => i.gate));
    const promoters = [...new Set(gated.map((h) => h.promoter).filter((p): p is string => p !== undefined))];
    const where = `scanning.severityThreshold gates the hops into ${gated.map((h) => h.destinationEnvironment).join(', ')}`;
    // On Harbor every promoter's robot is created by the construct (HarborAccessMatrix grants artifact:read and
    // artifact-addition:read in the gated hops' source projects), whatever its github trust.
    const external = options.cloud === Cloud.HARBOR ? []
      : promoters.filter((p) => !(spec.access?.promoters ?? []).some((i) => i.name === p && i.github));
    if (gated.length > 0 && external.length > 0) {
      const grant = options.cloud === Cloud.AWS
        ? 'the registry constructs grant `ecr:DescribeImageScanFindings` on the source repositories through their repository policies, but with ENHANCED scanning '
          + 'their own IAM must also allow `inspector2:ListFindings` (and, from another account, `ecr:DescribeImageScanFindings`)'
        : options.cloud === Cloud.GCP
          ? 'the registry constructs grant their gcpMembers `roles/containeranalysis.occurrences.viewer` on the project; the identity the workflow runs as must be one of them'
          : 'the registry constructs grant their azurePrincipalIds Security Reader on the source registry\'s resource group; the identity the workflow runs as must be one of them';
      warnings.push(`${where}: promoters ${external.join(', ')} have no github trust, so no construct creates the identity the gate runs as: ${grant}.`);
    }

    return {
      cloud: options.cloud,
      registryName: spec.name,
      layout,
      environments,
      branch,
      pusher: pusher?.name,
      buildRepository: pusher?.github?.repository,
      buildEnvironment,
      pushes,
      hops,
      awsRegion: options.cloud === Cloud.AWS ? options.awsRegion ?? WorkflowVariables.expression('AWS_REGION') : undefined,
      ...((spec.notifications?.events ?? []).includes(NotificationEvent.PROMOTION) ? { reportPromotions: true } : {}),
      warnings,
    };
  }

  /** Where an image of an environment lives on the plan's cloud. */
  public static locate(spec: RegistrySpec, options: PromotionPlanOptions, image: string, environment: string): ImageLocation {
    const v = WorkflowVariables.expression;
    let registry: string;
    let loginServer: string;
    let repository: string;
    switch (options.cloud) {
      case Cloud.AWS: {
        const account = options.awsAccountId ?? v('AWS_ACCOUNT_ID');
        const region = options.awsRegion ?? v('AWS_REGION');
        registry = loginServer = Naming.ecrRegistryHost(account, region);
        repository = Naming.ecrRepositoryName(spec, image, environment);
        break;
      }
      case Cloud.GCP: {
        loginServer = Naming.garRegistryHost(options.gcpLocation ?? v('GCP_LOCATION'));
        registry = `${loginServer}/${options.gcpProjectId ?? v('GCP_PROJECT_ID')}`;
        repository = `${Naming.garRepositoryId(spec, environment)}/${Naming.garPackageName(spec, image)}`;
        break;
      }
      case Cloud.AZURE: {
        const suffix = options.acrRegistrySuffix ?? v('AZURE_REGISTRY_SUFFIX');
        registry = loginServer = Naming.acrLoginServer(Naming.acrRegistryName(spec, environment), suffix);
        repository = Naming.acrRepositoryPath(spec, image, environment);
        break;
      }
      case Cloud.HARBOR: {
        // Harbor's references are <host>/<project>/<repository>; the project is the namespace robots are scoped to.
        loginServer = options.harborHost?.toLowerCase() ?? v('HARBOR_HOST');
        const project = Naming.harborProjectName(spec, environment);
        registry = `${loginServer}/${project}`;
        repository = Naming.harborRepositoryPath(spec, image, environment);
        return { registry, loginServer, repository, reference: `${registry}/${repository}`, project };
      }
      default:
        throw new Error(`cloud: "${options.cloud}" is not a cloud (allowed: ${Object.values(Cloud).join(', ')})`);
    }
    return { registry, loginServer, repository, reference: `${registry}/${repository}` };
  }

  private static checkOptions(spec: RegistrySpec, o: PromotionPlanOptions): SpecProblem[] {
    const problems: SpecProblem[] = [];
    const add = (path: string, value: unknown, message: string) =>
      problems.push({ path, value: value === undefined ? 'undefined' : JSON.stringify(value), message });
    if (!Object.values(Cloud).includes(o.cloud)) add('cloud', o.cloud, `is not a cloud (allowed: ${Object.values(Cloud).join(', ')})`);
    if (o.awsAccountId !== undefined && !AWS_ACCOUNT_ID.test(o.awsAccountId)) add('awsAccountId', o.awsAccountId, 'is not an AWS account id (12 digits)');
    if (o.awsRegion !== undefined && !AWS_REGION_CODE.test(o.awsRegion)) add('awsRegion', o.awsRegion, 'is not an AWS region (like eu-west-1)');
    if (o.gcpProjectId !== undefined && !GCP_PROJECT_ID.test(o.gcpProjectId)) {
      add('gcpProjectId', o.gcpProjectId, 'is not a GCP project id (6-30 lower-case letters, digits and hyphens, starting with a letter)');
    }
    if (o.gcpLocation !== undefined && !GCP_LOCATION.test(o.gcpLocation)) add('gcpLocation', o.gcpLocation, 'is not an Artifact Registry location (like europe-west1 or us)');
    if (o.acrRegistrySuffix !== undefined && !ACR_SUFFIX.test(o.acrRegistrySuffix)) {
      add('acrRegistrySuffix', o.acrRegistrySuffix, 'is not a valid ACR name suffix (lower-case letters and digits)');
    }
    if (o.harborHost !== undefined && !HARBOR_HOST.test(o.harborHost)) {
      add('harborHost', o.harborHost, 'is not a registry host (a host name or IPv4 address with an optional :port, no scheme or path)');
    }
    // The branch becomes the workflow's push trigger and the signer identity's refs/heads/<branch>.
    const branchProblem = o.branch !== undefined ? branchNameProblem(o.branch) : undefined;
    if (branchProblem) add('branch', o.branch, branchProblem);
    // The suffix is appended to each registry's name: the result must still be an ACR name.
    if (o.acrRegistrySuffix !== undefined && ACR_SUFFIX.test(o.acrRegistrySuffix)) {
      const names = [...new Set((Naming.layout(spec) === EnvironmentLayout.REGISTRIES ? Naming.environmentNames(spec) : [undefined])
        .map((env) => Naming.acrRegistryName(spec, env) + o.acrRegistrySuffix))];
      const bad = names.filter((n) => !ACR_REGISTRY_NAME.test(n));
      if (bad.length) add('acrRegistrySuffix', o.acrRegistrySuffix, `gives the registry name${bad.length > 1 ? 's' : ''} ${bad.join(', ')}: ACR names are ${ACR_REGISTRY_NAME_ALLOWED}`);
    }
    const names = spec.repositories.map((r) => r.name);
    (o.images ?? []).forEach((img, i) => {
      if (!names.includes(img)) add(`images[${i}]`, img, `is not a repository of the spec (repositories: ${names.join(', ')})`);
    });
    if (o.images && o.images.length === 0) add('images', o.images, 'is empty: list at least one repository, or omit it for all');
    (o.images ?? []).forEach((img, i) => {
      if (o.images!.indexOf(img) < i) add(`images[${i}]`, img, 'is listed twice; list each repository once');
    });
    if (o.pusher !== undefined && !(spec.access?.pushers ?? []).some((p) => p.name === o.pusher)) {
      add('pusher', o.pusher, `is not a pusher of the spec (access.pushers: ${(spec.access?.pushers ?? []).map((p) => p.name).join(', ') || 'none'})`);
    }
    return problems;
  }

  private static choosePusher(spec: RegistrySpec, o: PromotionPlanOptions, warnings: string[]): IdentitySpec | undefined {
    const pushers = spec.access?.pushers ?? [];
    if (o.pusher) return pushers.find((p) => p.name === o.pusher);
    const first = Naming.environmentNames(spec)[0];
    const candidates = pushers.filter((p) => !first || !p.environments || p.environments.includes(first));
    const chosen = candidates.find((p) => p.github) ?? candidates[0];
    if (!chosen) {
      warnings.push(
        'access.pushers: no pusher may push to the first environment' + (first ? ` ("${first}")` : '') +
        '; add one with github trust so the build job can log in as it',
      );
    }
    return chosen;
  }

  /** The promoter of a hop: the first one whose hops include it, preferring one with GitHub trust. */
  private static choosePromoter(spec: RegistrySpec, hop: PromotionHop): IdentitySpec | undefined {
    const candidates = (spec.access?.promoters ?? []).filter((p) => AccessPlan.hopsOf(spec, p).some((h) => h.destination === hop.destination));
    return candidates.find((p) => p.github) ?? candidates[0];
  }

  /**
   * Warns when an identity's OIDC trust cannot match the job that uses it.
   * GitHub's OIDC subject is `repo:<owner>/<repo>:environment:<name>` for a job
   * with an environment, and `repo:<owner>/<repo>:ref:refs/heads/<branch>` otherwise.
   */
  private static checkTrust(
    warnings: string[], who: string, identity: IdentitySpec, cloud: Cloud, job: string, branch: string, jobEnvironment?: string,
  ): void {
    const gh = identity.github;
    const variable = WorkflowVariables.identity(cloud, identity.name);
    if (!gh) {
      warnings.push(
        `${who} has no github trust, so no construct creates the ${variable} variable: set it to an identity that ` +
        `trusts this repository's ${jobEnvironment ? `environment "${jobEnvironment}"` : `branch "${branch}"`}`,
      );
      return;
    }
    if (gh.tag) {
      warnings.push(`${who} is trusted on tags "${gh.tag}", but ${job} runs on pushes to branch "${branch}": its OIDC login will be refused`);
    } else if (gh.branch && jobEnvironment) {
      warnings.push(
        `${who} is trusted on branch "${gh.branch}", but ${job} runs in GitHub environment "${jobEnvironment}", whose OIDC ` +
        `subject is "repo:${gh.repository}:environment:${jobEnvironment}": trust the identity on environment "${jobEnvironment}"`,
      );
    } else if (gh.branch && gh.branch !== branch) {
      warnings.push(`${who} is trusted on branch "${gh.branch}", but ${job} runs on pushes to branch "${branch}": its OIDC login will be refused`);
    }
  }
}
