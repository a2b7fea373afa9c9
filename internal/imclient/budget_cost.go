// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package imclient

import (
	"context"
	"slices"
	"time"
)

// ReservationCost takes n slots of action's budget as cfg configures it
// (the machine's file, or Redis) and returns how long taking each one
// took, ascending: the cost a call pays to the budget before it may
// leave, for tools/bench. Each slot is given back at once, so none waits
// for its turn and only the store's own cost is measured.
func ReservationCost(cfg Config, action string, n int) ([]time.Duration, string, error) {
	c, err := New(cfg)
	if err != nil {
		return nil, "", err
	}
	b := c.budgetOf(action)
	ctx := context.Background()
	out := make([]time.Duration, 0, n)
	for i := 0; i < n; i++ {
		start := time.Now()
		s, ok := b.store.reserve(ctx, b.limit)
		out = append(out, time.Since(start))
		if ok {
			b.store.release(ctx, s)
		}
	}
	slices.Sort(out)
	notice, _ := c.TakeBudgetNotice()
	if r, ok := c.TakeRedisNotice(); ok {
		notice = r
	}
	return out, notice, nil
}
