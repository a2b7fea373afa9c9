// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/imclient"
)

var conversationParticipantsSpec = spec{
	name: "conversation_participants",
	description: "Reads members of one IM conversation. With `participant_user_ids`, the OpenAPI action " +
		"`BatchGetConversationParticipant` reads those users, in that order; requested users who are not current " +
		"members are listed in `missing_user_ids` instead of failing the read. Without it, " +
		"`ScanConversationParticipantList` reads every member, page by page, in the API's order.",
	attributes: map[string]schema.Attribute{
		"app_id":                appIDAttribute("the conversation"),
		"conversation_short_id": conversationIDAttribute(),
		"participant_user_ids": schema.ListAttribute{
			MarkdownDescription: "User IDs of the members to read: at least one, each a positive 64-bit whole number, " +
				"no duplicates. The order given here is the order of `participants`. Leave it out to read every " +
				"member: it is then filled with every member's user ID, in the API's order.",
			Optional:    true,
			Computed:    true,
			ElementType: types.NumberType,
			Validators:  idListValidators("user ID"),
		},
		"participants": participantFields.list("The members found: in the order of `participant_user_ids` when it " +
			"is given, in the API's order (join order) when every member is read. Fields the API leaves out are null, not zero."),
		"missing_user_ids": schema.ListAttribute{
			MarkdownDescription: "Requested user IDs that are not current members, in request order: the API did " +
				"not return them, or returned them with `status` `1` (left the conversation; their record stays in " +
				"`participants`). Empty when every requested user is a current member, so " +
				"`length(missing_user_ids) == 0` is the membership check. Always empty when every member is read.",
			Computed:    true,
			ElementType: types.NumberType,
		},
	},
	read: readParticipants,
}

// readParticipants reads what the arguments ask for.
func readParticipants(ctx context.Context, client *imclient.Client, a args) (state, diag.Diagnostics) {
	appID, diags := a.appID()
	conversation, d := a.id("conversation_short_id")
	diags.Append(d...)
	userIDs, d := a.ids("participant_user_ids")
	if diags.Append(d...); diags.HasError() {
		return nil, diags
	}
	in := imclient.BatchGetParticipantsInput{AppID: appID, ConversationShortID: conversation, UserIDs: userIDs}
	var st participantsState
	if in.UserIDs == nil {
		st = scanAll(ctx, client, in, &diags)
	} else {
		st = byIDs(ctx, client, in, &diags)
	}
	if diags.HasError() {
		return nil, diags
	}
	tflog.Debug(ctx, "read conversation participants", map[string]any{
		"requested": len(in.UserIDs), "members": len(st.members), "missing": len(st.missing),
	})
	return st.state(), diags
}

// byIDs reads the requested users with BatchGetConversationParticipant.
func byIDs(ctx context.Context, client *imclient.Client, in imclient.BatchGetParticipantsInput, diags *diag.Diagnostics) participantsState {
	found, err := client.BatchGetConversationParticipant(ctx, in)
	if err != nil {
		diags.Append(errorDiagnostic(err))
		return participantsState{}
	}
	batchSizeWarning(client, imclient.ActionBatchGetParticipants, "user IDs", diags)
	byID, ignored := indexParticipants(in, found)
	warnIgnored(ctx, diags, "participants", ignored...)
	return byRequest(in, byID)
}

// statusLeft is the Status of a user who left the conversation.
const statusLeft = 1

// byRequest orders found by the requested IDs. A user who left is no
// member: the documented membership check, length(missing_user_ids) == 0,
// must not pass on them, so they are listed as missing too.
func byRequest(in imclient.BatchGetParticipantsInput, found map[int64]imclient.Participant) participantsState {
	st := participantsState{appID: in.AppID, conversation: in.ConversationShortID, userIDs: in.UserIDs}
	st.members, st.missing = inRequestOrder(in.UserIDs, found, func(p imclient.Participant) bool {
		return p.Status != nil && *p.Status == statusLeft
	})
	return st
}

// state is the data source's state.
func (st participantsState) state() state {
	return state{
		"app_id":                int64(st.appID),
		"conversation_short_id": st.conversation,
		"missing_user_ids":      st.missing,
		"participant_user_ids":  st.userIDs,
		"participants":          listOf(participantFields, st.members),
	}
}
