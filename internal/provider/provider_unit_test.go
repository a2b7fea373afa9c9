// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"testing"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/imclient"
)

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
	if ignored != "1 without a user ID, 1 of another conversation, 1 not requested, 1 repeated" {
		t.Fatalf("ignored %q", ignored)
	}
	if _, ignored := indexParticipants(in, found[:1]); ignored != "" {
		t.Fatalf("nothing to ignore, got %q", ignored)
	}
}

func TestIsLoopback(t *testing.T) {
	for host, want := range map[string]bool{
		"localhost": true, "LOCALHOST": true, "127.0.0.1": true, "127.8.9.10": true, "::1": true,
		"rtc.volcengineapi.com": false, "10.0.0.1": false, "192.168.1.1": false, "": false,
	} {
		if got := isLoopback(host); got != want {
			t.Errorf("isLoopback(%q) = %v", host, got)
		}
	}
}
