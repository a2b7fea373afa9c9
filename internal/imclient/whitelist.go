// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package imclient

import "context"

const (
	// ActionBatchGetWhitelistParticipant lists a live group's speaker
	// whitelist page by page.
	ActionBatchGetWhitelistParticipant = "BatchGetWhitelistParticipant"
	// MaxWhitelistUsers bounds a read of a whitelist, in users: the API
	// documents a cap of 100 by default; an app may have it raised, so the
	// bound is a hundred times that, still 500 pages at most.
	MaxWhitelistUsers = 10_000
)

// WhitelistedParticipant is one user on a whitelist. Every field is nil
// when the API leaves it out; CreateTime is in Unix seconds.
type WhitelistedParticipant struct {
	ParticipantUserID *int64            `json:"ParticipantUserId"`
	CreateTime        *int64            `json:"CreateTime"`
	Operator          *int64            `json:"Operator"`
	NickName          *string           `json:"NickName"`
	AvatarURL         *string           `json:"AvatarUrl"`
	Ext               map[string]string `json:"Ext"`
	Marks             []string          `json:"Marks"`
}

// WhitelistInput names the whitelist to read.
type WhitelistInput struct {
	AppID               int32
	ConversationShortID int64
}

type whitelistBody struct {
	AppID               int32 `json:"AppId"`
	ConversationShortID int64 `json:"ConversationShortId"`
	Cursor              int64 `json:"Cursor"`
	Limit               int64 `json:"Limit"`
}

type whitelistPage struct {
	HasMore      *bool                    `json:"HasMore"`
	NextCursor   *int64                   `json:"NextCursor"`
	Participants []WhitelistedParticipant `json:"Participants"`
}

func (p *whitelistPage) answer() pageAnswer[WhitelistedParticipant] {
	return pageAnswer[WhitelistedParticipant]{p.HasMore, p.NextCursor, p.Participants}
}

// BatchGetWhitelistParticipant reads a whole whitelist, in the API's
// order, each user once: a record without its ParticipantUserId is left
// out and counted; see pager for when it stops (never with part of the
// list).
func (c *Client) BatchGetWhitelistParticipant(ctx context.Context, in WhitelistInput) (Paged[WhitelistedParticipant], error) {
	rules := recordRules[WhitelistedParticipant]{key: func(p *WhitelistedParticipant) *int64 { return p.ParticipantUserID }, idName: "ParticipantUserId"}
	p := newPager(ActionBatchGetWhitelistParticipant, "whitelisted user", MaxWhitelistUsers, rules, SizeLimit[WhitelistedParticipant]{})
	return readCursorList(ctx, c, p, "Participants", func() *whitelistPage { return new(whitelistPage) },
		func(cursor int64) any {
			return whitelistBody{AppID: in.AppID, ConversationShortID: in.ConversationShortID, Cursor: cursor, Limit: PageSize}
		})
}
