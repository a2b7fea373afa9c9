// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/emulator"
	"github.com/volcrtc/terraform-provider-volcrtc/internal/emulator/emulatortest"
	"github.com/volcrtc/terraform-provider-volcrtc/internal/imclient"
)

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

// A state Terraform would refuse (over its 256 MiB message limit) is an
// error that says what to do, before the raw gRPC one.
func TestStateTooLarge(t *testing.T) {
	members := make([]imclient.Participant, 5000)
	ids := make([]int64, len(members))
	for i := range members {
		id := int64(i + 1)
		members[i].ParticipantUserID, ids[i] = &id, id
	}
	st := participantsState{appID: 1, conversation: 7, userIDs: ids, members: members}
	var diags diag.Diagnostics
	names := conversationParticipantsSpec.names()
	if b := encodeStateWithin(64<<10, names, st.state(), &diags); b != nil || !diags.HasError() {
		t.Fatalf("%d bytes, diagnostics %v", len(b), diags)
	}
	d := diags[0]
	if d.Summary() != "Too much data for one data source" || !strings.Contains(d.Detail(), "participant_user_ids") ||
		strings.Contains(d.Detail(), "bug") {
		t.Fatalf("%s: %s", d.Summary(), d.Detail())
	}
	diags = nil
	if b := encodeStateWithin(64<<20, names, st.state(), &diags); diags.HasError() || len(b) == 0 {
		t.Fatalf("within the limit: %v", diags)
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
	if ignored != "" || len(st.missing) != 0 || len(st.members) != 2 {
		t.Fatalf("ignored %q, missing %v", ignored, st.missing)
	}
	for _, p := range st.members {
		if *p.ConversationShortID != 7 {
			t.Fatalf("member %d shows conversation %d", *p.ParticipantUserID, *p.ConversationShortID)
		}
	}
}
