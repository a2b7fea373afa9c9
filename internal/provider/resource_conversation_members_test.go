// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"math/big"
	"reflect"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/imclient"
)

func TestParseUserID(t *testing.T) {
	good := map[string]int64{"1": 1, "10001": 10001, "9223372036854775807": 9223372036854775807}
	for in, want := range good {
		if got, ok := parseUserID(in); !ok || got != want {
			t.Errorf("parseUserID(%q) = %d, %v; want %d", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "0", "-1", "+5", "010", " 5", "5 ", "1e3", "1.0", "abc", "9223372036854775808", "0x10"} {
		if got, ok := parseUserID(in); ok {
			t.Errorf("parseUserID(%q) = %d, accepted", in, got)
		}
	}
}

func memberObject(role string, extra map[string]attr.Value) types.Object {
	attrs := map[string]attr.Value{
		"role": types.StringValue(role), "nick_name": types.StringNull(), "level": types.NumberNull(),
		"ext": types.MapNull(types.StringType),
	}
	for k, v := range extra {
		attrs[k] = v
	}
	return types.ObjectValueMust(memberAttrTypes, attrs)
}

func membersConfig(t *testing.T, roles map[string]string) types.Map {
	t.Helper()
	elems := map[string]attr.Value{}
	for k, r := range roles {
		elems[k] = memberObject(r, nil)
	}
	return types.MapValueMust(types.ObjectType{AttrTypes: memberAttrTypes}, elems)
}

func TestMemberKeysValidator(t *testing.T) {
	req := validator.MapRequest{Path: path.Root("members"),
		ConfigValue: membersConfig(t, map[string]string{"10001": "member", "abc": "member", "010": "admin"})}
	var resp validator.MapResponse
	memberKeysValidator{}.ValidateMap(context.Background(), req, &resp)
	if n := resp.Diagnostics.ErrorsCount(); n != 2 {
		t.Fatalf("want 2 errors, got %d: %v", n, resp.Diagnostics)
	}
	// Sorted, each on its key's path, saying what a key must be.
	for i, key := range []string{"010", "abc"} {
		d, ok := resp.Diagnostics[i].(interface{ Path() path.Path })
		if !ok || !d.Path().Equal(path.Root("members").AtMapKey(key)) {
			t.Errorf("error %d not on members[%q]: %v", i, key, resp.Diagnostics[i])
		}
		if !strings.Contains(resp.Diagnostics[i].Detail(), `such as "10001"`) || !strings.Contains(resp.Diagnostics[i].Detail(), `"`+key+`"`) {
			t.Errorf("detail does not name the key and the form: %s", resp.Diagnostics[i].Detail())
		}
	}
}

func TestAdminLimitValidator(t *testing.T) {
	roles := map[string]string{"5": "member"}
	for i := 1; i <= 10; i++ {
		roles[userIDKey(int64(100+i))] = "admin"
	}
	var resp validator.MapResponse
	adminLimitValidator{}.ValidateMap(context.Background(), validator.MapRequest{Path: path.Root("members"), ConfigValue: membersConfig(t, roles)}, &resp)
	if resp.Diagnostics.HasError() {
		t.Fatalf("10 admins are allowed: %v", resp.Diagnostics)
	}
	roles["99"] = "admin"
	roles["1000"] = "admin"
	adminLimitValidator{}.ValidateMap(context.Background(), validator.MapRequest{Path: path.Root("members"), ConfigValue: membersConfig(t, roles)}, &resp)
	if resp.Diagnostics.ErrorsCount() != 1 {
		t.Fatalf("12 admins: want one error, got %v", resp.Diagnostics)
	}
	detail := resp.Diagnostics[0].Detail()
	for _, want := range []string{"12 members", "(99, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 1000)", "at most 10", "Make 2 of them"} {
		if !strings.Contains(detail, want) {
			t.Errorf("detail lacks %q: %s", want, detail)
		}
	}
}

func fields(role int64, nick string, level int64, ext map[string]string) memberFields {
	return memberFields{Role: role, NickName: nick, Level: level, Ext: ext}
}

// The diff sends only differences, in the order that keeps the admin
// limit: removals, changes, promotions, additions, each by user ID.
func TestDiffMembers(t *testing.T) {
	have := map[int64]memberFields{
		1: fields(roleMember, "", 0, nil),
		2: fields(roleAdmin, "b", 0, nil),
		3: fields(roleMember, "c", 0, nil),
		4: fields(roleMember, "", 0, map[string]string{"k": "v"}),
		9: fields(roleMember, "", 0, nil),
		8: fields(roleAdmin, "", 0, nil),
	}
	want := map[int64]memberFields{
		1:  fields(roleMember, "", 0, map[string]string{}), // empty ext is no ext
		2:  fields(roleMember, "b", 0, nil),                // demoted
		3:  fields(roleAdmin, "c", 0, nil),                 // promoted
		4:  fields(roleMember, "", 0, map[string]string{"k": "w"}),
		7:  fields(roleAdmin, "", 0, nil),
		6:  fields(roleMember, "f", 2, nil),
		20: fields(roleMember, "", 0, nil),
	}
	d := diffMembers(have, want)
	if !reflect.DeepEqual(d.Remove, []int64{8, 9}) {
		t.Errorf("Remove = %v", d.Remove)
	}
	ids := func(cs []memberChange) []int64 {
		var out []int64
		for _, c := range cs {
			out = append(out, c.UserID)
		}
		return out
	}
	if got := ids(d.Change); !reflect.DeepEqual(got, []int64{2, 4}) {
		t.Errorf("Change = %v", got)
	}
	if got := ids(d.Promote); !reflect.DeepEqual(got, []int64{3}) {
		t.Errorf("Promote = %v", got)
	}
	if got := ids(d.Add); !reflect.DeepEqual(got, []int64{6, 7, 20}) {
		t.Errorf("Add = %v", got)
	}
	if d.Unchanged != 1 {
		t.Errorf("Unchanged = %d, want 1", d.Unchanged)
	}
	if got := d.ids(); !reflect.DeepEqual(got, []int64{8, 9, 2, 4, 3, 6, 7, 20}) {
		t.Errorf("ids() = %v", got)
	}
	if !diffMembers(have, have).empty() {
		t.Error("a list against itself is not empty")
	}
}

// The API does not tell null from zero: the state writes a zero as the
// plan or prior state wrote it, and null otherwise.
func TestModelOfFollowsHowTheConfigurationWritesZero(t *testing.T) {
	zero := fields(roleMember, "", 0, nil)
	m := modelOf(zero, nil)
	if !m.NickName.IsNull() || !m.Level.IsNull() || !m.Ext.IsNull() || m.Role.ValueString() != "member" {
		t.Errorf("zero without a prior: %+v", m)
	}
	like := memberModel{Role: types.StringValue("member"), NickName: types.StringValue(""),
		Level: types.NumberValue(big.NewFloat(0)), Ext: types.MapValueMust(types.StringType, map[string]attr.Value{})}
	m = modelOf(zero, &like)
	if m.NickName.ValueString() != "" || m.NickName.IsNull() || m.Level.IsNull() || m.Ext.IsNull() || len(m.Ext.Elements()) != 0 {
		t.Errorf("zero like a zero prior: %+v", m)
	}
	m = modelOf(fields(roleAdmin, "n", 3, map[string]string{"a": "b"}), nil)
	if m.Role.ValueString() != "admin" || m.NickName.ValueString() != "n" || int64Of(m.Level) != 3 || len(m.Ext.Elements()) != 1 {
		t.Errorf("values: %+v", m)
	}
	if got := fieldsOf(context.Background(), m); !got.equal(fields(roleAdmin, "n", 3, map[string]string{"a": "b"})) {
		t.Errorf("fieldsOf(modelOf(f)) = %+v", got)
	}
	// A role the provider does not know reaches the state and comes back.
	m = modelOf(fields(7, "", 0, nil), nil)
	if m.Role.ValueString() != "role 7" || fieldsOf(context.Background(), m).Role != 7 {
		t.Errorf("unknown role: %+v", m)
	}
}

func TestFieldsFromAPIReadsAbsentAsZero(t *testing.T) {
	if f := fieldsFromAPI(imclient.Participant{}); !f.equal(memberFields{}) {
		t.Errorf("empty record: %+v", f)
	}
	role, level, nick := int64(2), int64(4), "x"
	f := fieldsFromAPI(imclient.Participant{Role: &role, Level: &level, NickName: &nick, Ext: map[string]string{"a": "b"}})
	if !f.equal(fields(roleAdmin, "x", 4, map[string]string{"a": "b"})) {
		t.Errorf("record: %+v", f)
	}
}

func TestDiffFields(t *testing.T) {
	got := diffFields(fields(roleAdmin, "a", 1, map[string]string{"k": "v"}),
		fields(roleMember, "b", 2, map[string]string{"k": "v", "old": "x"}))
	want := []fieldDiff{
		{"role", `"admin"`, `"member"`},
		{"nick_name", `"a"`, `"b"`},
		{"level", "1", "2"},
		{"ext", `{"k" = "v"}`, `{"k" = "v", "old" = "x"}`},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("diffFields:\n%v\nwant\n%v", got, want)
	}
	if d := diffFields(fields(0, "", 0, nil), fields(0, "", 0, map[string]string{})); d != nil {
		t.Errorf("no ext and an empty ext differ: %v", d)
	}
}
