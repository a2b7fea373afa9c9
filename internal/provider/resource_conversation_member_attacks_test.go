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

	"github.com/volcrtc/terraform-provider-volcrtc/internal/emulator"
)

// volcrtc_conversation_member under the write checklist's attacks that
// its other tests do not make: answers lost after a change and after a
// removal, an answer without FailedUserIds, reads that lag every write,
// and values at the edges.

// memberGone checks that user is no current member of groupA.
func memberGone(emu *emulator.Server, user int64) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if p, ok := emu.Member(emulator.SampleAppID, groupA, user); ok && (p.Status == nil || *p.Status != 1) {
			return fmt.Errorf("user %d is still a member of conversation %d", user, groupA)
		}
		return nil
	}
}

// A change and a removal whose answers are lost after the API applied
// them (a 502 page, then an empty answer): each ends true, the change
// with the state the API holds, the destroy with the user gone; a lost
// add is settled by reading back, so it is sent once.
func TestAccConversationMember_lostAnswers(t *testing.T) {
	t.Parallel()
	emu, url := startGroups(t, emulator.Options{})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(sampleEnv(url)),
		CheckDestroy:             memberGone(emu, 8),
		Steps: []resource.TestStep{
			{
				PreConfig: func() { emu.LoseAnswers(emulator.ActionAddParticipants, 1, emulator.FaultBadGateway) },
				Config:    memberHCL(groupA, 8, `nick_name = "Ada"`),
				Check: resource.ComposeTestCheckFunc(
					expectMembers(emu, groupA, `8 member Ada - {}`),
					expectWrites(emu, [][]int64{{8}}, nil, nil),
				),
			},
			{
				PreConfig: func() {
					emu.ResetRequests()
					emu.LoseAnswers(emulator.ActionModifyParticipants, 1, emulator.FaultBadGateway)
				},
				Config: memberHCL(groupA, 8, `nick_name = "Bea"`+"\n  role = \"admin\""),
				Check:  expectMembers(emu, groupA, `8 admin Bea - {}`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(memberAddr, tfjsonpath.New("nick_name"), knownvalue.StringExact("Bea")),
					statecheck.ExpectKnownValue(memberAddr, tfjsonpath.New("role"), knownvalue.StringExact("admin")),
				},
			},
			{
				Config:           memberHCL(groupA, 8, `nick_name = "Bea"`+"\n  role = \"admin\""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				// The destroy's answer is lost; it ends with the user gone.
				PreConfig: func() { emu.LoseAnswers(emulator.ActionRemoveParticipants, 1, emulator.Fault{}) },
				Config:    memberHCL(groupA, 8, `nick_name = "Bea"`+"\n  role = \"admin\""),
				Destroy:   true,
				Check:     memberGone(emu, 8),
			},
		},
	})
}

// An add answered without FailedUserIds (the field left out) is settled
// by reading the user back: in the group, so the create succeeds, once.
func TestAccConversationMember_answerWithoutFailedUserIds(t *testing.T) {
	t.Parallel()
	emu, url := startGroups(t, emulator.Options{})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(sampleEnv(url)),
		CheckDestroy:             memberGone(emu, 8),
		Steps: []resource.TestStep{
			{
				PreConfig: func() { emu.DropResultField(emulator.ActionAddParticipants, 1, "FailedUserIds") },
				Config:    memberHCL(groupA, 8, `level = 2`),
				Check: resource.ComposeTestCheckFunc(
					expectMembers(emu, groupA, `8 member - 2 {}`),
					expectWrites(emu, [][]int64{{8}}, nil, nil),
				),
			},
			{
				Config:           memberHCL(groupA, 8, `level = 2`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}

// Reads that lag every write by 1.5 s: create, change and destroy still
// succeed, nothing is tainted, and the next plan is empty.
func TestAccConversationMember_laggingReads(t *testing.T) {
	t.Parallel()
	emu, url := startGroups(t, emulator.Options{})
	emu.SetReadLag(readLag)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(sampleEnv(url)),
		CheckDestroy:             memberGone(emu, 8),
		Steps: []resource.TestStep{
			{Config: memberHCL(groupA, 8, `nick_name = "Ada"`)},
			{
				Config: memberHCL(groupA, 8, `nick_name = "Bea"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(memberAddr, plancheck.ResourceActionUpdate),
				}},
				Check: expectMembers(emu, groupA, `8 member Bea - {}`),
			},
			{
				Config:           memberHCL(groupA, 8, `nick_name = "Bea"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}

// IDs that are not positive 64-bit whole numbers are refused on their
// attribute at plan, before any call; 2^53 + 1 and 2^63 - 1 come through
// exactly, and a nickname with control characters is kept byte-exact in
// the state and in the API.
func TestAccConversationMember_valuesAtTheEdges(t *testing.T) {
	t.Parallel()
	emu, url := startGroups(t, emulator.Options{})
	refused := func(user, pattern string) resource.TestStep {
		return resource.TestStep{
			Config: fmt.Sprintf(`
resource "volcrtc_conversation_member" "test" {
  app_id                = %d
  conversation_short_id = %d
  user_id               = %s
}
`, emulator.SampleAppID, groupA, user),
			PlanOnly:    true,
			ExpectError: wrapped(`(?s)user_id .* ` + pattern),
		}
	}
	const nick = "a\x1b[2Jb\x00c"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(sampleEnv(url)),
		CheckDestroy:             resource.ComposeTestCheckFunc(memberGone(emu, 9007199254740993), memberGone(emu, 9223372036854775807)),
		Steps: []resource.TestStep{
			refused("1.5", `must be a whole number at least 1 \(no fraction\), got: 1.5`),
			refused("0", `must be at least 1, got: 0`),
			refused("-3", `must be at least 1, got: -3`),
			refused("9223372036854775808", `must be at most 9223372036854775807, the largest 64-bit ID`),
			{
				PreConfig: func() { noWrites(t, emu) },
				Config:    memberHCL(groupA, 9007199254740993, `nick_name = "a\u001b[2Jb\u0000c"`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(memberAddr, tfjsonpath.New("user_id"), knownvalue.Int64Exact(9007199254740993)),
					statecheck.ExpectKnownValue(memberAddr, tfjsonpath.New("nick_name"), knownvalue.StringExact(nick)),
				},
				Check: func(*terraform.State) error {
					p, ok := emu.Member(emulator.SampleAppID, groupA, 9007199254740993)
					if !ok || p.NickName == nil || *p.NickName != nick {
						return fmt.Errorf("the API holds %+v, want nick_name %q", p, nick)
					}
					return nil
				},
			},
			{
				Config: memberHCL(groupA, 9223372036854775807, ""),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(memberAddr, tfjsonpath.New("id"),
						knownvalue.StringExact(fmt.Sprintf("%d/%d/9223372036854775807", emulator.SampleAppID, groupA))),
				},
			},
		},
	})
}
