// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/emulator"
)

const whitelistAddr = "volcrtc_conversation_whitelist.test"

func whitelistHCL(conv int64, ids ...int64) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = fmt.Sprint(id)
	}
	return fmt.Sprintf(`
resource "volcrtc_conversation_whitelist" "test" {
  app_id                = %d
  conversation_short_id = %d
  operator_user_id      = 1
  user_ids              = [%s]
}
`, emulator.SampleAppID, conv, strings.Join(parts, ", "))
}

func expectWhitelist(emu *emulator.Server, want ...int64) resource.TestCheckFunc {
	return func(*terraform.State) error {
		got := slices.Sorted(slices.Values(emu.Whitelist(emulator.SampleAppID, liveGroup)))
		if !slices.Equal(got, want) {
			return fmt.Errorf("the whitelist holds %v, want %v", got, want)
		}
		return nil
	}
}

// The whitelist: a normal group and a set over the cap refused before any
// write; a lost add answer and a failed user (by ID); the next apply
// converges; import by ID with an empty plan after; a user added outside
// removed; the data source reads it whole; destroy empties it.
func TestAccWhitelist(t *testing.T) {
	t.Parallel()
	emu, url := startGroups(t, emulator.Options{MaxIDsPerCall: 20})
	many := make([]int64, 101)
	for i := range many {
		many[i] = int64(1000 + i)
	}
	users := make([]int64, 25) // two calls, two pages
	for i := range users {
		users[i] = int64(100 + i)
	}
	id := fmt.Sprintf("%d/%d", emulator.SampleAppID, liveGroup)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(sampleEnv(url)),
		CheckDestroy:             expectWhitelist(emu),
		Steps: []resource.TestStep{
			{
				Config:      whitelistHCL(groupA, 5),
				PlanOnly:    true,
				ExpectError: wrapped(`(?s)Not a live group .* OnlyLiveConversationSupport`),
			},
			{
				Config:      whitelistHCL(liveGroup, many...),
				PlanOnly:    true,
				ExpectError: wrapped(`(?s)user_ids .* set must contain at most 100 elements`),
			},
			{
				PreConfig: func() {
					for _, r := range emu.Requests() {
						if strings.Contains(r.Action, "Whitelist") {
							t.Fatalf("a plan-time refusal called %s", r.Action)
						}
					}
					emu.LoseAnswers(emulator.ActionAddWhitelist, 1, emulator.FaultUnavailable)
					emu.FailUsers(emulator.ActionAddWhitelist, 124)
				},
				Config:      whitelistHCL(liveGroup, users...),
				ExpectError: wrapped(`(?s)Cannot add users to the whitelist of conversation 600 .* failed: 124`),
				Check:       expectWhitelist(emu, users[:24]...),
			},
			{
				PreConfig: func() { emu.FailUsers(emulator.ActionAddWhitelist) },
				Config:    whitelistHCL(liveGroup, users...),
				Check:     expectWhitelist(emu, users...),
			},
			{
				ResourceName:      whitelistAddr,
				ImportState:       true,
				ImportStateVerify: true,
			},
			{
				ResourceName:    whitelistAddr,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
				ImportStateId:   id,
			},
			{
				PreConfig: func() {
					if err := emu.AddToWhitelist(emulator.SampleAppID, liveGroup, 9); err != nil {
						t.Fatal(err)
					}
				},
				Config: whitelistHCL(liveGroup, users...) + fmt.Sprintf(`
data "volcrtc_conversation_whitelist" "test" {
  app_id                = %d
  conversation_short_id = %d
  depends_on            = [volcrtc_conversation_whitelist.test]
}
`, emulator.SampleAppID, liveGroup),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(whitelistAddr, plancheck.ResourceActionUpdate),
				}},
				Check: resource.ComposeTestCheckFunc(
					expectWhitelist(emu, users...),
					resource.TestCheckResourceAttr("data.volcrtc_conversation_whitelist.test", "participants.#", "25"),
					resource.TestCheckResourceAttr("data.volcrtc_conversation_whitelist.test", "participants.24.participant_user_id", "124"),
				),
			},
		},
	})
}
