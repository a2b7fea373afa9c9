// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package imclient

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// PageSize is the most records one page of GetUserConversations or
// BatchGetBlockParticipants holds (documented), as of the member scan.
const PageSize = 20

// pageAnswer is one page of a cursor chain, as an action's Result gives it.
type pageAnswer[T any] struct {
	HasMore    *bool
	NextCursor *int64
	Items      []T
}

// checkPage refuses a page that does not say whether more follow, has no
// list (only a last page after others may leave it out) or holds more
// than its Limit; list names the action's list in the message.
func checkPage[T any](p pageAnswer[T], list string, first bool, limit int) string {
	switch {
	case p.HasMore == nil:
		return "the page does not say whether more follow (no HasMore)"
	case p.Items == nil && (*p.HasMore || first):
		return "the page has no " + list + " list"
	case len(p.Items) > limit:
		return fmt.Sprintf("the page holds %d records, more than the %d it was asked for", len(p.Items), limit)
	}
	return ""
}

// chain reads a cursor chain page by page (fetch gets a context that logs
// the cursor) to where the API says it ends,
// keeping each record once (by key; records without one are kept), and
// follows the rule every paged read follows (DESIGN.md): a page that says
// more without a usable cursor, a cursor returned a second time, more
// than maxPages pages, or a failed page end the read with a *ScanError
// that says how far it got.
func chain[T any](ctx context.Context, action, noun string, maxPages int, key func(*T) *int64,
	fetch func(ctx context.Context, cursor int64) (pageAnswer[T], error)) ([]T, int, error) {
	var (
		out     []T
		seen    = map[int64]bool{}
		cursors = map[int64]bool{0: true}
		cursor  int64
		pages   int
	)
	stop := func(reason string, err error) ([]T, int, error) {
		return nil, pages, &ScanError{Action: action, Noun: noun, Members: len(out), Pages: pages, Reason: reason, Err: err}
	}
	for {
		p, err := fetch(tflog.SetField(ctx, "cursor", cursor), cursor)
		if err != nil {
			return stop("", err)
		}
		pages++
		for i := range p.Items {
			if k := key(&p.Items[i]); k != nil {
				if seen[*k] {
					continue
				}
				seen[*k] = true
			}
			out = append(out, p.Items[i])
		}
		next, more, reason := nextCursor(*p.HasMore, p.NextCursor)
		switch {
		case reason != "":
			return stop(reason, nil)
		case !more:
			return out, pages, nil
		case cursors[next]:
			return stop(fmt.Sprintf("the API returned cursor %d a second time, so the list would never end", next), nil)
		case pages >= maxPages:
			return stop(fmt.Sprintf("the API still had more after %d pages, beyond this provider's bound of %d pages", pages, maxPages), nil)
		}
		cursors[next] = true
		cursor = next
	}
}
