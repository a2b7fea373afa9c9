#!/usr/bin/env bash
# Copyright (c) The terraform-provider-volcrtc authors
# SPDX-License-Identifier: MPL-2.0
#
# Prints the absolute path of a Terraform-compatible CLI for acceptance tests
# and the demo. Order: $TF_ACC_TERRAFORM_PATH, `terraform` or `tofu` on PATH,
# a cached build under .tools/, else a build from the Go module proxy.
# Set VOLCRTC_CLI=terraform-build or VOLCRTC_CLI=tofu-build to use a pinned
# build (made once, then reused) whatever is on PATH: Terraform 1.5.7, the
# oldest supported and the newest buildable from the Go module proxy, and
# OpenTofu 1.12.6, the newest (resource identity; it reports itself as
# v1.12.6-dev). VOLCRTC_TERRAFORM_VERSION / VOLCRTC_TOFU_VERSION pick others.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools="${VOLCRTC_TOOLS_DIR:-$root/.tools}"
tf_version="${VOLCRTC_TERRAFORM_VERSION:-1.5.7}"
tofu_version="${VOLCRTC_TOFU_VERSION:-1.12.6}"
mode="${VOLCRTC_CLI:-auto}"

# A CLI works if it prints its version; a missing TF_CLI_CONFIG_FILE only warns.
works() { [ -x "$1" ] && CHECKPOINT_DISABLE=1 "$1" version >/dev/null 2>&1; }

abs() { (cd "$(dirname "$1")" && echo "$(pwd)/$(basename "$1")"); }

build_terraform() {
  local dir="$tools/terraform-$tf_version"
  if ! works "$dir/terraform"; then
    echo "building Terraform $tf_version into $dir (a few minutes the first time)" >&2
    mkdir -p "$dir"
    GOFLAGS=-mod=mod GOBIN="$dir" CGO_ENABLED=0 go install "github.com/hashicorp/terraform@v$tf_version" >&2
  fi
  echo "$dir/terraform"
}

build_tofu() {
  local dir="$tools/tofu-$tofu_version"
  if ! works "$dir/tofu"; then
    echo "building OpenTofu $tofu_version into $dir (a few minutes the first time)" >&2
    local src
    src="$(GOFLAGS=-mod=mod go mod download -json "github.com/opentofu/opentofu@v$tofu_version" | sed -n 's/.*"Dir": "\(.*\)".*/\1/p')"
    rm -rf "$dir/src" && mkdir -p "$dir" && cp -r "$src" "$dir/src" && chmod -R u+w "$dir/src"
    (cd "$dir/src" && CGO_ENABLED=0 go build -o "$dir/tofu" ./cmd/tofu) >&2
    rm -rf "$dir/src"
  fi
  echo "$dir/tofu"
}

case "$mode" in
  terraform-build) build_terraform; exit 0 ;;
  tofu-build) build_tofu; exit 0 ;;
  auto) ;;
  *) echo "unknown VOLCRTC_CLI=$mode (auto, terraform-build, tofu-build)" >&2; exit 2 ;;
esac

if [ -n "${TF_ACC_TERRAFORM_PATH:-}" ] && works "$TF_ACC_TERRAFORM_PATH"; then
  abs "$TF_ACC_TERRAFORM_PATH"; exit 0
fi
for name in terraform tofu; do
  if p="$(command -v "$name" 2>/dev/null)" && works "$p"; then
    abs "$p"; exit 0
  fi
done
for p in "$tools/terraform-$tf_version/terraform" "$tools/tofu-$tofu_version/tofu"; do
  if works "$p"; then echo "$p"; exit 0; fi
done
build_terraform
