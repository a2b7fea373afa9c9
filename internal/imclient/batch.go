// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package imclient

import (
	"context"
	"errors"
	"sync"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// batchSize is what a client knows about how many IDs one call of an
// action may carry: the configured upper bound, lowered to the largest
// size the API takes once it refuses a call as too long (see sizeSearch),
// for the rest of the client's life.
type batchSize struct {
	mu        sync.Mutex
	search    sizeSearch
	lowered   bool // a refusal lowered the size
	confirmed bool // a call of the current size succeeded and the search is over
	noticed   bool // TakeBatchSizeNotice has reported the lowered size
}

func (b *batchSize) size() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.search.cur
}

// isConfirmed says the size is known: calls need not go one at a time.
func (b *batchSize) isConfirmed() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.confirmed
}

// worked records a successful call of n IDs.
func (b *batchSize) worked(n int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.search.worked(n)
	if n >= b.search.cur && b.search.settled() {
		b.confirmed = true
	}
}

// refused records that the API refused a call of n IDs as too long.
func (b *batchSize) refused(n int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.search.refused(n) {
		b.lowered, b.confirmed = true, false
	}
}

// learned takes over what one write found (see writeRun.commit).
func (b *batchSize) learned(s sizeSearch, best int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if s.cur < b.search.cur {
		b.search, b.lowered, b.confirmed = s, true, false
	}
	if best >= b.search.cur && b.search.settled() {
		b.confirmed = true
	}
}

// sizeSearch finds the largest batch size the API takes, not the first
// that works: halving from the top while nothing has worked, then probing
// the middle between the largest size that worked (lo) and the smallest
// refused (hi). A limit of 10 under a start of 100 costs five refusals
// (100, 50, 25, 13, 11) and ends at 10, where halving alone stopped at 7
// and spent 43% more calls on every later write.
type sizeSearch struct {
	cur int // the size to send now
	lo  int // the largest size that worked since the last refusal below it; 0 if none
	hi  int // the smallest size refused; 0 if none
}

// refused records a refusal of n IDs as too long and reports whether it
// lowered the size. What worked at or above n before no longer counts:
// the API's limit went down.
func (s *sizeSearch) refused(n int) bool {
	if n < 2 || n > s.cur && s.hi != 0 && n >= s.hi {
		return false
	}
	if s.hi == 0 || n < s.hi {
		s.hi = n
	}
	if s.lo >= s.hi {
		s.lo = 0
	}
	before := s.cur
	s.cur = min(s.cur, s.next())
	return s.cur < before
}

// worked records a successful call of n IDs: a probe that worked moves the
// size up towards the smallest refused.
func (s *sizeSearch) worked(n int) {
	if n > s.lo {
		s.lo = n
	}
	if s.hi != 0 && s.lo >= s.hi {
		s.hi = 0 // the API's limit went up: keep the size that worked
	}
	if s.hi != 0 {
		s.cur = s.next()
	}
}

// next is the size to try: half the refused one until something worked,
// then the middle of what is still unknown, then the largest that worked.
func (s sizeSearch) next() int {
	switch {
	case s.lo == 0:
		return (s.hi + 1) / 2
	case s.hi-s.lo <= 1:
		return s.lo
	default:
		return (s.lo + s.hi) / 2
	}
}

// settled says there is nothing left to probe.
func (s sizeSearch) settled() bool { return s.hi == 0 || s.hi-s.lo <= 1 }

// batchSizeOf returns what the client knows of action's batch size,
// starting the first time the action is used from the configured one, or
// from documented (the action's documented cap; 0 when it has none) when
// that is lower. A documented cap is trusted: it is not probed.
func (c *Client) batchSizeOf(action string, documented int) *batchSize {
	c.mu.Lock()
	defer c.mu.Unlock()
	b := c.batches[action]
	if b == nil {
		b = &batchSize{search: sizeSearch{cur: c.maxBatchSize}, confirmed: c.trustBatch}
		if documented > 0 && documented <= b.search.cur {
			b.search.cur, b.confirmed = documented, true
		}
		c.batches[action] = b
	}
	return b
}

// TakeBatchSizeNotice returns, once per client and action, the batch size
// the client fell back to after the API refused longer calls: the largest
// that worked (a search that ran out of IDs before it ended may not have
// tried a larger one the API takes).
func (c *Client) TakeBatchSizeNotice(action string) (size int, ok bool) {
	b := c.batchSizeOf(action, 0)
	b.mu.Lock()
	defer b.mu.Unlock()
	if !b.lowered || b.search.lo == 0 || b.noticed {
		return 0, false
	}
	b.noticed = true
	return b.search.lo, true
}

// batched reads ids with fetch in calls of at most the action's batch
// size (see batchSizeOf), several at a time within the client's budget, and returns the
// answers in the order of the batches. The first failure cancels the
// remaining calls.
//
// The API does not document how many IDs one call may carry. A call it
// refuses as too long is sent again in shorter calls while the size is
// searched for (see sizeSearch), and until the size is known, calls go
// one at a time so that the others start with the size found.
func batched[T any](ctx context.Context, c *Client, action string, documented int, ids []int64, fetch func(context.Context, []int64) ([]T, error)) ([]T, error) {
	bs := c.batchSizeOf(action, documented)
	var head []T
	if !bs.isConfirmed() {
		var err error
		if head, ids, err = adaptive(tflog.SetField(ctx, "batch", 0), bs, ids, true, fetch); err != nil {
			return nil, err
		}
	}
	batches := split(ids, bs.size())
	results := make([][]T, len(batches))
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	var (
		wg       sync.WaitGroup
		errOnce  sync.Once
		firstErr error
		slots    = make(chan struct{}, c.concurrency)
	)
	for i, part := range batches {
		select {
		case slots <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
		wg.Add(1)
		// Each goroutine needs a logging context of its own: tflog masks
		// the context's fields in place, so sharing one would race.
		bctx := tflog.SetField(ctx, "batch", i+1)
		go func() {
			defer wg.Done()
			defer func() { <-slots }()
			got, _, err := adaptive(bctx, bs, part, false, fetch)
			if err != nil {
				errOnce.Do(func() { firstErr = err; cancel() })
				return
			}
			results[i] = got
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	all := head
	for _, r := range results {
		all = append(all, r...)
	}
	return all, nil
}

// adaptive reads ids in calls of the batch size, one at a time; when the
// API refuses a call as too long, it sends those IDs again in calls of the
// size the search tries next (see sizeSearch). With untilKnown it stops
// once the size is known and returns the IDs it did not read.
func adaptive[T any](ctx context.Context, bs *batchSize, ids []int64, untilKnown bool, fetch func(context.Context, []int64) ([]T, error)) (all []T, rest []int64, err error) {
	limit := 0 // after a refusal, below the refused call even when another call moved the size
	for len(ids) > 0 && (!untilKnown || !bs.isConfirmed()) {
		n := min(len(ids), bs.size())
		if limit > 0 {
			n = min(n, limit)
		}
		got, err := fetch(ctx, ids[:n])
		var apiErr *APIError
		switch {
		case err == nil:
			bs.worked(n)
			all, ids, limit = append(all, got...), ids[n:], 0
		case !errors.As(err, &apiErr) || !apiErr.TooManyIDs() || n < 2:
			if apiErr != nil {
				apiErr.BatchSize = n
			}
			return nil, ids, err
		default:
			bs.refused(n)
			limit = shorter(n, bs.size())
			tflog.Warn(ctx, "the API refused a batch as too long; splitting it", map[string]any{
				"batch_size": n, "next_size": limit, "code": apiErr.Code,
			})
		}
	}
	return all, ids, nil
}

// shorter is the size to resend n refused IDs in: the search's size, or
// half of n when another call already moved the size to n or above.
func shorter(n, size int) int {
	if size < n {
		return size
	}
	return (n + 1) / 2
}

// split cuts ids into consecutive chunks of at most n.
func split(ids []int64, n int) [][]int64 {
	var out [][]int64
	for len(ids) > n {
		out = append(out, ids[:n])
		ids = ids[n:]
	}
	if len(ids) > 0 {
		out = append(out, ids)
	}
	return out
}

// BatchSize is how many IDs a call of action carries now (see batchSize).
func (c *Client) BatchSize(action string) int {
	return c.batchSizeOf(action, 0).size()
}
