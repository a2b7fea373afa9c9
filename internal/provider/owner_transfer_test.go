// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/emulator"
)

// Owner transfers in the same apply as member changes: the conversation's
// owner_user_id moves while volcrtc_conversation_members or
// volcrtc_conversation_member changes who is in the group.

// transferConversation is a group owned by owner, created by the
// configuration, then any other blocks.
func transferConversation(owner int64, rest ...string) string {
	out := fmt.Sprintf(`
resource "volcrtc_conversation" "test" {
  app_id              = %d
  type                = "group"
  owner_user_id       = %d
  deletion_protection = false
}
`, emulator.SampleAppID, owner)
	for _, r := range rest {
		out += r
	}
	return out
}

// transferMembers is volcrtc_conversation_members on that group.
func transferMembers(members string) string {
	return fmt.Sprintf(`
resource "volcrtc_conversation_members" "test" {
  app_id                = %d
  conversation_short_id = volcrtc_conversation.test.conversation_short_id
  members               = %s
}
`, emulator.SampleAppID, members)
}

// transferMember is a volcrtc_conversation_member named heir on that group.
func transferMember(user int64) string {
	return fmt.Sprintf(`
resource "volcrtc_conversation_member" "heir" {
  app_id                = %d
  conversation_short_id = volcrtc_conversation.test.conversation_short_id
  user_id               = %d
}
`, emulator.SampleAppID, user)
}

// forget is a removed block that stops managing addr without destroying it.
func forget(addr string) string {
	return fmt.Sprintf(`
removed {
  from = %s
  lifecycle {
    destroy = false
  }
}
`, addr)
}

// expectGroup checks the owner of *conv and its other current members
// (memberSummary's lines).
func expectGroup(emu *emulator.Server, conv *int64, owner int64, members ...string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		c, ok := emu.ConversationState(emulator.SampleAppID, *conv)
		if !ok || c.OwnerUserID == nil || *c.OwnerUserID != owner {
			return fmt.Errorf("conversation %d: owner %v, want %d", *conv, c.OwnerUserID, owner)
		}
		return expectMembers(emu, *conv, members...)(s)
	}
}

// captureConv records the conversation the configuration created.
func captureConv(conv *int64) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		*conv = idOf(s.RootModule().Resources[convAddr].Primary.ID)
		return nil
	}
}

// Ownership moves from 10001 to 10002 while members goes from {10002,
// 10003} to {10003}, in one apply: 10002 stays as the owner, and 10001,
// whom the transfer made a plain member and whom members does not list, is
// removed in the same apply. The next plan is empty.
func TestAccConversationMembers_transferRemovesTheFormerOwner(t *testing.T) {
	t.Parallel()
	emu, url := newConvEmulator(t, emulator.Options{})
	var conv int64
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(sampleEnv(url)),
		CheckDestroy:             conversationsDissolved(emu, emulator.SampleAppID),
		Steps: []resource.TestStep{
			{
				Config: transferConversation(10001, transferMembers(`{ "10002" = {}, "10003" = {} }`)),
				Check: resource.ComposeTestCheckFunc(captureConv(&conv),
					expectGroup(emu, &conv, 10001, `10002 member - - {}`, `10003 member - - {}`)),
			},
			{
				PreConfig: emu.ResetRequests,
				Config:    transferConversation(10002, transferMembers(`{ "10003" = {} }`)),
				Check: resource.ComposeTestCheckFunc(
					expectGroup(emu, &conv, 10002, `10003 member - - {}`),
					expectWrites(emu, nil, nil, [][]int64{{10001}}),
				),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(membersAddr, tfjsonpath.New("members"), knownvalue.MapExact(map[string]knownvalue.Check{
						"10003": member("member", nil, nil, nil),
					})),
				},
			},
			{
				Config:           transferConversation(10002, transferMembers(`{ "10003" = {} }`)),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}

// The heir is a volcrtc_conversation_member whose block the change drops
// (or replaces): Terraform would destroy it first, removing the heir, and
// the transfer would then fail. The plan is refused before any write,
// naming the removed block; with that block, one apply transfers and the
// heir stays in the group.
func TestAccConversationMember_transferToADroppedMember(t *testing.T) {
	t.Parallel()
	emu, url := newConvEmulator(t, emulator.Options{})
	var conv int64
	refused := wrapped(`(?s)The new owner is removed in the same apply .* transfers conversation \d+ to user 10002 .* ` +
		`destroys volcrtc_conversation_member of user 10002\b.* Nothing was changed.* removed \{ .* ` +
		`from = volcrtc_conversation_member.<name> .* destroy = false`)
	unchanged := func() {
		noWrites(t, emu)
		for _, r := range emu.Requests() {
			if r.Action == emulator.ActionModifyConversation {
				t.Errorf("the refused plan transferred ownership: %s", r.RawBody)
			}
		}
		if err := expectGroup(emu, &conv, 10001, `10002 member - - {}`)(nil); err != nil {
			t.Error(err)
		}
	}
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_7_0)},
		ProtoV6ProviderFactories: factories(sampleEnv(url)),
		CheckDestroy:             conversationsDissolved(emu, emulator.SampleAppID),
		Steps: []resource.TestStep{
			{
				Config: transferConversation(10001, transferMember(10002)),
				Check:  resource.ComposeTestCheckFunc(captureConv(&conv), expectGroup(emu, &conv, 10001, `10002 member - - {}`)),
			},
			{
				PreConfig:   emu.ResetRequests,
				Config:      transferConversation(10002),
				ExpectError: refused,
			},
			{
				// A replacement removes the heir just the same.
				PreConfig:   unchanged,
				Config:      transferConversation(10002, transferMember(10004)),
				ExpectError: refused,
			},
			{
				PreConfig: unchanged,
				Config:    transferConversation(10002, forget("volcrtc_conversation_member.heir")),
				Check: resource.ComposeTestCheckFunc(
					// The heir owns it; the former owner is a plain member nobody manages.
					expectGroup(emu, &conv, 10002, `10001 member - - {}`),
					expectWrites(emu, nil, nil, nil),
				),
			},
			{
				Config:           transferConversation(10002, forget("volcrtc_conversation_member.heir")),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}

// The same with volcrtc_conversation_members: dropping the whole list
// while ownership moves to one of its members would remove the heir
// first. The plan is refused before any write; keeping the list without
// the heir is the documented transfer, and converges in one apply.
func TestAccConversationMembers_transferToAMemberOfADroppedList(t *testing.T) {
	t.Parallel()
	emu, url := newConvEmulator(t, emulator.Options{})
	var conv int64
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(sampleEnv(url)),
		CheckDestroy:             conversationsDissolved(emu, emulator.SampleAppID),
		Steps: []resource.TestStep{
			{
				Config: transferConversation(10001, transferMembers(`{ "10002" = {}, "10003" = {} }`)),
				Check:  captureConv(&conv),
			},
			{
				PreConfig: emu.ResetRequests,
				Config:    transferConversation(10002),
				ExpectError: wrapped(`(?s)The new owner is removed in the same apply .* transfers conversation \d+ to user 10002 .* ` +
					`destroys volcrtc_conversation_members, which lists user 10002\b.* Nothing was changed.* drop "10002" from its members`),
			},
			{
				PreConfig: func() {
					noWrites(t, emu)
					if err := expectGroup(emu, &conv, 10001, `10002 member - - {}`, `10003 member - - {}`)(nil); err != nil {
						t.Error(err)
					}
					emu.ResetRequests()
				},
				Config: transferConversation(10002, transferMembers(`{ "10001" = {}, "10003" = {} }`)),
				Check: resource.ComposeTestCheckFunc(
					expectGroup(emu, &conv, 10002, `10001 member - - {}`, `10003 member - - {}`),
					expectWrites(emu, nil, nil, nil),
				),
			},
		},
	})
}
