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
// action may carry: the configured upper bound, lowered when the API
// refuses a call as too long, for the rest of the client's life.
type batchSize struct {
	mu        sync.Mutex
	current   int
	lowered   bool // a refusal lowered current
	confirmed bool // a call of the current size succeeded
	noticed   bool // TakeBatchSizeNotice has reported the lowered size
}

func (b *batchSize) size() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.current
}

func (b *batchSize) isConfirmed() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.confirmed
}

// worked records a successful call of n IDs.
func (b *batchSize) worked(n int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if n >= b.current {
		b.confirmed = true
	}
}

// refused records that n IDs were refused and next will be tried.
func (b *batchSize) refused(n, next int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if next < b.current && n <= b.current {
		b.current, b.lowered, b.confirmed = next, true, false
	}
}

// batchSizeOf returns what the client knows of action's batch size,
// starting the first time the action is used from the configured one, or
// from documented (the action's documented cap; 0 when it has none) when
// that is lower. A documented cap is trusted: it is not probed.
func (c *Client) batchSizeOf(action string, documented int) *batchSize {
	c.mu.Lock()
	defer c.mu.Unlock()
	b := c.batches[action]
	if b == nil {
		b = &batchSize{current: c.maxBatchSize, confirmed: c.trustBatch}
		if documented > 0 && documented <= b.current {
			b.current, b.confirmed = documented, true
		}
		c.batches[action] = b
	}
	return b
}

// TakeBatchSizeNotice returns, once per client and action, the batch size
// the client fell back to after the API refused longer calls.
func (c *Client) TakeBatchSizeNotice(action string) (size int, ok bool) {
	b := c.batchSizeOf(action, 0)
	b.mu.Lock()
	defer b.mu.Unlock()
	if !b.lowered || !b.confirmed || b.noticed {
		return 0, false
	}
	b.noticed = true
	return b.current, true
}

// batched reads ids with fetch in calls of at most the action's batch
// size (see batchSizeOf), several at a time within the client's budget, and returns the
// answers in the order of the batches. The first failure cancels the
// remaining calls.
//
// The API does not document how many IDs one call may carry. A call it
// refuses as too long is split in halves (see adaptive), and until a
// batch of full size has succeeded, the first batch goes alone so that the
// others start with the size it found.
func batched[T any](ctx context.Context, c *Client, action string, documented int, ids []int64, fetch func(context.Context, []int64) ([]T, error)) ([]T, error) {
	bs := c.batchSizeOf(action, documented)
	var head []T
	if size := bs.size(); !bs.isConfirmed() && len(ids) > size {
		got, err := adaptive(tflog.SetField(ctx, "batch", 0), bs, ids[:size], fetch)
		if err != nil {
			return nil, err
		}
		head, ids = got, ids[size:]
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
			got, err := adaptive(bctx, bs, part, fetch)
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

// adaptive reads ids in one call, or, when the API refuses that many, in
// halves (recursively), remembering the largest size that worked.
func adaptive[T any](ctx context.Context, bs *batchSize, ids []int64, fetch func(context.Context, []int64) ([]T, error)) ([]T, error) {
	if size := bs.size(); len(ids) > size {
		var all []T
		for _, part := range split(ids, size) {
			got, err := adaptive(ctx, bs, part, fetch)
			if err != nil {
				return nil, err
			}
			all = append(all, got...)
		}
		return all, nil
	}
	got, err := fetch(ctx, ids)
	var apiErr *APIError
	if err == nil {
		bs.worked(len(ids))
		return got, nil
	}
	if !errors.As(err, &apiErr) || !apiErr.TooManyIDs() || len(ids) < 2 {
		if apiErr != nil {
			apiErr.BatchSize = len(ids)
		}
		return nil, err
	}
	half := (len(ids) + 1) / 2
	bs.refused(len(ids), half)
	tflog.Warn(ctx, "the API refused a batch as too long; splitting it", map[string]any{
		"batch_size": len(ids), "next_size": half, "code": apiErr.Code,
	})
	first, err := adaptive(ctx, bs, ids[:half], fetch)
	if err != nil {
		return nil, err
	}
	second, err := adaptive(ctx, bs, ids[half:], fetch)
	if err != nil {
		return nil, err
	}
	return append(first, second...), nil
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
