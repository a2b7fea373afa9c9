// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package main

import (
	"fmt"
	"net/http/httptest"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/emulator"
)

// The workspace a platform team builds: many small groups and their bots.
const (
	wsGroups    = 150
	wsBots      = 100
	wsResources = 2*wsGroups + wsBots
)

// wsConfig is the workspace: 150 groups, each with a members resource of
// three, and 100 bots. peer is the same inputs in terraform_data.
func wsConfig(peer bool) string {
	if peer {
		return fmt.Sprintf(`resource "terraform_data" "group" {
  for_each = toset([for i in range(%[1]d) : tostring(i)])
  input    = { app_id = %[3]d, owner_user_id = 10001, name = "team-${each.key}" }
}
resource "terraform_data" "members" {
  for_each = terraform_data.group
  input = { app_id = %[3]d, conversation = each.value.id, members = { "20001" = {}, "20002" = {}, "20003" = {} } }
}
resource "terraform_data" "bot" {
  for_each = toset([for i in range(%[2]d) : tostring(800000 + i)])
  input    = { app_id = %[3]d, user_id = each.key, nick_name = "bot-${each.key}", tags = ["bot"], is_robot = true }
}
`, wsGroups, wsBots, appID)
	}
	return benchTerraform + fmt.Sprintf(`provider "volcrtc" {}
resource "volcrtc_conversation" "group" {
  for_each            = toset([for i in range(%[1]d) : tostring(i)])
  app_id              = %[3]d
  owner_user_id       = 10001
  name                = "team-${each.key}"
  deletion_protection = false
}
resource "volcrtc_conversation_members" "group" {
  for_each              = volcrtc_conversation.group
  app_id                = each.value.app_id
  conversation_short_id = each.value.conversation_short_id
  members               = { "20001" = {}, "20002" = {}, "20003" = {} }
}
resource "volcrtc_user" "bot" {
  for_each            = toset([for i in range(%[2]d) : tostring(800000 + i)])
  app_id              = %[3]d
  user_id             = tonumber(each.key)
  nick_name           = "bot-${each.key}"
  tags                = ["bot"]
  is_robot            = true
  deletion_protection = false
}
`, wsGroups, wsBots, appID)
}

// wsRun is one run's figures.
type wsRun struct {
	d         time.Duration
	calls     map[string]int
	total     int
	throttled int
}

func (r wsRun) reads() int {
	n := 0
	for a, c := range r.calls {
		if strings.HasPrefix(a, "BatchGet") || strings.HasPrefix(a, "Get") || strings.HasPrefix(a, "Scan") {
			n += c
		}
	}
	return n
}

func (r wsRun) callList() string {
	var names []string
	for a := range r.calls {
		names = append(names, a)
	}
	sort.Strings(names)
	var parts []string
	for _, a := range names {
		parts = append(parts, fmt.Sprintf("%d %s", r.calls[a], a))
	}
	return strings.Join(parts, ", ")
}

// runWorkspace measures the workspace of issue "hundreds of groups and
// bots" through real terraform runs: an apply that creates everything and
// a plan that changes nothing, at -parallelism 10 and 30, against an API
// that answers after 50 ms (then 200 ms) and admits 100 reads and 50
// writes a second per key and action in any second. The goal is the peer
// (400 terraform_data) plus one round trip per resource, 10 at a time.
func runWorkspace(cli, pluginDir string) {
	fmt.Printf("workspace: %d volcrtc_conversation, %d volcrtc_conversation_members (3 members each), %d volcrtc_user bots (%d resources)\n",
		wsGroups, wsGroups, wsBots, wsResources)
	fmt.Println("emulator: 100 reads and 50 writes per second per key and action in any second (sliding)")
	if cli == "" {
		return
	}
	peerApply, peerPlan := wsPeer(cli, pluginDir)
	fmt.Printf("peer, %d terraform_data with the same inputs: apply %s, plan %s\n\n", wsResources, round(peerApply), round(peerPlan))
	fmt.Printf("%-7s | %-5s | %-6s | %9s | %9s | %6s | %6s | %5s | %-s\n", "latency", "-par", "run", "time", "goal", "x", "calls", "429s", "calls by action")
	for _, latency := range []time.Duration{50 * time.Millisecond, 200 * time.Millisecond} {
		trips := time.Duration(wsResources) * latency / 10
		for _, par := range []int{10, 30} {
			apply, plan := wsOnce(cli, pluginDir, latency, par)
			for _, r := range []struct {
				name string
				run  wsRun
				peer time.Duration
			}{{"apply", apply, peerApply}, {"plan", plan, peerPlan}} {
				goal := r.peer + trips
				fmt.Printf("%-7s | %-5d | %-6s | %9s | %9s | %5.2fx | %6d | %5d | %s\n", latency, par, r.name, round(r.run.d), round(goal),
					r.run.d.Seconds()/goal.Seconds(), r.run.total, r.run.throttled, r.run.callList())
			}
			fmt.Printf("%-7s | %-5d | refresh: %.2f read calls per resource; %d RegisterUsers for %d bots\n", latency, par,
				float64(plan.reads())/wsResources, apply.calls[emulator.ActionRegisterUsers], wsBots)
		}
	}
	fmt.Println("goal: the peer plus one round trip per resource at -parallelism=10 (400 x latency / 10); x is time / goal")
}

// wsOnce applies the workspace in a fresh directory against a fresh
// emulator, then plans it (no changes), and returns both runs' figures.
func wsOnce(cli, pluginDir string, latency time.Duration, par int) (apply, plan wsRun) {
	fx := emulator.Fixtures{Credentials: []emulator.Credential{{AccessKey: ak, SecretKey: sk}}, Apps: []emulator.App{{AppID: appID}}}
	emu, err := emulator.New(fx, emulator.Options{Latency: latency, RateLimit: 100})
	check(err)
	srv := httptest.NewServer(emu)
	defer srv.Close()
	work, err := os.MkdirTemp("", "volcrtc-bench-workspace")
	check(err)
	defer func() { _ = os.RemoveAll(work) }()
	config := wsConfig(false)
	run := func(args ...string) wsRun {
		pause()
		emu.ResetRequests()
		before := emu.Stats()
		start := time.Now()
		out, err := terraformIn(work, cli, pluginDir, srv.URL, config, append(args, fmt.Sprintf("-parallelism=%d", par), "-input=false", "-no-color")...)
		d := time.Since(start)
		if err != nil {
			check(fmt.Errorf("%v: %v\n%s", args, err, out))
		}
		r := wsRun{d: d, calls: map[string]int{}, throttled: emu.Stats().Throttled - before.Throttled}
		for _, q := range emu.Requests() {
			r.calls[q.Action]++
			r.total++
		}
		return r
	}
	apply = run("apply", "-auto-approve")
	plan = run("plan", "-detailed-exitcode")
	return apply, plan
}

// wsPeer times the peer workspace: an apply, then a plan.
func wsPeer(cli, pluginDir string) (apply, plan time.Duration) {
	work, err := os.MkdirTemp("", "volcrtc-bench-workspace-peer")
	check(err)
	defer func() { _ = os.RemoveAll(work) }()
	timed := func(args ...string) time.Duration {
		pause()
		start := time.Now()
		out, err := terraformIn(work, cli, pluginDir, "http://127.0.0.1:1", wsConfig(true), append(args, "-input=false", "-no-color")...)
		if err != nil {
			check(fmt.Errorf("peer %v: %v\n%s", args, err, out))
		}
		return time.Since(start)
	}
	return timed("apply", "-auto-approve"), timed("plan", "-detailed-exitcode")
}
