// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package main

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os/exec"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/emulator"
)

// faultIDs is what runRedisFaults's read asks for: 500 calls of 10 at
// max_qps 100, about 5 s of the API's pace and 6 s with terraform's own.
const faultIDs = 5000

// runRedisFaults times one terraform apply reading faultIDs IDs alone on
// a budget shared through a Redis that goes wrong, against the same apply
// without Redis (goal: 1.2x, with the one warning): with hung, a Redis that
// hangs, DEBUG SLEEP 0.4 sent back to back for 16 s from 2 s into the read;
// without, a full Redis (maxmemory reached, noeviction: every write it is
// asked for answers OOM).
func runRedisFaults(cli, pluginDir string, hung bool) {
	bin, err := exec.LookPath("redis-server")
	if err != nil || cli == "" {
		fmt.Println("Redis faults: skipped, needs -cli and redis-server (scripts/redis-server.sh gets it)")
		return
	}
	fault := "full (maxmemory reached, noeviction)"
	if hung {
		fault = "hung (DEBUG SLEEP 0.4 back to back for 16 s, from 2 s in)"
	}
	fmt.Printf("Redis %s: one terraform apply reading %d IDs in %d calls of 10 at max_qps 100; emulator admits 100 "+
		"calls per key and action in any second, 50 ms latency\n", fault, faultIDs, faultIDs/10)
	fmt.Printf("%-10s | %8s | %8s | %10s | %5s | %9s | %s\n", "run", "apply", "span", "x no Redis", "calls", "throttled", "warned")
	var base time.Duration
	for _, withRedis := range []bool{false, true} {
		pause()
		env := []string{"VOLCRTC_BUDGET_DIR=" + mustTemp("volcrtc-bench-faults")}
		var srv *redisServer
		var rdb *redis.Client
		if withRedis {
			srv = startRedis(bin, "--enable-debug-command", "yes")
			opts, err := redis.ParseURL(srv.url)
			check(err)
			// Its own connection: the budget's are the process's.
			rdb = redis.NewClient(opts)
			env = append(env, "VOLCRTC_BUDGET_REDIS_URL="+srv.url)
			if !hung {
				ctx := context.Background()
				check(rdb.ConfigSet(ctx, "maxmemory-policy", "noeviction").Err())
				check(rdb.ConfigSet(ctx, "maxmemory", "1").Err())
			}
		}
		stop := make(chan struct{})
		var hangs sync.WaitGroup
		var once sync.Once
		arrivals := &arrivalSpan{}
		onRequest := func(r emulator.Request) {
			arrivals.record(r)
			if withRedis && hung {
				once.Do(func() { hangs.Add(1); go hang(rdb, stop, &hangs) })
			}
		}
		emu, err := emulator.New(fixtures(), emulator.Options{Latency: 50 * time.Millisecond, RateLimit: 100, NoRecord: true,
			OnRequest: onRequest})
		check(err)
		hs := httptest.NewServer(emu)
		start := time.Now()
		out, err := terraformRunEnv(cli, pluginDir, hs.URL, env, budgetConfig(1, faultIDs), "apply", "-auto-approve", "-input=false", "-no-color")
		d := time.Since(start)
		close(stop)
		hangs.Wait()
		hs.Close()
		if rdb != nil {
			_ = rdb.Close()
		}
		if srv != nil {
			srv.stop()
		}
		if err != nil {
			check(fmt.Errorf("redis faults: %v\n%s", err, out))
		}
		st := emu.Stats()
		name, ratio := "no Redis", "-"
		if withRedis {
			name, ratio = "Redis "+map[bool]string{true: "hung", false: "full"}[hung], fmt.Sprintf("%.2fx", d.Seconds()/base.Seconds())
		} else {
			base = d
		}
		fmt.Printf("%-10s | %8s | %8s | %10s | %5d | %4d %3.1f%% | %d\n", name, round(d), round(arrivals.span()), ratio, st.Total,
			st.Throttled, 100*float64(st.Throttled)/float64(st.Total), strings.Count(out, "Request budget not shared through Redis"))
	}
}

// hang makes the Redis hang from 2 s after it starts, for 16 s or until
// stop: DEBUG SLEEP 0.4 sent back to back, so that other clients are
// answered only in the moment between two.
func hang(rdb *redis.Client, stop chan struct{}, done *sync.WaitGroup) {
	defer done.Done()
	select {
	case <-time.After(2 * time.Second):
	case <-stop:
		return
	}
	for end := time.Now().Add(16 * time.Second); time.Now().Before(end); {
		select {
		case <-stop:
			return
		default:
		}
		check(rdb.Do(context.Background(), "DEBUG", "SLEEP", "0.4").Err())
	}
}
