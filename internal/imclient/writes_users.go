// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package imclient

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
)

// The write actions on users (a bot is a user with IsRobot). Each has a
// budget of its own at the documented 50 calls per second (actionQPS) and
// a documented cap per call.
const (
	ActionRegisterUsers   = "RegisterUsers"
	ActionUpdateUsers     = "BatchUpdateUser"
	ActionUnregisterUsers = "UnRegisterUsers"

	MaxRegisterUsersPerCall   = 20
	MaxUpdateUsersPerCall     = 10
	MaxUnregisterUsersPerCall = 10
)

// A profile's documented limits, in bytes.
const (
	MaxNickNameBytes = 100
	MaxPortraitBytes = 500
	MaxExtKeys       = 20
	MaxExtKeyBytes   = 50
	MaxExtValueBytes = 500
	// ReservedExtPrefix starts the ext keys the system keeps for itself.
	ReservedExtPrefix = "s:"
)

// UserProfile is one user to register or update. BatchUpdateUser replaces
// the whole profile: every field is sent, an empty one clears it.
type UserProfile struct {
	UserID   int64
	NickName string
	Portrait string
	Tags     []string
	Ext      map[string]string
	// IsRobot is for RegisterUsers only: BatchUpdateUser cannot change it.
	IsRobot bool
}

// ProfileProblem says what in p breaks a documented limit; "" when none.
func ProfileProblem(p UserProfile) string {
	switch {
	case p.UserID <= 0:
		return fmt.Sprintf("user ID %d is not positive", p.UserID)
	case len(p.NickName) > MaxNickNameBytes:
		return fmt.Sprintf("user %d: NickName is %d bytes, more than %d", p.UserID, len(p.NickName), MaxNickNameBytes)
	case len(p.Portrait) > MaxPortraitBytes:
		return fmt.Sprintf("user %d: Portrait is %d bytes, more than %d", p.UserID, len(p.Portrait), MaxPortraitBytes)
	case len(p.Ext) > MaxExtKeys:
		return fmt.Sprintf("user %d: Ext has %d keys, more than %d", p.UserID, len(p.Ext), MaxExtKeys)
	}
	for _, k := range slices.Sorted(maps.Keys(p.Ext)) {
		switch {
		case len(k) > MaxExtKeyBytes:
			return fmt.Sprintf("user %d: Ext key %q is %d bytes, more than %d", p.UserID, k, len(k), MaxExtKeyBytes)
		case strings.HasPrefix(k, ReservedExtPrefix):
			return fmt.Sprintf("user %d: Ext key %q starts with %q, which the system reserves", p.UserID, k, ReservedExtPrefix)
		case len(p.Ext[k]) > MaxExtValueBytes:
			return fmt.Sprintf("user %d: Ext value of %q is %d bytes, more than %d", p.UserID, k, len(p.Ext[k]), MaxExtValueBytes)
		}
	}
	return ""
}

// FailedInfo is why the API did not write one user.
type FailedInfo struct {
	UserID  int64
	Code    string
	Message string
}

func (f FailedInfo) String() string {
	switch {
	case f.Code == "" && f.Message == "":
		return "no reason given"
	case f.Message == "":
		return f.Code
	case f.Code == "":
		return f.Message
	}
	return f.Code + ": " + f.Message
}

// UsersInput is a batch register or update of Users, each at most once.
type UsersInput struct {
	AppID int32
	Users []UserProfile
}

// UnregisterUsersInput names the users to unregister, each at most once.
type UnregisterUsersInput struct {
	AppID   int32
	UserIDs []int64
}

type registerUserBody struct {
	UserID   int64             `json:"UserId"`
	NickName string            `json:"NickName"`
	Portrait string            `json:"Portrait"`
	Tags     []string          `json:"Tags"`
	Ext      map[string]string `json:"Ext"`
	IsRobot  *bool             `json:"IsRobot,omitempty"`
}

type usersBody struct {
	AppID int32              `json:"AppId"`
	Users []registerUserBody `json:"Users"`
}

type unregisterUsersBody struct {
	AppID   int32   `json:"AppId"`
	UserIDs []int64 `json:"UserIds"`
}

type failedInfoBody struct {
	UserID  *int64 `json:"UserId"`
	Code    string `json:"Code"`
	Message string `json:"Message"`
}

type failedInfosResult struct {
	FailedInfos []failedInfoBody `json:"FailedInfos"`
}

// check refuses an answer without FailedInfos (it cannot say which users
// were written) or with an entry that names no user.
func (r *failedInfosResult) check(int) string {
	if r.FailedInfos == nil {
		return "the answer has no FailedInfos, so it does not say which users were written"
	}
	for _, f := range r.FailedInfos {
		if f.UserID == nil {
			return "a FailedInfos entry names no UserId"
		}
	}
	return ""
}

// reasons collects FailedInfos over the calls of one write.
type reasons struct {
	mu sync.Mutex
	m  map[int64]FailedInfo
}

func (r *reasons) add(infos []failedInfoBody) []int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	ids := make([]int64, 0, len(infos))
	for _, f := range infos {
		ids = append(ids, *f.UserID)
		r.m[*f.UserID] = FailedInfo{UserID: *f.UserID, Code: printable(f.Code), Message: printable(f.Message)}
	}
	return ids
}

// attach puts the reasons of res's Failed users into res and err.
func (r *reasons) attach(res WriteResult, err error) (WriteResult, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, id := range res.Failed {
		if why, ok := r.m[id]; ok {
			if res.Reasons == nil {
				res.Reasons = map[int64]FailedInfo{}
			}
			res.Reasons[id] = why
		}
	}
	var werr *WriteError
	if errors.As(err, &werr) {
		werr.Result = res
	}
	return res, err
}

// RegisterUsers registers users, at most 20 a call. What the API does with
// a user who is already registered is not documented (it may refuse or
// overwrite), so a call whose answer is lost (a 5xx, a cut connection, an
// unreadable answer) is never sent again: its users are Unknown, for the
// caller to settle by reading them back (BatchGetUser). Only a throttled
// call, which the API refused before doing anything, is retried. Users in
// FailedInfos are Failed, with the API's reason in Reasons.
func (c *Client) RegisterUsers(ctx context.Context, in UsersInput) (WriteResult, error) {
	return c.writeUsers(ctx, ActionRegisterUsers, MaxRegisterUsersPerCall, in, true)
}

// UpdateUsers (BatchUpdateUser) replaces users' whole profiles, at most 10
// a call: every field is sent, an empty one clears it. IsRobot is not
// sent (the action has none). Setting a profile is safe to repeat, so
// transient failures are retried.
func (c *Client) UpdateUsers(ctx context.Context, in UsersInput) (WriteResult, error) {
	return c.writeUsers(ctx, ActionUpdateUsers, MaxUpdateUsersPerCall, in, false)
}

func (c *Client) writeUsers(ctx context.Context, action string, documented int, in UsersInput, register bool) (WriteResult, error) {
	ids := make([]int64, len(in.Users))
	byID := make(map[int64]UserProfile, len(in.Users))
	for i, u := range in.Users {
		if msg := ProfileProblem(u); msg != "" {
			return WriteResult{}, fmt.Errorf("%s: %s", action, msg)
		}
		ids[i] = u.UserID
		byID[u.UserID] = u
	}
	if err := checkUserIDs(action, in.AppID, ids); err != nil {
		return WriteResult{}, err
	}
	if len(ids) <= documented {
		return c.mergedWrite(ctx, action, documented, in.AppID, ids, byID, register)
	}
	return c.writeProfiles(ctx, action, documented, in.AppID, ids, byID, register)
}

// writeProfiles registers or updates the users ids, whose profiles are
// in byID.
func (c *Client) writeProfiles(ctx context.Context, action string, documented int, app int32, ids []int64,
	byID map[int64]UserProfile, register bool) (WriteResult, error) {
	if register {
		ctx = withNoRepeat(ctx)
	}
	why := &reasons{m: map[int64]FailedInfo{}}
	res, err := c.writeBatched(ctx, action, documented, ids, func(ctx context.Context, part []int64) ([]int64, error) {
		body := usersBody{AppID: app, Users: make([]registerUserBody, len(part))}
		for i, id := range part {
			u := byID[id]
			b := registerUserBody{UserID: id, NickName: u.NickName, Portrait: u.Portrait, Tags: u.Tags, Ext: u.Ext}
			if b.Tags == nil {
				b.Tags = []string{}
			}
			if b.Ext == nil {
				b.Ext = map[string]string{}
			}
			if register {
				b.IsRobot = &u.IsRobot
			}
			body.Users[i] = b
		}
		var out failedInfosResult
		if err := c.call(ctx, action, body, len(part), &out); err != nil {
			return nil, err
		}
		return why.add(out.FailedInfos), nil
	})
	return why.attach(res, err)
}

// UnregisterUsers unregisters users, at most 10 a call. Unregistering is
// safe to repeat, but the repeat of a call whose answer was lost finds
// users no longer registered, and what the API answers for them is not
// documented. So the goal is what counts: users in FailedInfos are looked
// up (BatchGetUser), and those not found are Done; the others Failed.
func (c *Client) UnregisterUsers(ctx context.Context, in UnregisterUsersInput) (WriteResult, error) {
	if err := checkUserIDs(ActionUnregisterUsers, in.AppID, in.UserIDs); err != nil {
		return WriteResult{}, err
	}
	if len(in.UserIDs) <= MaxUnregisterUsersPerCall {
		return c.mergedWrite(ctx, ActionUnregisterUsers, MaxUnregisterUsersPerCall, in.AppID, in.UserIDs, nil, false)
	}
	return c.unregister(ctx, in.AppID, in.UserIDs)
}

func (c *Client) unregister(ctx context.Context, app int32, ids []int64) (WriteResult, error) {
	why := &reasons{m: map[int64]FailedInfo{}}
	res, err := c.writeBatched(ctx, ActionUnregisterUsers, MaxUnregisterUsersPerCall, ids, func(ctx context.Context, part []int64) ([]int64, error) {
		var out failedInfosResult
		if err := c.call(ctx, ActionUnregisterUsers, unregisterUsersBody{AppID: app, UserIDs: part}, len(part), &out); err != nil {
			return nil, err
		}
		failedIDs, err := foreign(ActionUnregisterUsers, part, why.add(out.FailedInfos))
		if err != nil || len(failedIDs) == 0 {
			return failedIDs, err
		}
		got, err := c.BatchGetUser(ctx, BatchGetUsersInput{AppID: app, UserIDs: failedIDs})
		if err != nil {
			return nil, &verifyError{UserIDs: failedIDs, Err: err}
		}
		still := map[int64]bool{}
		for _, u := range got.Users {
			if u.UserID != nil {
				still[*u.UserID] = true
			}
		}
		return slices.DeleteFunc(failedIDs, func(id int64) bool { return !still[id] }), nil
	})
	return why.attach(res, err)
}

func checkUserIDs(action string, appID int32, ids []int64) error {
	if appID <= 0 {
		return fmt.Errorf("%s: app ID %d is not positive", action, appID)
	}
	return checkUserIDList(action, ids)
}
