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
# The shared budget's tests run a real redis-server: get it when missing.
# shellcheck source=scripts/redis-server.sh
source scripts/redis-server.sh

go vet ./...
# The concurrent packages (the client, the emulator, and the provider with
# its server's schema cache, atomic provider data and shared client) run
# under the race detector, everything else without it; each test runs once.
# Acceptance tests mostly wait on CLI processes: run four at a time.
race=(./internal/imclient/ ./internal/emulator/ ./internal/provider/ ./cmd/... ./tools/...)
mapfile -t rest < <(go list ./... | grep -v -e /internal/imclient -e /internal/emulator -e /internal/provider -e /cmd/ -e /tools/)
set +e
echo "==> race detector on the concurrent packages, on $cli_version"
tool gotestsum --format testname --jsonfile .build/race.json -- -race -count=1 -parallel 4 -timeout 30m "${race[@]}"
race_status=$?
echo "==> every other test on $cli_version"
tool gotestsum --format testname --jsonfile .build/rest.json -- -count=1 -parallel 4 -timeout 30m "${rest[@]}"
status=$?
set -e
echo
cat .build/race.json .build/rest.json | go run ./tools/testsummary
if [ "$race_status" -ne 0 ]; then echo "FAIL: go test -race exited $race_status" >&2; exit "$race_status"; fi
if [ "$status" -ne 0 ]; then echo "FAIL: go test exited $status" >&2; exit "$status"; fi
