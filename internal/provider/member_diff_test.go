// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"reflect"
	"testing"
)

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
