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
// deregistered).
type UsersResult struct {
	Users    []User
	NotFound []int64
}

type batchGetUserBody struct {
	AppID   int32   `json:"AppId"`
	UserIDs []int64 `json:"UserIds"`
}

type batchGetUserResult struct {
	Users         []User  `json:"Users"`
	NotFoundUsers []int64 `json:"NotFoundUsers"`
}

// check refuses an answer without its user list, or with more users than
// were asked for.
func (r *batchGetUserResult) check(limit int) string {
	switch {
	case r.Users == nil && r.NotFoundUsers == nil:
		return "the answer has neither Users nor NotFoundUsers"
	case len(r.Users)+len(r.NotFoundUsers) > limit:
		return fmt.Sprintf("the answer holds %d users, more than the %d asked for", len(r.Users)+len(r.NotFoundUsers), limit)
	}
	return ""
}

// BatchGetUser reads the given users in batches of at most MaxUsersPerCall
// (or max_batch_size, when lower; see batched).
func (c *Client) BatchGetUser(ctx context.Context, in BatchGetUsersInput) (UsersResult, error) {
	answers, err := batched(ctx, c, ActionBatchGetUser, MaxUsersPerCall, in.UserIDs, func(ctx context.Context, ids []int64) ([]batchGetUserResult, error) {
		var out batchGetUserResult
		if err := c.call(ctx, ActionBatchGetUser, batchGetUserBody{AppID: in.AppID, UserIDs: ids}, len(ids), &out); err != nil {
			return nil, err
		}
		return []batchGetUserResult{out}, nil
	})
	var res UsersResult
	for _, a := range answers {
		res.Users = append(res.Users, a.Users...)
		res.NotFound = append(res.NotFound, a.NotFoundUsers...)
	}
	return res, err
}
