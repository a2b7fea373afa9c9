// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

//go:build unix

package e2e

import (
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/emulator"
	"github.com/volcrtc/terraform-provider-volcrtc/internal/testutil"
)

// Ctrl-C during apply, as a terminal sends it: to the whole process group.
// Terraform sends no StopProvider while an apply reads data sources, and
// its call's context ends only when it exits; the interrupt reaches the
// plugin too, which stops the scan, its look-ahead and every call in
// flight within half a second. Terraform then reports the read canceled.
func TestAccInterruptDuringApply(t *testing.T) {
	dir := t.TempDir()
	config := `terraform {
  required_providers {
    volcrtc = { source = "volcrtc/volcrtc" }
  }
}
provider "volcrtc" {
  max_qps = 100
}
data "volcrtc_conversation_participants" "all" {
  app_id                = 100001
  conversation_short_id = 8000000000000000001
}
output "members" { value = length(data.volcrtc_conversation_participants.all.participants) }
`
	if err := os.WriteFile(dir+"/main.tf", []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	fx, err := emulator.LoadFixtures("../../examples/demo/fixtures.json")
	if err != nil {
		t.Fatal(err)
	}
	c := newCLIWith(t, dir, emulator.WithMembers(fx, 8000000000000000001, 100000), emulator.Options{Latency: 50 * time.Millisecond})
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

	// Pages are requested ahead once the chain has read a few: wait for a
	// scan in full flight.
	testutil.WaitFor(t, func() bool { return c.emu.Stats().Total > 300 })
	if err := syscall.Kill(-cmd.Process.Pid, syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	time.Sleep(500 * time.Millisecond)
	settled := c.emu.Stats().Total
	select {
	case err := <-exited:
		if err == nil {
			t.Fatalf("apply succeeded after Ctrl-C:\n%s", out.String())
		}
	case <-time.After(60 * time.Second):
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		t.Fatalf("apply did not stop within a minute of Ctrl-C:\n%s", out.String())
	}
	time.Sleep(time.Second)
	if st := c.emu.Stats(); st.Total != settled || st.Total > 5000 {
		t.Errorf("%d calls arrived more than 0.5 s after Ctrl-C (%+v)", st.Total-settled, st)
	}
	if s := strings.Join(strings.Fields(out.String()), " "); !strings.Contains(s, "Read canceled") {
		t.Errorf("output does not say the read was canceled:\n%s", out.String())
	}
	if strings.Contains(out.String(), "Apply complete") {
		t.Errorf("apply completed:\n%s", out.String())
	}
}
