// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package imclient

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
)

// Merging: requests of one action and app, from different resources of
// one provider process, share one call, up to the action's batch size.
// There is no window: a request that can go out at once goes out alone at
// once; the requests that arrive while a call of the action is waiting for
// its budget or is in flight wait for it, and the next call carries them
// all. A call that is waiting for its budget takes its requests when the
// budget lets it leave, so everything that queued while it waited goes.
// So merging costs no time when the API is idle, and turns the calls that
// would have queued behind one another into one when it is not.
//
// Each request gets its own outcome. A merged call that fails as a whole
// is sent again with each request alone, so one bad request cannot fail
// the others; a write whose answer is lost is not sent again (its users
// are Unknown, for the caller to read back).

// mergeKey names one queue: the requests of one action and app.
type mergeKey struct {
	action string
	app    int32
}

// mergeReq is one caller's request in a queue.
type mergeReq struct {
	ctx context.Context
	ids []int64 // distinct
	// arg is what the action needs beyond the IDs (profiles, whether the
	// member count is wanted).
	arg any
	// keepsTrack: a write. Once its call is sent, the caller waits for the
	// answer even when its context ends, so what the call did is known.
	keepsTrack bool

	sent bool // taken into a call (guarded by the queue's mu)
	done chan struct{}
	out  any
	err  error
}

// mergeSend makes one call for reqs, whose IDs together are within the
// action's batch size, sets each request's out and err, and returns the
// requests that failed because the call failed as a whole: with several
// requests in the call, each of those is sent again alone.
type mergeSend func(ctx context.Context, reqs []*mergeReq) (failedWhole []*mergeReq)

// mergeQueue holds the requests waiting for the next call of one action
// and app; at most one call of it is being made at a time.
type mergeQueue struct {
	mu      sync.Mutex
	busy    bool // a call is waiting for its budget or is in flight
	waiting []*mergeReq
	idle    context.CancelFunc // stops waiting for the budget once nobody waits
	// distinct: requests that share an ID do not go in one call (writes).
	distinct bool
}

// errSplit tells the caller to send its request on the unmerged path,
// which splits a call that the API refused as too long.
var errSplit = errors.New("the request must be split")

func (c *Client) mergeQueueOf(action string, app int32, distinct bool) *mergeQueue {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.merges == nil {
		c.merges = map[mergeKey]*mergeQueue{}
	}
	k := mergeKey{action, app}
	q := c.merges[k]
	if q == nil {
		q = &mergeQueue{distinct: distinct}
		c.merges[k] = q
	}
	return q
}

// merged queues r for the next call of action in app and returns its own
// outcome. capacity is the most IDs one call may carry now.
//
// When ctx ends before r was taken into a call, r leaves the queue and
// ctx's error is returned. After r was sent, a read returns ctx's error at
// once, and a write waits for its call's answer.
func (c *Client) merged(ctx context.Context, action string, app int32, capacity func() int, r *mergeReq, send mergeSend) (any, error) {
	q := c.mergeQueueOf(action, app, r.keepsTrack)
	r.ctx, r.done = ctx, make(chan struct{})
	q.mu.Lock()
	q.waiting = append(q.waiting, r)
	if !q.busy {
		q.busy = true
		go c.mergeLoop(q, action, capacity, send)
	}
	q.mu.Unlock()
	select {
	case <-r.done:
		return r.out, r.err
	case <-ctx.Done():
	}
	q.mu.Lock()
	if !r.sent {
		q.remove(r)
		if len(q.waiting) == 0 && q.idle != nil {
			q.idle()
		}
		q.mu.Unlock()
		return nil, ctx.Err()
	}
	q.mu.Unlock()
	if !r.keepsTrack {
		return nil, ctx.Err()
	}
	<-r.done
	return r.out, r.err
}

func (q *mergeQueue) remove(r *mergeReq) {
	for i, w := range q.waiting {
		if w == r {
			q.waiting = append(q.waiting[:i], q.waiting[i+1:]...)
			return
		}
	}
}

// take removes from the queue, in arrival order, the requests the next
// call carries: as many as fit in capacity IDs (the first always goes).
func (q *mergeQueue) take(capacity int) []*mergeReq {
	var batch []*mergeReq
	ids := map[int64]bool{}
	rest := q.waiting[:0]
	for _, r := range q.waiting {
		fresh, clash := 0, false
		for _, id := range r.ids {
			if ids[id] {
				clash = true
			} else {
				fresh++
			}
		}
		if len(batch) > 0 && (len(ids)+fresh > capacity || (clash && q.distinct)) {
			rest = append(rest, r)
			continue
		}
		for _, id := range r.ids {
			ids[id] = true
		}
		r.sent = true
		batch = append(batch, r)
	}
	clear(q.waiting[len(rest):])
	q.waiting = rest
	return batch
}

// waitingCount is how many requests wait for the next call (for tests).
func (q *mergeQueue) waitingCount() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.waiting)
}

// mergeLoop makes the queue's calls, one at a time, while requests wait.
// Each call takes its budget slot first and its requests then.
func (c *Client) mergeLoop(q *mergeQueue, action string, capacity func() int, send mergeSend) {
	b := c.budgetOf(action)
	for {
		q.mu.Lock()
		if len(q.waiting) == 0 {
			q.busy, q.idle = false, nil
			q.mu.Unlock()
			return
		}
		wctx, cancel := context.WithCancel(context.WithoutCancel(q.waiting[0].ctx))
		q.idle = cancel
		q.mu.Unlock()
		s, err := b.wait(wctx)
		q.mu.Lock()
		q.idle = nil
		var batch []*mergeReq
		if err == nil {
			batch = q.take(capacity())
		}
		q.mu.Unlock()
		cancel()
		if err != nil { // nobody waits any more
			continue
		}
		h := &heldSlot{b: b, s: s}
		if len(batch) > 0 {
			c.sendMerged(h, batch, send)
		}
		h.release()
	}
}

// sendMerged makes the call for batch on the slot held, then sends alone
// each request of a merged call that failed as a whole, and hands every
// request its outcome.
func (c *Client) sendMerged(h *heldSlot, batch []*mergeReq, send mergeSend) {
	ctx, stop := whileAnyWaits(batch)
	failed := send(withHeldSlot(ctx, h), batch)
	stop()
	if len(batch) > 1 && len(failed) > 0 {
		var wg sync.WaitGroup
		for _, r := range failed {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r.out, r.err = nil, nil
				send(r.ctx, []*mergeReq{r})
			}()
		}
		wg.Wait()
	}
	for _, r := range batch {
		close(r.done)
	}
}

// whileAnyWaits returns a context, with the first request's values, that
// ends once every request's context has ended: one caller's Ctrl-C does
// not cancel the others' call.
func whileAnyWaits(reqs []*mergeReq) (context.Context, func()) {
	ctx, cancel := context.WithCancel(context.WithoutCancel(reqs[0].ctx))
	var left atomic.Int64
	left.Store(int64(len(reqs)))
	stops := make([]func() bool, 0, len(reqs))
	for _, r := range reqs {
		stops = append(stops, context.AfterFunc(r.ctx, func() {
			if left.Add(-1) == 0 {
				cancel()
			}
		}))
	}
	return ctx, func() {
		for _, s := range stops {
			s()
		}
		cancel()
	}
}

// unionIDs is every ID of reqs once, in order.
func unionIDs(reqs []*mergeReq) []int64 {
	seen := map[int64]bool{}
	var ids []int64
	for _, r := range reqs {
		for _, id := range r.ids {
			if !seen[id] {
				seen[id] = true
				ids = append(ids, id)
			}
		}
	}
	return ids
}

// distinctIDs reports whether ids holds no repeat.
func distinctIDs(ids []int64) bool {
	seen := make(map[int64]bool, len(ids))
	for _, id := range ids {
		if seen[id] {
			return false
		}
		seen[id] = true
	}
	return true
}

// heldSlot is a budget slot a merged call took before its requests: the
// call's first attempt leaves on it instead of taking another.
type heldSlot struct {
	mu   sync.Mutex
	b    *budget
	s    slot
	used bool
}

type heldSlotKey struct{}

func withHeldSlot(ctx context.Context, h *heldSlot) context.Context {
	return context.WithValue(ctx, heldSlotKey{}, h)
}

// takeSlot is the slot held for ctx's call on b, the first time, or a new
// one from b.
func takeSlot(ctx context.Context, b *budget) (slot, error) {
	if h, ok := ctx.Value(heldSlotKey{}).(*heldSlot); ok && h.b == b {
		h.mu.Lock()
		fresh := !h.used
		h.used = true
		h.mu.Unlock()
		if fresh {
			return h.s, nil
		}
	}
	return b.wait(ctx)
}

// release gives the slot back when no call used it.
func (h *heldSlot) release() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.used {
		h.used = true
		h.b.store.release(context.Background(), h.s)
	}
}
