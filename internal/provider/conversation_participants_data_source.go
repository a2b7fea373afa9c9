// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/imclient"
)

var (
	_ datasource.DataSource              = (*conversationParticipantsDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*conversationParticipantsDataSource)(nil)
)

func newConversationParticipantsDataSource() datasource.DataSource {
	return &conversationParticipantsDataSource{}
}

type conversationParticipantsDataSource struct {
	data *providerData
}

// conversationParticipantsModel holds the arguments; the computed
// attributes are written as a raw value (see participants_state.go).
type conversationParticipantsModel struct {
	AppID               types.Int64   `tfsdk:"app_id"`
	ConversationShortID types.Int64   `tfsdk:"conversation_short_id"`
	ParticipantUserIDs  []types.Int64 `tfsdk:"participant_user_ids"`
}

func (d *conversationParticipantsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_conversation_participants"
}

func (d *conversationParticipantsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	computedInt := func(desc string) schema.Int64Attribute {
		return schema.Int64Attribute{Computed: true, MarkdownDescription: desc}
	}
	computedString := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{Computed: true, MarkdownDescription: desc}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads members of one IM conversation with the OpenAPI action " +
			"`BatchGetConversationParticipant`. Members come back in the order of `participant_user_ids`; " +
			"requested users who are not members are listed in `missing_user_ids` instead of failing the read.",
		Attributes: map[string]schema.Attribute{
			"app_id": schema.Int64Attribute{
				MarkdownDescription: "ID of the RTC application that owns the conversation (1 to 2147483647).",
				Required:            true,
				Validators:          []validator.Int64{int64validator.Between(1, math.MaxInt32)},
			},
			"conversation_short_id": schema.Int64Attribute{
				MarkdownDescription: "Short ID of the conversation (a positive 64-bit integer; large IDs are kept exact).",
				Required:            true,
				Validators:          []validator.Int64{int64validator.AtLeast(1)},
			},
			"participant_user_ids": schema.ListAttribute{
				MarkdownDescription: "User IDs of the members to read: at least one, each positive, no duplicates. " +
					"The order given here is the order of `participants`.",
				Required:    true,
				ElementType: types.Int64Type,
				Validators: []validator.List{
					listvalidator.SizeAtLeast(1),
					listvalidator.NoNullValues(),
					uniqueIDsValidator{},
					listvalidator.ValueInt64sAre(int64validator.AtLeast(1)),
				},
			},
			"participants": schema.ListNestedAttribute{
				MarkdownDescription: "The members found, in the order of `participant_user_ids`. Fields the API " +
					"leaves out are null, not zero.",
				Computed: true,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"conversation_short_id": computedInt("Short ID of the conversation."),
					"participant_user_id":   computedInt("User ID of the member."),
					"operator":              computedInt("User ID of whoever added the member (or last changed it)."),
					"role":                  computedInt("Role code: `0` member, `1` owner, `2` admin."),
					"role_name":             computedString("Role as a word: `member`, `owner`, `admin`, or `unknown` for a code this provider does not know."),
					"level":                 computedInt("Member level; null when the API does not return one."),
					"nick_name":             computedString("Nickname in this conversation; null when the API does not return one."),
					"status":                computedInt("Status code: `0` normal, `1` left the conversation; null when not returned."),
					"create_time":           computedInt("When the member joined, in Unix seconds; null when not returned."),
					"create_time_rfc3339":   computedString("`create_time` as an RFC 3339 timestamp in UTC; null when `create_time` is null."),
					"block_time":            computedInt("Unix seconds until which the member is muted; `0` means not muted; null when not returned."),
					"block_time_rfc3339":    computedString("`block_time` as an RFC 3339 timestamp in UTC; null when the member is not muted or `block_time` is null."),
					"ext": schema.MapAttribute{
						MarkdownDescription: "Extension fields of the member as string keys and values; null when not returned.",
						Computed:            true,
						ElementType:         types.StringType,
					},
				}},
			},
			"missing_user_ids": schema.ListAttribute{
				MarkdownDescription: "Requested user IDs the API did not return (not members of the conversation), " +
					"in request order. Empty when every requested user is a member.",
				Computed:    true,
				ElementType: types.Int64Type,
			},
		},
	}
}

func (d *conversationParticipantsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	if req.ProviderData == nil {
		return
	}
	data, ok := req.ProviderData.(*providerData)
	if !ok {
		resp.Diagnostics.AddError("Unexpected provider data", fmt.Sprintf("Expected *providerData, got %T. This is a bug in the provider.", req.ProviderData))
		return
	}
	d.data = data
}

func (d *conversationParticipantsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m conversationParticipantsModel
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("app_id"), &m.AppID)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("conversation_short_id"), &m.ConversationShortID)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("participant_user_ids"), &m.ParticipantUserIDs)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if d.data == nil {
		resp.Diagnostics.AddError("Provider not configured", "The volcrtc provider was not configured before this data source was read.")
		return
	}
	if len(d.data.unknown) > 0 && req.ClientCapabilities.DeferralAllowed {
		resp.Deferred = &datasource.Deferred{Reason: datasource.DeferredReasonProviderConfigUnknown}
		return
	}
	client, diags := d.data.clientOrDiags()
	if resp.Diagnostics.Append(diags...); diags.HasError() {
		return
	}
	ctx = d.data.logContext(ctx)

	in, diags := m.input()
	if resp.Diagnostics.Append(diags...); diags.HasError() {
		return
	}
	found, err := client.BatchGetConversationParticipant(ctx, in)
	if err != nil {
		resp.Diagnostics.Append(errorDiagnostic(err))
		return
	}
	byID, ignored := indexParticipants(in, found)
	if ignored != "" {
		tflog.Warn(ctx, "ignored unexpected participants", map[string]any{"detail": ignored})
		resp.Diagnostics.AddWarning("Unexpected participants ignored",
			"The API answered with participants this read did not ask for; they were left out of the result: "+ignored+".")
	}
	state, err := stateValue(resp.State.Schema.Type().TerraformType(ctx), in, byID)
	if err != nil {
		resp.Diagnostics.AddError("Cannot build the data source's state", err.Error()+" This is a bug in the provider.")
		return
	}
	tflog.Debug(ctx, "read conversation participants", map[string]any{
		"requested": len(in.UserIDs), "found": len(byID),
	})
	resp.State.Raw = state
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
	var otherConv, unrequested, dup int
	for _, p := range found {
		switch _, seen := byID[p.ParticipantUserID]; {
		case p.ConversationShortID != 0 && p.ConversationShortID != in.ConversationShortID:
			otherConv++
		case !requested[p.ParticipantUserID]:
			unrequested++
		case seen:
			dup++
		default:
			byID[p.ParticipantUserID] = p
		}
	}
	var parts []string
	for _, c := range []struct {
		n    int
		what string
	}{{otherConv, "of another conversation"}, {unrequested, "not requested"}, {dup, "repeated"}} {
		if c.n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", c.n, c.what))
		}
	}
	return byID, strings.Join(parts, ", ")
}

// input converts the validated configuration into a client request.
func (m conversationParticipantsModel) input() (imclient.BatchGetParticipantsInput, diag.Diagnostics) {
	var diags diag.Diagnostics
	app := m.AppID.ValueInt64()
	if app < 1 || app > math.MaxInt32 {
		diags.AddAttributeError(path.Root("app_id"), "Invalid app_id", fmt.Sprintf("app_id must be between 1 and %d, got %d.", math.MaxInt32, app))
	}
	in := imclient.BatchGetParticipantsInput{
		AppID:               int32(app),
		ConversationShortID: m.ConversationShortID.ValueInt64(),
		UserIDs:             make([]int64, len(m.ParticipantUserIDs)),
	}
	for i, v := range m.ParticipantUserIDs {
		in.UserIDs[i] = v.ValueInt64()
	}
	return in, diags
}

// errorDiagnostic explains a failed call to a user.
func errorDiagnostic(err error) diag.Diagnostic {
	if errors.Is(err, context.Canceled) {
		return diag.NewErrorDiagnostic("Read canceled", "Reading the conversation members was canceled before it finished.")
	}
	var apiErr *imclient.APIError
	if !errors.As(err, &apiErr) {
		return diag.NewErrorDiagnostic("Cannot reach the Volcengine IM OpenAPI",
			err.Error()+"\n\nCheck endpoint, region, network access and any HTTP(S) proxy settings; "+
				"raise request_timeout_seconds or max_retries if the API is slow.")
	}
	summary := "Volcengine IM OpenAPI error"
	if apiErr.Code != "" {
		summary += ": " + apiErr.Code
	}
	detail := fmt.Sprintf("BatchGetConversationParticipant was rejected.\n\nCode: %s\nMessage: %s\nHTTP status: %d\nRequestId: %s",
		orNone(apiErr.Code), orNone(apiErr.Message), apiErr.HTTPStatus, orNone(apiErr.RequestID))
	if apiErr.CodeN != 0 {
		detail += fmt.Sprintf("\nCodeN: %d", apiErr.CodeN)
	}
	if apiErr.Attempts > 1 {
		detail += fmt.Sprintf("\nAttempts: %d (retries exhausted; see max_retries)", apiErr.Attempts)
	}
	if hint := apiErr.Hint(); hint != "" {
		detail += "\n\n" + hint
	}
	return diag.NewErrorDiagnostic(summary, detail)
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}
