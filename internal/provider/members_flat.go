// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"fmt"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// This file is a shim. Why it exists: the framework plans a map of nested
// attributes by reading each member through Elements(), and Elements()
// copies the whole map (hashicorp/terraform-plugin-framework#591 made it
// return a copy). A plan of n members is then O(n²): 2,000 members cost a
// second of CPU and 1 GB of garbage with nothing changed.
//
// What it does: Terraform is given the nested schema (read_server.go serves the
// schema of a provider built with nestedMembers), so the CLI sees each
// member's fields as optional and role as computed. The framework is given
// a map of plain objects instead. The nested form's validators and role's
// default run here, once per member. The value type is the same, so
// states, plans and diagnostics are too.
//
// The proofs: members_flat_test.go holds the schema Terraform sees to the
// nested form, and checks that both forms validate and plan alike.
// BenchmarkMembersNoOpPlan measures the gain.
//
// When it can go: when the framework plans a nested map without copying it
// per member. Build the nested schema for both, run BenchmarkMembersNoOpPlan
// at 2,000 members, and delete this file when the figure stays linear.

// membersFlatAttribute is the members map as the framework serves it:
// desc, validators and the per-member checks of the nested form.
func membersFlatAttribute(desc string, validators ...validator.Map) schema.MapAttribute {
	return schema.MapAttribute{
		MarkdownDescription: desc,
		Required:            true,
		ElementType:         types.ObjectType{AttrTypes: memberAttrTypes},
		Validators:          []validator.Map{memberFieldsValidator{first: validators}},
		PlanModifiers:       []planmodifier.Map{memberRoleDefault{}},
	}
}

// memberFieldsValidator runs the map's own validators, first, then, as
// the framework does for nested attributes only when those found no error,
// the validators memberAttributes declares on each member's fields, at the
// paths the nested form reports them.
type memberFieldsValidator struct{ first []validator.Map }

func (memberFieldsValidator) Description(context.Context) string {
	return "each member's fields are valid"
}

func (v memberFieldsValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (v memberFieldsValidator) ValidateMap(ctx context.Context, req validator.MapRequest, resp *validator.MapResponse) {
	for _, first := range v.first {
		first.ValidateMap(ctx, req, resp)
	}
	if resp.Diagnostics.HasError() || req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	elems := req.ConfigValue.Elements()
	keys := make([]string, 0, len(elems))
	for k := range elems {
		keys = append(keys, k)
	}
	sortUserIDKeys(keys)
	attrs := memberAttributes()
	names := make([]string, 0, len(attrs))
	for name := range attrs {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, k := range keys {
		obj, ok := elems[k].(types.Object)
		if !ok || obj.IsNull() || obj.IsUnknown() {
			continue
		}
		fields := obj.Attributes()
		for _, name := range names {
			p := req.Path.AtMapKey(k).AtName(name)
			validateField(ctx, attrs[name], fields[name], p, req, resp)
		}
	}
}

// validateField runs a's validators on v, the value at p.
func validateField(ctx context.Context, a schema.Attribute, v attr.Value, p path.Path, req validator.MapRequest, resp *validator.MapResponse) {
	switch a := a.(type) {
	case schema.StringAttribute:
		s, _ := v.(types.String)
		for _, val := range a.Validators {
			r := validator.StringResponse{}
			val.ValidateString(ctx, validator.StringRequest{Path: p, PathExpression: p.Expression(), ConfigValue: s, Config: req.Config}, &r)
			resp.Diagnostics.Append(r.Diagnostics...)
		}
	case schema.NumberAttribute:
		n, _ := v.(types.Number)
		for _, val := range a.Validators {
			r := validator.NumberResponse{}
			val.ValidateNumber(ctx, validator.NumberRequest{Path: p, PathExpression: p.Expression(), ConfigValue: n, Config: req.Config}, &r)
			resp.Diagnostics.Append(r.Diagnostics...)
		}
	case schema.MapAttribute:
		m, _ := v.(types.Map)
		for _, val := range a.Validators {
			r := validator.MapResponse{}
			val.ValidateMap(ctx, validator.MapRequest{Path: p, PathExpression: p.Expression(), ConfigValue: m, Config: req.Config}, &r)
			resp.Diagnostics.Append(r.Diagnostics...)
		}
	default:
		resp.Diagnostics.AddAttributeError(p, "Provider bug: unchecked member field",
			fmt.Sprintf("The provider cannot check a member field of type %T. Please report this to the provider's developers.", a))
	}
}

// memberRoleDefault is role's default, "member", for each member whose
// configuration leaves role out, as the framework applies a nested
// attribute's Default: where the configuration's value is null.
type memberRoleDefault struct{}

func (memberRoleDefault) Description(context.Context) string {
	return `role defaults to "member"`
}

func (d memberRoleDefault) MarkdownDescription(ctx context.Context) string { return d.Description(ctx) }

func (memberRoleDefault) PlanModifyMap(ctx context.Context, req planmodifier.MapRequest, resp *planmodifier.MapResponse) {
	if req.PlanValue.IsNull() || req.PlanValue.IsUnknown() || req.ConfigValue.IsUnknown() {
		return
	}
	config := req.ConfigValue.Elements() // empty when null
	plan := req.PlanValue.Elements()
	changed := false
	for k, v := range plan {
		obj, ok := v.(types.Object)
		if !ok || obj.IsNull() || obj.IsUnknown() || !configRoleNull(config[k]) {
			continue
		}
		fields := obj.Attributes()
		if role, ok := fields["role"].(types.String); ok && role.Equal(types.StringValue(roleName(roleMember))) {
			continue // already the default: nothing to rebuild
		}
		fields["role"] = types.StringValue(roleName(roleMember))
		o, d := types.ObjectValue(memberAttrTypes, fields)
		resp.Diagnostics.Append(d...)
		plan[k] = o
		changed = true
	}
	if !changed || resp.Diagnostics.HasError() {
		return
	}
	m, d := types.MapValue(types.ObjectType{AttrTypes: memberAttrTypes}, plan)
	resp.Diagnostics.Append(d...)
	resp.PlanValue = m
}

// configRoleNull reports whether a member's configuration (nil when the
// configuration does not list it) leaves role null: where the nested
// form's Default applies. An unknown member or role is not null.
func configRoleNull(v attr.Value) bool {
	if v == nil || v.IsNull() {
		return true
	}
	obj, ok := v.(types.Object)
	if !ok || obj.IsUnknown() {
		return false
	}
	role, ok := obj.Attributes()["role"]
	return !ok || role.IsNull()
}
