// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package imclient

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/emulator"
)

func newLiveGroup(t *testing.T, c *Client) int64 {
	t.Helper()
	in := createInput("live-" + t.Name())
	in.Type = ConversationTypeLiveGroup
	out, err := c.CreateConversation(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	return out.ConversationShortID
}

// A block add sends durations from now, keyed by user ID as a string; a
// lost answer is sent again and the list holds each user once; the
// FailedParticipantUserIds are Failed by ID.
func TestAddBlockParticipants(t *testing.T) {
	emu, c, _ := emulatorClient(t, emulator.Options{}, func(c *Config) { c.MaxRetries = 2 })
	ctx := context.Background()
	conv := newLiveGroup(t, c)
	now := c.clock.Now().Unix()
	emu.LoseAnswers(emulator.ActionAddBlock, 1, emulator.FaultBadGateway)
	emu.FailUsers(emulator.ActionAddBlock, 3)
	res, err := c.AddBlockParticipants(ctx, AddBlockInput{AppID: emulator.SampleAppID, ConversationShortID: conv, List: BlockListBlocked,
		Until: map[int64]int64{1: now + 600, 2: now + 60, 3: now + 60, 4: now - 5}})
	var we *WriteError
	if !errors.As(err, &we) || !slices.Equal(res.Failed, []int64{3}) || !slices.Equal(res.Done, []int64{1, 2, 4}) {
		t.Fatalf("result %+v, err %v", res, err)
	}
	if !strings.Contains(err.Error(), "failed: 3") {
		t.Fatalf("error %v", err)
	}
	sent := requestsOf(emu, ActionAddBlockParticipants)
	if len(sent) != 2 || !strings.Contains(sent[0], `"ParticipantBlockInfos":{"1":6`) || strings.Contains(sent[0], `"4"`) {
		t.Fatalf("requests %q", sent)
	}
	list := emu.BlockList(emulator.SampleAppID, conv, 1)
	if len(list) != 2 || list[0].ParticipantUserID != 1 || *list[0].BlockTime < now+600 || *list[0].BlockTime > now+602 {
		t.Fatalf("block list %+v", list)
	}
	if _, err := c.DeleteBlockParticipants(ctx, RemoveBlockInput{AppID: emulator.SampleAppID, ConversationShortID: conv, List: BlockListBlocked,
		UserIDs: []int64{1, 2}}); err != nil {
		t.Fatal(err)
	}
	if list := emu.BlockList(emulator.SampleAppID, conv, 1); len(list) != 0 {
		t.Fatalf("after the removal %+v", list)
	}
}

// A normal group refuses with the vendor's code, typed.
func TestModerationOnNormalGroup(t *testing.T) {
	_, c, _ := emulatorClient(t, emulator.Options{}, nil)
	conv := newGroup(t, c)
	_, err := c.AddWhitelistParticipant(context.Background(), WhitelistWriteInput{AppID: emulator.SampleAppID, ConversationShortID: conv,
		Operator: 10001, UserIDs: []int64{5}})
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.Code != CodeOnlyLiveConversationSupport {
		t.Fatalf("err %v", err)
	}
}

// The whitelist reads whole over pages of 20; marks read back as set.
func TestWhitelistAndMarks(t *testing.T) {
	emu, c, _ := emulatorClient(t, emulator.Options{}, nil)
	ctx := context.Background()
	conv := newLiveGroup(t, c)
	users := usersFrom(100, 45)
	if _, err := c.AddWhitelistParticipant(ctx, WhitelistWriteInput{AppID: emulator.SampleAppID, ConversationShortID: conv,
		Operator: 10001, UserIDs: users}); err != nil {
		t.Fatal(err)
	}
	got, err := c.BatchGetWhitelistParticipant(ctx, WhitelistInput{AppID: emulator.SampleAppID, ConversationShortID: conv})
	if err != nil || len(got.Records) != 45 || got.Pages != 3 || *got.Records[44].ParticipantUserID != users[44] {
		t.Fatalf("read %d records in %d pages, %v", len(got.Records), got.Pages, err)
	}
	if err := c.MarkConversation(ctx, MarkInput{AppID: emulator.SampleAppID, ConversationShortID: conv, Marks: []string{"official", "ops"}}); err != nil {
		t.Fatal(err)
	}
	if err := c.MarkConversation(ctx, MarkInput{AppID: emulator.SampleAppID, ConversationShortID: conv, Marks: []string{"ops"}, Delete: true}); err != nil {
		t.Fatal(err)
	}
	marks, err := c.GetConversationMarks(ctx, emulator.SampleAppID, conv)
	if err != nil || !slices.Equal(marks, []string{"official"}) || !slices.Equal(emu.Marks(emulator.SampleAppID, conv), marks) {
		t.Fatalf("marks %v, %v", marks, err)
	}
}
