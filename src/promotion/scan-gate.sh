# shellcheck shell=sh
# The promotion gate: refuses a digest whose vulnerability scan shows findings at
# or above a severity threshold, except the CVE ids the spec accepts. Shipped with
# container-registry-constructs beside promote-image.sh, which runs it before a hop
# into a protected environment copies anything.
#
# usage: scan-gate.sh --cloud aws|gcp|azure|harbor --threshold critical|high|medium|low
#          --digest sha256:HEX [--allow "CVE-... CVE-..."] [--wait-seconds N] [--interval-seconds N]
#          (--findings FILE | --registry HOST --repository PATH [--authfile FILE])
#
# With --findings, decides on one recorded output of the cloud's CLI; otherwise
# runs the CLI (aws / gcloud / az; curl against Harbor's REST API) until the scan
# is complete, at most
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
# - Harbor's own scan results through its REST API (goharbor/harbor
#   api/v2.0/swagger.yaml), with --registry HOST/PROJECT and the robot credentials
#   of --authfile (the containers auth file `skopeo login` wrote for HOST):
#   GET /api/v2.0/projects/{project}/repositories/{repository}/artifacts/{digest}
#   ?with_scan_overview=true (the repository name URL-encoded twice: "a/b -> a%2Fb
#   -> a%252Fb"; needs artifact:read) gives scan_overview, a map from report MIME
#   type to NativeReportSummary {scan_status, severity, summary: VulnerabilitySummary
#   {total, fixable, summary: {Critical: n, High: n, ...}}}: scan_status Success
#   decides; Pending / Running / Scheduled or no report yet wait; Error / Stopped
#   refuse (the job statuses of src/jobservice/job/status.go). Then GET
#   .../artifacts/{digest}/additions/vulnerabilities (needs artifact-addition:read)
#   gives {<MIME type>: {severity, vulnerabilities: [{id, package, version,
#   severity}]}} (src/pkg/scan/vuln/report.go); severities Unknown | Negligible |
#   Low | Medium | High | Critical (src/pkg/scan/vuln/severity.go; Unknown and
#   Negligible never reach a threshold). The gate records both answers as
#   {"artifact": ..., "vulnerabilities": ...}, the shape --findings reads for
#   harbor, and refuses when the overview counts more findings at or above the
#   threshold than the report lists.
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
# A single-valued option given twice is refused: the second would silently win (--threshold critical ... --threshold low).
SEEN_OPTIONS=' '
once() {
  case $SEEN_OPTIONS in
    *" $1 "*) die "option $1 is given twice; give it once" ;;
  esac
  SEEN_OPTIONS="$SEEN_OPTIONS$1 "
}

CLOUD=
THRESHOLD=
DIGEST=
ALLOW=
FINDINGS=
REGISTRY=
REPOSITORY=
AUTHFILE=
WAIT_SECONDS=600
INTERVAL_SECONDS=15
while [ $# -gt 0 ]; do
  case $1 in
    --cloud) need_value "$@"; once --cloud; CLOUD=$2; shift 2 ;;
    --threshold) need_value "$@"; once --threshold; THRESHOLD=$2; shift 2 ;;
    --digest) need_value "$@"; once --digest; DIGEST=$2; shift 2 ;;
    --allow) need_value "$@"; ALLOW="$ALLOW $2"; shift 2 ;;
    --findings) need_value "$@"; once --findings; FINDINGS=$2; shift 2 ;;
    --registry) need_value "$@"; once --registry; REGISTRY=$2; shift 2 ;;
    --repository) need_value "$@"; once --repository; REPOSITORY=$2; shift 2 ;;
    --authfile) need_value "$@"; once --authfile; AUTHFILE=$2; shift 2 ;;
    --wait-seconds) need_value "$@"; once --wait-seconds; WAIT_SECONDS=$2; shift 2 ;;
    --interval-seconds) need_value "$@"; once --interval-seconds; INTERVAL_SECONDS=$2; shift 2 ;;
    *) die "unknown argument: $1" ;;
  esac
done
case $CLOUD in aws|gcp|azure|harbor) ;; *) die "--cloud must be aws, gcp, azure or harbor, not \"$CLOUD\"" ;; esac
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
  if [ "$CLOUD" = harbor ]; then
    case $REGISTRY in
      */*) ;;
      *) die "--registry must be HOST/PROJECT on Harbor, not \"$REGISTRY\"" ;;
    esac
    [ -n "$AUTHFILE" ] || die "give --authfile FILE: the auth file \`skopeo login\` wrote for ${REGISTRY%%/*} (Harbor's REST API takes the robot's credentials)"
    [ -r "$AUTHFILE" ] || die "cannot read the auth file $AUTHFILE (--authfile)"
    command -v curl >/dev/null 2>&1 || die "curl is not installed: it reads Harbor's scan results"
  fi
fi
command -v jq >/dev/null 2>&1 || die "jq is not installed: it reads the scan results"

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# harbor_get PATH FILE: GETs https://HOST/api/v2.0/PATH into FILE as the robot of --authfile; fails on any status but 200.
harbor_get() {
  host=${REGISTRY%%/*}
  # The robot's "user:secret", from the auth file's base64 "auth" entry for the host (containers-auth.json(5)).
  creds=$(jq -r --arg h "$host" '.auths[$h].auth // empty' "$AUTHFILE" | base64 -d 2>/dev/null) ||
    die "the auth file $AUTHFILE has no valid credentials for $host"
  [ -n "$creds" ] || die "the auth file $AUTHFILE has no credentials for $host: skopeo login $host first"
  # The credentials go to curl on its standard input (a config file), never on the command line.
  code=$(printf 'user = "%s"\n' "$(printf '%s' "$creds" | sed 's/[\\"]/\\&/g')" |
    curl --config - --silent --show-error --location --output "$2" --write-out '%{http_code}' \
      --header 'Accept: application/json' "https://$host/api/v2.0/$1" 2>"$WORK/error") ||
    die "cannot reach Harbor at $host: $(tr '\n' ' ' <"$WORK/error")"
  case $code in
    200) ;;
    401|403) die "Harbor refused GET /api/v2.0/$1 (HTTP $code): the promoter's robot needs artifact:read and artifact-addition:read in the source project" ;;
    404) die "Harbor has no $REGISTRY/$REPOSITORY@$DIGEST (HTTP 404 on /api/v2.0/$1)" ;;
    *) die "Harbor answered HTTP $code to GET /api/v2.0/$1: $(head -c 300 "$2" | tr '\n' ' ')" ;;
  esac
}

# fetch: writes the cloud CLI's answer to $WORK/scan; a "scan not found yet" error is written as pending.
fetch() {
  case $CLOUD in
    aws)
      # The registry id is the account, the first label of <account>.dkr.ecr.<region>.<URL suffix>.
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
        die "az graph query failed (needs the resource-graph extension and Security Reader on the source registry's resource group, which the Azure construct grants gated promoters): $(tr '\n' ' ' <"$WORK/error")" ;;
    harbor)
      # A repository name with a slash is URL-encoded twice (swagger.yaml, parameter repository_name).
      artifact=projects/${REGISTRY#*/}/repositories/$(printf '%s' "$REPOSITORY" | sed 's,/,%252F,g')/artifacts/$DIGEST
      harbor_get "$artifact?with_scan_overview=true" "$WORK/artifact"
      echo '{}' >"$WORK/vulnerabilities"
      jq '{artifact: .}' "$WORK/artifact" >"$WORK/scan" || die "Harbor's artifact answer is not JSON"
      if [ "$(status)" = complete ]; then
        harbor_get "$artifact/additions/vulnerabilities" "$WORK/vulnerabilities"
        jq --slurpfile v "$WORK/vulnerabilities" '{artifact: .}  + {vulnerabilities: $v[0]}' "$WORK/artifact" >"$WORK/scan" ||
          die "Harbor's vulnerabilities answer is not JSON"
      fi ;;
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
    harbor) jq -r --arg d "$DIGEST" '.artifact as $a
      | if ($a.digest // $d) != $d then "the answer is about \($a.digest), not \($d)"
        else [($a.scan_overview // {})[] | .scan_status] as $s
        | if ($s | length) == 0 then "pending"
          elif ($s | index("Success")) then "complete"
          elif ($s | map(. == "Pending" or . == "Running" or . == "Scheduled") | any) then "pending"
          else "the scan status is \($s | join(", "))" end end' "$WORK/scan" ;;
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
    harbor) jq -r '[(.vulnerabilities // {})[] | .vulnerabilities // [] | .[]] | .[]
      | "\(.id) \(.severity | ascii_upcase)"' "$WORK/scan" ;;
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

findings >"$WORK/all-findings"
sort -u "$WORK/all-findings" >"$WORK/findings"
if [ "$CLOUD" = harbor ]; then
  # The overview's counts and the report must agree: a report that lists fewer
  # findings at or above the threshold than the overview counts cannot be trusted.
  counted=$(jq -r '[(.artifact.scan_overview // {})[] | select(.scan_status == "Success") | .summary.summary // {}][0] // {}
    | to_entries[] | "\(.key | ascii_upcase) \(.value)"' "$WORK/scan" |
    while read -r severity n; do [ "$(rank "$severity")" -lt "$RANK" ] || echo "$n"; done | awk '{ s += $1 } END { print s + 0 }')
  listed=$(while read -r _ severity; do [ "$(rank "$severity")" -lt "$RANK" ] || echo x; done <"$WORK/all-findings" | wc -l | tr -d ' ')
  [ "$listed" -ge "$counted" ] ||
    die "refusing $DIGEST: Harbor's scan overview counts $counted finding(s) at or above $THRESHOLD, but its vulnerability report lists $listed; nothing can be decided"
fi
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
