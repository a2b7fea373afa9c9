// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/volcengine/volc-sdk-golang/base"
)

type call struct {
	ak, sk, token, region string
	action, version       string
	body                  string
	tamper                func(*http.Request)
}

func defaultCall() call {
	return call{
		ak: SampleAccessKey, sk: SampleSecretKey, region: "cn-north-1",
		action: "BatchGetConversationParticipant", version: "2020-12-01",
		body: `{"AppId":100001,"ConversationShortId":7000000000000000001,"ParticipantUserIds":[9007199254740993,10001,555]}`,
	}
}

type reply struct {
	status int
	header http.Header
	meta   struct {
		RequestID string `json:"RequestId"`
		Error     *struct {
			CodeN   int
			Code    string
			Message string
		}
	}
	participants []map[string]json.RawMessage
	raw          string
}

// do signs c with the vendor SDK and sends it to srv.
func do(t *testing.T, srv *httptest.Server, c call) reply {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, srv.URL+"/?Action="+c.action+"&Version="+c.version, strings.NewReader(c.body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	base.Credentials{AccessKeyID: c.ak, SecretAccessKey: c.sk, SessionToken: c.token, Region: c.region, Service: "rtc"}.Sign(req)
	if c.tamper != nil {
		c.tamper(req)
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	b, _ := io.ReadAll(resp.Body)
	var out struct {
		ResponseMetadata json.RawMessage
		Result           *struct{ Participants []map[string]json.RawMessage }
	}
	r := reply{status: resp.StatusCode, header: resp.Header, raw: string(b)}
	if resp.Header.Get("Content-Type") != "application/json" {
		return r // a fault that imitates a proxy's page
	}
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatalf("response is not JSON: %v: %s", err, b)
	}
	if err := json.Unmarshal(out.ResponseMetadata, &r.meta); err != nil {
		t.Fatal(err)
	}
	if out.Result != nil {
		r.participants = out.Result.Participants
	}
	return r
}

func newServer(t *testing.T, opts Options) (*Server, *httptest.Server) {
	t.Helper()
	s, err := New(Sample(), opts)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	return s, ts
}

func TestServeMembersInConversationOrder(t *testing.T) {
	s, ts := newServer(t, Options{})
	r := do(t, ts, defaultCall())
	if r.status != 200 || r.meta.Error != nil {
		t.Fatalf("status %d: %s", r.status, r.raw)
	}
	// Fixture order is 10001 then the big ID; 555 is not a member.
	if len(r.participants) != 2 {
		t.Fatalf("got %d participants: %s", len(r.participants), r.raw)
	}
	if got := string(r.participants[0]["ParticipantUserId"]); got != "10001" {
		t.Errorf("first = %s", got)
	}
	if got := string(r.participants[1]["ParticipantUserId"]); got != "9007199254740993" {
		t.Errorf("second = %s, want the exact big ID", got)
	}
	if got := string(r.participants[1]["ConversationShortId"]); got != "7000000000000000001" {
		t.Errorf("conversation = %s", got)
	}
	reqs := s.Requests()
	if len(reqs) != 1 {
		t.Fatalf("recorded %d requests", len(reqs))
	}
	q := reqs[0]
	if q.AccessKey != SampleAccessKey || q.SigningRegion != "cn-north-1" || q.Service != "rtc" || q.Status != 200 ||
		*q.Body.AppID != 100001 || *q.Body.ConversationShortID != SampleConversationID ||
		len(q.Body.ParticipantUserIDs) != 3 || q.Body.ParticipantUserIDs[0] != SampleBigUserID || q.RequestID != r.meta.RequestID {
		t.Errorf("recorded %+v", q)
	}
}

func TestRejections(t *testing.T) {
	cases := []struct {
		name   string
		edit   func(*call)
		opts   Options
		status int
		code   string
		codeN  int
	}{
		{"wrong secret", func(c *call) { c.sk = "nope" }, Options{}, 401, "SignatureDoesNotMatch", 100010},
		{"unknown key", func(c *call) { c.ak = "AKLTUNKNOWN" }, Options{}, 401, "InvalidAccessKey", 100009},
		{"no authorization", func(c *call) {
			c.tamper = func(r *http.Request) { r.Header.Del("Authorization") }
		}, Options{}, 401, "MissingAuthenticationToken", 100003},
		{"garbled authorization", func(c *call) {
			c.tamper = func(r *http.Request) { r.Header.Set("Authorization", "HMAC-SHA256 nonsense") }
		}, Options{}, 401, "MissingSignature", 100005},
		{"body changed after signing", func(c *call) {
			c.tamper = func(r *http.Request) {
				b := []byte(strings.Replace(c.body, "10001", "10002", 1))
				r.Body, r.ContentLength = io.NopCloser(bytes.NewReader(b)), int64(len(b))
				r.Header.Del("X-Content-Sha256")
			}
		}, Options{}, 401, "SignatureDoesNotMatch", 100010},
		{"signed header changed", func(c *call) {
			c.tamper = func(r *http.Request) { r.Header.Set("Content-Type", "text/plain") }
		}, Options{}, 401, "SignatureDoesNotMatch", 100010},
		{"clock ahead", func(*call) {}, Options{Now: func() time.Time { return time.Now().Add(16 * time.Minute) }}, 400, "InvalidTimestamp", 100006},
		{"clock behind", func(*call) {}, Options{Now: func() time.Time { return time.Now().Add(-16 * time.Minute) }}, 400, "InvalidTimestamp", 100006},
		{"wrong region", func(c *call) { c.region = "ap-southeast-1" }, Options{Region: "cn-north-1"}, 401, "SignatureDoesNotMatch", 100010},
		{"wrong action", func(c *call) { c.action = "ListUsers" }, Options{}, 404, "InvalidActionOrVersion", 100008},
		{"wrong version", func(c *call) { c.version = "2023-01-01" }, Options{}, 404, "InvalidActionOrVersion", 100008},
		{"temporary key without token", func(c *call) { c.ak, c.sk = SampleSTSAccessKey, SampleSTSSecretKey }, Options{}, 401, "MissingAuthenticationToken", 100003},
		{"wrong token", func(c *call) { c.ak, c.sk, c.token = SampleSTSAccessKey, SampleSTSSecretKey, "other" }, Options{}, 401, "InvalidAccessKey", 100009},
		{"unknown app", func(c *call) { c.body = `{"AppId":7,"ConversationShortId":42,"ParticipantUserIds":[1]}` }, Options{}, 400, "AppNotFound", 0},
		{"unknown conversation", func(c *call) { c.body = `{"AppId":100001,"ConversationShortId":43,"ParticipantUserIds":[1]}` }, Options{}, 400, "ConversationNotFound", 0},
		{"empty id list", func(c *call) { c.body = `{"AppId":100001,"ConversationShortId":42,"ParticipantUserIds":[]}` }, Options{}, 400, "InvalidParam", 0},
		{"app id above int32", func(c *call) { c.body = `{"AppId":2147483648,"ConversationShortId":42,"ParticipantUserIds":[1]}` }, Options{}, 400, "InvalidParam", 0},
		{"id as float", func(c *call) { c.body = `{"AppId":100001,"ConversationShortId":42,"ParticipantUserIds":[1.5]}` }, Options{}, 400, "JsonParsingError", 0},
		{"business status is configurable", func(c *call) { c.body = `{"AppId":7,"ConversationShortId":42,"ParticipantUserIds":[1]}` }, Options{BusinessErrorStatus: 200}, 200, "AppNotFound", 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, ts := newServer(t, tc.opts)
			c := defaultCall()
			tc.edit(&c)
			r := do(t, ts, c)
			if r.status != tc.status || r.meta.Error == nil || r.meta.Error.Code != tc.code || r.meta.Error.CodeN != tc.codeN {
				t.Fatalf("got %d %s, want %d %s (%d)", r.status, r.raw, tc.status, tc.code, tc.codeN)
			}
			if r.meta.RequestID == "" || r.meta.Error.Message == "" || r.participants != nil {
				t.Errorf("error body incomplete: %s", r.raw)
			}
			if got := s.Requests()[0]; got.Code != tc.code || got.Status != tc.status {
				t.Errorf("recorded %s %d", got.Code, got.Status)
			}
		})
	}
}

func TestSessionTokenAccepted(t *testing.T) {
	s, ts := newServer(t, Options{})
	c := defaultCall()
	c.ak, c.sk, c.token = SampleSTSAccessKey, SampleSTSSecretKey, SampleSTSToken
	if r := do(t, ts, c); r.status != 200 || len(r.participants) != 2 {
		t.Fatalf("%d %s", r.status, r.raw)
	}
	got := s.Requests()[0]
	if got.SessionToken != SampleSTSToken || !strings.Contains(strings.Join(got.SignedHeaders, ";"), "x-security-token") {
		t.Errorf("recorded %+v", got)
	}
}

func TestErrorsAsHTTP200AndPersistentFault(t *testing.T) {
	s, ts := newServer(t, Options{})
	s.SetErrorsAsHTTP200(true)
	s.SetFault(&Fault{Status: 403, Code: "AccessDenied", CodeN: 100013, Message: "denied"})
	r := do(t, ts, defaultCall())
	if r.status != 200 || r.meta.Error == nil || r.meta.Error.Code != "AccessDenied" || r.participants != nil {
		t.Fatalf("%d %s", r.status, r.raw)
	}
	s.SetErrorsAsHTTP200(false)
	if r := do(t, ts, defaultCall()); r.status != 403 {
		t.Fatalf("%d %s", r.status, r.raw)
	}
	s.SetFault(nil)
	if r := do(t, ts, defaultCall()); r.status != 200 || r.meta.Error != nil {
		t.Fatalf("%d %s", r.status, r.raw)
	}
	if n := len(s.Requests()); n != 3 {
		t.Fatalf("recorded %d", n)
	}
	s.ResetRequests()
	if n := len(s.Requests()); n != 0 {
		t.Fatalf("recorded %d after reset", n)
	}
}

func TestInvalidFixtures(t *testing.T) {
	for name, fx := range map[string]Fixtures{
		"dup key":    {Credentials: []Credential{{AccessKey: "a", SecretKey: "b"}, {AccessKey: "a", SecretKey: "c"}}},
		"empty key":  {Credentials: []Credential{{AccessKey: "a"}}},
		"dup app":    {Apps: []App{{AppID: 1}, {AppID: 1}}},
		"dup conv":   {Apps: []App{{AppID: 1, Conversations: []Conversation{{ConversationShortID: 2}, {ConversationShortID: 2}}}}},
		"dup member": {Apps: []App{{AppID: 1, Conversations: []Conversation{{ConversationShortID: 2, Participants: []Participant{{ParticipantUserID: 3}, {ParticipantUserID: 3}}}}}}},
	} {
		if _, err := New(fx, Options{}); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
