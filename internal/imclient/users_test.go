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
	"testing"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/emulator"
	"github.com/volcrtc/terraform-provider-volcrtc/internal/emulator/emulatortest"
)

func usersFixtures(n int) emulator.Fixtures {
	users := make([]emulator.User, n)
	for i := range users {
		users[i].UserID = int64(i + 1)
	}
	return emulator.WithUsers(emulator.Sample(), users...)
}

// Users are read 50 a call (the documented cap), or fewer when
// max_batch_size is lower; unknown IDs come back as not found.
func TestBatchGetUser(t *testing.T) {
	for _, tc := range []struct {
		maxBatch int
		calls    []int
	}{{0, []int{50, 50, 22}}, {30, []int{30, 30, 30, 30, 2}}} {
		t.Run(fmt.Sprint(tc.maxBatch), func(t *testing.T) {
			emu, url := emulatortest.Start(t, usersFixtures(100), emulator.Options{RateLimit: -1})
			c := newTestClient(t, url, func(c *Config) { c.MaxBatchSize = tc.maxBatch; c.Concurrency = 1 })
			res, err := c.BatchGetUser(context.Background(), BatchGetUsersInput{AppID: emulator.SampleAppID, UserIDs: ids(122)})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Users) != 100 || fmt.Sprint(res.NotFound) != fmt.Sprint(ids(122)[100:]) {
				t.Fatalf("%d users, not found %v", len(res.Users), res.NotFound)
			}
			var sizes []int
			for _, r := range emu.Requests() {
				var b struct{ UserIds []int64 }
				if err := json.Unmarshal([]byte(r.RawBody), &b); err != nil {
					t.Fatal(err)
				}
				sizes = append(sizes, len(b.UserIds))
			}
			if fmt.Sprint(sizes) != fmt.Sprint(tc.calls) {
				t.Fatalf("calls of %v, want %v", sizes, tc.calls)
			}
		})
	}
}

// An answer without its lists, or with more users than asked, is
// unreadable.
func TestBatchGetUserUnreadable(t *testing.T) {
	for name, result := range map[string]string{
		"empty":                     `{}`,
		"too many":                  `{"Users":[{"UserId":1},{"UserId":2},{"UserId":3}],"NotFoundUsers":[]}`,
		"more not found than asked": `{"NotFoundUsers":[1,2,3]}`,
	} {
		t.Run(name, func(t *testing.T) {
			ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				_, _ = w.Write([]byte(`{"ResponseMetadata":{"RequestId":"u"},"Result":` + result + `}`))
			}))
			defer ts.Close()
			c := newTestClient(t, ts.URL, nil)
			res, err := c.BatchGetUser(context.Background(), BatchGetUsersInput{AppID: 1, UserIDs: []int64{1, 2}})
			var apiErr *APIError
			if !errors.As(err, &apiErr) || !apiErr.Unreadable || res.Users != nil {
				t.Fatalf("err %v", err)
			}
		})
	}
}

// hostileUsers answers BatchGetUser, two IDs a call, as a hostile API
// might: the call for 30001 and 30004 finds 30001; the call for 30002 and
// 30005 finds 30002 and names 30001 in its NotFoundUsers; the call for
// 30003 and 30006 says 30003 is both found and not found.
func hostileUsers(t *testing.T) *httptest.Server {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var b struct{ UserIds []int64 }
		if err := json.NewDecoder(r.Body).Decode(&b); err != nil || len(b.UserIds) == 0 {
			http.Error(w, "no IDs", http.StatusBadRequest)
			return
		}
		result := map[int64]string{
			30001: `{"Users":[{"UserId":30001,"NickName":"found"}],"NotFoundUsers":[30004]}`,
			30002: `{"Users":[{"UserId":30002}],"NotFoundUsers":[30001]}`,
			30003: `{"Users":[{"UserId":30003}],"NotFoundUsers":[30003]}`,
		}[b.UserIds[0]]
		_, _ = w.Write([]byte(`{"ResponseMetadata":{"RequestId":"req-` + fmt.Sprint(b.UserIds[0]) + `"},"Result":` + result + `}`))
	}))
	t.Cleanup(ts.Close)
	return ts
}

// An answer speaks only for the IDs its own call asked for: user 30001,
// found by its call, stays found when another call's answer names it as
// not found; what that answer said of it is counted as unrequested.
func TestBatchGetUserAnswersForItsOwnCall(t *testing.T) {
	ts := hostileUsers(t)
	c := newTestClient(t, ts.URL, func(c *Config) { c.MaxBatchSize, c.TrustBatchSize = 2, true })
	res, err := c.BatchGetUser(context.Background(), BatchGetUsersInput{AppID: 1, UserIDs: []int64{30001, 30004, 30002, 30005}})
	if err != nil {
		t.Fatal(err)
	}
	var found []int64
	for _, u := range res.Users {
		found = append(found, *u.UserID)
	}
	if fmt.Sprint(found) != "[30001 30002]" || fmt.Sprint(res.NotFound) != "[30004]" || res.Unrequested != 1 {
		t.Fatalf("found %v, not found %v, unrequested %d", found, res.NotFound, res.Unrequested)
	}
}

// An answer that lists a user both in Users and in NotFoundUsers
// contradicts itself: it is unreadable, naming the user, with its request
// ID, and the read fails rather than guess.
func TestBatchGetUserContradiction(t *testing.T) {
	ts := hostileUsers(t)
	c := newTestClient(t, ts.URL, func(c *Config) { c.MaxBatchSize, c.TrustBatchSize = 2, true })
	_, err := c.BatchGetUser(context.Background(), BatchGetUsersInput{AppID: 1, UserIDs: []int64{30001, 30004, 30003, 30006}})
	var apiErr *APIError
	if !errors.As(err, &apiErr) || !apiErr.Unreadable || !apiErr.Envelope || apiErr.RequestID != "req-30003" ||
		apiErr.Message != "the answer lists user 30003 both in Users and in NotFoundUsers" {
		t.Fatalf("err %v", err)
	}
}
