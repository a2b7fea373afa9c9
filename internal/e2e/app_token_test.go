// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package e2e

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
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
	// Two tokens during plan, and two again during apply where the CLI
	// opens them there: OpenTofu 1.12 does not when the plan applies no
	// change.
	want := 2
	if strings.Contains(apply, "volcrtc_app_token.tester: Opening...") {
		want = 4
	}
	tokens := c.emu.Tokens()
	if len(tokens) < want || !strings.Contains(plan, "volcrtc_app_token.tester: Opening...") {
		t.Fatalf("%d tokens issued, want %d; the ephemeral resources were not opened:\n%s\n%s", len(tokens), want, plan, apply)
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

// A hostile answer to GetAppToken that carries a token (a 502 gateway page
// quoting the upstream's answer, a 200 body cut short after the token)
// fails the plan, and under TF_LOG=TRACE the token is nowhere: not in the
// CLI's output, not in the trace log, not in any file the run wrote. The
// error says what was wrong, with the status and the size.
func TestAccAppTokenBrokenAnswerNeverShown(t *testing.T) {
	const leaked = "emu-token-0f1e2d3c4b5a69788796a5b4c3d2e1f0"
	page := "<html><body><h1>502 Bad Gateway</h1><pre>upstream answered: " +
		`{"ResponseMetadata":{"RequestId":"up-1"},"Result":{"Token":"` + leaked + `"}}</pre></body></html>`
	cut := `{"ResponseMetadata":{"RequestId":"r-cut"},"Result":{"Token":"` + leaked + `"`
	config := `terraform {
  required_providers {
    volcrtc = { source = "volcrtc/volcrtc" }
  }
}
ephemeral "volcrtc_app_token" "tester" {
  app_id  = 100001
  user_id = 10001
}
`
	for name, tc := range map[string]struct {
		fault emulator.Fault
		want  string
	}{
		"502 page": {emulator.Fault{Status: 502, RawBody: page},
			fmt.Sprintf("unexpected response: %d bytes, not shown", len(page))},
		"200 cut short": {emulator.Fault{Status: 200, RawBody: cut},
			fmt.Sprintf("response is not valid JSON: %d bytes, not shown", len(cut))},
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(config), 0o600); err != nil {
				t.Fatal(err)
			}
			c := ephemeralCLI(t, newCLI(t, dir, emulator.Options{}))
			logPath := filepath.Join(c.dir, "trace.log")
			c.setenv("TF_LOG", "TRACE")
			c.setenv("TF_LOG_PATH", logPath)
			c.emu.FailAction("GetAppToken", &tc.fault)
			out, err := c.try(context.Background(), "plan", "-input=false", "-no-color")
			if err == nil || !strings.Contains(strings.Join(strings.Fields(out), " "), tc.want) {
				t.Fatalf("plan did not fail saying %q (%v):\n%s", tc.want, err, out)
			}
			logBytes := mustRead(t, logPath)
			if !bytes.Contains(logBytes, []byte("volcrtc API error")) || !bytes.Contains(logBytes, []byte("[TRACE]")) {
				t.Fatalf("the trace log lacks the provider's own lines; it proves nothing (%d bytes)", len(logBytes))
			}
			check := func(where string, b []byte) {
				if bytes.Contains(b, []byte(leaked)) || bytes.Contains(b, []byte(leaked[:20])) {
					t.Errorf("the token is in %s", where)
				}
			}
			check("the CLI output", []byte(out))
			err = filepath.WalkDir(c.dir, func(path string, d fs.DirEntry, err error) error {
				if err != nil || d.IsDir() {
					return err
				}
				check(path, mustRead(t, path))
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}
