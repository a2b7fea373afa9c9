// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"fmt"
	"math"
	"math/big"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/imclient"
)

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
