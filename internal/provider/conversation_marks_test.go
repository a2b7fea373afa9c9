// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"encoding/json"
	"fmt"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/emulator"
)

func TestMarkChanges(t *testing.T) {
	add, remove := markChanges([]string{"c", "a", "b"}, []string{"b", "d", "e"})
	if !slices.Equal(add, []string{"a", "c"}) || !slices.Equal(remove, []string{"d", "e"}) {
		t.Fatalf("add %v, remove %v", add, remove)
	}
	if add, remove := markChanges([]string{"a"}, []string{"a"}); add != nil || remove != nil {
		t.Fatalf("nothing to do, got add %v, remove %v", add, remove)
	}
	if !sameMarks([]string{"b", "a"}, []string{"a", "b"}) || sameMarks([]string{"a"}, []string{}) {
		t.Fatal("sameMarks")
	}
}

// markCall is one MarkConversation the emulator received.
type markCall struct {
	Action int32
	Marks  []string
}

func markCalls(emu *emulator.Server) []markCall {
	var out []markCall
	for _, r := range emu.Requests() {
		if r.Action != "MarkConversation" {
			continue
		}
		var b struct {
			MarkTypes  []string `json:"MarkTypes"`
			MarkAction int32    `json:"MarkAction"`
		}
		_ = json.Unmarshal([]byte(r.RawBody), &b)
		out = append(out, markCall{b.MarkAction, b.MarkTypes})
	}
	return out
}

func countAction(emu *emulator.Server, action string) int {
	n := 0
	for _, r := range emu.Requests() {
		if r.Action == action {
			n++
		}
	}
	return n
}

// importConfig is markedConfig as an import finds it: protected.
func importConfig(marks string) string {
	return conversationConfig(`
  app_id        = 100001
  owner_user_id = 10001
  name          = "official"
  ` + marks)
}

func markedConfig(marks string) string {
	return conversationConfig(`
  app_id              = 100001
  owner_user_id       = 10001
  name                = "official"
  deletion_protection = false
  ` + marks)
}

// wantMarks checks the marks the emulator holds for the resource's
// conversation and the MarkConversation calls it received.
func wantMarks(emu *emulator.Server, id *string, marks []string, calls ...markCall) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		*id = stateAttr(s, "id")
		got := emu.Marks(emulator.SampleAppID, idOf(*id))
		slices.Sort(got)
		if !slices.Equal(got, marks) {
			return fmt.Errorf("the emulator holds marks %q, want %q", got, marks)
		}
		if mc := markCalls(emu); fmt.Sprint(mc) != fmt.Sprint(calls) {
			return fmt.Errorf("MarkConversation calls %+v, want %+v", mc, calls)
		}
		return nil
	}
}

func marksValue(marks ...string) knownvalue.Check {
	checks := make([]knownvalue.Check, len(marks))
	for i, m := range marks {
		checks[i] = knownvalue.StringExact(m)
	}
	return knownvalue.SetExact(checks)
}

// Marks left out are not managed: never read, never sent, even when the
// conversation has some.
func TestAccConversation_marksUnmanaged(t *testing.T) {
	emu, url := newConvEmulator(t, emulator.Options{})
	var id string
	noMarkCalls := func(s *terraform.State) error {
		id = stateAttr(s, "id")
		for _, a := range []string{"MarkConversation", "GetConversationMarks"} {
			if n := countAction(emu, a); n != 0 {
				return fmt.Errorf("%d %s calls, want none", n, a)
			}
		}
		return nil
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(sampleEnv(url)),
		CheckDestroy:             conversationsDissolved(emu, emulator.SampleAppID),
		Steps: []resource.TestStep{
			{
				Config:            markedConfig(""),
				ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectKnownValue(convAddr, tfjsonpath.New("marks"), knownvalue.Null())},
				Check:             noMarkCalls,
			},
			{
				PreConfig: func() {
					if err := emu.SetMarks(emulator.SampleAppID, idOf(id), "by-hand"); err != nil {
						t.Fatal(err)
					}
					emu.ResetRequests()
				},
				Config: markedConfig(""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(convAddr, plancheck.ResourceActionNoop),
				}},
				Check: resource.ComposeTestCheckFunc(noMarkCalls, func(*terraform.State) error {
					if got := emu.Marks(emulator.SampleAppID, idOf(id)); !slices.Equal(got, []string{"by-hand"}) {
						return fmt.Errorf("marks %q, want the one added outside kept", got)
					}
					return nil
				}),
			},
			{
				// Import: the conversation's marks are read once, and
				// taking them into the configuration plans nothing.
				Config:          importConfig(`marks = ["by-hand"]`),
				ResourceName:    convAddr,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
			},
		},
	})
}

// Set marks are authoritative: create, an update that adds one and drops
// one sends exactly those, a mark added outside shows as a removal and
// is removed, import plans nothing, a lost answer converges.
func TestAccConversation_marks(t *testing.T) {
	emu, url := newConvEmulator(t, emulator.Options{})
	var id string
	marksAre := func(marks ...string) []statecheck.StateCheck {
		return []statecheck.StateCheck{statecheck.ExpectKnownValue(convAddr, tfjsonpath.New("marks"), marksValue(marks...))}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(sampleEnv(url)),
		CheckDestroy:             conversationsDissolved(emu, emulator.SampleAppID),
		Steps: []resource.TestStep{
			{
				Config:      markedConfig(`marks = ["official", ""]`),
				PlanOnly:    true,
				ExpectError: wrapped(`Attribute marks holds an empty string`),
			},
			{
				PreConfig:         emu.ResetRequests,
				Config:            markedConfig(`marks = ["support", "official"]`),
				ConfigStateChecks: marksAre("official", "support"),
				Check: resource.ComposeTestCheckFunc(
					wantMarks(emu, &id, []string{"official", "support"}, markCall{1, []string{"official", "support"}}),
					func(*terraform.State) error {
						// A new conversation holds no marks: nothing to read first.
						if n := countAction(emu, "ModifyConversation"); n != 0 {
							return fmt.Errorf("%d ModifyConversation calls", n)
						}
						return nil
					}),
			},
			{
				PreConfig:         emu.ResetRequests,
				Config:            markedConfig(`marks = ["official", "announcements"]`),
				ConfigStateChecks: marksAre("announcements", "official"),
				Check: resource.ComposeTestCheckFunc(
					wantMarks(emu, &id, []string{"announcements", "official"},
						markCall{2, []string{"support"}}, markCall{1, []string{"announcements"}}),
					func(*terraform.State) error {
						if n := countAction(emu, "ModifyConversation"); n != 0 {
							return fmt.Errorf("%d ModifyConversation calls for a change of marks alone", n)
						}
						return nil
					}),
			},
			{
				PreConfig: func() {
					if err := emu.SetMarks(emulator.SampleAppID, idOf(id), "official", "by-hand", "announcements"); err != nil {
						t.Fatal(err)
					}
					emu.ResetRequests()
				},
				Config: markedConfig(`marks = ["official", "announcements"]`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(convAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(convAddr, tfjsonpath.New("marks"), marksValue("announcements", "official")),
				}},
				ConfigStateChecks: marksAre("announcements", "official"),
				Check:             wantMarks(emu, &id, []string{"announcements", "official"}, markCall{2, []string{"by-hand"}}),
			},
			{
				ResourceName:            convAddr,
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"deletion_protection", "create_idempotency_key"},
			},
			{
				Config:          importConfig(`marks = ["official", "announcements"]`),
				ResourceName:    convAddr,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
			},
			{
				// The add is made but its answer lost: the read-back shows
				// it, the state records it, and the mark is held once.
				PreConfig: func() {
					emu.ResetRequests()
					emu.LoseAnswers("MarkConversation", 1, emulator.FaultUnavailable)
				},
				Config:            markedConfig(`marks = ["official", "announcements", "lost"]`),
				ConfigStateChecks: marksAre("announcements", "lost", "official"),
				Check: func(s *terraform.State) error {
					got := emu.Marks(emulator.SampleAppID, idOf(stateAttr(s, "id")))
					if !slices.Equal(got, []string{"official", "announcements", "lost"}) {
						return fmt.Errorf("marks %q, want lost added once", got)
					}
					for _, c := range markCalls(emu) {
						if c.Action != 1 || !slices.Equal(c.Marks, []string{"lost"}) {
							return fmt.Errorf("MarkConversation %+v, want only the add of lost", c)
						}
					}
					return nil
				},
			},
			{
				// Without retries the lost answer is an error of the call:
				// the read-back shows the mark, so the apply succeeds and
				// nothing is sent again.
				PreConfig: func() {
					emu.ResetRequests()
					emu.LoseAnswers("MarkConversation", 1, emulator.FaultUnavailable)
				},
				Config:            "provider \"volcrtc\" {\n  max_retries = 0\n}\n" + markedConfig(`marks = ["official", "announcements", "lost", "again"]`),
				ConfigStateChecks: marksAre("again", "announcements", "lost", "official"),
				Check:             wantMarks(emu, &id, []string{"again", "announcements", "lost", "official"}, markCall{1, []string{"again"}}),
			},
			{
				// Marks dropped from the configuration are left alone.
				PreConfig: emu.ResetRequests,
				Config:    markedConfig(""),
				Check: func(s *terraform.State) error {
					if n := len(markCalls(emu)); n != 0 {
						return fmt.Errorf("%d MarkConversation calls after marks left the configuration", n)
					}
					if got := emu.Marks(emulator.SampleAppID, idOf(stateAttr(s, "id"))); len(got) != 4 {
						return fmt.Errorf("marks %q, want the four kept", got)
					}
					return nil
				},
				ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectKnownValue(convAddr, tfjsonpath.New("marks"), knownvalue.Null())},
			},
		},
	})
}

// volcrtc_conversations returns each conversation's marks, sorted, with
// one GetConversationMarks per conversation found.
func TestAccDataSourceConversations_marks(t *testing.T) {
	emu, url := newEmulator(t, emulator.Options{})
	if err := emu.SetMarks(emulator.SampleAppID, emulator.SampleConversationID, "official", "announcements"); err != nil {
		t.Fatal(err)
	}
	addr := "data.volcrtc_conversations.test"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(sampleEnv(url)),
		Steps: []resource.TestStep{{
			PreConfig: emu.ResetRequests,
			Config: fmt.Sprintf(`
data "volcrtc_conversations" "test" {
  app_id                 = %d
  conversation_short_ids = [%d, 42, 404]
}
`, emulator.SampleAppID, int64(emulator.SampleConversationID)),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("conversations").AtSliceIndex(0).AtMapKey("marks"),
					knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("announcements"), knownvalue.StringExact("official")})),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("conversations").AtSliceIndex(1).AtMapKey("marks"),
					knownvalue.ListExact([]knownvalue.Check{})),
			},
			Check: func(*terraform.State) error {
				// Terraform reads the data source in plan and in apply, and
				// each read asks for the two conversations found.
				reads, batches := countAction(emu, "GetConversationMarks"), countAction(emu, "BatchGetConversations")
				if batches == 0 || reads != 2*batches {
					return fmt.Errorf("%d GetConversationMarks for %d reads of 2 conversations", reads, batches)
				}
				return nil
			},
		}},
	})
}

// A set over the API's cap is refused by the API: the apply fails with
// its code and the state records the marks the API holds, so the next
// plan still shows the change.
func TestAccConversation_marksOverTheCap(t *testing.T) {
	emu, url := newConvEmulator(t, emulator.Options{MaxMarks: 2})
	var id string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(sampleEnv(url)),
		CheckDestroy:             conversationsDissolved(emu, emulator.SampleAppID),
		Steps: []resource.TestStep{
			{
				Config: markedConfig(`marks = ["a", "b"]`),
				Check:  wantMarks(emu, &id, []string{"a", "b"}, markCall{1, []string{"a", "b"}}),
			},
			{
				PreConfig:   emu.ResetRequests,
				Config:      markedConfig(`marks = ["a", "b", "c"]`),
				ExpectError: wrapped(`ConversationMarkTypeMoreThanLimit`),
			},
			{
				// The state holds what the API holds: ["a", "b"].
				Config: markedConfig(`marks = ["a", "b"]`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(convAddr, plancheck.ResourceActionNoop),
				}},
			},
		},
	})
}
