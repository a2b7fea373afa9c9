// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

//go:build unix

package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/emulator"
	"github.com/volcrtc/terraform-provider-volcrtc/internal/testutil"
)

// Ctrl-C while volcrtc_conversation_members adds a thousand members in
// calls of five: the writes stop between batches (the calls in flight get
// their answers), the apply fails saying it was interrupted, and the state
// lists exactly the members the API has.
func TestAccInterruptMembersApply(t *testing.T) {
	const conv = 8100000000000000001
	dir := t.TempDir()
	config := fmt.Sprintf(`terraform {
  required_providers {
    volcrtc = { source = "volcrtc/volcrtc" }
  }
}
provider "volcrtc" {
  max_batch_size = 5
}
resource "volcrtc_conversation_members" "big" {
  app_id                = 100001
  conversation_short_id = %d
  members               = { for i in range(2, 1002) : tostring(i) => {} }
}
`, int64(conv))
	if err := os.WriteFile(dir+"/main.tf", []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	fx, err := emulator.LoadFixtures("../../examples/demo/fixtures.json")
	if err != nil {
		t.Fatal(err)
	}
	typ, owner := int64(2), int64(1)
	fx.Apps[0].Conversations = append(fx.Apps[0].Conversations, emulator.Conversation{ConversationShortID: conv,
		ConversationType: &typ, OwnerUserID: &owner, Participants: []emulator.Participant{{ParticipantUserID: 1, Role: 1}}})
	c := newCLIWith(t, dir, fx, emulator.Options{Latency: 50 * time.Millisecond, MaxMembers: 2000})
	adds := func() int {
		n := 0
		for _, r := range c.emu.Requests() {
			if r.Action == emulator.ActionAddParticipants {
				n++
			}
		}
		return n
	}

	cmd := exec.Command(c.bin, "apply", "-auto-approve", "-input=false", "-no-color")
	cmd.Dir, cmd.Env = c.dir, c.env
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	var out testutil.SyncBuffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	testutil.WaitFor(t, func() bool { return adds() >= 20 })
	if err := syscall.Kill(-cmd.Process.Pid, syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	time.Sleep(500 * time.Millisecond)
	settled := adds()
	select {
	case err := <-exited:
		if err == nil {
			t.Fatalf("apply succeeded after Ctrl-C:\n%s", out.String())
		}
	case <-time.After(60 * time.Second):
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		t.Fatalf("apply did not stop within a minute of Ctrl-C:\n%s", out.String())
	}
	if n := adds(); n != settled || n >= 200 {
		t.Errorf("%d add calls in all, %d of them more than 0.5 s after Ctrl-C", n, n-settled)
	}
	if s := strings.Join(strings.Fields(out.String()), " "); !strings.Contains(s, "Apply interrupted; members partly written") ||
		!strings.Contains(s, "the apply was interrupted first") {
		t.Errorf("output does not say the apply was interrupted:\n%s", out.String())
	}

	// The state lists exactly who is in.
	var shown struct {
		Values struct {
			RootModule struct {
				Resources []struct {
					Values struct {
						Members map[string]json.RawMessage `json:"members"`
					} `json:"values"`
				} `json:"resources"`
			} `json:"root_module"`
		} `json:"values"`
	}
	if err := json.Unmarshal([]byte(c.run("show", "-json")), &shown); err != nil {
		t.Fatal(err)
	}
	if len(shown.Values.RootModule.Resources) != 1 {
		t.Fatalf("state holds %d resources, want the tainted members resource", len(shown.Values.RootModule.Resources))
	}
	var inState []int64
	for k := range shown.Values.RootModule.Resources[0].Values.Members {
		id, _ := strconv.ParseInt(k, 10, 64)
		inState = append(inState, id)
	}
	slices.Sort(inState)
	ps, _ := c.emu.Members(100001, conv)
	var inGroup []int64
	for _, p := range ps {
		if p.Role != 1 {
			inGroup = append(inGroup, p.ParticipantUserID)
		}
	}
	slices.Sort(inGroup)
	t.Logf("interrupted after %d add calls: %d of 1000 members in the group and in the state", settled, len(inGroup))
	if len(inGroup) == 0 || len(inGroup) >= 1000 || !slices.Equal(inState, inGroup) {
		t.Errorf("state lists %d members, the group holds %d (want the same, some but not all of 1000)", len(inState), len(inGroup))
	}
}
