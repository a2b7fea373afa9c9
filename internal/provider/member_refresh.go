// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"errors"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/imclient"
)

// refreshed is what a refresh of volcrtc_conversation_members read.
type refreshed struct {
	group   *imclient.Conversation // nil when the conversation is gone
	members map[int64]memberFields // its current members but the owner
}

// refreshMembers reads conversation conv and every member in one round
// trip: the lookup (merged with other resources' lookups, with the member
// count) goes beside the scan's first page, and its MemberCount is the
// scan's count, in place of a GetConversationUserCount call. The scan
// keeps every check it has (look-ahead, count cross-check,
// contradictions); what the lookup says wins: a conversation gone or not
// a group makes the scan's result (and its errors) moot.
func refreshMembers(ctx context.Context, client *imclient.Client, app int32, conv int64, diags *diag.Diagnostics) refreshed {
	var (
		group *imclient.Conversation
		err   error
	)
	looked := make(chan struct{})
	go func() {
		defer close(looked)
		group, err = lookupCounted(ctx, client, app, conv, true)
	}()
	count := func(ctx context.Context) (int64, error) {
		select {
		case <-looked:
		case <-ctx.Done():
			return 0, ctx.Err()
		}
		switch {
		case err != nil:
			return 0, err
		case group == nil:
			return 0, errors.New("BatchGetConversations does not return the conversation")
		case group.MemberCount == nil:
			return 0, errors.New("BatchGetConversations gave no MemberCount")
		}
		return *group.MemberCount, nil
	}
	var scanned diag.Diagnostics
	st := scanCounted(ctx, client, imclient.BatchGetParticipantsInput{AppID: app, ConversationShortID: conv}, count, &scanned)
	<-looked
	switch {
	case err != nil:
		diags.Append(errorDiagnostic(err))
		return refreshed{}
	case group == nil:
		return refreshed{}
	case groupProblem(group, conv) != "":
		return refreshed{group: group}
	}
	if diags.Append(scanned...); diags.HasError() {
		return refreshed{}
	}
	owner := ownerOf(group)
	out := make(map[int64]memberFields, len(st.members))
	for _, p := range st.members {
		if isCurrent(p) && *p.ParticipantUserID != owner {
			out[*p.ParticipantUserID] = fieldsFromAPI(p)
		}
	}
	return refreshed{group: group, members: out}
}
