// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/imclient"
)

type whitelisted = imclient.WhitelistedParticipant

// whitelistedFields is each whitelisted user's nested object: every field
// the API leaves out is null.
var whitelistedFields = object[whitelisted]{
	{"participant_user_id", tftypes.Number, "User ID.",
		func(p whitelisted) any { return orNull(p.ParticipantUserID) }},
	{"operator", tftypes.Number, "The user recorded as adding them; null when not returned.",
		func(p whitelisted) any { return orNull(p.Operator) }},
	{"nick_name", tftypes.String, "Nickname; null when not returned.",
		func(p whitelisted) any { return orNull(p.NickName) }},
	{"avatar_url", tftypes.String, "Avatar URL; null when not returned.",
		func(p whitelisted) any { return orNull(p.AvatarURL) }},
	{"marks", stringList, "Marks; null when not returned.",
		func(p whitelisted) any { return optionalStringList(p.Marks) }},
	{"ext", stringMap, "Extension fields as string keys and values; null when not returned.",
		func(p whitelisted) any { return optionalStringMap(p.Ext) }},
	{"create_time", tftypes.Number, "When they were added, in Unix seconds; null when not returned.",
		func(p whitelisted) any { return orNull(p.CreateTime) }},
	{"create_time_rfc3339", tftypes.String, "`create_time` as an RFC 3339 timestamp in UTC; null when `create_time` is null or outside the years 0000 to 9999.",
		func(p whitelisted) any { return rfc3339(p.CreateTime, false) }},
}

var whitelistSpec = spec{
	name: "conversation_whitelist",
	description: "Reads a live group's speaker whitelist (the users who may speak while the live group is muted) with " +
		"the OpenAPI action `BatchGetWhitelistParticipant`, page by page, in the API's order. The read returns the " +
		"whole list or fails saying how far it got; it is never partial. A conversation that is not a live group is " +
		"refused by the API (`OnlyLiveConversationSupport`).",
	attributes: map[string]schema.Attribute{
		"app_id":                appIDAttribute("the live group"),
		"conversation_short_id": conversationIDAttribute(),
		"participants": whitelistedFields.list("The users on the whitelist, in the API's order, each once. Fields " +
			"the API leaves out are null, not zero."),
	},
	read: readWhitelist,
}

func readWhitelist(ctx context.Context, client *imclient.Client, a args) (state, diag.Diagnostics) {
	appID, diags := a.appID()
	conversation, d := a.id("conversation_short_id")
	if diags.Append(d...); diags.HasError() {
		return nil, diags
	}
	users, err := client.BatchGetWhitelistParticipant(ctx, imclient.WhitelistInput{AppID: appID, ConversationShortID: conversation})
	if err != nil {
		diags.Append(errorDiagnostic(err))
		return nil, diags
	}
	warnIgnored(ctx, &diags, "whitelisted users", ignoredCount{users.NoID, "without a user ID"})
	return state{
		"app_id":                int64(appID),
		"conversation_short_id": conversation,
		"participants":          listOf(whitelistedFields, users.Records),
	}, diags
}
