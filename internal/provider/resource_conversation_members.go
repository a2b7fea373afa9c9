// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"fmt"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/imclient"
)

var _ fullResource = (*membersResource)(nil)

// membersResource is volcrtc_conversation_members: every member of one
// group but its owner.
type membersResource struct {
	resourceBase
	// nested serves members as the nested attributes Terraform is given
	// (members_flat.go says why the framework is given plain objects).
	nested bool
}

type membersModel struct {
	ID                  types.String `tfsdk:"id"`
	AppID               types.Number `tfsdk:"app_id"`
	ConversationShortID types.Number `tfsdk:"conversation_short_id"`
	OperatorUserID      types.Number `tfsdk:"operator_user_id"`
	Members             types.Map    `tfsdk:"members"`
}

func (r *membersResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_conversation_members"
}

func (r *membersResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The whole member list of one group conversation, owner aside: who is in it, their role " +
			"(member or admin), nickname, level and extension fields. Authoritative: anyone in the group whom " +
			"`members` does not list (added by the app or by hand) shows in the plan as a removal, by user ID, and is " +
			"removed only by an apply of that plan. Do not combine it with `volcrtc_conversation_member` on the same " +
			"conversation: each would undo the other.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "`APP_ID/CONVERSATION_SHORT_ID`, the import ID.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"app_id": replacingAppID("ID of the RTC application that owns the conversation (a whole number, 1 to " +
				"2147483647). Changing it manages another conversation: the members of this one are removed first."),
			"conversation_short_id": replacingID("Short ID of the group (a positive 64-bit whole number), as " +
				"`volcrtc_conversation.x.conversation_short_id`. A group only: a live group's members cannot be listed " +
				"through the API (it lists only the owner and admins), so planning one fails, as does a one-to-one " +
				"chat. Changing it manages another conversation: the members of this one are removed first."),
			"operator_user_id": optionalUserID("The user the API records as adding, changing and removing members (a " +
				"positive 64-bit whole number). Default: the conversation's owner at the time of the change. Changing it " +
				"changes nothing in the group."),
			"members": r.membersAttribute(),
		},
	}
}

// membersAttribute is the members map: nested attributes as Terraform
// sees them, or, unless r.nested, the framework's flat equivalent.
func (r *membersResource) membersAttribute() schema.Attribute {
	desc := "Every member but the owner, keyed by user ID in decimal (`\"10001\"`; use `tostring()` " +
		"on numbers). `{}` means the owner alone. The owner is not listed here: ownership belongs to " +
		"`volcrtc_conversation.owner_user_id`. At most 10 admins. A field left out (null) and its zero value " +
		"(`\"\"`, `0`, `{}`) are the same to the API, so either matches a member who has none. A member is an " +
		"object, `{}` for none of its fields, never null."
	validators := []validator.Map{memberKeysValidator{}, memberNotNullValidator{}, adminLimitValidator{}}
	if !r.nested {
		return membersFlatAttribute(desc, validators...)
	}
	return schema.MapNestedAttribute{
		MarkdownDescription: desc,
		Required:            true,
		Validators:          validators,
		NestedObject:        schema.NestedAttributeObject{Attributes: memberAttributes()},
	}
}

func (r *membersResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	membersIdentity.importState(ctx, req, resp)
}

func membersID(app int32, conv int64) string { return fmt.Sprintf("%d/%d", app, conv) }

// ModifyPlan checks what needs the API: that the conversation is a group,
// and that members does not list its owner. Without the conversation's
// ID (a conversation created in the same apply), Create checks the same
// before any write.
func (r *membersResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	r.planRemovals(ctx, req, &resp.Diagnostics)
	// Nothing else to check on destroy, without a client (checked at
	// apply), or when nothing changes.
	if req.Plan.Raw.IsNull() || req.Plan.Raw.Equal(req.State.Raw) {
		return
	}
	var plan membersModel
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
	ctx, client := c.ctx, c.client
	group := lookupGroup(ctx, client, app, conv, &resp.Diagnostics)
	if group == nil || plan.Members.IsUnknown() {
		return
	}
	planned := membersOf(ctx, plan.Members, &resp.Diagnostics)
	var prior map[int64]memberModel
	if !req.State.Raw.IsNull() {
		var st membersModel
		resp.Diagnostics.Append(req.State.Get(ctx, &st)...)
		prior = membersOf(ctx, st.Members, &resp.Diagnostics)
	}
	checkOwnerAtPlan(group, planned, prior, &resp.Diagnostics)
	warnFormerOwnerAtPlan(r.data, app, conv, planned, &resp.Diagnostics)
}

// planRemovals records the members that a destroy or a replacement
// removes: a transfer to one of them in the same plan cannot be applied
// (owner_transfer.go).
func (r *membersResource) planRemovals(ctx context.Context, req resource.ModifyPlanRequest, diags *diag.Diagnostics) {
	if req.State.Raw.IsNull() {
		return
	}
	var st, plan membersModel
	if req.State.Get(ctx, &st).HasError() {
		return
	}
	replace := !req.Plan.Raw.IsNull()
	if replace && (req.Plan.Get(ctx, &plan).HasError() ||
		!replacesMembers([]types.Number{plan.AppID, plan.ConversationShortID}, []types.Number{st.AppID, st.ConversationShortID})) {
		return
	}
	var ignored diag.Diagnostics
	ids := sortedIDs(membersOf(ctx, st.Members, &ignored))
	r.data.planRemoval(int32Of(st.AppID), int64Of(st.ConversationShortID), ids, memberRemoval{plural: true, replace: replace}, diags)
}

// checkOwnerAtPlan refuses members that list the group's owner, unless
// the plan also removes a member to whom ownership may move in the same
// apply (volcrtc_conversation's owner_user_id, applied first): the
// documented transfer, whose end state lists the old owner as a member.
// The apply checks the owner again before any write.
func checkOwnerAtPlan(group *imclient.Conversation, planned, prior map[int64]memberModel, diags *diag.Diagnostics) {
	owner := ownerOf(group)
	if _, listed := planned[owner]; !listed {
		return
	}
	var heirs []int64
	for id := range prior {
		if _, kept := planned[id]; !kept {
			heirs = append(heirs, id)
		}
	}
	if len(heirs) == 0 {
		checkOwnerNotListed(group, planned, diags)
		return
	}
	slices.Sort(heirs)
	diags.AddAttributeWarning(memberPath(owner), "The owner is listed in members",
		fmt.Sprintf("User %d owns conversation %d now. This plan works only if ownership moves in the same apply to a "+
			"member it removes (%s), through volcrtc_conversation's owner_user_id; otherwise the apply stops before any "+
			"member write.", owner, *group.ConversationShortID, idList(heirs)))
}

func (r *membersResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	membersIdentity.fromState(ctx, &req.State, resp.Identity, &resp.Diagnostics)
	var st membersModel
	op := r.startRead(ctx, req, resp, &st, "reading the conversation's members")
	if op == nil {
		return
	}
	defer op.stop()
	client, ctx := op.client, op.ctx
	app, conv := int32Of(st.AppID), int64Of(st.ConversationShortID)
	got := refreshMembers(ctx, client, app, conv, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	c := got.group
	if c == nil {
		resp.Diagnostics.AddWarning("Conversation no longer exists",
			fmt.Sprintf("Conversation %d of app %d is gone (dissolved, or never existed), and its members with it: "+
				"volcrtc_conversation_members was removed from the state, so the plan shows it to be created.", conv, app))
		r.data.gone.add(app, conv)
		resp.State.RemoveResource(ctx)
		return
	}
	if problem := groupProblem(c, conv); problem != "" {
		resp.Diagnostics.AddAttributeError(path.Root("conversation_short_id"), "Not a group", problem)
		return
	}
	have := got.members
	prior := membersOf(ctx, st.Members, &resp.Diagnostics)
	out := make(map[int64]memberModel, len(have))
	for id, f := range have {
		out[id] = modelOf(f, lookup(prior, id))
	}
	st.ID = types.StringValue(membersID(app, conv))
	st.Members = membersValue(out, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &st)...)
}

func (r *membersResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	defer membersIdentity.fromState(ctx, &resp.State, resp.Identity, &resp.Diagnostics)
	var plan membersModel
	op := r.startWrite(ctx, "adding the members", &resp.Diagnostics, req.Plan.Get(ctx, &plan))
	if op == nil {
		return
	}
	defer op.stop()
	client, ctx := op.client, op.ctx
	app, conv := int32Of(plan.AppID), int64Of(plan.ConversationShortID)
	planned := membersOf(ctx, plan.Members, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	// Who is in the group already is read beside the lookup (one round
	// trip); its answer counts only once the lookup found a group whose
	// owner members does not list.
	prior := map[int64]memberModel{}
	var already diag.Diagnostics
	read := make(chan struct{})
	go func() {
		defer close(read)
		knownAlready(ctx, newTarget(client, app, conv, plan.OperatorUserID, nil), prior, planned, &already)
	}()
	group := lookupGroup(ctx, client, app, conv, &resp.Diagnostics)
	<-read
	if group == nil {
		return
	}
	checkOwnerNotListed(group, planned, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	t := newTarget(client, app, conv, plan.OperatorUserID, group)
	if t.operator <= 0 && len(planned) > 0 {
		t.write(ctx, nil, planned, true, &resp.Diagnostics) // says why, and writes nothing
		return
	}
	if resp.Diagnostics.Append(already...); resp.Diagnostics.HasError() {
		return
	}
	got := t.write(ctx, prior, planned, true, &resp.Diagnostics)
	plan.ID = types.StringValue(membersID(app, conv))
	plan.Members = membersValue(got, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *membersResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	membersIdentity.fromState(ctx, &req.State, resp.Identity, &resp.Diagnostics)
	var plan, st membersModel
	op := r.startWrite(ctx, "changing the members", &resp.Diagnostics, req.Plan.Get(ctx, &plan), req.State.Get(ctx, &st))
	if op == nil {
		return
	}
	defer op.stop()
	client, ctx := op.client, op.ctx
	app, conv := int32Of(plan.AppID), int64Of(plan.ConversationShortID)
	planned := membersOf(ctx, plan.Members, &resp.Diagnostics)
	prior := membersOf(ctx, st.Members, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	var group *imclient.Conversation
	if d := diffMembers(fieldsOfAll(ctx, prior), fieldsOfAll(ctx, planned)); !d.empty() {
		if group = lookupGroup(ctx, client, app, conv, &resp.Diagnostics); group == nil {
			return
		}
		checkOwnerNotListed(group, planned, &resp.Diagnostics)
		if resp.Diagnostics.HasError() {
			return
		}
		if owner := ownerOf(group); lookup(prior, owner) != nil {
			// Ownership moved to a listed member (the transfer, applied
			// before this): they are no member to remove now, and the
			// previous owner may be a member already, whom an add would
			// overwrite.
			delete(prior, owner)
			if !knownAlready(ctx, newTarget(client, app, conv, plan.OperatorUserID, group), prior, planned, &resp.Diagnostics) {
				return
			}
		}
		if !r.data.formerOwner(ctx, newTarget(client, app, conv, plan.OperatorUserID, group), prior, planned, &resp.Diagnostics) {
			return
		}
	}
	got := newTarget(client, app, conv, plan.OperatorUserID, group).write(ctx, prior, planned, false, &resp.Diagnostics)
	plan.ID = types.StringValue(membersID(app, conv))
	plan.Members = membersValue(got, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// knownAlready adds to prior the planned users it does not list who are
// in the group already: their data is changed, not added again (an add of
// a member overwrites, and the group sees a system message). False when
// they could not be read.
func knownAlready(ctx context.Context, t memberTarget, prior, planned map[int64]memberModel, diags *diag.Diagnostics) bool {
	var ids []int64
	for id := range planned {
		if lookup(prior, id) == nil {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	have, err := t.readListed(ctx, ids)
	if err != nil {
		diags.Append(errorDiagnostic(err))
		return false
	}
	for id, f := range have {
		prior[id] = modelOf(f, lookup(planned, id))
	}
	return true
}

// Delete removes the members this resource lists, never anyone else (and
// never the owner, whom it does not list).
func (r *membersResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var st membersModel
	op := r.startWrite(ctx, "removing the members", &resp.Diagnostics, req.State.Get(ctx, &st))
	if op == nil {
		return
	}
	defer op.stop()
	client, ctx := op.client, op.ctx
	app, conv := int32Of(st.AppID), int64Of(st.ConversationShortID)
	prior := membersOf(ctx, st.Members, &resp.Diagnostics)
	if len(prior) == 0 || resp.Diagnostics.HasError() {
		return
	}
	c, err := lookupConversation(ctx, client, app, conv)
	if err != nil {
		resp.Diagnostics.Append(errorDiagnostic(err))
		return
	}
	if c == nil {
		// Gone with the conversation (destroyed before its members, or outside Terraform).
		return
	}
	got := newTarget(client, app, conv, st.OperatorUserID, c).write(ctx, prior, nil, false, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		st.Members = membersValue(got, &resp.Diagnostics)
		resp.Diagnostics.Append(resp.State.Set(ctx, &st)...)
	}
}
