// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/emulator"
)

const bigID = emulator.SampleBigUserID

// Every field of every member, in request order, with non-members listed
// apart and IDs above 2^53 kept exact.
func TestAccConversationParticipants_allFields(t *testing.T) {
	emu, url := newEmulator(t, emulator.Options{})
	config := sampleDataSource(bigID, 555, 10001, 10002, 10003, 9007199254740995) + `
output "owner_nick_name" {
  value = one([for p in data.volcrtc_conversation_participants.test.participants : p.nick_name if p.role_name == "owner"])
}
output "nick_by_user" {
  value = { for p in data.volcrtc_conversation_participants.test.participants : tostring(p.participant_user_id) => p.nick_name if p.nick_name != null }
}
output "first_user_id" {
  value = data.volcrtc_conversation_participants.test.participants[0].participant_user_id
}
`
	conv := knownvalue.Int64Exact(emulator.SampleConversationID)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(sampleEnv(url)),
		Steps: []resource.TestStep{{
			Config: config,
			Check: expectRequests(emu,
				`{"AppId":100001,"ConversationShortId":7000000000000000001,"ParticipantUserIds":[9007199254740993,555,10001,10002,10003,9007199254740995]}`),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(dsAddr, tfjsonpath.New("participants"), knownvalue.ListExact([]knownvalue.Check{
					knownvalue.ObjectExact(map[string]knownvalue.Check{
						"conversation_short_id": conv,
						"participant_user_id":   knownvalue.Int64Exact(bigID),
						"operator":              knownvalue.Int64Exact(10),
						"role":                  knownvalue.Int64Exact(1),
						"role_name":             knownvalue.StringExact("owner"),
						"level":                 knownvalue.Int64Exact(20),
						"nick_name":             knownvalue.StringExact("Ada"),
						"status":                knownvalue.Int64Exact(0),
						"create_time":           knownvalue.Int64Exact(1669694619),
						"create_time_rfc3339":   knownvalue.StringExact("2022-11-29T04:03:39Z"),
						"block_time":            knownvalue.Int64Exact(0),
						"block_time_rfc3339":    knownvalue.Null(),
						"ext": knownvalue.MapExact(map[string]knownvalue.Check{
							"team":   knownvalue.StringExact("infra"),
							"s:from": knownvalue.StringExact("biz"),
						}),
						// By ID the scan-only fields are null, though the
						// emulator holds them for this member.
						"avatar_url":              knownvalue.Null(),
						"marks":                   knownvalue.Null(),
						"participant_user_id_str": knownvalue.Null(),
						"operator_str":            knownvalue.Null(),
					}),
					knownvalue.ObjectExact(map[string]knownvalue.Check{
						"conversation_short_id":   conv,
						"participant_user_id":     knownvalue.Int64Exact(10001),
						"operator":                knownvalue.Int64Exact(bigID),
						"role":                    knownvalue.Int64Exact(0),
						"role_name":               knownvalue.StringExact("member"),
						"level":                   knownvalue.Int64Exact(1),
						"nick_name":               knownvalue.StringExact("Grace"),
						"status":                  knownvalue.Int64Exact(0),
						"create_time":             knownvalue.Int64Exact(1700000000),
						"create_time_rfc3339":     knownvalue.StringExact("2023-11-14T22:13:20Z"),
						"block_time":              knownvalue.Int64Exact(1893456000),
						"block_time_rfc3339":      knownvalue.StringExact("2030-01-01T00:00:00Z"),
						"ext":                     knownvalue.MapExact(map[string]knownvalue.Check{}),
						"avatar_url":              knownvalue.Null(),
						"marks":                   knownvalue.Null(),
						"participant_user_id_str": knownvalue.Null(),
						"operator_str":            knownvalue.Null(),
					}),
					// Every optional field absent: null, not zero.
					knownvalue.ObjectExact(map[string]knownvalue.Check{
						"conversation_short_id":   conv,
						"participant_user_id":     knownvalue.Int64Exact(10002),
						"operator":                knownvalue.Int64Exact(10),
						"role":                    knownvalue.Int64Exact(2),
						"role_name":               knownvalue.StringExact("admin"),
						"level":                   knownvalue.Null(),
						"nick_name":               knownvalue.Null(),
						"status":                  knownvalue.Null(),
						"create_time":             knownvalue.Null(),
						"create_time_rfc3339":     knownvalue.Null(),
						"block_time":              knownvalue.Null(),
						"block_time_rfc3339":      knownvalue.Null(),
						"ext":                     knownvalue.Null(),
						"avatar_url":              knownvalue.Null(),
						"marks":                   knownvalue.Null(),
						"participant_user_id_str": knownvalue.Null(),
						"operator_str":            knownvalue.Null(),
					}),
					knownvalue.ObjectExact(map[string]knownvalue.Check{
						"conversation_short_id":   conv,
						"participant_user_id":     knownvalue.Int64Exact(10003),
						"operator":                knownvalue.Int64Exact(10001),
						"role":                    knownvalue.Int64Exact(0),
						"role_name":               knownvalue.StringExact("member"),
						"level":                   knownvalue.Int64Exact(3),
						"nick_name":               knownvalue.StringExact("Linus"),
						"status":                  knownvalue.Int64Exact(1),
						"create_time":             knownvalue.Int64Exact(1600000000),
						"create_time_rfc3339":     knownvalue.StringExact("2020-09-13T12:26:40Z"),
						"block_time":              knownvalue.Int64Exact(0),
						"block_time_rfc3339":      knownvalue.Null(),
						"ext":                     knownvalue.Null(),
						"avatar_url":              knownvalue.Null(),
						"marks":                   knownvalue.Null(),
						"participant_user_id_str": knownvalue.Null(),
						"operator_str":            knownvalue.Null(),
					}),
				})),
				// 10003 left the conversation: in participants with status 1,
				// and missing, so the membership check fails on them.
				statecheck.ExpectKnownValue(dsAddr, tfjsonpath.New("missing_user_ids"), knownvalue.ListExact([]knownvalue.Check{
					knownvalue.Int64Exact(555), knownvalue.Int64Exact(10003), knownvalue.Int64Exact(9007199254740995),
				})),
				statecheck.ExpectKnownValue(dsAddr, tfjsonpath.New("conversation_short_id"), conv),
				statecheck.ExpectKnownOutputValue("owner_nick_name", knownvalue.StringExact("Ada")),
				statecheck.ExpectKnownOutputValue("first_user_id", knownvalue.Int64Exact(bigID)),
				statecheck.ExpectKnownOutputValue("nick_by_user", knownvalue.MapExact(map[string]knownvalue.Check{
					"9007199254740993": knownvalue.StringExact("Ada"),
					"10001":            knownvalue.StringExact("Grace"),
					"10003":            knownvalue.StringExact("Linus"),
				})),
			},
		}},
	})
}

// Nobody requested is a member: not an error, an empty list and every ID
// in missing_user_ids.
func TestAccConversationParticipants_noMembers(t *testing.T) {
	_, url := newEmulator(t, emulator.Options{})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(sampleEnv(url)),
		Steps: []resource.TestStep{{
			Config: sampleDataSource(3, 2, 1),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(dsAddr, tfjsonpath.New("participants"), knownvalue.ListSizeExact(0)),
				statecheck.ExpectKnownValue(dsAddr, tfjsonpath.New("missing_user_ids"), knownvalue.ListExact([]knownvalue.Check{
					knownvalue.Int64Exact(3), knownvalue.Int64Exact(2), knownvalue.Int64Exact(1),
				})),
			},
		}},
	})
}

// A value read here feeds another data source's arguments.
func TestAccConversationParticipants_feedsOnward(t *testing.T) {
	emu, url := newEmulator(t, emulator.Options{})
	config := sampleDataSource(10001) + `
data "volcrtc_conversation_participants" "operator" {
  app_id                = data.volcrtc_conversation_participants.test.app_id
  conversation_short_id = data.volcrtc_conversation_participants.test.participants[0].conversation_short_id
  participant_user_ids  = [data.volcrtc_conversation_participants.test.participants[0].operator]
}
output "operator_nick_name" {
  value = data.volcrtc_conversation_participants.operator.participants[0].nick_name
}
`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(sampleEnv(url)),
		Steps: []resource.TestStep{{
			Config: config,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownOutputValue("operator_nick_name", knownvalue.StringExact("Ada")),
			},
			Check: func(_ *terraform.State) error {
				for _, r := range emu.Requests() {
					if strings.Contains(r.RawBody, "[9007199254740993]") {
						return nil
					}
				}
				return errNoRequestFor("9007199254740993")
			},
		}},
	})
}

func TestAccConversationParticipants_sessionTokenAndRegion(t *testing.T) {
	emu, url := newEmulator(t, emulator.Options{Region: "ap-southeast-1"})
	provider := `
provider "volcrtc" {
  access_key    = "` + emulator.SampleSTSAccessKey + `"
  secret_key    = "` + emulator.SampleSTSSecretKey + `"
  session_token = "` + emulator.SampleSTSToken + `"
  region        = "ap-southeast-1"
  endpoint      = "` + url + `"
}
`
	resource.ParallelTest(t, resource.TestCase{
		// The environment holds the long-term key; the block must win.
		ProtoV6ProviderFactories: factories(map[string]string{
			EnvAccessKey: emulator.SampleAccessKey, EnvSecretKey: emulator.SampleSecretKey, EnvRegion: "cn-north-1",
		}),
		Steps: []resource.TestStep{{
			Config: provider + sampleDataSource(10001),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(dsAddr, tfjsonpath.New("participants").AtSliceIndex(0).AtMapKey("nick_name"), knownvalue.StringExact("Grace")),
			},
			Check: func(_ *terraform.State) error {
				for _, r := range emu.Requests() {
					if r.AccessKey != emulator.SampleSTSAccessKey || r.SessionToken != emulator.SampleSTSToken || r.SigningRegion != "ap-southeast-1" ||
						!strings.Contains(strings.Join(r.SignedHeaders, ";"), "x-security-token") || !strings.HasPrefix(r.UserAgent, "terraform-provider-volcrtc/test Terraform/") {
						return errUnexpected(r)
					}
				}
				return nil
			},
		}},
	})
}

// A region from the environment is used for signing when the block has none.
func TestAccConversationParticipants_regionFromEnvironment(t *testing.T) {
	emu, url := newEmulator(t, emulator.Options{Region: "ap-southeast-1"})
	env := sampleEnv(url)
	env[EnvRegion] = "ap-southeast-1"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(env),
		Steps: []resource.TestStep{
			{
				// The block's region wins over the environment's: signed for the wrong region.
				Config:      `provider "volcrtc" { region = "cn-north-1" }` + sampleDataSource(10001),
				ExpectError: wrapped(`SignatureDoesNotMatch`),
			},
			{
				Config: sampleDataSource(10001),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(dsAddr, tfjsonpath.New("participants"), knownvalue.ListSizeExact(1)),
				},
				Check: func(_ *terraform.State) error {
					if r := emu.Requests(); r[len(r)-1].SigningRegion != "ap-southeast-1" {
						return errUnexpected(r[len(r)-1])
					}
					return nil
				},
			},
		},
	})
}
