// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package imclient

import "context"

const (
	// ActionGetUserConversations lists a user's conversations page by page.
	ActionGetUserConversations = "GetUserConversations"
	// MaxUserConversations bounds a read of a user's conversations, in
	// conversations: ten times the 500 group conversations a user can
	// join, as one-to-one conversations count too. Pages are bounded by
	// what that many conversations fill (pagesFor).
	MaxUserConversations = 5000
)

// Sources of GetUserConversations (its DataType).
const (
	SourceRecent            = 0 // from the cache, by recent activity
	SourceAll               = 1 // from the database, by creation time
	SourceLiveGroupsCreated = 2 // live groups the user created, newest first
)

// UserConversationsInput names the user whose conversations are read.
type UserConversationsInput struct {
	AppID              int32
	UserID             int64
	Source             int32
	InboxType          int32
	IncludeMemberCount bool
	// Size, when set, stops the read as soon as the conversations kept
	// need more than its Bytes.
	Size SizeLimit[Conversation]
}

type userConversationsBody struct {
	AppID             int32 `json:"AppId"`
	Cursor            int64 `json:"Cursor"`
	Limit             int64 `json:"Limit"`
	ParticipantUserID int64 `json:"ParticipantUserId"`
	DataType          int32 `json:"DataType"`
	InboxType         int32 `json:"InboxType"`
	SkipMemberCount   bool  `json:"SkipMemberCount"`
}

type userConversationsPage struct {
	HasMore           *bool          `json:"HasMore"`
	NextCursor        *int64         `json:"NextCursor"`
	ConversationInfos []Conversation `json:"ConversationInfos"`
}

func (p *userConversationsPage) answer() pageAnswer[Conversation] {
	return pageAnswer[Conversation]{p.HasMore, p.NextCursor, p.ConversationInfos}
}

// GetUserConversations reads every conversation of a user, in the API's
// order, each once: a conversation of another app, or without its
// ConversationShortId, is left out and counted; see pager for when it
// stops.
func (c *Client) GetUserConversations(ctx context.Context, in UserConversationsInput) (Paged[Conversation], error) {
	rules := recordRules[Conversation]{
		key: func(c *Conversation) *int64 { return c.ConversationShortID }, idName: "ConversationShortId",
		belongs: func(c *Conversation) bool { return c.AppID == nil || *c.AppID == int64(in.AppID) }, where: "app",
	}
	p := newPager(ActionGetUserConversations, "conversation", c.maxListed.userConversations, rules, in.Size)
	return readCursorList(ctx, c, p, "ConversationInfos", func() *userConversationsPage { return new(userConversationsPage) },
		func(cursor int64) any {
			return userConversationsBody{AppID: in.AppID, Cursor: cursor, Limit: PageSize, ParticipantUserID: in.UserID,
				DataType: in.Source, InboxType: in.InboxType, SkipMemberCount: !in.IncludeMemberCount}
		})
}
