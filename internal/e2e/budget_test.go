// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/emulator"
)

// aliases writes a configuration of n provider aliases on one key, each
// reading 1,000 user IDs in calls of 10 at max_qps 100: 100 calls each.
func aliases(t *testing.T, n int) string {
	t.Helper()
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("terraform {\n  required_providers {\n    volcrtc = { source = \"volcrtc/volcrtc\" }\n  }\n}\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, `
provider "volcrtc" {
  alias          = "a%[1]d"
  max_qps        = 100
  max_batch_size = 10
}
data "volcrtc_conversation_participants" "a%[1]d" {
  provider              = volcrtc.a%[1]d
  app_id                = 100001
  conversation_short_id = 7000000000000000001
  participant_user_ids  = range(1, 1001)
}
output "a%[1]d" { value = length(data.volcrtc_conversation_participants.a%[1]d.missing_user_ids) }
`, i)
	}
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return dir
}

// budgetCalls is what every budget test's apply reads: four aliases (in
// one configuration or two) of 100 calls each.
const budgetCalls = 400

// budgetStats checks that budgetCalls calls were answered, at most
// maxThrottled of them throttled, and reports the figures.
func budgetStats(t *testing.T, emu *emulator.Server, maxThrottled int, took time.Duration) {
	t.Helper()
	st := emu.Stats()
	t.Logf("%d calls answered, %d OK, %d throttled, in %v", st.Total, st.OK, st.Throttled, took.Round(10*time.Millisecond))
	if st.OK != budgetCalls || st.Throttled > maxThrottled {
		t.Fatalf("%+v: want %d calls OK and at most %d throttled", st, budgetCalls, maxThrottled)
	}
}

// Four aliases on one key, in one apply, each at max_qps 100: four plugin
// processes that share one budget through the machine's budget file. The
// API's strict window of 100 a second throttles at most 1% of the calls
// (each process alone at 100 a second drew the apply into failure).
func TestAccBudgetAliasesInOneApply(t *testing.T) {
	c := newCLI(t, aliases(t, 4), emulator.Options{Latency: 50 * time.Millisecond, RateLimit: 100})
	start := time.Now()
	c.run("apply", "-auto-approve", "-input=false", "-no-color")
	budgetStats(t, c.emu, 4, time.Since(start))
}

// Two terraform processes at once on one key, two aliases each: the same.
func TestAccBudgetTwoProcesses(t *testing.T) {
	c1 := newCLI(t, aliases(t, 2), emulator.Options{Latency: 50 * time.Millisecond, RateLimit: 100})
	c2 := c1.beside(t, aliases(t, 2))
	budgets := t.TempDir()
	c1.setenv("VOLCRTC_BUDGET_DIR", budgets)
	c2.setenv("VOLCRTC_BUDGET_DIR", budgets)
	start := time.Now()
	applyAll(t, []*cli{c1, c2})
	budgetStats(t, c1.emu, 4, time.Since(start))
}

// 40 of the API's 100 calls a second taken by a client the provider cannot
// see: the budget adapts, and at most 5% of the calls are throttled. The
// throttles that find the unseen client are a handful whatever the
// length of the apply (7 in make bench), so the apply is long enough (400
// calls) for them to be a small share of it.
func TestAccBudgetPartlyTaken(t *testing.T) {
	c := newCLI(t, aliases(t, 4), emulator.Options{Latency: 50 * time.Millisecond, RateLimit: 100})
	c.emu.TakeBudget(demoAccessKey, "BatchGetConversationParticipant", 40)
	start := time.Now()
	c.run("apply", "-auto-approve", "-input=false", "-no-color")
	st := c.emu.Stats()
	budgetStats(t, c.emu, st.OK/20, time.Since(start))
}
