// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/imclient"
)

var conversationsSpec = spec{
	name: "conversations",
	description: "Reads IM conversations (name, owner, type, status, member count...) with the OpenAPI action " +
		"`BatchGetConversations`. Conversations come back in the order of `conversation_short_ids`; requested " +
		"conversations the API does not return (unknown, or dissolved, which the API does not serve) are listed in " +
		"`missing_conversation_short_ids` instead of failing the read.",
	attributes: map[string]schema.Attribute{
		"app_id": appIDAttribute("the conversations"),
		"conversation_short_ids": schema.ListAttribute{
			MarkdownDescription: "Short IDs of the conversations to read: at least one, each a positive 64-bit whole " +
				"number, no duplicates. The order given here is the order of `conversations`.",
			Required:    true,
			ElementType: types.NumberType,
			Validators:  idListValidators("conversation ID"),
		},
		"include_member_count": includeMemberCountAttribute(),
		"conversations": markedConversationFields.list("The conversations found, in the order of " +
			"`conversation_short_ids`. Fields the API leaves out are null, not zero. Each conversation's `marks` cost one " +
			"`GetConversationMarks` call (a read, paced at 100 calls per second with the others), so a read of N " +
			"conversations makes N such calls after its `BatchGetConversations`."),
		"missing_conversation_short_ids": schema.ListAttribute{
			MarkdownDescription: "Requested conversation IDs the API did not return (unknown, or dissolved), in " +
				"request order. Empty when every requested conversation was found.",
			Computed:    true,
			ElementType: types.NumberType,
		},
	},
	read: readConversations,
}

// readConversations reads what the arguments ask for.
func readConversations(ctx context.Context, client *imclient.Client, a args) (state, diag.Diagnostics) {
	include, diags := a.flag("include_member_count")
	appID, d := a.appID()
	diags.Append(d...)
	ids, d := a.ids("conversation_short_ids")
	if diags.Append(d...); diags.HasError() {
		return nil, diags
	}
	in := imclient.BatchGetConversationsInput{AppID: appID, ConversationShortIDs: ids, IncludeMemberCount: include != nil && *include}
	found, err := client.BatchGetConversations(ctx, in)
	if err != nil {
		diags.Append(errorDiagnostic(err))
		return nil, diags
	}
	batchSizeWarning(client, imclient.ActionBatchGetConversations, "conversation IDs", &diags)
	byID, ignored := indexConversations(in, found)
	warnIgnored(ctx, &diags, "conversations", ignored...)
	convs, missing := inRequestOrder(in.ConversationShortIDs, byID, nil)
	marked, d := withMarks(ctx, client, in.AppID, memberCounts(convs, in.IncludeMemberCount))
	if diags.Append(d...); diags.HasError() {
		return nil, diags
	}
	return state{
		"app_id":                         int64(in.AppID),
		"conversation_short_ids":         in.ConversationShortIDs,
		"conversations":                  listOf(markedConversationFields, marked),
		"include_member_count":           orNull(include),
		"missing_conversation_short_ids": missing,
	}, diags
}

// memberCounts leaves member counts out unless they were asked for: one the
// API sends anyway may be stale or made up, and the docs say null.
func memberCounts(convs []imclient.Conversation, asked bool) []imclient.Conversation {
	if !asked {
		for i := range convs {
			convs[i].MemberCount = nil
		}
	}
	return convs
}

// indexConversations keys the answer by ID, keeping requested ones of the
// requested app once each; ignored counts what was dropped.
func indexConversations(in imclient.BatchGetConversationsInput, found []imclient.Conversation) (map[int64]imclient.Conversation, []ignoredCount) {
	return indexByID(in.ConversationShortIDs, found, "an ID",
		func(c *imclient.Conversation) *int64 { return c.ConversationShortID },
		func(c *imclient.Conversation) (bool, string) {
			return c.AppID == nil || *c.AppID == int64(in.AppID), "of another app"
		})
}

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
