// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package imclient

import (
	"context"
	"fmt"
	"maps"
	"slices"
)

// The batch write actions on members. Each has a budget of its own at the
// documented 50 calls per second (actionQPS) and a batch size of its own
// (batchSizeOf), found as the reads find theirs.
const (
	ActionAddParticipants    = "BatchAddConversationParticipant"
	ActionModifyParticipants = "BatchModifyConversationParticipant"
	ActionRemoveParticipants = "BatchDeleteConversationParticipant"
)

// ParticipantInfo is one member to add or modify. A nil field is not sent.
type ParticipantInfo struct {
	UserID int64
	// Role is RoleMember or RoleAdmin (the API turns an invalid value into
	// RoleMember, and RoleOwner only fits the conversation's owner).
	Role     *int64
	Level    *int32
	NickName *string
	// Ext is sent when not nil; an empty map is sent as {}.
	Ext map[string]string
	// BlockTime (Unix seconds until which the member is muted; 0 unmutes)
	// is for ModifyParticipants only: AddParticipants refuses it.
	BlockTime *int64
}

type participantInfoBody struct {
	ParticipantUserID int64              `json:"ParticipantUserId"`
	Role              *int64             `json:"Role,omitempty"`
	Level             *int32             `json:"Level,omitempty"`
	NickName          *string            `json:"NickName,omitempty"`
	Ext               *map[string]string `json:"Ext,omitempty"`
	BlockTime         *int64             `json:"BlockTime,omitempty"`
}

func (p ParticipantInfo) body() participantInfoBody {
	b := participantInfoBody{ParticipantUserID: p.UserID, Role: p.Role, Level: p.Level, NickName: p.NickName, BlockTime: p.BlockTime}
	if p.Ext != nil {
		ext := p.Ext
		b.Ext = &ext
	}
	return b
}

// ParticipantsInput is a batch add or modify: Participants, each user at
// most once, in one conversation, recorded as done by Operator (the API
// does not check the operator; callers use the owner by default).
type ParticipantsInput struct {
	AppID               int32
	ConversationShortID int64
	Operator            int64
	Participants        []ParticipantInfo
}

// RemoveParticipantsInput names the members to remove, each at most once.
type RemoveParticipantsInput struct {
	AppID               int32
	ConversationShortID int64
	Operator            int64
	UserIDs             []int64
}

type participantsBody struct {
	AppID               int32                 `json:"AppId"`
	ConversationShortID int64                 `json:"ConversationShortId"`
	Operator            int64                 `json:"Operator"`
	ParticipantInfos    []participantInfoBody `json:"ParticipantInfos"`
}

type removeParticipantsBody struct {
	AppID               int32   `json:"AppId"`
	ConversationShortID int64   `json:"ConversationShortId"`
	Operator            int64   `json:"Operator"`
	ParticipantUserIDs  []int64 `json:"ParticipantUserIds"`
}

type failedUsersResult struct {
	FailedUserIDs []int64 `json:"FailedUserIds"`
}

// AddParticipants adds members, or overwrites the data of those who
// already are (the API's semantics): repeating an add sets the same data
// again, so transient failures are retried. Batches run several at a time
// within the action's budget; see WriteResult for what the result says.
// The error, a *WriteError, is nil only when every user is Done.
func (c *Client) AddParticipants(ctx context.Context, in ParticipantsInput) (WriteResult, error) {
	for _, p := range in.Participants {
		if p.BlockTime != nil {
			return WriteResult{}, fmt.Errorf("%s: user %d: BlockTime can only be set by ModifyParticipants", ActionAddParticipants, p.UserID)
		}
	}
	return c.writeInfos(ctx, ActionAddParticipants, in)
}

// ModifyParticipants sets fields of members. Setting a field is safe to
// repeat, so transient failures are retried. The API lists users who are
// not members (or left) in FailedUserIds. Batches run several at a time:
// to demote admins before promoting others within the 10-admin cap, make
// two calls.
func (c *Client) ModifyParticipants(ctx context.Context, in ParticipantsInput) (WriteResult, error) {
	return c.writeInfos(ctx, ActionModifyParticipants, in)
}

func (c *Client) writeInfos(ctx context.Context, action string, in ParticipantsInput) (WriteResult, error) {
	ids := make([]int64, len(in.Participants))
	byID := make(map[int64]ParticipantInfo, len(in.Participants))
	for i, p := range in.Participants {
		ids[i] = p.UserID
		byID[p.UserID] = p
	}
	if err := checkWrite(action, in.AppID, in.ConversationShortID, in.Operator, ids); err != nil {
		return WriteResult{}, err
	}
	return c.writeBatched(ctx, action, 0, ids, func(ctx context.Context, part []int64) ([]int64, error) {
		body := participantsBody{AppID: in.AppID, ConversationShortID: in.ConversationShortID, Operator: in.Operator,
			ParticipantInfos: make([]participantInfoBody, len(part))}
		for i, id := range part {
			body.ParticipantInfos[i] = byID[id].body()
		}
		var out failedUsersResult
		var settle settleFunc
		if action == ActionAddParticipants {
			settle = c.settleAdd(in, &body)
		}
		err := c.callSettled(ctx, action, body, len(part), &out, settle)
		return out.FailedUserIDs, err
	})
}

// settleAdd reads back the users of an add whose attempt failed after it
// may have been applied (a 5xx, an error answer, no answer): those the API
// lists as members holding what the add sets are done, and the add is sent
// again for the others only. Each add posts a system message in the
// group, so a user whose add was applied is never added again; before
// this, a user behind three lost answers was added four times.
func (c *Client) settleAdd(in ParticipantsInput, body *participantsBody) settleFunc {
	return func(ctx context.Context) (any, int, bool, error) {
		ids := make([]int64, len(body.ParticipantInfos))
		for i, p := range body.ParticipantInfos {
			ids[i] = p.ParticipantUserID
		}
		found, err := c.BatchGetConversationParticipant(ctx, BatchGetParticipantsInput{
			AppID: in.AppID, ConversationShortID: in.ConversationShortID, UserIDs: ids})
		if err != nil {
			return nil, 0, false, err
		}
		byID := map[int64]Participant{}
		for _, p := range found {
			if p.ParticipantUserID != nil && (p.ConversationShortID == nil || *p.ConversationShortID == body.ConversationShortID) {
				byID[*p.ParticipantUserID] = p
			}
		}
		left := body.ParticipantInfos[:0:0]
		for _, info := range body.ParticipantInfos {
			if p, ok := byID[info.ParticipantUserID]; !ok || !holds(p, info) {
				left = append(left, info)
			}
		}
		if len(left) == 0 {
			return nil, 0, true, nil
		}
		next := *body
		next.ParticipantInfos = left
		*body = next
		return next, len(left), false, nil
	}
}

// holds says a current member p holds every field info sets.
func holds(p Participant, info participantInfoBody) bool {
	switch {
	case p.Status != nil && *p.Status == StatusLeft:
		return false
	case info.Role != nil && (p.Role == nil || *p.Role != *info.Role):
		return false
	case info.Level != nil && (p.Level == nil || *p.Level != int64(*info.Level)):
		return false
	case info.NickName != nil && (p.NickName == nil || *p.NickName != *info.NickName):
		return false
	case info.Ext != nil && !maps.Equal(p.Ext, *info.Ext):
		return false
	}
	return true
}

// RemoveParticipants removes members. Removing is safe to repeat, but the
// repeat of a removal whose answer was lost finds non-members, and what
// the API answers for them is not documented. So the goal is what counts:
// users the API lists in FailedUserIds are looked up
// (BatchGetConversationParticipant), and those who are not current members
// (absent, or Status 1, left) are Done; the others Failed.
func (c *Client) RemoveParticipants(ctx context.Context, in RemoveParticipantsInput) (WriteResult, error) {
	if err := checkWrite(ActionRemoveParticipants, in.AppID, in.ConversationShortID, in.Operator, in.UserIDs); err != nil {
		return WriteResult{}, err
	}
	return c.writeBatched(ctx, ActionRemoveParticipants, 0, in.UserIDs, func(ctx context.Context, part []int64) ([]int64, error) {
		body := removeParticipantsBody{AppID: in.AppID, ConversationShortID: in.ConversationShortID, Operator: in.Operator,
			ParticipantUserIDs: part}
		var out failedUsersResult
		if err := c.call(ctx, ActionRemoveParticipants, body, len(part), &out); err != nil {
			return nil, err
		}
		failed, err := foreign(ActionRemoveParticipants, part, out.FailedUserIDs)
		if err != nil || len(failed) == 0 {
			return failed, err
		}
		members, err := c.BatchGetConversationParticipant(ctx, BatchGetParticipantsInput{
			AppID: in.AppID, ConversationShortID: in.ConversationShortID, UserIDs: failed})
		if err != nil {
			return nil, &verifyError{UserIDs: failed, Err: err}
		}
		still := map[int64]bool{}
		for _, m := range members {
			if m.ParticipantUserID != nil && (m.Status == nil || *m.Status != StatusLeft) {
				still[*m.ParticipantUserID] = true
			}
		}
		return slices.DeleteFunc(failed, func(id int64) bool { return !still[id] }), nil
	})
}

func checkWrite(action string, appID int32, conversationShortID, operator int64, ids []int64) error {
	if err := checkConversation(action, appID, conversationShortID); err != nil {
		return err
	}
	if operator <= 0 {
		return fmt.Errorf("%s: operator user ID %d is not positive", action, operator)
	}
	return checkUserIDList(action, ids)
}

// checkUserIDList refuses a user ID that is not positive or is listed
// twice: either would make the result's accounting by ID ambiguous.
func checkUserIDList(action string, ids []int64) error {
	seen := make(map[int64]bool, len(ids))
	for _, id := range ids {
		switch {
		case id <= 0:
			return fmt.Errorf("%s: user ID %d is not positive", action, id)
		case seen[id]:
			return fmt.Errorf("%s: user %d is listed twice", action, id)
		}
		seen[id] = true
	}
	return nil
}
