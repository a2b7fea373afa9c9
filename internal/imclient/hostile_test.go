// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package imclient

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/emulator"
)

// A signed call never follows a redirect: the other location gets no
// connection at all, the 3xx is an error naming the status and the
// target's scheme and host (no path or query), and it is not retried.
func TestRedirectsAreNeverFollowed(t *testing.T) {
	for _, status := range []int{301, 302, 307, 308} {
		for _, target := range []string{"another host", "same host, another port"} {
			t.Run(fmt.Sprintf("%d to %s", status, target), func(t *testing.T) {
				var conns atomic.Int32
				second := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
					_, _ = w.Write([]byte(`{"ResponseMetadata":{"RequestId":"evil"},"Result":{"Participants":[]}}`))
				}))
				second.Config.ConnState = func(_ net.Conn, s http.ConnState) {
					if s == http.StateNew {
						conns.Add(1)
					}
				}
				second.Start()
				defer second.Close()
				host := second.Listener.Addr().String() // 127.0.0.1:PORT
				if target == "another host" {
					host = strings.Replace(host, "127.0.0.1", "localhost", 1)
				}
				var firstCalls atomic.Int32
				first := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
					firstCalls.Add(1)
					w.Header().Set("Location", "http://"+host+"/steal?token=abc")
					w.WriteHeader(status)
				}))
				defer first.Close()
				sl := &sleeps{}
				c := newTestClient(t, first.URL, func(c *Config) {
					c.AccessKey, c.SecretKey, c.SessionToken = emulator.SampleSTSAccessKey, emulator.SampleSTSSecretKey, emulator.SampleSTSToken
					c.MaxRetries, c.Clock = 3, sl
				})
				_, err := c.BatchGetConversationParticipant(context.Background(), sampleInput())
				var re *RedirectError
				if !errors.As(err, &re) || re.Status != status {
					t.Fatalf("err %T %v, want a *RedirectError with status %d", err, err, status)
				}
				msg := err.Error()
				if !strings.Contains(msg, fmt.Sprintf("HTTP %d", status)) || !strings.Contains(msg, "http://"+host) ||
					strings.Contains(msg, "steal") || strings.Contains(msg, "abc") {
					t.Fatalf("message %q must name the status and http://%s, and nothing of the path or query", msg, host)
				}
				if n := conns.Load(); n != 0 {
					t.Fatalf("the redirect target received %d connection(s)", n)
				}
				if n := firstCalls.Load(); n != 1 || len(sl.got()) != 0 {
					t.Fatalf("a redirect was retried: %d calls, sleeps %v", n, sl.got())
				}
			})
		}
	}
}

// endless answers a JSON prefix followed by n bytes of padding.
func endless(n int) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte(`{"ResponseMetadata":{"RequestId":"r"},"Result":{"Participants":[{"ParticipantUserId":1,"NickName":"`))
		chunk := []byte(strings.Repeat("a", 1<<20))
		for sent := 0; sent < n; sent += len(chunk) {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	}
}

// A response is capped by what its request can legitimately return, while
// it is read, and the error names the cap.
func TestBodyCapFollowsTheRequest(t *testing.T) {
	if got := bodyLimit(1); got != minBodyLimit {
		t.Fatalf("bodyLimit(1) = %d, want the floor %d", got, minBodyLimit)
	}
	if got := bodyLimit(1000); got != 1000*bodyPerItem {
		t.Fatalf("bodyLimit(1000) = %d", got)
	}
	if minBodyLimit > 8<<20 || 100*bodyPerItem > 8<<20 {
		t.Fatalf("a 100-ID call may read up to %d bytes; a real answer is tens of KB", max(minBodyLimit, 100*bodyPerItem))
	}
	var written atomic.Int64
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cw := &countingWriter{ResponseWriter: w, n: &written}
		endless(100<<20)(cw, r)
	}))
	defer ts.Close()
	_, err := newTestClient(t, ts.URL, nil).BatchGetConversationParticipant(context.Background(), sampleInput())
	var apiErr *APIError
	want := fmt.Sprintf("larger than the %d MiB", bodyLimit(3)>>20)
	if !errors.As(err, &apiErr) || !strings.Contains(err.Error(), want) || !apiErr.Unreadable {
		t.Fatalf("err %v, want one naming %q", err, want)
	}
	// The client stopped reading: the server could not push the whole
	// 100 MB through the connection's buffers.
	time.Sleep(50 * time.Millisecond)
	if n := written.Load(); n >= 100<<20 {
		t.Fatalf("the whole oversized body (%d bytes) was taken", n)
	}
}

type countingWriter struct {
	http.ResponseWriter
	n *atomic.Int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.ResponseWriter.Write(p)
	c.n.Add(int64(n))
	return n, err
}

// API-supplied text reaches errors and logs with its control characters
// escaped; printable Unicode stays as it is.
func TestControlCharactersAreEscaped(t *testing.T) {
	cases := map[string]struct {
		status int
		body   string
	}{
		"error fields": {400, `{"ResponseMetadata":{"RequestId":"r\u001b[1A","Error":{"Code":"Bad\u001b[2J","Message":"成员\r\u001b]0;owned\u0007Apply complete!\n\u009b"}}}`},
		"body snippet": {502, "<html>\x1b[2J\x1b]0;owned\x07\rApply complete! 成员</html>"},
		"not JSON":     {200, "\x1b[31mOK\x1b[0m"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				w.WriteHeader(tc.status)
				_, _ = w.Write([]byte(tc.body))
			}))
			defer ts.Close()
			_, err := newTestClient(t, ts.URL, nil).BatchGetConversationParticipant(context.Background(), sampleInput())
			if err == nil {
				t.Fatal("no error")
			}
			var apiErr *APIError
			if !errors.As(err, &apiErr) {
				t.Fatalf("err %T", err)
			}
			for _, s := range []string{err.Error(), apiErr.Code, apiErr.Message, apiErr.RequestID} {
				assertPrintable(t, s)
			}
			if !strings.Contains(err.Error(), `\x1b`) {
				t.Errorf("escape not shown as \\x1b: %q", err.Error())
			}
			if strings.Contains(tc.body, "成员") && !strings.Contains(err.Error(), "成员") {
				t.Errorf("printable Unicode lost: %q", err.Error())
			}
		})
	}
}

func assertPrintable(t *testing.T, s string) {
	t.Helper()
	for _, r := range s {
		if r < 0x20 || (r >= 0x7f && r < 0xa0) {
			t.Fatalf("control character %U reaches the user: %q", r, s)
		}
	}
}

// Errors that cannot succeed on another attempt are not retried: a header
// value Go refuses to send, a certificate this machine does not trust.
func TestPermanentTransportErrorsAreNotRetried(t *testing.T) {
	t.Run("invalid header value", func(t *testing.T) {
		emu, c, sl := emulatorClient(t, emulator.Options{}, func(c *Config) {
			c.AccessKey, c.SecretKey, c.SessionToken = emulator.SampleSTSAccessKey, emulator.SampleSTSSecretKey, emulator.SampleSTSToken+"\r\n"
			c.MaxRetries = 3
		})
		_, err := c.BatchGetConversationParticipant(context.Background(), sampleInput())
		var te *TransportError
		if !errors.As(err, &te) || te.Attempts != 1 || !te.Permanent || len(sl.got()) != 0 || len(emu.Requests()) != 0 {
			t.Fatalf("err %v, sleeps %v", err, sl.got())
		}
	})
	t.Run("untrusted certificate", func(t *testing.T) {
		var calls atomic.Int32
		ts := httptest.NewTLSServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { calls.Add(1) }))
		defer ts.Close()
		sl := &sleeps{}
		c := newTestClient(t, ts.URL, func(c *Config) { c.MaxRetries = 3; c.Clock = sl })
		_, err := c.BatchGetConversationParticipant(context.Background(), sampleInput())
		var te *TransportError
		if !errors.As(err, &te) || te.Attempts != 1 || !te.Permanent || len(sl.got()) != 0 || !strings.Contains(err.Error(), "certificate") {
			t.Fatalf("err %v, sleeps %v", err, sl.got())
		}
	})
}

// Fields the API leaves out stay nil, including the ones the SDK's struct
// declares as plain integers (Role, Operator).
func TestOmittedFieldsStayNil(t *testing.T) {
	var p Participant
	if err := json.Unmarshal([]byte(`{"ParticipantUserId":5}`), &p); err != nil {
		t.Fatal(err)
	}
	if p.ParticipantUserID == nil || *p.ParticipantUserID != 5 || p.Role != nil || p.Operator != nil || p.ConversationShortID != nil ||
		p.Level != nil || p.Status != nil || p.NickName != nil || p.CreateTime != nil || p.BlockTime != nil || p.Ext != nil {
		t.Fatalf("%+v", p)
	}
}

// With the emulator capping calls at 30 IDs and the default batch of 100,
// the first read splits refused batches, finds 30 and reads everything;
// later reads use 30 from the start. The notice comes once.
func TestBatchSizeAdapts(t *testing.T) {
	emu, c, _ := emulatorClient(t, emulator.Options{MaxIDsPerCall: 30, RateLimit: -1}, nil)
	in := sampleInput()
	in.UserIDs = append(ids(1997), emulator.SampleBigUserID, 10002, 10003)
	ps, err := c.BatchGetConversationParticipant(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) != 3 {
		t.Fatalf("%d participants, want 3", len(ps))
	}
	// 100 and 50 refused, 25 works; 37 and 31 refused, 28, 29 and 30 work;
	// then the remaining 1888 IDs in 63 calls.
	st := emu.Stats()
	if st.Total != 71 || st.OK != 67 {
		t.Fatalf("stats %+v, want 71 calls of which 67 succeeded", st)
	}
	asked := map[int64]int{}
	for _, r := range emu.Requests() {
		if r.Status == 200 {
			for _, id := range r.Body.ParticipantUserIDs {
				asked[id]++
			}
		}
	}
	for _, id := range in.UserIDs {
		if asked[id] != 1 {
			t.Fatalf("ID %d was read %d times", id, asked[id])
		}
	}
	size, ok := c.TakeBatchSizeNotice(ActionBatchGetParticipants)
	if !ok || size != 30 {
		t.Fatalf("notice %d %v, want 30", size, ok)
	}
	if _, again := c.TakeBatchSizeNotice(ActionBatchGetParticipants); again {
		t.Fatal("the notice came twice")
	}
	emu.ResetRequests()
	if _, err := c.BatchGetConversationParticipant(context.Background(), in); err != nil {
		t.Fatal(err)
	}
	if n := len(emu.Requests()); n != 67 {
		t.Fatalf("second read made %d calls, want 67", n)
	}
}

// A refused single ID cannot be split: the error stays, with the size of
// the call that failed.
func TestBatchSizeCannotGoBelowOne(t *testing.T) {
	emu, c, _ := emulatorClient(t, emulator.Options{}, func(c *Config) { c.MaxBatchSize = 4 })
	emu.FailNext(10, emulator.Fault{Status: 400, Code: "ConversationParticipantsMoreThanLimit", Message: "too many"})
	_, err := c.BatchGetConversationParticipant(context.Background(), sampleInput())
	var apiErr *APIError
	if !errors.As(err, &apiErr) || !apiErr.TooManyIDs() || apiErr.BatchSize != 1 {
		t.Fatalf("err %v", err)
	}
	// 3 refused, then 2 refused, then 1 refused.
	if n := len(emu.Requests()); n != 3 {
		t.Fatalf("%d calls", n)
	}
}

// At max_qps 100 the 101st call leaves no earlier than one second plus a
// guard after the first, so arrival jitter at the API cannot put 101 calls
// in one of its one-second windows.
func TestWindowGuardAbsorbsArrivalJitter(t *testing.T) {
	clock := &fakeClock{now: time.Unix(1000, 0)}
	start := clock.Now()
	c := newTestClient(t, "http://127.0.0.1:1/", func(c *Config) {
		c.MaxQPS = 100
		c.BudgetScope = ScopeProcess
		c.Clock = clock
	})
	b := c.budgetOf(ActionBatchGetParticipants)
	for i := 0; i < 101; i++ {
		at, err := b.wait(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		b.wrote(context.Background(), at)
	}
	if got := clock.Now().Sub(start); got < time.Second+15*time.Millisecond || got > time.Second+50*time.Millisecond {
		t.Fatalf("101st call sent %v after the first; want a guard of 15 to 50 ms past one second", got)
	}
}

// A batch size the user chose is not probed: every batch goes out at
// once. If the API refuses it anyway, calls are still split and the read
// succeeds.
func TestTrustedBatchSize(t *testing.T) {
	emu, c, _ := emulatorClient(t, emulator.Options{MaxIDsPerCall: 30, RateLimit: -1, Latency: 20 * time.Millisecond},
		func(c *Config) { c.MaxBatchSize, c.TrustBatchSize, c.Concurrency = 30, true, 4 })
	in := sampleInput()
	in.UserIDs = ids(120)
	peak := 0
	done := make(chan struct{})
	go func() {
		defer close(done)
		for emu.Stats().Total < 4 {
			peak = max(peak, emu.InFlight())
			time.Sleep(time.Millisecond)
		}
	}()
	if _, err := c.BatchGetConversationParticipant(context.Background(), in); err != nil {
		t.Fatal(err)
	}
	<-done
	if st := emu.Stats(); st.Total != 4 || st.OK != 4 || peak < 2 {
		t.Fatalf("stats %+v, %d in flight at most: want four calls of 30 sent together", st, peak)
	}
	_, c2, _ := emulatorClient(t, emulator.Options{MaxIDsPerCall: 10, RateLimit: -1},
		func(c *Config) { c.MaxBatchSize, c.TrustBatchSize = 40, true })
	in.UserIDs = append(ids(37), emulator.SampleBigUserID, 10002, 10003)
	ps, err := c2.BatchGetConversationParticipant(context.Background(), in)
	if err != nil || len(ps) != 3 {
		t.Fatalf("refused trusted size: %v, %d members", err, len(ps))
	}
}
