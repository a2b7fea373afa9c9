// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestModerationBlockListEachWay(t *testing.T) {
	for _, tc := range []struct {
		name             string
		opts             Options
		typ              int
		wantCode         string
		zero, long, keep string
	}{
		{name: "live group, defaults", typ: 100, zero: "InvalidParam"},
		{name: "normal group refused", typ: 2, wantCode: CodeOnlyLive},
		{name: "normal group taken", typ: 2, opts: Options{NormalGroupModeration: true}, zero: "InvalidParam"},
		{name: "zero forever, capped, expired kept", typ: 100,
			opts: Options{ZeroBlockForever: true, MaxBlockSeconds: 3600, KeepExpiredBlocks: true}, long: "InvalidParam", keep: "yes"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clock := &fakeClock{t: time.Now()}
			tc.opts.Now = clock.Now
			s, ts := newServer(t, tc.opts)
			id := createdID(t, mustWrite(t, ts, ActionCreateConversation, createBody("k", tc.typ)))
			body := func(tail string) string {
				return fmt.Sprintf(`{"AppId":%d,"ConversationShortId":%d,"BlockAction":1,%s}`, SampleAppID, id, tail)
			}
			_, code, _ := writeCall(t, ts, ActionAddBlock, body(`"ParticipantBlockInfos":{"2001":600,"2002":60}`))
			if code != tc.wantCode {
				t.Fatalf("add: code %q, want %q", code, tc.wantCode)
			}
			if tc.wantCode != "" {
				if got := s.BlockList(SampleAppID, id, 1); len(got) != 0 {
					t.Fatalf("a refused add listed %v", got)
				}
				return
			}
			got := s.BlockList(SampleAppID, id, 1)
			if len(got) != 2 || *got[0].BlockTime != clock.Now().Unix()+600 || *got[1].BlockTime != clock.Now().Unix()+60 {
				t.Fatalf("block list %+v", got)
			}
			if _, code, _ := writeCall(t, ts, ActionAddBlock, body(`"ParticipantBlockInfos":{"2003":0}`)); code != tc.zero {
				t.Fatalf("duration 0: code %q, want %q", code, tc.zero)
			}
			if _, code, _ := writeCall(t, ts, ActionAddBlock, body(`"ParticipantBlockInfos":{"2004":7200}`)); code != tc.long {
				t.Fatalf("duration 7200: code %q, want %q", code, tc.long)
			}
			clock.Add(120 * time.Second)
			listed := string(mustWrite(t, ts, "BatchGetBlockParticipants", body(`"Cursor":0,"Limit":20`))["Participants"])
			if strings.Contains(listed, "2002") != (tc.keep != "") || !strings.Contains(listed, "2001") {
				t.Fatalf("after 2002's block ended the list reads %s", listed)
			}
			s.FailUsers(ActionRemoveBlock, 2001)
			res := mustWrite(t, ts, ActionRemoveBlock, body(`"ParticipantUserIds":[2001,2002,9999]`))
			if string(res["FailedParticipantUserIds"]) != "[2001]" {
				t.Fatalf("FailedParticipantUserIds %s", res["FailedParticipantUserIds"])
			}
		})
	}
}

func TestModerationWhitelistAndMarks(t *testing.T) {
	s, ts := newServer(t, Options{MaxWhitelist: 3, MaxMarks: 2})
	id := createdID(t, mustWrite(t, ts, ActionCreateConversation, createBody("k", 100)))
	body := func(tail string) string {
		return fmt.Sprintf(`{"AppId":%d,"ConversationShortId":%d,%s}`, SampleAppID, id, tail)
	}
	if _, code, _ := writeCall(t, ts, ActionAddWhitelist, body(`"ParticipantUserIds":[1]`)); code != "InvalidParam" {
		t.Fatalf("no operator: %q", code)
	}
	s.FailUsers(ActionAddWhitelist, 3)
	res := mustWrite(t, ts, ActionAddWhitelist, body(`"Operator":10001,"ParticipantUserIds":[1,2,3]`))
	if string(res["FailedUserIds"]) != "[3]" || !slices.Equal(s.Whitelist(SampleAppID, id), []int64{1, 2}) {
		t.Fatalf("FailedUserIds %s, whitelist %v", res["FailedUserIds"], s.Whitelist(SampleAppID, id))
	}
	s.FailUsers(ActionAddWhitelist)
	if _, code, _ := writeCall(t, ts, ActionAddWhitelist, body(`"Operator":10001,"ParticipantUserIds":[4,5]`)); code != "BlockConversationWhiteParticipantMoreThanLimit" {
		t.Fatalf("over the cap: %q", code)
	}
	page := mustWrite(t, ts, ActionGetWhitelist, body(`"Cursor":0,"Limit":1`))
	if !strings.Contains(string(page["Participants"]), `"ParticipantUserId":1`) || string(page["HasMore"]) != "true" {
		t.Fatalf("first page %v", page)
	}
	mustWrite(t, ts, ActionMarkConversation, body(`"MarkTypes":["official","ops"],"MarkAction":1`))
	if _, code, _ := writeCall(t, ts, ActionMarkConversation, body(`"MarkTypes":["third"],"MarkAction":1`)); code != "ConversationMarkTypeMoreThanLimit" {
		t.Fatalf("over the mark cap: %q", code)
	}
	mustWrite(t, ts, ActionMarkConversation, body(`"MarkTypes":["ops"],"MarkAction":2,"Operator":10001`))
	if got := string(mustWrite(t, ts, ActionGetMarks, body(`"Cursor":0`))["MarkTypes"]); got != `["official"]` {
		t.Fatalf("marks %s", got)
	}
}
