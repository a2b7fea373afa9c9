// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package imclient

import (
	"context"
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/redistest"
)

// The budget's rules exist twice, in Go (budgetState, for the memory and
// file stores) and in Lua (budget_redis.lua): the same steps through each
// store give the same decisions. Each slot is compared by how far ahead
// of the clock it is; Redis keeps its own, real clock, which runs ahead
// of the test's fake one by the time the steps themselves take (round
// trips, a loaded machine): its times may differ by that much and 5 ms.
func TestBudgetStoresDecideAlike(t *testing.T) {
	const limit = 10
	type step struct {
		do   string // reserve, advance, wrote, release, throttled, voided
		slot int    // the slot (by the order reserve took them) wrote, release and voided act on
	}
	steps := []step{
		{do: "reserve"}, {do: "reserve"}, {do: "reserve"}, {do: "reserve"}, {do: "reserve"}, {do: "reserve"},
		{do: "reserve"}, {do: "reserve"}, {do: "reserve"}, {do: "reserve"}, {do: "reserve"}, {do: "reserve"},
		{do: "advance"},
		{do: "wrote", slot: 0},    // the first call left 150 ms late
		{do: "release", slot: 11}, // the last was never sent
		{do: "reserve"},
		{do: "throttled"},
		{do: "voided", slot: 5},
		{do: "reserve"}, {do: "reserve"},
	}
	srv := redistest.Start(t, redistest.Options{})
	stores := map[string]func(clock Clock) slotStore{
		"memory": func(clock Clock) slotStore { return stateSlots{&memoryStore{}, clock} },
		"file": func(clock Clock) slotStore {
			return stateSlots{newFileStore(t.TempDir(), "b", clock, func(err error) { t.Errorf("file store fell back: %v", err) }), clock}
		},
		"redis": func(clock Clock) slotStore {
			_, b := redisBudget(t, srv.URL(), func(c *Config) { c.Clock = clock })
			return b.store
		},
	}
	run := func(name string) ([]string, []float64) {
		clock := &fakeClock{now: time.Now()}
		realStart, fakeStart := time.Now(), clock.Now()
		var drift []float64 // how far the real clock ran ahead of the fake one, by decision
		store := stores[name](clock)
		ctx := context.Background()
		var slots []slot
		var out []string
		for _, st := range steps {
			switch st.do {
			case "reserve":
				s, ok := store.reserve(ctx, limit)
				if !ok {
					t.Fatalf("%s: no slot", name)
				}
				if _, redis := store.(*redisStore); redis && s.id == "" {
					t.Fatalf("redis: a slot of the own budget (%+v)", s)
				}
				slots = append(slots, s)
				out = append(out, fmt.Sprintf("slot %d at %.0f ms", len(slots)-1, ms(s.at.Sub(clock.Now()))))
				drift = append(drift, ms(time.Since(realStart)-clock.Now().Sub(fakeStart)))
			case "advance":
				time.Sleep(150 * time.Millisecond) // Redis's clock is real
				clock.add(150 * time.Millisecond)
			case "wrote":
				store.wrote(ctx, slots[st.slot], clock.Now())
			case "release":
				store.release(ctx, slots[st.slot])
			case "throttled":
				store.throttled(ctx, limit)
			case "voided":
				out = append(out, fmt.Sprintf("slot %d voided %v", st.slot, store.voided(ctx, slots[st.slot])))
				drift = append(drift, 0)
			}
		}
		return out, drift
	}
	want, _ := run("memory")
	// Spot checks against the rules: the window guard, the moved slot
	// counting, the throttle's cut to the two calls that left in the
	// window (0.7 x 2 a second, and one per window).
	for i, w := range map[int]string{10: "slot 10 at 1020 ms", 12: "slot 12 at 1020 ms", 13: "slot 5 voided true", 14: "slot 13 at 1020 ms", 15: "slot 14 at 2040 ms"} {
		if want[i] != w {
			t.Fatalf("memory store: decision %d is %q, want %q (all: %q)", i, want[i], w, want)
		}
	}
	for _, name := range []string{"file", "redis"} {
		got, drift := run(name)
		if !alike(got, want, drift) {
			t.Errorf("%s store decided\n%q\nthe memory store\n%q", name, got, want)
		}
	}
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// alike compares decisions, slot times within 5 ms and the drift of the
// clock they were measured on.
func alike(got, want []string, drift []float64) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		var gi, wi int
		var g, w float64
		_, errG := fmt.Sscanf(got[i], "slot %d at %f ms", &gi, &g)
		_, errW := fmt.Sscanf(want[i], "slot %d at %f ms", &wi, &w)
		switch {
		case errG == nil && errW == nil:
			if gi != wi || math.Abs(g-w) > 5+math.Abs(drift[i]) {
				return false
			}
		case got[i] != want[i]:
			return false
		}
	}
	return true
}
