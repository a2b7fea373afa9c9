// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package e2e

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/emulator"
	"github.com/volcrtc/terraform-provider-volcrtc/internal/redistest"
	"github.com/volcrtc/terraform-provider-volcrtc/internal/testutil"
)

// fleet is n terraform working directories on one emulator, each with a
// budget directory of its own (as on n machines), sharing the Redis at url
// (none when empty).
func fleet(t *testing.T, n int, url string, opts emulator.Options) []*cli {
	t.Helper()
	first := newCLI(t, aliases(t, 1), opts)
	out := []*cli{first}
	for len(out) < n {
		out = append(out, first.beside(t, aliases(t, 1)))
	}
	for _, c := range out {
		c.setenv("VOLCRTC_BUDGET_DIR", t.TempDir())
		if url != "" {
			c.setenv("VOLCRTC_BUDGET_REDIS_URL", url)
		}
	}
	return out
}

// applyAll applies every working directory at once and returns the
// outputs; each apply must succeed.
func applyAll(t *testing.T, cs []*cli) []string {
	t.Helper()
	var wg sync.WaitGroup
	errs, outs := make([]error, len(cs)), make([]string, len(cs))
	for i, c := range cs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			outs[i], errs[i] = c.try(context.Background(), "apply", "-auto-approve", "-input=false", "-no-color")
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("apply %d: %v\n%s", i+1, err, outs[i])
		}
	}
	return outs
}

// Four terraform runs with budget directories of their own, as on four
// machines, each at max_qps 100, share one budget through Redis: the
// API's strict window of 100 a second throttles at most 1% of the calls.
func TestAccBudgetRedisFleet(t *testing.T) {
	srv := redistest.Start(t, redistest.Options{})
	cs := fleet(t, 4, srv.URL(), emulator.Options{Latency: 50 * time.Millisecond, RateLimit: 100})
	start := time.Now()
	for i, out := range applyAll(t, cs) {
		if strings.Contains(out, "Request budget not shared") {
			t.Fatalf("apply %d warned:\n%s", i+1, out)
		}
	}
	budgetStats(t, cs[0].emu, 4, time.Since(start))
}

// Redis killed in the middle of the applies: every apply succeeds, the
// reads fall back to their own budgets with one warning naming Redis.
func TestAccBudgetRedisKilledMidApply(t *testing.T) {
	srv := redistest.Start(t, redistest.Options{Password: "mid-apply-password"})
	cs := fleet(t, 2, srv.URL(), emulator.Options{Latency: 50 * time.Millisecond, RateLimit: 100})
	go func() {
		testutil.WaitFor(t, func() bool { return cs[0].emu.Stats().Total >= 60 })
		srv.Stop()
	}()
	outs := applyAll(t, cs)
	warned := 0
	for _, out := range outs {
		if strings.Contains(out, "mid-apply-password") {
			t.Fatalf("the password in the output:\n%s", out)
		}
		if strings.Contains(out, "Request budget not shared through Redis") && strings.Contains(out, srv.Addr) {
			warned++
		}
	}
	if st := cs[0].emu.Stats(); st.OK != 200 || warned == 0 {
		t.Fatalf("%+v, %d applies warned:\n%s", st, warned, strings.Join(outs, "\n---\n"))
	}
}

// A password and TLS (rediss://, a certificate from a CA made for the
// test, trusted through SSL_CERT_FILE): the budget is shared through Redis
// (its keys are there), and the URL's password is in no log line at
// TF_LOG=TRACE, in no output and not in the state.
func TestAccBudgetRedisPasswordTLS(t *testing.T) {
	const password = "tls-password-7f3a"
	srv := redistest.Start(t, redistest.Options{Password: password, TLS: true})
	cs := fleet(t, 1, srv.URL(), emulator.Options{Latency: 5 * time.Millisecond, RateLimit: 100})
	c := cs[0]
	logFile := filepath.Join(t.TempDir(), "trace.log")
	c.setenv("SSL_CERT_FILE", srv.CAFile)
	c.setenv("TF_LOG", "TRACE")
	c.setenv("TF_LOG_PATH", logFile)
	out := c.run("apply", "-auto-approve", "-input=false", "-no-color")
	out += c.run("output", "-json")
	if strings.Contains(out, "Request budget not shared") {
		t.Fatalf("apply warned:\n%s", out)
	}
	logs := string(mustRead(t, logFile))
	state := string(mustRead(t, filepath.Join(c.dir, "terraform.tfstate")))
	for name, text := range map[string]string{"output": out, "TRACE log": logs, "state": state} {
		if strings.Contains(text, password) {
			t.Fatalf("the Redis password is in the %s", name)
		}
	}
	if !strings.Contains(logs, "volcrtc API request") {
		t.Fatal("the TRACE log holds none of the provider's lines")
	}
	keys := redisKeys(t, srv)
	if len(keys) == 0 {
		t.Fatal("no budget keys in Redis: the budget was not shared through it")
	}
}

// redisKeys lists the budget's keys through redis-cli's protocol, by the
// server's own client: the test reads what the provider wrote.
func redisKeys(t *testing.T, srv *redistest.Server) []string {
	t.Helper()
	keys, err := srv.Keys(context.Background(), "volcrtc:budget:*")
	if err != nil {
		t.Fatal(err)
	}
	return keys
}

// Reservations planted in the Redis 90 s ahead (100 of them: they stalled
// a read 88.5 s in silence) are dropped with the one warning, and the
// read goes on at once.
func TestAccBudgetRedisPlantedReservations(t *testing.T) {
	srv := redistest.Start(t, redistest.Options{})
	c := fleet(t, 1, srv.URL(), emulator.Options{Latency: 5 * time.Millisecond, RateLimit: 100})[0]
	if out := c.run("apply", "-auto-approve", "-input=false", "-no-color"); strings.Contains(out, "Request budget not shared") {
		t.Fatalf("apply warned:\n%s", out)
	}
	rdb := srv.Client(t)
	ctx := context.Background()
	sets, err := srv.Keys(ctx, "volcrtc:budget:*:sent")
	if err != nil || len(sets) == 0 {
		t.Fatalf("no reservations in Redis (%v)", err)
	}
	now := rdb.Time(ctx).Val().UnixMicro()
	for _, key := range sets {
		for i := 0; i < 100; i++ {
			rdb.ZAdd(ctx, key, redis.Z{Score: float64(now + 90_000_000 + int64(i)), Member: fmt.Sprint("planted-", i)})
		}
	}
	out := c.run("apply", "-auto-approve", "-input=false", "-no-color")
	if !strings.Contains(out, "Request budget not shared through Redis") || !strings.Contains(out, "they were ignored") {
		t.Fatalf("no warning of the planted reservations:\n%s", out)
	}
	for _, key := range sets {
		if n := rdb.ZCount(ctx, key, fmt.Sprint(now+60_000_000), "+inf").Val(); n != 0 {
			t.Fatalf("%d planted reservations left in %s", n, key)
		}
	}
}
