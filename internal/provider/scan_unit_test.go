// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/emulator"
)

// A scan that fails on a middle page returns no member in state (the
// framework sends back the configuration with every computed attribute
// null), only the error saying how far it got.
func TestScanFailureLeavesNoState(t *testing.T) {
	emu, url := scanEmulator(t, 100, emulator.Options{})
	emu.FailScanPage(3, emulator.Fault{Status: 400, Code: "InvalidParam", Message: "no"})
	p := newProtocol(t, sampleEnv(url))
	if diags := p.configure(nil); len(diags) != 0 {
		t.Fatal(diagText(diags))
	}
	resp := p.read(participantsDS, map[string]tftypes.Value{
		"app_id": num(emulator.SampleAppID), "conversation_short_id": num(scanConv),
	})
	text := diagText(resp.Diagnostics)
	if resp.State != nil {
		v, err := resp.State.Unmarshal(p.dataSourceType(participantsDS))
		if err != nil {
			t.Fatal(err)
		}
		var attrs map[string]tftypes.Value
		if err := v.As(&attrs); err != nil {
			t.Fatal(err)
		}
		for _, name := range []string{"participants", "participant_user_ids", "missing_user_ids"} {
			if !attrs[name].IsNull() {
				t.Fatalf("%s is in state after a failed scan: %v", name, attrs[name])
			}
		}
	}
	if countSeverity(resp.Diagnostics, tfprotov6.DiagnosticSeverityError) != 1 ||
		!strings.Contains(text, "stopped after 3 page(s) and 60 member(s); none of them were saved") {
		t.Fatalf("diagnostics:\n%s", text)
	}
}
