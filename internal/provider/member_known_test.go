// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/emulator"
	"github.com/volcrtc/terraform-provider-volcrtc/internal/emulator/emulatortest"
)

// A create finds the listed users already in the group by the cheaper
// read: here every member in one page (the group holds its owner and one
// listed user), not the six listed users by ID in three calls of two
// (max_batch_size = 2), which the writes waited for. Against an API that
// takes 10 users a call, 1,000 members' 100 reads by ID cost the apply a
// second before its first add: 1.76 times the floor of the extra writes.
// The user already there is changed, not added again.
func TestAccConversationMembers_createReadsTheGroupOnce(t *testing.T) {
	t.Parallel()
	fx := groupFixtures()
	old := "Old"
	for i, c := range fx.Apps[0].Conversations {
		if c.ConversationShortID == groupA {
			fx.Apps[0].Conversations[i].Participants = append(c.Participants,
				emulator.Participant{ConversationShortID: groupA, ParticipantUserID: 5, Operator: groupOwner, Role: 0, NickName: &old})
		}
	}
	emu, url := emulatortest.Start(t, fx, emulator.Options{})
	// readsByID counts the BatchGetConversationParticipant calls that came
	// before the first member write.
	readsByID := func(*terraform.State) error {
		n := 0
		for _, r := range emu.Requests() {
			switch r.Action {
			case emulator.ActionAddParticipants, emulator.ActionModifyParticipants:
				if n != 0 {
					return fmt.Errorf("%d BatchGetConversationParticipant calls before the first write: the listed users "+
						"were read by ID, where one page of the group's members holds them all", n)
				}
				return nil
			case "BatchGetConversationParticipant":
				n++
			}
		}
		return fmt.Errorf("no member write")
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(sampleEnv(url)),
		CheckDestroy:             membersDestroyed(emu, groupA),
		Steps: []resource.TestStep{{
			PreConfig: emu.ResetRequests,
			Config: `provider "volcrtc" {
  max_batch_size = 2
}
` + membersHCL(groupA, `{
    "2" = {}
    "3" = {}
    "4" = {}
    "5" = { nick_name = "New" }
    "6" = {}
    "7" = {}
  }`),
			Check: resource.ComposeTestCheckFunc(
				readsByID,
				expectMembers(emu, groupA, `2 member - - {}`, `3 member - - {}`, `4 member - - {}`, `5 member New - {}`,
					`6 member - - {}`, `7 member - - {}`),
				func(*terraform.State) error {
					if got := writeCalls(emu, emulator.ActionModifyParticipants); fmt.Sprint(got) != "[[5]]" {
						return fmt.Errorf("modify calls %v, want [[5]]: the user already there is changed", got)
					}
					for _, ids := range writeCalls(emu, emulator.ActionAddParticipants) {
						for _, id := range ids {
							if id == 5 {
								return fmt.Errorf("user 5, already a member, was added again")
							}
						}
					}
					return nil
				},
			),
		}},
	})
}
