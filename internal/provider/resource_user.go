// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/numberplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/imclient"
)

var (
	_ fullResource                  = (*userResource)(nil)
	_ resource.ResourceWithIdentity = (*userResource)(nil)
)

func newUserResource() resource.Resource { return &userResource{} }

// userResource is volcrtc_user: one registered user (a bot, a system
// account) and their profile. BatchUpdateUser replaces the whole profile,
// so what the configuration leaves out is read just before an update and
// sent as the API has it.
type userResource struct {
	resourceBase
}

func (r *userResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_user"
}

func (r *userResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{Attributes: map[string]identityschema.Attribute{
		"app_id": identityschema.Int64Attribute{RequiredForImport: true,
			Description: "ID of the RTC application the user is registered in."},
		"user_id": identityschema.Int64Attribute{RequiredForImport: true, Description: "The user's ID."},
	}}
}

func (r *userResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	kept := "Leave it out to keep what the API has (set outside Terraform, or nothing): `BatchUpdateUser` replaces the " +
		"whole profile, so the provider reads the user just before an update and sends this as it is. "
	resp.Schema = schema.Schema{
		MarkdownDescription: "A registered user of an app, such as a bot (`is_robot = true`) or a system account, and their " +
			"profile (`RegisterUsers`, `BatchUpdateUser`, `UnRegisterUsers`; read with `BatchGetUser`). Creating it refuses " +
			"a user who is already registered (registering again would overwrite their profile): import them instead. " +
			"Attributes left out of the configuration keep the API's values. `deletion_protection` (on by default) refuses " +
			"to unregister the user until it is turned off.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "`APP_ID/USER_ID`, the import ID.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"app_id": replacingAppID("ID of the RTC application the user is registered in (a whole number, 1 to " +
				"2147483647). Changing it replaces the user."),
			"user_id": replacingID("The user's ID (a positive 64-bit whole number). Changing it replaces the user: the old " +
				"one is unregistered, the new one registered."),
			"nick_name": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("Nickname, at most %d bytes (UTF-8). %s`\"\"` clears it.", imclient.MaxNickNameBytes, kept),
				Optional:            true,
				Computed:            true,
				Validators:          []validator.String{maxBytes{imclient.MaxNickNameBytes}},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"portrait": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("Avatar (portrait) URL, at most %d bytes. %s`\"\"` clears it.", imclient.MaxPortraitBytes, kept),
				Optional:            true,
				Computed:            true,
				Validators:          []validator.String{maxBytes{imclient.MaxPortraitBytes}},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"tags": schema.SetAttribute{
				MarkdownDescription: "Tags, a set of strings. " + kept + "`[]` clears them.",
				Optional:            true,
				Computed:            true,
				ElementType:         types.StringType,
				PlanModifiers:       []planmodifier.Set{setplanmodifier.UseStateForUnknown()},
			},
			"ext": schema.MapAttribute{
				MarkdownDescription: fmt.Sprintf("Extension fields, string keys to string values: at most %d keys, each at "+
					"most %d bytes and not starting with `%s` (the system's own), values at most %d bytes. %s`{}` clears them. "+
					"The system's fields (`%[3]s` keys) are neither shown here nor sent, since the API refuses them in a write; "+
					"if an update makes the API drop them, the apply fails naming each one and its value.",
					imclient.MaxExtKeys, imclient.MaxExtKeyBytes, imclient.ReservedExtPrefix, imclient.MaxExtValueBytes, kept),
				Optional:      true,
				Computed:      true,
				ElementType:   types.StringType,
				Validators:    []validator.Map{userExtLimits{}},
				PlanModifiers: []planmodifier.Map{mapplanmodifier.UseStateForUnknown()},
			},
			"is_robot": schema.BoolAttribute{
				MarkdownDescription: "Whether the user is a robot (a bot account; at most 5,000 per app). Left out, a new " +
					"user is registered with `false` and an existing one keeps what the API has: a bot is never replaced " +
					"for it. Setting it to a value other than the API's **replaces the user** (unregistered, then " +
					"registered again), since `BatchUpdateUser` cannot change it; the profile attributes the configuration " +
					"leaves out are registered again as the user had them.",
				Optional:      true,
				Computed:      true,
				PlanModifiers: []planmodifier.Bool{robotLeftAlone{}},
			},
			"deletion_protection": schema.BoolAttribute{
				MarkdownDescription: "While `true` (the default), unregistering the user, by destroy or replacement, is refused " +
					"at plan time, before any call. To unregister it, set `deletion_protection = false`, apply, then destroy. " +
					"An imported user starts protected.",
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(true),
			},
			"create_time": schema.NumberAttribute{
				MarkdownDescription: "When the user registered, in Unix **milliseconds**; null when the API does not return it.",
				Computed:            true,
				PlanModifiers:       []planmodifier.Number{numberplanmodifier.UseStateForUnknown()},
			},
			"create_time_rfc3339": schema.StringAttribute{
				MarkdownDescription: "`create_time` as an RFC 3339 timestamp in UTC (to the second).",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"modify_time": schema.NumberAttribute{
				MarkdownDescription: "When the profile last changed, in Unix **milliseconds**; null when the API does not " +
					"return it, or when the user could not be read back after a write.",
				Computed: true,
			},
			"modify_time_rfc3339": schema.StringAttribute{
				MarkdownDescription: "`modify_time` as an RFC 3339 timestamp in UTC (to the second).",
				Computed:            true,
			},
		},
	}
}

// ModifyPlan enforces deletion protection at plan time, and keeps
// modify_time planned as it is when nothing the API holds changes.
func (r *userResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.State.Raw.IsNull() {
		return
	}
	var prior userModel
	if resp.Diagnostics.Append(req.State.Get(ctx, &prior)...); resp.Diagnostics.HasError() {
		return
	}
	protected := prior.DeletionProtection.IsNull() || prior.DeletionProtection.ValueBool()
	if req.Plan.Raw.IsNull() {
		if protected {
			resp.Diagnostics.Append(protectedUser.destroyRefused(prior.ID.ValueString()))
		}
		return
	}
	var plan userModel
	if resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...); resp.Diagnostics.HasError() {
		return
	}
	var replacing []string
	for _, a := range []struct {
		name        string
		plan, prior attr.Value
	}{{"app_id", plan.AppID, prior.AppID}, {"user_id", plan.UserID, prior.UserID}, {"is_robot", plan.IsRobot, prior.IsRobot}} {
		if !a.plan.IsUnknown() && !a.plan.Equal(a.prior) {
			replacing = append(replacing, a.name)
		}
	}
	if len(replacing) > 0 && protected {
		resp.Diagnostics.Append(protectedUser.replaceRefused(prior.ID.ValueString(), replacing))
		return
	}
	if len(replacing) > 0 {
		return
	}
	if profileUnchanged(plan, prior) {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("modify_time"), prior.ModifyTime)...)
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("modify_time_rfc3339"), prior.ModifyTimeRFC3339)...)
		return
	}
	// An update sends what the configuration leaves out as the API has it
	// at apply, which may differ from the state (changed outside after the
	// plan, or with -refresh=false): those attributes are known after apply.
	var cfg userModel
	if resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...); resp.Diagnostics.HasError() {
		return
	}
	for name, unset := range map[string]attr.Value{"nick_name": cfg.NickName, "portrait": cfg.Portrait} {
		if unset.IsNull() {
			resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root(name), types.StringUnknown())...)
		}
	}
	if cfg.Tags.IsNull() {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("tags"), types.SetUnknown(types.StringType))...)
	}
	if cfg.Ext.IsNull() {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("ext"), types.MapUnknown(types.StringType))...)
	}
}

// profileUnchanged reports whether the plan keeps every profile attribute.
func profileUnchanged(plan, prior userModel) bool {
	return plan.NickName.Equal(prior.NickName) && plan.Portrait.Equal(prior.Portrait) && plan.Tags.Equal(prior.Tags) &&
		plan.Ext.Equal(prior.Ext)
}

// setIdentity records m's identity; id is nil on a CLI without identity.
func setIdentity(ctx context.Context, id *tfsdk.ResourceIdentity, m userModel, diags *diag.Diagnostics) {
	if id != nil && known(m.AppID) && known(m.UserID) {
		diags.Append(id.Set(ctx, m.identity())...)
	}
}

func (r *userResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var prior userModel
	if resp.Diagnostics.Append(req.State.Get(ctx, &prior)...); resp.Diagnostics.HasError() {
		return
	}
	// The identity first, from the state, before anything can fail: the
	// framework requires one after every Read, removal included.
	setIdentity(ctx, resp.Identity, prior, &resp.Diagnostics)
	op := r.startRead(ctx, req, resp, &prior, "reading the user")
	if op == nil {
		return
	}
	defer op.stop()
	app, user := prior.app(), prior.user()
	u, err := readUser(op.ctx, op.client, app, user)
	if err != nil {
		resp.Diagnostics.Append(errorDiagnostic(err))
		return
	}
	if u == nil {
		resp.Diagnostics.Append(userGoneWarning(app, user,
			"volcrtc_user was removed from the state, so the plan shows it to be registered again."))
		resp.State.RemoveResource(ctx)
		return
	}
	warnRepeatedTags(user, u, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, prior.withUser(*u))...)
}

// alreadyRegistered is the error for a create that finds its user.
func alreadyRegistered(app int32, user int64) diag.Diagnostic {
	id := userID(app, user)
	return diag.NewAttributeErrorDiagnostic(path.Root("user_id"), "User already registered",
		fmt.Sprintf("User %d is already registered in app %d. Registering them again could overwrite their profile, so "+
			"nothing was changed. To manage this user with Terraform, import them, with\n\n  terraform import "+
			"volcrtc_user.<name> %s\n\nor an import block:\n\n  import {\n    to = volcrtc_user.<name>\n    id = %q\n  }\n\n"+
			"then plan to see how their profile differs from the configuration.", user, app, id, id))
}

func (r *userResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan userModel
	op := r.startWrite(ctx, "registering the user", &resp.Diagnostics, req.Plan.Get(ctx, &plan))
	if op == nil {
		return
	}
	defer op.stop()
	client, ctx := op.client, op.ctx
	app, user := plan.app(), plan.user()
	// A replacement: this process has just unregistered the user, whose
	// profile is registered again where the configuration leaves it out.
	before, replacing := unregisteredProfile(client, app, user)
	existing, err := readUser(ctx, client, app, user)
	if err == nil && existing != nil && replacing {
		// A read that lags behind the unregister: wait for it.
		existing, _, err = readUntil(ctx, client, app, user, func(u *imclient.User) bool { return u == nil })
	}
	if err != nil {
		resp.Diagnostics.Append(errorDiagnostic(err))
		return
	}
	if existing != nil {
		resp.Diagnostics.Append(alreadyRegistered(app, user))
		return
	}
	p := plan.profile(imclient.User{NickName: before.NickName, Portrait: before.Portrait, Tags: before.Tags, Ext: before.Ext})
	if sys := systemExt(before.Ext); len(sys) > 0 {
		resp.Diagnostics.AddAttributeWarning(path.Root("ext"), "System extension fields not registered again",
			fmt.Sprintf("User %d is registered again to replace them; the system's own extension fields of their "+
				"former registration cannot be sent in a write, so they are not carried over: %s.", user, entriesText(sys)))
	}
	in := imclient.UsersInput{AppID: app, Users: []imclient.UserProfile{p}}
	res, err := client.RegisterUsers(ctx, in)
	if len(res.Unknown) > 0 {
		// The answer was lost: the user may be registered. Read them back;
		// only when they are still not there is the register sent again.
		u, _, rerr := readUntil(ctx, client, app, user, func(u *imclient.User) bool { return u != nil })
		switch {
		case rerr != nil:
			resp.Diagnostics.Append(writeError(err, "register the user", fmt.Sprintf("Reading the user back failed too "+
				"(%v), so whether user %d is registered is not known; nothing is recorded in state. Run terraform plan: if the "+
				"user shows as already registered, import them.", rerr, user)))
			return
		case u != nil:
			tflog.Info(ctx, "RegisterUsers lost its answer; reading back shows the user registered", map[string]any{"user_id": user})
			res, err = imclient.WriteResult{Done: []int64{user}}, nil
		default:
			res, err = client.RegisterUsers(ctx, in)
		}
	}
	if len(res.Done) == 0 && len(res.Failed) > 0 {
		// The answer says no; an answer can lie: the read-back settles it.
		if u, ok, rerr := readUntil(ctx, client, app, user, func(u *imclient.User) bool { return u != nil && sameProfile(*u, p) }); rerr == nil && ok && u != nil {
			resp.Diagnostics.Append(contradictedWarning(imclient.ActionRegisterUsers, user, res))
			res, err = imclient.WriteResult{Done: []int64{user}}, nil
		}
	}
	if len(res.Done) == 0 {
		done := "Nothing is recorded in state."
		if len(res.Failed) > 0 && len(res.Reasons) > 0 {
			resp.Diagnostics.AddAttributeError(path.Root("user_id"), "Cannot register the user",
				"RegisterUsers listed the user in FailedInfos:"+failedInfoText(res)+"\n\n"+done)
			return
		}
		resp.Diagnostics.Append(writeError(orUnknown(err), "register the user", done))
		return
	}
	var cfg userModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	setIdentity(ctx, resp.Identity, plan, &resp.Diagnostics)
	settleUser(ctx, client, plan, cfg, p, &resp.State, &resp.Diagnostics, "RegisterUsers")
	if replacing {
		forgetUnregistered(client, app, user)
	}
}

// orUnknown is err, or an error saying the outcome is not known.
func orUnknown(err error) error {
	if err == nil {
		return errors.New("the API did not say whether the user was written")
	}
	return err
}

// settleUser reads the user back after a write of p and records what the
// API has, with an error on every attribute the configuration sets that the
// API kept different. A read that does not show the write after some
// patience records what the write sent, with a warning.
func settleUser(ctx context.Context, client *imclient.Client, plan, cfg userModel, p imclient.UserProfile,
	st interface {
		Set(context.Context, any) diag.Diagnostics
	}, diags *diag.Diagnostics, action string) *imclient.User {
	u, ok, err := readUntil(ctx, client, plan.app(), plan.user(), func(u *imclient.User) bool { return u != nil && sameProfile(*u, p) })
	if err != nil || u == nil {
		why := "it is not returned yet"
		if err != nil {
			why = "reading it failed: " + err.Error()
		}
		diags.AddWarning("The user could not be read back",
			fmt.Sprintf("%s succeeded for user %d, but %s. The state records what the write sent; the next plan reads the "+
				"user again.", action, plan.user(), why))
		diags.Append(st.Set(ctx, plan.withProfile(p))...)
		return nil
	}
	warnRepeatedTags(plan.user(), u, diags)
	got := plan.withUser(*u)
	if !ok {
		for _, a := range []struct {
			name           string
			cfg, want, has attr.Value
		}{{"nick_name", cfg.NickName, plan.NickName, got.NickName}, {"portrait", cfg.Portrait, plan.Portrait, got.Portrait},
			{"tags", cfg.Tags, plan.Tags, got.Tags}, {"ext", cfg.Ext, plan.Ext, got.Ext}, {"is_robot", plan.IsRobot, plan.IsRobot, got.IsRobot}} {
			// What the configuration leaves out is the API's to say.
			if !a.cfg.IsNull() && known(a.want) && !a.want.Equal(a.has) {
				diags.Append(readBackMismatch(path.Root(a.name), hclText(a.want), hclText(a.has), ""))
			}
		}
	}
	diags.Append(st.Set(ctx, got)...)
	return u
}

func (r *userResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, prior userModel
	op := r.startWrite(ctx, "updating the user", &resp.Diagnostics, req.Plan.Get(ctx, &plan), req.State.Get(ctx, &prior))
	if op == nil {
		return
	}
	defer op.stop()
	if profileUnchanged(plan, prior) {
		// Only deletion_protection, which lives in Terraform alone.
		plan.ModifyTime, plan.ModifyTimeRFC3339 = prior.ModifyTime, prior.ModifyTimeRFC3339
		setIdentity(ctx, resp.Identity, plan, &resp.Diagnostics)
		resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
		return
	}
	client, ctx := op.client, op.ctx
	app, user := plan.app(), plan.user()
	// BatchUpdateUser replaces the whole profile: what the configuration
	// leaves out is sent as the API has it now, read just before.
	current, err := readUser(ctx, client, app, user)
	if err != nil {
		resp.Diagnostics.Append(writeError(err, "update the user", "Nothing was changed; the state is as before."))
		return
	}
	if current == nil {
		resp.Diagnostics.AddError("User no longer registered",
			fmt.Sprintf("User %d of app %d was unregistered outside Terraform, so it was not updated and was removed from "+
				"the state; the next plan shows it to be registered again.", user, app))
		resp.State.RemoveResource(ctx)
		return
	}
	if again := registeredAgain(plan, *current); again != "" {
		resp.Diagnostics.Append(resp.State.Set(ctx, prior.withUser(*current))...)
		setIdentity(ctx, resp.Identity, prior, &resp.Diagnostics)
		resp.Diagnostics.AddError("User registered again since the plan",
			fmt.Sprintf("User %d of app %d was registered again outside Terraform since the plan was made (%s), so it "+
				"was not updated. The state now records the user as the API has it; run terraform plan again.", user, app, again))
		return
	}
	var cfg userModel
	if resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...); resp.Diagnostics.HasError() {
		return
	}
	// Configured values from the plan (known by now); the rest as the API has them.
	send := plan
	send.NickName, send.Portrait, send.Tags, send.Ext = pick(cfg.NickName, plan.NickName), pick(cfg.Portrait, plan.Portrait),
		pickSet(cfg.Tags, plan.Tags), pickMap(cfg.Ext, plan.Ext)
	p := send.profile(*current)
	p.IsRobot = current.IsRobot != nil && *current.IsRobot
	res, err := client.UpdateUsers(ctx, imclient.UsersInput{AppID: app, Users: []imclient.UserProfile{p}})
	if len(res.Done) == 0 && len(res.Unknown) == 0 && len(res.Failed) > 0 {
		// The answer says no; an answer can lie: the read-back settles it.
		u, ok, rerr := readUntil(ctx, client, app, user, func(u *imclient.User) bool { return u != nil && sameProfile(*u, p) })
		switch {
		case rerr == nil && ok && u != nil:
			resp.Diagnostics.Append(contradictedWarning(imclient.ActionUpdateUsers, user, res))
			res, err = imclient.WriteResult{Done: []int64{user}}, nil
		case rerr == nil && u != nil:
			current = u
		}
	}
	if len(res.Done) == 0 && len(res.Unknown) == 0 {
		done := "The state records the user as the API reported it just before."
		resp.Diagnostics.Append(resp.State.Set(ctx, prior.withUser(*current))...)
		setIdentity(ctx, resp.Identity, prior, &resp.Diagnostics)
		if len(res.Failed) > 0 && len(res.Reasons) > 0 {
			resp.Diagnostics.AddAttributeError(path.Root("user_id"), "Cannot update the user",
				"BatchUpdateUser listed the user in FailedInfos:"+failedInfoText(res)+"\n\n"+done)
			return
		}
		resp.Diagnostics.Append(writeError(orUnknown(err), "update the user", done))
		return
	}
	setIdentity(ctx, resp.Identity, plan, &resp.Diagnostics)
	if got := settleUser(ctx, client, plan, cfg, p, &resp.State, &resp.Diagnostics, "BatchUpdateUser"); got != nil {
		if d, lost := lostSystemExt(user, current.Ext, got.Ext); lost {
			resp.Diagnostics.Append(d)
		}
	}
}

// registeredAgain says how the API's user differs from the planned one in
// what only a new registration changes (create_time, is_robot); "" when
// it does not.
func registeredAgain(plan userModel, u imclient.User) string {
	var why []string
	if known(plan.CreateTime) && u.CreateTime != nil && !plan.CreateTime.Equal(numberOrNull(u.CreateTime)) {
		why = append(why, fmt.Sprintf("create_time %s, planned %s", hclText(numberOrNull(u.CreateTime)), hclText(plan.CreateTime)))
	}
	if known(plan.IsRobot) && u.IsRobot != nil && plan.IsRobot.ValueBool() != *u.IsRobot {
		why = append(why, fmt.Sprintf("is_robot %t, planned %t", *u.IsRobot, plan.IsRobot.ValueBool()))
	}
	return strings.Join(why, "; ")
}

// pick is the configured value when set, else null (the API's is sent).
func pick(cfg, plan types.String) types.String {
	if cfg.IsNull() {
		return types.StringNull()
	}
	return plan
}

func pickSet(cfg, plan types.Set) types.Set {
	if cfg.IsNull() {
		return types.SetNull(types.StringType)
	}
	return plan
}

func pickMap(cfg, plan types.Map) types.Map {
	if cfg.IsNull() {
		return types.MapNull(types.StringType)
	}
	return plan
}

func (r *userResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var prior userModel
	if resp.Diagnostics.Append(req.State.Get(ctx, &prior)...); resp.Diagnostics.HasError() {
		return
	}
	if prior.DeletionProtection.IsNull() || prior.DeletionProtection.ValueBool() {
		// The plan refuses this already; a tainted user being replaced
		// reaches here, and so would an older plan.
		resp.Diagnostics.Append(protectedUser.deleteRefused(prior.ID.ValueString()))
		return
	}
	op := r.startWrite(ctx, "unregistering the user", &resp.Diagnostics)
	if op == nil {
		return
	}
	defer op.stop()
	client, ctx := op.client, op.ctx
	app, user := prior.app(), prior.user()
	u, err := readUser(ctx, client, app, user)
	if err != nil {
		resp.Diagnostics.Append(writeError(err, "unregister the user", "The user is still in state."))
		return
	}
	if u == nil {
		resp.Diagnostics.Append(userGoneWarning(app, user, "it was removed from the state."))
		return
	}
	res, err := client.UnregisterUsers(ctx, imclient.UnregisterUsersInput{AppID: app, UserIDs: []int64{user}})
	if len(res.Done) == 1 {
		// Kept for a replacement, whose register follows.
		rememberUnregistered(client, app, user, *u)
		return
	}
	if len(res.Failed) > 0 && len(res.Reasons) > 0 {
		resp.Diagnostics.AddAttributeError(path.Root("user_id"), "Cannot unregister the user",
			"UnRegisterUsers listed the user in FailedInfos:"+failedInfoText(res)+"\n\nThe user is still in state.")
		return
	}
	resp.Diagnostics.Append(writeError(orUnknown(err), "unregister the user",
		"The user is still in state; the next plan reads whether they are registered."))
}

func (r *userResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	var app, user int64
	if req.ID == "" && req.Identity != nil {
		var id userIdentity
		if resp.Diagnostics.Append(req.Identity.Get(ctx, &id)...); resp.Diagnostics.HasError() {
			return
		}
		app, user = id.AppID.ValueInt64(), id.UserID.ValueInt64()
		if app < importAppID.min || app > importAppID.max {
			resp.Diagnostics.AddAttributeError(path.Root("app_id"), "Invalid import identity",
				fmt.Sprintf("app_id %d must be a whole number between 1 and %d.", app, math.MaxInt32))
		}
		if user < 1 {
			resp.Diagnostics.AddAttributeError(path.Root("user_id"), "Invalid import identity",
				fmt.Sprintf("user_id %d must be a positive whole number.", user))
		}
		if resp.Diagnostics.HasError() {
			return
		}
	} else {
		ids, diags := parseImportID(req.ID, importAppID, importUserID)
		if resp.Diagnostics.Append(diags...); diags.HasError() {
			return
		}
		app, user = ids[0], ids[1]
	}
	m := userModel{AppID: numberOf(app), UserID: numberOf(user)}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), userID(int32(app), user))...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("app_id"), m.AppID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("user_id"), m.UserID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("deletion_protection"), true)...)
	setIdentity(ctx, resp.Identity, m, &resp.Diagnostics)
}
