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
		"conversations": conversationFields.list("The conversations found, in the order of `conversation_short_ids`. " +
			"Fields the API leaves out are null, not zero."),
		"missing_conversation_short_ids": schema.ListAttribute{
			MarkdownDescription: "Requested conversation IDs the API did not return (unknown, or dissolved), in " +
				"request order. Empty when every requested conversation was found.",
			Computed:    true,
			ElementType: types.NumberType,
		},
	},
	read: readConversations,
}

func includeMemberCountAttribute() schema.BoolAttribute {
	return schema.BoolAttribute{
		MarkdownDescription: "Whether to ask the API for each conversation's `member_count` (default `false`; " +
			"the API skips counting unless asked).",
		Optional: true,
	}
}

// readConversations reads what the arguments ask for.
func readConversations(ctx context.Context, client *imclient.Client, a args) (state, diag.Diagnostics) {
	var diags diag.Diagnostics
	include := a.flag("include_member_count")
	in := imclient.BatchGetConversationsInput{AppID: a.appID(), ConversationShortIDs: a.ids("conversation_short_ids"),
		IncludeMemberCount: include != nil && *include}
	if a.diags.HasError() {
		return nil, diags
	}
	found, err := client.BatchGetConversations(ctx, in)
	if err != nil {
		diags.Append(errorDiagnostic(err))
		return nil, diags
	}
	batchSizeWarning(client, imclient.ActionBatchGetConversations, "conversation IDs", &diags)
	byID, ignored := indexConversations(in, found)
	if ignored != "" {
		tflog.Warn(ctx, "ignored unexpected conversations", map[string]any{"detail": ignored})
		diags.AddWarning("Unexpected conversations ignored",
			"The API answered with conversations this read did not ask for; they were left out of the result: "+ignored+".")
	}
	convs, missing := inRequestOrder(in.ConversationShortIDs, byID, nil)
	return state{
		"app_id":                         int64(in.AppID),
		"conversation_short_ids":         in.ConversationShortIDs,
		"conversations":                  listOf(conversationFields, memberCounts(convs, in.IncludeMemberCount)),
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
// requested app once each; ignored describes what was dropped.
func indexConversations(in imclient.BatchGetConversationsInput, found []imclient.Conversation) (map[int64]imclient.Conversation, string) {
	return indexByID(in.ConversationShortIDs, found, "an ID",
		func(c *imclient.Conversation) *int64 { return c.ConversationShortID },
		func(c *imclient.Conversation) (bool, string) {
			return c.AppID == nil || *c.AppID == int64(in.AppID), "of another app"
		})
}
