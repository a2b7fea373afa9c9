# shellcheck shell=bash
# Copyright (c) The terraform-provider-volcrtc authors
# SPDX-License-Identifier: MPL-2.0
#
# Sourced by the scripts: `tool NAME ARGS...` runs the development tool
# pinned in tools/pinned/NAME/go.mod (a `tool` directive, one module per
# tool so their dependencies cannot clash) through `go tool`, which builds
# it once into Go's build cache. Upgrade one with:
#   (cd tools/pinned/NAME && go get -tool PACKAGE@VERSION)
tool() {
  local name="$1"
  shift
  go tool -modfile="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/tools/pinned/$name/go.mod" "$name" "$@"
}
