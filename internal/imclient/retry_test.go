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

	"github.com/hashicorp/terraform-plugin-log/tflog"
	"github.com/hashicorp/terraform-plugin-log/tflogtest"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/emulator"
	"github.com/volcrtc/terraform-provider-volcrtc/internal/emulator/emulatortest"
	"github.com/volcrtc/terraform-provider-volcrtc/internal/testutil"
)

// sleeps is the clock of tests that must not wait: it records each sleep
// (pacing and retry delays alike) and moves its time on by it at once.
type sleeps struct {
	mu     sync.Mutex
	d      []time.Duration
	offset time.Duration
}

func (s *sleeps) Now() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return time.Now().Add(s.offset)
}

func (s *sleeps) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.d = append(s.d, d)
	s.offset += d
	return nil
}

func (s *sleeps) got() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.d...)
}

func emulatorClient(t *testing.T, opts emulator.Options, edit func(*Config)) (*emulator.Server, *Client, *sleeps) {
	t.Helper()
	emu, url := emulatortest.Start(t, emulator.Sample(), opts)
	sl := &sleeps{}
	c := newTestClient(t, url, func(c *Config) {
		c.MaxQPS = 1000
		c.Clock = sl
		c.Jitter = func(d time.Duration) time.Duration { return d }
		if edit != nil {
			edit(c)
		}
	})
	return emu, c, sl
}

func ids(n int) []int64 {
	out := make([]int64, n)
	for i := range out {
		out[i] = int64(i + 1)
	}
	return out
}

func TestBatchesKeepOrderAndSize(t *testing.T) {
	emu, c, _ := emulatorClient(t, emulator.Options{}, func(c *Config) { c.MaxBatchSize = 2; c.Concurrency = 3 })
	in := sampleInput()
	in.UserIDs = []int64{10003, 404, emulator.SampleBigUserID, 10001, 10002}
	ps, err := c.BatchGetConversationParticipant(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	var got []int64
	for _, p := range ps {
		got = append(got, *p.ParticipantUserID)
	}
	// Batch order; within a batch, the emulator's (fixture) order.
	want := []int64{10003, 10001, emulator.SampleBigUserID, 10002}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("got %v, want %v", got, want)
		}
	}
	var bodies []string
	for _, r := range emu.Requests() {
		bodies = append(bodies, strings.TrimPrefix(r.RawBody, `{"AppId":100001,"ConversationShortId":7000000000000000001,"ParticipantUserIds":`))
	}
	if len(bodies) != 3 || !containsAll(bodies, "[10003,404]}", "[9007199254740993,10001]}", "[10002]}") {
		t.Fatalf("requests %v", bodies)
	}
}

func containsAll(have []string, want ...string) bool {
	set := map[string]bool{}
	for _, h := range have {
		set[h] = true
	}
	for _, w := range want {
		if !set[w] {
			return false
		}
	}
	return true
}

func TestRetries(t *testing.T) {
	retryAfter := emulator.FaultThrottled
	retryAfter.RetryAfter = "2"
	status200 := emulator.Fault{Status: 200, Code: "FlowLimitExceeded", Message: "throttled"}
	internal := emulator.Fault{Status: 500, Code: "InternalError", CodeN: 100014, Message: "oops"}
	cases := []struct {
		name     string
		faults   []emulator.Fault
		wantErr  string
		attempts int
		delays   []time.Duration
	}{
		// Throttled calls are re-paced by the budget, with no backoff of
		// their own, and beyond max_retries.
		{"throttled twice then success", []emulator.Fault{emulator.FaultThrottled, emulator.FaultThrottled}, "", 3, nil},
		{"throttled past max_retries then success", []emulator.Fault{emulator.FaultThrottled, emulator.FaultThrottled,
			emulator.FaultThrottled, emulator.FaultThrottled, emulator.FaultThrottled}, "", 6, nil},
		{"Retry-After is honoured", []emulator.Fault{retryAfter}, "", 2, []time.Duration{2 * time.Second}},
		{"503 then success", []emulator.Fault{emulator.FaultUnavailable}, "", 2, []time.Duration{250 * time.Millisecond}},
		{"502 page from a proxy then success", []emulator.Fault{emulator.FaultBadGateway}, "", 2, []time.Duration{250 * time.Millisecond}},
		{"throttling inside an HTTP 200", []emulator.Fault{status200}, "", 2, nil},
		{"InternalError", []emulator.Fault{internal}, "", 2, []time.Duration{250 * time.Millisecond}},
		{"persistent 503", []emulator.Fault{emulator.FaultUnavailable, emulator.FaultUnavailable, emulator.FaultUnavailable, emulator.FaultUnavailable},
			"ServiceUnavailable: service temporarily unavailable [HTTP 503, RequestId emu-", 4,
			[]time.Duration{250 * time.Millisecond, 500 * time.Millisecond, time.Second}},
		{"not found is not retried", []emulator.Fault{{Status: 400, Code: "ConversationNotFound", Message: "gone"}}, "ConversationNotFound", 1, nil},
		{"access denied is not retried", []emulator.Fault{{Status: 403, Code: "AccessDenied", CodeN: 100013, Message: "no"}}, "AccessDenied", 1, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel() // a throttle holds the client's next call back for a window
			emu, c, _ := emulatorClient(t, emulator.Options{}, func(c *Config) { c.MaxRetries = 3 })
			for _, f := range tc.faults {
				emu.FailNext(1, f)
			}
			var log testutil.SyncBuffer
			ps, err := c.BatchGetConversationParticipant(tflogtest.RootLogger(context.Background(), &log), sampleInput())
			if tc.wantErr == "" {
				if err != nil || len(ps) != 2 {
					t.Fatalf("err %v, %d participants", err, len(ps))
				}
			} else {
				var apiErr *APIError
				if !errors.As(err, &apiErr) || !strings.Contains(err.Error(), tc.wantErr) || apiErr.Attempts != tc.attempts {
					t.Fatalf("err %v", err)
				}
				if tc.attempts > 1 && !strings.Contains(err.Error(), "gave up after 4 attempts") {
					t.Fatalf("err %v does not say how many attempts", err)
				}
			}
			if n := len(emu.Requests()); tc.wantErr == "" && n != tc.attempts {
				t.Errorf("%d requests, want %d", n, tc.attempts)
			}
			if n := len(emu.Requests()); tc.wantErr != "" && n != tc.attempts {
				t.Errorf("%d requests, want %d", n, tc.attempts)
			}
			// The delays of the retries themselves, as logged; the clock
			// also sleeps while the budget paces them.
			if got := retryDelays(t, log.String()); !equalDurations(got, tc.delays) {
				t.Errorf("delays %v, want %v", got, tc.delays)
			}
		})
	}
}

// A call throttled without end gives up at ThrottleDeadline, having cut
// the budget's rate instead of hammering the API.
func TestThrottleDeadline(t *testing.T) {
	clock := &fakeClock{now: time.Unix(1000, 0)}
	emu, c, _ := emulatorClient(t, emulator.Options{RateLimit: -1}, func(c *Config) {
		c.MaxRetries = 3
		c.Clock = clock
	})
	emu.SetFault(&emulator.FaultThrottled)
	_, err := c.BatchGetConversationParticipant(context.Background(), sampleInput())
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.Code != "FlowLimitExceeded" || apiErr.Attempts < 10 {
		t.Fatalf("err %v", err)
	}
	calls := len(emu.Requests())
	if calls != apiErr.Attempts || calls > int(ThrottleDeadline/time.Second)*10 {
		t.Fatalf("%d calls in %v of throttling", calls, ThrottleDeadline)
	}
}

// A Retry-After date is read on the client's one clock, as pacing, the
// throttle deadline and retry delays are: with the clock four years
// ahead of the wall, a date seven seconds after the clock's now holds the
// call seven seconds, not the minute a wall-clock reading gives it.
func TestRetryAfterDateOnTheClock(t *testing.T) {
	clock := &fakeClock{now: time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)}
	emu, c, _ := emulatorClient(t, emulator.Options{}, func(c *Config) { c.Clock = clock })
	f := emulator.FaultThrottled
	f.RetryAfter = clock.Now().Add(7 * time.Second).Format(http.TimeFormat)
	emu.FailNext(1, f)
	var log testutil.SyncBuffer
	if _, err := c.BatchGetConversationParticipant(tflogtest.RootLogger(context.Background(), &log), sampleInput()); err != nil {
		t.Fatal(err)
	}
	if got := retryDelays(t, log.String()); !equalDurations(got, []time.Duration{7 * time.Second}) {
		t.Fatalf("delays %v, want the 7 s until the Retry-After date", got)
	}
}

// retryDelays reads the delays, other than none, of the retries logged.
func retryDelays(t *testing.T, log string) []time.Duration {
	t.Helper()
	var out []time.Duration
	for _, line := range strings.Split(strings.TrimSpace(log), "\n") {
		var e struct {
			Message string  `json:"@message"`
			DelayMS float64 `json:"delay_ms"`
		}
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		if e.Message == "retrying volcrtc API call" && e.DelayMS > 0 {
			out = append(out, time.Duration(e.DelayMS)*time.Millisecond)
		}
	}
	return out
}

func equalDurations(a, b []time.Duration) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestAuthErrorNotRetried(t *testing.T) {
	emu, c, sl := emulatorClient(t, emulator.Options{}, func(c *Config) { c.MaxRetries = 5; c.SecretKey = "wrong" })
	_, err := c.BatchGetConversationParticipant(context.Background(), sampleInput())
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.Code != "SignatureDoesNotMatch" || apiErr.Attempts != 1 {
		t.Fatalf("err %v", err)
	}
	if len(emu.Requests()) != 1 || len(sl.got()) != 0 {
		t.Fatalf("retried an auth error: %d requests", len(emu.Requests()))
	}
}

func TestTransportErrorRetried(t *testing.T) {
	ts := httptest.NewServer(nil)
	url := ts.URL
	ts.Close()
	sl := &sleeps{}
	c := newTestClient(t, url, func(c *Config) { c.MaxRetries = 2; c.Clock = sl })
	_, err := c.BatchGetConversationParticipant(context.Background(), sampleInput())
	var te *TransportError
	if !errors.As(err, &te) || te.Attempts != 3 || !strings.Contains(err.Error(), "gave up after 3 attempts") || len(sl.got()) != 2 {
		t.Fatalf("err %v, sleeps %v", err, sl.got())
	}
}

func TestTooManyIDs(t *testing.T) {
	invalid := &APIError{Code: "InvalidParam", Message: "ParticipantUserIds length exceeds limit", BatchSize: 500}
	if !invalid.TooManyIDs() || (&APIError{Code: "InvalidParam", Message: "AppId invalid"}).TooManyIDs() {
		t.Fatal("TooManyIDs")
	}
}

// Cancelling stops the call in flight and sends none of the queued ones.
func TestCancelStopsInFlightAndQueued(t *testing.T) {
	emu, c, _ := emulatorClient(t, emulator.Options{Latency: time.Hour}, func(c *Config) { c.MaxBatchSize = 1; c.Concurrency = 1; c.MaxRetries = 3 })
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := c.BatchGetConversationParticipant(ctx, sampleInput())
		done <- err
	}()
	testutil.WaitFor(t, func() bool { return emu.InFlight() == 1 })
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("err %v", err)
	}
	testutil.WaitFor(t, func() bool { return emu.Stats().Canceled == 1 })
	if st := emu.Stats(); st.Total != 1 {
		t.Fatalf("queued calls were sent: %+v", st)
	}
}

// A hung connection is bounded by RequestTimeout, then retried.
func TestRequestTimeout(t *testing.T) {
	emu, c, sl := emulatorClient(t, emulator.Options{Latency: time.Hour}, func(c *Config) {
		c.RequestTimeout = 20 * time.Millisecond
		c.MaxRetries = 1
	})
	_, err := c.BatchGetConversationParticipant(context.Background(), sampleInput())
	var te *TransportError
	if !errors.As(err, &te) || te.Attempts != 2 || !errors.Is(err, context.DeadlineExceeded) && !strings.Contains(err.Error(), "Timeout") {
		t.Fatalf("err %v", err)
	}
	if len(sl.got()) != 1 {
		t.Fatalf("sleeps %v", sl.got())
	}
	testutil.WaitFor(t, func() bool { return emu.Stats().Canceled == 2 })
}

// One client's budget is shared by concurrent reads: no 429 from a
// server that allows a little more than the budget (and far less than
// three separate budgets would send).
func TestSharedBudgetAvoidsThrottling(t *testing.T) {
	emu, c, _ := emulatorClient(t, emulator.Options{RateLimit: 25}, func(c *Config) {
		c.Clock = RealClock{} // the emulator counts calls by the wall clock
		c.MaxQPS = 20
		c.MaxBatchSize = 1
	})
	var wg sync.WaitGroup
	errs := make(chan error, 3)
	for i := 0; i < 3; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			in := sampleInput()
			in.UserIDs = ids(10)
			_, err := c.BatchGetConversationParticipant(context.Background(), in)
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if st := emu.Stats(); st.OK != 30 || st.Throttled != 0 {
		t.Fatalf("stats %+v", st)
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for v, want := range map[string]time.Duration{
		"":                              0,
		"3":                             3 * time.Second,
		"-1":                            0,
		"soon":                          0,
		"Fri, 02 Jan 2026 03:04:15 GMT": 10 * time.Second,
		"Fri, 02 Jan 2026 03:04:00 GMT": 0,
	} {
		if got := parseRetryAfter(v, now); got != want {
			t.Errorf("parseRetryAfter(%q) = %v, want %v", v, got, want)
		}
	}
}

func TestBackoffGrowsAndCaps(t *testing.T) {
	c := &Client{jitter: func(d time.Duration) time.Duration { return d }}
	var got []time.Duration
	for a := 1; a <= 8; a++ {
		got = append(got, c.backoff(a, errors.New("x")))
	}
	want := []time.Duration{250 * time.Millisecond, 500 * time.Millisecond, time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 8 * time.Second, 8 * time.Second}
	if !equalDurations(got, want) {
		t.Fatalf("backoff %v", got)
	}
	if d := c.backoff(1, &APIError{RetryAfter: time.Hour}); d != time.Minute {
		t.Fatalf("Retry-After cap: %v", d)
	}
	for i := 0; i < 100; i++ {
		if d := halfJitter(time.Second); d < 500*time.Millisecond || d > time.Second {
			t.Fatalf("halfJitter %v", d)
		}
	}
}

// Concurrent batches log through a masking context without racing, and
// the masks apply to every line.
func TestConcurrentLoggingWithMasks(t *testing.T) {
	var buf testutil.SyncBuffer
	ctx := tflogtest.RootLogger(context.Background(), &buf)
	ctx = tflog.SetField(ctx, "tf_rpc", "ReadDataSource") // as the framework does
	ctx = tflog.MaskAllFieldValuesStrings(ctx, "127.0.0.1")
	ctx = tflog.MaskMessageStrings(ctx, "127.0.0.1")
	_, c, _ := emulatorClient(t, emulator.Options{RateLimit: -1}, func(c *Config) { c.MaxBatchSize = 1; c.Concurrency = 8 })
	in := sampleInput()
	in.UserIDs = ids(64)
	for i := 0; i < 3; i++ {
		if _, err := c.BatchGetConversationParticipant(ctx, in); err != nil {
			t.Fatal(err)
		}
	}
	out := buf.String()
	if !strings.Contains(out, "volcrtc API request") || strings.Contains(out, "127.0.0.1") || !strings.Contains(out, "***") {
		t.Fatalf("log not masked or empty:\n%.2000s", out)
	}
}

// A scan, its count and its pages requested ahead log through one masking
// context without racing (the race detector runs this package), and the
// masks apply to every line.
func TestScanLoggingWithMasks(t *testing.T) {
	var buf testutil.SyncBuffer
	ctx := tflogtest.RootLogger(context.Background(), &buf)
	ctx = tflog.SetField(ctx, "tf_rpc", "ReadDataSource")
	ctx = tflog.MaskAllFieldValuesStrings(ctx, "127.0.0.1")
	ctx = tflog.MaskMessageStrings(ctx, "127.0.0.1")
	emu, c := scanClient(t, 2000, emulator.Options{Latency: 2 * time.Millisecond})
	emu.FailAction(ActionUserCount, &emulator.Fault{Status: 400, Code: "InvalidParam", Message: "from 127.0.0.1"})
	if _, err := c.ScanConversationParticipants(ctx, scanInput()); err != nil {
		t.Fatal(err)
	}
	emu.FailAction(ActionUserCount, nil)
	if _, err := c.ScanConversationParticipants(ctx, scanInput()); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if !strings.Contains(out, "GetConversationUserCount failed") || strings.Contains(out, "127.0.0.1") || !strings.Contains(out, "***") {
		t.Fatalf("log not masked or empty:\n%.2000s", out)
	}
}

// TestRefusedAndRetryableSplitTheCodes: a call the API refused did nothing
// and is not sent again; a server failure may have done something and is.
func TestRefusedAndRetryableSplitTheCodes(t *testing.T) {
	cases := []struct {
		err              error
		refused, retried bool
	}{
		{&APIError{HTTPStatus: 200, Code: CodeInvalidParam}, true, false},
		{&APIError{HTTPStatus: 400, Code: CodeConversationNotFound}, true, false},
		{fmt.Errorf("wrapped: %w", &APIError{HTTPStatus: 200, Code: CodeOnlyOwnerCanOperator}), true, false},
		{&APIError{HTTPStatus: 200, Code: CodeInternalError}, false, true},
		{&APIError{HTTPStatus: 200, Code: CodeInternalServiceTimeout}, false, true},
		{&APIError{HTTPStatus: 200, Code: CodeFlowLimitExceeded}, false, true},
		{&APIError{HTTPStatus: 503, Code: CodeInvalidParam}, false, true},
		{&APIError{HTTPStatus: 200, Code: CodeInvalidParam, Unreadable: true}, false, false},
		{&APIError{HTTPStatus: 400}, false, false},
		{&TransportError{Action: "CreateConversation", Err: errors.New("reset")}, false, true},
		{errors.New("other"), false, false},
	}
	for _, c := range cases {
		if got := Refused(c.err); got != c.refused {
			t.Errorf("Refused(%v) = %v, want %v", c.err, got, c.refused)
		}
		if got := retryable(c.err); got != c.retried {
			t.Errorf("retryable(%v) = %v, want %v", c.err, got, c.retried)
		}
	}
}
