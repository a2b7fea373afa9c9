// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package imclient

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/emulator"
)

// gate stands before the emulator: it holds the first call of action
// until released, records every call of action's body, and answers the
// calls it is told to refuse (1-based) with a 403 that refuses them whole.
type gate struct {
	next    http.Handler
	action  string
	arrived chan struct{}
	hold    chan struct{}
	refuse  map[int]bool

	mu     sync.Mutex
	bodies []string
}

func (g *gate) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Query().Get("Action") != g.action {
		g.next.ServeHTTP(w, r)
		return
	}
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	g.mu.Lock()
	g.bodies = append(g.bodies, string(body))
	n := len(g.bodies)
	g.mu.Unlock()
	if n == 1 {
		close(g.arrived)
		<-g.hold
	}
	if g.refuse[n] {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusForbidden)
		_, _ = fmt.Fprintf(w, `{"ResponseMetadata":{"RequestId":"gate-%d","Action":%q,"Error":{"Code":"AccessDenied","Message":"refused whole"}}}`, n, g.action)
		return
	}
	g.next.ServeHTTP(w, r)
}

// idsOf returns the IDs each recorded call carried, in order.
func (g *gate) idsOf(t *testing.T) [][]int64 {
	t.Helper()
	g.mu.Lock()
	defer g.mu.Unlock()
	var out [][]int64
	for _, b := range g.bodies {
		var v struct {
			ConversationShortID []int64 `json:"ConversationShortId"`
			UserIDs             []int64 `json:"UserIds"`
			Users               []struct {
				UserID int64 `json:"UserId"`
			} `json:"Users"`
		}
		if err := json.Unmarshal([]byte(b), &v); err != nil {
			t.Fatal(err)
		}
		ids := append(v.ConversationShortID, v.UserIDs...)
		for _, u := range v.Users {
			ids = append(ids, u.UserID)
		}
		slices.Sort(ids)
		out = append(out, ids)
	}
	return out
}

// mergeClient serves fx behind a gate on action.
func mergeClient(t *testing.T, fx emulator.Fixtures, opts emulator.Options, action string) (*emulator.Server, *Client, *gate) {
	t.Helper()
	emu, err := emulator.New(fx, opts)
	if err != nil {
		t.Fatal(err)
	}
	g := &gate{next: emu, action: action, arrived: make(chan struct{}), hold: make(chan struct{}), refuse: map[int]bool{}}
	ts := httptest.NewServer(g)
	t.Cleanup(ts.Close)
	t.Cleanup(func() {
		select {
		case <-g.hold:
		default:
			close(g.hold)
		}
	})
	c := newTestClient(t, ts.URL, func(c *Config) {
		c.MaxQPS = 1000
		c.Clock = &sleeps{}
		c.MaxRetries = 0
	})
	return emu, c, g
}

// waitQueued waits until n requests wait for the next call of action.
func waitQueued(t *testing.T, c *Client, action string, n int, distinct bool) {
	t.Helper()
	q := c.mergeQueueOf(action, emulator.SampleAppID, distinct)
	for q.waitingCount() != n {
		time.Sleep(time.Millisecond)
	}
}

func groups(n int) (emulator.Fixtures, []int64) {
	fx := emulator.Sample()
	var convs []int64
	for i := range n {
		conv := int64(5000 + i)
		fx = emulator.WithMembers(fx, conv, 2)
		convs = append(convs, conv)
	}
	return fx, convs
}

type convAnswer struct {
	conv  int64
	found []Conversation
	err   error
}

func lookup(c *Client, ctx context.Context, conv int64, out chan<- convAnswer) {
	got, err := c.BatchGetConversations(ctx, BatchGetConversationsInput{AppID: emulator.SampleAppID, ConversationShortIDs: []int64{conv}})
	out <- convAnswer{conv, got, err}
}

// A lookup that finds no call in flight goes alone at once; the lookups
// that arrive while it is in flight go together in the next call, and
// each gets only its own conversation.
func TestMergeJoinsTheNextCall(t *testing.T) {
	fx, convs := groups(6)
	_, c, g := mergeClient(t, fx, emulator.Options{}, ActionBatchGetConversations)
	answers := make(chan convAnswer, len(convs))
	go lookup(c, context.Background(), convs[0], answers)
	<-g.arrived
	for _, conv := range convs[1:] {
		go lookup(c, context.Background(), conv, answers)
	}
	waitQueued(t, c, ActionBatchGetConversations, len(convs)-1, false)
	close(g.hold)
	for range convs {
		a := <-answers
		if a.err != nil || len(a.found) != 1 || *a.found[0].ConversationShortID != a.conv {
			t.Errorf("conversation %d: %+v, %v", a.conv, a.found, a.err)
		}
	}
	if got, want := g.idsOf(t), [][]int64{convs[:1], convs[1:]}; !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("calls carried %v, want %v", got, want)
	}
}

// The next call carries at most the action's size: 50 users for
// BatchGetUser; the rest wait for the call after.
func TestMergeKeepsTheActionsSize(t *testing.T) {
	_, c, g := mergeClient(t, emulator.Sample(), emulator.Options{}, ActionBatchGetUser)
	type answer struct {
		id  int64
		res UsersResult
		err error
	}
	answers := make(chan answer, 61)
	read := func(id int64) {
		res, err := c.BatchGetUser(context.Background(), BatchGetUsersInput{AppID: emulator.SampleAppID, UserIDs: []int64{id}})
		answers <- answer{id, res, err}
	}
	go read(1000)
	<-g.arrived
	for i := range 60 {
		go read(int64(2000 + i))
	}
	waitQueued(t, c, ActionBatchGetUser, 60, false)
	close(g.hold)
	for range 61 {
		a := <-answers
		if a.err != nil || len(a.res.Users) != 0 || !slices.Equal(a.res.NotFound, []int64{a.id}) {
			t.Errorf("user %d: %+v, %v", a.id, a.res, a.err)
		}
	}
	var sizes []int
	for _, ids := range g.idsOf(t) {
		sizes = append(sizes, len(ids))
	}
	if !slices.Equal(sizes, []int{1, 50, 10}) {
		t.Errorf("calls carried %v users, want 1, 50, 10", sizes)
	}
}

// A merged call refused as a whole is sent again with each request
// alone, and each caller gets its own answer: the conversation the API
// calls not found fails its lookup alone.
func TestMergedCallRefusedWholeIsSentAlone(t *testing.T) {
	fx, convs := groups(3)
	_, c, g := mergeClient(t, fx, emulator.Options{NotFoundAsError: true}, ActionBatchGetConversations)
	answers := make(chan convAnswer, 4)
	go lookup(c, context.Background(), convs[0], answers)
	<-g.arrived
	missing := int64(4040)
	for _, conv := range []int64{convs[1], missing, convs[2]} {
		go lookup(c, context.Background(), conv, answers)
	}
	waitQueued(t, c, ActionBatchGetConversations, 3, false)
	close(g.hold)
	for range 4 {
		a := <-answers
		var apiErr *APIError
		switch {
		case a.conv == missing:
			if !errors.As(a.err, &apiErr) || apiErr.Code != CodeConversationNotFound {
				t.Errorf("conversation %d: %v, want ConversationNotFound", a.conv, a.err)
			}
		case a.err != nil || len(a.found) != 1 || *a.found[0].ConversationShortID != a.conv:
			t.Errorf("conversation %d: %+v, %v", a.conv, a.found, a.err)
		}
	}
	got := g.idsOf(t)
	merged := []int64{convs[1], convs[2], missing}
	slices.Sort(merged)
	if len(got) != 5 || !slices.Equal(got[0], convs[:1]) || !slices.Equal(got[1], merged) {
		t.Fatalf("calls carried %v, want %v, then %v, then each alone", got, convs[:1], merged)
	}
	var alone []int64
	for _, ids := range got[2:] {
		if len(ids) != 1 {
			t.Fatalf("a call after the refusal carried %v", ids)
		}
		alone = append(alone, ids[0])
	}
	slices.Sort(alone)
	if !slices.Equal(alone, merged) {
		t.Errorf("sent alone %v, want %v", alone, merged)
	}
}

type writeAnswer struct {
	id  int64
	res WriteResult
	err error
}

func register(c *Client, ctx context.Context, id int64, out chan<- writeAnswer) {
	res, err := c.RegisterUsers(ctx, registerInput([]UserProfile{{UserID: id, NickName: fmt.Sprint("bot-", id), IsRobot: true}}))
	out <- writeAnswer{id, res, err}
}

// Registers of users from different callers share a call of at most 20;
// a user the API lists in FailedInfos fails that caller alone, with its
// reason, and nobody else's.
func TestMergedRegisterGivesEachItsOwnOutcome(t *testing.T) {
	emu, c, g := mergeClient(t, emulator.Sample(), emulator.Options{}, ActionRegisterUsers)
	const bad = int64(3005)
	emu.FailUsers(ActionRegisterUsers, bad)
	answers := make(chan writeAnswer, 26)
	go register(c, context.Background(), 3000, answers)
	<-g.arrived
	for i := 1; i <= 25; i++ {
		go register(c, context.Background(), int64(3000+i), answers)
	}
	waitQueued(t, c, ActionRegisterUsers, 25, true)
	close(g.hold)
	for range 26 {
		a := <-answers
		if a.id == bad {
			var werr *WriteError
			if !errors.As(a.err, &werr) || !slices.Equal(a.res.Failed, []int64{bad}) || len(a.res.Reasons) != 1 ||
				a.res.Reasons[bad].Code == "" || werr.Total != 1 {
				t.Errorf("user %d: %+v, %v; want it failed with its reason", a.id, a.res, a.err)
			}
			continue
		}
		if a.err != nil || !slices.Equal(a.res.Done, []int64{a.id}) || len(a.res.Failed)+len(a.res.Unknown)+len(a.res.NotSent) != 0 {
			t.Errorf("user %d: %+v, %v; want it done alone", a.id, a.res, a.err)
		}
		if _, ok := emu.UserState(emulator.SampleAppID, a.id); !ok {
			t.Errorf("user %d is not registered", a.id)
		}
	}
	var sizes []int
	for _, ids := range g.idsOf(t) {
		sizes = append(sizes, len(ids))
	}
	if !slices.Equal(sizes, []int{1, 20, 5}) {
		t.Errorf("calls carried %v users, want 1, 20, 5", sizes)
	}
}

// A merged register refused as a whole (nothing applied) is sent again
// with each user alone; one whose answer is lost is not: its user is
// Unknown, for the caller to read back.
func TestMergedRegisterRefusedWholeAndLost(t *testing.T) {
	_, c, g := mergeClient(t, emulator.Sample(), emulator.Options{}, ActionRegisterUsers)
	g.refuse[2] = true
	answers := make(chan writeAnswer, 4)
	go register(c, context.Background(), 4000, answers)
	<-g.arrived
	for i := 1; i <= 3; i++ {
		go register(c, context.Background(), int64(4000+i), answers)
	}
	waitQueued(t, c, ActionRegisterUsers, 3, true)
	close(g.hold)
	for range 4 {
		if a := <-answers; a.err != nil || !slices.Equal(a.res.Done, []int64{a.id}) {
			t.Errorf("user %d: %+v, %v", a.id, a.res, a.err)
		}
	}
	got := g.idsOf(t)
	if len(got) != 5 || len(got[1]) != 3 || len(got[2]) != 1 || len(got[3]) != 1 || len(got[4]) != 1 {
		t.Errorf("calls carried %v, want one, three refused whole, then each of the three alone", got)
	}

	// Lost: the merged call is applied, its answer lost; never sent again.
	emu2, c2, g2 := mergeClient(t, emulator.Sample(), emulator.Options{}, ActionRegisterUsers)
	answers = make(chan writeAnswer, 4)
	go register(c2, context.Background(), 4100, answers)
	<-g2.arrived
	emu2.LoseAnswers(ActionRegisterUsers, 2, emulator.FaultBadGateway) // the held call's, then the merged one's
	for i := 1; i <= 3; i++ {
		go register(c2, context.Background(), int64(4100+i), answers)
	}
	waitQueued(t, c2, ActionRegisterUsers, 3, true)
	close(g2.hold)
	for range 4 {
		a := <-answers
		if !slices.Equal(a.res.Unknown, []int64{a.id}) || a.err == nil {
			t.Errorf("user %d: %+v, %v; want it unknown", a.id, a.res, a.err)
		}
		if _, ok := emu2.UserState(emulator.SampleAppID, a.id); !ok {
			t.Errorf("user %d is not registered", a.id)
		}
	}
	if got := g2.idsOf(t); len(got) != 2 || len(got[1]) != 3 {
		t.Errorf("calls carried %v, want one and three, never again", got)
	}
}

// A caller whose context ends while it waits for a merged call leaves the
// queue with its context's error; one whose call was sent still gets what
// the call did.
func TestMergeCancelWhileWaiting(t *testing.T) {
	emu, c, g := mergeClient(t, emulator.Sample(), emulator.Options{}, ActionRegisterUsers)
	sentCtx, cancelSent := context.WithCancel(context.Background())
	answers := make(chan writeAnswer, 3)
	go register(c, sentCtx, 5000, answers)
	<-g.arrived
	waitCtx, cancelWait := context.WithCancel(context.Background())
	go register(c, waitCtx, 5001, answers)
	go register(c, context.Background(), 5002, answers)
	waitQueued(t, c, ActionRegisterUsers, 2, true)
	cancelWait()
	a := <-answers // 5001 leaves the queue before any answer
	if a.id != 5001 || !errors.Is(a.err, context.Canceled) || !slices.Equal(a.res.NotSent, []int64{5001}) {
		t.Fatalf("the canceled waiter: %+v, %v", a.res, a.err)
	}
	cancelSent() // its call is in flight: it keeps track
	close(g.hold)
	for range 2 {
		if a := <-answers; a.err != nil || !slices.Equal(a.res.Done, []int64{a.id}) {
			t.Errorf("user %d: %+v, %v", a.id, a.res, a.err)
		}
	}
	if _, ok := emu.UserState(emulator.SampleAppID, 5001); ok {
		t.Error("the canceled user was registered")
	}
	if got := g.idsOf(t); len(got) != 2 || !slices.Equal(got[0], []int64{5000}) || !slices.Equal(got[1], []int64{5002}) {
		t.Errorf("calls carried %v, want 5000, then 5002", got)
	}

	// A read waiting for a call returns its context's error at once.
	fx, convs := groups(2)
	_, rc, rg := mergeClient(t, fx, emulator.Options{}, ActionBatchGetConversations)
	reads := make(chan convAnswer, 2)
	go lookup(rc, context.Background(), convs[0], reads)
	<-rg.arrived
	ctx, cancel := context.WithCancel(context.Background())
	go lookup(rc, ctx, convs[1], reads)
	waitQueued(t, rc, ActionBatchGetConversations, 1, false)
	cancel()
	if r := <-reads; r.conv != convs[1] || !errors.Is(r.err, context.Canceled) {
		t.Fatalf("the canceled read: %+v", r)
	}
	close(rg.hold)
	if r := <-reads; r.err != nil || len(r.found) != 1 {
		t.Fatalf("the first read: %+v", r)
	}
}
