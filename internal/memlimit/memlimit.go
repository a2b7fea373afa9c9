// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

// Package memlimit keeps the plugin's soft memory limit in step with what
// its reads hold. A fixed limit either lets one large read double its heap
// before the collector runs (no limit), or, when parallel reads hold more
// than the limit, makes the collector run constantly (a limit below the
// live heap). So the limit follows the live heap after each collection:
// never below a floor, and half again the live heap above it.
package memlimit

import (
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync/atomic"
)

// Floor is the limit while the live heap is small: one read of 100,000
// members holds about 100 MB of records and state, and peaks near 180 MB
// under it.
const Floor = 160 << 20

// For is the limit for a live heap of live bytes: at least floor, else
// half again the live heap, so the collector runs when the heap has grown
// by half (as GOGC=50 would) instead of doubling it.
func For(floor, live int64) int64 {
	return max(floor, live+live/2)
}

// Manage sets the limit now and after every collection, until stop is
// called. It reads the live heap from runtime/metrics.
func Manage(floor int64) (stop func()) {
	var stopped atomic.Bool
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	adjust := func() {
		metrics.Read(sample)
		live := int64(0)
		if sample[0].Value.Kind() == metrics.KindUint64 {
			live = int64(sample[0].Value.Uint64())
		}
		debug.SetMemoryLimit(For(floor, live))
	}
	adjust()
	watch(func() bool {
		if stopped.Load() {
			return false
		}
		adjust()
		return true
	})
	return func() { stopped.Store(true) }
}

// sentinel is an object whose only reference is dropped at once: its
// finalizer runs after the next collection, and arms a new one.
type sentinel struct{ _ *int }

// watch calls f after every collection for as long as f returns true.
func watch(f func() bool) {
	s := &sentinel{}
	runtime.SetFinalizer(s, func(*sentinel) {
		if f() {
			watch(f)
		}
	})
}
