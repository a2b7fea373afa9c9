// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/imclient"
)

var _ fullResource = (*blockListResource)(nil)

func newBlockListResource() resource.Resource { return &blockListResource{} }

// blockListResource is volcrtc_conversation_block_list: a live group's
// whole mute or block list, each user with the end of their ban. It reads
// the list whole (BatchGetBlockParticipants), adds with
// BatchAddBlockParticipants (a duration: the seconds from now to the end)
// and removes with BatchDeleteBlockParticipants.
type blockListResource struct {
	resourceBase
}

type blockListModel struct {
	ID                  types.String `tfsdk:"id"`
	AppID               types.Number `tfsdk:"app_id"`
	ConversationShortID types.Number `tfsdk:"conversation_short_id"`
	List                types.String `tfsdk:"list"`
	Participants        types.Map    `tfsdk:"participants"`
}

var blockEntryType = types.ObjectType{AttrTypes: map[string]attr.Type{"until": untilType{}}}

func (r *blockListResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_conversation_block_list"
}

func (r *blockListResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A live group's whole mute list or block list: each user on it and when their mute or block ends. " +
			"The list is authoritative: users muted or blocked outside Terraform show in the plan as removals, by user ID. " +
			"The API documents these actions for live groups (conversation type 100) only, and a normal group is refused " +
			"at plan. A ban that has ended is left as written: see \"When a ban ends\".",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "`APP_ID/CONVERSATION_SHORT_ID/LIST`, the import ID (LIST is `muted` or `blocked`).",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"app_id": replacingAppID("ID of the RTC application that owns the live group (a whole number, 1 to 2147483647). " +
				"Changing it makes another list."),
			"conversation_short_id": replacingID("Short ID of the live group (a positive 64-bit whole number). Changing it " +
				"makes another list (this one emptied, the other filled)."),
			"list": schema.StringAttribute{
				MarkdownDescription: "Which list: `muted` (users who may not speak in the live group) or `blocked` (users who " +
					"may not join it). Changing it makes another list.",
				Required:      true,
				Validators:    []validator.String{stringvalidator.OneOf("muted", "blocked")},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"participants": schema.MapNestedAttribute{
				MarkdownDescription: "Every user on the list, keyed by user ID in decimal (`\"10001\"`): users not here are " +
					"removed from it. An empty map empties the list.",
				Required:   true,
				Validators: []validator.Map{memberKeysValidator{}},
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"until": schema.StringAttribute{
						MarkdownDescription: "When the mute or block ends, an RFC 3339 time (`2030-01-01T00:00:00Z`), to the " +
							"second. The API takes a duration: an apply sends the seconds from then to `until`. An `until` " +
							"already past is a warning at plan and nothing is sent for it.",
						Required:   true,
						CustomType: untilType{},
						Validators: []validator.String{untilValidator{}},
					},
				}},
			},
		},
	}
}

func (r *blockListResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{Attributes: map[string]identityschema.Attribute{
		"app_id":                identityschema.Int64Attribute{RequiredForImport: true, Description: identityDescriptions["app_id"]},
		"conversation_short_id": identityschema.Int64Attribute{RequiredForImport: true, Description: identityDescriptions["conversation_short_id"]},
		"list":                  identityschema.StringAttribute{RequiredForImport: true, Description: "`muted` or `blocked`."},
	}}
}

type blockListIdentity struct {
	AppID               types.Int64  `tfsdk:"app_id"`
	ConversationShortID types.Int64  `tfsdk:"conversation_short_id"`
	List                types.String `tfsdk:"list"`
}

// setIdentity writes the identity from m, whole or not at all.
func setBlockListIdentity(ctx context.Context, m blockListModel, identity *tfsdk.ResourceIdentity, diags *diag.Diagnostics) {
	if identity == nil || m.AppID.IsNull() || m.AppID.IsUnknown() || m.ConversationShortID.IsNull() ||
		m.ConversationShortID.IsUnknown() || m.List.IsNull() || m.List.IsUnknown() {
		return
	}
	diags.Append(identity.Set(ctx, blockListIdentity{types.Int64Value(int64Of(m.AppID)),
		types.Int64Value(int64Of(m.ConversationShortID)), m.List})...)
}

func blockListID(app int32, conv int64, list string) string {
	return fmt.Sprintf("%d/%d/%s", app, conv, list)
}

func (r *blockListResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	var app, conv int64
	var list string
	if req.ID != "" || req.Identity == nil {
		i := strings.LastIndex(req.ID, "/")
		list = req.ID[i+1:]
		if _, ok := blockLists[list]; i < 0 || !ok {
			resp.Diagnostics.AddError("Invalid import ID",
				fmt.Sprintf("Expected an import ID of the form APP_ID/CONVERSATION_SHORT_ID/LIST, LIST being muted or blocked, got %q.", req.ID))
			return
		}
		ids, diags := parseImportID(req.ID[:i], importAppID, importConversationID)
		if resp.Diagnostics.Append(diags...); diags.HasError() {
			return
		}
		app, conv = ids[0], ids[1]
	} else {
		var id blockListIdentity
		if resp.Diagnostics.Append(req.Identity.Get(ctx, &id)...); resp.Diagnostics.HasError() {
			return
		}
		_, known := blockLists[id.List.ValueString()]
		if id.AppID.ValueInt64() < 1 || id.AppID.ValueInt64() > importAppID.max || id.ConversationShortID.ValueInt64() < 1 || !known {
			resp.Diagnostics.AddError("Invalid import identity",
				"The import block's identity needs app_id (1 to 2147483647), conversation_short_id (a positive whole number) "+
					"and list (muted or blocked).")
			return
		}
		app, conv, list = id.AppID.ValueInt64(), id.ConversationShortID.ValueInt64(), id.List.ValueString()
	}
	m := blockListModel{ID: types.StringValue(blockListID(int32(app), conv, list)), AppID: numberOf(app),
		ConversationShortID: numberOf(conv), List: types.StringValue(list), Participants: types.MapNull(blockEntryType)}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
	setBlockListIdentity(ctx, m, resp.Identity, &resp.Diagnostics)
}

// untilValidator refuses an until that is not an RFC 3339 time, and warns,
// on the attribute, of one already past: nothing is sent for it.
type untilValidator struct{}

func (untilValidator) Description(context.Context) string {
	return "an RFC 3339 time; one already past is a warning"
}

func (v untilValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (untilValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	t, err := time.Parse(time.RFC3339, req.ConfigValue.ValueString())
	switch {
	case err != nil:
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid time",
			fmt.Sprintf("%q is not an RFC 3339 time such as \"2030-01-01T00:00:00Z\": %v.", req.ConfigValue.ValueString(), err))
	case !t.After(time.Now()):
		resp.Diagnostics.AddAttributeWarning(req.Path, "The ban has ended",
			fmt.Sprintf("%s is past: nothing is sent for this user, and the state keeps the entry as written, so the plan "+
				"shows no change for it. Remove it from the configuration when convenient.", req.ConfigValue.ValueString()))
	}
}

// blockTarget is the list a resource manages.
type blockTarget struct {
	client *imclient.Client
	app    int32
	conv   int64
	list   string
}

func blockTargetOf(client *imclient.Client, m blockListModel) blockTarget {
	return blockTarget{client: client, app: int32Of(m.AppID), conv: int64Of(m.ConversationShortID), list: m.List.ValueString()}
}

// untils returns a participants map as user ID to until (the text, and the
// time; a text that does not parse is the zero time).
func untils(ctx context.Context, m types.Map, diags *diag.Diagnostics) map[int64]string {
	out := map[int64]string{}
	if m.IsNull() || m.IsUnknown() {
		return out
	}
	var entries map[string]struct {
		Until untilValue `tfsdk:"until"`
	}
	diags.Append(m.ElementsAs(ctx, &entries, false)...)
	for k, e := range entries {
		if id, ok := parseUserID(k); ok {
			out[id] = e.Until.ValueString()
		}
	}
	return out
}

func untilTime(s string) time.Time {
	t, _ := time.Parse(time.RFC3339, s)
	return t
}

// read returns the users listed now, with their ends (0: no end); the
// ends already past are left out, whatever the API lists.
func (t blockTarget) read(ctx context.Context) (map[int64]int64, error) {
	got, err := t.client.BatchGetBlockParticipants(ctx, imclient.BlockListInput{AppID: t.app, ConversationShortID: t.conv, List: blockLists[t.list]})
	if err != nil {
		return nil, err
	}
	now := time.Now().Unix()
	out := make(map[int64]int64, len(got.Records))
	for _, p := range got.Records {
		end := int64(0)
		if p.BlockTime != nil {
			end = *p.BlockTime
		}
		if end > 0 && end <= now {
			continue
		}
		out[*p.ParticipantUserID] = end
	}
	return out, nil
}

// holds says a listed end is until, within the call's own delay.
func holds(end int64, until string) bool {
	u := untilTime(until)
	return end > 0 && end >= u.Add(-blockEarly).Unix() && end <= u.Add(blockLate).Unix()
}

// stateOf is the participants the state records from a read: each listed
// user with the until of prior (the configuration's or the last state's)
// when the listed end is it, else the listed end; and each user of prior
// whose until is past, as written, so that a ban that ended shows no
// change.
func stateOf(listed map[int64]int64, prior map[int64]string) types.Map {
	elems := map[string]attr.Value{}
	entry := func(until untilValue) attr.Value {
		return types.ObjectValueMust(blockEntryType.AttrTypes, map[string]attr.Value{"until": until})
	}
	now := time.Now()
	for id, until := range prior {
		if _, on := listed[id]; !on && !untilTime(until).After(now) {
			elems[fmt.Sprint(id)] = entry(untilOf(until))
		}
	}
	for id, end := range listed {
		switch until, ok := prior[id]; {
		case ok && holds(end, until):
			elems[fmt.Sprint(id)] = entry(untilOf(until))
		case end == 0:
			elems[fmt.Sprint(id)] = entry(untilNull()) // no end
		default:
			elems[fmt.Sprint(id)] = entry(untilOf(time.Unix(end, 0).UTC().Format(time.RFC3339)))
		}
	}
	return types.MapValueMust(blockEntryType, elems)
}

// ModifyPlan refuses, before any write, a conversation that is not a live
// group.
func (r *blockListResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || req.Plan.Raw.Equal(req.State.Raw) {
		return
	}
	var plan blockListModel
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

func (r *blockListResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var st blockListModel
	if resp.Diagnostics.Append(req.State.Get(ctx, &st)...); !resp.Diagnostics.HasError() {
		setBlockListIdentity(ctx, st, resp.Identity, &resp.Diagnostics)
	}
	op := r.startRead(ctx, req, resp, &st, "reading the block list")
	if op == nil {
		return
	}
	defer op.stop()
	t := blockTargetOf(op.client, st)
	listed, err := t.read(op.ctx)
	if isAPICode(err, imclient.CodeConversationNotFound) {
		listed, err = nil, nil
	}
	if err == nil && len(listed) == 0 {
		if c, lerr := lookupConversation(op.ctx, op.client, t.app, t.conv); lerr == nil && c == nil {
			r.data.gone.add(t.app, t.conv)
			resp.Diagnostics.AddWarning("Conversation not found",
				fmt.Sprintf("Conversation %d is gone (dissolved): its %s list was removed from the state.", t.conv, t.list))
			resp.State.RemoveResource(ctx)
			return
		}
	}
	if err != nil {
		resp.Diagnostics.Append(errorDiagnostic(err))
		return
	}
	st.Participants = stateOf(listed, untils(ctx, st.Participants, &resp.Diagnostics))
	st.ID = types.StringValue(blockListID(t.app, t.conv, t.list))
	resp.Diagnostics.Append(resp.State.Set(ctx, &st)...)
}

func (r *blockListResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan blockListModel
	op := r.startWrite(ctx, "filling the block list", &resp.Diagnostics, req.Plan.Get(ctx, &plan))
	if op == nil {
		return
	}
	defer op.stop()
	t := blockTargetOf(op.client, plan)
	if !lookupLiveGroup(op.ctx, op.client, t.app, t.conv, &resp.Diagnostics) {
		return
	}
	r.apply(ctx, op.ctx, t, plan, true, &resp.State, resp.Identity, &resp.Diagnostics)
}

func (r *blockListResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, st blockListModel
	op := r.startWrite(ctx, "changing the block list", &resp.Diagnostics, req.Plan.Get(ctx, &plan), req.State.Get(ctx, &st))
	if op == nil {
		return
	}
	defer op.stop()
	setBlockListIdentity(ctx, st, resp.Identity, &resp.Diagnostics)
	t := blockTargetOf(op.client, plan)
	r.apply(ctx, op.ctx, t, plan, false, &resp.State, resp.Identity, &resp.Diagnostics)
}

// apply makes the list what plan says: it reads the list, removes the
// users plan does not hold (or holds with an until past), adds those
// whose listed end is not their until, and reads back, waiting for a
// lagging read. The state records what the read-back shows, whatever
// the writes answered.
func (r *blockListResource) apply(ctx, callCtx context.Context, t blockTarget, plan blockListModel, creating bool,
	st *tfsdk.State, identity *tfsdk.ResourceIdentity, diags *diag.Diagnostics) {
	want := untils(ctx, plan.Participants, diags)
	if diags.HasError() {
		return
	}
	listed, err := t.read(callCtx)
	if err != nil {
		diags.Append(errorDiagnostic(err))
		return
	}
	now := time.Now()
	var remove []int64
	add := map[int64]int64{}
	for id := range listed {
		if u, ok := want[id]; !ok || !untilTime(u).After(now) {
			remove = append(remove, id)
		}
	}
	for id, u := range want {
		if end, on := listed[id]; untilTime(u).After(now) && (!on || !holds(end, u)) {
			add[id] = untilTime(u).Unix()
		}
	}
	slices.Sort(remove)
	list := blockLists[t.list]
	done := "The state records the list as read back after the apply, so the next plan shows what is left to do."
	if creating {
		done += " Terraform marks a resource whose create failed as tainted, and the next apply would empty the list " +
			"and fill it again: to add only the rest, run `terraform untaint` on this resource first."
	}
	var failed []string
	if len(remove) > 0 {
		if _, err := t.client.DeleteBlockParticipants(callCtx, imclient.RemoveBlockInput{AppID: t.app, ConversationShortID: t.conv,
			List: list, UserIDs: remove}); err != nil {
			failed = append(failed, "remove")
			diags.Append(writeError(err, fmt.Sprintf("remove users from the %s list of conversation %d", t.list, t.conv), done))
		}
	}
	if len(add) > 0 && callCtx.Err() == nil {
		if _, err := t.client.AddBlockParticipants(callCtx, imclient.AddBlockInput{AppID: t.app, ConversationShortID: t.conv,
			List: list, Until: add}); err != nil {
			failed = append(failed, "add")
			diags.Append(writeError(err, fmt.Sprintf("add users to the %s list of conversation %d", t.list, t.conv), done))
		}
	}
	// Read back, waiting for a lagging read to show what was written.
	readCtx := context.WithoutCancel(callCtx)
	var back map[int64]int64
	_, err = awaitShown(readCtx, t.client.Clock(), func() (bool, error) {
		var err error
		back, err = t.read(readCtx)
		if err != nil || len(failed) > 0 {
			return true, err
		}
		for _, id := range remove {
			if _, on := back[id]; on {
				return false, nil
			}
		}
		for id := range add {
			if end, on := back[id]; !on || !holds(end, want[id]) {
				return false, nil
			}
		}
		return true, nil
	})
	if err != nil {
		diags.Append(errorDiagnostic(err))
		return
	}
	plan.Participants = stateOf(back, want)
	plan.ID = types.StringValue(blockListID(t.app, t.conv, t.list))
	diags.Append(st.Set(ctx, &plan)...)
	setBlockListIdentity(ctx, plan, identity, diags)
}

func (r *blockListResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var st blockListModel
	op := r.startWrite(ctx, "emptying the block list", &resp.Diagnostics, req.State.Get(ctx, &st))
	if op == nil {
		return
	}
	defer op.stop()
	t := blockTargetOf(op.client, st)
	c, err := lookupConversation(op.ctx, op.client, t.app, t.conv)
	if err != nil {
		resp.Diagnostics.Append(errorDiagnostic(err))
		return
	}
	if c == nil {
		return // gone with its conversation
	}
	var ids []int64
	for id := range untils(ctx, st.Participants, &resp.Diagnostics) {
		ids = append(ids, id)
	}
	if len(ids) == 0 {
		return
	}
	slices.Sort(ids)
	_, err = t.client.DeleteBlockParticipants(op.ctx, imclient.RemoveBlockInput{AppID: t.app, ConversationShortID: t.conv,
		List: blockLists[t.list], UserIDs: ids})
	if err != nil {
		resp.Diagnostics.Append(writeError(err, fmt.Sprintf("empty the %s list of conversation %d", t.list, t.conv),
			"The list stays in the state: run the destroy again."))
	}
}
