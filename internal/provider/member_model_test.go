// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"math/big"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
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

// membersOf reads members without the framework's reflection; what it
// reads must be what ElementsAs reads, null and zero kept apart, and a
// members map it writes back must be the one it read.
func TestMembersOfReadsAsElementsAs(t *testing.T) {
	ctx := context.Background()
	obj := func(role, nick attr.Value, level attr.Value, ext attr.Value) attr.Value {
		return types.ObjectValueMust(memberAttrTypes, map[string]attr.Value{"role": role, "nick_name": nick, "level": level, "ext": ext})
	}
	ext := types.MapValueMust(types.StringType, map[string]attr.Value{"k": types.StringValue("v")})
	emptyExt := types.MapValueMust(types.StringType, map[string]attr.Value{})
	members := types.MapValueMust(types.ObjectType{AttrTypes: memberAttrTypes}, map[string]attr.Value{
		"2": obj(types.StringValue("member"), types.StringNull(), types.NumberNull(), types.MapNull(types.StringType)),
		"3": obj(types.StringValue("admin"), types.StringValue(""), numberOf(0), emptyExt),
		"4": obj(types.StringValue("role 7"), types.StringValue("n"), numberOf(-3), ext),
		"5": obj(types.StringUnknown(), types.StringUnknown(), types.NumberUnknown(), types.MapUnknown(types.StringType)),
		"x": obj(types.StringNull(), types.StringNull(), types.NumberNull(), types.MapNull(types.StringType)),
	})
	var diags diag.Diagnostics
	got := membersOf(ctx, members, &diags)
	if diags.HasError() {
		t.Fatal(diags)
	}
	want := map[string]memberModel{}
	if d := members.ElementsAs(ctx, &want, false); d.HasError() {
		t.Fatal(d)
	}
	if len(got) != 4 {
		t.Errorf("read %d members, want 4 (the key x is no user ID)", len(got))
	}
	for k, w := range want {
		id, ok := parseUserID(k)
		if !ok {
			continue
		}
		g := got[id]
		if !g.Role.Equal(w.Role) || !g.NickName.Equal(w.NickName) || !g.Level.Equal(w.Level) || !g.Ext.Equal(w.Ext) {
			t.Errorf("member %s: got %+v, want %+v", k, g, w)
		}
	}
	delete(got, 5) // unknown fields: a plan's, never written back
	back := membersValue(got, &diags)
	wantBack := types.MapValueMust(types.ObjectType{AttrTypes: memberAttrTypes}, map[string]attr.Value{
		"2": members.Elements()["2"], "3": members.Elements()["3"], "4": members.Elements()["4"]})
	if diags.HasError() || !back.Equal(wantBack) {
		t.Errorf("written back as %s, want %s (%v)", back, wantBack, diags)
	}
}

// An unknown member (only in a plan) is read as ElementsAs reads it, with
// its diagnostics.
func TestMembersOfUnknownMemberAsElementsAs(t *testing.T) {
	ctx := context.Background()
	members := types.MapValueMust(types.ObjectType{AttrTypes: memberAttrTypes}, map[string]attr.Value{
		"2": types.ObjectUnknown(memberAttrTypes),
	})
	var diags diag.Diagnostics
	membersOf(ctx, members, &diags)
	want := map[string]memberModel{}
	wantDiags := members.ElementsAs(ctx, &want, false)
	if !wantDiags.HasError() || !diags.Equal(wantDiags) {
		t.Errorf("diagnostics %v, want ElementsAs's %v", diags, wantDiags)
	}
}
