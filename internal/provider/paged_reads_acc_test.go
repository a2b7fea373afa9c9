// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/emulator"
	"github.com/volcrtc/terraform-provider-volcrtc/internal/emulator/emulatortest"
)

const pagedUser = 30001

// pagedFixtures: user 30001 is in 45 group conversations (three pages of
// 20), created in order and active in reverse; one of them is in inbox 1;
// the sample conversation has 45 muted members and two blocked users, one
// with only an ID.
func pagedFixtures() emulator.Fixtures {
	fx := emulator.Sample()
	n := func(v int64) *int64 { return &v }
	s := func(v string) *string { return &v }
	for i := int64(1); i <= 46; i++ {
		c := emulator.Conversation{ConversationShortID: 9000 + i, ConversationType: n(2), Name: s(fmt.Sprintf("g%d", i)),
			CreateTime: n(1600000000 + i), ModifyTime: n(1700000000 - i), OwnerUserID: n(pagedUser),
			Participants: []emulator.Participant{{ParticipantUserID: pagedUser, Role: 1}, {ParticipantUserID: 1}}}
		if i == 46 {
			c.InboxType = n(1)
		}
		fx.Apps[0].Conversations = append(fx.Apps[0].Conversations, c)
	}
	conv := &fx.Apps[0].Conversations[0]
	for i := int64(1); i <= 45; i++ {
		conv.Muted = append(conv.Muted, emulator.ListedUser{ParticipantUserID: 40000 + i, NickName: s(fmt.Sprintf("m%d", i)),
			BlockTime: n(1893456000), CreateTime: n(1700000000)})
	}
	conv.Blocked = []emulator.ListedUser{
		{ParticipantUserID: 50001, ParticipantUserIDStr: s("spammer"), NickName: s("Spam"), AvatarURL: s("https://a/s.png"),
			Marks: []string{"flagged"}, Ext: map[string]string{"why": "spam"}, BlockTime: n(1893456000), CreateTime: n(1700000000)},
		{ParticipantUserID: 50002},
	}
	return fx
}

// cursorsOf lists the cursors of every call of action, in order.
func cursorsOf(emu *emulator.Server, action string) []int64 {
	var out []int64
	for _, r := range emu.Requests() {
		if r.Action == action {
			var b struct{ Cursor int64 }
			_ = json.Unmarshal([]byte(r.RawBody), &b)
			out = append(out, b.Cursor)
		}
	}
	return out
}

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

// A conversation's mute list across three pages, its block list with every
// field and with fields left out, a failing middle page and a bad list.
func TestAccConversationBlockList(t *testing.T) {
	emu, url := emulatortest.Start(t, pagedFixtures(), emulator.Options{})
	addr := "data.volcrtc_conversation_block_list.test"
	config := func(list string, conv int64) string {
		return fmt.Sprintf(`
data "volcrtc_conversation_block_list" "test" {
  app_id                = %d
  conversation_short_id = %d
  list                  = %q
}
`, emulator.SampleAppID, conv, list)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(sampleEnv(url)),
		Steps: []resource.TestStep{
			{
				Config:      config("banned", emulator.SampleConversationID),
				ExpectError: wrapped(`(?s)Attribute list value must be one of`),
			},
			{
				Config: config("muted", emulator.SampleConversationID),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("participants"), knownvalue.ListSizeExact(45)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("participants").AtSliceIndex(44), knownvalue.ObjectPartial(map[string]knownvalue.Check{
						"participant_user_id": knownvalue.Int64Exact(40045), "nick_name": knownvalue.StringExact("m45"),
						"block_time_rfc3339":  knownvalue.StringExact("2030-01-01T00:00:00Z"),
						"create_time_rfc3339": knownvalue.StringExact("2023-11-14T22:13:20Z"),
					})),
				},
			},
			{
				Config: config("blocked", emulator.SampleConversationID),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("participants"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectExact(map[string]knownvalue.Check{
							"participant_user_id": knownvalue.Int64Exact(50001), "participant_user_id_str": knownvalue.StringExact("spammer"),
							"nick_name": knownvalue.StringExact("Spam"), "avatar_url": knownvalue.StringExact("https://a/s.png"),
							"marks":      knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("flagged")}),
							"ext":        knownvalue.MapExact(map[string]knownvalue.Check{"why": knownvalue.StringExact("spam")}),
							"block_time": knownvalue.Int64Exact(1893456000), "block_time_rfc3339": knownvalue.StringExact("2030-01-01T00:00:00Z"),
							"create_time": knownvalue.Int64Exact(1700000000), "create_time_rfc3339": knownvalue.StringExact("2023-11-14T22:13:20Z"),
						}),
						knownvalue.ObjectExact(map[string]knownvalue.Check{
							"participant_user_id": knownvalue.Int64Exact(50002), "participant_user_id_str": knownvalue.Null(),
							"nick_name": knownvalue.Null(), "avatar_url": knownvalue.Null(), "marks": knownvalue.Null(), "ext": knownvalue.Null(),
							"block_time": knownvalue.Null(), "block_time_rfc3339": knownvalue.Null(),
							"create_time": knownvalue.Null(), "create_time_rfc3339": knownvalue.Null(),
						}),
					})),
				},
			},
			{
				Config: config("muted", 9001),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("participants"), knownvalue.ListSizeExact(0)),
				},
			},
			{
				PreConfig: func() {
					emu.FailPage("BatchGetBlockParticipants", 1, emulator.Fault{Status: 500, Code: "InternalError", Message: "shard down"})
				},
				Config:      `provider "volcrtc" { max_retries = 0 }` + config("muted", emulator.SampleConversationID),
				ExpectError: wrapped(`(?s)InternalError.*stopped after 1 page\(s\) and 20 listed user\(s\); none of them were saved.*shard down`),
			},
			{
				Config: config("blocked", emulator.SampleConversationID),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("participants"), knownvalue.ListSizeExact(2)),
				},
			},
		},
	})
}
