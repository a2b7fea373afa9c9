#!/usr/bin/env bash
# Copyright (c) The terraform-provider-volcrtc authors
# SPDX-License-Identifier: MPL-2.0
#
# Makes a redis-server available to the tests of the shared budget (they
# start their own, on a free loopback port): the one on PATH, or Debian's
# package installed with apt-get (as root, or with sudo that needs no
# password). Sourced by test-all.sh, it exports VOLCRTC_REDIS_SERVER and
# VOLCRTC_REQUIRE_REDIS=1, so a test that still cannot find one fails
# saying how to install it instead of skipping. Run alone, it installs.
set -euo pipefail

volcrtc_find_redis() {
  if [ -n "${VOLCRTC_REDIS_SERVER:-}" ] && [ -x "$VOLCRTC_REDIS_SERVER" ]; then return 0; fi
  local p
  p="$(command -v redis-server || true)"
  if [ -z "$p" ] && command -v apt-get >/dev/null 2>&1; then
    local sudo=()
    if [ "$(id -u)" -ne 0 ]; then
      if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo=(sudo -n); else sudo=(false); fi
    fi
    if [ "${sudo[0]:-}" != false ]; then
      echo "==> installing redis-server (Debian package) for the shared-budget tests" >&2
      "${sudo[@]}" apt-get update -qq >/dev/null || true
      DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq redis-server >/dev/null || true
      p="$(command -v redis-server || true)"
    fi
  fi
  if [ -z "$p" ]; then
    echo "redis-server is missing and could not be installed here: apt-get install -y redis-server (Debian/Ubuntu)," >&2
    echo "brew install redis (macOS), or set VOLCRTC_REDIS_SERVER to a redis-server binary." >&2
    return 1
  fi
  export VOLCRTC_REDIS_SERVER="$p"
}

export VOLCRTC_REQUIRE_REDIS=1
if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  volcrtc_find_redis
  echo "$VOLCRTC_REDIS_SERVER"
else
  # Sourced: a missing server fails the tests that need it, with the hint.
  volcrtc_find_redis || true
fi
