// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"cmp"
	"slices"
	"sort"
	"strconv"
	"strings"
)

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
		slices.SortFunc(*l, func(a, b memberChange) int { return cmp.Compare(a.UserID, b.UserID) })
	}
	return d
}
