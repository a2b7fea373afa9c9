// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package imclient

import "context"

// Participant is one member as the API returns it. Every field is nil when
// the API leaves it out: the SDK's struct declares Role and Operator as
// plain integers, which would turn an omitted role into "member". The
// last four fields come only from ScanConversationParticipantList.
type Participant struct {
	ConversationShortID *int64            `json:"ConversationShortId"`
	ParticipantUserID   *int64            `json:"ParticipantUserId"`
	Operator            *int64            `json:"Operator"`
	Role                *int64            `json:"Role"`
	BlockTime           *int64            `json:"BlockTime"`
	CreateTime          *int64            `json:"CreateTime"`
	Ext                 map[string]string `json:"Ext"`
	Level               *int64            `json:"Level"`
	NickName            *string           `json:"NickName"`
	Status              *int64            `json:"Status"`

	AvatarURL            *string  `json:"AvatarUrl"`
	Marks                []string `json:"Marks"`
	ParticipantUserIDStr *string  `json:"ParticipantUserIdStr"`
	OperatorStr          *string  `json:"OperatorStr"`
}

// BatchGetParticipantsInput names the members to read.
type BatchGetParticipantsInput struct {
	AppID               int32
	ConversationShortID int64
	UserIDs             []int64
}

type batchGetBody struct {
	AppID               int32   `json:"AppId"`
	ConversationShortID int64   `json:"ConversationShortId"`
	ParticipantUserIDs  []int64 `json:"ParticipantUserIds"`
}

type batchGetResult struct {
	Participants []Participant `json:"Participants"`
}

// ActionBatchGetParticipants is the action BatchGetConversationParticipant
// calls.
const ActionBatchGetParticipants = "BatchGetConversationParticipant"

// BatchGetConversationParticipant reads the given members in batches (see
// batched). Results keep the order of the batches; IDs that are not
// members are absent.
func (c *Client) BatchGetConversationParticipant(ctx context.Context, in BatchGetParticipantsInput) ([]Participant, error) {
	return batched(ctx, c, ActionBatchGetParticipants, 0, in.UserIDs, func(ctx context.Context, ids []int64) ([]Participant, error) {
		body := batchGetBody{AppID: in.AppID, ConversationShortID: in.ConversationShortID, ParticipantUserIDs: ids}
		var out batchGetResult
		if err := c.call(ctx, ActionBatchGetParticipants, body, len(ids), &out); err != nil {
			return nil, err
		}
		return out.Participants, nil
	})
}
