// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/emulator"
	"github.com/volcrtc/terraform-provider-volcrtc/internal/emulator/emulatortest"
	"github.com/volcrtc/terraform-provider-volcrtc/internal/imclient"
)

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

const fullListed = `{"ParticipantUserId":5,"ParticipantUserIdStr":"five","NickName":"n","AvatarUrl":"a","Marks":["m"],
"Ext":{"k":"v"},"BlockTime":1893456000,"CreateTime":1700000000}`

// The sample of the tests that iterate every spec.
func init() {
	sampleOf(blockListSpec, specSample{
		full: fullListed,
		states: func(t *testing.T, record string) []state {
			var p imclient.BlockedParticipant
			decodeJSON(t, record, &p)
			return []state{{
				"app_id": int64(1), "conversation_short_id": int64(7), "list": "muted", "participants": listOf(listedFields, []listed{p}),
			}}
		},
		reads: []sampleRead{{name: "muted", fixtures: pagedFixtures, args: map[string]tftypes.Value{
			"app_id": num(emulator.SampleAppID), "conversation_short_id": num(emulator.SampleConversationID), "list": str("muted"),
		}}},
	})
}

const blockListDS = "volcrtc_conversation_block_list"

func blockListArgs() map[string]tftypes.Value {
	return map[string]tftypes.Value{"app_id": num(emulator.SampleAppID),
		"conversation_short_id": num(emulator.SampleConversationID), "list": str("muted")}
}

// A listed user without a user ID is left out with a warning, as the
// member scan and volcrtc_users do. It used to be kept with a null ID.
func TestBlockListWithoutUserID(t *testing.T) {
	var api pagedAPI
	url := api.start(t, func(int64) string {
		return `{"HasMore":false,"NextCursor":-1,"Participants":[{"ParticipantUserId":1},{"NickName":"who"},{"ParticipantUserId":2}]}`
	})
	resp := readPaged(t, url, blockListDS, blockListArgs())
	if got := listIn(t, resp, blockListDS, "participants"); len(got) != 2 {
		t.Fatalf("%d listed users, want 2", len(got))
	}
	if text := diagText(resp.Diagnostics); countSeverity(resp.Diagnostics, tfprotov6.DiagnosticSeverityWarning) != 1 ||
		!strings.Contains(text, "1 without a user ID") {
		t.Fatalf("diagnostics:\n%s", text)
	}
}

// A list whose every record has no user ID fails: nothing of it can be
// shown, and an empty list would look like the answer.
func TestBlockListNothingUsable(t *testing.T) {
	var api pagedAPI
	url := api.start(t, func(int64) string {
		return `{"HasMore":false,"NextCursor":-1,"Participants":[{"NickName":"who"}]}`
	})
	resp := readPaged(t, url, blockListDS, blockListArgs())
	if text := diagText(resp.Diagnostics); resp.State != nil || !strings.Contains(text, "none of the 1 records the API returned has a ParticipantUserId") {
		t.Fatalf("diagnostics:\n%s", text)
	}
}
