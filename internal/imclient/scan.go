// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package imclient

import (
	"context"
	"fmt"
	"sync"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

const (
	// ActionScanParticipants lists a conversation's members page by page.
	ActionScanParticipants = "ScanConversationParticipantList"
	// ActionUserCount counts a conversation's members.
	ActionUserCount = "GetConversationUserCount"
	// ScanPageSize is the most members one scan call returns with details
	// (documented).
	ScanPageSize = 20
)

// ScanInput names the conversation whose members are all read.
type ScanInput struct {
	AppID               int32
	ConversationShortID int64
}

type scanBody struct {
	AppID               int32 `json:"AppId"`
	ConversationShortID int64 `json:"ConversationShortId"`
	Cursor              int64 `json:"Cursor"`
	Limit               int64 `json:"Limit"`
}

type scanPage struct {
	HasMore      bool          `json:"HasMore"`
	NextCursor   *int64        `json:"NextCursor"`
	Participants []Participant `json:"Participants"`
}

// ScanError is a scan that stopped before the API said it had no more
// members: nothing of it may be used.
type ScanError struct {
	Members int // distinct members read before it stopped
	Pages   int // pages read
	Reason  string
	Err     error // the failed call, when that is why
}

func (e *ScanError) Error() string {
	why := e.Reason
	if e.Err != nil {
		why = e.Err.Error()
	}
	return fmt.Sprintf("reading every member stopped after %d page(s) and %d member(s): %s", e.Pages, e.Members, why)
}

func (e *ScanError) Unwrap() error { return e.Err }

// UserCount returns how many members a conversation has.
func (c *Client) UserCount(ctx context.Context, app int32, conv int64) (int64, error) {
	body := struct {
		AppID               int32 `json:"AppId"`
		ConversationShortID int64 `json:"ConversationShortId"`
	}{app, conv}
	var out struct {
		Count *int64 `json:"Count"`
	}
	if err := c.call(ctx, ActionUserCount, body, 1, &out); err != nil {
		return 0, err
	}
	if out.Count == nil || *out.Count < 0 {
		return 0, &APIError{Action: ActionUserCount, HTTPStatus: 200, Unreadable: true, Message: "the answer has no Count"}
	}
	return *out.Count, nil
}

func (c *Client) scanPage(ctx context.Context, in ScanInput, cursor int64) (scanPage, error) {
	var p scanPage
	body := scanBody{AppID: in.AppID, ConversationShortID: in.ConversationShortID, Cursor: cursor, Limit: ScanPageSize}
	err := c.call(tflog.SetField(ctx, "cursor", cursor), ActionScanParticipants, body, ScanPageSize, &p)
	return p, err
}

// ScanConversationParticipants reads every member of a conversation with
// ScanConversationParticipantList, in the API's order, each member once.
//
// The cursor chain is sequential: each page names the next page's cursor.
// When the first page shows that the cursor is an offset (NextCursor =
// Cursor + members returned), the following pages are requested ahead of
// the chain, within the shared budget, at the cursors an offset predicts;
// the chain still follows NextCursor and takes a page fetched ahead only
// when it was requested with exactly that cursor, so the result is the
// chain's whatever the cursor means. Otherwise the chain runs alone.
//
// It stops with a *ScanError on a failed call, a cursor the API returns a
// second time, or far more pages than the conversation's member count
// (GetConversationUserCount) can fill.
func (c *Client) ScanConversationParticipants(ctx context.Context, in ScanInput) ([]Participant, error) {
	ctx, cancel := context.WithCancel(ctx)
	ahead := &prefetcher{c: c, in: in, ctx: ctx, pending: map[int64]*pendingPage{}}
	defer ahead.wait()
	defer cancel()

	type counted struct {
		n   int64
		err error
	}
	countDone := make(chan counted, 1)
	go func() {
		n, err := c.UserCount(ctx, in.AppID, in.ConversationShortID)
		countDone <- counted{n, err}
	}()
	page, err := c.scanPage(ctx, in, 0)
	count := <-countDone
	if err != nil {
		return nil, &ScanError{Err: err}
	}
	if count.err != nil {
		return nil, &ScanError{Err: count.err}
	}
	maxPages := int(count.n/ScanPageSize)*2 + 10

	var (
		out     []Participant
		seen    = map[int64]bool{}
		cursors = map[int64]bool{0: true}
		cursor  int64
		pages   = 1
		offset  = true
	)
	for {
		for _, p := range page.Participants {
			if p.ParticipantUserID != nil {
				if seen[*p.ParticipantUserID] {
					continue // joined again during the scan, or repeated
				}
				seen[*p.ParticipantUserID] = true
			}
			out = append(out, p)
		}
		if !page.HasMore || page.NextCursor == nil || *page.NextCursor < 0 {
			return out, nil
		}
		next := *page.NextCursor
		stop := func(reason string) error { return &ScanError{Members: len(out), Pages: pages, Reason: reason} }
		switch {
		case cursors[next]:
			return nil, stop(fmt.Sprintf("the API returned cursor %d a second time, so the scan would never end", next))
		case pages >= maxPages:
			return nil, stop(fmt.Sprintf("the API still had more after %d pages, far more than a conversation of %d members fills", pages, count.n))
		}
		cursors[next] = true
		if offset && next != cursor+int64(len(page.Participants)) {
			offset = false
			tflog.Debug(ctx, "scan cursor is not an offset; following the chain alone", map[string]any{"cursor": cursor, "next": next})
		}
		if offset {
			// Keep a window of pages requested ahead, within the member
			// count; members who join during the scan are still reached
			// by the chain itself.
			for k := int64(0); k < int64(c.concurrency); k++ {
				if at := next + k*ScanPageSize; at < count.n {
					ahead.launch(at)
				}
			}
		}
		if page, err = ahead.get(next); err != nil {
			return nil, &ScanError{Members: len(out), Pages: pages, Err: err}
		}
		cursor = next
		pages++
	}
}

// prefetcher holds the pages requested ahead of the chain, by cursor.
type prefetcher struct {
	c   *Client
	in  ScanInput
	ctx context.Context

	mu      sync.Mutex
	pending map[int64]*pendingPage
	wg      sync.WaitGroup
}

type pendingPage struct {
	done chan struct{}
	page scanPage
	err  error
}

// launch requests the page at cursor unless it is already requested.
func (f *prefetcher) launch(cursor int64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.pending[cursor]; ok {
		return
	}
	p := &pendingPage{done: make(chan struct{})}
	f.pending[cursor] = p
	f.wg.Add(1)
	go func() {
		defer f.wg.Done()
		defer close(p.done)
		p.page, p.err = f.c.scanPage(f.ctx, f.in, cursor)
	}()
}

// get returns the page at cursor: the one requested ahead, or a new call.
func (f *prefetcher) get(cursor int64) (scanPage, error) {
	f.mu.Lock()
	p, ok := f.pending[cursor]
	delete(f.pending, cursor)
	f.mu.Unlock()
	if !ok {
		return f.c.scanPage(f.ctx, f.in, cursor)
	}
	<-p.done
	return p.page, p.err
}

// wait lets the calls still running end (they are canceled by then).
func (f *prefetcher) wait() { f.wg.Wait() }
