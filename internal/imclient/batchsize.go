// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package imclient

import "sync"

// batchSize is what a client knows about how many IDs one call may carry:
// the configured upper bound, lowered when the API refuses a call as too
// long, for the rest of the client's life.
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

// TakeBatchSizeNotice returns, once per client, the batch size the client
// fell back to after the API refused longer calls.
func (c *Client) TakeBatchSizeNotice() (size int, ok bool) {
	b := &c.batch
	b.mu.Lock()
	defer b.mu.Unlock()
	if !b.lowered || !b.confirmed || b.noticed {
		return 0, false
	}
	b.noticed = true
	return b.current, true
}
