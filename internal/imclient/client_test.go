// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package imclient

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/emulator"
	"github.com/volcrtc/terraform-provider-volcrtc/internal/emulator/emulatortest"
)

func newTestClient(t *testing.T, url string, edit func(*Config)) *Client {
	t.Helper()
	// Tests pace themselves alone unless they test the machine's budget.
	cfg := Config{AccessKey: emulator.SampleAccessKey, SecretKey: emulator.SampleSecretKey, Endpoint: url, UserAgent: "test-agent/1",
		BudgetScope: ScopeProcess}
	if edit != nil {
		edit(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func sampleInput() BatchGetParticipantsInput {
	return BatchGetParticipantsInput{AppID: emulator.SampleAppID, ConversationShortID: emulator.SampleConversationID,
		UserIDs: []int64{emulator.SampleBigUserID, 10002, 404}}
}

func TestAgainstEmulator(t *testing.T) {
	emu, url := emulatortest.Start(t, emulator.Sample(), emulator.Options{Region: "ap-southeast-1"})
	c := newTestClient(t, url, func(c *Config) { c.Region = "ap-southeast-1" })

	ps, err := c.BatchGetConversationParticipant(context.Background(), sampleInput())
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) != 2 || *ps[0].ParticipantUserID != emulator.SampleBigUserID || *ps[0].ConversationShortID != emulator.SampleConversationID ||
		*ps[1].ParticipantUserID != 10002 {
		t.Fatalf("participants %+v", ps)
	}
	if p := ps[1]; p.NickName != nil || p.Level != nil || p.Status != nil || p.CreateTime != nil || p.BlockTime != nil || p.Ext != nil {
		t.Errorf("absent optional fields must stay nil: %+v", p)
	}
	if p := ps[0]; p.NickName == nil || *p.NickName != "Ada" || p.Ext["s:from"] != "biz" || *p.Level != 20 {
		t.Errorf("optional fields: %+v", p)
	}
	req := emu.Requests()[0]
	if req.UserAgent != "test-agent/1" || req.SigningRegion != "ap-southeast-1" || req.RawBody !=
		`{"AppId":100001,"ConversationShortId":7000000000000000001,"ParticipantUserIds":[9007199254740993,10002,404]}` {
		t.Errorf("request %+v", req)
	}
}

func TestSessionTokenIsSent(t *testing.T) {
	emu, url := emulatortest.Start(t, emulator.Sample(), emulator.Options{})
	c := newTestClient(t, url, func(c *Config) {
		c.AccessKey, c.SecretKey, c.SessionToken = emulator.SampleSTSAccessKey, emulator.SampleSTSSecretKey, emulator.SampleSTSToken
	})
	if _, err := c.BatchGetConversationParticipant(context.Background(), sampleInput()); err != nil {
		t.Fatal(err)
	}
	if got := emu.Requests()[0].SessionToken; got != emulator.SampleSTSToken {
		t.Fatalf("token %q", got)
	}
}

func TestErrorDecoding(t *testing.T) {
	cases := []struct {
		name   string
		status int
		body   string
		want   APIError
	}{
		{"HTTP 200 with Error (the SDK's blind spot)", 200,
			`{"ResponseMetadata":{"RequestId":"r1","Error":{"Code":"ConversationNotFound","Message":"no such conversation"}}}`,
			APIError{HTTPStatus: 200, Code: "ConversationNotFound", Message: "no such conversation", RequestID: "r1"}},
		{"gateway error", 401,
			`{"ResponseMetadata":{"RequestId":"r2","Error":{"CodeN":100010,"Code":"SignatureDoesNotMatch","Message":"bad sig"}}}`,
			APIError{HTTPStatus: 401, Code: "SignatureDoesNotMatch", CodeN: 100010, Message: "bad sig", RequestID: "r2"}},
		{"HTML from a proxy", 502, "<html><body>Bad Gateway</body></html>",
			APIError{Unreadable: true, HTTPStatus: 502, Message: "unexpected response: <html><body>Bad Gateway</body></html>"}},
		{"empty 5xx", 503, "",
			APIError{Unreadable: true, HTTPStatus: 503, Message: "unexpected response: (empty body)"}},
		{"non-JSON 200", 200, "OK",
			APIError{Unreadable: true, HTTPStatus: 200, Message: "response is not valid JSON: OK"}},
		{"200 without Result", 200, `{"ResponseMetadata":{"RequestId":"r3"}}`,
			APIError{Unreadable: true, HTTPStatus: 200, RequestID: "r3", Message: "response has neither Result nor ResponseMetadata.Error"}},
		{"Result of the wrong type", 200, `{"ResponseMetadata":{"RequestId":"r4"},"Result":{"Participants":"x"}}`,
			APIError{Unreadable: true, Envelope: true, HTTPStatus: 200, RequestID: "r4", Message: "cannot decode Result: json: cannot unmarshal string into Go struct field batchGetResult.Participants of type []imclient.Participant"}},
		{"error with empty code on 4xx", 403, `{"ResponseMetadata":{"RequestId":"r5","Error":{"Message":"nope"}}}`,
			APIError{HTTPStatus: 403, RequestID: "r5", Message: "nope"}},
		{"empty error object on 5xx", 500, `{"ResponseMetadata":{"RequestId":"r6","Error":{}}}`,
			APIError{HTTPStatus: 500, RequestID: "r6", Message: "the API reported an error without a code or message"}},
		{"truncated JSON", 200, `{"ResponseMetadata":{"RequestId":"r7"},"Result":{"Participants":[{"Partici`,
			APIError{Unreadable: true, HTTPStatus: 200, Message: `response is not valid JSON: {"ResponseMetadata":{"RequestId":"r7"},"Result":{"Participants":[{"Partici`}},
		{"empty body with 200", 200, "",
			APIError{Unreadable: true, HTTPStatus: 200, Message: "response is not valid JSON: (empty body)"}},
		{"both Error and Result", 200, `{"ResponseMetadata":{"RequestId":"r8","Error":{"Code":"InternalError","Message":"half done"}},"Result":{"Participants":[{"ParticipantUserId":1}]}}`,
			APIError{HTTPStatus: 200, Code: "InternalError", Message: "half done", RequestID: "r8"}},
		{"ID beyond int64", 200, `{"ResponseMetadata":{"RequestId":"r9"},"Result":{"Participants":[{"ParticipantUserId":9223372036854775808}]}}`,
			APIError{Unreadable: true, Envelope: true, HTTPStatus: 200, RequestID: "r9", Message: "cannot decode Result: json: cannot unmarshal number 9223372036854775808 into Go struct field Participant.Participants.ParticipantUserId of type int64"}},
		{"Ext with a non-string value", 200, `{"ResponseMetadata":{"RequestId":"r10"},"Result":{"Participants":[{"ParticipantUserId":1,"Ext":{"n":1}}]}}`,
			APIError{Unreadable: true, Envelope: true, HTTPStatus: 200, RequestID: "r10", Message: "cannot decode Result: json: cannot unmarshal number into Go struct field Participant.Participants.Ext of type string"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				w.WriteHeader(tc.status)
				_, _ = w.Write([]byte(tc.body))
			}))
			defer ts.Close()
			_, err := newTestClient(t, ts.URL, nil).BatchGetConversationParticipant(context.Background(), sampleInput())
			var got *APIError
			if !errors.As(err, &got) {
				t.Fatalf("error %T %v, want *APIError", err, err)
			}
			tc.want.Action, tc.want.Attempts, tc.want.BatchSize = "BatchGetConversationParticipant", 1, 3
			if *got != tc.want {
				t.Fatalf("got  %#v\nwant %#v", *got, tc.want)
			}
		})
	}
}

// A success whose Participants is null or empty means no member was found.
func TestNullParticipantsIsEmpty(t *testing.T) {
	for _, body := range []string{
		`{"ResponseMetadata":{"RequestId":"r"},"Result":{"Participants":null}}`,
		`{"ResponseMetadata":{"RequestId":"r"},"Result":{}}`,
		`{"ResponseMetadata":{"RequestId":"r"},"Result":{"Participants":[]}}`,
	} {
		ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte(body)) }))
		ps, err := newTestClient(t, ts.URL, nil).BatchGetConversationParticipant(context.Background(), sampleInput())
		ts.Close()
		if err != nil || len(ps) != 0 {
			t.Errorf("%s: %v %v", body, ps, err)
		}
	}
}

func TestErrorMessage(t *testing.T) {
	e := &APIError{Action: "BatchGetConversationParticipant", HTTPStatus: 401, Code: "SignatureDoesNotMatch", CodeN: 100010, Message: "bad sig", RequestID: "r2"}
	if got, want := e.Error(), "BatchGetConversationParticipant failed: SignatureDoesNotMatch (100010): bad sig [HTTP 401, RequestId r2]"; got != want {
		t.Fatalf("got %q", got)
	}
}

func TestTransportError(t *testing.T) {
	ts := httptest.NewServer(http.NotFoundHandler())
	url := ts.URL
	ts.Close()
	_, err := newTestClient(t, url, nil).BatchGetConversationParticipant(context.Background(), sampleInput())
	var apiErr *APIError
	if err == nil || errors.As(err, &apiErr) || !strings.Contains(err.Error(), "calling BatchGetConversationParticipant") {
		t.Fatalf("err %v", err)
	}
}

func TestOversizedBody(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		chunk := []byte(strings.Repeat(" ", 1<<20))
		for i := 0; i <= 64; i++ {
			_, _ = w.Write(chunk)
		}
	}))
	defer ts.Close()
	_, err := newTestClient(t, ts.URL, nil).BatchGetConversationParticipant(context.Background(), sampleInput())
	var apiErr *APIError
	if !errors.As(err, &apiErr) || !strings.Contains(apiErr.Message, "larger than") {
		t.Fatalf("err %v", err)
	}
}

func TestNewValidates(t *testing.T) {
	for name, cfg := range map[string]Config{
		"no key":         {SecretKey: "s"},
		"no secret":      {AccessKey: "a"},
		"unknown region": {AccessKey: "a", SecretKey: "s", Region: "mars-1"},
		"bad scheme":     {AccessKey: "a", SecretKey: "s", Endpoint: "ftp://x"},
		"no host":        {AccessKey: "a", SecretKey: "s", Endpoint: "http://"},
		"query":          {AccessKey: "a", SecretKey: "s", Endpoint: "http://h/?a=b"},
		"relative":       {AccessKey: "a", SecretKey: "s", Endpoint: "localhost:8080"},
	} {
		if _, err := New(cfg); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	for region, want := range map[string]string{
		"":               "https://rtc.volcengineapi.com/",
		"cn-north-1":     "https://rtc.volcengineapi.com/",
		"ap-southeast-1": "https://open-ap-singapore-1.volcengineapi.com/",
	} {
		c, err := New(Config{AccessKey: "a", SecretKey: "s", Region: region})
		if err != nil || c.Endpoint() != want {
			t.Errorf("region %q: %v %v", region, c, err)
		}
	}
}
