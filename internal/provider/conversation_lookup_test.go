// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/emulator"
	"github.com/volcrtc/terraform-provider-volcrtc/internal/imclient"
)

// A destroy succeeds when the conversation its member resources name is
// already gone, whether the API leaves a gone conversation out of
// BatchGetConversations or answers ConversationNotFound.
func TestAccMembers_destroyAfterTheGroupIsGone(t *testing.T) {
	t.Parallel()
	for name, opts := range map[string]emulator.Options{
		"left out":             {},
		"ConversationNotFound": {NotFoundAsError: true},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			emu, url := startGroups(t, opts)
			dissolve := func(*terraform.State) error {
				return emu.UpdateConversation(emulator.SampleAppID, groupA, func(c *emulator.Conversation) {
					c.Status = ptrTo(int64(imclient.StatusDissolved))
				})
			}
			config := membersHCL(groupA, `{ "10002" = {} }`) + memberHCL(groupB, 10003, "") +
				`
resource "volcrtc_conversation_member" "on_a" {
  app_id                = 100001
  conversation_short_id = 500
  user_id               = 10004
}`
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: factories(sampleEnv(url)),
				// Group B's member is removed; the gone group A keeps its two:
				// nothing is removed from a conversation that is not there.
				CheckDestroy: resource.ComposeTestCheckFunc(membersDestroyed(emu, groupB),
					expectMembers(emu, groupA, `10002 member - - {}`, `10004 member - - {}`)),
				Steps: []resource.TestStep{
					{
						Config: config,
						Check: resource.ComposeTestCheckFunc(
							expectMembers(emu, groupA, `10002 member - - {}`, `10004 member - - {}`),
							dissolve,
						),
						// The refresh after it finds the group gone: its two
						// member resources plan to be created again.
						ExpectNonEmptyPlan: true,
					},
				},
			})
		})
	}
}

// The members resource of a group that is gone is removed by refresh, and
// the plan to create it again is refused only where it cannot be a
// destroy's: a conversation this run never had in state.
func TestAccMembers_unknownConversationStillFailsThePlan(t *testing.T) {
	t.Parallel()
	emu, url := startGroups(t, emulator.Options{NotFoundAsError: true})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(sampleEnv(url)),
		CheckDestroy:             membersDestroyed(emu, groupA),
		Steps: []resource.TestStep{
			{
				Config:      membersHCL(999, `{ "2" = {} }`),
				PlanOnly:    true,
				ExpectError: wrapped(`(?s)Conversation not found .* App 100001 has no conversation 999`),
			},
			{
				Config:      memberHCL(999, 2, ""),
				PlanOnly:    true,
				ExpectError: wrapped(`(?s)Conversation not found .* App 100001 has no conversation 999`),
			},
			{Config: membersHCL(groupA, `{ "2" = {} }`)},
		},
	})
}
