// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package imclient

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflogtest"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/testutil"
)

// leakedToken is the token a hostile answer carries where it must not be
// read: a gateway's page quoting the upstream's answer, or an answer cut
// short right after it.
const leakedToken = "tok-3f9a1c7e5b2d4a6f8e0c1b3d5f7a9e2c"

// An answer to GetAppToken is never excerpted, in the error or in the log
// (TRACE included): the message says what was wrong, the status and the
// size. A 502 page quoting the token is retried and still shown nowhere.
func TestAppTokenAnswersAreNeverExcerpted(t *testing.T) {
	page := "<html><body><h1>502 Bad Gateway</h1><pre>upstream answered: " +
		`{"ResponseMetadata":{"RequestId":"up-1"},"Result":{"Token":"` + leakedToken + `"}}</pre></body></html>`
	cut := `{"ResponseMetadata":{"RequestId":"r-cut"},"Result":{"Token":"` + leakedToken + `"`
	for name, tc := range map[string]struct {
		status   int
		body     string
		attempts int
		message  string
	}{
		"502 page with the token": {502, page, 4,
			fmt.Sprintf("unexpected response: %d bytes, not shown: the answers of this action hold a login token", len(page))},
		"200 cut short after the token": {200, cut, 1,
			fmt.Sprintf("response is not valid JSON: %d bytes, not shown: the answers of this action hold a login token", len(cut))},
		"200 page with the token": {200, page, 1,
			fmt.Sprintf("response is not valid JSON: %d bytes, not shown: the answers of this action hold a login token", len(page))},
	} {
		t.Run(name, func(t *testing.T) {
			var calls atomic.Int32
			ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				calls.Add(1)
				w.WriteHeader(tc.status)
				_, _ = w.Write([]byte(tc.body))
			}))
			defer ts.Close()
			var buf testutil.SyncBuffer
			ctx := tflogtest.RootLogger(context.Background(), &buf)
			c := newTestClient(t, ts.URL, func(c *Config) {
				c.MaxRetries = 3
				c.Clock = &sleeps{}
			})
			token, err := c.GetAppToken(ctx, AppTokenInput{AppID: 1, UserID: 5, ExpiresAt: time.Now().Add(time.Hour)})
			var apiErr *APIError
			if token != "" || !errors.As(err, &apiErr) || !apiErr.Unreadable || apiErr.HTTPStatus != tc.status ||
				apiErr.Message != tc.message || int(calls.Load()) != tc.attempts {
				t.Fatalf("token %q, %d calls, err %v", token, calls.Load(), err)
			}
			log := buf.String()
			if !strings.Contains(log, "volcrtc API error") {
				t.Fatalf("the log lacks the client's lines; it proves nothing:\n%s", log)
			}
			for where, text := range map[string]string{"error": err.Error(), "log": log} {
				if strings.Contains(text, leakedToken) || strings.Contains(text, leakedToken[:12]) {
					t.Errorf("the token is in the %s:\n%s", where, text)
				}
			}
		})
	}
}

// Other actions' answers are still excerpted: the excerpt is what tells a
// user that endpoint points at a proxy's page.
func TestOtherAnswersAreExcerpted(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(502)
		_, _ = w.Write([]byte("<html>502 Bad Gateway</html>"))
	}))
	defer ts.Close()
	_, err := newTestClient(t, ts.URL, nil).BatchGetConversationParticipant(context.Background(), sampleInput())
	if err == nil || !strings.Contains(err.Error(), "unexpected response: <html>502 Bad Gateway</html>") {
		t.Fatalf("err %v", err)
	}
}
