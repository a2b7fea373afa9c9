// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package imclient

import (
	"context"
	"fmt"
	"math"

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
	// MaxScanMembers bounds every scan, whatever the member count says: ten
	// times the largest conversation this provider is measured with
	// (100,000 members), and about as many members as a state Terraform
	// can still receive (256 MiB) holds. A scan that reaches it fails.
	MaxScanMembers = 1_000_000
)

// ScanInput names the conversation whose members are all read.
type ScanInput struct {
	AppID               int32
	ConversationShortID int64
	// Size, when set, stops the scan as soon as the members kept need more
	// than its Bytes.
	Size SizeLimit[Participant]
	// Count, when set, gives the member count instead of a
	// GetConversationUserCount call: a caller that reads the conversation
	// anyway (BatchGetConversations with its MemberCount) saves the call.
	// It is asked beside the first page, as the call would be.
	Count func(ctx context.Context) (int64, error)
}

type scanBody struct {
	AppID               int32 `json:"AppId"`
	ConversationShortID int64 `json:"ConversationShortId"`
	Cursor              int64 `json:"Cursor"`
	Limit               int64 `json:"Limit"`
}

type scanPage struct {
	HasMore      *bool         `json:"HasMore"`
	NextCursor   *int64        `json:"NextCursor"`
	Participants []Participant `json:"Participants"`

	first bool // asked with cursor 0
}

// check refuses a page that does not say whether more follow, has no
// member list (only a last page after others may leave it out), or holds
// more members than its Limit.
func (p *scanPage) check(limit int) string {
	switch {
	case p.HasMore == nil:
		return "the page does not say whether more members follow (no HasMore)"
	case p.Participants == nil && (*p.HasMore || p.first):
		return "the page has no Participants list"
	case len(p.Participants) > limit:
		return fmt.Sprintf("the page holds %d members, more than the %d it was asked for", len(p.Participants), limit)
	}
	return ""
}

// ScanResult is every member of a conversation, and what the scan saw on
// the way that a caller may want to report.
type ScanResult struct {
	Members []Participant
	Pages   int
	// Count is GetConversationUserCount's answer, or -1 when it failed
	// (CountErr says why); the scan then followed the chain alone.
	Count    int64
	CountErr error
	// Records the API returned that cannot be members of the conversation.
	Dropped
	// Wasted is how many pages requested ahead the chain did not use.
	Wasted int
}

// ScanError is a paged read that stopped before the API said it had no
// more: nothing of it may be used.
type ScanError struct {
	Action  string // the paged action; ActionScanParticipants when empty
	Noun    string // what it reads, singular; "member" when empty
	Members int    // distinct records read before it stopped
	Pages   int    // pages read
	Reason  string
	Err     error // the failed call, when that is why
}

// What is the action and the noun, with their defaults.
func (e *ScanError) What() (action, noun string) {
	action, noun = e.Action, e.Noun
	if action == "" {
		action = ActionScanParticipants
	}
	if noun == "" {
		noun = "member"
	}
	return action, noun
}

func (e *ScanError) Error() string {
	why := e.Reason
	if e.Err != nil {
		why = e.Err.Error()
	}
	_, noun := e.What()
	return fmt.Sprintf("reading every %s stopped after %d page(s) and %d %s(s): %s", noun, e.Pages, e.Members, noun, why)
}

func (e *ScanError) Unwrap() error { return e.Err }

type userCount struct {
	Count *int64 `json:"Count"`
}

func (u *userCount) check(int) string {
	switch {
	case u.Count == nil:
		return "the answer has no Count"
	case *u.Count < 0:
		return fmt.Sprintf("the answer's Count is %d, which no conversation has", *u.Count)
	}
	return ""
}

// UserCount returns how many members a conversation has.
func (c *Client) UserCount(ctx context.Context, app int32, conv int64) (int64, error) {
	body := struct {
		AppID               int32 `json:"AppId"`
		ConversationShortID int64 `json:"ConversationShortId"`
	}{app, conv}
	var out userCount
	if err := c.call(ctx, ActionUserCount, body, 1, &out); err != nil {
		return 0, err
	}
	return *out.Count, nil
}

func (c *Client) scanPage(ctx context.Context, in ScanInput, cursor int64) (scanPage, error) {
	p := scanPage{first: cursor == 0}
	body := scanBody{AppID: in.AppID, ConversationShortID: in.ConversationShortID, Cursor: cursor, Limit: ScanPageSize}
	err := c.call(tflog.SetField(ctx, "cursor", cursor), ActionScanParticipants, body, ScanPageSize, &p)
	return p, err
}

// ScanConversationParticipants reads every member of a conversation with
// ScanConversationParticipantList, in the API's order, each member once.
//
// The cursor chain is sequential: each page names the next page's cursor.
// GetConversationUserCount is asked alongside; when it answers and the
// chain shows an offset cursor (NextCursor = Cursor + members returned),
// the following pages are requested ahead at the cursors the chain's own
// stride predicts, within the count (see lookAhead). The chain takes a
// page fetched ahead only when it asks for exactly that cursor, so the
// result is the chain's whatever the cursor means.
//
// It stops with a *ScanError by the rule of every paged read (pager),
// with the count as the list's own bound: a count beyond MaxScanMembers
// stops it as soon as it answers. A failed count only means the chain
// runs alone.
func (c *Client) ScanConversationParticipants(ctx context.Context, in ScanInput) (ScanResult, error) {
	ctx, cancel := context.WithCancel(ctx)
	// The chain logs on a copy of its own: the calls running beside it copy
	// ctx, and tflog writes a context's masks in place when it logs.
	chainLog := tflog.SetField(ctx, "scan", "chain")
	ahead := newLookAhead(ctx, c.concurrency, func(ctx context.Context, cursor int64) (scanPage, error) {
		return c.scanPage(ctx, in, cursor)
	})
	ahead.log = chainLog
	countDone := make(chan struct{})
	// Nothing this scan started outlives it.
	defer func() {
		cancel()
		ahead.stop()
		<-countDone
	}()

	var count int64
	var countErr error
	go func() {
		defer close(countDone)
		if in.Count != nil {
			count, countErr = in.Count(ctx)
			return
		}
		count, countErr = c.UserCount(ctx, in.AppID, in.ConversationShortID)
	}()
	res := ScanResult{Count: -1}
	// takeCount takes the count's answer once it has come.
	takeCount := func() {
		if res.Count >= 0 || res.CountErr != nil {
			return
		}
		select {
		case <-countDone:
		default:
			return
		}
		if countErr != nil {
			res.CountErr = countErr
			tflog.Warn(chainLog, "GetConversationUserCount failed; following the scan's chain alone", map[string]any{"error": countErr.Error()})
		} else {
			res.Count = count
		}
	}

	conv := in.ConversationShortID
	pg := newPager(ActionScanParticipants, "member", c.maxScanMembers, recordRules[Participant]{
		key: func(p *Participant) *int64 { return p.ParticipantUserID }, idName: "ParticipantUserId",
		belongs: func(p *Participant) bool { return p.InConversation(conv) }, where: "conversation",
	}, in.Size)
	pg.whole = "a conversation"
	var cursor int64
	page, err := c.scanPage(ctx, in, 0)
	for {
		if err != nil {
			return ScanResult{}, pg.fail("", err)
		}
		if stop := pg.take(page.Participants); stop != nil {
			return ScanResult{}, stop
		}
		takeCount()
		pg.count = res.Count
		next, more, stop := pg.next(*page.HasMore, page.NextCursor)
		if stop != nil {
			return ScanResult{}, stop
		}
		if !more {
			break
		}
		ahead.follow(cursor, next, len(page.Participants), pg.pages, res.Count)
		cursor = next
		page, err = ahead.get(next)
	}
	res.Wasted = ahead.stop()
	members, err := pg.done()
	if err != nil {
		return ScanResult{}, err
	}
	res.Members, res.Pages, res.Dropped = members, pg.pages, pg.Dropped
	// The count was sent with the first page: it has answered by now,
	// unless it is failing and being retried.
	<-countDone
	takeCount()
	return res, nil
}

// InConversation reports whether p is a record of conversation conv. Only
// a non-zero ConversationShortId that differs from conv names another
// conversation; an absent or zero one is taken as conv and set to it, so
// the record shows the conversation that was asked.
func (p *Participant) InConversation(conv int64) bool {
	if p.ConversationShortID != nil && *p.ConversationShortID != 0 {
		return *p.ConversationShortID == conv
	}
	p.ConversationShortID = &conv
	return true
}

// The look-ahead's window: the pages it may waste are bounded by
// max(lookAheadFloor, a tenth of the chain's pages), whatever the API
// does, because the window never holds more and the first cursor it did
// not predict stops it for good.
const (
	lookAheadFloor = 16
	lookAheadShare = 10
)

// lookAhead requests pages ahead of the chain. It runs only while the
// chain shows an offset cursor with a steady stride (the page size the
// API really uses), never past the member count. Its window holds the
// chain's own next page and doubles with each page the chain reads at
// that stride, up to the waste bound above and the client's concurrency.
type lookAhead struct {
	fetch     func(ctx context.Context, cursor int64) (scanPage, error)
	limit     int             // the client's concurrency
	chain     context.Context // the chain's own calls
	log       context.Context // the chain's own log lines
	ctx       context.Context // calls ahead, canceled when it stops
	cancel    context.CancelFunc
	pending   map[int64]chan pageOrErr
	stride    int64
	confirmed int   // chain pages read at the stride
	front     int64 // next cursor to request ahead
	off       bool  // stopped for good
	wasted    int
}

type pageOrErr struct {
	page scanPage
	err  error
}

func newLookAhead(ctx context.Context, limit int, fetch func(ctx context.Context, cursor int64) (scanPage, error)) *lookAhead {
	aheadCtx, cancel := context.WithCancel(ctx)
	return &lookAhead{fetch: fetch, limit: limit, chain: ctx, log: ctx, ctx: aheadCtx, cancel: cancel,
		pending: map[int64]chan pageOrErr{}}
}

// window is how many pages may be in flight once the chain has read pages.
func (a *lookAhead) window(pages int) int {
	return min(a.limit, max(lookAheadFloor, pages/lookAheadShare), 1<<min(a.confirmed, 30))
}

// follow learns from the chain's last page (at cursor, n members, pointing
// at next; pages read so far) and tops the window up.
func (a *lookAhead) follow(cursor, next int64, n, pages int, count int64) {
	if a.off {
		return
	}
	stride := next - cursor
	if n == 0 || stride != int64(n) || (a.stride != 0 && stride != a.stride) {
		if a.stride != 0 || len(a.pending) > 0 {
			tflog.Debug(a.log, "scan cursor is not a steady offset; following the chain alone", map[string]any{"cursor": cursor, "next": next})
		}
		a.halt()
		return
	}
	a.stride = stride
	a.confirmed++
	if count < 0 {
		return // nothing bounds a guess: the chain runs alone
	}
	a.front = max(a.front, next)
	for len(a.pending) < a.window(pages) && a.front < count && a.front <= math.MaxInt64-stride {
		a.launch(a.front)
		a.front += stride
	}
}

func (a *lookAhead) launch(cursor int64) {
	ch := make(chan pageOrErr, 1)
	a.pending[cursor] = ch
	go func() {
		p, err := a.fetch(a.ctx, cursor)
		ch <- pageOrErr{p, err}
	}()
}

// get returns the page at cursor: the one requested ahead, or a new call.
// A cursor that was not predicted stops the look-ahead.
func (a *lookAhead) get(cursor int64) (scanPage, error) {
	if ch, ok := a.pending[cursor]; ok {
		delete(a.pending, cursor)
		r := <-ch
		return r.page, r.err
	}
	if len(a.pending) > 0 {
		a.halt()
	}
	return a.fetch(a.chain, cursor)
}

// halt stops the look-ahead for good; the pages still requested ahead are
// wasted, and canceled.
func (a *lookAhead) halt() {
	a.off = true
	a.wasted += len(a.pending)
	a.cancel()
	for cursor, ch := range a.pending {
		<-ch
		delete(a.pending, cursor)
	}
}

// stop ends the look-ahead and returns how many pages it wasted.
func (a *lookAhead) stop() int {
	if !a.off {
		a.halt()
	}
	return a.wasted
}
