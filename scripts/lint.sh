#!/usr/bin/env bash
# Copyright (c) The terraform-provider-volcrtc authors
# SPDX-License-Identifier: MPL-2.0
#
# make lint: golangci-lint v2 (built from the Go module proxy into the
# tools folder once) with .golangci.yml, and `terraform fmt -check` on examples.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
version=2.15.0
dir="${VOLCRTC_TOOLS_DIR:-$root/.tools}/golangci-lint-$version"
if [ ! -x "$dir/golangci-lint" ]; then
  echo "building golangci-lint $version into $dir (a few minutes the first time)" >&2
  mkdir -p "$dir"
  GOFLAGS=-mod=mod GOBIN="$dir" go install "github.com/golangci/golangci-lint/v2/cmd/golangci-lint@v$version"
fi
"$dir/golangci-lint" run ./...
cli="$(scripts/terraform-cli.sh)"
CHECKPOINT_DISABLE=1 TF_CLI_CONFIG_FILE=/dev/null "$cli" fmt -check -recursive examples/
echo "lint: no findings"
