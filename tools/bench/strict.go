// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package main

import (
	"fmt"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/emulator"
)

// strictMembers is how many members runStrictWrites adds.
const strictMembers = 1000

// runStrictWrites measures what calls of 10 cost against a strict limit:
// terraform applies adding strictMembers members, with the default batch
// (10 calls of 100) against an API that takes them, then in calls of 10
// against an API that refuses more than 10 users a call, with
// max_batch_size = 10 and with the default (the size searched for). The
// extra calls' floor is what they take at 50 write calls in any second;
// the extra time over it is the figure (goal: 1.15x, 0 throttled). Each
// apply runs three times on a fresh emulator: the median.
func runStrictWrites(cli, pluginDir string) {
	if cli == "" {
		fmt.Println("strict: needs -cli")
		return
	}
	fmt.Printf("adding %d members through terraform apply; emulator: 50 ms latency, 100 requests/s per key and action, "+
		"50 for writes; median of 3 applies each\n", strictMembers)
	fmt.Printf("%-46s | %8s | %5s | %5s | %9s | %8s | %7s\n", "apply", "time", "adds", "429s", "extra", "floor", "x floor")
	type result struct {
		d           time.Duration
		adds, thrtl int
		detail      string
	}
	apply := func(maxIDs, batch int) result {
		var runs []result
		for range 3 {
			pause()
			typ, owner := int64(2), int64(membersOwner)
			fx := emulator.Fixtures{Credentials: []emulator.Credential{{AccessKey: ak, SecretKey: sk}}, Apps: []emulator.App{{AppID: appID,
				Conversations: []emulator.Conversation{{ConversationShortID: membersConv, ConversationType: &typ, OwnerUserID: &owner,
					Participants: []emulator.Participant{{ParticipantUserID: membersOwner, Role: 1}}}}}}}
			var mu sync.Mutex
			type span struct {
				n           int
				first, last time.Time
			}
			spans := map[string]*span{}
			emu, err := emulator.New(fx, emulator.Options{Latency: 50 * time.Millisecond, RateLimit: 100, MaxMembers: 3000,
				MaxIDsPerCall: maxIDs, OnRequest: func(r emulator.Request) {
					now := time.Now()
					mu.Lock()
					defer mu.Unlock()
					sp := spans[r.Action]
					if sp == nil {
						sp = &span{first: now}
						spans[r.Action] = sp
					}
					sp.n++
					sp.last = now
				}})
			check(err)
			srv := httptest.NewServer(emu)
			work, err := os.MkdirTemp("", "volcrtc-bench-strict")
			check(err)
			setting := ""
			if batch > 0 {
				setting = fmt.Sprintf("\n  max_batch_size = %d", batch)
			}
			config := benchTerraform + fmt.Sprintf(`provider "volcrtc" {
  max_qps        = 100%s
}
resource "volcrtc_conversation_members" "big" {
  app_id                = %d
  conversation_short_id = %d
  members = { for i in range(2, %d) : tostring(i) => {} }
}
`, setting, appID, int64(membersConv), strictMembers+2)
			start := time.Now()
			out, err := terraformIn(work, cli, pluginDir, srv.URL, config, "apply", "-auto-approve", "-input=false", "-no-color")
			d := time.Since(start)
			srv.Close()
			_ = os.RemoveAll(work)
			if err != nil {
				check(fmt.Errorf("strict: %v\n%s", err, out))
			}
			if got := countMembers(emu); got != strictMembers {
				check(fmt.Errorf("strict: the group holds %d members, want %d", got, strictMembers))
			}
			adds := 0
			for _, r := range emu.Requests() {
				if r.Action == emulator.ActionAddParticipants {
					adds++
				}
			}
			// Each action's calls, answered from when to when after the
			// apply started.
			var names []string
			for name := range spans {
				names = append(names, name)
			}
			slices.SortFunc(names, func(a, b string) int { return spans[a].first.Compare(spans[b].first) })
			var detail []string
			for _, name := range names {
				sp := spans[name]
				detail = append(detail, fmt.Sprintf("%d %s %s-%s", sp.n, name, round(sp.first.Sub(start)), round(sp.last.Sub(start))))
			}
			runs = append(runs, result{d, adds, emu.Stats().Throttled, strings.Join(detail, ", ")})
		}
		slices.SortFunc(runs, func(a, b result) int { return int(a.d - b.d) })
		return runs[1]
	}
	base := apply(0, 0)
	fmt.Printf("%-46s | %8s | %5d | %5d | %9s | %8s | %7s\n", "default batch, API takes 100 a call", round(base.d), base.adds,
		base.thrtl, "-", "-", "-")
	fmt.Printf("%46s   %s\n", "", base.detail)
	for _, tc := range []struct {
		name  string
		batch int
	}{
		{"max_batch_size = 10, API refuses more than 10", 10},
		{"default batch, API refuses more than 10", 0},
	} {
		r := apply(10, tc.batch)
		extra := r.d - base.d
		floor := time.Duration(r.adds-base.adds) * time.Second / 50
		fmt.Printf("%-46s | %8s | %5d | %5d | %9s | %8s | %6.2fx\n", tc.name, round(r.d), r.adds, r.thrtl, round(extra), round(floor),
			extra.Seconds()/floor.Seconds())
		fmt.Printf("%46s   %s\n", "", r.detail)
	}
}
