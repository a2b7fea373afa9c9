// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/emulator"
	"github.com/volcrtc/terraform-provider-volcrtc/internal/emulator/emulatortest"
	"github.com/volcrtc/terraform-provider-volcrtc/internal/imclient"
)

// Acceptance tests of volcrtc_conversation_members through a real CLI
// against the emulator: what the state says, what the emulator holds, and
// which writes it received.

const membersAddr = "volcrtc_conversation_members.test"

// Conversations of groupFixtures, in app emulator.SampleAppID.
const (
	groupA     = 500 // a group owned by user 1, nobody else in it
	groupB     = 501 // the same
	liveGroup  = 600 // a live group owned by user 1
	oneToOne   = 42  // Sample's one-to-one chat
	groupOwner = 1
)

// groupFixtures is Sample plus empty groups and a live group.
func groupFixtures() emulator.Fixtures {
	fx := emulator.Sample()
	typ := func(v int64) *int64 { return &v }
	owner := int64(groupOwner)
	ownerOnly := func(conv int64) []emulator.Participant {
		return []emulator.Participant{{ConversationShortID: conv, ParticipantUserID: groupOwner, Operator: groupOwner, Role: 1}}
	}
	for _, c := range []struct{ id, typ int64 }{{groupA, 2}, {groupB, 2}, {liveGroup, 100}} {
		fx.Apps[0].Conversations = append(fx.Apps[0].Conversations, emulator.Conversation{
			ConversationShortID: c.id, ConversationType: typ(c.typ), OwnerUserID: &owner, CreatorUserID: &owner,
			Participants: ownerOnly(c.id)})
	}
	return fx
}

func startGroups(t *testing.T, opts emulator.Options) (*emulator.Server, string) {
	t.Helper()
	return emulatortest.Start(t, groupFixtures(), opts)
}

// membersHCL is the resource on conversation conv with the given members
// map (HCL) and any extra attributes.
func membersHCL(conv int64, members string, extra ...string) string {
	return fmt.Sprintf(`
resource "volcrtc_conversation_members" "test" {
  app_id                = %d
  conversation_short_id = %d
  %s
  members = %s
}
`, emulator.SampleAppID, conv, strings.Join(extra, "\n  "), members)
}

// memberSummary describes the current members of conv but its owner as
// the emulator holds them, one "ID role nick level ext" per member, by ID.
func memberSummary(emu *emulator.Server, conv int64) string {
	ps, _ := emu.Members(emulator.SampleAppID, conv)
	var lines []string
	for _, p := range ps {
		if p.Role == 1 || (p.Status != nil && *p.Status == 1) {
			continue
		}
		nick, level := "-", "-"
		if p.NickName != nil && *p.NickName != "" {
			nick = *p.NickName
		}
		if p.Level != nil && *p.Level != 0 {
			level = fmt.Sprint(*p.Level)
		}
		lines = append(lines, fmt.Sprintf("%d %s %s %s %s", p.ParticipantUserID, roleName(p.Role), nick, level, extText(p.Ext)))
	}
	slices.SortFunc(lines, func(a, b string) int {
		x, _ := strconv.ParseInt(strings.Fields(a)[0], 10, 64)
		y, _ := strconv.ParseInt(strings.Fields(b)[0], 10, 64)
		return cmp.Compare(x, y)
	})
	return strings.Join(lines, "\n")
}

// expectMembers checks the emulator's members of conv (see memberSummary).
func expectMembers(emu *emulator.Server, conv int64, want ...string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if got := memberSummary(emu, conv); got != strings.Join(want, "\n") {
			return fmt.Errorf("conversation %d holds:\n%s\nwant:\n%s", conv, got, strings.Join(want, "\n"))
		}
		return nil
	}
}

// writeCalls lists the user IDs of each call of a member write the
// emulator received since its requests were last reset, in arrival order.
func writeCalls(emu *emulator.Server, action string) [][]int64 {
	var out [][]int64
	for _, r := range emu.Requests() {
		if r.Action != action {
			continue
		}
		var body struct {
			ParticipantInfos []struct {
				ParticipantUserID int64 `json:"ParticipantUserId"`
			} `json:"ParticipantInfos"`
			ParticipantUserIDs []int64 `json:"ParticipantUserIds"`
		}
		_ = json.Unmarshal([]byte(r.RawBody), &body)
		ids := body.ParticipantUserIDs
		for _, p := range body.ParticipantInfos {
			ids = append(ids, p.ParticipantUserID)
		}
		out = append(out, ids)
	}
	return out
}

// expectWrites checks every member write since the last reset: the user
// IDs of each call, per action (nil: no call).
func expectWrites(emu *emulator.Server, add, modify, remove [][]int64) resource.TestCheckFunc {
	return func(*terraform.State) error {
		for _, w := range []struct {
			action string
			want   [][]int64
		}{{emulator.ActionAddParticipants, add}, {emulator.ActionModifyParticipants, modify}, {emulator.ActionRemoveParticipants, remove}} {
			if got := writeCalls(emu, w.action); !reflect.DeepEqual(got, w.want) {
				return fmt.Errorf("%s calls carried %v, want %v", w.action, got, w.want)
			}
		}
		return nil
	}
}

// expectOperator checks that every member write since the last reset
// named operator as the user who acts.
func expectOperator(emu *emulator.Server, operator int64) resource.TestCheckFunc {
	return func(*terraform.State) error {
		n := 0
		for _, r := range emu.Requests() {
			switch r.Action {
			case emulator.ActionAddParticipants, emulator.ActionModifyParticipants, emulator.ActionRemoveParticipants:
				var body struct{ Operator int64 }
				_ = json.Unmarshal([]byte(r.RawBody), &body)
				if body.Operator != operator {
					return fmt.Errorf("%s named operator %d, want %d", r.Action, body.Operator, operator)
				}
				n++
			}
		}
		if n == 0 {
			return fmt.Errorf("no member write to check the operator of")
		}
		return nil
	}
}

// noWrites fails the test when the emulator received any write.
func noWrites(t *testing.T, emu *emulator.Server) {
	t.Helper()
	for _, r := range emu.Requests() {
		switch r.Action {
		case emulator.ActionAddParticipants, emulator.ActionModifyParticipants, emulator.ActionRemoveParticipants:
			t.Errorf("a plan-time error must come before any write, but the emulator got %s: %s", r.Action, r.RawBody)
		}
	}
}

// member builds the knownvalue of one member's object.
func member(role string, nick, level, ext knownvalue.Check) knownvalue.Check {
	null := func(c knownvalue.Check) knownvalue.Check {
		if c == nil {
			return knownvalue.Null()
		}
		return c
	}
	return knownvalue.ObjectExact(map[string]knownvalue.Check{
		"role": knownvalue.StringExact(role), "nick_name": null(nick), "level": null(level), "ext": null(ext),
	})
}

// planMembers checks the members map of the plan's change to addr: the
// keys before and after, and for listed keys their nick_name after.
type planMembers struct {
	before, after []string
	nickAfter     map[string]string
}

func (c planMembers) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	keys := func(v any) []string {
		m, _ := v.(map[string]any)
		ms, _ := m["members"].(map[string]any)
		var out []string
		for k := range ms {
			out = append(out, k)
		}
		sortUserIDKeys(out)
		return out
	}
	for _, rc := range req.Plan.ResourceChanges {
		if rc.Address != membersAddr {
			continue
		}
		if got := keys(rc.Change.Before); !reflect.DeepEqual(got, c.before) {
			resp.Error = fmt.Errorf("members before: %v, want %v", got, c.before)
			return
		}
		if got := keys(rc.Change.After); !reflect.DeepEqual(got, c.after) {
			resp.Error = fmt.Errorf("members after: %v, want %v", got, c.after)
			return
		}
		after, _ := rc.Change.After.(map[string]any)["members"].(map[string]any)
		for k, want := range c.nickAfter {
			if m, _ := after[k].(map[string]any); m["nick_name"] != want {
				resp.Error = fmt.Errorf("members[%q].nick_name after: %v, want %q", k, m["nick_name"], want)
				return
			}
		}
		return
	}
	resp.Error = fmt.Errorf("no change of %s in the plan", membersAddr)
}

// Create, update in place (only the differences sent), replace, import by
// command and by block, then a plan with no changes.
func TestAccConversationMembers_lifecycle(t *testing.T) {
	t.Parallel()
	emu, url := startGroups(t, emulator.Options{})
	id := func(conv int64) string { return fmt.Sprintf("%d/%d", emulator.SampleAppID, conv) }
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(sampleEnv(url)),
		CheckDestroy:             resource.ComposeTestCheckFunc(membersDestroyed(emu, groupA), membersDestroyed(emu, groupB)),
		Steps: []resource.TestStep{
			{
				Config: membersHCL(groupA, `{
    "2" = {}
    "3" = { role = "admin", nick_name = "Cy" }
    "4" = { level = 3, ext = { team = "a" } }
  }`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(membersAddr, tfjsonpath.New("id"), knownvalue.StringExact(id(groupA))),
					statecheck.ExpectKnownValue(membersAddr, tfjsonpath.New("members"), knownvalue.MapExact(map[string]knownvalue.Check{
						"2": member("member", nil, nil, nil),
						"3": member("admin", knownvalue.StringExact("Cy"), nil, nil),
						"4": member("member", nil, knownvalue.Int64Exact(3), knownvalue.MapExact(map[string]knownvalue.Check{"team": knownvalue.StringExact("a")})),
					})),
				},
				Check: resource.ComposeTestCheckFunc(
					expectMembers(emu, groupA, `2 member - - {}`, `3 admin Cy - {}`, `4 member - 3 {"team" = "a"}`),
					expectWrites(emu, [][]int64{{2, 3, 4}}, nil, nil),
					expectOperator(emu, groupOwner),
				),
			},
			{
				PreConfig: emu.ResetRequests,
				Config: membersHCL(groupA, `{
    "3" = { nick_name = "Cy" }
    "4" = { level = 3, ext = { team = "a" } }
    "5" = { nick_name = "Eve" }
  }`, "operator_user_id = 77"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(membersAddr, plancheck.ResourceActionUpdate),
					planMembers{before: []string{"2", "3", "4"}, after: []string{"3", "4", "5"}},
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(membersAddr, tfjsonpath.New("members").AtMapKey("3"), member("member", knownvalue.StringExact("Cy"), nil, nil)),
				},
				Check: resource.ComposeTestCheckFunc(
					expectMembers(emu, groupA, `3 member Cy - {}`, `4 member - 3 {"team" = "a"}`, `5 member Eve - {}`),
					expectWrites(emu, [][]int64{{5}}, [][]int64{{3}}, [][]int64{{2}}),
					expectOperator(emu, 77),
				),
			},
			{
				// Another conversation: the members of this one are removed first.
				PreConfig: emu.ResetRequests,
				Config: membersHCL(groupB, `{
    "3" = { nick_name = "Cy" }
  }`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(membersAddr, plancheck.ResourceActionDestroyBeforeCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(membersAddr, tfjsonpath.New("id"), knownvalue.StringExact(id(groupB))),
				},
				Check: resource.ComposeTestCheckFunc(
					expectMembers(emu, groupA),
					expectMembers(emu, groupB, `3 member Cy - {}`),
				),
			},
			{
				ResourceName:      membersAddr,
				ImportState:       true,
				ImportStateId:     id(groupB),
				ImportStateVerify: true,
			},
			{
				ResourceName:    membersAddr,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
				ImportStateId:   id(groupB),
			},
			{
				Config: membersHCL(groupB, `{
    "3" = { nick_name = "Cy" }
  }`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}

// Members added and changed outside Terraform show in the plan (an
// outsider as a removal by user ID) and the apply repairs them.
func TestAccConversationMembers_drift(t *testing.T) {
	t.Parallel()
	emu, url := startGroups(t, emulator.Options{})
	config := membersHCL(groupA, `{
    "2" = {}
    "3" = { nick_name = "Cy" }
  }`)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(sampleEnv(url)),
		CheckDestroy:             membersDestroyed(emu, groupA),
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig: func() {
					if err := emu.SetMember(emulator.SampleAppID, groupA, emulator.Participant{ParticipantUserID: 99, Operator: 7}); err != nil {
						t.Fatal(err)
					}
					mallory := "Mallory"
					if err := emu.UpdateMember(emulator.SampleAppID, groupA, 3, func(p *emulator.Participant) { p.NickName = &mallory }); err != nil {
						t.Fatal(err)
					}
					emu.ResetRequests()
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(membersAddr, plancheck.ResourceActionUpdate),
					planMembers{before: []string{"2", "3", "99"}, after: []string{"2", "3"}, nickAfter: map[string]string{"3": "Cy"}},
				}},
				Check: resource.ComposeTestCheckFunc(
					expectMembers(emu, groupA, `2 member - - {}`, `3 member Cy - {}`),
					expectWrites(emu, nil, [][]int64{{3}}, [][]int64{{99}}),
				),
			},
			{Config: config, PlanOnly: true},
		},
	})
}

// The API refuses one user of an update: the apply fails naming them,
// the state records what the API has, the next plan holds only that user,
// and a second apply converges.
func TestAccConversationMembers_partialFailure(t *testing.T) {
	t.Parallel()
	emu, url := startGroups(t, emulator.Options{})
	config := membersHCL(groupA, `{
    "2" = {}
    "3" = {}
    "4" = { nick_name = "Dee" }
    "5" = {}
  }`)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(sampleEnv(url)),
		CheckDestroy:             membersDestroyed(emu, groupA),
		Steps: []resource.TestStep{
			{Config: membersHCL(groupA, `{ "2" = {} }`)},
			{
				PreConfig:   func() { emu.FailUsers(emulator.ActionAddParticipants, 4) },
				Config:      config,
				ExpectError: wrapped(`(?s)Members only partly written .* Of 3 member changes, 1 was not made: - 4: the API refused to add them \(it listed them in FailedUserIds, which carries no reason\) .* The state records what the API has now`),
			},
			{
				PreConfig: func() {
					emu.FailUsers(emulator.ActionAddParticipants)
					emu.ResetRequests()
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					planMembers{before: []string{"2", "3", "5"}, after: []string{"2", "3", "4", "5"}},
				}},
				Check: resource.ComposeTestCheckFunc(
					expectMembers(emu, groupA, `2 member - - {}`, `3 member - - {}`, `4 member Dee - {}`, `5 member - - {}`),
					expectWrites(emu, [][]int64{{4}}, nil, nil),
				),
			},
			{
				// A destroy the API partly refuses keeps in the state exactly
				// the member it could not remove.
				PreConfig:   func() { emu.FailUsers(emulator.ActionRemoveParticipants, 3) },
				Config:      config,
				Destroy:     true,
				ExpectError: wrapped(`(?s)Members only partly written .* - 3: the API refused to remove them`),
				Check:       expectMembers(emu, groupA, `3 member - - {}`),
			},
			{
				PreConfig: func() {
					emu.FailUsers(emulator.ActionRemoveParticipants)
					if got := memberSummary(emu, groupA); got != "3 member - - {}" {
						t.Errorf("after the failed destroy the group holds:\n%s", got)
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(membersAddr, plancheck.ResourceActionUpdate),
					planMembers{before: []string{"3"}, after: []string{"2", "3", "4", "5"}},
				}},
			},
		},
	})
}

// A create the API partly refuses: the error explains the taint and the
// way to add only the rest, and the state lists exactly who got in (the
// replacement plan's "before").
func TestAccConversationMembers_failedCreate(t *testing.T) {
	t.Parallel()
	emu, url := startGroups(t, emulator.Options{})
	config := membersHCL(groupA, `{
    "2" = {}
    "3" = {}
    "4" = {}
  }`)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(sampleEnv(url)),
		CheckDestroy:             membersDestroyed(emu, groupA),
		Steps: []resource.TestStep{
			{
				PreConfig: func() { emu.FailUsers(emulator.ActionAddParticipants, 3) },
				Config:    config,
				ExpectError: wrapped(`(?s)- 3: the API refused to add them .* tainted .* remove the 2 members who did get in .* ` +
					"`terraform untaint`" + ` .* then ` + "`terraform apply`"),
				Check: expectMembers(emu, groupA, `2 member - - {}`, `4 member - - {}`),
			},
			{
				PreConfig: func() {
					emu.FailUsers(emulator.ActionAddParticipants)
					if got := memberSummary(emu, groupA); got != "2 member - - {}\n4 member - - {}" {
						t.Errorf("after the failed create the group holds:\n%s", got)
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(membersAddr, plancheck.ResourceActionDestroyBeforeCreate),
					planMembers{before: []string{"2", "4"}, after: []string{"2", "3", "4"}},
				}},
				Check: expectMembers(emu, groupA, `2 member - - {}`, `3 member - - {}`, `4 member - - {}`),
			},
		},
	})
}

// An answer lost after the API acted: the add is settled by reading its
// users back (they are in, so it is not sent again: each add posts a
// system message) and the removal's repeat finds the user gone; the apply
// succeeds with exactly the planned members.
func TestAccConversationMembers_lostAnswer(t *testing.T) {
	t.Parallel()
	emu, url := startGroups(t, emulator.Options{})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(sampleEnv(url)),
		CheckDestroy:             membersDestroyed(emu, groupA),
		Steps: []resource.TestStep{
			{
				PreConfig: func() { emu.LoseAnswers(emulator.ActionAddParticipants, 1, emulator.Fault{}) },
				Config:    membersHCL(groupA, `{ "2" = {}, "3" = { role = "admin" } }`),
				Check: resource.ComposeTestCheckFunc(
					expectMembers(emu, groupA, `2 member - - {}`, `3 admin - - {}`),
					expectWrites(emu, [][]int64{{2, 3}}, nil, nil),
				),
			},
			{
				PreConfig: func() {
					emu.ResetRequests()
					emu.LoseAnswers(emulator.ActionRemoveParticipants, 1, emulator.FaultBadGateway)
				},
				Config: membersHCL(groupA, `{ "3" = { role = "admin" } }`),
				Check: resource.ComposeTestCheckFunc(
					expectMembers(emu, groupA, `3 admin - - {}`),
					expectWrites(emu, nil, nil, [][]int64{{2}, {2}}),
				),
			},
		},
	})
}

// An add answered with errors after the API applied it (three 503s, then
// an HTTP-200 error body) is never sent again: each user is added once.
func TestAccConversationMembers_maybeAppliedAddOnce(t *testing.T) {
	t.Parallel()
	emu, url := startGroups(t, emulator.Options{})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(sampleEnv(url)),
		CheckDestroy:             membersDestroyed(emu, groupA),
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					emu.ResetRequests()
					emu.LoseAnswers(emulator.ActionAddParticipants, 3, emulator.FaultUnavailable)
				},
				Config: membersHCL(groupA, `{ "2" = { nick_name = "Ada" }, "3" = { role = "admin" } }`),
				Check: resource.ComposeTestCheckFunc(
					expectMembers(emu, groupA, `2 member Ada - {}`, `3 admin - - {}`),
					expectWrites(emu, [][]int64{{2, 3}}, nil, nil),
				),
			},
			{
				PreConfig: func() {
					emu.ResetRequests()
					emu.LoseAnswers(emulator.ActionAddParticipants, 1,
						emulator.Fault{Status: 200, Code: imclient.CodeInternalError, Message: "try again"})
				},
				Config: membersHCL(groupA, `{ "2" = { nick_name = "Ada" }, "3" = { role = "admin" }, "4" = {} }`),
				Check: resource.ComposeTestCheckFunc(
					expectMembers(emu, groupA, `2 member Ada - {}`, `3 admin - - {}`, `4 member - - {}`),
					expectWrites(emu, [][]int64{{4}}, nil, nil),
				),
			},
		},
	})
}

// Read after write: an API that merges ext keys instead of replacing them
// fails the apply naming the attribute and both values; the state holds
// what the API has, so a configuration that says the same plans nothing.
func TestAccConversationMembers_readAfterWrite(t *testing.T) {
	t.Parallel()
	emu, url := startGroups(t, emulator.Options{MergeExt: true})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(sampleEnv(url)),
		CheckDestroy:             membersDestroyed(emu, groupA),
		Steps: []resource.TestStep{
			{Config: membersHCL(groupA, `{ "2" = { ext = { a = "1" } } }`)},
			{
				Config: membersHCL(groupA, `{ "2" = { ext = { b = "2" } } }`),
				ExpectError: wrapped(`(?s)The API kept a different value than planned .* After the change, the API reports ` +
					`members\["2"\]\.ext = \{"a" = "1", "b" = "2"\}, but the plan said \{"b" = "2"\}`),
			},
			{
				Config:           membersHCL(groupA, `{ "2" = { ext = { a = "1", b = "2" } } }`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}

// Every plan-time error, on its attribute, before any write.
func TestAccConversationMembers_planErrors(t *testing.T) {
	t.Parallel()
	emu, url := startGroups(t, emulator.Options{})
	admins := make([]string, 11)
	for i := range admins {
		admins[i] = fmt.Sprintf(`"%d" = { role = "admin" }`, 10+i)
	}
	step := func(conv int64, members, pattern string) resource.TestStep {
		return resource.TestStep{Config: membersHCL(conv, members), PlanOnly: true, ExpectError: wrapped("(?s)" + pattern)}
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(sampleEnv(url)),
		CheckDestroy:             membersDestroyed(emu, groupA),
		Steps: []resource.TestStep{
			step(groupA, `{ "abc" = {} }`, `Invalid user ID .* members = \{ "abc" = \{\} \} .* The key "abc" is not a user ID`),
			step(groupA, `{ "010" = {} }`, `Invalid user ID .* The key "010" is not a user ID\. .* without sign, spaces or leading zeros`),
			step(groupA, `{ "-3" = {} }`, `Invalid user ID .* The key "-3" is not a user ID`),
			step(groupA, `{ "2" = { role = "owner" } }`, `members\["2"\]\.role value must be one of: \["member" "admin"\], got: "owner"`),
			step(groupA, `{ "2" = { level = 1.5 } }`, `members\["2"\]\.level .* whole number`),
			step(groupA, `{ "10004" = null, "2" = {} }`, `A member is null .* members\["10004"\] is null\. .* write "10004" = \{\} .* leave "10004" out`),
			step(groupA, "{\n"+strings.Join(admins, "\n")+"\n}", `Too many admins .* 11 members the role "admin" .* at most 10 admins`),
			step(groupA, `{ "1" = {}, "2" = {} }`, `The owner is not listed in members .* User 1 owns conversation 500\. .* Remove "1" from members`),
			step(liveGroup, `{ "2" = {} }`, `Not a group .* conversation_short_id .* Conversation 600 is a live group \(conversation type 100\)\. The API lists only a live group's owner and admins`),
			step(oneToOne, `{ "2" = {} }`, `Not a group .* Conversation 42 is a one-to-one chat`),
			step(999, `{ "2" = {} }`, `Conversation not found .* App 100001 has no conversation 999`),
			{
				PreConfig: func() { noWrites(t, emu) },
				Config:    membersHCL(groupA, `{ "2" = {} }`),
				Check:     expectMembers(emu, groupA, `2 member - - {}`),
			},
		},
	})
}

// A conversation created in the same apply has no ID at plan time: the
// checks run in Create, before any write.
func TestAccConversationMembers_liveGroupAtApply(t *testing.T) {
	t.Parallel()
	emu, url := startGroups(t, emulator.Options{})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(sampleEnv(url)),
		CheckDestroy:             membersDestroyed(emu, groupA),
		Steps: []resource.TestStep{
			{
				Config: `
resource "terraform_data" "conv" {
  input = 600
}
` + strings.Replace(membersHCL(0, `{ "2" = {} }`), "conversation_short_id = 0", "conversation_short_id = terraform_data.conv.output", 1),
				ExpectError: wrapped(`Conversation 600 is a live group`),
			},
			{
				PreConfig: func() { noWrites(t, emu) },
				Config:    membersHCL(groupA, `{}`),
			},
		},
	})
}

// A conversation whose owner the API does not name: the writes need an
// operator, so the apply fails before any write until operator_user_id is
// set.
func TestAccConversationMembers_noOwner(t *testing.T) {
	t.Parallel()
	emu, url := startGroups(t, emulator.Options{})
	if err := emu.UpdateConversation(emulator.SampleAppID, groupA, func(c *emulator.Conversation) { c.OwnerUserID = nil }); err != nil {
		t.Fatal(err)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(sampleEnv(url)),
		CheckDestroy:             membersDestroyed(emu, groupA),
		Steps: []resource.TestStep{
			{
				Config:      membersHCL(groupA, `{ "2" = {} }`),
				ExpectError: wrapped(`(?s)No operator for the member writes .* did not say who owns conversation 500, and .* Set operator_user_id`),
			},
			{
				PreConfig: func() { noWrites(t, emu); emu.ResetRequests() },
				Config:    membersHCL(groupA, `{ "2" = {} }`, "operator_user_id = 9"),
				Check:     resource.ComposeTestCheckFunc(expectMembers(emu, groupA, `2 member - - {}`), expectOperator(emu, 9)),
			},
		},
	})
}

// When the read back after the writes fails, the state follows the
// answers: what the API confirmed is recorded, what it refused is left to
// do, and the next plan holds only that.
func TestAccConversationMembers_readBackFails(t *testing.T) {
	t.Parallel()
	emu, url := startGroups(t, emulator.Options{})
	config := `
provider "volcrtc" {
  max_retries = 0
}
` + membersHCL(groupA, `{
    "3" = {}
    "4" = {}
    "5" = {}
  }`)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(sampleEnv(url)),
		CheckDestroy:             membersDestroyed(emu, groupA),
		Steps: []resource.TestStep{
			{Config: membersHCL(groupA, `{ "2" = {}, "3" = {} }`)},
			{
				PreConfig: func() {
					emu.FailUsers(emulator.ActionAddParticipants, 5)
					emu.FailAction(imclient.ActionBatchGetParticipants, &emulator.FaultUnavailable)
				},
				Config:      config,
				ExpectError: wrapped(`(?s)- 5: the API refused to add them`),
				Check:       expectMembers(emu, groupA, `3 member - - {}`, `4 member - - {}`),
			},
			{
				PreConfig: func() {
					emu.FailUsers(emulator.ActionAddParticipants)
					emu.FailAction(imclient.ActionBatchGetParticipants, nil)
					emu.ResetRequests()
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					planMembers{before: []string{"3", "4"}, after: []string{"3", "4", "5"}},
				}},
				Check: resource.ComposeTestCheckFunc(
					expectMembers(emu, groupA, `3 member - - {}`, `4 member - - {}`, `5 member - - {}`),
					expectWrites(emu, [][]int64{{5}}, nil, nil),
				),
			},
		},
	})
}

// The documented owner transfer in one apply: ownership moves from 10001
// to 10002 while members goes from {10002, 10003} to {10001, 10003}. The
// new owner is not removed, the old one is not added again.
func TestAccConversationMembers_ownerTransferInOneApply(t *testing.T) {
	t.Parallel()
	emu, url := newConvEmulator(t, emulator.Options{})
	config := func(owner int64, members string) string {
		return fmt.Sprintf(`
resource "volcrtc_conversation" "test" {
  app_id              = %d
  type                = "group"
  owner_user_id       = %d
  deletion_protection = false
}

resource "volcrtc_conversation_members" "test" {
  app_id                = %d
  conversation_short_id = volcrtc_conversation.test.conversation_short_id
  members               = %s
}
`, emulator.SampleAppID, owner, emulator.SampleAppID, members)
	}
	var conv int64
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(sampleEnv(url)),
		CheckDestroy:             conversationsDissolved(emu, emulator.SampleAppID),
		Steps: []resource.TestStep{
			{
				Config: config(10001, `{ "10002" = {}, "10003" = {} }`),
				Check: func(s *terraform.State) error {
					conv = idOf(stateAttr(s, "id"))
					return nil
				},
			},
			{
				PreConfig: emu.ResetRequests,
				Config:    config(10002, `{ "10001" = {}, "10003" = {} }`),
				Check: resource.ComposeTestCheckFunc(
					func(*terraform.State) error {
						c, _ := emu.ConversationState(emulator.SampleAppID, conv)
						if *c.OwnerUserID != 10002 {
							return fmt.Errorf("owner %d, want 10002", *c.OwnerUserID)
						}
						if got := memberSummary(emu, conv); got != "10001 member - - {}\n10003 member - - {}" {
							return fmt.Errorf("members:\n%s", got)
						}
						if adds, removes := writeCalls(emu, emulator.ActionAddParticipants), writeCalls(emu, emulator.ActionRemoveParticipants); len(adds)+len(removes) != 0 {
							return fmt.Errorf("adds %v, removes %v: want none", adds, removes)
						}
						return nil
					},
				),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(membersAddr, tfjsonpath.New("members"), knownvalue.MapExact(map[string]knownvalue.Check{
						"10001": member("member", knownvalue.Null(), knownvalue.Null(), knownvalue.Null()),
						"10003": member("member", knownvalue.Null(), knownvalue.Null(), knownvalue.Null()),
					})),
				},
			},
		},
	})
}

// Answers whose FailedUserIds lie or are odd, after the API applied every
// change as asked: users it applied, a repeat, IDs as strings, a
// malformed entry. The state is what a read-back shows, and the next plan
// is empty. A list naming a user the call did not send contradicts the
// call: its removal is settled by the read-back, the writes after it are
// not sent, and the next apply does them.
func TestAccConversationMembers_failedUserIdsThatLie(t *testing.T) {
	t.Parallel()
	emu, url := startGroups(t, emulator.Options{})
	answers := []struct {
		action, members string
		failed          any
		group           []string
	}{
		{emulator.ActionAddParticipants, `{ "2" = {}, "3" = {} }`, []any{3}, // applied, listed as failed
			[]string{"2 member - - {}", "3 member - - {}"}},
		{emulator.ActionAddParticipants, `{ "2" = {}, "3" = {}, "5" = {} }`, []any{5, 5}, // repeated
			[]string{"2 member - - {}", "3 member - - {}", "5 member - - {}"}},
		{emulator.ActionModifyParticipants, `{ "2" = {}, "3" = {}, "5" = { nick_name = "Five" } }`, []any{"5"}, // a string
			[]string{"2 member - - {}", "3 member - - {}", "5 member Five - {}"}},
		{emulator.ActionRemoveParticipants, `{ "3" = {}, "5" = { nick_name = "Five" } }`, []any{map[string]any{}}, // malformed
			[]string{"3 member - - {}", "5 member Five - {}"}},
	}
	steps := []resource.TestStep{{Config: membersHCL(groupA, `{ "2" = {} }`)}}
	for _, a := range answers {
		config := membersHCL(groupA, a.members)
		steps = append(steps,
			resource.TestStep{
				PreConfig: func() { emu.ReplaceResultField(a.action, 1, "FailedUserIds", a.failed) },
				Config:    config,
				Check:     expectMembers(emu, groupA, a.group...),
			},
			resource.TestStep{
				Config:           config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			})
	}
	config := membersHCL(groupA, `{ "5" = { nick_name = "Five" }, "6" = {} }`)
	steps = append(steps,
		resource.TestStep{
			PreConfig:   func() { emu.ReplaceResultField(emulator.ActionRemoveParticipants, 1, "FailedUserIds", []any{999}) },
			Config:      config,
			ExpectError: wrapped(`(?s)Members only partly written .* - 6: not sent to add: an earlier call failed \(.*FailedUserIds names user 999, whom this call did not send.*\), so no more were sent`),
			Check:       expectMembers(emu, groupA, "5 member Five - {}"),
		},
		resource.TestStep{
			PreConfig: func() {
				if got := memberSummary(emu, groupA); got != "5 member Five - {}" {
					t.Errorf("after the contradicted removal the group holds:\n%s", got)
				}
			},
			Config: config,
			Check:  expectMembers(emu, groupA, "5 member Five - {}", "6 member - - {}"),
		})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(sampleEnv(url)),
		CheckDestroy:             membersDestroyed(emu, groupA),
		Steps:                    steps,
	})
}
