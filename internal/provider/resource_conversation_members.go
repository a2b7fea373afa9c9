// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/big"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/imclient"
)

var _ fullResource = (*membersResource)(nil)

func newMembersResource() resource.Resource { return &membersResource{} }

// membersResource is volcrtc_conversation_members: every member of one
// group but its owner.
type membersResource struct {
	resourceBase
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
			"members": schema.MapNestedAttribute{
				MarkdownDescription: "Every member but the owner, keyed by user ID in decimal (`\"10001\"`; use `tostring()` " +
					"on numbers). `{}` means the owner alone. The owner is not listed here: ownership belongs to " +
					"`volcrtc_conversation.owner_user_id`. At most 10 admins. A field left out (null) and its zero value " +
					"(`\"\"`, `0`, `{}`) are the same to the API, so either matches a member who has none.",
				Required: true,
				Validators: []validator.Map{
					memberKeysValidator{},
					adminLimitValidator{},
				},
				NestedObject: schema.NestedAttributeObject{Attributes: memberAttributes()},
			},
		},
	}
}

// memberAttributes are a member's role and fields, in the members map and
// (with user_id beside them) in volcrtc_conversation_member.
func memberAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"role": schema.StringAttribute{
			MarkdownDescription: "`\"member\"` (default) or `\"admin\"`. A conversation has at most 10 admins.",
			Optional:            true,
			Computed:            true,
			Default:             stringdefault.StaticString("member"),
			Validators:          []validator.String{stringvalidator.OneOf("member", "admin")},
		},
		"nick_name": schema.StringAttribute{
			MarkdownDescription: "The member's nickname in this conversation.",
			Optional:            true,
		},
		"level": schema.NumberAttribute{
			MarkdownDescription: "The member's level in this conversation (a whole number, -2147483648 to 2147483647).",
			Optional:            true,
			Validators:          []validator.Number{wholeNumber{math.MinInt32, math.MaxInt32}},
		},
		"ext": schema.MapAttribute{
			MarkdownDescription: "The member's extension fields, string keys and values. The API does not document " +
				"whether a change replaces the whole map or merges keys into it; when keys remain that the plan removed, " +
				"the apply fails naming them.",
			Optional:    true,
			ElementType: types.StringType,
		},
	}
}

func (r *membersResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	membersIdentity.importState(ctx, req, resp)
}

func numberOf(v int64) types.Number { return types.NumberValue(new(big.Float).SetInt64(v)) }

func membersID(app int32, conv int64) string { return fmt.Sprintf("%d/%d", app, conv) }

// ModifyPlan checks what needs the API: that the conversation is a group,
// and that members does not list its owner. Without the conversation's
// ID (a conversation created in the same apply), Create checks the same
// before any write.
func (r *membersResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	// Nothing to check on destroy, without a client (checked at apply), or
	// when nothing changes.
	if req.Plan.Raw.IsNull() || r.data == nil || r.data.client == nil || req.Plan.Raw.Equal(req.State.Raw) {
		return
	}
	var plan membersModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() || plan.AppID.IsUnknown() || plan.ConversationShortID.IsUnknown() {
		return
	}
	ctx, stop := r.data.interruptible(r.data.logContext(ctx))
	defer stop()
	app, conv := int32(int64Of(plan.AppID)), int64Of(plan.ConversationShortID)
	group := lookupGroup(ctx, r.data.client, app, conv, &resp.Diagnostics)
	if group == nil {
		return
	}
	if !plan.Members.IsUnknown() {
		checkOwnerNotListed(group, membersOf(ctx, plan.Members, &resp.Diagnostics), &resp.Diagnostics)
	}
}

// lookupGroup reads the conversation members are written to; nil, with
// the error on conversation_short_id, unless it exists and is a group.
func lookupGroup(ctx context.Context, client *imclient.Client, app int32, conv int64, diags *diag.Diagnostics) *imclient.Conversation {
	c, err := lookupConversation(ctx, client, app, conv)
	if err != nil {
		diags.Append(errorDiagnostic(err))
		return nil
	}
	if c == nil {
		diags.AddAttributeError(path.Root("conversation_short_id"), "Conversation not found",
			fmt.Sprintf("App %d has no conversation %d (BatchGetConversations does not return it: it never existed, or was "+
				"dissolved). Check app_id and conversation_short_id.", app, conv))
		return nil
	}
	if problem := groupProblem(c, conv); problem != "" {
		diags.AddAttributeError(path.Root("conversation_short_id"), "Not a group", problem)
		return nil
	}
	return c
}

// lookupConversation reads one conversation: nil when the API does not
// return it (unknown or dissolved).
func lookupConversation(ctx context.Context, client *imclient.Client, app int32, conv int64) (*imclient.Conversation, error) {
	found, err := client.BatchGetConversations(ctx, imclient.BatchGetConversationsInput{AppID: app, ConversationShortIDs: []int64{conv}})
	if err != nil {
		return nil, err
	}
	for i := range found {
		c := &found[i]
		if c.ConversationShortID == nil || *c.ConversationShortID != conv || (c.AppID != nil && *c.AppID != int64(app)) {
			continue
		}
		if c.Status != nil && *c.Status == 1 {
			return nil, nil
		}
		return c, nil
	}
	return nil, nil
}

// groupProblem says why members of c cannot be managed as a list, or "".
func groupProblem(c *imclient.Conversation, conv int64) string {
	switch {
	case c.ConversationType == nil:
		return fmt.Sprintf("BatchGetConversations did not say what type conversation %d is, so whether its members "+
			"can be listed is unknown: a live group's cannot. Nothing was changed.", conv)
	case *c.ConversationType == 100:
		return fmt.Sprintf("Conversation %d is a live group (conversation type 100). The API lists only a live group's "+
			"owner and admins, so volcrtc_conversation_members could not see who else is in it: its plans would "+
			"miss every member added outside Terraform and re-add those already there. Manage a live group's "+
			"audience in your application.", conv)
	case *c.ConversationType == 1:
		return fmt.Sprintf("Conversation %d is a one-to-one chat (conversation type 1): its two members are fixed, and "+
			"the API adds and removes members of groups only.", conv)
	case *c.ConversationType != 2:
		return fmt.Sprintf("Conversation %d has type %d, which is not a group (2).", conv, *c.ConversationType)
	}
	return ""
}

// checkOwnerNotListed refuses members that list the group's owner.
func checkOwnerNotListed(group *imclient.Conversation, members map[int64]memberModel, diags *diag.Diagnostics) {
	if group.OwnerUserID == nil {
		return
	}
	owner := *group.OwnerUserID
	if _, ok := members[owner]; ok {
		diags.AddAttributeError(memberPath(owner), "The owner is not listed in members",
			fmt.Sprintf("User %d owns conversation %d. The owner is in the group by owning it: ownership belongs to "+
				"volcrtc_conversation's owner_user_id, and members lists everyone else. Remove %q from members.",
				owner, *group.ConversationShortID, userIDKey(owner)))
	}
}

// currentMembers reads every member of the group but its owner and those
// who left, with the scan's warnings.
func currentMembers(ctx context.Context, client *imclient.Client, app int32, conv, owner int64, diags *diag.Diagnostics) map[int64]memberFields {
	st := scanAll(ctx, client, imclient.BatchGetParticipantsInput{AppID: app, ConversationShortID: conv}, diags)
	if diags.HasError() {
		return nil
	}
	out := make(map[int64]memberFields, len(st.members))
	for _, p := range st.members {
		if isCurrent(p) && *p.ParticipantUserID != owner {
			out[*p.ParticipantUserID] = fieldsFromAPI(p)
		}
	}
	return out
}

// isCurrent reports whether a member record is someone in the group now,
// not the owner (who is no member to manage) and not someone who left.
func isCurrent(p imclient.Participant) bool {
	return p.ParticipantUserID != nil && (p.Status == nil || *p.Status != 1) && (p.Role == nil || *p.Role != roleOwner)
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
	app, conv := int32(int64Of(st.AppID)), int64Of(st.ConversationShortID)
	c, err := lookupConversation(ctx, client, app, conv)
	if err != nil {
		resp.Diagnostics.Append(errorDiagnostic(err))
		return
	}
	if c == nil {
		resp.Diagnostics.AddWarning("Conversation no longer exists",
			fmt.Sprintf("Conversation %d of app %d is gone (dissolved, or never existed), and its members with it: "+
				"volcrtc_conversation_members was removed from the state, so the plan shows it to be created.", conv, app))
		resp.State.RemoveResource(ctx)
		return
	}
	if problem := groupProblem(c, conv); problem != "" {
		resp.Diagnostics.AddAttributeError(path.Root("conversation_short_id"), "Not a group", problem)
		return
	}
	have := currentMembers(ctx, client, app, conv, ownerOf(c), &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	prior := membersOf(ctx, st.Members, &resp.Diagnostics)
	out := make(map[int64]memberModel, len(have))
	for id, f := range have {
		out[id] = modelOf(f, lookup(prior, id))
	}
	st.ID = types.StringValue(membersID(app, conv))
	st.Members = membersValue(out, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &st)...)
}

func ownerOf(c *imclient.Conversation) int64 {
	if c.OwnerUserID == nil {
		return 0
	}
	return *c.OwnerUserID
}

// lookup is m[id] as a pointer, nil when absent.
func lookup(m map[int64]memberModel, id int64) *memberModel {
	if v, ok := m[id]; ok {
		return &v
	}
	return nil
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
	app, conv := int32(int64Of(plan.AppID)), int64Of(plan.ConversationShortID)
	group := lookupGroup(ctx, client, app, conv, &resp.Diagnostics)
	if group == nil {
		return
	}
	planned := membersOf(ctx, plan.Members, &resp.Diagnostics)
	checkOwnerNotListed(group, planned, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	t := r.target(client, app, conv, plan.OperatorUserID, group)
	if t.operator <= 0 && len(planned) > 0 {
		t.write(ctx, nil, planned, true, &resp.Diagnostics) // says why, and writes nothing
		return
	}
	// Who of them is in already: their data is changed, not added again
	// (an add of a member overwrites, and the group sees a system message).
	have, err := t.readBack(ctx, sortedIDs(planned))
	if err != nil {
		resp.Diagnostics.Append(errorDiagnostic(err))
		return
	}
	prior := make(map[int64]memberModel, len(have))
	for id, f := range have {
		prior[id] = modelOf(f, lookup(planned, id))
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
	app, conv := int32(int64Of(plan.AppID)), int64Of(plan.ConversationShortID)
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
	}
	got := r.target(client, app, conv, plan.OperatorUserID, group).write(ctx, prior, planned, false, &resp.Diagnostics)
	plan.ID = types.StringValue(membersID(app, conv))
	plan.Members = membersValue(got, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
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
	app, conv := int32(int64Of(st.AppID)), int64Of(st.ConversationShortID)
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
	got := r.target(client, app, conv, st.OperatorUserID, c).write(ctx, prior, nil, false, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		st.Members = membersValue(got, &resp.Diagnostics)
		resp.Diagnostics.Append(resp.State.Set(ctx, &st)...)
	}
}

func sortedIDs[V any](m map[int64]V) []int64 {
	ids := make([]int64, 0, len(m))
	for id := range m {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// What a member is to volcrtc_conversation_members (one value of its
// members map) and to volcrtc_conversation_member: a role and three
// fields. Both resources share the model, the conversion from the API's
// records, the diff and the writes (below the resource), so they cannot
// disagree on what a change is.

// The API's roles.
const (
	roleMember = 0
	roleOwner  = 1
	roleAdmin  = 2
)

// maxAdmins is the API's limit of admins in a conversation
// (ManagerMoreThanLimit).
const maxAdmins = 10

// roleName is a role as the configuration writes it. A role the provider
// does not know still reaches the state, as "role N", so that the plan
// shows it and sets it back.
func roleName(r int64) string {
	switch r {
	case roleMember:
		return "member"
	case roleAdmin:
		return "admin"
	case roleOwner:
		return "owner"
	}
	return fmt.Sprintf("role %d", r)
}

// roleCode is the API's code for a role's name (roleName's inverse);
// anything else (the schema refuses it in configurations) is a member.
func roleCode(name string) int64 {
	switch name {
	case "admin":
		return roleAdmin
	case "owner":
		return roleOwner
	}
	if n, ok := strings.CutPrefix(name, "role "); ok {
		if code, err := strconv.ParseInt(n, 10, 64); err == nil {
			return code
		}
	}
	return roleMember
}

// memberModel is one member in the configuration, plan or state.
type memberModel struct {
	Role     types.String `tfsdk:"role"`
	NickName types.String `tfsdk:"nick_name"`
	Level    types.Number `tfsdk:"level"`
	Ext      types.Map    `tfsdk:"ext"`
}

var memberAttrTypes = map[string]attr.Type{
	"role":      types.StringType,
	"nick_name": types.StringType,
	"level":     types.NumberType,
	"ext":       types.MapType{ElemType: types.StringType},
}

// memberFields is what the API stores of a member that these resources
// manage. A field the API leaves out is its zero value: the API's own
// default, which its encoders may omit.
type memberFields struct {
	Role     int64
	NickName string
	Level    int64
	Ext      map[string]string
}

func (f memberFields) equal(g memberFields) bool {
	if f.Role != g.Role || f.NickName != g.NickName || f.Level != g.Level || len(f.Ext) != len(g.Ext) {
		return false
	}
	for k, v := range f.Ext {
		if w, ok := g.Ext[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// fieldsOf is what m asks the API to store: null is the zero value.
// Unknown values (only in a plan) read as zero too; callers check
// known-ness first.
func fieldsOf(ctx context.Context, m memberModel) memberFields {
	f := memberFields{Role: roleCode(m.Role.ValueString()), NickName: m.NickName.ValueString()}
	if !m.Level.IsNull() && !m.Level.IsUnknown() {
		f.Level = int64Of(m.Level)
	}
	if !m.Ext.IsNull() && !m.Ext.IsUnknown() {
		f.Ext = make(map[string]string, len(m.Ext.Elements()))
		m.Ext.ElementsAs(ctx, &f.Ext, false)
	}
	return f
}

// fieldsFromAPI reads a member record.
func fieldsFromAPI(p imclient.Participant) memberFields {
	f := memberFields{Ext: p.Ext}
	if p.Role != nil {
		f.Role = *p.Role
	}
	if p.NickName != nil {
		f.NickName = *p.NickName
	}
	if p.Level != nil {
		f.Level = *p.Level
	}
	return f
}

// modelOf writes f as a state value. A zero field is null unless like,
// the planned or prior value of the same member, wrote it as zero: the
// API does not tell null from zero, so the state follows how the
// configuration says it and the plan shows no change for it.
func modelOf(f memberFields, like *memberModel) memberModel {
	m := memberModel{Role: types.StringValue(roleName(f.Role)), NickName: types.StringNull(),
		Level: types.NumberNull(), Ext: types.MapNull(types.StringType)}
	if f.NickName != "" || (like != nil && !like.NickName.IsNull() && !like.NickName.IsUnknown()) {
		m.NickName = types.StringValue(f.NickName)
	}
	if f.Level != 0 || (like != nil && !like.Level.IsNull() && !like.Level.IsUnknown()) {
		m.Level = types.NumberValue(new(big.Float).SetInt64(f.Level))
	}
	if len(f.Ext) > 0 || (like != nil && !like.Ext.IsNull() && !like.Ext.IsUnknown()) {
		elems := make(map[string]attr.Value, len(f.Ext))
		for k, v := range f.Ext {
			elems[k] = types.StringValue(v)
		}
		m.Ext = types.MapValueMust(types.StringType, elems)
	}
	return m
}

// fieldDiff is one field the API holds otherwise than planned, both
// values written as HCL would.
type fieldDiff struct {
	name, planned, got string
}

// diffFields lists the fields that differ between want and got, in
// schema order.
func diffFields(want, got memberFields) []fieldDiff {
	var out []fieldDiff
	if want.Role != got.Role {
		out = append(out, fieldDiff{"role", strconv.Quote(roleName(want.Role)), strconv.Quote(roleName(got.Role))})
	}
	if want.NickName != got.NickName {
		out = append(out, fieldDiff{"nick_name", strconv.Quote(want.NickName), strconv.Quote(got.NickName)})
	}
	if want.Level != got.Level {
		out = append(out, fieldDiff{"level", strconv.FormatInt(want.Level, 10), strconv.FormatInt(got.Level, 10)})
	}
	if !(memberFields{Ext: want.Ext}).equal(memberFields{Ext: got.Ext}) {
		out = append(out, fieldDiff{"ext", extText(want.Ext), extText(got.Ext)})
	}
	return out
}

// extText prints a map in HCL's form, keys sorted.
func extText(m map[string]string) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = strconv.Quote(k) + " = " + strconv.Quote(m[k])
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

// parseUserID reads a members key: a positive 64-bit whole number in
// plain decimal, the form the state writes, so that a key like "010"
// cannot stand for a member the state then lists as "10".
func parseUserID(key string) (int64, bool) {
	n, err := strconv.ParseInt(key, 10, 64)
	if err != nil || n < 1 || strconv.FormatInt(n, 10) != key {
		return 0, false
	}
	return n, true
}

func userIDKey(id int64) string { return strconv.FormatInt(id, 10) }

// memberKeysValidator refuses keys that are not user IDs, on the key's
// own path.
type memberKeysValidator struct{}

func (memberKeysValidator) Description(context.Context) string {
	return "each key must be a user ID in decimal, a whole number from 1 to 9223372036854775807"
}

func (v memberKeysValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (memberKeysValidator) ValidateMap(_ context.Context, req validator.MapRequest, resp *validator.MapResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	keys := make([]string, 0, len(req.ConfigValue.Elements()))
	for k := range req.ConfigValue.Elements() {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if _, ok := parseUserID(k); ok {
			continue
		}
		resp.Diagnostics.AddAttributeError(req.Path.AtMapKey(k), "Invalid user ID",
			fmt.Sprintf("The key %q is not a user ID. Each key of %s is a user ID in plain decimal, such as \"10001\": "+
				"a whole number from 1 to %d, without sign, spaces or leading zeros.", k, req.Path, int64(math.MaxInt64)))
	}
}

// adminLimitValidator refuses more admins than the API allows, before
// any call.
type adminLimitValidator struct{}

func (adminLimitValidator) Description(context.Context) string {
	return fmt.Sprintf("at most %d members may have role \"admin\"", maxAdmins)
}

func (v adminLimitValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (adminLimitValidator) ValidateMap(ctx context.Context, req validator.MapRequest, resp *validator.MapResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	var admins []string
	for k, v := range req.ConfigValue.Elements() {
		obj, ok := v.(types.Object)
		if !ok || obj.IsNull() || obj.IsUnknown() {
			continue
		}
		if role, ok := obj.Attributes()["role"].(types.String); ok && role.ValueString() == "admin" {
			admins = append(admins, k)
		}
	}
	if len(admins) <= maxAdmins {
		return
	}
	sortUserIDKeys(admins)
	resp.Diagnostics.AddAttributeError(req.Path, "Too many admins",
		fmt.Sprintf("%s gives %d members the role \"admin\" (%s); a conversation has at most %d admins "+
			"(the API refuses more with ManagerMoreThanLimit). Make %d of them \"member\".",
			req.Path, len(admins), strings.Join(admins, ", "), maxAdmins, len(admins)-maxAdmins))
}

// sortUserIDKeys sorts user ID keys by number (keys that are not IDs
// last, by text).
func sortUserIDKeys(keys []string) {
	slices.SortFunc(keys, func(a, b string) int {
		x, okA := parseUserID(a)
		y, okB := parseUserID(b)
		switch {
		case okA && okB:
			return cmpInt64(x, y)
		case okA:
			return -1
		case okB:
			return 1
		}
		return strings.Compare(a, b)
	})
}

func cmpInt64(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// memberChange is one member to add or modify, with what the API should
// store.
type memberChange struct {
	UserID int64
	Fields memberFields
}

// memberDiff is what turns one member list into another, in the order
// the calls go: removals first (they free room and admin places), then
// changes that do not make an admin, then promotions, then additions, so
// the admin limit holds at every step when it holds at both ends.
type memberDiff struct {
	Remove    []int64
	Change    []memberChange // changes that do not make anyone an admin
	Promote   []memberChange // changes that make a member an admin
	Add       []memberChange
	Unchanged int
}

// ids is every user ID the diff touches.
func (d memberDiff) ids() []int64 {
	out := slices.Clone(d.Remove)
	for _, l := range [][]memberChange{d.Change, d.Promote, d.Add} {
		for _, c := range l {
			out = append(out, c.UserID)
		}
	}
	return out
}

func (d memberDiff) empty() bool {
	return len(d.Remove)+len(d.Change)+len(d.Promote)+len(d.Add) == 0
}

// diffMembers is what turns have into want, each list by user ID.
func diffMembers(have, want map[int64]memberFields) memberDiff {
	var d memberDiff
	for id := range have {
		if _, ok := want[id]; !ok {
			d.Remove = append(d.Remove, id)
		}
	}
	for id, w := range want {
		h, ok := have[id]
		switch {
		case !ok:
			d.Add = append(d.Add, memberChange{id, w})
		case h.equal(w):
			d.Unchanged++
		case w.Role == roleAdmin && h.Role != roleAdmin:
			d.Promote = append(d.Promote, memberChange{id, w})
		default:
			d.Change = append(d.Change, memberChange{id, w})
		}
	}
	slices.Sort(d.Remove)
	for _, l := range []*[]memberChange{&d.Change, &d.Promote, &d.Add} {
		slices.SortFunc(*l, func(a, b memberChange) int { return cmpInt64(a.UserID, b.UserID) })
	}
	return d
}

// membersOf reads a members map value keyed by user ID; keys that are not
// IDs (refused by validation) are skipped.
func membersOf(ctx context.Context, m types.Map, diags *diag.Diagnostics) map[int64]memberModel {
	if m.IsNull() || m.IsUnknown() {
		return map[int64]memberModel{}
	}
	raw := make(map[string]memberModel, len(m.Elements()))
	diags.Append(m.ElementsAs(ctx, &raw, false)...)
	out := make(map[int64]memberModel, len(raw))
	for k, v := range raw {
		if id, ok := parseUserID(k); ok {
			out[id] = v
		}
	}
	return out
}

// membersValue writes members as a map value.
func membersValue(members map[int64]memberModel, diags *diag.Diagnostics) types.Map {
	elems := make(map[string]attr.Value, len(members))
	for id, m := range members {
		obj, d := types.ObjectValue(memberAttrTypes, map[string]attr.Value{
			"role": m.Role, "nick_name": m.NickName, "level": m.Level, "ext": m.Ext,
		})
		diags.Append(d...)
		elems[userIDKey(id)] = obj
	}
	v, d := types.MapValue(types.ObjectType{AttrTypes: memberAttrTypes}, elems)
	diags.Append(d...)
	return v
}

// fieldsOfAll is fieldsOf for every member.
func fieldsOfAll(ctx context.Context, members map[int64]memberModel) map[int64]memberFields {
	out := make(map[int64]memberFields, len(members))
	for id, m := range members {
		out[id] = fieldsOf(ctx, m)
	}
	return out
}

// memberPath is the path of one member of the members map.
func memberPath(id int64) path.Path { return path.Root("members").AtMapKey(userIDKey(id)) }

// idList prints user IDs, at most limit of them and how many more.
func idList(ids []int64, limit int) string {
	parts := make([]string, 0, min(len(ids), limit)+1)
	for i, id := range ids {
		if i == limit {
			parts = append(parts, fmt.Sprintf("and %d more", len(ids)-limit))
			break
		}
		parts = append(parts, strconv.FormatInt(id, 10))
	}
	return strings.Join(parts, ", ")
}

// Writing members. A write never loses track: every change goes in
// calls of the client's batch writes (which account for every user ID:
// done, failed, unknown or not sent), then every user ID the diff touched
// is read back, and the state records what the API has, not what was
// asked. Where that differs from the plan, the apply fails saying who and
// why, so the next plan shows only what is still to do.

// memberTarget is one conversation whose members are written.
type memberTarget struct {
	client   *imclient.Client
	app      int32
	conv     int64
	operator int64
	owner    int64
	// single is true for volcrtc_conversation_member: its fields are
	// attributes of its own, not members["ID"].
	single bool
}

// resourceType names the resource in messages.
func (t memberTarget) resourceType() string {
	if t.single {
		return "volcrtc_conversation_member"
	}
	return "volcrtc_conversation_members"
}

// where is the attribute path of one member: its fields are below it.
func (t memberTarget) where(id int64) path.Path {
	if t.single {
		return path.Empty()
	}
	return memberPath(id)
}

// field is the path of one field of a member.
func (t memberTarget) field(id int64, name string) path.Path {
	if t.single {
		return path.Root(name)
	}
	return memberPath(id).AtName(name)
}

// addError adds an error on p, or on the resource when p is empty.
func addError(diags *diag.Diagnostics, p path.Path, summary, detail string) {
	if p.Equal(path.Empty()) {
		diags.AddError(summary, detail)
		return
	}
	diags.AddAttributeError(p, summary, detail)
}

// target is where this resource writes, recorded as done by the
// configured operator or else the group's owner.
func (r *membersResource) target(client *imclient.Client, app int32, conv int64, operator types.Number, group *imclient.Conversation) memberTarget {
	t := memberTarget{client: client, app: app, conv: conv}
	if group != nil {
		t.owner = ownerOf(group)
	}
	t.operator = numberOr(operator, t.owner)
	return t
}

// readBack reads the given users: the current members among them, the
// owner aside. It runs even when ctx was interrupted, because the state
// must say what the writes before the interrupt did.
func (t memberTarget) readBack(ctx context.Context, ids []int64) (map[int64]memberFields, error) {
	out := map[int64]memberFields{}
	if len(ids) == 0 {
		return out, nil
	}
	found, err := t.client.BatchGetConversationParticipant(context.WithoutCancel(ctx),
		imclient.BatchGetParticipantsInput{AppID: t.app, ConversationShortID: t.conv, UserIDs: ids})
	if err != nil {
		return nil, err
	}
	byID, _ := indexParticipants(imclient.BatchGetParticipantsInput{AppID: t.app, ConversationShortID: t.conv, UserIDs: ids}, found)
	for id, p := range byID {
		if isCurrent(p) && id != t.owner {
			out[id] = fieldsFromAPI(p)
		}
	}
	return out, nil
}

// infoOf is what an add or a modify sends for a member: every field, so
// that the API holds exactly the planned values ("" and 0 clear a field).
func infoOf(c memberChange) imclient.ParticipantInfo {
	role, level, nick := c.Fields.Role, int32(c.Fields.Level), c.Fields.NickName
	ext := c.Fields.Ext
	if ext == nil {
		ext = map[string]string{}
	}
	return imclient.ParticipantInfo{UserID: c.UserID, Role: &role, Level: &level, NickName: &nick, Ext: ext}
}

// step is one batch write of a diff.
type step struct {
	verb    string // what it does to a member, for messages: "add", "change", "remove"
	action  string
	changes []memberChange
	remove  []int64
}

func (s step) ids() []int64 {
	if s.remove != nil {
		return s.remove
	}
	ids := make([]int64, len(s.changes))
	for i, c := range s.changes {
		ids[i] = c.UserID
	}
	return ids
}

// run sends the step; the result accounts for each of its IDs.
func (t memberTarget) run(ctx context.Context, s step) (imclient.WriteResult, error) {
	if s.remove != nil {
		return t.client.RemoveParticipants(ctx, imclient.RemoveParticipantsInput{AppID: t.app, ConversationShortID: t.conv,
			Operator: t.operator, UserIDs: s.remove})
	}
	in := imclient.ParticipantsInput{AppID: t.app, ConversationShortID: t.conv, Operator: t.operator,
		Participants: make([]imclient.ParticipantInfo, len(s.changes))}
	for i, c := range s.changes {
		in.Participants[i] = infoOf(c)
	}
	if s.action == imclient.ActionAddParticipants {
		return t.client.AddParticipants(ctx, in)
	}
	return t.client.ModifyParticipants(ctx, in)
}

// outcome is what became of one member's change.
type outcome struct {
	verb   string
	status string // "done", "failed", "unknown", "not sent"
	err    error  // the call's error, when it had one
}

// write turns the members prior (what the API had at plan time, or for a
// create, the listed users already in) into planned: removals, changes,
// promotions, additions, in that order; a step whose calls failed stops
// the steps after it (FailedUserIds alone do not). It returns the
// members the state records: what the API has now of everyone in prior or
// planned, read back. Every difference from the plan is an error in diags.
func (t memberTarget) write(ctx context.Context, prior, planned map[int64]memberModel, creating bool, diags *diag.Diagnostics) map[int64]memberModel {
	want := fieldsOfAll(ctx, planned)
	d := diffMembers(fieldsOfAll(ctx, prior), want)
	if !d.empty() && t.operator <= 0 {
		diags.AddAttributeError(path.Root("operator_user_id"), "No operator for the member writes",
			fmt.Sprintf("BatchGetConversations did not say who owns conversation %d, and the member writes must name the "+
				"user who performs them. Set operator_user_id. Nothing was changed.", t.conv))
		return prior
	}
	steps := []step{
		{verb: "remove", action: imclient.ActionRemoveParticipants, remove: d.Remove},
		{verb: "change", action: imclient.ActionModifyParticipants, changes: d.Change},
		{verb: "change", action: imclient.ActionModifyParticipants, changes: d.Promote},
		{verb: "add", action: imclient.ActionAddParticipants, changes: d.Add},
	}
	outcomes := map[int64]outcome{}
	halted := false
	for _, s := range steps {
		ids := s.ids()
		if len(ids) == 0 {
			continue
		}
		if halted || ctx.Err() != nil {
			for _, id := range ids {
				outcomes[id] = outcome{verb: s.verb, status: "not sent"}
			}
			continue
		}
		tflog.Debug(ctx, "writing members", map[string]any{"action": s.action, "users": len(ids)})
		res, err := t.run(ctx, s)
		var werr *imclient.WriteError
		if err != nil && !errors.As(err, &werr) {
			// Refused before any call (a bug: the plan's checks passed).
			for _, id := range ids {
				outcomes[id] = outcome{verb: s.verb, status: "not sent", err: err}
			}
			halted = true
			continue
		}
		record(outcomes, s.verb, res)
		if werr != nil && werr.Err != nil {
			halted = true
		}
	}

	// Read back every user the diff touched: that, not the answers, is what
	// the API has.
	touched := d.ids()
	got, readErr := t.readBack(ctx, touched)
	out := make(map[int64]memberModel, len(planned)+len(prior))
	for id, m := range planned {
		out[id] = m
	}
	for _, id := range touched {
		delete(out, id)
		like := lookup(planned, id)
		if like == nil {
			like = lookup(prior, id)
		}
		if readErr == nil {
			if f, ok := got[id]; ok {
				out[id] = modelOf(f, like)
			}
			continue
		}
		// Unreadable: trust the answers, and where there was none keep what
		// would be redone safely (a removal stays to do; an add or a change
		// is sent again).
		o := outcomes[id]
		_, wanted := planned[id]
		switch {
		case o.status == "done" && wanted:
			out[id] = planned[id]
		case o.status == "done":
		case lookup(prior, id) != nil:
			out[id] = prior[id]
		}
	}
	if readErr != nil {
		diags.AddWarning("Members could not be read back after the change",
			"The state was built from the API's answers to the writes instead: each change the API confirmed is "+
				"recorded, and each it did not is left to do, so the next plan shows it again.\n\n"+errorDiagnostic(readErr).Detail())
	}
	t.report(ctx, d, want, out, outcomes, creating, ctx.Err() != nil, diags)
	return out
}

// record notes each ID's outcome in a batch write's result.
func record(outcomes map[int64]outcome, verb string, res imclient.WriteResult) {
	errOf := map[int64]error{}
	for _, be := range res.Errors {
		for _, id := range be.UserIDs {
			errOf[id] = be.Err
		}
	}
	for _, l := range []struct {
		status string
		ids    []int64
	}{{"done", res.Done}, {"failed", res.Failed}, {"unknown", res.Unknown}, {"not sent", res.NotSent}} {
		for _, id := range l.ids {
			outcomes[id] = outcome{verb: verb, status: l.status, err: errOf[id]}
		}
	}
}

// maxListed bounds the members one diagnostic names one by one.
const maxListed = 20

// report turns every touched member whose state differs from the
// plan into errors: those whose write did not succeed in one error (with
// each call's reason), and those the API holds differently although it
// said done (read after write) each on its own attribute.
func (t memberTarget) report(ctx context.Context, d memberDiff, want map[int64]memberFields, got map[int64]memberModel, outcomes map[int64]outcome,
	creating, interrupted bool, diags *diag.Diagnostics) {
	var notDone []int64
	var mismatched []int64
	for _, id := range d.ids() {
		w, wanted := want[id]
		g, present := got[id]
		switch {
		case wanted && present && fieldsOf(ctx, g).equal(w), !wanted && !present:
			continue
		case outcomes[id].status == "done" || (outcomes[id].status == "unknown" && wanted && present):
			mismatched = append(mismatched, id)
		default:
			notDone = append(notDone, id)
		}
	}
	slices.Sort(notDone)
	slices.Sort(mismatched)
	total := len(d.ids())
	for i, id := range mismatched {
		if i == maxListed {
			addError(diags, path.Root("members"), "More members differ from the plan",
				fmt.Sprintf("%d more members the API holds differently from the plan (after it answered that the change was made); "+
					"the state records what the API has.", len(mismatched)-maxListed))
			break
		}
		t.mismatch(ctx, id, want, got, diags)
	}
	if len(notDone) == 0 {
		if len(mismatched) > 0 && creating {
			diags.AddError("Members created with differences", t.taintAdvice(total-len(mismatched)-len(notDone)))
		}
		return
	}
	var b strings.Builder
	verb := "were"
	if len(notDone) == 1 {
		verb = "was"
	}
	fmt.Fprintf(&b, "Of %d member changes, %d %s not made:\n", total, len(notDone), verb)
	reasons := map[string][]int64{}
	var order []string
	for _, id := range notDone {
		r := reasonOf(outcomes[id], interrupted)
		if _, ok := reasons[r]; !ok {
			order = append(order, r)
		}
		reasons[r] = append(reasons[r], id)
	}
	for _, r := range order {
		fmt.Fprintf(&b, "\n- %s: %s", idList(reasons[r], maxListed), r)
	}
	b.WriteString("\n\nThe state records what the API has now, read back after the writes")
	summary := "Members only partly written"
	switch {
	case t.single && interrupted:
		summary = "Apply interrupted; member not written"
	case t.single:
		summary = "Member not written"
	case interrupted:
		summary = "Apply interrupted; members partly written"
	}
	if creating {
		b.WriteString(".\n\n" + t.taintAdvice(total-len(notDone)-len(mismatched)))
	} else {
		b.WriteString(": the next plan shows only what is still to do, and an apply after the cause is fixed does it.")
	}
	p := path.Root("members")
	if t.single {
		p = path.Empty()
	}
	addError(diags, p, summary, b.String())
}

// reasonOf says why one member's change was not made.
func reasonOf(o outcome, interrupted bool) string {
	verb := o.verb
	if verb == "" {
		verb = "change"
	}
	switch o.status {
	case "failed":
		if o.err != nil {
			return "the API refused to " + verb + " them: " + oneLine(o.err)
		}
		return "the API refused to " + verb + " them (it listed them in FailedUserIds, which carries no reason)"
	case "unknown":
		why := "the call got no usable answer"
		if o.err != nil {
			why += " (" + oneLine(o.err) + ")"
		}
		return why + ", and reading them back shows the change was not made"
	case "not sent":
		switch {
		case o.err != nil:
			return "not sent: " + oneLine(o.err)
		case interrupted:
			return "not sent to " + verb + ": the apply was interrupted first"
		}
		return "not sent to " + verb + ": an earlier call failed, so no more were sent"
	}
	return "the API reports them otherwise than asked to " + verb
}

// oneLine is an error's diagnostic detail on one line.
func oneLine(err error) string {
	return strings.Join(strings.Fields(errorDiagnostic(err).Detail()), " ")
}

// taintAdvice explains what Terraform does with a create that failed.
func (t memberTarget) taintAdvice(in int) string {
	return fmt.Sprintf("Terraform marks this resource as tainted after a failed create, and the next apply would "+
		"replace it: remove the %d members who did get in and add them again, each a system message in the group. "+
		"To add only the rest, untaint it first: run `terraform untaint` with this resource's address (the one after "+
		"\"with\" in this message, as in `terraform untaint %s.example`), then `terraform apply`.", in, t.resourceType())
}

// mismatch reports what the API holds of one member otherwise than
// planned although it answered that the change was made: each field on
// its own attribute, with both values.
func (t memberTarget) mismatch(ctx context.Context, id int64, want map[int64]memberFields, got map[int64]memberModel, diags *diag.Diagnostics) {
	const after = "After answering that the change was made, the API "
	w, wanted := want[id]
	g, present := got[id]
	switch {
	case wanted && !present:
		addError(diags, t.where(id), "The API does not list a member it added",
			fmt.Sprintf(after+"does not list user %d as a member of conversation %d. The state leaves them out, so the next "+
				"plan adds them again.", id, t.conv))
	case !wanted && present:
		addError(diags, t.where(id), "The API still lists a member it removed",
			fmt.Sprintf(after+"still lists user %d as a member of conversation %d. The state keeps them, so the next plan "+
				"removes them again.", id, t.conv))
	default:
		why := ""
		for _, f := range diffFields(w, fieldsOf(ctx, g)) {
			if f.name == "ext" {
				why = "The API does not document whether a change replaces ext or merges keys into it: if it keeps " +
					"keys the plan removed, list them in the configuration."
			}
			diags.Append(readBackMismatch(t.field(id, f.name), f.planned, f.got, why))
		}
	}
}
