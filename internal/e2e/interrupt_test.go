// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package e2e

import (
	"bytes"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/emulator"
	"github.com/volcrtc/terraform-provider-volcrtc/internal/testutil"
)

// Ctrl-C during a plan: the CLI stops the provider, the calls in flight
// are abandoned and the queued ones are never sent.
func TestAccInterruptDuringPlan(t *testing.T) {
	dir := t.TempDir()
	config := `terraform {
  required_providers {
    volcrtc = { source = "volcrtc/volcrtc" }
  }
}
provider "volcrtc" {
  max_batch_size = 1
}
data "volcrtc_conversation_participants" "slow" {
  app_id                = 100001
  conversation_short_id = 7000000000000000001
  participant_user_ids  = range(1, 101)
}
`
	if err := os.WriteFile(dir+"/main.tf", []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	c := newCLI(t, dir, emulator.Options{Latency: time.Hour})

	cmd := exec.Command(c.bin, "plan", "-input=false", "-no-color")
	cmd.Dir, cmd.Env = c.dir, c.env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()

	// 100 calls of one ID, 16 at a time: wait until the first ones hang.
	testutil.WaitFor(t, func() bool { return c.emu.InFlight() > 0 })
	time.Sleep(200 * time.Millisecond) // let the budget release more calls
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		if err == nil {
			t.Fatalf("plan succeeded after Ctrl-C:\n%s", out.String())
		}
	case <-time.After(60 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatalf("plan did not stop within a minute of Ctrl-C:\n%s", out.String())
	}
	testutil.WaitFor(t, func() bool { return c.emu.InFlight() == 0 })
	st := c.emu.Stats()
	if st.Canceled == 0 || st.OK != 0 || st.Total > 16 {
		t.Errorf("want only the calls in flight (at most 16), all abandoned; got %+v", st)
	}
	if s := strings.Join(strings.Fields(out.String()), " "); !strings.Contains(s, "Read canceled") && !strings.Contains(s, "context canceled") {
		t.Errorf("output does not say the read was canceled:\n%s", out.String())
	}
}
