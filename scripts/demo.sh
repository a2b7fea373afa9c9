#!/usr/bin/env bash
# Copyright (c) The terraform-provider-volcrtc authors
# SPDX-License-Identifier: MPL-2.0
#
# make demo: build the provider, obtain a CLI, start the emulator with the
# demo fixtures (unless Volcengine credentials are set), then plan and
# apply examples/demo through dev_overrides and print the members; then,
# against the emulator only, create a group and its members, have user
# 4242 join outside Terraform, plan (a removal by user ID), apply, destroy.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="$root/.build"
mkdir -p "$build"
export CHECKPOINT_DISABLE=1

echo "==> building the provider and the emulator"
(cd "$root" && go build -ldflags "-X main.version=0.0.0-demo" -o "$build/terraform-provider-volcrtc" . \
  && go build -o "$build/volcrtc-emulator" ./cmd/volcrtc-emulator)

cli="$("$root/scripts/terraform-cli.sh")"
cli_version="$("$cli" version 2>/dev/null)"
echo "==> using ${cli_version%%$'\n'*} at $cli"

work="$(mktemp -d)"
emulator_pid=""
cleanup() {
  if [ -n "$emulator_pid" ]; then kill "$emulator_pid" 2>/dev/null || true; wait "$emulator_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
cp "$root/examples/demo/main.tf" "$work/"

# The project's own CLI config: dev_overrides for both registries' addresses.
cat > "$work/cli.tfrc" <<CFG
provider_installation {
  dev_overrides {
    "registry.terraform.io/volcrtc/volcrtc" = "$build"
    "registry.opentofu.org/volcrtc/volcrtc" = "$build"
  }
  direct {}
}
CFG
export TF_CLI_CONFIG_FILE="$work/cli.tfrc"

if [ -n "${VOLCENGINE_ACCESS_KEY:-}" ] && [ -n "${VOLCENGINE_SECRET_KEY:-}" ]; then
  echo "==> VOLCENGINE_ACCESS_KEY is set: reading the real API (set TF_VAR_app_id, TF_VAR_conversation_short_id, TF_VAR_participant_user_ids)"
else
  echo "==> no Volcengine credentials set: starting the emulator with examples/demo/fixtures.json"
  "$build/volcrtc-emulator" -listen 127.0.0.1:0 -fixtures "$root/examples/demo/fixtures.json" \
    -endpoint-file "$work/endpoint" >"$work/emulator.out" 2>"$work/emulator.log" &
  emulator_pid=$!
  for _ in $(seq 100); do [ -s "$work/endpoint" ] && break; sleep 0.1; done
  [ -s "$work/endpoint" ] || { cat "$work/emulator.out" "$work/emulator.log" >&2; echo "emulator did not start" >&2; exit 1; }
  VOLCENGINE_ENDPOINT="$(cat "$work/endpoint")"
  export VOLCENGINE_ENDPOINT
  export VOLCENGINE_ACCESS_KEY="AKLTDEMO00000000000000000001"
  export VOLCENGINE_SECRET_KEY="demo-secret-key-for-the-emulator-only"
  unset VOLCENGINE_SESSION_TOKEN VOLCENGINE_REGION
  echo "    emulator at $VOLCENGINE_ENDPOINT"
fi

cd "$work"
echo "==> $(basename "$cli") plan"
"$cli" plan -input=false -no-color
echo "==> $(basename "$cli") apply"
"$cli" apply -input=false -auto-approve -no-color
echo "==> members, as JSON for other tools"
"$cli" output -no-color -json members
echo "==> every member with their profile"
"$cli" output -no-color -json member_profiles
if [ -n "$emulator_pid" ]; then
  echo "==> requests the emulator answered"
  cat "$work/emulator.log"
fi

# The resources, against the emulator only: with real credentials the demo
# stops here, so that it never writes to a real account.
if [ -z "$emulator_pid" ]; then
  echo "==> real credentials: the managing half (create, plan a removal, destroy) runs against the emulator only; skipped"
  exit 0
fi
mkdir "$work/manage"
cp "$root/examples/demo/manage/main.tf" "$work/manage/"
cd "$work/manage"
echo "==> managing a group (examples/demo/manage): $(basename "$cli") apply creates it and its members"
"$cli" apply -input=false -auto-approve -no-color
conv="$("$cli" output -no-color -raw conversation_short_id)"
echo "==> user 4242 joins the group outside Terraform (the emulator's admin call)"
"$build/volcrtc-emulator" join -endpoint "$VOLCENGINE_ENDPOINT" -app 100001 -conversation "$conv" -user 4242
echo "==> $(basename "$cli") plan: refresh finds 4242, and the plan removes them by user ID"
"$cli" plan -input=false -no-color
echo "==> $(basename "$cli") apply removes 4242"
"$cli" apply -input=false -auto-approve -no-color
echo "==> $(basename "$cli") destroy removes what the demo made"
"$cli" destroy -input=false -auto-approve -no-color
