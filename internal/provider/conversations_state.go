// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/imclient"
)

type conv = imclient.Conversation

// conversationFields is each conversation's nested object: every field
// the API leaves out is null.
var conversationFields = object[conv]{
	{"conversation_short_id", tftypes.Number, "Short ID of the conversation.",
		func(c conv) any { return orNull(c.ConversationShortID) }},
	{"conversation_id", tftypes.String, "The conversation's long (legacy) ID; null when not returned.",
		func(c conv) any { return orNull(c.ConversationID) }},
	{"conversation_type", tftypes.Number, "Type code: `1` one-to-one, `2` group, `100` live group; null when not returned.",
		func(c conv) any { return orNull(c.ConversationType) }},
	{"type_name", tftypes.String, "Type as a word: `one_to_one`, `group`, `live_group`, or `unknown` for a code this provider does not know; null when `conversation_type` is null.",
		func(c conv) any {
			return codeName(c.ConversationType, map[int64]string{1: "one_to_one", 2: "group", 100: "live_group"})
		}},
	{"name", tftypes.String, "Name; null when not returned.",
		func(c conv) any { return orNull(c.Name) }},
	{"description", tftypes.String, "Description; null when not returned.",
		func(c conv) any { return orNull(c.Description) }},
	{"notice", tftypes.String, "Notice (announcement); null when not returned.",
		func(c conv) any { return orNull(c.Notice) }},
	{"avatar_url", tftypes.String, "Avatar URL; null when not returned.",
		func(c conv) any { return orNull(c.AvatarURL) }},
	{"owner_user_id", tftypes.Number, "User ID of the owner; null when not returned.",
		func(c conv) any { return orNull(c.OwnerUserID) }},
	{"owner_user_id_str", tftypes.String, "`owner_user_id` as a string, for apps that use string user IDs; null when not returned.",
		func(c conv) any { return orNull(c.OwnerUserIDStr) }},
	{"creator_user_id", tftypes.Number, "User ID of the creator; null when not returned.",
		func(c conv) any { return orNull(c.CreatorUserID) }},
	{"creator_user_id_str", tftypes.String, "`creator_user_id` as a string, for apps that use string user IDs; null when not returned.",
		func(c conv) any { return orNull(c.CreatorUserIDStr) }},
	{"other_user_id", tftypes.Number, "The other user of a one-to-one conversation; null for other types or when not returned.",
		func(c conv) any { return orNull(c.OtherUserID) }},
	{"other_user_id_str", tftypes.String, "`other_user_id` as a string, for apps that use string user IDs; null when not returned.",
		func(c conv) any { return orNull(c.OtherUserIDStr) }},
	{"inbox_type", tftypes.Number, "Inbox type code as the API returns it; null when not returned.",
		func(c conv) any { return orNull(c.InboxType) }},
	{"create_time", tftypes.Number, "When the conversation was created, in Unix seconds; null when not returned.",
		func(c conv) any { return orNull(c.CreateTime) }},
	{"create_time_rfc3339", tftypes.String, "`create_time` as an RFC 3339 timestamp in UTC; null when `create_time` is null or outside the years 0000 to 9999.",
		func(c conv) any { return rfc3339(c.CreateTime, false) }},
	{"modify_time", tftypes.Number, "When the conversation was last changed, in Unix seconds; null when not returned.",
		func(c conv) any { return orNull(c.ModifyTime) }},
	{"modify_time_rfc3339", tftypes.String, "`modify_time` as an RFC 3339 timestamp in UTC; null when `modify_time` is null or outside the years 0000 to 9999.",
		func(c conv) any { return rfc3339(c.ModifyTime, false) }},
	{"status", tftypes.Number, "Status code: `0` normal, `1` dissolved; null when not returned.",
		func(c conv) any { return orNull(c.Status) }},
	{"status_name", tftypes.String, "Status as a word: `normal`, `dissolved`, or `unknown` for a code this provider does not know; null when `status` is null.",
		func(c conv) any { return codeName(c.Status, map[int64]string{0: "normal", 1: "dissolved"}) }},
	{"member_count", tftypes.Number, "Number of members; null unless `include_member_count` is `true`.",
		func(c conv) any { return orNull(c.MemberCount) }},
	{"online_count", tftypes.Number, "Number of members online, for live groups; null when not returned.",
		func(c conv) any { return orNull(c.OnlineCount) }},
	{"ext", stringMap, "Extension fields as string keys and values; null when not returned.",
		func(c conv) any { return optionalStringMap(c.Ext) }},
}
