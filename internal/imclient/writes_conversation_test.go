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

	"github.com/volcrtc/terraform-provider-volcrtc/internal/emulator"
)

func strp(s string) *string { return &s }

func createInput(key string) CreateConversationInput {
	return CreateConversationInput{AppID: emulator.SampleAppID, OwnerUserID: 10001, Type: ConversationTypeGroup,
		Name: strp("ops"), Ext: map[string]string{"team": "infra"}, IdempotentID: key}
}

// requestsOf returns the raw bodies of the recorded calls of action.
func requestsOf(emu *emulator.Server, action string) []string {
	var out []string
	for _, r := range emu.Requests() {
		if r.Action == action {
			out = append(out, r.RawBody)
		}
	}
	return out
}

func TestCreateConversation(t *testing.T) {
	emu, c, _ := emulatorClient(t, emulator.Options{}, nil)
	out, err := c.CreateConversation(context.Background(), createInput("key-1"))
	if err != nil {
		t.Fatal(err)
	}
	if out.Exist || out.ConversationShortID <= 0 || out.ConversationID == "" || out.Info == nil || *out.Info.Name != "ops" ||
		*out.Info.ConversationShortID != out.ConversationShortID {
		t.Fatalf("output %+v", out)
	}
	want := fmt.Sprintf(`{"AppId":%d,"OwnerUserId":10001,"ConversationCoreInfo":{"ConversationType":2,"Name":"ops","Ext":{"team":"infra"}},"InboxType":0,"IdempotentId":"key-1"}`,
		emulator.SampleAppID)
	if got := requestsOf(emu, ActionCreateConversation); len(got) != 1 || got[0] != want {
		t.Fatalf("requests %q, want %q", got, want)
	}
	convs, err := c.BatchGetConversations(context.Background(), BatchGetConversationsInput{AppID: emulator.SampleAppID,
		ConversationShortIDs: []int64{out.ConversationShortID}})
	if err != nil || len(convs) != 1 || *convs[0].OwnerUserID != 10001 || convs[0].Ext["team"] != "infra" {
		t.Fatalf("read back %+v, %v", convs, err)
	}
	again, err := c.CreateConversation(context.Background(), createInput("key-1"))
	if err != nil || !again.Exist || again.ConversationShortID != out.ConversationShortID {
		t.Fatalf("repeat %+v, %v", again, err)
	}
}

func TestCreateConversationRefusesBadInput(t *testing.T) {
	emu, c, _ := emulatorClient(t, emulator.Options{}, nil)
	for name, edit := range map[string]func(*CreateConversationInput){
		"no idempotency key": func(in *CreateConversationInput) { in.IdempotentID = "" },
		"one-to-one":         func(in *CreateConversationInput) { in.Type = 1 },
		"no owner":           func(in *CreateConversationInput) { in.OwnerUserID = 0 },
		"no app":             func(in *CreateConversationInput) { in.AppID = 0 },
	} {
		in := createInput("k")
		edit(&in)
		if _, err := c.CreateConversation(context.Background(), in); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if n := len(emu.Requests()); n != 0 {
		t.Fatalf("%d requests sent for bad input", n)
	}
}

// An answer lost after the API created the conversation (a 502, or the
// connection cut) is retried with the same IdempotentId, which finds it:
// one conversation.
func TestCreateLostAnswerMakesOneConversation(t *testing.T) {
	for name, fault := range map[string]emulator.Fault{"502": emulator.FaultBadGateway, "connection cut": {}} {
		t.Run(name, func(t *testing.T) {
			emu, c, _ := emulatorClient(t, emulator.Options{}, func(c *Config) { c.MaxRetries = 3 })
			emu.LoseAnswers(ActionCreateConversation, 1, fault)
			out, err := c.CreateConversation(context.Background(), createInput("lost"))
			if err != nil {
				t.Fatal(err)
			}
			created := emu.CreatedConversations(emulator.SampleAppID)
			if len(created) != 1 || created[0] != out.ConversationShortID || !out.Exist {
				t.Fatalf("created %v, output %+v", created, out)
			}
			reqs := requestsOf(emu, ActionCreateConversation)
			if len(reqs) != 2 || reqs[0] != reqs[1] || !strings.Contains(reqs[0], `"IdempotentId":"lost"`) {
				t.Fatalf("requests %q", reqs)
			}
		})
	}
}

// A create answer without ConversationShortId cannot be used: it is asked
// once more with the same key, which finds the conversation; when that
// answer is unreadable too, the error says what was wrong.
func TestCreateUnreadableAnswer(t *testing.T) {
	emu, c, _ := emulatorClient(t, emulator.Options{}, nil)
	emu.DropResultField(ActionCreateConversation, 1, "ConversationShortId")
	out, err := c.CreateConversation(context.Background(), createInput("u"))
	if err != nil || !out.Exist {
		t.Fatalf("output %+v, %v", out, err)
	}
	if created := emu.CreatedConversations(emulator.SampleAppID); len(created) != 1 || created[0] != out.ConversationShortID {
		t.Fatalf("created %v", created)
	}

	emu.DropResultField(ActionCreateConversation, 2, "ConversationShortId")
	_, err = c.CreateConversation(context.Background(), createInput("u2"))
	var apiErr *APIError
	if !errors.As(err, &apiErr) || !apiErr.Unreadable || !apiErr.Envelope || !strings.Contains(err.Error(), "no ConversationShortId") ||
		apiErr.RequestID == "" {
		t.Fatalf("err %v", err)
	}
	if created := emu.CreatedConversations(emulator.SampleAppID); len(created) != 2 {
		t.Fatalf("created %v", created)
	}
}

func TestCreateHostileAnswers(t *testing.T) {
	t.Run("HTTP-200 error body", func(t *testing.T) {
		emu, c, _ := emulatorClient(t, emulator.Options{}, nil)
		emu.SetErrorsAsHTTP200(true)
		in := createInput("k")
		in.AppID = 4242 // not an app of the fixtures
		_, err := c.CreateConversation(context.Background(), in)
		var apiErr *APIError
		if !errors.As(err, &apiErr) || apiErr.Code != "AppNotFound" || apiErr.HTTPStatus != 200 {
			t.Fatalf("err %v", err)
		}
	})
	t.Run("redirect", func(t *testing.T) {
		var calls atomic.Int32
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			calls.Add(1)
			w.Header().Set("Location", "http://elsewhere.example/")
			w.WriteHeader(http.StatusTemporaryRedirect)
		}))
		t.Cleanup(srv.Close)
		c := newTestClient(t, srv.URL, func(c *Config) { c.MaxRetries = 3 })
		_, err := c.CreateConversation(context.Background(), createInput("k"))
		var re *RedirectError
		if !errors.As(err, &re) || calls.Load() != 1 {
			t.Fatalf("err %v after %d calls", err, calls.Load())
		}
	})
	t.Run("gateway page", func(t *testing.T) {
		var calls atomic.Int32
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			calls.Add(1)
			w.WriteHeader(http.StatusBadGateway)
			_, _ = w.Write([]byte("<html>502</html>"))
		}))
		t.Cleanup(srv.Close)
		sl := &sleeps{}
		c := newTestClient(t, srv.URL, func(c *Config) { c.MaxRetries, c.Clock = 1, sl })
		_, err := c.CreateConversation(context.Background(), createInput("k"))
		var apiErr *APIError
		if !errors.As(err, &apiErr) || apiErr.HTTPStatus != 502 || calls.Load() != 2 {
			t.Fatalf("err %v after %d calls (MaxRetries 1: two)", err, calls.Load())
		}
	})
	t.Run("oversized body", func(t *testing.T) {
		var calls atomic.Int32
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			calls.Add(1)
			_, _ = w.Write([]byte(`{"ResponseMetadata":{"RequestId":"r"},"Result":{"ConversationShortId":1,"ConversationInfo":{"Name":"`))
			_, _ = w.Write([]byte(strings.Repeat("x", 5<<20)))
			_, _ = w.Write([]byte(`"}}}`))
		}))
		t.Cleanup(srv.Close)
		c := newTestClient(t, srv.URL, nil)
		_, err := c.CreateConversation(context.Background(), createInput("k"))
		var apiErr *APIError
		if !errors.As(err, &apiErr) || !apiErr.Unreadable || !strings.Contains(err.Error(), "larger than") {
			t.Fatalf("err %v", err)
		}
		if n := calls.Load(); n != 2 {
			t.Fatalf("%d calls: an unreadable create answer is asked once more, with the same key", n)
		}
	})
}

func TestModifyConversationSendsOnlyWhatIsSet(t *testing.T) {
	emu, c, _ := emulatorClient(t, emulator.Options{}, nil)
	out, err := c.CreateConversation(context.Background(), createInput("k"))
	if err != nil {
		t.Fatal(err)
	}
	empty := map[string]string{}
	if err := c.ModifyConversation(context.Background(), ModifyConversationInput{AppID: emulator.SampleAppID,
		ConversationShortID: out.ConversationShortID, Notice: strp("read me"), Ext: &empty}); err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf(`{"AppId":%d,"ConversationCoreInfo":{"ConversationShortId":%d,"Notice":"read me","Ext":{}}}`,
		emulator.SampleAppID, out.ConversationShortID)
	if got := requestsOf(emu, ActionModifyConversation); len(got) != 1 || got[0] != want {
		t.Fatalf("requests %q, want %q", got, want)
	}
	st, _ := emu.ConversationState(emulator.SampleAppID, out.ConversationShortID)
	if *st.Name != "ops" || *st.Notice != "read me" || len(st.Ext) != 0 {
		t.Fatalf("state %+v", st)
	}
	// Ownership moves to a member.
	if _, err := c.AddParticipants(context.Background(), ParticipantsInput{AppID: emulator.SampleAppID,
		ConversationShortID: out.ConversationShortID, Operator: 10001, Participants: []ParticipantInfo{{UserID: 20001}}}); err != nil {
		t.Fatal(err)
	}
	owner := int64(20001)
	if err := c.ModifyConversation(context.Background(), ModifyConversationInput{AppID: emulator.SampleAppID,
		ConversationShortID: out.ConversationShortID, OwnerUserID: &owner}); err != nil {
		t.Fatal(err)
	}
	if st, _ := emu.ConversationState(emulator.SampleAppID, out.ConversationShortID); *st.OwnerUserID != 20001 {
		t.Fatalf("owner %d", *st.OwnerUserID)
	}
}

// ModifyConversation and DestroyConversation answer no Result: the API's
// envelope alone is a success, an empty or foreign 200 body is not.
func TestWriteWithoutResult(t *testing.T) {
	for body, ok := range map[string]bool{
		`{"ResponseMetadata":{"RequestId":"r1","Action":"ModifyConversation"}}`:             true,
		`{"ResponseMetadata":{"RequestId":"r1","Action":"ModifyConversation"},"Result":""}`: true,
		`{"ResponseMetadata":{"RequestId":"r1","Action":"ModifyConversation"},"Result":{}}`: true,
		`{}`:              false,
		`<html>ok</html>`: false,
		``:                false,
	} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte(body)) }))
		c := newTestClient(t, srv.URL, nil)
		err := c.ModifyConversation(context.Background(), ModifyConversationInput{AppID: 1, ConversationShortID: 2, Name: strp("n")})
		srv.Close()
		var apiErr *APIError
		if ok && err != nil || !ok && (!errors.As(err, &apiErr) || !apiErr.Unreadable) {
			t.Errorf("body %q: err %v", body, err)
		}
	}
}

func TestDestroyConversation(t *testing.T) {
	emu, c, _ := emulatorClient(t, emulator.Options{}, func(c *Config) { c.MaxRetries = 3 })
	out, err := c.CreateConversation(context.Background(), createInput("k"))
	if err != nil {
		t.Fatal(err)
	}
	err = c.DestroyConversation(context.Background(), emulator.SampleAppID, out.ConversationShortID, 20001)
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.Code != "OnlyOwnerCanOperator" {
		t.Fatalf("destroy by another user: %v", err)
	}
	// The answer is lost after the conversation was dissolved: the retry
	// finds it gone, which is the goal.
	emu.LoseAnswers(ActionDestroyConversation, 1, emulator.FaultBadGateway)
	if err := c.DestroyConversation(context.Background(), emulator.SampleAppID, out.ConversationShortID, 10001); err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf(`{"AppId":%d,"ConversationShortId":%d,"OwnerUserId":10001}`, emulator.SampleAppID, out.ConversationShortID)
	if got := requestsOf(emu, ActionDestroyConversation); len(got) != 3 || got[1] != want || got[2] != want {
		t.Fatalf("requests %q", got)
	}
	if st, _ := emu.ConversationState(emulator.SampleAppID, out.ConversationShortID); *st.Status != 1 {
		t.Fatalf("status %d", *st.Status)
	}
	// Gone before the first attempt: the caller is told.
	err = c.DestroyConversation(context.Background(), emulator.SampleAppID, out.ConversationShortID, 10001)
	if !errors.As(err, &apiErr) || apiErr.Code != "ConversationNotFound" {
		t.Fatalf("destroy of a dissolved conversation: %v", err)
	}
}
