// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package memlimit

import (
	"math"
	"runtime"
	"runtime/debug"
	"testing"
	"time"
)

func TestFor(t *testing.T) {
	for _, tc := range []struct{ live, want int64 }{
		{0, Floor},
		{100 << 20, Floor},       // one large read: the floor holds
		{400 << 20, 600 << 20},   // ten parallel reads: half again the live heap
		{Floor, Floor + Floor/2}, // at the floor, it grows
	} {
		if got := For(Floor, tc.live); got != tc.want {
			t.Errorf("For(%d MiB live) = %d MiB, want %d MiB", tc.live>>20, got>>20, tc.want>>20)
		}
	}
}

// The limit rises after a collection that finds more live heap than the
// floor allows, and falls back once that heap is freed.
func TestManageFollowsTheLiveHeap(t *testing.T) {
	defer debug.SetMemoryLimit(math.MaxInt64)
	const floor = 32 << 20
	stop := Manage(floor)
	defer stop()
	if got := debug.SetMemoryLimit(-1); got != floor {
		t.Fatalf("limit %d MiB at start, want the floor", got>>20)
	}
	held := make([][]byte, 64)
	for i := range held {
		held[i] = make([]byte, 1<<20)
	}
	waitFor(t, func() bool { runtime.GC(); return debug.SetMemoryLimit(-1) >= 90<<20 })
	runtime.KeepAlive(held) // held is unreachable from here on
	waitFor(t, func() bool { runtime.GC(); return debug.SetMemoryLimit(-1) == floor })
}

func waitFor(t *testing.T, ok func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if ok() {
			return
		}
	}
	t.Fatalf("limit now %d MiB", debug.SetMemoryLimit(-1)>>20)
}
