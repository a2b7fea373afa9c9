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
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/emulator"
)

const memberAddr = "volcrtc_conversation_member.test"

func memberHCL(conv, user int64, extra string) string {
	return fmt.Sprintf(`
resource "volcrtc_conversation_member" "test" {
  app_id                = %d
  conversation_short_id = %d
  user_id               = %d
  %s
}
`, emulator.SampleAppID, conv, user, extra)
}

// One member beside members nobody manages: an existing member and the
// owner are refused, then create, update in place, import by command and
// block, a member removed outside Terraform planned to be added again,
// and a replacement. The other members are never touched.
func TestAccConversationMember(t *testing.T) {
	t.Parallel()
	emu, url := startGroups(t, emulator.Options{})
	if err := emu.SetMember(emulator.SampleAppID, groupA, emulator.Participant{ParticipantUserID: 7, Operator: 1}); err != nil {
		t.Fatal(err)
	}
	id := fmt.Sprintf("%d/%d/8", emulator.SampleAppID, groupA)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(sampleEnv(url)),
		// Member 7 was added outside Terraform and stays.
		CheckDestroy: expectMembers(emu, groupA, `7 member - - {}`),
		Steps: []resource.TestStep{
			{
				Config: memberHCL(groupA, 7, ""),
				ExpectError: wrapped(`(?s)Already a member .* user_id .* User 7 is already a member of conversation 500\. .* ` +
					`terraform import volcrtc_conversation_member.<name> 100001/500/7 .* id = "100001/500/7"`),
			},
			{
				Config:      memberHCL(groupA, groupOwner, ""),
				PlanOnly:    true,
				ExpectError: wrapped(`(?s)The owner is not a member to manage .* user_id .* User 1 owns conversation 500`),
			},
			{
				Config:      memberHCL(oneToOne, 5, ""),
				PlanOnly:    true,
				ExpectError: wrapped(`(?s)Not a group .* one-to-one chat`),
			},
			{
				Config:      memberHCL(groupA, 8, `role = "boss"`),
				PlanOnly:    true,
				ExpectError: wrapped(`(?s)role .* value must be one of`),
			},
			{
				PreConfig: func() { noWrites(t, emu) },
				Config:    memberHCL(groupA, 8, `role = "admin"`+"\n  nick_name = \"Auditor\""),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(memberAddr, tfjsonpath.New("id"), knownvalue.StringExact(id)),
					statecheck.ExpectKnownValue(memberAddr, tfjsonpath.New("role"), knownvalue.StringExact("admin")),
					statecheck.ExpectKnownValue(memberAddr, tfjsonpath.New("nick_name"), knownvalue.StringExact("Auditor")),
					statecheck.ExpectKnownValue(memberAddr, tfjsonpath.New("level"), knownvalue.Null()),
				},
				Check: expectMembers(emu, groupA, `7 member - - {}`, `8 admin Auditor - {}`),
			},
			{
				PreConfig: emu.ResetRequests,
				Config:    memberHCL(groupA, 8, `level = 4`+"\n  nick_name = \"Auditor\"\n  ext = { k = \"v\" }"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(memberAddr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(memberAddr, tfjsonpath.New("role"), knownvalue.StringExact("member")),
					statecheck.ExpectKnownValue(memberAddr, tfjsonpath.New("level"), knownvalue.Int64Exact(4)),
				},
				Check: resource.ComposeTestCheckFunc(
					expectMembers(emu, groupA, `7 member - - {}`, `8 member Auditor 4 {"k" = "v"}`),
					expectWrites(emu, nil, [][]int64{{8}}, nil),
				),
			},
			{
				ResourceName:      memberAddr,
				ImportState:       true,
				ImportStateVerify: true,
			},
			{
				ResourceName:    memberAddr,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
				ImportStateId:   id,
			},
			{
				PreConfig: func() {
					if err := emu.RemoveMember(emulator.SampleAppID, groupA, 8); err != nil {
						t.Fatal(err)
					}
				},
				Config: memberHCL(groupA, 8, `level = 4`+"\n  nick_name = \"Auditor\"\n  ext = { k = \"v\" }"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(memberAddr, plancheck.ResourceActionCreate),
				}},
				Check: expectMembers(emu, groupA, `7 member - - {}`, `8 member Auditor 4 {"k" = "v"}`),
			},
			{
				Config: memberHCL(groupA, 9, ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(memberAddr, plancheck.ResourceActionDestroyBeforeCreate),
				}},
				Check: expectMembers(emu, groupA, `7 member - - {}`, `9 member - - {}`),
			},
		},
	})
}

// A user the API refuses: the apply fails naming them and nothing is
// created. Then an answer lost after the add: reading the user back shows
// the add applied, so it is not sent again, and the member is created once.
func TestAccConversationMember_writeFailures(t *testing.T) {
	t.Parallel()
	emu, url := startGroups(t, emulator.Options{})
	config := memberHCL(groupA, 8, `nick_name = "Auditor"`)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(sampleEnv(url)),
		CheckDestroy:             membersDestroyed(emu, groupA),
		Steps: []resource.TestStep{
			{
				PreConfig:   func() { emu.FailUsers(emulator.ActionAddParticipants, 8) },
				Config:      config,
				ExpectError: wrapped(`(?s)Member not written .* - 8: the API refused to add them`),
				Check:       expectMembers(emu, groupA),
			},
			{
				PreConfig: func() {
					emu.FailUsers(emulator.ActionAddParticipants)
					emu.ResetRequests()
					emu.LoseAnswers(emulator.ActionAddParticipants, 1, emulator.Fault{})
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(memberAddr, plancheck.ResourceActionCreate),
				}},
				Check: resource.ComposeTestCheckFunc(
					expectMembers(emu, groupA, `8 member Auditor - {}`),
					expectWrites(emu, [][]int64{{8}}, nil, nil),
				),
			},
		},
	})
}

// A live group's members cannot be listed, but one can be read by ID: the
// single member manages one there, and the next plan is empty.
func TestAccConversationMember_liveGroup(t *testing.T) {
	t.Parallel()
	emu, url := startGroups(t, emulator.Options{})
	config := memberHCL(liveGroup, 8, `nick_name = "Host"`)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(sampleEnv(url)),
		CheckDestroy:             membersDestroyed(emu, liveGroup),
		Steps: []resource.TestStep{
			{Config: config, Check: expectMembers(emu, liveGroup, `8 member Host - {}`)},
			{Config: config, ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}},
		},
	})
}
