// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/emulator"
)

const userAddr = "volcrtc_user.test"

func userHCL(user int64, extra string) string {
	return fmt.Sprintf(`
resource "volcrtc_user" "test" {
  app_id  = %d
  user_id = %d
  %s
}
`, emulator.SampleAppID, user, extra)
}

// userCheck compares the emulator's user with want ("nick|portrait|tags|ext
// as JSON|robot"), or checks it is not registered when want is "".
func userCheck(emu *emulator.Server, user int64, want string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		u, ok := emu.UserState(emulator.SampleAppID, user)
		if !ok {
			if want == "" {
				return nil
			}
			return fmt.Errorf("user %d is not registered", user)
		}
		tags := slices.Clone(u.Tags)
		slices.Sort(tags)
		ext := []byte("{}")
		if len(u.Ext) > 0 {
			ext, _ = json.Marshal(u.Ext)
		}
		got := fmt.Sprintf("%s|%s|%s|%s|%v", deref(u.NickName), deref(u.Portrait), strings.Join(tags, ","), ext, u.IsRobot != nil && *u.IsRobot)
		if got != want {
			return fmt.Errorf("user %d is %s, want %s", user, got, want)
		}
		return nil
	}
}

// writesOf lists the raw bodies of every request of action.
func writesOf(emu *emulator.Server, action string) []string {
	var out []string
	for _, r := range emu.Requests() {
		if r.Action == action {
			out = append(out, r.RawBody)
		}
	}
	return out
}

func countOf(emu *emulator.Server, action string, want int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if got := writesOf(emu, action); len(got) != want {
			return fmt.Errorf("%d %s calls, want %d: %v", len(got), action, want, got)
		}
		return nil
	}
}

// A bot's life: an already registered user is refused, then register,
// update one attribute while one set outside Terraform is kept, clear
// tags and ext, import, registered again after an outside unregister, and
// unregistered at the end.
func TestAccUser(t *testing.T) {
	t.Parallel()
	emu, url := newEmulator(t, emulator.Options{})
	existing := "Existing"
	if err := emu.SetUser(emulator.SampleAppID, emulator.User{UserID: 7001, NickName: &existing}); err != nil {
		t.Fatal(err)
	}
	managed := `nick_name = "Bot"
  tags = ["b", "a"]
  ext = { team = "ops" }
  is_robot = true
  deletion_protection = false`
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(sampleEnv(url)),
		// User 7001 was registered outside Terraform and stays.
		CheckDestroy: resource.ComposeTestCheckFunc(userCheck(emu, 7002, ""), userCheck(emu, 7001, "Existing|||{}|false")),
		Steps: []resource.TestStep{
			{
				Config: userHCL(7001, `deletion_protection = false`),
				ExpectError: wrapped(`(?s)User already registered .* user_id .* User 7001 is already registered in app 100001\. .* ` +
					`terraform import volcrtc_user.<name> 100001/7001 .* id = "100001/7001"`),
				Check: countOf(emu, emulator.ActionRegisterUsers, 0),
			},
			{
				PreConfig: emu.ResetRequests,
				Config:    userHCL(7002, managed),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(userAddr, tfjsonpath.New("id"), knownvalue.StringExact("100001/7002")),
					statecheck.ExpectKnownValue(userAddr, tfjsonpath.New("nick_name"), knownvalue.StringExact("Bot")),
					statecheck.ExpectKnownValue(userAddr, tfjsonpath.New("portrait"), knownvalue.StringExact("")),
					statecheck.ExpectKnownValue(userAddr, tfjsonpath.New("tags"), knownvalue.SetExact([]knownvalue.Check{
						knownvalue.StringExact("a"), knownvalue.StringExact("b")})),
					statecheck.ExpectKnownValue(userAddr, tfjsonpath.New("ext"), knownvalue.MapExact(map[string]knownvalue.Check{
						"team": knownvalue.StringExact("ops")})),
					statecheck.ExpectKnownValue(userAddr, tfjsonpath.New("is_robot"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(userAddr, tfjsonpath.New("create_time"), knownvalue.NotNull()),
					statecheck.ExpectKnownValue(userAddr, tfjsonpath.New("create_time_rfc3339"), knownvalue.StringRegexp(
						wrapped(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$`))),
				},
				Check: resource.ComposeTestCheckFunc(userCheck(emu, 7002, `Bot||a,b|{"team":"ops"}|true`),
					countOf(emu, emulator.ActionRegisterUsers, 1)),
			},
			{
				// A portrait set outside Terraform, which the configuration
				// does not manage, survives an update of the nickname.
				PreConfig: func() {
					emu.ResetRequests()
					mustEditUser(t, emu, 7002, func(u *emulator.User) { p := "https://p/1.png"; u.Portrait = &p })
				},
				Config: userHCL(7002, strings.Replace(managed, `"Bot"`, `"Bot 2"`, 1)),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(userAddr, plancheck.ResourceActionUpdate),
					// Left out: whatever the API has at apply.
					plancheck.ExpectUnknownValue(userAddr, tfjsonpath.New("portrait")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(userAddr, tfjsonpath.New("portrait"), knownvalue.StringExact("https://p/1.png")),
				},
				Check: resource.ComposeTestCheckFunc(userCheck(emu, 7002, `Bot 2|https://p/1.png|a,b|{"team":"ops"}|true`),
					func(*terraform.State) error {
						w := writesOf(emu, emulator.ActionUpdateUsers)
						want := `{"AppId":100001,"Users":[{"UserId":7002,"NickName":"Bot 2","Portrait":"https://p/1.png","Tags":["a","b"],"Ext":{"team":"ops"}}]}`
						if len(w) != 1 || w[0] != want {
							return fmt.Errorf("updates %v, want [%s]", w, want)
						}
						return nil
					}),
			},
			{
				// [] and {} clear; "" clears the portrait.
				Config: userHCL(7002, `nick_name = "Bot 2"
  portrait = ""
  tags = []
  ext = {}
  is_robot = true
  deletion_protection = false`),
				Check: userCheck(emu, 7002, `Bot 2|||{}|true`),
			},
			{
				ResourceName:            userAddr,
				ImportState:             true,
				ImportStateId:           "100001/7002",
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"deletion_protection"},
			},
			{
				PreConfig: func() {
					if err := emu.RemoveUser(emulator.SampleAppID, 7002); err != nil {
						t.Fatal(err)
					}
				},
				Config: userHCL(7002, `nick_name = "Bot 2"
  is_robot = true
  deletion_protection = false`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(userAddr, plancheck.ResourceActionCreate),
				}},
				Check: userCheck(emu, 7002, `Bot 2|||{}|true`),
			},
		},
	})
}

func mustEditUser(t *testing.T, emu *emulator.Server, user int64, edit func(*emulator.User)) {
	t.Helper()
	u, ok := emu.UserState(emulator.SampleAppID, user)
	if !ok {
		t.Fatalf("user %d not registered", user)
	}
	edit(&u)
	if err := emu.SetUser(emulator.SampleAppID, u); err != nil {
		t.Fatal(err)
	}
}

// deletion_protection refuses destroy and replacement at plan time.
func TestAccUserDeletionProtection(t *testing.T) {
	t.Parallel()
	emu, url := newEmulator(t, emulator.Options{})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(sampleEnv(url)),
		// The last step turned protection off: one unregister at the end.
		CheckDestroy: resource.ComposeTestCheckFunc(userCheck(emu, 7010, ""), countOf(emu, emulator.ActionUnregisterUsers, 1)),
		Steps: []resource.TestStep{
			{Config: userHCL(7010, `nick_name = "Ops"`)},
			{
				Config:      userHCL(7010, `nick_name = "Ops"`),
				Destroy:     true,
				ExpectError: wrapped(`(?s)Deletion protection is on .* User 100001/7010 has deletion_protection = true`),
			},
			{
				Config:      userHCL(7010, `nick_name = "Ops"`+"\n  is_robot = true"),
				ExpectError: wrapped(`(?s)Deletion protection is on .* is_robot .* Changing is_robot replaces user 100001/7010`),
				Check:       countOf(emu, emulator.ActionUnregisterUsers, 0),
			},
			{Config: userHCL(7010, `nick_name = "Ops"`+"\n  deletion_protection = false")},
		},
	})
}

// FailedInfos is an error naming the user, the code and the message, and
// nothing is recorded.
func TestAccUserFailedInfos(t *testing.T) {
	t.Parallel()
	emu, url := newEmulator(t, emulator.Options{})
	emu.FailUsers(emulator.ActionRegisterUsers, 7020)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(sampleEnv(url)),
		CheckDestroy:             userCheck(emu, 7020, ""),
		Steps: []resource.TestStep{{
			Config:      userHCL(7020, `deletion_protection = false`),
			ExpectError: wrapped(`(?s)Cannot register the user .* user_id .* FailedInfos: .* user 7020: InternalError: scripted failure of user 7020 .* Nothing is recorded in state`),
		}, {
			PreConfig: func() { emu.FailUsers(emulator.ActionRegisterUsers) },
			Config:    userHCL(7020, `deletion_protection = false`),
			Check:     userCheck(emu, 7020, `|||{}|false`),
		}},
	})
}

// A lost RegisterUsers answer is settled by reading the user back, even
// when reads lag: the register is sent once, and the state records the
// user. Both undocumented behaviours of a repeated register are covered.
func TestAccUserLostRegisterAnswer(t *testing.T) {
	t.Parallel()
	for name, opts := range map[string]emulator.Options{
		"refuses repeat":    {ReadLag: time.Second},
		"overwrites repeat": {ReadLag: time.Second, RegisterOverwrites: true},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			emu, url := newEmulator(t, opts)
			emu.LoseAnswers(emulator.ActionRegisterUsers, 1, emulator.FaultBadGateway)
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: factories(sampleEnv(url)),
				CheckDestroy:             userCheck(emu, 7030, ""),
				Steps: []resource.TestStep{{
					Config: userHCL(7030, `nick_name = "Deploy"`+"\n  deletion_protection = false"),
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue(userAddr, tfjsonpath.New("nick_name"), knownvalue.StringExact("Deploy")),
						statecheck.ExpectKnownValue(userAddr, tfjsonpath.New("create_time"), knownvalue.NotNull()),
					},
					Check: resource.ComposeTestCheckFunc(userCheck(emu, 7030, `Deploy|||{}|false`),
						countOf(emu, emulator.ActionRegisterUsers, 1)),
				}},
			})
		})
	}
	// An answer that drops FailedInfos says nothing of the user: read back.
	t.Run("no FailedInfos", func(t *testing.T) {
		t.Parallel()
		emu, url := newEmulator(t, emulator.Options{})
		emu.DropResultField(emulator.ActionRegisterUsers, 1, "FailedInfos")
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: factories(sampleEnv(url)),
			CheckDestroy:             userCheck(emu, 7031, ""),
			Steps: []resource.TestStep{{
				Config: userHCL(7031, `deletion_protection = false`),
				Check:  resource.ComposeTestCheckFunc(userCheck(emu, 7031, `|||{}|false`), countOf(emu, emulator.ActionRegisterUsers, 1)),
			}},
		})
	})
}

// A user unregistered outside Terraform leaves the state at refresh, and
// the plan registers them again; nothing is unregistered.
func TestAccUserRemovedOutsideTerraform(t *testing.T) {
	t.Parallel()
	emu, url := newEmulator(t, emulator.Options{})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(sampleEnv(url)),
		// The refresh before the destroy finds the user gone: nothing to
		// unregister.
		CheckDestroy: resource.ComposeTestCheckFunc(userCheck(emu, 7040, ""), countOf(emu, emulator.ActionUnregisterUsers, 0)),
		Steps: []resource.TestStep{
			{Config: userHCL(7040, `deletion_protection = false`)},
			{
				PreConfig: func() {
					if err := emu.RemoveUser(emulator.SampleAppID, 7040); err != nil {
						t.Fatal(err)
					}
				},
				Config:             userHCL(7040, `deletion_protection = false`),
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
			},
		},
	})
}

// Every documented limit is a plan-time error on its attribute, before any
// request.
func TestAccUserPlanLimits(t *testing.T) {
	t.Parallel()
	emu, url := newEmulator(t, emulator.Options{})
	var many []string
	for i := range 21 {
		many = append(many, fmt.Sprintf("k%d = \"v\"", i))
	}
	steps := []resource.TestStep{}
	for _, tc := range []struct{ extra, want string }{
		{`nick_name = "` + strings.Repeat("é", 51) + `"`, `(?s)Value too long .* nick_name is 102 bytes .* at most 100`},
		{`portrait = "` + strings.Repeat("x", 501) + `"`, `(?s)Value too long .* portrait is 501 bytes .* at most 500`},
		{`ext = { "s:role" = "x" }`, `(?s)Reserved extension field name .* "s:role" = "x" .* The key "s:role" starts with "s:"`},
		{`ext = { ` + strings.Join(many, ", ") + ` }`, `(?s)Too many extension fields .* ext has 21 keys`},
		{`ext = { "` + strings.Repeat("k", 51) + `" = "x" }`, `(?s)Extension field name too long .* 51 bytes`},
		{`ext = { k = "` + strings.Repeat("v", 501) + `" }`, `(?s)Extension field value too long .* 501 bytes`},
	} {
		steps = append(steps, resource.TestStep{Config: userHCL(7050, tc.extra), PlanOnly: true, ExpectError: wrapped(tc.want)})
	}
	// Each bad ID has its own message, on user_id, naming the value.
	for _, tc := range []struct{ id, want string }{
		{"0", `(?s)Attribute user_id value must be at least 1, got: 0\b`},
		{"-1", `(?s)Attribute user_id value must be at least 1, got: -1\b`},
		{"9223372036854775808", `(?s)Attribute user_id value must be at most 9223372036854775807, the largest 64-bit ID, got: 9223372036854775808`},
		{"1.5", `(?s)Attribute user_id value must be a whole number at least 1 \(no fraction\), got: 1\.5`},
	} {
		steps = append(steps, resource.TestStep{PlanOnly: true, ExpectError: wrapped(tc.want), Config: fmt.Sprintf(`
resource "volcrtc_user" "test" {
  app_id  = %d
  user_id = %s
}
`, emulator.SampleAppID, tc.id)})
	}
	resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: factories(sampleEnv(url)), Steps: steps})
	expectNoRequest(t, emu)()
}

// Resource identity (OpenTofu 1.12+, Terraform 1.12+): stored, and an
// import block by identity imports with no write and an empty plan after.
func TestAccUserIdentity(t *testing.T) {
	t.Parallel()
	emu, url := newEmulator(t, emulator.Options{})
	cfg := userHCL(7060, `nick_name = "Id"`+"\n  deletion_protection = true")
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)},
		ProtoV6ProviderFactories: factories(sampleEnv(url)),
		CheckDestroy:             userCheck(emu, 7060, ""),
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectIdentity(userAddr, map[string]knownvalue.Check{
						"app_id": knownvalue.Int64Exact(emulator.SampleAppID), "user_id": knownvalue.Int64Exact(7060)}),
				},
			},
			{
				PreConfig:       emu.ResetRequests,
				Config:          cfg,
				ResourceName:    userAddr,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithResourceIdentity,
			},
			{Config: userHCL(7060, `nick_name = "Id"`+"\n  deletion_protection = false")},
		},
	})
}
