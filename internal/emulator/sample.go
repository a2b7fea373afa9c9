// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package emulator

// Sample credentials accepted by Sample().
const (
	SampleAccessKey    = "AKLTEMULATOR0000000000000001"
	SampleSecretKey    = "emulator-secret-key-not-a-real-secret"
	SampleSTSAccessKey = "AKTPEMULATOR0000000000000002"
	SampleSTSSecretKey = "emulator-sts-secret-not-a-real-secret"
	SampleSTSToken     = "STSemulator-session-token-not-a-real-token"

	SampleAppID          = 100001
	SampleConversationID = 7000000000000000001 // above 2^53 on purpose
	SampleBigUserID      = 9007199254740993    // 2^53 + 1
)

// Sample is a small fixture set for tests: one app with a conversation
// whose IDs do not fit a float64, members with every optional field
// present, none present, and a member who left.
func Sample() Fixtures {
	i64 := func(v int64) *int64 { return &v }
	i32 := func(v int32) *int32 { return &v }
	str := func(v string) *string { return &v }
	return Fixtures{
		Credentials: []Credential{
			{AccessKey: SampleAccessKey, SecretKey: SampleSecretKey},
			{AccessKey: SampleSTSAccessKey, SecretKey: SampleSTSSecretKey, SessionToken: SampleSTSToken},
		},
		Apps: []App{{
			AppID: SampleAppID,
			Conversations: []Conversation{
				{
					ConversationShortID: SampleConversationID,
					ConversationID:      str("0:1:9007199254740993:7000000000000000001"),
					ConversationType:    i64(2), Name: str("infra-oncall"), Description: str("On-call rotation"),
					Notice: str("Page the owner first"), AvatarURL: str("https://example.com/oncall.png"),
					OwnerUserID: i64(SampleBigUserID), OwnerUserIDStr: str("ada"),
					CreatorUserID: i64(10001), CreatorUserIDStr: str("grace"),
					InboxType: i64(0), CreateTime: i64(1600000000), ModifyTime: i64(1700000000), Status: i64(0),
					Ext: map[string]string{"env": "prod"},
					Participants: []Participant{
						{ParticipantUserID: 10001, Operator: SampleBigUserID, Role: 0, NickName: str("Grace"), Level: i32(1),
							Status: i32(0), CreateTime: i64(1700000000), BlockTime: i64(1893456000), Ext: map[string]string{}},
						{ParticipantUserID: SampleBigUserID, Operator: 10, Role: 1, NickName: str("Ada"), Level: i32(20),
							Status: i32(0), CreateTime: i64(1669694619), BlockTime: i64(0), Ext: map[string]string{"team": "infra", "s:from": "biz"},
							AvatarURL: str("https://example.com/ada.png"), Marks: []string{"oncall", "lead"},
							ParticipantUserIDStr: str("ada"), OperatorStr: str("admin-10")},
						{ParticipantUserID: 10002, Operator: 10, Role: 2},
						{ParticipantUserID: 10003, Operator: 10001, Role: 0, NickName: str("Linus"), Level: i32(3),
							Status: i32(1), CreateTime: i64(1600000000), BlockTime: i64(0)},
					},
				},
				// One-to-one, with only the fields the API always returns.
				{ConversationShortID: 42, ConversationType: i64(1), OwnerUserID: i64(1), CreatorUserID: i64(1),
					OtherUserID: i64(2), OtherUserIDStr: str("bob"), CreateTime: i64(1600000000), ModifyTime: i64(1600000000),
					Participants: []Participant{{ParticipantUserID: 1, Operator: 1, Role: 1}}},
				// Dissolved: BatchGetConversations does not return it.
				{ConversationShortID: 44, ConversationType: i64(2), Status: i64(1), Name: str("old")},
			},
		}},
	}
}

// WithMembers adds to fx's first app a group conversation conv of n
// members with user IDs 1 to n, in join order, every field set.
func WithMembers(fx Fixtures, conv int64, n int) Fixtures {
	nick, level, status, created := "member", int32(1), int32(0), int64(1700000000)
	ps := make([]Participant, n)
	for i := range ps {
		ps[i] = Participant{ParticipantUserID: int64(i + 1), Operator: 1, Role: int64(i % 3), NickName: &nick, Level: &level,
			Status: &status, CreateTime: &created, Ext: map[string]string{"team": "scan"}}
	}
	typ := int64(2)
	owner := int64(1)
	fx.Apps[0].Conversations = append(fx.Apps[0].Conversations,
		Conversation{ConversationShortID: conv, ConversationType: &typ, OwnerUserID: &owner, Participants: ps})
	return fx
}
