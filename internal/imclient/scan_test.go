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
	"testing"
	"time"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/emulator"
	"github.com/volcrtc/terraform-provider-volcrtc/internal/emulator/emulatortest"
)

const scanConv = 8000000000000000001

func scanClient(t *testing.T, members int, opts emulator.Options) (*emulator.Server, *Client) {
	t.Helper()
	opts.RateLimit = -1
	emu, url := emulatortest.Start(t, emulator.WithMembers(emulator.Sample(), scanConv, members), opts)
	return emu, newTestClient(t, url, func(c *Config) { c.MaxQPS = 1000 })
}

func scanInput() ScanInput {
	return ScanInput{AppID: emulator.SampleAppID, ConversationShortID: scanConv}
}

// scanCursors lists the cursor of every scan call, in arrival order.
func scanCursors(t *testing.T, emu *emulator.Server) (cursors []int64, counts int) {
	t.Helper()
	for _, r := range emu.Requests() {
		switch r.Action {
		case ActionUserCount:
			counts++
		case ActionScanParticipants:
			var b emulator.ScanBody
			if err := json.Unmarshal([]byte(r.RawBody), &b); err != nil {
				t.Fatal(err)
			}
			if b.Limit != ScanPageSize {
				t.Fatalf("Limit %d", b.Limit)
			}
			cursors = append(cursors, b.Cursor)
		}
	}
	return cursors, counts
}

func assertMembers(t *testing.T, ps []Participant, n int) {
	t.Helper()
	if len(ps) != n {
		t.Fatalf("%d members, want %d", len(ps), n)
	}
	for i, p := range ps {
		if *p.ParticipantUserID != int64(i+1) {
			t.Fatalf("member %d is %d: not in join order", i, *p.ParticipantUserID)
		}
	}
}

// Both cursor styles give every member once, in order, in one call per
// page (a count that is not a multiple of 20): offset cursors with pages
// requested ahead, opaque ones by the chain alone.
func TestScanBothCursorStyles(t *testing.T) {
	for _, style := range []string{emulator.CursorOffset, emulator.CursorOpaque} {
		t.Run(style, func(t *testing.T) {
			emu, c := scanClient(t, 107, emulator.Options{CursorStyle: style, Latency: 5 * time.Millisecond})
			res, err := c.ScanConversationParticipants(context.Background(), scanInput())
			if err != nil {
				t.Fatal(err)
			}
			assertMembers(t, res.Members, 107)
			cursors, counts := scanCursors(t, emu)
			if counts != 1 || len(cursors) != 6 {
				t.Fatalf("%d count calls and scan cursors %v: want one count and six pages", counts, cursors)
			}
			seen := map[int64]bool{}
			for _, cur := range cursors {
				if seen[cur] {
					t.Fatalf("cursor %d requested twice: %v", cur, cursors)
				}
				seen[cur] = true
			}
			if style == emulator.CursorOpaque && !seen[20007] {
				t.Fatalf("opaque cursors not followed: %v", cursors)
			}
		})
	}
}

// Offset cursors let pages go out ahead of the chain: with latency, more
// than one scan call is in flight at once.
func TestScanOffsetRunsAhead(t *testing.T) {
	emu, c := scanClient(t, 1000, emulator.Options{Latency: 30 * time.Millisecond})
	peak := 0
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			peak = max(peak, emu.InFlight())
			select {
			case <-stop:
				return
			case <-time.After(time.Millisecond):
			}
		}
	}()
	res, err := c.ScanConversationParticipants(context.Background(), scanInput())
	close(stop)
	<-done
	if err != nil {
		t.Fatal(err)
	}
	assertMembers(t, res.Members, 1000)
	if res.Wasted != 0 {
		t.Fatalf("%d pages requested ahead were wasted", res.Wasted)
	}
	if peak < 4 {
		t.Fatalf("at most %d calls in flight: pages were not requested ahead", peak)
	}
}

// A cursor that repeats, or pages beyond what the member count fills, end
// the read with an error saying how far it got.
func TestScanNeverEnds(t *testing.T) {
	cases := map[string]string{
		emulator.CursorOffset: "returned cursor 45 a second time",
		emulator.CursorOpaque: "still had more after 14 pages, far more than a conversation of 45 members fills",
	}
	for style, want := range cases {
		t.Run(style, func(t *testing.T) {
			_, c := scanClient(t, 45, emulator.Options{CursorStyle: style, ScanNeverEnds: true})
			res, err := c.ScanConversationParticipants(context.Background(), scanInput())
			var se *ScanError
			if !errors.As(err, &se) || res.Members != nil || se.Members != 45 || !strings.Contains(err.Error(), want) {
				t.Fatalf("err %v, %d members", err, len(res.Members))
			}
		})
	}
}

// A failing page in the middle fails the read: no partial result.
func TestScanMiddlePageFails(t *testing.T) {
	for _, style := range []string{emulator.CursorOffset, emulator.CursorOpaque} {
		t.Run(style, func(t *testing.T) {
			emu, c := scanClient(t, 100, emulator.Options{CursorStyle: style})
			emu.FailScanPage(2, emulator.Fault{Status: 400, Code: "InvalidParam", Message: "page unavailable"})
			res, err := c.ScanConversationParticipants(context.Background(), scanInput())
			var se *ScanError
			var apiErr *APIError
			if !errors.As(err, &se) || !errors.As(err, &apiErr) || res.Members != nil || se.Members != 40 || se.Pages != 2 ||
				!strings.Contains(err.Error(), "stopped after 2 page(s) and 40 member(s)") || apiErr.Code != "InvalidParam" {
				t.Fatalf("err %v", err)
			}
		})
	}
}

// Members repeated across pages (joins during a scan) come once; a page
// that is not an offset turns the look-ahead off.
func TestScanDeduplicates(t *testing.T) {
	pages := map[int64]string{
		0:  `{"HasMore":true,"NextCursor":3,"Participants":[{"ParticipantUserId":1},{"ParticipantUserId":2},{"ParticipantUserId":3}]}`,
		3:  `{"HasMore":true,"NextCursor":77,"Participants":[{"ParticipantUserId":3},{"ParticipantUserId":4}]}`,
		77: `{"HasMore":false,"NextCursor":-1,"Participants":[{"ParticipantUserId":2},{"ParticipantUserId":5}]}`,
	}
	var asked []int64
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var b scanBody
		_ = json.NewDecoder(r.Body).Decode(&b)
		if r.URL.Query().Get("Action") == ActionUserCount {
			_, _ = w.Write([]byte(`{"ResponseMetadata":{"RequestId":"r"},"Result":{"Count":5}}`))
			return
		}
		asked = append(asked, b.Cursor)
		_, _ = w.Write([]byte(`{"ResponseMetadata":{"RequestId":"r"},"Result":` + pages[b.Cursor] + `}`))
	}))
	defer ts.Close()
	c := newTestClient(t, ts.URL, func(c *Config) { c.Concurrency = 1 })
	res, err := c.ScanConversationParticipants(context.Background(), scanInput())
	if err != nil {
		t.Fatal(err)
	}
	var got []int64
	for _, p := range res.Members {
		got = append(got, *p.ParticipantUserID)
	}
	if fmt.Sprint(got) != "[1 2 3 4 5]" || fmt.Sprint(asked) != "[0 3 77]" {
		t.Fatalf("members %v, cursors %v", got, asked)
	}
}

// BatchGetConversations: in batches, with SkipMemberCount as asked, and a
// dissolved or unknown conversation left out.
func TestBatchGetConversations(t *testing.T) {
	emu, c, _ := emulatorClient(t, emulator.Options{MaxIDsPerCall: 2, RateLimit: -1}, nil)
	got, err := c.BatchGetConversations(context.Background(), BatchGetConversationsInput{
		AppID: emulator.SampleAppID, ConversationShortIDs: []int64{emulator.SampleConversationID, 44, 404, 42}, IncludeMemberCount: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || *got[0].ConversationShortID != emulator.SampleConversationID || *got[0].MemberCount != 4 ||
		*got[0].OwnerUserID != emulator.SampleBigUserID || *got[1].ConversationShortID != 42 || got[1].Name != nil {
		t.Fatalf("%+v", got)
	}
	for _, r := range emu.Requests() {
		if !strings.Contains(r.RawBody, `"SkipMemberCount":false`) {
			t.Fatalf("request %s", r.RawBody)
		}
	}
	if size, ok := c.TakeBatchSizeNotice(ActionBatchGetConversations); !ok || size != 2 {
		t.Fatalf("notice %d %v", size, ok)
	}
}

// The look-ahead's window doubles with each page the chain reads at the
// stride, up to 16 in flight: it used to open by one page per ten read,
// which cost 0.9 s at the start of every scan at 50 ms latency.
func TestLookAheadWindowDoubles(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	a := newLookAhead(context.Background(), 16, func(ctx context.Context, cursor int64) (scanPage, error) {
		select {
		case <-release:
		case <-ctx.Done():
		}
		return scanPage{}, ctx.Err()
	})
	defer a.stop()
	var got []int
	cursor := int64(0)
	for pages := 1; pages <= 6; pages++ {
		next := cursor + ScanPageSize
		a.follow(cursor, next, ScanPageSize, pages, 100000)
		got = append(got, len(a.pending))
		if _, ok := a.pending[next]; !ok {
			t.Fatalf("the chain's next page %d is not in flight", next)
		}
		delete(a.pending, next) // the chain takes it
		cursor = next
	}
	if fmt.Sprint(got) != "[2 4 8 16 16 16]" {
		t.Fatalf("pages in flight after each chain page: %v", got)
	}
}

// A scan stops on the page whose members pass its size limit, not after
// the whole list: the pages in flight then are canceled, and at most the
// look-ahead's window of them was sent.
func TestScanStopsAtSizeLimit(t *testing.T) {
	emu, c := scanClient(t, 2000, emulator.Options{})
	in := scanInput()
	in.Size = SizeLimit[Participant]{Bytes: 1000, Size: func(*Participant) int { return 10 }}
	res, err := c.ScanConversationParticipants(context.Background(), in)
	var big *TooLargeError
	var se *ScanError
	if !errors.As(err, &big) || !errors.As(err, &se) || res.Members != nil || se.Pages != 6 || se.Members != 101 ||
		!strings.Contains(err.Error(), "stopped after 6 page(s) and 101 member(s)") {
		t.Fatalf("err %v", err)
	}
	if cursors, _ := scanCursors(t, emu); len(cursors) > 6+lookAheadFloor {
		t.Fatalf("%d scan calls for a scan that stopped on page 6", len(cursors))
	}
}

// Against the emulator's misleading APIs (the bench's cases): a count ten
// times too high, a cursor that stops being an offset halfway, pages of 19:
// every member once, and at most max(16, a tenth of the chain's) calls
// wasted.
func TestScanLookAheadWasteEmulator(t *testing.T) {
	for name, opts := range map[string]emulator.Options{
		"count too high":   {UserCountTimes: 10},
		"offset, then not": {OffsetUntil: 500},
		"pages of 19":      {ScanPageSize: 19},
	} {
		t.Run(name, func(t *testing.T) {
			opts.Latency = time.Millisecond
			emu, c := scanClient(t, 1000, opts)
			res, err := c.ScanConversationParticipants(context.Background(), scanInput())
			if err != nil {
				t.Fatal(err)
			}
			assertMembers(t, res.Members, 1000)
			cursors, _ := scanCursors(t, emu)
			if wasted := len(cursors) - res.Pages; wasted > max(lookAheadFloor, res.Pages/10) || wasted > res.Wasted {
				t.Fatalf("%d calls for a chain of %d pages (%d reported wasted)", len(cursors), res.Pages, res.Wasted)
			}
		})
	}
}
