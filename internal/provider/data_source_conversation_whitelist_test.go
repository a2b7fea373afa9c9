// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/emulator"
	"github.com/volcrtc/terraform-provider-volcrtc/internal/imclient"
)

const fullWhitelisted = `{"ParticipantUserId":5,"CreateTime":1700000000,"Operator":1,"NickName":"n","AvatarUrl":"a",
"Ext":{"k":"v"},"Marks":["m"]}`

// whitelistFixtures is groupFixtures with two speakers on the live
// group's whitelist.
func whitelistFixtures() emulator.Fixtures {
	fx := groupFixtures()
	for i, c := range fx.Apps[0].Conversations {
		if c.ConversationShortID == liveGroup {
			fx.Apps[0].Conversations[i].Whitelist = []emulator.WhitelistedUser{
				{ParticipantUserID: 11, CreateTime: 1700000000, Operator: groupOwner, Ext: map[string]string{}},
				{ParticipantUserID: 12, CreateTime: 1700000001, Operator: groupOwner, NickName: "speaker"},
			}
		}
	}
	return fx
}

// The sample of the tests that iterate every spec.
func init() {
	sampleOf(whitelistSpec, specSample{
		full: fullWhitelisted,
		states: func(t *testing.T, record string) []state {
			var p imclient.WhitelistedParticipant
			decodeJSON(t, record, &p)
			return []state{{
				"app_id": int64(1), "conversation_short_id": int64(7), "participants": listOf(whitelistedFields, []whitelisted{p}),
			}}
		},
		reads: []sampleRead{{name: "speakers", fixtures: whitelistFixtures, args: map[string]tftypes.Value{
			"app_id": num(emulator.SampleAppID), "conversation_short_id": num(liveGroup),
		}}},
	})
}
