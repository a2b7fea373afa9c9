// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/emulator"
)

// volcrtc_user under attack: what the configuration leaves out, the world
// moving between plan and apply, answers that lie, and odd answers.

// warningLog keeps the warnings of each answer the provider gave the CLI.
type warningLog struct {
	mu    sync.Mutex
	calls [][]string // per answer: "summary: detail" of each warning
}

func (l *warningLog) add(diags []*tfprotov6.Diagnostic) {
	var w []string
	for _, d := range diags {
		if d != nil && d.Severity == tfprotov6.DiagnosticSeverityWarning {
			w = append(w, d.Summary+": "+d.Detail)
		}
	}
	if len(w) > 0 {
		l.mu.Lock()
		l.calls = append(l.calls, w)
		l.mu.Unlock()
	}
}

// once checks that some answer warned with every one of want, and that no
// answer gave more than one warning holding want[0].
func (l *warningLog) once(want ...string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		l.mu.Lock()
		defer l.mu.Unlock()
		found := false
		for _, call := range l.calls {
			n := 0
			for _, w := range call {
				if !strings.Contains(w, want[0]) {
					continue
				}
				n++
				all := true
				for _, s := range want[1:] {
					all = all && strings.Contains(w, s)
				}
				found = found || all
			}
			if n > 1 {
				return fmt.Errorf("one answer warned %d times about %q: %v", n, want[0], call)
			}
		}
		if !found {
			return fmt.Errorf("no warning says all of %q; warnings: %v", want, l.calls)
		}
		return nil
	}
}

// withWarningLog serves f and records every warning it answers.
func withWarningLog(f map[string]func() (tfprotov6.ProviderServer, error)) (map[string]func() (tfprotov6.ProviderServer, error), *warningLog) {
	log := &warningLog{}
	out := map[string]func() (tfprotov6.ProviderServer, error){}
	for name, newServer := range f {
		out[name] = func() (tfprotov6.ProviderServer, error) {
			s, err := newServer()
			return warningServer{s, log}, err
		}
	}
	return out, log
}

type warningServer struct {
	tfprotov6.ProviderServer
	log *warningLog
}

func (s warningServer) ReadResource(ctx context.Context, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	resp, err := s.ProviderServer.ReadResource(ctx, req)
	if resp != nil {
		s.log.add(resp.Diagnostics)
	}
	return resp, err
}

func (s warningServer) PlanResourceChange(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	resp, err := s.ProviderServer.PlanResourceChange(ctx, req)
	if resp != nil {
		s.log.add(resp.Diagnostics)
	}
	return resp, err
}

func (s warningServer) ApplyResourceChange(ctx context.Context, req *tfprotov6.ApplyResourceChangeRequest) (*tfprotov6.ApplyResourceChangeResponse, error) {
	resp, err := s.ProviderServer.ApplyResourceChange(ctx, req)
	if resp != nil {
		s.log.add(resp.Diagnostics)
	}
	return resp, err
}

func (s warningServer) ReadDataSource(ctx context.Context, req *tfprotov6.ReadDataSourceRequest) (*tfprotov6.ReadDataSourceResponse, error) {
	resp, err := s.ProviderServer.ReadDataSource(ctx, req)
	if resp != nil {
		s.log.add(resp.Diagnostics)
	}
	return resp, err
}

// outsideChange is a plan check that changes the world once the plan is
// saved, before it is applied: someone outside Terraform acting between
// `terraform plan -out` and `terraform apply`.
type outsideChange func()

func (c outsideChange) CheckPlan(context.Context, plancheck.CheckPlanRequest, *plancheck.CheckPlanResponse) {
	c()
}

// updatesSent checks the BatchUpdateUser bodies the emulator received.
func updatesSent(emu *emulator.Server, want ...string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if got := writesOf(emu, emulator.ActionUpdateUsers); strings.Join(got, "\n") != strings.Join(want, "\n") {
			return fmt.Errorf("BatchUpdateUser bodies:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		return nil
	}
}

// A bot whose configuration leaves is_robot out is left a bot: no
// replacement is planned. A replacement the configuration asks for keeps
// the profile fields it leaves out.
func TestAccUserLeftOutRobotIsLeftAlone(t *testing.T) {
	t.Parallel()
	emu, url := newEmulator(t, emulator.Options{})
	plain := `nick_name = "Bot"
  deletion_protection = false`
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(sampleEnv(url)),
		CheckDestroy:             userCheck(emu, 7101, ""),
		Steps: []resource.TestStep{
			{Config: userHCL(7101, plain+"\n  is_robot = true"), Check: userCheck(emu, 7101, "Bot|||{}|true")},
			{
				PreConfig: func() {
					emu.ResetRequests()
					mustEditUser(t, emu, 7101, func(u *emulator.User) {
						p := "https://p/bot.png"
						u.Portrait, u.Tags, u.Ext = &p, []string{"t"}, map[string]string{"team": "ops"}
					})
				},
				Config:           userHCL(7101, plain),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(userAddr, tfjsonpath.New("is_robot"), knownvalue.Bool(true)),
				},
				Check: resource.ComposeTestCheckFunc(userCheck(emu, 7101, `Bot|https://p/bot.png|t|{"team":"ops"}|true`),
					countOf(emu, emulator.ActionUnregisterUsers, 0), countOf(emu, emulator.ActionRegisterUsers, 0)),
			},
			{
				// Asked for: replaced, with portrait, tags and ext kept.
				PreConfig: emu.ResetRequests,
				Config:    userHCL(7101, plain+"\n  is_robot = false"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(userAddr, plancheck.ResourceActionDestroyBeforeCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(userAddr, tfjsonpath.New("is_robot"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(userAddr, tfjsonpath.New("portrait"), knownvalue.StringExact("https://p/bot.png")),
					statecheck.ExpectKnownValue(userAddr, tfjsonpath.New("ext"), knownvalue.MapExact(map[string]knownvalue.Check{
						"team": knownvalue.StringExact("ops")})),
				},
				Check: resource.ComposeTestCheckFunc(userCheck(emu, 7101, `Bot|https://p/bot.png|t|{"team":"ops"}|false`),
					countOf(emu, emulator.ActionUnregisterUsers, 1), countOf(emu, emulator.ActionRegisterUsers, 1)),
			},
		},
	})
}

// A user whose Ext holds a system key ("s:") is updated without it, as
// the API requires; whether BatchUpdateUser then keeps or drops it is not
// documented: kept, the apply succeeds; dropped, it fails naming the key
// and its value.
func TestAccUserSystemExtKeys(t *testing.T) {
	t.Parallel()
	for name, keep := range map[string]bool{"kept": true, "dropped": false} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			emu, url := newEmulator(t, emulator.Options{UpdateKeepsSystemExt: keep})
			a := "A"
			if err := emu.SetUser(emulator.SampleAppID, emulator.User{UserID: 7110, NickName: &a,
				Ext: map[string]string{"s:sys": "1", "k": "v"}}); err != nil {
				t.Fatal(err)
			}
			update := userHCL(7110, `nick_name = "B"`+"\n  deletion_protection = false")
			sent := `{"AppId":100001,"Users":[{"UserId":7110,"NickName":"B","Portrait":"","Tags":[],"Ext":{"k":"v"}}]}`
			step := resource.TestStep{
				PreConfig: emu.ResetRequests,
				Config:    update,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(userAddr, tfjsonpath.New("ext"), knownvalue.MapExact(map[string]knownvalue.Check{
						"k": knownvalue.StringExact("v")})),
				},
				Check: resource.ComposeTestCheckFunc(userCheck(emu, 7110, `B|||{"k":"v","s:sys":"1"}|false`), updatesSent(emu, sent)),
			}
			steps := []resource.TestStep{{
				Config:             userHCL(7110, `nick_name = "A"`),
				ResourceName:       userAddr,
				ImportState:        true,
				ImportStateId:      "100001/7110",
				ImportStatePersist: true,
			}}
			if !keep {
				step.ExpectError = wrapped(`(?s)The API dropped system extension fields .* BatchUpdateUser .* user 7110 .*` +
					`"s:sys" = "1"`)
				steps = append(steps, step, resource.TestStep{
					// The state holds what the API has: nothing to do, nothing sent.
					PreConfig: emu.ResetRequests,
					Config:    update,
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectEmptyPlan(),
					}},
					Check: resource.ComposeTestCheckFunc(userCheck(emu, 7110, `B|||{"k":"v"}|false`), updatesSent(emu)),
				})
			} else {
				steps = append(steps, step)
			}
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: factories(sampleEnv(url)),
				CheckDestroy:             userCheck(emu, 7110, ""),
				Steps:                    steps,
			})
		})
	}
}

// The profile changes outside Terraform once the plan is saved: the
// attributes the configuration leaves out take what the API has at apply,
// the update sends them as they are, and the plan that follows is empty.
func TestAccUserProfileChangedAfterPlan(t *testing.T) {
	t.Parallel()
	emu, url := newEmulator(t, emulator.Options{})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(sampleEnv(url)),
		CheckDestroy:             userCheck(emu, 7120, ""),
		Steps: []resource.TestStep{
			{Config: userHCL(7120, `nick_name = "A"`+"\n  deletion_protection = false")},
			{
				PreConfig: emu.ResetRequests,
				Config:    userHCL(7120, `nick_name = "B"`+"\n  deletion_protection = false"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(userAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectUnknownValue(userAddr, tfjsonpath.New("portrait")),
					plancheck.ExpectUnknownValue(userAddr, tfjsonpath.New("ext")),
					plancheck.ExpectKnownValue(userAddr, tfjsonpath.New("is_robot"), knownvalue.Bool(false)),
					outsideChange(func() {
						mustEditUser(t, emu, 7120, func(u *emulator.User) {
							p := "https://p/new.png"
							u.Portrait, u.Ext = &p, map[string]string{"x": "y"}
						})
					}),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(userAddr, tfjsonpath.New("portrait"), knownvalue.StringExact("https://p/new.png")),
					statecheck.ExpectKnownValue(userAddr, tfjsonpath.New("ext"), knownvalue.MapExact(map[string]knownvalue.Check{
						"x": knownvalue.StringExact("y")})),
				},
				Check: resource.ComposeTestCheckFunc(userCheck(emu, 7120, `B|https://p/new.png||{"x":"y"}|false`),
					updatesSent(emu, `{"AppId":100001,"Users":[{"UserId":7120,"NickName":"B","Portrait":"https://p/new.png","Tags":[],"Ext":{"x":"y"}}]}`)),
			},
			{
				// Nothing configured changes: the plan stays empty, whatever
				// changed outside.
				PreConfig: func() {
					emu.ResetRequests()
					mustEditUser(t, emu, 7120, func(u *emulator.User) { p := "https://p/3.png"; u.Portrait = &p })
				},
				Config:           userHCL(7120, `nick_name = "B"`+"\n  deletion_protection = false"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check:            updatesSent(emu),
			},
		},
	})
}

// RegisterUsers and BatchUpdateUser apply the change yet list the user in
// FailedInfos: the read-back settles it, the state records the user, and
// a warning says the answer contradicted the API. A refusal that is true
// still fails.
func TestAccUserAnswerThatLies(t *testing.T) {
	t.Parallel()
	emu, url := newEmulator(t, emulator.Options{})
	emu.LieAboutUsers(emulator.ActionRegisterUsers, 7130)
	emu.LieAboutUsers(emulator.ActionUpdateUsers, 7130)
	f, warnings := withWarningLog(factories(sampleEnv(url)))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: f,
		CheckDestroy:             userCheck(emu, 7130, ""),
		Steps: []resource.TestStep{
			{
				Config: userHCL(7130, `nick_name = "A"`+"\n  deletion_protection = false"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(userAddr, tfjsonpath.New("nick_name"), knownvalue.StringExact("A")),
				},
				Check: resource.ComposeTestCheckFunc(userCheck(emu, 7130, "A|||{}|false"), countOf(emu, emulator.ActionRegisterUsers, 1),
					warnings.once("RegisterUsers listed user 7130 in FailedInfos", "InternalError: scripted failure of user 7130",
						"reading the user back shows")),
			},
			{
				PreConfig: emu.ResetRequests,
				Config:    userHCL(7130, `nick_name = "B"`+"\n  deletion_protection = false"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(userAddr, tfjsonpath.New("nick_name"), knownvalue.StringExact("B")),
				},
				Check: resource.ComposeTestCheckFunc(userCheck(emu, 7130, "B|||{}|false"), countOf(emu, emulator.ActionUpdateUsers, 1),
					warnings.once("BatchUpdateUser listed user 7130 in FailedInfos", "reading the user back shows")),
			},
			{
				PreConfig: func() {
					emu.LieAboutUsers(emulator.ActionUpdateUsers)
					emu.FailUsers(emulator.ActionUpdateUsers, 7130)
				},
				Config:      userHCL(7130, `nick_name = "C"`+"\n  deletion_protection = false"),
				ExpectError: wrapped(`(?s)Cannot update the user .* user 7130: InternalError: scripted failure of user 7130`),
			},
			{
				// The state kept what the API has: B, so C is planned again.
				PreConfig:          func() { emu.FailUsers(emulator.ActionUpdateUsers) },
				Config:             userHCL(7130, `nick_name = "C"`+"\n  deletion_protection = false"),
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
			},
		},
	})
}

// BatchGetUser answers a tag twice: the resource and the data source keep
// the set, and one warning per read names the repeat.
func TestAccUserDuplicateTags(t *testing.T) {
	t.Parallel()
	emu, url := newEmulator(t, emulator.Options{})
	f, warnings := withWarningLog(factories(sampleEnv(url)))
	cfg := userHCL(7140, `tags = ["a", "b"]`+"\n  deletion_protection = false") + fmt.Sprintf(`
data "volcrtc_users" "test" {
  app_id   = %d
  user_ids = [volcrtc_user.test.user_id]
}
`, emulator.SampleAppID)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: f,
		CheckDestroy:             userCheck(emu, 7140, ""),
		Steps: []resource.TestStep{
			{Config: cfg},
			{
				PreConfig: func() {
					mustEditUser(t, emu, 7140, func(u *emulator.User) { u.Tags = []string{"a", "a", "b"} })
				},
				Config:           cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(userAddr, tfjsonpath.New("tags"), knownvalue.SetExact([]knownvalue.Check{
						knownvalue.StringExact("a"), knownvalue.StringExact("b")})),
					statecheck.ExpectKnownValue("data.volcrtc_users.test", tfjsonpath.New("users").AtSliceIndex(0).AtMapKey("tags"),
						knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("a"), knownvalue.StringExact("b")})),
				},
				Check: warnings.once("Repeated tags", `user 7140: "a"`),
			},
		},
	})
}

// Lost answers of an update and of an unregister, and an HTTP-200 error
// body after a register was made: nothing is registered twice, and the
// state and the emulator agree.
func TestAccUserLostAnswers(t *testing.T) {
	t.Parallel()
	emu, url := newEmulator(t, emulator.Options{})
	errorBody := emulator.Fault{Status: 200, Code: "InternalError", Message: "try again"}
	emu.LoseAnswers(emulator.ActionRegisterUsers, 1, errorBody)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(sampleEnv(url)),
		CheckDestroy:             userCheck(emu, 7150, ""),
		Steps: []resource.TestStep{
			{
				Config: userHCL(7150, `nick_name = "A"`+"\n  deletion_protection = false"),
				Check:  resource.ComposeTestCheckFunc(userCheck(emu, 7150, "A|||{}|false"), countOf(emu, emulator.ActionRegisterUsers, 1)),
			},
			{
				PreConfig: func() { emu.LoseAnswers(emulator.ActionUpdateUsers, 1, emulator.FaultBadGateway) },
				Config:    userHCL(7150, `nick_name = "B"`+"\n  deletion_protection = false"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(userAddr, tfjsonpath.New("nick_name"), knownvalue.StringExact("B")),
				},
				Check: userCheck(emu, 7150, "B|||{}|false"),
			},
			{
				PreConfig: func() { emu.LoseAnswers(emulator.ActionUnregisterUsers, 1, emulator.FaultBadGateway) },
				Config:    userHCL(7150, `nick_name = "B"`+"\n  deletion_protection = false"),
				Destroy:   true,
				Check:     userCheck(emu, 7150, ""),
			},
		},
	})
}

// The user is unregistered, or registered again, outside Terraform after
// the plan: the update is not sent, the apply says what happened, and
// the state holds what the API has.
func TestAccUserGoneOrRegisteredAgainAfterPlan(t *testing.T) {
	t.Parallel()
	emu, url := newEmulator(t, emulator.Options{})
	cfg := func(nick string) string {
		return userHCL(7160, fmt.Sprintf("nick_name = %q\n  deletion_protection = false", nick))
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(sampleEnv(url)),
		CheckDestroy:             userCheck(emu, 7160, ""),
		Steps: []resource.TestStep{
			{Config: cfg("A")},
			{
				PreConfig: emu.ResetRequests,
				Config:    cfg("B"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{outsideChange(func() {
					if err := emu.RemoveUser(emulator.SampleAppID, 7160); err != nil {
						t.Fatal(err)
					}
					robot, c := true, "C"
					if err := emu.SetUser(emulator.SampleAppID, emulator.User{UserID: 7160, NickName: &c, IsRobot: &robot}); err != nil {
						t.Fatal(err)
					}
				})}},
				ExpectError: wrapped(`(?s)User registered again since the plan .* User 7160 of app 100001 .*is_robot true, planned false`),
				Check:       countOf(emu, emulator.ActionUpdateUsers, 0),
			},
			{
				// The state took the API's user: a bot named C.
				Config:             cfg("C"),
				PlanOnly:           true,
				ExpectNonEmptyPlan: false,
			},
			{
				PreConfig: emu.ResetRequests,
				Config:    cfg("D"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{outsideChange(func() {
					if err := emu.RemoveUser(emulator.SampleAppID, 7160); err != nil {
						t.Fatal(err)
					}
				})}},
				ExpectError: wrapped(`(?s)User no longer registered .* User 7160 of app 100001 was unregistered outside Terraform`),
				Check:       countOf(emu, emulator.ActionUpdateUsers, 0),
			},
		},
	})
}

// Reads that lag a second behind every write: create, update, a
// replacement and a destroy all converge, with one write each.
func TestAccUserLaggingReads(t *testing.T) {
	t.Parallel()
	emu, url := newEmulator(t, emulator.Options{ReadLag: time.Second})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(sampleEnv(url)),
		CheckDestroy:             resource.ComposeTestCheckFunc(userCheck(emu, 7170, ""), countOf(emu, emulator.ActionUnregisterUsers, 2)),
		Steps: []resource.TestStep{
			{Config: userHCL(7170, `nick_name = "A"`+"\n  deletion_protection = false")},
			{
				Config: userHCL(7170, `nick_name = "B"`+"\n  deletion_protection = false"),
				Check:  resource.ComposeTestCheckFunc(userCheck(emu, 7170, "B|||{}|false"), countOf(emu, emulator.ActionUpdateUsers, 1)),
			},
			{
				// A replacement, with the nickname changed in the same apply.
				Config: userHCL(7170, `nick_name = "C"`+"\n  is_robot = true\n  deletion_protection = false"),
				Check: resource.ComposeTestCheckFunc(userCheck(emu, 7170, "C|||{}|true"),
					countOf(emu, emulator.ActionRegisterUsers, 2), countOf(emu, emulator.ActionUnregisterUsers, 1)),
			},
		},
	})
}

// A user ID above 2^53 and a nickname with control characters are kept
// exact in state and in the API.
func TestAccUserEdgeValues(t *testing.T) {
	t.Parallel()
	emu, url := newEmulator(t, emulator.Options{})
	const big = 9007199254740993
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(sampleEnv(url)),
		CheckDestroy:             userCheck(emu, big, ""),
		Steps: []resource.TestStep{{
			Config: userHCL(big, `nick_name = "a\u001b[2Jb\t"`+"\n  deletion_protection = false"),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(userAddr, tfjsonpath.New("id"), knownvalue.StringExact("100001/9007199254740993")),
				statecheck.ExpectKnownValue(userAddr, tfjsonpath.New("nick_name"), knownvalue.StringExact("a\x1b[2Jb\t")),
			},
			Check: userCheck(emu, big, "a\x1b[2Jb\t|||{}|false"),
		}},
	})
}

// Two resources over one user: the second create is refused, naming the
// import, and the first user is left as it was.
func TestAccUserTwoOwners(t *testing.T) {
	t.Parallel()
	emu, url := newEmulator(t, emulator.Options{})
	two := userHCL(7180, `nick_name = "A"`+"\n  deletion_protection = false") + fmt.Sprintf(`
resource "volcrtc_user" "other" {
  app_id     = %d
  user_id    = 7180
  nick_name  = "B"
  depends_on = [volcrtc_user.test]
}
`, emulator.SampleAppID)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(sampleEnv(url)),
		CheckDestroy:             userCheck(emu, 7180, ""),
		Steps: []resource.TestStep{
			{
				Config:      two,
				ExpectError: wrapped(`(?s)User already registered .* User 7180 is already registered in app 100001`),
			},
			{
				Config: userHCL(7180, `nick_name = "A"`+"\n  deletion_protection = false"),
				Check:  resource.ComposeTestCheckFunc(userCheck(emu, 7180, "A|||{}|false"), countOf(emu, emulator.ActionUpdateUsers, 0)),
			},
		},
	})
}

// A user written by a build without resource identity, then by this one
// (an update), back and forth: identity is written each time this build
// answers, and moving back and forth plans nothing.
func TestAccUserIdentityAcrossBuilds(t *testing.T) {
	t.Parallel()
	emu, url := newEmulator(t, emulator.Options{})
	cfg := func(nick string) string {
		return userHCL(7190, fmt.Sprintf("nick_name = %q\n  deletion_protection = false", nick))
	}
	identity := statecheck.ExpectIdentity(userAddr, map[string]knownvalue.Check{
		"app_id": knownvalue.Int64Exact(emulator.SampleAppID), "user_id": knownvalue.Int64Exact(7190)})
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks: identityCLIs,
		CheckDestroy:           userCheck(emu, 7190, ""),
		Steps: []resource.TestStep{
			{
				ProtoV6ProviderFactories: withoutIdentity(factories(sampleEnv(url))),
				Config:                   cfg("A"),
				ConfigStateChecks:        []statecheck.StateCheck{noIdentity(userAddr)},
			},
			{
				ProtoV6ProviderFactories: factories(sampleEnv(url)),
				Config:                   cfg("B"),
				ConfigStateChecks:        []statecheck.StateCheck{identity},
				Check:                    userCheck(emu, 7190, "B|||{}|false"),
			},
			{
				ProtoV6ProviderFactories: withoutIdentity(factories(sampleEnv(url))),
				Config:                   cfg("B"),
				ConfigPlanChecks:         resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				ProtoV6ProviderFactories: factories(sampleEnv(url)),
				Config:                   cfg("B"),
				ConfigPlanChecks:         resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				ConfigStateChecks:        []statecheck.StateCheck{identity},
			},
		},
	})
}
