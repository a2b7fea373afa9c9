// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package imclient

import (
	"context"
	"errors"
	"fmt"
)

// The write actions on a conversation itself. Each has a budget of its own
// at the documented 50 calls per second (actionQPS).
const (
	ActionCreateConversation  = "CreateConversation"
	ActionModifyConversation  = "ModifyConversation"
	ActionDestroyConversation = "DestroyConversation"
)

// CreateConversationInput is one conversation to create. IdempotentID is
// required: it makes every retry of this create, and any later create with
// the same key, find the conversation instead of making a second one.
type CreateConversationInput struct {
	AppID       int32
	OwnerUserID int64
	// Type is ConversationTypeGroup or ConversationTypeLiveGroup.
	Type        int32
	Name        *string
	AvatarURL   *string
	Description *string
	Notice      *string
	// Ext is sent when not nil (an empty map is sent as {}).
	Ext          map[string]string
	InboxType    int32
	IdempotentID string
}

// CreateConversationOutput is what CreateConversation answered.
type CreateConversationOutput struct {
	ConversationShortID int64
	// ConversationID is the legacy string ID; empty when the API left it out.
	ConversationID string
	// Exist is true when a conversation with this IdempotentID already
	// existed: nothing was created, and the IDs are the existing one's.
	Exist bool
	// Info is the answer's ConversationInfo; nil when the API left it out.
	// With Exist, it is the existing conversation as it is now: Status 1
	// when it was dissolved since (the key stays used).
	Info *Conversation
}

type createConversationCore struct {
	ConversationType int32             `json:"ConversationType"`
	Name             *string           `json:"Name,omitempty"`
	AvatarURL        *string           `json:"AvatarUrl,omitempty"`
	Description      *string           `json:"Description,omitempty"`
	Notice           *string           `json:"Notice,omitempty"`
	Ext              map[string]string `json:"Ext,omitempty"`
}

type createConversationBody struct {
	AppID                int32                  `json:"AppId"`
	OwnerUserID          int64                  `json:"OwnerUserId"`
	ConversationCoreInfo createConversationCore `json:"ConversationCoreInfo"`
	InboxType            int32                  `json:"InboxType"`
	IdempotentID         string                 `json:"IdempotentId"`
}

type createConversationResult struct {
	ConversationShortID *int64        `json:"ConversationShortId"`
	ConversationID      *string       `json:"ConversationId"`
	Exist               *bool         `json:"Exist"`
	ConversationInfo    *Conversation `json:"ConversationInfo"`
}

// check refuses a create answer that does not name the conversation: the
// caller could not manage it, and taking 0 for its ID would be wrong data.
func (r *createConversationResult) check(int) string {
	switch {
	case r.ConversationShortID == nil:
		return "the create answer has no ConversationShortId"
	case *r.ConversationShortID <= 0:
		return fmt.Sprintf("the create answer's ConversationShortId %d is not a positive ID", *r.ConversationShortID)
	case r.ConversationInfo != nil && r.ConversationInfo.ConversationShortID != nil &&
		*r.ConversationInfo.ConversationShortID != *r.ConversationShortID:
		return fmt.Sprintf("the create answer names conversation %d but its ConversationInfo conversation %d",
			*r.ConversationShortID, *r.ConversationInfo.ConversationShortID)
	}
	return ""
}

// CreateConversation creates a group or live group. Transient failures
// (throttling, 5xx, a timeout, a cut connection) are retried with the same
// IdempotentID, which the API uses to find a conversation an earlier
// attempt created, so a lost answer never creates two. A 2xx answer that
// cannot be read (no ConversationShortId, not JSON, oversized) is asked
// once more, also with the same IdempotentID, for the same reason; when
// that fails too, the error is an *APIError with Unreadable set. (A
// gateway's 5xx page is retried within MaxRetries like any 5xx.)
func (c *Client) CreateConversation(ctx context.Context, in CreateConversationInput) (CreateConversationOutput, error) {
	switch {
	case in.IdempotentID == "":
		return CreateConversationOutput{}, errors.New("CreateConversation needs an IdempotentID, so that a retry cannot create a second conversation")
	case in.AppID <= 0:
		return CreateConversationOutput{}, fmt.Errorf("CreateConversation: app ID %d is not positive", in.AppID)
	case in.OwnerUserID <= 0:
		return CreateConversationOutput{}, fmt.Errorf("CreateConversation: owner user ID %d is not positive", in.OwnerUserID)
	case in.Type != ConversationTypeGroup && in.Type != ConversationTypeLiveGroup:
		return CreateConversationOutput{}, fmt.Errorf("CreateConversation: conversation type %d is not %d (group) or %d (live group)",
			in.Type, ConversationTypeGroup, ConversationTypeLiveGroup)
	}
	body := createConversationBody{
		AppID: in.AppID, OwnerUserID: in.OwnerUserID, InboxType: in.InboxType, IdempotentID: in.IdempotentID,
		ConversationCoreInfo: createConversationCore{
			ConversationType: in.Type, Name: in.Name, AvatarURL: in.AvatarURL, Description: in.Description,
			Notice: in.Notice, Ext: in.Ext,
		},
	}
	var out createConversationResult
	err := c.call(ctx, ActionCreateConversation, body, 1, &out)
	var apiErr *APIError
	if errors.As(err, &apiErr) && apiErr.Unreadable && apiErr.HTTPStatus/100 == 2 && ctx.Err() == nil {
		out = createConversationResult{}
		err = c.call(ctx, ActionCreateConversation, body, 1, &out)
	}
	if err != nil {
		return CreateConversationOutput{}, err
	}
	res := CreateConversationOutput{ConversationShortID: *out.ConversationShortID, Info: out.ConversationInfo}
	if out.ConversationID != nil {
		res.ConversationID = *out.ConversationID
	}
	if out.Exist != nil {
		res.Exist = *out.Exist
	}
	return res, nil
}

// ModifyConversationInput changes a conversation. A nil field is not sent,
// and the API leaves it as it is.
type ModifyConversationInput struct {
	AppID               int32
	ConversationShortID int64
	Name                *string
	AvatarURL           *string
	Description         *string
	Notice              *string
	// Ext, when not nil, is sent as the map it points to (an empty map as
	// {}). Whether the API replaces the stored map or merges into it is
	// not documented: read the conversation back.
	Ext *map[string]string
	// OwnerUserID, when not nil, transfers ownership to that user. The
	// emulator requires the new owner to be a member already
	// (ParticipantNotInConversation) and makes the old owner a plain member;
	// the API documents neither.
	OwnerUserID *int64
}

type modifyConversationCore struct {
	ConversationShortID int64              `json:"ConversationShortId"`
	Name                *string            `json:"Name,omitempty"`
	AvatarURL           *string            `json:"AvatarUrl,omitempty"`
	Description         *string            `json:"Description,omitempty"`
	Notice              *string            `json:"Notice,omitempty"`
	Ext                 *map[string]string `json:"Ext,omitempty"`
	OwnerUserID         *int64             `json:"OwnerUserId,omitempty"`
}

type modifyConversationBody struct {
	AppID                int32                  `json:"AppId"`
	ConversationCoreInfo modifyConversationCore `json:"ConversationCoreInfo"`
}

// ModifyConversation changes the fields of in that are set. Setting a
// field to a value is safe to repeat, so transient failures are retried.
func (c *Client) ModifyConversation(ctx context.Context, in ModifyConversationInput) error {
	if err := checkConversation("ModifyConversation", in.AppID, in.ConversationShortID); err != nil {
		return err
	}
	if in.OwnerUserID != nil && *in.OwnerUserID <= 0 {
		return fmt.Errorf("ModifyConversation: owner user ID %d is not positive", *in.OwnerUserID)
	}
	if in.Ext != nil && *in.Ext == nil {
		empty := map[string]string{}
		in.Ext = &empty
	}
	body := modifyConversationBody{AppID: in.AppID, ConversationCoreInfo: modifyConversationCore{
		ConversationShortID: in.ConversationShortID, Name: in.Name, AvatarURL: in.AvatarURL,
		Description: in.Description, Notice: in.Notice, Ext: in.Ext, OwnerUserID: in.OwnerUserID,
	}}
	return c.call(ctx, ActionModifyConversation, body, 1, &noResult{})
}

type destroyConversationBody struct {
	AppID               int32 `json:"AppId"`
	ConversationShortID int64 `json:"ConversationShortId"`
	OwnerUserID         int64 `json:"OwnerUserId"`
}

// DestroyConversation dissolves a conversation as its owner (the API
// refuses anyone else with OnlyOwnerCanOperator). Transient failures are
// retried; when a retry finds the conversation gone
// (ConversationNotFound), an earlier attempt dissolved it whose answer was
// lost, and that is success. ConversationNotFound on the first attempt is
// returned as the *APIError it is: the caller decides what a conversation
// that was already gone means.
func (c *Client) DestroyConversation(ctx context.Context, appID int32, conversationShortID, ownerUserID int64) error {
	if err := checkConversation("DestroyConversation", appID, conversationShortID); err != nil {
		return err
	}
	if ownerUserID <= 0 {
		return fmt.Errorf("DestroyConversation: owner user ID %d is not positive", ownerUserID)
	}
	body := destroyConversationBody{AppID: appID, ConversationShortID: conversationShortID, OwnerUserID: ownerUserID}
	err := c.call(ctx, ActionDestroyConversation, body, 1, &noResult{})
	var apiErr *APIError
	if errors.As(err, &apiErr) && apiErr.Code == CodeConversationNotFound && apiErr.Attempts > 1 {
		return nil
	}
	return err
}

func checkConversation(action string, appID int32, conversationShortID int64) error {
	switch {
	case appID <= 0:
		return fmt.Errorf("%s: app ID %d is not positive", action, appID)
	case conversationShortID <= 0:
		return fmt.Errorf("%s: conversation short ID %d is not positive", action, conversationShortID)
	}
	return nil
}

// noResult is the Result of an action that answers none (ModifyConversation,
// DestroyConversation): whatever Result it sends is ignored, and an answer
// without one is a success when it is the API's envelope (it carries a
// RequestId), never when it is an empty or foreign body.
type noResult struct{}

func (*noResult) UnmarshalJSON([]byte) error { return nil }
