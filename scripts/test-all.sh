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

cli="$(scripts/terraform-cli.sh)"
export TF_ACC=1 CHECKPOINT_DISABLE=1 TF_ACC_TERRAFORM_PATH="$cli"
# The project's own (empty) CLI config: nothing from ~/.terraformrc leaks in.
: > .build/test.tfrc
export TF_CLI_CONFIG_FILE="$root/.build/test.tfrc"
if [ "$(basename "$cli")" = "tofu" ]; then
  export TF_ACC_PROVIDER_HOST=registry.opentofu.org TF_ACC_PROVIDER_NAMESPACE=hashicorp
fi
# No pipe into head: under pipefail the CLI would die of SIGPIPE (exit 141).
cli_version="$("$cli" version 2>/dev/null)"
cli_version="${cli_version%%$'\n'*}"
echo "==> acceptance tests use $cli_version at $cli"

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
