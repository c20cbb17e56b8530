# shellcheck shell=sh
# The promotion gate: refuses a digest whose vulnerability scan shows findings at
# or above a severity threshold, except the CVE ids the spec accepts. Shipped with
# container-registry-constructs beside promote-image.sh, which runs it before a hop
# into a protected environment copies anything.
#
# usage: scan-gate.sh --cloud aws|gcp|azure --threshold critical|high|medium|low
#          --digest sha256:HEX [--allow "CVE-... CVE-..."] [--wait-seconds N] [--interval-seconds N]
#          (--findings FILE | --registry HOST --repository PATH)
#
# With --findings, decides on one recorded output of the cloud's CLI; otherwise
# runs the CLI (aws / gcloud / az) until the scan is complete, at most
# --wait-seconds (default 600), then decides. Exit status: 0 pass, 1 refused or
# undecidable (scan failed, unsupported, or still pending at the deadline).
#
# What is read (the CLI's documented JSON):
# - aws ecr describe-image-scan-findings: imageScanStatus.status (COMPLETE or
#   ACTIVE decide; IN_PROGRESS / PENDING wait; any other status refuses), basic
#   findings[].{name,severity} and enhanced (Amazon Inspector)
#   enhancedFindings[].{packageVulnerabilityDetails.vulnerabilityId,severity}.
# - gcloud artifacts docker images describe --show-package-vulnerability:
#   discovery_summary.discovery[].discovery.analysisStatus (FINISHED_SUCCESS
#   decides; PENDING / SCANNING or no discovery yet wait; FINISHED_FAILED /
#   FINISHED_UNSUPPORTED refuse), package_vulnerability_summary.vulnerabilities
#   (occurrences grouped by severity; the CVE id is the last part of noteName;
#   the severity is vulnerability.effectiveSeverity, else the group's key).
# - az graph query (Microsoft Defender for Containers sub-assessments in Azure
#   Resource Graph): rows whose properties.additionalData.artifactDetails.digest
#   is the digest and properties.status.code is Unhealthy; the CVE is
#   additionalData.vulnerabilityDetails.cveId, the severity properties.status.severity.
#   Defender publishes no scan status: no row for the digest means clean or not
#   assessed yet. The gate waits for the deadline and then passes with a warning.
set -euf

PROG=scan-gate
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

CLOUD=
THRESHOLD=
DIGEST=
ALLOW=
FINDINGS=
REGISTRY=
REPOSITORY=
WAIT_SECONDS=600
INTERVAL_SECONDS=15
while [ $# -gt 0 ]; do
  case $1 in
    --cloud) need_value "$@"; CLOUD=$2; shift 2 ;;
    --threshold) need_value "$@"; THRESHOLD=$2; shift 2 ;;
    --digest) need_value "$@"; DIGEST=$2; shift 2 ;;
    --allow) need_value "$@"; ALLOW="$ALLOW $2"; shift 2 ;;
    --findings) need_value "$@"; FINDINGS=$2; shift 2 ;;
    --registry) need_value "$@"; REGISTRY=$2; shift 2 ;;
    --repository) need_value "$@"; REPOSITORY=$2; shift 2 ;;
    --wait-seconds) need_value "$@"; WAIT_SECONDS=$2; shift 2 ;;
    --interval-seconds) need_value "$@"; INTERVAL_SECONDS=$2; shift 2 ;;
    *) die "unknown argument: $1" ;;
  esac
done
case $CLOUD in aws|gcp|azure) ;; *) die "--cloud must be aws, gcp or azure, not \"$CLOUD\"" ;; esac
case $THRESHOLD in
  critical) RANK=4 ;;
  high) RANK=3 ;;
  medium) RANK=2 ;;
  low) RANK=1 ;;
  *) die "--threshold must be critical, high, medium or low, not \"$THRESHOLD\"" ;;
esac
printf '%s\n' "$DIGEST" | grep -Eq '^sha256:[0-9a-f]{64}$' || die "--digest must be sha256:<64 hex>, not \"$DIGEST\""
for n in "$WAIT_SECONDS" "$INTERVAL_SECONDS"; do
  printf '%s\n' "$n" | grep -Eq '^[0-9]+$' || die "--wait-seconds and --interval-seconds take a number of seconds, not \"$n\""
done
if [ -z "$FINDINGS" ]; then
  if [ -z "$REGISTRY" ] || [ -z "$REPOSITORY" ]; then
    die "give --findings FILE, or --registry and --repository to read the scan"
  fi
fi
command -v jq >/dev/null 2>&1 || die "jq is not installed: it reads the scan results"

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# fetch: writes the cloud CLI's answer to $WORK/scan; a "scan not found yet" error is written as pending.
fetch() {
  case $CLOUD in
    aws)
      # The registry id is the account, the first label of <account>.dkr.ecr.<region>.amazonaws.com.
      if ! aws ecr describe-image-scan-findings --registry-id "${REGISTRY%%.*}" --repository-name "$REPOSITORY" \
        --image-id "imageDigest=$DIGEST" --output json >"$WORK/scan" 2>"$WORK/error"; then
        grep -q 'ScanNotFoundException' "$WORK/error" || die "aws ecr describe-image-scan-findings failed: $(tr '\n' ' ' <"$WORK/error")"
        echo '{"imageScanStatus":{"status":"PENDING","description":"no scan yet"}}' >"$WORK/scan"
      fi ;;
    gcp)
      gcloud artifacts docker images describe "$REGISTRY/$REPOSITORY@$DIGEST" --show-package-vulnerability --format=json \
        >"$WORK/scan" 2>"$WORK/error" || die "gcloud artifacts docker images describe failed: $(tr '\n' ' ' <"$WORK/error")" ;;
    azure)
      az graph query --first 1000 --output json -q "securityresources
| where type =~ 'microsoft.security/assessments/subassessments'
| where properties.additionalData.assessedResourceType == 'AzureContainerRegistryVulnerability'
| where properties.additionalData.artifactDetails.registryHost =~ '$REGISTRY'
| where properties.additionalData.artifactDetails.digest == '$DIGEST'" >"$WORK/scan" 2>"$WORK/error" ||
        die "az graph query failed (needs the resource-graph extension and Reader on the subscription): $(tr '\n' ' ' <"$WORK/error")" ;;
  esac
}

# status: prints complete, pending or a reason to refuse, from $WORK/scan.
status() {
  case $CLOUD in
    aws) jq -r '(.imageScanStatus.status // "PENDING") as $s
      | if $s == "COMPLETE" or $s == "ACTIVE" then "complete"
        elif $s == "IN_PROGRESS" or $s == "PENDING" then "pending"
        else "the scan status is \($s): \(.imageScanStatus.description // "no description")" end' "$WORK/scan" ;;
    gcp) jq -r '[.discovery_summary.discovery[]?.discovery.analysisStatus] as $s
      | if ($s | length) == 0 then "pending"
        elif ($s | index("FINISHED_SUCCESS")) then "complete"
        elif ($s | map(. == "PENDING" or . == "SCANNING") | any) then "pending"
        else "the scan status is \($s | join(", "))" end' "$WORK/scan" ;;
    azure) jq -r --arg d "$DIGEST" '(if type == "array" then . else .data // [] end)
      | if any(.properties.additionalData.artifactDetails.digest == $d) then "complete" else "pending" end' "$WORK/scan" ;;
  esac
}

# findings: prints "ID SEVERITY" per finding (severity upper-case), from $WORK/scan.
findings() {
  case $CLOUD in
    aws) jq -r '.imageScanFindings // {} | ((.findings // [])[] | "\(.name) \(.severity)"),
      ((.enhancedFindings // [])[] | "\(.packageVulnerabilityDetails.vulnerabilityId // .title) \(.severity)")' "$WORK/scan" ;;
    gcp) jq -r '.package_vulnerability_summary.vulnerabilities // {} | to_entries[] | .key as $group | .value[]
      | "\(.noteName | split("/") | last) \(.vulnerability.effectiveSeverity // $group)"' "$WORK/scan" ;;
    azure) jq -r --arg d "$DIGEST" '(if type == "array" then . else .data // [] end)[]
      | select(.properties.additionalData.artifactDetails.digest == $d and .properties.status.code == "Unhealthy")
      | "\(.properties.additionalData.vulnerabilityDetails.cveId // .properties.id) \(.properties.status.severity | ascii_upcase)"' "$WORK/scan" ;;
  esac
}

rank() {
  case $1 in CRITICAL) echo 4 ;; HIGH) echo 3 ;; MEDIUM) echo 2 ;; LOW) echo 1 ;; *) echo 0 ;; esac
}

if [ -n "$FINDINGS" ]; then
  cp "$FINDINGS" "$WORK/scan"
  STATUS=$(status)
else
  waited=0
  while :; do
    fetch
    STATUS=$(status)
    if [ "$STATUS" != pending ] || [ "$waited" -ge "$WAIT_SECONDS" ]; then break; fi
    say "the scan of $DIGEST is pending; waiting ${INTERVAL_SECONDS}s (${waited}s of ${WAIT_SECONDS}s)"
    sleep "$INTERVAL_SECONDS"
    waited=$((waited + INTERVAL_SECONDS))
  done
fi

if [ "$STATUS" = pending ]; then
  if [ "$CLOUD" = azure ]; then
    say "warning: Microsoft Defender has no finding for $DIGEST (clean, or not assessed yet: Defender publishes no scan status)"
    exit 0
  fi
  die "refusing $DIGEST: its scan is still pending after ${WAIT_SECONDS}s"
fi
[ "$STATUS" = complete ] || die "refusing $DIGEST: $STATUS; nothing is known about its vulnerabilities"

findings | sort -u >"$WORK/findings"
BLOCKING=
ACCEPTED=
while read -r id severity; do
  [ "$(rank "$severity")" -ge "$RANK" ] || continue
  case " $ALLOW " in
    *" $id "*) ACCEPTED="$ACCEPTED $id($severity)" ;;
    *) BLOCKING="$BLOCKING $id($severity)" ;;
  esac
done <"$WORK/findings"
summary() {
  [ -z "${GITHUB_STEP_SUMMARY:-}" ] || printf '%s\n' "$*" >>"$GITHUB_STEP_SUMMARY"
}
if [ -n "$ACCEPTED" ]; then
  say "accepted by the spec's allowlist:$ACCEPTED"
  summary "- scan gate, \`$DIGEST\`: accepted risks (scanning.allowedVulnerabilities):$ACCEPTED"
fi
if [ -n "$BLOCKING" ]; then
  summary "- scan gate, \`$DIGEST\`: refused, findings at or above $THRESHOLD:$BLOCKING"
  die "refusing $DIGEST: findings at or above $THRESHOLD:$BLOCKING (accept a risk by adding its id to scanning.allowedVulnerabilities)"
fi
say "passed: $DIGEST has no finding at or above $THRESHOLD ($(wc -l <"$WORK/findings" | tr -d ' ') finding(s) in all)"
summary "- scan gate, \`$DIGEST\`: passed (threshold $THRESHOLD)"
