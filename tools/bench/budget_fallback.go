// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package main

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os/exec"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/emulator"
	"github.com/volcrtc/terraform-provider-volcrtc/internal/redistest"
)

// fallbackIDs is what runFallback's read asks for: 700 calls of 10 at
// max_qps 100, about 7.5 s with terraform's own time.
const fallbackIDs = 7000

// runFallback measures one terraform process alone on a budget shared
// through a Redis it cannot use well: full (maxmemory with noeviction, so
// writes answer OOM) or answering 0.4 s late, against the same read
// without Redis. The goal is 1.2x the read without Redis, with the one
// warning.
func runFallback(cli, pluginDir string) {
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		fmt.Println("Redis that cannot be used well: skipped, redis-server not found (scripts/redis-server.sh gets it)")
		return
	}
	fmt.Printf("\nRedis that cannot be used well: one process reading %d IDs in %d calls of 10 at max_qps 100; emulator "+
		"admits 100 calls per key and action in any second, 50 ms latency\n", fallbackIDs, fallbackIDs/10)
	fmt.Printf("%-44s | %5s | %9s | %8s | %10s | %s\n", "case", "calls", "throttled", "span", "x no Redis", "warned")
	var base time.Duration
	for _, tc := range []struct {
		name  string
		spoil func(srv *redisServer) string // the URL to use
	}{
		{"no Redis", nil},
		{"Redis full (maxmemory, noeviction)", func(srv *redisServer) string {
			opts, err := redis.ParseURL(srv.url)
			check(err)
			rdb := redis.NewClient(opts)
			defer func() { _ = rdb.Close() }()
			ctx := context.Background()
			check(rdb.ConfigSet(ctx, "maxmemory-policy", "noeviction").Err())
			check(rdb.ConfigSet(ctx, "maxmemory", "1").Err())
			return srv.url
		}},
		{"Redis answering 0.4 s late", func(srv *redisServer) string {
			late, err := redistest.NewLate(strings.TrimSuffix(strings.TrimPrefix(srv.url, "redis://"), "/0"))
			check(err)
			late.SetDelay(400 * time.Millisecond)
			srv.closers = append(srv.closers, late.Close)
			return "redis://" + late.Addr + "/0"
		}},
	} {
		pause()
		env := []string{"VOLCRTC_BUDGET_DIR=" + mustTemp("volcrtc-bench-fallback")}
		var srv *redisServer
		if tc.spoil != nil {
			srv = startRedis(bin)
			env = append(env, "VOLCRTC_BUDGET_REDIS_URL="+tc.spoil(srv))
		}
		arrivals := &arrivalSpan{}
		emu, err := emulator.New(fixtures(), emulator.Options{Latency: 50 * time.Millisecond, RateLimit: 100, NoRecord: true,
			OnRequest: arrivals.record})
		check(err)
		hs := httptest.NewServer(emu)
		out, err := terraformRunEnv(cli, pluginDir, hs.URL, env, budgetConfig(1, fallbackIDs), "apply", "-auto-approve", "-input=false", "-no-color")
		hs.Close()
		if srv != nil {
			srv.stop()
		}
		if err != nil {
			check(fmt.Errorf("%s: %v\n%s", tc.name, err, out))
		}
		st := emu.Stats()
		span := arrivals.span()
		ratio := "-"
		if base == 0 {
			base = span
		} else {
			ratio = fmt.Sprintf("%.2fx", span.Seconds()/base.Seconds())
		}
		warned := strings.Count(out, "Request budget not shared through Redis")
		fmt.Printf("%-44s | %5d | %4d %3.1f%% | %8s | %10s | %d\n", tc.name, st.Total, st.Throttled,
			100*float64(st.Throttled)/float64(st.Total), round(span), ratio, warned)
	}
}
