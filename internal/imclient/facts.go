// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package imclient

// Facts of the API that more than one place relies on, named once.

// Status of a conversation (BatchGetConversations) and of a member
// (Participant.Status): 0 normal, 1 dissolved or left.
const (
	StatusNormal    int64 = 0
	StatusDissolved int64 = 1
	StatusLeft      int64 = 1
)

// Error codes the provider acts on (ResponseMetadata.Error.Code).
const (
	CodeConversationNotFound         = "ConversationNotFound"
	CodeOnlyOwnerCanOperator         = "OnlyOwnerCanOperator"
	CodeParticipantNotInConversation = "ParticipantNotInConversation"
)
