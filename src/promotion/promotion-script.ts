import { readFileSync } from 'fs';
import { join, posix } from 'path';
import { BuildTagsScript } from './build-tags-script';
import { ImageLocation, PlannedHop, PromotionPlan } from './promotion-plan';
import { WorkflowVariables } from './workflow-variables';

/** A generated file: its path relative to the output root and its text. */
export interface GeneratedFile {
  /** The path, relative to the repository root (`.github/promotion/aws/promote-dev-to-staging.sh`). */
  readonly path: string;
  /** The file's text. */
  readonly content: string;
  /** Whether the file should be executable. */
  readonly executable: boolean;
}

/** Options of the promotion script generator. */
export interface PromotionScriptOptions {
  /**
   * The folder, relative to the repository root, the scripts are written to and
   * the workflow calls them from.
   *
   * @default `.github/promotion/<cloud>`
   */
  readonly scriptsDir?: string;

  /**
   * The folder, relative to the repository root, of the files every hop of every
   * cloud shares (`promote-image.sh`, `scan-gate.sh`, `build-tags.sh`): written
   * once, and called by each hop script by its path relative to the hop script.
   *
   * @default `.github/promotion/lib`
   */
  readonly libraryDir?: string;
}

/**
 * Generates the promotion scripts of a plan: one shared shell file,
 * `promote-image.sh` (shipped with the package and linted as a file), which holds
 * the whole hop logic, written once into the library folder that every cloud's
 * hops share (`.github/promotion/lib`), and per hop a small script that sets the
 * hop's configuration (source and destination environments, and per image its
 * paths, registries and tag rules) and sources the shared file by its path
 * relative to the hop script. A promotion copies one
 * image by digest with skopeo and guarantees:
 * - the source digest exists in the source environment (and, with the `tags`
 *   layout, the source environment's tag points at it), else it fails before
 *   touching the destination;
 * - every tag is checked at the destination first: an immutable tag that
 *   already points at another digest is refused, and then nothing is changed;
 * - the copy keeps the digest (`skopeo copy --all --preserve-digests`, every
 *   platform of a multi-arch index; skopeo 1.6 or later, checked);
 * - after the copy, each destination tag resolves to exactly the source digest
 *   (the sha256 of the raw manifest), else it fails;
 * - it prints what it did for each tag (created, moved from, already there).
 */
export class PromotionScript {
  /** The file name of the shared hop logic, written once into the library folder. */
  public static readonly LIBRARY_FILE_NAME: string = 'promote-image.sh';

  /** The file name of the scan gate (`scan-gate.sh`), written beside `promote-image.sh`, which runs it. */
  public static readonly GATE_FILE_NAME: string = 'scan-gate.sh';

  /** The default folder of the files every hop shares (`promote-image.sh`, `scan-gate.sh`, `build-tags.sh`). */
  public static readonly DEFAULT_LIBRARY_DIR: string = '.github/promotion/lib';

  /** The default folder of the scripts of a cloud. */
  public static defaultDir(plan: PromotionPlan): string {
    return `.github/promotion/${plan.cloud}`;
  }

  /**
   * The shared files, each once: `promote-image.sh` and `scan-gate.sh` (sourced and
   * run by the hop scripts) and `build-tags.sh` (run by the build job), the same for
   * every cloud and hop.
   *
   * @param libraryDir the folder they are written to, relative to the repository root
   */
  public static libraryFiles(libraryDir?: string): GeneratedFile[] {
    const dir = (libraryDir ?? PromotionScript.DEFAULT_LIBRARY_DIR).replace(/\/+$/, '');
    return [
      { path: `${dir}/${BuildTagsScript.FILE_NAME}`, content: BuildTagsScript.generate(), executable: true },
      { path: `${dir}/${PromotionScript.LIBRARY_FILE_NAME}`, content: PromotionScript.library(), executable: false },
      { path: `${dir}/${PromotionScript.GATE_FILE_NAME}`, content: PromotionScript.gate(), executable: false },
    ];
  }

  /** The shared hop logic (`promote-image.sh`), as shipped in the package. */
  public static library(): string {
    return readFileSync(join(__dirname, PromotionScript.LIBRARY_FILE_NAME), 'utf8');
  }

  /** The scan gate (`scan-gate.sh`), as shipped in the package. */
  public static gate(): string {
    return readFileSync(join(__dirname, PromotionScript.GATE_FILE_NAME), 'utf8');
  }

  /**
   * The script files of the plan: the shared files (`libraryFiles`, in the library
   * folder), then one script per hop in the cloud's folder.
   */
  public static files(plan: PromotionPlan, options: PromotionScriptOptions = {}): GeneratedFile[] {
    const dir = (options.scriptsDir ?? PromotionScript.defaultDir(plan)).replace(/\/+$/, '');
    return [
      ...PromotionScript.libraryFiles(options.libraryDir),
      ...plan.hops.map((hop) => ({
        path: `${dir}/${hop.scriptName}`,
        content: PromotionScript.forHop(plan, hop, options),
        executable: true,
      })),
    ];
  }

  /**
   * The path of the library folder relative to the scripts folder (`../lib`), as a
   * hop script finds it from its own location.
   */
  public static libraryPathFromScripts(plan: PromotionPlan, options: PromotionScriptOptions = {}): string {
    const scripts = (options.scriptsDir ?? PromotionScript.defaultDir(plan)).replace(/\/+$/, '');
    const library = (options.libraryDir ?? PromotionScript.DEFAULT_LIBRARY_DIR).replace(/\/+$/, '');
    return posix.relative(posix.normalize(scripts), posix.normalize(library)) || '.';
  }

  /**
   * The script of one hop: its configuration, then `. promote-image.sh` from the
   * library folder, found by its path relative to the hop script
   * (`"$(dirname -- "$0")/../lib/promote-image.sh"`; `files()` writes both).
   */
  public static forHop(plan: PromotionPlan, hop: PlannedHop, options: PromotionScriptOptions = {}): string {
    const lib = PromotionScript.libraryPathFromScripts(plan, options);
    const names = hop.images.map((i) => i.image);
    const q = shellQuote;
    const bake = (loc: ImageLocation) => (loc.registry.includes('${{') ? '' : loc.registry);
    // Hosts as the workflow that runs the script writes them (an ECR host's run-time URL suffix as ${{ env.AWS_URL_SUFFIX }}).
    const show = (text: string) => WorkflowVariables._shortenUrlSuffix(text);
    const needsBuildTags = hop.images.some((i) => i.carriesBuildTags);

    const imageArms = hop.images.map((i) => [
      `    ${q(i.image)})`,
      `      SOURCE_PATH=${q(i.source.repository)}`,
      `      DEST_PATH=${q(i.destination.repository)}`,
      `      DEFAULT_SOURCE_REGISTRY=${q(bake(i.source))}`,
      `      DEFAULT_DEST_REGISTRY=${q(bake(i.destination))}`,
      `      CARRIES_BUILD_TAGS=${i.carriesBuildTags}`,
      `      ENVIRONMENT_TAGS=${q(i.environmentTags.join(' '))}`,
      `      DEFAULT_REQUIRED_SOURCE_TAG=${q(i.requiredSourceTag ?? '')}`,
      `      IMMUTABLE=${i.tags.immutable}`,
      `      POLICY_MUTABLE_TAGS=${q(i.tags.mutableTags.join(' '))}`,
      `      GATE_THRESHOLD=${q(i.gate?.severityThreshold ?? '')}`,
      `      GATE_ALLOW=${q(i.gate?.allowedVulnerabilities.join(' ') ?? '')}`,
      '      ;;',
    ].join('\n'));

    const lines = [
      '#!/bin/sh',
      `# Promotes one image of registry "${plan.registryName}" from ${hop.sourceEnvironment} to ${hop.destinationEnvironment} on ${plan.cloud}, by digest, with skopeo.`,
      '# Generated by `container-registry promote-scripts` from the registry spec: regenerate it rather than edit it.',
      `# This file is the hop's configuration; the logic is in ${lib}/${PromotionScript.LIBRARY_FILE_NAME} (the same for every hop of every cloud).`,
      `# Usage: sh ${hop.scriptName} --image NAME --digest sha256:HEX [--tag TAG ...] [--dry-run]; --help lists every option.`,
      '#',
      '# Layout: ' + plan.layout + (needsBuildTags
        ? `: copies the digest from the ${hop.sourceEnvironment} repository to the ${hop.destinationEnvironment} repository with the build's tags.`
        : `: moves the "${hop.destinationEnvironment}" tag to the digest inside the same repository.`),
      '# Source -> destination per image:',
      ...hop.images.map((i) => `#   ${i.image}: ${show(i.source.registry)}/${i.source.repository} -> ${show(i.destination.registry)}/${i.destination.repository}`),
      '#',
      '# Credentials: skopeo login, REGISTRY_AUTH_FILE, --src-creds / --dest-creds, or --src-authfile / --dest-authfile.',
      `# (for shellcheck: the shared file is at ${lib} from this one; the registry help may show GitHub expressions, not shell ones)`,
      '# shellcheck source-path=SCRIPTDIR disable=SC2016',
      `HOP_REGISTRY=${q(plan.registryName)}`,
      `HOP_CLOUD=${q(plan.cloud)}`,
      `HOP_SOURCE=${q(hop.sourceEnvironment)}`,
      `HOP_DESTINATION=${q(hop.destinationEnvironment)}`,
      `HOP_IMAGES=${q(names.join(', '))}`,
      `HOP_SOURCE_REGISTRY_HELP=${q(show(hop.images[0]?.source.registry ?? ''))}`,
      `HOP_DEST_REGISTRY_HELP=${q(show(hop.images[0]?.destination.registry ?? ''))}`,
      `HOP_LIBRARY_DIR="$(dirname -- "$0")"/${q(lib)}`,
      '',
      '# hop_image NAME: sets the image\'s paths, registries and tag rules; fails for an image the hop does not promote.',
      'hop_image() {',
      '  case $1 in',
      ...imageArms,
      '    *) return 1 ;;',
      '  esac',
      '}',
      '',
      `# shellcheck source=${lib}/${PromotionScript.LIBRARY_FILE_NAME}`,
      `. "$HOP_LIBRARY_DIR/${PromotionScript.LIBRARY_FILE_NAME}"`,
      '',
    ];
    return lines.join('\n');
  }
}

/** Quotes a value for POSIX sh (single quotes). */
function shellQuote(value: string): string {
  return `'${value.replace(/'/g, '\'\\\'\'')}'`;
}
