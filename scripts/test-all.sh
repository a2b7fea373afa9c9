#!/usr/bin/env bash
# Copyright (c) The terraform-provider-volcrtc authors
# SPDX-License-Identifier: MPL-2.0
#
# The full test suite: vet, unit tests and acceptance tests (TF_ACC=1)
# through a real Terraform or OpenTofu CLI against the emulator, with
# gotestsum (pinned in tools/pinned). Results are counted from the JSON
# event stream by tools/testsummary, which fails when a test failed, when
# no acceptance test ran, or when one was skipped other than the real-API
# cases.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
mkdir -p .build

# shellcheck source=scripts/acc-env.sh
source scripts/acc-env.sh
# shellcheck source=scripts/tool.sh
source scripts/tool.sh

go vet ./...
echo "==> race detector on the concurrent packages"
go test -race -count=1 ./internal/imclient/ ./internal/emulator/ ./cmd/... ./tools/...
echo "==> every test on $cli_version"
json=.build/test.json
set +e
# Acceptance tests mostly wait on CLI processes: run four at a time.
tool gotestsum --format testname --jsonfile "$json" -- ./... -count=1 -parallel 4 -timeout 30m
status=$?
set -e
echo
go run ./tools/testsummary < "$json"
if [ "$status" -ne 0 ]; then echo "FAIL: go test exited $status" >&2; exit "$status"; fi
