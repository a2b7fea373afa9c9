// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package imclient

import (
	"context"
	"sync"
	"time"
)

// sendWindow caps the calls sent in any sliding window of one second, by
// the time they are actually sent. The token bucket paces calls evenly,
// but a goroutine can be held up between taking its token and sending
// (a GC pause, a busy machine) and then go out together with later ones;
// the API counts arrivals, so this second check keeps such bunches under
// the budget too.
type sendWindow struct {
	mu    sync.Mutex
	per   time.Duration
	sent  []time.Time // ring of the last len(sent) send times
	next  int
	now   func() time.Time
	sleep func(ctx context.Context, d time.Duration) error
}

func newSendWindow(limit int, per time.Duration, now func() time.Time, sleep func(context.Context, time.Duration) error) *sendWindow {
	return &sendWindow{per: per, sent: make([]time.Time, max(limit, 1)), now: now, sleep: sleep}
}

// wait blocks until a call may be sent without exceeding the window, and
// records it as sent.
func (w *sendWindow) wait(ctx context.Context) error {
	for {
		w.mu.Lock()
		now := w.now()
		oldest := w.sent[w.next]
		if oldest.IsZero() || now.Sub(oldest) >= w.per {
			w.sent[w.next] = now
			w.next = (w.next + 1) % len(w.sent)
			w.mu.Unlock()
			return nil
		}
		d := w.per - now.Sub(oldest)
		w.mu.Unlock()
		if err := w.sleep(ctx, d); err != nil {
			return err
		}
	}
}
