// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/imclient"
)

// What volcrtc_user keeps of a user's profile, and how it turns into the
// API's and back. The API's empty values ("", no tags, no ext) are kept
// as empty values, not null: a configuration that sets "" or [] to clear
// an attribute then matches the state.

// userModel is volcrtc_user's state.
type userModel struct {
	ID                 types.String `tfsdk:"id"`
	AppID              types.Number `tfsdk:"app_id"`
	UserID             types.Number `tfsdk:"user_id"`
	NickName           types.String `tfsdk:"nick_name"`
	Portrait           types.String `tfsdk:"portrait"`
	Tags               types.Set    `tfsdk:"tags"`
	Ext                types.Map    `tfsdk:"ext"`
	IsRobot            types.Bool   `tfsdk:"is_robot"`
	DeletionProtection types.Bool   `tfsdk:"deletion_protection"`
	CreateTime         types.Number `tfsdk:"create_time"`
	CreateTimeRFC3339  types.String `tfsdk:"create_time_rfc3339"`
	ModifyTime         types.Number `tfsdk:"modify_time"`
	ModifyTimeRFC3339  types.String `tfsdk:"modify_time_rfc3339"`
}

// userIdentity is volcrtc_user's resource identity.
type userIdentity struct {
	AppID  types.Int64 `tfsdk:"app_id"`
	UserID types.Int64 `tfsdk:"user_id"`
}

func (m userModel) app() int32            { return int32Of(m.AppID) }
func (m userModel) user() int64           { return int64Of(m.UserID) }
func userID(app int32, user int64) string { return fmt.Sprintf("%d/%d", app, user) }

func (m userModel) identity() userIdentity {
	return userIdentity{AppID: types.Int64Value(int64Of(m.AppID)), UserID: types.Int64Value(int64Of(m.UserID))}
}

// profile is the profile m describes; a null or unknown attribute is
// taken from current (the API's profile now), so that what the
// configuration does not manage is sent as it is.
func (m userModel) profile(current imclient.User) imclient.UserProfile {
	p := imclient.UserProfile{UserID: m.user(), NickName: deref(current.NickName), Portrait: deref(current.Portrait),
		Tags: current.Tags, Ext: current.Ext, IsRobot: current.IsRobot != nil && *current.IsRobot}
	if known(m.NickName) {
		p.NickName = m.NickName.ValueString()
	}
	if known(m.Portrait) {
		p.Portrait = m.Portrait.ValueString()
	}
	if known(m.Tags) {
		p.Tags = make([]string, 0, len(m.Tags.Elements()))
		for _, v := range m.Tags.Elements() {
			if s, ok := v.(types.String); ok {
				p.Tags = append(p.Tags, s.ValueString())
			}
		}
		slices.Sort(p.Tags)
	}
	if known(m.Ext) {
		p.Ext = extMap(m.Ext)
	}
	if known(m.IsRobot) {
		p.IsRobot = m.IsRobot.ValueBool()
	}
	// The system's own keys are never sent: the API refuses them.
	p.Ext = withoutSystemExt(p.Ext)
	return p
}

// withUser is m with the API's user u: what only Terraform knows
// (deletion_protection, the IDs) stays.
func (m userModel) withUser(u imclient.User) userModel {
	m.ID = types.StringValue(userID(m.app(), m.user()))
	m.NickName, m.Portrait = types.StringValue(deref(u.NickName)), types.StringValue(deref(u.Portrait))
	// A repeated tag is kept once (repeatedTags names them for a warning):
	// a set cannot hold it twice.
	tags := make([]attr.Value, 0, len(u.Tags))
	for _, t := range tagSet(u.Tags) {
		tags = append(tags, types.StringValue(t))
	}
	m.Tags = types.SetValueMust(types.StringType, tags)
	// The system's keys are not the configuration's to set: not shown.
	ext := make(map[string]attr.Value, len(u.Ext))
	for k, v := range withoutSystemExt(u.Ext) {
		ext[k] = types.StringValue(v)
	}
	m.Ext = types.MapValueMust(types.StringType, ext)
	m.IsRobot = types.BoolValue(u.IsRobot != nil && *u.IsRobot)
	m.CreateTime, m.ModifyTime = numberOrNull(u.CreateTime), numberOrNull(u.ModifyTime)
	m.CreateTimeRFC3339, m.ModifyTimeRFC3339 = millisText(u.CreateTime), millisText(u.ModifyTime)
	if m.DeletionProtection.IsNull() || m.DeletionProtection.IsUnknown() {
		m.DeletionProtection = types.BoolValue(true)
	}
	return m
}

// withProfile is m as the write of p answered, when the user cannot be
// read back: the times stay as they were, or null.
func (m userModel) withProfile(p imclient.UserProfile) userModel {
	u := imclient.User{NickName: &p.NickName, Portrait: &p.Portrait, Tags: p.Tags, Ext: p.Ext, IsRobot: &p.IsRobot}
	out := m.withUser(u)
	out.CreateTime, out.CreateTimeRFC3339 = nullIfUnknown(m.CreateTime), stringNullIfUnknown(m.CreateTimeRFC3339)
	out.ModifyTime, out.ModifyTimeRFC3339 = types.NumberNull(), types.StringNull()
	return out
}

func nullIfUnknown(n types.Number) types.Number {
	if n.IsUnknown() {
		return types.NumberNull()
	}
	return n
}

func stringNullIfUnknown(s types.String) types.String {
	if s.IsUnknown() {
		return types.StringNull()
	}
	return s
}

func millisText(ms *int64) types.String {
	if s, ok := rfc3339Millis(ms).(string); ok {
		return types.StringValue(s)
	}
	return types.StringNull()
}

// sameProfile reports whether the API's user u holds profile p.
// Tags compare as sets; the system's Ext keys, which p never holds, are
// left out of the comparison.
func sameProfile(u imclient.User, p imclient.UserProfile) bool {
	return deref(u.NickName) == p.NickName && deref(u.Portrait) == p.Portrait && slices.Equal(tagSet(u.Tags), tagSet(p.Tags)) &&
		maps.Equal(withoutSystemExt(u.Ext), withoutSystemExt(p.Ext)) && (u.IsRobot != nil && *u.IsRobot) == p.IsRobot
}

// readUser reads one user: nil when the API does not know them.
func readUser(ctx context.Context, client *imclient.Client, app int32, user int64) (*imclient.User, error) {
	res, err := client.BatchGetUser(ctx, imclient.BatchGetUsersInput{AppID: app, UserIDs: []int64{user}})
	if err != nil {
		return nil, err
	}
	for _, u := range res.Users {
		if u.UserID != nil && *u.UserID == user && (u.AppID == nil || *u.AppID == int64(app)) {
			return &u, nil
		}
	}
	return nil, nil
}

// readUntil reads a user until done says the read shows the write, with
// the patience for a read that lags that every write has (awaitShown). It
// returns the last read, and whether done accepted it.
func readUntil(ctx context.Context, client *imclient.Client, app int32, user int64, done func(*imclient.User) bool) (*imclient.User, bool, error) {
	var u *imclient.User
	shown, err := awaitShown(ctx, client.Clock(), func() (bool, error) {
		var err error
		u, err = readUser(ctx, client, app, user)
		return err == nil && done(u), err
	})
	if err == nil && !shown && ctx.Err() != nil {
		err = ctx.Err()
	}
	return u, shown, err
}

// failedInfoText names each failed user with the API's code and message.
func failedInfoText(res imclient.WriteResult) string {
	var b strings.Builder
	for _, id := range res.Failed {
		why, ok := res.Reasons[id]
		if !ok {
			fmt.Fprintf(&b, "\n  user %d: the API gave no reason", id)
			continue
		}
		fmt.Fprintf(&b, "\n  user %d: %s", id, why)
	}
	return b.String()
}

// userGoneWarning is the warning for a user who is no longer registered.
func userGoneWarning(app int32, user int64, what string) diag.Diagnostic {
	return diag.NewWarningDiagnostic("User no longer registered",
		fmt.Sprintf("User %d of app %d is not registered any more (unregistered outside Terraform): %s", user, app, what))
}
