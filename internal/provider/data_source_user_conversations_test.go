// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

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
func init() {
	sampleOf(userConversationsSpec, specSample{
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
}

// pagedAPI is a hostile paged API written per test: every call is answered
// with page(cursor) as its Result's JSON. calls counts them.
type pagedAPI struct {
	mu    sync.Mutex
	calls int
}

func (a *pagedAPI) start(t *testing.T, page func(cursor int64) string) string {
	t.Helper()
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var b struct{ Cursor int64 }
		_ = json.NewDecoder(r.Body).Decode(&b)
		a.mu.Lock()
		a.calls++
		a.mu.Unlock()
		_, _ = w.Write([]byte(`{"ResponseMetadata":{"RequestId":"r"},"Result":` + page(b.Cursor) + `}`))
	}))
	t.Cleanup(ts.Close)
	return ts.URL
}

func (a *pagedAPI) count() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.calls
}

// readPaged configures a provider against url (as fast as the API allows)
// and reads data source ds.
func readPaged(t *testing.T, url, ds string, args map[string]tftypes.Value) *tfprotov6.ReadDataSourceResponse {
	t.Helper()
	p := newProtocol(t, sampleEnv(url))
	if diags := p.configure(map[string]tftypes.Value{"max_qps": num(100)}); len(diags) != 0 {
		t.Fatal(diagText(diags))
	}
	return p.read(ds, args)
}

// listIn is the list attribute of a read's state.
func listIn(t *testing.T, resp *tfprotov6.ReadDataSourceResponse, ds, attr string) []tftypes.Value {
	t.Helper()
	if resp.State == nil {
		t.Fatalf("no state:\n%s", diagText(resp.Diagnostics))
	}
	p := newProtocol(t, nil)
	v, err := resp.State.Unmarshal(p.dataSourceType(ds))
	if err != nil {
		t.Fatal(err)
	}
	var obj map[string]tftypes.Value
	var list []tftypes.Value
	if err := v.As(&obj); err != nil {
		t.Fatal(err)
	}
	if err := obj[attr].As(&list); err != nil {
		t.Fatal(err)
	}
	return list
}

const userConversationsDS = "volcrtc_user_conversations"

func userConversationsArgs() map[string]tftypes.Value {
	return map[string]tftypes.Value{"app_id": num(emulator.SampleAppID), "participant_user_id": num(30001)}
}

// conversationsJSON writes conversations from first to last (inclusive)
// of the sample app, as GetUserConversations lists them.
func conversationsJSON(first, last int) string {
	var parts []string
	for i := first; i <= last; i++ {
		parts = append(parts, fmt.Sprintf(`{"AppId":%d,"ConversationShortId":%d}`, emulator.SampleAppID, i))
	}
	return strings.Join(parts, ",")
}

// Conversation 20 tagged with another app on the first page and rightly
// on the second is kept: records of another app are left out before
// repeats are removed, as the member scan does. It used to be lost (24
// of 25).
func TestUserConversationsFilterBeforeDeduplicating(t *testing.T) {
	var api pagedAPI
	url := api.start(t, func(cursor int64) string {
		if cursor == 0 {
			return `{"HasMore":true,"NextCursor":20,"ConversationInfos":[` + conversationsJSON(1, 19) +
				`,{"AppId":999,"ConversationShortId":20}]}`
		}
		return `{"HasMore":false,"NextCursor":-1,"ConversationInfos":[` + conversationsJSON(20, 25) + `]}`
	})
	resp := readPaged(t, url, userConversationsDS, userConversationsArgs())
	if got := listIn(t, resp, userConversationsDS, "conversations"); len(got) != 25 {
		t.Fatalf("%d conversations, want 25", len(got))
	}
	if text := diagText(resp.Diagnostics); countSeverity(resp.Diagnostics, tfprotov6.DiagnosticSeverityWarning) != 1 ||
		!strings.Contains(text, "Unexpected conversations ignored") || !strings.Contains(text, "1 of another app") {
		t.Fatalf("diagnostics:\n%s", text)
	}
}

// A list whose every record is of another app fails, saying so: an empty
// list would look like the answer. It used to succeed with none.
func TestUserConversationsAllOfAnotherApp(t *testing.T) {
	var api pagedAPI
	url := api.start(t, func(int64) string {
		return `{"HasMore":false,"NextCursor":-1,"ConversationInfos":[{"AppId":999,"ConversationShortId":1},{"AppId":999,"ConversationShortId":2}]}`
	})
	resp := readPaged(t, url, userConversationsDS, userConversationsArgs())
	if text := diagText(resp.Diagnostics); resp.State != nil || countSeverity(resp.Diagnostics, tfprotov6.DiagnosticSeverityError) != 1 ||
		!strings.Contains(text, "every one of the 2 records the API returned belongs to another app") {
		t.Fatalf("state %v, diagnostics:\n%s", resp.State != nil, text)
	}
}

// A conversation without its ID is left out with a warning, as the member
// scan and volcrtc_users do. It used to be kept with a null ID.
func TestUserConversationsWithoutID(t *testing.T) {
	var api pagedAPI
	url := api.start(t, func(int64) string {
		return `{"HasMore":false,"NextCursor":-1,"ConversationInfos":[` + conversationsJSON(1, 2) + `,{"AppId":` +
			fmt.Sprint(emulator.SampleAppID) + `,"Name":"no id"}]}`
	})
	resp := readPaged(t, url, userConversationsDS, userConversationsArgs())
	if got := listIn(t, resp, userConversationsDS, "conversations"); len(got) != 2 {
		t.Fatalf("%d conversations, want 2", len(got))
	}
	if text := diagText(resp.Diagnostics); !strings.Contains(text, "1 without a conversation_short_id") {
		t.Fatalf("diagnostics:\n%s", text)
	}
}

// 300 conversations served one per page are read whole: the bound is
// MaxUserConversations conversations, not pages. They used to fail at 250
// pages, "beyond this provider's bound".
func TestUserConversationsOnePerPage(t *testing.T) {
	var api pagedAPI
	url := api.start(t, func(cursor int64) string {
		return fmt.Sprintf(`{"HasMore":%v,"NextCursor":%d,"ConversationInfos":[%s]}`, cursor < 299, cursor+1,
			conversationsJSON(int(cursor)+1, int(cursor)+1))
	})
	resp := readPaged(t, url, userConversationsDS, userConversationsArgs())
	if got := listIn(t, resp, userConversationsDS, "conversations"); len(got) != 300 || api.count() != 300 {
		t.Fatalf("%d conversations in %d calls, want 300 in 300:\n%s", len(got), api.count(), diagText(resp.Diagnostics))
	}
}
