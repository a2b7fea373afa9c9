#!/usr/bin/env bash
# Copyright (c) The terraform-provider-volcrtc authors
# SPDX-License-Identifier: MPL-2.0
#
# make release-check: goreleaser (v2, built from the Go module proxy once)
# checks .goreleaser.yml, then makes a snapshot release for linux/amd64
# without signing or publishing, and lists what it produced.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
version=2.15.1
dir="${VOLCRTC_TOOLS_DIR:-$root/.tools}/goreleaser-$version"
if [ ! -x "$dir/goreleaser" ]; then
  echo "building goreleaser $version into $dir (several minutes the first time)" >&2
  mkdir -p "$dir"
  GOFLAGS=-mod=mod GOBIN="$dir" go install "github.com/goreleaser/goreleaser/v2@v$version"
fi
gr="$dir/goreleaser"
"$gr" check

# The full platform set is for real releases; a snapshot of one target
# proves the archive, checksum and manifest names.
GOOS=linux GOARCH=amd64 "$gr" release --snapshot --clean --skip=sign,publish,before --single-target
ls -1 dist/ | grep -E '\.zip$|SHA256SUMS|manifest\.json$'
for f in dist/*_manifest.json; do cmp "$f" terraform-registry-manifest.json; done
