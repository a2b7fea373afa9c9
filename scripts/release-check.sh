#!/usr/bin/env bash
# Copyright (c) The terraform-provider-volcrtc authors
# SPDX-License-Identifier: MPL-2.0
#
# make release-check: goreleaser (pinned in tools/pinned/goreleaser)
# checks .goreleaser.yml, then makes a snapshot release for linux/amd64
# without signing or publishing, and lists what it produced.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
# shellcheck source=scripts/tool.sh
source scripts/tool.sh
tool goreleaser check

# The full platform set is for real releases; a snapshot of the same
# config cut down to linux/amd64 proves the archive, checksum and manifest.
snap="$(mktemp --suffix=.yml)"
trap 'rm -f "$snap"' EXIT
sed -e 's/^    goos: .*/    goos: [linux]/' -e 's/^    goarch: .*/    goarch: [amd64]/' .goreleaser.yml > "$snap"
grep -q 'goos: \[linux\]' "$snap" && grep -q 'goarch: \[amd64\]' "$snap"
tool goreleaser release --snapshot --clean --skip=sign,publish,before --config "$snap"
ls -1 dist/*.zip dist/*SHA256SUMS
# The checksums cover the archive and the registry manifest, under the
# names the registry expects.
sums=(dist/*_SHA256SUMS)
grep -E "^$(sha256sum terraform-registry-manifest.json | cut -d' ' -f1)  terraform-provider-volcrtc_.*_manifest\.json$" "${sums[0]}"
grep -E '  terraform-provider-volcrtc_.*_linux_amd64\.zip$' "${sums[0]}"
unzip -l dist/*_linux_amd64.zip | grep -E 'terraform-provider-volcrtc_v'
echo "release-check: config valid, snapshot built"
