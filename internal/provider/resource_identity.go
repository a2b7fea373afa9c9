// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"fmt"
	"math/big"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// Resource identity (Terraform 1.12+, OpenTofu 1.12+): the IDs that name a
// resource, stored beside its state and taken by an import block's
// `identity`. The three resources share this code; each calls it in a line
// of Create, Read, Update and ImportState.
//
// Rules, each learnt from a provider that broke its users:
//   - Read and Update fill the identity from the prior state before
//     anything else, so a resource removed from state or an error path still
//     answers with one (the framework refuses an empty identity with
//     "Missing Resource Identity After Read" since v1.16.1), also for states
//     written before identity existed and for `apply -refresh=false`.
//   - An identity is written whole or not at all: an identity with some
//     attributes null could later "change" (hashicorp/terraform-provider-aws
//     #43199). The IDs never change (changing one replaces the resource).
//   - CLIs without identity never ask for it and ignore it in answers: they
//     see exactly what they saw before.

// identitySpec is a resource's identity: its attributes, in import ID
// order. Each attribute is named as the state attribute that holds it,
// the import part's name in lower case (APP_ID is app_id).
type identitySpec []importPart

var (
	conversationIdentity = identitySpec{importAppID, importConversationID}
	membersIdentity      = identitySpec{importAppID, importConversationID}
	memberIdentity       = identitySpec{importAppID, importConversationID, importUserID}
)

func (p importPart) attr() string { return strings.ToLower(p.name) }

// identityDescriptions say what each identity attribute is.
var identityDescriptions = map[string]string{
	"app_id":                "ID of the RTC application (1 to 2147483647).",
	"conversation_short_id": "Short ID of the conversation (a positive 64-bit whole number).",
	"user_id":               "User ID of the member (a positive 64-bit whole number).",
}

// schema is the identity schema: every attribute an Int64 required for
// an import by identity.
func (s identitySpec) schema() identityschema.Schema {
	attrs := make(map[string]identityschema.Attribute, len(s))
	for _, p := range s {
		attrs[p.attr()] = identityschema.Int64Attribute{RequiredForImport: true, Description: identityDescriptions[p.attr()]}
	}
	return identityschema.Schema{Attributes: attrs}
}

// fill sets identity from the IDs in from (a state or plan). A null from
// (nothing was saved) leaves it alone; IDs missing from a saved state are
// an error, never a partial identity. identity is nil when the resource
// has no identity (a request without it).
func (s identitySpec) fill(ctx context.Context, from interface {
	GetAttribute(context.Context, path.Path, any) diag.Diagnostics
}, isNull bool, identity *tfsdk.ResourceIdentity, diags *diag.Diagnostics) {
	if identity == nil || isNull {
		return
	}
	ids := make([]int64, len(s))
	for i, p := range s {
		var n types.Number
		if d := from.GetAttribute(ctx, path.Root(p.attr()), &n); d.HasError() || !validPart(n, p) {
			if !diags.HasError() {
				diags.Append(bugDiagnostic("Cannot record the resource identity",
					fmt.Errorf("the state holds %s = %s, not a whole number between %d and %d", p.attr(), n, p.min, p.max)))
			}
			return
		}
		ids[i] = int64Of(n)
	}
	diags.Append(s.set(ctx, identity, ids)...)
}

// fromState is fill from a state, for the end of a Create (deferred):
// whatever the state holds then.
func (s identitySpec) fromState(ctx context.Context, st *tfsdk.State, identity *tfsdk.ResourceIdentity, diags *diag.Diagnostics) {
	s.fill(ctx, st, st.Raw.IsNull(), identity, diags)
}

// validPart reports whether n is a known whole number in p's range.
func validPart(n types.Number, p importPart) bool {
	if n.IsNull() || n.IsUnknown() || !n.ValueBigFloat().IsInt() {
		return false
	}
	v, acc := n.ValueBigFloat().Int64()
	return acc == big.Exact && v >= p.min && v <= p.max
}

// set writes the whole identity.
func (s identitySpec) set(ctx context.Context, identity *tfsdk.ResourceIdentity, ids []int64) diag.Diagnostics {
	attrs := make(map[string]attr.Value, len(s))
	typs := make(map[string]attr.Type, len(s))
	for i, p := range s {
		attrs[p.attr()], typs[p.attr()] = types.Int64Value(ids[i]), types.Int64Type
	}
	obj, diags := types.ObjectValue(typs, attrs)
	if diags.HasError() {
		return diags
	}
	return identity.Set(ctx, obj)
}

// importState starts an import by ID ("APP_ID/CONVERSATION_SHORT_ID…")
// or by identity alike: it sets the IDs, the id attribute and the
// identity, and returns the IDs; nil, with the diagnostics saying why,
// when they are not valid. Nothing is called: the Read that follows does.
func (s identitySpec) importState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) []int64 {
	var ids []int64
	if req.ID != "" || req.Identity == nil {
		var diags diag.Diagnostics
		ids, diags = parseImportID(req.ID, s...)
		if resp.Diagnostics.Append(diags...); diags.HasError() {
			return nil
		}
	} else if ids = s.identityIDs(ctx, *req.Identity, &resp.Diagnostics); ids == nil {
		return nil
	}
	text := make([]string, len(ids))
	for i, p := range s {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(p.attr()), numberOf(ids[i]))...)
		text[i] = strconv.FormatInt(ids[i], 10)
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), strings.Join(text, "/"))...)
	if resp.Identity != nil {
		resp.Diagnostics.Append(s.set(ctx, resp.Identity, ids)...)
	}
	if resp.Diagnostics.HasError() {
		return nil
	}
	return ids
}

// identityIDs reads an import block's identity, each attribute set and
// a whole number in range, or says on the attribute which is not, in the
// same words for a fraction, 0, a negative or a value beyond 64 bits. The
// identity is read as numbers, not through its Int64 schema, which would
// fail on a fraction with a conversion error that calls itself a bug.
func (s identitySpec) identityIDs(_ context.Context, identity tfsdk.ResourceIdentity, diags *diag.Diagnostics) []int64 {
	var attrs map[string]tftypes.Value
	if err := identity.Raw.As(&attrs); err != nil {
		diags.Append(bugDiagnostic("Cannot read the import identity", err))
		return nil
	}
	ids := make([]int64, len(s))
	for i, p := range s {
		var n *big.Float
		if v, ok := attrs[p.attr()]; ok && v.IsKnown() {
			_ = v.As(&n) // nil unless a number
		}
		id, acc := int64(0), big.Below
		if n != nil && n.IsInt() {
			id, acc = n.Int64()
		}
		if acc == big.Exact && id >= p.min && id <= p.max {
			ids[i] = id
			continue
		}
		set := "does not set " + p.attr()
		if n != nil {
			set = "sets " + p.attr() + " = " + numberText(n)
		}
		diags.AddAttributeError(path.Root(p.attr()), "Invalid import identity",
			fmt.Sprintf("The import block's identity %s: it must be a whole number between %d and %d.", set, p.min, p.max))
		return nil
	}
	return ids
}

func (r *conversationResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = conversationIdentity.schema()
}

func (r *membersResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = membersIdentity.schema()
}

func (r *memberResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = memberIdentity.schema()
}
