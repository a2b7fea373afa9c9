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

const scanConv = 8000000000000000001

// scanEmulator serves the sample fixtures plus a conversation of n members.
func scanEmulator(t *testing.T, n int, opts emulator.Options) (*emulator.Server, string) {
	t.Helper()
	return emulatortest.Start(t, emulator.WithMembers(emulator.Sample(), scanConv, n), opts)
}

func allMembersConfig() string {
	return fmt.Sprintf(`
data "volcrtc_conversation_participants" "test" {
  app_id                = %d
  conversation_short_id = %d
}
`, emulator.SampleAppID, int64(scanConv))
}

// scanCalls checks each read made one count call and one call per page
// of 20 with a distinct cursor, and returns how many reads there were.
func scanCalls(emu *emulator.Server, pages int) func(*terraform.State) error {
	return func(*terraform.State) error {
		counts, scans := 0, map[int64]int{}
		for _, r := range emu.Requests() {
			switch r.Action {
			case "GetConversationUserCount":
				counts++
			case "ScanConversationParticipantList":
				var b emulator.ScanBody
				if err := json.Unmarshal([]byte(r.RawBody), &b); err != nil || b.Limit != 20 || r.Status != 200 {
					return errUnexpected(r)
				}
				scans[b.Cursor]++
			default:
				return errUnexpected(r)
			}
		}
		if counts == 0 || len(scans) != pages {
			return fmt.Errorf("%d reads, pages by cursor %v: want %d pages", counts, scans, pages)
		}
		for cursor, n := range scans {
			if n != counts {
				return fmt.Errorf("cursor %d asked %d times in %d reads", cursor, n, counts)
			}
		}
		return nil
	}
}

// Without participant_user_ids, every member is read across pages (47: not
// a multiple of 20), in join order, with both cursor styles.
func TestAccConversationParticipants_allMembers(t *testing.T) {
	for _, style := range []string{emulator.CursorOffset, emulator.CursorOpaque} {
		t.Run(style, func(t *testing.T) {
			emu, url := scanEmulator(t, 47, emulator.Options{CursorStyle: style})
			ids := make([]knownvalue.Check, 47)
			for i := range ids {
				ids[i] = knownvalue.Int64Exact(int64(i + 1))
			}
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: factories(sampleEnv(url)),
				Steps: []resource.TestStep{{
					Config: allMembersConfig() + `
output "ids_by_role" {
  value = { for p in data.volcrtc_conversation_participants.test.participants : p.role_name => p.participant_user_id... }
}
`,
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue(dsAddr, tfjsonpath.New("participant_user_ids"), knownvalue.ListExact(ids)),
						statecheck.ExpectKnownValue(dsAddr, tfjsonpath.New("participants"), knownvalue.ListSizeExact(47)),
						statecheck.ExpectKnownValue(dsAddr, tfjsonpath.New("participants").AtSliceIndex(46), knownvalue.ObjectPartial(map[string]knownvalue.Check{
							"participant_user_id": knownvalue.Int64Exact(47),
							"role_name":           knownvalue.StringExact("owner"),
							"marks":               knownvalue.Null(),
							"avatar_url":          knownvalue.Null(),
						})),
						statecheck.ExpectKnownValue(dsAddr, tfjsonpath.New("missing_user_ids"), knownvalue.ListSizeExact(0)),
						statecheck.ExpectKnownOutputValueAtPath("ids_by_role", tfjsonpath.New("admin"), knownvalue.ListSizeExact(15)),
					},
					Check: scanCalls(emu, 3),
				}},
			})
		})
	}
}

// The scan-only fields of the sample's owner come through a scan; by ID
// they are null, since BatchGetConversationParticipant does not return them.
func TestAccConversationParticipants_scanFields(t *testing.T) {
	_, url := newEmulator(t, emulator.Options{})
	owner := tfjsonpath.New("participants").AtSliceIndex(1)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(sampleEnv(url)),
		Steps: []resource.TestStep{
			{
				Config: fmt.Sprintf(`
data "volcrtc_conversation_participants" "test" {
  app_id                = %d
  conversation_short_id = %d
}
`, emulator.SampleAppID, int64(emulator.SampleConversationID)),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(dsAddr, tfjsonpath.New("participant_user_ids"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.Int64Exact(10001), knownvalue.Int64Exact(bigID), knownvalue.Int64Exact(10002), knownvalue.Int64Exact(10003)})),
					statecheck.ExpectKnownValue(dsAddr, owner, knownvalue.ObjectPartial(map[string]knownvalue.Check{
						"participant_user_id":     knownvalue.Int64Exact(bigID),
						"avatar_url":              knownvalue.StringExact("https://example.com/ada.png"),
						"marks":                   knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("oncall"), knownvalue.StringExact("lead")}),
						"participant_user_id_str": knownvalue.StringExact("ada"),
						"operator_str":            knownvalue.StringExact("admin-10"),
					})),
				},
			},
			{
				Config: sampleDataSource(10001, bigID),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(dsAddr, owner, knownvalue.ObjectPartial(map[string]knownvalue.Check{
						"participant_user_id":     knownvalue.Int64Exact(bigID),
						"avatar_url":              knownvalue.Null(),
						"marks":                   knownvalue.Null(),
						"participant_user_id_str": knownvalue.Null(),
						"operator_str":            knownvalue.Null(),
					})),
				},
			},
		},
	})
}

// A scan that never ends, with either cursor style, and a failing middle
// page end the read with an error saying how far it got; no state.
func TestAccConversationParticipants_scanFailures(t *testing.T) {
	for style, want := range map[string]string{
		emulator.CursorOffset: `(?s)The member list did not end.*stopped after 4 page\(s\) and 45 member\(s\).*could not be followed to its end: the API returned cursor 45 a second time`,
		emulator.CursorOpaque: `(?s)The member list did not end.*stopped after 14 page\(s\) and 45 member\(s\).*far more than a conversation of 45 members fills`,
	} {
		t.Run("never ends, "+style, func(t *testing.T) {
			emu, url := scanEmulator(t, 45, emulator.Options{CursorStyle: style, ScanNeverEnds: true})
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: factories(sampleEnv(url)),
				Steps: []resource.TestStep{
					{Config: allMembersConfig(), ExpectError: wrapped(want)},
					{PreConfig: emu.ResetRequests, Config: sampleDataSource(10001)},
				},
			})
		})
	}
	t.Run("page contradicts itself", func(t *testing.T) {
		emu, url := scanEmulator(t, 537, emulator.Options{})
		emu.ContradictScanPage(2)
		resource.ParallelTest(t, resource.TestCase{
			ProtoV6ProviderFactories: factories(sampleEnv(url)),
			Steps: []resource.TestStep{
				{
					Config: allMembersConfig(),
					ExpectError: wrapped(`(?s)The member list did not end.*stopped after 3 page\(s\) and 60 member\(s\); none of them were saved.*` +
						`said more followed \(HasMore true\) but gave NextCursor -1`),
				},
				lastGood(),
			},
		})
	})
	t.Run("middle page fails", func(t *testing.T) {
		emu, url := scanEmulator(t, 100, emulator.Options{})
		emu.FailScanPage(2, emulator.Fault{Status: 500, Code: "InternalError", CodeN: 100014, Message: "shard down"})
		resource.ParallelTest(t, resource.TestCase{
			ProtoV6ProviderFactories: factories(sampleEnv(url)),
			Steps: []resource.TestStep{
				{
					Config: `provider "volcrtc" { max_retries = 1 }` + allMembersConfig(),
					ExpectError: wrapped(`(?s)Volcengine IM OpenAPI error: InternalError.*stopped after 2 page\(s\) and 40 member\(s\); none of them were saved.*` +
						`ScanConversationParticipantList was rejected.*Message: shard down.*Attempts: 2`),
				},
				lastGood(),
			},
		})
	})
}

// A member count that fails does not fail the read: every member is read
// by the chain alone, one call per page.
func TestAccConversationParticipants_countFails(t *testing.T) {
	emu, url := scanEmulator(t, 537, emulator.Options{})
	emu.FailAction("GetConversationUserCount", &emulator.Fault{Status: 500, Code: "InternalError", Message: "count down"})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(sampleEnv(url)),
		Steps: []resource.TestStep{{
			Config: `provider "volcrtc" { max_retries = 1 }` + allMembersConfig(),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(dsAddr, tfjsonpath.New("participants"), knownvalue.ListSizeExact(537)),
				statecheck.ExpectKnownValue(dsAddr, tfjsonpath.New("participants").AtSliceIndex(536).AtMapKey("participant_user_id"), knownvalue.Int64Exact(537)),
			},
			Check: func(*terraform.State) error {
				counts, pages := 0, map[int64]int{}
				for _, r := range emu.Requests() {
					switch r.Action {
					case "GetConversationUserCount":
						counts++
					case "ScanConversationParticipantList":
						var b emulator.ScanBody
						if err := json.Unmarshal([]byte(r.RawBody), &b); err != nil {
							return err
						}
						pages[b.Cursor]++
					}
				}
				// Each read (apply, then the plan that checks it) made
				// two count calls and the chain's 27 pages, once each.
				reads := counts / 2
				if reads == 0 || counts%2 != 0 || len(pages) != 27 {
					return fmt.Errorf("%d count calls, pages %v", counts, pages)
				}
				for cursor, n := range pages {
					if n != reads {
						return fmt.Errorf("cursor %d asked %d times in %d reads", cursor, n, reads)
					}
				}
				return nil
			},
		}},
	})
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
