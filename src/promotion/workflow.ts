import { ActionPins } from './action-pins';
import { BuildTagsScript } from './build-tags-script';
import { ImageLocation, PromotionPlan } from './promotion-plan';
import { GeneratedFile, PromotionScript } from './promotion-script';
import { WorkflowVariables } from './workflow-variables';
import { Problems } from '../spec/problems';
import { Cloud } from '../spec/registry-spec';

/** Options of the generated GitHub Actions workflow. */
export interface PromotionWorkflowOptions {
  /**
   * The workflow file, relative to the repository root.
   *
   * @default `.github/workflows/promote-<cloud>.yml`
   */
  readonly workflowPath?: string;

  /**
   * The folder of the promotion scripts the workflow calls.
   *
   * @default `.github/promotion/<cloud>`
   */
  readonly scriptsDir?: string;

  /**
   * The folder of the files every cloud's hops share (`promote-image.sh`,
   * `scan-gate.sh`, `build-tags.sh`), written once; hop scripts call them by their
   * path relative to the hop script.
   *
   * @default `.github/promotion/lib`
   */
  readonly libraryDir?: string;

  /**
   * The docker build context of each image; `{image}` is replaced by the image name.
   *
   * @default - `.` for a single image, `{image}` otherwise
   */
  readonly buildContext?: string;

  /**
   * The runner label of every job (skopeo is preinstalled on GitHub's Ubuntu runners).
   *
   * @default ubuntu-latest
   */
  readonly runsOn?: string;

  /**
   * The workflow's name.
   *
   * @default `Build and promote (<cloud>)`
   */
  readonly name?: string;

  /**
   * Whether the build also attests a SLSA provenance of each pushed digest
   * (`cosign attest --type slsaprovenance1`, keyless, stored as the
   * `sha256-<hex>.att` tag beside the signature). The predicate names the
   * repository, commit, workflow and run that built the image.
   *
   * @default false
   */
  readonly attestProvenance?: boolean;
}

/** A generated workflow and the scripts it calls. */
export interface GeneratedWorkflow {
  /** The workflow's YAML text. */
  readonly text: string;
  /** The workflow file and every script, ready to write. */
  readonly files: GeneratedFile[];
  /** The plan's warnings (also written as comments at the top of the workflow). */
  readonly warnings: string[];
  /** The GitHub variables the workflow reads (the cloud constructs output them; set them in the repository). */
  readonly variables: string[];
  /**
   * The GitHub secrets the workflow reads: on Harbor, the robots' secrets (the
   * construct's sensitive outputs); empty on the clouds that log in through OIDC.
   */
  readonly secrets: string[];
}

/**
 * The issuer of GitHub Actions OIDC tokens, which Fulcio writes in the keyless
 * certificate ("GitHub Actions | https://token.actions.githubusercontent.com |
 * https://github.com/USERNAME/REPOSITORY_NAME/.github/workflows/WORKFLOW_NAME@refs/heads/BRANCH_NAME",
 * docs.sigstore.dev/quickstart/verification-cheat-sheet).
 */
const GITHUB_OIDC_ISSUER = 'https://token.actions.githubusercontent.com';

/**
 * Generates the GitHub Actions workflow of a promotion plan: on each push to the
 * plan's branch (or a manual run with a version), one job builds every image and
 * pushes it to the first environment with its computed tags (the write-once
 * build tag and the moving aliases), logging in as the pusher through OIDC; then
 * one job per hop, in chain order, logs in as the hop's promoter and runs the
 * hop's promotion script for each image with the digest the build job output.
 * Hops that need approval run in the destination's GitHub environment. Only the
 * jobs get `id-token: write`; the workflow's default token is read-only.
 */
export class PromotionWorkflow {
  /** Generates the workflow and its scripts; throws when the plan lacks a pusher or a hop's promoter. */
  public static generate(plan: PromotionPlan, options: PromotionWorkflowOptions = {}): GeneratedWorkflow {
    const problems: string[] = [];
    if (!plan.pusher) problems.push('access.pushers: the build job needs a pusher identity that may push to the first environment');
    for (const hop of plan.hops) {
      if (!hop.promoter) problems.push(`access.promoters: no promoter performs hop ${hop.sourceEnvironment} -> ${hop.destinationEnvironment}`);
    }
    if (plan.pushes.length === 0) problems.push('images: the plan has no image to build');
    problems.push(...PromotionWorkflow._optionProblems(options));
    if (plan.pusher && !plan.buildRepository) {
      problems.push(`access.pushers: the pusher "${plan.pusher}" has no github trust: the build signs keyless with the GitHub OIDC token of its repository, and each hop verifies that identity`);
    }
    new Problems().addAll(Problems._fromMessages(problems)).throwIfAny(`Cannot generate the promotion workflow of registry "${plan.registryName}" on ${plan.cloud}`);
    const g = new Generator(plan, options);
    const text = g.workflow();
    const scripts = PromotionScript.files(plan, { scriptsDir: g.scriptsDir, libraryDir: g.libraryDir });
    return {
      text,
      files: [{ path: g.workflowPath, content: text, executable: false }, ...scripts],
      warnings: [...plan.warnings],
      variables: [...g.variables].sort(),
      secrets: [...g.secrets].sort(),
    };
  }

  /**
   * The options, each against what it becomes: the workflow path is where GitHub runs
   * workflows from ("You must store workflow files in the .github/workflows directory of
   * your repository", "must have either a .yml or .yaml file extension": GitHub docs,
   * "Workflow syntax for GitHub Actions") and a part of the signer identity the hops
   * verify; the scripts' folders are written under the output folder and called unquoted
   * (`sh <dir>/promote-....sh`), so they are relative paths of plain names; the runner
   * label and build context are single-line YAML values.
   *
   * @internal
   */
  public static _optionProblems(options: PromotionWorkflowOptions): string[] {
    const problems: string[] = [];
    const show = (v: string) => JSON.stringify(v);
    const relative = (v: string) => v.split('/').every((part) => /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/.test(part) && part !== '..');
    if (options.workflowPath !== undefined && !/^\.github\/workflows\/[A-Za-z0-9_-][A-Za-z0-9._-]*\.ya?ml$/.test(options.workflowPath)) {
      problems.push(`workflowPath: ${show(options.workflowPath)} is not a workflow file GitHub runs: .github/workflows/<name>.yml (or .yaml), a name of letters, digits, . _ -`);
    }
    for (const [key, value] of [['scriptsDir', options.scriptsDir], ['libraryDir', options.libraryDir]] as const) {
      if (value !== undefined && !relative(value.replace(/\/+$/, ''))) {
        problems.push(`${key}: ${show(value)} is not a folder of the repository: a relative path of names of letters, digits, . _ - (no "..", no leading /, no spaces)`);
      }
    }
    // eslint-disable-next-line no-control-regex
    const line = (v: string) => v.trim() !== '' && v.trim() === v && !/[\x00-\x1f\x7f]/.test(v);
    if (options.runsOn !== undefined && !line(options.runsOn)) {
      problems.push(`runsOn: ${show(options.runsOn)} is not a runner label: one line, not empty, without leading or trailing spaces (ubuntu-latest)`);
    }
    if (options.buildContext !== undefined && !line(options.buildContext)) {
      problems.push(`buildContext: ${show(options.buildContext)} is not a build context: one line, not empty, without leading or trailing spaces (., or {image} for a folder per image)`);
    }
    return problems;
  }

  /**
   * The keyless identity the hops verify: the certificate identity Fulcio gives the
   * build job, `https://github.com/<owner>/<repo>/<workflow path>@refs/heads/<branch>`
   * (docs.sigstore.dev/quickstart/verification-cheat-sheet). A build of another
   * branch, workflow or repository does not match, so its images cannot be promoted.
   */
  public static signerIdentity(plan: PromotionPlan, options: PromotionWorkflowOptions = {}): string {
    if (!plan.buildRepository) throw new Error(`the pusher "${plan.pusher ?? ''}" has no github trust: no keyless identity to verify`);
    const workflowPath = options.workflowPath ?? `.github/workflows/promote-${plan.cloud}.yml`;
    return `https://github.com/${plan.buildRepository}/${workflowPath}@refs/heads/${plan.branch}`;
  }

  /**
   * The job output key of an image's value (`jobs/worker` and `digest` give
   * `jobs_worker_digest`). Injective over image names, so two images never share a
   * key: image names have single separators between alphanumeric runs, and each
   * separator gets its own run of underscores (`/` one, `-` two, `.` three, `_`
   * four: `api-gateway` gives `api__gateway`); a name that starts with a digit
   * gets a leading underscore (GitHub ids and shell variables cannot start with one).
   */
  public static outputKey(image: string, what: string): string {
    const runs: Record<string, string> = { '/': '_', '-': '__', '.': '___', '_': '____' };
    const key = image.replace(/[^A-Za-z0-9]/g, (c) => runs[c] ?? `_x${c.charCodeAt(0).toString(16)}_`);
    return `${/^[0-9]/.test(key) ? '_' : ''}${key}_${what}`;
  }
}

type Yaml = string | number | boolean | Yaml[] | { [key: string]: Yaml | undefined };

class Generator {
  public readonly scriptsDir: string;
  public readonly libraryDir: string;
  public readonly workflowPath: string;
  public readonly variables = new Set<string>();
  public readonly secrets = new Set<string>();
  private readonly runsOn: string;
  /** Whether a host uses the run-time URL suffix (`WorkflowVariables.AWS_URL_SUFFIX_ENV`), defined once at the top. */
  private usesUrlSuffix = false;

  constructor(private readonly plan: PromotionPlan, private readonly options: PromotionWorkflowOptions) {
    this.scriptsDir = (options.scriptsDir ?? PromotionScript.defaultDir(plan)).replace(/\/+$/, '');
    this.libraryDir = (options.libraryDir ?? PromotionScript.DEFAULT_LIBRARY_DIR).replace(/\/+$/, '');
    this.workflowPath = options.workflowPath ?? `.github/workflows/promote-${plan.cloud}.yml`;
    this.runsOn = options.runsOn ?? 'ubuntu-latest';
  }

  public workflow(): string {
    const plan = this.plan;
    const first = plan.environments[0];
    const jobs: { [id: string]: Yaml } = { build: this.buildJob() };
    let previous = 'build';
    for (const hop of plan.hops) {
      jobs[hop.jobId] = this.hopJob(hop.jobId, previous);
      previous = hop.jobId;
    }
    const workflow: { [key: string]: Yaml } = {
      name: this.options.name ?? `Build and promote (${plan.cloud})`,
      on: {
        push: { branches: [plan.branch] },
        workflow_dispatch: {
          inputs: {
            version: {
              description: 'The semantic version of this build (default: the v* git tag on the commit, if any)',
              required: false,
              type: 'string',
            },
          },
        },
      },
      permissions: { contents: 'read' },
      // The ECR hosts' URL suffix, from the region's partition (amazonaws.com.cn in China), chosen once at run time.
      ...(this.usesUrlSuffix ? { env: { [WorkflowVariables.AWS_URL_SUFFIX_ENV]: WorkflowVariables._urlSuffixExpression() } } : {}),
      jobs,
    };
    const chain = plan.environments.length ? plan.environments.join(' -> ') : '(no environments)';
    const header = [
      `# Builds each image once, pushes it to ${first ?? 'the registry'} with its computed tags, then promotes the same digest`,
      `# ${chain} on ${plan.cloud} (layout: ${plan.layout}).`,
      '# Generated by `container-registry promote-scripts` from the registry spec: regenerate it rather than edit it.',
      '#',
      '# GitHub variables read (the cloud constructs output them; set them under Settings > Variables):',
      ...[...this.variables].sort().map((v) => `#   ${v}`),
      ...(this.secrets.size ? [
        '# GitHub secrets read (the construct\'s sensitive outputs; set them under Settings > Secrets):',
        ...[...this.secrets].sort().map((v) => `#   ${v}`),
      ] : []),
      ...plan.warnings.flatMap((w) => ['#', ...wrap(`Warning: ${w}`, 110).map((l) => `# ${l}`)]),
    ];
    return `${header.join('\n')}\n${emit(workflow, 0)}`;
  }

  private v(name: string): string {
    this.variables.add(name);
    return WorkflowVariables.expression(name);
  }

  private secret(name: string): string {
    this.secrets.add(name);
    return WorkflowVariables.secretExpression(name);
  }

  /** Harbor: the SRC_AUTHFILE / DEST_AUTHFILE of a hop's image (each side's project robot); nothing on the other clouds. */
  private authFiles(image: { source: ImageLocation; destination: ImageLocation }): { [key: string]: string } {
    if (this.plan.cloud !== Cloud.HARBOR) return {};
    return { SRC_AUTHFILE: harborAuthFile(image.source.project!), DEST_AUTHFILE: harborAuthFile(image.destination.project!) };
  }

  /**
   * Records the `${{ vars.X }}` placeholders a location uses, and writes the run-time URL
   * suffix expression of an ECR host as `${{ env.AWS_URL_SUFFIX }}` (defined once, at the top).
   */
  private track(text: string): string {
    for (const m of text.matchAll(/\$\{\{ vars\.([A-Z0-9_]+) \}\}/g)) this.variables.add(m[1]);
    const shortened = WorkflowVariables._shortenUrlSuffix(text);
    if (shortened !== text) this.usesUrlSuffix = true;
    return shortened;
  }

  private buildJob(): Yaml {
    const plan = this.plan;
    const first = plan.environments[0];
    const outputs: { [key: string]: Yaml } = {};
    const steps: Yaml[] = [
      { name: 'Check out', uses: ActionPins.uses('actions/checkout'), with: { 'fetch-depth': 0, 'persist-credentials': false } },
      ...this.loginSteps(plan.pusher!, plan.pushes.map((p) => p.destination), 'docker'),
      { name: 'Set up Docker Buildx', uses: ActionPins.uses('docker/setup-buildx-action') },
      // Keyless signing needs the job's id-token: write (sigstore/cosign-installer README: "id-token: write # needed
      // for signing the images with GitHub OIDC Token"); the build job already holds it for the cloud login.
      { name: 'Install cosign', uses: ActionPins.uses('sigstore/cosign-installer') },
      {
        name: 'Resolve the version',
        id: 'version',
        env: { INPUT_VERSION: '${{ inputs.version }}' },
        run: [
          '# The version of a manual run, else the v* tag on this commit (none: the build tag is the short sha).',
          'version=${INPUT_VERSION#v}',
          'if [ -z "$version" ]; then',
          '  version=$(git tag --points-at HEAD --list \'v[0-9]*\' | head -n 1)',
          '  version=${version#v}',
          'fi',
          '# Releases already tagged on other commits decide whether the aliases move.',
          'existing=$(git tag --list \'v[0-9]*\' | grep -vxF -e "v$version" -e "$version" | tr \'\\n\' \' \' || true)',
          'echo "version=$version" >>"$GITHUB_OUTPUT"',
          'echo "existing=$existing" >>"$GITHUB_OUTPUT"',
          '',
        ].join('\n'),
      },
    ];
    for (const push of plan.pushes) {
      const tagsId = `tags_${PromotionWorkflow.outputKey(push.image, '')}`.replace(/_$/, '');
      const buildId = `push_${PromotionWorkflow.outputKey(push.image, '')}`.replace(/_$/, '');
      const context = (this.options.buildContext ?? (plan.pushes.length === 1 ? '.' : '{image}')).replace(/\{image\}/g, push.image);
      steps.push({
        name: `Compute the tags of ${push.image}`,
        id: tagsId,
        env: {
          GIT_SHA: '${{ github.sha }}',
          VERSION: '${{ steps.version.outputs.version }}',
          EXISTING_VERSIONS: '${{ steps.version.outputs.existing }}',
          STRATEGY: push.tags.strategy,
          SEMVER_ALIASES: String(push.tags.semverAliases),
          LATEST: String(push.tags.semverAliases),
          ENVIRONMENT_TAGS: push.environmentTags.join(' '),
          REPOSITORY: this.track(push.destination.reference),
        },
        run: `sh ${this.libraryDir}/${BuildTagsScript.FILE_NAME} >>"$GITHUB_OUTPUT"`,
      });
      steps.push({
        name: `Build and push ${push.image} to ${first ?? 'the registry'}`,
        id: buildId,
        uses: ActionPins.uses('docker/build-push-action'),
        with: { context, push: true, tags: `\${{ steps.${tagsId}.outputs.refs }}` },
      });
      const signEnv = { REF: this.track(push.destination.reference), DIGEST: `\${{ steps.${buildId}.outputs.digest }}` };
      steps.push({
        name: `Sign ${push.image} (cosign, keyless)`,
        env: signEnv,
        // By digest, in the tag-based scheme (sha256-<hex>.sig), which skopeo copies with each hop. cosign v3
        // stores a bundle as an OCI referrer by default; --new-bundle-format=false --use-signing-config=false keep
        // the .sig tag (cosign v3 release notes; these flags are deprecated but accepted by v3).
        run: 'cosign sign --yes --new-bundle-format=false --use-signing-config=false "$REF@$DIGEST"',
      });
      if (this.options.attestProvenance) {
        steps.push({
          name: `Attest the provenance of ${push.image} (cosign, keyless)`,
          env: { ...signEnv, SERVER: '${{ github.server_url }}', REPO: '${{ github.repository }}', SHA: '${{ github.sha }}', WORKFLOW: '${{ github.workflow_ref }}', RUN: '${{ github.run_id }}' },
          run: [
            '# A SLSA v1 provenance predicate: what built the digest, from which commit.',
            'jq -n --arg repo "$SERVER/$REPO" --arg sha "$SHA" --arg workflow "$WORKFLOW" --arg run "$SERVER/$REPO/actions/runs/$RUN" \\',
            '  \'{buildDefinition: {buildType: "https://actions.github.io/buildtypes/workflow/v1",',
            '    externalParameters: {workflow: $workflow}, resolvedDependencies: [{uri: ("git+" + $repo), digest: {gitCommit: $sha}}]},',
            '    runDetails: {builder: {id: $workflow}, metadata: {invocationId: $run}}}\' >provenance.json',
            'cosign attest --yes --new-bundle-format=false --use-signing-config=false --type slsaprovenance1 --predicate provenance.json "$REF@$DIGEST"',
            '',
          ].join('\n'),
        });
      }
      outputs[PromotionWorkflow.outputKey(push.image, 'digest')] = `\${{ steps.${buildId}.outputs.digest }}`;
      outputs[PromotionWorkflow.outputKey(push.image, 'tags')] = `\${{ steps.${tagsId}.outputs.tags }}`;
      outputs[PromotionWorkflow.outputKey(push.image, 'mutable')] = `\${{ steps.${tagsId}.outputs.mutable }}`;
    }
    return {
      'name': `Build and push to ${first ?? 'the registry'}`,
      'runs-on': this.runsOn,
      'environment': plan.buildEnvironment,
      'permissions': { 'contents': 'read', 'id-token': 'write' },
      outputs,
      steps,
    };
  }

  private hopJob(jobId: string, previous: string): Yaml {
    const hop = this.plan.hops.find((h) => h.jobId === jobId)!;
    const script = `${this.scriptsDir}/${hop.scriptName}`;
    const locations = hop.images.flatMap((i) => [i.source, i.destination]);
    const steps: Yaml[] = [
      { name: 'Check out the promotion scripts', uses: ActionPins.uses('actions/checkout'), with: { 'persist-credentials': false } },
      ...this.loginSteps(hop.promoter!, locations, 'skopeo'),
      // cosign verifies the keyless signature at the source and at the destination.
      { name: 'Install cosign', uses: ActionPins.uses('sigstore/cosign-installer') },
    ];
    const identity = PromotionWorkflow.signerIdentity(this.plan, this.options);
    if (this.plan.cloud === Cloud.AZURE && hop.images.some((i) => i.gate)) {
      // The scan gate reads Defender's results with `az graph query`, a command of the resource-graph extension.
      steps.push({ name: 'Add the Azure CLI resource-graph extension (scan gate)', run: 'az extension add --name resource-graph --upgrade --yes' });
    }
    if (hop.images.length > 1) {
      // Every image is checked (source present, no immutable tag collision) before any is copied,
      // so a refused image leaves the whole hop unpromoted rather than half done.
      const env: { [key: string]: Yaml } = {};
      const lines: string[] = [];
      for (const image of hop.images) {
        const v = (what: string) => PromotionWorkflow.outputKey(image.image, what).toUpperCase();
        env[v('digest')] = `\${{ needs.build.outputs.${PromotionWorkflow.outputKey(image.image, 'digest')} }}`;
        if (image.carriesBuildTags) env[v('tags')] = `\${{ needs.build.outputs.${PromotionWorkflow.outputKey(image.image, 'tags')} }}`;
        env[v('mutable')] = `\${{ needs.build.outputs.${PromotionWorkflow.outputKey(image.image, 'mutable')} }}`;
        const tags = image.carriesBuildTags ? ` TAGS="$${v('tags')}"` : '';
        lines.push(`DIGEST="$${v('digest')}"${tags} MUTABLE_TAGS="$${v('mutable')}" sh ${script} --image ${image.image} --dry-run`);
      }
      env.SOURCE_REGISTRY = this.track(hop.images[0].source.registry);
      env.DEST_REGISTRY = this.track(hop.images[0].destination.registry);
      Object.assign(env, this.authFiles(hop.images[0]));
      env.VERIFY_IDENTITY = identity;
      env.VERIFY_ISSUER = GITHUB_OIDC_ISSUER;
      steps.push({ name: 'Check every image before copying any (dry run)', env, run: `${lines.join('\n')}\n` });
    }
    for (const image of hop.images) {
      const env: { [key: string]: Yaml } = {
        DIGEST: `\${{ needs.build.outputs.${PromotionWorkflow.outputKey(image.image, 'digest')} }}`,
      };
      if (image.carriesBuildTags) env.TAGS = `\${{ needs.build.outputs.${PromotionWorkflow.outputKey(image.image, 'tags')} }}`;
      env.MUTABLE_TAGS = `\${{ needs.build.outputs.${PromotionWorkflow.outputKey(image.image, 'mutable')} }}`;
      env.SOURCE_REGISTRY = this.track(image.source.registry);
      env.DEST_REGISTRY = this.track(image.destination.registry);
      Object.assign(env, this.authFiles(image));
      env.VERIFY_IDENTITY = identity;
      env.VERIFY_ISSUER = GITHUB_OIDC_ISSUER;
      steps.push({ name: `Promote ${image.image} (${hop.sourceEnvironment} -> ${hop.destinationEnvironment})`, env, run: `sh ${script} --image ${image.image}` });
    }
    if (this.plan.reportPromotions) steps.push(this.reportStep(hop.sourceEnvironment, hop.destinationEnvironment, hop.images.map((i) => i.image)));
    const needs = previous === 'build' ? ['build'] : ['build', previous];
    return {
      'name': `Promote ${hop.sourceEnvironment} -> ${hop.destinationEnvironment}${hop.requiresApproval ? ' (approval)' : ''}`,
      needs,
      'runs-on': this.runsOn,
      'environment': hop.githubEnvironment,
      // Harbor's robots log in with secrets and cosign verifies without a token: no id-token there.
      'permissions': this.plan.cloud === Cloud.HARBOR ? { contents: 'read' } : { 'contents': 'read', 'id-token': 'write' },
      'concurrency': { 'group': `promote-${this.plan.cloud}-${hop.destinationEnvironment}`, 'cancel-in-progress': false },
      steps,
    };
  }

  /**
   * The last step of a hop when the spec asks for promotion notifications: one JSON message
   * (registry, source and destination environments, images with their digests, the run's URL)
   * published with the promoter's credentials: `aws sns publish` (AWS), `gcloud pubsub topics
   * publish` (GCP), or an HTTPS POST to the webhook of the `PROMOTION_WEBHOOK_URL` secret (Azure, Harbor).
   * It runs only when every promotion step succeeded (the default `success()` condition).
   */
  private reportStep(source: string, destination: string, images: string[]): Yaml {
    const env: { [key: string]: Yaml } = {};
    const digests = images.map((image) => {
      const key = PromotionWorkflow.outputKey(image, 'digest');
      env[key.toUpperCase()] = `\${{ needs.build.outputs.${key} }}`;
      return `{"image":"${image}","digest":"'"$${key.toUpperCase()}"'"}`;
    });
    const name = WorkflowVariables.notification(this.plan.cloud);
    env.DESTINATION = this.plan.cloud === Cloud.AZURE || this.plan.cloud === Cloud.HARBOR ? this.secret(name) : this.v(name);
    env.RUN_URL = '${{ github.server_url }}/${{ github.repository }}/actions/runs/${{ github.run_id }}';
    const message = `MESSAGE='{"event":"promotion","registry":"${this.plan.registryName}","source":"${source}","destination":"${destination}",`
      + `"images":[${digests.join(',')}],"run":"'"$RUN_URL"'"}'`;
    const publish = {
      [Cloud.AWS]: 'aws sns publish --topic-arn "$DESTINATION" --subject "promotion" --message "$MESSAGE"',
      [Cloud.GCP]: 'gcloud pubsub topics publish "$DESTINATION" --message "$MESSAGE" --attribute event=promotion',
      [Cloud.AZURE]: 'curl --fail --silent --show-error -X POST -H "Content-Type: application/json" --data "$MESSAGE" "$DESTINATION"',
      [Cloud.HARBOR]: 'curl --fail --silent --show-error -X POST -H "Content-Type: application/json" --data "$MESSAGE" "$DESTINATION"',
    }[this.plan.cloud];
    return {
      name: `Report the promotion ${source} -> ${destination}`,
      env,
      run: `${message}
${publish}
`,
    };
  }

  /** The OIDC login of an identity, then a registry login of `tool` (docker or skopeo) to each distinct server. */
  private loginSteps(identity: string, locations: ImageLocation[], client: string): Yaml[] {
    const servers = [...new Set(locations.map((l) => this.track(l.loginServer)))];
    // skopeo writes Docker's config file, which cosign reads too (and skopeo reads it back: containers-auth.json(5),
    // "If credentials are not present, search in ... $HOME/.docker/config.json").
    const tool = client === 'skopeo' ? 'skopeo login --authfile "$HOME/.docker/config.json"' : `${client} login`;
    if (this.plan.cloud === Cloud.HARBOR) return this.harborLoginSteps(identity, locations, client);
    const variable = this.v(WorkflowVariables.identity(this.plan.cloud, identity));
    switch (this.plan.cloud) {
      case Cloud.AWS: {
        const region = this.plan.awsRegion!;
        return [
          {
            name: `Log in to AWS as ${identity}`,
            uses: ActionPins.uses('aws-actions/configure-aws-credentials'),
            with: { 'role-to-assume': variable, 'aws-region': this.track(region) },
          },
          ...servers.map((server) => ({
            name: `Log in ${client} to ${server}`,
            env: { REGISTRY: server },
            run: `aws ecr get-login-password | ${tool} --username AWS --password-stdin "$REGISTRY"`,
          })),
        ];
      }
      case Cloud.GCP:
        return [
          {
            name: `Log in to Google Cloud as ${identity}`,
            id: 'gcp_auth',
            uses: ActionPins.uses('google-github-actions/auth'),
            with: {
              workload_identity_provider: this.v('GCP_WORKLOAD_IDENTITY_PROVIDER'),
              service_account: variable,
              token_format: 'access_token',
            },
          },
          ...servers.map((server) => ({
            name: `Log in ${client} to ${server}`,
            env: { REGISTRY: server, ACCESS_TOKEN: '${{ steps.gcp_auth.outputs.access_token }}' },
            run: `printf '%s' "$ACCESS_TOKEN" | ${tool} --username oauth2accesstoken --password-stdin "$REGISTRY"`,
          })),
        ];
      case Cloud.AZURE:
        return [
          {
            name: `Log in to Azure as ${identity}`,
            uses: ActionPins.uses('azure/login'),
            with: {
              'client-id': variable,
              'tenant-id': this.v('AZURE_TENANT_ID'),
              'subscription-id': this.v('AZURE_SUBSCRIPTION_ID'),
            },
          },
          ...servers.map((server) => ({
            name: `Log in ${client} to ${server}`,
            env: { REGISTRY: server },
            run: [
              '# An ACR refresh token for the logged-in identity; the user name is the documented all-zero GUID.',
              'az acr login --name "${REGISTRY%%.*}" --expose-token --output tsv --query accessToken |',
              `  ${tool} --username 00000000-0000-0000-0000-000000000000 --password-stdin "$REGISTRY"`,
              '',
            ].join('\n'),
          })),
        ];
    }
    throw new Error(`cloud: "${this.plan.cloud}" is not a cloud`);
  }

  /**
   * Harbor: no OIDC; the identity's project robot logs in with its name (a
   * variable) and secret (a GitHub secret), once per project. A project robot
   * holds one project, so a hop between projects (the `registries` layout) uses
   * two robots on the same host: skopeo keeps each in its own auth file, which
   * the hop script takes as SRC_AUTHFILE / DEST_AUTHFILE. The build job pushes
   * to one project with `docker login` (Docker's config, which cosign reads too).
   */
  private harborLoginSteps(identity: string, locations: ImageLocation[], client: string): Yaml[] {
    const byProject = new Map<string, string>();
    for (const l of locations) byProject.set(l.project!, this.track(l.loginServer));
    return [...byProject.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([project, server]) => {
      const env: { [key: string]: Yaml } = {
        REGISTRY: server,
        ROBOT_NAME: this.v(WorkflowVariables.harborRobotName(identity, project)),
        ROBOT_SECRET: this.secret(WorkflowVariables.harborRobotSecret(identity, project)),
      };
      let login: string;
      if (client === 'skopeo') {
        env.AUTHFILE = harborAuthFile(project);
        login = 'skopeo login --authfile "$AUTHFILE" --username "$ROBOT_NAME" --password-stdin "$REGISTRY"';
      } else {
        login = `${client} login --username "$ROBOT_NAME" --password-stdin "$REGISTRY"`;
      }
      return {
        name: `Log in ${client} to ${server} as ${identity}'s robot in project ${project}`,
        env,
        run: `printf '%s' "$ROBOT_SECRET" | ${login}`,
      };
    });
  }
}

/** Harbor: the auth file of the promoter's robot in a project, written by the hop job's login step. */
function harborAuthFile(project: string): string {
  return `\${{ runner.temp }}/harbor-auth/${project}.json`;
}

const YAML_SPECIAL = /^(true|false|yes|no|on|off|null|~|y|n)$/i;

/** A YAML scalar: plain when unambiguous, else double-quoted (JSON strings are valid YAML). */
function scalar(value: string | number | boolean): string {
  if (typeof value !== 'string') return String(value);
  const plain = /^[A-Za-z0-9_.\/$][^\n]*$/.test(value)
    && !/: |:$| #|^[-+.\d][\d.eE+-]*$/.test(value)
    && !YAML_SPECIAL.test(value)
    && value.trim() === value;
  return plain ? value : JSON.stringify(value);
}

/** Emits a block-style YAML mapping or sequence at an indentation. */
function emit(value: Yaml, indent: number): string {
  const pad = ' '.repeat(indent);
  if (Array.isArray(value)) {
    if (value.length === 0) return `${pad}[]\n`;
    return value.map((item) => {
      if (typeof item === 'object') {
        const inner = emit(item, indent + 2);
        return `${pad}- ${inner.slice(indent + 2)}`;
      }
      return `${pad}- ${scalar(item)}\n`;
    }).join('');
  }
  if (typeof value !== 'object') return `${pad}${scalar(value)}\n`;
  let out = '';
  for (const [key, v] of Object.entries(value)) {
    if (v === undefined) continue;
    if (typeof v === 'string' && v.includes('\n')) {
      const body = v.replace(/\n$/, '').split('\n').map((l) => (l ? `${pad}  ${l}` : '')).join('\n');
      out += `${pad}${key}: |\n${body}\n`;
    } else if (Array.isArray(v) && v.every((x) => typeof x !== 'object') && v.length > 0) {
      out += `${pad}${key}: [${v.map((x) => (/[,[\]{}]/.test(String(x)) ? JSON.stringify(x) : scalar(x as string))).join(', ')}]\n`;
    } else if (typeof v === 'object') {
      out += Object.keys(v).length === 0 ? `${pad}${key}: {}\n` : `${pad}${key}:\n${emit(v, indent + 2)}`;
    } else if (key === 'uses' && typeof v === 'string' && ActionPins.versionOf(v)) {
      out += `${pad}${key}: ${scalar(v)} # ${ActionPins.versionOf(v)}\n`;
    } else {
      out += `${pad}${key}: ${scalar(v)}\n`;
    }
  }
  return out;
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + word.length + 1 > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines;
}
