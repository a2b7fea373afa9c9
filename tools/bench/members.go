// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package main

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"strings"
	"time"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/emulator"
	"github.com/volcrtc/terraform-provider-volcrtc/internal/imclient"
)

const (
	membersConv  = 8200000000000000001
	membersCount = 2000
	membersOwner = 1
)

// runMembers measures volcrtc_conversation_members through real terraform
// runs, one working directory: an apply that adds 2,000 members to a group
// whose cap is raised to 3,000, one that changes 500 of them, and a
// refresh of the 2,000. The emulator answers in 50 ms and admits 100 calls
// per key and action in any second (50 for the write actions, as
// documented); the floor of a write is its calls at 50 a second.
func runMembers(cli, pluginDir string) {
	fmt.Println("member writes; emulator: 50 ms latency, 100 requests/s per key and action, 50 for writes; group cap raised to 3,000")
	membersInProcess()
	if cli == "" {
		return
	}
	emu, srv := membersEmulator()
	defer srv.Close()
	work, err := os.MkdirTemp("", "volcrtc-bench-members")
	check(err)
	defer func() { _ = os.RemoveAll(work) }()

	// range() makes at most 1,024 values: users 2 to 2,001 in two halves.
	membersMap := func(changed int) string {
		return fmt.Sprintf(`merge([for half in range(2) : { for i in range(2 + half * %[1]d, 2 + (half + 1) * %[1]d) : tostring(i) => {
    nick_name = i < %[2]d ? "changed-${i}" : "member-${i}"
  } }]...)`, membersCount/2, changed+2)
	}
	config := func(changed int) string {
		return benchTerraform + fmt.Sprintf(`provider "volcrtc" {
  max_qps = 100
}
resource "volcrtc_conversation_members" "big" {
  app_id                = %[1]d
  conversation_short_id = %[2]d
  members               = %[3]s
}
`, appID, int64(membersConv), membersMap(changed))
	}
	fmt.Println("\nvolcrtc_conversation_members through terraform (every run plans and refreshes too)")
	fmt.Printf("%-44s | %9s | %-28s | %9s %7s | %5s | %8s\n", "run", "time", "write calls", "floor", "x floor", "429s", "peak RSS")
	run := func(name, config string, writeAction string, args ...string) time.Duration {
		pause()
		emu.ResetRequests()
		before := emu.Stats()
		stop := make(chan struct{})
		peak := pluginPeakRSS(stop)
		start := time.Now()
		out, err := terraformIn(work, cli, pluginDir, srv.URL, config, args...)
		d := time.Since(start)
		close(stop)
		if err != nil {
			check(fmt.Errorf("%s: %v\n%s", name, err, out))
		}
		after := emu.Stats()
		calls := map[string]int{}
		for _, r := range emu.Requests() {
			calls[r.Action]++
		}
		writes, floorCol, ratio := "-", "-", "-"
		if writeAction != "" {
			n := calls[writeAction]
			floor := time.Duration(n) * time.Second / 50
			writes = fmt.Sprintf("%d %s", n, writeAction[len("Batch"):len(writeAction)-len("ConversationParticipant")])
			floorCol, ratio = round(floor), fmt.Sprintf("%.1fx", d.Seconds()/floor.Seconds())
		}
		var others []string
		for _, a := range []string{emulator.ActionAddParticipants, emulator.ActionModifyParticipants, emulator.ActionRemoveParticipants} {
			if a != writeAction && calls[a] > 0 {
				others = append(others, fmt.Sprintf("%d %s", calls[a], a))
			}
		}
		if len(others) > 0 {
			check(fmt.Errorf("%s: unexpected writes: %s", name, strings.Join(others, ", ")))
		}
		fmt.Printf("%-44s | %9s | %-28s | %9s %7s | %5d | %5.0f MB\n", name, round(d), writes, floorCol, ratio,
			after.Throttled-before.Throttled, float64(peak())/1e6)
		fmt.Printf("%-44s   reads: %d BatchGetConversations, %d BatchGetConversationParticipant, %d scan pages, %d counts\n", "",
			calls["BatchGetConversations"], calls["BatchGetConversationParticipant"], calls["ScanConversationParticipantList"],
			calls["GetConversationUserCount"])
		return d
	}
	apply := []string{"apply", "-auto-approve", "-input=false", "-no-color"}
	add := run("apply: add 2,000 members", config(0), emulator.ActionAddParticipants, apply...)
	if n := countMembers(emu); n != membersCount {
		check(fmt.Errorf("after the create the group holds %d members, want %d", n, membersCount))
	}
	run("apply: change 500 of them (nick_name)", config(500), emulator.ActionModifyParticipants, apply...)
	run("apply -refresh-only: read the 2,000 back", config(500), "", "apply", "-refresh-only", "-auto-approve", "-input=false", "-no-color")
	plan := run("plan: refresh and compare, no changes", config(500), "", "plan", "-detailed-exitcode", "-input=false", "-no-color")
	membersPeer(cli, pluginDir, srv.URL, membersMap(500), add, plan)
}

// membersPeer sets Terraform's own share beside the provider's: a
// terraform_data holding the same map, applied and then planned, against
// the runs above (add: the create; plan: the plan that changes nothing).
// The goal is 1.3x the peer plus the API's floor: the create's 20 adds at
// 50 a second, the plan's 101 scan pages at max_qps 100.
func membersPeer(cli, pluginDir, url, members string, add, plan time.Duration) {
	work, err := os.MkdirTemp("", "volcrtc-bench-members-peer")
	check(err)
	defer func() { _ = os.RemoveAll(work) }()
	config := fmt.Sprintf("resource \"terraform_data\" \"peer\" {\n  input = %s\n}\n", members)
	timed := func(args ...string) time.Duration {
		pause()
		start := time.Now()
		out, err := terraformIn(work, cli, pluginDir, url, config, args...)
		if err != nil {
			check(fmt.Errorf("peer %v: %v\n%s", args, err, out))
		}
		return time.Since(start)
	}
	peerAdd := timed("apply", "-auto-approve", "-input=false", "-no-color")
	peerPlan := timed("plan", "-detailed-exitcode", "-input=false", "-no-color")
	fmt.Printf("\nTerraform's own share: a terraform_data holding the same map (goal: 1.3x the peer plus the API's floor)\n")
	fmt.Printf("%-44s | %9s | %9s | %9s | %6s\n", "run", "members", "peer", "API floor", "x")
	for _, r := range []struct {
		name             string
		got, peer, floor time.Duration
	}{
		{"apply: add 2,000 members", add, peerAdd, 20 * time.Second / 50},
		{"plan: refresh and compare, no changes", plan, peerPlan, 101 * time.Second / 100},
	} {
		fmt.Printf("%-44s | %9s | %9s | %9s | %5.2fx\n", r.name, round(r.got), round(r.peer), round(r.floor),
			r.got.Seconds()/(r.peer+r.floor).Seconds())
	}
}

// countMembers is how many members the bench group holds, owner aside.
func countMembers(emu *emulator.Server) int {
	ps, _ := emu.Members(appID, membersConv)
	n := 0
	for _, p := range ps {
		if p.Role != 1 {
			n++
		}
	}
	return n
}

// membersEmulator serves an empty group (its owner alone) with the cap
// raised to 3,000.
func membersEmulator() (*emulator.Server, *httptest.Server) {
	typ, owner := int64(2), int64(membersOwner)
	fx := emulator.Fixtures{Credentials: []emulator.Credential{{AccessKey: ak, SecretKey: sk}}, Apps: []emulator.App{{AppID: appID,
		Conversations: []emulator.Conversation{{ConversationShortID: membersConv, ConversationType: &typ, OwnerUserID: &owner,
			Participants: []emulator.Participant{{ParticipantUserID: membersOwner, Role: 1}}}}}}}
	emu, err := emulator.New(fx, emulator.Options{Latency: 50 * time.Millisecond, RateLimit: 100, MaxMembers: 3000})
	check(err)
	return emu, httptest.NewServer(emu)
}

// membersInProcess times the provider's client making the writes the
// resource makes: 2,000 members added, then 500 changed, against the
// floor of their calls at 50 a second.
func membersInProcess() {
	emu, srv := membersEmulator()
	defer srv.Close()
	c, err := imclient.New(imclient.Config{AccessKey: ak, SecretKey: sk, Endpoint: srv.URL, MaxRetries: imclient.DefaultMaxRetries, MaxQPS: 100})
	check(err)
	infos := func(n int, nick string) []imclient.ParticipantInfo {
		out := make([]imclient.ParticipantInfo, n)
		for i := range out {
			role, level, name := imclient.RoleMember, int32(0), fmt.Sprintf("%s-%d", nick, i+2)
			out[i] = imclient.ParticipantInfo{UserID: int64(i + 2), Role: &role, Level: &level, NickName: &name, Ext: map[string]string{}}
		}
		return out
	}
	fmt.Printf("%-40s | %9s %6s %5s | %9s %8s | %9s\n", "client alone", "time", "calls", "429s", "floor", "x floor", "peak heap")
	for _, w := range []struct {
		name  string
		write func() (imclient.WriteResult, error)
	}{
		{"add 2,000 members (BatchAdd...)", func() (imclient.WriteResult, error) {
			return c.AddParticipants(context.Background(), imclient.ParticipantsInput{AppID: appID, ConversationShortID: membersConv,
				Operator: membersOwner, Participants: infos(membersCount, "member")})
		}},
		{"change 500 of them (BatchModify...)", func() (imclient.WriteResult, error) {
			return c.ModifyParticipants(context.Background(), imclient.ParticipantsInput{AppID: appID, ConversationShortID: membersConv,
				Operator: membersOwner, Participants: infos(500, "changed")})
		}},
	} {
		pause()
		before := emu.Stats()
		var err error
		d, peak := measure(func() { _, err = w.write() })
		check(err)
		after := emu.Stats()
		calls := after.Total - before.Total
		floor := time.Duration(calls) * time.Second / 50
		fmt.Printf("%-40s | %9s %6d %5d | %9s %7.2fx | %7.1f MB\n", w.name, round(d), calls, after.Throttled-before.Throttled,
			round(floor), d.Seconds()/floor.Seconds(), float64(peak)/1e6)
	}
	if n := countMembers(emu); n != membersCount {
		check(fmt.Errorf("the group holds %d members, want %d", n, membersCount))
	}
}
