// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package imclient

// The API's numbers and codes, named once (see API-NOTES.md). Untyped
// where the API's fields differ in width (a type is int32 in a create and
// int64 in a read), so each compares with either.

// Conversation types (ConversationType).
const (
	ConversationTypeOneToOne  = 1
	ConversationTypeGroup     = 2
	ConversationTypeLiveGroup = 100
)

// Member roles (Role). RoleOwner only fits the conversation's owner; the
// API turns an invalid role into RoleMember.
const (
	RoleMember int64 = 0
	RoleOwner  int64 = 1
	RoleAdmin  int64 = 2
)

// Statuses. A member's Status is StatusLeft once they left; a
// conversation's is StatusDissolved once dissolved (and it can no longer
// be read). Both are 0 (StatusNormal) otherwise.
const (
	StatusNormal    = 0
	StatusLeft      = 1
	StatusDissolved = 1
)

// Error codes (ResponseMetadata.Error.Code) the client and provider act on.
const (
	CodeConversationNotFound         = "ConversationNotFound"
	CodeParticipantNotInConversation = "ParticipantNotInConversation"
	CodeParticipantsMoreThanLimit    = "ConversationParticipantsMoreThanLimit"
	CodeInvalidParam                 = "InvalidParam"
	CodeManagerMoreThanLimit         = "ManagerMoreThanLimit"
	CodeOnlyOwnerCanOperator         = "OnlyOwnerCanOperator"
	CodeSingleConversationNotSupport = "SingleConversationNotSupport"
	CodeLiveConversationNotSupport   = "LiveConversationNotSupport"
	CodeFlowLimitExceeded            = "FlowLimitExceeded"
	CodeInternalError                = "InternalError"
	CodeInternalServiceTimeout       = "InternalServiceTimeout"
)
