// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/emulator"
)

const blockListAddr = "volcrtc_conversation_block_list.test"

func blockListHCL(conv int64, list string, participants map[int64]string) string {
	var b strings.Builder
	ids := make([]int64, 0, len(participants))
	for id := range participants {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		fmt.Fprintf(&b, "    %q = { until = %q }\n", fmt.Sprint(id), participants[id])
	}
	return fmt.Sprintf(`
resource "volcrtc_conversation_block_list" "test" {
  app_id                = %d
  conversation_short_id = %d
  list                  = %q
  participants = {
%s  }
}
`, emulator.SampleAppID, conv, list, b.String())
}

// expectBlocked checks the emulator's list: each user with the Unix end
// wanted (give or take the call's own second), nobody else.
func expectBlocked(emu *emulator.Server, list int32, want map[int64]time.Time) resource.TestCheckFunc {
	return func(*terraform.State) error {
		got := emu.BlockList(emulator.SampleAppID, liveGroup, list)
		if len(got) != len(want) {
			return fmt.Errorf("the list holds %d users, want %d: %+v", len(got), len(want), got)
		}
		for _, u := range got {
			end, ok := want[u.ParticipantUserID]
			if !ok || u.BlockTime == nil || *u.BlockTime < end.Unix() || *u.BlockTime > end.Unix()+2 {
				return fmt.Errorf("user %d listed until %v, want %v", u.ParticipantUserID, u.BlockTime, end)
			}
		}
		return nil
	}
}

// callsOf counts the emulator's calls of action.
func callsOf(emu *emulator.Server, action string) int {
	n := 0
	for _, r := range emu.Requests() {
		if r.Action == action {
			n++
		}
	}
	return n
}

func rfc(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// A block list's lifecycle: create, no-op plan, import by ID, a user
// blocked outside removed, a change of until, an until already past
// (a warning, nothing sent, no diff), and destroy.
func TestAccBlockList_lifecycle(t *testing.T) {
	t.Parallel()
	emu, url := startGroups(t, emulator.Options{})
	now := time.Now().Truncate(time.Second)
	h1, h2, h3 := now.Add(time.Hour), now.Add(2*time.Hour), now.Add(3*time.Hour)
	past := now.Add(-time.Hour)
	id := fmt.Sprintf("%d/%d/blocked", emulator.SampleAppID, liveGroup)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(sampleEnv(url)),
		CheckDestroy:             expectBlocked(emu, 1, map[int64]time.Time{}),
		Steps: []resource.TestStep{
			{
				Config: blockListHCL(liveGroup, "blocked", map[int64]string{11: rfc(h1), 12: rfc(h2)}),
				Check: resource.ComposeTestCheckFunc(
					expectBlocked(emu, 1, map[int64]time.Time{11: h1, 12: h2}),
					resource.TestCheckResourceAttr(blockListAddr, "id", id),
					resource.TestCheckResourceAttr(blockListAddr, "participants.11.until", rfc(h1)),
				),
			},
			{
				ResourceName:      blockListAddr,
				ImportState:       true,
				ImportStateVerify: true,
			},
			{
				ResourceName:    blockListAddr,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
				ImportStateId:   id,
			},
			{
				PreConfig: func() {
					if err := emu.SetBlock(emulator.SampleAppID, liveGroup, 1, 77, h3.Unix()); err != nil {
						t.Fatal(err)
					}
					emu.ResetRequests()
				},
				Config: blockListHCL(liveGroup, "blocked", map[int64]string{11: rfc(h1), 12: rfc(h3)}),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(blockListAddr, plancheck.ResourceActionUpdate),
				}},
				Check: resource.ComposeTestCheckFunc(
					expectBlocked(emu, 1, map[int64]time.Time{11: h1, 12: h3}),
					func(*terraform.State) error {
						if a, d := callsOf(emu, emulator.ActionAddBlock), callsOf(emu, emulator.ActionRemoveBlock); a != 1 || d != 1 {
							return fmt.Errorf("%d adds and %d removals, want one each", a, d)
						}
						return nil
					},
				),
			},
			{
				PreConfig: emu.ResetRequests,
				Config:    blockListHCL(liveGroup, "blocked", map[int64]string{11: rfc(h1), 12: rfc(h3), 13: rfc(past)}),
				Check: func(*terraform.State) error {
					if n := callsOf(emu, emulator.ActionAddBlock); n != 0 {
						return fmt.Errorf("an until already past sent %d adds", n)
					}
					return nil
				},
			},
			{
				Config:   blockListHCL(liveGroup, "blocked", map[int64]string{11: rfc(h1), 12: rfc(h3), 13: rfc(past)}),
				PlanOnly: true,
			},
		},
	})
}

// The write faults: a lost add answer (sent again, the list true, the
// next plan empty), a user the API lists as failed (named by ID, left out
// of the state, added by the next apply), a duration the API refuses, a
// normal group refused before any write, and a destroy once the live
// group is gone.
func TestAccBlockList_faults(t *testing.T) {
	t.Parallel()
	emu, url := startGroups(t, emulator.Options{MaxBlockSeconds: 7 * 24 * 3600})
	now := time.Now().Truncate(time.Second)
	h1, h2 := now.Add(time.Hour), now.Add(2*time.Hour)
	tooLong := now.Add(30 * 24 * time.Hour)
	first := map[int64]string{21: rfc(h1), 22: rfc(h2)}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(sampleEnv(url)),
		Steps: []resource.TestStep{
			{
				PreConfig: emu.ResetRequests,
				Config:    blockListHCL(groupA, "muted", first),
				PlanOnly:  true,
				ExpectError: wrapped(`(?s)Not a live group .* conversation_short_id .* Conversation 500 is of conversation type 2\. ` +
					`.* OnlyLiveConversationSupport`),
			},
			{
				PreConfig: func() {
					if n := callsOf(emu, emulator.ActionAddBlock) + callsOf(emu, emulator.ActionRemoveBlock); n != 0 {
						t.Fatalf("a plan-time refusal sent %d writes", n)
					}
					emu.ResetRequests()
					emu.LoseAnswers(emulator.ActionAddBlock, 1, emulator.FaultBadGateway)
					emu.FailUsers(emulator.ActionAddBlock, 22)
				},
				Config:      blockListHCL(liveGroup, "muted", first),
				ExpectError: wrapped(`(?s)Cannot add users to the muted list of conversation 600 .* failed: 22.*untaint`),
				Check:       expectBlocked(emu, 0, map[int64]time.Time{21: h1}),
			},
			{
				PreConfig: func() {
					if n := callsOf(emu, emulator.ActionAddBlock); n != 2 {
						t.Fatalf("the lost answer was sent %d times in all, want 2", n)
					}
					if got := emu.BlockList(emulator.SampleAppID, liveGroup, 0); len(got) != 1 || got[0].ParticipantUserID != 21 {
						t.Fatalf("after the failed apply the list is %+v", got)
					}
					emu.FailUsers(emulator.ActionAddBlock)
				},
				Config: blockListHCL(liveGroup, "muted", first),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					// tainted by the failed create
					plancheck.ExpectResourceAction(blockListAddr, plancheck.ResourceActionDestroyBeforeCreate),
				}},
				Check: expectBlocked(emu, 0, map[int64]time.Time{21: h1, 22: h2}),
			},
			{
				Config:      blockListHCL(liveGroup, "muted", map[int64]string{21: rfc(h1), 22: rfc(h2), 23: rfc(tooLong)}),
				ExpectError: wrapped(`(?s)Cannot add users to the muted list of conversation 600: InvalidParam .* 23`),
				Check:       expectBlocked(emu, 0, map[int64]time.Time{21: h1, 22: h2}),
			},
			{
				PreConfig: func() {
					if err := emu.UpdateConversation(emulator.SampleAppID, liveGroup, func(c *emulator.Conversation) {
						one := int64(1)
						c.Status = &one
					}); err != nil {
						t.Fatal(err)
					}
				},
				Config:  blockListHCL(liveGroup, "muted", first),
				Destroy: true,
			},
		},
	})
}
