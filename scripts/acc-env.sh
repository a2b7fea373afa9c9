# shellcheck shell=bash
# Copyright (c) The terraform-provider-volcrtc authors
# SPDX-License-Identifier: MPL-2.0
#
# Sourced (bash) by scripts/test-all.sh and `make testacc`: picks the CLI and
# exports the acceptance tests' environment. Sets $cli and $cli_version.

acc_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cli="$("$acc_root/scripts/terraform-cli.sh")"
export TF_ACC=1 CHECKPOINT_DISABLE=1 TF_ACC_TERRAFORM_PATH="$cli"
# The project's own (empty) CLI config: nothing from ~/.terraformrc leaks in.
mkdir -p "$acc_root/.build"
: > "$acc_root/.build/test.tfrc"
export TF_CLI_CONFIG_FILE="$acc_root/.build/test.tfrc"
if [ "$(basename "$cli")" = "tofu" ]; then
  export TF_ACC_PROVIDER_HOST=registry.opentofu.org TF_ACC_PROVIDER_NAMESPACE=hashicorp
fi
# No pipe into head: under pipefail the CLI would die of SIGPIPE (exit 141).
cli_version="$("$cli" version 2>/dev/null)"
cli_version="${cli_version%%$'\n'*}"
echo "==> acceptance tests use $cli_version at $cli"
