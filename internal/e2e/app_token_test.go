// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/emulator"
)

// supportsEphemeral reports whether the CLI has ephemeral resources
// (Terraform 1.10+, OpenTofu 1.11+).
func (c *cli) supportsEphemeral() bool { return c.atLeast(10, 11) }

// ephemeralCLI is c, or, when c is too old for ephemeral resources, the
// Terraform on PATH if it has them; the test skips otherwise.
func ephemeralCLI(t *testing.T, c *cli) *cli {
	t.Helper()
	if c.supportsEphemeral() {
		return c
	}
	if bin, err := exec.LookPath("terraform"); err == nil {
		other := *c
		other.bin, other.name = bin, "terraform"
		if other.supportsEphemeral() {
			return &other
		}
	}
	t.Skipf("ephemeral resources need Terraform 1.10 or later, or OpenTofu 1.11 or later; %s is older and no newer terraform is on PATH", c.bin)
	return nil
}

// The token of volcrtc_app_token reaches the configuration and never the
// plan, the state or `show -json`.
func TestAccAppTokenNeverStored(t *testing.T) {
	dir := t.TempDir()
	config := `terraform {
  required_providers {
    volcrtc = { source = "volcrtc/volcrtc" }
  }
}
ephemeral "volcrtc_app_token" "tester" {
  app_id    = 100001
  user_id   = 10001
  valid_for = "2h"
}
ephemeral "volcrtc_app_token" "by_name" {
  app_id      = 100001
  user_id_str = "tester"
}
# An ephemeral output of a module may carry it on.
module "login" {
  source = "./login"
  token  = ephemeral.volcrtc_app_token.tester.token
  until  = ephemeral.volcrtc_app_token.tester.expires_at
}
`
	login := `variable "token" {
  type      = string
  ephemeral = true
}
variable "until" {
  type      = string
  ephemeral = true
}
output "token" {
  value     = var.token
  ephemeral = true
  precondition {
    condition     = length(var.token) > 0 && timecmp(var.until, plantimestamp()) > 0
    error_message = "No token, or one that has expired."
  }
}
`
	if err := os.MkdirAll(filepath.Join(dir, "login"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "login", "main.tf"), []byte(login), 0o600); err != nil {
		t.Fatal(err)
	}
	c := ephemeralCLI(t, newCLI(t, dir, emulator.Options{}))
	c.run("get", "-no-color")
	plan := c.run("plan", "-out=tfplan", "-input=false", "-no-color")
	apply := c.run("apply", "-input=false", "-no-color", "tfplan")
	show := c.run("show", "-json")
	showPlan := c.run("show", "-json", "tfplan")
	state, err := os.ReadFile(filepath.Join(c.dir, "terraform.tfstate"))
	if err != nil {
		t.Fatal(err)
	}
	planFile, err := os.ReadFile(filepath.Join(c.dir, "tfplan"))
	if err != nil {
		t.Fatal(err)
	}
	tokens := c.emu.Tokens()
	if len(tokens) < 4 { // two tokens, during plan and again during apply
		t.Fatalf("%d tokens issued; the ephemeral resources were not opened:\n%s\n%s", len(tokens), plan, apply)
	}
	for _, tok := range tokens {
		for name, text := range map[string]string{"plan output": plan, "apply output": apply, "show -json": show,
			"show -json of the plan": showPlan, "state": string(state), "plan file": string(planFile)} {
			if strings.Contains(text, tok) {
				t.Errorf("the token is in the %s", name)
			}
		}
	}
	for _, r := range c.emu.Requests() {
		if r.Action == "GetAppToken" && strings.Contains(r.RawBody, `"UserId":10001`) && !strings.Contains(r.RawBody, `"ExpireTime":`) {
			t.Errorf("request without ExpireTime: %s", r.RawBody)
		}
	}
}
