// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/emulator"
	"github.com/volcrtc/terraform-provider-volcrtc/internal/emulator/emulatortest"
)

const dsAddr = "data.volcrtc_conversation_participants.test"

// newEmulator starts one emulator per test, closed when the test ends.
func newEmulator(t *testing.T, opts emulator.Options) (*emulator.Server, string) {
	t.Helper()
	return emulatortest.Start(t, emulator.Sample(), opts)
}

// factories serves the provider in-process with env as its whole
// environment, so nothing from the test process leaks in.
func factories(env map[string]string) map[string]func() (tfprotov6.ProviderServer, error) {
	getenv := func(k string) string { return env[k] }
	return map[string]func() (tfprotov6.ProviderServer, error){
		"volcrtc": NewServerWithEnv("test", getenv),
	}
}

// testBudgetDir keeps the tests' machine-wide budgets out of the user's
// cache directory: each emulator's port makes budget files of its own.
var testBudgetDir = filepath.Join(os.TempDir(), "volcrtc-provider-test-budgets")

// sampleEnv points the provider at the emulator with the sample key.
func sampleEnv(url string) map[string]string {
	return map[string]string{
		EnvAccessKey: emulator.SampleAccessKey,
		EnvSecretKey: emulator.SampleSecretKey,
		EnvEndpoint:  url,
		EnvBudgetDir: testBudgetDir,
	}
}

// dataSourceConfig renders the data source with the given user IDs.
func dataSourceConfig(appID, conv string, ids ...int64) string {
	strs := make([]string, len(ids))
	for i, id := range ids {
		strs[i] = fmt.Sprint(id)
	}
	return fmt.Sprintf(`
data "volcrtc_conversation_participants" "test" {
  app_id                = %s
  conversation_short_id = %s
  participant_user_ids  = [%s]
}
`, appID, conv, strings.Join(strs, ", "))
}

func sampleDataSource(ids ...int64) string {
	return dataSourceConfig(fmt.Sprint(emulator.SampleAppID), fmt.Sprint(int64(emulator.SampleConversationID)), ids...)
}

// expectRequests checks that every request the emulator got in this step
// was a successful call with exactly wantBody, and that there was one.
func expectRequests(emu *emulator.Server, wantBody string) func(*terraform.State) error {
	return func(*terraform.State) error {
		reqs := emu.Requests()
		if len(reqs) == 0 {
			return fmt.Errorf("the emulator received no request")
		}
		for _, r := range reqs {
			if r.RawBody != wantBody || r.Status != 200 || r.Action != "BatchGetConversationParticipant" || r.Version != "2020-12-01" {
				return fmt.Errorf("unexpected request: %+v", r)
			}
		}
		return nil
	}
}

// expectNoRequest fails the test if the emulator was called.
func expectNoRequest(t *testing.T, emu *emulator.Server) func() {
	return func() {
		if reqs := emu.Requests(); len(reqs) != 0 {
			t.Errorf("validation errors must not reach the API, but the emulator got %d request(s): %+v", len(reqs), reqs[0])
		}
	}
}

func errUnexpected(r emulator.Request) error {
	return fmt.Errorf("unexpected request: %+v", r)
}

func errNoRequestFor(ids string) error {
	return fmt.Errorf("the emulator received no request for %s", ids)
}

// wrapped compiles pattern with each space matching any run of white
// space, since the CLI wraps long diagnostic lines.
func wrapped(pattern string) *regexp.Regexp {
	return regexp.MustCompile(strings.ReplaceAll(pattern, " ", `\s+`))
}

const (
	participantsDS  = "volcrtc_conversation_participants"
	conversationsDS = "volcrtc_conversations"
)

var providerBug = regexp.MustCompile(`(?i)error in the provider|bug in the provider|%!`)

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
