// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package imclient

import (
	"context"
	"sync"
	"time"
)

// sendWindow caps the calls sent in any sliding window of one second, by
// the time they actually leave. The token bucket paces calls evenly, but a
// goroutine can be held up between taking its token and writing its
// request (a GC pause, a busy machine) and then go out together with later
// ones; the API counts arrivals. wait reserves a slot stamped with the
// current time, and wrote moves the stamp to when the request was really
// written, so that calls held up like this push the next ones back.
type sendWindow struct {
	mu    sync.Mutex
	per   time.Duration
	sent  []time.Time // ring of the last len(sent) send times
	gen   []uint64    // which reservation owns each slot
	seq   uint64
	next  int
	now   func() time.Time
	sleep func(ctx context.Context, d time.Duration) error
}

// reservation identifies one call's slot in the window.
type reservation struct {
	slot int
	gen  uint64
}

func newSendWindow(limit int, per time.Duration, now func() time.Time, sleep func(context.Context, time.Duration) error) *sendWindow {
	n := max(limit, 1)
	return &sendWindow{per: per, sent: make([]time.Time, n), gen: make([]uint64, n), now: now, sleep: sleep}
}

// wait blocks until a call may be sent without exceeding the window, and
// reserves its slot.
func (w *sendWindow) wait(ctx context.Context) (reservation, error) {
	for {
		w.mu.Lock()
		now := w.now()
		oldest := w.sent[w.next]
		if oldest.IsZero() || now.Sub(oldest) >= w.per {
			w.seq++
			r := reservation{slot: w.next, gen: w.seq}
			w.sent[r.slot], w.gen[r.slot] = now, r.gen
			w.next = (w.next + 1) % len(w.sent)
			w.mu.Unlock()
			return r, nil
		}
		d := w.per - now.Sub(oldest)
		w.mu.Unlock()
		if err := w.sleep(ctx, d); err != nil {
			return reservation{}, err
		}
	}
}

// wrote records when the reserved call was actually written.
func (w *sendWindow) wrote(r reservation) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.gen[r.slot] == r.gen {
		w.sent[r.slot] = w.now()
	}
}
