// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package main

import (
	"fmt"
	"net"
	"net/http/httptest"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/emulator"
	"github.com/volcrtc/terraform-provider-volcrtc/internal/imclient"
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
		arrivals := &arrivalSpan{}
		emu, err := emulator.New(fixtures(), emulator.Options{Latency: 50 * time.Millisecond, RateLimit: 100, NoRecord: true,
			OnRequest: arrivals.record})
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
		span := arrivals.span()
		floor := time.Duration(st.OK) * time.Second / time.Duration(100-tc.taken)
		fmt.Printf("%-44s | %5d | %4d %3.1f%% | %8s | %8s | %6.2fx\n", tc.name, st.Total, st.Throttled,
			100*float64(st.Throttled)/float64(st.Total), round(span), round(floor), span.Seconds()/floor.Seconds())
	}
	runFleet(cli, pluginDir)
	runFallback(cli, pluginDir)
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

// runFleet measures the budget of a fleet: processes with budget
// directories of their own, as on separate machines, each reading 1,000
// IDs in calls of 10 at max_qps 100 against the emulator's strict window,
// without Redis and sharing one, with budget_share 0.6, and with Redis
// stopped halfway; then the cost of one reservation, file against Redis.
func runFleet(cli, pluginDir string) {
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		fmt.Println("fleet budget: skipped, redis-server not found (scripts/redis-server.sh gets it)")
		return
	}
	const procs = 8
	fmt.Printf("\nfleet budget: %d processes with budget directories of their own (as on %d machines), each reading "+
		"1,000 IDs in 100 calls of 10 at max_qps 100; emulator admits 100 calls per key and action in any second, 50 ms latency\n", procs, procs)
	fmt.Printf("%-44s | %5s | %10s | %11s | %8s | %8s | %7s\n", "case", "calls", "throttled", "max in 1 s", "span", "floor", "x floor")
	for _, tc := range []struct {
		name      string
		redis     bool
		share     float64
		stopAfter int // stop Redis after this many calls
	}{
		{"no Redis: each machine its own budget", false, 1, 0},
		{"through Redis", true, 1, 0},
		{"through Redis, budget_share = 0.6", true, 0.6, 0},
		{"through Redis, stopped after 400 calls", true, 1, 400},
	} {
		pause()
		var srv *redisServer
		if tc.redis {
			srv = startRedis(bin)
		}
		var mu sync.Mutex
		var arrivals []time.Time
		emu, err := emulator.New(fixtures(), emulator.Options{Latency: 50 * time.Millisecond, RateLimit: 100, NoRecord: true,
			OnRequest: func(emulator.Request) {
				mu.Lock()
				defer mu.Unlock()
				arrivals = append(arrivals, time.Now())
				if tc.stopAfter > 0 && len(arrivals) == tc.stopAfter {
					go srv.stop()
				}
			}})
		check(err)
		hs := httptest.NewServer(emu)
		config := budgetConfig(1, 1000)
		if tc.share != 1 {
			config = strings.Replace(config, "max_qps        = 100", fmt.Sprintf("max_qps        = 100\n  budget_share   = %v", tc.share), 1)
		}
		var wg sync.WaitGroup
		for p := 0; p < procs; p++ {
			env := []string{"VOLCRTC_BUDGET_DIR=" + mustTemp("volcrtc-bench-fleet-dir")}
			if srv != nil {
				env = append(env, "VOLCRTC_BUDGET_REDIS_URL="+srv.url)
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				out, err := terraformRunEnv(cli, pluginDir, hs.URL, env, config, "apply", "-auto-approve", "-input=false", "-no-color")
				if err != nil {
					check(fmt.Errorf("%s: %v\n%s", tc.name, err, out))
				}
			}()
		}
		wg.Wait()
		hs.Close()
		if srv != nil {
			srv.stop()
		}
		st := emu.Stats()
		slices.SortFunc(arrivals, func(a, b time.Time) int { return a.Compare(b) })
		most := 0
		for i, j := 0, 0; i < len(arrivals); i++ {
			for arrivals[i].Sub(arrivals[j]) >= time.Second {
				j++
			}
			most = max(most, i-j+1)
		}
		span := arrivals[len(arrivals)-1].Sub(arrivals[0]) + 10*time.Millisecond
		floor := time.Duration(float64(st.OK) * float64(time.Second) / (100 * tc.share))
		fmt.Printf("%-44s | %5d | %4d %4.1f%% | %11d | %8s | %8s | %6.2fx\n", tc.name, st.Total, st.Throttled,
			100*float64(st.Throttled)/float64(st.Total), most, round(span), round(floor), span.Seconds()/floor.Seconds())
	}
	srv := startRedis(bin)
	defer srv.stop()
	fmt.Println("cost of one reservation, 5,000 taken one after another: median, 99th percentile")
	for _, tc := range []struct {
		name string
		cfg  imclient.Config
	}{
		{"machine budget file (flock)", imclient.Config{BudgetDir: mustTemp("volcrtc-bench-cost")}},
		{"Redis on loopback (one Lua script)", imclient.Config{BudgetDir: mustTemp("volcrtc-bench-cost"), BudgetRedisURL: srv.url}},
	} {
		tc.cfg.AccessKey, tc.cfg.SecretKey, tc.cfg.MaxQPS = ak, sk, 100
		d, notice, err := imclient.ReservationCost(tc.cfg, "BatchGetConversationParticipant", 5000)
		check(err)
		if notice != "" {
			check(fmt.Errorf("%s: %s", tc.name, notice))
		}
		fmt.Printf("%-44s | %8s | %8s\n", tc.name, d[len(d)/2].Round(time.Microsecond), d[len(d)*99/100].Round(time.Microsecond))
	}
}

func mustTemp(prefix string) string {
	dir, err := os.MkdirTemp("", prefix)
	check(err)
	return dir
}

// terraformRunEnv is terraformRun with env added to the CLI's.
func terraformRunEnv(cli, pluginDir, url string, env []string, config string, args ...string) (string, error) {
	work := mustTemp("volcrtc-bench-fleet")
	defer func() { _ = os.RemoveAll(work) }()
	return terraformInEnv(work, cli, pluginDir, url, env, config, args...)
}

// redisServer is a redis-server for the bench, on a free loopback port.
type redisServer struct {
	url     string
	cmd     *exec.Cmd
	once    sync.Once
	closers []func() // what stands in front of it, closed before it stops
}

func startRedis(bin string, args ...string) *redisServer {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	check(err)
	addr := l.Addr().String()
	check(l.Close())
	_, port, _ := net.SplitHostPort(addr)
	dir := mustTemp("volcrtc-bench-redis")
	cmd := exec.Command(bin, append([]string{"--bind", "127.0.0.1", "--port", port, "--dir", dir, "--save", "", "--appendonly", "no"}, args...)...)
	check(cmd.Start())
	for i := 0; ; i++ {
		if c, err := net.DialTimeout("tcp", addr, 100*time.Millisecond); err == nil {
			_ = c.Close()
			break
		}
		if i > 100 {
			check(fmt.Errorf("redis-server did not listen on %s", addr))
		}
		time.Sleep(20 * time.Millisecond)
	}
	return &redisServer{url: "redis://" + addr + "/0", cmd: cmd}
}

func (r *redisServer) stop() {
	r.once.Do(func() {
		for _, c := range r.closers {
			c()
		}
		_ = r.cmd.Process.Kill()
		_ = r.cmd.Wait()
	})
}

// arrivalSpan is the time from the first request the emulator answered to
// the last, as an emulator's OnRequest sees them.
type arrivalSpan struct {
	mu          sync.Mutex
	first, last time.Time
}

func (a *arrivalSpan) record(emulator.Request) {
	a.mu.Lock()
	defer a.mu.Unlock()
	now := time.Now()
	if a.first.IsZero() {
		a.first = now
	}
	a.last = now
}

// span is the first to the last arrival, plus 10 ms: a second's worth of
// calls spans just under a second.
func (a *arrivalSpan) span() time.Duration {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.last.Sub(a.first) + 10*time.Millisecond
}
