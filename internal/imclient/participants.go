// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package imclient

import (
	"context"

	"github.com/volcengine/volc-sdk-golang/service/im"
)

// Participant is one member as the API returns it. Optional fields are
// nil when the API omits them.
type Participant = im.BatchGetConversationParticipantResResultParticipantsItem

// BatchGetParticipantsInput names the members to read.
type BatchGetParticipantsInput struct {
	AppID               int32
	ConversationShortID int64
	UserIDs             []int64
}

// BatchGetConversationParticipant reads the given members. IDs that are
// not members are simply absent from the result.
func (c *Client) BatchGetConversationParticipant(ctx context.Context, in BatchGetParticipantsInput) ([]Participant, error) {
	body := im.BatchGetConversationParticipantBody{
		AppID:               in.AppID,
		ConversationShortID: in.ConversationShortID,
		ParticipantUserIDs:  in.UserIDs,
	}
	var out im.BatchGetConversationParticipantResResult
	if err := c.call(ctx, "BatchGetConversationParticipant", body, &out); err != nil {
		return nil, err
	}
	return out.Participants, nil
}
