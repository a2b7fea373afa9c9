// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"math"

	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/imclient"
)

var (
	_ datasource.DataSource              = (*conversationsDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*conversationsDataSource)(nil)
)

func newConversationsDataSource() datasource.DataSource {
	return &conversationsDataSource{dataSource{read: readConversations}}
}

type conversationsDataSource struct{ dataSource }

// conversationsModel holds the arguments; the computed attributes are
// written as raw state (see rawstate.go).
type conversationsModel struct {
	AppID                types.Number
	ConversationShortIDs []types.Number
	IncludeMemberCount   types.Bool
}

func (d *conversationsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_conversations"
}

func (d *conversationsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads IM conversations (name, owner, type, status, member count...) with the OpenAPI action " +
			"`BatchGetConversations`. Conversations come back in the order of `conversation_short_ids`; requested " +
			"conversations the API does not return (unknown, or dissolved, which the API does not serve) are listed in " +
			"`missing_conversation_short_ids` instead of failing the read.",
		Attributes: map[string]schema.Attribute{
			"app_id": schema.NumberAttribute{
				MarkdownDescription: "ID of the RTC application that owns the conversations (a whole number, 1 to 2147483647).",
				Required:            true,
				Validators:          []validator.Number{wholeNumber{1, math.MaxInt32}},
			},
			"conversation_short_ids": schema.ListAttribute{
				MarkdownDescription: "Short IDs of the conversations to read: at least one, each a positive 64-bit whole " +
					"number, no duplicates. The order given here is the order of `conversations`.",
				Required:    true,
				ElementType: types.NumberType,
				Validators: []validator.List{
					listvalidator.SizeAtLeast(1),
					listvalidator.NoNullValues(),
					uniqueIDsValidator{"conversation ID"},
					listvalidator.ValueNumbersAre(wholeNumber{1, math.MaxInt64}),
				},
			},
			"include_member_count": schema.BoolAttribute{
				MarkdownDescription: "Whether to ask the API for each conversation's `member_count` (default `false`; " +
					"the API skips counting unless asked).",
				Optional: true,
			},
			"conversations": conversationFields.list("The conversations found, in the order of `conversation_short_ids`. " +
				"Fields the API leaves out are null, not zero."),
			"missing_conversation_short_ids": schema.ListAttribute{
				MarkdownDescription: "Requested conversation IDs the API did not return (unknown, or dissolved), in " +
					"request order. Empty when every requested conversation was found.",
				Computed:    true,
				ElementType: types.NumberType,
			},
		},
	}
}

// readConversations reads what config asks for and returns the state.
func readConversations(ctx context.Context, client *imclient.Client, config tftypes.Value) ([]byte, diag.Diagnostics) {
	var diags diag.Diagnostics
	args, err := arguments(config)
	var m conversationsModel
	if err == nil {
		m.AppID = args.number("app_id")
		if m.ConversationShortIDs, err = args.numbers("conversation_short_ids"); err == nil {
			m.IncludeMemberCount, err = args.boolean("include_member_count")
		}
	}
	if err != nil {
		diags.AddError("Cannot read the configuration", err.Error()+" This is a bug in the provider.")
		return nil, diags
	}
	in, inDiags := m.input()
	if diags.Append(inDiags...); diags.HasError() {
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
	return encodeState(len(byID), conversationsState{in: in, include: m.IncludeMemberCount, byID: byID}.write, &diags), diags
}

func (m conversationsModel) input() (imclient.BatchGetConversationsInput, diag.Diagnostics) {
	var diags diag.Diagnostics
	ids := wholeNumber{1, math.MaxInt64}
	wholeNumber{1, math.MaxInt32}.validate(path.Root("app_id"), m.AppID, &diags)
	in := imclient.BatchGetConversationsInput{
		AppID:                int32(int64Of(m.AppID)),
		ConversationShortIDs: make([]int64, len(m.ConversationShortIDs)),
		IncludeMemberCount:   m.IncludeMemberCount.ValueBool(),
	}
	for i, v := range m.ConversationShortIDs {
		ids.validate(path.Root("conversation_short_ids").AtListIndex(i), v, &diags)
		in.ConversationShortIDs[i] = int64Of(v)
	}
	return in, diags
}

// indexConversations keys the answer by ID, keeping requested ones of the
// requested app once each; ignored describes what was dropped.
func indexConversations(in imclient.BatchGetConversationsInput, found []imclient.Conversation) (map[int64]imclient.Conversation, string) {
	requested := make(map[int64]bool, len(in.ConversationShortIDs))
	for _, id := range in.ConversationShortIDs {
		requested[id] = true
	}
	byID := make(map[int64]imclient.Conversation, len(found))
	var noID, otherApp, unrequested, dup int
	for _, c := range found {
		if c.ConversationShortID == nil {
			noID++
			continue
		}
		id := *c.ConversationShortID
		switch _, seen := byID[id]; {
		case c.AppID != nil && *c.AppID != int64(in.AppID):
			otherApp++
		case !requested[id]:
			unrequested++
		case seen:
			dup++
		default:
			byID[id] = c
		}
	}
	return byID, describeIgnored(ignoredCount{noID, "without an ID"}, ignoredCount{otherApp, "of another app"},
		ignoredCount{unrequested, "not requested"}, ignoredCount{dup, "repeated"})
}

// conversationsState is the data source's whole state.
type conversationsState struct {
	in      imclient.BatchGetConversationsInput
	include types.Bool
	byID    map[int64]imclient.Conversation
}

// write encodes the state in request order; its attributes in the
// schema's order are app_id, conversation_short_ids, conversations,
// include_member_count, missing_conversation_short_ids.
func (st conversationsState) write(w *stateWriter) {
	var found []imclient.Conversation
	var missing []int64
	for _, id := range st.in.ConversationShortIDs {
		if c, ok := st.byID[id]; ok {
			if !st.in.IncludeMemberCount {
				c.MemberCount = nil // not asked for: a count sent anyway may be stale or made up
			}
			found = append(found, c)
		} else {
			missing = append(missing, id)
		}
	}
	w.objectHeader(5)
	w.key("app_id")
	w.int(int64(st.in.AppID))
	w.key("conversation_short_ids")
	w.ints(st.in.ConversationShortIDs)
	w.key("conversations")
	objects(w, conversationFields, found)
	w.key("include_member_count")
	var include *bool
	if !st.include.IsNull() {
		v := st.include.ValueBool()
		include = &v
	}
	w.optionalBool(include)
	w.key("missing_conversation_short_ids")
	w.ints(missing)
}
