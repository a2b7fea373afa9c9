// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/imclient"
)

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

// isCurrent reports whether a member record is someone in the group now,
// not the owner (who is no member to manage) and not someone who left.
func isCurrent(p imclient.Participant) bool {
	return p.ParticipantUserID != nil && (p.Status == nil || *p.Status != imclient.StatusLeft) && (p.Role == nil || *p.Role != roleOwner)
}

// lookup is m[id] as a pointer, nil when absent.
func lookup(m map[int64]memberModel, id int64) *memberModel {
	if v, ok := m[id]; ok {
		return &v
	}
	return nil
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

// The API's roles, short.
const (
	roleMember = imclient.RoleMember
	roleOwner  = imclient.RoleOwner
	roleAdmin  = imclient.RoleAdmin
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
		m.Level = numberOf(f.Level)
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

// membersOf reads a members map value keyed by user ID; keys that are not
// IDs (refused by validation) are skipped.
func membersOf(ctx context.Context, m types.Map, diags *diag.Diagnostics) map[int64]memberModel {
	if m.IsNull() || m.IsUnknown() {
		return map[int64]memberModel{}
	}
	raw, ok := membersFast(m)
	if !ok {
		raw = make(map[string]memberModel, len(m.Elements()))
		diags.Append(m.ElementsAs(ctx, &raw, false)...)
	}
	out := make(map[int64]memberModel, len(raw))
	for k, v := range raw {
		if id, ok := parseUserID(k); ok {
			out[id] = v
		}
	}
	return out
}

// membersFast is ElementsAs into memberModel without the framework's
// reflection, which compiles a regular expression per field per member
// (a third of a create's CPU at 2,000 members). It takes only members that
// are known objects with fields of the model's types; false sends anything
// else (an unknown member, in a plan) to ElementsAs and its diagnostics.
func membersFast(m types.Map) (map[string]memberModel, bool) {
	elems := m.Elements()
	out := make(map[string]memberModel, len(elems))
	for k, v := range elems {
		obj, ok := v.(types.Object)
		if !ok || obj.IsNull() || obj.IsUnknown() {
			return nil, false
		}
		attrs := obj.Attributes()
		role, ok1 := attrs["role"].(types.String)
		nick, ok2 := attrs["nick_name"].(types.String)
		level, ok3 := attrs["level"].(types.Number)
		ext, ok4 := attrs["ext"].(types.Map)
		if !ok1 || !ok2 || !ok3 || !ok4 || len(attrs) != len(memberAttrTypes) {
			return nil, false
		}
		out[k] = memberModel{Role: role, NickName: nick, Level: level, Ext: ext}
	}
	return out, true
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
