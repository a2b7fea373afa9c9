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
	"testing"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/emulator"
)

// profiles are n bots from user 900001 on.
func profiles(n int) []UserProfile {
	const first = 900001
	out := make([]UserProfile, n)
	for i := range out {
		id := first + int64(i)
		out[i] = UserProfile{UserID: id, NickName: fmt.Sprint("bot-", id), Tags: []string{"bot"}, Ext: map[string]string{"team": "ops"}, IsRobot: true}
	}
	return out
}

// userCalls returns, for each request of action, how many users it carried
// and its raw body.
func userCalls(emu *emulator.Server, action string) (sizes []int, bodies []string) {
	for _, r := range emu.Requests() {
		if r.Action != action {
			continue
		}
		var b struct {
			Users   []json.RawMessage
			UserIds []int64
		}
		_ = json.Unmarshal([]byte(r.RawBody), &b)
		sizes = append(sizes, len(b.Users)+len(b.UserIds))
		bodies = append(bodies, r.RawBody)
	}
	return sizes, bodies
}

func registerInput(users []UserProfile) UsersInput {
	return UsersInput{AppID: emulator.SampleAppID, Users: users}
}

// Each action keeps its documented cap per call: 20, 10 and 10.
func TestUserWritesExactRequests(t *testing.T) {
	emu, c, _ := emulatorClient(t, emulator.Options{}, func(c *Config) { c.Concurrency = 1 })
	ctx := context.Background()
	res, err := c.RegisterUsers(ctx, registerInput(profiles(45)))
	if err != nil || len(res.Done) != 45 {
		t.Fatalf("register: %+v, %v", res, err)
	}
	sizes, bodies := userCalls(emu, ActionRegisterUsers)
	if fmt.Sprint(sizes) != "[20 20 5]" {
		t.Fatalf("register calls %v", sizes)
	}
	want := `{"UserId":900001,"NickName":"bot-900001","Portrait":"","Tags":["bot"],"Ext":{"team":"ops"},"IsRobot":true}`
	if !strings.Contains(bodies[0], want) {
		t.Fatalf("register body %s lacks %s", bodies[0], want)
	}
	u, ok := emu.UserState(emulator.SampleAppID, 900045)
	if !ok || *u.NickName != "bot-900045" || !*u.IsRobot || u.CreateTime == nil {
		t.Fatalf("registered user %+v, %v", u, ok)
	}

	upd := profiles(25)
	for i := range upd {
		upd[i].NickName, upd[i].Tags, upd[i].Ext = "", nil, nil
	}
	if _, err := c.UpdateUsers(ctx, registerInput(upd)); err != nil {
		t.Fatal(err)
	}
	sizes, bodies = userCalls(emu, ActionUpdateUsers)
	if fmt.Sprint(sizes) != "[10 10 5]" {
		t.Fatalf("update calls %v", sizes)
	}
	// The whole profile, cleared fields as empty values, and no IsRobot.
	if want := `{"UserId":900001,"NickName":"","Portrait":"","Tags":[],"Ext":{}}`; !strings.Contains(bodies[0], want) {
		t.Fatalf("update body %s lacks %s", bodies[0], want)
	}
	if u, _ := emu.UserState(emulator.SampleAppID, 900001); *u.NickName != "" || len(u.Tags) != 0 || !*u.IsRobot {
		t.Fatalf("updated user %+v", u)
	}

	res, err = c.UnregisterUsers(ctx, UnregisterUsersInput{AppID: emulator.SampleAppID, UserIDs: usersFrom(900001, 25)})
	if err != nil || len(res.Done) != 25 {
		t.Fatalf("unregister: %+v, %v", res, err)
	}
	if sizes, _ = userCalls(emu, ActionUnregisterUsers); fmt.Sprint(sizes) != "[10 10 5]" {
		t.Fatalf("unregister calls %v", sizes)
	}
	if _, ok := emu.UserState(emulator.SampleAppID, 900025); ok {
		t.Fatal("user 900025 still registered")
	}
	if _, ok := emu.UserState(emulator.SampleAppID, 900026); !ok {
		t.Fatal("user 900026 unregistered")
	}
}

// FailedInfos make users Failed, with the API's code and message in the
// result and the error; the others of the call are Done.
func TestUserWritesFailedInfos(t *testing.T) {
	emu, c, _ := emulatorClient(t, emulator.Options{}, nil)
	emu.FailUsers(ActionRegisterUsers, 900002)
	res, err := c.RegisterUsers(context.Background(), registerInput(profiles(3)))
	var werr *WriteError
	if !errors.As(err, &werr) || !slices.Equal(res.Failed, []int64{900002}) || !slices.Equal(res.Done, []int64{900001, 900003}) {
		t.Fatalf("%+v, %v", res, err)
	}
	why := res.Reasons[900002]
	if why.Code != emulator.CodeScriptedFailure || !strings.Contains(why.Message, "900002") {
		t.Fatalf("reason %+v", why)
	}
	if msg := err.Error(); !strings.Contains(msg, "user 900002 failed: InternalError: scripted failure of user 900002") {
		t.Fatalf("error %q", msg)
	}
	if _, ok := emu.UserState(emulator.SampleAppID, 900002); ok {
		t.Fatal("failed user registered")
	}
}

// What the API does with a registered user is not documented: refused
// (the emulator's default) or overwritten.
func TestRegisterRegisteredUser(t *testing.T) {
	for _, overwrite := range []bool{false, true} {
		t.Run(fmt.Sprint("overwrite=", overwrite), func(t *testing.T) {
			emu, c, _ := emulatorClient(t, emulator.Options{RegisterOverwrites: overwrite}, nil)
			ctx := context.Background()
			if _, err := c.RegisterUsers(ctx, registerInput(profiles(1))); err != nil {
				t.Fatal(err)
			}
			again := profiles(1)
			again[0].NickName = "other"
			res, err := c.RegisterUsers(ctx, registerInput(again))
			u, _ := emu.UserState(emulator.SampleAppID, 900001)
			if overwrite {
				if err != nil || *u.NickName != "other" {
					t.Fatalf("%+v, %v, %s", res, err, *u.NickName)
				}
				return
			}
			if err == nil || res.Reasons[900001].Code != emulator.CodeUserAlreadyRegistered || *u.NickName != "bot-900001" {
				t.Fatalf("%+v, %v, %s", res, err, *u.NickName)
			}
		})
	}
}

// A register whose answer is lost after the change is never sent again:
// its users are Unknown, and registered. A throttled one is retried.
func TestRegisterLostAnswerNotRepeated(t *testing.T) {
	for name, lose := range map[string]func(*emulator.Server){
		"bad gateway":    func(e *emulator.Server) { e.LoseAnswers(ActionRegisterUsers, 1, emulator.FaultBadGateway) },
		"cut connection": func(e *emulator.Server) { e.LoseAnswers(ActionRegisterUsers, 1, emulator.Fault{}) },
		"no FailedInfos": func(e *emulator.Server) { e.DropResultField(ActionRegisterUsers, 1, "FailedInfos") },
		"unavailable":    func(e *emulator.Server) { e.LoseAnswers(ActionRegisterUsers, 1, emulator.FaultUnavailable) },
	} {
		t.Run(name, func(t *testing.T) {
			emu, c, _ := emulatorClient(t, emulator.Options{}, func(c *Config) { c.MaxRetries = 3 })
			lose(emu)
			res, err := c.RegisterUsers(context.Background(), registerInput(profiles(2)))
			if err == nil || !slices.Equal(res.Unknown, []int64{900001, 900002}) {
				t.Fatalf("%+v, %v", res, err)
			}
			if sizes, _ := userCalls(emu, ActionRegisterUsers); len(sizes) != 1 {
				t.Fatalf("%d register calls, want 1", len(sizes))
			}
			if _, ok := emu.UserState(emulator.SampleAppID, 900002); !ok {
				t.Fatal("the lost call did not register")
			}
		})
	}
	t.Run("throttled", func(t *testing.T) {
		emu, c, _ := emulatorClient(t, emulator.Options{}, func(c *Config) { c.MaxRetries = 3 })
		emu.FailNext(1, emulator.FaultThrottled)
		res, err := c.RegisterUsers(context.Background(), registerInput(profiles(2)))
		if err != nil || len(res.Done) != 2 {
			t.Fatalf("%+v, %v", res, err)
		}
		if sizes, _ := userCalls(emu, ActionRegisterUsers); len(sizes) != 2 {
			t.Fatalf("%d register calls, want 2", len(sizes))
		}
	})
}

// An error answer on HTTP 200 is a failure, never an empty success.
func TestUserWriteHTTP200Error(t *testing.T) {
	emu, c, _ := emulatorClient(t, emulator.Options{}, nil)
	emu.SetErrorsAsHTTP200(true)
	emu.FailAction(ActionUpdateUsers, &emulator.Fault{Status: 400, Code: "AppNotFound", Message: "no app"})
	res, err := c.UpdateUsers(context.Background(), registerInput(profiles(1)))
	if err == nil || !slices.Equal(res.Failed, []int64{900001}) || apiCodeOf(err) != "AppNotFound" {
		t.Fatalf("%+v, %v", res, err)
	}
}

func apiCodeOf(err error) string {
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		return apiErr.Code
	}
	return ""
}

// An update is safe to repeat: a lost answer is retried.
func TestUpdateLostAnswerRetried(t *testing.T) {
	emu, c, _ := emulatorClient(t, emulator.Options{}, func(c *Config) { c.MaxRetries = 3 })
	ctx := context.Background()
	if _, err := c.RegisterUsers(ctx, registerInput(profiles(1))); err != nil {
		t.Fatal(err)
	}
	emu.LoseAnswers(ActionUpdateUsers, 1, emulator.FaultBadGateway)
	upd := profiles(1)
	upd[0].NickName = "renamed"
	if res, err := c.UpdateUsers(ctx, registerInput(upd)); err != nil || len(res.Done) != 1 {
		t.Fatalf("%+v, %v", res, err)
	}
	if sizes, _ := userCalls(emu, ActionUpdateUsers); len(sizes) != 2 {
		t.Fatalf("%d update calls, want 2", len(sizes))
	}
}

// An unregister whose answer was lost is repeated; the repeat finds the
// user gone, which counts as done whether the API refuses it (default) or
// not. A user still registered in FailedInfos is Failed.
func TestUnregisterGoalCounts(t *testing.T) {
	for _, succeeds := range []bool{false, true} {
		t.Run(fmt.Sprint("unknown succeeds=", succeeds), func(t *testing.T) {
			emu, c, _ := emulatorClient(t, emulator.Options{UnregisterUnknownSucceeds: succeeds}, func(c *Config) { c.MaxRetries = 3 })
			ctx := context.Background()
			if _, err := c.RegisterUsers(ctx, registerInput(profiles(3))); err != nil {
				t.Fatal(err)
			}
			emu.LoseAnswers(ActionUnregisterUsers, 1, emulator.FaultBadGateway)
			emu.FailUsers(ActionUnregisterUsers, 900003)
			res, err := c.UnregisterUsers(ctx, UnregisterUsersInput{AppID: emulator.SampleAppID, UserIDs: []int64{900001, 900002, 900003, 900004}})
			if !slices.Equal(res.Done, []int64{900001, 900002, 900004}) || !slices.Equal(res.Failed, []int64{900003}) || err == nil {
				t.Fatalf("%+v, %v", res, err)
			}
			if res.Reasons[900003].Code != emulator.CodeScriptedFailure {
				t.Fatalf("reasons %+v", res.Reasons)
			}
		})
	}
}

// A profile over a documented limit is refused before any request.
func TestProfileLimits(t *testing.T) {
	ext := map[string]string{}
	for i := range 21 {
		ext[fmt.Sprint("k", i)] = "v"
	}
	for _, tc := range []struct {
		p    UserProfile
		want string
	}{
		{UserProfile{UserID: 0}, "not positive"},
		{UserProfile{UserID: 1, NickName: strings.Repeat("é", 51)}, "NickName is 102 bytes"},
		{UserProfile{UserID: 1, Portrait: strings.Repeat("x", 501)}, "Portrait is 501 bytes"},
		{UserProfile{UserID: 1, Ext: ext}, "21 keys"},
		{UserProfile{UserID: 1, Ext: map[string]string{strings.Repeat("k", 51): ""}}, "51 bytes"},
		{UserProfile{UserID: 1, Ext: map[string]string{"s:x": ""}}, `starts with "s:"`},
		{UserProfile{UserID: 1, Ext: map[string]string{"k": strings.Repeat("v", 501)}}, "501 bytes"},
	} {
		if got := ProfileProblem(tc.p); !strings.Contains(got, tc.want) {
			t.Errorf("%+v: %q, want %q", tc.p.UserID, got, tc.want)
		}
	}
	emu, c, _ := emulatorClient(t, emulator.Options{}, nil)
	if _, err := c.RegisterUsers(context.Background(), registerInput([]UserProfile{{UserID: 1, Ext: map[string]string{"s:x": ""}}})); err == nil {
		t.Fatal("no error")
	}
	if n := len(emu.Requests()); n != 0 {
		t.Fatalf("%d requests", n)
	}
}

// FailedInfos are untrusted like every answer: text that would drive the
// terminal is escaped, and an entry without its user ID is an unreadable
// answer, never a panic or a guess.
func TestUserWritesHostileFailedInfos(t *testing.T) {
	answer := func(result string) *httptest.Server {
		return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			_, _ = w.Write([]byte(`{"ResponseMetadata":{"RequestId":"r"},"Result":` + result + `}`))
		}))
	}
	ts := answer(`{"FailedInfos":[{"UserId":900002,"Code":"Bad\u001b[2J","Message":"\r\u001b]0;owned\u0007Apply complete!"}]}`)
	defer ts.Close()
	res, err := newTestClient(t, ts.URL, nil).RegisterUsers(context.Background(), registerInput(profiles(2)))
	if err == nil || !slices.Equal(res.Failed, []int64{900002}) {
		t.Fatalf("%+v, %v", res, err)
	}
	for _, s := range []string{err.Error(), res.Reasons[900002].Code, res.Reasons[900002].Message} {
		assertPrintable(t, s)
	}
	if !strings.Contains(err.Error(), `\x1b`) {
		t.Errorf("escape not shown as \\x1b: %q", err.Error())
	}

	missing := answer(`{"FailedInfos":[{"Code":"UserNotFound","Message":"no such user"}]}`)
	defer missing.Close()
	res, err = newTestClient(t, missing.URL, nil).RegisterUsers(context.Background(), registerInput(profiles(2)))
	if err == nil || len(res.Done) != 0 {
		t.Fatalf("an entry without UserId: %+v, %v", res, err)
	}
}
