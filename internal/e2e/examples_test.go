// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package e2e

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/emulator"
)

// Every example directory plans and applies against the emulator, and
// its outputs are what its comments promise.
func TestAccExamples(t *testing.T) {
	// What some examples must show; every example directory runs, listed
	// here or not.
	expect := []struct {
		dir     string
		outputs map[string]any // JSON values of `output -json`
		stdout  string         // must appear in apply's output
	}{
		{dir: "demo", stdout: "Not members of the conversation: 4242.", outputs: map[string]any{
			"missing_user_ids": []any{4242.0},
			"all_member_ids":   []any{10001.0, 10002.0, 9007199254740993.0},
			"conversation": map[string]any{"platform-oncall": map[string]any{
				"type": "group", "owner_user_id": 10001.0, "member_count": 3.0, "created": "2022-11-29T04:03:39Z"}},
			"member_profiles": []any{
				map[string]any{"user_id": 10001.0, "role": "owner", "nick_name": "NickName1", "profile_name": "NickName1", "is_robot": false},
				map[string]any{"user_id": 10002.0, "role": "member", "nick_name": "NickName2", "profile_name": "NickName2", "is_robot": false},
				map[string]any{"user_id": 9007199254740993.0, "role": "admin", "nick_name": "Admin with an ID above 2^53",
					"profile_name": "deploy-bot", "is_robot": true},
			},
			"muted": map[string]any{"10002": "2030-01-01T00:00:00Z"},
		}},
		{dir: "outputs", outputs: map[string]any{"member_count": 3.0, "owner_user_ids": []any{10001.0}}},
		{dir: "module-input", outputs: map[string]any{
			"roster": []any{"10001: NickName1 (owner)", "10002: NickName2 (member)", "9007199254740993: Admin with an ID above 2^53 (admin)"},
			"admins": []any{"10001", "9007199254740993"},
		}},
		{dir: "check-missing", outputs: map[string]any{"missing_user_ids": []any{4242.0}}, stdout: "Not in the on-call conversation: [4242]."},
		{dir: "env-credentials", outputs: map[string]any{"nick_name": "NickName1"}},
		{dir: "emulator-module"},
		{dir: "mock-module"},
		{dir: "data-sources/volcrtc_conversation_participants", stdout: "Not members: [4242]", outputs: map[string]any{"member_count": 3.0}},
		{dir: "data-sources/volcrtc_conversations", stdout: "Unknown or dissolved: [4242]", outputs: map[string]any{"oncall_owner": 10001.0}},
		{dir: "data-sources/volcrtc_users", stdout: "Not registered: [4242]", outputs: map[string]any{"humans": []any{"NickName1", "NickName2"}}},
		{dir: "data-sources/volcrtc_user_conversations", outputs: map[string]any{
			"bot_conversations": map[string]any{"7000000000000000001": "platform-oncall"}}},
		{dir: "data-sources/volcrtc_conversation_block_list", outputs: map[string]any{
			"muted_until": map[string]any{"10002": "2030-01-01T00:00:00Z"}}},
		{dir: "manage-group", outputs: map[string]any{
			"admins": []any{"9007199254740993"}, "member_count": 4.0,
			"auditor":  "10004 in 7000000000000000001 (member)",
			"notifier": "100001/900001 bot in the team as member",
		}},
		{dir: "adopt-groups", stdout: "Apply complete! Resources: 6 imported, 0 added, 0 changed, 0 destroyed.", outputs: map[string]any{
			"adopted": map[string]any{
				"payments": map[string]any{"id": "100001/7000000000000000101", "members": 2.0},
				"search":   map[string]any{"id": "100001/7000000000000000102", "members": 1.0},
				"storage":  map[string]any{"id": "100001/7000000000000000103", "members": 1.0},
			}}},
		{dir: "resources/volcrtc_conversation"},
		{dir: "resources/volcrtc_conversation_members", outputs: map[string]any{"admins": []any{"9007199254740993"}}},
		{dir: "resources/volcrtc_conversation_member"},
		{dir: "resources/volcrtc_user"},
		{dir: "resources/volcrtc_conversation_block_list"},
		{dir: "resources/volcrtc_conversation_whitelist"},
		{dir: "data-sources/volcrtc_conversation_whitelist", outputs: map[string]any{"speaker_ids": []any{}}},
		{dir: "live-group", outputs: map[string]any{
			"speakers":      []any{"10001", "10002"},
			"blocked_until": map[string]any{"10666": "2030-01-01T00:00:00Z"},
		}},
		{dir: "whole-conversation", outputs: map[string]any{
			"conversation_name": "platform-oncall", "owner_user_id": 10001.0, "member_count": 3.0,
			"badges": []any{"10001: NickName1 [owner]", "10002: NickName2 [member]", "9007199254740993: Admin with an ID above 2^53 [admin]"},
		}},
	}
	type expectation = struct {
		outputs map[string]any
		stdout  string
	}
	byDir := map[string]expectation{}
	for _, e := range expect {
		byDir[e.dir] = expectation{e.outputs, e.stdout}
	}
	dirs := exampleDirs(t)
	for dir := range byDir {
		if !slices.Contains(dirs, dir) {
			t.Errorf("expectations for examples/%s, which does not exist", dir)
		}
	}
	for _, dir := range dirs {
		tc := struct {
			dir string
			expectation
		}{dir, byDir[dir]}
		t.Run(tc.dir, func(t *testing.T) {
			c := exampleCLI(t, tc.dir)
			c.pickImportExample()
			if tc.dir == "adopt-groups" {
				c.requireVersion(t, "import blocks with for_each", 7, 7)
			}
			if strings.HasPrefix(tc.dir, "ephemeral-resources/") {
				c = ephemeralCLI(t, c)
			}
			switch tc.dir {
			case "emulator-module":
				testModuleSuite(t, c)
				return
			case "mock-module":
				testMockSuite(t, c)
				return
			}
			// init would ask the registry for the provider; get only installs
			// local modules.
			c.run("get", "-no-color")
			c.run("validate", "-no-color")
			c.run("plan", "-input=false", "-no-color")
			out := c.run("apply", "-auto-approve", "-input=false", "-no-color")
			if tc.stdout != "" && !strings.Contains(strings.Join(strings.Fields(out), " "), tc.stdout) {
				t.Errorf("apply output lacks %q:\n%s", tc.stdout, out)
			}
			var got map[string]struct{ Value any }
			if err := json.Unmarshal([]byte(c.run("output", "-json")), &got); err != nil {
				t.Fatal(err)
			}
			for name, want := range tc.outputs {
				if !reflect.DeepEqual(got[name].Value, want) {
					t.Errorf("output %s = %#v, want %#v", name, got[name].Value, want)
				}
			}
			if st := c.emu.Stats(); st.OK == 0 || st.Total != st.OK {
				t.Errorf("emulator saw %+v", st)
			}
			if tc.dir == "adopt-groups" {
				// Adoption writes nothing and leaves nothing to change.
				if w := writesOf(c.emu); len(w) != 0 {
					t.Errorf("adopting the groups wrote: %v", w)
				}
				if plan := c.run("plan", "-input=false", "-no-color"); !strings.Contains(plan, "No changes.") {
					t.Errorf("the plan after adopting them is not empty:\n%s", plan)
				}
			}
			if tc.dir == "manage-group" {
				// The module's mocked suite, as its users run it offline.
				t.Run("mocked suite", func(t *testing.T) {
					testMockSuite(t, newCLI(t, filepath.Join("../../examples", tc.dir), emulator.Options{}))
				})
			}
		})
	}
}

// exampleCLI is a CLI in a copy of examples/dir, on an emulator serving
// the example's own fixtures.json when it has one, the demo's otherwise.
func exampleCLI(t *testing.T, dir string) *cli {
	t.Helper()
	src := filepath.Join("../../examples", dir)
	if _, err := os.Stat(filepath.Join(src, "fixtures.json")); err != nil || dir == "demo" {
		return newCLI(t, src, emulator.Options{})
	}
	fx, err := emulator.LoadFixtures(filepath.Join(src, "fixtures.json"))
	if err != nil {
		t.Fatal(err)
	}
	return newCLIWith(t, src, fx, emulator.Options{})
}

// writesOf lists the write calls the emulator received, as "Action body".
func writesOf(emu *emulator.Server) []string {
	var out []string
	for _, r := range emu.Requests() {
		switch r.Action {
		case emulator.ActionCreateConversation, emulator.ActionModifyConversation, emulator.ActionDestroyConversation,
			emulator.ActionAddParticipants, emulator.ActionModifyParticipants, emulator.ActionRemoveParticipants:
			out = append(out, r.Action+" "+r.RawBody)
		}
	}
	return out
}

// pickImportExample keeps the import example the CLI takes: an import
// block by identity (import-by-identity.tf) on Terraform and OpenTofu
// 1.12+, in place of the one by ID string (import-by-string-id.tf), which
// imports the same object; the ID string elsewhere. So CI runs each on
// one of its CLIs.
func (c *cli) pickImportExample() {
	c.t.Helper()
	drop := "import-by-identity.tf"
	if c.atLeast(12, 12) {
		drop = "import-by-string-id.tf"
		if _, err := os.Stat(filepath.Join(c.dir, "import-by-identity.tf")); err != nil {
			return
		}
	}
	if err := os.Remove(filepath.Join(c.dir, drop)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		c.t.Fatal(err)
	}
}

// exampleDirs are the example configurations: each directory of examples/
// and of its data-sources/, resources/ and ephemeral-resources/ (the docs'
// snippets), but the provider block's snippet.
func exampleDirs(t *testing.T) []string {
	t.Helper()
	var dirs []string
	for _, parent := range []string{"", "data-sources", "resources", "ephemeral-resources"} {
		entries, err := os.ReadDir(filepath.Join("../../examples", parent))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			name := filepath.ToSlash(filepath.Join(parent, e.Name()))
			if e.IsDir() && name != "provider" && name != "data-sources" && name != "resources" && name != "ephemeral-resources" {
				dirs = append(dirs, name)
			}
		}
	}
	if len(dirs) < 10 {
		t.Fatalf("only %d example directories found: %v", len(dirs), dirs)
	}
	return dirs
}

// The module's own test suite, as a user runs it offline.
func testModuleSuite(t *testing.T, c *cli) {
	c.requireVersion(t, "a .tftest.hcl suite", 6, 6)
	out := c.run("test", "-no-color")
	if !strings.Contains(out, "2 passed, 0 failed") {
		t.Fatalf("test output:\n%s", out)
	}
	if st := c.emu.Stats(); st.OK < 2 {
		t.Errorf("emulator saw %+v", st)
	}
}

// The mocked suite: no emulator call at all, real nested values in
// mock_data and override_data.
func testMockSuite(t *testing.T, c *cli) {
	c.requireVersion(t, "mock_provider (the mocked suite)", 7, 8)
	out := c.run("test", "-no-color")
	if !strings.Contains(out, "2 passed, 0 failed") {
		t.Fatalf("test output:\n%s", out)
	}
	if st := c.emu.Stats(); st.Total != 0 {
		t.Errorf("a mocked suite reached the emulator: %+v", st)
	}
}
