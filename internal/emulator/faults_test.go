// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/testutil"
)

// fakeClock is a settable clock for the rate window.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func TestRateLimitSlidingWindowPerKey(t *testing.T) {
	clock := &fakeClock{t: time.Now()}
	s, ts := newServer(t, Options{RateLimit: 3, Now: clock.Now})
	sts := defaultCall()
	sts.ak, sts.sk, sts.token = SampleSTSAccessKey, SampleSTSSecretKey, SampleSTSToken
	for i := 0; i < 3; i++ {
		if r := do(t, ts, defaultCall()); r.status != 200 {
			t.Fatalf("call %d: %d %s", i, r.status, r.raw)
		}
		clock.Add(100 * time.Millisecond)
	}
	r := do(t, ts, defaultCall())
	if r.status != 429 || r.meta.Error.Code != "FlowLimitExceeded" {
		t.Fatalf("fourth call in the window: %d %s", r.status, r.raw)
	}
	// Another key has its own window.
	if r := do(t, ts, sts); r.status != 200 {
		t.Fatalf("other key: %d %s", r.status, r.raw)
	}
	// 1s after the first call, one slot is free again.
	clock.Add(701 * time.Millisecond)
	if r := do(t, ts, defaultCall()); r.status != 200 {
		t.Fatalf("after the window moved: %d %s", r.status, r.raw)
	}
	if r := do(t, ts, defaultCall()); r.status != 429 {
		t.Fatalf("window full again: %d %s", r.status, r.raw)
	}
	if got, want := s.Stats(), (Stats{Total: 7, OK: 5, Throttled: 2}); got != want {
		t.Fatalf("stats %+v, want %+v", got, want)
	}
}

func TestRetryAfterOnThrottle(t *testing.T) {
	_, ts := newServer(t, Options{RateLimit: 1})
	do(t, ts, defaultCall())
	if r := do(t, ts, defaultCall()); r.status != 429 || r.header.Get("Retry-After") != "1" {
		t.Fatalf("%d %v", r.status, r.header)
	}
}

func TestMaxIDsPerCall(t *testing.T) {
	_, ts := newServer(t, Options{MaxIDsPerCall: 2})
	r := do(t, ts, defaultCall()) // three IDs
	if r.status != 400 || r.meta.Error.Code != "ConversationParticipantsMoreThanLimit" || !strings.Contains(r.meta.Error.Message, "3 IDs") {
		t.Fatalf("%d %s", r.status, r.raw)
	}
}

func TestScriptedAndRandomFaults(t *testing.T) {
	s, ts := newServer(t, Options{RateLimit: -1})
	s.FailNext(2, FaultUnavailable)
	s.FailNext(1, FaultBadGateway)
	for i, want := range []int{503, 503} {
		if r := do(t, ts, defaultCall()); r.status != want || r.meta.Error.Code != "ServiceUnavailable" {
			t.Fatalf("call %d: %d %s", i, r.status, r.raw)
		}
	}
	if r := do(t, ts, defaultCall()); r.status != 502 || !strings.Contains(r.raw, "Bad Gateway") || r.header.Get("Content-Type") != "text/html" {
		t.Fatalf("raw fault: %d %s", r.status, r.raw)
	}
	if r := do(t, ts, defaultCall()); r.status != 200 {
		t.Fatalf("after the script: %d", r.status)
	}
	if got, want := s.Stats(), (Stats{Total: 4, OK: 1, Faults: 3}); got != want {
		t.Fatalf("stats %+v", got)
	}

	s2, ts2 := newServer(t, Options{RateLimit: -1, FaultRate: 0.5, Seed: 7})
	for i := 0; i < 200; i++ {
		do(t, ts2, defaultCall())
	}
	st := s2.Stats()
	if st.Faults < 60 || st.Faults > 140 || st.OK+st.Faults != 200 {
		t.Fatalf("fault rate 0.5 gave %+v", st)
	}
}

func TestLatencyHonoursClientCancel(t *testing.T) {
	s, ts := newServer(t, Options{Latency: time.Hour})
	c := defaultCall()
	req, err := http.NewRequest(http.MethodPost, ts.URL+"/?Action="+c.action+"&Version="+c.version, strings.NewReader(c.body))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		resp, err := ts.Client().Do(req.WithContext(ctx))
		if err == nil {
			_ = resp.Body.Close()
		}
		done <- err
	}()
	testutil.WaitFor(t, func() bool { return s.InFlight() > 0 })
	cancel()
	if err := <-done; err == nil {
		t.Fatal("request finished despite an hour of latency")
	}
	testutil.WaitFor(t, func() bool { return s.Stats().Canceled == 1 })
}

// Handlers can reach the limiter out of arrival order; the window still
// counts by arrival.
func TestRateLimitCountsByArrival(t *testing.T) {
	s, err := New(Sample(), Options{RateLimit: 2})
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Now()
	at := func(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }
	for _, step := range []struct {
		ms        int
		throttled bool
	}{{500, false}, {100, false}, {300, false}, {600, true}, {1150, true}, {1350, false}} {
		got := s.admit("AK", "BatchGetConversationParticipant", at(step.ms))
		if (got != nil) != step.throttled {
			t.Fatalf("arrival at %d ms: throttled=%v, want %v", step.ms, got != nil, step.throttled)
		}
	}
}

// A budget partly taken by a client nobody sees: 40 of 100 taken leaves
// 60 a second.
func TestTakeBudget(t *testing.T) {
	s, err := New(Sample(), Options{RateLimit: 100})
	if err != nil {
		t.Fatal(err)
	}
	s.TakeBudget("AK", "BatchGetConversationParticipant", 40)
	start := time.Unix(5000, 0)
	admitted := 0
	for i := 0; i < 200; i++ {
		if s.admit("AK", "BatchGetConversationParticipant", start.Add(time.Duration(i)*5*time.Millisecond)) == nil {
			admitted++
		}
	}
	if admitted != 60 {
		t.Fatalf("%d of 200 calls in one second admitted, want 60", admitted)
	}
	if s.admit("AK", "BatchGetConversations", start) != nil {
		t.Fatal("another action was throttled")
	}
}
