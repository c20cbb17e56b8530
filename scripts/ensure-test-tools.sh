#!/bin/sh
# Run by `npm test` before the tests. The promotion integration tests run a real OCI
# registry (Debian's docker-registry) and copy images with skopeo; shellcheck lints
# the generated promotion scripts. When one is missing and this machine allows it
# (root, or passwordless sudo, with apt-get), install it; otherwise say how.
missing=""
for tool in docker-registry skopeo shellcheck; do
  command -v "$tool" >/dev/null 2>&1 || missing="$missing $tool"
done
[ -z "$missing" ] && exit 0

if command -v apt-get >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    sudo=""
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo="sudo -n"
  else
    sudo="none"
  fi
  if [ "$sudo" != none ]; then
    echo "installing$missing (Debian packages) for the promotion tests"
    export DEBIAN_FRONTEND=noninteractive
    # shellcheck disable=SC2086
    if $sudo apt-get install -y -qq $missing >/dev/null 2>&1 \
      || { $sudo apt-get update -qq >/dev/null 2>&1 && $sudo apt-get install -y -qq $missing >/dev/null 2>&1; }; then
      exit 0
    fi
  fi
fi
echo "warning: missing$missing; the promotion integration tests need them: sudo apt-get install -y$missing" >&2
exit 0
