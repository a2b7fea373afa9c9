#!/usr/bin/env bash
# Copyright (c) The terraform-provider-volcrtc authors
# SPDX-License-Identifier: MPL-2.0
#
# Prints the path of a Go tool, built once from the Go module proxy into
# the tools folder ($VOLCRTC_TOOLS_DIR or .tools/).
# Usage: scripts/go-tool.sh NAME VERSION PACKAGE
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
name="$1" version="$2" pkg="$3"
dir="${VOLCRTC_TOOLS_DIR:-$root/.tools}/$name-$version"
if [ ! -x "$dir/$name" ]; then
  echo "building $name $version into $dir (a few minutes the first time)" >&2
  mkdir -p "$dir"
  GOFLAGS=-mod=mod GOBIN="$dir" go install "$pkg@v$version" >&2
fi
echo "$dir/$name"
