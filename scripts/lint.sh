#!/usr/bin/env bash
# Copyright (c) The terraform-provider-volcrtc authors
# SPDX-License-Identifier: MPL-2.0
#
# make lint: golangci-lint v2 (built from the Go module proxy into the
# tools folder once) with .golangci.yml, and `terraform fmt -check` on examples.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
golangci="$(scripts/go-tool.sh golangci-lint 2.15.0 github.com/golangci/golangci-lint/v2/cmd/golangci-lint)"
"$golangci" run ./...
cli="$(scripts/terraform-cli.sh)"
CHECKPOINT_DISABLE=1 TF_CLI_CONFIG_FILE=/dev/null "$cli" fmt -check -recursive examples/
echo "lint: no findings"
