// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

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
