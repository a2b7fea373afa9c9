// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package imclient

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/redistest"
)

// onPathKey marks the context of a test's calls: pathHook counts the
// Redis commands made on it, the path of a call, and not those the client
// makes on its own (trying Redis again in the background).
type onPathKey struct{}

type pathHook struct{ n *atomic.Int64 }

func (pathHook) DialHook(next redis.DialHook) redis.DialHook { return next }

func (h pathHook) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		if ctx.Value(onPathKey{}) != nil {
			h.n.Add(1)
		}
		return next(ctx, cmd)
	}
}

func (pathHook) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return next
}

// pathBudget is a budget on the Redis at url, on a clock that moves only
// when the budget sleeps, with a counter of the Redis commands made on
// the path of the calls made on the context it returns.
func pathBudget(t *testing.T, url string) (*Client, *budget, *sleeps, context.Context, *atomic.Int64) {
	t.Helper()
	clock := &sleeps{}
	c, b := redisBudget(t, url, func(c *Config) { c.Clock = clock })
	rs, ok := b.store.(*redisStore)
	if !ok {
		t.Fatalf("store %T, not Redis", b.store)
	}
	n := &atomic.Int64{}
	rs.rc.rdb.AddHook(pathHook{n})
	return c, b, clock, context.WithValue(context.Background(), onPathKey{}, true), n
}

// calls makes n calls of the budget, each written 5 ms after its slot
// (the moment a call takes to leave, which the budget records: a write
// to Redis), and returns how many of their slots came from Redis.
func calls(t *testing.T, ctx context.Context, b *budget, clock *sleeps, n int) (fromRedis int) {
	t.Helper()
	for i := 0; i < n; i++ {
		s, err := b.wait(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if s.id != "" {
			fromRedis++
		}
		_ = clock.Sleep(ctx, 5*time.Millisecond)
		b.wrote(ctx, s)
	}
	return fromRedis
}

// A Redis that hangs (stopped: it accepts connections and answers
// nothing) costs the path of a call one bounded wait, the one that finds
// it hung: the calls after it pace themselves by the process's own budget
// without a command to Redis, however long they take (here 100 calls, 5 s
// of the budget's clock at max_qps 20), with the one warning. Redis is
// tried again in the background, and once it answers the calls use it
// again. Before, each call past a backoff tried Redis on its own path and
// waited for it (a hung Redis made a 5.9 s read take 27.4 s).
func TestRedisBudgetHungNeverOnThePath(t *testing.T) {
	srv := redistest.Start(t, redistest.Options{})
	c, b, clock, ctx, onPath := pathBudget(t, srv.URL())
	if calls(t, ctx, b, clock, 1) != 1 {
		t.Fatal("the first slot did not come from Redis")
	}
	resume := srv.Pause(t)
	defer resume()
	before := onPath.Load()
	if n := calls(t, ctx, b, clock, 100); n != 0 {
		t.Fatalf("%d slots of 100 from a hung Redis", n)
	}
	if n := onPath.Load() - before; n != 1 {
		t.Fatalf("%d Redis commands on the path of 100 calls while it hung, want 1: the one that found it hung", n)
	}
	if notice, ok := c.TakeRedisNotice(); !ok || !strings.Contains(notice, "timeout") {
		t.Fatalf("notice %q, want one saying timeout", notice)
	}
	resume()
	for i := 0; ; i++ {
		if calls(t, ctx, b, clock, 1) == 1 {
			break
		}
		if i > 3000 {
			t.Fatal("the calls never used Redis again once it answered")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if notice, ok := c.TakeRedisNotice(); ok {
		t.Fatalf("a second notice %q", notice)
	}
}

// A full Redis (maxmemory reached with noeviction) still runs the
// reservation script, whose first write frees memory, and refuses the
// next write with OOM: the process falls back to its own budget at the
// first refusal, with the one warning, and stays on it while Redis is
// full, without a command to Redis on the path of a call. Before, each
// backoff's first call found reservations working, went back to Redis
// and fell out again at the next write, handing its slots over and back
// each time (a 5.9 s read took 9.0 s).
func TestRedisBudgetFullNeverOnThePath(t *testing.T) {
	srv := redistest.Start(t, redistest.Options{})
	c, b, clock, ctx, onPath := pathBudget(t, srv.URL())
	if calls(t, ctx, b, clock, 1) != 1 {
		t.Fatal("the first slot did not come from Redis")
	}
	rdb := redisConn(t, srv)
	if err := rdb.ConfigSet(context.Background(), "maxmemory-policy", "noeviction").Err(); err != nil {
		t.Fatal(err)
	}
	if err := rdb.ConfigSet(context.Background(), "maxmemory", "1").Err(); err != nil {
		t.Fatal(err)
	}
	// The next call's reservation still works; the record of its late
	// write (Redis's clock past the slot: a real wait) is refused.
	s, ok := b.store.reserve(ctx, b.limit)
	if !ok || s.id == "" {
		t.Fatalf("slot %+v: a full Redis refused a reservation, the setup no longer shows the refused write", s)
	}
	time.Sleep(100 * time.Millisecond) // two slots at the limit of 20
	b.store.wrote(ctx, s, clock.Now())
	if notice, ok := c.TakeRedisNotice(); !ok || !strings.Contains(notice, "OOM") {
		t.Fatalf("notice %q, want one saying OOM", notice)
	}
	before := onPath.Load()
	if n := calls(t, ctx, b, clock, 100); n != 0 {
		t.Fatalf("%d slots of 100 from a full Redis", n)
	}
	if n := onPath.Load() - before; n != 0 {
		t.Fatalf("%d Redis commands on the path of 100 calls while it was full, want 0", n)
	}
	if st := ownState(t, b); st.CutAt != 0 {
		t.Fatalf("own budget %+v: a process alone keeps its whole limit", st)
	}
}

// A process alone that fell back from Redis and came back to it counts
// the slots it handed back as its own: when Redis fails again, its own
// budget takes over at the whole limit. Before, it counted only the one
// slot Redis gave it since, out of the window's twenty: it fell back at a
// twentieth of its rate, and a Redis that failed every few seconds kept
// it there.
func TestRedisBudgetBackAloneKeepsItsRate(t *testing.T) {
	srv := redistest.Start(t, redistest.Options{})
	_, b := redisBudget(t, srv.URL(), nil)
	take := func(n int, fromRedis bool) {
		t.Helper()
		for i := 0; i < n; i++ {
			s, ok := b.store.reserve(context.Background(), b.limit)
			if !ok || (s.id != "") != fromRedis {
				t.Fatalf("slot %+v: want one from Redis: %v", s, fromRedis)
			}
		}
	}
	take(5, true)
	srv.Stop()
	take(15, false) // the window's twenty at the limit of 20
	srv.Restart(t)
	backoffOver(t, b)
	take(1, true)
	srv.Stop()
	take(1, false)
	if st := ownState(t, b); st.CutAt != 0 {
		t.Fatalf("own budget %+v: a process alone fell back at a cut rate", st)
	}
}
