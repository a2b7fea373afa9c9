// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"math"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/imclient"
)

// conversationSources maps source to GetUserConversations' DataType.
var conversationSources = map[string]int32{
	"all":                 imclient.SourceAll,
	"recent":              imclient.SourceRecent,
	"live_groups_created": imclient.SourceLiveGroupsCreated,
}

var userConversationsSpec = spec{
	name: "user_conversations",
	description: "Reads every conversation a user is in (or the live groups they created) with the OpenAPI action " +
		"`GetUserConversations`, page by page, in the API's order. The read returns the whole list or fails saying " +
		"how far it got; it is never partial.",
	attributes: map[string]schema.Attribute{
		"app_id": appIDAttribute("the user"),
		"participant_user_id": schema.NumberAttribute{
			MarkdownDescription: "User ID whose conversations to read (a positive 64-bit whole number).",
			Required:            true,
			Validators:          []validator.Number{wholeNumber{1, math.MaxInt64}},
		},
		"source": schema.StringAttribute{
			MarkdownDescription: "Which conversations, in which order: `all` (default; every conversation the user is " +
				"in, by creation time), `recent` (by recent activity, from the API's cache), or `live_groups_created` " +
				"(the live groups the user created, newest first).",
			Optional:   true,
			Validators: []validator.String{stringvalidator.OneOf("all", "recent", "live_groups_created")},
		},
		"inbox_type": schema.NumberAttribute{
			MarkdownDescription: "Inbox to read (the API's logical separation of conversations; default `0`).",
			Optional:            true,
			Validators:          []validator.Number{wholeNumber{0, math.MaxInt32}},
		},
		"include_member_count": includeMemberCountAttribute(),
		"conversations": conversationFields.list("The user's conversations, in the API's order, each once. Fields the " +
			"API leaves out are null, not zero."),
	},
	read: readUserConversations,
}

func readUserConversations(ctx context.Context, client *imclient.Client, a args) (state, diag.Diagnostics) {
	source, diags := a.text("source")
	include, d := a.flag("include_member_count")
	diags.Append(d...)
	appID, d := a.appID()
	diags.Append(d...)
	userID, d := a.id("participant_user_id")
	diags.Append(d...)
	inboxType, d := a.whole("inbox_type", 0, math.MaxInt32)
	if diags.Append(d...); diags.HasError() {
		return nil, diags
	}
	inbox := a.number("inbox_type")
	in := imclient.UserConversationsInput{AppID: appID, UserID: userID, Source: imclient.SourceAll,
		InboxType: int32(inboxType), IncludeMemberCount: include != nil && *include}
	if source != nil {
		in.Source = conversationSources[*source]
	}
	in.Size = stateLimit(conversationFields, 0)
	found, err := client.GetUserConversations(ctx, in)
	if err != nil {
		diags.Append(errorDiagnostic(err))
		return nil, diags
	}
	convs := found.Records
	warnIgnored(ctx, &diags, "conversations", ignoredCount{found.Elsewhere, "of another app"},
		ignoredCount{found.NoID, "without a conversation_short_id"})
	var inboxValue any
	if !inbox.IsNull() {
		inboxValue = int64(in.InboxType)
	}
	return state{
		"app_id":               int64(in.AppID),
		"participant_user_id":  in.UserID,
		"source":               orNull(source),
		"inbox_type":           inboxValue,
		"include_member_count": orNull(include),
		"conversations":        listOf(conversationFields, memberCounts(convs, in.IncludeMemberCount)),
	}, diags
}
