// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package main

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"sync"
	"time"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/emulator"
	"github.com/volcrtc/terraform-provider-volcrtc/internal/imclient"
)

// writeCases are the cases -cases can pick, by name.
var writeCases = map[string]func(cli, pluginDir string){
	"readback":    runReadBack,
	"batchsearch": func(string, string) { runBatchSearch() },
	"members":     runMembers,
	"redishung":   func(cli, pluginDir string) { runRedisFaults(cli, pluginDir, true) },
	"redisfull":   func(cli, pluginDir string) { runRedisFaults(cli, pluginDir, false) },
	"strict":      runStrictWrites,
	"workspace":   runWorkspace,
}

// runReadBack measures the write phase of a terraform apply that adds
// 1,000 members in calls of 10 (max_batch_size = 10): from the first add
// arriving to the last read-back answered, against the floor of the adds
// (calls ÷ 50 a second) and that floor plus two latencies (the last add's
// answer, then its users' read: no write path can end sooner). The
// emulator admits 100 calls per key and action in any second, 50 for the
// writes, and answers after -latency.
func runReadBack(cli, pluginDir string) {
	if cli == "" {
		fmt.Println("readback: needs -cli")
		return
	}
	const n = 1000
	fmt.Printf("write phase of an apply adding %d members, max_batch_size = 10; emulator: 100 requests/s per key and action, 50 for writes\n", n)
	fmt.Printf("%8s | %9s | %6s %6s | %9s %7s | %9s %7s | %5s\n", "latency", "phase", "adds", "reads", "floor", "x floor",
		"floor+2L", "x", "429s")
	for _, latency := range []time.Duration{50 * time.Millisecond, 200 * time.Millisecond} {
		pause()
		var mu sync.Mutex
		var firstAdd, lastRead time.Time
		adds, reads := 0, 0
		typ, owner := int64(2), int64(membersOwner)
		fx := emulator.Fixtures{Credentials: []emulator.Credential{{AccessKey: ak, SecretKey: sk}}, Apps: []emulator.App{{AppID: appID,
			Conversations: []emulator.Conversation{{ConversationShortID: membersConv, ConversationType: &typ, OwnerUserID: &owner,
				Participants: []emulator.Participant{{ParticipantUserID: membersOwner, Role: 1}}}}}}}
		emu, err := emulator.New(fx, emulator.Options{Latency: latency, RateLimit: 100, MaxMembers: 3000, NoRecord: true,
			OnRequest: func(r emulator.Request) {
				now := time.Now()
				mu.Lock()
				defer mu.Unlock()
				switch r.Action {
				case emulator.ActionAddParticipants:
					if adds == 0 {
						firstAdd = now.Add(-latency)
					}
					adds++
				case "BatchGetConversationParticipant":
					if adds > 0 {
						reads++
						lastRead = now
					}
				}
			}})
		check(err)
		srv := httptest.NewServer(emu)
		work, err := os.MkdirTemp("", "volcrtc-bench-readback")
		check(err)
		config := benchTerraform + fmt.Sprintf(`provider "volcrtc" {
  max_qps        = 100
  max_batch_size = 10
}
resource "volcrtc_conversation_members" "big" {
  app_id                = %d
  conversation_short_id = %d
  members = { for i in range(2, %d) : tostring(i) => {} }
}
`, appID, int64(membersConv), n+2)
		out, err := terraformIn(work, cli, pluginDir, srv.URL, config, "apply", "-auto-approve", "-input=false", "-no-color")
		srv.Close()
		_ = os.RemoveAll(work)
		if err != nil {
			check(fmt.Errorf("readback: %v\n%s", err, out))
		}
		if got := countMembers(emu); got != n {
			check(fmt.Errorf("readback: the group holds %d members, want %d", got, n))
		}
		phase := lastRead.Sub(firstAdd)
		floor := time.Duration(adds) * time.Second / 50
		bound := floor + 2*latency
		fmt.Printf("%8s | %9s | %6d %6d | %9s %6.2fx | %9s %6.2fx | %5d\n", latency, round(phase), adds, reads, round(floor),
			phase.Seconds()/floor.Seconds(), round(bound), phase.Seconds()/bound.Seconds(), emu.Stats().Throttled)
	}
}

// runBatchSearch adds 2,000 members with the client at its defaults
// (max_batch_size 100, not trusted) to an API that refuses calls of more
// than 10 users and admits 50 write calls in any second: the calls, the
// throttles, and the time against the floor of 200 calls of 10.
func runBatchSearch() {
	fmt.Println("adding 2,000 members to an API that refuses calls of more than 10 users; 50 ms latency, 50 write calls/s per key")
	typ, owner := int64(2), int64(membersOwner)
	fx := emulator.Fixtures{Credentials: []emulator.Credential{{AccessKey: ak, SecretKey: sk}}, Apps: []emulator.App{{AppID: appID,
		Conversations: []emulator.Conversation{{ConversationShortID: membersConv, ConversationType: &typ, OwnerUserID: &owner,
			Participants: []emulator.Participant{{ParticipantUserID: membersOwner, Role: 1}}}}}}}
	emu, err := emulator.New(fx, emulator.Options{Latency: 50 * time.Millisecond, RateLimit: 100, MaxMembers: 3000,
		MaxIDsPerCall: 10, NoRecord: true})
	check(err)
	srv := httptest.NewServer(emu)
	defer srv.Close()
	c, err := imclient.New(imclient.Config{AccessKey: ak, SecretKey: sk, Endpoint: srv.URL, MaxRetries: imclient.DefaultMaxRetries, MaxQPS: 100})
	check(err)
	in := imclient.ParticipantsInput{AppID: appID, ConversationShortID: membersConv, Operator: membersOwner}
	for i := range membersCount {
		role := imclient.RoleMember
		in.Participants = append(in.Participants, imclient.ParticipantInfo{UserID: int64(i + 2), Role: &role})
	}
	pause()
	start := time.Now()
	_, err = c.AddParticipants(context.Background(), in)
	d := time.Since(start)
	check(err)
	st := emu.Stats()
	size, _ := c.TakeBatchSizeNotice(imclient.ActionAddParticipants)
	floor := time.Duration(membersCount/10) * time.Second / 50
	fmt.Printf("%d add calls (%d refused as too long), size found %d, %d 429s; %s against %s for 200 calls (%.2fx)\n",
		st.Total, st.Rejected, size, st.Throttled, round(d), round(floor), d.Seconds()/floor.Seconds())
}
