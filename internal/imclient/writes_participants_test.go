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
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/emulator"
)

// newGroup creates a group owned by 10001 and returns its short ID.
func newGroup(t *testing.T, c *Client) int64 {
	t.Helper()
	out, err := c.CreateConversation(context.Background(), createInput("group-"+t.Name()))
	if err != nil {
		t.Fatal(err)
	}
	return out.ConversationShortID
}

func infos(users []int64) []ParticipantInfo {
	out := make([]ParticipantInfo, len(users))
	for i, u := range users {
		out[i] = ParticipantInfo{UserID: u}
	}
	return out
}

func addInput(conv int64, users []int64) ParticipantsInput {
	return ParticipantsInput{AppID: emulator.SampleAppID, ConversationShortID: conv, Operator: 10001, Participants: infos(users)}
}

func memberIDs(t *testing.T, emu *emulator.Server, conv int64) []int64 {
	t.Helper()
	ms, ok := emu.Members(emulator.SampleAppID, conv)
	if !ok {
		t.Fatalf("conversation %d not found", conv)
	}
	var out []int64
	for _, m := range ms {
		out = append(out, m.ParticipantUserID)
	}
	return out
}

// usersFrom returns n user IDs from first on.
func usersFrom(first int64, n int) []int64 {
	out := make([]int64, n)
	for i := range out {
		out[i] = first + int64(i)
	}
	return out
}

func TestAddModifyRemoveExactRequests(t *testing.T) {
	emu, c, _ := emulatorClient(t, emulator.Options{}, nil)
	conv := newGroup(t, c)
	emu.ResetRequests()
	admin, level, nick := RoleAdmin, int32(7), "Ada"
	res, err := c.AddParticipants(context.Background(), ParticipantsInput{AppID: emulator.SampleAppID, ConversationShortID: conv, Operator: 10001,
		Participants: []ParticipantInfo{{UserID: 20001, Role: &admin, Level: &level, NickName: &nick, Ext: map[string]string{"k": "v"}}, {UserID: 20002, Ext: map[string]string{}}}})
	if err != nil || !slices.Equal(res.Done, []int64{20001, 20002}) {
		t.Fatalf("add: %+v, %v", res, err)
	}
	blocked := int64(1900000000)
	if _, err := c.ModifyParticipants(context.Background(), ParticipantsInput{AppID: emulator.SampleAppID, ConversationShortID: conv, Operator: 10001,
		Participants: []ParticipantInfo{{UserID: 20002, BlockTime: &blocked, NickName: &nick}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.RemoveParticipants(context.Background(), RemoveParticipantsInput{AppID: emulator.SampleAppID, ConversationShortID: conv,
		Operator: 10001, UserIDs: []int64{20001}}); err != nil {
		t.Fatal(err)
	}
	head := fmt.Sprintf(`{"AppId":%d,"ConversationShortId":%d,"Operator":10001,`, emulator.SampleAppID, conv)
	want := []string{
		head + `"ParticipantInfos":[{"ParticipantUserId":20001,"Role":2,"Level":7,"NickName":"Ada","Ext":{"k":"v"}},{"ParticipantUserId":20002,"Ext":{}}]}`,
		head + `"ParticipantInfos":[{"ParticipantUserId":20002,"NickName":"Ada","BlockTime":1900000000}]}`,
		head + `"ParticipantUserIds":[20001]}`,
	}
	var got []string
	for _, r := range emu.Requests() {
		got = append(got, r.RawBody)
	}
	if !slices.Equal(got, want) {
		t.Fatalf("requests\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if ids := memberIDs(t, emu, conv); !slices.Equal(ids, []int64{10001, 20002}) {
		t.Fatalf("members %v", ids)
	}
	if p, _ := emu.Member(emulator.SampleAppID, conv, 20002); *p.BlockTime != blocked || *p.NickName != "Ada" {
		t.Fatalf("modified member %+v", p)
	}
}

func TestWritesRefuseBadInput(t *testing.T) {
	emu, c, _ := emulatorClient(t, emulator.Options{}, nil)
	ctx := context.Background()
	bt := int64(1)
	for name, call := range map[string]func() error{
		"repeated user": func() error { _, err := c.AddParticipants(ctx, addInput(5, []int64{1, 2, 1})); return err },
		"user 0":        func() error { _, err := c.ModifyParticipants(ctx, addInput(5, []int64{0})); return err },
		"no operator": func() error {
			in := addInput(5, []int64{1})
			in.Operator = 0
			_, err := c.AddParticipants(ctx, in)
			return err
		},
		"BlockTime on add": func() error {
			in := addInput(5, []int64{1})
			in.Participants[0].BlockTime = &bt
			_, err := c.AddParticipants(ctx, in)
			return err
		},
		"negative removal": func() error {
			_, err := c.RemoveParticipants(ctx, RemoveParticipantsInput{AppID: 1, ConversationShortID: 5, Operator: 1, UserIDs: []int64{-3}})
			return err
		},
	} {
		if err := call(); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if n := len(emu.Requests()); n != 0 {
		t.Fatalf("%d requests for bad input", n)
	}
}

// FailedUserIds fail those users only; the error names them and the
// result says exactly who is done.
func TestAddPartialFailure(t *testing.T) {
	emu, c, _ := emulatorClient(t, emulator.Options{MaxMembers: 1000}, func(c *Config) { c.MaxBatchSize = 10 })
	conv := newGroup(t, c)
	emu.FailUsers(ActionAddParticipants, 20003, 20015)
	users := usersFrom(20001, 25)
	res, err := c.AddParticipants(context.Background(), addInput(conv, users))
	var we *WriteError
	if !errors.As(err, &we) || we.Err != nil || !strings.Contains(err.Error(), "2 of 25 users not done; failed: 20003, 20015") {
		t.Fatalf("err %v", err)
	}
	wantDone := slices.DeleteFunc(slices.Clone(users), func(u int64) bool { return u == 20003 || u == 20015 })
	if !slices.Equal(res.Done, wantDone) || !slices.Equal(res.Failed, []int64{20003, 20015}) || res.Unknown != nil || res.NotSent != nil {
		t.Fatalf("result %+v", res)
	}
	// Batches run at once: members join in any order.
	if got := memberIDs(t, emu, conv); !slices.Equal(slices.Sorted(slices.Values(got[1:])), wantDone) {
		t.Fatalf("members %v", got)
	}
	if n := len(requestsOf(emu, ActionAddParticipants)); n != 3 {
		t.Fatalf("%d add calls for 25 users in batches of 10", n)
	}
}

// A lost answer is settled by reading the users back: they are members
// with the data sent, so the add is not sent again (each add posts a
// system message in the group).
func TestAddLostAnswerRetried(t *testing.T) {
	emu, c, _ := emulatorClient(t, emulator.Options{}, func(c *Config) { c.MaxRetries = 2 })
	conv := newGroup(t, c)
	emu.LoseAnswers(ActionAddParticipants, 1, emulator.FaultBadGateway)
	res, err := c.AddParticipants(context.Background(), addInput(conv, []int64{1, 2, 3}))
	if err != nil || len(res.Done) != 3 {
		t.Fatalf("%+v, %v", res, err)
	}
	if got := memberIDs(t, emu, conv); !slices.Equal(got, []int64{10001, 1, 2, 3}) {
		t.Fatalf("members %v", got)
	}
	if reqs := requestsOf(emu, ActionAddParticipants); len(reqs) != 1 {
		t.Fatalf("requests %q", reqs)
	}
}

// An add that may have been applied but was answered with an error (a 5xx,
// an HTTP-200 error body) is settled by reading its users back before it
// is retried: each user is added once when the add was applied, and the
// retry carries only the users the API does not hold as sent.
func TestAddMaybeAppliedIsSettled(t *testing.T) {
	nick := "Ada"
	for _, tc := range []struct {
		name  string
		setup func(emu *emulator.Server)
		adds  [][]int64
	}{
		{"three 503s after applying", func(emu *emulator.Server) {
			emu.LoseAnswers(ActionAddParticipants, 3, emulator.FaultUnavailable)
		}, [][]int64{{1, 2, 3}}},
		{"an HTTP-200 error body after applying", func(emu *emulator.Server) {
			emu.LoseAnswers(ActionAddParticipants, 1, emulator.Fault{Status: 200, Code: CodeInternalError, Message: "try again"})
		}, [][]int64{{1, 2, 3}}},
		{"a 503 before applying", func(emu *emulator.Server) {
			emu.FailNext(1, emulator.FaultUnavailable)
		}, [][]int64{{1, 2, 3}, {1, 2, 3}}},
		{"applied for some", func(emu *emulator.Server) {
			emu.LoseAnswers(ActionAddParticipants, 1, emulator.FaultUnavailable)
		}, [][]int64{{1, 2, 3}, {3}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			emu, c, _ := emulatorClient(t, emulator.Options{}, func(c *Config) { c.MaxRetries = 3 })
			conv := newGroup(t, c)
			in := addInput(conv, []int64{1, 2, 3})
			if tc.name == "applied for some" {
				// 3 is already a member with another nickname: holding the
				// user is not enough, the data must be what the add sets.
				if _, err := c.AddParticipants(context.Background(), addInput(conv, []int64{3})); err != nil {
					t.Fatal(err)
				}
				for i := range in.Participants {
					in.Participants[i].NickName = &nick
				}
				emu.FailUsers(ActionAddParticipants, 3)
				tc.setup(emu)
				emu.ResetRequests()
				// The first call applies 1 and 2 (3 fails) and its answer
				// is lost; the retry is for 3 alone.
				res, err := c.AddParticipants(context.Background(), in)
				if !slices.Equal(res.Done, []int64{1, 2}) || !slices.Equal(res.Failed, []int64{3}) {
					t.Fatalf("%+v, %v", res, err)
				}
			} else {
				tc.setup(emu)
				emu.ResetRequests()
				res, err := c.AddParticipants(context.Background(), in)
				if err != nil || len(res.Done) != 3 {
					t.Fatalf("%+v, %v", res, err)
				}
			}
			var adds [][]int64
			for _, r := range emu.Requests() {
				if r.Action == ActionAddParticipants {
					var b struct {
						ParticipantInfos []struct {
							ParticipantUserID int64 `json:"ParticipantUserId"`
						}
					}
					if err := json.Unmarshal([]byte(r.RawBody), &b); err != nil {
						t.Fatal(err)
					}
					var ids []int64
					for _, p := range b.ParticipantInfos {
						ids = append(ids, p.ParticipantUserID)
					}
					adds = append(adds, ids)
				}
			}
			if fmt.Sprint(adds) != fmt.Sprint(tc.adds) {
				t.Fatalf("add calls %v, want %v", adds, tc.adds)
			}
		})
	}
}

// A removal whose answer was lost is retried; the retry finds
// non-members (FailedUserIds in the emulator), which are looked up and
// are done, since they are not members.
func TestRemoveLostAnswerIsDone(t *testing.T) {
	emu, c, _ := emulatorClient(t, emulator.Options{}, func(c *Config) { c.MaxRetries = 2 })
	conv := newGroup(t, c)
	if _, err := c.AddParticipants(context.Background(), addInput(conv, []int64{1, 2, 3})); err != nil {
		t.Fatal(err)
	}
	emu.ResetRequests()
	emu.LoseAnswers(ActionRemoveParticipants, 1, emulator.Fault{})
	res, err := c.RemoveParticipants(context.Background(), RemoveParticipantsInput{AppID: emulator.SampleAppID, ConversationShortID: conv,
		Operator: 10001, UserIDs: []int64{1, 2, 10001}})
	var we *WriteError
	if !errors.As(err, &we) || !slices.Equal(res.Done, []int64{1, 2}) || !slices.Equal(res.Failed, []int64{10001}) {
		t.Fatalf("result %+v, err %v", res, err)
	}
	var actions []string
	for _, r := range emu.Requests() {
		actions = append(actions, r.Action)
	}
	if want := []string{ActionRemoveParticipants, ActionRemoveParticipants, ActionBatchGetParticipants}; !slices.Equal(actions, want) {
		t.Fatalf("calls %v, want %v", actions, want)
	}
	if got := memberIDs(t, emu, conv); !slices.Equal(got, []int64{10001, 3}) {
		t.Fatalf("members %v", got)
	}
}

// Removing a user who left (Status 1) or was never a member reaches the
// goal, whatever FailedUserIds says; the owner stays and is failed.
func TestRemoveNonMembersIsDone(t *testing.T) {
	emu, c, _ := emulatorClient(t, emulator.Options{}, nil)
	conv := newGroup(t, c)
	left := int32(1)
	if err := emu.SetMember(emulator.SampleAppID, conv, emulator.Participant{ParticipantUserID: 7, Status: &left}); err != nil {
		t.Fatal(err)
	}
	res, err := c.RemoveParticipants(context.Background(), RemoveParticipantsInput{AppID: emulator.SampleAppID, ConversationShortID: conv,
		Operator: 10001, UserIDs: []int64{7, 8, 10001}})
	if err == nil || !slices.Equal(res.Done, []int64{7, 8}) || !slices.Equal(res.Failed, []int64{10001}) ||
		!strings.Contains(err.Error(), "1 of 3 users not done; failed: 10001") {
		t.Fatalf("result %+v, err %v", res, err)
	}
}

// A call that fails for good stops the write: its users are unknown (no
// usable answer) or failed (refused), later ones not sent.
func TestWriteStopsAtAFailedCall(t *testing.T) {
	t.Run("no usable answer", func(t *testing.T) {
		emu, c, _ := emulatorClient(t, emulator.Options{}, func(c *Config) { c.MaxRetries = 1; c.MaxBatchSize = 2; c.Concurrency = 1 })
		conv := newGroup(t, c)
		if _, err := c.AddParticipants(context.Background(), addInput(conv, []int64{1, 2})); err != nil {
			t.Fatal(err)
		}
		emu.FailAction(ActionAddParticipants, &emulator.FaultUnavailable)
		res, err := c.AddParticipants(context.Background(), addInput(conv, []int64{3, 4, 5, 6, 7}))
		var apiErr *APIError
		if !errors.As(err, &apiErr) || apiErr.HTTPStatus != 503 || !slices.Equal(res.Unknown, []int64{3, 4}) ||
			!slices.Equal(res.NotSent, []int64{5, 6, 7}) || res.Done != nil || len(res.Errors) != 1 {
			t.Fatalf("result %+v, err %v", res, err)
		}
		if !strings.Contains(err.Error(), "5 of 5 users not done; unknown (the call got no usable answer; it may have been applied): 3, 4; not sent: 5, 6, 7") {
			t.Fatalf("message %q", err)
		}
	})
	t.Run("refused", func(t *testing.T) {
		emu, c, _ := emulatorClient(t, emulator.Options{}, func(c *Config) { c.MaxBatchSize = 5; c.Concurrency = 1 })
		conv := newGroup(t, c)
		admin := RoleAdmin
		in := addInput(conv, usersFrom(1, 12))
		for i := range in.Participants {
			in.Participants[i].Role = &admin
		}
		res, err := c.AddParticipants(context.Background(), in)
		var apiErr *APIError
		if !errors.As(err, &apiErr) || apiErr.Code != "ManagerMoreThanLimit" || !slices.Equal(res.Done, usersFrom(1, 10)) ||
			!slices.Equal(res.Failed, []int64{11, 12}) {
			t.Fatalf("result %+v, err %v", res, err)
		}
		if got := len(memberIDs(t, emu, conv)); got != 11 {
			t.Fatalf("%d members", got)
		}
	})
}

// The API's per-call cap is found by splitting, as for the reads: the
// size is lowered once a shorter call succeeded.
func TestWriteBatchSizeAdapts(t *testing.T) {
	emu, c, _ := emulatorClient(t, emulator.Options{MaxIDsPerCall: 30, MaxMembers: 1000}, nil)
	conv := newGroup(t, c)
	res, err := c.AddParticipants(context.Background(), addInput(conv, usersFrom(1, 250)))
	if err != nil || len(res.Done) != 250 {
		t.Fatalf("%d done, %v", len(res.Done), err)
	}
	// 100 and 50 refused, 25 works; 37 and 31 refused, 28, 29 and 30 work;
	// then five of 30 for the remaining 138.
	if n := len(requestsOf(emu, ActionAddParticipants)); n != 13 {
		t.Fatalf("%d calls", n)
	}
	if size, ok := c.TakeBatchSizeNotice(ActionAddParticipants); !ok || size != 30 {
		t.Fatalf("notice %d %v", size, ok)
	}
	if got := len(memberIDs(t, emu, conv)); got != 251 {
		t.Fatalf("%d members", got)
	}
}

// A full group answers with the code of a call too long: the write
// splits down to single users, adds who fits, and reports the rest.
func TestAddToAFullGroup(t *testing.T) {
	emu, c, _ := emulatorClient(t, emulator.Options{MaxMembers: 5}, func(c *Config) { c.Concurrency = 1 })
	conv := newGroup(t, c)
	res, err := c.AddParticipants(context.Background(), addInput(conv, usersFrom(1, 10)))
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.Code != "ConversationParticipantsMoreThanLimit" || !slices.Equal(res.Done, usersFrom(1, 4)) ||
		!slices.Equal(res.Failed, []int64{5}) || !slices.Equal(res.NotSent, usersFrom(6, 5)) {
		t.Fatalf("result %+v, err %v", res, err)
	}
	if got := memberIDs(t, emu, conv); !slices.Equal(got, []int64{10001, 1, 2, 3, 4}) {
		t.Fatalf("members %v", got)
	}
	if size := c.batchSizeOf(ActionAddParticipants, 0).size(); size != DefaultMaxBatchSize {
		t.Fatalf("a full group lowered the batch size to %d", size)
	}
}

func TestModifyNonMemberFails(t *testing.T) {
	_, c, _ := emulatorClient(t, emulator.Options{}, nil)
	conv := newGroup(t, c)
	if _, err := c.AddParticipants(context.Background(), addInput(conv, []int64{1})); err != nil {
		t.Fatal(err)
	}
	res, err := c.ModifyParticipants(context.Background(), addInput(conv, []int64{1, 2}))
	if err == nil || !slices.Equal(res.Done, []int64{1}) || !slices.Equal(res.Failed, []int64{2}) {
		t.Fatalf("result %+v, err %v", res, err)
	}
}

// FailedUserIds naming a user the call did not send contradicts the call:
// the answer is not trusted, for any of its users.
func TestFailedUserIDsNotAskedFor(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte(`{"ResponseMetadata":{"RequestId":"r"},"Result":{"FailedUserIds":[1,999]}}`))
	}))
	t.Cleanup(srv.Close)
	c := newTestClient(t, srv.URL, nil)
	res, err := c.AddParticipants(context.Background(), addInput(5, []int64{1, 2}))
	var apiErr *APIError
	if !errors.As(err, &apiErr) || !apiErr.Unreadable || !strings.Contains(err.Error(), "user 999, whom this call did not send") ||
		!slices.Equal(res.Unknown, []int64{1, 2}) {
		t.Fatalf("result %+v, err %v", res, err)
	}
}

// Ctrl-C stops between batches: the call in flight gets its answer and is
// accounted for, the rest is not sent.
func TestWriteInterruptedBetweenBatches(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var adds atomic.Int32
	emu, c, _ := emulatorClient(t, emulator.Options{OnRequest: func(r emulator.Request) {
		if r.Action == ActionAddParticipants {
			if adds.Add(1) == 2 {
				cancel() // while the second call is in flight
			}
		}
	}}, func(c *Config) { c.MaxBatchSize = 2; c.Concurrency = 1 })
	conv := newGroup(t, c)
	res, err := c.AddParticipants(ctx, addInput(conv, usersFrom(1, 7)))
	if !errors.Is(err, context.Canceled) || !slices.Equal(res.Done, usersFrom(1, 4)) || !slices.Equal(res.NotSent, usersFrom(5, 3)) {
		t.Fatalf("result %+v, err %v", res, err)
	}
	if got := memberIDs(t, emu, conv); !slices.Equal(got, []int64{10001, 1, 2, 3, 4}) {
		t.Fatalf("members %v", got)
	}
}

// Hostile answers to a batch write each end in a typed error, and the
// result says what is known: an error body (even on HTTP 200) refused the
// call; a redirect or an oversized answer says nothing of what was done.
func TestParticipantsHostileAnswers(t *testing.T) {
	t.Run("HTTP-200 error body", func(t *testing.T) {
		emu, c, _ := emulatorClient(t, emulator.Options{}, nil)
		emu.SetErrorsAsHTTP200(true)
		res, err := c.AddParticipants(context.Background(), addInput(5, []int64{1, 2})) // no conversation 5
		var apiErr *APIError
		if !errors.As(err, &apiErr) || apiErr.Code != "ConversationNotFound" || apiErr.HTTPStatus != 200 ||
			!slices.Equal(res.Failed, []int64{1, 2}) {
			t.Fatalf("result %+v, err %v", res, err)
		}
	})
	for name, handler := range map[string]http.HandlerFunc{
		"redirect": func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Location", "http://elsewhere.example/")
			w.WriteHeader(http.StatusFound)
		},
		"oversized body": func(w http.ResponseWriter, _ *http.Request) {
			_, _ = w.Write([]byte(`{"ResponseMetadata":{"RequestId":"r"},"Result":{"FailedUserIds":[],"x":"`))
			_, _ = w.Write([]byte(strings.Repeat("x", 5<<20)))
			_, _ = w.Write([]byte(`"}}`))
		},
		"no Result": func(w http.ResponseWriter, _ *http.Request) {
			_, _ = w.Write([]byte(`{"ResponseMetadata":{"RequestId":"r"}}`))
		},
	} {
		t.Run(name, func(t *testing.T) {
			srv := httptest.NewServer(handler)
			t.Cleanup(srv.Close)
			c := newTestClient(t, srv.URL, func(c *Config) { c.MaxBatchSize = 2 })
			res, err := c.RemoveParticipants(context.Background(), RemoveParticipantsInput{AppID: 1, ConversationShortID: 5, Operator: 1,
				UserIDs: []int64{1, 2, 3}})
			var we *WriteError
			if !errors.As(err, &we) || !slices.Equal(res.Unknown, []int64{1, 2}) || !slices.Equal(res.NotSent, []int64{3}) {
				t.Fatalf("result %+v, err %v", res, err)
			}
		})
	}
}

// Against an API that refuses calls of more than 10 users, the write finds
// 10, not the first size that works (halving stopped at 7: 288 calls for
// 2,000 users), and every refused call took a slot of the write budget: on
// the emulator's strict 50 a second (on the same fake clock) none is
// throttled.
func TestWriteBatchSizeFindsTheLargest(t *testing.T) {
	clock := &sleeps{}
	emu, c, _ := emulatorClient(t, emulator.Options{MaxIDsPerCall: 10, MaxMembers: 3000, RateLimit: 100, Now: clock.Now},
		func(c *Config) { c.MaxQPS, c.Clock, c.Concurrency = 100, clock, 1 })
	conv := newGroup(t, c)
	before := emu.Stats()
	res, err := c.AddParticipants(context.Background(), addInput(conv, usersFrom(1, 2000)))
	if err != nil || len(res.Done) != 2000 {
		t.Fatalf("%d done, %v", len(res.Done), err)
	}
	var sizes []int
	for _, r := range emu.Requests() {
		if r.Action == ActionAddParticipants {
			var b struct{ ParticipantInfos []json.RawMessage }
			if err := json.Unmarshal([]byte(r.RawBody), &b); err != nil {
				t.Fatal(err)
			}
			sizes = append(sizes, len(b.ParticipantInfos))
		}
	}
	// Halving to 7 (100, 50, 25, 13 refused), a probe of 10 that works and
	// one of 11 that does not; then 10 a call.
	if want := []int{100, 50, 25, 13, 7, 10, 11, 10, 10}; len(sizes) < len(want) || !slices.Equal(sizes[:len(want)], want) {
		t.Fatalf("call sizes %v", sizes[:min(len(sizes), 12)])
	}
	if len(sizes) > 210 {
		t.Fatalf("%d add calls for 2,000 users, want at most 210", len(sizes))
	}
	if got := emu.Stats().Throttled - before.Throttled; got != 0 {
		t.Fatalf("%d calls throttled", got)
	}
	if size, ok := c.TakeBatchSizeNotice(ActionAddParticipants); !ok || size != 10 {
		t.Fatalf("notice %d %v", size, ok)
	}
	if got := len(memberIDs(t, emu, conv)); got != 2001 {
		t.Fatalf("%d members", got)
	}
}

// The reads search the same way: a limit of 30 under 100 ends at 30.
func TestReadBatchSizeFindsTheLargest(t *testing.T) {
	emu, c, _ := emulatorClient(t, emulator.Options{MaxIDsPerCall: 30}, func(c *Config) { c.Concurrency = 1 })
	in := sampleInput()
	in.UserIDs = usersFrom(1, 300)
	if _, err := c.BatchGetConversationParticipant(context.Background(), in); err != nil {
		t.Fatal(err)
	}
	var sizes []int
	for _, r := range emu.Requests() {
		sizes = append(sizes, len(r.Body.ParticipantUserIDs))
	}
	// 100, 50 refused; 25 works; 37, 31 refused; 28, 29, 30 work.
	if want := []int{100, 50, 25, 37, 31, 28, 29, 30, 30}; len(sizes) < len(want) || !slices.Equal(sizes[:len(want)], want) {
		t.Fatalf("call sizes %v", sizes)
	}
	if size, ok := c.TakeBatchSizeNotice(ActionBatchGetParticipants); !ok || size != 30 {
		t.Fatalf("notice %d %v", size, ok)
	}
}
