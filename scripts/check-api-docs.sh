#!/bin/sh
# Fails when the committed API.md differs from what jsii-docgen writes for the
# current sources (run `npx projen compile && npx projen post-compile`, or
# `npx jsii && npx jsii-docgen -o API.md`, and commit API.md). Run by .ci/run.
set -eu
cd "$(dirname "$0")/.."
npx jsii --silence-warnings=reserved-word >/dev/null
fresh=$(mktemp --suffix=.md)  # jsii-docgen writes <name>.md when the name has no .md
trap 'rm -f "$fresh"' EXIT
npx jsii-docgen -o "$fresh" >/dev/null
if ! diff -u API.md "$fresh" >/dev/null; then
  diff -u API.md "$fresh" | head -40 >&2
  echo "check-api-docs: API.md is stale: regenerate it with \`npx jsii && npx jsii-docgen -o API.md\` and commit it" >&2
  exit 1
fi
echo "check-api-docs: API.md is up to date"
