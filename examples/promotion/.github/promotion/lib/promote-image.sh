# shellcheck shell=sh
# Promotes one image by digest with skopeo: the logic every hop script shares.
# Shipped with container-registry-constructs and written once, for every cloud
# and hop, into the library folder (.github/promotion/lib) by
# `container-registry promote-scripts`. Do not run it directly: each
# hop script (promote-<source>-to-<destination>.sh) sets its configuration
# (HOP_* variables and the hop_image function) and sources this file.
#
# Guarantees: the source digest must exist (and, with the tags layout, the
# source environment tag must point at it); every destination tag is checked
# before anything is copied, and an immutable tag that already points at another
# digest is refused with nothing changed; the copy preserves digests (--all
# copies every platform of an index); after the copy each destination tag must
# resolve to the source digest.
#
# Signatures (cosign, the tag-based scheme: <repository>:sha256-<hex>.sig): with
# --verify-identity (keyless: cosign verify against the build workflow's GitHub
# OIDC identity) or --verify-key (a public key: each signature of the .sig
# manifest is checked with openssl), the signature is verified at the source
# before anything is copied (an unsigned digest, or one signed by another identity
# or key, is refused with nothing changed), the copy takes the .sig attachments
# with the image (registries.d use-sigstore-attachments), and the signature is
# verified again at the destination. --no-verify skips this, and says so.
#
# Needs: skopeo 1.6 or later (--preserve-digests), and sha256sum, shasum or openssl;
# with --verify-key also openssl and jq; with --verify-identity, cosign; for the
# scan gate jq (and curl on Harbor).
#
# Credentials: skopeo login (or REGISTRY_AUTH_FILE), --src-creds / --dest-creds,
# or --src-authfile / --dest-authfile: one auth file per side, for a host whose
# source and destination need different credentials (Harbor's project robots).
set -euf

PROG=$(basename -- "$0")
die() {
  printf '%s: error: %s\n' "$PROG" "$*" >&2
  exit 1
}
say() {
  printf '%s: %s\n' "$PROG" "$*"
}
need_value() {
  [ $# -ge 2 ] || die "option $1 needs a value"
}
# A single-valued option given twice is refused: the second would silently win (--digest A ... --digest B).
SEEN_OPTIONS=' '
once() {
  case $SEEN_OPTIONS in
    *" $1 "*) die "option $1 is given twice; give it once" ;;
  esac
  SEEN_OPTIONS="$SEEN_OPTIONS$1 "
}

if [ -z "${HOP_SOURCE:-}" ] || [ -z "${HOP_DESTINATION:-}" ] || ! command -v hop_image >/dev/null 2>&1; then
  die "promote-image.sh is shared by the hop scripts: run a hop script (promote-<source>-to-<destination>.sh) instead"
fi

usage() {
  cat <<EOF
usage: $PROG --image NAME --digest sha256:HEX [options]

Promotes one image of registry "$HOP_REGISTRY" from $HOP_SOURCE to $HOP_DESTINATION on $HOP_CLOUD, by digest.

options (each may also be given as the environment variable shown):
  --image                IMAGE              the image name in the spec (required)
  --digest               DIGEST             the digest to promote, sha256:<64 hex> (required)
  --tag                  TAGS               a tag to set at the destination (repeatable; TAGS is space-separated)
  --mutable-tag          MUTABLE_TAGS       a tag pattern that may move, besides the spec's mutableTags (repeatable)
  --source-registry      SOURCE_REGISTRY    the source registry (host, plus the project on GCP)
  --dest-registry        DEST_REGISTRY      the destination registry
  --source-ref           SOURCE_REF         the full source repository reference (overrides registry + plan path)
  --dest-ref             DEST_REF           the full destination repository reference
  --require-source-tag   REQUIRE_SOURCE_TAG a source tag that must point at the digest
  --src-tls-verify       SRC_TLS_VERIFY     true|false: passed to skopeo (false for a plain-HTTP test registry)
  --dest-tls-verify      DEST_TLS_VERIFY    true|false: passed to skopeo
  --src-creds            SRC_CREDS          USER:PASSWORD for the source (default: skopeo login / REGISTRY_AUTH_FILE)
  --dest-creds           DEST_CREDS         USER:PASSWORD for the destination
  --src-authfile         SRC_AUTHFILE       the auth file (skopeo login --authfile) for the source, when the source and
                                            the destination need different credentials on one host (Harbor's project robots)
  --dest-authfile        DEST_AUTHFILE      the auth file for the destination
  --dry-run              DRY_RUN=true       check and print the plan, change nothing
  --verify-identity      VERIFY_IDENTITY    keyless: the certificate identity the signature must have (cosign verify)
  --verify-issuer        VERIFY_ISSUER      keyless: the OIDC issuer (default https://token.actions.githubusercontent.com)
  --verify-key           VERIFY_KEY         a PEM public key the signature must verify with (openssl)
  --no-verify            VERIFY=none        do not verify signatures (not for protected environments)
  --scan-findings        SCAN_FINDINGS      the scan gate decides on this saved CLI output instead of asking the cloud
  --scan-wait-seconds    SCAN_WAIT_SECONDS  how long the scan gate waits for a pending scan (default 600)

images: $HOP_IMAGES
EOF
}

IMAGE=${IMAGE:-}
DIGEST=${DIGEST:-}
TAGS=${TAGS:-}
MUTABLE_TAGS=${MUTABLE_TAGS:-}
SOURCE_REGISTRY=${SOURCE_REGISTRY:-}
DEST_REGISTRY=${DEST_REGISTRY:-}
SOURCE_REF=${SOURCE_REF:-}
DEST_REF=${DEST_REF:-}
REQUIRE_SOURCE_TAG=${REQUIRE_SOURCE_TAG:-}
SRC_TLS_VERIFY=${SRC_TLS_VERIFY:-}
DEST_TLS_VERIFY=${DEST_TLS_VERIFY:-}
SRC_CREDS=${SRC_CREDS:-}
DEST_CREDS=${DEST_CREDS:-}
SRC_AUTHFILE=${SRC_AUTHFILE:-}
DEST_AUTHFILE=${DEST_AUTHFILE:-}
DRY_RUN=${DRY_RUN:-false}
VERIFY_IDENTITY=${VERIFY_IDENTITY:-}
VERIFY_ISSUER=${VERIFY_ISSUER:-https://token.actions.githubusercontent.com}
VERIFY_KEY=${VERIFY_KEY:-}
VERIFY=${VERIFY:-}
SCAN_FINDINGS=${SCAN_FINDINGS:-}
SCAN_WAIT_SECONDS=${SCAN_WAIT_SECONDS:-600}

while [ $# -gt 0 ]; do
  case $1 in
    --image) need_value "$@"; once --image; IMAGE=$2; shift 2 ;;
    --image=*) once --image; IMAGE=${1#*=}; shift ;;
    --digest) need_value "$@"; once --digest; DIGEST=$2; shift 2 ;;
    --digest=*) once --digest; DIGEST=${1#*=}; shift ;;
    --tag) need_value "$@"; TAGS="${TAGS} $2"; shift 2 ;;
    --tag=*) TAGS="${TAGS} ${1#*=}"; shift ;;
    --mutable-tag) need_value "$@"; MUTABLE_TAGS="${MUTABLE_TAGS} $2"; shift 2 ;;
    --mutable-tag=*) MUTABLE_TAGS="${MUTABLE_TAGS} ${1#*=}"; shift ;;
    --source-registry) need_value "$@"; once --source-registry; SOURCE_REGISTRY=$2; shift 2 ;;
    --source-registry=*) once --source-registry; SOURCE_REGISTRY=${1#*=}; shift ;;
    --dest-registry) need_value "$@"; once --dest-registry; DEST_REGISTRY=$2; shift 2 ;;
    --dest-registry=*) once --dest-registry; DEST_REGISTRY=${1#*=}; shift ;;
    --source-ref) need_value "$@"; once --source-ref; SOURCE_REF=$2; shift 2 ;;
    --source-ref=*) once --source-ref; SOURCE_REF=${1#*=}; shift ;;
    --dest-ref) need_value "$@"; once --dest-ref; DEST_REF=$2; shift 2 ;;
    --dest-ref=*) once --dest-ref; DEST_REF=${1#*=}; shift ;;
    --require-source-tag) need_value "$@"; once --require-source-tag; REQUIRE_SOURCE_TAG=$2; shift 2 ;;
    --require-source-tag=*) once --require-source-tag; REQUIRE_SOURCE_TAG=${1#*=}; shift ;;
    --src-tls-verify) need_value "$@"; once --src-tls-verify; SRC_TLS_VERIFY=$2; shift 2 ;;
    --src-tls-verify=*) once --src-tls-verify; SRC_TLS_VERIFY=${1#*=}; shift ;;
    --dest-tls-verify) need_value "$@"; once --dest-tls-verify; DEST_TLS_VERIFY=$2; shift 2 ;;
    --dest-tls-verify=*) once --dest-tls-verify; DEST_TLS_VERIFY=${1#*=}; shift ;;
    --src-creds) need_value "$@"; once --src-creds; SRC_CREDS=$2; shift 2 ;;
    --src-creds=*) once --src-creds; SRC_CREDS=${1#*=}; shift ;;
    --dest-creds) need_value "$@"; once --dest-creds; DEST_CREDS=$2; shift 2 ;;
    --dest-creds=*) once --dest-creds; DEST_CREDS=${1#*=}; shift ;;
    --src-authfile) need_value "$@"; once --src-authfile; SRC_AUTHFILE=$2; shift 2 ;;
    --src-authfile=*) once --src-authfile; SRC_AUTHFILE=${1#*=}; shift ;;
    --dest-authfile) need_value "$@"; once --dest-authfile; DEST_AUTHFILE=$2; shift 2 ;;
    --dest-authfile=*) once --dest-authfile; DEST_AUTHFILE=${1#*=}; shift ;;
    --dry-run) once --dry-run; DRY_RUN=true; shift ;;
    --verify-identity) need_value "$@"; once --verify-identity; VERIFY_IDENTITY=$2; shift 2 ;;
    --verify-identity=*) once --verify-identity; VERIFY_IDENTITY=${1#*=}; shift ;;
    --verify-issuer) need_value "$@"; once --verify-issuer; VERIFY_ISSUER=$2; shift 2 ;;
    --verify-issuer=*) once --verify-issuer; VERIFY_ISSUER=${1#*=}; shift ;;
    --verify-key) need_value "$@"; once --verify-key; VERIFY_KEY=$2; shift 2 ;;
    --verify-key=*) once --verify-key; VERIFY_KEY=${1#*=}; shift ;;
    --no-verify) once --no-verify; VERIFY=none; shift ;;
    --scan-findings) need_value "$@"; once --scan-findings; SCAN_FINDINGS=$2; shift 2 ;;
    --scan-findings=*) once --scan-findings; SCAN_FINDINGS=${1#*=}; shift ;;
    --scan-wait-seconds) need_value "$@"; once --scan-wait-seconds; SCAN_WAIT_SECONDS=$2; shift 2 ;;
    --scan-wait-seconds=*) once --scan-wait-seconds; SCAN_WAIT_SECONDS=${1#*=}; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument: $1" ;;
  esac
done

[ -n "$IMAGE" ] || die "no image given: use --image NAME or IMAGE (images: $HOP_IMAGES)"
hop_image "$IMAGE" || die "unknown image \"$IMAGE\" (images: $HOP_IMAGES)"

case $DIGEST in
  sha256:*) ;;
  '') die "no digest given: use --digest sha256:<64 hex> or DIGEST" ;;
  *) die "digest \"$DIGEST\" is not a sha256 digest (sha256:<64 lower-case hex>)" ;;
esac
printf '%s\n' "${DIGEST#sha256:}" | grep -Eq '^[0-9a-f]{64}$' || die "digest \"$DIGEST\" is not a sha256 digest (sha256:<64 lower-case hex>)"
for value in "$SRC_TLS_VERIFY" "$DEST_TLS_VERIFY"; do
  case $value in true|false|'') ;; *) die "tls-verify must be true or false, not \"$value\"" ;; esac
done
SRC_TLS_VERIFY=${SRC_TLS_VERIFY:-true}
DEST_TLS_VERIFY=${DEST_TLS_VERIFY:-true}
[ -z "$SRC_AUTHFILE" ] || [ -z "$SRC_CREDS" ] || die "give either --src-creds or --src-authfile, not both"
[ -z "$DEST_AUTHFILE" ] || [ -z "$DEST_CREDS" ] || die "give either --dest-creds or --dest-authfile, not both"
for file in "$SRC_AUTHFILE" "$DEST_AUTHFILE"; do
  [ -z "$file" ] || [ -r "$file" ] || die "cannot read the auth file $file (--src-authfile / --dest-authfile): log in with skopeo login --authfile first"
done

SOURCE_REGISTRY=${SOURCE_REGISTRY:-$DEFAULT_SOURCE_REGISTRY}
DEST_REGISTRY=${DEST_REGISTRY:-$DEFAULT_DEST_REGISTRY}
if [ -z "$SOURCE_REF" ]; then
  [ -n "$SOURCE_REGISTRY" ] || die "SOURCE_REGISTRY is not set: the source registry ($HOP_SOURCE_REGISTRY_HELP)"
  SOURCE_REF=$SOURCE_REGISTRY/$SOURCE_PATH
fi
if [ -z "$DEST_REF" ]; then
  [ -n "$DEST_REGISTRY" ] || die "DEST_REGISTRY is not set: the destination registry ($HOP_DEST_REGISTRY_HELP)"
  DEST_REF=$DEST_REGISTRY/$DEST_PATH
fi
REQUIRE_SOURCE_TAG=${REQUIRE_SOURCE_TAG:-$DEFAULT_REQUIRED_SOURCE_TAG}
if [ "$CARRIES_BUILD_TAGS" = true ] && [ -z "$(printf '%s' "$TAGS" | tr -d ' ')" ]; then
  die "no tags given: pass the build's tags with --tag or TAGS (the $HOP_DESTINATION repository receives the same tags as $HOP_SOURCE)"
fi
TAGS="$ENVIRONMENT_TAGS $TAGS"
for tag in $TAGS; do
  printf '%s\n' "$tag" | grep -Eq '^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$' || die "\"$tag\" is not a valid tag (letters, digits, _ . -; at most 128)"
done
case $VERIFY in
  none)
    [ -z "$VERIFY_IDENTITY$VERIFY_KEY" ] || die "--no-verify cannot be combined with --verify-identity or --verify-key" ;;
  '')
    if [ -n "$VERIFY_IDENTITY" ] && [ -n "$VERIFY_KEY" ]; then
      die "give either --verify-identity (keyless) or --verify-key, not both"
    elif [ -n "$VERIFY_IDENTITY" ]; then
      VERIFY=identity
    elif [ -n "$VERIFY_KEY" ]; then
      VERIFY=key
      [ -r "$VERIFY_KEY" ] || die "cannot read the public key $VERIFY_KEY (--verify-key)"
    else
      die "no signature verification given: use --verify-identity IDENTITY (keyless, as the workflow does) or --verify-key FILE; --no-verify promotes without checking signatures"
    fi ;;
  *) die "VERIFY must be none or empty, not \"$VERIFY\"" ;;
esac

# The tools, checked before any registry is touched.
command -v skopeo >/dev/null 2>&1 || die "skopeo is not installed: it copies the image (version 1.6 or later)"
SKOPEO_VERSION=$(skopeo --version 2>/dev/null | sed -n 's/^skopeo version \([0-9][0-9]*\)\.\([0-9][0-9]*\).*/\1 \2/p')
# shellcheck disable=SC2086 # two numbers, split on purpose
set -- $SKOPEO_VERSION
if [ $# -eq 2 ] && { [ "$1" -lt 1 ] || { [ "$1" -eq 1 ] && [ "$2" -lt 6 ]; }; }; then
  die "skopeo $1.$2 is too old: --preserve-digests needs 1.6 or later (Ubuntu 22.04 ships 1.4; use ubuntu-24.04 or install a newer skopeo)"
fi
if command -v sha256sum >/dev/null 2>&1; then
  sha256() { sha256sum | cut -d ' ' -f 1; }
elif command -v shasum >/dev/null 2>&1; then
  sha256() { shasum -a 256 | cut -d ' ' -f 1; }
elif command -v openssl >/dev/null 2>&1; then
  sha256() { openssl dgst -sha256 -r | cut -d ' ' -f 1; }
else
  die "no SHA-256 tool: install sha256sum (GNU coreutils), shasum (Perl) or openssl; the digest of every manifest is checked"
fi
case $VERIFY in
  identity) command -v cosign >/dev/null 2>&1 || die "cosign is not installed: it verifies the keyless signature (--verify-identity)" ;;
  key)
    for tool in openssl jq base64; do
      command -v "$tool" >/dev/null 2>&1 || die "$tool is not installed: it verifies the signature (--verify-key)"
    done ;;
esac

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
# skopeo's own configuration for this run: the signatures are checked by
# verify_signature, so the copy accepts anything, and it reads and writes the
# cosign tag-based attachments (sha256-<hex>.sig), so they travel with the image
# (containers-registries.d(5): use-sigstore-attachments).
mkdir "$WORK/registries.d"
printf '%s\n' 'default-docker:' '  use-sigstore-attachments: true' >"$WORK/registries.d/default.yaml"
printf '%s\n' '{"default":[{"type":"insecureAcceptAnything"}]}' >"$WORK/policy.json"
sk() { skopeo --policy="$WORK/policy.json" --registries.d="$WORK/registries.d" "$@"; }

# is_mutable TAG: whether TAG may move to another digest.
is_mutable() {
  [ "$IMMUTABLE" = false ] && return 0
  for pattern in $POLICY_MUTABLE_TAGS $MUTABLE_TAGS; do
    # shellcheck disable=SC2254 # the pattern is a glob on purpose (globbing of file names is off: set -f)
    case $1 in $pattern) return 0 ;; esac
  done
  return 1
}

# resolve src|dest REF: sets RESOLVED to the sha256 of REF's raw manifest, or to "" when REF does not exist.
resolve() {
  side=$1
  ref=$2
  set -- inspect --raw
  if [ "$side" = src ]; then
    set -- "$@" --tls-verify="$SRC_TLS_VERIFY"
    [ -z "$SRC_CREDS" ] || set -- "$@" --creds="$SRC_CREDS"
    [ -z "$SRC_AUTHFILE" ] || set -- "$@" --authfile="$SRC_AUTHFILE"
  else
    set -- "$@" --tls-verify="$DEST_TLS_VERIFY"
    [ -z "$DEST_CREDS" ] || set -- "$@" --creds="$DEST_CREDS"
    [ -z "$DEST_AUTHFILE" ] || set -- "$@" --authfile="$DEST_AUTHFILE"
  fi
  if sk "$@" "docker://$ref" >"$WORK/manifest" 2>"$WORK/error" </dev/null; then
    RESOLVED=sha256:$(sha256 <"$WORK/manifest")
  elif grep -Eqi 'manifest unknown|name unknown|not found' "$WORK/error"; then
    RESOLVED=
  else
    die "cannot read $ref: $(tr '\n' ' ' <"$WORK/error")"
  fi
}

# copy TAG: copies the source digest to the destination tag, keeping every digest.
copy() {
  set -- copy --all --preserve-digests --src-tls-verify="$SRC_TLS_VERIFY" --dest-tls-verify="$DEST_TLS_VERIFY"
  [ -z "$SRC_CREDS" ] || set -- "$@" --src-creds="$SRC_CREDS"
  [ -z "$DEST_CREDS" ] || set -- "$@" --dest-creds="$DEST_CREDS"
  [ -z "$SRC_AUTHFILE" ] || set -- "$@" --src-authfile="$SRC_AUTHFILE"
  [ -z "$DEST_AUTHFILE" ] || set -- "$@" --dest-authfile="$DEST_AUTHFILE"
  sk "$@" "docker://$SOURCE_REF@$DIGEST" "docker://$DEST_REF:$tag" </dev/null >"$WORK/copy" 2>&1 ||
    die "skopeo copy to $DEST_REF:$tag failed: $(tr '\n' ' ' <"$WORK/copy")"
}

# verify_signature src|dest REPOSITORY: sets SIGNATURE_PROBLEM to "" when a
# signature of REPOSITORY@DIGEST is valid for the expected identity or key, else
# to why not.
verify_signature() {
  side=$1
  repository=$2
  SIGNATURE_PROBLEM=
  if [ "$VERIFY" = identity ]; then
    # Keyless: the certificate must name the build workflow and be issued by GitHub's OIDC issuer (Fulcio, Rekor).
    # --new-bundle-format=false: the signature the build wrote in the tag-based scheme, which the hops copy.
    # cosign reads Docker's config.json from $DOCKER_CONFIG: with a per-side auth file (same JSON shape,
    # containers-auth.json(5)), it reads that side's credentials.
    if [ "$side" = src ]; then authfile=$SRC_AUTHFILE; else authfile=$DEST_AUTHFILE; fi
    if [ -n "$authfile" ]; then
      mkdir -p "$WORK/docker-$side"
      cp "$authfile" "$WORK/docker-$side/config.json"
      DOCKER_CONFIG="$WORK/docker-$side" cosign verify --new-bundle-format=false --certificate-identity "$VERIFY_IDENTITY" --certificate-oidc-issuer "$VERIFY_ISSUER" \
        "$repository@$DIGEST" >"$WORK/cosign" 2>&1 </dev/null ||
        SIGNATURE_PROBLEM="cosign verify found no signature by $VERIFY_IDENTITY ($VERIFY_ISSUER): $(tr '\n' ' ' <"$WORK/cosign")"
      return 0
    fi
    cosign verify --new-bundle-format=false --certificate-identity "$VERIFY_IDENTITY" --certificate-oidc-issuer "$VERIFY_ISSUER" \
      "$repository@$DIGEST" >"$WORK/cosign" 2>&1 </dev/null ||
      SIGNATURE_PROBLEM="cosign verify found no signature by $VERIFY_IDENTITY ($VERIFY_ISSUER): $(tr '\n' ' ' <"$WORK/cosign")"
    return 0
  fi
  # With a key: the cosign tag-based scheme. The .sig manifest's layers are the
  # signed payloads ("simple signing" JSON naming the digest), each with its
  # base64 ECDSA signature in the dev.cosignproject.cosign/signature annotation.
  sig_tag=$(printf '%s' "$DIGEST" | tr ':' '-').sig
  set -- copy
  if [ "$side" = src ]; then
    set -- "$@" --src-tls-verify="$SRC_TLS_VERIFY"
    [ -z "$SRC_CREDS" ] || set -- "$@" --src-creds="$SRC_CREDS"
    [ -z "$SRC_AUTHFILE" ] || set -- "$@" --src-authfile="$SRC_AUTHFILE"
  else
    set -- "$@" --src-tls-verify="$DEST_TLS_VERIFY"
    [ -z "$DEST_CREDS" ] || set -- "$@" --src-creds="$DEST_CREDS"
    [ -z "$DEST_AUTHFILE" ] || set -- "$@" --src-authfile="$DEST_AUTHFILE"
  fi
  rm -rf "$WORK/sig"
  if ! sk "$@" "docker://$repository:$sig_tag" "dir:$WORK/sig" >"$WORK/error" 2>&1 </dev/null; then
    if grep -Eqi 'manifest unknown|name unknown|not found' "$WORK/error"; then
      SIGNATURE_PROBLEM="$DIGEST is not signed (no $repository:$sig_tag)"
    else
      die "cannot read the signature $repository:$sig_tag: $(tr '\n' ' ' <"$WORK/error")"
    fi
    return 0
  fi
  jq -r '.layers[]? | select(.mediaType == "application/vnd.dev.cosign.simplesigning.v1+json")
    | [.digest, (.annotations["dev.cosignproject.cosign/signature"] // "-")] | @tsv' "$WORK/sig/manifest.json" >"$WORK/signatures" ||
    die "the signature manifest $repository:$sig_tag is not JSON"
  reasons=
  while IFS="$(printf '\t')" read -r layer signature; do
    payload=$WORK/sig/${layer#sha256:}
    if [ ! -f "$payload" ] || [ "sha256:$(sha256 <"$payload")" != "$layer" ]; then
      reasons="$reasons; a payload does not match its digest $layer"
      continue
    fi
    printf '%s' "$signature" | base64 -d >"$WORK/signature.der" 2>/dev/null || {
      reasons="$reasons; a signature is not base64"
      continue
    }
    if ! openssl dgst -sha256 -verify "$VERIFY_KEY" -signature "$WORK/signature.der" "$payload" >/dev/null 2>&1; then
      reasons="$reasons; a signature does not verify with $VERIFY_KEY"
      continue
    fi
    signed=$(jq -r 'if .critical.type == "cosign container image signature" then .critical.image["docker-manifest-digest"] else "" end' "$payload" 2>/dev/null) || signed=
    if [ "$signed" != "$DIGEST" ]; then
      reasons="$reasons; a valid signature is for ${signed:-no digest}, not $DIGEST"
      continue
    fi
    return 0
  done <"$WORK/signatures"
  SIGNATURE_PROBLEM="no valid signature of $DIGEST by $VERIFY_KEY in $repository:$sig_tag${reasons:-; it holds no signature}"
}

say "$IMAGE: $SOURCE_REF@$DIGEST ($HOP_SOURCE) -> $DEST_REF ($HOP_DESTINATION)"
resolve src "$SOURCE_REF@$DIGEST"
[ -n "$RESOLVED" ] || die "source image $SOURCE_REF@$DIGEST does not exist: nothing to promote (was it pushed to $HOP_SOURCE?)"
[ "$RESOLVED" = "$DIGEST" ] || die "the source returned a manifest whose digest is $RESOLVED, not $DIGEST"
if [ -n "$REQUIRE_SOURCE_TAG" ]; then
  resolve src "$SOURCE_REF:$REQUIRE_SOURCE_TAG"
  [ "$RESOLVED" = "$DIGEST" ] ||
    die "$SOURCE_REF:$REQUIRE_SOURCE_TAG points at ${RESOLVED:-nothing}, not $DIGEST: only the digest that is in $HOP_SOURCE can be promoted"
fi
if [ "$VERIFY" = none ]; then
  say "warning: signatures are not verified (--no-verify)"
else
  verify_signature src "$SOURCE_REF"
  [ -z "$SIGNATURE_PROBLEM" ] ||
    die "refusing to promote $DIGEST: the signature at the source does not verify: $SIGNATURE_PROBLEM; nothing was changed at the destination"
  say "signature of $SOURCE_REF@$DIGEST verified ($VERIFY${VERIFY_IDENTITY:+ $VERIFY_IDENTITY}${VERIFY_KEY:+ $VERIFY_KEY})"
fi

# The scan gate of a hop into a protected environment: the digest's scan (read
# where it was scanned, the source) must show nothing at or above the threshold
# but the accepted ids (scan-gate.sh, beside this file in HOP_LIBRARY_DIR).
if [ -n "${GATE_THRESHOLD:-}" ]; then
  set -- --cloud "$HOP_CLOUD" --threshold "$GATE_THRESHOLD" --digest "$DIGEST" --wait-seconds "$SCAN_WAIT_SECONDS"
  for id in ${GATE_ALLOW:-}; do set -- "$@" --allow "$id"; done
  if [ -n "$SCAN_FINDINGS" ]; then
    set -- "$@" --findings "$SCAN_FINDINGS"
  else
    set -- "$@" --registry "$SOURCE_REGISTRY" --repository "$SOURCE_PATH"
    if [ "$HOP_CLOUD" = harbor ]; then
      # Harbor's REST API takes the source robot's credentials: its auth file, or one written from --src-creds.
      if [ -n "$SRC_AUTHFILE" ]; then
        set -- "$@" --authfile "$SRC_AUTHFILE"
      elif [ -n "$SRC_CREDS" ]; then
        jq -n --arg h "${SOURCE_REGISTRY%%/*}" --arg a "$(printf '%s' "$SRC_CREDS" | base64 | tr -d '\n')" '{auths: {($h): {auth: $a}}}' >"$WORK/gate-auth.json"
        set -- "$@" --authfile "$WORK/gate-auth.json"
      elif [ -n "${REGISTRY_AUTH_FILE:-}" ]; then
        set -- "$@" --authfile "$REGISTRY_AUTH_FILE"
      fi
    fi
  fi
  sh "${HOP_LIBRARY_DIR:-$(dirname -- "$0")}/scan-gate.sh" "$@" ||
    die "refusing to promote $DIGEST to $HOP_DESTINATION: the scan gate refused it (above); nothing was changed at the destination"
fi

# Check every tag before changing anything.
: >"$WORK/plan"
REFUSED=
SEEN=
for tag in $TAGS; do
  case " $SEEN " in *" $tag "*) continue ;; esac
  SEEN="$SEEN $tag"
  resolve dest "$DEST_REF:$tag"
  if [ -z "$RESOLVED" ]; then
    echo "$tag created" >>"$WORK/plan"
  elif [ "$RESOLVED" = "$DIGEST" ]; then
    echo "$tag already-there" >>"$WORK/plan"
  elif is_mutable "$tag"; then
    echo "$tag moved-from-$RESOLVED" >>"$WORK/plan"
  else
    REFUSED="$REFUSED $DEST_REF:$tag (points at $RESOLVED)"
  fi
done
if [ -n "$REFUSED" ]; then
  die "refusing to promote $DIGEST: immutable tag(s) already point at another digest:$REFUSED; nothing was changed at the destination"
fi
if [ "$DRY_RUN" = true ]; then
  while read -r tag action; do say "dry run: $DEST_REF:$tag would be $action"; done <"$WORK/plan"
  exit 0
fi

while read -r tag action; do
  # With signatures, copy even a tag that is already there: the copy brings the .sig attachments.
  if [ "$action" != already-there ] || [ "$VERIFY" != none ]; then copy; fi
  resolve dest "$DEST_REF:$tag"
  [ "$RESOLVED" = "$DIGEST" ] || die "verification failed: $DEST_REF:$tag resolves to ${RESOLVED:-nothing}, not $DIGEST"
  say "$DEST_REF:$tag -> $DIGEST ($(echo "$action" | tr '-' ' '))"
  if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
    printf '%s\n' "- \`$DEST_REF:$tag\` -> \`$DIGEST\` ($action)" >>"$GITHUB_STEP_SUMMARY"
  fi
done <"$WORK/plan"
if [ "$VERIFY" != none ]; then
  verify_signature dest "$DEST_REF"
  [ -z "$SIGNATURE_PROBLEM" ] || die "verification failed at the destination: $SIGNATURE_PROBLEM"
  say "signature of $DEST_REF@$DIGEST verified at the destination"
fi
say "promoted $IMAGE $HOP_SOURCE -> $HOP_DESTINATION: $DEST_REF@$DIGEST, verified"
