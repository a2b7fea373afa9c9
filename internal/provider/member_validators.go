// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

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
			return cmp.Compare(x, y)
		case okA:
			return -1
		case okB:
			return 1
		}
		return strings.Compare(a, b)
	})
}

// memberNotNullValidator refuses a member that is null (`"10004" = null`,
// as an optional object or `cond ? {...} : null` gives), on the member's
// path: a member is an object of fields, and reading a null one would
// fail later as a provider bug.
type memberNotNullValidator struct{}

func (memberNotNullValidator) Description(context.Context) string {
	return "each member must be an object ({} for none of its fields), not null"
}

func (v memberNotNullValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (memberNotNullValidator) ValidateMap(_ context.Context, req validator.MapRequest, resp *validator.MapResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	elems := req.ConfigValue.Elements()
	var keys []string
	for k, v := range elems {
		if v.IsNull() {
			keys = append(keys, k)
		}
	}
	sortUserIDKeys(keys)
	for _, k := range keys {
		p := req.Path.AtMapKey(k)
		resp.Diagnostics.AddAttributeError(p, "A member is null",
			fmt.Sprintf("%s is null. Each member is an object of their fields: write %q = {} for a member with none of "+
				"them set (role \"member\"), or leave %q out, so that members does not list them (the plan then removes "+
				"them from the group if they are in it). Where an expression gives null, such as cond ? { ... } : null, "+
				"give {} instead, or leave the key out with a for expression: { for k, v in local.members : k => v if v "+
				"!= null }.", p, k, k))
	}
}
