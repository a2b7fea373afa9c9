// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package imclient

import "context"

const (
	// ActionGetUserConversations lists a user's conversations page by page.
	ActionGetUserConversations = "GetUserConversations"
	// MaxUserConversations bounds a read of a user's conversations: ten
	// times the 500 group conversations a user can join, as one-to-one
	// conversations count too.
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

	first bool
}

func (p *userConversationsPage) answer() pageAnswer[Conversation] {
	return pageAnswer[Conversation]{p.HasMore, p.NextCursor, p.ConversationInfos}
}

func (p *userConversationsPage) check(limit int) string {
	return checkPage(p.answer(), "ConversationInfos", p.first, limit)
}

// GetUserConversations reads every conversation of a user, in the API's
// order, each once; see chain for when it stops.
func (c *Client) GetUserConversations(ctx context.Context, in UserConversationsInput) ([]Conversation, error) {
	convs, _, err := chain(ctx, ActionGetUserConversations, "conversation", MaxUserConversations/PageSize,
		func(c *Conversation) *int64 { return c.ConversationShortID },
		func(ctx context.Context, cursor int64) (pageAnswer[Conversation], error) {
			p := userConversationsPage{first: cursor == 0}
			body := userConversationsBody{AppID: in.AppID, Cursor: cursor, Limit: PageSize, ParticipantUserID: in.UserID,
				DataType: in.Source, InboxType: in.InboxType, SkipMemberCount: !in.IncludeMemberCount}
			err := c.call(ctx, ActionGetUserConversations, body, PageSize, &p)
			return p.answer(), err
		})
	return convs, err
}
