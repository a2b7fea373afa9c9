// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"math"
	"math/big"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/numberdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/numberplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/imclient"
)

var _ fullResource = (*conversationResource)(nil)

func newConversationResource() resource.Resource { return &conversationResource{} }

// conversationResource manages one group or live group.
type conversationResource struct {
	resourceBase
}

// conversationTypes maps the type argument to the API's codes.
var conversationTypes = map[string]int32{
	"group":      imclient.ConversationTypeGroup,
	"live_group": imclient.ConversationTypeLiveGroup,
}

type conversationModel struct {
	ID                   types.String `tfsdk:"id"`
	AppID                types.Number `tfsdk:"app_id"`
	Type                 types.String `tfsdk:"type"`
	OwnerUserID          types.Number `tfsdk:"owner_user_id"`
	Name                 types.String `tfsdk:"name"`
	AvatarURL            types.String `tfsdk:"avatar_url"`
	Description          types.String `tfsdk:"description"`
	Notice               types.String `tfsdk:"notice"`
	Ext                  types.Map    `tfsdk:"ext"`
	InboxType            types.Number `tfsdk:"inbox_type"`
	IdempotencyKey       types.String `tfsdk:"idempotency_key"`
	CreateIdempotencyKey types.String `tfsdk:"create_idempotency_key"`
	DeletionProtection   types.Bool   `tfsdk:"deletion_protection"`
	ConversationShortID  types.Number `tfsdk:"conversation_short_id"`
	ConversationID       types.String `tfsdk:"conversation_id"`
	CreatorUserID        types.Number `tfsdk:"creator_user_id"`
	CreateTime           types.Number `tfsdk:"create_time"`
	CreateTimeRFC3339    types.String `tfsdk:"create_time_rfc3339"`
	Marks                types.Set    `tfsdk:"marks"`
}

func (r *conversationResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_conversation"
}

func (r *conversationResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	text := func(what string) schema.StringAttribute {
		return schema.StringAttribute{
			MarkdownDescription: "The conversation's " + what + ". Leave it out for none: removing it from the " +
				"configuration clears it (sent as an empty string). An empty string is an error, since it cannot be told " +
				"apart from none.",
			Optional:   true,
			Validators: []validator.String{notEmptyString{}},
		}
	}
	unchanging := []planmodifier.Number{numberplanmodifier.UseStateForUnknown()}
	resp.Schema = schema.Schema{
		MarkdownDescription: "A group or live group conversation (`CreateConversation`, `ModifyConversation`, " +
			"`DestroyConversation`; read with `BatchGetConversations`). Changes made outside Terraform show in the plan; " +
			"a conversation dissolved outside Terraform is removed from state with a warning, and the next plan creates it " +
			"again. Every create sends an idempotency key, so a create whose answer was lost never makes a second " +
			"conversation. `deletion_protection` (on by default) refuses to destroy or replace the conversation until it " +
			"is turned off.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "`APP_ID/CONVERSATION_SHORT_ID`, the form `terraform import` takes.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"app_id": replacingAppID("ID of the RTC application the conversation belongs to (a whole number, 1 to " +
				"2147483647). Changing it replaces the conversation."),
			"type": schema.StringAttribute{
				MarkdownDescription: "`group` (the default) or `live_group`. A live group's plain member list shows only its " +
					"owner and admins, so `volcrtc_conversation_members` cannot manage one. Changing it replaces the conversation.",
				Optional:      true,
				Computed:      true,
				Default:       stringdefault.StaticString("group"),
				Validators:    []validator.String{stringvalidator.OneOf("group", "live_group")},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"owner_user_id": schema.NumberAttribute{
				MarkdownDescription: "User ID of the owner (a positive 64-bit whole number). Changing it transfers ownership " +
					"in place (`ModifyConversation`) to a user who must already be a member; the conversation is destroyed " +
					"as its owner.",
				Required:   true,
				Validators: []validator.Number{wholeNumber{1, math.MaxInt64}},
			},
			"name":        text("name"),
			"avatar_url":  text("avatar URL"),
			"description": text("description"),
			"notice":      text("notice (announcement)"),
			"ext": schema.MapAttribute{
				MarkdownDescription: "Extension fields, string keys (not empty) to string values. Removing a key sends the " +
					"map without it; the API does not document whether it replaces the stored map or merges into it, so " +
					"the conversation is read back after every change and a key the API kept is an error naming it.",
				Optional:    true,
				ElementType: types.StringType,
				Validators:  []validator.Map{noEmptyKey{}},
			},
			"marks": marksAttribute(),
			"inbox_type": schema.NumberAttribute{
				MarkdownDescription: "Inbox, the API's logical partition of conversations (a whole number, 0 to 2147483647; " +
					"default 0). Changing it replaces the conversation.",
				Optional:      true,
				Computed:      true,
				Default:       numberdefault.StaticBigFloat(big.NewFloat(0)),
				Validators:    []validator.Number{wholeNumber{0, math.MaxInt32}},
				PlanModifiers: []planmodifier.Number{numberplanmodifier.RequiresReplace()},
			},
			"idempotency_key": schema.StringAttribute{
				MarkdownDescription: "Key sent as `IdempotentId` when the conversation is created: if a conversation with " +
					"this key already exists, the API returns it instead of creating another, and the provider manages it " +
					"with a warning. Set it to make even a second `apply` after a crash find the conversation the first one " +
					"made. Without it the provider generates one per create (`create_idempotency_key`). Changing it " +
					"replaces the conversation. The API keeps a key after its conversation is dissolved, so a replacement " +
					"in the same app (by `type` or `inbox_type`) must change the key too; the plan refuses one that does not.",
				Optional:      true,
				Validators:    []validator.String{stringvalidator.LengthBetween(1, 128)},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"create_idempotency_key": schema.StringAttribute{
				MarkdownDescription: "The `IdempotentId` the create sent, and every retry of it: `idempotency_key`, or one " +
					"the provider generated for that create (`tf-` and 32 hex digits). Null for an imported conversation.",
				Computed: true,
			},
			"deletion_protection": schema.BoolAttribute{
				MarkdownDescription: "While `true` (the default), destroying the conversation, or replacing it, is refused " +
					"at plan time, before any call. To destroy it, set `deletion_protection = false`, apply, then destroy " +
					"(or remove the resource block). An imported conversation starts protected.",
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(true),
			},
			"conversation_short_id": schema.NumberAttribute{
				MarkdownDescription: "Short ID of the conversation, as the API assigned it.",
				Computed:            true,
				PlanModifiers:       unchanging,
			},
			"conversation_id": schema.StringAttribute{
				MarkdownDescription: "The conversation's long (legacy) ID; null when the API does not return one.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"creator_user_id": schema.NumberAttribute{
				MarkdownDescription: "User ID of the creator (the first owner); null when the API does not return it.",
				Computed:            true,
				PlanModifiers:       unchanging,
			},
			"create_time": schema.NumberAttribute{
				MarkdownDescription: "When the conversation was created, in Unix seconds; null when the API does not return it.",
				Computed:            true,
				PlanModifiers:       unchanging,
			},
			"create_time_rfc3339": schema.StringAttribute{
				MarkdownDescription: "`create_time` as an RFC 3339 timestamp in UTC.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
		},
	}
}

// ModifyPlan plans the create's idempotency key and enforces deletion
// protection at plan time.
func (r *conversationResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.State.Raw.IsNull() {
		if req.Plan.Raw.IsNull() {
			return
		}
		// A create: the user's key is the one it sends. A generated key
		// cannot be planned: Terraform plans again during apply and refuses
		// a known value that changed, so Create generates it.
		var key types.String
		resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("idempotency_key"), &key)...)
		if resp.Diagnostics.HasError() {
			return
		}
		if key.IsNull() {
			key = types.StringUnknown()
		}
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("create_idempotency_key"), key)...)
		return
	}
	var prior conversationModel
	if resp.Diagnostics.Append(req.State.Get(ctx, &prior)...); resp.Diagnostics.HasError() {
		return
	}
	protected := !prior.DeletionProtection.IsNull() && prior.DeletionProtection.ValueBool()
	if req.Plan.Raw.IsNull() {
		if protected {
			resp.Diagnostics.Append(protectedConversation.destroyRefused(prior.ID.ValueString()))
		}
		return
	}
	// An update keeps the key the create sent (null after an import).
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("create_idempotency_key"), prior.CreateIdempotencyKey)...)
	// The schema's RequiresReplace is not passed to this method: compare
	// the arguments that force a new conversation here.
	var plan conversationModel
	if resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...); resp.Diagnostics.HasError() {
		return
	}
	var names []string
	for _, a := range []struct {
		name        string
		plan, prior attr.Value
	}{
		{"app_id", plan.AppID, prior.AppID}, {"type", plan.Type, prior.Type},
		{"inbox_type", plan.InboxType, prior.InboxType}, {"idempotency_key", plan.IdempotencyKey, prior.IdempotencyKey},
	} {
		// An unknown value may still replace it: Delete refuses then.
		if !a.plan.IsUnknown() && !a.plan.Equal(a.prior) {
			names = append(names, a.name)
		}
	}
	if len(names) == 0 {
		r.data.planOwnerChange(prior, plan, &resp.Diagnostics)
		return
	}
	if protected {
		resp.Diagnostics.Append(protectedConversation.replaceRefused(prior.ID.ValueString(), names))
		return
	}
	// A key may stay used after its conversation is dissolved (the API does
	// not say; the emulator answers Exist with the dissolved one), so a replacement in the same app with
	// the same key would destroy the conversation and create nothing.
	if !plan.IdempotencyKey.IsNull() && plan.IdempotencyKey.Equal(prior.IdempotencyKey) && plan.AppID.Equal(prior.AppID) {
		resp.Diagnostics.AddAttributeError(path.Root("idempotency_key"), "The replacement needs a new idempotency_key",
			fmt.Sprintf("Changing %s replaces conversation %s, and the new one would be created with idempotency_key %q, "+
				"which the API keeps for the conversation being destroyed: it would answer with that one instead of "+
				"creating another. Change idempotency_key in the same change (for example to %q).",
				strings.Join(names, ", "), prior.ID.ValueString(), plan.IdempotencyKey.ValueString(), plan.IdempotencyKey.ValueString()+"-2"))
	}
}

// newIdempotencyKey is a random key for one create.
func newIdempotencyKey() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return "tf-" + hex.EncodeToString(b), nil
}

func (r *conversationResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	defer conversationIdentity.fromState(ctx, &resp.State, resp.Identity, &resp.Diagnostics)
	var plan conversationModel
	c := r.startWrite(ctx, "creating a conversation", &resp.Diagnostics, req.Plan.Get(ctx, &plan))
	if c == nil {
		return
	}
	defer c.stop()
	// The user's key, or one for this create, which every retry of it
	// sends (the client retries inside CreateConversation).
	key := plan.IdempotencyKey.ValueString()
	if plan.IdempotencyKey.IsNull() {
		var err error
		if key, err = newIdempotencyKey(); err != nil {
			resp.Diagnostics.AddError("Cannot generate an idempotency key", err.Error())
			return
		}
	}
	plan.CreateIdempotencyKey = types.StringValue(key)
	tflog.Info(c.ctx, "creating a conversation", map[string]any{"idempotent_id": key})
	userKey := !plan.IdempotencyKey.IsNull()
	in := imclient.CreateConversationInput{
		AppID: int32Of(plan.AppID), OwnerUserID: int64Of(plan.OwnerUserID),
		Type: conversationTypes[plan.Type.ValueString()], InboxType: int32Of(plan.InboxType),
		Name: stringPtr(plan.Name), AvatarURL: stringPtr(plan.AvatarURL), Description: stringPtr(plan.Description),
		Notice: stringPtr(plan.Notice), Ext: extMap(plan.Ext), IdempotentID: key,
	}
	out, err := c.client.CreateConversation(c.ctx, in)
	if err != nil {
		resp.Diagnostics.Append(createError(err, key, userKey))
		return
	}
	tflog.Info(c.ctx, "conversation created", map[string]any{"conversation_short_id": out.ConversationShortID, "exist": out.Exist})
	plan.ConversationShortID = numberOf(out.ConversationShortID)
	plan.ID = types.StringValue(fmt.Sprintf("%d/%d", in.AppID, out.ConversationShortID))
	if out.Exist && !r.adoptable(c, plan, out, key, &resp.Diagnostics) {
		return
	}
	// A read may not show the new conversation at once: read again for a
	// while, then fall back on the create's own answer.
	var got imclient.Conversation
	var diags diag.Diagnostics
	found, _ := awaitShown(c.ctx, c.client.Clock(), func() (bool, error) {
		var found bool
		got, found, diags = r.readBack(c, in.AppID, out.ConversationShortID)
		return found || diags.HasError(), nil
	})
	if resp.Diagnostics.Append(diags...); diags.HasError() {
		// Created, but not read: the state records it as planned (tainted).
		resp.Diagnostics.AddError("The conversation was created but could not be read back",
			fmt.Sprintf("Conversation %s exists, and the state records it with the planned values; Terraform marks it "+
				"tainted. Run terraform untaint on it and apply again to read it, rather than replacing it.", plan.ID.ValueString()))
		fillUnknown(&plan)
		resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
		return
	}
	if !found && out.Info != nil {
		got, found = *out.Info, true // the create's own answer, when the read cannot see it yet
	}
	if !found {
		resp.Diagnostics.AddWarning("The new conversation could not be read back",
			fmt.Sprintf("CreateConversation answered with %s, but BatchGetConversations does not return it yet (after %s of "+
				"reading again). The state records the planned values; the next plan reads it again.",
				plan.ID.ValueString(), readLagPatience))
		fillUnknown(&plan)
		resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
		return
	}
	createMarks(c, &plan, out.Exist, &resp.Diagnostics)
	r.settle(ctx, plan, got, &resp.State, &resp.Diagnostics)
}

// createError explains a create that failed. Whether the API acted is
// known only when it refused the call; otherwise the error names the key,
// whose reuse finds the conversation if it was made.
func createError(err error, key string, userKey bool) diag.Diagnostic {
	if imclient.Refused(err) {
		return writeError(err, "create the conversation", "Nothing was created.")
	}
	if userKey {
		return writeError(err, "create the conversation",
			fmt.Sprintf("The API may have created it before the answer was lost. Nothing was saved to state; apply again: "+
				"the create sends idempotency_key %q again, so it finds the conversation if it was made (with a warning) "+
				"instead of making a second one.", key))
	}
	return writeError(err, "create the conversation",
		fmt.Sprintf("The API may have created it before the answer was lost; every attempt sent IdempotentId %q. "+
			"Nothing was saved to state. So that the next apply finds that conversation instead of making a second one, "+
			"set idempotency_key = %q in this resource, then apply: it finds the conversation if it was made (with a "+
			"warning) and creates it otherwise.", key, key))
}

// fillUnknown sets the computed values a plan left unknown to null, for
// a state written without the API's answer.
func fillUnknown(m *conversationModel) {
	if m.ConversationID.IsUnknown() {
		m.ConversationID = types.StringNull()
	}
	if m.CreatorUserID.IsUnknown() {
		m.CreatorUserID = types.NumberNull()
	}
	if m.CreateTime.IsUnknown() {
		m.CreateTime = types.NumberNull()
	}
	if m.CreateTimeRFC3339.IsUnknown() {
		m.CreateTimeRFC3339 = types.StringNull()
	}
	m.Marks = types.SetNull(types.StringType) // not sent yet
}

func (r *conversationResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	conversationIdentity.fromState(ctx, &req.State, resp.Identity, &resp.Diagnostics)
	var prior conversationModel
	c := r.startRead(ctx, req, resp, &prior, "reading a conversation")
	if c == nil {
		return
	}
	defer c.stop()
	app, conv := int32Of(prior.AppID), int64Of(prior.ConversationShortID)
	got, found, diags := r.readBack(c, app, conv)
	if resp.Diagnostics.Append(diags...); diags.HasError() {
		return
	}
	if !found {
		resp.Diagnostics.AddWarning("Conversation no longer exists",
			fmt.Sprintf("Conversation %d/%d was not found (dissolved, or removed outside Terraform), so it was removed "+
				"from state; the next plan shows it to be created.", app, conv))
		resp.State.RemoveResource(ctx)
		return
	}
	m, diags := fromAPI(got, prior)
	if resp.Diagnostics.Append(diags...); diags.HasError() {
		return
	}
	if readMarks(c, &m, importedMarks(ctx, req, resp), &resp.Diagnostics); resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
}

// readBack reads one conversation. found is false when it is gone (see
// lookupConversation).
func (r *conversationResource) readBack(c *call, app int32, conv int64) (imclient.Conversation, bool, diag.Diagnostics) {
	var diags diag.Diagnostics
	got, err := lookupConversation(c.ctx, c.client, app, conv)
	if err != nil {
		diags.Append(errorDiagnostic(err))
		return imclient.Conversation{}, false, diags
	}
	if got == nil {
		return imclient.Conversation{}, false, nil
	}
	return *got, true, nil
}

func (r *conversationResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	conversationIdentity.fromState(ctx, &req.State, resp.Identity, &resp.Diagnostics)
	var plan, prior conversationModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &prior)...)
	if resp.Diagnostics.HasError() {
		return
	}
	defer r.updateMarks(ctx, plan, prior, resp)
	mod, changed := modifyInput(plan, prior)
	if !changed {
		// Only what lives in Terraform alone changed (deletion_protection).
		resp.Diagnostics.Append(resp.State.Set(ctx, keepComputed(plan, prior))...)
		return
	}
	c, diags := r.writeCall(ctx, "updating a conversation")
	if resp.Diagnostics.Append(diags...); c == nil {
		return
	}
	defer c.stop()
	err := c.client.ModifyConversation(c.ctx, mod)
	var got imclient.Conversation
	var found, shown bool
	if err != nil {
		got, found, diags = r.readBack(c, mod.AppID, mod.ConversationShortID)
	} else {
		// A read may lag the write: read again while it shows every
		// changed value as it was before.
		shown, _ = awaitShown(c.ctx, c.client.Clock(), func() (bool, error) {
			got, found, diags = r.readBack(c, mod.AppID, mod.ConversationShortID)
			return !found || diags.HasError() || !showsPrior(plan, prior, got), nil
		})
	}
	if err == nil && mod.OwnerUserID != nil {
		r.data.transferred(mod.AppID, mod.ConversationShortID, transfer{from: int64Of(prior.OwnerUserID), to: *mod.OwnerUserID})
	}
	if err != nil {
		done := "The state still records the values from before this apply."
		if found && !diags.HasError() {
			// What the API has now, whatever the failed call did.
			if m, d := fromAPI(got, plan); !d.HasError() {
				resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
				done = "The state records the conversation as the API reports it now, so the next plan shows what is left to change."
			}
		}
		if mod.OwnerUserID != nil && isAPICode(err, imclient.CodeParticipantNotInConversation) {
			done += fmt.Sprintf(" Ownership goes only to a member: add user %d to the conversation first (for example with "+
				"volcrtc_conversation_members, and depends_on), then transfer it.", *mod.OwnerUserID)
		}
		resp.Diagnostics.Append(writeError(err, "update the conversation", done))
		return
	}
	if resp.Diagnostics.Append(diags...); diags.HasError() {
		resp.Diagnostics.AddError("The conversation was changed but could not be read back",
			"ModifyConversation succeeded; the state records the planned values. The next plan reads it again.")
		resp.Diagnostics.Append(resp.State.Set(ctx, keepComputed(plan, prior))...)
		return
	}
	if !found {
		resp.Diagnostics.AddError("The conversation disappeared during the update",
			fmt.Sprintf("ModifyConversation succeeded, but conversation %s is no longer returned (dissolved meanwhile?). "+
				"It was removed from state; the next plan shows it to be created.", prior.ID.ValueString()))
		resp.State.RemoveResource(ctx)
		return
	}
	if !shown {
		resp.Diagnostics.AddWarning("The API does not show the change yet",
			fmt.Sprintf("ModifyConversation answered that conversation %s was changed, but after reading it again for %s "+
				"the API still reports every changed value as it was before. Reads of the API can lag its writes, so the "+
				"state records the change as answered; the next plan reads it again and shows any change still to make. "+
				"(An ext key removed from the configuration that stays may also mean the API merges ext.)",
				prior.ID.ValueString(), readLagPatience))
		resp.Diagnostics.Append(resp.State.Set(ctx, keepComputed(plan, prior))...)
		return
	}
	r.settle(ctx, keepComputed(plan, prior), got, &resp.State, &resp.Diagnostics)
}

// showsPrior reports whether got still holds every value that the plan
// changes as prior had it: a read that does not show the write yet.
func showsPrior(plan, prior conversationModel, got imclient.Conversation) bool {
	m, d := fromAPI(got, prior)
	if d.HasError() {
		return false
	}
	before, now := planDifferences(plan, prior), planDifferences(plan, m)
	return len(now) > 0 && slices.Equal(before, now)
}

// settle writes the conversation as the API reports it into state, with
// an error for every value the API kept different from the plan.
func (r *conversationResource) settle(ctx context.Context, plan conversationModel, got imclient.Conversation, st interface {
	Set(context.Context, any) diag.Diagnostics
}, diags *diag.Diagnostics) {
	m, d := fromAPI(got, plan)
	if diags.Append(d...); d.HasError() {
		return
	}
	diags.Append(compareToPlan(plan, m)...)
	diags.Append(st.Set(ctx, m)...)
}

// keepComputed fills the plan's unknown computed values from the state.
func keepComputed(plan, prior conversationModel) conversationModel {
	plan.ID, plan.ConversationShortID, plan.ConversationID = prior.ID, prior.ConversationShortID, prior.ConversationID
	plan.CreatorUserID, plan.CreateTime, plan.CreateTimeRFC3339 = prior.CreatorUserID, prior.CreateTime, prior.CreateTimeRFC3339
	plan.CreateIdempotencyKey = prior.CreateIdempotencyKey
	return plan
}

func (r *conversationResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var prior conversationModel
	if resp.Diagnostics.Append(req.State.Get(ctx, &prior)...); resp.Diagnostics.HasError() {
		return
	}
	if prior.DeletionProtection.IsNull() || prior.DeletionProtection.ValueBool() {
		// The plan refuses this already; a tainted conversation being
		// replaced reaches here, and so would an older plan.
		resp.Diagnostics.Append(protectedConversation.deleteRefused(prior.ID.ValueString()))
		return
	}
	c, diags := r.writeCall(ctx, "destroying a conversation")
	if resp.Diagnostics.Append(diags...); c == nil {
		return
	}
	defer c.stop()
	app, conv, owner := int32Of(prior.AppID), int64Of(prior.ConversationShortID), int64Of(prior.OwnerUserID)
	err := c.client.DestroyConversation(c.ctx, app, conv, owner)
	switch {
	case err == nil:
	case isAPICode(err, imclient.CodeConversationNotFound):
		resp.Diagnostics.AddWarning("Conversation was already gone",
			fmt.Sprintf("Conversation %s was not found when it was to be destroyed (dissolved outside Terraform); it is "+
				"removed from state.", prior.ID.ValueString()))
	case isAPICode(err, imclient.CodeOnlyOwnerCanOperator):
		resp.Diagnostics.Append(writeError(err, "destroy the conversation",
			fmt.Sprintf("It was destroyed as user %d, the owner the state records, and the API says that user is not the "+
				"owner: ownership changed outside Terraform. Run terraform apply -refresh-only (or plan) to read the "+
				"owner, then destroy again. The conversation is still in state.", owner)))
	default:
		resp.Diagnostics.Append(writeError(err, "destroy the conversation", "The conversation is still in state."))
	}
}

func (r *conversationResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if conversationIdentity.importState(ctx, req, resp) != nil {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("deletion_protection"), true)...)
		noteImport(ctx, resp)
	}
}

// fromAPI is the state for what the API reports, with what only Terraform
// knows (the keys, deletion protection) from prior. A value the API
// leaves out or empty is null, but an empty ext keeps prior's form ({}
// or null), which mean the same.
func fromAPI(c imclient.Conversation, prior conversationModel) (conversationModel, diag.Diagnostics) {
	var diags diag.Diagnostics
	m := prior
	unreadable := func(field string) {
		diags.AddError("Unreadable conversation from the Volcengine IM OpenAPI",
			fmt.Sprintf("BatchGetConversations returned conversation %s without %s, so it cannot be compared with the "+
				"configuration; nothing was changed in state. Try again; if it persists, report it to Volcengine support.",
				prior.ID.ValueString(), field))
	}
	switch {
	case c.ConversationShortID == nil:
		unreadable("ConversationShortId")
	case c.ConversationType == nil:
		unreadable("ConversationType")
	case c.OwnerUserID == nil:
		unreadable("OwnerUserId")
	}
	if diags.HasError() {
		return m, diags
	}
	typ := ""
	for name, code := range conversationTypes {
		if int64(code) == *c.ConversationType {
			typ = name
		}
	}
	if typ == "" {
		diags.AddError("Not a group conversation",
			fmt.Sprintf("Conversation %d is of type %d (1 is a one-to-one chat), and volcrtc_conversation manages groups "+
				"(2) and live groups (100) only. Read it with the volcrtc_conversations data source instead.",
				*c.ConversationShortID, *c.ConversationType))
		return m, diags
	}
	m.Type = types.StringValue(typ)
	m.ConversationShortID = numberOf(*c.ConversationShortID)
	m.ID = types.StringValue(fmt.Sprintf("%d/%d", int64Of(prior.AppID), *c.ConversationShortID))
	m.OwnerUserID = numberOf(*c.OwnerUserID)
	m.Name, m.AvatarURL = textValue(c.Name), textValue(c.AvatarURL)
	m.Description, m.Notice = textValue(c.Description), textValue(c.Notice)
	m.Ext = extValue(c.Ext, prior.Ext)
	switch {
	case c.InboxType != nil:
		m.InboxType = numberOf(*c.InboxType)
	case m.InboxType.IsNull() || m.InboxType.IsUnknown():
		// Not returned: the API's default, as in CreateConversation.
		m.InboxType = types.NumberValue(new(big.Float))
	}
	m.ConversationID = types.StringNull()
	if c.ConversationID != nil && *c.ConversationID != "" {
		m.ConversationID = types.StringValue(*c.ConversationID)
	}
	m.CreatorUserID, m.CreateTime = numberOrNull(c.CreatorUserID), numberOrNull(c.CreateTime)
	m.CreateTimeRFC3339 = types.StringNull()
	if s, ok := rfc3339(c.CreateTime, false).(string); ok {
		m.CreateTimeRFC3339 = types.StringValue(s)
	}
	if m.DeletionProtection.IsNull() || m.DeletionProtection.IsUnknown() {
		m.DeletionProtection = types.BoolValue(true)
	}
	if m.CreateIdempotencyKey.IsUnknown() {
		m.CreateIdempotencyKey = types.StringNull()
	}
	return m, diags
}

func textValue(s *string) types.String {
	if s == nil || *s == "" {
		return types.StringNull()
	}
	return types.StringValue(*s)
}

// extValue is the API's ext for state: empty is prior's empty form.
func extValue(got map[string]string, prior types.Map) types.Map {
	if len(got) == 0 {
		if !prior.IsNull() && !prior.IsUnknown() && len(prior.Elements()) == 0 {
			return prior
		}
		return types.MapNull(types.StringType)
	}
	elems := make(map[string]attr.Value, len(got))
	for k, v := range got {
		elems[k] = types.StringValue(v)
	}
	return types.MapValueMust(types.StringType, elems)
}

// modifyInput is the ModifyConversation that brings current to plan: the
// fields that differ, a removed text sent as "" (omitted would keep it),
// a removed ext as {}. changed is false when nothing the API holds differs.
func modifyInput(plan, current conversationModel) (imclient.ModifyConversationInput, bool) {
	in := imclient.ModifyConversationInput{AppID: int32Of(current.AppID), ConversationShortID: int64Of(current.ConversationShortID)}
	changed := false
	text := func(p, c types.String) *string {
		if p.Equal(c) {
			return nil
		}
		changed = true
		v := p.ValueString() // "" for null: clears it
		return &v
	}
	in.Name, in.AvatarURL = text(plan.Name, current.Name), text(plan.AvatarURL, current.AvatarURL)
	in.Description, in.Notice = text(plan.Description, current.Description), text(plan.Notice, current.Notice)
	if !sameExt(plan.Ext, current.Ext) {
		changed = true
		ext := extMap(plan.Ext)
		if ext == nil {
			ext = map[string]string{}
		}
		in.Ext = &ext
	}
	if !plan.OwnerUserID.Equal(current.OwnerUserID) {
		changed = true
		owner := int64Of(plan.OwnerUserID)
		in.OwnerUserID = &owner
	}
	return in, changed
}

// sameExt compares two ext values, null and {} alike.
func sameExt(a, b types.Map) bool {
	if len(a.Elements()) == 0 && len(b.Elements()) == 0 {
		return true
	}
	return a.Equal(b)
}

// valueDiff is one argument whose value differs from the plan, both
// written as HCL would.
type valueDiff struct {
	name, planned, got, why string
}

// planDifferences lists what got holds otherwise than plan, of what a
// configuration says of a conversation, in schema order.
func planDifferences(plan, got conversationModel) []valueDiff {
	var out []valueDiff
	check := func(name string, p, g attr.Value, why string) {
		if !p.IsUnknown() && !p.Equal(g) {
			out = append(out, valueDiff{name, hclText(p), hclText(g), why})
		}
	}
	check("type", plan.Type, got.Type, "")
	check("inbox_type", plan.InboxType, got.InboxType, "")
	check("owner_user_id", plan.OwnerUserID, got.OwnerUserID,
		"The API did not transfer ownership; check that the new owner is a user of the app (and a member, if the API requires it).")
	check("name", plan.Name, got.Name, "")
	check("avatar_url", plan.AvatarURL, got.AvatarURL, "")
	check("description", plan.Description, got.Description, "")
	check("notice", plan.Notice, got.Notice, "")
	if !sameExt(plan.Ext, got.Ext) {
		check("ext", plan.Ext, got.Ext, "The API merges ext into what it holds rather than replacing it, so a key "+
			"removed from the configuration stays: set that key's value instead, or keep it in the configuration.")
	}
	return out
}

// compareToPlan reports every value the API kept different from the plan.
func compareToPlan(plan, got conversationModel) diag.Diagnostics {
	var diags diag.Diagnostics
	for _, d := range planDifferences(plan, got) {
		diags.Append(readBackMismatch(path.Root(d.name), d.planned, d.got, d.why))
	}
	return diags
}
