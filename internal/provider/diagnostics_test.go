// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/emulator"
)

// Text the API sends reaches the diagnostic with control characters
// escaped.
func TestDiagnosticsEscapeAPIText(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(400)
		_, _ = w.Write([]byte("{\"ResponseMetadata\":{\"RequestId\":\"r\\u001b[1A\",\"Error\":{\"Code\":\"Bad\\u001b[2J\",\"Message\":\"\\r\\u001b]0;owned\\u0007Apply complete!\"}}}"))
	}))
	defer ts.Close()
	p := newProtocol(t, sampleEnv(ts.URL))
	p.configure(nil)
	resp := p.read(participantsDS, sampleArgs(num(1)))
	text := diagText(resp.Diagnostics)
	if !strings.Contains(text, `Bad\x1b[2J`) || !strings.Contains(text, `\x0d\x1b]0;owned\x07Apply complete!`) {
		t.Fatalf("diagnostics:\n%q", text)
	}
	for _, r := range text {
		if r < 0x20 && r != '\n' || r == 0x7f {
			t.Fatalf("control character %U in:\n%q", r, text)
		}
	}
}

// Control characters from the API are shown escaped; a gateway page is
// "could not be read", not "rejected".
func TestAccHostile_untrustedText(t *testing.T) {
	emu, url := newEmulator(t, emulator.Options{})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(sampleEnv(url)),
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					emu.SetFault(&emulator.Fault{Status: 400, Code: "Bad\x1b[2J", Message: "\r\x1b]0;owned\x07Apply complete!"})
				},
				Config:      sampleDataSource(10001),
				ExpectError: wrapped(`(?s)Code: Bad\\x1b\[2J.*Message: \\x0d\\x1b\]0;owned\\x07Apply complete!`),
			},
			{
				PreConfig:   func() { emu.SetFault(&emulator.Fault{Status: 200, RawBody: "<html>\x1b[31mgateway</html>"}) },
				Config:      sampleDataSource(10001),
				ExpectError: wrapped(`(?s)Unreadable response from the Volcengine IM OpenAPI.*The response to BatchGetConversationParticipant could not be read: response is not valid JSON: <html>\\x1b\[31mgateway</html>`),
			},
			func() resource.TestStep {
				s := lastGood()
				s.PreConfig = func() { emu.SetFault(nil) }
				return s
			}(),
		},
	})
}

// Every read warns about the records it left out with one warning, which
// names them and counts each reason; nothing is said when nothing was left
// out.
func TestWarnIgnored(t *testing.T) {
	var diags diag.Diagnostics
	warnIgnored(context.Background(), &diags, "users", ignoredCount{0, "without a user ID"}, ignoredCount{0, "repeated"})
	if len(diags) != 0 {
		t.Fatalf("a warning with nothing ignored: %v", diags)
	}
	warnIgnored(context.Background(), &diags, "users", ignoredCount{2, "not requested"}, ignoredCount{0, "repeated"},
		ignoredCount{1, "of another app"})
	want := "The API's answer held users that do not belong in this read's result; they were left out of it: " +
		"2 not requested, 1 of another app."
	if len(diags) != 1 || diags[0].Severity() != diag.SeverityWarning || diags[0].Summary() != "Unexpected users ignored" ||
		diags[0].Detail() != want {
		t.Fatalf("diagnostics: %v", diags)
	}
}
