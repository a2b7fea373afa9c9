// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package imclient

import (
	"context"
	"fmt"
)

// ActionBatchGetConversations is the action BatchGetConversations calls.
const ActionBatchGetConversations = "BatchGetConversations"

// Conversation is one conversation as BatchGetConversations returns it.
// Every field is nil when the API leaves it out.
type Conversation struct {
	AppID               *int64            `json:"AppId"`
	ConversationShortID *int64            `json:"ConversationShortId"`
	ConversationID      *string           `json:"ConversationId"`
	ConversationType    *int64            `json:"ConversationType"`
	Name                *string           `json:"Name"`
	Description         *string           `json:"Description"`
	Notice              *string           `json:"Notice"`
	AvatarURL           *string           `json:"AvatarUrl"`
	OwnerUserID         *int64            `json:"OwnerUserId"`
	OwnerUserIDStr      *string           `json:"OwnerUserIdStr"`
	CreatorUserID       *int64            `json:"CreatorUserId"`
	CreatorUserIDStr    *string           `json:"CreatorUserIdStr"`
	OtherUserID         *int64            `json:"OtherUserId"`
	OtherUserIDStr      *string           `json:"OtherUserIdStr"`
	InboxType           *int64            `json:"InboxType"`
	CreateTime          *int64            `json:"CreateTime"`
	ModifyTime          *int64            `json:"ModifyTime"`
	Status              *int64            `json:"Status"`
	MemberCount         *int64            `json:"MemberCount"`
	OnlineCount         *int64            `json:"OnlineCount"`
	Ext                 map[string]string `json:"Ext"`
}

// BatchGetConversationsInput names the conversations to read.
type BatchGetConversationsInput struct {
	AppID                int32
	ConversationShortIDs []int64
	// IncludeMemberCount asks for MemberCount (the API skips it by default).
	IncludeMemberCount bool
}

type batchGetConversationsBody struct {
	AppID                int32   `json:"AppId"`
	ConversationShortIDs []int64 `json:"ConversationShortId"`
	SkipMemberCount      bool    `json:"SkipMemberCount"`
}

type batchGetConversationsResult struct {
	ConversationCoreInfos []Conversation `json:"ConversationCoreInfos"`
}

// check refuses an answer without its list: that is not "none found".
func (r *batchGetConversationsResult) check(limit int) string {
	switch {
	case r.ConversationCoreInfos == nil:
		return "the answer has no ConversationCoreInfos list"
	case len(r.ConversationCoreInfos) > limit:
		return fmt.Sprintf("the answer holds %d conversations, more than the %d asked for", len(r.ConversationCoreInfos), limit)
	}
	return ""
}

// BatchGetConversations reads the given conversations in batches (see
// batched). IDs the API does not return (unknown or dissolved) are absent.
// A read that fits in one call shares it with the reads of other callers
// waiting for the action (see merged).
func (c *Client) BatchGetConversations(ctx context.Context, in BatchGetConversationsInput) ([]Conversation, error) {
	if mergeable(in.ConversationShortIDs, c.batchSizeOf(ActionBatchGetConversations, 0).size()) {
		return c.mergedConversations(ctx, in)
	}
	return c.batchGetConversations(ctx, in)
}

func (c *Client) batchGetConversations(ctx context.Context, in BatchGetConversationsInput) ([]Conversation, error) {
	return batched(ctx, c, ActionBatchGetConversations, 0, in.ConversationShortIDs, func(ctx context.Context, ids []int64) ([]Conversation, error) {
		body := batchGetConversationsBody{AppID: in.AppID, ConversationShortIDs: ids, SkipMemberCount: !in.IncludeMemberCount}
		var out batchGetConversationsResult
		if err := c.call(ctx, ActionBatchGetConversations, body, len(ids), &out); err != nil {
			return nil, err
		}
		return out.ConversationCoreInfos, nil
	})
}
