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
)

func intp(v int64) *int64 { return &v }
func boolp(v bool) *bool  { return &v }

// rec is a record of the pager's tests: an ID (nil when absent) and an
// owner (0 is the asked one).
type rec struct {
	id    *int64
	owner int
}

func recs(ids ...int64) []rec {
	out := make([]rec, len(ids))
	for i, id := range ids {
		out[i] = rec{id: intp(id)}
	}
	return out
}

func testPager(bound int, size SizeLimit[rec]) *pager[rec] {
	return newPager("X", "thing", bound, recordRules[rec]{
		key: func(r *rec) *int64 { return r.id }, idName: "ID",
		belongs: func(r *rec) bool { return r.owner == 0 }, where: "owner",
	}, size)
}

// runChain serves pages by cursor to chain, and returns what it read and
// the cursors it asked for.
func runChain(p *pager[rec], pages map[int64]pageAnswer[rec]) (Paged[rec], []int64, error) {
	var asked []int64
	got, err := chain(context.Background(), p, func(_ context.Context, cursor int64) (pageAnswer[rec], error) {
		asked = append(asked, cursor)
		pg, ok := pages[cursor]
		if !ok {
			return pg, errors.New("no such page")
		}
		return pg, nil
	})
	return got, asked, err
}

func page(more bool, next *int64, items ...rec) pageAnswer[rec] {
	return pageAnswer[rec]{HasMore: boolp(more), NextCursor: next, Items: append([]rec{}, items...)}
}

func idsOf(rs []rec) string {
	var out []int64
	for _, r := range rs {
		out = append(out, *r.id)
	}
	return fmt.Sprint(out)
}

// The paged reads' rule: the whole list, each record once, or an error
// that says how far it got: a repeated cursor, a page that says more
// without a usable cursor, more records than the bound, a failed page.
func TestChain(t *testing.T) {
	cases := map[string]struct {
		pages map[int64]pageAnswer[rec]
		want  string
	}{
		"whole": {map[int64]pageAnswer[rec]{0: page(true, intp(2), recs(1, 2)...), 2: page(true, intp(4), recs(2, 3)...),
			4: page(false, intp(-1))}, "[1 2 3]"},
		"repeated cursor": {map[int64]pageAnswer[rec]{0: page(true, intp(2), recs(1)...), 2: page(true, intp(2), recs(2)...)},
			"stopped after 2 page(s) and 2 thing(s): the API returned cursor 2 a second time"},
		"more without a cursor": {map[int64]pageAnswer[rec]{0: page(true, nil, recs(1)...)}, "HasMore true) but gave no NextCursor"},
		"beyond the bound": {map[int64]pageAnswer[rec]{0: page(true, intp(1), recs(1, 2)...), 1: page(true, intp(2), recs(3, 4)...),
			2: page(true, intp(3), recs(5)...)}, "stopped after 2 page(s) and 4 thing(s): the API still had more after 2 pages, beyond this provider's bound of 4 things a read"},
		"failed page": {map[int64]pageAnswer[rec]{0: page(true, intp(1), recs(1)...)}, "stopped after 1 page(s) and 1 thing(s): no such page"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got, _, err := runChain(testPager(4, SizeLimit[rec]{}), tc.pages)
			var se *ScanError
			switch {
			case strings.HasPrefix(tc.want, "["):
				if err != nil || idsOf(got.Records) != tc.want || got.Pages != 3 {
					t.Fatalf("got %v, %v", got, err)
				}
			case !errors.As(err, &se) || got.Records != nil || !strings.Contains(err.Error(), tc.want):
				t.Fatalf("err %v", err)
			}
		})
	}
}

// Records that are not the read's own are dropped before repeats are
// removed, in every paged read: record 20 tagged with another owner first
// and rightly later is kept. A record without its ID is dropped too, and
// counted.
func TestPagerFiltersBeforeDeduplicating(t *testing.T) {
	wrong := rec{id: intp(20), owner: 7}
	got, _, err := runChain(testPager(100, SizeLimit[rec]{}), map[int64]pageAnswer[rec]{
		0: page(true, intp(5), append([]rec{wrong, {}}, recs(1, 2)...)...),
		5: page(false, intp(-1), recs(2, 20, 3)...),
	})
	if err != nil || idsOf(got.Records) != "[1 2 20 3]" || got.Elsewhere != 1 || got.NoID != 1 {
		t.Fatalf("got %v (%+v), %v", idsOf(got.Records), got.Dropped, err)
	}
}

// A list whose every record is dropped fails: an empty list would look
// like the answer.
func TestPagerNothingUsable(t *testing.T) {
	for name, tc := range map[string]struct {
		items []rec
		want  string
	}{
		"all elsewhere": {[]rec{{id: intp(1), owner: 2}, {id: intp(2), owner: 2}},
			"every one of the 2 records the API returned belongs to another owner"},
		"elsewhere or no ID": {[]rec{{id: intp(1), owner: 2}, {}},
			"none of the 2 records the API returned could be used (1 of another owner, 1 without a ID)"},
	} {
		t.Run(name, func(t *testing.T) {
			_, _, err := runChain(testPager(100, SizeLimit[rec]{}), map[int64]pageAnswer[rec]{0: page(false, intp(-1), tc.items...)})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err %v", err)
			}
		})
	}
	// An empty list that the API says is empty is one.
	got, _, err := runChain(testPager(100, SizeLimit[rec]{}), map[int64]pageAnswer[rec]{0: page(false, intp(-1))})
	if err != nil || len(got.Records) != 0 {
		t.Fatalf("got %v, %v", got, err)
	}
}

// The bound is in records: pages are bounded by what that many records
// fill, so short pages do not fail a list within the bound, and an endless
// chain of empty pages still ends.
func TestPagerBoundsRecordsNotPages(t *testing.T) {
	onePerPage := map[int64]pageAnswer[rec]{}
	for i := int64(0); i < 300; i++ {
		onePerPage[i] = page(i < 299, intp(i+1), recs(i+1)...)
	}
	got, _, err := runChain(testPager(5000, SizeLimit[rec]{}), onePerPage)
	if err != nil || len(got.Records) != 300 {
		t.Fatalf("%d records, %v", len(got.Records), err)
	}
	empty := map[int64]pageAnswer[rec]{}
	for i := int64(0); i < 1000; i++ {
		empty[i] = page(true, intp(i+1))
	}
	_, asked, err := runChain(testPager(100, SizeLimit[rec]{}), empty)
	if err == nil || len(asked) != 20 || !strings.Contains(err.Error(), "more after 20 pages, more than 100 things (this provider's bound a read) fill") {
		t.Fatalf("%d pages: %v", len(asked), err)
	}
}

// A size limit stops the read on the page that passes it: no page after.
func TestPagerSizeLimit(t *testing.T) {
	pages := map[int64]pageAnswer[rec]{}
	for i := int64(0); i < 100; i++ {
		pages[i] = page(true, intp(i+1), recs(i*10+1, i*10+2, i*10+3, i*10+4, i*10+5, i*10+6, i*10+7, i*10+8, i*10+9, i*10+10)...)
	}
	size := SizeLimit[rec]{Bytes: 250, Size: func(*rec) int { return 10 }}
	_, asked, err := runChain(testPager(100000, size), pages)
	var big *TooLargeError
	var se *ScanError
	if !errors.As(err, &big) || !errors.As(err, &se) || big.Limit != 250 || len(asked) != 3 || se.Pages != 3 || se.Members != 26 {
		t.Fatalf("after %d pages: %v", len(asked), err)
	}
}

// listServer answers one paged action with page(cursor), as the Result's
// JSON, and counts the calls.
type listServer struct {
	mu    sync.Mutex
	calls int
}

func (l *listServer) start(t *testing.T, page func(cursor int64) string) *Client {
	t.Helper()
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var b struct{ Cursor int64 }
		_ = json.NewDecoder(r.Body).Decode(&b)
		l.mu.Lock()
		l.calls++
		l.mu.Unlock()
		_, _ = w.Write([]byte(`{"ResponseMetadata":{"RequestId":"r"},"Result":` + page(b.Cursor) + `}`))
	}))
	t.Cleanup(ts.Close)
	return newTestClient(t, ts.URL, func(c *Config) {
		c.MaxQPS = 100000
		c.Clock = &sleeps{}
	})
}

func (l *listServer) count() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.calls
}

// 300 conversations served one per page are read whole: the bound counts
// conversations (MaxUserConversations), not pages. It used to fail at 250
// pages, "beyond this provider's bound".
func TestUserConversationsOnePerPage(t *testing.T) {
	var l listServer
	c := l.start(t, func(cursor int64) string {
		return fmt.Sprintf(`{"HasMore":%v,"NextCursor":%d,"ConversationInfos":[{"ConversationShortId":%d}]}`, cursor < 299, cursor+1, cursor+1)
	})
	got, err := c.GetUserConversations(context.Background(), UserConversationsInput{AppID: 1, UserID: 2})
	if err != nil || len(got.Records) != 300 || got.Pages != 300 {
		t.Fatalf("%d conversations, %v", len(got.Records), err)
	}
}

// An endless block list ends at MaxBlockListUsers, in at most the pages
// that many users fill: it used to run to the member bound, 1,000,000
// users (50,000 calls, 512 s at the API's budget).
func TestBlockListEndlessChain(t *testing.T) {
	var l listServer
	c := l.start(t, func(cursor int64) string {
		if cursor > 2*MaxBlockListUsers {
			return `{"HasMore":false,"NextCursor":-1,"Participants":[]}` // a guard: the test ends either way
		}
		var users []string
		for i := int64(1); i <= PageSize; i++ {
			users = append(users, fmt.Sprintf(`{"ParticipantUserId":%d}`, cursor+i))
		}
		return fmt.Sprintf(`{"HasMore":true,"NextCursor":%d,"Participants":[%s]}`, cursor+PageSize, strings.Join(users, ","))
	})
	_, err := c.BatchGetBlockParticipants(context.Background(), BlockListInput{AppID: 1, ConversationShortID: 2})
	want := fmt.Sprintf("stopped after 1000 page(s) and 20000 listed user(s): the API still had more after 1000 pages, "+
		"beyond this provider's bound of %d listed users a read", MaxBlockListUsers)
	if err == nil || !strings.Contains(err.Error(), want) || l.count() != MaxBlockListUsers/PageSize {
		t.Fatalf("%d calls: %v", l.count(), err)
	}
}

// A conversation of another app is left out before repeats are removed,
// and one without its ID is left out: conversation 20 tagged with app 9
// first is kept when it comes again with app 1.
func TestUserConversationsFilterBeforeDeduplicating(t *testing.T) {
	var l listServer
	c := l.start(t, func(cursor int64) string {
		if cursor == 0 {
			return `{"HasMore":true,"NextCursor":1,"ConversationInfos":[{"AppId":9,"ConversationShortId":20},{"AppId":1}]}`
		}
		return `{"HasMore":false,"NextCursor":-1,"ConversationInfos":[{"AppId":1,"ConversationShortId":20}]}`
	})
	got, err := c.GetUserConversations(context.Background(), UserConversationsInput{AppID: 1, UserID: 2})
	if err != nil || len(got.Records) != 1 || *got.Records[0].AppID != 1 || got.Elsewhere != 1 || got.NoID != 1 {
		t.Fatalf("%+v, %v", got, err)
	}
}
