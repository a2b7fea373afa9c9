// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/emulator"
)

const (
	participantsDS  = "volcrtc_conversation_participants"
	conversationsDS = "volcrtc_conversations"
)

func sampleArgs(ids ...tftypes.Value) map[string]tftypes.Value {
	return map[string]tftypes.Value{
		"app_id":                num(emulator.SampleAppID),
		"conversation_short_id": num(emulator.SampleConversationID),
		"participant_user_ids":  numList(ids...),
	}
}

var providerBug = regexp.MustCompile(`(?i)error in the provider|bug in the provider|%!`)

// A fractional or out-of-range number is the user's typo: one error on the
// attribute that says what to write, and no word of a provider bug.
func TestNumbersMustBeWhole(t *testing.T) {
	p := newProtocol(t, nil)
	cases := []struct {
		name  string
		attrs map[string]tftypes.Value
		path  string
		want  string
	}{
		{"app_id 1.5", map[string]tftypes.Value{"app_id": numText(t, "1.5")}, `AttributeName("app_id")`,
			"Attribute app_id value must be a whole number between 1 and 2147483647 (no fraction), got: 1.5"},
		{"conversation_short_id 1.5", map[string]tftypes.Value{"conversation_short_id": numText(t, "1.5")}, `AttributeName("conversation_short_id")`,
			"Attribute conversation_short_id value must be a whole number at least 1 (no fraction), got: 1.5"},
		{"user ID 1.5", map[string]tftypes.Value{"participant_user_ids": numList(num(1), numText(t, "1.5"))}, `AttributeName("participant_user_ids").ElementKeyInt(1)`,
			"Attribute participant_user_ids[1] value must be a whole number at least 1 (no fraction), got: 1.5"},
		{"user ID beyond int64", map[string]tftypes.Value{"participant_user_ids": numList(numText(t, "9223372036854775808"))}, `AttributeName("participant_user_ids").ElementKeyInt(0)`,
			"Attribute participant_user_ids[0] value must be at most 9223372036854775807, the largest 64-bit ID, got: 9223372036854775808"},
		{"conversation beyond int64", map[string]tftypes.Value{"conversation_short_id": numText(t, "1e30")}, `AttributeName("conversation_short_id")`,
			"must be at most 9223372036854775807, the largest 64-bit ID, got: 1000000000000000000000000000000"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			attrs := sampleArgs(num(1))
			for k, v := range tc.attrs {
				attrs[k] = v
			}
			diags := p.validateDataSource(participantsDS, attrs)
			text := diagText(diags)
			if len(diags) != 1 || diags[0].Attribute == nil || diags[0].Attribute.String() != tc.path ||
				!strings.Contains(diags[0].Detail, tc.want) || providerBug.MatchString(text) {
				t.Fatalf("diagnostics:\n%s\nwant one error at %s saying %q", text, tc.path, tc.want)
			}
		})
	}
	for _, attr := range []string{"max_batch_size", "max_qps", "max_retries", "request_timeout_seconds"} {
		diags := p.validateProvider(map[string]tftypes.Value{attr: numText(t, "2.5")})
		if len(diags) != 1 || !strings.Contains(diags[0].Detail, "Attribute "+attr+" value must be a whole number between") ||
			providerBug.MatchString(diagText(diags)) {
			t.Errorf("%s = 2.5:\n%s", attr, diagText(diags))
		}
	}
}

// A credential with a stray newline or control character is refused at
// configuration, before any request, on the attribute or naming the
// environment variable, without quoting the value.
func TestCredentialTypos(t *testing.T) {
	emu, url := newEmulator(t, emulator.Options{})
	cases := []struct {
		name  string
		env   map[string]string
		attrs map[string]tftypes.Value
		want  string
		path  string
	}{
		{"access_key from file()", nil, map[string]tftypes.Value{"access_key": str(emulator.SampleAccessKey + "\n")},
			"The value of access_key has white space at its start or end (often the newline at the end of a file read with file()). Remove it, for example with trimspace(", `AttributeName("access_key")`},
		{"secret_key with a tab inside", nil, map[string]tftypes.Value{"secret_key": str("abc\tdef")},
			"The value of secret_key contains a control character (U+0009) at byte 4", `AttributeName("secret_key")`},
		{"session token with CRLF", nil, map[string]tftypes.Value{"session_token": str(emulator.SampleSTSToken + "\r\n")},
			"The value of session_token has white space at its start or end", `AttributeName("session_token")`},
		{"secret from the environment", map[string]string{EnvSecretKey: emulator.SampleSecretKey + "\r\n"}, nil,
			"The environment variable VOLCENGINE_SECRET_KEY, read because secret_key is not set in the provider block, has white space", ""},
		{"token from the environment", map[string]string{EnvSessionToken: "\x1b[2Jtok"}, nil,
			"The environment variable VOLCENGINE_SESSION_TOKEN, read because session_token is not set in the provider block, contains a control character (U+001B) at byte 1", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			env := sampleEnv(url)
			for k, v := range tc.env {
				env[k] = v
			}
			p := newProtocol(t, env)
			diags := p.configure(tc.attrs)
			text := diagText(diags)
			if countSeverity(diags, tfprotov6.DiagnosticSeverityError) != 1 || !strings.Contains(text, tc.want) {
				t.Fatalf("diagnostics:\n%s\nwant one error saying %q", text, tc.want)
			}
			if got := ""; diags[0].Attribute != nil {
				got = diags[0].Attribute.String()
				if got != tc.path {
					t.Fatalf("error on %s, want %q", got, tc.path)
				}
			} else if tc.path != "" {
				t.Fatalf("error on no attribute, want %s", tc.path)
			}
			for _, secret := range []string{emulator.SampleSecretKey, emulator.SampleSTSToken, "abc\tdef", "\x1b"} {
				if strings.Contains(text, secret) {
					t.Fatalf("the value is quoted:\n%s", text)
				}
			}
		})
	}
	if n := len(emu.Requests()); n != 0 {
		t.Fatalf("%d requests reached the API", n)
	}
}

// The endpoint's user info is never printed, also when the URL cannot be
// parsed.
func TestEndpointUserInfoIsNotPrinted(t *testing.T) {
	for _, endpoint := range []string{"http://user:s3cretpw@127.0.0.1:1/", "https://user:s3cretpw@host/%zz", "http://s3cretpw@[::1"} {
		for _, fromEnv := range []bool{false, true} {
			env := map[string]string{EnvAccessKey: "a", EnvSecretKey: "b"}
			attrs := map[string]tftypes.Value{}
			if fromEnv {
				env[EnvEndpoint] = endpoint
			} else {
				attrs["endpoint"] = str(endpoint)
			}
			p := newProtocol(t, env)
			diags := append(p.validateProvider(attrs), p.configure(attrs)...)
			text := diagText(diags)
			if countSeverity(diags, tfprotov6.DiagnosticSeverityError) == 0 || strings.Contains(text, "s3cretpw") {
				t.Errorf("endpoint %q (env %v):\n%s", endpoint, fromEnv, text)
			}
		}
	}
}

// When the API refuses the default batch size, the read succeeds in
// smaller calls and says once which max_batch_size to set.
func TestBatchSizeWarningOnce(t *testing.T) {
	emu, url := newEmulator(t, emulator.Options{MaxIDsPerCall: 30})
	p := newProtocol(t, sampleEnv(url))
	if diags := p.configure(nil); len(diags) != 0 {
		t.Fatal(diagText(diags))
	}
	ids := []tftypes.Value{num(10001), num(10002)}
	for i := int64(1); i <= 98; i++ {
		ids = append(ids, num(i))
	}
	resp := p.read(participantsDS, sampleArgs(ids...))
	text := diagText(resp.Diagnostics)
	if len(resp.Diagnostics) != 1 || resp.Diagnostics[0].Severity != tfprotov6.DiagnosticSeverityWarning ||
		!strings.Contains(text, "Set max_batch_size = 25 in the provider block") {
		t.Fatalf("diagnostics:\n%s", text)
	}
	if st := emu.Stats(); st.OK != 4 || st.Rejected != 2 {
		t.Fatalf("stats %+v: want 100 and 50 refused, then four calls of 25", st)
	}
	resp = p.read(participantsDS, sampleArgs(ids...))
	if len(resp.Diagnostics) != 0 {
		t.Fatalf("second read:\n%s", diagText(resp.Diagnostics))
	}
}

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

// volcrtc_conversations adapts its batch size the same way, and says so.
func TestConversationsBatchSizeWarning(t *testing.T) {
	emu, url := newEmulator(t, emulator.Options{MaxIDsPerCall: 2})
	p := newProtocol(t, sampleEnv(url))
	if diags := p.configure(nil); len(diags) != 0 {
		t.Fatal(diagText(diags))
	}
	resp := p.read("volcrtc_conversations", map[string]tftypes.Value{
		"app_id":                 num(emulator.SampleAppID),
		"conversation_short_ids": numList(num(42), num(emulator.SampleConversationID), num(44), num(404)),
	})
	text := diagText(resp.Diagnostics)
	if len(resp.Diagnostics) != 1 || !strings.Contains(text, "BatchGetConversations refused calls of more conversation IDs") ||
		!strings.Contains(text, "Set max_batch_size = 2") {
		t.Fatalf("diagnostics:\n%s", text)
	}
	if st := emu.Stats(); st.Rejected != 1 || st.OK != 2 {
		t.Fatalf("stats %+v", st)
	}
}
