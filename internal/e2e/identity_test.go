// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/emulator"
)

// identityConfig is two groups the configuration creates: one with its
// members listed, one with a single managed member.
func identityConfig(nick string) string {
	return fmt.Sprintf(`terraform {
  required_providers {
    volcrtc = { source = "volcrtc/volcrtc" }
  }
}

resource "volcrtc_conversation" "listed" {
  app_id              = 100001
  owner_user_id       = 10001
  name                = "listed-%[1]s"
  deletion_protection = false
}

resource "volcrtc_conversation_members" "listed" {
  app_id                = 100001
  conversation_short_id = volcrtc_conversation.listed.conversation_short_id
  members = {
    "10002" = { nick_name = %[1]q }
  }
}

resource "volcrtc_conversation" "single" {
  app_id              = 100001
  owner_user_id       = 10001
  name                = "single-%[1]s"
  deletion_protection = false
}

resource "volcrtc_conversation_member" "single" {
  app_id                = 100001
  conversation_short_id = volcrtc_conversation.single.conversation_short_id
  user_id               = 10003
  nick_name             = %[1]q
}
`, nick)
}

// stateFile is the parts of terraform.tfstate (format 4) this test reads.
type stateFile map[string]any

func (c *cli) readState() stateFile {
	c.t.Helper()
	var st stateFile
	// json.Number: the IDs are above 2^53, a float64 would change them.
	dec := json.NewDecoder(bytes.NewReader(mustRead(c.t, filepath.Join(c.dir, "terraform.tfstate"))))
	dec.UseNumber()
	if err := dec.Decode(&st); err != nil {
		c.t.Fatal(err)
	}
	return st
}

// instances maps each resource address to its one instance object.
func (st stateFile) instances() map[string]map[string]any {
	out := map[string]map[string]any{}
	resources, _ := st["resources"].([]any)
	for _, r := range resources {
		r, _ := r.(map[string]any)
		insts, _ := r["instances"].([]any)
		if len(insts) == 1 {
			out[fmt.Sprint(r["type"], ".", r["name"])], _ = insts[0].(map[string]any)
		}
	}
	return out
}

// identities is each resource's identity as "app_id/conversation_short_id
// [/user_id]", "" for none.
func (st stateFile) identities() map[string]string {
	out := map[string]string{}
	for addr, inst := range st.instances() {
		id, _ := inst["identity"].(map[string]any)
		var parts []string
		for _, k := range []string{"app_id", "conversation_short_id", "user_id"} {
			if v, ok := id[k]; ok {
				parts = append(parts, fmt.Sprint(v))
			}
		}
		out[addr] = strings.Join(parts, "/")
	}
	return out
}

// stripIdentity rewrites the state as a build without identity wrote it:
// the same state without the instances' "identity" and
// "identity_schema_version", one serial later.
func (c *cli) stripIdentity() {
	c.t.Helper()
	st := c.readState()
	for _, inst := range st.instances() {
		delete(inst, "identity")
		delete(inst, "identity_schema_version")
	}
	n, _ := st["serial"].(json.Number)
	serial, err := n.Int64()
	if err != nil {
		c.t.Fatalf("state serial %q: %v", n, err)
	}
	st["serial"] = serial + 1
	b, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		c.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(c.dir, "terraform.tfstate"), b, 0o600); err != nil {
		c.t.Fatal(err)
	}
	for addr, id := range c.readState().identities() {
		if id != "" {
			c.t.Fatalf("%s still has identity %s", addr, id)
		}
	}
}

// The identity each resource of identityConfig should have, from the IDs
// in its state.
func (c *cli) wantIdentities() map[string]string {
	c.t.Helper()
	out := map[string]string{}
	for addr, inst := range c.readState().instances() {
		attrs, _ := inst["attributes"].(map[string]any)
		out[addr] = fmt.Sprint(attrs["id"])
	}
	return out
}

// States written before identity existed, on a CLI that stores it:
// `apply -refresh=false` that updates each resource (the update is planned
// without an identity: hashicorp/terraform-provider-aws#44376), a refresh
// that finds a member gone, and a plain refresh each leave every resource
// with its identity and no error.
func TestAccIdentityOnOldStates(t *testing.T) {
	src := t.TempDir()
	if err := os.WriteFile(filepath.Join(src, "main.tf"), []byte(identityConfig("a")), 0o600); err != nil {
		t.Fatal(err)
	}
	c := newCLI(t, src, emulator.Options{})
	c.requireVersion(t, "resource identity", 12, 12)
	apply := func(args ...string) string {
		return c.run(append([]string{"apply", "-auto-approve", "-input=false", "-no-color"}, args...)...)
	}
	apply()
	want := c.wantIdentities()
	if len(want) != 4 {
		t.Fatalf("state holds %v", want)
	}
	check := func(when string, except ...string) {
		t.Helper()
		got := c.readState().identities()
		for addr, id := range want {
			if !contains(except, addr) && got[addr] != id {
				t.Errorf("%s: %s has identity %q, want %q", when, addr, got[addr], id)
			}
		}
	}
	check("after create")

	c.stripIdentity()
	if err := os.WriteFile(filepath.Join(c.dir, "main.tf"), []byte(identityConfig("b")), 0o600); err != nil {
		t.Fatal(err)
	}
	if out := apply("-refresh=false"); !strings.Contains(out, "0 added, 4 changed, 0 destroyed") {
		t.Fatalf("apply -refresh=false:\n%s", out)
	}
	check("after apply -refresh=false")

	c.stripIdentity()
	single := want["volcrtc_conversation_member.single"]
	var app, conv, user int64
	if _, err := fmt.Sscanf(single, "%d/%d/%d", &app, &conv, &user); err != nil {
		t.Fatal(err)
	}
	if err := c.emu.RemoveMember(app, conv, user); err != nil {
		t.Fatal(err)
	}
	out := strings.Join(strings.Fields(apply("-refresh-only")), " ")
	if !strings.Contains(out, "Warning: No longer a member") || strings.Contains(out, "Error") {
		t.Fatalf("apply -refresh-only:\n%s", out)
	}
	if _, ok := c.readState().instances()["volcrtc_conversation_member.single"]; ok {
		t.Error("the member who left is still in state")
	}
	check("after a refresh that removed a member", "volcrtc_conversation_member.single")

	c.stripIdentity()
	if plan := c.run("plan", "-input=false", "-no-color"); !strings.Contains(plan, "1 to add, 0 to change, 0 to destroy") {
		t.Fatalf("plan:\n%s", plan)
	}
	apply()
	check("after the member was added again")
	c.run("destroy", "-auto-approve", "-input=false", "-no-color")
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
