// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"fmt"
	"math"
	"math/big"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/imclient"
)

var _ fullResource = (*whitelistResource)(nil)

func newWhitelistResource() resource.Resource { return &whitelistResource{} }

// whitelistResource is volcrtc_conversation_whitelist: a live group's
// whole speaker whitelist. It reads the list whole
// (BatchGetWhitelistParticipant) and writes with
// BatchAddWhitelistParticipant and BatchRemoveWhitelistParticipant.
type whitelistResource struct {
	resourceBase
}

type whitelistModel struct {
	ID                  types.String `tfsdk:"id"`
	AppID               types.Number `tfsdk:"app_id"`
	ConversationShortID types.Number `tfsdk:"conversation_short_id"`
	OperatorUserID      types.Number `tfsdk:"operator_user_id"`
	UserIDs             types.Set    `tfsdk:"user_ids"`
}

var whitelistIdentity = identitySpec{importAppID, importConversationID}

func (r *whitelistResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_conversation_whitelist"
}

func (r *whitelistResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A live group's whole speaker whitelist: the users who may speak while the live group is muted. " +
			"The set is authoritative: users added outside Terraform show in the plan as removals. The API documents the " +
			"whitelist for live groups (conversation type 100) only, and a normal group is refused at plan.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "`APP_ID/CONVERSATION_SHORT_ID`, the import ID.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"app_id": replacingAppID("ID of the RTC application that owns the live group (a whole number, 1 to 2147483647). " +
				"Changing it makes another whitelist."),
			"conversation_short_id": replacingID("Short ID of the live group (a positive 64-bit whole number). Changing it " +
				"makes another whitelist (this one emptied, the other filled)."),
			"operator_user_id": schema.NumberAttribute{
				MarkdownDescription: "The user the API records as adding and removing users (a positive 64-bit whole number); " +
					"the API requires one. Changing it changes no user on the list.",
				Required:   true,
				Validators: []validator.Number{wholeNumber{1, math.MaxInt64}},
			},
			"user_ids": schema.SetAttribute{
				MarkdownDescription: fmt.Sprintf("Every user on the whitelist (positive 64-bit whole numbers): users not here "+
					"are removed from it. At most %d, the API's documented default cap. An empty set empties it.", imclient.MaxWhitelist),
				ElementType: types.NumberType,
				Required:    true,
				Validators: []validator.Set{setvalidator.SizeAtMost(imclient.MaxWhitelist),
					setvalidator.ValueNumbersAre(wholeNumber{1, math.MaxInt64})},
			},
		},
	}
}

func (r *whitelistResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = whitelistIdentity.schema()
}

func (r *whitelistResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if whitelistIdentity.importState(ctx, req, resp) != nil {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("user_ids"), types.SetNull(types.NumberType))...)
	}
}

// ModifyPlan refuses, before any write, a conversation that is not a live
// group.
func (r *whitelistResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || req.Plan.Raw.Equal(req.State.Raw) {
		return
	}
	var plan whitelistModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() || plan.AppID.IsUnknown() || plan.ConversationShortID.IsUnknown() {
		return
	}
	app, conv := int32Of(plan.AppID), int64Of(plan.ConversationShortID)
	c := r.memberPlanCall(ctx, req.State.Raw.IsNull(), app, conv, &resp.Diagnostics)
	if c == nil {
		return
	}
	defer c.stop()
	lookupLiveGroup(c.ctx, c.client, app, conv, &resp.Diagnostics)
}

func idSet(ids []int64) types.Set {
	vals := make([]attr.Value, len(ids))
	for i, id := range ids {
		vals[i] = numberOf(id)
	}
	return types.SetValueMust(types.NumberType, vals)
}

func idsOfSet(s types.Set) []int64 {
	var out []int64
	for _, v := range s.Elements() {
		if n, ok := v.(types.Number); ok && !n.IsNull() && !n.IsUnknown() {
			if i, acc := n.ValueBigFloat().Int64(); acc == big.Exact {
				out = append(out, i)
			}
		}
	}
	slices.Sort(out)
	return out
}

func readWhitelistIDs(ctx context.Context, client *imclient.Client, app int32, conv int64) ([]int64, error) {
	ids, _, err := readWhitelistUsers(ctx, client, app, conv)
	return ids, err
}

// readWhitelistUsers reads the whitelist's user IDs, sorted, and the
// operator that recorded every one of them (0 when they differ, or none
// is given).
func readWhitelistUsers(ctx context.Context, client *imclient.Client, app int32, conv int64) ([]int64, int64, error) {
	got, err := client.BatchGetWhitelistParticipant(ctx, imclient.WhitelistInput{AppID: app, ConversationShortID: conv})
	if err != nil {
		return nil, 0, err
	}
	ids := make([]int64, 0, len(got.Records))
	operator := int64(-1)
	for _, p := range got.Records {
		ids = append(ids, *p.ParticipantUserID)
		switch {
		case p.Operator == nil || operator >= 0 && operator != *p.Operator:
			operator = 0
		case operator < 0:
			operator = *p.Operator
		}
	}
	slices.Sort(ids)
	return ids, max(operator, 0), nil
}

func (r *whitelistResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	whitelistIdentity.fill(ctx, req.State, req.State.Raw.IsNull(), resp.Identity, &resp.Diagnostics)
	var st whitelistModel
	op := r.startRead(ctx, req, resp, &st, "reading the whitelist")
	if op == nil {
		return
	}
	defer op.stop()
	app, conv := int32Of(st.AppID), int64Of(st.ConversationShortID)
	ids, operator, err := readWhitelistUsers(op.ctx, op.client, app, conv)
	if isAPICode(err, imclient.CodeConversationNotFound) || err == nil && len(ids) == 0 {
		if c, lerr := lookupConversation(op.ctx, op.client, app, conv); lerr == nil && c == nil {
			r.data.gone.add(app, conv)
			resp.Diagnostics.AddWarning("Conversation not found",
				fmt.Sprintf("Conversation %d is gone (dissolved): its whitelist was removed from the state.", conv))
			resp.State.RemoveResource(ctx)
			return
		}
	}
	if err != nil {
		resp.Diagnostics.Append(errorDiagnostic(err))
		return
	}
	st.UserIDs = idSet(ids)
	if st.OperatorUserID.IsNull() && operator > 0 {
		// Imported: the operator every user was added by, if one.
		st.OperatorUserID = numberOf(operator)
	}
	st.ID = types.StringValue(fmt.Sprintf("%d/%d", app, conv))
	resp.Diagnostics.Append(resp.State.Set(ctx, &st)...)
}

func (r *whitelistResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	defer whitelistIdentity.fromState(ctx, &resp.State, resp.Identity, &resp.Diagnostics)
	var plan whitelistModel
	op := r.startWrite(ctx, "filling the whitelist", &resp.Diagnostics, req.Plan.Get(ctx, &plan))
	if op == nil {
		return
	}
	defer op.stop()
	if !lookupLiveGroup(op.ctx, op.client, int32Of(plan.AppID), int64Of(plan.ConversationShortID), &resp.Diagnostics) {
		return
	}
	r.apply(ctx, op.ctx, op.client, plan, true, &resp.State, &resp.Diagnostics)
}

func (r *whitelistResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	whitelistIdentity.fill(ctx, req.State, req.State.Raw.IsNull(), resp.Identity, &resp.Diagnostics)
	var plan whitelistModel
	op := r.startWrite(ctx, "changing the whitelist", &resp.Diagnostics, req.Plan.Get(ctx, &plan))
	if op == nil {
		return
	}
	defer op.stop()
	r.apply(ctx, op.ctx, op.client, plan, false, &resp.State, &resp.Diagnostics)
}

// apply makes the whitelist plan's set: it reads the list, removes the
// users the set does not hold, adds the missing ones, and reads back,
// waiting for a lagging read. The state records the read-back.
func (r *whitelistResource) apply(ctx, callCtx context.Context, client *imclient.Client, plan whitelistModel, creating bool,
	st *tfsdk.State, diags *diag.Diagnostics) {
	app, conv := int32Of(plan.AppID), int64Of(plan.ConversationShortID)
	operator := int64Of(plan.OperatorUserID)
	want := idsOfSet(plan.UserIDs)
	have, err := readWhitelistIDs(callCtx, client, app, conv)
	if err != nil {
		diags.Append(errorDiagnostic(err))
		return
	}
	remove := slices.DeleteFunc(slices.Clone(have), func(id int64) bool { return slices.Contains(want, id) })
	add := slices.DeleteFunc(slices.Clone(want), func(id int64) bool { return slices.Contains(have, id) })
	done := "The state records the whitelist as read back after the apply, so the next plan shows what is left to do."
	if creating {
		done += " Terraform marks a resource whose create failed as tainted, and the next apply would empty the " +
			"whitelist and fill it again: to add only the rest, run `terraform untaint` on this resource first."
	}
	failed := false
	// Removals first, so that the cap is not passed on the way.
	if len(remove) > 0 {
		if _, err := client.RemoveWhitelistParticipant(callCtx, imclient.WhitelistWriteInput{AppID: app, ConversationShortID: conv,
			Operator: operator, UserIDs: remove}); err != nil {
			failed = true
			diags.Append(writeError(err, fmt.Sprintf("remove users from the whitelist of conversation %d", conv), done))
		}
	}
	if len(add) > 0 && !failed && callCtx.Err() == nil {
		if _, err := client.AddWhitelistParticipant(callCtx, imclient.WhitelistWriteInput{AppID: app, ConversationShortID: conv,
			Operator: operator, UserIDs: add}); err != nil {
			failed = true
			diags.Append(writeError(err, fmt.Sprintf("add users to the whitelist of conversation %d", conv), done))
		}
	}
	readCtx := context.WithoutCancel(callCtx)
	var back []int64
	_, err = awaitShown(readCtx, client.Clock(), func() (bool, error) {
		var err error
		back, err = readWhitelistIDs(readCtx, client, app, conv)
		return err != nil || failed || slices.Equal(back, want), err
	})
	if err != nil {
		diags.Append(errorDiagnostic(err))
		return
	}
	if !failed && !slices.Equal(back, want) {
		diags.AddWarning("The whitelist does not show the change yet",
			fmt.Sprintf("After the apply, the API still lists users %v on the whitelist of conversation %d, not %v as "+
				"written: reads can lag behind writes. The state records what was written; the next refresh reads it again.",
				back, conv, want))
		back = want
	}
	plan.UserIDs = idSet(back)
	plan.ID = types.StringValue(fmt.Sprintf("%d/%d", app, conv))
	diags.Append(st.Set(ctx, &plan)...)
}

func (r *whitelistResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var st whitelistModel
	op := r.startWrite(ctx, "emptying the whitelist", &resp.Diagnostics, req.State.Get(ctx, &st))
	if op == nil {
		return
	}
	defer op.stop()
	app, conv := int32Of(st.AppID), int64Of(st.ConversationShortID)
	c, err := lookupConversation(op.ctx, op.client, app, conv)
	if err != nil {
		resp.Diagnostics.Append(errorDiagnostic(err))
		return
	}
	ids := idsOfSet(st.UserIDs)
	if c == nil || len(ids) == 0 {
		return // gone with its conversation, or nothing to remove
	}
	if _, err := op.client.RemoveWhitelistParticipant(op.ctx, imclient.WhitelistWriteInput{AppID: app, ConversationShortID: conv,
		Operator: int64Of(st.OperatorUserID), UserIDs: ids}); err != nil {
		resp.Diagnostics.Append(writeError(err, fmt.Sprintf("empty the whitelist of conversation %d", conv),
			"The whitelist stays in the state: run the destroy again."))
	}
}
