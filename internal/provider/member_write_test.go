// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/emulator"
	"github.com/volcrtc/terraform-provider-volcrtc/internal/imclient"
)

// The state the writes return when the read back fails: the removal and
// the add the API confirmed are recorded, the refused add is not, with a
// warning that the answers were trusted and the refusal as an error.
func TestWriteFallsBackOnTheAnswers(t *testing.T) {
	emu, url := startGroups(t, emulator.Options{})
	for _, id := range []int64{2, 3} {
		if err := emu.SetMember(emulator.SampleAppID, groupA, emulator.Participant{ParticipantUserID: id, Operator: 1}); err != nil {
			t.Fatal(err)
		}
	}
	client, err := imclient.New(imclient.Config{AccessKey: emulator.SampleAccessKey, SecretKey: emulator.SampleSecretKey,
		Endpoint: url, BudgetScope: imclient.ScopeProcess, MaxQPS: 100})
	if err != nil {
		t.Fatal(err)
	}
	emu.FailUsers(emulator.ActionAddParticipants, 5)
	emu.FailAction(imclient.ActionBatchGetParticipants, &emulator.FaultUnavailable)
	plain := modelOf(memberFields{}, nil)
	prior := map[int64]memberModel{2: plain, 3: plain}
	planned := map[int64]memberModel{3: plain, 4: plain, 5: plain}
	var diags diag.Diagnostics
	target := memberTarget{client: client, app: emulator.SampleAppID, conv: groupA, operator: groupOwner, owner: groupOwner}
	got := target.write(context.Background(), prior, planned, false, &diags)
	if keys := sortedIDs(got); !reflect.DeepEqual(keys, []int64{3, 4}) {
		t.Errorf("state lists %v, want [3 4]", keys)
	}
	if got := memberSummary(emu, groupA); got != "3 member - - {}\n4 member - - {}" {
		t.Errorf("the group holds:\n%s", got)
	}
	var warned, refused bool
	for _, d := range diags {
		warned = warned || strings.Contains(d.Summary(), "could not be read back")
		refused = refused || strings.Contains(d.Detail(), "- 5: the API refused to add them")
	}
	if !warned || !refused || diags.ErrorsCount() != 1 {
		t.Errorf("diagnostics: %v", diags)
	}
}

// A read-back that lags beyond the patience: the state records what the
// writes answered, and one warning names who the API does not list yet.
func TestWriteRecordsAnswersTheAPIDoesNotShowYet(t *testing.T) {
	emu, url := startGroups(t, emulator.Options{})
	if err := emu.SetMember(emulator.SampleAppID, groupA, emulator.Participant{ParticipantUserID: 2, Operator: 1}); err != nil {
		t.Fatal(err)
	}
	client, err := imclient.New(imclient.Config{AccessKey: emulator.SampleAccessKey, SecretKey: emulator.SampleSecretKey,
		Endpoint: url, BudgetScope: imclient.ScopeProcess, MaxQPS: 100})
	if err != nil {
		t.Fatal(err)
	}
	defer func(d time.Duration) { readLagPatience = d }(readLagPatience)
	readLagPatience = 300 * time.Millisecond
	emu.SetReadLag(time.Hour)
	plain := modelOf(memberFields{}, nil)
	var diags diag.Diagnostics
	target := memberTarget{client: client, app: emulator.SampleAppID, conv: groupA, operator: groupOwner, owner: groupOwner}
	got := target.write(context.Background(), map[int64]memberModel{2: plain}, map[int64]memberModel{3: plain, 4: plain}, true, &diags)
	if keys := sortedIDs(got); !reflect.DeepEqual(keys, []int64{3, 4}) {
		t.Errorf("state lists %v, want [3 4]", keys)
	}
	if diags.HasError() || len(diags) != 1 {
		t.Fatalf("want one warning, got %v", diags)
	}
	detail := diags[0].Detail()
	for _, want := range []string{"not listed yet as planned: 3, 4", "still listed after their removal: 2"} {
		if !strings.Contains(detail, want) {
			t.Errorf("the warning does not say %q:\n%s", want, detail)
		}
	}
}
