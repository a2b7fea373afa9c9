// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package main

import (
	"fmt"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/emulator"
)

// runBudget measures the machine-wide budget through real terraform runs
// against an emulator that admits 100 calls per key and action in any
// second and answers after 50 ms: one instance alone, four aliases in one
// apply, two terraform processes at once with two aliases each, and four
// aliases while a client nobody sees takes 40 calls a second. Each alias
// reads 1,000 IDs in calls of 10 at max_qps 100: 100 calls.
func runBudget(cli, pluginDir string) {
	budgets, err := os.MkdirTemp("", "volcrtc-bench-budget")
	check(err)
	defer func() { _ = os.RemoveAll(budgets) }()
	check(os.Setenv("VOLCRTC_BUDGET_DIR", budgets))
	fmt.Println("request budget: emulator admits 100 calls per key and action in any second, 50 ms latency; " +
		"each alias reads 1,000 IDs in 100 calls of 10 at max_qps 100")
	fmt.Printf("%-44s | %5s | %9s | %8s | %8s | %7s\n", "case", "calls", "throttled", "span", "floor", "x floor")
	for _, tc := range []struct {
		name           string
		processes, per int
		taken          float64
	}{
		{"one instance alone (400 calls)", 1, 0, 0},
		{"four aliases in one apply", 1, 4, 0},
		{"two processes at once, two aliases each", 2, 2, 0},
		{"four aliases, 40/s taken by an unseen client", 1, 4, 40},
	} {
		pause()
		var mu sync.Mutex
		var first, last time.Time
		emu, err := emulator.New(fixtures(), emulator.Options{Latency: 50 * time.Millisecond, RateLimit: 100, NoRecord: true,
			OnRequest: func(emulator.Request) {
				mu.Lock()
				defer mu.Unlock()
				now := time.Now()
				if first.IsZero() {
					first = now
				}
				last = now
			}})
		check(err)
		srv := httptest.NewServer(emu)
		if tc.taken > 0 {
			emu.TakeBudget(ak, "BatchGetConversationParticipant", tc.taken)
		}
		config := budgetConfig(tc.per, 1000)
		if tc.per == 0 {
			config = budgetConfig(1, 4000)
		}
		var wg sync.WaitGroup
		for p := 0; p < tc.processes; p++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				out, err := terraformRun(cli, pluginDir, srv.URL, "budget", config, "apply", "-auto-approve", "-input=false", "-no-color")
				if err != nil {
					check(fmt.Errorf("%s: %v\n%s", tc.name, err, out))
				}
			}()
		}
		wg.Wait()
		srv.Close()
		st := emu.Stats()
		span := last.Sub(first) + 10*time.Millisecond
		floor := time.Duration(st.OK) * time.Second / time.Duration(100-tc.taken)
		fmt.Printf("%-44s | %5d | %4d %3.1f%% | %8s | %8s | %6.2fx\n", tc.name, st.Total, st.Throttled,
			100*float64(st.Throttled)/float64(st.Total), round(span), round(floor), span.Seconds()/floor.Seconds())
	}
}

// budgetConfig is n aliases on one key, each reading ids (a multiple of
// 1,000) user IDs in calls of 10 at max_qps 100.
func budgetConfig(n, ids int) string {
	var b strings.Builder
	b.WriteString(benchTerraform)
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, `
provider "volcrtc" {
  alias          = "a%[1]d"
  max_qps        = 100
  max_batch_size = 10
}
data "volcrtc_conversation_participants" "a%[1]d" {
  provider              = volcrtc.a%[1]d
  app_id                = %[2]d
  conversation_short_id = %[3]d
  participant_user_ids  = flatten([for i in range(%[4]d) : range(i * 1000 + 1, i * 1000 + 1001)])
}
`, i, appID, int64(convID), ids/1000)
	}
	return b.String()
}
