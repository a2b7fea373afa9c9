// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/emulator"
	"github.com/volcrtc/terraform-provider-volcrtc/internal/emulator/emulatortest"
	"github.com/volcrtc/terraform-provider-volcrtc/internal/imclient"
)

// usersFixtures: a person with every field, a robot, a user with only an
// ID, and 120 numbered users for batching.
func usersFixtures() emulator.Fixtures {
	s := func(v string) *string { return &v }
	n := func(v int64) *int64 { return &v }
	b := func(v bool) *bool { return &v }
	users := []emulator.User{
		{UserID: bigID, NickName: s("Ada"), Portrait: s("https://example.com/ada.png"), Tags: []string{"oncall"},
			Ext: map[string]string{"team": "infra"}, IsRobot: b(false), CreateTime: n(1669694619123), ModifyTime: n(1700000000999)},
		{UserID: 10002, NickName: s("deploy-bot"), IsRobot: b(true)},
		{UserID: 10003},
	}
	for i := int64(1); i <= 120; i++ {
		users = append(users, emulator.User{UserID: 20000 + i})
	}
	return emulator.WithUsers(emulator.Sample(), users...)
}

// Users in request order, every field of a full profile, a robot, fields
// the API leaves out null, and unknown users listed apart; 122 IDs are read
// in calls of at most 50.
func TestAccUsers(t *testing.T) {
	emu, url := emulatortest.Start(t, usersFixtures(), emulator.Options{})
	addr := "data.volcrtc_users.test"
	many := "[for i in range(1, 121) : 20000 + i]"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(sampleEnv(url)),
		Steps: []resource.TestStep{
			{
				Config: fmt.Sprintf(`
data "volcrtc_users" "test" {
  app_id   = %d
  user_ids = [10002, 404, %d, 10003]
}
output "robots" {
  value = [for u in data.volcrtc_users.test.users : u.user_id if u.is_robot == true]
}
`, emulator.SampleAppID, int64(bigID)),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("users"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectPartial(map[string]knownvalue.Check{"user_id": knownvalue.Int64Exact(10002),
							"nick_name": knownvalue.StringExact("deploy-bot"), "is_robot": knownvalue.Bool(true), "portrait": knownvalue.Null()}),
						knownvalue.ObjectExact(map[string]knownvalue.Check{
							"user_id": knownvalue.Int64Exact(bigID), "nick_name": knownvalue.StringExact("Ada"),
							"portrait": knownvalue.StringExact("https://example.com/ada.png"),
							"tags":     knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("oncall")}),
							"ext":      knownvalue.MapExact(map[string]knownvalue.Check{"team": knownvalue.StringExact("infra")}),
							"is_robot": knownvalue.Bool(false), "create_time": knownvalue.Int64Exact(1669694619123),
							"create_time_rfc3339": knownvalue.StringExact("2022-11-29T04:03:39Z"),
							"modify_time":         knownvalue.Int64Exact(1700000000999),
							"modify_time_rfc3339": knownvalue.StringExact("2023-11-14T22:13:20Z"),
						}),
						knownvalue.ObjectExact(map[string]knownvalue.Check{
							"user_id": knownvalue.Int64Exact(10003), "nick_name": knownvalue.Null(), "portrait": knownvalue.Null(),
							"tags": knownvalue.Null(), "ext": knownvalue.Null(), "is_robot": knownvalue.Null(),
							"create_time": knownvalue.Null(), "create_time_rfc3339": knownvalue.Null(),
							"modify_time": knownvalue.Null(), "modify_time_rfc3339": knownvalue.Null(),
						}),
					})),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("missing_user_ids"), knownvalue.ListExact([]knownvalue.Check{knownvalue.Int64Exact(404)})),
					statecheck.ExpectKnownOutputValue("robots", knownvalue.ListExact([]knownvalue.Check{knownvalue.Int64Exact(10002)})),
				},
			},
			{
				// Nobody found: an empty list, every ID missing, no error.
				Config: fmt.Sprintf(`
data "volcrtc_users" "test" {
  app_id   = %d
  user_ids = [404, 405]
}
`, emulator.SampleAppID),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("users"), knownvalue.ListSizeExact(0)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("missing_user_ids"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.Int64Exact(404), knownvalue.Int64Exact(405)})),
				},
			},
			{
				PreConfig: emu.ResetRequests,
				Config: fmt.Sprintf(`
data "volcrtc_users" "test" {
  app_id   = %d
  user_ids = concat(%s, [1, 2])
}
`, emulator.SampleAppID, many),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("users"), knownvalue.ListSizeExact(120)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("users").AtSliceIndex(119).AtMapKey("user_id"), knownvalue.Int64Exact(20120)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("missing_user_ids"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.Int64Exact(1), knownvalue.Int64Exact(2)})),
				},
				Check: func(*terraform.State) error {
					reqs := emu.Requests()
					if len(reqs) == 0 {
						return errNoRequestFor("the users")
					}
					for _, r := range reqs {
						var b struct{ UserIds []int64 }
						if err := json.Unmarshal([]byte(r.RawBody), &b); err != nil || r.Action != "BatchGetUser" || len(b.UserIds) > 50 {
							return errUnexpected(r)
						}
					}
					return nil
				},
			},
		},
	})
}

// A failing middle batch fails the read, with nothing in state; bad
// arguments are reported on their attribute before any request.
func TestAccUsers_errors(t *testing.T) {
	emu, url := emulatortest.Start(t, usersFixtures(), emulator.Options{})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(sampleEnv(url)),
		Steps: []resource.TestStep{
			{
				Config:      `data "volcrtc_users" "test" { user_ids = [] }`,
				ExpectError: wrapped(`(?s)The argument "app_id" is required`),
			},
			{
				Config: `data "volcrtc_users" "test" {
  app_id   = 100001
  user_ids = [1, 2, 1]
}`,
				ExpectError: wrapped(`(?s)Duplicate user IDs.*Each user ID may appear only once`),
			},
			{
				PreConfig: func() {
					emu.FailAction("BatchGetUser", &emulator.Fault{Status: 403, Code: "AccessDenied", Message: "no"})
				},
				Config: `data "volcrtc_users" "test" {
  app_id   = 100001
  user_ids = [for i in range(1, 121) : 20000 + i]
}`,
				ExpectError: wrapped(`(?s)AccessDenied.*BatchGetUser was rejected`),
			},
			{
				PreConfig: func() { emu.FailAction("BatchGetUser", nil) },
				Config: `data "volcrtc_users" "test" {
  app_id   = 100001
  user_ids = [10003]
}`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.volcrtc_users.test", tfjsonpath.New("users"), knownvalue.ListSizeExact(1)),
				},
			},
		},
	})
}

const fullUser = `{"AppId":1,"UserId":5,"NickName":"n","Portrait":"p","Tags":["t"],"Ext":{"k":"v"},"IsRobot":true,
"CreateTime":1669694619123,"ModifyTime":1669694619123}`

// The sample of the tests that iterate every spec.
var _ = sampleOf(usersSpec, specSample{
	full: fullUser,
	states: func(t *testing.T, record string) []state {
		var u imclient.User
		decodeJSON(t, record, &u)
		return []state{{
			"app_id": int64(1), "user_ids": []int64{5, 6}, "users": listOf(userFields, []imclient.User{u}), "missing_user_ids": []int64{6},
		}}
	},
	reads: []sampleRead{{name: "with a missing ID", fixtures: usersFixtures, args: map[string]tftypes.Value{
		"app_id": num(emulator.SampleAppID), "user_ids": numList(num(10002), num(404), num(bigID), num(10003)),
	}}},
})
