// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
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
func init() {
	sampleOf(usersSpec, specSample{
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
}

// hostileUsersAPI answers BatchGetUser, two IDs a call: the call for 30001
// and 30004 finds 30001; the call for 30002 and 30005 finds 30002 and also
// names 30001 in its NotFoundUsers; the call for 30003 says 30003 is both
// found and not found (the call asks for 30006 too).
func hostileUsersAPI(t *testing.T) string {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var b struct{ UserIds []int64 }
		if err := json.NewDecoder(r.Body).Decode(&b); err != nil || len(b.UserIds) == 0 {
			http.Error(w, "no IDs", http.StatusBadRequest)
			return
		}
		result := map[int64]string{
			30001: `{"Users":[{"UserId":30001,"NickName":"found"}],"NotFoundUsers":[30004]}`,
			30002: `{"Users":[{"UserId":30002}],"NotFoundUsers":[30001]}`,
			30003: `{"Users":[{"UserId":30003}],"NotFoundUsers":[30003]}`,
		}[b.UserIds[0]]
		_, _ = fmt.Fprintf(w, `{"ResponseMetadata":{"RequestId":"req-%d"},"Result":%s}`, b.UserIds[0], result)
	}))
	t.Cleanup(ts.Close)
	return ts.URL
}

// readHostileUsers reads user_ids from hostileUsersAPI in calls of two.
func readHostileUsers(t *testing.T, ids ...int64) (*tfprotov6.ReadDataSourceResponse, map[string]tftypes.Value) {
	t.Helper()
	p := newProtocol(t, sampleEnv(hostileUsersAPI(t)))
	if diags := p.configure(map[string]tftypes.Value{"max_batch_size": num(2)}); len(diags) != 0 {
		t.Fatal(diagText(diags))
	}
	list := make([]tftypes.Value, len(ids))
	for i, id := range ids {
		list[i] = num(id)
	}
	resp := p.read("volcrtc_users", map[string]tftypes.Value{"app_id": num(1), "user_ids": numList(list...)})
	if resp.State == nil {
		return resp, nil
	}
	v, err := resp.State.Unmarshal(p.dataSourceType("volcrtc_users"))
	if err != nil {
		t.Fatal(err)
	}
	var attrs map[string]tftypes.Value
	if err := v.As(&attrs); err != nil {
		t.Fatal(err)
	}
	return resp, attrs
}

// An answer speaks only for the IDs its own call asked for: user 30001,
// found by the call that asked for it, is in users and not in
// missing_user_ids although another call's answer names it as not found;
// that answer's word on it is left out with a warning.
func TestUsersAnswerSpeaksForItsOwnCall(t *testing.T) {
	resp, attrs := readHostileUsers(t, 30001, 30004, 30002, 30005)
	if attrs == nil {
		t.Fatalf("no state: %s", diagText(resp.Diagnostics))
	}
	var users []tftypes.Value
	_ = attrs["users"].As(&users)
	var found []string
	for _, u := range users {
		var fields map[string]tftypes.Value
		_ = u.As(&fields)
		found = append(found, fields["user_id"].String())
	}
	if got := strings.Join(found, " "); got != "tftypes.Number<\"30001\"> tftypes.Number<\"30002\">" {
		t.Fatalf("users %s", got)
	}
	if got := attrs["missing_user_ids"].String(); got != `tftypes.List[tftypes.Number]<tftypes.Number<"30004">, tftypes.Number<"30005">>` {
		t.Fatalf("missing_user_ids %s", got)
	}
	text := diagText(resp.Diagnostics)
	if len(resp.Diagnostics) != 1 || !strings.Contains(text, "WARNING: Unexpected users ignored: ") ||
		!strings.Contains(text, "left out of it: 1 about IDs their call did not ask for.") {
		t.Fatalf("diagnostics:\n%s", text)
	}
}

// An answer that lists a user both in Users and in NotFoundUsers fails the
// read, naming the user and the request, with nothing in state: which half
// is true cannot be known.
func TestUsersContradictingAnswer(t *testing.T) {
	resp, attrs := readHostileUsers(t, 30001, 30004, 30003, 30006)
	text := diagText(resp.Diagnostics)
	if attrs != nil || len(resp.Diagnostics) != 1 ||
		!strings.Contains(text, "ERROR: Unreadable response from the Volcengine IM OpenAPI: The response to BatchGetUser "+
			"could not be read: the answer lists user 30003 both in Users and in NotFoundUsers") ||
		!strings.Contains(text, "RequestId: req-30003") {
		t.Fatalf("state %v, diagnostics:\n%s", attrs, text)
	}
}
