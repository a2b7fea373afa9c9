// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"time"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/imclient"
)

// Nothing in the API promises that a read shows a write at once. A
// read-back that does not yet show what a write answered as done is read
// again, with backoff, for readLagPatience; after that the state records
// what the write answered (never less), with a warning naming what the
// API does not show yet, rather than losing track of it or tainting a
// create for a lag.

// readLagPatience bounds the wait for a lagging read-back: a few seconds,
// long enough for a replica to catch up, short enough for an apply.
var readLagPatience = 5 * time.Second

// awaitShown calls read until it reports that the API shows the write,
// the patience runs out or ctx ends; it returns read's last answer. read
// is called at once, then after 200 ms, 400 ms, 800 ms and every second,
// on clock (the client's: a test's fake clock moves it too).
func awaitShown(ctx context.Context, clock imclient.Clock, read func() (shown bool, err error)) (bool, error) {
	deadline := clock.Now().Add(readLagPatience)
	wait := 200 * time.Millisecond
	for {
		shown, err := read()
		if shown || err != nil || ctx.Err() != nil {
			return shown, err
		}
		left := deadline.Sub(clock.Now())
		if left <= 0 {
			return false, nil
		}
		_ = clock.Sleep(ctx, min(wait, left)) // an error is ctx's end, seen here
		select {
		case <-ctx.Done():
			return false, nil
		default:
		}
		wait = min(2*wait, time.Second)
	}
}
