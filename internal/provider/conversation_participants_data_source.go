// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"

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
	AppID               types.Number   `tfsdk:"app_id"`
	ConversationShortID types.Number   `tfsdk:"conversation_short_id"`
	ParticipantUserIDs  []types.Number `tfsdk:"participant_user_ids"`
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
			"requested users who are not current members are listed in `missing_user_ids` instead of failing the read.",
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
					"no duplicates. The order given here is the order of `participants`.",
				Required:    true,
				ElementType: types.NumberType,
				Validators: []validator.List{
					listvalidator.SizeAtLeast(1),
					listvalidator.NoNullValues(),
					uniqueIDsValidator{},
					listvalidator.ValueNumbersAre(wholeNumber{1, math.MaxInt64}),
				},
			},
			"participants": schema.ListNestedAttribute{
				MarkdownDescription: "The members found, in the order of `participant_user_ids`. Fields the API " +
					"leaves out are null, not zero.",
				Computed: true,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"conversation_short_id": computedInt("Short ID of the conversation; null when not returned."),
					"participant_user_id":   computedInt("User ID of the member."),
					"operator":              computedInt("User ID of whoever added the member (or last changed it); null when not returned."),
					"role":                  computedInt("Role code: `0` member, `1` owner, `2` admin; null when not returned."),
					"role_name":             computedString("Role as a word: `member`, `owner`, `admin`, or `unknown` for a code this provider does not know; null when `role` is null."),
					"level":                 computedInt("Member level; null when the API does not return one."),
					"nick_name":             computedString("Nickname in this conversation; null when the API does not return one."),
					"status":                computedInt("Status code: `0` normal, `1` left the conversation (such a user is also listed in `missing_user_ids`); null when not returned."),
					"create_time":           computedInt("When the member joined, in Unix seconds; null when not returned."),
					"create_time_rfc3339":   computedString("`create_time` as an RFC 3339 timestamp in UTC; null when `create_time` is null or outside the years 0000 to 9999, which RFC 3339 cannot write."),
					"block_time":            computedInt("Unix seconds until which the member is muted; `0` means not muted; null when not returned."),
					"block_time_rfc3339":    computedString("`block_time` as an RFC 3339 timestamp in UTC; null when the member is not muted, `block_time` is null, or it is outside the years 0000 to 9999."),
					"ext": schema.MapAttribute{
						MarkdownDescription: "Extension fields of the member as string keys and values; null when not returned.",
						Computed:            true,
						ElementType:         types.StringType,
					},
				}},
			},
			"missing_user_ids": schema.ListAttribute{
				MarkdownDescription: "Requested user IDs that are not current members, in request order: the API did " +
					"not return them, or returned them with `status` `1` (left the conversation; their record stays in " +
					"`participants`). Empty when every requested user is a current member, so " +
					"`length(missing_user_ids) == 0` is the membership check.",
				Computed:    true,
				ElementType: types.NumberType,
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
	if size, ok := client.TakeBatchSizeNotice(imclient.ActionBatchGetParticipants); ok {
		resp.Diagnostics.AddWarning("The API refused the batch size; reading in smaller calls",
			fmt.Sprintf("The API refused calls of more user IDs, so this provider instance now sends at most %d per call "+
				"and the read succeeded. Set max_batch_size = %d in the provider block to skip the refused calls in later runs.", size, size))
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
	var noID, otherConv, unrequested, dup int
	for _, p := range found {
		if p.ParticipantUserID == nil {
			noID++
			continue
		}
		id := *p.ParticipantUserID
		switch _, seen := byID[id]; {
		case p.ConversationShortID != nil && *p.ConversationShortID != in.ConversationShortID:
			otherConv++
		case !requested[id]:
			unrequested++
		case seen:
			dup++
		default:
			byID[id] = p
		}
	}
	var parts []string
	for _, c := range []struct {
		n    int
		what string
	}{{noID, "without a user ID"}, {otherConv, "of another conversation"}, {unrequested, "not requested"}, {dup, "repeated"}} {
		if c.n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", c.n, c.what))
		}
	}
	return byID, strings.Join(parts, ", ")
}

// input converts the validated configuration into a client request.
func (m conversationParticipantsModel) input() (imclient.BatchGetParticipantsInput, diag.Diagnostics) {
	// The schema's validators ran already; this guards the conversion.
	var diags diag.Diagnostics
	ids := wholeNumber{1, math.MaxInt64}
	wholeNumber{1, math.MaxInt32}.validate(path.Root("app_id"), m.AppID, &diags)
	ids.validate(path.Root("conversation_short_id"), m.ConversationShortID, &diags)
	in := imclient.BatchGetParticipantsInput{
		AppID:               int32(int64Of(m.AppID)),
		ConversationShortID: int64Of(m.ConversationShortID),
		UserIDs:             make([]int64, len(m.ParticipantUserIDs)),
	}
	for i, v := range m.ParticipantUserIDs {
		ids.validate(path.Root("participant_user_ids").AtListIndex(i), v, &diags)
		in.UserIDs[i] = int64Of(v)
	}
	return in, diags
}

// errorDiagnostic explains a failed call to a user. Every text that came
// from the API was made printable by the client.
func errorDiagnostic(err error) diag.Diagnostic {
	if errors.Is(err, context.Canceled) {
		return diag.NewErrorDiagnostic("Read canceled", "Reading the conversation members was canceled before it finished.")
	}
	var (
		apiErr   *imclient.APIError
		redirect *imclient.RedirectError
		te       *imclient.TransportError
	)
	switch {
	case errors.As(err, &redirect):
		return diag.NewErrorDiagnostic("The endpoint answered with a redirect",
			redirect.Error()+".\n\nNothing was sent to the new location: it would have received the request's signature "+
				"and session token. Set endpoint (or "+EnvEndpoint+") to the API's own address, or to the final "+
				"address of your proxy or gateway.")
	case errors.As(err, &te) && te.Permanent:
		return diag.NewErrorDiagnostic("Cannot call the Volcengine IM OpenAPI",
			err.Error()+"\n\nThis would fail the same way again, so it was not retried. If the message is about a "+
				"certificate, the endpoint's TLS certificate is not trusted by this machine: check endpoint, or add its "+
				"CA to the system's trust store. If it is about a header, a credential holds a character that HTTP "+
				"cannot carry.")
	case !errors.As(err, &apiErr):
		return diag.NewErrorDiagnostic("Cannot reach the Volcengine IM OpenAPI",
			err.Error()+"\n\nCheck endpoint, region, network access and any HTTP(S) proxy settings; "+
				"raise request_timeout_seconds or max_retries if the API is slow.")
	case apiErr.Unreadable:
		detail := fmt.Sprintf("The response to %s could not be read: %s\nHTTP status: %d\nRequestId: %s",
			apiErr.Action, apiErr.Message, apiErr.HTTPStatus, orNone(apiErr.RequestID))
		if apiErr.Attempts > 1 {
			detail += fmt.Sprintf("\nAttempts: %d (retries exhausted; see max_retries)", apiErr.Attempts)
		}
		return diag.NewErrorDiagnostic("Unreadable response from the Volcengine IM OpenAPI", detail+
			"\n\nThe answer was not the API's JSON: check that endpoint points at the API and not at a proxy's or gateway's page.")
	}
	summary := "Volcengine IM OpenAPI error"
	if apiErr.Code != "" {
		summary += ": " + apiErr.Code
	}
	detail := fmt.Sprintf("%s was rejected.\n\nCode: %s\nMessage: %s\nHTTP status: %d\nRequestId: %s",
		apiErr.Action, orNone(apiErr.Code), orNone(apiErr.Message), apiErr.HTTPStatus, orNone(apiErr.RequestID))
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
