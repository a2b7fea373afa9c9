#!/usr/bin/env bash
# Copyright (c) The terraform-provider-volcrtc authors
# SPDX-License-Identifier: MPL-2.0
#
# The full test suite: vet, unit tests and acceptance tests (TF_ACC=1)
# through a real Terraform or OpenTofu CLI against the emulator. Fails when
# any test fails or when no acceptance test ran.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
mkdir -p .build

# shellcheck source=acc-env.sh
source scripts/acc-env.sh

go vet ./...
echo "==> race detector on the concurrent packages"
go test -race -count=1 ./internal/imclient/ ./internal/emulator/ ./cmd/...
log=.build/test.log
set +e
go test ./... -count=1 -v -timeout 30m 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

passed=$(grep -cE '^\s*--- PASS: ' "$log" || true)
failed=$(grep -cE '^\s*--- FAIL: ' "$log" || true)
skipped=$(grep -cE '^\s*--- SKIP: ' "$log" || true)
acc_passed=$(grep -cE '^--- PASS: TestAcc' "$log" || true)
# Only the real-API cases may skip (they need Volcengine credentials).
acc_skipped_bad=$(grep -E '^--- SKIP: TestAcc' "$log" | grep -vc 'TestAccRealAPI_' || true)

echo
echo "==> acceptance: $acc_passed top-level TestAcc tests passed on $cli_version"
echo "tests: $passed passed, $failed failed, $skipped skipped"
if [ "$status" -ne 0 ]; then echo "FAIL: go test exited $status" >&2; exit "$status"; fi
if [ "$acc_passed" -eq 0 ]; then echo "FAIL: no acceptance test ran" >&2; exit 1; fi
if [ "$acc_skipped_bad" -ne 0 ]; then echo "FAIL: emulator acceptance tests were skipped" >&2; exit 1; fi
