#!/usr/bin/env bash
# Copyright (c) The terraform-provider-volcrtc authors
# SPDX-License-Identifier: MPL-2.0
#
# make generate: format the examples and regenerate docs/ with tfplugindocs
# from the provider's schema, read through the project's own CLI with
# dev_overrides (no registry, no download).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
# shellcheck source=scripts/tool.sh
source scripts/tool.sh
export CHECKPOINT_DISABLE=1

# OpenTofu 1.12.6 (built once, cached): a CLI that reports resource
# identity schemas, which the docs show, and the same one on every machine.
cli="$(VOLCRTC_CLI=tofu-build scripts/terraform-cli.sh)"
mkdir -p .build
go build -o .build/terraform-provider-volcrtc .

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cat > "$work/cli.tfrc" <<CFG
provider_installation {
  dev_overrides {
    "registry.terraform.io/volcrtc/volcrtc" = "$root/.build"
    "registry.opentofu.org/volcrtc/volcrtc" = "$root/.build"
  }
  direct {}
}
CFG
cat > "$work/main.tf" <<'TF'
terraform {
  required_providers {
    volcrtc = { source = "volcrtc/volcrtc" }
  }
}
TF
export TF_CLI_CONFIG_FILE="$work/cli.tfrc"
(cd "$work" && "$cli" providers schema -json) > "$work/schema.json"
# tfplugindocs looks the provider up by its short name.
sed -i -E 's#"registry\.(terraform\.io|opentofu\.org)/volcrtc/volcrtc"#"volcrtc"#' "$work/schema.json"

"$cli" fmt -recursive examples/ >/dev/null
tool tfplugindocs generate --provider-name volcrtc --rendered-provider-name "Volcengine RTC IM" \
  --providers-schema "$work/schema.json"
tool tfplugindocs validate --provider-name volcrtc --providers-schema "$work/schema.json"
