// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/emulator"
	"github.com/volcrtc/terraform-provider-volcrtc/internal/emulator/emulatortest"
	"github.com/volcrtc/terraform-provider-volcrtc/internal/imclient"
)

// A user's conversations across three pages, in the API's order for each
// source, an empty list, a page that contradicts itself and a failing
// middle page (nothing in state, the error saying how far it got).
func TestAccUserConversations(t *testing.T) {
	emu, url := emulatortest.Start(t, pagedFixtures(), emulator.Options{})
	addr := "data.volcrtc_user_conversations.test"
	config := func(extra string) string {
		return fmt.Sprintf(`
data "volcrtc_user_conversations" "test" {
  app_id              = %d
  participant_user_id = %d
  %s
}
`, emulator.SampleAppID, pagedUser, extra)
	}
	name := func(i int) knownvalue.Check { return knownvalue.StringExact(fmt.Sprintf("g%d", i)) }
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(sampleEnv(url)),
		Steps: []resource.TestStep{
			{
				Config: config(""),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("conversations"), knownvalue.ListSizeExact(45)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("conversations").AtSliceIndex(0).AtMapKey("name"), name(1)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("conversations").AtSliceIndex(44).AtMapKey("name"), name(45)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("conversations").AtSliceIndex(0), knownvalue.ObjectPartial(map[string]knownvalue.Check{
						"conversation_short_id": knownvalue.Int64Exact(9001), "type_name": knownvalue.StringExact("group"),
						"member_count": knownvalue.Null(), "description": knownvalue.Null(), "status": knownvalue.Null(),
					})),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("source"), knownvalue.Null()),
				},
				Check: func(*terraform.State) error {
					// One call per page, each cursor once, in each read so far.
					got := cursorsOf(emu, "GetUserConversations")
					if len(got) == 0 || len(got)%3 != 0 {
						return fmt.Errorf("cursors %v", got)
					}
					for i, c := range got {
						if c != int64(i%3)*20 {
							return fmt.Errorf("cursors %v", got)
						}
					}
					return nil
				},
			},
			{
				Config: config(`source = "recent"
  include_member_count = true`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("conversations").AtSliceIndex(0).AtMapKey("name"), name(1)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("conversations").AtSliceIndex(1).AtMapKey("name"), name(2)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("conversations").AtSliceIndex(0).AtMapKey("member_count"), knownvalue.Int64Exact(2)),
				},
			},
			{
				Config: config(`inbox_type = 1`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("conversations"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectPartial(map[string]knownvalue.Check{"name": name(46)})})),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("inbox_type"), knownvalue.Int64Exact(1)),
				},
			},
			{
				Config: config(`source = "live_groups_created"`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("conversations"), knownvalue.ListSizeExact(0)),
				},
			},
			{
				PreConfig:   func() { emu.ContradictPage("GetUserConversations", 1) },
				Config:      config(""),
				ExpectError: wrapped(`(?s)The conversation list did not end.*stopped after 2 page\(s\) and 40 conversation\(s\); none of them were saved.*HasMore true`),
			},
			{
				PreConfig: func() {
					emu.FailPage("GetUserConversations", 1, emulator.Fault{Status: 400, Code: "InvalidParam", Message: "page gone"})
				},
				Config:      config(`source = "all"`),
				ExpectError: wrapped(`(?s)InvalidParam.*stopped after 1 page\(s\) and 20 conversation\(s\); none of them were saved.*page gone`),
			},
			{
				Config: config(`source = "live_groups_created"`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("conversations"), knownvalue.ListSizeExact(0)),
				},
			},
		},
	})
}

// The sample of the tests that iterate every spec: every argument null,
// and every argument set.
var _ = sampleOf(userConversationsSpec, specSample{
	full: fullConversation,
	states: func(t *testing.T, record string) []state {
		var c imclient.Conversation
		decodeJSON(t, record, &c)
		return []state{{
			"app_id": int64(1), "participant_user_id": int64(5), "source": "all", "inbox_type": int64(0), "include_member_count": true,
			"conversations": listOf(conversationFields, []imclient.Conversation{c}),
		}}
	},
	reads: []sampleRead{
		{name: "defaults", fixtures: pagedFixtures, args: map[string]tftypes.Value{
			"app_id": num(emulator.SampleAppID), "participant_user_id": num(pagedUser),
		}},
		{name: "every argument", fixtures: pagedFixtures, args: map[string]tftypes.Value{
			"app_id": num(emulator.SampleAppID), "participant_user_id": num(pagedUser), "source": str("all"),
			"inbox_type": num(1), "include_member_count": tftypes.NewValue(tftypes.Bool, true),
		}},
	},
})
