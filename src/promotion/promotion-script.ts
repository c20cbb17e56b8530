import { ImageLocation, PlannedHop, PromotionPlan } from './promotion-plan';

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
}

/** One valued option of the script: `--name VALUE`, `--name=VALUE`, or the environment variable. */
interface ScriptOption {
  readonly flag: string;
  readonly variable: string;
  readonly help: string;
  /** Appends (space-separated) instead of replacing: `--tag a --tag b`. */
  readonly repeatable?: boolean;
}

const OPTIONS: ScriptOption[] = [
  { flag: 'image', variable: 'IMAGE', help: 'the image name in the spec (required)' },
  { flag: 'digest', variable: 'DIGEST', help: 'the digest to promote, sha256:<64 hex> (required)' },
  { flag: 'tag', variable: 'TAGS', help: 'a tag to set at the destination (repeatable; TAGS is space-separated)', repeatable: true },
  { flag: 'mutable-tag', variable: 'MUTABLE_TAGS', help: 'a tag pattern that may move, besides the spec\'s mutableTags (repeatable)', repeatable: true },
  { flag: 'source-registry', variable: 'SOURCE_REGISTRY', help: 'the source registry (host, plus the project on GCP)' },
  { flag: 'dest-registry', variable: 'DEST_REGISTRY', help: 'the destination registry' },
  { flag: 'source-ref', variable: 'SOURCE_REF', help: 'the full source repository reference (overrides registry + plan path)' },
  { flag: 'dest-ref', variable: 'DEST_REF', help: 'the full destination repository reference' },
  { flag: 'require-source-tag', variable: 'REQUIRE_SOURCE_TAG', help: 'a source tag that must point at the digest' },
  { flag: 'src-tls-verify', variable: 'SRC_TLS_VERIFY', help: 'true|false: passed to skopeo (false for a plain-HTTP test registry)' },
  { flag: 'dest-tls-verify', variable: 'DEST_TLS_VERIFY', help: 'true|false: passed to skopeo' },
  { flag: 'src-creds', variable: 'SRC_CREDS', help: 'USER:PASSWORD for the source (default: skopeo login / REGISTRY_AUTH_FILE)' },
  { flag: 'dest-creds', variable: 'DEST_CREDS', help: 'USER:PASSWORD for the destination' },
];

/**
 * Generates the POSIX shell promotion script of a hop. The script copies one
 * image by digest with skopeo and guarantees:
 * - the source digest exists in the source environment (and, with the `tags`
 *   layout, the source environment's tag points at it), else it fails before
 *   touching the destination;
 * - every tag is checked at the destination first: an immutable tag that
 *   already points at another digest is refused, and then nothing is changed;
 * - the copy keeps the digest (`skopeo copy --all --preserve-digests`, every
 *   platform of a multi-arch index);
 * - after the copy, each destination tag resolves to exactly the source digest
 *   (the sha256 of the raw manifest), else it fails;
 * - it prints what it did for each tag (created, moved from, already there).
 */
export class PromotionScript {
  /** The default folder of the scripts of a cloud. */
  public static defaultDir(plan: PromotionPlan): string {
    return `.github/promotion/${plan.cloud}`;
  }

  /** The script files of every hop of the plan. */
  public static files(plan: PromotionPlan, options: PromotionScriptOptions = {}): GeneratedFile[] {
    const dir = options.scriptsDir ?? PromotionScript.defaultDir(plan);
    return plan.hops.map((hop) => ({
      path: `${dir.replace(/\/+$/, '')}/${hop.scriptName}`,
      content: PromotionScript.forHop(plan, hop),
      executable: true,
    }));
  }

  /** The script text of one hop. */
  public static forHop(plan: PromotionPlan, hop: PlannedHop): string {
    const names = hop.images.map((i) => i.image);
    const q = shellQuote;
    const bake = (loc: ImageLocation) => (loc.registry.includes('${{') ? '' : loc.registry);
    const placeholderHelp = (loc: ImageLocation) => loc.registry;
    const needsBuildTags = hop.images.some((i) => i.carriesBuildTags);

    const optionArms = OPTIONS.flatMap((o) => {
      const assign = o.repeatable ? `${o.variable}="\${${o.variable}} $2"` : `${o.variable}=$2`;
      const assignInline = o.repeatable ? `${o.variable}="\${${o.variable}} \${1#*=}"` : `${o.variable}=\${1#*=}`;
      return [
        `    --${o.flag}) need_value "$@"; ${assign}; shift 2 ;;`,
        `    --${o.flag}=*) ${assignInline}; shift ;;`,
      ];
    });

    const imageArms = hop.images.map((i) => [
      `  ${q(i.image)})`,
      `    SOURCE_PATH=${q(i.source.repository)}`,
      `    DEST_PATH=${q(i.destination.repository)}`,
      `    DEFAULT_SOURCE_REGISTRY=${q(bake(i.source))}`,
      `    DEFAULT_DEST_REGISTRY=${q(bake(i.destination))}`,
      `    CARRIES_BUILD_TAGS=${i.carriesBuildTags}`,
      `    ENVIRONMENT_TAGS=${q(i.environmentTags.join(' '))}`,
      `    DEFAULT_REQUIRED_SOURCE_TAG=${q(i.requiredSourceTag ?? '')}`,
      `    IMMUTABLE=${i.tags.immutable}`,
      `    POLICY_MUTABLE_TAGS=${q(i.tags.mutableTags.join(' '))}`,
      '    ;;',
    ].join('\n'));

    const usageLines = OPTIONS.map((o) => `  --${o.flag.padEnd(20)} ${o.variable.padEnd(19)} ${o.help}`);
    const lines = [
      '#!/bin/sh',
      `# Promotes one image of registry "${plan.registryName}" from ${hop.sourceEnvironment} to ${hop.destinationEnvironment} on ${plan.cloud}, by digest, with skopeo.`,
      '# Generated by `container-registry promote-scripts` from the registry spec: regenerate it rather than edit it.',
      '#',
      '# Layout: ' + plan.layout + (needsBuildTags
        ? `: copies the digest from the ${hop.sourceEnvironment} repository to the ${hop.destinationEnvironment} repository with the build's tags.`
        : `: moves the "${hop.destinationEnvironment}" tag to the digest inside the same repository.`),
      '# Source -> destination per image:',
      ...hop.images.map((i) => `#   ${i.image}: ${placeholderHelp(i.source)}/${i.source.repository} -> ${i.destination.registry}/${i.destination.repository}`),
      '#',
      '# Guarantees: the source digest must exist (and, with the tags layout, the source environment tag must point',
      '# at it); every destination tag is checked before anything is copied, and an immutable tag that already',
      '# points at another digest is refused with nothing changed; the copy preserves digests (--all copies every',
      '# platform of an index); after the copy each destination tag must resolve to the source digest.',
      '#',
      '# Credentials: skopeo login, REGISTRY_AUTH_FILE, or --src-creds / --dest-creds.',
      'set -euf',
      '',
      'PROG=$(basename "$0")',
      'usage() {',
      '  cat <<\'EOF\'',
      `usage: ${hop.scriptName} --image NAME --digest sha256:HEX [options]`,
      '',
      'options (each may also be given as the environment variable shown):',
      ...usageLines,
      '  --dry-run            DRY_RUN=true       check and print the plan, change nothing',
      '',
      `images: ${names.join(', ')}`,
      'EOF',
      '}',
      'die() {',
      '  printf \'%s: error: %s\\n\' "$PROG" "$*" >&2',
      '  exit 1',
      '}',
      'say() {',
      '  printf \'%s: %s\\n\' "$PROG" "$*"',
      '}',
      'need_value() {',
      '  [ $# -ge 2 ] || die "option $1 needs a value"',
      '}',
      '',
      ...OPTIONS.map((o) => `${o.variable}=\${${o.variable}:-}`),
      'DRY_RUN=${DRY_RUN:-false}',
      '',
      'while [ $# -gt 0 ]; do',
      '  case $1 in',
      ...optionArms,
      '    --dry-run) DRY_RUN=true; shift ;;',
      '    -h|--help) usage; exit 0 ;;',
      '    *) usage >&2; die "unknown argument: $1" ;;',
      '  esac',
      'done',
      '',
      'case $IMAGE in',
      ...imageArms,
      `  '') die "no image given: use --image NAME or IMAGE (images: ${names.join(', ')})" ;;`,
      `  *) die "unknown image \\"$IMAGE\\" (images: ${names.join(', ')})" ;;`,
      'esac',
      '',
      'case $DIGEST in',
      '  sha256:*) ;;',
      '  \'\') die "no digest given: use --digest sha256:<64 hex> or DIGEST" ;;',
      '  *) die "digest \\"$DIGEST\\" is not a sha256 digest (sha256:<64 lower-case hex>)" ;;',
      'esac',
      'printf \'%s\\n\' "${DIGEST#sha256:}" | grep -Eq \'^[0-9a-f]{64}$\' || die "digest \\"$DIGEST\\" is not a sha256 digest (sha256:<64 lower-case hex>)"',
      'for value in "$SRC_TLS_VERIFY" "$DEST_TLS_VERIFY"; do',
      '  case $value in true|false|\'\') ;; *) die "tls-verify must be true or false, not \\"$value\\"" ;; esac',
      'done',
      'SRC_TLS_VERIFY=${SRC_TLS_VERIFY:-true}',
      'DEST_TLS_VERIFY=${DEST_TLS_VERIFY:-true}',
      '',
      'SOURCE_REGISTRY=${SOURCE_REGISTRY:-$DEFAULT_SOURCE_REGISTRY}',
      'DEST_REGISTRY=${DEST_REGISTRY:-$DEFAULT_DEST_REGISTRY}',
      'if [ -z "$SOURCE_REF" ]; then',
      `  [ -n "$SOURCE_REGISTRY" ] || die "SOURCE_REGISTRY is not set: the source registry (${hop.images[0] ? placeholderHelp(hop.images[0].source).replace(/\$/g, '\\$') : ''})"`,
      '  SOURCE_REF=$SOURCE_REGISTRY/$SOURCE_PATH',
      'fi',
      'if [ -z "$DEST_REF" ]; then',
      `  [ -n "$DEST_REGISTRY" ] || die "DEST_REGISTRY is not set: the destination registry (${hop.images[0] ? placeholderHelp(hop.images[0].destination).replace(/\$/g, '\\$') : ''})"`,
      '  DEST_REF=$DEST_REGISTRY/$DEST_PATH',
      'fi',
      'REQUIRE_SOURCE_TAG=${REQUIRE_SOURCE_TAG:-$DEFAULT_REQUIRED_SOURCE_TAG}',
      'if [ "$CARRIES_BUILD_TAGS" = true ] && [ -z "$(printf \'%s\' "$TAGS" | tr -d \' \')" ]; then',
      `  die "no tags given: pass the build's tags with --tag or TAGS (the ${hop.destinationEnvironment} repository receives the same tags as ${hop.sourceEnvironment})"`,
      'fi',
      'TAGS="$ENVIRONMENT_TAGS $TAGS"',
      'for tag in $TAGS; do',
      '  printf \'%s\\n\' "$tag" | grep -Eq \'^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$\' || die "\\"$tag\\" is not a valid tag (letters, digits, _ . -; at most 128)"',
      'done',
      '',
      'WORK=$(mktemp -d)',
      'trap \'rm -rf "$WORK"\' EXIT',
      '',
      '# is_mutable TAG: whether TAG may move to another digest.',
      'is_mutable() {',
      '  [ "$IMMUTABLE" = false ] && return 0',
      '  for pattern in $POLICY_MUTABLE_TAGS $MUTABLE_TAGS; do',
      '    # shellcheck disable=SC2254 # the pattern is a glob on purpose (globbing of file names is off: set -f)',
      '    case $1 in $pattern) return 0 ;; esac',
      '  done',
      '  return 1',
      '}',
      '',
      '# resolve src|dest REF: sets RESOLVED to the sha256 of REF\'s raw manifest, or to "" when REF does not exist.',
      'resolve() {',
      '  side=$1',
      '  ref=$2',
      '  set -- inspect --raw',
      '  if [ "$side" = src ]; then',
      '    set -- "$@" --tls-verify="$SRC_TLS_VERIFY"',
      '    [ -z "$SRC_CREDS" ] || set -- "$@" --creds="$SRC_CREDS"',
      '  else',
      '    set -- "$@" --tls-verify="$DEST_TLS_VERIFY"',
      '    [ -z "$DEST_CREDS" ] || set -- "$@" --creds="$DEST_CREDS"',
      '  fi',
      '  if skopeo "$@" "docker://$ref" >"$WORK/manifest" 2>"$WORK/error" </dev/null; then',
      '    RESOLVED=sha256:$(sha256sum <"$WORK/manifest" | cut -d \' \' -f 1)',
      '  elif grep -Eqi \'manifest unknown|name unknown|not found\' "$WORK/error"; then',
      '    RESOLVED=',
      '  else',
      '    die "cannot read $ref: $(tr \'\\n\' \' \' <"$WORK/error")"',
      '  fi',
      '}',
      '',
      '# copy TAG: copies the source digest to the destination tag, keeping every digest.',
      'copy() {',
      '  set -- copy --all --preserve-digests --src-tls-verify="$SRC_TLS_VERIFY" --dest-tls-verify="$DEST_TLS_VERIFY"',
      '  [ -z "$SRC_CREDS" ] || set -- "$@" --src-creds="$SRC_CREDS"',
      '  [ -z "$DEST_CREDS" ] || set -- "$@" --dest-creds="$DEST_CREDS"',
      '  skopeo "$@" "docker://$SOURCE_REF@$DIGEST" "docker://$DEST_REF:$tag" </dev/null >"$WORK/copy" 2>&1 ||',
      '    die "skopeo copy to $DEST_REF:$tag failed: $(tr \'\\n\' \' \' <"$WORK/copy")"',
      '}',
      '',
      `say "$IMAGE: $SOURCE_REF@$DIGEST (${hop.sourceEnvironment}) -> $DEST_REF (${hop.destinationEnvironment})"`,
      'resolve src "$SOURCE_REF@$DIGEST"',
      `[ -n "$RESOLVED" ] || die "source image $SOURCE_REF@$DIGEST does not exist: nothing to promote (was it pushed to ${hop.sourceEnvironment}?)"`,
      '[ "$RESOLVED" = "$DIGEST" ] || die "the source returned a manifest whose digest is $RESOLVED, not $DIGEST"',
      'if [ -n "$REQUIRE_SOURCE_TAG" ]; then',
      '  resolve src "$SOURCE_REF:$REQUIRE_SOURCE_TAG"',
      '  [ "$RESOLVED" = "$DIGEST" ] ||',
      `    die "$SOURCE_REF:$REQUIRE_SOURCE_TAG points at \${RESOLVED:-nothing}, not $DIGEST: only the digest that is in ${hop.sourceEnvironment} can be promoted"`,
      'fi',
      '',
      '# Check every tag before changing anything.',
      ': >"$WORK/plan"',
      'REFUSED=',
      'SEEN=',
      'for tag in $TAGS; do',
      '  case " $SEEN " in *" $tag "*) continue ;; esac',
      '  SEEN="$SEEN $tag"',
      '  resolve dest "$DEST_REF:$tag"',
      '  if [ -z "$RESOLVED" ]; then',
      '    echo "$tag created" >>"$WORK/plan"',
      '  elif [ "$RESOLVED" = "$DIGEST" ]; then',
      '    echo "$tag already-there" >>"$WORK/plan"',
      '  elif is_mutable "$tag"; then',
      '    echo "$tag moved-from-$RESOLVED" >>"$WORK/plan"',
      '  else',
      '    REFUSED="$REFUSED $DEST_REF:$tag (points at $RESOLVED)"',
      '  fi',
      'done',
      'if [ -n "$REFUSED" ]; then',
      '  die "refusing to promote $DIGEST: immutable tag(s) already point at another digest:$REFUSED; nothing was changed at the destination"',
      'fi',
      'if [ "$DRY_RUN" = true ]; then',
      '  while read -r tag action; do say "dry run: $DEST_REF:$tag would be $action"; done <"$WORK/plan"',
      '  exit 0',
      'fi',
      '',
      'while read -r tag action; do',
      '  [ "$action" = already-there ] || copy',
      '  resolve dest "$DEST_REF:$tag"',
      '  [ "$RESOLVED" = "$DIGEST" ] || die "verification failed: $DEST_REF:$tag resolves to ${RESOLVED:-nothing}, not $DIGEST"',
      '  say "$DEST_REF:$tag -> $DIGEST ($(echo "$action" | tr \'-\' \' \'))"',
      '  if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then',
      '    printf \'%s\\n\' "- \\`$DEST_REF:$tag\\` -> \\`$DIGEST\\` ($action)" >>"$GITHUB_STEP_SUMMARY"',
      '  fi',
      'done <"$WORK/plan"',
      `say "promoted $IMAGE ${hop.sourceEnvironment} -> ${hop.destinationEnvironment}: $DEST_REF@$DIGEST, verified"`,
      '',
    ];
    return lines.join('\n');
  }
}

/** Quotes a value for POSIX sh (single quotes). */
function shellQuote(value: string): string {
  return `'${value.replace(/'/g, '\'\\\'\'')}'`;
}
