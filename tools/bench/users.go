// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package main

import (
	"fmt"
	"net/http/httptest"
	"os"
	"time"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/emulator"
)

// benchUsers is how many volcrtc_user resources the bench applies.
const benchUsers = 500

// runUsers measures volcrtc_user at scale through real terraform runs: a
// team's 500 bots by for_each, registered in one apply. Each user is read
// (refused if registered), registered and read back, so the floor is the
// larger of the RegisterUsers calls at 50 a second and the BatchGetUser
// calls at max_qps; Terraform's own time is a plan -refresh=false of the
// same 500 resources afterwards, which calls nothing.
func runUsers(cli, pluginDir string) {
	fmt.Println("volcrtc_user, 500 bots by for_each; emulator: 50 ms latency, 100 requests/s per key and action, 50 for writes")
	if cli == "" {
		return
	}
	fx := emulator.Fixtures{Credentials: []emulator.Credential{{AccessKey: ak, SecretKey: sk}}, Apps: []emulator.App{{AppID: appID}}}
	emu, err := emulator.New(fx, emulator.Options{Latency: 50 * time.Millisecond, RateLimit: 100})
	check(err)
	srv := httptest.NewServer(emu)
	defer srv.Close()
	work, err := os.MkdirTemp("", "volcrtc-bench-users")
	check(err)
	defer func() { _ = os.RemoveAll(work) }()
	config := benchTerraform + fmt.Sprintf(`provider "volcrtc" {
  max_qps = 100
}
locals {
  bots = { for i in range(%[2]d) : tostring(800000 + i) => "bot-${i}" }
}
resource "volcrtc_user" "bot" {
  for_each            = local.bots
  app_id              = %[1]d
  user_id             = tonumber(each.key)
  nick_name           = each.value
  tags                = ["bot"]
  is_robot            = true
  deletion_protection = false
}
`, appID, benchUsers)
	pause()
	stop := make(chan struct{})
	peak := pluginPeakRSS(stop)
	start := time.Now()
	out, err := terraformIn(work, cli, pluginDir, srv.URL, config, "apply", "-auto-approve", "-input=false", "-no-color")
	d := time.Since(start)
	close(stop)
	if err != nil {
		check(fmt.Errorf("apply of %d users: %v\n%s", benchUsers, err, out))
	}
	calls := map[string]int{}
	for _, r := range emu.Requests() {
		calls[r.Action]++
	}
	registered := 0
	for i := range benchUsers {
		if _, ok := emu.UserState(appID, int64(800000+i)); ok {
			registered++
		}
	}
	if registered != benchUsers {
		check(fmt.Errorf("after the apply %d users are registered, want %d", registered, benchUsers))
	}
	writes, reads := calls[emulator.ActionRegisterUsers], calls["BatchGetUser"]
	floor := max(time.Duration(writes)*time.Second/50, time.Duration(reads)*time.Second/100)
	st := emu.Stats()
	pause()
	start = time.Now()
	out, err = terraformIn(work, cli, pluginDir, srv.URL, config, "plan", "-refresh=false", "-input=false", "-no-color")
	own := time.Since(start)
	if err != nil {
		check(fmt.Errorf("plan: %v\n%s", err, out))
	}
	fmt.Printf("%-36s | %9s | %-36s | %9s | %9s | %7s | %5s | %8s\n", "run", "time", "calls", "floor", "terraform", "x", "429s", "peak RSS")
	fmt.Printf("%-36s | %9s | %-36s | %9s | %9s | %6.2fx | %5d | %5.0f MB\n", "apply: register 500 users", round(d),
		fmt.Sprintf("%d RegisterUsers, %d BatchGetUser", writes, reads), round(floor), round(own),
		d.Seconds()/(floor+own).Seconds(), st.Throttled, float64(peak())/1e6)
	fmt.Printf("%-36s   x is the time over the floor plus terraform's own time (a plan -refresh=false that calls nothing)\n", "")
}
