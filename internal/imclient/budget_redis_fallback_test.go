// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package imclient

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/redistest"
	"github.com/volcrtc/terraform-provider-volcrtc/internal/testutil"
)

// ownState is the state of the own budget a Redis store falls back to.
func ownState(t *testing.T, b *budget) (st budgetState) {
	t.Helper()
	rs, ok := b.store.(*redisStore)
	if !ok {
		t.Fatalf("store %T, not Redis", b.store)
	}
	rs.own.store.update(context.Background(), func(s *budgetState) { st = *s })
	return st
}

// A process alone on the budget whose Redis fails fast (full: maxmemory
// with noeviction, so writes answer OOM) or answers late (0.4 s, past the
// bound of an operation) paces itself by its own budget at the whole of
// its limit, with the one warning: it had the whole budget, and starting
// from the few calls of its last window (a quarter of its limit, or less
// after each flap of a flaky Redis) made a 7.5 s read take 29 s.
func TestRedisBudgetFallbackAloneKeepsItsRate(t *testing.T) {
	for name, tc := range map[string]struct {
		spoil  func(t *testing.T, rdb *redis.Client, late *redistest.Late)
		reason string
	}{
		"full": {func(t *testing.T, rdb *redis.Client, _ *redistest.Late) {
			ctx := context.Background()
			if err := rdb.ConfigSet(ctx, "maxmemory-policy", "noeviction").Err(); err != nil {
				t.Fatal(err)
			}
			if err := rdb.ConfigSet(ctx, "maxmemory", "1").Err(); err != nil {
				t.Fatal(err)
			}
		}, "OOM"},
		"late": {func(_ *testing.T, _ *redis.Client, late *redistest.Late) { late.SetDelay(400 * time.Millisecond) }, "timeout"},
	} {
		t.Run(name, func(t *testing.T) {
			srv := redistest.Start(t, redistest.Options{})
			late, err := redistest.NewLate(srv.Addr)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(late.Close)
			c, b := redisBudget(t, "redis://"+late.Addr+"/0", nil)
			// Ten slots of the limit of 20, taken at once: a read that
			// has just started.
			var first slot
			for i := 0; i < 10; i++ {
				s, ok := b.store.reserve(context.Background(), b.limit)
				if !ok || s.id == "" {
					t.Fatalf("slot %+v from Redis", s)
				}
				if i == 0 {
					first = s
				}
			}
			tc.spoil(t, redisConn(t, srv), late)
			// The first call is written: moving its slot is a write that
			// a full Redis refuses (a reservation is not: its script
			// starts by deleting, and Redis lets a script that wrote go on).
			b.store.wrote(context.Background(), first, time.Now())
			s, ok := b.store.reserve(context.Background(), b.limit)
			if !ok || s.id != "" {
				t.Fatalf("slot %+v: want one of the own budget", s)
			}
			if st := ownState(t, b); st.CutAt != 0 || st.rate(time.Now(), b.limit) != b.limit || len(st.Sent) != 11 {
				t.Fatalf("own budget %+v: want the ten slots taken over and the whole limit of %v", st, b.limit)
			}
			if notice, ok := c.TakeRedisNotice(); !ok || !strings.Contains(notice, tc.reason) {
				t.Fatalf("notice %q, want one saying %s", notice, tc.reason)
			}
		})
	}
}

// A process back on Redis after pacing itself hands its own slots back:
// Redis counts them before its next slot, so the window they fill is not
// filled twice.
func TestRedisBudgetHandsBack(t *testing.T) {
	srv := redistest.Start(t, redistest.Options{})
	_, b := redisBudget(t, srv.URL(), nil)
	srv.Stop()
	var first slot
	for i := 0; i < 20; i++ { // the whole window at the limit of 20
		s, ok := b.store.reserve(context.Background(), b.limit)
		if !ok || s.id != "" {
			t.Fatalf("slot %+v with Redis stopped", s)
		}
		if i == 0 {
			first = s
		}
	}
	srv.Restart(t)
	backoffOver(t, b)
	s, ok := b.store.reserve(context.Background(), b.limit)
	if !ok || s.id == "" {
		t.Fatalf("slot %+v with Redis back", s)
	}
	if s.at.Before(first.at.Add(budgetWindow)) {
		t.Fatalf("Redis's slot at %v, within the window the own budget filled from %v", s.at, first.at)
	}
}

// backoffOver ends the backoff after a failure at once and waits until
// the background probe has found Redis usable again.
func backoffOver(t *testing.T, b *budget) {
	t.Helper()
	rs, ok := b.store.(*redisStore)
	if !ok {
		t.Fatalf("store %T, not Redis", b.store)
	}
	select {
	case rs.rc.kick <- struct{}{}:
	default:
	}
	testutil.WaitFor(t, rs.rc.usable)
}

// Reservations planted further ahead than a fleet makes (100, 90 s
// ahead: they stalled a read 88.5 s) are dropped with the one warning;
// the fleet's own reservations and rate stay.
func TestRedisBudgetPlantedAhead(t *testing.T) {
	srv := redistest.Start(t, redistest.Options{})
	rdb := redisConn(t, srv)
	ctx := context.Background()
	_, other := redisBudget(t, srv.URL(), nil)
	c, b := redisBudget(t, srv.URL(), nil)
	var fleet []slot
	for i := 0; i < 3; i++ {
		s, ok := other.store.reserve(ctx, other.limit)
		if !ok || s.id == "" {
			t.Fatalf("slot %+v", s)
		}
		fleet = append(fleet, s)
	}
	store, _ := b.store.(*redisStore)
	now := rdb.Time(ctx).Val().UnixMicro()
	for i := 0; i < 100; i++ {
		rdb.ZAdd(ctx, store.keys[0], redis.Z{Score: float64(now + 90e6 + int64(i)), Member: fmt.Sprint("planted-", i)})
	}
	s, ok := b.store.reserve(ctx, b.limit)
	if !ok || s.id == "" || time.Until(s.at) > time.Second {
		t.Fatalf("slot %+v, %v ahead: the planted reservations were counted", s, time.Until(s.at))
	}
	if notice, ok := c.TakeRedisNotice(); !ok || !strings.Contains(notice, "ignored") {
		t.Fatalf("notice %q", notice)
	}
	if n := rdb.ZCard(ctx, store.keys[0]).Val(); n != int64(len(fleet)+1) {
		t.Fatalf("%d reservations left, want the fleet's %d and the new one", n, len(fleet))
	}
	for _, r := range fleet {
		if err := rdb.ZScore(ctx, store.keys[0], r.id).Err(); err != nil {
			t.Fatalf("the fleet's reservation %s dropped: %v", r.id, err)
		}
	}
}
