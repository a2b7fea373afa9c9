// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/imclient"
)

// markedConv is a conversation with its marks, as volcrtc_conversations
// returns it.
type markedConv struct {
	imclient.Conversation
	marks []string
}

// markedConversationFields is conversationFields and each conversation's
// marks.
var markedConversationFields = func() object[markedConv] {
	out := make(object[markedConv], 0, len(conversationFields)+1)
	for _, f := range conversationFields {
		value := f.value
		out = append(out, field[markedConv]{f.name, f.typ, f.desc, func(c markedConv) any { return value(c.Conversation) }})
	}
	return append(out, field[markedConv]{"marks", stringList,
		"The conversation's marks (`GetConversationMarks`), sorted, each once; empty when it has none, null when the " +
			"conversation was dissolved between the two reads.",
		func(c markedConv) any { return optionalStringList(c.marks) }})
}()

// withMarks reads the marks of each conversation, one GetConversationMarks
// each, in order. A conversation the read does not find any more
// (dissolved meanwhile) has null marks.
func withMarks(ctx context.Context, client *imclient.Client, app int32, convs []imclient.Conversation) ([]markedConv, diag.Diagnostics) {
	var diags diag.Diagnostics
	out := make([]markedConv, len(convs))
	for i, c := range convs {
		out[i].Conversation = c
		if c.ConversationShortID == nil {
			continue
		}
		marks, err := client.GetConversationMarks(ctx, app, *c.ConversationShortID)
		switch {
		case isAPICode(err, imclient.CodeConversationNotFound):
		case err != nil:
			diags.Append(errorDiagnostic(err))
			diags.AddError("Cannot read a conversation's marks",
				fmt.Sprintf("GetConversationMarks failed for conversation %d; nothing was read.", *c.ConversationShortID))
			return nil, diags
		default:
			out[i].marks = sortedCopy(marks)
		}
	}
	return out, diags
}
