#!/bin/sh
# Generates the code of every jsii target (Python, Java, .NET, Go) with
# `jsii-pacmak --code-only` and checks what can be checked offline: the Python
# modules compile with the machine's python3, and each target's package names
# are the configured ones. Building distributable packages needs PyPI, Maven
# Central, NuGet and the Go proxy, which CI cannot reach. Run by .ci/run after
# the tests, outside `npm test`'s time budget.
set -eu
cd "$(dirname "$0")/.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

npx jsii --silence-warnings=reserved-word
npx jsii-pacmak --code-only --outdir "$out" >/dev/null

fail() { echo "check-jsii-targets: $*" >&2; exit 1; }
[ -f "$out/python/src/container_registry_constructs/__init__.py" ] || fail "no Python module container_registry_constructs"
python3 -m compileall -q "$out/python/src" || fail "the generated Python code does not compile"
[ -d "$out/java/src/main/java/io/github/example/containerregistry" ] || fail "no Java package io.github.example.containerregistry"
grep -q '<artifactId>container-registry-constructs</artifactId>' "$out/java/pom.xml" || fail "the Java artifact is not container-registry-constructs"
[ -d "$out/dotnet/Example.ContainerRegistryConstructs" ] || fail "no .NET package Example.ContainerRegistryConstructs"
grep -q '^module github.com/example/container-registry-constructs-go/' "$out"/go/*/go.mod || fail "the Go module is not github.com/example/container-registry-constructs-go"
for lang in python java dotnet go; do
  echo "check-jsii-targets: $lang: $(find "$out/$lang" -type f | wc -l) files generated"
done
