// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/emulator"
	"github.com/volcrtc/terraform-provider-volcrtc/internal/imclient"
)

// volcrtc_conversations adapts its batch size the same way, and says so.
func TestConversationsBatchSizeWarning(t *testing.T) {
	emu, url := newEmulator(t, emulator.Options{MaxIDsPerCall: 2})
	p := newProtocol(t, sampleEnv(url))
	if diags := p.configure(nil); len(diags) != 0 {
		t.Fatal(diagText(diags))
	}
	resp := p.read("volcrtc_conversations", map[string]tftypes.Value{
		"app_id":                 num(emulator.SampleAppID),
		"conversation_short_ids": numList(num(42), num(emulator.SampleConversationID), num(44), num(404)),
	})
	text := diagText(resp.Diagnostics)
	if len(resp.Diagnostics) != 1 || !strings.Contains(text, "BatchGetConversations refused calls of more conversation IDs") ||
		!strings.Contains(text, "Set max_batch_size = 2") {
		t.Fatalf("diagnostics:\n%s", text)
	}
	// Two batches, then one GetConversationMarks per conversation found.
	if st := emu.Stats(); st.Rejected != 1 || st.OK != 4 {
		t.Fatalf("stats %+v", st)
	}
}

// volcrtc_conversations: request order, a missing and a dissolved ID
// listed apart, member counts only when asked.
func TestAccConversations(t *testing.T) {
	emu, url := newEmulator(t, emulator.Options{})
	config := func(include string) string {
		return fmt.Sprintf(`
data "volcrtc_conversations" "test" {
  app_id                 = %d
  conversation_short_ids = [42, 404, %d, 44]
  %s
}

output "owner" {
  value = data.volcrtc_conversations.test.conversations[1].owner_user_id
}
`, emulator.SampleAppID, int64(emulator.SampleConversationID), include)
	}
	addr := "data.volcrtc_conversations.test"
	group := tfjsonpath.New("conversations").AtSliceIndex(1)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(sampleEnv(url)),
		Steps: []resource.TestStep{
			{
				Config: config(""),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("conversations"), knownvalue.ListSizeExact(2)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("conversations").AtSliceIndex(0), knownvalue.ObjectExact(map[string]knownvalue.Check{
						"conversation_short_id": knownvalue.Int64Exact(42), "conversation_id": knownvalue.Null(),
						"conversation_type": knownvalue.Int64Exact(1), "type_name": knownvalue.StringExact("one_to_one"),
						"name": knownvalue.Null(), "description": knownvalue.Null(), "notice": knownvalue.Null(), "avatar_url": knownvalue.Null(),
						"owner_user_id": knownvalue.Int64Exact(1), "owner_user_id_str": knownvalue.Null(),
						"creator_user_id": knownvalue.Int64Exact(1), "creator_user_id_str": knownvalue.Null(),
						"other_user_id": knownvalue.Int64Exact(2), "other_user_id_str": knownvalue.StringExact("bob"),
						"inbox_type": knownvalue.Null(), "create_time": knownvalue.Int64Exact(1600000000),
						"create_time_rfc3339": knownvalue.StringExact("2020-09-13T12:26:40Z"), "modify_time": knownvalue.Int64Exact(1600000000),
						"modify_time_rfc3339": knownvalue.StringExact("2020-09-13T12:26:40Z"), "status": knownvalue.Null(),
						"status_name": knownvalue.Null(), "member_count": knownvalue.Null(), "online_count": knownvalue.Null(), "ext": knownvalue.Null(),
						"marks": knownvalue.ListExact([]knownvalue.Check{}),
					})),
					statecheck.ExpectKnownValue(addr, group, knownvalue.ObjectPartial(map[string]knownvalue.Check{
						"conversation_short_id": knownvalue.Int64Exact(emulator.SampleConversationID),
						"type_name":             knownvalue.StringExact("group"),
						"name":                  knownvalue.StringExact("infra-oncall"),
						"owner_user_id":         knownvalue.Int64Exact(bigID),
						"status_name":           knownvalue.StringExact("normal"),
						"member_count":          knownvalue.Null(),
						"ext":                   knownvalue.MapExact(map[string]knownvalue.Check{"env": knownvalue.StringExact("prod")}),
					})),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("missing_conversation_short_ids"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.Int64Exact(404), knownvalue.Int64Exact(44)})),
					statecheck.ExpectKnownOutputValue("owner", knownvalue.Int64Exact(bigID)),
				},
				Check: func(*terraform.State) error {
					reqs := emu.Requests()
					if len(reqs) == 0 {
						return errNoRequestFor("the conversations")
					}
					for _, r := range reqs {
						if r.Action == "GetConversationMarks" {
							continue // TestAccDataSourceConversations_marks
						}
						if r.Action != "BatchGetConversations" || r.RawBody != fmt.Sprintf(`{"AppId":100001,"ConversationShortId":[42,404,%d,44],"SkipMemberCount":true}`, int64(emulator.SampleConversationID)) {
							return errUnexpected(r)
						}
					}
					return nil
				},
			},
			{
				PreConfig: emu.ResetRequests,
				Config:    config("include_member_count = true"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, group.AtMapKey("member_count"), knownvalue.Int64Exact(4)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("conversations").AtSliceIndex(0).AtMapKey("member_count"), knownvalue.Int64Exact(1)),
				},
				Check: func(*terraform.State) error {
					want := fmt.Sprintf(`{"AppId":100001,"ConversationShortId":[42,404,%d,44],"SkipMemberCount":false}`, int64(emulator.SampleConversationID))
					if reqs := emu.Requests(); len(reqs) == 0 || reqs[0].RawBody != want {
						return fmt.Errorf("requests %+v", reqs)
					}
					return nil
				},
			},
		},
	})
}

const fullConversation = `{"AppId":1,"ConversationShortId":7,"ConversationId":"c","ConversationType":2,"Name":"n",
"Description":"d","Notice":"no","AvatarUrl":"a","OwnerUserId":1,"OwnerUserIdStr":"1","CreatorUserId":2,"CreatorUserIdStr":"2",
"OtherUserId":3,"OtherUserIdStr":"3","InboxType":0,"CreateTime":1,"ModifyTime":2,"Status":0,"MemberCount":5,"OnlineCount":1,"Ext":{"k":"v"}}`

// The sample of the tests that iterate every spec.
func init() {
	sampleOf(conversationsSpec, specSample{
		full: fullConversation,
		states: func(t *testing.T, record string) []state {
			var c imclient.Conversation
			decodeJSON(t, record, &c)
			mc := markedConv{Conversation: c}
			if c.ConversationShortID != nil {
				mc.marks = []string{"official"}
			}
			return []state{{
				"app_id": int64(1), "conversation_short_ids": []int64{7, 8}, "include_member_count": true,
				"conversations": listOf(markedConversationFields, []markedConv{mc}), "missing_conversation_short_ids": []int64{8},
			}}
		},
		reads: []sampleRead{{name: "with a missing ID", args: map[string]tftypes.Value{
			"app_id":                 num(emulator.SampleAppID),
			"conversation_short_ids": numList(num(emulator.SampleConversationID), num(404)),
			"include_member_count":   tftypes.NewValue(tftypes.Bool, true),
		}}},
	})
}
