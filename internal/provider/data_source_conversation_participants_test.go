// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"encoding/json"
	"fmt"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
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

// readState builds the state for one requested user from a member record
// written as the API's JSON, and returns its participants and missing IDs.
func readState(t *testing.T, record string) (participants []tftypes.Value, missing []tftypes.Value) {
	t.Helper()
	var p imclient.Participant
	if err := json.Unmarshal([]byte(record), &p); err != nil {
		t.Fatal(err)
	}
	in := imclient.BatchGetParticipantsInput{AppID: 1, ConversationShortID: 7, UserIDs: []int64{5}}
	v := decodeState(t, conversationParticipantsSpec, byRequest(in, map[int64]imclient.Participant{5: p}).state())
	var attrs map[string]tftypes.Value
	if err := v.As(&attrs); err != nil {
		t.Fatal(err)
	}
	if err := attrs["participants"].As(&participants); err != nil {
		t.Fatal(err)
	}
	if err := attrs["missing_user_ids"].As(&missing); err != nil {
		t.Fatal(err)
	}
	return participants, missing
}

const fullRecord = `{"ConversationShortId":7,"ParticipantUserId":5,"Operator":9,"Role":1,"BlockTime":1893456000,
"CreateTime":1700000000,"Ext":{"k":"v"},"Level":3,"NickName":"Ada","Status":0,
"AvatarUrl":"https://a/b.png","Marks":["m"],"ParticipantUserIdStr":"five","OperatorStr":"nine"}`

// Each field the API leaves out is null in state, with the attributes
// derived from it; every other attribute keeps its value.
func TestOmittedFieldsAreNull(t *testing.T) {
	cases := map[string][]string{
		"ConversationShortId":  {"conversation_short_id"},
		"Operator":             {"operator"},
		"Role":                 {"role", "role_name"},
		"BlockTime":            {"block_time", "block_time_rfc3339"},
		"CreateTime":           {"create_time", "create_time_rfc3339"},
		"Ext":                  {"ext"},
		"Level":                {"level"},
		"NickName":             {"nick_name"},
		"Status":               {"status"},
		"AvatarUrl":            {"avatar_url"},
		"Marks":                {"marks"},
		"ParticipantUserIdStr": {"participant_user_id_str"},
		"OperatorStr":          {"operator_str"},
	}
	for field, attrs := range cases {
		t.Run(field, func(t *testing.T) {
			var rec map[string]any
			if err := json.Unmarshal([]byte(fullRecord), &rec); err != nil {
				t.Fatal(err)
			}
			delete(rec, field)
			b, _ := json.Marshal(rec)
			parts, _ := readState(t, string(b))
			if len(parts) != 1 {
				t.Fatalf("%d participants", len(parts))
			}
			var got map[string]tftypes.Value
			if err := parts[0].As(&got); err != nil {
				t.Fatal(err)
			}
			null := map[string]bool{}
			for _, a := range attrs {
				null[a] = true
			}
			for name, v := range got {
				if v.IsNull() != null[name] {
					t.Errorf("%s omitted: %s is null=%v, want %v", field, name, v.IsNull(), null[name])
				}
			}
		})
	}
}

// A user who left stays in participants with status 1 and is listed in
// missing_user_ids, so the documented membership check fails on them.
func TestLeftMemberIsMissing(t *testing.T) {
	parts, missing := readState(t, strings.Replace(fullRecord, `"Status":0`, `"Status":1`, 1))
	if len(parts) != 1 || len(missing) != 1 || !missing[0].Equal(tftypes.NewValue(tftypes.Number, big.NewFloat(5))) {
		t.Fatalf("participants %v, missing %v", parts, missing)
	}
	_, missing = readState(t, fullRecord)
	if len(missing) != 0 {
		t.Fatalf("a current member is missing: %v", missing)
	}
}

func sampleArgs(ids ...tftypes.Value) map[string]tftypes.Value {
	return map[string]tftypes.Value{
		"app_id":                num(emulator.SampleAppID),
		"conversation_short_id": num(emulator.SampleConversationID),
		"participant_user_ids":  numList(ids...),
	}
}

// A fractional or out-of-range number is the user's typo: one error on the
// attribute that says what to write, and no word of a provider bug.
func TestNumbersMustBeWhole(t *testing.T) {
	p := newProtocol(t, nil)
	cases := []struct {
		name  string
		attrs map[string]tftypes.Value
		path  string
		want  string
	}{
		{"app_id 1.5", map[string]tftypes.Value{"app_id": numText(t, "1.5")}, `AttributeName("app_id")`,
			"Attribute app_id value must be a whole number between 1 and 2147483647 (no fraction), got: 1.5"},
		{"conversation_short_id 1.5", map[string]tftypes.Value{"conversation_short_id": numText(t, "1.5")}, `AttributeName("conversation_short_id")`,
			"Attribute conversation_short_id value must be a whole number at least 1 (no fraction), got: 1.5"},
		{"user ID 1.5", map[string]tftypes.Value{"participant_user_ids": numList(num(1), numText(t, "1.5"))}, `AttributeName("participant_user_ids").ElementKeyInt(1)`,
			"Attribute participant_user_ids[1] value must be a whole number at least 1 (no fraction), got: 1.5"},
		{"user ID beyond int64", map[string]tftypes.Value{"participant_user_ids": numList(numText(t, "9223372036854775808"))}, `AttributeName("participant_user_ids").ElementKeyInt(0)`,
			"Attribute participant_user_ids[0] value must be at most 9223372036854775807, the largest 64-bit ID, got: 9223372036854775808"},
		{"conversation beyond int64", map[string]tftypes.Value{"conversation_short_id": numText(t, "1e30")}, `AttributeName("conversation_short_id")`,
			"must be at most 9223372036854775807, the largest 64-bit ID, got: 1000000000000000000000000000000"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			attrs := sampleArgs(num(1))
			for k, v := range tc.attrs {
				attrs[k] = v
			}
			diags := p.validateDataSource(participantsDS, attrs)
			text := diagText(diags)
			if len(diags) != 1 || diags[0].Attribute == nil || diags[0].Attribute.String() != tc.path ||
				!strings.Contains(diags[0].Detail, tc.want) || providerBug.MatchString(text) {
				t.Fatalf("diagnostics:\n%s\nwant one error at %s saying %q", text, tc.path, tc.want)
			}
		})
	}
	for _, attr := range []string{"max_batch_size", "max_qps", "max_retries", "request_timeout_seconds"} {
		diags := p.validateProvider(map[string]tftypes.Value{attr: numText(t, "2.5")})
		if len(diags) != 1 || !strings.Contains(diags[0].Detail, "Attribute "+attr+" value must be a whole number between") ||
			providerBug.MatchString(diagText(diags)) {
			t.Errorf("%s = 2.5:\n%s", attr, diagText(diags))
		}
	}
}

// When the API refuses the default batch size, the read succeeds in
// smaller calls and says once which max_batch_size to set.
func TestBatchSizeWarningOnce(t *testing.T) {
	emu, url := newEmulator(t, emulator.Options{MaxIDsPerCall: 30})
	p := newProtocol(t, sampleEnv(url))
	if diags := p.configure(nil); len(diags) != 0 {
		t.Fatal(diagText(diags))
	}
	ids := []tftypes.Value{num(10001), num(10002)}
	for i := int64(1); i <= 98; i++ {
		ids = append(ids, num(i))
	}
	resp := p.read(participantsDS, sampleArgs(ids...))
	text := diagText(resp.Diagnostics)
	if len(resp.Diagnostics) != 1 || resp.Diagnostics[0].Severity != tfprotov6.DiagnosticSeverityWarning ||
		!strings.Contains(text, "Set max_batch_size = 29 in the provider block") {
		t.Fatalf("diagnostics:\n%s", text)
	}
	// 100 and 50 refused, 25 taken, then the search between: 37 and 31
	// refused, 28 and 29 taken; the 18 left end the read before 30 is
	// tried, so the warning names the largest that worked.
	if st := emu.Stats(); st.OK != 4 || st.Rejected != 4 {
		t.Fatalf("stats %+v: want 100, 50, 37 and 31 refused, then calls of 25, 28, 29 and 18", st)
	}
	resp = p.read(participantsDS, sampleArgs(ids...))
	if len(resp.Diagnostics) != 0 {
		t.Fatalf("second read:\n%s", diagText(resp.Diagnostics))
	}
}

func scanArgs() map[string]tftypes.Value {
	return map[string]tftypes.Value{"app_id": num(emulator.SampleAppID), "conversation_short_id": num(scanConv)}
}

// readScan configures a provider against url and reads every member.
func readScan(t *testing.T, url string) *tfprotov6.ReadDataSourceResponse {
	t.Helper()
	p := newProtocol(t, sampleEnv(url))
	if diags := p.configure(nil); len(diags) != 0 {
		t.Fatal(diagText(diags))
	}
	return p.read(participantsDS, scanArgs())
}

// A scan that fails on a middle page returns no state at all, only the
// error saying how far it got.
func TestScanFailureLeavesNoState(t *testing.T) {
	emu, url := scanEmulator(t, 100, emulator.Options{})
	emu.FailScanPage(3, emulator.Fault{Status: 400, Code: "InvalidParam", Message: "no"})
	resp := readScan(t, url)
	text := diagText(resp.Diagnostics)
	if resp.State != nil {
		t.Fatalf("state after a failed scan: %v", resp.State)
	}
	if countSeverity(resp.Diagnostics, tfprotov6.DiagnosticSeverityError) != 1 ||
		!strings.Contains(text, "stopped after 3 page(s) and 60 member(s); none of them were saved") {
		t.Fatalf("diagnostics:\n%s", text)
	}
}

// A count that fails leaves the read complete, with one warning that says
// so; no page is requested ahead.
func TestScanCountFails(t *testing.T) {
	emu, url := scanEmulator(t, 537, emulator.Options{})
	emu.FailAction(imclient.ActionUserCount, &emulator.Fault{Status: 500, Code: "InternalError", Message: "count down"})
	resp := readScan(t, url)
	text := diagText(resp.Diagnostics)
	if resp.State == nil || len(resp.Diagnostics) != 1 || resp.Diagnostics[0].Severity != tfprotov6.DiagnosticSeverityWarning ||
		!strings.Contains(text, "Member count unavailable") || !strings.Contains(text, "count down") {
		t.Fatalf("diagnostics:\n%s", text)
	}
	pages := 0
	for _, r := range emu.Requests() {
		if r.Action == imclient.ActionScanParticipants {
			pages++
		}
	}
	if pages != 27 {
		t.Fatalf("%d scan calls, want the chain's 27", pages)
	}
}

// A page that says more follow but gives NextCursor -1 fails the read: the
// old code saved 60 of 537 members as the whole conversation.
func TestScanSelfContradictionFails(t *testing.T) {
	emu, url := scanEmulator(t, 537, emulator.Options{})
	emu.ContradictScanPage(2)
	resp := readScan(t, url)
	text := diagText(resp.Diagnostics)
	if resp.State != nil || !strings.Contains(text, "stopped after 3 page(s) and 60 member(s)") ||
		!strings.Contains(text, "HasMore true") {
		t.Fatalf("diagnostics:\n%s", text)
	}
}

// A live group lists only its owner and admins: the read succeeds, with a
// warning naming both numbers.
func TestScanFewerThanCountWarns(t *testing.T) {
	fx := emulator.WithMembers(emulator.Sample(), scanConv, 60)
	live := int64(100)
	convs := fx.Apps[0].Conversations
	conv := &convs[len(convs)-1]
	conv.ConversationType = &live
	for i := range conv.Participants {
		conv.Participants[i].Role = 0
	}
	conv.Participants[0].Role, conv.Participants[1].Role = 1, 2 // an owner, an admin and 58 members
	_, url := emulatortest.Start(t, fx, emulator.Options{})
	resp := readScan(t, url)
	text := diagText(resp.Diagnostics)
	if resp.State == nil || countSeverity(resp.Diagnostics, tfprotov6.DiagnosticSeverityWarning) != 1 ||
		!strings.Contains(text, "returned 2 members, but GetConversationUserCount counts 60") {
		t.Fatalf("diagnostics:\n%s", text)
	}
}

// A member the API tags with conversation 0 belongs to the conversation
// asked: not missing, and shown with the asked ID.
func TestZeroConversationIDIsTheAskedOne(t *testing.T) {
	zero := int64(0)
	in := imclient.BatchGetParticipantsInput{AppID: 1, ConversationShortID: 7, UserIDs: []int64{5, 6}}
	five, six := int64(5), int64(6)
	byID, ignored := indexParticipants(in, []imclient.Participant{
		{ParticipantUserID: &five, ConversationShortID: &zero}, {ParticipantUserID: &six}})
	st := byRequest(in, byID)
	if describeIgnored(ignored...) != "" || len(st.missing) != 0 || len(st.members) != 2 {
		t.Fatalf("ignored %q, missing %v", describeIgnored(ignored...), st.missing)
	}
	for _, p := range st.members {
		if *p.ConversationShortID != 7 {
			t.Fatalf("member %d shows conversation %d", *p.ParticipantUserID, *p.ConversationShortID)
		}
	}
}

// lastGood is the final step of error tests: the post-test destroy reuses
// the last step's config, so it must be valid.
func lastGood() resource.TestStep {
	return resource.TestStep{
		Config: sampleDataSource(10001),
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue(dsAddr, tfjsonpath.New("participants"), knownvalue.ListSizeExact(1)),
		},
	}
}

// Each bad argument is reported on its attribute before any request.
// The cases run as three tests in parallel, each with its own emulator.
func TestAccConversationParticipants_validation(t *testing.T) {
	app, conv := "100001", "7000000000000000001"
	type bad struct{ config, want string }
	step := func(config, want string) bad { return bad{config, want} }
	cases := []bad{
		step(dataSourceConfig("0", conv, 1), `(?s)with data.volcrtc_conversation_participants.test,.*app_id\s+= 0.*Attribute app_id value must be between 1 and 2147483647, got: 0`),
		step(dataSourceConfig("-5", conv, 1), `Attribute app_id value must be between 1 and\s+2147483647, got: -5`),
		step(dataSourceConfig("2147483648", conv, 1), `Attribute app_id value must be between 1 and\s+2147483647, got: 2147483648`),
		step(dataSourceConfig(app, "0", 1), `Attribute conversation_short_id value must be at least 1, got: 0`),
		step(dataSourceConfig(app, "-7000000000000000001", 1), `Attribute conversation_short_id value must be at least 1, got:\s+-7000000000000000001`),
		step(dataSourceConfig(app, conv), `Attribute participant_user_ids list must contain at least 1 elements, got: 0`),
		step(dataSourceConfig(app, conv, 5, 6, 5, 7, 6, 5), `(?s)Duplicate user IDs.*participant_user_ids = \[5, 6, 5, 7, 6, 5\].*Each user ID may appear only once in participant_user_ids; repeated: 5, 6\.`),
		step(dataSourceConfig(app, conv, longListWithRepeat()...), `(?s)Duplicate user IDs.*repeated: 1\.`),
		step(dataSourceConfig(app, conv, 5, 0), `Attribute participant_user_ids\[1\] value must be at least 1, got: 0`),
		step(dataSourceConfig(app, conv, -9), `Attribute participant_user_ids\[0\] value must be at least 1, got: -9`),
		step(dataSourceConfig(app, "1.5", 1), `Attribute conversation_short_id value must be a whole number at least 1 \(no fraction\), got: 1.5`),
		step(dataSourceConfig("1.5", conv, 1), `Attribute app_id value must be a whole number between 1 and 2147483647 \(no fraction\), got: 1.5`),
		step(`
data "volcrtc_conversation_participants" "test" {
  app_id                = 100001
  conversation_short_id = 7000000000000000001
  participant_user_ids  = [1, 1.5]
}`, `Attribute participant_user_ids\[1\] value must be a whole number at least 1 \(no fraction\), got: 1.5`),
		step(`
data "volcrtc_conversation_participants" "test" {
  app_id                = 100001
  conversation_short_id = 7000000000000000001
  participant_user_ids  = [9223372036854775808]
}`, `Attribute participant_user_ids\[0\] value must be at most 9223372036854775807, the largest 64-bit ID, got: 9223372036854775808`),
		step(`provider "volcrtc" { max_qps = 99.5 }`+sampleDataSource(1), `Attribute max_qps value must be a whole number between 1 and 100 \(no fraction\), got: 99.5`),
		step(`provider "volcrtc" { access_key = "AK\n" }`+sampleDataSource(1), `(?s)Invalid access_key.*The value of access_key has white space at its start or end.*trimspace`),
		step(`
data "volcrtc_conversation_participants" "test" {
  app_id                = 100001
  conversation_short_id = 7000000000000000001
  participant_user_ids  = [1, null]
}`, `(?s)Null List Value.*participant_user_ids = \[1, null\].*contains a null value`),
		step(`
data "volcrtc_conversation_participants" "test" {
  app_id = 100001
}`, `The argument "conversation_short_id" is required`),
		step(`provider "volcrtc" { region = "mars-1" }`+sampleDataSource(1), `(?s)region = "mars-1".*Attribute region value must be one of: \["cn-north-1" "ap-southeast-1"\], got:\s+"mars-1"`),
		step(`provider "volcrtc" { endpoint = "ftp://127.0.0.1" }`+sampleDataSource(1), `(?s)Invalid endpoint.*must start with https:// or http://`),
		step(`provider "volcrtc" { endpoint = "127.0.0.1:8080" }`+sampleDataSource(1), `Invalid endpoint`),
		step(`provider "volcrtc" { access_key = "" }`+sampleDataSource(1), `Attribute access_key string length must be at least 1, got: 0`),
		step(`provider "volcrtc" { secret_key = "" }`+sampleDataSource(1), `Attribute secret_key string length must be at least 1, got: 0`),
		step(`provider "volcrtc" { session_token = "" }`+sampleDataSource(1), `Attribute session_token string length must be at least 1, got: 0`),
	}
	const groups = 3
	for g := 0; g < groups; g++ {
		t.Run(fmt.Sprint("group ", g+1), func(t *testing.T) {
			emu, url := newEmulator(t, emulator.Options{})
			var steps []resource.TestStep
			for i := g; i < len(cases); i += groups {
				steps = append(steps, resource.TestStep{Config: cases[i].config, ExpectError: wrapped(cases[i].want), PreConfig: expectNoRequest(t, emu)})
			}
			last := lastGood()
			last.PreConfig = expectNoRequest(t, emu)
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: factories(sampleEnv(url)),
				Steps:                    append(steps, last),
			})
		})
	}
}

// longListWithRepeat is 10,000 IDs whose last one repeats the first.
func longListWithRepeat() []int64 {
	ids := make([]int64, 10000)
	for i := range ids {
		ids[i] = int64(i + 1)
	}
	ids[len(ids)-1] = 1
	return ids
}

// API errors become diagnostics with Code, Message, RequestId and a hint.
func TestAccConversationParticipants_apiErrors(t *testing.T) {
	emu, url := newEmulator(t, emulator.Options{})
	wrongSecret := `provider "volcrtc" { secret_key = "wrong-secret" }`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(sampleEnv(url)),
		Steps: []resource.TestStep{
			{
				Config:      wrongSecret + sampleDataSource(10001),
				ExpectError: wrapped(`(?s)Volcengine IM OpenAPI error: SignatureDoesNotMatch.*Code: SignatureDoesNotMatch.*HTTP status: 401.*RequestId: emu-\d+-\d+.*CodeN: 100010.*Check secret_key`),
			},
			{
				Config:      `provider "volcrtc" { access_key = "AKLTNOBODY" }` + sampleDataSource(10001),
				ExpectError: wrapped(`(?s)InvalidAccessKey.*HTTP status: 401.*RequestId: emu-.*Check access_key`),
			},
			{
				Config:      dataSourceConfig("100001", "43", 1),
				ExpectError: wrapped(`(?s)ConversationNotFound.*Message: conversation 43 not found.*HTTP status: 400.*RequestId: emu-.*Check conversation_short_id`),
			},
			{
				Config:      dataSourceConfig("99", "43", 1),
				ExpectError: wrapped(`(?s)AppNotFound.*Check app_id`),
			},
			{
				// The SDK would return this as an empty success.
				PreConfig:   func() { emu.SetErrorsAsHTTP200(true) },
				Config:      dataSourceConfig("100001", "43", 1),
				ExpectError: wrapped(`(?s)Volcengine IM OpenAPI error: ConversationNotFound.*HTTP status: 200.*RequestId: emu-`),
			},
			{
				Config:      wrongSecret + sampleDataSource(10001),
				ExpectError: wrapped(`(?s)SignatureDoesNotMatch.*HTTP status: 200.*RequestId: emu-`),
			},
			{
				PreConfig: func() {
					emu.SetErrorsAsHTTP200(false)
					emu.SetFault(&emulator.Fault{Status: 403, Code: "AccessDenied", CodeN: 100013,
						Message: "User is not authorized to perform: rtc:BatchGetConversationParticipant"})
				},
				Config:      sampleDataSource(10001),
				ExpectError: wrapped(`(?s)AccessDenied.*not authorized.*HTTP status: 403.*lack permission`),
			},
			func() resource.TestStep {
				s := lastGood()
				s.PreConfig = func() { emu.SetFault(nil) }
				return s
			}(),
		},
	})
}

// A machine clock far off gets a hint about the clock.
func TestAccConversationParticipants_clockSkew(t *testing.T) {
	_, url := newEmulator(t, emulator.Options{Now: func() time.Time { return time.Now().Add(-time.Hour) }})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(sampleEnv(url)),
		Steps: []resource.TestStep{
			{
				Config:      sampleDataSource(10001),
				ExpectError: wrapped(`(?s)InvalidTimestamp.*CodeN: 100006.*Check this machine's clock`),
			},
			{Config: `provider "volcrtc" {}`},
		},
	})
}

// Nothing listening: a transport error, not an API error.
func TestAccConversationParticipants_unreachable(t *testing.T) {
	_, url := newEmulator(t, emulator.Options{})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(sampleEnv(url)),
		Steps: []resource.TestStep{
			{
				Config:      `provider "volcrtc" { endpoint = "http://127.0.0.1:1" }` + sampleDataSource(10001),
				ExpectError: wrapped(`(?s)Cannot reach the Volcengine IM OpenAPI.*127.0.0.1:1.*Check endpoint`),
			},
			lastGood(),
		},
	})
}

func TestIndexParticipantsIgnoresTheUnexpected(t *testing.T) {
	in := imclient.BatchGetParticipantsInput{ConversationShortID: 7, UserIDs: []int64{1, 2, 3}}
	nick := func(s string) *string { return &s }
	n := func(v int64) *int64 { return &v }
	found := []imclient.Participant{
		{ConversationShortID: n(7), ParticipantUserID: n(1), NickName: nick("first")},
		{ConversationShortID: n(8), ParticipantUserID: n(2)},                           // another conversation
		{ConversationShortID: n(7), ParticipantUserID: n(99)},                          // not requested
		{ConversationShortID: n(7), ParticipantUserID: n(1), NickName: nick("second")}, // repeated
		{ConversationShortID: n(7), NickName: nick("nobody")},                          // no user ID
		{ParticipantUserID: n(3)},                                                      // no conversation given: trusted
	}
	byID, ignored := indexParticipants(in, found)
	if len(byID) != 2 || *byID[1].NickName != "first" || *byID[3].ParticipantUserID != 3 {
		t.Fatalf("kept %+v", byID)
	}
	if got := describeIgnored(ignored...); got != "1 without a user ID, 1 of another conversation, 1 not requested, 1 repeated" {
		t.Fatalf("ignored %q", got)
	}
	if _, ignored := indexParticipants(in, found[:1]); describeIgnored(ignored...) != "" {
		t.Fatalf("nothing to ignore, got %q", describeIgnored(ignored...))
	}
}

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

// The sample of the tests that iterate every spec: a member by ID (with a
// requested user not found) and every member by the scan.
func init() {
	sampleOf(conversationParticipantsSpec, specSample{
		full: fullRecord,
		states: func(t *testing.T, record string) []state {
			var p imclient.Participant
			decodeJSON(t, record, &p)
			in := imclient.BatchGetParticipantsInput{AppID: 1, ConversationShortID: 7, UserIDs: []int64{5, 6}}
			scanned := participantsState{appID: 1, conversation: 7, userIDs: []int64{5}, members: []imclient.Participant{p}}
			return []state{byRequest(in, map[int64]imclient.Participant{5: p}).state(), scanned.state()}
		},
		reads: []sampleRead{
			{name: "by ID", args: map[string]tftypes.Value{
				"app_id": num(emulator.SampleAppID), "conversation_short_id": num(emulator.SampleConversationID),
				"participant_user_ids": numList(num(10003), num(emulator.SampleBigUserID), num(404)),
			}},
			{name: "every member", fixtures: func() emulator.Fixtures { return emulator.WithMembers(emulator.Sample(), scanConv, 47) },
				args: map[string]tftypes.Value{"app_id": num(emulator.SampleAppID), "conversation_short_id": num(scanConv)}},
		},
	})
}

// A scan stopped at the state's size says how far it got and what to do,
// as a state refused after a full read does; it is no "bug".
func TestScanTooLargeDiagnostic(t *testing.T) {
	err := &imclient.ScanError{Action: imclient.ActionScanParticipants, Pages: 80, Members: 213,
		Err: &imclient.TooLargeError{Limit: maxStateBytes - stateSlack}}
	d := errorDiagnostic(err)
	if d.Summary() != "Too much data for one data source" ||
		!strings.Contains(d.Detail(), "Reading every member stopped after 80 page(s) and 213 member(s), as soon as their state could no longer fit") ||
		!strings.Contains(d.Detail(), "larger than the 256 MiB") || !strings.Contains(d.Detail(), "participant_user_ids") ||
		strings.Contains(d.Detail(), "bug") {
		t.Fatalf("%s: %s", d.Summary(), d.Detail())
	}
}
