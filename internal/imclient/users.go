// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package imclient

import (
	"context"
	"fmt"
)

const (
	// ActionBatchGetUser reads users' profiles.
	ActionBatchGetUser = "BatchGetUser"
	// MaxUsersPerCall is the most user IDs one BatchGetUser call takes
	// (documented).
	MaxUsersPerCall = 50
)

// User is one user's profile as BatchGetUser returns it. Every field is
// nil when the API leaves it out. CreateTime and ModifyTime are Unix
// milliseconds.
type User struct {
	AppID      *int64            `json:"AppId"`
	UserID     *int64            `json:"UserId"`
	NickName   *string           `json:"NickName"`
	Portrait   *string           `json:"Portrait"`
	Tags       []string          `json:"Tags"`
	Ext        map[string]string `json:"Ext"`
	IsRobot    *bool             `json:"IsRobot"`
	CreateTime *int64            `json:"CreateTime"`
	ModifyTime *int64            `json:"ModifyTime"`
}

// BatchGetUsersInput names the users to read.
type BatchGetUsersInput struct {
	AppID   int32
	UserIDs []int64
}

// UsersResult is what BatchGetUser answered, over every batch: the users
// found and the IDs it says are not found (not registered, or
// deregistered). Each answer speaks only for the IDs its own call asked
// for: what it says of other IDs is left out, and counted in Unrequested.
// Records without a user ID are kept, for the caller to count.
type UsersResult struct {
	Users       []User
	NotFound    []int64
	Unrequested int
}

type batchGetUserBody struct {
	AppID   int32   `json:"AppId"`
	UserIDs []int64 `json:"UserIds"`
}

type batchGetUserResult struct {
	Users         []User  `json:"Users"`
	NotFoundUsers []int64 `json:"NotFoundUsers"`
	// unrequested counts what mine left out.
	unrequested int
}

// check refuses an answer without its user list, with more users than
// were asked for, or that says of one user both that it was found and
// that it was not: either half would be a guess.
func (r *batchGetUserResult) check(limit int) string {
	if r.Users == nil && r.NotFoundUsers == nil {
		return "the answer has neither Users nor NotFoundUsers"
	}
	found := make(map[int64]bool, len(r.Users))
	for _, u := range r.Users {
		if u.UserID != nil {
			found[*u.UserID] = true
		}
	}
	for _, id := range r.NotFoundUsers {
		if found[id] {
			return fmt.Sprintf("the answer lists user %d both in Users and in NotFoundUsers", id)
		}
	}
	if n := len(r.Users) + len(r.NotFoundUsers); n > limit {
		return fmt.Sprintf("the answer holds %d users, more than the %d asked for", n, limit)
	}
	return ""
}

// mine keeps what the answer says of the IDs its call asked for, and
// counts the rest in unrequested: another call's answer, not this one,
// says whether those users exist.
func (r *batchGetUserResult) mine(asked []int64) {
	ask := make(map[int64]bool, len(asked))
	for _, id := range asked {
		ask[id] = true
	}
	unrequested := 0
	users := r.Users[:0]
	for _, u := range r.Users {
		if u.UserID != nil && !ask[*u.UserID] {
			unrequested++
			continue
		}
		users = append(users, u)
	}
	notFound := r.NotFoundUsers[:0]
	for _, id := range r.NotFoundUsers {
		if !ask[id] {
			unrequested++
			continue
		}
		notFound = append(notFound, id)
	}
	r.Users, r.NotFoundUsers, r.unrequested = users, notFound, unrequested
}

// BatchGetUser reads the given users in batches of at most MaxUsersPerCall
// (or max_batch_size, when lower; see batched).
// A read that fits in one call shares it with the reads of other callers
// waiting for the action (see merged).
func (c *Client) BatchGetUser(ctx context.Context, in BatchGetUsersInput) (UsersResult, error) {
	if mergeable(in.UserIDs, c.batchSizeOf(ActionBatchGetUser, MaxUsersPerCall).size()) {
		return c.mergedUsers(ctx, in)
	}
	return c.batchGetUser(ctx, in)
}

func (c *Client) batchGetUser(ctx context.Context, in BatchGetUsersInput) (UsersResult, error) {
	answers, err := batched(ctx, c, ActionBatchGetUser, MaxUsersPerCall, in.UserIDs, func(ctx context.Context, ids []int64) ([]batchGetUserResult, error) {
		var out batchGetUserResult
		if err := c.call(ctx, ActionBatchGetUser, batchGetUserBody{AppID: in.AppID, UserIDs: ids}, len(ids), &out); err != nil {
			return nil, err
		}
		out.mine(ids)
		return []batchGetUserResult{out}, nil
	})
	var res UsersResult
	for _, a := range answers {
		res.Unrequested += a.unrequested
		res.Users = append(res.Users, a.Users...)
		res.NotFound = append(res.NotFound, a.NotFoundUsers...)
	}
	return res, err
}
