#!/usr/bin/env bash
# Copyright (c) The terraform-provider-volcrtc authors
# SPDX-License-Identifier: MPL-2.0
#
# make lint: golangci-lint with .golangci.yml, actionlint on the workflows,
# ShellCheck on the scripts, `terraform fmt -check` on the examples, and
# the repository's own rules. The Go tools are pinned in tools/pinned/*/go.mod
# and run with `go tool`.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
# shellcheck source=scripts/tool.sh
source scripts/tool.sh

tool golangci-lint run ./...

# go.mod and go.sum say what the code imports: go mod tidy changes nothing.
tidy_dir="$(mktemp -d)"
trap 'rm -rf "$tidy_dir"' EXIT
cp go.mod go.sum "$tidy_dir/"
go mod tidy
if ! git diff --quiet --no-index "$tidy_dir/go.mod" go.mod || ! git diff --quiet --no-index "$tidy_dir/go.sum" go.sum; then
  diff -u "$tidy_dir/go.mod" go.mod >&2 || true
  cp "$tidy_dir/go.mod" "$tidy_dir/go.sum" .
  echo "lint: go.mod or go.sum is not tidy: run go mod tidy" >&2; exit 1
fi

# Code that touches the OS must build and vet for every released system.
for os in darwin windows; do
  GOOS=$os go vet ./...
done

# ShellCheck comes from Debian's packages; CI runs as root on a fresh machine.
if ! command -v shellcheck >/dev/null 2>&1; then
  echo "installing shellcheck" >&2
  apt-get update -qq >&2 && apt-get install -y -qq shellcheck >&2
fi
shellcheck -x scripts/*.sh .ci/run
# actionlint also runs shellcheck on each workflow's run: steps.
tool actionlint

cli="$(scripts/terraform-cli.sh)"
CHECKPOINT_DISABLE=1 TF_CLI_CONFIG_FILE=/dev/null "$cli" fmt -check -recursive examples/

# Scripts run under pipefail: a pipe into a reader that quits early (head,
# grep -q) kills the writer with SIGPIPE and fails the run (exit 141).
if grep -nE '\|[[:space:]]*(head|grep[^|]*-[a-zA-Z]*q)' scripts/*.sh .ci/run; then
  echo "lint: a script pipes into a reader that quits early (see above)" >&2; exit 1
fi
# The repository holds sources, not build output: no tracked file over
# 1 MiB, and no tracked executable that is not a script (a #! line).
bad=0
while IFS= read -r -d '' f; do
  size=$(stat -c %s "$f")
  if [ "$size" -gt 1048576 ]; then echo "lint: $f is $size bytes, over 1 MiB" >&2; bad=1; fi
done < <(git ls-files -z)
while read -r mode _ _ f; do
  if [ "$mode" = 100755 ] && [ "$(head -c 2 "$f")" != '#!' ]; then
    echo "lint: $f is executable but not a script" >&2; bad=1
  fi
done < <(git ls-files -s)
[ "$bad" -eq 0 ] || exit 1
echo "lint: no findings"
