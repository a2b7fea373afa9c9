// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/imclient"
)

// userFields is each user's nested object: every field the API leaves out
// is null.
var userFields = object[imclient.User]{
	{"user_id", tftypes.Number, "User ID.",
		func(u imclient.User) any { return orNull(u.UserID) }},
	{"nick_name", tftypes.String, "Nickname; null when not returned.",
		func(u imclient.User) any { return orNull(u.NickName) }},
	{"portrait", tftypes.String, "Avatar (portrait) URL; null when not returned.",
		func(u imclient.User) any { return orNull(u.Portrait) }},
	{"tags", stringList, "Tags; null when not returned.",
		func(u imclient.User) any { return optionalStringList(u.Tags) }},
	{"ext", stringMap, "Extension fields as string keys and values; null when not returned.",
		func(u imclient.User) any { return optionalStringMap(u.Ext) }},
	{"is_robot", tftypes.Bool, "Whether the user is a robot (bot account); null when not returned.",
		func(u imclient.User) any { return orNull(u.IsRobot) }},
	{"create_time", tftypes.Number, "When the user registered, in Unix **milliseconds** (not seconds); null when not returned.",
		func(u imclient.User) any { return orNull(u.CreateTime) }},
	{"create_time_rfc3339", tftypes.String, "`create_time` as an RFC 3339 timestamp in UTC (to the second); null when `create_time` is null or outside the years 0000 to 9999.",
		func(u imclient.User) any { return rfc3339Millis(u.CreateTime) }},
	{"modify_time", tftypes.Number, "When the profile last changed, in Unix **milliseconds**; null when not returned.",
		func(u imclient.User) any { return orNull(u.ModifyTime) }},
	{"modify_time_rfc3339", tftypes.String, "`modify_time` as an RFC 3339 timestamp in UTC (to the second); null when `modify_time` is null or outside the years 0000 to 9999.",
		func(u imclient.User) any { return rfc3339Millis(u.ModifyTime) }},
}

var usersSpec = spec{
	name: "users",
	description: "Reads users' profiles (nickname, portrait, tags, robot or not) with the OpenAPI action `BatchGetUser`, " +
		"at most 50 IDs a call. Users come back in the order of `user_ids`; users the API does not know (never " +
		"registered, or deregistered) are listed in `missing_user_ids` instead of failing the read.",
	attributes: map[string]schema.Attribute{
		"app_id": appIDAttribute("the users"),
		"user_ids": schema.ListAttribute{
			MarkdownDescription: "User IDs to read: at least one, each a positive 64-bit whole number, no duplicates, " +
				"any number of them (read 50 a call, or `max_batch_size` when lower). The order given here is the " +
				"order of `users`.",
			Required:    true,
			ElementType: types.NumberType,
			Validators:  idListValidators("user ID"),
		},
		"users": userFields.list("The users found, in the order of `user_ids`. Fields the API leaves out are null, not zero."),
		"missing_user_ids": schema.ListAttribute{
			MarkdownDescription: "Requested user IDs the API did not return: listed in its `NotFoundUsers` (never " +
				"registered, or deregistered) or left out. In request order; empty when every user was found.",
			Computed:    true,
			ElementType: types.NumberType,
		},
	},
	read: readUsers,
}

func readUsers(ctx context.Context, client *imclient.Client, a args) (state, diag.Diagnostics) {
	appID, diags := a.appID()
	userIDs, d := a.ids("user_ids")
	if diags.Append(d...); diags.HasError() {
		return nil, diags
	}
	in := imclient.BatchGetUsersInput{AppID: appID, UserIDs: userIDs}
	res, err := client.BatchGetUser(ctx, in)
	if err != nil {
		diags.Append(errorDiagnostic(err))
		return nil, diags
	}
	batchSizeWarning(client, imclient.ActionBatchGetUser, "user IDs", &diags)
	byID, ignored := indexByID(in.UserIDs, res.Users, "a user ID", func(u *imclient.User) *int64 { return u.UserID },
		func(u *imclient.User) (bool, string) {
			return u.AppID == nil || *u.AppID == int64(in.AppID), "of another app"
		})
	// The client kept of each answer only what it says of its own call's
	// IDs, and refused an answer that says a user is both found and not.
	warnIgnored(ctx, &diags, "users", append(ignored, ignoredCount{res.Unrequested, "about IDs their call did not ask for"})...)
	users, missing := inRequestOrder(in.UserIDs, byID, nil)
	// Tags are a set, as volcrtc_user keeps them: a repeat is kept once,
	// in the order first given, with one warning for the read.
	var repeated []string
	for i, u := range users {
		if line := repeatedTagsLine(deref64(u.UserID), u.Tags); line != "" {
			repeated = append(repeated, line)
			users[i].Tags = firstOfEachTag(u.Tags)
		}
	}
	if d, ok := repeatedTagsWarning(repeated); ok {
		diags.Append(d)
	}
	tflog.Debug(ctx, "read users", map[string]any{"requested": len(in.UserIDs), "found": len(users),
		"not_found": len(res.NotFound), "missing": len(missing)})
	return state{
		"app_id":           int64(in.AppID),
		"user_ids":         in.UserIDs,
		"users":            listOf(userFields, users),
		"missing_user_ids": missing,
	}, diags
}
