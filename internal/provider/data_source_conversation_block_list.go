// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/imclient"
)

type listed = imclient.BlockedParticipant

// listedFields is each listed user's nested object: every field the API
// leaves out is null.
var listedFields = object[listed]{
	{"participant_user_id", tftypes.Number, "User ID.",
		func(p listed) any { return orNull(p.ParticipantUserID) }},
	{"participant_user_id_str", tftypes.String, "User ID as a string, for apps that use string user IDs; null when not returned.",
		func(p listed) any { return orNull(p.ParticipantUserIDStr) }},
	{"nick_name", tftypes.String, "Nickname; null when not returned.",
		func(p listed) any { return orNull(p.NickName) }},
	{"avatar_url", tftypes.String, "Avatar URL; null when not returned.",
		func(p listed) any { return orNull(p.AvatarURL) }},
	{"marks", stringList, "Marks (live groups); null when not returned.",
		func(p listed) any { return optionalStringList(p.Marks) }},
	{"ext", stringMap, "Extension fields as string keys and values; null when not returned.",
		func(p listed) any { return optionalStringMap(p.Ext) }},
	{"block_time", tftypes.Number, "Unix seconds until which the user stays muted or blocked; null when not returned.",
		func(p listed) any { return orNull(p.BlockTime) }},
	{"block_time_rfc3339", tftypes.String, "`block_time` as an RFC 3339 timestamp in UTC; null when `block_time` is null, `0`, or outside the years 0000 to 9999.",
		func(p listed) any { return rfc3339(p.BlockTime, true) }},
	{"create_time", tftypes.Number, "When the mute or block was set, in Unix seconds; null when not returned.",
		func(p listed) any { return orNull(p.CreateTime) }},
	{"create_time_rfc3339", tftypes.String, "`create_time` as an RFC 3339 timestamp in UTC; null when `create_time` is null or outside the years 0000 to 9999.",
		func(p listed) any { return rfc3339(p.CreateTime, false) }},
}

var blockListSpec = spec{
	name: "conversation_block_list",
	description: "Reads a conversation's mute list or block list with the OpenAPI action `BatchGetBlockParticipants`, " +
		"page by page, in the API's order. The read returns the whole list or fails saying how far it got; it is " +
		"never partial.",
	attributes: map[string]schema.Attribute{
		"app_id":                appIDAttribute("the conversation"),
		"conversation_short_id": conversationIDAttribute(),
		"list": schema.StringAttribute{
			MarkdownDescription: "Which list: `muted` (members who may not speak) or `blocked` (users kept out of the conversation).",
			Required:            true,
			Validators:          []validator.String{stringvalidator.OneOf("muted", "blocked")},
		},
		"participants": listedFields.list("The users on the list, in the API's order, each once. Fields the API " +
			"leaves out are null, not zero."),
	},
	read: readBlockList,
}

func readBlockList(ctx context.Context, client *imclient.Client, a args) (state, diag.Diagnostics) {
	list, diags := a.text("list")
	appID, d := a.appID()
	diags.Append(d...)
	conversation, d := a.id("conversation_short_id")
	if diags.Append(d...); diags.HasError() {
		return nil, diags
	}
	in := imclient.BlockListInput{AppID: appID, ConversationShortID: conversation}
	if list != nil {
		in.List = blockLists[*list]
	}
	in.Size = stateLimit(listedFields, 0)
	users, err := client.BatchGetBlockParticipants(ctx, in)
	if err != nil {
		diags.Append(errorDiagnostic(err))
		return nil, diags
	}
	warnIgnored(ctx, &diags, "listed users", ignoredCount{users.NoID, "without a user ID"})
	return state{
		"app_id":                int64(in.AppID),
		"conversation_short_id": in.ConversationShortID,
		"list":                  orNull(list),
		"participants":          listOf(listedFields, users.Records),
	}, diags
}
