// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"math/big"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
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
