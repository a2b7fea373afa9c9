// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package imclient

import (
	"context"
	"errors"
)

// The reads that merge (see merged): BatchGetConversations and
// BatchGetUser requests that fit in one call.

// mergeable reports whether a read of ids goes through the merge queue:
// it fits in one call of the action's batch size.
func mergeable(ids []int64, size int) bool {
	return len(ids) > 0 && len(ids) <= size && distinctIDs(ids)
}

// mergedConversations reads in's conversations in the next call of the
// action for in.AppID, with the other requests waiting for it. The member
// count is asked for when any request of the call wants it; a request
// that did not ask gets none, as it would alone.
func (c *Client) mergedConversations(ctx context.Context, in BatchGetConversationsInput) ([]Conversation, error) {
	bs := c.batchSizeOf(ActionBatchGetConversations, 0)
	r := &mergeReq{ids: in.ConversationShortIDs, arg: in.IncludeMemberCount}
	out, err := c.merged(ctx, ActionBatchGetConversations, in.AppID, bs.size, r, func(ctx context.Context, reqs []*mergeReq) []*mergeReq {
		ids := unionIDs(reqs)
		count := false
		for _, r := range reqs {
			want, _ := r.arg.(bool)
			count = count || want
		}
		body := batchGetConversationsBody{AppID: in.AppID, ConversationShortIDs: ids, SkipMemberCount: !count}
		var res batchGetConversationsResult
		err := c.call(ctx, ActionBatchGetConversations, body, len(ids), &res)
		if err != nil {
			return failAll(reqs, bs, len(ids), err)
		}
		bs.worked(len(ids))
		for _, r := range reqs {
			want, _ := r.arg.(bool)
			r.out = conversationsOf(res.ConversationCoreInfos, r.ids, len(reqs) == 1, want)
		}
		return nil
	})
	if errors.Is(err, errSplit) {
		return c.batchGetConversations(ctx, in)
	}
	convs, _ := out.([]Conversation)
	return convs, err
}

// conversationsOf is what an answer says of ids: every record when the
// call was the request's alone (the caller judges records of other IDs),
// else the records of its own IDs. Without count, MemberCount is left out.
func conversationsOf(all []Conversation, ids []int64, alone, count bool) []Conversation {
	mine := make(map[int64]bool, len(ids))
	for _, id := range ids {
		mine[id] = true
	}
	out := []Conversation{}
	for _, cv := range all {
		if !alone && (cv.ConversationShortID == nil || !mine[*cv.ConversationShortID]) {
			continue
		}
		if !count {
			cv.MemberCount = nil
		}
		out = append(out, cv)
	}
	return out
}

// failAll gives every request of a call that failed its error, and
// returns them to be sent alone. A request alone that the API refused as
// too long goes the unmerged way, which splits it.
func failAll(reqs []*mergeReq, bs *batchSize, n int, err error) []*mergeReq {
	var apiErr *APIError
	tooLong := errors.As(err, &apiErr) && apiErr.TooManyIDs() && n > 1
	if tooLong {
		bs.refused(n)
	}
	for _, r := range reqs {
		r.err = err
		if tooLong && len(reqs) == 1 {
			r.err = errSplit
		}
	}
	return reqs
}

// mergedUsers reads in's users in the next call of BatchGetUser for
// in.AppID. Each request gets what the answer says of its own IDs; what
// it says of IDs the call did not ask for counts in every request's
// Unrequested.
func (c *Client) mergedUsers(ctx context.Context, in BatchGetUsersInput) (UsersResult, error) {
	bs := c.batchSizeOf(ActionBatchGetUser, MaxUsersPerCall)
	r := &mergeReq{ids: in.UserIDs}
	out, err := c.merged(ctx, ActionBatchGetUser, in.AppID, bs.size, r, func(ctx context.Context, reqs []*mergeReq) []*mergeReq {
		ids := unionIDs(reqs)
		var res batchGetUserResult
		if err := c.call(ctx, ActionBatchGetUser, batchGetUserBody{AppID: in.AppID, UserIDs: ids}, len(ids), &res); err != nil {
			return failAll(reqs, bs, len(ids), err)
		}
		bs.worked(len(ids))
		res.mine(ids)
		for _, r := range reqs {
			r.out = usersOf(res, r.ids)
		}
		return nil
	})
	if errors.Is(err, errSplit) {
		return c.batchGetUser(ctx, in)
	}
	got, _ := out.(UsersResult)
	return got, err
}

// usersOf is what an answer (kept to its call's IDs) says of ids; records
// without a user ID go to every request, for each caller to count.
func usersOf(res batchGetUserResult, ids []int64) UsersResult {
	mine := make(map[int64]bool, len(ids))
	for _, id := range ids {
		mine[id] = true
	}
	out := UsersResult{Unrequested: res.unrequested}
	for _, u := range res.Users {
		if u.UserID == nil || mine[*u.UserID] {
			out.Users = append(out.Users, u)
		}
	}
	for _, id := range res.NotFoundUsers {
		if mine[id] {
			out.NotFound = append(out.NotFound, id)
		}
	}
	return out
}
