// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package imclient

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeScan is a scan API written per test: page answers a cursor with the
// Result's JSON, count answers GetConversationUserCount ("" for HTTP 500).
type fakeScan struct {
	mu      sync.Mutex
	cursors []int64
	counts  int
}

// calls returns the scan calls' cursors and the count calls so far; a call
// canceled by the client may still be handled after the scan returned.
func (f *fakeScan) calls() (cursors []int64, counts int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]int64(nil), f.cursors...), f.counts
}

func (f *fakeScan) start(t *testing.T, count string, page func(cursor int64) string, edit func(*Config)) *Client {
	t.Helper()
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var b scanBody
		_ = json.NewDecoder(r.Body).Decode(&b)
		f.mu.Lock()
		if r.URL.Query().Get("Action") == ActionUserCount {
			f.counts++
			f.mu.Unlock()
			if count == "" {
				w.WriteHeader(http.StatusInternalServerError)
				_, _ = w.Write([]byte(`{"ResponseMetadata":{"RequestId":"c","Error":{"Code":"InternalError","Message":"down"}}}`))
				return
			}
			_, _ = w.Write([]byte(`{"ResponseMetadata":{"RequestId":"c"},"Result":{"Count":` + count + `}}`))
			return
		}
		f.cursors = append(f.cursors, b.Cursor)
		f.mu.Unlock()
		_, _ = w.Write([]byte(`{"ResponseMetadata":{"RequestId":"req-` + fmt.Sprint(b.Cursor) + `"},"Result":` + page(b.Cursor) + `}`))
	}))
	t.Cleanup(ts.Close)
	return newTestClient(t, ts.URL, func(c *Config) {
		c.MaxQPS = 1000
		c.Clock = &sleeps{}
		if edit != nil {
			edit(c)
		}
	})
}

// members writes n members from first on as JSON, optionally tagged with
// a conversation.
func members(first, n int, conv string) string {
	var parts []string
	for i := first; i < first+n; i++ {
		m := fmt.Sprintf(`{"ParticipantUserId":%d`, i)
		if conv != "" {
			m += `,"ConversationShortId":` + conv
		}
		parts = append(parts, m+"}")
	}
	return "[" + strings.Join(parts, ",") + "]"
}

// offsetPages serves total members in pages of size with offset cursors.
func offsetPages(total, size int) func(int64) string {
	return func(cursor int64) string {
		n := min(size, total-int(cursor))
		next := int(cursor) + n
		if next >= total {
			return fmt.Sprintf(`{"HasMore":false,"NextCursor":-1,"Participants":%s}`, members(int(cursor)+1, n, ""))
		}
		return fmt.Sprintf(`{"HasMore":true,"NextCursor":%d,"Participants":%s}`, next, members(int(cursor)+1, n, ""))
	}
}

// A page that says more follow without a usable cursor fails the read: it
// used to end it as if complete (60 of 537 members).
func TestScanSelfContradictingPage(t *testing.T) {
	for name, tail := range map[string]string{
		"no cursor":       `{"HasMore":true,"Participants":` + members(41, 20, "") + `}`,
		"negative cursor": `{"HasMore":true,"NextCursor":-1,"Participants":` + members(41, 20, "") + `}`,
	} {
		t.Run(name, func(t *testing.T) {
			var f fakeScan
			full := offsetPages(537, 20)
			c := f.start(t, "537", func(cursor int64) string {
				if cursor == 40 {
					return tail
				}
				return full(cursor)
			}, nil)
			res, err := c.ScanConversationParticipants(context.Background(), scanInput())
			var se *ScanError
			if !errors.As(err, &se) || res.Members != nil || se.Pages != 3 || se.Members != 60 ||
				!strings.Contains(err.Error(), "HasMore true") {
				t.Fatalf("err %v, %d members", err, len(res.Members))
			}
		})
	}
}

// Answers that say less than a page must are unreadable, never "no
// members": no HasMore, no list on the first page, more than Limit.
func TestScanUnreadablePages(t *testing.T) {
	for name, first := range map[string]string{
		"empty result":        `{}`,
		"null participants":   `{"HasMore":false,"NextCursor":-1,"Participants":null}`,
		"no HasMore":          `{"NextCursor":-1,"Participants":[]}`,
		"larger than limit":   `{"HasMore":true,"NextCursor":10000,"Participants":` + members(1, 10000, "") + `}`,
		"list but more, null": `{"HasMore":true,"NextCursor":20}`,
	} {
		t.Run(name, func(t *testing.T) {
			var f fakeScan
			c := f.start(t, "50", func(int64) string { return first }, nil)
			res, err := c.ScanConversationParticipants(context.Background(), scanInput())
			var apiErr *APIError
			if !errors.As(err, &apiErr) || !apiErr.Unreadable || !apiErr.Envelope || apiErr.RequestID != "req-0" || res.Members != nil {
				t.Fatalf("err %v", err)
			}
		})
	}
}

// A null list on a last page that says nothing follows is an empty page.
func TestScanNullLastPage(t *testing.T) {
	var f fakeScan
	c := f.start(t, "20", func(cursor int64) string {
		if cursor == 0 {
			return `{"HasMore":true,"NextCursor":20,"Participants":` + members(1, 20, "") + `}`
		}
		return `{"HasMore":false,"NextCursor":-1,"Participants":null}`
	}, nil)
	res, err := c.ScanConversationParticipants(context.Background(), scanInput())
	if err != nil || len(res.Members) != 20 {
		t.Fatalf("err %v, %d members", err, len(res.Members))
	}
}

// A count that fails does not fail the read: the chain runs alone, page by
// page, and the result says why there was no count.
func TestScanWithoutCount(t *testing.T) {
	var f fakeScan
	c := f.start(t, "", offsetPages(537, 20), nil)
	res, err := c.ScanConversationParticipants(context.Background(), scanInput())
	if err != nil {
		t.Fatal(err)
	}
	assertMembers(t, res.Members, 537)
	var apiErr *APIError
	cursors, counts := f.calls()
	if res.Count != -1 || !errors.As(res.CountErr, &apiErr) || apiErr.Code != "InternalError" || counts != c.maxRetries+1 {
		t.Fatalf("count %d, err %v after %d calls", res.Count, res.CountErr, counts)
	}
	if len(cursors) != 27 || res.Wasted != 0 {
		t.Fatalf("%d scan calls, %d wasted: want the chain's 27", len(cursors), res.Wasted)
	}
}

// Without a count, an endless chain still ends at the provider's bound.
func TestScanBoundWithoutCount(t *testing.T) {
	var f fakeScan
	c := f.start(t, "", func(cursor int64) string {
		return fmt.Sprintf(`{"HasMore":true,"NextCursor":%d,"Participants":%s}`, cursor+20, members(int(cursor)+1, 20, ""))
	}, nil)
	c.maxScanMembers = 400
	_, err := c.ScanConversationParticipants(context.Background(), scanInput())
	if err == nil || !strings.Contains(err.Error(), "stopped after 20 page(s) and 400 member(s)") ||
		!strings.Contains(err.Error(), "bound of 400 members") {
		t.Fatalf("err %v", err)
	}
}

// A count beyond the bound fails the scan as soon as it answers, with
// both numbers, before the look-ahead spends the budget on it: a count of
// 2^62 used to read on to the bound (3,553 calls in 40 s at the real one).
func TestScanBoundWithHugeCount(t *testing.T) {
	var f fakeScan
	c := f.start(t, "4611686018427387904", func(cursor int64) string {
		return fmt.Sprintf(`{"HasMore":true,"NextCursor":%d,"Participants":%s}`, cursor+20, members(int(cursor)+1, 20, ""))
	}, nil)
	c.maxScanMembers = 1000
	_, err := c.ScanConversationParticipants(context.Background(), scanInput())
	if err == nil || !strings.Contains(err.Error(), "a conversation counts 4611686018427387904 members, more than this provider's bound of 1000 members a read") {
		t.Fatalf("err %v", err)
	}
	// The count is sent with the first page; the chain reads on only
	// until it has answered.
	if cursors, _ := f.calls(); len(cursors) > 5 {
		t.Fatalf("%d scan calls after a count beyond the bound", len(cursors))
	}
}

// A record tagged with conversation 0, or none, is a member of the asked
// conversation and shows its ID.
func TestScanZeroConversationIsTheAskedOne(t *testing.T) {
	var f fakeScan
	c := f.start(t, "3", func(int64) string {
		return `{"HasMore":false,"NextCursor":-1,"Participants":[{"ParticipantUserId":1,"ConversationShortId":0},` +
			`{"ParticipantUserId":2},{"ParticipantUserId":3,"ConversationShortId":` + fmt.Sprint(scanConv) + `}]}`
	}, nil)
	res, err := c.ScanConversationParticipants(context.Background(), scanInput())
	if err != nil {
		t.Fatal(err)
	}
	assertMembers(t, res.Members, 3)
	for _, p := range res.Members {
		if *p.ConversationShortID != scanConv {
			t.Fatalf("member %d of conversation %d", *p.ParticipantUserID, *p.ConversationShortID)
		}
	}
}

// Records of another conversation are left out before duplicates are
// removed: member 5 tagged wrongly first, then rightly, is kept.
func TestScanFiltersBeforeDeduplicating(t *testing.T) {
	var f fakeScan
	c := f.start(t, "9", func(int64) string {
		return `{"HasMore":false,"NextCursor":-1,"Participants":[` +
			`{"ParticipantUserId":5,"ConversationShortId":99},` + strings.Trim(members(1, 9, ""), "[]") + `]}`
	}, nil)
	res, err := c.ScanConversationParticipants(context.Background(), scanInput())
	if err != nil {
		t.Fatal(err)
	}
	assertMembers(t, res.Members, 9)
	if res.Elsewhere != 1 {
		t.Fatalf("other conversation %d", res.Elsewhere)
	}
}

// A scan whose every record belongs to another conversation fails.
func TestScanOnlyOtherConversations(t *testing.T) {
	var f fakeScan
	c := f.start(t, "3", func(int64) string {
		return `{"HasMore":false,"NextCursor":-1,"Participants":` + members(1, 3, "99") + `}`
	}, nil)
	_, err := c.ScanConversationParticipants(context.Background(), scanInput())
	if err == nil || !strings.Contains(err.Error(), "every one of the 3 records the API returned belongs to another conversation") {
		t.Fatalf("err %v", err)
	}
}

// Pages of 19 with offset cursors: the look-ahead strides by 19, and the
// pages it wastes stay within max(a tenth of the chain's, 16), whatever
// the API does: steady pages, a stride that changes, a count far too high,
// on a long chain and on a short one.
func TestScanLookAheadWaste(t *testing.T) {
	cases := map[string]struct {
		count string
		page  func(int64) string
		want  int
	}{
		"pages of 19":                 {"1900", offsetPages(1900, 19), 1900},
		"count too high":              {"100000", offsetPages(1900, 19), 1900},
		"short chain, count too high": {"100000", offsetPages(190, 19), 190},
		"long chain, count too high":  {"1000000", offsetPages(19000, 19), 19000},
		"stride changes": {"1900", func(cursor int64) string {
			if cursor >= 950 {
				// from here on the cursor is no offset any more
				next := cursor + 1000
				if cursor >= 5000 {
					return `{"HasMore":false,"NextCursor":-1,"Participants":` + members(int(cursor)+1, 3, "") + `}`
				}
				return fmt.Sprintf(`{"HasMore":true,"NextCursor":%d,"Participants":%s}`, next, members(int(cursor)+1, 19, ""))
			}
			return offsetPages(1900, 19)(cursor)
		}, 0},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			var f fakeScan
			c := f.start(t, tc.count, tc.page, func(c *Config) { c.Concurrency = 16 })
			res, err := c.ScanConversationParticipants(context.Background(), scanInput())
			if err != nil {
				t.Fatal(err)
			}
			if tc.want != 0 && len(res.Members) != tc.want {
				t.Fatalf("%d members", len(res.Members))
			}
			chain := res.Pages
			cursors, _ := f.calls()
			if calls := len(cursors); calls-chain > max(chain/10, lookAheadFloor) || calls-chain > res.Wasted {
				t.Fatalf("%d calls for a chain of %d pages (%d reported wasted)", calls, chain, res.Wasted)
			}
		})
	}
}

// Canceling a scan stops the chain and every page requested ahead at
// once: no call leaves after the scan has returned.
func TestScanCancelStopsLookAhead(t *testing.T) {
	var f fakeScan
	started := make(chan struct{})
	var once sync.Once
	pages := offsetPages(100000, 20)
	c := f.start(t, "100000", func(cursor int64) string {
		if cursor > 2000 {
			once.Do(func() { close(started) })
		}
		time.Sleep(20 * time.Millisecond)
		return pages(cursor)
	}, nil)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := c.ScanConversationParticipants(ctx, scanInput())
		done <- err
	}()
	<-started
	cancel()
	at := time.Now()
	err := <-done
	if took := time.Since(at); took > 500*time.Millisecond || !errors.Is(err, context.Canceled) {
		t.Fatalf("returned %v after cancel: %v", took, err)
	}
	// A call written just before the cancel may still be read by the
	// server; none may be sent after.
	time.Sleep(50 * time.Millisecond)
	before, _ := f.calls()
	time.Sleep(200 * time.Millisecond)
	if after, _ := f.calls(); len(after) != len(before) {
		t.Fatalf("%d calls arrived after the scan returned", len(after)-len(before))
	}
}
