// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/imclient"
)

var _ fullResource = (*memberResource)(nil)

func newMemberResource() resource.Resource { return &memberResource{} }

// memberResource is volcrtc_conversation_member: one member of a group,
// beside members nobody manages. It reads its member by ID
// (BatchGetConversationParticipant), never the whole list.
type memberResource struct {
	resourceBase
}

type memberResourceModel struct {
	ID                  types.String `tfsdk:"id"`
	AppID               types.Number `tfsdk:"app_id"`
	ConversationShortID types.Number `tfsdk:"conversation_short_id"`
	UserID              types.Number `tfsdk:"user_id"`
	OperatorUserID      types.Number `tfsdk:"operator_user_id"`
	Role                types.String `tfsdk:"role"`
	NickName            types.String `tfsdk:"nick_name"`
	Level               types.Number `tfsdk:"level"`
	Ext                 types.Map    `tfsdk:"ext"`
}

func (m memberResourceModel) member() memberModel {
	return memberModel{Role: m.Role, NickName: m.NickName, Level: m.Level, Ext: m.Ext}
}

func (m *memberResourceModel) setMember(v memberModel) {
	m.Role, m.NickName, m.Level, m.Ext = v.Role, v.NickName, v.Level, v.Ext
}

func (r *memberResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_conversation_member"
}

func (r *memberResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	attrs := memberAttributes()
	attrs["id"] = schema.StringAttribute{
		MarkdownDescription: "`APP_ID/CONVERSATION_SHORT_ID/USER_ID`, the import ID.",
		Computed:            true,
		PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
	}
	attrs["app_id"] = replacingAppID("ID of the RTC application that owns the conversation (a whole number, 1 to " +
		"2147483647). Changing it makes another member.")
	attrs["conversation_short_id"] = replacingID("Short ID of the group (a positive 64-bit whole number). Changing it " +
		"makes another member (removed from this group, added to the other).")
	attrs["user_id"] = replacingID("The member's user ID (a positive 64-bit whole number). Not the group's owner, who " +
		"is in the group by owning it. Changing it makes another member.")
	attrs["operator_user_id"] = optionalUserID("The user the API records as adding, changing and removing the member " +
		"(a positive 64-bit whole number). Default: the conversation's owner at the time of the change.")
	resp.Schema = schema.Schema{
		MarkdownDescription: "One member of a group conversation, beside members Terraform does not manage: their role, " +
			"nickname, level and extension fields. Creating it refuses a user who is already a member (the API would " +
			"silently overwrite their data): import them instead. Do not combine it with `volcrtc_conversation_members` " +
			"on the same conversation: that resource lists every member and would remove this one.",
		Attributes: attrs,
	}
}

func (r *memberResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	memberIdentity.importState(ctx, req, resp)
}

func memberID(app int32, conv, user int64) string { return fmt.Sprintf("%d/%d/%d", app, conv, user) }

// ModifyPlan checks what needs the API: that the conversation is a group
// or live group, and that the user is not its owner.
func (r *memberResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	r.planRemoval(ctx, req, &resp.Diagnostics)
	if req.Plan.Raw.IsNull() || req.Plan.Raw.Equal(req.State.Raw) {
		return
	}
	var plan memberResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() || plan.AppID.IsUnknown() || plan.ConversationShortID.IsUnknown() || plan.UserID.IsUnknown() {
		return
	}
	app, conv := int32Of(plan.AppID), int64Of(plan.ConversationShortID)
	c := r.memberPlanCall(ctx, req.State.Raw.IsNull(), app, conv, &resp.Diagnostics)
	if c == nil {
		return
	}
	defer c.stop()
	lookupMemberGroup(c.ctx, c.client, app, conv, int64Of(plan.UserID), &resp.Diagnostics)
}

// planRemoval records the member that a destroy or a replacement
// removes: a transfer to them in the same plan cannot be applied
// (owner_transfer.go).
func (r *memberResource) planRemoval(ctx context.Context, req resource.ModifyPlanRequest, diags *diag.Diagnostics) {
	if req.State.Raw.IsNull() {
		return
	}
	var st, plan memberResourceModel
	if req.State.Get(ctx, &st).HasError() {
		return
	}
	replace := !req.Plan.Raw.IsNull()
	if replace && (req.Plan.Get(ctx, &plan).HasError() || !replacesMembers(
		[]types.Number{plan.AppID, plan.ConversationShortID, plan.UserID}, []types.Number{st.AppID, st.ConversationShortID, st.UserID})) {
		return
	}
	r.data.planRemoval(int32Of(st.AppID), int64Of(st.ConversationShortID), []int64{int64Of(st.UserID)},
		memberRemoval{replace: replace}, diags)
}

// lookupMemberGroup reads the conversation a member is written to: nil,
// with the error on its attribute, unless it exists, takes members and
// is not owned by user.
func lookupMemberGroup(ctx context.Context, client *imclient.Client, app int32, conv, user int64, diags *diag.Diagnostics) *imclient.Conversation {
	c, err := lookupConversation(ctx, client, app, conv)
	switch {
	case err != nil:
		diags.Append(errorDiagnostic(err))
		return nil
	case c == nil:
		diags.Append(conversationNotFound(app, conv))
		return nil
	case c.ConversationType != nil && *c.ConversationType == int64(imclient.ConversationTypeOneToOne):
		diags.AddAttributeError(path.Root("conversation_short_id"), "Not a group", oneToOneText(conv))
		return nil
	case ownerOf(c) == user:
		diags.AddAttributeError(path.Root("user_id"), "The owner is not a member to manage",
			fmt.Sprintf("User %d owns conversation %d and is in it by owning it: ownership belongs to volcrtc_conversation's "+
				"owner_user_id. Choose another user_id.", user, conv))
		return nil
	}
	return c
}

// memberTargetOf is where a member is written.
func memberTargetOf(client *imclient.Client, m memberResourceModel, group *imclient.Conversation) (memberTarget, int64) {
	t := memberTarget{client: client, app: int32Of(m.AppID), conv: int64Of(m.ConversationShortID), single: true}
	if group != nil {
		t.owner = ownerOf(group)
	}
	t.operator = numberOr(m.OperatorUserID, t.owner)
	return t, int64Of(m.UserID)
}

func (r *memberResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	memberIdentity.fromState(ctx, &req.State, resp.Identity, &resp.Diagnostics)
	var st memberResourceModel
	op := r.startRead(ctx, req, resp, &st, "reading the member")
	if op == nil {
		return
	}
	defer op.stop()
	client, ctx := op.client, op.ctx
	t, user := memberTargetOf(client, st, nil)
	in := imclient.BatchGetParticipantsInput{AppID: t.app, ConversationShortID: t.conv, UserIDs: []int64{user}}
	found, err := client.BatchGetConversationParticipant(ctx, in)
	if isAPICode(err, imclient.CodeConversationNotFound) {
		found, err = nil, nil
		r.data.gone.add(t.app, t.conv)
	}
	if err != nil {
		resp.Diagnostics.Append(errorDiagnostic(err))
		return
	}
	byID, _ := indexParticipants(in, found)
	p, ok := byID[user]
	if !ok || (p.Status != nil && *p.Status == imclient.StatusLeft) {
		resp.Diagnostics.AddWarning("No longer a member",
			fmt.Sprintf("User %d is not a member of conversation %d any more (they left or were removed, or the "+
				"conversation is gone): volcrtc_conversation_member was removed from the state, so the plan shows it to be "+
				"created again.", user, t.conv))
		if c, err := lookupConversation(ctx, client, t.app, t.conv); err == nil && c == nil {
			r.data.gone.add(t.app, t.conv) // so that a destroy plans without it
		}
		resp.State.RemoveResource(ctx)
		return
	}
	prior := st.member()
	st.setMember(modelOf(fieldsFromAPI(p), &prior))
	st.ID = types.StringValue(memberID(t.app, t.conv, user))
	resp.Diagnostics.Append(resp.State.Set(ctx, &st)...)
}

func (r *memberResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	defer memberIdentity.fromState(ctx, &resp.State, resp.Identity, &resp.Diagnostics)
	var plan memberResourceModel
	op := r.startWrite(ctx, "adding the member", &resp.Diagnostics, req.Plan.Get(ctx, &plan))
	if op == nil {
		return
	}
	defer op.stop()
	client, ctx := op.client, op.ctx
	app, conv, user := int32Of(plan.AppID), int64Of(plan.ConversationShortID), int64Of(plan.UserID)
	group := lookupMemberGroup(ctx, client, app, conv, user, &resp.Diagnostics)
	if group == nil {
		return
	}
	t, _ := memberTargetOf(client, plan, group)
	have, err := t.readBack(ctx, []int64{user})
	if err != nil {
		resp.Diagnostics.Append(errorDiagnostic(err))
		return
	}
	if _, ok := have[user]; ok {
		id := memberID(app, conv, user)
		resp.Diagnostics.AddAttributeError(path.Root("user_id"), "Already a member",
			fmt.Sprintf("User %d is already a member of conversation %d. Adding them again would silently overwrite their "+
				"role, nickname, level and extension fields, so nothing was changed. To manage this member with Terraform, "+
				"import them, with\n\n  terraform import volcrtc_conversation_member.<name> %s\n\nor an import block:\n\n"+
				"  import {\n    to = volcrtc_conversation_member.<name>\n    id = %q\n  }\n\nthen plan to see how their data "+
				"differs from the configuration.", user, conv, id, id))
		return
	}
	planned := map[int64]memberModel{user: plan.member()}
	got := t.write(ctx, nil, planned, true, &resp.Diagnostics)
	if m, ok := got[user]; ok {
		plan.setMember(m)
		plan.ID = types.StringValue(memberID(app, conv, user))
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	}
}

func (r *memberResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	memberIdentity.fromState(ctx, &req.State, resp.Identity, &resp.Diagnostics)
	var plan, st memberResourceModel
	op := r.startWrite(ctx, "changing the member", &resp.Diagnostics, req.Plan.Get(ctx, &plan), req.State.Get(ctx, &st))
	if op == nil {
		return
	}
	defer op.stop()
	client, ctx := op.client, op.ctx
	app, conv, user := int32Of(plan.AppID), int64Of(plan.ConversationShortID), int64Of(plan.UserID)
	prior := map[int64]memberModel{user: st.member()}
	planned := map[int64]memberModel{user: plan.member()}
	var group *imclient.Conversation
	if !diffMembers(fieldsOfAll(ctx, prior), fieldsOfAll(ctx, planned)).empty() {
		if group = lookupMemberGroup(ctx, client, app, conv, user, &resp.Diagnostics); group == nil {
			return
		}
	}
	t, _ := memberTargetOf(client, plan, group)
	got := t.write(ctx, prior, planned, false, &resp.Diagnostics)
	m, ok := got[user]
	if !ok {
		// Gone while it was changed: the next plan creates it again.
		resp.State.RemoveResource(ctx)
		return
	}
	plan.setMember(m)
	plan.ID = types.StringValue(memberID(app, conv, user))
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *memberResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var st memberResourceModel
	op := r.startWrite(ctx, "removing the member", &resp.Diagnostics, req.State.Get(ctx, &st))
	if op == nil {
		return
	}
	defer op.stop()
	client, ctx := op.client, op.ctx
	app, conv, user := int32Of(st.AppID), int64Of(st.ConversationShortID), int64Of(st.UserID)
	c, err := lookupConversation(ctx, client, app, conv)
	if err != nil {
		resp.Diagnostics.Append(errorDiagnostic(err))
		return
	}
	if c == nil {
		return // gone with its conversation
	}
	t, _ := memberTargetOf(client, st, c)
	t.write(ctx, map[int64]memberModel{user: st.member()}, nil, false, &resp.Diagnostics)
}
