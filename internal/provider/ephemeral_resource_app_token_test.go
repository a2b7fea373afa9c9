// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/emulator"
)

// volcrtc_app_token's arguments are checked on their attribute: exactly
// one of user_id and user_id_str, and a valid_for that is a positive
// duration of at most 30 days.
func TestAppTokenValidation(t *testing.T) {
	p := newProtocol(t, nil)
	typ := p.schema.EphemeralResourceSchemas["volcrtc_app_token"].ValueType()
	cases := map[string]struct {
		attrs map[string]tftypes.Value
		want  string
	}{
		"fine":            {map[string]tftypes.Value{"app_id": num(1), "user_id": num(5), "valid_for": str("90m")}, ""},
		"by name":         {map[string]tftypes.Value{"app_id": num(1), "user_id_str": str("bob")}, ""},
		"neither user":    {map[string]tftypes.Value{"app_id": num(1)}, "user_id"},
		"both users":      {map[string]tftypes.Value{"app_id": num(1), "user_id": num(5), "user_id_str": str("bob")}, "user_id"},
		"not a duration":  {map[string]tftypes.Value{"app_id": num(1), "user_id": num(5), "valid_for": str("2 hours")}, "Invalid duration"},
		"too long":        {map[string]tftypes.Value{"app_id": num(1), "user_id": num(5), "valid_for": str("721h")}, "at most 720h0m0s (30 days)"},
		"not positive":    {map[string]tftypes.Value{"app_id": num(1), "user_id": num(5), "valid_for": str("-1h")}, "must be positive"},
		"fractional user": {map[string]tftypes.Value{"app_id": num(1), "user_id": numText(t, "1.5")}, "whole number"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			resp, err := p.srv.ValidateEphemeralResourceConfig(context.Background(), &tfprotov6.ValidateEphemeralResourceConfigRequest{
				TypeName: "volcrtc_app_token", Config: p.dynamic(typ, tc.attrs)})
			if err != nil {
				t.Fatal(err)
			}
			text := diagText(resp.Diagnostics)
			if (tc.want == "") != (len(resp.Diagnostics) == 0) || !strings.Contains(text, tc.want) || providerBug.MatchString(text) {
				t.Fatalf("diagnostics:\n%s", text)
			}
		})
	}
}

// Opening it calls GetAppToken with the expiry in Unix milliseconds, and
// returns the token and when it expires.
func TestAppTokenOpen(t *testing.T) {
	emu, url := newEmulator(t, emulator.Options{})
	p := newProtocol(t, sampleEnv(url))
	if diags := p.configure(nil); len(diags) != 0 {
		t.Fatal(diagText(diags))
	}
	typ := p.schema.EphemeralResourceSchemas["volcrtc_app_token"].ValueType()
	resp, err := p.srv.OpenEphemeralResource(context.Background(), &tfprotov6.OpenEphemeralResourceRequest{
		TypeName: "volcrtc_app_token", Config: p.dynamic(typ, map[string]tftypes.Value{
			"app_id": num(emulator.SampleAppID), "user_id": num(10001), "valid_for": str("2h")})})
	if err != nil || len(resp.Diagnostics) != 0 {
		t.Fatalf("%v %s", err, diagText(resp.Diagnostics))
	}
	v, err := resp.Result.Unmarshal(typ)
	if err != nil {
		t.Fatal(err)
	}
	var attrs map[string]tftypes.Value
	_ = v.As(&attrs)
	var token, expires string
	_ = attrs["token"].As(&token)
	_ = attrs["expires_at"].As(&expires)
	if tokens := emu.Tokens(); len(tokens) != 1 || token != tokens[0] || expires == "" {
		t.Fatalf("token %q expires %q, issued %v", token, expires, tokens)
	}
	var body struct{ ExpireTime int64 }
	if err := json.Unmarshal([]byte(emu.Requests()[0].RawBody), &body); err != nil {
		t.Fatal(err)
	}
	want := time.Now().Add(2 * time.Hour)
	if got := time.UnixMilli(body.ExpireTime); got.Before(want.Add(-time.Minute)) || got.After(want.Add(time.Minute)) {
		t.Fatalf("ExpireTime %d is %v, not two hours from now in Unix milliseconds", body.ExpireTime, got)
	}
	if exp, err := time.Parse(time.RFC3339, expires); err != nil || exp.Unix() != body.ExpireTime/1000 {
		t.Fatalf("expires_at %q for ExpireTime %d", expires, body.ExpireTime)
	}
}
