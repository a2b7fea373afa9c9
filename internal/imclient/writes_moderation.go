// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package imclient

import (
	"context"
	"fmt"
	"slices"
	"strconv"
)

// The moderation writes: a live group's mute and block lists, its speaker
// whitelist, and a conversation's marks. Each sets a fact (a user is on a
// list, a mark is held), so sending it again does what it did once: every
// one is retried as reads are. Each has a budget of its own at the
// documented 50 calls per second (actionQPS); the batched ones find their
// batch size as the member writes do.
const (
	ActionAddBlockParticipants       = "BatchAddBlockParticipants"
	ActionDeleteBlockParticipants    = "BatchDeleteBlockParticipants"
	ActionAddWhitelistParticipant    = "BatchAddWhitelistParticipant"
	ActionRemoveWhitelistParticipant = "BatchRemoveWhitelistParticipant"
	ActionMarkConversation           = "MarkConversation"
	ActionGetConversationMarks       = "GetConversationMarks"
)

// Error codes of the moderation actions (the vendor's error-code page).
const (
	CodeOnlyLiveConversationSupport = "OnlyLiveConversationSupport"
	CodeWhitelistMoreThanLimit      = "BlockConversationWhiteParticipantMoreThanLimit"
	CodeMarkTypeMoreThanLimit       = "ConversationMarkTypeMoreThanLimit"
)

// MaxWhitelist is a live group's whitelist cap, documented as the default.
const MaxWhitelist = 100

// AddBlockInput mutes or blocks users until given ends.
type AddBlockInput struct {
	AppID               int32
	ConversationShortID int64
	List                int32 // BlockListMuted or BlockListBlocked
	// Until holds each user's end, in Unix seconds. The API takes a
	// duration: each call sends the seconds from the client's clock to the
	// end, rounded up, so the end the API records is the one asked for
	// or up to the call's own delay later.
	Until map[int64]int64
}

type addBlockBody struct {
	AppID                 int32            `json:"AppId"`
	ConversationShortID   int64            `json:"ConversationShortId"`
	ParticipantBlockInfos map[string]int64 `json:"ParticipantBlockInfos"`
	BlockAction           int32            `json:"BlockAction"`
}

type blockResult struct {
	FailedParticipantUserIDs []int64 `json:"FailedParticipantUserIds"`
}

// AddBlockParticipants mutes or blocks the users of in.Until. A user whose
// end has passed when their call is made is Done without being sent:
// there is nothing left to set. See WriteResult for what the result says.
func (c *Client) AddBlockParticipants(ctx context.Context, in AddBlockInput) (WriteResult, error) {
	ids := make([]int64, 0, len(in.Until))
	for id := range in.Until {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	if err := checkBlock(ActionAddBlockParticipants, in.AppID, in.ConversationShortID, in.List, ids); err != nil {
		return WriteResult{}, err
	}
	return c.writeBatched(ctx, ActionAddBlockParticipants, 0, ids, func(ctx context.Context, part []int64) ([]int64, error) {
		now := c.clock.Now().Unix()
		body := addBlockBody{AppID: in.AppID, ConversationShortID: in.ConversationShortID, BlockAction: in.List,
			ParticipantBlockInfos: make(map[string]int64, len(part))}
		for _, id := range part {
			if secs := in.Until[id] - now; secs > 0 {
				body.ParticipantBlockInfos[strconv.FormatInt(id, 10)] = secs
			}
		}
		if len(body.ParticipantBlockInfos) == 0 {
			return nil, nil
		}
		var out blockResult
		if err := c.call(ctx, ActionAddBlockParticipants, body, len(part), &out); err != nil {
			return nil, err
		}
		return foreign(ActionAddBlockParticipants, part, out.FailedParticipantUserIDs)
	})
}

// RemoveBlockInput unmutes or unblocks users.
type RemoveBlockInput struct {
	AppID               int32
	ConversationShortID int64
	List                int32
	UserIDs             []int64
}

type removeBlockBody struct {
	AppID               int32   `json:"AppId"`
	ConversationShortID int64   `json:"ConversationShortId"`
	ParticipantUserIDs  []int64 `json:"ParticipantUserIds"`
	BlockAction         int32   `json:"BlockAction"`
}

// DeleteBlockParticipants unmutes or unblocks users. What the API answers
// for a user not on the list is not documented: callers read the list back.
func (c *Client) DeleteBlockParticipants(ctx context.Context, in RemoveBlockInput) (WriteResult, error) {
	if err := checkBlock(ActionDeleteBlockParticipants, in.AppID, in.ConversationShortID, in.List, in.UserIDs); err != nil {
		return WriteResult{}, err
	}
	return c.writeBatched(ctx, ActionDeleteBlockParticipants, 0, in.UserIDs, func(ctx context.Context, part []int64) ([]int64, error) {
		body := removeBlockBody{AppID: in.AppID, ConversationShortID: in.ConversationShortID, ParticipantUserIDs: part, BlockAction: in.List}
		var out blockResult
		if err := c.call(ctx, ActionDeleteBlockParticipants, body, len(part), &out); err != nil {
			return nil, err
		}
		return foreign(ActionDeleteBlockParticipants, part, out.FailedParticipantUserIDs)
	})
}

func checkBlock(action string, appID int32, conv int64, list int32, ids []int64) error {
	if err := checkConversation(action, appID, conv); err != nil {
		return err
	}
	if list != BlockListMuted && list != BlockListBlocked {
		return fmt.Errorf("%s: list %d is not BlockListMuted or BlockListBlocked", action, list)
	}
	return checkUserIDList(action, ids)
}

// WhitelistWriteInput adds users to, or removes them from, a whitelist.
type WhitelistWriteInput struct {
	AppID               int32
	ConversationShortID int64
	Operator            int64 // required by the API
	UserIDs             []int64
}

type whitelistWriteBody struct {
	AppID               int32   `json:"AppId"`
	ConversationShortID int64   `json:"ConversationShortId"`
	Operator            int64   `json:"Operator"`
	ParticipantUserIDs  []int64 `json:"ParticipantUserIds"`
}

// AddWhitelistParticipant puts users on a live group's speaker whitelist.
func (c *Client) AddWhitelistParticipant(ctx context.Context, in WhitelistWriteInput) (WriteResult, error) {
	return c.writeWhitelist(ctx, ActionAddWhitelistParticipant, in)
}

// RemoveWhitelistParticipant takes users off a live group's whitelist.
func (c *Client) RemoveWhitelistParticipant(ctx context.Context, in WhitelistWriteInput) (WriteResult, error) {
	return c.writeWhitelist(ctx, ActionRemoveWhitelistParticipant, in)
}

func (c *Client) writeWhitelist(ctx context.Context, action string, in WhitelistWriteInput) (WriteResult, error) {
	if err := checkWrite(action, in.AppID, in.ConversationShortID, in.Operator, in.UserIDs); err != nil {
		return WriteResult{}, err
	}
	return c.writeBatched(ctx, action, 0, in.UserIDs, func(ctx context.Context, part []int64) ([]int64, error) {
		body := whitelistWriteBody{AppID: in.AppID, ConversationShortID: in.ConversationShortID, Operator: in.Operator, ParticipantUserIDs: part}
		var out failedUsersResult
		if err := c.call(ctx, action, body, len(part), &out); err != nil {
			return nil, err
		}
		return foreign(action, part, out.FailedUserIDs)
	})
}

// MarkInput adds or deletes marks of a conversation.
type MarkInput struct {
	AppID               int32
	ConversationShortID int64
	Marks               []string
	Delete              bool  // MarkAction 2; 1 (add) otherwise
	Operator            int64 // optional: 0 is not sent
}

type markBody struct {
	AppID               int32    `json:"AppId"`
	ConversationShortID int64    `json:"ConversationShortId"`
	MarkTypes           []string `json:"MarkTypes"`
	MarkAction          int32    `json:"MarkAction"`
	Operator            *int64   `json:"Operator,omitempty"`
}

// MarkConversation adds or deletes marks in one call; the answer is empty.
func (c *Client) MarkConversation(ctx context.Context, in MarkInput) error {
	if err := checkConversation(ActionMarkConversation, in.AppID, in.ConversationShortID); err != nil {
		return err
	}
	if len(in.Marks) == 0 {
		return fmt.Errorf("%s: no marks", ActionMarkConversation)
	}
	body := markBody{AppID: in.AppID, ConversationShortID: in.ConversationShortID, MarkTypes: in.Marks, MarkAction: 1}
	if in.Delete {
		body.MarkAction = 2
	}
	if in.Operator > 0 {
		body.Operator = &in.Operator
	}
	var out noResult
	return c.call(ctx, ActionMarkConversation, body, 0, &out)
}

// MaxMarks bounds the marks a read keeps: the API names a cap but not its
// value.
const MaxMarks = 1000

type marksResult struct {
	MarkTypes *[]string `json:"MarkTypes"`
}

func (r *marksResult) check(int) string {
	switch {
	case r.MarkTypes == nil:
		return "the answer has no MarkTypes list"
	case len(*r.MarkTypes) > MaxMarks:
		return fmt.Sprintf("the answer holds %d marks, more than %d", len(*r.MarkTypes), MaxMarks)
	}
	return ""
}

// GetConversationMarks reads a conversation's marks, each once.
func (c *Client) GetConversationMarks(ctx context.Context, appID int32, conversationShortID int64) ([]string, error) {
	if err := checkConversation(ActionGetConversationMarks, appID, conversationShortID); err != nil {
		return nil, err
	}
	body := struct {
		AppID               int32 `json:"AppId"`
		ConversationShortID int64 `json:"ConversationShortId"`
	}{appID, conversationShortID}
	var out marksResult
	if err := c.call(ctx, ActionGetConversationMarks, body, MaxMarks, &out); err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	marks := []string{}
	for _, m := range *out.MarkTypes {
		if !seen[m] {
			seen[m] = true
			marks = append(marks, m)
		}
	}
	return marks, nil
}
