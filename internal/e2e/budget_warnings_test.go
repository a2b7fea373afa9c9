// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package e2e

import (
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/emulator"
	"github.com/volcrtc/terraform-provider-volcrtc/internal/imclient"
)

// writeConfig writes config as the only .tf file of a new directory.
func writeConfig(t *testing.T, config string) string {
	t.Helper()
	dir := t.TempDir()
	config = "terraform {\n  required_providers {\n    volcrtc = { source = \"volcrtc/volcrtc\" }\n  }\n}\n" + config
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	return dir
}

// closedRedis is the URL of a Redis that refuses connections (a port
// that was just listened on and closed), with password.
func closedRedis(t *testing.T, password string) (url, addr string) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr = l.Addr().String()
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	return "redis://:" + password + "@" + addr + "/0", addr
}

// An invalid budget_redis_url written in the provider block fails the
// run naming the attribute, and its password reaches neither the terminal
// (Terraform prints the source line of an attribute a diagnostic names)
// nor the TRACE log.
func TestAccBudgetRedisURLNeverShown(t *testing.T) {
	const password = "pw-on-screen-4c1e"
	for name, url := range map[string]string{
		"wrong scheme": "http://user:" + password + "@127.0.0.1:6379",
		"bad database": "redis://user:" + password + "@127.0.0.1:6379/notadb",
	} {
		t.Run(name, func(t *testing.T) {
			c := newCLI(t, writeConfig(t, `
provider "volcrtc" {
  budget_redis_url = "`+url+`"
}
data "volcrtc_conversation_participants" "one" {
  app_id                = 100001
  conversation_short_id = 7000000000000000001
  participant_user_ids  = [10001]
}
`), emulator.Options{})
			logFile := filepath.Join(t.TempDir(), "trace.log")
			c.setenv("TF_LOG", "TRACE")
			c.setenv("TF_LOG_PATH", logFile)
			out, err := c.try(t.Context(), "plan", "-input=false", "-no-color")
			if err == nil || !strings.Contains(out, "Invalid budget_redis_url") {
				t.Fatalf("plan did not fail on the URL (%v):\n%s", err, out)
			}
			logs := string(mustRead(t, logFile))
			for where, text := range map[string]string{"output": out, "TRACE log": logs} {
				if i := strings.Index(text, password); i >= 0 {
					t.Fatalf("the password is in the %s: %q", where, text[max(0, i-300):i+len(password)])
				}
			}
			if !strings.Contains(logs, "[TRACE]") {
				t.Fatal("the TRACE log is empty: it proves nothing")
			}
		})
	}
}

const (
	redisWarning = "Request budget not shared through Redis"
	fileWarning  = "Request budget not shared"
)

// memberConfig is one member of the demo's group: its plan (ModifyPlan),
// create, refresh and destroy each call the API.
const memberConfig = `
resource "volcrtc_conversation_member" "auditor" {
  app_id                = 100001
  conversation_short_id = 7000000000000000001
  user_id               = 10004
  nick_name             = "Auditor"
}
`

// A configuration of resources alone falls back from an unusable Redis
// to its own budget with the warning in every run that calls the API,
// whichever operation of the resource calls it (ModifyPlan in a plan,
// Create and Delete in an apply of a saved plan, Read in a refresh), and
// never shows the URL's password.
func TestAccBudgetFallbackWarnsResources(t *testing.T) {
	const password = "fallback-pw-93b1"
	url, addr := closedRedis(t, password)
	c := newCLI(t, writeConfig(t, memberConfig), emulator.Options{})
	c.setenv("VOLCRTC_BUDGET_REDIS_URL", url)
	// A destroy planned without a refresh calls nothing, and has nothing
	// to warn of; its apply removes the member.
	for _, args := range [][]string{
		{"plan", "-input=false", "-no-color", "-out=create.tfplan"},
		{"apply", "-input=false", "-no-color", "create.tfplan"},
		{"plan", "-refresh-only", "-input=false", "-no-color"},
		{"plan", "-destroy", "-refresh=false", "-input=false", "-no-color", "-out=destroy.tfplan"},
		{"apply", "-input=false", "-no-color", "destroy.tfplan"},
	} {
		before := c.emu.Stats().Total
		out := c.run(args...)
		called := c.emu.Stats().Total > before
		if warned := strings.Contains(out, redisWarning) && strings.Contains(out, addr); warned != called {
			t.Fatalf("%s: called the API %v, warned naming Redis at %s %v:\n%s", strings.Join(args, " "), called, addr, warned, out)
		}
		if strings.Contains(out, password) {
			t.Fatalf("%s: the password in the output:\n%s", strings.Join(args, " "), out)
		}
	}
	removed := slices.ContainsFunc(c.emu.Requests(), func(r emulator.Request) bool { return r.Action == imclient.ActionRemoveParticipants })
	if !removed {
		t.Fatal("the destroy removed no member")
	}
}

// A machine-wide budget that cannot be used (its directory is a file)
// warns a configuration of resources alone too.
func TestAccBudgetFileFallbackWarnsResources(t *testing.T) {
	c := newCLI(t, writeConfig(t, memberConfig), emulator.Options{})
	notDir := filepath.Join(t.TempDir(), "a-file")
	if err := os.WriteFile(notDir, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	c.setenv("VOLCRTC_BUDGET_DIR", notDir)
	if out := c.run("apply", "-auto-approve", "-input=false", "-no-color"); !strings.Contains(out, fileWarning) {
		t.Fatalf("no warning:\n%s", out)
	}
}

// volcrtc_app_token, the only thing a configuration calls the API for,
// gives the warning of both fallbacks.
func TestAccBudgetFallbackWarnsAppToken(t *testing.T) {
	for name, setup := range map[string]func(t *testing.T, c *cli) string{
		"redis": func(t *testing.T, c *cli) string {
			url, _ := closedRedis(t, "token-pw")
			c.setenv("VOLCRTC_BUDGET_REDIS_URL", url)
			return redisWarning
		},
		"file": func(t *testing.T, c *cli) string {
			notDir := filepath.Join(t.TempDir(), "a-file")
			if err := os.WriteFile(notDir, nil, 0o600); err != nil {
				t.Fatal(err)
			}
			c.setenv("VOLCRTC_BUDGET_DIR", notDir)
			return fileWarning
		},
	} {
		t.Run(name, func(t *testing.T) {
			c := newCLI(t, writeConfig(t, `
ephemeral "volcrtc_app_token" "tester" {
  app_id  = 100001
  user_id = 10001
}
`), emulator.Options{})
			c = ephemeralCLI(t, c)
			want := setup(t, c)
			out := c.run("plan", "-input=false", "-no-color")
			if !strings.Contains(out, want) || c.emu.Stats().OK == 0 {
				t.Fatalf("%+v, no warning %q:\n%s", c.emu.Stats(), want, out)
			}
		})
	}
}
