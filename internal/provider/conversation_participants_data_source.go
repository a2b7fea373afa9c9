// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"fmt"
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
	_ datasource.DataSource              = (*conversationParticipantsDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*conversationParticipantsDataSource)(nil)
)

func newConversationParticipantsDataSource() datasource.DataSource {
	return &conversationParticipantsDataSource{dataSource{read: readParticipants}}
}

type conversationParticipantsDataSource struct{ dataSource }

// conversationParticipantsModel holds the arguments; the computed
// attributes are written as raw state (see rawstate.go).
type conversationParticipantsModel struct {
	AppID               types.Number
	ConversationShortID types.Number
	ParticipantUserIDs  []types.Number
}

func (d *conversationParticipantsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_conversation_participants"
}

func (d *conversationParticipantsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads members of one IM conversation. With `participant_user_ids`, the OpenAPI action " +
			"`BatchGetConversationParticipant` reads those users, in that order; requested users who are not current " +
			"members are listed in `missing_user_ids` instead of failing the read. Without it, " +
			"`ScanConversationParticipantList` reads every member, page by page, in the API's order.",
		Attributes: map[string]schema.Attribute{
			"app_id": schema.NumberAttribute{
				MarkdownDescription: "ID of the RTC application that owns the conversation (a whole number, 1 to 2147483647).",
				Required:            true,
				Validators:          []validator.Number{wholeNumber{1, math.MaxInt32}},
			},
			"conversation_short_id": schema.NumberAttribute{
				MarkdownDescription: "Short ID of the conversation (a positive 64-bit whole number; large IDs are kept exact).",
				Required:            true,
				Validators:          []validator.Number{wholeNumber{1, math.MaxInt64}},
			},
			"participant_user_ids": schema.ListAttribute{
				MarkdownDescription: "User IDs of the members to read: at least one, each a positive 64-bit whole number, " +
					"no duplicates. The order given here is the order of `participants`. Leave it out to read every " +
					"member: it is then filled with every member's user ID, in the API's order.",
				Optional:    true,
				Computed:    true,
				ElementType: types.NumberType,
				Validators: []validator.List{
					listvalidator.SizeAtLeast(1),
					listvalidator.NoNullValues(),
					uniqueIDsValidator{"user ID"},
					listvalidator.ValueNumbersAre(wholeNumber{1, math.MaxInt64}),
				},
			},
			"participants": participantFields.list("The members found: in the order of `participant_user_ids` when it " +
				"is given, in the API's order (join order) when every member is read. Fields the API leaves out are null, not zero."),
			"missing_user_ids": schema.ListAttribute{
				MarkdownDescription: "Requested user IDs that are not current members, in request order: the API did " +
					"not return them, or returned them with `status` `1` (left the conversation; their record stays in " +
					"`participants`). Empty when every requested user is a current member, so " +
					"`length(missing_user_ids) == 0` is the membership check. Always empty when every member is read.",
				Computed:    true,
				ElementType: types.NumberType,
			},
		},
	}
}

// readParticipants reads what config asks for and returns the state.
func readParticipants(ctx context.Context, client *imclient.Client, config tftypes.Value) ([]byte, diag.Diagnostics) {
	var diags diag.Diagnostics
	args, err := arguments(config)
	var m conversationParticipantsModel
	if err == nil {
		m.AppID, m.ConversationShortID = args.number("app_id"), args.number("conversation_short_id")
		m.ParticipantUserIDs, err = args.numbers("participant_user_ids")
	}
	if err != nil {
		diags.AddError("Cannot read the configuration", err.Error()+" This is a bug in the provider.")
		return nil, diags
	}
	in, inDiags := m.input()
	if diags.Append(inDiags...); diags.HasError() {
		return nil, diags
	}
	var st participantsState
	if m.ParticipantUserIDs == nil {
		st = scanAll(ctx, client, in, &diags)
	} else {
		st = byIDs(ctx, client, in, &diags)
	}
	if diags.HasError() {
		return nil, diags
	}
	tflog.Debug(ctx, "read conversation participants", map[string]any{
		"requested": len(in.UserIDs), "members": len(st.members), "missing": len(st.missing),
	})
	return encodeState(len(st.members), st.write, &diags), diags
}

// byIDs reads the requested users with BatchGetConversationParticipant.
func byIDs(ctx context.Context, client *imclient.Client, in imclient.BatchGetParticipantsInput, diags *diag.Diagnostics) participantsState {
	found, err := client.BatchGetConversationParticipant(ctx, in)
	if err != nil {
		diags.Append(errorDiagnostic(err))
		return participantsState{}
	}
	batchSizeWarning(client, imclient.ActionBatchGetParticipants, "user IDs", diags)
	byID, ignored := indexParticipants(in, found)
	if ignored != "" {
		tflog.Warn(ctx, "ignored unexpected participants", map[string]any{"detail": ignored})
		diags.AddWarning("Unexpected participants ignored",
			"The API answered with participants this read did not ask for; they were left out of the result: "+ignored+".")
	}
	return byRequest(in, byID)
}

// scanAll reads every member with ScanConversationParticipantList, all or
// nothing.
func scanAll(ctx context.Context, client *imclient.Client, in imclient.BatchGetParticipantsInput, diags *diag.Diagnostics) participantsState {
	res, err := client.ScanConversationParticipants(ctx, imclient.ScanInput{AppID: in.AppID, ConversationShortID: in.ConversationShortID})
	if err != nil {
		diags.Append(errorDiagnostic(err))
		return participantsState{}
	}
	st := participantsState{appID: in.AppID, conversation: in.ConversationShortID,
		userIDs: make([]int64, len(res.Members)), members: res.Members}
	for i, p := range res.Members {
		st.userIDs[i] = *p.ParticipantUserID
	}
	if detail := describeIgnored(ignoredCount{res.NoUserID, "without a user ID"}, ignoredCount{res.OtherConversation, "of another conversation"}); detail != "" {
		tflog.Warn(ctx, "ignored unexpected participants", map[string]any{"detail": detail})
		diags.AddWarning("Unexpected participants ignored",
			"The API's list of members held records that cannot be members of this conversation; they were left out: "+detail+".")
	}
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
// members of the requested conversation, once each. ignored describes
// what was dropped, or is empty.
func indexParticipants(in imclient.BatchGetParticipantsInput, found []imclient.Participant) (map[int64]imclient.Participant, string) {
	requested := make(map[int64]bool, len(in.UserIDs))
	for _, id := range in.UserIDs {
		requested[id] = true
	}
	byID := make(map[int64]imclient.Participant, len(found))
	var noID, otherConv, unrequested, dup int
	for _, p := range found {
		if p.ParticipantUserID == nil {
			noID++
			continue
		}
		id := *p.ParticipantUserID
		switch _, seen := byID[id]; {
		case !p.InConversation(in.ConversationShortID):
			otherConv++
		case !requested[id]:
			unrequested++
		case seen:
			dup++
		default:
			byID[id] = p
		}
	}
	return byID, describeIgnored(ignoredCount{noID, "without a user ID"}, ignoredCount{otherConv, "of another conversation"},
		ignoredCount{unrequested, "not requested"}, ignoredCount{dup, "repeated"})
}

// input converts the validated configuration into a client request;
// UserIDs is nil when every member is to be read.
func (m conversationParticipantsModel) input() (imclient.BatchGetParticipantsInput, diag.Diagnostics) {
	// The schema's validators ran already; this guards the conversion.
	var diags diag.Diagnostics
	ids := wholeNumber{1, math.MaxInt64}
	wholeNumber{1, math.MaxInt32}.validate(path.Root("app_id"), m.AppID, &diags)
	ids.validate(path.Root("conversation_short_id"), m.ConversationShortID, &diags)
	in := imclient.BatchGetParticipantsInput{
		AppID:               int32(int64Of(m.AppID)),
		ConversationShortID: int64Of(m.ConversationShortID),
	}
	if m.ParticipantUserIDs != nil {
		in.UserIDs = make([]int64, len(m.ParticipantUserIDs))
	}
	for i, v := range m.ParticipantUserIDs {
		ids.validate(path.Root("participant_user_ids").AtListIndex(i), v, &diags)
		in.UserIDs[i] = int64Of(v)
	}
	return in, diags
}
