// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/imclient"
)

// statusLeft is the Status of a user who left the conversation.
const statusLeft = 1

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
