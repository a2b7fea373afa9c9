// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

func registerBody(users ...string) string {
	return fmt.Sprintf(`{"AppId":%d,"Users":[%s]}`, SampleAppID, strings.Join(users, ","))
}

func userJSON(id int64, nick string) string {
	return fmt.Sprintf(`{"UserId":%d,"NickName":%q,"Portrait":"p","Tags":["a"],"Ext":{"k":"v"},"IsRobot":true}`, id, nick)
}

func updateJSON(id int64, nick string) string {
	return fmt.Sprintf(`{"UserId":%d,"NickName":%q,"Portrait":"","Tags":[],"Ext":{}}`, id, nick)
}

// Register, update and unregister change what BatchGetUser reads.
func TestUserWritesChangeTheReads(t *testing.T) {
	s, ts := newServer(t, Options{})
	if res := mustWrite(t, ts, ActionRegisterUsers, registerBody(userJSON(1, "a"), userJSON(2, "b"))); string(res["FailedInfos"]) != "[]" {
		t.Fatalf("register: %s", res["FailedInfos"])
	}
	read := func() string {
		res := mustWrite(t, ts, "BatchGetUser", fmt.Sprintf(`{"AppId":%d,"UserIds":[1,2]}`, SampleAppID))
		return string(res["Users"]) + " " + string(res["NotFoundUsers"])
	}
	if got := read(); !strings.Contains(got, `"NickName":"a"`) || !strings.Contains(got, `"IsRobot":true`) || !strings.Contains(got, `"Tags":["a"]`) {
		t.Fatalf("after register: %s", got)
	}
	created, _ := s.UserState(SampleAppID, 1)
	mustWrite(t, ts, ActionUpdateUsers, registerBody(updateJSON(1, "renamed")))
	u, _ := s.UserState(SampleAppID, 1)
	if *u.NickName != "renamed" || *u.Portrait != "" || len(u.Tags) != 0 || len(u.Ext) != 0 || !*u.IsRobot || *u.CreateTime != *created.CreateTime {
		t.Fatalf("after update: %+v", u)
	}
	mustWrite(t, ts, ActionUnregisterUsers, fmt.Sprintf(`{"AppId":%d,"UserIds":[2]}`, SampleAppID))
	if got := read(); strings.Contains(got, `"UserId":2`) || !strings.HasSuffix(got, "[2]") {
		t.Fatalf("after unregister: %s", got)
	}
}

// The undocumented cases go both ways, by option.
func TestUserWritesUndocumentedCases(t *testing.T) {
	for _, lenient := range []bool{false, true} {
		t.Run(fmt.Sprint("lenient=", lenient), func(t *testing.T) {
			s, ts := newServer(t, Options{RegisterOverwrites: lenient, UnregisterUnknownSucceeds: lenient})
			mustWrite(t, ts, ActionRegisterUsers, registerBody(userJSON(1, "a")))
			res := mustWrite(t, ts, ActionRegisterUsers, registerBody(userJSON(1, "b")))
			u, _ := s.UserState(SampleAppID, 1)
			if lenient && (string(res["FailedInfos"]) != "[]" || *u.NickName != "b") {
				t.Fatalf("overwrite: %s, %s", res["FailedInfos"], *u.NickName)
			}
			if !lenient && (!strings.Contains(string(res["FailedInfos"]), CodeUserAlreadyRegistered) || *u.NickName != "a") {
				t.Fatalf("refuse: %s, %s", res["FailedInfos"], *u.NickName)
			}
			res = mustWrite(t, ts, ActionUnregisterUsers, fmt.Sprintf(`{"AppId":%d,"UserIds":[404]}`, SampleAppID))
			if got := string(res["FailedInfos"]); (got == "[]") != lenient || (!lenient && !strings.Contains(got, CodeUserNotFound)) {
				t.Fatalf("unregister unknown: %s", got)
			}
		})
	}
}

// Documented limits refuse the call; BatchUpdateUser needs every field.
func TestUserWritesLimits(t *testing.T) {
	s, ts := newServer(t, Options{})
	var many []string
	for i := range 21 {
		many = append(many, userJSON(int64(i+1), "x"))
	}
	for _, tc := range []struct{ action, body string }{
		{ActionRegisterUsers, registerBody(many...)},
		{ActionRegisterUsers, registerBody(fmt.Sprintf(`{"UserId":1,"NickName":%q}`, strings.Repeat("x", 101)))},
		{ActionRegisterUsers, registerBody(`{"UserId":1,"Ext":{"s:k":"v"}}`)},
		{ActionUpdateUsers, registerBody(`{"UserId":1,"NickName":"a"}`)},
		{ActionUpdateUsers, registerBody(many[:11]...)},
		{ActionUnregisterUsers, fmt.Sprintf(`{"AppId":%d,"UserIds":[1,2,3,4,5,6,7,8,9,10,11]}`, SampleAppID)},
	} {
		if _, code, _ := writeCall(t, ts, tc.action, tc.body); code != "InvalidParam" {
			t.Errorf("%s %.60s: code %q", tc.action, tc.body, code)
		}
	}
	if _, ok := s.UserState(SampleAppID, 1); ok {
		t.Fatal("a refused call registered a user")
	}
}

// FailUsers, LoseAnswers and DropResultField work on the user writes.
func TestUserWritesScriptedFaults(t *testing.T) {
	s, ts := newServer(t, Options{})
	s.FailUsers(ActionRegisterUsers, 2)
	res := mustWrite(t, ts, ActionRegisterUsers, registerBody(userJSON(1, "a"), userJSON(2, "b")))
	if got := string(res["FailedInfos"]); !strings.Contains(got, `"UserId":2`) || strings.Contains(got, `"UserId":1`) {
		t.Fatalf("FailedInfos %s", got)
	}
	s.FailUsers(ActionRegisterUsers)
	s.LoseAnswers(ActionRegisterUsers, 1, FaultBadGateway)
	if status, _, _ := writeCall(t, ts, ActionRegisterUsers, registerBody(userJSON(3, "c"))); status != 502 {
		t.Fatalf("lost answer: HTTP %d", status)
	}
	if _, ok := s.UserState(SampleAppID, 3); !ok {
		t.Fatal("the lost register must have been made")
	}
	s.DropResultField(ActionUpdateUsers, 1, "FailedInfos")
	if res := mustWrite(t, ts, ActionUpdateUsers, registerBody(updateJSON(3, "z"))); res["FailedInfos"] != nil {
		t.Fatalf("dropped field: %v", res)
	}
	if u, _ := s.UserState(SampleAppID, 3); *u.NickName != "z" {
		t.Fatal("the update with a dropped field was not made")
	}
}

// With a read lag, BatchGetUser shows a user as before the write until
// the lag has passed.
func TestReadLagOfUsers(t *testing.T) {
	var mu sync.Mutex
	var ahead time.Duration
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return time.Now().Add(ahead) }
	_, ts := newServer(t, Options{ReadLag: 2 * time.Second, Now: clock})
	mustWrite(t, ts, ActionRegisterUsers, registerBody(userJSON(1, "a")))
	read := func() string {
		return string(mustWrite(t, ts, "BatchGetUser", fmt.Sprintf(`{"AppId":%d,"UserIds":[1]}`, SampleAppID))["NotFoundUsers"])
	}
	if got := read(); got != "[1]" {
		t.Fatalf("within the lag: NotFoundUsers %s", got)
	}
	mu.Lock()
	ahead = 2 * time.Second
	mu.Unlock()
	if got := read(); got != "[]" {
		t.Fatalf("after the lag: NotFoundUsers %s", got)
	}
}

// BatchUpdateUser drops the system's Ext keys by default and keeps them
// with UpdateKeepsSystemExt; LieAboutUsers applies and still lists.
func TestUserUpdateSystemExtAndLies(t *testing.T) {
	for _, keep := range []bool{false, true} {
		t.Run(fmt.Sprint("keep=", keep), func(t *testing.T) {
			s, ts := newServer(t, Options{UpdateKeepsSystemExt: keep})
			if err := s.SetUser(SampleAppID, User{UserID: 1, Ext: map[string]string{"s:sys": "1", "k": "v"}}); err != nil {
				t.Fatal(err)
			}
			s.LieAboutUsers(ActionUpdateUsers, 1)
			res := mustWrite(t, ts, ActionUpdateUsers, registerBody(`{"UserId":1,"NickName":"n","Portrait":"","Tags":[],"Ext":{"k":"w"}}`))
			if got := string(res["FailedInfos"]); !strings.Contains(got, `"UserId":1`) {
				t.Fatalf("FailedInfos %s", got)
			}
			u, _ := s.UserState(SampleAppID, 1)
			want := map[string]string{"k": "w"}
			if keep {
				want["s:sys"] = "1"
			}
			if *u.NickName != "n" || fmt.Sprint(u.Ext) != fmt.Sprint(want) {
				t.Fatalf("after update: %s %v, want %v", *u.NickName, u.Ext, want)
			}
		})
	}
}
