// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestReadLagDelaysReadsNotWrites(t *testing.T) {
	clock := &fakeClock{t: time.Now()}
	s, ts := newServer(t, Options{Now: clock.Now})
	s.SetReadLag(1500 * time.Millisecond)
	id := createdID(t, mustWrite(t, ts, ActionCreateConversation, createBody("k", 2)))
	convs := func() string {
		res := mustWrite(t, ts, "BatchGetConversations", fmt.Sprintf(`{"AppId":%d,"ConversationShortId":[%d]}`, SampleAppID, id))
		return string(res["ConversationCoreInfos"])
	}
	body := func(tail string) string {
		return fmt.Sprintf(`{"AppId":%d,"ConversationShortId":%d,"Operator":10001,%s}`, SampleAppID, id, tail)
	}
	// Writes see the new conversation at once; reads do not, yet.
	mustWrite(t, ts, ActionAddParticipants, body(`"ParticipantInfos":[{"ParticipantUserId":20001}]`))
	if got := convs(); got != "[]" {
		t.Fatalf("a read right after the create returned %s", got)
	}
	clock.Add(1600 * time.Millisecond)
	if got := convs(); !strings.Contains(got, fmt.Sprint(id)) {
		t.Fatalf("a read after the lag returned %s", got)
	}
	get := func() string {
		return string(mustWrite(t, ts, "BatchGetConversationParticipant", body(`"ParticipantUserIds":[20001,20002]`))["Participants"])
	}
	if got := get(); !strings.Contains(got, "20001") {
		t.Fatalf("the add is not visible after the lag: %s", got)
	}
	mustWrite(t, ts, ActionAddParticipants, body(`"ParticipantInfos":[{"ParticipantUserId":20002}]`))
	if got := get(); strings.Contains(got, "20002") {
		t.Fatalf("the second add is visible at once: %s", got)
	}
	if m, ok := s.Member(SampleAppID, id, 20002); !ok || m.ParticipantUserID != 20002 {
		t.Fatal("the emulator's own state misses the second add")
	}
	clock.Add(1600 * time.Millisecond)
	if got := get(); !strings.Contains(got, "20002") {
		t.Fatalf("the second add is not visible after the lag: %s", got)
	}
}

func TestNotFoundAsError(t *testing.T) {
	_, ts := newServer(t, Options{NotFoundAsError: true})
	status, code, _ := writeCall(t, ts, "BatchGetConversations", fmt.Sprintf(`{"AppId":%d,"ConversationShortId":[424242]}`, SampleAppID))
	if code != "ConversationNotFound" || status == 200 {
		t.Fatalf("HTTP %d %q, want ConversationNotFound", status, code)
	}
}
