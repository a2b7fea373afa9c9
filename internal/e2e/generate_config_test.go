// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/emulator"
)

// `plan -generate-config-out` with plain import blocks writes, for each of
// the three resources, configuration that is valid and, applied, imports
// them with no write and leaves nothing to change: texts with quotes, ${
// and %{, 64-bit IDs and empty fields (examples/adopt-groups' fixtures).
func TestAccGenerateConfig(t *testing.T) {
	src := t.TempDir()
	const imports = `terraform {
  required_providers {
    volcrtc = { source = "volcrtc/volcrtc" }
  }
}

import {
  to = volcrtc_conversation.payments
  id = "100001/7000000000000000101"
}

import {
  to = volcrtc_conversation.storage
  id = "100001/7000000000000000103"
}

import {
  to = volcrtc_conversation_members.payments
  id = "100001/7000000000000000101"
}

import {
  to = volcrtc_conversation_member.search
  id = "100001/7000000000000000102/10003"
}
`
	if err := os.WriteFile(filepath.Join(src, "main.tf"), []byte(imports), 0o600); err != nil {
		t.Fatal(err)
	}
	fx, err := emulator.LoadFixtures("../../examples/adopt-groups/fixtures.json")
	if err != nil {
		t.Fatal(err)
	}
	c := newCLIWith(t, src, fx, emulator.Options{})
	c.requireVersion(t, "plan -generate-config-out", 5, 6)
	c.run("plan", "-input=false", "-no-color", "-generate-config-out=generated.tf")
	generated := string(mustRead(t, filepath.Join(c.dir, "generated.tf")))
	for _, want := range []string{
		`owner_user_id = 9007199254740993`,
		`notice = "Runbook: $${RUNBOOK_URL}"`,
		`nick_name = "Quote \" and $${not_a_template}"`,
		`k = "%%{ if x }"`,
		`9007199254740993 = {`, // quoted or not: both CLIs' forms are valid keys
	} {
		if !strings.Contains(strings.ReplaceAll(strings.Join(strings.Fields(generated), " "), `" = {`, ` = {`), want) {
			t.Errorf("generated.tf lacks %s:\n%s", want, generated)
		}
	}
	c.run("validate", "-no-color")
	apply := strings.Join(strings.Fields(c.run("apply", "-auto-approve", "-input=false", "-no-color")), " ")
	if !strings.Contains(apply, "4 imported, 0 added, 0 changed, 0 destroyed") {
		t.Errorf("apply of the generated configuration:\n%s", apply)
	}
	if w := writesOf(c.emu); len(w) != 0 {
		t.Errorf("importing wrote: %v", w)
	}
	if plan := c.run("plan", "-input=false", "-no-color"); !strings.Contains(plan, "No changes.") {
		t.Errorf("the plan after the import is not empty:\n%s\ngenerated.tf:\n%s", plan, generated)
	}
}
