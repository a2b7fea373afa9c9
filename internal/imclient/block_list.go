// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package imclient

import "context"

const (
	// ActionBatchGetBlockParticipants lists a conversation's muted or
	// blocked users page by page.
	ActionBatchGetBlockParticipants = "BatchGetBlockParticipants"
	// MaxBlockListUsers bounds a read of a mute or block list, in users.
	// The API gives no count to bound it, so an endless chain would run to
	// this bound: 20,000 users is 1,000 full pages, 10 s at the API's 100
	// calls a second (the member bound, 1,000,000, took 512 s), and twenty
	// times the 1,000 a moderator could mute or block by hand in a
	// conversation's lifetime. Pages are bounded by what that many users
	// fill (pagesFor): 2,010, about 20 s even for empty pages.
	MaxBlockListUsers = 20_000
)

// Block lists (BatchGetBlockParticipants' BlockAction).
const (
	BlockListMuted   = 0
	BlockListBlocked = 1
)

// BlockedParticipant is one user on a mute or block list. Every field is
// nil when the API leaves it out; times are Unix seconds.
type BlockedParticipant struct {
	ParticipantUserID    *int64            `json:"ParticipantUserId"`
	ParticipantUserIDStr *string           `json:"ParticipantUserIdStr"`
	NickName             *string           `json:"NickName"`
	AvatarURL            *string           `json:"AvatarUrl"`
	Marks                []string          `json:"Marks"`
	Ext                  map[string]string `json:"Ext"`
	BlockTime            *int64            `json:"BlockTime"`  // until when
	CreateTime           *int64            `json:"CreateTime"` // when it was set
}

// BlockListInput names the list to read.
type BlockListInput struct {
	AppID               int32
	ConversationShortID int64
	List                int32 // BlockListMuted or BlockListBlocked
	// Size, when set, stops the read as soon as the users kept need more
	// than its Bytes.
	Size SizeLimit[BlockedParticipant]
}

type blockListBody struct {
	AppID               int32 `json:"AppId"`
	ConversationShortID int64 `json:"ConversationShortId"`
	Cursor              int64 `json:"Cursor"`
	Limit               int64 `json:"Limit"`
	BlockAction         int32 `json:"BlockAction"`
}

type blockListPage struct {
	HasMore      *bool                `json:"HasMore"`
	NextCursor   *int64               `json:"NextCursor"`
	Participants []BlockedParticipant `json:"Participants"`
}

func (p *blockListPage) answer() pageAnswer[BlockedParticipant] {
	return pageAnswer[BlockedParticipant]{p.HasMore, p.NextCursor, p.Participants}
}

// BatchGetBlockParticipants reads a whole mute or block list, in the API's
// order, each user once: a record without its ParticipantUserId is left
// out and counted; see pager for when it stops.
func (c *Client) BatchGetBlockParticipants(ctx context.Context, in BlockListInput) (Paged[BlockedParticipant], error) {
	rules := recordRules[BlockedParticipant]{key: func(p *BlockedParticipant) *int64 { return p.ParticipantUserID }, idName: "ParticipantUserId"}
	p := newPager(ActionBatchGetBlockParticipants, "listed user", c.maxListed.blockList, rules, in.Size)
	return readCursorList(ctx, c, p, "Participants", func() *blockListPage { return new(blockListPage) },
		func(cursor int64) any {
			return blockListBody{AppID: in.AppID, ConversationShortID: in.ConversationShortID, Cursor: cursor, Limit: PageSize,
				BlockAction: in.List}
		})
}
