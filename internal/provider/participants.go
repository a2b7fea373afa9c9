// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/volcrtc/terraform-provider-volcrtc/internal/imclient"
)

// scanCounted is scanAll with the member count from count (see
// imclient.ScanInput.Count), or from GetConversationUserCount when nil.
func scanCounted(ctx context.Context, client *imclient.Client, in imclient.BatchGetParticipantsInput,
	count func(context.Context) (int64, error), diags *diag.Diagnostics) participantsState {
	// Each member also adds its user ID (at most 9 bytes) to participant_user_ids.
	res, err := client.ScanConversationParticipants(ctx, imclient.ScanInput{AppID: in.AppID, ConversationShortID: in.ConversationShortID,
		Size: stateLimit(participantFields, 9), Count: count})
	if err != nil {
		diags.Append(errorDiagnostic(err))
		return participantsState{}
	}
	st := participantsState{appID: in.AppID, conversation: in.ConversationShortID,
		userIDs: make([]int64, len(res.Members)), members: res.Members}
	for i, p := range res.Members {
		st.userIDs[i] = *p.ParticipantUserID
	}
	warnIgnored(ctx, diags, "participants", ignoredCount{res.NoID, "without a user ID"},
		ignoredCount{res.Elsewhere, "of another conversation"})
	switch {
	case res.CountErr != nil:
		diags.AddWarning("Member count unavailable",
			"GetConversationUserCount failed, so every member was read page by page, without pages requested ahead, "+
				"and the list could not be compared with a count. The list is complete: the scan ended where the API "+
				"said it ends.\n\n"+errorDiagnostic(res.CountErr).Detail())
	case int64(len(res.Members)) < res.Count/2:
		diags.AddWarning("Fewer members than the conversation's count",
			fmt.Sprintf("ScanConversationParticipantList returned %d members, but GetConversationUserCount counts %d. "+
				"For a live group (conversation type 100) this is expected: the API lists only its owner and admins. "+
				"Otherwise members may have left during the read; read again to compare.", len(res.Members), res.Count))
	}
	return st
}

// indexParticipants keys the answer by user ID, keeping only requested
// members of the requested conversation, once each. ignored counts what
// was dropped.
func indexParticipants(in imclient.BatchGetParticipantsInput, found []imclient.Participant) (map[int64]imclient.Participant, []ignoredCount) {
	return indexByID(in.UserIDs, found, "a user ID",
		func(p *imclient.Participant) *int64 { return p.ParticipantUserID },
		func(p *imclient.Participant) (bool, string) {
			return p.InConversation(in.ConversationShortID), "of another conversation"
		})
}

// participantFields is each member's nested object: every field the API
// leaves out is null.
var participantFields = object[imclient.Participant]{
	{"conversation_short_id", tftypes.Number, "Short ID of the conversation; null when not returned.",
		func(p imclient.Participant) any { return orNull(p.ConversationShortID) }},
	{"participant_user_id", tftypes.Number, "User ID of the member.",
		func(p imclient.Participant) any { return orNull(p.ParticipantUserID) }},
	{"participant_user_id_str", tftypes.String, "User ID as a string, for apps that use string user IDs; null when not returned (`BatchGetConversationParticipant` never returns it).",
		func(p imclient.Participant) any { return orNull(p.ParticipantUserIDStr) }},
	{"operator", tftypes.Number, "User ID of whoever added the member (or last changed it); null when not returned.",
		func(p imclient.Participant) any { return orNull(p.Operator) }},
	{"operator_str", tftypes.String, "`operator` as a string, for apps that use string user IDs; null when not returned (`BatchGetConversationParticipant` never returns it).",
		func(p imclient.Participant) any { return orNull(p.OperatorStr) }},
	{"role", tftypes.Number, "Role code: `0` member, `1` owner, `2` admin; null when not returned.",
		func(p imclient.Participant) any { return orNull(p.Role) }},
	{"role_name", tftypes.String, "Role as a word: `member`, `owner`, `admin`, or `unknown` for a code this provider does not know; null when `role` is null.",
		func(p imclient.Participant) any {
			return codeName(p.Role, map[int64]string{0: "member", 1: "owner", 2: "admin"})
		}},
	{"level", tftypes.Number, "Member level; null when the API does not return one.",
		func(p imclient.Participant) any { return orNull(p.Level) }},
	{"nick_name", tftypes.String, "Nickname in this conversation; null when the API does not return one.",
		func(p imclient.Participant) any { return orNull(p.NickName) }},
	{"avatar_url", tftypes.String, "Avatar URL of the member in this conversation; null when not returned (`BatchGetConversationParticipant` never returns it).",
		func(p imclient.Participant) any { return orNull(p.AvatarURL) }},
	{"marks", stringList, "Marks set on the member; null when not returned (`BatchGetConversationParticipant` never returns them).",
		func(p imclient.Participant) any { return optionalStringList(p.Marks) }},
	{"status", tftypes.Number, "Status code: `0` normal, `1` left the conversation (such a requested user is also listed in `missing_user_ids`); null when not returned.",
		func(p imclient.Participant) any { return orNull(p.Status) }},
	{"create_time", tftypes.Number, "When the member joined, in Unix seconds; null when not returned.",
		func(p imclient.Participant) any { return orNull(p.CreateTime) }},
	{"create_time_rfc3339", tftypes.String, "`create_time` as an RFC 3339 timestamp in UTC; null when `create_time` is null or outside the years 0000 to 9999, which RFC 3339 cannot write.",
		func(p imclient.Participant) any { return rfc3339(p.CreateTime, false) }},
	{"block_time", tftypes.Number, "Unix seconds until which the member is muted; `0` means not muted; null when not returned.",
		func(p imclient.Participant) any { return orNull(p.BlockTime) }},
	{"block_time_rfc3339", tftypes.String, "`block_time` as an RFC 3339 timestamp in UTC; null when the member is not muted, `block_time` is null, or it is outside the years 0000 to 9999.",
		func(p imclient.Participant) any { return rfc3339(p.BlockTime, true) }},
	{"ext", stringMap, "Extension fields of the member as string keys and values; null when not returned.",
		func(p imclient.Participant) any { return optionalStringMap(p.Ext) }},
}

// participantsState is the data source's whole state: the arguments as
// read, the members in order, and the requested users who are not current
// members.
type participantsState struct {
	appID        int32
	conversation int64
	userIDs      []int64
	members      []imclient.Participant
	missing      []int64
}

// scanAll reads every member with ScanConversationParticipantList, all or
// nothing.
func scanAll(ctx context.Context, client *imclient.Client, in imclient.BatchGetParticipantsInput, diags *diag.Diagnostics) participantsState {
	return scanCounted(ctx, client, in, nil, diags)
}
